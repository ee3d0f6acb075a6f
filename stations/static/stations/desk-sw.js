/* Service worker of the station desk: keeps the desk page and its files so the desk opens
   with no signal. Network first (fresh counts when online), the cached copy otherwise. */
"use strict";
var CACHE = "yizhan-desk-v1";

self.addEventListener("install", function (event) {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // uploads go to the network or stay queued
  var url = new URL(request.url);
  var isDesk = url.pathname === "/desk/" || url.pathname.indexOf("/static/") === 0;
  if (!isDesk) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: url.pathname === "/desk/" });
    })
  );
});
