//! `preau approve` (IEN): open the submission safely, check the
//! directeur's signature and every file, show a summary, and sign the
//! approval — or record a refusal. The work is in
//! [`crate::manifest::approval`].

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::manifest::approval::{self, Opened};
use crate::manifest::policy::Trust;
use crate::manifest::{keys, SignerRole};

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
    let stem = opt
        .submission
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "soumission".into());
    let tag = stem.trim_start_matches("soumission-").to_string();
    let parent = opt
        .submission
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let today = crate::dates::today();
    let review = match approval::open(opt.submission, &trust, today)? {
        Opened::Ready(review) => *review,
        Opened::Refused(problems) => {
            eprintln!("La soumission ne peut pas être approuvée :");
            for p in &problems {
                eprintln!("  - {p}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let report =
        approval::write_beside(parent, &format!("rapport-{tag}"), "html", &review.report()?)?;
    let m = &review.verified.manifest;
    let summary = &review.summary;
    println!("École : {} (UAI {})", m.school, m.uai);
    println!(
        "Version {} soumise le {} ; signature du directeur vérifiée ; {} fichiers vérifiés.",
        m.version,
        chrono::NaiveDateTime::parse_from_str(&m.built_at, "%Y-%m-%dT%H:%M:%SZ")
            .map(|t| crate::dates::Date(t.date()).long_fr())
            .unwrap_or_else(|_| m.built_at.clone()),
        m.files.len()
    );
    match summary.depuis {
        Some(v) => println!(
            "Depuis la version {v} approuvée : {} nouveauté(s), {} modification(s), {} retrait(s).",
            summary.nouvelles.len(),
            summary.modifiees.len(),
            summary.supprimees.len()
        ),
        None => println!(
            "Première version soumise : {} pages et éléments à relire.",
            summary.total
        ),
    }
    println!(
        "Rapport de relecture, rendu du site scellé lui-même (contenu réservé en clair) : {}",
        report.display()
    );

    // The password is asked only now, after the summary.
    let secret = keys::load_secret(opt.key).context("la clé de l'IEN est nécessaire pour signer\n  conseil : indiquez votre clé de signature habituelle avec --cle (le fichier ien.key créé une fois pour toutes) ; si le mot de passe est refusé, retapez-le : ne créez pas de nouvelle clé, elle ne serait pas reconnue par les écoles")?;
    if let Some(reason) = opt.refuse {
        let path = review.refuse(&secret, today, reason, parent, &tag)?;
        println!(
            "Refus enregistré : {} (à transmettre au directeur ou à la directrice).",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let version = m.version;
    if !opt.yes
        && !confirm(&format!(
            "Approuver la version {version} pour publication ? (oui/non) "
        ))?
    {
        println!("Rien n'a été signé.");
        return Ok(ExitCode::from(1));
    }
    let done = review.approve(&secret, today, parent, &tag)?;
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
