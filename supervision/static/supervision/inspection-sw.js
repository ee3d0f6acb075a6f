/* Service worker of the inspection pages: keeps the inspection form and its files so it
   opens with no signal on site. Network first, the cached copy otherwise. Posts are never
   touched: an offline inspection waits in the page's own queue. */
"use strict";
var CACHE = "yizhan-inspection-v1";
var FORM = "/organizer/supervision/inspections/new/";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("yizhan-inspection-") === 0 && k !== CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  var kept = url.pathname === FORM || url.pathname.indexOf("/static/") === 0;
  if (!kept) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: url.pathname === FORM });
    })
  );
});
