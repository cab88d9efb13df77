//! Verification of incoming Polar webhooks.
//!
//! Polar signs its webhook deliveries according to the
//! [Standard Webhooks](https://www.standardwebhooks.com/) specification:
//!
//! * Every delivery carries three headers: `webhook-id` (a unique message
//!   id), `webhook-timestamp` (unix seconds at which it was sent) and
//!   `webhook-signature` (one or more space-separated `v1,<base64>` entries).
//! * Each `v1` signature is the base64-encoded HMAC-SHA256 of the bytes
//!   `{webhook-id}.{webhook-timestamp}.{body}`.
//!
//! [`WebhookVerifier`] checks those headers against the raw request body: the
//! timestamp must be within a tolerance (five minutes by default) of the
//! current time, and at least one `v1` entry must match, compared in constant
//! time. [`WebhookVerifier::verify_and_decode`] then deserializes the body,
//! typically into the crate's `WebhookEvent` enum, and
//! [`WebhookVerifier::verify_request`] does both for an [`http::Request`],
//! keeping the `webhook-id` for idempotency ([`VerifiedWebhook`]). With the
//! `axum` cargo feature, [`VerifiedWebhook`] is also an axum extractor.
//!
//! # Secrets
//!
//! Polar creates every endpoint secret as `whsec_` followed by 43 ASCII
//! letters and digits (37 random characters and a 6-character base62 CRC32),
//! and signs deliveries with one of two keys derived from it:
//!
//! 1. **Polar's original scheme**: the HMAC key is the UTF-8 bytes of the
//!    *whole* secret, `whsec_` included (Polar's server hands
//!    `base64(secret)` to a Standard Webhooks library, which decodes it back).
//!    [`WebhookVerifier::from_raw_secret`] uses only this key.
//! 2. **The standard scheme** (endpoints created with Standard Webhooks
//!    signatures): the HMAC key is the base64 decoding of the text after
//!    `whsec_`. Polar's 43 characters are not canonical base64 (their last
//!    character carries bits beyond the key), which is tolerated, as Polar's
//!    SDKs do. [`WebhookVerifier::from_whsec`] uses only this key.
//!
//! [`WebhookVerifier::new`] takes a secret exactly as Polar shows it and
//! accepts a delivery signed under either key, as Polar's own SDKs do, so the
//! scheme of the endpoint does not matter. It refuses only an empty secret.
//! A `whsec_` secret whose rest is not base64 (secrets set through the
//! deprecated `secret` field of an endpoint can be any text), and a secret
//! without the `whsec_` prefix, are used as the UTF-8 bytes of the whole
//! string, the key Polar's server signs with.
//!
//! # Answering Polar
//!
//! Polar waits 10 seconds for an answer and retries a delivery that gets no
//! 2xx answer in time (the same `webhook-id`, a fresh timestamp and
//! signature): any other answer is a failed attempt, at most 10 attempts in
//! all over about an hour, and Polar disables the endpoint when its 10 most
//! recent events all failed. Answer quickly, with 2xx for every verified
//! delivery, and do slow work afterwards (queue the event); because of
//! retries, the same event can arrive more than once, so make handling
//! idempotent by the `webhook-id` ([`VerifiedWebhook::id`]), for example by
//! recording the ids already processed. `router::WebhookRouter` (feature
//! `webhook-router`) does both.
//!
//! # Example
//!
//! ```ignore
//! use crate::runtime::webhooks::WebhookVerifier;
//!
//! // Once, at start-up: the secret as Polar shows it (`whsec_…`).
//! let verifier = WebhookVerifier::new(&std::env::var("POLAR_WEBHOOK_SECRET")?)?;
//!
//! // For every request: `headers` is an `http::HeaderMap` and `body` the raw
//! // request body bytes, exactly as received (do not re-serialize the JSON).
//! let event: WebhookEvent = verifier.verify_and_decode(&headers, &body)?;
//! ```

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, DecodeError, Engine as _};
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Name of the header that carries the unique message id.
pub const HEADER_ID: &str = "webhook-id";

/// Name of the header that carries the send time in unix seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";

/// Name of the header that carries the space-separated signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// Prefix of secrets in the Standard Webhooks `whsec_<base64>` form.
pub const WHSEC_PREFIX: &str = "whsec_";

/// How far the `webhook-timestamp` may lie in the past or in the future by
/// default: five minutes, as the Standard Webhooks specification recommends.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Base64 for `whsec_` secrets: standard alphabet, padding optional (the
/// reference libraries accept unpadded secrets too), bits of the last
/// character beyond the key ignored (Polar's 43-character secrets have two;
/// Polar's SDKs and the reference libraries ignore them too).
const WHSEC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Longest signature entry worth decoding; a SHA-256 MAC is 44 characters.
const MAX_SIGNATURE_CHARS: usize = 64;

/// Longest excerpt of a bad header value quoted in an error message.
const MAX_EXCERPT_CHARS: usize = 32;

/// The signature version this module produces and accepts.
const SIGNATURE_VERSION: &[u8] = b"v1";

type HmacSha256 = Hmac<Sha256>;

/// Why a webhook delivery was rejected, or a secret refused.
///
/// No variant, and no `Display` message, contains the secret or the key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is absent or empty. Holds the header's name: one of
    /// [`HEADER_ID`], [`HEADER_TIMESTAMP`] or [`HEADER_SIGNATURE`], checked in
    /// that order.
    MissingHeader(&'static str),
    /// The `webhook-timestamp` header is not a non-negative integer number of
    /// seconds. Holds a short, escaped excerpt of the received value.
    InvalidTimestamp(String),
    /// The `webhook-timestamp` lies further in the past than the tolerance.
    TimestampTooOld {
        /// The `webhook-timestamp`, in unix seconds.
        timestamp: i64,
        /// The verifier's current time, in unix seconds.
        now: i64,
        /// The tolerance, in whole seconds.
        tolerance_secs: u64,
    },
    /// The `webhook-timestamp` lies further in the future than the tolerance.
    TimestampInFuture {
        /// The `webhook-timestamp`, in unix seconds.
        timestamp: i64,
        /// The verifier's current time, in unix seconds.
        now: i64,
        /// The tolerance, in whole seconds.
        tolerance_secs: u64,
    },
    /// The `webhook-signature` header contains no `version,signature` entry
    /// at all.
    InvalidSignatureHeader,
    /// No `v1` entry of the `webhook-signature` header matches the payload:
    /// the body, id or timestamp was altered, or the secret is wrong.
    NoMatchingSignature,
    /// The secret cannot be used. Holds the reason, which never quotes the
    /// secret itself.
    InvalidSecret(String),
    /// The signature is valid but the body does not deserialize into the
    /// requested type.
    Decode {
        /// Where in the JSON document deserialization failed, such as
        /// `data.items[0].price` (`.` for the document itself).
        path: String,
        /// The deserializer's message.
        message: String,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "missing or empty `{name}` header"),
            Self::InvalidTimestamp(value) => {
                write!(f, "`{HEADER_TIMESTAMP}` header is not a unix timestamp in seconds: {value}")
            }
            Self::TimestampTooOld { timestamp, now, tolerance_secs } => write!(
                f,
                "webhook timestamp {timestamp} is more than {tolerance_secs} s before the current \
                 time {now}"
            ),
            Self::TimestampInFuture { timestamp, now, tolerance_secs } => write!(
                f,
                "webhook timestamp {timestamp} is more than {tolerance_secs} s after the current \
                 time {now}"
            ),
            Self::InvalidSignatureHeader => {
                write!(f, "`{HEADER_SIGNATURE}` header contains no `version,signature` entry")
            }
            Self::NoMatchingSignature => {
                write!(f, "no v1 signature in the `{HEADER_SIGNATURE}` header matches the payload")
            }
            Self::InvalidSecret(reason) => write!(f, "invalid webhook secret: {reason}"),
            Self::Decode { path, message } => write!(f, "webhook payload could not be decoded at `{path}`: {message}"),
        }
    }
}

impl std::error::Error for WebhookError {}

impl WebhookError {
    /// The HTTP status to answer a refused delivery with:
    ///
    /// * `401 Unauthorized` when the delivery cannot be authenticated: a
    ///   missing or malformed webhook header, a timestamp outside the
    ///   tolerance, or no matching signature;
    /// * `400 Bad Request` when the signature is valid but the body does not
    ///   decode ([`WebhookError::Decode`]);
    /// * `500 Internal Server Error` for [`WebhookError::InvalidSecret`], a
    ///   configuration problem of the receiver, not of the delivery.
    ///
    /// Polar retries a delivery that gets no 2xx answer.
    #[must_use]
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::MissingHeader(_)
            | Self::InvalidTimestamp(_)
            | Self::TimestampTooOld { .. }
            | Self::TimestampInFuture { .. }
            | Self::InvalidSignatureHeader
            | Self::NoMatchingSignature => http::StatusCode::UNAUTHORIZED,
            Self::Decode { .. } => http::StatusCode::BAD_REQUEST,
            Self::InvalidSecret(_) => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Header lookup used by [`WebhookVerifier`].
///
/// Implemented for [`http::HeaderMap`], for slices, arrays and vectors of
/// `(name, value)` pairs (such as `&[(&str, &str)]`), for
/// [`BTreeMap`] and [`HashMap`] keyed by header name, and for references to
/// any of these. Implement it for other header containers as needed.
pub trait HeaderLookup {
    /// Returns the value of the header `name`, with names compared
    /// ASCII-case-insensitively, or `None` if there is no such header.
    ///
    /// `name` is always lowercase. If several headers match, which one is
    /// returned is up to the implementation: the ones in this module return
    /// the first in the container's order, preferring an exactly-lowercase
    /// key in maps.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl<T: HeaderLookup + ?Sized> HeaderLookup for &T {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

/// Looks `name` up case-insensitively; `http` normalizes names to lowercase.
impl HeaderLookup for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(http::HeaderValue::as_bytes)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter().find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name)).map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> HeaderLookup for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: Borrow<str> + Ord, V: AsRef<[u8]>> HeaderLookup for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name)
            .or_else(|| self.iter().find(|(key, _)| (*key).borrow().eq_ignore_ascii_case(name)).map(|(_, value)| value))
            .map(AsRef::as_ref)
    }
}

impl<K: Borrow<str> + Eq + Hash, V: AsRef<[u8]>, S: BuildHasher> HeaderLookup for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name)
            .or_else(|| self.iter().find(|(key, _)| (*key).borrow().eq_ignore_ascii_case(name)).map(|(_, value)| value))
            .map(AsRef::as_ref)
    }
}

/// Verifies Standard Webhooks signatures on Polar webhook deliveries.
///
/// Build one per secret and reuse it: it is cheap to clone and can be shared
/// between threads. Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct WebhookVerifier {
    /// HMAC-SHA256 already keyed with the signing key (Polar's original key
    /// for [`WebhookVerifier::new`]); cloned for each message.
    /// [`sign`](Self::sign) uses it.
    mac: HmacSha256,
    /// A second key a signature may match under (see [`WebhookVerifier::new`]).
    alternate: Option<HmacSha256>,
    tolerance: Duration,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("keys", &(1 + usize::from(self.alternate.is_some())))
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl WebhookVerifier {
    /// Creates a verifier from a webhook secret exactly as Polar shows it
    /// (`whsec_` and 43 letters and digits), accepting deliveries signed with
    /// either scheme Polar uses:
    ///
    /// * the UTF-8 bytes of the whole secret, `whsec_` included (Polar's
    ///   original scheme, as [`from_raw_secret`](Self::from_raw_secret));
    /// * when the text after `whsec_` is base64 (padding optional,
    ///   non-canonical trailing bits tolerated) of a non-empty key, that key
    ///   (the standard scheme, as [`from_whsec`](Self::from_whsec)).
    ///
    /// A delivery is valid when one of its `v1` signatures matches under
    /// either key. This is what Polar's own SDKs do. A secret without the
    /// `whsec_` prefix has only the first key. [`sign`](Self::sign) signs
    /// with the first key, as Polar's server does, so a test delivery signed
    /// with it is one Polar could have sent.
    ///
    /// The secret is used exactly as given: surrounding whitespace (such as a
    /// trailing newline read from a file) is part of it, and makes a `whsec_`
    /// secret invalid.
    ///
    /// A `whsec_` secret whose rest is not base64 of a non-empty key (an
    /// endpoint whose secret was set through the deprecated `secret` field
    /// can hold any text) has only the first key, the one Polar's server
    /// signs with; polar-sdk's `_signing_keys` and @polar-sh/sdk's `hmacKeys`
    /// do the same.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] if the secret is empty.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let raw = Self::from_raw_secret(secret)?;
        if !secret.starts_with(WHSEC_PREFIX) {
            return Ok(raw);
        }
        // Like Polar's SDKs: the standard key too when the rest decodes, else the raw key
        // alone. The raw key stays the one `sign` uses: Polar's server signs with it.
        match Self::from_whsec(secret) {
            Ok(standard) => Ok(Self { alternate: Some(standard.mac), ..raw }),
            Err(_) => Ok(raw),
        }
    }

    /// Creates a verifier for the standard scheme only: the HMAC key is the
    /// base64 decoding of the text after the `whsec_` prefix.
    ///
    /// The prefix is optional (bare base64 is accepted, as the reference
    /// libraries do); the base64 must use the standard alphabet
    /// (`A–Z a–z 0–9 + /`), with or without `=` padding, and nothing else, not
    /// even whitespace. Bits of the last character beyond the key are ignored
    /// (Polar's 43-character secrets have them), as in Polar's SDKs.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] if the text is not valid base64 or
    /// decodes to an empty key.
    pub fn from_whsec(secret: &str) -> Result<Self, WebhookError> {
        let encoded = secret.strip_prefix(WHSEC_PREFIX).unwrap_or(secret);
        let key =
            WHSEC_BASE64.decode(encoded).map_err(|err| WebhookError::InvalidSecret(describe_base64_error(&err)))?;
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret("the key after `whsec_` is empty".to_owned()));
        }
        Self::from_key_bytes(&key)
    }

    /// Creates a verifier for Polar's original scheme only: the HMAC key is
    /// the UTF-8 bytes of `secret`, unchanged.
    ///
    /// No prefix is stripped (`whsec_` is part of the key), nothing is
    /// decoded or trimmed. This matches Polar's server, which passes
    /// `base64(secret)` to a Standard Webhooks library that decodes it back to
    /// those bytes; the equivalent standard form of `secret` is therefore
    /// `"whsec_" + base64(secret)`.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] if `secret` is empty.
    pub fn from_raw_secret(secret: &str) -> Result<Self, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::InvalidSecret("the secret is empty".to_owned()));
        }
        Self::from_key_bytes(secret.as_bytes())
    }

    /// Creates a verifier from the HMAC-SHA256 key bytes themselves.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] if `key` is empty.
    pub fn from_key_bytes(key: &[u8]) -> Result<Self, WebhookError> {
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret("the key is empty".to_owned()));
        }
        let mac = HmacSha256::new_from_slice(key)
            .map_err(|_| WebhookError::InvalidSecret("HMAC-SHA256 does not accept the key".to_owned()))?;
        Ok(Self { mac, alternate: None, tolerance: DEFAULT_TOLERANCE })
    }

    /// Returns this verifier with another timestamp tolerance: how far the
    /// `webhook-timestamp` may lie before or after the current time. The
    /// default is [`DEFAULT_TOLERANCE`] (five minutes); fractions of a second
    /// are ignored.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The timestamp tolerance in use.
    #[must_use]
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies a webhook delivery against the system clock.
    ///
    /// `headers` are the request headers (looked up case-insensitively) and
    /// `body` the raw request body exactly as received. See
    /// [`verify_at`](Self::verify_at) for the checks made.
    ///
    /// # Errors
    ///
    /// See [`verify_at`](Self::verify_at).
    pub fn verify(&self, headers: &(impl HeaderLookup + ?Sized), body: &[u8]) -> Result<(), WebhookError> {
        self.verify_at(headers, body, unix_now())
    }

    /// Verifies a webhook delivery as if the current time were `now` (unix
    /// seconds); meant for tests.
    ///
    /// The checks, in order:
    ///
    /// 1. `webhook-id`, `webhook-timestamp` and `webhook-signature` are
    ///    present and non-empty.
    /// 2. `webhook-timestamp` is a non-negative integer number of seconds
    ///    (ASCII digits; surrounding whitespace is ignored) no further than
    ///    the tolerance before or after `now`; exactly the tolerance away is
    ///    still accepted.
    /// 3. `webhook-signature`, split on whitespace, holds at least one
    ///    `version,signature` entry, and some entry with version exactly `v1`
    ///    carries the standard, padded base64 of
    ///    HMAC-SHA256(key, `{id}.{timestamp}.{body}`) under one of the
    ///    verifier's keys, where `{id}` is the header's bytes as received and
    ///    `{timestamp}` the parsed integer without leading zeros. Entries of
    ///    other versions, entries without a comma and entries that are not
    ///    valid base64 are skipped. MACs are compared in constant time.
    ///
    /// # Errors
    ///
    /// The first failed check, as [`WebhookError::MissingHeader`],
    /// [`WebhookError::InvalidTimestamp`], [`WebhookError::TimestampTooOld`],
    /// [`WebhookError::TimestampInFuture`],
    /// [`WebhookError::InvalidSignatureHeader`] or
    /// [`WebhookError::NoMatchingSignature`].
    pub fn verify_at(&self, headers: &(impl HeaderLookup + ?Sized), body: &[u8], now: i64) -> Result<(), WebhookError> {
        self.check(headers, body, now).map(|_| ())
    }

    /// Verifies a webhook delivery against the system clock, then
    /// deserializes its JSON body into `T` (typically the crate's
    /// `WebhookEvent`).
    ///
    /// The body is only parsed once the signature has been verified.
    ///
    /// # Errors
    ///
    /// Any error of [`verify`](Self::verify), or [`WebhookError::Decode`] if
    /// the body is not a JSON document of type `T`.
    pub fn verify_and_decode<T: DeserializeOwned>(
        &self,
        headers: &(impl HeaderLookup + ?Sized),
        body: &[u8],
    ) -> Result<T, WebhookError> {
        self.verify_and_decode_at(headers, body, unix_now())
    }

    /// Like [`verify_and_decode`](Self::verify_and_decode), as if the current
    /// time were `now` (unix seconds); meant for tests.
    ///
    /// # Errors
    ///
    /// Any error of [`verify_at`](Self::verify_at), or
    /// [`WebhookError::Decode`] if the body is not a JSON document of type `T`.
    pub fn verify_and_decode_at<T: DeserializeOwned>(
        &self,
        headers: &(impl HeaderLookup + ?Sized),
        body: &[u8],
        now: i64,
    ) -> Result<T, WebhookError> {
        self.verify_at(headers, body, now)?;
        decode_json(body)
    }

    /// Verifies and decodes a delivery given as headers and body, against the
    /// system clock, keeping its `webhook-id` and timestamp: the
    /// framework-free entry point (pass `&parts.headers` of an
    /// [`http::request::Parts`], or any other [`HeaderLookup`]).
    ///
    /// # Errors
    ///
    /// As [`verify_and_decode`](Self::verify_and_decode); see
    /// [`WebhookError::status`] for the answer to send.
    pub fn verify_delivery<T: DeserializeOwned>(
        &self,
        headers: &(impl HeaderLookup + ?Sized),
        body: &[u8],
    ) -> Result<VerifiedWebhook<T>, WebhookError> {
        self.verify_delivery_at(headers, body, unix_now())
    }

    /// Like [`verify_delivery`](Self::verify_delivery), as if the current time
    /// were `now` (unix seconds); meant for tests.
    ///
    /// # Errors
    ///
    /// As [`verify_and_decode_at`](Self::verify_and_decode_at).
    pub fn verify_delivery_at<T: DeserializeOwned>(
        &self,
        headers: &(impl HeaderLookup + ?Sized),
        body: &[u8],
        now: i64,
    ) -> Result<VerifiedWebhook<T>, WebhookError> {
        let (id, timestamp) = self.check(headers, body, now)?;
        let payload = decode_json(body)?;
        Ok(VerifiedWebhook { id: String::from_utf8_lossy(id).into_owned(), timestamp, payload })
    }

    /// Verifies and decodes a whole [`http::Request`] whose body is already
    /// buffered (`Bytes`, `Vec<u8>`, `String`, ...), against the system clock:
    /// for hyper, actix-web (via its `http` types) or any framework built on
    /// the `http` crate.
    ///
    /// ```ignore
    /// let delivery: VerifiedWebhook<WebhookEvent> = verifier.verify_request(&request)?;
    /// ```
    ///
    /// # Errors
    ///
    /// As [`verify_delivery`](Self::verify_delivery); see
    /// [`WebhookError::status`] for the answer to send.
    pub fn verify_request<T: DeserializeOwned, B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<VerifiedWebhook<T>, WebhookError> {
        self.verify_delivery(request.headers(), request.body().as_ref())
    }

    /// Computes the `v1,<base64>` signature of a message, in the format of
    /// one `webhook-signature` entry.
    ///
    /// Useful in tests of your own webhook handler: send `body` with the
    /// headers `webhook-id: {id}`, `webhook-timestamp: {timestamp}` and
    /// `webhook-signature: {sign(id, timestamp, body)}`, and it will verify
    /// with this verifier as long as `timestamp` is within the tolerance.
    ///
    /// A verifier from [`new`](Self::new) or
    /// [`from_raw_secret`](Self::from_raw_secret) signs as Polar's server
    /// does (`server/polar/webhook/tasks.py`): the HMAC key is the UTF-8
    /// bytes of the whole secret, `whsec_` included. One from
    /// [`from_whsec`](Self::from_whsec) signs with the standard key. With
    /// the `test-util` cargo feature, `runtime::testing::WebhookDelivery`
    /// builds whole signed deliveries.
    #[must_use]
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = mac_of(&self.mac, id.as_bytes(), timestamp, body);
        format!("v1,{}", STANDARD.encode(mac))
    }

    /// Runs the checks of [`verify_at`](Self::verify_at); returns the
    /// `webhook-id` bytes and the timestamp.
    fn check<'h>(
        &self,
        headers: &'h (impl HeaderLookup + ?Sized),
        body: &[u8],
        now: i64,
    ) -> Result<(&'h [u8], i64), WebhookError> {
        let id = required_header(headers, HEADER_ID)?;
        let timestamp = required_header(headers, HEADER_TIMESTAMP)?;
        let signatures = required_header(headers, HEADER_SIGNATURE)?;

        let timestamp = parse_timestamp(timestamp)?;
        self.check_timestamp(timestamp, now)?;

        let expected = mac_of(&self.mac, id, timestamp, body);
        let alternate = self.alternate.as_ref().map(|mac| mac_of(mac, id, timestamp, body));
        let mut saw_entry = false;
        for entry in signatures.split(u8::is_ascii_whitespace).filter(|entry| !entry.is_empty()) {
            let Some(comma) = entry.iter().position(|&byte| byte == b',') else {
                continue;
            };
            saw_entry = true;
            let (version, signature) = (&entry[..comma], &entry[comma + 1..]);
            if version != SIGNATURE_VERSION || signature.len() > MAX_SIGNATURE_CHARS {
                continue;
            }
            let mut decoded = [0_u8; MAX_SIGNATURE_CHARS];
            let Ok(len) = STANDARD.decode_slice(signature, &mut decoded) else {
                continue;
            };
            let decoded = &decoded[..len];
            // Both keys are compared, each in constant time, whichever matches.
            let matches_alternate =
                alternate.as_ref().map_or(subtle::Choice::from(0), |mac| mac.as_slice().ct_eq(decoded));
            if bool::from(expected.as_slice().ct_eq(decoded) | matches_alternate) {
                return Ok((id, timestamp));
            }
        }
        Err(if saw_entry { WebhookError::NoMatchingSignature } else { WebhookError::InvalidSignatureHeader })
    }

    fn check_timestamp(&self, timestamp: i64, now: i64) -> Result<(), WebhookError> {
        let tolerance_secs = self.tolerance.as_secs();
        let age = i128::from(now) - i128::from(timestamp);
        if age > i128::from(tolerance_secs) {
            Err(WebhookError::TimestampTooOld { timestamp, now, tolerance_secs })
        } else if -age > i128::from(tolerance_secs) {
            Err(WebhookError::TimestampInFuture { timestamp, now, tolerance_secs })
        } else {
            Ok(())
        }
    }
}

/// A verified, decoded webhook delivery: what
/// [`WebhookVerifier::verify_request`] and
/// [`WebhookVerifier::verify_delivery`] return, and, with the `axum` cargo
/// feature, an axum extractor.
///
/// The axum extractor takes the [`WebhookVerifier`] from the application
/// state (through `FromRef`, so the state may be the verifier itself or a
/// struct holding one), buffers the body (within axum's body limit),
/// verifies it against the system clock and decodes it into `T`. A refused
/// delivery is answered with [`WebhookError::status`] and the error's message
/// (which never contains the secret).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VerifiedWebhook<T> {
    /// The `webhook-id` header: the same for every retry of a delivery, so
    /// the key to handle each event once (non-UTF-8 bytes replaced by U+FFFD).
    pub id: String,
    /// The `webhook-timestamp` header, in unix seconds.
    pub timestamp: i64,
    /// The decoded body, typically the crate's `WebhookEvent`.
    pub payload: T,
}

/// HMAC-SHA256 of `{id}.{timestamp}.{body}` under `key`.
fn mac_of(key: &HmacSha256, id: &[u8], timestamp: i64, body: &[u8]) -> [u8; 32] {
    let mut mac = key.clone();
    mac.update(id);
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The header's value; absent and empty are both [`WebhookError::MissingHeader`].
fn required_header<'h>(
    headers: &'h (impl HeaderLookup + ?Sized),
    name: &'static str,
) -> Result<&'h [u8], WebhookError> {
    match headers.header(name) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(WebhookError::MissingHeader(name)),
    }
}

/// Parses unix seconds made of ASCII digits, ignoring surrounding whitespace.
fn parse_timestamp(raw: &[u8]) -> Result<i64, WebhookError> {
    let digits = raw.trim_ascii();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(WebhookError::InvalidTimestamp(excerpt(raw)));
    }
    std::str::from_utf8(digits)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| WebhookError::InvalidTimestamp(excerpt(raw)))
}

/// A short, escaped, quoted copy of an untrusted header value for messages.
fn excerpt(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_EXCERPT_CHARS).collect();
    let ellipsis = if chars.next().is_some() { "…" } else { "" };
    format!("\"{}\"{ellipsis}", head.escape_debug())
}

/// Describes a base64 error in a `whsec_` secret without quoting any of it.
fn describe_base64_error(err: &DecodeError) -> String {
    match err {
        DecodeError::InvalidByte(offset, _) => {
            format!("the text after `whsec_` is not base64: invalid character at offset {offset}")
        }
        DecodeError::InvalidLength(_) => "the text after `whsec_` is not base64: invalid length".to_owned(),
        DecodeError::InvalidLastSymbol(offset, _) => {
            format!("the text after `whsec_` is not base64: invalid last character at offset {offset}")
        }
        DecodeError::InvalidPadding => "the text after `whsec_` is not base64: invalid padding".to_owned(),
    }
}

/// Deserializes a whole JSON document, reporting where it failed (at full speed: the
/// path is only tracked, by a second decode, after a failure; see `decode_slice`).
fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    super::decode_slice(body).map_err(|(path, err)| {
        // Unions decode their arms from buffered JSON; an arm's path comes back in front
        // of the message and is joined here.
        let (path, message) = super::model::nested_error_path(&path, &err.to_string());
        WebhookError::Decode { path, message }
    })
}

/// The system clock in unix seconds (negative before 1970).
pub(crate) fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
    }
}

#[cfg(feature = "axum")]
mod axum_extract;

#[cfg(feature = "axum")]
pub use self::axum_extract::WebhookRejection;

// A module rather than re-exports here: every name this file exports is reserved against
// the spec's type names (`names::runtime_exports`), and the router's need not be.
#[cfg(feature = "webhook-router")]
pub mod router;

#[cfg(test)]
mod tests;
