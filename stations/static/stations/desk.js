/* Station desk: one tap per visit. Taps are kept in localStorage until the server has
   answered for them, so the desk works with no signal and a reload loses nothing. Each
   visit carries a UUID made here: the server stores it once however often it is sent. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("desk-config").textContent);
  if (!cfg.stations.length) { return; }
  var S = cfg.strings;
  var QUEUE_KEY = "yizhan.desk.queue." + cfg.user;
  var SENT_KEY = "yizhan.desk.sent." + cfg.user;
  var state = { station: null, services: [], server: {}, sending: false };

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

  function pendingFor(code) { return load(QUEUE_KEY).filter(function (v) { return v.station === code; }); }

  function render() {
    var queue = load(QUEUE_KEY);
    var sync = document.getElementById("sync");
    sync.textContent = queue.length ? fmt(S.waiting, { n: queue.length }) + (navigator.onLine ? "" : " · " + S.offline) : S.all_sent;
    sync.className = "sync " + (queue.length ? "pending" : "ok");
    sync.setAttribute("data-pending", String(queue.length));
    var pending = {};
    pendingFor(state.station).forEach(function (v) { pending[v.category] = (pending[v.category] || 0) + 1; });
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
  }

  function refreshToday() {
    return fetch(cfg.api.today + "?station=" + encodeURIComponent(state.station), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.station === state.station) { state.server = data.counts; render(); } })
      .catch(function () { /* offline: keep the last counts */ });
  }

  function flush() {
    var queue = load(QUEUE_KEY);
    if (!queue.length || state.sending) { render(); return Promise.resolve(); }
    state.sending = true;
    var batch = queue.slice(0, 500);
    return fetch(cfg.api.batch, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ visits: batch })
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      var answered = {}, sent = load(SENT_KEY);
      data.results.forEach(function (res) {
        answered[res.uuid] = true;
        if (res.status === "rejected") { toast(fmt(S.rejected, { reason: res.reason })); }
        if (res.status === "created") { sent.push(res.uuid); }
      });
      save(SENT_KEY, sent.slice(-50));
      save(QUEUE_KEY, load(QUEUE_KEY).filter(function (v) { return !answered[v.uuid]; }));
      state.sending = false;
      return refreshToday();
    }).catch(function () {
      state.sending = false;  // no signal or server trouble: keep everything, try later
      render();
    }).then(function () {
      if (load(QUEUE_KEY).length && navigator.onLine) { setTimeout(flush, 3000); }
    });
  }

  function tap(category) {
    var queue = load(QUEUE_KEY);
    var visit = { uuid: uuid4(), station: state.station, occurred_at: isoNow(), category: category.code, services: state.services.slice() };
    queue.push(visit);
    save(QUEUE_KEY, queue);
    toast(fmt(S.added, { category: category.name }));
    render();
    flush();
  }

  function undo() {
    var queue = load(QUEUE_KEY);
    if (queue.length) {  // not sent yet: simply forget it
      queue.pop(); save(QUEUE_KEY, queue); toast(S.undone); render(); return;
    }
    var sent = load(SENT_KEY);
    var last = sent.pop();
    if (!last) { toast(S.nothing_to_undo); return; }
    fetch(cfg.api.undo + encodeURIComponent(last) + "/", {
      method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
    }).then(function (r) {
      if (r.status === 204) { save(SENT_KEY, sent); toast(S.undone); return refreshToday(); }
      return r.json().then(function (body) { toast(body.error ? body.error.message : S.nothing_to_undo); });
    }).catch(function () { toast(S.offline); });
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
  });
  var grid = document.getElementById("categories");
  cfg.categories.forEach(function (c) {
    var b = document.createElement("button");
    b.type = "button"; b.setAttribute("data-category", c.code);
    var name = document.createElement("span"); name.textContent = c.name;
    var count = document.createElement("span"); count.className = "count"; count.textContent = "0";
    b.appendChild(name); b.appendChild(count);
    b.addEventListener("click", function () { tap(c); });
    grid.appendChild(b);
  });
  document.getElementById("undo").addEventListener("click", undo);
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", render);
  setInterval(function () { if (load(QUEUE_KEY).length) { flush(); } }, 15000);
  buildServices();
  render();
  refreshToday().then(flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/desk/sw.js", { scope: "/desk/" }).catch(function () {
      /* without it the desk still works while the page stays open */
    });
  }
})();
