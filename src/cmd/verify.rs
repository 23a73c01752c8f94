//! `preau verify`: may this site folder go online? Given a commune folder,
//! each school's newest approved site against its own keys.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::deploy::school::{self, Check};
use crate::manifest::policy::Verified;

/// Checks `site` against the trust of `school` (or the keys given);
/// records the version as approved in the school's state when it passes.
pub fn run(
    site: &Path,
    school: Option<&Path>,
    directeur: Option<&str>,
    ien: Option<&str>,
    min_version: Option<u64>,
) -> Result<ExitCode> {
    if crate::commune::is_commune(site) && school.is_none() {
        return run_commune(site);
    }
    let check = Check {
        site,
        school,
        directeur,
        ien,
        min_version,
    };
    match school::verify(&check)? {
        Ok(v) => {
            println!("{}", summary(&v));
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

/// « Site vérifié : version 3 de … ».
fn summary(v: &Verified) -> String {
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
    format!(
        "Site vérifié : version {} de « {} », {} fichiers conformes au manifeste, signé par {}{carried}, valable jusqu'au {}.",
        v.manifest.version,
        v.manifest.school,
        v.manifest.files.len(),
        signers.join(" et "),
        crate::dates::Date::parse(&v.manifest.expires_on)
            .map(|d| d.long_fr())
            .unwrap_or(v.manifest.expires_on.clone())
    )
}

/// A commune folder: each school's verdict under its name, a summary at
/// the end; exit code 1 when one school's site must not be published.
fn run_commune(dir: &Path) -> Result<ExitCode> {
    let commune = crate::commune::Commune::load(dir)?;
    let results = crate::deploy::commune::verify_all(&commune);
    let mut refused = 0;
    for result in &results {
        let name = crate::commune::Commune::name(&result.dir);
        let site = result
            .site
            .as_ref()
            .map(|s| format!(" (site « {} »)", s.display()))
            .unwrap_or_default();
        match &result.verdict {
            Ok(Ok(v)) => println!("✓ {name}{site}\n  {}", summary(v)),
            Ok(Err(problems)) => {
                refused += 1;
                println!("✗ {name} : ne doit pas être publiée{site}");
                for p in problems {
                    println!("  - {p}");
                }
            }
            Err(e) => {
                refused += 1;
                println!("✗ {name} : ne doit pas être publiée{site}");
                for line in format!("{e:#}").lines() {
                    println!("  {line}");
                }
            }
        }
    }
    println!(
        "\nCommune « {} » : {} école(s) — {} vérifiée(s), {refused} refusée(s).",
        commune.file.nom,
        results.len(),
        results.len() - refused
    );
    Ok(if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
