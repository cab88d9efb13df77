//! Names given at the end, once every place that uses a type is known: shared inline
//! types (by what most of their uses call them) and union arms.

use super::{Ctx, TypeBuilder};
use crate::ir::{Ty, TypeId, TypeKind};
use crate::names::NameScope;
use std::collections::BTreeMap;

impl TypeBuilder<'_> {
    pub(super) fn name_inline_types(&mut self) {
        let mut order: Vec<(TypeId, Vec<Ctx>)> = std::mem::take(&mut self.sites).into_iter().collect();
        // Widely shared types pick first, so they get the short shared name.
        order.sort_by_key(|(id, sites)| (std::cmp::Reverse(sites.len()), *id));
        for (id, sites) in order {
            let mut by_site: Vec<(bool, &str)> = sites.iter().map(|c| (c.in_operation, c.name.as_str())).collect();
            by_site.sort_by_key(|(in_operation, n)| (*in_operation, n.len(), *n));
            let by_site: Vec<&str> = by_site.into_iter().map(|(_, n)| n).collect();
            // A type used in several places is named by what most of them call it
            // (`metadata` everywhere → `MetadataValue`), which survives spec changes better
            // than the name of whichever schema happens to come first.
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for site in &sites {
                let mut places: Vec<&str> =
                    sites.iter().filter(|c| c.suffix == site.suffix).map(|c| c.name.as_str()).collect();
                places.sort_unstable();
                places.dedup();
                counts.insert(site.suffix.as_str(), places.len());
            }
            let common = counts
                .iter()
                .filter(|(suffix, count)| **count > 1 && !suffix.is_empty() && !self.scope.is_taken(suffix))
                .max_by_key(|(suffix, count)| (**count, std::cmp::Reverse(suffix.len()), std::cmp::Reverse(**suffix)))
                .map(|(suffix, _)| (*suffix).to_owned());
            let name = match common {
                Some(suffix) => self.scope.claim(&suffix),
                None => self.scope.claim(by_site[0]),
            };
            self.types[id].name = name;
            self.types[id].pointer = sites.iter().map(|c| c.pointer.clone()).min().unwrap_or_default();
        }
    }

    /// Names arms that hold inline types (named only now) and drops a prefix or suffix
    /// that repeats the union's own name (`Foo::FooBar` reads as `Foo::Bar`).
    pub(super) fn name_union_arms(&mut self) {
        for id in 0..self.types.len() {
            let TypeKind::Union(u) = &self.types[id].kind else { continue };
            let own = self.types[id].name.clone();
            let names: Vec<String> = u
                .variants
                .iter()
                .map(|v| match (&v.ty, v.name.is_empty()) {
                    (Some(Ty::Named(t)), true) => self.types[*t].name.clone(),
                    _ => v.name.clone(),
                })
                .collect();
            let unknown = u.unknown.clone();
            let mut scope = NameScope::with_reserved(&[unknown.as_str()]);
            let names: Vec<String> = names
                .iter()
                .map(|name| {
                    let short = name.strip_prefix(own.as_str()).filter(|s| !s.is_empty()).unwrap_or(name);
                    let short = short.strip_suffix(own.as_str()).filter(|s| !s.is_empty()).unwrap_or(short);
                    let short = if short.starts_with(|c: char| c.is_ascii_uppercase()) { short } else { name.as_str() };
                    scope.claim(short)
                })
                .collect();
            if let TypeKind::Union(u) = &mut self.types[id].kind {
                for (v, name) in u.variants.iter_mut().zip(names) {
                    v.name = name;
                }
            }
        }
    }
}
