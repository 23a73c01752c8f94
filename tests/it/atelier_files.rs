//! The atelier's library on real schools: what it writes is what a teacher
//! writes by hand, nothing is lost, nothing leaves the school folder.

use std::path::{Path, PathBuf};

use preau::atelier::{self, DocKind, Document, SaveError};

use crate::common::{bomb_png, copy_tree, preau, repo, text};

/// A temporary copy of the example school.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let school = tmp.path().join("ecole");
    copy_tree(&repo().join("example-school"), &school);
    (tmp, school)
}

/// Every file of a school the atelier edits, found by walking the folders
/// (not through the library under test).
fn atelier_files(school: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(school)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry.path().strip_prefix(school).unwrap();
        let rel = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect::<Vec<_>>();
        let parts: Vec<&str> = rel.iter().map(String::as_str).collect();
        let wanted = match parts.as_slice() {
            ["agenda.yaml"] | ["classes", _, "agenda.yaml"] | ["classes", _, "ressources.md"] => {
                true
            }
            ["actualites", name]
            | ["classes", _, "blog", name]
            | ["classes", _, "cahier", name] => name.ends_with(".md"),
            ["actualites", _, "index.md"] | ["classes", _, "blog", _, "index.md"] => true,
            _ => false,
        };
        if wanted {
            out.push(rel.join("/"));
        }
    }
    out
}

#[test]
fn every_example_school_file_opened_and_saved_is_byte_identical() {
    let (_tmp, school) = example_copy();
    let files = atelier_files(&school);
    assert!(files.len() > 250, "{} files", files.len());
    let kinds: std::collections::BTreeSet<String> = files
        .iter()
        .map(|f| format!("{:?}", atelier::open(&school, f).unwrap().document.kind()))
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    for rel in &files {
        let before = std::fs::read(school.join(rel)).unwrap();
        let opened = atelier::open(&school, rel).unwrap_or_else(|e| panic!("{rel}: {e:#}"));
        // Through JSON, as the browser sends it back.
        let json = serde_json::to_string(&opened.document).unwrap();
        let doc: Document = serde_json::from_str(&json).unwrap();
        let saved = atelier::save(&school, rel, Some(&opened.version), &doc, "test")
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(saved.version, opened.version, "{rel}");
        assert_eq!(std::fs::read(school.join(rel)).unwrap(), before, "{rel}");
        // Written from scratch (no text to keep), the form reads back the same.
        let stem = rel.rsplit('/').next().unwrap().rsplit_once('.').unwrap().0;
        let fresh = atelier::render::render(doc.kind(), None, &doc, stem).unwrap();
        let again = Document::parse(doc.kind(), &fresh, stem).unwrap();
        assert_eq!(again, doc, "{rel} written from scratch:\n{fresh}");
    }
    let r = preau(&school, &["check"]);
    let (out, err) = text(&r);
    assert!(r.status.success(), "{out}{err}");
}

#[test]
fn a_changed_field_rewrites_that_key_only_and_check_still_passes() {
    let (_tmp, school) = example_copy();
    let rel = "classes/cm1/cahier/2026-11-20.md";
    let original = std::fs::read_to_string(school.join(rel))
        .unwrap()
        .replacen("---\n", "---\n# Cahier tenu par Mme Martin\n", 1)
        .replace(
            "    matiere: Français\n",
            "    matiere: Français   # la leçon 12\n",
        );
    std::fs::write(school.join(rel), &original).unwrap();
    let opened = atelier::open(&school, rel).unwrap();
    let Document::CahierDay(mut day) = opened.document.clone() else {
        panic!("{:?}", opened.document)
    };
    day.homework[1].work = "Apprendre la leçon : les aires.".into();
    day.draft = true;
    atelier::save(
        &school,
        rel,
        Some(&opened.version),
        &Document::CahierDay(day.clone()),
        "Mme Martin",
    )
    .unwrap();
    let after = std::fs::read_to_string(school.join(rel)).unwrap();
    // Only the homework list is rewritten (it changed); the comment before
    // it and the body stay; the new key goes in its place.
    assert!(
        after.starts_with("---\n# Cahier tenu par Mme Martin\n"),
        "{after}"
    );
    assert!(after.contains("brouillon: true\n"), "{after}");
    assert!(
        after.contains("travail: \"Apprendre la leçon : les aires.\"\n"),
        "{after}"
    );
    let body = |t: &str| t.split_once("\n---\n").unwrap().1.to_string();
    assert_eq!(body(&after), body(&original));
    let again = atelier::open(&school, rel).unwrap();
    assert_eq!(again.document, Document::CahierDay(day));
    assert_eq!(again.modified_by.as_deref(), Some("Mme Martin"));
    assert!(again.modified_at.is_some());

    // A post: one key changes, the comment and the other keys stay as typed.
    let rel = "classes/cm1/blog/sortie-au-musee/index.md";
    let original = std::fs::read_to_string(school.join(rel)).unwrap().replace(
        "auteur: Mme Claire Martin\n",
        "auteur: 'Mme Claire Martin' # CM1\n",
    );
    std::fs::write(school.join(rel), &original).unwrap();
    let opened = atelier::open(&school, rel).unwrap();
    let Document::Post(mut post) = opened.document else {
        panic!()
    };
    post.title = "Sciences : l'eau".into();
    atelier::save(
        &school,
        rel,
        Some(&opened.version),
        &Document::Post(post),
        "x",
    )
    .unwrap();
    let after = std::fs::read_to_string(school.join(rel)).unwrap();
    assert_eq!(
        after,
        original.replace(
            "titre: Sortie au musée gallo-romain\n",
            "titre: \"Sciences : l'eau\"\n"
        )
    );

    // An agenda: one event edited, one added; comments and quotes stay.
    let rel = "classes/cm1/agenda.yaml";
    let original = format!(
        "# Agenda du CM1\n{}",
        std::fs::read_to_string(school.join(rel)).unwrap()
    );
    std::fs::write(school.join(rel), &original).unwrap();
    let opened = atelier::open(&school, rel).unwrap();
    let Document::Agenda(mut agenda) = opened.document else {
        panic!()
    };
    agenda.entries[1].place = "Salle du CM1".into();
    agenda.entries.push(atelier::EventForm {
        title: "Kermesse".into(),
        date: "2027-06-19".into(),
        time: "14:00".into(),
        ..Default::default()
    });
    atelier::save(
        &school,
        rel,
        Some(&opened.version),
        &Document::Agenda(agenda),
        "x",
    )
    .unwrap();
    let after = std::fs::read_to_string(school.join(rel)).unwrap();
    assert_eq!(
        after,
        format!(
            "{}- titre: Kermesse\n  date: 2027-06-19\n  heure: \"14:00\"\n",
            original.replace("  lieu: Classe de CM1\n", "  lieu: Salle du CM1\n")
        )
    );

    let r = preau(&school, &["check"]);
    let (out, err) = text(&r);
    assert!(r.status.success(), "{out}{err}");
}

#[test]
fn a_file_changed_on_disk_since_it_was_opened_is_not_overwritten() {
    let (_tmp, school) = example_copy();
    let rel = "classes/cm1/ressources.md";
    let opened = atelier::open(&school, rel).unwrap();
    // Another teacher, a text editor or a sync client changes the file.
    let theirs = std::fs::read_to_string(school.join(rel))
        .unwrap()
        .replace("## Lecture", "## Lecture suivie");
    std::fs::write(school.join(rel), &theirs).unwrap();
    let Document::Resources(mut mine) = opened.document else {
        panic!()
    };
    mine.title = "Nos ressources".into();
    let err = atelier::save(
        &school,
        rel,
        Some(&opened.version),
        &Document::Resources(mine),
        "x",
    )
    .unwrap_err();
    match err {
        SaveError::Stale { on_disk, yours } => {
            assert_eq!(on_disk, theirs);
            assert!(yours.contains("titre: Nos ressources\n"), "{yours}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(std::fs::read_to_string(school.join(rel)).unwrap(), theirs);
    // Creating a file that exists is refused too.
    let err = atelier::save(
        &school,
        rel,
        None,
        &Document::Resources(Default::default()),
        "x",
    )
    .unwrap_err();
    assert!(matches!(err, SaveError::Exists { .. }), "{err}");
    assert!(err.to_string().contains("existe déjà"), "{err}");
    assert_eq!(std::fs::read_to_string(school.join(rel)).unwrap(), theirs);
}

#[test]
fn two_tabs_saving_at_once_one_wins_the_other_is_told() {
    let (_tmp, school) = example_copy();
    let rel = "classes/ce1/cahier/2026-12-18.md";
    let opened = atelier::open(&school, rel).unwrap();
    let barrier = std::sync::Barrier::new(2);
    let results: Vec<Result<atelier::Saved, SaveError>> = std::thread::scope(|s| {
        let tabs: Vec<_> = (0..2)
            .map(|tab| {
                let (school, opened, barrier) = (&school, &opened, &barrier);
                s.spawn(move || {
                    let Document::CahierDay(mut day) = opened.document.clone() else {
                        panic!()
                    };
                    day.intro = format!("Onglet {tab}");
                    barrier.wait();
                    atelier::save(
                        school,
                        rel,
                        Some(&opened.version),
                        &Document::CahierDay(day),
                        &format!("onglet {tab}"),
                    )
                })
            })
            .collect();
        tabs.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let won: Vec<&atelier::Saved> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(matches!(lost, SaveError::Stale { .. }), "{lost}");
    let on_disk = std::fs::read(school.join(rel)).unwrap();
    assert_eq!(preau::hash::sha256_hex(&on_disk), won[0].version);
}

#[test]
fn paths_outside_the_content_folders_are_refused() {
    let (tmp, school) = example_copy();
    let doc = Document::Agenda(Default::default());
    let outside = tmp.path().join("x");
    std::fs::create_dir_all(school.join("classes/cm1/blog/lien")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path(), school.join("classes/cm1/blog/ailleurs")).unwrap();
    for rel in [
        "../ecole.yaml",
        "/etc/passwd",
        outside.to_str().unwrap(),
        "classes/cm1/../../x",
        "classes/cm1/blog/../../../../x/index.md",
        "ecole.yaml",
        ".preau/atelier/auteurs.json",
        "classes/cm1/blog/ailleurs/index.md",
    ] {
        for kind in [DocKind::Post, DocKind::Agenda] {
            let doc = match kind {
                DocKind::Post => Document::Post(Default::default()),
                _ => doc.clone(),
            };
            let err = atelier::save(&school, rel, None, &doc, "x").unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("refusé")
                    || text.contains("n'est pas un fichier que l'atelier")
                    || text.contains("lien symbolique"),
                "{rel}: {text}"
            );
            assert!(atelier::open(&school, rel).is_err(), "{rel}");
            assert!(atelier::delete(&school, rel, "0").is_err(), "{rel}");
        }
    }
    assert!(!outside.exists());
    assert!(!tmp.path().join("index.md").exists());
    let r = atelier::store_upload(&school, "../x/index.md", "a.pdf", b"%PDF-1.4\n");
    assert!(r.is_err());
}

#[test]
fn uploads_are_checked_like_the_build_checks_them() {
    let (_tmp, school) = example_copy();
    let post = "classes/cm1/blog/sortie-au-musee/index.md";
    // A web page renamed .jpg.
    let err = atelier::store_upload(
        &school,
        post,
        "photo.jpg",
        b"<html><script>alert(1)</script></html>",
    )
    .unwrap_err();
    assert!(
        format!("{err:#}").contains("format d'image non reconnu"),
        "{err:#}"
    );
    // A decompression bomb.
    let err = atelier::store_upload(&school, post, "bombe.png", &bomb_png()).unwrap_err();
    assert!(format!("{err:#}").contains("photo trop grande"), "{err:#}");
    // A web page renamed .pdf, an SVG, a video.
    for (name, bytes) in [
        ("fiche.pdf", b"<html>%PDF-".as_slice()),
        ("dessin.svg", b"<svg onload=alert(1)>".as_slice()),
        ("sortie.mp4", b"\0\0\0\x18ftypmp42".as_slice()),
    ] {
        assert!(
            atelier::store_upload(&school, post, name, bytes).is_err(),
            "{name}"
        );
    }
    let big = vec![0u8; atelier::MAX_UPLOAD_BYTES + 1];
    let err = atelier::store_upload(&school, post, "grosse.jpg", &big).unwrap_err();
    assert!(format!("{err:#}").contains("trop lourd"), "{err:#}");
    let leftovers: Vec<_> = std::fs::read_dir(school.join("classes/cm1/blog/sortie-au-musee"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");

    // A real photo, named as a phone names it, twice: never overwritten.
    let jpeg = std::fs::read(school.join("classes/cm1/blog/sortie-au-musee/mosaique.jpg")).unwrap();
    let first = atelier::store_upload(&school, post, "Photo de classe.JPG", &jpeg).unwrap();
    let second = atelier::store_upload(&school, post, "Photo de classe.JPG", &jpeg).unwrap();
    assert_eq!(first.link, "photo-de-classe.jpg");
    assert_eq!(second.link, "photo-de-classe-2.jpg");
    assert_eq!(
        second.path,
        "classes/cm1/blog/sortie-au-musee/photo-de-classe-2.jpg"
    );
    // An iPhone photo (HEIC) is accepted as the build accepts it.
    let heic =
        std::fs::read(repo().join("tests/fixtures/heic/actualites/iphone/IMG_0003.HEIC")).unwrap();
    let stored = atelier::store_upload(&school, post, "IMG_0003.HEIC", &heic).unwrap();
    assert_eq!(stored.link, "img-0003.heic");
    assert!(stored.photo);
    // A document of a resource list goes to the class's ressources/.
    let stored = atelier::store_upload(
        &school,
        "classes/cm1/ressources.md",
        "Fiche lecture.pdf",
        b"%PDF-1.4\n%%EOF\n",
    )
    .unwrap();
    assert_eq!(stored.link, "ressources/fiche-lecture.pdf");
    assert!(school
        .join("classes/cm1/ressources/fiche-lecture.pdf")
        .is_file());

    // The post uses the photo in its gallery: the build takes it.
    let opened = atelier::open(&school, post).unwrap();
    let Document::Post(mut p) = opened.document else {
        panic!()
    };
    p.photos.push(atelier::PhotoForm {
        file: first.link.clone(),
        alt: "La classe devant le musée".into(),
        caption: String::new(),
    });
    let doc = Document::Post(p);
    assert_eq!(atelier::check_document(&school, post, &doc), vec![]);
    atelier::save(&school, post, Some(&opened.version), &doc, "x").unwrap();
    let r = preau(&school, &["check"]);
    let (out, err) = text(&r);
    assert!(r.status.success(), "{out}{err}");
}

#[test]
fn a_deleted_file_goes_to_the_bin_and_comes_back() {
    let (_tmp, school) = example_copy();
    let rel = "classes/cm1/blog/sortie-au-musee/index.md";
    let before = std::fs::read(school.join(rel)).unwrap();
    let opened = atelier::open(&school, rel).unwrap();
    assert!(matches!(
        atelier::delete(&school, rel, "ancienne-version"),
        Err(SaveError::Stale { .. })
    ));
    let entry = atelier::delete(&school, rel, &opened.version).unwrap();
    assert!(!school.join(rel).exists());
    // Only the file moved: the photo stays.
    assert!(school
        .join("classes/cm1/blog/sortie-au-musee/mosaique.jpg")
        .exists());
    assert!(school.join(".preau/corbeille").join(&entry.id).is_file());
    assert_eq!(atelier::list_trash(&school).unwrap(), vec![entry.clone()]);
    // Nothing lists it any more.
    let listed = atelier::list(&school).unwrap();
    assert!(!listed.iter().flat_map(|c| &c.posts).any(|e| e.path == rel));
    // A new file took the name: restoring is refused, nothing overwritten.
    std::fs::write(
        school.join(rel),
        "---\ntitre: Autre\ndate: 2026-10-03\n---\n",
    )
    .unwrap();
    let err = atelier::restore(&school, &entry.id).unwrap_err();
    assert!(err.to_string().contains("existe de nouveau"), "{err}");
    std::fs::remove_file(school.join(rel)).unwrap();
    assert_eq!(atelier::restore(&school, &entry.id).unwrap(), rel);
    assert_eq!(std::fs::read(school.join(rel)).unwrap(), before);
    assert!(atelier::list_trash(&school).unwrap().is_empty());
    assert!(atelier::restore(&school, "../../ecole.yaml").is_err());
}

#[test]
fn new_documents_are_written_as_the_book_shows_and_listed_newest_first() {
    let (_tmp, school) = example_copy();
    let rel = atelier::new_path(
        &school,
        Some("cm1"),
        DocKind::Post,
        "2026-11-25",
        "Sortie au musée",
    )
    .unwrap();
    // The name is taken by the existing post folder.
    assert_eq!(rel, "classes/cm1/blog/sortie-au-musee-2/index.md");
    let post = Document::Post(atelier::PostForm {
        title: "Sortie au musée".into(),
        date: "2026-11-25".into(),
        summary: "Une journée chez les Gallo-Romains.".into(),
        body: "Vendredi, la classe a visité le musée.".into(),
        ..Default::default()
    });
    atelier::save(&school, &rel, None, &post, "x").unwrap();
    assert_eq!(
        std::fs::read_to_string(school.join(&rel)).unwrap(),
        "---\ntitre: Sortie au musée\ndate: 2026-11-25\nresume: Une journée chez les Gallo-Romains.\n---\nVendredi, la classe a visité le musée.\n"
    );
    let day =
        atelier::new_path(&school, Some("cm1"), DocKind::CahierDay, "2026-11-25", "").unwrap();
    assert_eq!(day, "classes/cm1/cahier/2026-11-25.md");
    assert!(atelier::new_path(&school, None, DocKind::CahierDay, "2026-11-25", "").is_err());
    assert!(atelier::new_path(&school, Some("cm9"), DocKind::Post, "2026-11-25", "x").is_err());
    let listed = atelier::list(&school).unwrap();
    assert_eq!(listed[0].id, None);
    let cm1 = listed
        .iter()
        .find(|c| c.id.as_deref() == Some("cm1"))
        .unwrap();
    assert!(cm1.posts.iter().any(|e| e.path == rel), "{cm1:?}");
    assert!(
        cm1.posts.windows(2).all(|w| w[0].date >= w[1].date),
        "{cm1:?}"
    );
    assert_eq!(cm1.cahier[0].date, "2026-12-18");
    assert_eq!(cm1.resources.len(), 1);
    assert_eq!(cm1.agenda.len(), 1);
    assert!(!listed[0].posts.is_empty());
    // The disciplines the class's cahier uses, most used first.
    let subjects = atelier::subjects(&school, "cm1").unwrap();
    assert_eq!(subjects[0], "Français", "{subjects:?}");
    assert!(subjects.contains(&"EMC".to_string()), "{subjects:?}");
    assert!(atelier::subjects(&school, "../..").is_err());
}

#[test]
fn check_problems_land_on_their_fields_in_check_s_words() {
    let (_tmp, school) = example_copy();
    let rel = "classes/cm1/cahier/2026-11-20.md";
    let Document::CahierDay(mut day) = atelier::open(&school, rel).unwrap().document else {
        panic!()
    };
    day.homework[1].due = "2026-11-19".into();
    let problems = atelier::check_document(&school, rel, &Document::CahierDay(day));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "homework[1].due");
    assert!(
        problems[0].message.starts_with("devoir « pour » le"),
        "{problems:?}"
    );

    let rel = "actualites/travaux-de-la-cour/index.md";
    let Document::Post(mut post) = atelier::open(&school, rel).unwrap().document else {
        panic!()
    };
    post.image_rights = false;
    post.title = String::new();
    post.body
        .push_str("\n![](cour.jpg)\n\n[lien](../nulle-part.md)\n");
    let problems = atelier::check_document(&school, rel, &Document::Post(post));
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"title"), "{problems:#?}");
    assert!(fields.contains(&"image_rights"), "{problems:#?}");
    assert!(fields.contains(&"body"), "{problems:#?}");

    let rel = "agenda.yaml";
    let Document::Agenda(mut agenda) = atelier::open(&school, rel).unwrap().document else {
        panic!()
    };
    agenda.entries[2].end = "2026-01-01".into();
    let problems = atelier::check_document(&school, rel, &Document::Agenda(agenda));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "entries[2].end");
}

/// The lists say who saved each file last and when (« modifié par … le … »,
/// like the form's header): the name only while the file is still what
/// that person saved; the time always.
#[test]
fn the_lists_say_who_saved_each_file_while_it_is_what_they_saved() {
    let (_tmp, school) = example_copy();
    let listed = |rel: &str| -> atelier::Entry {
        atelier::list(&school)
            .unwrap()
            .into_iter()
            .flat_map(|c| {
                [c.posts, c.cahier, c.resources, c.agenda]
                    .into_iter()
                    .flatten()
            })
            .find(|e| e.path == rel)
            .unwrap_or_else(|| panic!("{rel} is not listed"))
    };
    let day = "classes/cm1/cahier/2026-11-20.md";
    let resources = "classes/cm1/ressources.md";
    // Never saved in the atelier: no name, the file's time.
    let before = listed(day);
    assert_eq!(before.modified_by, None);
    assert!(before.modified_at.is_some());

    for (rel, author) in [(day, "Mme Martin"), (resources, "M. Roux")] {
        let opened = atelier::open(&school, rel).unwrap();
        let mut doc = opened.document.clone();
        match &mut doc {
            Document::CahierDay(d) => d.draft = !d.draft,
            Document::Resources(r) => r.draft = !r.draft,
            other => panic!("{other:?}"),
        }
        atelier::save(&school, rel, Some(&opened.version), &doc, author).unwrap();
        let entry = listed(rel);
        assert_eq!(entry.modified_by.as_deref(), Some(author), "{entry:?}");
        assert!(entry.modified_at.is_some(), "{entry:?}");
    }

    // Changed since by another program: the name is no longer trusted.
    let mut text = std::fs::read_to_string(school.join(day)).unwrap();
    text.push_str("\nAjouté dans un éditeur de texte.\n");
    std::fs::write(school.join(day), text).unwrap();
    let after = listed(day);
    assert_eq!(after.modified_by, None, "{after:?}");
    assert!(after.modified_at.is_some());
    assert_eq!(listed(resources).modified_by.as_deref(), Some("M. Roux"));
}
