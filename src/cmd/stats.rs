//! `preau stats`: usage indicators from the host's access logs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

/// Reads `logs` for the school at `school`, writes the CSV and the HTML report.
pub fn run(logs: &[PathBuf], school: &Path, out: Option<&Path>) -> Result<ExitCode> {
    if crate::commune::is_commune(school) {
        return run_commune(logs, school, out);
    }
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| school.join(".preau/statistiques"));
    let (usage, csv, html) = crate::stats::run(school, logs, &out)?;
    let months = usage.months();
    println!(
        "{} lignes lues dans {} journal(aux), {} mois ({}), {} demandes de robots écartées, {} lignes illisibles ignorées.",
        usage.lines,
        usage.files.len(),
        months.len(),
        match (months.first(), months.last()) {
            (Some(a), Some(b)) if a != b => format!("de {a} à {b}"),
            (Some(a), _) => a.clone(),
            _ => "aucun".into(),
        },
        usage.bots,
        usage.bad_lines
    );
    for file in &usage.truncated {
        eprintln!(
            "attention : « {} » s'arrête avant la fin (archive incomplète) ; ce qui précède est compté.",
            file.display()
        );
    }
    println!("Rapport : {}\nTableau : {}", html.display(), csv.display());
    Ok(ExitCode::SUCCESS)
}

/// A commune folder: each school's report from the same logs (each site
/// has its own address), in `SORTIE/<école>/` or each school's `.preau/`.
fn run_commune(logs: &[PathBuf], dir: &Path, out: Option<&Path>) -> Result<ExitCode> {
    use rayon::prelude::*;
    let commune = crate::commune::Commune::load(dir)?;
    type Report = Result<(crate::stats::Usage, PathBuf, PathBuf)>;
    let results: Vec<(PathBuf, Report)> = commune
        .schools
        .par_iter()
        .map(|school| {
            let target = match out {
                Some(o) => o.join(crate::commune::Commune::name(school)),
                None => school.join(".preau/statistiques"),
            };
            (school.clone(), crate::stats::run(school, logs, &target))
        })
        .collect();
    let mut failed = 0;
    for (school, result) in results {
        let name = crate::commune::Commune::name(&school);
        match result {
            Ok((usage, _, html)) => {
                let views: u64 = usage.counts.values().map(|c| c.views).sum();
                println!(
                    "✓ {name} : {views} pages vues ; rapport : {}",
                    html.display()
                );
            }
            Err(e) => {
                failed += 1;
                println!("✗ {name} : {e:#}");
            }
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
