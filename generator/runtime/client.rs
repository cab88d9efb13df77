//! The HTTP client: configuration, authentication, timeouts and retries.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, USER_AGENT};
use reqwest::{Method, Url};

use super::error::{Error, ErrorKind};
use super::query::encode_pairs;
use super::request::{check_path, Request};
use super::response::{ByteStream, RawResponse};
use super::retry::{Failure, RetryPolicy};

/// The default of [`ClientBuilder::max_response_size`]: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 32 * 1024 * 1024;

/// Static facts about an API, defined once by generated code.
///
/// ```ignore
/// pub static API_INFO: ApiInfo = ApiInfo {
///     user_agent: concat!("my-sdk/", env!("CARGO_PKG_VERSION")),
///     default_base_url: "https://api.example.com",
///     version_header: Some(("x-api-version", "2026-10")),
///     organization_header: None,
///     env_prefix: "MY_API",
///     servers: &[("production", "https://api.example.com")],
/// };
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ApiInfo {
    /// The `User-Agent` sent with every request.
    pub user_agent: &'static str,
    /// The base URL used unless [`ClientBuilder::base_url`] is called.
    pub default_base_url: &'static str,
    /// A `(name, value)` header sent with every request to pin the API
    /// version, if the API has one.
    pub version_header: Option<(&'static str, &'static str)>,
    /// The header [`ClientBuilder::organization_id`] sets, if the API has one.
    pub organization_header: Option<&'static str>,
    /// The prefix of the environment variables [`ClientBuilder::with_env`] reads
    /// (`POLAR` → `POLAR_ACCESS_TOKEN`...).
    pub env_prefix: &'static str,
    /// The API's servers as `(name, base URL)`, names in lower case
    /// (`("sandbox", "https://sandbox-api.polar.sh")`).
    pub servers: &'static [(&'static str, &'static str)],
}

/// How an operation accepts credentials (an OpenAPI security scheme).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecurityScheme {
    /// `Authorization: Bearer <access token>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// The API key in the named header.
    ApiKeyHeader(&'static str),
    /// The API key in the named query parameter.
    ApiKeyQuery(&'static str),
    /// The API key in the named cookie.
    ApiKeyCookie(&'static str),
}

/// A string that is never shown: its `Debug` output is `"***"`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http`/`https` URL without
    /// credentials, query or fragment. Holds the reason.
    InvalidBaseUrl(String),
    /// A default header has an invalid name or value. Holds the name.
    InvalidHeader(String),
    /// A credential cannot be sent in an HTTP header. Holds which one.
    InvalidCredential(&'static str),
    /// An environment variable read by [`ClientBuilder::with_env`] is missing
    /// or invalid. Holds its name and the reason.
    Env(String, String),
    /// [`ClientBuilder::organization_id`] was called for an API without an
    /// organization header.
    NoOrganizationHeader,
    /// The default HTTP client could not be created.
    HttpClient(reqwest::Error),
    /// The default HTTP client's TLS could not be configured (cargo features
    /// `rustls`, `native-tls`). Holds the reason.
    Tls(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidBaseUrl(reason) => write!(f, "invalid base URL: {reason}"),
            BuildError::InvalidHeader(name) => write!(f, "invalid default header `{name}`"),
            BuildError::InvalidCredential(which) => {
                write!(f, "invalid {which}: not a valid HTTP header value")
            }
            BuildError::HttpClient(_) => f.write_str("cannot create the HTTP client"),
            BuildError::Env(name, reason) => write!(f, "environment variable `{name}`: {reason}"),
            BuildError::NoOrganizationHeader => f.write_str("this API has no organization header"),
            BuildError::Tls(reason) => write!(f, "cannot configure TLS for the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::HttpClient(e) => Some(e),
            _ => None,
        }
    }
}

/// Configures and creates a [`Client`].
///
/// ```ignore
/// let client = ClientBuilder::new(&API_INFO)
///     .access_token(std::env::var("API_TOKEN")?)
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// ```
#[must_use]
pub struct ClientBuilder {
    info: &'static ApiInfo,
    base_url: Option<String>,
    access_token: Option<SecretString>,
    basic: Option<(String, SecretString)>,
    api_key: Option<SecretString>,
    http: Option<reqwest::Client>,
    timeout: Duration,
    retry: RetryPolicy,
    headers: Vec<(String, String)>,
    max_response_size: usize,
    organization_id: Option<String>,
}

impl ClientBuilder {
    /// A builder with the API's defaults: its default base URL, no
    /// credentials, a 5 s timeout per attempt and the default
    /// [`RetryPolicy`].
    pub fn new(info: &'static ApiInfo) -> Self {
        Self {
            info,
            base_url: None,
            access_token: None,
            basic: None,
            api_key: None,
            http: None,
            timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            headers: Vec::new(),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            organization_id: None,
        }
    }

    /// Reads the configuration from the environment, with `<PREFIX>` the API's
    /// [`ApiInfo::env_prefix`] (`POLAR` for Polar):
    ///
    /// | variable | | sets |
    /// |---|---|---|
    /// | `<PREFIX>_ACCESS_TOKEN` | required | [`access_token`](Self::access_token) |
    /// | `<PREFIX>_SERVER` | optional | the server by name (`production`, `sandbox`; case-insensitive) |
    /// | `<PREFIX>_BASE_URL` | optional | [`base_url`](Self::base_url); wins over `<PREFIX>_SERVER` |
    /// | `<PREFIX>_ORGANIZATION_ID` | optional | [`organization_id`](Self::organization_id), if the API has the header |
    ///
    /// Empty variables count as unset. Other settings can be chained after it.
    ///
    /// # Errors
    ///
    /// [`BuildError::Env`] if the token is missing or the server is not one
    /// of the API's.
    pub fn with_env(self) -> Result<Self, BuildError> {
        self.with_vars(|name| std::env::var(name).ok())
    }

    /// [`with_env`](Self::with_env) with the variables read by `var`.
    fn with_vars(mut self, var: impl Fn(&str) -> Option<String>) -> Result<Self, BuildError> {
        let prefix = self.info.env_prefix;
        let get = |suffix: &str| {
            let name = format!("{prefix}_{suffix}");
            let value = var(&name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            (name, value)
        };
        let (name, token) = get("ACCESS_TOKEN");
        let token = token.ok_or_else(|| BuildError::Env(name, "not set".to_owned()))?;
        self = self.access_token(token);
        if let (name, Some(server)) = get("SERVER") {
            let url = self.info.servers.iter().find(|(n, _)| n.eq_ignore_ascii_case(&server)).map(|(_, url)| *url);
            let Some(url) = url else {
                let known: Vec<&str> = self.info.servers.iter().map(|(n, _)| *n).collect();
                return Err(BuildError::Env(name, format!("`{server}` is not one of {}", known.join(", "))));
            };
            self = self.base_url(url);
        }
        if let (_, Some(url)) = get("BASE_URL") {
            self = self.base_url(url);
        }
        if let (_, Some(organization)) = get("ORGANIZATION_ID") {
            if self.info.organization_header.is_some() {
                self = self.organization_id(organization);
            }
        }
        Ok(self)
    }

    /// Sends the organization every request acts for in the API's
    /// organization header ([`ApiInfo::organization_header`]; Polar:
    /// `Polar-Organization`, as Polar's SDKs do for their `organization_id`
    /// setting). Checked by [`build`](Self::build).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// Sets the bearer token for operations that accept
    /// [`SecurityScheme::Bearer`].
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(SecretString::new(token));
        self
    }

    /// Sets the user name and password for operations that accept
    /// [`SecurityScheme::Basic`].
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic = Some((user.into(), SecretString::new(password)));
        self
    }

    /// Sets the API key for operations that accept one of the `ApiKey*`
    /// [`SecurityScheme`]s.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::new(key));
        self
    }

    /// Sets the base URL (e.g. a sandbox server or a mock). It must be an
    /// absolute `http` or `https` URL; a trailing slash is ignored. Checked
    /// by [`build`](Self::build).
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().to_owned());
        self
    }

    /// Uses this `reqwest` client (proxies, TLS roots, connection pool...).
    ///
    /// By default a client is created that follows redirects only within
    /// the same origin, so credentials never go to another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets the timeout of each attempt, from sending the request to
    /// receiving the whole response body (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the largest response body read into memory, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`], 32 MiB). A larger body (announced by
    /// `Content-Length` or found while reading) fails the request with
    /// [`ErrorKind::ResponseTooLarge`] as soon as it is known, so memory stays
    /// bounded by about this size. Bodies read as a stream (the `bytes_stream`
    /// method of text and binary operations) are not limited.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Adds a header sent with every request. It replaces a default header
    /// of the same name (such as `User-Agent`), but not authentication.
    /// Checked by [`build`](Self::build).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Checks the configuration and creates the client.
    ///
    /// # Errors
    ///
    /// See [`BuildError`].
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = self.base_url.as_deref().unwrap_or(self.info.default_base_url);
        let (base_url, base_path) = parse_base_url(base_url)?;

        let mut default_headers = HeaderMap::new();
        let ua = HeaderValue::from_str(self.info.user_agent)
            .map_err(|_| BuildError::InvalidHeader(USER_AGENT.to_string()))?;
        default_headers.insert(USER_AGENT, ua);
        if let Some((name, value)) = self.info.version_header {
            let (name, value) = parse_header(name, value)?;
            default_headers.insert(name, value);
        }
        if let Some(id) = &self.organization_id {
            let header = self.info.organization_header.ok_or(BuildError::NoOrganizationHeader)?;
            let (name, value) = parse_header(header, id)?;
            default_headers.insert(name, value);
        }
        let extra =
            self.headers.iter().map(|(name, value)| parse_header(name, value)).collect::<Result<Vec<_>, _>>()?;
        for (name, _) in &extra {
            default_headers.remove(name);
        }
        for (name, mut value) in extra {
            value.set_sensitive(true);
            default_headers.append(name, value);
        }

        let bearer = self
            .access_token
            .map(|token| sensitive(format!("Bearer {}", token.expose_secret()), "access token"))
            .transpose()?;
        let basic = self
            .basic
            .map(|(user, password)| {
                let credentials = format!("{user}:{}", password.expose_secret());
                sensitive(format!("Basic {}", base64(credentials.as_bytes())), "basic auth credentials")
            })
            .transpose()?;
        let api_key =
            self.api_key.map(|key| Ok((sensitive(key.expose_secret().to_owned(), "API key")?, key))).transpose()?;

        let http = match self.http {
            Some(http) => http,
            None => {
                let https = base_url.starts_with("https:");
                let builder = super::tls::configure(reqwest::Client::builder(), https).map_err(BuildError::Tls)?;
                builder.redirect(same_origin_redirects()).build().map_err(BuildError::HttpClient)?
            }
        };

        Ok(Client {
            inner: Arc::new(Inner {
                info: self.info,
                http,
                base_url,
                base_path,
                default_headers,
                basic,
                api_key,
                timeout: self.timeout,
                retry: self.retry,
                max_response_size: self.max_response_size,
            }),
            bearer,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("access_token", &self.access_token)
            .field("basic_auth", &self.basic.as_ref().map(|(user, p)| (user, p)))
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("max_response_size", &self.max_response_size)
            .field("organization_id", &self.organization_id)
            .finish_non_exhaustive()
    }
}

/// A client for the API. Cheap to clone: clones share one connection pool.
///
/// [`with_access_token`](Self::with_access_token) makes a client that sends
/// another bearer token but shares everything else (connection pool,
/// configuration), e.g. one per customer session in a server answering many
/// customers at once.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// `Bearer <token>`: per `Client` value, so that
    /// [`with_access_token`](Self::with_access_token) shares `inner`.
    bearer: Option<HeaderValue>,
}

struct Inner {
    info: &'static ApiInfo,
    http: reqwest::Client,
    /// Without trailing slash.
    base_url: String,
    /// The path of `base_url`, without trailing slash (`""` for the root).
    base_path: String,
    /// `User-Agent`, the version header and the builder's extra headers.
    default_headers: HeaderMap,
    basic: Option<HeaderValue>,
    /// The key as a header value and as text (for query parameters).
    api_key: Option<(HeaderValue, SecretString)>,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_size: usize,
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
    method: Method,
    url: Url,
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
    open: Option<reqwest::Response>,
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

    /// The underlying `reqwest` client.
    #[must_use]
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
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
        Ok(Client { inner: Arc::clone(&self.inner), bearer: Some(bearer) })
    }

    /// The largest response body read into memory, in bytes (see
    /// [`ClientBuilder::max_response_size`]).
    #[must_use]
    pub fn max_response_size(&self) -> usize {
        self.inner.max_response_size
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
        loop {
            #[cfg(feature = "tracing")]
            tracing::Span::current().record("attempt", retry + 1);
            let timeout = prepared.timeout.min(budget.saturating_sub(start.elapsed()));
            let outcome = self.attempt(&prepared, timeout, stream).await;
            let (failure, headers) = match &outcome {
                Ok(Received { raw: resp, .. }) => {
                    #[cfg(feature = "tracing")]
                    tracing::Span::current().record("status", resp.status.as_u16());
                    if resp.status.is_success() {
                        return outcome;
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

    /// Builds the URL, headers and body shared by every attempt.
    fn prepare(&self, req: Request) -> Result<Prepared, Error> {
        let inner = &*self.inner;
        let op = req.operation_id;
        check_path(req.path_template, &req.path).map_err(|m| Error::invalid_request(op, m))?;

        let mut headers = inner.default_headers.clone();
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
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| Error::invalid_request(op, format!("invalid API key header name `{name}`")))?;
                    headers.insert(name, value.clone());
                }
                (SecurityScheme::ApiKeyQuery(name), _, _, Some((_, key))) => {
                    query.push(((*name).to_owned(), key.expose_secret().to_owned()));
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

        for (name, _) in &req.options.headers {
            headers.remove(name);
        }
        for (name, value) in req.options.headers {
            headers.append(name, value);
        }

        let url = self.url(op, &req.path, &query)?;
        Ok(Prepared {
            operation: op,
            method: req.method,
            url,
            headers,
            body: req.body.into_bytes(),
            timeout: req.options.timeout.unwrap_or(inner.timeout),
            retry: req.options.retry.unwrap_or_else(|| inner.retry.clone()),
            secret_in_url,
            max_response_size: inner.max_response_size,
        })
    }

    fn url(&self, op: &'static str, path: &str, query: &[(String, String)]) -> Result<Url, Error> {
        let inner = &*self.inner;
        let mut url = Url::parse(&format!("{}{}", inner.base_url, path))
            .map_err(|e| Error::invalid_request(op, format!("invalid URL: {e}")))?;
        // The URL parser resolves dot segments and encodes stray characters:
        // refuse any path that it did not keep exactly as given.
        if url.path().strip_prefix(inner.base_path.as_str()) != Some(path) {
            return Err(Error::invalid_request(op, "the path is not a canonical percent-encoded path"));
        }
        if !query.is_empty() {
            url.set_query(Some(&encode_pairs(query)));
        }
        Ok(url)
    }

    /// One attempt within `timeout`: send, then read the whole body (at most
    /// `max_response_size` bytes), unless `stream` is set and the status is 2xx.
    async fn attempt(&self, p: &Prepared, timeout: Duration, stream: bool) -> Result<Received, Error> {
        let mut builder = self.inner.http.request(p.method.clone(), p.url.clone()).headers(p.headers.clone());
        if let Some(body) = &p.body {
            builder = builder.body(body.clone());
        }
        let exchange = async {
            let mut resp = builder.send().await.map_err(|e| transport_error(p, e))?;
            let status = resp.status();
            let headers = std::mem::take(resp.headers_mut());
            if stream && status.is_success() {
                let raw = RawResponse { status, headers, body: Bytes::new() };
                return Ok(Received { raw, open: Some(resp) });
            }
            let limit = p.max_response_size;
            let too_large = |headers| Error::new(p.operation, ErrorKind::ResponseTooLarge { status, headers, limit });
            if resp.content_length().is_some_and(|len| len > limit as u64) {
                return Err(too_large(headers));
            }
            let expected = resp.content_length().and_then(|len| usize::try_from(len).ok()).unwrap_or(0);
            let mut body = bytes::BytesMut::with_capacity(expected);
            while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(p, e))? {
                if body.len() + chunk.len() > limit {
                    return Err(too_large(headers));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Received { raw: RawResponse { status, headers, body: body.freeze() }, open: None })
        };
        match tokio::time::timeout(timeout, exchange).await {
            Err(_) => Err(Error::new(p.operation, ErrorKind::Timeout)),
            Ok(outcome) => outcome,
        }
    }
}

/// The error of a failed `reqwest` call.
fn transport_error(p: &Prepared, e: reqwest::Error) -> Error {
    let e = if p.secret_in_url { e.without_url() } else { e };
    let kind = if e.is_connect() {
        ErrorKind::Connect(e)
    } else if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport(e)
    };
    Error::new(p.operation, kind)
}

/// Which retry rule applies to a failed attempt; `None` if it is final.
fn failure_of(e: &Error) -> Option<Failure> {
    match e.kind() {
        ErrorKind::Connect(_) => Some(Failure::Connect),
        ErrorKind::Timeout => Some(Failure::AfterSend),
        ErrorKind::Transport(e) if !e.is_builder() && !e.is_redirect() => Some(Failure::AfterSend),
        _ => None,
    }
}

/// Validates a base URL; returns it without trailing slash, and its path.
fn parse_base_url(raw: &str) -> Result<(String, String), BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl(reason.to_owned());
    let url = Url::parse(raw.trim()).map_err(|e| BuildError::InvalidBaseUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host().is_none() {
        return Err(invalid("the URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not supported"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the URL must not have a query or fragment"));
    }
    let base = url.as_str().trim_end_matches('/').to_owned();
    let path = url.path().trim_end_matches('/').to_owned();
    Ok((base, path))
}

/// The URL for display, without any user information.
fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) => {
            if !url.username().is_empty() || url.password().is_some() {
                let _ = url.set_username("***");
                let _ = url.set_password(None);
            }
            url.to_string()
        }
        Err(_) => "<invalid URL>".to_owned(),
    }
}

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), BuildError> {
    let invalid = || BuildError::InvalidHeader(name.to_owned());
    let parsed_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
    let parsed_value = HeaderValue::from_str(value).map_err(|_| invalid())?;
    Ok((parsed_name, parsed_value))
}

fn sensitive(value: String, which: &'static str) -> Result<HeaderValue, BuildError> {
    let mut value = HeaderValue::try_from(value).map_err(|_| BuildError::InvalidCredential(which))?;
    value.set_sensitive(true);
    Ok(value)
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

/// Follows up to 10 redirects, only within the origin of the first URL, so
/// that credentials are never sent to another host.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Standard base64 with padding (RFC 4648 §4), as Basic authentication wants it.
fn base64(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    static INFO: ApiInfo = ApiInfo {
        user_agent: "test-sdk/1.0",
        default_base_url: "https://api.example.com",
        version_header: Some(("X-Api-Version", "2026-10")),
        organization_header: Some("X-Org"),
        env_prefix: "TEST_API",
        servers: &[("production", "https://api.example.com"), ("sandbox", "https://sandbox.example.com")],
    };

    #[test]
    fn from_env_reads_token_server_base_url_and_organization() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        };
        let client = ClientBuilder::new(&INFO)
            .with_vars(vars(&[
                ("TEST_API_ACCESS_TOKEN", "tok"),
                ("TEST_API_SERVER", "Sandbox"),
                ("TEST_API_ORGANIZATION_ID", "org_1"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://sandbox.example.com");
        assert_eq!(client.bearer.as_ref().unwrap(), "Bearer tok");
        assert_eq!(client.inner.default_headers["x-org"], "org_1");
        let client = ClientBuilder::new(&INFO)
            .with_vars(vars(&[
                ("TEST_API_ACCESS_TOKEN", "tok"),
                ("TEST_API_SERVER", "sandbox"),
                ("TEST_API_BASE_URL", "http://127.0.0.1:9"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        let err = ClientBuilder::new(&INFO).with_vars(vars(&[("TEST_API_ACCESS_TOKEN", " ")])).unwrap_err();
        assert_eq!(err.to_string(), "environment variable `TEST_API_ACCESS_TOKEN`: not set");
        let err = ClientBuilder::new(&INFO)
            .with_vars(vars(&[("TEST_API_ACCESS_TOKEN", "t"), ("TEST_API_SERVER", "staging")]))
            .unwrap_err();
        assert!(err.to_string().contains("`staging` is not one of production, sandbox"), "{err}");
    }

    #[test]
    fn with_access_token_shares_the_configuration() {
        static BEARER: &[SecurityScheme] = &[SecurityScheme::Bearer];
        let org = ClientBuilder::new(&INFO).access_token("org").timeout(Duration::from_secs(7)).build().unwrap();
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

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "{input}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn debug_never_shows_credentials() {
        let builder = ClientBuilder::new(&INFO)
            .access_token("tok_SECRET")
            .basic_auth("alice", "pw_SECRET")
            .api_key("key_SECRET")
            .header("x-extra", "hdr_SECRET");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("\"***\""), "{shown}");
        let client = builder.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("bearer"), "{shown}");
        assert_eq!(format!("{:?}", SecretString::new("x")), "\"***\"");
        assert_eq!(SecretString::from("x").expose_secret(), "x");
        let shown = format!("{:?}", ClientBuilder::new(&INFO).base_url("https://u:pw_SECRET@h/"));
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn base_url_validation() {
        let ok = |url: &str| ClientBuilder::new(&INFO).base_url(url).build().map(|c| c.base_url().to_owned());
        assert_eq!(ok("https://api.example.com/").unwrap(), "https://api.example.com");
        assert_eq!(ok("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(ok("https://h/prefix/").unwrap(), "https://h/prefix");
        for bad in
            ["", "api.example.com", "/v1", "ftp://h", "https://u:p@h", "https://h/?a=1", "https://h/#x", "file:///tmp"]
        {
            let err = ok(bad).unwrap_err();
            assert!(matches!(err, BuildError::InvalidBaseUrl(_)), "{bad}: {err:?}");
            assert!(err.to_string().starts_with("invalid base URL"), "{err}");
        }
        let default = ClientBuilder::new(&INFO).build().unwrap();
        assert_eq!(default.base_url(), "https://api.example.com");
    }

    #[test]
    fn invalid_headers_and_credentials() {
        let err = ClientBuilder::new(&INFO).header("bad header", "v").build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidHeader(ref n) if n == "bad header"));
        let err = ClientBuilder::new(&INFO).header("x", "line\nbreak").build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidHeader(_)));
        let err = ClientBuilder::new(&INFO).access_token("a\r\nb").build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidCredential("access token")));
        assert!(!err.to_string().contains("a\r\nb"));
    }

    fn prepared(client: &Client, req: Request) -> Prepared {
        client.prepare(req).unwrap()
    }

    #[test]
    fn headers_and_auth_selection() {
        static BEARER_FIRST: &[SecurityScheme] = &[SecurityScheme::Bearer, SecurityScheme::Basic];
        static KEY_SCHEMES: &[SecurityScheme] =
            &[SecurityScheme::Bearer, SecurityScheme::ApiKeyQuery("api_key"), SecurityScheme::ApiKeyHeader("X-Key")];
        let basic_only = ClientBuilder::new(&INFO)
            .basic_auth("Aladdin", "open sesame")
            .header("user-agent", "custom/2")
            .build()
            .unwrap();
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

        let key = ClientBuilder::new(&INFO).api_key("k 1").build().unwrap();
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
        let client = ClientBuilder::new(&INFO).api_key("k1").build().unwrap();
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
        let client = ClientBuilder::new(&INFO).access_token("t").build().unwrap();
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
        let client = ClientBuilder::new(&INFO).base_url("https://h/api/").build().unwrap();
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

    #[test]
    fn client_is_send_sync_and_futures_are_send() {
        fn check<T: Send + Sync + Clone>() {}
        fn send<T: Send>(_: &T) {}
        check::<Client>();
        let client = ClientBuilder::new(&INFO).build().unwrap();
        let fut = client.execute(Request::new("op", Method::GET, "/", "/"));
        send(&fut);
    }
}
