// Préau — petites améliorations du site. Sans ce script, tout reste lisible.
(function () {
  "use strict";
  function improve() {
    // Boutons « Imprimer ».
    document.querySelectorAll("[data-imprimer][hidden]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // Le site peut avoir été construit il y a quelques jours : on masque le
    // travail dont la date est passée, d'après la date de l'appareil.
    var now = new Date();
    var today = now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" + String(now.getDate()).padStart(2, "0");
    document.querySelectorAll("[data-pour]").forEach(function (item) {
      if (item.getAttribute("data-pour") < today) { item.classList.add("passe-cache"); }
    });
  }
  improve();
  // Le contenu d'un espace réservé arrive après le déchiffrement.
  document.addEventListener("preau:contenu", improve);
})();
