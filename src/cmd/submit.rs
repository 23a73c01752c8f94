//! `preau submit` (directeur): build, sign, and write a submission for the
//! IEN with a review report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};

use crate::manifest::{self, keys, report, state, submission, SignerRole};
use crate::site::{self, BuildError};

/// Builds into `DIR/public`, signs the manifest, writes `.preau/soumissions/soumission-vN.tar`.
pub fn run(dir: &Path, key: Option<&Path>) -> Result<ExitCode> {
    let key_path = key
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.join(".preau/cles/directeur.key"));
    let secret = keys::load_secret(&key_path).context("la clé du directeur est nécessaire pour soumettre\n  conseil : créez-la avec « preau keys generate --role directeur » (une fois pour toutes)")?;
    // Refused before anything is built when nothing could be verified.
    if let Some(school) = manifest::daily::school_file(dir) {
        manifest::daily::require_keys(&school)?;
    }
    let out = dir.join("public");
    let report_build = match site::build(dir, &out) {
        Ok(r) => r,
        Err(BuildError::Invalid { errors, warnings }) => {
            let mut all = errors;
            all.extend(warnings);
            super::print_diagnostics(dir, &all);
            eprintln!("\nSoumission impossible : {}.", super::count_words(&all));
            return Ok(ExitCode::from(1));
        }
        Err(BuildError::Other(e)) => return Err(e),
    };
    let loaded = crate::site::Site::load(dir, None)?;
    let site = loaded
        .site
        .ok_or_else(|| anyhow!("le site n'a pas pu être relu"))?;
    let school = &site.school.file;
    manifest::daily::require_trust(school, SignerRole::Directeur, &secret)?;
    let mut st = state::State::load(dir)?;
    let version = st.last_submitted + 1;
    let manifest = manifest::daily::new_manifest(
        dir,
        &out,
        school,
        version,
        st.approved.as_ref().map(|a| a.manifest_sha256.clone()),
    )?;
    let comment =
        submission::directeur_comment(version, &school.directeur, &school.uai, &manifest.built_at)?;
    manifest::daily::write_signed(&out, &manifest, &secret, SignerRole::Directeur, &comment)?;

    // The text of this version, and the report against the last approved one.
    let now = state::snapshot(&site.content);
    state::save_snapshot(dir, version, &now)?;
    let previous = st
        .approved
        .as_ref()
        .and_then(|a| state::load_snapshot(dir, a.version).map(|s| (a.version, s)));
    let (_, summary) = report::build(
        &school.name,
        version,
        &now,
        previous.as_ref().map(|(v, s)| (*v, s)),
    );
    // The report the IEN will render again from the sealed site.
    let (html, keys) = manifest::review::for_submission(dir, &out, &manifest)?;
    let files = manifest.files.keys().cloned().chain([
        manifest::MANIFEST.to_string(),
        manifest::signature_path(SignerRole::Directeur),
    ]);
    let submission = write_submission(dir, version, &out, files, &html, &summary, &keys)?;
    st.last_submitted = version;
    st.save(dir)?;
    println!(
        "Version {version} soumise : {} pages publiques, {} pages réservées ; {} nouveauté(s), {} modification(s), {} retrait(s).",
        report_build.pages,
        report_build.sealed_pages,
        summary.nouvelles.len(),
        summary.modifiees.len(),
        summary.supprimees.len()
    );
    println!("Envoyez à l'IEN le fichier : {}", submission.display());
    println!("(Il contient le rapport de relecture avec les espaces réservés en clair : ne le diffusez pas ailleurs.)");
    Ok(ExitCode::SUCCESS)
}

fn write_submission(
    dir: &Path,
    version: u64,
    site: &Path,
    files: impl IntoIterator<Item = String>,
    report: &str,
    summary: &report::Summary,
    keys: &[u8],
) -> Result<PathBuf> {
    let folder = dir.join(".preau/soumissions");
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!("soumission-v{version}.tar"));
    if path.exists() {
        bail!(
            "« {} » existe déjà : il n'a pas été remplacé",
            path.display()
        );
    }
    let bytes = submission::write(
        site,
        files,
        report,
        &serde_json::to_vec_pretty(summary).expect("summary serializes"),
        keys,
    )?;
    crate::access::secrets::write_private(&path, &bytes)?;
    Ok(path)
}
