// Makes the theme's themes/default/static/minisearch.js from the npm
// `minisearch` package pinned in package-lock.json: its UMD build, minified
// by terser (also pinned) with fixed options, so the same inputs always give
// the same bytes. The header names the package version, the SHA-256 of the
// file it was made from and the licence shipped beside it.
//
//   node tests/browser/vendor.mjs          write the file
//   node tests/browser/vendor.mjs --check  exit 1 if the shipped file differs
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { minify } from "terser";

const here = path.dirname(fileURLToPath(import.meta.url));
const target = path.join(here, "..", "..", "themes", "default", "static", "minisearch.js");
const modules = path.join(here, "node_modules");
const source = path.join(modules, "minisearch", "dist", "umd", "index.js");
const version = JSON.parse(fs.readFileSync(path.join(modules, "minisearch", "package.json"), "utf8")).version;
const terserVersion = JSON.parse(fs.readFileSync(path.join(modules, "terser", "package.json"), "utf8")).version;
const code = fs.readFileSync(source, "utf8");
const sha = crypto.createHash("sha256").update(code).digest("hex");
const out = await minify(code, {
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
  sourceMap: false,
});
const header = `/*! MiniSearch ${version} — MIT, see minisearch.LICENSE.txt — from dist/umd/index.js (sha256 ${sha}), minified by terser ${terserVersion} with tests/browser/vendor.mjs */\n`;
const made = header + out.code + "\n";
if (process.argv.includes("--check")) {
  const shipped = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  if (shipped !== made) {
    console.error(`${target} is not the build of minisearch ${version} by terser ${terserVersion}: run node tests/browser/vendor.mjs`);
    process.exit(1);
  }
  console.log(`minisearch.js: the reproducible build of minisearch ${version} (${Buffer.byteLength(made)} bytes)`);
} else {
  fs.writeFileSync(target, made);
  console.log(`wrote ${target}: ${Buffer.byteLength(made)} bytes (was ${Buffer.byteLength(code)})`);
}
