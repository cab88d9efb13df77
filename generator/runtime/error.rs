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
#[derive(Debug)]
pub struct Error {
    operation: &'static str,
    kind: Box<ErrorKind>,
}

/// What went wrong in an [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with a documented error status, decoded into its
    /// typed body.
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
    /// An attempt did not complete within its timeout.
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
            | ErrorKind::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, if the server answered with an error status.
    #[must_use]
    pub fn headers(&self) -> Option<&HeaderMap> {
        match &*self.kind {
            ErrorKind::Api { headers, .. } | ErrorKind::UnexpectedStatus { headers, .. } => Some(headers),
            _ => None,
        }
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match &*self.kind {
            ErrorKind::Api { status, .. } => {
                fmt_status(f, *status)?;
                f.write_str(" (documented error response)")
            }
            ErrorKind::UnexpectedStatus { status, .. } => {
                fmt_status(f, *status)?;
                f.write_str(" (undocumented status)")
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
            ErrorKind::Timeout => f.write_str("request timed out"),
            ErrorKind::Connect(_) => f.write_str("cannot connect to the server"),
            ErrorKind::Transport(_) => f.write_str("HTTP transport error"),
            ErrorKind::InvalidRequest(message) => write!(f, "invalid request: {message}"),
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
