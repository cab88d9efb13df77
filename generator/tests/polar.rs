//! The pinned Polar spec: the checked-in client is fresh, generation is deterministic,
//! and the counts the project promises hold.

use codegen::{polar, write};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Same spec file and options as `cargo xtask regenerate`.
fn generate() -> codegen::Generated {
    let bytes = std::fs::read(root().join(polar::PINNED_SPEC)).expect("pinned spec");
    codegen::generate(polar::PINNED_SPEC, &bytes, &polar::options()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn checked_in_client_is_fresh() {
    let generated = generate();
    let drift = write::check(&root().join(polar::CLIENT_DIR), &generated.files).expect("readable crate");
    let shown: Vec<String> = drift.iter().take(10).map(ToString::to_string).collect();
    assert!(drift.is_empty(), "generated-client/ is stale; run `cargo xtask regenerate`:\n{}", shown.join("\n"));
}

#[test]
fn generation_is_deterministic() {
    let first = generate();
    let second = generate();
    assert_eq!(first.files.len(), second.files.len());
    for ((path_a, text_a), (path_b, text_b)) in first.files.iter().zip(&second.files) {
        assert_eq!(path_a, path_b);
        assert!(text_a == text_b, "{path_a} differs between two generations");
    }
}

#[test]
fn output_has_no_absolute_paths_or_timestamps() {
    let generated = generate();
    let root = root();
    let root = root.to_string_lossy();
    for (path, text) in &generated.files {
        assert!(!text.contains(root.as_ref()), "{path} contains the absolute path {root}");
    }
    let lib = &generated.files["src/lib.rs"];
    assert!(lib.contains(&format!("{} (sha256 ", polar::PINNED_SPEC)), "lib.rs names the spec and its hash");
}

#[test]
fn every_schema_operation_and_webhook_is_generated() {
    let api = generate().api;
    let spec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join(polar::PINNED_SPEC)).unwrap()).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap().len();
    assert_eq!(schemas, 1010);
    // Component schemas come first in `types`, one each.
    let components = api.types.iter().filter(|t| t.pointer.starts_with("/components/schemas/") && !t.pointer[20..].contains('/')).count();
    assert_eq!(components, schemas);
    let operations: usize = api.groups.iter().map(|g| g.operations.len()).sum();
    assert_eq!(operations, 186);
    assert_eq!(api.webhooks.len(), 41);
    let paginated = api.groups.iter().flat_map(|g| &g.operations).filter(|o| o.pagination.is_some()).count();
    assert_eq!(paginated, 37);
}
