//! Recognises a HEIF file (HEIC, HEIF, AVIF…) from its first bytes, without
//! libheif: used by builds without the `heic` feature (the Windows archive,
//! where libheif cannot be cross-built) to say clearly what to do with an
//! iPhone photo instead of calling it an unknown format.

/// Brands of the `ftyp` box that mark a HEIF image (ISO/IEC 23008-12 and
/// the AVIF specification).
const BRANDS: [&[u8; 4]; 10] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis",
];

/// What a build without HEIC support says of a HEIC photo (the caller adds
/// the `conseil :` line of every unreadable photo).
pub const NOT_SUPPORTED: &str = "photo HEIC (iPhone) : cette version de Préau ne sait pas lire ce format ; convertissez la photo en JPEG (sur l'iPhone, pour les prochaines : Réglages › Appareil photo › Formats › « Le plus compatible »)";

/// True when `bytes` start with an `ftyp` box whose major or a compatible
/// brand is a HEIF one.
pub fn looks_like_heif(bytes: &[u8]) -> bool {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let end = size.clamp(12, bytes.len().min(4096));
    // Major brand at 8..12, minor version at 12..16, compatible brands after.
    std::iter::once(&bytes[8..12])
        .chain(bytes.get(16..end).unwrap_or(&[]).chunks_exact(4))
        .any(|brand| BRANDS.iter().any(|b| &b[..] == brand))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_heic_and_not_jpeg_or_mp4() {
        assert!(looks_like_heif(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"));
        // Major brand elsewhere, HEIF only among the compatible brands.
        assert!(looks_like_heif(b"\0\0\0\x18ftypxxxx\0\0\0\0mif1miaf"));
        assert!(!looks_like_heif(b"\0\0\0\x18ftypisom\0\0\0\0isomiso2"));
        assert!(!looks_like_heif(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0"));
        assert!(!looks_like_heif(b"\0\0\0\x08ftyp"));
    }

    #[test]
    fn the_message_says_what_to_do_in_french() {
        assert!(NOT_SUPPORTED.contains("convertissez la photo en JPEG"));
        assert!(
            !NOT_SUPPORTED.contains('\n'),
            "one line: the caller adds the hint"
        );
    }
}
