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
//! Then it runs the wire tests (`tests/data/wire/<crate>.<group>.rs`, appended to that
//! group's client file so they can call the builders' private `into_request`): for the
//! fixtures of constructs whose encoding matters, `cargo test --lib wire_tests` checks the
//! query pairs, accept header and bodies of requests built (not sent) by the generated code.
//! That builds the dependencies once more for tests (minutes the first time).
//!
//! Specs in [`LENIENT`] are generated with `Options::lenient`; strict mode refuses them
//! (checked by `lenient_mode_is_opt_in`).
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

/// Specs generated with `Options::lenient` (strict mode refuses them).
const LENIENT: &[&str] = &["fixture-lenient.yaml", "fixture-lenient-security.yaml"];

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
    generate_with(file, LENIENT.contains(&file))
}

fn generate_with(file: &str, lenient: bool) -> Result<Generated, codegen::SpecError> {
    let rel = format!("tests/data/specs/{file}");
    let bytes = std::fs::read(manifest_dir().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let options = codegen::Options { lib_name: Some(stem(file)), lenient, ..codegen::Options::default() };
    codegen::generate(&rel, &bytes, &options)
}

/// The wire tests: (crate, group module, test source), sorted.
fn wire_tests() -> Vec<(String, String, String)> {
    let dir = manifest_dir().join("tests/data/wire");
    let mut out: Vec<(String, String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|path| {
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let (krate, module) = name.split_once('.').unwrap_or_else(|| panic!("{name}.rs: not <crate>.<group>.rs"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (krate.to_owned(), module.to_owned(), text)
        })
        .collect();
    out.sort();
    out
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
    let wire = wire_tests();
    for file in spec_files() {
        if EXPECTED_REFUSALS.iter().any(|(f, _)| *f == file) {
            continue;
        }
        let name = stem(&file);
        let generated = generate_ok(&file);
        let features = codegen::manifest::features_block(&generated.api);
        let mut files = generated.files;
        for (_, module, text) in wire.iter().filter(|(krate, _, _)| *krate == name) {
            let path = format!("src/client/{module}.rs");
            let code = files.get_mut(&path).unwrap_or_else(|| panic!("wire test for {name}: no {path}"));
            code.push_str(text);
        }
        // A member of the workspace below, not a workspace of its own.
        let manifest = codegen::manifest::standalone_manifest(&name, &features).replace("[workspace]\n", "");
        files.insert("Cargo.toml".to_owned(), manifest);
        // Writes only changed files, so cargo's fingerprints stay fresh between runs.
        codegen::write::write(&root.join(&name), &files).unwrap_or_else(|e| panic!("{name}: {e}"));
        members.push(name);
    }
    // Two API versions that really differ (Polar 2025-06 and 2026-10), in one crate with both
    // versions on: the shared module, the version modules and their gates compile
    // warning-free (what they share is checked in `tests/versions.rs`).
    {
        let name = "polar_versions_pair".to_owned();
        let old = std::fs::read(manifest_dir().join("tests/data/review/polar-2025-06.openapi.json")).unwrap();
        let new = codegen::polar::newest_spec(&manifest_dir().join("..")).unwrap();
        let specs = [
            codegen::VersionSpec { file: "polar-2025-06.openapi.json", bytes: &old },
            codegen::VersionSpec { file: codegen::polar::NEWEST_SPEC, bytes: &new },
        ];
        let generated =
            codegen::generate_versions(&specs, &codegen::polar::options()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let apis: Vec<codegen::ir::Api> = generated.versions.iter().map(|v| v.api.clone()).collect();
        let mut features = codegen::manifest::versioned_features_block(&apis)
            .replace("\"rustls\", \"v2026-10\"]", "\"rustls\", \"v0-1-0\", \"v2026-10\"]");
        assert!(features.contains("\"v0-1-0\", \"v2026-10\"]"), "both versions on by default:\n{features}");
        // The profile's extra modules (`metering`, `licensing`, `handlers`) are behind features
        // the checked-in client declares in its hand-written manifest (`metering`) or that
        // every crate has (versions, groups, the runtime's): the missing ones are declared here
        // (off), so that every `cfg` is an expected one.
        let declared = format!("{features}{}", codegen::manifest::RUNTIME_FEATURES);
        let mut missing = BTreeSet::new();
        for name in apis[0].extra_modules.iter().flat_map(codegen::ir::ExtraModule::features) {
            if !declared.lines().any(|line| line.starts_with(&format!("{name} = "))) {
                missing.insert(name);
            }
        }
        assert!(missing.contains("metering"), "{missing:?}");
        for name in missing {
            features.push_str(&format!("{name} = []\n"));
        }
        let mut files = generated.files;
        let manifest = codegen::manifest::standalone_manifest(&name, &features).replace("[workspace]\n", "");
        files.insert("Cargo.toml".to_owned(), manifest);
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
    eprintln!("generality: {} crates compiled warning-free", members.len());

    // The wire tests, in the crates they were appended to.
    let mut wire_crates: Vec<&str> = wire.iter().map(|(krate, _, _)| krate.as_str()).collect();
    wire_crates.dedup();
    for krate in &wire_crates {
        assert!(members.iter().any(|m| m == krate), "wire test for `{krate}`, which no spec generates");
    }
    let mut args = vec!["test", "--offline", "--no-fail-fast", "--lib"];
    for krate in &wire_crates {
        args.extend(["-p", krate]);
    }
    args.push("wire_tests");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(&args)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo test");
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "wire tests failed ({}):\n{text}", output.status);
    let passed: usize = text
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    let expected = wire.iter().map(|(_, _, t)| t.matches("#[test]").count()).sum::<usize>();
    assert_eq!(passed, expected, "every wire test runs:\n{text}");
    eprintln!("generality: {passed} wire tests passed in {} crates", wire_crates.len());
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
            !codegen::names::is_reserved_type_name(&def.name),
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

/// Every type-namespace name a generated file uses without a path (`Option`, `Serialize`,
/// `Client`, a generic `S`), imports or defines at its top level, except the names the IR
/// gives the spec's types, group handles, builders and status enums, must be reserved
/// (`names::reserved_type_names`), or a spec type of that name would shadow it. This is the
/// test that fails when generated code starts using a new name the list does not know.
#[test]
fn unqualified_names_in_generated_code_are_reserved() {
    use syn::visit::Visit;
    #[derive(Default)]
    struct Names(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if path.leading_colon.is_none() {
                if let Some(first) = path.segments.first() {
                    self.0.insert(first.ident.to_string());
                }
            }
            syn::visit::visit_path(self, path);
        }
        fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
            match tree {
                syn::UseTree::Name(n) => {
                    self.0.insert(n.ident.to_string());
                }
                syn::UseTree::Rename(r) => {
                    self.0.insert(r.rename.to_string());
                }
                _ => {}
            }
            syn::visit::visit_use_tree(self, tree);
        }
        fn visit_item(&mut self, item: &'ast syn::Item) {
            let name = match item {
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                syn::Item::Type(i) => Some(&i.ident),
                syn::Item::Trait(i) => Some(&i.ident),
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Static(i) => Some(&i.ident),
                _ => None,
            };
            if let Some(name) = name {
                self.0.insert(name.to_string());
            }
            syn::visit::visit_item(self, item);
        }
    }
    // Each crate: its files and the names its IR plans (every version's, for Polar's).
    let planned_names = |api: &codegen::ir::Api, planned: &mut BTreeSet<String>| {
        planned.extend(api.types.iter().map(|t| t.name.clone()));
        for group in &api.groups {
            planned.insert(group.type_name.clone());
            for op in &group.operations {
                planned.insert(op.builder.clone());
                if let codegen::ir::ResponseKind::ByStatus(r) = &op.response {
                    planned.insert(r.type_name.clone());
                }
            }
        }
        planned.extend(api.client_alias.clone());
        // The router's markers (`webhooks::events::OrderPaid`), named in the IR.
        planned.extend(api.webhooks.iter().map(|w| w.marker.clone()));
        // Defined in `webhooks.rs`, which imports only the payload types (a model of that
        // name, as Polar has, lives beside it).
        planned.insert("WebhookEvent".to_owned());
        planned.insert("WebhookRouter".to_owned());
    };
    let mut crates: Vec<(String, BTreeSet<String>, codegen::write::FileSet)> = spec_files()
        .into_iter()
        .filter_map(|f| generate(&f).ok().map(|g| (f, g)))
        .map(|(file, generated)| {
            let mut planned = BTreeSet::new();
            planned_names(&generated.api, &mut planned);
            (file, planned, generated.files)
        })
        .collect();
    let root = manifest_dir().join("..");
    let polar = codegen::polar::generate(&root).expect("the Polar client");
    let mut planned = BTreeSet::new();
    for version in &polar.versions {
        planned_names(&version.api, &mut planned);
    }
    // The profile's extra modules (`polar::metering`, `polar::licensing`, `polar::handlers`)
    // are hand-written like the runtime, each in a module of its own that names generated
    // items by path (`crate::models::...`).
    let extras: BTreeSet<String> = polar
        .versions
        .iter()
        .flat_map(|version| &version.api.extra_modules)
        .map(|m| format!("src/{}.rs", m.name))
        .collect();
    crates.push(("polar".to_owned(), planned, polar.files));
    let mut unreserved: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, planned, files) in &crates {
        for (path, text) in files {
            if !path.ends_with(".rs") || path.starts_with("src/runtime/") || (file == "polar" && extras.contains(path))
            {
                continue;
            }
            let parsed = syn::parse_file(text).unwrap_or_else(|e| panic!("{file}: {path}: {e}"));
            let mut names = Names::default();
            names.visit_file(&parsed);
            for name in names.0 {
                let uppercase = name.starts_with(|c: char| c.is_ascii_uppercase());
                if uppercase && !planned.contains(&name) && !codegen::names::is_reserved_type_name(&name) {
                    unreserved.entry(name).or_default().insert(format!("{file}: {path}"));
                }
            }
        }
    }
    assert!(unreserved.is_empty(), "names generated code uses but `reserved_type_names` lacks: {unreserved:#?}");
}

#[test]
fn security_requirements_naming_undeclared_schemes() {
    // Strict: refused at the first such requirement, with its pointer and the way out.
    let err = generate_with("fixture-lenient-security.yaml", false).err().expect("refused");
    assert_eq!(err.pointer, "/security/0/apiKey", "{err}");
    assert!(err.message.contains("`apiKey`") && err.message.contains("does not declare"), "{err}");
    assert!(err.hint.as_deref().is_some_and(|h| h.contains("--lenient")), "{err}");
    // Lenient: each such requirement dropped with a warning; the declared ones stay.
    let generated = generate_with("fixture-lenient-security.yaml", true).unwrap_or_else(|e| panic!("{e}"));
    let dropped: Vec<&str> = generated
        .warnings
        .iter()
        .filter(|w| w.message.contains("requirement dropped"))
        .map(|w| w.pointer.as_str())
        .collect();
    assert_eq!(dropped, ["/paths/~1reports/get/security/0", "/security/0"]);
    let api = &generated.api;
    let (_, reports) = operation(api, "GET", "/reports");
    assert_eq!(reports.security, [Security::Bearer]);
    let (_, status) = operation(api, "GET", "/status");
    assert_eq!(status.security, [Security::ApiKeyHeader("X-API-Key".into())]);
}

#[test]
fn extension_keys_in_maps_are_skipped_with_a_warning() {
    let generated = generate_ok("fixture-extensions.yaml");
    let skipped: Vec<&str> = generated
        .warnings
        .iter()
        .filter(|w| w.message.starts_with("extension key"))
        .map(|w| w.pointer.as_str())
        .collect();
    assert_eq!(
        skipped,
        [
            "/paths/x-internal-note",
            "/paths/~1events/get/callbacks/onEvent/x-delivery",
            "/paths/~1events/get/callbacks/x-callbacks-note",
            "/paths/~1events/get/responses/x-cache",
            "/webhooks/x-webhook-note",
        ]
    );
    assert_eq!(generated.api.webhooks.len(), 1);
    assert_eq!(generated.api.groups.iter().map(|g| g.operations.len()).sum::<usize>(), 1);
    // The same in a 3.0 document's `x-webhooks` convention.
    let text = std::fs::read_to_string(manifest_dir().join("tests/data/specs/fixture-extensions.yaml")).unwrap();
    let text = text.replace("openapi: 3.1.0", "openapi: 3.0.3").replace("\nwebhooks:", "\nx-webhooks:");
    let generated =
        codegen::generate("e.yaml", text.as_bytes(), &codegen::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.iter().any(|w| w.pointer == "/x-webhooks/x-webhook-note"), "{:?}", generated.warnings);
    assert_eq!(generated.api.webhooks.len(), 1);
}

#[test]
fn refs_into_other_schemas_share_one_named_type() {
    let generated = generate_ok("fixture-refs.yaml");
    let api = &generated.api;
    let receipt = api.types.iter().find(|d| d.name == "Receipt").expect("Receipt");
    let TypeKind::Struct(s) = &receipt.kind else { panic!("Receipt is a struct") };
    let fields: Vec<(String, String)> = s.fields.iter().map(|f| (f.json_name.clone(), api.ty_name(&f.ty))).collect();
    let expected = [
        ("ship_to", "OrderAddress"),
        ("bill_to", "OrderAddress"),
        ("line", "OrderLinesItem"),
        ("label", "OrderLabelsValue"),
        ("price", "OrderMoney"),
        ("discount", "DiscountedPart0"),
        ("card", "PaymentVariant0"),
        ("chained", "OrderAddress"),
        ("order", "ListOrdersResponse200Item"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    assert_eq!(fields, expected);
    // The owner uses the same type as the referrers: one definition each.
    let order = api.types.iter().find(|d| d.name == "Order").expect("Order");
    let TypeKind::Struct(s) = &order.kind else { panic!("Order is a struct") };
    assert_eq!(api.ty_name(&s.fields[0].ty), "OrderAddress");
    assert_eq!(api.types.iter().filter(|d| d.name.starts_with("OrderAddress")).count(), 1);
    let (_, create) = operation(api, "POST", "/orders");
    assert_eq!(api.ty_name(&create.body.as_ref().expect("a body").ty), "ListOrdersResponse200Item");
    let (_, list) = operation(api, "GET", "/orders");
    assert_eq!(describe_response(api, &list.response), "Vec<ListOrdersResponse200Item>");

    // A pointer that lands on something else than a schema is refused, naming the `$ref`.
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        \
                '200': {description: ok}\ncomponents:\n  schemas:\n    A:\n      properties:\n        \
                b: {$ref: '#/paths/~1a/get/responses/200'}\n";
    let err = codegen::generate("r.yaml", text.as_bytes(), &codegen::Options::default()).err().expect("refused");
    assert_eq!(err.pointer, "/components/schemas/A/properties/b/$ref", "{err}");
    assert!(err.message.contains("is not a schema") && err.message.contains("Response object"), "{err}");
}

// ---- constructs of issue #14 ----

fn warnings_at<'a>(generated: &'a Generated, pointer: &str) -> Vec<&'a str> {
    generated.warnings.iter().filter(|w| w.pointer == pointer).map(|w| w.message.as_str()).collect()
}

#[test]
fn query_parameters_holding_objects() {
    use codegen::ir::QueryEncoding;
    let generated = generate_ok("fixture-query-objects.yaml");
    let api = &generated.api;
    let (group, op) = operation(api, "GET", "/items");
    let encodings: Vec<(&str, QueryEncoding)> =
        op.params.iter().map(|p| (p.wire_name.as_str(), p.encoding.query().expect("a query parameter"))).collect();
    assert_eq!(
        encodings,
        [
            ("metadata_filter", QueryEncoding::DeepObject),
            ("sort", QueryEncoding::DeepObject),
            ("created", QueryEncoding::DeepObject),
            ("tags", QueryEncoding::DeepObject),
            ("match", QueryEncoding::DeepObject),
            ("ids", QueryEncoding::Form),
            ("fields", QueryEncoding::Delimited(',')),
            ("codes", QueryEncoding::Delimited('|')),
            ("words", QueryEncoding::Delimited(' ')),
            ("page", QueryEncoding::Form),
            ("range", QueryEncoding::FormObject),
        ]
    );
    // Each encoding OpenAPI leaves undefined is a warning at its parameter.
    for i in 0..5 {
        let pointer = format!("/paths/~1items/get/parameters/{i}");
        let messages = warnings_at(&generated, &pointer);
        assert_eq!(messages.len(), 1, "{pointer}: {messages:?}");
        assert!(messages[0].contains("bracket notation"), "{pointer}: {messages:?}");
    }
    for i in 5..11 {
        assert!(warnings_at(&generated, &format!("/paths/~1items/get/parameters/{i}")).is_empty());
    }
    // The union with an object arm gets no `QueryValue` (it goes through JSON).
    let code = client_file(&generated, group);
    assert!(!code.contains("impl crate::runtime::QueryValue"), "{code}");
    assert!(!code.contains("request.query(\"metadata_filter\", &self.metadata_filter)"), "{code}");
}

#[test]
fn parameter_styles() {
    use codegen::ir::{ParamEncoding, ParamLocation, ParamStyle, QueryEncoding, StyledEncoding, ValueForm};
    let generated = generate_ok("fixture-styles.yaml");
    let api = &generated.api;
    let styled = |style, explode, value| ParamEncoding::Styled(StyledEncoding { style, explode, value });
    let query = ParamEncoding::Query;
    let cases = [
        ("/path/simple/plain/string/{color}", styled(ParamStyle::Simple, false, ValueForm::Text)),
        ("/path/label/explode/array/{color}", styled(ParamStyle::Label, true, ValueForm::List)),
        ("/path/matrix/plain/object/{color}", styled(ParamStyle::Matrix, false, ValueForm::Serialized)),
        ("/query/form/plain/array", query(QueryEncoding::Delimited(','))),
        ("/query/form/plain/object", query(QueryEncoding::DelimitedObject(','))),
        ("/query/form/explode/object", query(QueryEncoding::FormObject)),
        ("/query/spaceDelimited/plain/object", query(QueryEncoding::DelimitedObject(' '))),
        ("/query/pipeDelimited/plain/array", query(QueryEncoding::Delimited('|'))),
        ("/query/deepObject/explode/object", query(QueryEncoding::DeepObject)),
        ("/header/explode/object", styled(ParamStyle::Simple, true, ValueForm::Serialized)),
        ("/cookie/plain/array", styled(ParamStyle::Form, false, ValueForm::List)),
        ("/cookie/explode/string", styled(ParamStyle::Form, true, ValueForm::Text)),
    ];
    for (path, expected) in cases {
        let (_, op) = operation(api, "GET", path);
        assert_eq!(op.params[0].encoding, expected, "{path}");
    }
    // Defaults: `explode` is true for `form` (query, cookie) only.
    let (_, op) = operation(api, "GET", "/odd/defaults/{color}");
    let found: Vec<(ParamLocation, ParamEncoding)> = op.params.iter().map(|p| (p.location, p.encoding)).collect();
    assert_eq!(
        found,
        [
            (ParamLocation::Path, styled(ParamStyle::Simple, false, ValueForm::List)),
            (ParamLocation::Query, query(QueryEncoding::Form)),
            (ParamLocation::Header, styled(ParamStyle::Simple, false, ValueForm::Serialized)),
            (ParamLocation::Cookie, styled(ParamStyle::Form, true, ValueForm::List)),
            (ParamLocation::Cookie, styled(ParamStyle::Form, true, ValueForm::Serialized)),
        ]
    );
    let (_, op) = operation(api, "GET", "/content/{color}");
    assert!(op.params.iter().all(|p| matches!(
        p.encoding,
        ParamEncoding::Query(QueryEncoding::Json)
            | ParamEncoding::Styled(StyledEncoding { value: ValueForm::Json, .. })
    )));
    // `Accept` is ignored; the invalid header name is kept (a request setting it fails).
    let (_, op) = operation(api, "GET", "/odd/headers");
    let wires: Vec<&str> = op.params.iter().map(|p| p.wire_name.as_str()).collect();
    assert_eq!(wires, ["X Bad Header", "X-Ok"]);
    let warned: Vec<&str> = generated.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        warned,
        [
            "/paths/~1odd~1headers/get/parameters/0",
            "/paths/~1odd~1headers/get/parameters/1",
            "/paths/~1odd~1undefined/get/parameters/0",
            "/paths/~1odd~1undefined/get/parameters/1",
        ]
    );
    // Only string and enum path parameters in `simple` style keep `encode_path_segment`.
    let (group, _) = operation(api, "GET", "/path/simple/plain/string/{color}");
    let code = client_file(&generated, group);
    assert_eq!(code.matches("encode_path_segment(").count(), 2, "{code}");
    assert!(!code.contains("to_string()"), "{code}");
}

#[test]
fn operations_without_responses_return_the_raw_response() {
    use codegen::ir::ResponseKind;
    let generated = generate_ok("fixture-no-responses.yaml");
    let api = &generated.api;
    for (method, path) in [("GET", "/ping"), ("POST", "/events")] {
        let (_, op) = operation(api, method, path);
        assert_eq!(op.response, ResponseKind::Bytes("*/*".to_owned()), "{method} {path}");
        assert!(op.errors.is_empty());
    }
    let (_, listed) = operation(api, "GET", "/events");
    assert!(matches!(listed.response, ResponseKind::Json(_)));
    assert_eq!(warnings_at(&generated, "/paths/~1ping/get").len(), 1);
    // OpenAPI 3.0 still requires `responses`.
    let text = std::fs::read_to_string(manifest_dir().join("tests/data/specs/fixture-no-responses.yaml")).unwrap();
    let err = codegen::generate("t.yaml", text.replace("3.1.0", "3.0.3").as_bytes(), &codegen::Options::default())
        .err()
        .expect("3.0 refuses an operation without responses");
    assert!(err.to_string().contains("responses"), "{err}");
}

#[test]
fn numbers_beyond_64_bits_load_in_yaml_and_json() {
    for file in ["fixture-big-numbers.yaml", "fixture-big-numbers-json.json"] {
        let bytes = std::fs::read(manifest_dir().join("tests/data/specs").join(file)).unwrap();
        let doc = codegen::load::parse(file, &bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        let at = |p: &str| doc.value.pointer(p).unwrap_or_else(|| panic!("{file}: no {p}")).clone();
        let counter = "/components/schemas/Counter/properties";
        assert_eq!(at(&format!("{counter}/value/minimum")).as_f64(), Some(-9.223_372_036_854_776e18), "{file}");
        assert_eq!(at(&format!("{counter}/value/maximum")).as_f64(), Some(1e20), "{file}");
        assert_eq!(at(&format!("{counter}/total/maximum")).as_f64(), Some(1.844_674_407_370_955_2e19), "{file}");
        assert_eq!(at(&format!("{counter}/ratio/minimum")).as_f64(), Some(-3.402_823_669_209_385e38), "{file}");
        assert_eq!(at(&format!("{counter}/ratio/example")).as_f64(), Some(1.234_567_890_123_456_8e29), "{file}");
        // Integers that fit stay exact.
        assert_eq!(at(&format!("{counter}/limit/maximum")).as_u64(), Some(u64::MAX), "{file}");
        assert_eq!(at(&format!("{counter}/limit/example")).as_i64(), Some(42), "{file}");

        let generated = generate_ok(file);
        assert!(generated.warnings.is_empty(), "{file}: {:?}", generated.warnings);
        let counter = generated.api.types.iter().find(|d| d.name == "Counter").expect("Counter");
        let TypeKind::Struct(s) = &counter.kind else { panic!("Counter is a struct") };
        let tys: Vec<String> = s.fields.iter().map(|f| generated.api.ty_name(&f.ty)).collect();
        assert_eq!(tys, ["i64", "i64", "f64", "i64"], "{file}");
    }
    // Other YAML refusals keep serde_yaml's wording (duplicate keys).
    let err = codegen::load::parse("d.yaml", b"openapi: 3.1.0\na: 1\na: 2\n").expect_err("duplicate key");
    assert!(err.message.contains("duplicate entry with key \"a\""), "{err}");
}

#[test]
fn lenient_mode_is_opt_in() {
    for file in LENIENT {
        assert!(generate_with(file, false).is_err(), "{file}: strict mode generates it");
    }
    // Strict (the default) refuses, naming the first dangling reference.
    let err = generate_with("fixture-lenient.yaml", false).err().expect("refused");
    assert_eq!(err.pointer, "/paths/~1orders/get/parameters/0/$ref", "{err}");
    assert!(err.message.contains("does not exist"), "{err}");
    let generated = generate_with("fixture-lenient.yaml", true).unwrap_or_else(|e| panic!("{e}"));
    let repairs: Vec<String> = generated
        .warnings
        .iter()
        .filter(|w| w.message.starts_with("lenient: "))
        .map(|w| format!("{} {}", w.pointer, w.message.split(':').nth(1).unwrap_or_default().trim()))
        .collect();
    assert_eq!(
        repairs,
        [
            "/components/schemas/Order/$defs/Line/properties/parts/items/$ref `$ref` `#/$defs/Line` does not exist at the document root; resolved in the enclosing schema `/components/schemas/Order` and hoisted to `#/components/schemas/Line`",
            "/components/schemas/Order/$defs/Line/properties/ship_to/$ref `$ref` `#/$defs/Address` does not exist at the document root; resolved in the enclosing schema `/components/schemas/Order` and hoisted to `#/components/schemas/Address`",
            "/components/schemas/Order/properties/address/$ref `$ref` `#/$defs/Address` does not exist at the document root; resolved in the enclosing schema `/components/schemas/Order` and hoisted to `#/components/schemas/Address`",
            "/components/schemas/Order/properties/customer/$ref `$ref` target `#/components/schemas/Customer` does not exist in this document",
            "/components/schemas/Order/properties/lines/items/$ref `$ref` `#/$defs/Line` does not exist at the document root; resolved in the enclosing schema `/components/schemas/Order` and hoisted to `#/components/schemas/Line`",
            "/paths/~1orders/get/parameters/0/$ref `$ref` target `#/components/parameters/Missing` does not exist in this document",
            "/paths/~1orders/get/responses/404/$ref `$ref` target `#/components/responses/NotFound` does not exist in this document",
        ]
    );
    let api = &generated.api;
    let names: Vec<&str> = api.types.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Order", "Line", "Address"]);
    let (_, op) = operation(api, "GET", "/orders");
    let wires: Vec<&str> = op.params.iter().map(|p| p.wire_name.as_str()).collect();
    assert_eq!(wires, ["limit"]);

    // Only the `$defs` case: strict names the enclosing schema and the way out.
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      \
                properties:\n        b: {$ref: '#/$defs/B'}\n      $defs:\n        B: {type: string}\n";
    let err = codegen::generate("d.yaml", text.as_bytes(), &codegen::Options::default()).err().expect("refused");
    assert_eq!(err.pointer, "/components/schemas/A/properties/b/$ref");
    assert!(err.message.contains("the enclosing schema `/components/schemas/A` defines it"), "{err}");
    assert!(err.hint.as_deref().is_some_and(|h| h.contains("--lenient")), "{err}");
    let options = codegen::Options { lenient: true, ..codegen::Options::default() };
    let generated = codegen::generate("d.yaml", text.as_bytes(), &options).unwrap_or_else(|e| panic!("{e}"));
    let a = generated.api.types.iter().find(|d| d.name == "A").expect("A");
    let TypeKind::Struct(s) = &a.kind else { panic!("A is a struct") };
    assert_eq!(generated.api.ty_name(&s.fields[0].ty), "B");
    let b = generated.api.types.iter().find(|d| d.name == "B").expect("B, hoisted from A's $defs");
    assert!(matches!(b.kind, TypeKind::Alias(codegen::ir::Ty::String)), "{:?}", b.kind);
}
