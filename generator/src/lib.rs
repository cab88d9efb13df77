//! polar-codegen: OpenAPI 3.0/3.1 → a typed Rust client crate.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! [`load`] (text → JSON) → [`lower`] (3.1 → openapiv3's 3.0 model) → [`ir`] (names and
//! shapes) → [`emit`] (IR → tokens) → [`write`] (format, headers, files on disk).

pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod manifest;
pub mod names;
pub mod polar;
pub mod review;
pub mod samples;
pub mod share;
pub mod write;

pub use error::{SpecError, Warning};
pub use ir::Options;

/// The result of generating a crate in memory.
pub struct Generated {
    /// Files by path relative to the crate root.
    pub files: write::FileSet,
    pub warnings: Vec<Warning>,
    pub api: ir::Api,
}

/// A spec taken through load, lower and IR: what [`generate`] renders, and what tools that
/// read only the IR (samples, review) start from.
pub struct Analyzed {
    /// The spec's file name as given (shown in errors and headers).
    pub spec_file: String,
    pub api: ir::Api,
    /// Lowering's and the IR's warnings, sorted, each once.
    pub warnings: Vec<Warning>,
    /// The spec's sha256, printed in generated headers.
    pub sha256: String,
}

/// Load, lower and build the IR of one spec. `spec_file` is the name shown in errors.
pub fn analyze(spec_file: &str, bytes: &[u8], options: &Options) -> Result<Analyzed, SpecError> {
    let doc = load::parse(spec_file, bytes)?;
    let lowered = lower::lower_with(&doc, options.lenient)?;
    let api = ir::build(&lowered.openapi, spec_file, options).map_err(|mut e| {
        // The IR sees the lowered document; point at the original one.
        e.pointer = lower::original_pointer(&doc, &e.pointer);
        let line = load::nearest_line(&doc, &e.pointer);
        e.with_line(line)
    })?;
    let mut warnings = lowered.warnings;
    warnings.extend(api.warnings.iter().cloned());
    warnings.sort();
    warnings.dedup();
    Ok(Analyzed { spec_file: spec_file.to_owned(), api, warnings, sha256: doc.sha256 })
}

/// Runs the whole pipeline on one spec. `spec_file` is the name shown in errors and headers
/// (pass a relative path: it ends up in generated files).
pub fn generate(spec_file: &str, bytes: &[u8], options: &Options) -> Result<Generated, SpecError> {
    let Analyzed { api, warnings, sha256, .. } = analyze(spec_file, bytes, options)?;
    let provenance = write::Provenance {
        specs: vec![(spec_file.to_owned(), sha256)],
        regenerate_command: options.regenerate_command.as_deref(),
    };
    let versions = [api];
    let files = write::render(
        &emit::Crate { versions: &versions, shared: &share::Shared::default() },
        &provenance,
        &[&warnings],
    );
    let [api] = versions;
    Ok(Generated { files, warnings, api })
}

/// One API version's spec: its file name (shown in errors and headers) and bytes.
#[derive(Clone, Copy)]
pub struct VersionSpec<'a> {
    pub file: &'a str,
    pub bytes: &'a [u8],
}

/// Several specs, one per API version, taken through load, lower and IR, each as the
/// module of its version (`info.version` `2026-10` → `v2026_10`, feature `v2026-10`), and
/// what they share ([`share::plan`]).
pub struct AnalyzedVersions {
    /// Oldest first (by `info.version`).
    pub versions: Vec<Analyzed>,
    pub shared: share::Shared,
}

/// [`analyze`] of every version of a crate of several API versions.
///
/// # Errors
///
/// The first spec refused, or two specs with the same `info.version`.
pub fn analyze_versions(specs: &[VersionSpec<'_>], options: &Options) -> Result<AnalyzedVersions, SpecError> {
    // First the versions' module names, which each IR needs (doc links, features).
    let mut modules = Vec::with_capacity(specs.len());
    for spec in specs {
        let doc = load::parse(spec.file, spec.bytes)?;
        let version = doc.value.pointer("/info/version").and_then(serde_json::Value::as_str).unwrap_or_default();
        modules.push(ir::VersionModule::for_version(version));
    }
    let reserved: Vec<String> = modules.iter().map(|m| m.feature.clone()).collect();
    let mut versions = Vec::with_capacity(specs.len());
    for (spec, module) in specs.iter().zip(&modules) {
        if versions.iter().any(|other: &Analyzed| other.api.version_module.as_ref() == Some(module)) {
            return Err(SpecError::new(
                spec.file,
                "/info/version",
                format!("a second spec of API version module `{}`", module.name),
            )
            .with_hint("each spec of a crate of several versions must have its own `info.version`"));
        }
        let options =
            Options { version_module: Some(module.clone()), reserved_features: reserved.clone(), ..options.clone() };
        versions.push(analyze(spec.file, spec.bytes, &options)?);
    }
    versions.sort_by(|a, b| a.api.version.cmp(&b.api.version));
    let apis: Vec<ir::Api> = versions.iter().map(|v| v.api.clone()).collect();
    let shared = share::plan(&apis);
    Ok(AnalyzedVersions { versions, shared })
}

/// The result of generating a crate of several API versions in memory.
pub struct GeneratedVersions {
    /// Files by path relative to the crate root.
    pub files: write::FileSet,
    /// Each version's IR and warnings, oldest first.
    pub versions: Vec<Analyzed>,
    pub shared: share::Shared,
}

/// Runs the whole pipeline on the specs of several API versions: one crate with a module
/// per version, what they share emitted once.
///
/// # Errors
///
/// As [`analyze_versions`].
pub fn generate_versions(specs: &[VersionSpec<'_>], options: &Options) -> Result<GeneratedVersions, SpecError> {
    let AnalyzedVersions { versions, shared } = analyze_versions(specs, options)?;
    let provenance = write::Provenance {
        specs: versions.iter().map(|v| (v.spec_file.clone(), v.sha256.clone())).collect(),
        regenerate_command: options.regenerate_command.as_deref(),
    };
    let apis: Vec<ir::Api> = versions.iter().map(|v| v.api.clone()).collect();
    let warnings: Vec<&[Warning]> = versions.iter().map(|v| v.warnings.as_slice()).collect();
    let files = write::render(&emit::Crate { versions: &apis, shared: &shared }, &provenance, &warnings);
    Ok(GeneratedVersions { files, versions, shared })
}
