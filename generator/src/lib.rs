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

/// Runs the whole pipeline on one spec. `spec_file` is the name shown in errors and headers
/// (pass a relative path: it ends up in generated files).
pub fn generate(spec_file: &str, bytes: &[u8], options: &Options) -> Result<Generated, SpecError> {
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
    let provenance =
        write::Provenance { spec_file, sha256: &doc.sha256, regenerate_command: options.regenerate_command.as_deref() };
    let files = write::render(&api, &provenance, &warnings);
    Ok(Generated { files, warnings, api })
}
