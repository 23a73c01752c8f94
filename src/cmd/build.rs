//! `preau build`: the site into `DIR/public` (or `--out`), swapped in atomically.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::site::{self, BuildError};

/// Builds and prints a one-line French summary.
pub fn run(dir: &Path, out: Option<&Path>) -> Result<ExitCode> {
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.join("public"));
    match site::build(dir, &out) {
        Ok(report) => {
            super::print_diagnostics(dir, &report.warnings);
            let seconds = format!("{:.2}", report.elapsed.as_secs_f64()).replace('.', ",");
            println!(
                "Site construit dans « {} » : {} pages publiques, {} pages dans les espaces réservés, {} fichiers ({}), en {seconds} s{}.",
                report.out.display(),
                report.pages,
                report.sealed_pages,
                report.files,
                crate::render::file_size(report.bytes),
                if report.warnings.is_empty() { String::new() } else { format!(" ({})", super::count_words(&report.warnings)) }
            );
            if report.photos.processed + report.photos.cached > 0 {
                println!(
                    "Photos : {} traitée(s), {} reprise(s) du cache.",
                    report.photos.processed, report.photos.cached
                );
            }
            println!(
                "Pour le voir comme les familles : preau serve {} --chiffre",
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildError::Invalid { errors, warnings }) => {
            let mut all = errors;
            all.extend(warnings);
            all.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            super::print_diagnostics(dir, &all);
            eprintln!(
                "\nConstruction impossible : {}. Le site précédent n'a pas été modifié.",
                super::count_words(&all)
            );
            Ok(ExitCode::from(1))
        }
        Err(BuildError::Other(e)) => {
            Err(e.context("la construction a échoué ; le site précédent n'a pas été modifié"))
        }
    }
}
