//! Operations → client groups and methods; webhooks → event types. (Filled in by the client work.)

use super::types::TypeBuilder;
use super::Ty;
use crate::error::SpecError;

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub name: String,
}

pub(crate) fn build(_types: &mut TypeBuilder<'_>, _spec: &openapiv3::OpenAPI) -> Result<(Vec<Group>, Vec<Ty>, Vec<Webhook>), SpecError> {
    Ok((Vec::new(), Vec::new(), Vec::new()))
}
