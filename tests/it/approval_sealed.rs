//! The IEN approves only what it read: `approve` opens every sealed item
//! of a submission with the areas' keys it carries, renders the report
//! from what it decrypted, and refuses a submission whose report was
//! altered, whose sealed item does not open under its own id, or whose
//! sealed item no area leads to (hidden from the report).

use std::path::Path;

use tar::EntryType;

use super::approval::{setup, Setup};
use super::approval_attacks::{entries_of, header, pack, Entries};
use super::common::school_copy;

fn name(h: &tar::Header) -> String {
    h.path().unwrap().to_string_lossy().into_owned()
}

fn data<'a>(entries: &'a Entries, wanted: &str) -> &'a Vec<u8> {
    &entries.iter().find(|(h, _)| name(h) == wanted).unwrap().1
}

/// Replaces (or adds) an entry.
fn put(entries: &mut Entries, path: &str, bytes: Vec<u8>) {
    let h = header(EntryType::Regular, path, bytes.len() as u64);
    match entries.iter_mut().find(|(h, _)| name(h) == path) {
        Some(e) => *e = (h, bytes),
        None => entries.push((h, bytes)),
    }
}

/// As a hostile directeur would: the manifest edited, then signed again
/// with the directeur's key, so that only the sealed content can tell.
fn resign(
    s: &Setup,
    entries: &mut Entries,
    edit: impl FnOnce(&mut serde_json::Value, &mut Entries),
) {
    let mut m: serde_json::Value =
        serde_json::from_slice(data(entries, "site/preau/manifeste.json")).unwrap();
    edit(&mut m, entries);
    let mut bytes = serde_json::to_vec_pretty(&m).unwrap();
    bytes.push(b'\n');
    let sk =
        preau::manifest::keys::load_secret(&s.school.join(".preau/cles/directeur.key")).unwrap();
    let sig = preau::manifest::keys::sign(&sk, &bytes, "version:1 role:directeur").unwrap();
    put(entries, "site/preau/manifeste.json", bytes);
    put(
        entries,
        "site/preau/manifeste.json.directeur.minisig",
        sig.into_bytes(),
    );
}

fn entry_for(bytes: &[u8], scope: &str) -> serde_json::Value {
    serde_json::json!({
        "taille": bytes.len(),
        "sha256": preau::manifest::sha256_hex(bytes),
        "portee": scope,
    })
}

fn refused(s: &Setup, submission: &Path, entries: &Entries, expected: &str) {
    std::fs::write(submission, pack(entries)).unwrap();
    let (ok, o, e) = s.approve(submission, &["--oui"]);
    assert!(!ok, "approve accepted:\n{o}\n{e}");
    assert!(
        e.contains(expected),
        "expected « {expected} » in:\n{o}\n{e}"
    );
    assert!(!submission.parent().unwrap().join("approuve-v1").exists());
}

fn blob_of(entries: &Entries, scope: &str) -> String {
    let m: serde_json::Value =
        serde_json::from_slice(data(entries, "site/preau/manifeste.json")).unwrap();
    m["fichiers"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, e)| e["portee"] == scope && p.ends_with(".bin"))
        .map(|(p, _)| p.clone())
        .next()
        .unwrap()
}

#[test]
fn approve_renders_the_report_itself_and_refuses_an_altered_one() {
    let s = setup(school_copy("minimal"), "");
    let submission = s.submit();
    let mut entries = entries_of(&submission);
    assert!(
        entries.iter().any(|(h, _)| name(h) == "cles.json"),
        "the submission carries the areas' keys"
    );
    let report = String::from_utf8(data(&entries, "rapport.html").clone()).unwrap();
    assert!(report.contains("Espace de la classe cm1"), "{report}");
    // The report shows a clean page instead of the real one.
    let altered = report.replacen("<article>", "<article hidden>", 1);
    assert_ne!(altered, report);
    put(&mut entries, "rapport.html", altered.into_bytes());
    refused(
        &s,
        &submission,
        &entries,
        "le rapport « rapport.html » de la soumission n'est pas celui que Préau rend du site scellé",
    );
    // Without the keys, the IEN could not read what it signs.
    let mut entries = entries_of(&submission);
    entries.retain(|(h, _)| name(h) != "cles.json" && name(h) != "rapport.html");
    refused(
        &s,
        &submission,
        &entries,
        "la soumission ne contient pas les clés des espaces",
    );
}

#[test]
fn approve_refuses_a_sealed_item_that_does_not_open_under_its_own_id() {
    let s = setup(school_copy("minimal"), "");
    let submission = s.submit();
    let mut entries = entries_of(&submission);
    // A page of the class replaced by another item of the same class: it
    // decrypts with the class key, but not under the page's id.
    let m: serde_json::Value =
        serde_json::from_slice(data(&entries, "site/preau/manifeste.json")).unwrap();
    let blobs: Vec<String> = m["fichiers"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, e)| e["portee"] == "classe:cm1" && p.ends_with(".bin"))
        .map(|(p, _)| p.clone())
        .collect();
    assert!(blobs.len() >= 2, "{blobs:?}");
    let (victim, other) = (&blobs[0], &blobs[1]);
    let swapped = data(&entries, &format!("site/{other}")).clone();
    resign(&s, &mut entries, |m, entries| {
        m["fichiers"][victim.as_str()] = entry_for(&swapped, "classe:cm1");
        put(entries, &format!("site/{victim}"), swapped.clone());
    });
    entries.retain(|(h, _)| name(h) != "rapport.html");
    refused(
        &s,
        &submission,
        &entries,
        &format!("« {victim} » ne se déchiffre pas avec la clé de l'espace « classe:cm1 »"),
    );
}

#[test]
fn approve_refuses_a_sealed_item_hidden_from_the_report() {
    let s = setup(school_copy("minimal"), "");
    let submission = s.submit();
    let mut entries = entries_of(&submission);
    let blob = blob_of(&entries, "classe:cm1");
    // A copy of a real blob under a new name no index leads to.
    let hidden = "acces/00/0123456789abcdef0123456789abcd.bin";
    let bytes = data(&entries, &format!("site/{blob}")).clone();
    resign(&s, &mut entries, |m, entries| {
        m["fichiers"][hidden] = entry_for(&bytes, "classe:cm1");
        put(entries, &format!("site/{hidden}"), bytes.clone());
    });
    entries.retain(|(h, _)| name(h) != "rapport.html");
    refused(
        &s,
        &submission,
        &entries,
        &format!("« {hidden} » (portée « classe:cm1 ») n'est lu par aucun espace"),
    );
}

/// The report of the example school's v1, then of a v2 with three changes
/// (a class post changed, a public news item added, a cahier day removed),
/// opened in Chromium: every image loads, axe finds nothing, the changes
/// come first and the points to check list the public photos.
#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn the_report_of_the_example_school_reads_well_in_a_browser() {
    use super::common::{copy_tree, node_script, repo, require};
    require(&["browser"]);
    let tmp = tempfile::tempdir().unwrap();
    let school = tmp.path().join("ecole");
    copy_tree(&repo().join("example-school"), &school);
    let _ = std::fs::remove_dir_all(school.join("public"));
    let s = setup((tmp, school), "");
    let v1 = s.approved_site();
    let dir = v1.parent().unwrap().to_path_buf();
    let check = |file: &str, order: &[&str], flags: &[&str]| {
        let mut args = vec!["--dir", dir.to_str().unwrap(), "--file", file];
        for o in order {
            args.extend(["--order", o]);
        }
        for f in flags {
            args.extend(["--flag", f]);
        }
        let (ok, log) = node_script("report.mjs", &args, 200);
        assert!(ok, "{file}: {log}");
        assert!(log.contains("axe: 0 violations"), "{log}");
        let images: usize = log
            .lines()
            .find_map(|l| l.strip_prefix("images: "))
            .and_then(|l| l.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(images > 0, "{log}");
        assert!(log.contains(", broken: 0"), "{log}");
        let height: usize = log
            .lines()
            .find_map(|l| l.strip_prefix("height: "))
            .and_then(|n| n.parse().ok())
            .unwrap();
        // The first report was 245,000 px tall: pages of the areas are
        // folded in a first version, unchanged ones in the next.
        assert!(height < 100_000, "{file}: {height} px tall");
        assert!(log.contains("policy: default-src 'none'"), "{log}");
    };
    // The public photos, each with its page's image-rights statement.
    let rights = "mention du droit à l'image : « Droit à l'image : les personnes reconnaissables";
    let report1 = std::fs::read_to_string(dir.join("rapport-v1.html")).unwrap();
    assert!(
        !report1.contains("Photos sur des pages publiques (0)"),
        "the public photos are listed"
    );
    assert!(
        report1.contains("lundi")
            || report1.contains("mardi")
            || report1.contains("mercredi")
            || report1.contains("jeudi")
            || report1.contains("vendredi")
            || report1.contains("samedi")
            || report1.contains("dimanche"),
        "French dates"
    );
    check(
        "rapport-v1.html",
        &[
            "Sommaire",
            "Points à regarder",
            "Photos sur des pages publiques",
            "Tout le contenu",
            "Espace de la classe cm1",
        ],
        &[
            "Photos sur des pages publiques (",
            "potiron",
            "sur la page « La semaine du goût",
            "cour",
            "sur la page « Nouvelle cour de récréation",
            rights,
        ],
    );

    let post = s.school.join("classes/cm1/blog/correspondants.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        format!("{text}\nNous avons reçu leur deuxième lettre.\n"),
    )
    .unwrap();
    // A new public news item with a photo: it is flagged with its statement.
    let kermesse = s.school.join("actualites/kermesse");
    std::fs::create_dir_all(&kermesse).unwrap();
    std::fs::copy(
        s.school.join("actualites/semaine-du-gout/potiron.jpg"),
        kermesse.join("stand.jpg"),
    )
    .unwrap();
    std::fs::write(
        kermesse.join("index.md"),
        "---\ntitre: La kermesse de juin\ndate: 2026-11-20\ndroit_image: true\n---\nLa kermesse aura lieu le samedi 20 juin dans la cour.\n\n![Le stand des fruits de la kermesse](stand.jpg)\n",
    )
    .unwrap();
    std::fs::remove_file(s.school.join("classes/cm2/cahier/2026-09-01.md")).unwrap();
    let submission = s.submit();
    let (ok, o, e) = s.approve(&submission, &["--oui"]);
    assert!(ok, "{o}\n{e}");
    let report2 = std::fs::read_to_string(dir.join("rapport-v2.html")).unwrap();
    for expected in [
        "Nouveau : La kermesse de juin",
        "Modifié : ",
        "Nous avons reçu leur deuxième lettre.",
        "Retiré : ",
    ] {
        assert!(report2.contains(expected), "{expected}");
    }
    check(
        "rapport-v2.html",
        &[
            "Ce qui a changé depuis la version 1 approuvée",
            "Nouveau : La kermesse de juin",
            "Modifié : ",
            "Retiré : ",
            "Points à regarder",
            "Photos sur des pages publiques",
            "Tout le contenu",
        ],
        &[
            "stand",
            "sur la page « La kermesse de juin",
            "potiron",
            rights,
        ],
    );
}

/// The IEN reads the summary before typing anything: with a key whose
/// password is wrong, the summary and the report are already out, and the
/// advice is to type the password again, never to make a new key (the
/// schools would not know it).
#[test]
fn approve_shows_the_summary_before_the_password_and_never_advises_a_new_key() {
    use super::common::text;
    let s = setup(school_copy("minimal"), "");
    let submission = s.submit();
    let keys = s.ien_dir.join("avec-mot-de-passe");
    std::fs::create_dir_all(&keys).unwrap();
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(["keys", "generate", "--role", "ien", "--dossier", "."])
        .current_dir(&keys)
        .env("PREAU_MOT_DE_PASSE", "le bon mot de passe")
        .output()
        .unwrap();
    assert!(r.status.success(), "{:?}", text(&r));
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_preau"))
        .args([
            "approve",
            submission.to_str().unwrap(),
            "--cle",
            keys.join("ien.key").to_str().unwrap(),
            "--ecole",
            s.school.to_str().unwrap(),
            "--oui",
        ])
        .current_dir(&s.ien_dir)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .env("PREAU_MOT_DE_PASSE", "un mauvais mot de passe")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let (o, e) = text(&r);
    assert!(!r.status.success(), "{o}{e}");
    for shown in [
        "École : ",
        "signature du directeur vérifiée",
        "Première version soumise",
        "Rapport de relecture",
    ] {
        assert!(
            o.contains(shown),
            "« {shown} » not shown before the password:\n{o}"
        );
    }
    let dir = submission.parent().unwrap();
    assert!(dir.join("rapport-v1.html").is_file(), "{o}");
    assert!(e.contains("mot de passe de la clé"), "{e}");
    assert!(e.contains("ne créez pas de nouvelle clé"), "{e}");
    for bad in ["keys generate", "cles generer", "créez-la"] {
        assert!(
            !e.contains(bad) && !o.contains(bad),
            "« {bad} » in:\n{o}{e}"
        );
    }
    assert!(!dir.join("approuve-v1").exists());
}

/// A class post made public between two versions is one page whose readers
/// changed (not one removed and one new): the report flags it, the
/// terminal says so, and its photo is listed with its image-rights
/// statement.
#[test]
fn the_report_flags_a_page_whose_readers_changed_and_its_public_photo() {
    let s = setup(school_copy("minimal"), "");
    let v1 = s.approved_site();
    let dir = v1.parent().unwrap().to_path_buf();
    let report1 = std::fs::read_to_string(dir.join("rapport-v1.html")).unwrap();
    assert!(
        report1.contains("Photos sur des pages publiques (0)"),
        "{report1}"
    );
    let post = s.school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        text.replacen(
            "date: 2026-11-12\n",
            "date: 2026-11-12\nacces: public\ndroit_image: true\n",
            1,
        ),
    )
    .unwrap();
    let submission = s.submit();
    let (ok, o, e) = s.approve(&submission, &["--oui"]);
    assert!(ok, "{o}\n{e}");
    assert!(
        o.contains("Attention : 1 page(s) n'ont plus les mêmes lecteurs."),
        "{o}"
    );
    let report = std::fs::read_to_string(dir.join("rapport-v2.html")).unwrap();
    let points =
        &report[report.find("id=\"points\"").unwrap()..report.find("id=\"tout\"").unwrap()];
    assert!(
        points.contains("Pages dont les lecteurs ont changé (1)"),
        "{points}"
    );
    assert!(
        points.contains("avant, les familles de la classe cm1 ; maintenant, <strong>tout le monde (page publique)</strong>"),
        "{points}"
    );
    assert!(
        points.contains("Photos sur des pages publiques (1)"),
        "{points}"
    );
    assert!(points.contains("sortie/tableau"), "{points}");
    assert!(
        points.contains("les personnes reconnaissables sur ces photos ont donné leur accord"),
        "{points}"
    );
    assert!(
        !report.contains("Retiré : Sortie au musée"),
        "one page, not two"
    );
    assert!(
        !report.contains("Nouveau : Sortie au musée"),
        "one page, not two"
    );
    assert!(
        report.contains(
            "Lisible par d'autres personnes : avant, les familles de la classe cm1 ; maintenant, tout le monde (page publique)."
        ),
        "{report}"
    );
}

/// The class's content key, base64, as the submission carries it.
fn class_key(entries: &Entries) -> String {
    let keys: serde_json::Value = serde_json::from_slice(data(entries, "cles.json")).unwrap();
    keys["contenu"]["classe:cm1"].as_str().unwrap().to_string()
}

/// The keys travel in the submission only: a site that holds one (here a
/// public file with the class's key in it, signed again by a hostile
/// directeur) is refused by `approve`, naming the file.
#[test]
fn approve_refuses_a_site_that_holds_an_area_key() {
    let s = setup(school_copy("minimal"), "");
    let submission = s.submit();
    let mut entries = entries_of(&submission);
    let leak = format!("clé : {}\n", class_key(&entries)).into_bytes();
    resign(&s, &mut entries, |m, entries| {
        m["fichiers"]["static/note.txt"] = entry_for(&leak, "ien");
        put(entries, "site/static/note.txt", leak.clone());
    });
    entries.retain(|(h, _)| name(h) != "rapport.html");
    refused(
        &s,
        &submission,
        &entries,
        "une clé de l'espace « classe:cm1 » se trouve en clair dans « static/note.txt »",
    );
}

/// And `verify` with the school's folder refuses an approved site that
/// holds a key, even signed by both the directeur and the IEN.
#[test]
fn verify_refuses_a_signed_site_that_holds_an_area_key() {
    use preau::manifest::{approval, keys};
    let s = setup(school_copy("minimal"), "");
    let submission = s.submit();
    let key = class_key(&entries_of(&submission));
    let (ok, o, e) = s.approve(&submission, &["--oui"]);
    assert!(ok, "{o}{e}");
    let site = submission.parent().unwrap().join("approuve-v1");
    let (ok, log) = s.verify(&site, &[]);
    assert!(ok, "{log}");
    // Both signatures made again over a manifest that lists the leak.
    let leak = format!("clé : {key}\n");
    std::fs::write(site.join("static/note.txt"), &leak).unwrap();
    let path = site.join("preau/manifeste.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["fichiers"]["static/note.txt"] = entry_for(leak.as_bytes(), "ien");
    let mut bytes = serde_json::to_vec_pretty(&m).unwrap();
    bytes.push(b'\n');
    std::fs::write(&path, &bytes).unwrap();
    let (version, uai) = (m["version"].as_u64().unwrap(), m["uai"].as_str().unwrap());
    let dk = keys::load_secret(&s.school.join(".preau/cles/directeur.key")).unwrap();
    let comment = preau::manifest::submit::directeur_comment(
        version,
        "M. X",
        uai,
        m["construit_le"].as_str().unwrap(),
    )
    .unwrap();
    std::fs::write(
        site.join("preau/manifeste.json.directeur.minisig"),
        keys::sign(&dk, &bytes, &comment).unwrap(),
    )
    .unwrap();
    let ik = keys::load_secret(&s.ien_dir.join("ien.key")).unwrap();
    let comment = approval::approval_comment(version, uai, preau::dates::today()).unwrap();
    std::fs::write(
        site.join("preau/manifeste.json.ien.minisig"),
        keys::sign(&ik, &bytes, &comment).unwrap(),
    )
    .unwrap();
    let (ok, log) = s.verify(&site, &[]);
    assert!(!ok, "verify accepted a site with a key:\n{log}");
    assert!(
        log.contains(
            "une clé de l'espace « classe:cm1 » se trouve en clair dans « static/note.txt »"
        ),
        "{log}"
    );
}
