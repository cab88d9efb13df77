//! Maintainer commands. Run `cargo xtask help`.

mod bench;
mod features;
mod fmt;
mod fuzz;
mod msrv;
mod review;
mod samples;

use codegen::{write, Options};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
cargo xtask <command>

commands:
  regenerate [--check]    regenerate generated-client/ from the pinned specs in spec/ (one per API version)
                          (--check: fail with a diff if the checked-in crate is stale)
  generate --spec PATH --out DIR [--crate-name NAME] [--lenient]
                          write a standalone client crate for any OpenAPI 3.0/3.1 spec
                          (--lenient: generate despite dangling `$ref`s and `#/$defs/…` refs
                          to an enclosing schema's `$defs`; each repair is a warning)
  diff-spec OLD NEW       Markdown report of what changes in the generated Rust API
  code-samples [--check]  write every operation's Rust sample: code-samples/polar-rust.overlay.yaml
                          (OpenAPI Overlay) and contract-tests/src/samples.rs (compiled)
  check-features          cargo check of the client with each cargo feature alone (and none):
                          no errors, no warnings
  check-msrv              fail when a dependency of the client in Cargo.lock declares a newer
                          rust-version than the client's (cargo metadata; no second toolchain)
  fmt [--check]           rustfmt the hand-written Rust (generated files are prettyplease's)
  fuzz [CASES]            mutate valid specs CASES times (default 10000) and check the
                          generator never panics or hangs (release build)
  bench [FIGURES] [--runs N]
                          generation time/memory, compile times of the client and of a tiny
                          app using it, each next to its target (see BENCHMARKS.md)
";

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regenerate") => regenerate(args[1..].iter().any(|a| a == "--check")),
        Some("generate") => generate(&args[1..]),
        Some("diff-spec") => review::run(&args[1..]),
        Some("code-samples") => samples::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("check-features") => features::run(&workspace_root()),
        Some("check-msrv") => msrv::run(&workspace_root()),
        Some("fmt") => fmt::run(&workspace_root(), args[1..].iter().any(|a| a == "--check")),
        Some("fuzz") => match args.get(1).map(|n| n.parse::<u64>()) {
            None => fuzz::run(10_000),
            Some(Ok(cases)) => fuzz::run(cases),
            Some(Err(_)) => Err(format!("fuzz takes a number of cases\n\n{USAGE}")),
        },
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn regenerate(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let specs = codegen::polar::PINNED_SPECS.join(", ");
    let started = Instant::now();
    let generated = codegen::polar::generate(&root)?;
    let elapsed = started.elapsed();
    let crate_dir = root.join(codegen::polar::CLIENT_DIR);
    if check {
        let drift = write::check(&crate_dir, &generated.files).map_err(|e| e.to_string())?;
        if drift.is_empty() {
            println!("generated-client/ is up to date with {specs}");
            return Ok(());
        }
        for d in drift.iter().take(20) {
            eprintln!("{d}");
        }
        if drift.len() > 20 {
            eprintln!("... and {} more", drift.len() - 20);
        }
        return Err(format!(
            "generated-client/ is stale ({} files differ from what the generator writes now); run `cargo xtask regenerate` and commit the result",
            drift.len()
        ));
    }
    let (written, removed) = write::write(&crate_dir, &generated.files).map_err(|e| e.to_string())?;
    let lines: usize = generated.files.values().map(|t| t.lines().count()).sum();
    let warnings: usize = generated.versions.iter().map(|v| v.warnings.len()).sum();
    let shared = &generated.shared;
    println!(
        "generated {} files ({lines} lines) from {specs} in {:.0} ms: {written} written, {removed} removed, {warnings} warnings (see generated-client/GENERATION_WARNINGS.md); shared by the versions: {} types, {} groups{}",
        generated.files.len(),
        elapsed.as_secs_f64() * 1000.0,
        shared.types.len(),
        shared.groups.len(),
        if shared.errors { ", the error bodies" } else { "" },
    );
    Ok(())
}

fn generate(args: &[String]) -> Result<(), String> {
    let mut spec = None;
    let mut out = None;
    let mut crate_name = None;
    let mut lenient = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--spec" => spec = Some(value()?),
            "--out" => out = Some(value()?),
            "--crate-name" => crate_name = Some(value()?),
            "--lenient" => lenient = true,
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let (spec, out) = match (spec, out) {
        (Some(spec), Some(out)) => (spec, PathBuf::from(out)),
        _ => return Err(format!("generate needs --spec and --out\n\n{USAGE}")),
    };
    let bytes = std::fs::read(&spec).map_err(|e| format!("{spec}: {e}"))?;
    // Only the file name goes into generated headers: no absolute paths in output.
    let shown = Path::new(&spec).file_name().map_or(spec.clone(), |n| n.to_string_lossy().into_owned());
    let name = match crate_name {
        Some(name) => name,
        None => {
            let doc = codegen::load::parse(&shown, &bytes).map_err(|e| e.to_string())?;
            let title = doc.value.pointer("/info/title").and_then(|t| t.as_str()).unwrap_or("api client");
            codegen::names::snake_name(title).replace('_', "-")
        }
    };
    let options = Options { lib_name: Some(name.replace('-', "_")), lenient, ..Options::default() };
    let generated = codegen::generate(&shown, &bytes, &options).map_err(|e| e.to_string())?;
    for warning in &generated.warnings {
        if warning.message.starts_with("lenient: ") {
            eprintln!("warning: {warning}");
        }
    }
    let features = codegen::manifest::features_block(&generated.api);
    let mut files = generated.files;
    files.insert("Cargo.toml".to_owned(), codegen::manifest::standalone_manifest(&name, &features));
    write::write(&out, &files).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote crate `{name}` ({} files) to {}", files.len(), out.display());
    Ok(())
}
