//! `cargo xtask fuzz [CASES]`: the long mutation-fuzzing run of the generator.
//!
//! The fuzzer lives in `generator/tests/fuzz.rs` (it needs `serde_json`, `serde_yaml` and
//! `syn`, which the generator already depends on); this runs its ignored `fuzz_full` test in
//! release mode with `FUZZ_CASES` set. `FUZZ_SEED` (passed through) changes the RNG seed.

use std::process::Command;

/// Runs `cases` fuzz cases; `Err` says how many failed (details are in the test output).
pub fn run(cases: u64) -> Result<(), String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().ok_or("xtask lives in the workspace")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args([
            "test",
            "--release",
            "-p",
            "polar-codegen",
            "--test",
            "fuzz",
            "--",
            "--ignored",
            "--exact",
            "fuzz_full",
            "--nocapture",
        ])
        .env("FUZZ_CASES", cases.to_string())
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("fuzzing found problems ({status}); failing inputs are in target/tmp/fuzz-failures/"))
    }
}
