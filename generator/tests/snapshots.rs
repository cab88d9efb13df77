//! Snapshot tests: one small spec per construct (`tests/data/fixtures/<name>.{yaml,json}`),
//! generated in memory; the IR dump and every generated file except the copied runtime are
//! snapshotted with insta into the top-level `snapshots/` folder as `fixture_<name>.snap`.
//!
//! Review changes with `cargo insta review`, or accept them all with
//! `INSTA_UPDATE=always cargo test -p polar-codegen --test snapshots`.
//!
//! `fixtures_compile` builds the models of every fixture together in one throwaway crate
//! (`cargo check`, offline) and fails on errors and on warnings in generated model code.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Declares [`FIXTURES`] and one snapshot test per fixture (`fixture::<name>`), from one
/// list, so the tests and the orphan check cannot disagree.
macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        /// Every fixture, by file stem; its snapshot is `snapshots/fixture_<name>.snap`.
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];

        mod fixture {
            $(
                #[test]
                fn $name() {
                    super::check_snapshot(stringify!($name));
                }
            )*
        }
    };
}

fixtures!(
    nullable,
    nullable_components,
    patch_tristate,
    tagged_union_discriminator,
    tagged_union_const,
    untagged_union,
    open_enum,
    tuple,
    map,
    map_with_properties,
    recursion,
    name_clashes,
    lowering_31,
    openapi_30,
);

/// Fixtures whose current output is wrong: their snapshots are not accepted, and their
/// tests fail with the reason until the generator is fixed. Then remove the entry, run
/// `INSTA_UPDATE=always cargo test -p polar-codegen --test snapshots` and review the new
/// snapshot.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// Prefix of the snapshots this file owns (other test files use other prefixes).
const SNAPSHOT_PREFIX: &str = "fixture_";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot_dir() -> PathBuf {
    manifest_dir().join("../snapshots")
}

fn snapshot_name(fixture: &str) -> String {
    format!("{SNAPSHOT_PREFIX}{fixture}")
}

/// The fixture's path relative to the crate root (as it appears in generated headers).
fn fixture_file(name: &str) -> String {
    for ext in ["yaml", "yml", "json"] {
        let rel = format!("tests/data/fixtures/{name}.{ext}");
        if manifest_dir().join(&rel).exists() {
            return rel;
        }
    }
    panic!("no fixture tests/data/fixtures/{name}.{{yaml,yml,json}}");
}

fn generate(name: &str) -> codegen::Generated {
    let rel = fixture_file(name);
    let bytes = std::fs::read(manifest_dir().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    codegen::generate(&rel, &bytes, &codegen::Options::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn is_runtime(path: &str) -> bool {
    path.starts_with("src/runtime/")
}

/// The IR dump, then every generated file but the runtime, in path order.
fn render(name: &str) -> String {
    let generated = generate(name);
    let mut out = String::from("// ==== IR ====\n");
    out.push_str(&generated.api.dump_types());
    for (path, text) in generated.files.iter().filter(|(path, _)| !is_runtime(path)) {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("// ==== {path} ====\n"));
        out.push_str(text);
    }
    out
}

fn check_snapshot(name: &str) {
    let text = render(name);
    if let Some((_, reason)) = KNOWN_BUGS.iter().find(|(bug, _)| *bug == name) {
        panic!(
            "fixture `{name}`: known generator bug, snapshot not accepted: {reason}\n\
             (once fixed, remove it from KNOWN_BUGS and accept the snapshot)\n\n{text}"
        );
    }
    insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(snapshot_name(name), text);
    });
}

#[test]
fn no_orphan_snapshots() {
    let expected: Vec<String> = FIXTURES.iter().map(|f| format!("{}.snap", snapshot_name(f))).collect();
    let dir = snapshot_dir();
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let file = entry.expect("directory entry").file_name().to_string_lossy().into_owned();
        if file.starts_with(SNAPSHOT_PREFIX) && file.ends_with(".snap") && !expected.contains(&file) {
            orphans.push(file);
        }
    }
    orphans.sort();
    assert!(
        orphans.is_empty(),
        "snapshots/ holds snapshots no fixture produces (delete them or add the fixture): {orphans:?}"
    );
}

#[test]
fn every_fixture_file_has_a_test() {
    let dir = manifest_dir().join("tests/data/fixtures");
    let mut untested = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if !FIXTURES.contains(&stem.as_str()) {
            untested.push(path.file_name().unwrap_or_default().to_string_lossy().into_owned());
        }
    }
    untested.sort();
    assert!(untested.is_empty(), "fixtures without a snapshot test (add them to `fixtures!`): {untested:?}");
}

/// Items the copied runtime expects at the crate root that this test does not take from
/// a generated `lib.rs` (only models are compiled): stand-ins with the same names.
const ROOT_STANDINS: &str = r#"
/// Stand-in for the generated error-body enum the runtime names (`crate::ApiErrorBody`).
#[derive(Clone, Debug, PartialEq)]
pub enum ApiErrorBody {
    Other(serde_json::Value),
    Unrecognized { path: String, message: String },
}

impl ApiErrorBody {
    pub(crate) fn unrecognized(path: String, message: String) -> Self {
        Self::Unrecognized { path, message }
    }
}
"#;

/// Generates every fixture into one crate, each fixture's models as a module
/// (`crate::<fixture>::models`), the runtime once at `crate::runtime`, and runs
/// `cargo check` on it. Errors fail the test, and so do warnings in generated model files.
#[test]
fn fixtures_compile() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let krate = tmp.join("fixtures-compile");
    // Kept between runs (outside the crate folder, which is rebuilt) so only the first run
    // builds the dependencies.
    let target = tmp.join("fixtures-compile-target");
    let _ = std::fs::remove_dir_all(&krate);
    let write = |rel: &str, text: &str| {
        let path = krate.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    };

    let mut lib = String::from(
        "//! Models of every snapshot fixture, compiled together.\n#![deny(unsafe_code)]\n\n\
         pub mod runtime;\npub use runtime::model::Patch;\n",
    );
    lib.push_str(ROOT_STANDINS);
    let mut runtime_written = false;
    let mut features = std::collections::BTreeSet::new();
    for name in FIXTURES {
        let generated = generate(name);
        features.extend(generated.api.features.all().into_iter().map(str::to_owned));
        for (path, text) in &generated.files {
            if let Some(rest) = path.strip_prefix("src/models/") {
                write(&format!("src/{name}/models/{rest}"), text);
            } else if is_runtime(path) && !runtime_written {
                write(path, text);
            }
        }
        runtime_written = true;
        lib.push_str(&format!("\npub mod {name} {{\n    pub mod models;\n}}\n"));
    }
    write("src/lib.rs", &lib);
    let features: Vec<&str> = features.iter().map(String::as_str).collect();
    let features = codegen::manifest::features_block_for(&features, &[]);
    write("Cargo.toml", &codegen::manifest::standalone_manifest("polar-codegen-fixtures", &features));
    // Same dependency versions as the workspace (and no registry access needed).
    if let Ok(lock) = std::fs::read(manifest_dir().join("../Cargo.lock")) {
        std::fs::write(krate.join("Cargo.lock"), lock).expect("write Cargo.lock");
    }

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--lib", "--message-format", "short"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the fixtures' models do not compile:\n{stderr}");
    // `--message-format short`: one `path:line:col: warning: ...` line per diagnostic.
    let model_warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": warning") && FIXTURES.iter().any(|f| l.starts_with(&format!("src/{f}/"))))
        .collect();
    assert!(model_warnings.is_empty(), "generated models compile with warnings:\n{}", model_warnings.join("\n"));
}
