//! The hand-written runtime (`generator/runtime/`), compiled, linted and unit-tested where it
//! is edited.
//!
//! The generator copies those files verbatim into every generated crate as `src/runtime/`
//! (`RUNTIME_FILES` in `generator/src/write.rs`). This crate mounts the same files as its
//! `runtime` module, so `cargo clippy --workspace --all-targets` and `cargo test --workspace`
//! cover them without a regeneration. It is never published, and nothing depends on it.
//!
//! The runtime names one thing of the crate it is copied into: the module path
//! `crate::runtime` (its `serde_struct!` / `union_from!` / `request_builder!` macros expand to
//! `$crate::runtime::...`). Everything API-specific reaches it as a parameter: `ApiInfo`, the
//! client handle type of each API version (`ApiHandle`), and the error body type
//! (`ErrorBody`), so its tests bring their own.
//!
//! The crate-level lints are the generated crate's (`#![deny(unsafe_code, missing_docs)]`).

#![deny(unsafe_code)]
#![deny(missing_docs)]

#[path = "../../generator/runtime/mod.rs"]
pub mod runtime;

#[cfg(test)]
mod tests {
    /// This crate's manifest declares exactly what every generated crate gets from
    /// `generator/runtime/features.toml` and `dependencies.toml`, so the runtime is checked
    /// against the dependency versions and features it is shipped with.
    #[test]
    fn manifest_has_the_runtime_features_and_dependencies() {
        let manifest = include_str!("../Cargo.toml");
        let features = include_str!("../../generator/runtime/features.toml");
        let dependencies = include_str!("../../generator/runtime/dependencies.toml");
        // A table from its header line to the next blank line.
        let section = |name: &str| {
            let start = manifest.find(&format!("\n[{name}]\n")).unwrap_or_else(|| panic!("no [{name}]")) + 1;
            let rest = &manifest[start..];
            rest[..rest.find("\n\n").map_or(rest.len(), |end| end + 1)].to_owned()
        };
        assert_eq!(
            section("features"),
            format!("[features]\ndefault = [\"rustls\", \"webhook-router\", \"test-util\", \"blocking\"]\n{features}"),
            "runtime-check/Cargo.toml [features] vs generator/runtime/features.toml"
        );
        assert_eq!(
            section("dependencies"),
            dependencies,
            "runtime-check/Cargo.toml [dependencies] vs generator/runtime/dependencies.toml"
        );
    }
}
