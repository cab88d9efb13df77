//! The client: `src/client/mod.rs` and one file per operation group under `src/client/`.
//!
//! Per-operation code is kept thin: a builder struct, its setters, and a
//! `into_request` that fills a runtime `Request`; sending goes through one
//! non-generic runtime path.

use super::docs::doc_attrs;
use super::{ty_tokens, Imports, Place};
use crate::ir::{
    Api, BodyEncoding, Group, Operation, Param, ParamEncoding, ParamLocation, ParamStyle, PathPart, QueryEncoding,
    ResponseKind, Security, StatusResponses, StyledEncoding, Ty, ValueForm,
};
use crate::names::ident;
use crate::share::Shared;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// `client/mod.rs`: group modules, their re-exports and the root accessors on the version's
/// client handle; a group `shared` picks (the same in several API versions) is re-exported
/// from the shared module instead.
pub fn client_mod(api: &Api, shared: &dyn Fn(&Group) -> bool) -> TokenStream {
    let modules = api.groups.iter().zip(&api.features.of_group).map(|(g, feature)| {
        let cfg = super::cfg_feature(feature.as_deref());
        let module = format_ident!("{}", g.module);
        let exported = group_exports(g);
        if shared(g) {
            let shared = format_ident!("{}", super::SHARED);
            quote! { #cfg pub use crate::#shared::client::#module::{#(#exported),*}; }
        } else {
            quote! { #cfg mod #module; #cfg pub use #module::{#(#exported),*}; }
        }
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
                #ty::new(&self.client)
            }
        }
    });
    quote! {
        //! Operations, grouped as in the API reference: `client.<group>().<operation>(...)`.
        //! Each operation returns a request builder: set optional parameters, then
        //! `.await` it (or call `.send()`); list operations also have `.stream()`.
        #(#modules)*

        impl super::Client {
            #(#roots)*
        }
    }
}

/// `shared/client/mod.rs`: the groups several versions share, each compiled when a version
/// that is on needs it.
pub fn shared_client_mod(versions: &[Api], shared: &Shared) -> TokenStream {
    let modules = shared.groups.iter().filter_map(|(module, owners)| {
        let gates: Vec<(&str, crate::ir::features::Gate)> = owners
            .iter()
            .filter_map(|&v| {
                let api = &versions[v];
                let index = api.groups.iter().position(|g| g.module == *module)?;
                let gate = match &api.features.of_group[index] {
                    Some(feature) => crate::ir::features::Gate::Any([feature.clone()].into()),
                    None => crate::ir::features::Gate::Always,
                };
                Some((api.version_module.as_ref()?.feature.as_str(), gate))
            })
            .collect();
        let gates: Vec<(&str, &crate::ir::features::Gate)> = gates.iter().map(|(v, g)| (*v, g)).collect();
        let newest = &versions[Shared::newest(owners)];
        newest.groups.iter().find(|g| g.module == *module)?;
        let cfg = super::cfg_shared(&gates);
        let module = format_ident!("{}", module);
        Some(quote! { #cfg pub(crate) mod #module; })
    });
    quote! {
        //! The groups of operations several API versions have in common.
        #(#modules)*
    }
}

/// What a group's module exports: its handle, its builders and their response enums.
fn group_exports(group: &Group) -> Vec<proc_macro2::Ident> {
    let mut exported = vec![format_ident!("{}", group.type_name)];
    for op in &group.operations {
        exported.push(format_ident!("{}", op.builder));
        if let ResponseKind::ByStatus(responses) = &op.response {
            exported.push(format_ident!("{}", responses.type_name));
        }
    }
    exported
}

/// One group's file: its handle type, child accessors and every operation's builder.
pub fn group_file(api: &Api, group: &Group, place: Place<'_>) -> TokenStream {
    group_file_naming(api, group, place).0
}

/// [`group_file`], and the models it names.
pub fn group_file_naming(api: &Api, group: &Group, place: Place<'_>) -> (TokenStream, BTreeSet<String>) {
    let mut imports = Imports::outside_models(place.code_root());
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
    let models = imports.models();
    let imports = imports.tokens("");
    let tokens = quote! {
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
    };
    (tokens, models)
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
    imports.error_body = true;
    if !op.security.is_empty() {
        imports.runtime("SecurityScheme");
    }
    if op.params.iter().any(|p| p.location == ParamLocation::Path && segment_text(p).is_some()) {
        imports.runtime("encode_path_segment");
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

    let into_request = into_request(op);
    let output = response_ty(api, &op.response, imports);
    let root = imports.code_root();
    let errors = op.errors.iter().map(|(status, index)| {
        let decoder = format_ident!("{}", api.error_bodies[*index].decoder);
        quote! { (#status, #root::errors::#decoder) }
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
            let page = ident(&pagination.page);
            let path = |fields: &[String]| {
                let fields = fields.iter().map(|f| ident(f));
                quote! { #(#fields).* }
            };
            let (items, last_page) = (path(&pagination.items), path(&pagination.last_page));
            let total = pagination.total.as_deref().map(|total| {
                let total = path(total);
                quote! { , #total }
            });
            quote! { ; pages(#item, #page, #items, #last_page #total) }
        }
        (None, ResponseKind::Text(_) | ResponseKind::Bytes(_)) => quote! { ; bytes_stream },
        (None, _) => quote! {},
    };
    // What the `test-util` mock decodes a request body into (`runtime::testing::Operation`):
    // the body type for JSON and form bodies (an `Option` when the body is optional); other
    // encodings are matched on their bytes (`Call::body`), so the macro's `()`.
    let operation_id = op.operation_id.as_str();
    let test_body = match (body, &body_ty) {
        (Some(b), Some(ty)) if matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form) => {
            if b.required {
                quote! { , #ty }
            } else {
                quote! { , Option<#ty> }
            }
        }
        _ => quote! {},
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
            const ERRORS: &'static [(u16, ErrorDecoder<ApiErrorBody>)] = &[#(#errors),*];

            #(#setters)*

            #into_request

        }

        crate::request_builder!(#builder(#operation_id #test_body) -> #output, ApiErrorBody #decoder #extra);

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

/// A styled parameter's style (a query parameter, which has none, reads as `simple`).
fn styled(p: &Param) -> StyledEncoding {
    match p.encoding {
        ParamEncoding::Styled(styled) => styled,
        ParamEncoding::Query(_) => StyledEncoding { style: ParamStyle::Simple, explode: false, value: ValueForm::Text },
    }
}

/// The text of a `simple` scalar path parameter whose type has it at hand (Polar's string
/// and enum ids), for `encode_path_segment`; `None` for the other styles and types.
fn segment_text(p: &Param) -> Option<TokenStream> {
    let name = ident(&p.name);
    let styled = styled(p);
    if styled.style != ParamStyle::Simple || styled.value != ValueForm::Text {
        return None;
    }
    match &p.ty {
        Ty::String => Some(quote! { &self.#name }),
        // `ValueForm::Text` names no other named type than a string enum.
        Ty::Named(_) => Some(quote! { self.#name.as_str() }),
        Ty::Integer | Ty::Number | Ty::Boolean | Ty::Uuid | Ty::Date => Some(quote! { &self.#name.to_string() }),
        _ => None,
    }
}

/// `crate::runtime::ParamValue` read from `value` (a `&T`), for a styled parameter.
fn param_value(op: &Operation, p: &Param, form: ValueForm, value: TokenStream) -> TokenStream {
    let (op_id, wire) = (&op.operation_id, &p.wire_name);
    let error =
        quote! { .map_err(|e| Error::<ApiErrorBody>::invalid_request(#op_id, format!("parameter `{}`: {e}", #wire)))? };
    match form {
        ValueForm::Text => quote! { crate::runtime::ParamValue::text(#value) },
        ValueForm::List => quote! { crate::runtime::ParamValue::list(#value) },
        ValueForm::Serialized => quote! { crate::runtime::ParamValue::serialize(#value) #error },
        ValueForm::Json => quote! { crate::runtime::ParamValue::json(#value) #error },
    }
}

fn runtime_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Simple => quote! { crate::runtime::ParamStyle::Simple },
        ParamStyle::Label => quote! { crate::runtime::ParamStyle::Label },
        ParamStyle::Matrix => quote! { crate::runtime::ParamStyle::Matrix },
        ParamStyle::Form => quote! { crate::runtime::ParamStyle::Form },
    }
}

/// The query style of a one-pair separator.
fn delimited_style(separator: char) -> TokenStream {
    match separator {
        ' ' => quote! { crate::runtime::ParamStyle::SpaceDelimited },
        '|' => quote! { crate::runtime::ParamStyle::PipeDelimited },
        _ => quote! { crate::runtime::ParamStyle::Form },
    }
}

/// A path parameter's segment, percent-encoded.
fn path_segment(op: &Operation, p: &Param) -> TokenStream {
    if let Some(text) = segment_text(p) {
        return quote! { encode_path_segment(#text) };
    }
    let name = ident(&p.name);
    let wire = &p.wire_name;
    let styled = styled(p);
    let value = param_value(op, p, styled.value, quote! { &self.#name });
    let (style, explode) = (runtime_style(styled.style), styled.explode);
    quote! { #value.path(#wire, #style, #explode) }
}

fn into_request(op: &Operation) -> TokenStream {
    let op_id = &op.operation_id;
    let template = &op.path;
    let method = format_ident!("{}", op.method);
    // `/v1/orgs/{id}` → `format!("/v1/orgs/{}", encode_path_segment(..))`.
    let mut format = String::new();
    let mut format_args = Vec::new();
    for part in &op.path_template {
        match part {
            PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(index) => {
                format.push_str("{}");
                format_args.push(path_segment(op, &op.params[*index]));
            }
        }
    }
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
        // Values the runtime lays out in a style: `ParamValue::text`, `list`, `serialize`
        // (objects, maps, unions: through JSON, properties in declaration order) or `json`.
        let query_param = |form: ValueForm, style: TokenStream, explode: bool| {
            let read = param_value(op, p, form, quote! { value });
            quote! {
                if let Some(value) = #value {
                    request = request.query_param(#wire, &#read, #style, #explode);
                }
            }
        };
        let form = quote! { crate::runtime::ParamStyle::Form };
        match (p.location, p.encoding) {
            (_, ParamEncoding::Query(QueryEncoding::Form)) => {
                steps.push(quote! { request = request.query(#wire, &self.#name); })
            }
            (_, ParamEncoding::Query(QueryEncoding::DeepObjectEntries)) => {
                steps.push(quote! {
                    if let Some(entries) = #value {
                        request = request.deep_object(#wire, entries);
                    }
                });
            }
            (_, ParamEncoding::Query(QueryEncoding::DeepObject)) => {
                steps.push(query_param(ValueForm::Serialized, quote! { crate::runtime::ParamStyle::DeepObject }, true))
            }
            (_, ParamEncoding::Query(QueryEncoding::FormObject)) => {
                steps.push(query_param(ValueForm::Serialized, form, true))
            }
            (_, ParamEncoding::Query(QueryEncoding::DelimitedObject(separator))) => {
                steps.push(query_param(ValueForm::Serialized, delimited_style(separator), false))
            }
            (_, ParamEncoding::Query(QueryEncoding::Delimited(separator))) => {
                steps.push(query_param(ValueForm::List, delimited_style(separator), false))
            }
            (_, ParamEncoding::Query(QueryEncoding::Json)) => steps.push(query_param(ValueForm::Json, form, true)),
            (ParamLocation::Header, ParamEncoding::Styled(styled)) => {
                let text = match (styled.value, &p.ty) {
                    (ValueForm::Text, Ty::String) => quote! { value },
                    (form, _) => {
                        let read = param_value(op, p, form, quote! { value });
                        let explode = styled.explode;
                        quote! { &#read.header(#explode) }
                    }
                };
                steps.push(quote! {
                    if let Some(value) = #value {
                        request = request.header_param(#wire, #text)?;
                    }
                });
            }
            (ParamLocation::Cookie, ParamEncoding::Styled(styled)) => {
                let read = param_value(op, p, styled.value, quote! { value });
                let explode = styled.explode;
                steps.push(quote! {
                    if let Some(value) = #value {
                        request = request.cookie_param(#wire, &#read, #explode);
                    }
                });
            }
            (ParamLocation::Path | ParamLocation::Query, ParamEncoding::Styled(_)) => {}
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
    let (ret, wrap) = (quote! { Result<Request, Error<ApiErrorBody>> }, quote! { Ok(request) });
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
