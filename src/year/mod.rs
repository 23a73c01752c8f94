//! The school year turns over (`preau annee`): last year's class areas go
//! into a dated archive that only the staff can open, the new classes are
//! made (kept, renamed or created), every code changes, `ecole.yaml` says
//! the new year.
//!
//! [`plan`] reads the school folder and decides everything without writing
//! a byte; every problem it finds is reported at once. [`apply`] carries the
//! plan out in an order that never loses a file: first copy to the
//! archive (and check the copy), then remove the originals, then write the
//! new year's files, `ecole.yaml` last. A run that stopped half-way is
//! finished by running it again; a run for a year already begun does
//! nothing.
//!
//! Here: the plan. `apply`: carrying it out. (About 500 lines: [`plan`]
//! is one list of ordered decisions, kept in one function so that it reads
//! in the order it decides.)

mod apply;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::{Audience, Class, ClassFile, School};
use crate::content::archives;
use crate::content::frontmatter::{self, ResourcesMeta};
use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::slug::slashed;

pub use apply::{apply, Applied};

/// One class of the new year, as the directeur lists it: `cm2` (kept or
/// created) or `cm2=cm1` (last year's cm1 goes on as cm2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSpec {
    /// Its id this year.
    pub id: String,
    /// Last year's class it continues, when written `id=from`.
    pub from: Option<String>,
}

/// Parses `cp,ce1,cm2=cm1`. Problems go to `diags` (file `ecole.yaml`,
/// where the list ends up).
pub fn parse_classes(text: &str, diags: &Diagnostics) -> Vec<ClassSpec> {
    let mut specs = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (id, from) = match item.split_once('=') {
            Some((id, from)) => (id.trim(), Some(from.trim().to_string())),
            None => (item, None),
        };
        for name in std::iter::once(id).chain(from.as_deref()) {
            if !crate::config::is_valid_id(name) {
                diags.push(
                    Diagnostic::error("ecole.yaml", format!("identifiant de classe invalide « {name} » dans --classes"))
                        .hint("utilisez des minuscules sans accent, des chiffres et des tirets ; « cm2=cm1 » fait continuer la classe cm1 sous le nom cm2."),
                );
            }
        }
        specs.push(ClassSpec {
            id: id.to_string(),
            from,
        });
    }
    if specs.is_empty() {
        diags.push(
            Diagnostic::error("ecole.yaml", "la liste --classes est vide")
                .hint("écrivez les classes de la nouvelle année séparées par des virgules, par exemple « cp,ce1,ce2,cm1,cm2 »."),
        );
    }
    specs
}

/// What happens to one of last year's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStep {
    /// Where it is now (relative to the school folder).
    pub from: PathBuf,
    /// Its place in the archive.
    pub to: PathBuf,
    /// It also stays where it is (the class goes on and keeps it).
    pub keep: bool,
    /// The archive already holds the same bytes (a run that stopped half-way).
    pub done: bool,
}

/// What becomes of each of last year's classes, and which are new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassFate {
    /// Goes on under the same id.
    Kept(String),
    /// Goes on under a new id: (old, new).
    Renamed(String, String),
    /// Ends with the year: everything goes to the archive.
    Closed(String),
    /// A class that did not exist last year.
    Created(String),
}

/// Everything the rollover will do, decided before anything is written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The year that ends (`ecole.yaml` as it is).
    pub from_year: String,
    /// The year that begins.
    pub to_year: String,
    /// The day of the rentrée: what is dated from it on is this year's.
    pub date: Date,
    /// `archives/<from_year>`.
    pub archive: PathBuf,
    /// Every file of last year's classes.
    pub files: Vec<FileStep>,
    /// Copies from the archive into the new year's classes (archive path, new path).
    pub carries: Vec<(PathBuf, PathBuf)>,
    /// New `classe.yaml` files to write (path, text).
    pub created: Vec<(PathBuf, String)>,
    /// School files rewritten for the new year, archived first (path, new text).
    pub rewritten: Vec<(PathBuf, String)>,
    /// Each class's fate, in the new year's order then the closed ones.
    pub fates: Vec<ClassFate>,
    /// Resource lists the teachers marked `garder: true`.
    pub kept_resources: Vec<PathBuf>,
    /// The new class list.
    pub classes: Vec<String>,
    /// The school as it will be (for the codes and the letters).
    pub school: School,
}

/// Why nothing is planned.
#[derive(Debug)]
pub enum Outcome {
    /// The school is already in that year.
    AlreadyDone(String),
    /// The plan.
    Planned(Box<Plan>),
}

/// Decides the rollover of the school at `root` to the year that starts
/// on `date`. Problems go to `diags`; the plan is only returned when there
/// are none.
pub fn plan(
    root: &Path,
    school: &School,
    date: Date,
    specs: Option<Vec<ClassSpec>>,
    diags: &Diagnostics,
) -> Option<Outcome> {
    let from_year = school.file.school_year.clone();
    let to_year = date.school_year();
    if to_year == from_year {
        return Some(Outcome::AlreadyDone(to_year));
    }
    if to_year < from_year {
        diags.push(
            Diagnostic::error("ecole.yaml", format!("le {} est dans l'année {to_year}, avant l'année en cours {from_year}", date.long_fr()))
                .hint("donnez avec --date le jour de la rentrée de la nouvelle année (par exemple --date 2027-09-01)."),
        );
        return None;
    }
    let old: Vec<String> = school.class_ids().to_vec();
    let specs = specs.unwrap_or_else(|| {
        old.iter()
            .map(|id| ClassSpec {
                id: id.clone(),
                from: None,
            })
            .collect()
    });
    // Which old class each new one continues.
    let mut continues: BTreeMap<String, String> = BTreeMap::new(); // old → new
    let mut new_ids: Vec<String> = Vec::new();
    for spec in &specs {
        if new_ids.contains(&spec.id) {
            diags.push(
                Diagnostic::error(
                    "ecole.yaml",
                    format!("la classe « {} » est deux fois dans --classes", spec.id),
                )
                .hint("chaque classe de la nouvelle année n'apparaît qu'une fois."),
            );
            continue;
        }
        new_ids.push(spec.id.clone());
        let from = match &spec.from {
            Some(from) if !old.contains(from) => {
                diags.push(
                    Diagnostic::error(
                        "ecole.yaml",
                        format!(
                            "« {}={from} » : la classe « {from} » n'existe pas cette année",
                            spec.id
                        ),
                    )
                    .hint(format!("classes de {from_year} : {}.", old.join(", "))),
                );
                continue;
            }
            Some(from) => Some(from.clone()),
            None => old.contains(&spec.id).then(|| spec.id.clone()),
        };
        if let Some(from) = from {
            if let Some(other) = continues.insert(from.clone(), spec.id.clone()) {
                diags.push(
                    Diagnostic::error("ecole.yaml", format!("la classe « {from} » continuerait deux fois : en « {other} » et en « {} »", spec.id))
                        .hint(format!("une seule classe de la nouvelle année peut continuer « {from} » ; écrivez les autres sans « ={from} »."))
                );
            }
        }
    }

    let archive = archives::year_dir(&from_year);
    let mut files = Vec::new();
    let mut carries = Vec::new();
    let mut kept_resources = Vec::new();
    let mut fates = Vec::new();
    for id in &old {
        let class_dir = Path::new("classes").join(id);
        let next = continues.get(id);
        let keeps_resources = resources_kept(root, &class_dir, diags);
        if keeps_resources && next.is_some() {
            kept_resources.push(class_dir.join("ressources.md"));
        }
        for rel in class_files(root, &class_dir, diags) {
            let inner = rel
                .strip_prefix(&class_dir)
                .expect("under the class")
                .to_path_buf();
            let to = archive.join(&rel);
            let is_resource =
                inner == Path::new("ressources.md") || inner.starts_with("ressources");
            let this_year = is_dated_from(root, &class_dir, &inner, date);
            let carried = next.is_some()
                && (inner == Path::new("classe.yaml")
                    || (keeps_resources && is_resource)
                    || this_year);
            let same_place = next == Some(id);
            if this_year && same_place {
                // The new year's own writing: it stays, nothing to archive.
                continue;
            }
            let done = same_bytes(&root.join(&rel), &root.join(&to));
            if !done && root.join(&to).exists() {
                diags.push(
                    Diagnostic::error(&to, format!("l'archive contient déjà une autre version de « {} »", slashed(&rel)))
                        .hint("rien n'a été modifié : comparez les deux fichiers, renommez ou déplacez celui de l'archive, puis relancez « preau annee »."),
                );
            }
            if carried && !same_place {
                let new_id = next.expect("carried");
                carries.push((to.clone(), Path::new("classes").join(new_id).join(&inner)));
            }
            files.push(FileStep {
                from: rel,
                to,
                keep: carried && same_place,
                done,
            });
        }
        fates.push(match next {
            Some(n) if n == id => ClassFate::Kept(id.clone()),
            Some(n) => ClassFate::Renamed(id.clone(), n.clone()),
            None => ClassFate::Closed(id.clone()),
        });
    }
    // A new class's folder must be free, or hold only what leaves it.
    let leaving: BTreeSet<&PathBuf> = files.iter().filter(|f| !f.keep).map(|f| &f.from).collect();
    for (_, dest) in &carries {
        if root.join(dest).exists() && !leaving.contains(dest) {
            diags.push(
                Diagnostic::error(dest, "ce fichier existe déjà et serait remplacé par celui de la classe qui continue")
                    .hint("rien n'a été modifié : déplacez ce fichier hors de la classe, ou changez la liste --classes, puis relancez."),
            );
        }
    }
    let mut created = Vec::new();
    let mut class_list = Vec::new();
    for id in &new_ids {
        let continued = continues
            .iter()
            .find(|(_, n)| *n == id)
            .map(|(o, _)| o.clone());
        let file = match &continued {
            Some(old_id) => school.class(old_id).cloned().map(|c| Class {
                id: id.clone(),
                ..c
            }),
            None => {
                fates.push(ClassFate::Created(id.clone()));
                let rel = Path::new("classes").join(id).join("classe.yaml");
                let existing = std::fs::read_to_string(root.join(&rel))
                    .ok()
                    .and_then(|t| serde_yaml::from_str::<ClassFile>(&t).ok());
                let file = existing.unwrap_or_else(|| {
                    let niveau = id.to_uppercase();
                    created.push((rel.clone(), format!(
                        "# Classe créée par « preau annee » pour {to_year} : complétez le nom, le niveau et les enseignant·es.\nnom: {niveau}\nniveau: {niveau}\nenseignants: []\n"
                    )));
                    ClassFile { name: niveau.clone(), level: niveau, teachers: Vec::new(), audience: None }
                });
                Some(Class {
                    id: id.clone(),
                    name: file.name,
                    level: file.level,
                    teachers: file.teachers,
                    audience: Audience::Class(id.clone()),
                })
            }
        };
        class_list.extend(file);
    }
    // Fates in the new year's order, closed classes last.
    fates.sort_by_key(|f| match f {
        ClassFate::Closed(_) => 1,
        _ => 0,
    });

    let ecole = std::fs::read_to_string(root.join("ecole.yaml")).unwrap_or_default();
    let mut new_text = set_key(&ecole, "annee_scolaire", &to_year);
    new_text = set_key(&new_text, "classes", &format!("[{}]", new_ids.join(", ")));
    let mut rewritten = vec![(PathBuf::from("ecole.yaml"), new_text)];
    for slug in crate::content::walk::LEGAL_PAGES {
        let rel = PathBuf::from("pages").join(format!("{slug}.md"));
        if let Ok(text) = std::fs::read_to_string(root.join(&rel)) {
            if text.contains(&from_year) {
                rewritten.push((rel, text.replace(&from_year, &to_year)));
            }
        }
    }
    for (rel, _) in &rewritten {
        let to = archive.join(rel);
        if root.join(&to).exists() && !same_bytes(&root.join(rel), &root.join(&to)) {
            diags.push(
                Diagnostic::error(&to, format!("l'archive contient déjà une autre version de « {} »", slashed(rel)))
                    .hint("rien n'a été modifié : comparez les deux fichiers, renommez ou déplacez celui de l'archive, puis relancez « preau annee »."),
            );
        }
    }
    let mut new_school = school.clone();
    new_school.file.school_year = to_year.clone();
    new_school.file.classes = new_ids.clone();
    new_school.class_list = class_list;
    if diags.has_errors() {
        return None;
    }
    Some(Outcome::Planned(Box::new(Plan {
        from_year,
        to_year,
        date,
        archive,
        files,
        carries,
        created,
        rewritten,
        fates,
        kept_resources,
        classes: new_ids,
        school: new_school,
    })))
}

/// Every file under a class folder, sorted; symbolic links are refused.
fn class_files(root: &Path, class_dir: &Path, diags: &Diagnostics) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(root.join(class_dir)).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let rel = entry
            .path()
            .strip_prefix(root)
            .expect("under root")
            .to_path_buf();
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::error(&rel, "lien symbolique dans une classe : « preau annee » ne déplace rien à travers un lien")
                    .hint("remplacez le lien par une copie du fichier, puis relancez."),
            );
        } else if entry.file_type().is_file() {
            found.push(rel);
        }
    }
    found
}

/// Whether the class's resource list says `garder: true`.
fn resources_kept(root: &Path, class_dir: &Path, diags: &Diagnostics) -> bool {
    let rel = class_dir.join("ressources.md");
    let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
        return false;
    };
    let Ok(split) = frontmatter::split(&text) else {
        return false;
    };
    match crate::yaml::parse::<ResourcesMeta>(split.yaml, &rel, split.yaml_line) {
        Ok(meta) => meta.keep,
        Err(d) => {
            diags.push(d.hint("corrigez l'en-tête : « garder: true » dit de garder la liste pour la nouvelle année."));
            false
        }
    }
}

/// A cahier day or a post (a post folder's files too) dated on or after
/// the rentrée: already the new year's.
fn is_dated_from(root: &Path, class_dir: &Path, inner: &Path, date: Date) -> bool {
    #[derive(Deserialize)]
    struct Dated {
        #[serde(default)]
        date: Option<Date>,
    }
    let parts: Vec<String> = inner
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let post = match parts.as_slice() {
        ["cahier", name] => {
            return name
                .strip_suffix(".md")
                .and_then(|d| Date::parse(d).ok())
                .is_some_and(|d| d >= date)
        }
        ["blog", name] if name.ends_with(".md") => class_dir.join("blog").join(name),
        ["blog", folder, ..] => class_dir.join("blog").join(folder).join("index.md"),
        _ => return false,
    };
    std::fs::read_to_string(root.join(post))
        .ok()
        .and_then(|text| {
            let split = frontmatter::split(&text).ok()?;
            serde_yaml::from_str::<Dated>(split.yaml).ok()?.date
        })
        .is_some_and(|d| d >= date)
}

fn hash(path: &Path) -> Option<[u8; 32]> {
    std::fs::read(path).ok().map(|b| Sha256::digest(b).into())
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    matches!((hash(a), hash(b)), (Some(x), Some(y)) if x == y)
}

/// `ecole.yaml` with the top-level `key` set to `value` on one line, every
/// other line (comments included) untouched.
fn set_key(text: &str, key: &str, value: &str) -> String {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    let mut replaced = false;
    while let Some(line) = lines.next() {
        let is_key = line
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        if !is_key || replaced {
            out.push(line.to_string());
            continue;
        }
        replaced = true;
        let comment = line
            .split_once(" #")
            .filter(|(before, _)| !before.contains('"') && !before.contains('\''))
            .map(|(_, c)| format!(" #{c}"))
            .unwrap_or_default();
        out.push(format!("{key}: {value}{comment}"));
        // A block value (a list on the following lines) goes with it.
        while let Some(next) = lines.peek() {
            if next.starts_with(' ') || next.starts_with('-') || next.starts_with('\t') {
                lines.next();
            } else {
                break;
            }
        }
    }
    if !replaced {
        out.push(format!("{key}: {value}"));
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_key_keeps_comments_and_replaces_block_lists() {
        let text = "# école\nnom: X\nannee_scolaire: 2026-2027 # l'année\nclasses:\n  - cp\n  - cm1\nurl: https://x/\n";
        let out = set_key(text, "annee_scolaire", "2027-2028");
        let out = set_key(&out, "classes", "[cp, cm2]");
        assert_eq!(
            out,
            "# école\nnom: X\nannee_scolaire: 2027-2028 # l'année\nclasses: [cp, cm2]\nurl: https://x/\n"
        );
    }

    #[test]
    fn class_list_with_renames() {
        let diags = Diagnostics::new();
        let specs = parse_classes("cp, cm2=cm1 ,ce2-cm1", &diags);
        assert!(!diags.has_errors());
        assert_eq!(
            specs[1],
            ClassSpec {
                id: "cm2".into(),
                from: Some("cm1".into())
            }
        );
        let diags = Diagnostics::new();
        parse_classes("CP,cm2=", &diags);
        assert_eq!(diags.into_sorted().len(), 2);
    }
}
