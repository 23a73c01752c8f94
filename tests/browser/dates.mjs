// Dates that help, with this device's date set to --today: the agenda puts
// coming events first and past ones at the end; in a class area, the
// cahier's list marks today and puts the coming days first, and homework
// due tomorrow says « Pour demain ». Loopback only, bounded, cleans up.
//
// node tests/browser/dates.mjs --site DIR --base /ecole/ --area classes/cm1/ --code CODE --today YYYY-MM-DD
import { launch, serve, options, deadline } from "./lib.mjs";

const opt = options();
const timer = deadline("dates", 90);
const server = await serve(opt.site, opt.base);
const { browser, cleanup } = await launch();
const failures = [];
const seen = {};
try {
  const page = await browser.newPage();
  // This device's clock says --today (the page's scripts see it; nothing else changes).
  await page.evaluateOnNewDocument((day) => {
    const fixed = new Date(day + "T10:00:00").getTime();
    const Real = Date;
    class Today extends Real { constructor(...a) { super(...(a.length ? a : [fixed])); } static now() { return fixed; } }
    window.Date = Today;
  }, opt.today);
  await page.goto(`${server.url}${opt.base}agenda/`, { waitUntil: "networkidle0" });
  seen.agenda = await page.evaluate(() => [...document.querySelectorAll("li.evenement")].map((li) => [li.querySelector("time").getAttribute("datetime"), li.classList.contains("passe"), !!li.closest(".evenements-passes")]));
  const firstPast = seen.agenda.findIndex((e) => e[1]);
  if (firstPast < 0) { failures.push("no past event on the agenda: choose another --today"); }
  if (seen.agenda.slice(firstPast).some((e) => !e[1])) { failures.push(`a coming event comes after a past one: ${JSON.stringify(seen.agenda)}`); }
  if (seen.agenda.some((e) => e[1] !== e[2])) { failures.push("past events are not all under « Déjà passés »"); }
  if (seen.agenda.filter((e) => !e[1]).some((e) => e[0].slice(0, 10) < opt.today)) { failures.push("an event before today is not marked past"); }

  await page.goto(`${server.url}${opt.base}${opt.area}#/cahier/`, { waitUntil: "networkidle0" });
  await page.waitForSelector("#connexion:not([hidden])", { timeout: 20000 });
  await page.type("#code", opt.code);
  await page.click("#connexion button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#contenu-espace .jours"), { timeout: 30000 });
  seen.cahier = await page.evaluate(() => {
    const first = document.querySelector("#contenu-espace section");
    return { heading: first && first.querySelector("h2").textContent, days: first ? [...first.querySelectorAll("li")].map((li) => li.textContent.trim()) : [] };
  });
  if (seen.cahier.heading !== "Aujourd'hui et les jours qui viennent") { failures.push(`the cahier does not start with today: ${JSON.stringify(seen.cahier)}`); }
  if (!(seen.cahier.days[0] || "").endsWith("aujourd'hui")) { failures.push(`today is not first and marked: ${JSON.stringify(seen.cahier.days.slice(0, 3))}`); }
  await page.evaluate(() => { location.hash = "#/cahier/a-faire/"; });
  await page.waitForFunction(() => document.querySelector("#contenu-espace .a-faire h2"), { timeout: 15000 });
  seen.due = await page.evaluate(() => [...document.querySelectorAll("#contenu-espace .a-faire > li:not(.passe-cache) h2")].map((h) => h.textContent));
  // Today 24 September (a Thursday): due today, tomorrow, then Monday and Tuesday by name.
  const wanted = ["Pour aujourd'hui (24 septembre 2026)", "Pour demain (25 septembre 2026)", "Pour lundi (28 septembre 2026)", "Pour mardi (29 septembre 2026)", "Pour le jeudi 1er octobre 2026"];
  if (JSON.stringify(seen.due.slice(0, 5)) !== JSON.stringify(wanted)) { failures.push(`homework headings: ${JSON.stringify(seen.due.slice(0, 5))}`); }
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  clearTimeout(timer);
  console.log(JSON.stringify({ ...seen, failures }));
  await cleanup();
  server.close();
}
process.exit(failures.length ? 1 : 0);
