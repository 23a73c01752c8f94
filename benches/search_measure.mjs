// Measures a first search on a fresh page, for Préau (MiniSearch index) and
// Pagefind, counting the bytes of every response the search needs.
// node benches/search_measure.mjs SITE_DIR BASE QUERIES_JSON  → JSON on stdout
import zlib from "node:zlib";
import { launch, serve } from "../tests/browser/lib.mjs";

const [site, base, queriesJson] = process.argv.slice(2);
const queries = JSON.parse(queriesJson);
const server = await serve(site, base);
const { browser, cleanup } = await launch();
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function measure(tool) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(`${server.url}${base}404.html`);
  const fetched = [];
  page.on("response", async (res) => {
    const url = res.url();
    if (url.includes("/recherche/index.json") || url.includes("/static/minisearch.js") || url.includes("/pagefind/")) {
      try { fetched.push(await res.buffer()); } catch (e) { /* redirects */ }
    }
  });
  const times = await page.evaluate(async (tool, base, queries) => {
    const out = [];
    if (tool === "preau") {
      await new Promise((ok) => { const s = document.createElement("script"); s.src = base + "static/minisearch.js"; s.onload = ok; document.head.appendChild(s); });
      const options = { fields: ["titre", "texte"], storeFields: ["titre", "url", "genre", "extrait"], processTerm: (t) => t.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase() };
      let t0 = performance.now();
      const index = MiniSearch.loadJSON(await (await fetch(base + "recherche/index.json")).text(), options);
      for (const q of queries) {
        const t = performance.now();
        const r = index.search(q, { prefix: true, fuzzy: 0.2, boost: { titre: 2 }, combineWith: "AND" }).slice(0, 10);
        out.push(performance.now() - (out.length === 0 ? t0 : t));
        if (!r) { throw new Error("no result"); }
      }
    } else {
      let t0 = performance.now();
      const pagefind = await import(base + "pagefind/pagefind.js");
      await pagefind.init();
      for (const q of queries) {
        const t = performance.now();
        const search = await pagefind.search(q);
        await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
        out.push(performance.now() - (out.length === 0 ? t0 : t));
      }
    }
    return out;
  }, tool, base, queries);
  await new Promise((r) => setTimeout(r, 300));
  await context.close();
  const bytes = fetched.reduce((n, b) => n + b.length, 0);
  const gzip = fetched.reduce((n, b) => n + zlib.gzipSync(b).length, 0);
  return { bytes, gzip, requests: fetched.length, first_ms: times[0], median_ms: median(times.slice(1).length ? times.slice(1) : times) };
}

try {
  const result = { preau: await measure("preau"), pagefind: await measure("pagefind") };
  console.log(JSON.stringify(result));
} finally {
  await cleanup();
  server.close();
}
