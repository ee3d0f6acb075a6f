/* Station desk. Every tap becomes a typed action (a visit, a hand-out, a voucher …) with a
   key made here, kept in localStorage until the server has answered for it: the desk works
   with no signal, a reload loses nothing, and the server applies each key once however
   often it is sent. Visits go to /api/v1/visits/batch/; other types go to whichever
   uploader a panel script registered for them (window.YizhanDesk.uploader). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("desk-config").textContent);
  if (!cfg.stations.length) { return; }
  var S = cfg.strings;
  var QUEUE_KEY = "yizhan.desk.queue." + cfg.user;
  var SENT_KEY = "yizhan.desk.sent." + cfg.user;
  var LOG_KEY = "yizhan.desk.log." + cfg.user;
  var state = { station: null, services: [], server: {}, sending: false };
  var uploaders = {};  // type -> {send(items) -> Promise<[{key,status,reason,field,detail}]>}
  var stationListeners = [], queueListeners = [];

  function fmt(t, v) { return t.replace(/%\((\w+)\)s/g, function (_, k) { return v[k]; }); }
  function load(key) { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function isoNow() {
    // Local time with its offset, e.g. 2027-07-14T10:30:00+08:00.
    var d = new Date(), off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    function p(n) { return (n < 10 ? "0" : "") + n; }
    off = Math.abs(off);
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) + ":" +
      p(d.getMinutes()) + ":" + p(d.getSeconds()) + sign + p(Math.floor(off / 60)) + ":" + p(off % 60);
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function toast(text) { document.getElementById("toast").textContent = text; }
  function stationInfo() {
    for (var i = 0; i < cfg.stations.length; i++) { if (cfg.stations[i].code === state.station) { return cfg.stations[i]; } }
    return cfg.stations[0];
  }
  function categoryName(code) {
    for (var i = 0; i < cfg.categories.length; i++) { if (cfg.categories[i].code === code) { return cfg.categories[i].name; } }
    return code;
  }

  // The queue --------------------------------------------------------------------------
  function normalize(item) {
    // Visits queued before the queue was typed: {uuid, station, occurred_at, category, services}.
    if (item.type) { return item; }
    return {
      key: item.uuid, type: "visit", station: item.station,
      label: fmt(S.visit_label, { category: categoryName(item.category) }),
      payload: { occurred_at: item.occurred_at, category: item.category, services: item.services || [] }
    };
  }
  function queue() { return load(QUEUE_KEY).map(normalize); }
  function enqueue(action) {
    var item = { key: action.key || uuid4(), type: action.type, station: action.station || state.station,
      label: action.label || "", payload: action.payload || {}, queued_at: isoNow() };
    var q = queue(); q.push(item); save(QUEUE_KEY, q);
    render(); flush();
    return item;
  }
  function forget(key) {
    save(QUEUE_KEY, queue().filter(function (i) { return i.key !== key; }));
    render();
  }
  function log(entry) {
    var l = load(LOG_KEY); l.push(entry); save(LOG_KEY, l.slice(-40));
  }

  uploaders.visit = {
    send: function (items) {
      return post(cfg.api.batch, { visits: items.map(function (i) {
        return { uuid: i.key, station: i.station, occurred_at: i.payload.occurred_at,
          category: i.payload.category, services: i.payload.services || [] };
      }) }).then(function (data) {
        return data.results.map(function (r) {
          return { key: r.uuid, status: r.status === "rejected" ? "refused" : (r.status === "created" ? "applied" : r.status), reason: r.reason };
        });
      });
    }
  };

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  // A request whose refusal the caller shows: resolves {ok, status, data}.
  function send(url, method, body, headers) {
    var h = { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() };
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    return fetch(url, { method: method, credentials: "same-origin", headers: h,
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (t) {
          var data = {};
          try { data = t ? JSON.parse(t) : {}; } catch (e) { data = {}; }
          return { ok: r.ok, status: r.status, data: data };
        });
      });
  }

  function flushType(type) {
    var items = queue().filter(function (i) { return i.type === type; }).slice(0, 200);
    if (!items.length || !uploaders[type]) { return Promise.resolve(); }
    return uploaders[type].send(items).then(function (results) {
      var byKey = {};
      items.forEach(function (i) { byKey[i.key] = i; });
      var answered = {}, sent = load(SENT_KEY);
      results.forEach(function (res) {
        var item = byKey[res.key];
        if (!item) { return; }
        answered[res.key] = true;
        log({ key: res.key, type: type, station: item.station, label: item.label, status: res.status,
          reason: res.reason || "", detail: res.detail || {}, at: isoNow() });
        if (type === "visit" && res.status === "refused") { toast(fmt(S.rejected, { reason: res.reason })); }
        if (type === "visit" && res.status === "applied") {
          sent.push({ uuid: res.key, label: item.label });
          // Count it as the server's until today's counts come back, so the total never dips.
          if (item.station === state.station) {
            state.server[item.payload.category] = (state.server[item.payload.category] || 0) + 1;
          }
        }
      });
      save(SENT_KEY, sent.slice(-50));
      save(QUEUE_KEY, queue().filter(function (i) { return !answered[i.key]; }));
    });
  }

  function flush() {
    if (state.sending) { render(); return Promise.resolve(); }
    var types = {};
    queue().forEach(function (i) { types[i.type] = true; });
    var list = Object.keys(types).filter(function (t) { return uploaders[t]; });
    if (!list.length) { render(); return Promise.resolve(); }
    state.sending = true;
    var chain = Promise.resolve();
    list.forEach(function (t) { chain = chain.then(function () { return flushType(t); }); });
    return chain.then(function () {
      state.sending = false;
      notifyQueue();
      return refreshToday();
    }).catch(function () {
      state.sending = false;  // no signal or server trouble: keep everything, try later
      render();
    }).then(function () {
      if (queue().some(function (i) { return uploaders[i.type]; }) && navigator.onLine) { setTimeout(flush, 3000); }
    });
  }

  function notifyQueue() { render(); queueListeners.forEach(function (fn) { fn(); }); }

  // Visits -----------------------------------------------------------------------------
  function render() {
    var q = queue();
    var sync = document.getElementById("sync");
    sync.textContent = q.length ? fmt(S.waiting, { n: q.length }) + (navigator.onLine ? "" : " · " + S.offline) : S.all_sent;
    sync.className = "sync " + (q.length ? "pending" : "ok");
    sync.setAttribute("data-pending", String(q.length));
    var pending = {};
    q.forEach(function (v) {
      if (v.type === "visit" && v.station === state.station) { pending[v.payload.category] = (pending[v.payload.category] || 0) + 1; }
    });
    var totals = document.getElementById("totals");
    totals.innerHTML = "";
    var sum = 0;
    cfg.categories.forEach(function (c) {
      var n = (state.server[c.code] || 0) + (pending[c.code] || 0);
      sum += n;
      var btnCount = document.querySelector('#categories button[data-category="' + c.code + '"] .count');
      if (btnCount) { btnCount.textContent = String(n); }
      var tr = document.createElement("tr");
      tr.innerHTML = "<th scope='row'></th><td></td>";
      tr.children[0].textContent = c.name; tr.children[1].textContent = String(n);
      totals.appendChild(tr);
    });
    var total = document.createElement("tr");
    total.className = "sum";
    total.innerHTML = "<th scope='row'></th><td id='total'></td>";
    total.children[0].textContent = S.total; total.children[1].textContent = String(sum);
    totals.appendChild(total);
    queueListeners.forEach(function (fn) { fn(); });
  }

  function refreshToday() {
    return fetch(cfg.api.today + "?station=" + encodeURIComponent(state.station), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.station === state.station) { state.server = data.counts; render(); } })
      .catch(function () { /* offline: keep the last counts */ });
  }

  function serviceNames(codes) {
    var names = [];
    stationInfo().services.forEach(function (s) { if (codes.indexOf(s.code) >= 0) { names.push(s.name); } });
    return names.join("、");
  }

  function tap(category) {
    var services = state.services.slice();
    var label = fmt(S.visit_label, { category: category.name });
    enqueue({ type: "visit", label: label,
      payload: { occurred_at: isoNow(), category: category.code, services: services } });
    toast(services.length ? fmt(S.added_with, { category: category.name, services: serviceNames(services) })
      : fmt(S.added, { category: category.name }));
    resetServices();  // a service chosen for one visitor is not carried to the next
  }

  function undo() {
    var q = queue(), i;
    for (i = q.length - 1; i >= 0; i--) {
      if (q[i].type === "visit" && q[i].station === state.station) { break; }
    }
    if (i >= 0) {  // not sent yet: simply forget it
      var removed = q.splice(i, 1)[0];
      save(QUEUE_KEY, q); toast(fmt(S.undone, { what: removed.label })); render(); return;
    }
    var sent = load(SENT_KEY);
    var last = sent.pop();
    if (!last) { toast(S.nothing_to_undo); return; }
    var uuid = typeof last === "string" ? last : last.uuid;
    var label = typeof last === "string" ? "" : last.label;
    fetch(cfg.api.undo + encodeURIComponent(uuid) + "/", {
      method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
    }).then(function (r) {
      if (r.status === 204) {
        save(SENT_KEY, sent);
        toast(label ? fmt(S.undone, { what: label }) : S.undone_unknown);
        return refreshToday();
      }
      return r.json().then(function (body) { toast(body.error ? body.error.message : S.nothing_to_undo); });
    }).catch(function () { toast(S.offline); });
  }

  function resetServices() {
    state.services = [];
    document.querySelectorAll("#services button").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
  }

  function buildServices() {
    var box = document.getElementById("services");
    box.innerHTML = "";
    state.services = [];
    stationInfo().services.forEach(function (s) {
      var b = document.createElement("button");
      b.type = "button"; b.setAttribute("aria-pressed", "false"); b.setAttribute("data-service", s.code);
      b.textContent = s.icon + " " + s.name;
      b.addEventListener("click", function () {
        var on = b.getAttribute("aria-pressed") !== "true";
        b.setAttribute("aria-pressed", on ? "true" : "false");
        state.services = state.services.filter(function (c) { return c !== s.code; });
        if (on) { state.services.push(s.code); }
      });
      box.appendChild(b);
    });
  }

  // Tabs -------------------------------------------------------------------------------
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".desk-tabs [role=tab]"));
  function showTab(btn) {
    tabs.forEach(function (b) {
      var on = b === btn;
      b.setAttribute("aria-selected", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
      document.getElementById(b.getAttribute("aria-controls")).hidden = !on;
    });
    if (btn.id === "tabbtn-status") { refreshStatus(); }
  }
  tabs.forEach(function (b, index) {
    b.tabIndex = index === 0 ? 0 : -1;
    b.addEventListener("click", function () { showTab(b); });
    b.addEventListener("keydown", function (e) {
      var step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) { return; }
      var next = tabs[(index + step + tabs.length) % tabs.length];
      next.focus(); showTab(next);
    });
  });

  // Station status ---------------------------------------------------------------------
  var closureForm = document.getElementById("closure-form");
  function closuresUrl() { return fmt(cfg.api.closures, { code: encodeURIComponent(state.station) }); }
  function closureMsg(text, bad) {
    var el = document.getElementById("closure-msg");
    el.textContent = text; el.className = "closure-msg" + (bad ? " error" : " ok");
  }
  function closureText(c) {
    var start = c.starts_on.slice(5), end = c.ends_on.slice(5);
    return c.starts_on === c.ends_on ? fmt(S.closure_one_day, { start: start, reason: c.reason })
      : fmt(S.closure_line, { start: start, end: end, reason: c.reason });
  }
  function refreshStatus() {
    var code = state.station;
    fetch(fmt(cfg.api.station, { code: encodeURIComponent(code) }), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || code !== state.station) { return; }
        var p = data.properties || {};
        var el = document.getElementById("status-now");
        el.textContent = fmt(p.open_now ? S.open_now : S.closed_now, { hours: p.hours_today || "" });
        el.className = "status-now " + (p.open_now ? "open" : "closed");
        el.setAttribute("data-open", p.open_now ? "true" : "false");
        renderWeek(p.week || []);
      }).catch(function () { document.getElementById("status-now").textContent = S.need_network; });
    fetch(closuresUrl(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || code !== state.station) { return; }
        var list = document.getElementById("closure-list");
        list.innerHTML = "";
        if (!data.closures.length) {
          var none = document.createElement("li"); none.className = "muted"; none.textContent = S.no_closures;
          list.appendChild(none);
        }
        data.closures.forEach(function (c) {
          var li = document.createElement("li");
          var text = document.createElement("span"); text.textContent = closureText(c);
          var b = document.createElement("button");
          b.type = "button"; b.className = "button small"; b.textContent = S.reopen;
          b.addEventListener("click", function () { reopen(c.id); });
          li.appendChild(text); li.appendChild(b); list.appendChild(li);
        });
      }).catch(function () { /* offline */ });
  }
  // One coming day's hours.
  var dayForm = document.getElementById("day-form"), editing = null;
  function dayMsg(text, bad) {
    var el = document.getElementById("day-msg");
    el.textContent = text; el.className = "closure-msg" + (bad ? " error" : " ok");
  }
  function dayUrl(day) { return fmt(cfg.api.day_hours, { code: encodeURIComponent(state.station), day: day }); }
  function renderWeek(week) {
    var list = document.getElementById("week-list");
    list.innerHTML = "";
    week.forEach(function (d) {
      var li = document.createElement("li");
      li.setAttribute("data-day", d.date);
      var text = document.createElement("span");
      text.textContent = d.label + "  " + d.hours + (d.changed ? " " + S.changed_mark : "");
      li.appendChild(text);
      var actions = document.createElement("span");
      var edit = document.createElement("button");
      edit.type = "button"; edit.className = "button small"; edit.textContent = S.change_hours;
      edit.addEventListener("click", function () { editDay(d); });
      actions.appendChild(edit);
      if (d.changed) {
        var usual = document.createElement("button");
        usual.type = "button"; usual.className = "button small"; usual.textContent = S.usual_hours;
        usual.addEventListener("click", function () { clearDay(d); });
        actions.appendChild(usual);
      }
      li.appendChild(actions);
      list.appendChild(li);
    });
  }
  function editDay(d) {
    editing = d;
    document.getElementById("day-form-title").textContent = fmt(S.day_title, { day: d.label });
    var span = (d.spans && d.spans[0]) || { opens: "08:00", closes: "20:00" };
    document.getElementById("day-opens").value = span.opens;
    document.getElementById("day-closes").value = span.closes;
    dayForm.hidden = false;
    document.getElementById("day-opens").focus();
  }
  function clearDay(d) {
    send(dayUrl(d.date), "DELETE").then(function (res) {
      if (res.ok) { dayMsg(fmt(S.day_cleared, { day: d.label })); refreshStatus(); return; }
      dayMsg(fmt(S.failed, { reason: res.data.error ? res.data.error.message : res.status }), true);
    }).catch(function () { dayMsg(S.need_network, true); });
  }
  document.getElementById("day-cancel").addEventListener("click", function () { dayForm.hidden = true; editing = null; });
  dayForm.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!editing) { return; }
    var d = editing, opens = document.getElementById("day-opens").value, closes = document.getElementById("day-closes").value;
    // Closing before opening means after midnight.
    send(dayUrl(d.date), "PUT", { opens: opens, closes: closes, overnight: closes < opens }).then(function (res) {
      if (res.ok) {
        dayForm.hidden = true; editing = null;
        dayMsg(fmt(S.day_saved, { day: d.label, hours: res.data.opens + "–" + res.data.closes }));
        refreshStatus(); return;
      }
      dayMsg(fmt(S.failed, { reason: res.data.error ? res.data.error.message : res.status }), true);
    }).catch(function () { dayMsg(S.need_network, true); });
  });

  function reopen(id) {
    fetch(closuresUrl() + id + "/", {
      method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
    }).then(function (r) {
      if (r.status === 204) { closureMsg(S.reopened); refreshStatus(); return; }
      return r.json().then(function (body) { closureMsg(fmt(S.failed, { reason: body.error.message }), true); });
    }).catch(function () { closureMsg(S.need_network, true); });
  }
  function chosenReason() {
    var r = closureForm.querySelector("input[name=reason]:checked");
    if (!r) { return ""; }
    if (r.value === "other") { return document.getElementById("closure-other").value.trim(); }
    return r.getAttribute("data-label");
  }
  closureForm.querySelectorAll("input[name=reason]").forEach(function (r) {
    r.addEventListener("change", function () {
      closureForm.querySelector(".other-reason").hidden = r.value !== "other" || !r.checked;
    });
  });
  document.getElementById("closure-start").value = cfg.today;
  document.getElementById("closure-end").value = cfg.today;
  document.getElementById("closure-start").addEventListener("change", function (e) {
    var end = document.getElementById("closure-end");
    if (end.value < e.target.value) { end.value = e.target.value; }
  });
  closureForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var reason = chosenReason();
    if (!reason) { closureMsg(S.other_needed, true); document.getElementById("closure-other").focus(); return; }
    var body = { starts_on: document.getElementById("closure-start").value,
      ends_on: document.getElementById("closure-end").value, reason: reason };
    send(closuresUrl(), "POST", body).then(function (res) {
      if (res.ok) { closureMsg(fmt(S.closure_saved, { what: closureText(res.data) })); refreshStatus(); return; }
      closureMsg(fmt(S.failed, { reason: res.data.error ? res.data.error.message : res.status }), true);
    }).catch(function () { closureMsg(S.need_network, true); });
  });

  // Start ------------------------------------------------------------------------------
  var select = document.getElementById("station");
  cfg.stations.forEach(function (s) {
    var o = document.createElement("option"); o.value = s.code; o.textContent = s.name + " (" + s.code + ")"; select.appendChild(o);
  });
  var remembered = localStorage.getItem("yizhan.desk.station");
  state.station = cfg.stations.some(function (s) { return s.code === remembered; }) ? remembered : cfg.stations[0].code;
  select.value = state.station;
  select.addEventListener("change", function () {
    state.station = select.value; state.server = {};
    localStorage.setItem("yizhan.desk.station", state.station);
    buildServices(); render(); refreshToday();
    if (!document.getElementById("tab-status").hidden) { refreshStatus(); }
    stationListeners.forEach(function (fn) { fn(state.station); });
  });
  var grid = document.getElementById("categories");
  cfg.categories.forEach(function (c) {
    var b = document.createElement("button");
    b.type = "button"; b.setAttribute("data-category", c.code);
    var name = document.createElement("span"); name.className = "name"; name.textContent = c.name;
    var count = document.createElement("span"); count.className = "count"; count.textContent = "0";
    b.appendChild(name); b.appendChild(count);
    b.addEventListener("click", function () { tap(c); });
    grid.appendChild(b);
  });
  document.getElementById("undo").addEventListener("click", undo);
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", render);
  setInterval(function () { if (queue().length) { flush(); } }, 15000);
  buildServices();

  window.YizhanDesk = {
    config: cfg, fmt: fmt, uuid4: uuid4, csrf: csrf, load: load, save: save,
    station: function () { return state.station; },
    onStation: function (fn) { stationListeners.push(fn); },
    onQueue: function (fn) { queueListeners.push(fn); },
    queue: queue, log: function () { return load(LOG_KEY); }, enqueue: enqueue, forget: forget, flush: flush,
    uploader: function (type, up) { uploaders[type] = up; },
    post: post, send: send
  };

  render();
  // Panel scripts register their uploaders as they load: start sending once all have run.
  window.addEventListener("load", function () { refreshToday().then(flush); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/desk/sw.js", { scope: "/desk/" }).catch(function () {
      /* without it the desk still works while the page stays open */
    });
  }
})();
