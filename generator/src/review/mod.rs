//! Review tooling: the public Rust API a spec turns into, as text, and what changes in it
//! between two specs.
//!
//! - [`surface`] lists every client method and model of a generated crate, one line per
//!   method, setter, field, enum value and union arm (snapshotted for the pinned Polar spec,
//!   so a generator change that alters the API shows up in review as a plain-text diff).
//! - [`diff`] compares two generated APIs and rates each change for a Rust user (see
//!   [`diff::RULES`]); [`Report::to_markdown`] is what `cargo xtask diff-spec OLD NEW` prints.

pub mod diff;
pub mod surface;

pub use diff::{diff, Bump, Caveat, Change, ChangeKind, Impact, Report, Section};
pub use surface::Surface;

/// The API surface of a generated crate as compact, deterministic text.
pub fn surface(api: &crate::ir::Api) -> String {
    Surface::of(api).render()
}
