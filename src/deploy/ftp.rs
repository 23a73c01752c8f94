//! The FTP target: explicit TLS (FTPS) by default, plain FTP only when
//! `ecole.yaml` asks for it (`chiffrement: aucun`). Files are sent to a
//! temporary name and renamed, so a visitor never gets half a file.

use std::collections::HashSet;
use std::io::Cursor;

use anyhow::{anyhow, Context, Result};
use suppaftp::types::FileType;
use suppaftp::{NativeTlsConnector, NativeTlsFtpStream};

use super::Target;

/// How to reach the server (from `ecole.yaml` and the credentials).
pub struct FtpSettings {
    /// Host name or address.
    pub host: String,
    /// Port (21).
    pub port: u16,
    /// Folder of the site on the server.
    pub folder: String,
    /// Use explicit TLS (AUTH TLS).
    pub tls: bool,
    /// A certificate authority to trust besides the system's (PEM file).
    pub ca: Option<std::path::PathBuf>,
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
}

/// An open FTP session.
pub struct Ftp {
    stream: NativeTlsFtpStream,
    folder: String,
    host: String,
    made: HashSet<String>,
}

impl Ftp {
    /// Connects, secures (unless plain FTP was asked for) and logs in.
    pub fn connect(s: &FtpSettings) -> Result<Ftp> {
        let tcp = super::connect(&s.host, s.port).map_err(|e| {
            anyhow!(
                "connexion au serveur FTP {}:{} impossible : {e}",
                s.host,
                s.port
            )
        })?;
        let mut stream = NativeTlsFtpStream::connect_with_stream(tcp)
            .map_err(|e| anyhow!("le serveur FTP {}:{} ne répond pas : {e}", s.host, s.port))?;
        if s.tls {
            let mut builder = native_tls::TlsConnector::builder();
            if let Some(ca) = &s.ca {
                let pem = std::fs::read(ca)
                    .with_context(|| format!("lecture du certificat « {} »", ca.display()))?;
                builder.add_root_certificate(
                    native_tls::Certificate::from_pem(&pem)
                        .map_err(|e| anyhow!("certificat « {} » illisible : {e}", ca.display()))?,
                );
            }
            let connector = builder
                .build()
                .map_err(|e| anyhow!("TLS indisponible : {e}"))?;
            stream = stream
                .into_secure(NativeTlsConnector::from(connector), &s.host)
                .map_err(|e| anyhow!("le serveur FTP n'a pas accepté le chiffrement TLS : {e}\n  conseil : si l'hébergeur ne propose que le FTP non chiffré, écrivez « chiffrement: aucun » dans « publication »"))?;
        }
        stream
            .login(&s.user, &s.password)
            .map_err(|e| anyhow!("identifiants FTP refusés : {e}"))?;
        stream
            .transfer_type(FileType::Binary)
            .map_err(|e| anyhow!("{e}"))?;
        Ok(Ftp {
            stream,
            folder: s.folder.trim_end_matches('/').to_string(),
            host: s.host.clone(),
            made: HashSet::new(),
        })
    }

    fn remote(&self, path: &str) -> String {
        format!("{}/{path}", self.folder)
    }

    fn ensure_dirs(&mut self, path: &str) {
        let mut current = self.folder.clone();
        let parts: Vec<&str> = path.split('/').collect();
        for dir in &parts[..parts.len().saturating_sub(1)] {
            current = format!("{current}/{dir}");
            if self.made.insert(current.clone()) {
                let _ = self.stream.mkdir(&current); // already there: fine
            }
        }
    }
}

impl Target for Ftp {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        let remote = self.remote(path);
        match self.stream.retr_as_buffer(&remote) {
            Ok(buf) => Ok(Some(buf.into_inner())),
            Err(suppaftp::FtpError::UnexpectedResponse(r)) if r.status.code() == 550 => Ok(None),
            Err(e) => Err(anyhow!("lecture de « {remote} » : {e}")),
        }
    }

    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        self.ensure_dirs(path);
        let remote = self.remote(path);
        let (dir, name) = remote.rsplit_once('/').unwrap_or(("", &remote));
        let tmp = format!("{dir}/.{name}.preau-envoi");
        self.stream
            .put_file(&tmp, &mut Cursor::new(bytes))
            .map_err(|e| anyhow!("envoi de « {remote} » : {e}"))?;
        self.stream
            .rename(&tmp, &remote)
            .map_err(|e| anyhow!("mise en place de « {remote} » : {e}"))?;
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<()> {
        let remote = self.remote(path);
        match self.stream.rm(&remote) {
            Ok(()) => Ok(()),
            Err(suppaftp::FtpError::UnexpectedResponse(r)) if r.status.code() == 550 => Ok(()),
            Err(e) => Err(anyhow!("suppression de « {remote} » : {e}")),
        }
    }

    fn describe(&self) -> String {
        format!("le serveur FTP {}", self.host)
    }
}
