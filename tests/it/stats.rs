//! `preau stats`: an access log made of requests to the real published
//! files of a built school, with known counts per service and profile,
//! mixed with robots and broken lines, gives exactly those counts, and no
//! address, user agent or query string reaches any output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::common::{base_path, on_site, open_areas, page_blob, preau, require, school_copy, text};

struct Built {
    _tmp: tempfile::TempDir,
    school: PathBuf,
    base: String,
    /// Route of a restricted page (`classe:cm1` + `blog/sortie/`) → its blob's site path.
    blobs: BTreeMap<(String, String), String>,
    /// Area → site path of its sealed index.
    indexes: BTreeMap<String, String>,
    /// A sealed photo of the class post.
    photo: String,
}

/// The minimal school with a staff page, built.
fn built() -> Built {
    let (tmp, school) = school_copy("minimal");
    std::fs::write(
        school.join("pages/conseil.md"),
        "---\ntitre: Conseil des maîtres\nacces: equipe\n---\nOrdre du jour.\n",
    )
    .unwrap();
    let run = preau(&school, &["build"]);
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    let out = school.join("public");
    let base = base_path(&school);
    let mut blobs = BTreeMap::new();
    let mut photo = None;
    for page in open_areas(&out, &school) {
        if page.route == "blog/sortie/" {
            let at = page
                .html
                .find(&format!("{base}acces/"))
                .expect("sealed photo");
            let rest = &page.html[at + base.len()..];
            photo = Some(rest[..rest.find(".bin").unwrap() + 4].to_string());
        }
        let blob = page_blob(&out, &school, &page);
        blobs.insert((page.audience.clone(), page.route.clone()), blob);
    }
    let secrets = preau::access::Secrets::load(&school).unwrap().unwrap();
    let indexes = ["classe:cm1", "equipe"]
        .iter()
        .map(|id| {
            let audience = preau::config::Audience::from_id(id).unwrap();
            (
                id.to_string(),
                preau::access::bundle::index_blob(&audience, &secrets).unwrap(),
            )
        })
        .collect();
    Built {
        _tmp: tmp,
        school,
        base,
        blobs,
        indexes,
        photo: photo.expect("the class post shows its photo"),
    }
}

fn line(ip: &str, time: &str, method: &str, target: &str, status: u16, agent: &str) -> String {
    format!(
        "{ip} - - [{time} +0100] \"{method} {target} HTTP/1.1\" {status} 1234 \"-\" \"{agent}\"\n"
    )
}

const FAMILY: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) famille-canari";
const PUBLIC: &str = "Mozilla/5.0 (X11; Linux x86_64) public-canari";
const STAFF: &str = "Mozilla/5.0 (Windows NT 10.0) equipe-canari";

/// (month, service, profile) → (page views, visits).
type Expected = BTreeMap<(&'static str, &'static str, &'static str), (u64, u64)>;

/// The log, and the counts it must give.
fn log_and_expected(b: &Built) -> (String, Expected) {
    let base = &b.base;
    let blob = |area: &str, route: &str| {
        format!("{base}{}", b.blobs[&(area.to_string(), route.to_string())])
    };
    let cahier_route = b
        .blobs
        .keys()
        .find(|(a, r)| a == "classe:cm1" && r.starts_with("cahier/") && r.len() > 8)
        .map(|(_, r)| r.clone())
        .expect("a cahier day");
    let staff_route = b
        .blobs
        .keys()
        .find(|(a, _)| a == "equipe")
        .map(|(_, r)| r.clone())
        .expect("the staff page");
    let mut log = String::new();
    let (f, p, s) = ("198.51.100.23", "192.0.2.44", "203.0.113.9");
    // A family opens CM1 and reads the post, its photo, the cahier, resources.
    for target in [
        format!("{base}classes/cm1/"),
        format!("{base}acces/cles.json"),
        format!("{base}{}", b.indexes["classe:cm1"]),
        blob("classe:cm1", "blog/sortie/"),
        format!("{base}{}", b.photo),
        blob("classe:cm1", &cahier_route),
        blob("classe:cm1", "ressources/"),
        format!("{base}?from=SECRETQUERY"),
    ] {
        log.push_str(&line(
            f,
            "03/Nov/2026:18:40:00",
            "GET",
            &target,
            200,
            FAMILY,
        ));
    }
    // Two hours later, the same phone reads the cahier again: a second visit.
    log.push_str(&line(
        f,
        "03/Nov/2026:20:45:00",
        "GET",
        &blob("classe:cm1", &cahier_route),
        304,
        FAMILY,
    ));
    // Someone reads public pages only (a style, a missing page and a POST count for nothing).
    for (target, status, method) in [
        (base.to_string(), 200, "GET"),
        (
            format!("{base}actualites/rentree/?utm_source=SECRETQUERY"),
            200,
            "GET",
        ),
        (format!("{base}documents/menu.pdf"), 200, "GET"),
        (format!("{base}agenda/"), 200, "GET"),
        (format!("{base}recherche/"), 200, "GET"),
        (format!("{base}static/style.css"), 200, "GET"),
        (format!("{base}n-existe-pas/"), 404, "GET"),
        (base.to_string(), 200, "POST"),
    ] {
        log.push_str(&line(
            p,
            "03/Nov/2026:09:00:00",
            method,
            &target,
            status,
            PUBLIC,
        ));
    }
    // Staff open their area.
    for target in [
        format!("{base}equipe/"),
        format!("{base}acces/cles.json"),
        format!("{base}{}", b.indexes["equipe"]),
        blob("equipe", &staff_route),
    ] {
        log.push_str(&line(s, "04/Nov/2026:12:00:00", "GET", &target, 200, STAFF));
    }
    // Robots: by user agent, and a "browser" that asked for robots.txt.
    for _ in 0..3 {
        log.push_str(&line(
            "66.249.66.1",
            "04/Nov/2026:03:00:00",
            "GET",
            base,
            200,
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ));
    }
    log.push_str(&line(
        "192.0.2.99",
        "04/Nov/2026:03:10:00",
        "GET",
        &format!("{base}robots.txt"),
        200,
        "Mozilla/5.0 sneaky",
    ));
    log.push_str(&line(
        "192.0.2.99",
        "04/Nov/2026:03:11:00",
        "GET",
        base,
        200,
        "Mozilla/5.0 sneaky",
    ));
    // Broken lines.
    log.push_str("ceci n'est pas une ligne de journal\n");
    log.push_str("192.0.2.1 - - [32/Foo/2026:00:00:00 +0100] \"GET / HTTP/1.1\" 200 1\n");
    // December: the public reader comes back.
    log.push_str(&line(p, "01/Dec/2026:08:00:00", "GET", base, 200, PUBLIC));

    let expected = BTreeMap::from([
        (("2026-11", "connexion", "familles"), (3, 1)),
        (("2026-11", "blog", "familles"), (1, 1)),
        (("2026-11", "photos", "familles"), (1, 1)),
        (("2026-11", "cahier", "familles"), (2, 2)),
        (("2026-11", "ressources", "familles"), (1, 1)),
        (("2026-11", "accueil", "familles"), (1, 1)),
        (("2026-11", "accueil", "autres"), (2, 1)),
        (("2026-11", "documents", "autres"), (1, 1)),
        (("2026-11", "agenda", "autres"), (1, 1)),
        (("2026-11", "recherche", "autres"), (1, 1)),
        (("2026-11", "connexion", "enseignants"), (3, 1)),
        (("2026-11", "accueil", "enseignants"), (1, 1)),
        (("2026-12", "accueil", "autres"), (1, 1)),
    ]);
    (log, expected)
}

fn write_gz(path: &Path, text: &str) {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap();
}

fn stats(b: &Built, logs: &Path) -> (PathBuf, String) {
    let out = b.school.join("rapport");
    let run = preau(
        &b.school,
        &[
            "stats",
            logs.to_str().unwrap(),
            "--sortie",
            out.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    (out, stdout)
}

#[test]
fn the_csv_counts_each_service_and_profile_exactly() {
    let b = built();
    let (log, expected) = log_and_expected(&b);
    // Rotated logs in a folder: the older half compressed, in any name order.
    let lines: Vec<&str> = log.lines().collect();
    let (old, new) = lines.split_at(lines.len() / 2);
    let dir = b.school.join("journaux");
    std::fs::create_dir_all(&dir).unwrap();
    write_gz(&dir.join("access.log.1.gz"), &(old.join("\n") + "\n"));
    std::fs::write(dir.join("access.log"), new.join("\n") + "\n").unwrap();
    let (out, stdout) = stats(&b, &dir);
    assert!(stdout.contains("2 lignes illisibles"), "{stdout}");
    assert!(stdout.contains("5 demandes de robots"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("statistiques.csv")).unwrap();
    let mut rows = csv.lines();
    assert_eq!(rows.next(), Some("mois,service,profil,pages_vues,visites"));
    let mut seen = 0;
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), 5, "{row}");
        let key = (cells[0], cells[1], cells[2]);
        let got = (
            cells[3].parse::<u64>().unwrap(),
            cells[4].parse::<u64>().unwrap(),
        );
        let want = expected
            .iter()
            .find(|(k, _)| **k == key)
            .map(|(_, v)| *v)
            .unwrap_or((0, 0));
        assert_eq!(got, want, "{row}");
        seen += 1;
    }
    assert_eq!(seen, 2 * 9 * 3, "every month × service × profile:\n{csv}");
}

#[test]
fn no_address_agent_or_query_reaches_any_output() {
    let b = built();
    let (log, _) = log_and_expected(&b);
    let file = b.school.join("access.log");
    std::fs::write(&file, &log).unwrap();
    let (out, stdout) = stats(&b, &file);
    let mut outputs = vec![("stdout".to_string(), stdout)];
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if entry.file_type().is_file() {
            outputs.push((
                entry.path().display().to_string(),
                String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned(),
            ));
        }
    }
    let map = std::fs::read_to_string(b.school.join(".preau/statistiques/carte.json")).unwrap();
    outputs.push(("carte.json".into(), map));
    for (name, content) in &outputs {
        for secret in [
            "198.51.100.23",
            "192.0.2.44",
            "203.0.113.9",
            "66.249.66.1",
            "famille-canari",
            "public-canari",
            "equipe-canari",
            "iPhone",
            "Googlebot",
            "SECRETQUERY",
            "utm_source",
            "n-existe-pas",
        ] {
            assert!(!content.contains(secret), "{secret} found in {name}");
        }
    }
}

#[test]
fn broken_and_truncated_logs_are_counted_not_fatal() {
    let b = built();
    let (log, _) = log_and_expected(&b);
    let file = b.school.join("access.log.gz");
    write_gz(&file, &log);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(bytes.len() / 2);
    bytes.extend_from_slice(&[0xff; 64]);
    std::fs::write(&file, bytes).unwrap();
    let binary = b.school.join("binaire.log");
    std::fs::write(&binary, [0u8, 159, 146, 150, b'\n', 0xff, 0xfe, b'\n']).unwrap();
    let dir = b.school.join("journaux");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::rename(&file, dir.join("access.log.gz")).unwrap();
    std::fs::rename(&binary, dir.join("binaire.log")).unwrap();
    let run = preau(&b.school, &["stats", dir.to_str().unwrap()]);
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("access.log.gz"),
        "the truncated file is named: {stderr}"
    );
    assert!(b
        .school
        .join(".preau/statistiques/statistiques.csv")
        .exists());
}

#[test]
fn a_school_never_built_is_told_what_to_do() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::write(school.join("access.log"), "").unwrap();
    let run = preau(&school, &["stats", "access.log"]);
    let (_, stderr) = text(&run);
    assert!(!run.status.success());
    assert!(stderr.contains("preau build"), "{stderr}");
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn the_html_report_has_no_axe_violation_in_chromium() {
    require(&["browser"]);
    let b = built();
    let (log, _) = log_and_expected(&b);
    let file = b.school.join("access.log");
    std::fs::write(&file, &log).unwrap();
    let (out, _) = stats(&b, &file);
    let output = on_site(&out, "/")
        .args(&["statistiques.html"])
        .pass("axe.mjs", 120);
    assert!(output.contains("ok statistiques.html"), "{output}");
}

#[test]
fn the_example_school_counts_class_areas_search_documents_and_photos() {
    let (out, base) = super::common::example_site();
    let school = super::common::repo().join("example-school");
    let secrets = preau::access::Secrets::load(&school).unwrap().unwrap();
    let pages = open_areas(out, &school);
    let mut log = String::new();
    let mut expected: BTreeMap<(String, &str, &str), (u64, u64)> = BTreeMap::new();
    let mut classes: Vec<String> = pages
        .iter()
        .filter(|p| p.audience.starts_with("classe:"))
        .map(|p| p.audience.clone())
        .collect();
    classes.dedup();
    assert!(classes.len() >= 3, "{classes:?}");
    for (n, class) in classes.iter().enumerate() {
        // One family a class: opens the area, reads every cahier day.
        let ip = format!("198.51.100.{}", n + 1);
        let audience = preau::config::Audience::from_id(class).unwrap();
        let id = class.trim_start_matches("classe:");
        for target in [
            format!("{base}classes/{id}/"),
            format!("{base}acces/cles.json"),
            format!(
                "{base}{}",
                preau::access::bundle::index_blob(&audience, &secrets).unwrap()
            ),
        ] {
            log.push_str(&line(
                &ip,
                "12/Jan/2027:19:00:00",
                "GET",
                &target,
                200,
                FAMILY,
            ));
        }
        let days: Vec<&super::common::OpenedPage> = pages
            .iter()
            .filter(|p| &p.audience == class && p.route.starts_with("cahier/"))
            .collect();
        assert!(!days.is_empty(), "{class} has a cahier");
        for page in &days {
            let blob = page_blob(out, &school, page);
            log.push_str(&line(
                &ip,
                "12/Jan/2027:19:05:00",
                "GET",
                &format!("{base}{blob}"),
                200,
                FAMILY,
            ));
        }
        let connexion = expected
            .entry(("2027-01".into(), "connexion", "familles"))
            .or_default();
        connexion.0 += 3;
        connexion.1 += 1;
        let cahier = expected
            .entry(("2027-01".into(), "cahier", "familles"))
            .or_default();
        cahier.0 += days.len() as u64;
        cahier.1 += 1;
    }
    // A public reader searches: every piece of the public index.
    let pieces: Vec<String> = super::common::files(out)
        .into_iter()
        .filter(|f| f.starts_with("recherche/"))
        .collect();
    assert!(pieces.len() > 3, "{pieces:?}");
    for piece in &pieces {
        let target = format!("{base}{}", piece.trim_end_matches("index.html"));
        log.push_str(&line(
            "192.0.2.44",
            "13/Jan/2027:10:00:00",
            "GET",
            &target,
            200,
            PUBLIC,
        ));
    }
    expected.insert(
        ("2027-01".into(), "recherche", "autres"),
        (pieces.len() as u64, 1),
    );
    // The same reader takes every school document and every public photo
    // (all widths) in that visit; robots and broken lines count for nothing.
    let all = super::common::files(out);
    let documents: Vec<&String> = all
        .iter()
        .filter(|f| f.starts_with("documents/") && f.ends_with(".pdf"))
        .collect();
    let photos: Vec<&String> = all
        .iter()
        .filter(|f| f.starts_with("actualites/") && f.ends_with(".jpg"))
        .collect();
    assert!(!documents.is_empty() && !photos.is_empty());
    for file in documents.iter().chain(&photos) {
        log.push_str(&line(
            "192.0.2.44",
            "13/Jan/2027:10:05:00",
            "GET",
            &format!("{base}{file}"),
            200,
            PUBLIC,
        ));
        log.push_str(&line(
            "66.249.66.1",
            "13/Jan/2027:10:06:00",
            "GET",
            &format!("{base}{file}"),
            200,
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ));
    }
    log.push_str("ceci n'est pas une ligne de journal\n");
    expected.insert(
        ("2027-01".into(), "documents", "autres"),
        (documents.len() as u64, 1),
    );
    expected.insert(
        ("2027-01".into(), "photos", "autres"),
        (photos.len() as u64, 1),
    );

    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("access.log");
    std::fs::write(&file, &log).unwrap();
    let report = tmp.path().join("rapport");
    let run = preau(
        tmp.path(),
        &[
            "stats",
            file.to_str().unwrap(),
            "--ecole",
            school.to_str().unwrap(),
            "--sortie",
            report.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    let csv = std::fs::read_to_string(report.join("statistiques.csv")).unwrap();
    for row in csv.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let want = expected
            .iter()
            .find(|((m, s, p), _)| m == cells[0] && *s == cells[1] && *p == cells[2])
            .map(|(_, v)| *v)
            .unwrap_or((0, 0));
        assert_eq!(
            (
                cells[3].parse::<u64>().unwrap(),
                cells[4].parse::<u64>().unwrap()
            ),
            want,
            "{row}"
        );
    }
}
