//! `cargo xtask code-samples [--check]`: writes the Rust code sample of every operation
//! as an OpenAPI Overlay (`code-samples/polar-rust.overlay.yaml`) and as compiled code
//! (`contract-tests/src/samples.rs`), both from `codegen::samples`.

use std::path::Path;

pub fn run(args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    if let Some(other) = args.iter().find(|a| *a != "--check") {
        return Err(format!("unknown argument `{other}` (code-samples takes only --check)"));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace");
    let apis = codegen::polar::pinned_apis(root)?;
    let files: Vec<(String, String)> = apis.iter().flat_map(codegen::samples::files).collect();
    let count: usize = apis.iter().map(|api| codegen::samples::operation_samples(api).len()).sum();
    let mut stale = Vec::new();
    for (path, contents) in &files {
        let target = root.join(path);
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(contents.as_str()) {
            continue;
        }
        if check {
            stale.push(path.as_str());
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&target, contents).map_err(|e| format!("{path}: {e}"))?;
        println!("wrote {path}");
    }
    if !stale.is_empty() {
        return Err(format!("stale: {}; run `cargo xtask code-samples` and commit the result", stale.join(", ")));
    }
    println!(
        "{count} code samples up to date in {}",
        files.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}
