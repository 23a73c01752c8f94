//! Turning the rendered site into its published form: every file of a
//! restricted audience is sealed into an opaque blob under `acces/`, each
//! audience gets an encrypted index (its page list and routes), and the
//! public page at the area's address becomes a shell that asks for the code.
//!
//! Nothing of a restricted page survives in clear: not its title, its path,
//! its file names. Links that pointed to restricted pages or files are
//! rewritten to routes of the area (`classes/cm1/#/blog/sortie/`) or to
//! `data-chiffre` attributes the browser decrypts (`references`).

mod references;

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Result};
use rayon::prelude::*;
use serde::Serialize;

use super::crypto;
use super::secrets::Secrets;
use crate::config::{Audience, School};
use crate::output::cache::{self, SealRecord};
use crate::output::{Data, Output};

pub use crate::layout::{area_path, BLOB_DIR};
use references::rewrite_references;

/// Where a restricted file went.
#[derive(Debug, Clone)]
struct Sealed {
    audience: Audience,
    /// Item id, the associated data of its blob.
    id: String,
    /// Site path of its blob.
    blob: String,
    /// For pages: the route inside its area.
    route: Option<String>,
}

/// One entry of an area's index.
#[derive(Debug, Serialize)]
struct IndexEntry {
    blob: String,
    id: String,
}

/// An area's encrypted index.
#[derive(Debug, Serialize)]
struct Index {
    version: u32,
    #[serde(rename = "espace")]
    area: String,
    pages: BTreeMap<String, IndexEntry>,
    /// The area's search index (MiniSearch), when it has pages.
    #[serde(skip_serializing_if = "Option::is_none", rename = "recherche")]
    search: Option<IndexEntry>,
}

/// A restricted page, as sealed: what the browser puts in the shell.
#[derive(Debug, Serialize)]
struct PageItem<'a> {
    #[serde(rename = "titre")]
    title: &'a str,
    html: String,
}

/// What sealing ends with.
pub enum Sealing {
    /// The published site, and what each sealed blob and rewritten page
    /// was made from, for the next build (see [`crate::output::cache`]).
    Done(Output, HashMap<u64, SealRecord>),
    /// A page not rendered again ([`Data::Unchanged`]) has no record of
    /// what it became (the set of restricted files changed, or its blob is
    /// gone from the previous output): render every page, then seal again.
    NeedsEveryPage,
}

/// Seals every restricted file of `output`; `shells` are the rendered
/// public shells of each area (site path → HTML), made by the caller with
/// the theme. Fails when a restricted audience has no keys.
///
/// `previous` says what the files of the output being replaced were made
/// from (see [`crate::output::cache`]): a file sealed from the same
/// plaintext with the same keys is not sealed again but kept, and so is a
/// page not rendered again whose data and surroundings did not change.
pub fn seal(
    mut output: Output,
    school: &School,
    secrets: &Secrets,
    shells: &BTreeMap<Audience, Vec<u8>>,
    previous: &HashMap<u64, SealRecord>,
) -> Result<Sealing> {
    let base = school.base_path.as_str();
    // 1. Decide where every restricted file goes.
    let mut sealed: HashMap<String, Sealed> = HashMap::new();
    for (path, file) in &output.files {
        if file.audience.is_public() {
            continue;
        }
        let Some(nonce_key) = secrets.nonce_key(&file.audience) else {
            bail!(
                "l'espace « {} » n'a pas encore de clés\n  conseil : lancez « preau access generer » pour créer les codes qui manquent",
                file.audience
            );
        };
        let (id, route) = if path.ends_with(".html") {
            let page = crate::layout::address_of(path);
            let area = area_path(&file.audience);
            let route = page.strip_prefix(area.as_str()).unwrap_or(page).to_string();
            (format!("{}/page/{route}", file.audience), Some(route))
        } else {
            (format!("{}/fichier/{path}", file.audience), None)
        };
        let blob = blob_path(&crypto::opaque_name(&nonce_key, &id));
        sealed.insert(
            path.clone(),
            Sealed {
                audience: file.audience.clone(),
                id,
                blob,
                route,
            },
        );
    }
    let plan = Plan {
        base,
        map_print: map_print(base, &sealed),
        sealed: &sealed,
        secrets,
        previous,
    };

    // 2. Rewrite references in every HTML file (public pages too: a public
    //    page may link to a restricted one) and seal restricted files, in
    //    parallel: each file is independent.
    let pages = std::mem::take(&mut output.pages);
    let pieces: Vec<Result<Option<Piece>>> = output
        .files
        .into_par_iter()
        .map(|(path, file)| {
            let page = pages.get(&path);
            seal_one(path, file, page, &plan)
        })
        .collect();
    let Some(pieces) = pieces.into_iter().collect::<Result<Option<Vec<Piece>>>>()? else {
        return Ok(Sealing::NeedsEveryPage);
    };
    let mut out = Output::default();
    let mut seals = HashMap::new();
    let kept = pieces
        .iter()
        .filter(|p| {
            matches!(
                p,
                Piece::Sealed {
                    data: Data::Previous { .. },
                    ..
                }
            )
        })
        .count();
    let total = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Sealed { .. }))
        .count();
    log::info!(
        "fichiers réservés : {} chiffré(s), {kept} repris du site précédent",
        total - kept
    );
    let mut indexes: BTreeMap<Audience, Index> = BTreeMap::new();
    for piece in pieces {
        match piece {
            Piece::Kept(path, file, made) => {
                seals.extend(made);
                out.files.insert(path, file);
            }
            Piece::Sealed {
                blob,
                data,
                page,
                search,
                origin,
                made,
            } => {
                seals.extend(made);
                out.origins.insert(blob.clone(), origin);
                let new_index = |audience: &Audience| Index {
                    version: 1,
                    area: audience.id(),
                    pages: BTreeMap::new(),
                    search: None,
                };
                if let Some((audience, route, entry)) = page {
                    out.sealed_pages += 1;
                    indexes
                        .entry(audience.clone())
                        .or_insert_with(|| new_index(&audience))
                        .pages
                        .insert(route, entry);
                }
                if let Some((audience, entry)) = search {
                    indexes
                        .entry(audience.clone())
                        .or_insert_with(|| new_index(&audience))
                        .search = Some(entry);
                }
                out.files.insert(
                    blob,
                    crate::output::OutputFile {
                        audience: Audience::Public,
                        data,
                    },
                );
            }
        }
    }

    // 3. Each area: its sealed index and its public shell.
    for (audience, index) in &indexes {
        let key = secrets.content_key(audience).expect("checked above");
        let nonce_key = secrets.nonce_key(audience).expect("checked above");
        let id = index_id(audience);
        let name = blob_path(&crypto::opaque_name(&nonce_key, &id));
        let opens = |path: &str| {
            (
                path.to_string(),
                crate::output::Origin {
                    source: None,
                    audience: audience.clone(),
                },
            )
        };
        out.origins.extend([
            opens(&name),
            opens(&crate::layout::index_file(&area_path(audience))),
        ]);
        out.add(
            name,
            Audience::Public,
            crypto::seal(
                &key,
                &nonce_key,
                &id,
                &serde_json::to_vec(index).expect("index serializes"),
                true,
            ),
        );
        let shell = shells.get(audience).cloned().unwrap_or_default();
        out.add(
            crate::layout::index_file(&area_path(audience)),
            Audience::Public,
            shell,
        );
    }
    out.add(
        crate::layout::KEY_RING,
        Audience::Public,
        serde_json::to_vec_pretty(&secrets.ring).expect("ring serializes"),
    );
    // Where each area's index is, for the search page (the shells say it too).
    let areas: Vec<serde_json::Value> = indexes
        .keys()
        .filter_map(|a| Some(serde_json::json!({"espace": a.id(), "index": format!("{base}{}", index_blob(a, secrets)?), "index_id": index_id(a)})))
        .collect();
    out.add(
        crate::layout::AREAS_LIST,
        Audience::Public,
        serde_json::to_vec(&areas).expect("areas serialize"),
    );
    Ok(Sealing::Done(out, seals))
}

/// What every file's sealing shares.
struct Plan<'a> {
    base: &'a str,
    /// Where every restricted file goes.
    sealed: &'a HashMap<String, Sealed>,
    /// Fingerprint of `sealed` and `base`: what a rewritten page depends
    /// on besides its own HTML.
    map_print: u64,
    secrets: &'a Secrets,
    /// What the previous build made, by [`made_key`] or [`cache::seal_key`].
    previous: &'a HashMap<u64, SealRecord>,
}

/// Fingerprint of where every restricted file goes (sorted: the map's
/// order is random).
fn map_print(base: &str, sealed: &HashMap<String, Sealed>) -> u64 {
    let mut all: Vec<(&String, &Sealed)> = sealed.iter().collect();
    all.sort_unstable_by_key(|(path, _)| *path);
    let parts: Vec<&[u8]> = std::iter::once(base.as_bytes())
        .chain(
            all.iter()
                .flat_map(|(path, s)| [path.as_bytes(), s.id.as_bytes(), s.blob.as_bytes()]),
        )
        .collect();
    cache::fingerprint(&parts)
}

/// The key of what a rendered page became, from the fingerprint of its
/// data rather than its bytes (a page not rendered again has none).
fn made_key(plan: &Plan, path: &str, print: u64, keys: &[&[u8]]) -> u64 {
    let (print, map) = (print.to_le_bytes(), plan.map_print.to_le_bytes());
    let head: [&[u8]; 4] = [b"page", path.as_bytes(), &print, &map];
    cache::fingerprint(&[&head[..], keys].concat())
}

/// A file of the site after sealing.
enum Piece {
    /// A public file, references rewritten; for a rendered page, what it
    /// was made from, for the next build.
    Kept(String, crate::output::OutputFile, Option<(u64, SealRecord)>),
    /// A restricted file, now a blob; pages also give their index entry.
    Sealed {
        blob: String,
        /// The blob's bytes, or the same blob in the previous output.
        data: Data,
        page: Option<(Audience, String, IndexEntry)>,
        search: Option<(Audience, IndexEntry)>,
        origin: crate::output::Origin,
        /// What it was sealed from, for the next build.
        made: Vec<(u64, SealRecord)>,
    },
}

/// The previous build's file as this one's.
fn previous_data(record: &SealRecord) -> Data {
    Data::Previous {
        size: record.size,
        content: record.content,
    }
}

/// Seals or rewrites one file; `None` when it is a page not rendered again
/// that the previous build has no record of.
fn seal_one(
    path: String,
    file: crate::output::OutputFile,
    page: Option<&crate::output::RenderedPage>,
    plan: &Plan,
) -> Result<Option<Piece>> {
    let print = page.map_or(0, |p| p.print);
    let Some(target) = plan.sealed.get(&path) else {
        return Ok(public_piece(path, file, print, plan));
    };
    let secrets = plan.secrets;
    let key = secrets
        .content_key(&target.audience)
        .expect("checked by the caller");
    let nonce_key = secrets
        .nonce_key(&target.audience)
        .expect("checked by the caller");
    let page_key = made_key(plan, &target.id, print, &[&key, &nonce_key]);
    let origin = crate::output::Origin {
        source: Some(path.clone()),
        audience: target.audience.clone(),
    };
    let piece = |data, record, seal_key| {
        sealed_piece(
            target,
            data,
            record,
            (seal_key, page_key, print),
            origin,
            plan.base,
        )
    };
    let bytes = match file.data {
        Data::Unchanged => {
            let Some(record) = plan.previous.get(&page_key).filter(|_| print != 0) else {
                return Ok(None);
            };
            return Ok(Some(piece(previous_data(record), record.clone(), page_key)));
        }
        Data::Bytes(b) => std::sync::Arc::unwrap_or_clone(b),
        Data::Copy(p) => std::fs::read(&p)
            .map_err(|e| anyhow::anyhow!("lecture de « {} » : {e}", p.display()))?,
        Data::Previous { .. } => bail!("« {path} » : fichier du site précédent à chiffrer"),
    };
    let (plaintext, compress) = plaintext(&path, bytes, target, page, plan);
    let seal_key = cache::seal_key(&target.id, compress, &plaintext, &[&key, &nonce_key]);
    if let Some(record) = plan.previous.get(&seal_key) {
        // Sealed from the same plaintext with the same keys: the same blob.
        return Ok(Some(piece(previous_data(record), record.clone(), seal_key)));
    }
    let blob = crypto::seal(&key, &nonce_key, &target.id, &plaintext, compress);
    // Pages and search indexes are reached only through their area's index:
    // they are named by their content, so that while a deploy runs, the
    // index still online keeps finding its own version of them.
    let name = if target.route.is_some() || crate::layout::is_search_index(&path) {
        let versioned = format!("{}#{}", target.id, crate::hash::sha256_hex(&blob));
        blob_path(&crypto::opaque_name(&nonce_key, &versioned))
    } else {
        target.blob.clone()
    };
    let record = SealRecord {
        blob: name,
        content: cache::bytes_print(&blob),
        size: blob.len() as u64,
    };
    Ok(Some(piece(
        Data::Bytes(std::sync::Arc::new(blob)),
        record,
        seal_key,
    )))
}

/// A public file: an HTML page with its references rewritten (or, not
/// rendered again, the previous build's), anything else as it is; `None`
/// for a page not rendered again that the previous build has no record of.
fn public_piece(
    path: String,
    file: crate::output::OutputFile,
    print: u64,
    plan: &Plan,
) -> Option<Piece> {
    let key = made_key(plan, &path, print, &[]);
    let (data, made) = match file.data {
        Data::Unchanged => {
            let record = plan.previous.get(&key).filter(|r| r.blob == path)?;
            (previous_data(record), Some((key, record.clone())))
        }
        Data::Bytes(bytes) if path.ends_with(".html") => {
            let html = String::from_utf8_lossy(&bytes);
            let html = rewrite_references(&html, plan.base, plan.sealed, true).into_bytes();
            let made = (print != 0).then(|| {
                let record = SealRecord {
                    blob: path.clone(),
                    content: cache::bytes_print(&html),
                    size: html.len() as u64,
                };
                (key, record)
            });
            (Data::Bytes(std::sync::Arc::new(html)), made)
        }
        other => (other, None),
    };
    let file = crate::output::OutputFile {
        audience: file.audience,
        data,
    };
    Some(Piece::Kept(path, file, made))
}

/// What is sealed of a restricted file, and whether to compress it: a
/// page's title and main content (references rewritten), as JSON; any
/// other file's bytes.
fn plaintext(
    path: &str,
    bytes: Vec<u8>,
    target: &Sealed,
    page: Option<&crate::output::RenderedPage>,
    plan: &Plan,
) -> (Vec<u8>, bool) {
    if target.route.is_none() {
        let compress = !is_compressed(path);
        return (bytes, compress);
    }
    let html = String::from_utf8_lossy(&bytes);
    // The render step says where the title and the main content are; a
    // page it did not make is read once here.
    let facts = match page {
        Some(facts) if html.get(facts.main.clone()).is_some() => facts.clone(),
        _ => crate::render::page_facts(&html),
    };
    let main = html.get(facts.main.clone()).unwrap_or(&html);
    let item = PageItem {
        title: &facts.title,
        html: rewrite_references(main, plan.base, plan.sealed, false),
    };
    let json = serde_json::to_vec(&item).expect("page item serializes");
    (json, true)
}

/// A restricted file's piece: its blob, its entry in its area's index,
/// and the keys it is recorded under for the next build (its plaintext's,
/// and for a rendered page its data's).
fn sealed_piece(
    target: &Sealed,
    data: Data,
    record: SealRecord,
    (seal_key, page_key, print): (u64, u64, u64),
    origin: crate::output::Origin,
    base: &str,
) -> Piece {
    let entry = || IndexEntry {
        blob: format!("{base}{}", record.blob),
        id: target.id.clone(),
    };
    let page = target
        .route
        .as_ref()
        .map(|route| (target.audience.clone(), route.clone(), entry()));
    let search = crate::layout::is_search_index(origin.source.as_deref().unwrap_or(""))
        .then(|| (target.audience.clone(), entry()));
    let mut made = vec![(seal_key, record.clone())];
    if print != 0 {
        made.push((page_key, record.clone()));
    }
    Piece::Sealed {
        blob: record.blob,
        data,
        page,
        search,
        origin,
        made,
    }
}

pub use crate::layout::index_id;

use crate::layout::blob as blob_path;

/// Site path of an area's index blob.
pub fn index_blob(audience: &Audience, secrets: &Secrets) -> Option<String> {
    let nonce_key = secrets.nonce_key(audience)?;
    Some(blob_path(&crypto::opaque_name(
        &nonce_key,
        &index_id(audience),
    )))
}

fn is_compressed(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "jpg" | "jpeg" | "png" | "webp" | "avif" | "gif" | "zip" | "woff2" | "mp3" | "mp4"
    )
}

/// Fails when any secret of `secrets` appears in any file of `output`.
pub fn assert_no_secret(output: &Output, secrets: &Secrets) -> Result<()> {
    let needles: Vec<String> = secrets
        .needles()
        .into_iter()
        .filter(|n| n.len() >= 12)
        .collect();
    let finders: Vec<memchr::memmem::Finder> = needles
        .iter()
        .map(|n| memchr::memmem::Finder::new(n.as_bytes()))
        .collect();
    for (path, file) in &output.files {
        let bytes = match &file.data {
            Data::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
            Data::Copy(p) => std::borrow::Cow::Owned(std::fs::read(p).unwrap_or_default()),
            // Kept from the previous build: the same bytes as when that
            // build looked at them (sealed files: ciphertext).
            Data::Previous { .. } | Data::Unchanged => continue,
        };
        let bytes = crate::output::readable(&bytes);
        if finders.iter().any(|f| f.find(&bytes).is_some()) {
            bail!(
                "un secret (code d'accès ou clé) se trouve dans « {path} » : la construction est arrêtée pour ne pas le publier\n  conseil : retirez le code de ce fichier, puis changez-le avec « preau access renouveler »"
            );
        }
    }
    Ok(())
}
