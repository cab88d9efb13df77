//! `cargo xtask fmt [--check]`: rustfmt over the hand-written Rust of the workspace.
//!
//! Generated files are left out on purpose: they are printed by prettyplease, and
//! `cargo xtask regenerate --check` / `code-samples --check` already pin them byte for
//! byte. rustfmt would reformat them differently and make those checks fail.

use std::path::Path;
use std::process::Command;

/// Folders whose `.rs` files are all hand-written.
const HAND_WRITTEN: &[&str] = &[
    "generator/src",
    "generator/tests",
    "generator/examples",
    "generator/runtime",
    "runtime-check/src",
    "xtask/src",
    "bench-app/src",
    "contract-tests/tests",
    "generated-client/tests",
    "generated-client/examples",
    "generated-client/benches",
];

/// Single hand-written files inside otherwise generated folders.
const HAND_WRITTEN_FILES: &[&str] = &["contract-tests/src/lib.rs"];

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let mut files = Vec::new();
    for dir in HAND_WRITTEN {
        collect(&root.join(dir), &mut files).map_err(|e| format!("{dir}: {e}"))?;
    }
    files.extend(HAND_WRITTEN_FILES.iter().map(|f| root.join(f)));
    files.sort();
    let mut command = Command::new("rustfmt");
    command.current_dir(root).args(["--edition", "2021", "--config-path", "rustfmt.toml"]);
    if check {
        command.arg("--check");
    }
    let status = command.args(&files).status().map_err(|e| format!("could not run rustfmt: {e}"))?;
    if !status.success() {
        return Err(if check {
            format!("{} hand-written files checked; some are not formatted: run `cargo xtask fmt`", files.len())
        } else {
            "rustfmt failed".to_owned()
        });
    }
    println!("{} hand-written files {}", files.len(), if check { "are formatted" } else { "formatted" });
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}
