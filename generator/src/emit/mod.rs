//! Stage 4: IR → Rust syntax (`proc_macro2::TokenStream`), one stream per output file.
//!
//! No decisions are made here beyond spelling: names and shapes come from the IR.

mod docs;
mod models;

use crate::ir::{Api, Ty};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub use docs::sanitize_doc;

/// One output file: its path under `src/` and its syntax.
pub struct EmittedFile {
    pub path: String,
    pub tokens: TokenStream,
}

/// Every generated source file of the crate except the copied runtime.
pub fn crate_files(api: &Api) -> Vec<EmittedFile> {
    let mut files = vec![
        EmittedFile { path: "lib.rs".into(), tokens: lib_rs(api) },
        EmittedFile { path: "models/mod.rs".into(), tokens: models::models_mod(api) },
    ];
    for def in &api.types {
        files.push(EmittedFile { path: format!("models/{}.rs", def.module), tokens: models::type_file(api, def) });
    }
    files
}

fn lib_rs(api: &Api) -> TokenStream {
    let intro = format!(
        "{} — a typed Rust client, generated from its OpenAPI description (API version `{}`).\n\n{}",
        api.title,
        api.version,
        api.description.as_deref().unwrap_or_default()
    );
    let docs = docs::inner_doc_attrs(Some(&intro));
    let api_version = &api.version;
    quote! {
        #docs
        #![deny(unsafe_code)]

        pub mod models;
        pub mod runtime;

        pub use runtime::model::Patch;

        /// The API version this crate was generated from (`info.version` of the spec).
        pub const API_VERSION: &str = #api_version;
    }
}

/// The `use` lines a model file needs, collected while its tokens are built.
#[derive(Default)]
pub struct Imports {
    models: BTreeSet<String>,
    serde: bool,
    serde_traits: bool,
    value: bool,
    patch: bool,
    uuid: bool,
    datetime: bool,
    date: bool,
    map: bool,
}

impl Imports {
    fn tokens(&self, own_name: &str) -> TokenStream {
        let mut out = TokenStream::new();
        if self.map {
            out.extend(quote! { use std::collections::BTreeMap; });
        }
        if self.datetime && self.date {
            out.extend(quote! { use chrono::{DateTime, NaiveDate, Utc}; });
        } else if self.datetime {
            out.extend(quote! { use chrono::{DateTime, Utc}; });
        } else if self.date {
            out.extend(quote! { use chrono::NaiveDate; });
        }
        match (self.serde, self.serde_traits) {
            (_, true) => out.extend(quote! { use serde::{Deserialize, Deserializer, Serialize, Serializer}; }),
            (true, false) => out.extend(quote! { use serde::{Deserialize, Serialize}; }),
            (false, false) => {}
        }
        if self.value {
            out.extend(quote! { use serde_json::Value; });
        }
        if self.uuid {
            out.extend(quote! { use uuid::Uuid; });
        }
        if self.patch {
            out.extend(quote! { use crate::Patch; });
        }
        let models: Vec<_> = self.models.iter().filter(|m| *m != own_name).map(|m| format_ident!("{}", m)).collect();
        match models.len() {
            0 => {}
            1 => out.extend(quote! { use super::#(#models)*; }),
            _ => out.extend(quote! { use super::{#(#models),*}; }),
        }
        out
    }
}

/// Spelling of a type expression; records the imports it needs.
pub fn ty_tokens(api: &Api, ty: &Ty, imports: &mut Imports) -> TokenStream {
    match ty {
        Ty::Named(id) => {
            let name = &api.types[*id].name;
            imports.models.insert(name.clone());
            let name = format_ident!("{}", name);
            quote! { #name }
        }
        Ty::String => quote! { String },
        Ty::Integer => quote! { i64 },
        Ty::Number => quote! { f64 },
        Ty::Boolean => quote! { bool },
        Ty::Uuid => {
            imports.uuid = true;
            quote! { Uuid }
        }
        Ty::DateTime => {
            imports.datetime = true;
            quote! { DateTime<Utc> }
        }
        Ty::Date => {
            imports.date = true;
            quote! { NaiveDate }
        }
        Ty::Json => {
            imports.value = true;
            quote! { Value }
        }
        Ty::Bytes => quote! { Vec<u8> },
        Ty::Vec(inner) => {
            let inner = ty_tokens(api, inner, imports);
            quote! { Vec<#inner> }
        }
        Ty::Map(key, value) => {
            imports.map = true;
            let key = ty_tokens(api, key, imports);
            let value = ty_tokens(api, value, imports);
            quote! { BTreeMap<#key, #value> }
        }
        Ty::Tuple(items) => {
            let items = items.iter().map(|t| ty_tokens(api, t, imports));
            quote! { (#(#items),*) }
        }
        Ty::Option(inner) => {
            let inner = ty_tokens(api, inner, imports);
            quote! { Option<#inner> }
        }
    }
}
