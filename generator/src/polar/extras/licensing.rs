//! Licence keys for desktop apps and CLIs: validate, activate and deactivate a customer's
//! key **without an access token** (cargo feature `customer-portal`, with the newest API
//! version's).
//!
//! Polar's customer-portal licence-key operations need no credentials, so an app that ships
//! to customers must not carry one: an organization token in a binary is a token anyone can
//! extract. [`LicenseKeys`] is a client that cannot hold a token. Its builder has no
//! `access_token`, it never reads `POLAR_ACCESS_TOKEN` (or any environment variable), its
//! requests have no `access_token` setter, and it exposes only the three token-less
//! operations. Code that holds an organization token cannot hand it to this type by
//! mistake: it does not compile.
//!
//! ```compile_fail,E0599
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = polar::licensing::LicenseKeys::builder(uuid::Uuid::nil())
//!     .access_token("polar_oat_...") // no such method
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0599
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = polar::licensing::LicenseKeys::new(uuid::Uuid::nil())?;
//! let request = keys.validate("KEY").access_token("polar_oat_..."); // no such method
//! # Ok(()) }
//! ```
//!
//! # The flow
//!
//! 1. **Activate** once per device (if the licence-key benefit has activations enabled):
//!    [`LicenseKeys::activate`] reserves one of the key's activations and returns its id.
//!    Store the key and the activation id on the device.
//! 2. **Validate** at start-up: [`LicenseKeys::validate`] with
//!    [`activation_id`](Validate::activation_id). The answer says the key is granted, not
//!    expired, and that this activation still exists.
//! 3. **Deactivate** when the user moves the licence to another device:
//!    [`LicenseKeys::deactivate`] frees the activation.
//!
//! Without activations (the benefit's default) only step 2 applies, without an activation id.
//!
//! ```no_run
//! use polar::licensing::{LicenseError, LicenseKeys};
//! use polar::Server;
//!
//! # async fn run() -> Result<(), LicenseError> {
//! let organization_id = "1dbfc517-0bbf-4301-9ba8-555ca42b9737".parse().unwrap();
//! let keys = LicenseKeys::builder(organization_id).server(Server::Sandbox).build().expect("valid settings");
//! let activation = keys.activate("POLAR-KEY", "Laptop").await?;
//! // ... store `activation.id` with the key ...
//! match keys.validate("POLAR-KEY").activation_id(activation.id).await {
//!     Ok(key) => println!("licensed until {:?}", key.expires_at),
//!     Err(e) if e.is_unreachable() => println!("offline: use the last good validation"),
//!     Err(e) => return Err(e),
//! }
//! keys.deactivate("POLAR-KEY", activation.id).await?;
//! # Ok(()) }
//! ```
//!
//! With the cargo feature `blocking`, each request also has `send_blocking()`, for apps
//! without an async runtime (see `examples/license_cli.rs`).
//!
//! # Errors a user must handle
//!
//! Every request fails with a [`LicenseError`], which sorts Polar's answers (read from its
//! server, `server/polar/license_key/service.py`) into what an app does about them, and
//! keeps the underlying [`Error`] ([`LicenseError::error`]):
//!
//! | Polar answers | variant | what the app does |
//! |---|---|---|
//! | 404 `ResourceNotFound` "Not found" (any operation) | [`NotFound`](LicenseError::NotFound) | wrong key, wrong organization or server (a sandbox key against production), or an activation that was deactivated: ask for the key again; see below for the moments after a purchase |
//! | validate 404 "License key is no longer active.", activate 403 "... no longer active ..." | [`NoLongerActive`](LicenseError::NoLongerActive) | revoked (refund, cancelled subscription) or disabled by the seller: lock, point to the customer portal |
//! | validate 404 / activate 403 "License key has expired." | [`Expired`](LicenseError::Expired) | lock, offer a renewal |
//! | activate 403 "License key activation limit already reached" | [`ActivationLimitReached`](LicenseError::ActivationLimitReached) | ask the user to deactivate another device |
//! | activate 403 "This license key does not support activations ..." | [`ActivationsNotSupported`](LicenseError::ActivationsNotSupported) | the benefit has no activations: validate without one |
//! | validate 400 "License key only has N more usages." | [`UsageLimitReached`](LicenseError::UsageLimitReached) | out of usage (`increment_usage`) |
//! | validate 404 "... does not match required conditions" / "given benefit" / "given user" | [`ConditionsMismatch`](LicenseError::ConditionsMismatch), [`BenefitMismatch`](LicenseError::BenefitMismatch), [`CustomerMismatch`](LicenseError::CustomerMismatch) | the activation belongs to another machine, or the key to another product or customer |
//! | 429 (3 requests a second per IP address, then blocked for 60 s) | [`RateLimited`](LicenseError::RateLimited) | wait [`retry_after`](LicenseError::retry_after) |
//! | no answer: offline, DNS, timeout, 5xx after retries | [`Unreachable`](LicenseError::Unreachable) | keep working on the last good validation for a grace period of your choosing |
//! | anything else (422 validation errors...) | [`Other`](LicenseError::Other) | a bug or an unexpected answer: report it |
//!
//! # Just after a purchase
//!
//! Polar creates a licence key in a background job after the order is paid (the benefit
//! grant), and until then every operation answers `404 Not found`, exactly as for a wrong
//! key. A customer normally learns the key only once it exists (the e-mail, the customer
//! portal), but not always: keys a seller imports with their orders are known to the
//! customer before Polar's job has created them, and a fast app may receive the key from
//! its own backend first. For the first activation (or validation) after a purchase, ask
//! for [`retry_not_found`](Activate::retry_not_found): a `NotFound` answer is retried after
//! 1 s, 2 s, 4 s, then every 8 s (far below Polar's rate limit) until the window you give
//! ends, and only then reported. It is off by default, so that a mistyped key is reported
//! at once; 60 s covers Polar's grant job under normal load.
//!
//! # Server, organization, timeouts, version
//!
//! The organization id (the seller's, shown in Polar's settings) is required; the server is
//! production unless [`server`](LicenseKeysBuilder::server) says sandbox. Both are fixed in
//! the app: the builder reads no environment variable, so a user cannot point the app at
//! another server by setting one. Timeouts and retries are the crate's defaults (5 s per
//! attempt, retries of connection failures and `Retry-After` answers within 30 s) unless
//! set on the builder or per request. Requests send the crate's newest API version (the
//! crate root's); these operations are the same in every version the crate speaks, and an
//! older version's client can call them directly
//! (`polar::v2026_04::Client::customer_portal().license_keys()`), turning its errors into
//! [`LicenseError`]s with `From`.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::models::{
    LicenseKeyActivate, LicenseKeyActivationRead, LicenseKeyDeactivate, LicenseKeyValidate, MetadataValue,
    ValidatedLicenseKey,
};
use crate::runtime::{ClientBuilder, RequestOptions, RetryPolicy};
use crate::{BuildError, Error, ErrorKind, Server};

/// The operation ids of the three requests (what [`Error::operation`] names), for the
/// refusal of a blocking call.
#[cfg(feature = "blocking")]
const VALIDATE: &str = "customer_portal:license_keys:validate";
#[cfg(feature = "blocking")]
const ACTIVATE: &str = "customer_portal:license_keys:activate";
#[cfg(feature = "blocking")]
const DEACTIVATE: &str = "customer_portal:license_keys:deactivate";

/// The first wait of [`Activate::retry_not_found`] and the like; it doubles up to
/// [`NOT_FOUND_MAX_DELAY`].
const NOT_FOUND_FIRST_DELAY: Duration = Duration::from_secs(1);

/// The longest wait between two tries of a key not found yet.
const NOT_FOUND_MAX_DELAY: Duration = Duration::from_secs(8);

/// A client for Polar's token-less licence-key operations (validate, activate,
/// deactivate), for apps that run on customers' machines: it has no way to hold an access
/// token (see the [module docs](self)).
///
/// Cheap to clone (clones share one connection pool) and `Send + Sync`.
#[derive(Clone)]
pub struct LicenseKeys {
    client: crate::Client,
    organization_id: Uuid,
}

/// Configures a [`LicenseKeys`]: the server, timeouts and retries; never credentials.
#[must_use]
pub struct LicenseKeysBuilder {
    organization_id: Uuid,
    builder: ClientBuilder<crate::Client>,
}

impl LicenseKeys {
    /// A client for the keys of `organization_id` on Polar's production server, with the
    /// default timeout and retries.
    ///
    /// # Errors
    ///
    /// When the HTTP client cannot be created (see [`BuildError`]).
    pub fn new(organization_id: Uuid) -> Result<Self, BuildError> {
        Self::builder(organization_id).build()
    }

    /// Starts configuring a client for the keys of `organization_id` (the seller's
    /// organization, shown in Polar's settings).
    pub fn builder(organization_id: Uuid) -> LicenseKeysBuilder {
        LicenseKeysBuilder { organization_id, builder: crate::Client::builder() }
    }

    /// The organization whose keys this client checks.
    #[must_use]
    pub fn organization_id(&self) -> Uuid {
        self.organization_id
    }

    /// The base URL requests are sent to, without trailing slash.
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.client.base_url()
    }

    /// Validates `key`: granted, not expired and, with
    /// [`activation_id`](Validate::activation_id), activated on this device. `.await` it, or
    /// `send_blocking()` with the cargo feature `blocking`.
    pub fn validate(&self, key: impl Into<String>) -> Validate<'_> {
        Validate { keys: self, body: LicenseKeyValidate::new(key, self.organization_id), options: Options::default() }
    }

    /// Activates `key` on a device named `label` (shown to the customer in the portal):
    /// reserves one of the key's activations and returns it; store its `id`. `.await` it,
    /// or `send_blocking()` with the cargo feature `blocking`.
    pub fn activate(&self, key: impl Into<String>, label: impl Into<String>) -> Activate<'_> {
        Activate {
            keys: self,
            body: LicenseKeyActivate::new(key, self.organization_id, label),
            options: Options::default(),
        }
    }

    /// Deactivates the activation `activation_id` of `key`, freeing it for another device.
    /// `.await` it, or `send_blocking()` with the cargo feature
    /// `blocking`.
    pub fn deactivate(&self, key: impl Into<String>, activation_id: Uuid) -> Deactivate<'_> {
        Deactivate {
            keys: self,
            body: LicenseKeyDeactivate::new(key, self.organization_id, activation_id),
            options: Options::default(),
        }
    }
}

impl fmt::Debug for LicenseKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LicenseKeys")
            .field("organization_id", &self.organization_id)
            .field("base_url", &self.client.base_url())
            .finish_non_exhaustive()
    }
}

impl LicenseKeysBuilder {
    /// Sends requests to one of Polar's servers (default [`Server::Production`]); keys of
    /// the sandbox are only known to [`Server::Sandbox`].
    pub fn server(mut self, server: Server) -> Self {
        self.builder = self.builder.server(server);
        self
    }

    /// Sends requests to another base URL (a local test server). It must be an absolute
    /// `http` or `https` URL. Fixed in the app, like the server.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.builder = self.builder.base_url(url);
        self
    }

    /// Sets the timeout of each attempt (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.builder = self.builder.timeout(timeout);
        self
    }

    /// Sets the retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.builder = self.builder.retry(policy);
        self
    }

    /// Creates the client.
    ///
    /// # Errors
    ///
    /// An invalid base URL, or an HTTP client that cannot be created (see
    /// [`BuildError`]).
    pub fn build(self) -> Result<LicenseKeys, BuildError> {
        Ok(LicenseKeys { client: self.builder.build()?, organization_id: self.organization_id })
    }
}

impl fmt::Debug for LicenseKeysBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LicenseKeysBuilder")
            .field("organization_id", &self.organization_id)
            .field("builder", &self.builder)
            .finish()
    }
}

/// The per-request settings of the three requests.
#[derive(Clone, Debug, Default)]
struct Options {
    request: RequestOptions,
    not_found_window: Option<Duration>,
}

/// A licence request in flight, as `.await` gives it.
pub type LicenseFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, LicenseError>> + Send + 'a>>;

/// The shared setters of [`Validate`], [`Activate`] and [`Deactivate`].
macro_rules! license_request {
    ($request:ident -> $output:ty, $operation:expr, $method:ident) => {
        impl<'a> IntoFuture for $request<'a> {
            type Output = Result<$output, LicenseError>;
            type IntoFuture = LicenseFuture<'a, $output>;

            fn into_future(self) -> Self::IntoFuture {
                let $request { keys, body, options } = self;
                let request = options.request;
                Box::pin(retrying_not_found(options.not_found_window, move || {
                    keys.client.customer_portal().license_keys().$method(body.clone()).options(request.clone()).send()
                }))
            }
        }

        impl<'a> $request<'a> {
            /// Overrides the client's timeout of each attempt for this request.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.options.request = self.options.request.timeout(timeout);
                self
            }

            /// Overrides the client's retry policy for this request.
            pub fn retry(mut self, policy: RetryPolicy) -> Self {
                self.options.request = self.options.request.retry(policy);
                self
            }

            /// Retries a [`LicenseError::NotFound`] answer within `window`, waiting 1 s,
            /// 2 s, 4 s, then 8 s between tries: for the moments after a purchase, when
            /// Polar has not created the key yet (see the [module docs](self)). Off by
            /// default.
            pub fn retry_not_found(mut self, window: Duration) -> Self {
                self.options.not_found_window = Some(window);
                self
            }

            /// Sends the request, blocking the calling thread until the answer (cargo
            /// feature `blocking`; the same retries and errors as `.await`).
            ///
            /// # Errors
            ///
            /// See [`LicenseError`]; a call on a thread that runs an async runtime is
            /// refused ([`LicenseError::Other`] holding an
            /// [`ErrorKind::Blocking`](crate::ErrorKind::Blocking)).
            #[cfg(feature = "blocking")]
            pub fn send_blocking(self) -> Result<$output, LicenseError> {
                let client = self.keys.client.runtime();
                client.block_on($operation, self.into_future()).map_err(|e| LicenseError::from(Error::from(e)))?
            }
        }

        impl fmt::Debug for $request<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Never the key itself: it is the customer's secret.
                f.debug_struct(stringify!($request))
                    .field("organization_id", &self.keys.organization_id)
                    .field("options", &self.options)
                    .finish_non_exhaustive()
            }
        }
    };
}

/// A validation of a key (see [`LicenseKeys::validate`]): set what to check, then `.await`
/// it or `send_blocking()`.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Validate<'a> {
    keys: &'a LicenseKeys,
    body: LicenseKeyValidate,
    options: Options,
}

impl Validate<'_> {
    /// Checks that this activation of the key exists (the id [`LicenseKeys::activate`]
    /// returned on this device): answered [`LicenseError::NotFound`] once it is
    /// deactivated.
    pub fn activation_id(mut self, activation_id: Uuid) -> Self {
        self.body.activation_id = Some(activation_id);
        self
    }

    /// Checks that the key belongs to this benefit ([`LicenseError::BenefitMismatch`]
    /// otherwise).
    pub fn benefit_id(mut self, benefit_id: Uuid) -> Self {
        self.body.benefit_id = Some(benefit_id);
        self
    }

    /// Checks that the key belongs to this customer ([`LicenseError::CustomerMismatch`]
    /// otherwise).
    pub fn customer_id(mut self, customer_id: Uuid) -> Self {
        self.body.customer_id = Some(customer_id);
        self
    }

    /// Counts `usage` uses of the key ([`LicenseError::UsageLimitReached`] if fewer are
    /// left).
    pub fn increment_usage(mut self, usage: i64) -> Self {
        self.body.increment_usage = Some(usage);
        self
    }

    /// Adds a condition the activation was made with (`activate(..).condition(..)`):
    /// a different value is [`LicenseError::ConditionsMismatch`]. Polar compares all the
    /// conditions at once, so send every condition of the activation.
    pub fn condition(mut self, key: impl Into<String>, value: MetadataValue) -> Self {
        self.body.conditions.get_or_insert_with(Default::default).insert(key.into(), value);
        self
    }
}

license_request!(Validate -> ValidatedLicenseKey, VALIDATE, validate);

/// An activation of a key on a device (see [`LicenseKeys::activate`]): then `.await` it or
/// `send_blocking()`.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Activate<'a> {
    keys: &'a LicenseKeys,
    body: LicenseKeyActivate,
    options: Options,
}

impl Activate<'_> {
    /// Adds a condition every validation of this activation must repeat
    /// ([`Validate::condition`]), such as a machine id.
    pub fn condition(mut self, key: impl Into<String>, value: MetadataValue) -> Self {
        self.body.conditions.get_or_insert_with(Default::default).insert(key.into(), value);
        self
    }

    /// Adds metadata stored with the activation (shown to the seller).
    pub fn meta(mut self, key: impl Into<String>, value: MetadataValue) -> Self {
        self.body.meta.get_or_insert_with(Default::default).insert(key.into(), value);
        self
    }
}

license_request!(Activate -> LicenseKeyActivationRead, ACTIVATE, activate);

/// A deactivation (see [`LicenseKeys::deactivate`]): `.await` it or
/// `send_blocking()`.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Deactivate<'a> {
    keys: &'a LicenseKeys,
    body: LicenseKeyDeactivate,
    options: Options,
}

license_request!(Deactivate -> (), DEACTIVATE, deactivate);

/// Runs `attempt` until it succeeds or fails with anything but `NotFound`, or `window`
/// (none: no retry) would end before the next try.
async fn retrying_not_found<T, F, Fut>(window: Option<Duration>, mut attempt: F) -> Result<T, LicenseError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let start = Instant::now();
    let mut delay = NOT_FOUND_FIRST_DELAY;
    loop {
        let error = match attempt().await {
            Ok(output) => return Ok(output),
            Err(e) => LicenseError::from(e),
        };
        let Some(window) = window else { return Err(error) };
        if !matches!(error, LicenseError::NotFound(_)) || start.elapsed() + delay > window {
            return Err(error);
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(NOT_FOUND_MAX_DELAY);
    }
}

/// Why a licence request failed, sorted by what an app does about it (see the [module
/// docs](self) for Polar's answers behind each). Each variant keeps the crate's [`Error`]:
/// the operation, status, headers and body.
#[derive(Debug)]
#[non_exhaustive]
pub enum LicenseError {
    /// No such key in this organization (a wrong key, another organization's, a sandbox key
    /// against production), or, when validating with an activation id or deactivating, no
    /// such activation (deactivated). Also a key Polar has not created yet, just after a
    /// purchase (see [`Activate::retry_not_found`]).
    NotFound(Error),
    /// The key was revoked (a refund, a cancelled subscription) or disabled by the seller.
    NoLongerActive(Error),
    /// The key has expired.
    Expired(Error),
    /// Every activation of the key is in use: another device must be deactivated first.
    ActivationLimitReached(Error),
    /// The key's benefit has no activations: validate the key without one.
    ActivationsNotSupported(Error),
    /// The key has fewer uses left than `increment_usage` asked for.
    UsageLimitReached {
        /// How many uses are left, as Polar said.
        remaining: Option<i64>,
        /// The underlying error.
        error: Error,
    },
    /// The activation was made with other conditions (another machine).
    ConditionsMismatch(Error),
    /// The key belongs to another benefit than the one given.
    BenefitMismatch(Error),
    /// The key belongs to another customer than the one given.
    CustomerMismatch(Error),
    /// Too many requests: Polar allows 3 a second per IP address for these operations and
    /// then refuses every request of that address for 60 s; see
    /// [`retry_after`](Self::retry_after).
    RateLimited(Error),
    /// Polar could not be reached or did not answer in time (offline, DNS, TLS, timeouts,
    /// `5xx` after retries): keep the last good validation for a while.
    Unreachable(Error),
    /// Anything else: an invalid request (`422`), an undecodable answer, a refused
    /// blocking call.
    Other(Error),
}

impl LicenseError {
    /// The underlying error: operation, status, headers, body.
    #[must_use]
    pub fn error(&self) -> &Error {
        match self {
            LicenseError::NotFound(e)
            | LicenseError::NoLongerActive(e)
            | LicenseError::Expired(e)
            | LicenseError::ActivationLimitReached(e)
            | LicenseError::ActivationsNotSupported(e)
            | LicenseError::UsageLimitReached { error: e, .. }
            | LicenseError::ConditionsMismatch(e)
            | LicenseError::BenefitMismatch(e)
            | LicenseError::CustomerMismatch(e)
            | LicenseError::RateLimited(e)
            | LicenseError::Unreachable(e)
            | LicenseError::Other(e) => e,
        }
    }

    /// The underlying error, consuming this one.
    #[must_use]
    pub fn into_error(self) -> Error {
        match self {
            LicenseError::NotFound(e)
            | LicenseError::NoLongerActive(e)
            | LicenseError::Expired(e)
            | LicenseError::ActivationLimitReached(e)
            | LicenseError::ActivationsNotSupported(e)
            | LicenseError::UsageLimitReached { error: e, .. }
            | LicenseError::ConditionsMismatch(e)
            | LicenseError::BenefitMismatch(e)
            | LicenseError::CustomerMismatch(e)
            | LicenseError::RateLimited(e)
            | LicenseError::Unreachable(e)
            | LicenseError::Other(e) => e,
        }
    }

    /// Whether Polar could not be reached ([`Unreachable`](Self::Unreachable)) or asked to
    /// wait ([`RateLimited`](Self::RateLimited)): nothing is known about the key, so an app
    /// keeps its last good validation.
    #[must_use]
    pub fn is_unreachable(&self) -> bool {
        matches!(self, LicenseError::Unreachable(_) | LicenseError::RateLimited(_))
    }

    /// How long Polar asked to wait (its `Retry-After`), if it did.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.error().retry_after()
    }

    /// What the variant means, for [`Display`](fmt::Display).
    fn summary(&self) -> &'static str {
        match self {
            LicenseError::NotFound(_) => "license key not found",
            LicenseError::NoLongerActive(_) => "license key no longer active (revoked or disabled)",
            LicenseError::Expired(_) => "license key expired",
            LicenseError::ActivationLimitReached(_) => "license key activation limit reached",
            LicenseError::ActivationsNotSupported(_) => "license key does not support activations",
            LicenseError::UsageLimitReached { .. } => "license key usage limit reached",
            LicenseError::ConditionsMismatch(_) => "license key activation conditions do not match",
            LicenseError::BenefitMismatch(_) => "license key belongs to another benefit",
            LicenseError::CustomerMismatch(_) => "license key belongs to another customer",
            LicenseError::RateLimited(_) => "too many license requests",
            LicenseError::Unreachable(_) => "license server unreachable",
            LicenseError::Other(_) => "license request failed",
        }
    }
}

impl fmt::Display for LicenseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.summary(), self.error())
    }
}

impl std::error::Error for LicenseError {
    /// The underlying error's source: `Display` already shows the underlying error.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(self.error())
    }
}

impl From<Error> for LicenseError {
    /// Sorts an error of a licence-key operation (these three, or their authenticated twins
    /// under `/v1/license-keys/`, which answer alike) by Polar's status, `error` and
    /// `detail`.
    fn from(error: Error) -> Self {
        let Some(status) = error.status() else {
            return match error.kind() {
                ErrorKind::Timeout | ErrorKind::Connect(_) | ErrorKind::Transport(_) => {
                    LicenseError::Unreachable(error)
                }
                _ => LicenseError::Other(error),
            };
        };
        if matches!(error.kind(), ErrorKind::VersionNotServed { .. }) {
            return LicenseError::Other(error);
        }
        let (class, detail) = error.raw_body().map(|body| server_said(body)).unwrap_or_default();
        let detail = detail.to_ascii_lowercase();
        let has = |text: &str| detail.contains(text);
        match status.as_u16() {
            404 if has("no longer active") => LicenseError::NoLongerActive(error),
            404 if has("expired") => LicenseError::Expired(error),
            404 if has("required conditions") => LicenseError::ConditionsMismatch(error),
            404 if has("given benefit") => LicenseError::BenefitMismatch(error),
            404 if has("given user") => LicenseError::CustomerMismatch(error),
            // A service's `ResourceNotFound`, not a router's `{"detail": "Not Found"}` (a
            // wrong base URL).
            404 if class == "ResourceNotFound" => LicenseError::NotFound(error),
            403 if has("activation limit") => LicenseError::ActivationLimitReached(error),
            403 if has("does not support activations") => LicenseError::ActivationsNotSupported(error),
            403 if has("no longer active") => LicenseError::NoLongerActive(error),
            403 if has("expired") => LicenseError::Expired(error),
            400 if has("more usages") => {
                let remaining = detail.split_whitespace().find_map(|word| word.parse().ok());
                LicenseError::UsageLimitReached { remaining, error }
            }
            429 => LicenseError::RateLimited(error),
            500..=599 => LicenseError::Unreachable(error),
            _ => LicenseError::Other(error),
        }
    }
}

/// Polar's `error` (the exception's class) and `detail` in an error body.
fn server_said(body: &[u8]) -> (String, String) {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |key: &str| json.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
    (text("error"), text("detail"))
}
