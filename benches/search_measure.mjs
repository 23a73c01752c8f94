// Measures a first search on a fresh page, for Préau (its real search page,
// through window.preauRecherche) and Pagefind (its JavaScript API), counting
// the bytes of every response the search needs: index pieces, libraries,
// result cards (Préau) and fragments (Pagefind) of the first ten results.
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
  // Préau's pages carry a strict CSP (no WebAssembly); a site using Pagefind
  // would allow 'wasm-unsafe-eval'. Pagefind runs on a Préau page here, so
  // the page's CSP is set aside for it alone.
  if (tool === "pagefind") { await page.setBypassCSP(true); }
  const fetched = [];
  page.on("response", async (res) => {
    const url = new URL(res.url()).pathname;
    const counted = tool === "preau"
      ? (url.startsWith(`${base}recherche/`) && !url.endsWith("/") && !url.endsWith(".html")) || /static\/(minisearch|recherche|acces)\.js$/.test(url)
      : url.includes("/pagefind/");
    if (counted) {
      try { fetched.push(await res.buffer()); } catch (e) { /* redirects */ }
    }
  });
  await page.goto(`${server.url}${base}${tool === "preau" ? "recherche/" : "404.html"}`, { waitUntil: "load" });
  // One query at a time, so that the bytes of the first one are known.
  const times = [];
  let first = null;
  for (const [i, q] of queries.entries()) {
    times.push(await page.evaluate(async (tool, base, q, i) => {
      if (tool === "preau") {
        // The page started loading the index's list and base when its script
        // ran: count from that moment, as Pagefind's count starts at its import.
        // (Its timing entry exists once that response is complete.)
        const t = performance.now();
        const r = await window.preauRecherche.chercher(q, 10);
        if (!r.length || !r[0].titre) { throw new Error("no result for " + q); }
        const since = i === 0 ? performance.getEntriesByType("resource").find((e) => e.name.endsWith("/recherche/index.json")).startTime : t;
        return performance.now() - since;
      }
      const t = performance.now();
      if (i === 0) { window.pagefind = await import(base + "pagefind/pagefind.js"); await window.pagefind.init(); }
      const search = await window.pagefind.search(q);
      await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      return performance.now() - t;
    }, tool, base, q, i));
    await new Promise((r) => setTimeout(r, 300));
    if (i === 0) { first = [...fetched]; }
  }
  await context.close();
  const count = (list) => ({
    bytes: list.reduce((n, b) => n + b.length, 0),
    gzip: list.reduce((n, b) => n + zlib.gzipSync(b).length, 0),
    requests: list.length,
  });
  return { first: count(first), all: count(fetched), first_ms: times[0], median_ms: median(times.slice(1).length ? times.slice(1) : times) };
}

try {
  const result = { preau: await measure("preau"), pagefind: await measure("pagefind") };
  console.log(JSON.stringify(result));
} finally {
  await cleanup();
  server.close();
}
