//! Finding the school's markdown files and sorting them by kind.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::Kind;
use crate::config::School;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Legal pages every site has; the embedded starter text is used when the
/// school has not written its own.
pub const LEGAL_PAGES: [&str; 3] = ["mentions-legales", "accessibilite", "donnees-personnelles"];

/// A markdown file to load.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its kind.
    pub kind: Kind,
    /// Path relative to the school folder.
    pub rel: PathBuf,
    /// The class it belongs to.
    pub class: Option<String>,
    /// Text of an embedded starter page (legal pages the school did not write).
    pub embedded: Option<String>,
}

/// Folders of a school folder that hold no content.
pub fn is_ignored_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "public" | "theme" | "node_modules" | "target")
}

/// Every markdown file of the school, classified; strays are warned about,
/// symbolic links reported as errors ([`report_symlinks`]).
pub fn discover(root: &Path, school: &School, diags: &Diagnostics) -> Vec<Source> {
    report_symlinks(root, diags);
    let mut sources = Vec::new();
    let walker = WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir() && is_ignored_dir(&e.file_name().to_string_lossy()))
        });
    for entry in walker.filter_map(|e| e.ok()) {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .expect("walked under root")
            .to_path_buf();
        if is_sync_conflict(&entry.file_name().to_string_lossy()) {
            diags.push(
                Diagnostic::error(&rel, "copie de conflit de synchronisation : ce fichier a été modifié sur deux ordinateurs à la fois, et le logiciel de synchronisation a gardé les deux versions ; cette copie n'est pas publiée")
                    .hint("ouvrez cette copie et le fichier d'origine (même nom, sans la mention du conflit), gardez dans le fichier d'origine le bon texte, puis supprimez la copie."),
            );
            continue;
        }
        if entry.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let classified = match parts.as_slice() {
            [_] => continue, // README.md and the like at the root are not pages
            [super::archives::ARCHIVE_DIR, ..] => {
                sources.extend(super::archives::source(&rel, &parts));
                continue;
            }
            ["pages", _] => Some((Kind::Page, None)),
            ["actualites", _] | ["actualites", _, "index.md"] => Some((Kind::News, None)),
            ["classes", id, "blog", _] | ["classes", id, "blog", _, "index.md"] => {
                Some((Kind::Post, Some(*id)))
            }
            ["classes", id, "cahier", _] => Some((Kind::CahierDay, Some(*id))),
            ["classes", id, "ressources.md"] => Some((Kind::Resources, Some(*id))),
            _ => None,
        };
        match classified {
            Some((kind, class)) => {
                if let Some(id) = class {
                    if school.class(id).is_none() {
                        // Already reported by the configuration for the folder.
                        continue;
                    }
                }
                sources.push(Source { kind, rel, class: class.map(str::to_string), embedded: None });
            }
            None if is_inside_bundle(&parts) => {}
            None => diags.push(
                Diagnostic::warning(&rel, "fichier markdown ignoré : il n'est dans aucun dossier connu")
                    .hint("les pages vont dans pages/, les actualités dans actualites/, les articles de classe dans classes/<id>/blog/, le cahier dans classes/<id>/cahier/."),
            ),
        }
    }
    for slug in LEGAL_PAGES {
        let rel = PathBuf::from("pages").join(format!("{slug}.md"));
        if !root.join(&rel).exists() {
            let text = crate::theme::starter_page(slug).expect("legal pages are embedded");
            sources.push(Source {
                kind: Kind::Page,
                rel,
                class: None,
                embedded: Some(text),
            });
        }
    }
    sources
}

/// True for the second version a sync client keeps when one file changed
/// on two computers: Nextcloud and ownCloud (`article (conflicted copy
/// 2026-11-25 101512).md`, formerly `article_conflict-20261125-101512.md`),
/// Dropbox (`… (copie en conflit de Marie …)`), Syncthing
/// (`article.sync-conflict-20261125-101512-ABCDEFG.md`), Seafile
/// (`… (SFConflict …)`). Published, it would show a post twice or an old
/// cahier day; ignored, one teacher's text would be silently lost.
pub fn is_sync_conflict(name: &str) -> bool {
    let name = name.to_lowercase();
    [
        "(conflicted copy",
        "(copie en conflit",
        "_conflict-",
        ".sync-conflict-",
        "(sfconflict",
    ]
    .iter()
    .any(|mark| name.contains(mark))
}

/// A markdown file inside a post folder (other than index.md) is part of
/// the bundle, e.g. notes the teacher keeps beside the photos.
fn is_inside_bundle(parts: &[&str]) -> bool {
    matches!(parts, ["actualites", _, _] | ["classes", _, "blog", _, _])
}

/// Every symbolic link in the school folder is an error naming it: through a
/// link, a page, a photo, a document or the theme could read a file from
/// outside the school folder (`/etc/passwd`, another school's secrets) and
/// publish it. Links are never followed (walkdir's default), so a linked
/// folder is reported once, as a whole. Only what Préau never reads as
/// content is left out: the folders at the top that [`is_ignored_dir`]
/// names, except `theme/`, which is published.
pub fn report_symlinks(root: &Path, diags: &Diagnostics) {
    let skipped = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 1 && name != "theme" && is_ignored_dir(&name)
    };
    let walker = WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skipped(e));
    for entry in walker.filter_map(|e| e.ok()) {
        if !entry.path_is_symlink() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).expect("walked under root");
        let target = std::fs::read_link(entry.path())
            .map(|t| format!(" (vers « {} »)", t.display()))
            .unwrap_or_default();
        let what = if std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()) {
            "dossier"
        } else {
            "fichier"
        };
        diags.push(
            Diagnostic::error(
                rel,
                format!("lien symbolique{target} : Préau ne lit rien à travers un lien, pour ne jamais publier un fichier pris hors du dossier de l'école"),
            )
            .hint(format!("remplacez le lien par une copie du {what} (ou supprimez-le)."))
        );
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn sync_conflict_copies_are_recognised() {
        for name in [
            "index (conflicted copy 2026-11-25 101512).md",
            "rentree_conflict-20261125-101512.md",
            "classe (Copie en conflit de Marie Durand 2026-11-25).yaml",
            "2026-11-20.sync-conflict-20261125-101512-ABCDEFG.md",
            "photo (SFConflict marie@ac-lyon.fr 2026-11-25-10-15-12).jpg",
        ] {
            assert!(is_sync_conflict(name), "{name}");
        }
        for name in [
            "index.md",
            "conflit-des-generations.md",
            "2026-11-20.md",
            "les conflits.md",
        ] {
            assert!(!is_sync_conflict(name), "{name}");
        }
    }

    #[test]
    fn every_link_is_reported_but_not_in_ignored_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in [
            "classes/cm1/blog/sortie",
            "theme/static",
            ".preau",
            "public",
        ] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let link =
            |target: &str, at: &str| std::os::unix::fs::symlink(target, root.join(at)).unwrap();
        link("/etc/passwd", "classes/cm1/blog/sortie/menu.txt");
        link("/etc", "classes/cm2");
        link("/etc/hostname", "theme/static/style.css");
        link("/nulle/part", "documents");
        link("/etc/passwd", ".preau/lien");
        link("/etc/passwd", "public/lien");
        let diags = Diagnostics::new();
        report_symlinks(root, &diags);
        let found: Vec<String> = diags
            .into_sorted()
            .iter()
            .map(|d| d.file.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            found,
            [
                "classes/cm1/blog/sortie/menu.txt",
                "classes/cm2",
                "documents",
                "theme/static/style.css"
            ]
        );
    }
}
