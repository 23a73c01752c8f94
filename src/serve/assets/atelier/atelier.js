// Préau — l'atelier : les formulaires des enseignant·es, qui écrivent les
// mêmes fichiers (markdown, YAML) que l'on écrirait à la main.
// Fichier à part, sans code dans la page : il marche sous la
// Content-Security-Policy stricte de l'atelier (script-src 'self').
// Tout le texte affiché est posé avec textContent, jamais comme du HTML :
// rien de ce qu'on tape ne devient du HTML.
(function () {
  "use strict";

  var API = "/__atelier/api/";
  var state = { school: null, dirty: false, leave: null };

  // ---------- petits outils ----------

  /** Un élément : el("p", {class: "x", text: "…"}, enfant…). */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      var v = a[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === "text") { node.textContent = v; } else if (k === "class") { node.className = v; } else if (k.slice(0, 2) === "on") { node.addEventListener(k.slice(2), v); } else if (k === "value") { node.value = v; } else if (k === "checked") { node.checked = !!v; } else { node.setAttribute(k, v === true ? "" : v); }
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) { continue; }
      if (Array.isArray(c)) { c.forEach(function (x) { if (x) { node.appendChild(x); } }); } else { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    }
    return node;
  }

  var uid = 0;
  function newId(prefix) { uid += 1; return prefix + "-" + uid; }

  function announce(text) {
    var box = document.getElementById("annonce");
    box.textContent = "";
    window.setTimeout(function () { box.textContent = text; }, 30);
  }

  var DAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

  /** « mardi 24 novembre 2026 » pour « 2026-11-24 ». */
  function frenchDate(iso) {
    var d = parseDay(iso);
    if (!d) { return iso || ""; }
    return DAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  function parseDay(iso) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso || "")) { return null; }
    var d = new Date(iso + "T00:00:00Z");
    return isNaN(d.getTime()) ? null : d;
  }

  function isoDay(d) { return d.toISOString().slice(0, 10); }

  function today() {
    var now = new Date();
    return isoDay(new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())));
  }

  /** Le jour de la semaine (1 = lundi … 7 = dimanche). */
  function weekday(iso) { var d = parseDay(iso); return d ? (d.getUTCDay() || 7) : 0; }

  function isSchoolDay(iso) {
    return state.school.school_days.indexOf(weekday(iso)) >= 0;
  }

  function nextSchoolDay(iso) {
    var d = parseDay(iso) || parseDay(today());
    for (var i = 0; i < 14; i++) {
      d = new Date(d.getTime() + 86400000);
      if (isSchoolDay(isoDay(d))) { return isoDay(d); }
    }
    return isoDay(d);
  }

  function schoolDayNames() {
    return state.school.school_days.map(function (n) { return DAYS[n % 7]; }).join(", ");
  }

  /** « mardi 24 novembre 2026 à 17 h 02 » (heure de cet ordinateur). */
  function whenText(at) {
    var when = at ? new Date(at) : null;
    if (!when || isNaN(when.getTime())) { return at || ""; }
    return frenchDate(isoDay(new Date(Date.UTC(when.getFullYear(), when.getMonth(), when.getDate())))) + " à " + String(when.getHours()).padStart(2, "0") + " h " + String(when.getMinutes()).padStart(2, "0");
  }

  /** « Modifié par Mme Martin le mardi 24 novembre 2026 à 17 h 02 ». */
  function changedLine(changed) {
    if (!changed || (!changed.by && !changed.at)) { return null; }
    return "Modifié" + (changed.by ? " par " + changed.by : "") + (changed.at ? " le " + whenText(changed.at) : "");
  }

  // ---------- dialogue avec l'atelier ----------

  /** Appelle l'API : { status, data } (data : JSON décodé, ou null). */
  function api(method, path, body, raw) {
    var init = { method: method, credentials: "same-origin", headers: {} };
    if (raw) { init.body = raw; init.headers["Content-Type"] = "application/octet-stream"; } else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    return fetch(API + path, init).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = { error: t }; }
        return { status: r.status, data: data };
      });
    }, function () {
      return { status: 0, data: { error: "l'atelier ne répond plus : « preau serve » a-t-il été arrêté ?", hint: "relancez « preau serve » et rouvrez l'adresse qu'il affiche ; votre texte est gardé dans ce navigateur." } };
    });
  }

  function q(value) { return encodeURIComponent(value); }

  function errorBox(data) {
    var d = data || {};
    return el("div", { class: "erreur", role: "alert" },
      el("p", { text: d.error || "l'atelier a refusé la demande" }),
      d.hint ? el("p", { class: "conseil", text: "conseil : " + d.hint }) : null);
  }

  // ---------- écrans ----------

  var main = document.getElementById("principal");

  function show(title, crumbs, nodes) {
    document.title = title + " — Atelier Préau";
    var nav = document.getElementById("fil");
    nav.textContent = "";
    var list = el("ol");
    crumbs.forEach(function (c, i) {
      var last = i === crumbs.length - 1;
      list.appendChild(el("li", null, last ? el("span", { "aria-current": "page", text: c[0] }) : el("a", { href: c[1], text: c[0] })));
    });
    nav.appendChild(list);
    main.textContent = "";
    main.appendChild(el("h1", { id: "titre-ecran", text: title }));
    nodes.forEach(function (n) { if (n) { main.appendChild(n); } });
    main.focus();
  }

  function home() {
    var cards = state.school.classes.map(function (c) {
      return el("li", { class: "carte" },
        el("h2", null, el("a", { href: "#/classe/" + q(c.id), text: c.name })),
        el("p", { text: [c.level, (c.teachers || []).join(", ")].filter(Boolean).join(" — ") }));
    });
    show("Les classes de l'école", [["Classes", "#/"]], [
      el("p", { text: "Choisissez une classe pour écrire une actualité, tenir le cahier de textes, la liste de ressources ou l'agenda." }),
      el("ul", { class: "cartes" }, cards),
    ]);
  }

  function entryItem(entry) {
    return el("li", null,
      el("a", { href: "#/fichier/" + q(entry.path), text: entry.title || entry.path }),
      entry.date && (entry.title || "").indexOf(frenchDate(entry.date)) < 0 ? el("span", { class: "date", text: " — " + frenchDate(entry.date) }) : null,
      entry.draft ? el("span", { class: "etiquette", text: "brouillon" }) : null,
      entry.changed ? el("span", { class: "modifie", text: changedLine(entry.changed) }) : null);
  }

  function section(title, id, button, entries, empty) {
    var head = newId("section");
    return el("section", { class: "rubrique", "aria-labelledby": head },
      el("div", { class: "rubrique-tete" },
        el("h2", { id: head, text: title }),
        el("a", { class: "bouton", href: button[1], text: button[0] })),
      entries.length ? el("ul", { class: "entrees", id: id }, entries.map(entryItem)) : el("p", { class: "vide", text: empty }));
  }

  function classView(id) {
    api("GET", "classe?id=" + q(id)).then(function (r) {
      if (r.status !== 200) { show("Classe introuvable", [["Classes", "#/"], [id, ""]], [errorBox(r.data)]); return; }
      var c = r.data;
      show(c.name, [["Classes", "#/"], [c.name, ""]], [
        section("Actualités", "articles", ["Nouvel article", "#/nouveau/post/" + q(id)], c.posts, "Aucun article pour l'instant."),
        section("Cahier de textes", "cahier", ["Nouveau jour de cahier", "#/nouveau/cahier_day/" + q(id)], c.cahier, "Aucun jour de cahier pour l'instant."),
        section("Ressources", "ressources", ["Nouvelle ressource", "#/nouveau/resources/" + q(id)], c.resources, "Pas encore de liste de ressources."),
        section("Agenda", "agenda", ["Nouvel événement", "#/nouveau/agenda/" + q(id)], c.agenda, "Aucun événement pour l'instant."),
      ]);
    });
  }

  /** « 2026-11-25T21-50-00 » (UTC) → « mercredi 25 novembre 2026 à 22 h 50 ». */
  function binDate(stamp) {
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})$/.exec(stamp || "");
    if (!m) { return stamp || ""; }
    return whenText(m[1] + "T" + m[2] + ":" + m[3] + ":" + m[4] + "Z");
  }

  function trashView() {
    api("GET", "corbeille").then(function (r) {
      if (r.status !== 200) { show("Corbeille", [["Classes", "#/"], ["Corbeille", ""]], [errorBox(r.data)]); return; }
      var items = r.data.map(function (t) {
        var msg = el("span", { class: "modifie" });
        return el("li", null,
          el("span", { text: t.path }),
          el("span", { class: "date", text: " — mis à la corbeille le " + binDate(t.deleted_at) }),
          " ",
          el("button", { type: "button", class: "bouton", "aria-label": "Restaurer " + t.path, onclick: function (ev) {
            ev.target.disabled = true;
            api("POST", "restaurer?id=" + q(t.id)).then(function (res) {
              if (res.status === 200) { msg.textContent = " Restauré : " + res.data.path; announce("Fichier restauré : " + res.data.path); } else { ev.target.disabled = false; msg.textContent = " " + ((res.data && res.data.error) || "restauration impossible"); }
            });
          }, text: "Restaurer" }), msg);
      });
      show("Corbeille", [["Classes", "#/"], ["Corbeille", ""]], [
        el("p", { text: "Ce qui est supprimé dans l'atelier est gardé ici (dans le dossier .preau/corbeille de l'école) jusqu'à ce que vous le restauriez." }),
        items.length ? el("ul", { class: "entrees" }, items) : el("p", { class: "vide", text: "La corbeille est vide." }),
      ]);
    });
  }

  // ---------- champs ----------

  /** Un champ avec son étiquette, son aide et la place de ses problèmes. */
  function field(label, input, help, wide) {
    var id = input.id || newId("champ");
    input.id = id;
    var described = [];
    var helpNode = null;
    if (help) { helpNode = el("p", { class: "aide", id: id + "-aide", text: help }); described.push(id + "-aide"); }
    var problem = el("p", { class: "probleme", id: id + "-probleme", hidden: true });
    if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
    return el("div", { class: "champ" + (wide ? " large" : "") }, el("label", { for: id, text: label }), helpNode, input, problem);
  }

  function textInput(name, value, extra) {
    var attrs = { type: "text", name: name, "data-champ": name, value: value || "" };
    Object.keys(extra || {}).forEach(function (k) { attrs[k] = extra[k]; });
    return el("input", attrs);
  }

  function dateInput(name, value, required) {
    return el("input", { type: "date", name: name, "data-champ": name, value: value || "", required: required || null });
  }

  function textArea(name, value, rows) {
    return el("textarea", { name: name, "data-champ": name, rows: String(rows || 6), value: value || "" });
  }

  function select(name, options, value) {
    var s = el("select", { name: name, "data-champ": name });
    var seen = false;
    options.forEach(function (o) {
      var opt = el("option", { value: o[0], text: o[1] });
      if (o[0] === value) { opt.selected = true; seen = true; }
      s.appendChild(opt);
    });
    if (!seen && value) { s.appendChild(el("option", { value: value, text: value, selected: true })); }
    return s;
  }

  function subjectSelect(name, value) {
    var opts = [["", "— choisir —"]].concat((state.subjects || state.school.subjects).map(function (m) { return [m, m]; }));
    return select(name, opts, value);
  }

  /** La petite barre de mise en forme d'un texte (markdown, jamais de HTML). */
  function toolbar(area, label) {
    function wrap(before, after, placeholder) {
      var s = area.selectionStart, e = area.selectionEnd, v = area.value;
      var inside = v.slice(s, e) || placeholder;
      area.value = v.slice(0, s) + before + inside + after + v.slice(e);
      area.focus();
      area.setSelectionRange(s + before.length, s + before.length + inside.length);
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function lines(prefix) {
      var s = area.selectionStart, e = area.selectionEnd, v = area.value;
      var start = v.lastIndexOf("\n", s - 1) + 1;
      var block = v.slice(start, e) || "texte";
      var out = block.split("\n").map(function (l) { return l.indexOf(prefix) === 0 ? l : prefix + l; }).join("\n");
      area.value = v.slice(0, start) + out + v.slice(e);
      area.focus();
      area.setSelectionRange(start, start + out.length);
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var link = el("div", { class: "lien-saisie", hidden: true });
    var url = el("input", { type: "url", id: newId("lien"), placeholder: "https://…" });
    link.appendChild(el("label", { for: url.id, text: "Adresse du lien" }));
    link.appendChild(url);
    link.appendChild(el("button", { type: "button", text: "Insérer le lien", onclick: function () {
      var address = url.value.trim();
      if (!/^(https?:\/\/|mailto:)/.test(address) && !/^[\w./-]+$/.test(address)) { url.setAttribute("aria-invalid", "true"); announce("Adresse à corriger : elle commence par https://"); return; }
      link.hidden = true;
      wrap("[", "](" + address + ")", "texte du lien");
    } }));
    var bar = el("div", { class: "outils", role: "toolbar", "aria-label": "Mise en forme de « " + label + " »" },
      el("button", { type: "button", text: "Gras", onclick: function () { wrap("**", "**", "texte en gras"); } }),
      el("button", { type: "button", text: "Italique", onclick: function () { wrap("*", "*", "texte en italique"); } }),
      el("button", { type: "button", text: "Intertitre", onclick: function () { lines("## "); } }),
      el("button", { type: "button", text: "Liste", onclick: function () { lines("- "); } }),
      el("button", { type: "button", text: "Lien", "aria-expanded": "false", onclick: function (ev) { link.hidden = !link.hidden; ev.target.setAttribute("aria-expanded", String(!link.hidden)); if (!link.hidden) { url.focus(); } } }));
    return el("div", null, bar, link);
  }

  function richText(label, name, value, help, rows) {
    var area = textArea(name, value, rows || 10);
    var f = field(label, area, help || "Mise en forme avec les boutons (ou en Markdown : **gras**, *italique*, ## intertitre, - liste). Le HTML n'est pas interprété.", true);
    f.insertBefore(toolbar(area, label), area);
    return f;
  }

  /** Boutons monter / descendre / retirer d'une ligne de liste. */
  function rowButtons(list, row, label, onchange) {
    function move(delta) {
      var rows = Array.prototype.slice.call(list.children);
      var i = rows.indexOf(row);
      var j = i + delta;
      if (j < 0 || j >= rows.length) { return; }
      if (delta < 0) { list.insertBefore(row, rows[j]); } else { list.insertBefore(rows[j], row); }
      onchange();
      announce(label() + " : position " + (j + 1) + " sur " + rows.length);
    }
    return el("div", { class: "ligne-outils" },
      el("button", { type: "button", text: "Monter", onclick: function () { move(-1); } }),
      el("button", { type: "button", text: "Descendre", onclick: function () { move(1); } }),
      el("button", { type: "button", class: "danger", text: "Retirer", onclick: function () { list.removeChild(row); onchange(); announce(label() + " retiré"); } }));
  }

  function renumber(list) {
    // The fields' names follow their row: problems are shown at the right place.
    Array.prototype.forEach.call(list.children, function (row, i) {
      row.querySelectorAll("[data-champ]").forEach(function (input) {
        input.setAttribute("data-champ", input.getAttribute("data-champ").replace(/\[\d+\]/, "[" + i + "]"));
      });
      var legend = row.querySelector("legend .numero");
      if (legend) { legend.textContent = String(i + 1); }
    });
  }

  function value(form, name) {
    var input = form.querySelector("[data-champ=\"" + name + "\"]");
    if (!input) { return ""; }
    if (input.type === "checkbox") { return input.checked; }
    if (input.type === "radio") {
      var checked = form.querySelector("[data-champ=\"" + name + "\"]:checked");
      return checked ? checked.value : "";
    }
    return input.value;
  }

  function rowValue(row, suffix) {
    var input = row.querySelector("[data-champ$=\"" + suffix + "\"]");
    return input ? input.value : "";
  }

  // ---------- qui peut lire ----------

  var AUDIENCES = [
    ["", "La classe", "Seulement les familles de la classe, avec le code de la classe. C'est le choix habituel."],
    ["familles", "Les familles de l'école", "Toutes les familles de l'école, chacune avec son code."],
    ["public", "Public", "Tout le monde, sur internet, sans code. Évitez les élèves reconnaissables ; une photo demande l'accord des familles."],
  ];

  function audienceField(name, current, onchange) {
    var legendId = newId("acces");
    var known = AUDIENCES.some(function (a) { return a[0] === current || (a[0] === "" && current === "classe"); });
    var choices = AUDIENCES.slice();
    if (!known && current) { choices.push([current, "Autre : " + current, "Accès écrit à la main dans le fichier ; gardé tel quel."]); }
    var group = el("fieldset", { class: "choix", "aria-describedby": legendId + "-regle" },
      el("legend", { id: legendId, text: "Qui peut lire ?" }),
      choices.map(function (a) {
        var id = newId("acces");
        var on = a[0] === current || (a[0] === "" && current === "classe");
        return el("div", { class: "option" },
          el("input", { type: "radio", id: id, name: name, "data-champ": name, value: a[0] || (current === "classe" ? "classe" : ""), checked: on, onchange: onchange, "aria-describedby": id + "-aide" }),
          el("label", { for: id, text: a[1] }),
          el("p", { class: "aide", id: id + "-aide", text: a[2] }));
      }),
      el("p", { class: "probleme", id: legendId + "-probleme", hidden: true }));
    group.appendChild(el("p", { class: "regle", id: legendId + "-regle", text: "La règle : une page de classe n'est lue que par les familles de la classe, sauf si vous choisissez autre chose ici ; les photos suivent la page qui les montre." }));
    return group;
  }

  // ---------- les formulaires ----------

  function postForm(doc, ctx) {
    var form = ctx.form;
    var photos = el("ol", { class: "photos", id: "photos" });
    var rights = el("div", { class: "droit-image" });
    function refresh() { renumber(photos); ctx.changed(); }
    function isPublic() { return value(form, "audience") === "public"; }
    function rightsVisibility() { rights.hidden = !isPublic(); }

    function photoRow(p) {
      var row = el("li", { class: "photo" });
      var name = el("span", { class: "nom-photo", text: p.file, "data-fichier": p.file });
      var thumb = p.preview ? el("img", { src: p.preview, alt: "", class: "vignette" }) : el("span", { class: "vignette sans", "aria-hidden": "true", text: "📷" });
      var alt = textInput("photos[0].alt", p.alt, { required: true, "aria-required": "true" });
      var caption = textInput("photos[0].caption", p.caption);
      var legend = el("legend", null, "Photo ", el("span", { class: "numero", text: "1" }), " : ", name);
      row.appendChild(el("fieldset", null, legend, thumb,
        field("Texte alternatif (obligatoire)", alt, "Ce que montre la photo, pour qui ne la voit pas : « Les élèves plantent des bulbes dans le potager ».", true),
        field("Légende (facultative)", caption, null, true),
        rowButtons(photos, row, function () { return "Photo " + p.file; }, refresh)));
      return row;
    }

    function upload(files) {
      if (!files || !files.length) { return; }
      // Copied now: the picker's list is emptied right after this call.
      var queue = Array.prototype.slice.call(files);
      ctx.ensurePath().then(function (ok) {
        if (!ok) { return; }
        var status = form.querySelector(".depot-etat");
        var refused = 0;
        var next = function () {
          var file = queue.shift();
          if (!file) { status.textContent = refused ? refused + " fichier(s) refusé(s), voir ci-dessous." : "Photos ajoutées. Écrivez leur texte alternatif, puis enregistrez."; return; }
          status.textContent = "Envoi de « " + file.name + " »…";
          api("POST", "photo?chemin=" + q(ctx.path) + "&nom=" + q(file.name), undefined, file).then(function (r) {
            if (r.status === 200) {
              var isShown = /^image\/(jpeg|png|webp)$/.test(file.type);
              photos.appendChild(photoRow({ file: r.data.link, alt: "", caption: "", preview: isShown ? URL.createObjectURL(file) : null }));
              refresh();
              announce("Photo ajoutée : " + r.data.link);
            } else {
              refused += 1;
              form.querySelector(".depot-erreurs").appendChild(errorBox(r.data));
            }
            next();
          });
        };
        form.querySelector(".depot-erreurs").textContent = "";
        next();
      });
    }

    var picker = el("input", { type: "file", id: "choisir-photos", multiple: true, accept: "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,.jpg,.jpeg,.png,.webp", onchange: function (ev) { upload(ev.target.files); ev.target.value = ""; } });
    var drop = el("div", { class: "depot" },
      el("p", { text: "Déposez ici les photos (plusieurs à la fois, HEIC de l'iPhone compris), ou " },
        el("label", { for: picker.id, class: "bouton", text: "choisissez-les" })),
      picker,
      el("p", { class: "aide", text: "Préau redresse les photos, retire leurs métadonnées (lieu GPS, téléphone, date) et les réduit : l'original n'est jamais publié." }),
      el("p", { class: "depot-etat", role: "status" }),
      el("div", { class: "depot-erreurs" }));
    drop.addEventListener("dragover", function (ev) { ev.preventDefault(); drop.classList.add("survol"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("survol"); });
    drop.addEventListener("drop", function (ev) { ev.preventDefault(); drop.classList.remove("survol"); upload(ev.dataTransfer.files); });

    var rightsBox = el("input", { type: "checkbox", id: newId("droit"), name: "image_rights", "data-champ": "image_rights", checked: doc.image_rights });
    rights.appendChild(el("div", { class: "option" }, rightsBox,
      el("label", { for: rightsBox.id, text: "Les familles ont autorisé la publication de ces photos sur le site public (droit à l'image), ou les photos ne montrent personne." })));
    rights.appendChild(el("p", { class: "aide", text: "Sur une page publique, tout le monde peut voir les photos, sans code. La loi demande l'accord écrit des familles pour ce projet et ce support ; sans cette case, Préau refuse de publier une photo sur une page publique." }));
    rights.appendChild(el("p", { class: "probleme", id: rightsBox.id + "-probleme", hidden: true }));

    var title = textInput("title", doc.title, { required: true, "aria-required": "true" });
    form.appendChild(field("Titre", title, null, true));
    form.appendChild(field("Date", dateInput("date", doc.date || today(), true), "Le jour de publication de l'article."));
    form.appendChild(audienceField("audience", doc.audience, function () { rightsVisibility(); ctx.changed(); }));
    form.appendChild(rights);
    form.appendChild(richText("Texte", "body", doc.body));
    form.appendChild(field("Résumé (facultatif)", textInput("summary", doc.summary), "La phrase montrée dans la liste des articles ; sinon, le premier paragraphe.", true));
    form.appendChild(field("Auteur (facultatif)", textInput("author", doc.author), "Le nom affiché sous le titre.", true));
    var gallery = newId("galerie");
    form.appendChild(el("section", { class: "galerie", "aria-labelledby": gallery },
      el("h2", { id: gallery, text: "Photos (galerie)" }), drop, photos));
    var draftBox = el("input", { type: "checkbox", id: newId("brouillon"), name: "draft", "data-champ": "draft", checked: doc.draft });
    form.appendChild(el("div", { class: "option" }, draftBox, el("label", { for: draftBox.id, text: "Brouillon : ne pas encore publier" })));
    (doc.photos || []).forEach(function (p) { photos.appendChild(photoRow(p)); });
    renumber(photos);
    rightsVisibility();
    ctx.focusTarget = title;
    ctx.upload = upload;

    return function collect() {
      return {
        kind: "post",
        title: value(form, "title").trim(),
        date: value(form, "date"),
        audience: value(form, "audience"),
        summary: value(form, "summary"),
        author: value(form, "author"),
        body: value(form, "body"),
        photos: Array.prototype.map.call(photos.children, function (row) {
          return { file: row.querySelector(".nom-photo").getAttribute("data-fichier"), alt: rowValue(row, ".alt"), caption: rowValue(row, ".caption") };
        }),
        image_rights: !!value(form, "image_rights"),
        draft: !!value(form, "draft"),
      };
    };
  }

  function cahierForm(doc, ctx) {
    var form = ctx.form;
    var sessions = el("ol", { class: "seances" });
    var homework = el("ol", { class: "devoirs" });
    var dayInput = dateInput("date", doc.date || nextSchoolDayFrom(today(), true), true);
    if (ctx.exists) { dayInput.readOnly = true; }
    function refresh() { renumber(sessions); renumber(homework); checkDates(); ctx.changed(); }

    function nextSchoolDayFrom(iso, includeToday) {
      if (includeToday && isSchoolDay(iso)) { return iso; }
      return nextSchoolDay(iso);
    }

    function sessionRow(s) {
      var row = el("li", { class: "seance" });
      row.appendChild(el("fieldset", null,
        el("legend", null, "Séance ", el("span", { class: "numero", text: "1" })),
        field("Matière", subjectSelect("sessions[0].subject", s.subject)),
        richText("Ce qui a été fait", "sessions[0].text", s.text, "Ce qui a été fait en classe dans cette matière.", 4),
        rowButtons(sessions, row, function () { return "Séance"; }, refresh)));
      return row;
    }

    function homeworkRow(h) {
      var row = el("li", { class: "devoir" });
      row.appendChild(el("fieldset", null,
        el("legend", null, "Devoir ", el("span", { class: "numero", text: "1" })),
        el("div", { class: "rangee" },
          field("Pour le", dateInput("homework[0].due", h.due, true), "Un jour de classe après ce jour-ci."),
          field("Matière", subjectSelect("homework[0].subject", h.subject)),
          field("Travail", textInput("homework[0].work", h.work, { required: true, "aria-required": "true" }), null, true)),
        rowButtons(homework, row, function () { return "Devoir"; }, refresh)));
      return row;
    }

    function setProblem(input, text) {
      var box = document.getElementById(input.id + "-probleme");
      if (!box) { return; }
      if (text) { box.textContent = text; box.hidden = false; input.setAttribute("aria-invalid", "true"); } else if (box.getAttribute("data-local") === "1" || box.hidden) { box.textContent = ""; box.hidden = true; input.removeAttribute("aria-invalid"); }
      box.setAttribute("data-local", text ? "1" : "0");
    }

    /** Les dates vues tout de suite, comme « preau check » les verra. */
    function checkDates() {
      var day = dayInput.value;
      if (!day) { setProblem(dayInput, "choisissez le jour"); } else if (!isSchoolDay(day)) { setProblem(dayInput, "le " + frenchDate(day) + " n'est pas un jour de classe de l'école (jours de classe : " + schoolDayNames() + ")"); } else { setProblem(dayInput, ""); }
      homework.querySelectorAll("input[type=date]").forEach(function (due) {
        var v = due.value;
        if (!v) { setProblem(due, "la date « pour » manque"); } else if (day && v <= day) { setProblem(due, "le travail est à faire pour le " + frenchDate(v) + ", qui n'est pas après le jour de la séance (" + frenchDate(day) + ")"); } else if (!isSchoolDay(v)) { setProblem(due, "le " + frenchDate(v) + " n'est pas un jour de classe de l'école (jours de classe : " + schoolDayNames() + ")"); } else { setProblem(due, ""); }
      });
    }

    form.appendChild(field("Jour", dayInput, ctx.exists ? "Le jour donne son nom au fichier : pour un autre jour, créez un nouveau jour de cahier." : "Un jour de classe de l'école (" + schoolDayNames() + ")."));
    var sid = newId("seances");
    form.appendChild(el("section", { "aria-labelledby": sid },
      el("h2", { id: sid, text: "Séances" }), sessions,
      el("button", { type: "button", class: "bouton", text: "Ajouter une séance", onclick: function () { sessions.appendChild(sessionRow({ subject: "", text: "" })); refresh(); sessions.lastChild.querySelector("select").focus(); } })));
    var hid = newId("devoirs");
    form.appendChild(el("section", { "aria-labelledby": hid },
      el("h2", { id: hid, text: "Devoirs (à faire)" }), homework,
      el("button", { type: "button", class: "bouton", id: "ajouter-devoir", text: "Ajouter un devoir", onclick: function () { homework.appendChild(homeworkRow({ due: nextSchoolDay(dayInput.value), subject: "", work: "" })); refresh(); homework.lastChild.querySelector("input[type=date]").focus(); } })));
    var draftBox = el("input", { type: "checkbox", id: newId("brouillon"), name: "draft", "data-champ": "draft", checked: doc.draft });
    form.appendChild(el("div", { class: "option" }, draftBox, el("label", { for: draftBox.id, text: "Brouillon : ne pas encore publier" })));
    (doc.sessions && doc.sessions.length ? doc.sessions : [{ subject: "", text: "" }]).forEach(function (s) { sessions.appendChild(sessionRow(s)); });
    (doc.homework || []).forEach(function (h) { homework.appendChild(homeworkRow(h)); });
    renumber(sessions); renumber(homework);
    form.addEventListener("input", checkDates);
    form.addEventListener("change", checkDates);
    checkDates();
    ctx.focusTarget = dayInput;
    ctx.dayPath = function () { return dayInput.value; };

    return function collect() {
      return {
        kind: "cahier_day",
        date: dayInput.value,
        intro: doc.intro || "",
        sessions: Array.prototype.map.call(sessions.children, function (row) { return { subject: rowValue(row, ".subject"), text: rowValue(row, ".text") }; }),
        homework: Array.prototype.map.call(homework.children, function (row) { return { due: rowValue(row, ".due"), subject: rowValue(row, ".subject"), work: rowValue(row, ".work") }; }),
        audience: doc.audience || "",
        draft: !!value(form, "draft"),
      };
    };
  }

  function resourcesForm(doc, ctx) {
    var form = ctx.form;
    var sections = el("ol", { class: "sections" });
    function refresh() {
      Array.prototype.forEach.call(sections.children, function (row, i) {
        row.querySelectorAll("[data-champ]").forEach(function (input) {
          input.setAttribute("data-champ", input.getAttribute("data-champ").replace(/^sections\[\d+\]/, "sections[" + i + "]"));
        });
        row.querySelector("legend .numero").textContent = String(i + 1);
        var entries = row.querySelector(".liens");
        Array.prototype.forEach.call(entries.children, function (e, j) {
          e.querySelectorAll("[data-champ]").forEach(function (input) {
            input.setAttribute("data-champ", input.getAttribute("data-champ").replace(/entries\[\d+\]/, "entries[" + j + "]"));
          });
        });
      });
      ctx.changed();
    }
    function entryRow(list, e) {
      var row = el("li", { class: "lien" });
      row.appendChild(el("div", { class: "rangee" },
        field("Titre du lien", textInput("sections[0].entries[0].title", e.title, { required: true, "aria-required": "true" })),
        field("Adresse ou document", textInput("sections[0].entries[0].url", e.url, { required: true, "aria-required": "true" }), "https://… ou un document de la classe (ressources/fiche.pdf)"),
        field("Description (facultative)", textInput("sections[0].entries[0].description", e.description), null, true)));
      row.appendChild(rowButtons(list, row, function () { return "Lien"; }, refresh));
      return row;
    }
    function sectionRow(s) {
      var row = el("li", { class: "section" });
      var entries = el("ol", { class: "liens" });
      var fileInput = el("input", { type: "file", id: newId("document"), accept: ".pdf,.odt,.ods,.odp,.odg,.docx,.xlsx,.pptx,.txt", onchange: function (ev) {
        var file = ev.target.files[0];
        ev.target.value = "";
        if (!file) { return; }
        ctx.ensurePath().then(function (ok) {
          if (!ok) { return; }
          api("POST", "document?chemin=" + q(ctx.path) + "&nom=" + q(file.name), undefined, file).then(function (r) {
            var errors = row.querySelector(".depot-erreurs");
            errors.textContent = "";
            if (r.status === 200) {
              entries.appendChild(entryRow(entries, { title: file.name.replace(/\.[^.]+$/, ""), url: r.data.link, description: "" }));
              refresh();
              announce("Document ajouté : " + r.data.link);
            } else { errors.appendChild(errorBox(r.data)); }
          });
        });
      } });
      row.appendChild(el("fieldset", null,
        el("legend", null, "Rubrique ", el("span", { class: "numero", text: "1" })),
        field("Intitulé de la rubrique", textInput("sections[0].heading", s.heading, { required: true, "aria-required": "true" }), null, true),
        entries,
        el("div", { class: "ligne-outils" },
          el("button", { type: "button", class: "bouton", text: "Ajouter un lien", onclick: function () { entries.appendChild(entryRow(entries, { title: "", url: "", description: "" })); refresh(); entries.lastChild.querySelector("input").focus(); } }),
          el("label", { for: fileInput.id, class: "bouton", text: "Ajouter un document (PDF…)" }), fileInput),
        el("div", { class: "depot-erreurs" }),
        rowButtons(sections, row, function () { return "Rubrique"; }, refresh)));
      row.setAttribute("data-notes", s.notes || "");
      (s.entries || []).forEach(function (e) { entries.appendChild(entryRow(entries, e)); });
      return row;
    }
    var title = textInput("title", doc.title, { placeholder: "Ressources" });
    form.appendChild(field("Titre de la page", title, "Laissé vide : « Ressources ».", true));
    form.appendChild(field("Présentation (facultative)", textArea("intro", doc.intro, 3), null, true));
    var sid = newId("rubriques");
    form.appendChild(el("section", { "aria-labelledby": sid },
      el("h2", { id: sid, text: "Rubriques et liens" }), sections,
      el("button", { type: "button", class: "bouton", text: "Ajouter une rubrique", onclick: function () { sections.appendChild(sectionRow({ heading: "", entries: [{ title: "", url: "", description: "" }] })); refresh(); sections.lastChild.querySelector("input").focus(); } })));
    var keep = el("input", { type: "checkbox", id: newId("garder"), name: "keep", "data-champ": "keep", checked: doc.keep });
    form.appendChild(el("div", { class: "option" }, keep, el("label", { for: keep.id, text: "Garder cette liste pour la classe de l'an prochain (rentrée)" })));
    (doc.sections || []).forEach(function (s) { sections.appendChild(sectionRow(s)); });
    if (ctx.addOne) { sections.appendChild(sectionRow({ heading: "", entries: [{ title: "", url: "", description: "" }] })); }
    refresh();
    ctx.focusTarget = ctx.addOne ? sections.lastChild.querySelector("input") : title;

    return function collect() {
      return {
        kind: "resources",
        title: value(form, "title"),
        keep: !!value(form, "keep"),
        audience: doc.audience || "",
        draft: !!doc.draft,
        intro: value(form, "intro"),
        sections: Array.prototype.map.call(sections.children, function (row) {
          return {
            heading: rowValue(row, ".heading"),
            notes: row.getAttribute("data-notes") || "",
            entries: Array.prototype.map.call(row.querySelector(".liens").children, function (e) {
              return { title: rowValue(e, ".title"), url: rowValue(e, ".url"), description: rowValue(e, ".description") };
            }),
          };
        }),
      };
    };
  }

  function agendaForm(doc, ctx) {
    var form = ctx.form;
    var events = el("ol", { class: "evenements" });
    function refresh() { renumber(events); ctx.changed(); }
    function eventRow(e) {
      var row = el("li", { class: "evenement" });
      row.appendChild(el("fieldset", null,
        el("legend", null, "Événement ", el("span", { class: "numero", text: "1" })),
        field("Titre", textInput("entries[0].title", e.title, { required: true, "aria-required": "true" }), null, true),
        el("div", { class: "rangee" },
          field("Date", dateInput("entries[0].date", e.date, true)),
          field("Jusqu'au (facultatif)", dateInput("entries[0].end", e.end)),
          field("Heure (facultative)", el("input", { type: "time", name: "entries[0].time", "data-champ": "entries[0].time", value: e.time || "" })),
          field("Heure de fin (facultative)", el("input", { type: "time", name: "entries[0].end_time", "data-champ": "entries[0].end_time", value: e.end_time || "" }))),
        field("Lieu (facultatif)", textInput("entries[0].place", e.place), null, true),
        field("Description (facultative)", textArea("entries[0].description", e.description, 2), null, true),
        rowButtons(events, row, function () { return "Événement"; }, refresh)));
      row.setAttribute("data-acces", e.audience || "");
      return row;
    }
    var eid = newId("evenements");
    form.appendChild(el("section", { "aria-labelledby": eid },
      el("h2", { id: eid, text: "Événements" }), events,
      el("button", { type: "button", class: "bouton", text: "Ajouter un événement", onclick: function () { events.appendChild(eventRow({ date: today() })); refresh(); events.lastChild.querySelector("input").focus(); } })));
    (doc.entries || []).forEach(function (e) { events.appendChild(eventRow(e)); });
    if (ctx.addOne) { events.appendChild(eventRow({ date: today() })); }
    renumber(events);
    ctx.focusTarget = events.lastChild ? events.lastChild.querySelector("input") : null;
    return function collect() {
      return {
        kind: "agenda",
        entries: Array.prototype.map.call(events.children, function (row) {
          return { title: rowValue(row, ".title"), date: rowValue(row, ".date"), end: rowValue(row, ".end"), time: rowValue(row, ".time"), end_time: rowValue(row, ".end_time"), place: rowValue(row, ".place"), description: rowValue(row, ".description"), audience: row.getAttribute("data-acces") || "" };
        }),
      };
    };
  }

  var BUILDERS = { post: postForm, cahier_day: cahierForm, resources: resourcesForm, agenda: agendaForm };
  var NAMES = { post: ["Nouvel article", "Article"], cahier_day: ["Nouveau jour de cahier", "Cahier de textes"], resources: ["Ressources", "Ressources"], agenda: ["Agenda", "Agenda"] };

  // ---------- l'écran d'édition ----------

  /** Ouvre un fichier (ou un nouveau) dans son formulaire. */
  function editor(opened) {
    // opened: { path|null, version|null, document, changed, preview, class_id, class_name, kind }
    var doc = opened.document;
    var kind = doc.kind;
    state.subjects = opened.subjects || null;
    var ctx = {
      form: el("form", { class: "formulaire", novalidate: true }),
      path: opened.path,
      version: opened.version,
      exists: !!opened.version,
      addOne: !!opened.add_one,
      changed: function () { saveDraft(); },
    };
    var draftKey = function () { return "preau-atelier-brouillon:" + (ctx.path || ("nouveau:" + kind + ":" + opened.class_id)); };
    var summary = el("div", { class: "problemes", id: "problemes", tabindex: "-1", hidden: true });
    var conflict = el("div", { class: "conflit", id: "conflit", hidden: true });
    var draftBanner = el("div", { class: "brouillon-local", hidden: true });
    var status = el("p", { class: "etat", role: "status" });
    var changedNote = el("p", { class: "modifie", text: changedLine(opened.changed) || "" });
    var frame = el("iframe", { title: "Aperçu : la page telle que les familles la verront", class: "apercu-cadre" });
    var frameNote = el("p", { class: "aide" });
    function showPreview(url) {
      if (url) { frame.hidden = false; frameNote.textContent = "L'aperçu se met à jour à chaque enregistrement."; if (frame.getAttribute("src") !== url) { frame.src = url; } } else { frame.hidden = true; frameNote.textContent = "L'aperçu apparaîtra ici après le premier enregistrement."; }
    }
    var collect = BUILDERS[kind](doc, ctx);

    var timer = null;
    function saveDraft() {
      state.dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try { localStorage.setItem(draftKey(), JSON.stringify({ document: collect(), version: ctx.version, at: new Date().toISOString() })); } catch (e) { /* stockage plein ou interdit */ }
      }, 250);
    }
    ctx.form.addEventListener("input", saveDraft);
    ctx.form.addEventListener("change", saveDraft);

    /** Le chemin du fichier, demandé à l'atelier avant le premier envoi de photo. */
    ctx.ensurePath = function () {
      if (ctx.path) { return Promise.resolve(true); }
      var d = collect();
      if (kind === "post" && !d.title) { showProblems([{ field: "title", message: "donnez d'abord un titre à l'article : ses photos sont rangées dans un dossier à son nom" }]); return Promise.resolve(false); }
      return api("POST", "nouveau", { class_id: opened.class_id, document: d }).then(function (r) {
        if (r.status !== 200) { showProblems(r.data && r.data.problems ? r.data.problems : [], r.data); return false; }
        var old = draftKey();
        ctx.path = r.data.path;
        try { localStorage.removeItem(old); } catch (e) { /* idem */ }
        saveDraft();
        history.replaceState(null, "", "#/fichier/" + q(ctx.path));
        return true;
      });
    };

    function clearProblems() {
      summary.hidden = true;
      summary.textContent = "";
      ctx.form.querySelectorAll(".probleme").forEach(function (p) { if (p.getAttribute("data-local") !== "1") { p.hidden = true; p.textContent = ""; } });
      ctx.form.querySelectorAll("[aria-invalid]").forEach(function (i) { var p = document.getElementById(i.id + "-probleme"); if (!p || p.hidden) { i.removeAttribute("aria-invalid"); } });
    }

    /** Les problèmes de « preau check », chacun à son champ, et leur liste en haut. */
    function showProblems(problems, error, title) {
      clearProblems();
      var list = el("ul");
      (problems || []).forEach(function (p) {
        var input = p.field ? ctx.form.querySelector("[data-champ=\"" + p.field.replace(/"/g, "") + "\"]") : null;
        var item = el("li");
        if (input) {
          var box = document.getElementById(input.id + "-probleme") || (input.closest("fieldset") && input.closest("fieldset").querySelector(".probleme"));
          if (box) { box.textContent = p.message; box.hidden = false; box.setAttribute("data-local", "0"); }
          input.setAttribute("aria-invalid", "true");
          var desc = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
          if (box && desc.indexOf(box.id) < 0) { desc.push(box.id); input.setAttribute("aria-describedby", desc.join(" ")); }
          item.appendChild(el("a", { href: "#" + input.id, text: p.message, onclick: function (ev) { ev.preventDefault(); input.focus(); } }));
        } else {
          item.textContent = p.message;
        }
        if (p.hint) { item.appendChild(el("span", { class: "conseil", text: " conseil : " + p.hint })); }
        list.appendChild(item);
      });
      var head = el("h2", { text: title || (problems && problems.length ? (problems.length > 1 ? problems.length + " problèmes à corriger avant d'enregistrer" : "Un problème à corriger avant d'enregistrer") : "Enregistrement impossible") });
      summary.appendChild(head);
      if (error && error.error) { summary.appendChild(el("p", { text: error.error })); if (error.hint) { summary.appendChild(el("p", { class: "conseil", text: "conseil : " + error.hint })); } }
      if (list.children.length) { summary.appendChild(list); }
      summary.hidden = false;
      summary.focus();
    }

    function save(force) {
      var d = collect();
      status.textContent = "Enregistrement…";
      var started = Date.now();
      var send = function () {
        var author = document.getElementById("auteur").value.trim();
        return api("PUT", "fichier?chemin=" + q(ctx.path), { version: force ? force : ctx.version, document: d, author: author });
      };
      var go = ctx.path ? send() : api("POST", "nouveau", { class_id: opened.class_id, document: d }).then(function (r) {
        if (r.status !== 200) { return r; }
        try { localStorage.removeItem(draftKey()); } catch (e) { /* idem */ }
        ctx.path = r.data.path;
        history.replaceState(null, "", "#/fichier/" + q(ctx.path));
        return send();
      });
      return go.then(function (r) {
        if (r.status === 200) {
          clearProblems();
          conflict.hidden = true;
          ctx.version = r.data.version;
          ctx.exists = true;
          state.dirty = false;
          try { localStorage.removeItem(draftKey()); } catch (e) { /* idem */ }
          changedNote.textContent = changedLine(r.data.changed) || "";
          status.textContent = "Enregistré (" + (Date.now() - started) + " ms). L'aperçu se met à jour.";
          document.body.setAttribute("data-enregistre", String(Date.now()));
          showPreview(r.data.preview);
          if (r.data.problems && r.data.problems.length) { showProblems(r.data.problems, null, "Enregistré — à vérifier"); }
          announce("Enregistré");
        } else if (r.status === 409) {
          status.textContent = "";
          showConflict(r.data, d);
        } else {
          status.textContent = "";
          showProblems(r.data && r.data.problems, r.data);
        }
      });
    }

    function showConflict(data, mine) {
      conflict.textContent = "";
      var disk = data.on_disk || {};
      conflict.appendChild(el("h2", { text: "Le fichier a changé depuis que vous l'avez ouvert" }));
      var said = data.error || "le fichier a été modifié entre-temps : rien n'a été enregistré";
      conflict.appendChild(el("p", { text: said.charAt(0).toUpperCase() + said.slice(1) + ". Comparez les deux versions et choisissez : votre texte reste gardé dans ce navigateur." }));
      if (data.hint) { conflict.appendChild(el("p", { class: "conseil", text: "conseil : " + data.hint })); }
      conflict.appendChild(el("div", { class: "deux-versions" },
        el("section", { "aria-label": "Version sur le disque" }, el("h3", { text: "Sur le disque" }), el("p", { class: "modifie", text: changedLine(disk.changed) || "" }), el("pre", { tabindex: "0", text: disk.text || "" })),
        el("section", { "aria-label": "Votre version" }, el("h3", { text: "Votre version" }), el("pre", { tabindex: "0", text: (data.yours && data.yours.text) || JSON.stringify(mine, null, 2) }))));
      conflict.appendChild(el("div", { class: "actions" },
        el("button", { type: "button", class: "bouton principal", text: "Garder ma version (remplacer celle du disque)", onclick: function () { save(disk.version); } }),
        el("button", { type: "button", class: "bouton", text: "Reprendre la version du disque", onclick: function () {
          try { localStorage.setItem(draftKey() + ":ecartee", JSON.stringify({ document: mine, at: new Date().toISOString() })); } catch (e) { /* idem */ }
          state.dirty = false;
          try { localStorage.removeItem(draftKey()); } catch (e) { /* idem */ }
          route();
        } })));
      conflict.hidden = false;
      conflict.querySelector("h2").setAttribute("tabindex", "-1");
      conflict.querySelector("h2").focus();
    }

    ctx.form.addEventListener("submit", function (ev) { ev.preventDefault(); save(null); });
    var actions = el("div", { class: "actions" },
      el("button", { type: "submit", class: "bouton principal", id: "enregistrer", text: "Enregistrer" }),
      ctx.exists ? el("button", { type: "button", class: "bouton danger", id: "supprimer", text: "Mettre à la corbeille", onclick: function () {
        if (!window.confirm("Mettre ce fichier à la corbeille ? Vous pourrez le restaurer depuis la corbeille.")) { return; }
        api("DELETE", "fichier?chemin=" + q(ctx.path) + "&version=" + q(ctx.version || "")).then(function (r) {
          if (r.status === 200) { state.dirty = false; announce("Mis à la corbeille"); location.hash = "#/classe/" + q(opened.class_id); } else { showProblems([], r.data); }
        });
      } }) : null,
      status);
    ctx.form.appendChild(actions);

    // A draft kept in this browser, not saved yet: offered back.
    try {
      var kept = JSON.parse(localStorage.getItem(draftKey()) || "null");
      if (kept && kept.document && JSON.stringify(kept.document) !== JSON.stringify(collect())) {
        draftBanner.appendChild(el("p", { text: "Un texte tapé le " + frenchDate((kept.at || "").slice(0, 10)) + " n'a pas été enregistré (onglet fermé ?). Il est gardé dans ce navigateur." }));
        draftBanner.appendChild(el("div", { class: "actions" },
          el("button", { type: "button", class: "bouton principal", id: "reprendre-brouillon", text: "Reprendre ce texte", onclick: function () {
            opened.document = kept.document;
            state.resume = opened;
            route();
          } }),
          el("button", { type: "button", class: "bouton", text: "L'abandonner", onclick: function () { localStorage.removeItem(draftKey()); draftBanner.hidden = true; } })));
        draftBanner.hidden = false;
      }
    } catch (e) { /* pas de stockage */ }

    var title = opened.version ? NAMES[kind][1] + (doc.title ? " : " + doc.title : (doc.date ? " du " + frenchDate(doc.date) : "")) : NAMES[kind][0];
    var previewId = newId("apercu");
    show(title, [["Classes", "#/"], [opened.class_name || opened.class_id || "École", "#/classe/" + q(opened.class_id || "")], [title, ""]], [
      changedNote,
      draftBanner,
      conflict,
      el("div", { class: "edition" },
        el("div", { class: "colonne-formulaire" }, summary, ctx.form),
        el("aside", { class: "colonne-apercu", "aria-labelledby": previewId }, el("h2", { id: previewId, text: "Aperçu" }), frameNote, frame)),
    ]);
    showPreview(opened.preview);
    if (opened.problems && opened.problems.length) { showProblems(opened.problems, null, "Ce que « preau check » dit de ce fichier"); }
    if (opened.resumed) { state.dirty = true; saveDraft(); }
    if (ctx.focusTarget && !opened.version) { ctx.focusTarget.focus(); }
  }

  function openFile(path) {
    if (state.resume && state.resume.path === path) { var r0 = state.resume; state.resume = null; r0.resumed = true; editor(r0); return; }
    api("GET", "fichier?chemin=" + q(path)).then(function (r) {
      if (r.status !== 200) { show("Fichier introuvable", [["Classes", "#/"], [path, ""]], [errorBox(r.data)]); return; }
      editor(r.data);
    });
  }

  function newFile(kind, classId) {
    if (state.resume && !state.resume.path && state.resume.document.kind === kind) { var r0 = state.resume; state.resume = null; r0.resumed = true; editor(r0); return; }
    api("GET", "modele?classe=" + q(classId) + "&kind=" + q(kind)).then(function (r) {
      if (r.status !== 200) { show(NAMES[kind] ? NAMES[kind][0] : kind, [["Classes", "#/"], [kind, ""]], [errorBox(r.data)]); return; }
      editor(r.data);
    });
  }

  // ---------- routes ----------

  function route() {
    var hash = location.hash || "#/";
    var parts = hash.slice(2).split("/").map(function (p) { try { return decodeURIComponent(p); } catch (e) { return p; } });
    if (parts[0] === "classe" && parts[1]) { classView(parts[1]); } else if (parts[0] === "fichier" && parts[1]) { openFile(parts.slice(1).join("/")); } else if (parts[0] === "nouveau" && parts[2]) { newFile(parts[1], parts[2]); } else if (parts[0] === "corbeille") { trashView(); } else { home(); }
  }

  window.addEventListener("beforeunload", function (ev) {
    // Le brouillon est gardé de toute façon ; on prévient quand même.
    if (state.dirty) { ev.preventDefault(); ev.returnValue = ""; }
  });

  function start() {
    var author = document.getElementById("auteur");
    api("GET", "ecole").then(function (r) {
      if (r.status !== 200) { main.textContent = ""; main.appendChild(el("h1", { id: "titre-ecran", text: "L'atelier ne peut pas s'ouvrir" })); main.appendChild(errorBox(r.data)); return; }
      state.school = r.data;
      document.getElementById("ecole-nom").textContent = "— " + r.data.name;
      var saved = null;
      try { saved = localStorage.getItem("preau-atelier-auteur"); } catch (e) { /* idem */ }
      author.value = saved || r.data.default_author || "";
      author.addEventListener("change", function () { try { localStorage.setItem("preau-atelier-auteur", author.value.trim()); } catch (e) { /* idem */ } });
      window.addEventListener("hashchange", function () { state.dirty = false; route(); });
      route();
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
