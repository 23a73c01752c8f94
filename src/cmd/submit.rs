//! `preau submit` (directeur): build, sign, and write a submission for the
//! IEN with a review report. The school is loaded once; the protocol is
//! [`crate::manifest::submit`].

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::dates;
use crate::manifest::{daily, submit};
use crate::site::{BuildError, Session};

/// Builds into `DIR/public`, signs the manifest, writes `.preau/soumissions/soumission-vN.tar`.
pub fn run(dir: &Path, key: Option<&Path>) -> Result<ExitCode> {
    let secret = submit::directeur_key(dir, key)?;
    let start = Instant::now();
    let mut session = Session::new(dir, dates::today());
    let (site, warnings) = match session.load_ready() {
        Ok(ready) => ready,
        Err(BuildError::Invalid { errors, warnings }) => {
            return Ok(super::invalid_school(dir, errors, warnings, "Soumission"));
        }
        Err(BuildError::Other(e)) => return Err(e),
    };
    // Refused before anything is built when nothing could be verified.
    daily::require_keys(&site.school.file)?;
    let out = dir.join("public");
    let built = session.write(&site, warnings, &out, start)?;
    let done = submit::submit(dir, &out, &site.school.file, &site.content, &secret)?;
    println!(
        "Version {} soumise : {} pages publiques, {} pages réservées ; {} nouveauté(s), {} modification(s), {} retrait(s).",
        done.version,
        built.pages,
        built.sealed_pages,
        done.summary.added.len(),
        done.summary.modified.len(),
        done.summary.removed.len()
    );
    println!("Envoyez à l'IEN le fichier : {}", done.path.display());
    println!("(Il contient le rapport de relecture avec les espaces réservés en clair : ne le diffusez pas ailleurs.)");
    Ok(ExitCode::SUCCESS)
}
