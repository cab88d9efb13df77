//! Normalized read access to one openapiv3 schema ([`View`]), whatever shape the
//! crate stores it in, and what a schema says besides its type: docs, examples, `const`,
//! constraint facts, and the discriminator properties of a whole spec.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// Normalized read access to the many shapes openapiv3 uses for one schema.
pub(super) struct View<'s> {
    pub(super) data: &'s SchemaData,
    pub(super) typ: Option<&'s str>,
    pub(super) format: Option<String>,
    pub(super) enumeration: Vec<Value>,
    pub(super) properties: Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub(super) required: &'s [String],
    pub(super) additional: Option<&'s AdditionalProperties>,
    pub(super) items: Option<&'s ReferenceOr<Box<Schema>>>,
    pub(super) one_of: &'s [ReferenceOr<Schema>],
    pub(super) any_of: &'s [ReferenceOr<Schema>],
    pub(super) all_of: &'s [ReferenceOr<Schema>],
}

fn format_name<T: std::fmt::Debug>(
    format: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> String,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(known(item)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

pub(super) fn view(schema: &Schema) -> View<'_> {
    let mut v = View {
        data: &schema.schema_data,
        typ: None,
        format: None,
        enumeration: Vec::new(),
        properties: None,
        required: &[],
        additional: None,
        items: None,
        one_of: &[],
        any_of: &[],
        all_of: &[],
    };
    fn values<T: Clone + Into<Value>>(e: &[Option<T>]) -> Vec<Value> {
        e.iter().map(|x| x.clone().map_or(Value::Null, Into::into)).collect()
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.typ = Some("string");
            v.format = format_name(&s.format, |f| {
                match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                }
                .to_owned()
            });
            v.enumeration = values(&s.enumeration);
        }
        SchemaKind::Type(Type::Integer(i)) => {
            v.typ = Some("integer");
            v.format = format_name(&i.format, |f| format!("{f:?}").to_lowercase());
            v.enumeration = values(&i.enumeration);
        }
        SchemaKind::Type(Type::Number(n)) => {
            v.typ = Some("number");
            v.enumeration = n.enumeration.iter().map(|x| x.map_or(Value::Null, Value::from)).collect();
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            v.typ = Some("boolean");
            v.enumeration = values(&b.enumeration);
        }
        SchemaKind::Type(Type::Object(o)) => {
            v.typ = Some("object");
            v.properties = Some(&o.properties);
            v.required = &o.required;
            v.additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.typ = Some("array");
            v.items = a.items.as_ref();
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::Not { .. } => {}
        SchemaKind::Any(any) => {
            v.typ = any.typ.as_deref();
            v.format = any.format.clone();
            v.enumeration = any.enumeration.clone();
            if !any.properties.is_empty() {
                v.properties = Some(&any.properties);
            }
            v.required = &any.required;
            v.additional = any.additional_properties.as_ref();
            v.items = any.items.as_ref();
            v.one_of = &any.one_of;
            v.any_of = &any.any_of;
            v.all_of = &any.all_of;
        }
    }
    v
}

/// Whether a schema needs a named definition (struct, enum or union) rather than an
/// expression over other types.
pub(super) fn defines_type(v: &View<'_>) -> bool {
    !v.one_of.is_empty()
        || v.any_of.len() > 1
        || v.all_of.len() > 1
        || (!v.all_of.is_empty() && v.properties.is_some())
        || is_string_enum(v)
        || v.properties.is_some_and(|p| !p.is_empty())
}

pub(super) fn is_string_enum(v: &View<'_>) -> bool {
    v.typ.is_none_or(|t| t == "string")
        && v.enumeration.iter().any(Value::is_string)
        && v.enumeration.iter().all(|e| e.is_string() || e.is_null())
}

pub(super) fn allows_null(schema: &Schema, v: &View<'_>) -> bool {
    schema.schema_data.nullable || v.enumeration.contains(&Value::Null)
}

/// The `x-const` string of a schema (a lowered 3.1 `const`).
pub(super) fn const_string(schema: &Schema) -> Option<&str> {
    schema.schema_data.extensions.get("x-const").and_then(Value::as_str)
}

pub(super) fn examples_of(data: &SchemaData) -> Vec<Value> {
    match data.extensions.get("x-examples") {
        Some(Value::Array(all)) => all.clone(),
        _ => data.example.iter().cloned().collect(),
    }
}

/// What a property's schema constrains besides its Rust type, in the spec's own terms:
/// `format` (unless the type already says it: uuid, date-time, date, binary), length,
/// range, item count, `pattern` and `default`. Nothing is inferred.
pub(super) fn facts_of(schema: &Schema) -> Vec<String> {
    let mut facts = Vec::new();
    let mut push = |key: &str, value: String| facts.push(format!("`{key}: {value}`"));
    let v = view(schema);
    if let Some(format) = v.format.as_deref().filter(|f| !["uuid", "uuid4", "date-time", "date", "binary"].contains(f))
    {
        push("format", format.to_owned());
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if let Some(n) = s.min_length {
                push("minLength", n.to_string());
            }
            if let Some(n) = s.max_length {
                push("maxLength", n.to_string());
            }
            if let Some(pattern) = &s.pattern {
                push("pattern", pattern.replace('`', "'"));
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            if let Some(n) = i.minimum {
                push(if i.exclusive_minimum { "exclusiveMinimum" } else { "minimum" }, n.to_string());
            }
            if let Some(n) = i.maximum {
                push(if i.exclusive_maximum { "exclusiveMaximum" } else { "maximum" }, n.to_string());
            }
            if let Some(n) = i.multiple_of {
                push("multipleOf", n.to_string());
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            if let Some(x) = n.minimum {
                push(if n.exclusive_minimum { "exclusiveMinimum" } else { "minimum" }, x.to_string());
            }
            if let Some(x) = n.maximum {
                push(if n.exclusive_maximum { "exclusiveMaximum" } else { "maximum" }, x.to_string());
            }
            if let Some(x) = n.multiple_of {
                push("multipleOf", x.to_string());
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(n) = a.min_items {
                push("minItems", n.to_string());
            }
            if let Some(n) = a.max_items {
                push("maxItems", n.to_string());
            }
            if a.unique_items {
                push("uniqueItems", "true".to_owned());
            }
        }
        _ => {}
    }
    if let Some(default) = &schema.schema_data.default {
        push("default", default.to_string().replace('`', "'"));
    }
    facts
}

pub(super) fn doc_of(data: &SchemaData) -> Option<String> {
    data.description.clone().filter(|d| !d.trim().is_empty())
}

/// Every `discriminator.propertyName` among the component schemas and their nested schemas.
pub(super) fn discriminator_properties(spec: &OpenAPI) -> BTreeSet<String> {
    fn walk(schema: &ReferenceOr<Schema>, out: &mut BTreeSet<String>, depth: usize) {
        let ReferenceOr::Item(schema) = schema else { return };
        if depth > 64 {
            return;
        }
        if let Some(d) = &schema.schema_data.discriminator {
            out.insert(d.property_name.clone());
        }
        let v = view(schema);
        for part in v.one_of.iter().chain(v.any_of).chain(v.all_of) {
            walk(part, out, depth + 1);
        }
        for prop in v.properties.into_iter().flatten().map(|(_, p)| p).chain(v.items) {
            walk(&prop.clone().unbox(), out, depth + 1);
        }
    }
    let mut out = BTreeSet::new();
    for schema in spec.components.iter().flat_map(|c| c.schemas.values()) {
        walk(schema, &mut out, 0);
    }
    out
}
