//! What changed in the generated Rust API between two specs, rated for a Rust user.
//!
//! Both sides are first reduced to a [`Surface`] (types spelled as Rust), then compared by
//! name: methods by `group.method`, models by type name, fields and setters by Rust name,
//! enum values by their JSON value, union arms by variant name. The rules that rate each
//! change are in [`RULES`], which the Markdown report repeats in its header.

use super::surface::{arm_text, Method, Model, ModelKind, Role, StructSurface, Surface};
use crate::ir::{Api, Presence};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write};

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
    ErrorBodyAdded,
    ErrorBodyRemoved,
}

/// The report sections, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Client,
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
    const ALL: [Section; 14] = [
        Section::Client,
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
            | DefaultServerChanged => Section::Client,
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
            WebhookAdded | WebhookRemoved | WebhookChanged => Section::Webhooks,
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
  `Default` on such a struct; a model that became another kind (struct → union, ...).
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
  `Default`, `.stream()`.
- **patch**: the Rust API is unchanged but the wire or the docs are not: another HTTP method or
  path, another JSON name, a field now sent as `null` instead of omitted (or the reverse),
  other union tag values or dispatch, deprecation, a server URL, the API version or the
  version header.

Suggested bump: **major** if anything is breaking, else **minor** if anything is minor (with or
without a caveat), else **patch**. Before 1.0 Cargo treats the minor digit as the major one:
breaking → 0.(x+1).0; minor → 0.x.(y+1), or 0.(x+1).0 to be safe when any \"minor (breaks
...)\" change is present, since `cargo update` would otherwise bring it in; patch → 0.x.(y+1).
";

impl Report {
    /// (breaking, minor with a caveat, minor, patch).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for c in &self.changes {
            match c.impact {
                Impact::Breaking => counts.0 += 1,
                Impact::MinorCaveat(_) => counts.1 += 1,
                Impact::Minor => counts.2 += 1,
                Impact::Patch => counts.3 += 1,
            }
        }
        counts
    }

    pub fn bump(&self) -> Bump {
        match self.counts() {
            (b, ..) if b > 0 => Bump::Major,
            (_, c, m, _) if c + m > 0 => Bump::Minor,
            (.., p) if p > 0 => Bump::Patch,
            _ => Bump::None,
        }
    }

    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.impact.is_breaking())
    }

    /// Changes of one kind about one subject.
    pub fn find(&self, kind: ChangeKind, subject: &str) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.kind == kind && c.subject == subject).collect()
    }

    /// One line: how many changes of each rating, and what moved.
    pub fn summary(&self) -> String {
        let (breaking, caveat, minor, patch) = self.counts();
        let count = |kind: ChangeKind| self.changes.iter().filter(|c| c.kind == kind).count();
        let changed = |sections: &[Section]| {
            self.changes
                .iter()
                .filter(|c| sections.contains(&c.kind.section()))
                .map(|c| c.subject.as_str())
                .collect::<BTreeSet<_>>()
                .len()
        };
        format!(
            "{} changes: {breaking} breaking, {caveat} minor with a caveat, {minor} minor, {patch} patch. \
             Methods {} → {} (+{} −{}, {} changed); models {} → {} (+{} −{}, {} changed); webhook events +{} −{}.",
            self.changes.len(),
            self.old_counts.0,
            self.new_counts.0,
            count(ChangeKind::OperationAdded),
            count(ChangeKind::OperationRemoved),
            changed(&[Section::Arguments, Section::Returns, Section::OperationDetails]),
            self.old_counts.1,
            self.new_counts.1,
            count(ChangeKind::ModelAdded),
            count(ChangeKind::ModelRemoved),
            changed(&[Section::ModelShapes, Section::Fields, Section::EnumValues, Section::UnionArms]),
            count(ChangeKind::WebhookAdded),
            count(ChangeKind::WebhookRemoved),
        )
    }

    /// The suggested bump, for 1.x and for 0.x crates.
    pub fn bump_advice(&self) -> String {
        let caveats = self.changes.iter().any(|c| matches!(c.impact, Impact::MinorCaveat(_)));
        match self.bump() {
            Bump::Major => "**major**: 1.x and later: (x+1).0.0; 0.x: 0.(x+1).0.".to_owned(),
            Bump::Minor if caveats => {
                "**minor**: 1.x and later: x.(y+1).0; 0.x: 0.x.(y+1), or 0.(x+1).0 to be safe (some changes break struct literals or exhaustive matches).".to_owned()
            }
            Bump::Minor => "**minor**: 1.x and later: x.(y+1).0; 0.x: 0.x.(y+1).".to_owned(),
            Bump::Patch => "**patch**: x.y.(z+1) (0.x too).".to_owned(),
            Bump::None => "**none**: the Rust API is unchanged.".to_owned(),
        }
    }

    /// The report as Markdown: summary, rules, a table of counts, then one section per kind
    /// of change, each sorted by subject.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Rust API changes: {} → {}\n", self.old_label, self.new_label);
        let _ = writeln!(out, "**Summary:** {}\n", self.summary());
        let _ = writeln!(out, "**Suggested version bump:** {}\n", self.bump_advice());
        out.push_str("## How changes are rated\n\n");
        out.push_str(RULES);
        if self.changes.is_empty() {
            out.push_str("\nNo changes to the Rust API.\n");
            return out;
        }

        out.push_str(
            "\n## Overview\n\n| section | breaking | minor (breaks ...) | minor | patch |\n|---|---:|---:|---:|---:|\n",
        );
        let mut by_section: BTreeMap<Section, Vec<&Change>> = BTreeMap::new();
        for c in &self.changes {
            by_section.entry(c.kind.section()).or_default().push(c);
        }
        for (section, changes) in &by_section {
            let n = |f: fn(Impact) -> bool| changes.iter().filter(|c| f(c.impact)).count();
            let _ = writeln!(
                out,
                "| [{}](#{}) | {} | {} | {} | {} |",
                section.title(),
                anchor(section.title()),
                n(|i| i == Impact::Breaking),
                n(|i| matches!(i, Impact::MinorCaveat(_))),
                n(|i| i == Impact::Minor),
                n(|i| i == Impact::Patch)
            );
        }

        for section in Section::ALL {
            let Some(changes) = by_section.get(&section) else { continue };
            let _ = writeln!(out, "\n## {}\n", section.title());
            if section.grouped() {
                let mut subjects: Vec<(&str, Vec<&Change>)> = Vec::new();
                for c in changes {
                    match subjects.last_mut() {
                        Some((s, list)) if *s == c.subject => list.push(c),
                        _ => subjects.push((&c.subject, vec![c])),
                    }
                }
                for (subject, list) in subjects {
                    let context = &list[0].context;
                    let context = if context.is_empty() { String::new() } else { format!(" ({context})") };
                    let _ = writeln!(out, "- `{subject}`{context}");
                    for c in list {
                        let _ = writeln!(out, "  - {}: {}", c.impact.label(), c.detail);
                    }
                }
            } else {
                for c in changes {
                    let _ = writeln!(out, "- {}: {}", c.impact.label(), c.detail);
                }
            }
        }
        out
    }
}

/// GitHub's heading anchor: lowercase, spaces to dashes, punctuation dropped.
fn anchor(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

struct Differ {
    changes: Vec<Change>,
    old: Aliases,
    new: Aliases,
}

/// Type aliases of one side (`type MetadataOutputType = BTreeMap<..>`): a type spelled
/// through an alias is the same Rust type as its expansion, so it is no change.
struct Aliases(BTreeMap<String, String>);

impl Aliases {
    fn of(surface: &Surface) -> Aliases {
        let map = surface
            .models
            .iter()
            .filter_map(|m| match &m.kind {
                ModelKind::Alias(target) => Some((m.name.clone(), target.clone())),
                _ => None,
            })
            .collect();
        Aliases(map)
    }

    /// The type with every alias name replaced by what it stands for.
    fn expand(&self, ty: &str) -> String {
        self.expand_at(ty, 0)
    }

    fn expand_at(&self, ty: &str, depth: usize) -> String {
        if depth > 8 || self.0.is_empty() {
            return ty.to_owned();
        }
        let mut out = String::new();
        let mut word = String::new();
        for c in ty.chars().chain(std::iter::once(' ')) {
            if c.is_alphanumeric() || c == '_' || c == '#' || c == ':' {
                word.push(c);
                continue;
            }
            match self.0.get(&word) {
                Some(target) => out.push_str(&self.expand_at(target, depth + 1)),
                None => out.push_str(&word),
            }
            word.clear();
            out.push(c);
        }
        out.pop();
        out
    }
}

/// Items of two lists matched by key: (only in old, in both, only in new), each in list order.
struct Matched<'a, T> {
    removed: Vec<&'a T>,
    common: Vec<(&'a T, &'a T)>,
    added: Vec<&'a T>,
}

fn match_by<'a, T, K: Ord>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> K) -> Matched<'a, T> {
    let new_keys: BTreeMap<K, &T> = new.iter().map(|t| (key(t), t)).collect();
    let old_keys: BTreeSet<K> = old.iter().map(&key).collect();
    let mut removed = Vec::new();
    let mut common = Vec::new();
    for t in old {
        match new_keys.get(&key(t)) {
            Some(n) => common.push((t, *n)),
            None => removed.push(t),
        }
    }
    let added = new.iter().filter(|t| !old_keys.contains(&key(t))).collect();
    Matched { removed, common, added }
}

/// The rating for a new requirement on building a model: breaking where users build it.
fn construction_impact(role: Role) -> Impact {
    if role.response_only() {
        Impact::MinorCaveat(Caveat::ResponseConstruction)
    } else {
        Impact::Breaking
    }
}

fn either(a: Role, b: Role) -> Role {
    Role { request: a.request || b.request, response: a.response || b.response }
}

fn model_context(kind: &ModelKind, role: Role) -> String {
    format!("{}, {}", kind.word(), role.label())
}

/// Shape of a model without its name, to spot renamed models.
fn shape_key(model: &Model) -> Option<String> {
    match &model.kind {
        ModelKind::Struct(s) if !s.fields.is_empty() => {
            let fields: Vec<String> = s.fields.iter().map(|f| format!("{}:{}", f.name, f.ty)).collect();
            Some(format!("struct {}", fields.join(",")))
        }
        ModelKind::Enum(e) => {
            let values: Vec<&str> = e.values.iter().map(|(_, v)| v.as_str()).collect();
            Some(format!("enum {}", values.join(",")))
        }
        ModelKind::Union(u) => {
            let arms: Vec<String> = u.arms.iter().map(|a| arm_text(a, u.tag.is_some())).collect();
            Some(format!("union {:?} {}", u.tag, arms.join(",")))
        }
        _ => None,
    }
}

impl Differ {
    /// The same Rust type on both sides (spelled alike, or alike once aliases are expanded).
    fn same(&self, old: &str, new: &str) -> bool {
        old == new || self.old.expand(old) == self.new.expand(new)
    }

    fn same_opt(&self, old: &Option<String>, new: &Option<String>) -> bool {
        match (old, new) {
            (Some(a), Some(b)) => self.same(a, b),
            (a, b) => a == b,
        }
    }

    fn push(
        &mut self,
        kind: ChangeKind,
        impact: Impact,
        subject: &str,
        item: Option<&str>,
        context: &str,
        detail: String,
    ) {
        self.changes.push(Change {
            kind,
            impact,
            subject: subject.to_owned(),
            item: item.map(str::to_owned),
            context: context.to_owned(),
            detail,
        });
    }

    fn client(&mut self, old: &Surface, new: &Surface) {
        if old.version != new.version {
            let detail = format!("`API_VERSION`: `{:?}` → `{:?}`", old.version, new.version);
            self.push(ChangeKind::ApiVersionChanged, Impact::Patch, "client", None, "", detail);
        }
        if old.version_header != new.version_header {
            let show = |h: &Option<String>| h.as_ref().map_or("none".to_owned(), |h| format!("`{h}`"));
            let detail = format!(
                "version header sent on every request: {} → {}",
                show(&old.version_header),
                show(&new.version_header)
            );
            self.push(ChangeKind::VersionHeaderChanged, Impact::Patch, "client", None, "", detail);
        }
        let m = match_by(&old.servers, &new.servers, |s| s.name.clone());
        for s in m.removed {
            let detail = format!("server `Server::{}` (`{}`) removed", s.name, s.url);
            self.push(ChangeKind::ServerRemoved, Impact::Breaking, &s.name, None, "", detail);
        }
        for s in m.added {
            let detail = format!("server `Server::{}` (`{}`) added", s.name, s.url);
            self.push(
                ChangeKind::ServerAdded,
                Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                &s.name,
                None,
                "",
                detail,
            );
        }
        for (a, b) in m.common {
            if a.url != b.url {
                let detail = format!("`Server::{}` URL: `{}` → `{}`", a.name, a.url, b.url);
                self.push(ChangeKind::ServerUrlChanged, Impact::Patch, &a.name, None, "", detail);
            }
        }
        let (a, b) = (old.servers.first(), new.servers.first());
        if a.map(|s| (&s.name, &s.url)) != b.map(|s| (&s.name, &s.url)) {
            let show = |s: Option<&super::surface::ServerSurface>| {
                s.map_or("none".to_owned(), |s| format!("`{}` (`{}`)", s.name, s.url))
            };
            let detail = format!("default server: {} → {}", show(a), show(b));
            self.push(ChangeKind::DefaultServerChanged, Impact::Patch, "client", None, "", detail);
        }
    }

    fn groups(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.groups, &new.groups, |g| g.path.clone());
        for g in m.removed {
            let detail = format!("group accessor `{}()` removed", g.path.replace('.', "()."));
            self.push(ChangeKind::GroupRemoved, Impact::Breaking, &g.path, None, "", detail);
        }
        for g in m.added {
            let detail = format!("group accessor `{}()` added", g.path.replace('.', "()."));
            self.push(ChangeKind::GroupAdded, Impact::Minor, &g.path, None, "", detail);
        }
        for (a, b) in m.common {
            if a.type_name != b.type_name {
                let detail = format!("group handle type `{}` → `{}`", a.type_name, b.type_name);
                self.push(
                    ChangeKind::GroupTypeRenamed,
                    Impact::MinorCaveat(Caveat::TypeName),
                    &a.path,
                    None,
                    "group",
                    detail,
                );
            }
        }
    }

    fn methods(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.methods, &new.methods, Method::id);
        let route = |x: &Method| (x.http_method.clone(), x.path.clone());
        let added_routes: BTreeMap<_, _> = m.added.iter().map(|x| (route(x), x.id())).collect();
        let removed_routes: BTreeMap<_, _> = m.removed.iter().map(|x| (route(x), x.id())).collect();
        for x in &m.removed {
            let moved =
                added_routes.get(&route(x)).map(|id| format!(" (same route as the new `{id}`)")).unwrap_or_default();
            let detail = format!("`{}`  `{} {}`{moved}", x.signature(), x.http_method, x.path);
            self.push(ChangeKind::OperationRemoved, Impact::Breaking, &x.id(), None, "", detail);
        }
        for x in &m.added {
            let moved = removed_routes
                .get(&route(x))
                .map(|id| format!(" (same route as the removed `{id}`)"))
                .unwrap_or_default();
            let detail = format!("`{}`  `{} {}`{moved}", x.signature(), x.http_method, x.path);
            self.push(ChangeKind::OperationAdded, Impact::Minor, &x.id(), None, "", detail);
        }
        for (a, b) in m.common {
            self.method(a, b);
        }
    }

    fn method(&mut self, a: &Method, b: &Method) {
        let id = a.id();
        let context = format!("{} {}", b.http_method, b.path);
        let (old_aliases, new_aliases) = (&self.old, &self.new);
        let same = |x: &str, y: &str| x == y || old_aliases.expand(x) == new_aliases.expand(y);
        let mut changes = Vec::new();
        let mut push = |kind, impact, item: Option<&str>, detail: String| {
            changes.push((kind, impact, item.map(str::to_owned), detail))
        };
        let args = match_by(&a.args, &b.args, |x| x.name.clone());
        let setter_names = |m: &Method| m.setters.iter().map(|s| s.name.clone()).collect::<BTreeSet<_>>();
        let arg_names = |m: &Method| m.args.iter().map(|s| s.name.clone()).collect::<BTreeSet<_>>();
        let (old_setters, new_setters) = (setter_names(a), setter_names(b));
        let (old_args, new_args) = (arg_names(a), arg_names(b));
        for x in args.removed {
            if new_setters.contains(&x.name) {
                let detail = format!("argument `{x}` is now optional: set it with `.{}(..)`", x.name);
                push(ChangeKind::ArgumentBecameSetter, Impact::Breaking, Some(&x.name), detail);
            } else {
                push(ChangeKind::ArgumentRemoved, Impact::Breaking, Some(&x.name), format!("argument `{x}` removed"));
            }
        }
        for x in args.added {
            if old_setters.contains(&x.name) {
                let detail = format!("setter `.{}(..)` is now a required argument `{x}`", x.name);
                push(ChangeKind::SetterBecameArgument, Impact::Breaking, Some(&x.name), detail);
            } else {
                push(
                    ChangeKind::ArgumentAdded,
                    Impact::Breaking,
                    Some(&x.name),
                    format!("new required argument `{x}`"),
                );
            }
        }
        for (x, y) in &args.common {
            if !same(&x.ty, &y.ty) {
                let detail = format!("argument `{}`: `{}` → `{}`", x.name, x.ty, y.ty);
                push(ChangeKind::ArgumentRetyped, Impact::Breaking, Some(&x.name), detail);
            }
        }
        let order = |m: &Method, keep: &BTreeSet<String>| {
            m.args.iter().filter(|x| keep.contains(&x.name)).map(|x| x.name.clone()).collect::<Vec<_>>()
        };
        let both: BTreeSet<String> = old_args.intersection(&new_args).cloned().collect();
        if order(a, &both) != order(b, &both) {
            let detail =
                format!("arguments reordered: `({})` → `({})`", order(a, &both).join(", "), order(b, &both).join(", "));
            push(ChangeKind::ArgumentsReordered, Impact::Breaking, None, detail);
        }
        let setters = match_by(&a.setters, &b.setters, |x| x.name.clone());
        for x in setters.removed {
            if !new_args.contains(&x.name) {
                push(
                    ChangeKind::SetterRemoved,
                    Impact::Breaking,
                    Some(&x.name),
                    format!("setter `.{}({})` removed", x.name, x.ty),
                );
            }
        }
        for x in setters.added {
            if !old_args.contains(&x.name) {
                push(
                    ChangeKind::SetterAdded,
                    Impact::Minor,
                    Some(&x.name),
                    format!("new setter `.{}({})`", x.name, x.ty),
                );
            }
        }
        for (x, y) in setters.common {
            if !same(&x.ty, &y.ty) {
                let detail = format!("setter `.{}(..)`: `{}` → `{}`", x.name, x.ty, y.ty);
                push(ChangeKind::SetterRetyped, Impact::Breaking, Some(&x.name), detail);
            }
        }
        if !same(&a.returns, &b.returns) {
            let detail = format!("returns `{}` → `{}`", a.returns, b.returns);
            push(ChangeKind::ReturnTypeChanged, Impact::Breaking, None, detail);
        }
        match (&a.stream, &b.stream) {
            (None, Some(item)) => {
                push(ChangeKind::StreamAdded, Impact::Minor, None, format!("`.stream()` of `{item}` added"))
            }
            (Some(item), None) => {
                push(ChangeKind::StreamRemoved, Impact::Breaking, None, format!("`.stream()` of `{item}` removed"))
            }
            (Some(x), Some(y)) if !same(x, y) => {
                push(ChangeKind::StreamItemChanged, Impact::Breaking, None, format!("`.stream()` items `{x}` → `{y}`"))
            }
            _ => {}
        }
        if (&a.http_method, &a.path) != (&b.http_method, &b.path) {
            let detail = format!("calls `{} {}` → `{} {}`", a.http_method, a.path, b.http_method, b.path);
            push(ChangeKind::HttpRouteChanged, Impact::Patch, None, detail);
        }
        if a.builder != b.builder {
            let detail = format!("builder type `{}` → `{}`", a.builder, b.builder);
            push(ChangeKind::BuilderRenamed, Impact::MinorCaveat(Caveat::TypeName), None, detail);
        }
        if a.deprecated != b.deprecated {
            let detail = if b.deprecated { "now deprecated" } else { "no longer deprecated" };
            push(ChangeKind::DeprecationChanged, Impact::Patch, None, detail.to_owned());
        }
        for (kind, impact, item, detail) in changes {
            self.push(kind, impact, &id, item.as_deref(), &context, detail);
        }
    }

    fn models(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.models, &new.models, |x| x.name.clone());
        let unique_shapes = |models: &[&Model]| {
            let mut seen: BTreeMap<String, Option<String>> = BTreeMap::new();
            for x in models {
                if let Some(key) = shape_key(x) {
                    seen.entry(key).and_modify(|v| *v = None).or_insert_with(|| Some(x.name.clone()));
                }
            }
            seen.into_iter().filter_map(|(k, v)| Some((k, v?))).collect::<BTreeMap<_, _>>()
        };
        let added_shapes = unique_shapes(&m.added);
        let removed_shapes = unique_shapes(&m.removed);
        for x in &m.removed {
            let renamed = shape_key(x)
                .filter(|k| removed_shapes.contains_key(k))
                .and_then(|k| added_shapes.get(&k))
                .map(|n| format!("; same shape as the new `{n}`: renamed?"))
                .unwrap_or_default();
            let detail = format!("`{}` ({}){renamed}", x.name, describe(x));
            self.push(ChangeKind::ModelRemoved, Impact::Breaking, &x.name, None, "", detail);
        }
        for x in &m.added {
            let renamed = shape_key(x)
                .filter(|k| added_shapes.contains_key(k))
                .and_then(|k| removed_shapes.get(&k))
                .map(|n| format!("; same shape as the removed `{n}`"))
                .unwrap_or_default();
            let detail = format!("`{}` ({}){renamed}", x.name, describe(x));
            self.push(ChangeKind::ModelAdded, Impact::Minor, &x.name, None, "", detail);
        }
        for (a, b) in m.common {
            self.model(a, b);
        }
    }

    fn model(&mut self, a: &Model, b: &Model) {
        let role = either(a.role, b.role);
        let context = model_context(&b.kind, role);
        let name = a.name.as_str();
        match (&a.kind, &b.kind) {
            (ModelKind::Struct(x), ModelKind::Struct(y)) => self.fields(name, &context, role, x, y),
            (ModelKind::Enum(x), ModelKind::Enum(y)) => {
                let values = match_by(&x.values, &y.values, |(_, v)| v.clone());
                for (variant, value) in values.removed {
                    let detail = format!("`{name}::{variant}` (`{value:?}`) removed");
                    self.push(ChangeKind::EnumValueRemoved, Impact::Breaking, name, Some(value), &context, detail);
                }
                for (variant, value) in values.added {
                    let was = if role.response {
                        format!("; it used to decode as `{}({value:?})`", x.unknown)
                    } else {
                        String::new()
                    };
                    let detail = format!("`{name}::{variant}` (`{value:?}`) added{was}");
                    self.push(
                        ChangeKind::EnumValueAdded,
                        Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                        name,
                        Some(value),
                        &context,
                        detail,
                    );
                }
                for ((v1, value), (v2, _)) in values.common {
                    if v1 != v2 {
                        let detail = format!("variant for `{value:?}` renamed: `{name}::{v1}` → `{name}::{v2}`");
                        self.push(
                            ChangeKind::EnumVariantRenamed,
                            Impact::Breaking,
                            name,
                            Some(value),
                            &context,
                            detail,
                        );
                    }
                }
                self.catch_all(name, &context, &x.unknown, &y.unknown);
            }
            (ModelKind::Union(x), ModelKind::Union(y)) => {
                let tagged = y.tag.is_some();
                let arms = match_by(&x.arms, &y.arms, |arm| arm.name.clone());
                for arm in arms.removed {
                    let detail = format!("arm `{}` removed", arm_text(arm, x.tag.is_some()));
                    self.push(ChangeKind::UnionArmRemoved, Impact::Breaking, name, Some(&arm.name), &context, detail);
                }
                for arm in arms.added {
                    let note = if tagged {
                        ""
                    } else {
                        "; untagged: arms are tried in order, so some JSON may decode differently"
                    };
                    let detail = format!("arm `{}` added{note}", arm_text(arm, tagged));
                    self.push(
                        ChangeKind::UnionArmAdded,
                        Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                        name,
                        Some(&arm.name),
                        &context,
                        detail,
                    );
                }
                for (p, q) in arms.common {
                    if !self.same_opt(&p.ty, &q.ty) {
                        let show = |t: &Option<String>| t.clone().map_or("a literal".to_owned(), |t| format!("`{t}`"));
                        let detail = format!("arm `{}`: {} → {}", p.name, show(&p.ty), show(&q.ty));
                        self.push(ChangeKind::UnionArmRetyped, Impact::Breaking, name, Some(&p.name), &context, detail);
                    } else if p.tag_values != q.tag_values {
                        let detail =
                            format!("arm `{}` now selected by {:?} (was {:?})", p.name, q.tag_values, p.tag_values);
                        self.push(
                            ChangeKind::UnionArmTagsChanged,
                            Impact::Patch,
                            name,
                            Some(&p.name),
                            &context,
                            detail,
                        );
                    }
                }
                if x.tag != y.tag {
                    let show =
                        |t: &Option<String>| t.as_ref().map_or("untagged".to_owned(), |t| format!("tagged by `{t:?}`"));
                    let detail = format!("dispatch: {} → {}", show(&x.tag), show(&y.tag));
                    self.push(ChangeKind::UnionDispatchChanged, Impact::Patch, name, None, &context, detail);
                } else if !tagged {
                    let both: BTreeSet<&str> = x
                        .arms
                        .iter()
                        .map(|a| a.name.as_str())
                        .filter(|n| y.arms.iter().any(|b| b.name == *n))
                        .collect();
                    let order = |u: &super::surface::UnionSurface| {
                        u.arms
                            .iter()
                            .filter(|a| both.contains(a.name.as_str()))
                            .map(|a| a.name.clone())
                            .collect::<Vec<_>>()
                    };
                    if order(x) != order(y) {
                        let detail =
                            format!("arms tried in another order: {} → {}", order(x).join(", "), order(y).join(", "));
                        self.push(ChangeKind::UnionDispatchChanged, Impact::Patch, name, None, &context, detail);
                    }
                }
                self.catch_all(name, &context, &x.unknown, &y.unknown);
            }
            (ModelKind::Alias(x), ModelKind::Alias(y)) => {
                if !self.same(x, y) {
                    let detail = format!("`type {name} = {x}` → `type {name} = {y}`");
                    self.push(ChangeKind::AliasRetyped, Impact::Breaking, name, None, &context, detail);
                }
            }
            (x, y) => {
                let size = match y {
                    ModelKind::Struct(s) => format!(" with {}", plural(s.fields.len(), "field")),
                    ModelKind::Enum(e) => format!(" with {}", plural(e.values.len(), "value")),
                    ModelKind::Union(u) => format!(" with {}", plural(u.arms.len(), "arm")),
                    ModelKind::Alias(ty) => format!(" of `{ty}`"),
                };
                let detail = format!("was {}, now {}{size}", article(x.word()), article(y.word()));
                self.push(ChangeKind::ModelKindChanged, Impact::Breaking, name, None, &context, detail);
            }
        }
    }

    fn catch_all(&mut self, name: &str, context: &str, old: &str, new: &str) {
        if old != new {
            let detail = format!("catch-all variant `{name}::{old}` → `{name}::{new}`");
            self.push(ChangeKind::CatchAllRenamed, Impact::Breaking, name, Some(old), context, detail);
        }
    }

    fn fields(&mut self, name: &str, context: &str, role: Role, x: &StructSurface, y: &StructSurface) {
        let fields = match_by(&x.fields, &y.fields, |f| f.name.clone());
        for f in fields.removed {
            let detail = format!("`{}: {}` removed", f.name, f.ty);
            self.push(ChangeKind::FieldRemoved, Impact::Breaking, name, Some(&f.name), context, detail);
        }
        for f in fields.added {
            let (impact, why) = if f.required() {
                let impact = construction_impact(role);
                let why = if impact.is_breaking() { "callers must set it" } else { "only built in tests and mocks" };
                (impact, format!("new required field `{}: {}` ({why})", f.name, f.ty))
            } else if role.response {
                (
                    Impact::MinorCaveat(Caveat::StructLiterals),
                    format!("new optional field `{}: {}` (decoding unaffected)", f.name, f.ty),
                )
            } else {
                (Impact::MinorCaveat(Caveat::StructLiterals), format!("new optional field `{}: {}`", f.name, f.ty))
            };
            self.push(ChangeKind::FieldAdded, impact, name, Some(&f.name), context, why);
        }
        for (f, g) in fields.common {
            let optional =
                |p: Presence| matches!(p, Presence::Optional | Presence::RequiredNullable | Presence::Tristate);
            let item = Some(f.name.as_str());
            if !self.same(&f.ty, &g.ty) {
                let same_value = self.same(&f.value_ty, &g.value_ty);
                let (kind, what) = if same_value && !optional(f.presence) && optional(g.presence) {
                    (
                        ChangeKind::FieldOptionAdded,
                        if g.presence == Presence::Tristate { "`Patch` added" } else { "`Option` added" },
                    )
                } else if same_value && optional(f.presence) && !optional(g.presence) {
                    (
                        ChangeKind::FieldOptionRemoved,
                        if f.presence == Presence::Tristate { "`Patch` removed" } else { "`Option` removed" },
                    )
                } else {
                    (ChangeKind::FieldRetyped, "retyped")
                };
                let detail = format!("`{}` {what}: `{}` → `{}`", f.name, f.ty, g.ty);
                self.push(kind, Impact::Breaking, name, item, context, detail);
            } else if f.presence != g.presence {
                let how = match g.presence {
                    Presence::Optional => {
                        "may now be absent: `None` is omitted when sending; the field is no longer a `new()` argument"
                    }
                    Presence::RequiredNullable => {
                        "is now always present: `None` is sent as `null`; the field is now a `new()` argument"
                    }
                    _ => "changed presence",
                };
                let detail = format!("`{}: {}` {how}", f.name, f.ty);
                self.push(ChangeKind::FieldWireChanged, Impact::Patch, name, item, context, detail);
            }
            if f.json_name != g.json_name {
                let detail = format!("`{}` JSON name `{:?}` → `{:?}`", f.name, f.json_name, g.json_name);
                self.push(ChangeKind::FieldWireChanged, Impact::Patch, name, item, context, detail);
            }
            if f.deprecated != g.deprecated {
                let detail =
                    format!("`{}` {}", f.name, if g.deprecated { "now deprecated" } else { "no longer deprecated" });
                self.push(ChangeKind::FieldWireChanged, Impact::Patch, name, item, context, detail);
            }
        }
        let ctor = |c: &Option<Vec<String>>| c.as_ref().map(|args| format!("`new({})`", args.join(", ")));
        match (ctor(&x.constructor), ctor(&y.constructor)) {
            (Some(p), Some(q)) if p != q => {
                let detail = format!("constructor {p} → {q}");
                self.push(
                    ChangeKind::ConstructorChanged,
                    construction_impact(role),
                    name,
                    Some("new"),
                    context,
                    detail,
                );
            }
            (Some(p), None) => {
                let why = if y.fields.iter().any(|f| f.required()) {
                    "more than 7 required fields"
                } else {
                    "no required field left"
                };
                let detail = format!("constructor {p} removed ({why})");
                self.push(
                    ChangeKind::ConstructorChanged,
                    construction_impact(role),
                    name,
                    Some("new"),
                    context,
                    detail,
                );
            }
            (None, Some(q)) => self.push(
                ChangeKind::ConstructorChanged,
                Impact::Minor,
                name,
                Some("new"),
                context,
                format!("constructor {q} added"),
            ),
            _ => {}
        }
        if x.default != y.default {
            let (impact, detail) = if y.default {
                (Impact::Minor, "now implements `Default`".to_owned())
            } else {
                (construction_impact(role), "no longer implements `Default` (it has a required field)".to_owned())
            };
            self.push(ChangeKind::DefaultChanged, impact, name, Some("Default"), context, detail);
        }
        if x.tag != y.tag {
            let show =
                |t: &Option<(String, String)>| t.as_ref().map_or("none".to_owned(), |(k, v)| format!("`{k}: {v:?}`"));
            let detail = format!("constant tag {} → {}", show(&x.tag), show(&y.tag));
            self.push(ChangeKind::StructTagChanged, Impact::Patch, name, None, context, detail);
        }
    }

    fn webhooks(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.webhooks, &new.webhooks, |e| e.event.clone());
        for e in m.removed {
            let detail = format!("`{}` (`WebhookEvent::{}({})`) removed", e.event, e.variant, e.payload);
            self.push(ChangeKind::WebhookRemoved, Impact::Breaking, &e.event, None, "", detail);
        }
        for e in m.added {
            let detail = format!(
                "`{}` (`WebhookEvent::{}({})`) added; it used to decode as `WebhookEvent::Unknown`",
                e.event, e.variant, e.payload
            );
            self.push(
                ChangeKind::WebhookAdded,
                Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                &e.event,
                None,
                "",
                detail,
            );
        }
        for (a, b) in m.common {
            if a.variant != b.variant || !self.same(&a.payload, &b.payload) {
                let detail = format!(
                    "`{}`: `WebhookEvent::{}({})` → `WebhookEvent::{}({})`",
                    a.event, a.variant, a.payload, b.variant, b.payload
                );
                self.push(ChangeKind::WebhookChanged, Impact::Breaking, &a.event, None, "", detail);
            }
        }
    }

    fn error_bodies(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.error_bodies, &new.error_bodies, Clone::clone);
        for b in m.removed {
            self.push(
                ChangeKind::ErrorBodyRemoved,
                Impact::Breaking,
                b,
                None,
                "",
                format!("`ApiErrorBody::{b}` removed"),
            );
        }
        for b in m.added {
            let detail = format!("`ApiErrorBody::{b}` added");
            self.push(ChangeKind::ErrorBodyAdded, Impact::MinorCaveat(Caveat::ExhaustiveMatches), b, None, "", detail);
        }
    }
}

/// "a struct", "an enum", "a union", "a type alias".
fn article(word: &str) -> &'static str {
    match word {
        "struct" => "a struct",
        "enum" => "an enum",
        "union" => "a union",
        _ => "a type alias",
    }
}

/// `struct, 12 fields, response`.
fn describe(model: &Model) -> String {
    let role = model.role.label();
    match &model.kind {
        ModelKind::Struct(s) => format!("struct, {}, {role}", plural(s.fields.len(), "field")),
        ModelKind::Enum(e) => format!("enum, {}, {role}", plural(e.values.len(), "value")),
        ModelKind::Union(u) => format!("union, {}, {role}", plural(u.arms.len(), "arm")),
        ModelKind::Alias(ty) => format!("type alias = `{ty}`, {role}"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
