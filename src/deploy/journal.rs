//! The school's record of each target, in `.preau/publication/`: what it
//! put online (hash, size, MD5 and the server's time, to check a web space
//! that gives no hashes), and, while a deploy runs, what it is sending and
//! what it must remove — so that the next run finishes an interrupted one
//! instead of trusting the (unsigned) manifest online.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::access::secrets::{write_private, SECRETS_DIR};
use crate::manifest::{sha256_hex, FileEntry};

/// A file as the school put it online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// Bytes.
    #[serde(rename = "taille")]
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// MD5, hex (what S3 gives as ETag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// The server's modification time after sending, when it gives no hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl Recorded {
    /// A manifest entry, with nothing more known.
    pub fn of(entry: &FileEntry) -> Recorded {
        Recorded {
            size: entry.size,
            sha256: entry.sha256.clone(),
            md5: None,
            date: None,
        }
    }
}

/// `.preau/publication/<target>.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Journal {
    /// The target, as messages name it.
    #[serde(default, rename = "cible")]
    pub target: String,
    /// The version the last complete deploy put online.
    #[serde(default)]
    pub version: Option<u64>,
    /// What is online after the last complete deploy.
    #[serde(default, rename = "en_ligne")]
    pub online: BTreeMap<String, Recorded>,
    /// Files a deploy started to send and did not finish (empty after a
    /// complete run).
    #[serde(default, rename = "envoi_en_cours")]
    pub sending: Vec<String>,
    /// Files a deploy must remove once its manifest is online (empty after
    /// a complete run).
    #[serde(default, rename = "a_retirer")]
    pub to_remove: Vec<String>,
}

fn path(school: &Path, key: &str) -> PathBuf {
    school
        .join(SECRETS_DIR)
        .join("publication")
        .join(format!("{}.json", &sha256_hex(key.as_bytes())[..16]))
}

impl Journal {
    /// The record of target `key` (empty when there is none yet).
    pub fn load(school: &Path, key: &str) -> Result<Journal> {
        let file = path(school, key);
        match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("« {} » est illisible", file.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Journal {
                target: key.to_string(),
                ..Journal::default()
            }),
            Err(e) => Err(e).with_context(|| format!("lecture de « {} »", file.display())),
        }
    }

    /// Writes the record (mode 0600, like everything in `.preau/`).
    pub fn save(&self, school: &Path, key: &str) -> Result<()> {
        let file = path(school, key);
        std::fs::create_dir_all(file.parent().expect("has a parent"))
            .with_context(|| format!("création de « {} »", file.display()))?;
        let mut record = self.clone();
        record.target = key.to_string();
        // Written aside then renamed: a deploy killed here leaves the old
        // record or the new one, never half of one.
        let tmp = file.with_extension("json.tmp");
        write_private(
            &tmp,
            &serde_json::to_vec_pretty(&record).expect("journal serializes"),
        )?;
        std::fs::rename(&tmp, &file).with_context(|| format!("écriture de « {} »", file.display()))
    }
}
