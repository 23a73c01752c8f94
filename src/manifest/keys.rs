//! minisign key pairs, signatures and checks, with French errors.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use minisign::{PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

use super::SignerRole;

/// Environment variable that gives the password of a secret key (for
/// scripts); without it, `preau` asks on the terminal.
pub const PASSWORD_ENV: &str = "PREAU_MOT_DE_PASSE";

/// A generated key pair's files.
pub struct Generated {
    /// The secret key file (mode 0600).
    pub secret: PathBuf,
    /// The public key file.
    pub public: PathBuf,
    /// The public key, as written in `ecole.yaml`.
    pub public_base64: String,
}

/// Makes a key pair for `role` in `dir`: `<role>.key` (protected by a
/// password unless `no_password`, always mode 0600) and `<role>.pub`.
/// Never replaces an existing key.
pub fn generate(role: SignerRole, dir: &Path, no_password: bool) -> Result<Generated> {
    std::fs::create_dir_all(dir).with_context(|| format!("création de « {} »", dir.display()))?;
    let secret = dir.join(format!("{}.key", role.id()));
    let public = dir.join(format!("{}.pub", role.id()));
    for path in [&secret, &public] {
        if path.exists() {
            bail!("« {} » existe déjà : il n'a pas été remplacé\n  conseil : une clé se garde toute la carrière ; pour en changer, déplacez d'abord l'ancienne", path.display());
        }
    }
    let pair = if no_password {
        minisign::KeyPair::generate_unencrypted_keypair()
    } else {
        minisign::KeyPair::generate_encrypted_keypair(std::env::var(PASSWORD_ENV).ok())
    }
    .map_err(|e| anyhow!("création de la clé impossible : {e}"))?;
    let comment = format!("clé secrète Préau ({})", role.id());
    let sk_box = pair.sk.to_box(Some(&comment)).map_err(|e| anyhow!("{e}"))?;
    crate::access::secrets::write_private(&secret, sk_box.to_string().as_bytes())?;
    let pk_box = pair.pk.to_box().map_err(|e| anyhow!("{e}"))?;
    std::fs::write(&public, pk_box.to_string())
        .with_context(|| format!("écriture de « {} »", public.display()))?;
    Ok(Generated {
        secret,
        public,
        public_base64: pair.pk.to_base64(),
    })
}

/// Reads a secret key, asking for its password when it has one.
pub fn load_secret(path: &Path) -> Result<SecretKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("la clé secrète « {} » est introuvable", path.display()))?;
    let sk_box = SecretKeyBox::from_string(&text).map_err(|e| {
        anyhow!(
            "« {} » n'est pas une clé secrète minisign : {e}",
            path.display()
        )
    })?;
    let unencrypted = sk_box.clone().into_unencrypted_secret_key();
    match unencrypted {
        Ok(sk) if !sk.is_encrypted() => Ok(sk),
        _ => {
            let password = std::env::var(PASSWORD_ENV).ok();
            sk_box
                .into_secret_key(password)
                .map_err(|_| anyhow!("mot de passe de la clé « {} » incorrect", path.display()))
        }
    }
}

/// Parses a public key: the base64 line of a `.pub` file, or such a file.
pub fn parse_public(text_or_path: &str) -> Result<PublicKey> {
    let text = text_or_path.trim();
    if let Ok(pk) = PublicKey::from_base64(text) {
        return Ok(pk);
    }
    let content = std::fs::read_to_string(text)
        .with_context(|| format!("clé publique illisible : « {text} »"))?;
    PublicKeyBox::from_string(&content)
        .and_then(|b| b.into_public_key())
        .or_else(|_| PublicKey::from_base64(content.trim()))
        .map_err(|_| anyhow!("« {text} » n'est pas une clé publique minisign"))
}

/// Signs `data` for `role`, with a trusted comment that says who and when.
pub fn sign(sk: &SecretKey, data: &[u8], trusted_comment: &str) -> Result<String> {
    let pk = PublicKey::from_secret_key(sk).map_err(|e| anyhow!("{e}"))?;
    let sig = minisign::sign(
        Some(&pk),
        sk,
        Cursor::new(data),
        Some(trusted_comment),
        Some("signature Préau du manifeste"),
    )
    .map_err(|e| anyhow!("signature impossible : {e}"))?;
    Ok(sig.into_string())
}

/// Why a signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The signature file is not a minisign signature.
    #[error("la signature est illisible")]
    Unreadable,
    /// Signed by another key than the trusted one.
    #[error("la signature a été faite avec une clé qui n'est pas celle déclarée")]
    UntrustedKey,
    /// The signed bytes were changed.
    #[error("le manifeste a été modifié après avoir été signé")]
    Tampered,
}

/// Checks a signature of `data`; returns its trusted comment.
pub fn verify(
    pk: &PublicKey,
    data: &[u8],
    signature: &str,
) -> std::result::Result<String, SignatureError> {
    let sig = SignatureBox::from_string(signature).map_err(|_| SignatureError::Unreadable)?;
    if sig.keynum() != pk.keynum() {
        return Err(SignatureError::UntrustedKey);
    }
    minisign::verify(pk, &sig, Cursor::new(data), true, false, false)
        .map_err(|_| SignatureError::Tampered)?;
    sig.trusted_comment()
        .map_err(|_| SignatureError::Unreadable)
}
