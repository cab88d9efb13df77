//! Parameters: path-level and operation-level ones merged, their types, the encoding each
//! gets from OpenAPI's style table (`ParamEncoding`: a query parameter's `QueryEncoding`,
//! a path, header or cookie parameter's style, `explode` and `ValueForm`; the helpers that
//! decide it: `query_text`, `scalar`, `holds_object`, `deep_object_defined`,
//! `style_defined`); and path templates parsed against the path parameters.

use super::{
    OpContext, Param, ParamEncoding, ParamLocation, ParamStyle, PathPart, QueryEncoding, StyledEncoding, ValueForm,
};
use crate::error::SpecError;
use crate::ir::types::Ctx;
use crate::ir::{Ty, TypeDef, TypeKind};
use crate::names::{self, NameScope};
use openapiv3::{
    Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem, PathStyle, QueryStyle, ReferenceOr,
    Schema, SchemaKind,
};

/// A parameter's `style` as the spec gives it: a query style, or an RFC 6570 one (headers
/// are `simple`, cookies `form`).
enum Style {
    Query(QueryStyle),
    Styled(ParamStyle),
}

/// Whether `name` is not a header name HTTP allows (RFC 9110 `token`): the runtime refuses
/// such a request instead of panicking.
fn invalid_header_name(name: &str) -> bool {
    name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

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

/// Whether `ty` is a scalar with a text form: a primitive (not `any`) or a string enum.
fn scalar(types: &[TypeDef], ty: &Ty) -> bool {
    match ty {
        Ty::String | Ty::Integer | Ty::Number | Ty::Boolean | Ty::Uuid | Ty::DateTime | Ty::Date => true,
        Ty::Named(id) => matches!(types[*id].kind, TypeKind::Enum(_)),
        _ => false,
    }
}

/// Whether OpenAPI's style table defines `ty`: a scalar, a list of scalars, an object (struct
/// or map) of scalar properties, or a union each of whose arms is one of those.
fn style_defined(types: &[TypeDef], ty: &Ty, depth: usize) -> bool {
    let property = |ty: &Ty| match ty {
        Ty::Option(inner) => scalar(types, inner) || matches!(**inner, Ty::Json),
        ty => scalar(types, ty) || matches!(ty, Ty::Json),
    };
    if depth > 32 {
        return false;
    }
    match ty {
        Ty::Vec(item) => scalar(types, item),
        Ty::Map(_, value) => property(value),
        Ty::Option(inner) => style_defined(types, inner, depth + 1),
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Enum(_) => true,
            TypeKind::Struct(s) => s.fields.iter().all(|f| property(&f.ty)),
            TypeKind::Alias(inner) => style_defined(types, inner, depth + 1),
            TypeKind::Union(u) => {
                u.variants.iter().all(|v| v.ty.as_ref().is_none_or(|t| style_defined(types, t, depth + 1)))
            }
        },
        _ => scalar(types, ty) || matches!(ty, Ty::Json),
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
            let data = param.parameter_data_ref();
            // OpenAPI's default `explode` is true for `form` and false for every other style.
            let (location, style) = match &param {
                Parameter::Path { style, .. } => (
                    ParamLocation::Path,
                    Style::Styled(match style {
                        PathStyle::Simple => ParamStyle::Simple,
                        PathStyle::Label => ParamStyle::Label,
                        PathStyle::Matrix => ParamStyle::Matrix,
                    }),
                ),
                Parameter::Query { style, .. } => (ParamLocation::Query, Style::Query(style.clone())),
                Parameter::Header { .. } => (ParamLocation::Header, Style::Styled(ParamStyle::Simple)),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, Style::Styled(ParamStyle::Form)),
            };
            let form = matches!(style, Style::Query(QueryStyle::Form) | Style::Styled(ParamStyle::Form));
            let explode = data.explode.unwrap_or(form);
            if location == ParamLocation::Header {
                if ["accept", "content-type", "authorization"].contains(&data.name.to_ascii_lowercase().as_str()) {
                    self.types.warn(
                        &param_pointer,
                        format!(
                            "header parameter `{}` ignored, as OpenAPI says: the client sets it (use \
                             `RequestOptions::header` to override it)",
                            data.name
                        ),
                    );
                    continue;
                }
                if invalid_header_name(&data.name) {
                    self.types.warn(
                        &param_pointer,
                        format!(
                            "header parameter `{}` is not a valid HTTP header name: a request that sets it fails \
                             with `ErrorKind::InvalidRequest`",
                            data.name.escape_debug()
                        ),
                    );
                }
            }
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
            let encoding = match style {
                Style::Query(query_style) => ParamEncoding::Query(self.query_encoding(
                    &data.name,
                    &ty,
                    query_style,
                    data.explode,
                    from_content,
                    &param_pointer,
                )),
                Style::Styled(style) => {
                    let value = if from_content {
                        ValueForm::Json
                    } else {
                        self.value_form(&data.name, &ty, style, &param_pointer)
                    };
                    ParamEncoding::Styled(StyledEncoding { style, explode, value })
                }
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

    /// How a query parameter of type `ty` becomes pairs, with a warning where OpenAPI leaves
    /// the combination undefined.
    fn query_encoding(
        &mut self,
        name: &str,
        ty: &Ty,
        style: QueryStyle,
        explode_given: Option<bool>,
        from_content: bool,
        pointer: &str,
    ) -> QueryEncoding {
        if from_content {
            return QueryEncoding::Json;
        }
        let explode = explode_given.unwrap_or(style == QueryStyle::Form);
        let types = &self.types.types;
        // Objects have no text form of their own: their properties become the pairs.
        let is_object = matches!(ty, Ty::Named(id) if matches!(types[*id].kind, TypeKind::Struct(_) | TypeKind::Union(_)))
            || matches!(ty, Ty::Map(..));
        let text = query_text(types, ty, 0);
        let deep_defined = deep_object_defined(types, ty);
        let defined = style_defined(types, ty, 0);
        // The separator of the styles that send a list or an object in one pair.
        let separator = match style {
            QueryStyle::Form if explode => None,
            QueryStyle::Form => Some(','),
            QueryStyle::SpaceDelimited => Some(' '),
            QueryStyle::PipeDelimited => Some('|'),
            QueryStyle::DeepObject => {
                if matches!(ty, Ty::Map(_, value) if query_text(types, value, 0)) {
                    return QueryEncoding::DeepObjectEntries;
                }
                if !deep_defined {
                    self.types.warn(
                        pointer,
                        format!(
                            "`style: deepObject` defines objects of scalar properties only; `{name}` can hold \
                             nested objects, lists of objects or a non-object value: sent in bracket notation \
                             (`{name}[key][sub]=value`, `{name}[0][key]=value`, a scalar as `{name}=value`), \
                             as Stripe, Rails and PHP parse it"
                        ),
                    );
                }
                return QueryEncoding::DeepObject;
            }
        };
        let style_name = match style {
            QueryStyle::SpaceDelimited => "spaceDelimited",
            QueryStyle::PipeDelimited => "pipeDelimited",
            _ => "form",
        };
        if separator.is_some_and(|s| s != ',') && explode_given == Some(true) {
            self.types.warn(
                pointer,
                format!(
                    "OpenAPI does not define `explode: true` for `{style_name}`: `{name}` is sent as without it, \
                     in one pair"
                ),
            );
        }
        match separator {
            _ if text && !matches!(ty, Ty::Vec(item) if !matches!(**item, Ty::Vec(_))) => QueryEncoding::Form,
            // `explode: false` / space- or pipe-delimited lists of scalars: `ids=1,2`.
            Some(separator) if text => QueryEncoding::Delimited(separator),
            None if text => QueryEncoding::Form,
            None if is_object => QueryEncoding::FormObject,
            Some(separator) if is_object => {
                if !defined {
                    self.warn_nested(name, style_name, pointer);
                }
                QueryEncoding::DelimitedObject(separator)
            }
            _ => {
                // Arrays of objects (and other nestings): OpenAPI's `form` style defines
                // lists of scalars only.
                self.types.warn(
                    pointer,
                    format!(
                        "query parameter `{name}` holds objects inside a list, which OpenAPI's `form` style \
                         does not define: sent in bracket notation (`{name}[0][key]=value`), as Stripe, \
                         Rails and PHP parse it"
                    ),
                );
                QueryEncoding::DeepObject
            }
        }
    }

    /// How a path, header or cookie parameter of type `ty` is read, with a warning where
    /// OpenAPI leaves it undefined.
    fn value_form(&mut self, name: &str, ty: &Ty, style: ParamStyle, pointer: &str) -> ValueForm {
        let types = &self.types.types;
        if scalar(types, ty) {
            return ValueForm::Text;
        }
        if matches!(ty, Ty::Vec(item) if scalar(types, item)) {
            return ValueForm::List;
        }
        if !style_defined(&self.types.types, ty, 0) {
            let style = match style {
                ParamStyle::Simple => "simple",
                ParamStyle::Label => "label",
                ParamStyle::Matrix => "matrix",
                ParamStyle::Form => "form",
            };
            self.warn_nested(name, style, pointer);
        }
        ValueForm::Serialized
    }

    fn warn_nested(&mut self, name: &str, style: &str, pointer: &str) {
        self.types.warn(
            pointer,
            format!(
                "`style: {style}` defines scalars, lists of scalars and objects of scalar properties; `{name}` \
                 can hold a list or an object inside a list or an object, which is sent as its text (list items \
                 comma-separated, an object as JSON)"
            ),
        );
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
            encoding: ParamEncoding::Styled(StyledEncoding {
                style: ParamStyle::Simple,
                explode: false,
                value: ValueForm::Text,
            }),
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
