//! The SFTP target: SSH with a key, the server's identity checked against
//! the fingerprint written in `ecole.yaml` (never trusted blindly).

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{check_path, Target};

/// How to reach the server.
pub struct SftpSettings {
    /// Host name or address.
    pub host: String,
    /// Port (22).
    pub port: u16,
    /// Folder of the site on the server.
    pub folder: String,
    /// The server's key fingerprint, `SHA256:…` as `ssh-keygen -lf` shows it.
    pub fingerprint: Option<String>,
    /// User name.
    pub user: String,
    /// Private key file.
    pub key: PathBuf,
}

/// An open SFTP session.
pub struct Sftp {
    _session: ssh2::Session,
    sftp: ssh2::Sftp,
    folder: String,
    host: String,
    port: u16,
    /// Folders already checked not to be symbolic links.
    checked: HashSet<PathBuf>,
}

/// The `SHA256:…` fingerprint of a host key, as OpenSSH prints it.
pub fn fingerprint(key: &[u8]) -> String {
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(key))
    )
}

impl Sftp {
    /// Connects, checks the server's identity, logs in with the key.
    pub fn connect(s: &SftpSettings) -> Result<Sftp> {
        let tcp = super::connect(&s.host, s.port).map_err(|e| {
            anyhow!(
                "connexion au serveur SFTP {}:{} impossible : {e}",
                s.host,
                s.port
            )
        })?;
        let mut session = ssh2::Session::new().map_err(|e| anyhow!("SSH indisponible : {e}"))?;
        session.set_timeout(super::TIMEOUT.as_millis() as u32);
        session.set_tcp_stream(tcp);
        session
            .handshake()
            .map_err(|e| anyhow!("échange SSH avec {} impossible : {e}", s.host))?;
        let (key, _) = session
            .host_key()
            .ok_or_else(|| anyhow!("le serveur {} ne présente pas de clé", s.host))?;
        let seen = fingerprint(key);
        match &s.fingerprint {
            Some(expected) if expected.trim() == seen => {}
            Some(expected) => bail!("l'identité du serveur {} a changé (empreinte {seen}, attendue {}) : rien n'a été envoyé\n  conseil : vérifiez auprès de l'hébergeur ; une empreinte qui change sans raison peut signaler une usurpation", s.host, expected.trim()),
            None => bail!("l'empreinte du serveur {} n'est pas déclarée\n  conseil : vérifiez auprès de l'hébergeur que son empreinte est {seen}, puis écrivez « empreinte: {seen} » dans « publication »", s.host),
        }
        session
            .userauth_pubkey_file(&s.user, None, &s.key, None)
            .map_err(|e| {
                anyhow!(
                    "connexion SFTP refusée pour « {} » avec la clé « {} » : {e}",
                    s.user,
                    s.key.display()
                )
            })?;
        let sftp = session
            .sftp()
            .map_err(|e| anyhow!("SFTP indisponible sur {} : {e}", s.host))?;
        Ok(Sftp {
            _session: session,
            sftp,
            folder: s.folder.trim_end_matches('/').to_string(),
            host: s.host.clone(),
            port: s.port,
            checked: HashSet::new(),
        })
    }

    /// The server path of `path`, once checked to stay in the folder: no
    /// `..`, and no part of it that exists is a symbolic link (checked with
    /// `lstat`, which does not follow links).
    fn remote(&mut self, path: &str) -> Result<PathBuf> {
        check_path(path)?;
        let mut at = PathBuf::from(&self.folder);
        let parts: Vec<&str> = path.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            at.push(part);
            let last = i + 1 == parts.len();
            if !last && self.checked.contains(&at) {
                continue;
            }
            match self.sftp.lstat(&at) {
                Ok(stat) if stat.file_type().is_symlink() => bail!(
                    "lien symbolique refusé sur {} : « {} » (rien n'est lu ni écrit à travers un lien)\n  conseil : retirez ce lien du dossier du site sur le serveur",
                    self.describe(),
                    at.display()
                ),
                Ok(_) if !last => {
                    self.checked.insert(at.clone());
                }
                Ok(_) => {}
                Err(e) if e.code() == ssh2::ErrorCode::SFTP(2) => break, // not there yet
                Err(e) => bail!("lecture de « {} » : {e}", at.display()),
            }
        }
        Ok(PathBuf::from(format!("{}/{path}", self.folder)))
    }

    fn temporary(remote: &Path) -> PathBuf {
        let name = remote
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remote.with_file_name(format!(".{name}.preau-envoi"))
    }
}

impl Target for Sftp {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        let remote = self.remote(path)?;
        match self.sftp.open(&remote) {
            Ok(mut file) => {
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes)
                    .with_context(|| format!("lecture de « {} »", remote.display()))?;
                Ok(Some(bytes))
            }
            Err(e) if e.code() == ssh2::ErrorCode::SFTP(2) => Ok(None), // no such file
            Err(e) => Err(anyhow!("lecture de « {} » : {e}", remote.display())),
        }
    }

    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let remote = self.remote(path)?;
        let mut dir = PathBuf::new();
        for part in remote.parent().unwrap_or(Path::new("/")).components() {
            dir.push(part);
            let _ = self.sftp.mkdir(&dir, 0o755); // already there: fine
        }
        // Checked again now that the folders exist.
        let remote = self.remote(path)?;
        let tmp = Sftp::temporary(&remote);
        // A link left at the temporary name is removed, never written through.
        let _ = self.sftp.unlink(&tmp);
        let mut file = self
            .sftp
            .open_mode(
                &tmp,
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::EXCLUSIVE,
                0o644,
                ssh2::OpenType::File,
            )
            .map_err(|e| anyhow!("envoi de « {} » : {e}", remote.display()))?;
        file.write_all(bytes)
            .with_context(|| format!("envoi de « {} »", remote.display()))?;
        drop(file);
        // An atomic replace where the server offers it (OpenSSH does).
        let flags =
            ssh2::RenameFlags::OVERWRITE | ssh2::RenameFlags::ATOMIC | ssh2::RenameFlags::NATIVE;
        if self.sftp.rename(&tmp, &remote, Some(flags)).is_err() {
            let _ = self.sftp.unlink(&remote);
            self.sftp
                .rename(&tmp, &remote, None)
                .map_err(|e| anyhow!("mise en place de « {} » : {e}", remote.display()))?;
        }
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<()> {
        let remote = self.remote(path)?;
        let _ = self.sftp.unlink(&Sftp::temporary(&remote));
        match self.sftp.unlink(&remote) {
            Ok(()) => Ok(()),
            Err(e) if e.code() == ssh2::ErrorCode::SFTP(2) => Ok(()),
            Err(e) => Err(anyhow!("suppression de « {} » : {e}", remote.display())),
        }
    }

    fn describe(&self) -> String {
        format!("le serveur SFTP {}", self.host)
    }

    fn key(&self) -> String {
        format!("sftp://{}:{}{}/", self.host, self.port, self.folder)
    }
}
