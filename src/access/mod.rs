//! Access control on static hosting: audiences become encrypted bundles
//! that only the holders of a code can open.
//!
//! [`crypto`] seals and wraps, [`passphrase`] makes codes, [`secrets`] keeps
//! them, [`bundle`] turns a rendered site into its sealed, published form,
//! [`letters`] prints the family letters.

pub mod bundle;
pub mod crypto;
pub mod letters;
pub mod passphrase;
pub mod secrets;

pub use crypto::AccessError;
pub use secrets::{CodeHolder, Secrets};
