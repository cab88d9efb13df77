//! The Polar profile: which spec the checked-in client comes from and the options it is
//! generated with. `cargo xtask regenerate` and the freshness test both read this, so
//! they cannot disagree.

use crate::Options;

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
