//! `preau check`: every problem of the school folder, at once.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::site::Session;

/// Loads the school, renders and seals it in memory (templates, access
/// codes and the secret scan included), prints every problem; exit code 1
/// when there is an error.
pub fn run(dir: &Path) -> Result<ExitCode> {
    if crate::commune::is_commune(dir) {
        return run_commune(dir);
    }
    let loaded = Session::new(dir, crate::dates::today()).load()?;
    if let Some(site) = &loaded.site {
        if let Err(e) = site.publish() {
            super::print_diagnostics(dir, &loaded.diagnostics);
            eprintln!("erreur : {e:#}");
            return Ok(ExitCode::from(1));
        }
    }
    super::print_diagnostics(dir, &loaded.diagnostics);
    let has_errors = loaded.has_errors();
    let summary = super::count_words(&loaded.diagnostics);
    if has_errors {
        eprintln!(
            "\nContrôle terminé : {summary}. Corrigez les erreurs puis relancez « preau check »."
        );
        Ok(ExitCode::from(1))
    } else {
        println!("Contrôle terminé : {summary}. Le site peut être construit.");
        Ok(ExitCode::SUCCESS)
    }
}

/// A commune folder: every school, its problems under its name.
fn run_commune(dir: &Path) -> Result<ExitCode> {
    let commune = crate::commune::Commune::load(dir)?;
    let results = crate::commune::check_all(&commune);
    let mut failed = 0;
    for (school, diagnostics, failure) in &results {
        let name = crate::commune::Commune::name(school);
        let bad = crate::commune::has_errors(diagnostics, failure);
        failed += usize::from(bad);
        println!(
            "{} {name} : {}",
            if bad { "✗" } else { "✓" },
            super::count_words(diagnostics)
        );
        super::print_diagnostics(school, diagnostics);
        if let Some(e) = failure {
            eprintln!("{}: erreur : {e}", school.display());
        }
    }
    println!(
        "\nContrôle de la commune « {} » : {} école(s), {failed} avec des erreurs.",
        commune.file.nom,
        results.len()
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
