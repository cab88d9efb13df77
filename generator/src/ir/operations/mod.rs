//! Operations → groups of client methods; error responses → `ApiErrorBody` arms;
//! `webhooks` → event types.
//!
//! Grouping: Polar's `x-speakeasy-group` (`customer_portal.organizations`) and
//! `x-speakeasy-name-override` (`get`) when present; otherwise the first tag and the
//! operationId (or method + path), so any spec gets a deterministic layout.
//!
//! The public IR data types and the entry points (`build`, `avoid_type_names`) are here;
//! the work is split by concern:
//! - `naming`: group paths and method names;
//! - `params`: parameters, their query encodings, and path templates;
//! - `body`: request bodies;
//! - `responses`: success kinds (one, or an enum by status) and what `ResponseKind` asks
//!   for in `Accept`, error bodies, pagination, and the media type a client uses;
//! - `security`: security requirements, credentials and the operations that issue them;
//! - `webhooks`: webhook events and their payload types.

mod body;
mod naming;
mod params;
mod responses;
mod security;
mod webhooks;

use super::types::TypeBuilder;
use super::Ty;
use crate::error::{escape_pointer_token, SpecError};
use crate::names::{self, NameScope};
use naming::{group_path, method_name};
use openapiv3::{OpenAPI, Operation as SpecOperation, PathItem, ReferenceOr};
use params::path_template;
use security::resolve_issuers;
use std::collections::BTreeMap;

pub use params::query_text;

/// A node of the client's method tree: `polar.customer_portal().organizations()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Accessor method names from the root, e.g. `["customer_portal", "organizations"]`.
    pub path: Vec<String>,
    /// Struct name of the group handle, e.g. `CustomerPortalOrganizations`.
    pub type_name: String,
    /// File stem under `src/client/`.
    pub module: String,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub operation_id: String,
    pub method: String,
    /// The path as the spec writes it (`/v1/orgs/{id}`), for docs and errors.
    pub path: String,
    /// The path parsed: literal text and the parameters substituted into it.
    pub path_template: Vec<PathPart>,
    /// Method name on the group (`list`, `create`, ...).
    pub name: String,
    /// Request builder type (`OrganizationsList`).
    pub builder: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Scopes any of the accepted security requirements asks for, in order.
    pub scopes: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub response: ResponseKind,
    /// Documented error statuses: (status; `1`..`5` = `1XX`..`5XX`; `0` = default) → index
    /// into [`super::Api::error_bodies`].
    pub errors: Vec<(u16, usize)>,
    pub security: Vec<Security>,
    /// The security schemes the operation accepts, by name, in the spec's order
    /// (e.g. `customer_session`, `member_session`): what its documentation and code
    /// sample say about the token to send.
    pub credentials: Vec<Credential>,
    pub pagination: Option<Pagination>,
}

/// One security scheme an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Its name under `components/securitySchemes` (`customer_session`).
    pub scheme: String,
    /// How it is sent.
    pub kind: Security,
    /// The operation that issues such a token, when the scheme's description links to
    /// it (Polar: "...using the [Create Customer Session endpoint](/api-reference/
    /// customer-sessions/create-customer-session)" → `customer-sessions:create`): its
    /// group path and method name, resolved after every operation is built.
    pub issued_by: Option<Issuer>,
}

/// The operation that issues a token (see [`Credential::issued_by`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// Group accessors from the client (`["customer_sessions"]`).
    pub group: Vec<String>,
    /// The operation's method name (`create`).
    pub name: String,
    /// Its `operationId`.
    pub operation_id: String,
}

/// A piece of an operation's path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Sent as is (a `{name}` no path parameter declares stays literal text).
    Literal(String),
    /// The value of the path parameter at this index of [`Operation::params`], as one
    /// percent-encoded segment.
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a parameter's value is laid out on the wire, decided in `params.rs` from its
/// location, `style`, `explode`, `content` and type (OpenAPI's style table); emit only
/// spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEncoding {
    /// A query parameter: its pairs.
    Query(QueryEncoding),
    /// A path, header or cookie parameter: one RFC 6570 expansion.
    Styled(StyledEncoding),
}

impl ParamEncoding {
    /// The encoding of a query parameter.
    pub fn query(self) -> Option<QueryEncoding> {
        match self {
            ParamEncoding::Query(encoding) => Some(encoding),
            ParamEncoding::Styled(_) => None,
        }
    }
}

/// A path, header or cookie parameter's `style` and `explode`, and how its value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StyledEncoding {
    /// `simple`, `label` or `matrix` (path), `simple` (header), `form` (cookie).
    pub style: ParamStyle,
    pub explode: bool,
    pub value: ValueForm,
}

/// OpenAPI's RFC 6570 styles (the query's own are [`QueryEncoding`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `blue,black,brown`.
    Simple,
    /// `.blue.black.brown`.
    Label,
    /// `;color=blue`.
    Matrix,
    /// `color=blue` (cookies).
    Form,
}

/// What a styled parameter's value is to the style table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueForm {
    /// A scalar or string enum: one item, its query text (RFC 3339 date-times).
    Text,
    /// A list of scalars or string enums: one item each.
    List,
    /// Anything else (objects, maps, unions, `any`), through its JSON: an object's
    /// properties in declaration order, a list's items, a scalar arm's text.
    Serialized,
    /// `content: application/json`: the JSON text, as one item.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryEncoding {
    /// `name=a&name=b` (form, exploded).
    Form,
    /// `name[key]=value`, through the value's JSON: nested objects as `name[key][sub]=value`,
    /// lists of objects as `name[0][key]=value`, a scalar as `name=value` (bracket notation;
    /// also used for `form` lists of objects, which OpenAPI leaves undefined).
    DeepObject,
    /// A deepObject map whose values have a text form (Polar's `metadata` filters):
    /// `name[key]=value` per entry, through `QueryValue`, without a JSON detour.
    DeepObjectEntries,
    /// An object in form style: one `key=value` pair per property (OpenAPI's default
    /// `explode: true`).
    FormObject,
    /// A parameter declared with `content: application/json`: the JSON text.
    Json,
    /// A list in one pair, items joined by this separator: `form` with `explode: false`
    /// (`,`), `spaceDelimited` (` `), `pipeDelimited` (`|`).
    Delimited(char),
    /// An object in one pair, names and values alternating, joined by this separator:
    /// `form` with `explode: false` (`color=R,100,G,200,B,150`), `spaceDelimited`,
    /// `pipeDelimited`.
    DelimitedObject(char),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name of the argument or setter.
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub encoding: ParamEncoding,
    /// The value type (without an `Option` for optional parameters).
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub ty: Ty,
    pub encoding: BodyEncoding,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyEncoding {
    Json,
    Form,
    /// Raw bytes with this content type (`application/octet-stream`, ...).
    Bytes(String),
    Text(String),
    Multipart,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    Json(Ty),
    /// `text/*` (e.g. Polar's CSV exports), with its media type.
    Text(String),
    Bytes(String),
    /// No content (`204`).
    Empty,
    /// Success statuses with different bodies (`200` with a receipt, `202` without):
    /// decoded by status into a generated enum.
    ByStatus(StatusResponses),
}

/// The enum an operation returns when its success responses differ.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusResponses {
    /// Rust name of the enum (`OrdersReceiptResponse`), unique among types.
    pub type_name: String,
    /// One arm per documented success status, exact codes first.
    pub arms: Vec<StatusArm>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusArm {
    /// An exact code (`202`), or `2` for the range `2XX`.
    pub status: u16,
    /// The status as the spec writes it (`202`, `2XX`).
    pub label: String,
    /// Variant name (`Accepted`).
    pub variant: String,
    pub description: Option<String>,
    /// Never `ByStatus`.
    pub kind: ResponseKind,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Security {
    Bearer,
    Basic,
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
}

/// A paginated list operation: how its stream reads pages (from [`PageShape`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Type of one item of the list.
    pub item: Ty,
    /// Rust name of the page-number parameter (the builder's field and setter).
    pub page: String,
    /// Rust field path, in the response, to the items (`["items"]`).
    pub items: Vec<String>,
    /// Rust field path to the number of the last page (`["pagination", "max_page"]`).
    pub last_page: Vec<String>,
    /// Rust field path to the number of items in all, if the response has one.
    pub total: Option<Vec<String>>,
}

/// How an API pages its lists: a profile's knowledge (Polar: `x-polar-pagination`,
/// `page`/`limit`, `items` and `pagination.{max_page, total_count}`). Operations marked by
/// one of `markers` whose parameters and response fit the shape get page streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageShape {
    /// Operation extensions that mark a paginated list (`x-polar-pagination`).
    pub markers: Vec<String>,
    /// The query parameter holding the page number (`page`).
    pub page_param: String,
    /// The response property holding the items (`items`).
    pub items: String,
    /// The response properties leading to the number of the last page
    /// (`["pagination", "max_page"]`).
    pub last_page: Vec<String>,
    /// The response properties leading to the number of items in all, if reported
    /// (`["pagination", "total_count"]`).
    pub total: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Event type, e.g. `checkout.created`.
    pub event: String,
    /// Variant name in the event enum, e.g. `CheckoutCreated`.
    pub variant: String,
    /// The event's marker type in `webhooks::events`, which registers a handler with the
    /// webhook router: the variant's name, unless a type the payloads name has it
    /// (`crate_items::webhook_markers`).
    pub marker: String,
    pub payload: Ty,
    pub doc: Option<String>,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What [`build`] adds to the IR besides types.
pub(crate) struct Built {
    pub groups: Vec<Group>,
    pub error_bodies: Vec<Ty>,
    pub webhooks: Vec<Webhook>,
}

pub(crate) fn build(
    types: &mut TypeBuilder<'_>,
    spec: &OpenAPI,
    page_shape: Option<&PageShape>,
) -> Result<Built, SpecError> {
    let mut ctx = OpContext { spec, types, error_bodies: Vec::new(), page_shape };
    let mut groups: BTreeMap<Vec<String>, Vec<Operation>> = BTreeMap::new();
    let mut method_scopes: BTreeMap<Vec<String>, NameScope> = BTreeMap::new();
    for (path, item) in spec.paths.iter() {
        let pointer = format!("/paths/{}", escape_pointer_token(path));
        let ReferenceOr::Item(item) = item else {
            ctx.types.warn(&pointer, "path item `$ref` is not supported: operations skipped");
            continue;
        };
        for (method, op) in path_operations(item) {
            let op_pointer = format!("{pointer}/{method}");
            let group = group_path(op);
            let (full, short) = method_name(op, method, path, &group);
            // `new` is the group handle's constructor.
            let scope = method_scopes.entry(group.clone()).or_insert_with(|| NameScope::with_reserved(&["new"]));
            let name = match short {
                Some(short) if !scope.is_taken(&short) => scope.claim(&short),
                _ => scope.claim(&full),
            };
            let site =
                OpSite { path, method, item, op, group: &group, name, pointer: &op_pointer, item_pointer: &pointer };
            let operation = ctx.operation(site)?;
            groups.entry(group).or_default().push(operation);
        }
    }
    // Every ancestor of a group exists too, so `polar.customer_portal()` has a type even
    // if no operation sits directly on it.
    resolve_issuers(spec, &mut groups);
    let paths: Vec<Vec<String>> = groups.keys().cloned().collect();
    for path in paths {
        for len in 1..path.len() {
            groups.entry(path[..len].to_vec()).or_default();
        }
    }
    let mut type_names = NameScope::with_reserved(names::reserved_type_names());
    let mut modules = NameScope::with_reserved(&["mod"]);
    let groups = groups
        .into_iter()
        .map(|(path, operations)| {
            let joined = path.join("_");
            let wanted = names::type_name(&joined);
            let wanted = if type_names.is_taken(&wanted) { format!("{wanted}Operations") } else { wanted };
            Group {
                type_name: type_names.claim(&wanted),
                module: modules.claim(&names::module_name(&joined)),
                path,
                operations,
            }
        })
        .collect();
    let webhooks = ctx.webhooks()?;
    Ok(Built { groups, error_bodies: ctx.error_bodies, webhooks })
}

/// Group and builder types live beside the models in client files: rename any that
/// would shadow a model (`EventsIngest` the builder vs `EventsIngest` the body schema).
pub(crate) fn avoid_type_names(mut groups: Vec<Group>, types: &[super::TypeDef]) -> Vec<Group> {
    let mut scope = NameScope::with_reserved(names::reserved_type_names());
    for t in types {
        scope.claim(&t.name);
    }
    for group in &mut groups {
        if scope.is_taken(&group.type_name) {
            group.type_name = scope.claim(&format!("{}Operations", group.type_name));
        } else {
            scope.claim(&group.type_name);
        }
    }
    for op in groups.iter_mut().flat_map(|g| &mut g.operations) {
        if scope.is_taken(&op.builder) {
            op.builder = scope.claim(&format!("{}Request", op.builder));
        } else {
            scope.claim(&op.builder);
        }
        if let ResponseKind::ByStatus(responses) = &mut op.response {
            responses.type_name = scope.claim(&format!("{}Response", op.builder));
        }
    }
    groups
}

fn path_operations(item: &PathItem) -> Vec<(&'static str, &SpecOperation)> {
    let ops = [&item.get, &item.put, &item.post, &item.delete, &item.options, &item.head, &item.patch, &item.trace];
    METHODS.iter().zip(ops).filter_map(|(m, op)| op.as_ref().map(|op| (*m, op))).collect()
}

/// Where an operation sits in the spec and the client.
struct OpSite<'a> {
    path: &'a str,
    method: &'a str,
    item: &'a PathItem,
    op: &'a SpecOperation,
    group: &'a [String],
    name: String,
    pointer: &'a str,
    item_pointer: &'a str,
}

struct OpContext<'s, 'b, 't> {
    spec: &'s OpenAPI,
    types: &'b mut TypeBuilder<'t>,
    error_bodies: Vec<Ty>,
    page_shape: Option<&'s PageShape>,
}

impl OpContext<'_, '_, '_> {
    fn file(&self) -> String {
        self.types.file.to_owned()
    }

    fn operation(&mut self, site: OpSite<'_>) -> Result<Operation, SpecError> {
        let OpSite { path, method, item, op, group, name, pointer, item_pointer } = site;
        let builder = names::type_name(&format!("{} {}", group.join(" "), name));
        let params = self.params(item, op, &builder, pointer, item_pointer)?;
        let path_template = path_template(path, &params);
        let body = match &op.request_body {
            Some(body) => self.body(body, &builder, &format!("{pointer}/requestBody"))?,
            None => None,
        };
        if method == "patch" {
            if let Some(body) = &body {
                self.types.mark_patch(&body.ty);
            }
        }
        let (response, errors) = self.responses(op, &builder, pointer)?;
        let (security, scopes, credentials) = self.security(op, pointer)?;
        let pagination = self.pagination(op, &response, &params);
        Ok(Operation {
            operation_id: op.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.to_uppercase())),
            method: method.to_uppercase(),
            path: path.to_owned(),
            path_template,
            name,
            builder,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            scopes,
            params,
            body,
            response,
            errors,
            security,
            credentials,
            pagination,
        })
    }
}
