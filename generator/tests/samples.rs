//! Code samples (`codegen::samples`): one per operation of the pinned spec, and the
//! checked-in outputs of `cargo xtask code-samples` are current.
//!
//! That every sample compiles is checked by building the `contract-tests` crate, whose
//! `src/samples.rs` holds them all (part of `cargo test --workspace`).

use codegen::samples::{self, Sample};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generator is a workspace member").to_path_buf()
}

/// Every API version of the client, oldest first.
fn apis() -> &'static [codegen::ir::Api] {
    static APIS: OnceLock<Vec<codegen::ir::Api>> = OnceLock::new();
    APIS.get_or_init(|| codegen::polar::pinned_apis(&root()).expect("the pinned specs build"))
}

/// The newest version: what the samples below are checked on.
fn api() -> &'static codegen::ir::Api {
    apis().last().expect("a version")
}

fn all_samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| samples::operation_samples(api()))
}

/// (operationId, METHOD, path) of every operation in the pinned spec, read directly.
fn spec_operations() -> BTreeSet<(String, String, String)> {
    let spec: Value =
        serde_json::from_slice(&codegen::polar::newest_spec(&root()).unwrap_or_else(|e| panic!("{e}"))).expect("JSON");
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.insert((id.to_owned(), method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn one_sample_per_operation() {
    let samples = all_samples();
    assert_eq!(samples.len(), 186);
    let ids: BTreeSet<(String, String, String)> =
        samples.iter().map(|s| (s.operation_id.clone(), s.method.clone(), s.path.clone())).collect();
    assert_eq!(ids.len(), samples.len(), "operation ids are unique");
    assert_eq!(ids, spec_operations(), "exactly the spec's operations");
}

#[test]
fn every_sample_calls_its_operation_and_uses_the_result() {
    for sample in all_samples() {
        let group_op = api()
            .groups
            .iter()
            .find_map(|g| g.operations.iter().find(|o| o.operation_id == sample.operation_id).map(|o| (g, o)))
            .expect("the operation is in the IR");
        let (group, op) = group_op;
        let mut call = String::from("client");
        for g in &group.path {
            call.push_str(&format!(".{g}()"));
        }
        let flat: String = sample.code.split_whitespace().collect();
        assert!(
            flat.contains(&format!("{call}.{}(", op.name)),
            "{}: does not call {call}.{}(..)\n{}",
            sample.operation_id,
            op.name,
            sample.code
        );
        assert!(sample.code.contains(".await?"), "{}: never awaits\n{}", sample.operation_id, sample.code);
        if !matches!(op.response, codegen::ir::ResponseKind::Empty) {
            assert!(
                sample.code.contains("println!"),
                "{}: does not use its result\n{}",
                sample.operation_id,
                sample.code
            );
        }
        if op.pagination.is_some() {
            assert!(
                sample.code.contains(".stream()"),
                "{}: a list without .stream()\n{}",
                sample.operation_id,
                sample.code
            );
        }
        assert!(!sample.code.contains("client.build"), "samples take the client as given");
    }
}

#[test]
fn samples_use_the_spec_examples() {
    let create = all_samples().iter().find(|s| s.operation_id == "customers:create").expect("customers:create");
    // CustomerIndividualCreate's email and external_id examples; the type's constructor.
    assert!(create.code.contains("CustomerIndividualCreate::new(\"customer@example.com\")"), "{}", create.code);
    assert!(create.code.contains("\"usr_1337\""), "{}", create.code);
    // The arm converts into the union (`From`), no `Box::new`.
    assert!(create.code.contains("CustomerCreate::from(individual)"), "{}", create.code);
}

#[test]
fn samples_are_deterministic() {
    assert_eq!(samples::operation_samples(api()), all_samples());
}

#[test]
fn overlay_targets_every_operation() {
    let overlay: Value =
        serde_yaml::from_str(&samples::overlay_yaml(api(), all_samples())).expect("the overlay is YAML");
    assert_eq!(overlay["overlay"], "1.0.0");
    assert!(overlay["info"]["title"].is_string() && overlay["info"]["version"].is_string());
    let actions = overlay["actions"].as_array().expect("actions");
    assert_eq!(actions.len(), 186);
    let expected: BTreeSet<String> = spec_operations()
        .into_iter()
        .map(|(_, method, path)| format!("$.paths['{path}'].{}", method.to_ascii_lowercase()))
        .collect();
    let targets: BTreeSet<String> = actions.iter().map(|a| a["target"].as_str().expect("target").to_owned()).collect();
    assert_eq!(targets, expected);
    for action in actions {
        let entries = action["update"]["x-codeSamples"].as_array().expect("x-codeSamples array");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0]["lang"], "rust");
        assert_eq!(entries[0]["label"], samples::LABEL);
        let source = entries[0]["source"].as_str().expect("source");
        let builder = format!("{}::Client::builder()", api().public_path());
        assert!(source.contains(&builder), "documented samples create their client: {source}");
    }
}

#[test]
fn checked_in_outputs_are_fresh() {
    for (path, expected) in apis().iter().flat_map(samples::files) {
        let actual = std::fs::read_to_string(root().join(&path)).unwrap_or_default();
        assert!(actual == expected, "{path} is stale: run `cargo xtask code-samples` and commit the result");
    }
}

/// Samples are not Polar-specific: any spec's operations get one (here with the crate
/// named `petstore` and `fixture`). Snapshotted as `snapshots/samples_*.snap`.
#[test]
fn samples_for_other_specs() {
    for (file, lib) in [("oai-petstore-expanded.json", "petstore"), ("fixture-operations.yaml", "fixture")] {
        let bytes = std::fs::read(root().join("generator/tests/data/specs").join(file)).expect("fixture spec");
        let options = codegen::Options { lib_name: Some(lib.to_owned()), ..codegen::Options::default() };
        let generated = codegen::generate(file, &bytes, &options).expect("the fixture generates");
        let mut text = String::new();
        for sample in samples::operation_samples(&generated.api) {
            text.push_str(&format!(
                "// {} {} ({})\n{}\n",
                sample.method, sample.path, sample.operation_id, sample.code
            ));
        }
        let name = format!("samples_{}", file.split('.').next().unwrap_or(file).replace('-', "_"));
        insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn exhaustive_calls_cover_every_optional_input() {
    let calls = samples::operation_exhaustive_calls(api());
    let with_optional: Vec<&str> = api()
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .filter(|op| op.params.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required))
        .map(|op| op.operation_id.as_str())
        .collect();
    assert_eq!(calls.iter().map(|c| c.operation_id.as_str()).collect::<Vec<_>>(), with_optional);
    for (call, op) in calls.iter().map(|c| {
        (c, api().groups.iter().flat_map(|g| &g.operations).find(|o| o.operation_id == c.operation_id).expect("op"))
    }) {
        let flat: String = call.code.split_whitespace().collect();
        for p in op.params.iter().filter(|p| !p.required) {
            assert!(
                flat.contains(&format!(".{}(", codegen::names::ident(&p.name))),
                "{}: `{}` not set\n{}",
                call.operation_id,
                p.name,
                call.code
            );
        }
    }
}

#[test]
fn customer_portal_samples_use_a_session_token() {
    let source = |id: &str| {
        let sample = all_samples().iter().find(|s| s.operation_id == id).unwrap_or_else(|| panic!("{id}"));
        samples::documented_source(api(), sample)
    };
    let portal = source("customer_portal:customers:get");
    assert!(portal.contains(r#".access_token("polar_cst_xxx")"#), "{portal}");
    assert!(portal.contains("`client.customer_sessions().create(..)`"), "{portal}");
    assert!(!portal.contains("polar_oat_"), "{portal}");
    let members_only = api()
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .find(|op| !op.credentials.is_empty() && op.credentials.iter().all(|c| c.scheme == "member_session"))
        .expect("Polar has member-session-only operations");
    assert!(source(&members_only.operation_id).contains(r#".access_token("polar_mst_xxx")"#));
    let org = source("customers:create");
    assert!(org.contains(r#".access_token("polar_oat_xxx")"#), "{org}");
    assert!(!org.contains("session"), "{org}");
}
