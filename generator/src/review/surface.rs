//! The public Rust API of a generated crate, as plain strings.
//!
//! [`Surface::of`] reads the IR the way the emitter spells it (argument order, `Option`,
//! `Patch`, `Box`, raw identifiers, constructors) and keeps only what a user of the crate can
//! name or call. Types are rendered to their Rust spelling, so two surfaces built from
//! different specs compare by name: [`super::diff`] needs no `TypeId`s.

use crate::ir::features::reach;
use crate::ir::{Api, Operation, Presence, ResponseKind, Ty, TypeKind};
use crate::names::ident;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Everything public a generated crate exposes, sorted for stable output.
#[derive(Debug, Clone, PartialEq)]
pub struct Surface {
    pub title: String,
    /// `info.version`, the crate's `API_VERSION`.
    pub version: String,
    pub lib_name: String,
    /// The header carrying the API version on every request, if any.
    pub version_header: Option<String>,
    /// `pub type <Alias> = Client;` at the crate root (`Polar`), if the crate has one.
    pub client_alias: Option<String>,
    /// Cargo features besides `default` and `full` (which turns on all of them), sorted.
    pub features: Vec<FeatureSurface>,
    /// Variants of the `Server` enum, in spec order (the first is the default).
    pub servers: Vec<ServerSurface>,
    /// Group handles by dotted path (`customer_portal.orders`).
    pub groups: Vec<GroupSurface>,
    /// Every client method, by group path and then name.
    pub methods: Vec<Method>,
    /// Every model, by name.
    pub models: Vec<Model>,
    /// `WebhookEvent` variants, by event type.
    pub webhooks: Vec<Event>,
    /// The payload property `WebhookEvent` reads the event type from; `None` when events
    /// are told apart by trying each payload type.
    pub webhook_tag: Option<String>,
    /// `ApiErrorBody` variants (their payload type has the same name), sorted.
    pub error_bodies: Vec<String>,
}

/// A cargo feature of the crate and what turning it on compiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSurface {
    pub name: String,
    /// What it compiles: top-level group accessors of the client (`customers()`) and
    /// `mod webhooks` for the webhook events.
    pub enables: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerSurface {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupSurface {
    /// Dotted accessor path: `client.customer_portal().orders()` is `customer_portal.orders`.
    pub path: String,
    /// The handle type (`CustomerPortalOrders`).
    pub type_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// Dotted group path.
    pub group: String,
    pub name: String,
    /// `GET`, `POST`, ...
    pub http_method: String,
    pub path: String,
    /// The request builder type the method returns.
    pub builder: String,
    /// Arguments of the group method, in order (a required body is the last, `body`).
    pub args: Vec<Arg>,
    /// Optional setters on the builder (an optional body is `body`), in order.
    pub setters: Vec<Arg>,
    /// What `.send()` / `.await` yields (inside `Result<_, Error>`).
    pub returns: String,
    /// Item type of `.stream()`, for paginated list operations.
    pub stream: Option<String>,
    pub deprecated: bool,
}

impl Method {
    /// `group.name`, the key a method is compared by.
    pub fn id(&self) -> String {
        format!("{}.{}", self.group, self.name)
    }

    /// `group.name(a: A, body: B) -> R`.
    pub fn signature(&self) -> String {
        let args: Vec<String> = self.args.iter().map(Arg::to_string).collect();
        format!("{}({}) -> {}", self.id(), args.join(", "), self.returns)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// The Rust name (raw identifiers spelled `r#type`).
    pub name: String,
    /// The value type. `String` arguments accept `impl Into<String>`, `Vec<T>` arguments
    /// `impl IntoIterator<Item = T>`.
    pub ty: String,
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.ty)
    }
}

/// Where a model is used: in what users send, in what they receive, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Role {
    /// Reachable from a parameter or a request body.
    pub request: bool,
    /// Reachable from a success response, an error body or a webhook payload.
    pub response: bool,
}

impl Role {
    /// Only received, never sent: users read these and rarely build them.
    pub fn response_only(self) -> bool {
        self.response && !self.request
    }

    pub fn label(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request+response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unreferenced",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub role: Role,
    pub kind: ModelKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    Struct(StructSurface),
    Enum(EnumSurface),
    Union(UnionSurface),
    /// `pub type Name = Ty;`
    Alias(String),
}

impl ModelKind {
    pub fn word(&self) -> &'static str {
        match self {
            ModelKind::Struct(_) => "struct",
            ModelKind::Enum(_) => "enum",
            ModelKind::Union(_) => "union",
            ModelKind::Alias(_) => "type",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructSurface {
    pub fields: Vec<FieldSurface>,
    /// A `const` property serialized by serde's struct tag: (property, value).
    pub tag: Option<(String, String)>,
    /// Arguments of `new(...)`, if the struct has one (1 to 7 required fields).
    pub constructor: Option<Vec<String>>,
    /// Derives `Default` (every field optional).
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldSurface {
    /// The Rust name (raw identifiers spelled `r#type`).
    pub name: String,
    pub json_name: String,
    /// The full field type: `String`, `Option<Box<Foo>>`, `Patch<String>`, `BTreeMap<..>`.
    pub ty: String,
    /// The value type inside `Option`/`Patch` (with its `Box`).
    pub value_ty: String,
    pub presence: Presence,
    pub deprecated: bool,
}

impl FieldSurface {
    /// Must be given to build the struct (`T` or a required-but-nullable `Option<T>`):
    /// it is a `new()` argument and rules out `Default`.
    pub fn required(&self) -> bool {
        matches!(self.presence, Presence::Required | Presence::RequiredNullable)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumSurface {
    /// (variant, JSON value), in spec order.
    pub values: Vec<(String, String)>,
    /// The catch-all `Name(String)` variant.
    pub unknown: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionSurface {
    /// The property tagged unions dispatch on; `None` for untagged unions.
    pub tag: Option<String>,
    pub arms: Vec<ArmSurface>,
    /// The catch-all `Name(Value)` variant.
    pub unknown: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArmSurface {
    pub name: String,
    /// The payload type (with `Box` if boxed); `None` for a literal (unit) arm.
    pub ty: Option<String>,
    /// Tag values selecting the arm (tagged), or the literal a unit arm matches.
    pub tag_values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event type (`checkout.created`).
    pub event: String,
    /// The `WebhookEvent` variant.
    pub variant: String,
    /// Payload type (the variant holds it boxed).
    pub payload: String,
}

impl Surface {
    pub fn of(api: &Api) -> Surface {
        let roles = roles(api);
        let mut groups: Vec<GroupSurface> = api
            .groups
            .iter()
            .map(|g| GroupSurface { path: g.path.join("."), type_name: g.type_name.clone() })
            .collect();
        groups.sort_by(|a, b| a.path.cmp(&b.path));
        let mut methods: Vec<Method> = api
            .groups
            .iter()
            .flat_map(|g| g.operations.iter().map(move |op| method(api, &g.path.join("."), op)))
            .collect();
        methods.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
        let mut models: Vec<Model> = api
            .types
            .iter()
            .enumerate()
            .map(|(id, def)| Model { name: def.name.clone(), role: roles[id], kind: model_kind(api, &def.kind) })
            .collect();
        models.sort_by(|a, b| a.name.cmp(&b.name));
        let mut webhooks: Vec<Event> = api
            .webhooks
            .iter()
            .map(|w| Event { event: w.event.clone(), variant: w.variant.clone(), payload: rust_ty(api, &w.payload) })
            .collect();
        webhooks.sort_by(|a, b| a.event.cmp(&b.event));
        let mut error_bodies: Vec<String> = api.error_bodies.iter().map(|b| b.variant.clone()).collect();
        error_bodies.sort();
        let features = api
            .features
            .all()
            .into_iter()
            .map(|name| {
                let groups = api.groups.iter().zip(&api.features.of_group);
                let mut enables: Vec<String> = groups
                    .filter(|(g, feature)| g.path.len() == 1 && feature.as_deref() == Some(name))
                    .map(|(g, _)| format!("{}()", g.path[0]))
                    .collect();
                if api.features.webhooks.as_deref() == Some(name) {
                    enables.push("mod webhooks".to_owned());
                }
                FeatureSurface { name: name.to_owned(), enables }
            })
            .collect();
        Surface {
            title: api.title.clone(),
            version: api.version.clone(),
            lib_name: api.lib_name.clone(),
            version_header: api.version_header.clone(),
            client_alias: api.client_alias.clone(),
            features,
            servers: api.servers.iter().map(|s| ServerSurface { name: s.name.clone(), url: s.url.clone() }).collect(),
            groups,
            methods,
            models,
            webhooks,
            webhook_tag: api.webhook_tag.clone(),
            error_bodies,
        }
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.binary_search_by(|m| m.name.as_str().cmp(name)).ok().map(|i| &self.models[i])
    }

    /// The text form: a header explaining the notation, then one line per method, setter,
    /// field, enum value, union arm, event and error body.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Rust API surface of `{}`: {} {}", self.lib_name, self.title, self.version);
        out.push_str(NOTATION);
        out.push('\n');

        out.push_str("## Client\n");
        let _ = writeln!(out, "API_VERSION = {:?}", self.version);
        match &self.version_header {
            Some(header) => {
                let _ = writeln!(out, "version header: {header}: {}", self.version);
            }
            None => out.push_str("version header: none\n"),
        }
        if let Some(alias) = &self.client_alias {
            let _ = writeln!(out, "type {alias} = Client");
        }
        for (i, s) in self.servers.iter().enumerate() {
            let default = if i == 0 { " (default)" } else { "" };
            let _ = writeln!(out, "server {} = {}{default}", s.name, s.url);
        }

        if !self.features.is_empty() {
            let _ = writeln!(out, "\n## Cargo features ({}, all on by default through `full`)", self.features.len());
            for f in &self.features {
                let _ = writeln!(out, "{} = [{}]", f.name, f.enables.join(", "));
            }
        }

        let _ = writeln!(out, "\n## Groups ({})", self.groups.len());
        for g in &self.groups {
            let _ = writeln!(out, "{} -> {}", g.path, g.type_name);
        }

        let _ = writeln!(out, "\n## Methods ({})", self.methods.len());
        for m in &self.methods {
            let mut line = format!("{}  {} {}  [{}", m.signature(), m.http_method, m.path, m.builder);
            if let Some(item) = &m.stream {
                let _ = write!(line, "; stream {item}");
            }
            if m.deprecated {
                line.push_str("; deprecated");
            }
            line.push(']');
            let _ = writeln!(out, "{line}");
            for s in &m.setters {
                let _ = writeln!(out, "    .{}({})", s.name, s.ty);
            }
        }

        let _ = writeln!(out, "\n## Models ({})", self.models.len());
        for m in &self.models {
            render_model(&mut out, m);
        }

        match &self.webhook_tag {
            Some(tag) => {
                let _ = writeln!(out, "\n## Webhook events ({}; type read from `{tag}`)", self.webhooks.len());
            }
            None => {
                let _ = writeln!(out, "\n## Webhook events ({})", self.webhooks.len());
            }
        }
        for e in &self.webhooks {
            let _ = writeln!(out, "{} -> WebhookEvent::{}(Box<{}>)", e.event, e.variant, e.payload);
        }

        let _ = writeln!(out, "\n## Error bodies ({})", self.error_bodies.len());
        for b in &self.error_bodies {
            let _ = writeln!(out, "ApiErrorBody::{b}({b})");
        }
        out
    }
}

const NOTATION: &str = "\
# Cargo features: `feature = [what it compiles]`: `group()` accessors, `mod webhooks` (events).
# Methods: `group.method(arguments) -> Output  HTTP-METHOD /path  [Builder; stream Item]`,
#   called as `client.group().method(arguments)`, then `.await` (or `.send()`) for
#   `Result<Output, Error>`. Indented `.setter(T)` lines are the builder's optional setters.
#   `String` arguments accept `impl Into<String>`, `Vec<T>` ones `impl IntoIterator<Item = T>`.
# Models: `struct Name [role; new(args); Default]` then `field: Type` lines (`Option`,
#   `Patch`, `Box` as declared; `(flatten)` holds undeclared properties); `enum Name` then
#   `Variant = \"json value\"` lines and the catch-all; `union Name` then `Arm(Type) <- tags`
#   lines and the catch-all; `type Name = Type`. Role: what uses the type (request:
#   parameters and bodies; response: responses, error bodies, webhooks; unreferenced: none).
";

fn render_model(out: &mut String, m: &Model) {
    match &m.kind {
        ModelKind::Struct(s) => {
            let mut notes = vec![m.role.label().to_owned()];
            if let Some((key, value)) = &s.tag {
                notes.push(format!("tag {key}={value:?}"));
            }
            if let Some(args) = &s.constructor {
                notes.push(format!("new({})", args.join(", ")));
            }
            if s.default {
                notes.push("Default".to_owned());
            }
            let _ = writeln!(out, "struct {} [{}]", m.name, notes.join("; "));
            for f in &s.fields {
                let mut line = format!("  {}: {}", f.name, f.ty);
                if f.presence == Presence::Flatten {
                    line.push_str(" (flatten)");
                } else if f.json_name != f.name.trim_start_matches("r#") {
                    let _ = write!(line, " (json {:?})", f.json_name);
                }
                if f.deprecated {
                    line.push_str(" (deprecated)");
                }
                let _ = writeln!(out, "{line}");
            }
        }
        ModelKind::Enum(e) => {
            let _ = writeln!(out, "enum {} [{}]", m.name, m.role.label());
            for (variant, value) in &e.values {
                let _ = writeln!(out, "  {variant} = {value:?}");
            }
            let _ = writeln!(out, "  {}(String)", e.unknown);
        }
        ModelKind::Union(u) => {
            let how = match &u.tag {
                Some(tag) => format!("tagged by {tag:?}"),
                None => "untagged".to_owned(),
            };
            let _ = writeln!(out, "union {} [{}; {how}]", m.name, m.role.label());
            for arm in &u.arms {
                let _ = writeln!(out, "  {}", arm_text(arm, u.tag.is_some()));
            }
            let _ = writeln!(out, "  {}(Value)", u.unknown);
        }
        ModelKind::Alias(ty) => {
            let _ = writeln!(out, "type {} = {ty} [{}]", m.name, m.role.label());
        }
    }
}

/// `Arm(Type) <- "a", "b"` (tagged), `Arm(Type)` (untagged), `Arm = "literal"` (unit).
pub(crate) fn arm_text(arm: &ArmSurface, tagged: bool) -> String {
    let tags: Vec<String> = arm.tag_values.iter().map(|t| format!("{t:?}")).collect();
    match &arm.ty {
        None => format!("{} = {}", arm.name, tags.join(", ")),
        Some(ty) if tagged => format!("{}({ty}) <- {}", arm.name, tags.join(", ")),
        Some(ty) => format!("{}({ty})", arm.name),
    }
}

fn method(api: &Api, group: &str, op: &Operation) -> Method {
    let arg = |p: &crate::ir::Param| Arg { name: ident(&p.name).to_string(), ty: rust_ty(api, &p.ty) };
    let mut args: Vec<Arg> = op.params.iter().filter(|p| p.required).map(arg).collect();
    let mut setters: Vec<Arg> = op.params.iter().filter(|p| !p.required).map(arg).collect();
    if let Some(body) = &op.body {
        let body_arg = Arg { name: "body".to_owned(), ty: rust_ty(api, &body.ty) };
        if body.required {
            args.push(body_arg);
        } else {
            setters.push(body_arg);
        }
    }
    let returns = returns(api, &op.response);
    Method {
        group: group.to_owned(),
        name: ident(&op.name).to_string(),
        http_method: op.method.clone(),
        path: op.path.clone(),
        builder: op.builder.clone(),
        args,
        setters,
        returns,
        stream: op.pagination.as_ref().map(|p| rust_ty(api, &p.item)),
        deprecated: op.deprecated,
    }
}

/// The Rust type a response decodes into; an enum by status lists its variants
/// (`OrdersReceiptResponse { Ok(OrderReceipt), Accepted }`) so a changed arm shows in diffs.
fn returns(api: &Api, kind: &ResponseKind) -> String {
    match kind {
        ResponseKind::Json(ty) => rust_ty(api, ty),
        ResponseKind::Text(_) => "String".to_owned(),
        ResponseKind::Bytes(_) => "bytes::Bytes".to_owned(),
        ResponseKind::Empty => "()".to_owned(),
        ResponseKind::ByStatus(responses) => {
            let arms: Vec<String> = responses
                .arms
                .iter()
                .map(|arm| match &arm.kind {
                    ResponseKind::Empty => arm.variant.clone(),
                    kind => format!("{}({})", arm.variant, returns(api, kind)),
                })
                .collect();
            format!("{} {{ {} }}", responses.type_name, arms.join(", "))
        }
    }
}

fn model_kind(api: &Api, kind: &TypeKind) -> ModelKind {
    match kind {
        TypeKind::Struct(s) => {
            let fields: Vec<FieldSurface> = s
                .fields
                .iter()
                .map(|f| {
                    let mut value_ty = rust_ty(api, &f.ty);
                    if f.boxed {
                        value_ty = format!("Box<{value_ty}>");
                    }
                    let ty = match f.presence {
                        Presence::Required | Presence::Flatten => value_ty.clone(),
                        Presence::RequiredNullable | Presence::Optional => format!("Option<{value_ty}>"),
                        Presence::Tristate => format!("Patch<{value_ty}>"),
                    };
                    FieldSurface {
                        name: ident(&f.name).to_string(),
                        json_name: f.json_name.clone(),
                        ty,
                        value_ty,
                        presence: f.presence,
                        deprecated: f.deprecated,
                    }
                })
                .collect();
            let required: Vec<String> = fields.iter().filter(|f| f.required()).map(|f| f.name.clone()).collect();
            let constructor = s.constructor.then_some(required);
            ModelKind::Struct(StructSurface { fields, tag: s.tag.clone(), constructor, default: s.default })
        }
        TypeKind::Enum(e) => ModelKind::Enum(EnumSurface {
            values: e.variants.iter().map(|v| (v.name.clone(), v.value.clone())).collect(),
            unknown: e.unknown.clone(),
        }),
        TypeKind::Union(u) => ModelKind::Union(UnionSurface {
            tag: u.tag.clone(),
            arms: u
                .variants
                .iter()
                .map(|v| ArmSurface {
                    name: v.name.clone(),
                    ty: v.ty.as_ref().map(|ty| {
                        let name = rust_ty(api, ty);
                        if v.boxed {
                            format!("Box<{name}>")
                        } else {
                            name
                        }
                    }),
                    tag_values: v.tag_values.clone(),
                })
                .collect(),
            unknown: u.unknown.clone(),
        }),
        TypeKind::Alias(ty) => ModelKind::Alias(rust_ty(api, ty)),
    }
}

/// Rust spelling of a type as the emitter writes it (`Api::ty_name`, except that raw bytes
/// are `Vec<u8>` in models, arguments and bodies).
pub fn rust_ty(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Bytes => "Vec<u8>".to_owned(),
        Ty::Vec(inner) => format!("Vec<{}>", rust_ty(api, inner)),
        Ty::Map(key, value) => format!("BTreeMap<{}, {}>", rust_ty(api, key), rust_ty(api, value)),
        Ty::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|t| rust_ty(api, t)).collect();
            format!("({})", items.join(", "))
        }
        Ty::Option(inner) => format!("Option<{}>", rust_ty(api, inner)),
        other => api.ty_name(other),
    }
}

/// Which types are reachable from requests and from responses.
fn roles(api: &Api) -> Vec<Role> {
    let mut request = BTreeSet::new();
    let mut response = BTreeSet::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for p in &op.params {
            reach(api, &p.ty, &mut request);
        }
        if let Some(body) = &op.body {
            reach(api, &body.ty, &mut request);
        }
        for kind in op.response.kinds() {
            if let ResponseKind::Json(ty) = kind {
                reach(api, ty, &mut response);
            }
        }
    }
    for body in &api.error_bodies {
        reach(api, &body.ty, &mut response);
    }
    for w in &api.webhooks {
        reach(api, &w.payload, &mut response);
    }
    (0..api.types.len()).map(|id| Role { request: request.contains(&id), response: response.contains(&id) }).collect()
}
