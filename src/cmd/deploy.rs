//! `preau deploy`: an approved site to where families read it.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};

use crate::deploy::ftp::{Ftp, FtpSettings};
use crate::deploy::s3::{S3Settings, S3};
use crate::deploy::sftp::{Sftp, SftpSettings};
use crate::deploy::{self, folder::Folder, Options, Target};
use crate::manifest::policy::Trust;

/// Publishes `site` to the target of `school`'s ecole.yaml (or `to`).
pub fn run(
    site: &Path,
    school: &Path,
    to: Option<&Path>,
    dry_run: bool,
    force_rollback: bool,
) -> Result<ExitCode> {
    let trust = Trust::from_school_dir(Some(school), None, None)?;
    let text = std::fs::read_to_string(school.join("ecole.yaml"))
        .with_context(|| format!("lecture de « {} »", school.join("ecole.yaml").display()))?;
    let file: crate::config::SchoolFile = crate::yaml::parse(&text, Path::new("ecole.yaml"), 1)
        .map_err(|d| anyhow!("ecole.yaml est invalide :\n{d}"))?;
    let (mut target, destination): (Box<dyn Target>, String) = match (to, &file.publication) {
        (Some(dir), _) => (Box::new(Folder::new(dir)?), dir.display().to_string()),
        (None, Some(t)) if t.kind == "dossier" => {
            let chemin = t.chemin.as_deref().ok_or_else(|| anyhow!("« publication » : le type dossier demande un « chemin »"))?;
            (Box::new(Folder::new(&school.join(chemin))?), chemin.to_string())
        }
        (None, Some(t)) if t.kind == "ftp" => {
            let settings = ftp_settings(t, school)?;
            let shown = format!("ftp://{}:{}{}", settings.host, settings.port, settings.folder);
            (Box::new(Ftp::connect(&settings)?), shown)
        }
        (None, Some(t)) if t.kind == "sftp" => {
            let settings = sftp_settings(t, school)?;
            let shown = format!("sftp://{}:{}{}", settings.host, settings.port, settings.folder);
            (Box::new(Sftp::connect(&settings)?), shown)
        }
        (None, Some(t)) if t.kind == "s3" => {
            let settings = s3_settings(t, school)?;
            let shown = format!("{}/{}/{}", settings.endpoint.trim_end_matches('/'), settings.bucket, settings.prefix);
            (Box::new(S3::open(&settings)?), shown)
        }
        (None, Some(t)) => bail!(
            "type de publication inconnu « {} »\n  conseil : types possibles : dossier, ftp, sftp, s3",
            t.kind
        ),
        (None, None) => bail!("aucune destination : ajoutez « publication » dans ecole.yaml (type: dossier ou ftp) ou indiquez --vers DOSSIER"),
    };
    let opt = Options {
        site,
        trust: &trust,
        today: crate::dates::today(),
        dry_run,
        allow_rollback: force_rollback,
    };
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |done: usize, total: usize, path: &str| {
        if terminal {
            eprint!("\r\x1b[2K[{done}/{total}] {path}");
        }
    };
    let plan = deploy::deploy(&opt, target.as_mut(), &mut progress)?;
    if terminal && !dry_run {
        eprintln!();
    }
    let online = plan
        .online
        .map(|v| format!("version {v}"))
        .unwrap_or_else(|| "rien".into());
    let size = crate::render::file_size(plan.bytes);
    if dry_run {
        println!("Essai : la version {} remplacerait {online} en ligne ; {} fichier(s) à envoyer ({size}), {} à retirer.", plan.version, plan.upload.len(), plan.remove.len());
        for p in &plan.upload {
            println!("  + {p}");
        }
        for p in &plan.remove {
            println!("  - {p}");
        }
        println!("Rien n'a été envoyé.");
    } else {
        println!(
            "Version {} publiée vers {} : {} fichier(s) envoyé(s) ({size}), {} retiré(s) ; en ligne auparavant : {online}.",
            plan.version,
            destination,
            plan.upload.len(),
            plan.remove.len()
        );
    }
    Ok(ExitCode::SUCCESS)
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
        .hote
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
        folder: t.dossier.clone().unwrap_or_else(|| ".".into()),
        fingerprint: t.empreinte.clone(),
        user,
        key: school.join(key),
    })
}

/// S3 settings: ecole.yaml for the place, the environment or
/// `.preau/publication.json` for the keys (never ecole.yaml).
fn s3_settings(t: &crate::config::PublishTarget, school: &Path) -> Result<S3Settings> {
    let endpoint = t.adresse.clone().ok_or_else(|| {
        anyhow!("« publication » : le type s3 demande une « adresse » (l'URL du stockage)")
    })?;
    let bucket = t
        .compartiment
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
        prefix: t.prefixe.clone().unwrap_or_default(),
        access_key,
        secret_key,
    })
}

/// FTP settings: ecole.yaml for the place, the environment or
/// `.preau/publication.json` for the credentials (never ecole.yaml).
fn ftp_settings(t: &crate::config::PublishTarget, school: &Path) -> Result<FtpSettings> {
    let host = t
        .hote
        .clone()
        .ok_or_else(|| anyhow!("« publication » : le type ftp demande un « hote »"))?;
    let tls = match t.chiffrement.as_deref() {
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
        folder: t.dossier.clone().unwrap_or_else(|| "/".into()),
        tls,
        ca: t.certificat_ca.as_ref().map(|c| school.join(c)),
        user,
        password,
    })
}
