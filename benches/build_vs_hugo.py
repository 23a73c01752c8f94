#!/usr/bin/env python3
"""Build benchmark: Préau against Hugo on the same synthetic school, one run.

    cargo build --release
    python3 benches/build_vs_hugo.py [--classes 10] [--cahier-days 2000] [--posts 700] [--runs 5]

Generates a school of the given size (no images) twice: as a Préau school
folder and as a Hugo site with the same pages (posts, cahier days with their
homework, class homes, paginated lists), then times full builds of each,
alternating, and prints the medians and the ratio preau/hugo (below 1:
Préau is faster). Préau's build includes what Hugo does not do: sealing
every class page (AES-GCM) and checking every link.
"""
import argparse, json, os, random, shutil, statistics, subprocess, sys, tempfile, time, datetime as dt

WORDS = ("élève classe école lecture écriture calcul problème fraction nombre dictée poésie chant dessin sortie musée "
         "jardin graine plante saison automne hiver printemps été histoire géographie carte village rivière montagne mer "
         "projet atelier semaine journée matin après-midi récréation cantine bibliothèque livre album conte héros loup "
         "renard forêt cahier leçon exercice correction tableau ardoise couleur peinture musique rythme théâtre sport "
         "course ballon équipe jeu règle respect partage amitié famille parents maison devoir travail révision table").split()
SUBJECTS = ["Français", "Mathématiques", "Questionner le monde", "Anglais", "EPS", "Arts plastiques", "Histoire", "Sciences"]

def sentence(r, n):
    words = [r.choice(WORDS) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."

def paragraph(r, sentences):
    return " ".join(sentence(r, r.randint(8, 16)) for _ in range(sentences))

def post_body(r):
    parts = [paragraph(r, r.randint(3, 5)), "- " + sentence(r, 6) + "\n- " + sentence(r, 7) + "\n- " + sentence(r, 5),
             paragraph(r, r.randint(3, 5)) + " Voir le site [Lumni](https://www.lumni.fr).", "*" + sentence(r, 10) + "*"]
    return "\n\n".join(parts) + "\n"

def school_days(count):
    d, out = dt.date(2024, 9, 2), []
    while len(out) < count:
        if d.weekday() in (0, 1, 3, 4):
            out.append(d)
        d += dt.timedelta(days=1)
    return out

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

def generate(root_preau, root_hugo, classes, days_total, posts_total, seed):
    r = random.Random(seed)
    ids = [f"c{i + 1}" for i in range(classes)]
    write(f"{root_preau}/ecole.yaml", f"""nom: École de test
uai: 0999999Z
adresse: 1 rue du Test
code_postal: "99999"
commune: Testville
academie: Test
circonscription: Test
ien: Mme Test
directeur: M. Test
url: https://ecoles.ville-test.fr/ecole/
annee_scolaire: {dt.date.today().year}-{dt.date.today().year + 1}
hebergeur:
  nom: Mairie
  adresse: 1 place de la Mairie
  telephone: 01 00 00 00 00
accessibilite:
  statut: non conforme
  date: 2024-09-01
classes: [{', '.join(ids)}]
""")
    write(f"{root_hugo}/hugo.toml", 'baseURL = "https://ecoles.ville-test.fr/ecole/"\nlanguageCode = "fr"\ntitle = "École de test"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[pagination]\n  pagerSize = 10\n')
    layouts = {
        "_default/baseof.html": '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} — {{ site.Title }}</title></head>'
                                 '<body><nav><a href="{{ site.BaseURL }}">Accueil</a></nav><main>{{ block "main" . }}{{ end }}</main></body></html>',
        "_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>{{ .Content }}'
                                 '{{ with .Params.a_faire }}<h2>Travail à faire</h2><ul>{{ range . }}<li>{{ .pour }} — {{ .matiere }} : {{ .travail }}</li>{{ end }}</ul>{{ end }}'
                                 '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</article>{{ end }}',
        "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>'
                               '{{ with .Paginator.Next }}<a href="{{ .URL }}">suivant</a>{{ end }}{{ range .Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}',
        "index.html": '{{ define "main" }}<h1>{{ site.Title }}</h1>{{ range first 5 (where site.RegularPages "Section" "actualites") }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}',
    }
    for name, text in layouts.items():
        write(f"{root_hugo}/layouts/{name}", text)
    write(f"{root_hugo}/content/_index.md", "---\ntitle: Accueil\n---\n")
    write(f"{root_hugo}/content/classes/_index.md", "---\ntitle: Les classes\n---\n")
    write(f"{root_preau}/pages/accueil.md", "---\ntitre: Accueil\n---\n" + paragraph(r, 3) + "\n")
    write(f"{root_hugo}/content/actualites/_index.md", "---\ntitle: Actualités\n---\n")
    for n in range(20):
        date = (dt.date(2024, 9, 2) + dt.timedelta(days=7 * n)).isoformat()
        title, body = sentence(r, 4)[:-1], post_body(r)
        write(f"{root_preau}/actualites/actu-{n}.md", f"---\ntitre: {title}\ndate: {date}\n---\n{body}")
        write(f"{root_hugo}/content/actualites/actu-{n}.md", f"---\ntitle: {title}\ndate: {date}\n---\n{body}")
    days = school_days(days_total // classes + 1)
    for ci, cid in enumerate(ids):
        write(f"{root_preau}/classes/{cid}/classe.yaml", f"nom: Classe {cid}\nniveau: CM1\nenseignants: [Mme {cid}]\n")
        for section, title in [("", f"Classe {cid}"), ("blog/", "Actualités"), ("cahier/", "Cahier de textes")]:
            write(f"{root_hugo}/content/classes/{cid}/{section}_index.md", f"---\ntitle: {title}\n---\n")
        n_posts = posts_total // classes + (1 if ci < posts_total % classes else 0)
        for p in range(n_posts):
            date = (dt.date(2024, 9, 2) + dt.timedelta(days=p * 3)).isoformat()
            title, body = sentence(r, 5)[:-1], post_body(r)
            write(f"{root_preau}/classes/{cid}/blog/article-{p}.md", f"---\ntitre: {title}\ndate: {date}\n---\n{body}")
            write(f"{root_hugo}/content/classes/{cid}/blog/article-{p}.md", f"---\ntitle: {title}\ndate: {date}\n---\n{body}")
        n_days = days_total // classes + (1 if ci < days_total % classes else 0)
        for i, day in enumerate(days[:n_days]):
            due = days[min(i + 1, len(days) - 1)].isoformat()
            hw = "".join(f"  - pour: {due}\n    matiere: {r.choice(SUBJECTS)}\n    travail: {sentence(r, 8)}\n" for _ in range(r.randint(1, 2)))
            body = "\n".join(f"## {s}\n{paragraph(r, r.randint(1, 3))}\n" for s in r.sample(SUBJECTS, r.randint(2, 4)))
            write(f"{root_preau}/classes/{cid}/cahier/{day.isoformat()}.md", f"---\na_faire:\n{hw}---\n{body}")
            write(f"{root_hugo}/content/classes/{cid}/cahier/{day.isoformat()}.md", f"---\ntitle: Cahier du {day.isoformat()}\ndate: {day.isoformat()}\na_faire:\n{hw}---\n{body}")
        links = "\n".join(f"- [{sentence(r, 3)[:-1]}](https://www.lumni.fr) — {sentence(r, 6)}" for _ in range(8))
        write(f"{root_preau}/classes/{cid}/ressources.md", f"---\ntitre: Ressources\n---\n## Liens\n{links}\n")
        write(f"{root_hugo}/content/classes/{cid}/ressources.md", f"---\ntitle: Ressources\n---\n## Liens\n{links}\n")

def count_html(d):
    return sum(1 for _, _, fs in os.walk(d) for f in fs if f.endswith(".html"))

def count_files(d):
    return sum(len(fs) for _, _, fs in os.walk(d))

def timed(cmd, peaks=None, cpu=None):
    """Runs a command; returns its wall time in seconds and, when `peaks` is
    a list, appends its peak resident memory in MiB (from wait4's rusage,
    so the measure is of that process alone), and when `cpu` is a list, its
    CPU time (user and system, every thread) in seconds."""
    # Each tool starts with the disk's write-back done: otherwise one pays
    # for the files the other (or the previous run) left in memory.
    os.sync()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    if peaks is not None:
        peaks.append(usage.ru_maxrss / 1024)
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    return elapsed

def touch_post(path, word):
    """Appends a sentence to a post, as a teacher's edit would."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\nMot ajouté {word}.\n")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--cahier-days", type=int, default=2000)
    ap.add_argument("--posts", type=int, default=700)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--preau", help="the binary (default: target/release/preau, built if missing)")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    preau = a.preau or os.path.join(repo, "target", "release", "preau")
    hugo = shutil.which("hugo")
    if not hugo:
        sys.exit("hugo is missing: apt-get install -y hugo (bash .ci/run installs it)")
    if not os.path.exists(preau):
        subprocess.run(["cargo", "build", "--release"], cwd=repo, check=True)
    work = a.workdir or tempfile.mkdtemp(prefix="preau-bench-")
    school, site = os.path.join(work, "ecole"), os.path.join(work, "hugo")
    generate(school, site, a.classes, a.cahier_days, a.posts, a.seed)
    subprocess.run([preau, "access", "generer", "--ecole", school], check=True, stdout=subprocess.DEVNULL)
    out_p, out_h = os.path.join(work, "out-preau"), os.path.join(work, "out-hugo")
    cmd_p = [preau, "build", school, "--out", out_p]
    cmd_h = [hugo, "--quiet", "-s", site, "-d", out_h]
    timed(cmd_p), timed(cmd_h)  # warm-up: file cache, binaries
    # Into an empty folder (every file written), then over the previous
    # output (what a teacher's rebuild does), alternating the two tools.
    # Then after one post changed: Préau's rebuild against Hugo's (Hugo has
    # no incremental build outside its server: its full build is the peer).
    fp, fh, tp, th, cp, ch, mem_p, mem_h = [], [], [], [], [], [], [], []
    cpu_p, cpu_h = [], []
    post_p = os.path.join(school, "classes", "c1", "blog", "article-0.md")
    post_h = os.path.join(site, "content", "classes", "c1", "blog", "article-0.md")
    for i in range(a.runs):
        fresh_p, fresh_h = f"{out_p}-{i}", f"{out_h}-{i}"
        fp.append(timed([preau, "build", school, "--out", fresh_p], mem_p, cpu_p))
        fh.append(timed([hugo, "--quiet", "-s", site, "-d", fresh_h], mem_h, cpu_h))
        shutil.rmtree(fresh_p), shutil.rmtree(fresh_h)
        tp.append(timed(cmd_p))
        th.append(timed(cmd_h))
        touch_post(post_p, f"p{i}"), touch_post(post_h, f"h{i}")
        cp.append(timed(cmd_p))
        ch.append(timed(cmd_h))
    mp, mh = statistics.median(tp), statistics.median(th)
    mfp, mfh = statistics.median(fp), statistics.median(fh)
    mcp, mch = statistics.median(cp), statistics.median(ch)
    mmp, mmh = statistics.median(mem_p), statistics.median(mem_h)
    pages_p = count_html(out_p)
    # Blobs are spread over sub-folders of acces/ (acces/ab/…).
    sealed = sum(1 for _, _, fs in os.walk(os.path.join(out_p, "acces")) for f in fs if f.endswith(".bin"))
    print(f"school: {a.classes} classes, {a.cahier_days} cahier days, {a.posts} posts (no images)")
    print(f"preau: {pages_p} public pages + {sealed} sealed pages and files, {count_files(out_p)} files")
    print(f"hugo:  {count_html(out_h)} pages, {count_files(out_h)} files")
    print(f"first build (empty folder): preau {mfp:.3f} s (min {min(fp):.3f}), hugo {mfh:.3f} s (min {min(fh):.3f}), "
          f"median of {a.runs} → ratio {mfp / mfh:.2f} (preau/hugo)")
    print(f"rebuild (no change): preau {mp:.3f} s (min {min(tp):.3f}), hugo {mh:.3f} s (min {min(th):.3f}), median of {a.runs} "
          f"→ ratio {mp / mh:.2f} (preau/hugo)")
    print(f"rebuild after one post changed: preau {mcp:.3f} s, hugo {mch:.3f} s (full build), median of {a.runs} "
          f"→ ratio {mcp / mch:.2f} (preau/hugo)")
    print(f"peak memory, first build: preau {mmp:.0f} MiB, hugo {mmh:.0f} MiB → ratio {mmp / mmh:.2f}")
    mcpu_p, mcpu_h = statistics.median(cpu_p), statistics.median(cpu_h)
    print(f"CPU time (user + system), first build: preau {mcpu_p:.2f} s, hugo {mcpu_h:.2f} s → ratio {mcpu_p / mcpu_h:.2f} "
          "(the wall time's difference is waiting for the disk)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"pages": pages_p + sealed, "runs": a.runs,
                       "first_preau_s": fp, "first_hugo_s": fh, "preau_s": tp, "hugo_s": th,
                       "changed_preau_s": cp, "changed_hugo_s": ch, "peak_preau_mib": mem_p, "peak_hugo_mib": mem_h,
                       "cpu_first_preau_s": cpu_p, "cpu_first_hugo_s": cpu_h,
                       "ratio": mp / mh, "first_ratio": mfp / mfh, "changed_ratio": mcp / mch, "memory_ratio": mmp / mmh}, f)
    if not a.keep and not a.workdir:
        shutil.rmtree(work)

if __name__ == "__main__":
    main()
