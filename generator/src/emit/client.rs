//! The client: one file per operation group under `src/client/`, the error-body enum
//! (`src/errors.rs`) and the webhook event enum (`src/webhooks.rs`).
//!
//! Per-operation code is kept thin: a builder struct, its setters, and a
//! `into_request` that fills a runtime `Request`; sending goes through one
//! non-generic runtime path.

use super::docs::doc_attrs;
use super::{ty_tokens, Imports};
use crate::ir::{
    query_text, Api, BodyEncoding, Group, Operation, Param, ParamLocation, QueryEncoding, ResponseKind, Security,
    StatusResponses, Ty, TypeKind,
};
use crate::names::{ident, snake_name};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// `src/client/mod.rs`: group modules, their re-exports and the root accessors.
pub fn client_mod(api: &Api) -> TokenStream {
    let modules = api.groups.iter().zip(&api.features.of_group).map(|(g, feature)| {
        let cfg = super::cfg_feature(feature.as_deref());
        let module = format_ident!("{}", g.module);
        let ty = format_ident!("{}", g.type_name);
        let builders = g.operations.iter().flat_map(|op| {
            let status_enum = match &op.response {
                ResponseKind::ByStatus(responses) => Some(format_ident!("{}", responses.type_name)),
                _ => None,
            };
            std::iter::once(format_ident!("{}", op.builder)).chain(status_enum)
        });
        quote! { #cfg mod #module; #cfg pub use #module::{#ty, #(#builders),*}; }
    });
    let roots = api.groups.iter().zip(&api.features.of_group).filter(|(g, _)| g.path.len() == 1).map(|(g, feature)| {
        let cfg = super::cfg_feature(feature.as_deref());
        let accessor = ident(&g.path[0]);
        let ty = format_ident!("{}", g.type_name);
        let doc = match feature {
            Some(feature) => format!(" Operations of the `{}` group (feature `{feature}`).", g.path.join(".")),
            None => format!(" Operations of the `{}` group.", g.path.join(".")),
        };
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> #ty<'_> {
                #ty::new(self)
            }
        }
    });
    let query_impls = query_value_impls(api);
    quote! {
        //! Operations, grouped as in the API reference: `client.<group>().<operation>(...)`.
        //! Each operation returns a request builder: set optional parameters, then
        //! `.await` it (or call `.send()`); list operations also have `.stream()`.
        use crate::runtime::Client;
        #(#modules)*

        impl Client {
            #(#roots)*
        }

        #query_impls
    }
}

/// `QueryValue` for the unions used as query parameters (Polar's metadata filters).
fn query_value_impls(api: &Api) -> TokenStream {
    let mut unions = BTreeSet::new();
    fn collect(api: &Api, ty: &Ty, out: &mut BTreeSet<usize>) {
        match ty {
            Ty::Named(id) => {
                if let TypeKind::Union(u) = &api.types[*id].kind {
                    if out.insert(*id) {
                        u.variants.iter().filter_map(|v| v.ty.as_ref()).for_each(|t| collect(api, t, out));
                    }
                }
            }
            Ty::Vec(inner) | Ty::Option(inner) => collect(api, inner, out),
            Ty::Map(_, value) => collect(api, value, out),
            _ => {}
        }
    }
    // Only parameters encoded through `QueryValue`: form ones (whose types all have a text
    // form, see `query_text`) and the values of deepObject maps; the others go through JSON.
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for p in op.params.iter().filter(|p| p.location == ParamLocation::Query) {
            match (p.encoding, &p.ty) {
                (QueryEncoding::Form | QueryEncoding::Delimited(_), ty) => collect(api, ty, &mut unions),
                (QueryEncoding::DeepObject, Ty::Map(_, value)) if query_text(&api.types, value, 0) => {
                    collect(api, value, &mut unions)
                }
                _ => {}
            }
        }
    }
    let impls = unions.into_iter().map(|id| {
        let TypeKind::Union(u) = &api.types[id].kind else { unreachable!("only unions are collected") };
        let name = format_ident!("{}", api.types[id].name);
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
        let cfg = super::cfg_attr(&api.features.of_type[id]);
        quote! {
            #cfg
            impl crate::runtime::QueryValue for crate::models::#name {
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
    });
    let impls: Vec<TokenStream> = impls.collect();
    if impls.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #(#impls)*
    }
}

/// One group's file: its handle type, child accessors and every operation's builder.
pub fn group_file(api: &Api, group: &Group) -> TokenStream {
    let mut imports = Imports::outside_models();
    imports.runtime("Client");
    let ty = format_ident!("{}", group.type_name);
    let doc = format!(" Operations of the `{}` group.", group.path.join("."));
    let children =
        api.groups.iter().filter(|g| g.path.len() == group.path.len() + 1 && g.path.starts_with(&group.path)).map(
            |child| {
                let accessor = ident(child.path.last().expect("non-empty path"));
                let child_ty = format_ident!("{}", child.type_name);
                let child_module = format_ident!("{}", child.module);
                let doc = format!(" Operations of the `{}` group.", child.path.join("."));
                quote! {
                    #[doc = #doc]
                    pub fn #accessor(&self) -> super::#child_module::#child_ty<'a> {
                        super::#child_module::#child_ty::new(self.client)
                    }
                }
            },
        );
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for op in &group.operations {
        let (method, builder) = operation(api, op, &mut imports);
        methods.push(method);
        builders.push(builder);
    }
    let imports = imports.tokens("");
    quote! {
        #imports

        #[doc = #doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #ty<'a> {
            client: &'a Client,
        }

        impl<'a> #ty<'a> {
            pub(crate) fn new(client: &'a Client) -> Self {
                Self { client }
            }

            #(#children)*
            #(#methods)*
        }

        #(#builders)*
    }
}

/// How a builder stores a parameter and how its setter/argument accepts it.
struct ParamShape {
    field_ty: TokenStream,
    arg_ty: TokenStream,
    convert: TokenStream,
}

fn param_shape(api: &Api, p: &Param, imports: &mut Imports) -> ParamShape {
    let name = ident(&p.name);
    let ty = ty_tokens(api, &p.ty, imports);
    let (arg_ty, convert) = match &p.ty {
        Ty::String => (quote! { impl Into<String> }, quote! { #name.into() }),
        Ty::Vec(item) => {
            let item = ty_tokens(api, item, imports);
            (quote! { impl IntoIterator<Item = #item> }, quote! { #name.into_iter().collect() })
        }
        _ => (ty.clone(), quote! { #name }),
    };
    let field_ty = if p.required {
        ty
    } else {
        quote! { Option<#ty> }
    };
    ParamShape { field_ty, arg_ty, convert }
}

fn response_ty(api: &Api, kind: &ResponseKind, imports: &mut Imports) -> TokenStream {
    match kind {
        ResponseKind::Json(ty) => ty_tokens(api, ty, imports),
        ResponseKind::Text(_) => quote! { String },
        ResponseKind::Bytes(_) => quote! { bytes::Bytes },
        ResponseKind::Empty => quote! { () },
        ResponseKind::ByStatus(responses) => {
            let name = format_ident!("{}", responses.type_name);
            quote! { #name }
        }
    }
}

/// The enum of an operation whose success responses differ, and how each status
/// decodes into it.
fn status_enum(api: &Api, op: &Operation, responses: &StatusResponses, imports: &mut Imports) -> TokenStream {
    let name = format_ident!("{}", responses.type_name);
    let doc = format!(" What `{}` returns: one variant per documented success status.", op.operation_id);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for arm in &responses.arms {
        let variant = format_ident!("{}", arm.variant);
        let doc = match &arm.description {
            Some(description) => format!("`{}`: {description}", arm.label),
            None => format!("`{}`.", arm.label),
        };
        let doc = doc_attrs(Some(&doc));
        let pattern = match arm.status {
            code @ 100..=599 => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                quote! { #code }
            }
            range => {
                let low = proc_macro2::Literal::u16_unsuffixed(range * 100);
                let high = proc_macro2::Literal::u16_unsuffixed(range * 100 + 99);
                quote! { #low..=#high }
            }
        };
        let (decoder, variant_ty, wrap) = match &arm.kind {
            ResponseKind::Json(_) => {
                (quote! { Json }, Some(response_ty(api, &arm.kind, imports)), quote! { Self::#variant })
            }
            ResponseKind::Text(_) => (quote! { Text }, Some(quote! { String }), quote! { Self::#variant }),
            ResponseKind::Bytes(_) => (quote! { Binary }, Some(quote! { bytes::Bytes }), quote! { Self::#variant }),
            ResponseKind::Empty | ResponseKind::ByStatus(_) => (quote! { Empty }, None, quote! { |()| Self::#variant }),
        };
        variants.push(match variant_ty {
            Some(ty) => quote! { #doc #variant(#ty), },
            None => quote! { #doc #variant, },
        });
        arms.push(quote! { #pattern => raw.decode_variant(operation, crate::runtime::#decoder, #wrap), });
    }
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl crate::runtime::FromStatus for #name {
            fn from_status(operation: &'static str, raw: crate::runtime::RawResponse) -> Result<crate::runtime::Response<Self>, Error> {
                match raw.status.as_u16() {
                    #(#arms)*
                    _ => Err(raw.unexpected(operation)),
                }
            }
        }
    }
}

/// The group method that starts an operation, and the operation's builder.
fn operation(api: &Api, op: &Operation, imports: &mut Imports) -> (TokenStream, TokenStream) {
    // `request_builder!` names its own types by path; these are for the generated part.
    for used in ["Error", "ErrorDecoder", "Method", "Request", "RequestOptions"] {
        imports.runtime(used);
    }
    if !op.security.is_empty() {
        imports.runtime("SecurityScheme");
    }
    if op.params.iter().any(|p| p.location == ParamLocation::Path) {
        imports.runtime("encode_path_segment");
    }
    if op.params.iter().any(|p| p.location == ParamLocation::Header) {
        imports.runtime("HeaderName");
        imports.runtime("HeaderValue");
    }
    let builder = format_ident!("{}", op.builder);
    let method = ident(&op.name);
    let docs = super::docs::operation_doc_attrs(api, op);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let body = op.body.as_ref();
    let body_ty = body.map(|b| ty_tokens(api, &b.ty, imports));

    // Group method: required parameters and a required body are arguments.
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut fields = Vec::new();
    for p in &required {
        let name = ident(&p.name);
        let shape = param_shape(api, p, imports);
        let (field_ty, arg_ty, convert) = (shape.field_ty, shape.arg_ty, shape.convert);
        args.push(quote! { #name: #arg_ty });
        fields.push(quote! { #name: #field_ty, });
        if name == convert.to_string() {
            inits.push(quote! { #name, });
        } else {
            inits.push(quote! { #name: #convert, });
        }
    }
    for p in &optional {
        let name = ident(&p.name);
        let field_ty = param_shape(api, p, imports).field_ty;
        fields.push(quote! { #name: #field_ty, });
        inits.push(quote! { #name: None, });
    }
    let mut setters = Vec::new();
    for p in &optional {
        let name = ident(&p.name);
        let shape = param_shape(api, p, imports);
        let (arg_ty, convert) = (shape.arg_ty, shape.convert);
        let doc = doc_attrs(p.doc.as_deref().or(Some(&format!("Sets `{}`.", p.wire_name))));
        setters.push(quote! {
            #doc
            pub fn #name(mut self, #name: #arg_ty) -> Self {
                self.#name = Some(#convert);
                self
            }
        });
    }
    match (body, &body_ty) {
        (Some(b), Some(ty)) if b.required => {
            args.push(quote! { body: #ty });
            fields.push(quote! { body: #ty, });
            inits.push(quote! { body, });
        }
        (Some(_), Some(ty)) => {
            fields.push(quote! { body: Option<#ty>, });
            inits.push(quote! { body: None, });
            setters.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, body: #ty) -> Self {
                    self.body = Some(body);
                    self
                }
            });
        }
        _ => {}
    }

    let group_method = quote! {
        #docs
        pub fn #method(&self, #(#args),*) -> #builder<'a> {
            #builder {
                client: self.client,
                #(#inits)*
                options: RequestOptions::default(),
            }
        }
    };

    let into_request = into_request(api, op);
    let output = response_ty(api, &op.response, imports);
    let errors = op.errors.iter().map(|(status, index)| {
        let decoder = format_ident!("decode_{}", snake_name(&api.error_variant(*index)));
        quote! { (#status, crate::errors::#decoder) }
    });
    // The body decoder of the operation's `ResponseFuture`, after the output type (the
    // runtime's default is `Json`).
    let decoder = match &op.response {
        ResponseKind::Json(_) => quote! {},
        ResponseKind::Text(_) => quote! { , Text },
        ResponseKind::Bytes(_) => quote! { , Binary },
        ResponseKind::Empty => quote! { , Empty },
        ResponseKind::ByStatus(_) => quote! { , ByStatus },
    };
    let status_enum = match &op.response {
        ResponseKind::ByStatus(responses) => status_enum(api, op, responses, imports),
        _ => quote! {},
    };
    // The shared methods (`runtime/builder.rs`): paginated lists also stream their items and
    // pages; text and binary bodies (Polar's CSV exports) can also be read as a stream.
    let extra = match (&op.pagination, &op.response) {
        (Some(pagination), _) => {
            let item = ty_tokens(api, &pagination.item, imports);
            quote! { ; pages(#item) }
        }
        (None, ResponseKind::Text(_) | ResponseKind::Bytes(_)) => quote! { ; bytes_stream },
        (None, _) => quote! {},
    };
    let doc = format!(
        " Request builder for `{}`: set optional parameters, then `.await` it or call [`send`](Self::send).",
        op.operation_id
    );
    let builder_item = quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields)*
            options: RequestOptions,
        }

        impl<'a> #builder<'a> {
            const ERRORS: &'static [(u16, ErrorDecoder)] = &[#(#errors),*];

            #(#setters)*

            #into_request

        }

        crate::request_builder!(#builder -> #output #decoder #extra);

        #status_enum
    };
    (group_method, builder_item)
}

fn security_tokens(security: &[Security]) -> TokenStream {
    if security.is_empty() {
        return quote! { &[] };
    }
    let items = security.iter().map(|s| match s {
        Security::Bearer => quote! { SecurityScheme::Bearer },
        Security::Basic => quote! { SecurityScheme::Basic },
        Security::ApiKeyHeader(n) => quote! { SecurityScheme::ApiKeyHeader(#n) },
        Security::ApiKeyQuery(n) => quote! { SecurityScheme::ApiKeyQuery(#n) },
        Security::ApiKeyCookie(n) => quote! { SecurityScheme::ApiKeyCookie(#n) },
    });
    quote! { &[#(#items),*] }
}

/// Text of a path parameter, by its type.
fn path_text(api: &Api, p: &Param) -> TokenStream {
    let name = ident(&p.name);
    if p.encoding == QueryEncoding::Json {
        return quote! { &serde_json::to_string(&self.#name).unwrap_or_default() };
    }
    match &p.ty {
        Ty::String => quote! { &self.#name },
        Ty::Named(id) if matches!(api.types[*id].kind, TypeKind::Enum(_)) => quote! { self.#name.as_str() },
        _ => quote! { &self.#name.to_string() },
    }
}

fn into_request(api: &Api, op: &Operation) -> TokenStream {
    let op_id = &op.operation_id;
    let template = &op.path;
    let method = format_ident!("{}", op.method);
    // `/v1/orgs/{id}` → `format!("/v1/orgs/{}", encode_path_segment(..))`.
    let mut format = String::new();
    let mut format_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
        format.push_str(&rest[..open].replace('{', "{{").replace('}', "}}"));
        let name = &rest[open + 1..close];
        match op.params.iter().find(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            Some(p) => {
                format.push_str("{}");
                let text = path_text(api, p);
                format_args.push(quote! { encode_path_segment(#text) });
            }
            None => format.push_str(&format!("{{{{{name}}}}}")),
        }
        rest = &rest[close + 1..];
    }
    format.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path = if format_args.is_empty() {
        quote! { #format }
    } else {
        quote! { format!(#format, #(#format_args),*) }
    };
    let security = security_tokens(&op.security);
    let accept = op.response.accept().map(|a| quote! { .accept(#a) });
    let mut steps = Vec::new();
    for p in &op.params {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let value = if p.required {
            quote! { Some(&self.#name) }
        } else {
            quote! { self.#name.as_ref() }
        };
        // Objects are turned into JSON first: the runtime encodes a JSON object as
        // `name[key]=value` pairs, and form-style objects as `key=value` pairs.
        let to_json = quote! {
            serde_json::to_value(value).map_err(|e| Error::invalid_request(#op_id, format!("parameter `{}`: {e}", #wire)))?
        };
        match (p.location, p.encoding) {
            (ParamLocation::Query, QueryEncoding::Form) => {
                steps.push(quote! { request = request.query(#wire, &self.#name); })
            }
            (ParamLocation::Query, QueryEncoding::DeepObject) if matches!(&p.ty, Ty::Map(_, value) if query_text(&api.types, value, 0)) =>
            {
                steps.push(quote! {
                    if let Some(entries) = #value {
                        request = request.deep_object(#wire, entries);
                    }
                });
            }
            (ParamLocation::Query, QueryEncoding::DeepObject) => steps.push(quote! {
                if let Some(value) = #value {
                    request = request.query(#wire, &#to_json);
                }
            }),
            (ParamLocation::Query, QueryEncoding::FormObject) => steps.push(quote! {
                if let Some(value) = #value {
                    match #to_json {
                        serde_json::Value::Object(properties) => {
                            for (key, value) in &properties {
                                request = request.query(key, value);
                            }
                        }
                        // A union's scalar arm.
                        other => request = request.query(#wire, &other),
                    }
                }
            }),
            (ParamLocation::Query, QueryEncoding::Delimited(sep)) => steps.push(quote! {
                if let Some(value) = #value {
                    if !value.is_empty() {
                        request = request.query(#wire, &crate::runtime::join_query_text(value, #sep));
                    }
                }
            }),
            (ParamLocation::Query, QueryEncoding::Json) => steps.push(quote! {
                if let Some(value) = #value {
                    request = request.query(#wire, &#to_json.to_string());
                }
            }),
            (ParamLocation::Header, encoding) => {
                let header = wire.to_ascii_lowercase();
                let text = if encoding == QueryEncoding::Json {
                    quote! { #to_json.to_string() }
                } else {
                    quote! { value.to_string() }
                };
                steps.push(quote! {
                    if let Some(value) = #value {
                        let value = HeaderValue::try_from(#text)
                            .map_err(|_| Error::invalid_request(#op_id, concat!("header `", #wire, "` is not a valid header value")))?;
                        request = request.header(HeaderName::from_static(#header), value);
                    }
                });
            }
            (ParamLocation::Path, _) => {}
        }
    }
    if let Some(body) = &op.body {
        let open = if body.required {
            quote! { let body = &self.body; }
        } else {
            quote! { if let Some(body) = &self.body }
        };
        let set = match &body.encoding {
            BodyEncoding::Json | BodyEncoding::Multipart => {
                quote! { request = request.json_body(body)?; }
            }
            BodyEncoding::Form => {
                quote! { request = request.form_body(body)?; }
            }
            BodyEncoding::Bytes(media) => quote! { request = request.bytes_body(#media, body.clone()); },
            BodyEncoding::Text(_) => quote! { request = request.text_body(body.clone()); },
        };
        steps.push(if body.required {
            quote! { #open #set }
        } else {
            quote! { #open { #set } }
        });
    }
    let mutable = if steps.is_empty() {
        quote! {}
    } else {
        quote! { mut }
    };
    // Always a `Result` so `send_with_response` has one shape; most bodies can fail to encode.
    let (ret, wrap) = (quote! { Result<Request, Error> }, quote! { Ok(request) });
    quote! {
        /// The request this builder describes.
        fn into_request(self) -> #ret {
            let #mutable request = Request::new(#op_id, Method::#method, #template, #path)
                .security(#security)
                #accept
                .options(self.options);
            #(#steps)*
            #wrap
        }
    }
}

/// `src/errors.rs`: the documented error bodies and one decoder per body type.
pub fn errors_file(api: &Api) -> TokenStream {
    let mut imports = Imports::outside_models();
    let variants: Vec<_> = (0..api.error_bodies.len()).map(|i| format_ident!("{}", api.error_variant(i))).collect();
    let tys: Vec<_> = api.error_bodies.iter().map(|t| ty_tokens(api, t, &mut imports)).collect();
    let decoders = variants.iter().zip(&tys).zip(&api.features.of_error_decoder).map(|((variant, ty), gate)| {
        let decoder = format_ident!("decode_{}", snake_name(&variant.to_string()));
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
    // The variant for bodies that match no documented schema, named apart from the others.
    let taken: BTreeSet<String> = variants.iter().map(ToString::to_string).collect();
    let unrecognized = ["Unrecognized", "UnrecognizedBody", "UnrecognizedErrorBody"]
        .into_iter()
        .find(|name| !taken.contains(*name))
        .map_or_else(|| format_ident!("UnrecognizedBody{}", variants.len()), |name| format_ident!("{}", name));
    let other = (!variants.is_empty()).then(|| quote! { _ => None, });
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

        impl ApiErrorBody {
            /// The body of a documented status that matches none of its schemas.
            pub(crate) fn unrecognized(path: String, message: String) -> Self {
                Self::#unrecognized { path, message }
            }

            /// The decode failure's path, if the body matched none of its schemas.
            #[cfg(test)]
            pub(crate) fn unrecognized_path(&self) -> Option<&str> {
                match self {
                    Self::#unrecognized { path, .. } => Some(path),
                    #other
                }
            }
        }

        #(#decoders)*
    }
}

/// `src/webhooks.rs`: the event enum and the verifier re-exports.
pub fn webhooks_file(api: &Api) -> TokenStream {
    let mut imports = Imports::outside_models();
    // Dispatch on the tag the payload types share (Polar: `type`), if they share one.
    let tags: BTreeSet<Option<String>> = api
        .webhooks
        .iter()
        .map(|w| match &w.payload {
            Ty::Named(id) => match &api.types[*id].kind {
                TypeKind::Struct(s) => s.tag.as_ref().map(|(k, _)| k.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let tag = match tags.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(tag)] => Some(tag.clone()),
        _ => None,
    };
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
                    crate::runtime::model::decode_unknown(raw).map(|payload| WebhookEvent::Unknown { event_type, payload })
                }
            }
        },
        None => quote! {
            #(#de)*
            crate::runtime::model::decode_unknown(raw).map(|payload| WebhookEvent::Unknown { event_type: String::new(), payload })
        },
    };
    let deserialize = super::models::raw_deserialize_body(&quote! { WebhookEvent }, &dispatch);
    let imports = imports.tokens("");
    let module_doc = super::docs::inner_doc_attrs(Some(&format!(
        "Webhooks: a typed enum of every event the API sends, and the \
         [Standard Webhooks](https://www.standardwebhooks.com/) signature verifier.\n\n\
         ```no_run\n\
         # fn handle(headers: &http::HeaderMap, body: &[u8], secret: &str) -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {}::webhooks::{{WebhookEvent, WebhookVerifier}};\n\
         // The secret as Polar shows it (`whsec_...`); either signature scheme verifies.\n\
         let verifier = WebhookVerifier::new(secret)?;\n\
         let event: WebhookEvent = verifier.verify_and_decode(headers, body)?;\n\
         println!(\"received {{}}\", event.event_type());\n\
         # Ok(()) }}\n\
         ```\n\n\
         `WebhookVerifier::verify_request` takes a whole `http::Request` and keeps the \
         `webhook-id` (`VerifiedWebhook`); with the `axum` cargo feature, \
         `VerifiedWebhook<WebhookEvent>` is an axum extractor that takes the verifier from the \
         application state and answers refused deliveries with `WebhookError::status` (401, or \
         400 for a payload that does not decode). Polar waits 10 seconds for an answer and retries \
         otherwise: answer 2xx quickly, and handle each `webhook-id` once.",
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
    }
}
