//! What changed between two versions of the school's content, counted for
//! the directeur's terminal (`preau submit`) and the IEN's (`preau
//! approve`, which counts it again from the sealed site, see
//! [`super::review`]). The report itself is [`super::review`]'s.
//! A [`Summary`] is written in submissions (`resume.json`): its keys on
//! disk stay the French ones.

use serde::{Deserialize, Serialize};

use super::state::Snapshot;

/// Counts shown in the terminal by `preau submit` and `preau approve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The version submitted.
    pub version: u64,
    /// The approved version it is compared with.
    #[serde(rename = "depuis")]
    pub since: Option<u64>,
    /// New pages.
    #[serde(rename = "nouvelles")]
    pub added: Vec<String>,
    /// Changed pages (those whose readers changed included).
    #[serde(rename = "modifiees")]
    pub modified: Vec<String>,
    /// Removed pages.
    #[serde(rename = "supprimees")]
    pub removed: Vec<String>,
    /// Pages whose readers changed.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// Every page of the version.
    pub total: usize,
}

/// What changed in the sources between the last approved version's text
/// and this one's.
pub fn summarize(version: u64, now: &Snapshot, previous: Option<(u64, &Snapshot)>) -> Summary {
    let empty = Snapshot::new();
    let (since, before) = match previous {
        Some((v, s)) => (Some(v), s),
        None => (None, &empty),
    };
    let mut summary = Summary {
        version,
        since,
        total: now.len(),
        ..Summary::default()
    };
    for (key, page) in now {
        match before.get(key) {
            None => summary.added.push(key.clone()),
            Some(old) if old != page => {
                summary.modified.push(key.clone());
                if old.audience != page.audience {
                    summary.audiences.push(key.clone());
                }
            }
            Some(_) => {}
        }
    }
    summary.removed = before
        .keys()
        .filter(|k| !now.contains_key(*k))
        .cloned()
        .collect();
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::state::PageText;

    fn page(title: &str, acces: &str, text: &str) -> PageText {
        PageText {
            title: title.into(),
            audience: acces.into(),
            kind: "actualité de classe".into(),
            text: text.into(),
        }
    }

    #[test]
    fn counts_new_changed_removed_and_readers_changed() {
        let mut before = Snapshot::new();
        before.insert("a.md".into(), page("A", "classe:cm1", "ligne 1\n"));
        before.insert("b.md".into(), page("B", "classe:cm1", "b"));
        before.insert("d.md".into(), page("D", "classe:cm1", "d"));
        let mut now = Snapshot::new();
        now.insert("a.md".into(), page("A", "classe:cm1", "ligne deux\n"));
        now.insert("c.md".into(), page("C", "classe:cm1", "nouveau"));
        now.insert("d.md".into(), page("D", "public", "d"));
        let summary = summarize(3, &now, Some((2, &before)));
        assert_eq!(summary.added, vec!["c.md"]);
        assert_eq!(summary.modified, vec!["a.md", "d.md"]);
        assert_eq!(summary.audiences, vec!["d.md"]);
        assert_eq!(summary.removed, vec!["b.md"]);
        assert_eq!(summary.total, 3);
    }

    #[test]
    fn the_summary_keeps_its_french_keys_on_disk() {
        let summary = Summary {
            version: 3,
            since: Some(2),
            added: vec!["c.md".into()],
            ..Summary::default()
        };
        let json = serde_json::to_value(&summary).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        for key in [
            "version",
            "depuis",
            "nouvelles",
            "modifiees",
            "supprimees",
            "audiences",
            "total",
        ] {
            assert!(keys.contains(&key), "{key} missing from {json}");
        }
        let back: Summary = serde_json::from_value(json).unwrap();
        assert_eq!(back, summary);
    }
}
