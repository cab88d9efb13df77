//! References: `$ref` targets parsed, checked (every local one must resolve) and, in
//! lenient mode, repaired (`repair_refs`).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::deserialize::kind_name;
use super::shape::{push_token, visit, Kind};
use crate::error::{escape_pointer_token, SpecError, Warning};
use crate::load::{nearest_line, Document};

pub(super) enum RefTarget {
    /// A JSON pointer into this document ("" is the root).
    Local(String),
    /// `#name`: a JSON Schema anchor, which the 3.0 model cannot follow.
    Anchor,
    External,
}

pub(super) fn parse_ref(reference: &str) -> RefTarget {
    let Some(fragment) = reference.strip_prefix('#') else { return RefTarget::External };
    let fragment = percent_decode(fragment);
    if fragment.is_empty() || fragment.starts_with('/') {
        RefTarget::Local(fragment)
    } else {
        RefTarget::Anchor
    }
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn check_refs(doc: &Document) -> Result<(), SpecError> {
    let root = &doc.value;
    let mut result = Ok(());
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut |_, node, ptr| {
        if result.is_err() {
            return;
        }
        let Value::Object(map) = node else { return };
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let Err(e) = check_one_ref(doc, reference, ptr, true) {
                result = Err(e);
                return;
            }
        }
        // `$ref`s inside extension values (e.g. `x-pagination: {item: {$ref: …}}`)
        // must resolve too; non-local ones there are left alone.
        for (k, v) in map {
            if k.starts_with("x-") && (v.is_object() || v.is_array()) {
                let mut p = format!("{ptr}/{}", escape_pointer_token(k));
                if let Err(e) = check_refs_in_data(doc, v, &mut p) {
                    result = Err(e);
                    return;
                }
            }
        }
    });
    result
}

fn check_refs_in_data(doc: &Document, v: &Value, pointer: &mut String) -> Result<(), SpecError> {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                check_one_ref(doc, reference, pointer, false)?;
            }
            for (k, child) in map {
                if child.is_object() || child.is_array() {
                    let len = pointer.len();
                    pointer.push('/');
                    push_token(pointer, k);
                    check_refs_in_data(doc, child, pointer)?;
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    let len = pointer.len();
                    pointer.push('/');
                    let _ = write!(pointer, "{i}");
                    check_refs_in_data(doc, child, pointer)?;
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks the `$ref` of the object at `node` (strict: refuse non-local references too).
fn check_one_ref(doc: &Document, reference: &str, node: &str, strict: bool) -> Result<(), SpecError> {
    let err = |message: String, hint: &str| {
        let at = format!("{node}/$ref");
        let line = nearest_line(doc, &at);
        SpecError::new(&doc.file, at, message).with_hint(hint).with_line(line)
    };
    match parse_ref(reference) {
        RefTarget::Local(pointer) => {
            if doc.value.pointer(&pointer).is_none() {
                if let Some(schema) = enclosing_defs(&doc.value, node, &pointer) {
                    return Err(err(
                        format!(
                            "`$ref` target `{reference}` does not exist at the document root (the enclosing schema \
                             `{schema}` defines it, but OpenAPI resolves `#/…` against the document root)"
                        ),
                        "move the definition under /components/schemas, or generate with `--lenient` \
                         (`Options::lenient`) to resolve it in the nearest enclosing schema",
                    ));
                }
                let hint = match missing_component(&pointer) {
                    Some((section, name)) if doc.value.pointer(&format!("/components/{section}/{name}")).is_none() => {
                        format!("define `{name}` under /components/{section}, or fix the reference")
                    }
                    Some((_, name)) => format!("`{name}` exists but has no node at that path: fix the reference"),
                    None => "fix the reference: it must be a JSON pointer to a node of this document".to_string(),
                };
                return Err(err(format!("`$ref` target `{reference}` does not exist in this document"), &hint));
            }
            Ok(())
        }
        RefTarget::Anchor if strict => Err(err(
            format!(
                "`$ref` `{reference}` uses a plain-name fragment (a JSON Schema `$anchor`), which is not supported"
            ),
            "refer to the schema by JSON pointer instead, e.g. `#/components/schemas/Name`",
        )),
        RefTarget::External if strict => Err(err(
            format!("external `$ref` `{reference}` is not supported; only references within this document (`#/…`) are"),
            "bundle the spec into a single file first, e.g. `npx @redocly/cli bundle openapi.yaml -o bundled.yaml`",
        )),
        RefTarget::Anchor | RefTarget::External => Ok(()),
    }
}

/// The nearest schema enclosing `node` (a pointer) that has the `#/$defs/…` target
/// `target` (`/$defs/X…`): JSON Schema documents converted into OpenAPI keep `$defs` in
/// the schema that uses them, while OpenAPI resolves `#/…` against the document root.
/// Returns the pointer of that schema.
fn enclosing_defs(root: &Value, node: &str, target: &str) -> Option<String> {
    if !target.starts_with("/$defs/") {
        return None;
    }
    let mut prefix = node;
    loop {
        if !prefix.is_empty() && root.pointer(&format!("{prefix}{target}")).is_some() {
            return Some(prefix.to_owned());
        }
        let (parent, _) = prefix.rsplit_once('/')?;
        prefix = parent;
    }
}

/// Lenient mode: a copy of `doc` where
/// - a `#/$defs/X` reference that does not resolve at the root but in the nearest
///   enclosing schema's `$defs` is pointed at a copy of that definition hoisted into
///   `components/schemas` (the generator names component schemas only);
/// - any other local `$ref` whose target does not exist is dropped: in a schema the
///   schema becomes untyped (any JSON value), elsewhere (a parameter, response, request
///   body, header, example, ...) the referring entry is removed.
///
/// Every repair is pushed onto `warnings` with the `$ref`'s JSON pointer.
pub fn repair_refs(doc: &Document, warnings: &mut Vec<Warning>) -> Document {
    let root = &doc.value;
    // (node pointer, kind, reference) of every dangling local `$ref`, in document order.
    let mut dangling: Vec<(String, Kind, String)> = Vec::new();
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut |kind, node, ptr| {
        let Value::Object(map) = node else { return };
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let RefTarget::Local(target) = parse_ref(reference) {
                if root.pointer(&target).is_none() {
                    dangling.push((ptr.to_owned(), kind, reference.clone()));
                }
            }
        }
    });
    let mut value = root.clone();
    let mut hoisted: Vec<(String, String)> = Vec::new(); // (definition pointer, component name)
    let mut taken: BTreeSet<String> = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut removals: Vec<String> = Vec::new();
    for (node, kind, reference) in dangling {
        let at = format!("{node}/$ref");
        let RefTarget::Local(target) = parse_ref(&reference) else { continue };
        let defs = enclosing_defs(root, &node, &target);
        // Only `#/$defs/X` itself can become a component; deeper targets are left dangling.
        let defs = defs.filter(|_| target.matches('/').count() == 2);
        if let Some(schema) = defs {
            let definition = format!("{schema}{target}");
            let name = match hoisted.iter().find(|(d, _)| *d == definition) {
                Some((_, name)) => name.clone(),
                None => {
                    let base = target.rsplit('/').next().unwrap_or("Def").replace("~1", "/").replace("~0", "~");
                    let mut name = base.clone();
                    let mut n = 2;
                    while taken.contains(&name) {
                        name = format!("{base}{n}");
                        n += 1;
                    }
                    taken.insert(name.clone());
                    hoisted.push((definition.clone(), name.clone()));
                    name
                }
            };
            let new_ref = format!("#/components/schemas/{}", escape_pointer_token(&name));
            if let Some(Value::Object(map)) = value.pointer_mut(&node) {
                map.insert("$ref".to_owned(), Value::String(new_ref.clone()));
            }
            warnings.push(Warning {
                pointer: at,
                message: format!(
                    "lenient: `$ref` `{reference}` does not exist at the document root; resolved in the \
                     enclosing schema `{schema}` and hoisted to `{new_ref}`"
                ),
            });
        } else if kind == Kind::Schema {
            if let Some(Value::Object(map)) = value.pointer_mut(&node) {
                map.remove("$ref");
            }
            warnings.push(Warning {
                pointer: at,
                message: format!(
                    "lenient: `$ref` target `{reference}` does not exist in this document: the schema is \
                     untyped (any JSON value)"
                ),
            });
        } else {
            warnings.push(Warning {
                pointer: at,
                message: format!(
                    "lenient: `$ref` target `{reference}` does not exist in this document: this {} is left out",
                    kind_name(kind)
                ),
            });
            removals.push(node);
        }
    }
    // Deepest and last first, so earlier list indices stay valid.
    removals.sort_by_key(|node| std::cmp::Reverse(pointer_order(node)));
    for node in removals {
        let Some((parent, token)) = node.rsplit_once('/') else { continue };
        let token = token.replace("~1", "/").replace("~0", "~");
        match value.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&token);
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = token.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            _ => {}
        }
    }
    // Hoisted definitions are copied after the rewrites, so `$ref`s inside them are repaired too.
    let copies: Vec<(String, Value)> =
        hoisted.iter().filter_map(|(d, name)| Some((name.clone(), value.pointer(d)?.clone()))).collect();
    if !copies.is_empty() {
        if let Value::Object(root_map) = &mut value {
            let components = root_map.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(schemas) = schemas {
                    for (name, schema) in copies {
                        schemas.insert(name, schema);
                    }
                }
            }
        }
    }
    Document { value, ..doc.clone() }
}

/// A pointer as tokens, list indices compared as numbers.
fn pointer_order(pointer: &str) -> Vec<(u64, String)> {
    pointer.split('/').map(|t| t.parse::<u64>().map_or((u64::MAX, t.to_owned()), |i| (i, String::new()))).collect()
}

fn missing_component(pointer: &str) -> Option<(String, String)> {
    let rest = pointer.strip_prefix("/components/")?;
    let mut parts = rest.splitn(3, '/');
    let section = parts.next()?.to_string();
    let name = parts.next()?.replace("~1", "/").replace("~0", "~");
    Some((section, name))
}
