//! `preau approve` (IEN): open the submission safely, check the
//! directeur's signature and every file, show a summary, and sign the
//! approval — or record a refusal. The work is in
//! [`crate::manifest::approval`].

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::manifest::approval::{self, Opened};
use crate::manifest::policy::Trust;
use crate::manifest::SignerRole;
use crate::theme::Theme;

/// The options of `preau approve`.
pub struct Options<'a> {
    /// The submission file.
    pub submission: &'a Path,
    /// The IEN's secret key.
    pub key: &'a Path,
    /// The school folder, for `confiance` in ecole.yaml.
    pub school: Option<&'a Path>,
    /// The directeur's public key, when not read from ecole.yaml.
    pub director_key: Option<&'a str>,
    /// A refusal and its reason.
    pub refuse: Option<&'a str>,
    /// Approve without asking.
    pub yes: bool,
}

/// Checks, summarises, and approves or refuses.
pub fn run(opt: Options<'_>) -> Result<ExitCode> {
    let trust = Trust::from_school_dir(opt.school, opt.director_key, None)?;
    if !trust.keys.contains_key(&SignerRole::Directeur) {
        bail!("la clé publique du directeur est inconnue\n  conseil : indiquez --ecole DOSSIER (clé dans « confiance » de ecole.yaml) ou --directeur CLÉ.pub");
    }
    let theme = match opt.school {
        Some(dir) => Theme::load(dir)?,
        None => Theme::embedded()?,
    };
    let today = crate::dates::today();
    let review = match approval::open(opt.submission, &trust, today, &theme)? {
        Opened::Ready(review) => *review,
        Opened::Refused(problems) => {
            eprintln!("La soumission ne peut pas être approuvée :");
            for p in &problems {
                eprintln!("  - {p}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    // With the school folder: the policy the IEN signs must be the one the
    // school applies now (its confiance, completed by its commune's).
    if let (Some(dir), Some(signed)) = (opt.school, &review.verified.manifest.policy) {
        let changes = signed.changes_to(&crate::manifest::policy::school_policy(dir)?);
        if !changes.is_empty() {
            eprintln!("La soumission ne peut pas être approuvée :");
            eprintln!(
                "  - la politique de signature de cette soumission n'est pas celle que l'école applique maintenant ({}) : {}",
                crate::config::commune_trust::where_written(dir),
                changes.join(" ; ")
            );
            eprintln!("  conseil : demandez au directeur ou à la directrice une nouvelle soumission (preau submit), faite avec la politique en vigueur");
            return Ok(ExitCode::from(1));
        }
    }
    let report = review.write_report()?;
    for line in review.overview() {
        println!("{line}");
    }
    println!(
        "Rapport de relecture, rendu du site scellé lui-même (contenu réservé en clair) : {}",
        report.display()
    );

    // The password is asked only now, after the summary.
    let secret = approval::ien_key(opt.key)?;
    if let Some(reason) = opt.refuse {
        let path = review.refuse(&secret, today, reason)?;
        println!(
            "Refus enregistré : {} (à transmettre au directeur ou à la directrice).",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let version = review.verified.manifest.version;
    if !opt.yes
        && !confirm(&format!(
            "Approuver la version {version} pour publication ? (oui/non) "
        ))?
    {
        println!("Rien n'a été signé.");
        return Ok(ExitCode::from(1));
    }
    let done = review.approve(&secret, today)?;
    println!("Version {version} approuvée.");
    println!("Site approuvé, prêt à publier : {}", done.site.display());
    println!("Signature seule : {}", done.signature.display());
    Ok(ExitCode::SUCCESS)
}

fn confirm(question: &str) -> Result<bool> {
    print!("{question}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(
        line.trim().to_lowercase().as_str(),
        "oui" | "o" | "yes" | "y"
    ))
}
