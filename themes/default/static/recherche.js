// Préau — recherche. Les index MiniSearch sont fabriqués par preau : le
// navigateur les charge (loadJSON) sans rien indexer. L'index public est
// lisible par tous ; celui d'un espace de classe est chiffré et n'est ouvert
// que si ce navigateur a gardé la clé de l'espace.
(function () {
  "use strict";
  var root = document.getElementById("recherche");
  if (!root || !window.MiniSearch) { return; }
  var base = root.getAttribute("data-base");
  var input = document.getElementById("q");
  var list = document.getElementById("resultats");
  var status = document.getElementById("etat-recherche");
  var options = {
    fields: ["titre", "texte"],
    storeFields: ["titre", "url", "genre", "extrait"],
    processTerm: function (term) { return term.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(); }
  };
  var searchOptions = { prefix: true, fuzzy: 0.2, boost: { titre: 2 }, combineWith: "AND" };
  var indexes = [];

  function load(text) { indexes.push(MiniSearch.loadJSON(text, options)); }

  var ready = fetch(base + "recherche/index.json").then(function (r) { return r.ok ? r.text() : null; }).then(function (t) { if (t) { load(t); } });
  var keys = window.preauAcces ? window.preauAcces.keys(base) : {};
  if (window.crypto && window.crypto.subtle && Object.keys(keys).length) {
    ready = Promise.all([ready, fetch(base + "acces/espaces.json").then(function (r) { return r.ok ? r.json() : []; }).then(function (areas) {
      return Promise.all(areas.filter(function (a) { return keys[a.espace]; }).map(function (a) {
        var key = keys[a.espace];
        return window.preauAcces.open(key, a.index_id, a.index).then(function (plain) {
          var index = JSON.parse(new TextDecoder().decode(plain));
          if (!index.recherche) { return null; }
          return window.preauAcces.open(key, index.recherche.id, index.recherche.blob).then(function (p) { load(new TextDecoder().decode(p)); });
        }).catch(function () { return null; });
      }));
    })]);
  }

  function show(query) {
    list.innerHTML = "";
    if (!query.trim()) { status.textContent = ""; return; }
    var results = [];
    indexes.forEach(function (index) { results = results.concat(index.search(query, searchOptions)); });
    results.sort(function (a, b) { return b.score - a.score; });
    results.slice(0, 30).forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.url || base + r.id;
      a.textContent = r.titre;
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "discret";
      meta.textContent = " — " + r.genre;
      li.appendChild(meta);
      var p = document.createElement("p");
      p.textContent = r.extrait;
      li.appendChild(p);
      list.appendChild(li);
    });
    status.textContent = results.length === 0 ? "Aucun résultat." : (results.length === 1 ? "1 résultat." : results.length + " résultats.");
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { ready.then(function () { show(input.value); }); }, 120);
  });
  root.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    ready.then(function () { show(input.value); });
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    ready.then(function () { show(initial); });
  }
})();
