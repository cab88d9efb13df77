//! `cargo xtask check-features`: `cargo check` of the client with default features off
//! and each feature alone (and none; the runtime's TLS backends alone and together, tracing,
//! and the axum extractor), failing on any error or warning in the client. The gates come
//! from reachability in the IR; this proves them on the real compiler.

use std::process::{Command, Stdio};
use std::time::Instant;

/// Feature sets of the runtime (generator/runtime/features.toml), checked like the groups.
const RUNTIME_SETS: &[&str] = &["rustls", "native-tls", "rustls,native-tls", "tracing", "axum", "axum,webhook-events"];

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
    for group in &groups {
        for version in &versions {
            sets.push(format!("{version},{group}"));
        }
        if versions.len() > 1 {
            sets.push(format!("{},{group}", versions.join(",")));
        }
    }
    // The runtime's features: each TLS backend alone and both (native-tls wins), tracing,
    // and the axum extractor alone and with the events it usually decodes (of the newest
    // version).
    sets.extend(RUNTIME_SETS.iter().map(|f| (*f).to_owned()));
    sets.push(format!("{newest},axum,webhook-events"));
    // The features of the profile's hand-written modules (`metering`), each alone.
    let extras: std::collections::BTreeSet<String> =
        apis.iter().flat_map(|api| &api.extra_modules).filter_map(|extra| extra.cfg).filter_map(cfg_features).collect();
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
            "polar-sh-sdk checks warning-free with none of its features, each group feature alone, the runtime's {:?} \
             and each extra module's",
            RUNTIME_SETS
        );
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

/// The features a `cfg` predicate names (`feature = "metering"`), as a `--features` list.
fn cfg_features(cfg: &str) -> Option<String> {
    let names: Vec<&str> = cfg
        .split("feature")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('=')?.trim_start().strip_prefix('"')?.split('"').next())
        .collect();
    (!names.is_empty()).then(|| names.join(","))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cfg_features_reads_feature_names() {
        assert_eq!(super::cfg_features("feature = \"metering\"").as_deref(), Some("metering"));
        assert_eq!(super::cfg_features("all(feature=\"a\", feature = \"b\")").as_deref(), Some("a,b"));
        assert_eq!(super::cfg_features("unix"), None);
    }
}
