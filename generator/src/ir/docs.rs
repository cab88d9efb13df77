//! Documentation planning: the rustdoc of every public item the spec leaves undescribed,
//! decided here from what the IR knows, so that emit only spells it.
//!
//! Nothing is invented: a type without a description says where the API uses it (the
//! operations that take or return it, the webhook events that carry it, the types that
//! contain it); a field without one says its JSON name, its shape, whether it is sent,
//! and what its schema constrains (`format`, lengths, ranges, `default`) and exemplifies.
//!
//! Intra-doc links are only written where they resolve under every combination of cargo
//! features: when whatever compiles the documented item also compiles the link's target
//! (see [`implies`]); otherwise the target is named as code text.

use super::features::Gate;
use super::{Api, Field, Presence, ResponseKind, Ty, TypeId, TypeKind};
use std::collections::BTreeMap;

/// The planned rustdoc (Markdown, links already resolved: emit must not escape it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Docs {
    /// For each type the spec does not describe, by Rust type name.
    pub types: BTreeMap<String, String>,
    /// For each struct field the spec does not describe, by (type name, field name).
    pub fields: BTreeMap<(String, String), String>,
    /// Each operation's code sample, by operation id (only with
    /// `Options::samples_compiled_in`).
    pub samples: BTreeMap<String, String>,
    /// Where the samples are compiled, said in their docs.
    pub samples_compiled_in: Option<String>,
}

/// At most this many uses are listed per kind; the rest are counted.
const LISTED: usize = 6;

/// Whenever an item gated by `item` is compiled, so is one gated by `target`.
pub fn implies(item: &Gate, target: &Gate) -> bool {
    match (item, target) {
        (_, Gate::Always) => true,
        (Gate::Always, Gate::Any(_)) => false,
        (Gate::Any(item), Gate::Any(target)) => item.is_subset(target),
    }
}

fn feature_gate(feature: Option<&String>) -> Gate {
    match feature {
        Some(feature) => Gate::Any([feature.clone()].into()),
        None => Gate::Always,
    }
}

/// `text` as code, linked to `path` when the link resolves wherever `from` compiles.
fn link(text: &str, path: &str, from: &Gate, target: &Gate) -> String {
    if implies(from, target) {
        format!("[`{text}`]({path})")
    } else {
        format!("`{text}`")
    }
}

fn named_in(ty: &Ty) -> Vec<TypeId> {
    let mut out = Vec::new();
    ty.named_types(&mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// "a, b and c", with "and N more" past [`LISTED`].
fn list(items: &[String]) -> String {
    let mut shown: Vec<String> = items.iter().take(LISTED).cloned().collect();
    if items.len() > LISTED {
        shown.push(format!("{} more", items.len() - LISTED));
    }
    match shown.len() {
        0 => String::new(),
        1 => shown.remove(0),
        n => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
    }
}

#[derive(Default)]
struct Uses {
    bodies: Vec<String>,
    responses: Vec<String>,
    params: Vec<String>,
    events: Vec<String>,
    parents: Vec<String>,
}

/// Plans the docs of `api` (after its features are computed).
pub fn plan(api: &Api) -> Docs {
    let root = api.crate_path();
    let gate_of = |id: TypeId| api.features.of_type.get(id).cloned().unwrap_or(Gate::Always);
    let mut uses: BTreeMap<TypeId, Uses> = BTreeMap::new();

    for (gi, group) in api.groups.iter().enumerate() {
        let target = feature_gate(api.features.of_group.get(gi).and_then(Option::as_ref));
        let accessors: String = group.path.iter().map(|a| format!("{a}()")).collect::<Vec<_>>().join(".");
        for op in &group.operations {
            let text = format!("{accessors}.{}()", op.name);
            let path = format!("{root}::client::{}::{}", group.type_name, op.name);
            let mut add = |ty: &Ty, pick: fn(&mut Uses) -> &mut Vec<String>| {
                for id in named_in(ty) {
                    let entry = link(&text, &path, &gate_of(id), &target);
                    let bucket = pick(uses.entry(id).or_default());
                    if !bucket.contains(&entry) {
                        bucket.push(entry);
                    }
                }
            };
            if let Some(body) = &op.body {
                add(&body.ty, |u| &mut u.bodies);
            }
            let mut responses = vec![&op.response];
            if let ResponseKind::ByStatus(by_status) = &op.response {
                responses.extend(by_status.arms.iter().map(|arm| &arm.kind));
            }
            for response in responses {
                if let ResponseKind::Json(ty) = response {
                    add(ty, |u| &mut u.responses);
                }
            }
            for param in &op.params {
                add(&param.ty, |u| &mut u.params);
            }
        }
    }

    let webhooks_gate = feature_gate(api.features.webhooks.as_ref());
    for webhook in &api.webhooks {
        for id in named_in(&webhook.payload) {
            let path = format!("{root}::webhooks::WebhookEvent::{}", webhook.variant);
            let entry = format!(
                "`{}` ({})",
                webhook.event,
                link(&format!("WebhookEvent::{}", webhook.variant), &path, &gate_of(id), &webhooks_gate)
            );
            uses.entry(id).or_default().events.push(entry);
        }
    }

    for (parent_id, parent) in api.types.iter().enumerate() {
        let mut children: Vec<(TypeId, Option<&str>)> = Vec::new();
        match &parent.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    children.extend(named_in(&f.ty).into_iter().map(|id| (id, Some(f.name.as_str()))));
                }
            }
            TypeKind::Union(u) => {
                for v in &u.variants {
                    children.extend(v.ty.iter().flat_map(named_in).map(|id| (id, None)));
                }
            }
            TypeKind::Alias(ty) => children.extend(named_in(ty).into_iter().map(|id| (id, None))),
            _ => {}
        }
        // One entry per child: the parent, with the fields that hold the child.
        let mut by_child: BTreeMap<TypeId, Vec<&str>> = BTreeMap::new();
        for (id, field) in children {
            if id != parent_id {
                let fields = by_child.entry(id).or_default();
                if let Some(field) = field.filter(|f| !fields.contains(f)) {
                    fields.push(field);
                }
            }
        }
        for (id, fields) in by_child {
            let path = format!("{root}::models::{}", parent.name);
            let name = link(&parent.name, &path, &gate_of(id), &gate_of(parent_id));
            let entry = if fields.is_empty() {
                name
            } else {
                let fields: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
                format!("{name} ({})", fields.join(", "))
            };
            uses.entry(id).or_default().parents.push(entry);
        }
    }

    let mut docs = Docs::default();
    for (id, def) in api.types.iter().enumerate() {
        if def.doc.is_none() {
            docs.types.insert(def.name.clone(), type_doc(uses.get(&id)));
        }
        if let TypeKind::Struct(s) = &def.kind {
            for field in s.fields.iter().filter(|f| f.doc.is_none()) {
                docs.fields.insert((def.name.clone(), field.name.clone()), field_doc(api, field));
            }
        }
    }
    docs
}

fn type_doc(uses: Option<&Uses>) -> String {
    let Some(uses) = uses else {
        return "A schema of the API that no operation or webhook event of this version uses (the spec does not describe it).".to_owned();
    };
    let mut lines = Vec::new();
    let mut say = |what: &str, items: &[String]| {
        if !items.is_empty() {
            lines.push(format!("{what} {}.", list(items)));
        }
    };
    say("Request body of", &uses.bodies);
    say("Returned by", &uses.responses);
    say("A parameter of", &uses.params);
    say("The payload of the webhook events", &uses.events);
    say("Used in", &uses.parents);
    lines.join("\n\n")
}

/// What a value of `ty` is, in words.
///
/// A named type is linked: types compile wherever their users do (the gates are closed
/// under references), so the link always resolves.
fn shape(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Named(id) => format!("[`{0}`]({1}::models::{0})", api.types[*id].name, api.crate_path()),
        Ty::String => "a string".to_owned(),
        Ty::Integer => "an integer".to_owned(),
        Ty::Number => "a number".to_owned(),
        Ty::Boolean => "a boolean".to_owned(),
        Ty::Uuid => "a UUID".to_owned(),
        Ty::DateTime => "a date-time (RFC 3339)".to_owned(),
        Ty::Date => "a date (`YYYY-MM-DD`)".to_owned(),
        Ty::Json => "any JSON value".to_owned(),
        Ty::Bytes => "bytes".to_owned(),
        Ty::Vec(inner) => format!("a list of {}", shape(api, inner)),
        Ty::Map(_, value) => format!("a map from names to {}", shape(api, value)),
        Ty::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|t| shape(api, t)).collect();
            format!("a tuple of {}", items.join(", "))
        }
        Ty::Option(inner) => format!("{} or `null`", shape(api, inner)),
    }
}

/// The longest example shown, in characters of JSON.
const EXAMPLE_LIMIT: usize = 80;

fn field_doc(api: &Api, field: &Field) -> String {
    let what = shape(api, &field.ty);
    let null = if field.nullable { " or `null`" } else { "" };
    let mut doc = match field.presence {
        Presence::Required => format!("`{}`: {what}{null}, always present.", field.json_name),
        Presence::RequiredNullable => format!("`{}`: {what}, or `null` (`None`); always present.", field.json_name),
        Presence::Optional => {
            format!("`{}`: {what}{null}; optional (`None` is left out of the JSON).", field.json_name)
        }
        Presence::Tristate => {
            format!("`{}`: {what}{null}; `Patch::Absent` leaves it out, `Patch::Null` sends `null`.", field.json_name)
        }
        Presence::Flatten => format!("The properties the schema does not declare: {what}."),
    };
    if !field.facts.is_empty() {
        doc.push_str(&format!("\n\nSchema: {}.", field.facts.join(", ")));
    }
    if let Some(example) = field.examples.first() {
        let text = example.to_string();
        if text.chars().count() <= EXAMPLE_LIMIT && !text.contains('`') {
            doc.push_str(&format!("\n\nExample: `{text}`."));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn any(features: &[&str]) -> Gate {
        Gate::Any(features.iter().map(|f| (*f).to_owned()).collect::<BTreeSet<_>>())
    }

    #[test]
    fn links_only_where_the_target_is_compiled_whenever_the_item_is() {
        assert!(implies(&any(&["orders"]), &any(&["orders", "customers"])));
        assert!(!implies(&any(&["orders", "customers"]), &any(&["orders"])), "customers alone has no orders()");
        assert!(implies(&Gate::Always, &Gate::Always));
        assert!(!implies(&Gate::Always, &any(&["orders"])));
        assert_eq!(link("x()", "crate::X::x", &any(&["a", "b"]), &any(&["a"])), "`x()`");
        assert_eq!(link("x()", "crate::X::x", &any(&["a"]), &any(&["a"])), "[`x()`](crate::X::x)");
    }

    #[test]
    fn long_lists_are_counted() {
        let items: Vec<String> = (1..=8).map(|i| i.to_string()).collect();
        assert_eq!(list(&items), "1, 2, 3, 4, 5, 6 and 2 more");
        assert_eq!(list(&items[..2]), "1 and 2");
        assert_eq!(list(&items[..1]), "1");
    }
}
