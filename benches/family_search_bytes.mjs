// Bytes a family of one class fetches for its first search: what the public
// index needs for the query (list, base, terms, result cards), its class's
// sealed search index (compressed, then encrypted) and the MiniSearch
// library.  node benches/family_search_bytes.mjs SITE BASE SCHOOL CLASS QUERY
import fs from "node:fs";
import path from "node:path";
import { webcrypto as crypto } from "node:crypto";
import { firstQueryFiles } from "../tests/browser/assemble.mjs";

const [site, base, school, klass, query] = process.argv.slice(2);
const secrets = JSON.parse(fs.readFileSync(path.join(school, ".preau/acces.json"), "utf8"));
const audience = `classe:${klass}`;
const key = await crypto.subtle.importKey("raw", Buffer.from(secrets.audiences[audience].content_key, "base64"), "AES-GCM", false, ["decrypt"]);
const shell = fs.readFileSync(path.join(site, "classes", klass, "index.html"), "utf8");
const attr = (n) => new RegExp(`${n}="([^"]+)"`).exec(shell)[1];
const local = (url) => path.join(site, url.slice(base.length));
const b = new Uint8Array(fs.readFileSync(local(attr("data-index"))));
const aad = new Uint8Array([...b.slice(0, 7), ...new TextEncoder().encode(attr("data-index-id"))]);
let plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: b.slice(7, 19), additionalData: aad }, key, b.slice(19)));
if (b[6] === 1) { plain = new Uint8Array(await new Response(new Blob([plain]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer()); }
const index = JSON.parse(new TextDecoder().decode(plain));
const dir = path.join(site, "recherche");
const publicFiles = await firstQueryFiles(path.join(dir, "index.json"), query);
const sizes = {
  publicIndex: publicFiles.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0),
  classIndex: fs.statSync(local(index.recherche.blob)).size,
  library: ["minisearch.js", "recherche.js", "acces.js"].reduce((n, f) => n + fs.statSync(path.join(site, "static", f)).size, 0),
};
console.log(JSON.stringify({ ...sizes, total: sizes.publicIndex + sizes.classIndex + sizes.library }));
