// The school's colours reach the screen: Chromium's computed background of
// the header and of the menu bar, and the colour of a link in the page.
// Loopback only, bounded in time, cleans up.
//
// node tests/browser/colours.mjs --site DIR --base /ecole/
// Prints one JSON line {header, menu, link, failures}; exit 0, 1 problems, 3 timeout.
import { launch, serve, options, deadline } from "./lib.mjs";

const opt = options();
const timer = deadline("colours", 60);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
let seen = {};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(`${server.url}${opt.base}`, { waitUntil: "networkidle0" });
  seen = await page.evaluate(() => {
    const bg = (sel) => { const e = document.querySelector(sel); return e ? getComputedStyle(e).backgroundColor : null; };
    const link = document.querySelector("main a");
    return {
      header: bg(".entete"),
      menu: bg(".menu"),
      link: link ? getComputedStyle(link).color : null,
    };
  });
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  console.log(JSON.stringify({ ...seen, failures }));
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
