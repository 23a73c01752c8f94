//! The default theme and the starter school, embedded in the binary with
//! rust-embed; a school's `theme/` folder overrides the theme file by file.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use rust_embed::RustEmbed;
use walkdir::WalkDir;

#[derive(RustEmbed)]
#[folder = "themes/default/"]
struct DefaultTheme;

#[derive(RustEmbed)]
#[folder = "content/"]
struct Starter;

/// The theme a build uses: templates and static files, overrides applied.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`page.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Static file path (`style.css`) → bytes, published under `static/`.
    pub statics: BTreeMap<String, Cow<'static, [u8]>>,
}

impl Theme {
    /// The default theme alone, as embedded in the binary.
    pub fn embedded() -> Result<Theme> {
        let mut theme = Theme::default();
        for name in DefaultTheme::iter() {
            let file = DefaultTheme::get(&name).expect("listed by iter");
            theme.insert(&name, file.data)?;
        }
        Ok(theme)
    }

    /// The default theme with the overrides of the commune around the
    /// school (its `theme/`), then the school's own `theme/`.
    pub fn load(school_root: &Path) -> Result<Theme> {
        let mut theme = Theme::embedded()?;
        // A commune's theme (`../theme` beside `../commune.yaml`) first,
        // then the school's own.
        let around = school_root.join("..");
        let commune = around
            .join("commune.yaml")
            .is_file()
            .then(|| around.join("theme"));
        for overrides in commune.into_iter().chain([school_root.join("theme")]) {
            if !overrides.is_dir() {
                continue;
            }
            for entry in WalkDir::new(&overrides)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|e| e.ok())
            {
                if !entry.file_type().is_file()
                    || entry.file_name().to_string_lossy().starts_with('.')
                {
                    continue;
                }
                let rel = entry.path().strip_prefix(&overrides).expect("under theme/");
                let name = crate::slug::slashed(rel);
                let data = std::fs::read(entry.path())
                    .with_context(|| format!("lecture de theme/{name}"))?;
                theme.insert(&name, Cow::Owned(data))?;
            }
        }
        Ok(theme)
    }

    fn insert(&mut self, name: &str, data: Cow<'static, [u8]>) -> Result<()> {
        if let Some(template) = name.strip_prefix("templates/") {
            let text = String::from_utf8(data.into_owned())
                .with_context(|| format!("le gabarit theme/{name} n'est pas en UTF-8"))?;
            self.templates.insert(template.to_string(), text);
        } else if let Some(file) = name.strip_prefix("static/") {
            self.statics.insert(file.to_string(), data);
        }
        Ok(())
    }
}

/// The text of an embedded starter page (`mentions-legales` …).
pub fn starter_page(slug: &str) -> Option<String> {
    let file = Starter::get(&format!("pages/{slug}.md"))?;
    String::from_utf8(file.data.into_owned()).ok()
}

/// Every file of the starter school: (relative path, bytes).
pub fn starter_files() -> Vec<(String, Cow<'static, [u8]>)> {
    let mut files: Vec<(String, Cow<'static, [u8]>)> = Starter::iter()
        .map(|name| {
            let data = Starter::get(&name).expect("listed by iter").data;
            (name.into_owned(), data)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}
