//! The hand-written runtime (`generator/runtime/`), compiled, linted and unit-tested where it
//! is edited.
//!
//! The generator copies those files verbatim into every generated crate as `src/runtime/`
//! (`RUNTIME_FILES` in `generator/src/write.rs`). This crate mounts the same files as its
//! `runtime` module, so `cargo clippy --workspace --all-targets` and `cargo test --workspace`
//! cover them without a regeneration. It is never published, and nothing depends on it.
//!
//! The runtime names two things that generated code supplies at the crate root: the module
//! path `crate::runtime` (its `serde_struct!` / `union_from!` macros expand to
//! `$crate::runtime::model::...`) and `crate::ApiErrorBody`. The double below has only the
//! variant every generated `ApiErrorBody` has (`Unrecognized`) and the two functions the
//! runtime calls, with the generator's spelling (`generator/src/emit/client.rs`); the
//! runtime's tests are written to pass against any generated body type.
//!
//! The crate-level lints are the generated crate's (`#![deny(unsafe_code, missing_docs)]`).

#![deny(unsafe_code)]
#![deny(missing_docs)]

#[path = "../../generator/runtime/mod.rs"]
pub mod runtime;

/// Stand-in for a generated crate's typed error bodies: only the variant every generated
/// `ApiErrorBody` has.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ApiErrorBody {
    /// A body that matches none of the schemas documented for its status.
    Unrecognized {
        /// The JSON path at which decoding failed.
        path: String,
        /// What the decoder reported.
        message: String,
    },
}

impl ApiErrorBody {
    /// The body of a documented status that matches none of its schemas.
    pub(crate) fn unrecognized(path: String, message: String) -> Self {
        Self::Unrecognized { path, message }
    }

    /// The decode failure's path, if the body matched none of its schemas.
    #[cfg(test)]
    pub(crate) fn unrecognized_path(&self) -> Option<&str> {
        match self {
            Self::Unrecognized { path, .. } => Some(path),
        }
    }
}

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
            format!("[features]\ndefault = [\"rustls\"]\n{features}"),
            "runtime-check/Cargo.toml [features] vs generator/runtime/features.toml"
        );
        assert_eq!(
            section("dependencies"),
            dependencies,
            "runtime-check/Cargo.toml [dependencies] vs generator/runtime/dependencies.toml"
        );
    }
}
