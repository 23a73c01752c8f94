// Préau — recherche. Les index MiniSearch sont fabriqués par preau : le
// navigateur les charge (loadJS) sans rien indexer.
// L'index public est découpé (recherche/index.json nomme les morceaux) : une
// recherche ne télécharge que les termes qui commencent comme ses mots, puis
// les fiches des résultats affichés. L'index d'un espace de classe est chiffré
// et n'est ouvert que si ce navigateur a gardé la clé de l'espace.
(function () {
  "use strict";
  var root = document.getElementById("recherche");
  if (!root || !window.MiniSearch) { return; }
  var base = root.getAttribute("data-base");
  var dir = base + "recherche/";
  var input = document.getElementById("q");
  var list = document.getElementById("resultats");
  var status = document.getElementById("etat-recherche");
  var more = document.getElementById("plus-de-resultats");
  var PAGE = 20;
  if (!window.DecompressionStream) {
    status.textContent = "La recherche demande un navigateur plus récent (2023 ou après).";
    return;
  }
  function processTerm(term) { return term.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(); }
  var options = { fields: ["titre", "texte"], storeFields: ["titre", "url", "genre", "extrait", "classe", "matieres"], processTerm: processTerm };
  var searchOptions = { prefix: true, fuzzy: 0.2, boost: { titre: 2 }, combineWith: "AND" };

  // A JSON piece, gzip-compressed by preau (unless the host already undid it).
  function piece(name) {
    return fetch(dir + name).then(function (r) {
      if (!r.ok) { throw new Error(name + " : " + r.status); }
      return r.arrayBuffer();
    }).then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      var body = new Blob([bytes]).stream();
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) { body = body.pipeThrough(new DecompressionStream("gzip")); }
      return new Response(body).text();
    }).then(JSON.parse);
  }

  // The public index: its base at once, the terms of a letter when a query needs them.
  var manifest = fetch(dir + "index.json").then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
  var publicBase = manifest.then(function (m) { return m ? piece(m.base) : null; });
  var shortIds = publicBase.then(function (b) {
    var ids = {};
    if (b) { Object.keys(b.documentIds).forEach(function (short) { ids[b.documentIds[short]] = Number(short); }); }
    return ids;
  });
  var letters = {};
  var cards = {};
  var publicIndex = null;
  var publicKey = "";

  function cached(store, key, load) {
    if (!store[key]) { store[key] = load().catch(function (e) { delete store[key]; throw e; }); }
    return store[key];
  }

  function publicSearch(query) {
    return Promise.all([manifest, publicBase]).then(function (mb) {
      var m = mb[0], b = mb[1];
      if (!m || !b) { return null; }
      query.split(/[\n\r\p{Z}\p{P}]+/u).map(processTerm).forEach(function (term) {
        var letter = term ? term.codePointAt(0).toString(16) : "";
        if (m.termes[letter]) { cached(letters, letter, function () { return piece(m.termes[letter]); }); }
      });
      var loaded = Object.keys(letters).sort();
      return Promise.all(loaded.map(function (l) { return letters[l]; })).then(function (parts) {
        var key = loaded.join(",");
        if (key !== publicKey) {
          publicIndex = MiniSearch.loadJS(Object.assign({}, b, { index: [].concat.apply([], parts) }), options);
          publicKey = key;
        }
        return publicIndex;
      });
    });
  }

  // The title, type, link and excerpt of a public result, from its card file.
  function withCard(result) {
    if (result.titre) { return Promise.resolve(result); }
    return Promise.all([manifest, shortIds]).then(function (mi) {
      var m = mi[0], short = mi[1][result.id];
      var n = Math.floor(short / m.fiches.taille);
      return cached(cards, n, function () { return piece(m.fiches.fichiers[n]); }).then(function (group) {
        return Object.assign({}, group[short], result);
      });
    });
  }

  // Restricted indexes: those of the areas this browser holds a key for.
  var restricted = [];
  var ready = Promise.resolve();
  if (window.preauAcces && window.crypto && window.crypto.subtle) {
    ready = window.preauAcces.keys(base).then(function (keys) {
      if (!Object.keys(keys).length) { return []; }
      return fetch(base + "acces/espaces.json").then(function (r) { return r.ok ? r.json() : []; }).then(function (areas) {
        return areas.filter(function (a) { return keys[a.espace]; }).map(function (a) { return [a, keys[a.espace]]; });
      });
    }).then(function (areas) {
      return Promise.all(areas.map(function (pair) {
        var a = pair[0], key = pair[1];
        return window.preauAcces.open(key, a.index_id, a.index).then(function (plain) {
          var index = JSON.parse(new TextDecoder().decode(plain));
          if (!index.recherche) { return null; }
          return window.preauAcces.open(key, index.recherche.id, index.recherche.blob).then(function (p) {
            restricted.push(MiniSearch.loadJSON(new TextDecoder().decode(p), options));
          });
        }).catch(function () { return null; });
      }));
    }).catch(function () { return null; });
  }

  // `text` into `parent`, the words the result matched in <mark>.
  function marked(parent, text, terms) {
    (text || "").split(/([\n\r\p{Z}\p{P}]+)/u).forEach(function (part, i) {
      if (i % 2 === 0 && part && terms[processTerm(part)]) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        parent.appendChild(mark);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }
  var generation = 0;
  var results = [];
  var shown = 0;

  function render(upTo) {
    var mine = generation;
    return Promise.all(results.slice(shown, upTo).map(withCard)).then(function (page) {
      if (mine !== generation) { return; }
      page.forEach(function (r) {
        var terms = {};
        (r.terms || []).forEach(function (t) { terms[t] = true; });
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.url || base + r.id;
        marked(a, r.titre, terms);
        li.appendChild(a);
        // What it is, and where: « cahier · CM1 de Mme Roux · Français, Mathématiques ».
        var meta = document.createElement("p");
        meta.className = "discret resultat-genre";
        meta.textContent = [r.genre, r.classe, r.matieres].filter(Boolean).join(" · ");
        li.appendChild(meta);
        var p = document.createElement("p");
        marked(p, r.extrait, terms);
        li.appendChild(p);
        list.appendChild(li);
      });
      shown = Math.min(upTo, results.length);
      more.hidden = shown >= results.length;
      var n = results.length;
      status.textContent = n === 0 ? "Aucun résultat." : (n === 1 ? "1 résultat." : n + " résultats" + (shown < n ? ", les " + shown + " premiers affichés." : "."));
    });
  }

  // Every result of a query, best first; cards not yet fetched.
  function find(query) {
    return Promise.all([ready, publicSearch(query)]).then(function (loaded) {
      var found = [];
      restricted.concat(loaded[1] ? [loaded[1]] : []).forEach(function (index) { found = found.concat(index.search(query, searchOptions)); });
      return found.sort(function (a, b) { return b.score - a.score; });
    });
  }

  // For tests and benchmarks: the first n results of a query, with their cards.
  window.preauRecherche = {
    chercher: function (query, n) {
      return find(query).then(function (found) { return Promise.all(found.slice(0, n).map(withCard)); });
    }
  };

  function show(query) {
    var mine = ++generation;
    if (!query.trim()) { list.replaceChildren(); status.textContent = ""; more.hidden = true; return Promise.resolve(); }
    return find(query).then(function (found) {
      if (mine !== generation) { return; }
      results = found;
      shown = 0;
      list.replaceChildren();
      return render(PAGE);
    }).catch(function () {
      if (mine === generation) { status.textContent = "La recherche n'a pas pu être chargée. Vérifiez la connexion, puis réessayez."; }
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 120);
  });
  root.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
  });
  more.addEventListener("click", function () {
    more.disabled = true;
    render(shown + PAGE).then(function () { more.disabled = false; });
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    show(initial);
  }
})();
