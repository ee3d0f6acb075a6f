/* The public station finder: locate, filter, list nearest, clusters when zoomed out.
 *
 * Built for a weak signal: the list does not wait for the map library, the last list is
 * kept on the phone and shown at once (and when the network is gone), and a failed
 * request says in words what happened and offers the light /nearby/ list. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("finder-config").textContent);
  var S = cfg.strings;
  var gcj = cfg.tiles.crs === "gcj02";
  var STORE = "yizhan.finder.last";
  var state = { origin: null, originLabel: "", services: [], openNow: false, requestId: 0, features: [], sheet: null };
  var map = null, stationLayer = null, youMarker = null;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  function serviceIcon(code) {
    for (var i = 0; i < cfg.services.length; i++) {
      if (cfg.services[i].code === code) { return cfg.services[i]; }
    }
    return { icon: "", name: code };
  }
  function todayText(hours) {
    // "今日闭站" and "营业时间未登记" stand alone; other hours get the "今日" prefix.
    return (hours === S.closed_today || hours === S.hours_unknown) ? hours : S.hours_today + " " + hours;
  }
  function english() { return document.documentElement.lang === "en"; }
  function nameOf(p) { return (english() && p.name_en) ? p.name_en : p.name; }
  function setStatus(text) { document.getElementById("status").textContent = text || ""; }

  // Display coordinates: shift to GCJ-02 only when the tiles are GCJ-02.
  function toDisplay(lat, lng) {
    if (!gcj || !window.YizhanCoords) { return [lat, lng]; }
    var p = window.YizhanCoords.wgs84ToGcj02(lng, lat);
    return [p[1], p[0]];
  }
  function fromDisplay(latlng) {
    if (!gcj || !window.YizhanCoords) { return { lat: latlng.lat, lng: latlng.lng }; }
    var p = window.YizhanCoords.gcj02ToWgs84(latlng.lng, latlng.lat);
    return { lat: p[1], lng: p[0] };
  }

  function filterQuery() {
    var q = [];
    if (state.services.length) { q.push("service=" + encodeURIComponent(state.services.join(","))); }
    if (state.openNow) { q.push("open_now=true"); }
    return q.join("&");
  }

  // The filters live in the address too: coming back from a navigation app (or a reload)
  // finds them as they were. Only codes the page offers are taken from it.
  function readUrlState() {
    var q = new URLSearchParams(window.location.search);
    var known = cfg.services.map(function (s) { return s.code; });
    var wanted = [];
    q.getAll("service").forEach(function (v) { wanted = wanted.concat(v.split(",")); });
    state.services = wanted.filter(function (c, i) { return known.indexOf(c) !== -1 && wanted.indexOf(c) === i; });
    state.openNow = q.get("open_now") === "true";
    Array.prototype.forEach.call(document.querySelectorAll(".chip"), function (chip) {
      var on = chip.hasAttribute("data-open-now") ? state.openNow : state.services.indexOf(chip.getAttribute("data-service")) !== -1;
      chip.setAttribute("aria-pressed", on ? "true" : "false");
    });
    return q.get("station");
  }
  function writeUrlState() {
    var q = new URLSearchParams(window.location.search);
    q.delete("service"); q.delete("open_now"); q.delete("station");
    if (state.services.length) { q.set("service", state.services.join(",")); }
    if (state.openNow) { q.set("open_now", "true"); }
    if (state.sheet) { q.set("station", state.sheet); }
    var query = q.toString().replace(/%2C/g, ",");
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function lightListUrl() {
    var q = [];
    if (state.origin) { q.push("lat=" + state.origin.lat.toFixed(5), "lng=" + state.origin.lng.toFixed(5)); }
    state.services.forEach(function (c) { q.push("service=" + encodeURIComponent(c)); });
    if (state.openNow) { q.push("open_now=true"); }
    return cfg.light_list + (q.length ? "?" + q.join("&") : "");
  }

  // A failed request, said in words: offline, the server down, or what the server said.
  function RequestFailed(kind, message) { this.kind = kind; this.message = message; }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var said = body && body.error && body.error.message;
          throw new RequestFailed(said ? "refused" : "server", said || S.server_error);
        }
        if (r.headers.get("X-Yizhan-From-Cache")) { body.fromCache = true; }
        return body;
      });
    }, function () {
      throw new RequestFailed("offline", navigator.onLine === false ? S.offline : S.unreachable);
    });
  }
  function showFailure(err) {
    var box = document.getElementById("offline");
    box.innerHTML = "";
    var message = (err && err.message) || S.server_error;
    if (err && err.kind === "refused") { setStatus(message); box.hidden = true; return; }
    box.appendChild(el("span", { text: message + " " }));
    if (state.features.length) { box.appendChild(el("span", { text: S.showing_saved + " " })); }
    // The light list is a page from the server: with no connection it cannot come either.
    if (err && err.kind !== "offline") { box.appendChild(el("a", { href: lightListUrl(), text: S.light_list })); }
    box.hidden = false;
  }
  function clearFailure() { document.getElementById("offline").hidden = true; }

  // --- the list (works before, and without, the map) -------------------------------------
  function renderList(features, originLabel) {
    var list = document.getElementById("results");
    list.innerHTML = "";
    document.getElementById("list-origin").textContent = originLabel || "";
    if (!features.length) {
      list.appendChild(el("li", { class: "station-item empty", text: S.no_results }));
      return;
    }
    features.forEach(function (f) {
      var p = f.properties;
      var icons = el("span", { class: "icons", "aria-label": p.services.map(function (c) { return serviceIcon(c).name; }).join(", ") });
      p.services.forEach(function (c) { icons.appendChild(el("span", { title: serviceIcon(c).name, text: serviceIcon(c).icon })); });
      var travel = p.travel && p.travel.text;
      var button = el("button", { type: "button", "data-code": p.code, "data-distance": p.distance_m }, [
        el("span", { class: "name", text: nameOf(p) }),
        el("span", { class: "meta distance", text: p.distance_text }),
        travel ? el("span", { class: "meta travel", "data-mode": p.travel.mode, text: travel }) : null,
        el("span", { class: "badge " + (p.open_now ? "open" : "closed"), text: p.open_now ? S.open : S.closed }),
        el("span", { class: "meta", text: todayText(p.hours_today) }),
        (!p.open_now && p.next_open) ? el("span", { class: "next-open", text: p.next_open }) : null,
        icons
      ]);
      button.addEventListener("click", function () { openSheet(p.code); });
      list.appendChild(el("li", { class: "station-item" }, [button]));
    });
  }

  function remember(features, label) {
    try {
      localStorage.setItem(STORE, JSON.stringify({
        origin: state.origin, label: label, features: features, saved: Date.now()
      }));
    } catch (e) { /* private mode or full: the list just isn't kept */ }
  }
  // The alerts of the last place, with their advice: offline, the banner is this place's,
  // not the kept page's list of every region.
  var ALERTS = "yizhan.finder.alerts";
  function rememberAlerts(data) {
    try { localStorage.setItem(ALERTS, JSON.stringify({ origin: state.origin, data: data, saved: Date.now() })); } catch (e) { /* not kept */ }
  }
  function recallAlerts(origin) {
    try {
      var kept = JSON.parse(localStorage.getItem(ALERTS) || "null");
      if (kept && origin && kept.origin && kept.origin.lat === origin.lat && kept.origin.lng === origin.lng) { return kept.data; }
    } catch (e) { /* nothing kept */ }
    return null;
  }
  function recall() {
    try { return JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }

  function fitToResults(features) {
    if (!map || !features.length) { return; }
    var points = features.map(function (f) { var c = f.geometry.coordinates; return toDisplay(c[1], c[0]); });
    if (state.origin) { points.push(toDisplay(state.origin.lat, state.origin.lng)); }
    map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 16 });
  }

  function loadNearby() {
    if (!state.origin) { return; }
    var id = ++state.requestId;
    document.getElementById("results").removeAttribute("data-loaded");
    var label = state.originLabel;
    var url = cfg.api.nearby + "?lat=" + state.origin.lat.toFixed(6) + "&lng=" + state.origin.lng.toFixed(6) +
      "&limit=10" + (filterQuery() ? "&" + filterQuery() : "");
    var message = state.message;
    setStatus(message || S.loading);
    getJSON(url).then(function (data) {
      if (id !== state.requestId) { return; }
      setStatus(message);
      // An answer the service worker kept from before: the list kept on the phone, read
      // with today's filters and hours, and said to be so.
      if (data.fromCache) { showSaved(new RequestFailed("offline", S.offline), data.features); return; }
      clearFailure();
      state.features = data.features;
      document.getElementById("results").removeAttribute("data-saved");
      document.getElementById("light-list-link").hidden = false;
      renderList(data.features, label);
      document.getElementById("results").setAttribute("data-loaded", "true");
      document.getElementById("results").setAttribute("data-origin", state.origin.lat.toFixed(5) + "," + state.origin.lng.toFixed(5));
      remember(data.features, label);
      // The map follows what the worker asked for; the first, automatic list leaves it be.
      if (state.userAsked) { fitToResults(data.features); }
      loadAlerts();
    }).catch(function (err) {
      if (id !== state.requestId) { return; }
      setStatus(message);
      if (err.kind === "offline" && recall()) { showSaved(err); return; }
      showFailure(err);
    });
  }

  // --- with no signal: the list kept on the phone -----------------------------------------
  // Open now from the hours kept with each station (``open_spans``, absolute moments) and
  // the phone's clock; without them, what the list said when it was kept.
  function openAt(p, when) {
    if (!p.open_spans) { return !!p.open_now; }
    return p.open_spans.some(function (span) { return span[0] <= when && when < span[1]; });
  }
  function savedView(features) {
    var now = Date.now();
    return features.map(function (f) {
      var copy = JSON.parse(JSON.stringify(f));
      copy.properties.open_now = openAt(f.properties, now);
      if (copy.properties.open_now) { copy.properties.next_open = ""; }
      return copy;
    }).filter(function (f) {
      var p = f.properties;
      if (state.openNow && !p.open_now) { return false; }
      return state.services.every(function (c) { return p.services.indexOf(c) !== -1; });
    });
  }
  function showSaved(err, fallback) {
    var kept = recall();
    state.features = (kept && kept.features) || fallback || [];
    state.offline = true;
    var shown = savedView(state.features);
    renderList(shown, kept ? kept.label : state.originLabel);
    showFailure(err);
    var results = document.getElementById("results");
    results.setAttribute("data-loaded", "true");
    results.setAttribute("data-saved", "true");
    // The light list is a server page: not offered while there is no connection.
    document.getElementById("light-list-link").hidden = true;
    drawSaved();
    var keptAlerts = kept && recallAlerts(kept.origin);
    if (keptAlerts) { renderAlerts(keptAlerts); }
  }
  function drawSaved() {
    if (!map || !stationLayer) { return; }
    stationLayer.clearLayers();
    savedView(state.features).forEach(function (f) { stationLayer.addLayer(stationMarker(f)); });
    document.getElementById("map").setAttribute("data-saved", "true");
  }
  function stationMarker(f) {
    var c = f.geometry.coordinates;
    var marker = L.circleMarker(toDisplay(c[1], c[0]), {
      radius: 9, weight: 3, color: "#fff", fillOpacity: 1,
      fillColor: f.properties.open_now ? "#1e7e34" : "#80868b"
    });
    marker.bindTooltip(el("span", { text: nameOf(f.properties) }));  // a name is text, never markup
    marker.on("click", function () { openSheet(f.properties.code); });
    return marker;
  }
  // A station never opened on this phone: what the kept list knows of it.
  function savedSheet(code) {
    var f = state.features.filter(function (x) { return x.properties.code === code; })[0];
    if (!f) { return false; }
    var p = JSON.parse(JSON.stringify(f.properties));
    p.open_now = openAt(p, Date.now());
    var body = document.getElementById("sheet-body");
    document.getElementById("sheet-title").textContent = nameOf(p);
    body.innerHTML = "";
    body.appendChild(el("p", { class: "saved-note", text: S.saved_station }));
    body.appendChild(el("p", {}, [
      el("span", { class: "badge " + (p.open_now ? "open" : "closed"), text: p.open_now ? S.open : S.closed }),
      el("span", { text: " " + todayText(p.hours_today) })
    ]));
    if (!p.open_now && p.next_open) { body.appendChild(el("p", { class: "next-open", text: p.next_open })); }
    if (p.distance_text) { body.appendChild(el("p", { class: "meta", text: p.distance_text + (p.travel && p.travel.text ? " · " + p.travel.text : "") })); }
    body.appendChild(el("p", { class: "address", text: p.address }));
    if (p.phone) {
      body.appendChild(el("p", {}, [el("a", { class: "button", href: "tel:" + p.phone, text: "📞 " + S.call + " " + p.phone })]));
    }
    var services = el("ul", { class: "services" });
    p.services.forEach(function (c) { services.appendChild(el("li", { text: serviceIcon(c).icon + " " + serviceIcon(c).name })); });
    body.appendChild(services);
    var sheet = document.getElementById("sheet");
    sheet.hidden = false;
    sheet.setAttribute("data-code", p.code);
    sheet.setAttribute("data-saved", "true");
    sheet.focus();
    return true;
  }

  function placeOrigin() {
    if (!map || !state.origin) { return; }
    var pos = toDisplay(state.origin.lat, state.origin.lng);
    if (youMarker) { youMarker.setLatLng(pos); } else {
      youMarker = L.circleMarker(pos, { radius: 8, color: "#1a73e8", fillColor: "#1a73e8", fillOpacity: 0.9, className: "you-are-here" })
        .bindTooltip(S.you_are_here).addTo(map);
    }
  }

  function setOrigin(lat, lng, label, message, automatic) {
    state.userAsked = !automatic;
    state.origin = { lat: lat, lng: lng };
    state.originLabel = label || "";
    placeOrigin();
    state.message = message || "";
    loadNearby();
  }

  function locate() {
    if (!navigator.geolocation) { setStatus(S.geo_unsupported); return; }
    document.getElementById("results").removeAttribute("data-loaded");
    setStatus(S.locating);
    // A recent, coarse fix first (fast on a weak signal); the list already shows meanwhile.
    navigator.geolocation.getCurrentPosition(function (pos) {
      setOrigin(pos.coords.latitude, pos.coords.longitude, S.from_you, "");
    }, function () {
      setStatus(S.geo_denied);
      document.getElementById("status").setAttribute("data-geo", "denied");
    }, { enableHighAccuracy: false, timeout: 8000, maximumAge: 300000 });
  }

  // --- weather alerts for where the worker is ----------------------------------------------
  function loadAlerts() {
    if (!state.origin || !cfg.api.alerts) { return; }
    var banner = document.getElementById("weather-banner");
    getJSON(cfg.api.alerts + "?lat=" + state.origin.lat.toFixed(5) + "&lng=" + state.origin.lng.toFixed(5)).then(function (data) {
      if (data.fromCache) { return; }  // an answer kept for another place: the saved one below is this place's
      renderAlerts(data);
      rememberAlerts(data);
    }).catch(function () { /* the banner is a help, not a need */ });
  }
  // One line per alert; its advice and where to go now on a tap (as maps/_alerts.html).
  function renderAlerts(data) {
    var banner = document.getElementById("weather-banner");
    banner.innerHTML = "";
    (data.alerts || []).forEach(function (a) {
      var head = a.region_name + " " + (a.kind === "heat" ? "🌡️ " : "❄️ ") + (a.title || a.temperature + "°C");
      var body = [el("summary", {}, [el("strong", { text: head }), el("small", { class: "alert-source", text: " " + (a.source_label || "") })]),
        el("p", { class: "advice", text: (a.advice_now || a.advice || "") + (a.stale ? " " + S.stale : "") }),
        el("p", { class: "alert-note", text: (a.source_label || "") + "：" + (a.note || "") })];
      if (a.shelter) {
        var where = el("p", { class: "shelter", "data-open": a.shelter.open ? "true" : "false", text: a.shelter.text + " " });
        if (a.shelter.station) {
          where.setAttribute("data-code", a.shelter.station.code);
          where.appendChild(el("a", { href: a.shelter.station.url, text: S.view_station }));
        }
        body.push(where);
      }
      banner.appendChild(el("details", { class: "alert alert-" + a.kind + (a.colour ? " signal-" + a.colour : ""), "data-kind": a.kind, "data-level": String(a.level), "data-source": a.source || "" }, body));
    });
    banner.hidden = !banner.childNodes.length;
    banner.classList.toggle("cold", (data.alerts || []).some(function (a) { return a.kind !== "heat"; }));
    banner.setAttribute("data-region", data.region || "");
  }

  // --- the station sheet -------------------------------------------------------------------
  function row(label, value) {
    return el("tr", {}, [el("th", { scope: "row", text: label }), el("td", { text: value })]);
  }

  function openSheet(code) {
    // From the list's origin: the directions then take the mode the list states.
    var from = state.origin ? "?lat=" + state.origin.lat.toFixed(5) + "&lng=" + state.origin.lng.toFixed(5) : "";
    getJSON(cfg.api.detail + encodeURIComponent(code) + "/" + from).then(function (f) {
      clearFailure();
      var p = f.properties, body = document.getElementById("sheet-body");
      document.getElementById("sheet-title").textContent = nameOf(p);
      body.innerHTML = "";
      body.appendChild(el("p", {}, [
        el("span", { class: "badge " + (p.open_now ? "open" : "closed"), text: p.open_now ? S.open : S.closed }),
        el("span", { text: " " + todayText(p.hours_today) })
      ]));
      if (!p.open_now && p.next_open) { body.appendChild(el("p", { class: "next-open", text: p.next_open })); }
      if (!p.open_now && p.nearest_open) {
        var n = p.nearest_open;
        body.appendChild(el("p", { class: "nearest-open" }, [
          el("span", { text: S.nearest_open + " " }),
          el("a", { href: n.url, text: n.name }),
          el("span", { text: " · " + n.distance_text + (n.travel.text ? " · " + n.travel.text : "") })
        ]));
      }
      body.appendChild(el("p", { class: "address", text: p.address }));
      if (p.altitude_m !== null && p.altitude_m !== undefined) {
        body.appendChild(el("p", { class: "altitude", text: S.altitude.replace("%(m)s", p.altitude_m) }));
      }
      if (p.phone) {
        body.appendChild(el("p", {}, [el("a", { class: "button", href: "tel:" + p.phone, text: "📞 " + S.call + " " + p.phone })]));
      }
      var links = el("ul", { class: "links" });
      var d = p.directions;
      var origin = state.origin ? "?from=" + state.origin.lat.toFixed(6) + "," + state.origin.lng.toFixed(6) : "";
      [["amap", "高德 Amap"], ["baidu", "百度 Baidu"], ["osm", "OpenStreetMap"]].forEach(function (pair) {
        links.appendChild(el("li", {}, [el("a", { class: "button", href: d[pair[0]], "data-provider": pair[0], rel: "noopener", text: pair[1] })]));
      });
      links.appendChild(el("li", {}, [el("a", { class: "button primary", href: p.url + origin, text: S.details })]));
      document.getElementById("sheet").removeAttribute("data-saved");
      body.appendChild(links);
      var week = el("table", { class: "week" }, [el("tbody", {}, p.week.map(function (day) { return row(day.label, day.hours); }))]);
      body.appendChild(week);
      var services = el("ul", { class: "services" });
      p.services.forEach(function (s) { services.appendChild(el("li", { text: s.icon + " " + s.name })); });
      body.appendChild(services);
      body.appendChild(el("p", {}, [el("a", { href: p.url + "#feedback", text: S.report_problem })]));
      var sheet = document.getElementById("sheet");
      sheet.hidden = false;
      sheet.setAttribute("data-code", p.code);
      state.sheet = p.code;
      writeUrlState();
      sheet.focus();
    }).catch(function (err) {
      if (err && err.kind === "offline" && savedSheet(code)) { return; }
      showFailure(err);
    });
  }

  // --- vector tiles (PostGIS): zoomed out, the clusters come as cached tiles -----------------
  var tileLayer = null, clusterIcons = {};
  // Tiles are WGS-84; over a GCJ-02 base map the clusters endpoint (shifted here) is used.
  // Open now changes by the minute and is decided from each station's hours: with that
  // filter on, the clusters endpoint (which applies it) draws the map instead.
  function useTiles() { return !!(cfg.vector_tiles && window.L && L.vectorGrid && !gcj && !state.openNow); }
  function tileUrl() {
    return cfg.vector_tiles + (state.services.length ? "?service=" + encodeURIComponent(state.services.join(",")) : "");
  }
  function clusterIcon(n) {
    var label = n < 1000 ? String(n) : Math.round(n / 1000) + "k";
    if (!clusterIcons[label]) {
      var size = n < 10 ? 34 : n < 100 ? 42 : 52, r = size / 2;
      var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + size + '" height="' + size + '">' +
        '<circle cx="' + r + '" cy="' + r + '" r="' + (r - 2) + '" fill="#c0392b" fill-opacity="0.9" stroke="#fff" stroke-width="3"/>' +
        '<text x="' + r + '" y="' + r + '" dy="0.35em" text-anchor="middle" font-family="sans-serif" font-size="14" font-weight="700" fill="#fff">' + label + "</text></svg>";
      clusterIcons[label] = L.icon({
        iconUrl: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg),
        iconSize: [size, size], iconAnchor: [r, r]
      });
    }
    return clusterIcons[label];
  }
  // A radius over 10 px also keeps Leaflet 1.9 from asking these points for a latlng they
  // do not have (it treats smaller ones as markers), and makes a larger target for a finger.
  function tileStyle(p) {
    if (p.count > 1) { return { icon: clusterIcon(p.count), radius: 17 }; }
    return { radius: 11, weight: 3, color: "#fff", fill: true, fillColor: "#1a73e8", fillOpacity: 1 };
  }
  function showTiles() {
    var box = document.getElementById("map");
    if (tileLayer) {
      if (tileLayer._url !== tileUrl()) { tileLayer.setUrl(tileUrl()); }  // a filter changed
      return;
    }
    // VectorGrid 1.3 calls a helper Leaflet 1.8 removed when a canvas is clicked.
    if (!L.DomEvent.fakeStop) { L.DomEvent.fakeStop = L.DomEvent.stopPropagation; }
    // Above the "you are here" dot (overlay pane), as the clusters endpoint's markers are.
    if (!map.getPane("stationTiles")) { map.createPane("stationTiles").style.zIndex = 450; }
    tileLayer = L.vectorGrid.protobuf(tileUrl(), {
      pane: "stationTiles",
      rendererFactory: L.svg.tile, interactive: true, maxNativeZoom: cfg.cluster_below_zoom - 1,
      vectorTileLayerStyles: { stations: tileStyle },
      getFeatureId: function (f) { return f.properties.code; }
    });
    tileLayer.on("click", function (e) {
      var p = e.layer.properties;
      L.DomEvent.stopPropagation(e);  // a tap on a station is not a tap on the map
      // VectorGrid's events carry the feature, not where it is: take it from the tap.
      var at = e.latlng || map.mouseEventToLatLng(e.originalEvent);
      if (p.count > 1) { map.setView(at, Math.min(map.getZoom() + 2, 18)); } else { openSheet(p.code); }
    });
    tileLayer.on("load", function () { box.setAttribute("data-tiles", "loaded"); });
    tileLayer.addTo(map);
    box.setAttribute("data-tiles", "loading");
  }
  function hideTiles() {
    if (tileLayer) { map.removeLayer(tileLayer); tileLayer = null; }
    document.getElementById("map").removeAttribute("data-tiles");
  }

  // --- the map (when its library has arrived) ----------------------------------------------
  function loadMarkers() {
    if (!map) { return; }
    if (useTiles() && map.getZoom() < cfg.cluster_below_zoom) {
      stationLayer.clearLayers();
      showTiles();
      return;
    }
    hideTiles();
    var b = map.getBounds();
    var sw = fromDisplay(b.getSouthWest()), ne = fromDisplay(b.getNorthEast());
    var bbox = [sw.lng, sw.lat, ne.lng, ne.lat].map(function (v) {
      return Math.max(-180, Math.min(180, v)).toFixed(5);
    });
    bbox[1] = Math.max(-90, bbox[1]); bbox[3] = Math.min(90, bbox[3]);
    var zoom = map.getZoom();
    var clustered = zoom < cfg.cluster_below_zoom;
    var url = (clustered ? cfg.api.clusters + "?zoom=" + zoom + "&" : cfg.api.bbox + "?") +
      "bbox=" + bbox.join(",") + (filterQuery() ? "&" + filterQuery() : "");
    getJSON(url).then(function (data) {
      stationLayer.clearLayers();
      document.getElementById("map").removeAttribute("data-saved");
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, pos = toDisplay(c[1], c[0]);
        if (f.properties.cluster) {
          var n = Number(f.properties.count) || 0, size = n < 10 ? 34 : n < 100 ? 42 : 52;
          var badge = el("div", { class: "cluster-icon", style: "width:" + size + "px;height:" + size + "px", text: String(n) });
          var m = L.marker(pos, {
            icon: L.divIcon({ className: "", html: badge, iconSize: [size, size] }),
            title: fmt(S.stations_here, { n: n }), keyboard: true
          });
          m.on("click", function () { map.setView(pos, Math.min(map.getZoom() + 2, 18)); });
          stationLayer.addLayer(m);
        } else {
          stationLayer.addLayer(stationMarker(f));
        }
      });
    }).catch(function (err) {
      // No signal: the stations of the kept list, so the map is not empty.
      if (err && err.kind === "offline") { drawSaved(); }
    });
  }

  function startMap() {
    if (map || !window.L) { return; }
    var start = state.origin || { lat: cfg.center[0], lng: cfg.center[1] };
    map = L.map("map", { zoomControl: true }).setView(toDisplay(start.lat, start.lng), cfg.zoom);
    if (cfg.tiles.url) {
      L.tileLayer(cfg.tiles.url, {
        attribution: cfg.tiles.attribution, subdomains: cfg.tiles.subdomains || "abc", maxZoom: 18
      }).addTo(map);
    }
    stationLayer = L.layerGroup().addTo(map);
    placeOrigin();
    map.on("click", function (e) {
      var p = fromDisplay(e.latlng);
      setOrigin(p.lat, p.lng, S.from_tap, S.tap_map);
    });
    map.on("moveend", loadMarkers);
    // The zoom the map settled at, for a test (or a script) to wait on.
    map.on("zoomend", function () {
      document.getElementById("map").setAttribute("data-zoom", String(map.getZoom()));
    });
    document.getElementById("map").setAttribute("data-zoom", String(map.getZoom()));
    loadMarkers();
    document.getElementById("map").setAttribute("data-ready", "true");
  }

  // --- wiring ------------------------------------------------------------------------------
  function closeSheet() {
    document.getElementById("sheet").hidden = true;
    state.sheet = null;
    writeUrlState();
  }
  document.getElementById("sheet-close").addEventListener("click", closeSheet);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { closeSheet(); }
  });
  document.getElementById("locate").addEventListener("click", locate);
  document.getElementById("city").addEventListener("change", function (e) {
    var opt = e.target.selectedOptions[0];
    if (opt && opt.dataset.lat) {
      setOrigin(parseFloat(opt.dataset.lat), parseFloat(opt.dataset.lng), fmt(S.from_city, { city: opt.textContent }), "");
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll(".chip"), function (chip) {
    chip.addEventListener("click", function () {
      var pressed = chip.getAttribute("aria-pressed") !== "true";
      chip.setAttribute("aria-pressed", pressed ? "true" : "false");
      if (chip.hasAttribute("data-open-now")) {
        state.openNow = pressed;
      } else {
        var code = chip.getAttribute("data-service");
        state.services = state.services.filter(function (c) { return c !== code; });
        if (pressed) { state.services.push(code); }
      }
      state.userAsked = true;
      writeUrlState();
      loadMarkers();
      loadNearby();
    });
  });
  window.addEventListener("online", function () { if (state.origin) { loadNearby(); } });

  // The first list, before the map library: the last one kept on this phone, refreshed;
  // or, the first time, the stations nearest the city centre.
  var sheetAsked = readUrlState();
  var last = recall();
  if (last && last.origin) {
    state.origin = last.origin;
    state.originLabel = last.label || "";
    state.features = last.features || [];
    renderList(state.features, state.originLabel);
    var keptAlerts = recallAlerts(state.origin);
    if (keptAlerts) { renderAlerts(keptAlerts); }
    loadNearby();
  } else {
    setOrigin(cfg.center[0], cfg.center[1], fmt(S.from_city, { city: cfg.center_name }), "", true);
  }
  if (window.L) { startMap(); } else { document.addEventListener("DOMContentLoaded", startMap); }
  if (sheetAsked && /^[A-Za-z0-9-]{1,40}$/.test(sheetAsked)) { openSheet(sheetAsked); }

  if ("serviceWorker" in navigator && cfg.service_worker) {
    navigator.serviceWorker.register(cfg.service_worker, { scope: "/" }).catch(function () {
      /* without it the page still works online */
    });
  }
})();
