//! The agenda (`agenda.yaml`, `classes/<id>/agenda.yaml`) and the
//! downloadable documents (`documents/`, `documents.yaml`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::frontmatter::{DocumentMeta, EventMeta};
use super::pages::resolve_audience;
use super::{Document, Event};
use crate::config::School;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Every event of the school and its classes, sorted by date then title.
pub fn load_events(root: &Path, school: &School, diags: &Diagnostics) -> Vec<Event> {
    let mut files: Vec<(PathBuf, Option<String>)> = vec![(PathBuf::from("agenda.yaml"), None)];
    for class in &school.class_list {
        files.push((
            Path::new("classes").join(&class.id).join("agenda.yaml"),
            Some(class.id.clone()),
        ));
    }
    let mut events = Vec::new();
    for (rel, class) in files {
        let Some(text) = read_own(root, &rel) else {
            continue;
        };
        events.extend(events_of(&text, &rel, class.as_deref(), school, diags));
    }
    events.sort_by(|a, b| (a.date, &a.time, &a.title).cmp(&(b.date, &b.time, &b.title)));
    events
}

/// The events of one agenda file's `text` (`rel`, of `class` or of the
/// school), problems to `diags`. Shared with the atelier's field checks.
pub fn events_of(
    text: &str,
    rel: &Path,
    class: Option<&str>,
    school: &School,
    diags: &Diagnostics,
) -> Vec<Event> {
    let mut events = Vec::new();
    let metas: Vec<EventMeta> = match crate::yaml::parse::<Option<Vec<EventMeta>>>(text, rel, 1) {
        Ok(m) => m.unwrap_or_default(),
        Err(d) => {
            diags.push(d.hint("agenda.yaml est une liste d'événements : chaque événement commence par « - titre: … » suivi de « date: AAAA-MM-JJ »."));
            return Vec::new();
        }
    };
    for (index, m) in metas.into_iter().enumerate() {
        let line = item_line(text, index);
        if let Some(end) = m.end {
            if end < m.date {
                diags.push(
                    Diagnostic::error(
                        rel,
                        format!(
                            "l'événement « {} » finit ({end}) avant de commencer ({})",
                            m.title, m.date
                        ),
                    )
                    .hint("« fin » est le dernier jour, à partir de « date ».")
                    .at_line(line),
                );
            }
        }
        if m.end_time.is_some() && m.time.is_none() {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!(
                        "l'événement « {} » a une « heure_fin » sans « heure »",
                        m.title
                    ),
                )
                .at_line(line),
            );
        }
        let audience = resolve_audience(m.audience.as_deref(), class, school, "", line, rel, diags);
        let uid = format!(
            "{}-{}-{}@preau",
            class.unwrap_or("ecole"),
            m.date,
            crate::slug::slugify(&m.title)
        );
        events.push(Event {
            title: crate::markdown::typography(m.title.trim()),
            date: m.date,
            end: m.end.filter(|f| *f != m.date),
            time: m.time,
            end_time: m.end_time,
            place: m.place,
            description: m.description.map(|d| crate::markdown::typography(d.trim())),
            audience,
            class: class.map(str::to_string),
            uid,
        });
    }
    events
}

/// The text of a file of the school folder, unless it is missing or reached
/// through a symbolic link (never followed; `walk` reports the link).
fn read_own(root: &Path, rel: &Path) -> Option<String> {
    if super::attachments::symlink_on_the_way(root, rel).is_some() {
        return None;
    }
    std::fs::read_to_string(root.join(rel)).ok()
}

/// The line where the `index`-th item (`- …`) of a top-level YAML list starts.
fn item_line(text: &str, index: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || *l == "-")
        .nth(index)
        .map(|(i, _)| i + 1)
        .unwrap_or(1)
}

/// The documents to download: every file under `documents/`, described by
/// `documents.yaml` when it has an entry.
pub fn load_documents(root: &Path, school: &School, diags: &Diagnostics) -> Vec<Document> {
    let dir = root.join("documents");
    let mut files: BTreeSet<String> = BTreeSet::new();
    // Symbolic links are never followed (walk::discover reports each one);
    // a `documents` folder that is itself a link is not read at all.
    let mut links: BTreeSet<String> = BTreeSet::new();
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        for entry in WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
        {
            let name = entry.file_name().to_string_lossy();
            let rel = entry.path().strip_prefix(&dir).expect("under dir");
            let rel = crate::slug::slashed(rel);
            if entry.path_is_symlink() {
                links.insert(rel);
            } else if entry.file_type().is_file() && !name.starts_with('.') {
                files.insert(rel);
            }
        }
    }
    // Files outside the allow-list of attachment types: reported once, where
    // documents.yaml names them or else on the file, and never published.
    let mut refused: BTreeSet<String> = BTreeSet::new();
    let rel = PathBuf::from("documents.yaml");
    let mut described: Vec<(DocumentMeta, usize)> = Vec::new();
    if let Some(text) = read_own(root, &rel) {
        match crate::yaml::parse::<Option<Vec<DocumentMeta>>>(&text, &rel, 1) {
            Ok(list) => {
                for (i, m) in list.unwrap_or_default().into_iter().enumerate() {
                    described.push((m, item_line(&text, i)));
                }
            }
            Err(d) => diags.push(
                d.hint("documents.yaml est une liste : « - fichier: menu.pdf » puis « titre: … »."),
            ),
        }
    }
    let mut documents = Vec::new();
    let mut seen = BTreeSet::new();
    for (m, line) in described {
        let name = m.file.trim().trim_start_matches("documents/").to_string();
        if links.contains(&name) {
            diags.push(
                Diagnostic::error(&rel, format!("« documents/{name} » est un lien symbolique : Préau ne lit rien à travers un lien"))
                    .hint("remplacez le lien par une copie du fichier dans documents/.")
                    .at_line(line),
            );
            continue;
        }
        if files.contains(&name) {
            if let Err(refusal) = allowed(root, &name) {
                refused.insert(name.clone());
                diags.push(
                    Diagnostic::error(&rel, refusal.0)
                        .hint(refusal.1)
                        .at_line(line),
                );
                continue;
            }
        }
        if !files.contains(&name) {
            let candidates: Vec<String> = files.iter().cloned().collect();
            let hint = match crate::yaml::closest(&name, &candidates) {
                Some(best) => format!("vouliez-vous dire « {best} » ?"),
                None => {
                    "placez le fichier dans le dossier documents/ ou retirez cette entrée.".into()
                }
            };
            diags.push(
                Diagnostic::error(&rel, format!("document introuvable : « documents/{name} »"))
                    .hint(hint)
                    .at_line(line),
            );
            continue;
        }
        seen.insert(name.clone());
        let audience = resolve_audience(m.audience.as_deref(), None, school, "", line, &rel, diags);
        documents.push(document(root, &name, m.title, m.description, audience));
    }
    for name in files.difference(&seen) {
        if refused.contains(name) {
            continue;
        }
        if let Err(refusal) = allowed(root, name) {
            diags.push(
                Diagnostic::error(Path::new("documents").join(name), refusal.0).hint(refusal.1),
            );
            continue;
        }
        documents.push(document(
            root,
            name,
            name.clone(),
            None,
            school.default_audience.clone(),
        ));
    }
    documents.sort_by_key(|d| d.title.to_lowercase());
    documents
}

/// A file of `documents/` is published as is: it must be a document of the
/// allow-list. A photo there would keep its metadata (GPS, date, phone).
fn allowed(root: &Path, name: &str) -> Result<(), super::attachments::Refusal> {
    use super::attachments::{check, Attachment};
    match check(root, &Path::new("documents").join(name))? {
        Attachment::Document => Ok(()),
        Attachment::Photo => Err((
            format!("« documents/{name} » est une photo : dans documents/, elle serait publiée telle quelle, avec ses métadonnées (lieu GPS, date, téléphone)"),
            "placez la photo dans une page (elle y est nettoyée et redimensionnée), ou enregistrez l'affiche en PDF.".into(),
        )),
    }
}

fn document(
    root: &Path,
    name: &str,
    title: String,
    description: Option<String>,
    audience: crate::config::Audience,
) -> Document {
    let source = Path::new("documents").join(name);
    let size = std::fs::metadata(root.join(&source))
        .map(|m| m.len())
        .unwrap_or(0);
    Document {
        title: crate::markdown::typography(title.trim()),
        description: description.map(|d| crate::markdown::typography(d.trim())),
        path: format!("documents/{name}"),
        size,
        audience,
        source,
    }
}
