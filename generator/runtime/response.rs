//! Responses, and decoding them into typed bodies or errors.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::{Error, ErrorBody, ErrorKind};
use super::request::Request;
use super::transport::ResponseBody;

/// A response with any status and its undecoded body.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole response body.
    pub body: Bytes,
}

/// A successful response with its decoded body.
#[derive(Clone, Debug)]
pub struct Response<T> {
    /// The HTTP status (2xx).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// The decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

/// Decodes one documented error body of an operation into the API's error body type
/// `B` (a generated `ApiErrorBody`).
pub type ErrorDecoder<B> = fn(&[u8]) -> Result<B, (String, serde_json::Error)>;

/// The documented error responses of an operation: `(status, decoder)`
/// pairs.
///
/// The status is an exact code (`404`), a range `1`–`5` for `1XX`–`5XX`, or
/// `0` for the OpenAPI `default` response. Lookup tries the exact code, then
/// the range, then the default.
#[derive(Debug)]
pub struct ErrorTable<B: 'static>(pub &'static [(u16, ErrorDecoder<B>)]);

impl<B> Clone for ErrorTable<B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B> Copy for ErrorTable<B> {}

impl<B> ErrorTable<B> {
    /// The decoder for `status`, if the table documents it.
    #[must_use]
    pub fn lookup(&self, status: StatusCode) -> Option<ErrorDecoder<B>> {
        let code = status.as_u16();
        let find = |key: u16| self.0.iter().find(|(k, _)| *k == key).map(|(_, d)| *d);
        find(code).or_else(|| find(code / 100)).or_else(|| find(0))
    }
}

/// How a 2xx body becomes the `T` of a [`ResponseFuture`]: [`Json`], [`Text`],
/// [`Binary`] or [`Empty`].
pub trait DecodeBody<T> {
    /// Decodes the body of a successful response of `operation`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`] when the body does not fit `T`.
    fn decode(operation: &'static str, raw: RawResponse) -> Result<Response<T>, Error>;
}

/// A JSON body, decoded into any `T: DeserializeOwned`; a mismatch is reported
/// with the JSON path where it happened.
#[derive(Clone, Copy, Debug)]
pub struct Json;

/// A text body (`text/plain`, `text/csv`...) as a `String`; it must be UTF-8.
#[derive(Clone, Copy, Debug)]
pub struct Text;

/// A body returned as raw [`Bytes`].
#[derive(Clone, Copy, Debug)]
pub struct Binary;

/// A body that is ignored (`204 No Content` and the like): `T` is `()`.
#[derive(Clone, Copy, Debug)]
pub struct Empty;

/// A body decoded according to the status, into an enum with one variant per
/// documented success status (see [`FromStatus`]).
#[derive(Clone, Copy, Debug)]
pub struct ByStatus;

/// Enums generated for operations whose success responses differ (a `200` with a
/// body and a `202` without, say): how each documented status decodes.
pub trait FromStatus: Sized {
    /// Decodes a successful response of `operation` according to its status.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`] when the body does not fit the status's variant,
    /// [`ErrorKind::UnexpectedStatus`] for an undocumented success status.
    fn from_status(operation: &'static str, raw: RawResponse) -> Result<Response<Self>, Error>;
}

impl<T: FromStatus> DecodeBody<T> for ByStatus {
    fn decode(operation: &'static str, raw: RawResponse) -> Result<Response<T>, Error> {
        T::from_status(operation, raw)
    }
}

impl RawResponse {
    /// Decodes the body with the decoder passed in ([`Json`], [`Text`], [`Binary`] or
    /// [`Empty`]) and wraps it in `variant`: one arm of a [`FromStatus`] implementation.
    ///
    /// # Errors
    ///
    /// Those of the decoder.
    pub fn decode_variant<T, U, D: DecodeBody<T>>(
        self,
        operation: &'static str,
        _decoder: D,
        variant: impl FnOnce(T) -> U,
    ) -> Result<Response<U>, Error> {
        D::decode(operation, self).map(|response| response.map(variant))
    }

    /// An [`ErrorKind::UnexpectedStatus`] error of `operation` for this response.
    #[must_use]
    pub fn unexpected(self, operation: &'static str) -> Error {
        Error::new(
            operation,
            ErrorKind::UnexpectedStatus { status: self.status, headers: self.headers, body: self.body },
        )
    }
}

impl<T: DeserializeOwned> DecodeBody<T> for Json {
    fn decode(operation: &'static str, raw: RawResponse) -> Result<Response<T>, Error> {
        decode_json(operation, raw)
    }
}

impl DecodeBody<String> for Text {
    fn decode(operation: &'static str, raw: RawResponse) -> Result<Response<String>, Error> {
        // `Vec::from(Bytes)` takes over the buffer when it is not shared: no copy of a
        // large CSV body.
        match String::from_utf8(Vec::from(raw.body)) {
            Ok(text) => Ok(Response { status: raw.status, headers: raw.headers, body: text }),
            Err(e) => {
                let message = format!("the body is not UTF-8: {}", e.utf8_error());
                let raw_body = Bytes::from(e.into_bytes());
                Err(Error::new(
                    operation,
                    ErrorKind::Decode { status: raw.status, path: String::new(), message, raw: raw_body },
                ))
            }
        }
    }
}

impl DecodeBody<Bytes> for Binary {
    fn decode(_: &'static str, raw: RawResponse) -> Result<Response<Bytes>, Error> {
        Ok(Response { status: raw.status, headers: raw.headers, body: raw.body })
    }
}

impl DecodeBody<()> for Empty {
    fn decode(_: &'static str, raw: RawResponse) -> Result<Response<()>, Error> {
        Ok(Response { status: raw.status, headers: raw.headers, body: () })
    }
}

/// The boxed part of every request that does not depend on the body type: send, retry,
/// check the status.
type Exchange<'a, B> = Pin<Box<dyn Future<Output = Result<(&'static str, RawResponse), Error<B>>> + Send + 'a>>;

/// The network part of a request. Generic only over the API's error body type (one per
/// API version), unlike an `async` block inside [`ResponseFuture::new`], which would be a
/// new future type for every `T`: so it is compiled once per crate.
fn exchange<'a, B: ErrorBody>(
    client: &'a Client,
    request: Result<Request, Error<B>>,
    errors: &'static [(u16, ErrorDecoder<B>)],
) -> Exchange<'a, B> {
    Box::pin(async move {
        let request = request?;
        let operation = request.operation_id;
        let raw = client.send_checked(request, errors).await?;
        Ok((operation, raw))
    })
}

/// A request in flight; resolves to the decoded [`Response`].
///
/// Every operation returns this one type: the network part is shared, boxed and
/// compiled once in this crate, and decoding into `T` (via `D`, see
/// [`DecodeBody`]) is compiled only where the future is awaited, so operations an
/// application never calls cost it nothing.
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<'a, B, T, D = Json> {
    exchange: Exchange<'a, B>,
    decode: PhantomData<fn() -> (T, D)>,
}

impl<'a, B: ErrorBody, T, D> ResponseFuture<'a, B, T, D> {
    /// Sends `request` with `client` (see [`Client::execute`]); a non-2xx status
    /// becomes an error through `errors` (see [`ErrorTable`]). A request that
    /// failed to build is reported when the future is awaited.
    pub fn new(
        client: &'a Client,
        request: Result<Request, Error<B>>,
        errors: &'static [(u16, ErrorDecoder<B>)],
    ) -> Self {
        Self { exchange: exchange(client, request, errors), decode: PhantomData }
    }

    /// Resolves to the body alone, dropping status and headers.
    pub fn into_body(self) -> BodyFuture<'a, B, T, D> {
        BodyFuture(self)
    }
}

impl<B: ErrorBody, T, D: DecodeBody<T>> Future for ResponseFuture<'_, B, T, D> {
    type Output = Result<Response<T>, Error<B>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.exchange.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok((operation, raw))) => Poll::Ready(D::decode(operation, raw).map_err(Error::from)),
        }
    }
}

impl<B, T, D> fmt::Debug for ResponseFuture<'_, B, T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// A request in flight that resolves to the decoded body alone: what awaiting a
/// request builder gives (see [`ResponseFuture`]).
#[must_use = "futures do nothing unless polled"]
pub struct BodyFuture<'a, B, T, D = Json>(ResponseFuture<'a, B, T, D>);

impl<B: ErrorBody, T, D: DecodeBody<T>> Future for BodyFuture<'_, B, T, D> {
    type Output = Result<T, Error<B>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().0).poll(cx).map(|r| r.map(Response::into_body))
    }
}

impl<B, T, D> fmt::Debug for BodyFuture<'_, B, T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyFuture").finish_non_exhaustive()
    }
}

impl Client {
    /// Sends `req` (see [`Client::execute`]) and turns a non-2xx status into
    /// an error: [`ErrorKind::Api`] if `errors` documents it (see
    /// [`ErrorTable`]), [`ErrorKind::Decode`] if its body does not match,
    /// [`ErrorKind::UnexpectedStatus`] otherwise.
    ///
    /// # Errors
    ///
    /// As above, plus those of [`Client::execute`].
    pub async fn send_checked<B: ErrorBody>(
        &self,
        req: Request,
        errors: &'static [(u16, ErrorDecoder<B>)],
    ) -> Result<RawResponse, Error<B>> {
        let operation = req.operation_id;
        let raw = self.execute(req).await?;
        if raw.status.is_success() {
            Ok(raw)
        } else {
            Err(status_error(operation, raw, ErrorTable(errors)))
        }
    }

    /// Sends `req` and decodes a 2xx JSON body into `T`.
    ///
    /// The future fails with the errors of [`send_checked`](Self::send_checked),
    /// and with [`ErrorKind::Decode`] naming the JSON path that does not match `T`.
    pub fn send_json<T: DeserializeOwned, B: ErrorBody>(
        &self,
        req: Request,
        errors: &'static [(u16, ErrorDecoder<B>)],
    ) -> ResponseFuture<'_, B, T> {
        ResponseFuture::new(self, Ok(req), errors)
    }

    /// Sends `req` and returns a 2xx body as text (`text/plain`,
    /// `text/csv`...).
    ///
    /// The future fails with the errors of [`send_checked`](Self::send_checked),
    /// and with [`ErrorKind::Decode`] if the body is not UTF-8.
    pub fn send_text<B: ErrorBody>(
        &self,
        req: Request,
        errors: &'static [(u16, ErrorDecoder<B>)],
    ) -> ResponseFuture<'_, B, String, Text> {
        ResponseFuture::new(self, Ok(req), errors)
    }

    /// Sends `req` and returns a 2xx body as bytes.
    ///
    /// The future fails with the errors of [`send_checked`](Self::send_checked).
    pub fn send_bytes<B: ErrorBody>(
        &self,
        req: Request,
        errors: &'static [(u16, ErrorDecoder<B>)],
    ) -> ResponseFuture<'_, B, Bytes, Binary> {
        ResponseFuture::new(self, Ok(req), errors)
    }

    /// Sends `req` and ignores the body of a 2xx response (e.g. `204`).
    ///
    /// The future fails with the errors of [`send_checked`](Self::send_checked).
    pub fn send_empty<B: ErrorBody>(
        &self,
        req: Request,
        errors: &'static [(u16, ErrorDecoder<B>)],
    ) -> ResponseFuture<'_, B, (), Empty> {
        ResponseFuture::new(self, Ok(req), errors)
    }
}

/// A request whose 2xx body is read as a stream: what the `bytes_stream`
/// method of text and binary operations returns.
pub type StreamFuture<'a, B> = Pin<Box<dyn Future<Output = Result<ByteStream, Error<B>>> + Send + 'a>>;

impl Client {
    /// Sends `req` (see [`Client::execute_streaming`]) and returns a 2xx body as
    /// a [`ByteStream`], without reading it into memory; other statuses become
    /// errors as with [`send_checked`](Self::send_checked). A request that
    /// failed to build is reported when the future is awaited.
    pub fn send_streaming<B: ErrorBody>(
        &self,
        req: Result<Request, Error<B>>,
        errors: &'static [(u16, ErrorDecoder<B>)],
    ) -> StreamFuture<'_, B> {
        Box::pin(async move {
            let req = req?;
            let operation = req.operation_id;
            match self.execute_streaming(req).await? {
                Ok(stream) => Ok(stream),
                Err(raw) => Err(status_error(operation, raw, ErrorTable(errors))),
            }
        })
    }
}

/// One chunk being read, with the response it is read from.
type ChunkFuture = Pin<Box<dyn Future<Output = (ResponseBody, Result<Option<Bytes>, Error>)> + Send>>;

/// A response body read chunk by chunk as the stream is polled, so that memory
/// use does not grow with the body: a `Stream` of `Result<Bytes, Error>`. It
/// ends at the end of the body or right after the first error; each chunk must
/// arrive within the request's timeout ([`ErrorKind::Timeout`]). Its errors are
/// transport errors ([`Error`] without a body type), which `?` converts into an
/// API's `Error`.
///
/// ```ignore
/// use futures_util::StreamExt;
/// let mut csv = client.customers().export().bytes_stream().await?;
/// while let Some(chunk) = csv.next().await {
///     file.write_all(&chunk?)?;
/// }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    /// The response, while no chunk is being read and the body is not done.
    response: Option<ResponseBody>,
    pending: Option<ChunkFuture>,
    idle: std::time::Duration,
}

impl ByteStream {
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        response: ResponseBody,
        idle: std::time::Duration,
    ) -> Self {
        Self { operation, status, headers, response: Some(response), pending: None, idle }
    }

    /// The HTTP status (2xx).
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(mut response) = this.response.take() else { return Poll::Ready(None) };
            let (operation, idle) = (this.operation, this.idle);
            this.pending = Some(Box::pin(async move {
                let chunk = match tokio::time::timeout(idle, response.chunk()).await {
                    Err(_) => Err(Error::new(operation, ErrorKind::Timeout)),
                    Ok(Err(e)) => Err(Error::new(operation, ErrorKind::Transport(e.without_url()))),
                    Ok(Ok(chunk)) => Ok(chunk),
                };
                (response, chunk)
            }));
        }
        let Some(pending) = this.pending.as_mut() else { return Poll::Ready(None) };
        match pending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((response, chunk)) => {
                this.pending = None;
                match chunk {
                    Ok(Some(bytes)) => {
                        this.response = Some(response);
                        Poll::Ready(Some(Ok(bytes)))
                    }
                    Ok(None) => Poll::Ready(None),
                    Err(e) => Poll::Ready(Some(Err(e))),
                }
            }
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("done", &(self.response.is_none() && self.pending.is_none()))
            .finish_non_exhaustive()
    }
}

/// Decodes a JSON body; a mismatch names the JSON path where it happened.
fn decode_json<T: DeserializeOwned>(operation: &'static str, raw: RawResponse) -> Result<Response<T>, Error> {
    match decode_slice(&raw.body) {
        Ok(body) => Ok(Response { status: raw.status, headers: raw.headers, body }),
        Err((path, e)) => Err(decode_error(operation, raw.status, &path, &e, raw.body)),
    }
}

/// Decodes a JSON document; on failure, also the JSON path of what did not fit.
///
/// Decoding runs at full speed with `serde_json` alone. Only when it fails is the
/// body decoded again through `serde_path_to_error`, which tracks the path.
///
/// # Errors
///
/// The path (`items[3].customer.email`, `.` for the root) and the error.
pub fn decode_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let plain = match serde_json::from_slice(body) {
        Ok(decoded) => return Ok(decoded),
        Err(e) => e,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => Err((e.path().to_string(), e.into_inner())),
        // Only the trailing data after the document can fail now: report it at the root.
        Ok(_) => Err((".".to_owned(), plain)),
    }
}

fn decode_error(operation: &'static str, status: StatusCode, path: &str, e: &serde_json::Error, raw: Bytes) -> Error {
    // Unions decode their arms from buffered JSON and prefix the inner path to the
    // message; join it so `path` names the exact field.
    let (path, message) = super::model::nested_error_path(path, &e.to_string());
    Error::new(operation, ErrorKind::Decode { status, path, message, raw })
}

/// The error for a non-2xx response.
fn status_error<B: ErrorBody>(operation: &'static str, raw: RawResponse, table: ErrorTable<B>) -> Error<B> {
    let Some(decode) = table.lookup(raw.status) else {
        return raw.unexpected(operation).into();
    };
    let RawResponse { status, headers, body } = raw;
    // A documented status whose body does not fit its schema is still the server's
    // answer: an API error with the decode failure as its body, not a decode error.
    let decoded = decode(&body).unwrap_or_else(|(path, e)| {
        let (path, message) = super::model::nested_error_path(&path, &e.to_string());
        B::unrecognized(path, message)
    });
    Error::new(operation, ErrorKind::Api { status, headers, body: decoded, raw: body })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &'static str) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    /// An error body type like the generated ones: its `Unrecognized` arm keeps the path.
    #[derive(Debug, PartialEq)]
    enum TestBody {
        Numbers(std::collections::BTreeMap<String, u8>),
        Unrecognized(String),
    }

    impl ErrorBody for TestBody {
        fn unrecognized(path: String, _message: String) -> Self {
            Self::Unrecognized(path)
        }
    }

    // The decoders fail on the test body: the JSON path of their failure tells which one
    // was picked.
    fn numeric(body: &[u8]) -> Result<TestBody, (String, serde_json::Error)> {
        decode_slice(body).map(TestBody::Numbers)
    }

    fn nested(body: &[u8]) -> Result<TestBody, (String, serde_json::Error)> {
        decode_slice::<Vec<u8>>(body).map(|_| unreachable!("the test bodies are objects"))
    }

    static TABLE: &[(u16, ErrorDecoder<TestBody>)] = &[(404, numeric), (4, nested), (0, numeric)];

    #[test]
    fn table_lookup_order() {
        // `numeric` fails at `detail`, `nested` at the root (it wants an array).
        let picked = |table: ErrorTable<TestBody>, status: u16| {
            let decode = table.lookup(StatusCode::from_u16(status).unwrap())?;
            match decode(br#"{"detail":"x"}"#) {
                Err((path, _)) if path == "detail" => Some("numeric"),
                Err(_) => Some("nested"),
                Ok(_) => Some("accepted"),
            }
        };
        let t = ErrorTable(TABLE);
        assert_eq!(picked(t, 404), Some("numeric"));
        assert_eq!(picked(t, 422), Some("nested"));
        assert_eq!(picked(t, 500), Some("numeric"));
        assert_eq!(picked(ErrorTable(&[]), 404), None);
        let Ok(TestBody::Numbers(numbers)) = numeric(br#"{"a":1}"#) else { panic!("decodes") };
        assert_eq!(numbers["a"], 1);
        let only_exact: &'static [(u16, ErrorDecoder<TestBody>)] = &[(404, numeric)];
        assert_eq!(picked(ErrorTable(only_exact), 410), None);
    }

    #[test]
    fn status_errors() {
        let e = status_error("op", raw(404, r#"{"detail":"x"}"#), ErrorTable(TABLE));
        match e.kind() {
            ErrorKind::Api { status, body, raw, .. } => {
                assert_eq!(status.as_u16(), 404);
                assert_eq!(body, &TestBody::Unrecognized("detail".to_owned()));
                assert_eq!(&raw[..], br#"{"detail":"x"}"#);
            }
            other => panic!("unexpected {other:?}"),
        }

        let e = status_error::<TestBody>("op", raw(500, "oops"), ErrorTable(&[]));
        assert!(matches!(e.kind(), ErrorKind::UnexpectedStatus { body, .. } if &body[..] == b"oops"));
    }

    #[derive(serde::Deserialize, Debug)]
    struct Page {
        items: Vec<Item>,
    }

    #[derive(serde::Deserialize, Debug)]
    struct Item {
        customer: Customer,
    }

    #[derive(serde::Deserialize, Debug)]
    struct Customer {
        email: String,
    }

    #[test]
    fn decode_names_json_path() {
        let body = r#"{"items":[{"customer":{"email":"a"}},{"customer":{"email":"b"}},{"customer":{"email":"c"}},{"customer":{"email":7}}]}"#;
        let e = decode_json::<Page>("orders:list", raw(200, body)).unwrap_err();
        match e.kind() {
            ErrorKind::Decode { path, message, raw, .. } => {
                assert_eq!(path, "items[3].customer.email");
                assert!(message.contains("expected a string"), "{message}");
                assert_eq!(&raw[..], body.as_bytes());
            }
            other => panic!("unexpected {other:?}"),
        }
        let ok = decode_json::<Page>("op", raw(200, r#"{"items":[{"customer":{"email":"a"}}]} "#)).unwrap();
        assert_eq!(ok.body.items[0].customer.email, "a");
        let e = decode_json::<Page>("op", raw(200, r#"{"items":[]} x"#)).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Decode { path, .. } if path == "."));
        let e = decode_json::<Page>("op", raw(200, "")).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Decode { .. }));
    }

    #[test]
    fn response_helpers() {
        let r = Response { status: StatusCode::OK, headers: HeaderMap::new(), body: 2 };
        assert_eq!(r.clone().map(|b| b * 2).into_body(), 4);
        assert_eq!(r.into_body(), 2);
    }
}
