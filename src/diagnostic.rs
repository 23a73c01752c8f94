//! Problems found in a school folder, reported all at once.
//!
//! Every stage pushes [`Diagnostic`]s into a shared [`Diagnostics`] list
//! instead of stopping at the first one, so that `preau check` and
//! `preau build` can show a teacher every problem in one go, each with the
//! file, line and column in the school folder and a `conseil :` hint.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The site is built anyway; the user should still look.
    Warning,
    /// The site cannot be built until this is fixed.
    Error,
}

/// One problem, located in the school folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Path relative to the school folder (as the user sees it).
    pub file: PathBuf,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// 1-based column in the file, when known.
    pub column: Option<usize>,
    /// What is wrong, in French.
    pub message: String,
    /// What to do about it, in French.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at a file (line and column may be added later).
    pub fn error(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at a file.
    pub fn warning(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Sets the position (1-based line and column).
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        self
    }

    /// Sets the line only; column 1.
    pub fn at_line(self, line: usize) -> Self {
        self.at(line, 1)
    }

    /// Adds a `conseil :` hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "erreur",
            Severity::Warning => "attention",
        };
        let file = self.file.display().to_string().replace('\\', "/");
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{file}:{l}:{c}: {label} : {}", self.message)?,
            (Some(l), None) => write!(f, "{file}:{l}: {label} : {}", self.message)?,
            _ => write!(f, "{file}: {label} : {}", self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  conseil : {hint}")?;
        }
        Ok(())
    }
}

/// A thread-safe list of problems, filled by every stage.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one problem.
    pub fn push(&self, diagnostic: Diagnostic) {
        self.items
            .lock()
            .expect("diagnostics lock")
            .push(diagnostic);
    }

    /// True when at least one error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .expect("diagnostics lock")
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Every problem, sorted by file and position so output is stable.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().expect("diagnostics lock");
        items.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        items.dedup();
        items
    }
}

/// The error returned when a school folder has problems: they were all
/// collected, and the caller prints them.
#[derive(Debug, thiserror::Error)]
#[error("{} erreur(s) dans le dossier de l'école", .errors)]
pub struct InvalidSchool {
    /// How many errors (not warnings) there were.
    pub errors: usize,
}

/// What went wrong reading or writing a file, in French: the system's own
/// text (« No such file or directory (os error 2) ») is English.
pub fn io_words(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let words = match err.kind() {
        ErrorKind::NotFound => "fichier ou dossier introuvable",
        ErrorKind::PermissionDenied => "accès refusé (droits du fichier ou du dossier)",
        ErrorKind::AlreadyExists => "existe déjà",
        ErrorKind::IsADirectory => "c'est un dossier, pas un fichier",
        ErrorKind::NotADirectory => "ce n'est pas un dossier",
        ErrorKind::DirectoryNotEmpty => "le dossier n'est pas vide",
        ErrorKind::InvalidData => "contenu illisible (le texte n'est pas en UTF-8 ?)",
        ErrorKind::UnexpectedEof => "le fichier s'arrête avant la fin attendue",
        ErrorKind::StorageFull => "le disque est plein",
        ErrorKind::ReadOnlyFilesystem => "le disque est en lecture seule",
        ErrorKind::AddrInUse => "le port est déjà utilisé par un autre programme",
        ErrorKind::ConnectionRefused => "connexion refusée",
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "connexion coupée",
        ErrorKind::TimedOut => "délai dépassé",
        ErrorKind::BrokenPipe => "le programme à l'autre bout s'est arrêté",
        ErrorKind::OutOfMemory => "mémoire insuffisante",
        _ => {
            return match err.raw_os_error() {
                Some(code) => format!("erreur du système (code {code})"),
                None => "erreur d'entrée-sortie".to_string(),
            }
        }
    };
    words.to_string()
}

#[cfg(test)]
mod io_tests {
    #[test]
    fn io_errors_are_french() {
        let err = std::fs::read("/nonexistent/ecole.yaml").unwrap_err();
        assert_eq!(super::io_words(&err), "fichier ou dossier introuvable");
    }
}
