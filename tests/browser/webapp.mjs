// The site can go on a phone's home screen: Chromium reads the web app
// manifest of the home page without error, finds its icons, and reports
// no installability error. Loopback only, bounded in time, cleans up.
//
// node tests/browser/webapp.mjs --site DIR --base /ecole/
import { launch, serve, options, deadline } from "./lib.mjs";

const opt = options();
const timer = deadline("webapp", 60);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
let manifest = null;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 375, height: 812 });
  await page.goto(`${server.url}${opt.base}`, { waitUntil: "networkidle0" });
  const cdp = await page.createCDPSession();
  const got = await cdp.send("Page.getAppManifest");
  if (!got.url) { failures.push("no manifest linked from the home page"); }
  for (const e of got.errors || []) { failures.push(`manifest: ${e.message}`); }
  manifest = JSON.parse(got.data || "{}");
  for (const icon of manifest.icons || []) {
    const r = await page.evaluate((src) => fetch(src).then((x) => [x.status, x.headers.get("content-type")]), new URL(icon.src, got.url).href);
    if (r[0] !== 200 || !String(r[1]).startsWith("image/png")) { failures.push(`icon ${icon.src}: ${r}`); }
  }
  const inst = await cdp.send("Page.getInstallabilityErrors");
  for (const e of inst.installabilityErrors || []) { failures.push(`installability: ${e.errorId} ${JSON.stringify(e.errorArguments)}`); }
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  console.log(JSON.stringify({ name: manifest && manifest.name, failures }));
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
