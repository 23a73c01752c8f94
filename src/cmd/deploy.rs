//! `preau deploy`: an approved site to where families read it.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};

use crate::deploy::{self, folder::Folder, Options};
use crate::manifest::policy::Trust;

/// Publishes `site` to the target of `school`'s ecole.yaml (or `to`).
pub fn run(
    site: &Path,
    school: &Path,
    to: Option<&Path>,
    dry_run: bool,
    force_rollback: bool,
) -> Result<ExitCode> {
    let trust = Trust::from_school_dir(Some(school), None, None)?;
    let text = std::fs::read_to_string(school.join("ecole.yaml"))
        .with_context(|| format!("lecture de « {} »", school.join("ecole.yaml").display()))?;
    let file: crate::config::SchoolFile = crate::yaml::parse(&text, Path::new("ecole.yaml"), 1)
        .map_err(|d| anyhow!("ecole.yaml est invalide :\n{d}"))?;
    let destination = match (to, &file.publication) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(t)) if t.kind == "dossier" => {
            let chemin = t.chemin.as_deref().ok_or_else(|| anyhow!("« publication » : le type dossier demande un « chemin »"))?;
            school.join(chemin)
        }
        (None, Some(t)) => bail!(
            "la publication de type « {} » n'est pas encore disponible dans cette version de Préau\n  conseil : publiez vers un dossier (type: dossier) ou avec --vers DOSSIER",
            t.kind
        ),
        (None, None) => bail!("aucune destination : ajoutez « publication » dans ecole.yaml (type: dossier, chemin: …) ou indiquez --vers DOSSIER"),
    };
    let mut target = Folder::new(&destination)?;
    let opt = Options {
        site,
        trust: &trust,
        today: crate::dates::today(),
        dry_run,
        allow_rollback: force_rollback,
    };
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |done: usize, total: usize, path: &str| {
        if terminal {
            eprint!("\r\x1b[2K[{done}/{total}] {path}");
        }
    };
    let plan = deploy::deploy(&opt, &mut target, &mut progress)?;
    if terminal && !dry_run {
        eprintln!();
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
            destination.display(),
            plan.upload.len(),
            plan.remove.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
