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

/// Seals every restricted file of `output`; `shells` are the rendered
/// public shells of each area (site path → HTML), made by the caller with
/// the theme. Fails when a restricted audience has no keys.
///
/// `previous` holds the blobs of the output being replaced, by what they
/// were sealed from (see [`crate::output::cache`]): a file sealed from the
/// same plaintext with the same keys is not sealed again but kept. The
/// blobs of this output come back with it, for the next build.
pub fn seal(
    mut output: Output,
    school: &School,
    secrets: &Secrets,
    shells: &BTreeMap<Audience, Vec<u8>>,
    previous: &HashMap<u64, SealRecord>,
) -> Result<(Output, HashMap<u64, SealRecord>)> {
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

    // 2. Rewrite references in every HTML file (public pages too: a public
    //    page may link to a restricted one) and seal restricted files, in
    //    parallel: each file is independent.
    let pages = std::mem::take(&mut output.pages);
    let pieces: Vec<Result<Piece>> = output
        .files
        .into_par_iter()
        .map(|(path, file)| {
            let page = pages.get(&path);
            seal_one(path, file, page, base, &sealed, secrets, previous)
        })
        .collect();
    let mut out = Output::default();
    let mut seals = HashMap::new();
    let kept = pieces
        .iter()
        .filter(|p| {
            matches!(
                p,
                Ok(Piece::Sealed {
                    data: Data::Previous { .. },
                    ..
                })
            )
        })
        .count();
    let total = pieces
        .iter()
        .filter(|p| matches!(p, Ok(Piece::Sealed { .. })))
        .count();
    log::info!(
        "fichiers réservés : {} chiffré(s), {kept} repris du site précédent",
        total - kept
    );
    let mut indexes: BTreeMap<Audience, Index> = BTreeMap::new();
    for piece in pieces {
        match piece? {
            Piece::Kept(path, file) => {
                out.files.insert(path, file);
            }
            Piece::Sealed {
                blob,
                data,
                page,
                search,
                origin,
                seal,
            } => {
                seals.insert(seal.0, seal.1);
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
    Ok((out, seals))
}

/// A file of the site after sealing.
enum Piece {
    /// A public file, references rewritten.
    Kept(String, crate::output::OutputFile),
    /// A restricted file, now a blob; pages also give their index entry.
    Sealed {
        blob: String,
        /// The blob's bytes, or the same blob in the previous output.
        data: Data,
        page: Option<(Audience, String, IndexEntry)>,
        search: Option<(Audience, IndexEntry)>,
        origin: crate::output::Origin,
        /// What it was sealed from, for the next build.
        seal: (u64, SealRecord),
    },
}

fn seal_one(
    path: String,
    file: crate::output::OutputFile,
    page: Option<&crate::output::RenderedPage>,
    base: &str,
    sealed: &HashMap<String, Sealed>,
    secrets: &Secrets,
    previous: &HashMap<u64, SealRecord>,
) -> Result<Piece> {
    let Some(target) = sealed.get(&path) else {
        let data = match file.data {
            Data::Bytes(bytes) if path.ends_with(".html") => Data::Bytes(std::sync::Arc::new(
                rewrite_references(&String::from_utf8_lossy(&bytes), base, sealed, true)
                    .into_bytes(),
            )),
            other => other,
        };
        return Ok(Piece::Kept(
            path,
            crate::output::OutputFile {
                audience: file.audience,
                data,
            },
        ));
    };
    let key = secrets
        .content_key(&target.audience)
        .expect("checked by the caller");
    let nonce_key = secrets
        .nonce_key(&target.audience)
        .expect("checked by the caller");
    let bytes = match file.data {
        Data::Bytes(b) => std::sync::Arc::unwrap_or_clone(b),
        Data::Copy(p) => std::fs::read(&p)
            .map_err(|e| anyhow::anyhow!("lecture de « {} » : {e}", p.display()))?,
        Data::Previous { .. } => bail!("« {path} » : fichier du site précédent à chiffrer"),
    };
    let (plaintext, compress, page) = match &target.route {
        Some(route) => {
            let html = String::from_utf8_lossy(&bytes);
            // The render step says where the title and the main content
            // are; a page it did not make is read once here.
            let facts = match page {
                Some(facts) if html.get(facts.main.clone()).is_some() => facts.clone(),
                _ => crate::render::page_facts(&html),
            };
            let main = html.get(facts.main.clone()).unwrap_or(&html);
            let item = PageItem {
                title: &facts.title,
                html: rewrite_references(main, base, sealed, false),
            };
            let entry = IndexEntry {
                blob: format!("{base}{}", target.blob),
                id: target.id.clone(),
            };
            (
                serde_json::to_vec(&item).expect("page item serializes"),
                true,
                Some((target.audience.clone(), route.clone(), entry)),
            )
        }
        None => (bytes, !is_compressed(&path), None),
    };
    let search = crate::layout::is_search_index(&path).then(|| {
        (
            target.audience.clone(),
            IndexEntry {
                blob: format!("{base}{}", target.blob),
                id: target.id.clone(),
            },
        )
    });
    let seal_key = cache::seal_key(&target.id, compress, &plaintext, &[&key, &nonce_key]);
    let (name, data, record) = match previous.get(&seal_key) {
        // Sealed from the same plaintext with the same keys: the same blob.
        Some(record) => (
            record.blob.clone(),
            Data::Previous {
                size: record.size,
                content: record.content,
            },
            record.clone(),
        ),
        None => {
            let blob = crypto::seal(&key, &nonce_key, &target.id, &plaintext, compress);
            // Pages and search indexes are reached only through their
            // area's index: they are named by their content, so that while a
            // deploy runs, the index still online keeps finding its own
            // version of them.
            let name = if page.is_some() || search.is_some() {
                let versioned = format!("{}#{}", target.id, crate::hash::sha256_hex(&blob));
                blob_path(&crypto::opaque_name(&nonce_key, &versioned))
            } else {
                target.blob.clone()
            };
            let record = SealRecord {
                blob: name.clone(),
                content: cache::bytes_print(&blob),
                size: blob.len() as u64,
            };
            (name, Data::Bytes(std::sync::Arc::new(blob)), record)
        }
    };
    let (mut page, mut search) = (page, search);
    for entry in page
        .iter_mut()
        .map(|p| &mut p.2)
        .chain(search.iter_mut().map(|s| &mut s.1))
    {
        entry.blob = format!("{base}{name}");
    }
    Ok(Piece::Sealed {
        blob: name,
        data,
        page,
        search,
        origin: crate::output::Origin {
            source: Some(path),
            audience: target.audience.clone(),
        },
        seal: (seal_key, record),
    })
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
            // A blob kept from the previous build: ciphertext, the same bytes
            // as when that build looked at them.
            Data::Previous { .. } => continue,
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
