//! Responses: what an operation returns on success (one kind, or an enum by status) and
//! the `Accept` that asks for it, which error bodies it documents (indices into the shared
//! `ApiErrorBody` arms), page streams for the lists the profile's page shape marks, and the
//! media type a client uses (also for request bodies and webhooks).

use super::{OpContext, Pagination, Param, ParamLocation, ResponseKind, StatusArm, StatusResponses};
use crate::error::{escape_pointer_token, SpecError};
use crate::ir::types::Ctx;
use crate::ir::{Presence, Ty, TypeKind};
use openapiv3::{Operation as SpecOperation, ReferenceOr, Response, StatusCode};

impl ResponseKind {
    /// This kind, or the kinds of its arms when it is `ByStatus`.
    pub fn kinds(&self) -> Vec<&ResponseKind> {
        match self {
            ResponseKind::ByStatus(r) => r.arms.iter().map(|a| &a.kind).collect(),
            kind => vec![kind],
        }
    }

    /// The media type to ask for in `Accept`, if the response has a body.
    pub fn accept(&self) -> Option<String> {
        match self {
            ResponseKind::Json(_) => Some("application/json".to_owned()),
            ResponseKind::Text(m) | ResponseKind::Bytes(m) => Some(m.clone()),
            ResponseKind::Empty => None,
            ResponseKind::ByStatus(r) => {
                // Each media type once, in arm order.
                let mut media: Vec<String> = Vec::new();
                for m in r.arms.iter().filter_map(|a| a.kind.accept()) {
                    if !media.contains(&m) {
                        media.push(m);
                    }
                }
                (!media.is_empty()).then(|| media.join(", "))
            }
        }
    }
}

impl OpContext<'_, '_, '_> {
    pub(super) fn responses(
        &mut self,
        op: &SpecOperation,
        builder: &str,
        pointer: &str,
    ) -> Result<(ResponseKind, Vec<(u16, usize)>), SpecError> {
        let mut success: Vec<StatusArm> = Vec::new();
        let mut errors = Vec::new();
        let mut entries: Vec<(u16, String, &ReferenceOr<Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| match code {
                StatusCode::Code(c) => (*c, c.to_string(), r),
                StatusCode::Range(r100) => (*r100, format!("{r100}XX"), r),
            })
            .collect();
        if let Some(default) = &op.responses.default {
            entries.push((0, "default".to_owned(), default));
        }
        // With several success responses, inline bodies are named by status
        // (`ItemsCreateCreatedResponse`): `ItemsCreateResponse` is the enum of them.
        let successes = entries.iter().filter(|(code, _, _)| is_success(*code)).count();
        for (code, label, response) in entries {
            let response_pointer = format!("{pointer}/responses/{label}");
            let response = self.resolve_response(response, &response_pointer)?.clone();
            let media = preferred_media(&response.content);
            if is_success(code) {
                let inline_name = match successes {
                    1 => format!("{builder} Response"),
                    _ => format!("{builder} {} Response", status_variant(code)),
                };
                let kind = match media {
                    None => ResponseKind::Empty,
                    Some((m, content)) if is_json(m) => match &content.schema {
                        Some(schema) => {
                            let ctx = Ctx::operation(
                                &inline_name,
                                format!("{response_pointer}/content/{}/schema", escape_pointer_token(m)),
                            );
                            ResponseKind::Json(self.types.ty(schema, &ctx)?)
                        }
                        None => ResponseKind::Json(Ty::Json),
                    },
                    Some((m, _)) if m.starts_with("text/") => ResponseKind::Text(m.to_owned()),
                    Some((m, _)) => ResponseKind::Bytes(m.to_owned()),
                };
                let description = Some(response.description.trim()).filter(|d| !d.is_empty()).map(str::to_owned);
                success.push(StatusArm { status: code, variant: status_variant(code), label, description, kind });
                continue;
            }
            let Some((m, content)) = media else { continue };
            let Some(schema) = content.schema.as_ref().filter(|_| is_json(m)) else { continue };
            let ctx = Ctx::operation(
                &format!("{builder} {label} Error"),
                format!("{response_pointer}/content/{}/schema", escape_pointer_token(m)),
            );
            let ty = self.types.ty(schema, &ctx)?;
            let ty = match ty {
                Ty::Option(inner) => *inner,
                ty => ty,
            };
            if !matches!(ty, Ty::Named(_)) {
                self.types.warn(&response_pointer, "error body is not a named type: kept as raw bytes");
                continue;
            }
            let index = match self.error_bodies.iter().position(|t| *t == ty) {
                Some(i) => i,
                None => {
                    self.error_bodies.push(ty);
                    self.error_bodies.len() - 1
                }
            };
            errors.push((code, index));
        }
        if op.responses.responses.is_empty() && op.responses.default.is_none() {
            // Nothing documented (3.1 made `responses` optional): the raw response.
            self.types.warn(
                pointer,
                "operation documents no responses: it returns the raw response (status, headers and body bytes)",
            );
            return Ok((ResponseKind::Bytes("*/*".to_owned()), errors));
        }
        Ok((success_kind(success, builder), errors))
    }

    fn resolve_response<'r>(
        &'r self,
        response: &'r ReferenceOr<Response>,
        pointer: &str,
    ) -> Result<&'r Response, SpecError> {
        match response {
            ReferenceOr::Item(r) => Ok(r),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|name| self.spec.components.as_ref()?.responses.get(name));
                match found {
                    Some(ReferenceOr::Item(r)) => Ok(r),
                    _ => Err(SpecError::new(
                        self.file(),
                        pointer,
                        format!("response `$ref: {reference}` does not resolve"),
                    )
                    .with_hint("responses may reference `#/components/responses/<name>` only")),
                }
            }
        }
    }

    /// Page streams for an operation the profile's [`PageShape`] marks, when its page
    /// parameter and response fit the shape (else the operation is a plain list).
    pub(super) fn pagination(
        &self,
        op: &SpecOperation,
        response: &ResponseKind,
        params: &[Param],
    ) -> Option<Pagination> {
        let shape = self.page_shape?;
        if !shape.markers.iter().any(|marker| op.extensions.contains_key(marker)) {
            return None;
        }
        let ResponseKind::Json(Ty::Named(id)) = response else { return None };
        let page = params.iter().find(|p| {
            p.location == ParamLocation::Query && p.wire_name == shape.page_param && !p.required && p.ty == Ty::Integer
        })?;
        let (items, items_ty) = self.field_path(*id, std::slice::from_ref(&shape.items))?;
        let Ty::Vec(item) = items_ty else { return None };
        let (last_page, last_ty) = self.field_path(*id, &shape.last_page)?;
        if last_ty != Ty::Integer {
            return None;
        }
        let total = match &shape.total {
            Some(path) => match self.field_path(*id, path)? {
                (total, Ty::Integer) => Some(total),
                _ => return None,
            },
            None => None,
        };
        Some(Pagination { item: *item, page: page.name.clone(), items, last_page, total })
    }

    /// The Rust field names along the JSON properties `path` from struct `id`, and the type
    /// at its end; `None` when a property is missing, optional or not a struct on the way.
    fn field_path(&self, mut id: usize, path: &[String]) -> Option<(Vec<String>, Ty)> {
        let mut names = Vec::new();
        let mut last = None;
        for (i, property) in path.iter().enumerate() {
            let TypeKind::Struct(s) = &self.types.types[id].kind else { return None };
            let field = s.fields.iter().find(|f| f.json_name == *property && f.presence == Presence::Required)?;
            names.push(field.name.clone());
            if i + 1 < path.len() {
                let Ty::Named(next) = &field.ty else { return None };
                id = *next;
            } else {
                last = Some(field.ty.clone());
            }
        }
        last.map(|ty| (names, ty))
    }
}

pub(super) fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim();
    media == "application/json" || media.ends_with("+json")
}

/// The media type a client uses: JSON first, then form, then whatever comes first.
pub(super) fn preferred_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| content.iter().find(|(m, _)| *m == "application/x-www-form-urlencoded"))
        .or_else(|| content.iter().next())
        .map(|(m, c)| (m.as_str(), c))
}

/// One kind when every success response has the same body (or there is none);
/// otherwise an enum by status, exact codes before the `2XX` range.
fn success_kind(mut arms: Vec<StatusArm>, builder: &str) -> ResponseKind {
    match arms.as_slice() {
        [] => ResponseKind::Empty,
        [one] => one.kind.clone(),
        _ if arms.iter().all(|a| a.kind == arms[0].kind) => arms.swap_remove(0).kind,
        _ => {
            arms.sort_by_key(|a| (a.status < 100, a.status));
            // Renamed if taken in `avoid_type_names`.
            ResponseKind::ByStatus(StatusResponses { type_name: format!("{builder}Response"), arms })
        }
    }
}

/// A `2xx` code or the `2XX` range (`2`).
fn is_success(code: u16) -> bool {
    (200..300).contains(&code) || code == 2
}

/// `Accepted` for 202: the status's reason phrase, or `Status299` when it has none.
fn status_variant(code: u16) -> String {
    let name = match code {
        2 => "Success",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        _ => return format!("Status{code}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(status: u16, kind: ResponseKind) -> StatusArm {
        StatusArm { status, label: status.to_string(), variant: status_variant(status), description: None, kind }
    }

    #[test]
    fn accept_names_each_media_type_once_in_arm_order() {
        let by_status = ResponseKind::ByStatus(StatusResponses {
            type_name: "R".to_owned(),
            arms: vec![
                arm(200, ResponseKind::Json(Ty::Json)),
                arm(201, ResponseKind::Text("text/csv".to_owned())),
                arm(202, ResponseKind::Json(Ty::String)),
                arm(204, ResponseKind::Empty),
            ],
        });
        assert_eq!(by_status.accept().as_deref(), Some("application/json, text/csv"));
        let empty = ResponseKind::ByStatus(StatusResponses {
            type_name: "R".to_owned(),
            arms: vec![arm(204, ResponseKind::Empty)],
        });
        assert_eq!(empty.accept(), None);
        assert_eq!(status_variant(202), "Accepted");
        assert_eq!(status_variant(299), "Status299");
    }
}
