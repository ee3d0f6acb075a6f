(function () {
  "use strict";
  var provider = JSON.parse(document.getElementById("tile-provider").textContent);
  var map = L.map("map").setView([36.6171, 101.7782], 11);
  if (provider.url) {
    L.tileLayer(provider.url, { attribution: provider.attribution, subdomains: provider.subdomains || "abc", maxZoom: 18 }).addTo(map);
  }
  var layer = L.geoJSON(null, {
    onEachFeature: function (feature, marker) { marker.bindPopup(feature.properties.name); }
  }).addTo(map);
  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
    fetch("/api/v1/stations/?bbox=" + bbox, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { layer.clearLayers(); if (data.features) { layer.addData(data); } });
  }
  map.on("moveend", load);
  load();
})();
