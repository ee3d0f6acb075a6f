(function () {
  "use strict";
  var map = L.map("wp-map").setView([36.6171, 101.7782], 8);
  var layer = L.layerGroup().addTo(map);
  var form = document.getElementById("wp-filters");
  // Leaflet puts a string into the tooltip as HTML: a name goes in as a text node.
  function asText(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  }
  function load() {
    var q = new URLSearchParams(new FormData(form)).toString();
    fetch("/api/v1/workplaces/?" + q, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        layer.clearLayers();
        var list = document.getElementById("wp-list");
        list.innerHTML = "";
        (data.features || []).forEach(function (f) {
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], { radius: 8, color: "#fff", weight: 2, fillColor: "#b35900", fillOpacity: 1 })
            .bindTooltip(asText(f.properties.name)).addTo(layer);
          var li = document.createElement("li");
          li.textContent = f.properties.name + " · " + Object.keys(f.properties.hazards).join(", ");
          list.appendChild(li);
        });
      });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  load();
})();
