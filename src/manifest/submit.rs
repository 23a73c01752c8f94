//! The directeur's side of a submission: sign the manifest of the site just
//! built as the next version, keep the text of that version, and write
//! `.preau/soumissions/soumission-vN.tar` with the review report for the
//! IEN (the archive's format is [`super::submission`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minisign::SecretKey;

use super::{daily, keys, report, review, signature_path, state, submission, SignerRole};
use crate::config::SchoolFile;
use crate::content::Content;

/// Folder of the submissions, relative to the school folder.
pub const SUBMISSIONS_DIR: &str = ".preau/soumissions";

/// What a submission wrote.
#[derive(Debug)]
pub struct Submitted {
    /// The version submitted.
    pub version: u64,
    /// The archive to send to the IEN.
    pub path: PathBuf,
    /// What changed since the last approved version.
    pub summary: report::Summary,
}

/// The directeur's secret key: `key`, else `.preau/cles/directeur.key`.
pub fn directeur_key(dir: &Path, key: Option<&Path>) -> Result<SecretKey> {
    let path = key
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.join(".preau/cles/directeur.key"));
    keys::load_secret(&path).context("la clé du directeur est nécessaire pour soumettre\n  conseil : créez-la avec « preau keys generate --role directeur » (une fois pour toutes)")
}

/// Signs the site built in `out` (from `school` and `content`) as the next
/// version, and writes its submission. Refuses when `confiance` lacks the
/// keys or `secret` is not the declared directeur's key.
pub fn submit(
    dir: &Path,
    out: &Path,
    school: &SchoolFile,
    content: &Content,
    secret: &SecretKey,
) -> Result<Submitted> {
    daily::require_trust(school, SignerRole::Directeur, secret)?;
    let mut st = state::State::load(dir)?;
    let version = st.last_submitted + 1;
    let manifest = daily::new_manifest(
        dir,
        out,
        school,
        version,
        st.approved.as_ref().map(|a| a.manifest_sha256.clone()),
    )?;
    let comment = directeur_comment(version, &school.directeur, &school.uai, &manifest.built_at)?;
    daily::write_signed(out, &manifest, secret, SignerRole::Directeur, &comment)?;

    // The text of this version, and the report against the last approved one.
    let now = state::snapshot(content);
    state::save_snapshot(dir, version, &now)?;
    let previous = st
        .approved
        .as_ref()
        .and_then(|a| state::load_snapshot(dir, a.version).map(|s| (a.version, s)));
    let summary = report::summarize(version, &now, previous.as_ref().map(|(v, s)| (*v, s)));
    // The report the IEN will render again from the sealed site.
    let (html, keys) = review::for_submission(dir, out, &manifest)?;
    let files = manifest.files.keys().cloned().chain([
        super::MANIFEST.to_string(),
        signature_path(SignerRole::Directeur),
    ]);
    let path = save(dir, version, out, files, &html, &summary, &keys)?;
    st.last_submitted = version;
    st.save(dir)?;
    Ok(Submitted {
        version,
        path,
        summary,
    })
}

/// The trusted comment of the directeur's signature of a submitted
/// manifest: every field checked (see [`super::comment`]).
pub fn directeur_comment(version: u64, name: &str, uai: &str, built: &str) -> Result<String> {
    Ok(super::comment::Comment::new()
        .number("version", version)
        .word("role", "directeur")
        .text("nom", name)?
        .uai(uai)?
        .time("signe_le", built)?
        .finish())
}

/// Writes `soumission-vN.tar` (mode 0600); never replaces one.
fn save(
    dir: &Path,
    version: u64,
    site: &Path,
    files: impl IntoIterator<Item = String>,
    report: &str,
    summary: &report::Summary,
    keys: &[u8],
) -> Result<PathBuf> {
    let folder = dir.join(SUBMISSIONS_DIR);
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!("soumission-v{version}.tar"));
    if path.exists() {
        bail!(
            "« {} » existe déjà : il n'a pas été remplacé",
            path.display()
        );
    }
    let bytes = submission::write(
        site,
        files,
        report,
        &serde_json::to_vec_pretty(summary).expect("summary serializes"),
        keys,
    )?;
    crate::access::secrets::write_private(&path, &bytes)?;
    Ok(path)
}
