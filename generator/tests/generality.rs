//! Generality: every spec in `tests/data/specs/` (third-party specs, kept unmodified, and
//! `fixture-*.yaml` specs for constructs they do not use) generates a crate that compiles
//! with zero warnings.
//!
//! `specs_compile` writes one member crate per spec into ONE throwaway cargo workspace under
//! the target dir (`$CARGO_TARGET_TMPDIR/generality/`), with the repository's `Cargo.lock`
//! copied in (pinned versions, `--offline`) and a target dir kept between runs, so the
//! dependencies build once (~2 min) and later runs take seconds. It runs
//! `cargo check --workspace --all-targets --keep-going` (the generated `spec_examples` tests
//! and the runtime's unit tests included) and fails on any error or warning, printing the
//! compiler output per spec.
//!
//! Each spec also gets a compact summary snapshot, `snapshots/generality_<spec>.snap`: type
//! counts by kind, every group and operation, webhooks and generation warnings.
//! The other tests check the shape of the code for a few constructs (security schemes,
//! operations without operationId, path-level parameters, hostile names).

use codegen::ir::{Api, Security, TypeKind};
use codegen::Generated;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Specs the generator refuses on purpose: (file name, start of the expected message).
/// Every other spec must generate.
const EXPECTED_REFUSALS: &[(&str, &str)] = &[];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every spec file name in `tests/data/specs/`, sorted.
fn spec_files() -> Vec<String> {
    let dir = manifest_dir().join("tests/data/specs");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".yaml") || f.ends_with(".yml") || f.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "expected the third-party specs in {}", dir.display());
    files
}

/// `oai-petstore.yaml` → `oai_petstore` (crate, folder and snapshot name).
fn stem(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    stem.replace(['-', '.'], "_")
}

fn generate(file: &str) -> Result<Generated, codegen::SpecError> {
    let rel = format!("tests/data/specs/{file}");
    let bytes = std::fs::read(manifest_dir().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let options = codegen::Options { lib_name: Some(stem(file)), ..codegen::Options::default() };
    codegen::generate(&rel, &bytes, &options)
}

fn generate_ok(file: &str) -> Generated {
    generate(file).unwrap_or_else(|e| panic!("{file} was refused:\n{e}"))
}

/// Type counts, operations per group, webhooks and warnings, in a stable text form.
fn summary(file: &str, generated: &Generated) -> String {
    let api = &generated.api;
    let mut out = String::new();
    let _ = writeln!(out, "spec: {file}\ntitle: {:?} (version {:?})", api.title, api.version);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for def in &api.types {
        let kind = match def.kind {
            TypeKind::Struct(_) => "struct",
            TypeKind::Enum(_) => "enum",
            TypeKind::Union(_) => "union",
            TypeKind::Alias(_) => "alias",
        };
        *kinds.entry(kind).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let _ = writeln!(out, "types: {} ({})", api.types.len(), kinds.join(", "));
    let ops: usize = api.groups.iter().map(|g| g.operations.len()).sum();
    let _ = writeln!(out, "servers: {}\noperations: {ops} in {} groups", api.servers.len(), api.groups.len());
    for group in &api.groups {
        let _ = writeln!(out, "group {} ({}):", group.path.join("."), group.type_name);
        for op in &group.operations {
            let response = describe_response(api, &op.response);
            let _ = writeln!(out, "  {}() {} {} -> {response}", op.name, op.method, op.path);
        }
    }
    let _ = writeln!(out, "webhooks: {}", api.webhooks.len());
    for hook in &api.webhooks {
        let _ = writeln!(out, "  {} ({}): {}", hook.event, hook.variant, api.ty_name(&hook.payload));
    }
    let _ = writeln!(out, "warnings: {}", generated.warnings.len());
    for warning in &generated.warnings {
        let _ = writeln!(out, "  {warning}");
    }
    out
}

/// `Item`, `text text/csv`, `()`, or `ItemsCreateResponse { 200 Ok: Item, 204 NoContent: () }`.
fn describe_response(api: &codegen::ir::Api, kind: &codegen::ir::ResponseKind) -> String {
    use codegen::ir::ResponseKind;
    match kind {
        ResponseKind::Json(ty) => api.ty_name(ty),
        ResponseKind::Text(m) => format!("text {m}"),
        ResponseKind::Bytes(m) => format!("bytes {m}"),
        ResponseKind::Empty => "()".to_owned(),
        ResponseKind::ByStatus(responses) => {
            let arms: Vec<String> = responses
                .arms
                .iter()
                .map(|arm| format!("{} {}: {}", arm.label, arm.variant, describe_response(api, &arm.kind)))
                .collect();
            format!("{} {{ {} }}", responses.type_name, arms.join(", "))
        }
    }
}

#[test]
fn summaries() {
    for file in spec_files() {
        if EXPECTED_REFUSALS.iter().any(|(f, _)| *f == file) {
            continue;
        }
        let generated = generate_ok(&file);
        insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("generality_{}", stem(&file)), summary(&file, &generated));
        });
    }
}

#[test]
fn expected_refusals_are_refused() {
    for (file, message) in EXPECTED_REFUSALS {
        match generate(file) {
            Ok(_) => panic!("{file} is generated now: remove it from EXPECTED_REFUSALS"),
            Err(e) => assert!(e.message.starts_with(message), "{file}: {e}"),
        }
    }
}

#[test]
fn no_orphan_snapshots() {
    let expected: Vec<String> = spec_files().iter().map(|f| format!("generality_{}.snap", stem(f))).collect();
    let dir = manifest_dir().join("../snapshots");
    let mut orphans: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with("generality_") && f.ends_with(".snap") && !expected.contains(f))
        .collect();
    orphans.sort();
    assert!(orphans.is_empty(), "snapshots no spec produces (delete them): {orphans:?}");
}

/// Diagnostics of `cargo check --message-format short`, by workspace member.
fn diagnostics_by_member(output: &str, members: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut by_member: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in output.lines() {
        let is_diagnostic = line.contains("warning") || line.contains("error");
        if !is_diagnostic
            || line.contains("build failed, waiting")
            || line.trim_start().starts_with("Compiling")
            || line.trim_start().starts_with("Checking")
        {
            continue;
        }
        let member = members
            .iter()
            .find(|m| line.starts_with(&format!("{m}/")) || line.contains(&format!("`{m}`")))
            .cloned()
            .unwrap_or_else(|| "(workspace)".to_owned());
        by_member.entry(member).or_default().push(line.to_owned());
    }
    by_member
}

#[test]
fn specs_compile() {
    let started = Instant::now();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let root = tmp.join("generality");
    let target = tmp.join("generality-target");
    std::fs::create_dir_all(&root).expect("create the workspace folder");

    let mut members = Vec::new();
    for file in spec_files() {
        if EXPECTED_REFUSALS.iter().any(|(f, _)| *f == file) {
            continue;
        }
        let name = stem(&file);
        let generated = generate_ok(&file);
        let features = codegen::write::features_block(&generated.api);
        let mut files = generated.files;
        // A member of the workspace below, not a workspace of its own.
        let manifest = codegen::write::standalone_manifest(&name, &features).replace("[workspace]\n", "");
        files.insert("Cargo.toml".to_owned(), manifest);
        // Writes only changed files, so cargo's fingerprints stay fresh between runs.
        codegen::write::write(&root.join(&name), &files).unwrap_or_else(|e| panic!("{name}: {e}"));
        members.push(name);
    }
    // Members of earlier runs whose spec is gone.
    for entry in std::fs::read_dir(&root).expect("read the workspace folder") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if path.is_dir() && !members.contains(&name) {
            std::fs::remove_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    let quoted: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let workspace = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", quoted.join(", "));
    write_if_changed(&root.join("Cargo.toml"), &workspace);
    // Same dependency versions as the repository, and no registry access needed.
    let lock = std::fs::read_to_string(manifest_dir().join("../Cargo.lock")).expect("the workspace Cargo.lock");
    write_if_changed(&root.join("Cargo.lock"), &lock);
    let generated_in = started.elapsed();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--workspace", "--all-targets", "--keep-going", "--message-format", "short"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo check");
    let text = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
    let problems = diagnostics_by_member(&text, &members);
    eprintln!(
        "generality: {} specs generated in {:.1}s, checked in {:.1}s",
        members.len(),
        generated_in.as_secs_f64(),
        started.elapsed().as_secs_f64() - generated_in.as_secs_f64()
    );
    if !output.status.success() || !problems.is_empty() {
        let mut report = String::new();
        for (member, lines) in &problems {
            let _ = writeln!(report, "\n== {member}: {} diagnostics", lines.len());
            for line in lines {
                let _ = writeln!(report, "  {line}");
            }
        }
        panic!(
            "generated crates do not compile cleanly ({}; {} failing of {}: {:?})\n{report}\n\
             full output:\n{text}\n(the crates are in {})",
            output.status,
            problems.len(),
            members.len(),
            problems.keys().collect::<Vec<_>>(),
            root.display()
        );
    }
}

fn write_if_changed(path: &PathBuf, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

// ---- shapes of a few constructs ----

fn operation<'a>(api: &'a Api, method: &str, path: &str) -> (&'a codegen::ir::Group, &'a codegen::ir::Operation) {
    api.groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .find(|(_, op)| op.method == method && op.path == path)
        .unwrap_or_else(|| panic!("no operation {method} {path}"))
}

fn client_file<'a>(generated: &'a Generated, group: &codegen::ir::Group) -> &'a str {
    let path = format!("src/client/{}.rs", group.module);
    generated.files.get(&path).unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn security_schemes() {
    let generated = generate_ok("fixture-security.yaml");
    let api = &generated.api;
    let cases: &[(&str, Vec<Security>)] = &[
        ("/global", vec![Security::ApiKeyHeader("X-API-Key".into())]),
        ("/query", vec![Security::ApiKeyQuery("api_key".into())]),
        ("/cookie", vec![Security::ApiKeyCookie("session".into())]),
        ("/basic", vec![Security::Basic]),
        ("/either", vec![Security::Basic, Security::ApiKeyQuery("api_key".into())]),
        ("/oauth", vec![Security::Bearer]),
        ("/oidc", vec![Security::Bearer]),
        ("/bearer", vec![Security::Bearer]),
        ("/public", vec![]),
    ];
    for (path, expected) in cases {
        let (_, op) = operation(api, "GET", path);
        assert_eq!(&op.security, expected, "GET {path}");
    }
    let (_, oauth) = operation(api, "GET", "/oauth");
    assert_eq!(oauth.scopes, ["read", "write"]);
    let (group, _) = operation(api, "GET", "/query");
    let code = client_file(&generated, group);
    assert!(code.contains("SecurityScheme::ApiKeyQuery(\"api_key\")"), "{code}");
    assert!(code.contains("SecurityScheme::ApiKeyCookie(\"session\")"), "{code}");
    assert!(code.contains("SecurityScheme::Basic"), "{code}");
    assert!(code.contains(".security(&[])"), "the public operation sends no credentials:\n{code}");
}

#[test]
fn operations_without_operation_id_tags_and_path_parameters() {
    let generated = generate_ok("fixture-operations.yaml");
    let api = &generated.api;

    // Grouped by the first tag; named from method + path when there is no operationId.
    let (group, list) = operation(api, "GET", "/stores/{storeId}/items");
    assert_eq!(group.path, ["items"]);
    assert_eq!(list.name, "get_stores_store_id_items");
    assert_eq!(list.operation_id, "GET /stores/{storeId}/items");
    let (group, put) = operation(api, "PUT", "/stores/{storeId}/items/{item-id}");
    assert_eq!(group.path, ["default"], "untagged operations land in `default`");
    assert_eq!(put.name, "put_stores_store_id_items_item_id");

    // `getHealth` and `GET /health/` convert to the same name: both kept, distinct.
    let (_, health) = operation(api, "GET", "/health");
    let (_, health2) = operation(api, "GET", "/health/");
    assert_eq!(health.name, "get_health");
    assert_ne!(health.name, health2.name);
    for group in &api.groups {
        let names: BTreeSet<&str> = group.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names.len(), group.operations.len(), "duplicate method names in {:?}", group.path);
    }

    // Path-level parameters apply to every operation; an operation's own one overrides.
    let wires: Vec<(&str, bool)> = list.params.iter().map(|p| (p.wire_name.as_str(), p.required)).collect();
    assert_eq!(
        wires,
        [("storeId", true), ("X-Trace-Id", false), ("locale", true), ("filter", false), ("limit", false)]
    );
    let wires: Vec<&str> = put.params.iter().map(|p| p.wire_name.as_str()).collect();
    assert_eq!(wires, ["storeId", "item-id"]);
}

/// A valid Rust identifier, spelled as the emitter spells it (raw for keywords).
fn assert_ident(name: &str, what: &str) {
    let ident = codegen::names::ident(name).to_string();
    assert!(syn::parse_str::<syn::Ident>(&ident).is_ok(), "{what}: `{ident}` is not an identifier");
}

#[test]
fn hostile_names_are_valid_distinct_and_deterministic() {
    let generated = generate_ok("fixture-hostile-names.yaml");
    let api = &generated.api;

    let mut type_names = BTreeSet::new();
    let mut modules = BTreeSet::new();
    for def in &api.types {
        assert_ident(&def.name, "type name");
        assert!(type_names.insert(def.name.clone()), "type name `{}` used twice", def.name);
        assert!(modules.insert(def.module.clone()), "model module `{}` used twice", def.module);
        assert!(
            !codegen::names::RESERVED_TYPE_NAMES.contains(&def.name.as_str()),
            "type `{}` shadows a name the generated code uses",
            def.name
        );
        let members: Vec<&str> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.name.as_str()).collect(),
            TypeKind::Enum(e) => e.variants.iter().map(|v| v.name.as_str()).chain([e.unknown.as_str()]).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| v.name.as_str()).chain([u.unknown.as_str()]).collect(),
            TypeKind::Alias(_) => Vec::new(),
        };
        let distinct: BTreeSet<&str> = members.iter().copied().collect();
        assert_eq!(distinct.len(), members.len(), "`{}` has duplicate member names: {members:?}", def.name);
        for member in members {
            assert_ident(member, &format!("member of {}", def.name));
        }
    }
    // Every property of the keyword-named schema survives, under distinct names.
    let ty = api.types.iter().find(|d| d.pointer == "/components/schemas/type").expect("schema `type`");
    let TypeKind::Struct(s) = &ty.kind else { panic!("`type` is a struct") };
    assert_eq!(s.fields.len(), 33, "{:?}", s.fields.iter().map(|f| &f.json_name).collect::<Vec<_>>());

    for group in &api.groups {
        assert_ident(&group.type_name, "group type");
        let names: BTreeSet<&str> = group.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names.len(), group.operations.len(), "duplicate method names in {:?}", group.path);
        for op in &group.operations {
            assert_ident(&op.name, "method");
            assert_ident(&op.builder, "builder");
            let params: BTreeSet<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(params.len(), op.params.len(), "duplicate parameter names in {}", op.operation_id);
            for p in &op.params {
                assert_ident(&p.name, "parameter");
            }
        }
    }
    // Deterministic: a second run writes the same files.
    let again = generate_ok("fixture-hostile-names.yaml");
    assert!(generated.files == again.files, "two runs on the same spec differ");
}
