// Shared helpers of the browser tests: a read-only static server on
// 127.0.0.1 and a headless Debian Chromium with a throw-away profile.
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";

const TYPES = {
  html: "text/html; charset=utf-8", css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8",
  json: "application/json", xml: "application/xml", ics: "text/calendar", svg: "image/svg+xml",
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", webp: "image/webp", avif: "image/avif",
  pdf: "application/pdf", woff2: "font/woff2", bin: "application/octet-stream",
};

/** The `--name value` pairs of the command line, as an object. */
export function options(args = process.argv.slice(2)) {
  const opt = {};
  for (let i = 0; i < args.length; i += 2) { opt[args[i].replace(/^--/, "")] = args[i + 1]; }
  return opt;
}

/** The script's time bound: after `seconds`, says so and exits with 3. */
export function deadline(name, seconds) {
  return setTimeout(() => { console.error(`${name}: timeout`); process.exit(3); }, seconds * 1000);
}

/** Serves `dir` at `base` on a free loopback port: { url, port, close }. */
export async function serve(dir, base) {
  let root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!p.startsWith(base)) { res.writeHead(404); res.end(); return; }
    p = p.slice(base.length);
    if (p === "" || p.endsWith("/")) { p += "index.html"; }
    const file = path.resolve(root, p);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { "Content-Type": "text/plain" }); res.end("404"); return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file).slice(1).toLowerCase()] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`, port,
    close: (done) => { server.close(done); },
    // Serves another folder from now on, at the same address (a new deploy).
    setRoot: (other) => { root = path.resolve(other); },
    closeAllConnections: () => server.closeAllConnections(),
  };
}

/** Debian's Chromium, headless, no network but loopback: { browser, cleanup }. */
export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "preau-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    userDataDir: profile,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  return {
    browser,
    cleanup: async () => {
      try { await browser.close(); } catch (e) { /* already gone */ }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
