//! Cargo features of the generated crate: one per top-level group of operations
//! (`customers`, `customer-portal`) plus `webhook-events`, all on by default through
//! `full`.
//!
//! Each model is compiled when any feature whose operations or events reach it is on, so
//! an application that turns off default features and picks `customers` type-checks only
//! the models that group needs. Error bodies are reachable from every operation and are
//! always compiled; models nothing reaches are compiled with `full`.

use super::{Api, Ty, TypeKind};
use crate::names::NameScope;
use heck::ToKebabCase;
use std::collections::BTreeSet;

/// Turns on every other feature; the default.
pub const FULL: &str = "full";

/// The `webhooks` module and the event payloads.
const WEBHOOK_EVENTS: &str = "webhook-events";

/// Feature names the generated manifest uses for other things.
const RESERVED: &[&str] = &["default", FULL, WEBHOOK_EVENTS, "tracing", "rustls", "native-tls"];

/// When an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    Always,
    /// When any of these features is on (sorted).
    Any(BTreeSet<String>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Features {
    /// The feature of each group, index-aligned with [`Api::groups`]: its top-level
    /// accessor in kebab case (`None` in a crate without features).
    pub of_group: Vec<Option<String>>,
    /// The feature of the `webhooks` module, when the spec has webhooks (and the crate
    /// has features).
    pub webhooks: Option<String>,
    /// The gate of each type, index-aligned with [`Api::types`].
    pub of_type: Vec<Gate>,
    /// The gate of each error body's decoder, index-aligned with [`Api::error_bodies`]:
    /// the features of the operations documenting it (the bodies themselves are always
    /// compiled, as arms of `ApiErrorBody`).
    pub of_error_decoder: Vec<Gate>,
}

impl Features {
    /// Every feature but `full`, sorted.
    pub fn all(&self) -> Vec<&str> {
        let set: BTreeSet<&str> =
            self.of_group.iter().flatten().map(String::as_str).chain(self.webhooks.as_deref()).collect();
        set.into_iter().collect()
    }
}

/// Decides the features of `api`'s groups and the gate of each of its types. A crate with
/// fewer than two groups and webhooks together has no features: nothing to choose between.
pub fn compute(api: &Api, reserved: &[String]) -> Features {
    let features = gated(api, reserved);
    if features.all().len() >= 2 {
        return features;
    }
    Features {
        of_group: vec![None; api.groups.len()],
        webhooks: None,
        of_type: vec![Gate::Always; api.types.len()],
        of_error_decoder: vec![Gate::Always; api.error_bodies.len()],
    }
}

fn gated(api: &Api, reserved: &[String]) -> Features {
    let mut scope = NameScope::with_reserved(RESERVED);
    for name in reserved {
        scope.claim(name);
    }
    let mut by_top: Vec<(String, String)> = Vec::new();
    let of_group: Vec<String> = api
        .groups
        .iter()
        .map(|group| {
            let top = group.path.first().cloned().unwrap_or_default();
            if let Some((_, feature)) = by_top.iter().find(|(t, _)| *t == top) {
                return feature.clone();
            }
            let kebab = top.to_kebab_case();
            let feature =
                if scope.is_taken(&kebab) { scope.claim(&format!("{kebab}-api")) } else { scope.claim(&kebab) };
            by_top.push((top, feature.clone()));
            feature
        })
        .collect();
    let webhooks = (!api.webhooks.is_empty()).then(|| WEBHOOK_EVENTS.to_owned());

    let mut reached_by: Vec<BTreeSet<String>> = vec![BTreeSet::new(); api.types.len()];
    let mut mark = |roots: Vec<&Ty>, feature: &str| {
        let mut seen = BTreeSet::new();
        for ty in roots {
            reach(api, ty, &mut seen);
        }
        for id in seen {
            reached_by[id].insert(feature.to_owned());
        }
    };
    for (group, feature) in api.groups.iter().zip(&of_group) {
        let mut roots = Vec::new();
        for op in &group.operations {
            roots.extend(op.params.iter().map(|p| &p.ty));
            roots.extend(op.body.iter().map(|b| &b.ty));
            for kind in op.response.kinds() {
                if let super::ResponseKind::Json(ty) = kind {
                    roots.push(ty);
                }
            }
        }
        mark(roots, feature);
    }
    if let Some(feature) = &webhooks {
        mark(api.webhooks.iter().map(|w| &w.payload).collect(), feature);
    }
    let mut always = BTreeSet::new();
    for body in &api.error_bodies {
        reach(api, &body.ty, &mut always);
    }
    let of_type = reached_by
        .into_iter()
        .enumerate()
        .map(|(id, features)| {
            if always.contains(&id) {
                Gate::Always
            } else if features.is_empty() {
                Gate::Any(BTreeSet::from([FULL.to_owned()]))
            } else {
                Gate::Any(features)
            }
        })
        .collect();
    let mut error_users: Vec<BTreeSet<String>> = vec![BTreeSet::new(); api.error_bodies.len()];
    for (group, feature) in api.groups.iter().zip(&of_group) {
        for (_, index) in group.operations.iter().flat_map(|op| &op.errors) {
            error_users[*index].insert(feature.clone());
        }
    }
    let of_error_decoder = error_users.into_iter().map(Gate::Any).collect();
    Features { of_group: of_group.into_iter().map(Some).collect(), webhooks, of_type, of_error_decoder }
}

/// Adds every named type `ty` mentions, directly or through other types, to `seen`.
pub fn reach(api: &Api, ty: &Ty, seen: &mut BTreeSet<usize>) {
    match ty {
        Ty::Named(id) => {
            if !seen.insert(*id) {
                return;
            }
            match &api.types[*id].kind {
                TypeKind::Struct(s) => s.fields.iter().for_each(|f| reach(api, &f.ty, seen)),
                TypeKind::Union(u) => u.variants.iter().filter_map(|v| v.ty.as_ref()).for_each(|t| reach(api, t, seen)),
                TypeKind::Alias(t) => reach(api, t, seen),
                TypeKind::Enum(_) => {}
            }
        }
        Ty::Vec(inner) | Ty::Option(inner) => reach(api, inner, seen),
        Ty::Map(key, value) => {
            reach(api, key, seen);
            reach(api, value, seen);
        }
        Ty::Tuple(items) => items.iter().for_each(|t| reach(api, t, seen)),
        _ => {}
    }
}
