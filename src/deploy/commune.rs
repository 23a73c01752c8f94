//! Every school of a commune checked or published in one command, in
//! parallel, each with its own keys, approvals and target; one refused
//! school stops no other.
//!
//! A school's site to publish is its newest approved version kept in its
//! folder: an `approuve-vN` folder in `.preau/soumissions/` (where
//! `preau approve` leaves it beside the submission, and where the
//! directeur puts the one the IEN sends back), or the class version
//! `preau publier-classe` last signed (`.preau/publication-classe`).
//! Its target is the one its `ecole.yaml` names, else its own folder
//! `<école>` under the commune's deploy root (`publication:` of
//! `commune.yaml`). The commune's home page goes to that root itself,
//! rendered at deploy time ([`publish_home_page`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{anyhow, Result};
use rayon::prelude::*;

use super::school::{self, Check, Published, Request};
use crate::commune::Commune;
use crate::config::PublishTarget;
use crate::manifest::policy::{Problem, Verified};

/// Where a school keeps its approved versions.
pub const APPROVED_DIR: &str = ".preau/soumissions";

/// Where `preau publier-classe` leaves the class version it signed.
const CLASS_VERSION_DIR: &str = ".preau/publication-classe";

/// The school's newest approved site (highest manifest version), if any.
pub fn approved_site(school: &Path) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(school.join(APPROVED_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("approuve-v"))
        .map(|e| e.path())
        .collect();
    candidates.push(school.join(CLASS_VERSION_DIR));
    candidates
        .into_iter()
        .filter_map(|dir| {
            let (manifest, _) = crate::manifest::Manifest::read(&dir).ok()?;
            Some((manifest.version, dir))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, dir)| dir)
}

/// The school's folder under the commune's deploy root: `chemin/<école>`
/// for a folder, `dossier/<école>` on an FTP or SFTP server,
/// `prefixe/<école>/` in a bucket.
pub fn school_target(commune: &Commune, school: &Path) -> Option<PublishTarget> {
    let root = commune.file.publication.as_ref()?;
    let name = Commune::name(school);
    let mut t = root.clone();
    match t.kind.as_str() {
        "dossier" => {
            let base = commune.root.join(t.path.as_deref().unwrap_or("."));
            let dir = std::path::absolute(base.join(&name)).unwrap_or(base.join(&name));
            t.path = Some(dir.to_string_lossy().into_owned());
        }
        "ftp" | "sftp" => {
            let base = t.folder.as_deref().unwrap_or("/").trim_end_matches('/');
            t.folder = Some(format!("{base}/{name}"));
        }
        "s3" => {
            let base = t.prefix.as_deref().unwrap_or("").trim_matches('/');
            t.prefix = Some(if base.is_empty() {
                format!("{name}/")
            } else {
                format!("{base}/{name}/")
            });
        }
        _ => {}
    }
    Some(t)
}

/// The commune's target for `school` when the folder around it is a
/// commune folder (a school published alone).
pub fn commune_target_of(school: &Path) -> Option<PublishTarget> {
    let school = std::fs::canonicalize(school).ok()?;
    let root = school.parent()?;
    if !crate::commune::is_commune(root) {
        return None;
    }
    let commune = Commune::load(root).ok()?;
    school_target(&commune, &school)
}

fn no_approved_site(school: &Path) -> String {
    format!(
        "aucune version approuvée dans « {} »\n  conseil : soumettez le site (preau submit), faites-le approuver par l'IEN et placez le dossier approuve-vN reçu dans ce dossier",
        school.join(APPROVED_DIR).display()
    )
}

/// What happened to one school's deploy.
pub enum Outcome {
    /// Sent (or, in a dry run, would be sent).
    Published(Published),
    /// Nothing to send: what is online is this version already.
    Unchanged(Published),
    /// Refused or failed, with the reason; nothing more was sent.
    Refused(String),
}

/// One school's deploy result.
pub struct SchoolDeploy {
    /// The school folder.
    pub dir: PathBuf,
    /// The site published, when there was one.
    pub site: Option<PathBuf>,
    /// What happened.
    pub outcome: Outcome,
}

/// Options of a commune deploy.
pub struct CommuneOptions<'a> {
    /// A folder to publish into (each school into `<to>/<école>`), instead
    /// of the targets configured.
    pub to: Option<&'a Path>,
    /// Only say what would change.
    pub dry_run: bool,
    /// Download and hash every file online.
    pub full_check: bool,
    /// Accept, for every school, a version lower than the one online or
    /// recorded (`--forcer-retour-arriere`, as for one school).
    pub allow_rollback: bool,
}

/// Publishes each school's newest approved site to its target, in
/// parallel; `done` is told of each school as it finishes.
pub fn publish_all(
    commune: &Commune,
    opt: &CommuneOptions<'_>,
    done: &(dyn Fn(&SchoolDeploy) + Sync),
) -> Vec<SchoolDeploy> {
    let results = Mutex::new(Vec::new());
    commune.schools.par_iter().for_each(|dir| {
        let site = approved_site(dir);
        let outcome = match &site {
            None => Outcome::Refused(no_approved_site(dir)),
            Some(site) => {
                let to = opt.to.map(|t| t.join(Commune::name(dir)));
                let fallback = school_target(commune, dir);
                let req = Request {
                    site,
                    school: dir,
                    to: to.as_deref(),
                    fallback: fallback.as_ref(),
                    dry_run: opt.dry_run,
                    allow_rollback: opt.allow_rollback,
                    full_check: opt.full_check,
                };
                match school::publish(&req, &mut |_, _, _| {}) {
                    Ok(p) if p.plan.upload.is_empty() && p.plan.remove.is_empty() => {
                        Outcome::Unchanged(p)
                    }
                    Ok(p) => Outcome::Published(p),
                    Err(e) => Outcome::Refused(format!("{e:#}")),
                }
            }
        };
        let result = SchoolDeploy {
            dir: dir.clone(),
            site,
            outcome,
        };
        done(&result);
        results.lock().expect("no panic holding it").push(result);
    });
    let mut results = results.into_inner().expect("no panic holding it");
    results.sort_by(|a, b| a.dir.cmp(&b.dir));
    results
}

/// What happened to the commune's home page.
pub enum PageOutcome {
    /// Sent (or, in a dry run, would be sent): these files.
    Published {
        /// How messages name the target.
        destination: String,
        /// The files sent.
        sent: Vec<String>,
    },
    /// What is online is this page already: nothing sent.
    Unchanged {
        /// How messages name the target.
        destination: String,
    },
    /// Not sent, with the reasons; what was online stays.
    Refused(Vec<String>),
    /// The commune has no deploy root (`publication:` of commune.yaml)
    /// and none was given: nothing to do.
    NoRoot,
}

/// Publishes the commune's home page at the commune's deploy root (or
/// `opt.to`), beside the schools' folders. The page is rendered here from
/// `commune.yaml` and the schools' `ecole.yaml` (see
/// [`crate::commune::home_page_files`]), never read back from a build
/// folder: nobody signs it, so no byte someone could have changed on disk
/// after a build is sent. Refused when its listing is not consistent;
/// only the files whose bytes differ online are sent.
pub fn publish_home_page(commune: &Commune, opt: &CommuneOptions<'_>) -> PageOutcome {
    match home_page_to(commune, opt) {
        Ok(outcome) => outcome,
        Err(e) => PageOutcome::Refused(vec![format!("{e:#}")]),
    }
}

fn home_page_to(commune: &Commune, opt: &CommuneOptions<'_>) -> Result<PageOutcome> {
    if opt.to.is_none() && commune.file.publication.is_none() {
        return Ok(PageOutcome::NoRoot);
    }
    let page = crate::commune::home_page_files(commune)?;
    if !page.problems.is_empty() {
        return Ok(PageOutcome::Refused(page.problems));
    }
    let (mut target, destination) = match (opt.to, commune.file.publication.as_ref()) {
        (Some(dir), _) => (
            Box::new(super::folder::Folder::new(dir)?) as Box<dyn super::Target>,
            dir.display().to_string(),
        ),
        (None, Some(t)) => super::open::publish_target(t, &commune.root)?,
        (None, None) => return Ok(PageOutcome::NoRoot),
    };
    let mut sent = Vec::new();
    // The style sheet first, the page that uses it last.
    for (path, bytes) in page.files.iter().rev() {
        if target.read(path)?.as_deref() == Some(bytes.as_slice()) {
            continue;
        }
        if !opt.dry_run {
            target.write(path, bytes)?;
        }
        sent.push(path.clone());
    }
    Ok(if sent.is_empty() {
        PageOutcome::Unchanged { destination }
    } else {
        PageOutcome::Published { destination, sent }
    })
}

/// One school's check: its site and the verdict.
pub struct SchoolCheck {
    /// The school folder.
    pub dir: PathBuf,
    /// The site checked, when there was one.
    pub site: Option<PathBuf>,
    /// The verdict, or why there was none.
    pub verdict: Result<Result<Verified, Vec<Problem>>>,
}

/// Checks each school's newest approved site against its own trust, in
/// parallel, in folder order.
pub fn verify_all(commune: &Commune) -> Vec<SchoolCheck> {
    commune
        .schools
        .par_iter()
        .map(|dir| {
            let site = approved_site(dir);
            let verdict = match &site {
                None => Err(anyhow!(no_approved_site(dir))),
                Some(site) => school::verify(&Check {
                    site,
                    school: Some(dir),
                    directeur: None,
                    ien: None,
                    min_version: None,
                }),
            };
            SchoolCheck {
                dir: dir.clone(),
                site,
                verdict,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(publication: &str) -> Commune {
        let file =
            serde_yaml::from_str(&format!("nom: Ville\npublication:\n{publication}")).unwrap();
        Commune {
            root: PathBuf::from("/srv/ville"),
            file,
            schools: vec![PathBuf::from("/srv/ville/tilleuls")],
        }
    }

    #[test]
    fn each_school_has_its_own_folder_under_the_commune_root() {
        let school = Path::new("/srv/ville/tilleuls");
        let folder = commune("  type: dossier\n  chemin: web\n");
        assert_eq!(
            school_target(&folder, school).unwrap().path.as_deref(),
            Some("/srv/ville/web/tilleuls")
        );
        let ftp = commune("  type: ftp\n  hote: ftp.ville.fr\n  dossier: /www/\n");
        assert_eq!(
            school_target(&ftp, school).unwrap().folder.as_deref(),
            Some("/www/tilleuls")
        );
        let sftp = commune("  type: sftp\n  hote: web.ville.fr\n");
        assert_eq!(
            school_target(&sftp, school).unwrap().folder.as_deref(),
            Some("/tilleuls")
        );
        let s3 = commune(
            "  type: s3\n  adresse: https://s3.example\n  compartiment: b\n  prefixe: ecoles\n",
        );
        assert_eq!(
            school_target(&s3, school).unwrap().prefix.as_deref(),
            Some("ecoles/tilleuls/")
        );
        let mut none = commune("  type: dossier\n");
        none.file.publication = None;
        assert!(school_target(&none, school).is_none());
    }
}
