//! Photos: upright, without metadata, resized, cached, refused when broken
//! or booby-trapped, and never on a public page without the image-rights
//! statement.

use super::common::{bomb_png, copy_tree, files, fixture, preau, require, school_copy, text};

fn photo_school() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, school) = school_copy("minimal");
    copy_tree(&fixture("photos"), &school);
    (tmp, school)
}

/// The JPEG segments of a file: (marker, payload).
fn segments(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let marker = jpeg[i + 1];
        if marker == 0xDA {
            break; // start of scan: no metadata after this
        }
        let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        out.push((marker, jpeg[i + 4..i + 2 + len].to_vec()));
        i += 2 + len;
    }
    out
}

#[test]
fn photos_come_out_upright_resized_and_without_metadata() {
    let (_tmp, school) = photo_school();
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let out = school.join("public");
    let all = files(&out);
    assert!(
        !all.iter()
            .any(|f| f.ends_with("tournee.jpg") || f.ends_with("jardin.jpg")),
        "an original reached the output: {all:?}"
    );
    // 2000×1000 stored, orientation 6: 1000×2000 upright, so widths 480 and 960 and 1000.
    for w in ["480", "960", "1000"] {
        assert!(
            all.contains(&format!("actualites/atelier/tournee-{w}.jpg")),
            "missing width {w}: {all:?}"
        );
    }
    assert!(
        !all.iter().any(|f| f.contains("tournee-1600")),
        "never upscaled"
    );
    let bytes = std::fs::read(out.join("actualites/atelier/tournee-960.jpg")).unwrap();
    let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(
        (img.width(), img.height()),
        (960, 1920),
        "upright: taller than wide"
    );
    let top = img.get_pixel(480, 100);
    let bottom = img.get_pixel(480, 1800);
    assert!(top[0] > 150 && top[2] < 100, "top must be red, is {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom must be blue, is {bottom:?}"
    );
    // No EXIF/XMP (APP1), no IPTC (APP13), no comment (COM).
    for (marker, payload) in segments(&bytes) {
        assert!(
            !matches!(marker, 0xE1 | 0xED | 0xFE),
            "metadata segment {marker:#x} left: {:?}",
            String::from_utf8_lossy(&payload[..payload.len().min(40)])
        );
    }
    for needle in ["ModeleSecret", "Commentaire secret", "TéléphoneDeTest"] {
        assert!(
            memchr::memmem::find(&bytes, needle.as_bytes()).is_none(),
            "{needle} left in the output"
        );
    }
    // The page uses every width, lazily; the gallery too.
    let html = std::fs::read_to_string(out.join("actualites/atelier/index.html")).unwrap();
    assert!(
        html.contains("tournee-480.jpg 480w")
            && html.contains("loading=\"lazy\"")
            && html.contains("width=\"960\" height=\"1920\""),
        "{html}"
    );
    assert!(
        html.contains("jardin-960.jpg") && html.contains("Le carré potager vu d&#39;en haut"),
        "gallery: {html}"
    );
}

#[test]
#[ignore = "needs exiftool (apt-get install libimage-exiftool-perl; bash .ci/run installs it)"]
fn exiftool_finds_no_metadata_left() {
    require(&["exiftool"]);
    let (_tmp, school) = photo_school();
    assert!(preau(&school, &["build"]).status.success());
    let out = std::process::Command::new("exiftool")
        .args(["-a", "-G1", "-s"])
        .arg(school.join("public/actualites/atelier/tournee-960.jpg"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    for group in [
        "[GPS]",
        "[IFD0]",
        "[ExifIFD]",
        "[XMP",
        "[IPTC]",
        "[File]      Comment",
    ] {
        assert!(
            !report.contains(group),
            "exiftool still sees {group}:\n{report}"
        );
    }
    assert!(!report.contains("Orientation"), "{report}");
}

#[test]
fn a_second_build_processes_no_photo() {
    let (_tmp, school) = photo_school();
    let r = preau(&school, &["build"]);
    assert!(
        text(&r)
            .0
            .contains("Photos : 3 traitée(s), 0 reprise(s) du cache."),
        "{:?}",
        text(&r)
    );
    let r = preau(&school, &["build"]);
    assert!(
        text(&r)
            .0
            .contains("Photos : 0 traitée(s), 3 reprise(s) du cache."),
        "{:?}",
        text(&r)
    );
    // One new photo: only it is processed.
    std::fs::copy(
        school.join("actualites/atelier/jardin.jpg"),
        school.join("actualites/atelier/jardin-bis.jpg"),
    )
    .unwrap();
    let post = school.join("actualites/atelier/index.md");
    let md = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, md.replace("    legende: Le jardin en novembre\n", "    legende: Le jardin en novembre\n  - photo: jardin-bis.jpg\n    texte: Le même jardin\n")).unwrap();
    // Same bytes as jardin.jpg: the cache knows it already, by content.
    let r = preau(&school, &["build"]);
    assert!(
        text(&r)
            .0
            .contains("Photos : 0 traitée(s), 4 reprise(s) du cache."),
        "{:?}",
        text(&r)
    );
}

#[test]
fn broken_and_booby_trapped_photos_are_named_and_memory_stays_bounded() {
    let (_tmp, school) = photo_school();
    let dir = school.join("actualites/atelier");
    let full = std::fs::read(dir.join("jardin.jpg")).unwrap();
    std::fs::write(dir.join("jardin.jpg"), &full[..full.len() / 3]).unwrap();
    // A PNG that claims 100,000 × 100,000 pixels (40 GB once decoded).
    std::fs::write(dir.join("tournee.jpg"), bomb_png()).unwrap();
    // Under a 1 GiB address-space limit, so that a decoder that tried would crash.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1048576; exec '{}' check",
            env!("CARGO_BIN_EXE_preau")
        ))
        .current_dir(&school)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("actualites/atelier/jardin.jpg: erreur : photo abîmée ou incomplète"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "actualites/atelier/tournee.jpg: erreur : photo trop grande pour être traitée"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_photo_on_a_public_page_needs_the_image_rights_statement() {
    let (_tmp, school) = photo_school();
    let post = school.join("actualites/atelier/index.md");
    let md = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, md.replace("droit_image: true\n", "")).unwrap();
    let r = preau(&school, &["build"]);
    let (_, stderr) = text(&r);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("actualites/atelier/index.md:1:1: erreur : photo sur une page publique sans mention du droit à l'image"), "{stderr}");
    assert!(
        stderr.contains("ajoutez « droit_image: true » dans l'en-tête"),
        "{stderr}"
    );
    // Reserved to the class, the same page builds.
    std::fs::write(
        &post,
        md.replace("droit_image: true\n", "acces: familles\n"),
    )
    .unwrap();
    assert!(preau(&school, &["build"]).status.success());
}
