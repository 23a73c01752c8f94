#!/usr/bin/env python3
"""Photo formats: bytes per photo against perceptual quality (SSIMULACRA2).

    cargo build --release && pip install pillow ssimulacra2
    python3 benches/photo_formats.py [--preau target/release/preau]

Makes three reference images (PNG, lossless, 1,600 px wide at most): a
photo from the photo benchmark's generator (noise, blur and discs), a composite with sharp
edges and smooth gradients (a Mandelbrot set over gradients), and the
example school's mosaic. Then, for each candidate and quality:

- JPEG: Préau itself (mozjpeg, `photos: qualite:` in `ecole.yaml`), which
  writes the three widths (1,600, 960, 480) of each reference;
- WebP (libwebp, method 6) and AVIF (libavif/aom, speed 6), through Pillow,
  at the same three widths (Catmull-Rom from the reference, as Préau does).

Scores the 1,600 px output against its reference with SSIMULACRA2 (the
`ssimulacra2` Python package: 90 visually lossless, 80 very high, 70 high,
50 medium quality) and reports the mean score and the mean bytes per photo
over the three widths; then interpolates, for each format, the bytes per
photo at the score of Préau's default JPEG quality and at fixed scores.
No real phone photo is used: this workplace has none.
"""
import argparse, os, shutil, subprocess, sys, tempfile

from PIL import Image, ImageDraw, ImageFilter
from ssimulacra2 import compute_ssimulacra2

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WIDTHS = (1600, 960, 480)


def widths_for(width):
    """Préau's widths for an image: those below its width, and its own when
    it is below the largest; widest first."""
    return sorted({min(width, WIDTHS[0])} | {w for w in WIDTHS if w < width}, reverse=True)
QUALITIES = {
    "jpeg": (70, 85, 92),
    "webp": (60, 75, 90),
    "avif": (40, 55, 70),
}


def references(folder):
    sys.path.insert(0, HERE)
    from photos_vs_hugo import make_photos

    gen = os.path.join(folder, "gen")
    os.makedirs(gen)
    make_photos(gen, 1, 12)
    sources = [Image.open(os.path.join(gen, n)) for n in sorted(os.listdir(gen))]
    w, h = 4000, 3000
    art = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    art = Image.merge("RGB", (art.getchannel(0), Image.radial_gradient("L").resize((w, h)), art.getchannel(0).rotate(180)))
    fractal = Image.effect_mandelbrot((w, h), (-2.2, -1.2, 0.8, 1.05), 200)
    art.paste(Image.merge("RGB", (fractal, fractal.rotate(180), fractal)), mask=fractal.point(lambda v: 255 if v > 40 else 0))
    d = ImageDraw.Draw(art)
    for i in range(40):
        d.text((100 + 90 * i, 120 + 60 * (i % 7)), "Préau", fill=(255, 255, 255))
    sources.append(art)
    sources.append(Image.open(os.path.join(REPO, "example-school", "classes", "cm1", "blog", "sortie-au-musee", "mosaique.jpg")))
    refs = []
    for i, img in enumerate(sources):
        img = img.convert("RGB")
        if img.width > 1600:
            img = img.resize((1600, round(img.height * 1600 / img.width)), Image.LANCZOS)
        path = os.path.join(folder, f"ref{i}.png")
        img.save(path)
        refs.append(path)
    return refs


def jpeg_with_preau(preau, refs, quality, work):
    school = os.path.join(work, f"ecole-q{quality}")
    shutil.copytree(os.path.join(REPO, "tests", "fixtures", "minimal"), school, ignore=shutil.ignore_patterns("public", "cache"))
    with open(os.path.join(school, "ecole.yaml"), "a") as f:
        f.write(f"photos:\n  qualite: {quality}\n")
    post = os.path.join(school, "actualites", "formats")
    os.makedirs(post)
    items = ""
    for r in refs:
        shutil.copy(r, post)
        items += f"  - photo: {os.path.basename(r)}\n    texte: {os.path.basename(r)}\n"
    with open(os.path.join(post, "index.md"), "w") as f:
        f.write(f"---\ntitre: Formats\ndate: 2026-11-20\ndroit_image: true\ngalerie:\n{items}---\nLes formats.\n")
    out = os.path.join(work, f"out-q{quality}")
    subprocess.run([preau, "build", school, "--out", out], check=True, stdout=subprocess.DEVNULL)
    folder = os.path.join(out, "actualites", "formats")
    result = []
    for r in refs:
        stem = os.path.splitext(os.path.basename(r))[0]
        files = [os.path.join(folder, f"{stem}-{w}.jpg") for w in widths_for(Image.open(r).width)]
        result.append((files[0], sum(os.path.getsize(f) for f in files)))
    return result


def encode_with_pillow(fmt, refs, quality, work):
    result = []
    for r in refs:
        img = Image.open(r).convert("RGB")
        total, first = 0, None
        for w in widths_for(img.width):
            scaled = img if w == img.width else img.resize((w, round(img.height * w / img.width)), Image.BICUBIC)
            path = os.path.join(work, f"{os.path.basename(r)}-{fmt}{quality}-{w}.{fmt}")
            if fmt == "webp":
                scaled.save(path, "WEBP", quality=quality, method=6)
            else:
                scaled.save(path, "AVIF", quality=quality, speed=6, subsampling="4:2:0")
            total += os.path.getsize(path)
            first = first or path
        result.append((first, total))
    return result


def interpolate(points, score):
    """Bytes at a score, linear between the measured (score, bytes) points."""
    points = sorted(points)
    for (s0, b0), (s1, b1) in zip(points, points[1:]):
        if s0 <= score <= s1:
            return b0 + (b1 - b0) * (score - s0) / (s1 - s0) if s1 > s0 else b0
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preau", default=os.path.join(REPO, "target", "release", "preau"))
    ap.add_argument("--default-quality", type=int, default=None, help="Préau's default JPEG quality (read from src/images/mod.rs)")
    a = ap.parse_args()
    default_q = a.default_quality
    if default_q is None:
        src = open(os.path.join(REPO, "src", "images", "mod.rs")).read()
        default_q = int(src.split("fn default_quality() -> u8 {")[1].split("}")[0].strip())
    work = tempfile.mkdtemp(prefix="preau-bench-formats-")
    try:
        refs = references(work)
        sizes = [Image.open(r).size for r in refs]
        print(f"{len(refs)} references: " + ", ".join(f"{w}×{h}" for w, h in sizes))
        curves = {}
        print(f"{'format':<6} {'quality':>7} {'SSIMULACRA2 (mean; each)':<40} {'KiB a photo, all widths (mean; each)'}")
        for fmt, qualities in QUALITIES.items():
            if fmt == "jpeg" and default_q not in qualities:
                qualities = tuple(sorted(qualities + (default_q,)))
            for q in qualities:
                out = jpeg_with_preau(a.preau, refs, q, work) if fmt == "jpeg" else encode_with_pillow(fmt, refs, q, work)
                scores = [compute_ssimulacra2(r, o) for r, (o, _) in zip(refs, out)]
                kib = [b / 1024 for _, b in out]
                mean_s, mean_k = sum(scores) / len(scores), sum(kib) / len(kib)
                curves.setdefault(fmt, []).append((mean_s, mean_k, q))
                each_s = " ".join(f"{s:.1f}" for s in scores)
                each_k = " ".join(f"{k:.0f}" for k in kib)
                print(f"{fmt:<6} {q:>7} {mean_s:>6.1f} ({each_s}){'':<{max(0, 31 - len(each_s))}} {mean_k:>6.1f} ({each_k})", flush=True)
        target = next(s for s, _, q in curves["jpeg"] if q == default_q)
        print()
        for label, score in ((f"Préau's JPEG q{default_q}", target), ("score 80 (very high)", 80.0), ("score 70 (high)", 70.0)):
            row = []
            for fmt, pts in curves.items():
                kib = interpolate([(s, k) for s, k, _ in pts], score)
                row.append(f"{fmt} {kib:.0f} KiB" if kib is not None else f"{fmt} out of range")
            print(f"at {label} = {score:.1f}: " + ", ".join(row) + " a photo (all widths)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
