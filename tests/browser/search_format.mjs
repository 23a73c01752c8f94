// Proof that the indexes preau writes are MiniSearch indexes: load one with
// the real minisearch package (pinned), index the same documents with
// MiniSearch itself, and compare the results of many queries, scores
// included. Also checks accents, prefixes and typos on the given queries.
//
// node tests/browser/search_format.mjs INDEX.json DOCUMENTS.json QUERIES.json
// QUERIES.json: {"compare": ["q", …], "expect": [{"q": "noel", "id": "actualites/…"}, …]}
import fs from "node:fs";
import MiniSearch from "minisearch";

const [indexPath, docsPath, queriesPath] = process.argv.slice(2);
const options = {
  fields: ["titre", "texte"],
  storeFields: ["titre", "url", "genre", "extrait"],
  processTerm: (term) => term.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(),
};
const searchOptions = { prefix: true, fuzzy: 0.2, boost: { titre: 2 }, combineWith: "AND" };
const loaded = MiniSearch.loadJSON(fs.readFileSync(indexPath, "utf8"), options);
const reference = new MiniSearch(options);
reference.addAll(JSON.parse(fs.readFileSync(docsPath, "utf8")));
const queries = JSON.parse(fs.readFileSync(queriesPath, "utf8"));
const failures = [];
const key = (r) => `${r.id}:${r.score.toFixed(9)}`;
for (const q of queries.compare) {
  for (const opts of [searchOptions, {}, { prefix: true }, { fuzzy: 0.3 }]) {
    const a = loaded.search(q, opts).map(key).sort();
    const b = reference.search(q, opts).map(key).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      failures.push(`« ${q} » ${JSON.stringify(opts)}: preau ${a.length} results, MiniSearch ${b.length}\n  ${a.slice(0, 3)}\n  ${b.slice(0, 3)}`);
    }
  }
}
for (const { q, id } of queries.expect) {
  const ids = loaded.search(q, searchOptions).map((r) => r.id);
  if (!ids.includes(id)) { failures.push(`« ${q} » should find ${id}, found ${JSON.stringify(ids.slice(0, 5))}`); }
}
const same = JSON.stringify(loaded.toJSON().documentIds) === JSON.stringify(reference.toJSON().documentIds);
if (!same) { failures.push("documentIds differ"); }
console.log(failures.length ? failures.join("\n") : `search: ${queries.compare.length} queries give the same results; ${queries.expect.length} expectations hold`);
process.exit(failures.length ? 1 : 0);
