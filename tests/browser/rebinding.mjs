// DNS rebinding against `preau serve`, in headless Chromium: the browser is
// told that evil.example (and 127.0.0.1.nip.io) resolve to 127.0.0.1, as a
// rebinding domain would make it believe, and opens the preview under those
// names. Each page must be the French refusal, with nothing of the site;
// a script of that "origin" must read nothing either. The preview's own
// address is the control: there the class page shows.
//
// node tests/browser/rebinding.mjs --address http://127.0.0.1:PORT/BASE/
//      --page classes/cm1/blog/sortie-kanarizq7/ --canary TEXT
// Exit 0 when every expectation holds, 1 otherwise, 3 on timeout.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";

const args = process.argv.slice(2);
const opt = {};
for (let i = 0; i < args.length; i++) { opt[args[i].replace(/^--/, "")] = args[++i]; }
const timer = setTimeout(() => { console.error("rebinding: timeout"); process.exit(3); }, 90000);

const own = new URL(opt.address);
const names = ["evil.example", "127.0.0.1.nip.io"];
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "preau-chromium-"));
const failures = [];
const seen = {};
let browser = null;
try {
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    userDataDir: profile,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
      // Every name below resolves to the preview, nothing else to anything.
      `--host-resolver-rules=${names.map((n) => `MAP ${n} 127.0.0.1`).join(", ")}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`],
  });
  const page = await browser.newPage();

  // Control: by its own address the class shows.
  const ok = await page.goto(opt.address + opt.page, { waitUntil: "load" });
  const control = await page.evaluate(() => document.body.innerText);
  seen.control = ok.status();
  if (ok.status() !== 200 || !control.includes(opt.canary)) {
    failures.push(`control: the class page did not show at ${opt.address}${opt.page} (${ok.status()})`);
  }

  for (const name of names) {
    const url = `http://${name}:${own.port}${own.pathname}${opt.page}`;
    const r = await page.goto(url, { waitUntil: "load" });
    const text = await page.evaluate(() => document.body.innerText);
    // What a script of the rebinding page could read, same origin by name.
    const read = await page.evaluate(async (paths) => {
      const out = [];
      for (const p of paths) {
        try {
          // Bounded: a stream that answers would otherwise never end.
          const res = await fetch(p, { signal: AbortSignal.timeout(3000) });
          const body = await res.text().catch((e) => `(unfinished: ${e})`);
          out.push({ path: p, status: res.status, body });
        } catch (e) { out.push({ path: p, status: 0, body: String(e) }); }
      }
      return out;
    }, [own.pathname + opt.page, own.pathname + "recherche/classe-cm1.json", "/__preau/evenements"]);
    seen[name] = { status: r.status(), reads: read.map((x) => x.status) };
    if (r.status() !== 421) { failures.push(`${url}: status ${r.status()}, expected 421`); }
    if (!text.includes("ne répond qu'à cet ordinateur")) { failures.push(`${url}: not the French refusal: ${text.slice(0, 300)}`); }
    for (const x of [{ path: url, body: text }, ...read]) {
      if (x.body.includes(opt.canary)) { failures.push(`${name}: ${x.path} leaked the class`); }
    }
    for (const x of read) {
      if (x.status !== 421) { failures.push(`${name}: fetch ${x.path} got ${x.status}, expected 421`); }
    }
  }
} catch (e) {
  failures.push(String((e && e.stack) || e));
} finally {
  if (browser) { try { await browser.close(); } catch (e) { /* gone */ } }
  fs.rmSync(profile, { recursive: true, force: true });
  clearTimeout(timer);
}
console.log(JSON.stringify({ seen, failures }));
process.exit(failures.length ? 1 : 0);
