//! `preau init`: a new school folder from the embedded starter.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

/// Writes the starter school into `dir`, which must not exist or be empty.
pub fn run(dir: &Path) -> Result<ExitCode> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .with_context(|| format!("lecture de « {} »", dir.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "le dossier « {} » existe déjà et n'est pas vide : rien n'a été écrit, pour ne rien écraser\n  conseil : choisissez un nouveau nom de dossier",
                dir.display()
            );
        }
    }
    let files = crate::theme::starter_files();
    for (name, data) in &files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("création de « {} »", parent.display()))?;
        }
        std::fs::write(&path, data)
            .with_context(|| format!("écriture de « {} »", path.display()))?;
    }
    println!(
        "École créée dans « {} » ({} fichiers).",
        dir.display(),
        files.len()
    );
    // Codes for the class areas, so that the new school builds at once.
    let diags = crate::diagnostic::Diagnostics::new();
    if let Some(school) = crate::config::School::load(dir, crate::dates::today(), &diags) {
        let secrets = crate::access::Secrets::generate(&school);
        secrets.save(dir)?;
        crate::access::letters::write_all(dir, &school, &secrets)?;
        println!(
            "Codes d'accès des familles créés dans {} (à ne jamais publier).",
            dir.join(".preau").display()
        );
    }
    println!("Ensuite :");
    println!(
        "  1. remplacez les textes d'exemple (« (à compléter) », « Prénom Nom », 0000000A…) de {0}/ecole.yaml (nom, UAI, adresse, IEN, hébergeur…), des classes et de la page d'accueil : « preau check {0} » les liste tous, et le site ne se construit pas tant qu'il en reste ;",
        dir.display()
    );
    println!("  2. vérifiez avec : preau check {}", dir.display());
    println!("  3. construisez avec : preau build {}", dir.display());
    Ok(ExitCode::SUCCESS)
}
