//! `src/spec_examples.rs`: a unit test that decodes every `example`/`examples` value of
//! the spec's schema properties into the field's Rust type and re-encodes it.
//!
//! Examples are grouped by Rust type so each type is instantiated once, which keeps
//! the test cheap to compile even with hundreds of examples.

use super::{ty_tokens, Imports, Place};
use crate::ir::{Api, Presence, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Whether any property of the spec carries an example.
/// Whether any property of the types `tested` picks carries an example.
pub fn has_examples(api: &Api, tested: &dyn Fn(&TypeDef) -> bool) -> bool {
    api.types
        .iter()
        .filter(|def| tested(def))
        .any(|def| matches!(&def.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| !f.examples.is_empty())))
}

/// The test module of the types `tested` picks (in a crate of several versions, the newest
/// version having a type tests it), or `None` when they have no property examples.
pub fn examples_file(api: &Api, place: Place<'_>, tested: &dyn Fn(&TypeDef) -> bool) -> Option<TokenStream> {
    // Rust type spelling → (tokens, [(where, example JSON)]).
    let mut groups: BTreeMap<String, (TokenStream, Vec<(String, String)>)> = BTreeMap::new();
    let mut imports = Imports::outside_models(place.code_root());
    for def in api.types.iter().filter(|def| tested(def)) {
        let TypeKind::Struct(s) = &def.kind else { continue };
        for field in s.fields.iter().filter(|f| !f.examples.is_empty()) {
            let mut ty = ty_tokens(api, &field.ty, &mut imports);
            if field.boxed {
                ty = quote! { Box<#ty> };
            }
            ty = match field.presence {
                Presence::Required | Presence::Flatten => ty,
                Presence::RequiredNullable | Presence::Optional => quote! { Option<#ty> },
                Presence::Tristate => quote! { crate::Patch<#ty> },
            };
            let entry = groups.entry(ty.to_string()).or_insert_with(|| (ty.clone(), Vec::new()));
            for (i, example) in field.examples.iter().enumerate() {
                let place = format!("{}.{} example {}", def.name, field.json_name, i + 1);
                entry.1.push((place, serde_json::to_string(example).unwrap_or_default()));
            }
        }
    }
    if groups.is_empty() {
        return None;
    }
    let total: usize = groups.values().map(|(_, e)| e.len()).sum();
    let checks = groups.values().map(|(ty, examples)| {
        let places = examples.iter().map(|(p, _)| p);
        let jsons = examples.iter().map(|(_, j)| j);
        quote! { checked += check::<#ty>(&[#((#places, #jsons)),*]); }
    });
    imports.value = true;
    let imports = imports.tokens("");
    Some(quote! {
        //! Every property example of the spec decodes into its field's type and encodes
        //! back to the same JSON (fields left out of the example aside).
        #imports
        use serde::{de::DeserializeOwned, Serialize};

        /// Decodes and re-encodes each example; returns how many were checked.
        fn check<T: DeserializeOwned + Serialize>(examples: &[(&str, &str)]) -> usize {
            for (place, json) in examples {
                let original: Value = serde_json::from_str(json).expect("examples are valid JSON");
                let decoded: T = serde_json::from_value(original.clone())
                    .unwrap_or_else(|e| panic!("{place}: does not decode: {e}\n{json}"));
                let encoded = serde_json::to_value(&decoded).expect("models encode");
                assert!(same(&original, &encoded), "{place}: re-encodes differently\n  example: {original}\n  encoded: {encoded}");
            }
            examples.len()
        }

        /// JSON equality up to what encoding may legitimately change: fields the example
        /// left out (encoded as `null`), number spelling (`1` vs `1.0`) and timestamp
        /// spelling (same instant).
        fn same(original: &Value, encoded: &Value) -> bool {
            match (original, encoded) {
                (Value::Object(a), Value::Object(b)) => {
                    a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
                        && b.iter().all(|(k, w)| a.contains_key(k) || w.is_null())
                }
                (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(v, w)| same(v, w)),
                (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
                (Value::String(a), Value::String(b)) => a == b || same_instant(a, b),
                (a, b) => a == b,
            }
        }

        fn same_instant(a: &str, b: &str) -> bool {
            match (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b)) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            }
        }

        #[test]
        fn every_property_example_round_trips() {
            let mut checked = 0;
            #(#checks)*
            assert_eq!(checked, #total, "every example of the spec is checked");
        }
    })
}
