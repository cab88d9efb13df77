//! Building one operation's snippet: the call chain (`client.group().operation(..)` with
//! required arguments, then setters), what is done with the response, the `use` lines,
//! and the prettyplease formatting; also the exhaustive calls (every optional input set).

use super::values::{singular, synth_string, Writer};
use super::Sample;
use crate::ir::{Api, Operation, ParamLocation, ResponseKind, Ty, TypeKind};
use crate::names::{ident, snake_name};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
            w.uses.insert(format!("{}::client::{enum_name}", api.public_path()));
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
