// A decrypted page that carries active content (a forged blob: script,
// handler, frame, javascript: link, inline style, SVG script) is shown as
// text and inert markup: nothing of it runs, and the active parts are not in
// the page. Loopback only, bounded in time, cleans up.
//
// node tests/browser/hostile.mjs --site DIR --base /ecole/ --area classes/cm1/ --route ROUTE --code CODE --expect TEXT
// Exit 0 when every check holds, 1 otherwise, 3 on timeout.
import { launch, serve, deadline, options } from "./lib.mjs";

const opt = options();
const timer = deadline("hostile", 90);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}${opt.base}${opt.area}#/${opt.route}`, { waitUntil: "load" });
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await page.type("#code", opt.code);
  await page.click("#connexion button[type=submit]");
  await page.waitForFunction((t) => document.getElementById("contenu-espace").textContent.includes(t), { timeout: 30000 }, opt.expect);
  if (await page.$("#piege")) { await page.click("#piege"); }
  await new Promise((r) => setTimeout(r, 1000));
  const state = await page.evaluate(() => {
    const root = document.documentElement;
    const content = document.getElementById("contenu-espace");
    const active = [...content.querySelectorAll("*")].flatMap((el) => [
      ...(["SCRIPT", "IFRAME", "OBJECT", "EMBED", "svg", "STYLE", "FORM"].includes(el.tagName) ? [el.tagName] : []),
      ...[...el.attributes].filter((a) => /^on|^style$|^srcdoc$/i.test(a.name) || /^\s*javascript:/i.test(a.value)).map((a) => `${el.tagName}[${a.name}]`),
    ]);
    return { ran: ["data-injected", "data-handler", "data-frame", "data-link", "data-svg"].filter((a) => root.hasAttribute(a)), active, href: location.href };
  });
  if (state.ran.length) { failures.push(`hostile content ran: ${state.ran.join(", ")}`); }
  if (state.active.length) { failures.push(`active content inserted: ${state.active.join(", ")}`); }
  console.log(JSON.stringify(state));
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  await cleanup();
  server.close();
}
console.log(JSON.stringify({ failures }));
process.exit(failures.length ? 1 : 0);
