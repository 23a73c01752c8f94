//! Préau's integration tests: one binary, one module per feature. Each test
//! runs the real `preau` binary on a copy of a fixture school.

mod access;
mod annee;
mod approval;
mod approval_attacks;
mod approval_scopes;
mod approval_sealed;
mod book;
mod browser;
mod browser_access;
mod browser_keys;
mod build;
mod commands;
mod common;
mod commune;
mod deploy_ftp;
mod deploy_interrupted;
mod deploy_s3;
mod deploy_scenario;
mod deploy_sftp;
mod deploy_trust;
mod hostile_files;
mod invalid;
mod layers;
mod links;
mod photos;
mod release;
mod robust;
mod search;
mod serve;
mod session;
mod sharing;
mod stats;
