//! `preau build`: the site into `DIR/public` (or `--out`), swapped in atomically.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::site::{BuildError, Session};

/// Builds and prints a one-line French summary.
pub fn run(dir: &Path, out: Option<&Path>) -> Result<ExitCode> {
    if crate::commune::is_commune(dir) {
        return run_commune(dir, out);
    }
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.join("public"));
    match Session::new(dir, crate::dates::today()).build(&out) {
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
        Err(e @ BuildError::Invalid { .. }) => {
            let all = e.diagnostics();
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

/// A commune folder: every school in parallel, each one's problems under its
/// name as it finishes, a summary at the end. On a terminal, a spinner per
/// school being built and a bar for the whole commune; every line of a
/// finished school starts with `[n/N]`, terminal or not.
fn run_commune(dir: &Path, out: Option<&Path>) -> Result<ExitCode> {
    use crate::commune::{self, Commune, Event, Outcome};
    use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
    let commune = Commune::load(dir)?;
    let total = commune.schools.len();
    // Drawn on stderr, and only when it is a terminal.
    let multi = MultiProgress::new();
    let overall = multi.add(
        ProgressBar::new(total as u64).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} écoles ({elapsed})")
                .expect("valid template"),
        ),
    );
    let spinner =
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template");
    let running = std::sync::Mutex::new((0usize, std::collections::BTreeMap::new()));
    let started = std::time::Instant::now();
    let results = commune::build_all(&commune, out, &|event| {
        let mut running = running.lock().expect("no panic holding it");
        match event {
            Event::Started(school) => {
                let bar = multi.insert_before(&overall, ProgressBar::new_spinner());
                bar.set_style(spinner.clone());
                bar.set_message(format!("{} : construction…", Commune::name(school)));
                bar.enable_steady_tick(std::time::Duration::from_millis(200));
                running.1.insert(school.to_path_buf(), bar);
            }
            Event::Finished(result) => {
                if let Some(bar) = running.1.remove(&result.dir) {
                    bar.finish_and_clear();
                    multi.remove(&bar);
                }
                running.0 += 1;
                let name = Commune::name(&result.dir);
                let count = format!("[{}/{total}]", running.0);
                let line = match &result.outcome {
                    Outcome::Built(summary) => format!("{count} ✓ {name} : construite ({summary})"),
                    Outcome::Unchanged => {
                        format!("{count} = {name} : inchangée depuis la dernière construction")
                    }
                    Outcome::Failed(Some(error)) => format!(
                        "{count} ✗ {name} : échec, son site précédent n'a pas été modifié\n  {error}"
                    ),
                    Outcome::Failed(None) => format!(
                        "{count} ✗ {name} : {}, son site précédent n'a pas été modifié",
                        super::count_words(&result.diagnostics)
                    ),
                };
                multi.suspend(|| {
                    println!("{line}");
                    super::print_diagnostics(&result.dir, &result.diagnostics);
                });
                overall.inc(1);
            }
        }
    })?;
    overall.finish_and_clear();
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let built = count(|o| matches!(o, Outcome::Built(_)));
    let unchanged = count(|o| matches!(o, Outcome::Unchanged));
    let failed = count(|o| matches!(o, Outcome::Failed(_)));
    let seconds = format!("{:.2}", started.elapsed().as_secs_f64()).replace('.', ",");
    println!(
        "\nCommune « {} » : {total} école(s) — {built} construite(s), {unchanged} inchangée(s), {failed} en échec, en {seconds} s. Page des écoles : « {} ».",
        commune.file.nom,
        out.map(|o| o.join("commune"))
            .unwrap_or_else(|| dir.join("public"))
            .join("index.html")
            .display()
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
