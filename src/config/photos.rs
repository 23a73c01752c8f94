//! `photos:` in `ecole.yaml`: how photos are processed. Part of the
//! configuration (a leaf): the images stage reads it, config needs nothing of images.

use serde::{Deserialize, Serialize};

/// `photos:` in `ecole.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoSettings {
    /// JPEG quality, 1 to 100.
    #[serde(default = "default_quality", rename = "qualite")]
    pub quality: u8,
}

/// 85 on mozjpeg's scale gives the luma quality of 80 with the standard
/// libjpeg tables (Hugo's default scale), in about a quarter fewer bytes.
fn default_quality() -> u8 {
    85
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings {
            quality: default_quality(),
        }
    }
}
