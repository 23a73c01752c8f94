//! One thin file per command: parse nothing, print for the user, call the
//! library.

mod access;
mod annee;
mod approve;
mod build;
mod check;
mod deploy;
mod init;
mod keys;
pub(crate) mod new;
mod publish_class;
mod serve;
pub mod start;
mod stats;
mod submit;
mod verify;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Command;
use crate::diagnostic::{Diagnostic, Severity};

/// Runs one command; `Ok` carries the exit code (1 when the school has errors).
pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Build { dir, out } => build::run(&dir, out.as_deref()),
        Command::Check { dir } => check::run(&dir),
        Command::Init { dir } => init::run(&dir),
        Command::New {
            kind,
            title,
            class,
            date,
            school,
        } => new::run(
            kind,
            title.as_deref(),
            class.as_deref(),
            date.as_deref(),
            &school,
        ),
        Command::Serve {
            dir,
            port,
            encrypted,
            open,
        } => serve::run(&dir, port, encrypted, open),
        Command::Access { action, school } => access::run(action, &school),
        Command::Annee {
            dir,
            date,
            classes,
            dry_run,
        } => annee::run(&dir, date.as_deref(), classes.as_deref(), dry_run),
        Command::Keys {
            action:
                crate::cli::KeysAction::Generate {
                    role,
                    dir,
                    no_password,
                },
        } => keys::run(&role, &dir, no_password),
        Command::Deploy {
            site,
            school,
            to,
            dry_run,
            force_rollback,
            full_check,
        } => deploy::run(
            &site,
            &school,
            to.as_deref(),
            dry_run,
            force_rollback,
            full_check,
        ),
        Command::Submit { dir, key } => submit::run(&dir, key.as_deref()),
        Command::PublishClass {
            class,
            dir,
            key,
            from,
            to,
            no_deploy,
        } => publish_class::run(publish_class::Options {
            dir: &dir,
            class: &class,
            key: key.as_deref(),
            from: from.as_deref(),
            to: to.as_deref(),
            no_deploy,
        }),
        Command::Approve {
            submission,
            key,
            school,
            director_key,
            refuse,
            yes,
        } => approve::run(approve::Options {
            submission: &submission,
            key: &key,
            school: school.as_deref(),
            director_key: director_key.as_deref(),
            refuse: refuse.as_deref(),
            yes,
        }),
        Command::Stats { logs, school, out } => stats::run(&logs, &school, out.as_deref()),
        Command::Verify {
            site,
            school,
            director_key,
            ien_key,
            version_min,
        } => verify::run(
            &site,
            school.as_deref(),
            director_key.as_deref(),
            ien_key.as_deref(),
            version_min,
        ),
    }
}

/// Prints problems to stderr (the school folder path prefixed to each file).
fn print_diagnostics(root: &std::path::Path, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let mut shown = d.clone();
        if root != std::path::Path::new(".") {
            shown.file = root.join(&d.file);
        }
        eprintln!("{shown}");
    }
}

/// A school that cannot be built: every problem printed, errors first,
/// then « `what` impossible : 2 erreurs. »; the exit code is 1.
fn invalid_school(
    root: &std::path::Path,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    what: &str,
) -> ExitCode {
    let mut all = errors;
    all.extend(warnings);
    print_diagnostics(root, &all);
    eprintln!("\n{what} impossible : {}.", count_words(&all));
    ExitCode::from(1)
}

/// « 3 erreurs et 1 avertissement ».
fn count_words(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n > 1 { many } else { one });
    match (errors, warnings) {
        (0, 0) => "aucun problème".into(),
        (e, 0) => plural(e, "erreur", "erreurs"),
        (0, w) => plural(w, "avertissement", "avertissements"),
        (e, w) => format!(
            "{} et {}",
            plural(e, "erreur", "erreurs"),
            plural(w, "avertissement", "avertissements")
        ),
    }
}
