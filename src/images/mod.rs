//! Photos: turned upright (EXIF orientation), stripped of every metadata
//! block (they are re-encoded from pixels: no EXIF, GPS, XMP, IPTC or
//! comment survives), resized to a few widths (never upscaled), re-encoded
//! as progressive JPEG by mozjpeg, cached by content and settings outside
//! the published output.
//! The original never reaches the output. iPhone photos (HEIC, HEIF) are
//! decoded by libheif (`heif.rs`) and then handled the same way; a build
//! without the `heic` feature (the Windows archive) recognises them
//! (`heif_sniff.rs`) and asks for a JPEG instead.
//!
//! (About 432 lines of code; the rest of the file is its unit tests.)

#[cfg(feature = "heic")]
mod heif;
#[cfg_attr(feature = "heic", allow(dead_code))]
mod heif_sniff;
pub mod record;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

/// Widths produced for every photo (those wider than the original are skipped).
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
/// Largest side accepted: beyond, a file is refused as a decompression bomb.
pub const MAX_SIDE: u32 = 12_000;
/// Largest memory a decoder may allocate.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// `photos:` in `ecole.yaml` (part of the configuration, which images only read).
pub use crate::config::PhotoSettings as Settings;

/// Extensions of the files handled as photos (decoded and re-encoded,
/// never published as they are).
pub const PHOTO_TYPES: [&str; 6] = ["jpg", "jpeg", "png", "webp", "heic", "heif"];

/// True for the files handled as photos.
pub fn is_photo(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    PHOTO_TYPES.contains(&ext.as_str())
}

/// One resized copy of a photo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Output path (`classes/cm1/blog/sortie/photo-960.jpg`); not kept in
    /// the photo cache (it names the photo: it is made again from the
    /// photo's own path when the cache is read).
    #[serde(default, skip_serializing)]
    pub path: String,
    /// The file in the cache.
    pub cached: PathBuf,
}

/// A processed photo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Photo {
    /// Its variants, narrowest first.
    pub variants: Vec<Variant>,
}

/// What processing did, for the build summary and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Photos processed now.
    pub processed: usize,
    /// Photos taken from the cache.
    pub cached: usize,
    /// Photo files opened and read (an unchanged photo is not: see `record`).
    pub read: usize,
    /// Bytes of the photo files read.
    pub bytes_read: u64,
}

/// Processes every photo (by output path → source file), in parallel,
/// reusing the cache in `cache_dir` and, for unchanged files, the keys of
/// `record`. Problems name the source file.
pub fn process_all(
    photos: &BTreeMap<String, PathBuf>,
    root: &Path,
    settings: &Settings,
    cache_dir: &Path,
    record: &record::Record,
) -> (BTreeMap<String, Photo>, Stats, Vec<Diagnostic>) {
    let processed = AtomicUsize::new(0);
    let cached = AtomicUsize::new(0);
    let progress = (photos.len() >= 20 && std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .then(|| {
            let bar = indicatif::ProgressBar::new(photos.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "photos {bar:30} {pos}/{len} ({eta} restantes)",
                )
                .expect("valid template"),
            );
            bar
        });
    let results: Vec<(String, Result<Photo, Diagnostic>)> = photos
        .par_iter()
        .map(|(path, source)| {
            let rel = source.strip_prefix(root).unwrap_or(source);
            let result = process_one(path, source, settings, cache_dir, record, &processed, &cached).map_err(|message| {
                Diagnostic::error(rel, message).hint("ouvrez la photo sur l'ordinateur et enregistrez-la de nouveau en JPEG, ou retirez-la de la page.")
            });
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            (path.clone(), result)
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut done = BTreeMap::new();
    let mut problems = Vec::new();
    for (path, r) in results {
        match r {
            Ok(photo) => {
                done.insert(path, photo);
            }
            Err(d) => problems.push(d),
        }
    }
    let (read, bytes_read) = record.take_reads();
    let stats = Stats {
        processed: processed.into_inner(),
        cached: cached.into_inner(),
        read,
        bytes_read,
    };
    (done, stats, problems)
}

fn process_one(
    path: &str,
    source: &Path,
    settings: &Settings,
    cache_dir: &Path,
    record: &record::Record,
    processed: &AtomicUsize,
    cached: &AtomicUsize,
) -> Result<Photo, String> {
    let tag = format!("preau-photo-v4 mozjpeg q{} w{:?}", settings.quality, WIDTHS);
    let (key, bytes) = record.key(source, &tag)?;
    let dir = cache_dir.join(&key[..2]);
    let index = dir.join(format!("{key}.json"));
    let stem = path.rsplit_once('.').map(|(s, _)| s).unwrap_or(path);
    if let Ok(text) = std::fs::read(&index) {
        if let Ok(mut photo) = serde_json::from_slice::<Photo>(&text) {
            if photo.variants.iter().all(|v| v.cached.exists()) {
                // The same photo may appear under another name.
                for v in &mut photo.variants {
                    v.path = format!("{stem}-{}.jpg", v.width);
                }
                cached.fetch_add(1, Ordering::Relaxed);
                return Ok(photo);
            }
        }
    }
    let bytes = match bytes {
        Some(bytes) => bytes,
        None => record.read(source)?,
    };
    // One decode for every width, already scaled down in the DCT domain to
    // the largest width needed; (w, h) is the photo's full size, upright.
    let (image, (w, h)) = decode(&bytes, *WIDTHS.last().expect("widths"))?;
    // Every width below the original's, and the original's own width when it
    // is below the largest: never upscaled.
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|t| *t < w).collect();
    if w <= *WIDTHS.last().expect("widths") {
        widths.push(w);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cache des photos inaccessible : {e}"))?;
    // Downscale from large to small: each step starts from the previous one.
    let mut rgb = image.into_rgb8();
    let mut variants = Vec::new();
    for &width in widths.iter().rev() {
        let height = ((h as f64) * (width as f64) / (w as f64)).round().max(1.0) as u32;
        if width < rgb.width() {
            rgb = resize(&rgb, width, height)?;
        }
        let out = encode_jpeg(&rgb, settings.quality)
            .map_err(|e| format!("encodage impossible : {e}"))?;
        let cached_file = dir.join(format!("{key}-{width}.jpg"));
        write_atomic(&cached_file, &out)
            .map_err(|e| format!("cache des photos inaccessible : {e}"))?;
        variants.push(Variant {
            width: rgb.width(),
            height: rgb.height(),
            path: format!("{stem}-{width}.jpg"),
            cached: cached_file,
        });
    }
    variants.reverse();
    let photo = Photo { variants };
    // The index last: a reader that finds it finds complete files.
    let _ = write_atomic(
        &index,
        &serde_json::to_vec(&photo).expect("photo serializes"),
    );
    processed.fetch_add(1, Ordering::Relaxed);
    Ok(photo)
}

/// `rgb` resized to `width` × `height` with a Catmull-Rom filter (SIMD;
/// a large reduction widens the kernel, so nothing aliases).
fn resize(rgb: &image::RgbImage, width: u32, height: u32) -> Result<image::RgbImage, String> {
    use fast_image_resize as fir;
    let failed = |e: &dyn std::fmt::Display| format!("redimensionnement impossible : {e}");
    let src = fir::images::ImageRef::new(
        rgb.width(),
        rgb.height(),
        rgb.as_raw(),
        fir::PixelType::U8x3,
    )
    .map_err(|e| failed(&e))?;
    let mut dst = fir::images::Image::new(width, height, fir::PixelType::U8x3);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::CatmullRom));
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| failed(&e))?;
    image::RgbImage::from_raw(width, height, dst.into_vec())
        .ok_or_else(|| failed(&"taille inattendue"))
}

/// JPEG with mozjpeg's defaults (progressive, trellis quantization,
/// optimized Huffman tables, 4:2:0 chroma as phone cameras write it), with
/// no metadata but the JFIF header.
fn encode_jpeg(rgb: &image::RgbImage, quality: u8) -> std::io::Result<Vec<u8>> {
    let mut compress = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    compress.set_size(rgb.width() as usize, rgb.height() as usize);
    compress.set_quality(f32::from(quality.clamp(1, 100)));
    let mut started = compress.start_compress(Vec::new())?;
    started.write_scanlines(rgb.as_raw())?;
    started.finish()
}

/// Writes through a temporary file and a rename, so that two builds sharing
/// a cache never read a half-written file.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(
        format!(
            "tmp{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        )
        .replace(['(', ')'], ""),
    );
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Decodes with limits (no decompression bomb) and applies the EXIF
/// orientation; HEIF files go to libheif. A JPEG is decoded by mozjpeg
/// (libjpeg-turbo's SIMD code) at the smallest scale n/8 that still gives
/// at least `needed` pixels of upright width: a 4000 px photo needed at
/// 1600 px is decoded at 2000 px, from a quarter of the pixels. Returns the
/// image and the photo's full upright size.
fn decode(bytes: &[u8], needed: u32) -> Result<(DynamicImage, (u32, u32)), String> {
    #[cfg(feature = "heic")]
    if heif::is_heif(bytes) {
        let image = heif::decode(bytes, MAX_SIDE)?;
        let size = (image.width(), image.height());
        return Ok((image, size));
    }
    #[cfg(not(feature = "heic"))]
    if heif_sniff::looks_like_heif(bytes) {
        return Err(heif_sniff::NOT_SUPPORTED.into());
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && jpeg_is_complete(bytes) {
        // Anything mozjpeg declines (CMYK, arithmetic coding, a size beyond
        // the limits, a corrupt stream) goes to the image crate below, which
        // names the problem.
        if let Some(done) = decode_jpeg_scaled(bytes, needed) {
            return Ok(done);
        }
    }
    let image = decode_full(bytes)?;
    let size = (image.width(), image.height());
    Ok((image, size))
}

/// The JPEG fast path: `None` when mozjpeg cannot or must not decode it.
fn decode_jpeg_scaled(bytes: &[u8], needed: u32) -> Option<(DynamicImage, (u32, u32))> {
    // libjpeg reports fatal errors by unwinding (without the panic hook).
    std::panic::catch_unwind(|| {
        let markers = [mozjpeg::Marker::APP(1)];
        let mut d = mozjpeg::Decompress::with_markers(&markers)
            .from_mem(bytes)
            .ok()?;
        let (w, h) = (d.width() as u64, d.height() as u64);
        if w == 0 || h == 0 || w > u64::from(MAX_SIDE) || h > u64::from(MAX_SIDE) {
            return None;
        }
        let orientation = d
            .markers()
            .find_map(|m| m.data.strip_prefix(b"Exif\0\0"))
            .and_then(image::metadata::Orientation::from_exif_chunk)
            .unwrap_or(image::metadata::Orientation::NoTransforms);
        use image::metadata::Orientation::*;
        let turned = matches!(
            orientation,
            Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
        );
        let upright_w = if turned { h } else { w };
        let scale = scale_for(upright_w, u64::from(needed));
        d.scale(scale);
        let mut started = d.rgb().ok()?;
        let (sw, sh) = (started.width() as u32, started.height() as u32);
        if u64::from(sw) * u64::from(sh) * 3 > MAX_ALLOC {
            return None;
        }
        let pixels = started.read_scanlines::<u8>().ok()?;
        started.finish().ok()?;
        let rgb = image::RgbImage::from_raw(sw, sh, pixels)?;
        let mut image = DynamicImage::ImageRgb8(rgb);
        image.apply_orientation(orientation);
        let size = if turned {
            (h as u32, w as u32)
        } else {
            (w as u32, h as u32)
        };
        Some((image, size))
    })
    .ok()
    .flatten()
}

/// The smallest n in 1..=8 such that a side of `side` pixels decoded at
/// n/8 (libjpeg rounds up) keeps at least `needed` pixels.
fn scale_for(side: u64, needed: u64) -> u8 {
    (1..=8u8)
        .find(|&n| (side * u64::from(n)).div_ceil(8) >= needed)
        .unwrap_or(8)
}

/// Checks that `bytes` are a photo the build will process: its type read
/// from its content (not its name), its size within the decompression-bomb
/// limits, its pixels decodable. The atelier refuses an upload with this
/// French message rather than let the build fail later.
pub fn check_photo(bytes: &[u8]) -> Result<(), String> {
    decode(bytes, WIDTHS[0]).map(|_| ())
}

/// Decodes a whole image with the image crate, within the limits.
fn decode_full(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("photo illisible : {e}"))?;
    if reader.format().is_none() {
        return Err("format d'image non reconnu (formats acceptés : JPEG, PNG, WebP, HEIC)".into());
    }
    if reader.format() == Some(image::ImageFormat::Jpeg) && !jpeg_is_complete(bytes) {
        return Err(
            "photo abîmée ou incomplète : le fichier JPEG est tronqué (sa fin manque)".into(),
        );
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(explain)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(explain)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// A JPEG ends its last scan with an end-of-image marker; a file cut short
/// (an interrupted copy) does not. Lenient decoders would show it grey.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = memchr::memmem::rfind(bytes, &[0xFF, 0xDA]);
    let last_end = memchr::memmem::rfind(bytes, &[0xFF, 0xD9]);
    matches!((last_scan, last_end), (Some(s), Some(e)) if e > s)
}

fn explain(e: image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => format!("photo trop grande pour être traitée (plus de {MAX_SIDE} pixels de côté ou trop de mémoire) : fichier piégé ou image démesurée"),
        image::ImageError::Unsupported(u) => format!("format d'image non pris en charge : {u}"),
        image::ImageError::Decoding(d) => format!("photo abîmée ou incomplète : {d}"),
        other => format!("photo illisible : {other}"),
    }
}

/// Rewrites `<img src="{base}{path}" …>` of processed photos: the middle
/// width as `src`, every width in `srcset`, the size, lazy loading.
pub fn rewrite_html(html: &str, base: &str, photos: &BTreeMap<String, Photo>) -> String {
    if !html.contains("<img") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(i) = rest.find("<img src=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "<img src=\"".len()..];
        let Some(end) = after.find('"') else { break };
        let url = &after[..end];
        let path = url.strip_prefix(base).map(crate::slug::percent_decode);
        match path.as_ref().and_then(|p| photos.get(p)) {
            Some(photo) => {
                let main = photo
                    .variants
                    .iter()
                    .find(|v| v.width >= 960)
                    .or(photo.variants.last())
                    .expect("a photo has variants");
                let srcset: Vec<String> = photo
                    .variants
                    .iter()
                    .map(|v| format!("{base}{} {}w", crate::slug::encode_path(&v.path), v.width))
                    .collect();
                // A list's picture (`data-vignette`) is shown small.
                let tag_end = after[end..].find('>').map_or(after.len(), |e| end + e);
                let sizes = if after[end..tag_end].contains(" data-vignette") {
                    "(max-width: 32rem) 100vw, 16rem"
                } else {
                    "(max-width: 52rem) 100vw, 52rem"
                };
                out.push_str(&format!(
                    "<img src=\"{base}{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" loading=\"lazy\" decoding=\"async\"",
                    crate::slug::encode_path(&main.path),
                    srcset.join(", "),
                    main.width,
                    main.height
                ));
            }
            None => {
                out.push_str("<img src=\"");
                out.push_str(url);
                out.push('"');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_scale_keeps_the_needed_width() {
        assert_eq!(scale_for(4000, 1600), 4); // decoded at 2000 px
        assert_eq!(scale_for(3200, 1600), 4); // exactly 1600
        assert_eq!(scale_for(3190, 1600), 5); // 1,595 px at 4/8
        assert_eq!(scale_for(12_000, 1600), 2);
        assert_eq!(scale_for(1600, 1600), 8);
        assert_eq!(scale_for(900, 1600), 8); // never below full size
    }

    #[test]
    fn a_turned_jpeg_is_decoded_scaled_and_upright() {
        // Stored 200 × 3400, top half red, bottom half blue, EXIF
        // orientation 6 (turn 90° clockwise): upright it is 3400 × 200,
        // blue on the left, and 1,600 px need a decode at 4/8 (1,700 px).
        let (w, h) = (200usize, 3400usize);
        let mut pixels = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for _ in 0..w {
                pixels.extend_from_slice(if y < h / 2 {
                    &[230, 20, 20]
                } else {
                    &[20, 20, 230]
                });
            }
        }
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        c.set_size(w, h);
        let mut started = c.start_compress(Vec::new()).unwrap();
        started.write_marker(mozjpeg::Marker::APP(1), &exif);
        started.write_scanlines(&pixels).unwrap();
        let jpeg = started.finish().unwrap();

        let (image, size) = decode(&jpeg, 1600).unwrap();
        assert_eq!(size, (3400, 200));
        assert_eq!((image.width(), image.height()), (1700, 100));
        let rgb = image.to_rgb8();
        let left = rgb.get_pixel(10, 50);
        let right = rgb.get_pixel(1690, 50);
        assert!(
            left[2] > 150 && left[0] < 100,
            "left must be blue, is {left:?}"
        );
        assert!(
            right[0] > 150 && right[2] < 100,
            "right must be red, is {right:?}"
        );
    }

    #[test]
    fn rewrites_img_tags_with_srcset() {
        let mut photos = BTreeMap::new();
        photos.insert(
            "a/p.jpg".to_string(),
            Photo {
                variants: vec![
                    Variant {
                        width: 480,
                        height: 320,
                        path: "a/p-480.jpg".into(),
                        cached: PathBuf::new(),
                    },
                    Variant {
                        width: 960,
                        height: 640,
                        path: "a/p-960.jpg".into(),
                        cached: PathBuf::new(),
                    },
                ],
            },
        );
        let html = rewrite_html(
            "<p><img src=\"/b/a/p.jpg\" alt=\"x\" /></p>",
            "/b/",
            &photos,
        );
        assert!(html.contains("src=\"/b/a/p-960.jpg\""), "{html}");
        assert!(
            html.contains("srcset=\"/b/a/p-480.jpg 480w, /b/a/p-960.jpg 960w\""),
            "{html}"
        );
        assert!(
            html.contains("loading=\"lazy\"") && html.contains("alt=\"x\""),
            "{html}"
        );
    }
}
