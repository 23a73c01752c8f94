//! Photos and documents added from the atelier: stored beside the document
//! that uses them, under a safe name, if the build would accept them.

use std::path::Path;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

/// Largest file accepted (a phone's photo is 2 to 12 Mo).
pub const MAX_UPLOAD_BYTES: usize = 40 * 1024 * 1024;

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// Its path relative to the school folder.
    pub path: String,
    /// How the document names it (relative to the document's folder):
    /// what goes in `galerie`'s `photo` or in a markdown link.
    pub link: String,
}

/// Stores `bytes` (a file the teacher picked, named `original_name`) for
/// the document `doc_rel`.
pub fn store_upload(
    school: &Path,
    doc_rel: &str,
    original_name: &str,
    bytes: &[u8],
) -> Result<Stored> {
    let _ = (school, doc_rel, original_name, bytes);
    bail!("pas encore disponible")
}
