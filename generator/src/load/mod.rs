//! Stage 1: turn the bytes of a spec file into a JSON value.
//!
//! [`parse`] accepts JSON or YAML, checks that the text is an OpenAPI 3.0.x or 3.1.x
//! document and keeps the original text around so that later stages can point at a line
//! ([`line_of`]) when they refuse something.
//!
//! This module holds the [`Document`], [`parse`] with its refusals (encoding, emptiness,
//! malformed JSON, the header and version checks) and format detection; `yaml` converts
//! YAML to JSON, and `lines` maps a JSON pointer back to a line of the text.

mod lines;
mod yaml;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::SpecError;
use yaml::parse_yaml;

pub use lines::{line_of, nearest_line, pointer_tokens};

/// The syntax a spec was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Yaml,
}

/// A parsed spec file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The display name the caller gave (used in every error and warning).
    pub file: String,
    pub format: Format,
    /// The text of the file (a leading byte-order mark removed).
    pub text: String,
    /// The document as JSON. YAML is converted: non-string keys become strings, merge
    /// keys (`<<`) are applied, tags are dropped.
    pub value: Value,
    /// Lowercase hex SHA-256 of the raw bytes.
    pub sha256: String,
}

impl Document {
    /// The `openapi` version string (present and supported, or `parse` would have failed).
    pub fn openapi_version(&self) -> &str {
        self.value.get("openapi").and_then(Value::as_str).unwrap_or("")
    }

    /// True for a 3.1.x document.
    pub fn is_3_1(&self) -> bool {
        self.openapi_version().starts_with("3.1")
    }
}

const SWAGGER_HINT: &str = "convert it to OpenAPI 3 first, e.g. `npx swagger2openapi spec.json -o openapi.json`";

/// Parses bytes as JSON or YAML (by extension .json/.yaml/.yml, else sniff: first
/// non-space char '{' => JSON).
///
/// Refuses non-UTF-8, empty input, malformed JSON/YAML (with the line the parser
/// reported), a root that is not an object, Swagger 2.0, a missing `openapi` field and
/// versions other than 3.0.x / 3.1.x.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Document, SpecError> {
    let sha256 = hex(&Sha256::digest(bytes));

    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(SpecError::new(file, "", format!("the file is not valid UTF-8 (invalid byte at offset {at})"))
                .with_line(Some(line))
                .with_hint("OpenAPI documents must be UTF-8 encoded; re-save the file as UTF-8"));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    if text.trim().is_empty() {
        return Err(SpecError::new(file, "", "the file is empty")
            .with_hint("pass an OpenAPI 3.0 or 3.1 document (JSON or YAML)"));
    }

    let format = detect_format(file, text);
    let value = match format {
        Format::Json => parse_json(file, text)?,
        Format::Yaml => parse_yaml(file, text)?,
    };

    let doc = Document { file: file.to_string(), format, text: text.to_string(), value, sha256 };
    check_header(&doc)?;
    Ok(doc)
}

fn detect_format(file: &str, text: &str) -> Format {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".json") {
        Format::Json
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Format::Yaml
    } else if text.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    }
}

fn parse_json(file: &str, text: &str) -> Result<Value, SpecError> {
    serde_json::from_str::<Value>(text).map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; the line goes into its own field.
        let message = match full.rfind(" at line ") {
            Some(i) if e.line() > 0 => full[..i].to_string(),
            _ => full,
        };
        let line = if e.line() > 0 { Some(e.line()) } else { None };
        let column = if e.line() > 0 { format!(" (column {})", e.column()) } else { String::new() };
        SpecError::new(file, "", format!("malformed JSON: {message}{column}"))
            .with_line(line)
            .with_hint("fix the JSON syntax; a validator such as `jq . file.json` shows the same position")
    })
}

fn check_header(doc: &Document) -> Result<(), SpecError> {
    let err = |pointer: &str, message: String, hint: &str| {
        SpecError::new(&doc.file, pointer, message).with_hint(hint).with_line(nearest_line(doc, pointer))
    };
    let root = match &doc.value {
        Value::Object(map) => map,
        other => {
            return Err(err(
                "",
                format!("the document root is {}, not an object", json_kind(other)),
                "an OpenAPI document is an object starting with e.g. `openapi: 3.1.0`",
            ))
        }
    };
    if let Some(swagger) = root.get("swagger") {
        let version = swagger.as_str().map(str::to_string).unwrap_or_else(|| swagger.to_string());
        return Err(err(
            "/swagger",
            format!("this is a Swagger {version} document; only OpenAPI 3.0.x and 3.1.x are supported"),
            SWAGGER_HINT,
        ));
    }
    let Some(version) = root.get("openapi") else {
        return Err(err(
            "",
            "the `openapi` field is missing, so this is not an OpenAPI document".to_string(),
            "an OpenAPI 3 document starts with e.g. `openapi: 3.1.0`",
        ));
    };
    let Some(version) = version.as_str() else {
        return Err(err(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.1.0\", found {}", json_kind(version)),
            "quote the version: `openapi: \"3.1.0\"` (in YAML an unquoted 3.1 is a number)",
        ));
    };
    if !is_supported_version(version) {
        return Err(err(
            "/openapi",
            format!("unsupported OpenAPI version `{version}`; only 3.0.x and 3.1.x are supported"),
            if version.starts_with('2') { SWAGGER_HINT } else { "use an OpenAPI 3.0.x or 3.1.x document" },
        ));
    }
    Ok(())
}

/// `3.0.N` or `3.1.N`, optionally followed by a pre-release/build suffix (`3.0.0-rc2`).
fn is_supported_version(version: &str) -> bool {
    let rest = match version.strip_prefix("3.0.").or_else(|| version.strip_prefix("3.1.")) {
        Some(rest) => rest,
        None => return false,
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(rest.as_bytes().get(digits), None | Some(b'-') | Some(b'+'))
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
