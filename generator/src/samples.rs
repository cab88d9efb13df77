//! Code samples: one short Rust snippet per operation, calling it through the generated
//! client with realistic arguments.
//!
//! Values come from the spec's property examples (`Field::examples`, also borrowed by
//! property name for parameters and fields without their own), else are synthesized from
//! the type (a fixed UUID, a date, an enum's first known variant, a union's first arm)
//! and the name (`email` → `customer@example.com`). Bodies set their required fields
//! (through `Type::new` where the generated type has one) plus up to two optional ones
//! that have examples.
//!
//! Three outputs, all written by `cargo xtask code-samples` and checked for freshness
//! by `generator/tests/samples.rs`:
//! - [`operation_samples`]: the snippets themselves (`client` is in scope);
//! - [`overlay_yaml`]: an OpenAPI Overlay 1.0 document adding each snippet to its
//!   operation's `x-codeSamples`;
//! - [`samples_module`]: a Rust module wrapping every snippet in an `async fn`, compiled
//!   (and run against a mock server) by the `contract-tests` crate, so samples cannot rot;
//!   plus [`operation_exhaustive_calls`] (every optional input set), run the same way to
//!   check the encoding of what the samples leave out.

use crate::ir::{Api, Field, Operation, ParamLocation, Presence, ResponseKind, StructDef, Ty, TypeKind, UnionDef};
use crate::names::{ident, snake_name};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One operation's sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub operation_id: String,
    /// Upper case, as in the IR (`GET`).
    pub method: String,
    /// The path template (`/v1/customers/{id}`).
    pub path: String,
    /// Statements that run with `client: &polar::Client` in scope, inside a function
    /// returning `Result<_, Box<dyn std::error::Error>>`: `use` lines first, then the call.
    pub code: String,
}

/// Where the overlay lives, relative to the workspace root.
pub const OVERLAY_FILE: &str = "code-samples/polar-rust.overlay.yaml";
/// Where the compiled samples live, relative to the workspace root.
pub const MODULE_FILE: &str = "contract-tests/src/samples.rs";

/// The label of the samples in `x-codeSamples`.
pub const LABEL: &str = "Rust (polar-sh-sdk)";

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

/// A sample for every operation, in the IR's order (groups, then operations).
pub fn operation_samples(api: &Api) -> Vec<Sample> {
    let examples = examples_by_property(api);
    api.groups
        .iter()
        .flat_map(|group| group.operations.iter().map(move |op| (group, op)))
        .map(|(group, op)| Sample {
            operation_id: op.operation_id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            code: sample_code(api, &examples, &group.path, op),
        })
        .collect()
}

/// First non-null example of every property name, across all types (spec order).
fn examples_by_property(api: &Api) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for def in &api.types {
        let TypeKind::Struct(s) = &def.kind else { continue };
        for f in &s.fields {
            if let Some(example) = f.examples.iter().find(|e| !e.is_null()) {
                out.entry(f.json_name.clone()).or_insert_with(|| example.clone());
            }
        }
    }
    out
}

/// The value of a parameter as its argument or setter takes it (`impl Into<String>`
/// takes a literal, `impl IntoIterator` an array).
fn param_value(w: &mut Writer<'_>, p: &crate::ir::Param) -> String {
    let example = w.examples.get(&p.wire_name).cloned();
    match &p.ty {
        Ty::String => format!(
            "{:?}",
            example.as_ref().and_then(Value::as_str).map_or_else(|| synth_string(&p.wire_name), str::to_owned)
        ),
        Ty::Vec(item) => format!("[{}]", w.expr(item, example.as_ref(), &singular(&p.wire_name), 1)),
        ty => w.expr(ty, example.as_ref(), &p.wire_name, 1),
    }
}

/// `client.group().operation(required arguments, body)`, with the body bound first.
fn call_start(w: &mut Writer<'_>, group: &[String], op: &Operation) -> Vec<String> {
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        args.push(param_value(w, p));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let value = w.top_level(&body.ty, "body");
        if value != "body" {
            w.lets.push(format!("let body = {value};"));
        }
        args.push("body".to_owned());
    }
    let mut chain: Vec<String> = vec!["client".to_owned()];
    chain.extend(group.iter().map(|g| format!("{}()", ident(g))));
    chain.push(format!("{}({})", ident(&op.name), args.join(", ")));
    chain
}

/// Whether an operation has optional parameters or an optional body (see
/// [`operation_exhaustive_calls`]).
fn has_optional_inputs(op: &Operation) -> bool {
    op.params.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required)
}

/// For each operation with optional inputs: a call that sets every optional parameter
/// (one-element lists, a one-entry `metadata` filter) and the optional body. Not shown as
/// documentation; compiled and run against the mock server by `contract-tests`, where it
/// checks the encoding of every query parameter the samples leave out.
pub fn operation_exhaustive_calls(api: &Api) -> Vec<Sample> {
    let examples = examples_by_property(api);
    api.groups
        .iter()
        .flat_map(|group| group.operations.iter().map(move |op| (group, op)))
        .filter(|(_, op)| has_optional_inputs(op))
        .map(|(group, op)| {
            let mut w = Writer::new(api, &examples);
            w.fill_maps = true;
            let mut chain = call_start(&mut w, &group.path, op);
            for p in op.params.iter().filter(|p| !p.required) {
                let value = param_value(&mut w, p);
                chain.push(format!("{}({value})", ident(&p.name)));
            }
            if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
                let value = w.top_level(&body.ty, "body");
                if value != "body" {
                    w.lets.push(format!("let body = {value};"));
                }
                chain.push("body(body)".to_owned());
            }
            let call = chain.join(".");
            let mut statements = use_lines(&w.uses);
            statements.extend(w.lets);
            statements.push(match op.response {
                ResponseKind::Empty => format!("{call}.await?;"),
                _ => format!("let response = {call}.await?;\nprintln!(\"{{response:?}}\");"),
            });
            Sample {
                operation_id: op.operation_id.clone(),
                method: op.method.clone(),
                path: op.path.clone(),
                code: format_statements(&statements.join("\n")),
            }
        })
        .collect()
}

fn sample_code(api: &Api, examples: &BTreeMap<String, Value>, group: &[String], op: &Operation) -> String {
    let mut w = Writer::new(api, examples);
    let mut chain = call_start(&mut w, group, op);
    let optional = |name: &str| {
        op.params
            .iter()
            .any(|p| !p.required && p.name == name && p.location == ParamLocation::Query && p.ty == Ty::Integer)
    };
    if op.pagination.is_some() && optional("page") && optional("limit") {
        chain.push("page(1)".to_owned());
        chain.push("limit(10)".to_owned());
    }
    let call = chain.join(".");
    let mut tail = Vec::new();
    match (&op.response, &op.pagination) {
        (ResponseKind::Json(_), Some(_)) => {
            w.uses.insert("futures_util::{StreamExt, TryStreamExt}".to_owned());
            tail.push(format!("let request = {call};"));
            tail.push("let page = request.clone().await?;".to_owned());
            tail.push("println!(\"{} of {} items\", page.items.len(), page.pagination.total_count);".to_owned());
            tail.push(comment("Or every item of every page, fetched as the stream is polled:"));
            tail.push("let items: Vec<_> = request.stream().take(25).try_collect().await?;".to_owned());
            tail.push("println!(\"{items:?}\");".to_owned());
        }
        (ResponseKind::Json(ty), None) => {
            let name = w.fresh(&result_name(api, ty));
            tail.push(format!("let {name} = {call}.await?;"));
            tail.push(format!("println!(\"{{{name}:?}}\");"));
        }
        (ResponseKind::Text(media), _) => {
            let name = w.fresh(if media.contains("csv") { "csv" } else { "text" });
            tail.push(format!("let {name} = {call}.await?;"));
            tail.push(format!("println!(\"{{{name}}}\");"));
        }
        (ResponseKind::Bytes(_), _) => {
            let name = w.fresh("bytes");
            tail.push(format!("let {name} = {call}.await?;"));
            tail.push(format!("println!(\"{{}} bytes\", {name}.len());"));
        }
        (ResponseKind::Empty, _) => tail.push(format!("{call}.await?;")),
        (ResponseKind::ByStatus(responses), _) => {
            let enum_name = &responses.type_name;
            w.uses.insert(format!("{}::client::{enum_name}", api.lib_name));
            tail.push(format!("match {call}.await? {{"));
            for arm in &responses.arms {
                let status = &arm.label;
                let variant = format!("{enum_name}::{}", arm.variant);
                tail.push(match &arm.kind {
                    ResponseKind::Json(ty) => {
                        let name = w.fresh(&result_name(api, ty));
                        format!("{variant}({name}) => println!(\"{{{name}:?}}\"),")
                    }
                    ResponseKind::Text(_) | ResponseKind::Bytes(_) => {
                        format!("{variant}(body) => println!(\"{{body:?}}\"),")
                    }
                    ResponseKind::Empty | ResponseKind::ByStatus(_) => {
                        let text = match &arm.description {
                            Some(description) => format!("{status}: {description}"),
                            None => status.clone(),
                        };
                        let literal = format!("{:?}", text.replace('{', "{{").replace('}', "}}"));
                        format!("{variant} => println!({literal}),")
                    }
                });
            }
            tail.push("}".to_owned());
        }
    }
    let mut statements = use_lines(&w.uses);
    statements.extend(w.lets);
    statements.extend(tail);
    format_statements(&statements.join("\n"))
}

/// `use` lines, items of one module merged: `use polar::models::{Customer, CustomerCreate};`.
fn use_lines(uses: &BTreeSet<String>) -> Vec<String> {
    let mut modules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in uses {
        match path.rsplit_once("::").filter(|(_, item)| !item.contains('}')) {
            Some((module, item)) => modules.entry(module).or_default().push(item),
            None => {
                modules.entry(path).or_default();
            }
        }
    }
    modules
        .into_iter()
        .map(|(module, items)| match items.as_slice() {
            [] => format!("use {module};"),
            [item] => format!("use {module}::{item};"),
            items => format!("use {module}::{{{}}};", items.join(", ")),
        })
        .collect()
}

/// A line comment that survives formatting (see [`format_statements`]).
fn comment(text: &str) -> String {
    format!("__comment!({text:?});")
}

/// Local variable name for a response: its type in snake case (`customer_state`).
fn result_name(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Named(id) => {
            let name = snake_name(&api.types[*id].name);
            if name.len() > 24 || crate::names::is_keyword(&name) {
                "response".to_owned()
            } else {
                name
            }
        }
        Ty::Vec(_) => "list".to_owned(),
        _ => "response".to_owned(),
    }
}

/// Builds value expressions, collecting the `use` lines and `let` statements they need.
struct Writer<'a> {
    api: &'a Api,
    examples: &'a BTreeMap<String, Value>,
    uses: BTreeSet<String>,
    lets: Vec<String>,
    names: BTreeSet<String>,
    uuids: usize,
    /// Maps without an example get one entry (not an empty map).
    fill_maps: bool,
}

impl<'a> Writer<'a> {
    fn new(api: &'a Api, examples: &'a BTreeMap<String, Value>) -> Self {
        let names = ["client", "body", "request", "page", "items"].iter().map(|s| (*s).to_owned()).collect();
        Writer { api, examples, uses: BTreeSet::new(), lets: Vec::new(), names, uuids: 0, fill_maps: false }
    }

    /// A local name not used yet in this sample.
    fn fresh(&mut self, base: &str) -> String {
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
        self.uses.insert(format!("{}::models::{name}", self.api.lib_name));
        name
    }

    /// The request body: like [`Self::expr`], but a struct (or a union's struct arm) also
    /// sets up to two optional fields, and is bound to `name` when that needs a `let mut`.
    fn top_level(&mut self, ty: &Ty, name: &str) -> String {
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
    fn expr(&mut self, ty: &Ty, example: Option<&Value>, hint: &str, depth: usize) -> String {
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
    fn fits(&self, ty: &Ty, value: &Value) -> bool {
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
fn synth_string(hint: &str) -> String {
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

fn synth_integer(hint: &str) -> i64 {
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
fn singular(hint: &str) -> String {
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

/// Formats statements with prettyplease (wrapped in a function, then unwrapped), turns
/// `__comment!("..")` markers into `//` comments and separates the `use` lines.
fn format_statements(code: &str) -> String {
    let wrapped = format!("async fn sample() {{\n{code}\n}}");
    let file: syn::File = syn::parse_str(&wrapped).unwrap_or_else(|e| panic!("sample does not parse: {e}\n{wrapped}"));
    let pretty = prettyplease::unparse(&file);
    let mut lines: Vec<String> = Vec::new();
    let body: Vec<&str> = pretty.lines().collect();
    // Drop the `async fn sample() {` line and the closing brace; dedent by 4.
    for line in &body[1..body.len() - 1] {
        let line = line.strip_prefix("    ").unwrap_or(line);
        if let Some(text) = line.trim_start().strip_prefix("__comment!(").and_then(|l| l.strip_suffix(");")) {
            let indent = &line[..line.len() - line.trim_start().len()];
            let text: String = serde_json::from_str(text).unwrap_or_else(|_| text.to_owned());
            lines.push(format!("{indent}// {text}"));
            continue;
        }
        lines.push(line.to_owned());
    }
    // A blank line after the `use` statements (the last one may span lines).
    if let Some(last_use) = lines.iter().rposition(|l| l.starts_with("use ")) {
        let end = (last_use..lines.len()).find(|&i| lines[i].ends_with(';')).unwrap_or(last_use);
        if end + 1 < lines.len() {
            lines.insert(end + 1, String::new());
        }
    }
    // Macro arguments are printed token by token: `.parse() ?` in `vec![..]`.
    let mut out = lines.join("\n").replace(") ?", ")?");
    out.push('\n');
    out
}

/// The placeholder token of a security scheme in documented samples: Polar's token
/// prefixes (`polar_cst_` customer sessions, `polar_mst_` member sessions, `polar_oat_`
/// organization access tokens).
fn placeholder_token(scheme: &str) -> &'static str {
    match scheme {
        "customer_session" => "polar_cst_xxx",
        "member_session" => "polar_mst_xxx",
        _ => "polar_oat_xxx",
    }
}

/// The client line of a documented sample: built with the token the operation needs,
/// and, when another operation issues that token, a comment saying which.
fn client_line(api: &Api, operation_id: &str) -> String {
    let op = api.groups.iter().flat_map(|g| &g.operations).find(|op| op.operation_id == operation_id);
    let credential = op.and_then(|op| op.credentials.iter().find(|c| c.issued_by.is_some()));
    let token = credential.map_or("polar_oat_xxx", |c| placeholder_token(&c.scheme));
    let client = format!("let client = {}::Client::builder().access_token(\"{token}\").build()?;\n", api.lib_name);
    match credential.and_then(|c| c.issued_by.as_ref().map(|issuer| (c, issuer))) {
        Some((c, issuer)) => format!(
            "// A {} token, not the organization token: the `token` that\n// `client.{}().{}(..)` returns.\n{client}",
            c.scheme.replace('_', " "),
            issuer.group.join("()."),
            issuer.name
        ),
        None => client,
    }
}

/// The snippet as shown in documentation: its `use` lines, then a client (with the token
/// the operation needs), then the call.
pub fn documented_source(api: &Api, sample: &Sample) -> String {
    let client = client_line(api, &sample.operation_id);
    // `format_statements` puts one blank line after the `use` statements.
    let (uses, rest) = match sample.code.split_once("\n\n") {
        Some((uses, rest)) if sample.code.starts_with("use ") => (Some(uses), rest),
        _ => (None, sample.code.as_str()),
    };
    match uses {
        Some(uses) => format!("{uses}\n\n{client}\n{rest}"),
        None => format!("{client}\n{rest}"),
    }
}

/// The OpenAPI Overlay 1.0 document adding every sample to its operation's
/// `x-codeSamples`, as YAML.
pub fn overlay_yaml(api: &Api, samples: &[Sample]) -> String {
    let mut actions = Vec::new();
    for sample in samples {
        let mut entry = serde_json::Map::new();
        entry.insert("lang".into(), "rust".into());
        entry.insert("label".into(), LABEL.into());
        entry.insert("source".into(), documented_source(api, sample).into());
        let mut update = serde_json::Map::new();
        update.insert("x-codeSamples".into(), Value::Array(vec![Value::Object(entry)]));
        let mut action = serde_json::Map::new();
        action.insert(
            "target".into(),
            format!("$.paths['{}'].{}", sample.path.replace('\'', "\\'"), sample.method.to_ascii_lowercase()).into(),
        );
        action.insert(
            "description".into(),
            format!("Rust sample for `{}`, appended to x-codeSamples", sample.operation_id).into(),
        );
        action.insert("update".into(), Value::Object(update));
        actions.push(Value::Object(action));
    }
    let mut info = serde_json::Map::new();
    info.insert("title".into(), format!("Rust (polar-sh-sdk) code samples for {} {}", api.title, api.version).into());
    info.insert("version".into(), api.version.clone().into());
    let mut doc = serde_json::Map::new();
    doc.insert("overlay".into(), "1.0.0".into());
    doc.insert("info".into(), Value::Object(info));
    doc.insert("actions".into(), Value::Array(actions));
    let yaml = serde_yaml::to_string(&Value::Object(doc)).expect("JSON values serialize as YAML");
    format!("{OVERLAY_HEADER}{yaml}")
}

const OVERLAY_HEADER: &str = "\
# @generated by `cargo xtask code-samples` (generator/src/samples.rs). Do not edit.
#
# An OpenAPI Overlay 1.0 document: one action per operation of the pinned Polar spec, each
# adding a Rust sample (lang `rust`, label `Rust (polar-sh-sdk)`) to the operation's
# `x-codeSamples`. The spec already carries python and typescript samples there: an
# overlay `update` merges objects recursively and appends to arrays, so applying this
# overlay keeps them and adds the Rust sample last.
#
# Every sample compiles: contract-tests/src/samples.rs holds them all (same generator)
# and is built by `cargo test --workspace`.
";

/// `contract-tests/src/samples.rs`: every sample as an `async fn`, plus an index; and
/// every [`operation_exhaustive_calls`] call the same way.
pub fn samples_module(api: &Api, samples: &[Sample]) -> String {
    let exhaustive = operation_exhaustive_calls(api);
    let lib = &api.lib_name;
    let mut out = String::new();
    out.push_str("// @generated by `cargo xtask code-samples` (generator/src/samples.rs). Do not edit.\n\n");
    out.push_str(&format!(
        "//! The code sample of every operation of {} {} ({} operations), each wrapped in an\n\
         //! `async fn` taking the client: compiled by `cargo test --workspace`, so a sample that\n\
         //! no longer matches the generated client fails the build, and run against a mock\n\
         //! server by `tests/prism.rs`.\n\n",
        api.title,
        api.version,
        samples.len()
    ));
    out.push_str("/// What a sample returns: its own errors, boxed.\npub type SampleResult = Result<(), Box<dyn std::error::Error>>;\n\n");
    let mut scope = crate::names::NameScope::new();
    let mut fns = Vec::new();
    for sample in samples {
        let name = scope.claim(&format!("op_{}", snake_name(&sample.operation_id)));
        out.push_str(&format!("/// `{} {}` (operation `{}`).\n", sample.method, sample.path, sample.operation_id));
        out.push_str(&format!("pub async fn {name}(client: &{lib}::Client) -> SampleResult {{\n"));
        for line in sample.code.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str("    Ok(())\n}\n\n");
        fns.push(name);
    }
    out.push_str(
        "/// Every sample: operation id, method and path template.\npub const OPERATIONS: &[(&str, &str, &str)] = &[\n",
    );
    for sample in samples {
        out.push_str(&format!("    ({:?}, {:?}, {:?}),\n", sample.operation_id, sample.method, sample.path));
    }
    out.push_str("];\n\n");
    out.push_str(&format!(
        "/// Runs the sample of `operation_id` with `client`; `None` for an unknown operation.\n\
         pub async fn run(operation_id: &str, client: &{lib}::Client) -> Option<SampleResult> {{\n\
         \x20   let result = match operation_id {{\n",
    ));
    for (sample, name) in samples.iter().zip(&fns) {
        out.push_str(&format!("        {:?} => {name}(client).await,\n", sample.operation_id));
    }
    out.push_str("        _ => return None,\n    };\n    Some(result)\n}\n");
    out.push_str(&format!(
        "\n/// Each operation with optional inputs ({} of them) called with every optional parameter\n\
         /// and its optional body set: not documentation, but run against the mock server to\n\
         /// check how the client encodes what the samples leave out.\n\
         pub mod exhaustive {{\n    use super::SampleResult;\n\n",
        exhaustive.len()
    ));
    let mut fns = Vec::new();
    for call in &exhaustive {
        let name = scope.claim(&format!("call_{}", snake_name(&call.operation_id)));
        out.push_str(&format!(
            "    /// `{} {}` (operation `{}`) with every optional input.\n",
            call.method, call.path, call.operation_id
        ));
        out.push_str(&format!("    pub async fn {name}(client: &{lib}::Client) -> SampleResult {{\n"));
        for line in call.code.lines() {
            if !line.is_empty() {
                out.push_str("        ");
                out.push_str(line);
            }
            out.push('\n');
        }
        out.push_str("        Ok(())\n    }\n\n");
        fns.push(name);
    }
    out.push_str("    /// Every call: operation id, method and path template.\n    pub const OPERATIONS: &[(&str, &str, &str)] = &[\n");
    for call in &exhaustive {
        out.push_str(&format!("        ({:?}, {:?}, {:?}),\n", call.operation_id, call.method, call.path));
    }
    out.push_str("    ];\n\n");
    out.push_str(&format!(
        "    /// Runs the call of `operation_id` with `client`; `None` for an operation without one.\n\
         \x20   pub async fn run(operation_id: &str, client: &{lib}::Client) -> Option<SampleResult> {{\n\
         \x20       let result = match operation_id {{\n",
    ));
    for (call, name) in exhaustive.iter().zip(&fns) {
        out.push_str(&format!("            {:?} => {name}(client).await,\n", call.operation_id));
    }
    out.push_str("            _ => return None,\n        };\n        Some(result)\n    }\n}\n");
    out
}

/// Every file `cargo xtask code-samples` writes: (path relative to the workspace root,
/// contents).
pub fn files(api: &Api) -> Vec<(&'static str, String)> {
    let samples = operation_samples(api);
    vec![(OVERLAY_FILE, overlay_yaml(api, &samples)), (MODULE_FILE, samples_module(api, &samples))]
}
