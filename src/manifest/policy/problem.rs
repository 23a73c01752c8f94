//! Every reason to refuse a site, each in its own words.

use std::fmt;

use crate::manifest::SignerRole;

/// One reason to refuse a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No readable manifest.
    NoManifest(String),
    /// A file differs from the manifest.
    Modified(String),
    /// A file of the manifest is missing.
    Missing(String),
    /// A file is not in the manifest.
    Extra(String),
    /// A symbolic link in the site.
    Link(String),
    /// Something that is neither a file nor a folder (fifo, socket, device).
    Special(String),
    /// A field of the manifest is malformed.
    BadField {
        /// The field.
        field: &'static str,
        /// What is wrong, in French.
        why: String,
    },
    /// A required signature is missing.
    MissingSignature(SignerRole),
    /// A signature is by another key than the trusted one.
    UntrustedKey(SignerRole),
    /// The manifest changed after being signed.
    Tampered(SignerRole),
    /// A signature file is not a minisign signature.
    Unreadable(SignerRole),
    /// No trusted key is declared for a required role.
    NoTrustedKey(SignerRole),
    /// The manifest expired.
    Expired(String),
    /// A file's scope is not allowed for its path, or changed.
    BadScope {
        /// The file.
        path: String,
        /// Why, in French.
        why: String,
    },
    /// Files of the IEN's scope differ from the last version the IEN approved.
    IenScopeChanged(Vec<String>),
    /// An area changed without the signature its policy requires.
    ScopeNotApproved {
        /// The scope (`classe:cm1`).
        scope: String,
        /// Who may approve it.
        who: &'static str,
        /// Its files that changed.
        paths: Vec<String>,
    },
    /// The policy of the manifest is not the one the IEN approved.
    PolicyChanged,
    /// The policy the school applies now (its `confiance`, completed by
    /// its commune's) is not the one written in the signed manifest.
    PolicyNotApplied {
        /// The site's version.
        version: u64,
        /// Where the policy is written (« la « confiance » de ecole.yaml »).
        source: &'static str,
        /// Each change, in French.
        changes: Vec<String>,
    },
    /// A carried reference does not hold.
    BadReference {
        /// Its version.
        version: u64,
        /// Why, in French.
        why: String,
    },
    /// Nobody trusted signed this version.
    NoPublisher,
    /// A sealed item of a submission cannot be read as announced, or the
    /// report does not hold (see [`super::sealed`]).
    Sealed(String),
    /// The version is lower than one already known.
    Rollback {
        /// Version of this site.
        found: u64,
        /// Version known.
        known: u64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoManifest(why) => write!(f, "pas de manifeste valable : {why}"),
            Problem::Modified(p) => write!(f, "fichier modifié depuis la signature : « {p} »"),
            Problem::Missing(p) => write!(f, "fichier manquant : « {p} »"),
            Problem::Extra(p) => write!(f, "fichier en trop, absent du manifeste : « {} »", p.escape_debug()),
            Problem::Link(p) => write!(f, "lien symbolique refusé : « {} » (un site ne contient que des fichiers)", p.escape_debug()),
            Problem::Special(p) => write!(f, "fichier spécial refusé (tube, socket ou périphérique) : « {} »", p.escape_debug()),
            Problem::BadField { field, why } => write!(f, "champ « {field} » du manifeste invalide : {why}"),
            Problem::MissingSignature(r) => write!(f, "signature manquante : {} n'a pas signé", r.label()),
            Problem::UntrustedKey(r) => write!(f, "la signature attribuée à {} a été faite avec une clé qui n'est pas la sienne (clé non reconnue)", r.label()),
            Problem::Tampered(r) => write!(f, "le manifeste a été modifié après la signature de {}", r.label()),
            Problem::Unreadable(r) => write!(f, "la signature de {} est illisible", r.label()),
            Problem::NoTrustedKey(r) => write!(f, "aucune clé de confiance n'est déclarée pour {} (« confiance » dans ecole.yaml)", r.label()),
            Problem::Expired(d) => write!(f, "le manifeste a expiré le {d} : le site doit être approuvé à nouveau"),
            Problem::BadScope { path, why } => write!(f, "portée refusée pour « {} » : {why}", path.escape_debug()),
            Problem::IenScopeChanged(paths) => write!(f, "signature manquante : l'IEN n'a pas signé cette version, et des fichiers de son périmètre (pages publiques, pages de l'école, politique) ne sont pas ceux de la dernière version qu'il ou elle a approuvée : {}", list(paths)),
            Problem::ScopeNotApproved { scope, who, paths } => write!(f, "l'espace « {scope} » a changé sans la signature requise ({who}) : {}", list(paths)),
            Problem::PolicyChanged => write!(f, "la politique de signature (« politique » du manifeste) n'est pas celle que l'IEN a approuvée"),
            Problem::PolicyNotApplied { version, source, changes } => write!(f, "la politique de signature en vigueur ({source}) n'est pas celle que l'IEN a approuvée avec la version {version} : {} ; ce changement relève de l'IEN (soumettez une nouvelle version avec « preau submit »), ou rétablissez la politique approuvée", changes.join(" ; ")),
            Problem::BadReference { version, why } => write!(f, "la version de référence {version} (preau/references/v{version}/) ne tient pas : {why}"),
            Problem::Sealed(why) => write!(f, "{why}"),
            Problem::NoPublisher => write!(f, "signature manquante : ni l'IEN, ni le directeur, ni un·e enseignant·e déclaré·e n'a signé cette version"),
            Problem::Rollback { found, known } => write!(f, "retour en arrière refusé : ce site est la version {found}, mais la version {known} est déjà connue"),
        }
    }
}

/// At most five paths, quoted, and how many more.
fn list(paths: &[String]) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .take(5)
        .map(|p| format!("« {} »", p.escape_debug()))
        .collect();
    if paths.len() > 5 {
        shown.push(format!("et {} autre(s)", paths.len() - 5));
    }
    shown.join(", ")
}
