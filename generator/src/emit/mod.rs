//! Stage 4: IR → Rust syntax (`proc_macro2::TokenStream`), one stream per output file.
//!
//! No decisions are made here beyond spelling: names and shapes come from the IR.

pub(crate) mod client;
mod docs;
pub(crate) mod errors;
mod examples;
pub(crate) mod models;
mod roots;
mod webhooks;

use crate::ir::features::{Gate, FULL};
use crate::ir::{Api, Ty};
use crate::share::Shared;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub use docs::sanitize_doc;

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`; nothing for
/// [`Gate::Always`].
fn cfg_attr(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => TokenStream::new(),
        Gate::Any(features) if features.len() == 1 => {
            let feature = features.iter().next();
            quote! { #[cfg(feature = #feature)] }
        }
        Gate::Any(features) => {
            let features = features.iter();
            quote! { #[cfg(any(#(feature = #features),*))] }
        }
    }
}

/// The cfg attribute of one feature; nothing for `None` (a crate without features).
fn cfg_feature(feature: Option<&str>) -> TokenStream {
    match feature {
        Some(feature) => quote! { #[cfg(feature = #feature)] },
        None => TokenStream::new(),
    }
}

/// Where a generated file sits, and so where its code finds the items of its API version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// The crate root: a crate of one API version (`src/models/...`, `crate::models`).
    Root,
    /// The module of one version in a crate of several (`src/v2026_10/...`,
    /// `crate::v2026_10::models`).
    Version(&'a str),
    /// The module of what several versions share (`src/shared/...`, `crate::shared::models`).
    Shared,
}

/// The module holding what several API versions share.
pub const SHARED: &str = "shared";

impl Place<'_> {
    /// The path code uses for this place's `models`, `errors`...: `crate`, `crate::v2026_10`.
    pub fn code_root(self) -> TokenStream {
        match self {
            Place::Root => quote! { crate },
            Place::Version(module) => {
                let module = format_ident!("{}", module);
                quote! { crate::#module }
            }
            Place::Shared => {
                let module = format_ident!("{}", SHARED);
                quote! { crate::#module }
            }
        }
    }

    /// The folder under `src/` (empty at the root, else `v2026_10/`).
    pub fn dir(self) -> String {
        match self {
            Place::Root => String::new(),
            Place::Version(module) => format!("{module}/"),
            Place::Shared => format!("{SHARED}/"),
        }
    }
}

/// One output file: its path under `src/` and its syntax.
pub struct EmittedFile {
    pub path: String,
    pub tokens: TokenStream,
}

/// The crate being emitted: its API versions, oldest first, and what they share. A crate
/// of one version has one API without a version module, and shares nothing.
#[derive(Clone, Copy)]
pub struct Crate<'a> {
    pub versions: &'a [Api],
    pub shared: &'a Shared,
}

impl<'a> Crate<'a> {
    /// Whether the crate has version modules (else its one API is the crate root).
    fn versioned(&self) -> bool {
        self.versions.iter().any(|api| api.version_module.is_some())
    }

    /// Where version `v`'s own files sit.
    fn place(&self, v: usize) -> Place<'a> {
        match &self.versions[v].version_module {
            Some(module) => Place::Version(&module.name),
            None => Place::Root,
        }
    }

    /// The newest version with a type of this name: whose copy a shared type is.
    fn shared_type(&self, name: &str) -> Option<(usize, &'a crate::ir::TypeDef)> {
        let versions = self.shared.types.get(name)?;
        let v = Shared::newest(versions);
        self.versions[v].types.iter().find(|def| def.name == name).map(|def| (v, def))
    }

    /// The newest version with a group of this module: whose copy a shared group is.
    fn shared_group(&self, module: &str) -> Option<(usize, &'a crate::ir::Group)> {
        let versions = self.shared.groups.get(module)?;
        let v = Shared::newest(versions);
        self.versions[v].groups.iter().find(|group| group.module == module).map(|group| (v, group))
    }

    /// Whether version `v` has a spec-example test module.
    fn has_examples(&self, v: usize) -> bool {
        examples::has_examples(&self.versions[v], &|def| self.tests_examples_of(v, def))
    }

    /// Whether version `v` tests the examples of `def`: the newest version having it does.
    fn tests_examples_of(&self, v: usize, def: &crate::ir::TypeDef) -> bool {
        match self.shared.types.get(&def.name) {
            Some(versions) => Shared::newest(versions) == v,
            None => true,
        }
    }
}

/// One generated source file, not yet emitted. Jobs are independent, so the write stage
/// can emit and format them on several threads (`TokenStream` is not `Send`, so each job
/// is emitted on the thread that formats it). Versions are indices into [`Crate::versions`].
pub enum FileJob<'a> {
    /// `lib.rs`.
    Lib,
    /// `<version>/mod.rs` (crates of several versions).
    VersionRoot(usize),
    /// `shared/mod.rs` (crates of several versions that share something).
    SharedRoot,
    /// `models/mod.rs` of a version, or of `shared` (`None`).
    ModelsMod(Option<usize>),
    /// A type's file, in its version's place or in `shared`.
    Type(usize, Place<'a>, &'a crate::ir::TypeDef),
    /// `client/mod.rs` of a version, or of `shared` (`None`).
    ClientMod(Option<usize>),
    /// A group's file, in its version's place or in `shared`.
    Group(usize, Place<'a>, &'a crate::ir::Group),
    /// `errors.rs` of a version, or the shared one.
    Errors(usize, Place<'a>),
    Webhooks(usize),
    /// `webhooks/samples.rs` of a version (the `test-util` feature).
    WebhookSamples(usize),
    Examples(usize),
}

/// Every generated source file of the crate except the copied runtime.
pub fn file_jobs<'a>(krate: &Crate<'a>) -> Vec<FileJob<'a>> {
    let mut jobs = vec![FileJob::Lib];
    if krate.versioned() && !krate.shared.is_empty() {
        jobs.push(FileJob::SharedRoot);
        if !krate.shared.types.is_empty() {
            jobs.push(FileJob::ModelsMod(None));
            jobs.extend(
                krate
                    .shared
                    .types
                    .keys()
                    .filter_map(|name| krate.shared_type(name))
                    .map(|(v, def)| FileJob::Type(v, Place::Shared, def)),
            );
        }
        if !krate.shared.groups.is_empty() {
            jobs.push(FileJob::ClientMod(None));
            jobs.extend(
                krate
                    .shared
                    .groups
                    .keys()
                    .filter_map(|module| krate.shared_group(module))
                    .map(|(v, group)| FileJob::Group(v, Place::Shared, group)),
            );
        }
        if krate.shared.errors {
            jobs.push(FileJob::Errors(krate.versions.len() - 1, Place::Shared));
        }
    }
    for (v, api) in krate.versions.iter().enumerate() {
        let place = krate.place(v);
        if krate.versioned() {
            jobs.push(FileJob::VersionRoot(v));
        }
        jobs.push(FileJob::ModelsMod(Some(v)));
        jobs.extend(
            api.types.iter().filter(|def| !krate.shared.has_type(&def.name, v)).map(|def| FileJob::Type(v, place, def)),
        );
        jobs.push(FileJob::ClientMod(Some(v)));
        jobs.extend(
            api.groups
                .iter()
                .filter(|group| !krate.shared.has_group(&group.module, v))
                .map(|group| FileJob::Group(v, place, group)),
        );
        if !krate.shared.errors {
            jobs.push(FileJob::Errors(v, place));
        }
        if !api.webhooks.is_empty() {
            jobs.push(FileJob::Webhooks(v));
            jobs.push(FileJob::WebhookSamples(v));
        }
        if krate.has_examples(v) {
            jobs.push(FileJob::Examples(v));
        }
    }
    jobs
}

/// The syntax of one file.
pub fn emit_file(krate: &Crate<'_>, job: &FileJob<'_>) -> EmittedFile {
    let versions = krate.versions;
    let (path, tokens) = match *job {
        FileJob::Lib if krate.versioned() => ("lib.rs".to_owned(), roots::versioned_lib_rs(versions, krate.shared)),
        FileJob::Lib => ("lib.rs".to_owned(), roots::lib_rs(&versions[0], krate.has_examples(0))),
        FileJob::VersionRoot(v) => (
            format!("{}mod.rs", krate.place(v).dir()),
            roots::version_root_rs(versions, v, krate.shared, krate.has_examples(v)),
        ),
        FileJob::SharedRoot => (format!("{}mod.rs", Place::Shared.dir()), roots::shared_root_rs(krate.shared)),
        FileJob::ModelsMod(Some(v)) => (
            format!("{}models/mod.rs", krate.place(v).dir()),
            models::models_mod(&versions[v], &|def| krate.shared.has_type(&def.name, v)),
        ),
        FileJob::ModelsMod(None) => {
            (format!("{}models/mod.rs", Place::Shared.dir()), models::shared_models_mod(versions, krate.shared))
        }
        FileJob::Type(v, place, def) => {
            (format!("{}models/{}.rs", place.dir(), def.module), models::type_file(&versions[v], def))
        }
        FileJob::ClientMod(Some(v)) => (
            format!("{}client/mod.rs", krate.place(v).dir()),
            client::client_mod(&versions[v], &|group| krate.shared.has_group(&group.module, v)),
        ),
        FileJob::ClientMod(None) => {
            (format!("{}client/mod.rs", Place::Shared.dir()), client::shared_client_mod(versions, krate.shared))
        }
        FileJob::Group(v, place, group) => {
            (format!("{}client/{}.rs", place.dir(), group.module), client::group_file(&versions[v], group, place))
        }
        FileJob::Errors(v, place) => (format!("{}errors.rs", place.dir()), errors::errors_file(&versions[v], place)),
        FileJob::Webhooks(v) => {
            let place = krate.place(v);
            (format!("{}webhooks.rs", place.dir()), webhooks::webhooks_file(&versions[v], place))
        }
        FileJob::WebhookSamples(v) => {
            let place = krate.place(v);
            (format!("{}webhooks/samples.rs", place.dir()), webhooks::samples_file(&versions[v], place))
        }
        FileJob::Examples(v) => {
            let place = krate.place(v);
            let tokens = examples::examples_file(&versions[v], place, &|def| krate.tests_examples_of(v, def));
            (format!("{}spec_examples.rs", place.dir()), tokens.unwrap_or_default())
        }
    };
    EmittedFile { path, tokens }
}

/// `#[cfg(...)]` of an item shared by several versions: compiled when a version that is on
/// needs it (`gates`: each version's feature and the item's gate in that version).
fn cfg_shared(gates: &[(&str, &Gate)]) -> TokenStream {
    fn predicate(gate: &Gate) -> Option<TokenStream> {
        match gate {
            Gate::Always => None,
            Gate::Any(features) if features.len() == 1 => {
                let feature = features.iter().next();
                Some(quote! { feature = #feature })
            }
            Gate::Any(features) => {
                let features = features.iter();
                Some(quote! { any(#(feature = #features),*) })
            }
        }
    }
    let versions = gates.iter().map(|(version, _)| *version);
    let any_version = quote! { any(#(feature = #versions),*) };
    let first = gates.first().map(|(_, gate)| *gate);
    if gates.iter().all(|(_, gate)| Some(*gate) == first) {
        return match first.and_then(predicate) {
            Some(gate) => quote! { #[cfg(all(#any_version, #gate))] },
            None => quote! { #[cfg(#any_version)] },
        };
    }
    let arms = gates.iter().map(|(version, gate)| match predicate(gate) {
        Some(gate) => quote! { all(feature = #version, #gate) },
        None => quote! { feature = #version },
    });
    quote! { #[cfg(any(#(#arms),*))] }
}

/// The names [`Imports`] may bring into a generated file from other crates (`use ...;`): a
/// model may not take them (`crate::names::reserved_type_names`).
pub const IMPORTED_NAMES: &[&str] = &[
    "BTreeMap",
    "DateTime",
    "NaiveDate",
    "Utc",
    "Deserialize",
    "Deserializer",
    "Serialize",
    "Serializer",
    "Value",
    "Uuid",
];

/// The crate root's own items besides the runtime's re-exports (`lib.rs`): `Server`,
/// `API_VERSION`, `API_INFO`, the client handle and its builder, the error aliases, and the
/// `ApiErrorBody` and `Patch` it re-exports.
pub const CRATE_ROOT_ITEMS: &[&str] =
    &["ApiErrorBody", "Patch", "Server", "API_VERSION", "API_INFO", "Client", "ClientBuilder", "Error", "ErrorKind"];

/// The `use` lines a model file needs, collected while its tokens are built.
#[derive(Default)]
pub struct Imports {
    /// Files outside `models/` import models from `<root>::models` (`crate::models`), model
    /// files from `super`.
    outside_models: Option<TokenStream>,
    /// Items of `crate::runtime` the file uses.
    runtime: BTreeSet<&'static str>,
    /// The file names the API's error body type (`ApiErrorBody`).
    error_body: bool,
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
    /// Where the file's code finds its version's items (`crate` for model files).
    fn code_root(&self) -> TokenStream {
        self.outside_models.clone().unwrap_or_else(|| quote! { crate })
    }

    /// The models the file names.
    fn models(&self) -> BTreeSet<String> {
        self.models.clone()
    }

    /// The imports of a file outside `models/` whose version's items are under `root`
    /// ([`Place::code_root`]).
    fn outside_models(root: TokenStream) -> Self {
        Imports { outside_models: Some(root), ..Imports::default() }
    }

    /// Records that the file uses `crate::runtime::<name>`.
    fn runtime(&mut self, name: &'static str) {
        self.runtime.insert(name);
    }

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
        let mut serde_names = BTreeSet::new();
        if self.serde {
            serde_names.extend(["Deserialize", "Serialize"]);
        }
        if self.serde_traits {
            serde_names.extend(["Deserialize", "Deserializer", "Serialize", "Serializer"]);
        }
        let serde_names: Vec<_> = serde_names.into_iter().map(|n| format_ident!("{}", n)).collect();
        if !serde_names.is_empty() {
            out.extend(quote! { use serde::{#(#serde_names),*}; });
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
        if self.error_body {
            let root = self.outside_models.clone().unwrap_or_else(|| quote! { crate });
            out.extend(quote! { use #root::errors::ApiErrorBody; });
        }
        let runtime: Vec<_> = self.runtime.iter().map(|m| format_ident!("{}", m)).collect();
        match runtime.len() {
            0 => {}
            1 => out.extend(quote! { use crate::runtime::#(#runtime)*; }),
            _ => out.extend(quote! { use crate::runtime::{#(#runtime),*}; }),
        }
        let models: Vec<_> = self.models.iter().filter(|m| *m != own_name).map(|m| format_ident!("{}", m)).collect();
        let base = match &self.outside_models {
            Some(root) => quote! { #root::models },
            None => quote! { super },
        };
        match models.len() {
            0 => {}
            1 => out.extend(quote! { use #base::#(#models)*; }),
            _ => out.extend(quote! { use #base::{#(#models),*}; }),
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
