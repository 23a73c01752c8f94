//! `preau annee`: the school year turns over — the plan in French, then
//! (unless `--essai`) the rollover itself.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::config::School;
use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::slug::slashed;
use crate::year::{self, ClassFate, Outcome, Plan};

/// Prepares the year that starts on `date` (default: today) for the school
/// at `dir`, or for each school of a commune folder (their classes kept).
pub fn run(
    dir: &Path,
    date: Option<&str>,
    classes: Option<&str>,
    dry_run: bool,
) -> Result<ExitCode> {
    if !crate::commune::is_commune(dir) {
        return run_school(dir, date, classes, dry_run);
    }
    if classes.is_some() {
        anyhow::bail!("--classes ne s'applique qu'à une école, pas à une commune\n  conseil : lancez « preau annee DOSSIER_DE_L_ECOLE --classes … » pour une école dont les classes changent, puis « preau annee » sur la commune pour les autres");
    }
    let commune = crate::commune::Commune::load(dir)?;
    let mut failed = 0;
    for school in &commune.schools {
        println!("\n== {} ==", crate::commune::Commune::name(school));
        match run_school(school, date, None, dry_run) {
            Ok(code) if code == ExitCode::SUCCESS => {}
            Ok(_) => failed += 1,
            Err(e) => {
                eprintln!("{}: erreur : {e:#}", school.display());
                failed += 1;
            }
        }
    }
    println!(
        "\nCommune « {} » : {} école(s), {failed} avec des problèmes.",
        commune.file.nom,
        commune.schools.len()
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// [`run`] for one school.
fn run_school(
    dir: &Path,
    date: Option<&str>,
    classes: Option<&str>,
    dry_run: bool,
) -> Result<ExitCode> {
    let diags = Diagnostics::new();
    let date_given = date.is_some();
    let date = match date {
        None => crate::dates::today(),
        Some(text) => match Date::parse(text) {
            Ok(d) => d,
            Err(msg) => {
                diags.push(
                    Diagnostic::error("ecole.yaml", format!("--date : {msg}"))
                        .hint("donnez le jour de la rentrée sous la forme AAAA-MM-JJ, par exemple --date 2027-09-01."),
                );
                crate::dates::today()
            }
        },
    };
    let specs = classes.map(|text| year::parse_classes(text, &diags));
    let school = School::load(dir, crate::dates::today(), &diags);
    let outcome = match &school {
        // Planned even after a problem, so that every problem is reported at once.
        Some(school) => year::plan(dir, school, date, specs, &diags),
        None => None,
    };
    let problems = diags.into_sorted();
    let Some(outcome) = outcome.filter(|_| {
        problems
            .iter()
            .all(|d| d.severity != crate::diagnostic::Severity::Error)
    }) else {
        super::print_diagnostics(dir, &problems);
        eprintln!(
            "\nRentrée non préparée : {}. Rien n'a été modifié ; corrigez puis relancez « preau annee ».",
            super::count_words(&problems)
        );
        return Ok(ExitCode::from(1));
    };
    super::print_diagnostics(dir, &problems);
    let plan = match outcome {
        Outcome::AlreadyDone(year) => {
            println!("Rien à faire : l'école est déjà en {year} (« annee_scolaire » de ecole.yaml). Aucun fichier n'a été modifié.");
            if !date_given {
                println!("Pour préparer l'année suivante, donnez le jour de sa rentrée : preau annee --date AAAA-MM-JJ --essai");
            }
            return Ok(ExitCode::SUCCESS);
        }
        Outcome::Planned(plan) => plan,
    };
    print_plan(&plan);
    if dry_run {
        println!("\nEssai : aucun fichier n'a été modifié. Relancez sans --essai pour préparer la rentrée.");
        return Ok(ExitCode::SUCCESS);
    }
    let applied = year::apply(dir, &plan)?;
    println!(
        "\nRentrée {} préparée : {} fichiers copiés dans {}, {} retirés des classes après vérification de leur copie.",
        plan.to_year,
        applied.archived,
        plan.archive.display(),
        applied.removed
    );
    println!("Nouveaux codes : chaque classe et l'équipe ; les codes de {} n'ouvriront plus rien du site reconstruit.", plan.from_year);
    println!("  Équipe (ouvre tous les espaces et les archives) : voir « preau access codes ».");
    println!(
        "Lettres aux familles : {} (à imprimer et distribuer).",
        dir.join(".preau/lettres").display()
    );
    print_next(&plan);
    Ok(ExitCode::SUCCESS)
}

fn print_plan(plan: &Plan) {
    println!(
        "Rentrée {} (le {}) — l'année {} part aux archives.",
        plan.to_year,
        plan.date.long_fr(),
        plan.from_year
    );
    println!(
        "Archives : {}/ — réservées à l'équipe (seul le code de l'équipe les ouvre sur le site).",
        slashed(&plan.archive)
    );
    println!("\nClasses :");
    for fate in &plan.fates {
        let (id, what) = match fate {
            ClassFate::Kept(id) => (
                id.clone(),
                "continue ; son blog, son cahier et son agenda partent aux archives".to_string(),
            ),
            ClassFate::Renamed(old, new) => (
                old.clone(),
                format!("continue sous le nom « {new} » (classe.yaml recopié)"),
            ),
            ClassFate::Closed(id) => (
                id.clone(),
                "se termine : tout part aux archives".to_string(),
            ),
            ClassFate::Created(id) => (
                id.clone(),
                format!("nouvelle classe (classes/{id}/classe.yaml à compléter)"),
            ),
        };
        let count = plan
            .files
            .iter()
            .filter(|f| f.from.starts_with(Path::new("classes").join(&id)))
            .count();
        if count > 0 {
            println!("  {id} : {what} ({count} fichiers archivés)");
        } else {
            println!("  {id} : {what}");
        }
    }
    let moved = plan.files.iter().filter(|f| !f.keep).count();
    let kept = plan.files.iter().filter(|f| f.keep).count();
    let done = plan.files.iter().filter(|f| f.done).count();
    println!("\nFichiers : {moved} déplacés vers les archives, {kept} gardés en place (avec une copie aux archives), {} recopiés dans les nouvelles classes{}.",
        plan.carries.len(),
        if done > 0 { format!(", {done} déjà aux archives") } else { String::new() });
    println!("Rien n'est supprimé : chaque fichier retiré d'une classe est d'abord copié et vérifié dans l'archive.");
    if plan.kept_resources.is_empty() {
        println!("Ressources gardées : aucune (« garder: true » dans l'en-tête de ressources.md les garde pour l'année suivante).");
    } else {
        for rel in &plan.kept_resources {
            println!("Ressources gardées : {}", slashed(rel));
        }
    }
    println!("\necole.yaml : annee_scolaire {} → {} ; classes : [{}] (l'ancien ecole.yaml est copié aux archives).", plan.from_year, plan.to_year, plan.classes.join(", "));
    for (rel, _) in plan
        .rewritten
        .iter()
        .filter(|(r, _)| r != Path::new("ecole.yaml"))
    {
        println!(
            "{} : l'année {} devient {}.",
            slashed(rel),
            plan.from_year,
            plan.to_year
        );
    }
    println!("Codes : nouveaux codes pour chaque classe et pour l'équipe, nouvelles lettres ; les anciens codes sont gardés dans .preau/archives/{}/.", plan.from_year);
}

fn print_next(plan: &Plan) {
    println!("\nEnsuite :");
    println!("  1. Complétez nom, niveau et enseignant·es dans le classe.yaml de chaque classe ; vérifiez directeur, IEN et hébergeur dans ecole.yaml.");
    println!("  2. « preau check » puis « preau build » : le site de {} se construit, les archives dans l'espace de l'équipe.", plan.to_year);
    println!("  3. Imprimez les lettres (« preau access lettres ») et donnez le nouveau code de l'équipe aux enseignant·es.");
    println!(
        "  4. « preau submit » : la nouvelle année demande une nouvelle approbation de l'IEN."
    );
}
