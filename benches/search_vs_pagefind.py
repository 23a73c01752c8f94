#!/usr/bin/env python3
"""Search benchmark: Préau's MiniSearch index against Pagefind, same public
pages of a synthetic school (3,000+ pages, class content made public so both
index the same pages), in one run, in headless Chromium.

    cargo build --release && npm ci --prefix tests/browser && npm ci --prefix benches
    python3 benches/search_vs_pagefind.py [--queries 5]

Reports, for a first query on a fresh page and for the session of all the
queries: the bytes fetched for search (index pieces, scripts, and the
cards/fragments of the first ten results; Pagefind's WebAssembly included),
as stored and gzip-compressed, and the query time (median of the queries
after the first, and the first with its loading), for both.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_vs_hugo import generate  # noqa: E402

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=int, default=5)
    ap.add_argument("--preau", help="the binary (default: target/release/preau; bytes do not depend on it, times do)")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    preau = a.preau or os.path.join(repo, "target", "release", "preau")
    work = tempfile.mkdtemp(prefix="preau-bench-search-")
    try:
        school, site = os.path.join(work, "ecole"), os.path.join(work, "hugo")
        generate(school, site, 10, 2000, 800, 1)
        # First as schools are: class content restricted. What a family of one class fetches.
        subprocess.run([preau, "access", "generer", "--ecole", school], check=True, stdout=subprocess.DEVNULL)
        sealed = os.path.join(work, "sealed")
        subprocess.run([preau, "build", school, "--out", sealed], check=True, stdout=subprocess.DEVNULL)
        family = json.loads(subprocess.run(["node", os.path.join(repo, "benches", "family_search_bytes.mjs"), sealed, "/ecole/", school, "c1", "cahier"],
                                           check=True, capture_output=True, text=True).stdout)
        for c in os.listdir(os.path.join(school, "classes")):
            with open(os.path.join(school, "classes", c, "classe.yaml"), "a") as f:
                f.write("acces: public\n")
        out = os.path.join(work, "site")
        subprocess.run([preau, "build", school, "--out", out], check=True, stdout=subprocess.DEVNULL)
        pages = sum(1 for _, _, fs in os.walk(out) for f in fs if f.endswith(".html"))
        subprocess.run([os.path.join(repo, "benches", "node_modules", ".bin", "pagefind"), "--site", out, "--output-subdir", "pagefind"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        queries = ["cahier", "lecture", "musée", "fraction", "sortie", "projet", "rivière", "chant"][: a.queries]
        result = subprocess.run(["node", os.path.join(repo, "benches", "search_measure.mjs"), out, "/ecole/", json.dumps(queries)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"search_measure.mjs failed:\n{result.stderr}")
        data = json.loads(result.stdout)
        data["family"] = family["total"]
        kib = lambda n: f"{n / 1024:.0f} KiB"
        print(f"{pages} public pages indexed by both")
        for tool in ("preau", "pagefind"):
            d = data[tool]
            print(f"{tool}: first query fetches {kib(d['first']['bytes'])} ({kib(d['first']['gzip'])} gzip) in {d['first']['requests']} requests, "
                  f"{len(queries)} queries {kib(d['all']['bytes'])} ({kib(d['all']['gzip'])} gzip) in {d['all']['requests']}; "
                  f"query time median {d['median_ms']:.1f} ms (first, load included, {d['first_ms']:.1f} ms)")
        p, f = data["preau"], data["pagefind"]
        print(f"a family of one class, as schools are (class pages sealed), first query « cahier »: public index pieces {kib(family['publicIndex'])} + its class's sealed index {kib(family['classIndex'])} + scripts {kib(family['library'])} = {kib(family['total'])}")
        r = lambda k, w: p[k][w] / f[k][w]
        print(f"ratios preau/pagefind: first-query bytes {r('first', 'bytes'):.2f} (gzip {r('first', 'gzip'):.2f}), "
              f"{len(queries)} queries' bytes {r('all', 'bytes'):.2f} (gzip {r('all', 'gzip'):.2f}), "
              f"query time {p['median_ms'] / max(f['median_ms'], 0.001):.2f}, first query {p['first_ms'] / f['first_ms']:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
