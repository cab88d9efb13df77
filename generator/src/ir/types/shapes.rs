//! The Rust type a schema becomes: a type expression (primitives, `Vec`, tuples, maps,
//! `Option` for nullable schemas), or a definition interned as an inline type (structs from
//! `properties` or merged `allOf` parts, string enums; unions are in `unions`).

use super::schema::{
    allows_null, const_string, defines_type, doc_of, examples_of, facts_of, is_string_enum, view, View,
};
use super::{Ctx, TypeBuilder};
use crate::error::{escape_pointer_token, SpecError};
use crate::ir::{EnumDef, EnumVariant, Field, Presence, StructDef, Ty, TypeKind};
use crate::names::{self, NameScope};
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;
use std::collections::VecDeque;

impl TypeBuilder<'_> {
    /// The shape a named schema gets: a struct, enum or union definition, else an alias.
    pub(super) fn definition(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeKind, SpecError> {
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
        let tag_required = tag.as_ref().is_some_and(|(key, _)| required.contains(key));
        Ok(StructDef { fields, tag, tag_required, patch: false, constructor: false, default: false })
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
}
