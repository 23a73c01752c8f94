// Opens a restricted area of a built Préau site in headless Chromium, the
// way a family does: types the code (or follows the QR link), and reports
// what the page shows. Loopback only, bounded in time, cleans up.
//
// node tests/browser/unlock.mjs --site DIR --base /ecole/ --area classes/cm1/
//      [--route blog/sortie/] (--code CODE | --qr CODE) [--expect TEXT]... [--absent TEXT]...
//      [--images N] [--denied] [--then PATH] [--remember appareil]
//      [--follow LINK_TEXT] [--focused ID]
// --then: once the area is open, go to PATH (same tab) and check there.
// --denied: the code must be refused (area closed, a message says so).
// --follow: tap the link of the page with that text; --focused: the
// element with that id must then have the focus (a place in the page).
// Exit 0 when every expectation holds, 1 otherwise, 3 on timeout.
import { launch, serve } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = { expect: [], absent: [] };
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, "");
  if (k === "expect" || k === "absent") { opt[k].push(args[++i]); } else if (k === "denied") { opt.denied = true; } else { opt[k] = args[++i]; }
}
const timeout = Number(opt.timeout || 90) * 1000;
const timer = setTimeout(() => { console.error("unlock: timeout"); process.exit(3); }, timeout);

const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
let failures = [];
try {
  const page = await browser.newPage();
  // A refused code is checked on a phone's screen.
  if (opt.denied) { await page.setViewport({ width: 375, height: 812 }); }
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const route = opt.route ? `#/${opt.route}` : "";
  const areaUrl = `${server.url}${opt.base}${opt.area}`;
  const started = Date.now();
  if (opt.qr) {
    // The QR link fills the form in; the family chooses how long, then taps.
    await page.goto(`${areaUrl}#code=${encodeURIComponent(opt.qr)}`);
    await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
    if (opt.remember === "appareil") { await page.click("#duree-appareil"); }
    await page.click("#connexion button[type=submit]");
  } else {
    await page.goto(areaUrl + route);
    await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
    await page.type("#code", opt.code);
    await page.click("#connexion button[type=submit]");
  }
  // Either the area opens or a message says why not.
  await page.waitForFunction(() => {
    const inside = document.getElementById("dedans");
    const msg = document.getElementById("message").textContent;
    return (inside && !inside.hidden) || /n'ouvre pas|n'a pas pu|ne peut pas/i.test(msg);
  }, { timeout: 30000 });
  const unlockMs = Date.now() - started;
  if (opt.qr && opt.route) {
    await page.evaluate((r) => { location.hash = "#/" + r; }, opt.route);
    await page.waitForFunction((r) => document.title && location.hash === "#/" + r, { timeout: 10000 }, opt.route);
    await new Promise((r) => setTimeout(r, 300));
  }
  if (opt.then) {
    // Same tab: the keys kept for this visit (sessionStorage) go along.
    await page.goto(`${server.url}${opt.base}${opt.then}`, { waitUntil: "networkidle0" });
    await new Promise((r) => setTimeout(r, 300));
  }
  if (opt.follow) {
    // A link of the page, tapped as a family taps it.
    const found = await page.waitForFunction((text) => {
      const a = [...document.querySelectorAll("#contenu-espace a")].find((l) => l.textContent.trim() === text);
      if (a) { a.click(); }
      return !!a;
    }, { timeout: 15000 }, opt.follow).catch(() => null);
    if (!found) { failures.push(`no link « ${opt.follow} » on the page`); }
  }
  if (opt.focused) {
    await page.waitForFunction((id) => document.activeElement && document.activeElement.id === id, { timeout: 15000 }, opt.focused)
      .catch(() => failures.push(`the focus must be on #${opt.focused}`));
    const at = await page.evaluate(() => ({ hash: location.hash, focus: document.activeElement && (document.activeElement.id || document.activeElement.tagName) }));
    console.log(JSON.stringify(at));
  }
  const wanted = Number(opt.images || 0);
  if (wanted > 0) {
    await page.waitForFunction((n) => [...document.querySelectorAll("#contenu-espace img")].filter((i) => i.src.startsWith("blob:") && i.naturalWidth > 0).length >= n, { timeout: 20000 }, wanted).catch(() => {});
  }
  const state = await page.evaluate(() => ({
    open: document.getElementById("dedans") ? !document.getElementById("dedans").hidden : true,
    text: document.body.innerText,
    html: document.documentElement.outerHTML,
    message: document.getElementById("message") ? document.getElementById("message").textContent : "",
    // A refused code is said right under the field, as an error, on the first screen.
    messageAtField: (() => {
      const m = document.getElementById("message");
      const field = document.getElementById("code");
      return !!(m && field && field.parentNode.nextElementSibling === m && m.classList.contains("erreur")
        && field.getAttribute("aria-invalid") === "true" && m.getBoundingClientRect().bottom <= window.innerHeight);
    })(),
    href: location.href,
    images: [...document.querySelectorAll("#contenu-espace img")].filter((i) => i.src.startsWith("blob:") && i.naturalWidth > 0).length,
  }));
  for (const t of opt.expect) { if (!state.text.includes(t) && !state.html.includes(t)) { failures.push(`expected « ${t} » on the page`); } }
  for (const t of opt.absent) { if (state.html.includes(t)) { failures.push(`« ${t} » must not be on the page`); } }
  if (opt.denied && (state.open || !/n'ouvre pas/.test(state.message))) { failures.push(`the code must be refused: open=${state.open}, message « ${state.message} »`); }
  if (opt.denied && !state.messageAtField) { failures.push("the refusal must be an error right under the code field, visible without scrolling"); }
  if (!opt.denied && !state.open) { failures.push(`the area did not open: « ${state.message} »`); }
  if (state.images < wanted) { failures.push(`expected ${wanted} decrypted image(s), found ${state.images}`); }
  if (opt.qr && state.href.includes("code=")) { failures.push(`the code is still in the address bar: ${state.href}`); }
  if (opt.qr) {
    // No outline around the title the page puts the focus on.
    const outline = await page.evaluate(() => { const a = document.activeElement; return a && a.tagName === "H1" ? getComputedStyle(a).outlineStyle : "none"; });
    if (outline !== "none") { failures.push(`a focus outline is drawn around the title after the QR login (${outline})`); }
  }
  if (opt.remember === "appareil" && state.open) {
    // Remembered on this device: a new tab opens the area without a code.
    const other = await browser.newPage();
    await other.goto(areaUrl, { waitUntil: "load" });
    await other.waitForFunction(() => !document.getElementById("dedans").hidden, { timeout: 20000 })
      .catch(() => failures.push("remembered on this device, a new tab still asks for the code"));
    await other.close();
  }
  if (errors.length) { failures.push(`page errors: ${errors.join(" | ")}`); }
  console.log(JSON.stringify({ open: state.open, message: state.message, images: state.images, unlock_ms: unlockMs, failures }));
} catch (e) {
  failures.push(String(e && e.stack || e));
  console.log(JSON.stringify({ failures }));
} finally {
  clearTimeout(timer);
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
