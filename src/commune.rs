//! A town hall's commune folder: `commune.yaml` and one school folder per
//! school. `build` and `check` given a commune folder work on every school
//! in parallel, report each school's problems under its name, never let one
//! school stop the others, and skip a school whose folder has not changed
//! since its last build. The commune gets a public home page listing its
//! schools.
//!
//! Each school stays a whole school: its own `ecole.yaml`, secrets, keys,
//! approvals and output (`<école>/public`), buildable alone.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::School;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::output::Output;

/// The file that makes a folder a commune folder.
pub const COMMUNE_FILE: &str = "commune.yaml";

/// Where a school keeps the fingerprint of the folder it last built.
const FINGERPRINT: &str = ".preau/cache/empreinte-construction";

/// `commune.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommuneFile {
    /// « Ville de Villeneuve ».
    pub nom: String,
    /// Address of the commune's home page listing the schools.
    #[serde(default)]
    pub url: Option<String>,
    /// The school folders, in display order (default: every sub-folder
    /// holding an `ecole.yaml`, in name order).
    #[serde(default)]
    pub ecoles: Option<Vec<String>>,
    /// The town hall's host, named in every school's mentions légales
    /// unless a school's `ecole.yaml` names its own (read by
    /// [`crate::config::School::load`]).
    #[serde(default)]
    pub hebergeur: Option<crate::config::Host>,
    /// The deploy root: each school is published into its own folder
    /// `<école>` under it, unless its `ecole.yaml` names its own target.
    #[serde(default)]
    pub publication: Option<crate::config::PublishTarget>,
    /// The approval policy of every school, key by key, unless a school's
    /// `ecole.yaml` writes that key in its own `confiance:` (read by
    /// [`crate::config::commune_trust`]); no directeur's or teachers' keys.
    #[serde(default)]
    pub confiance: Option<crate::config::TrustFile>,
}

/// A loaded commune folder.
#[derive(Debug, Clone)]
pub struct Commune {
    /// The commune folder.
    pub root: PathBuf,
    /// `commune.yaml`.
    pub file: CommuneFile,
    /// The school folders.
    pub schools: Vec<PathBuf>,
}

/// True when `dir` is a commune folder.
pub fn is_commune(dir: &Path) -> bool {
    dir.join(COMMUNE_FILE).is_file()
}

impl Commune {
    /// Reads `commune.yaml` and finds the school folders.
    pub fn load(root: &Path) -> Result<Commune> {
        let path = root.join(COMMUNE_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("lecture de « {} »", path.display()))?;
        let file: CommuneFile =
            crate::yaml::parse(&text, Path::new(COMMUNE_FILE), 1).map_err(|mut d| {
                d.file = path.clone();
                anyhow::anyhow!("{d}")
            })?;
        crate::config::commune_trust::parse(&text, &path).map_err(|d| anyhow::anyhow!("{d}"))?;
        let schools = match &file.ecoles {
            Some(list) => {
                let mut schools = Vec::new();
                for name in list {
                    if name.contains(['/', '\\']) || name.starts_with('.') {
                        bail!(
                            "{} : « {name} » n'est pas un nom de dossier d'école\n  conseil : indiquez le nom d'un sous-dossier du dossier de la commune",
                            path.display()
                        );
                    }
                    let dir = root.join(name);
                    if !dir.join("ecole.yaml").is_file() {
                        bail!(
                            "{} : l'école « {name} » est listée, mais « {} » n'existe pas\n  conseil : créez-la avec « preau init {} » ou retirez-la de la liste",
                            path.display(),
                            dir.join("ecole.yaml").display(),
                            dir.display()
                        );
                    }
                    schools.push(dir);
                }
                schools
            }
            None => {
                let mut schools: Vec<PathBuf> = std::fs::read_dir(root)
                    .with_context(|| format!("lecture du dossier « {} »", root.display()))?
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
                    .map(|e| e.path())
                    .filter(|p| p.join("ecole.yaml").is_file())
                    .collect();
                schools.sort();
                schools
            }
        };
        if schools.is_empty() {
            bail!(
                "le dossier de la commune « {} » ne contient aucune école\n  conseil : chaque école est un sous-dossier avec son ecole.yaml (preau init NOM)",
                root.display()
            );
        }
        Ok(Commune {
            root: root.to_path_buf(),
            file,
            schools,
        })
    }

    /// The folder name of a school, as the commune lists it.
    pub fn name(school: &Path) -> String {
        school
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// What happened to one school.
#[derive(Debug)]
pub enum Outcome {
    /// Built; its one-line summary.
    Built(String),
    /// Nothing changed since its last build: not rebuilt.
    Unchanged,
    /// Failed: with the school's errors (in `diagnostics`), or with this error.
    Failed(Option<String>),
}

/// One school's result, with what to print under its name.
#[derive(Debug)]
pub struct SchoolResult {
    /// The school folder.
    pub dir: PathBuf,
    /// What happened.
    pub outcome: Outcome,
    /// Warnings (and errors) to show under the school's name.
    pub diagnostics: Vec<Diagnostic>,
}

/// A fingerprint of everything a build reads in a school folder: every
/// file's path, size and modification time (outputs and caches excepted),
/// Préau's version, and what the commune around it gives every school
/// (`commune.yaml`, `theme/`).
pub fn fingerprint(school: &Path, out: &Path) -> String {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(out.to_string_lossy().as_bytes());
    // Outputs, caches, and the records that submit, approve, verify and
    // deploy keep (a deploy must not make the next build rebuild).
    let skip = |rel: &Path| {
        let s = rel.to_string_lossy();
        s == "public"
            || [
                ".preau/cache",
                ".preau/statistiques",
                ".preau/lettres",
                ".preau/publication",
                ".preau/publiee",
                ".preau/etat.json",
                ".preau/versions",
                ".preau/soumissions",
            ]
            .iter()
            .any(|p| s.starts_with(p))
    };
    let mut walker = walkdir::WalkDir::new(school)
        .sort_by_file_name()
        .into_iter();
    while let Some(Ok(entry)) = walker.next() {
        let rel = entry.path().strip_prefix(school).unwrap_or(entry.path());
        if skip(rel) || entry.path() == out {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        // Folders change when a build writes beside them: files say it all.
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        hasher.update(rel.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(meta.len().to_le_bytes());
        hasher.update(mtime.to_le_bytes());
    }
    // What the commune gives every school: its host, its theme.
    let around = school.join("..");
    if let Ok(bytes) = std::fs::read(around.join(COMMUNE_FILE)) {
        hasher.update(COMMUNE_FILE.as_bytes());
        hasher.update(Sha256::digest(&bytes));
    }
    for entry in walkdir::WalkDir::new(around.join("theme"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
    {
        if let Ok(bytes) = std::fs::read(entry.path()) {
            hasher.update(entry.path().to_string_lossy().as_bytes());
            hasher.update(Sha256::digest(&bytes));
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn build_one(dir: &Path, out: &Path) -> SchoolResult {
    let print = fingerprint(dir, out);
    let recorded = std::fs::read_to_string(dir.join(FINGERPRINT)).unwrap_or_default();
    if recorded.trim() == print && out.join(crate::output::MARKER).exists() {
        return SchoolResult {
            dir: dir.to_path_buf(),
            outcome: Outcome::Unchanged,
            diagnostics: Vec::new(),
        };
    }
    match crate::site::build(dir, out) {
        Ok(report) => {
            let _ = std::fs::create_dir_all(dir.join(".preau/cache"));
            let _ = std::fs::write(dir.join(FINGERPRINT), &print);
            SchoolResult {
                dir: dir.to_path_buf(),
                outcome: Outcome::Built(format!(
                    "{} pages publiques, {} pages réservées, {} fichiers",
                    report.pages, report.sealed_pages, report.files
                )),
                diagnostics: report.warnings,
            }
        }
        Err(crate::site::BuildError::Invalid { errors, warnings }) => {
            let _ = std::fs::remove_file(dir.join(FINGERPRINT));
            let mut all = errors;
            all.extend(warnings);
            SchoolResult {
                dir: dir.to_path_buf(),
                outcome: Outcome::Failed(None),
                diagnostics: all,
            }
        }
        Err(crate::site::BuildError::Other(e)) => {
            let _ = std::fs::remove_file(dir.join(FINGERPRINT));
            SchoolResult {
                dir: dir.to_path_buf(),
                outcome: Outcome::Failed(Some(format!("{e:#}"))),
                diagnostics: Vec::new(),
            }
        }
    }
}

/// What [`build_all`] tells as it goes (progress, printing).
pub enum Event<'a> {
    /// This school's build starts.
    Started(&'a Path),
    /// This school is done.
    Finished(&'a SchoolResult),
}

/// Builds every school of the commune in parallel (each into its own
/// `public/`, or `OUT/<école>/`), then the commune's home page (into
/// `COMMUNE/public/`, or `OUT/commune/`). `event` is told of each school
/// as it starts and as it finishes.
pub fn build_all(
    commune: &Commune,
    out: Option<&Path>,
    event: &(dyn Fn(Event<'_>) + Sync),
) -> Result<Vec<SchoolResult>> {
    let results: Mutex<Vec<SchoolResult>> = Mutex::new(Vec::new());
    commune.schools.par_iter().for_each(|dir| {
        let school_out = match out {
            Some(o) => o.join(Commune::name(dir)),
            None => dir.join("public"),
        };
        event(Event::Started(dir));
        let result = build_one(dir, &school_out);
        event(Event::Finished(&result));
        results.lock().expect("no panic holding it").push(result);
    });
    let mut results = results.into_inner().expect("no panic holding it");
    results.sort_by(|a, b| a.dir.cmp(&b.dir));
    let page_out = match out {
        Some(o) => o.join("commune"),
        None => commune.root.join("public"),
    };
    home_page(commune)?.write_atomically(&page_out, &commune.root, &Default::default())?;
    Ok(results)
}

use crate::render::standalone::SchoolCard;

/// The commune's public home page: its schools, their address, link and
/// accessibility status, in the default theme (or the commune's `theme/`).
pub fn home_page(commune: &Commune) -> Result<Output> {
    let mut output = Output::default();
    for (path, bytes) in home_page_files(commune)?.files {
        output.add(path, crate::config::Audience::Public, bytes);
    }
    Ok(output)
}

/// The commune's home page as files (`index.html`, `static/style.css`),
/// rendered from `commune.yaml` and each school's `ecole.yaml` (name,
/// address, site address, accessibility status: plain text, escaped by
/// the template), never read back from a build; with what makes its
/// listing inconsistent, if anything.
pub struct HomePage {
    /// Path → bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Why the listing cannot be trusted as it is, in French, one a school
    /// (or for the page).
    pub problems: Vec<String>,
}

/// Renders the commune's home page (see [`HomePage`]). Every school of
/// the commune is listed, in the order of `commune.yaml`.
pub fn home_page_files(commune: &Commune) -> Result<HomePage> {
    let mut cards = Vec::new();
    let mut problems = Vec::new();
    let mut urls = std::collections::BTreeMap::new();
    for dir in &commune.schools {
        let folder = Commune::name(dir);
        // Names the page's own files use cannot be a school's folder.
        if folder == "static" || folder == "index.html" {
            problems.push(format!(
                "le dossier d'école « {folder} » porte le nom d'un fichier de la page des écoles"
            ));
        }
        let diags = Diagnostics::new();
        // A school whose ecole.yaml is broken still gets its line, by folder name.
        match School::load(dir, crate::dates::today(), &diags) {
            Some(school) => {
                let f = &school.file;
                if !school.base_url.starts_with("https://")
                    || school.base_url.starts_with("https://exemple.invalid/")
                {
                    problems.push(format!("{folder} : l'adresse du site (url de ecole.yaml) n'est pas une adresse https valable"));
                }
                if let Some(other) = urls.insert(school.base_url.clone(), folder.clone()) {
                    problems.push(format!(
                        "{folder} et {other} ont la même adresse de site « {} »",
                        school.base_url
                    ));
                }
                cards.push(SchoolCard {
                    name: f.name.clone(),
                    address: format!("{}, {} {}", f.address, f.postal_code, f.commune),
                    url: school.base_url.clone(),
                    accessibility: serde_json::to_value(f.accessibility.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                });
            }
            None => {
                problems.push(format!(
                    "{folder} : ecole.yaml est illisible, l'école n'aurait ni nom, ni adresse, ni lien"
                ));
                cards.push(SchoolCard {
                    name: folder,
                    address: String::new(),
                    url: String::new(),
                    accessibility: String::new(),
                });
            }
        }
    }
    let theme = crate::theme::Theme::load(&commune.root)?;
    let html = crate::render::standalone::commune_home(&theme, &commune.file.nom, &cards)?;
    // The page runs no script: a commune theme's commune.html must keep
    // the default's policy and add none.
    if !html.contains("script-src 'none'") || html.to_ascii_lowercase().contains("<script") {
        problems.push("la page des écoles contient un script ou a perdu sa politique de sécurité (« script-src 'none' ») : le gabarit theme/templates/commune.html de la commune l'a changée".into());
    }
    let mut files = vec![("index.html".to_string(), html.into_bytes())];
    if let Some(css) = theme.statics.get("style.css") {
        files.push(("static/style.css".to_string(), css.to_vec()));
    }
    Ok(HomePage { files, problems })
}

/// Checks every school of the commune in parallel; each school's problems
/// come back under its folder.
pub fn check_all(commune: &Commune) -> Vec<(PathBuf, Vec<Diagnostic>, Option<String>)> {
    let mut results: Vec<(PathBuf, Vec<Diagnostic>, Option<String>)> = commune
        .schools
        .par_iter()
        .map(|dir| match crate::site::Site::load(dir, None) {
            Ok(loaded) => {
                let failure = loaded
                    .site
                    .as_ref()
                    .and_then(|site| site.publish().err())
                    .map(|e| format!("{e:#}"));
                (dir.clone(), loaded.diagnostics, failure)
            }
            Err(e) => (dir.clone(), Vec::new(), Some(format!("{e:#}"))),
        })
        .collect();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

/// True when a school's check found an error.
pub fn has_errors(diagnostics: &[Diagnostic], failure: &Option<String>) -> bool {
    failure.is_some() || diagnostics.iter().any(|d| d.severity == Severity::Error)
}
