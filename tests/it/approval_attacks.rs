//! Issue 12 (trust): a hostile submission or site cannot fool `approve`,
//! `verify` or `deploy`. Each test attacks: crafted tar archives (raw
//! headers where the `tar` crate's builder would refuse), a UAI or a name
//! that would add a line to a signature, an empty signers policy, files a
//! verification used not to see, and an expired approval checked under an
//! old `SOURCE_DATE_EPOCH`.

use std::path::{Path, PathBuf};

use tar::{EntryType, Header};

use super::approval::{setup, Setup};
use super::common::{copy_tree, files, preau, school_copy, text};

// ---- Crafted submissions ----

/// A raw header: the name is written as is (no `..` or `/` check).
pub(super) fn header(kind: EntryType, name: &str, size: u64) -> Header {
    assert!(name.len() < 100, "name too long for a raw header: {name}");
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    h
}

/// A link header (symbolic or hard) to `target`.
fn link(kind: EntryType, name: &str, target: &str) -> Header {
    let mut h = header(kind, name, 0);
    assert!(target.len() < 100, "target too long: {target}");
    h.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
    h.set_cksum();
    h
}

pub(super) type Entries = Vec<(Header, Vec<u8>)>;

/// Every raw entry of a submission, data included.
pub(super) fn entries_of(submission: &Path) -> Entries {
    let mut archive = tar::Archive::new(std::fs::File::open(submission).unwrap());
    let mut all = Vec::new();
    for e in archive.entries().unwrap().raw(true) {
        let mut e = e.unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        all.push((e.header().clone(), data));
    }
    all
}

/// A tar archive of these entries, each header followed by its data (which
/// may be shorter than the header says).
pub(super) fn pack(entries: &[(Header, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (h, data) in entries {
        bytes.extend_from_slice(h.as_bytes());
        bytes.extend_from_slice(data);
        bytes.resize(bytes.len().div_ceil(512) * 512, 0);
    }
    bytes.resize(bytes.len() + 1024, 0);
    bytes
}

/// A folder holding a pretend home (`home/.bashrc`) and nothing else.
struct Home {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

const BASHRC: &str = "# le .bashrc de l'IEN\n";

impl Home {
    fn new() -> Home {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("home");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".bashrc"), BASHRC).unwrap();
        Home { _tmp: tmp, dir }
    }

    fn bashrc(&self) -> String {
        self.dir.join(".bashrc").to_str().unwrap().to_string()
    }

    /// Puts the home back as it was (for the next attack).
    fn reset(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::create_dir_all(&self.dir).unwrap();
        std::fs::write(self.dir.join(".bashrc"), BASHRC).unwrap();
    }

    /// What was done to the home, if anything.
    fn harm(&self) -> Option<String> {
        let names: Vec<String> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        if names != [".bashrc"] {
            return Some(format!("something was written in the home: {names:?}"));
        }
        let now = std::fs::read_to_string(self.dir.join(".bashrc")).unwrap();
        (now != BASHRC).then(|| format!(".bashrc was overwritten with:\n{now}"))
    }
}

/// Writes `entries` as `DIR/soumission-v1.tar` in a fresh folder, runs
/// `approve --oui` on it, and checks the home is untouched, it is refused
/// with `expected` in its message, and the folder holds only the
/// submission. Returns what went wrong, if anything.
fn refused_submission(
    s: &Setup,
    home: &Home,
    what: &str,
    entries: &[(Header, Vec<u8>)],
    expected: &str,
) -> Option<String> {
    let dir = s
        .school
        .parent()
        .unwrap()
        .join(format!("recu-{}", what.replace(' ', "-")));
    std::fs::create_dir_all(&dir).unwrap();
    let submission = dir.join("soumission-v1.tar");
    std::fs::write(&submission, pack(entries)).unwrap();
    let (ok, o, e) = s.approve(&submission, &["--oui"]);
    if let Some(harm) = home.harm() {
        home.reset();
        return Some(format!("{what}: {harm}"));
    }
    if ok || !e.contains(expected) {
        return Some(format!(
            "{what}: expected a refusal with « {expected} », got (success: {ok}):\n{o}\n{e}"
        ));
    }
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    (left != ["soumission-v1.tar"]).then(|| format!("{what}: approve left files behind: {left:?}"))
}

#[test]
fn approve_refuses_links_escapes_special_entries_huge_sizes_and_duplicates() {
    let s = setup(school_copy("minimal"), "");
    let genuine = entries_of(&s.submit());
    let home = Home::new();
    let with = |extra: Entries| -> Entries { genuine.iter().cloned().chain(extra).collect() };
    let mut failures = Vec::new();

    // The issue's attack: the IEN's signature is written where the
    // submission put a link to the IEN's .bashrc.
    let attack = with(vec![(
        link(
            EntryType::Symlink,
            "site/preau/manifeste.json.ien.minisig",
            &home.bashrc(),
        ),
        vec![],
    )]);
    failures.extend(refused_submission(
        &s,
        &home,
        "lien vers le bashrc",
        &attack,
        "entrée « site/preau/manifeste.json.ien.minisig » refusée : c'est un lien symbolique",
    ));

    // A link to the home, then a file through it.
    let attack = with(vec![
        (
            link(
                EntryType::Symlink,
                "site/maison",
                home.dir.to_str().unwrap(),
            ),
            vec![],
        ),
        (
            header(EntryType::Regular, "site/maison/.bashrc", 11),
            b"echo pwned\n".to_vec(),
        ),
    ]);
    failures.extend(refused_submission(
        &s,
        &home,
        "fichier par un lien",
        &attack,
        "entrée « site/maison » refusée : c'est un lien symbolique",
    ));

    let attack = with(vec![(
        header(EntryType::Regular, "site/../../evasion.txt", 4),
        b"ici\n".to_vec(),
    )]);
    failures.extend(refused_submission(
        &s,
        &home,
        "remontee",
        &attack,
        "entrée « site/../../evasion.txt » refusée : chemin qui remonte hors du dossier",
    ));

    let absolute = format!("{}/absolu.txt", home.dir.display());
    let attack = with(vec![(
        header(EntryType::Regular, &absolute, 4),
        b"ici\n".to_vec(),
    )]);
    failures.extend(refused_submission(
        &s,
        &home,
        "absolu",
        &attack,
        &format!("entrée « {absolute} » refusée : chemin absolu"),
    ));

    let attack = with(vec![(
        link(EntryType::Link, "site/dur.html", &home.bashrc()),
        vec![],
    )]);
    failures.extend(refused_submission(
        &s,
        &home,
        "lien physique",
        &attack,
        "entrée « site/dur.html » refusée : c'est un lien physique",
    ));

    let attack = with(vec![(header(EntryType::Fifo, "site/tube", 0), vec![])]);
    failures.extend(refused_submission(
        &s,
        &home,
        "fifo",
        &attack,
        "entrée « site/tube » refusée : c'est un tube nommé",
    ));

    let attack = with(vec![(header(EntryType::Char, "site/zero", 0), vec![])]);
    failures.extend(refused_submission(
        &s,
        &home,
        "peripherique",
        &attack,
        "entrée « site/zero » refusée : c'est un fichier de périphérique",
    ));

    // A terabyte declared, nothing behind it.
    let attack = with(vec![(
        header(EntryType::Regular, "site/enorme.bin", 1 << 40),
        vec![],
    )]);
    failures.extend(refused_submission(
        &s,
        &home,
        "taille enorme",
        &attack,
        "entrée « site/enorme.bin » refusée : taille déclarée de 1099511627776 octets",
    ));

    // A second report after the genuine one: the IEN would read another text.
    let fake = b"<p>Rien de nouveau.</p>".to_vec();
    let attack = with(vec![(
        header(EntryType::Regular, "rapport.html", fake.len() as u64),
        fake,
    )]);
    failures.extend(refused_submission(
        &s,
        &home,
        "doublon",
        &attack,
        "entrée « rapport.html » refusée : cette entrée apparaît deux fois",
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn too_many_entries_or_bytes_are_refused_and_nothing_is_left() {
    use preau::manifest::submission::{unpack, Limits, Reason, Refused};
    let small = Limits {
        max_entries: 3,
        max_file: 1000,
        max_total: 1500,
    };
    let dest = tempfile::tempdir().unwrap();
    let many: Entries = (0..4)
        .map(|i| {
            (
                header(EntryType::Regular, &format!("site/{i}.html"), 1),
                b"x".to_vec(),
            )
        })
        .collect();
    let err = unpack(&pack(&many)[..], dest.path(), &small).unwrap_err();
    let refused = err.downcast::<Refused>().unwrap();
    assert_eq!(
        (refused.entry.as_str(), refused.reason),
        ("site/3.html", Reason::TooMany)
    );
    assert_eq!(
        std::fs::read_dir(dest.path()).unwrap().count(),
        0,
        "partial files left"
    );
    let big: Entries = (0..2)
        .map(|i| {
            (
                header(EntryType::Regular, &format!("site/{i}.bin"), 800),
                vec![0; 800],
            )
        })
        .collect();
    let err = unpack(&pack(&big)[..], dest.path(), &small).unwrap_err();
    assert_eq!(
        err.to_string(),
        "entrée « site/1.bin » refusée : la taille totale des fichiers dépasse la limite d'une soumission"
    );
    assert_eq!(
        std::fs::read_dir(dest.path()).unwrap().count(),
        0,
        "partial files left"
    );
}

// ---- Fields copied into a signature ----

/// `ecole.yaml` with `key: value` replaced; the 1-based line of `key`.
fn set_field(school: &Path, key: &str, value: &str) -> usize {
    let path = school.join("ecole.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let mut line = 0;
    let changed: Vec<String> = yaml
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if l.starts_with(&format!("{key}:")) {
                line = i + 1;
                format!("{key}: {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(line > 0, "no {key} in ecole.yaml");
    std::fs::write(&path, changed.join("\n") + "\n").unwrap();
    line
}

#[test]
fn a_uai_or_a_name_that_would_add_a_line_to_a_signature_is_refused_at_its_line() {
    for (key, value, message) in [
        (
            "uai",
            r#""0000000A; echo pwned""#,
            "UAI invalide « 0000000A; echo pwned »",
        ),
        ("uai", r#""0990001A\n""#, "UAI invalide « 0990001A\\n »"),
        ("uai", r#""0990001A ""#, "UAI invalide « 0990001A  »"),
        ("uai", r#""000000é""#, "UAI invalide « 000000é »"),
        (
            "directeur",
            r#""M. Paul Roux\necho pwned""#,
            "« directeur » ne peut pas être signé",
        ),
    ] {
        let s = setup(school_copy("minimal"), "");
        let line = set_field(&s.school, key, value);
        let at = format!("ecole.yaml:{line}:1: erreur : {message}");
        let r = preau(&s.school, &["check"]);
        let (o, e) = text(&r);
        assert!(
            !r.status.success() && e.contains(&at),
            "check, {key}: {value}: expected « {at} » in:\n{o}\n{e}"
        );
        let r = preau(&s.school, &["submit"]);
        let (o, e) = text(&r);
        assert!(
            !r.status.success() && e.contains(&at),
            "submit, {key}: {value}: expected « {at} » in:\n{o}\n{e}"
        );
        assert!(
            !s.school
                .join(".preau/soumissions/soumission-v1.tar")
                .exists(),
            "submit wrote a submission"
        );
    }
}

#[test]
fn approve_refuses_a_signed_submission_whose_manifest_carries_a_bad_uai() {
    let s = setup(school_copy("minimal"), "");
    let submission = s.submit();
    let mut entries = entries_of(&submission);
    // The directeur's machine is hostile: the manifest is changed and signed again.
    let manifest_name = "site/preau/manifeste.json";
    let manifest = &entries
        .iter()
        .find(|(h, _)| h.path().unwrap().to_str() == Some(manifest_name))
        .unwrap()
        .1;
    let edited = String::from_utf8(manifest.clone())
        .unwrap()
        .replace("\"0990001A\"", "\"0000000A; echo pwned\"");
    assert!(edited.contains("echo pwned"));
    let sk =
        preau::manifest::keys::load_secret(&s.school.join(".preau/cles/directeur.key")).unwrap();
    let signature =
        preau::manifest::keys::sign(&sk, edited.as_bytes(), "version:1 role:directeur").unwrap();
    for (h, data) in entries.iter_mut() {
        let name = h.path().unwrap().to_string_lossy().into_owned();
        let new = if name == manifest_name {
            edited.clone().into_bytes()
        } else if name == "site/preau/manifeste.json.directeur.minisig" {
            signature.clone().into_bytes()
        } else {
            continue;
        };
        *h = header(EntryType::Regular, &name, new.len() as u64);
        *data = new;
    }
    std::fs::write(&submission, pack(&entries)).unwrap();
    let (ok, o, e) = s.approve(&submission, &["--oui"]);
    assert!(!ok, "approve signed a bad UAI:\n{o}\n{e}");
    assert!(
        e.contains(
            "champ « uai » du manifeste invalide : « 0000000A; echo pwned » n'est pas une UAI"
        ),
        "{o}\n{e}"
    );
    assert!(!submission.parent().unwrap().join("approuve-v1").exists());
}

// ---- Who must sign ----

/// The line of `signataires` in ecole.yaml.
fn signers_line(school: &Path) -> usize {
    std::fs::read_to_string(school.join("ecole.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.trim_start().starts_with("signataires:"))
        .unwrap()
        + 1
}

#[test]
fn a_policy_without_the_ien_is_an_error_at_its_line() {
    for (policy, message) in [
        (
            "[]",
            "« signataires » est vide : la signature de l'IEN est toujours exigée",
        ),
        (
            "[directeur]",
            "« signataires » ne nomme pas l'IEN : sa signature est toujours exigée",
        ),
    ] {
        let s = setup(
            school_copy("minimal"),
            &format!("  signataires: {policy}\n"),
        );
        let at = format!(
            "ecole.yaml:{}:1: erreur : {message}",
            signers_line(&s.school)
        );
        for command in ["check", "submit"] {
            let r = preau(&s.school, &[command]);
            let (o, e) = text(&r);
            assert!(
                !r.status.success() && e.contains(&at),
                "{command} with {policy}: expected « {at} » in:\n{o}\n{e}"
            );
        }
    }
}

/// An approved site, then altered: `index.html` changed, the manifest
/// rewritten to match, every signature removed.
fn altered_unsigned(site: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("site");
    copy_tree(site, &dest);
    let page = b"<p>Site pirate</p>".to_vec();
    std::fs::write(dest.join("index.html"), &page).unwrap();
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dest.join("preau/manifeste.json")).unwrap()).unwrap();
    manifest["fichiers"]["index.html"] = serde_json::json!({
        "taille": page.len(),
        "sha256": preau::manifest::sha256_hex(&page),
    });
    std::fs::write(
        dest.join("preau/manifeste.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    for role in ["directeur", "ien"] {
        std::fs::remove_file(dest.join(format!("preau/manifeste.json.{role}.minisig"))).unwrap();
    }
    (tmp, dest)
}

#[test]
fn an_empty_policy_lets_no_unsigned_altered_site_through_verify_or_deploy() {
    let s = setup(school_copy("minimal"), "");
    let site = s.approved_site();
    let (_t, altered) = altered_unsigned(&site);
    // The rule is in the code: even a trust that requires nobody requires the IEN.
    let mut trust =
        preau::manifest::policy::Trust::from_school_dir(Some(&s.school), None, None).unwrap();
    trust.required.clear();
    let today = preau::dates::Date::parse("2026-11-24").unwrap();
    let problems = preau::manifest::policy::verify(&altered, &trust, None, today).unwrap_err();
    assert!(
        problems.contains(&preau::manifest::policy::Problem::MissingSignature(
            preau::manifest::SignerRole::Ien
        )),
        "{problems:?}"
    );
    // And ecole.yaml cannot say otherwise.
    let yaml = std::fs::read_to_string(s.school.join("ecole.yaml")).unwrap();
    std::fs::write(s.school.join("ecole.yaml"), yaml + "  signataires: []\n").unwrap();
    let at = format!(
        "ecole.yaml:{}: erreur : « signataires » est vide",
        signers_line(&s.school)
    );
    let (ok, log) = s.verify(&altered, &[]);
    assert!(
        !ok && log.contains(&at),
        "verify: expected « {at} » in:\n{log}"
    );
    let web = s.school.parent().unwrap().join("web");
    let r = preau(
        &s.school,
        &[
            "deploy",
            altered.to_str().unwrap(),
            "--ecole",
            s.school.to_str().unwrap(),
            "--vers",
            web.to_str().unwrap(),
        ],
    );
    let (o, e) = text(&r);
    assert!(
        !r.status.success() && e.contains(&at),
        "deploy: expected « {at} » in:\n{o}\n{e}"
    );
    assert!(files(&web).is_empty(), "deploy sent {:?}", files(&web));
}

// ---- What verify sees ----

#[test]
fn verify_names_links_build_markers_extra_signatures_and_dotfiles() {
    let s = setup(school_copy("minimal"), "");
    let site = s.approved_site();
    let (ok, log) = s.verify(&site, &[]);
    assert!(ok, "the approved site itself must verify: {log}");
    let damaged = |what: &str, change: &dyn Fn(&Path), expected: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join("site");
        copy_tree(&site, &copy);
        change(&copy);
        let (ok, log) = s.verify(&copy, &[]);
        assert!(!ok, "verify must refuse {what}:\n{log}");
        assert!(
            log.contains(expected),
            "{what}: expected « {expected} » in:\n{log}"
        );
    };
    damaged(
        "a link pointing inside",
        &|d| std::os::unix::fs::symlink("index.html", d.join("accueil.html")).unwrap(),
        "lien symbolique refusé : « accueil.html »",
    );
    damaged(
        "a build marker",
        &|d| std::fs::write(d.join(".preau-build"), "marqueur").unwrap(),
        "fichier en trop, absent du manifeste : « .preau-build »",
    );
    damaged(
        "a build folder",
        &|d| {
            std::fs::create_dir_all(d.join(".preau-build")).unwrap();
            std::fs::write(d.join(".preau-build/x.html"), "x").unwrap();
        },
        "fichier en trop, absent du manifeste : « .preau-build/x.html »",
    );
    damaged(
        "an extra signature",
        &|d| std::fs::write(d.join("preau/manifeste.json.x.minisig"), "sig").unwrap(),
        "fichier en trop, absent du manifeste : « preau/manifeste.json.x.minisig »",
    );
    damaged(
        "a signature file elsewhere",
        &|d| std::fs::write(d.join("x.minisig"), "sig").unwrap(),
        "fichier en trop, absent du manifeste : « x.minisig »",
    );
    damaged(
        "a dotfile",
        &|d| std::fs::write(d.join(".user.ini"), "auto_prepend_file=/tmp/x").unwrap(),
        "fichier en trop, absent du manifeste : « .user.ini »",
    );
    damaged(
        "the signed .htaccess rewritten",
        &|d| std::fs::write(d.join(".htaccess"), "Redirect / https://pirate.example/").unwrap(),
        "fichier modifié depuis la signature : « .htaccess »",
    );
    damaged(
        "a signature replaced by a link to itself",
        &|d| {
            let sig = d.join("preau/manifeste.json.ien.minisig");
            let copy = d.join("preau/sig");
            std::fs::rename(&sig, &copy).unwrap();
            std::os::unix::fs::symlink("sig", &sig).unwrap();
        },
        "lien symbolique refusé : « preau/manifeste.json.ien.minisig »",
    );
}

#[test]
fn an_expired_approval_is_refused_whatever_source_date_epoch_says() {
    let s = setup(school_copy("minimal"), "  expiration: 2026-11-01\n");
    let submission = s.submit();
    // Approve refuses it (expired); sign it by hand as a careless IEN would.
    let (ok, _, e) = s.approve(&submission, &["--oui"]);
    assert!(!ok && e.contains("a expiré"), "{e}");
    let dir = submission.parent().unwrap().join("manuel");
    std::fs::create_dir_all(&dir).unwrap();
    tar::Archive::new(std::fs::File::open(&submission).unwrap())
        .unpack(&dir)
        .unwrap();
    let site = dir.join("site");
    let sk = preau::manifest::keys::load_secret(&s.ien_dir.join("ien.key")).unwrap();
    let manifest = std::fs::read(site.join("preau/manifeste.json")).unwrap();
    std::fs::write(
        site.join("preau/manifeste.json.ien.minisig"),
        preau::manifest::keys::sign(&sk, &manifest, "version:1 role:ien").unwrap(),
    )
    .unwrap();
    // A reproducible-build environment set to 2020: the check still uses the clock.
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_preau"))
        .args([
            "verify",
            site.to_str().unwrap(),
            "--ecole",
            s.school.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "1577836800")
        .output()
        .unwrap();
    let (o, e) = text(&r);
    assert!(!r.status.success(), "an expired site passed:\n{o}\n{e}");
    assert!(
        e.contains("le manifeste a expiré le dimanche 1er novembre 2026"),
        "{o}\n{e}"
    );
}
