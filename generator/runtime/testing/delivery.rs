//! Signed webhook deliveries, as Polar's server sends them.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde::Serialize;

use super::super::webhooks::{unix_now, WebhookError, WebhookVerifier, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};

/// A webhook delivery signed the way Polar's server signs it
/// (`server/polar/webhook/tasks.py`): the body is the payload's JSON, and
/// `webhook-signature` is `v1,` and the base64 HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{body}` keyed with the UTF-8 bytes of the whole
/// secret as Polar shows it, `whsec_` included. Send it to the application's webhook
/// route: an application that accepts it accepts what Polar sends.
///
/// ```ignore
/// let delivery = WebhookDelivery::new(SECRET, &polar::webhooks::samples::order_paid())?;
/// let response = http.post(url).headers(delivery.headers()).body(delivery.body().clone()).send().await?;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookDelivery {
    id: String,
    timestamp: i64,
    body: Bytes,
    signature: String,
}

impl WebhookDelivery {
    /// Signs `payload` (a `WebhookEvent`, or one event's payload type) with `secret`, sent
    /// now, with a fresh `webhook-id` (a UUID, as Polar's).
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] for an empty secret.
    ///
    /// # Panics
    ///
    /// If `payload` does not serialize to JSON (the crate's types always do).
    pub fn new(secret: &str, payload: &impl Serialize) -> Result<Self, WebhookError> {
        let mut random = [0_u8; 16];
        random.iter_mut().for_each(|byte| *byte = fastrand::u8(..));
        let id = uuid::Builder::from_random_bytes(random).into_uuid().to_string();
        Self::at(secret, payload, &id, unix_now())
    }

    /// Signs `payload` with `secret` as sent at `timestamp` (unix seconds) with this
    /// `webhook-id`: a delivery to verify with a fixed clock (`verify_at`), or a retry (the
    /// same id, a later timestamp, as Polar retries).
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] for an empty secret.
    ///
    /// # Panics
    ///
    /// If `payload` does not serialize to JSON.
    pub fn at(secret: &str, payload: &impl Serialize, id: &str, timestamp: i64) -> Result<Self, WebhookError> {
        let body = serde_json::to_vec(payload).unwrap_or_else(|e| panic!("the webhook payload: {e}"));
        Self::from_body(secret, body, id, timestamp)
    }

    /// Signs `body` as it is (any bytes: a payload of your own, a malformed one), like
    /// [`at`](Self::at).
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] for an empty secret.
    pub fn from_body(secret: &str, body: impl Into<Bytes>, id: &str, timestamp: i64) -> Result<Self, WebhookError> {
        let body = body.into();
        // Polar's server hands `base64(secret)` to its Standard Webhooks library, which
        // decodes it back: the key is the secret's UTF-8 bytes, whatever its form.
        let signature = WebhookVerifier::from_raw_secret(secret)?.sign(id, timestamp, &body);
        Ok(Self { id: id.to_owned(), timestamp, body, signature })
    }

    /// The `webhook-id` header.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `webhook-timestamp` header, unix seconds.
    #[must_use]
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// The body: the payload's JSON, as signed.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The `webhook-signature` header (`v1,<base64>`).
    #[must_use]
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The headers Polar sends: `content-type: application/json`, `user-agent: polar.sh
    /// webhooks`, `webhook-id`, `webhook-timestamp` and `webhook-signature`.
    ///
    /// # Panics
    ///
    /// If the id is not a valid header value (one given to [`at`](Self::at)).
    #[must_use]
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = |text: &str| HeaderValue::from_str(text).unwrap_or_else(|_| panic!("{text:?} is no header value"));
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(http::header::USER_AGENT, HeaderValue::from_static("polar.sh webhooks"));
        headers.insert(HEADER_ID, value(&self.id));
        headers.insert(HEADER_TIMESTAMP, value(&self.timestamp.to_string()));
        headers.insert(HEADER_SIGNATURE, value(&self.signature));
        headers
    }

    /// The delivery as a `POST` to `uri`, for a framework's in-process test client (a
    /// `tower::Service`, axum's `Router`).
    ///
    /// # Panics
    ///
    /// If `uri` is not a valid URI.
    #[must_use]
    pub fn request(&self, uri: &str) -> http::Request<Bytes> {
        let mut request = http::Request::new(self.body.clone());
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri.parse().unwrap_or_else(|_| panic!("{uri:?} is not a URI"));
        *request.headers_mut() = self.headers();
        request
    }
}
