//! Rendering every page's markdown with its links resolved: `.md` links
//! become page URLs, files beside a page become assets, site paths are
//! checked, and anything that points nowhere is reported with its position.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::walk::Source;
use super::{Asset, Document, Kind, Page, Session};
use crate::config::School;
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, LinkKind};
use crate::slug::{encode_path, percent_decode, slugify};

/// What links can point to.
pub struct LinkTable<'a> {
    root: &'a Path,
    /// Source path (forward slashes) → output path, for every built page.
    by_source: HashMap<String, String>,
    /// Sources that exist but are drafts or invalid.
    unbuilt: HashSet<String>,
    /// Every output path a `/…` link may name.
    site_paths: HashSet<String>,
}

impl<'a> LinkTable<'a> {
    /// Indexes the pages, documents and generated views of the site.
    pub fn new(
        root: &'a Path,
        school: &School,
        pages: &[Page],
        documents: &[Document],
        sources: &[Source],
    ) -> Self {
        let by_source: HashMap<String, String> = pages
            .iter()
            .map(|p| (slashed(&p.source), p.path.clone()))
            .collect();
        let unbuilt = sources
            .iter()
            .map(|s| slashed(&s.rel))
            .filter(|s| !by_source.contains_key(s))
            .collect();
        let mut site_paths: HashSet<String> = pages.iter().map(|p| p.path.clone()).collect();
        site_paths.extend(documents.iter().map(|d| d.path.clone()));
        site_paths.extend(generated_paths(school));
        LinkTable {
            root,
            by_source,
            unbuilt,
            site_paths,
        }
    }

    /// Resolves `url` written in the page whose source is `source`.
    fn resolve(
        &self,
        source: &Path,
        url: &str,
        kind: LinkKind,
        base: &str,
    ) -> Result<Resolved, (String, String)> {
        if is_external(url) || url.is_empty() {
            if kind == LinkKind::Image && !url.starts_with('#') {
                return Err((
                    format!("image hébergée sur un autre site : « {url} »"),
                    "le site ne fait appel à aucun autre site (vie privée des familles) : enregistrez l'image et placez-la à côté de la page.".into(),
                ));
            }
            return Ok(Resolved::Url(url.to_string()));
        }
        let (path, fragment) = match url.find(['#', '?']) {
            Some(i) => (&url[..i], &url[i..]),
            None => (url, ""),
        };
        let path = percent_decode(path);
        if let Some(site) = path.strip_prefix('/') {
            let site = site.trim_start_matches('/');
            let known = self.site_paths.contains(site)
                || self.site_paths.contains(&format!("{site}/"))
                || site
                    .strip_suffix("index.html")
                    .is_some_and(|d| self.site_paths.contains(d));
            if !known {
                return Err((
                    format!("lien vers une page du site qui n'existe pas : « {url} »"),
                    "vérifiez l'adresse ; pour une page de l'école, vous pouvez aussi lier son fichier, par exemple « @/pages/infos-pratiques.md ».".into(),
                ));
            }
            return Ok(Resolved::Url(format!(
                "{base}{}{fragment}",
                encode_path(site)
            )));
        }
        let target = match path.strip_prefix("@/") {
            Some(from_root) => normalize(Path::new(from_root)),
            None => normalize(&source.parent().unwrap_or(Path::new("")).join(&path)),
        };
        let Some(target) = target else {
            return Err((
                format!("le lien « {url} » sort du dossier de l'école"),
                "un lien ne peut viser qu'un fichier du dossier de l'école.".into(),
            ));
        };
        let key = slashed(&target);
        if key.ends_with(".md") {
            if let Some(page) = self.by_source.get(&key) {
                if kind == LinkKind::Image {
                    return Err((
                        format!("« {url} » est une page, pas une image"),
                        "une image doit viser un fichier .jpg, .png ou .webp.".into(),
                    ));
                }
                return Ok(Resolved::Url(format!(
                    "{base}{}{fragment}",
                    encode_path(page)
                )));
            }
            if self.unbuilt.contains(&key) {
                return Err((
                    format!("lien vers une page qui n'est pas publiée (brouillon ou en erreur) : « {url} »"),
                    "publiez cette page (retirez « brouillon: true ») ou retirez le lien.".into(),
                ));
            }
            return Err((
                format!("lien vers une page qui n'existe pas : « {url} »"),
                self.suggest(&key, source),
            ));
        }
        let full = self.root.join(&target);
        if full.is_file() {
            let parts: Vec<String> = target
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts
                .first()
                .is_some_and(|p| super::walk::is_ignored_dir(p))
                || key == "ecole.yaml"
            {
                return Err((
                    format!("« {url} » ne peut pas être publié"),
                    "placez le fichier à côté de la page ou dans documents/.".into(),
                ));
            }
            super::attachments::check(self.root, &target)?;
            return Ok(Resolved::Asset(key, fragment.to_string()));
        }
        if full.is_dir() {
            return Err((
                format!("« {url} » est un dossier, pas un fichier"),
                "visez un fichier précis, ou la page .md de ce dossier.".into(),
            ));
        }
        let what = if kind == LinkKind::Image {
            "image introuvable"
        } else {
            "fichier introuvable"
        };
        Err((format!("{what} : « {url} »"), self.suggest_file(&target)))
    }

    fn suggest(&self, key: &str, source: &Path) -> String {
        // A page of the same name near the linking file is the likeliest target.
        let name = key.rsplit('/').next().unwrap_or(key);
        let from = slashed(source);
        let shared = |c: &str| {
            c.bytes()
                .zip(from.bytes())
                .take_while(|(a, b)| a == b)
                .count()
        };
        let same_name = self
            .by_source
            .keys()
            .filter(|c| c.rsplit('/').next() == Some(name))
            .max_by_key(|c| (shared(c), std::cmp::Reverse((*c).clone())));
        let candidates: Vec<String> = self.by_source.keys().cloned().collect();
        let best = same_name
            .map(String::as_str)
            .or_else(|| crate::yaml::closest(key, &candidates));
        match best {
            Some(best) => format!("vouliez-vous dire « {best} » (depuis la racine : « @/{best} ») ?"),
            None => "vérifiez le nom du fichier ; un lien .md est relatif au fichier qui l'écrit, ou commence par « @/ » depuis la racine de l'école.".into(),
        }
    }

    fn suggest_file(&self, target: &Path) -> String {
        let dir = self.root.join(target.parent().unwrap_or(Path::new("")));
        let wanted = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let names: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        match crate::yaml::closest(&wanted, &names) {
            Some(best) => format!("vouliez-vous dire « {best} » ? Attention aux majuscules et aux accents."),
            None => "placez le fichier à côté de la page (ou dans son dossier) et vérifiez son nom, majuscules et extension comprises.".into(),
        }
    }
}

enum Resolved {
    Url(String),
    Asset(String, String),
}

/// What rendering one page found: its problems and the files it uses.
pub type PageFindings = (Vec<Diagnostic>, Vec<Asset>);

/// Renders one page's markdown with its links resolved.
pub fn render_page(page: &mut Page, table: &LinkTable<'_>, base: &str) -> PageFindings {
    let used: Mutex<Vec<Asset>> = Mutex::new(Vec::new());
    let mut found = Vec::new();
    {
        let source = page.source.clone();
        let audience = page.audience.clone();
        let resolve = |url: &str, kind: LinkKind| -> Result<String, (String, String)> {
            match table.resolve(&source, url, kind, base)? {
                Resolved::Url(u) => Ok(u),
                Resolved::Asset(path, fragment) => {
                    used.lock().expect("assets lock").push(Asset {
                        source: PathBuf::from(&path),
                        path: path.clone(),
                        audience: audience.clone(),
                    });
                    Ok(format!("{base}{}{fragment}", encode_path(&path)))
                }
            }
        };
        for photo in &mut page.gallery {
            match resolve(&photo.file, LinkKind::Image) {
                Ok(src) => photo.src = src,
                Err((message, hint)) => found.push(
                    Diagnostic::error(&source, format!("galerie : {message}"))
                        .hint(hint)
                        .at_line(1),
                ),
            }
            if photo.alt.is_empty() {
                found.push(
                    Diagnostic::warning(
                        &source,
                        format!(
                            "la photo « {} » de la galerie n'a pas de texte alternatif",
                            photo.file
                        ),
                    )
                    .hint("décrivez-la avec « texte: … »")
                    .at_line(1),
                );
            }
        }
        let mut report = |issues: Vec<markdown::Issue>, first_line: usize| {
            for issue in issues {
                let d = if issue.is_error {
                    Diagnostic::error(&source, issue.message)
                } else {
                    Diagnostic::warning(&source, issue.message)
                };
                found.push(
                    d.hint(issue.hint)
                        .at(first_line + issue.line - 1, issue.column),
                );
            }
        };
        if page.kind == Kind::CahierDay {
            let mut html = String::new();
            page.sessions.clear();
            for (matiere, body, line) in split_sessions(&page.body, page.body_line) {
                let rendered = markdown::render(&body, &resolve);
                report(rendered.issues, line);
                html.push_str(&rendered.html);
                page.sessions.push(Session {
                    slug: slugify(&matiere),
                    matiere,
                    html: rendered.html,
                });
            }
            page.content = html;
        } else {
            let rendered = markdown::render(&page.body, &resolve);
            report(rendered.issues, page.body_line);
            page.content = rendered.html;
            if page.summary.is_empty() {
                page.summary = truncate(&rendered.first_paragraph, 220);
            }
        }
    }
    (found, used.into_inner().expect("assets lock"))
}

/// Renders the pages for which `fresh` is true, in parallel; returns each
/// rendered page's findings by index.
pub fn render_some(
    pages: &mut [Page],
    fresh: &[bool],
    table: &LinkTable<'_>,
    school: &School,
) -> Vec<(usize, PageFindings)> {
    let base = school.base_path.as_str();
    pages
        .par_iter_mut()
        .enumerate()
        .filter(|(i, _)| fresh[*i])
        .map(|(i, page)| (i, render_page(page, table, base)))
        .collect()
}

/// One asset per output path; a public use wins so that a public page's
/// photo is never hidden.
pub fn merge_assets(all: impl IntoIterator<Item = Asset>) -> Vec<Asset> {
    let mut by_path: BTreeMap<String, Asset> = BTreeMap::new();
    for asset in all {
        by_path
            .entry(asset.path.clone())
            .and_modify(|a| {
                if asset.audience < a.audience {
                    a.audience = asset.audience.clone();
                }
            })
            .or_insert(asset);
    }
    by_path.into_values().collect()
}

/// Splits a cahier body at its `## ` headings: (discipline, markdown, first line).
fn split_sessions(body: &str, first_line: usize) -> Vec<(String, String, usize)> {
    let mut sessions: Vec<(String, String, usize)> = Vec::new();
    let mut in_fence = false;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        let heading = (!in_fence).then(|| line.strip_prefix("## ")).flatten();
        if let Some(title) = heading {
            let matiere = title.trim().trim_end_matches('#').trim().to_string();
            sessions.push((matiere, String::new(), first_line + i));
        } else if sessions.is_empty() {
            if line.trim().is_empty() {
                continue;
            }
            sessions.push((String::new(), String::new(), first_line + i));
        }
        let current = sessions.last_mut().expect("just pushed");
        current.1.push_str(line);
        current.1.push('\n');
    }
    sessions
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!(
        "{}…",
        cut.trim_end_matches([',', ';', ':', '.', ' ', '\u{a0}', '\u{202f}'])
    )
}

/// Output paths of the views Préau generates (so `/agenda/` links check).
pub fn generated_paths(school: &School) -> Vec<String> {
    let mut paths: Vec<String> = [
        "",
        "actualites/",
        "agenda/",
        "agenda.ics",
        "documents/",
        "classes/",
        "atom.xml",
        "sitemap.xml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for class in &school.class_list {
        for view in [
            "",
            "blog/",
            "cahier/",
            "cahier/matieres/",
            "cahier/a-faire/",
            "ressources/",
            "devoirs.ics",
        ] {
            paths.push(format!("classes/{}/{view}", class.id));
        }
    }
    paths
}

fn is_external(url: &str) -> bool {
    url.starts_with('#')
        || url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && scheme != "@"
        })
}

/// `a/./b/../c` → `a/c`; `None` when it climbs above the school folder.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn slashed(path: &Path) -> String {
    path.iter()
        .map(|p| p.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_refuses_traversal() {
        assert_eq!(
            normalize(Path::new("classes/cm1/blog/../cahier/x.md")),
            Some(PathBuf::from("classes/cm1/cahier/x.md"))
        );
        assert_eq!(normalize(Path::new("../../etc/passwd")), None);
        assert_eq!(normalize(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn external_urls() {
        assert!(is_external("https://lumni.fr"));
        assert!(is_external("mailto:a@b.fr"));
        assert!(is_external("#section"));
        assert!(!is_external("photo.jpg"));
        assert!(!is_external("@/pages/x.md"));
    }

    #[test]
    fn sessions_split_at_h2() {
        let s = split_sessions(
            "Intro\n## Français\nLecture\n### Détail\n## Maths\nCalcul\n",
            5,
        );
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].0, "Français");
        assert_eq!(s[1].2, 6);
        assert!(s[1].1.contains("### Détail"));
        assert_eq!(s[2].0, "Maths");
    }
}
