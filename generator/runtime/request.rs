//! The description of one HTTP request, as built by generated code.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;

use super::client::{SecretString, SecurityScheme};
use super::error::Error;
use super::query::{encode_query, push_deep_object, push_query, ParamStyle, ParamValue, QueryText, QueryValue};
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
    /// percent-encoded by [`encode_path_segment`](super::encode_path_segment)
    /// or [`ParamValue::path`].
    pub path: String,
    /// Query pairs, in order, not yet percent-encoded (see
    /// [`query_string`](Self::query_string)).
    pub query: Vec<(String, QueryText)>,
    /// The body.
    pub body: Body,
    /// The `Accept` header value, if any.
    pub accept: Option<&'static str>,
    /// The security schemes accepted by the operation, in order of
    /// preference; empty for no authentication.
    pub security: &'static [SecurityScheme],
    /// Per-request overrides.
    pub options: RequestOptions,
    /// Cookie parameters, sent in the `Cookie` header.
    pub(crate) cookies: Cookies,
}

/// The `name=value` pairs of cookie parameters, already encoded, by parameter
/// name. Only the names are shown: cookies may be credentials.
#[derive(Default)]
pub(crate) struct Cookies(Vec<(String, String)>);

impl Cookies {
    fn text(&self) -> String {
        let pairs: Vec<&str> = self.0.iter().map(|(_, pairs)| pairs.as_str()).collect();
        pairs.join("; ")
    }

    /// The `Cookie` header: the cookie parameters after `existing` (an API
    /// key cookie); `None` without cookie parameters, `Err` if it is not a
    /// valid header value.
    pub(crate) fn header(&self, existing: Option<&HeaderValue>) -> Option<Result<HeaderValue, ()>> {
        if self.0.is_empty() {
            return None;
        }
        let text = match existing.map(HeaderValue::to_str) {
            Some(Ok(existing)) => format!("{existing}; {}", self.text()),
            _ => self.text(),
        };
        Some(HeaderValue::try_from(text).map_err(|_| ()).map(|mut value| {
            value.set_sensitive(true);
            value
        }))
    }
}

impl fmt::Debug for Cookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter().map(|(name, _)| name)).finish()
    }
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
            cookies: Cookies::default(),
        }
    }

    /// Adds the query pairs of parameter `name` (see [`push_query`]):
    /// nothing for `None`, one pair per item for lists.
    #[must_use]
    pub fn query<V: QueryValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        let mut pairs = Vec::new();
        push_query(&mut pairs, name, value);
        self.push_plain(pairs);
        self
    }

    /// Adds the query pairs of parameter `name` in `style` (see
    /// [`ParamValue::push_query`]): `color=blue,black,brown` for a list in
    /// `form` style without `explode`, `color%5BR%5D=100&...` for
    /// `deepObject`.
    #[must_use]
    pub fn query_param(mut self, name: &str, value: &ParamValue, style: ParamStyle, explode: bool) -> Self {
        value.push_query(name, style, explode, &mut self.query);
        self
    }

    /// The query string as the client sends it (before any API key it adds):
    /// `a=1&color=blue,black,brown` (see [`encode_query`]).
    #[must_use]
    pub fn query_string(&self) -> String {
        encode_query(&self.query)
    }

    /// Adds header parameter `name` with `value` (the text of
    /// [`ParamValue::header`], or a string).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`](super::ErrorKind::InvalidRequest) if
    /// `name` is not a valid header name or `value` not a valid header value
    /// (a line break, another control character).
    pub fn header_param(self, name: &str, value: &str) -> Result<Self, Error> {
        let op = self.operation_id;
        let shown = || name.chars().take(64).collect::<String>().escape_debug().to_string();
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::invalid_request(op, format!("header parameter `{}` is not a valid header name", shown()))
        })?;
        let value = HeaderValue::try_from(value)
            .map_err(|_| Error::invalid_request(op, format!("header `{}` is not a valid header value", shown())))?;
        Ok(self.header(header, value))
    }

    /// Adds cookie parameter `name` (`form` style, see [`ParamValue::cookie`]).
    /// The client sends cookie parameters in one `Cookie` header, after an
    /// API key cookie.
    #[must_use]
    pub fn cookie_param(mut self, name: &str, value: &ParamValue, explode: bool) -> Self {
        self.cookies.0.push((name.to_owned(), value.cookie(name, explode)));
        self
    }

    /// The cookie parameters as sent in the `Cookie` header:
    /// `color=blue,black,brown; size=L` (empty without any).
    #[must_use]
    pub fn cookies(&self) -> String {
        self.cookies.text()
    }

    /// Adds a `style: deepObject` parameter (see [`push_deep_object`]).
    #[must_use]
    pub fn deep_object<'a, K, V, I>(mut self, name: &str, entries: I) -> Self
    where
        K: AsRef<str> + 'a + ?Sized,
        V: QueryValue + 'a + ?Sized,
        I: IntoIterator<Item = (&'a K, &'a V)>,
    {
        let mut pairs = Vec::new();
        push_deep_object(&mut pairs, name, entries);
        self.push_plain(pairs);
        self
    }

    /// Adds plain pairs (no separators): the one non-generic step of the generic adders.
    fn push_plain(&mut self, pairs: Vec<(String, String)>) {
        self.query.extend(pairs.into_iter().map(|(name, value)| (name, QueryText::from(value))));
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
        assert_eq!(req.query, vec![("a".to_owned(), QueryText::from("1"))]);
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
    fn header_parameters_never_panic() {
        let req = Request::new("op", Method::GET, "/", "/").header_param("X-Color", "blue,black").unwrap();
        assert_eq!(req.options.headers, [(HeaderName::from_static("x-color"), HeaderValue::from_static("blue,black"))]);
        // Names HTTP does not allow, and values with line breaks: errors, not panics.
        for name in ["X Bad Header", "", "x:y", "é", "a\nb"] {
            let err = Request::new("op", Method::GET, "/", "/").header_param(name, "v").unwrap_err();
            assert_eq!(err.operation(), "op");
            assert!(err.to_string().contains("is not a valid header name"), "{err}");
        }
        let err = Request::new("op", Method::GET, "/", "/").header_param("X-Ok", "a\r\nSet-Cookie: x").unwrap_err();
        assert!(err.to_string().contains("header `X-Ok` is not a valid header value"), "{err}");
        // A long hostile name is shown clipped and escaped.
        let name = format!("{}\n", "x ".repeat(500));
        let err = Request::new("op", Method::GET, "/", "/").header_param(&name, "v").unwrap_err();
        assert!(err.to_string().len() < 300, "{err}");
    }

    #[test]
    fn cookie_parameters_share_one_header() {
        let req = Request::new("op", Method::GET, "/", "/")
            .cookie_param("color", &ParamValue::list(&["blue", "black"]), false)
            .cookie_param("size", &ParamValue::text("L"), true);
        assert_eq!(req.cookies(), "color=blue,black; size=L");
        let header = req.cookies.header(None).unwrap().unwrap();
        assert_eq!(header, "color=blue,black; size=L");
        assert!(header.is_sensitive());
        // After an API key cookie the client set.
        let merged = req.cookies.header(Some(&HeaderValue::from_static("session=k1"))).unwrap().unwrap();
        assert_eq!(merged, "session=k1; color=blue,black; size=L");
        // No cookie parameters: the client's header stays as it is.
        assert!(Request::new("op", Method::GET, "/", "/").cookies.header(None).is_none());
        // Debug shows the names only.
        let req = Request::new("op", Method::GET, "/", "/").cookie_param("session", &ParamValue::text("hunter2"), true);
        let shown = format!("{req:?}");
        assert!(!shown.contains("hunter2") && shown.contains("session"), "{shown}");
    }

    #[test]
    fn styled_query_parameters() {
        let req = Request::new("op", Method::GET, "/", "/")
            .query("a", "x,y")
            .query_param("color", &ParamValue::list(&["blue", "a,b"]), ParamStyle::Form, false)
            .query_param("p", &ParamValue::list(&["blue", "black"]), ParamStyle::PipeDelimited, false);
        assert_eq!(req.query_string(), "a=x%2Cy&color=blue,a%2Cb&p=blue%7Cblack");
        assert_eq!(req.query[1].1, "blue,a,b");
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
