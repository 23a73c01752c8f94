#!/usr/bin/env python3
"""A town hall's commune folder: N synthetic schools built in one command.

    python3 benches/commune.py [--schools 100] [--classes 5] [--cahier-days 700] [--posts 350]

Generates a commune folder of N schools (each a school year of content:
cahier days, class posts, resources; no photos), gives each school its own
codes (`preau access generer`), then measures with GNU time:

1. `preau build COMMUNE` from scratch: total time, peak memory, time per school;
2. the same command again with nothing changed (every school skipped);
3. one post changed in one school: only that school is rebuilt.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_vs_hugo import generate  # noqa: E402  (same content as the build benchmark)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    """(seconds, peak RSS in MiB, stdout) of one run under GNU time."""
    begin = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - begin
    if run.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    return elapsed, int(rss.group(1)) / 1024 if rss else 0.0, run.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--classes", type=int, default=5)
    parser.add_argument("--cahier-days", type=int, default=700)
    parser.add_argument("--posts", type=int, default=350)
    parser.add_argument("--preau", help="a preau binary (default: cargo build --release)")
    args = parser.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("GNU time is needed for the peak memory: apt-get install time")
    preau = args.preau
    if not preau:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        preau = os.path.join(REPO, "target", "release", "preau")
    with tempfile.TemporaryDirectory() as tmp:
        commune = os.path.join(tmp, "ville")
        os.makedirs(commune)
        with open(os.path.join(commune, "commune.yaml"), "w") as f:
            f.write("nom: Ville de Test\n")
        begin = time.perf_counter()
        for n in range(args.schools):
            school = os.path.join(commune, f"ecole-{n:03d}")
            scratch = os.path.join(tmp, "hugo-unused")
            generate(school, scratch, args.classes, args.cahier_days, args.posts, seed=n)
            shutil.rmtree(scratch)
            path = os.path.join(school, "ecole.yaml")
            text = open(path, encoding="utf-8").read().replace("https://exemple.fr/ecole/", f"https://ecoles.exemple.fr/ecole-{n:03d}/")
            open(path, "w", encoding="utf-8").write(text)
            subprocess.run([preau, "access", "generer", "--ecole", school], check=True, capture_output=True)
        print(f"generated {args.schools} schools in {time.perf_counter() - begin:.0f} s")

        seconds, rss, out = timed([preau, "build", commune])
        print(out.strip().splitlines()[-1])
        print(f"full build:        {seconds:7.2f} s, peak {rss:.0f} MiB, {seconds / args.schools * 1000:.0f} ms per school")
        seconds, rss, _ = timed([preau, "build", commune])
        print(f"nothing changed:   {seconds:7.2f} s, peak {rss:.0f} MiB")
        post = os.path.join(commune, "ecole-042", "classes", "c1", "blog", "article-0.md")
        with open(post, "a", encoding="utf-8") as f:
            f.write("\nUne phrase de plus.\n")
        seconds, rss, out = timed([preau, "build", commune])
        print(f"one school changed: {seconds:6.2f} s, peak {rss:.0f} MiB ({out.strip().splitlines()[-1]})")


if __name__ == "__main__":
    main()
