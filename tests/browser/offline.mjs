// Offline once opened: opens a class area in Debian's Chromium with the
// network, looks at a post with its photo, then cuts the network and
// reloads: the class home, a cahier day and the post with its photo must
// still show. Loopback only, bounded in time, cleans up.
//
// node tests/browser/offline.mjs --site DIR --base /ecole/ --area classes/cm1/ --code CODE
//      --post blog/ROUTE/ --cahier cahier/DAY/ --expect-post TEXT --expect-cahier TEXT
// Exit 0 when everything shows offline, 1 otherwise, 3 on timeout.
import { launch, serve, options, deadline } from "./lib.mjs";

const opt = options();
const timer = deadline("offline", 120);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
const log = {};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 375, height: 812 });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const area = `${server.url}${opt.base}${opt.area}`;
  // With the network: type the code, the area opens, the worker takes over.
  await page.goto(area, { waitUntil: "networkidle0" });
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await page.type("#code", opt.code);
  await page.click("#connexion button[type=submit]");
  await page.waitForFunction(() => !document.getElementById("dedans").hidden, { timeout: 30000 });
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, { timeout: 20000 });
  // The area's pages are kept (fetched once by acces.js).
  log.kept = await page.waitForFunction(async (base) => {
    const cache = await caches.open(`preau:${base}:hors-ligne`);
    const keys = await cache.keys();
    return keys.filter((r) => r.url.includes("/acces/")).length >= 10 ? keys.length : false;
  }, { timeout: 30000, polling: 250 }, opt.base).then((h) => h.jsonValue());
  // The post is read once with the network: its photo is fetched then.
  await page.evaluate((r) => { location.hash = "#/" + r; }, opt.post);
  await page.waitForFunction(() => [...document.querySelectorAll("#contenu-espace img")].some((i) => i.src.startsWith("blob:") && i.naturalWidth > 0), { timeout: 20000 });
  // Seen once: the worker keeps the photo's encrypted file (asynchronously).
  await page.waitForFunction(async (base) => {
    const cache = await caches.open(`preau:${base}:hors-ligne`);
    const wanted = [...document.querySelectorAll("#contenu-espace img[data-chiffre-src]")].map((i) => new URL(i.getAttribute("data-chiffre-src"), location.href).href);
    const kept = new Set((await cache.keys()).map((r) => r.url));
    return wanted.length > 0 && wanted.every((u) => kept.has(u));
  }, { timeout: 20000, polling: 200 }, opt.base).catch(() => failures.push("with the network, the post's photo was not kept"));
  // And the area's pages, fetched once by acces.js after the first page.
  await page.waitForFunction(async (base) => {
    const cache = await caches.open(`preau:${base}:hors-ligne`);
    return (await cache.keys()).filter((r) => r.url.includes("/acces/")).length >= 40;
  }, { timeout: 30000, polling: 250 }, opt.base).catch(() => failures.push("the area's pages were not all kept"));
  await page.evaluate(() => { location.hash = "#/"; });
  await new Promise((r) => setTimeout(r, 500));

  // No network from here on: the server itself stops (the browser's
  // offline switch does not reach a service worker's own requests).
  await new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); });
  await page.setOfflineMode(true);
  const cut = await page.evaluate((base) => fetch(base + "pas-en-cache-" + Date.now()).then(() => "answered", () => "refused"), opt.base);
  if (cut !== "refused") { failures.push(`the network was not cut: a new address was ${cut}`); }
  await page.reload({ waitUntil: "load" });
  await page.waitForFunction(() => !document.getElementById("dedans").hidden && document.querySelector("#contenu-espace h1"), { timeout: 20000 })
    .catch(() => failures.push("offline, the class home did not open"));
  log.home = await page.evaluate(() => (document.querySelector("#contenu-espace h1") || {}).textContent || "");
  await page.evaluate((r) => { location.hash = "#/" + r; }, opt.cahier);
  await page.waitForFunction((t) => document.getElementById("contenu-espace").innerText.includes(t), { timeout: 15000 }, opt["expect-cahier"])
    .catch(() => failures.push(`offline, the cahier day did not show « ${opt["expect-cahier"]} »`));
  await page.evaluate((r) => { location.hash = "#/" + r; }, opt.post);
  await page.waitForFunction((t) => document.getElementById("contenu-espace").innerText.includes(t), { timeout: 15000 }, opt["expect-post"])
    .catch(() => failures.push(`offline, the post did not show « ${opt["expect-post"]} »`));
  await page.waitForFunction(() => [...document.querySelectorAll("#contenu-espace img")].some((i) => i.src.startsWith("blob:") && i.naturalWidth > 0), { timeout: 15000 })
    .catch(() => failures.push("offline, the post's photo did not show"));
  if (errors.length) { failures.push(`page errors: ${errors.join(" | ")}`); }
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  console.log(JSON.stringify({ ...log, failures }));
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
