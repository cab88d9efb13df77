//! Value expressions: the [`Writer`] that spells an argument or body of a given type from
//! the spec's examples (or synthesized by type and name), collecting the `use` lines and
//! `let` statements they need; plus the name-based fallbacks and shape checks it uses.

use crate::ir::{Api, Field, Presence, StructDef, Ty, TypeKind, UnionDef};
use crate::names::{ident, snake_name};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// UUIDs used for identifiers, in order of appearance in one sample.
const UUIDS: &[&str] = &[
    "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
    "e0d5b4a3-5c3b-4d4e-9f61-2a7c8b9d0e1f",
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
];

/// Properties whose examples are not borrowed by other schemas.
const GENERIC_NAMES: &[&str] = &["name", "label", "description", "title"];

/// Nesting depth past which optional values are left empty (guards against cycles).
const MAX_DEPTH: usize = 6;

/// Builds value expressions, collecting the `use` lines and `let` statements they need.
pub(super) struct Writer<'a> {
    api: &'a Api,
    pub(super) examples: &'a BTreeMap<String, Value>,
    pub(super) uses: BTreeSet<String>,
    pub(super) lets: Vec<String>,
    names: BTreeSet<String>,
    uuids: usize,
    /// Maps without an example get one entry (not an empty map).
    pub(super) fill_maps: bool,
}

impl<'a> Writer<'a> {
    pub(super) fn new(api: &'a Api, examples: &'a BTreeMap<String, Value>) -> Self {
        let names = ["client", "body", "request", "page", "items"].iter().map(|s| (*s).to_owned()).collect();
        Writer { api, examples, uses: BTreeSet::new(), lets: Vec::new(), names, uuids: 0, fill_maps: false }
    }

    /// A local name not used yet in this sample.
    pub(super) fn fresh(&mut self, base: &str) -> String {
        let base = if crate::names::is_keyword(base) { format!("{base}_") } else { base.to_owned() };
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    fn model(&mut self, id: usize) -> String {
        let name = self.api.types[id].name.clone();
        self.uses.insert(format!("{}::models::{name}", self.api.public_path()));
        name
    }

    /// The request body: like [`Self::expr`], but a struct (or a union's struct arm) also
    /// sets up to two optional fields, and is bound to `name` when that needs a `let mut`.
    pub(super) fn top_level(&mut self, ty: &Ty, name: &str) -> String {
        match ty {
            Ty::Named(id) => match &self.api.types[*id].kind {
                TypeKind::Struct(s) => self.struct_expr(*id, s, None, 0, Some(name), true),
                TypeKind::Union(u) => self.union_expr(*id, u, None, 0, true),
                TypeKind::Alias(inner) => {
                    let inner = inner.clone();
                    self.top_level(&inner, name)
                }
                TypeKind::Enum(_) => self.expr(ty, None, name, 0),
            },
            _ => self.expr(ty, None, name, 0),
        }
    }

    /// An expression of type `ty` (the expected type is known where it is used).
    /// `example` is used when it fits; `hint` is the property or parameter name.
    pub(super) fn expr(&mut self, ty: &Ty, example: Option<&Value>, hint: &str, depth: usize) -> String {
        // Generic property names (`name`) would borrow another schema's example ("John Doe").
        let borrowed =
            if example.is_none() && !GENERIC_NAMES.contains(&hint) { self.examples.get(hint).cloned() } else { None };
        let example = example.or(borrowed.as_ref());
        match ty {
            Ty::String => {
                let s = example.and_then(Value::as_str).map_or_else(|| synth_string(hint), str::to_owned);
                format!("{s:?}.to_owned()")
            }
            Ty::Integer => example.and_then(Value::as_i64).unwrap_or_else(|| synth_integer(hint)).to_string(),
            Ty::Number => {
                let n = example.and_then(Value::as_f64).unwrap_or(1.0);
                format!("{n:?}")
            }
            Ty::Boolean => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
            Ty::Uuid => {
                let given = example.and_then(Value::as_str).filter(|s| looks_like_uuid(s)).map(str::to_owned);
                let uuid = given.unwrap_or_else(|| {
                    let u = UUIDS[self.uuids % UUIDS.len()];
                    self.uuids += 1;
                    u.to_owned()
                });
                format!("{uuid:?}.parse()?")
            }
            Ty::DateTime => {
                let fallback = if hint.contains("end") || hint.contains("before") {
                    "2026-01-31T00:00:00Z"
                } else {
                    "2026-01-01T00:00:00Z"
                };
                let s = example.and_then(Value::as_str).filter(|s| looks_like_datetime(s)).unwrap_or(fallback);
                format!("{s:?}.parse()?")
            }
            Ty::Date => {
                let fallback =
                    if hint.contains("end") || hint.contains("before") { "2026-01-31" } else { "2026-01-01" };
                let s = example.and_then(Value::as_str).filter(|s| looks_like_date(s)).unwrap_or(fallback);
                format!("{s:?}.parse()?")
            }
            Ty::Json => {
                let value = example.cloned().unwrap_or_else(|| Value::Object(Default::default()));
                format!("serde_json::json!({})", serde_json::to_string(&value).unwrap_or_else(|_| "{}".to_owned()))
            }
            Ty::Bytes => "b\"example\".to_vec()".to_owned(),
            Ty::Vec(item) => match example.and_then(Value::as_array) {
                Some(items) if items.is_empty() => "Vec::new()".to_owned(),
                Some(items) => {
                    let values: Vec<String> =
                        items.iter().take(2).map(|v| self.expr(item, Some(v), &singular(hint), depth + 1)).collect();
                    self.vec_expr(values, hint)
                }
                None => {
                    let value = self.expr(item, None, &singular(hint), depth + 1);
                    self.vec_expr(vec![value], hint)
                }
            },
            Ty::Map(key, value) => match example.and_then(Value::as_object) {
                Some(entries) if !entries.is_empty() => {
                    self.uses.insert("std::collections::BTreeMap".to_owned());
                    let pairs: Vec<String> = entries
                        .iter()
                        .take(3)
                        .map(|(k, v)| {
                            let k = self.expr(key, Some(&Value::String(k.clone())), hint, depth + 1);
                            let v = self.expr(value, Some(v), hint, depth + 1);
                            format!("({k}, {v})")
                        })
                        .collect();
                    format!("BTreeMap::from([{}])", pairs.join(", "))
                }
                _ => {
                    self.uses.insert("std::collections::BTreeMap".to_owned());
                    if self.fill_maps {
                        let k = self.expr(key, Some(&Value::String("key".to_owned())), hint, depth + 1);
                        let v = self.expr(value, None, "value", depth + 1);
                        format!("BTreeMap::from([({k}, {v})])")
                    } else {
                        "BTreeMap::new()".to_owned()
                    }
                }
            },
            Ty::Tuple(items) => {
                let given = example.and_then(Value::as_array).filter(|a| a.len() == items.len());
                let values: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.expr(t, given.map(|a| &a[i]), hint, depth + 1))
                    .collect();
                format!("({})", values.join(", "))
            }
            Ty::Option(inner) => match example {
                Some(Value::Null) => "None".to_owned(),
                _ => format!("Some({})", self.expr(inner, example, hint, depth)),
            },
            Ty::Named(id) => match &self.api.types[*id].kind {
                TypeKind::Struct(s) => self.struct_expr(*id, s, example, depth, None, false),
                TypeKind::Union(u) => self.union_expr(*id, u, example, depth, false),
                TypeKind::Alias(inner) => {
                    let inner = inner.clone();
                    self.expr(&inner, example, hint, depth)
                }
                TypeKind::Enum(e) => {
                    let wanted = example.and_then(Value::as_str);
                    let variant = e.variants.iter().find(|v| Some(v.value.as_str()) == wanted).or(e.variants.first());
                    let name = self.model(*id);
                    match variant {
                        Some(v) => format!("{name}::{}", v.name),
                        None => format!("{name}::{}({:?}.to_owned())", e.unknown, wanted.unwrap_or("value")),
                    }
                }
            },
        }
    }

    /// `vec![..]`; items built by constructors are bound to variables first (macro
    /// arguments are not formatted).
    fn vec_expr(&mut self, values: Vec<String>, hint: &str) -> String {
        let values: Vec<String> = values
            .into_iter()
            .map(|v| {
                if v.contains("::") && v.contains('(') {
                    let var = self.fresh(&snake_name(&singular(hint)));
                    self.lets.push(format!("let {var} = {v};"));
                    var
                } else {
                    v
                }
            })
            .collect();
        format!("vec![{}]", values.join(", "))
    }

    /// A struct value: `Type::new(required...)`, `Type { ..Default::default() }` or a full
    /// literal, by what the model emitter generates. With `top`, up to two optional fields
    /// that have examples are set too; with an object `example`, the fields it names.
    fn struct_expr(
        &mut self,
        id: usize,
        s: &StructDef,
        example: Option<&Value>,
        depth: usize,
        bind: Option<&str>,
        top: bool,
    ) -> String {
        let object = example.and_then(Value::as_object);
        let required: Vec<&Field> =
            s.fields.iter().filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable)).collect();
        // Optional fields to set, with their example.
        let mut chosen: Vec<(&Field, Option<Value>)> = Vec::new();
        let optional = s.fields.iter().filter(|f| matches!(f.presence, Presence::Optional | Presence::Tristate));
        if let Some(object) = object {
            for f in optional {
                if let Some(v) = object.get(&f.json_name).filter(|v| !v.is_null()) {
                    chosen.push((f, Some(v.clone())));
                }
            }
        } else if top && depth <= MAX_DEPTH {
            for f in optional.clone().filter(|f| !f.deprecated) {
                if chosen.len() == 2 {
                    break;
                }
                if let Some(v) = f.examples.iter().find(|v| !v.is_null()) {
                    chosen.push((f, Some(v.clone())));
                }
            }
            // An update that changes nothing shows little: set one simple field.
            if chosen.is_empty() && required.is_empty() {
                if let Some(f) = optional.filter(|f| !f.deprecated).find(|f| self.is_simple(&f.ty)) {
                    chosen.push((f, None));
                }
            }
        }
        let name = self.model(id);
        let entity = entity_name(&name);
        let field_value = |w: &mut Self, f: &Field, given: Option<&Value>| -> String {
            let example = given.or_else(|| f.examples.iter().find(|v| !v.is_null()));
            if example.is_none() && f.ty == Ty::String && (f.json_name == "name" || f.json_name == "label") {
                return format!("{:?}.to_owned()", format!("My {entity}"));
            }
            let example = example.cloned();
            w.expr(&f.ty, example.as_ref(), &f.json_name, depth + 1)
        };
        let required_value = |w: &mut Self, f: &Field| -> Option<String> {
            let given = object.and_then(|o| o.get(&f.json_name));
            match f.presence {
                Presence::RequiredNullable => {
                    let example = given.or_else(|| f.examples.iter().find(|v| !v.is_null()));
                    match example {
                        Some(v) if !v.is_null() && depth < MAX_DEPTH => {
                            let value = field_value(w, f, Some(v));
                            Some(if f.boxed { format!("Some(Box::new({value}))") } else { format!("Some({value})") })
                        }
                        _ => Some("None".to_owned()),
                    }
                }
                _ => Some(field_value(w, f, given)),
            }
        };
        let optional_value = |w: &mut Self, f: &Field, v: Option<&Value>| -> String {
            let value = field_value(w, f, v);
            let value = if f.boxed { format!("Box::new({value})") } else { value };
            match f.presence {
                Presence::Tristate => {
                    w.uses.insert(format!("{}::Patch", w.api.lib_name));
                    format!("Patch::Value({value})")
                }
                _ => format!("Some({value})"),
            }
        };
        if s.constructor {
            let mut args = Vec::new();
            for f in &required {
                let value = required_value(self, f).unwrap_or_default();
                // `new` takes `impl Into<String>` for plain strings and unboxes required fields.
                let value = match (&f.ty, f.presence, f.boxed) {
                    (Ty::String, Presence::Required, false) => {
                        value.strip_suffix(".to_owned()").map_or(value.clone(), str::to_owned)
                    }
                    (_, Presence::Required, true) => value,
                    _ => value,
                };
                args.push(value);
            }
            let construct = format!("{name}::new({})", args.join(", "));
            if chosen.is_empty() {
                return construct;
            }
            let var = match bind {
                Some(b) => b.to_owned(),
                None => self.fresh(&snake_name(&name)),
            };
            let mut statements = vec![format!("let mut {var} = {construct};")];
            for (f, v) in &chosen {
                let value = optional_value(self, f, v.as_ref());
                statements.push(format!("{var}.{} = {value};", ident(&f.name)));
            }
            self.lets.extend(statements);
            return var;
        }
        let mut fields = Vec::new();
        for f in &s.fields {
            let fname = ident(&f.name);
            match f.presence {
                Presence::Required => {
                    let value = required_value(self, f).unwrap_or_default();
                    let value = if f.boxed { format!("Box::new({value})") } else { value };
                    fields.push(format!("{fname}: {value}"));
                }
                Presence::RequiredNullable => {
                    fields.push(format!("{fname}: {}", required_value(self, f).unwrap_or_default()))
                }
                Presence::Optional | Presence::Tristate => {
                    if let Some((f, v)) = chosen.iter().find(|(c, _)| c.name == f.name) {
                        let value = optional_value(self, f, v.as_ref());
                        fields.push(format!("{fname}: {value}"));
                    } else if !s.default {
                        fields.push(format!(
                            "{fname}: {}",
                            if f.presence == Presence::Tristate { "Patch::Absent" } else { "None" }
                        ));
                        if f.presence == Presence::Tristate {
                            self.uses.insert(format!("{}::Patch", self.api.lib_name));
                        }
                    }
                }
                Presence::Flatten => {
                    if !s.default {
                        fields.push(format!("{fname}: Default::default()"));
                    }
                }
            }
        }
        if s.default {
            if fields.is_empty() {
                return format!("{name}::default()");
            }
            if fields.len() < s.fields.len() {
                fields.push("..Default::default()".to_owned());
            }
        }
        format!("{name} {{ {} }}", fields.join(", "))
    }

    /// A union value: the arm the example's tag (or shape) selects, else the first arm.
    fn union_expr(&mut self, id: usize, u: &UnionDef, example: Option<&Value>, depth: usize, top: bool) -> String {
        let variant = match (&u.tag, example) {
            (Some(tag), Some(ex)) => {
                let wanted = ex.get(tag).and_then(Value::as_str);
                u.variants.iter().find(|v| wanted.is_some_and(|w| v.tag_values.iter().any(|t| t == w)))
            }
            (None, Some(ex)) => u.variants.iter().find(|v| match &v.ty {
                None => ex.as_str().is_some_and(|s| v.tag_values.first().is_some_and(|t| t == s)),
                Some(ty) => self.fits(ty, ex),
            }),
            _ => None,
        };
        let variant = variant.or_else(|| u.variants.iter().find(|v| v.ty.is_some())).or(u.variants.first());
        let name = self.model(id);
        let Some(variant) = variant else {
            return format!("{name}::{}(serde_json::json!({{}}))", u.unknown);
        };
        let Some(ty) = &variant.ty else {
            return format!("{name}::{}", variant.name);
        };
        let ex = example.filter(|ex| self.fits(ty, ex));
        let var_name = snake_name(&variant.name);
        let value = match ty {
            Ty::Named(inner) if top => match &self.api.types[*inner].kind {
                TypeKind::Struct(s) => {
                    let var = self.fresh(&var_name);
                    let value = self.struct_expr(*inner, s, ex, depth, Some(&var), true);
                    if value != var {
                        self.names.remove(&var);
                    }
                    value
                }
                _ => self.expr(ty, ex, &var_name, depth + 1),
            },
            _ => self.expr(ty, ex, &var_name, depth + 1),
        };
        let converts =
            || self.api.union_conversions(&self.api.types[id].name, u).iter().any(|c| c.variant.name == variant.name);
        if variant.boxed && converts() {
            // `From` boxes it (`crate::union_from!`).
            format!("{name}::from({value})")
        } else if variant.boxed {
            format!("{name}::{}(Box::new({value}))", variant.name)
        } else {
            format!("{name}::{}({value})", variant.name)
        }
    }

    /// Scalars (and enums) that make a readable one-field update.
    fn is_simple(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String | Ty::Integer | Ty::Boolean => true,
            Ty::Named(id) => matches!(self.api.types[*id].kind, TypeKind::Enum(_)),
            _ => false,
        }
    }

    /// Whether a JSON example has the shape of `ty` (to pick an untagged union's arm).
    pub(super) fn fits(&self, ty: &Ty, value: &Value) -> bool {
        match (ty, value) {
            (Ty::Option(inner), v) => v.is_null() || self.fits(inner, v),
            (Ty::String, Value::String(_)) => true,
            (Ty::Uuid, Value::String(s)) => looks_like_uuid(s),
            (Ty::DateTime, Value::String(s)) => looks_like_datetime(s),
            (Ty::Date, Value::String(s)) => looks_like_date(s),
            (Ty::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Ty::Number, Value::Number(_)) => true,
            (Ty::Boolean, Value::Bool(_)) => true,
            (Ty::Json, _) => true,
            (Ty::Vec(item), Value::Array(items)) => items.iter().all(|v| self.fits(item, v)),
            (Ty::Tuple(items), Value::Array(values)) => items.len() == values.len(),
            (Ty::Map(..), Value::Object(_)) => true,
            (Ty::Named(id), v) => match &self.api.types[*id].kind {
                TypeKind::Alias(inner) => self.fits(inner, v),
                TypeKind::Enum(e) => v.as_str().is_some_and(|s| e.variants.iter().any(|var| var.value == s)),
                TypeKind::Struct(s) => v.as_object().is_some_and(|o| {
                    s.fields.iter().all(|f| f.presence != Presence::Required || o.contains_key(&f.json_name))
                        && s.tag.iter().all(|(k, tag)| o.get(k).and_then(Value::as_str).into_iter().all(|t| t == tag))
                }),
                TypeKind::Union(u) => u.variants.iter().any(|var| match &var.ty {
                    Some(t) => self.fits(t, v),
                    None => v.as_str().is_some_and(|s| var.tag_values.first().is_some_and(|t| t == s)),
                }),
            },
            _ => false,
        }
    }
}

/// What a schema describes, for default names: `MetricDashboardCreate` → `metric dashboard`.
fn entity_name(type_name: &str) -> String {
    let words = crate::names::snake_name(type_name);
    let mut out = Vec::new();
    for word in words.split('_') {
        if ["create", "update", "patch", "input", "schema", "activate", "validate", "deactivate"].contains(&word) {
            break;
        }
        out.push(word);
    }
    // Inline types have long generated names (`ItemsPostStoresStoreIdItemsBody`).
    if out.is_empty() || out.len() > 3 {
        "item".to_owned()
    } else {
        out.join(" ")
    }
}

/// A string for a property or parameter without an example, by its name.
pub(super) fn synth_string(hint: &str) -> String {
    let h = hint.to_ascii_lowercase();
    let s = if h.contains("mime_type") {
        "application/pdf"
    } else if h.contains("email") {
        "customer@example.com"
    } else if h.ends_with("url") || h.ends_with("uri") || h.contains("url") {
        "https://example.com"
    } else if h.contains("external_id") {
        "usr_1337"
    } else if h.contains("currency") {
        "usd"
    } else if h.contains("country") {
        "US"
    } else if h.contains("slug") {
        "my-org"
    } else if h.contains("secret") || h.contains("token") {
        "polar_example_token"
    } else if h == "name" || h.ends_with("_name") {
        "Example"
    } else if h.contains("description") {
        "An example description."
    } else if h.contains("code") {
        "EXAMPLE"
    } else if h.contains("key") {
        "POLAR-EXAMPLE-KEY"
    } else {
        "example"
    };
    s.to_owned()
}

pub(super) fn synth_integer(hint: &str) -> i64 {
    let h = hint.to_ascii_lowercase();
    if h.contains("amount") || h.contains("price") {
        1000
    } else if h == "limit" {
        10
    } else {
        1
    }
}

/// `benefits` → `benefit`, for the items of an array property.
pub(super) fn singular(hint: &str) -> String {
    hint.strip_suffix('s').unwrap_or(hint).to_owned()
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn looks_like_date(s: &str) -> bool {
    s.len() == 10 && s.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() })
}

fn looks_like_datetime(s: &str) -> bool {
    s.len() >= 20
        && looks_like_date(&s[..10])
        && s.as_bytes()[10] == b'T'
        && (s.ends_with('Z') || s[19..].contains(['+', '-']))
}
