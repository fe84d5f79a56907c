// The phone pages' offline helper (served as /visits/field/sw.js, scope /visits/field/).
// Network first: a page or a static file is always fetched when the network answers, and the copy
// kept here is used only when it does not, so a reload at a school gate without signal still opens
// the form (whose draft lives in the phone's localStorage). It never touches POSTs.
"use strict";

var CACHE = "dudao-field-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var page = request.mode === "navigate" && url.pathname.indexOf("/visits/field/") === 0;
  // The JavaScript message catalogue (/jsi18n/) is kept like a static file, so the form's messages
  // stay in the user's language offline.
  var asset = url.pathname.indexOf("/static/") === 0 || url.pathname === "/jsi18n/";
  if (!page && !asset) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.redirected && new URL(response.url).pathname.indexOf("/accounts/login/") === 0) {
      caches.delete(CACHE);  // signed out: keep nobody's pages
    } else if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: asset }).then(function (hit) {
      return hit || new Response("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
        "<p style='font:16px sans-serif;padding:1rem'>当前没有网络，这个页面还没有保存在手机上。请联网后再打开。</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  }));
});
