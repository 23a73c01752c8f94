//! `preau deploy`: an approved site to where families read it.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::deploy::{self, Options};
use crate::manifest::policy::Trust;

/// Publishes `site` to the target of `school`'s ecole.yaml (or `to`).
pub fn run(
    site: &Path,
    school: &Path,
    to: Option<&Path>,
    dry_run: bool,
    force_rollback: bool,
    full_check: bool,
) -> Result<ExitCode> {
    let trust = Trust::from_school_dir(Some(school), None, None)?;
    let (mut target, destination) = deploy::open::target(school, to)?;
    let opt = Options {
        site,
        school,
        trust: &trust,
        today: crate::dates::today(),
        dry_run,
        allow_rollback: force_rollback,
        full_check,
    };
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |done: usize, total: usize, path: &str| {
        if terminal {
            eprint!("\r\x1b[2K[{done}/{total}] {path}");
        }
    };
    let plan = deploy::deploy(&opt, target.as_mut(), &mut progress)?;
    if terminal && !dry_run {
        eprintln!();
    }
    for note in &plan.notes {
        println!("Attention : {note}.");
    }
    for p in &plan.altered {
        if dry_run {
            println!("Modifié en ligne, serait remis en place : « {p} »");
        } else {
            println!("Modifié en ligne, remis en place : « {p} »");
        }
    }
    let online = plan
        .online
        .map(|v| format!("version {v}"))
        .unwrap_or_else(|| "rien".into());
    let size = crate::render::file_size(plan.bytes);
    if dry_run {
        println!("Essai : la version {} remplacerait {online} en ligne ; {} fichier(s) à envoyer ({size}), {} à retirer.", plan.version, plan.upload.len(), plan.remove.len());
        for p in &plan.upload {
            println!("  + {p}");
        }
        for p in &plan.remove {
            println!("  - {p}");
        }
        println!("Rien n'a été envoyé.");
    } else {
        println!(
            "Version {} publiée vers {} : {} fichier(s) envoyé(s) ({size}), {} retiré(s) ; en ligne auparavant : {online}.",
            plan.version,
            destination,
            plan.upload.len(),
            plan.remove.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
