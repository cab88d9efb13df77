//! How each union is decoded, decided once every type is final: untagged unions of
//! scalars read one JSON scalar through a visitor; the others buffer their JSON, and their
//! untagged arms are tried only where the `const` properties the arm always has match.

use crate::ir::{ConstGuard, JsonKinds, MissingTag, Presence, Ty, TypeDef, TypeKind, UnionVariant};

/// Sets [`crate::ir::UnionDef::scalar`], [`crate::ir::UnionDef::accepts`] and each
/// untagged arm's [`crate::ir::UnionVariant::guards`].
pub(super) fn plan_unions(types: &mut [TypeDef]) {
    for id in 0..types.len() {
        let TypeKind::Union(u) = &types[id].kind else { continue };
        let scalar =
            u.tag.is_none() && u.variants.iter().all(|v| v.ty.as_ref().is_none_or(|ty| scalar_arm(types, ty, 0)));
        let accepts = match u.tag {
            Some(_) => JsonKinds::OBJECT,
            None => u.variants.iter().fold(JsonKinds::default(), |kinds, v| match &v.ty {
                Some(ty) => kinds.with(json_kinds(types, ty, 0)),
                None => kinds.with(JsonKinds::STRING),
            }),
        };
        let guards: Vec<Vec<ConstGuard>> = u
            .variants
            .iter()
            .map(|v| match (&u.tag, &v.ty) {
                (None, Some(ty)) if !scalar => const_guards(types, ty, &[], 0),
                _ => Vec::new(),
            })
            .collect();
        let missing_tag = match &u.tag {
            Some(tag) => missing_tag(types, tag, &u.variants),
            None => MissingTag::Unknown,
        };
        let TypeKind::Union(u) = &mut types[id].kind else { unreachable!("checked above") };
        u.scalar = scalar;
        u.accepts = accepts;
        u.missing_tag = missing_tag;
        for (variant, guards) in u.variants.iter_mut().zip(guards) {
            variant.guards = guards;
        }
    }
}

/// Whether an untagged arm of this type is one JSON scalar (a string, number or boolean,
/// possibly parsed further: date-times, UUIDs, open enums).
fn scalar_arm(types: &[TypeDef], ty: &Ty, depth: usize) -> bool {
    match ty {
        Ty::String | Ty::Integer | Ty::Number | Ty::Boolean | Ty::Uuid | Ty::DateTime | Ty::Date => true,
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Enum(_) => true,
            TypeKind::Alias(inner) => depth < 8 && scalar_arm(types, inner, depth + 1),
            TypeKind::Struct(_) | TypeKind::Union(_) => false,
        },
        Ty::Json | Ty::Bytes | Ty::Vec(_) | Ty::Map(..) | Ty::Tuple(_) | Ty::Option(_) => false,
    }
}

/// What a tagged union makes of an object without its tag: an error when every arm is a
/// struct that requires it, the one arm that may omit it, or (otherwise) the catch-all.
fn missing_tag(types: &[TypeDef], tag: &str, variants: &[UnionVariant]) -> MissingTag {
    let mut optional = Vec::new();
    for (index, variant) in variants.iter().enumerate() {
        // Whether the arm requires the tag: its `const` tag, or a field of that name
        // (a discriminator over a property of enum type).
        let requires = variant.ty.as_ref().and_then(|ty| match ty {
            Ty::Named(id) => match &types[*id].kind {
                TypeKind::Struct(s) if s.tag.as_ref().is_some_and(|(key, _)| key == tag) => Some(s.tag_required),
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .find(|f| f.json_name == tag)
                    .map(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable)),
                _ => None,
            },
            _ => None,
        });
        match requires {
            Some(true) => {}
            Some(false) => optional.push(index),
            None => return MissingTag::Unknown,
        }
    }
    match optional[..] {
        [] => MissingTag::Error,
        [index] => MissingTag::Variant(index),
        _ => MissingTag::Unknown,
    }
}

/// The kinds of JSON value a value of `ty` can be.
pub(crate) fn json_kinds(types: &[TypeDef], ty: &Ty, depth: usize) -> JsonKinds {
    match ty {
        Ty::String | Ty::Uuid | Ty::DateTime | Ty::Date | Ty::Bytes => JsonKinds::STRING,
        Ty::Integer | Ty::Number => JsonKinds::NUMBER,
        Ty::Boolean => JsonKinds::BOOLEAN,
        Ty::Json => JsonKinds::ANY,
        Ty::Vec(_) | Ty::Tuple(_) => JsonKinds::ARRAY,
        Ty::Map(..) => JsonKinds::OBJECT,
        Ty::Option(inner) => json_kinds(types, inner, depth).with(JsonKinds::NULL),
        // A deep chain of aliases and unions: assume anything rather than recurse on.
        Ty::Named(_) if depth > 8 => JsonKinds::ANY,
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Struct(_) => JsonKinds::OBJECT,
            TypeKind::Enum(_) => JsonKinds::STRING,
            TypeKind::Alias(inner) => json_kinds(types, inner, depth + 1),
            TypeKind::Union(u) if u.tag.is_some() => JsonKinds::OBJECT,
            TypeKind::Union(u) => u.variants.iter().fold(JsonKinds::default(), |kinds, v| match &v.ty {
                Some(ty) => kinds.with(json_kinds(types, ty, depth + 1)),
                None => kinds.with(JsonKinds::STRING),
            }),
        },
    }
}

/// The `const` properties a value of `ty` always has: the struct's own tag and, a couple
/// of levels down, the tags of required struct fields.
fn const_guards(types: &[TypeDef], ty: &Ty, prefix: &[String], depth: usize) -> Vec<ConstGuard> {
    let Ty::Named(id) = ty else { return Vec::new() };
    let TypeKind::Struct(s) = &types[*id].kind else { return Vec::new() };
    let mut guards = Vec::new();
    if let Some((key, value)) = &s.tag {
        let mut path = prefix.to_vec();
        path.push(key.clone());
        guards.push(ConstGuard { path, value: value.clone() });
    }
    if depth < 2 {
        for field in s.fields.iter().filter(|f| f.presence == Presence::Required) {
            let mut path = prefix.to_vec();
            path.push(field.json_name.clone());
            guards.extend(const_guards(types, &field.ty, &path, depth + 1));
        }
    }
    guards
}
