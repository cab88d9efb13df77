//! The Polar profile: which specs the checked-in client comes from (one per API version
//! Polar serves) and the options it is generated with. `cargo xtask regenerate` and the
//! freshness test both read this, so they cannot disagree.

use crate::ir::PageShape;
use crate::{GeneratedVersions, Options, VersionSpec};
use std::path::Path;

/// The pinned specs, one per API version the client speaks, relative to the workspace
/// root. Each becomes a module (`v2026_10`) behind a cargo feature (`v2026-10`); the
/// newest is the default and the crate root re-exports it. Polar serves `2026-04` (current)
/// and `2026-10` (next) (`server/polar/version.py`). Adding a version is a line here (and
/// its spec in `spec/`), dropping one is removing its line; then `cargo xtask regenerate`
/// (see README, "API versions").
pub const PINNED_SPECS: &[&str] = &["spec/polar-2026-04.openapi.json", "spec/polar-2026-10.openapi.json"];

/// The newest pinned spec: the crate's default version.
pub const NEWEST_SPEC: &str = PINNED_SPECS[PINNED_SPECS.len() - 1];

/// The versions of the client and what changes from each to the next (Markdown, written by
/// `cargo xtask regenerate` into the client crate, beside its README).
pub const VERSIONS_FILE: &str = "API_VERSIONS.md";

/// Where the generated client lives, relative to the workspace root.
pub const CLIENT_DIR: &str = "generated-client";

/// The crate-root docs after the generated introduction: quick start, authentication,
/// pagination, errors, webhooks (its snippets are doctests of the client).
const CRATE_DOCS: &str = include_str!("polar/crate_docs.md");

/// The close of the `webhooks` module docs: Polar's secrets and delivery timeout (see the
/// runtime's `webhooks.rs` for the signing schemes, checked against Polar's server).
const WEBHOOK_NOTES: &str = "Polar shows each endpoint's secret as `whsec_...`; \
    `WebhookVerifier::new` takes it as shown and verifies either of Polar's signature schemes. \
    Polar waits 10 seconds for an answer, counts anything but a 2xx as a failed attempt and \
    retries the event (10 attempts in all, over about an hour); it disables the endpoint when \
    its 10 most recent events all failed. Answer 2xx quickly, for every verified delivery, and \
    handle each `webhook-id` once (`WebhookRouter`, feature `webhook-router`, does both).";

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
        version_module: None,
        reserved_features: Vec::new(),
    }
}

/// Polar's own helpers beyond the endpoints, hand-written in `polar/extras/` and copied into
/// the crate root like the runtime (each behind its cargo feature).
fn extra_modules() -> Vec<crate::ir::ExtraModule> {
    vec![
        crate::ir::ExtraModule {
            // Usage metering: a batching, retrying ingester for `events.ingest` (cargo feature
            // `metering`, declared in the client's hand-written Cargo.toml).
            name: "metering",
            cfg: Some("feature = \"metering\""),
            source: include_str!("polar/extras/metering.rs"),
        },
        crate::ir::ExtraModule {
            name: "licensing",
            // The newest version's models and client (the crate root's); the operations are in
            // the `customer-portal` group. `tests/polar.rs` checks the version is the newest.
            cfg: Some(LICENSING_CFG),
            source: include_str!("polar/extras/licensing.rs"),
        },
        crate::ir::ExtraModule {
            name: "handlers",
            // The newest version's checkouts and customer sessions, served by axum; each
            // handler is behind its group's feature inside the module.
            cfg: Some(HANDLERS_CFG),
            source: include_str!("polar/extras/handlers.rs"),
        },
    ]
}

/// The `cfg` of the `handlers` module: axum and the newest version's `checkouts` or
/// `customer-sessions` group.
pub const HANDLERS_CFG: &str =
    r#"all(feature = "v2026-10", feature = "axum", any(feature = "checkouts", feature = "customer-sessions"))"#;

/// The `cfg` of the `licensing` module: the `customer-portal` group of the newest version.
pub const LICENSING_CFG: &str = r#"all(feature = "v2026-10", feature = "customer-portal")"#;

/// The bytes of every pinned spec, oldest first, with its path; `root` is the workspace
/// root.
///
/// # Errors
///
/// When a file cannot be read (the message names it).
pub fn pinned_specs(root: &Path) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    PINNED_SPECS
        .iter()
        .map(|spec| Ok((*spec, std::fs::read(root.join(spec)).map_err(|e| format!("{spec}: {e}"))?)))
        .collect()
}

/// The bytes of the newest pinned spec (the default version's).
///
/// # Errors
///
/// When the file cannot be read (the message names it).
pub fn newest_spec(root: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(root.join(NEWEST_SPEC)).map_err(|e| format!("{NEWEST_SPEC}: {e}"))
}

/// Generates the client crate in memory from every pinned spec, as `cargo xtask regenerate`
/// does, its manifest included (see [`add_manifest`]); `root` is the workspace root.
///
/// # Errors
///
/// When a spec cannot be read or does not generate, or the manifest has no features block.
pub fn generate(root: &Path) -> Result<GeneratedVersions, String> {
    let specs = pinned_specs(root)?;
    let specs: Vec<VersionSpec<'_>> = specs.iter().map(|(file, bytes)| VersionSpec { file, bytes }).collect();
    let mut generated = crate::generate_versions(&specs, &options()).map_err(|e| e.to_string())?;
    add_manifest(&root.join(CLIENT_DIR), &mut generated)?;
    let apis: Vec<crate::ir::Api> = generated.versions.iter().map(|v| v.api.clone()).collect();
    generated.files.insert(VERSIONS_FILE.to_owned(), crate::review::versions(&apis, &generated.shared));
    Ok(generated)
}

/// The IR of every API version of the client, oldest first, through the same stages as
/// `generate` (for the tools that read only the IR: code samples, review). `root` is the
/// workspace root.
///
/// # Errors
///
/// When a spec cannot be read or does not generate.
pub fn pinned_apis(root: &Path) -> Result<Vec<crate::ir::Api>, String> {
    let specs = pinned_specs(root)?;
    let specs: Vec<VersionSpec<'_>> = specs.iter().map(|(file, bytes)| VersionSpec { file, bytes }).collect();
    let analyzed = crate::analyze_versions(&specs, &options()).map_err(|e| e.to_string())?;
    Ok(analyzed.versions.into_iter().map(|version| version.api).collect())
}

/// Adds the client's `Cargo.toml` to `generated.files`: the hand-written manifest in
/// `crate_dir` with its generated `[features]` lines brought up to date, so `regenerate`
/// rewrites them and `--check` compares them like any generated file.
///
/// # Errors
///
/// When the manifest cannot be read or lacks the features markers.
pub fn add_manifest(crate_dir: &Path, generated: &mut GeneratedVersions) -> Result<(), String> {
    let path = crate_dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let apis: Vec<crate::ir::Api> = generated.versions.iter().map(|v| v.api.clone()).collect();
    let block = crate::manifest::versioned_features_block(&apis);
    let manifest =
        crate::manifest::splice_features(&manifest, &block).map_err(|e| format!("{}: {e}", path.display()))?;
    generated.files.insert("Cargo.toml".to_owned(), manifest);
    Ok(())
}
