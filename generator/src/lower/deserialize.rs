//! Deserialization into `openapiv3` with precise error positions: on failure, descend to
//! the deepest structural node that does not fit the model and name it.

use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::original_pointer;
use super::shape::{for_each_child, push_token, Kind, Step};
use crate::error::{escape_pointer_token, SpecError};
use crate::load::{nearest_line, Document};

pub(super) fn deserialize_root(doc: &Document, value: &Value) -> Result<OpenAPI, SpecError> {
    match guarded(|| serde_path_to_error::deserialize::<_, OpenAPI>(value)) {
        Some(Ok(openapi)) => Ok(openapi),
        _ => Err(deserialize_error(doc, Kind::Root, value, "")),
    }
}

/// Runs `f`, turning a panic inside the deserializer into `None`.
pub(super) fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Tries `v` as the model type for `kind`; on failure returns the pointer (relative,
/// from serde_path_to_error) and message.
fn try_kind(kind: Kind, v: &Value) -> Result<(), (String, String)> {
    fn attempt<T: DeserializeOwned>(v: &Value) -> Result<(), (String, String)> {
        match guarded(|| serde_path_to_error::deserialize::<_, T>(v)) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err((path_to_pointer(e.path()), e.inner().to_string())),
            None => Err((String::new(), "the OpenAPI model panicked while reading this node".to_string())),
        }
    }
    use openapiv3::ReferenceOr as R;
    match kind {
        Kind::Root => attempt::<OpenAPI>(v),
        Kind::Components => attempt::<openapiv3::Components>(v),
        Kind::PathItem => attempt::<R<openapiv3::PathItem>>(v),
        Kind::Operation => attempt::<openapiv3::Operation>(v),
        Kind::Parameter => attempt::<R<openapiv3::Parameter>>(v),
        Kind::Header => attempt::<R<openapiv3::Header>>(v),
        Kind::RequestBody => attempt::<R<openapiv3::RequestBody>>(v),
        Kind::Response => attempt::<R<openapiv3::Response>>(v),
        Kind::MediaType => attempt::<openapiv3::MediaType>(v),
        Kind::Encoding => attempt::<openapiv3::Encoding>(v),
        Kind::Callback => attempt::<R<openapiv3::Callback>>(v),
        Kind::Example => attempt::<R<openapiv3::Example>>(v),
        Kind::Link => attempt::<R<openapiv3::Link>>(v),
        Kind::SecurityScheme => attempt::<R<openapiv3::SecurityScheme>>(v),
        Kind::Schema => attempt::<R<openapiv3::Schema>>(v),
    }
}

pub(super) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Root => "document",
        Kind::Components => "Components object",
        Kind::PathItem => "Path Item object",
        Kind::Operation => "Operation object",
        Kind::Parameter => "Parameter object",
        Kind::Header => "Header object",
        Kind::RequestBody => "Request Body object",
        Kind::Response => "Response object",
        Kind::MediaType => "Media Type object",
        Kind::Encoding => "Encoding object",
        Kind::Callback => "Callback object",
        Kind::Example => "Example object",
        Kind::Link => "Link object",
        Kind::SecurityScheme => "Security Scheme object",
        Kind::Schema => "Schema object",
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut p = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                p.push('/');
                p.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                p.push('/');
                p.push_str(&escape_pointer_token(key));
            }
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    p
}

/// Finds the deepest structural node under `v` that fails to deserialize and builds the
/// error for it. `openapiv3` buffers most objects (flattened fields, untagged enums), so
/// serde_path_to_error alone stops at the first such object; descending through the
/// document's structure narrows the pointer down.
pub(super) fn deserialize_error(doc: &Document, kind: Kind, v: &Value, pointer: &str) -> SpecError {
    let mut kind = kind;
    let mut node = v;
    let mut pointer = pointer.to_string();
    let (rel, message) = 'descend: loop {
        let mut failing: Option<(Step, &Value, Kind)> = None;
        for_each_child(kind, node, |step, child, child_kind| {
            if failing.is_none() && try_kind(child_kind, child).is_err() {
                failing = Some((step, child, child_kind));
            }
        });
        match failing {
            Some((step, child, child_kind)) => {
                step.push_to(&mut pointer);
                node = child;
                kind = child_kind;
            }
            None => match try_kind(kind, node) {
                Err(e) => break 'descend e,
                Ok(()) => break 'descend (String::new(), "does not fit the OpenAPI 3.0 model".to_string()),
            },
        }
    };
    // Inside an object the model buffers, name the member whose removal makes it fit.
    let rel = match node {
        Value::Object(map) if rel.is_empty() && !map.contains_key("$ref") && map.len() <= 64 => map
            .keys()
            .find(|k| {
                let mut probe = map.clone();
                probe.shift_remove(k.as_str());
                try_kind(kind, &Value::Object(probe)).is_ok()
            })
            .or_else(|| {
                // `unknown variant `x`` names the value, not the member holding it.
                let variant = message.split("unknown variant `").nth(1)?.split('`').next()?;
                map.iter().find(|(_, v)| v.as_str() == Some(variant)).map(|(k, _)| k)
            })
            .map(|k| {
                let mut p = String::from("/");
                push_token(&mut p, k);
                p
            })
            .unwrap_or_default(),
        _ => rel,
    };
    let pointer = format!("{pointer}{rel}");
    let hint = format!(
        "compare this {} with the OpenAPI {} specification (required fields, value types, allowed values)",
        kind_name(kind),
        if doc.is_3_1() { "3.1" } else { "3.0" }
    );
    let original = original_pointer(doc, &pointer);
    let message = plain_model_message(&message);
    SpecError::new(&doc.file, original.clone(), format!("does not fit the OpenAPI 3.0 model: {message}"))
        .with_hint(hint)
        .with_line(nearest_line(doc, &original))
}

/// openapiv3's serde messages name its Rust types; say what the document lacks instead.
fn plain_model_message(message: &str) -> String {
    if message.contains("ParameterSchemaOrContent") {
        return "a parameter needs either `schema` or `content`".to_owned();
    }
    match message.strip_prefix("no variant of enum ").and_then(|rest| rest.split(' ').next()) {
        Some(name) => format!("matches none of the forms a {name} object may take"),
        None => message.to_owned(),
    }
}
