//! One school's publication, as `preau verify` and `preau deploy` run it
//! for a school alone or for each school of a commune: the school's own
//! keys, its own record of the last approved version, its own target.

use std::path::Path;

use anyhow::Result;

use super::{deploy, open, Options, Plan};
use crate::config::PublishTarget;
use crate::manifest::policy::{self, Problem, Trust, Verified};
use crate::manifest::state::{Approved, State};

/// What `preau verify` is given.
pub struct Check<'a> {
    /// The site folder to check.
    pub site: &'a Path,
    /// The school folder (its trust and last approved version), if any.
    pub school: Option<&'a Path>,
    /// The directeur's public key, instead of the school's.
    pub directeur: Option<&'a str>,
    /// The IEN's public key, instead of the school's.
    pub ien: Option<&'a str>,
    /// Refuse a version lower than this one.
    pub min_version: Option<u64>,
}

/// Checks a site against the school's trust, refusing a version older than
/// the one the school last approved; when it passes, the school remembers
/// it as published and, when the IEN signed it, as its approved version.
pub fn verify(check: &Check<'_>) -> Result<Result<Verified, Vec<Problem>>> {
    let trust = Trust::from_school_dir(check.school, check.directeur, check.ien)?;
    let state = match check.school {
        Some(dir) => State::load(dir)?,
        None => State::default(),
    };
    let known = state.approved.as_ref().map(|a| a.version);
    let min = match (check.min_version, known) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let verified = match policy::verify(check.site, &trust, min, crate::dates::today()) {
        Ok(v) => v,
        Err(problems) => return Ok(Err(problems)),
    };
    if let Some(problem) = check
        .school
        .map(|dir| policy_not_applied(dir, &verified.manifest))
        .transpose()?
        .flatten()
    {
        return Ok(Err(vec![problem]));
    }
    // With the school's folder, its areas' keys are known: none may be in
    // the site.
    if let Some(dir) = check.school {
        let keys = crate::manifest::sealed::school_keys(dir)?.1;
        let found = crate::manifest::sealed::keys_in_site(check.site, &verified.manifest, &keys);
        if !found.is_empty() {
            return Ok(Err(found.into_iter().map(Problem::Sealed).collect()));
        }
    }
    if let Some(dir) = check.school {
        crate::manifest::daily::remember_published(dir, check.site)?;
        if known.is_none_or(|k| verified.manifest.version >= k)
            && verified
                .comments
                .contains_key(&crate::manifest::SignerRole::Ien)
        {
            let mut state = state;
            state.approved = Some(Approved {
                version: verified.manifest.version,
                manifest_sha256: verified.manifest_sha256.clone(),
            });
            state.save(dir)?;
        }
    }
    Ok(Ok(verified))
}

/// What `preau deploy` is given for one school.
pub struct Request<'a> {
    /// The approved site folder.
    pub site: &'a Path,
    /// The school folder.
    pub school: &'a Path,
    /// A folder to publish into, instead of the school's target.
    pub to: Option<&'a Path>,
    /// The target when `ecole.yaml` names none (the commune's, for this school).
    pub fallback: Option<&'a PublishTarget>,
    /// Only say what would change.
    pub dry_run: bool,
    /// Accept a version lower than the one online or recorded.
    pub allow_rollback: bool,
    /// Download and hash every file online.
    pub full_check: bool,
}

/// What a deploy did, and where.
pub struct Published {
    /// What was (or would be) sent and removed.
    pub plan: Plan,
    /// How messages name the target.
    pub destination: String,
}

/// Opens the school's target and publishes its approved site there.
pub fn publish(
    req: &Request<'_>,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Published> {
    let trust = Trust::from_school_dir(Some(req.school), None, None)?;
    // The policy signed must be the one applied: a policy loosened in
    // ecole.yaml or commune.yaml after the IEN's approval stops the deploy.
    if let Ok((manifest, _)) = crate::manifest::Manifest::read(req.site) {
        if let Some(problem) = policy_not_applied(req.school, &manifest)? {
            anyhow::bail!("ce site ne peut pas être publié : rien n'a été envoyé.\n  - {problem}");
        }
    }
    let (mut target, destination) = open::target_or(req.school, req.to, req.fallback)?;
    let opt = Options {
        site: req.site,
        school: req.school,
        trust: &trust,
        today: crate::dates::today(),
        dry_run: req.dry_run,
        allow_rollback: req.allow_rollback,
        full_check: req.full_check,
    };
    let plan = deploy(&opt, target.as_mut(), progress)?;
    Ok(Published { plan, destination })
}

/// Whether the policy the school folder `dir` applies now (its
/// `confiance`, completed by its commune's) differs from the one signed in
/// `manifest` (a manifest without one, of the first format, is not
/// compared).
pub fn policy_not_applied(
    dir: &Path,
    manifest: &crate::manifest::Manifest,
) -> Result<Option<Problem>> {
    let Some(signed) = &manifest.policy else {
        return Ok(None);
    };
    let applied = policy::school_policy(dir)?;
    let changes = signed.changes_to(&applied);
    Ok((!changes.is_empty()).then(|| Problem::PolicyNotApplied {
        version: manifest.version,
        source: crate::config::commune_trust::where_written(dir),
        changes,
    }))
}
