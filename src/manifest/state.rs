//! What the directeur's machine remembers between submissions, in
//! `.preau/`: the last submitted and last approved versions, and the text
//! of every submitted version (to show the IEN what changed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::access::secrets::{write_private, SECRETS_DIR};
use crate::content::{Content, Kind};

/// `.preau/etat.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// The last version submitted.
    #[serde(default, rename = "derniere_soumise")]
    pub last_submitted: u64,
    /// The last version known to be approved.
    #[serde(default, rename = "approuvee")]
    pub approved: Option<Approved>,
}

/// An approved version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Approved {
    /// Its version number.
    pub version: u64,
    /// SHA-256 of its manifest.
    #[serde(rename = "manifeste_sha256")]
    pub manifest_sha256: String,
}

impl State {
    fn path(root: &Path) -> PathBuf {
        root.join(SECRETS_DIR).join("etat.json")
    }

    /// Reads the state (empty when there is none).
    pub fn load(root: &Path) -> Result<State> {
        match std::fs::read(State::path(root)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("« {} » est illisible", State::path(root).display())),
            Err(_) => Ok(State::default()),
        }
    }

    /// Writes the state.
    pub fn save(&self, root: &Path) -> Result<()> {
        std::fs::create_dir_all(root.join(SECRETS_DIR))?;
        write_private(
            &State::path(root),
            &serde_json::to_vec_pretty(self).expect("state serializes"),
        )
    }
}

/// The text of one page, as the IEN reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageText {
    /// Title.
    #[serde(rename = "titre")]
    pub title: String,
    /// Who may read it.
    #[serde(rename = "acces")]
    pub audience: String,
    /// Its kind, in French.
    #[serde(rename = "genre")]
    pub kind: String,
    /// Markdown source, homework included.
    #[serde(rename = "texte")]
    pub text: String,
}

/// Every page of a version, by source path.
pub type Snapshot = BTreeMap<String, PageText>;

/// The text of every page of the site.
pub fn snapshot(content: &Content) -> Snapshot {
    let mut all = Snapshot::new();
    for page in &content.pages {
        let genre = match page.kind {
            Kind::Page => "page de l'école",
            Kind::News => "actualité de l'école",
            Kind::Post => "actualité de classe",
            Kind::CahierDay => "cahier de textes",
            Kind::Resources => "ressources",
        };
        let mut texte = page.body.trim().to_string();
        for hw in &page.homework {
            texte.push_str(&format!(
                "\n\nÀ faire pour le {} — {} : {}",
                hw.due.long_fr(),
                hw.subject,
                hw.work
            ));
        }
        let key = crate::slug::slashed(&page.source);
        all.insert(
            key,
            PageText {
                title: page.title.clone(),
                audience: page.audience.id(),
                kind: genre.into(),
                text: texte,
            },
        );
    }
    for event in &content.events {
        let key = format!(
            "agenda/{}/{}",
            event.date,
            crate::slug::slugify(&event.title)
        );
        let texte = [event.place.clone(), event.description.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
        all.insert(
            key,
            PageText {
                title: format!("{} ({})", event.title, event.date.long_fr()),
                audience: event.audience.id(),
                kind: "agenda".into(),
                text: texte,
            },
        );
    }
    for doc in &content.documents {
        all.insert(
            doc.path.clone(),
            PageText {
                title: doc.title.clone(),
                audience: doc.audience.id(),
                kind: "document".into(),
                text: doc.description.clone().unwrap_or_default(),
            },
        );
    }
    all
}

fn snapshot_path(root: &Path, version: u64) -> PathBuf {
    root.join(SECRETS_DIR)
        .join("versions")
        .join(format!("v{version}.json"))
}

/// Keeps the text of a submitted version (mode 0600: it holds restricted text).
pub fn save_snapshot(root: &Path, version: u64, snapshot: &Snapshot) -> Result<()> {
    let path = snapshot_path(root, version);
    std::fs::create_dir_all(path.parent().expect("has a parent"))?;
    write_private(
        &path,
        &serde_json::to_vec(snapshot).expect("snapshot serializes"),
    )
}

/// The text of a submitted version, when kept.
pub fn load_snapshot(root: &Path, version: u64) -> Option<Snapshot> {
    serde_json::from_slice(&std::fs::read(snapshot_path(root, version)).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `.preau/etat.json` and the page snapshots keep their French keys.
    #[test]
    fn state_keeps_its_french_keys_on_disk() {
        let state = State {
            last_submitted: 4,
            approved: Some(Approved {
                version: 3,
                manifest_sha256: "ab".into(),
            }),
        };
        let value = serde_json::to_value(&state).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"derniere_soumise": 4, "approuvee": {"version": 3, "manifeste_sha256": "ab"}})
        );
        let page = PageText {
            title: "t".into(),
            audience: "public".into(),
            kind: "page".into(),
            text: "x".into(),
        };
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::json!({"titre": "t", "acces": "public", "genre": "page", "texte": "x"})
        );
    }
}
