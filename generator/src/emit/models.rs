//! Models: one file per type under `src/models/`.

use super::docs::{field_doc_attrs, type_doc_attrs};
use super::{ty_tokens, Imports};
use crate::ir::{Api, EnumDef, Field, JsonKinds, MissingTag, Presence, StructDef, Ty, TypeDef, TypeKind, UnionDef};
use crate::names::ident;
use crate::share::Shared;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The file of one type: imports plus its definition and impls.
pub fn type_file(api: &Api, def: &TypeDef) -> TokenStream {
    type_file_naming(api, def).0
}

/// [`type_file`], and the models it names (what it imports from its siblings).
pub fn type_file_naming(api: &Api, def: &TypeDef) -> (TokenStream, BTreeSet<String>) {
    let mut imports = Imports::default();
    let body = match &def.kind {
        TypeKind::Struct(s) => struct_def(api, def, s, &mut imports),
        TypeKind::Enum(e) => enum_def(api, def, e, &mut imports),
        TypeKind::Union(u) => union_def(api, def, u, &mut imports),
        TypeKind::Alias(ty) => {
            let name = format_ident!("{}", def.name);
            let ty = ty_tokens(api, ty, &mut imports);
            let docs = type_doc_attrs(api, def);
            quote! { #docs pub type #name = #ty; }
        }
    };
    let models = imports.models().into_iter().filter(|m| *m != def.name).collect();
    let imports = imports.tokens(&def.name);
    (quote! { #imports #body }, models)
}

/// `models/mod.rs`: declares every type module and re-exports its type; a type `shared`
/// picks (the same in several API versions) is re-exported from the shared module instead.
pub fn models_mod(api: &Api, shared: &dyn Fn(&TypeDef) -> bool) -> TokenStream {
    let items = api.types.iter().zip(&api.features.of_type).map(|(def, gate)| {
        let module = format_ident!("{}", def.module);
        let name = format_ident!("{}", def.name);
        let cfg = super::cfg_attr(gate);
        if shared(def) {
            let shared = format_ident!("{}", super::SHARED);
            quote! { #cfg pub use crate::#shared::models::#name; }
        } else {
            quote! { #cfg mod #module; #cfg pub use #module::#name; }
        }
    });
    quote! {
        //! Data types of the API: one per schema of the spec, plus the inline types they need.
        #(#items)*
    }
}

/// `shared/models/mod.rs`: the types several versions share, each compiled when a version
/// that is on needs it.
pub fn shared_models_mod(versions: &[Api], shared: &Shared) -> TokenStream {
    let items = shared.types.iter().filter_map(|(name, owners)| {
        let gates: Vec<(&str, &crate::ir::features::Gate)> = owners
            .iter()
            .filter_map(|&v| {
                let api = &versions[v];
                let id = api.types.iter().position(|def| def.name == *name)?;
                Some((api.version_module.as_ref()?.feature.as_str(), &api.features.of_type[id]))
            })
            .collect();
        let newest = &versions[Shared::newest(owners)];
        let def = newest.types.iter().find(|def| def.name == *name)?;
        let (module, name) = (format_ident!("{}", def.module), format_ident!("{}", def.name));
        let cfg = super::cfg_shared(&gates);
        Some(quote! { #cfg mod #module; #cfg pub use #module::#name; })
    });
    quote! {
        //! The data types several API versions have in common.
        #(#items)*
    }
}

fn field_ty(api: &Api, field: &Field, imports: &mut Imports) -> TokenStream {
    let mut ty = ty_tokens(api, &field.ty, imports);
    if field.boxed {
        ty = quote! { Box<#ty> };
    }
    match field.presence {
        Presence::Required | Presence::Flatten => ty,
        Presence::RequiredNullable | Presence::Optional => quote! { Option<#ty> },
        Presence::Tristate => {
            imports.patch = true;
            quote! { Patch<#ty> }
        }
    }
}

fn struct_def(api: &Api, def: &TypeDef, s: &StructDef, imports: &mut Imports) -> TokenStream {
    let name = format_ident!("{}", def.name);
    // Structs with a flattened map keep serde's derives (they buffer the unknown keys);
    // the others get compact impls from the runtime's `serde_struct!` (see `serde_impls`).
    let derive_serde = s.fields.iter().any(|f| f.presence == Presence::Flatten);
    if derive_serde {
        imports.serde = true;
    }
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_ty(api, f, imports);
        let docs = field_doc_attrs(api, def, f);
        let mut serde_args = Vec::new();
        if derive_serde {
            if f.presence == Presence::Flatten {
                serde_args.push(quote! { flatten });
            } else if f.json_name != f.name {
                let json = &f.json_name;
                serde_args.push(quote! { rename = #json });
            }
            match f.presence {
                Presence::Optional => serde_args.push(quote! { default, skip_serializing_if = "Option::is_none" }),
                Presence::Tristate => serde_args.push(quote! { default, skip_serializing_if = "Patch::is_absent" }),
                Presence::Required | Presence::RequiredNullable | Presence::Flatten => {}
            }
        }
        let serde_attr = (!serde_args.is_empty()).then(|| quote! { #[serde(#(#serde_args),*)] });
        quote! { #docs #serde_attr pub #fname: #ty, }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let default = s.default.then(|| quote! { Default, });
    let docs = type_doc_attrs(api, def);
    let constructor = constructor(api, def, s, imports);
    let (derive, tag, impls) = if derive_serde {
        let tag = s.tag.as_ref().map(|(key, value)| quote! { #[serde(tag = #key, rename = #value)] });
        (quote! { Serialize, Deserialize }, tag, None)
    } else {
        (quote! {}, None, Some(serde_impls(api, def, s)))
    };
    quote! {
        #docs
        #[derive(Clone, Debug, #default PartialEq, #derive)]
        #tag
        pub struct #name { #(#fields)* }
        #constructor
        #impls
    }
}

/// `Serialize` and `Deserialize` for a struct without flattened fields, through the
/// runtime's `serde_struct!` (compact impls; see its docs for why not the derives).
fn serde_impls(api: &Api, def: &TypeDef, s: &StructDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let json = &f.json_name;
        let presence = match f.presence {
            // serde's derive lets a missing field of an `Option` type be `None`; so do we.
            Presence::Required if matches!(api.resolve_alias(&f.ty), Ty::Option(_)) => quote! { nullable },
            Presence::Required | Presence::Flatten => quote! { required },
            Presence::RequiredNullable => quote! { nullable },
            Presence::Optional => quote! { optional },
            Presence::Tristate => quote! { patch },
        };
        // Date-times skip chrono's lenient parser when the text is RFC 3339.
        let seed = match (&f.ty, f.presence) {
            (Ty::DateTime, Presence::Required) => quote! { via crate::runtime::model::Rfc3339 },
            (Ty::DateTime, Presence::Optional | Presence::RequiredNullable) => {
                quote! { via crate::runtime::model::OptionalRfc3339 }
            }
            _ => quote! {},
        };
        quote! { #field: #json #presence #seed, }
    });
    let tag = s.tag.as_ref().map(|(key, value)| quote! { tag #key = #value });
    quote! {
        crate::serde_struct!(#name #tag { #(#fields)* });
    }
}

/// `new(required fields...)` for structs with a few required fields; the rest start empty.
fn constructor(api: &Api, def: &TypeDef, s: &StructDef, imports: &mut Imports) -> Option<TokenStream> {
    if !s.constructor {
        return None;
    }
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        let fname = ident(&f.name);
        match f.presence {
            Presence::Required | Presence::RequiredNullable => {
                let ty = field_ty(api, f, imports);
                let (param_ty, init) = match (&f.ty, f.presence, f.boxed) {
                    (Ty::String, Presence::Required, false) => (quote! { impl Into<String> }, quote! { #fname.into() }),
                    (_, Presence::Required, true) => {
                        let inner = ty_tokens(api, &f.ty, imports);
                        (inner, quote! { Box::new(#fname) })
                    }
                    _ => (ty, quote! { #fname }),
                };
                params.push(quote! { #fname: #param_ty });
                if fname == init.to_string() {
                    inits.push(quote! { #fname });
                } else {
                    inits.push(quote! { #fname: #init });
                }
            }
            Presence::Optional => inits.push(quote! { #fname: None }),
            Presence::Flatten => inits.push(quote! { #fname: BTreeMap::new() }),
            Presence::Tristate => inits.push(quote! { #fname: Patch::Absent }),
        }
    }
    let name = format_ident!("{}", def.name);
    let doc =
        format!(" {} `{}` with the required fields set and every optional field empty.", article(&def.name), def.name);
    Some(quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    })
}

fn enum_def(api: &Api, def: &TypeDef, e: &EnumDef, imports: &mut Imports) -> TokenStream {
    imports.serde_traits = true;
    let name = format_ident!("{}", def.name);
    let unknown = format_ident!("{}", e.unknown);
    let variants: Vec<_> = e.variants.iter().map(|v| format_ident!("{}", v.name)).collect();
    let values: Vec<_> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| {
        let doc = if v.is_empty() { " The empty string.".to_owned() } else { format!(" `{v}`") };
        quote! { #[doc = #doc] }
    });
    let docs = type_doc_attrs(api, def);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the crate does not know; kept as sent.
            #unknown(String),
        }

        impl #name {
            /// The value as it appears in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl crate::runtime::StrEnum for #name {
            fn as_str(&self) -> &str {
                #name::as_str(self)
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::model::deserialize_enum(deserializer)
            }
        }
    }
}

fn union_def(api: &Api, def: &TypeDef, u: &UnionDef, imports: &mut Imports) -> TokenStream {
    imports.serde_traits = true;
    imports.value = true;
    let name = format_ident!("{}", def.name);
    let unknown = format_ident!("{}", u.unknown);
    let scalar = u.scalar;
    let accepts = json_kinds_tokens(u.accepts);
    let mut arms = Vec::new();
    let mut ser = Vec::new();
    let mut de = Vec::new();
    for v in &u.variants {
        let vname = format_ident!("{}", v.name);
        let Some(ty) = &v.ty else {
            let literal = &v.tag_values[0];
            let doc = format!(" The literal `{literal:?}`.");
            arms.push(quote! { #[doc = #doc] #vname });
            ser.push(quote! { Self::#vname => serializer.serialize_str(#literal), });
            de.push(if scalar {
                quote! { if s.is_str(#literal) { return Some(#name::#vname); } }
            } else {
                quote! { if crate::runtime::model::is_literal(raw, #literal) { return Ok(#name::#vname); } }
            });
            continue;
        };
        let mut tokens = ty_tokens(api, ty, imports);
        if v.boxed {
            tokens = quote! { Box<#tokens> };
        }
        let doc = match &u.tag {
            Some(tag) => format!(
                " `{tag}` is {}.",
                v.tag_values.iter().map(|t| format!("`{t:?}`")).collect::<Vec<_>>().join(" or ")
            ),
            None => {
                let name = api.ty_name(ty);
                format!(" {} `{name}`.", article(&name))
            }
        };
        arms.push(quote! { #[doc = #doc] #vname(#tokens) });
        ser.push(quote! { Self::#vname(value) => value.serialize(serializer), });
        if scalar {
            de.push(quote! { if let Some(v) = s.to() { return Some(#name::#vname(v)); } });
            continue;
        }
        match &u.tag {
            Some(_) => {
                let values = &v.tag_values;
                de.push(quote! { Some(#(#values)|*) => crate::runtime::model::decode_arm(raw).map(#name::#vname), });
            }
            None => {
                let attempt = quote! {
                    if let Some(v) = crate::runtime::model::try_arm(raw) { return Ok(#name::#vname(v)); }
                };
                de.push(if v.guards.is_empty() {
                    attempt
                } else {
                    let checks = v.guards.iter().map(|g| {
                        let (path, value) = (&g.path, &g.value);
                        quote! { (&[#(#path),*], #value) }
                    });
                    quote! {
                        if crate::runtime::model::has_consts(raw, &[#(#checks),*]) { #attempt }
                    }
                });
            }
        }
    }
    // The dispatch is a nested fn, so it is compiled once per union whatever the
    // deserializer (only the small runtime entry point is instantiated per deserializer).
    // An object union's `decode` is generic (over how it borrows the raw JSON, always
    // `RawValue`) so that it is compiled only where the union is decoded: a non-generic
    // fn would be compiled in this crate, with the decoders of every arm, whether the
    // application ever decodes the union or not. A scalar union's `pick` is small.
    let deserialize_body = if scalar {
        quote! {
            fn pick(s: crate::runtime::model::Scalar<'_>) -> Option<#name> {
                #(#de)*
                None
            }
            crate::runtime::model::deserialize_scalar(deserializer, pick, Self::#unknown, #accepts)
        }
    } else {
        let dispatch = match &u.tag {
            Some(tag) => {
                let missing = match u.missing_tag {
                    MissingTag::Error => quote! {
                        _ => crate::runtime::model::decode_unknown_tagged(raw, #tag).map(#name::#unknown),
                    },
                    MissingTag::Variant(index) => {
                        let arm = format_ident!("{}", u.variants[index].name);
                        quote! {
                            None => crate::runtime::model::decode_arm(raw).map(#name::#arm),
                            Some(_) => crate::runtime::model::decode_unknown(raw, #accepts).map(#name::#unknown),
                        }
                    }
                    MissingTag::Unknown => quote! {
                        _ => crate::runtime::model::decode_unknown(raw, #accepts).map(#name::#unknown),
                    },
                };
                quote! {
                    match crate::runtime::model::probe_tag(raw, #tag).as_deref() {
                        #(#de)*
                        #missing
                    }
                }
            }
            None => quote! {
                #(#de)*
                crate::runtime::model::decode_unknown(raw, #accepts).map(#name::#unknown)
            },
        };
        raw_deserialize_body(&quote! { #name }, &dispatch)
    };
    let conversions = union_conversions(api, &name, u, imports);
    let query_value = api.query_value_unions.contains(&api_type_id(api, def)).then(|| query_value_impl(&name, u));
    let docs = type_doc_attrs(api, def);
    let unknown_doc = match (&u.tag, u.missing_tag) {
        (Some(tag), MissingTag::Error) => format!(
            " An object whose `{tag}` this version of the crate does not know; kept as sent. A value \
             that is not an object, or an object without a string `{tag}`, is a decode error."
        ),
        (Some(tag), MissingTag::Variant(index)) => format!(
            " An object whose `{tag}` this version of the crate does not know; kept as sent (an object \
             without `{tag}` is {} `{}`). A value that is not an object is a decode error.",
            article(&u.variants[index].name).to_lowercase(),
            u.variants[index].name
        ),
        (Some(tag), MissingTag::Unknown) => format!(
            " An object whose `{tag}` this version of the crate does not know, or that has none; kept \
             as sent. A value that is not an object is a decode error."
        ),
        (None, _) if u.accepts == JsonKinds::ANY => " JSON that matches no known variant; kept as sent.".to_owned(),
        (None, _) => format!(
            " {} that matches no known variant; kept as sent. Other JSON is a decode error.",
            json_kinds_phrase(u.accepts)
        ),
    };
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#arms,)*
            #[doc = #unknown_doc]
            #unknown(Value),
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#ser)*
                    Self::#unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize_body
            }
        }

        #conversions

        #query_value
    }
}

/// The id of a type of `api` (types are compared by address: `def` is one of `api.types`).
fn api_type_id(api: &Api, def: &TypeDef) -> usize {
    api.types.iter().position(|t| std::ptr::eq(t, def)).expect("the type is one of the API's")
}

/// `QueryValue` for a union sent as a query parameter (Polar's metadata filters): text for
/// `form` and delimited parameters, pairs for deepObject maps. Beside the type, so a type
/// shared by several API versions has it once.
fn query_value_impl(name: &proc_macro2::Ident, u: &UnionDef) -> TokenStream {
    let unknown = format_ident!("{}", u.unknown);
    let mut text_arms = Vec::new();
    let mut pair_arms = Vec::new();
    for v in &u.variants {
        let vname = format_ident!("{}", v.name);
        match &v.ty {
            None => {
                let literal = &v.tag_values[0];
                text_arms.push(quote! { Self::#vname => out.push_str(#literal), });
                pair_arms.push(quote! { Self::#vname => out.push((name.to_owned(), #literal.to_owned())), });
            }
            Some(_) => {
                text_arms.push(quote! { Self::#vname(v) => v.write_query_text(out), });
                pair_arms.push(quote! { Self::#vname(v) => v.push_pairs(name, out), });
            }
        }
    }
    quote! {
        impl crate::runtime::QueryValue for #name {
            fn write_query_text(&self, out: &mut String) {
                match self {
                    #(#text_arms)*
                    Self::#unknown(v) => v.write_query_text(out),
                }
            }

            fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
                match self {
                    #(#pair_arms)*
                    Self::#unknown(v) => v.push_pairs(name, out),
                }
            }
        }
    }
}

/// `crate::runtime::model::JsonKinds::OBJECT.with(crate::runtime::model::JsonKinds::ARRAY)`.
fn json_kinds_tokens(kinds: JsonKinds) -> TokenStream {
    if kinds == JsonKinds::ANY {
        return quote! { crate::runtime::model::JsonKinds::ANY };
    }
    let mut names =
        JsonKinds::NAMED.iter().filter(|(kind, _)| kinds.contains(*kind)).map(|(_, name)| format_ident!("{name}"));
    let Some(first) = names.next() else { return quote! { crate::runtime::model::JsonKinds::ANY } };
    let rest = names.map(|name| quote! { .with(crate::runtime::model::JsonKinds::#name) });
    quote! { crate::runtime::model::JsonKinds::#first #(#rest)* }
}

/// `A JSON object or array` (rustdoc of a catch-all arm).
fn json_kinds_phrase(kinds: JsonKinds) -> String {
    let names: Vec<String> = JsonKinds::NAMED
        .iter()
        .filter(|(kind, _)| kinds.contains(*kind))
        .map(|(_, name)| name.to_lowercase())
        .collect();
    match names.split_last() {
        None => "JSON".to_owned(),
        Some((last, [])) => format!("A JSON {last}"),
        Some((last, rest)) => format!("A JSON {} or {last}", rest.join(", ")),
    }
}

/// `From` each arm's payload into the union (`crate::union_from!`), as the IR lists them.
fn union_conversions(api: &Api, name: &proc_macro2::Ident, u: &UnionDef, imports: &mut Imports) -> TokenStream {
    let arms: Vec<TokenStream> = api
        .union_conversions(&name.to_string(), u)
        .into_iter()
        .map(|c| {
            let arm = format_ident!("{}", c.variant.name);
            let ty = ty_tokens(api, c.ty, imports);
            let kind = format_ident!(
                "{}",
                if c.variant.boxed {
                    "boxed"
                } else if c.from_str {
                    "text"
                } else {
                    "plain"
                }
            );
            quote! { #arm(#kind #ty), }
        })
        .collect();
    if arms.is_empty() {
        return TokenStream::new();
    }
    quote! { crate::union_from!(#name { #(#arms)* }); }
}

/// The body of `Deserialize::deserialize` for a type decoded from buffered raw JSON (object
/// unions, the webhook event enum): `dispatch` picks and decodes an arm from `raw`. See
/// `union_def` for why `decode` is generic.
pub(super) fn raw_deserialize_body(name: &TokenStream, dispatch: &TokenStream) -> TokenStream {
    quote! {
        fn decode<Raw>(raw: &Raw) -> Result<#name, serde_json::Error>
        where
            Raw: std::borrow::Borrow<serde_json::value::RawValue> + ?Sized,
        {
            let raw = raw.borrow();
            #dispatch
        }
        crate::runtime::model::deserialize_raw(deserializer, decode::<serde_json::value::RawValue>)
    }
}

/// "A" or "An" before a word (by its first letter, which is what reads right for type names).
fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "An"
    } else {
        "A"
    }
}
