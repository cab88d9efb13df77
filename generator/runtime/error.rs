//! The error type returned by every operation.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// An error from one API operation.
///
/// It always names the operation that failed (its OpenAPI `operationId`,
/// e.g. `organizations:create`) and carries an [`ErrorKind`] with the details.
/// Neither [`Display`](fmt::Display) nor [`Debug`] ever show credentials.
///
/// `Display` is one line a person can act on: the operation, the status and,
/// when the server said why, its message (`detail`, `error_description`, or
/// the `loc`/`msg` of validation errors), shortened. `Debug` shows at most
/// [`DEBUG_BODY_LIMIT`] bytes of a response body and says how many it left out.
#[derive(Debug)]
pub struct Error {
    operation: &'static str,
    kind: Box<ErrorKind>,
}

/// How many bytes of a response body the `Debug` output of an [`ErrorKind`] shows.
pub const DEBUG_BODY_LIMIT: usize = 512;

/// How many characters of the server's message `Display` shows.
const MESSAGE_LIMIT: usize = 200;

/// What went wrong in an [`Error`].
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with a documented error status. `body` is its
    /// typed body, or `ApiErrorBody::Unrecognized` when the body matches none
    /// of the documented schemas (e.g. an OAuth-style
    /// `{"error":"invalid_token"}` for a documented 401); `raw` has the bytes.
    Api {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The decoded error body.
        body: crate::ApiErrorBody,
        /// The undecoded response body.
        raw: Bytes,
    },
    /// The server answered with a status the API description does not
    /// document for this operation.
    UnexpectedStatus {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The undecoded response body.
        body: Bytes,
    },
    /// The response body could not be decoded into the documented type.
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The JSON path at which decoding failed, e.g.
        /// `items[3].customer.email` (`.` for the document root, empty when
        /// the body is not JSON).
        path: String,
        /// What the decoder reported.
        message: String,
        /// The undecoded response body.
        raw: Bytes,
    },
    /// The response body is larger than the client's
    /// [`max_response_size`](super::ClientBuilder::max_response_size); it was
    /// not read further.
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The limit, in bytes.
        limit: usize,
    },
    /// An attempt did not complete within its timeout, or the request's total
    /// time budget (see [`RetryPolicy::max_elapsed`](super::RetryPolicy::max_elapsed))
    /// ran out.
    Timeout,
    /// No connection could be made to the server (DNS, TCP or TLS failure):
    /// the request never reached it.
    Connect(reqwest::Error),
    /// Any other transport failure (connection reset, broken response...).
    Transport(reqwest::Error),
    /// The request could not be built: a bad base URL, a body that failed
    /// to serialize, an invalid header, an empty path parameter...
    InvalidRequest(String),
}

impl Error {
    /// Creates an error for `operation`.
    pub fn new(operation: &'static str, kind: ErrorKind) -> Self {
        Self { operation, kind: Box::new(kind) }
    }

    /// Shorthand for an [`ErrorKind::InvalidRequest`] error.
    pub fn invalid_request(operation: &'static str, message: impl Into<String>) -> Self {
        Self::new(operation, ErrorKind::InvalidRequest(message.into()))
    }

    /// The `operationId` of the operation that failed.
    #[must_use]
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Consumes the error and returns what went wrong.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        *self.kind
    }

    /// The HTTP status of the response, if the server answered.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match &*self.kind {
            ErrorKind::Api { status, .. }
            | ErrorKind::UnexpectedStatus { status, .. }
            | ErrorKind::Decode { status, .. }
            | ErrorKind::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, if the server answered with an error status (or
    /// a body too large to read).
    #[must_use]
    pub fn headers(&self) -> Option<&HeaderMap> {
        match &*self.kind {
            ErrorKind::Api { headers, .. }
            | ErrorKind::UnexpectedStatus { headers, .. }
            | ErrorKind::ResponseTooLarge { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// Whether the same request may succeed if tried again later: a timeout,
    /// a connection or transport failure, or a `429`, `502`, `503` or `504`
    /// status. The client already retried it per its
    /// [`RetryPolicy`](super::RetryPolicy); this is for retrying later, or
    /// by a queue. See also [`retry_after`](Self::retry_after).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match &*self.kind {
            ErrorKind::Timeout | ErrorKind::Connect(_) => true,
            ErrorKind::Transport(e) => !e.is_builder() && !e.is_redirect(),
            ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status, .. } => {
                matches!(status.as_u16(), 429 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// How long the server asked to wait before trying again: its
    /// `Retry-After` header (seconds or an HTTP date), if it sent one.
    #[must_use]
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        super::retry::retry_after(self.headers()?, std::time::SystemTime::now())
    }

    /// The undecoded response body, if the server answered.
    #[must_use]
    pub fn raw_body(&self) -> Option<&Bytes> {
        match &*self.kind {
            ErrorKind::Api { raw, .. }
            | ErrorKind::Decode { raw, .. }
            | ErrorKind::UnexpectedStatus { body: raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// The typed error body, if the server answered with a documented error
    /// status.
    #[must_use]
    pub fn api_body(&self) -> Option<&crate::ApiErrorBody> {
        match &*self.kind {
            ErrorKind::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether an attempt timed out.
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(*self.kind, ErrorKind::Timeout)
    }

    /// Whether no connection could be made to the server.
    #[must_use]
    pub fn is_connect(&self) -> bool {
        matches!(*self.kind, ErrorKind::Connect(_))
    }
}

/// Writes `HTTP 422 Unprocessable Entity`.
fn fmt_status(f: &mut fmt::Formatter<'_>, status: StatusCode) -> fmt::Result {
    write!(f, "HTTP {}", status.as_u16())?;
    if let Some(reason) = status.canonical_reason() {
        write!(f, " {reason}")?;
    }
    Ok(())
}

/// The server's own explanation in a JSON error body, shortened: FastAPI's
/// `detail` (a string, or validation errors' `loc` and `msg`), OAuth's
/// `error` and `error_description`, or a `message`.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    use serde_json::Value;
    let json: Value = serde_json::from_slice(body).ok()?;
    let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let message = if let Some(detail) = text("detail") {
        detail.to_owned()
    } else if let Some(items) = json.get("detail").and_then(Value::as_array).filter(|items| !items.is_empty()) {
        let shown: Vec<String> = items
            .iter()
            .take(3)
            .map(|item| {
                let loc = item.get("loc").and_then(Value::as_array).map(|parts| {
                    parts.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect::<Vec<_>>()
                });
                let msg = item.get("msg").and_then(Value::as_str).unwrap_or("invalid");
                match loc {
                    Some(parts) if !parts.is_empty() => format!("{}: {msg}", parts.join(".")),
                    _ => msg.to_owned(),
                }
            })
            .collect();
        let more = items.len() - shown.len();
        let mut joined = shown.join("; ");
        if more > 0 {
            joined.push_str(&format!(" (and {more} more)"));
        }
        joined
    } else if let Some(description) = text("error_description") {
        match text("error") {
            Some(code) => format!("{code}: {description}"),
            None => description.to_owned(),
        }
    } else {
        text("error").or_else(|| text("message"))?.to_owned()
    };
    Some(shorten(&message, MESSAGE_LIMIT))
}

/// `text` on one line, cut to `limit` characters with `…`.
fn shorten(text: &str, limit: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= limit {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(limit).collect();
    cut.push('…');
    cut
}

/// Writes `: <server message>` if the body has one, and the hint of a 401.
fn fmt_server_said(f: &mut fmt::Formatter<'_>, status: StatusCode, body: &[u8]) -> fmt::Result {
    if let Some(message) = server_message(body) {
        write!(f, ": {message}")?;
    }
    if status == StatusCode::UNAUTHORIZED {
        f.write_str(
            " (the access token was refused: it may be expired or revoked, or belong to the other \
             environment, since sandbox and production tokens are distinct)",
        )?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match &*self.kind {
            ErrorKind::Api { status, raw, .. } => {
                fmt_status(f, *status)?;
                fmt_server_said(f, *status, raw)
            }
            ErrorKind::UnexpectedStatus { status, body, .. } => {
                fmt_status(f, *status)?;
                f.write_str(" (undocumented status)")?;
                fmt_server_said(f, *status, body)
            }
            ErrorKind::Decode { status, path, message, .. } => {
                f.write_str("cannot decode ")?;
                fmt_status(f, *status)?;
                if path.is_empty() {
                    write!(f, " response body: {message}")
                } else {
                    write!(f, " response body at `{path}`: {message}")
                }
            }
            ErrorKind::ResponseTooLarge { status, limit, .. } => {
                fmt_status(f, *status)?;
                write!(
                    f,
                    " response body is larger than the limit of {limit} bytes \
                     (see `ClientBuilder::max_response_size`)"
                )
            }
            ErrorKind::Timeout => f.write_str("request timed out"),
            ErrorKind::Connect(_) => f.write_str("cannot connect to the server"),
            ErrorKind::Transport(_) => f.write_str("HTTP transport error"),
            ErrorKind::InvalidRequest(message) => write!(f, "invalid request: {message}"),
        }
    }
}

/// A response body in `Debug` output: at most [`DEBUG_BODY_LIMIT`] bytes.
struct ClippedBody<'a>(&'a Bytes);

impl fmt::Debug for ClippedBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.0;
        if body.len() <= DEBUG_BODY_LIMIT {
            return write!(f, "{:?}", String::from_utf8_lossy(body));
        }
        let shown = String::from_utf8_lossy(&body[..DEBUG_BODY_LIMIT]);
        write!(f, "{shown:?}... ({} of {} bytes not shown)", body.len() - DEBUG_BODY_LIMIT, body.len())
    }
}

impl fmt::Debug for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Api { status, headers, body, raw } => f
                .debug_struct("Api")
                .field("status", status)
                .field("headers", headers)
                .field("body", body)
                .field("raw", &ClippedBody(raw))
                .finish(),
            ErrorKind::UnexpectedStatus { status, headers, body } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("headers", headers)
                .field("body", &ClippedBody(body))
                .finish(),
            ErrorKind::Decode { status, path, message, raw } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("path", path)
                .field("message", message)
                .field("raw", &ClippedBody(raw))
                .finish(),
            ErrorKind::ResponseTooLarge { status, headers, limit } => f
                .debug_struct("ResponseTooLarge")
                .field("status", status)
                .field("headers", headers)
                .field("limit", limit)
                .finish(),
            ErrorKind::Timeout => f.write_str("Timeout"),
            ErrorKind::Connect(e) => f.debug_tuple("Connect").field(e).finish(),
            ErrorKind::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            ErrorKind::InvalidRequest(message) => f.debug_tuple("InvalidRequest").field(message).finish(),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            ErrorKind::Connect(e) | ErrorKind::Transport(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_operation_and_status() {
        let e = Error::new(
            "organizations:create",
            ErrorKind::UnexpectedStatus {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"{}"),
            },
        );
        assert_eq!(e.to_string(), "organizations:create: HTTP 422 Unprocessable Entity (undocumented status)");
        assert_eq!(e.operation(), "organizations:create");
        assert_eq!(e.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(e.raw_body().map(|b| &b[..]), Some(&b"{}"[..]));
    }

    #[test]
    fn display_decode_names_path() {
        let e = Error::new(
            "orders:list",
            ErrorKind::Decode {
                status: StatusCode::OK,
                path: "items[3].customer.email".into(),
                message: "invalid type: integer `3`, expected a string".into(),
                raw: Bytes::new(),
            },
        );
        assert_eq!(
            e.to_string(),
            "orders:list: cannot decode HTTP 200 OK response body at `items[3].customer.email`: \
             invalid type: integer `3`, expected a string"
        );
    }

    fn status_error(status: u16, body: &'static str) -> Error {
        Error::new(
            "op",
            ErrorKind::UnexpectedStatus {
                status: StatusCode::from_u16(status).unwrap(),
                headers: HeaderMap::new(),
                body: Bytes::from_static(body.as_bytes()),
            },
        )
    }

    #[test]
    fn display_includes_the_server_message_shortened() {
        let e = status_error(404, r#"{"error":"ResourceNotFound","detail":"Not found"}"#);
        assert_eq!(e.to_string(), "op: HTTP 404 Not Found (undocumented status): Not found");
        let e = status_error(
            422,
            r#"{"detail":[{"loc":["body","email"],"msg":"value is not a valid email address","type":"x"},
                {"loc":["query","limit",0],"msg":"too big"}]}"#,
        );
        assert_eq!(
            e.to_string(),
            "op: HTTP 422 Unprocessable Entity (undocumented status): body.email: value is not a valid \
             email address; query.limit.0: too big"
        );
        let long = format!(r#"{{"detail":"{}"}}"#, "word ".repeat(100));
        let shown = status_error(400, Box::leak(long.into_boxed_str())).to_string();
        assert!(shown.ends_with('…'), "{shown}");
        assert!(shown.chars().count() < 260, "{shown}");
        assert_eq!(
            status_error(500, "<html>oops</html>").to_string(),
            "op: HTTP 500 Internal Server Error (undocumented status)"
        );
    }

    #[test]
    fn unauthorized_says_what_to_check() {
        let e = status_error(401, r#"{"error":"invalid_token","error_description":"The access token is invalid."}"#);
        let shown = e.to_string();
        assert!(shown.contains("invalid_token: The access token is invalid."), "{shown}");
        assert!(shown.contains("sandbox and production"), "{shown}");
    }

    #[test]
    fn debug_clips_large_bodies() {
        let body = "x".repeat(5 * 1024 * 1024);
        let e = status_error(500, Box::leak(body.into_boxed_str()));
        let shown = format!("{e:?}");
        assert!(shown.len() < 2 * DEBUG_BODY_LIMIT, "{} chars", shown.len());
        assert!(
            shown.contains(&format!("{} of {} bytes not shown", 5 * 1024 * 1024 - DEBUG_BODY_LIMIT, 5 * 1024 * 1024)),
            "{shown}"
        );
        let small = format!("{:?}", status_error(500, "tiny"));
        assert!(small.contains("\"tiny\""), "{small}");
    }

    #[test]
    fn retryable_and_retry_after() {
        assert!(Error::new("op", ErrorKind::Timeout).is_retryable());
        assert!(status_error(503, "").is_retryable());
        assert!(status_error(429, "").is_retryable());
        assert!(!status_error(500, "").is_retryable());
        assert!(!status_error(404, "").is_retryable());
        assert!(!Error::invalid_request("op", "bad").is_retryable());
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, reqwest::header::HeaderValue::from_static("7"));
        let e = Error::new(
            "op",
            ErrorKind::UnexpectedStatus { status: StatusCode::TOO_MANY_REQUESTS, headers, body: Bytes::new() },
        );
        assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert_eq!(status_error(429, "").retry_after(), None);
    }

    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Send + Sync + 'static + std::error::Error>() {}
        check::<Error>();
    }

    #[test]
    fn no_status_for_local_errors() {
        let e = Error::new("op", ErrorKind::Timeout);
        assert!(e.is_timeout());
        assert_eq!(e.status(), None);
        assert_eq!(e.to_string(), "op: request timed out");
        let e = Error::invalid_request("op", "bad");
        assert_eq!(e.to_string(), "op: invalid request: bad");
        assert!(std::error::Error::source(&e).is_none());
    }
}
