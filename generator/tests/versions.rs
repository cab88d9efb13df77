//! Several API versions in one crate, on a pair that really differs: Polar's spec of June
//! 2025 (before API versioning, `info.version` 0.1.0) and the pinned 2026-10. What the
//! generator emits identically is shared, everything else stays in its version, and what
//! is shared only refers to what is shared (`codegen::share`). The pair also compiles,
//! warning-free, with both versions on (`generality.rs`, `specs_compile`).

use codegen::{polar, share, GeneratedVersions, VersionSpec};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The 2025-06 and 2026-10 specs as one crate of two versions, with the Polar options.
pub fn pair() -> &'static GeneratedVersions {
    static PAIR: OnceLock<GeneratedVersions> = OnceLock::new();
    PAIR.get_or_init(|| {
        let old = std::fs::read(root().join("generator/tests/data/review/polar-2025-06.openapi.json")).unwrap();
        let new = polar::newest_spec(&root()).unwrap();
        let specs = [
            VersionSpec { file: "polar-2025-06.openapi.json", bytes: &old },
            VersionSpec { file: polar::NEWEST_SPEC, bytes: &new },
        ];
        codegen::generate_versions(&specs, &polar::options()).unwrap_or_else(|e| panic!("{e}"))
    })
}

#[test]
fn what_is_emitted_alike_is_shared_and_the_rest_stays_in_its_version() {
    let generated = pair();
    let [old, new] = &generated.versions[..] else { panic!("two versions") };
    assert_eq!((old.api.version.as_str(), new.api.version.as_str()), ("0.1.0", "2026-10"));
    let shared = &generated.shared;
    let (old_types, new_types) = (old.api.types.len(), new.api.types.len());
    eprintln!(
        "shared: {} of {old_types} / {new_types} types, {} of {} / {} groups, error bodies: {}",
        shared.types.len(),
        shared.groups.len(),
        old.api.groups.len(),
        new.api.groups.len(),
        shared.errors
    );
    assert!(shared.types.len() > 50, "identical schemas are shared: {}", shared.types.len());
    assert!(shared.types.len() < old_types.min(new_types), "changed schemas are not");
    let files = &generated.files;
    for (name, versions) in &shared.types {
        assert_eq!(versions, &[0, 1], "{name}: both versions have a shared type");
        let stem = &new.api.types.iter().find(|t| t.name == *name).unwrap().module;
        assert!(files.contains_key(&format!("src/shared/models/{stem}.rs")), "{name}");
        assert!(!files.contains_key(&format!("src/v2026_10/models/{stem}.rs")), "{name} is emitted once");
    }
    // A type whose schema changed between the versions is emitted in each.
    let changed = new
        .api
        .types
        .iter()
        .find(|t| old.api.types.iter().any(|o| o.name == t.name) && !shared.types.contains_key(&t.name))
        .expect("a type both versions have but emit differently");
    assert!(files.contains_key(&format!("src/v2026_10/models/{}.rs", changed.module)), "{}", changed.name);
    // Each version's models re-export what it shares and declare the rest.
    let models = &files["src/v0_1_0/models/mod.rs"];
    let (name, _) = shared.types.iter().next().unwrap();
    assert!(models.contains(&format!("pub use crate::shared::models::{name};")), "{name}");
}

#[test]
fn shared_items_refer_only_to_shared_items() {
    let generated = pair();
    let shared: &share::Shared = &generated.shared;
    let files = &generated.files;
    // A shared file names models only through `super::` (shared siblings) or the shared
    // module; never a version's.
    for (path, text) in files.iter().filter(|(path, _)| path.starts_with("src/shared/")) {
        for line in text.lines().filter(|l| l.starts_with("use ") || l.contains("::models::")) {
            let code = line.split("//").next().unwrap_or_default();
            assert!(!code.contains("crate::v"), "{path} refers into a version: {line}");
        }
    }
    // Every model a shared type's file imports is shared too.
    for path in files.keys().filter(|p| p.starts_with("src/shared/models/") && !p.ends_with("mod.rs")) {
        let text = &files[path];
        let mut rest = text.as_str();
        let mut checked = 0;
        while let Some(start) = rest.find("\nuse super::") {
            let import = &rest[start + "\nuse super::".len()..];
            let end = import.find(';').expect("an import ends");
            let names = import[..end].trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace());
            for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                assert!(shared.types.contains_key(name), "{path} uses {name}, which is not shared");
                checked += 1;
            }
            rest = &import[end..];
        }
        assert!(checked > 0 || !text.contains("use super::"), "{path}: imports not parsed");
    }
    // No group of the pair is shared unless the error bodies are.
    assert!(shared.errors || shared.groups.is_empty());
}
