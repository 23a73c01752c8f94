//! Which paths the atelier may read and write: relative paths inside the
//! school folder, in the content folders only, never through a symbolic
//! link. Every refusal is a French sentence.

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Result};

use super::forms::DocKind;

/// Where a document lives: its kind and its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// What the file is.
    pub kind: DocKind,
    /// Its class (`None`: the school's news or agenda).
    pub class: Option<String>,
}

/// Checks `rel` (forward slashes, relative to the school folder) and says
/// what it is; refuses `..`, absolute paths, links, and anything outside
/// the folders the atelier edits.
pub fn document(school: &Path, rel: &str) -> Result<(PathBuf, Location)> {
    let parts = parts(rel)?;
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let kind_class = match parts.as_slice() {
        ["actualites", name] if is_md(name) => (DocKind::Post, None),
        ["actualites", dir, "index.md"] if is_name(dir) => (DocKind::Post, None),
        ["classes", id, "blog", name] if is_md(name) => (DocKind::Post, Some(*id)),
        ["classes", id, "blog", dir, "index.md"] if is_name(dir) => (DocKind::Post, Some(*id)),
        ["classes", id, "cahier", name] if is_day(name) => (DocKind::CahierDay, Some(*id)),
        ["classes", id, "ressources.md"] => (DocKind::Resources, Some(*id)),
        ["agenda.yaml"] => (DocKind::Agenda, None),
        ["classes", id, "agenda.yaml"] => (DocKind::Agenda, Some(*id)),
        _ => bail!(
            "« {rel} » n'est pas un fichier que l'atelier modifie\n  conseil : l'atelier écrit les articles (actualites/, classes/<classe>/blog/), le cahier (classes/<classe>/cahier/AAAA-MM-JJ.md), les ressources (classes/<classe>/ressources.md) et les agendas (agenda.yaml)."
        ),
    };
    if let Some(id) = kind_class.1 {
        if !crate::config::is_valid_id(id) {
            bail!("« {rel} » : « {id} » n'est pas un nom de classe valide");
        }
    }
    let full = inside(school, rel)?;
    Ok((
        full,
        Location {
            kind: kind_class.0,
            class: kind_class.1.map(str::to_string),
        },
    ))
}

/// Checks any relative path of the school folder (no `..`, not absolute,
/// no symbolic link on the way) and gives its full path.
pub fn inside(school: &Path, rel: &str) -> Result<PathBuf> {
    parts(rel)?;
    if let Some(link) = crate::content::attachments::symlink_on_the_way(school, Path::new(rel)) {
        bail!(
            "« {rel} » passe par un lien symbolique (« {} ») : l'atelier n'écrit rien à travers un lien\n  conseil : remplacez le lien par une copie du fichier ou du dossier.",
            crate::content::links::slashed(&link)
        );
    }
    Ok(school.join(rel))
}

/// The segments of a relative path, refusing what could leave the folder.
fn parts(rel: &str) -> Result<Vec<String>> {
    let refuse = || {
        anyhow::anyhow!(
            "chemin refusé : « {rel} »\n  conseil : l'atelier n'écrit que dans le dossier de l'école, avec un chemin relatif sans « .. »."
        )
    };
    if rel.is_empty() || rel.contains('\\') || rel.contains('\0') || rel.starts_with('/') {
        return Err(refuse());
    }
    let path = Path::new(rel);
    let mut out = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => {
                let s = s.to_str().ok_or_else(refuse)?;
                if s.starts_with('.') {
                    return Err(refuse());
                }
                out.push(s.to_string());
            }
            _ => return Err(refuse()),
        }
    }
    // `Path::components` drops `.` in the middle; refuse it explicitly.
    if rel
        .split('/')
        .any(|s| s == "." || s == ".." || s.is_empty())
    {
        return Err(refuse());
    }
    Ok(out)
}

fn is_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.')
}

fn is_md(name: &str) -> bool {
    name.len() > 3 && name.ends_with(".md") && is_name(name)
}

fn is_day(name: &str) -> bool {
    name.strip_suffix(".md")
        .is_some_and(|d| crate::dates::Date::parse(d).is_ok_and(|x| x.iso() == d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_foreign_paths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "../ecole.yaml",
            "/etc/passwd",
            "classes/cm1/../../x",
            "classes/cm1/blog/../../../ecole.yaml",
            "ecole.yaml",
            ".preau/secrets.json",
            "classes/cm1/classe.yaml",
            "classes/cm1/cahier/lundi.md",
            "classes/cm1//blog/a.md",
            "./agenda.yaml",
            "classes\\cm1\\ressources.md",
            "",
        ] {
            let err = document(dir.path(), rel).unwrap_err().to_string();
            assert!(
                err.contains("refusé") || err.contains("n'est pas un fichier que l'atelier"),
                "{rel}: {err}"
            );
        }
    }

    #[test]
    fn content_paths_are_classified() {
        let dir = tempfile::tempdir().unwrap();
        let kind = |rel: &str| document(dir.path(), rel).unwrap().1;
        assert_eq!(kind("classes/cm1/blog/sortie/index.md").kind, DocKind::Post);
        assert_eq!(kind("actualites/fete.md").class, None);
        assert_eq!(
            kind("classes/cm1/cahier/2026-11-20.md").kind,
            DocKind::CahierDay
        );
        assert_eq!(
            kind("classes/ce1/agenda.yaml").class.as_deref(),
            Some("ce1")
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("classes")).unwrap();
        std::os::unix::fs::symlink("/tmp", dir.path().join("classes/cm1")).unwrap();
        let err = document(dir.path(), "classes/cm1/ressources.md").unwrap_err();
        assert!(err.to_string().contains("lien symbolique"), "{err}");
    }
}
