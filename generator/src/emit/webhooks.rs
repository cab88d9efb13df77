//! `src/webhooks.rs`: the `WebhookEvent` enum of every event the spec sends and the
//! re-exports of the runtime's signature verifier.

use super::docs::doc_attrs;
use super::{ty_tokens, Imports, Place};
use crate::ir::{Api, Ty};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `src/webhooks.rs`: the event enum and the verifier re-exports.
pub fn webhooks_file(api: &Api, place: Place<'_>) -> TokenStream {
    let mut imports = Imports::outside_models(place.code_root());
    let tag = &api.webhook_tag;
    let mut arms = Vec::new();
    let mut names = Vec::new();
    let mut de = Vec::new();
    let mut ser = Vec::new();
    for w in &api.webhooks {
        let variant = format_ident!("{}", w.variant);
        let ty = ty_tokens(api, &w.payload, &mut imports);
        let event = &w.event;
        let doc = match &w.doc {
            Some(d) => format!("`{event}`: {d}"),
            None => format!("`{event}`."),
        };
        let docs = doc_attrs(Some(&doc));
        arms.push(quote! { #docs #variant(Box<#ty>) });
        names.push(quote! { Self::#variant(_) => #event, });
        ser.push(quote! { Self::#variant(payload) => payload.serialize(serializer), });
        de.push(match &tag {
            Some(_) => quote! { Some(#event) => crate::runtime::model::decode_arm(raw).map(WebhookEvent::#variant), },
            None => quote! { if let Some(payload) = crate::runtime::model::try_arm(raw) { return Ok(WebhookEvent::#variant(payload)); } },
        });
    }
    // Decoded like a tagged union (see `emit::models`): the payload is buffered as a
    // `RawValue`, the event type probed in its text, and the event decoded from it.
    let dispatch = match &tag {
        Some(tag) => quote! {
            match crate::runtime::model::probe_tag(raw, #tag).as_deref() {
                #(#de)*
                other => {
                    let event_type = other.unwrap_or_default().to_owned();
                    crate::runtime::model::decode_unknown_tagged(raw, #tag)
                        .map(|payload| WebhookEvent::Unknown { event_type, payload })
                }
            }
        },
        None => quote! {
            #(#de)*
            crate::runtime::model::decode_unknown(raw, crate::runtime::model::JsonKinds::OBJECT)
                .map(|payload| WebhookEvent::Unknown { event_type: String::new(), payload })
        },
    };
    let deserialize = super::models::raw_deserialize_body(&quote! { WebhookEvent }, &dispatch);
    let router = router_items(api, place);
    let imports = imports.tokens("");
    // What the sender shows as the secret and how it retries are the profile's to say.
    let notes = api.webhook_notes.as_deref().unwrap_or(
        "Senders retry a delivery that gets no timely 2xx answer, with the same `webhook-id`: \
         answer quickly, and handle each `webhook-id` once.",
    );
    let module_doc = super::docs::inner_doc_attrs(Some(&format!(
        "Webhooks: a typed enum of every event the API sends, and the \
         [Standard Webhooks](https://www.standardwebhooks.com/) signature verifier.\n\n\
         ```no_run\n\
         # fn handle(headers: &http::HeaderMap, body: &[u8], secret: &str) -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {}::webhooks::{{WebhookEvent, WebhookVerifier}};\n\
         // The endpoint's signing secret (`whsec_...`).\n\
         let verifier = WebhookVerifier::new(secret)?;\n\
         let event: WebhookEvent = verifier.verify_and_decode(headers, body)?;\n\
         println!(\"received {{}}\", event.event_type());\n\
         # Ok(()) }}\n\
         ```\n\n\
         `WebhookVerifier::verify_request` takes a whole `http::Request` and keeps the \
         `webhook-id` (`VerifiedWebhook`); with the `axum` cargo feature, \
         `VerifiedWebhook<WebhookEvent>` is an axum extractor that takes the verifier from the \
         application state and answers refused deliveries with `WebhookError::status` (401, or \
         400 for a payload that does not decode).\n\n{notes}",
        api.lib_name
    )));
    let tag_doc =
        tag.as_ref().map(|t| format!(" The event type is read from the payload's `{t}` property.")).unwrap_or_default();
    quote! {
        #module_doc
        #imports
        use serde::{Deserialize, Deserializer, Serialize, Serializer};
        use serde_json::Value;

        pub use crate::runtime::webhooks::{HeaderLookup, VerifiedWebhook, WebhookError, WebhookVerifier};
        #[cfg(feature = "axum")]
        pub use crate::runtime::webhooks::WebhookRejection;

        #[cfg(feature = "test-util")]
        pub mod samples;

        /// A webhook event, decoded from a verified request body.
        #[doc = #tag_doc]
        /// Events this version of the crate does not know decode as [`WebhookEvent::Unknown`]
        /// rather than failing, so an endpoint keeps answering 2xx when new events appear.
        /// New events arrive with new versions of the API, so the enum is non-exhaustive:
        /// a `match` needs a `_` arm.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#arms,)*
            /// An event type this version of the crate does not know; kept as sent.
            Unknown {
                /// The event's type, as sent.
                event_type: String,
                /// The whole payload.
                payload: Value,
            },
        }

        impl WebhookEvent {
            /// The event type, e.g. `order.paid`.
            pub fn event_type(&self) -> &str {
                match self {
                    #(#names)*
                    Self::Unknown { event_type, .. } => event_type,
                }
            }
        }

        impl Serialize for WebhookEvent {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#ser)*
                    Self::Unknown { payload, .. } => payload.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for WebhookEvent {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }

        #router
    }
}

/// Behind the `webhook-router` feature: the router over this `WebhookEvent`, the enum's
/// `RoutableEvent` impl and a marker per event (`events::OrderPaid`) to register handlers.
fn router_items(api: &Api, place: Place<'_>) -> TokenStream {
    let mut imports = Imports::outside_models(place.code_root());
    let type_property = match &api.webhook_tag {
        Some(tag) => quote! { ::core::option::Option::Some(#tag) },
        None => quote! { ::core::option::Option::None },
    };
    let markers = api.webhooks.iter().map(|w| {
        let marker = format_ident!("{}", w.marker);
        let variant = format_ident!("{}", w.variant);
        let payload = ty_tokens(api, &w.payload, &mut imports);
        let event = &w.event;
        let summary = w
            .doc
            .as_deref()
            .and_then(|d| d.lines().map(str::trim).find(|line| !line.is_empty()))
            .map_or_else(|| ".".to_owned(), |line| format!(": {line}"));
        // An intra-doc link to the payload type (imported above), written past `doc_attrs`,
        // which escapes the spec's brackets.
        let receives = match &w.payload {
            Ty::Named(id) => format!(" Its handler receives a `VerifiedWebhook` of [`{}`].", api.types[*id].name),
            _ => " Its handler receives a `VerifiedWebhook` of its payload.".to_owned(),
        };
        let summary_docs = doc_attrs(Some(&format!("`{event}`{summary}")));
        let docs = quote! { #summary_docs #[doc = ""] #[doc = #receives] };
        quote! {
            #docs
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub struct #marker;

            impl crate::runtime::webhooks::router::EventKind<super::WebhookEvent> for #marker {
                type Payload = #payload;
                const EVENT_TYPE: &'static str = #event;

                fn payload(event: super::WebhookEvent) -> ::core::result::Result<#payload, super::WebhookEvent> {
                    match event {
                        super::WebhookEvent::#variant(payload) => ::core::result::Result::Ok(*payload),
                        other => ::core::result::Result::Err(other),
                    }
                }
            }
        }
    });
    let markers: Vec<TokenStream> = markers.collect();
    let imports = imports.tokens("");
    let example = api
        .webhooks
        .first()
        .map_or_else(String::new, |w| format!(": `router.on(events::{}, |delivery| async move {{ ... }})`", w.marker));
    let events_doc = doc_attrs(Some(&format!(
        "One marker per event type, to register a handler with \
         [`WebhookRouter::on`](crate::runtime::webhooks::router::WebhookRouter::on){example}."
    )));
    quote! {
        /// Routes verified deliveries to a handler per event type, deduplicates them by
        /// `webhook-id` and answers as the sender's delivery loop needs (cargo feature
        /// `webhook-router`); see [`router`] for the answers and the sender's retry rules.
        #[cfg(feature = "webhook-router")]
        pub type WebhookRouter = crate::runtime::webhooks::router::WebhookRouter<WebhookEvent>;

        #[cfg(feature = "webhook-router")]
        pub use crate::runtime::webhooks::router;

        #[cfg(feature = "webhook-router")]
        impl crate::runtime::webhooks::router::RoutableEvent for WebhookEvent {
            const TYPE_PROPERTY: ::core::option::Option<&'static str> = #type_property;

            fn event_type(&self) -> &str {
                WebhookEvent::event_type(self)
            }
        }

        #events_doc
        #[cfg(feature = "webhook-router")]
        pub mod events {
            #imports

            #(#markers)*
        }
    }
}

/// `webhooks/samples.rs` (the `test-util` feature): a sample payload of every event, as
/// JSON text built from the spec (`samples::JsonSampler`), and a function per event that
/// decodes it into the event's payload type.
pub fn samples_file(api: &Api, place: Place<'_>) -> TokenStream {
    let mut imports = Imports::outside_models(place.code_root());
    let mut functions = Vec::new();
    let mut events = Vec::new();
    let mut texts = Vec::new();
    for w in &api.webhooks {
        let ty = ty_tokens(api, &w.payload, &mut imports);
        let mut name = crate::names::snake_name(&w.variant);
        if ["all", "json", "decode"].contains(&name.as_str()) {
            name.push_str("_event");
        }
        let function = crate::names::ident(&name);
        let variant = format_ident!("{}", w.variant);
        let event = &w.event;
        // Each sample numbers its own UUIDs: one event's sample does not depend on others.
        let value = crate::samples::JsonSampler::new(api).value(&w.payload, "");
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        let hashes = "#".repeat((1..).find(|n| !text.contains(&format!("\"{}", "#".repeat(*n)))).unwrap_or(1));
        let literal: proc_macro2::Literal =
            format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| proc_macro2::Literal::string(&text));
        let doc = format!(" A sample `{event}` payload (the JSON is [`json`]`(\"{event}\")`).");
        functions.push(quote! {
            #[doc = #doc]
            pub fn #function() -> #ty {
                decode(#event)
            }
        });
        events.push(quote! { WebhookEvent::#variant(Box::new(#function())) });
        texts.push((event.clone(), literal));
    }
    // The texts are `json`'s: the generated code names no constant of its own.
    let arms = texts.iter().map(|(event, literal)| quote! { #event => Some(#literal), });
    let imports = imports.tokens("");
    let (lib, public) = (&api.lib_name, api.public_path());
    let first = api.webhooks.first().map(|w| crate::names::snake_name(&w.variant)).unwrap_or_default();
    let module_doc = super::docs::inner_doc_attrs(Some(&format!(
        "A sample payload of every webhook event (the `test-util` cargo feature), built from the \
         API spec's schemas and property examples: every property set, identifiers numbered \
         (`00000000-0000-4000-8000-000000000001`...), times fixed. Each function decodes its \
         sample into the event's payload type, to change what a test needs before sending it \
         as a signed delivery:\n\n\
         ```ignore\n\
         let mut payload = {public}::webhooks::samples::{first}();\n\
         let delivery = {lib}::testing::WebhookDelivery::new(SECRET, &payload)?;\n\
         ```"
    )));
    quote! {
        #module_doc
        #imports
        use super::WebhookEvent;

        #(#functions)*

        /// One sample of every event, in the spec's order.
        pub fn all() -> Vec<WebhookEvent> {
            vec![#(#events),*]
        }

        /// The sample JSON of an event type (`order.paid`), as a server would send it;
        /// `None` for an event this version does not know.
        pub fn json(event_type: &str) -> Option<&'static str> {
            match event_type {
                #(#arms)*
                _ => None,
            }
        }

        /// Decodes a sample; each is checked to decode by the crate's tests.
        fn decode<T: serde::de::DeserializeOwned>(event: &str) -> T {
            let text = json(event).unwrap_or_default();
            serde_json::from_str(text).unwrap_or_else(|e| panic!("the sample `{event}` payload does not decode: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    const SPEC: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nwebhooks:\n  thing.done:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {id: {type: string}}}\n      responses: {'200': {description: ok}}\n";

    /// The sender's secrets and retry timing are the profile's to describe: a crate for
    /// another spec gets general advice, never Polar's.
    #[test]
    fn module_docs_take_the_profiles_notes_or_general_advice() {
        let generic = crate::generate("t.yaml", SPEC.as_bytes(), &crate::Options::default()).unwrap();
        let docs = &generic.files["src/webhooks.rs"];
        assert!(!docs.contains("Polar"), "{docs}");
        assert!(docs.contains("//! Senders retry a delivery that gets no timely 2xx answer"), "{docs}");
        let options = crate::Options { webhook_notes: Some("Acme waits 3 s.".to_owned()), ..crate::Options::default() };
        let profiled = crate::generate("t.yaml", SPEC.as_bytes(), &options).unwrap();
        let docs = &profiled.files["src/webhooks.rs"];
        assert!(docs.contains("//! Acme waits 3 s.\n") && !docs.contains("Senders retry"), "{docs}");
    }
}
