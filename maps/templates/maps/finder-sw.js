/* The public finder's service worker: the map page, its files, the last nearby list and
 * the station details a worker opened stay on the phone, for a weak or absent signal.
 * Network first: a fresh answer always wins; the copy is only for when none comes. */
"use strict";
var VERSION = "{{ version }}";
var CACHE = "yizhan-finder-" + VERSION;
var SHELL = {{ shell|safe }};
var LAST_NEARBY = "/__last-nearby__";
// The map page itself: the first visit was loaded before this worker ran.
var PAGES = ["/"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // One missing file must not stop the rest from being kept.
    return Promise.all(SHELL.concat(PAGES).map(function (url) {
      return cache.add(url).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("yizhan-finder-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(response) {
  var headers = new Headers(response.headers);
  headers.set("X-Yizhan-From-Cache", "1");
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  });
}

function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key || request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(key || request, { ignoreVary: true });
    }).then(function (hit) {
      if (hit) { return kept(hit); }
      throw new Error("offline and not kept");
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }  // map tiles go their own way
  var path = url.pathname;
  if (path === "/api/v1/stations/nearby/") {
    event.respondWith(networkFirst(request, LAST_NEARBY));
  } else if (/^\/api\/v1\/stations\/[A-Z0-9-]+\/$/.test(path) || /^\/stations\/[A-Z0-9-]+\/$/.test(path)) {
    event.respondWith(networkFirst(request, url.origin + path));
  } else if (path === "/" || path === "/nearby/") {
    event.respondWith(networkFirst(request, url.origin + path));
  } else if (SHELL.indexOf(path) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
