// Préau — aperçu : recharge la page quand le site a été reconstruit
// (enregistrement d'un fichier), en gardant la position dans la page.
// Fichier à part (pas de script dans la page) : il marche sous la
// Content-Security-Policy stricte des pages (script-src 'self').
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-generation") : null;
  var key = "preau-apercu-defilement:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      window.scrollTo(0, Number(saved) || 0);
    }
  } catch (e) { /* stockage indisponible : tant pis pour la position */ }
  if (!window.EventSource) { return; }
  var source = new EventSource("/__preau/evenements");
  source.onmessage = function (event) {
    if (shown === null) { shown = event.data; return; }
    if (event.data !== shown) {
      shown = event.data;
      try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* idem */ }
      source.close();
      location.reload();
    }
  };
})();
