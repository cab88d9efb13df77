//! `$ref`s to schemas anywhere in the document, not only `#/components/schemas/<name>`:
//! `#/components/schemas/A/properties/b`, `…/A/allOf/0`, `…/A/$defs/B`, `…/items`,
//! `…/additionalProperties`, `…/oneOf/1`, or a schema inside a path's response.
//!
//! Each such target is moved to `components/schemas` under a deterministic name made from
//! its owner and its path (`A` + `properties/b` → `AB`, `…/items` → `…Item`, `oneOf/1` →
//! `…Variant1`), its old place becomes a `$ref` to it, and every reference to it (or to a
//! `$ref` chain ending there) points at the new component: all users share one type, named
//! once, and the IR keeps naming component schemas only. Targets nested in other targets
//! move first. A pointer that lands on something other than a schema is refused, naming the
//! `$ref`'s pointer and what it found.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::deserialize::kind_name;
use super::refs::{parse_ref, RefTarget};
use super::shape::{field_shape, visit, Kind, Shape};
use crate::error::{escape_pointer_token, SpecError};
use crate::load::{nearest_line, Document};
use crate::names;

/// A JSON pointer's unescaped tokens (none for a malformed pointer).
fn pointer_tokens(pointer: &str) -> Vec<String> {
    crate::load::pointer_tokens(pointer).unwrap_or_default()
}

/// The kind of node `pointer` lands on, walking the document's shape from the root;
/// `None` when it lands inside something that is not a structural node (an example's
/// value, an extension, a scalar).
fn kind_at(root: &Value, pointer: &str) -> Option<Kind> {
    let tokens = pointer_tokens(pointer);
    let mut kind = Kind::Root;
    let mut node = root;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i].as_str();
        if kind == Kind::Callback {
            node = node.get(token)?;
            kind = Kind::PathItem;
            i += 1;
            continue;
        }
        let shape = if kind == Kind::Root && token == "x-webhooks" {
            Shape::Map(Kind::PathItem)
        } else {
            field_shape(kind, token)?
        };
        let child = node.get(token)?;
        match shape {
            Shape::One(k) => {
                node = child;
                kind = k;
                i += 1;
            }
            Shape::SchemaOrBool => {
                node = child;
                kind = Kind::Schema;
                i += 1;
            }
            Shape::Map(k) | Shape::OpenMap(k) => {
                node = child.get(tokens.get(i + 1)?.as_str())?;
                kind = k;
                i += 2;
            }
            Shape::List(k) => {
                node = child.get(tokens.get(i + 1)?.parse::<usize>().ok()?)?;
                kind = k;
                i += 2;
            }
        }
    }
    Some(kind)
}

/// `#/components/schemas/<name>` exactly: what the IR names.
fn is_component(target: &str) -> bool {
    let tokens = pointer_tokens(target);
    tokens.len() == 3 && tokens[0] == "components" && tokens[1] == "schemas"
}

/// The `$ref` of the node at `pointer` when it is a reference object.
fn ref_of(root: &Value, pointer: &str) -> Option<String> {
    match root.pointer(pointer)?.get("$ref")? {
        Value::String(r) => match parse_ref(r) {
            RefTarget::Local(target) => Some(target),
            _ => None,
        },
        _ => None,
    }
}

/// The name a hoisted schema gets: its owner (component, operation, webhook) and the words
/// of its path below the owner, as a type name.
fn hoisted_name(root: &Value, target: &str) -> String {
    let tokens = pointer_tokens(target);
    let mut words: Vec<String> = Vec::new();
    let mut rest: &[String] = &tokens;
    match tokens.first().map(String::as_str) {
        Some("components") if tokens.len() >= 3 => {
            words.push(tokens[2].clone());
            rest = &tokens[3..];
        }
        Some("paths") if tokens.len() >= 3 => {
            let op = root.pointer(&format!("/paths/{}/{}", escape_pointer_token(&tokens[1]), tokens[2]));
            match op.and_then(|op| op.get("operationId")).and_then(Value::as_str) {
                Some(id) => words.push(id.to_owned()),
                None => words.extend([tokens[2].clone(), tokens[1].clone()]),
            }
            rest = &tokens[3..];
        }
        Some("webhooks" | "x-webhooks") if tokens.len() >= 2 => {
            words.push(tokens[1].clone());
            rest = &tokens[2..];
        }
        _ => {}
    }
    let mut i = 0;
    while i < rest.len() {
        let token = rest[i].as_str();
        let next = rest.get(i + 1).cloned().unwrap_or_default();
        match token {
            "properties"
            | "$defs"
            | "definitions"
            | "patternProperties"
            | "x-pattern-properties"
            | "headers"
            | "dependentSchemas" => {
                words.push(next);
                i += 2;
            }
            "content" | "examples" => i += 2,
            "schema" | "requestBody" => {
                if token == "requestBody" {
                    words.push("Request".to_owned());
                }
                i += 1;
            }
            "responses" => {
                words.push(format!("Response {next}"));
                i += 2;
            }
            "parameters" => {
                let at = tokens.len() - rest.len() + i + 2;
                let param =
                    format!("/{}", tokens[..at].iter().map(|t| escape_pointer_token(t)).collect::<Vec<_>>().join("/"));
                let name = root.pointer(&param).and_then(|p| p.get("name")).and_then(Value::as_str);
                words.push(name.map_or_else(|| format!("Param {next}"), str::to_owned));
                i += 2;
            }
            "items" | "x-prefix-items" | "prefixItems" => {
                if token == "items" {
                    words.push("Item".to_owned());
                    i += 1;
                } else {
                    words.push(format!("Item {next}"));
                    i += 2;
                }
            }
            "additionalProperties" | "unevaluatedProperties" => {
                words.push("Value".to_owned());
                i += 1;
            }
            "oneOf" | "anyOf" => {
                words.push(format!("Variant {next}"));
                i += 2;
            }
            "allOf" => {
                words.push(format!("Part {next}"));
                i += 2;
            }
            other => {
                words.push(other.to_owned());
                i += 1;
            }
        }
    }
    names::type_name(&words.join(" "))
}

/// A copy of `doc` in which every `$ref` to a schema outside `components/schemas/<name>`
/// points at that schema hoisted into `components/schemas` (see the module docs); `None`
/// when there is none.
pub(super) fn hoist_schema_refs(doc: &Document) -> Result<Option<Document>, SpecError> {
    let root = &doc.value;
    // (node pointer, target pointer) of every local schema `$ref` that is not a component's.
    let mut refs: Vec<(String, String)> = Vec::new();
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut |kind, node, ptr| {
        if kind != Kind::Schema {
            return;
        }
        if let Some(Value::String(reference)) = node.get("$ref") {
            if let RefTarget::Local(target) = parse_ref(reference) {
                if !is_component(&target) && root.pointer(&target).is_some() {
                    refs.push((ptr.to_owned(), target));
                }
            }
        }
    });
    if refs.is_empty() {
        return Ok(None);
    }
    // Where each target's `$ref` chain ends: a component, or a schema to hoist.
    let mut ends: BTreeMap<String, String> = BTreeMap::new();
    for (node, target) in &refs {
        let mut end = target.clone();
        let mut seen = BTreeSet::new();
        while !is_component(&end) && seen.insert(end.clone()) {
            match kind_at(root, &end) {
                Some(Kind::Schema) => {}
                found => {
                    let at = format!("{node}/$ref");
                    let what = found.map_or("a value outside the document's structure", kind_name);
                    return Err(SpecError::new(
                        &doc.file,
                        &at,
                        format!("`$ref` target `#{end}` is not a schema (the node there is a {what})"),
                    )
                    .with_hint("a schema's `$ref` must point at a schema: a component schema or a schema inside one")
                    .with_line(nearest_line(doc, &at)));
                }
            }
            match ref_of(root, &end) {
                Some(next) if root.pointer(&next).is_some() => end = next,
                _ => break,
            }
        }
        ends.insert(target.clone(), end);
    }
    let mut hoist: Vec<String> = ends.values().filter(|end| !is_component(end)).cloned().collect();
    hoist.sort_by_key(|p| (std::cmp::Reverse(pointer_tokens(p).len()), p.clone()));
    hoist.dedup();

    let mut value = root.clone();
    let mut taken: BTreeSet<String> = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut moved: BTreeMap<String, String> = BTreeMap::new(); // old pointer -> new `$ref`
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for target in hoist {
        let base = hoisted_name(root, &target);
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        let new_ref = format!("#/components/schemas/{}", escape_pointer_token(&name));
        let Some(slot) = value.pointer_mut(&target) else { continue };
        let mut stub = Map::new();
        stub.insert("$ref".to_owned(), Value::String(new_ref.clone()));
        let schema = std::mem::replace(slot, Value::Object(stub));
        hoisted.push((name, schema));
        moved.insert(target, new_ref);
    }
    let schemas = value
        .as_object_mut()
        .map(|m| m.entry("components").or_insert_with(|| Value::Object(Map::new())))
        .and_then(Value::as_object_mut)
        .map(|c| c.entry("schemas").or_insert_with(|| Value::Object(Map::new())))
        .and_then(Value::as_object_mut);
    if let Some(schemas) = schemas {
        for (name, schema) in hoisted {
            schemas.insert(name, schema);
        }
    }
    // Every reference to a moved schema, or to a chain ending at one, points at it now.
    let mut redirect: BTreeMap<String, String> = BTreeMap::new();
    for (target, end) in &ends {
        let new_ref = match moved.get(end) {
            Some(r) => r.clone(),
            None => format!("#{end}"),
        };
        redirect.insert(target.clone(), new_ref);
    }
    rewrite_refs(&mut value, &redirect);
    Ok(Some(Document { value, ..doc.clone() }))
}

/// Replaces every local `$ref` whose target is a key of `redirect`.
fn rewrite_refs(v: &mut Value, redirect: &BTreeMap<String, String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let RefTarget::Local(target) = parse_ref(reference) {
                    if let Some(new_ref) = redirect.get(&target) {
                        *reference = new_ref.clone();
                    }
                }
            }
            for (_, child) in map.iter_mut() {
                rewrite_refs(child, redirect);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, redirect)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_owner_and_path() {
        let root = serde_json::json!({"paths": {"/pets": {"get": {"operationId": "listPets"}}}});
        let name = |p: &str| hoisted_name(&root, p);
        assert_eq!(name("/components/schemas/Pet/properties/owner"), "PetOwner");
        assert_eq!(name("/components/schemas/Pet/properties/tags/items"), "PetTagsItem");
        assert_eq!(name("/components/schemas/Pet/allOf/0"), "PetPart0");
        assert_eq!(name("/components/schemas/Pet/oneOf/1"), "PetVariant1");
        assert_eq!(name("/components/schemas/Pet/$defs/Kind"), "PetKind");
        assert_eq!(name("/components/schemas/Pet/additionalProperties"), "PetValue");
        assert_eq!(
            name("/paths/~1pets/get/responses/200/content/application~1json/schema/items"),
            "ListPetsResponse200Item"
        );
    }
}
