//! Webhooks: one event per entry of 3.1 `webhooks`, typed by the JSON body its POST sends.

use super::responses::preferred_media;
use super::{path_operations, OpContext, Webhook};
use crate::error::{escape_pointer_token, SpecError};
use crate::ir::types::Ctx;
use crate::names::{self, NameScope};
use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;

impl OpContext<'_, '_, '_> {
    /// 3.1 `webhooks` (lowered to `x-webhooks`): one event per entry, typed by the JSON
    /// body its POST sends.
    pub(super) fn webhooks(&mut self) -> Result<Vec<Webhook>, SpecError> {
        let Some(Value::Object(hooks)) = self.spec.extensions.get("x-webhooks") else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut scope = NameScope::with_reserved(&["Unknown"]);
        for (event, item) in hooks {
            let pointer = format!("/webhooks/{}", escape_pointer_token(event));
            let item: PathItem = serde_json::from_value(item.clone())
                .map_err(|e| SpecError::new(self.file(), &pointer, format!("webhook is not a valid path item: {e}")))?;
            let Some((_, op)) = path_operations(&item).into_iter().next() else { continue };
            let Some(ReferenceOr::Item(body)) = &op.request_body else {
                self.types.warn(&pointer, "webhook without an inline request body: skipped");
                continue;
            };
            let Some((media, content)) = preferred_media(&body.content) else { continue };
            let Some(schema) = &content.schema else { continue };
            let ctx = Ctx::new(
                &format!("Webhook {event} Payload"),
                format!("{pointer}/post/requestBody/content/{}/schema", escape_pointer_token(media)),
            );
            let payload = self.types.ty(schema, &ctx)?;
            let variant = scope.claim(&names::type_name(event));
            out.push(Webhook {
                event: event.clone(),
                marker: variant.clone(),
                variant,
                payload,
                doc: op.description.clone().or_else(|| op.summary.clone()),
            });
        }
        Ok(out)
    }
}
