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
  // Sur un téléphone, le menu et la recherche se replient derrière « Menu ».
  var button = document.querySelector(".bouton-menu");
  var navigation = document.getElementById("navigation");
  if (button && navigation && window.matchMedia) {
    var phone = window.matchMedia("(max-width: 40rem)");
    var fold = function (folded) {
      navigation.hidden = folded;
      button.setAttribute("aria-expanded", String(!folded));
    };
    var fit = function () {
      button.hidden = !phone.matches;
      fold(phone.matches);
    };
    button.addEventListener("click", function () {
      fold(!navigation.hidden);
      if (!navigation.hidden) { navigation.querySelector("input, a").focus(); }
    });
    if (phone.addEventListener) { phone.addEventListener("change", fit); }
    fit();
  }
  // L'approbation de l'IEN : sa signature du manifeste porte un commentaire
  // signé (« version:3 role:ien approuve_le:2026-11-24 … ») que l'on affiche.
  var approval = document.getElementById("approbation");
  if (approval && window.fetch) {
    fetch(approval.getAttribute("data-signature")).then(function (r) { return r.ok ? r.text() : ""; }).then(function (text) {
      var m = /trusted comment: .*version:(\d+) role:ien approuve_le:(\d{4})-(\d{2})-(\d{2})/.exec(text);
      if (!m) { return; }
      var day = new Date(Number(m[2]), Number(m[3]) - 1, Number(m[4])).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
      approval.querySelector("span").textContent = "Version " + m[1] + " du site, approuvée par " + approval.getAttribute("data-ien") + " (IEN) le " + day + ".";
      approval.hidden = false;
    }).catch(function () {});
  }
  // Le contenu d'un espace réservé arrive après le déchiffrement.
  document.addEventListener("preau:contenu", improve);
})();
