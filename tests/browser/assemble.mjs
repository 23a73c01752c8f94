// Puts preau's split public search index (recherche/index.json and the
// pieces it names) back together as one MiniSearch serialization.
//   import { assemble } from "./assemble.mjs";  assemble("site/recherche/index.json", ["63"])
// With `letters`, only the terms starting with those letters (hex code
// points) are taken, as the browser does for a query.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export function piece(dir, name) {
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, name))).toString("utf8"));
}

export function assemble(indexPath, letters = null) {
  const dir = path.dirname(indexPath);
  const manifest = JSON.parse(fs.readFileSync(indexPath, "utf8"));
  const whole = piece(dir, manifest.base);
  for (const [letter, name] of Object.entries(manifest.termes)) {
    if (!letters || letters.includes(letter)) { whole.index.push(...piece(dir, name)); }
  }
  for (const name of manifest.fiches.fichiers) { Object.assign(whole.storedFields, piece(dir, name)); }
  return whole;
}

// The letters (hex code points) a query needs, as recherche.js computes them.
export function lettersOf(query, processTerm) {
  return [...new Set(query.split(/[\n\r\p{Z}\p{P}]+/u).map(processTerm).filter(Boolean).map((t) => t.codePointAt(0).toString(16)))];
}

// The files a browser fetches for a first query on the public index: the
// list, the base, the terms of the query's letters and the cards of the
// first `n` results. Paths relative to the site's recherche/ folder.
export async function firstQueryFiles(indexPath, query, n = 10) {
  const { default: MiniSearch } = await import("minisearch");
  const processTerm = (t) => t.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const manifest = JSON.parse(fs.readFileSync(indexPath, "utf8"));
  const letters = lettersOf(query, processTerm).filter((l) => manifest.termes[l]);
  const index = MiniSearch.loadJS(assemble(indexPath, letters), { fields: ["titre", "texte"], processTerm });
  const ids = Object.fromEntries(Object.entries(index.toJSON().documentIds).map(([s, id]) => [id, Number(s)]));
  const results = index.search(query, { prefix: true, fuzzy: 0.2, boost: { titre: 2 }, combineWith: "AND" }).slice(0, n);
  const cards = new Set(results.map((r) => manifest.fiches.fichiers[Math.floor(ids[r.id] / manifest.fiches.taille)]));
  return ["index.json", manifest.base, ...letters.map((l) => manifest.termes[l]), ...cards];
}
