//! Crate-wide items decided once types and operations exist: the client alias, the
//! `ApiErrorBody` arms and their decoders, the webhook dispatch tag, and the unions that
//! need a `QueryValue` impl. Emit spells these; the review tools read them from here too.

use super::{Api, QueryEncoding, Ty, TypeDef, TypeId, TypeKind};
use crate::names::{self, NameScope};
use std::collections::BTreeSet;

/// A documented error body: one arm of `ApiErrorBody` and the function that decodes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBody {
    /// The body's type (always a named type; others are kept as raw bytes).
    pub ty: Ty,
    /// The arm's name: the type's own name.
    pub variant: String,
    /// The decoder in `errors.rs` operations list by status (`decode_validation_error`).
    pub decoder: String,
}

/// `Polar` for "Polar API", else the title as a type name; `None` when that name is taken
/// by a model, a group handle or a name the crate reserves.
pub(super) fn client_alias(api: &Api) -> Option<String> {
    let name = names::type_name(&api.title);
    let name = name.strip_suffix("Api").filter(|n| !n.is_empty()).unwrap_or(&name).to_owned();
    let taken = api.types.iter().any(|t| t.name == name) || api.groups.iter().any(|g| g.type_name == name);
    (!taken && !names::is_reserved_type_name(&name)).then_some(name)
}

/// The property all webhook payloads are tagged by, if they share exactly one.
pub(super) fn webhook_tag(api: &Api) -> Option<String> {
    let tags: BTreeSet<Option<&str>> = api
        .webhooks
        .iter()
        .map(|w| match &w.payload {
            Ty::Named(id) => match &api.types[*id].kind {
                TypeKind::Struct(s) => s.tag.as_ref().map(|(key, _)| key.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    match tags.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(tag)] => Some((*tag).to_owned()),
        _ => None,
    }
}

/// Names the router's marker of each webhook event (`webhooks::events::OrderPaid`): the
/// variant's name, or `<Variant>Event` when a type the payloads name (and the events
/// module imports) or a name the crate reserves (`Option`, `Result`...) has that name.
pub(super) fn webhook_markers(api: &mut Api) {
    let mut ids = Vec::new();
    for webhook in &api.webhooks {
        webhook.payload.named_types(&mut ids);
    }
    let imported: BTreeSet<String> = ids.into_iter().map(|id| api.types[id].name.clone()).collect();
    let mut scope = NameScope::with_reserved(&imported.iter().map(String::as_str).collect::<Vec<_>>());
    for webhook in &mut api.webhooks {
        webhook.marker = if imported.contains(&webhook.variant) || names::is_reserved_type_name(&webhook.variant) {
            scope.claim(&format!("{}Event", webhook.variant))
        } else {
            scope.claim(&webhook.variant)
        };
    }
}

/// Names the `ApiErrorBody` arm and decoder of each error body type, and the arm for
/// bodies that match no documented schema (`Unrecognized`, or a longer name if a body
/// type already has that one).
pub(super) fn error_bodies(types: &[TypeDef], bodies: Vec<Ty>) -> (Vec<ErrorBody>, String) {
    // Type names are distinct; their snake-case forms need not be.
    let mut decoders = NameScope::new();
    let bodies: Vec<ErrorBody> = bodies
        .into_iter()
        .map(|ty| {
            let variant = match &ty {
                Ty::Named(id) => types[*id].name.clone(),
                other => unreachable!("error bodies are named types, not {other:?}"),
            };
            let decoder = decoders.claim(&format!("decode_{}", names::snake_name(&variant)));
            ErrorBody { ty, variant, decoder }
        })
        .collect();
    let mut scope = NameScope::new();
    for body in &bodies {
        scope.claim(&body.variant);
    }
    let unrecognized = ["Unrecognized", "UnrecognizedBody", "UnrecognizedErrorBody"]
        .into_iter()
        .find(|name| !scope.is_taken(name))
        .map_or_else(|| scope.claim("UnrecognizedBody"), str::to_owned);
    (bodies, unrecognized)
}

/// The unions whose values go into a query string through `QueryValue`: reached from
/// `form` and delimited parameters (whose types all have a text form) and from the
/// values of deepObject maps. Other query parameters are encoded from their JSON.
pub(super) fn query_value_unions(api: &Api) -> Vec<TypeId> {
    fn collect(types: &[TypeDef], ty: &Ty, out: &mut BTreeSet<TypeId>) {
        match ty {
            Ty::Named(id) => {
                if let TypeKind::Union(u) = &types[*id].kind {
                    if out.insert(*id) {
                        u.variants.iter().filter_map(|v| v.ty.as_ref()).for_each(|t| collect(types, t, out));
                    }
                }
            }
            Ty::Vec(inner) | Ty::Option(inner) => collect(types, inner, out),
            Ty::Map(_, value) => collect(types, value, out),
            _ => {}
        }
    }
    let mut unions = BTreeSet::new();
    for p in api.groups.iter().flat_map(|g| &g.operations).flat_map(|op| &op.params) {
        match (p.encoding.query(), &p.ty) {
            (Some(QueryEncoding::Form | QueryEncoding::Delimited(_)), ty) => collect(&api.types, ty, &mut unions),
            (Some(QueryEncoding::DeepObjectEntries), Ty::Map(_, value)) => collect(&api.types, value, &mut unions),
            _ => {}
        }
    }
    unions.into_iter().collect()
}
