//! The shape of an OpenAPI document: which members hold which kind of object (`Kind`,
//! `Shape`), and walks over its structural nodes with their JSON pointers.

use std::fmt::Write as _;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) enum Shape {
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

pub(super) fn field_shape(kind: Kind, key: &str) -> Option<Shape> {
    fields(kind).iter().find(|(k, _)| *k == key).map(|&(_, shape)| shape)
}

/// How a child hangs off its parent: `key`, `key/name` (map entry) or `key/index`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step<'a> {
    Key(&'a str),
    Entry(&'a str, &'a str),
    Index(&'a str, usize),
}

impl Step<'_> {
    pub(super) fn push_to(self, pointer: &mut String) {
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
pub(super) fn push_token(pointer: &mut String, token: &str) {
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
pub(super) fn for_each_child<'a>(kind: Kind, v: &'a Value, mut f: impl FnMut(Step<'a>, &'a Value, Kind)) {
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
pub(super) fn visit<'a>(kind: Kind, v: &'a Value, pointer: &mut String, f: &mut dyn FnMut(Kind, &'a Value, &str)) {
    f(kind, v, pointer);
    for_each_child(kind, v, |step, child, child_kind| {
        let len = pointer.len();
        step.push_to(pointer);
        visit(child_kind, child, pointer, f);
        pointer.truncate(len);
    });
}
