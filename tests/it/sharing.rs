//! Five teachers sharing one school folder through a sync client (the
//! académie's Nextcloud, Dropbox, Syncthing…): when a file changed on two
//! computers at once, the client keeps a second copy beside it. Préau names
//! every such copy and publishes none of them, instead of showing a post
//! twice (before: the copy of an actualité was published silently).

use super::common::{preau, school_copy, text};

#[test]
fn sync_conflict_copies_are_named_and_never_published() {
    let (_tmp, school) = school_copy("minimal");
    let copies = [
        (
            "actualites/rentree.md",
            "actualites/rentree (conflicted copy 2026-11-25 101512).md",
        ),
        (
            "classes/cm1/cahier/2026-11-20.md",
            "classes/cm1/cahier/2026-11-20_conflict-20261125-101512.md",
        ),
        (
            "classes/cm1/blog/sortie/index.md",
            "classes/cm1/blog/sortie/index.sync-conflict-20261125-101512-ABCDEFG.md",
        ),
        (
            "classes/cm1/classe.yaml",
            "classes/cm1/classe (copie en conflit de Marie Durand 2026-11-25).yaml",
        ),
    ];
    for (original, copy) in copies {
        std::fs::copy(school.join(original), school.join(copy)).unwrap();
    }
    let r = preau(&school, &["check"]);
    let (stdout, stderr) = text(&r);
    let all = format!("{stdout}{stderr}");
    assert_eq!(r.status.code(), Some(1), "{all}");
    for (_, copy) in copies {
        let line = all
            .lines()
            .find(|l| l.starts_with(copy))
            .unwrap_or_else(|| panic!("{copy} not named:\n{all}"));
        assert!(
            line.contains("copie de conflit de synchronisation"),
            "{line}"
        );
    }
    assert!(all.contains("supprimez la copie"), "{all}");
    // The book shows the message exactly as it is printed.
    let chapter = std::fs::read_to_string(
        super::common::repo().join("book/src/enseignants/travailler-a-plusieurs.md"),
    )
    .unwrap();
    let cahier = all
        .lines()
        .skip_while(|l| !l.starts_with("classes/cm1/cahier/"))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    let shown = cahier.replace(
        "2026-11-20_conflict-20261125-101512.md",
        "2026-11-20 (conflicted copy 2026-11-25 101512).md",
    );
    assert!(chapter.contains(&shown), "the book does not show:\n{shown}");
    assert!(!all.contains("nom de fichier du cahier invalide"), "{all}");

    // Once the copies are gone, the school builds again.
    for (_, copy) in copies {
        std::fs::remove_file(school.join(copy)).unwrap();
    }
    let r = preau(&school, &["check"]);
    assert!(r.status.success(), "{:?}", text(&r));
}
