//! `src/errors.rs`: the `ApiErrorBody` enum of documented error bodies and the decoder of
//! each, which request builders list by status.

use super::{ty_tokens, Imports, Place};
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `src/errors.rs`: the documented error bodies and one decoder per body type.
pub fn errors_file(api: &Api, place: Place<'_>) -> TokenStream {
    let mut imports = Imports::outside_models(place.code_root());
    let variants: Vec<_> = api.error_bodies.iter().map(|b| format_ident!("{}", b.variant)).collect();
    let tys: Vec<_> = api.error_bodies.iter().map(|b| ty_tokens(api, &b.ty, &mut imports)).collect();
    let decoders = api.error_bodies.iter().zip(&tys).zip(&api.features.of_error_decoder).map(|((body, ty), gate)| {
        let (variant, decoder) = (format_ident!("{}", body.variant), format_ident!("{}", body.decoder));
        let doc = format!(" Decodes an error body into [`ApiErrorBody::{variant}`].");
        let cfg = super::cfg_attr(gate);
        quote! {
            #[doc = #doc]
            #cfg
            pub(crate) fn #decoder(body: &[u8]) -> Result<ApiErrorBody, (String, serde_json::Error)> {
                crate::runtime::decode_slice::<#ty>(body).map(ApiErrorBody::#variant)
            }
        }
    });
    let imports = imports.tokens("");
    let unrecognized = format_ident!("{}", api.unrecognized_error);
    quote! {
        //! Error bodies the API documents, decoded by status for each operation.
        #imports

        /// The typed body of a documented error response
        /// (see [`ErrorKind::Api`](crate::runtime::ErrorKind::Api)).
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum ApiErrorBody {
            #(#[doc = concat!(" A [`", stringify!(#variants), "`] body.")] #variants(#tys),)*
            /// A body that matches none of the schemas documented for its status (an
            /// OAuth-style `{"error": "invalid_token"}` for a documented 401, an HTML page from
            /// a proxy...): where and why decoding failed. The bytes are in
            /// [`ErrorKind::Api`](crate::runtime::ErrorKind::Api)'s `raw`.
            #unrecognized {
                /// The JSON path at which decoding failed (`.` for the root, empty when the
                /// body is not JSON).
                path: String,
                /// What the decoder reported.
                message: String,
            },
        }

        impl crate::runtime::ErrorBody for ApiErrorBody {
            fn unrecognized(path: String, message: String) -> Self {
                Self::#unrecognized { path, message }
            }
        }

        /// The JSON of the body as the server sends it, for the `test-util` mock's typed
        /// errors (`When::fails`); the unrecognized arm has none (answer with a `Reply`).
        #[cfg(feature = "test-util")]
        impl serde::Serialize for ApiErrorBody {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(body) => body.serialize(serializer),)*
                    Self::#unrecognized { .. } => Err(serde::ser::Error::custom(
                        "an unrecognized error body has no JSON: answer with a `Reply` of its bytes",
                    )),
                }
            }
        }

        #(#decoders)*
    }
}
