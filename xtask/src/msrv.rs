//! `cargo xtask check-msrv`: the client's declared `rust-version` is at least the
//! `rust-version` of every package it builds with, as the lockfile resolves them.
//!
//! Reads `cargo metadata --format-version 1 --all-features --locked` (every optional
//! dependency, every target platform) and walks the client's normal and build
//! dependencies (dev-dependencies are not built by users). No second toolchain is needed;
//! what it cannot see is our own code using a newer std API, which clippy's
//! `incompatible_msrv` lint (on by default, denied in CI) reports against the same
//! `rust-version`.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const CLIENT: &str = "polar-sh-sdk";

pub fn run(root: &std::path::Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--all-features", "--locked"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo metadata failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    let metadata: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let report = check(&metadata)?;
    for line in &report.highest {
        println!("{line}");
    }
    if report.too_new.is_empty() {
        println!(
            "{CLIENT} declares rust-version {}; all {} packages it builds with (normal and build dependencies, every platform and feature) need at most that",
            report.declared, report.packages
        );
        Ok(())
    } else {
        Err(format!(
            "{CLIENT} declares rust-version {}, but these dependencies in Cargo.lock need a newer Rust:\n  {}\nRaise `rust-version` in the workspace Cargo.toml (and the README), or pin an older version of each (`cargo update -p NAME --precise VERSION`; the workspace's resolver 3 prefers compatible versions on `cargo update`).",
            report.declared,
            report.too_new.join("\n  ")
        ))
    }
}

/// What [`check`] found.
#[derive(Debug)]
struct Report {
    declared: String,
    /// How many packages the client builds with, itself excluded.
    packages: usize,
    /// The packages with the highest `rust-version`, for the log.
    highest: Vec<String>,
    /// `name version: rust-version X` for each package newer than `declared`.
    too_new: Vec<String>,
}

/// A `rust-version` as numbers: "1.85" → [1, 85, 0].
fn parse_version(text: &str) -> Result<[u64; 3], String> {
    let mut parts = [0; 3];
    let mut count = 0;
    for (i, part) in text.split('.').enumerate() {
        let slot = parts.get_mut(i).ok_or_else(|| format!("rust-version `{text}` has more than three parts"))?;
        *slot = part.parse().map_err(|_| format!("rust-version `{text}` is not a version"))?;
        count += 1;
    }
    if count < 2 {
        return Err(format!("rust-version `{text}` needs at least major.minor"));
    }
    Ok(parts)
}

fn check(metadata: &Value) -> Result<Report, String> {
    let packages = metadata["packages"].as_array().ok_or("cargo metadata: no packages")?;
    let by_id: BTreeMap<&str, &Value> = packages.iter().filter_map(|p| Some((p["id"].as_str()?, p))).collect();
    let client =
        packages.iter().find(|p| p["name"] == CLIENT).ok_or_else(|| format!("{CLIENT} is not in the workspace"))?;
    let declared = client["rust_version"].as_str().ok_or_else(|| format!("{CLIENT} declares no rust-version"))?;
    let declared_parsed = parse_version(declared)?;

    let nodes = metadata["resolve"]["nodes"].as_array().ok_or("cargo metadata: no resolve graph")?;
    let deps_of: BTreeMap<&str, &Value> = nodes.iter().filter_map(|n| Some((n["id"].as_str()?, &n["deps"]))).collect();
    let root = client["id"].as_str().ok_or("cargo metadata: package without id")?;
    let mut seen = BTreeSet::new();
    let mut pending = vec![root];
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in deps_of.get(id).and_then(|d| d.as_array()).into_iter().flatten() {
            // `kind` is null for normal dependencies, "build" or "dev" otherwise.
            let built =
                dep["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null() || k["kind"] == "build");
            if let (true, Some(pkg)) = (built, dep["pkg"].as_str()) {
                pending.push(pkg);
            }
        }
    }
    seen.remove(root);

    let mut versions = Vec::new();
    for id in &seen {
        let package = by_id.get(id).ok_or_else(|| format!("cargo metadata: unknown package {id}"))?;
        let Some(rust_version) = package["rust_version"].as_str() else { continue };
        let name =
            format!("{} {}", package["name"].as_str().unwrap_or("?"), package["version"].as_str().unwrap_or("?"));
        versions.push((parse_version(rust_version)?, rust_version.to_owned(), name));
    }
    versions.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
    let highest = versions.iter().take(3).map(|(_, v, name)| format!("{name}: rust-version {v}")).collect();
    let too_new = versions
        .iter()
        .filter(|(v, ..)| *v > declared_parsed)
        .map(|(_, v, name)| format!("{name}: rust-version {v}"))
        .collect();
    Ok(Report { declared: declared.to_owned(), packages: seen.len(), highest, too_new })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A workspace: the client needs a (normal), b (build) and d (dev); a needs c.
    fn metadata(declared: &str, versions: [&str; 4]) -> Value {
        let normal = json!([{ "kind": null }]);
        json!({
            "packages": [
                { "id": "client", "name": CLIENT, "version": "0.1.0", "rust_version": declared },
                { "id": "a", "name": "a", "version": "1.0.0", "rust_version": versions[0] },
                { "id": "b", "name": "b", "version": "1.0.0", "rust_version": versions[1] },
                { "id": "c", "name": "c", "version": "1.0.0", "rust_version": versions[2] },
                { "id": "d", "name": "d", "version": "1.0.0", "rust_version": versions[3] },
                { "id": "e", "name": "e", "version": "1.0.0", "rust_version": null },
            ],
            "resolve": { "nodes": [
                { "id": "client", "deps": [
                    { "pkg": "a", "dep_kinds": normal },
                    { "pkg": "b", "dep_kinds": [{ "kind": "build" }] },
                    { "pkg": "d", "dep_kinds": [{ "kind": "dev" }] },
                ] },
                { "id": "a", "deps": [{ "pkg": "c", "dep_kinds": normal }, { "pkg": "e", "dep_kinds": normal }] },
                { "id": "b", "deps": [] }, { "id": "c", "deps": [] }, { "id": "d", "deps": [] }, { "id": "e", "deps": [] },
            ] },
        })
    }

    #[test]
    fn passes_when_every_built_dependency_is_old_enough() {
        let report = check(&metadata("1.85", ["1.85.0", "1.70", "1.80", "1.99"])).unwrap();
        assert!(report.too_new.is_empty(), "{report:?}");
        assert_eq!(report.packages, 4, "a, b, c, e; the dev-dependency d is not built by users");
        assert_eq!(report.highest[0], "a 1.0.0: rust-version 1.85.0");
    }

    #[test]
    fn fails_on_a_transitive_or_build_dependency_newer_than_declared() {
        let report = check(&metadata("1.85", ["1.80", "1.86", "1.89.1", "1.60"])).unwrap();
        assert_eq!(report.too_new, ["c 1.0.0: rust-version 1.89.1", "b 1.0.0: rust-version 1.86"]);
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(parse_version("1.100").unwrap() > parse_version("1.89.9").unwrap());
        assert_eq!(parse_version("1.85").unwrap(), parse_version("1.85.0").unwrap());
        assert!(parse_version("1").is_err());
        assert!(parse_version("1.x").is_err());
    }
}
