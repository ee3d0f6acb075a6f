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
        statusAnswered({ key: res.key, status: res.status, reason: res.reason || "", data: res.data });
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
      queuedWaiting();
      render();
    }).then(function () {
      if (queue().some(function (i) { return uploaders[i.type]; }) && navigator.onLine) { setTimeout(flush, 3000); }
    });
  }

  function queuedWaiting() {
    // Nothing got through: a status change waiting for an answer says it is kept.
    queue().forEach(function (i) {
      var fn = watchers[i.key];
      if (fn && fn.show) { fn.show(fmt(S.status_queued, { what: i.label }), "pending"); }
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
  // Every change of status is a queued action too, so the desk keeps it with no signal and
  // sends it once: a closure carries its queue key as its Idempotency-Key; setting a day's
  // hours is the same however often it is sent; a reopen or a cleared day already done
  // answers 404, which counts as done.
  var STATUS_TYPES = ["closure", "reopen", "day_hours", "day_hours_clear"];
  var STATUS_DISMISSED_KEY = "yizhan.desk.status-dismissed." + cfg.user;
  var watchers = {};  // queue key -> function(result), for the message beside the form
  function closuresUrl(code) { return fmt(cfg.api.closures, { code: encodeURIComponent(code) }); }
  function dayUrl(code, day) { return fmt(cfg.api.day_hours, { code: encodeURIComponent(code), day: day }); }
  function statusUploader(request) {
    return { send: function (items) {
      var results = [], chain = Promise.resolve();
      items.forEach(function (i) {
        chain = chain.then(function () {
          var req = request(i);
          return send(req.url, req.method, req.body, req.headers).then(function (res) {
            if (res.ok || (req.gone && res.status === 404)) {
              results.push({ key: i.key, status: "applied", data: res.data }); return;
            }
            if (res.status >= 500 || res.status === 429) { throw new Error("HTTP " + res.status); }
            results.push({ key: i.key, status: "refused",
              reason: res.data.error ? res.data.error.message : String(res.status) });
          });
        });
      });
      // Whatever was answered before the signal went is done; the rest stays queued.
      return chain.then(function () { return results; },
        function (err) { if (results.length) { return results; } throw err; });
    } };
  }
  uploaders.closure = statusUploader(function (i) {
    return { url: closuresUrl(i.station), method: "POST", body: i.payload, headers: { "Idempotency-Key": i.key } };
  });
  uploaders.reopen = statusUploader(function (i) {
    return { url: closuresUrl(i.station) + i.payload.id + "/", method: "DELETE", gone: true };
  });
  uploaders.day_hours = statusUploader(function (i) {
    return { url: dayUrl(i.station, i.payload.day), method: "PUT",
      body: { opens: i.payload.opens, closes: i.payload.closes, overnight: i.payload.overnight } };
  });
  uploaders.day_hours_clear = statusUploader(function (i) {
    return { url: dayUrl(i.station, i.payload.day), method: "DELETE", gone: true };
  });

  function statusAction(type, payload, label, show, done) {
    if (type === "day_hours" || type === "day_hours_clear") {
      // A later change of the same day replaces one still waiting.
      save(QUEUE_KEY, queue().filter(function (q) {
        return !((q.type === "day_hours" || q.type === "day_hours_clear") &&
          q.station === state.station && q.payload.day === payload.day);
      }));
    }
    var item = enqueue({ type: type, label: label, payload: payload });
    show(navigator.onLine ? S.sending : fmt(S.status_queued, { what: label }), "pending");
    watchers[item.key] = function (res) {
      if (res.status === "applied") { done(res.data || {}); } else { show(fmt(S.failed, { reason: res.reason }), true); }
      refreshStatus();
    };
    watchers[item.key].show = show;
  }
  function statusAnswered(entry) {
    var fn = watchers[entry.key];
    if (fn) { delete watchers[entry.key]; fn(entry); }
  }

  var closureForm = document.getElementById("closure-form");
  function closureMsg(text, bad) {
    var el = document.getElementById("closure-msg");
    el.textContent = text; el.className = "closure-msg " + (bad === "pending" ? "pending" : bad ? "error" : "ok");
  }
  function closureText(c) {
    var start = c.starts_on.slice(5), end = c.ends_on.slice(5);
    return c.starts_on === c.ends_on ? fmt(S.closure_one_day, { start: start, reason: c.reason })
      : fmt(S.closure_line, { start: start, end: end, reason: c.reason });
  }
  function renderStatusLines() {
    var list = document.getElementById("status-lines");
    list.innerHTML = "";
    var hidden = load(STATUS_DISMISSED_KEY), lines = [];
    queue().forEach(function (q) {
      if (STATUS_TYPES.indexOf(q.type) >= 0 && q.station === state.station) { lines.push({ key: q.key, label: q.label, status: "pending" }); }
    });
    load(LOG_KEY).forEach(function (l) {
      if (STATUS_TYPES.indexOf(l.type) >= 0 && l.station === state.station && l.status === "refused" &&
          hidden.indexOf(l.key) < 0) { lines.push(l); }
    });
    list.hidden = !lines.length;
    lines.forEach(function (l) {
      var li = document.createElement("li");
      li.className = "line " + l.status; li.setAttribute("data-status", l.status); li.setAttribute("data-key", l.key);
      var text = document.createElement("span");
      text.textContent = l.label + " · " + (l.status === "pending" ? S.status_pending : fmt(S.failed, { reason: l.reason }));
      var b = document.createElement("button");
      b.type = "button"; b.className = "button small";
      b.textContent = l.status === "pending" ? S.status_cancel : S.status_dismiss;
      b.addEventListener("click", function () {
        if (l.status === "pending") { delete watchers[l.key]; forget(l.key); return; }
        var d = load(STATUS_DISMISSED_KEY); d.push(l.key); save(STATUS_DISMISSED_KEY, d.slice(-100)); renderStatusLines();
      });
      li.appendChild(text); li.appendChild(b); list.appendChild(li);
    });
  }
  queueListeners.push(renderStatusLines);

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
      }).catch(function () { document.getElementById("status-now").textContent = S.status_offline; });
    fetch(closuresUrl(code), { credentials: "same-origin", headers: { Accept: "application/json" } })
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
          b.addEventListener("click", function () { reopen(c); });
          li.appendChild(text); li.appendChild(b); list.appendChild(li);
        });
      }).catch(function () { /* offline: the list stays as it was */ });
    renderStatusLines();
  }
  // One coming day's hours.
  var dayForm = document.getElementById("day-form"), editing = null;
  function dayMsg(text, bad) {
    var el = document.getElementById("day-msg");
    el.textContent = text; el.className = "closure-msg " + (bad === "pending" ? "pending" : bad ? "error" : "ok");
  }
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
    statusAction("day_hours_clear", { day: d.date }, fmt(S.hours_clear_label, { day: d.label }), dayMsg,
      function () { dayMsg(fmt(S.day_cleared, { day: d.label })); });
  }
  document.getElementById("day-cancel").addEventListener("click", function () { dayForm.hidden = true; editing = null; });
  dayForm.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!editing) { return; }
    var d = editing, opens = document.getElementById("day-opens").value, closes = document.getElementById("day-closes").value;
    if (!/^\d\d:\d\d$/.test(opens) || !/^\d\d:\d\d$/.test(closes)) { dayMsg(S.time_needed, true); return; }
    dayForm.hidden = true; editing = null;
    // Closing before opening means after midnight.
    statusAction("day_hours", { day: d.date, opens: opens, closes: closes, overnight: closes < opens },
      fmt(S.hours_label, { day: d.label, hours: opens + "–" + closes }), dayMsg,
      function (data) { dayMsg(fmt(S.day_saved, { day: d.label, hours: (data.opens || opens) + "–" + (data.closes || closes) })); });
  });

  function reopen(c) {
    statusAction("reopen", { id: c.id }, fmt(S.reopen_label, { what: closureText(c) }), closureMsg,
      function () { closureMsg(S.reopened); });
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
    if (!body.starts_on || !body.ends_on) { closureMsg(S.dates_needed, true); return; }
    if (body.ends_on < body.starts_on) { closureMsg(S.end_before_start, true); document.getElementById("closure-end").focus(); return; }
    statusAction("closure", body, fmt(S.closure_label, { what: closureText(body) }), closureMsg,
      function (data) { closureMsg(fmt(S.closure_saved, { what: closureText(data.starts_on ? data : body) })); });
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
