//! iPhone photos (HEIC, HEIF): decoded by the system's libheif into plain
//! pixels, then handled like any other photo (resized, re-encoded as JPEG);
//! nothing of the file but its pixels survives.

use std::sync::OnceLock;

use image::{DynamicImage, RgbImage};
use libheif_rs::{ColorSpace, FileTypeResult, HeifContext, LibHeif, RgbChroma};

/// libheif, initialised once for the whole process (it loads its codec
/// plugins at the first initialisation).
fn libheif() -> &'static LibHeif {
    static LIB: OnceLock<LibHeif> = OnceLock::new();
    LIB.get_or_init(LibHeif::new)
}

/// True when `bytes` start like a HEIF file (HEIC, HEIF, AVIF…).
pub fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            libheif_rs::check_file_type(bytes),
            FileTypeResult::Supported | FileTypeResult::Unsupported
        )
}

/// Decodes the primary image of a HEIF file, upright: libheif applies the
/// file's own rotation and mirror (what iPhones write); a file without them
/// (some converters keep the rotation only in EXIF) is turned by its EXIF
/// orientation. Sizes are checked before decoding (no decompression bomb).
pub fn decode(bytes: &[u8], max_side: u32) -> Result<DynamicImage, String> {
    let lib = libheif();
    let context = HeifContext::read_from_bytes(bytes)
        .map_err(|e| format!("photo HEIC illisible : {}", e.message))?;
    let handle = context
        .primary_image_handle()
        .map_err(|e| format!("photo HEIC illisible : {}", e.message))?;
    let (w, h) = (handle.width(), handle.height());
    if w == 0 || h == 0 || w > max_side || h > max_side {
        return Err(format!("photo trop grande pour être traitée ({w} × {h} pixels ; au plus {max_side} de côté) : fichier piégé ou image démesurée"));
    }
    let exif_orientation = exif_orientation(&handle);
    // Decoding options are left out on purpose: libheif-rs 0.20 frees them
    // before libheif reads them (fixed in 1.0.1, which needs libheif 1.17).
    let decoded = lib
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), None)
        .map_err(|e| {
            format!(
                "photo HEIC abîmée ou d'un codage non pris en charge : {}",
                e.message
            )
        })?;
    let plane = decoded
        .planes()
        .interleaved
        .ok_or("photo HEIC : pas d'image en couleurs RVB après décodage")?;
    let (pw, ph) = (plane.width, plane.height);
    let row = pw as usize * 3;
    if plane.stride < row || plane.data.len() < plane.stride * (ph as usize - 1) + row {
        return Err("photo HEIC : image décodée incomplète".into());
    }
    let mut pixels = Vec::with_capacity(row * ph as usize);
    for y in 0..ph as usize {
        pixels.extend_from_slice(&plane.data[y * plane.stride..y * plane.stride + row]);
    }
    let rgb = RgbImage::from_raw(pw, ph, pixels).ok_or("photo HEIC : taille incohérente")?;
    let mut image = DynamicImage::ImageRgb8(rgb);
    if !has_transformations(bytes) {
        if let Some(orientation) = exif_orientation {
            image.apply_orientation(orientation);
        }
    }
    Ok(image)
}

/// The orientation of the EXIF block, if the file has one. In HEIF, an EXIF
/// block starts with the offset of its TIFF header.
fn exif_orientation(handle: &libheif_rs::ImageHandle) -> Option<image::metadata::Orientation> {
    let mut ids = [0; 4];
    let count = handle.metadata_block_ids(&mut ids, b"Exif");
    ids[..count.min(ids.len())].iter().find_map(|id| {
        let data = handle.metadata(*id).ok()?;
        let offset = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as usize;
        image::metadata::Orientation::from_exif_chunk(data.get(4 + offset..)?)
    })
}

/// True when the file's `meta` box holds a rotation (`irot`) or mirror
/// (`imir`) property, which libheif applies while decoding.
fn has_transformations(bytes: &[u8]) -> bool {
    let mut at = 0usize;
    while at + 8 <= bytes.len() {
        let size32 = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let kind = &bytes[at + 4..at + 8];
        let (header, size) = match size32 {
            0 => (8, bytes.len() - at),
            1 if at + 16 <= bytes.len() => (
                16,
                u64::from_be_bytes(bytes[at + 8..at + 16].try_into().expect("8 bytes")) as usize,
            ),
            n => (8, n),
        };
        if size < header {
            return false;
        }
        let end = at.saturating_add(size).min(bytes.len());
        if kind == b"meta" {
            let meta = &bytes[at + header..end];
            return memchr::memmem::find(meta, b"irot").is_some()
                || memchr::memmem::find(meta, b"imir").is_some();
        }
        at = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rotation_in_the_meta_box_only() {
        let boxed = |kind: &[u8], body: &[u8]| {
            let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
            b.extend_from_slice(kind);
            b.extend_from_slice(body);
            b
        };
        let ftyp = boxed(b"ftyp", b"heic\0\0\0\0mif1heic");
        let plain = [
            ftyp.clone(),
            boxed(b"meta", b"\0\0\0\0iprpipco"),
            boxed(b"mdat", b"irot"),
        ]
        .concat();
        assert!(!has_transformations(&plain));
        let rotated = [ftyp, boxed(b"meta", b"\0\0\0\0ipco\0\0\0\x09irot\x01")].concat();
        assert!(has_transformations(&rotated));
        assert!(!has_transformations(b"\0\0\0\x02xx"));
    }

    #[test]
    fn a_jpeg_is_not_heif() {
        assert!(!is_heif(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0"));
    }
}
