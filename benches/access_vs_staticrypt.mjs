// Benchmark: a family opening a class area, Préau against StatiCrypt, on
// the same pages of the example school, in one run.
//
//   cargo build --release && npm ci --prefix tests/browser && npm ci --prefix benches
//   node benches/access_vs_staticrypt.mjs [--school example-school] [--class cm1] [--runs 5]
//
// Reports, for both: the time from pressing the button to the page being
// shown in headless Chromium (key derivation included; both use PBKDF2-SHA256
// with 600,000 iterations), and the bytes of the protected output against
// the plaintext pages. StatiCrypt protects HTML pages only: the photos and
// files of the area stay in clear, so its "protected" bytes cover less.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { webcrypto as crypto } from "node:crypto";
import { launch, serve } from "../tests/browser/lib.mjs";

const args = process.argv.slice(2);
const opt = { school: "example-school", class: "cm1", runs: "5" };
for (let i = 0; i < args.length; i += 2) { opt[args[i].replace(/^--/, "")] = args[i + 1]; }
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const preau = opt.preau ? path.resolve(opt.preau) : path.join(repo, "target/release/preau"); // the site is the same whatever the build profile
const school = path.resolve(repo, opt.school);
const runs = Number(opt.runs);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "preau-bench-access-"));
const area = `classes/${opt.class}/`;

function dirBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const b64 = (t) => Uint8Array.from(Buffer.from(t, "base64"));

// 1. Préau's sealed site.
const sealed = path.join(work, "sealed");
execFileSync(preau, ["build", school, "--out", sealed], { stdio: "ignore" });
const yaml = fs.readFileSync(path.join(school, "ecole.yaml"), "utf8");
const base = new URL(/^url:\s*(\S+)/m.exec(yaml)[1]).pathname.replace(/\/?$/, "/");
const shell = fs.readFileSync(path.join(sealed, area, "index.html"), "utf8");
const attr = (name) => new RegExp(`${name}="([^"]+)"`).exec(shell)[1];
const secrets = JSON.parse(fs.readFileSync(path.join(school, ".preau/acces.json"), "utf8"));
const audience = `classe:${opt.class}`;
const code = secrets.roles[audience].code;
const key = await crypto.subtle.importKey("raw", b64(secrets.audiences[audience].content_key), "AES-GCM", false, ["decrypt"]);
async function open(id, file) {
  const b = new Uint8Array(fs.readFileSync(file));
  const aad = new Uint8Array([...b.slice(0, 7), ...new TextEncoder().encode(id)]);
  const plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: b.slice(7, 19), additionalData: aad }, key, b.slice(19)));
  if (b[6] !== 1) { return plain; }
  return new Uint8Array(await new Response(new Blob([plain]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer());
}
const local = (url) => path.join(sealed, url.slice(base.length));
const index = JSON.parse(new TextDecoder().decode(await open(attr("data-index-id"), local(attr("data-index")))));
const routes = Object.keys(index.pages);
let sealedBytes = fs.statSync(local(attr("data-index"))).size + Buffer.byteLength(shell) + fs.statSync(path.join(sealed, "acces/cles.json")).size;
const sealedFiles = new Set();
for (const r of routes) {
  const entry = index.pages[r];
  sealedBytes += fs.statSync(local(entry.blob)).size;
  const html = JSON.parse(new TextDecoder().decode(await open(entry.id, local(entry.blob)))).html;
  for (const m of html.matchAll(/data-chiffre-(?:src|href)="([^"]+)"/g)) { sealedFiles.add(m[1]); }
}
for (const f of sealedFiles) { sealedBytes += fs.statSync(local(f)).size; }

// 2. The same pages in clear, from Préau's preview (restricted pages in clear).
const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(preau, ["serve", school, "--port", String(port)], { stdio: "ignore" });
const plain = path.join(work, "plain");
let plainPages = 0;
let plainAssets = 0;
try {
  for (let i = 0; i < 100; i++) {
    try { await fetch(`http://127.0.0.1:${port}${base}`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  const assets = new Set();
  for (const r of routes) {
    const html = await (await fetch(`http://127.0.0.1:${port}${base}${area}${r}`)).text();
    const file = path.join(plain, area, r, "index.html");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, html);
    plainPages += Buffer.byteLength(html);
    for (const m of html.matchAll(/(?:src|href)="([^"#?]+)"/g)) {
      if (m[1].startsWith(base + area) && !m[1].endsWith("/")) { assets.add(m[1]); }
    }
  }
  for (const a of assets) { plainAssets += (await (await fetch(`http://127.0.0.1:${port}${a}`)).arrayBuffer()).byteLength; }
} finally {
  server.kill();
}

// 3. StatiCrypt on the same plaintext pages, with the same code.
const scOut = path.join(work, "staticrypt");
// (-r keeps the last folder's name: encrypting plain/classes/cm1 into scOut/classes gives scOut/classes/cm1.)
execFileSync(path.join(repo, "benches/node_modules/.bin/staticrypt"), [path.join(plain, area), "-r", "-p", code, "--short", "-d", path.join(scOut, "classes"), "--remember", "false", "-c", "false"], { stdio: "ignore", cwd: work });
const scBytes = dirBytes(path.join(scOut, area));

// 4. Unlock and render in Chromium, alternating, `runs` times each.
const sealedServer = await serve(sealed, base);
const scServer = await serve(scOut, "/");
const { browser, cleanup } = await launch();
const times = { preau: [], staticrypt: [] };
const next = [];
try {
  for (let i = 0; i < runs; i++) {
    for (const tool of ["preau", "staticrypt"]) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      if (tool === "preau") {
        await page.goto(`${sealedServer.url}${base}${area}`);
        await page.waitForSelector("#connexion:not([hidden])");
        await page.type("#code", code);
        const t0 = Date.now();
        await page.click("#connexion button[type=submit]");
        await page.waitForFunction(() => !document.getElementById("dedans").hidden && document.querySelector("#contenu-espace h1"), { timeout: 30000 });
        times.preau.push(Date.now() - t0);
        // The next page inside the open area (the class news list), once
        // the background work of the first visit (Nouveautés, offline copy) is done.
        await page.waitForNetworkIdle({ idleTime: 500, timeout: 30000 });
        const before = await page.title();
        const t1 = Date.now();
        await page.evaluate(() => { location.hash = "#/blog/"; });
        await page.waitForFunction((t) => document.title !== t && document.querySelector("#contenu-espace h1"), { timeout: 30000 }, before);
        next.push(Date.now() - t1);
      } else {
        await page.goto(`${scServer.url}/${area}index.html`);
        await page.waitForSelector("#staticrypt-password");
        await page.type("#staticrypt-password", code);
        const t0 = Date.now();
        await page.click("#staticrypt-form button, #staticrypt-form input[type=submit]");
        await page.waitForFunction(() => !document.getElementById("staticrypt-password") && document.querySelector("main h1"), { timeout: 30000 });
        times.staticrypt.push(Date.now() - t0);
      }
      await context.close();
    }
  }
} finally {
  await cleanup();
  sealedServer.close();
  scServer.close();
}

const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
const plainAll = plainPages + plainAssets;
console.log(`class area ${audience}: ${routes.length} pages, ${sealedFiles.size} photos and files`);
console.log(`unlock + first page (median of ${runs}): preau ${median(times.preau)} ms, staticrypt ${median(times.staticrypt)} ms → ratio ${(median(times.preau) / median(times.staticrypt)).toFixed(2)} (preau/staticrypt)`);
console.log(`preau: next page inside the open area (median of ${runs}): ${median(next)} ms`);
console.log(`preau: protected output ${kb(sealedBytes)} for ${kb(plainAll)} in clear (pages ${kb(plainPages)} + files ${kb(plainAssets)}) → ${((sealedBytes / plainAll - 1) * 100).toFixed(1)} %`);
console.log(`staticrypt: protected pages ${kb(scBytes)} for ${kb(plainPages)} of pages in clear → ${((scBytes / plainPages - 1) * 100).toFixed(1)} % (its ${kb(plainAssets)} of photos and files stay in clear)`);
fs.rmSync(work, { recursive: true, force: true });
