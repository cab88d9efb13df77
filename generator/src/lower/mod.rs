//! Stage 2: check references, lower OpenAPI 3.1 constructs into the 3.0 shape that
//! `openapiv3` models, deserialize, and report anything the model dropped.
//!
//! Lowering works on a copy of the document's JSON value and only touches Schema
//! objects (wherever they appear) plus a handful of root-level 3.1 fields:
//!
//! * `anyOf`/`oneOf` with `{type: "null"}` alternatives → `nullable: true` (a single
//!   remaining inline alternative is merged into the parent, a single `$ref` becomes
//!   `allOf: [{$ref}]`);
//! * `type: [X, "null"]` → `type: X, nullable: true`; several types → `anyOf` of one
//!   schema per type; `type: "null"` → `{nullable: true, enum: [null], x-null: true}`;
//! * numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` + `true`;
//! * `const` → `enum: [v]` + `x-const`; schema `examples` → `example` + `x-examples`;
//! * `prefixItems`, `propertyNames`, `patternProperties`, `contentMediaType`,
//!   `contentEncoding` → `x-…` extensions (the content keywords also set `format`);
//! * `$ref` with siblings → `allOf: [{$ref}]` + siblings; integral float bounds on
//!   integer schemas → integers; boolean schemas → `{}` / `{not: {}}`;
//! * root `webhooks` → `x-webhooks`, `components.pathItems` → `components.x-path-items`,
//!   `info.summary`, `license.identifier`, `jsonSchemaDialect` → `x-…`; `paths: {}` added
//!   when absent, and `responses: {}` on 3.1 operations without one.
//!
//! With `lenient` ([`lower_with`]), dangling references are repaired first instead of
//! refused ([`repair_refs`]), each repair a warning.
//!
//! Everything else is left alone; the drop check (serialize the `openapiv3` model back
//! and compare) reports what the 3.0 model could not hold.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{escape_pointer_token, SpecError, Warning};
use crate::load::Document;

mod checks;
mod deserialize;
mod drop_check;
mod extensions;
mod pointer_refs;
mod refs;
mod rewrite;
mod security;
mod shape;

use checks::post_lowering_checks;
use deserialize::{deserialize_error, deserialize_root, guarded};
use refs::check_refs;
pub use refs::repair_refs;
use rewrite::lower_root;
use shape::Kind;

/// The result of [`lower`].
#[derive(Debug, Clone)]
pub struct Lowered {
    pub openapi: OpenAPI,
    /// Sorted, deduplicated. Pointers name the node in the original document where a
    /// container was only renamed (`/webhooks/…`, see [`original_pointer`]); inside a
    /// restructured schema they point into the lowered value.
    pub warnings: Vec<Warning>,
    /// The lowered JSON the model was deserialized from (root `x-webhooks` and
    /// `components.x-path-items` hold 3.1 path items; deserialize them as
    /// `openapiv3::ReferenceOr<openapiv3::PathItem>` — `lower` has checked that they do).
    pub value: Value,
}

/// Checks every `$ref` resolves, lowers 3.1 constructs into the 3.0 shape, deserializes
/// into `openapiv3::OpenAPI` and reports anything the 3.0 model dropped.
pub fn lower(doc: &Document) -> Result<Lowered, SpecError> {
    lower_with(doc, false)
}

/// [`lower`], and with `lenient` it first repairs references instead of refusing them
/// (see [`repair_refs`]); every repair is a warning naming the `$ref`'s pointer.
pub fn lower_with(doc: &Document, lenient: bool) -> Result<Lowered, SpecError> {
    let mut repairs = Vec::new();
    let stripped = extensions::skip_extension_keys(doc, &mut repairs);
    let doc = stripped.as_ref().unwrap_or(doc);
    let secured = security::check_security(doc, lenient, &mut repairs)?;
    let doc = secured.as_ref().unwrap_or(doc);
    let repaired;
    let doc = if lenient {
        // A removed entry can leave references to it dangling: repeat (a few rounds).
        let mut current = repair_refs(doc, &mut repairs);
        for _ in 0..8 {
            let before = repairs.len();
            current = repair_refs(&current, &mut repairs);
            if repairs.len() == before {
                break;
            }
        }
        repaired = current;
        &repaired
    } else {
        doc
    };
    // After the lenient repairs (which may hoist `$defs` themselves), before any check.
    let hoisted = pointer_refs::hoist_schema_refs(doc)?;
    let doc = hoisted.as_ref().unwrap_or(doc);
    let mut lowered = lower_checked(doc)?;
    if !repairs.is_empty() {
        lowered.warnings.extend(repairs);
        lowered.warnings.sort();
        lowered.warnings.dedup();
    }
    Ok(lowered)
}

fn lower_checked(doc: &Document) -> Result<Lowered, SpecError> {
    check_refs(doc)?;

    let renames = Renames::of(&doc.value);
    let mut value = doc.value.clone();
    lower_root(&mut value, renames);

    let mut warnings = BTreeSet::new();
    post_lowering_checks(&value, renames, &mut warnings);

    let openapi = deserialize_root(doc, &value)?;
    let mut pointer = String::new();
    drop_check::check(&openapi, &value, &mut pointer, &mut warnings).map_err(|e| {
        SpecError::new(&doc.file, "", format!("internal error: cannot serialize the OpenAPI model: {e}"))
    })?;
    // Root `x-webhooks` / `components.x-path-items` are extensions to openapiv3, so the
    // model keeps them as raw JSON: check them as path items here.
    for (ptr, item) in renames.path_items_in(&value) {
        let typed = match guarded(|| openapiv3::ReferenceOr::<openapiv3::PathItem>::deserialize(item)) {
            Some(Ok(typed)) => typed,
            _ => return Err(deserialize_error(doc, Kind::PathItem, item, &ptr)),
        };
        let mut p = ptr.clone();
        drop_check::check(&typed, item, &mut p, &mut warnings).map_err(|e| {
            SpecError::new(&doc.file, &ptr, format!("internal error: cannot serialize the OpenAPI model: {e}"))
        })?;
    }

    let warnings = warnings
        .into_iter()
        .map(|w| Warning { pointer: original_pointer(doc, &w.pointer), message: w.message })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(Lowered { openapi, warnings, value })
}

/// Maps a pointer into the lowered document back to the original document where the
/// lowering renamed a container (`/x-webhooks/…` → `/webhooks/…`, and so on). Pointers
/// into restructured schemas are returned unchanged.
pub fn original_pointer(doc: &Document, pointer: &str) -> String {
    const RENAMES: &[(&str, &str)] = &[
        ("/x-webhooks", "/webhooks"),
        ("/components/x-path-items", "/components/pathItems"),
        ("/x-json-schema-dialect", "/jsonSchemaDialect"),
        ("/info/x-summary", "/info/summary"),
        ("/info/license/x-identifier", "/info/license/identifier"),
    ];
    for (lowered, original) in RENAMES {
        if let Some(rest) = pointer.strip_prefix(lowered) {
            if (rest.is_empty() || rest.starts_with('/')) && doc.value.pointer(original).is_some() {
                return format!("{original}{rest}");
            }
        }
    }
    pointer.to_string()
}

/// Which 3.1 containers lowering moves to extensions (only when the extension name is
/// free; a 3.0 document's own `x-webhooks` extension is left alone).
#[derive(Debug, Clone, Copy)]
struct Renames {
    webhooks: bool,
    path_items: bool,
    /// OpenAPI 3.1 made an operation's `responses` optional (3.1.0 §4.8.10); the 3.0 model
    /// requires it, so lowering adds an empty one (the operation returns the raw response).
    optional_responses: bool,
}

impl Renames {
    fn of(root: &Value) -> Self {
        let has = |p: &str| root.pointer(p).is_some();
        Renames {
            webhooks: has("/webhooks") && !has("/x-webhooks"),
            path_items: has("/components/pathItems") && !has("/components/x-path-items"),
            optional_responses: root.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1")),
        }
    }

    /// The path items lowering moved into extensions, with their (lowered) pointers.
    fn path_items_in(self, lowered: &Value) -> Vec<(String, &Value)> {
        let mut out = Vec::new();
        let mut add = |container: &str, enabled: bool| {
            if let (true, Some(Value::Object(items))) = (enabled, lowered.pointer(container)) {
                for (name, item) in items {
                    out.push((format!("{container}/{}", escape_pointer_token(name)), item));
                }
            }
        };
        add("/x-webhooks", self.webhooks);
        add("/components/x-path-items", self.path_items);
        out
    }

    fn rewrite_ref(self, map: &mut Map<String, Value>) {
        if !(self.webhooks || self.path_items) {
            return;
        }
        if let Some(Value::String(r)) = map.get_mut("$ref") {
            let moves = [
                (self.webhooks, "#/webhooks/", "#/x-webhooks/"),
                (self.path_items, "#/components/pathItems/", "#/components/x-path-items/"),
            ];
            for (enabled, from, to) in moves {
                if let (true, Some(rest)) = (enabled, r.strip_prefix(from)) {
                    *r = format!("{to}{rest}");
                    return;
                }
            }
        }
    }
}
