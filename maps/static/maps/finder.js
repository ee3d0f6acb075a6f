/* The public station finder: locate, filter, list nearest, clusters when zoomed out. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("finder-config").textContent);
  var S = cfg.strings;
  var gcj = cfg.tiles.crs === "gcj02";
  var state = { origin: null, services: [], openNow: false, requestId: 0 };

  // Display coordinates: shift to GCJ-02 only when the tiles are GCJ-02.
  function toDisplay(lat, lng) {
    if (!gcj) { return [lat, lng]; }
    var p = window.YizhanCoords.wgs84ToGcj02(lng, lat);
    return [p[1], p[0]];
  }
  function fromDisplay(latlng) {
    if (!gcj) { return { lat: latlng.lat, lng: latlng.lng }; }
    var p = window.YizhanCoords.gcj02ToWgs84(latlng.lng, latlng.lat);
    return { lat: p[1], lng: p[0] };
  }
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
  function distanceText(m) {
    return m < 1000 ? fmt(S.metres, { n: m }) : fmt(S.kilometres, { n: (m / 1000).toFixed(1) });
  }
  function todayText(hours) {
    // "今日闭站" already says "today"; other hours get the "今日" prefix.
    return hours === S.closed_today ? hours : S.hours_today + " " + hours;
  }
  function setStatus(text) { document.getElementById("status").textContent = text || ""; }

  var map = L.map("map", { zoomControl: true }).setView(toDisplay(cfg.center[0], cfg.center[1]), cfg.zoom);
  if (cfg.tiles.url) {
    L.tileLayer(cfg.tiles.url, {
      attribution: cfg.tiles.attribution, subdomains: cfg.tiles.subdomains || "abc", maxZoom: 18
    }).addTo(map);
  }
  var stationLayer = L.layerGroup().addTo(map);
  var youMarker = null;

  function filterQuery() {
    var q = [];
    if (state.services.length) { q.push("service=" + encodeURIComponent(state.services.join(","))); }
    if (state.openNow) { q.push("open_now=true"); }
    return q.join("&");
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error((body.error && body.error.message) || S.error); }
        return body;
      });
    });
  }

  // Markers for what is in view: clusters when zoomed out, stations when zoomed in.
  function loadMarkers() {
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
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, pos = toDisplay(c[1], c[0]);
        if (f.properties.cluster) {
          var n = f.properties.count, size = n < 10 ? 34 : n < 100 ? 42 : 52;
          var m = L.marker(pos, {
            icon: L.divIcon({ className: "", html: '<div class="cluster-icon" style="width:' + size + "px;height:" + size + 'px">' + n + "</div>", iconSize: [size, size] }),
            title: fmt(S.stations_here, { n: n }), keyboard: true
          });
          m.on("click", function () { map.setView(pos, Math.min(map.getZoom() + 2, 18)); });
          stationLayer.addLayer(m);
        } else {
          var marker = L.circleMarker(pos, {
            radius: 9, weight: 3, color: "#fff", fillOpacity: 1,
            fillColor: f.properties.open_now ? "#1e7e34" : "#80868b"
          });
          marker.bindTooltip(f.properties.name);
          marker.on("click", function () { openSheet(f.properties.code); });
          stationLayer.addLayer(marker);
        }
      });
    }).catch(function (e) { setStatus(e.message); });
  }

  function renderList(features) {
    var list = document.getElementById("results");
    list.innerHTML = "";
    if (!features.length) {
      list.appendChild(el("li", { class: "station-item empty", text: S.no_results }));
      return;
    }
    features.forEach(function (f) {
      var p = f.properties;
      var icons = el("span", { class: "icons", "aria-label": p.services.map(function (c) { return serviceIcon(c).name; }).join(", ") });
      p.services.forEach(function (c) { icons.appendChild(el("span", { title: serviceIcon(c).name, text: serviceIcon(c).icon })); });
      var button = el("button", { type: "button", "data-code": p.code, "data-distance": p.distance_m }, [
        el("span", { class: "name", text: (document.documentElement.lang === "en" && p.name_en) ? p.name_en : p.name }),
        el("span", { class: "meta distance", text: distanceText(p.distance_m) }),
        el("span", { class: "meta", text: fmt(S.walk, { min: Math.max(1, Math.ceil(p.distance_m / 80)) }) }),
        el("span", { class: "badge " + (p.open_now ? "open" : "closed"), text: p.open_now ? S.open : S.closed }),
        el("span", { class: "meta", text: todayText(p.hours_today) }),
        icons
      ]);
      button.addEventListener("click", function () { openSheet(p.code); });
      list.appendChild(el("li", { class: "station-item" }, [button]));
    });
  }

  function loadNearby() {
    if (!state.origin) { return; }
    var id = ++state.requestId;
    var url = cfg.api.nearby + "?lat=" + state.origin.lat.toFixed(6) + "&lng=" + state.origin.lng.toFixed(6) +
      "&limit=10" + (filterQuery() ? "&" + filterQuery() : "");
    getJSON(url).then(function (data) {
      if (id !== state.requestId) { return; }
      renderList(data.features);
      document.getElementById("results").setAttribute("data-loaded", "true");
    }).catch(function (e) { setStatus(e.message); });
  }

  function setOrigin(lat, lng, message) {
    state.origin = { lat: lat, lng: lng };
    var pos = toDisplay(lat, lng);
    if (youMarker) { youMarker.setLatLng(pos); } else {
      youMarker = L.circleMarker(pos, { radius: 8, color: "#1a73e8", fillColor: "#1a73e8", fillOpacity: 0.9 })
        .bindTooltip(S.you_are_here).addTo(map);
    }
    map.setView(pos, Math.max(map.getZoom(), 14));
    setStatus(message || "");
    loadNearby();
  }

  function locate() {
    if (!navigator.geolocation) { setStatus(S.geo_unsupported); return; }
    setStatus(S.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      setOrigin(pos.coords.latitude, pos.coords.longitude, "");
    }, function () {
      setStatus(S.geo_denied);
      document.getElementById("status").setAttribute("data-geo", "denied");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  function row(label, value) {
    return el("tr", {}, [el("th", { scope: "row", text: label }), el("td", { text: value })]);
  }

  function openSheet(code) {
    getJSON(cfg.api.detail + encodeURIComponent(code) + "/").then(function (f) {
      var p = f.properties, body = document.getElementById("sheet-body");
      document.getElementById("sheet-title").textContent =
        (document.documentElement.lang === "en" && p.name_en) ? p.name_en : p.name;
      body.innerHTML = "";
      body.appendChild(el("p", {}, [
        el("span", { class: "badge " + (p.open_now ? "open" : "closed"), text: p.open_now ? S.open : S.closed }),
        el("span", { text: " " + todayText(p.hours_today) })
      ]));
      body.appendChild(el("p", { class: "address", text: p.address }));
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
      body.appendChild(links);
      var week = el("table", { class: "week" }, [el("tbody", {}, p.week.map(function (day) { return row(day.label, day.hours); }))]);
      body.appendChild(week);
      var services = el("ul", { class: "services" });
      p.services.forEach(function (s) { services.appendChild(el("li", { text: s.icon + " " + s.name })); });
      body.appendChild(services);
      var sheet = document.getElementById("sheet");
      sheet.hidden = false;
      sheet.setAttribute("data-code", p.code);
      sheet.focus();
    }).catch(function (e) { setStatus(e.message); });
  }

  document.getElementById("sheet-close").addEventListener("click", function () {
    document.getElementById("sheet").hidden = true;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { document.getElementById("sheet").hidden = true; }
  });
  document.getElementById("locate").addEventListener("click", locate);
  document.getElementById("city").addEventListener("change", function (e) {
    var opt = e.target.selectedOptions[0];
    if (opt && opt.dataset.lat) { setOrigin(parseFloat(opt.dataset.lat), parseFloat(opt.dataset.lng), ""); }
  });
  map.on("click", function (e) {
    var p = fromDisplay(e.latlng);
    setOrigin(p.lat, p.lng, S.tap_map);
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
      loadMarkers();
      loadNearby();
    });
  });
  map.on("moveend", loadMarkers);
  loadMarkers();
})();
