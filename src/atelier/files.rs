//! Listing, opening and saving the school's files as forms.
//!
//! A save edits the file's text: only the front-matter keys whose value
//! changed are rewritten (comments, key order and quotes stay), the text
//! after the front matter only when it changed. An unchanged form saved
//! gives the same bytes. Saves are atomic (temp file, fsync, rename in the
//! same folder) and refused when the file changed on disk since it was
//! opened (its SHA-256 is the version).
//!
//! (About 590 lines: the library's file operations — list, open, save with its version check, atomic write and author record — kept in one file so that one protocol reads in one place; splitting by operation would scatter it.)

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::forms::{DocKind, Document};
use super::paths::{self, Location};
pub use super::render::render;
use crate::hash::sha256_hex;

/// The atelier's own folder in `.preau/` (never published).
pub const ATELIER_DIR: &str = ".preau/atelier";
/// Who saved which file last: `{ "<rel>": { "auteur", "version", "le" } }`.
pub const AUTHORS_FILE: &str = ".preau/atelier/auteurs.json";

/// One file in the lists of the atelier's home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Path relative to the school folder, forward slashes.
    pub path: String,
    /// Its kind.
    pub kind: DocKind,
    /// Title (a cahier day: « Cahier du jeudi 20 novembre 2026 »).
    pub title: String,
    /// Date `AAAA-MM-JJ` (`""` when it has none, e.g. a resource list).
    pub date: String,
    /// `brouillon: true`.
    pub draft: bool,
    /// Who saved it last in the atelier, as [`Opened::modified_by`].
    pub modified_by: Option<String>,
    /// When it was last modified, as [`Opened::modified_at`].
    pub modified_at: Option<String>,
}

/// A class (or the school itself) and its files, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassEntries {
    /// Class id (`cm1`); `None` for the school's own news and agenda.
    pub id: Option<String>,
    /// Display name (« CM1 de Mme Martin », or « École » for the school).
    pub name: String,
    /// Posts (class blog, or the school's news).
    pub posts: Vec<Entry>,
    /// Cahier days.
    pub cahier: Vec<Entry>,
    /// The resource list, when it exists.
    pub resources: Vec<Entry>,
    /// The agenda file, when it exists.
    pub agenda: Vec<Entry>,
}

/// A file opened in the atelier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    /// Path relative to the school folder.
    pub path: String,
    /// Its class (`None`: the school's news or agenda).
    pub class: Option<String>,
    /// The form.
    pub document: Document,
    /// SHA-256 (hex) of the bytes on disk: give it back to [`save`].
    pub version: String,
    /// Who saved it last in the atelier, when the file is still what they
    /// saved (`None`: unknown, or changed since by another program).
    pub modified_by: Option<String>,
    /// When it was last modified (the file's time), RFC 3339 in UTC.
    pub modified_at: Option<String>,
}

/// A successful save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// Path relative to the school folder.
    pub path: String,
    /// The new version (SHA-256 of the bytes now on disk).
    pub version: String,
    /// False when the form changed nothing (the file was not touched).
    pub written: bool,
}

/// Why a save (or a delete) did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file changed on disk since it was opened: nothing was written.
    #[error("le fichier a été modifié entre-temps (par une autre personne ou un autre programme) : rien n'a été enregistré\n  conseil : comparez les deux versions, reprenez vos changements dans la version actuelle, puis enregistrez de nouveau.")]
    Stale {
        /// The text now on disk (`""`: the file was deleted).
        on_disk: String,
        /// The text this save would have written.
        yours: String,
    },
    /// A new file was asked for, but one already has this name.
    #[error("« {path} » existe déjà : il n'a pas été modifié\n  conseil : ouvrez-le pour le compléter, ou choisissez un autre titre ou une autre date.")]
    Exists {
        /// Path relative to the school folder.
        path: String,
    },
    /// Anything else (path refused, unreadable file, disk error), in French.
    #[error("{0:#}")]
    Refused(anyhow::Error),
}

impl From<anyhow::Error> for SaveError {
    fn from(e: anyhow::Error) -> Self {
        SaveError::Refused(e)
    }
}

/// The school's classes and, for each one (and for the school), its files,
/// newest first.
pub fn list(school: &Path) -> Result<Vec<ClassEntries>> {
    let diags = crate::diagnostic::Diagnostics::new();
    let Some(config) = crate::config::School::load(school, crate::dates::today(), &diags) else {
        let problems: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        bail!(
            "« {} » n'est pas un dossier d'école utilisable\n{}",
            school.display(),
            problems.join("\n")
        );
    };
    let authors = read_authors(school);
    let mut out = vec![entries_of(school, &authors, None, "École".to_string())];
    for class in &config.class_list {
        out.push(entries_of(
            school,
            &authors,
            Some(&class.id),
            class.name.clone(),
        ));
    }
    Ok(out)
}

fn entries_of(school: &Path, authors: &Authors, class: Option<&str>, name: String) -> ClassEntries {
    let entry_at = |rel: &str| entry(school, authors, rel);
    let base = match class {
        Some(id) => format!("classes/{id}/"),
        None => String::new(),
    };
    let blog = match class {
        Some(_) => format!("{base}blog"),
        None => "actualites".to_string(),
    };
    let mut posts = Vec::new();
    for (file, is_dir) in dir_names(&school.join(&blog)) {
        let rel = if is_dir {
            format!("{blog}/{file}/index.md")
        } else if file.ends_with(".md") {
            format!("{blog}/{file}")
        } else {
            continue;
        };
        if school.join(&rel).is_file() {
            posts.extend(entry_at(&rel));
        }
    }
    let mut cahier = Vec::new();
    if class.is_some() {
        for (file, is_dir) in dir_names(&school.join(format!("{base}cahier"))) {
            if !is_dir && file.ends_with(".md") {
                cahier.extend(entry_at(&format!("{base}cahier/{file}")));
            }
        }
    }
    let resources = match class {
        Some(_) => entry_at(&format!("{base}ressources.md"))
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
    let agenda = entry_at(&format!("{base}agenda.yaml"))
        .into_iter()
        .collect();
    let newest_first = |v: &mut Vec<Entry>| {
        v.sort_by(|a, b| (&b.date, &b.path).cmp(&(&a.date, &a.path)));
    };
    newest_first(&mut posts);
    newest_first(&mut cahier);
    ClassEntries {
        id: class.map(str::to_string),
        name,
        posts,
        cahier,
        resources,
        agenda,
    }
}

/// File and folder names of a folder (no hidden ones, no links), sorted.
fn dir_names(dir: &Path) -> Vec<(String, bool)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, bool)> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let kind = e.file_type().ok()?;
            (!name.starts_with('.') && !kind.is_symlink()).then_some((name, kind.is_dir()))
        })
        .collect();
    out.sort();
    out
}

/// The list entry of one file (`None` when it is missing or not an atelier
/// file; an unreadable one is listed with its path as title).
fn entry(school: &Path, authors: &Authors, rel: &str) -> Option<Entry> {
    let (full, loc) = paths::document(school, rel).ok()?;
    let text = std::fs::read_to_string(&full).ok()?;
    let version = sha256_hex(text.as_bytes());
    let stem = stem_of(rel);
    let doc = Document::parse(loc.kind, &text, &stem).ok();
    let (title, date, draft) = match &doc {
        Some(Document::Post(p)) => (p.title.clone(), p.date.clone(), p.draft),
        Some(Document::CahierDay(c)) => {
            let title = match crate::dates::Date::parse(&stem) {
                Ok(d) => format!("Cahier du {}", d.long_fr()),
                Err(_) => stem.clone(),
            };
            (title, stem.clone(), c.draft)
        }
        Some(Document::Resources(r)) => (
            if r.title.trim().is_empty() {
                "Ressources".to_string()
            } else {
                r.title.clone()
            },
            String::new(),
            r.draft,
        ),
        Some(Document::Agenda(a)) => (
            format!("Agenda ({} événements)", a.entries.len()),
            String::new(),
            false,
        ),
        None => (rel.to_string(), String::new(), false),
    };
    Some(Entry {
        path: rel.to_string(),
        kind: loc.kind,
        title,
        date,
        draft,
        modified_by: saved_by(authors, rel, &version),
        modified_at: modified_at(&full),
    })
}

fn stem_of(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(name)
        .to_string()
}

/// Opens a file of the school as a form.
pub fn open(school: &Path, rel: &str) -> Result<Opened> {
    let (full, loc) = paths::document(school, rel)?;
    let bytes = std::fs::read(&full).with_context(|| format!("lecture de « {rel} »"))?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        anyhow!("« {rel} » n'est pas enregistré en UTF-8\n  conseil : ouvrez-le dans un éditeur de texte et enregistrez-le en UTF-8.")
    })?;
    let document = Document::parse(loc.kind, &text, &stem_of(rel)).map_err(|m| {
        anyhow!("« {rel} » ne peut pas être ouvert dans l'atelier : {m}\n  conseil : corrigez-le dans un éditeur de texte (« preau check » montre la ligne).")
    })?;
    let version = sha256_hex(&bytes);
    let modified_by = saved_by(&read_authors(school), rel, &version);
    Ok(Opened {
        path: rel.to_string(),
        class: loc.class,
        document,
        version,
        modified_by,
        modified_at: modified_at(&full),
    })
}

/// The file's modification time, RFC 3339 UTC.
fn modified_at(full: &Path) -> Option<String> {
    let time = std::fs::metadata(full).ok()?.modified().ok()?;
    let time: chrono::DateTime<chrono::Utc> = time.into();
    Some(time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Where a new document goes, relative to the school folder, named as
/// `preau nouveau` names it (the post's slug from its title, the cahier
/// day from its date). A post is a folder (`…/blog/<slug>/index.md`) so
/// that its photos go beside it; its name gets `-2`, `-3`… when taken.
/// `date` is `AAAA-MM-JJ` (a cahier day's file name).
pub fn new_path(
    school: &Path,
    class: Option<&str>,
    kind: DocKind,
    date: &str,
    title: &str,
) -> Result<String> {
    use crate::cli::NewKind;
    if let Some(id) = class {
        if !crate::config::is_valid_id(id) || !school.join("classes").join(id).is_dir() {
            bail!("classe inconnue « {id} »\n  conseil : les classes sont les dossiers de classes/ déclarés dans ecole.yaml.");
        }
    }
    let day = crate::dates::Date::parse(date).map_err(|m| anyhow!("{m}"))?;
    let need_class = || {
        class.ok_or_else(|| {
            anyhow!(
                "choisissez une classe : le cahier et les ressources appartiennent à une classe"
            )
        })
    };
    let slashed = |p: PathBuf| crate::content::links::slashed(&p);
    let rel = match kind {
        DocKind::Agenda => match class {
            Some(id) => format!("classes/{id}/agenda.yaml"),
            None => "agenda.yaml".to_string(),
        },
        DocKind::CahierDay => {
            need_class()?;
            slashed(super::relative_path(NewKind::Cahier, class, day, title)?)
        }
        DocKind::Resources => {
            need_class()?;
            slashed(super::relative_path(NewKind::Ressource, class, day, title)?)
        }
        DocKind::Post => {
            let file = slashed(super::relative_path(NewKind::Article, class, day, title)?);
            let stem = file.strip_suffix(".md").unwrap_or(&file).to_string();
            let mut n = 1;
            loop {
                let candidate = if n == 1 {
                    stem.clone()
                } else {
                    format!("{stem}-{n}")
                };
                let taken = std::fs::symlink_metadata(school.join(&candidate)).is_ok()
                    || std::fs::symlink_metadata(school.join(format!("{candidate}.md"))).is_ok();
                if !taken {
                    break format!("{candidate}/index.md");
                }
                n += 1;
            }
        }
    };
    paths::document(school, &rel)?;
    Ok(rel)
}

/// Saves `doc` to `rel`. `expected_version` is the version [`open`] gave
/// (`None`: a new file, refused if one exists). `author` is recorded in
/// [`AUTHORS_FILE`] (e.g. the computer's user name, see [`os_user`]).
pub fn save(
    school: &Path,
    rel: &str,
    expected_version: Option<&str>,
    doc: &Document,
    author: &str,
) -> Result<Saved, SaveError> {
    let (full, loc) = paths::document(school, rel)?;
    if doc.kind() != loc.kind {
        return Err(anyhow!("« {rel} » n'est pas un fichier de ce type (le formulaire ne correspond pas au fichier)").into());
    }
    check_class(school, &loc)?;
    if let Document::CahierDay(day) = doc {
        let stem = stem_of(rel);
        if !day.date.is_empty() && day.date != stem {
            return Err(anyhow!("la date d'un jour de cahier est le nom de son fichier (« {stem} ») : pour un autre jour, créez un nouveau jour").into());
        }
    }
    let _lock = lock(school)?;
    let on_disk = match std::fs::read(&full) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(anyhow!("lecture de « {rel} » : {e}").into()),
    };
    let stem = stem_of(rel);
    match (expected_version, &on_disk) {
        (None, Some(_)) => {
            return Err(SaveError::Exists {
                path: rel.to_string(),
            })
        }
        (Some(_), None) => {
            return Err(SaveError::Stale {
                on_disk: String::new(),
                yours: render(loc.kind, None, doc, &stem)?,
            })
        }
        (Some(v), Some(bytes)) if sha256_hex(bytes) != v => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let yours = render(loc.kind, Some(&text), doc, &stem)
                .or_else(|_| render(loc.kind, None, doc, &stem))?;
            return Err(SaveError::Stale {
                on_disk: text,
                yours,
            });
        }
        _ => {}
    }
    let base = match &on_disk {
        Some(bytes) => Some(
            String::from_utf8(bytes.clone())
                .map_err(|_| anyhow!("« {rel} » n'est pas enregistré en UTF-8"))?,
        ),
        None => None,
    };
    let text = render(loc.kind, base.as_deref(), doc, &stem)?;
    if on_disk.as_deref() == Some(text.as_bytes()) {
        return Ok(Saved {
            path: rel.to_string(),
            version: sha256_hex(text.as_bytes()),
            written: false,
        });
    }
    write_atomic(&full, text.as_bytes(), on_disk.is_none())
        .map_err(|e| anyhow!("enregistrement de « {rel} » : {e:#}"))?;
    let version = sha256_hex(text.as_bytes());
    record_author(school, rel, author, &version)?;
    Ok(Saved {
        path: rel.to_string(),
        version,
        written: true,
    })
}

/// The disciplines a class's cahier uses (séance headings and homework),
/// most used first; none when the cahier is empty. For the form's
/// suggestions, before the school's own list (`matieres` in `ecole.yaml`,
/// see [`crate::config::SchoolFile::subject_list`]): any other discipline
/// may be typed.
pub fn subjects(school: &Path, class: &str) -> Result<Vec<String>> {
    let dir = format!("classes/{class}/cahier");
    paths::inside(school, &dir)?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (file, is_dir) in dir_names(&school.join(&dir)) {
        if is_dir || !file.ends_with(".md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(school.join(&dir).join(&file)) else {
            continue;
        };
        if let Ok(Document::CahierDay(day)) =
            Document::parse(DocKind::CahierDay, &text, &stem_of(&file))
        {
            let used = day
                .sessions
                .iter()
                .map(|s| s.subject.trim())
                .chain(day.homework.iter().map(|h| h.subject.trim()));
            for subject in used.filter(|s| !s.is_empty()) {
                *counts.entry(subject.to_string()).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(ranked.into_iter().map(|(s, _)| s).collect())
}

/// The text a save of `doc` to `rel` would write now (to preview it, or
/// to show it beside the version on disk).
pub fn rendered(school: &Path, rel: &str, doc: &Document) -> Result<String> {
    let (full, loc) = paths::document(school, rel)?;
    let base = match std::fs::read_to_string(&full) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => bail!("lecture de « {rel} » : {e}"),
    };
    render(loc.kind, base.as_deref(), doc, &stem_of(rel))
}

/// The user name of this computer's session (`USER`, `USERNAME`), for
/// [`save`]'s author.
pub fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "inconnu".to_string())
}

/// A class folder must exist for its files to be written.
fn check_class(school: &Path, loc: &Location) -> Result<()> {
    if let Some(id) = &loc.class {
        if !school.join("classes").join(id).is_dir() {
            bail!("classe inconnue « {id} »\n  conseil : les classes sont les dossiers de classes/ déclarés dans ecole.yaml.");
        }
    }
    Ok(())
}

/// The atelier's lock, held until dropped: one save, delete or restore at
/// a time. Within a process, a mutex; across processes (two `preau serve`
/// on one shared folder), the build's lock file, on
/// `.preau/atelier/.fichiers.preau-lock`.
pub(crate) struct Lock {
    _file: crate::output::BuildLock,
    _inner: std::sync::MutexGuard<'static, ()>,
}

/// Takes the atelier's lock of `school`.
pub(crate) fn lock(school: &Path) -> Result<Lock> {
    static IN_PROCESS: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let inner = IN_PROCESS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = school.join(ATELIER_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("création de « {ATELIER_DIR} »"))?;
    let file = crate::output::BuildLock::acquire(
        &dir.join("fichiers"),
        std::time::Duration::from_secs(30),
    )?;
    Ok(Lock {
        _file: file,
        _inner: inner,
    })
}

/// Writes `bytes` to `full` atomically: a temp file in the same folder,
/// flushed to disk, then renamed over the old one (or, for a new file,
/// renamed only if the name is still free).
pub(crate) fn write_atomic(full: &Path, bytes: &[u8], create: bool) -> Result<()> {
    let dir = full
        .parent()
        .ok_or_else(|| anyhow!("chemin sans dossier"))?;
    std::fs::create_dir_all(dir).with_context(|| format!("création de « {} »", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".preau-atelier-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .context("fichier temporaire")?;
    tmp.write_all(bytes).context("écriture")?;
    tmp.as_file().sync_all().context("écriture sur le disque")?;
    if create {
        tmp.persist_noclobber(full)
            .map_err(|e| anyhow!("le nom est déjà pris : {}", e.error))?;
    } else {
        tmp.persist(full).map_err(|e| anyhow!("{}", e.error))?;
    }
    sync_dir(dir);
    Ok(())
}

/// Flushes a folder's entries (the rename) to disk where the system allows it.
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Author {
    auteur: String,
    version: String,
    le: String,
}

/// Who saved which file last, by path (see [`AUTHORS_FILE`]).
type Authors = BTreeMap<String, Author>;

/// Who saved `rel` last in the atelier, trusted only while the file is the
/// `version` they saved (another program may have changed it since).
fn saved_by(authors: &Authors, rel: &str, version: &str) -> Option<String> {
    authors
        .get(rel)
        .filter(|a| a.version == version)
        .map(|a| a.auteur.clone())
}

fn read_authors(school: &Path) -> Authors {
    std::fs::read(school.join(AUTHORS_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn record_author(school: &Path, rel: &str, author: &str, version: &str) -> Result<()> {
    let mut all = read_authors(school);
    all.insert(
        rel.to_string(),
        Author {
            auteur: author.to_string(),
            version: version.to_string(),
            le: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
    );
    let json = serde_json::to_vec_pretty(&all).context("auteurs")?;
    write_atomic(&school.join(AUTHORS_FILE), &json, false)
}
