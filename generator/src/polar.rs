//! The Polar profile: which spec the checked-in client comes from and the options it is
//! generated with. `cargo xtask regenerate` and the freshness test both read this, so
//! they cannot disagree.

use crate::ir::PageShape;
use crate::{Generated, Options};
use std::path::Path;

/// The pinned spec, relative to the workspace root. Bump it when Polar ships a new API
/// version (see README, "Regenerating after a spec update").
pub const PINNED_SPEC: &str = "spec/polar-2026-10.openapi.json";

/// Where the generated client lives, relative to the workspace root.
pub const CLIENT_DIR: &str = "generated-client";

/// The crate-root docs after the generated introduction: quick start, authentication,
/// pagination, errors, webhooks (its snippets are doctests of the client).
const CRATE_DOCS: &str = include_str!("polar/crate_docs.md");

/// The close of the `webhooks` module docs: Polar's secrets and delivery timeout (see the
/// runtime's `webhooks.rs` for the signing schemes, checked against Polar's server).
const WEBHOOK_NOTES: &str = "Polar shows each endpoint's secret as `whsec_...`; \
    `WebhookVerifier::new` takes it as shown and verifies either of Polar's signature schemes. \
    Polar waits 10 seconds for an answer and retries otherwise: answer 2xx quickly, and handle \
    each `webhook-id` once.";

/// Options for the Polar client: Polar reads its API version from the `Polar-Version`
/// header and the organization a request acts for from `Polar-Organization` (the header
/// Polar's own SDKs send for their `organization_id` setting), and the crate's library is
/// named `polar`.
pub fn options() -> Options {
    Options {
        version_header: Some("Polar-Version".to_owned()),
        lib_name: Some("polar".to_owned()),
        organization_header: Some("Polar-Organization".to_owned()),
        lenient: false,
        samples_compiled_in: Some("contract-tests/src/samples.rs".to_owned()),
        crate_docs: Some(CRATE_DOCS.to_owned()),
        webhook_notes: Some(WEBHOOK_NOTES.to_owned()),
        regenerate_command: Some("cargo xtask regenerate".to_owned()),
        // Polar's descriptions end with the token scopes; the docs list them (`Scopes: ...`).
        description_trailer: Some("\n\n**Scopes**".to_owned()),
        extra_modules: extra_modules(),
        // `x-polar-pagination` lists: `page`/`limit`, `items` and `pagination.{max_page,
        // total_count}` (server/polar/kit/pagination.py).
        pagination: Some(PageShape {
            markers: vec!["x-polar-pagination".to_owned(), "x-speakeasy-pagination".to_owned()],
            page_param: "page".to_owned(),
            items: "items".to_owned(),
            last_page: vec!["pagination".to_owned(), "max_page".to_owned()],
            total: Some(vec!["pagination".to_owned(), "total_count".to_owned()]),
        }),
        // Polar's `APIVersionMiddleware` sets `Polar-Version` on every response of a version
        // it serves and answers an unknown one `404 {"detail": "Not Found"}` without it.
        version_echoed: true,
    }
}

/// Polar's own helpers beyond the endpoints, hand-written in `polar/extras/` and copied into
/// the crate root like the runtime (each behind its cargo feature).
fn extra_modules() -> Vec<crate::ir::ExtraModule> {
    Vec::new()
}

/// The bytes of the pinned spec; `root` is the workspace root.
///
/// # Errors
///
/// When the file cannot be read (the message names it).
pub fn pinned_spec(root: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(root.join(PINNED_SPEC)).map_err(|e| format!("{PINNED_SPEC}: {e}"))
}

/// The IR of the pinned spec with the Polar options, through the same stages as
/// `generate` (for the tools that read only the IR: code samples, review). `root` is the
/// workspace root.
///
/// # Errors
///
/// When the spec cannot be read or does not generate.
pub fn pinned_api(root: &Path) -> Result<crate::ir::Api, String> {
    let bytes = pinned_spec(root)?;
    crate::analyze(PINNED_SPEC, &bytes, &options()).map(|analyzed| analyzed.api).map_err(|e| e.to_string())
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
    let block = crate::manifest::features_block(&generated.api);
    let manifest =
        crate::manifest::splice_features(&manifest, &block).map_err(|e| format!("{}: {e}", path.display()))?;
    generated.files.insert("Cargo.toml".to_owned(), manifest);
    Ok(())
}
