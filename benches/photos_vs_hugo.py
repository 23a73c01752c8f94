#!/usr/bin/env python3
"""Photo benchmark: Préau against Hugo's image processing, same photos, one run.

    cargo build --release && pip install pillow
    python3 benches/photos_vs_hugo.py [--photos 100] [--megapixels 12] [--runs 5]

Generates phone-sized JPEGs (noise and gradients, so they compress like
photos), then, for each tool: a first build with an empty cache, and a
rebuild after adding one new photo. Both produce the same three widths
(480, 960, 1600) per photo. Reports times (median of the runs), ratios and
output bytes per photo. The photos are generated once; each run starts from
empty outputs and caches, the tools alternating.
"""
import argparse, json, os, random, shutil, statistics, subprocess, sys, tempfile, time

def make_photos(folder, count, megapixels, seed=7):
    from PIL import Image, ImageDraw, ImageFilter
    w = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    h = int(w * 3 / 4)
    r = random.Random(seed)
    base = Image.effect_noise((w // 8, h // 8), 60).convert("RGB").resize((w, h))
    for i in range(count):
        img = base.copy()
        d = ImageDraw.Draw(img)
        for _ in range(12):
            x, y = r.randrange(w), r.randrange(h)
            s = r.randrange(w // 20, w // 4)
            d.ellipse([x - s, y - s, x + s, y + s], fill=(r.randrange(256), r.randrange(256), r.randrange(256)))
        img = img.filter(ImageFilter.GaussianBlur(2))
        img.save(os.path.join(folder, f"photo-{i:03}.jpg"), "JPEG", quality=90)

def timed(cmd, cwd=None):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t

def bytes_of(root, pattern):
    total = count = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            if pattern(f):
                total += os.path.getsize(os.path.join(dirpath, f))
                count += 1
    return total, count

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", type=int, default=100)
    ap.add_argument("--megapixels", type=float, default=12)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--preau", help="the binary (default: target/release/preau)")
    ap.add_argument("--json", help="also write the measures to this file")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    preau = a.preau or os.path.join(repo, "target", "release", "preau")
    hugo = shutil.which("hugo") or sys.exit("hugo is missing: apt-get install -y hugo")
    work = tempfile.mkdtemp(prefix="preau-bench-photos-")
    try:
        photos = os.path.join(work, "photos")
        os.makedirs(photos)
        t = time.perf_counter()
        make_photos(photos, a.photos + 1, a.megapixels)
        print(f"generated {a.photos + 1} photos of {a.megapixels} MP in {time.perf_counter() - t:.0f} s")
        names = sorted(os.listdir(photos))
        extra, names = names[-1], names[:-1]

        def run_once(k):
            # Préau: one public post with the photos in its gallery.
            school = os.path.join(work, f"ecole{k}")
            shutil.copytree(os.path.join(repo, "tests", "fixtures", "minimal"), school, ignore=shutil.ignore_patterns("public", "cache"))
            post = os.path.join(school, "actualites", "photos")
            os.makedirs(post)
            for n in names:
                shutil.copy(os.path.join(photos, n), post)
            def write_post(files):
                items = "".join(f"  - photo: {n}\n    texte: Photo {n}\n" for n in files)
                with open(os.path.join(post, "index.md"), "w") as f:
                    f.write(f"---\ntitre: Photos\ndate: 2026-11-20\ndroit_image: true\ngalerie:\n{items}---\nLa galerie.\n")
            write_post(names)
            out_p = os.path.join(work, f"out-preau{k}")
            p_first = timed([preau, "build", school, "--out", out_p])
            shutil.copy(os.path.join(photos, extra), post)
            write_post(names + [extra])
            p_again = timed([preau, "build", school, "--out", out_p])
            p_bytes, p_files = bytes_of(os.path.join(out_p, "actualites", "photos"), lambda f: f.endswith(".jpg"))

            # Hugo: a page bundle whose template resizes every image to the same widths.
            site = os.path.join(work, f"hugo{k}")
            bundle = os.path.join(site, "content", "photos")
            os.makedirs(bundle)
            os.makedirs(os.path.join(site, "layouts", "_default"))
            with open(os.path.join(site, "hugo.toml"), "w") as f:
                f.write('baseURL = "https://exemple.fr/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[imaging]\n  quality = 80\n  resampleFilter = "CatmullRom"\n')
            with open(os.path.join(site, "layouts", "_default", "single.html"), "w") as f:
                f.write('{{ range .Resources.ByType "image" }}{{ $a := .Resize "480x" }}{{ $b := .Resize "960x" }}{{ $c := .Resize "1600x" }}'
                        '<img src="{{ $b.RelPermalink }}" srcset="{{ $a.RelPermalink }} 480w, {{ $b.RelPermalink }} 960w, {{ $c.RelPermalink }} 1600w" alt="">{{ end }}')
            with open(os.path.join(site, "layouts", "_default", "list.html"), "w") as f:
                f.write("")
            with open(os.path.join(bundle, "index.md"), "w") as f:
                f.write("---\ntitle: Photos\n---\n")
            for n in names:
                shutil.copy(os.path.join(photos, n), bundle)
            out_h = os.path.join(work, f"out-hugo{k}")
            h_first = timed([hugo, "--quiet", "-s", site, "-d", out_h])
            shutil.copy(os.path.join(photos, extra), bundle)
            h_again = timed([hugo, "--quiet", "-s", site, "-d", out_h])
            h_bytes, h_files = bytes_of(os.path.join(out_h, "photos"), lambda f: "_resize_" in f or f.endswith(".jpg") and "_hu" in f)

            for d in (school, out_p, site, out_h):
                shutil.rmtree(d, ignore_errors=True)
            return p_first, p_again, p_bytes, p_files, h_first, h_again, h_bytes, h_files

        runs = []
        for k in range(a.runs):
            runs.append(run_once(k))
            r = runs[-1]
            print(f"run {k + 1}: preau {r[0]:.1f} s / {r[1]:.2f} s, hugo {r[4]:.1f} s / {r[5]:.2f} s", flush=True)
        med = lambda i: statistics.median(r[i] for r in runs)
        p_first, p_again, h_first, h_again = med(0), med(1), med(4), med(5)
        p_bytes, p_files, h_bytes, h_files = runs[-1][2], runs[-1][3], runs[-1][6], runs[-1][7]
        ratios = sorted(r[0] / r[4] for r in runs)
        print(f"median of {a.runs} run(s); first-build ratio per run from {ratios[0]:.2f} to {ratios[-1]:.2f}")
        n = a.photos
        print(f"first build, {n} photos: preau {p_first:.1f} s, hugo {h_first:.1f} s → ratio {p_first / h_first:.2f} (preau/hugo)")
        print(f"rebuild with one new photo: preau {p_again:.2f} s, hugo {h_again:.2f} s → ratio {p_again / h_again:.2f}")
        print(f"output per photo (3 widths): preau {p_bytes / (n + 1) / 1024:.0f} KiB ({p_files} files), hugo {h_bytes / (n + 1) / 1024:.0f} KiB ({h_files} files)")
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"photos": n, "runs": a.runs,
                           "first_preau_s": [r[0] for r in runs], "first_hugo_s": [r[4] for r in runs],
                           "again_preau_s": [r[1] for r in runs], "again_hugo_s": [r[5] for r in runs],
                           "first_ratio": p_first / h_first, "again_ratio": p_again / h_again,
                           "preau_kib_per_photo": p_bytes / (n + 1) / 1024, "hugo_kib_per_photo": h_bytes / (n + 1) / 1024}, f)
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
