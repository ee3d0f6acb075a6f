(function () {
  "use strict";
  var lat = document.getElementById("lat"), lng = document.getElementById("lng");
  var map = L.map("pick-map").setView([36.6171, 101.7782], 11);
  var marker = null;
  function place(p) {
    lat.value = p.lat.toFixed(6); lng.value = p.lng.toFixed(6);
    if (marker) { marker.setLatLng(p); } else { marker = L.marker(p).addTo(map); }
  }
  if (lat.value && lng.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lng.value))); }
  map.on("click", function (e) { place(e.latlng); });
})();
