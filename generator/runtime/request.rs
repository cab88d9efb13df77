//! The description of one HTTP request, as built by generated code.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;

use super::client::{SecretString, SecurityScheme};
use super::error::Error;
use super::query::{push_deep_object, push_query, QueryValue};
use super::retry::RetryPolicy;

/// A request body.
#[derive(Default)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// Serialized JSON, sent as `application/json`.
    Json(Vec<u8>),
    /// An already encoded `application/x-www-form-urlencoded` body.
    Form(String),
    /// Raw bytes with their content type.
    Bytes {
        /// The `Content-Type` header value.
        content_type: &'static str,
        /// The body.
        bytes: Vec<u8>,
    },
    /// Text, sent as `text/plain; charset=utf-8`.
    Text(String),
}

impl Body {
    /// The `Content-Type` this body is sent with, if any.
    #[must_use]
    pub fn content_type(&self) -> Option<&'static str> {
        match self {
            Body::None => None,
            Body::Json(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
            Body::Bytes { content_type, .. } => Some(content_type),
            Body::Text(_) => Some("text/plain; charset=utf-8"),
        }
    }

    /// The body's bytes, if any. Cheap to clone for each attempt.
    pub(crate) fn into_bytes(self) -> Option<bytes::Bytes> {
        match self {
            Body::None => None,
            Body::Json(b) | Body::Bytes { bytes: b, .. } => Some(b.into()),
            Body::Form(s) | Body::Text(s) => Some(s.into()),
        }
    }

    /// The body's length in bytes.
    pub(crate) fn len(&self) -> usize {
        match self {
            Body::None => 0,
            Body::Json(b) | Body::Bytes { bytes: b, .. } => b.len(),
            Body::Form(s) | Body::Text(s) => s.len(),
        }
    }
}

/// Bodies may hold secrets (OAuth client secrets...): only the kind and
/// length are shown.
impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::None => f.write_str("None"),
            _ => write!(f, "{} ({} bytes)", self.content_type().unwrap_or_default(), self.len()),
        }
    }
}

/// Per-request settings that override the client's.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) access_token: Option<SecretString>,
}

impl RequestOptions {
    /// Options that override nothing.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the timeout of each attempt of this request.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the retry policy of this request.
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends this bearer access token instead of the client's, for an
    /// operation that accepts a bearer token (e.g. a customer session token
    /// for the customer portal). Unlike an `Authorization` header, it is not
    /// sent to operations that take no credentials. A token that is not a
    /// valid header value fails the request with
    /// [`ErrorKind::InvalidRequest`](super::ErrorKind::InvalidRequest).
    #[must_use]
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(SecretString::new(token));
        self
    }

    /// Adds a header. It replaces any header of the same name that the client
    /// would set, including `Authorization`.
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Header values may be credentials: only the names are shown.
impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("access_token", &self.access_token)
            .finish()
    }
}

/// One API request, built by a generated operation and sent with
/// [`Client::execute`](super::Client::execute) or one of the `send_*`
/// methods.
///
/// ```ignore
/// let req = Request::new("orders:get", Method::GET, "/v1/orders/{id}",
///         format!("/v1/orders/{}", encode_path_segment(id)))
///     .query("expand", &expand)
///     .accept("application/json")
///     .security(SECURITY);
/// ```
///
/// The client refuses (with [`ErrorKind::InvalidRequest`](super::ErrorKind::InvalidRequest))
/// a `path` whose segment for a `{parameter}` of `path_template` is empty,
/// `.` or `..`, since such a value would address another endpoint.
#[derive(Debug)]
pub struct Request {
    /// The OpenAPI `operationId`, used in errors and tracing.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The OpenAPI path with its `{parameters}`, e.g. `/v1/orders/{id}`.
    pub path_template: &'static str,
    /// The path to request, starting with `/`, with every parameter already
    /// percent-encoded by [`encode_path_segment`](super::encode_path_segment).
    pub path: String,
    /// Query pairs, in order, not yet percent-encoded.
    pub query: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// The `Accept` header value, if any.
    pub accept: Option<&'static str>,
    /// The security schemes accepted by the operation, in order of
    /// preference; empty for no authentication.
    pub security: &'static [SecurityScheme],
    /// Per-request overrides.
    pub options: RequestOptions,
}

impl Request {
    /// A request without query, body, `Accept` or authentication.
    pub fn new(
        operation_id: &'static str,
        method: Method,
        path_template: &'static str,
        path: impl Into<String>,
    ) -> Self {
        Self {
            operation_id,
            method,
            path_template,
            path: path.into(),
            query: Vec::new(),
            body: Body::None,
            accept: None,
            security: &[],
            options: RequestOptions::default(),
        }
    }

    /// Adds the query pairs of parameter `name` (see [`push_query`]):
    /// nothing for `None`, one pair per item for lists.
    #[must_use]
    pub fn query<V: QueryValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        push_query(&mut self.query, name, value);
        self
    }

    /// Adds a `style: deepObject` parameter (see [`push_deep_object`]).
    #[must_use]
    pub fn deep_object<'a, K, V, I>(mut self, name: &str, entries: I) -> Self
    where
        K: AsRef<str> + 'a + ?Sized,
        V: QueryValue + 'a + ?Sized,
        I: IntoIterator<Item = (&'a K, &'a V)>,
    {
        push_deep_object(&mut self.query, name, entries);
        self
    }

    /// Sets a JSON body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`](super::ErrorKind::InvalidRequest) if
    /// `body` cannot be serialized (e.g. a map with non-string keys).
    pub fn json_body<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Body::Json(bytes);
                Ok(self)
            }
            Err(e) => Err(self.body_error(&e)),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from a value that
    /// serializes as a JSON object: each field becomes a pair, lists repeat
    /// the field name, nested objects become `field[key]` pairs and `null`
    /// fields are left out.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`](super::ErrorKind::InvalidRequest) if
    /// `body` cannot be serialized or is not an object.
    pub fn form_body<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        // Fields in declaration order (whatever features serde_json is built with);
        // lists repeat the key.
        match serde_html_form::to_string(body) {
            Ok(encoded) => {
                self.body = Body::Form(encoded);
                Ok(self)
            }
            Err(e) => Err(Error::invalid_request(self.operation_id, format!("cannot encode the form body: {e}"))),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from ordered pairs
    /// (not yet percent-encoded), e.g. collected with [`push_query`].
    #[must_use]
    pub fn form_pairs(mut self, pairs: &[(String, String)]) -> Self {
        self.body = Body::Form(super::query::encode_pairs(pairs));
        self
    }

    /// Sets a `text/plain` body.
    #[must_use]
    pub fn text_body(mut self, text: impl Into<String>) -> Self {
        self.body = Body::Text(text.into());
        self
    }

    /// Sets a raw body with its content type.
    #[must_use]
    pub fn bytes_body(mut self, content_type: &'static str, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Bytes { content_type, bytes: bytes.into() };
        self
    }

    /// Sets the `Accept` header.
    #[must_use]
    pub fn accept(mut self, accept: &'static str) -> Self {
        self.accept = Some(accept);
        self
    }

    /// Sets the accepted security schemes, in order of preference.
    #[must_use]
    pub fn security(mut self, schemes: &'static [SecurityScheme]) -> Self {
        self.security = schemes;
        self
    }

    /// Adds a header (e.g. an OpenAPI header parameter); it replaces any
    /// header of the same name set by the client.
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.options.headers.push((name, value));
        self
    }

    /// Sets the per-request overrides, keeping headers already added with
    /// [`header`](Self::header).
    #[must_use]
    pub fn options(mut self, options: RequestOptions) -> Self {
        let mut headers = std::mem::take(&mut self.options.headers);
        headers.extend(options.headers);
        self.options = RequestOptions { headers, ..options };
        self
    }

    fn body_error(&self, e: &serde_json::Error) -> Error {
        Error::invalid_request(self.operation_id, format!("cannot serialize the request body: {e}"))
    }
}

/// Checks that no `{parameter}` segment of `template` is empty, `.` or `..`
/// (also percent-encoded) in `path`, and that both have as many segments.
pub(crate) fn check_path(template: &str, path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err("the path must start with '/'".to_owned());
    }
    if !template.contains('{') {
        return Ok(());
    }
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Ok(()),
            (Some(ts), Some(ps)) => {
                if ts.contains('{') && is_unsafe_segment(ps) {
                    return Err(format!("path parameter in `{template}` must not be empty, '.' or '..'"));
                }
            }
            _ => return Err(format!("the path does not match `{template}`")),
        }
    }
}

fn is_unsafe_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(lower.as_str(), "" | "." | "%2e" | ".." | ".%2e" | "%2e." | "%2e%2e")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_helpers() {
        #[derive(Serialize)]
        struct Form<'a> {
            grant_type: &'a str,
            scope: Vec<&'a str>,
            client_secret: Option<&'a str>,
        }
        let req = Request::new("oauth2:token", Method::POST, "/v1/oauth2/token", "/v1/oauth2/token")
            .query("a", &1i64)
            .query("b", &None::<String>)
            .form_body(&Form { grant_type: "client credentials", scope: vec!["x", "y"], client_secret: None })
            .unwrap()
            .accept("application/json");
        assert_eq!(req.query, vec![("a".to_owned(), "1".to_owned())]);
        match &req.body {
            Body::Form(s) => assert_eq!(s, "grant_type=client+credentials&scope=x&scope=y"),
            other => panic!("unexpected body {other:?}"),
        }
        assert_eq!(req.body.content_type(), Some("application/x-www-form-urlencoded"));
        let err = Request::new("op", Method::POST, "/", "/").form_body(&[1, 2]).unwrap_err();
        assert_eq!(err.operation(), "op");
    }

    #[test]
    fn json_body_errors_name_the_operation() {
        let mut bad = std::collections::HashMap::new();
        bad.insert((1, 2), 3);
        let err = Request::new("things:create", Method::POST, "/t", "/t").json_body(&bad).unwrap_err();
        assert_eq!(err.operation(), "things:create");
        assert!(err.to_string().starts_with("things:create: invalid request:"));
        let ok = Request::new("op", Method::POST, "/t", "/t").json_body(&serde_json::json!({"a": 1})).unwrap();
        match ok.body {
            Body::Json(b) => assert_eq!(b, br#"{"a":1}"#),
            other => panic!("unexpected body {other:?}"),
        }
    }

    #[test]
    fn debug_hides_bodies_and_header_values() {
        let req = Request::new("op", Method::POST, "/t", "/t")
            .text_body("client_secret=hunter2")
            .header(HeaderName::from_static("x-secret"), HeaderValue::from_static("hunter2"));
        let shown = format!("{req:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("x-secret"), "{shown}");
        assert!(shown.contains("21 bytes"), "{shown}");
    }

    #[test]
    fn options_keep_earlier_headers() {
        let req = Request::new("op", Method::GET, "/t", "/t")
            .header(HeaderName::from_static("a"), HeaderValue::from_static("1"))
            .options(
                RequestOptions::new()
                    .timeout(Duration::from_secs(1))
                    .header(HeaderName::from_static("b"), HeaderValue::from_static("2")),
            );
        assert_eq!(req.options.headers.len(), 2);
        assert_eq!(req.options.timeout, Some(Duration::from_secs(1)));
    }

    #[test]
    fn path_checks() {
        let t = "/v1/orders/{id}";
        assert!(check_path(t, "/v1/orders/abc").is_ok());
        assert!(check_path(t, "/v1/orders/a%2Fb").is_ok());
        assert!(check_path(t, "/v1/orders/...").is_ok());
        for bad in ["/v1/orders/", "/v1/orders/.", "/v1/orders/..", "/v1/orders/%2E%2e", "/v1/orders/.%2E"] {
            assert!(check_path(t, bad).is_err(), "{bad}");
        }
        assert!(check_path(t, "/v1/orders/a/b").is_err());
        assert!(check_path(t, "v1/orders/a").is_err());
        assert!(check_path("/v1/orders/", "/v1/orders/").is_ok());
        assert!(check_path("/v1/files/{id}/uploaded", "/v1/files/x/uploaded").is_ok());
        assert!(check_path("/v1/files/{id}/uploaded", "/v1/files//uploaded").is_err());
    }
}
