//! Schemas → named Rust types.
//!
//! Every component schema becomes a type named after it. Inline schemas that need a
//! definition (objects, enums, unions) become types too; structurally identical inline
//! schemas share one type, named at the end when all places that use it are known.

use super::{EnumDef, EnumVariant, Field, Presence, StructDef, Ty, TypeDef, TypeId, TypeKind, UnionDef, UnionVariant};
use crate::error::{escape_pointer_token, SpecError, Warning};
use crate::names::{self, NameScope};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// Where an inline schema sits, used to name the type it may become.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// Name the type would get from its position alone (`CustomerMetadataValue`).
    pub name: String,
    /// The last part of `name` (`MetadataValue`): shared inline types are named by it
    /// when every place that uses them agrees on it.
    pub suffix: String,
    pub pointer: String,
    /// The schema sits in an operation (parameter, body, response) rather than under
    /// `components`: shared types prefer names from components, which change less.
    pub in_operation: bool,
}

impl Ctx {
    pub fn new(name: &str, pointer: String) -> Self {
        let name = names::type_name(name);
        Ctx { suffix: name.clone(), name, pointer, in_operation: false }
    }

    /// Context of a schema inside an operation.
    pub fn operation(name: &str, pointer: String) -> Self {
        Ctx { in_operation: true, ..Ctx::new(name, pointer) }
    }

    /// Context of a nested schema: `part` is appended to the type name, `token` to the pointer.
    pub fn child(&self, part: &str, token: &str) -> Ctx {
        let part = if part.is_empty() { String::new() } else { names::type_name(part) };
        Ctx {
            name: format!("{}{}", self.name, part),
            suffix: part,
            pointer: format!("{}/{}", self.pointer, escape_pointer_token(token)),
            in_operation: self.in_operation,
        }
    }

    fn with_suffix(&self, part: &str, token: &str) -> Ctx {
        let mut ctx = self.child(part, token);
        ctx.suffix = format!("{}{}", self.suffix, ctx.suffix);
        ctx
    }
}

/// Normalized read access to the many shapes openapiv3 uses for one schema.
struct View<'s> {
    data: &'s SchemaData,
    typ: Option<&'s str>,
    format: Option<String>,
    enumeration: Vec<Value>,
    properties: Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
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

fn view(schema: &Schema) -> View<'_> {
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
fn defines_type(v: &View<'_>) -> bool {
    !v.one_of.is_empty()
        || v.any_of.len() > 1
        || v.all_of.len() > 1
        || (!v.all_of.is_empty() && v.properties.is_some())
        || is_string_enum(v)
        || v.properties.is_some_and(|p| !p.is_empty())
}

fn is_string_enum(v: &View<'_>) -> bool {
    v.typ.is_none_or(|t| t == "string")
        && v.enumeration.iter().any(Value::is_string)
        && v.enumeration.iter().all(|e| e.is_string() || e.is_null())
}

fn allows_null(schema: &Schema, v: &View<'_>) -> bool {
    schema.schema_data.nullable || v.enumeration.contains(&Value::Null)
}

/// The `x-const` string of a schema (a lowered 3.1 `const`).
fn const_string(schema: &Schema) -> Option<&str> {
    schema.schema_data.extensions.get("x-const").and_then(Value::as_str)
}

fn examples_of(data: &SchemaData) -> Vec<Value> {
    match data.extensions.get("x-examples") {
        Some(Value::Array(all)) => all.clone(),
        _ => data.example.iter().cloned().collect(),
    }
}

/// What a property's schema constrains besides its Rust type, in the spec's own terms:
/// `format` (unless the type already says it: uuid, date-time, date, binary), length,
/// range, item count, `pattern` and `default`. Nothing is inferred.
fn facts_of(schema: &Schema) -> Vec<String> {
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

fn doc_of(data: &SchemaData) -> Option<String> {
    data.description.clone().filter(|d| !d.trim().is_empty())
}

pub(crate) struct TypeBuilder<'a> {
    pub file: &'a str,
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    pub types: Vec<TypeDef>,
    /// Component schema name → type. Lookup only; output order comes from `types`.
    components: HashMap<String, TypeId>,
    /// Structural key of an inline type → the type, so identical shapes share one type.
    inline: HashMap<String, TypeId>,
    /// Naming contexts of every place an inline type is used, by type.
    sites: BTreeMap<TypeId, Vec<Ctx>>,
    scope: NameScope,
    /// Components that define a struct, enum or union but also allow `null`.
    nullable_components: BTreeSet<TypeId>,
    /// Property names any discriminator in the spec dispatches on.
    discriminators: BTreeSet<String>,
    pub warnings: Vec<Warning>,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(spec: &'a OpenAPI, file: &'a str) -> Result<Self, SpecError> {
        static NO_SCHEMAS: std::sync::OnceLock<IndexMap<String, ReferenceOr<Schema>>> = std::sync::OnceLock::new();
        let schemas = spec.components.as_ref().map_or_else(|| NO_SCHEMAS.get_or_init(IndexMap::new), |c| &c.schemas);
        Ok(TypeBuilder {
            file,
            schemas,
            types: Vec::new(),
            components: HashMap::new(),
            inline: HashMap::new(),
            sites: BTreeMap::new(),
            scope: NameScope::with_reserved(names::RESERVED_TYPE_NAMES),
            discriminators: discriminator_properties(spec),
            nullable_components: BTreeSet::new(),
            warnings: Vec::new(),
        })
    }

    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.to_owned(), message: message.into() });
    }

    /// Registers every component schema under its final name, then builds them.
    pub fn build_components(&mut self) -> Result<(), SpecError> {
        let names: Vec<String> = self.schemas.keys().cloned().collect();
        // Schemas already spelled as Rust type names claim them first, so `FooBar` keeps
        // its name and `Foo_Bar` becomes `FooBar2` rather than the other way round.
        let mut claimed: HashMap<&str, String> = HashMap::new();
        for exact in [true, false] {
            for name in &names {
                let wanted = names::type_name(name);
                if (wanted == *name) == exact {
                    claimed.insert(name, self.scope.claim(&wanted));
                }
            }
        }
        for name in &names {
            let id = self.types.len();
            let type_name = claimed[name.as_str()].clone();
            self.types.push(TypeDef {
                name: type_name,
                module: String::new(),
                doc: None,
                pointer: format!("/components/schemas/{}", escape_pointer_token(name)),
                kind: TypeKind::Alias(Ty::Json),
            });
            self.components.insert(name.clone(), id);
            if let ReferenceOr::Item(schema) = &self.schemas[name] {
                let v = view(schema);
                if allows_null(schema, &v) && defines_type(&v) {
                    self.nullable_components.insert(id);
                }
            }
        }
        for name in &names {
            let id = self.components[name];
            let schema = &self.schemas[name];
            let ctx = Ctx::new(&self.types[id].name, self.types[id].pointer.clone());
            let (kind, doc) = match &schema {
                ReferenceOr::Reference { reference } => {
                    (TypeKind::Alias(self.reference(reference, &ctx.pointer)?), None)
                }
                ReferenceOr::Item(schema) => {
                    // A title that only repeats the schema's name says nothing.
                    let title =
                        schema.schema_data.title.clone().filter(|t| names::type_name(t) != names::type_name(name));
                    let doc = doc_of(&schema.schema_data).or(title);
                    (self.definition(schema, &ctx)?, doc)
                }
            };
            self.types[id].kind = kind;
            self.types[id].doc = doc;
        }
        self.refuse_alias_cycles()
    }

    /// A type alias cannot mention itself (`A = B`, `B = A`, or `A = Vec<A>`): such
    /// schemas describe no finite value and are refused with the cycle spelled out.
    fn refuse_alias_cycles(&self) -> Result<(), SpecError> {
        fn mentioned(ty: &Ty, out: &mut Vec<TypeId>) {
            match ty {
                Ty::Named(id) => out.push(*id),
                Ty::Vec(inner) | Ty::Option(inner) => mentioned(inner, out),
                Ty::Map(key, value) => {
                    mentioned(key, out);
                    mentioned(value, out);
                }
                Ty::Tuple(items) => items.iter().for_each(|t| mentioned(t, out)),
                _ => {}
            }
        }
        for start in 0..self.types.len() {
            let TypeKind::Alias(_) = self.types[start].kind else { continue };
            // Depth-first over aliases only: structs, enums and unions break a cycle.
            let mut stack = vec![(start, vec![start])];
            let mut seen = BTreeSet::new();
            while let Some((id, chain)) = stack.pop() {
                let TypeKind::Alias(ty) = &self.types[id].kind else { continue };
                let mut next = Vec::new();
                mentioned(ty, &mut next);
                for target in next {
                    if target == start {
                        let names: Vec<&str> =
                            chain.iter().chain([&start]).map(|i| self.types[*i].name.as_str()).collect();
                        return Err(SpecError::new(
                            self.file,
                            &self.types[start].pointer,
                            format!("schema is defined only in terms of itself ({})", names.join(" -> ")),
                        )
                        .with_hint("a `$ref` cycle needs an object (or union) in between to describe a value"));
                    }
                    if seen.insert(target) {
                        let mut chain = chain.clone();
                        chain.push(target);
                        stack.push((target, chain));
                    }
                }
            }
        }
        Ok(())
    }

    /// `Ty::Named` of the component a `$ref` points at.
    pub fn reference(&mut self, reference: &str, pointer: &str) -> Result<Ty, SpecError> {
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            let name = name.replace("~1", "/").replace("~0", "~");
            if let Some(id) = self.components.get(&name) {
                return Ok(if self.nullable_components.contains(id) {
                    Ty::Option(Box::new(Ty::Named(*id)))
                } else {
                    Ty::Named(*id)
                });
            }
        }
        Err(SpecError::new(self.file, pointer, format!("`$ref: {reference}` does not name a component schema"))
            .with_hint("the generator resolves references to `#/components/schemas/<name>` only"))
    }

    /// The schema a reference (or inline schema) stands for, following `$ref` chains.
    fn resolve<'s>(&'s self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
        let mut current = schema;
        for _ in 0..64 {
            match current {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/schemas/")?;
                    current = self.schemas.get(&name.replace("~1", "/").replace("~0", "~"))?;
                }
            }
        }
        None
    }

    /// The shape a named schema gets: a struct, enum or union definition, else an alias.
    fn definition(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeKind, SpecError> {
        let v = view(schema);
        // A nullable struct/enum/union is defined without the null; references to it
        // become `Option<Name>` (see `reference`).
        if let Some(kind) = self.complex_kind(&v, ctx)? {
            return Ok(kind);
        }
        let item = ReferenceOr::Item(Schema {
            schema_data: schema.schema_data.clone(),
            schema_kind: schema.schema_kind.clone(),
        });
        Ok(TypeKind::Alias(self.ty(&item, ctx)?))
    }

    /// Struct, enum or union for schemas that need a definition of their own.
    fn complex_kind(&mut self, v: &View<'_>, ctx: &Ctx) -> Result<Option<TypeKind>, SpecError> {
        if !defines_type(v) {
            return Ok(None);
        }
        if !v.one_of.is_empty() || v.any_of.len() > 1 {
            let variants = if v.one_of.is_empty() { v.any_of } else { v.one_of };
            return Ok(Some(self.union(variants, v.data, ctx)?));
        }
        if !v.all_of.is_empty() {
            return Ok(Some(self.merged_struct(v, ctx)?));
        }
        if is_string_enum(v) {
            return Ok(Some(self.enumeration(v)));
        }
        let props = v.properties.into_iter().flatten().map(|(k, s)| (k.clone(), s.clone().unbox()));
        let props: Vec<_> = props.collect();
        let mut def = self.structure(&props, v.required, ctx)?;
        self.extra_properties(&mut def, v, ctx)?;
        Ok(Some(TypeKind::Struct(def)))
    }

    /// Properties beyond the declared ones (`additionalProperties` next to `properties`)
    /// are kept in a flattened map, so nothing the server sends is lost on re-encoding.
    fn extra_properties(&mut self, def: &mut StructDef, v: &View<'_>, ctx: &Ctx) -> Result<(), SpecError> {
        let value = match v.additional {
            Some(AdditionalProperties::Schema(schema)) => {
                self.ty(schema, &ctx.with_suffix("Value", "additionalProperties"))?
            }
            Some(AdditionalProperties::Any(true)) => Ty::Json,
            _ => return Ok(()),
        };
        let mut scope = NameScope::new();
        for f in &def.fields {
            scope.claim(&f.name);
        }
        def.fields.push(Field {
            name: scope.claim("additional_properties"),
            json_name: String::new(),
            doc: Some("Properties not declared by the schema, by name.".to_owned()),
            ty: Ty::Map(Box::new(Ty::String), Box::new(value)),
            presence: Presence::Flatten,
            nullable: false,
            boxed: false,
            deprecated: false,
            examples: Vec::new(),
            facts: Vec::new(),
        });
        Ok(())
    }

    /// A type expression for any schema, defining inline types where needed.
    pub fn ty(&mut self, schema: &ReferenceOr<Schema>, ctx: &Ctx) -> Result<Ty, SpecError> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => return self.reference(reference, &ctx.pointer),
            ReferenceOr::Item(schema) => schema,
        };
        let v = view(schema);
        let nullable = allows_null(schema, &v) && !(v.enumeration.len() == 1 && v.typ.is_none());
        let ty = if v.all_of.len() == 1 && v.properties.is_none() {
            // `allOf: [$ref]`: a lowered nullable ref or a ref with sibling keywords.
            self.ty(&v.all_of[0], &ctx.with_suffix("", "allOf/0"))?
        } else if v.any_of.len() == 1 && v.one_of.is_empty() {
            self.ty(&v.any_of[0], &ctx.with_suffix("", "anyOf/0"))?
        } else if let Some(kind) = self.complex_kind(&v, ctx)? {
            Ty::Named(self.intern(kind, ctx))
        } else {
            self.scalar_ty(schema, &v, ctx)?
        };
        Ok(match ty {
            Ty::Option(_) => ty,
            ty if nullable => Ty::Option(Box::new(ty)),
            ty => ty,
        })
    }

    /// Primitives, arrays, tuples and maps.
    fn scalar_ty(&mut self, schema: &Schema, v: &View<'_>, ctx: &Ctx) -> Result<Ty, SpecError> {
        let ext = &schema.schema_data.extensions;
        if let Some(Value::Array(items)) = ext.get("x-prefix-items") {
            let mut tys = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let item = self.parse_schema(item, &format!("{}/prefixItems/{i}", ctx.pointer))?;
                tys.push(self.ty(&item, &ctx.with_suffix(&format!("Item{i}"), &format!("prefixItems/{i}")))?);
            }
            return Ok(Ty::Tuple(tys));
        }
        // `format` alone (no `type`) still says what the string holds (e.g. `propertyNames`).
        let typ = v.typ.or(v.format.as_ref().map(|_| "string"));
        Ok(match typ {
            Some("string") => match v.format.as_deref() {
                Some("uuid" | "uuid4") => Ty::Uuid,
                Some("date-time") => Ty::DateTime,
                Some("date") => Ty::Date,
                Some("binary") => Ty::Bytes,
                _ => Ty::String,
            },
            Some("integer") => Ty::Integer,
            Some("number") => Ty::Number,
            Some("boolean") => Ty::Boolean,
            Some("array") => match v.items {
                Some(items) => {
                    let items = items.clone().unbox();
                    Ty::Vec(Box::new(self.ty(&items, &ctx.with_suffix("Item", "items"))?))
                }
                None => Ty::Vec(Box::new(Ty::Json)),
            },
            Some("object") | None if v.additional.is_some() || ext.contains_key("x-pattern-properties") => {
                self.map_ty(schema, v, ctx)?
            }
            Some("object") => Ty::Map(Box::new(Ty::String), Box::new(Ty::Json)),
            // 3.1's `type: null` (lowered to `enum: [null]`): the only value is null.
            _ if !v.enumeration.is_empty() && v.enumeration.iter().all(Value::is_null) => {
                Ty::Option(Box::new(Ty::Json))
            }
            _ => Ty::Json,
        })
    }

    fn map_ty(&mut self, schema: &Schema, v: &View<'_>, ctx: &Ctx) -> Result<Ty, SpecError> {
        let ext = &schema.schema_data.extensions;
        let value = match (v.additional, ext.get("x-pattern-properties")) {
            (Some(AdditionalProperties::Schema(value)), _) => {
                self.ty(value, &ctx.with_suffix("Value", "additionalProperties"))?
            }
            (_, Some(Value::Object(patterns))) if patterns.len() == 1 => {
                let (pattern, value) = patterns.iter().next().expect("one pattern");
                let pointer = format!("{}/patternProperties/{}", ctx.pointer, escape_pointer_token(pattern));
                let value = self.parse_schema(value, &pointer)?;
                self.ty(&value, &ctx.with_suffix("Value", &format!("patternProperties/{pattern}")))?
            }
            _ => Ty::Json,
        };
        let key = match ext.get("x-property-names") {
            Some(names) => {
                let pointer = format!("{}/propertyNames", ctx.pointer);
                let names = self.parse_schema(names, &pointer)?;
                match self.ty(&names, &ctx.with_suffix("Key", "propertyNames"))? {
                    // Only types with a total order and a string form can be keys.
                    key @ (Ty::Uuid | Ty::Date | Ty::Named(_)) if self.is_string_like(&key) => key,
                    _ => Ty::String,
                }
            }
            None => Ty::String,
        };
        Ok(Ty::Map(Box::new(key), Box::new(value)))
    }

    fn is_string_like(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Uuid | Ty::Date | Ty::String => true,
            Ty::Named(id) => matches!(self.types.get(*id).map(|t| &t.kind), Some(TypeKind::Enum(_))),
            _ => false,
        }
    }

    /// A schema kept as raw JSON by the lowering stage (prefixItems, propertyNames, ...).
    fn parse_schema(&mut self, value: &Value, pointer: &str) -> Result<ReferenceOr<Schema>, SpecError> {
        serde_json::from_value(value.clone())
            .map_err(|e| SpecError::new(self.file, pointer, format!("not a valid schema: {e}")))
    }

    fn enumeration(&mut self, v: &View<'_>) -> TypeKind {
        let mut scope = NameScope::new();
        let mut variants = Vec::new();
        for value in v.enumeration.iter().filter_map(Value::as_str) {
            if variants.iter().any(|e: &EnumVariant| e.value == value) {
                continue;
            }
            let name = if value.is_empty() { "Empty".to_owned() } else { names::type_name(value) };
            variants.push(EnumVariant { name: scope.claim(&name), value: value.to_owned(), doc: None });
        }
        let unknown = if scope.is_taken("Unknown") { scope.claim("UnknownValue") } else { "Unknown".to_owned() };
        TypeKind::Enum(EnumDef { variants, unknown })
    }

    fn structure(
        &mut self,
        props: &[(String, ReferenceOr<Schema>)],
        required: &[String],
        ctx: &Ctx,
    ) -> Result<StructDef, SpecError> {
        let mut scope = NameScope::new();
        let mut fields = Vec::new();
        let mut tag = None;
        // serde can fix one property per struct as its `tag`: the one unions dispatch on
        // (a discriminator's property) if there is one, else the first `const` property.
        let consts: Vec<&String> = props
            .iter()
            .filter(|(_, p)| matches!(p, ReferenceOr::Item(s) if const_string(s).is_some()))
            .map(|(name, _)| name)
            .collect();
        let tag_property = consts
            .iter()
            .find(|name| self.discriminators.contains(name.as_str()))
            .or(consts.first())
            .map(|name| (*name).clone())
            .unwrap_or_default();
        for (json_name, prop) in props {
            let pointer = format!("{}/properties/{}", ctx.pointer, escape_pointer_token(json_name));
            if let ReferenceOr::Item(schema) = prop {
                if let (Some(value), None) = (const_string(schema), &tag) {
                    if *json_name == tag_property {
                        // The property has no Rust field; its examples can only be checked here.
                        if examples_of(&schema.schema_data).iter().any(|e| e.as_str() != Some(value)) {
                            self.warn(&pointer, format!("an example differs from the `const` value {value:?}"));
                        }
                        tag = Some((json_name.clone(), value.to_owned()));
                        continue;
                    }
                }
            }
            let mut field_ctx = ctx.child(json_name, "");
            field_ctx.pointer = pointer;
            let ty = self.ty(prop, &field_ctx)?;
            // A reference to an alias of `Option<T>` is a nullable `T` (no `Option<Option<T>>`).
            let ty = match self.resolve_alias(&ty) {
                resolved @ Ty::Option(_) => resolved,
                _ => ty,
            };
            let (ty, nullable) = match ty {
                Ty::Option(inner) => (*inner, true),
                ty => (ty, false),
            };
            let presence = match (required.contains(json_name), nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, _) => Presence::Optional,
            };
            let (doc, deprecated, examples, facts) = match prop {
                ReferenceOr::Item(s) => {
                    (doc_of(&s.schema_data), s.schema_data.deprecated, examples_of(&s.schema_data), facts_of(s))
                }
                ReferenceOr::Reference { .. } => (None, false, Vec::new(), Vec::new()),
            };
            fields.push(Field {
                name: scope.claim(&names::snake_name(json_name)),
                json_name: json_name.clone(),
                doc,
                ty,
                presence,
                nullable,
                boxed: false,
                deprecated,
                examples,
                facts,
            });
        }
        Ok(StructDef { fields, tag, patch: false, constructor: false, default: false })
    }

    /// `allOf` composition: the properties of every part, later parts winning.
    fn merged_struct(&mut self, v: &View<'_>, ctx: &Ctx) -> Result<TypeKind, SpecError> {
        let mut props: IndexMap<String, ReferenceOr<Schema>> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let merge = |pv: &View<'_>, props: &mut IndexMap<_, _>, required: &mut Vec<String>| {
            for (name, prop) in pv.properties.into_iter().flatten() {
                props.insert(name.clone(), prop.clone().unbox());
            }
            for r in pv.required {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
        };
        let mut pending: VecDeque<ReferenceOr<Schema>> = v.all_of.iter().cloned().collect();
        let mut steps = 0;
        while let Some(part) = pending.pop_front() {
            steps += 1;
            if steps > 256 {
                return Err(SpecError::new(
                    self.file,
                    &ctx.pointer,
                    "`allOf` composition is nested too deeply or cyclic",
                )
                .with_hint("an `allOf` part must not (indirectly) include the schema itself"));
            }
            let Some(resolved) = self.resolve(&part).cloned() else {
                return Err(SpecError::new(self.file, &ctx.pointer, "an `allOf` part does not resolve to a schema"));
            };
            let pv = view(&resolved);
            for nested in pv.all_of.iter().rev() {
                pending.push_front(nested.clone());
            }
            if !pv.one_of.is_empty() || !pv.any_of.is_empty() {
                self.warn(&ctx.pointer, "`allOf` part with `oneOf`/`anyOf`: only its properties are merged");
            }
            merge(&pv, &mut props, &mut required);
        }
        merge(v, &mut props, &mut required);
        let props: Vec<_> = props.into_iter().collect();
        Ok(TypeKind::Struct(self.structure(&props, &required, ctx)?))
    }

    fn union(&mut self, variants: &[ReferenceOr<Schema>], data: &SchemaData, ctx: &Ctx) -> Result<TypeKind, SpecError> {
        let mut tys = Vec::with_capacity(variants.len());
        for (i, variant) in variants.iter().enumerate() {
            // A `const` alternative is a literal arm, not a type of its own.
            if self.resolve(variant).and_then(const_string).is_some() {
                tys.push(None);
                continue;
            }
            let vctx = ctx.with_suffix(&format!("Variant{i}"), &format!("oneOf/{i}"));
            tys.push(Some(self.ty(variant, &vctx)?));
        }
        if tys.iter().all(Option::is_some) {
            let all: Vec<Ty> = tys.iter().flatten().cloned().collect();
            if let Some(tagged) = self.tagged_union(variants, &all, data, ctx) {
                return Ok(tagged);
            }
        }
        Ok(self.untagged_union(variants, tys))
    }

    /// The property every variant fixes with a `const` (or that the discriminator names),
    /// with the tag values per variant; `None` when the union has no usable tag.
    fn tagged_union(
        &mut self,
        variants: &[ReferenceOr<Schema>],
        tys: &[Ty],
        data: &SchemaData,
        ctx: &Ctx,
    ) -> Option<TypeKind> {
        let consts: Vec<Option<(String, String)>> = variants
            .iter()
            .map(|v| {
                let s = self.resolve(v)?;
                view(s).properties?.iter().find_map(|(name, prop)| match prop {
                    ReferenceOr::Item(p) => const_string(p).map(|c| (name.clone(), c.to_owned())),
                    ReferenceOr::Reference { .. } => None,
                })
            })
            .collect();
        let tag = match &data.discriminator {
            Some(d) => d.property_name.clone(),
            None => consts.first()?.as_ref()?.0.clone(),
        };
        let mut out = Vec::new();
        let mut scope = NameScope::new();
        for ((variant, ty), konst) in variants.iter().zip(tys).zip(&consts) {
            let mut values: Vec<String> = Vec::new();
            if let (Some(d), ReferenceOr::Reference { reference }) = (&data.discriminator, variant) {
                let short = reference.rsplit('/').next().unwrap_or(reference);
                values.extend(
                    d.mapping
                        .iter()
                        .filter(|(_, target)| *target == reference || *target == short)
                        .map(|(k, _)| k.clone()),
                );
            }
            if values.is_empty() {
                match konst {
                    Some((name, value)) if *name == tag => values.push(value.clone()),
                    _ => match (&data.discriminator, variant) {
                        (Some(_), ReferenceOr::Reference { reference }) => {
                            values.push(reference.rsplit('/').next().unwrap_or(reference).to_owned())
                        }
                        _ => return None,
                    },
                }
            }
            // Only objects carry a tag (a union arm's members carry it themselves, and a
            // discriminator mapping vouches for that).
            let from_mapping = data.discriminator.as_ref().is_some_and(|d| !d.mapping.is_empty());
            if !from_mapping && self.resolve(variant).is_none_or(|s| view(s).properties.is_none()) {
                return None;
            }
            // One tag value names the arm (`Customer::Individual`); an arm that several
            // values select is named after its type (`Aggregation::PropertyAggregation`).
            let name = match (values.len(), variant) {
                (1, _) => names::type_name(&values[0]),
                (_, ReferenceOr::Reference { reference }) => {
                    names::type_name(reference.rsplit('/').next().unwrap_or(reference))
                }
                _ => names::type_name(&values.join(" or ")),
            };
            let name = scope.claim(&name);
            out.push(UnionVariant { name, ty: Some(ty.clone()), tag_values: values, boxed: false });
        }
        let mut all: Vec<&String> = out.iter().flat_map(|v| &v.tag_values).collect();
        let total = all.len();
        all.sort();
        all.dedup();
        if all.len() != total {
            self.warn(&ctx.pointer, format!("union variants share a `{tag}` value: decoded untagged"));
            return None;
        }
        let unknown = if scope.is_taken("Unknown") { scope.claim("UnknownVariant") } else { "Unknown".to_owned() };
        Some(TypeKind::Union(UnionDef { tag: Some(tag), variants: out, unknown }))
    }

    fn untagged_union(&mut self, variants: &[ReferenceOr<Schema>], tys: Vec<Option<Ty>>) -> TypeKind {
        let mut entries: Vec<(i64, UnionVariant)> = Vec::new();
        let mut scope = NameScope::new();
        for (variant, ty) in variants.iter().zip(tys) {
            let Some(ty) = ty else {
                let value = self.resolve(variant).and_then(const_string).unwrap_or_default().to_owned();
                let name = scope.claim(&names::type_name(&value));
                entries.push((i64::MIN, UnionVariant { name, ty: None, tag_values: vec![value], boxed: false }));
                continue;
            };
            let (rank, name) = self.variant_rank(&ty, variant);
            // Inline types get their names at the end; their arms are named then.
            let name = if name.is_empty() { name } else { scope.claim(&name) };
            entries.push((rank, UnionVariant { name, ty: Some(ty), tag_values: Vec::new(), boxed: false }));
        }
        // Most specific first: serde tries the arms in order and the first match wins.
        entries.sort_by_key(|(rank, _)| *rank);
        let unknown = if scope.is_taken("Unknown") { scope.claim("UnknownVariant") } else { "Unknown".to_owned() };
        TypeKind::Union(UnionDef { tag: None, variants: entries.into_iter().map(|(_, v)| v).collect(), unknown })
    }

    /// Try order and arm name of an untagged variant.
    fn variant_rank(&self, ty: &Ty, variant: &ReferenceOr<Schema>) -> (i64, String) {
        let (rank, name) = match ty.non_null() {
            Ty::Named(id) => {
                let def = &self.types[*id];
                let required = self.resolve(variant).map_or(0, |s| view(s).required.len() as i64);
                match &def.kind {
                    TypeKind::Enum(_) => (60, def.name.clone()),
                    TypeKind::Alias(Ty::String) => (70, def.name.clone()),
                    // Objects with more required properties are more specific.
                    _ => (-required, def.name.clone()),
                }
            }
            Ty::Integer => (20, "Integer".into()),
            Ty::Number => (21, "Number".into()),
            Ty::Boolean => (22, "Boolean".into()),
            Ty::Uuid => (30, "Uuid".into()),
            Ty::DateTime => (31, "DateTime".into()),
            Ty::Date => (32, "Date".into()),
            Ty::Tuple(_) => (35, "Tuple".into()),
            Ty::Vec(item) => (40, format!("{}List", self.variant_rank(item, variant).1)),
            Ty::Map(_, value) => (45, format!("{}Map", self.variant_rank(value, variant).1)),
            Ty::Bytes => (50, "Bytes".into()),
            Ty::String => (70, "String".into()),
            Ty::Json | Ty::Option(_) => (90, "Value".into()),
        };
        (rank, name)
    }

    /// Defines (or reuses) an inline type of the given shape.
    pub fn intern(&mut self, kind: TypeKind, ctx: &Ctx) -> TypeId {
        let key = format!("{kind:?}");
        let id = match self.inline.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.types.len();
                self.types.push(TypeDef {
                    name: String::new(),
                    module: String::new(),
                    doc: None,
                    pointer: ctx.pointer.clone(),
                    kind,
                });
                self.inline.insert(key, id);
                id
            }
        };
        self.sites.entry(id).or_default().push(ctx.clone());
        id
    }

    /// The type an alias (`pub type X = ...`) stands for, following alias chains.
    pub fn resolve_alias(&self, ty: &Ty) -> Ty {
        super::resolve_alias(&self.types, ty).clone()
    }

    /// Marks the type of a PATCH body: its optional nullable fields become three-state.
    pub fn mark_patch(&mut self, ty: &Ty) {
        let Ty::Named(id) = ty.non_null() else { return };
        match &mut self.types[*id].kind {
            TypeKind::Struct(s) => {
                s.patch = true;
                for f in &mut s.fields {
                    if f.presence == Presence::Optional && f.nullable {
                        f.presence = Presence::Tristate;
                    }
                }
            }
            TypeKind::Union(u) => {
                let members: Vec<Ty> = u.variants.iter().filter_map(|v| v.ty.clone()).collect();
                for m in members {
                    if m.non_null() != ty.non_null() {
                        self.mark_patch(&m);
                    }
                }
            }
            TypeKind::Alias(inner) => {
                let inner = inner.clone();
                if inner.non_null() != ty.non_null() {
                    self.mark_patch(&inner);
                }
            }
            TypeKind::Enum(_) => {}
        }
    }

    /// Names inline types, boxes recursive fields and assigns modules.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Warning>) {
        self.name_inline_types();
        self.name_union_arms();
        self.box_cycles();
        self.box_large_arms();
        for def in &mut self.types {
            if let TypeKind::Struct(s) = &mut def.kind {
                let required = s
                    .fields
                    .iter()
                    .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
                    .count();
                s.constructor = (1..=7).contains(&required);
                s.default = required == 0;
            }
        }
        let mut modules = NameScope::with_reserved(&["mod", "lib", "runtime"]);
        for def in &mut self.types {
            def.module = modules.claim(&names::module_name(&def.name));
        }
        (self.types, self.warnings)
    }

    fn name_inline_types(&mut self) {
        let mut order: Vec<(TypeId, Vec<Ctx>)> = std::mem::take(&mut self.sites).into_iter().collect();
        // Widely shared types pick first, so they get the short shared name.
        order.sort_by_key(|(id, sites)| (std::cmp::Reverse(sites.len()), *id));
        for (id, sites) in order {
            let mut by_site: Vec<(bool, &str)> = sites.iter().map(|c| (c.in_operation, c.name.as_str())).collect();
            by_site.sort_by_key(|(in_operation, n)| (*in_operation, n.len(), *n));
            let by_site: Vec<&str> = by_site.into_iter().map(|(_, n)| n).collect();
            // A type used in several places is named by what most of them call it
            // (`metadata` everywhere → `MetadataValue`), which survives spec changes better
            // than the name of whichever schema happens to come first.
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for site in &sites {
                let mut places: Vec<&str> =
                    sites.iter().filter(|c| c.suffix == site.suffix).map(|c| c.name.as_str()).collect();
                places.sort_unstable();
                places.dedup();
                counts.insert(site.suffix.as_str(), places.len());
            }
            let common = counts
                .iter()
                .filter(|(suffix, count)| **count > 1 && !suffix.is_empty() && !self.scope.is_taken(suffix))
                .max_by_key(|(suffix, count)| (**count, std::cmp::Reverse(suffix.len()), std::cmp::Reverse(**suffix)))
                .map(|(suffix, _)| (*suffix).to_owned());
            let name = match common {
                Some(suffix) => self.scope.claim(&suffix),
                None => self.scope.claim(by_site[0]),
            };
            self.types[id].name = name;
            self.types[id].pointer = sites.iter().map(|c| c.pointer.clone()).min().unwrap_or_default();
        }
    }

    /// Names arms that hold inline types (named only now) and drops a prefix or suffix
    /// that repeats the union's own name (`Foo::FooBar` reads as `Foo::Bar`).
    fn name_union_arms(&mut self) {
        for id in 0..self.types.len() {
            let TypeKind::Union(u) = &self.types[id].kind else { continue };
            let own = self.types[id].name.clone();
            let names: Vec<String> = u
                .variants
                .iter()
                .map(|v| match (&v.ty, v.name.is_empty()) {
                    (Some(Ty::Named(t)), true) => self.types[*t].name.clone(),
                    _ => v.name.clone(),
                })
                .collect();
            let unknown = u.unknown.clone();
            let mut scope = NameScope::with_reserved(&[unknown.as_str()]);
            let names: Vec<String> = names
                .iter()
                .map(|name| {
                    let short = name.strip_prefix(own.as_str()).filter(|s| !s.is_empty()).unwrap_or(name);
                    let short = short.strip_suffix(own.as_str()).filter(|s| !s.is_empty()).unwrap_or(short);
                    let short = if short.starts_with(|c: char| c.is_ascii_uppercase()) { short } else { name.as_str() };
                    scope.claim(short)
                })
                .collect();
            if let TypeKind::Union(u) = &mut self.types[id].kind {
                for (v, name) in u.variants.iter_mut().zip(names) {
                    v.name = name;
                }
            }
        }
    }

    /// Boxes union arms much bigger than a pointer, so a union costs little more than its
    /// discriminant plus the largest small arm.
    fn box_large_arms(&mut self) {
        const MAX_INLINE_ARM: usize = 96;
        for id in 0..self.types.len() {
            let TypeKind::Union(u) = &self.types[id].kind else { continue };
            let large: Vec<bool> = u
                .variants
                .iter()
                .map(|v| v.ty.as_ref().is_some_and(|t| estimated_size(&self.types, t, 0) > MAX_INLINE_ARM))
                .collect();
            if let TypeKind::Union(u) = &mut self.types[id].kind {
                for (v, large) in u.variants.iter_mut().zip(large) {
                    v.boxed |= large;
                }
            }
        }
    }

    /// Boxes the fields and arms through which a type contains itself (Tarjan's SCCs over
    /// "contains without indirection" edges: `Vec` and maps already allocate).
    fn box_cycles(&mut self) {
        fn direct(ty: &Ty, out: &mut Vec<TypeId>) {
            match ty {
                Ty::Named(id) => out.push(*id),
                Ty::Option(inner) => direct(inner, out),
                Ty::Tuple(items) => items.iter().for_each(|t| direct(t, out)),
                _ => {}
            }
        }
        let edges: Vec<Vec<TypeId>> = self
            .types
            .iter()
            .map(|def| {
                let mut out = Vec::new();
                match &def.kind {
                    TypeKind::Struct(s) => s.fields.iter().for_each(|f| direct(&f.ty, &mut out)),
                    TypeKind::Union(u) => {
                        u.variants.iter().filter_map(|v| v.ty.as_ref()).for_each(|t| direct(t, &mut out))
                    }
                    TypeKind::Alias(t) => direct(t, &mut out),
                    TypeKind::Enum(_) => {}
                }
                out
            })
            .collect();
        let component = strongly_connected(&edges);
        // An edge inside a strongly connected component closes a cycle (a self-reference
        // is a component of one with an edge to itself).
        let in_cycle = |from: TypeId, ty: &Ty| {
            let mut targets = Vec::new();
            direct(ty, &mut targets);
            targets.iter().any(|t| component[*t] == component[from])
        };
        for id in 0..self.types.len() {
            let mut kind = std::mem::replace(&mut self.types[id].kind, TypeKind::Alias(Ty::Json));
            match &mut kind {
                TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| f.boxed = in_cycle(id, &f.ty)),
                TypeKind::Union(u) => {
                    u.variants.iter_mut().for_each(|v| v.boxed = v.ty.as_ref().is_some_and(|t| in_cycle(id, t)))
                }
                _ => {}
            }
            self.types[id].kind = kind;
        }
    }
}

/// Rough size in bytes of a value of `ty` on a 64-bit target (only used to decide boxing).
fn estimated_size(types: &[TypeDef], ty: &Ty, depth: usize) -> usize {
    if depth > 8 {
        return 8;
    }
    match ty {
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| match (f.boxed, f.presence) {
                    (true, _) => 8,
                    (false, Presence::Required) => estimated_size(types, &f.ty, depth + 1),
                    (false, _) => estimated_size(types, &f.ty, depth + 1) + 8,
                })
                .sum::<usize>()
                .max(1),
            TypeKind::Enum(_) => 24,
            TypeKind::Union(_) => 32,
            TypeKind::Alias(t) => estimated_size(types, t, depth + 1),
        },
        Ty::String | Ty::Vec(_) | Ty::Map(..) | Ty::Bytes => 24,
        Ty::Integer | Ty::Number => 8,
        Ty::Boolean => 1,
        Ty::Uuid => 16,
        Ty::DateTime => 12,
        Ty::Date => 4,
        Ty::Json => 32,
        Ty::Tuple(items) => items.iter().map(|t| estimated_size(types, t, depth + 1)).sum(),
        Ty::Option(inner) => estimated_size(types, inner, depth + 1) + 8,
    }
}

/// Every `discriminator.propertyName` among the component schemas and their nested schemas.
fn discriminator_properties(spec: &OpenAPI) -> BTreeSet<String> {
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

/// Tarjan's algorithm, iterative so deep specs cannot overflow the stack.
/// Returns the component index of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_group_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![]]);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[3]);
    }
}
