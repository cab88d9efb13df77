//! Code samples: one short Rust snippet per operation, calling it through the generated
//! client with realistic arguments.
//!
//! Values come from the spec's property examples (`Field::examples`, also borrowed by
//! property name for parameters and fields without their own), else are synthesized from
//! the type (a fixed UUID, a date, an enum's first known variant, a union's first arm)
//! and the name (`email` → `customer@example.com`). Bodies set their required fields
//! (through `Type::new` where the generated type has one) plus up to two optional ones
//! that have examples.
//!
//! Three outputs, all written by `cargo xtask code-samples` and checked for freshness
//! by `generator/tests/samples.rs`:
//! - [`operation_samples`]: the snippets themselves (`client` is in scope);
//! - [`overlay_yaml`]: an OpenAPI Overlay 1.0 document adding each snippet to its
//!   operation's `x-codeSamples`;
//! - [`samples_module`]: a Rust module wrapping every snippet in an `async fn`, compiled
//!   (and run against a mock server) by the `contract-tests` crate, so samples cannot rot;
//!   plus [`operation_exhaustive_calls`] (every optional input set), run the same way to
//!   check the encoding of what the samples leave out.
//!
//! This module holds the vocabulary ([`Sample`], the output paths, the label) and [`files`];
//! `calls` builds each operation's snippet (the call chain, the response handling, the
//! formatting), `values` the argument and body expressions from examples and types, and
//! `render` the two output files.

mod calls;
mod json;
mod render;
mod values;

use crate::ir::Api;

pub use calls::{operation_exhaustive_calls, operation_samples};
pub use json::JsonSampler;
pub use render::{documented_source, overlay_yaml, samples_module};

/// One operation's sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub operation_id: String,
    /// Upper case, as in the IR (`GET`).
    pub method: String,
    /// The path template (`/v1/customers/{id}`).
    pub path: String,
    /// Statements that run with `client: &polar::Client` in scope, inside a function
    /// returning `Result<_, Box<dyn std::error::Error>>`: `use` lines first, then the call.
    pub code: String,
}

/// Where the overlay of a crate of one version lives, relative to the workspace root.
pub const OVERLAY_FILE: &str = "code-samples/polar-rust.overlay.yaml";
/// Where the compiled samples of a crate of one version live, relative to the workspace
/// root; a crate of several versions has one file per version under `samples/`.
pub const MODULE_FILE: &str = "contract-tests/src/samples.rs";

/// The label of the samples in `x-codeSamples`.
pub const LABEL: &str = "Rust (polar-sh-sdk)";

/// The overlay for `api`'s spec: [`OVERLAY_FILE`], or one per API version
/// (`code-samples/polar-2026-10-rust.overlay.yaml`).
pub fn overlay_file(api: &Api) -> String {
    match &api.version_module {
        Some(_) => format!("code-samples/polar-{}-rust.overlay.yaml", api.version),
        None => OVERLAY_FILE.to_owned(),
    }
}

/// The compiled samples of `api`: `file` (the profile's [`MODULE_FILE`]), or, per API
/// version, a module of that name beside it (`contract-tests/src/samples/v2026_10.rs`).
pub fn module_file(api: &Api, file: &str) -> String {
    match &api.version_module {
        Some(module) => format!("{}/{}.rs", file.trim_end_matches(".rs"), module.name),
        None => file.to_owned(),
    }
}

/// Every file `cargo xtask code-samples` writes for `api`: (path relative to the workspace
/// root, contents).
pub fn files(api: &Api) -> Vec<(String, String)> {
    let samples = operation_samples(api);
    vec![
        (overlay_file(api), overlay_yaml(api, &samples)),
        (module_file(api, MODULE_FILE), samples_module(api, &samples)),
    ]
}
