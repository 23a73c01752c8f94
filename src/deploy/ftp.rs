//! The FTP target: explicit TLS (FTPS) by default, plain FTP only when
//! `ecole.yaml` asks for it (`chiffrement: aucun`). Files are sent to a
//! temporary name and renamed, so a visitor never gets half a file.

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

use anyhow::{anyhow, Context, Result};
use suppaftp::types::FileType;
use suppaftp::{NativeTlsConnector, NativeTlsFtpStream};

use super::{check_path, Seen, Target};

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
    port: u16,
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
            port: s.port,
            made: HashSet::new(),
        })
    }

    /// The server path of `path`, once checked to stay in the folder.
    fn remote(&self, path: &str) -> Result<String> {
        check_path(path)?;
        Ok(format!("{}/{path}", self.folder))
    }

    /// The temporary name a file is sent to before being renamed.
    fn temporary(remote: &str) -> String {
        let (dir, name) = remote.rsplit_once('/').unwrap_or(("", remote));
        format!("{dir}/.{name}.preau-envoi")
    }

    /// Creates the site's folder and the folders of `path` in it.
    fn ensure_dirs(&mut self, path: &str) {
        let full = format!("{}/{path}", self.folder);
        let parts: Vec<&str> = full.split('/').collect();
        let mut current = String::new();
        for (i, dir) in parts[..parts.len().saturating_sub(1)].iter().enumerate() {
            if i > 0 {
                current.push('/');
            }
            current.push_str(dir);
            if current.is_empty() || current == "." {
                continue;
            }
            if self.made.insert(current.clone()) {
                let _ = self.stream.mkdir(&current); // already there: fine
            }
        }
    }
}

impl Target for Ftp {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        let remote = self.remote(path)?;
        match self.stream.retr_as_buffer(&remote) {
            Ok(buf) => Ok(Some(buf.into_inner())),
            Err(suppaftp::FtpError::UnexpectedResponse(r)) if r.status.code() == 550 => Ok(None),
            Err(e) => Err(anyhow!("lecture de « {remote} » : {e}")),
        }
    }

    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let remote = self.remote(path)?;
        self.ensure_dirs(path);
        let tmp = Ftp::temporary(&remote);
        self.stream
            .put_file(&tmp, &mut Cursor::new(bytes))
            .map_err(|e| anyhow!("envoi de « {remote} » : {e}"))?;
        self.stream
            .rename(&tmp, &remote)
            .map_err(|e| anyhow!("mise en place de « {remote} » : {e}"))?;
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<()> {
        let remote = self.remote(path)?;
        let _ = self.stream.rm(Ftp::temporary(&remote));
        match self.stream.rm(&remote) {
            Ok(()) => Ok(()),
            Err(suppaftp::FtpError::UnexpectedResponse(r)) if r.status.code() == 550 => Ok(()),
            Err(e) => Err(anyhow!("suppression de « {remote} » : {e}")),
        }
    }

    fn describe(&self) -> String {
        format!("le serveur FTP {}", self.host)
    }

    fn key(&self) -> String {
        format!("ftp://{}:{}{}/", self.host, self.port, self.folder)
    }

    /// Sizes and modification times from one `MLSD` listing per folder:
    /// FTP gives no hash.
    fn inventory(&mut self, paths: &[String]) -> Result<BTreeMap<String, Seen>> {
        let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for path in paths {
            check_path(path)?;
            let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
            by_dir.entry(dir).or_default().push(name);
        }
        let mut seen = BTreeMap::new();
        for (dir, names) in by_dir {
            let remote = if dir.is_empty() {
                self.folder.clone()
            } else {
                format!("{}/{dir}", self.folder)
            };
            let remote = if remote.is_empty() {
                "/".to_string()
            } else {
                remote
            };
            let lines = match self.stream.mlsd(Some(&remote)) {
                Ok(lines) => lines,
                Err(suppaftp::FtpError::UnexpectedResponse(r)) if r.status.code() == 550 => {
                    continue; // no such folder: none of its files is online
                }
                Err(e) => return Err(anyhow!("liste de « {remote} » : {e}")),
            };
            for line in lines {
                let Some((facts, name)) = parse_mlsd(&line) else {
                    continue;
                };
                if !names.contains(&name.as_str())
                    || facts.get("type").map(String::as_str) != Some("file")
                {
                    continue;
                }
                let path = if dir.is_empty() {
                    name
                } else {
                    format!("{dir}/{name}")
                };
                seen.insert(
                    path,
                    Seen {
                        size: facts
                            .get("size")
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(u64::MAX),
                        stamp: facts.get("modify").cloned(),
                        ..Seen::default()
                    },
                );
            }
        }
        Ok(seen)
    }

    fn stamped(&self) -> bool {
        true
    }
}

/// One `MLSD` line (`type=file;size=12;modify=20261125120000; name`): its
/// facts, lower-cased, and the name.
fn parse_mlsd(line: &str) -> Option<(BTreeMap<String, String>, String)> {
    let (facts, name) = line.split_once(' ')?;
    let facts = facts
        .split(';')
        .filter_map(|f| f.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    Some((facts, name.trim_end_matches(['\r', '\n']).to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn mlsd_lines_give_size_and_time() {
        let (facts, name) =
            super::parse_mlsd("type=file;size=1234;modify=20261125120000;UNIX.mode=0644; a b.html")
                .unwrap();
        assert_eq!(name, "a b.html");
        assert_eq!(facts["size"], "1234");
        assert_eq!(facts["modify"], "20261125120000");
        assert_eq!(facts["type"], "file");
    }
}
