//! What changed in the generated Rust API between two specs, rated for a Rust user.
//!
//! Both sides are first reduced to a [`Surface`] (types spelled as Rust), then compared by
//! name: methods by `group.method`, models by type name, fields and setters by Rust name,
//! enum values by their JSON value, union arms by variant name. The rules that rate each
//! change are in [`RULES`], which the Markdown report repeats in its header.
//!
//! This module holds the vocabulary of a comparison ([`Change`], [`Impact`], [`Section`],
//! [`Report`]), the entry points and [`RULES`]; `compare` matches the two sides and compares
//! the client, groups, methods, webhook events and error bodies, `models` compares models,
//! and `report` counts and renders a [`Report`].

mod compare;
mod models;
mod report;

use super::surface::Surface;
use crate::ir::Api;
use compare::{Aliases, Differ};
use std::fmt;

/// How a change affects users of the crate, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code using the crate as intended can stop compiling or change meaning.
    Breaking,
    /// An addition that only breaks code relying on the exact shape of a generated type.
    MinorCaveat(Caveat),
    /// A pure addition.
    Minor,
    /// No change to the Rust API; a change on the wire or in the docs.
    Patch,
}

/// What a "minor (...)" change can still break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Caveat {
    /// A new optional field: struct literals without `..` must name it.
    StructLiterals,
    /// A new required field in a response-only struct: building one (tests, mocks) needs it.
    ResponseConstruction,
    /// A new variant of an enum with a catch-all: exhaustive `match`es without `_` need it.
    ExhaustiveMatches,
    /// A renamed builder or group-handle type: code that names the type needs the new name.
    TypeName,
}

impl Impact {
    /// The label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Impact::Breaking => "**breaking**",
            Impact::MinorCaveat(Caveat::StructLiterals) => "minor (breaks struct literals)",
            Impact::MinorCaveat(Caveat::ResponseConstruction) => "minor (breaks building response values)",
            Impact::MinorCaveat(Caveat::ExhaustiveMatches) => "minor (breaks exhaustive matches)",
            Impact::MinorCaveat(Caveat::TypeName) => "minor (breaks code naming the type)",
            Impact::Minor => "minor",
            Impact::Patch => "patch",
        }
    }

    pub fn is_breaking(self) -> bool {
        self == Impact::Breaking
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label().trim_matches('*'))
    }
}

/// What kind of API element changed, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    ApiVersionChanged,
    VersionHeaderChanged,
    ServerAdded,
    ServerRemoved,
    ServerUrlChanged,
    DefaultServerChanged,
    /// The crate-root `type <Alias> = Client;` added, removed or renamed.
    ClientAliasChanged,
    FeatureAdded,
    FeatureRemoved,
    /// A cargo feature compiles other groups (or no longer the webhook events).
    FeatureContentsChanged,
    GroupAdded,
    GroupRemoved,
    GroupTypeRenamed,
    OperationRemoved,
    OperationAdded,
    ArgumentAdded,
    ArgumentRemoved,
    ArgumentRetyped,
    ArgumentsReordered,
    ArgumentBecameSetter,
    SetterBecameArgument,
    SetterAdded,
    SetterRemoved,
    SetterRetyped,
    ReturnTypeChanged,
    StreamAdded,
    StreamRemoved,
    StreamItemChanged,
    HttpRouteChanged,
    BuilderRenamed,
    DeprecationChanged,
    ModelRemoved,
    ModelAdded,
    ModelKindChanged,
    AliasRetyped,
    ConstructorChanged,
    DefaultChanged,
    StructTagChanged,
    FieldAdded,
    FieldRemoved,
    FieldRetyped,
    /// `T` → `Option<T>` (or `Patch<T>`).
    FieldOptionAdded,
    /// `Option<T>` (or `Patch<T>`) → `T`.
    FieldOptionRemoved,
    /// Same Rust type, different JSON: name, `null` vs absent, deprecation.
    FieldWireChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumVariantRenamed,
    CatchAllRenamed,
    UnionArmAdded,
    UnionArmRemoved,
    UnionArmRetyped,
    UnionArmTagsChanged,
    UnionDispatchChanged,
    WebhookAdded,
    WebhookRemoved,
    WebhookChanged,
    /// `WebhookEvent` reads the event type from another payload property, or tries the
    /// payload types in turn instead.
    WebhookDispatchChanged,
    ErrorBodyAdded,
    ErrorBodyRemoved,
}

/// The report sections, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Client,
    Features,
    OperationsRemoved,
    OperationsAdded,
    Arguments,
    Returns,
    OperationDetails,
    ModelsRemoved,
    ModelsAdded,
    ModelShapes,
    Fields,
    EnumValues,
    UnionArms,
    Webhooks,
    ErrorBodies,
}

impl Section {
    const ALL: [Section; 15] = [
        Section::Client,
        Section::Features,
        Section::OperationsRemoved,
        Section::OperationsAdded,
        Section::Arguments,
        Section::Returns,
        Section::OperationDetails,
        Section::ModelsRemoved,
        Section::ModelsAdded,
        Section::ModelShapes,
        Section::Fields,
        Section::EnumValues,
        Section::UnionArms,
        Section::Webhooks,
        Section::ErrorBodies,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Client => "Client",
            Section::Features => "Cargo features",
            Section::OperationsRemoved => "Operations removed",
            Section::OperationsAdded => "Operations added",
            Section::Arguments => "Arguments and setters",
            Section::Returns => "Return types and streaming",
            Section::OperationDetails => "Other operation changes",
            Section::ModelsRemoved => "Models removed",
            Section::ModelsAdded => "Models added",
            Section::ModelShapes => "Model kinds, aliases, constructors",
            Section::Fields => "Struct fields",
            Section::EnumValues => "Enum values",
            Section::UnionArms => "Union arms",
            Section::Webhooks => "Webhook events",
            Section::ErrorBodies => "Error bodies",
        }
    }

    /// Sections whose changes are listed under their subject (one operation, one model).
    fn grouped(self) -> bool {
        matches!(
            self,
            Section::Arguments
                | Section::Returns
                | Section::OperationDetails
                | Section::ModelShapes
                | Section::Fields
                | Section::EnumValues
                | Section::UnionArms
        )
    }
}

impl ChangeKind {
    pub fn section(self) -> Section {
        use ChangeKind::*;
        match self {
            ApiVersionChanged | VersionHeaderChanged | ServerAdded | ServerRemoved | ServerUrlChanged
            | DefaultServerChanged | ClientAliasChanged => Section::Client,
            FeatureAdded | FeatureRemoved | FeatureContentsChanged => Section::Features,
            OperationRemoved | GroupRemoved => Section::OperationsRemoved,
            OperationAdded | GroupAdded => Section::OperationsAdded,
            ArgumentAdded | ArgumentRemoved | ArgumentRetyped | ArgumentsReordered | ArgumentBecameSetter
            | SetterBecameArgument | SetterAdded | SetterRemoved | SetterRetyped => Section::Arguments,
            ReturnTypeChanged | StreamAdded | StreamRemoved | StreamItemChanged => Section::Returns,
            HttpRouteChanged | BuilderRenamed | DeprecationChanged | GroupTypeRenamed => Section::OperationDetails,
            ModelRemoved => Section::ModelsRemoved,
            ModelAdded => Section::ModelsAdded,
            ModelKindChanged | AliasRetyped | ConstructorChanged | DefaultChanged | StructTagChanged => {
                Section::ModelShapes
            }
            FieldAdded | FieldRemoved | FieldRetyped | FieldOptionAdded | FieldOptionRemoved | FieldWireChanged => {
                Section::Fields
            }
            EnumValueAdded | EnumValueRemoved | EnumVariantRenamed => Section::EnumValues,
            UnionArmAdded | UnionArmRemoved | UnionArmRetyped | UnionArmTagsChanged | UnionDispatchChanged => {
                Section::UnionArms
            }
            // The catch-all is a variant of an enum or a union; list it with the enum values.
            CatchAllRenamed => Section::EnumValues,
            WebhookAdded | WebhookRemoved | WebhookChanged | WebhookDispatchChanged => Section::Webhooks,
            ErrorBodyAdded | ErrorBodyRemoved => Section::ErrorBodies,
        }
    }
}

/// One change to one element of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    pub impact: Impact,
    /// What the change is about: a method (`customer_portal.orders.list`), a model, an event,
    /// an error body, a server, a group path; `client` for crate-wide values.
    pub subject: String,
    /// The argument, setter, field, enum value or union arm concerned, if any.
    pub item: Option<String>,
    /// About the subject, shown next to it: the route of a method, kind and role of a model.
    pub context: String,
    /// One line of Markdown describing the change.
    pub detail: String,
}

/// The version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// The comparison of two generated APIs.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// How the old and new API are named in the report (default: title and version).
    pub old_label: String,
    pub new_label: String,
    /// Every change, sorted by section, subject, impact and item.
    pub changes: Vec<Change>,
    /// Methods and models on each side, for the summary.
    pub old_counts: (usize, usize),
    pub new_counts: (usize, usize),
}

/// Compares the Rust APIs generated for two specs.
pub fn diff(old: &Api, new: &Api) -> Report {
    diff_surfaces(&Surface::of(old), &Surface::of(new))
}

/// Compares two API surfaces (see [`Surface::of`]).
pub fn diff_surfaces(old: &Surface, new: &Surface) -> Report {
    let mut d = Differ { changes: Vec::new(), old: Aliases::of(old), new: Aliases::of(new) };
    d.client(old, new);
    d.features(old, new);
    d.groups(old, new);
    d.methods(old, new);
    d.models(old, new);
    d.webhooks(old, new);
    d.error_bodies(old, new);
    let mut changes = d.changes;
    changes.sort_by(|a, b| {
        (a.kind.section(), &a.subject, a.impact, &a.item, a.kind).cmp(&(
            b.kind.section(),
            &b.subject,
            b.impact,
            &b.item,
            b.kind,
        ))
    });
    Report {
        old_label: format!("{} {}", old.title, old.version),
        new_label: format!("{} {}", new.title, new.version),
        changes,
        old_counts: (old.methods.len(), old.models.len()),
        new_counts: (new.methods.len(), new.models.len()),
    }
}

/// How changes are rated; the Markdown report starts with this text.
pub const RULES: &str = "\
Ratings say what upgrading the generated crate does to Rust code that uses it; they judge the
Rust API (names, types, signatures), not the wire format, except where noted.

- **breaking**: code that uses the crate as intended can stop compiling or change meaning.
  Anything removed or renamed (method, argument, setter, group accessor, model, field, enum
  value, union arm, webhook event, error body, server); any changed type, including `Option`
  added or removed (`T` ↔ `Option<T>`: a field or argument that became optional or required);
  a new required argument; a new required field (`T`, or a required `Option<T>` that has no
  default) in a struct used in requests or by no operation (callers must set it: struct
  literals and `new()` change, `Default` may go); a changed `new()` signature or a lost
  `Default` on such a struct; a model that became another kind (struct → union, ...); a
  cargo feature removed, or no longer compiling a group or the webhook events it did
  (builds that pick features stop compiling); the client alias (`Polar`) removed or renamed.
- **minor (breaks ...)**: additions that Rust's semver rules count as breaking, but that only
  affect code relying on the exact shape of generated types. All generated structs have
  public fields and can be built with struct literals, and no generated enum is
  `#[non_exhaustive]`; these are still rated minor, with what they can break:
  - *breaks struct literals*: a new optional field (`Option<T>`/`Patch<T>` that may be absent).
    `new()` and `Default` are unchanged, so literals ending in `..Default::default()` and
    `new()` calls keep compiling. Decoding is unaffected: an absent field is `None`.
  - *breaks building response values*: a new required field, or a changed `new()`/`Default`,
    in a struct found only in responses and webhook payloads. Users read these; only code that
    builds one (tests, mocks) must set the field. Decoding needs the server to send it.
  - *breaks exhaustive matches*: a new enum value, union arm, webhook event, error body or
    server. Every generated enum has a catch-all (`Unknown`), so a `match` with a `_` arm keeps
    compiling; JSON that used to decode into the catch-all now decodes into the new variant.
  - *breaks code naming the type*: a renamed request-builder or group-handle type (the method
    that returns it is unchanged; code that only chains calls is unaffected).
- **minor**: a pure addition: a method, group accessor, optional setter, model, `new()`,
  `Default`, `.stream()`, a cargo feature (on by default through `full`), a group added to a
  feature, the client alias.
- **patch**: the Rust API is unchanged but the wire or the docs are not: another HTTP method or
  path, another JSON name, a field now sent as `null` instead of omitted (or the reverse),
  other union tag values or dispatch (also of webhook events), deprecation, a server URL, the
  API version or the version header.

Suggested bump: **major** if anything is breaking, else **minor** if anything is minor (with or
without a caveat), else **patch**. Before 1.0 Cargo treats the minor digit as the major one:
breaking → 0.(x+1).0; minor → 0.x.(y+1), or 0.(x+1).0 to be safe when any \"minor (breaks
...)\" change is present, since `cargo update` would otherwise bring it in; patch → 0.x.(y+1).
";
