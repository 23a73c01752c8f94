// The atelier as a teacher uses it, in headless Chromium: opened by the
// address `preau serve` prints (with its secret), a class post written with
// two photos (an iPhone HEIC and a JPEG turned by its EXIF), their alt texts
// and a caption; a cahier day with two homework rows; the resource list
// edited; a text typed then the tab closed, found again. Or, with --axe,
// the same plus a photo dropped on the frame (drag and drop), and
// axe-core on every screen at 1280×800 and 768×1024; or, with --bench N,
// "Enregistrer" → the preview beside the form shows the change (median).
//
// node tests/browser/atelier.mjs --atelier URL --school DIR --heic FILE --jpeg FILE [--axe] [--bench N]
// Exit 0 when every expectation holds, 1 otherwise, 3 on timeout.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { launch } from "./lib.mjs";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = {};
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, "");
  if (k === "axe") { opt.axe = true; } else { opt[k] = args[++i]; }
}
const timer = setTimeout(() => { console.error("atelier: timeout"); process.exit(3); }, Number(opt.timeout || 240) * 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const failures = [];
const result = {};
const origin = new URL(opt.atelier).origin;

const { browser, cleanup } = await launch();
let page;

/** Sets a date (or time) field as the browser's picker does. */
async function setValue(selector, value) {
  await page.$eval(selector, (e, v) => {
    e.value = v;
    e.dispatchEvent(new Event("input", { bubbles: true }));
    e.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

async function typeInto(selector, text) {
  await page.waitForSelector(selector, { timeout: 10000 });
  await page.click(selector, { clickCount: 3 });
  await page.keyboard.press("Backspace");
  await page.type(selector, text);
}

async function clickText(selector, text) {
  const handles = await page.$$(selector);
  for (const h of handles) {
    const t = await h.evaluate((e) => e.textContent.trim());
    if (t === text) { await h.click(); return; }
  }
  throw new Error(`no ${selector} « ${text} »`);
}

async function saved() {
  await page.waitForFunction(() => {
    const s = document.querySelector(".etat");
    const p = document.getElementById("problemes");
    return (s && /Enregistré/.test(s.textContent)) || (p && !p.hidden) || !document.getElementById("conflit").hidden;
  }, { timeout: 20000 });
  const problems = await page.$eval("#problemes", (p) => (p.hidden ? "" : p.innerText));
  if (problems && !/Enregistré/.test(problems)) { throw new Error(`the save was refused: ${problems}`); }
}

/** The preview frame beside the form, once it shows `text`. */
async function previewShows(text, bound) {
  const start = Date.now();
  while (Date.now() - start < bound) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) { continue; }
      try {
        const body = await frame.evaluate(() => (document.body ? document.body.innerText : ""));
        if (body.includes(text)) { return Date.now() - start; }
      } catch (e) { /* reloading */ }
    }
    await sleep(5);
  }
  throw new Error(`the preview beside the form did not show « ${text} » within ${bound} ms`);
}

// ---------- axe ----------
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const VIEWPORTS = [[1280, 800], [768, 1024]];
let audited = 0;
async function audit(label) {
  if (!opt.axe) { return; }
  for (const [width, height] of VIEWPORTS) {
    await page.setViewport({ width, height });
    await sleep(150);
    for (const frame of page.frames()) {
      try { await frame.evaluate(AXE); } catch (e) { /* a frame that is reloading */ }
    }
    const found = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
      return r.violations.map((v) => `[${v.impact}] ${v.id} — ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} → ${n.html.slice(0, 160)}`).join("\n    ")}`);
    });
    audited += 1;
    if (found.length) { failures.push(`axe ${label} at ${width}×${height}:\n  ${found.join("\n  ")}`); } else { console.log(`ok axe ${label} ${width}×${height}`); }
  }
  await page.setViewport({ width: 1280, height: 800 });
}

try {
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  if (opt.axe) { await page.setBypassCSP(true); }
  const errors = [];
  const csp = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) { csp.push(m.text()); } });
  page.on("dialog", (d) => d.accept());
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (!["data:", "blob:"].includes(u.protocol) && u.origin !== origin) { failures.push(`request outside the atelier: ${req.url()}`); }
  });

  // Opened by the address the command printed: the secret becomes a cookie
  // and leaves the address bar.
  await page.goto(opt.atelier, { waitUntil: "load" });
  await page.waitForSelector(".cartes a", { timeout: 15000 });
  if (page.url().includes("jeton")) { failures.push(`the secret stays in the address bar: ${page.url()}`); }
  const cookieSeen = await page.evaluate(() => document.cookie);
  if (cookieSeen.includes("preau_atelier")) { failures.push("the session cookie is readable by scripts"); }
  await audit("classes");

  if (opt.bench) {
    // ---------- benchmark: Enregistrer → the preview shows it ----------
    await page.goto(`${origin}/__atelier/#/fichier/${encodeURIComponent(opt.file)}`, { waitUntil: "load" });
    await page.waitForSelector("[data-champ='title']", { timeout: 15000 });
    await page.waitForSelector("iframe.apercu-cadre:not([hidden])");
    const original = await page.$eval("[data-champ='title']", (e) => e.value);
    await previewShows("", 20000); // the frame is there
    await sleep(1000);
    const times = [];
    for (let i = 0; i < Number(opt.bench); i++) {
      // A word of its own: French typography changes the punctuation.
      const word = `mesure${i}x${Date.now() % 100000}`;
      await typeInto("[data-champ='title']", `${original} ${word}`);
      const t0 = Date.now();
      await page.click("#enregistrer");
      await previewShows(word, 20000);
      times.push(Date.now() - t0);
      await sleep(400);
    }
    times.sort((a, b) => a - b);
    result.saves = times.length;
    result.times_ms = times;
    result.median_ms = times[Math.floor((times.length - 1) / 2)];
  } else {
    // ---------- a class post with two photos ----------
    await page.click(".cartes a");
    await page.waitForSelector("a.bouton[href^='#/nouveau/post/']", { timeout: 10000 });
    await audit("classe");
    await page.click("a.bouton[href^='#/nouveau/post/']");
    await page.waitForSelector("[data-champ='title']");
    await typeInto("[data-champ='title']", opt.title || "Le potager d'automne");
    await setValue("[data-champ='date']", "2026-11-24");
    await page.click("[data-champ='body']");
    await page.type("[data-champ='body']", "Nous avons planté des bulbes de tulipes.");
    // Bold through the toolbar: select « bulbes » and press « Gras ».
    await page.$eval("[data-champ='body']", (e) => { const i = e.value.indexOf("bulbes"); e.setSelectionRange(i, i + 6); });
    await clickText(".outils button", "Gras");
    const picker = await page.$("#choisir-photos");
    await picker.uploadFile(opt.heic, opt.jpeg);
    await page.waitForFunction(() => document.querySelectorAll("li.photo").length === 2, { timeout: 30000 });
    const names = await page.$$eval("li.photo .nom-photo", (n) => n.map((x) => x.textContent));
    result.photos = names;
    // Saved without alt texts: check's words, at the fields.
    await page.click("#enregistrer");
    await page.waitForFunction(() => !document.getElementById("problemes").hidden, { timeout: 15000 });
    const atField = await page.$$eval(".photo .probleme:not([hidden])", (n) => n.map((x) => x.textContent));
    result.problems_at_fields = atField;
    if (atField.length < 2) { failures.push(`expected a problem at each photo's alt text, saw: ${JSON.stringify(atField)}`); }
    await audit("article (problèmes)");
    await page.type("li.photo:nth-child(1) [data-champ$='.alt']", "Des bulbes posés sur la terre du potager");
    await page.type("li.photo:nth-child(1) [data-champ$='.caption']", "Les bulbes avant la plantation");
    await page.type("li.photo:nth-child(2) [data-champ$='.alt']", "Deux élèves arrosent les plantations");
    // Gallery order: the JPEG first.
    await clickText("li.photo:nth-child(2) .ligne-outils button", "Monter");
    await page.click("#enregistrer");
    await saved();
    result.post_path = await page.evaluate(() => decodeURIComponent(location.hash.replace("#/fichier/", "")));
    await previewShows(opt.title || "Le potager d'automne", 15000);
    await audit("article");

    // ---------- a cahier day, with the tab closed while typing ----------
    // Same document, another hash: wait for the cahier's own form.
    await page.goto(`${origin}/__atelier/#/nouveau/cahier_day/cm1`, { waitUntil: "load" });
    await page.waitForSelector(".seance [data-champ='sessions[0].subject']");
    await setValue("[data-champ='date']", "2026-11-25");
    const wednesday = await page.$eval("[data-champ='date']", (e) => document.getElementById(e.id + "-probleme").textContent);
    if (!/mercredi.*n'est pas un jour de classe/.test(wednesday)) { failures.push(`a Wednesday is not refused at the field: « ${wednesday} »`); }
    await setValue("[data-champ='date']", "2026-11-24");
    await page.select("[data-champ='sessions[0].subject']", "Français");
    await page.type("[data-champ='sessions[0].text']", "Lecture du chapitre 1 de *L'Œil du loup*.");
    await sleep(600); // the local draft is written 250 ms after the last key
    await page.close();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    if (opt.axe) { await page.setBypassCSP(true); }
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("dialog", (d) => d.accept());
    await page.goto(`${origin}/__atelier/#/nouveau/cahier_day/cm1`, { waitUntil: "load" });
    await page.waitForSelector("#reprendre-brouillon", { timeout: 10000 }).catch(() => failures.push("the text typed before the tab was closed is not offered back"));
    await audit("cahier (brouillon retrouvé)");
    await page.click("#reprendre-brouillon");
    await page.waitForFunction(() => { const t = document.querySelector("[data-champ='sessions[0].text']"); return t && t.value.includes("L'Œil du loup"); }, { timeout: 10000 });
    await clickText("button", "Ajouter un devoir");
    await setValue("[data-champ='homework[0].due']", "2026-11-26");
    await page.select("[data-champ='homework[0].subject']", "Français");
    await page.type("[data-champ='homework[0].work']", "Relire le chapitre 2 et répondre aux questions 1 à 3.");
    await clickText("button", "Ajouter un devoir");
    await setValue("[data-champ='homework[1].due']", "2026-11-24");
    const early = await page.$eval("[data-champ='homework[1].due']", (e) => document.getElementById(e.id + "-probleme").textContent);
    if (!/n'est pas après le jour de la séance/.test(early)) { failures.push(`a due date on the day itself is not refused: « ${early} »`); }
    await setValue("[data-champ='homework[1].due']", "2026-11-27");
    await page.select("[data-champ='homework[1].subject']", "Mathématiques");
    await page.type("[data-champ='homework[1].work']", "Apprendre la leçon sur les fractions.");
    await audit("cahier");
    await page.click("#enregistrer");
    await saved();
    result.cahier_path = await page.evaluate(() => decodeURIComponent(location.hash.replace("#/fichier/", "")));
    await previewShows("Apprendre la leçon sur les fractions.", 15000);

    // ---------- the resource list ----------
    await page.goto(`${origin}/__atelier/#/classe/cm1`, { waitUntil: "load" });
    await page.waitForSelector("a.bouton[href^='#/nouveau/resources/']");
    await page.click("a.bouton[href^='#/nouveau/resources/']");
    await page.waitForSelector(".section");
    const last = "li.section:last-child";
    await page.type(`${last} [data-champ$='.heading']`, "Sciences");
    await page.type(`${last} [data-champ$='.title']`, "La main à la pâte");
    await page.type(`${last} [data-champ$='.url']`, "https://fondation-lamap.org");
    await page.type(`${last} [data-champ$='.description']`, "expériences à refaire à la maison.");
    await audit("ressources");
    await page.click("#enregistrer");
    await saved();
    await previewShows("La main à la pâte", 15000);

    if (opt.axe) {
      // The stale-write screen: the file changes on disk behind the form.
      const file = path.join(opt.school, "classes/cm1/ressources.md");
      await typeInto(`${last} [data-champ$='.description']`, "expériences à faire chez soi.");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("La main à la pâte", "La main à la pâte (modifié ailleurs)"));
      await page.click("#enregistrer");
      await page.waitForFunction(() => !document.getElementById("conflit").hidden, { timeout: 10000 });
      await audit("conflit");
      // The agenda, a new event.
      await page.goto(`${origin}/__atelier/#/nouveau/agenda/cm1`, { waitUntil: "load" });
      await page.waitForSelector(".evenement");
      await audit("agenda");
      // A photo dropped on the frame, as from the file manager.
      await page.goto(`${origin}/__atelier/#/nouveau/post/cm1`, { waitUntil: "load" });
      await page.waitForSelector("[data-champ='title']");
      await page.type("[data-champ='title']", "Photo déposée");
      const bytes = fs.readFileSync(opt.jpeg).toString("base64");
      await page.$eval(".depot", (zone, b64) => {
        const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([raw], "Photo de classe.jpg", { type: "image/jpeg" }));
        zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
      }, bytes);
      await page.waitForFunction(() => document.querySelectorAll("li.photo").length === 1, { timeout: 15000 });
      const dropped = await page.$eval("li.photo .nom-photo", (n) => n.textContent);
      if (dropped !== "photo-de-classe.jpg") { failures.push(`the dropped photo is named « ${dropped} »`); }
      await audit("article (photo déposée)");
      // Public: the image-rights statement appears, explains itself, and
      // without it check's words come at the box.
      await page.type("li.photo [data-champ$='.alt']", "Les élèves devant l'école");
      await page.$$eval("input[type=radio][data-champ='audience']", (r) => { const p = r.find((x) => x.value === "public"); p.click(); });
      await page.waitForSelector(".droit-image:not([hidden])", { timeout: 5000 });
      await page.click("#enregistrer");
      await page.waitForFunction(() => { const b = document.querySelector(".droit-image .probleme"); return b && !b.hidden; }, { timeout: 15000 });
      result.image_rights = await page.$eval(".droit-image .probleme", (b) => b.textContent);
      if (!/droit à l'image/.test(result.image_rights)) { failures.push(`the image-rights problem is not at its box: « ${result.image_rights} »`); }
      await audit("article public (droit à l'image)");
      await page.goto(`${origin}/__atelier/#/corbeille`, { waitUntil: "load" });
      await page.waitForFunction(() => document.title.startsWith("Corbeille"), { timeout: 10000 });
      await audit("corbeille");
      result.audits = audited;
    }

    // The class's lists say who saved each file, and when, as the form does.
    await page.goto(`${origin}/__atelier/#/classe/cm1`, { waitUntil: "load" });
    await page.waitForSelector(".modifie", { timeout: 10000 });
    result.listed_changes = await page.$$eval(".modifie", (s) => s.map((e) => e.textContent));
    if (!result.listed_changes.some((t) => /^Modifié par .+ le .+ à \d/.test(t))) {
      failures.push(`the lists do not say who saved the files: ${JSON.stringify(result.listed_changes)}`);
    }
  }
  if (errors.length) { failures.push(`page errors: ${errors.join(" | ")}`); }
  if (csp.length) { failures.push(`CSP refusals: ${csp.join(" | ")}`); }
} catch (e) {
  failures.push(String((e && e.stack) || e));
  // --shots DIR: what the page showed when it went wrong.
  if (opt.shots && page) { try { await page.screenshot({ path: path.join(opt.shots, "atelier-echec.png"), fullPage: true }); } catch (err) { /* closed */ } }
} finally {
  clearTimeout(timer);
  await cleanup();
}
result.failures = failures;
console.log(JSON.stringify(result));
if (opt.bench && !failures.length) {
  console.log(`atelier: Enregistrer → aperçu à jour, médiane de ${result.saves} : ${result.median_ms} ms (${result.times_ms.join(", ")})`);
}
process.exit(failures.length ? 1 : 0);
