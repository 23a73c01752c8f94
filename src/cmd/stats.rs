//! `preau stats`: usage indicators from the host's access logs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

/// Reads `logs` for the school at `school`, writes the CSV and the HTML report.
pub fn run(logs: &[PathBuf], school: &Path, out: Option<&Path>) -> Result<ExitCode> {
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
