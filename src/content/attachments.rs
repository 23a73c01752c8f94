//! Which files a teacher may put on the site: the allow-list of attachment
//! types, for files linked from a page and for `documents/`.
//!
//! A file published as is is served from the site's own origin, where the
//! families' remembered class keys live: a web page, an SVG drawing, an XML
//! or JavaScript file would run its script there and read them. Photos and
//! videos carry the place (GPS), the date and the phone's name. So only
//! types that cannot run script and that Préau either re-encodes (photos)
//! or copies as plain documents are accepted; everything else is refused
//! with a French hint saying what to do instead. No file is ever read
//! through a symbolic link.

use std::io::Read;
use std::path::Path;

/// How an accepted attachment is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    /// A photo: decoded, turned upright, stripped, resized and re-encoded
    /// as JPEG (`src/images/`); the original never reaches the site.
    Photo,
    /// A document copied as is (PDF, office file, plain text).
    Document,
}

/// Why a file is refused: (message, `conseil`), as link resolution reports.
pub type Refusal = (String, String);

/// Photo types: re-encoded, never copied (owned by the photo stage).
pub use crate::images::PHOTO_TYPES;

/// Document types: copied as is, none of them runs script in a browser.
pub const DOCUMENT_TYPES: [&str; 9] = [
    "pdf", "odt", "ods", "odp", "odg", "docx", "xlsx", "pptx", "txt",
];

/// The lowercase extension of a file name (`""` when it has none).
fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The type of the file `rel` (relative to the school folder `root`) when it
/// may be published, else why not. Checks that no folder on the way and not
/// the file itself is a symbolic link, the extension against the allow-list,
/// and that the start of a document matches its extension (a web page
/// renamed `.pdf` or `.txt` is refused: a host that does not know the type
/// lets the browser guess it).
pub fn check(root: &Path, rel: &Path) -> Result<Attachment, Refusal> {
    if let Some(link) = symlink_on_the_way(root, rel) {
        return Err((
            format!(
                "« {} » passe par un lien symbolique (« {} ») : Préau ne lit rien à travers un lien",
                slashed(rel),
                slashed(&link)
            ),
            "remplacez le lien par une copie du fichier (ou du dossier) dans le dossier de l'école.".into(),
        ));
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = by_name(&name)?;
    if kind == Attachment::Document {
        check_content(&root.join(rel), &name)?;
    }
    Ok(kind)
}

/// The allow-list by file name alone.
pub fn by_name(name: &str) -> Result<Attachment, Refusal> {
    let ext = extension(name);
    if PHOTO_TYPES.contains(&ext.as_str()) {
        return Ok(Attachment::Photo);
    }
    if DOCUMENT_TYPES.contains(&ext.as_str()) {
        return Ok(Attachment::Document);
    }
    Err(refusal(name, &ext))
}

/// The message and hint for a type outside the allow-list.
fn refusal(name: &str, ext: &str) -> Refusal {
    let accepted = format!(
        "types acceptés : photos {} ; documents {}.",
        PHOTO_TYPES.join(", "),
        DOCUMENT_TYPES.join(", ")
    );
    match ext {
        "html" | "htm" | "xhtml" | "xht" | "shtml" | "mht" | "mhtml" | "xml" | "xsl" | "xslt"
        | "js" | "mjs" | "cjs" | "css" | "json" | "php" | "swf" | "hta" | "wasm" => (
            format!("« {name} » ne peut pas être publié : une page web ou un programme (.{ext}) lancerait son code sur le site et pourrait lire les codes d'accès des familles"),
            "enregistrez-la en PDF (Fichier › Exporter au format PDF, ou Imprimer › Enregistrer en PDF) et liez le PDF.".into(),
        ),
        "svg" | "svgz" => (
            format!("« {name} » ne peut pas être publié : un dessin SVG peut contenir un programme qui lirait les codes d'accès des familles"),
            "enregistrez-le en PDF, ou exportez-le en PNG pour le montrer comme une image.".into(),
        ),
        "mp4" | "m4v" | "mov" | "avi" | "mkv" | "webm" | "wmv" | "mpg" | "mpeg" | "3gp"
        | "3g2" | "ogv" | "flv" => (
            format!("« {name} » : Préau ne publie pas de vidéo (elle garde le lieu GPS, la date et le téléphone, et elle est trop lourde pour l'hébergement de l'école)"),
            "déposez la vidéo sur l'espace vidéo de l'académie et mettez un lien vers elle dans la page.".into(),
        ),
        "mp3" | "m4a" | "aac" | "wav" | "ogg" | "oga" | "opus" | "flac" | "wma" | "aif"
        | "aiff" | "amr" => (
            format!("« {name} » : Préau ne publie pas d'enregistrement sonore (ses étiquettes gardent des noms, des dates ou un lieu, que Préau ne sait pas effacer)"),
            "déposez l'enregistrement sur l'espace de l'académie (balado, vidéo) et mettez un lien vers lui dans la page.".into(),
        ),
        "gif" | "bmp" | "tif" | "tiff" | "avif" | "jxl" | "ico" | "psd" | "raw" | "dng"
        | "cr2" | "nef" => (
            format!("« {name} » : ce format d'image (.{ext}) n'est pas accepté"),
            "ouvrez l'image et enregistrez-la en JPEG (ou en PNG) : Préau la nettoiera et la redimensionnera.".into(),
        ),
        "doc" | "xls" | "ppt" | "rtf" | "pages" | "numbers" | "key" | "odf" | "epub" => (
            format!("« {name} » : ce format de document (.{ext}) n'est pas accepté"),
            "enregistrez le document en PDF (Fichier › Exporter au format PDF) : toutes les familles pourront le lire.".into(),
        ),
        "zip" | "rar" | "7z" | "gz" | "tgz" | "tar" | "bz2" | "xz" => (
            format!("« {name} » : une archive (.{ext}) n'est pas acceptée (Préau ne peut pas vérifier ce qu'elle contient)"),
            "publiez les fichiers un par un, de préférence en PDF.".into(),
        ),
        "" => (
            format!("« {name} » n'a pas d'extension : son type ne peut pas être vérifié"),
            format!("renommez-le avec l'extension de son type ; {accepted}"),
        ),
        _ => (
            format!("type de fichier non accepté : « {name} »"),
            format!("enregistrez-le en PDF ; {accepted}"),
        ),
    }
}

/// A document must start like its type: `%PDF-` for a PDF, a zip header for
/// an office file, and a text file must not start like a web page.
fn check_content(path: &Path, name: &str) -> Result<(), Refusal> {
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .map_err(|e| {
            (
                format!(
                    "« {name} » est illisible : {}",
                    crate::diagnostic::io_words(&e)
                ),
                "vérifiez que le fichier s'ouvre sur l'ordinateur.".to_string(),
            )
        })?;
    let ext = extension(name);
    let ok = match ext.as_str() {
        "pdf" => memchr::memmem::find(&head, b"%PDF-").is_some() && !looks_like_markup(&head),
        "txt" => !looks_like_markup(&head),
        _ => head.starts_with(b"PK\x03\x04"),
    };
    if ok {
        return Ok(());
    }
    Err((
        format!("« {name} » n'est pas un vrai fichier .{ext} : son contenu est d'un autre type (une page web renommée, par exemple)"),
        "ouvrez-le sur l'ordinateur et enregistrez-le de nouveau en PDF.".into(),
    ))
}

/// True when the bytes start (after a byte-order mark and blanks) with `<`:
/// HTML, SVG or XML that a browser guessing the type would run.
fn looks_like_markup(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0)
        .is_some_and(|b| *b == b'<')
}

/// The first path, from the school folder down to `rel`, that is a symbolic
/// link (relative to `root`).
pub fn symlink_on_the_way(root: &Path, rel: &Path) -> Option<std::path::PathBuf> {
    let mut current = std::path::PathBuf::new();
    for part in rel.iter() {
        current.push(part);
        let is_link = std::fs::symlink_metadata(root.join(&current))
            .is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            return Some(current);
        }
    }
    None
}

use super::links::slashed;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_and_media_types_are_refused() {
        for name in [
            "fiche.html",
            "FICHE.HTM",
            "dessin.svg",
            "page.xhtml",
            "x.xml",
            "a.js",
            "sortie.mp4",
            "IMG_0001.MOV",
            "chant.mp3",
            "anim.gif",
            "archive.zip",
            "sans-extension",
            ".htaccess",
            "fiche.pdf.html",
        ] {
            assert!(by_name(name).is_err(), "{name} must be refused");
        }
    }

    #[test]
    fn photos_and_documents_are_accepted() {
        assert_eq!(by_name("IMG_0003.HEIC"), Ok(Attachment::Photo));
        assert_eq!(by_name("tableau.JPG"), Ok(Attachment::Photo));
        assert_eq!(by_name("menu.pdf"), Ok(Attachment::Document));
        assert_eq!(by_name("liste.odt"), Ok(Attachment::Document));
    }

    #[test]
    fn hints_are_specific() {
        assert!(by_name("fiche.html")
            .unwrap_err()
            .1
            .contains("enregistrez-la en PDF"));
        assert!(by_name("sortie.mp4")
            .unwrap_err()
            .1
            .contains("espace vidéo de l'académie"));
    }

    #[test]
    fn markup_renamed_as_a_document_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("menu.pdf"), "%PDF-1.4\n%%EOF\n").unwrap();
        std::fs::write(dir.path().join("faux.pdf"), "<html><script>x</script>%PDF-").unwrap();
        std::fs::write(dir.path().join("note.txt"), "\u{feff}  <svg onload=x>").unwrap();
        std::fs::write(dir.path().join("liste.odt"), "<html>").unwrap();
        assert_eq!(
            check(dir.path(), Path::new("menu.pdf")),
            Ok(Attachment::Document)
        );
        for name in ["faux.pdf", "note.txt", "liste.odt"] {
            assert!(check(dir.path(), Path::new(name)).is_err(), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_read_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("vrai")).unwrap();
        std::fs::write(dir.path().join("vrai/menu.txt"), "menu").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("vrai/lien.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("vrai"), dir.path().join("dossier")).unwrap();
        assert!(check(dir.path(), Path::new("vrai/menu.txt")).is_ok());
        let (message, _) = check(dir.path(), Path::new("vrai/lien.txt")).unwrap_err();
        assert!(message.contains("lien symbolique"), "{message}");
        let (message, _) = check(dir.path(), Path::new("dossier/menu.txt")).unwrap_err();
        assert!(message.contains("« dossier »"), "{message}");
    }
}
