//! The IEN's side of a submission: open it safely (see [`submission`]),
//! check the directeur's signature and every file, then sign the approval
//! or a refusal. Every file written is new: nothing is replaced, nothing is
//! written through a link.
//!
//! [`submission`]: super::submission

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use minisign::SecretKey;

use super::comment::Comment;
use super::policy::{self, Problem, Trust, Verified};
use super::report::Summary;
use super::review::{self, Report};
use super::sealed::AreaKeys;
use super::submission::{self, Limits};
use super::{keys, signature_path, write_new, SignerRole, MANIFEST};
use crate::dates::Date;
use crate::theme::Theme;

/// A submission opened and checked, waiting for the IEN's decision.
pub struct Review {
    /// Removed with the review.
    _work: tempfile::TempDir,
    /// The submitted site, unpacked.
    pub site: PathBuf,
    /// Its manifest, checked against the directeur's signature.
    pub verified: Verified,
    /// What changed since the last approved version, counted here from
    /// the sealed sites (never the directeur's own count).
    pub summary: Summary,
    /// The report, rendered from what the keys opened.
    report: String,
    /// Where the decision's files go.
    pub place: Place,
}

/// What opening a submission gave.
pub enum Opened {
    /// Readable and signed by the directeur: ready for a decision.
    Ready(Box<Review>),
    /// Readable, but the site does not hold.
    Refused(Vec<Problem>),
}

/// Where the files of a decision go: beside the submission, named after
/// it (`soumission-v3.tar` → `rapport-v3.html`, `approuve-v3/`…).
#[derive(Debug, Clone)]
pub struct Place {
    /// The submission's folder.
    pub dir: PathBuf,
    /// What follows `soumission-` in its name (`v3`).
    pub tag: String,
}

impl Place {
    /// The place of the submission `path`.
    pub fn of(path: &Path) -> Place {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "soumission".into());
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Place {
            dir: dir.to_path_buf(),
            tag: stem.trim_start_matches("soumission-").to_string(),
        }
    }
}

/// Unpacks `path` next to it (in a private temporary folder that is
/// removed whatever happens) and checks the site against the directeur's
/// key of `trust`; the report is rendered with `theme` (the school's, when
/// the IEN names its folder). An entry the safe reader refuses is an `Err`
/// naming it.
pub fn open(path: &Path, trust: &Trust, today: Date, theme: &Theme) -> Result<Opened> {
    let place = Place::of(path);
    let parent = place.dir.as_path();
    let work = tempfile::Builder::new()
        .prefix(".preau-relecture-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "création d'un dossier de relecture dans « {} »",
                parent.display()
            )
        })?;
    let file = std::fs::File::open(path)
        .with_context(|| format!("la soumission « {} » est introuvable", path.display()))?;
    submission::unpack(
        std::io::BufReader::new(file),
        work.path(),
        &Limits::default(),
    )
    .with_context(|| {
        format!(
            "« {} » n'est pas une soumission acceptable : rien n'a été approuvé ni écrit\n  conseil : ne l'ouvrez pas autrement ; demandez au directeur ou à la directrice une nouvelle soumission faite par « preau submit »",
            path.display()
        )
    })?;
    let site = work.path().join(submission::SITE);
    // The IEN's signature is written by approve, never brought by the submission.
    let ien = signature_path(SignerRole::Ien);
    if std::fs::symlink_metadata(site.join(&ien)).is_ok() {
        return Ok(Opened::Refused(vec![Problem::Extra(ien)]));
    }
    let verified = match policy::verify_submission(&site, trust, today) {
        Ok(v) => v,
        Err(problems) => return Ok(Opened::Refused(problems)),
    };
    let report = match read_sealed(work.path(), &site, &verified.manifest, parent, theme)? {
        Ok(report) => report,
        Err(problems) => return Ok(Opened::Refused(problems)),
    };
    Ok(Opened::Ready(Box::new(Review {
        _work: work,
        site,
        verified,
        summary: report.summary,
        report: report.html,
        place,
    })))
}

/// Reads every sealed item with the submission's keys and renders the
/// report from what was read; refuses a submission whose keys are
/// missing, whose items do not open under their ids or are left unread,
/// whose site holds a key, or whose report is not the one rendered here.
fn read_sealed(
    work: &Path,
    site: &Path,
    manifest: &super::Manifest,
    beside: &Path,
    theme: &Theme,
) -> Result<Result<Report, Vec<Problem>>> {
    Ok(match check_sealed(work, site, manifest, theme)? {
        Err(problems) => Err(problems),
        Ok((first, opened, keys)) => {
            // What changed since the last approved version, when the IEN
            // kept it beside the submission (approuve-vN), read with the
            // same keys.
            match previous_approved(beside, manifest) {
                None => Ok(first),
                Some((previous, pmanifest)) => {
                    let (popened, _) = super::sealed::open_lenient(&previous, &pmanifest, &keys);
                    Ok(review::render(
                        theme,
                        site,
                        manifest,
                        &opened,
                        Some((pmanifest.version, &previous, &pmanifest, &popened)),
                    )?)
                }
            }
        }
    })
}

type Checked = (Report, super::sealed::Opened, BTreeMap<String, AreaKeys>);

/// The sealed checks of [`read_sealed`], and the report without a
/// previous version (the one `submit` put in the submission).
fn check_sealed(
    work: &Path,
    site: &Path,
    manifest: &super::Manifest,
    theme: &Theme,
) -> Result<Result<Checked, Vec<Problem>>> {
    let sealed = |why: String| Ok(Err(vec![Problem::Sealed(why)]));
    let Ok(bytes) = std::fs::read(work.join(submission::KEYS)) else {
        return sealed(format!("la soumission ne contient pas les clés des espaces (« {} ») : l'IEN ne pourrait pas lire ce qu'il signe ; demandez une soumission faite par « preau submit »", submission::KEYS));
    };
    let keys = match super::sealed::parse_keys(&bytes) {
        Ok(keys) => keys,
        Err(why) => return sealed(why),
    };
    let opened = match super::sealed::open_all(site, manifest, &keys) {
        Ok(opened) => opened,
        Err(list) => return Ok(Err(list.into_iter().map(Problem::Sealed).collect())),
    };
    let found: Vec<Problem> = super::sealed::keys_in_site(site, manifest, &keys)
        .into_iter()
        .map(Problem::Sealed)
        .collect();
    if !found.is_empty() {
        return Ok(Err(found));
    }
    let report = review::render(theme, site, manifest, &opened, None)?;
    if let Ok(given) = std::fs::read(work.join(submission::REPORT)) {
        if given != report.html.as_bytes() {
            return sealed(format!(
                "le rapport « {} » de la soumission n'est pas celui que Préau rend du site scellé : il a été modifié (ou rendu avec un autre gabarit « theme/templates/rapport.html » que celui du dossier d'école indiqué par --ecole) ; la soumission est refusée",
                submission::REPORT
            ));
        }
    }
    Ok(Ok((report, opened, keys)))
}

/// The folder `approuve-vN` beside the submission whose manifest is the
/// one `manifest` names as the previously approved, else the latest
/// earlier one the IEN approved there.
fn previous_approved(
    beside: &Path,
    manifest: &super::Manifest,
) -> Option<(PathBuf, super::Manifest)> {
    let wanted = manifest.previous_approved.as_deref();
    let mut latest: Option<(PathBuf, super::Manifest)> = None;
    for entry in std::fs::read_dir(beside).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("approuve-v") {
            continue;
        }
        let dir = entry.path();
        if let Ok((m, bytes)) = super::Manifest::read(&dir) {
            if Some(super::sha256_hex(&bytes).as_str()) == wanted {
                return Some((dir, m));
            }
            if m.version < manifest.version
                && dir.join(signature_path(SignerRole::Ien)).is_file()
                && latest.as_ref().is_none_or(|(_, l)| l.version < m.version)
            {
                latest = Some((dir, m));
            }
        }
    }
    latest
}

/// The IEN's secret key, opened (its password is asked here, when it has
/// one). The advice never says to make a new key: the schools know only
/// the IEN's declared one.
pub fn ien_key(path: &Path) -> Result<SecretKey> {
    keys::load_secret(path).context("la clé de l'IEN est nécessaire pour signer\n  conseil : indiquez votre clé de signature habituelle avec --cle (le fichier ien.key créé une fois pour toutes) ; si le mot de passe est refusé, retapez-le : ne créez pas de nouvelle clé, elle ne serait pas reconnue par les écoles")
}

/// The trusted comment of the IEN's approval.
pub fn approval_comment(version: u64, uai: &str, day: Date) -> Result<String> {
    Ok(Comment::new()
        .number("version", version)
        .word("role", "ien")
        .date("approuve_le", day)
        .uai(uai)?
        .finish())
}

/// Where [`Review::approve`] put things.
pub struct Approved {
    /// The approved site, ready to publish.
    pub site: PathBuf,
    /// The signature alone.
    pub signature: PathBuf,
    /// The signature's text.
    pub signature_text: String,
}

impl Review {
    /// The review report's bytes (HTML, never published), rendered here
    /// from the sealed site.
    pub fn report(&self) -> &str {
        &self.report
    }

    /// Writes the report beside the submission (`rapport-TAG.html`, never
    /// over an existing file); returns its path.
    pub fn write_report(&self) -> Result<PathBuf> {
        write_beside(
            &self.place.dir,
            &format!("rapport-{}", self.place.tag),
            "html",
            self.report.as_bytes(),
        )
    }

    /// What the IEN reads in the terminal before anything is asked: the
    /// school, the version, the checks done and what changed, in French.
    pub fn overview(&self) -> Vec<String> {
        let m = &self.verified.manifest;
        let s = &self.summary;
        let built = chrono::NaiveDateTime::parse_from_str(&m.built_at, "%Y-%m-%dT%H:%M:%SZ")
            .map(|t| Date(t.date()).long_fr())
            .unwrap_or_else(|_| m.built_at.clone());
        let mut lines = vec![
            format!("École : {} (UAI {})", m.school, m.uai),
            format!(
                "Version {} soumise le {built} ; signature du directeur vérifiée ; {} fichiers vérifiés.",
                m.version,
                m.files.len()
            ),
        ];
        lines.push(match (s.since, &m.previous_approved) {
            (Some(v), _) => {
                let mut line = format!(
                    "Depuis la version {v} approuvée : {} nouveauté(s), {} modification(s), {} retrait(s).",
                    s.added.len(),
                    s.modified.len(),
                    s.removed.len()
                );
                if !s.audiences.is_empty() {
                    line.push_str(&format!(
                        " Attention : {} page(s) n'ont plus les mêmes lecteurs.",
                        s.audiences.len()
                    ));
                }
                line
            }
            (None, Some(_)) => format!(
                "La version approuvée précédente n'est pas à côté de la soumission (dossier « approuve-vN ») : le rapport montre les {} pages sans distinguer ce qui a changé.",
                s.total
            ),
            (None, None) => format!(
                "Première version soumise : {} pages et éléments à relire.",
                s.total
            ),
        });
        if let Some(policy) = &m.policy {
            lines.push(policy.summary_fr());
        }
        lines
    }

    /// Signs the manifest as the IEN on `day`, moves the site to
    /// `approuve-TAG` beside the submission and writes
    /// `approbation-TAG.minisig`.
    pub fn approve(self, secret: &SecretKey, day: Date) -> Result<Approved> {
        let (dir, tag) = (self.place.dir.as_path(), self.place.tag.as_str());
        let m = &self.verified.manifest;
        let comment = approval_comment(m.version, &m.uai, day)?;
        let bytes = std::fs::read(self.site.join(MANIFEST))?;
        let signature = keys::sign(secret, &bytes, &comment)?;
        let own = minisign::PublicKey::from_secret_key(secret).map_err(|e| anyhow!("{e}"))?;
        keys::verify(&own, &bytes, &signature).map_err(|e| anyhow!("{e}"))?;
        let approved = dir.join(format!("approuve-{tag}"));
        if std::fs::symlink_metadata(&approved).is_ok() {
            bail!(
                "« {} » existe déjà : il n'a pas été remplacé",
                approved.display()
            );
        }
        let signature_file = dir.join(format!("approbation-{tag}.minisig"));
        if std::fs::symlink_metadata(&signature_file).is_ok() {
            bail!(
                "« {} » existe déjà : il n'a pas été remplacé",
                signature_file.display()
            );
        }
        write_new(
            &self.site.join(signature_path(SignerRole::Ien)),
            signature.as_bytes(),
        )?;
        std::fs::rename(&self.site, &approved).context("mise en place du site approuvé")?;
        write_new(&signature_file, signature.as_bytes())?;
        Ok(Approved {
            site: approved,
            signature: signature_file,
            signature_text: signature,
        })
    }

    /// Writes `refus-TAG.txt` beside the submission with its signature;
    /// returns its path.
    pub fn refuse(&self, secret: &SecretKey, day: Date, reason: &str) -> Result<PathBuf> {
        let (dir, tag) = (self.place.dir.as_path(), self.place.tag.as_str());
        let m = &self.verified.manifest;
        let text = format!(
            "Version {} de « {} » refusée le {} par l'IEN.\nMotif : {reason}\n",
            m.version,
            m.school,
            day.long_fr()
        );
        let comment = Comment::new()
            .number("version", m.version)
            .word("role", "ien")
            .flag("refus")
            .date("signe_le", day)
            .finish();
        let path = dir.join(format!("refus-{tag}.txt"));
        write_new(&path, text.as_bytes())?;
        write_new(
            Path::new(&format!("{}.minisig", path.display())),
            keys::sign(secret, text.as_bytes(), &comment)?.as_bytes(),
        )?;
        Ok(path)
    }
}

/// Writes `bytes` to `dir/STEM.EXT`, or `STEM-2.EXT`, `STEM-3.EXT`… when
/// the name is taken: never over an existing file or through a link.
pub fn write_beside(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
    for n in 1..100 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            write_new(&path, bytes)?;
            return Ok(path);
        }
    }
    bail!(
        "trop de fichiers « {stem}-N.{ext} » dans « {} »",
        dir.display()
    )
}
