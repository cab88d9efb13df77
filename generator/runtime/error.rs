//! The error type returned by every operation.

use std::fmt;

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::StatusCode;

use super::transport::{TransportError, TransportErrorKind};

/// An error from one API operation.
///
/// It always names the operation that failed (its OpenAPI `operationId`,
/// e.g. `organizations:create`) and carries an [`ErrorKind`] with the details.
/// `B` is the type documented error bodies decode into: each generated API (or
/// API version) has its own, named `ApiErrorBody`, and names this type
/// `Error` (`pub type Error = runtime::Error<ApiErrorBody>`). Errors of requests
/// sent without an error table ([`Client::execute`](super::Client::execute))
/// have [`NoBody`] and convert into any `Error<B>` with `?`.
/// Neither [`Display`](fmt::Display) nor [`Debug`] ever show credentials.
///
/// `Display` is one line a person can act on: the operation, the status and,
/// when the server said why, its message (`detail`, `error_description`, or
/// the `loc`/`msg` of validation errors), shortened. `Debug` shows at most
/// [`DEBUG_BODY_LIMIT`] bytes of a response body, raw or decoded, and says
/// that it left the rest out. No rendering of an error grows with the size of
/// the response: every text that comes from the server is clipped.
#[derive(Debug)]
pub struct Error<B = NoBody> {
    operation: &'static str,
    kind: Box<ErrorKind<B>>,
    /// What the client saw before the final failure; `None` for most errors.
    context: Option<Box<Context>>,
}

/// What an [`Error`] knows beyond its [`ErrorKind`]: the circumstances of a
/// failure after retries, or of a redirect loop.
#[derive(Debug, Default)]
struct Context {
    /// The status and `Retry-After` header of the last response an earlier
    /// attempt received, when the final failure is not itself a response.
    last_response: Option<(StatusCode, Option<HeaderValue>)>,
    /// The total time budget that ran out (`RetryPolicy::max_elapsed`).
    budget: Option<Duration>,
    /// Where a request that was redirected too often started (without query).
    redirected_from: Option<String>,
}

/// The error body type of requests that document none: nothing ever has this type, so
/// an [`ErrorKind::Api`] of it cannot exist. `Error<NoBody>` converts into any
/// `Error<B>` (`From`), so such errors pass through `?` in functions returning an
/// API's `Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoBody {}

/// The typed error bodies of an API (a generated `ApiErrorBody`): what
/// [`ErrorKind::Api`] carries.
pub trait ErrorBody: fmt::Debug + Send + Sync + 'static {
    /// The body of a documented error status that matches none of the status's
    /// schemas: where decoding stopped (`path`) and why (`message`).
    fn unrecognized(path: String, message: String) -> Self;
}

impl<B: ErrorBody> From<Error<NoBody>> for Error<B> {
    fn from(e: Error<NoBody>) -> Self {
        let kind = match *e.kind {
            ErrorKind::Api { body, .. } => match body {},
            ErrorKind::UnexpectedStatus { status, headers, body } => {
                ErrorKind::UnexpectedStatus { status, headers, body }
            }
            ErrorKind::Decode { status, path, message, raw } => ErrorKind::Decode { status, path, message, raw },
            ErrorKind::ResponseTooLarge { status, headers, limit } => {
                ErrorKind::ResponseTooLarge { status, headers, limit }
            }
            ErrorKind::Timeout => ErrorKind::Timeout,
            ErrorKind::Connect(e) => ErrorKind::Connect(e),
            ErrorKind::Transport(e) => ErrorKind::Transport(e),
            ErrorKind::InvalidRequest(message) => ErrorKind::InvalidRequest(message),
            ErrorKind::Pagination { page, reason } => ErrorKind::Pagination { page, reason },
            ErrorKind::VersionNotServed { version, newer, status, headers } => {
                ErrorKind::VersionNotServed { version, newer, status, headers }
            }
            #[cfg(feature = "blocking")]
            ErrorKind::Blocking(message) => ErrorKind::Blocking(message),
        };
        Error { operation: e.operation, kind: Box::new(kind), context: e.context }
    }
}

/// How many bytes of a response body the `Debug` output of an [`ErrorKind`] shows.
pub const DEBUG_BODY_LIMIT: usize = 512;

/// How many characters of the server's message `Display` shows.
const MESSAGE_LIMIT: usize = 200;

/// How many characters of a decoder's message, a JSON path or a request error
/// `Display` and `Debug` show (they may quote values from the response).
const DETAIL_LIMIT: usize = 300;

/// What went wrong in an [`Error`].
#[non_exhaustive]
pub enum ErrorKind<B = NoBody> {
    /// The server answered with a documented error status. `body` is its
    /// typed body, or the body type's `Unrecognized` arm
    /// ([`ErrorBody::unrecognized`]) when the body matches none of the
    /// documented schemas (e.g. an OAuth-style `{"error":"invalid_token"}` for
    /// a documented 401); `raw` has the bytes.
    Api {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The decoded error body.
        body: B,
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
    /// ran out. When earlier attempts got answers (say, `503`s being retried),
    /// [`Error::last_status`] and [`Error::retry_after`] tell what the server said.
    Timeout,
    /// No connection could be made to the server (DNS, TCP or TLS failure):
    /// the request never reached it.
    Connect(TransportError),
    /// Any other failure of the transport (connection reset, broken response,
    /// too many redirects...); [`TransportError::kind`] tells which.
    Transport(TransportError),
    /// The request could not be built: a bad base URL, a body that failed
    /// to serialize, an invalid header, an empty path parameter...
    InvalidRequest(String),
    /// A page stream stopped because the server's pages are inconsistent: a
    /// page repeated the one before it (a server that ignores the page
    /// number), or more items arrived than the server's `total_count`. The
    /// items yielded before are correct; the rest of the list was not read.
    Pagination {
        /// The page number whose response was refused.
        page: i64,
        /// Why the stream stopped.
        reason: String,
    },
    /// The server does not serve the API version the request asked for (its
    /// version header, e.g. `Polar-Version`): it answered `404` without
    /// echoing the version header it sets on every response it serves. The
    /// API retires old versions; use a newer version of the client.
    VersionNotServed {
        /// The version the request asked for.
        version: String,
        /// The newer versions this crate speaks, oldest first (empty: update the crate).
        newer: Vec<&'static str>,
        /// The HTTP status of the response (`404`).
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
    },
    /// A blocking call (`send_blocking` and the other `*_blocking` methods, cargo
    /// feature `blocking`) was refused before anything was sent: it was made on a
    /// thread that is running an async runtime, where blocking would stall that
    /// runtime's tasks (`.await` the request there instead), or the client's runtime
    /// thread could not be started. Holds the reason.
    #[cfg(feature = "blocking")]
    Blocking(String),
}

impl<B> Error<B> {
    /// Creates an error for `operation`.
    pub fn new(operation: &'static str, kind: ErrorKind<B>) -> Self {
        Self { operation, kind: Box::new(kind), context: None }
    }

    fn context_mut(&mut self) -> &mut Context {
        self.context.get_or_insert_with(Box::default)
    }

    /// Records the last response an earlier attempt received (the final
    /// failure is not a response: a timeout, a failed connection).
    pub(crate) fn with_last_response(mut self, status: StatusCode, headers: &HeaderMap) -> Self {
        self.context_mut().last_response = Some((status, headers.get(RETRY_AFTER).cloned()));
        self
    }

    /// Records that the total time budget `budget` ran out.
    pub(crate) fn with_budget_exhausted(mut self, budget: Duration) -> Self {
        self.context_mut().budget = Some(budget);
        self
    }

    /// Records where a request that was redirected too often started.
    pub(crate) fn with_redirect_start(mut self, url: &reqwest::Url) -> Self {
        let mut start = url.clone();
        start.set_query(None);
        start.set_fragment(None);
        self.context_mut().redirected_from = Some(start.to_string());
        self
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
    pub fn kind(&self) -> &ErrorKind<B> {
        &self.kind
    }

    /// Consumes the error and returns what went wrong.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind<B> {
        *self.kind
    }

    /// The HTTP status of the response, if the server answered.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match &*self.kind {
            ErrorKind::Api { status, .. }
            | ErrorKind::UnexpectedStatus { status, .. }
            | ErrorKind::Decode { status, .. }
            | ErrorKind::ResponseTooLarge { status, .. }
            | ErrorKind::VersionNotServed { status, .. } => Some(*status),
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
            | ErrorKind::ResponseTooLarge { headers, .. }
            | ErrorKind::VersionNotServed { headers, .. } => Some(headers),
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
            ErrorKind::Transport(e) => e.is_retryable(),
            ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status, .. } => {
                matches!(status.as_u16(), 429 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// How long the server asked to wait before trying again: its
    /// `Retry-After` header (seconds or an HTTP date), if it sent one, on this
    /// response or, when this error is not a response (the time budget ran
    /// out during retries), on the last response received.
    #[must_use]
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        let now = std::time::SystemTime::now();
        if let Some(headers) = self.headers() {
            return super::retry::retry_after(headers, now);
        }
        let (_, value) = self.context.as_ref()?.last_response.as_ref()?;
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, value.clone()?);
        super::retry::retry_after(&headers, now)
    }

    /// The status of the last response an earlier attempt of this request
    /// received, when this error is not itself a response: a timeout or a
    /// failed connection after retries of, say, `503 Service Unavailable`.
    /// `None` when no attempt got an answer, and for errors that are
    /// responses (see [`status`](Self::status)).
    #[must_use]
    pub fn last_status(&self) -> Option<StatusCode> {
        self.context.as_ref()?.last_response.as_ref().map(|(status, _)| *status)
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
    pub fn api_body(&self) -> Option<&B> {
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

/// `text` on one line (runs of white space, line breaks included, become one
/// space), cut to `limit` characters with `…`. Reads only as much of `text` as
/// it keeps.
pub(crate) fn shorten(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        for c in (count > 0).then_some(' ').into_iter().chain(word.chars()) {
            if count == limit {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
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

impl<B> fmt::Display for Error<B> {
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
                let message = shorten(message, DETAIL_LIMIT);
                if path.is_empty() {
                    write!(f, " response body: {message}")
                } else {
                    write!(f, " response body at `{}`: {message}", shorten(path, DETAIL_LIMIT))
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
            ErrorKind::Timeout => {
                f.write_str("request timed out")?;
                self.fmt_context(f)
            }
            ErrorKind::Connect(_) => {
                f.write_str("cannot connect to the server")?;
                self.fmt_context(f)
            }
            ErrorKind::Transport(e) if e.kind() == TransportErrorKind::Redirect => {
                f.write_str("too many redirects")?;
                match self.context.as_ref().and_then(|c| c.redirected_from.as_deref()) {
                    Some(start) => write!(f, " (the request to {start} was redirected in a loop or too often)"),
                    None => Ok(()),
                }
            }
            ErrorKind::Transport(_) => {
                f.write_str("HTTP transport error")?;
                self.fmt_context(f)
            }
            ErrorKind::InvalidRequest(message) => write!(f, "invalid request: {}", shorten(message, DETAIL_LIMIT)),
            ErrorKind::Pagination { page, reason } => {
                write!(f, "pagination stopped at page {page}: {}", shorten(reason, DETAIL_LIMIT))
            }
            ErrorKind::VersionNotServed { version, newer, .. } => {
                write!(
                    f,
                    "API version {} is not served by this server (it answered 404 without echoing the \
                     version): ",
                    shorten(version, 40)
                )?;
                match newer.last() {
                    Some(newest) => write!(f, "upgrade to the client of a newer version ({})", newer.join(", "))
                        .and_then(|()| if newer.len() > 1 { write!(f, "; the newest is {newest}") } else { Ok(()) }),
                    None => f.write_str("the API has retired it; update this crate for a newer version"),
                }
            }
            #[cfg(feature = "blocking")]
            ErrorKind::Blocking(reason) => write!(f, "blocking call refused: {}", shorten(reason, DETAIL_LIMIT)),
        }
    }
}

impl<B> Error<B> {
    /// Writes what the retries saw before a failure that is not a response:
    /// ` (the time budget of 30s ran out; the last response was HTTP 503 Service
    /// Unavailable, Retry-After: 120)`.
    fn fmt_context(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(context) = &self.context else { return Ok(()) };
        let mut parts = Vec::new();
        if let Some(budget) = context.budget {
            parts.push(format!("the time budget of {budget:?} ran out"));
        }
        if let Some((status, retry_after)) = &context.last_response {
            let mut part = format!("the last response was HTTP {}", status.as_u16());
            if let Some(reason) = status.canonical_reason() {
                part.push(' ');
                part.push_str(reason);
            }
            if let Some(value) = retry_after {
                let value = String::from_utf8_lossy(value.as_bytes());
                part.push_str(&format!(", Retry-After: {}", shorten(&value, 40)));
            }
            parts.push(part);
        }
        if parts.is_empty() {
            return Ok(());
        }
        write!(f, " ({})", parts.join("; "))
    }
}

/// A response body in `Debug` output: at most [`DEBUG_BODY_LIMIT`] bytes.
struct ClippedBody<'a>(&'a Bytes);

/// The `Debug` output of a value, cut after [`DEBUG_BODY_LIMIT`] bytes: a
/// decoded error body can hold megabytes of text in one field.
struct ClippedDebug<'a, T: fmt::Debug>(&'a T);

impl<T: fmt::Debug> fmt::Debug for ClippedDebug<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let mut out = LimitedText { text: String::new(), limit: DEBUG_BODY_LIMIT, clipped: false };
        // The writer refuses to go past the limit, which stops the value's
        // `Debug` early: the error it returns is ours, not the formatter's.
        let _ = write!(out, "{:?}", self.0);
        f.write_str(&out.text)?;
        if out.clipped {
            write!(f, "... (clipped at {DEBUG_BODY_LIMIT} bytes)")?;
        }
        Ok(())
    }
}

/// Text up to `limit` bytes (cut at a character boundary); writing more fails.
struct LimitedText {
    text: String,
    limit: usize,
    clipped: bool,
}

impl fmt::Write for LimitedText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.limit - self.text.len();
        if s.len() <= room {
            self.text.push_str(s);
            return Ok(());
        }
        let mut cut = room;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        self.text.push_str(&s[..cut]);
        self.clipped = true;
        Err(fmt::Error)
    }
}

/// A text in `Debug` output, shortened like in `Display`.
struct ClippedText<'a>(&'a str);

impl fmt::Debug for ClippedText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.chars().count() <= DETAIL_LIMIT {
            return fmt::Debug::fmt(self.0, f);
        }
        let cut: String = self.0.chars().take(DETAIL_LIMIT).collect();
        write!(f, "{cut:?}... ({} characters in all)", self.0.chars().count())
    }
}

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

impl<B: fmt::Debug> fmt::Debug for ErrorKind<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Api { status, headers, body, raw } => f
                .debug_struct("Api")
                .field("status", status)
                .field("headers", headers)
                .field("body", &ClippedDebug(body))
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
                .field("path", &ClippedText(path))
                .field("message", &ClippedText(message))
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
            ErrorKind::InvalidRequest(message) => f.debug_tuple("InvalidRequest").field(&ClippedText(message)).finish(),
            ErrorKind::Pagination { page, reason } => {
                f.debug_struct("Pagination").field("page", page).field("reason", &ClippedText(reason)).finish()
            }
            ErrorKind::VersionNotServed { version, newer, status, headers } => f
                .debug_struct("VersionNotServed")
                .field("version", &ClippedText(version))
                .field("newer", newer)
                .field("status", status)
                .field("headers", headers)
                .finish(),
            #[cfg(feature = "blocking")]
            ErrorKind::Blocking(reason) => f.debug_tuple("Blocking").field(&ClippedText(reason)).finish(),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
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

    /// An error body type like the generated ones.
    #[derive(Debug)]
    enum TestBody {
        Unrecognized { path: String, message: String },
    }

    impl ErrorBody for TestBody {
        fn unrecognized(path: String, message: String) -> Self {
            Self::Unrecognized { path, message }
        }
    }

    #[test]
    fn display_names_operation_and_status() {
        let e = Error::<NoBody>::new(
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
        let e = Error::<NoBody>::new(
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
        Error::<NoBody>::new(
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
    fn every_rendering_is_clipped() {
        // A documented error whose decoded body holds a megabyte of text.
        let huge = "y".repeat(1 << 20);
        let e = Error::<TestBody>::new(
            "customers:get",
            ErrorKind::Api {
                status: StatusCode::NOT_FOUND,
                headers: HeaderMap::new(),
                body: TestBody::unrecognized(huge.clone(), huge.clone()),
                raw: Bytes::from(format!(r#"{{"detail":"{huge}"}}"#)),
            },
        );
        for shown in [format!("{e:?}"), format!("{e:#?}"), format!("{:?}", e.kind()), e.to_string()] {
            assert!(shown.len() < 4 * DEBUG_BODY_LIMIT, "{} bytes: {}", shown.len(), &shown[..200]);
        }
        assert!(format!("{e:?}").contains(&format!("... (clipped at {DEBUG_BODY_LIMIT} bytes)")));
        // A decode error quotes the value it refused, and its path can be long too.
        let e = Error::<NoBody>::new(
            "customers:get",
            ErrorKind::Decode {
                status: StatusCode::OK,
                path: "a.".repeat(100_000),
                message: format!("invalid type: string {huge:?}, expected u64"),
                raw: Bytes::new(),
            },
        );
        for shown in [format!("{e:?}"), e.to_string()] {
            assert!(shown.len() < 4 * DEBUG_BODY_LIMIT, "{} bytes", shown.len());
        }
        assert!(e.to_string().contains("invalid type: string \"yyy"), "{e}");
        let e = Error::<NoBody>::invalid_request("op", "z\n".repeat(100_000));
        assert!(e.to_string().len() < 4 * DEBUG_BODY_LIMIT && !e.to_string().contains('\n'));
        assert!(format!("{e:?}").len() < 4 * DEBUG_BODY_LIMIT);
    }

    #[test]
    fn clipping_keeps_small_values_and_characters_whole() {
        let body = TestBody::unrecognized("p".into(), "m".into());
        let TestBody::Unrecognized { path, message } = &body;
        assert_eq!((path.as_str(), message.as_str()), ("p", "m"));
        assert_eq!(format!("{:?}", ClippedDebug(&body)), format!("{body:?}"));
        // Multi-byte characters are never split.
        let text = "é".repeat(DEBUG_BODY_LIMIT);
        let shown = format!("{:?}", ClippedDebug(&text));
        assert!(shown.ends_with(&format!("... (clipped at {DEBUG_BODY_LIMIT} bytes)")), "{shown}");
        assert!(shown.len() <= DEBUG_BODY_LIMIT + 40);
        assert_eq!(shorten("a \n\t b", 10), "a b");
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }

    #[test]
    fn a_failure_after_retries_keeps_the_last_response() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        let e = Error::<NoBody>::new("customers:list", ErrorKind::Timeout)
            .with_budget_exhausted(Duration::from_secs(30))
            .with_last_response(StatusCode::SERVICE_UNAVAILABLE, &headers);
        assert_eq!(
            e.to_string(),
            "customers:list: request timed out (the time budget of 30s ran out; the last response was HTTP 503 \
             Service Unavailable, Retry-After: 120)"
        );
        assert_eq!(e.last_status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(e.status(), None, "the error itself is not a response");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
        assert!(e.is_timeout() && e.is_retryable());
        let plain = Error::<NoBody>::new("op", ErrorKind::Timeout);
        assert_eq!((plain.last_status(), plain.retry_after()), (None, None));
    }

    #[test]
    fn retryable_and_retry_after() {
        assert!(Error::<NoBody>::new("op", ErrorKind::Timeout).is_retryable());
        assert!(status_error(503, "").is_retryable());
        assert!(status_error(429, "").is_retryable());
        assert!(!status_error(500, "").is_retryable());
        assert!(!status_error(404, "").is_retryable());
        assert!(!Error::<NoBody>::invalid_request("op", "bad").is_retryable());
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, reqwest::header::HeaderValue::from_static("7"));
        let e = Error::<NoBody>::new(
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
        let e = Error::<NoBody>::new("op", ErrorKind::Timeout);
        assert!(e.is_timeout());
        assert_eq!(e.status(), None);
        assert_eq!(e.to_string(), "op: request timed out");
        let e = Error::<NoBody>::invalid_request("op", "bad");
        assert_eq!(e.to_string(), "op: invalid request: bad");
        assert!(std::error::Error::source(&e).is_none());
    }
}
