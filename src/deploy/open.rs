//! Opening the target `ecole.yaml` names (`publication:`), or a folder
//! given on the command line, with credentials from the environment or
//! `.preau/publication.json` (never from `ecole.yaml`).

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use super::folder::Folder;
use super::ftp::{Ftp, FtpSettings};
use super::s3::{S3Settings, S3};
use super::sftp::{Sftp, SftpSettings};
use super::Target;

/// The target of `school` (or the folder `to`), connected, and how the
/// summary names it.
pub fn target(school: &Path, to: Option<&Path>) -> Result<(Box<dyn Target>, String)> {
    target_or(school, to, None)
}

/// Like [`target`], with `fallback` when `ecole.yaml` names no target (a
/// school's folder under its commune's deploy root).
pub fn target_or(
    school: &Path,
    to: Option<&Path>,
    fallback: Option<&crate::config::PublishTarget>,
) -> Result<(Box<dyn Target>, String)> {
    let text = std::fs::read_to_string(school.join("ecole.yaml"))
        .with_context(|| format!("lecture de « {} »", school.join("ecole.yaml").display()))?;
    let file: crate::config::SchoolFile = crate::yaml::parse(&text, Path::new("ecole.yaml"), 1)
        .map_err(|d| anyhow!("ecole.yaml est invalide :\n{d}"))?;
    match (to, file.publication.as_ref().or(fallback)) {
        (Some(dir), _) => Ok((Box::new(Folder::new(dir)?), dir.display().to_string())),
        (None, Some(t)) => publish_target(t, school),
        (None, None) => bail!("aucune destination : ajoutez « publication » dans ecole.yaml (type: dossier ou ftp) ou indiquez --vers DOSSIER"),
    }
}

/// The target `t` (a `publication:` block), connected, and how the summary
/// names it; a folder's `chemin` is relative to `base`, and credentials
/// come from the environment or `base/.preau/publication.json`.
pub fn publish_target(
    t: &crate::config::PublishTarget,
    base: &Path,
) -> Result<(Box<dyn Target>, String)> {
    let school = base;
    Ok(match t.kind.as_str() {
        "dossier" => {
            let chemin = t.path.as_deref().ok_or_else(|| anyhow!("« publication » : le type dossier demande un « chemin »"))?;
            (Box::new(Folder::new(&school.join(chemin))?), chemin.to_string())
        }
        "ftp" => {
            let settings = ftp_settings(t, school)?;
            let shown = format!("ftp://{}:{}{}", settings.host, settings.port, settings.folder);
            (Box::new(Ftp::connect(&settings)?), shown)
        }
        "sftp" => {
            let settings = sftp_settings(t, school)?;
            let shown = format!("sftp://{}:{}{}", settings.host, settings.port, settings.folder);
            (Box::new(Sftp::connect(&settings)?), shown)
        }
        "s3" => {
            let settings = s3_settings(t, school)?;
            let shown = format!("{}/{}/{}", settings.endpoint.trim_end_matches('/'), settings.bucket, settings.prefix);
            (Box::new(S3::open(&settings)?), shown)
        }
        _ => bail!(
            "type de publication inconnu « {} »\n  conseil : types possibles : dossier, ftp, sftp, s3",
            t.kind
        ),
    })
}

/// Environment variables that give the FTP credentials.
pub const FTP_USER_ENV: &str = "PREAU_FTP_UTILISATEUR";
/// See [`FTP_USER_ENV`].
pub const FTP_PASSWORD_ENV: &str = "PREAU_FTP_MOT_DE_PASSE";

/// Environment variables that give the S3 credentials.
pub const S3_KEY_ENV: &str = "PREAU_S3_CLE";
/// See [`S3_KEY_ENV`].
pub const S3_SECRET_ENV: &str = "PREAU_S3_SECRET";

/// A credential from the environment, else from `.preau/publication.json`.
fn credential(school: &Path, env: &str, key: &str) -> Option<String> {
    std::env::var(env).ok().or_else(|| {
        let stored: serde_json::Value =
            serde_json::from_slice(&std::fs::read(school.join(".preau/publication.json")).ok()?)
                .ok()?;
        stored[key].as_str().map(str::to_string)
    })
}

/// Environment variables that give the SFTP user and private key file.
pub const SFTP_USER_ENV: &str = "PREAU_SFTP_UTILISATEUR";
/// See [`SFTP_USER_ENV`].
pub const SFTP_KEY_ENV: &str = "PREAU_SFTP_CLE";

/// SFTP settings: ecole.yaml for the place and the server's fingerprint,
/// the environment or `.preau/publication.json` for the user and key.
fn sftp_settings(t: &crate::config::PublishTarget, school: &Path) -> Result<SftpSettings> {
    let host = t
        .host
        .clone()
        .ok_or_else(|| anyhow!("« publication » : le type sftp demande un « hote »"))?;
    let (Some(user), Some(key)) = (
        credential(school, SFTP_USER_ENV, "utilisateur"),
        credential(school, SFTP_KEY_ENV, "cle_ssh"),
    ) else {
        bail!("identifiants SFTP absents\n  conseil : définissez {SFTP_USER_ENV} et {SFTP_KEY_ENV} (le fichier de la clé privée), ou écrivez-les dans .preau/publication.json ({{\"utilisateur\": …, \"cle_ssh\": …}}), jamais dans ecole.yaml");
    };
    Ok(SftpSettings {
        host,
        port: t.port.unwrap_or(22),
        folder: t.folder.clone().unwrap_or_else(|| ".".into()),
        fingerprint: t.fingerprint.clone(),
        user,
        key: school.join(key),
    })
}

/// S3 settings: ecole.yaml for the place, the environment or
/// `.preau/publication.json` for the keys (never ecole.yaml).
fn s3_settings(t: &crate::config::PublishTarget, school: &Path) -> Result<S3Settings> {
    let endpoint = t.endpoint.clone().ok_or_else(|| {
        anyhow!("« publication » : le type s3 demande une « adresse » (l'URL du stockage)")
    })?;
    let bucket = t
        .bucket
        .clone()
        .ok_or_else(|| anyhow!("« publication » : le type s3 demande un « compartiment »"))?;
    let (Some(access_key), Some(secret_key)) = (
        credential(school, S3_KEY_ENV, "cle"),
        credential(school, S3_SECRET_ENV, "secret"),
    ) else {
        bail!("clés S3 absentes\n  conseil : définissez {S3_KEY_ENV} et {S3_SECRET_ENV}, ou écrivez-les dans .preau/publication.json ({{\"cle\": …, \"secret\": …}}), jamais dans ecole.yaml");
    };
    Ok(S3Settings {
        endpoint,
        region: t.region.clone().unwrap_or_else(|| "fr-par".into()),
        bucket,
        prefix: t.prefix.clone().unwrap_or_default(),
        access_key,
        secret_key,
    })
}

/// FTP settings: ecole.yaml for the place, the environment or
/// `.preau/publication.json` for the credentials (never ecole.yaml).
fn ftp_settings(t: &crate::config::PublishTarget, school: &Path) -> Result<FtpSettings> {
    let host = t
        .host
        .clone()
        .ok_or_else(|| anyhow!("« publication » : le type ftp demande un « hote »"))?;
    let tls = match t.encryption.as_deref() {
        None | Some("tls") => true,
        Some("aucun") => false,
        Some(other) => bail!("« publication » : chiffrement « {other} » inconnu (tls ou aucun)"),
    };
    let stored: Option<serde_json::Value> = std::fs::read(school.join(".preau/publication.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let from_file = |k: &str| {
        stored
            .as_ref()
            .and_then(|v| v[k].as_str().map(str::to_string))
    };
    let user = std::env::var(FTP_USER_ENV)
        .ok()
        .or_else(|| from_file("utilisateur"));
    let password = std::env::var(FTP_PASSWORD_ENV)
        .ok()
        .or_else(|| from_file("mot_de_passe"));
    let (Some(user), Some(password)) = (user, password) else {
        bail!("identifiants FTP absents\n  conseil : définissez {FTP_USER_ENV} et {FTP_PASSWORD_ENV}, ou écrivez-les dans .preau/publication.json ({{\"utilisateur\": …, \"mot_de_passe\": …}}), jamais dans ecole.yaml");
    };
    Ok(FtpSettings {
        host,
        port: t.port.unwrap_or(21),
        folder: t.folder.clone().unwrap_or_else(|| "/".into()),
        tls,
        ca: t.ca_certificate.as_ref().map(|c| school.join(c)),
        user,
        password,
    })
}
