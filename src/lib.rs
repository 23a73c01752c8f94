//! Préau builds a French primary school's ENT as a static site.
//!
//! The pipeline, one module per stage, plain data between them:
//!
//! ```text
//! ecole.yaml ─┐
//! content ────┼─► config + content (load) ─► site model ─► render (tera)
//! theme ──────┘                                              │
//!                      access (seal restricted audiences) ◄───┘
//!                      output (write to a temp dir, swap in)
//! ```
//!
//! [`site`] is the orchestrator; [`cmd`] holds one thin file per command.

#![warn(missing_docs)]

pub mod access;
pub mod atelier;
pub mod build_cache;
pub mod cli;
pub mod cmd;
pub mod commune;
pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod diagnostic;
pub mod hash;
pub mod html;
pub mod images;
pub mod layout;
pub mod manifest;
pub mod markdown;
pub mod mime;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod stats;
pub mod theme;
pub mod yaml;
pub mod year;
