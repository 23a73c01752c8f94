//! Who must sign, with which key: the trust declared in `ecole.yaml`
//! (`confiance:`), keys given on the command line taking precedence.

use std::collections::BTreeMap;
use std::path::Path;

use minisign::PublicKey;

use crate::config::signing::signers_problem;
use crate::manifest::{keys, SignerRole};

/// Who must sign, with which key.
pub struct Trust {
    /// The trusted public key of each role.
    pub keys: BTreeMap<SignerRole, PublicKey>,
    /// The roles whose signature is required. [`verify`] requires the IEN
    /// even when this list leaves it out.
    pub required: Vec<SignerRole>,
}

impl Trust {
    /// The trust declared in `dir/ecole.yaml` (when a school folder is
    /// given), completed by the commune's (see [`school_trust_file`]),
    /// with keys given on the command line taking precedence. An empty or
    /// IEN-less `signataires` is an error naming the line.
    pub fn from_school_dir(
        dir: Option<&Path>,
        directeur: Option<&str>,
        ien: Option<&str>,
    ) -> anyhow::Result<Trust> {
        let confiance = match dir {
            Some(dir) => school_trust_file(dir)?,
            None => None,
        };
        Trust::from_school(confiance.as_ref(), directeur, ien)
    }

    /// The trust of `ecole.yaml` (`confiance:`), with keys given on the
    /// command line taking precedence. The IEN is always among the
    /// required roles; a `signataires` list without it is an error.
    pub fn from_school(
        confiance: Option<&crate::config::TrustFile>,
        directeur: Option<&str>,
        ien: Option<&str>,
    ) -> anyhow::Result<Trust> {
        let default = crate::config::TrustFile::default();
        let file = confiance.unwrap_or(&default);
        let mut keys = BTreeMap::new();
        for (role, given, declared) in [
            (SignerRole::Directeur, directeur, &file.directeur),
            (SignerRole::Ien, ien, &file.ien),
        ] {
            if let Some(text) = given.or(declared.as_deref()) {
                keys.insert(role, keys::parse_public(text)?);
            }
        }
        if let Some(problem) = signers_problem(file.signers.as_deref()) {
            anyhow::bail!("ecole.yaml : {problem}");
        }
        let mut required: Vec<SignerRole> = match &file.signers {
            None => vec![SignerRole::Directeur, SignerRole::Ien],
            Some(list) => list.iter().filter_map(|r| SignerRole::parse(r)).collect(),
        };
        required.retain(|r| *r != SignerRole::Enseignant);
        required.sort();
        required.dedup();
        if !required.contains(&SignerRole::Ien) {
            required.push(SignerRole::Ien);
        }
        Ok(Trust { keys, required })
    }
}

/// The effective `confiance` of the school folder `dir`: its
/// `ecole.yaml`'s, completed key by key by `confiance:` of the
/// `commune.yaml` around it (see [`crate::config::commune_trust`]). An
/// empty or IEN-less `signataires`, or an invalid policy in
/// `commune.yaml`, is an error naming the file and line.
pub fn school_trust_file(dir: &Path) -> anyhow::Result<Option<crate::config::TrustFile>> {
    let path = dir.join("ecole.yaml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("lecture de « {} » : {e}", path.display()))?;
    let file: crate::config::SchoolFile = crate::yaml::parse(&text, Path::new("ecole.yaml"), 1)
        .map_err(|d| anyhow::anyhow!("« {} » est invalide :\n{d}", path.display()))?;
    let signers = file.trust.as_ref().and_then(|c| c.signers.as_deref());
    if let Some(problem) = signers_problem(signers) {
        let line = crate::yaml::key_line(&text, "signataires", 1).unwrap_or(1);
        anyhow::bail!("{}:{line}: erreur : {problem}\n  conseil : l'IEN signe toujours ; écrivez « signataires: [directeur, ien] » (ou « [ien] »), ou retirez la ligne.", path.display());
    }
    crate::config::commune_trust::effective(dir, file.trust, &text).map_err(|mut d| {
        d.file = dir.join(&d.file);
        anyhow::anyhow!("{d}")
    })
}

/// The policy (`politique`) the school folder `dir` applies now: the one
/// its next version's manifest will carry.
pub fn school_policy(dir: &Path) -> anyhow::Result<crate::manifest::scope::Policy> {
    crate::manifest::scope::Policy::from_trust(school_trust_file(dir)?.as_ref())
}
