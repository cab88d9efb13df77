//! Stage 2: check references, lower OpenAPI 3.1 constructs into the 3.0 shape that
//! `openapiv3` models, deserialize, and report anything the model dropped.
//!
//! Lowering works on a copy of the document's JSON value and only touches Schema
//! objects (wherever they appear) plus a handful of root-level 3.1 fields:
//!
//! * `anyOf`/`oneOf` with `{type: "null"}` alternatives → `nullable: true` (a single
//!   remaining inline alternative is merged into the parent, a single `$ref` becomes
//!   `allOf: [{$ref}]`);
//! * `type: [X, "null"]` → `type: X, nullable: true`; several types → `anyOf` of one
//!   schema per type; `type: "null"` → `{nullable: true, enum: [null], x-null: true}`;
//! * numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` + `true`;
//! * `const` → `enum: [v]` + `x-const`; schema `examples` → `example` + `x-examples`;
//! * `prefixItems`, `propertyNames`, `patternProperties`, `contentMediaType`,
//!   `contentEncoding` → `x-…` extensions (the content keywords also set `format`);
//! * `$ref` with siblings → `allOf: [{$ref}]` + siblings; integral float bounds on
//!   integer schemas → integers; boolean schemas → `{}` / `{not: {}}`;
//! * root `webhooks` → `x-webhooks`, `components.pathItems` → `components.x-path-items`,
//!   `info.summary`, `license.identifier`, `jsonSchemaDialect` → `x-…`; `paths: {}` added
//!   when absent, and `responses: {}` on 3.1 operations without one.
//!
//! With `lenient` ([`lower_with`]), dangling references are repaired first instead of
//! refused ([`repair_refs`]), each repair a warning.
//!
//! Everything else is left alone; the drop check (serialize the `openapiv3` model back
//! and compare) reports what the 3.0 model could not hold.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{escape_pointer_token, SpecError, Warning};
use crate::load::{nearest_line, Document};

/// The result of [`lower`].
#[derive(Debug, Clone)]
pub struct Lowered {
    pub openapi: OpenAPI,
    /// Sorted, deduplicated. Pointers name the node in the original document where a
    /// container was only renamed (`/webhooks/…`, see [`original_pointer`]); inside a
    /// restructured schema they point into the lowered value.
    pub warnings: Vec<Warning>,
    /// The lowered JSON the model was deserialized from (root `x-webhooks` and
    /// `components.x-path-items` hold 3.1 path items; deserialize them as
    /// `openapiv3::ReferenceOr<openapiv3::PathItem>` — `lower` has checked that they do).
    pub value: Value,
}

/// Checks every `$ref` resolves, lowers 3.1 constructs into the 3.0 shape, deserializes
/// into `openapiv3::OpenAPI` and reports anything the 3.0 model dropped.
pub fn lower(doc: &Document) -> Result<Lowered, SpecError> {
    lower_with(doc, false)
}

/// [`lower`], and with `lenient` it first repairs references instead of refusing them
/// (see [`repair_refs`]); every repair is a warning naming the `$ref`'s pointer.
pub fn lower_with(doc: &Document, lenient: bool) -> Result<Lowered, SpecError> {
    let mut repairs = Vec::new();
    let repaired;
    let doc = if lenient {
        // A removed entry can leave references to it dangling: repeat (a few rounds).
        let mut current = repair_refs(doc, &mut repairs);
        for _ in 0..8 {
            let before = repairs.len();
            current = repair_refs(&current, &mut repairs);
            if repairs.len() == before {
                break;
            }
        }
        repaired = current;
        &repaired
    } else {
        doc
    };
    let mut lowered = lower_checked(doc)?;
    if !repairs.is_empty() {
        lowered.warnings.extend(repairs);
        lowered.warnings.sort();
        lowered.warnings.dedup();
    }
    Ok(lowered)
}

fn lower_checked(doc: &Document) -> Result<Lowered, SpecError> {
    check_refs(doc)?;

    let renames = Renames::of(&doc.value);
    let mut value = doc.value.clone();
    lower_root(&mut value, renames);

    let mut warnings = BTreeSet::new();
    post_lowering_checks(&value, renames, &mut warnings);

    let openapi = deserialize_root(doc, &value)?;
    let mut pointer = String::new();
    presence::check(&openapi, &value, &mut pointer, &mut warnings).map_err(|e| {
        SpecError::new(&doc.file, "", format!("internal error: cannot serialize the OpenAPI model: {e}"))
    })?;
    // Root `x-webhooks` / `components.x-path-items` are extensions to openapiv3, so the
    // model keeps them as raw JSON: check them as path items here.
    for (ptr, item) in renames.path_items_in(&value) {
        let typed = match guarded(|| openapiv3::ReferenceOr::<openapiv3::PathItem>::deserialize(item)) {
            Some(Ok(typed)) => typed,
            _ => return Err(deserialize_error(doc, Kind::PathItem, item, &ptr)),
        };
        let mut p = ptr.clone();
        presence::check(&typed, item, &mut p, &mut warnings).map_err(|e| {
            SpecError::new(&doc.file, &ptr, format!("internal error: cannot serialize the OpenAPI model: {e}"))
        })?;
    }

    let warnings = warnings
        .into_iter()
        .map(|w| Warning { pointer: original_pointer(doc, &w.pointer), message: w.message })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(Lowered { openapi, warnings, value })
}

/// Maps a pointer into the lowered document back to the original document where the
/// lowering renamed a container (`/x-webhooks/…` → `/webhooks/…`, and so on). Pointers
/// into restructured schemas are returned unchanged.
pub fn original_pointer(doc: &Document, pointer: &str) -> String {
    const RENAMES: &[(&str, &str)] = &[
        ("/x-webhooks", "/webhooks"),
        ("/components/x-path-items", "/components/pathItems"),
        ("/x-json-schema-dialect", "/jsonSchemaDialect"),
        ("/info/x-summary", "/info/summary"),
        ("/info/license/x-identifier", "/info/license/identifier"),
    ];
    for (lowered, original) in RENAMES {
        if let Some(rest) = pointer.strip_prefix(lowered) {
            if (rest.is_empty() || rest.starts_with('/')) && doc.value.pointer(original).is_some() {
                return format!("{original}{rest}");
            }
        }
    }
    pointer.to_string()
}

/// Which 3.1 containers lowering moves to extensions (only when the extension name is
/// free; a 3.0 document's own `x-webhooks` extension is left alone).
#[derive(Debug, Clone, Copy)]
struct Renames {
    webhooks: bool,
    path_items: bool,
    /// OpenAPI 3.1 made an operation's `responses` optional (3.1.0 §4.8.10); the 3.0 model
    /// requires it, so lowering adds an empty one (the operation returns the raw response).
    optional_responses: bool,
}

impl Renames {
    fn of(root: &Value) -> Self {
        let has = |p: &str| root.pointer(p).is_some();
        Renames {
            webhooks: has("/webhooks") && !has("/x-webhooks"),
            path_items: has("/components/pathItems") && !has("/components/x-path-items"),
            optional_responses: root.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1")),
        }
    }

    /// The path items lowering moved into extensions, with their (lowered) pointers.
    fn path_items_in(self, lowered: &Value) -> Vec<(String, &Value)> {
        let mut out = Vec::new();
        let mut add = |container: &str, enabled: bool| {
            if let (true, Some(Value::Object(items))) = (enabled, lowered.pointer(container)) {
                for (name, item) in items {
                    out.push((format!("{container}/{}", escape_pointer_token(name)), item));
                }
            }
        };
        add("/x-webhooks", self.webhooks);
        add("/components/x-path-items", self.path_items);
        out
    }

    fn rewrite_ref(self, map: &mut Map<String, Value>) {
        if !(self.webhooks || self.path_items) {
            return;
        }
        if let Some(Value::String(r)) = map.get_mut("$ref") {
            let moves = [
                (self.webhooks, "#/webhooks/", "#/x-webhooks/"),
                (self.path_items, "#/components/pathItems/", "#/components/x-path-items/"),
            ];
            for (enabled, from, to) in moves {
                if let (true, Some(rest)) = (enabled, r.strip_prefix(from)) {
                    *r = format!("{to}{rest}");
                    return;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The shape of an OpenAPI document: which members hold which kind of object.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Components,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Callback,
    Example,
    Link,
    SecurityScheme,
    Schema,
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    One(Kind),
    /// A map whose every value is a `Kind`.
    Map(Kind),
    /// A map whose values are `Kind`, except for `x-` extension keys.
    OpenMap(Kind),
    List(Kind),
    /// A schema, or a boolean that the 3.0 model accepts as is (`additionalProperties`).
    SchemaOrBool,
}

const PATH_ITEM_FIELDS: &[(&str, Shape)] = &[
    ("get", Shape::One(Kind::Operation)),
    ("put", Shape::One(Kind::Operation)),
    ("post", Shape::One(Kind::Operation)),
    ("delete", Shape::One(Kind::Operation)),
    ("options", Shape::One(Kind::Operation)),
    ("head", Shape::One(Kind::Operation)),
    ("patch", Shape::One(Kind::Operation)),
    ("trace", Shape::One(Kind::Operation)),
    ("parameters", Shape::List(Kind::Parameter)),
];

const PARAMETER_FIELDS: &[(&str, Shape)] = &[
    ("schema", Shape::One(Kind::Schema)),
    ("content", Shape::Map(Kind::MediaType)),
    ("examples", Shape::Map(Kind::Example)),
];

/// Keywords whose values are schemas (3.0 and 3.1/JSON Schema 2020-12), including the
/// `x-` names lowering moves them to.
const SCHEMA_FIELDS: &[(&str, Shape)] = &[
    ("properties", Shape::Map(Kind::Schema)),
    ("additionalProperties", Shape::SchemaOrBool),
    ("items", Shape::One(Kind::Schema)),
    ("allOf", Shape::List(Kind::Schema)),
    ("anyOf", Shape::List(Kind::Schema)),
    ("oneOf", Shape::List(Kind::Schema)),
    ("not", Shape::One(Kind::Schema)),
    ("prefixItems", Shape::List(Kind::Schema)),
    ("x-prefix-items", Shape::List(Kind::Schema)),
    ("patternProperties", Shape::Map(Kind::Schema)),
    ("x-pattern-properties", Shape::Map(Kind::Schema)),
    ("propertyNames", Shape::One(Kind::Schema)),
    ("x-property-names", Shape::One(Kind::Schema)),
    ("contains", Shape::One(Kind::Schema)),
    ("if", Shape::One(Kind::Schema)),
    ("then", Shape::One(Kind::Schema)),
    ("else", Shape::One(Kind::Schema)),
    ("dependentSchemas", Shape::Map(Kind::Schema)),
    ("$defs", Shape::Map(Kind::Schema)),
    ("definitions", Shape::Map(Kind::Schema)),
    ("unevaluatedProperties", Shape::SchemaOrBool),
    ("unevaluatedItems", Shape::SchemaOrBool),
    ("additionalItems", Shape::SchemaOrBool),
    ("contentSchema", Shape::One(Kind::Schema)),
];

fn fields(kind: Kind) -> &'static [(&'static str, Shape)] {
    use Kind::*;
    use Shape::*;
    match kind {
        Root => &[("paths", OpenMap(PathItem)), ("webhooks", Map(PathItem)), ("components", One(Components))],
        Components => &[
            ("schemas", Map(Schema)),
            ("responses", Map(Response)),
            ("parameters", Map(Parameter)),
            ("examples", Map(Example)),
            ("requestBodies", Map(RequestBody)),
            ("headers", Map(Header)),
            ("securitySchemes", Map(SecurityScheme)),
            ("links", Map(Link)),
            ("callbacks", Map(Callback)),
            ("pathItems", Map(PathItem)),
        ],
        PathItem => PATH_ITEM_FIELDS,
        Operation => &[
            ("parameters", List(Parameter)),
            ("requestBody", One(RequestBody)),
            ("responses", OpenMap(Response)),
            ("callbacks", Map(Callback)),
        ],
        Parameter | Header => PARAMETER_FIELDS,
        RequestBody => &[("content", Map(MediaType))],
        Response => &[("headers", Map(Header)), ("content", Map(MediaType)), ("links", Map(Link))],
        MediaType => &[("schema", One(Schema)), ("examples", Map(Example)), ("encoding", Map(Encoding))],
        Encoding => &[("headers", Map(Header))],
        // A callback is a map of expressions to path items (handled in `children`).
        Callback => &[],
        Example | Link | SecurityScheme => &[],
        Schema => SCHEMA_FIELDS,
    }
}

fn field_shape(kind: Kind, key: &str) -> Option<Shape> {
    fields(kind).iter().find(|(k, _)| *k == key).map(|&(_, shape)| shape)
}

/// How a child hangs off its parent: `key`, `key/name` (map entry) or `key/index`.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Entry(&'a str, &'a str),
    Index(&'a str, usize),
}

impl Step<'_> {
    fn push_to(self, pointer: &mut String) {
        pointer.push('/');
        match self {
            Step::Key(k) => push_token(pointer, k),
            Step::Entry(k, name) => {
                push_token(pointer, k);
                pointer.push('/');
                push_token(pointer, name);
            }
            Step::Index(k, i) => {
                push_token(pointer, k);
                pointer.push('/');
                let _ = write!(pointer, "{i}");
            }
        }
    }
}

/// Appends an RFC 6901-escaped token.
fn push_token(pointer: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Calls `f(step, child, child_kind)` for every structural child of `v`, in document order.
fn for_each_child<'a>(kind: Kind, v: &'a Value, mut f: impl FnMut(Step<'a>, &'a Value, Kind)) {
    let Value::Object(map) = v else { return };
    if kind == Kind::Callback {
        for (k, child) in map {
            if !k.starts_with("x-") && k != "$ref" {
                f(Step::Key(k), child, Kind::PathItem);
            }
        }
        return;
    }
    for (key, child) in map {
        let Some(shape) = field_shape(kind, key) else { continue };
        match shape {
            Shape::One(k) => f(Step::Key(key), child, k),
            Shape::SchemaOrBool => {
                if child.is_object() {
                    f(Step::Key(key), child, Kind::Schema)
                }
            }
            Shape::Map(k) | Shape::OpenMap(k) => {
                if let Value::Object(m) = child {
                    let open = matches!(shape, Shape::OpenMap(_));
                    for (name, item) in m {
                        if !(open && name.starts_with("x-")) {
                            f(Step::Entry(key, name), item, k);
                        }
                    }
                }
            }
            Shape::List(k) => {
                if let Value::Array(items) = child {
                    for (i, item) in items.iter().enumerate() {
                        f(Step::Index(key, i), item, k);
                    }
                }
            }
        }
    }
}

/// Visits every structural node (depth first), giving its pointer.
fn visit<'a>(kind: Kind, v: &'a Value, pointer: &mut String, f: &mut dyn FnMut(Kind, &'a Value, &str)) {
    f(kind, v, pointer);
    for_each_child(kind, v, |step, child, child_kind| {
        let len = pointer.len();
        step.push_to(pointer);
        visit(child_kind, child, pointer, f);
        pointer.truncate(len);
    });
}

// ---------------------------------------------------------------------------------------
// References.

enum RefTarget {
    /// A JSON pointer into this document ("" is the root).
    Local(String),
    /// `#name`: a JSON Schema anchor, which the 3.0 model cannot follow.
    Anchor,
    External,
}

fn parse_ref(reference: &str) -> RefTarget {
    let Some(fragment) = reference.strip_prefix('#') else { return RefTarget::External };
    let fragment = percent_decode(fragment);
    if fragment.is_empty() || fragment.starts_with('/') {
        RefTarget::Local(fragment)
    } else {
        RefTarget::Anchor
    }
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn check_refs(doc: &Document) -> Result<(), SpecError> {
    let root = &doc.value;
    let mut result = Ok(());
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut |_, node, ptr| {
        if result.is_err() {
            return;
        }
        let Value::Object(map) = node else { return };
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let Err(e) = check_one_ref(doc, reference, ptr, true) {
                result = Err(e);
                return;
            }
        }
        // `$ref`s inside extension values (e.g. `x-pagination: {item: {$ref: …}}`)
        // must resolve too; non-local ones there are left alone.
        for (k, v) in map {
            if k.starts_with("x-") && (v.is_object() || v.is_array()) {
                let mut p = format!("{ptr}/{}", escape_pointer_token(k));
                if let Err(e) = check_refs_in_data(doc, v, &mut p) {
                    result = Err(e);
                    return;
                }
            }
        }
    });
    result
}

fn check_refs_in_data(doc: &Document, v: &Value, pointer: &mut String) -> Result<(), SpecError> {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                check_one_ref(doc, reference, pointer, false)?;
            }
            for (k, child) in map {
                if child.is_object() || child.is_array() {
                    let len = pointer.len();
                    pointer.push('/');
                    push_token(pointer, k);
                    check_refs_in_data(doc, child, pointer)?;
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    let len = pointer.len();
                    pointer.push('/');
                    let _ = write!(pointer, "{i}");
                    check_refs_in_data(doc, child, pointer)?;
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks the `$ref` of the object at `node` (strict: refuse non-local references too).
fn check_one_ref(doc: &Document, reference: &str, node: &str, strict: bool) -> Result<(), SpecError> {
    let err = |message: String, hint: &str| {
        let at = format!("{node}/$ref");
        let line = nearest_line(doc, &at);
        SpecError::new(&doc.file, at, message).with_hint(hint).with_line(line)
    };
    match parse_ref(reference) {
        RefTarget::Local(pointer) => {
            if doc.value.pointer(&pointer).is_none() {
                if let Some(schema) = enclosing_defs(&doc.value, node, &pointer) {
                    return Err(err(
                        format!(
                            "`$ref` target `{reference}` does not exist at the document root (the enclosing schema \
                             `{schema}` defines it, but OpenAPI resolves `#/…` against the document root)"
                        ),
                        "move the definition under /components/schemas, or generate with `--lenient` \
                         (`Options::lenient`) to resolve it in the nearest enclosing schema",
                    ));
                }
                let hint = match missing_component(&pointer) {
                    Some((section, name)) if doc.value.pointer(&format!("/components/{section}/{name}")).is_none() => {
                        format!("define `{name}` under /components/{section}, or fix the reference")
                    }
                    Some((_, name)) => format!("`{name}` exists but has no node at that path: fix the reference"),
                    None => "fix the reference: it must be a JSON pointer to a node of this document".to_string(),
                };
                return Err(err(format!("`$ref` target `{reference}` does not exist in this document"), &hint));
            }
            Ok(())
        }
        RefTarget::Anchor if strict => Err(err(
            format!(
                "`$ref` `{reference}` uses a plain-name fragment (a JSON Schema `$anchor`), which is not supported"
            ),
            "refer to the schema by JSON pointer instead, e.g. `#/components/schemas/Name`",
        )),
        RefTarget::External if strict => Err(err(
            format!("external `$ref` `{reference}` is not supported; only references within this document (`#/…`) are"),
            "bundle the spec into a single file first, e.g. `npx @redocly/cli bundle openapi.yaml -o bundled.yaml`",
        )),
        RefTarget::Anchor | RefTarget::External => Ok(()),
    }
}

/// The nearest schema enclosing `node` (a pointer) that has the `#/$defs/…` target
/// `target` (`/$defs/X…`): JSON Schema documents converted into OpenAPI keep `$defs` in
/// the schema that uses them, while OpenAPI resolves `#/…` against the document root.
/// Returns the pointer of that schema.
fn enclosing_defs(root: &Value, node: &str, target: &str) -> Option<String> {
    if !target.starts_with("/$defs/") {
        return None;
    }
    let mut prefix = node;
    loop {
        if !prefix.is_empty() && root.pointer(&format!("{prefix}{target}")).is_some() {
            return Some(prefix.to_owned());
        }
        let (parent, _) = prefix.rsplit_once('/')?;
        prefix = parent;
    }
}

/// Lenient mode: a copy of `doc` where
/// - a `#/$defs/X` reference that does not resolve at the root but in the nearest
///   enclosing schema's `$defs` is pointed at a copy of that definition hoisted into
///   `components/schemas` (the generator names component schemas only);
/// - any other local `$ref` whose target does not exist is dropped: in a schema the
///   schema becomes untyped (any JSON value), elsewhere (a parameter, response, request
///   body, header, example, ...) the referring entry is removed.
///
/// Every repair is pushed onto `warnings` with the `$ref`'s JSON pointer.
pub fn repair_refs(doc: &Document, warnings: &mut Vec<Warning>) -> Document {
    let root = &doc.value;
    // (node pointer, kind, reference) of every dangling local `$ref`, in document order.
    let mut dangling: Vec<(String, Kind, String)> = Vec::new();
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut |kind, node, ptr| {
        let Value::Object(map) = node else { return };
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let RefTarget::Local(target) = parse_ref(reference) {
                if root.pointer(&target).is_none() {
                    dangling.push((ptr.to_owned(), kind, reference.clone()));
                }
            }
        }
    });
    let mut value = root.clone();
    let mut hoisted: Vec<(String, String)> = Vec::new(); // (definition pointer, component name)
    let mut taken: BTreeSet<String> = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut removals: Vec<String> = Vec::new();
    for (node, kind, reference) in dangling {
        let at = format!("{node}/$ref");
        let RefTarget::Local(target) = parse_ref(&reference) else { continue };
        let defs = enclosing_defs(root, &node, &target);
        // Only `#/$defs/X` itself can become a component; deeper targets are left dangling.
        let defs = defs.filter(|_| target.matches('/').count() == 2);
        if let Some(schema) = defs {
            let definition = format!("{schema}{target}");
            let name = match hoisted.iter().find(|(d, _)| *d == definition) {
                Some((_, name)) => name.clone(),
                None => {
                    let base = target.rsplit('/').next().unwrap_or("Def").replace("~1", "/").replace("~0", "~");
                    let mut name = base.clone();
                    let mut n = 2;
                    while taken.contains(&name) {
                        name = format!("{base}{n}");
                        n += 1;
                    }
                    taken.insert(name.clone());
                    hoisted.push((definition.clone(), name.clone()));
                    name
                }
            };
            let new_ref = format!("#/components/schemas/{}", escape_pointer_token(&name));
            if let Some(Value::Object(map)) = value.pointer_mut(&node) {
                map.insert("$ref".to_owned(), Value::String(new_ref.clone()));
            }
            warnings.push(Warning {
                pointer: at,
                message: format!(
                    "lenient: `$ref` `{reference}` does not exist at the document root; resolved in the \
                     enclosing schema `{schema}` and hoisted to `{new_ref}`"
                ),
            });
        } else if kind == Kind::Schema {
            if let Some(Value::Object(map)) = value.pointer_mut(&node) {
                map.remove("$ref");
            }
            warnings.push(Warning {
                pointer: at,
                message: format!(
                    "lenient: `$ref` target `{reference}` does not exist in this document: the schema is \
                     untyped (any JSON value)"
                ),
            });
        } else {
            warnings.push(Warning {
                pointer: at,
                message: format!(
                    "lenient: `$ref` target `{reference}` does not exist in this document: this {} is left out",
                    kind_name(kind)
                ),
            });
            removals.push(node);
        }
    }
    // Deepest and last first, so earlier list indices stay valid.
    removals.sort_by_key(|node| std::cmp::Reverse(pointer_order(node)));
    for node in removals {
        let Some((parent, token)) = node.rsplit_once('/') else { continue };
        let token = token.replace("~1", "/").replace("~0", "~");
        match value.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&token);
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = token.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            _ => {}
        }
    }
    // Hoisted definitions are copied after the rewrites, so `$ref`s inside them are repaired too.
    let copies: Vec<(String, Value)> =
        hoisted.iter().filter_map(|(d, name)| Some((name.clone(), value.pointer(d)?.clone()))).collect();
    if !copies.is_empty() {
        if let Value::Object(root_map) = &mut value {
            let components = root_map.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(schemas) = schemas {
                    for (name, schema) in copies {
                        schemas.insert(name, schema);
                    }
                }
            }
        }
    }
    Document { value, ..doc.clone() }
}

/// A pointer as tokens, list indices compared as numbers.
fn pointer_order(pointer: &str) -> Vec<(u64, String)> {
    pointer.split('/').map(|t| t.parse::<u64>().map_or((u64::MAX, t.to_owned()), |i| (i, String::new()))).collect()
}

fn missing_component(pointer: &str) -> Option<(String, String)> {
    let rest = pointer.strip_prefix("/components/")?;
    let mut parts = rest.splitn(3, '/');
    let section = parts.next()?.to_string();
    let name = parts.next()?.replace("~1", "/").replace("~0", "~");
    Some((section, name))
}

// ---------------------------------------------------------------------------------------
// Lowering.

fn lower_root(root: &mut Value, r: Renames) {
    lower_node(Kind::Root, root, r);
    let Value::Object(map) = root else { return };

    if r.webhooks {
        rename_keys(map, &[("webhooks", "x-webhooks")]);
    }
    rename_keys(map, &[("jsonSchemaDialect", "x-json-schema-dialect")]);
    if !map.contains_key("paths") {
        map.insert("paths".to_string(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(info)) = map.get_mut("info") {
        rename_keys(info, &[("summary", "x-summary")]);
        if let Some(Value::Object(license)) = info.get_mut("license") {
            rename_keys(license, &[("identifier", "x-identifier")]);
        }
    }
    if let (true, Some(Value::Object(components))) = (r.path_items, map.get_mut("components")) {
        rename_keys(components, &[("pathItems", "x-path-items")]);
    }
}

/// Renames keys in place, keeping their position (only when the new name is free).
fn rename_keys(map: &mut Map<String, Value>, renames: &[(&str, &str)]) {
    let needed = renames.iter().any(|(from, to)| map.contains_key(*from) && !map.contains_key(*to));
    if !needed {
        return;
    }
    let old = std::mem::take(map);
    let free: Vec<bool> = renames.iter().map(|(_, to)| !old.contains_key(*to)).collect();
    for (k, v) in old {
        let new_key = renames
            .iter()
            .zip(&free)
            .find(|((from, _), free)| **free && k == *from)
            .map(|((_, to), _)| to.to_string())
            .unwrap_or(k);
        map.insert(new_key, v);
    }
}

fn lower_node(kind: Kind, v: &mut Value, r: Renames) {
    if kind == Kind::Schema {
        lower_schema(v, r);
        return;
    }
    let Value::Object(map) = v else { return };
    r.rewrite_ref(map);
    if kind == Kind::Callback {
        for (k, child) in map.iter_mut() {
            if !k.starts_with("x-") && k != "$ref" {
                lower_node(Kind::PathItem, child, r);
            }
        }
        return;
    }
    if kind == Kind::Operation && r.optional_responses && !map.contains_key("responses") {
        map.insert("responses".to_string(), Value::Object(Map::new()));
    }
    lower_fields(kind, map, r);
}

fn lower_fields(kind: Kind, map: &mut Map<String, Value>, r: Renames) {
    for (key, child) in map.iter_mut() {
        let Some(shape) = field_shape(kind, key) else { continue };
        match shape {
            Shape::One(k) => lower_node(k, child, r),
            Shape::SchemaOrBool => {
                if child.is_object() {
                    lower_schema(child, r)
                }
            }
            Shape::Map(k) | Shape::OpenMap(k) => {
                if let Value::Object(m) = child {
                    let open = matches!(shape, Shape::OpenMap(_));
                    for (name, item) in m.iter_mut() {
                        if !(open && name.starts_with("x-")) {
                            lower_node(k, item, r);
                        }
                    }
                }
            }
            Shape::List(k) => {
                if let Value::Array(items) = child {
                    for item in items {
                        lower_node(k, item, r);
                    }
                }
            }
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    let Value::Object(map) = v else { return false };
    match map.get("type") {
        Some(Value::String(t)) => return t == "null",
        Some(Value::Array(ts)) => return !ts.is_empty() && ts.iter().all(|t| t == "null"),
        Some(_) => return false,
        None => {}
    }
    if map.contains_key("$ref") {
        return false;
    }
    match (map.get("const"), map.get("enum")) {
        (Some(Value::Null), _) => true,
        (None, Some(Value::Array(values))) => values.len() == 1 && values[0].is_null(),
        _ => false,
    }
}

const TYPE_NAMES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

fn lower_schema(v: &mut Value, r: Renames) {
    // JSON Schema boolean schemas.
    match v {
        Value::Bool(true) => *v = Value::Object(Map::new()),
        Value::Bool(false) => {
            let mut m = Map::new();
            m.insert("not".to_string(), Value::Object(Map::new()));
            *v = Value::Object(m);
        }
        _ => {}
    }
    let Value::Object(map) = v else { return };
    r.rewrite_ref(map);

    // 1. Null alternatives of anyOf/oneOf (before lowering the alternatives themselves).
    let mut unions_with_null: Vec<&'static str> = Vec::new();
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alternatives)) = map.get_mut(key) {
            let before = alternatives.len();
            alternatives.retain(|a| !is_null_schema(a));
            if alternatives.len() != before {
                unions_with_null.push(key);
            }
        }
    }

    // 2. Subschemas.
    lower_fields(Kind::Schema, map, r);

    // 3. Keywords of this schema.
    lower_keywords(map);

    // 4. `type` arrays and `type: "null"`.
    lower_type(map);

    // 5. `$ref` with siblings.
    if map.contains_key("$ref") && map.len() > 1 {
        if let Some(reference) = map.shift_remove("$ref") {
            let mut r = Map::new();
            r.insert("$ref".to_string(), reference);
            push_all_of(map, Value::Object(r), true);
        }
    }

    // 6. Unions that lost their null alternatives.
    for key in unions_with_null {
        let Some(Value::Array(alternatives)) = map.get(key) else { continue };
        match alternatives.len() {
            0 => {
                map.shift_remove(key);
                make_null(map);
            }
            1 => {
                let Some(Value::Array(mut alternatives)) = map.shift_remove(key) else { continue };
                let alternative = alternatives.pop().unwrap_or(Value::Null);
                match alternative {
                    Value::Object(alt) if alt.len() == 1 && alt.contains_key("$ref") => {
                        push_all_of(map, Value::Object(alt), false);
                    }
                    Value::Object(alt) if merge_conflict(map, &alt) => {
                        // Merging would lose one side's constraint: keep the alternative whole.
                        push_all_of(map, Value::Object(alt), false);
                    }
                    Value::Object(alt) => {
                        for (k, val) in alt {
                            if !map.contains_key(&k) {
                                map.insert(k, val);
                            } else if k == "allOf" {
                                if let Value::Array(items) = val {
                                    for item in items {
                                        push_all_of(map, item, false);
                                    }
                                }
                            }
                        }
                    }
                    other => {
                        // Not a schema: put it back for the deserializer to report.
                        map.insert(key.to_string(), Value::Array(vec![other]));
                    }
                }
                map.insert("nullable".to_string(), Value::Bool(true));
            }
            _ => {
                map.insert("nullable".to_string(), Value::Bool(true));
            }
        }
    }

    fix_integer_bounds(map);
}

/// Keywords of the parent that win over the merged alternative's: they describe the
/// property rather than constrain the value.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "example",
    "x-examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "nullable",
];

/// True when merging `alt` into `parent` would overwrite a constraint of the parent with
/// a different one (annotations excepted; `allOf`s are concatenated).
fn merge_conflict(parent: &Map<String, Value>, alt: &Map<String, Value>) -> bool {
    alt.iter().any(|(k, v)| {
        k != "allOf"
            && !ANNOTATIONS.contains(&k.as_str())
            && !k.starts_with("x-")
            && parent.get(k).is_some_and(|p| p != v)
    })
}

/// Adds `item` to the schema's `allOf` (creating it; at the front if `first`).
fn push_all_of(map: &mut Map<String, Value>, item: Value, first: bool) {
    match map.get_mut("allOf") {
        Some(Value::Array(items)) => {
            if first {
                items.insert(0, item)
            } else {
                items.push(item)
            }
        }
        _ => {
            map.insert("allOf".to_string(), Value::Array(vec![item]));
        }
    }
}

fn make_null(map: &mut Map<String, Value>) {
    map.shift_remove("type");
    map.insert("nullable".to_string(), Value::Bool(true));
    map.insert("enum".to_string(), Value::Array(vec![Value::Null]));
    map.insert("x-null".to_string(), Value::Bool(true));
}

fn lower_keywords(map: &mut Map<String, Value>) {
    // const → enum + x-const
    if let Some(c) = map.shift_remove("const") {
        let inferred = match &c {
            Value::Null => None,
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_f64() => Some("number"),
            Value::Number(_) => Some("integer"),
            Value::String(_) => Some("string"),
            Value::Array(_) => Some("array"),
            Value::Object(_) => Some("object"),
        };
        match inferred {
            None => {
                map.insert("nullable".to_string(), Value::Bool(true));
            }
            Some(t) if !map.contains_key("type") && !map.contains_key("$ref") => {
                map.insert("type".to_string(), Value::String(t.to_string()));
            }
            Some(_) => {}
        }
        map.insert("enum".to_string(), Value::Array(vec![c.clone()]));
        map.insert("x-const".to_string(), c);
    }

    // examples → example + x-examples
    if matches!(map.get("examples"), Some(Value::Array(_))) {
        if let Some(Value::Array(examples)) = map.shift_remove("examples") {
            if !map.contains_key("example") {
                if let Some(first) = examples.first() {
                    map.insert("example".to_string(), first.clone());
                }
            }
            map.insert("x-examples".to_string(), Value::Array(examples));
        }
    }

    // numeric exclusiveMinimum / exclusiveMaximum
    for (exclusive, bound, is_min) in [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)] {
        let Some(Value::Number(n)) = map.get(exclusive) else { continue };
        let n = n.clone();
        let nf = n.as_f64().unwrap_or(0.0);
        let inclusive_is_stricter = match map.get(bound).and_then(Value::as_f64) {
            Some(b) => {
                if is_min {
                    b > nf
                } else {
                    b < nf
                }
            }
            None => false,
        };
        if inclusive_is_stricter {
            // `minimum` alone already excludes the exclusive bound.
            map.shift_remove(exclusive);
        } else {
            map.insert(bound.to_string(), Value::Number(n));
            map.insert(exclusive.to_string(), Value::Bool(true));
        }
    }

    // contentMediaType / contentEncoding
    let encoding = map.shift_remove("contentEncoding");
    let media_type = map.shift_remove("contentMediaType");
    if encoding.is_some() || media_type.is_some() {
        if !map.contains_key("format") {
            let base64 = matches!(&encoding, Some(Value::String(e)) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url"));
            let format = if base64 { "byte" } else { "binary" };
            map.insert("format".to_string(), Value::String(format.to_string()));
        }
        if let Some(e) = encoding {
            map.insert("x-content-encoding".to_string(), e);
        }
        if let Some(m) = media_type {
            map.insert("x-content-media-type".to_string(), m);
        }
    }

    // JSON Schema keywords with no 3.0 counterpart, kept as extensions.
    for (from, to) in [
        ("prefixItems", "x-prefix-items"),
        ("propertyNames", "x-property-names"),
        ("patternProperties", "x-pattern-properties"),
    ] {
        if let Some(value) = map.shift_remove(from) {
            map.insert(to.to_string(), value);
        }
    }
}

/// Keywords that only apply to one JSON type (moved into the per-type alternative when
/// a `type` array is split).
fn type_keywords(t: &str) -> &'static [&'static str] {
    match t {
        "string" => &["minLength", "maxLength", "pattern", "x-content-encoding", "x-content-media-type"],
        "number" | "integer" => &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
        "array" => &[
            "items",
            "minItems",
            "maxItems",
            "uniqueItems",
            "x-prefix-items",
            "contains",
            "minContains",
            "maxContains",
            "unevaluatedItems",
        ],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
            "x-pattern-properties",
            "x-property-names",
            "dependentRequired",
            "dependentSchemas",
            "unevaluatedProperties",
        ],
        _ => &[],
    }
}

fn format_fits(t: &str, format: &str) -> bool {
    let numeric = matches!(format, "int32" | "int64" | "float" | "double");
    match t {
        "integer" => matches!(format, "int32" | "int64"),
        "number" => numeric,
        "string" => !numeric,
        _ => false,
    }
}

fn value_has_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

fn lower_type(map: &mut Map<String, Value>) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::String(t)) if t == "null" => {
            make_null(map);
            return;
        }
        Some(Value::Array(ts)) if ts.iter().all(Value::is_string) => {
            let mut out: Vec<String> = Vec::new();
            for t in ts.iter().filter_map(Value::as_str) {
                if !out.iter().any(|o| o == t) {
                    out.push(t.to_string());
                }
            }
            out
        }
        _ => return,
    };
    let has_null = types.iter().any(|t| t == "null");
    let mut non_null: Vec<String> = types.into_iter().filter(|t| t != "null").collect();

    // An enum rules out the types none of its values has.
    if let Some(Value::Array(values)) = map.get("enum") {
        let kept: Vec<String> =
            non_null.iter().filter(|t| values.iter().any(|v| value_has_type(v, t))).cloned().collect();
        if !kept.is_empty() {
            non_null = kept;
        }
    }

    match non_null.len() {
        0 => make_null(map),
        1 => {
            map.insert("type".to_string(), Value::String(non_null.remove(0)));
            if has_null {
                map.insert("nullable".to_string(), Value::Bool(true));
            }
        }
        _ => {
            if non_null.iter().any(|t| !TYPE_NAMES.contains(&t.as_str())) {
                return; // unknown type names: leave for the deserializer to report
            }
            let format = map.get("format").and_then(Value::as_str).map(str::to_string);
            let format_targets: Vec<&String> = match &format {
                Some(f) => {
                    let fits: Vec<&String> = non_null.iter().filter(|t| format_fits(t, f)).collect();
                    if fits.is_empty() {
                        non_null.iter().filter(|t| matches!(t.as_str(), "string" | "number" | "integer")).collect()
                    } else {
                        fits
                    }
                }
                None => Vec::new(),
            };
            let enum_values = map.get("enum").and_then(Value::as_array).cloned();
            let mut branches = Vec::with_capacity(non_null.len());
            for t in &non_null {
                let mut b = Map::new();
                b.insert("type".to_string(), Value::String(t.clone()));
                for &k in type_keywords(t) {
                    if let Some(v) = map.get(k) {
                        b.insert(k.to_string(), v.clone());
                    }
                }
                if let Some(f) = &format {
                    if format_targets.contains(&t) {
                        b.insert("format".to_string(), Value::String(f.clone()));
                    }
                }
                if let Some(values) = &enum_values {
                    let vs: Vec<Value> = values.iter().filter(|v| value_has_type(v, t)).cloned().collect();
                    b.insert("enum".to_string(), Value::Array(vs));
                }
                fix_integer_bounds(&mut b);
                branches.push(Value::Object(b));
            }
            map.shift_remove("type");
            if format.is_some() {
                map.shift_remove("format");
            }
            if enum_values.is_some() {
                map.shift_remove("enum");
            }
            for t in &non_null {
                for &k in type_keywords(t) {
                    map.shift_remove(k);
                }
            }
            if map.contains_key("anyOf") {
                let mut wrapper = Map::new();
                wrapper.insert("anyOf".to_string(), Value::Array(branches));
                push_all_of(map, Value::Object(wrapper), false);
            } else {
                map.insert("anyOf".to_string(), Value::Array(branches));
            }
            if has_null {
                map.insert("nullable".to_string(), Value::Bool(true));
            }
        }
    }
}

/// `openapiv3` reads an integer schema with `minimum: 1.0` as an untyped schema; write
/// integral float bounds (and enum values) as integers.
fn fix_integer_bounds(map: &mut Map<String, Value>) {
    if map.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    fn fix(v: &mut Value) {
        if let Value::Number(n) = v {
            if n.is_f64() {
                if let Some(f) = n.as_f64() {
                    if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
                        *v = Value::Number((f as i64).into());
                    }
                }
            }
        }
    }
    for k in ["minimum", "maximum", "multipleOf"] {
        if let Some(v) = map.get_mut(k) {
            fix(v);
        }
    }
    // Bounds beyond the 64-bit range (`maximum: 18446744073709551615`, or i64::MAX printed
    // as a double, `9223372036854776000`) bound no i64: clamped to it, the same constraint.
    if let Some(v) = map.get_mut("minimum") {
        if !v.is_i64() && v.as_f64().is_some_and(|f| f <= -9.223_372_036_854_776e18) {
            *v = Value::Number(i64::MIN.into());
        }
    }
    if let Some(v) = map.get_mut("maximum") {
        if !v.is_i64() && v.as_f64().is_some_and(|f| f >= 9.223_372_036_854_776e18) {
            *v = Value::Number(i64::MAX.into());
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.iter_mut().for_each(fix);
    }
}

// ---------------------------------------------------------------------------------------
// Checks on the lowered document.

fn post_lowering_checks(root: &Value, renames: Renames, warnings: &mut BTreeSet<Warning>) {
    let mut check = |kind: Kind, node: &Value, ptr: &str| {
        let Value::Object(map) = node else { return };
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let RefTarget::Local(target) = parse_ref(reference) {
                if root.pointer(&target).is_none() {
                    warnings.insert(Warning {
                        pointer: format!("{ptr}/$ref"),
                        message: format!("`$ref` target `{reference}` no longer exists after lowering 3.1 constructs"),
                    });
                }
            }
            return;
        }
        if kind == Kind::Schema {
            if let Some(reason) = untyped_reason(map) {
                warnings.insert(Warning { pointer: ptr.to_string(), message: reason });
            }
        }
    };
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut check);
    for (mut pointer, item) in renames.path_items_in(root) {
        visit(Kind::PathItem, item, &mut pointer, &mut check);
    }
}

/// Keywords `openapiv3` reads into `SchemaKind`; any other non-extension keyword is
/// dropped (and reported by the drop check).
const KIND_KEYWORDS: &[&str] = &[
    "type",
    "pattern",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minimum",
    "maximum",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "enum",
    "format",
    "minLength",
    "maxLength",
    "oneOf",
    "allOf",
    "anyOf",
    "not",
];

/// Why `openapiv3` would read this typed schema as `SchemaKind::Any` (its catch-all),
/// or `None` if it gets a precise kind (or has no `type` to lose).
fn untyped_reason(map: &Map<String, Value>) -> Option<String> {
    let t = map.get("type")?.as_str()?;
    let allowed: &[&str] = match t {
        "string" => &["pattern", "enum", "format", "minLength", "maxLength"],
        "number" | "integer" => {
            &["multipleOf", "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "enum", "format"]
        }
        "boolean" => &["enum"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        other => {
            return Some(format!(
                "untyped: `type: {other}` is not an OpenAPI 3.0 type; openapiv3 reads the schema as untyped"
            ))
        }
    };
    let mut foreign: Vec<&str> = Vec::new();
    for (k, v) in map {
        if k != "type" && !v.is_null() && KIND_KEYWORDS.contains(&k.as_str()) && !allowed.contains(&k.as_str()) {
            foreign.push(k);
        }
    }
    if !foreign.is_empty() {
        let list = foreign.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        return Some(format!("untyped: openapiv3 reads this `{t}` schema as untyped because it also has {list}"));
    }
    let enum_ok = |check: fn(&Value) -> bool| match map.get("enum") {
        Some(Value::Array(values)) => values.iter().all(|v| v.is_null() || check(v)),
        _ => true,
    };
    let int_ok = |k: &str| match map.get(k) {
        Some(v) => v.is_null() || v.is_i64(),
        None => true,
    };
    let fits = match t {
        "string" => enum_ok(Value::is_string),
        "number" => enum_ok(Value::is_number),
        "integer" => enum_ok(Value::is_i64) && int_ok("minimum") && int_ok("maximum") && int_ok("multipleOf"),
        "boolean" => enum_ok(Value::is_boolean),
        _ => true,
    };
    if !fits {
        return Some(format!(
            "untyped: openapiv3 reads this `{t}` schema as untyped because its enum values or bounds are not all of type {t}"
        ));
    }
    None
}

fn is_default(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Deserialization with precise error positions.

fn deserialize_root(doc: &Document, value: &Value) -> Result<OpenAPI, SpecError> {
    match guarded(|| serde_path_to_error::deserialize::<_, OpenAPI>(value)) {
        Some(Ok(openapi)) => Ok(openapi),
        _ => Err(deserialize_error(doc, Kind::Root, value, "")),
    }
}

/// Runs `f`, turning a panic inside the deserializer into `None`.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Tries `v` as the model type for `kind`; on failure returns the pointer (relative,
/// from serde_path_to_error) and message.
fn try_kind(kind: Kind, v: &Value) -> Result<(), (String, String)> {
    fn attempt<T: DeserializeOwned>(v: &Value) -> Result<(), (String, String)> {
        match guarded(|| serde_path_to_error::deserialize::<_, T>(v)) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err((path_to_pointer(e.path()), e.inner().to_string())),
            None => Err((String::new(), "the OpenAPI model panicked while reading this node".to_string())),
        }
    }
    use openapiv3::ReferenceOr as R;
    match kind {
        Kind::Root => attempt::<OpenAPI>(v),
        Kind::Components => attempt::<openapiv3::Components>(v),
        Kind::PathItem => attempt::<R<openapiv3::PathItem>>(v),
        Kind::Operation => attempt::<openapiv3::Operation>(v),
        Kind::Parameter => attempt::<R<openapiv3::Parameter>>(v),
        Kind::Header => attempt::<R<openapiv3::Header>>(v),
        Kind::RequestBody => attempt::<R<openapiv3::RequestBody>>(v),
        Kind::Response => attempt::<R<openapiv3::Response>>(v),
        Kind::MediaType => attempt::<openapiv3::MediaType>(v),
        Kind::Encoding => attempt::<openapiv3::Encoding>(v),
        Kind::Callback => attempt::<R<openapiv3::Callback>>(v),
        Kind::Example => attempt::<R<openapiv3::Example>>(v),
        Kind::Link => attempt::<R<openapiv3::Link>>(v),
        Kind::SecurityScheme => attempt::<R<openapiv3::SecurityScheme>>(v),
        Kind::Schema => attempt::<R<openapiv3::Schema>>(v),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Root => "document",
        Kind::Components => "Components object",
        Kind::PathItem => "Path Item object",
        Kind::Operation => "Operation object",
        Kind::Parameter => "Parameter object",
        Kind::Header => "Header object",
        Kind::RequestBody => "Request Body object",
        Kind::Response => "Response object",
        Kind::MediaType => "Media Type object",
        Kind::Encoding => "Encoding object",
        Kind::Callback => "Callback object",
        Kind::Example => "Example object",
        Kind::Link => "Link object",
        Kind::SecurityScheme => "Security Scheme object",
        Kind::Schema => "Schema object",
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut p = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                p.push('/');
                p.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                p.push('/');
                p.push_str(&escape_pointer_token(key));
            }
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    p
}

/// Finds the deepest structural node under `v` that fails to deserialize and builds the
/// error for it. `openapiv3` buffers most objects (flattened fields, untagged enums), so
/// serde_path_to_error alone stops at the first such object; descending through the
/// document's structure narrows the pointer down.
fn deserialize_error(doc: &Document, kind: Kind, v: &Value, pointer: &str) -> SpecError {
    let mut kind = kind;
    let mut node = v;
    let mut pointer = pointer.to_string();
    let (rel, message) = 'descend: loop {
        let mut failing: Option<(Step, &Value, Kind)> = None;
        for_each_child(kind, node, |step, child, child_kind| {
            if failing.is_none() && try_kind(child_kind, child).is_err() {
                failing = Some((step, child, child_kind));
            }
        });
        match failing {
            Some((step, child, child_kind)) => {
                step.push_to(&mut pointer);
                node = child;
                kind = child_kind;
            }
            None => match try_kind(kind, node) {
                Err(e) => break 'descend e,
                Ok(()) => break 'descend (String::new(), "does not fit the OpenAPI 3.0 model".to_string()),
            },
        }
    };
    // Inside an object the model buffers, name the member whose removal makes it fit.
    let rel = match node {
        Value::Object(map) if rel.is_empty() && !map.contains_key("$ref") && map.len() <= 64 => map
            .keys()
            .find(|k| {
                let mut probe = map.clone();
                probe.shift_remove(k.as_str());
                try_kind(kind, &Value::Object(probe)).is_ok()
            })
            .or_else(|| {
                // `unknown variant `x`` names the value, not the member holding it.
                let variant = message.split("unknown variant `").nth(1)?.split('`').next()?;
                map.iter().find(|(_, v)| v.as_str() == Some(variant)).map(|(k, _)| k)
            })
            .map(|k| {
                let mut p = String::from("/");
                push_token(&mut p, k);
                p
            })
            .unwrap_or_default(),
        _ => rel,
    };
    let pointer = format!("{pointer}{rel}");
    let hint = format!(
        "compare this {} with the OpenAPI {} specification (required fields, value types, allowed values)",
        kind_name(kind),
        if doc.is_3_1() { "3.1" } else { "3.0" }
    );
    let original = original_pointer(doc, &pointer);
    let message = plain_model_message(&message);
    SpecError::new(&doc.file, original.clone(), format!("does not fit the OpenAPI 3.0 model: {message}"))
        .with_hint(hint)
        .with_line(nearest_line(doc, &original))
}

// ---------------------------------------------------------------------------------------
// The drop check without building the round trip: a serializer that walks the model's
// output alongside the lowered JSON and records which keys the model wrote.

mod presence {
    use std::collections::BTreeSet;
    use std::fmt::Write as _;

    use serde::ser::{self, Serialize};
    use serde_json::{Map, Value};

    use super::{is_default, push_token};
    use crate::error::Warning;

    #[derive(Debug)]
    pub struct Never(String);

    impl std::fmt::Display for Never {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Never {}

    impl ser::Error for Never {
        fn custom<T: std::fmt::Display>(msg: T) -> Self {
            Never(msg.to_string())
        }
    }

    pub struct Ctx<'b> {
        pub pointer: &'b mut String,
        pub out: &'b mut BTreeSet<Warning>,
    }

    /// Serializes `model` and reports every key of `lowered` it does not write.
    pub fn check<T: Serialize + ?Sized>(
        model: &T,
        lowered: &Value,
        pointer: &mut String,
        out: &mut BTreeSet<Warning>,
    ) -> Result<(), Never> {
        let mut ctx = Ctx { pointer, out };
        model.serialize(Node { expected: lowered, ctx: &mut ctx })
    }

    /// The serializer for one node whose lowered counterpart is `expected`.
    pub struct Node<'a, 'c, 'b> {
        expected: &'a Value,
        ctx: &'c mut Ctx<'b>,
    }

    pub struct Object<'a, 'c, 'b> {
        expected: Option<&'a Map<String, Value>>,
        seen: Vec<&'a str>,
        /// The lowered key/value of the map entry whose key was just serialized.
        pending: Option<(&'a str, &'a Value)>,
        ctx: &'c mut Ctx<'b>,
    }

    impl<'a, 'c, 'b> Object<'a, 'c, 'b> {
        fn new(expected: &'a Value, ctx: &'c mut Ctx<'b>) -> Self {
            Object { expected: expected.as_object(), seen: Vec::new(), pending: None, ctx }
        }

        fn lookup(&self, key: &str) -> Option<(&'a str, &'a Value)> {
            let map = self.expected?;
            if let Some((k, v)) = map.get_key_value(key) {
                return Some((k.as_str(), v));
            }
            // Status-code ranges come back upper-cased (`2xx` → `2XX`).
            if key.len() == 3 {
                return map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(k, v)| (k.as_str(), v));
            }
            None
        }

        fn entry<T: Serialize + ?Sized>(
            &mut self,
            found: Option<(&'a str, &'a Value)>,
            value: &T,
        ) -> Result<(), Never> {
            let Some((key, expected)) = found else { return Ok(()) };
            self.seen.push(key);
            if expected.is_object() || expected.is_array() {
                let len = self.ctx.pointer.len();
                self.ctx.pointer.push('/');
                push_token(self.ctx.pointer, key);
                let r = value.serialize(Node { expected, ctx: self.ctx });
                self.ctx.pointer.truncate(len);
                r?;
            }
            Ok(())
        }

        fn finish(self) -> Result<(), Never> {
            let Some(map) = self.expected else { return Ok(()) };
            if self.seen.len() >= map.len() {
                return Ok(());
            }
            let seen: std::collections::HashSet<&str> = self.seen.iter().copied().collect();
            for (k, v) in map {
                if seen.contains(k.as_str()) || is_default(v) {
                    continue;
                }
                let len = self.ctx.pointer.len();
                self.ctx.pointer.push('/');
                push_token(self.ctx.pointer, k);
                self.ctx.out.insert(Warning {
                    pointer: self.ctx.pointer.clone(),
                    message: format!("dropped: the OpenAPI 3.0 model has no place for `{k}`"),
                });
                self.ctx.pointer.truncate(len);
            }
            Ok(())
        }
    }

    pub struct Seq<'a, 'c, 'b> {
        expected: Option<&'a Vec<Value>>,
        index: usize,
        ctx: &'c mut Ctx<'b>,
    }

    impl<'a, 'c, 'b> Seq<'a, 'c, 'b> {
        fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
            let i = self.index;
            self.index += 1;
            let Some(expected) = self.expected.and_then(|items| items.get(i)) else { return Ok(()) };
            if expected.is_object() || expected.is_array() {
                let len = self.ctx.pointer.len();
                let _ = write!(self.ctx.pointer, "/{i}");
                let r = value.serialize(Node { expected, ctx: self.ctx });
                self.ctx.pointer.truncate(len);
                r?;
            }
            Ok(())
        }
    }

    /// Captures a map key as the lowered key it corresponds to.
    struct KeyLookup<'o, 'a, 'c, 'b>(&'o Object<'a, 'c, 'b>);

    macro_rules! key_via_string {
        ($($method:ident: $ty:ty),*) => {
            $(fn $method(self, v: $ty) -> Result<Self::Ok, Never> {
                Ok(self.0.lookup(&v.to_string()))
            })*
        };
    }

    impl<'o, 'a, 'c, 'b> ser::Serializer for KeyLookup<'o, 'a, 'c, 'b> {
        type Ok = Option<(&'a str, &'a Value)>;
        type Error = Never;
        type SerializeSeq = ser::Impossible<Self::Ok, Never>;
        type SerializeTuple = ser::Impossible<Self::Ok, Never>;
        type SerializeTupleStruct = ser::Impossible<Self::Ok, Never>;
        type SerializeTupleVariant = ser::Impossible<Self::Ok, Never>;
        type SerializeMap = ser::Impossible<Self::Ok, Never>;
        type SerializeStruct = ser::Impossible<Self::Ok, Never>;
        type SerializeStructVariant = ser::Impossible<Self::Ok, Never>;

        fn serialize_str(self, v: &str) -> Result<Self::Ok, Never> {
            Ok(self.0.lookup(v))
        }
        key_via_string!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
            serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
            serialize_f32: f32, serialize_f64: f64, serialize_char: char);
        fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Never> {
            Ok(None)
        }
        fn serialize_none(self) -> Result<Self::Ok, Never> {
            Ok(None)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Self::Ok, Never> {
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<Self::Ok, Never> {
            Ok(None)
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Never> {
            Ok(None)
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Self::Ok, Never> {
            Ok(self.0.lookup(variant))
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<Self::Ok, Never> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Never> {
            Ok(None)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Never> {
            Err(Never("map key is a sequence".into()))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Never> {
            Err(Never("map key is a tuple".into()))
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Never> {
            Err(Never("map key is a tuple".into()))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Never> {
            Err(Never("map key is a tuple".into()))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
            Err(Never("map key is a map".into()))
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Never> {
            Err(Never("map key is a struct".into()))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Never> {
            Err(Never("map key is a struct".into()))
        }
    }

    impl<'a, 'c, 'b> ser::Serializer for Node<'a, 'c, 'b> {
        type Ok = ();
        type Error = Never;
        type SerializeSeq = Seq<'a, 'c, 'b>;
        type SerializeTuple = Seq<'a, 'c, 'b>;
        type SerializeTupleStruct = Seq<'a, 'c, 'b>;
        type SerializeTupleVariant = Seq<'a, 'c, 'b>;
        type SerializeMap = Object<'a, 'c, 'b>;
        type SerializeStruct = Object<'a, 'c, 'b>;
        type SerializeStructVariant = Object<'a, 'c, 'b>;

        fn serialize_bool(self, _: bool) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_i8(self, _: i8) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_i16(self, _: i16) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_i32(self, _: i32) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_i64(self, _: i64) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_u8(self, _: u8) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_u16(self, _: u16) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_u32(self, _: u32) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_u64(self, _: u64) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_f32(self, _: f32) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_f64(self, _: f64) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_char(self, _: char) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_str(self, _: &str) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_none(self) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Never> {
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
            Ok(())
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<(), Never> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            v: &T,
        ) -> Result<(), Never> {
            // `{variant: value}`, as serde_json writes it.
            let mut object = Object::new(self.expected, self.ctx);
            let found = object.lookup(variant);
            object.entry(found, v)?;
            object.finish()
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Never> {
            Ok(Seq { expected: self.expected.as_array(), index: 0, ctx: self.ctx })
        }
        fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Never> {
            self.serialize_seq(Some(len))
        }
        fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, Never> {
            self.serialize_seq(Some(len))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Never> {
            let expected = self.expected.get(variant).and_then(Value::as_array);
            Ok(Seq { expected, index: 0, ctx: self.ctx })
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
            Ok(Object::new(self.expected, self.ctx))
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Never> {
            Ok(Object::new(self.expected, self.ctx))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Never> {
            // Only compared one level down; openapiv3 has no such variants outside
            // flattened positions.
            let expected = self.expected.get(variant).unwrap_or(&Value::Null);
            Ok(Object::new(expected, self.ctx))
        }
    }

    impl ser::SerializeSeq for Seq<'_, '_, '_> {
        type Ok = ();
        type Error = Never;
        fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
            self.element(v)
        }
        fn end(self) -> Result<(), Never> {
            Ok(())
        }
    }

    impl ser::SerializeTuple for Seq<'_, '_, '_> {
        type Ok = ();
        type Error = Never;
        fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
            self.element(v)
        }
        fn end(self) -> Result<(), Never> {
            Ok(())
        }
    }

    impl ser::SerializeTupleStruct for Seq<'_, '_, '_> {
        type Ok = ();
        type Error = Never;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
            self.element(v)
        }
        fn end(self) -> Result<(), Never> {
            Ok(())
        }
    }

    impl ser::SerializeTupleVariant for Seq<'_, '_, '_> {
        type Ok = ();
        type Error = Never;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
            self.element(v)
        }
        fn end(self) -> Result<(), Never> {
            Ok(())
        }
    }

    impl ser::SerializeMap for Object<'_, '_, '_> {
        type Ok = ();
        type Error = Never;
        fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
            // `None` for a key the lowered JSON lacks (a default the model adds).
            self.pending = key.serialize(KeyLookup(self))?;
            Ok(())
        }
        fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
            let found = self.pending.take();
            self.entry(found, value)
        }
        fn end(self) -> Result<(), Never> {
            self.finish()
        }
    }

    impl ser::SerializeStruct for Object<'_, '_, '_> {
        type Ok = ();
        type Error = Never;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
            let found = self.lookup(key);
            self.entry(found, value)
        }
        fn end(self) -> Result<(), Never> {
            self.finish()
        }
    }

    impl ser::SerializeStructVariant for Object<'_, '_, '_> {
        type Ok = ();
        type Error = Never;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
            let found = self.lookup(key);
            self.entry(found, value)
        }
        fn end(self) -> Result<(), Never> {
            self.finish()
        }
    }
}

/// openapiv3's serde messages name its Rust types; say what the document lacks instead.
fn plain_model_message(message: &str) -> String {
    if message.contains("ParameterSchemaOrContent") {
        return "a parameter needs either `schema` or `content`".to_owned();
    }
    match message.strip_prefix("no variant of enum ").and_then(|rest| rest.split(' ').next()) {
        Some(name) => format!("matches none of the forms a {name} object may take"),
        None => message.to_owned(),
    }
}
