//! The cryptography of audience bundles, in one place.
//!
//! - Items (pages, images, files, indexes) are sealed with AES-256-GCM under
//!   the audience's content key, with the blob header and the item's id as
//!   associated data, so a blob moved to another id does not open.
//! - Nonces are synthetic: HMAC-SHA256(nonce key, id ‖ 0 ‖ plaintext),
//!   truncated to 96 bits. Two different messages never share a nonce, and
//!   the same input gives the same bytes (reproducible builds).
//! - Content keys are wrapped for each role under a key derived from the
//!   role's passphrase with PBKDF2-HMAC-SHA256 (WebCrypto can do all of it).
//!
//! The blob format is documented in the book (« Format des fichiers chiffrés »).

use std::io::{Read, Write};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// First bytes of every sealed blob: magic and format version.
pub const MAGIC: &[u8; 6] = b"PREAU\x01";
/// Flag byte: the plaintext was compressed with raw DEFLATE before sealing.
pub const FLAG_DEFLATE: u8 = 1;
/// Flag byte: the plaintext was sealed as is.
pub const FLAG_STORED: u8 = 0;
/// PBKDF2 iterations for wrapping keys (OWASP 2023 advice for SHA-256).
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// Bytes of a key.
pub const KEY_LEN: usize = 32;
/// Bytes of a nonce.
pub const NONCE_LEN: usize = 12;
const HEADER_LEN: usize = MAGIC.len() + 1 + NONCE_LEN;

/// Why a blob or a wrapped key did not open. Callers act on the kind: a
/// wrong passphrase asks again, corrupted data is reported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The passphrase opens none of the wrapped keys.
    #[error("code d'accès incorrect")]
    WrongPassphrase,
    /// The blob was altered, truncated, or belongs to another id or key.
    #[error("données chiffrées altérées ou d'un autre espace")]
    Corrupted,
    /// The blob is of a format this version does not know.
    #[error("format de fichier chiffré inconnu")]
    UnknownFormat,
}

/// A 256-bit key.
pub type Key = [u8; KEY_LEN];

/// Fresh random bytes from the operating system's CSPRNG.
pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random generator is available");
    bytes
}

/// The synthetic nonce of `plaintext` under `id`.
pub fn synthetic_nonce(nonce_key: &Key, id: &str, plaintext: &[u8]) -> [u8; NONCE_LEN] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(nonce_key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(&[0]);
    mac.update(plaintext);
    let tag = mac.finalize().into_bytes();
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&tag[..NONCE_LEN]);
    nonce
}

/// An opaque, stable name for an item: 32 hex characters.
pub fn opaque_name(nonce_key: &Key, id: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(nonce_key).expect("HMAC takes any key length");
    mac.update(b"name\0");
    mac.update(id.as_bytes());
    mac.finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Seals `plaintext` as item `id`: `MAGIC ‖ flag ‖ nonce ‖ ciphertext+tag`.
/// Compresses first when `compress` (never for JPEG and the like).
pub fn seal(key: &Key, nonce_key: &Key, id: &str, plaintext: &[u8], compress: bool) -> Vec<u8> {
    let (flag, body) = if compress {
        let mut enc = flate2::write::DeflateEncoder::new(
            Vec::with_capacity(plaintext.len() / 3),
            flate2::Compression::default(),
        );
        enc.write_all(plaintext).expect("writing to memory");
        (FLAG_DEFLATE, enc.finish().expect("writing to memory"))
    } else {
        (FLAG_STORED, plaintext.to_vec())
    };
    let nonce = synthetic_nonce(nonce_key, id, plaintext);
    let cipher = Aes256Gcm::new(key.into());
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &body,
                aad: &blob_aad(flag, id),
            },
        )
        .expect("AES-GCM encryption of an in-memory buffer");
    let mut out = Vec::with_capacity(HEADER_LEN + ciphertext.len());
    out.extend_from_slice(MAGIC);
    out.push(flag);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    out
}

/// Associated data of a blob: its header (magic, version, flag) and the
/// item id, so that neither the format flag nor the place can be changed.
fn blob_aad(flag: u8, id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(MAGIC.len() + 1 + id.len());
    aad.extend_from_slice(MAGIC);
    aad.push(flag);
    aad.extend_from_slice(id.as_bytes());
    aad
}

/// Opens a blob sealed by [`seal`] as item `id`.
pub fn open(key: &Key, id: &str, blob: &[u8]) -> Result<Vec<u8>, AccessError> {
    if blob.len() < HEADER_LEN + 16 || &blob[..MAGIC.len()] != MAGIC {
        return Err(if blob.starts_with(b"PREAU") {
            AccessError::UnknownFormat
        } else {
            AccessError::Corrupted
        });
    }
    let flag = blob[MAGIC.len()];
    let nonce = &blob[MAGIC.len() + 1..HEADER_LEN];
    let cipher = Aes256Gcm::new(key.into());
    let body = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: &blob[HEADER_LEN..],
                aad: &blob_aad(flag, id),
            },
        )
        .map_err(|_| AccessError::Corrupted)?;
    match flag {
        FLAG_STORED => Ok(body),
        FLAG_DEFLATE => {
            let mut out = Vec::with_capacity(body.len() * 3);
            flate2::read::DeflateDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|_| AccessError::Corrupted)?;
            Ok(out)
        }
        _ => Err(AccessError::UnknownFormat),
    }
}

/// Passphrases are compared after this: lower case, letters and digits only,
/// so that « Bakoti-Lumipa rosufa » and « bakotilumiparosufa » are the same.
pub fn normalize_passphrase(passphrase: &str) -> String {
    deunicode::deunicode(passphrase)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// The key-encryption key of a passphrase.
pub fn derive_kek(passphrase: &str, salt: &[u8], iterations: u32) -> Key {
    let mut kek = [0u8; KEY_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(
        normalize_passphrase(passphrase).as_bytes(),
        salt,
        iterations,
        &mut kek,
    );
    kek
}

/// Associated data of a wrapped key, binding it to its audience.
fn wrap_aad(audience: &str) -> Vec<u8> {
    format!("preau-acces-v1 cle {audience}").into_bytes()
}

/// Wraps `content_key` for `audience` under `kek`: `nonce ‖ ciphertext+tag`.
/// The nonce is random: wrapping happens once, in `preau access`.
pub fn wrap(kek: &Key, audience: &str, content_key: &Key) -> Vec<u8> {
    let nonce = random::<NONCE_LEN>();
    let cipher = Aes256Gcm::new(kek.into());
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: content_key,
                aad: &wrap_aad(audience),
            },
        )
        .expect("AES-GCM encryption of an in-memory buffer");
    [nonce.as_slice(), &ct].concat()
}

/// Unwraps a key wrapped by [`wrap`]; a wrong `kek` is a wrong passphrase.
pub fn unwrap(kek: &Key, audience: &str, wrapped: &[u8]) -> Result<Key, AccessError> {
    if wrapped.len() != NONCE_LEN + KEY_LEN + 16 {
        return Err(AccessError::Corrupted);
    }
    let cipher = Aes256Gcm::new(kek.into());
    let key = cipher
        .decrypt(
            Nonce::from_slice(&wrapped[..NONCE_LEN]),
            Payload {
                msg: &wrapped[NONCE_LEN..],
                aad: &wrap_aad(audience),
            },
        )
        .map_err(|_| AccessError::WrongPassphrase)?;
    key.try_into().map_err(|_| AccessError::Corrupted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: Key = [7; 32];
    const NKEY: Key = [9; 32];

    #[test]
    fn round_trip_compressed_and_stored() {
        for compress in [true, false] {
            let blob = seal(
                &KEY,
                &NKEY,
                "classe:cm1/page/blog/",
                b"<p>Bonjour les CM1</p>",
                compress,
            );
            assert_eq!(
                open(&KEY, "classe:cm1/page/blog/", &blob).unwrap(),
                b"<p>Bonjour les CM1</p>"
            );
        }
    }

    #[test]
    fn same_input_same_bytes_and_different_messages_different_nonces() {
        let a = seal(&KEY, &NKEY, "id", b"texte", true);
        assert_eq!(a, seal(&KEY, &NKEY, "id", b"texte", true));
        let b = seal(&KEY, &NKEY, "id", b"texte modifie", true);
        assert_ne!(a[7..19], b[7..19], "nonces must differ");
        let c = seal(&KEY, &NKEY, "autre-id", b"texte", true);
        assert_ne!(a[7..19], c[7..19]);
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        let blob = seal(&KEY, &NKEY, "id", b"un texte assez long pour compter", true);
        for byte in 0..blob.len() {
            for bit in 0..8 {
                let mut bad = blob.clone();
                bad[byte] ^= 1 << bit;
                assert!(
                    open(&KEY, "id", &bad).is_err(),
                    "flip at byte {byte} bit {bit} not detected"
                );
            }
        }
    }

    #[test]
    fn moved_blob_and_wrong_key_are_rejected() {
        let blob = seal(&KEY, &NKEY, "classe:cm1/page/a/", b"secret", true);
        assert_eq!(
            open(&KEY, "classe:cm1/page/b/", &blob),
            Err(AccessError::Corrupted)
        );
        assert_eq!(
            open(&[8; 32], "classe:cm1/page/a/", &blob),
            Err(AccessError::Corrupted)
        );
        assert_eq!(
            open(&KEY, "x", b"PREAU\x02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            Err(AccessError::UnknownFormat)
        );
        assert_eq!(open(&KEY, "x", b"court"), Err(AccessError::Corrupted));
    }

    #[test]
    fn wrap_unwrap_and_wrong_passphrase() {
        let salt = [1u8; 16];
        let kek = derive_kek("bakoti-lumipa-rosufa", &salt, 1000);
        let wrapped = wrap(&kek, "classe:cm1", &KEY);
        assert_eq!(
            unwrap(
                &derive_kek("Bakoti Lumipa Rosufa", &salt, 1000),
                "classe:cm1",
                &wrapped
            ),
            Ok(KEY)
        );
        let wrong = derive_kek("bakoti-lumipa-rosufo", &salt, 1000);
        assert_eq!(
            unwrap(&wrong, "classe:cm1", &wrapped),
            Err(AccessError::WrongPassphrase)
        );
        assert_eq!(
            unwrap(&kek, "classe:cm2", &wrapped),
            Err(AccessError::WrongPassphrase),
            "bound to its audience"
        );
    }

    #[test]
    fn pbkdf2_matches_the_rfc_vector() {
        // RFC 7914 §11 (PBKDF2-HMAC-SHA256, "passwd"/"salt", 1 iteration), first 32 bytes.
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(out[..8], [0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f]);
    }
}
