//! `preau access`: the families' codes — create, rotate, print letters.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::access::{letters, CodeHolder, Secrets};
use crate::cli::AccessAction;
use crate::config::School;
use crate::diagnostic::Diagnostics;

/// Runs one access action on the school at `dir`.
pub fn run(action: AccessAction, dir: &Path) -> Result<ExitCode> {
    let diags = Diagnostics::new();
    let Some(school) = School::load(dir, crate::dates::today(), &diags) else {
        super::print_diagnostics(dir, &diags.into_sorted());
        bail!("« {} » n'est pas un dossier d'école utilisable\n  conseil : indiquez le dossier de l'école avec --ecole", dir.display());
    };
    let existing = Secrets::load(dir)?;
    match action {
        AccessAction::Generate => {
            let (mut secrets, fresh) = match existing {
                Some(s) => (s, false),
                None => (Secrets::generate(&school), true),
            };
            let added = if fresh {
                crate::access::secrets::all_holders(&school)
            } else {
                secrets.add_missing(&school)
            };
            if added.is_empty() {
                println!("Chaque classe a déjà son code : rien n'a changé. (« preau access codes » les affiche.)");
                return Ok(ExitCode::SUCCESS);
            }
            secrets.save(dir)?;
            println!(
                "Codes créés pour : {}.",
                added.iter().map(label).collect::<Vec<_>>().join(", ")
            );
            print_codes(&school, &secrets, &added);
            let written = letters::write_all(dir, &school, &secrets)?;
            println!(
                "Lettres aux familles : {} (à imprimer et distribuer).",
                dir.join(".preau/lettres").display()
            );
            println!(
                "Les secrets sont dans {} : ne publiez et ne partagez jamais ce dossier.",
                dir.join(".preau").display()
            );
            let _ = written;
        }
        AccessAction::Rotate { role } => {
            let Some(mut secrets) = existing else {
                bail!("l'école n'a pas encore de codes\n  conseil : lancez d'abord « preau access generer »");
            };
            let Some(role) =
                CodeHolder::parse(&role).or_else(|| CodeHolder::parse(&format!("classe:{role}")))
            else {
                bail!("« {role} » n'est ni une classe ni « equipe »");
            };
            if let CodeHolder::Class(id) = &role {
                if school.class(id).is_none() {
                    bail!(
                        "classe inconnue « {id} »\n  conseil : classes de l'école : {}",
                        school.class_ids().join(", ")
                    );
                }
            }
            secrets.rotate(&role, &school);
            secrets.save(dir)?;
            letters::write_all(dir, &school, &secrets)?;
            println!(
                "Nouveau code pour {} : {}",
                label(&role),
                secrets.code(&role).unwrap_or_default()
            );
            println!("L'ancien code n'ouvrira rien du site reconstruit. Reconstruisez et publiez le site, puis distribuez la nouvelle lettre ({}).", dir.join(".preau/lettres").display());
            if role == CodeHolder::Staff {
                println!("Le code de l'équipe ouvrait tout : toutes les clés ont changé ; les familles gardent leur code.");
            } else {
                println!("Les autres classes gardent leur code.");
            }
        }
        AccessAction::Letters => {
            let Some(secrets) = existing else {
                bail!("l'école n'a pas encore de codes\n  conseil : lancez d'abord « preau access generer »");
            };
            let written = letters::write_all(dir, &school, &secrets)?;
            for path in &written {
                println!("{}", path.display());
            }
            println!(
                "{} lettres écrites : ouvrez-les dans un navigateur et imprimez-les.",
                written.len()
            );
        }
        AccessAction::Codes => {
            let Some(secrets) = existing else {
                bail!("l'école n'a pas encore de codes\n  conseil : lancez d'abord « preau access generer »");
            };
            print_codes(
                &school,
                &secrets,
                &crate::access::secrets::all_holders(&school),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn label(role: &CodeHolder) -> String {
    match role {
        CodeHolder::Class(id) => format!("classe {id}"),
        CodeHolder::Staff => "équipe".into(),
    }
}

fn print_codes(school: &School, secrets: &Secrets, roles: &[CodeHolder]) {
    for role in roles {
        let name = match role {
            CodeHolder::Class(id) => school
                .class(id)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| id.clone()),
            CodeHolder::Staff => "Équipe (ouvre tous les espaces)".into(),
        };
        println!("  {name} : {}", secrets.code(role).unwrap_or("?"));
    }
}
