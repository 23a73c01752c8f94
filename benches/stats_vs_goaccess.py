#!/usr/bin/env python3
"""`preau stats` on a generated year of access log, against GoAccess.

Builds the example school (for its publication map), generates a
"combined" access log of N lines spread over a school year (families
opening their class, public readers, staff, robots, a few broken lines),
then times `preau stats` and, when installed (Debian's `goaccess`),
`goaccess` on the same log, and reports lines per second and peak memory
(GNU time's maximum resident set size).

    python3 benches/stats_vs_goaccess.py [--lines 1000000] [--runs 3]
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
]


def generate(path, lines, site_map, base):
    rng = random.Random(42)
    by_area = {}
    public = []
    for file, entry in site_map["fichiers"].items():
        if entry["audience"] == "public":
            public.append(file)
        else:
            by_area.setdefault(entry["audience"], []).append(file)
    areas = sorted(by_area)
    start = datetime.datetime(2025, 9, 1, 7, 0)
    step = datetime.timedelta(days=365) / lines
    t = start
    written = 0
    with open(path, "w") as out:
        while written < lines:
            ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            kind = rng.random()
            if kind < 0.05:
                agent, files = rng.choice(BOTS), rng.sample(public, min(5, len(public)))
            elif kind < 0.55 and areas:
                area = rng.choice(areas)
                agent = rng.choice(AGENTS)
                files = ["acces/cles.json"] + rng.sample(by_area[area], min(6, len(by_area[area])))
            else:
                agent, files = rng.choice(AGENTS), rng.sample(public, min(4, len(public)))
            for f in files:
                if written >= lines:
                    break
                stamp = f"{t.day:02d}/{MONTHS[t.month - 1]}/{t.year}:{t.hour:02d}:{t.minute:02d}:{t.second:02d} +0100"
                target = base + (f[: -len("index.html")] if f.endswith("index.html") else f)
                if written % 997 == 0:
                    out.write("ligne abîmée sans format\n")
                else:
                    out.write(f'{ip} - - [{stamp}] "GET {target} HTTP/1.1" 200 {rng.randrange(300, 90000)} "-" "{agent}"\n')
                written += 1
                t += step


def timed(cmd, cwd):
    """(seconds, peak RSS in KiB) of one run, by GNU time when present."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    if os.path.exists(gnu_time):
        cmd = [gnu_time, "-v"] + cmd
    begin = time.perf_counter()
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - begin
    if run.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{run.stdout}\n{run.stderr}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    return elapsed, int(match.group(1)) if match else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--preau", help="a preau binary (default: cargo build --release)")
    args = parser.parse_args()
    preau = args.preau
    if not preau:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        preau = os.path.join(REPO, "target", "release", "preau")
    with tempfile.TemporaryDirectory() as tmp:
        school = os.path.join(tmp, "ecole")
        shutil.copytree(os.path.join(REPO, "example-school"), school, ignore=shutil.ignore_patterns("public"))
        subprocess.run([preau, "build", school, "--out", os.path.join(tmp, "site")], check=True, capture_output=True)
        site_map = json.load(open(os.path.join(school, ".preau", "statistiques", "carte.json")))
        url = re.search(r"^url:\s*(\S+)", open(os.path.join(school, "ecole.yaml")).read(), re.M).group(1)
        base = "/" + url.split("://", 1)[1].split("/", 1)[1]
        log = os.path.join(tmp, "access.log")
        generate(log, args.lines, site_map, base)
        size = os.path.getsize(log) / 1e6
        print(f"log: {args.lines} lines, {size:.0f} MB")
        results = {}
        runs = {"preau stats": [preau, "stats", log, "--ecole", school, "--sortie", os.path.join(tmp, "rapport")]}
        if shutil.which("goaccess"):
            runs["goaccess"] = ["goaccess", log, "--log-format=COMBINED", "-o", os.path.join(tmp, "goaccess.html")]
        else:
            print("goaccess not installed (apt-get install goaccess): preau alone")
        for name, cmd in runs.items():
            samples = [timed(cmd, tmp) for _ in range(args.runs)]
            seconds = sorted(s for s, _ in samples)[len(samples) // 2]
            rss = max(r for _, r in samples)
            results[name] = (seconds, rss)
            print(f"{name:12s} median {seconds:.2f} s, {args.lines / seconds / 1e6:.2f} M lines/s, peak {rss / 1024:.0f} MiB")
        if "goaccess" in results:
            (ps, pr), (gs, gr) = results["preau stats"], results["goaccess"]
            print(f"ratio preau/goaccess: time {ps / gs:.2f}, memory {pr / max(gr, 1):.2f}")


if __name__ == "__main__":
    main()
