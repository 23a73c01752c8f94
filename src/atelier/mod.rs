//! The atelier's library: the school's files as forms, read and written the
//! way a teacher writes them by hand (same markdown, same YAML, comments and
//! key order kept), with the safety a shared folder needs: atomic saves,
//! stale writes refused, a bin in `.preau/corbeille/`, uploads checked like
//! the build checks them. The web side (routes, pages) calls this module.

pub mod files;
pub mod forms;
pub mod paths;
pub mod problems;
pub mod render;
pub mod trash;
pub mod uploads;
pub mod yamledit;

pub use files::{
    list, new_path, open, os_user, rendered, save, subjects, ClassEntries, Entry, Opened,
    SaveError, Saved,
};
pub use forms::{
    AgendaForm, CahierDayForm, DocKind, Document, EventForm, HomeworkForm, PhotoForm, PostForm,
    ResourceEntry, ResourceSection, ResourcesForm, SessionForm,
};
pub use problems::{check_document, FieldProblem};
pub use trash::{delete, list_trash, restore, TrashEntry};
pub use uploads::{store_upload, Stored, MAX_UPLOAD_BYTES};

/// Where a new file of `kind` goes, relative to the school folder: a post
/// is named after its title (`classes/cm1/blog/sortie-au-musee.md`, or
/// `actualites/…` without a class), a cahier day after its date, the
/// resource list is the class's `ressources.md`. Cahier days and resource
/// lists need a class (French error otherwise). Shared with `preau nouveau`.
pub fn relative_path(
    kind: crate::cli::NewKind,
    class: Option<&str>,
    date: crate::dates::Date,
    title: &str,
) -> anyhow::Result<std::path::PathBuf> {
    use crate::cli::NewKind;
    use std::path::{Path, PathBuf};
    let need_class = || class.ok_or_else(|| anyhow::anyhow!("indiquez la classe"));
    Ok(match kind {
        NewKind::Article => {
            let slug = crate::slug::slugify(title);
            let slug = if slug.is_empty() {
                "article".to_string()
            } else {
                slug
            };
            let dir = match class {
                Some(id) => Path::new("classes").join(id).join("blog"),
                None => PathBuf::from("actualites"),
            };
            dir.join(format!("{slug}.md"))
        }
        NewKind::Cahier => Path::new("classes")
            .join(need_class()?)
            .join("cahier")
            .join(format!("{}.md", date.iso())),
        NewKind::Ressource => Path::new("classes")
            .join(need_class()?)
            .join("ressources.md"),
    })
}
