//! `cargo xtask check-features`: `cargo check` of the client with default features off
//! and each feature alone (and none; each API version alone; each group with the newest
//! version and with every version, since shared items are gated on the versions that need
//! them; the runtime's TLS backends alone and together, tracing, the axum extractor, the
//! webhook router, the blocking client, and the checkout and customer-portal handlers with each
//! of their groups),
//! failing on any error or warning in the client. The gates come from reachability in the
//! IR; this proves them on the real compiler.

use std::process::{Command, Stdio};
use std::time::Instant;

/// Feature sets of the runtime (generator/runtime/features.toml), checked like the groups.
const RUNTIME_SETS: &[&str] = &[
    "rustls",
    "native-tls",
    "rustls,native-tls",
    "tracing",
    "axum",
    "axum,webhook-events",
    "webhook-router",
    "webhook-router,axum,tracing",
    "test-util",
    "blocking",
];

pub fn run(root: &std::path::Path) -> Result<(), String> {
    let apis = codegen::polar::pinned_apis(root)?;
    let versions: Vec<String> =
        apis.iter().filter_map(|api| api.version_module.as_ref().map(|m| m.feature.clone())).collect();
    let newest = versions.last().cloned().unwrap_or_default();
    let groups: std::collections::BTreeSet<&str> = apis.iter().flat_map(|api| api.features.all()).collect();
    let mut sets: Vec<String> = vec![String::new()];
    // Each version alone, then each group feature with each version alone and with all of
    // them (shared items are gated on every version that has them).
    sets.extend(versions.iter().cloned());
    if let Some(oldest) = versions.first().filter(|_| versions.len() > 1) {
        sets.push(format!("{oldest},{}", codegen::ir::features::FULL));
    }
    for group in &groups {
        sets.push(format!("{newest},{group}"));
        if versions.len() > 1 {
            sets.push(format!("{},{group}", versions.join(",")));
        }
    }
    // The runtime's features: each TLS backend alone and both (native-tls wins), tracing,
    // the axum extractor alone and with the events it usually decodes (of the newest
    // version), and the webhook router with the events of the newest and of every version.
    sets.extend(RUNTIME_SETS.iter().map(|f| (*f).to_owned()));
    sets.push(format!("{newest},axum,webhook-events"));
    // The test kit with one group (its builders' `testing::Operation` impls, the error
    // bodies' `Serialize`) and with every version's webhook samples.
    sets.push(format!("{newest},test-util,customers"));
    sets.push(format!("{},test-util,webhook-events", versions.join(",")));
    sets.push(format!("{newest},webhook-router,axum,webhook-events"));
    if versions.len() > 1 {
        sets.push(format!("{},webhook-router,webhook-events", versions.join(",")));
    }
    // The blocking client: the builders' blocking methods (a group with pages and a text
    // stream) and `licensing`'s (customer-portal).
    sets.push(format!("{newest},customers,customer-portal,blocking"));
    // `polar::handlers` (axum): the checkout handler alone, the customer portal alone (each
    // behind its group inside the module), and both.
    sets.push(format!("{newest},axum,checkouts"));
    sets.push(format!("{newest},axum,customer-sessions"));
    sets.push(format!("{newest},axum,checkouts,customer-sessions,webhook-events"));
    // The features of the profile's hand-written modules (`metering`), each alone.
    let extras: std::collections::BTreeSet<String> = apis
        .iter()
        .flat_map(|api| &api.extra_modules)
        .map(|extra| extra.features().join(","))
        .filter(|features| !features.is_empty())
        .collect();
    sets.extend(extras);
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
            "polar-sh-sdk checks warning-free with none of its features, each version alone (the oldest also with \
             every group), each group with the newest version and with all of them, the runtime's {:?} and each \
             extra module's",
            RUNTIME_SETS
        );
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}
