//! The transport under the client: what sends one HTTP request and returns its response.
//!
//! Everything above it stays the client's: building the request (path, query, body,
//! credentials, the version header), the per-attempt timeout and the total time budget,
//! retries and `Retry-After`, the response size limit, and decoding statuses and bodies into
//! typed values and errors. A [`Transport`] only moves one attempt over the wire:
//! [`ReqwestTransport`] by default, the mock of the `test-util` feature in tests
//! (`runtime::testing::Mock`), or a layer
//! of yours around another transport ([`ClientBuilder::layer`](super::ClientBuilder::layer)):
//! request and response interception, metrics, another HTTP stack.
//!
//! A trait of the crate's own rather than `tower::Service`: one `send(&self, request)`
//! method, shared by `&self` (no `poll_ready`, no `&mut self`, no cloning of the service
//! per request), object-safe so the client holds an `Arc<dyn Transport>` and every
//! operation goes through one non-generic path, and no dependency on `tower` for the
//! crate or its users. A `tower` stack fits behind it in a few lines (call the service
//! from `send`).

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_core::Stream;

/// What [`Transport::send`] returns.
pub type TransportFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<ResponseBody>, TransportError>> + Send + 'static>>;

/// Sends one attempt of a request and returns the response, its body read as it is
/// polled.
///
/// The request carries every header the client decided (authentication included) and the
/// whole body; its extensions carry a [`RequestMeta`] (the operation, the path template,
/// the attempt). A transport must not retry on its own or time out shorter than the caller
/// wants: the client does both.
pub trait Transport: fmt::Debug + Send + Sync + 'static {
    /// Sends `request` (one attempt).
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture {
        (**self).send(request)
    }
}

/// What the client knows about a request, in its extensions, for transports that care
/// (a mock answers by operation; a metrics layer labels by it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestMeta {
    /// The OpenAPI `operationId` (`customers:get`).
    pub operation_id: &'static str,
    /// The path template (`/v1/customers/{id}`).
    pub path_template: &'static str,
    /// Which attempt this is: 1, then 2 for the first retry...
    pub attempt: u32,
    /// The header this request carries the API version in (`Polar-Version`), when the
    /// client sends one. A server that echoes it on every response of a version it serves
    /// (`ApiInfo::version_echoed`) is told from one that does not serve the version by it,
    /// so a mock answers with it too.
    pub version_header: Option<&'static str>,
}

impl RequestMeta {
    pub(crate) fn new(
        operation_id: &'static str,
        path_template: &'static str,
        attempt: u32,
        version_header: Option<&'static str>,
    ) -> Self {
        Self { operation_id, path_template, attempt, version_header }
    }
}

/// A response body, read chunk by chunk as the client polls it: whole bytes, a stream of
/// chunks, or a `reqwest` response being read.
pub struct ResponseBody {
    inner: BodyInner,
}

enum BodyInner {
    Full(Option<Bytes>),
    Reqwest(Box<reqwest::Response>),
    Stream(Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>),
}

impl ResponseBody {
    /// An empty body.
    #[must_use]
    pub fn empty() -> Self {
        Self { inner: BodyInner::Full(None) }
    }

    /// A body of chunks: the client reads it as it is polled (a chunk that is an error
    /// fails the request like a broken connection).
    pub fn from_stream(stream: impl Stream<Item = Result<Bytes, TransportError>> + Send + 'static) -> Self {
        Self { inner: BodyInner::Stream(Box::pin(stream)) }
    }

    /// The body's length, when it is known before reading it (whole bytes; a
    /// `reqwest` response that announced it).
    #[must_use]
    pub fn exact_len(&self) -> Option<u64> {
        match &self.inner {
            BodyInner::Full(bytes) => Some(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            BodyInner::Reqwest(response) => response.content_length(),
            BodyInner::Stream(_) => None,
        }
    }

    /// The next chunk; `None` at the end of the body.
    ///
    /// # Errors
    ///
    /// When the connection fails while the body is read.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, TransportError> {
        match &mut self.inner {
            BodyInner::Full(bytes) => Ok(bytes.take().filter(|b| !b.is_empty())),
            BodyInner::Reqwest(response) => response.chunk().await.map_err(TransportError::from_reqwest),
            BodyInner::Stream(stream) => std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await.transpose(),
        }
    }
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> Self {
        Self { inner: BodyInner::Full(Some(bytes)) }
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for ResponseBody {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static str> for ResponseBody {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.inner {
            BodyInner::Full(bytes) => {
                return f.debug_tuple("ResponseBody").field(&bytes.as_ref().map(Bytes::len)).finish()
            }
            BodyInner::Reqwest(_) => "reqwest",
            BodyInner::Stream(_) => "stream",
        };
        f.debug_tuple("ResponseBody").field(&kind).finish()
    }
}

/// Why a transport could not deliver a request or its response.
pub struct TransportError {
    kind: TransportErrorKind,
    source: Box<dyn StdError + Send + Sync>,
}

/// What kind of failure a [`TransportError`] is; it decides whether the client retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (DNS, TCP, TLS): the request never reached the server,
    /// so it is safe to retry whatever its method.
    Connect,
    /// The transport gave up waiting (the client's own timeout is separate).
    Timeout,
    /// Too many redirects, or a redirect the transport refused.
    Redirect,
    /// The request could not be built or sent as given (an invalid URL or header): never
    /// retried.
    Request,
    /// Anything else after the request may have reached the server (a reset connection, a
    /// broken response).
    Other,
}

impl TransportError {
    /// A failure of `kind`, caused by `source`.
    pub fn new(kind: TransportErrorKind, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self { kind, source: source.into() }
    }

    /// What kind of failure it is.
    #[must_use]
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The underlying error (a `reqwest::Error` from [`ReqwestTransport`]; use
    /// `downcast_ref` to look at it).
    #[must_use]
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.source
    }

    /// Whether the same request may succeed if sent again: not for a request that
    /// could not be built, nor for a redirect that was refused.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        !matches!(self.kind, TransportErrorKind::Request | TransportErrorKind::Redirect)
    }

    /// The error without the request's URL, when it is a `reqwest` error (the URL
    /// may hold a credential, such as an API key in the query).
    pub(crate) fn without_url(self) -> Self {
        match self.source.downcast::<reqwest::Error>() {
            Ok(error) => Self { kind: self.kind, source: Box::new(error.without_url()) },
            Err(source) => Self { kind: self.kind, source },
        }
    }

    /// A `reqwest` error, classified.
    pub(crate) fn from_reqwest(error: reqwest::Error) -> Self {
        let kind = if error.is_connect() {
            TransportErrorKind::Connect
        } else if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_redirect() {
            TransportErrorKind::Redirect
        } else if error.is_builder() {
            TransportErrorKind::Request
        } else {
            TransportErrorKind::Other
        };
        Self::new(kind, error)
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError").field("kind", &self.kind).field("source", &self.source).finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.source, f)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// The default transport: a [`reqwest::Client`] (its connection pool, TLS, proxies and
/// redirect policy).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Sends through `client`.
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }

    /// The `reqwest` client it sends through.
    #[must_use]
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture {
        let client = self.client.clone();
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(TransportError::from_reqwest)?;
            let mut response = client.execute(request).await.map_err(TransportError::from_reqwest)?;
            let mut head = http::Response::new(());
            *head.status_mut() = response.status();
            *head.version_mut() = response.version();
            *head.headers_mut() = std::mem::take(response.headers_mut());
            let (parts, ()) = head.into_parts();
            Ok(http::Response::from_parts(parts, ResponseBody { inner: BodyInner::Reqwest(Box::new(response)) }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_yield_their_chunks_then_end() {
        futures_util::FutureExt::now_or_never(async {
            let mut full = ResponseBody::from("abc");
            assert_eq!(full.chunk().await.unwrap().as_deref(), Some(&b"abc"[..]));
            assert_eq!(full.chunk().await.unwrap(), None);
            assert_eq!(ResponseBody::empty().chunk().await.unwrap(), None);
            assert_eq!(ResponseBody::from(Vec::new()).chunk().await.unwrap(), None, "empty bytes: no chunk");
            let chunks =
                vec![Ok(Bytes::from_static(b"a")), Err(TransportError::new(TransportErrorKind::Other, "reset"))];
            let mut stream = ResponseBody::from_stream(futures_util::stream::iter(chunks));
            assert_eq!(stream.chunk().await.unwrap().as_deref(), Some(&b"a"[..]));
            let err = stream.chunk().await.unwrap_err();
            assert_eq!((err.kind(), err.to_string()), (TransportErrorKind::Other, "reset".to_owned()));
            assert_eq!(stream.chunk().await.unwrap(), None);
            assert_eq!(format!("{:?}", ResponseBody::from("abc")), "ResponseBody(Some(3))");
        })
        .expect("no waiting");
    }

    #[test]
    fn transports_are_object_safe_and_shareable() {
        fn check<T: Send + Sync>() {}
        check::<Arc<dyn Transport>>();
        check::<TransportError>();
        let transport: Arc<dyn Transport> = Arc::new(ReqwestTransport::new(reqwest::Client::new()));
        let _boxed: Box<dyn Transport> = Box::new(Arc::clone(&transport));
        assert!(format!("{transport:?}").starts_with("ReqwestTransport"));
    }
}
