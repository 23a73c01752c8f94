// "Enregistrer" in the atelier → the preview beside the form shows the
// change (issue 14: median under 200 ms on the example school).
//
//   cargo build --release
//   npm ci --prefix tests/browser
//   node benches/atelier_save.mjs [--runs 7] [--file classes/ce1/blog/atelier-cuisine.md] [--preau target/release/preau]
//
// Copies example-school to a temporary folder, starts `preau serve` on a
// free port, opens the atelier in Debian's Chromium with the address the
// command printed, opens the post, then N times: types a new title, presses
// « Enregistrer » and waits (polling every 5 ms) until the preview frame
// beside the form shows it. The time covers the whole round trip: the form
// sent, `preau check`'s field checks, the atomic write, the watcher, the
// rebuild, the reload event, and the frame's reload. Prints the median.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = { runs: "7", file: "classes/ce1/blog/atelier-cuisine.md", preau: path.join(repo, "target/release/preau") };
for (let i = 0; i < args.length; i++) { opt[args[i].replace(/^--/, "")] = args[++i]; }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preau-bench-atelier-"));
const school = path.join(tmp, "ecole");
fs.cpSync(path.join(repo, "example-school"), school, { recursive: true, filter: (p) => !/[/\\](public|cache)$/.test(p) });
const server = spawn(path.resolve(opt.preau), ["serve", ".", "--port", "0"], { cwd: school, stdio: ["ignore", "pipe", "ignore"] });
const stop = () => {
  if (server.exitCode === null) { server.kill("SIGKILL"); }
  fs.rmSync(tmp, { recursive: true, force: true });
};
process.on("exit", stop);
const lines = readline.createInterface({ input: server.stdout });
const atelier = await new Promise((resolve, reject) => {
  server.on("exit", (code) => reject(new Error(`preau serve stopped (${code})`)));
  lines.on("line", (line) => { if (line.startsWith("Atelier")) { resolve(line.replace(/^[^:]*: /, "").trim()); } });
});
const child = spawn("node", [path.join(repo, "tests/browser/atelier.mjs"), "--atelier", atelier, "--school", school, "--bench", opt.runs, "--file", opt.file], { stdio: "inherit" });
const code = await new Promise((resolve) => child.on("exit", resolve));
stop();
process.exit(code);
