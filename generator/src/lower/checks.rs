//! Checks on the lowered document: `$ref`s the lowering left dangling, and typed schemas
//! `openapiv3` would read as untyped (both warnings).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::refs::{parse_ref, RefTarget};
use super::shape::{visit, Kind};
use super::Renames;
use crate::error::Warning;

pub(super) fn post_lowering_checks(root: &Value, renames: Renames, warnings: &mut BTreeSet<Warning>) {
    let mut check = |kind: Kind, node: &Value, ptr: &str| {
        let Value::Object(map) = node else { return };
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let RefTarget::Local(target) = parse_ref(reference) {
                if root.pointer(&target).is_none() {
                    warnings.insert(Warning {
                        pointer: format!("{ptr}/$ref"),
                        message: format!("`$ref` target `{reference}` no longer exists after lowering 3.1 constructs"),
                    });
                }
            }
            return;
        }
        if kind == Kind::Schema {
            if let Some(reason) = untyped_reason(map) {
                warnings.insert(Warning { pointer: ptr.to_string(), message: reason });
            }
        }
    };
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut check);
    for (mut pointer, item) in renames.path_items_in(root) {
        visit(Kind::PathItem, item, &mut pointer, &mut check);
    }
}

/// Keywords `openapiv3` reads into `SchemaKind`; any other non-extension keyword is
/// dropped (and reported by the drop check).
const KIND_KEYWORDS: &[&str] = &[
    "type",
    "pattern",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minimum",
    "maximum",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "enum",
    "format",
    "minLength",
    "maxLength",
    "oneOf",
    "allOf",
    "anyOf",
    "not",
];

/// Why `openapiv3` would read this typed schema as `SchemaKind::Any` (its catch-all),
/// or `None` if it gets a precise kind (or has no `type` to lose).
fn untyped_reason(map: &Map<String, Value>) -> Option<String> {
    let t = map.get("type")?.as_str()?;
    let allowed: &[&str] = match t {
        "string" => &["pattern", "enum", "format", "minLength", "maxLength"],
        "number" | "integer" => {
            &["multipleOf", "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "enum", "format"]
        }
        "boolean" => &["enum"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        other => {
            return Some(format!(
                "untyped: `type: {other}` is not an OpenAPI 3.0 type; openapiv3 reads the schema as untyped"
            ))
        }
    };
    let mut foreign: Vec<&str> = Vec::new();
    for (k, v) in map {
        if k != "type" && !v.is_null() && KIND_KEYWORDS.contains(&k.as_str()) && !allowed.contains(&k.as_str()) {
            foreign.push(k);
        }
    }
    if !foreign.is_empty() {
        let list = foreign.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        return Some(format!("untyped: openapiv3 reads this `{t}` schema as untyped because it also has {list}"));
    }
    let enum_ok = |check: fn(&Value) -> bool| match map.get("enum") {
        Some(Value::Array(values)) => values.iter().all(|v| v.is_null() || check(v)),
        _ => true,
    };
    let int_ok = |k: &str| match map.get(k) {
        Some(v) => v.is_null() || v.is_i64(),
        None => true,
    };
    let fits = match t {
        "string" => enum_ok(Value::is_string),
        "number" => enum_ok(Value::is_number),
        "integer" => enum_ok(Value::is_i64) && int_ok("minimum") && int_ok("maximum") && int_ok("multipleOf"),
        "boolean" => enum_ok(Value::is_boolean),
        _ => true,
    };
    if !fits {
        return Some(format!(
            "untyped: openapiv3 reads this `{t}` schema as untyped because its enum values or bounds are not all of type {t}"
        ));
    }
    None
}
