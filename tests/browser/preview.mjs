// `preau serve` as a teacher meets it, in headless Chromium: a page is open,
// its markdown file is saved on disk, and the page must show the change by
// itself (the test never navigates); a broken front matter must bring the
// French error panel naming the file, and fixing it must take the panel
// away. The page runs under a strict Content-Security-Policy (no inline
// script or style): if the served page has none yet, this script adds the
// meta to every page it receives, so the reload is proven to work under it.
//
// Test:  node tests/browser/preview.mjs --address URL --school DIR
//          --page classes/cm1/blog/sortie/ --file classes/cm1/blog/sortie/index.md
//          --from TEXT [--within MS] [--break-from TEXT --break-to TEXT]
// Bench: node tests/browser/preview.mjs --preau target/release/preau
//          --school example-school --bench 10
//        (copies the school to a temporary folder, starts the server on a
//        free port, saves N times, prints the median save → shown time).
// Exit 0 when every expectation holds, 1 otherwise, 3 on timeout.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { launch } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = {};
for (let i = 0; i < args.length; i++) { opt[args[i].replace(/^--/, "")] = args[++i]; }
const bench = Number(opt.bench || 0);
const within = Number(opt.within || 1000);
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

let server = null; // the `preau serve` this script started (bench mode)
let tmp = null;
const stop = () => {
  if (server && server.exitCode === null) { server.kill("SIGKILL"); }
  if (tmp) { fs.rmSync(tmp, { recursive: true, force: true }); tmp = null; }
};
process.on("exit", stop);
const timer = setTimeout(() => { console.error("preview: timeout"); stop(); process.exit(3); }, Number(opt.timeout || 120) * 1000);

/** Starts `preau serve` on a free port in `school`; resolves to its address. */
function startServer(bin, school) {
  server = spawn(bin, ["serve", ".", "--port", "0"], { cwd: school, stdio: ["ignore", "pipe", "ignore"] });
  const lines = readline.createInterface({ input: server.stdout });
  return new Promise((resolve, reject) => {
    server.on("exit", (code) => reject(new Error(`preau serve stopped (${code})`)));
    lines.once("line", (line) => resolve(line.replace(/^Aperçu de l'école : /, "").trim()));
  });
}

/** GET over loopback: { status, body }. */
function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What the open page shows now (null while it is reloading). */
async function look(page) {
  try {
    return await page.evaluate(() => {
      const panel = document.getElementById("preau-erreurs");
      return {
        text: document.body ? document.body.innerText : "",
        panel: panel ? panel.innerText : null,
        panelFixed: panel ? getComputedStyle(panel).position === "fixed" : false,
        csp: !!document.querySelector("meta[http-equiv='Content-Security-Policy']"),
      };
    });
  } catch (e) {
    return null; // the context went away: the page is reloading
  }
}

/** Polls the DOM every 10 ms until `check` holds; the elapsed ms, or throws. */
async function until(page, what, check, bound) {
  const start = Date.now();
  let last = null;
  while (Date.now() - start < bound) {
    const seen = await look(page);
    if (seen) { last = seen; if (check(seen)) { return Date.now() - start; } }
    await sleep(10);
  }
  throw new Error(`waited ${bound} ms for ${what}; the page showed: ${last ? last.text.slice(0, 600) : "(nothing)"}`
    + (last && last.panel ? `\npanel (${last.panelFixed ? "styled" : "not styled"}): ${last.panel}` : ""));
}

const failures = [];
const result = {};
let cleanup = async () => {};
try {
  let school = opt.school;
  let address = opt.address;
  if (opt.preau) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preau-apercu-"));
    fs.cpSync(school, path.join(tmp, "ecole"), { recursive: true });
    school = path.join(tmp, "ecole");
    address = await startServer(path.resolve(opt.preau), school);
  }
  const pagePath = opt.page || "classes/ce1/blog/atelier-cuisine/";
  const file = path.join(school, opt.file || "classes/ce1/blog/atelier-cuisine.md");
  const original = fs.readFileSync(file, "utf8");
  const from = opt.from || original.split("\n---\n")[1].trim().split(/\s+/).slice(0, 3).join(" ");
  if (!original.includes(from)) { throw new Error(`« ${from} » is not in ${file}`); }

  // Strict CSP: the page's own meta, or one added here to every page.
  const url = address + pagePath;
  const served = (await get(url)).body.toString("utf8");
  result.csp_in_page = /http-equiv=["']?Content-Security-Policy/i.test(served);
  const launched = await launch();
  cleanup = launched.cleanup;
  const page = await launched.browser.newPage();
  const violations = [];
  const errors = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) { violations.push(m.text()); } });
  page.on("pageerror", (e) => errors.push(e.message));
  if (!result.csp_in_page) {
    await page.setRequestInterception(true);
    page.on("request", async (request) => {
      if (request.resourceType() !== "document") { request.continue(); return; }
      try {
        const r = await get(request.url());
        const html = r.body.toString("utf8").replace(/<head>/i, `<head><meta http-equiv="Content-Security-Policy" content="${CSP}">`);
        request.respond({ status: r.status, headers: { "content-type": r.headers["content-type"] || "text/html" }, body: html });
      } catch (e) { request.abort(); }
    });
  }
  let reloads = 0;
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) { reloads += 1; } });
  await page.goto(url, { waitUntil: "load" });
  const navigatedByTest = reloads; // the one goto above; every later one is the page's own
  await until(page, "the page", (s) => s.text.includes(from), 10000);
  const first = await look(page);
  if (!first.csp) { failures.push("the page carries no Content-Security-Policy meta"); }
  // The policy is in force: an inline script does not run (its refusal is
  // the one CSP message expected; every later one is a failure).
  const inlineBlocked = await page.evaluate(() => {
    window.preauInline = false;
    const s = document.createElement("script");
    // Under Trusted Types, even writing the script's text is refused.
    try { s.textContent = "window.preauInline = true;"; } catch (e) { return true; }
    document.head.appendChild(s);
    return window.preauInline === false;
  });
  if (!inlineBlocked) { failures.push("an inline script ran: the CSP is not in force"); }
  await sleep(100);
  result.csp_refusals_seen = violations.length; // the inline one, if the console reports it
  violations.length = 0;
  // The event stream must be open before the first save.
  await sleep(300);

  const save = (text) => fs.writeFileSync(file, text);
  const times = [];
  const runs = Math.max(bench, 1);
  for (let i = 0; i < runs; i++) {
    const word = `${from} modifié${i}x${Date.now() % 100000}`;
    const t0 = Date.now();
    save(original.replace(from, word));
    await until(page, `the saved text « ${word} »`, (s) => s.text.includes(word), bench ? 30000 : within);
    times.push(Date.now() - t0);
    await sleep(bench ? 300 : 100);
  }
  times.sort((a, b) => a - b);
  result.saves = times.length;
  result.median_ms = times[Math.floor((times.length - 1) / 2)];
  result.max_ms = times[times.length - 1];

  if (!bench) {
    // A broken front matter: the panel comes, naming the file, in French.
    const breakFrom = opt["break-from"] || "titre:";
    const breakTo = opt["break-to"] || "titr:";
    save(original.replace(breakFrom, breakTo));
    const rel = path.relative(school, file).split(path.sep).join("/");
    // Shown as a person sees it: in the page, styled by the preview's sheet.
    await until(page, "the error panel, styled", (s) => s.panel !== null && s.panelFixed, 5000);
    const broken = await look(page);
    if (!broken.panel.includes(rel)) { failures.push(`the panel does not name ${rel}: ${broken.panel}`); }
    if (!broken.panel.includes("n'a pas pu être reconstruit")) { failures.push(`the panel is not the French one: ${broken.panel}`); }
    result.panel = broken.panel;
    // Fixed: the panel goes, the content is there.
    save(original);
    await until(page, "the panel to go", (s) => s.panel === null && s.text.includes(from), 5000);
  }
  result.reloads = reloads - navigatedByTest;
  if (result.reloads < runs) { failures.push(`expected the page to reload itself at each save, saw ${result.reloads}`); }
  if (violations.length) { failures.push(`CSP violations: ${violations.join(" | ")}`); }
  if (errors.length) { failures.push(`page errors: ${errors.join(" | ")}`); }
  save(original);
} catch (e) {
  failures.push(String((e && e.stack) || e));
} finally {
  await cleanup();
  stop();
  clearTimeout(timer);
}
result.failures = failures;
console.log(JSON.stringify(result));
if (bench && !failures.length) {
  console.log(`preview: save → shown in Chromium, median of ${result.saves}: ${result.median_ms} ms (max ${result.max_ms} ms)`);
}
process.exit(failures.length ? 1 : 0);
