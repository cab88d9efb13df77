//! `cargo xtask check-features`: `cargo check` of the client with default features off
//! and each feature alone (and none; the runtime's TLS backends alone and together, tracing,
//! and the axum extractor), failing on any error or warning in the client. The gates come
//! from reachability in the IR; this proves them on the real compiler.

use std::process::{Command, Stdio};
use std::time::Instant;

/// Feature sets of the runtime (generator/runtime/features.toml), checked like the groups.
const RUNTIME_SETS: &[&str] = &["rustls", "native-tls", "rustls,native-tls", "tracing", "axum", "axum,webhook-events"];

pub fn run(root: &std::path::Path) -> Result<(), String> {
    let bytes = codegen::polar::pinned_spec(root)?;
    let generated = codegen::generate(codegen::polar::PINNED_SPEC, &bytes, &codegen::polar::options())
        .map_err(|e| e.to_string())?;
    let mut sets: Vec<String> = vec![String::new()];
    sets.extend(generated.api.features.all().into_iter().map(str::to_owned));
    // The runtime's features: each TLS backend alone and both (native-tls wins), tracing,
    // and the axum extractor alone and with the events it usually decodes.
    sets.extend(RUNTIME_SETS.iter().map(|f| (*f).to_owned()));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failures = Vec::new();
    for features in &sets {
        let started = Instant::now();
        let out = Command::new(&cargo)
            .args(["check", "--quiet", "-p", "polar-sh-sdk", "--no-default-features", "--message-format", "short"])
            .args(["--features", features])
            .current_dir(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cargo: {e}"))?;
        let text = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
        let problems: Vec<&str> =
            text.lines().filter(|l| l.starts_with("generated-client/") || l.starts_with("error")).collect();
        let shown = if features.is_empty() { "(none)" } else { features };
        println!(
            "{shown:<20} {:>5.1} s  {}",
            started.elapsed().as_secs_f64(),
            if problems.is_empty() && out.status.success() { "ok" } else { "FAILED" }
        );
        if !problems.is_empty() || !out.status.success() {
            failures.push(format!(
                "--features {shown}:\n{}",
                if problems.is_empty() { text.clone() } else { problems.join("\n") }
            ));
        }
    }
    if failures.is_empty() {
        println!(
            "polar-sh-sdk checks warning-free with none of its features, each group feature alone, and the runtime's {:?}",
            RUNTIME_SETS
        );
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}
