//! Request bodies: `$ref` resolution, the media type sent and the body's type.

use super::responses::{is_json, preferred_media};
use super::{Body, BodyEncoding, OpContext};
use crate::error::{escape_pointer_token, SpecError};
use crate::ir::types::Ctx;
use crate::ir::Ty;
use openapiv3::{ReferenceOr, RequestBody};

impl OpContext<'_, '_, '_> {
    pub(super) fn body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        builder: &str,
        pointer: &str,
    ) -> Result<Option<Body>, SpecError> {
        let body = match body {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| self.spec.components.as_ref()?.request_bodies.get(name));
                match found {
                    Some(ReferenceOr::Item(b)) => b.clone(),
                    _ => {
                        return Err(SpecError::new(
                            self.file(),
                            pointer,
                            format!("request body `$ref: {reference}` does not resolve"),
                        )
                        .with_hint("request bodies may reference `#/components/requestBodies/<name>` only"))
                    }
                }
            }
        };
        let Some((media, content)) = preferred_media(&body.content) else {
            return Ok(None);
        };
        let media_pointer = format!("{pointer}/content/{}", escape_pointer_token(media));
        let encoding = match media {
            m if is_json(m) => BodyEncoding::Json,
            "application/x-www-form-urlencoded" => BodyEncoding::Form,
            "multipart/form-data" => BodyEncoding::Multipart,
            m if m.starts_with("text/") => BodyEncoding::Text(m.to_owned()),
            m => BodyEncoding::Bytes(m.to_owned()),
        };
        let ty = match (&encoding, &content.schema) {
            (BodyEncoding::Bytes(_), _) => Ty::Bytes,
            (BodyEncoding::Text(_), _) => Ty::String,
            (_, Some(schema)) => {
                self.types.ty(schema, &Ctx::operation(&format!("{builder} Body"), format!("{media_pointer}/schema")))?
            }
            (_, None) => Ty::Json,
        };
        if encoding == BodyEncoding::Multipart {
            self.types.warn(&media_pointer, "multipart bodies are not supported yet: the body is sent as JSON");
        }
        Ok(Some(Body { ty, encoding, required: body.required }))
    }
}
