//! Carrying a [`Plan`] out, in an order that never loses a file: copy to
//! the archive and check each copy, remove the originals, write the new
//! year's files, new codes and letters, `ecole.yaml` last.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{same_bytes, FileStep, Plan};
use crate::access::{letters, Secrets};

/// What [`apply`] did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Files copied into the archive.
    pub archived: usize,
    /// Originals removed after their copy was checked.
    pub removed: usize,
}

/// Carries out `plan` in the school at `root`: archive, check, remove, new
/// classes, new codes and letters, `ecole.yaml` last.
pub fn apply(root: &Path, plan: &Plan) -> Result<Applied> {
    let mut applied = Applied::default();
    // 1. Copy into the archive, and check each copy.
    let school_files = plan.rewritten.iter().map(|(rel, _)| FileStep {
        from: rel.clone(),
        to: plan.archive.join(rel),
        keep: true,
        done: same_bytes(&root.join(rel), &root.join(plan.archive.join(rel))),
    });
    let all: Vec<FileStep> = plan.files.iter().cloned().chain(school_files).collect();
    for step in all.iter().filter(|s| !s.done) {
        let (from, to) = (root.join(&step.from), root.join(&step.to));
        if to.exists() && !same_bytes(&from, &to) {
            bail!(
                "l'archive contient déjà une autre version de « {} »\n  conseil : rien n'a été remplacé ; comparez les deux fichiers, puis relancez « preau annee »",
                step.to.display()
            );
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("création de « {} »", parent.display()))?;
        }
        std::fs::copy(&from, &to).with_context(|| {
            format!(
                "copie de « {} » vers « {} »",
                step.from.display(),
                step.to.display()
            )
        })?;
        if !same_bytes(&from, &to) {
            bail!(
                "la copie de « {} » dans l'archive ne correspond pas à l'original\n  conseil : vérifiez la place libre sur le disque ; l'original n'a pas été touché",
                step.from.display()
            );
        }
        applied.archived += 1;
    }
    // 2. Remove the originals that leave (their copy is checked).
    let mut dirs = BTreeSet::new();
    for step in plan.files.iter().filter(|s| !s.keep) {
        let from = root.join(&step.from);
        if !same_bytes(&from, &root.join(&step.to)) {
            bail!(
                "« {} » n'est pas dans l'archive : il n'a pas été retiré\n  conseil : relancez « preau annee »",
                step.from.display()
            );
        }
        std::fs::remove_file(&from)
            .with_context(|| format!("retrait de « {} »", step.from.display()))?;
        applied.removed += 1;
        let mut dir = step.from.parent();
        while let Some(d) = dir.filter(|d| d.components().count() > 1) {
            dirs.insert(d.to_path_buf());
            dir = d.parent();
        }
    }
    // Deepest first: a folder left empty by the move goes too.
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(root.join(dir));
    }
    // 3. The new year's classes.
    for (from, to) in &plan.carries {
        let to_abs = root.join(to);
        if to_abs.exists() && !same_bytes(&root.join(from), &to_abs) {
            bail!(
                "« {} » existe déjà\n  conseil : rien n'a été remplacé ; déplacez ce fichier, puis relancez « preau annee »",
                to.display()
            );
        }
        if let Some(parent) = to_abs.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("création de « {} »", parent.display()))?;
        }
        std::fs::copy(root.join(from), &to_abs)
            .with_context(|| format!("copie vers « {} »", to.display()))?;
    }
    for (rel, text) in &plan.created {
        let path = root.join(rel);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("création de « {} »", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("écriture de « {} »", rel.display()))?;
    }
    // 4. New codes for everyone; last year's secrets and letters kept aside.
    let private = root.join(crate::access::secrets::SECRETS_DIR);
    let kept_aside = private.join("archives").join(&plan.from_year);
    let old = Secrets::load(root)?;
    if old.is_some() {
        keep_aside(&Secrets::path(root), &kept_aside)?;
    }
    // Saving the secrets may add `.preau/` to the school's `.gitignore`.
    let gitignore = root.join(".gitignore");
    if gitignore.is_file() {
        keep_aside(&gitignore, &kept_aside)?;
    }
    let letters_dir = private.join("lettres");
    if let Ok(entries) = std::fs::read_dir(&letters_dir) {
        for entry in entries.filter_map(|e| e.ok()) {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                keep_aside(&entry.path(), &kept_aside.join("lettres"))?;
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("retrait de « {} »", entry.path().display()))?;
            }
        }
    }
    let mut secrets = Secrets::generate(&plan.school);
    if let Some(old) = &old {
        for (id, keys) in secrets.audiences.iter_mut() {
            if let Some(before) = old.audiences.get(id) {
                keys.generation = before.generation + 1;
            }
        }
    }
    secrets.save(root)?;
    letters::write_all(root, &plan.school, &secrets)?;
    // 5. The school's own files, ecole.yaml last: it says the year is done.
    let mut rewritten: Vec<&(PathBuf, String)> = plan.rewritten.iter().collect();
    rewritten.sort_by_key(|(rel, _)| rel == Path::new("ecole.yaml"));
    for (rel, text) in rewritten {
        let path = root.join(rel);
        let tmp = path.with_extension("preau-tmp");
        std::fs::write(&tmp, text).with_context(|| format!("écriture de « {} »", rel.display()))?;
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("écriture de « {} »", rel.display()))?;
    }
    Ok(applied)
}

/// Copies a private file into `dir` (mode 0600), under a new name when a
/// different file already has its name there.
fn keep_aside(file: &Path, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("création de « {} »", dir.display()))?;
    crate::access::secrets::set_mode(dir, 0o700)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
    for n in 1.. {
        let candidate = if n == 1 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem}-{n}.{ext}"))
        };
        if same_bytes(file, &candidate) {
            return Ok(());
        }
        if !candidate.exists() {
            let bytes = std::fs::read(file)
                .with_context(|| format!("lecture de « {} »", file.display()))?;
            return crate::access::secrets::write_private(&candidate, &bytes);
        }
    }
    unreachable!("some name is free")
}
