//! The client's configuration: the API's static facts ([`ApiInfo`]), credentials and
//! [`ClientBuilder`], which checks them and creates a [`Client`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::Url;

use super::super::retry::RetryPolicy;
use super::super::transport::{ReqwestTransport, Transport};
use super::{Client, Inner};

/// A layer of [`ClientBuilder::layer`]: wraps the transport built so far.
type Layer = Box<dyn FnOnce(Arc<dyn Transport>) -> Arc<dyn Transport> + Send>;

/// The default of [`ClientBuilder::max_response_size`]: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 32 * 1024 * 1024;

/// Static facts about an API, defined once by generated code and shared by the
/// client handles of all its versions.
///
/// ```ignore
/// pub static API_INFO: ApiInfo = ApiInfo {
///     user_agent: concat!("my-sdk/", env!("CARGO_PKG_VERSION")),
///     default_base_url: "https://api.example.com",
///     version_header: Some("x-api-version"),
///     versions: &["2026-04", "2026-10"],
///     version_echoed: false,
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
    /// The header that pins the API version of a request, if the API has one
    /// (Polar: `Polar-Version`). Each client handle sends its own version in it
    /// ([`ApiHandle::API_VERSION`]).
    pub version_header: Option<&'static str>,
    /// The API versions the crate speaks, oldest first (`"2026-04"`...).
    pub versions: &'static [&'static str],
    /// The server echoes the version header on every response of a version it
    /// serves (Polar does): a `404 {"detail": "Not Found"}` without it means
    /// the requested version is not served, which the client reports as
    /// [`ErrorKind::VersionNotServed`](super::super::ErrorKind::VersionNotServed).
    pub version_echoed: bool,
    /// The header [`ClientBuilder::organization_id`] sets, if the API has one.
    pub organization_header: Option<&'static str>,
    /// The prefix of the environment variables [`ClientBuilder::with_env`] reads
    /// (`POLAR` → `POLAR_ACCESS_TOKEN`...).
    pub env_prefix: &'static str,
    /// The API's servers as `(name, base URL)`, names in lower case
    /// (`("sandbox", "https://sandbox-api.polar.sh")`).
    pub servers: &'static [(&'static str, &'static str)],
}

/// A client handle of one version of an API: the [`Client`] that sends that
/// version in the API's version header. Generated crates define one per version
/// (`Client`), and [`ClientBuilder::build`] makes them; the runtime's own
/// [`Client`] is the handle that sends no version.
pub trait ApiHandle: Sized {
    /// The value of the version header this handle sends (`"2026-10"`), if any.
    const API_VERSION: Option<&'static str>;

    /// Wraps a client that sends [`API_VERSION`](Self::API_VERSION).
    fn from_client(client: Client) -> Self;
}

impl ApiHandle for Client {
    const API_VERSION: Option<&'static str> = None;

    fn from_client(client: Client) -> Self {
        client
    }
}

/// One of an API's servers (a generated `Server` enum), for
/// [`ClientBuilder::server`].
pub trait ApiServer {
    /// The server's base URL.
    fn base_url(&self) -> &'static str;
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
            BuildError::InvalidBaseUrl(reason) => write!(f, "invalid base URL: {}", reason.escape_debug()),
            // Escaped: a name with a line break must not split a log line.
            BuildError::InvalidHeader(name) => write!(f, "invalid default header `{}`", name.escape_debug()),
            BuildError::InvalidCredential(which) => {
                write!(f, "invalid {which}: not a valid HTTP header value")
            }
            BuildError::HttpClient(_) => f.write_str("cannot create the HTTP client"),
            BuildError::Env(name, reason) => {
                write!(f, "environment variable `{}`: {}", name.escape_debug(), reason.escape_debug())
            }
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

/// Configures and creates a client handle `C` (a version's `Client`; by default the
/// runtime's [`Client`]).
///
/// ```ignore
/// let client = ClientBuilder::<Client>::new(&API_INFO)
///     .access_token(std::env::var("API_TOKEN")?)
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// ```
#[must_use]
pub struct ClientBuilder<C = Client> {
    info: &'static ApiInfo,
    handle: PhantomData<fn() -> C>,
    base_url: Option<String>,
    access_token: Option<SecretString>,
    basic: Option<(String, SecretString)>,
    api_key: Option<SecretString>,
    transport: Option<Arc<dyn Transport>>,
    layers: Vec<Layer>,
    timeout: Duration,
    retry: RetryPolicy,
    headers: Vec<(String, String)>,
    max_response_size: usize,
    organization_id: Option<String>,
}

impl<C: ApiHandle> ClientBuilder<C> {
    /// A builder with the API's defaults: its default base URL, no
    /// credentials, a 5 s timeout per attempt and the default
    /// [`RetryPolicy`].
    pub fn new(info: &'static ApiInfo) -> Self {
        Self {
            info,
            handle: PhantomData,
            base_url: None,
            access_token: None,
            basic: None,
            api_key: None,
            transport: None,
            layers: Vec::new(),
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

    /// Sends requests to one of the API's servers (its generated `Server`
    /// enum; default: the first one).
    pub fn server(self, server: impl ApiServer) -> Self {
        self.base_url(server.base_url())
    }

    /// Uses this `reqwest` client (proxies, TLS roots, connection pool...)
    /// through a [`ReqwestTransport`].
    ///
    /// By default a client is created that follows redirects only within
    /// the same origin, so credentials never go to another host.
    pub fn http_client(self, client: reqwest::Client) -> Self {
        self.transport(ReqwestTransport::new(client))
    }

    /// Sends every request through `transport` instead of a `reqwest` client: a
    /// mock in tests, another HTTP stack. The client keeps building requests,
    /// authenticating, timing out, retrying and decoding; the transport only
    /// moves each attempt (see [`Transport`]).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Wraps the transport in a layer of yours, which sees every attempt and its
    /// response: logging, metrics, recording, changing headers. `wrap` receives
    /// the transport below (the default one, [`transport`](Self::transport)'s,
    /// or the previous layer) and returns the one to use; the last layer added is
    /// the outermost.
    ///
    /// ```ignore
    /// #[derive(Debug)]
    /// struct Count(Arc<dyn Transport>, Arc<AtomicUsize>);
    /// impl Transport for Count {
    ///     fn send(&self, request: http::Request<Bytes>) -> TransportFuture {
    ///         self.1.fetch_add(1, Ordering::Relaxed);
    ///         self.0.send(request)
    ///     }
    /// }
    /// let client = Client::builder().layer(|inner| Count(inner, sent.clone())).build()?;
    /// ```
    pub fn layer<T: Transport>(mut self, wrap: impl FnOnce(Arc<dyn Transport>) -> T + Send + 'static) -> Self {
        self.layers.push(Box::new(|inner| Arc::new(wrap(inner))));
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
    /// [`ErrorKind::ResponseTooLarge`](super::super::ErrorKind::ResponseTooLarge)
    /// as soon as it is known, so memory stays bounded by about this size.
    /// Bodies read as a stream (the `bytes_stream` method of text and binary
    /// operations) are not limited.
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

    /// Checks the configuration and creates the client handle.
    ///
    /// # Errors
    ///
    /// See [`BuildError`].
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = self.base_url.as_deref().unwrap_or(self.info.default_base_url);
        let (base_url, base_path) = parse_base_url(base_url)?;

        let mut default_headers = HeaderMap::new();
        let ua = HeaderValue::from_str(self.info.user_agent)
            .map_err(|_| BuildError::InvalidHeader(USER_AGENT.to_string()))?;
        default_headers.insert(USER_AGENT, ua);
        let version_header = self
            .info
            .version_header
            .map(|name| HeaderName::from_bytes(name.as_bytes()).map_err(|_| BuildError::InvalidHeader(name.to_owned())))
            .transpose()?;
        let version = C::API_VERSION
            .map(|version| {
                HeaderValue::from_str(version).map_err(|_| BuildError::InvalidHeader(format!("{version} (version)")))
            })
            .transpose()?;
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

        let mut transport: Arc<dyn Transport> = match self.transport {
            Some(transport) => transport,
            None => {
                let https = base_url.starts_with("https:");
                let builder =
                    super::super::tls::configure(reqwest::Client::builder(), https).map_err(BuildError::Tls)?;
                let http = builder.redirect(same_origin_redirects()).build().map_err(BuildError::HttpClient)?;
                Arc::new(ReqwestTransport::new(http))
            }
        };
        for layer in self.layers {
            transport = layer(transport);
        }

        let client = Client {
            inner: Arc::new(Inner {
                info: self.info,
                transport,
                base_url,
                base_path,
                default_headers,
                version_header,
                basic,
                api_key,
                timeout: self.timeout,
                retry: self.retry,
                max_response_size: self.max_response_size,
                #[cfg(feature = "blocking")]
                blocking: std::sync::OnceLock::new(),
            }),
            bearer,
            version,
        };
        Ok(C::from_client(client))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("access_token", &self.access_token)
            .field("basic_auth", &self.basic.as_ref().map(|(user, p)| (user, p)))
            .field("api_key", &self.api_key)
            .field("transport", &self.transport)
            .field("layers", &self.layers.len())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("max_response_size", &self.max_response_size)
            .field("organization_id", &self.organization_id)
            .finish_non_exhaustive()
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

pub(super) fn sensitive(value: String, which: &'static str) -> Result<HeaderValue, BuildError> {
    let mut value = HeaderValue::try_from(value).map_err(|_| BuildError::InvalidCredential(which))?;
    value.set_sensitive(true);
    Ok(value)
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

    use super::super::tests::INFO;

    #[test]
    fn from_env_reads_token_server_base_url_and_organization() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        };
        let client = ClientBuilder::<Client>::new(&INFO)
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
        let client = ClientBuilder::<Client>::new(&INFO)
            .with_vars(vars(&[
                ("TEST_API_ACCESS_TOKEN", "tok"),
                ("TEST_API_SERVER", "sandbox"),
                ("TEST_API_BASE_URL", "http://127.0.0.1:9"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        let err = ClientBuilder::<Client>::new(&INFO).with_vars(vars(&[("TEST_API_ACCESS_TOKEN", " ")])).unwrap_err();
        assert_eq!(err.to_string(), "environment variable `TEST_API_ACCESS_TOKEN`: not set");
        let err = ClientBuilder::<Client>::new(&INFO)
            .with_vars(vars(&[("TEST_API_ACCESS_TOKEN", "t"), ("TEST_API_SERVER", "staging")]))
            .unwrap_err();
        assert!(err.to_string().contains("`staging` is not one of production, sandbox"), "{err}");
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
        let builder = ClientBuilder::<Client>::new(&INFO)
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
        let shown = format!("{:?}", ClientBuilder::<Client>::new(&INFO).base_url("https://u:pw_SECRET@h/"));
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn base_url_validation() {
        let ok = |url: &str| ClientBuilder::<Client>::new(&INFO).base_url(url).build().map(|c| c.base_url().to_owned());
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
        let default = ClientBuilder::<Client>::new(&INFO).build().unwrap();
        assert_eq!(default.base_url(), "https://api.example.com");
    }

    #[test]
    fn invalid_headers_and_credentials() {
        let err = ClientBuilder::<Client>::new(&INFO).header("bad header", "v").build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidHeader(ref n) if n == "bad header"));
        let err = ClientBuilder::<Client>::new(&INFO).header("x", "line\nbreak").build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidHeader(_)));
        // A name with a line break is escaped, so the message stays one log line.
        let err = ClientBuilder::<Client>::new(&INFO).header("x-a\r\nx-injected: 1", "v").build().unwrap_err();
        assert_eq!(err.to_string(), "invalid default header `x-a\\r\\nx-injected: 1`");
        let err = ClientBuilder::<Client>::new(&INFO).access_token("a\r\nb").build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidCredential("access token")));
        assert!(!err.to_string().contains("a\r\nb"));
    }
}
