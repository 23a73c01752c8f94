//! The school's access secrets: each role's code, each audience's keys,
//! and the public ring of wrapped keys. Kept in `.preau/acces.json`
//! (mode 0600), never published; only the ring is copied into the site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::crypto::{self, Key, PBKDF2_ITERATIONS};
use super::passphrase;
use crate::config::{Audience, School};

/// Folder of the school's secrets, relative to the school folder.
pub const SECRETS_DIR: &str = ".preau";
/// File of the access secrets inside [`SECRETS_DIR`].
pub const SECRETS_FILE: &str = "acces.json";

/// Who holds a passphrase: a class's families, or the staff (not [`crate::manifest::SignerRole`], who signs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CodeHolder {
    /// The families of one class: open the class and `familles`.
    Class(String),
    /// The staff: open everything.
    Staff,
}

impl CodeHolder {
    /// `classe:cm1` or `equipe`.
    pub fn id(&self) -> String {
        match self {
            CodeHolder::Class(id) => format!("classe:{id}"),
            CodeHolder::Staff => "equipe".into(),
        }
    }

    /// Parses `classe:cm1` or `equipe`.
    pub fn parse(text: &str) -> Option<CodeHolder> {
        match text {
            "equipe" | "équipe" => Some(CodeHolder::Staff),
            _ => text
                .strip_prefix("classe:")
                .map(|id| CodeHolder::Class(id.to_string())),
        }
    }

    /// The audiences this role's code opens.
    pub fn opens(&self, school: &School) -> Vec<Audience> {
        match self {
            CodeHolder::Class(id) => vec![Audience::Class(id.clone()), Audience::Families],
            CodeHolder::Staff => all_audiences(school),
        }
    }
}

/// Every restricted audience of a school.
pub fn all_audiences(school: &School) -> Vec<Audience> {
    let mut all: Vec<Audience> = school
        .class_list
        .iter()
        .map(|c| Audience::Class(c.id.clone()))
        .collect();
    all.push(Audience::Families);
    all.push(Audience::Staff);
    all
}

/// Every role of a school.
pub fn all_holders(school: &School) -> Vec<CodeHolder> {
    let mut roles: Vec<CodeHolder> = school
        .class_list
        .iter()
        .map(|c| CodeHolder::Class(c.id.clone()))
        .collect();
    roles.push(CodeHolder::Staff);
    roles
}

/// One role's secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HolderSecret {
    /// The code printed on the family letter.
    pub code: String,
}

/// One audience's keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AudienceKeys {
    /// Increases at each rotation.
    pub generation: u32,
    /// AES-256-GCM content key (base64).
    pub content_key: String,
    /// HMAC key for synthetic nonces and opaque names (base64).
    pub nonce_key: String,
}

/// The public ring of wrapped keys (`acces/cles.json` in the site).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Ring {
    /// Always `preau-acces`.
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// Key derivation parameters.
    pub kdf: Kdf,
    /// For each role, its wrapped content keys. Roles are not named.
    pub roles: Vec<Vec<Wrapped>>,
}

/// PBKDF2 parameters, as WebCrypto takes them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Kdf {
    /// `PBKDF2`.
    pub name: String,
    /// `SHA-256`.
    pub hash: String,
    /// Iterations.
    pub iterations: u32,
    /// 16 random bytes, base64.
    pub salt: String,
}

/// A content key wrapped under a role's key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Wrapped {
    /// The audience the key opens (`classe:cm1`).
    pub audience: String,
    /// `nonce ‖ ciphertext+tag`, base64.
    pub key: String,
}

/// Everything in `.preau/acces.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Secrets {
    /// Always `preau-secrets`.
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// Code holder id → code.
    pub roles: BTreeMap<String, HolderSecret>,
    /// Audience id → keys.
    pub audiences: BTreeMap<String, AudienceKeys>,
    /// The public ring, as published.
    pub ring: Ring,
}

impl Secrets {
    /// Path of the secrets file of a school.
    pub fn path(root: &Path) -> PathBuf {
        root.join(SECRETS_DIR).join(SECRETS_FILE)
    }

    /// Reads the secrets, `None` when the school has none yet.
    pub fn load(root: &Path) -> Result<Option<Secrets>> {
        let path = Secrets::path(root);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("lecture de « {} »", path.display())),
        };
        let secrets: Secrets = serde_json::from_str(&text)
            .with_context(|| format!("« {} » est illisible", path.display()))?;
        if secrets.format != "preau-secrets" || secrets.version != 1 {
            bail!(
                "« {} » n'est pas un fichier de secrets Préau de version 1",
                path.display()
            );
        }
        secrets.check_keys(&path)?;
        Ok(Some(secrets))
    }

    /// Every audience key must be 32 bytes in base64: a key damaged by hand
    /// (or by a bad copy) is reported here, naming the file, rather than
    /// found missing halfway through sealing.
    fn check_keys(&self, path: &Path) -> Result<()> {
        let mut problems = Vec::new();
        for (audience, keys) in &self.audiences {
            for (name, text) in [
                ("content_key", &keys.content_key),
                ("nonce_key", &keys.nonce_key),
            ] {
                if let Err(why) = check_key(text) {
                    problems.push(format!("la clé « {name} » de « {audience} » {why}"));
                }
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        bail!(
            "« {} » est abîmé : {}\n  conseil : remettez ce fichier depuis votre sauvegarde ; à défaut, supprimez-le et lancez « preau access generer » (de nouveaux codes seront à distribuer aux familles)",
            path.display(),
            problems.join(" ; ")
        )
    }

    /// New codes and keys for every role and audience of the school.
    pub fn generate(school: &School) -> Secrets {
        let mut secrets = Secrets {
            format: "preau-secrets".into(),
            version: 1,
            roles: BTreeMap::new(),
            audiences: BTreeMap::new(),
            ring: empty_ring(),
        };
        secrets.add_missing(school);
        secrets
    }

    /// Adds codes and keys for classes that have none (a new class), keeping
    /// every existing one; rebuilds the ring. Returns the roles added.
    pub fn add_missing(&mut self, school: &School) -> Vec<CodeHolder> {
        let mut added = Vec::new();
        for role in all_holders(school) {
            if let std::collections::btree_map::Entry::Vacant(slot) = self.roles.entry(role.id()) {
                slot.insert(HolderSecret {
                    code: passphrase::generate(),
                });
                added.push(role);
            }
        }
        for audience in all_audiences(school) {
            self.audiences
                .entry(audience.id())
                .or_insert_with(|| new_keys(1));
        }
        if !added.is_empty() || self.ring.roles.is_empty() {
            self.rebuild_ring(school);
        }
        added
    }

    /// A new code for `role`, and new content keys for every audience it
    /// opened, so that the old code opens nothing built from now on.
    pub fn rotate(&mut self, role: &CodeHolder, school: &School) {
        self.roles.insert(
            role.id(),
            HolderSecret {
                code: passphrase::generate(),
            },
        );
        for audience in role.opens(school) {
            let generation = self
                .audiences
                .get(&audience.id())
                .map(|k| k.generation + 1)
                .unwrap_or(1);
            self.audiences.insert(audience.id(), new_keys(generation));
        }
        self.rebuild_ring(school);
    }

    /// Wraps every audience key for every role under a fresh salt.
    fn rebuild_ring(&mut self, school: &School) {
        let salt = crypto::random::<16>();
        let mut roles = Vec::new();
        for role in all_holders(school) {
            let Some(secret) = self.roles.get(&role.id()) else {
                continue;
            };
            let kek = crypto::derive_kek(&secret.code, &salt, PBKDF2_ITERATIONS);
            let entries = role
                .opens(school)
                .into_iter()
                .filter_map(|audience| {
                    let key = self.content_key(&audience)?;
                    Some(Wrapped {
                        audience: audience.id(),
                        key: B64.encode(crypto::wrap(&kek, &audience.id(), &key)),
                    })
                })
                .collect();
            roles.push(entries);
        }
        self.ring = Ring {
            kdf: Kdf {
                salt: B64.encode(salt),
                ..empty_ring().kdf
            },
            roles,
            ..empty_ring()
        };
    }

    /// The content key of an audience.
    pub fn content_key(&self, audience: &Audience) -> Option<Key> {
        decode_key(&self.audiences.get(&audience.id())?.content_key)
    }

    /// The nonce key of an audience.
    pub fn nonce_key(&self, audience: &Audience) -> Option<Key> {
        decode_key(&self.audiences.get(&audience.id())?.nonce_key)
    }

    /// The code of a role.
    pub fn code(&self, role: &CodeHolder) -> Option<&str> {
        self.roles.get(&role.id()).map(|r| r.code.as_str())
    }

    /// Every secret string, in every form it could be written, for the
    /// check that none reaches the published site.
    pub fn needles(&self) -> Vec<String> {
        let mut needles = Vec::new();
        for role in self.roles.values() {
            needles.push(role.code.clone());
            needles.push(crypto::normalize_passphrase(&role.code));
        }
        for keys in self.audiences.values() {
            for k in [&keys.content_key, &keys.nonce_key] {
                needles.push(k.clone());
                if let Some(raw) = decode_key(k) {
                    needles.push(raw.iter().map(|b| format!("{b:02x}")).collect());
                    needles.push(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw));
                }
            }
        }
        needles
    }

    /// Writes the secrets with mode 0600 (folder 0700), atomically, and makes
    /// sure the school's `.gitignore` covers them.
    pub fn save(&self, root: &Path) -> Result<()> {
        let dir = root.join(SECRETS_DIR);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("création de « {} »", dir.display()))?;
        set_mode(&dir, 0o700)?;
        let path = Secrets::path(root);
        let tmp = dir.join(format!(".{SECRETS_FILE}.tmp"));
        let text = serde_json::to_string_pretty(self).expect("secrets serialize");
        write_private(&tmp, text.as_bytes())?;
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("écriture de « {} »", path.display()))?;
        ensure_gitignored(root)
    }
}

fn empty_ring() -> Ring {
    Ring {
        format: "preau-acces".into(),
        version: 1,
        kdf: Kdf {
            name: "PBKDF2".into(),
            hash: "SHA-256".into(),
            iterations: PBKDF2_ITERATIONS,
            salt: String::new(),
        },
        roles: Vec::new(),
    }
}

fn new_keys(generation: u32) -> AudienceKeys {
    AudienceKeys {
        generation,
        content_key: B64.encode(crypto::random::<32>()),
        nonce_key: B64.encode(crypto::random::<32>()),
    }
}

fn decode_key(text: &str) -> Option<Key> {
    B64.decode(text).ok()?.try_into().ok()
}

/// Why a key's text is not a 32-byte key in base64 (French, for a message).
fn check_key(text: &str) -> Result<(), String> {
    match B64.decode(text) {
        Err(_) => Err("n'est pas écrite en base64".into()),
        Ok(raw) if raw.len() != crypto::KEY_LEN => Err(format!(
            "fait {} octets au lieu de {}",
            raw.len(),
            crypto::KEY_LEN
        )),
        Ok(_) => Ok(()),
    }
}

/// Writes a file only its owner can read (mode 0600 from creation).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("écriture de « {} »", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("écriture de « {} »", path.display()))?;
    set_mode(path, 0o600)
}

/// Sets Unix permissions (no-op elsewhere).
pub fn set_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("droits de « {} »", path.display()))?;
    }
    let _ = (path, mode);
    Ok(())
}

/// Adds `.preau/` to the school's `.gitignore` when it is not there.
fn ensure_gitignored(root: &Path) -> Result<()> {
    let path = root.join(".gitignore");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let covered = current
        .lines()
        .any(|l| matches!(l.trim(), ".preau" | ".preau/" | "/.preau" | "/.preau/"));
    if !covered {
        let mut text = current;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# Secrets de Préau (codes des familles, clés) : ne jamais publier ni partager.\n.preau/\n");
        std::fs::write(&path, text)
            .with_context(|| format!("écriture de « {} »", path.display()))?;
    }
    Ok(())
}
