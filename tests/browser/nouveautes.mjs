// « Nouveautés »: opens a class area of version 1 of a site in Debian's
// Chromium, then the same address serves version 2 (a deploy) and the page
// is reloaded: the area's home must list exactly what version 2 added.
// Loopback only, bounded in time, cleans up.
//
// node tests/browser/nouveautes.mjs --site V1_DIR --then V2_DIR --base /ecole/ --area classes/cm1/ --code CODE
// Prints {"before": [...], "after": [...]}: the lists shown at each visit.
import { launch, serve, options, deadline } from "./lib.mjs";

const opt = options();
const timer = deadline("nouveautes", 120);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
const out = {};
const shown = (page) => page.evaluate(() => [...document.querySelectorAll(".nouveautes li")].map((li) => li.textContent));
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}${opt.base}${opt.area}`, { waitUntil: "networkidle0" });
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await page.type("#code", opt.code);
  await page.click("#duree-appareil");
  await page.click("#connexion button[type=submit]");
  await page.waitForFunction(() => !document.getElementById("dedans").hidden && document.querySelector("#contenu-espace h1"), { timeout: 30000 });
  // The first visit records what is there.
  await page.waitForFunction((k) => Object.keys(localStorage).some((n) => n.startsWith(k)), { timeout: 30000 }, `preau:${opt.base}:vu:`);
  out.before = await shown(page);
  // A new version is published at the same address; the family comes back.
  server.setRoot(opt.then);
  await page.reload({ waitUntil: "networkidle0" });
  await page.waitForFunction(() => !document.getElementById("dedans").hidden && document.querySelector("#contenu-espace h1"), { timeout: 30000 });
  await page.waitForSelector(".nouveautes li", { timeout: 20000 }).catch(() => failures.push("no « Nouveautés » list after the new version"));
  out.after = await shown(page);
  // A reload without a new version shows the same list.
  await page.reload({ waitUntil: "networkidle0" });
  await page.waitForSelector(".nouveautes li", { timeout: 20000 }).catch(() => null);
  out.again = await shown(page);
  if (errors.length) { failures.push(`page errors: ${errors.join(" | ")}`); }
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  console.log(JSON.stringify({ ...out, failures }));
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
