//! How each union is decoded, decided once every type is final: untagged unions of
//! scalars read one JSON scalar through a visitor; the others buffer their JSON, and their
//! untagged arms are tried only where the `const` properties the arm always has match.

use crate::ir::{ConstGuard, Presence, Ty, TypeDef, TypeKind};

/// Sets [`crate::ir::UnionDef::scalar`] and each untagged arm's
/// [`crate::ir::UnionVariant::guards`].
pub(super) fn plan_unions(types: &mut [TypeDef]) {
    for id in 0..types.len() {
        let TypeKind::Union(u) = &types[id].kind else { continue };
        let scalar =
            u.tag.is_none() && u.variants.iter().all(|v| v.ty.as_ref().is_none_or(|ty| scalar_arm(types, ty, 0)));
        let guards: Vec<Vec<ConstGuard>> = u
            .variants
            .iter()
            .map(|v| match (&u.tag, &v.ty) {
                (None, Some(ty)) if !scalar => const_guards(types, ty, &[], 0),
                _ => Vec::new(),
            })
            .collect();
        let TypeKind::Union(u) = &mut types[id].kind else { unreachable!("checked above") };
        u.scalar = scalar;
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
