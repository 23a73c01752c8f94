// Two class areas opened "sur cet appareil" stay open side by side: one kept
// key per area. Opens FIRST then SECOND with their codes in one tab; a new
// tab opens both without a code, « Mes espaces » lists both, « Se
// déconnecter » says it closes both, closes them in the first tab too, and
// then both ask for their code.
// Loopback only, bounded in time, cleans up.
//
// node tests/browser/siblings.mjs --site DIR --base /ecole/ --first classes/cp/ --first-code CODE
//      --second classes/cm1/ --second-code CODE
// Exit 0 when every check holds, 1 otherwise, 3 on timeout.
import { launch, serve, deadline, options } from "./lib.mjs";

const opt = options();
const timer = deadline("siblings", 120);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
const fail = (text) => { failures.push(text); console.log(`FAIL ${text}`); };
const ok = (text) => console.log(`ok ${text}`);
const url = (area) => `${server.url}${opt.base}${area}`;

async function waitOpen(page) {
  await page.waitForFunction(() => !document.getElementById("dedans").hidden && document.querySelector("#contenu-espace h1"), { timeout: 30000 });
}
async function openWithCode(page, area, code) {
  await page.goto(url(area), { waitUntil: "load" });
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await page.type("#code", code);
  await page.click("#duree-appareil");
  await page.click("#connexion button[type=submit]");
  await waitOpen(page);
}
// The links of « Mes espaces » once it is shown.
async function mine(page) {
  await page.waitForFunction(() => !document.getElementById("mes-espaces").hidden, { timeout: 10000 }).catch(() => {});
  return page.evaluate(() => [...document.querySelectorAll("#mes-espaces li:not([hidden]) a")].map((a) => ({ text: a.textContent, href: a.getAttribute("href") })));
}
async function asksForCode(page, area) {
  await page.goto(url(area), { waitUntil: "load" });
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await new Promise((r) => setTimeout(r, 800));
  return page.evaluate(() => document.getElementById("dedans").hidden);
}

try {
  const a = await browser.newPage();
  a.on("pageerror", (e) => fail(`page error: ${e.message}`));
  await openWithCode(a, opt.first, opt["first-code"]);
  await openWithCode(a, opt.second, opt["second-code"]);

  const b = await browser.newPage();
  b.on("pageerror", (e) => fail(`page error: ${e.message}`));
  const names = [];
  for (const area of [opt.first, opt.second]) {
    await b.goto(url(area), { waitUntil: "load" });
    try { await waitOpen(b); ok(`${area} opens in a new tab without its code`); } catch (e) { fail(`${area} did not open in a new tab without its code`); }
    const links = await mine(b);
    for (const other of [opt.first, opt.second]) {
      const link = links.find((l) => l.href === `${opt.base}${other}`);
      if (!link) { fail(`« Mes espaces » on ${area} does not list ${other}: ${JSON.stringify(links)}`); } else if (!names.includes(link.text)) { names.push(link.text); }
    }
  }
  const closes = await b.evaluate(() => document.getElementById("ferme").textContent);
  for (const n of names) { if (!closes.includes(n)) { fail(`« Se déconnecter » does not say it closes ${n}: « ${closes} »`); } }
  await b.click("#deconnexion");
  await b.waitForSelector("#connexion:not([hidden])", { timeout: 10000 });
  const message = await b.evaluate(() => document.getElementById("message").textContent);
  for (const n of names) { if (!message.includes(n)) { fail(`the logout message does not name ${n}: « ${message} »`); } }
  if (!failures.length) { ok(`« Mes espaces » and « Se déconnecter » name ${names.join(", ")}`); }
  await b.close();
  // The first tab, still showing an area, closed it too.
  try {
    await a.waitForFunction(() => document.getElementById("dedans").hidden && !document.getElementById("connexion").hidden && !document.querySelector("#contenu-espace h1"), { timeout: 10000 });
    ok("the other open tab closed its area");
  } catch (e) { fail("a tab still shows an area after « Se déconnecter » in another tab"); }
  await a.close();

  const c = await browser.newPage();
  for (const area of [opt.first, opt.second]) {
    if (await asksForCode(c, area)) { ok(`${area} asks for its code after « Se déconnecter »`); } else { fail(`${area} still open after « Se déconnecter »`); }
  }
} catch (e) {
  fail(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  await cleanup();
  server.close();
}
console.log(JSON.stringify({ failures }));
process.exit(failures.length ? 1 : 0);
