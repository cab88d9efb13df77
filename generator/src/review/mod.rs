//! Review tooling: the public Rust API a spec turns into, as text, and what changes in it
//! between two specs.
//!
//! - [`surface`] lists every client method and model of a generated crate, one line per
//!   method, setter, field, enum value and union arm (snapshotted for the pinned Polar spec,
//!   so a generator change that alters the API shows up in review as a plain-text diff).
//! - [`diff`] compares two generated APIs and rates each change for a Rust user (see
//!   [`diff::RULES`]); [`Report::to_markdown`] is what `cargo xtask diff-spec OLD NEW` prints.
//! - [`versions`] describes the versions of a crate of several API versions, what they
//!   share, and what changes from each to the next (`generated-client/API_VERSIONS.md`).

pub mod diff;
pub mod surface;

pub use diff::{diff, Bump, Caveat, Change, ChangeKind, Impact, Report, Section};
pub use surface::Surface;

/// The API surface of a generated crate as compact, deterministic text.
pub fn surface(api: &crate::ir::Api) -> String {
    Surface::of(api).render()
}

/// A crate of several API versions (oldest first) in Markdown: each version's module and
/// feature, what the versions share, and, for each version and the next, the Rust API
/// changes an application meets when it moves from one to the other ([`diff`]).
pub fn versions(versions: &[crate::ir::Api], shared: &crate::share::Shared) -> String {
    use std::fmt::Write as _;
    let Some(newest) = versions.last() else { return String::new() };
    let mut out = format!("# API versions of `{}`\n\n", newest.lib_name);
    let _ = writeln!(
        out,
        "Each version of the {} is a module with its own client handle, which sends that version \
         in every request; the newest is the default (the crate root re-exports it). Turn versions \
         on with their cargo feature. Types, groups of operations and error bodies that the \
         generator emits alike in several versions are one Rust item, re-exported by each.\n",
        newest.title
    );
    out.push_str("| version | module | cargo feature | types (shared) | groups (shared) |\n|---|---|---|---:|---:|\n");
    for (index, api) in versions.iter().enumerate() {
        let Some(module) = &api.version_module else { continue };
        let default = if index + 1 == versions.len() { " (default)" } else { "" };
        let shared_types = api.types.iter().filter(|t| shared.has_type(&t.name, index)).count();
        let shared_groups = api.groups.iter().filter(|g| shared.has_group(&g.module, index)).count();
        let _ = writeln!(
            out,
            "| `{}`{default} | `{}::{}` | `{}` | {} ({shared_types}) | {} ({shared_groups}) |",
            api.version,
            api.lib_name,
            module.name,
            module.feature,
            api.types.len(),
            api.groups.len()
        );
    }
    let _ = writeln!(
        out,
        "\nError bodies (`ApiErrorBody`): {}.",
        if shared.errors { "the same in every version (one type)" } else { "each version has its own" }
    );
    for pair in versions.windows(2) {
        let [old, new] = pair else { continue };
        let _ = writeln!(out, "\n## What changes when you move from {} to {}\n", old.version, new.version);
        let report = diff(old, new).to_markdown();
        // The report's own title is this section's heading; its headings go one level down.
        let body = report.split_once('\n').map_or("", |(_, rest)| rest);
        for line in body.trim_start().lines() {
            if line.starts_with('#') {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
