//! `preau keys generate`: a minisign key pair for the directeur or the IEN.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Result};

use crate::manifest::keys;
use crate::manifest::SignerRole;

/// Writes the pair and says what to do with the public key.
pub fn run(role: &str, dir: &Path, no_password: bool) -> Result<ExitCode> {
    let role = SignerRole::parse(role).ok_or_else(|| {
        anyhow!("rôle inconnu « {role} »\n  conseil : --role directeur, --role ien ou --role enseignant")
    })?;
    let generated = keys::generate(role, dir, no_password)?;
    println!(
        "Clé secrète : {} (à garder pour vous seul·e, jamais dans le site)",
        generated.secret.display()
    );
    println!("Clé publique : {}", generated.public.display());
    if role == SignerRole::Enseignant {
        println!(
            "Donnez la clé publique au directeur ou à la directrice, qui la déclare dans ecole.yaml pour votre classe :\n\nconfiance:\n  enseignants:\n    CLASSE: {}\n",
            generated.public_base64
        );
    } else {
        println!(
            "Ajoutez la clé publique dans ecole.yaml :\n\nconfiance:\n  {}: {}\n",
            role.id(),
            generated.public_base64
        );
    }
    Ok(ExitCode::SUCCESS)
}
