//! Reading a sealed site with its areas' content keys, for the IEN: every
//! blob is opened under the id it is announced with, and a blob that no
//! area leads to, or that does not open, refuses the submission. What the
//! IEN signs is exactly what it could read. The keys travel only in the
//! submission (`cles.json`), never in the site.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Deserialize;

use super::scope::{self, is_blob};
use super::Manifest;
use crate::access::crypto::{self, Key};

/// The submission's file of keys (`cles.json`): each area's content key,
/// and its naming key (blob names are derived from it and the item id),
/// base64.
#[derive(Debug, Clone, Default, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// Area id → content key.
    #[serde(rename = "contenu")]
    pub content: BTreeMap<String, String>,
    /// Area id → naming key.
    #[serde(rename = "noms")]
    pub names: BTreeMap<String, String>,
}

/// The keys of an area.
#[derive(Debug, Clone)]
pub struct AreaKeys {
    /// Opens its items.
    pub content: Key,
    /// Names its blobs.
    pub names: Option<Key>,
}

/// A page of an area, decrypted.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its route in the area (`blog/sortie/`).
    pub route: String,
    /// Its title.
    pub title: String,
    /// Its HTML, as families see it (sealed files still referenced).
    pub html: String,
    /// Its blob.
    pub blob: String,
}

/// An area, decrypted.
#[derive(Debug, Clone, Default)]
pub struct Area {
    /// Its pages, by route.
    pub pages: Vec<Page>,
    /// Its files (photos, documents), by blob path: (file name, bytes).
    pub files: BTreeMap<String, (String, Vec<u8>)>,
    /// The ids of its files.
    pub ids: BTreeSet<String>,
    /// Items no page points to (other widths of a photo, the iCalendar
    /// feed), opened under their ids: (file name, bytes).
    pub extra: BTreeMap<String, (String, Vec<u8>)>,
}

/// Every area of a site, decrypted.
#[derive(Debug, Clone, Default)]
pub struct Opened {
    /// By area id (`classe:cm1`).
    pub areas: BTreeMap<String, Area>,
}

#[derive(Deserialize)]
struct AreaRef {
    #[serde(rename = "espace")]
    area: String,
    index: String,
    index_id: String,
}

#[derive(Deserialize)]
struct Entry {
    blob: String,
    id: String,
}

#[derive(Deserialize)]
struct Index {
    pages: BTreeMap<String, Entry>,
    #[serde(default, rename = "recherche")]
    search: Option<Entry>,
}

#[derive(Deserialize)]
struct PageItem {
    #[serde(rename = "titre")]
    title: String,
    html: String,
}

/// `acces/…` from a URL that ends with it.
fn site_path(url: &str) -> String {
    match url.find(&format!("{}/", crate::layout::BLOB_DIR)) {
        Some(i) => url[i..].to_string(),
        None => url.to_string(),
    }
}

/// The areas' keys of a school, from its secrets (`.preau/`): the file
/// a submission carries (`cles.json`) and the keys it holds.
pub fn school_keys(dir: &Path) -> anyhow::Result<(Vec<u8>, BTreeMap<String, AreaKeys>)> {
    let secrets = crate::access::secrets::Secrets::load(dir)?;
    let mut file = KeyFile::default();
    for (id, k) in secrets.iter().flat_map(|s| s.audiences.iter()) {
        file.content.insert(id.clone(), k.content_key.clone());
        file.names.insert(id.clone(), k.nonce_key.clone());
    }
    let bytes = serde_json::to_vec_pretty(&file).expect("keys serialize");
    let keys = parse_keys(&bytes).map_err(|e| anyhow::anyhow!(e))?;
    Ok((bytes, keys))
}

/// Every file of the site that holds one of `keys` (raw or base64): the
/// keys travel only in the submission, never in the site.
pub fn keys_in_site(
    site: &Path,
    manifest: &Manifest,
    keys: &BTreeMap<String, AreaKeys>,
) -> Vec<String> {
    let needles: Vec<(&str, Vec<u8>)> = keys
        .iter()
        .flat_map(|(area, k)| {
            k.names
                .iter()
                .chain([&k.content])
                .flat_map(|key| [key.to_vec(), B64.encode(key).into_bytes()])
                .map(move |n| (area.as_str(), n))
        })
        .collect();
    let mut found = Vec::new();
    for path in manifest.files.keys() {
        let Ok(data) = std::fs::read(site.join(path)) else {
            continue;
        };
        if let Some((area, _)) = needles
            .iter()
            .find(|(_, n)| memchr::memmem::find(&data, n).is_some())
        {
            found.push(format!("une clé de l'espace « {area} » se trouve en clair dans « {path} » : le site ne doit jamais contenir de clé"));
        }
    }
    found
}

/// The keys of a submission.
pub fn parse_keys(bytes: &[u8]) -> Result<BTreeMap<String, AreaKeys>, String> {
    let file: KeyFile =
        serde_json::from_slice(bytes).map_err(|e| format!("« cles.json » est illisible ({e})"))?;
    let decode = |area: &str, k: &str| -> Result<Key, String> {
        B64.decode(k.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                format!(
                    "la clé de l'espace « {} » dans « cles.json » est illisible",
                    area.escape_debug()
                )
            })
    };
    file.content
        .iter()
        .map(|(area, k)| {
            let names = match file.names.get(area) {
                Some(n) => Some(decode(area, n)?),
                None => None,
            };
            Ok((
                area.clone(),
                AreaKeys {
                    content: decode(area, k)?,
                    names,
                },
            ))
        })
        .collect()
}

/// Opens every area of `site` with `keys`; every problem, in French,
/// names the blob or the area.
pub fn open_all(
    site: &Path,
    manifest: &Manifest,
    keys: &BTreeMap<String, AreaKeys>,
) -> Result<Opened, Vec<String>> {
    let (opened, problems) = open_lenient(site, manifest, keys);
    if problems.is_empty() {
        Ok(opened)
    } else {
        Err(problems)
    }
}

/// As [`open_all`], giving what opened along with the problems (for an
/// earlier version, read only to show what changed).
pub fn open_lenient(
    site: &Path,
    manifest: &Manifest,
    keys: &BTreeMap<String, AreaKeys>,
) -> (Opened, Vec<String>) {
    let mut problems = Vec::new();
    let mut read: BTreeSet<String> = BTreeSet::new();
    let mut opened = Opened::default();
    let areas: Vec<AreaRef> = match std::fs::read(site.join("acces/espaces.json")) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(a) => a,
            Err(e) => {
                return (
                    Opened::default(),
                    vec![format!("« acces/espaces.json » est illisible ({e})")],
                )
            }
        },
        Err(_) => Vec::new(),
    };
    let label = |path: &str| manifest.files.get(path).and_then(|e| e.scope.clone());
    let mut open = |area: &str,
                    path: &str,
                    id: &str,
                    kind: &str,
                    problems: &mut Vec<String>|
     -> Option<Vec<u8>> {
        let Some(key) = keys.get(area) else {
            problems.push(format!("la soumission ne donne pas la clé de l'espace « {area} » : « {path} » ne peut pas être lu"));
            return None;
        };
        if !id.starts_with(&format!("{area}/{kind}")) {
            problems.push(format!("« {path} » est annoncé sous l'identifiant « {} », qui n'est pas celui d'un élément de l'espace « {area} »", id.escape_debug()));
            return None;
        }
        if !is_blob(path) || !manifest.files.contains_key(path) {
            problems.push(format!(
                "« {} » (espace « {area} ») n'est pas un fichier chiffré du manifeste",
                path.escape_debug()
            ));
            return None;
        }
        if manifest.version_format >= 2 && label(path).as_deref() != Some(area) {
            problems.push(format!("« {path} » appartient à l'espace « {area} » mais le manifeste lui donne la portée « {} »", label(path).unwrap_or_default()));
        }
        match std::fs::read(site.join(path))
            .ok()
            .and_then(|b| crypto::open(&key.content, id, &b).ok())
        {
            Some(plain) => {
                read.insert(path.to_string());
                Some(plain)
            }
            None => {
                problems.push(format!("« {path} » ne se déchiffre pas avec la clé de l'espace « {area} » sous son identifiant : il a été remplacé ou abîmé"));
                None
            }
        }
    };
    for a in &areas {
        if a.index_id != format!("{}/index", a.area) {
            problems.push(format!(
                "l'index de l'espace « {} » est annoncé sous un autre identifiant",
                a.area.escape_debug()
            ));
            continue;
        }
        let index_path = site_path(&a.index);
        let Some(plain) = open(&a.area, &index_path, &a.index_id, "index", &mut problems) else {
            continue;
        };
        let index: Index = match serde_json::from_slice(&plain) {
            Ok(i) => i,
            Err(e) => {
                problems.push(format!(
                    "l'index de l'espace « {} » est illisible ({e})",
                    a.area
                ));
                continue;
            }
        };
        let mut area = Area::default();
        if let Some(r) = &index.search {
            open(
                &a.area,
                &site_path(&r.blob),
                &r.id,
                "fichier/",
                &mut problems,
            );
        }
        for (route, entry) in &index.pages {
            let blob = site_path(&entry.blob);
            let Some(plain) = open(&a.area, &blob, &entry.id, "page/", &mut problems) else {
                continue;
            };
            let Ok(item) = serde_json::from_slice::<PageItem>(&plain) else {
                problems.push(format!("« {blob} » n'est pas une page lisible"));
                continue;
            };
            for (url, id, space) in sealed_refs(&item.html) {
                let path = site_path(&url);
                if area.files.contains_key(&path) {
                    continue;
                }
                let space = if space.is_empty() {
                    a.area.clone()
                } else {
                    space
                };
                if let Some(bytes) = open(&space, &path, &id, "fichier/", &mut problems) {
                    let name = id.rsplit('/').next().unwrap_or("fichier").to_string();
                    area.files.insert(path, (name, bytes));
                    area.ids.insert(id.clone());
                }
            }
            area.pages.push(Page {
                route: route.clone(),
                title: item.title,
                html: item.html,
                blob,
            });
        }
        opened.areas.insert(a.area.clone(), area);
    }
    // Items no page points to but that families' pages stand for: the
    // other widths of a photo (a page shows one), the class's iCalendar
    // feed. Their ids follow from the items read; each is opened under
    // its id like any other.
    let mut candidates: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for space in opened.areas.keys() {
        let ids = candidates.entry(space.clone()).or_default();
        if let Some(class) = space.strip_prefix("classe:") {
            ids.insert(format!("{space}/fichier/classes/{class}/devoirs.ics"));
        }
    }
    for (space, area) in &opened.areas {
        for id in area.ids.iter() {
            let Some((stem, ext)) = id.rsplit_once('.') else {
                continue;
            };
            let Some((base, width)) = stem.rsplit_once('-') else {
                continue;
            };
            if width.is_empty() || !width.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            // A photo's widths: the usual ones, and its own when smaller.
            for w in 1..=crate::images::WIDTHS[crate::images::WIDTHS.len() - 1] {
                candidates
                    .entry(space.clone())
                    .or_default()
                    .insert(format!("{base}-{w}.{ext}"));
            }
        }
    }
    let unread: BTreeSet<String> = manifest
        .files
        .keys()
        .filter(|p| is_blob(p) && !read.contains(*p))
        .cloned()
        .collect();
    if !unread.is_empty() {
        for (space, ids) in &candidates {
            let Some(key) = keys.get(space) else { continue };
            let Some(names) = key.names else { continue };
            for id in ids {
                let name = crypto::opaque_name(&names, id);
                let path = format!(
                    "{}/{}/{}.bin",
                    crate::layout::BLOB_DIR,
                    &name[..2],
                    &name[2..]
                );
                if !unread.contains(&path) || read.contains(&path) {
                    continue;
                }
                if label(&path).as_deref() != Some(space.as_str()) {
                    continue;
                }
                match std::fs::read(site.join(&path)).ok().and_then(|b| crypto::open(&key.content, id, &b).ok()) {
                    Some(plain) => {
                        let file = id.rsplit('/').next().unwrap_or("fichier").to_string();
                        if let Some(area) = opened.areas.get_mut(space) {
                            area.extra.insert(path.clone(), (file, plain));
                        }
                        read.insert(path);
                    }
                    None => problems.push(format!("« {path} » ne se déchiffre pas avec la clé de l'espace « {space} » sous son identifiant : il a été remplacé ou abîmé")),
                }
            }
        }
    }
    for (path, entry) in &manifest.files {
        if is_blob(path) && !read.contains(path) {
            problems.push(format!(
                "« {path} »{} n'est lu par aucun espace : il n'apparaîtrait pas dans le rapport, la soumission est refusée",
                entry.scope.as_deref().filter(|p| *p != scope::IEN).map(|p| format!(" (portée « {p} »)")).unwrap_or_default()
            ));
        }
    }
    (opened, problems)
}

/// `(url, id, area)` of every `data-chiffre-src` / `data-chiffre-href` of a page.
pub fn sealed_refs(html: &str) -> Vec<(String, String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].replace("&amp;", "&"))
    };
    let mut out = Vec::new();
    for (i, _) in html.match_indices("data-chiffre-") {
        // The whole tag around the attribute.
        let open = html[..i].rfind('<').unwrap_or(0);
        let close = html[i..].find('>').map(|e| i + e).unwrap_or(html.len());
        let tag = &html[open..close];
        let url = attr(tag, "data-chiffre-src").or_else(|| attr(tag, "data-chiffre-href"));
        if let (Some(url), Some(id)) = (url, attr(tag, "data-chiffre-id")) {
            let space = attr(tag, "data-espace").unwrap_or_default();
            if !out
                .iter()
                .any(|(u, _, _): &(String, String, String)| *u == url)
            {
                out.push((url, id, space));
            }
        }
    }
    out
}
