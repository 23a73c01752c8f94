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
        // Asked here, in French: minisign's own prompt is English.
        minisign::KeyPair::generate_encrypted_keypair(Some(password(
            "Mot de passe qui protégera la clé secrète : ",
            true,
        )?))
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
    if PublicKeyBox::from_string(&text)
        .and_then(|b| b.into_public_key())
        .is_ok()
    {
        bail!("« {} » est une clé publique : pour signer, il faut la clé secrète\n  conseil : indiquez le fichier .key (pas le .pub) créé par « preau keys generate »", path.display());
    }
    // minisign's reason is English and says nothing more to a teacher.
    let sk_box = SecretKeyBox::from_string(&text).map_err(|_| {
        anyhow!(
            "« {} » n'est pas une clé secrète minisign\n  conseil : indiquez le fichier .key (pas le .pub) créé par « preau keys generate »",
            path.display()
        )
    })?;
    let unencrypted = sk_box.clone().into_unencrypted_secret_key();
    match unencrypted {
        Ok(sk) if !sk.is_encrypted() => Ok(sk),
        _ => {
            let prompt = format!("Mot de passe de la clé « {} » : ", path.display());
            sk_box
                .into_secret_key(Some(password(&prompt, false)?))
                .map_err(|_| anyhow!("mot de passe de la clé « {} » incorrect", path.display()))
        }
    }
}

/// The password of a secret key: [`PASSWORD_ENV`], else typed on the
/// terminal (hidden) after a French prompt; twice when `confirm`.
fn password(prompt: &str, confirm: bool) -> Result<String> {
    use std::io::IsTerminal;
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        bail!("pas de terminal pour taper le mot de passe de la clé\n  conseil : lancez la commande dans un terminal, ou donnez le mot de passe dans la variable d'environnement {PASSWORD_ENV}");
    }
    let typed = rpassword::prompt_password(prompt)
        .context("le mot de passe n'a pas pu être lu au clavier")?;
    if confirm {
        if typed.is_empty() {
            bail!("mot de passe vide : la clé n'a pas été créée\n  conseil : choisissez un mot de passe, ou créez une clé sans mot de passe avec --sans-mot-de-passe");
        }
        let again = rpassword::prompt_password("Retapez-le pour vérifier : ")
            .context("le mot de passe n'a pas pu être lu au clavier")?;
        if again != typed {
            bail!("les deux mots de passe tapés sont différents : la clé n'a pas été créée\n  conseil : relancez la commande et tapez deux fois le même mot de passe");
        }
    }
    Ok(typed)
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
