//! Encrypted audience areas, attacked: canary strings searched in every
//! output byte, wrong codes, flipped bits, moved blobs, rotation, leaks.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use preau::access::{crypto, AccessError, CodeHolder, Secrets};

use super::common::{
    class_code, copy_tree, files, fixture, open_areas, open_file, page_blob, preau, school_copy,
    text,
};

const CANARY: &str = "Kanarizq7";

fn build(school: &Path, out: &Path) {
    let r = preau(school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
}

/// Every form the canary could leak in.
fn canary_forms() -> Vec<Vec<u8>> {
    let mut forms: Vec<Vec<u8>> = Vec::new();
    for word in [
        CANARY.to_string(),
        CANARY.to_lowercase(),
        CANARY.to_uppercase(),
    ] {
        forms.push(word.as_bytes().to_vec());
        // base64 at the three alignments, standard and URL-safe, of the word
        // inside any text: drop the edge characters that depend on neighbours.
        for pad in 0..3 {
            let shifted = format!("{}{word}", "x".repeat(pad));
            for engine in [
                &base64::engine::general_purpose::STANDARD,
                &base64::engine::general_purpose::URL_SAFE,
            ] {
                let enc = engine.encode(shifted.as_bytes());
                let start = (pad * 4).div_ceil(3) + 1;
                let end = enc.trim_end_matches('=').len().saturating_sub(2);
                if end > start + 6 {
                    forms.push(enc.as_bytes()[start..end].to_vec());
                }
            }
        }
        let url: String = word.bytes().map(|b| format!("%{b:02X}")).collect();
        forms.push(url.into_bytes());
        let entities: String = word.chars().map(|c| format!("&#{};", c as u32)).collect();
        forms.push(entities.into_bytes());
        let hex_entities: String = word
            .chars()
            .map(|c| format!("&#x{:x};", c as u32))
            .collect();
        forms.push(hex_entities.into_bytes());
    }
    forms
}

fn canary_school() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, school) = school_copy("minimal");
    copy_tree(&fixture("canary"), &school);
    (tmp, school)
}

/// What a build keeps in `.preau/cache` (its record for the next build,
/// the photo cache and its record) names no restricted page or photo and
/// holds none of their text: no title, no address, no area search index.
#[test]
fn the_build_cache_holds_no_canary() {
    let (tmp, school) = canary_school();
    let out = tmp.path().join("site");
    // An old photo: the photo record keeps it (a photo written just now is
    // not trusted yet, and not recorded).
    let photo = school.join("classes/cm1/blog/sortie-kanarizq7/kanarizq7-branche.jpg");
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&photo)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
    build(&school, &out);
    // A second build after a change: the record of an incremental build.
    let page = school.join("pages/accueil.md");
    let mut body = std::fs::read_to_string(&page).unwrap();
    body.push_str("\nUne phrase de plus.\n");
    std::fs::write(&page, body).unwrap();
    build(&school, &out);
    let cache = school.join(".preau/cache");
    let record = std::fs::read(cache.join("construction")).expect("no build record to search");
    assert!(record.len() > 1000, "an empty record proves nothing");
    let cached = files(&cache);
    assert!(
        cached.iter().any(|f| f.starts_with("photos/"))
            && cached.iter().any(|f| f == "photos.json"),
        "no photo cache or photo record to search: {cached:?}"
    );
    let forms = canary_forms();
    for file in cached {
        assert!(
            !file.to_lowercase().contains(&CANARY.to_lowercase()),
            "canary in a cache file name: {file}"
        );
        let bytes = std::fs::read(cache.join(&file)).unwrap();
        for form in &forms {
            assert!(
                memchr::memmem::find(&bytes, form).is_none(),
                "canary form {:?} in .preau/cache/{file}",
                String::from_utf8_lossy(form)
            );
        }
    }
}

#[test]
fn canary_is_nowhere_in_the_output_and_everywhere_once_opened() {
    let (tmp, school) = canary_school();
    let out = tmp.path().join("site");
    build(&school, &out);
    let forms = canary_forms();
    for file in files(&out) {
        assert!(
            !file.to_lowercase().contains(&CANARY.to_lowercase()),
            "canary in a file name: {file}"
        );
        let bytes = std::fs::read(out.join(&file)).unwrap();
        let bytes = preau::output::readable(&bytes);
        for form in &forms {
            assert!(
                memchr::memmem::find(&bytes, form).is_none(),
                "canary form {:?} found in {file}",
                String::from_utf8_lossy(form)
            );
        }
    }
    // Once opened with the class keys, it is in every place it was written.
    let pages = open_areas(&out, &school);
    let all_html: String = pages
        .iter()
        .map(|p| format!("{}\n{}", p.title, p.html))
        .collect();
    for expected in [
        "Sortie Kanarizq7 au parc",          // post title
        "Nous avons vu le Kanarizq7",        // body
        "Photo du Kanarizq7 sur sa branche", // photo alt text
        "Dessiner le Kanarizq7",             // homework
        "Tout sur le Kanarizq7",             // resource title
        "https://oiseaux.example/kanarizq7", // resource URL
        "Visite de la volière du Kanarizq7", // class agenda entry
        "data-nom=\"kanarizq7-branche-",     // photo file name (data-nom)
        "fiche-kanarizq7.pdf",               // attached document name
        "Autorisation Kanarizq7",            // document addressed to the class
        "Réunion des familles Kanarizq7",    // families-only school news
    ] {
        assert!(
            all_html.contains(expected),
            "« {expected} » missing once opened"
        );
    }
    // Every form of link from a public post to the class post leads to the
    // class area's entry, and the post is there once the area is opened.
    let public = std::fs::read_to_string(out.join("actualites/liens-vers-la-classe/index.html"))
        .expect("the public post is built");
    let main = &public[public.find("<main").unwrap()..public.find("</main>").unwrap()];
    let into_class: Vec<&str> = main
        .split("href=\"")
        .skip(1)
        .map(|h| &h[..h.find('"').unwrap()])
        .filter(|h| h.contains("classes/cm1"))
        .collect();
    assert_eq!(into_class.len(), 13, "{into_class:?}");
    assert!(
        into_class.iter().all(|h| *h == "/tilleuls/classes/cm1/"),
        "{into_class:?}"
    );
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        atom.contains("La sortie au parc racontée aux familles")
            && atom.contains("href=&quot;/tilleuls/classes/cm1/&quot;"),
        "the public post is in the feed, its links lead to the area: {atom}"
    );
    assert!(
        pages.iter().any(|p| p.route == "blog/sortie-kanarizq7/"),
        "the class post's route is in its area"
    );
    // The attached document's content opens too.
    let pdf = pages
        .iter()
        .find_map(|p| attr_pair(&p.html, "fiche-kanarizq7.pdf"))
        .expect("sealed link to the PDF");
    assert!(
        String::from_utf8_lossy(&open_file(&out, &school, &pdf.0, &pdf.1))
            .contains("le secret de la fiche")
    );
}

/// (blob URL, item id) of the sealed reference whose data-nom is `name`.
fn attr_pair(html: &str, name: &str) -> Option<(String, String)> {
    let at = html.find(&format!("data-nom=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..at];
    let value = |attr: &str| -> Option<String> {
        let i = tag.find(attr)? + attr.len();
        Some(tag[i..i + tag[i..].find('"')?].to_string())
    };
    Some((
        value("data-chiffre-href=\"").or_else(|| value("data-chiffre-src=\""))?,
        value("data-chiffre-id=\"")?,
    ))
}

pub(super) fn ring(out: &Path) -> preau::access::secrets::Ring {
    serde_json::from_slice(&std::fs::read(out.join("acces/cles.json")).unwrap()).unwrap()
}

pub(super) fn unwrap_all(
    ring: &preau::access::secrets::Ring,
    code: &str,
) -> Result<BTreeMap<String, crypto::Key>, AccessError> {
    let salt = base64::engine::general_purpose::STANDARD
        .decode(&ring.kdf.salt)
        .unwrap();
    let kek = crypto::derive_kek(code, &salt, ring.kdf.iterations);
    for role in &ring.roles {
        let opened: Result<BTreeMap<String, crypto::Key>, AccessError> = role
            .iter()
            .map(|w| {
                Ok((
                    w.audience.clone(),
                    crypto::unwrap(
                        &kek,
                        &w.audience,
                        &base64::engine::general_purpose::STANDARD
                            .decode(&w.key)
                            .unwrap(),
                    )?,
                ))
            })
            .collect();
        if opened.is_ok() {
            return opened;
        }
    }
    Err(AccessError::WrongPassphrase)
}

#[test]
fn the_right_code_opens_its_class_and_a_wrong_code_nothing() {
    let (tmp, school) = school_copy("minimal");
    let out = tmp.path().join("site");
    build(&school, &out);
    let secrets = Secrets::load(&school).unwrap().unwrap();
    let ring = ring(&out);
    assert!(ring.kdf.iterations >= 600_000);
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&ring.kdf.salt)
            .unwrap()
            .len(),
        16
    );
    let code = secrets.code(&CodeHolder::Class("cm1".into())).unwrap();
    let keys = unwrap_all(&ring, code).expect("the class code opens");
    assert_eq!(
        keys.keys().cloned().collect::<Vec<_>>(),
        vec!["classe:cm1", "familles"]
    );
    assert_eq!(
        keys["classe:cm1"],
        secrets
            .content_key(&preau::config::Audience::Class("cm1".into()))
            .unwrap()
    );
    // Typed spaced and in capitals: still the same code.
    assert!(unwrap_all(&ring, &code.to_uppercase().replace('-', " ")).is_ok());
    // One letter off: a typed error, nothing opens.
    let mut wrong = code.to_string();
    wrong.replace_range(0..1, if wrong.starts_with('b') { "d" } else { "b" });
    assert_eq!(unwrap_all(&ring, &wrong), Err(AccessError::WrongPassphrase));
    // The staff code opens everything.
    let staff = unwrap_all(&ring, secrets.code(&CodeHolder::Staff).unwrap()).unwrap();
    assert_eq!(staff.len(), 3);
}

#[test]
fn every_flipped_bit_and_every_moved_blob_is_rejected() {
    let (tmp, school) = school_copy("minimal");
    let out = tmp.path().join("site");
    build(&school, &out);
    let pages = open_areas(&out, &school);
    assert!(pages.len() > 5, "the class area has its pages");
    let secrets = Secrets::load(&school).unwrap().unwrap();
    let key = secrets
        .content_key(&preau::config::Audience::Class("cm1".into()))
        .unwrap();
    let index_id = "classe:cm1/index";
    let index_path = out.join(
        preau::access::bundle::index_blob(&preau::config::Audience::Class("cm1".into()), &secrets)
            .unwrap(),
    );
    let blob = std::fs::read(&index_path).unwrap();
    assert!(crypto::open(&key, index_id, &blob).is_ok());
    // A flipped bit anywhere in any sealed file.
    for file in files(&out).into_iter().filter(|f| f.ends_with(".bin")) {
        let bytes = std::fs::read(out.join(&file)).unwrap();
        let mut seed = bytes.len();
        for _ in 0..16 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut bad = bytes.clone();
            let i = seed % bad.len();
            bad[i] ^= 1 << (seed % 8);
            for audience in ["classe:cm1", "familles", "equipe"] {
                let k = base64::engine::general_purpose::STANDARD
                    .decode(&secrets.audiences[audience].content_key)
                    .unwrap();
                let k: crypto::Key = k.try_into().unwrap();
                for id in [index_id.to_string()].into_iter().chain(
                    pages
                        .iter()
                        .map(|p| format!("{}/page/{}", p.audience, p.route)),
                ) {
                    assert!(
                        crypto::open(&k, &id, &bad).is_err(),
                        "{file}: a flipped bit opened as {id}"
                    );
                }
            }
        }
    }
    // A page's blob under another page's id (swapped files on the server).
    let a = &pages[0];
    let b = &pages[1];
    let a_blob = std::fs::read(out.join(page_blob(&out, &school, a))).unwrap();
    assert_eq!(
        crypto::open(&key, &format!("{}/page/{}", b.audience, b.route), &a_blob),
        Err(AccessError::Corrupted)
    );
}

#[test]
fn changing_one_post_changes_only_the_files_that_carry_it() {
    let (tmp, school) = school_copy("minimal");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&school, &a);
    let post = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        text.replace(
            "résume la sortie.",
            "résume la sortie, et les élèves l'ont aimée.",
        ),
    )
    .unwrap();
    build(&school, &b);
    let (fa, fb) = (files(&a), files(&b));
    let changed: Vec<&String> = fb
        .iter()
        .filter(|f| {
            !fa.contains(f)
                || std::fs::read(a.join(f)).unwrap() != std::fs::read(b.join(f)).unwrap()
        })
        .collect();
    let removed: Vec<&String> = fa.iter().filter(|f| !fb.contains(f)).collect();
    // The post's blob and the class's search index (it holds the post's
    // words) get new names, from their content, so that the index still
    // online during a deploy keeps finding its own; the class's index,
    // which names them, changes in place; nothing else.
    assert_eq!(removed.len(), 2, "removed: {removed:?}");
    let secrets = Secrets::load(&school).unwrap().unwrap();
    let audience = preau::config::Audience::Class("cm1".into());
    let key = secrets.content_key(&audience).unwrap();
    let index_rel = preau::access::bundle::index_blob(&audience, &secrets).unwrap();
    let index_path = b.join(&index_rel);
    let index: serde_json::Value = serde_json::from_slice(
        &crypto::open(
            &key,
            "classe:cm1/index",
            &std::fs::read(index_path).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let base = super::common::base_path(&school);
    let rel = |v: &serde_json::Value| {
        v["blob"]
            .as_str()
            .unwrap()
            .strip_prefix(base.as_str())
            .unwrap()
            .to_string()
    };
    let mut expected = vec![
        rel(&index["pages"]["blog/sortie/"]),
        rel(&index["recherche"]),
        index_rel,
    ];
    expected.sort();
    let mut changed: Vec<String> = changed.into_iter().cloned().collect();
    changed.sort();
    assert_eq!(
        changed, expected,
        "only the post, the class search index and the class index may change"
    );
}

#[test]
fn after_a_rotation_the_old_code_opens_nothing_new() {
    let (tmp, school) = school_copy("minimal");
    let old = Secrets::load(&school).unwrap().unwrap();
    let old_code = old
        .code(&CodeHolder::Class("cm1".into()))
        .unwrap()
        .to_string();
    let r = preau(&school, &["access", "renouveler", "cm1"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let new = Secrets::load(&school).unwrap().unwrap();
    let new_code = new.code(&CodeHolder::Class("cm1".into())).unwrap();
    assert_ne!(old_code, new_code);
    let out = tmp.path().join("site");
    build(&school, &out);
    let ring = ring(&out);
    assert_eq!(
        unwrap_all(&ring, &old_code),
        Err(AccessError::WrongPassphrase)
    );
    assert!(unwrap_all(&ring, new_code).is_ok());
    // The old content keys (a family that kept them) open no file of the new site.
    for audience in ["classe:cm1", "familles"] {
        let k: crypto::Key = base64::engine::general_purpose::STANDARD
            .decode(&old.audiences[audience].content_key)
            .unwrap()
            .try_into()
            .unwrap();
        for page in open_areas(&out, &school) {
            let id = format!("{}/page/{}", page.audience, page.route);
            let path = page_blob(&out, &school, &page);
            assert!(
                crypto::open(&k, &id, &std::fs::read(out.join(path)).unwrap()).is_err(),
                "old {audience} key opens {id}"
            );
        }
    }
    // Other roles keep their code.
    assert_eq!(old.code(&CodeHolder::Staff), new.code(&CodeHolder::Staff));
}

#[test]
fn a_secret_written_in_content_stops_the_build() {
    let (_tmp, school) = school_copy("minimal");
    let code = class_code(&school, "cm1");
    std::fs::write(
        school.join("actualites/code.md"),
        format!("---\ntitre: Oups\ndate: 2026-11-01\n---\nLe code de la classe est {code}.\n"),
    )
    .unwrap();
    let r = preau(&school, &["build"]);
    assert!(!r.status.success());
    assert!(
        text(&r).1.contains(
            "un secret (code d'accès ou clé) se trouve dans « actualites/code/index.html »"
        ),
        "{:?}",
        text(&r)
    );
    assert!(!school.join("public").exists());
}

#[test]
fn restricted_content_without_codes_is_refused_with_advice() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::remove_dir_all(school.join(".preau")).unwrap();
    let r = preau(&school, &["build"]);
    assert!(!r.status.success());
    assert!(
        text(&r).1.contains("preau access generer"),
        "{:?}",
        text(&r)
    );
    let r = preau(&school, &["acces", "generer"]);
    assert!(r.status.success(), "{:?}", text(&r));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(school.join(".preau/acces.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let mode = std::fs::metadata(school.join(".preau/lettres/lettre-cm1.html"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(std::fs::read_to_string(school.join(".gitignore"))
        .unwrap()
        .contains(".preau/"));
    let letter = std::fs::read_to_string(school.join(".preau/lettres/lettre-cm1.html")).unwrap();
    let code = class_code(&school, "cm1");
    assert!(
        letter.contains(&code) && letter.contains("<svg"),
        "the letter has the code and its QR code"
    );
    assert!(preau(&school, &["build"]).status.success());
    // A second « generer » changes nothing.
    let before = std::fs::read(school.join(".preau/acces.json")).unwrap();
    assert!(preau(&school, &["acces", "generer"]).status.success());
    assert_eq!(
        before,
        std::fs::read(school.join(".preau/acces.json")).unwrap()
    );
}

#[test]
fn the_public_shell_says_nothing_of_the_content() {
    let (tmp, school) = school_copy("minimal");
    let out = tmp.path().join("site");
    build(&school, &out);
    let shell = std::fs::read_to_string(out.join("classes/cm1/index.html")).unwrap();
    for secret in [
        "Sortie au musée",
        "fractions",
        "Relire le chapitre",
        "Lumni",
        "tableau.jpg",
        "sortie",
    ] {
        assert!(!shell.contains(secret), "shell reveals « {secret} »");
    }
    assert!(shell.contains("Espace de la classe CM1 de Mme Martin"));
    // Public lists do not name restricted pages either.
    for file in files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".xml") || f.ends_with(".ics"))
    {
        let html = std::fs::read_to_string(out.join(&file)).unwrap();
        assert!(
            !html.contains("Sortie au musée") && !html.contains("blog/sortie"),
            "{file} names a restricted post"
        );
    }
}

/// A public page may not publish a file that belongs to a class post or a
/// document reserved to a class: each link is an error naming the page (and
/// line), the file, and whose it is.
#[test]
fn a_public_link_to_a_restricted_file_is_refused() {
    let (_tmp, school) = canary_school();
    std::fs::write(
        school.join("actualites/fichiers.md"),
        "---\ntitre: Fichiers\ndate: 2026-11-15\ndroit_image: true\n---\n\
         [La fiche](@/classes/cm1/blog/sortie-kanarizq7/fiche-kanarizq7.pdf)\n\n\
         [La fiche encore](/classes/cm1/blog/sortie-kanarizq7/fiche-kanarizq7.pdf)\n\n\
         [Et encore](https://ecoles.villeneuve.example/tilleuls/classes/cm1/blog/sortie-kanarizq7/fiche-kanarizq7.pdf)\n\n\
         ![Une photo](../classes/cm1/blog/sortie-kanarizq7/kanarizq7-branche.jpg)\n\n\
         [L'autorisation](/documents/autorisation-kanarizq7.pdf)\n",
    )
    .unwrap();
    let r = preau(&school, &["check"]);
    let (_, err) = text(&r);
    assert!(!r.status.success(), "{err}");
    for (line, file, owner) in [
        (
            6,
            "classes/cm1/blog/sortie-kanarizq7/fiche-kanarizq7.pdf",
            "classes/cm1/blog/sortie-kanarizq7/index.md",
        ),
        (
            8,
            "classes/cm1/blog/sortie-kanarizq7/fiche-kanarizq7.pdf",
            "classes/cm1/blog/sortie-kanarizq7/index.md",
        ),
        (
            10,
            "classes/cm1/blog/sortie-kanarizq7/fiche-kanarizq7.pdf",
            "classes/cm1/blog/sortie-kanarizq7/index.md",
        ),
        (
            12,
            "classes/cm1/blog/sortie-kanarizq7/kanarizq7-branche.jpg",
            "classes/cm1/blog/sortie-kanarizq7/index.md",
        ),
        (14, "documents/autorisation-kanarizq7.pdf", "documents.yaml"),
    ] {
        let at = format!("actualites/fichiers.md:{line}:");
        let found = err.lines().any(|l| {
            l.contains(&at) && l.contains(file) && l.contains(owner) && l.contains("erreur")
        });
        assert!(found, "no error at {at} naming {file} and {owner}:\n{err}");
    }
    // Nothing is published either.
    let r = preau(&school, &["build"]);
    assert!(!r.status.success());
    assert!(!school.join("public").exists());
}
