//! The roots of a generated crate: `lib.rs`, and in a crate of several API versions each
//! version's `mod.rs` and the `shared` module's.
//!
//! A crate of one version keeps everything at its root (`crate::Client`, `crate::models`).
//! A crate of several has one module per version (`v2026_04`, `v2026_10`, each behind its
//! cargo feature) holding that version's client handle, models, error bodies and webhook
//! events; what versions have in common is emitted once in `shared` (`crate::share`) and
//! re-exported by each; the crate root re-exports the newest version, so code written for
//! the crate of one version keeps compiling. The runtime, the servers and `API_INFO` are the
//! crate's, shared by every version.

use super::docs;
use super::{cfg_feature, Place, FULL, SHARED};
use crate::ir::Api;
use crate::share::Shared;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `lib.rs` of a crate of one API version; `examples`: it has a spec-example test module.
pub fn lib_rs(api: &Api, examples: bool) -> TokenStream {
    let intro = format!(
        "{} — a typed Rust client, generated from its OpenAPI description (API version `{}`).\n\n{}",
        api.title,
        api.version,
        api.description.as_deref().unwrap_or_default()
    );
    let docs = crate_docs(api, &intro, &features_doc(api, None));
    let attrs = crate_attrs();
    let examples_mod = examples_mod(api, examples);
    let webhooks_mod = webhooks_mod(api);
    let extra_mods = extra_mods(api);
    let api_info = api_info(api, &[api]);
    let server = server_items(api);
    let version = version_items(api, Place::Root, &[]);
    quote! {
        #docs
        #attrs

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

        /// Testing an application without a network (the `test-util` cargo feature): a mock
        /// transport with typed rules per operation and signed webhook deliveries; sample
        /// payloads of every event are in `webhooks::samples`.
        #[cfg(feature = "test-util")]
        pub use runtime::testing;

        #version
        #api_info
        #server
    }
}

/// `lib.rs` of a crate of several API versions (`versions` oldest first): the version
/// modules, the shared module, and the newest version re-exported at the root.
pub fn versioned_lib_rs(versions: &[Api], shared: &Shared) -> TokenStream {
    let newest = versions.last().expect("a versioned crate has versions");
    let module = newest.version_module.as_ref().expect("versions have modules");
    let listed: Vec<String> = versions.iter().map(|api| format!("`{}`", api.version)).collect();
    let intro = format!(
        "{} — a typed Rust client, generated from its OpenAPI descriptions (API versions {}).\n\n{}\n\n\
         Each API version is a module ([`{}`]...) with its own client handle, which sends that version, \
         and its models, error bodies and webhook events; the crate root re-exports the newest, `{}` \
         (`{}::Client` is `{}::{}::Client`). See *API versions* below.",
        newest.title,
        listed.join(", "),
        newest.description.as_deref().unwrap_or_default(),
        module.name,
        newest.version,
        newest.lib_name,
        newest.lib_name,
        module.name,
    );
    let docs = crate_docs(newest, &intro, &features_doc(newest, Some(versions)));
    let attrs = crate_attrs();
    let any_version = any_version_cfg(versions);
    let shared_mod = (!shared.is_empty()).then(|| {
        let shared = format_ident!("{}", SHARED);
        quote! { #any_version mod #shared; }
    });
    let version_mods = versions.iter().map(|api| {
        let module = api.version_module.as_ref().expect("versions have modules");
        let (name, feature) = (format_ident!("{}", module.name), &module.feature);
        quote! { #[cfg(feature = #feature)] pub mod #name; }
    });
    let extra_mods = extra_mods(newest);
    let (name, feature) = (format_ident!("{}", module.name), &module.feature);
    let mut reexported: Vec<proc_macro2::Ident> =
        ["client", "models", "ApiErrorBody", "Client", "ClientBuilder", "Error", "ErrorKind"]
            .iter()
            .map(|item| format_ident!("{}", item))
            .collect();
    reexported.extend(newest.client_alias.as_ref().map(|alias| format_ident!("{}", alias)));
    reexported.push(format_ident!("API_VERSION"));
    let webhooks = (!newest.webhooks.is_empty()).then(|| {
        let cfg = match &newest.features.webhooks {
            Some(webhooks) => quote! { #[cfg(all(feature = #feature, feature = #webhooks))] },
            None => quote! { #[cfg(feature = #feature)] },
        };
        quote! { #cfg pub use #name::webhooks; }
    });
    let api_info = api_info(newest, &versions.iter().collect::<Vec<_>>());
    let server = server_items(newest);
    quote! {
        #docs
        #attrs

        pub mod runtime;
        #shared_mod
        #(#version_mods)*
        #(#extra_mods)*

        pub use runtime::model::Patch;
        pub use runtime::{BuildError, RequestOptions, Response, RetryPolicy};

        /// Testing an application without a network (the `test-util` cargo feature): a mock
        /// transport with typed rules per operation and signed webhook deliveries; sample
        /// payloads of every event are in `webhooks::samples`.
        #[cfg(feature = "test-util")]
        pub use runtime::testing;

        #[cfg(feature = #feature)]
        pub use #name::{#(#reexported),*};
        #webhooks

        // The versions' client handles are built with it.
        #any_version
        #api_info
        #server
    }
}

/// `<version>/mod.rs`: one version's client handle, error types, and its modules;
/// `examples`: it has a spec-example test module.
pub fn version_root_rs(versions: &[Api], index: usize, shared: &Shared, examples: bool) -> TokenStream {
    let api = &versions[index];
    let module = api.version_module.as_ref().expect("versions have modules");
    let newest = index + 1 == versions.len();
    let default_note = if newest {
        format!(
            " It is the crate's newest version: the crate root re-exports it (`{}::Client` is this \
             module's `Client`).",
            api.lib_name
        )
    } else {
        String::new()
    };
    let doc = format!(
        "Version `{}` of the {}: its client handle, which sends `{}` with every request, and its \
         models, error bodies and webhook events (cargo feature `{}`).{default_note}\n\n\
         Types identical in several versions are the same Rust types in each: a value of this \
         version's `models::Customer` is one of another version's when both have the same \
         `Customer`.",
        api.version, api.title, api.version, module.feature,
    );
    let doc = docs::inner_doc_attrs(Some(&doc));
    let place = Place::Version(&module.name);
    let errors_mod = if shared.errors {
        let shared = format_ident!("{}", SHARED);
        quote! {
            pub(crate) use crate::#shared::errors;
        }
    } else {
        quote! { mod errors; }
    };
    let webhooks_mod = webhooks_mod(api);
    let examples_mod = examples_mod(api, examples);
    let others: Vec<&Api> = versions.iter().filter(|other| !std::ptr::eq(*other, api)).collect();
    let version = version_items(api, place, &others);
    quote! {
        #doc

        pub mod client;
        #errors_mod
        pub mod models;
        #webhooks_mod
        #examples_mod

        pub use errors::ApiErrorBody;

        #version
    }
}

/// `shared/mod.rs`: the modules holding what several versions share.
pub fn shared_root_rs(shared: &Shared) -> TokenStream {
    let models = (!shared.types.is_empty()).then(|| quote! { pub(crate) mod models; });
    let client = (!shared.groups.is_empty()).then(|| quote! { pub(crate) mod client; });
    let errors = shared.errors.then(|| quote! { pub(crate) mod errors; });
    quote! {
        //! What several API versions of the crate have in common, emitted once: each version's
        //! modules re-export it, so a type identical in two versions is one Rust type.
        #models
        #client
        #errors
    }
}

/// `#[cfg(any(feature = "v2026-04", feature = "v2026-10"))]`: when any version is compiled.
pub fn any_version_cfg(versions: &[Api]) -> TokenStream {
    let features = versions.iter().filter_map(|api| api.version_module.as_ref()).map(|m| m.feature.as_str());
    quote! { #[cfg(any(#(feature = #features),*))] }
}

/// The crate docs: the introduction, the profile's quick start, then the features.
fn crate_docs(api: &Api, intro: &str, features: &str) -> TokenStream {
    let intro = docs::inner_doc_attrs(Some(intro));
    // The profile's quick start comes first after the introduction, the features after it.
    let crate_docs = docs::inner_planned_lines(api.crate_docs.as_deref());
    let features = docs::inner_planned_lines(Some(features));
    quote! { #intro #crate_docs #features }
}

fn crate_attrs() -> TokenStream {
    quote! {
        #![deny(unsafe_code)]
        #![deny(missing_docs)]
        // docs.rs builds with `--cfg docsrs` on nightly: each feature-gated item shows its feature.
        #![cfg_attr(docsrs, feature(doc_cfg))]
    }
}

fn webhooks_mod(api: &Api) -> Option<TokenStream> {
    (!api.webhooks.is_empty()).then(|| {
        let cfg = cfg_feature(api.features.webhooks.as_deref());
        quote! { #cfg pub mod webhooks; }
    })
}

/// The spec-example test module, if the place has one; it covers models of every group.
fn examples_mod(api: &Api, examples: bool) -> Option<TokenStream> {
    let cfg = if api.features.all().is_empty() {
        quote! { #[cfg(test)] }
    } else {
        quote! { #[cfg(all(test, feature = #FULL))] }
    };
    examples.then(|| quote! { #cfg mod spec_examples; })
}

/// The profile's hand-written modules (`write` copies their files).
fn extra_mods(api: &Api) -> Vec<TokenStream> {
    api.extra_modules
        .iter()
        .map(|extra| {
            let name = format_ident!("{}", extra.name);
            let cfg = extra.cfg.map(|predicate| {
                let predicate: TokenStream = predicate.parse().expect("a profile's cfg predicate is valid Rust");
                quote! { #[cfg(#predicate)] }
            });
            quote! { #cfg pub mod #name; }
        })
        .collect()
}

/// The crate's `API_INFO`: user agent, servers, version header, and every API version.
fn api_info(api: &Api, versions: &[&Api]) -> TokenStream {
    let version_header = match &api.version_header {
        Some(header) => quote! { Some(#header) },
        None => quote! { None },
    };
    let versions = versions.iter().map(|api| api.version.as_str());
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
    quote! {
        static API_INFO: runtime::ApiInfo = runtime::ApiInfo {
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            default_base_url: #default_url,
            version_header: #version_header,
            versions: &[#(#versions),*],
            version_echoed: #version_echoed,
            organization_header: #organization_header,
            env_prefix: #env_prefix,
            servers: &[#(#server_pairs),*],
        };
    }
}

/// The `Server` enum of the spec's servers, if it has any.
fn server_items(api: &Api) -> Option<TokenStream> {
    if api.servers.is_empty() {
        return None;
    }
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
    Some(quote! {
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
    })
}

/// The items every version has at its root (the crate root for a crate of one version):
/// the error aliases, the client handle and its builder, `API_VERSION`, the alias named
/// after the API, and conversions from the handles of `others`.
fn version_items(api: &Api, place: Place<'_>, others: &[&Api]) -> TokenStream {
    let api_version = &api.version;
    let handle_version = match &api.version_header {
        Some(_) => quote! { Some(API_VERSION) },
        None => quote! { None },
    };
    let alias = api.client_alias.as_ref().map(|name| {
        let name = format_ident!("{}", name);
        let doc = format!(" The client, under the API's name: `{name}::builder()`.");
        quote! { #[doc = #doc] pub type #name = Client; }
    });
    let (handle_doc, version_doc) = match place {
        Place::Version(_) => (
            format!(
                " A client of the API, version `{api_version}`: every operation, grouped as in the \
                 API reference (`client.<group>().<operation>(...)`), sent with `{api_version}`."
            ),
            " The API version of this module (`info.version` of its spec).",
        ),
        _ => (
            " A client of the API: every operation, grouped as in the API reference \
             (`client.<group>().<operation>(...)`), sent with the API version this crate speaks."
                .to_owned(),
            " The API version this crate was generated from (`info.version` of the spec).",
        ),
    };
    let conversions = others.iter().filter_map(|other| {
        let module = other.version_module.as_ref()?;
        let (name, feature) = (format_ident!("{}", module.name), &module.feature);
        let doc = format!(
            " The same client (connection pool, credentials, configuration), sending `{api_version}` \
             instead of `{}`: to move one call site at a time to another version.",
            other.version
        );
        Some(quote! {
            #[cfg(feature = #feature)]
            impl From<crate::#name::Client> for Client {
                #[doc = #doc]
                fn from(other: crate::#name::Client) -> Self {
                    Client { client: other.runtime().with_api_version(Some(API_VERSION)) }
                }
            }
        })
    });
    quote! {
        /// The error of every operation: which operation failed and why (see
        /// [`crate::runtime::Error`]), with documented error bodies decoded into [`ApiErrorBody`].
        pub type Error = crate::runtime::Error<ApiErrorBody>;

        /// What went wrong in an [`Error`].
        pub type ErrorKind = crate::runtime::ErrorKind<ApiErrorBody>;

        /// Configures and creates a [`Client`]: credentials, server, timeout, retries.
        pub type ClientBuilder = crate::runtime::ClientBuilder<Client>;

        #alias

        #[doc = #version_doc]
        pub const API_VERSION: &str = #api_version;

        #[doc = #handle_doc]
        ///
        /// Cheap to clone (clones share one connection pool) and `Send + Sync`.
        #[derive(Clone, Debug)]
        pub struct Client {
            client: crate::runtime::Client,
        }

        impl Client {
            /// Starts configuring a client: credentials, server, timeout, retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&crate::API_INFO)
            }

            /// A client configured from the environment (see [`ClientBuilder::with_env`]
            /// for the variables), with the defaults for everything else.
            ///
            /// # Errors
            ///
            /// When a variable is missing or invalid, or the configuration is (see
            /// [`BuildError`](crate::BuildError)).
            pub fn from_env() -> Result<Client, crate::BuildError> {
                Self::builder().with_env()?.build()
            }

            /// A client that sends `token` as its bearer access token and shares everything
            /// else with this one (connection pool, configuration): cheap, so a server can
            /// make one per customer session token (see
            /// [`runtime::Client::with_access_token`](crate::runtime::Client::with_access_token)).
            ///
            /// # Errors
            ///
            /// [`BuildError::InvalidCredential`](crate::BuildError::InvalidCredential) if
            /// `token` cannot be sent in an HTTP header.
            pub fn with_access_token(&self, token: impl Into<String>) -> Result<Client, crate::BuildError> {
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
            /// ([`runtime::Client::execute`](crate::runtime::Client::execute)), with this
            /// client's configuration and version header.
            #[must_use]
            pub fn runtime(&self) -> &crate::runtime::Client {
                &self.client
            }
        }

        impl crate::runtime::ApiHandle for Client {
            const API_VERSION: Option<&'static str> = #handle_version;

            fn from_client(client: crate::runtime::Client) -> Self {
                Client { client }
            }
        }

        #(#conversions)*
    }
}

/// The crate docs' "Cargo features" section, when the crate has features; in a crate of
/// several versions, also their features.
fn features_doc(api: &Api, versions: Option<&[Api]>) -> String {
    let mut doc = String::from("# Cargo features\n\n");
    let features: Vec<String> = api.features.all().iter().map(|f| format!("`{f}`")).collect();
    if let Some(versions) = versions {
        let listed: Vec<String> = versions
            .iter()
            .filter_map(|api| api.version_module.as_ref().map(|m| format!("`{}` (module `{}`)", m.feature, m.name)))
            .collect();
        doc.push_str(&format!(
            "Each API version is a feature: {}; the newest is on by default. Several can be on at \
             once: types identical in several versions are compiled once.\n\n",
            listed.join(", ")
        ));
    }
    if !features.is_empty() {
        let webhooks =
            if api.features.webhooks.is_some() { ", and `webhook-events` holds the `webhooks` module" } else { "" };
        let each = if versions.is_some() { " (in every version that is on)" } else { "" };
        doc.push_str(&format!(
            "Each top-level group of operations is a feature named after its accessor \
             (kebab case){webhooks}{each}, all on through `{FULL}`, the default. With `default-features = false` \
             and only the features an application needs, the crate compiles those groups and the models \
             they use. Features: {}.\n\n",
            features.join(", ")
        ));
    }
    doc.push_str(
        "TLS of the default HTTP client: `rustls` (default; the aws-lc-rs provider, or the one the \
         application installed process-wide) or `native-tls` (the platform's library; it wins when both \
         are on). With neither, pass a `reqwest::Client` to [`runtime::ClientBuilder::http_client`]; `https` base \
         URLs are refused otherwise. `tracing`: a span per request. `test-util` (for `[dev-dependencies]`): \
         the test kit, `testing` (a mock transport under the real client, signed webhook deliveries) and \
         `webhooks::samples` (a sample payload of every event).",
    );
    doc
}
