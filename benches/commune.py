#!/usr/bin/env python3
"""A town hall's commune folder: N synthetic schools built in one command.

    python3 benches/commune.py [--schools 100] [--classes 5] [--cahier-days 700] [--posts 350]

Generates a commune folder of N schools (each a school year of content:
cahier days, class posts, resources; no photos), gives each school its own
codes (`preau access generer`), then measures with GNU time:

1. `preau build COMMUNE` from scratch: total time, peak memory, time per school;
2. the same command again with nothing changed (every school skipped);
3. one post changed in one school: only that school is rebuilt.

Then each school gets its own directeur key (one IEN key for all), is
submitted and approved, and the commune is published to a folder target
(`publication: dossier` in `commune.yaml`, one folder per school):

4. `preau deploy COMMUNE` the first time (every school sent);
5. again with nothing changed (every school « inchangée »);
6. after the changed school is submitted and approved again: only that
   school is sent (files and bytes sent, time).

`--deploy-schools K` publishes only the first K schools (the others are
left out of `commune.yaml`'s list for steps 4-6) when the whole commune
would take too long on a loaded machine.
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


def run(cmd, cwd=None):
    """stdout of a command that must succeed."""
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout


def approve(preau, school, ien_dir):
    """Submits and approves one school's site; seconds taken."""
    begin = time.perf_counter()
    out = run([preau, "submit"], cwd=school)
    line = next(l for l in out.splitlines() if l.startswith("Envoyez à l'IEN le fichier : "))
    submission = os.path.join(school, line.split(" : ", 1)[1])
    run([preau, "approve", submission, "--cle", "ien.key", "--ecole", school, "--oui"], cwd=ien_dir)
    return time.perf_counter() - begin


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--classes", type=int, default=5)
    parser.add_argument("--cahier-days", type=int, default=700)
    parser.add_argument("--posts", type=int, default=350)
    parser.add_argument("--deploy-schools", type=int, help="schools published in steps 4-6 (default: all)")
    parser.add_argument("--preau", help="a preau binary (default: cargo build --release)")
    args = parser.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("GNU time is needed for the peak memory: apt-get install time")
    preau = args.preau and os.path.abspath(args.preau)
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
            text = open(path, encoding="utf-8").read().replace("https://ecoles.ville-test.fr/ecole/", f"https://ecoles.ville-test.fr/ecole-{n:03d}/")
            open(path, "w", encoding="utf-8").write(text)
            subprocess.run([preau, "access", "generer", "--ecole", school], check=True, capture_output=True)
        print(f"generated {args.schools} schools in {time.perf_counter() - begin:.0f} s")

        seconds, rss, out = timed([preau, "build", commune])
        print(out.strip().splitlines()[-1])
        print(f"full build:        {seconds:7.2f} s, peak {rss:.0f} MiB, {seconds / args.schools * 1000:.0f} ms per school")
        seconds, rss, _ = timed([preau, "build", commune])
        print(f"nothing changed:   {seconds:7.2f} s, peak {rss:.0f} MiB")
        changed = f"ecole-{min(42, args.schools - 1):03d}"
        post = os.path.join(commune, changed, "classes", "c1", "blog", "article-0.md")
        with open(post, "a", encoding="utf-8") as f:
            f.write("\nUne phrase de plus.\n")
        seconds, rss, out = timed([preau, "build", commune])
        print(f"one school changed: {seconds:6.2f} s, peak {rss:.0f} MiB ({out.strip().splitlines()[-1]})")

        # Publishing: keys, one submission and approval a school, a folder target.
        k = args.deploy_schools or args.schools
        names = [f"ecole-{n:03d}" for n in range(k)]
        if changed not in names:
            names[-1] = changed
        ien_dir = os.path.join(tmp, "ien")
        os.makedirs(ien_dir)
        run([preau, "cles", "generer", "--role", "ien", "--dossier", ".", "--sans-mot-de-passe"], cwd=ien_dir)
        ien_key = open(os.path.join(ien_dir, "ien.pub")).read().splitlines()[1]
        approving = 0.0
        for name in names:
            school = os.path.join(commune, name)
            run([preau, "keys", "generate", "--role", "directeur", "--sans-mot-de-passe"], cwd=school)
            directeur = open(os.path.join(school, ".preau", "cles", "directeur.pub")).read().splitlines()[1]
            with open(os.path.join(school, "ecole.yaml"), "a", encoding="utf-8") as f:
                f.write(f"confiance:\n  directeur: {directeur}\n  ien: {ien_key}\n  expiration: 2099-08-31\n")
            approving += approve(preau, school, ien_dir)
        print(f"submitted and approved {len(names)} schools in {approving:.0f} s ({approving / len(names):.1f} s a school)")
        with open(os.path.join(commune, "commune.yaml"), "w") as f:
            f.write("nom: Ville de Test\npublication:\n  type: dossier\n  chemin: web\necoles:\n")
            f.writelines(f"  - {name}\n" for name in names)
        # The keys and commune.yaml changed: build once more so that the
        # fingerprints are those of the approved schools.
        timed([preau, "build", commune])

        seconds, rss, out = timed([preau, "deploy", commune])
        print(f"first deploy, {len(names)} schools: {seconds:6.2f} s, peak {rss:.0f} MiB ({out.strip().splitlines()[-1]})")
        seconds, rss, out = timed([preau, "deploy", commune])
        print(f"deploy, nothing changed: {seconds:6.2f} s, peak {rss:.0f} MiB ({out.strip().splitlines()[-1]})")
        school = os.path.join(commune, changed)
        with open(post, "a", encoding="utf-8") as f:
            f.write("\nEt une autre, publiée cette fois.\n")
        seconds, rss, out = timed([preau, "build", commune])
        print(f"one school changed again: {seconds:6.2f} s, peak {rss:.0f} MiB ({out.strip().splitlines()[-1]})")
        print(f"{changed} submitted and approved again in {approve(preau, school, ien_dir):.1f} s")
        seconds, rss, out = timed([preau, "deploy", commune])
        sent = re.search(r"(\d+) fichier\(s\) envoyé\(s\) \(([^)]*)\)", out.split(changed, 1)[1])
        print(f"deploy, one school changed: {seconds:6.2f} s, peak {rss:.0f} MiB, {changed}: {sent.group(1)} files sent ({sent.group(2)}) ({out.strip().splitlines()[-1]})")


if __name__ == "__main__":
    main()
