//! Errors and warnings shared by every pipeline stage.
//!
//! A [`SpecError`] always says *where* (file, line when known, JSON pointer) and *what*;
//! a hint says what to do about it. Its `Display` is one line plus an optional hint line.

use std::fmt;

/// A refusal: the input cannot be turned into a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec's display name, as the caller gave it (never made absolute).
    pub file: String,
    /// 1-based line of the offending node, when the loader could find it.
    pub line: Option<usize>,
    /// RFC 6901 JSON pointer of the offending node ("" is the document root).
    pub pointer: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl SpecError {
    pub fn new(file: impl Into<String>, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError { file: file.into(), line: None, pointer: pointer.into(), message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, ": at {pointer}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// Something in the spec the generator could not use fully. Never fatal; reported by
/// `cargo xtask regenerate` and listed in `generated-client/GENERATION_WARNINGS.md`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// JSON pointer of the node concerned.
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// Escapes one JSON-pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
