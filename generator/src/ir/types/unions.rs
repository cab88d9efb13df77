//! `oneOf`/`anyOf` as Rust unions: tagged by a discriminator or a `const` property when
//! every arm has one, else untagged with the arms in the order serde should try them.

use super::schema::{const_string, view};
use super::{Ctx, TypeBuilder};
use crate::error::SpecError;
use crate::ir::{JsonKinds, MissingTag, Ty, TypeKind, UnionDef, UnionVariant};
use crate::names::{self, NameScope};
use openapiv3::{ReferenceOr, Schema, SchemaData};

impl TypeBuilder<'_> {
    pub(super) fn union(
        &mut self,
        variants: &[ReferenceOr<Schema>],
        data: &SchemaData,
        ctx: &Ctx,
    ) -> Result<TypeKind, SpecError> {
        let mut tys = Vec::with_capacity(variants.len());
        for (i, variant) in variants.iter().enumerate() {
            // A `const` alternative is a literal arm, not a type of its own.
            if self.resolve(variant).and_then(const_string).is_some() {
                tys.push(None);
                continue;
            }
            let vctx = ctx.with_suffix(&format!("Variant{i}"), &format!("oneOf/{i}"));
            tys.push(Some(self.ty(variant, &vctx)?));
        }
        if tys.iter().all(Option::is_some) {
            let all: Vec<Ty> = tys.iter().flatten().cloned().collect();
            if let Some(tagged) = self.tagged_union(variants, &all, data, ctx) {
                return Ok(tagged);
            }
        }
        Ok(self.untagged_union(variants, tys))
    }

    /// The property every variant fixes with a `const` (or that the discriminator names),
    /// with the tag values per variant; `None` when the union has no usable tag.
    fn tagged_union(
        &mut self,
        variants: &[ReferenceOr<Schema>],
        tys: &[Ty],
        data: &SchemaData,
        ctx: &Ctx,
    ) -> Option<TypeKind> {
        let consts: Vec<Option<(String, String)>> = variants
            .iter()
            .map(|v| {
                let s = self.resolve(v)?;
                view(s).properties?.iter().find_map(|(name, prop)| match prop {
                    ReferenceOr::Item(p) => const_string(p).map(|c| (name.clone(), c.to_owned())),
                    ReferenceOr::Reference { .. } => None,
                })
            })
            .collect();
        let tag = match &data.discriminator {
            Some(d) => d.property_name.clone(),
            None => consts.first()?.as_ref()?.0.clone(),
        };
        let mut out = Vec::new();
        let mut scope = NameScope::new();
        for ((variant, ty), konst) in variants.iter().zip(tys).zip(&consts) {
            let mut values: Vec<String> = Vec::new();
            if let (Some(d), ReferenceOr::Reference { reference }) = (&data.discriminator, variant) {
                let short = reference.rsplit('/').next().unwrap_or(reference);
                values.extend(
                    d.mapping
                        .iter()
                        .filter(|(_, target)| *target == reference || *target == short)
                        .map(|(k, _)| k.clone()),
                );
            }
            if values.is_empty() {
                match konst {
                    Some((name, value)) if *name == tag => values.push(value.clone()),
                    _ => match (&data.discriminator, variant) {
                        (Some(_), ReferenceOr::Reference { reference }) => {
                            values.push(reference.rsplit('/').next().unwrap_or(reference).to_owned())
                        }
                        _ => return None,
                    },
                }
            }
            // Only objects carry a tag (a union arm's members carry it themselves, and a
            // discriminator mapping vouches for that).
            let from_mapping = data.discriminator.as_ref().is_some_and(|d| !d.mapping.is_empty());
            if !from_mapping && self.resolve(variant).is_none_or(|s| view(s).properties.is_none()) {
                return None;
            }
            // One tag value names the arm (`Customer::Individual`); an arm that several
            // values select is named after its type (`Aggregation::PropertyAggregation`).
            let name = match (values.len(), variant) {
                (1, _) => names::type_name(&values[0]),
                (_, ReferenceOr::Reference { reference }) => {
                    names::type_name(reference.rsplit('/').next().unwrap_or(reference))
                }
                _ => names::type_name(&values.join(" or ")),
            };
            let name = scope.claim(&name);
            out.push(UnionVariant { name, ty: Some(ty.clone()), tag_values: values, boxed: false, guards: Vec::new() });
        }
        let mut all: Vec<&String> = out.iter().flat_map(|v| &v.tag_values).collect();
        let total = all.len();
        all.sort();
        all.dedup();
        if all.len() != total {
            self.warn(&ctx.pointer, format!("union variants share a `{tag}` value: decoded untagged"));
            return None;
        }
        let unknown = if scope.is_taken("Unknown") { scope.claim("UnknownVariant") } else { "Unknown".to_owned() };
        Some(TypeKind::Union(UnionDef {
            tag: Some(tag),
            variants: out,
            unknown,
            scalar: false,
            accepts: JsonKinds::OBJECT,
            missing_tag: MissingTag::Unknown,
        }))
    }

    fn untagged_union(&mut self, variants: &[ReferenceOr<Schema>], tys: Vec<Option<Ty>>) -> TypeKind {
        let mut entries: Vec<(i64, UnionVariant)> = Vec::new();
        let mut scope = NameScope::new();
        for (variant, ty) in variants.iter().zip(tys) {
            let Some(ty) = ty else {
                let value = self.resolve(variant).and_then(const_string).unwrap_or_default().to_owned();
                let name = scope.claim(&names::type_name(&value));
                entries.push((
                    i64::MIN,
                    UnionVariant { name, ty: None, tag_values: vec![value], boxed: false, guards: Vec::new() },
                ));
                continue;
            };
            let (rank, name) = self.variant_rank(&ty, variant);
            // Inline types get their names at the end; their arms are named then.
            let name = if name.is_empty() { name } else { scope.claim(&name) };
            entries.push((
                rank,
                UnionVariant { name, ty: Some(ty), tag_values: Vec::new(), boxed: false, guards: Vec::new() },
            ));
        }
        // Most specific first: serde tries the arms in order and the first match wins.
        entries.sort_by_key(|(rank, _)| *rank);
        let unknown = if scope.is_taken("Unknown") { scope.claim("UnknownVariant") } else { "Unknown".to_owned() };
        TypeKind::Union(UnionDef {
            tag: None,
            variants: entries.into_iter().map(|(_, v)| v).collect(),
            unknown,
            scalar: false,
            accepts: JsonKinds::default(),
            missing_tag: MissingTag::Unknown,
        })
    }

    /// Try order and arm name of an untagged variant.
    fn variant_rank(&self, ty: &Ty, variant: &ReferenceOr<Schema>) -> (i64, String) {
        let (rank, name) = match ty.non_null() {
            Ty::Named(id) => {
                let def = &self.types[*id];
                let required = self.resolve(variant).map_or(0, |s| view(s).required.len() as i64);
                match &def.kind {
                    TypeKind::Enum(_) => (60, def.name.clone()),
                    TypeKind::Alias(Ty::String) => (70, def.name.clone()),
                    // Objects with more required properties are more specific.
                    _ => (-required, def.name.clone()),
                }
            }
            Ty::Integer => (20, "Integer".into()),
            Ty::Number => (21, "Number".into()),
            Ty::Boolean => (22, "Boolean".into()),
            Ty::Uuid => (30, "Uuid".into()),
            Ty::DateTime => (31, "DateTime".into()),
            Ty::Date => (32, "Date".into()),
            Ty::Tuple(_) => (35, "Tuple".into()),
            Ty::Vec(item) => (40, format!("{}List", self.variant_rank(item, variant).1)),
            Ty::Map(_, value) => (45, format!("{}Map", self.variant_rank(value, variant).1)),
            Ty::Bytes => (50, "Bytes".into()),
            Ty::String => (70, "String".into()),
            Ty::Json | Ty::Option(_) => (90, "Value".into()),
        };
        (rank, name)
    }
}
