// A photo of a class post opens full screen in Debian's Chromium, the way a
// parent taps it on a phone: its caption shows, the photo is decrypted and
// loaded, « Enregistrer » saves what is shown, Escape closes. Loopback
// only, bounded in time, cleans up. Then the news lists (the class's,
// decrypted, and the school's) show each post's picture.
//
// node tests/browser/photos.mjs --site DIR --base /ecole/ --area classes/cm1/ --code CODE --route blog/X/ --caption TEXT
import { launch, serve, options, deadline } from "./lib.mjs";

const opt = options();
const timer = deadline("photos", 90);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
let seen = {};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 375, height: 812, isMobile: true, hasTouch: true });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}${opt.base}${opt.area}#/${opt.route}`, { waitUntil: "networkidle0" });
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await page.type("#code", opt.code);
  await page.click("#connexion button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#contenu-espace button.agrandir img"), { timeout: 30000 });
  // The caption is on the page itself, under the photo, not in a tooltip.
  seen.onPage = await page.evaluate(() => [...document.querySelectorAll("#contenu-espace figcaption")].map((f) => f.textContent));
  if (!seen.onPage.includes(opt.caption)) { failures.push(`the caption « ${opt.caption} » is not shown under the photo: ${JSON.stringify(seen.onPage)}`); }
  await page.tap("#contenu-espace button.agrandir");
  await page.waitForFunction(() => { const d = document.querySelector("dialog.visionneuse"); const i = d && d.querySelector("img"); return d && d.open && i.naturalWidth > 0; }, { timeout: 15000 })
    .catch(() => failures.push("the photo did not open full screen"));
  seen.viewer = await page.evaluate(() => {
    const d = document.querySelector("dialog.visionneuse");
    const r = d.getBoundingClientRect();
    return {
      caption: d.querySelector(".visionneuse-legende").textContent,
      src: d.querySelector("img").src.slice(0, 5),
      save: d.querySelector("a[download]").href.slice(0, 5),
      covers: r.width >= window.innerWidth - 1 && r.height >= window.innerHeight - 1,
    };
  });
  if (seen.viewer.caption !== opt.caption) { failures.push(`full screen, the caption is « ${seen.viewer.caption} »`); }
  if (seen.viewer.src !== "blob:" || seen.viewer.save !== "blob:") { failures.push(`the class photo is not the decrypted one: ${JSON.stringify(seen.viewer)}`); }
  if (!seen.viewer.covers) { failures.push("the viewer does not cover the screen"); }
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("dialog.visionneuse").open, { timeout: 5000 }).catch(() => failures.push("Escape does not close the viewer"));
  // The class's news list shows each post's picture (decrypted too).
  await page.evaluate(() => { location.hash = "#/blog/"; });
  await page.waitForFunction(() => [...document.querySelectorAll("#contenu-espace .carte img[data-vignette]")].some((i) => i.src.startsWith("blob:") && i.naturalWidth > 0), { timeout: 15000 })
    .catch(() => failures.push("the class news list shows no decrypted thumbnail"));
  // And so does the school's public news list.
  await page.goto(`${server.url}${opt.base}actualites/`, { waitUntil: "networkidle0" });
  seen.publicThumbnails = await page.evaluate(async () => {
    const imgs = [...document.querySelectorAll(".carte img[data-vignette]")];
    for (const i of imgs) { i.loading = "eager"; i.scrollIntoView(); await i.decode().catch(() => null); }
    return imgs.filter((i) => i.naturalWidth > 0).length;
  });
  if (!seen.publicThumbnails) { failures.push("the school news list shows no thumbnail"); }
  if (errors.length) { failures.push(`page errors: ${errors.join(" | ")}`); }
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  console.log(JSON.stringify({ ...seen, failures }));
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
