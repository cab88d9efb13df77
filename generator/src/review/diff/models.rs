//! Model comparisons: models added and removed (with a hint when one looks renamed), kind
//! changes, aliases, struct fields, constructors and `Default`, enum values and union arms,
//! each rated by the model's role (request, response or both).

use super::compare::{match_by, Differ};
use super::{Caveat, ChangeKind, Impact};
use crate::ir::Presence;
use crate::review::surface::{arm_text, Model, ModelKind, Role, StructSurface, Surface};
use std::collections::{BTreeMap, BTreeSet};

/// The rating for a new requirement on building a model: breaking where users build it.
fn construction_impact(role: Role) -> Impact {
    if role.response_only() {
        Impact::MinorCaveat(Caveat::ResponseConstruction)
    } else {
        Impact::Breaking
    }
}

fn either(a: Role, b: Role) -> Role {
    Role { request: a.request || b.request, response: a.response || b.response }
}

fn model_context(kind: &ModelKind, role: Role) -> String {
    format!("{}, {}", kind.word(), role.label())
}

/// Shape of a model without its name, to spot renamed models.
fn shape_key(model: &Model) -> Option<String> {
    match &model.kind {
        ModelKind::Struct(s) if !s.fields.is_empty() => {
            let fields: Vec<String> = s.fields.iter().map(|f| format!("{}:{}", f.name, f.ty)).collect();
            Some(format!("struct {}", fields.join(",")))
        }
        ModelKind::Enum(e) => {
            let values: Vec<&str> = e.values.iter().map(|(_, v)| v.as_str()).collect();
            Some(format!("enum {}", values.join(",")))
        }
        ModelKind::Union(u) => {
            let arms: Vec<String> = u.arms.iter().map(|a| arm_text(a, u.tag.is_some())).collect();
            Some(format!("union {:?} {}", u.tag, arms.join(",")))
        }
        _ => None,
    }
}

impl Differ {
    pub(super) fn models(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.models, &new.models, |x| x.name.clone());
        let unique_shapes = |models: &[&Model]| {
            let mut seen: BTreeMap<String, Option<String>> = BTreeMap::new();
            for x in models {
                if let Some(key) = shape_key(x) {
                    seen.entry(key).and_modify(|v| *v = None).or_insert_with(|| Some(x.name.clone()));
                }
            }
            seen.into_iter().filter_map(|(k, v)| Some((k, v?))).collect::<BTreeMap<_, _>>()
        };
        let added_shapes = unique_shapes(&m.added);
        let removed_shapes = unique_shapes(&m.removed);
        for x in &m.removed {
            let renamed = shape_key(x)
                .filter(|k| removed_shapes.contains_key(k))
                .and_then(|k| added_shapes.get(&k))
                .map(|n| format!("; same shape as the new `{n}`: renamed?"))
                .unwrap_or_default();
            let detail = format!("`{}` ({}){renamed}", x.name, describe(x));
            self.push(ChangeKind::ModelRemoved, Impact::Breaking, &x.name, None, "", detail);
        }
        for x in &m.added {
            let renamed = shape_key(x)
                .filter(|k| added_shapes.contains_key(k))
                .and_then(|k| removed_shapes.get(&k))
                .map(|n| format!("; same shape as the removed `{n}`"))
                .unwrap_or_default();
            let detail = format!("`{}` ({}){renamed}", x.name, describe(x));
            self.push(ChangeKind::ModelAdded, Impact::Minor, &x.name, None, "", detail);
        }
        for (a, b) in m.common {
            self.model(a, b);
        }
    }

    fn model(&mut self, a: &Model, b: &Model) {
        let role = either(a.role, b.role);
        let context = model_context(&b.kind, role);
        let name = a.name.as_str();
        match (&a.kind, &b.kind) {
            (ModelKind::Struct(x), ModelKind::Struct(y)) => self.fields(name, &context, role, x, y),
            (ModelKind::Enum(x), ModelKind::Enum(y)) => {
                let values = match_by(&x.values, &y.values, |(_, v)| v.clone());
                for (variant, value) in values.removed {
                    let detail = format!("`{name}::{variant}` (`{value:?}`) removed");
                    self.push(ChangeKind::EnumValueRemoved, Impact::Breaking, name, Some(value), &context, detail);
                }
                for (variant, value) in values.added {
                    let was = if role.response {
                        format!("; it used to decode as `{}({value:?})`", x.unknown)
                    } else {
                        String::new()
                    };
                    let detail = format!("`{name}::{variant}` (`{value:?}`) added{was}");
                    self.push(
                        ChangeKind::EnumValueAdded,
                        Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                        name,
                        Some(value),
                        &context,
                        detail,
                    );
                }
                for ((v1, value), (v2, _)) in values.common {
                    if v1 != v2 {
                        let detail = format!("variant for `{value:?}` renamed: `{name}::{v1}` → `{name}::{v2}`");
                        self.push(
                            ChangeKind::EnumVariantRenamed,
                            Impact::Breaking,
                            name,
                            Some(value),
                            &context,
                            detail,
                        );
                    }
                }
                self.catch_all(name, &context, &x.unknown, &y.unknown);
            }
            (ModelKind::Union(x), ModelKind::Union(y)) => {
                let tagged = y.tag.is_some();
                let arms = match_by(&x.arms, &y.arms, |arm| arm.name.clone());
                for arm in arms.removed {
                    let detail = format!("arm `{}` removed", arm_text(arm, x.tag.is_some()));
                    self.push(ChangeKind::UnionArmRemoved, Impact::Breaking, name, Some(&arm.name), &context, detail);
                }
                for arm in arms.added {
                    let note = if tagged {
                        ""
                    } else {
                        "; untagged: arms are tried in order, so some JSON may decode differently"
                    };
                    let detail = format!("arm `{}` added{note}", arm_text(arm, tagged));
                    self.push(
                        ChangeKind::UnionArmAdded,
                        Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                        name,
                        Some(&arm.name),
                        &context,
                        detail,
                    );
                }
                for (p, q) in arms.common {
                    if !self.same_opt(&p.ty, &q.ty) {
                        let show = |t: &Option<String>| t.clone().map_or("a literal".to_owned(), |t| format!("`{t}`"));
                        let detail = format!("arm `{}`: {} → {}", p.name, show(&p.ty), show(&q.ty));
                        self.push(ChangeKind::UnionArmRetyped, Impact::Breaking, name, Some(&p.name), &context, detail);
                    } else if p.tag_values != q.tag_values {
                        let detail =
                            format!("arm `{}` now selected by {:?} (was {:?})", p.name, q.tag_values, p.tag_values);
                        self.push(
                            ChangeKind::UnionArmTagsChanged,
                            Impact::Patch,
                            name,
                            Some(&p.name),
                            &context,
                            detail,
                        );
                    }
                }
                if x.tag != y.tag {
                    let show =
                        |t: &Option<String>| t.as_ref().map_or("untagged".to_owned(), |t| format!("tagged by `{t:?}`"));
                    let detail = format!("dispatch: {} → {}", show(&x.tag), show(&y.tag));
                    self.push(ChangeKind::UnionDispatchChanged, Impact::Patch, name, None, &context, detail);
                } else if !tagged {
                    let both: BTreeSet<&str> = x
                        .arms
                        .iter()
                        .map(|a| a.name.as_str())
                        .filter(|n| y.arms.iter().any(|b| b.name == *n))
                        .collect();
                    let order = |u: &crate::review::surface::UnionSurface| {
                        u.arms
                            .iter()
                            .filter(|a| both.contains(a.name.as_str()))
                            .map(|a| a.name.clone())
                            .collect::<Vec<_>>()
                    };
                    if order(x) != order(y) {
                        let detail =
                            format!("arms tried in another order: {} → {}", order(x).join(", "), order(y).join(", "));
                        self.push(ChangeKind::UnionDispatchChanged, Impact::Patch, name, None, &context, detail);
                    }
                }
                self.catch_all(name, &context, &x.unknown, &y.unknown);
            }
            (ModelKind::Alias(x), ModelKind::Alias(y)) => {
                if !self.same(x, y) {
                    let detail = format!("`type {name} = {x}` → `type {name} = {y}`");
                    self.push(ChangeKind::AliasRetyped, Impact::Breaking, name, None, &context, detail);
                }
            }
            (x, y) => {
                let size = match y {
                    ModelKind::Struct(s) => format!(" with {}", plural(s.fields.len(), "field")),
                    ModelKind::Enum(e) => format!(" with {}", plural(e.values.len(), "value")),
                    ModelKind::Union(u) => format!(" with {}", plural(u.arms.len(), "arm")),
                    ModelKind::Alias(ty) => format!(" of `{ty}`"),
                };
                let detail = format!("was {}, now {}{size}", article(x.word()), article(y.word()));
                self.push(ChangeKind::ModelKindChanged, Impact::Breaking, name, None, &context, detail);
            }
        }
    }

    fn catch_all(&mut self, name: &str, context: &str, old: &str, new: &str) {
        if old != new {
            let detail = format!("catch-all variant `{name}::{old}` → `{name}::{new}`");
            self.push(ChangeKind::CatchAllRenamed, Impact::Breaking, name, Some(old), context, detail);
        }
    }

    fn fields(&mut self, name: &str, context: &str, role: Role, x: &StructSurface, y: &StructSurface) {
        let fields = match_by(&x.fields, &y.fields, |f| f.name.clone());
        for f in fields.removed {
            let detail = format!("`{}: {}` removed", f.name, f.ty);
            self.push(ChangeKind::FieldRemoved, Impact::Breaking, name, Some(&f.name), context, detail);
        }
        for f in fields.added {
            let (impact, why) = if f.required() {
                let impact = construction_impact(role);
                let why = if impact.is_breaking() { "callers must set it" } else { "only built in tests and mocks" };
                (impact, format!("new required field `{}: {}` ({why})", f.name, f.ty))
            } else if role.response {
                (
                    Impact::MinorCaveat(Caveat::StructLiterals),
                    format!("new optional field `{}: {}` (decoding unaffected)", f.name, f.ty),
                )
            } else {
                (Impact::MinorCaveat(Caveat::StructLiterals), format!("new optional field `{}: {}`", f.name, f.ty))
            };
            self.push(ChangeKind::FieldAdded, impact, name, Some(&f.name), context, why);
        }
        for (f, g) in fields.common {
            let optional =
                |p: Presence| matches!(p, Presence::Optional | Presence::RequiredNullable | Presence::Tristate);
            let item = Some(f.name.as_str());
            if !self.same(&f.ty, &g.ty) {
                let same_value = self.same(&f.value_ty, &g.value_ty);
                let (kind, what) = if same_value && !optional(f.presence) && optional(g.presence) {
                    (
                        ChangeKind::FieldOptionAdded,
                        if g.presence == Presence::Tristate { "`Patch` added" } else { "`Option` added" },
                    )
                } else if same_value && optional(f.presence) && !optional(g.presence) {
                    (
                        ChangeKind::FieldOptionRemoved,
                        if f.presence == Presence::Tristate { "`Patch` removed" } else { "`Option` removed" },
                    )
                } else {
                    (ChangeKind::FieldRetyped, "retyped")
                };
                let detail = format!("`{}` {what}: `{}` → `{}`", f.name, f.ty, g.ty);
                self.push(kind, Impact::Breaking, name, item, context, detail);
            } else if f.presence != g.presence {
                let how = match g.presence {
                    Presence::Optional => {
                        "may now be absent: `None` is omitted when sending; the field is no longer a `new()` argument"
                    }
                    Presence::RequiredNullable => {
                        "is now always present: `None` is sent as `null`; the field is now a `new()` argument"
                    }
                    _ => "changed presence",
                };
                let detail = format!("`{}: {}` {how}", f.name, f.ty);
                self.push(ChangeKind::FieldWireChanged, Impact::Patch, name, item, context, detail);
            }
            if f.json_name != g.json_name {
                let detail = format!("`{}` JSON name `{:?}` → `{:?}`", f.name, f.json_name, g.json_name);
                self.push(ChangeKind::FieldWireChanged, Impact::Patch, name, item, context, detail);
            }
            if f.deprecated != g.deprecated {
                let detail =
                    format!("`{}` {}", f.name, if g.deprecated { "now deprecated" } else { "no longer deprecated" });
                self.push(ChangeKind::FieldWireChanged, Impact::Patch, name, item, context, detail);
            }
        }
        let ctor = |c: &Option<Vec<String>>| c.as_ref().map(|args| format!("`new({})`", args.join(", ")));
        match (ctor(&x.constructor), ctor(&y.constructor)) {
            (Some(p), Some(q)) if p != q => {
                let detail = format!("constructor {p} → {q}");
                self.push(
                    ChangeKind::ConstructorChanged,
                    construction_impact(role),
                    name,
                    Some("new"),
                    context,
                    detail,
                );
            }
            (Some(p), None) => {
                let why = if y.fields.iter().any(|f| f.required()) {
                    "more than 7 required fields"
                } else {
                    "no required field left"
                };
                let detail = format!("constructor {p} removed ({why})");
                self.push(
                    ChangeKind::ConstructorChanged,
                    construction_impact(role),
                    name,
                    Some("new"),
                    context,
                    detail,
                );
            }
            (None, Some(q)) => self.push(
                ChangeKind::ConstructorChanged,
                Impact::Minor,
                name,
                Some("new"),
                context,
                format!("constructor {q} added"),
            ),
            _ => {}
        }
        if x.default != y.default {
            let (impact, detail) = if y.default {
                (Impact::Minor, "now implements `Default`".to_owned())
            } else {
                (construction_impact(role), "no longer implements `Default` (it has a required field)".to_owned())
            };
            self.push(ChangeKind::DefaultChanged, impact, name, Some("Default"), context, detail);
        }
        if x.tag != y.tag {
            let show =
                |t: &Option<(String, String)>| t.as_ref().map_or("none".to_owned(), |(k, v)| format!("`{k}: {v:?}`"));
            let detail = format!("constant tag {} → {}", show(&x.tag), show(&y.tag));
            self.push(ChangeKind::StructTagChanged, Impact::Patch, name, None, context, detail);
        }
    }
}

/// "a struct", "an enum", "a union", "a type alias".
fn article(word: &str) -> &'static str {
    match word {
        "struct" => "a struct",
        "enum" => "an enum",
        "union" => "a union",
        _ => "a type alias",
    }
}

/// `struct, 12 fields, response`.
fn describe(model: &Model) -> String {
    let role = model.role.label();
    match &model.kind {
        ModelKind::Struct(s) => format!("struct, {}, {role}", plural(s.fields.len(), "field")),
        ModelKind::Enum(e) => format!("enum, {}, {role}", plural(e.values.len(), "value")),
        ModelKind::Union(u) => format!("union, {}, {role}", plural(u.arms.len(), "arm")),
        ModelKind::Alias(ty) => format!("type alias = `{ty}`, {role}"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
