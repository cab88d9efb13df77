//! Parameters: path-level and operation-level ones merged, their types, the query encoding
//! each gets (and the helpers that decide it: `query_text`, `holds_object`,
//! `deep_object_defined`); and path templates parsed against the path parameters.

use super::{OpContext, Param, ParamLocation, PathPart, QueryEncoding};
use crate::error::SpecError;
use crate::ir::types::Ctx;
use crate::ir::{Ty, TypeDef, TypeKind};
use crate::names::{self, NameScope};
use openapiv3::{
    Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, Schema,
    SchemaKind,
};

/// Whether values of `ty` have a text form: the runtime's `QueryValue` (scalars, string
/// enums, lists of them, unions whose arms all have one), so a `form` parameter of it is
/// sent as `name=text` pairs. Objects, maps and tuples have none.
pub fn query_text(types: &[TypeDef], ty: &Ty, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match ty {
        Ty::String | Ty::Integer | Ty::Number | Ty::Boolean | Ty::Uuid | Ty::DateTime | Ty::Date | Ty::Json => true,
        Ty::Bytes | Ty::Map(..) | Ty::Tuple(_) => false,
        Ty::Vec(inner) | Ty::Option(inner) => query_text(types, inner, depth + 1),
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Enum(_) => true,
            TypeKind::Struct(_) => false,
            TypeKind::Alias(inner) => query_text(types, inner, depth + 1),
            // A boxed arm is a `Box<T>`, which has no `QueryValue`.
            TypeKind::Union(u) => {
                u.variants.iter().all(|v| !v.boxed && v.ty.as_ref().is_none_or(|t| query_text(types, t, depth + 1)))
            }
        },
    }
}

/// Whether `ty` can hold an object (a struct, a map, a union with such an arm).
fn holds_object(types: &[TypeDef], ty: &Ty, depth: usize) -> bool {
    if depth > 32 {
        return true;
    }
    match ty {
        Ty::Map(..) | Ty::Tuple(_) => true,
        Ty::Vec(inner) | Ty::Option(inner) => holds_object(types, inner, depth + 1),
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Enum(_) => false,
            TypeKind::Struct(_) => true,
            TypeKind::Alias(inner) => holds_object(types, inner, depth + 1),
            TypeKind::Union(u) => {
                u.variants.iter().any(|v| v.ty.as_ref().is_some_and(|t| holds_object(types, t, depth + 1)))
            }
        },
        _ => false,
    }
}

/// Whether OpenAPI defines `style: deepObject` for `ty`: an object (struct or map) whose
/// values hold no further objects (lists of scalars repeat the key, the common reading).
fn deep_object_defined(types: &[TypeDef], ty: &Ty) -> bool {
    match ty {
        Ty::Map(_, value) => !holds_object(types, value, 0),
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Struct(s) => s.fields.iter().all(|f| !holds_object(types, &f.ty, 0)),
            TypeKind::Alias(inner) => deep_object_defined(types, inner),
            _ => false,
        },
        _ => false,
    }
}

impl OpContext<'_, '_, '_> {
    pub(super) fn params(
        &mut self,
        item: &PathItem,
        op: &SpecOperation,
        builder: &str,
        pointer: &str,
        item_pointer: &str,
    ) -> Result<Vec<Param>, SpecError> {
        // Operation parameters override path-level ones with the same name and location.
        let mut merged: Vec<(Parameter, String)> = Vec::new();
        let sources = item.parameters.iter().enumerate().map(|(i, p)| (p, format!("{item_pointer}/parameters/{i}")));
        let own = op.parameters.iter().enumerate().map(|(i, p)| (p, format!("{pointer}/parameters/{i}")));
        for (param, param_pointer) in sources.chain(own) {
            let param = self.resolve_parameter(param, &param_pointer)?;
            let key = |p: &Parameter| (p.parameter_data_ref().name.clone(), std::mem::discriminant(p));
            merged.retain(|(p, _)| key(p) != key(&param));
            merged.push((param, param_pointer));
        }
        // Setters share the builder's namespace with the methods and fields every builder has.
        let mut scope = NameScope::with_reserved(names::builder_reserved());
        let mut out = Vec::new();
        for (param, param_pointer) in merged {
            let (location, encoding) = match &param {
                Parameter::Path { .. } => (ParamLocation::Path, QueryEncoding::Form),
                Parameter::Query { style: QueryStyle::DeepObject, .. } => {
                    (ParamLocation::Query, QueryEncoding::DeepObject)
                }
                Parameter::Query { style: QueryStyle::SpaceDelimited, .. } => {
                    (ParamLocation::Query, QueryEncoding::Delimited(' '))
                }
                Parameter::Query { style: QueryStyle::PipeDelimited, .. } => {
                    (ParamLocation::Query, QueryEncoding::Delimited('|'))
                }
                Parameter::Query { parameter_data, .. } if parameter_data.explode == Some(false) => {
                    (ParamLocation::Query, QueryEncoding::Delimited(','))
                }
                Parameter::Query { .. } => (ParamLocation::Query, QueryEncoding::Form),
                Parameter::Header { .. } => (ParamLocation::Header, QueryEncoding::Form),
                Parameter::Cookie { .. } => {
                    self.types.warn(
                        &param_pointer,
                        "cookie parameters are not supported: set the cookie with `RequestOptions::header`",
                    );
                    continue;
                }
            };
            let data = param.parameter_data_ref();
            let from_content = matches!(data.format, ParameterSchemaOrContent::Content(_));
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schema.clone(),
                ParameterSchemaOrContent::Content(content) => {
                    match content.values().next().and_then(|m| m.schema.clone()) {
                        Some(schema) => schema,
                        None => {
                            self.types.warn(&param_pointer, "parameter without a schema: sent as a string");
                            ReferenceOr::Item(Schema {
                                schema_data: Default::default(),
                                schema_kind: SchemaKind::Type(openapiv3::Type::String(Default::default())),
                            })
                        }
                    }
                }
            };
            let ctx = Ctx::operation(&format!("{builder} {}", data.name), format!("{param_pointer}/schema"));
            let ty = self.param_ty(&schema, &ctx)?;
            // A parameter's own optionality is the setter's `Option`; look through aliases
            // (`MetadataQuery = Option<BTreeMap<..>>`) so encoding sees the real shape.
            let ty = self.types.resolve_alias(&ty);
            let ty = match ty {
                Ty::Option(inner) => self.types.resolve_alias(&inner),
                ty => ty,
            };
            // Objects have no text form of their own: their properties become the pairs.
            let is_object = matches!(&ty, Ty::Named(id) if matches!(self.types.types[*id].kind, TypeKind::Struct(_) | TypeKind::Union(_)));
            let types = &self.types.types;
            let text = query_text(types, &ty, 0);
            let encoding = match (location, encoding) {
                (ParamLocation::Query, _) if from_content => QueryEncoding::Json,
                (ParamLocation::Query, QueryEncoding::Form) if text => QueryEncoding::Form,
                // `explode: false` / space- or pipe-delimited lists of scalars: `ids=1,2`.
                (ParamLocation::Query, QueryEncoding::Delimited(sep)) if text => match &ty {
                    Ty::Vec(item) if !matches!(**item, Ty::Vec(_)) => QueryEncoding::Delimited(sep),
                    _ => QueryEncoding::Form,
                },
                (ParamLocation::Query, QueryEncoding::Form | QueryEncoding::Delimited(_))
                    if is_object || matches!(ty, Ty::Map(..)) =>
                {
                    QueryEncoding::FormObject
                }
                (ParamLocation::Query, QueryEncoding::Form | QueryEncoding::Delimited(_)) => {
                    // Arrays of objects (and other nestings): OpenAPI's `form` style defines
                    // lists of scalars only.
                    let name = &data.name;
                    self.types.warn(
                        &param_pointer,
                        format!(
                            "query parameter `{name}` holds objects inside a list, which OpenAPI's `form` style \
                             does not define: sent in bracket notation (`{name}[0][key]=value`), as Stripe, \
                             Rails and PHP parse it"
                        ),
                    );
                    QueryEncoding::DeepObject
                }
                (ParamLocation::Query, QueryEncoding::DeepObject) if matches!(&ty, Ty::Map(_, value) if query_text(types, value, 0)) => {
                    QueryEncoding::DeepObjectEntries
                }
                (ParamLocation::Query, QueryEncoding::DeepObject) => {
                    if !deep_object_defined(types, &ty) {
                        let name = &data.name;
                        self.types.warn(
                            &param_pointer,
                            format!(
                                "`style: deepObject` defines objects of scalar properties only; `{name}` can hold \
                                 nested objects, lists of objects or a non-object value: sent in bracket notation \
                                 (`{name}[key][sub]=value`, `{name}[0][key]=value`, a scalar as `{name}=value`), \
                                 as Stripe, Rails and PHP parse it"
                            ),
                        );
                    }
                    QueryEncoding::DeepObject
                }
                (ParamLocation::Path | ParamLocation::Header, _) if is_object || from_content => {
                    self.types.warn(&param_pointer, "object-valued path/header parameter: sent as JSON text");
                    QueryEncoding::Json
                }
                (_, encoding) => encoding,
            };
            out.push(Param {
                name: scope.claim(&names::snake_name(&data.name)),
                wire_name: data.name.clone(),
                location,
                encoding,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone(),
            });
        }
        Ok(out)
    }

    /// Parameter types, with Polar's "one or many" filters (`anyOf: [T, array<T>]`)
    /// collapsed to `Vec<T>`: a single value is a one-element list on the wire.
    fn param_ty(&mut self, schema: &ReferenceOr<Schema>, ctx: &Ctx) -> Result<Ty, SpecError> {
        if let ReferenceOr::Item(s) = schema {
            if let SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of } = &s.schema_kind {
                if any_of.len() == 2 {
                    let one = self.types.ty(&any_of[0], ctx)?;
                    let many = self.types.ty(&any_of[1], ctx)?;
                    if many == Ty::Vec(Box::new(one.clone())) && !matches!(one, Ty::Vec(_)) {
                        let vec = Ty::Vec(Box::new(one));
                        return Ok(if s.schema_data.nullable { Ty::Option(Box::new(vec)) } else { vec });
                    }
                }
            }
        }
        self.types.ty(schema, ctx)
    }

    fn resolve_parameter(&self, param: &ReferenceOr<Parameter>, pointer: &str) -> Result<Parameter, SpecError> {
        match param {
            ReferenceOr::Item(p) => Ok(p.clone()),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|name| self.spec.components.as_ref()?.parameters.get(name));
                match found {
                    Some(ReferenceOr::Item(p)) => Ok(p.clone()),
                    _ => Err(SpecError::new(
                        self.file(),
                        pointer,
                        format!("parameter `$ref: {reference}` does not resolve to a parameter"),
                    )
                    .with_hint("parameters may reference `#/components/parameters/<name>` only")),
                }
            }
        }
    }
}

/// `/v1/orgs/{id}/members` → literal `/v1/orgs/`, parameter `id`, literal `/members`.
/// A placeholder no path parameter declares, or an unclosed `{`, stays literal text.
pub(super) fn path_template(path: &str, params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
        let name = &rest[open + 1..close];
        match params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            Some(index) => {
                literal.push_str(&rest[..open]);
                if !literal.is_empty() {
                    parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                }
                parts.push(PathPart::Param(index));
            }
            None => literal.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_param(name: &str) -> Param {
        Param {
            name: name.to_owned(),
            wire_name: name.to_owned(),
            location: ParamLocation::Path,
            encoding: QueryEncoding::Form,
            ty: Ty::String,
            required: true,
            doc: None,
        }
    }

    #[test]
    fn path_templates_split_into_literals_and_declared_parameters() {
        let params = [path_param("org"), path_param("id")];
        let lit = |s: &str| PathPart::Literal(s.to_owned());
        assert_eq!(
            path_template("/v1/orgs/{org}/members/{id}", &params),
            [lit("/v1/orgs/"), PathPart::Param(0), lit("/members/"), PathPart::Param(1)]
        );
        assert_eq!(path_template("{id}", &params), [PathPart::Param(1)]);
        // Undeclared placeholders and unclosed braces stay text, merged with their neighbours.
        assert_eq!(
            path_template("/a/{undeclared}/{id}.json", &params),
            [lit("/a/{undeclared}/"), PathPart::Param(1), lit(".json")]
        );
        assert_eq!(path_template("/a/{id", &params), [lit("/a/{id")]);
        assert_eq!(path_template("/", &[]), [lit("/")]);
    }
}
