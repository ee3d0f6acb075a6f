(function () {
  "use strict";
  var points = JSON.parse(document.getElementById("stock-points").textContent);
  var map = L.map("stock-map");
  var bounds = [];
  // Leaflet puts a string into the tooltip as HTML: a code goes in as a text node.
  function asText(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  }
  points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 8, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 1 })
      .bindTooltip(asText(p.code)).addTo(map);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length) { map.fitBounds(bounds, { maxZoom: 13, padding: [20, 20] }); } else { map.setView([36.6171, 101.7782], 10); }
})();
