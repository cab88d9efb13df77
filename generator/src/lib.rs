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
    Ok(Analyzed { api, warnings, sha256: doc.sha256 })
}

/// Runs the whole pipeline on one spec. `spec_file` is the name shown in errors and headers
/// (pass a relative path: it ends up in generated files).
pub fn generate(spec_file: &str, bytes: &[u8], options: &Options) -> Result<Generated, SpecError> {
    let Analyzed { api, warnings, sha256 } = analyze(spec_file, bytes, options)?;
    let provenance =
        write::Provenance { spec_file, sha256: &sha256, regenerate_command: options.regenerate_command.as_deref() };
    let files = write::render(&api, &provenance, &warnings);
    Ok(Generated { files, warnings, api })
}
