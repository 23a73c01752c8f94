// Préau — hors ligne. Ce « service worker » garde ce que ce navigateur a
// reçu du site (pages, fichiers chiffrés des espaces ouverts, photos vues)
// pour l'afficher sans réseau : dans le bus, dans l'ascenseur. Le réseau
// d'abord, toujours : dès qu'il revient, la nouvelle version du site est
// prise. Rien n'est déchiffré ici ; les clés restent où la page les a mises.
//
// Published at the top of the site (scope: the whole school). acces.js
// registers it once an area is open and asks it to keep that area's
// encrypted pages; « Se déconnecter » empties the cache.
"use strict";
var SCOPE = new URL(self.registration.scope).pathname;
var CACHE = "preau:" + SCOPE + ":hors-ligne";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf(SCOPE) !== 0) { return; }
  event.respondWith(fetch(request).then(function (response) {
    // Only whole, plain answers of the site itself are kept.
    if (response.ok && response.type === "basic" && response.status === 200) {
      var copy = response.clone();
      // The worker stays alive until the copy is kept.
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }).catch(function () {}));
    }
    return response;
  }, function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request, { ignoreVary: true });
    }).then(function (kept) { return kept || Response.error(); });
  }));
});
