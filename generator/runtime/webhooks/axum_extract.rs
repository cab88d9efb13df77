//! The axum extractor ([`VerifiedWebhook`]) and its rejection.

use std::fmt;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{VerifiedWebhook, WebhookError, WebhookVerifier};

/// Why the axum extractor [`VerifiedWebhook`] refused a request; answers
/// with the matching status and a short plain-text reason.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body could not be read (for example, it exceeds axum's body
    /// limit); answered as axum answers it (400, 413, ...).
    Body(BytesRejection),
    /// The delivery was refused; answered with [`WebhookError::status`].
    Webhook(WebhookError),
}

impl WebhookRejection {
    /// The webhook error, if the body was read and the delivery refused.
    #[must_use]
    pub fn webhook_error(&self) -> Option<&WebhookError> {
        match self {
            Self::Webhook(err) => Some(err),
            Self::Body(_) => None,
        }
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Body(rejection) => write!(f, "webhook body could not be read: {rejection}"),
            Self::Webhook(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Body(rejection) => Some(rejection),
            Self::Webhook(err) => Some(err),
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Body(rejection) => rejection.into_response(),
            Self::Webhook(err) => (err.status(), format!("{err}\n")).into_response(),
        }
    }
}

/// Verifies and decodes the request with the [`WebhookVerifier`] of the
/// application state, against the system clock.
impl<S, T> FromRequest<S> for VerifiedWebhook<T>
where
    S: Send + Sync,
    WebhookVerifier: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = WebhookVerifier::from_ref(state);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state).await.map_err(WebhookRejection::Body)?;
        verifier.verify_delivery(&headers, &body).map_err(WebhookRejection::Webhook)
    }
}
