// What a browser keeps of a class code, attacked from a script on the
// site's own origin: opens an area "sur cet appareil", then reads every
// storage (localStorage, sessionStorage, every IndexedDB database and store,
// Cache Storage, cookies) looking for the raw content keys and the code;
// checks the kept keys are non-extractable CryptoKeys; opens the area again
// in a new tab without the code; « Se déconnecter » empties the storage and
// the area asks for the code again. "Pendant cette visite" keys serve the
// tab that typed the code (across its pages), not a new tab. Finally, an
// inline script written into a page does not run (CSP), while the site's
// own scripts do. Loopback only, bounded in time, cleans up.
//
// node tests/browser/keys.mjs --site DIR --base /ecole/ --area classes/cm1/ --code CODE
//      --secret BASE64... [--legacy AUDIENCE=BASE64] [--inject PATH]
// --secret: a raw content key (base64) that no storage may reveal.
// --legacy AUDIENCE=BASE64: a key as an older Préau kept it (localStorage,
//           raw bytes); it must become a non-extractable key and the bytes go.
// --inject: a page of the site into which the test wrote an inline script
//           that sets data-injected on <html>, and an inline handler.
// Exit 0 when every check holds, 1 otherwise, 3 on timeout.
import { launch, serve, deadline } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = { secret: [] };
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, "");
  if (k === "secret") { opt.secret.push(args[++i]); } else { opt[k] = args[++i]; }
}
const timer = deadline("keys", 150);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
const fail = (text) => { failures.push(text); console.log(`FAIL ${text}`); };
const ok = (text) => console.log(`ok ${text}`);

// Every form the secrets could take in storage.
const forbidden = [];
for (const b64 of opt.secret) {
  const bytes = Buffer.from(b64, "base64");
  const hex = bytes.toString("hex");
  forbidden.push(b64, b64.replace(/=+$/, ""), bytes.toString("base64url"), hex, hex.toUpperCase());
}
const normalized = opt.code.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, "");
forbidden.push(opt.code, normalized);

// Runs in the page, as an attacker's script would: everything it can read.
async function readEverything() {
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => (b + 256).toString(16).slice(1)).join("");
  const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
  const keys = [];
  const walk = async (v) => {
    if (v instanceof CryptoKey) {
      let exported = null;
      try { exported = hex(await crypto.subtle.exportKey("raw", v)); } catch (e) { /* refused, as it must be */ }
      try { if (!exported) { exported = JSON.stringify(await crypto.subtle.exportKey("jwk", v)); } } catch (e) { /* refused */ }
      keys.push({ extractable: v.extractable, type: v.type, algorithm: v.algorithm.name, usages: v.usages, exported });
      return { CryptoKey: true, extractable: v.extractable, exported };
    }
    if (v instanceof ArrayBuffer) { return { bytes: hex(v), b64: b64(v) }; }
    if (ArrayBuffer.isView(v)) { return { bytes: hex(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)), b64: b64(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)) }; }
    if (v instanceof Blob) { return { blob: hex(await v.arrayBuffer()) }; }
    if (Array.isArray(v)) { const out = []; for (const x of v) { out.push(await walk(x)); } return out; }
    if (v instanceof Map) { return walk([...v.entries()]); }
    if (v && typeof v === "object") { const out = {}; for (const k of Object.keys(v)) { out[k] = await walk(v[k]); } return out; }
    return v;
  };
  const web = (s) => { const o = {}; for (let i = 0; i < s.length; i++) { o[s.key(i)] = s.getItem(s.key(i)); } return o; };
  const idb = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => { const r = indexedDB.open(info.name); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    for (const name of db.objectStoreNames) {
      const tx = db.transaction(name, "readonly");
      const store = tx.objectStore(name);
      const [records, ids] = await Promise.all([store.getAll(), store.getAllKeys()].map((r) => new Promise((resolve) => { r.onsuccess = () => resolve(r.result); })));
      idb.push({ db: info.name, store: name, ids: await walk(ids), records: await walk(records) });
    }
    db.close();
  }
  const caches_ = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) { caches_.push({ name, url: req.url, body: hex(await (await cache.match(req)).arrayBuffer()) }); }
  }
  return { local: web(localStorage), session: web(sessionStorage), cookie: document.cookie, idb, caches: caches_, keys };
}

async function dump(page, label) {
  const seen = await page.evaluate(readEverything);
  const cookies = await browser.cookies();
  seen.cookies = cookies;
  const text = JSON.stringify(seen);
  for (const f of forbidden) { if (f && text.includes(f)) { fail(`${label}: a secret is readable in storage (« ${f.slice(0, 6)}… »)`); } }
  for (const k of seen.keys) {
    if (k.extractable !== false || k.exported) { fail(`${label}: a stored CryptoKey is extractable: ${JSON.stringify(k)}`); }
  }
  return seen;
}

const records = (seen) => seen.idb.reduce((n, s) => n + s.records.length, 0);
const isOpen = (page) => page.evaluate(() => !document.getElementById("dedans").hidden);
async function waitOpen(page) {
  await page.waitForFunction(() => !document.getElementById("dedans").hidden && document.querySelector("#contenu-espace h1"), { timeout: 30000 });
}
async function typeCode(page, where) {
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await page.type("#code", opt.code);
  if (where === "appareil") { await page.click("#duree-appareil"); }
  await page.click("#connexion button[type=submit]");
  await waitOpen(page);
}
const areaUrl = `${server.url}${opt.base}${opt.area}`;
// Web storage may hold, per area, what « Nouveautés » compares from one
// visit to the next: hashes and the site's opaque file names only. Any
// other entry, or an address of a page (it tells its title), is a leak.
const NEWS = `preau:${opt.base}:vu:`;
function others(store, label) {
  for (const [k, v] of Object.entries(store)) {
    if (k.startsWith(NEWS) && /blog\/|cahier\/|ressources\/|kanarizq7/i.test(v)) { fail(`${label}: « Nouveautés » keeps a page address in clear: ${v.slice(0, 200)}`); }
  }
  return Object.keys(store).filter((k) => !k.startsWith(NEWS));
}
const watch = (page) => { page.on("pageerror", (e) => fail(`page error: ${e.message}`)); return page; };

try {
  // 0. A key an older version left in localStorage: moved, bytes erased.
  if (opt.legacy) {
    const cut = opt.legacy.indexOf("=");
    const audience = opt.legacy.slice(0, cut), raw = opt.legacy.slice(cut + 1);
    const old = watch(await browser.newPage());
    await old.goto(`${server.url}${opt.base}`, { waitUntil: "load" });
    await old.evaluate((base, a, k) => { localStorage.setItem(`preau:${base}:cles`, JSON.stringify({ [a]: k })); }, opt.base, audience, raw);
    await old.goto(areaUrl, { waitUntil: "load" });
    try { await waitOpen(old); ok("a key kept by an older version still opens the area"); } catch (e) { fail("a key kept by an older version no longer opens the area"); }
    const moved = await dump(old, "clé d'une ancienne version");
    if (others(moved.local, "ancienne version").length || records(moved) === 0) { fail(`the old key was not moved: ${JSON.stringify(moved).slice(0, 400)}`); }
    await old.click("#deconnexion");
    await old.waitForSelector("#connexion:not([hidden])", { timeout: 10000 });
    await old.close();
  }

  // 1. "Sur cet appareil".
  const first = watch(await browser.newPage());
  await first.goto(areaUrl, { waitUntil: "load" });
  await typeCode(first, "appareil");
  const kept = await dump(first, "sur cet appareil");
  if (records(kept) === 0 || kept.keys.length === 0) { fail(`nothing kept "sur cet appareil": ${JSON.stringify(kept).slice(0, 400)}`); } else { ok(`${kept.keys.length} key(s) kept, none extractable, no secret in storage`); }
  if (others(kept.local, "sur cet appareil").length || Object.keys(kept.session).length) { fail(`web storage holds ${JSON.stringify([kept.local, kept.session])}`); }
  await first.close();

  // 2. A new tab opens the area without the code.
  const second = watch(await browser.newPage());
  await second.goto(areaUrl, { waitUntil: "load" });
  try { await waitOpen(second); ok("a new tab opens the area without the code"); } catch (e) { fail("a new tab did not open the area with the remembered key"); }

  // 3. « Se déconnecter »: nothing left, the code is asked again.
  await second.click("#deconnexion");
  await second.waitForSelector("#connexion:not([hidden])", { timeout: 10000 });
  await new Promise((r) => setTimeout(r, 300));
  const after = await dump(second, "après déconnexion");
  if (records(after) || Object.keys(after.local).length || Object.keys(after.session).length || after.cookies.length) { fail(`storage not empty after « Se déconnecter »: ${JSON.stringify(after).slice(0, 600)}`); } else { ok("storage empty after « Se déconnecter »"); }
  await second.reload({ waitUntil: "load" });
  await second.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await new Promise((r) => setTimeout(r, 1000));
  if (await isOpen(second)) { fail("the area opened again after « Se déconnecter »"); } else { ok("the area asks for the code again"); }
  await second.close();

  // 4. "Pendant cette visite": this tab, across its pages; not a new tab.
  const visit = watch(await browser.newPage());
  await visit.goto(areaUrl, { waitUntil: "load" });
  await typeCode(visit, "visite");
  await dump(visit, "pendant cette visite");
  await visit.goto(`${server.url}${opt.base}`, { waitUntil: "load" });
  await visit.goto(areaUrl, { waitUntil: "load" });
  try { await waitOpen(visit); ok("the same tab reopens the area for this visit"); } catch (e) { fail("the visit's key was lost on the next page of the same tab"); }
  const other = watch(await browser.newPage());
  await other.goto(areaUrl, { waitUntil: "load" });
  await other.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await new Promise((r) => setTimeout(r, 1000));
  if (await isOpen(other)) { fail("a key kept for one visit opened the area in another tab"); } else { ok("another tab asks for the code"); }
  await other.close();
  await visit.close();

  // 5. An inline script written into a page does not run; the site's own scripts do.
  if (opt.inject) {
    const page = await browser.newPage();
    const violations = [];
    page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) { violations.push(m.text()); } });
    page.on("pageerror", (e) => fail(`page error: ${e.message}`));
    await page.goto(`${server.url}${opt.base}${opt.inject}`, { waitUntil: "networkidle0" });
    await new Promise((r) => setTimeout(r, 500));
    const state = await page.evaluate(() => ({
      // Trusted Types: HTML from a string is refused outside acces.js's policy.
      trusted: (() => { try { document.body.insertAdjacentHTML("beforeend", "<b>x</b>"); return false; } catch (e) { return e instanceof TypeError; } })(),
      injected: document.documentElement.getAttribute("data-injected"),
      handler: document.documentElement.getAttribute("data-handler"),
      own: typeof window.preauAcces === "object" && typeof window.MiniSearch === "function",
    }));
    if (state.injected || state.handler) { fail(`injected script ran: ${JSON.stringify(state)}`); } else { ok("the injected inline script and handler did not run"); }
    if (!state.own) { fail("the site's own scripts did not run"); }
    if (!state.trusted) { fail("HTML written from a string was accepted (Trusted Types not required)"); }
    if (!violations.length) { fail("no CSP violation reported for the injected script"); }
    await page.close();
  }
} catch (e) {
  fail(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  await cleanup();
  server.close();
}
console.log(JSON.stringify({ failures }));
process.exit(failures.length ? 1 : 0);
