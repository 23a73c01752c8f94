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
