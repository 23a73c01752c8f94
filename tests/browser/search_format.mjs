// Proof that the public index preau writes is a MiniSearch index: put its
// pieces together, load it with the real minisearch package (pinned), index
// the same documents with MiniSearch itself, and compare the results of many
// queries, scores included. Then the same with only the pieces a browser
// loads for each query. Also checks accents, prefixes and typos.
//
// node tests/browser/search_format.mjs recherche/index.json DOCUMENTS.json QUERIES.json
// QUERIES.json: {"compare": ["q", …], "expect": [{"q": "noel", "id": "actualites/…"}, …]}
import fs from "node:fs";
import MiniSearch from "minisearch";
import { assemble, lettersOf } from "./assemble.mjs";

const [indexPath, docsPath, queriesPath] = process.argv.slice(2);
const options = {
  fields: ["titre", "texte"],
  storeFields: ["titre", "url", "genre", "extrait", "classe", "matieres"],
  processTerm: (term) => term.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(),
};
const searchOptions = { prefix: true, fuzzy: 0.2, boost: { titre: 2 }, combineWith: "AND" };
const loaded = MiniSearch.loadJSON(JSON.stringify(assemble(indexPath)), options);
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
// What the browser does: only the terms starting like the query's words.
for (const q of queries.compare) {
  const partial = MiniSearch.loadJS(assemble(indexPath, lettersOf(q, options.processTerm)), options);
  const a = partial.search(q, searchOptions).map(key).sort();
  const b = reference.search(q, searchOptions).map(key).sort();
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    failures.push(`« ${q} », loaded as a browser does: preau ${a.length} results, MiniSearch ${b.length}`);
  }
}
for (const { q, id } of queries.expect) {
  const partial = MiniSearch.loadJS(assemble(indexPath, lettersOf(q, options.processTerm)), options);
  const ids = partial.search(q, searchOptions).map((r) => r.id);
  if (!ids.includes(id)) { failures.push(`« ${q} » should find ${id}, found ${JSON.stringify(ids.slice(0, 5))}`); }
}
const same = JSON.stringify(loaded.toJSON().documentIds) === JSON.stringify(reference.toJSON().documentIds);
if (!same) { failures.push("documentIds differ"); }
console.log(failures.length ? failures.join("\n") : `search: ${queries.compare.length} queries give the same results; ${queries.expect.length} expectations hold`);
process.exit(failures.length ? 1 : 0);
