//! The manifest of a new version, and the daily path: a class's teacher
//! (or the directeur) signs one class area's change alone, carrying the
//! evidence that the IEN approved everything else (see [`super::scope`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use minisign::{PublicKey, SecretKey};

use super::comment::Comment;
use super::policy::{self, Trust};
use super::scope::{
    self, by_scope, changed_paths, reference_dir, same_files, Policy, Requirement, Signer,
};
use super::{hash_site, keys, sha256_hex, signature_path, Manifest, SignerRole, MANIFEST};
use crate::config::SchoolFile;
use crate::dates::Date;

/// The last day of a new version's approval: `confiance.expiration`, else
/// 31 August at the end of the school year.
pub fn expiry(school: &SchoolFile) -> String {
    school
        .trust
        .as_ref()
        .and_then(|c| c.expiration)
        .map(|d| d.iso())
        .unwrap_or_else(|| {
            format!(
                "{}-08-31",
                school.school_year.split('-').nth(1).unwrap_or("2100")
            )
        })
}

/// Refuses to go on when `confiance` does not declare the directeur's and
/// the IEN's keys (nothing could be verified), or when `key` is not the
/// declared key of `role`; gives the trust.
pub fn require_trust(school: &SchoolFile, role: SignerRole, key: &SecretKey) -> Result<Trust> {
    require_keys(school)?;
    let confiance = school.trust.as_ref();
    let trust = Trust::from_school(confiance, None, None)?;
    let own = PublicKey::from_secret_key(key).map_err(|e| anyhow!("{e}"))?;
    if role == SignerRole::Directeur
        && trust
            .keys
            .get(&SignerRole::Directeur)
            .is_some_and(|k| k.keynum() != own.keynum())
    {
        bail!("cette clé secrète n'est pas celle du directeur déclarée dans ecole.yaml (confiance.directeur)\n  conseil : signez avec la clé dont la clé publique est déclarée, ou corrigez « confiance.directeur »");
    }
    Ok(trust)
}

/// Refuses to go on when `confiance` does not declare the directeur's and
/// the IEN's public keys.
pub fn require_keys(school: &SchoolFile) -> Result<()> {
    let confiance = school.trust.as_ref();
    let mut missing = Vec::new();
    if confiance.and_then(|c| c.directeur.as_deref()).is_none() {
        missing.push("confiance.directeur");
    }
    if confiance.and_then(|c| c.ien.as_deref()).is_none() {
        missing.push("confiance.ien");
    }
    if !missing.is_empty() {
        bail!(
            "ecole.yaml : {} {} : sans les clés publiques du directeur et de l'IEN, le site ne pourra pas être vérifié ni publié\n  conseil : le directeur ou la directrice copie sa clé publique (.preau/cles/directeur.pub, créée par « preau keys generate --role directeur ») et demande à l'IEN la sienne, puis les écrit sous « confiance: » dans ecole.yaml (la clé de l'IEN peut aussi être donnée une fois pour toutes les écoles dans la « confiance: » du commune.yaml)",
            missing.join(" et "),
            if missing.len() > 1 { "manquent" } else { "manque" }
        );
    }
    Ok(())
}

/// `dir/ecole.yaml`, its `confiance` completed by the commune's (the
/// effective policy, see [`crate::config::commune_trust`]). A broken
/// `ecole.yaml` is reported by the build with its line.
pub fn school_file(dir: &Path) -> Result<SchoolFile> {
    let path = dir.join("ecole.yaml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("lecture de « {} »", path.display()))?;
    let mut file: SchoolFile = crate::yaml::parse(&text, Path::new("ecole.yaml"), 1)
        .map_err(|d| anyhow!("« {} » est invalide :\n{d}", path.display()))?;
    file.trust = policy::school_trust_file(dir)?;
    Ok(file)
}

/// The manifest of the site built in `out`, every file labelled with its
/// scope (blobs with the area the build sealed them for).
pub fn new_manifest(
    dir: &Path,
    out: &Path,
    school: &SchoolFile,
    version: u64,
    precedent: Option<String>,
) -> Result<Manifest> {
    let map = crate::stats::PublicationMap::load(dir)?;
    let mut fichiers = hash_site(out)?;
    scope::label(&mut fichiers, |p| {
        map.files.get(p).map(|e| e.audience.clone())
    });
    Ok(Manifest {
        format: "preau-manifeste".into(),
        version_format: 2,
        school: school.name.clone(),
        uai: school.uai.clone(),
        version,
        built_at: super::build_time(),
        expires_on: expiry(school),
        previous_approved: precedent,
        policy: Some(Policy::from_trust(school.trust.as_ref())?),
        references: BTreeMap::new(),
        files: fichiers,
    })
}

/// Writes `manifest` into the site and `role`'s signature beside it.
pub fn write_signed(
    out: &Path,
    manifest: &Manifest,
    secret: &SecretKey,
    role: SignerRole,
    comment: &str,
) -> Result<()> {
    let bytes = manifest.to_bytes();
    std::fs::create_dir_all(out.join(super::DIR))?;
    std::fs::write(out.join(MANIFEST), &bytes)?;
    std::fs::write(
        out.join(signature_path(role)),
        keys::sign(secret, &bytes, comment)?,
    )?;
    Ok(())
}

/// A class version, signed and checked, ready to deploy.
pub struct ClassVersion {
    /// Its version number.
    pub version: u64,
    /// Who signed it.
    pub role: SignerRole,
    /// The versions whose approvals it carries, by scope.
    pub references: BTreeMap<String, u64>,
}

/// The last published version: its `preau/` folder.
pub struct Previous {
    /// The folder holding `manifeste.json` and its signatures.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Previous {
    /// Reads the `preau/` folder of a published site.
    pub fn read(dir: &Path) -> Result<Previous> {
        let path = dir.join("manifeste.json");
        let bytes = std::fs::read(&path).with_context(|| {
            format!("la dernière version publiée est introuvable (« {} »)\n  conseil : indiquez le site publié avec --depuis DOSSIER (par exemple approuve-vN), ou vérifiez-le d'abord avec « preau verify approuve-vN --ecole . » pour que Préau le retienne", path.display())
        })?;
        let manifest = serde_json::from_slice(&bytes)
            .with_context(|| format!("« {} » est illisible", path.display()))?;
        Ok(Previous {
            dir: dir.to_path_buf(),
            manifest,
            bytes,
        })
    }
}

/// What [`sign_class_version`] works on.
pub struct ClassRequest<'a> {
    /// The school folder.
    pub dir: &'a Path,
    /// The site to sign (a build without its marker).
    pub out: &'a Path,
    /// `ecole.yaml`.
    pub school: &'a SchoolFile,
    /// The class whose area changed.
    pub class: &'a str,
    /// The teacher's (or the directeur's) secret key.
    pub secret: &'a SecretKey,
    /// The last published version.
    pub previous: &'a Previous,
    /// The number of the new version.
    pub next_version: u64,
    /// The day of the signature.
    pub today: Date,
}

/// Signs the site built in `out` as a change of class `class` alone, on
/// top of `previous`. Refused, saying why in French, when the key is not
/// the directeur's nor the one declared for that class, when the policy
/// does not let a teacher publish alone, when the policy changed since
/// the IEN approved it, or when anything outside the class's area
/// changed. The result is checked by [`policy::verify`] before it is
/// returned.
pub fn sign_class_version(req: ClassRequest<'_>) -> Result<ClassVersion> {
    let ClassRequest {
        dir,
        out,
        school,
        class,
        secret,
        previous,
        next_version,
        today,
    } = req;
    if !school.classes.iter().any(|c| c == class) {
        bail!(
            "la classe « {} » n'existe pas dans ecole.yaml (classes : {})",
            class.escape_debug(),
            school.classes.join(", ")
        );
    }
    let trust = Trust::from_school(school.trust.as_ref(), None, None)?;
    let local = Policy::from_trust(school.trust.as_ref())?;
    let own = PublicKey::from_secret_key(secret).map_err(|e| anyhow!("{e}"))?;
    let role = if trust
        .keys
        .get(&SignerRole::Directeur)
        .is_some_and(|k| k.keynum() == own.keynum())
    {
        SignerRole::Directeur
    } else {
        let classes = local.classes_of_key(&own);
        if !classes.iter().any(|c| c == class) {
            let yours = if classes.is_empty() {
                "elle n'est déclarée pour aucune classe".to_string()
            } else {
                format!("elle est déclarée pour : {}", classes.join(", "))
            };
            bail!("cette clé ne peut pas signer l'espace de la classe « {class} » : ce n'est pas la clé que le directeur a déclarée pour cette classe (confiance.enseignants.{class}) ; {yours}\n  conseil : chaque enseignant·e publie l'espace de sa classe avec sa propre clé ; pour une autre classe, demandez à son enseignant·e ou au directeur");
        }
        if local.classes != Requirement::Enseignant {
            bail!("la politique de l'école (confiance.portees.classes) ne permet pas à un·e enseignant·e de publier seul·e : la classe relève de « {} »\n  conseil : demandez au directeur ou à la directrice de soumettre la version (preau submit)", serde_json::to_value(local.classes).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default());
        }
        SignerRole::Enseignant
    };
    let p = &previous.manifest;
    let approved_policy = p.policy.clone().unwrap_or_default();
    let changes = approved_policy.changes_to(&local);
    if !changes.is_empty() {
        bail!("la politique de signature en vigueur ({}) a changé depuis la version {} approuvée par l'IEN :\n{}\n  ce changement relève de l'IEN : rien n'a été signé ni publié.\n  conseil : le directeur ou la directrice soumet une nouvelle version (preau submit) ; une fois approuvée et publiée, les publications de classe reprennent ; ou rétablissez la politique approuvée", crate::config::commune_trust::where_written(dir), p.version, changes.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n"));
    }
    let mut manifest = new_manifest(dir, out, school, next_version, None)?;
    let area = format!("classe:{class}");
    let now = by_scope(&manifest);
    let before = by_scope(p);
    let scopes: BTreeSet<&String> = now.keys().chain(before.keys()).collect();
    let mut outside = Vec::new();
    for s in &scopes {
        if s.as_str() == area || s.as_str() == scope::REFERENCE {
            continue;
        }
        if !same_files(now.get(*s), before.get(*s)) {
            for path in changed_paths(now.get(*s), before.get(*s)) {
                outside.push(format!("{s} : {path}"));
            }
        }
    }
    if !outside.is_empty() {
        let shown: Vec<String> = outside
            .iter()
            .take(10)
            .map(|p| format!("  - {p}"))
            .collect();
        bail!(
            "publication refusée : {} fichier(s) ont changé hors de l'espace de la classe « {class} » depuis la version {} en ligne :\n{}{}\n  conseil : une publication de classe ne contient que l'espace de la classe ; les pages publiques, les pages de l'école et les autres espaces passent par le directeur (preau submit) et, pour ce qui est public, par l'IEN",
            outside.len(),
            p.version,
            shown.join("\n"),
            if outside.len() > 10 { format!("\n  … et {} autre(s)", outside.len() - 10) } else { String::new() }
        );
    }
    // Who vouches for each other scope: the previous version itself when
    // its signatures cover the scope, else the reference it carried.
    let p_signers = policy::signers(&previous.dir, &trust, &approved_policy);
    let mut references = BTreeMap::new();
    for s in scopes {
        if s.as_str() == area || s.as_str() == scope::REFERENCE {
            continue;
        }
        let v = if p_signers.iter().any(|g| approved_policy.covers(g, s)) {
            p.version
        } else if let Some(v) = p.references.get(s.as_str()) {
            *v
        } else {
            bail!("la version {} en ligne ne porte pas d'approbation valable pour « {s} » : elle ne peut pas servir de base\n  conseil : le directeur ou la directrice soumet une nouvelle version à l'IEN (preau submit)", p.version);
        };
        references.insert(s.clone(), v);
    }
    if !p_signers.contains(&Signer::Ien) && !p.references.contains_key(scope::IEN) {
        bail!(
            "la version {} en ligne n'a pas été approuvée par l'IEN",
            p.version
        );
    }
    // Carry the evidence.
    for v in references.values().collect::<BTreeSet<_>>() {
        let target = out.join(reference_dir(*v));
        std::fs::create_dir_all(&target)?;
        let source = if *v == p.version {
            previous.dir.clone()
        } else {
            previous
                .dir
                .join(reference_dir(*v).trim_start_matches("preau/"))
        };
        // Only the signatures that hold: one of an earlier version may
        // have been left beside the manifest online.
        let holding: Vec<SignerRole> = policy::signers(&source, &trust, &approved_policy)
            .iter()
            .map(Signer::role)
            .collect();
        let mut names = vec!["manifeste.json".to_string()];
        names.extend(
            holding
                .iter()
                .map(|r| format!("manifeste.json.{}.minisig", r.id())),
        );
        for name in names {
            match std::fs::read(source.join(&name)) {
                Ok(bytes) => std::fs::write(target.join(&name), bytes)?,
                Err(_) if name != "manifeste.json" => {}
                Err(e) => bail!(
                    "la preuve d'approbation de la version {v} est introuvable dans « {} » : {e}",
                    source.display()
                ),
            }
        }
    }
    let ien_version = references[scope::IEN];
    let ien_bytes = std::fs::read(out.join(reference_dir(ien_version)).join("manifeste.json"))?;
    let ien_manifest: Manifest = serde_json::from_slice(&ien_bytes)?;
    manifest = new_manifest(dir, out, school, next_version, Some(sha256_hex(&ien_bytes)))?;
    manifest.expires_on = manifest
        .expires_on
        .clone()
        .min(ien_manifest.expires_on.clone());
    manifest.references = references.clone();
    manifest.policy = Some(approved_policy);
    let comment = Comment::new()
        .number("version", next_version)
        .word("role", role.id())
        .text("classe", class)?
        .uai(&school.uai)?
        .date("signe_le", today)
        .finish();
    write_signed(out, &manifest, secret, role, &comment)?;
    if let Err(problems) = policy::verify(out, &trust, None, today) {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        bail!(
            "la version signée ne passerait pas la vérification ; rien n'a été publié :\n{}",
            list.join("\n")
        );
    }
    Ok(ClassVersion {
        version: next_version,
        role,
        references,
    })
}

/// Copies the files of a build folder (all but its build marker, the
/// manifest and signatures) into a fresh folder `to`: the site to sign.
pub fn stage(build: &Path, to: &Path) -> Result<()> {
    if std::fs::symlink_metadata(to).is_ok() {
        std::fs::remove_dir_all(to)
            .with_context(|| format!("nettoyage de « {} »", to.display()))?;
    }
    for entry in walkdir::WalkDir::new(build).follow_links(false) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(build).expect("under build");
        let name = crate::slug::slashed(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel))?;
        } else if entry.file_type().is_file() && !super::is_unlisted(&name) {
            std::fs::copy(entry.path(), to.join(rel))
                .with_context(|| format!("copie de « {name} »"))?;
        }
    }
    Ok(())
}

/// Keeps a copy of a published site's `preau/` folder in
/// `.preau/publiee/`, the base of the next class publication.
pub fn remember_published(school_dir: &Path, site: &Path) -> Result<()> {
    let target = school_dir
        .join(crate::access::secrets::SECRETS_DIR)
        .join("publiee");
    let fresh = school_dir
        .join(crate::access::secrets::SECRETS_DIR)
        .join("publiee.tmp");
    let _ = std::fs::remove_dir_all(&fresh);
    let source = site.join(super::DIR);
    for entry in walkdir::WalkDir::new(&source).follow_links(false) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(&source).expect("under source");
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(fresh.join(rel))?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), fresh.join(rel))?;
        }
    }
    let _ = std::fs::remove_dir_all(&target);
    std::fs::rename(&fresh, &target).context("mise à jour de .preau/publiee")?;
    Ok(())
}

/// Where the last published version is remembered.
pub fn remembered(school_dir: &Path) -> PathBuf {
    school_dir
        .join(crate::access::secrets::SECRETS_DIR)
        .join("publiee")
}
