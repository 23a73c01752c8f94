//! Rendering every page's markdown with its links resolved: `.md` links
//! become page URLs, files beside a page become assets, site paths are
//! checked, and anything that points nowhere is reported with its position.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::walk::Source;
use super::{Asset, Document, Kind, Page, Session};
use crate::config::{Audience, School};
use crate::diagnostic::Diagnostic;
use crate::layout;
use crate::markdown::{self, LinkKind};
use crate::slug::{encode_path, percent_decode, slugify};

/// What links can point to.
pub struct LinkTable<'a> {
    root: &'a Path,
    /// The site's own addresses, `host/base/` with the host in lower case:
    /// a full URL under one of them is a link inside the site.
    own_sites: Vec<String>,
    /// The base path without its leading `/` (`tilleuls/`).
    base_segment: String,
    /// Source path (forward slashes) → output path, for every built page.
    by_source: HashMap<String, (String, Audience)>,
    /// Sources that exist but are drafts or invalid.
    unbuilt: HashSet<String>,
    /// Every output path a `/…` link may name, with who may read it.
    site_paths: HashMap<String, Target>,
    /// Files that belong to a restricted reader: registered documents by
    /// source path, and the folders of page bundles (`…/sortie/`).
    owned_files: HashMap<String, Owner>,
    bundle_dirs: HashMap<String, Owner>,
}

/// What a site path leads to.
struct Target {
    audience: Audience,
    /// For a downloadable document: who it belongs to (`documents.yaml`).
    document: Option<Owner>,
}

/// Who a file belongs to: the file that says so, and its readers.
#[derive(Clone)]
struct Owner {
    source: String,
    audience: Audience,
}

/// The page a link is written in.
struct Linking<'p> {
    source: &'p Path,
    /// Its output path (`actualites/sortie/`), for links relative to its URL.
    path: &'p str,
    audience: &'p Audience,
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
        let by_source: HashMap<String, (String, Audience)> = pages
            .iter()
            .map(|p| (slashed(&p.source), (p.path.clone(), p.audience.clone())))
            .collect();
        let unbuilt: HashSet<String> = sources
            .iter()
            .map(|s| slashed(&s.rel))
            .filter(|s| !by_source.contains_key(s))
            .collect();
        let page = |audience: &Audience| Target {
            audience: audience.clone(),
            document: None,
        };
        let mut site_paths: HashMap<String, Target> = layout::generated(school)
            .into_iter()
            .map(|(path, audience)| (path, page(&audience)))
            .collect();
        site_paths.extend(pages.iter().map(|p| (p.path.clone(), page(&p.audience))));
        let mut owned_files = HashMap::new();
        for d in documents {
            let owner = Owner {
                source: "documents.yaml".into(),
                audience: d.audience.clone(),
            };
            owned_files.insert(slashed(&d.source), owner.clone());
            site_paths.insert(
                d.path.clone(),
                Target {
                    audience: d.audience.clone(),
                    document: Some(owner),
                },
            );
        }
        // A bundle's files are its page's; a draft's, its class's (or the school's).
        let mut bundle_dirs = HashMap::new();
        for source in sources {
            if source.rel.file_name().is_none_or(|n| n != "index.md") {
                continue;
            }
            let key = slashed(&source.rel);
            let audience = match by_source.get(&key) {
                Some((_, audience)) => audience.clone(),
                None => match source.class.as_deref().and_then(|id| school.class(id)) {
                    Some(class) => class.audience.clone(),
                    None => school.default_audience.clone(),
                },
            };
            let dir = key.trim_end_matches("index.md").to_string();
            bundle_dirs.insert(
                dir,
                Owner {
                    source: key,
                    audience,
                },
            );
        }
        let mut own_sites = vec![own_site(&school.base_url), own_site(&school.file.url)];
        own_sites.dedup();
        LinkTable {
            root,
            own_sites,
            base_segment: school.base_path.trim_start_matches('/').to_string(),
            by_source,
            unbuilt,
            site_paths,
            owned_files,
            bundle_dirs,
        }
    }

    /// The part after the site's own address of a full URL of the site
    /// (`https://host/base/classes/` or `//host/base/classes/`), with a
    /// leading `/`; `None` for any other URL.
    fn own_site_path(&self, url: &str) -> Option<String> {
        let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
        let rest = if lower(8).as_deref() == Some("https://") {
            &url[8..]
        } else if lower(7).as_deref() == Some("http://") {
            &url[7..]
        } else {
            url.strip_prefix("//")?
        };
        self.own_sites.iter().find_map(|site| {
            let (host, path) = site.split_once('/').unwrap_or((site, ""));
            let after = rest
                .get(..host.len())
                .filter(|h| h.eq_ignore_ascii_case(host))
                .map(|_| &rest[host.len()..])?;
            if !(after.is_empty() || after.starts_with(['/', '#', '?'])) {
                return None;
            }
            let after = after.strip_prefix('/').unwrap_or(after);
            match after.strip_prefix(path) {
                Some(inside) => Some(format!("/{inside}")),
                // The base path without its trailing slash, then nothing else.
                None => (after.split(['#', '?']).next() == Some(path.trim_end_matches('/')))
                    .then(|| format!("/{}", &after[path.trim_end_matches('/').len()..])),
            }
        })
    }

    /// The canonical output path and readers of a site path written in a
    /// link: `x`, `x/` and `x/index.html` all name the page `x/`; the base
    /// path may be written too.
    fn site_target(&self, site: &str) -> Option<(&str, &Target)> {
        let find = |site: &str| {
            let candidates = [
                Some(site.to_string()),
                Some(format!("{site}/")),
                site.strip_suffix("index.html").map(str::to_string),
            ];
            candidates
                .into_iter()
                .flatten()
                .find_map(|c| self.site_paths.get_key_value(&c))
                .map(|(k, t)| (k.as_str(), t))
        };
        find(site).or_else(|| {
            site.strip_prefix(self.base_segment.as_str())
                .filter(|_| !self.base_segment.is_empty())
                .and_then(find)
        })
    }

    /// Who the file at `key` (a source path) belongs to, when anyone.
    fn owner(&self, key: &str) -> Option<&Owner> {
        self.owned_files.get(key).or_else(|| {
            let mut dir = key;
            while let Some(i) = dir.trim_end_matches('/').rfind('/') {
                dir = &dir[..=i];
                if let Some(owner) = self.bundle_dirs.get(dir) {
                    return Some(owner);
                }
            }
            None
        })
    }

    /// The URL of a page of `audience` at `path` for readers of `from`:
    /// the page itself when they may all read it, else only the entry of
    /// its area (its route would name it).
    fn page_url(
        base: &str,
        path: &str,
        fragment: &str,
        audience: &Audience,
        from: &Audience,
    ) -> String {
        if covers(audience, from) {
            format!("{base}{}{fragment}", encode_path(path))
        } else {
            format!("{base}{}", encode_path(&layout::area_path(audience)))
        }
    }

    /// Refuses a file that belongs to readers narrower than the page's.
    fn check_file(
        &self,
        key: &str,
        owner: Option<&Owner>,
        from: &Linking<'_>,
    ) -> Result<(), (String, String)> {
        let Some(owner) = owner.or_else(|| self.owner(key)) else {
            return Ok(());
        };
        if covers(&owner.audience, from.audience) {
            return Ok(());
        }
        Err((
            format!(
                "lien vers « {key} », fichier réservé ({}) de « {} » : cette page, lue par un public plus large ({}), le publierait",
                owner.audience, owner.source, from.audience
            ),
            format!(
                "retirez le lien, réservez cette page au même public (« acces: {} »), ou placez à côté d'elle une copie du fichier qui peut être publiée.",
                owner.audience
            ),
        ))
    }

    /// Resolves `url` written in the page `from`.
    fn resolve(
        &self,
        from: &Linking<'_>,
        url: &str,
        kind: LinkKind,
        base: &str,
    ) -> Result<Resolved, (String, String)> {
        // A full URL of the site itself is a site path, checked like one.
        let own = self.own_site_path(url);
        let url = own.as_deref().unwrap_or(url);
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
            if let Some((canonical, target)) = self.site_target(site) {
                if target.document.is_some() {
                    self.check_file(site, target.document.as_ref(), from)?;
                }
                return Ok(Resolved::Url(Self::page_url(
                    base,
                    canonical,
                    fragment,
                    &target.audience,
                    from.audience,
                )));
            }
            // A file of the school folder, named by its place in the site.
            let file = normalize(Path::new(site)).filter(|t| self.root.join(t).is_file());
            if let Some(target) = file {
                return self.file(&target, url, fragment, from);
            }
            return Err((
                format!("lien vers une page du site qui n'existe pas : « {url} »"),
                "vérifiez l'adresse ; pour une page de l'école, vous pouvez aussi lier son fichier, par exemple « @/pages/infos-pratiques.md ».".into(),
            ));
        }
        let from_root = path.strip_prefix("@/");
        let target = match from_root {
            Some(from_root) => normalize(Path::new(from_root)),
            None => normalize(&from.source.parent().unwrap_or(Path::new("")).join(&path)),
        };
        // A relative address of the site, written from the page's URL
        // (`../../classes/cm1/`) rather than from its file.
        let from_url = || {
            from_root
                .is_none()
                .then(|| join_url(from.path, &path))
                .flatten()
                .and_then(|site| self.site_target(&site))
                .map(|(canonical, target)| {
                    Resolved::Url(Self::page_url(
                        base,
                        canonical,
                        fragment,
                        &target.audience,
                        from.audience,
                    ))
                })
        };
        let Some(target) = target else {
            return from_url().ok_or_else(|| {
                (
                    format!("le lien « {url} » sort du dossier de l'école"),
                    "un lien ne peut viser qu'un fichier du dossier de l'école.".into(),
                )
            });
        };
        let key = slashed(&target);
        if key.ends_with(".md") {
            if let Some((page, audience)) = self.by_source.get(&key) {
                if kind == LinkKind::Image {
                    return Err((
                        format!("« {url} » est une page, pas une image"),
                        "une image doit viser un fichier .jpg, .png ou .webp.".into(),
                    ));
                }
                return Ok(Resolved::Url(Self::page_url(
                    base,
                    page,
                    fragment,
                    audience,
                    from.audience,
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
                self.suggest(&key, from.source),
            ));
        }
        let full = self.root.join(&target);
        if full.is_file() {
            return self.file(&target, url, fragment, from);
        }
        if let Some(resolved) = from_url() {
            return Ok(resolved);
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

    /// A file of the school folder: published beside the page that links
    /// it, unless it may not be published or belongs to fewer readers.
    fn file(
        &self,
        target: &Path,
        url: &str,
        fragment: &str,
        from: &Linking<'_>,
    ) -> Result<Resolved, (String, String)> {
        let key = slashed(target);
        let first = target
            .iter()
            .next()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if super::walk::is_ignored_dir(&first) || key == "ecole.yaml" {
            return Err((
                format!("« {url} » ne peut pas être publié"),
                "placez le fichier à côté de la page ou dans documents/.".into(),
            ));
        }
        super::attachments::check(self.root, target)?;
        self.check_file(&key, None, from)?;
        Ok(Resolved::Asset(key, fragment.to_string()))
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
        let path = page.path.clone();
        let from = Linking {
            source: &source,
            path: &path,
            audience: &audience,
        };
        let resolve = |url: &str, kind: LinkKind| -> Result<String, (String, String)> {
            match table.resolve(&from, url, kind, base)? {
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
                    subject: matiere,
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

/// True when every reader of a page of audience `from` may read content
/// of audience `target` (a class's code opens the families' area too; the
/// staff's opens everything).
fn covers(target: &Audience, from: &Audience) -> bool {
    match (target, from) {
        (Audience::Public, _) | (_, Audience::Staff) => true,
        (Audience::Families, Audience::Class(_)) => true,
        (t, f) => t == f,
    }
}

/// `host/base/` of a base URL, the host in lower case.
fn own_site(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        format!("{}/", host.to_ascii_lowercase())
    } else {
        format!("{}/{path}/", host.to_ascii_lowercase())
    }
}

/// `rel` (`../../classes/cm1/`) read from the page at site path `dir`
/// (`actualites/sortie/`); `None` when it climbs above the site.
fn join_url(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut joined = parts.join("/");
    if rel.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
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

/// A relative path written with `/` whatever the system.
pub(crate) fn slashed(path: &Path) -> String {
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
    fn urls_relative_to_the_page_address() {
        assert_eq!(
            join_url("actualites/sortie/", "../../classes/cm1/blog/x/"),
            Some("classes/cm1/blog/x/".into())
        );
        assert_eq!(
            join_url("actualites/sortie/", "../autre"),
            Some("actualites/autre".into())
        );
        assert_eq!(join_url("actualites/sortie/", "../../../x/"), None);
    }

    #[test]
    fn own_site_addresses() {
        assert_eq!(
            own_site("https://Ecoles.Ville.fr/jean-jaures/"),
            "ecoles.ville.fr/jean-jaures/"
        );
        assert_eq!(own_site("https://ecole.fr/"), "ecole.fr/");
    }

    #[test]
    fn who_may_follow_a_link() {
        let cm1 = Audience::Class("cm1".into());
        let cm2 = Audience::Class("cm2".into());
        assert!(covers(&Audience::Public, &cm1));
        assert!(covers(&Audience::Families, &cm1));
        assert!(covers(&cm1, &cm1));
        assert!(covers(&cm1, &Audience::Staff));
        assert!(!covers(&cm1, &Audience::Public));
        assert!(!covers(&cm1, &Audience::Families));
        assert!(!covers(&cm1, &cm2));
        assert!(!covers(&Audience::Staff, &cm1));
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
