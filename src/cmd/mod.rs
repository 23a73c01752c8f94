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
mod new;
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
            classe,
            date,
            ecole,
        } => new::run(
            kind,
            title.as_deref(),
            classe.as_deref(),
            date.as_deref(),
            &ecole,
        ),
        Command::Serve {
            dir,
            port,
            encrypted,
            open,
        } => serve::run(&dir, port, encrypted, open),
        Command::Access { action, ecole } => access::run(action, &ecole),
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
                    dossier,
                    sans_mot_de_passe,
                },
        } => keys::run(&role, &dossier, sans_mot_de_passe),
        Command::Deploy {
            site,
            ecole,
            vers,
            dry_run,
            force_rollback,
            full_check,
        } => deploy::run(
            &site,
            &ecole,
            vers.as_deref(),
            dry_run,
            force_rollback,
            full_check,
        ),
        Command::Submit { dir, cle } => submit::run(&dir, cle.as_deref()),
        Command::PublishClass {
            classe,
            dir,
            cle,
            depuis,
            vers,
            sans_publier,
        } => publish_class::run(publish_class::Options {
            dir: &dir,
            class: &classe,
            key: cle.as_deref(),
            from: depuis.as_deref(),
            to: vers.as_deref(),
            no_deploy: sans_publier,
        }),
        Command::Approve {
            submission,
            cle,
            ecole,
            directeur,
            refuse,
            yes,
        } => approve::run(approve::Options {
            submission: &submission,
            key: &cle,
            school: ecole.as_deref(),
            director_key: directeur.as_deref(),
            refuse: refuse.as_deref(),
            yes,
        }),
        Command::Stats {
            logs,
            ecole,
            sortie,
        } => stats::run(&logs, &ecole, sortie.as_deref()),
        Command::Verify {
            site,
            ecole,
            directeur,
            ien,
            version_min,
        } => verify::run(
            &site,
            ecole.as_deref(),
            directeur.as_deref(),
            ien.as_deref(),
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
