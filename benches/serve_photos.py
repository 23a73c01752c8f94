#!/usr/bin/env python3
"""Live preview with many photos: does a text save read any photo?
(issue 13: every save used to re-read and re-hash every photo.)

    cargo build --release
    python3 benches/serve_photos.py [--photos 1000] [--edits 10]

Copies the example school, adds one post whose gallery holds N photos
(copies of the example's photos, dated an hour ago as photos copied from a
camera are), starts `preau -v serve`, then appends a word to a text post
N times and polls its URL every 2 ms until the word is served. Reports the
median save → served time and, from the log, how many photo files each
rebuild read (the first load reads them all once; a save should read none).
"""
import argparse, glob, os, re, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_vs_hugo import free_port, measure, wait_until  # noqa: E402

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--preau", help="the binary (default: target/release/preau)")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    preau = a.preau or os.path.join(repo, "target", "release", "preau")
    work = tempfile.mkdtemp(prefix="preau-bench-photos-")
    school = os.path.join(work, "ecole")
    shutil.copytree(os.path.join(repo, "example-school"), school, ignore=shutil.ignore_patterns("public", "cache"))
    originals = sorted(p for p in glob.glob(os.path.join(school, "**", "*.jpg"), recursive=True))
    post = os.path.join(school, "classes", "cm1", "blog", "album")
    os.makedirs(post)
    past = time.time() - 3600
    gallery = []
    for i in range(a.photos):
        name = f"photo-{i:04}.jpg"
        shutil.copyfile(originals[i % len(originals)], os.path.join(post, name))
        os.utime(os.path.join(post, name), (past, past))
        gallery.append(f"  - photo: {name}\n    texte: Photo {i}\n")
    with open(os.path.join(post, "index.md"), "w", encoding="utf-8") as f:
        f.write("---\ntitre: Album de l'année\ndate: 2026-11-20\ngalerie:\n" + "".join(gallery) + "---\nL'album.\n")
    for p in originals:
        os.utime(p, (past, past))
    log_path = os.path.join(work, "serve.log")
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen([preau, "-v", "serve", school, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=log)
    try:
        url = f"http://127.0.0.1:{port}/jean-jaures/classes/cm1/blog/rentree-cm1/"
        t0 = time.perf_counter()
        assert wait_until(url, lambda b: "<h1>" in b, 600), "preau serve did not start"
        print(f"first load with {a.photos} added photos: {time.perf_counter() - t0:.1f} s")
        times = measure(os.path.join(school, "classes/cm1/blog/rentree-cm1.md"), url, a.edits)
    finally:
        proc.terminate()
        proc.wait()
    reads = [(int(m.group(1)), int(m.group(2))) for m in re.finditer(r"(\d+) fichier\(s\) photo lu\(s\) \((\d+) octets\)", open(log_path).read())]
    shutil.rmtree(work, ignore_errors=True)
    print(f"save → page served, median {statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}, {len(times)} edits)")
    print(f"photo files read: first load {reads[0][0]} ({reads[0][1]} bytes); each of the {len(reads) - 1} rebuilds after a save: {sorted(set(r[0] for r in reads[1:]))} files, {sum(r[1] for r in reads[1:])} bytes in all")

if __name__ == "__main__":
    main()
