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
    inTimeOrder(now, today);
  }

  // --- Dates that help, from this device's date ---------------------------
  var DAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
  function iso(d) { return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0"); }
  function parse(text) { var p = text.split("-"); return new Date(Number(p[0]), Number(p[1]) - 1, Number(p[2])); }
  // « Pour demain », « Pour lundi » for the coming week; the date stays beside.
  function dueLabel(due, now) {
    var days = Math.round((parse(due) - parse(iso(now))) / 86400000);
    if (days === 0) { return "Pour aujourd'hui"; }
    if (days === 1) { return "Pour demain"; }
    if (days > 1 && days < 7) { return "Pour " + DAYS[parse(due).getDay()]; }
    return null;
  }
  function inTimeOrder(now, today) {
    // Homework grouped by due date: the near ones named as people say them.
    document.querySelectorAll(".a-faire > li[data-pour]").forEach(function (group) {
      var heading = group.querySelector("h2, h3");
      if (!heading || heading.hasAttribute("data-date")) { return; }
      var label = dueLabel(group.getAttribute("data-pour"), now);
      if (!label) { return; }
      heading.setAttribute("data-date", heading.textContent);
      // « Pour le vendredi 25 septembre 2026 » → « Pour demain (25 septembre 2026) ».
      var rest = heading.textContent.replace(/^Pour le /, "").replace(/^\S+ /, "");
      heading.textContent = label + " ";
      var date = document.createElement("span");
      date.className = "discret";
      date.textContent = "(" + rest + ")";
      heading.appendChild(date);
    });
    // Cahier days: today marked, the coming days first, nearest first.
    var lists = document.querySelectorAll("ul.jours");
    if (lists.length && !document.querySelector(".jours-a-venir")) {
      var coming = [];
      lists.forEach(function (ul) {
        ul.querySelectorAll("li").forEach(function (li) {
          var a = li.querySelector("a");
          var m = a && /(\d{4}-\d{2}-\d{2})\/?(#.*)?$/.exec(a.getAttribute("href"));
          if (!m) { return; }
          if (m[1] === today) {
            var badge = document.createElement("span");
            badge.className = "badge aujourdhui";
            badge.textContent = "aujourd'hui";
            li.appendChild(document.createTextNode(" "));
            li.appendChild(badge);
            li.classList.add("aujourdhui");
          }
          if (m[1] >= today) { coming.push([m[1], li]); }
        });
      });
      if (coming.length) {
        coming.sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
        var section = document.createElement("section");
        section.className = "jours-a-venir";
        section.setAttribute("aria-labelledby", "titre-jours-a-venir");
        var h2 = document.createElement("h2");
        h2.id = "titre-jours-a-venir";
        h2.textContent = "Aujourd'hui et les jours qui viennent";
        var ul = document.createElement("ul");
        ul.className = "jours";
        coming.forEach(function (c) { ul.appendChild(c[1]); });
        section.append(h2, ul);
        var first = lists[0].closest("section") || lists[0];
        first.parentNode.insertBefore(section, first);
        lists.forEach(function (l) { var sec = l.closest("section"); if (!l.children.length && sec) { sec.remove(); } });
      }
    }
    // Agenda: the coming events first, those already past at the end.
    var events = document.querySelectorAll("ul.evenements > li.evenement");
    if (events.length && !document.querySelector(".evenements-passes")) {
      var past = [];
      events.forEach(function (li) {
        var times = li.querySelectorAll("time[datetime]");
        var last = times.length ? times[times.length - 1].getAttribute("datetime").slice(0, 10) : "";
        var isPast = last && last < today;
        li.classList.toggle("passe", !!isPast);
        if (isPast) { past.push(li); }
      });
      var month = events[0].closest("section");
      if (past.length && month && month.parentNode) {
        var host = month.parentNode;
        var done = document.createElement("section");
        done.className = "evenements-passes";
        done.setAttribute("aria-labelledby", "titre-evenements-passes");
        var title = document.createElement("h2");
        title.id = "titre-evenements-passes";
        title.textContent = "Déjà passés";
        var list = document.createElement("ul");
        list.className = "evenements";
        past.reverse().forEach(function (li) { list.appendChild(li); });
        done.append(title, list);
        host.querySelectorAll("ul.evenements").forEach(function (l) { var sec = l.closest("section"); if (!l.children.length && sec) { sec.remove(); } });
        host.appendChild(done);
      }
    }
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

  // Les photos en plein écran : un bouton sur chaque photo d'un article
  // l'ouvre, avec sa légende, « Précédente », « Suivante » (ou un glissé du
  // doigt), un double appui pour zoomer, et « Enregistrer » (une photo
  // chiffrée est enregistrée déchiffrée, telle que la famille la voit).
  var PHOTOS = ".galerie img, figure.photo img";
  var viewer = null;
  function legend(img) {
    var figure = img.closest("figure");
    var caption = figure && figure.querySelector("figcaption");
    return caption ? caption.textContent : "";
  }
  function build() {
    var d = document.createElement("dialog");
    d.className = "visionneuse";
    d.setAttribute("aria-label", "Photo en plein écran");
    var img = document.createElement("img");
    var caption = document.createElement("p");
    caption.className = "visionneuse-legende";
    var bar = document.createElement("p");
    bar.className = "visionneuse-boutons";
    var prev = document.createElement("button");
    prev.type = "button";
    prev.textContent = "← Précédente";
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = "Suivante →";
    var save = document.createElement("a");
    save.textContent = "Enregistrer";
    save.className = "bouton";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Fermer";
    bar.append(prev, next, save, close);
    d.append(img, caption, bar);
    document.body.appendChild(d);
    viewer = { dialog: d, img: img, caption: caption, prev: prev, next: next, save: save, list: [], at: 0 };
    prev.addEventListener("click", function () { go(-1); });
    next.addEventListener("click", function () { go(1); });
    close.addEventListener("click", function () { d.close(); });
    img.addEventListener("dblclick", function () { d.classList.toggle("zoom"); });
    var startX = null;
    img.addEventListener("pointerdown", function (e) { startX = e.clientX; });
    img.addEventListener("pointerup", function (e) {
      if (startX !== null && Math.abs(e.clientX - startX) > 50 && !d.classList.contains("zoom")) { go(e.clientX < startX ? 1 : -1); }
      startX = null;
    });
    d.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { go(1); } else if (e.key === "ArrowLeft") { go(-1); }
    });
    return viewer;
  }
  function shown(i) {
    var v = viewer;
    v.at = (i + v.list.length) % v.list.length;
    var photo = v.list[v.at];
    v.img.src = photo.currentSrc || photo.src;
    v.img.alt = photo.alt;
    v.caption.textContent = legend(photo);
    v.caption.hidden = !v.caption.textContent;
    v.save.href = v.img.src;
    var name = (photo.getAttribute("data-nom") || photo.src.split("/").pop().split("?")[0] || "photo.jpg");
    v.save.setAttribute("download", name.indexOf(".") > 0 ? name : "photo.jpg");
    v.prev.hidden = v.next.hidden = v.list.length < 2;
    v.dialog.classList.remove("zoom");
  }
  function go(step) { shown(viewer.at + step); }
  function open(photo) {
    var v = viewer || build();
    var scope = photo.closest("article, #contenu-espace, main") || document;
    v.list = Array.prototype.slice.call(scope.querySelectorAll(PHOTOS));
    shown(Math.max(0, v.list.indexOf(photo)));
    v.dialog.showModal();
  }
  function offerFullScreen() {
    document.querySelectorAll(PHOTOS).forEach(function (photo) {
      if (photo.parentNode.classList.contains("agrandir")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "agrandir";
      button.setAttribute("aria-label", "Voir en plein écran : " + (photo.alt || "photo"));
      photo.parentNode.insertBefore(button, photo);
      button.appendChild(photo);
      button.addEventListener("click", function () { open(photo); });
    });
  }
  if (window.HTMLDialogElement) {
    offerFullScreen();
    document.addEventListener("preau:contenu", offerFullScreen);
  }
})();
