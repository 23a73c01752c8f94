// Opens an IEN review report (rapport-vN.html) in Debian's Chromium, under
// its own Content-Security-Policy: every image loaded (naturalWidth > 0;
// photos are embedded as data: addresses), no request at all, axe-core
// (WCAG 2.1 A/AA and best practices) finds nothing, the text appears in
// the order given by --order (e.g. the changes before the full content),
// and each --flag text is in the "Points à regarder" section (#points).
// Prints the counts it saw. Loopback only, bounded in time, cleans up.
//
// node tests/browser/report.mjs --dir DIR --file rapport-v2.html [--order TEXT]... [--expect TEXT]... [--flag TEXT]...
import fs from "node:fs";
import { createRequire } from "node:module";
import { launch, serve } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const args = process.argv.slice(2);
const opt = { order: [], expect: [], flag: [] };
for (let i = 0; i < args.length; i += 2) {
  const k = args[i].slice(2);
  if (Array.isArray(opt[k])) { opt[k].push(args[i + 1]); } else { opt[k] = args[i + 1]; }
}
const timer = setTimeout(() => { console.error("report: timeout"); process.exit(3); }, 150 * 1000);
const server = await serve(opt.dir, "/");
const { browser, cleanup } = await launch();
const problems = [];
try {
  const page = await browser.newPage();
  // The report is one file: after itself, it asks for nothing.
  const own = `${server.url}/${opt.file}`;
  page.on("request", (req) => {
    if (req.url() !== own && !req.url().startsWith("data:")) { problems.push(`request: ${req.url()}`); }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") { problems.push(`console: ${m.text()}`); } });
  await page.goto(`${server.url}/${opt.file}`, { waitUntil: "load" });
  // How tall the report is as it opens (folded pages folded).
  console.log(`height: ${await page.evaluate(() => document.documentElement.scrollHeight)}`);
  // Folded pages too: open every <details> so that their images load.
  await page.evaluate(() => {
    for (const d of document.querySelectorAll("details")) { d.open = true; }
    for (const i of document.images) { i.loading = "eager"; }
  });
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), { timeout: 30000 });
  const images = await page.evaluate(() => [...document.images].map((i) => ({ src: i.src.slice(0, 60), ok: i.naturalWidth > 0 })));
  const broken = images.filter((i) => !i.ok);
  for (const b of broken) { problems.push(`image not loaded: ${b.src}`); }
  console.log(`images: ${images.length}, broken: ${broken.length}`);
  const text = await page.evaluate(() => document.body.innerText);
  let at = -1;
  for (const o of opt.order) {
    const i = text.indexOf(o, at + 1);
    if (i < 0) { problems.push(`not found in order: ${o}`); } else { at = i; }
  }
  for (const e of opt.expect) { if (!text.includes(e)) { problems.push(`missing: ${e}`); } }
  const flags = await page.evaluate(() => document.querySelector("#points")?.innerText ?? "");
  for (const f of opt.flag) { if (!flags.includes(f)) { problems.push(`not in the flags: ${f}`); } }
  const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? "");
  if (!csp.startsWith("default-src 'none'")) { problems.push(`no strict policy: ${csp}`); }
  console.log(`policy: ${csp.slice(0, 40)}`);
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => `[${v.impact}] ${v.id} — ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  console.log(`axe: ${violations.length} violations`);
  for (const v of violations) { problems.push(v); }
} catch (e) {
  problems.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  await cleanup();
  server.close();
}
for (const p of problems) { console.log(p); }
process.exit(problems.length ? 1 : 0);
