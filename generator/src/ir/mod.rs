//! Stage 3: the intermediate representation.
//!
//! Plain data that says which Rust items to emit, decided once: every type has its final
//! name, shape and decoding strategy (`types/`), every operation its group, method name,
//! parameters with their encodings, path template and responses (`operations`), and the
//! crate its client alias, error-body arms, webhook dispatch and query impls
//! (`crate_items`), cargo features (`features`) and planned docs (`docs`).
//! The emitter only translates this into tokens; it makes no naming or shape decisions.
//! `Api::dump_types` renders the types as text, for review and snapshot tests.

mod crate_items;
pub mod docs;
pub mod features;
mod operations;
mod types;

use crate::error::{SpecError, Warning};
use serde_json::Value;

pub use crate_items::ErrorBody;
pub use operations::*;

/// Index of a type in [`Api::types`].
pub type TypeId = usize;

/// Knobs that differ between the Polar crate and a generic one.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A header sent on every request with `info.version` as its value (Polar: `Polar-Version`).
    pub version_header: Option<String>,
    /// The generated crate's library name, used in its doc examples (default `api_client`).
    pub lib_name: Option<String>,
    /// Generate anyway where the default refuses a reference: a `$ref` to a node that does
    /// not exist becomes an untyped JSON value (or its entry is left out), a `#/$defs/X`
    /// that only the enclosing schema defines is resolved there. Each repair is a warning
    /// naming the `$ref`'s JSON pointer (see [`crate::lower::repair_refs`]). Default off.
    pub lenient: bool,
    /// A header naming the organization requests act for, set by
    /// `ClientBuilder::organization_id` (Polar: `Polar-Organization`, as its SDKs send it).
    pub organization_header: Option<String>,
    /// When set, each operation's rustdoc shows its code sample (`crate::samples`) as an
    /// `ignore`d block, saying it is compiled by this file instead (Polar: the
    /// contract-tests crate); when unset, operation docs carry no sample.
    pub samples_compiled_in: Option<String>,
    /// Markdown appended to the crate-root docs as is (rustdoc: its `rust` blocks are
    /// doctests): the Polar profile's quick start. Unset for generic crates.
    pub crate_docs: Option<String>,
    /// Markdown closing the `webhooks` module docs: what the sender shows as the secret and
    /// how it retries (Polar: `whsec_...` secrets in either signing scheme, a 10-second
    /// answer window). Unset: general Standard Webhooks advice.
    pub webhook_notes: Option<String>,
    /// The command that regenerates the crate, named in every generated file's header
    /// (Polar: `cargo xtask regenerate`). Unset, headers say to regenerate from the spec.
    pub regenerate_command: Option<String>,
    /// Where operation descriptions end for the docs: text from this marker on repeats
    /// what the generated docs list themselves (Polar: `\n\n**Scopes**`, a trailer naming the
    /// token scopes, which the docs list from the security requirements). Unset: kept whole.
    pub description_trailer: Option<String>,
    /// Hand-written modules the profile adds to the crate root (Polar: usage metering,
    /// webhook routing...): copied like the runtime, declared in `lib.rs`.
    pub extra_modules: Vec<ExtraModule>,
    /// How the API pages its lists: operations that fit get `stream()` and `pages()`.
    /// Unset: no page streams.
    pub pagination: Option<PageShape>,
    /// The server echoes the version header on every response of a version it serves,
    /// so a 404 without it means the version is not served (Polar's
    /// `APIVersionMiddleware`): reported as `ErrorKind::VersionNotServed`.
    pub version_echoed: bool,
    /// In a crate of several API versions, the module of this one (`v2026_10`) and its
    /// cargo feature (`v2026-10`); unset, the API is the crate root. Set by
    /// [`crate::analyze_versions`].
    pub version_module: Option<VersionModule>,
    /// Cargo feature names the crate uses for other things (the version features of a
    /// crate of several versions), kept free of group features.
    pub reserved_features: Vec<String>,
}

/// The module and cargo feature of one API version in a crate of several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionModule {
    /// The module name (`v2026_10`).
    pub name: String,
    /// The cargo feature that compiles it (`v2026-10`).
    pub feature: String,
}

impl VersionModule {
    /// The module and feature of API version `version` (`info.version`): `2026-10` →
    /// `v2026_10` / `v2026-10`.
    pub fn for_version(version: &str) -> Self {
        let words: Vec<String> = version
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let words = if words.is_empty() { vec!["0".to_owned()] } else { words };
        VersionModule { name: format!("v{}", words.join("_")), feature: format!("v{}", words.join("-")) }
    }
}

/// A hand-written module of a profile, copied into `src/<name>.rs` and declared in
/// `lib.rs` (`pub mod <name>;`, behind `cfg` when set). Its docs are its own `//!` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraModule {
    /// The module name, a Rust identifier.
    pub name: &'static str,
    /// The `cfg` predicate that compiles it (`feature = "metering"`), if any.
    pub cfg: Option<&'static str>,
    /// The module's source.
    pub source: &'static str,
}

impl ExtraModule {
    /// The cargo features its `cfg` names (`all(feature = "a", feature = "b")` → `a`, `b`),
    /// in order.
    pub fn features(&self) -> Vec<&'static str> {
        let Some(cfg) = self.cfg else { return Vec::new() };
        cfg.split("feature")
            .skip(1)
            .filter_map(|rest| rest.trim_start().strip_prefix('=')?.trim_start().strip_prefix('"')?.split('"').next())
            .collect()
    }
}

/// Everything the emitter needs, in output order.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub version_header: Option<String>,
    /// See [`Options::organization_header`].
    pub organization_header: Option<String>,
    pub lib_name: String,
    /// `Options::crate_docs`.
    pub crate_docs: Option<String>,
    /// `Options::webhook_notes`.
    pub webhook_notes: Option<String>,
    /// `Options::extra_modules`.
    pub extra_modules: Vec<ExtraModule>,
    /// `Options::version_echoed`.
    pub version_echoed: bool,
    /// `Options::version_module`.
    pub version_module: Option<VersionModule>,
    pub servers: Vec<ServerDef>,
    /// The crate-root alias of `Client` named after the API (`pub type Polar = Client;`),
    /// when that name is free.
    pub client_alias: Option<String>,
    /// All named types. Component schemas first in spec order, then inline types.
    pub types: Vec<TypeDef>,
    pub groups: Vec<Group>,
    pub webhooks: Vec<Webhook>,
    /// The payload property every webhook event's type is read from (Polar: `type`), when
    /// all payloads are structs tagged by the same property; otherwise events are told
    /// apart by trying each payload type in turn.
    pub webhook_tag: Option<String>,
    /// Types used as documented error bodies, each once; they become `ApiErrorBody` arms.
    pub error_bodies: Vec<ErrorBody>,
    /// The `ApiErrorBody` arm for a body that matches none of its status's schemas, named
    /// apart from the arms of [`Api::error_bodies`].
    pub unrecognized_error: String,
    /// The unions sent as query text or pairs (`QueryValue` impls): those reached from
    /// `form`/delimited parameters and from the values of deepObject maps, sorted.
    pub query_value_unions: Vec<TypeId>,
    pub warnings: Vec<Warning>,
    /// The crate's cargo features and what each compiles.
    pub features: features::Features,
    /// The rustdoc of items the spec does not describe (`docs::plan`).
    pub docs: docs::Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerDef {
    /// Variant name of the generated `Server` enum.
    pub name: String,
    pub url: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// File stem (under `src/models/`) holding this type, unique per crate.
    pub module: String,
    pub doc: Option<String>,
    /// JSON pointer of the schema the type came from.
    pub pointer: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    /// `pub type Name = Ty;` for component schemas that are not objects, enums or unions.
    Alias(Ty),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// A property fixed by `const`: serialized by serde's struct `tag`, not stored.
    pub tag: Option<(String, String)>,
    /// The `tag` property is required: a value without it is not this type (an optional
    /// tag, as with a `default`, may be left out by the sender).
    pub tag_required: bool,
    /// Used as a PATCH body: optional nullable fields are three-state.
    pub patch: bool,
    /// Has `new(required fields...)`: 1 to 7 required fields (past 7 a struct literal reads
    /// better, and clippy's `too_many_arguments` starts at 8).
    pub constructor: bool,
    /// Derives `Default`: no required field.
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name (snake case; emitted as a raw identifier if it is a keyword).
    pub name: String,
    pub json_name: String,
    pub doc: Option<String>,
    /// The value type, without the `Option`/`Patch` wrapper that `presence` adds.
    pub ty: Ty,
    pub presence: Presence,
    /// The schema allows `null` (kept so PATCH bodies can turn `Optional` into `Tristate`).
    pub nullable: bool,
    /// Part of a cycle of types: stored behind a `Box`.
    pub boxed: bool,
    pub deprecated: bool,
    /// `example`/`examples` values of the property, checked by a generated test.
    pub examples: Vec<Value>,
    /// What the property's schema says besides its type, as rustdoc-ready text
    /// (`format: email`, `maxLength: 256`, `default: "usd"`), for the docs of fields the
    /// spec does not describe (see `ir/docs.rs`).
    pub facts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required and not nullable: `T`.
    Required,
    /// Required but may be null: `Option<T>`, `None` serialized as `null`.
    RequiredNullable,
    /// May be absent (and perhaps null): `Option<T>`, `None` not serialized.
    Optional,
    /// PATCH body field that may be absent or null: `Patch<T>`.
    Tristate,
    /// The map of undeclared properties: `#[serde(flatten)] BTreeMap<String, T>`.
    Flatten,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub variants: Vec<EnumVariant>,
    /// Name of the catch-all arm that keeps values this version does not know.
    pub unknown: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub value: String,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// Tagged unions dispatch on this property; untagged ones try variants in order.
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// Name of the catch-all arm that keeps JSON no variant accepts.
    pub unknown: String,
    /// Untagged, and every arm is one JSON scalar (string, number, boolean, perhaps parsed
    /// further: date-times, UUIDs, open enums) or a literal: decoded through one visitor
    /// without buffering. Other unions buffer their JSON and dispatch on it.
    pub scalar: bool,
    /// The kinds of JSON value the union's arms can hold: the catch-all arm keeps a
    /// value of one of these kinds that no arm takes (forward compatibility), and any
    /// other value is a decode error (a gateway's text or `null` is not a `Customer`).
    /// A tagged union accepts objects only.
    pub accepts: JsonKinds,
    /// Tagged unions: what an object without the tag is.
    pub missing_tag: MissingTag,
}

/// What a tagged union makes of an object that lacks its tag property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingTag {
    /// Every arm requires the tag: the object is no variant of any version, an error.
    Error,
    /// The one arm whose tag is optional (it has a default, say): decoded as that arm.
    Variant(usize),
    /// Several arms, or arms that are not plain structs, may lack the tag: kept as sent
    /// in the catch-all arm.
    #[default]
    Unknown,
}

/// A set of JSON value kinds (object, array, string, number, boolean, null).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JsonKinds(u8);

impl JsonKinds {
    pub const OBJECT: Self = Self(1);
    pub const ARRAY: Self = Self(2);
    pub const STRING: Self = Self(4);
    pub const NUMBER: Self = Self(8);
    pub const BOOLEAN: Self = Self(16);
    pub const NULL: Self = Self(32);
    pub const ANY: Self = Self(63);
    /// Each kind with its name, in the order they are spelled.
    pub const NAMED: [(Self, &'static str); 6] = [
        (Self::OBJECT, "OBJECT"),
        (Self::ARRAY, "ARRAY"),
        (Self::STRING, "STRING"),
        (Self::NUMBER, "NUMBER"),
        (Self::BOOLEAN, "BOOLEAN"),
        (Self::NULL, "NULL"),
    ];

    #[must_use]
    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    /// `None` for a literal (unit) variant.
    pub ty: Option<Ty>,
    /// Tagged unions: the tag values that select this variant.
    /// Untagged unions: for a literal variant, the one JSON string it matches.
    pub tag_values: Vec<String>,
    /// Stored behind a `Box`: the arm is part of a cycle, or much bigger than the others
    /// would be (keeps the enum small; clippy's `large_enum_variant`).
    pub boxed: bool,
    /// Untagged unions: `const` properties a value of the arm always has, checked in the
    /// buffered JSON before the arm is tried (cheap, and keeps a look-alike arm from
    /// accepting another arm's value).
    pub guards: Vec<ConstGuard>,
}

/// A `const` property at a JSON path: `["type"] = "card"`, `["data", "kind"] = "x"`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstGuard {
    pub path: Vec<String>,
    pub value: String,
}

/// A `From` conversion into a union (see [`Api::union_conversions`]).
#[derive(Debug, Clone, Copy)]
pub struct Conversion<'a> {
    pub variant: &'a UnionVariant,
    /// The arm's payload type (behind a `Box` when `variant.boxed`).
    pub ty: &'a Ty,
    /// A `String` arm also converts from `&str`.
    pub from_str: bool,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    Named(TypeId),
    String,
    Integer,
    Number,
    Boolean,
    Uuid,
    DateTime,
    Date,
    /// Any JSON value.
    Json,
    /// Raw bytes (`format: binary`).
    Bytes,
    Vec(Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Tuple(Vec<Ty>),
    Option(Box<Ty>),
}

impl Ty {
    /// The type without an outer `Option`.
    pub fn non_null(&self) -> &Ty {
        match self {
            Ty::Option(inner) => inner,
            other => other,
        }
    }

    /// Pushes every type this expression names directly (through lists, maps, options
    /// and tuples: `Vec<Foo>` names `Foo`), in order of appearance, repeats included.
    pub fn named_types(&self, out: &mut Vec<TypeId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Vec(inner) | Ty::Option(inner) => inner.named_types(out),
            Ty::Map(key, value) => {
                key.named_types(out);
                value.named_types(out);
            }
            Ty::Tuple(items) => items.iter().for_each(|item| item.named_types(out)),
            _ => {}
        }
    }
}

/// Builds the IR from a lowered document. `file` names the spec in errors.
pub fn build(spec: &openapiv3::OpenAPI, file: &str, options: &Options) -> Result<Api, SpecError> {
    let mut builder = types::TypeBuilder::new(spec, file)?;
    builder.build_components()?;
    let operations::Built { groups, error_bodies, webhooks } =
        operations::build(&mut builder, spec, options.pagination.as_ref())?;
    let (types, mut warnings) = builder.finish();
    let mut groups = operations::avoid_type_names(groups, &types);
    if let Some(trailer) = &options.description_trailer {
        for op in groups.iter_mut().flat_map(|g| &mut g.operations) {
            op.description = op.description.take().map(|d| match d.split_once(trailer.as_str()) {
                Some((kept, _)) => kept.trim().to_owned(),
                None => d,
            });
        }
    }
    warnings.sort();
    warnings.dedup();
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        version_header: options.version_header.clone(),
        organization_header: options.organization_header.clone(),
        lib_name: options.lib_name.clone().unwrap_or_else(|| "api_client".to_owned()),
        crate_docs: options.crate_docs.clone(),
        webhook_notes: options.webhook_notes.clone(),
        extra_modules: options.extra_modules.clone(),
        version_echoed: options.version_echoed,
        version_module: options.version_module.clone(),
        servers: servers(spec),
        client_alias: None,
        types,
        groups,
        webhooks,
        webhook_tag: None,
        error_bodies: Vec::new(),
        unrecognized_error: String::new(),
        query_value_unions: Vec::new(),
        warnings,
        features: features::Features::default(),
        docs: docs::Docs::default(),
    };
    api.client_alias = crate_items::client_alias(&api);
    api.webhook_tag = crate_items::webhook_tag(&api);
    crate_items::webhook_markers(&mut api);
    (api.error_bodies, api.unrecognized_error) = crate_items::error_bodies(&api.types, error_bodies);
    api.query_value_unions = crate_items::query_value_unions(&api);
    api.features = features::compute(&api, &options.reserved_features);
    api.docs = docs::plan(&api);
    if let Some(place) = &options.samples_compiled_in {
        api.docs.samples = crate::samples::operation_samples(&api)
            .into_iter()
            .map(|sample| (sample.operation_id, sample.code))
            .collect();
        api.docs.samples_compiled_in = Some(crate::samples::module_file(&api, place));
    }
    Ok(api)
}

fn servers(spec: &openapiv3::OpenAPI) -> Vec<ServerDef> {
    let mut scope = crate::names::NameScope::new();
    spec.servers
        .iter()
        .map(|server| {
            let id = server
                .extensions
                .get("x-speakeasy-server-id")
                .or_else(|| server.extensions.get("x-polar-environment"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| server.description.clone())
                .unwrap_or_else(|| server.url.clone());
            ServerDef {
                name: scope.claim(&crate::names::type_name(&id)),
                url: server.url.trim_end_matches('/').to_owned(),
                description: server.description.clone(),
            }
        })
        .collect()
}

/// `ty` with aliases followed through `types`. Alias cycles are refused when the IR is
/// built; the bound only guards against one slipping through.
pub(crate) fn resolve_alias<'a>(types: &'a [TypeDef], mut ty: &'a Ty) -> &'a Ty {
    for _ in 0..32 {
        match ty {
            Ty::Named(id) => match &types[*id].kind {
                TypeKind::Alias(inner) => ty = inner,
                _ => break,
            },
            _ => break,
        }
    }
    ty
}

impl Api {
    /// The path of this version's items inside the crate, as doc links write it: `crate`,
    /// or `crate::v2026_10` in a crate of several versions.
    pub fn crate_path(&self) -> String {
        match &self.version_module {
            Some(module) => format!("crate::{}", module.name),
            None => "crate".to_owned(),
        }
    }

    /// The same path as an application writes it (code samples): `polar`, or
    /// `polar::v2026_10`.
    pub fn public_path(&self) -> String {
        match &self.version_module {
            Some(module) => format!("{}::{}", self.lib_name, module.name),
            None => self.lib_name.clone(),
        }
    }

    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id]
    }

    /// The type an alias (`pub type X = ...`) stands for, following alias chains.
    pub fn resolve_alias<'a>(&'a self, ty: &'a Ty) -> &'a Ty {
        resolve_alias(&self.types, ty)
    }

    /// The arms of a union that a value converts into with `From` (`Benefit::from(custom)`,
    /// no `Box::new` at call sites): every arm with a payload of its own, i.e. whose Rust
    /// type (aliases resolved) no other arm shares, so the impls never overlap. Untyped JSON
    /// and nullable arms are left out (`Value` and `Option` would read as the wrong arm), and
    /// so is an arm holding the union itself (`From<T> for T` is the standard library's).
    pub fn union_conversions<'a>(&'a self, union_name: &str, union: &'a UnionDef) -> Vec<Conversion<'a>> {
        // Each arm with its Rust type, aliases resolved: arms compare by that.
        let arms: Vec<(&UnionVariant, &Ty, Ty)> = union
            .variants
            .iter()
            .filter_map(|v| v.ty.as_ref().map(|ty| (v, ty, self.resolve_aliases_deep(ty, 0))))
            .collect();
        arms.iter()
            .filter(|(_, _, resolved)| {
                !matches!(resolved, Ty::Json | Ty::Option(_))
                    && self.ty_name(resolved) != union_name
                    && arms.iter().filter(|(_, _, other)| other == resolved).count() == 1
            })
            .map(|(variant, ty, _)| Conversion { variant, ty, from_str: matches!(ty, Ty::String) })
            .collect()
    }

    /// `ty` with every alias replaced by what it stands for, at any depth (bounded, as
    /// alias chains in a broken spec could be long).
    fn resolve_aliases_deep(&self, ty: &Ty, depth: usize) -> Ty {
        if depth > 16 {
            return ty.clone();
        }
        let deep = |t: &Ty| Box::new(self.resolve_aliases_deep(t, depth + 1));
        match ty {
            Ty::Named(id) => match &self.types[*id].kind {
                TypeKind::Alias(inner) => self.resolve_aliases_deep(inner, depth + 1),
                _ => ty.clone(),
            },
            Ty::Vec(inner) => Ty::Vec(deep(inner)),
            Ty::Option(inner) => Ty::Option(deep(inner)),
            Ty::Map(key, value) => Ty::Map(deep(key), deep(value)),
            Ty::Tuple(items) => Ty::Tuple(items.iter().map(|t| self.resolve_aliases_deep(t, depth + 1)).collect()),
            other => other.clone(),
        }
    }

    /// Rust spelling of a type, for dumps and reports.
    pub fn ty_name(&self, ty: &Ty) -> String {
        match ty {
            Ty::Named(id) => self.types[*id].name.clone(),
            Ty::String => "String".into(),
            Ty::Integer => "i64".into(),
            Ty::Number => "f64".into(),
            Ty::Boolean => "bool".into(),
            Ty::Uuid => "Uuid".into(),
            Ty::DateTime => "DateTime<Utc>".into(),
            Ty::Date => "NaiveDate".into(),
            Ty::Json => "Value".into(),
            Ty::Bytes => "Vec<u8>".into(),
            Ty::Vec(inner) => format!("Vec<{}>", self.ty_name(inner)),
            Ty::Map(key, value) => format!("BTreeMap<{}, {}>", self.ty_name(key), self.ty_name(value)),
            Ty::Tuple(items) => {
                let items: Vec<_> = items.iter().map(|t| self.ty_name(t)).collect();
                format!("({})", items.join(", "))
            }
            Ty::Option(inner) => format!("Option<{}>", self.ty_name(inner)),
        }
    }

    /// A compact, deterministic text rendering of every type (for review and snapshots).
    pub fn dump_types(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for def in &self.types {
            match &def.kind {
                TypeKind::Struct(s) => {
                    let tag = s.tag.as_ref().map(|(k, v)| format!(" tag {k}={v:?}")).unwrap_or_default();
                    let patch = if s.patch { " patch" } else { "" };
                    let _ = writeln!(out, "struct {}{tag}{patch}", def.name);
                    for f in &s.fields {
                        let ty = self.ty_name(&f.ty);
                        let ty = match f.presence {
                            Presence::Required => ty,
                            Presence::RequiredNullable | Presence::Optional => format!("Option<{ty}>"),
                            Presence::Tristate => format!("Patch<{ty}>"),
                            Presence::Flatten => format!("flatten {ty}"),
                        };
                        let boxed = if f.boxed { " (boxed)" } else { "" };
                        let optional = if f.presence == Presence::Optional { " (optional)" } else { "" };
                        let _ = writeln!(out, "  {}: {ty}{optional}{boxed}  // {:?}", f.name, f.json_name);
                    }
                }
                TypeKind::Enum(e) => {
                    let values: Vec<_> = e.variants.iter().map(|v| v.value.as_str()).collect();
                    let _ = writeln!(out, "enum {} = {} | {}(String)", def.name, values.join(" | "), e.unknown);
                }
                TypeKind::Union(u) => {
                    let how = match &u.tag {
                        Some(tag) => format!("tagged by {tag:?}"),
                        None => "untagged".to_owned(),
                    };
                    let _ = writeln!(out, "union {} {how}", def.name);
                    for v in &u.variants {
                        let ty = v.ty.as_ref().map(|t| format!("({})", self.ty_name(t))).unwrap_or_default();
                        let _ = writeln!(out, "  {}{ty} <- {:?}", v.name, v.tag_values);
                    }
                    let _ = writeln!(out, "  {}(Value)", u.unknown);
                }
                TypeKind::Alias(ty) => {
                    let _ = writeln!(out, "type {} = {}", def.name, self.ty_name(ty));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ExtraModule;

    #[test]
    fn extra_modules_name_the_features_of_their_cfg() {
        let module = |cfg| ExtraModule { name: "m", cfg, source: "" };
        assert_eq!(module(Some("feature = \"metering\"")).features(), ["metering"]);
        assert_eq!(module(Some("all(feature=\"a\", feature = \"b\")")).features(), ["a", "b"]);
        assert!(module(Some("unix")).features().is_empty());
        assert!(module(None).features().is_empty());
    }
}
