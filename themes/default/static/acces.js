// Préau — ouverture des espaces réservés, dans le navigateur.
//
// Le contenu d'un espace est chiffré (AES-256-GCM). Le code d'accès, passé
// par PBKDF2-HMAC-SHA256, ouvre les clés de l'anneau public (acces/cles.json) ;
// chaque page, image ou fichier est ensuite déchiffré à la demande. Rien ne
// quitte le navigateur : le code ne part jamais vers le serveur (il n'est dans
// l'adresse qu'après le « # », que le navigateur n'envoie pas).
// Format : voir le guide, chapitre « Format des fichiers chiffrés ».
//
// Keys never exist as bytes in script: the code derives a non-extractable
// wrapping key, which unwraps each content key straight into a
// non-extractable CryptoKey. A remembered key is that CryptoKey object,
// stored in IndexedDB (database "preau:<school path>", store "cles"):
// script on this origin can ask the browser to decrypt with it, but can
// never read its bytes, so it cannot carry the key away.
//
// "Sur cet appareil": one record per area, kept until « Se déconnecter ».
// "Pendant cette visite": the record also carries this tab's visit token, a
// random value in sessionStorage (not key material). Only the tab holding
// that token uses the record; while one of its pages is open it holds a Web
// Lock named after the token, and any page of the school deletes the visit
// records whose tab is gone.
(function () {
  "use strict";
  var subtle = window.crypto && window.crypto.subtle;
  var enc = new TextEncoder();
  var GRACE = 2 * 60 * 1000; // a tab moving from one page to the next holds no lock for a moment
  var NO_LOCKS_TTL = 12 * 3600 * 1000; // without Web Locks, a visit record lives this long unused

  function unb64(text) { var s = atob(text); var out = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); } return out; }

  // --- Remembered keys ---------------------------------------------------

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs `work(store)` in one transaction on the school's key store;
  // resolves with what `work` returned once the transaction is complete.
  // Only `create` makes the database: looking where nothing was kept
  // leaves nothing behind.
  function withStore(base, mode, work, create) {
    var open = indexedDB.open("preau:" + base, 1);
    open.onupgradeneeded = function (event) {
      if (!create && event.oldVersion === 0) { open.transaction.abort(); return; }
      open.result.createObjectStore("cles", { keyPath: "id" });
    };
    return done(open).then(function (db) {
      db.onversionchange = function () { db.close(); };
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("cles", mode);
        var result = work(tx.objectStore("cles"));
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function visitName(base) { return "preau:" + base + ":visite"; }
  function visitToken(base, create) {
    var token = null;
    try { token = sessionStorage.getItem(visitName(base)); } catch (e) { return null; }
    if (!token && create) {
      var bytes = crypto.getRandomValues(new Uint8Array(16));
      token = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
      sessionStorage.setItem(visitName(base), token);
    }
    return token;
  }
  var held = {};
  function lockName(base, token) { return "preau:" + base + ":visite:" + token; }
  // Holds the visit's lock as long as this page is open.
  function hold(base, token) {
    var name = lockName(base, token);
    if (held[name] || !navigator.locks) { return; }
    held[name] = true;
    navigator.locks.request(name, function () { return new Promise(function () {}); }).catch(function () {});
  }
  function heldLocks() {
    if (!navigator.locks || !navigator.locks.query) { return Promise.resolve(null); }
    return navigator.locks.query().then(function (state) {
      var names = {};
      (state.held || []).concat(state.pending || []).forEach(function (l) { names[l.name] = true; });
      return names;
    }).catch(function () { return null; });
  }

  // Keys kept by an older version of this script (raw bytes in web storage)
  // become non-extractable records, and the bytes are erased.
  function migrate(base) {
    var name = "preau:" + base + ":cles";
    var found = [];
    [["appareil", window.localStorage], ["visite", window.sessionStorage]].forEach(function (pair) {
      try {
        var text = pair[1].getItem(name);
        pair[1].removeItem(name);
        if (text) { found.push([pair[0], JSON.parse(text)]); }
      } catch (e) { /* storage refused: nothing to migrate */ }
    });
    return Promise.all(found.map(function (f) {
      var names = Object.keys(f[1] || {});
      return Promise.all(names.map(function (n) {
        return subtle.importKey("raw", unb64(f[1][n]), { name: "AES-GCM" }, false, ["decrypt"]);
      })).then(function (list) {
        var keys = {};
        names.forEach(function (n, i) { keys[n] = list[i]; });
        return remember(base, keys, f[0]);
      }).catch(function () { return null; });
    }));
  }

  // The keys this tab may use: { audience: CryptoKey }. Deletes the visit
  // records of tabs that are gone.
  function keys(base) {
    if (!subtle || !window.indexedDB) { return Promise.resolve({}); }
    var token = visitToken(base, false);
    if (token) { hold(base, token); }
    return migrate(base).then(function () {
      return Promise.all([withStore(base, "readonly", function (s) { return s.getAll(); }), heldLocks()]);
    }).then(function (got) {
      var records = got[0].result, locks = got[1], now = Date.now();
      var mine = {}, stale = [], seen = [];
      records.forEach(function (r) {
        if (r.duree === "appareil") { mine[r.espace] = mine[r.espace] || r.cle; return; }
        if (token && r.visite === token) { mine[r.espace] = r.cle; seen.push(r); return; }
        var gone = locks ? !locks[lockName(base, r.visite)] && now - r.vu > GRACE : now - r.vu > NO_LOCKS_TTL;
        if (gone) { stale.push(r.id); }
      });
      if (!stale.length && !seen.length) { return mine; }
      return withStore(base, "readwrite", function (s) {
        stale.forEach(function (id) { s.delete(id); });
        seen.forEach(function (r) { r.vu = now; s.put(r); });
      }).then(function () { return mine; }, function () { return mine; });
    }).catch(function () { return {}; });
  }

  // Keeps `cles` ({ audience: non-extractable CryptoKey }) for this visit
  // ("visite") or on this device ("appareil").
  function remember(base, cles, where) {
    var token = where === "appareil" ? null : visitToken(base, true);
    if (token) { hold(base, token); }
    var mine = visitToken(base, false);
    var names = Object.keys(cles);
    if (names.some(function (n) { return cles[n].extractable; })) { return Promise.reject(new Error("clé extractible")); }
    return withStore(base, "readwrite", function (s) {
      names.forEach(function (espace) {
        var record = { espace: espace, cle: cles[espace], duree: token ? "visite" : "appareil", visite: token, vu: Date.now() };
        record.id = token ? "visite|" + token + "|" + espace : "appareil|" + espace;
        if (!token && mine) { s.delete("visite|" + mine + "|" + espace); }
        s.put(record);
      });
    }, true);
  }

  // Forgets the keys of one area in this tab (device record, visit record).
  function forgetArea(base, espace) {
    var token = visitToken(base, false);
    return withStore(base, "readwrite", function (s) {
      s.delete("appareil|" + espace);
      if (token) { s.delete("visite|" + token + "|" + espace); }
    }).catch(function () { return null; });
  }

  // « Se déconnecter »: every key of the school that this browser kept,
  // in every tab, and the visit token.
  function offlineCache(base) { return "preau:" + base + ":hors-ligne"; }
  function forgetAll(base) {
    try { sessionStorage.removeItem(visitName(base)); } catch (e) { /* nothing kept */ }
    if (window.caches) { caches.delete(offlineCache(base)).catch(function () {}); }
    try {
      Object.keys(localStorage).forEach(function (k) { if (k.indexOf("preau:" + base + ":vu:") === 0) { localStorage.removeItem(k); } });
    } catch (e) { /* storage refused: nothing kept */ }
    return withStore(base, "readwrite", function (s) { s.clear(); }).catch(function () { return null; }).then(function () {
      return new Promise(function (resolve) {
        var r = indexedDB.deleteDatabase("preau:" + base);
        r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
      });
    });
  }

  // Opens a sealed blob with a CryptoKey.
  // Blob: "PREAU" 0x01 | flag (0 stored, 1 deflate-raw) | nonce (12) | ciphertext+tag.
  // Associated data: the first 7 bytes (header) followed by the item id.
  function openBlob(key, id, buffer) {
    var b = new Uint8Array(buffer);
    var magic = [80, 82, 69, 65, 85, 1];
    for (var i = 0; i < 6; i++) { if (b[i] !== magic[i]) { return Promise.reject(new Error("format")); } }
    var flag = b[6];
    var idBytes = enc.encode(id);
    var aad = new Uint8Array(7 + idBytes.length);
    aad.set(b.slice(0, 7), 0);
    aad.set(idBytes, 7);
    return subtle.decrypt({ name: "AES-GCM", iv: b.slice(7, 19), additionalData: aad }, key, b.slice(19)).then(function (plain) {
      if (flag !== 1) { return plain; }
      return new Response(new Blob([plain]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer();
    });
  }

  function fetchBytes(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("introuvable : " + url); }
      return r.arrayBuffer();
    });
  }

  // Shared with the search page.
  window.preauAcces = {
    keys: keys,
    open: function (key, id, url) { return fetchBytes(url).then(function (buf) { return openBlob(key, id, buf); }); }
  };

  // --- The area's page ---------------------------------------------------

  var root = document.getElementById("espace");
  if (!root) { return; }
  var AREA = root.getAttribute("data-espace");
  var INDEX_URL = root.getAttribute("data-index");
  var INDEX_ID = root.getAttribute("data-index-id");
  var RING_URL = root.getAttribute("data-cles");
  var BASE = root.getAttribute("data-base");
  var door = document.getElementById("porte");
  var form = document.getElementById("connexion");
  var message = document.getElementById("message");
  var inside = document.getElementById("dedans");
  var target = document.getElementById("contenu-espace");
  var TITLE = document.querySelector("#porte h1").textContent;
  var mineNav = document.getElementById("mes-espaces");
  var closes = document.getElementById("ferme");
  var index = null;
  var opened = {};

  function say(text) {
    message.classList.remove("erreur");
    var field = document.getElementById("code");
    if (field) { field.removeAttribute("aria-invalid"); }
    message.textContent = text;
  }
  // A refused code: said next to the field (on a phone the form fills the
  // screen), as an error, and the field ready to be typed again.
  function sayWrongCode(text) {
    var field = form.elements.code;
    field.parentNode.insertAdjacentElement("afterend", message);
    say(text);
    message.classList.add("erreur");
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", "message aide-code");
    field.focus();
    field.select();
  }

  // « Mes espaces »: the areas of the school (the shell lists them all) that
  // this tab holds a key for, side by side (one kept key per area);
  // « Se déconnecter » says it closes them all.
  function listMine() {
    if (!mineNav) { return Promise.resolve([]); }
    return keys(BASE).then(function (kept) {
      var names = [];
      mineNav.querySelectorAll("li[data-espace]").forEach(function (li) {
        var espace = li.getAttribute("data-espace");
        var link = li.querySelector("a");
        li.hidden = !kept[espace];
        if (!li.hidden) { names.push(link.textContent); }
        if (espace === AREA) { link.setAttribute("aria-current", "page"); } else { link.removeAttribute("aria-current"); }
      });
      mineNav.hidden = names.length === 0;
      closes.textContent = names.length ? "« Se déconnecter » ferme sur ce navigateur : " + names.join(", ") + "." : "";
      markNews(kept);
      return names;
    });
  }

  // « Nouveau » beside each other opened area whose pages changed since
  // this device last looked at it (from its index alone).
  function markNews(kept) {
    var others = Object.keys(kept).filter(function (e) { return e !== AREA; });
    if (!others.length) { return; }
    fetch(BASE + "acces/espaces.json").then(function (r) { return r.ok ? r.json() : []; }).then(function (areas) {
      areas.filter(function (a) { return others.indexOf(a.espace) >= 0; }).forEach(function (a) {
        var state = null;
        try { state = JSON.parse(localStorage.getItem(seenName(a.espace)) || "null"); } catch (e) { return; }
        if (!state || !state.pages) { return; }
        window.preauAcces.open(kept[a.espace], a.index_id, a.index).then(function (plain) {
          var pages = JSON.parse(new TextDecoder().decode(plain)).pages;
          var routes = Object.keys(pages).filter(function (r) { return isPost(r) || isDay(r); });
          return Promise.all(routes.map(function (r) { return digest("route\n" + r); })).then(function (keys) {
            return keys.some(function (k, i) { return state.pages[k] !== pages[routes[i]].blob; });
          });
        }).then(function (changed) {
          var li = mineNav.querySelector('li[data-espace="' + a.espace + '"]');
          if (!changed || !li || li.querySelector(".badge")) { return; }
          var badge = document.createElement("span");
          badge.className = "badge";
          badge.textContent = "nouveau";
          li.appendChild(document.createTextNode(" "));
          li.appendChild(badge);
        }).catch(function () { return null; });
      });
    }).catch(function () { return null; });
  }

  if (!subtle || !window.DecompressionStream || !window.indexedDB) {
    say("Votre navigateur ne peut pas ouvrir cet espace. La page doit être ouverte par une adresse sécurisée (qui commence par https://) dans un navigateur récent. Si l'adresse commence par http://, prévenez l'école.");
    return;
  }

  function normalize(code) { return code.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, ""); }

  function areaOf(id) { return id.slice(0, id.indexOf("/")); }

  function openItem(id, url) {
    var key = opened[areaOf(id)];
    if (!key) { return Promise.reject(new Error("clé absente")); }
    return window.preauAcces.open(key, id, url);
  }

  // Tries the code against every role of the ring; resolves with the
  // non-extractable keys of the first role it opens ({ audience: CryptoKey }), or null.
  function unlock(code) {
    var ring = ringSoon || fetch(RING_URL).then(function (r) { return r.json(); });
    return ring.then(function (ring) {
      return subtle.importKey("raw", enc.encode(normalize(code)), "PBKDF2", false, ["deriveKey"]).then(function (material) {
        return subtle.deriveKey({ name: "PBKDF2", hash: ring.kdf.hash, salt: unb64(ring.kdf.salt), iterations: ring.kdf.iterations }, material, { name: "AES-GCM", length: 256 }, false, ["unwrapKey"]);
      }).then(function (kek) {
        function unwrap(entry) {
          var w = unb64(entry.key);
          return subtle.unwrapKey("raw", w.slice(12), kek, { name: "AES-GCM", iv: w.slice(0, 12), additionalData: enc.encode("preau-acces-v1 cle " + entry.audience) }, { name: "AES-GCM" }, false, ["decrypt"]);
        }
        function tryRole(i) {
          if (i >= ring.roles.length) { return null; }
          var role = ring.roles[i];
          return unwrap(role[0]).then(function () {
            return Promise.all(role.map(unwrap)).then(function (list) {
              var found = {};
              role.forEach(function (entry, j) { found[entry.audience] = list[j]; });
              return found;
            });
          }, function () { return tryRole(i + 1); });
        }
        return tryRole(0);
      });
    });
  }

  function useKeys(cles) {
    if (!cles[AREA]) { return Promise.reject(new Error("espace")); }
    opened = cles;
    var bytes = indexSoon || fetchBytes(INDEX_URL);
    indexSoon = null;
    return bytes.then(function (buffer) { return openBlob(opened[areaOf(INDEX_ID)], INDEX_ID, buffer); }).then(function (plain) {
      index = JSON.parse(new TextDecoder().decode(plain));
    });
  }

  // Once the first page is on screen, and only then (it must not wait for
  // them): « Nouveautés » and the offline copy.
  var background = false;
  var newsReady;
  var news = new Promise(function (resolve) { newsReady = resolve; });
  function afterFirstPage() {
    if (background) { return; }
    background = true;
    setTimeout(function () {
      whatsNew().catch(function () { return []; }).then(function (list) {
        newsReady(list);
        keepOffline();
      });
    }, 50);
  }

  // --- Nouveautés: what was added since the family's previous visit ------
  // Computed here, on this device, from the area's index and its cahier
  // pages; nothing is sent anywhere. localStorage keeps, per area, the page
  // names of the last visit that brought something new (content-addressed:
  // a name changes with its page) and short hashes of each cahier day's
  // homework; a reload shows the same list until the site changes again.
  function seenName(area) { return "preau:" + BASE + ":vu:" + area; }
  function isPost(r) { return /^(blog|actualites)\/[^/]+\/$/.test(r) && r.indexOf("/page/") < 0; }
  function isDay(r) { return /^cahier\/\d{4}-\d{2}-\d{2}\/$/.test(r); }
  function hex(buffer) { return Array.prototype.map.call(new Uint8Array(buffer).slice(0, 8), function (b) { return (b + 256).toString(16).slice(1); }).join(""); }
  function readPage(r) {
    var entry = index.pages[r];
    return openItem(entry.id, entry.blob).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }
  function homeworkOf(r) {
    return readPage(r).then(function (item) {
      var box = document.createElement("div");
      box.appendChild(inert(item.html));
      var rows = Array.prototype.map.call(box.querySelectorAll(".travail li"), function (li) { return li.textContent.replace(/\s+/g, " ").trim(); });
      return Promise.all(rows.map(function (text) {
        return digest(r + "\n" + text).then(function (k) { return { key: k, text: text }; });
      }));
    });
  }
  function digest(text) { return subtle.digest("SHA-256", enc.encode(text)).then(hex); }
  // Routes are kept only as hashes: a page's address tells its title.
  function routeKeys() {
    return Promise.all(Object.keys(index.pages).map(function (r) {
      return digest("route\n" + r).then(function (k) { return [k, r]; });
    })).then(function (pairs) {
      var byKey = {}, byRoute = {};
      pairs.forEach(function (p) { byKey[p[0]] = p[1]; byRoute[p[1]] = p[0]; });
      return { byKey: byKey, byRoute: byRoute };
    });
  }
  function pageTitle(r) {
    return readPage(r).then(function (item) {
      var box = document.createElement("div");
      box.appendChild(inert(item.html));
      var h1 = box.querySelector("h1");
      return h1 ? h1.textContent.trim() : item.titre;
    });
  }
  // What a kept list says, read again from the pages (nothing in clear is stored).
  function describe(list, rk) {
    return Promise.all(list.map(function (n) {
      var r = rk.byKey[n.route];
      if (!r) { return null; }
      if (n.genre === "article") { return pageTitle(r).then(function (t) { return { genre: n.genre, texte: t, route: r }; }); }
      return homeworkOf(r).then(function (rows) {
        var row = rows.filter(function (x) { return x.key === n.key; })[0];
        return row ? { genre: n.genre, texte: row.text, route: r } : null;
      });
    })).then(function (all) { return all.filter(Boolean); });
  }
  function whatsNew() {
    var name = seenName(AREA);
    var state = null;
    try { state = JSON.parse(localStorage.getItem(name) || "null"); } catch (e) { return Promise.resolve([]); }
    return routeKeys().then(function (rk) {
      var pages = {};
      Object.keys(index.pages).forEach(function (r) { pages[rk.byRoute[r]] = index.pages[r].blob; });
      var before = state && state.pages;
      if (before && Object.keys(pages).length === Object.keys(before).length && Object.keys(pages).every(function (k) { return before[k] === pages[k]; })) {
        return describe(state.news || [], rk);
      }
      var homework = {};
      var found = [];
      var work = Object.keys(index.pages).map(function (r) {
        var k = rk.byRoute[r];
        if (before && before[k] === pages[k]) { homework[k] = (state.homework || {})[k] || []; return null; }
        if (isDay(r)) {
          return homeworkOf(r).then(function (rows) {
            homework[k] = rows.map(function (row) { return row.key; });
            if (!before) { return; }
            var old = (state.homework || {})[k] || [];
            rows.forEach(function (row) { if (old.indexOf(row.key) < 0) { found.push({ genre: "devoir", route: k, key: row.key, at: r }); } });
          });
        }
        if (before && !(k in before) && isPost(r)) { found.push({ genre: "article", route: k, at: r }); }
        return null;
      });
      return Promise.all(work).then(function () {
        // Articles first, then homework; newest pages first.
        found.sort(function (a, b) { return a.genre === b.genre ? (a.at < b.at ? 1 : -1) : (a.genre === "article" ? -1 : 1); });
        var kept = found.map(function (n) { return { genre: n.genre, route: n.route, key: n.key }; });
        try { localStorage.setItem(name, JSON.stringify({ pages: pages, homework: homework, news: kept })); } catch (e) { /* storage full or refused */ }
        return describe(kept, rk);
      });
    });
  }
  // The list, on the area's home page, under its title.
  function showNews(list) {
    if (route() !== "" || !list.length) { return; }
    var section = document.createElement("section");
    section.className = "nouveautes";
    section.setAttribute("aria-labelledby", "titre-nouveautes");
    var h2 = document.createElement("h2");
    h2.id = "titre-nouveautes";
    h2.textContent = "Nouveautés depuis votre dernière visite";
    section.appendChild(h2);
    var ul = document.createElement("ul");
    list.forEach(function (n) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#/" + n.route;
      a.textContent = (n.genre === "article" ? "Article : " : "Travail à faire : ") + n.texte;
      li.appendChild(a);
      ul.appendChild(li);
    });
    section.appendChild(ul);
    var h1 = target.querySelector("h1");
    if (h1) { h1.insertAdjacentElement("afterend", section); } else { target.prepend(section); }
  }

  // Offline once opened: the site's worker keeps what the network brings
  // (see sw.js); this area's encrypted pages are fetched now, once each
  // (their names change with their content), so that the class news and
  // the cahier open later without network. Photos are kept once seen.
  function keepOffline() {
    if (!navigator.serviceWorker || !window.caches) { return; }
    var script = parsing ? parsing.createScriptURL(WORKER) : WORKER;
    navigator.serviceWorker.register(script, { scope: BASE }).then(function () {
      var urls = [location.pathname, INDEX_URL, RING_URL];
      document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) { urls.push(el.getAttribute("href") || el.getAttribute("src")); });
      Object.keys(index.pages).forEach(function (r) { urls.push(index.pages[r].blob); });
      return caches.open(offlineCache(BASE)).then(function (cache) {
        return Promise.all(urls.map(function (u) {
          return cache.match(u).then(function (hit) { return hit || cache.add(u); }).catch(function () { return null; });
        }));
      });
    }).catch(function () { /* no worker here (preview, old browser): online only */ });
  }

  // « #/cahier/2026-11-24/#francais-1 »: the page's route, then a place in it.
  function route() {
    var h = location.hash;
    if (h.indexOf("#/") !== 0) { return ""; }
    var at = h.indexOf("#", 2);
    return decodeURIComponent(at < 0 ? h.slice(2) : h.slice(2, at));
  }
  function place() {
    var at = location.hash.indexOf("#/") === 0 ? location.hash.indexOf("#", 2) : -1;
    return at < 0 ? "" : decodeURIComponent(location.hash.slice(at + 1));
  }
  // Shows the place named after the route, when the page has it.
  function goToPlace() {
    var id = place();
    var el = id ? document.getElementById(id) : null;
    if (!el || !target.contains(el)) { return false; }
    el.setAttribute("tabindex", "-1");
    el.focus();
    el.scrollIntoView();
    return true;
  }

  // A decrypted page is HTML that preau wrote from markdown with raw HTML
  // off. It is still parsed in an inert document and stripped of anything
  // active (script, frames, objects, handlers, inline styles, javascript:
  // addresses) before it joins the page, and the CSP forbids the rest.
  var DROP = "script,iframe,frame,frameset,object,embed,applet,base,link,meta,style,template,form,svg,math,portal";
  var URL_ATTRS = { href: 1, src: 1, action: 1, formaction: 1, poster: 1, cite: 1, background: 1, "xlink:href": 1, data: 1 };
  function safeUrl(value) {
    try { return ["http:", "https:", "mailto:", "tel:"].indexOf(new URL(value, location.href).protocol) >= 0; } catch (e) { return false; }
  }
  // The page's CSP lets HTML be parsed from a string only through this
  // Trusted Types policy; it serves here alone, to parse into an inert
  // document (no script runs there, nothing loads) what is cleaned below.
  // It also vouches for one script address: the site's offline worker.
  var WORKER = BASE + "sw.js";
  var parsing = window.trustedTypes ? window.trustedTypes.createPolicy("preau", {
    createHTML: function (text) { return text; },
    createScriptURL: function (url) { if (url === WORKER) { return url; } throw new Error("adresse de script refusée"); }
  }) : null;
  function inert(html) {
    var body = new DOMParser().parseFromString(parsing ? parsing.createHTML(html) : html, "text/html").body;
    body.querySelectorAll(DROP).forEach(function (el) { el.remove(); });
    body.querySelectorAll("*").forEach(function (el) {
      Array.prototype.slice.call(el.attributes).forEach(function (a) {
        var n = a.name.toLowerCase();
        if (n.indexOf("on") === 0 || n === "style" || n === "srcdoc" || (URL_ATTRS[n] && !safeUrl(a.value))) { el.removeAttribute(a.name); }
      });
    });
    var fragment = document.createDocumentFragment();
    while (body.firstChild) { fragment.appendChild(document.adoptNode(body.firstChild)); }
    return fragment;
  }

  var rendering = 0;
  var shown = null; // the route on screen
  function show() {
    var r = route();
    shown = null;
    var entry = index.pages[r];
    if (!entry) {
      var p = document.createElement("p");
      p.textContent = "Cette page n'existe pas (ou plus) dans cet espace. ";
      var a = document.createElement("a");
      a.href = "#/";
      a.textContent = "Revenir à l'accueil de l'espace";
      p.appendChild(a);
      target.replaceChildren(p);
      return Promise.resolve();
    }
    return openItem(entry.id, entry.blob).then(function (plain) {
      var item = JSON.parse(new TextDecoder().decode(plain));
      target.replaceChildren(inert(item.html));
      // A link to a place in the page (`#francais-1`, a footnote) keeps
      // the page's route before it.
      target.querySelectorAll("a[href^='#']").forEach(function (a) {
        var h = a.getAttribute("href");
        if (h.length > 1 && h.indexOf("#/") !== 0) { a.setAttribute("href", "#/" + r + h); }
      });
      shown = r;
      document.title = item.titre;
      door.hidden = true;
      inside.hidden = false;
      decryptMedia();
      // The list comes when it is ready, without holding the page back
      // (a first visit reads every cahier day once).
      var shownNow = ++rendering;
      news.then(function (list) { if (shownNow === rendering) { showNews(list); } });
    }).then(function () {
      afterFirstPage();
      document.dispatchEvent(new CustomEvent("preau:contenu"));
      if (goToPlace()) { return; }
      var h1 = target.querySelector("h1");
      if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus(); }
      window.scrollTo(0, 0);
    });
  }

  function mime(name) {
    var ext = (name.split(".").pop() || "").toLowerCase();
    return { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", avif: "image/avif", gif: "image/gif", pdf: "application/pdf", ics: "text/calendar" }[ext] || "application/octet-stream";
  }

  function decryptMedia() {
    target.querySelectorAll("[data-chiffre-src]").forEach(function (img) {
      openItem(img.getAttribute("data-chiffre-id"), img.getAttribute("data-chiffre-src")).then(function (plain) {
        img.src = URL.createObjectURL(new Blob([plain], { type: mime(img.getAttribute("data-nom") || "") }));
      }, function () { img.alt = "[image indisponible] " + img.alt; });
    });
    target.querySelectorAll("[data-chiffre-href]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var name = link.getAttribute("data-nom") || "fichier";
        openItem(link.getAttribute("data-chiffre-id"), link.getAttribute("data-chiffre-href")).then(function (plain) {
          var url = URL.createObjectURL(new Blob([plain], { type: mime(name) }));
          var a = document.createElement("a");
          a.href = url;
          a.download = name;
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        });
      });
    });
  }

  function start(cles, where) {
    say("");
    return useKeys(cles).then(function () {
      // The page first; keeping the keys (IndexedDB) goes on beside it.
      var kept = !where ? null : remember(BASE, cles, where).catch(function () {
        say("Ce navigateur n'a pas pu garder le code : il faudra le retaper à la prochaine page.");
      });
      return Promise.all([show(), kept]);
    }).then(listMine);
  }

  function askForCode(text) {
    door.hidden = false;
    inside.hidden = true;
    form.hidden = false;
    if (text) { say(text); }
    prefetch();
  }

  // While the family types the code: the key ring and the area's index
  // (public, encrypted) are fetched, so that the code's work starts with
  // them at hand. A failed fetch is tried again when they are needed.
  var ringSoon = null;
  var indexSoon = null;
  function prefetch() {
    if (!ringSoon) { ringSoon = fetch(RING_URL).then(function (r) { if (!r.ok) { throw new Error("anneau"); } return r.json(); }); ringSoon.catch(function () { ringSoon = null; }); }
    if (!indexSoon) { indexSoon = fetchBytes(INDEX_URL); indexSoon.catch(function () { indexSoon = null; }); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = form.elements.code.value;
    var where = form.elements.duree.value === "appareil" ? "appareil" : "visite";
    say("Ouverture en cours…");
    unlock(code).then(function (cles) {
      if (!cles) { sayWrongCode("Ce code n'ouvre pas cet espace. Vérifiez-le (il figure sur la lettre remise par l'école) et réessayez."); return; }
      if (!cles[AREA]) { sayWrongCode("Ce code est valable, mais il n'ouvre pas cet espace-ci."); return; }
      form.elements.code.value = "";
      say("");
      return start(cles, where);
    }).catch(function () { say("L'espace n'a pas pu être ouvert. Réessayez dans un instant ; si cela continue, prévenez l'école."); });
  });

  // Closes the area in this page (the keys it holds in memory go too).
  function close(text) {
    opened = {};
    index = null;
    target.replaceChildren();
    history.replaceState(null, "", location.pathname);
    document.title = TITLE;
    askForCode(text);
    return listMine();
  }
  // « Se déconnecter » in one tab closes the school's areas open in the others.
  var others = window.BroadcastChannel ? new BroadcastChannel("preau:" + BASE) : null;
  if (others) {
    others.onmessage = function (event) {
      if (event.data === "deconnexion" && index) { close("Vous avez été déconnecté·e depuis un autre onglet. Ce navigateur a oublié les codes de l'école."); }
    };
  }

  document.getElementById("deconnexion").addEventListener("click", function () {
    listMine().catch(function () { return []; }).then(function (names) {
      opened = {};
      index = null;
      return forgetAll(BASE).then(function () {
        if (others) { others.postMessage("deconnexion"); }
        return close("Vous êtes déconnecté·e" + (names.length > 1 ? " de ces espaces : " + names.join(", ") : "") + ". Ce navigateur a oublié les codes de l'école.");
      });
    });
  });

  window.addEventListener("hashchange", function () {
    if (!index) { return; }
    // Another place in the page on screen: no need to open it again.
    if (shown !== null && route() === shown && place() && goToPlace()) { return; }
    show();
  });

  // A QR code carries the code after « #code= »: use it, then remove it
  // from the address bar and the history at once.
  // The same form as a typed code, filled in: the family makes the same
  // choice (this visit, or this device) with one tap on « Ouvrir l'espace ».
  var qr = /^#code=([^&]*)/.exec(location.hash);
  if (qr) {
    history.replaceState(null, "", location.pathname + location.search);
    askForCode("Code lu sur le QR code. Choisissez si ce navigateur s'en souvient, puis ouvrez l'espace.");
    form.elements.code.value = decodeURIComponent(qr[1]);
    form.querySelector("button[type=submit]").focus();
    listMine();
    return;
  }
  keys(BASE).then(function (saved) {
    if (!saved[AREA]) { askForCode(""); listMine(); return; }
    return start(saved, null).catch(function () {
      return forgetArea(BASE, AREA).then(function () { askForCode("Le code a changé : tapez le nouveau code."); });
    });
  });
})();
