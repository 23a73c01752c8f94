//! `preau deploy`: an approved site to where families read it; given a
//! commune folder, each school's newest approved site to its own target.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::deploy::commune::{self as many, CommuneOptions, Outcome, PageOutcome};
use crate::deploy::school::{self, Published, Request};

/// Publishes `site` to the target of `school`'s ecole.yaml (or `to`); when
/// `site` is a commune folder, every school of it.
pub fn run(
    site: &Path,
    school: &Path,
    to: Option<&Path>,
    dry_run: bool,
    force_rollback: bool,
    full_check: bool,
) -> Result<ExitCode> {
    if crate::commune::is_commune(site) {
        return run_commune(site, to, dry_run, force_rollback, full_check);
    }
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |done: usize, total: usize, path: &str| {
        if terminal {
            eprint!("\r\x1b[2K[{done}/{total}] {path}");
        }
    };
    // A school of a commune, published alone, goes where the commune puts it.
    let fallback = many::commune_target_of(school);
    let req = Request {
        site,
        school,
        to,
        fallback: fallback.as_ref(),
        dry_run,
        allow_rollback: force_rollback,
        full_check,
    };
    let published = school::publish(&req, &mut progress)?;
    if terminal && !dry_run {
        eprintln!();
    }
    for line in report(&published, dry_run) {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// What a deploy prints: notes, files put back, the summary.
fn report(published: &Published, dry_run: bool) -> Vec<String> {
    let Published { plan, destination } = published;
    let mut lines = Vec::new();
    for note in &plan.notes {
        lines.push(format!("Attention : {note}."));
    }
    for p in &plan.altered {
        if dry_run {
            lines.push(format!("Modifié en ligne, serait remis en place : « {p} »"));
        } else {
            lines.push(format!("Modifié en ligne, remis en place : « {p} »"));
        }
    }
    let online = plan
        .online
        .map(|v| format!("version {v}"))
        .unwrap_or_else(|| "rien".into());
    let size = crate::render::file_size(plan.bytes);
    if dry_run {
        lines.push(format!("Essai : la version {} remplacerait {online} en ligne ; {} fichier(s) à envoyer ({size}), {} à retirer.", plan.version, plan.upload.len(), plan.remove.len()));
        lines.extend(plan.upload.iter().map(|p| format!("  + {p}")));
        lines.extend(plan.remove.iter().map(|p| format!("  - {p}")));
        lines.push("Rien n'a été envoyé.".into());
    } else {
        lines.push(format!(
            "Version {} publiée vers {} : {} fichier(s) envoyé(s) ({size}), {} retiré(s) ; en ligne auparavant : {online}.",
            plan.version,
            destination,
            plan.upload.len(),
            plan.remove.len()
        ));
    }
    lines
}

/// A commune folder: every school in parallel, each one's report under its
/// name as it finishes, a summary at the end; exit code 1 when one was
/// refused.
fn run_commune(
    dir: &Path,
    to: Option<&Path>,
    dry_run: bool,
    force_rollback: bool,
    full_check: bool,
) -> Result<ExitCode> {
    let commune = crate::commune::Commune::load(dir)?;
    let total = commune.schools.len();
    if force_rollback {
        println!("Attention : --forcer-retour-arriere vaut pour chaque école de la commune : une école dont la dernière version approuvée est plus ancienne que celle en ligne y revient.");
    }
    let print = std::sync::Mutex::new(0usize);
    let opt = CommuneOptions {
        to,
        dry_run,
        full_check,
        allow_rollback: force_rollback,
    };
    let results = many::publish_all(&commune, &opt, &|result| {
        let mut finished = print.lock().expect("no panic holding it");
        *finished += 1;
        let name = crate::commune::Commune::name(&result.dir);
        let site = result
            .site
            .as_ref()
            .map(|s| format!(" (site « {} »)", s.display()))
            .unwrap_or_default();
        match &result.outcome {
            Outcome::Published(p) | Outcome::Unchanged(p) => {
                let mark = if matches!(result.outcome, Outcome::Published(_)) {
                    "✓"
                } else {
                    "="
                };
                println!("{mark} {name} [{}/{total}]{site}", *finished);
                for line in report(p, dry_run) {
                    println!("  {line}");
                }
            }
            Outcome::Refused(why) => {
                println!(
                    "✗ {name} [{}/{total}] : refusée, rien n'a été envoyé{site}",
                    *finished
                );
                for line in why.lines() {
                    println!("  {line}");
                }
            }
        }
    });
    // The commune's home page, beside the schools' folders: every school is
    // listed, even one refused here (its previous version stays online).
    let page = many::publish_home_page(&commune, &opt);
    let page_refused = matches!(page, PageOutcome::Refused(_));
    match page {
        PageOutcome::Published { destination, sent } => {
            let verb = if dry_run { "serait publiée" } else { "publiée" };
            println!(
                "✓ page des écoles : {verb} vers {destination} ({} fichier(s) : {})",
                sent.len(),
                sent.join(", ")
            );
        }
        PageOutcome::Unchanged { destination } => {
            println!("= page des écoles : inchangée ({destination}), rien n'a été envoyé");
        }
        PageOutcome::Refused(why) => {
            println!("✗ page des écoles : non publiée, celle en ligne reste telle quelle");
            for line in why.iter().flat_map(|w| w.lines()) {
                println!("  {line}");
            }
            println!("  conseil : corrigez ces points (« preau check {} » montre chacun à sa ligne), puis relancez la publication", dir.display());
        }
        PageOutcome::NoRoot => println!(
            "Page des écoles non publiée : commune.yaml n'a pas de « publication: » (la racine où la publier)."
        ),
    }
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let published = count(|o| matches!(o, Outcome::Published(_)));
    let unchanged = count(|o| matches!(o, Outcome::Unchanged(_)));
    let refused = count(|o| matches!(o, Outcome::Refused(_)));
    let verb = if dry_run {
        "à publier (essai)"
    } else {
        "publiée(s)"
    };
    println!(
        "\nCommune « {} » : {total} école(s) — {published} {verb}, {refused} refusée(s), {unchanged} inchangée(s).",
        commune.file.nom
    );
    Ok(if refused > 0 || page_refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
