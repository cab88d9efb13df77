//! Stage 4: IR → Rust syntax (`proc_macro2::TokenStream`), one stream per output file.
//!
//! No decisions are made here beyond spelling: names and shapes come from the IR.

mod client;
mod docs;
mod errors;
mod examples;
mod models;
mod webhooks;

use crate::ir::features::{Gate, FULL};
use crate::ir::{Api, Ty};
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

/// One output file: its path under `src/` and its syntax.
pub struct EmittedFile {
    pub path: String,
    pub tokens: TokenStream,
}

/// One generated source file, not yet emitted. Jobs are independent, so the write stage
/// can emit and format them on several threads (`TokenStream` is not `Send`, so each job
/// is emitted on the thread that formats it).
pub enum FileJob<'a> {
    Lib,
    ModelsMod,
    Type(&'a crate::ir::TypeDef),
    ClientMod,
    Group(&'a crate::ir::Group),
    Errors,
    Webhooks,
    Examples,
}

/// Every generated source file of the crate except the copied runtime.
pub fn file_jobs(api: &Api) -> Vec<FileJob<'_>> {
    let mut jobs = vec![FileJob::Lib, FileJob::ModelsMod];
    jobs.extend(api.types.iter().map(FileJob::Type));
    jobs.push(FileJob::ClientMod);
    jobs.extend(api.groups.iter().map(FileJob::Group));
    jobs.push(FileJob::Errors);
    if !api.webhooks.is_empty() {
        jobs.push(FileJob::Webhooks);
    }
    if examples::has_examples(api) {
        jobs.push(FileJob::Examples);
    }
    jobs
}

/// The syntax of one file.
pub fn emit_file(api: &Api, job: &FileJob<'_>) -> EmittedFile {
    let (path, tokens) = match job {
        FileJob::Lib => ("lib.rs".to_owned(), lib_rs(api)),
        FileJob::ModelsMod => ("models/mod.rs".to_owned(), models::models_mod(api)),
        FileJob::Type(def) => (format!("models/{}.rs", def.module), models::type_file(api, def)),
        FileJob::ClientMod => ("client/mod.rs".to_owned(), client::client_mod(api)),
        FileJob::Group(group) => (format!("client/{}.rs", group.module), client::group_file(api, group)),
        FileJob::Errors => ("errors.rs".to_owned(), errors::errors_file(api)),
        FileJob::Webhooks => ("webhooks.rs".to_owned(), webhooks::webhooks_file(api)),
        FileJob::Examples => ("spec_examples.rs".to_owned(), examples::examples_file(api).unwrap_or_default()),
    };
    EmittedFile { path, tokens }
}

fn lib_rs(api: &Api) -> TokenStream {
    let intro = format!(
        "{} — a typed Rust client, generated from its OpenAPI description (API version `{}`).\n\n{}",
        api.title,
        api.version,
        api.description.as_deref().unwrap_or_default()
    );
    let has_features = !api.features.all().is_empty();
    let docs = docs::inner_doc_attrs(Some(&intro));
    // The profile's quick start comes first after the introduction, the features after it.
    let crate_docs = docs::inner_planned_lines(api.crate_docs.as_deref());
    let features = features_doc(api);
    let features = docs::inner_planned_lines(Some(&features));
    let api_version = &api.version;
    let (version_header, handle_version) = match &api.version_header {
        Some(header) => (quote! { Some(#header) }, quote! { Some(API_VERSION) }),
        None => (quote! { None }, quote! { None }),
    };
    let version_echoed = api.version_echoed;
    let default_url = api.servers.first().map_or("http://localhost", |s| s.url.as_str());
    let organization_header = match &api.organization_header {
        Some(header) => quote! { Some(#header) },
        None => quote! { None },
    };
    let env_prefix = api.lib_name.to_ascii_uppercase();
    let server_pairs = api.servers.iter().map(|s| {
        let name = crate::names::snake_name(&s.name);
        let url = s.url.as_str();
        quote! { (#name, #url) }
    });
    let server_variants: Vec<_> = api.servers.iter().map(|s| format_ident!("{}", s.name)).collect();
    let server_urls: Vec<_> = api.servers.iter().map(|s| s.url.as_str()).collect();
    let server_arms = api.servers.iter().enumerate().map(|(i, s)| {
        let doc = match &s.description {
            Some(d) => format!(" {d}: `{}`.", s.url),
            None => format!(" `{}`.", s.url),
        };
        let name = format_ident!("{}", s.name);
        let default = (i == 0).then(|| quote! { #[default] });
        quote! { #[doc = #doc] #default #name, }
    });
    let server = (!api.servers.is_empty()).then(|| {
        quote! {
            /// The servers the API is published on (the spec's `servers`).
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub enum Server {
                #(#server_arms)*
            }

            impl Server {
                /// The server's base URL.
                pub fn url(self) -> &'static str {
                    match self {
                        #(Self::#server_variants => #server_urls,)*
                    }
                }
            }

            impl runtime::ApiServer for Server {
                fn base_url(&self) -> &'static str {
                    self.url()
                }
            }
        }
    });
    let alias = api.client_alias.as_ref().map(|name| {
        let name = format_ident!("{}", name);
        let doc = format!(" The client, under the API's name: `{name}::builder()`.");
        quote! { #[doc = #doc] pub type #name = Client; }
    });
    let webhooks_mod = (!api.webhooks.is_empty()).then(|| {
        let cfg = cfg_feature(api.features.webhooks.as_deref());
        quote! { #cfg pub mod webhooks; }
    });
    // The examples cover models of every group.
    let examples_cfg = if has_features {
        quote! { #[cfg(all(test, feature = #FULL))] }
    } else {
        quote! { #[cfg(test)] }
    };
    let examples_mod = examples::has_examples(api).then(|| quote! { #examples_cfg mod spec_examples; });
    // The profile's hand-written modules (`write` copies their files).
    let extra_mods = api.extra_modules.iter().map(|extra| {
        let name = format_ident!("{}", extra.name);
        let cfg = extra.cfg.map(|predicate| {
            let predicate: TokenStream = predicate.parse().expect("a profile's cfg predicate is valid Rust");
            quote! { #[cfg(#predicate)] }
        });
        quote! { #cfg pub mod #name; }
    });
    quote! {
        #docs
        #crate_docs
        #features
        #![deny(unsafe_code)]
        #![deny(missing_docs)]
        // docs.rs builds with `--cfg docsrs` on nightly: each feature-gated item shows its feature.
        #![cfg_attr(docsrs, feature(doc_cfg))]

        pub mod client;
        mod errors;
        pub mod models;
        pub mod runtime;
        #webhooks_mod
        #examples_mod
        #(#extra_mods)*

        pub use errors::ApiErrorBody;
        pub use runtime::model::Patch;
        pub use runtime::{BuildError, RequestOptions, Response, RetryPolicy};

        /// The error of every operation: which operation failed and why (see
        /// [`runtime::Error`]), with documented error bodies decoded into [`ApiErrorBody`].
        pub type Error = runtime::Error<ApiErrorBody>;

        /// What went wrong in an [`Error`].
        pub type ErrorKind = runtime::ErrorKind<ApiErrorBody>;

        /// Configures and creates a [`Client`]: credentials, server, timeout, retries.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        #alias

        /// The API version this crate was generated from (`info.version` of the spec).
        pub const API_VERSION: &str = #api_version;

        static API_INFO: runtime::ApiInfo = runtime::ApiInfo {
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            default_base_url: #default_url,
            version_header: #version_header,
            versions: &[API_VERSION],
            version_echoed: #version_echoed,
            organization_header: #organization_header,
            env_prefix: #env_prefix,
            servers: &[#(#server_pairs),*],
        };

        /// A client of the API: every operation, grouped as in the API reference
        /// (`client.<group>().<operation>(...)`), sent with the API version this crate speaks.
        ///
        /// Cheap to clone (clones share one connection pool) and `Send + Sync`.
        #[derive(Clone, Debug)]
        pub struct Client {
            client: runtime::Client,
        }

        impl Client {
            /// Starts configuring a client: credentials, server, timeout, retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&API_INFO)
            }

            /// A client configured from the environment (see [`ClientBuilder::with_env`]
            /// for the variables), with the defaults for everything else.
            ///
            /// # Errors
            ///
            /// When a variable is missing or invalid, or the configuration is (see
            /// [`BuildError`]).
            pub fn from_env() -> Result<Client, BuildError> {
                Self::builder().with_env()?.build()
            }

            /// A client that sends `token` as its bearer access token and shares everything
            /// else with this one (connection pool, configuration): cheap, so a server can
            /// make one per customer session token (see
            /// [`runtime::Client::with_access_token`]).
            ///
            /// # Errors
            ///
            /// [`BuildError::InvalidCredential`] if `token` cannot be sent in an HTTP header.
            pub fn with_access_token(&self, token: impl Into<String>) -> Result<Client, BuildError> {
                self.client.with_access_token(token).map(|client| Client { client })
            }

            /// The base URL requests are sent to, without trailing slash.
            #[must_use]
            pub fn base_url(&self) -> &str {
                self.client.base_url()
            }

            /// The largest response body read into memory, in bytes (see
            /// [`ClientBuilder::max_response_size`]).
            #[must_use]
            pub fn max_response_size(&self) -> usize {
                self.client.max_response_size()
            }

            /// The HTTP client underneath: for requests of your own
            /// ([`runtime::Client::execute`]), with this client's configuration.
            #[must_use]
            pub fn runtime(&self) -> &runtime::Client {
                &self.client
            }
        }

        impl runtime::ApiHandle for Client {
            const API_VERSION: Option<&'static str> = #handle_version;

            fn from_client(client: runtime::Client) -> Self {
                Client { client }
            }
        }

        #server
    }
}

/// The crate docs' "Cargo features" section, when the crate has features.
fn features_doc(api: &Api) -> String {
    let mut doc = String::from("# Cargo features\n\n");
    let features: Vec<String> = api.features.all().iter().map(|f| format!("`{f}`")).collect();
    if !features.is_empty() {
        let webhooks =
            if api.features.webhooks.is_some() { ", and `webhook-events` holds the `webhooks` module" } else { "" };
        doc.push_str(&format!(
            "Each top-level group of operations is a feature named after its accessor \
             (kebab case){webhooks}, all on through `{FULL}`, the default. With `default-features = false` \
             and only the features an application needs, the crate compiles those groups and the models \
             they use. Features: {}.\n\n",
            features.join(", ")
        ));
    }
    doc.push_str(
        "TLS of the default HTTP client: `rustls` (default; the aws-lc-rs provider, or the one the \
         application installed process-wide) or `native-tls` (the platform's library; it wins when both \
         are on). With neither, pass a `reqwest::Client` to [`ClientBuilder::http_client`]; `https` base \
         URLs are refused otherwise. `tracing`: a span per request.",
    );
    doc
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
    /// Files outside `models/` import models from `crate::models`, model files from `super`.
    outside_models: bool,
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
    fn outside_models() -> Self {
        Imports { outside_models: true, ..Imports::default() }
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
            out.extend(quote! { use crate::errors::ApiErrorBody; });
        }
        let runtime: Vec<_> = self.runtime.iter().map(|m| format_ident!("{}", m)).collect();
        match runtime.len() {
            0 => {}
            1 => out.extend(quote! { use crate::runtime::#(#runtime)*; }),
            _ => out.extend(quote! { use crate::runtime::{#(#runtime),*}; }),
        }
        let models: Vec<_> = self.models.iter().filter(|m| *m != own_name).map(|m| format_ident!("{}", m)).collect();
        let base = if self.outside_models {
            quote! { crate::models }
        } else {
            quote! { super }
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
