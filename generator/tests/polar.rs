//! The pinned Polar specs (one per API version): the checked-in client is fresh, generation
//! is deterministic, the counts the project promises hold, and the versions share what they
//! have in common.

use codegen::ir::features::{reach, Gate, FULL};
use codegen::ir::{ResponseKind, Ty, TypeKind};
use codegen::{polar, write};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Same specs and options as `cargo xtask regenerate`.
fn generate() -> codegen::GeneratedVersions {
    polar::generate(&root()).unwrap_or_else(|e| panic!("{e}"))
}

/// The newest version's IR: the crate's default.
fn newest() -> codegen::ir::Api {
    generate().versions.pop().expect("a version").api
}

#[test]
fn checked_in_client_is_fresh() {
    let generated = generate();
    let crate_dir = root().join(polar::CLIENT_DIR);
    let drift = write::check(&crate_dir, &generated.files).expect("readable crate");
    let shown: Vec<String> = drift.iter().take(10).map(ToString::to_string).collect();
    assert!(drift.is_empty(), "generated-client/ is stale; run `cargo xtask regenerate`:\n{}", shown.join("\n"));
}

/// The hand-written client manifest declares exactly the runtime's features and
/// dependencies (what standalone generated crates get from the same two files).
#[test]
fn client_manifest_has_the_runtime_features_and_dependencies() {
    let manifest = std::fs::read_to_string(root().join(polar::CLIENT_DIR).join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("# END generated features\n{}", codegen::manifest::RUNTIME_FEATURES)),
        "generated-client/Cargo.toml: the lines after the generated features must be generator/runtime/features.toml"
    );
    let dependencies = &manifest[manifest.find("\n[dependencies]\n").expect("[dependencies]") + 1..];
    let dependencies = &dependencies[..dependencies.find("\n\n").unwrap_or(dependencies.len()) + 1];
    assert_eq!(
        dependencies,
        codegen::manifest::CLIENT_DEPENDENCIES,
        "generated-client/Cargo.toml [dependencies] vs generator/runtime/dependencies.toml"
    );
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
    for spec in polar::PINNED_SPECS {
        assert!(lib.contains(&format!("{spec} (sha256 ")), "lib.rs names {spec} and its hash");
    }
}

#[test]
fn every_schema_operation_and_webhook_of_every_version_is_generated() {
    let generated = generate();
    assert_eq!(generated.versions.len(), polar::PINNED_SPECS.len());
    for version in &generated.versions {
        let api = &version.api;
        let module = api.version_module.as_ref().expect("each version is a module");
        assert_eq!(module.name, format!("v{}", api.version.replace('-', "_")));
        assert!(generated.files.contains_key(&format!("src/{}/mod.rs", module.name)), "{}", module.name);
        check_counts(api, &std::fs::read(root().join(&version.spec_file)).unwrap());
    }
}

fn check_counts(api: &codegen::ir::Api, spec: &[u8]) {
    let spec: serde_json::Value = serde_json::from_slice(spec).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap().len();
    assert_eq!(schemas, 1010);
    // Component schemas come first in `types`, one each.
    let components = api
        .types
        .iter()
        .filter(|t| t.pointer.starts_with("/components/schemas/") && !t.pointer[20..].contains('/'))
        .count();
    assert_eq!(components, schemas);
    let operations: usize = api.groups.iter().map(|g| g.operations.len()).sum();
    assert_eq!(operations, 186);
    assert_eq!(api.webhooks.len(), 41);
    let paginated = api.groups.iter().flat_map(|g| &g.operations).filter(|o| o.pagination.is_some()).count();
    assert_eq!(paginated, 37);
}

/// Whether code compiled under `inner` is compiled whenever code under `outer` is.
fn covers(inner: &Gate, outer: &Gate) -> bool {
    match (inner, outer) {
        (Gate::Always, _) => true,
        (Gate::Any(_), Gate::Always) => false,
        // `full` turns every feature on, so code under `full` alone sees any gated code.
        (Gate::Any(inner), Gate::Any(outer)) => {
            (outer.len() == 1 && outer.contains(FULL) && !inner.is_empty()) || outer.iter().all(|f| inner.contains(f))
        }
    }
}

/// Every type a model mentions is compiled whenever the model is, for every feature
/// (so each feature compiles alone; `cargo xtask check-features` checks that on rustc),
/// and what operations and events use is compiled with their feature.
#[test]
fn feature_gates_are_closed_under_references() {
    let api = newest();
    let gates = &api.features.of_type;
    let named = |ty: &Ty| -> Vec<usize> {
        let mut seen = BTreeSet::new();
        reach(&api, ty, &mut seen);
        seen.into_iter().collect()
    };
    for (id, def) in api.types.iter().enumerate() {
        let mentioned: Vec<&Ty> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| v.ty.as_ref()).collect(),
            TypeKind::Alias(t) => vec![t],
            TypeKind::Enum(_) => vec![],
        };
        for other in mentioned.into_iter().flat_map(named) {
            assert!(
                covers(&gates[other], &gates[id]),
                "{} ({:?}) uses {} ({:?})",
                def.name,
                gates[id],
                api.types[other].name,
                gates[other]
            );
        }
    }
    for (group, feature) in api.groups.iter().zip(&api.features.of_group) {
        let feature = feature.as_ref().expect("the Polar crate has features");
        let gate = Gate::Any(BTreeSet::from([feature.clone()]));
        for op in &group.operations {
            let mut used: Vec<&Ty> = op.params.iter().map(|p| &p.ty).collect();
            used.extend(op.body.iter().map(|b| &b.ty));
            for kind in op.response.kinds() {
                if let ResponseKind::Json(ty) = kind {
                    used.push(ty);
                }
            }
            for id in used.into_iter().flat_map(named) {
                assert!(
                    covers(&gates[id], &gate),
                    "{} ({feature}) uses {} ({:?})",
                    op.operation_id,
                    api.types[id].name,
                    gates[id]
                );
            }
        }
    }
    let events = Gate::Any(BTreeSet::from(["webhook-events".to_owned()]));
    for id in api.webhooks.iter().flat_map(|w| named(&w.payload)) {
        assert!(covers(&gates[id], &events), "webhook payload {} ({:?})", api.types[id].name, gates[id]);
    }
    // Gates are not all trivially on: one group compiles a fraction of the models.
    let customers = Gate::Any(BTreeSet::from(["customers".to_owned()]));
    let compiled = gates.iter().filter(|g| covers(g, &customers)).count();
    assert!(compiled * 4 < gates.len(), "`customers` alone compiles {compiled} of {} types", gates.len());
}

#[test]
fn customer_portal_operations_know_their_token_and_its_issuer() {
    let api = newest();
    let ops: Vec<_> = api.groups.iter().flat_map(|g| &g.operations).collect();
    let portal: Vec<_> = ops
        .iter()
        .filter(|op| op.credentials.iter().any(|c| c.scheme == "customer_session" || c.scheme == "member_session"))
        .collect();
    // 23 + 13 read/write operations accept either session token, 4 only a member session.
    assert_eq!(portal.len(), 40);
    for op in &portal {
        assert!(op.credentials.iter().all(|c| c.scheme.ends_with("_session")), "{}", op.operation_id);
        let issuer = op.credentials[0].issued_by.as_ref().unwrap_or_else(|| panic!("{}", op.operation_id));
        assert_eq!(issuer.operation_id, "customer-sessions:create");
        assert_eq!((issuer.group.as_slice(), issuer.name.as_str()), (&["customer_sessions".to_owned()][..], "create"));
    }
    let members_only = portal.iter().filter(|op| op.credentials.iter().all(|c| c.scheme == "member_session")).count();
    assert_eq!(members_only, 4);
    // Organization operations accept organization tokens, and name no issuer.
    let create = ops.iter().find(|op| op.operation_id == "customers:create").unwrap();
    let schemes: Vec<&str> = create.credentials.iter().map(|c| c.scheme.as_str()).collect();
    assert_eq!(schemes, ["oidc", "pat", "oat"]);
    assert!(create.credentials.iter().all(|c| c.issued_by.is_none()));
}

/// `polar::licensing` is built on the newest version's client and its `customer-portal`
/// group, whose three licence-key operations take no token: its `cfg` must name that
/// version's feature (a new version moves it), and the operations must stay token-less.
#[test]
fn licensing_module_follows_the_newest_version() {
    let api = newest();
    let feature = &api.version_module.as_ref().expect("Polar's crate is versioned").feature;
    assert_eq!(polar::LICENSING_CFG, format!(r#"all(feature = "{feature}", feature = "customer-portal")"#));
    let licensing = api.extra_modules.iter().find(|m| m.name == "licensing").expect("the licensing module");
    assert_eq!(licensing.cfg, Some(polar::LICENSING_CFG));
    let ops: Vec<_> = api.groups.iter().flat_map(|g| &g.operations).collect();
    for id in ["validate", "activate", "deactivate"] {
        let id = format!("customer_portal:license_keys:{id}");
        let op = ops.iter().find(|op| op.operation_id == id).unwrap_or_else(|| panic!("{id}"));
        assert!(op.credentials.is_empty(), "{id} takes no token");
        assert!(licensing.source.contains(&format!("\"{id}\"")), "{id} is named in licensing.rs");
    }
}

/// `polar::handlers` is built on the newest version's `checkouts` and `customer-sessions`
/// groups (behind `axum`): its `cfg` must name that version's feature, and the two
/// operations it calls must keep the ids and paths its tests assert.
#[test]
fn handlers_module_follows_the_newest_version() {
    let api = newest();
    let feature = &api.version_module.as_ref().expect("Polar's crate is versioned").feature;
    assert_eq!(
        polar::HANDLERS_CFG,
        format!(
            r#"all(feature = "{feature}", feature = "axum", any(feature = "checkouts", feature = "customer-sessions"))"#
        )
    );
    let handlers = api.extra_modules.iter().find(|m| m.name == "handlers").expect("the handlers module");
    assert_eq!(handlers.cfg, Some(polar::HANDLERS_CFG));
    let ops: Vec<_> = api.groups.iter().flat_map(|g| &g.operations).collect();
    for id in ["checkouts:create", "customer-sessions:create"] {
        assert!(ops.iter().any(|op| op.operation_id == id), "{id} exists in the newest version");
    }
}

/// rustfmt `--check` on `text`, written to a file as `cargo fmt` sees it, with the
/// workspace's `rustfmt.toml`: `Ok` when it would leave the file as it is, else its diff.
fn rustfmt_check(name: &str, text: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("codegen-rustfmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(name);
    std::fs::write(&file, text).expect("write temp file");
    let out = std::process::Command::new("rustfmt")
        .args(["--check", "--edition", "2021", "--config-path"])
        .arg(root().join("rustfmt.toml"))
        .arg(&file)
        .output()
        .expect("rustfmt is installed (CI's formatting step needs it too)");
    let _ = std::fs::remove_file(&file);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// `cargo fmt` leaves the generated files (prettyplease's layout, pinned byte for byte by
/// `regenerate --check`) as they are, and still formats the runtime copies and the profile's
/// extra modules, which are hand-written and carry no skip attribute (and are formatted).
#[test]
fn cargo_fmt_leaves_generated_files_alone() {
    let generated = generate();
    let skip = "#![cfg_attr(rustfmt, rustfmt::skip)]";
    let file = &generated.files["src/shared/client/benefit_grants.rs"];
    rustfmt_check("kept.rs", file).unwrap_or_else(|diff| panic!("rustfmt would rewrite a generated file:\n{diff}"));
    // The attribute is what keeps it: without it rustfmt would reorder imports and rewrap.
    assert!(rustfmt_check("stripped.rs", &file.replace(skip, "")).is_err());
    // The profile's extra modules are hand-written too, copied like the runtime.
    let extras: Vec<String> =
        generated.versions[0].api.extra_modules.iter().map(|m| format!("src/{}.rs", m.name)).collect();
    for module in ["src/metering.rs", "src/licensing.rs", "src/handlers.rs"] {
        assert!(extras.contains(&module.to_owned()), "{module}");
    }
    for (path, text) in &generated.files {
        let hand_written = path.starts_with("src/runtime/") || extras.contains(path);
        if path.ends_with(".rs") {
            assert_eq!(text.contains(skip), !hand_written, "{path}");
        }
    }
    for path in &extras {
        rustfmt_check("extra.rs", &generated.files[path])
            .unwrap_or_else(|diff| panic!("{path} is not rustfmt-formatted (`cargo xtask fmt`):\n{diff}"));
    }
}

/// Polar's two versions differ only in `info.version` and code samples: every type, group
/// and error body is emitted once, in `shared`, and each version module re-exports it; each
/// version keeps its own handle (its own `Polar-Version`) and webhook events.
#[test]
fn identical_versions_share_every_type_and_group() {
    let generated = generate();
    let [old, new] = &generated.versions[..] else { panic!("two pinned versions") };
    let shared = &generated.shared;
    assert_eq!(shared.types.len(), new.api.types.len(), "every type is shared");
    assert_eq!(shared.groups.len(), new.api.groups.len(), "every group is shared");
    assert!(shared.errors);
    assert_eq!((old.api.version.as_str(), new.api.version.as_str()), ("2026-04", "2026-10"));
    let files = &generated.files;
    assert!(
        files.contains_key("src/shared/models/customer.rs") && !files.contains_key("src/v2026_10/models/customer.rs")
    );
    for module in ["v2026_04", "v2026_10"] {
        let models = &files[&format!("src/{module}/models/mod.rs")];
        assert!(models.contains("pub use crate::shared::models::Customer;"), "{module}");
        assert!(files.contains_key(&format!("src/{module}/webhooks.rs")), "{module}");
    }
    // Each handle sends its own version; the shared items are compiled when any version needs them.
    assert!(files["src/v2026_04/mod.rs"].contains("pub const API_VERSION: &str = \"2026-04\";"));
    let shared_models = &files["src/shared/models/mod.rs"];
    assert!(
        shared_models
            .contains("#[cfg(all(any(feature = \"v2026-04\", feature = \"v2026-10\"), feature = \"customers\"))]"),
        "{}",
        &shared_models[..600]
    );
}
