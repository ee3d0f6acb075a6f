/* Service worker of the station desk: keeps the desk page and its files so the desk opens
   with no signal. Network first (fresh counts when online), the cached copy otherwise.

   The first visit loaded the page before this worker ran, so installing it fetches the
   desk page once more and keeps it with every file it names: reloading /desk/ with no
   signal right after the first visit still opens the desk. */
"use strict";
var PREFIX = "yizhan-desk-";
var CACHE = PREFIX + "v2";
var PAGE = "/desk/";

function keepDesk(cache) {
  return fetch(PAGE, { credentials: "same-origin" }).then(function (response) {
    // Not signed in (a redirect to the login page): nothing to keep yet.
    if (!response.ok || response.redirected) { return null; }
    return response.clone().text().then(function (html) {
      var files = [];
      html.replace(/(?:src|href)="(\/static\/[^"?#]+)"/g, function (_, path) {
        if (files.indexOf(path) < 0) { files.push(path); }
        return _;
      });
      return cache.put(PAGE, response).then(function () {
        // One missing file must not stop the rest from being kept.
        return Promise.all(files.map(function (f) { return cache.add(f).catch(function () {}); }));
      });
    });
  }).catch(function () { return null; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(keepDesk).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      // Only the desk's own old caches: the public finder keeps its own beside them.
      return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // uploads go to the network or stay queued
  var url = new URL(request.url);
  var isPage = url.pathname === PAGE;
  if (!isPage && url.pathname.indexOf("/static/") !== 0) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(isPage ? PAGE : request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(isPage ? PAGE : request, { ignoreSearch: isPage });
      }).then(function (hit) {
        if (hit) { return hit; }
        throw new Error("offline and not kept");
      });
    })
  );
});
