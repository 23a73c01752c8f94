// Préau — ouverture des espaces réservés, dans le navigateur.
//
// Le contenu d'un espace est chiffré (AES-256-GCM). Le code d'accès, passé
// par PBKDF2-HMAC-SHA256, ouvre les clés de l'anneau public (acces/cles.json) ;
// chaque page, image ou fichier est ensuite déchiffré à la demande. Rien ne
// quitte le navigateur : le code ne part jamais vers le serveur (il n'est dans
// l'adresse qu'après le « # », que le navigateur n'envoie pas).
// Format : voir le guide, chapitre « Format des fichiers chiffrés ».
(function () {
  "use strict";
  // Shared with the search page: open a sealed item of an area whose key
  // this browser kept ("this visit" or "this device").
  var api = {
    base: null,
    keys: function (base) {
      var store = "preau:" + base + ":cles";
      try { return JSON.parse(sessionStorage.getItem(store) || localStorage.getItem(store) || "null") || {}; } catch (e) { return {}; }
    },
    open: function (rawKey, id, url) {
      var raw = Uint8Array.from(atob(rawKey), function (c) { return c.charCodeAt(0); });
      return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]).then(function (key) {
        return fetch(url).then(function (r) { if (!r.ok) { throw new Error(url); } return r.arrayBuffer(); }).then(function (buf) {
          var b = new Uint8Array(buf);
          var enc = new TextEncoder();
          var idBytes = enc.encode(id);
          var aad = new Uint8Array(7 + idBytes.length);
          aad.set(b.slice(0, 7), 0);
          aad.set(idBytes, 7);
          return crypto.subtle.decrypt({ name: "AES-GCM", iv: b.slice(7, 19), additionalData: aad }, key, b.slice(19)).then(function (plain) {
            if (b[6] !== 1) { return plain; }
            return new Response(new Blob([plain]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer();
          });
        });
      });
    }
  };
  window.preauAcces = api;
  var root = document.getElementById("espace");
  if (!root) { return; }
  var AREA = root.getAttribute("data-espace");
  var INDEX_URL = root.getAttribute("data-index");
  var INDEX_ID = root.getAttribute("data-index-id");
  var RING_URL = root.getAttribute("data-cles");
  var BASE = root.getAttribute("data-base");
  var STORE = "preau:" + BASE + ":cles";
  var door = document.getElementById("porte");
  var form = document.getElementById("connexion");
  var message = document.getElementById("message");
  var inside = document.getElementById("dedans");
  var target = document.getElementById("contenu-espace");
  var enc = new TextEncoder();
  var index = null;
  var keys = {};

  function say(text) { message.textContent = text; }

  if (!window.crypto || !window.crypto.subtle || !window.DecompressionStream) {
    say("Votre navigateur ne peut pas ouvrir cet espace. La page doit être ouverte par une adresse sécurisée (qui commence par https://) dans un navigateur récent. Si l'adresse commence par http://, prévenez l'école.");
    return;
  }
  var subtle = window.crypto.subtle;

  function b64(bytes) { var s = ""; bytes = new Uint8Array(bytes); for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); } return btoa(s); }
  function unb64(text) { var s = atob(text); var out = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); } return out; }
  function normalize(code) { return code.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, ""); }

  function importKey(raw) { return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]); }

  function fetchBytes(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("introuvable : " + url); }
      return r.arrayBuffer();
    });
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer();
  }

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
    return subtle.decrypt({ name: "AES-GCM", iv: b.slice(7, 19), additionalData: aad }, key, b.slice(19))
      .then(function (plain) { return flag === 1 ? inflate(plain) : plain; });
  }

  function areaOf(id) { return id.slice(0, id.indexOf("/")); }

  function openItem(id, url) {
    var key = keys[areaOf(id)];
    if (!key) { return Promise.reject(new Error("clé absente")); }
    return fetchBytes(url).then(function (buf) { return openBlob(key, id, buf); });
  }

  // Tries the code against every role of the ring; resolves with the raw
  // keys of the first role it opens, or null.
  function unlock(code) {
    return fetch(RING_URL).then(function (r) { return r.json(); }).then(function (ring) {
      return subtle.importKey("raw", enc.encode(normalize(code)), "PBKDF2", false, ["deriveBits"]).then(function (material) {
        return subtle.deriveBits({ name: "PBKDF2", hash: ring.kdf.hash, salt: unb64(ring.kdf.salt), iterations: ring.kdf.iterations }, material, 256);
      }).then(function (bits) {
        return subtle.importKey("raw", bits, { name: "AES-GCM" }, false, ["decrypt"]);
      }).then(function (kek) {
        function unwrap(entry) {
          var w = unb64(entry.key);
          return subtle.decrypt({ name: "AES-GCM", iv: w.slice(0, 12), additionalData: enc.encode("preau-acces-v1 cle " + entry.audience) }, kek, w.slice(12));
        }
        function tryRole(i) {
          if (i >= ring.roles.length) { return null; }
          var role = ring.roles[i];
          return unwrap(role[0]).then(function () {
            return Promise.all(role.map(unwrap)).then(function (raws) {
              var found = {};
              role.forEach(function (entry, j) { found[entry.audience] = b64(raws[j]); });
              return found;
            });
          }, function () { return tryRole(i + 1); });
        }
        return tryRole(0);
      });
    });
  }

  function stored() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }
  function remember(raw, where) {
    forget();
    (where === "appareil" ? localStorage : sessionStorage).setItem(STORE, JSON.stringify(raw));
  }
  function forget() { sessionStorage.removeItem(STORE); localStorage.removeItem(STORE); }

  function useKeys(raw) {
    var names = Object.keys(raw);
    return Promise.all(names.map(function (n) { return importKey(unb64(raw[n])); })).then(function (list) {
      keys = {};
      names.forEach(function (n, i) { keys[n] = list[i]; });
      if (!keys[AREA]) { throw new Error("espace"); }
      return openItem(INDEX_ID, INDEX_URL);
    }).then(function (plain) {
      index = JSON.parse(new TextDecoder().decode(plain));
    });
  }

  function route() {
    var h = location.hash;
    return h.indexOf("#/") === 0 ? decodeURIComponent(h.slice(2)) : "";
  }

  function show() {
    var r = route();
    var entry = index.pages[r];
    if (!entry) {
      target.innerHTML = "";
      var p = document.createElement("p");
      p.textContent = "Cette page n'existe pas (ou plus) dans cet espace. ";
      var a = document.createElement("a");
      a.href = "#/";
      a.textContent = "Revenir à l'accueil de l'espace";
      p.appendChild(a);
      target.appendChild(p);
      return Promise.resolve();
    }
    return openItem(entry.id, entry.blob).then(function (plain) {
      var item = JSON.parse(new TextDecoder().decode(plain));
      target.innerHTML = item.html;
      document.title = item.titre;
      door.hidden = true;
      inside.hidden = false;
      decryptMedia();
      document.dispatchEvent(new CustomEvent("preau:contenu"));
      var h1 = target.querySelector("h1");
      if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus(); }
      window.scrollTo(0, 0);
    });
  }

  function mime(name) {
    var ext = (name.split(".").pop() || "").toLowerCase();
    return { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", avif: "image/avif", gif: "image/gif", svg: "image/svg+xml", pdf: "application/pdf", ics: "text/calendar" }[ext] || "application/octet-stream";
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

  function start(raw, where) {
    say("");
    return useKeys(raw).then(function () {
      if (where) { remember(raw, where); }
      return show();
    });
  }

  function askForCode(text) {
    door.hidden = false;
    inside.hidden = true;
    form.hidden = false;
    if (text) { say(text); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = form.elements.code.value;
    var where = form.elements.duree.value;
    say("Ouverture en cours…");
    unlock(code).then(function (raw) {
      if (!raw) { say("Ce code n'ouvre pas cet espace. Vérifiez-le (il figure sur la lettre remise par l'école) et réessayez."); return; }
      if (!raw[AREA]) { say("Ce code est valable, mais il n'ouvre pas cet espace-ci."); return; }
      form.elements.code.value = "";
      say("");
      return start(raw, where);
    }).catch(function () { say("L'espace n'a pas pu être ouvert. Réessayez dans un instant ; si cela continue, prévenez l'école."); });
  });

  document.getElementById("deconnexion").addEventListener("click", function () {
    forget();
    keys = {};
    index = null;
    target.innerHTML = "";
    history.replaceState(null, "", location.pathname);
    document.title = document.querySelector("#porte h1").textContent;
    askForCode("Vous êtes déconnecté·e. Le code a été oublié par ce navigateur.");
  });

  window.addEventListener("hashchange", function () { if (index) { show(); } });

  // A QR code carries the code after « #code= »: use it, then remove it
  // from the address bar and the history at once.
  var qr = /^#code=([^&]*)/.exec(location.hash);
  if (qr) {
    history.replaceState(null, "", location.pathname + location.search);
    say("Ouverture en cours…");
    unlock(decodeURIComponent(qr[1])).then(function (raw) {
      if (raw && raw[AREA]) { return start(raw, "session"); }
      askForCode("Ce code n'ouvre pas cet espace. Tapez le code de la lettre.");
    }).catch(function () { askForCode("L'espace n'a pas pu être ouvert. Tapez le code de la lettre."); });
    return;
  }
  var saved = stored();
  if (saved && saved[AREA]) {
    start(saved, null).catch(function () { forget(); askForCode("Le code a changé : tapez le nouveau code."); });
  } else {
    askForCode("");
  }
})();
