//! The HTTP client: configuration, authentication, timeouts and retries.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE,
};
use reqwest::{Method, Url};

use super::error::{Error, ErrorKind};
use super::query::{encode_query, QueryText};
use super::request::{check_path, Request};
use super::response::{ByteStream, RawResponse};
use super::retry::{Failure, RetryPolicy};
use super::transport::{RequestMeta, ResponseBody, Transport, TransportError, TransportErrorKind};

mod config;

use self::config::sensitive;
pub use self::config::{
    ApiHandle, ApiInfo, ApiServer, BuildError, ClientBuilder, SecretString, SecurityScheme, DEFAULT_MAX_RESPONSE_SIZE,
};

/// The HTTP client every operation goes through, shared by the client handles of
/// all versions of the API. Cheap to clone: clones share one connection pool.
///
/// [`with_access_token`](Self::with_access_token) makes a client that sends
/// another bearer token but shares everything else (connection pool,
/// configuration), e.g. one per customer session in a server answering many
/// customers at once; [`with_api_version`](Self::with_api_version) one that
/// sends another API version.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// `Bearer <token>`: per `Client` value, so that
    /// [`with_access_token`](Self::with_access_token) shares `inner`.
    bearer: Option<HeaderValue>,
    /// The value of the API's version header: per `Client` value, so that the
    /// handles of several versions share `inner`.
    version: Option<HeaderValue>,
}

struct Inner {
    info: &'static ApiInfo,
    /// What sends each attempt: `reqwest` by default.
    transport: Arc<dyn Transport>,
    /// Without trailing slash.
    base_url: String,
    /// The path of `base_url`, without trailing slash (`""` for the root).
    base_path: String,
    /// `User-Agent`, the organization header and the builder's extra headers.
    default_headers: HeaderMap,
    /// The API's version header (`Polar-Version`), if it has one.
    version_header: Option<HeaderName>,
    basic: Option<HeaderValue>,
    /// The key as a header value and as text (for query parameters).
    api_key: Option<(HeaderValue, SecretString)>,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_size: usize,
    /// The runtime of blocking calls, started by the first one.
    #[cfg(feature = "blocking")]
    blocking: std::sync::OnceLock<Result<super::blocking::BlockingRuntime, String>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut credentials = Vec::new();
        if self.bearer.is_some() {
            credentials.push("bearer");
        }
        if inner.basic.is_some() {
            credentials.push("basic");
        }
        if inner.api_key.is_some() {
            credentials.push("api_key");
        }
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("api_version", &self.api_version())
            .field("user_agent", &inner.info.user_agent)
            .field("credentials", &credentials)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("max_response_size", &inner.max_response_size)
            .finish_non_exhaustive()
    }
}

/// A request ready to be sent, possibly several times.
struct Prepared {
    operation: &'static str,
    path_template: &'static str,
    method: Method,
    url: Url,
    /// `url` as the transport receives it.
    uri: http::Uri,
    headers: HeaderMap,
    body: Option<Bytes>,
    timeout: Duration,
    retry: RetryPolicy,
    /// The URL holds a credential: keep it out of errors.
    secret_in_url: bool,
    max_response_size: usize,
}

/// What one attempt received: the response with its whole body, and, when the
/// body is to be streamed and the status is 2xx, the response still being read
/// (`raw.body` is then empty).
struct Received {
    raw: RawResponse,
    open: Option<ResponseBody>,
}

impl Client {
    /// The base URL requests are sent to, without trailing slash.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The API facts this client was built with.
    #[must_use]
    pub fn info(&self) -> &'static ApiInfo {
        self.inner.info
    }

    /// The transport every attempt is sent through (a [`ReqwestTransport`](super::ReqwestTransport)
    /// unless the builder was given another, wrapped in its layers).
    #[must_use]
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// A client that sends `token` as its bearer access token and shares
    /// everything else with this one: the connection pool, base URL,
    /// headers, timeout and retry policy. Cheap (no new connection pool, no
    /// configuration copied), so a server can make one per customer session
    /// token for each request it answers.
    ///
    /// For a single request, the request builders' `access_token(..)` does
    /// the same.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidCredential`] if `token` cannot be sent in an
    /// HTTP header.
    pub fn with_access_token(&self, token: impl Into<String>) -> Result<Client, BuildError> {
        let token = SecretString::new(token);
        let bearer = sensitive(format!("Bearer {}", token.expose_secret()), "access token")?;
        Ok(Client { inner: Arc::clone(&self.inner), bearer: Some(bearer), version: self.version.clone() })
    }

    /// A client that sends `version` in the API's version header (or none) and
    /// shares everything else with this one: how the handles of two versions of
    /// the API convert into each other.
    ///
    /// # Panics
    ///
    /// If `version` is not a valid header value (versions come from generated
    /// code: `"2026-10"`).
    #[must_use]
    pub fn with_api_version(&self, version: Option<&'static str>) -> Client {
        let version = version.map(HeaderValue::from_static);
        Client { inner: Arc::clone(&self.inner), bearer: self.bearer.clone(), version }
    }

    /// The API version this client sends, if any.
    #[must_use]
    pub fn api_version(&self) -> Option<&str> {
        self.version.as_ref().and_then(|v| v.to_str().ok())
    }

    /// The largest response body read into memory, in bytes (see
    /// [`ClientBuilder::max_response_size`]).
    #[must_use]
    pub fn max_response_size(&self) -> usize {
        self.inner.max_response_size
    }

    /// Runs `future` (a request's: `send()`, a page stream's next item...) to
    /// completion and returns its output, blocking the calling thread (cargo feature
    /// `blocking`). The future is polled on this thread; the client's runtime thread,
    /// started by its first blocking call and stopped when the last clone of the client
    /// goes, drives its I/O and timers. Retries, timeouts and errors are those of
    /// `.await`. What every builder's `send_blocking` uses; `operation` names the
    /// operation in a refusal.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Blocking`], with nothing sent, when called on a thread that runs
    /// or has entered an async runtime (`.await` there instead), or when the runtime
    /// thread cannot be started.
    #[cfg(feature = "blocking")]
    pub fn block_on<F: std::future::Future>(&self, operation: &'static str, future: F) -> Result<F::Output, Error> {
        use super::blocking::{refusal, refused, BlockingRuntime};
        if let Some(reason) = refusal() {
            return Err(refused(operation, reason));
        }
        match self.inner.blocking.get_or_init(BlockingRuntime::start) {
            Ok(runtime) => Ok(runtime.block_on(future)),
            Err(reason) => Err(refused(operation, reason.clone())),
        }
    }

    /// The name of the blocking runtime's thread, once started (tests).
    #[cfg(all(test, feature = "blocking"))]
    pub(crate) fn inner_blocking_thread_name(&self) -> Option<String> {
        let runtime = self.inner.blocking.get()?.as_ref().ok()?;
        runtime.thread_name()
    }

    /// Sends `req` with authentication, default headers, timeout and
    /// retries, and returns the final response whatever its status.
    ///
    /// Every request carries `User-Agent`, the API's version header (if
    /// any), `Accept` (if `req.accept` is set), `Content-Type` (if it has a
    /// body) and the credential of the first of `req.security` for which
    /// the client has one. Headers in `req.options` replace all of these.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`], [`ErrorKind::Timeout`],
    /// [`ErrorKind::Connect`] or [`ErrorKind::Transport`], after retries
    /// per the [`RetryPolicy`]; [`ErrorKind::ResponseTooLarge`] for a body
    /// over [`ClientBuilder::max_response_size`].
    pub async fn execute(&self, req: Request) -> Result<RawResponse, Error> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let span = tracing::info_span!(
                "http_request",
                operation = req.operation_id,
                method = %req.method,
                path = req.path_template,
                status = tracing::field::Empty,
                attempt = tracing::field::Empty,
            );
            self.execute_inner(req).instrument(span).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            self.execute_inner(req).await
        }
    }

    async fn execute_inner(&self, req: Request) -> Result<RawResponse, Error> {
        self.exchange(req, false).await.map(|received| received.raw)
    }

    /// Sends `req` like [`execute`](Self::execute), but a 2xx body is not read:
    /// it is returned as a [`ByteStream`] of chunks, not limited in size (other
    /// statuses are read whole, as by `execute`). Retries and the time budget
    /// apply until the status and headers are received; then each chunk must
    /// arrive within the client's (or request's) timeout.
    ///
    /// Returns `Ok(Ok(stream))` for a 2xx status, and `Ok(Err(response))`,
    /// with the whole body, for any other.
    ///
    /// # Errors
    ///
    /// Those of [`execute`](Self::execute).
    pub async fn execute_streaming(&self, req: Request) -> Result<Result<ByteStream, RawResponse>, Error> {
        let operation = req.operation_id;
        let idle = req.options.timeout.unwrap_or(self.inner.timeout);
        let received = self.exchange(req, true).await?;
        Ok(match received.open {
            Some(open) => Ok(ByteStream::new(operation, received.raw.status, received.raw.headers, open, idle)),
            None => Err(received.raw),
        })
    }

    /// Sends with retries within the policy's total time budget: the timeout of
    /// each attempt is cut to what remains of `max_elapsed`.
    async fn exchange(&self, req: Request, stream: bool) -> Result<Received, Error> {
        let prepared = self.prepare(req)?;
        let start = Instant::now();
        let budget = prepared.retry.budget();
        let mut retry = 0;
        // The status and headers of the last response an attempt got, kept for the
        // error when a later attempt fails without one (the budget ran out during 503s).
        let mut last_response: Option<(reqwest::StatusCode, HeaderMap)> = None;
        loop {
            #[cfg(feature = "tracing")]
            tracing::Span::current().record("attempt", retry + 1);
            let remaining = budget.saturating_sub(start.elapsed());
            let timeout = prepared.timeout.min(remaining);
            let outcome = match self.attempt(&prepared, retry + 1, timeout, stream).await {
                Err(mut e) => {
                    if e.is_timeout() && remaining < prepared.timeout {
                        e = e.with_budget_exhausted(budget);
                    }
                    if let Some((status, headers)) = &last_response {
                        e = e.with_last_response(*status, headers);
                    }
                    Err(e)
                }
                ok => ok,
            };
            let (failure, headers) = match &outcome {
                Ok(Received { raw: resp, .. }) => {
                    #[cfg(feature = "tracing")]
                    tracing::Span::current().record("status", resp.status.as_u16());
                    if resp.status.is_success() {
                        return outcome;
                    }
                    if let Some(error) = self.version_not_served(prepared.operation, resp) {
                        return Err(error);
                    }
                    (Failure::Status(resp.status), Some(&resp.headers))
                }
                Err(e) => match failure_of(e) {
                    Some(failure) => (failure, None),
                    None => return outcome,
                },
            };
            let Some(delay) = prepared.retry.retry_delay(&prepared.method, failure, headers, retry, start.elapsed())
            else {
                return outcome;
            };
            if let Ok(Received { raw, .. }) = &outcome {
                last_response = Some((raw.status, raw.headers.clone()));
            }
            #[cfg(feature = "tracing")]
            tracing::debug!(
                attempt = retry + 1,
                ?failure,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying request"
            );
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    /// A `404 {"detail": "Not Found"}` without the version header, from a server that
    /// echoes it on every response of a version it serves ([`ApiInfo::version_echoed`]):
    /// the version this client sends is not (or no longer) served.
    fn version_not_served(&self, operation: &'static str, resp: &RawResponse) -> Option<Error> {
        let inner = &*self.inner;
        let (Some(name), Some(version)) = (&inner.version_header, &self.version) else { return None };
        if !inner.info.version_echoed
            || resp.status != reqwest::StatusCode::NOT_FOUND
            || resp.headers.contains_key(name)
        {
            return None;
        }
        let body: serde_json::Value = serde_json::from_slice(&resp.body).ok()?;
        if body != serde_json::json!({"detail": "Not Found"}) {
            return None;
        }
        let version = String::from_utf8_lossy(version.as_bytes()).into_owned();
        let newer = inner.info.versions.iter().copied().filter(|v| *v > version.as_str()).collect();
        Some(Error::new(
            operation,
            ErrorKind::VersionNotServed { version, newer, status: resp.status, headers: resp.headers.clone() },
        ))
    }

    /// Builds the URL, headers and body shared by every attempt.
    fn prepare(&self, req: Request) -> Result<Prepared, Error> {
        let inner = &*self.inner;
        let op = req.operation_id;
        check_path(req.path_template, &req.path).map_err(|m| Error::invalid_request(op, m))?;

        let mut headers = inner.default_headers.clone();
        if let (Some(name), Some(version)) = (&inner.version_header, &self.version) {
            headers.insert(name.clone(), version.clone());
        }
        if let Some(accept) = req.accept {
            let value =
                HeaderValue::from_str(accept).map_err(|_| Error::invalid_request(op, "invalid Accept header"))?;
            headers.insert(ACCEPT, value);
        }
        if let Some(content_type) = req.body.content_type() {
            let value = HeaderValue::from_str(content_type)
                .map_err(|_| Error::invalid_request(op, "invalid Content-Type header"))?;
            headers.insert(CONTENT_TYPE, value);
        }
        // A POST, PUT or PATCH without a body still says `Content-Length: 0`: Polar refuses
        // one without the header (`411 LengthRequired`, its `MaxBodySizeMiddleware`), and
        // httpx, under Polar's Python SDK, sends it. With a body, the length is set here so
        // that any transport sends it as given.
        if req.body.content_type().is_some() || matches!(req.method, Method::POST | Method::PUT | Method::PATCH) {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(req.body.len()));
        }

        let mut query = req.query;
        let mut secret_in_url = false;
        let bearer = match &req.options.access_token {
            Some(token) => Some(
                HeaderValue::try_from(format!("Bearer {}", token.expose_secret()))
                    .map(|mut value| {
                        value.set_sensitive(true);
                        value
                    })
                    .map_err(|_| Error::invalid_request(op, "the access token is not a valid header value"))?,
            ),
            None => self.bearer.clone(),
        };
        for scheme in req.security {
            match (scheme, &bearer, &inner.basic, &inner.api_key) {
                (SecurityScheme::Bearer, Some(value), _, _) | (SecurityScheme::Basic, _, Some(value), _) => {
                    headers.insert(AUTHORIZATION, value.clone());
                }
                (SecurityScheme::ApiKeyHeader(name), _, _, Some((value, _))) => {
                    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        Error::invalid_request(op, format!("invalid API key header name `{}`", name.escape_debug()))
                    })?;
                    headers.insert(name, value.clone());
                }
                (SecurityScheme::ApiKeyQuery(name), _, _, Some((_, key))) => {
                    query.push(((*name).to_owned(), QueryText::from(key.expose_secret())));
                    secret_in_url = true;
                }
                (SecurityScheme::ApiKeyCookie(name), _, _, Some((_, key))) => {
                    add_cookie(&mut headers, name, key.expose_secret())
                        .map_err(|()| Error::invalid_request(op, "invalid API key cookie"))?;
                }
                _ => continue,
            }
            break;
        }
        if let Some(cookie) = req.cookies.header(headers.get(COOKIE)) {
            headers.insert(COOKIE, cookie.map_err(|()| Error::invalid_request(op, "invalid cookie parameter"))?);
        }

        for (name, _) in &req.options.headers {
            headers.remove(name);
        }
        for (name, value) in req.options.headers {
            headers.append(name, value);
        }

        let url = self.url(op, &req.path, &query)?;
        let uri =
            http::Uri::try_from(url.as_str()).map_err(|e| Error::invalid_request(op, format!("invalid URL: {e}")))?;
        Ok(Prepared {
            operation: op,
            path_template: req.path_template,
            method: req.method,
            url,
            uri,
            headers,
            body: req.body.into_bytes(),
            timeout: req.options.timeout.unwrap_or(inner.timeout),
            retry: req.options.retry.unwrap_or_else(|| inner.retry.clone()),
            secret_in_url,
            max_response_size: inner.max_response_size,
        })
    }

    fn url(&self, op: &'static str, path: &str, query: &[(String, QueryText)]) -> Result<Url, Error> {
        let inner = &*self.inner;
        let mut url = Url::parse(&format!("{}{}", inner.base_url, path))
            .map_err(|e| Error::invalid_request(op, format!("invalid URL: {e}")))?;
        // The URL parser resolves dot segments and encodes stray characters:
        // refuse any path that it did not keep exactly as given.
        if url.path().strip_prefix(inner.base_path.as_str()) != Some(path) {
            return Err(Error::invalid_request(op, "the path is not a canonical percent-encoded path"));
        }
        if !query.is_empty() {
            url.set_query(Some(&encode_query(query)));
        }
        Ok(url)
    }

    /// One attempt within `timeout`: send, then read the whole body (at most
    /// `max_response_size` bytes), unless `stream` is set and the status is 2xx.
    async fn attempt(&self, p: &Prepared, attempt: u32, timeout: Duration, stream: bool) -> Result<Received, Error> {
        let mut request = http::Request::new(p.body.clone().unwrap_or_default());
        *request.method_mut() = p.method.clone();
        *request.uri_mut() = p.uri.clone();
        *request.headers_mut() = p.headers.clone();
        let version_header = self.version.as_ref().and(self.inner.info.version_header);
        request.extensions_mut().insert(RequestMeta::new(p.operation, p.path_template, attempt, version_header));
        let exchange = async {
            let (parts, mut body) =
                self.inner.transport.send(request).await.map_err(|e| transport_error(p, e))?.into_parts();
            let (status, headers) = (parts.status, parts.headers);
            if stream && status.is_success() {
                let raw = RawResponse { status, headers, body: Bytes::new() };
                return Ok(Received { raw, open: Some(body) });
            }
            let limit = p.max_response_size;
            let too_large = |headers| Error::new(p.operation, ErrorKind::ResponseTooLarge { status, headers, limit });
            let announced = body.exact_len().or_else(|| content_length(&headers));
            if announced.is_some_and(|len| len > limit as u64) {
                return Err(too_large(headers));
            }
            let expected = announced.and_then(|len| usize::try_from(len).ok()).unwrap_or(0);
            // A body that arrives in one chunk (small responses, a mock's) is kept as
            // it is; more chunks are gathered in one buffer.
            let mut first: Option<Bytes> = None;
            let mut buffer = bytes::BytesMut::new();
            while let Some(chunk) = body.chunk().await.map_err(|e| transport_error(p, e))? {
                let read = first.as_ref().map_or(buffer.len(), Bytes::len) + chunk.len();
                if read > limit {
                    return Err(too_large(headers));
                }
                if let Some(first) = first.take() {
                    buffer.reserve(expected.max(read));
                    buffer.extend_from_slice(&first);
                    buffer.extend_from_slice(&chunk);
                } else if buffer.is_empty() {
                    first = Some(chunk);
                } else {
                    buffer.extend_from_slice(&chunk);
                }
            }
            let body = first.unwrap_or_else(|| buffer.freeze());
            Ok(Received { raw: RawResponse { status, headers, body }, open: None })
        };
        match tokio::time::timeout(timeout, exchange).await {
            Err(_) => Err(Error::new(p.operation, ErrorKind::Timeout)),
            Ok(outcome) => outcome,
        }
    }
}

/// The `Content-Length` a response announced.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(http::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// The error of a failed attempt: a URL holding a credential is dropped from it.
fn transport_error(p: &Prepared, e: TransportError) -> Error {
    let e = if p.secret_in_url { e.without_url() } else { e };
    match e.kind() {
        TransportErrorKind::Redirect => Error::new(p.operation, ErrorKind::Transport(e)).with_redirect_start(&p.url),
        TransportErrorKind::Connect => Error::new(p.operation, ErrorKind::Connect(e)),
        TransportErrorKind::Timeout => Error::new(p.operation, ErrorKind::Timeout),
        _ => Error::new(p.operation, ErrorKind::Transport(e)),
    }
}

/// Which retry rule applies to a failed attempt; `None` if it is final.
fn failure_of(e: &Error) -> Option<Failure> {
    match e.kind() {
        ErrorKind::Connect(_) => Some(Failure::Connect),
        ErrorKind::Timeout => Some(Failure::AfterSend),
        ErrorKind::Transport(e) if e.is_retryable() => Some(Failure::AfterSend),
        _ => None,
    }
}

/// Adds `name=value` to the `Cookie` header.
fn add_cookie(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), ()> {
    let cookie = match headers.get(COOKIE).map(HeaderValue::to_str) {
        Some(Ok(existing)) => format!("{existing}; {name}={value}"),
        _ => format!("{name}={value}"),
    };
    let mut cookie = HeaderValue::try_from(cookie).map_err(|_| ())?;
    cookie.set_sensitive(true);
    headers.insert(COOKIE, cookie);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use reqwest::header::USER_AGENT;

    /// Also used by `config`'s tests.
    pub(super) static INFO: ApiInfo = ApiInfo {
        user_agent: "test-sdk/1.0",
        default_base_url: "https://api.example.com",
        version_header: Some("X-Api-Version"),
        versions: &["2026-04", "2026-10"],
        version_echoed: true,
        organization_header: Some("X-Org"),
        env_prefix: "TEST_API",
        servers: &[("production", "https://api.example.com"), ("sandbox", "https://sandbox.example.com")],
    };

    #[test]
    fn with_access_token_shares_the_configuration() {
        static BEARER: &[SecurityScheme] = &[SecurityScheme::Bearer];
        let org =
            ClientBuilder::<Client>::new(&INFO).access_token("org").timeout(Duration::from_secs(7)).build().unwrap();
        let customer = org.with_access_token("polar_cst_1").unwrap();
        assert!(Arc::ptr_eq(&org.inner, &customer.inner));
        let p = prepared(&customer, Request::new("op", Method::GET, "/", "/").security(BEARER));
        assert_eq!(p.headers[AUTHORIZATION], "Bearer polar_cst_1");
        assert!(p.headers[AUTHORIZATION].is_sensitive());
        assert_eq!(p.timeout, Duration::from_secs(7));
        let p = prepared(&org, Request::new("op", Method::GET, "/", "/").security(BEARER));
        assert_eq!(p.headers[AUTHORIZATION], "Bearer org");
        // Per request, and never to an operation without security.
        let req = Request::new("op", Method::GET, "/", "/")
            .security(BEARER)
            .options(crate::runtime::RequestOptions::new().access_token("polar_cst_2"));
        assert_eq!(prepared(&org, req).headers[AUTHORIZATION], "Bearer polar_cst_2");
        let req =
            Request::new("op", Method::GET, "/", "/").options(crate::runtime::RequestOptions::new().access_token("x"));
        assert!(!prepared(&org, req).headers.contains_key(AUTHORIZATION));
        assert!(matches!(org.with_access_token("a\nb"), Err(BuildError::InvalidCredential(_))));
    }

    fn prepared(client: &Client, req: Request) -> Prepared {
        client.prepare(req).unwrap()
    }

    #[test]
    fn headers_and_auth_selection() {
        static BEARER_FIRST: &[SecurityScheme] = &[SecurityScheme::Bearer, SecurityScheme::Basic];
        static KEY_SCHEMES: &[SecurityScheme] =
            &[SecurityScheme::Bearer, SecurityScheme::ApiKeyQuery("api_key"), SecurityScheme::ApiKeyHeader("X-Key")];
        let basic_only = ClientBuilder::<Client>::new(&INFO)
            .basic_auth("Aladdin", "open sesame")
            .header("user-agent", "custom/2")
            .build()
            .unwrap()
            .with_api_version(Some("2026-10"));
        let req = Request::new("op", Method::POST, "/v1/x", "/v1/x")
            .security(BEARER_FIRST)
            .accept("application/json")
            .text_body("hi");
        let p = prepared(&basic_only, req);
        assert_eq!(p.headers[AUTHORIZATION], "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(p.headers[AUTHORIZATION].is_sensitive());
        assert_eq!(p.headers[USER_AGENT], "custom/2");
        assert_eq!(p.headers["x-api-version"], "2026-10");
        assert_eq!(p.headers[ACCEPT], "application/json");
        assert_eq!(p.headers[CONTENT_TYPE], "text/plain; charset=utf-8");
        assert_eq!(p.url.as_str(), "https://api.example.com/v1/x");

        let key = ClientBuilder::<Client>::new(&INFO).api_key("k 1").build().unwrap();
        let req = Request::new("op", Method::GET, "/v1/x", "/v1/x").query("a", "b").security(KEY_SCHEMES);
        let p = prepared(&key, req);
        assert_eq!(p.url.query(), Some("a=b&api_key=k%201"));
        assert!(p.secret_in_url);
        assert!(!p.headers.contains_key(AUTHORIZATION));
        assert!(!p.headers.contains_key("x-key"));

        // No security: no credentials even if the client has some.
        let p = prepared(&key, Request::new("op", Method::GET, "/v1/x", "/v1/x"));
        assert_eq!(p.url.query(), None);
        assert!(!p.secret_in_url);
    }

    #[test]
    fn api_key_header_and_cookie() {
        static HEADER: &[SecurityScheme] = &[SecurityScheme::ApiKeyHeader("X-Key")];
        static COOKIE_KEY: &[SecurityScheme] = &[SecurityScheme::ApiKeyCookie("session")];
        let client = ClientBuilder::<Client>::new(&INFO).api_key("k1").build().unwrap();
        let p = prepared(&client, Request::new("op", Method::GET, "/", "/").security(HEADER));
        assert_eq!(p.headers["x-key"], "k1");
        let req = Request::new("op", Method::GET, "/", "/")
            .security(COOKIE_KEY)
            .header(COOKIE, HeaderValue::from_static("a=b"));
        // Request headers replace the client's, so the cookie comes first.
        let p = prepared(&client, req);
        assert_eq!(p.headers[COOKIE], "a=b");
        let p = prepared(&client, Request::new("op", Method::GET, "/", "/").security(COOKIE_KEY));
        assert_eq!(p.headers[COOKIE], "session=k1");
    }

    #[test]
    fn request_headers_override_client_headers() {
        static BEARER: &[SecurityScheme] = &[SecurityScheme::Bearer];
        let client = ClientBuilder::<Client>::new(&INFO).access_token("t").build().unwrap();
        let req = Request::new("op", Method::GET, "/", "/")
            .security(BEARER)
            .header(AUTHORIZATION, HeaderValue::from_static("Bearer other"))
            .header(HeaderName::from_static("x-many"), HeaderValue::from_static("1"))
            .header(HeaderName::from_static("x-many"), HeaderValue::from_static("2"));
        let p = prepared(&client, req);
        assert_eq!(p.headers[AUTHORIZATION], "Bearer other");
        assert_eq!(p.headers.get_all("x-many").iter().count(), 2);
    }

    #[test]
    fn dangerous_paths_are_refused() {
        let client = ClientBuilder::<Client>::new(&INFO).base_url("https://h/api/").build().unwrap();
        let ok = prepared(&client, Request::new("op", Method::GET, "/v1/o/{id}", "/v1/o/a%2Fb"));
        assert_eq!(ok.url.as_str(), "https://h/api/v1/o/a%2Fb");
        for path in ["/v1/o/..", "/v1/o/%2e%2E", "/v1/o/"] {
            let err = client.prepare(Request::new("op", Method::GET, "/v1/o/{id}", path)).err().unwrap();
            assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{path}");
        }
        // Even without a template, the URL parser may not rewrite the path.
        let err = client.prepare(Request::new("op", Method::GET, "", "/v1/../admin")).err().unwrap();
        assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)));
        let err = client.prepare(Request::new("op", Method::GET, "", "/a b")).err().unwrap();
        assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)));
    }

    /// A generated version handle, as in a crate with several API versions.
    #[derive(Debug)]
    struct V2026_04(Client);

    impl ApiHandle for V2026_04 {
        const API_VERSION: Option<&'static str> = Some("2026-04");

        fn from_client(client: Client) -> Self {
            Self(client)
        }
    }

    #[test]
    fn each_handle_sends_its_version_and_shares_the_pool() {
        let old = ClientBuilder::<V2026_04>::new(&INFO).access_token("t").build().unwrap();
        assert_eq!(old.0.api_version(), Some("2026-04"));
        let p = prepared(&old.0, Request::new("op", Method::GET, "/", "/"));
        assert_eq!(p.headers["x-api-version"], "2026-04");
        let new = old.0.with_api_version(Some("2026-10"));
        assert!(Arc::ptr_eq(&old.0.inner, &new.inner));
        assert_eq!(prepared(&new, Request::new("op", Method::GET, "/", "/")).headers["x-api-version"], "2026-10");
        // The token follows, and a request's own headers still win.
        static BEARER: &[SecurityScheme] = &[SecurityScheme::Bearer];
        let p = prepared(&new, Request::new("op", Method::GET, "/", "/").security(BEARER));
        assert_eq!(p.headers[AUTHORIZATION], "Bearer t");
        let none = ClientBuilder::<Client>::new(&INFO).build().unwrap();
        assert!(!prepared(&none, Request::new("op", Method::GET, "/", "/")).headers.contains_key("x-api-version"));
        assert!(format!("{new:?}").contains(r#"api_version: Some("2026-10")"#), "{new:?}");
    }

    #[test]
    fn a_404_without_the_echoed_version_is_version_not_served() {
        let client = ClientBuilder::<V2026_04>::new(&INFO).build().unwrap().0;
        let response = |status: u16, echo: bool, body: &'static str| {
            let mut headers = HeaderMap::new();
            if echo {
                headers.insert("x-api-version", HeaderValue::from_static("2026-04"));
            }
            RawResponse { status: reqwest::StatusCode::from_u16(status).unwrap(), headers, body: Bytes::from(body) }
        };
        let err = client.version_not_served("customers:get", &response(404, false, r#"{"detail": "Not Found"}"#));
        let err = err.expect("a retired version");
        let ErrorKind::VersionNotServed { version, newer, .. } = err.kind() else { panic!("{err:?}") };
        assert_eq!((version.as_str(), newer.as_slice()), ("2026-04", &["2026-10"][..]));
        assert_eq!(
            err.to_string(),
            "customers:get: API version 2026-04 is not served by this server (it answered 404 without echoing the \
             version): upgrade to the client of a newer version (2026-10)"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
        // A real 404 of a served version echoes the version; other 404 bodies come from elsewhere.
        assert!(client.version_not_served("op", &response(404, true, r#"{"detail": "Not Found"}"#)).is_none());
        assert!(client.version_not_served("op", &response(404, false, "<html>404</html>")).is_none());
        assert!(client.version_not_served("op", &response(404, false, r#"{"detail": "No customer"}"#)).is_none());
        assert!(client.version_not_served("op", &response(500, false, r#"{"detail": "Not Found"}"#)).is_none());
        // A client that sends no version, or an API that does not echo it, never says so.
        let unversioned = ClientBuilder::<Client>::new(&INFO).build().unwrap();
        assert!(unversioned.version_not_served("op", &response(404, false, r#"{"detail": "Not Found"}"#)).is_none());
    }

    #[test]
    fn client_is_send_sync_and_futures_are_send() {
        fn check<T: Send + Sync + Clone>() {}
        fn send<T: Send>(_: &T) {}
        check::<Client>();
        let client = ClientBuilder::<Client>::new(&INFO).build().unwrap();
        let fut = client.execute(Request::new("op", Method::GET, "/", "/"));
        send(&fut);
    }
}
