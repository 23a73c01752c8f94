//! Rendering every page's markdown with its links resolved: `.md` links
//! become page URLs, files beside a page become assets, site paths are
//! checked, and anything that points nowhere is reported with its position.
//!
//! Here: what links can point to (the [`LinkTable`], collected once per
//! load) and the checking of one link against it. `rewrite`: each page's
//! markdown rendered with its links rewritten. `url`: address arithmetic.

mod rewrite;
mod url;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::walk::Source;
use super::{Document, Page};
use crate::config::{Audience, School};
use crate::layout;
use crate::markdown::LinkKind;
pub(crate) use crate::slug::slashed;
use crate::slug::{encode_path, percent_decode};

pub use rewrite::{merge_assets, render_page, render_some, PageFindings};
use url::{covers, is_external, join_url, normalize, own_site};

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
