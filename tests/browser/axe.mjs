// Runs axe-core (WCAG 2.1 A/AA and best practices) in Debian's Chromium on
// pages of a built Préau site, public pages and, after typing the code,
// routes of a class area. Also fails on any request to another host and on
// any missing file. Loopback only, bounded in time, cleans up.
//
// node tests/browser/axe.mjs --site DIR --base /ecole/ [--area classes/cm1/ --code CODE]
//      [--width 375 --height 812] [--layout] PATH...
// A PATH starting with "#/" is a route of the area. The screen is a phone's
// (375×812) unless --width/--height say otherwise. --layout also checks, on
// every page, that the title starts in the first 40 % of the screen, and on
// every page of the area, that its breadcrumb leads back to the class home.
// Exit 0 clean, 1 problems, 3 timeout.
import fs from "node:fs";
import { createRequire } from "node:module";
import { launch, serve } from "./lib.mjs";

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol: the pages' CSP forbids inline
// script, so a <script> tag with axe's source would not run.
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const args = process.argv.slice(2);
const opt = { paths: [] };
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--layout") { opt.layout = true; } else if (args[i].startsWith("--")) { opt[args[i].slice(2)] = args[++i]; } else { opt.paths.push(args[i]); }
}
const timer = setTimeout(() => { console.error("axe: timeout"); process.exit(3); }, Number(opt.timeout || 150) * 1000);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const problems = [];
let pages = 0;
let violations = 0;

async function audit(page, label) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} → ${n.html.slice(0, 160)}`) }));
  });
  pages++;
  if (opt.layout) {
    const where = await page.evaluate(() => {
      const h1 = [...document.querySelectorAll("h1")].find((h) => h.offsetParent !== null);
      const crumbs = document.querySelector("#contenu-espace .fil");
      return {
        top: h1 ? h1.getBoundingClientRect().top + window.scrollY : null,
        height: window.innerHeight,
        crumbs: crumbs ? [...crumbs.querySelectorAll("a")].map((a) => a.getAttribute("href")) : null,
      };
    });
    if (where.top === null || where.top > 0.4 * where.height) {
      problems.push(`${label}: the title starts at ${where.top} px, below 40 % of a ${where.height} px screen`);
    }
    if (label.includes("#/") && label !== `${opt.area}#/` && !(where.crumbs || []).some((h) => h.endsWith(`${opt.area}#/`))) {
      problems.push(`${label}: no breadcrumb back to the class home (${JSON.stringify(where.crumbs)})`);
    }
  }
  if (result.length === 0) { console.log(`ok ${label}`); return; }
  violations += result.length;
  for (const v of result) { problems.push(`${label}: [${v.impact}] ${v.id} — ${v.help}\n    ${v.nodes.join("\n    ")}`); }
}

try {
  const page = await browser.newPage();
  // axe-core is injected as a script: the strict CSP of the pages would refuse it.
  await page.setBypassCSP(true);
  await page.setViewport({ width: Number(opt.width || 375), height: Number(opt.height || 812) }); // a phone unless told
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (!["127.0.0.1", ""].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) { problems.push(`external request: ${req.url()}`); }
  });
  // The IEN's signature exists only once a version is approved: the footer
  // asks for it on every site, so its absence is not an error here.
  page.on("response", (res) => { if (res.status() >= 400 && !res.url().endsWith("404.html") && !res.url().endsWith("/preau/manifeste.json.ien.minisig")) { problems.push(`HTTP ${res.status()}: ${res.url()}`); } });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  const publicPaths = opt.paths.filter((p) => !p.startsWith("#/"));
  const routes = opt.paths.filter((p) => p.startsWith("#/"));
  for (const p of publicPaths) {
    await page.goto(`${server.url}${opt.base}${p}`, { waitUntil: "load" });
    await audit(page, p || "/");
  }
  if (routes.length) {
    await page.goto(`${server.url}${opt.base}${opt.area}`, { waitUntil: "load" });
    await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
    await page.type("#code", opt.code);
    await page.click("#connexion button[type=submit]");
    await page.waitForFunction(() => !document.getElementById("dedans").hidden, { timeout: 30000 });
    for (const r of routes) {
      // The area shows a route by replacing its content: wait for new
      // nodes, not for the previous page's title still on screen.
      const before = await page.evaluateHandle(() => document.querySelector("#contenu-espace").firstChild);
      await page.evaluate((h) => { location.hash = h; }, r === "#/" ? "#/" : r);
      await page.waitForFunction((h, old) => location.hash === h && document.querySelector("#contenu-espace h1") && document.querySelector("#contenu-espace").firstChild !== old, { timeout: 15000 }, r, before);
      await new Promise((res) => setTimeout(res, 150));
      await audit(page, `${opt.area}${r}`);
    }
  }
} catch (e) {
  problems.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  await cleanup();
  server.close();
}
for (const p of problems) { console.log(p); }
const external = problems.filter((p) => p.startsWith("external")).length;
const errors = problems.filter((p) => p.startsWith("HTTP") || p.startsWith("page error")).length;
console.log(`axe: ${pages} pages, ${violations} violations, ${external} external requests, ${errors} errors`);
process.exit(problems.length ? 1 : 0);
