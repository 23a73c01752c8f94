//! `preau verify`: may this site folder go online?

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::manifest::policy::{self, Trust};
use crate::manifest::state::{Approved, State};

/// Checks `site` against the trust of `school` (or the keys given);
/// records the version as approved in the school's state when it passes.
pub fn run(
    site: &Path,
    school: Option<&Path>,
    directeur: Option<&str>,
    ien: Option<&str>,
    min_version: Option<u64>,
) -> Result<ExitCode> {
    let trust = Trust::from_school_dir(school, directeur, ien)?;
    let state = match school {
        Some(dir) => State::load(dir)?,
        None => State::default(),
    };
    let known = state.approved.as_ref().map(|a| a.version);
    let min = match (min_version, known) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    // With the school's folder, its areas' keys are known: none may be in
    // the site.
    let keys = match school {
        Some(dir) => crate::manifest::sealed::school_keys(dir)?.1,
        None => Default::default(),
    };
    let verified = policy::verify(site, &trust, min, crate::dates::today()).and_then(|v| {
        let found = crate::manifest::sealed::keys_in_site(site, &v.manifest, &keys);
        if found.is_empty() {
            Ok(v)
        } else {
            Err(found.into_iter().map(policy::Problem::Sealed).collect())
        }
    });
    match verified {
        Ok(v) => {
            let signers: Vec<&str> = v.comments.keys().map(|r| r.label()).collect();
            let carried = if v.manifest.references.is_empty() {
                String::new()
            } else {
                format!(
                    " ; le reste du site, inchangé, porte l'approbation de la version {}",
                    v.manifest
                        .references
                        .get("ien")
                        .copied()
                        .unwrap_or_default()
                )
            };
            println!(
                "Site vérifié : version {} de « {} », {} fichiers conformes au manifeste, signé par {}{carried}, valable jusqu'au {}.",
                v.manifest.version,
                v.manifest.school,
                v.manifest.files.len(),
                signers.join(" et "),
                crate::dates::Date::parse(&v.manifest.expires_on).map(|d| d.long_fr()).unwrap_or(v.manifest.expires_on.clone())
            );
            if let Some(dir) = school {
                crate::manifest::daily::remember_published(dir, site)?;
                if known.is_none_or(|k| v.manifest.version >= k)
                    && v.comments.contains_key(&crate::manifest::SignerRole::Ien)
                {
                    let mut state = state;
                    state.approved = Some(Approved {
                        version: v.manifest.version,
                        manifest_sha256: v.manifest_sha256,
                    });
                    state.save(dir)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            eprintln!("Le site « {} » ne doit pas être publié :", site.display());
            for p in &problems {
                eprintln!("  - {p}");
            }
            Ok(ExitCode::from(1))
        }
    }
}
