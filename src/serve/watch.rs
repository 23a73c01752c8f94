//! Watching the school folder (notify), debounced, sorted into change kinds.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{anyhow, Result};
use notify::{RecursiveMode, Watcher};

use super::{rebuild, Options, Shared};

/// What a batch of changes touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Only the theme (templates, styles).
    Theme,
    /// Pages, photos, agenda, documents.
    Content,
    /// `ecole.yaml`, a `classe.yaml` or the access secrets.
    Config,
}

/// Sorts one changed path.
pub fn kind_of(root: &Path, path: &Path) -> ChangeKind {
    let (_, first, name) = super::parts(root, path);
    if first == "theme" {
        ChangeKind::Theme
    } else if name == "ecole.yaml" || name == "classe.yaml" || first == ".preau" {
        ChangeKind::Config
    } else {
        ChangeKind::Content
    }
}

/// Watches `opt.root` in a thread; every batch of changes (10 ms of quiet)
/// triggers one rebuild. Editors that save through a temporary file and a
/// rename show up as several events in one batch.
pub fn spawn(
    opt: Options,
    address: String,
    shared: Shared,
    mut cache: super::Caches,
) -> Result<()> {
    let (tx, rx) = mpsc::channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            // Reading files (the rebuild itself does) is not a change.
            use notify::event::{EventKind, ModifyKind};
            if matches!(
                event.kind,
                EventKind::Access(_)
                    | EventKind::Modify(ModifyKind::Metadata(_))
                    | EventKind::Other
            ) {
                return;
            }
            for path in event.paths {
                let _ = tx.send(path);
            }
        }
    })
    .map_err(|e| anyhow!("surveillance des fichiers impossible : {e}"))?;
    watcher
        .watch(&opt.root, RecursiveMode::Recursive)
        .map_err(|e| {
            anyhow!(
                "surveillance de « {} » impossible : {e}",
                opt.root.display()
            )
        })?;
    let root = std::fs::canonicalize(&opt.root).unwrap_or(opt.root.clone());
    std::thread::spawn(move || {
        let _watcher = watcher; // lives as long as the thread
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while let Ok(more) = rx.recv_timeout(Duration::from_millis(10)) {
                batch.push(more);
            }
            let relevant: Vec<&PathBuf> = batch
                .iter()
                .filter(|p| !super::is_noise(&root, p) && !super::is_noise(&opt.root, p))
                .collect();
            let Some(kind) = relevant
                .iter()
                .map(|p| kind_of(&root, p).max(kind_of(&opt.root, p)))
                .max()
            else {
                continue;
            };
            log::info!(
                "changement ({kind:?}) : {}",
                relevant
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            rebuild(&shared, &opt, &address, &mut cache);
        }
    });
    Ok(())
}
