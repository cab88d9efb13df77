//! Sample JSON values of IR types, for the webhook payload samples of the `test-util`
//! feature (`emit::webhooks::samples_file`): what a server could send, built from the
//! spec's property examples where they fit the property's type, else synthesized from the
//! type and the property's name (the same fallbacks as the code samples: `email` →
//! `customer@example.com`, an enum's first value, a union's first arm).
//!
//! Every property is filled, optional ones included, down to [`MAX_DEPTH`] levels of
//! nesting; below that, optional properties are left out, nullable ones are `null` and
//! lists and maps empty, so recursive types end. UUIDs are numbered in order of appearance
//! and dates fixed: the same spec gives the same samples.

use super::values::{synth_integer, synth_string, Writer};
use crate::ir::{Api, Field, Presence, StructDef, Ty, TypeKind, UnionDef};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Nesting depth past which optional properties are left out.
const MAX_DEPTH: usize = 6;

/// The time every sample is set at.
const DATE_TIME: &str = "2026-01-15T10:30:00Z";
const DATE: &str = "2026-01-15";

/// Builds sample values of one API's types.
pub struct JsonSampler<'a> {
    api: &'a Api,
    /// For [`Writer::fits`] (whether an example has a property's type); no examples are
    /// borrowed across properties.
    writer: Writer<'a>,
    uuids: usize,
}

/// No borrowed examples: each property uses its own.
static NO_EXAMPLES: BTreeMap<String, Value> = BTreeMap::new();

impl<'a> JsonSampler<'a> {
    /// A sampler of `api`'s types.
    pub fn new(api: &'a Api) -> Self {
        JsonSampler { api, writer: Writer::new(api, &NO_EXAMPLES), uuids: 0 }
    }

    /// A sample value of `ty`; `hint` is the property name it is for (`""` at the top).
    /// UUIDs continue the numbering of earlier samples of this sampler; start a new sampler
    /// for each independent sample.
    pub fn value(&mut self, ty: &Ty, hint: &str) -> Value {
        self.sample(ty, None, hint, 0)
    }

    fn sample(&mut self, ty: &Ty, example: Option<&Value>, hint: &str, depth: usize) -> Value {
        if let Some(example) = example.filter(|e| !e.is_null() && self.writer.fits(ty, e)) {
            return example.clone();
        }
        match ty {
            Ty::Named(id) => self.named(*id, hint, depth),
            Ty::String => Value::from(synth_string(hint)),
            Ty::Integer => Value::from(synth_integer(hint)),
            Ty::Number => Value::from(if hint.contains("amount") { 1000.0 } else { 1.5 }),
            Ty::Boolean => Value::Bool(false),
            Ty::Uuid => {
                self.uuids += 1;
                Value::from(format!("00000000-0000-4000-8000-{:012x}", self.uuids))
            }
            Ty::DateTime => Value::from(DATE_TIME),
            Ty::Date => Value::from(DATE),
            Ty::Json => Value::Object(Map::new()),
            Ty::Bytes => Value::from(""),
            Ty::Vec(item) if depth < MAX_DEPTH => {
                let item_hint = super::values::singular(hint);
                Value::Array(vec![self.sample(item, None, &item_hint, depth + 1)])
            }
            Ty::Vec(_) => Value::Array(Vec::new()),
            Ty::Map(key, value) if depth < MAX_DEPTH && !hint.is_empty() => {
                // The key as its type spells it (a UUID, an enum's value...).
                let key = match self.sample(key, None, "key", depth + 1) {
                    Value::String(key) => key,
                    other => other.to_string(),
                };
                let entry = self.sample(value, None, &key, depth + 1);
                Value::Object(Map::from_iter([(key, entry)]))
            }
            Ty::Map(..) => Value::Object(Map::new()),
            Ty::Tuple(items) => {
                Value::Array(items.iter().map(|item| self.sample(item, None, hint, depth + 1)).collect())
            }
            Ty::Option(inner) => self.sample(inner, None, hint, depth),
        }
    }

    fn named(&mut self, id: usize, hint: &str, depth: usize) -> Value {
        let api = self.api;
        match &api.types[id].kind {
            TypeKind::Alias(inner) => self.sample(inner, None, hint, depth),
            TypeKind::Enum(e) => {
                e.variants.first().map_or_else(|| Value::from(synth_string(hint)), |v| Value::from(v.value.as_str()))
            }
            TypeKind::Struct(s) => self.object(s, depth),
            TypeKind::Union(u) => self.union(u, hint, depth),
        }
    }

    fn object(&mut self, s: &StructDef, depth: usize) -> Value {
        let mut object = Map::new();
        if let Some((property, value)) = &s.tag {
            object.insert(property.clone(), Value::from(value.as_str()));
        }
        for field in &s.fields {
            if let Some(value) = self.field(field, depth) {
                object.insert(field.json_name.clone(), value);
            }
        }
        Value::Object(object)
    }

    /// A property's value, `None` to leave it out.
    fn field(&mut self, field: &Field, depth: usize) -> Option<Value> {
        let deep = depth >= MAX_DEPTH;
        match field.presence {
            Presence::Flatten => None,
            Presence::Optional | Presence::Tristate if deep => None,
            Presence::RequiredNullable if deep => Some(Value::Null),
            _ => Some(self.sample(&field.ty, field.examples.first(), &field.json_name, depth + 1)),
        }
    }

    /// The first arm with a type (a literal arm's string otherwise), with the arm's tag
    /// value and `const` guards set.
    fn union(&mut self, u: &UnionDef, hint: &str, depth: usize) -> Value {
        let Some(arm) = u.variants.iter().find(|v| v.ty.is_some()).or_else(|| u.variants.first()) else {
            return Value::Object(Map::new());
        };
        let Some(ty) = &arm.ty else {
            return Value::from(arm.tag_values.first().cloned().unwrap_or_else(|| synth_string(hint)));
        };
        let mut value = self.sample(ty, None, hint, depth);
        if let (Some(tag), Some(tag_value), Value::Object(object)) = (&u.tag, arm.tag_values.first(), &mut value) {
            object.insert(tag.clone(), Value::from(tag_value.as_str()));
        }
        for guard in &arm.guards {
            set_path(&mut value, &guard.path, Value::from(guard.value.as_str()));
        }
        value
    }
}

/// Sets `value` at `path` inside objects, making the objects on the way.
fn set_path(target: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut node = target;
    for key in parents {
        let Value::Object(object) = node else { return };
        node = object.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(object) = node {
        object.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_set_through_nested_objects() {
        let mut value = serde_json::json!({"data": {"kind": "a", "n": 1}});
        set_path(&mut value, &["data".to_owned(), "kind".to_owned()], Value::from("b"));
        set_path(&mut value, &["meta".to_owned(), "x".to_owned()], Value::from("c"));
        assert_eq!(value, serde_json::json!({"data": {"kind": "b", "n": 1}, "meta": {"x": "c"}}));
        let mut scalar = Value::from(1);
        set_path(&mut scalar, &["a".to_owned()], Value::from(2));
        assert_eq!(scalar, Value::from(1));
    }

    /// A recursive type ends, a union gets its first arm with the tag, properties their
    /// own examples when they fit and names otherwise.
    #[test]
    fn samples_follow_examples_names_and_depth() {
        let spec = r"
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Node:
      type: object
      required: [id, email, children, kind, pet]
      properties:
        id: {type: string, format: uuid}
        email: {type: string}
        amount: {type: integer, example: 2500}
        wrong: {type: integer, example: not-a-number}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {anyOf: [{$ref: '#/components/schemas/Node'}, {type: 'null'}]}
        kind: {type: string, enum: [leaf, branch]}
        pet:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator: {propertyName: type, mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}}
    Cat: {type: object, required: [type], properties: {type: {type: string}, lives: {type: integer}}}
    Dog: {type: object, required: [type], properties: {type: {type: string}}}
";
        let api = crate::analyze("t.yaml", spec.as_bytes(), &crate::Options::default()).unwrap().api;
        let node = api.types.iter().position(|t| t.name == "Node").unwrap();
        let value = JsonSampler::new(&api).value(&Ty::Named(node), "");
        assert_eq!(value["id"], "00000000-0000-4000-8000-000000000001");
        assert_eq!(value["email"], "customer@example.com");
        assert_eq!(value["amount"], 2500);
        assert_eq!(value["wrong"], 1, "an example of the wrong type is not used");
        assert_eq!(value["kind"], "leaf");
        assert_eq!(value["pet"]["type"], "cat");
        let mut depth = 0;
        let mut node = &value;
        while let Some(child) = node["children"].get(0) {
            node = child;
            depth += 1;
        }
        assert!((2..=MAX_DEPTH).contains(&depth), "{depth}");
        assert_eq!(node["children"], serde_json::json!([]));
    }
}
