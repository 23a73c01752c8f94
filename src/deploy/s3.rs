//! The S3-compatible target (object storage: Scaleway, OVHcloud, Outscale,
//! MinIO, AWS…). Each object is written whole by a single PUT.

use anyhow::{anyhow, Result};
use s3::creds::Credentials;
use s3::{Bucket, Region};

use std::collections::BTreeMap;

use super::{check_path, Seen, Target};

/// How to reach the bucket.
pub struct S3Settings {
    /// Endpoint URL (`https://s3.fr-par.scw.cloud`).
    pub endpoint: String,
    /// Region name.
    pub region: String,
    /// Bucket name.
    pub bucket: String,
    /// Key prefix of the site (`ecoles/jean-jaures/`), may be empty.
    pub prefix: String,
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
}

/// A bucket, addressed by path style (works with every S3-compatible store).
pub struct S3 {
    bucket: Box<Bucket>,
    prefix: String,
    name: String,
}

impl S3 {
    /// Opens the bucket (no request is sent yet).
    pub fn open(s: &S3Settings) -> Result<S3> {
        let credentials =
            Credentials::new(Some(&s.access_key), Some(&s.secret_key), None, None, None)
                .map_err(|e| anyhow!("identifiants S3 : {e}"))?;
        let region = Region::Custom {
            region: s.region.clone(),
            endpoint: s.endpoint.clone(),
        };
        let bucket = Bucket::new(&s.bucket, region, credentials)
            .map_err(|e| anyhow!("stockage S3 : {e}"))?
            .with_path_style();
        let prefix = s.prefix.trim_matches('/').to_string();
        let prefix = if prefix.is_empty() {
            prefix
        } else {
            format!("{prefix}/")
        };
        Ok(S3 {
            bucket,
            prefix,
            name: format!("{}/{}", s.endpoint.trim_end_matches('/'), s.bucket),
        })
    }
}

impl S3 {
    /// The object key of `path`, once checked.
    fn key_of(&self, path: &str) -> Result<String> {
        check_path(path)?;
        Ok(format!("{}{path}", self.prefix))
    }
}

impl Target for S3 {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        let key = self.key_of(path)?;
        match self.bucket.get_object(&key) {
            Ok(r) if r.status_code() == 200 => Ok(Some(r.as_slice().to_vec())),
            Ok(r) if r.status_code() == 404 => Ok(None),
            Ok(r) => Err(anyhow!(
                "lecture de « {key} » : réponse {}",
                r.status_code()
            )),
            Err(s3::error::S3Error::HttpFailWithBody(404, _)) => Ok(None),
            Err(e) => Err(anyhow!("lecture de « {key} » : {e}")),
        }
    }

    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let key = self.key_of(path)?;
        let kind = crate::mime::content_type(path);
        match self.bucket.put_object_with_content_type(&key, bytes, kind) {
            Ok(r) if (200..300).contains(&r.status_code()) => Ok(()),
            Ok(r) => Err(anyhow!("envoi de « {key} » : réponse {}", r.status_code())),
            Err(e) => Err(anyhow!("envoi de « {key} » : {e}")),
        }
    }

    fn delete(&mut self, path: &str) -> Result<()> {
        let key = self.key_of(path)?;
        match self.bucket.delete_object(&key) {
            Ok(_) | Err(s3::error::S3Error::HttpFailWithBody(404, _)) => Ok(()),
            Err(e) => Err(anyhow!("suppression de « {key} » : {e}")),
        }
    }

    fn describe(&self) -> String {
        format!("le stockage S3 {}", self.name)
    }

    fn key(&self) -> String {
        format!("{}/{}", self.name, self.prefix)
    }

    /// Sizes and ETags from the bucket's listing: the ETag of an object
    /// written by one PUT is the MD5 of its bytes (a multipart ETag, with
    /// a `-`, gives only the size).
    fn inventory(&mut self, paths: &[String]) -> Result<BTreeMap<String, Seen>> {
        let pages = self
            .bucket
            .list(self.prefix.clone(), None)
            .map_err(|e| anyhow!("liste du stockage S3 {} : {e}", self.name))?;
        let wanted: std::collections::BTreeSet<&str> = paths.iter().map(String::as_str).collect();
        let mut seen = BTreeMap::new();
        for object in pages.into_iter().flat_map(|p| p.contents) {
            let Some(path) = object.key.strip_prefix(&self.prefix) else {
                continue;
            };
            if !wanted.contains(path) {
                continue;
            }
            let md5 = object
                .e_tag
                .map(|t| t.trim_matches('"').to_ascii_lowercase())
                .filter(|t| t.len() == 32 && !t.contains('-'));
            seen.insert(
                path.to_string(),
                Seen {
                    size: object.size,
                    md5,
                    ..Seen::default()
                },
            );
        }
        Ok(seen)
    }
}
