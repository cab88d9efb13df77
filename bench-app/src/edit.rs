//! The part `cargo xtask bench app` rewrites before each timed build (in its copy).
pub const EDIT: u32 = 0;
