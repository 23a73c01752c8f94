#!/usr/bin/env python3
"""Live preview benchmark: from saving a post to the rebuilt page being
served, `preau serve` against `hugo server`, on the same synthetic school
(the one of build_vs_hugo.py), in one run; Préau alone on the example school.

    cargo build --release
    python3 benches/serve_vs_hugo.py [--edits 10]

Each edit appends a unique word to one post, then polls the post's URL
every 2 ms until the word is served. Reports medians in milliseconds.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_vs_hugo import generate  # noqa: E402

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""

def wait_until(url, predicate, timeout=60):
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if predicate(fetch(url)):
            return True
        time.sleep(0.002)
    return False

def measure(post_file, url, edits):
    original = open(post_file, encoding="utf-8").read()
    times = []
    try:
        for i in range(edits):
            word = f"mesure{i}x{int(time.time() * 1000) % 100000}"
            t0 = time.perf_counter()
            with open(post_file, "w", encoding="utf-8") as f:
                f.write(original + f"\nMot témoin {word}.\n")
            if not wait_until(url, lambda body: word in body, 30):
                raise SystemExit(f"timeout waiting for {url}")
            times.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.3)
    finally:
        with open(post_file, "w", encoding="utf-8") as f:
            f.write(original)
    return times

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--cahier-days", type=int, default=2000)
    ap.add_argument("--posts", type=int, default=700)
    ap.add_argument("--preau", help="the binary (default: target/release/preau)")
    ap.add_argument("--json", help="also write the measures to this file")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    preau = a.preau or os.path.join(repo, "target", "release", "preau")
    hugo = shutil.which("hugo") or sys.exit("hugo is missing: apt-get install -y hugo")
    work = tempfile.mkdtemp(prefix="preau-bench-serve-")
    school, site = os.path.join(work, "ecole"), os.path.join(work, "hugo")
    generate(school, site, a.classes, a.cahier_days, a.posts, 1)
    subprocess.run([preau, "access", "generer", "--ecole", school], check=True, stdout=subprocess.DEVNULL)
    results = {}
    procs = []
    try:
        # Préau on the synthetic school.
        port = free_port()
        procs.append(subprocess.Popen([preau, "serve", school, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}/ecole/classes/c1/blog/article-0/"
        assert wait_until(url, lambda b: "<h1>" in b), "preau serve did not start"
        results["preau (synthetic school)"] = measure(os.path.join(school, "classes/c1/blog/article-0.md"), url, a.edits)
        procs[-1].terminate()
        # Hugo on the same content.
        port = free_port()
        procs.append(subprocess.Popen([hugo, "server", "-s", site, "--bind", "127.0.0.1", "--port", str(port), "--baseURL", f"http://127.0.0.1:{port}/", "--appendPort=false"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}/classes/c1/blog/article-0/"
        assert wait_until(url, lambda b: "<h1>" in b, 120), "hugo server did not start"
        results["hugo (synthetic school)"] = measure(os.path.join(site, "content/classes/c1/blog/article-0.md"), url, a.edits)
        procs[-1].terminate()
        # Préau on the example school (a copy).
        example = os.path.join(work, "example")
        shutil.copytree(os.path.join(repo, "example-school"), example, ignore=shutil.ignore_patterns("public"))
        port = free_port()
        procs.append(subprocess.Popen([preau, "serve", example, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}/jean-jaures/classes/cm1/blog/rentree-cm1/"
        assert wait_until(url, lambda b: "<h1>" in b), "preau serve (example) did not start"
        results["preau (example school)"] = measure(os.path.join(example, "classes/cm1/blog/rentree-cm1.md"), url, a.edits)
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)
    for name, times in results.items():
        print(f"{name}: save → page served, median {statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}, {len(times)} edits)")
    p, h = statistics.median(results["preau (synthetic school)"]), statistics.median(results["hugo (synthetic school)"])
    print(f"ratio preau/hugo on the same school: {p / h:.2f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"edits": a.edits, "ms": results, "ratio": p / h}, f)

if __name__ == "__main__":
    main()
