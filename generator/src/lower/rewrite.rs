//! Lowering: the rewrites of 3.1 constructs (root containers, every Schema object) into
//! the 3.0 shape `openapiv3` models.

use serde_json::{Map, Value};

use super::shape::{field_shape, Kind, Shape};
use super::Renames;

pub(super) fn lower_root(root: &mut Value, r: Renames) {
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
