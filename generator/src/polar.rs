//! The Polar profile: which spec the checked-in client comes from and the options it is
//! generated with. `cargo xtask regenerate` and the freshness test both read this, so
//! they cannot disagree.

use crate::{Generated, Options};
use std::path::Path;

/// The pinned spec, relative to the workspace root. Bump it when Polar ships a new API
/// version (see README, "Regenerating after a spec update").
pub const PINNED_SPEC: &str = "spec/polar-2026-10.openapi.json";

/// Where the generated client lives, relative to the workspace root.
pub const CLIENT_DIR: &str = "generated-client";

/// Options for the Polar client: Polar reads its API version from the `Polar-Version`
/// header, and the crate's library is named `polar`.
pub fn options() -> Options {
    Options { version_header: Some("Polar-Version".to_owned()), lib_name: Some("polar".to_owned()) }
}

/// Adds the client's `Cargo.toml` to `generated.files`: the hand-written manifest in
/// `crate_dir` with its generated `[features]` lines brought up to date, so `regenerate`
/// rewrites them and `--check` compares them like any generated file.
///
/// # Errors
///
/// When the manifest cannot be read or lacks the features markers.
pub fn add_manifest(crate_dir: &Path, generated: &mut Generated) -> Result<(), String> {
    let path = crate_dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let block = crate::write::features_block(&generated.api);
    let manifest = crate::write::splice_features(&manifest, &block).map_err(|e| format!("{}: {e}", path.display()))?;
    generated.files.insert("Cargo.toml".to_owned(), manifest);
    Ok(())
}
