/* The desk's supply tabs: hand-outs (a group by category, or one identified worker),
   vouchers scanned with the camera (jsQR, loaded on demand from our static files) or typed,
   deliveries signed for, and the station's stock. Hand-outs and vouchers are queued by the
   desk (window.YizhanDesk) like visits, each with its own key, and applied once; a refusal
   stays on its line until dismissed. The last answer of /api/v1/desk/supplies/ is kept per
   station, so the tabs still show something with no signal. */
(function () {
  "use strict";
  var D = window.YizhanDesk;
  var cfgEl = document.getElementById("desk-supplies-config");
  if (!D || !cfgEl) { return; }
  var C = JSON.parse(cfgEl.textContent);
  var S = C.strings, fmt = D.fmt;
  var CACHE_KEY = "yizhan.desk.supplies." + D.config.user + ".";
  var DISMISSED_KEY = "yizhan.desk.dismissed." + D.config.user;
  var TYPES = ["hand_out", "voucher", "undo"];
  var data = null, category = D.config.categories[0].code, workers = 1;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function note(text) {
    document.querySelectorAll("[data-note]").forEach(function (n) {
      n.textContent = text || "";
      // Where the thumb is: the answer is brought into view under the item just tapped.
      if (text && n.offsetParent !== null && n.scrollIntoView) { n.scrollIntoView({ block: "center" }); }
    });
  }

  // Upload: every hand-out and voucher of the queue in one batch --------------------------
  var uploader = {
    send: function (items) {
      return D.post(C.api.batch, { actions: items.map(function (i) {
        var a = { key: i.key, type: i.type, station: i.station };
        Object.keys(i.payload).forEach(function (k) { a[k] = i.payload[k]; });
        return a;
      }) }).then(function (body) {
        load(D.station());  // stock has changed
        var refused = body.results.filter(function (r) { return r.status === "refused"; }).length;
        if (refused) { note(fmt(S.some_refused, { n: refused })); }
        return body.results;
      });
    }
  };
  TYPES.forEach(function (t) { D.uploader(t, uploader); });

  // What the station holds ---------------------------------------------------------------
  function load(code) {
    return fetch(C.api.supplies + "?station=" + encodeURIComponent(code), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body || code !== D.station()) { return; }
        // The time it was fetched, as the station's clock reads it (China time), whatever
        // zone the phone is set to.
        body.fetched = new Intl.DateTimeFormat("zh-CN", {
          timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
        }).format(new Date());
        D.save(CACHE_KEY + code, body);
        data = body; note(""); renderAll();
      }).catch(function () {
        var kept = localStorage.getItem(CACHE_KEY + code);
        if (kept && code === D.station()) {
          data = JSON.parse(kept); note(fmt(S.offline_data, { time: data.fetched || "" })); renderAll();
        }
      });
  }

  function campaign() {
    if (!data || !data.campaigns.length) { return null; }
    var id = Number($("supply-campaign").value);
    for (var i = 0; i < data.campaigns.length; i++) { if (data.campaigns[i].id === id) { return data.campaigns[i]; } }
    return data.campaigns[0];
  }

  function pendingOf(itemCode) {
    var n = 0;
    D.queue().forEach(function (q) {
      if (q.type === "hand_out" && q.station === D.station() && q.payload.item === itemCode) { n += q.payload.quantity; }
    });
    return n;
  }

  function categoryName(code) {
    var found = D.config.categories.filter(function (c) { return c.code === code; })[0];
    return found ? found.name : code;
  }

  // The hand-out tab --------------------------------------------------------------------
  function renderCampaigns() {
    var box = document.querySelector(".supplies-campaign"), select = $("supply-campaign");
    var keep = select.value;
    select.innerHTML = "";
    (data ? data.campaigns : []).forEach(function (c) {
      var o = el("option", "", c.name); o.value = String(c.id); select.appendChild(o);
    });
    if (keep) { select.value = keep; }
    box.hidden = !data || data.campaigns.length < 2;
    var c = campaign();
    document.querySelector(".who-person").hidden = !(c && c.per_person_daily_limit > 0);
    // The voucher goes by the campaign's name for it (温暖券 in winter, 清凉券 in summer).
    if (c && c.voucher_name) { $("voucher-summary").textContent = fmt(S.voucher_scan, { name: c.voucher_name }); }
  }

  function renderCategories() {
    var box = $("supply-categories");
    box.innerHTML = "";
    D.config.categories.forEach(function (c) {
      var b = el("button", "chip-button", c.name);
      b.type = "button"; b.setAttribute("role", "radio"); b.setAttribute("data-category", c.code);
      b.setAttribute("aria-checked", c.code === category ? "true" : "false");
      b.addEventListener("click", function () { category = c.code; renderCategories(); });
      box.appendChild(b);
    });
  }

  function setWorkers(n) { workers = Math.max(1, Math.min(200, n)); $("workers-count").textContent = String(workers); personMode(); }
  // A phone typed: the hand-out goes to that one person, so the group's head count is not
  // what will be recorded: shown as 1 and set aside until the phone is cleared.
  function personMode() {
    var typed = !document.querySelector(".who-person").hidden && $("supply-phone").value.replace(/\D/g, "").length > 0;
    var group = document.querySelector(".who-group .stepper");
    group.setAttribute("data-inactive", typed ? "true" : "false");
    $("workers-count").textContent = String(typed ? 1 : workers);
    ["workers-minus", "workers-plus"].forEach(function (id) { $(id).disabled = typed; });
  }

  function renderItems() {
    var box = $("supply-items");
    box.innerHTML = "";
    if (!data) { return; }
    if (!data.campaigns.length) { box.appendChild(el("p", "muted", S.no_campaigns)); return; }
    if (!data.items.length) { box.appendChild(el("p", "muted", S.no_items)); return; }
    data.items.forEach(function (item) {
      var left = item.available - pendingOf(item.code);
      var b = el("button", "item-button");
      b.type = "button"; b.setAttribute("data-item", item.code);
      b.appendChild(el("span", "name", item.name));
      b.appendChild(el("span", "left", fmt(S.in_stock, { n: left }) + " " + item.unit));
      b.addEventListener("click", function () { handOut(item); });
      box.appendChild(b);
    });
  }

  function handOut(item) {
    var c = campaign();
    if (!c) { return; }
    var phone = $("supply-phone").value.replace(/\D/g, "");
    var person = !document.querySelector(".who-person").hidden && phone.length > 0;
    if (person && !/^1\d{10}$/.test(phone.replace(/^86/, ""))) { note(S.phone_bad); $("supply-phone").focus(); return; }
    var quantity = person ? 1 : workers;
    var label = person ? fmt(S.person_label, { tail: phone.slice(-4), item: item.name, quantity: quantity })
      : fmt(S.group_label, { category: categoryName(category), workers: workers, item: item.name, quantity: quantity });
    var payload = { campaign: c.id, item: item.code, quantity: quantity, category: category, workers: person ? 1 : workers };
    if (person) { payload.phone = phone; }
    D.enqueue({ type: "hand_out", label: label, payload: payload });
    note(fmt(S.queued, { what: label }));
    $("supply-phone").value = "";
    personMode();
  }

  function dismissed() { return D.load(DISMISSED_KEY); }

  function lineText(l) {
    if (l.status === "pending") { return S.pending; }
    if (l.status === "refused") { return fmt(S.refused, { reason: l.reason }); }
    return l.type === "undo" ? S.undone : S.applied;
  }

  function renderLines() {
    var list = $("supply-lines");
    list.innerHTML = "";
    var station = D.station(), hidden = dismissed();
    var lines = [];
    D.queue().forEach(function (q) {
      if (TYPES.indexOf(q.type) >= 0 && q.station === station) { lines.push({ key: q.key, type: q.type, label: q.label, status: "pending" }); }
    });
    D.log().forEach(function (l) {
      if (TYPES.indexOf(l.type) >= 0 && l.station === station && hidden.indexOf(l.key) < 0) { lines.push(l); }
    });
    // The latest voucher's answer, beside the scanner as well.
    var result = $("voucher-result"), last = null;
    lines.forEach(function (l) { if (l.type === "voucher") { last = l; } });
    result.textContent = last ? last.label + " · " + lineText(last) : "";
    result.className = "voucher-result" + (last ? " " + last.status : "");
    result.setAttribute("data-status", last ? last.status : "");
    // Redeemed: what to hand over, large, for the staff member at arm's length.
    var over = $("voucher-hand-over"), d = last && last.status === "applied" && last.detail;
    over.hidden = !(d && d.item);
    over.textContent = d && d.item ? fmt(S.hand_over, { item: d.item, quantity: d.quantity, unit: d.unit || "" }) : "";
    // Hand-outs taken back (or being taken back) by an undo of the log or the queue.
    var undoing = {};
    lines.forEach(function (l) { if (l.type === "undo" && l.detail && l.detail.undone) { undoing[l.detail.undone] = l.status; } });
    D.queue().forEach(function (q) { if (q.type === "undo") { undoing[q.payload.distribution] = "pending"; } });
    var window_ms = (C.undo_minutes || 0) * 60000;
    lines.slice(-12).reverse().forEach(function (l) {
      var li = el("li", "line " + l.status);
      li.setAttribute("data-key", l.key); li.setAttribute("data-status", l.status);
      li.appendChild(el("span", "what", l.label));
      var id = l.detail && l.detail.distribution;
      var undone = id && undoing[id];
      li.appendChild(el("span", "state", undone === "applied" || undone === "duplicate" ? S.undone : lineText(l)));
      if (id) { li.setAttribute("data-distribution", String(id)); }
      // A wrong tap, taken back within minutes: a reversing movement on the server.
      if (l.type === "hand_out" && l.status === "applied" && id && !undone && l.at && Date.now() - Date.parse(l.at) < window_ms) {
        var u = el("button", "button small undo-hand-out", "↶ " + S.undo);
        u.type = "button";
        u.addEventListener("click", function () {
          D.enqueue({ type: "undo", label: fmt(S.undo_label, { what: l.label }), payload: { distribution: id } });
          renderLines();
        });
        li.appendChild(u);
      }
      if (l.status === "pending" || l.status === "refused") {
        var b = el("button", "button small", l.status === "pending" ? S.remove : S.dismiss);
        b.type = "button";
        b.addEventListener("click", function () {
          if (l.status === "pending") { D.forget(l.key); } else {
            var d = dismissed(); d.push(l.key); D.save(DISMISSED_KEY, d.slice(-100)); renderLines();
          }
        });
        li.appendChild(b);
      }
      list.appendChild(li);
    });
  }

  // Vouchers ----------------------------------------------------------------------------
  var decoderLoading = null;
  function decoder() {
    if (window.jsQR) { return Promise.resolve(window.jsQR); }
    if (!decoderLoading) {
      decoderLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = "/static/" + C.decoder;
        s.onload = function () { resolve(window.jsQR); };
        s.onerror = function () { decoderLoading = null; reject(new Error("decoder")); };
        document.head.appendChild(s);
      });
    }
    return decoderLoading;
  }

  function decodeCanvas(canvas) {
    var ctx = canvas.getContext("2d");
    var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "attemptBoth" });
    return found && found.data ? found.data : null;
  }

  function redeem(code) {
    code = String(code || "").trim();
    if (!code) { note(S.code_needed); return; }
    var plain = code.toUpperCase().replace(/[^0-9A-Z]/g, "");
    var c = campaign();
    var label = fmt(S.voucher_label, { name: (c && c.voucher_name) || "", code: (plain.match(/.{1,4}/g) || [plain]).join("-") });
    D.enqueue({ type: "voucher", label: label, payload: { code: code } });
    note(fmt(S.queued, { what: label }));
    $("voucher-code").value = "";
  }

  /* Decode a photo (or any image) of a voucher: the fallback without camera streaming, and
     how the browser test feeds a QR image to the page. */
  function decodeImage(blob) {
    return decoder().then(function () {
      return new Promise(function (resolve) {
        var url = URL.createObjectURL(blob), img = new Image();
        img.onload = function () {
          var scale = Math.min(1, 1024 / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          URL.revokeObjectURL(url);
          resolve(decodeCanvas(canvas));
        };
        img.onerror = function () { URL.revokeObjectURL(url); resolve(null); };
        img.src = url;
      });
    });
  }

  var stream = null;
  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    $("voucher-video").hidden = true;
  }
  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { note(S.camera_denied); return; }
    Promise.all([decoder(), navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })])
      .then(function (got) {
        stream = got[1];
        var video = $("voucher-video"), canvas = document.createElement("canvas");
        video.srcObject = stream; video.hidden = false; video.play();
        var started = Date.now();
        (function tick() {
          if (!stream) { return; }
          if (video.readyState >= 2 && video.videoWidth) {
            canvas.width = video.videoWidth; canvas.height = video.videoHeight;
            canvas.getContext("2d").drawImage(video, 0, 0);
            var code = decodeCanvas(canvas);
            if (code) { stopCamera(); redeem(code); return; }
          }
          if (Date.now() - started > 60000) { stopCamera(); note(S.scan_none); return; }
          requestAnimationFrame(tick);
        })();
      }).catch(function () { stopCamera(); note(S.camera_denied); });
  }

  // Deliveries --------------------------------------------------------------------------
  function renderDeliveries() {
    var box = $("delivery-list");
    box.innerHTML = "";
    if (!data) { return; }
    if (!data.transfers.length) { box.appendChild(el("p", "muted", S.no_transfers)); return; }
    data.transfers.forEach(function (t) {
      var form = el("form", "delivery");
      form.setAttribute("data-transfer", String(t.id));
      form.appendChild(el("h3", "", t.campaign || "#" + t.id));
      form.appendChild(el("p", "meta", fmt(S.from, { source: t.source, sent: t.sent })));
      t.lines.forEach(function (line) {
        var row = el("div", "delivery-line");
        var label = el("label");
        label.appendChild(el("span", "what", line.item + (line.batch ? " · " + line.batch : "")));
        label.appendChild(el("span", "meta", fmt(S.sent_qty, { n: line.quantity, unit: line.unit })));
        var input = el("input");
        input.type = "number"; input.min = "0"; input.max = String(line.quantity); input.value = String(line.quantity);
        input.inputMode = "numeric"; input.setAttribute("data-lot", String(line.lot));
        var short = el("span", "shortfall");
        input.addEventListener("input", function () {
          var n = line.quantity - (parseInt(input.value, 10) || 0);
          short.textContent = n > 0 ? fmt(S.shortfall, { n: n }) : "";
          showReason(form);
        });
        label.appendChild(input);
        row.appendChild(label); row.appendChild(short);
        form.appendChild(row);
      });
      // Signed short: why (the receipt keeps it), asked before the button.
      var why = el("label", "delivery-reason", S.short_reason);
      var reason = el("input");
      reason.type = "text"; reason.maxLength = 300; reason.setAttribute("data-reason", "");
      why.appendChild(reason); why.hidden = true;
      form.appendChild(why);
      var b = el("button", "button primary", S.receive);
      b.type = "submit";
      form.appendChild(b);
      form.addEventListener("submit", function (e) { e.preventDefault(); receive(t, form); });
      box.appendChild(form);
    });
  }

  function shortOf(form) {
    var short = 0;
    form.querySelectorAll("input[data-lot]").forEach(function (input) {
      short += Math.max(0, Number(input.max) - (parseInt(input.value, 10) || 0));
    });
    return short;
  }
  function showReason(form) {
    var why = form.querySelector(".delivery-reason");
    if (why) { why.hidden = shortOf(form) === 0; }
  }
  function receive(t, form) {
    var lines = [], got = 0, sent = 0;
    var reason = (form.querySelector("input[data-reason]") || { value: "" }).value.trim();
    if (shortOf(form) > 0 && !reason) {
      showReason(form);
      $("delivery-msg").textContent = S.short_reason_needed;
      $("delivery-msg").className = "delivery-msg error";
      form.querySelector("input[data-reason]").focus();
      return;
    }
    form.querySelectorAll("input[data-lot]").forEach(function (input) {
      var n = Math.max(0, parseInt(input.value, 10) || 0);
      lines.push({ lot: Number(input.getAttribute("data-lot")), received_quantity: n });
      got += n;
    });
    t.lines.forEach(function (l) { sent += l.quantity; });
    // One key per delivery: a second tap after a lost answer is not a second receipt.
    var key = form.getAttribute("data-key") || D.uuid4();
    form.setAttribute("data-key", key);
    D.send(fmt(C.api.receive, { id: t.id }), "POST", { lines: lines, reason: reason }, { "Idempotency-Key": key })
      .then(function (res) {
        var msg = $("delivery-msg");
        if (res.ok) {
          msg.textContent = got < sent ? fmt(S.received_short, { n: got, short: sent - got }) : fmt(S.received, { n: got });
          msg.className = "delivery-msg ok";
          load(D.station());
        } else {
          msg.textContent = fmt(S.failed, { reason: res.data.error ? res.data.error.message : res.status });
          msg.className = "delivery-msg error";
        }
      }).catch(function () { $("delivery-msg").textContent = S.need_network; });
  }

  // Stock -------------------------------------------------------------------------------
  function renderStock() {
    var box = $("stock-list"), wo = $("write-off");
    box.innerHTML = ""; wo.innerHTML = "";
    if (!data) { return; }
    data.write_off.forEach(function (w) {
      wo.appendChild(el("li", "", fmt(S.write_off, { item: w.item, batch: w.batch || "—", date: w.expires_on, n: w.quantity, unit: w.unit })));
    });
    if (!data.stock.length) { box.appendChild(el("p", "muted", S.empty_stock)); return; }
    data.stock.forEach(function (item) {
      var card = el("div", "stock-item");
      card.setAttribute("data-item", item.code);
      var head = el("div", "stock-head");
      head.appendChild(el("strong", "", item.name));
      head.appendChild(el("span", "", fmt(S.available, { n: item.available, unit: item.unit })));
      card.appendChild(head);
      var ul = el("ul", "lots");
      item.lots.forEach(function (lot) {
        var li = el("li", "lot " + lot.state);
        li.setAttribute("data-state", lot.state);
        var text = (lot.batch ? lot.batch + " · " : "") + lot.quantity + " " + item.unit;
        if (lot.expires_on) { text += " · " + fmt(S.expires, { date: lot.expires_on }); }
        li.appendChild(el("span", "", text));
        if (lot.state !== "ok") { li.appendChild(el("span", "badge", lot.state === "near" ? S.near : S.expired)); }
        ul.appendChild(li);
      });
      card.appendChild(ul);
      box.appendChild(card);
    });
  }

  function renderAll() { renderCampaigns(); renderItems(); renderLines(); renderDeliveries(); renderStock(); }

  // Wiring ------------------------------------------------------------------------------
  renderCategories();
  $("workers-minus").addEventListener("click", function () { setWorkers(workers - 1); });
  $("workers-plus").addEventListener("click", function () { setWorkers(workers + 1); });
  $("supply-phone").addEventListener("input", personMode);
  $("supply-campaign").addEventListener("change", function () { renderCampaigns(); });
  $("voucher-camera").addEventListener("click", startCamera);
  // Fetch the decoder when the voucher box is opened (and the service worker keeps it), not
  // with every desk page on a weak signal.
  $("voucher-box").addEventListener("toggle", function () {
    if ($("voucher-box").open) { decoder().catch(function () { /* tried again on use */ }); }
  });
  $("voucher-image").addEventListener("change", function (e) {
    var file = e.target.files && e.target.files[0];
    if (!file) { return; }
    decodeImage(file).then(function (code) {
      e.target.value = "";
      if (code) { redeem(code); } else { note(S.scan_none); }
    }).catch(function () { note(S.scan_none); });
  });
  $("voucher-form").addEventListener("submit", function (e) { e.preventDefault(); redeem($("voucher-code").value); });
  D.onQueue(function () { renderLines(); renderItems(); });
  D.onStation(function (code) { data = null; renderAll(); load(code); });
  window.YizhanDesk.decodeVoucherImage = decodeImage;
  load(D.station());
})();
