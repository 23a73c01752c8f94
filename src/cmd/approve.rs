//! `preau approve` (IEN): check the directeur's signature and every file,
//! show a summary, and sign the approval — or record a refusal.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};

use crate::manifest::policy::{self, Trust};
use crate::manifest::{keys, report::Summary, signature_path, Role};

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
    let secret = keys::load_secret(opt.key).context("la clé de l'IEN est nécessaire pour approuver\n  conseil : créez-la avec « preau keys generate --role ien »")?;
    let own = minisign::PublicKey::from_secret_key(&secret).map_err(|e| anyhow!("{e}"))?;
    let mut trust = Trust::from_school_dir(opt.school, opt.director_key, None)?;
    if !trust.keys.contains_key(&Role::Directeur) {
        bail!("la clé publique du directeur est inconnue\n  conseil : indiquez --ecole DOSSIER (clé dans « confiance » de ecole.yaml) ou --directeur CLÉ.pub");
    }
    trust.required = vec![Role::Directeur];

    // Unpack next to the submission.
    let stem = opt
        .submission
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "soumission".into());
    let version_tag = stem.trim_start_matches("soumission-").to_string();
    let parent = opt
        .submission
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let work = tempfile::Builder::new()
        .prefix(".preau-relecture-")
        .tempdir_in(parent)?;
    let file = std::fs::File::open(opt.submission).with_context(|| {
        format!(
            "la soumission « {} » est introuvable",
            opt.submission.display()
        )
    })?;
    unpack_submission(file, work.path()).with_context(|| {
        format!(
            "« {} » n'est pas une soumission lisible",
            opt.submission.display()
        )
    })?;
    let site = work.path().join("site");
    let verified = match policy::verify(&site, &trust, None, crate::dates::today()) {
        Ok(v) => v,
        Err(problems) => {
            eprintln!("La soumission ne peut pas être approuvée :");
            for p in &problems {
                eprintln!("  - {p}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let summary: Summary =
        serde_json::from_slice(&std::fs::read(work.path().join("resume.json")).unwrap_or_default())
            .unwrap_or_default();
    let report = parent.join(format!("rapport-{version_tag}.html"));
    std::fs::copy(work.path().join("rapport.html"), &report).context("copie du rapport")?;
    let m = &verified.manifest;
    println!("École : {} (UAI {})", m.ecole, m.uai);
    println!(
        "Version {} soumise le {} ; signature du directeur vérifiée ; {} fichiers vérifiés.",
        m.version,
        m.construit_le,
        m.fichiers.len()
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
        "Rapport de relecture (contenu réservé en clair) : {}",
        report.display()
    );

    if let Some(reason) = opt.refuse {
        let text = format!(
            "Version {} de « {} » refusée le {} par l'IEN.\nMotif : {reason}\n",
            m.version,
            m.ecole,
            crate::dates::today().long_fr()
        );
        let path = parent.join(format!("refus-{version_tag}.txt"));
        std::fs::write(&path, &text)?;
        let comment = format!(
            "version:{} role:ien refus signe_le:{}",
            m.version,
            crate::dates::today()
        );
        std::fs::write(
            format!("{}.minisig", path.display()),
            keys::sign(&secret, text.as_bytes(), &comment)?,
        )?;
        println!(
            "Refus enregistré : {} (à transmettre au directeur ou à la directrice).",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !opt.yes
        && !confirm(&format!(
            "Approuver la version {} pour publication ? (oui/non) ",
            m.version
        ))?
    {
        println!("Rien n'a été signé.");
        return Ok(ExitCode::from(1));
    }
    let bytes = std::fs::read(site.join(crate::manifest::MANIFEST))?;
    let comment = format!(
        "version:{} role:ien approuve_le:{} ecole:{}",
        m.version,
        crate::dates::today(),
        m.uai
    );
    let signature = keys::sign(&secret, &bytes, &comment)?;
    // Check with our own key before handing it over.
    keys::verify(&own, &bytes, &signature).map_err(|e| anyhow!("{e}"))?;
    std::fs::write(site.join(signature_path(Role::Ien)), &signature)?;
    let approved = parent.join(format!("approuve-{version_tag}"));
    if approved.exists() {
        bail!(
            "« {} » existe déjà : il n'a pas été remplacé",
            approved.display()
        );
    }
    std::fs::rename(&site, &approved).context("mise en place du site approuvé")?;
    let signature_file: PathBuf = parent.join(format!("approbation-{version_tag}.minisig"));
    std::fs::write(&signature_file, &signature)?;
    println!("Version {} approuvée.", m.version);
    println!("Site approuvé, prêt à publier : {}", approved.display());
    println!("Signature seule : {}", signature_file.display());
    Ok(ExitCode::SUCCESS)
}

/// Unpacks a submission (a tar archive) into the folder `into`: the
/// submission reader, on its own so that the fuzzing harness can reach it.
pub fn unpack_submission(archive: impl std::io::Read, into: &Path) -> Result<()> {
    tar::Archive::new(archive)
        .unpack(into)
        .context("archive illisible")
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
