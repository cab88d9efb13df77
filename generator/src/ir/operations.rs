//! Operations → groups of client methods; error responses → `ApiErrorBody` arms;
//! `webhooks` → event types.
//!
//! Grouping: Polar's `x-speakeasy-group` (`customer_portal.organizations`) and
//! `x-speakeasy-name-override` (`get`) when present; otherwise the first tag and the
//! operationId (or method + path), so any spec gets a deterministic layout.

use super::types::{Ctx, TypeBuilder};
use super::{Ty, TypeKind};
use crate::error::{escape_pointer_token, SpecError};
use crate::names::{self, NameScope};
use openapiv3::{
    OpenAPI, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr,
    RequestBody, Response, Schema, SchemaKind, SecurityScheme, StatusCode,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// Whether values of `ty` have a text form: the runtime's `QueryValue` (scalars, string
/// enums, lists of them, unions whose arms all have one), so a `form` parameter of it is
/// sent as `name=text` pairs. Objects, maps and tuples have none.
pub fn query_text(types: &[super::TypeDef], ty: &Ty, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match ty {
        Ty::String | Ty::Integer | Ty::Number | Ty::Boolean | Ty::Uuid | Ty::DateTime | Ty::Date | Ty::Json => true,
        Ty::Bytes | Ty::Map(..) | Ty::Tuple(_) => false,
        Ty::Vec(inner) | Ty::Option(inner) => query_text(types, inner, depth + 1),
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Enum(_) => true,
            TypeKind::Struct(_) => false,
            TypeKind::Alias(inner) => query_text(types, inner, depth + 1),
            // A boxed arm is a `Box<T>`, which has no `QueryValue`.
            TypeKind::Union(u) => {
                u.variants.iter().all(|v| !v.boxed && v.ty.as_ref().is_none_or(|t| query_text(types, t, depth + 1)))
            }
        },
    }
}

/// Whether `ty` can hold an object (a struct, a map, a union with such an arm).
fn holds_object(types: &[super::TypeDef], ty: &Ty, depth: usize) -> bool {
    if depth > 32 {
        return true;
    }
    match ty {
        Ty::Map(..) | Ty::Tuple(_) => true,
        Ty::Vec(inner) | Ty::Option(inner) => holds_object(types, inner, depth + 1),
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Enum(_) => false,
            TypeKind::Struct(_) => true,
            TypeKind::Alias(inner) => holds_object(types, inner, depth + 1),
            TypeKind::Union(u) => {
                u.variants.iter().any(|v| v.ty.as_ref().is_some_and(|t| holds_object(types, t, depth + 1)))
            }
        },
        _ => false,
    }
}

/// Whether OpenAPI defines `style: deepObject` for `ty`: an object (struct or map) whose
/// values hold no further objects (lists of scalars repeat the key, the common reading).
fn deep_object_defined(types: &[super::TypeDef], ty: &Ty) -> bool {
    match ty {
        Ty::Map(_, value) => !holds_object(types, value, 0),
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Struct(s) => s.fields.iter().all(|f| !holds_object(types, &f.ty, 0)),
            TypeKind::Alias(inner) => deep_object_defined(types, inner),
            _ => false,
        },
        _ => false,
    }
}

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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name of the argument or setter.
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub encoding: QueryEncoding,
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

impl ResponseKind {
    /// This kind, or the kinds of its arms when it is `ByStatus`.
    pub fn kinds(&self) -> Vec<&ResponseKind> {
        match self {
            ResponseKind::ByStatus(r) => r.arms.iter().map(|a| &a.kind).collect(),
            kind => vec![kind],
        }
    }

    /// The media type to ask for in `Accept`, if the response has a body.
    pub fn accept(&self) -> Option<String> {
        match self {
            ResponseKind::Json(_) => Some("application/json".to_owned()),
            ResponseKind::Text(m) | ResponseKind::Bytes(m) => Some(m.clone()),
            ResponseKind::Empty => None,
            ResponseKind::ByStatus(r) => {
                // Each media type once, in arm order.
                let mut media: Vec<String> = Vec::new();
                for m in r.arms.iter().filter_map(|a| a.kind.accept()) {
                    if !media.contains(&m) {
                        media.push(m);
                    }
                }
                (!media.is_empty()).then(|| media.join(", "))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Security {
    Bearer,
    Basic,
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Type of one item of the `items` array.
    pub item: Ty,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Event type, e.g. `checkout.created`.
    pub event: String,
    /// Variant name in the event enum, e.g. `CheckoutCreated`.
    pub variant: String,
    pub payload: Ty,
    pub doc: Option<String>,
}

/// What an operation's security requirements lower to: the accepted kinds (deduplicated,
/// in order), the scopes asked for, and the schemes by name.
type SecurityParts = (Vec<Security>, Vec<String>, Vec<Credential>);

/// For each security scheme whose description links to an API reference page
/// (`[...](/api-reference/<group>/<summary-in-kebab-case>)`), the operation whose
/// summary is that page's slug (Polar: "Create Customer Session" for
/// `create-customer-session`), and marks it as the issuer of every credential of that
/// scheme.
fn resolve_issuers(spec: &OpenAPI, groups: &mut BTreeMap<Vec<String>, Vec<Operation>>) {
    let Some(components) = spec.components.as_ref() else { return };
    let mut issuers: BTreeMap<String, Issuer> = BTreeMap::new();
    for (scheme, item) in &components.security_schemes {
        let ReferenceOr::Item(item) = item else { continue };
        let description = match item {
            SecurityScheme::HTTP { description, .. }
            | SecurityScheme::APIKey { description, .. }
            | SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => description.as_deref(),
        };
        let Some(slug) = description.and_then(linked_slug) else { continue };
        let found = groups.iter().find_map(|(group, ops)| {
            ops.iter().find(|op| op.summary.as_deref().map(kebab) == Some(slug.clone())).map(|op| Issuer {
                group: group.clone(),
                name: op.name.clone(),
                operation_id: op.operation_id.clone(),
            })
        });
        if let Some(issuer) = found {
            issuers.insert(scheme.clone(), issuer);
        }
    }
    for credential in groups.values_mut().flatten().flat_map(|op| &mut op.credentials) {
        credential.issued_by = issuers.get(&credential.scheme).cloned();
    }
}

/// The last path segment of the first relative markdown link in `text`:
/// `[x](/api-reference/customer-sessions/create-customer-session)` → `create-customer-session`.
fn linked_slug(text: &str) -> Option<String> {
    let start = text.find("](/")? + 3;
    let end = text[start..].find(')')? + start;
    let last = text[start..end].trim_end_matches('/').rsplit('/').next()?;
    (!last.is_empty()).then(|| last.to_owned())
}

/// `Create Customer Session` → `create-customer-session`.
fn kebab(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What [`build`] adds to the IR besides types.
pub(crate) struct Built {
    pub groups: Vec<Group>,
    pub error_bodies: Vec<Ty>,
    pub webhooks: Vec<Webhook>,
}

pub(crate) fn build(types: &mut TypeBuilder<'_>, spec: &OpenAPI) -> Result<Built, SpecError> {
    let mut ctx = OpContext { spec, types, error_bodies: Vec::new() };
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
    let mut type_names = NameScope::with_reserved(names::RESERVED_TYPE_NAMES);
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
    let mut scope = NameScope::with_reserved(names::RESERVED_TYPE_NAMES);
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

fn group_path(op: &SpecOperation) -> Vec<String> {
    let raw = op
        .extensions
        .get("x-speakeasy-group")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| op.tags.first().cloned())
        .unwrap_or_else(|| "default".to_owned());
    let mut path: Vec<String> = raw.split('.').filter(|s| !s.is_empty()).map(names::snake_name).collect();
    if path.is_empty() {
        path.push("default".to_owned());
    }
    // Accessors are methods: a keyword or a name `Client`/handles already use gets a suffix.
    for (i, segment) in path.iter_mut().enumerate() {
        if names::is_keyword(segment) || (i == 0 && CLIENT_METHODS.contains(&segment.as_str())) || segment == "new" {
            segment.push_str("_ops");
        }
    }
    path
}

/// The method name of an operation, and a shorter one without the group's name
/// (`client.api_keys().api_keys_list()` reads better as `client.api_keys().list()`,
/// `organizations().list_organizations()` as `organizations().list()`).
fn method_name(op: &SpecOperation, method: &str, path: &str, group: &[String]) -> (String, Option<String>) {
    let name = match (op.extensions.get("x-speakeasy-name-override").and_then(Value::as_str), &op.operation_id) {
        (Some(name), _) => names::snake_name(name),
        (None, Some(id)) => names::snake_name(id),
        // A name made from method and path spells the whole path; keep all of it.
        (None, None) => return (names::snake_name(&format!("{method} {path}")), None),
    };
    let Some(group) = group.last() else { return (name, None) };
    let short = name
        .strip_prefix(&format!("{group}_"))
        .or_else(|| name.strip_suffix(&format!("_{group}")))
        .filter(|rest| !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()) && !names::is_keyword(rest))
        .map(str::to_owned);
    (name, short)
}

/// Methods of `Client` itself: a root group may not be named like one of them.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "base_url",
    "info",
    "http_client",
    "execute",
    "send_checked",
    "send_json",
    "send_text",
    "send_bytes",
    "send_empty",
    "clone",
    "fmt",
];

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
        let pagination = self.pagination(op, &response);
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

    fn params(
        &mut self,
        item: &PathItem,
        op: &SpecOperation,
        builder: &str,
        pointer: &str,
        item_pointer: &str,
    ) -> Result<Vec<Param>, SpecError> {
        // Operation parameters override path-level ones with the same name and location.
        let mut merged: Vec<(Parameter, String)> = Vec::new();
        let sources = item.parameters.iter().enumerate().map(|(i, p)| (p, format!("{item_pointer}/parameters/{i}")));
        let own = op.parameters.iter().enumerate().map(|(i, p)| (p, format!("{pointer}/parameters/{i}")));
        for (param, param_pointer) in sources.chain(own) {
            let param = self.resolve_parameter(param, &param_pointer)?;
            let key = |p: &Parameter| (p.parameter_data_ref().name.clone(), std::mem::discriminant(p));
            merged.retain(|(p, _)| key(p) != key(&param));
            merged.push((param, param_pointer));
        }
        let mut scope =
            NameScope::with_reserved(&["body", "send", "stream", "timeout", "retry", "options", "client", "header"]);
        let mut out = Vec::new();
        for (param, param_pointer) in merged {
            let (location, encoding) = match &param {
                Parameter::Path { .. } => (ParamLocation::Path, QueryEncoding::Form),
                Parameter::Query { style: QueryStyle::DeepObject, .. } => {
                    (ParamLocation::Query, QueryEncoding::DeepObject)
                }
                Parameter::Query { style: QueryStyle::SpaceDelimited, .. } => {
                    (ParamLocation::Query, QueryEncoding::Delimited(' '))
                }
                Parameter::Query { style: QueryStyle::PipeDelimited, .. } => {
                    (ParamLocation::Query, QueryEncoding::Delimited('|'))
                }
                Parameter::Query { parameter_data, .. } if parameter_data.explode == Some(false) => {
                    (ParamLocation::Query, QueryEncoding::Delimited(','))
                }
                Parameter::Query { .. } => (ParamLocation::Query, QueryEncoding::Form),
                Parameter::Header { .. } => (ParamLocation::Header, QueryEncoding::Form),
                Parameter::Cookie { .. } => {
                    self.types.warn(
                        &param_pointer,
                        "cookie parameters are not supported: set the cookie with `RequestOptions::header`",
                    );
                    continue;
                }
            };
            let data = param.parameter_data_ref();
            let from_content = matches!(data.format, ParameterSchemaOrContent::Content(_));
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schema.clone(),
                ParameterSchemaOrContent::Content(content) => {
                    match content.values().next().and_then(|m| m.schema.clone()) {
                        Some(schema) => schema,
                        None => {
                            self.types.warn(&param_pointer, "parameter without a schema: sent as a string");
                            ReferenceOr::Item(Schema {
                                schema_data: Default::default(),
                                schema_kind: SchemaKind::Type(openapiv3::Type::String(Default::default())),
                            })
                        }
                    }
                }
            };
            let ctx = Ctx::operation(&format!("{builder} {}", data.name), format!("{param_pointer}/schema"));
            let ty = self.param_ty(&schema, &ctx)?;
            // A parameter's own optionality is the setter's `Option`; look through aliases
            // (`MetadataQuery = Option<BTreeMap<..>>`) so encoding sees the real shape.
            let ty = self.types.resolve_alias(&ty);
            let ty = match ty {
                Ty::Option(inner) => self.types.resolve_alias(&inner),
                ty => ty,
            };
            // Objects have no text form of their own: their properties become the pairs.
            let is_object = matches!(&ty, Ty::Named(id) if matches!(self.types.types[*id].kind, TypeKind::Struct(_) | TypeKind::Union(_)));
            let types = &self.types.types;
            let text = query_text(types, &ty, 0);
            let encoding = match (location, encoding) {
                (ParamLocation::Query, _) if from_content => QueryEncoding::Json,
                (ParamLocation::Query, QueryEncoding::Form) if text => QueryEncoding::Form,
                // `explode: false` / space- or pipe-delimited lists of scalars: `ids=1,2`.
                (ParamLocation::Query, QueryEncoding::Delimited(sep)) if text => match &ty {
                    Ty::Vec(item) if !matches!(**item, Ty::Vec(_)) => QueryEncoding::Delimited(sep),
                    _ => QueryEncoding::Form,
                },
                (ParamLocation::Query, QueryEncoding::Form | QueryEncoding::Delimited(_))
                    if is_object || matches!(ty, Ty::Map(..)) =>
                {
                    QueryEncoding::FormObject
                }
                (ParamLocation::Query, QueryEncoding::Form | QueryEncoding::Delimited(_)) => {
                    // Arrays of objects (and other nestings): OpenAPI's `form` style defines
                    // lists of scalars only.
                    let name = &data.name;
                    self.types.warn(
                        &param_pointer,
                        format!(
                            "query parameter `{name}` holds objects inside a list, which OpenAPI's `form` style \
                             does not define: sent in bracket notation (`{name}[0][key]=value`), as Stripe, \
                             Rails and PHP parse it"
                        ),
                    );
                    QueryEncoding::DeepObject
                }
                (ParamLocation::Query, QueryEncoding::DeepObject) if matches!(&ty, Ty::Map(_, value) if query_text(types, value, 0)) => {
                    QueryEncoding::DeepObjectEntries
                }
                (ParamLocation::Query, QueryEncoding::DeepObject) => {
                    if !deep_object_defined(types, &ty) {
                        let name = &data.name;
                        self.types.warn(
                            &param_pointer,
                            format!(
                                "`style: deepObject` defines objects of scalar properties only; `{name}` can hold \
                                 nested objects, lists of objects or a non-object value: sent in bracket notation \
                                 (`{name}[key][sub]=value`, `{name}[0][key]=value`, a scalar as `{name}=value`), \
                                 as Stripe, Rails and PHP parse it"
                            ),
                        );
                    }
                    QueryEncoding::DeepObject
                }
                (ParamLocation::Path | ParamLocation::Header, _) if is_object || from_content => {
                    self.types.warn(&param_pointer, "object-valued path/header parameter: sent as JSON text");
                    QueryEncoding::Json
                }
                (_, encoding) => encoding,
            };
            out.push(Param {
                name: scope.claim(&names::snake_name(&data.name)),
                wire_name: data.name.clone(),
                location,
                encoding,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone(),
            });
        }
        Ok(out)
    }

    /// Parameter types, with Polar's "one or many" filters (`anyOf: [T, array<T>]`)
    /// collapsed to `Vec<T>`: a single value is a one-element list on the wire.
    fn param_ty(&mut self, schema: &ReferenceOr<Schema>, ctx: &Ctx) -> Result<Ty, SpecError> {
        if let ReferenceOr::Item(s) = schema {
            if let SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of } = &s.schema_kind {
                if any_of.len() == 2 {
                    let one = self.types.ty(&any_of[0], ctx)?;
                    let many = self.types.ty(&any_of[1], ctx)?;
                    if many == Ty::Vec(Box::new(one.clone())) && !matches!(one, Ty::Vec(_)) {
                        let vec = Ty::Vec(Box::new(one));
                        return Ok(if s.schema_data.nullable { Ty::Option(Box::new(vec)) } else { vec });
                    }
                }
            }
        }
        self.types.ty(schema, ctx)
    }

    fn resolve_parameter(&self, param: &ReferenceOr<Parameter>, pointer: &str) -> Result<Parameter, SpecError> {
        match param {
            ReferenceOr::Item(p) => Ok(p.clone()),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|name| self.spec.components.as_ref()?.parameters.get(name));
                match found {
                    Some(ReferenceOr::Item(p)) => Ok(p.clone()),
                    _ => Err(SpecError::new(
                        self.file(),
                        pointer,
                        format!("parameter `$ref: {reference}` does not resolve to a parameter"),
                    )
                    .with_hint("parameters may reference `#/components/parameters/<name>` only")),
                }
            }
        }
    }

    fn body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        builder: &str,
        pointer: &str,
    ) -> Result<Option<Body>, SpecError> {
        let body = match body {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| self.spec.components.as_ref()?.request_bodies.get(name));
                match found {
                    Some(ReferenceOr::Item(b)) => b.clone(),
                    _ => {
                        return Err(SpecError::new(
                            self.file(),
                            pointer,
                            format!("request body `$ref: {reference}` does not resolve"),
                        )
                        .with_hint("request bodies may reference `#/components/requestBodies/<name>` only"))
                    }
                }
            }
        };
        let Some((media, content)) = preferred_media(&body.content) else {
            return Ok(None);
        };
        let media_pointer = format!("{pointer}/content/{}", escape_pointer_token(media));
        let encoding = match media {
            m if is_json(m) => BodyEncoding::Json,
            "application/x-www-form-urlencoded" => BodyEncoding::Form,
            "multipart/form-data" => BodyEncoding::Multipart,
            m if m.starts_with("text/") => BodyEncoding::Text(m.to_owned()),
            m => BodyEncoding::Bytes(m.to_owned()),
        };
        let ty = match (&encoding, &content.schema) {
            (BodyEncoding::Bytes(_), _) => Ty::Bytes,
            (BodyEncoding::Text(_), _) => Ty::String,
            (_, Some(schema)) => {
                self.types.ty(schema, &Ctx::operation(&format!("{builder} Body"), format!("{media_pointer}/schema")))?
            }
            (_, None) => Ty::Json,
        };
        if encoding == BodyEncoding::Multipart {
            self.types.warn(&media_pointer, "multipart bodies are not supported yet: the body is sent as JSON");
        }
        Ok(Some(Body { ty, encoding, required: body.required }))
    }

    fn responses(
        &mut self,
        op: &SpecOperation,
        builder: &str,
        pointer: &str,
    ) -> Result<(ResponseKind, Vec<(u16, usize)>), SpecError> {
        let mut success: Vec<StatusArm> = Vec::new();
        let mut errors = Vec::new();
        let mut entries: Vec<(u16, String, &ReferenceOr<Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| match code {
                StatusCode::Code(c) => (*c, c.to_string(), r),
                StatusCode::Range(r100) => (*r100, format!("{r100}XX"), r),
            })
            .collect();
        if let Some(default) = &op.responses.default {
            entries.push((0, "default".to_owned(), default));
        }
        // With several success responses, inline bodies are named by status
        // (`ItemsCreateCreatedResponse`): `ItemsCreateResponse` is the enum of them.
        let successes = entries.iter().filter(|(code, _, _)| is_success(*code)).count();
        for (code, label, response) in entries {
            let response_pointer = format!("{pointer}/responses/{label}");
            let response = self.resolve_response(response, &response_pointer)?.clone();
            let media = preferred_media(&response.content);
            if is_success(code) {
                let inline_name = match successes {
                    1 => format!("{builder} Response"),
                    _ => format!("{builder} {} Response", status_variant(code)),
                };
                let kind = match media {
                    None => ResponseKind::Empty,
                    Some((m, content)) if is_json(m) => match &content.schema {
                        Some(schema) => {
                            let ctx = Ctx::operation(
                                &inline_name,
                                format!("{response_pointer}/content/{}/schema", escape_pointer_token(m)),
                            );
                            ResponseKind::Json(self.types.ty(schema, &ctx)?)
                        }
                        None => ResponseKind::Json(Ty::Json),
                    },
                    Some((m, _)) if m.starts_with("text/") => ResponseKind::Text(m.to_owned()),
                    Some((m, _)) => ResponseKind::Bytes(m.to_owned()),
                };
                let description = Some(response.description.trim()).filter(|d| !d.is_empty()).map(str::to_owned);
                success.push(StatusArm { status: code, variant: status_variant(code), label, description, kind });
                continue;
            }
            let Some((m, content)) = media else { continue };
            let Some(schema) = content.schema.as_ref().filter(|_| is_json(m)) else { continue };
            let ctx = Ctx::operation(
                &format!("{builder} {label} Error"),
                format!("{response_pointer}/content/{}/schema", escape_pointer_token(m)),
            );
            let ty = self.types.ty(schema, &ctx)?;
            let ty = match ty {
                Ty::Option(inner) => *inner,
                ty => ty,
            };
            if !matches!(ty, Ty::Named(_)) {
                self.types.warn(&response_pointer, "error body is not a named type: kept as raw bytes");
                continue;
            }
            let index = match self.error_bodies.iter().position(|t| *t == ty) {
                Some(i) => i,
                None => {
                    self.error_bodies.push(ty);
                    self.error_bodies.len() - 1
                }
            };
            errors.push((code, index));
        }
        if op.responses.responses.is_empty() && op.responses.default.is_none() {
            // Nothing documented (3.1 made `responses` optional): the raw response.
            self.types.warn(
                pointer,
                "operation documents no responses: it returns the raw response (status, headers and body bytes)",
            );
            return Ok((ResponseKind::Bytes("*/*".to_owned()), errors));
        }
        Ok((success_kind(success, builder), errors))
    }

    fn resolve_response<'r>(
        &'r self,
        response: &'r ReferenceOr<Response>,
        pointer: &str,
    ) -> Result<&'r Response, SpecError> {
        match response {
            ReferenceOr::Item(r) => Ok(r),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|name| self.spec.components.as_ref()?.responses.get(name));
                match found {
                    Some(ReferenceOr::Item(r)) => Ok(r),
                    _ => Err(SpecError::new(
                        self.file(),
                        pointer,
                        format!("response `$ref: {reference}` does not resolve"),
                    )
                    .with_hint("responses may reference `#/components/responses/<name>` only")),
                }
            }
        }
    }

    /// Accepted credentials in order of preference, the scopes they ask for, and the
    /// schemes by name (their issuers are resolved by [`resolve_issuers`]).
    fn security(&mut self, op: &SpecOperation, pointer: &str) -> Result<SecurityParts, SpecError> {
        let requirements = op.security.as_ref().or(self.spec.security.as_ref());
        let schemes = self.spec.components.as_ref().map(|c| &c.security_schemes);
        let mut security = Vec::new();
        let mut credentials: Vec<Credential> = Vec::new();
        let mut scopes: Vec<String> = Vec::new();
        for requirement in requirements.into_iter().flatten() {
            for (name, wanted) in requirement {
                for scope in wanted {
                    if !scopes.contains(scope) {
                        scopes.push(scope.clone());
                    }
                }
                let scheme = match schemes.and_then(|s| s.get(name)) {
                    Some(ReferenceOr::Item(scheme)) => scheme,
                    _ => {
                        return Err(SpecError::new(
                            self.file(),
                            format!("{pointer}/security"),
                            format!("security requirement names `{name}`, which is not defined"),
                        )
                        .with_hint("define it under `components/securitySchemes`"))
                    }
                };
                let kind = match scheme {
                    SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Security::Basic,
                    SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Security::Bearer,
                    SecurityScheme::HTTP { scheme, .. } => {
                        self.types.warn(&format!("/components/securitySchemes/{}", escape_pointer_token(name)), format!("HTTP `{scheme}` authentication is not supported: set the header with `RequestOptions::header`"));
                        continue;
                    }
                    SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => Security::Bearer,
                    SecurityScheme::APIKey { location, name, .. } => match location {
                        openapiv3::APIKeyLocation::Header => Security::ApiKeyHeader(name.clone()),
                        openapiv3::APIKeyLocation::Query => Security::ApiKeyQuery(name.clone()),
                        openapiv3::APIKeyLocation::Cookie => Security::ApiKeyCookie(name.clone()),
                    },
                };
                if !credentials.iter().any(|c| &c.scheme == name) {
                    credentials.push(Credential { scheme: name.clone(), kind: kind.clone(), issued_by: None });
                }
                if !security.contains(&kind) {
                    security.push(kind);
                }
            }
        }
        Ok((security, scopes, credentials))
    }

    /// Polar's page-based pagination: `x-polar-pagination` (or speakeasy's `offsetLimit`)
    /// with a JSON response that has an `items` array and `pagination.max_page`.
    fn pagination(&self, op: &SpecOperation, response: &ResponseKind) -> Option<Pagination> {
        let marked =
            op.extensions.contains_key("x-polar-pagination") || op.extensions.contains_key("x-speakeasy-pagination");
        let ResponseKind::Json(Ty::Named(id)) = response else { return None };
        if !marked {
            return None;
        }
        let TypeKind::Struct(s) = &self.types.types[*id].kind else { return None };
        let items = s.fields.iter().find(|f| f.json_name == "items")?;
        let has_pages = s.fields.iter().any(|f| f.json_name == "pagination");
        match (&items.ty, has_pages) {
            (Ty::Vec(item), true) => Some(Pagination { item: (**item).clone() }),
            _ => None,
        }
    }

    /// 3.1 `webhooks` (lowered to `x-webhooks`): one event per entry, typed by the JSON
    /// body its POST sends.
    fn webhooks(&mut self) -> Result<Vec<Webhook>, SpecError> {
        let Some(Value::Object(hooks)) = self.spec.extensions.get("x-webhooks") else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut scope = NameScope::with_reserved(&["Unknown"]);
        for (event, item) in hooks {
            let pointer = format!("/webhooks/{}", escape_pointer_token(event));
            let item: PathItem = serde_json::from_value(item.clone())
                .map_err(|e| SpecError::new(self.file(), &pointer, format!("webhook is not a valid path item: {e}")))?;
            let Some((_, op)) = path_operations(&item).into_iter().next() else { continue };
            let Some(ReferenceOr::Item(body)) = &op.request_body else {
                self.types.warn(&pointer, "webhook without an inline request body: skipped");
                continue;
            };
            let Some((media, content)) = preferred_media(&body.content) else { continue };
            let Some(schema) = &content.schema else { continue };
            let ctx = Ctx::new(
                &format!("Webhook {event} Payload"),
                format!("{pointer}/post/requestBody/content/{}/schema", escape_pointer_token(media)),
            );
            let payload = self.types.ty(schema, &ctx)?;
            out.push(Webhook {
                event: event.clone(),
                variant: scope.claim(&names::type_name(event)),
                payload,
                doc: op.description.clone().or_else(|| op.summary.clone()),
            });
        }
        Ok(out)
    }
}

/// `/v1/orgs/{id}/members` → literal `/v1/orgs/`, parameter `id`, literal `/members`.
/// A placeholder no path parameter declares, or an unclosed `{`, stays literal text.
fn path_template(path: &str, params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
        let name = &rest[open + 1..close];
        match params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            Some(index) => {
                literal.push_str(&rest[..open]);
                if !literal.is_empty() {
                    parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                }
                parts.push(PathPart::Param(index));
            }
            None => literal.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    parts
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim();
    media == "application/json" || media.ends_with("+json")
}

/// The media type a client uses: JSON first, then form, then whatever comes first.
fn preferred_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| content.iter().find(|(m, _)| *m == "application/x-www-form-urlencoded"))
        .or_else(|| content.iter().next())
        .map(|(m, c)| (m.as_str(), c))
}

/// One kind when every success response has the same body (or there is none);
/// otherwise an enum by status, exact codes before the `2XX` range.
fn success_kind(mut arms: Vec<StatusArm>, builder: &str) -> ResponseKind {
    match arms.as_slice() {
        [] => ResponseKind::Empty,
        [one] => one.kind.clone(),
        _ if arms.iter().all(|a| a.kind == arms[0].kind) => arms.swap_remove(0).kind,
        _ => {
            arms.sort_by_key(|a| (a.status < 100, a.status));
            // Renamed if taken in `avoid_type_names`.
            ResponseKind::ByStatus(StatusResponses { type_name: format!("{builder}Response"), arms })
        }
    }
}

/// A `2xx` code or the `2XX` range (`2`).
fn is_success(code: u16) -> bool {
    (200..300).contains(&code) || code == 2
}

/// `Accepted` for 202: the status's reason phrase, or `Status299` when it has none.
fn status_variant(code: u16) -> String {
    let name = match code {
        2 => "Success",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        _ => return format!("Status{code}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_links_and_summaries() {
        let polar = "You can create those sessions programmatically using the [Create Customer Session \
                     endpoint](/api-reference/customer-sessions/create-customer-session).";
        assert_eq!(linked_slug(polar).as_deref(), Some("create-customer-session"));
        assert_eq!(linked_slug("see [docs](/a/b/)").as_deref(), Some("b"));
        assert_eq!(linked_slug("an [absolute](https://x.example/a) link"), None);
        assert_eq!(linked_slug("no link"), None);
        assert_eq!(kebab("Create Customer Session"), "create-customer-session");
        assert_eq!(kebab("  Get  (OAuth2) token "), "get-oauth2-token");
    }

    fn path_param(name: &str) -> Param {
        Param {
            name: name.to_owned(),
            wire_name: name.to_owned(),
            location: ParamLocation::Path,
            encoding: QueryEncoding::Form,
            ty: Ty::String,
            required: true,
            doc: None,
        }
    }

    #[test]
    fn path_templates_split_into_literals_and_declared_parameters() {
        let params = [path_param("org"), path_param("id")];
        let lit = |s: &str| PathPart::Literal(s.to_owned());
        assert_eq!(
            path_template("/v1/orgs/{org}/members/{id}", &params),
            [lit("/v1/orgs/"), PathPart::Param(0), lit("/members/"), PathPart::Param(1)]
        );
        assert_eq!(path_template("{id}", &params), [PathPart::Param(1)]);
        // Undeclared placeholders and unclosed braces stay text, merged with their neighbours.
        assert_eq!(
            path_template("/a/{undeclared}/{id}.json", &params),
            [lit("/a/{undeclared}/"), PathPart::Param(1), lit(".json")]
        );
        assert_eq!(path_template("/a/{id", &params), [lit("/a/{id")]);
        assert_eq!(path_template("/", &[]), [lit("/")]);
    }

    fn arm(status: u16, kind: ResponseKind) -> StatusArm {
        StatusArm { status, label: status.to_string(), variant: status_variant(status), description: None, kind }
    }

    #[test]
    fn accept_names_each_media_type_once_in_arm_order() {
        let by_status = ResponseKind::ByStatus(StatusResponses {
            type_name: "R".to_owned(),
            arms: vec![
                arm(200, ResponseKind::Json(Ty::Json)),
                arm(201, ResponseKind::Text("text/csv".to_owned())),
                arm(202, ResponseKind::Json(Ty::String)),
                arm(204, ResponseKind::Empty),
            ],
        });
        assert_eq!(by_status.accept().as_deref(), Some("application/json, text/csv"));
        let empty = ResponseKind::ByStatus(StatusResponses {
            type_name: "R".to_owned(),
            arms: vec![arm(204, ResponseKind::Empty)],
        });
        assert_eq!(empty.accept(), None);
        assert_eq!(status_variant(202), "Accepted");
        assert_eq!(status_variant(299), "Status299");
    }
}
