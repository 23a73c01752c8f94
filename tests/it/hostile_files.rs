//! What a teacher's files could smuggle onto the site (issue 12): active
//! content served from the site's origin, photos and media that keep their
//! metadata, and symbolic links that read files from outside the school
//! folder. Each test attacks; the refusals themselves (file, line, hint) are
//! also checked by the `fichier-actif` and `video-et-son` cases of
//! `invalid.rs`.
//!
//! `tests/fixtures/heic/actualites/iphone/IMG_0003.HEIC` was made with
//! Debian's `heif-enc` 1.15 (package libheif-examples) from
//! `tests/fixtures/photos/actualites/atelier/tournee.jpg`
//! (`heif-enc -q 40 -o IMG_0003.HEIC tournee.jpg`): 2000 × 1000 pixels
//! stored (red on the left, blue on the right), EXIF orientation 6 and no
//! `irot` box, GPS 48°51'24" N 2°21'7" E, make « TéléphoneDeTest », model
//! « ModeleSecret ». `IMG_0004.HEIC` is the same file as an iPhone writes
//! it: the rotation also in the HEIF container (an `irot` property, added by
//! `tests/fixtures/tools/add_irot.py IMG_0003.HEIC IMG_0004.HEIC 3`), which
//! libheif applies, so the EXIF orientation must not turn it a second time.

use std::path::Path;

use super::common::{copy_tree, files, fixture, preau, school_copy, text};

/// Every file under `dir` with its bytes (links are not followed).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn active_content_is_refused_and_the_previous_site_stays() {
    let (_tmp, school) = school_copy("minimal");
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let before = snapshot(&school.join("public"));

    copy_tree(&fixture("invalid/fichier-actif"), &school);
    let r = preau(&school, &["build"]);
    let (_, stderr) = text(&r);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    // Every file at once, each where it is linked or listed.
    for (at, name) in [
        ("classes/cm1/blog/fiches/index.md:5:", "« fiche.html »"),
        ("classes/cm1/blog/fiches/index.md:7:", "« dessin.svg »"),
        ("classes/cm1/blog/fiches/index.md:9:", "« page.xhtml »"),
        ("classes/cm1/blog/fiches/index.md:9:", "« x.xml »"),
        ("classes/cm1/blog/fiches/index.md:9:", "« a.js »"),
        ("documents.yaml:3:", "« jeu.html »"),
        ("documents/faux-menu.pdf:", "« faux-menu.pdf »"),
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(at) && l.contains(name) && l.contains("erreur")),
            "{name} not reported at {at}:\n{stderr}"
        );
    }
    assert!(stderr.contains("enregistrez-la en PDF"), "{stderr}");
    assert_eq!(
        snapshot(&school.join("public")),
        before,
        "a failed build changed the previous site"
    );
}

#[test]
fn no_disallowed_type_is_published_linked_or_not() {
    // Files lying in a page bundle that no page links to are not published
    // (only what a page links to becomes an asset); a valid site with such
    // files builds, and none of them reaches the output.
    let (_tmp, school) = school_copy("minimal");
    let bundle = school.join("classes/cm1/blog/sortie");
    std::fs::write(bundle.join("fiche.html"), "<script>alert(1)</script>").unwrap();
    std::fs::write(
        bundle.join("dessin.svg"),
        "<svg><script>alert(1)</script></svg>",
    )
    .unwrap();
    std::fs::write(bundle.join("film.mp4"), b"\0\0\0\x18ftypmp42").unwrap();
    std::fs::write(bundle.join("notes.txt"), "notes de la maîtresse").unwrap();
    std::fs::create_dir_all(school.join("actualites/kermesse")).unwrap();
    std::fs::write(
        school.join("actualites/kermesse/index.md"),
        "---\ntitre: Kermesse\ndate: 2026-11-02\n---\nRendez-vous samedi.\n",
    )
    .unwrap();
    std::fs::write(school.join("actualites/kermesse/jeu.js"), "alert(1)").unwrap();
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let published = files(&school.join("public"));
    for f in &published {
        let ext = f.rsplit('.').next().unwrap_or("");
        assert!(
            !matches!(ext, "svg" | "mp4" | "js" | "txt")
                || f.starts_with("static/")
                || f == preau::layout::SERVICE_WORKER,
            "{f} was published"
        );
        assert!(
            !f.ends_with("fiche.html") && !f.contains("kermesse/jeu"),
            "{f} was published"
        );
    }
}

#[test]
#[cfg(feature = "heic")] // without it, see release::without_heic_support_*
fn heic_photos_come_out_upright_stripped_and_resized() {
    let (_tmp, school) = school_copy("minimal");
    copy_tree(&fixture("heic"), &school);
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let out = school.join("public");
    let all = files(&out);
    assert!(
        !all.iter().any(|f| f.to_lowercase().ends_with(".heic")),
        "the original reached the output: {all:?}"
    );
    // 2000 × 1000 stored, orientation 6: 1000 × 2000 upright.
    for (stem, w) in [
        ("IMG_0003", "480"),
        ("IMG_0003", "960"),
        ("IMG_0003", "1000"),
    ]
    .into_iter()
    .chain([
        ("IMG_0004", "480"),
        ("IMG_0004", "960"),
        ("IMG_0004", "1000"),
    ]) {
        assert!(
            all.contains(&format!("actualites/iphone/{stem}-{w}.jpg")),
            "missing width {w} of {stem}: {all:?}"
        );
    }
    for stem in ["IMG_0003", "IMG_0004"] {
        let bytes = std::fs::read(out.join(format!("actualites/iphone/{stem}-960.jpg"))).unwrap();
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!(
            (img.width(), img.height()),
            (960, 1920),
            "{stem} upright: taller than wide"
        );
        let top = img.get_pixel(480, 100);
        let bottom = img.get_pixel(480, 1800);
        assert!(
            top[0] > 150 && top[2] < 100,
            "{stem}: top must be red, is {top:?}"
        );
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "{stem}: bottom must be blue, is {bottom:?}"
        );
        for needle in ["ModeleSecret", "Exif", "TéléphoneDeTest"] {
            assert!(
                memchr::memmem::find(&bytes, needle.as_bytes()).is_none(),
                "{needle} left in {stem}"
            );
        }
    }
    let page = std::fs::read_to_string(out.join("actualites/iphone/index.html")).unwrap();
    assert!(page.contains("IMG_0003-960.jpg"), "{page}");
    assert!(
        !page.contains("IMG_0003.HEIC"),
        "the page still points to the original"
    );
}

#[test]
#[cfg(feature = "heic")] // without it, see release::without_heic_support_*
#[ignore = "needs exiftool (apt-get install libimage-exiftool-perl; bash .ci/run installs it)"]
fn exiftool_finds_no_gps_in_a_heic_photo() {
    super::common::require(&["exiftool"]);
    let (_tmp, school) = school_copy("minimal");
    copy_tree(&fixture("heic"), &school);
    let original = school.join("actualites/iphone/IMG_0003.HEIC");
    let exif = |file: &Path| {
        let out = std::process::Command::new("exiftool")
            .args(["-a", "-G1", "-s"])
            .arg(file)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(
        exif(&original).contains("[GPS]"),
        "the fixture must carry GPS"
    );
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    for w in ["480", "960", "1000"] {
        let report = exif(&school.join(format!("public/actualites/iphone/IMG_0003-{w}.jpg")));
        assert!(report.contains("JPEG"), "{report}");
        for group in ["[GPS]", "[IFD0]", "[ExifIFD]", "[XMP", "Orientation"] {
            assert!(
                !report.contains(group),
                "exiftool still sees {group}:\n{report}"
            );
        }
    }
}

/// Builds and checks `school`, which holds a link to `/etc/passwd` or to a
/// folder outside it: both fail and name `link`, and the password file's
/// first line appears nowhere: not in what they print, not in any file
/// left in the school folder.
fn refused_with_nothing_read(school: &Path, link: &str) {
    const PASSWD: &str = "root:x:0:0";
    assert!(
        std::fs::read_to_string("/etc/passwd")
            .unwrap()
            .contains(PASSWD),
        "this machine's /etc/passwd must start with root"
    );
    for command in ["check", "build"] {
        let r = preau(school, &[command]);
        let (stdout, stderr) = text(&r);
        assert_eq!(
            r.status.code(),
            Some(1),
            "{command} must fail:\n{stdout}\n{stderr}"
        );
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&format!("{link}:")) && l.contains("lien symbolique")),
            "{command} does not name the link {link}:\n{stderr}"
        );
        assert!(
            !stdout.contains(PASSWD) && !stderr.contains(PASSWD),
            "{command} printed the password file"
        );
    }
    assert!(
        !school.join("public").exists(),
        "a failed build wrote output"
    );
    for (f, bytes) in snapshot(school) {
        assert!(
            memchr::memmem::find(&bytes, PASSWD.as_bytes()).is_none(),
            "{f} holds the password file"
        );
    }
}

/// A public post of the minimal school (so that nothing would be encrypted).
fn public_post(school: &Path, body: &str) {
    std::fs::write(
        school.join("classes/cm1/blog/sortie/index.md"),
        format!("---\ntitre: Sortie au musée\ndate: 2026-11-12\nacces: public\n---\n{body}\n"),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn a_file_link_to_etc_passwd_is_refused() {
    let (_tmp, school) = school_copy("minimal");
    std::os::unix::fs::symlink(
        "/etc/passwd",
        school.join("classes/cm1/blog/sortie/menu.txt"),
    )
    .unwrap();
    public_post(&school, "Le [menu de la sortie](menu.txt).");
    refused_with_nothing_read(&school, "classes/cm1/blog/sortie/menu.txt");
    // The link is also named where the page uses it.
    let (_, stderr) = text(&preau(&school, &["check"]));
    assert!(
        stderr.contains("classes/cm1/blog/sortie/index.md:6:")
            && stderr.contains("passe par un lien symbolique"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_folder_link_inside_a_class_is_refused() {
    let (_tmp, school) = school_copy("minimal");
    std::os::unix::fs::symlink("/etc", school.join("classes/cm1/blog/sortie/annexes")).unwrap();
    public_post(
        &school,
        "Les [annexes](annexes/passwd.txt) et [la suite](annexes/passwd).",
    );
    refused_with_nothing_read(&school, "classes/cm1/blog/sortie/annexes");
}

#[cfg(unix)]
#[test]
fn a_linked_class_folder_is_refused() {
    // The whole class folder is a link to a folder outside the school.
    let (tmp, school) = school_copy("minimal");
    let outside = tmp.path().join("dehors");
    std::fs::create_dir_all(outside.join("blog")).unwrap();
    std::fs::write(
        outside.join("classe.yaml"),
        "nom: CM2\nniveau: CM2\nenseignants: [M. Petit]\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", outside.join("blog/menu.txt")).unwrap();
    std::fs::write(
        outside.join("blog/sortie.md"),
        "---\ntitre: Sortie\ndate: 2026-11-12\nacces: public\n---\nLe [menu](menu.txt).\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, school.join("classes/cm2")).unwrap();
    let ecole = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    std::fs::write(
        school.join("ecole.yaml"),
        ecole.replace("classes: [cm1]", "classes: [cm1, cm2]"),
    )
    .unwrap();
    refused_with_nothing_read(&school, "classes/cm2");
}

#[cfg(unix)]
#[test]
fn a_linked_document_is_refused() {
    let (_tmp, school) = school_copy("minimal");
    std::os::unix::fs::symlink("/etc/passwd", school.join("documents/comptes.txt")).unwrap();
    std::fs::write(
        school.join("documents.yaml"),
        "- fichier: menu.pdf\n  titre: Menu\n- fichier: comptes.txt\n  titre: Les comptes\n  acces: public\n",
    )
    .unwrap();
    refused_with_nothing_read(&school, "documents/comptes.txt");
    let (_, stderr) = text(&preau(&school, &["check"]));
    assert!(
        stderr.contains(
            "documents.yaml:3:1: erreur : « documents/comptes.txt » est un lien symbolique"
        ),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_linked_documents_folder_and_theme_file_are_refused() {
    let (tmp, school) = school_copy("minimal");
    let outside = tmp.path().join("dehors");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", outside.join("comptes.txt")).unwrap();
    std::fs::remove_dir_all(school.join("documents")).unwrap();
    std::os::unix::fs::symlink(&outside, school.join("documents")).unwrap();
    std::fs::create_dir_all(school.join("theme/static")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", school.join("theme/static/style.css")).unwrap();
    refused_with_nothing_read(&school, "documents");
    refused_with_nothing_read(&school, "theme/static/style.css");
}

#[test]
fn the_book_lists_the_allow_list() {
    let chapter =
        std::fs::read_to_string(super::common::repo().join("book/src/enseignants/liens.md"))
            .unwrap();
    use preau::content::attachments::{DOCUMENT_TYPES, PHOTO_TYPES};
    for ext in PHOTO_TYPES.iter().chain(DOCUMENT_TYPES.iter()) {
        assert!(
            chapter.contains(&format!("`.{ext}`")),
            "book/src/enseignants/liens.md does not list .{ext}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_linked_agenda_is_refused() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::remove_file(school.join("agenda.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", school.join("agenda.yaml")).unwrap();
    refused_with_nothing_read(&school, "agenda.yaml");
}
