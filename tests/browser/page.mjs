// Opens public pages of a built site in headless Chromium and checks the
// text shown once scripts have run. Loopback only, bounded in time.
//
// node tests/browser/page.mjs --site DIR --base /ecole/ --path PATH [--click SELECTOR] [--expect TEXT]... [--absent TEXT]... [--html FRAGMENT]...
// --html: a fragment the page's HTML (after scripts) must contain.
// Exit 0 when every expectation holds, 1 otherwise, 3 on timeout.
import { launch, serve, deadline } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = { expect: [], absent: [], html: [] };
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, "");
  if (k === "expect" || k === "absent" || k === "html") { opt[k].push(args[++i]); } else { opt[k] = args[++i]; }
}
const timer = deadline("page", 60);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}${opt.base}${opt.path || ""}`, { waitUntil: "networkidle0" });
  if (opt.click) {
    await page.waitForSelector(opt.click, { visible: true, timeout: 10000 });
    await page.click(opt.click);
    await page.waitForNetworkIdle({ idleTime: 300, timeout: 10000 });
  }
  const text = await page.evaluate(() => document.body.innerText);
  for (const t of opt.expect) { if (!text.includes(t)) { failures.push(`expected « ${t} »`); } }
  for (const t of opt.absent) { if (text.includes(t)) { failures.push(`« ${t} » must not be shown`); } }
  const html = await page.evaluate(() => document.body.innerHTML);
  for (const t of opt.html) { if (!html.includes(t)) { failures.push(`expected the HTML fragment ${t}`); } }
  console.log(JSON.stringify({ failures, text: text.slice(-600) }));
} catch (e) {
  failures.push(String(e));
} finally {
  clearTimeout(timer);
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
