/* The hazard form's map: tap to place the point, or "use my location". The point is kept
   in the hidden lat/lng fields (WGS-84); without a map library the address and region
   fields still work. */
(function () {
  "use strict";
  var lat = document.getElementById("lat"), lng = document.getElementById("lng");
  var status = document.getElementById("pick-status");
  var button = document.getElementById("use-location");
  var text = JSON.parse(document.getElementById("pick-text").textContent);
  var tiles = JSON.parse(document.getElementById("pick-tiles").textContent);
  var center = JSON.parse(document.getElementById("pick-center").textContent);
  var map = null, marker = null;

  function place(p, zoom) {
    lat.value = p.lat.toFixed(6); lng.value = p.lng.toFixed(6);
    status.textContent = text.picked + " " + lat.value + ", " + lng.value;
    if (!map) { return; }
    if (marker) { marker.setLatLng(p); } else { marker = L.marker(p).addTo(map); }
    if (zoom) { map.setView(p, Math.max(map.getZoom(), 15)); }
  }

  if (window.L) {
    map = L.map("pick-map").setView(center, 11);
    // Picked points are WGS-84: only WGS-84 tiles line up with them (GCJ-02 tiles do not).
    if (tiles.url && tiles.crs === "wgs84") {
      L.tileLayer(tiles.url, {
        attribution: tiles.attribution, subdomains: tiles.subdomains || "abc", maxZoom: 18
      }).addTo(map);
    }
    map.on("click", function (e) { place(e.latlng, false); });
  }
  if (lat.value && lng.value) {
    place({ lat: parseFloat(lat.value), lng: parseFloat(lng.value) }, true);
  }

  // The form may have started at a station: once the worker's own position is taken, the
  // station's address and the note "位置已按这个站点填好" are no longer true.
  function forgetStation() {
    var note = document.getElementById("from-station");
    if (!note) { return; }
    var address = document.getElementById("id_address");
    if (address && address.value === note.getAttribute("data-address")) { address.value = ""; }
    note.remove();
  }

  if (!("geolocation" in navigator)) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = text.locating;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      button.disabled = false;
      place({ lat: pos.coords.latitude, lng: pos.coords.longitude }, true);
      forgetStation();
    }, function () {
      button.disabled = false;
      status.textContent = text.failed;
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
