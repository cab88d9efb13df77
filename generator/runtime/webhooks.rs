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
//! typically into the crate's `WebhookEvent` enum.
//!
//! # Secrets
//!
//! Polar webhook secrets come in two forms, and the two are turned into the
//! HMAC key differently:
//!
//! 1. **`whsec_` form** (`whsec_<base64>`, the Standard Webhooks convention):
//!    the HMAC key is the base64 decoding of the text after `whsec_`.
//!    Use [`WebhookVerifier::from_whsec`].
//! 2. **Raw form**, the secret string exactly as Polar's dashboard shows it
//!    (for example `polar_whs_…`): the HMAC key is the UTF-8 bytes of that
//!    string, unchanged. This is what Polar's own SDKs do: they base64-encode
//!    the secret and hand it to a Standard Webhooks library, which decodes it
//!    again. Use [`WebhookVerifier::from_raw_secret`].
//!
//! [`WebhookVerifier::new`] picks the form for you: a secret that starts with
//! `whsec_` is taken in the `whsec_` form, anything else in the raw form.
//! The raw form of a secret `s` and the `whsec_` form
//! `"whsec_" + base64(s)` give the same key.
//!
//! # Example
//!
//! ```ignore
//! use crate::runtime::webhooks::WebhookVerifier;
//!
//! // Once, at start-up:
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
/// reference libraries accept unpadded secrets too).
const WHSEC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
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
    /// HMAC-SHA256 already keyed with the secret; cloned for each message.
    mac: HmacSha256,
    tolerance: Duration,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier").field("tolerance", &self.tolerance).finish_non_exhaustive()
    }
}

impl WebhookVerifier {
    /// Creates a verifier from a secret in either form, chosen by prefix:
    ///
    /// * starting with `whsec_`: the `whsec_` form, as
    ///   [`from_whsec`](Self::from_whsec) (key = base64 decoding of the rest);
    /// * anything else: the raw form, as
    ///   [`from_raw_secret`](Self::from_raw_secret) (key = the UTF-8 bytes of
    ///   `secret`), which is how Polar's own SDKs treat the secret shown in
    ///   Polar's dashboard.
    ///
    /// The secret is used exactly as given: surrounding whitespace (such as a
    /// trailing newline read from a file) is part of it. To use a raw secret
    /// that happens to start with `whsec_`, call
    /// [`from_raw_secret`](Self::from_raw_secret) directly.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] if the secret is empty, or if it starts
    /// with `whsec_` and the rest is not valid base64 of a non-empty key.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        if secret.starts_with(WHSEC_PREFIX) {
            Self::from_whsec(secret)
        } else {
            Self::from_raw_secret(secret)
        }
    }

    /// Creates a verifier from a secret in the Standard Webhooks form
    /// `whsec_<base64>`.
    ///
    /// The HMAC key is the base64 decoding of the text after the `whsec_`
    /// prefix. The prefix is optional (bare base64 is accepted, as the
    /// reference libraries do); the base64 must use the standard alphabet
    /// (`A–Z a–z 0–9 + /`), with or without `=` padding, and nothing else, not
    /// even whitespace.
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

    /// Creates a verifier from a raw secret string, as shown in Polar's
    /// dashboard.
    ///
    /// The HMAC key is the UTF-8 bytes of `secret`, unchanged: no prefix is
    /// stripped, nothing is decoded or trimmed. This matches Polar's SDKs,
    /// which pass `base64(secret)` to a Standard Webhooks library that decodes
    /// it back to those bytes; the equivalent `whsec_` form of `secret` is
    /// therefore `"whsec_" + base64(secret)`.
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
        Ok(Self { mac, tolerance: DEFAULT_TOLERANCE })
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
    ///    HMAC-SHA256(key, `{id}.{timestamp}.{body}`), where `{id}` is the
    ///    header's bytes as received and `{timestamp}` the parsed integer
    ///    without leading zeros. Entries of other versions, entries without a
    ///    comma and entries that are not valid base64 are skipped. MACs are
    ///    compared in constant time.
    ///
    /// # Errors
    ///
    /// The first failed check, as [`WebhookError::MissingHeader`],
    /// [`WebhookError::InvalidTimestamp`], [`WebhookError::TimestampTooOld`],
    /// [`WebhookError::TimestampInFuture`],
    /// [`WebhookError::InvalidSignatureHeader`] or
    /// [`WebhookError::NoMatchingSignature`].
    pub fn verify_at(&self, headers: &(impl HeaderLookup + ?Sized), body: &[u8], now: i64) -> Result<(), WebhookError> {
        let id = required_header(headers, HEADER_ID)?;
        let timestamp = required_header(headers, HEADER_TIMESTAMP)?;
        let signatures = required_header(headers, HEADER_SIGNATURE)?;

        let timestamp = parse_timestamp(timestamp)?;
        self.check_timestamp(timestamp, now)?;

        let expected = self.mac_of(id, timestamp, body);
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
            if bool::from(expected.as_slice().ct_eq(&decoded[..len])) {
                return Ok(());
            }
        }
        Err(if saw_entry { WebhookError::NoMatchingSignature } else { WebhookError::InvalidSignatureHeader })
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

    /// Computes the `v1,<base64>` signature of a message, in the format of
    /// one `webhook-signature` entry.
    ///
    /// Useful in tests of your own webhook handler: send `body` with the
    /// headers `webhook-id: {id}`, `webhook-timestamp: {timestamp}` and
    /// `webhook-signature: {sign(id, timestamp, body)}`, and it will verify
    /// with this verifier as long as `timestamp` is within the tolerance.
    #[must_use]
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = self.mac_of(id.as_bytes(), timestamp, body);
        format!("v1,{}", STANDARD.encode(mac))
    }

    /// HMAC-SHA256 of `{id}.{timestamp}.{body}`.
    fn mac_of(&self, id: &[u8], timestamp: i64, body: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(id);
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().into()
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
fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::Value;

    /// Produced by `scripts/webhook_vectors.py` with the reference
    /// `standardwebhooks` Python package.
    const VECTORS: &str = include_str!("testdata/webhooks/vectors.json");

    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TIMESTAMP: i64 = 1_614_265_330;
    const SPEC_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    const NOW: i64 = 1_700_000_000;
    const RAW_SECRET: &str = "polar_whs_NotARealSecret";

    fn verifier() -> WebhookVerifier {
        WebhookVerifier::new(RAW_SECRET).expect("valid secret")
    }

    fn headers<'a>(id: &'a str, timestamp: &'a str, signature: &'a str) -> [(&'a str, &'a str); 3] {
        [(HEADER_ID, id), (HEADER_TIMESTAMP, timestamp), (HEADER_SIGNATURE, signature)]
    }

    fn outcome(result: &Result<(), WebhookError>) -> String {
        match result {
            Ok(()) => "ok".to_owned(),
            Err(WebhookError::MissingHeader(name)) => format!("missing_header:{name}"),
            Err(WebhookError::InvalidTimestamp(_)) => "invalid_timestamp".to_owned(),
            Err(WebhookError::TimestampTooOld { .. }) => "too_old".to_owned(),
            Err(WebhookError::TimestampInFuture { .. }) => "in_future".to_owned(),
            Err(WebhookError::InvalidSignatureHeader) => "invalid_signature_header".to_owned(),
            Err(WebhookError::NoMatchingSignature) => "no_matching_signature".to_owned(),
            Err(other) => format!("unexpected: {other}"),
        }
    }

    /// `webhook-id` -> `Webhook-Id`.
    fn title_case_name(name: &str) -> String {
        name.split('-')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |first| first.to_ascii_uppercase().to_string() + chars.as_str())
            })
            .collect::<Vec<_>>()
            .join("-")
    }

    fn text<'v>(case: &'v Value, field: &str) -> &'v str {
        case[field].as_str().unwrap_or_else(|| panic!("{field} of {case} is not a string"))
    }

    fn optional_text<'v>(case: &'v Value, field: &str) -> Option<&'v str> {
        match &case[field] {
            Value::Null => None,
            value => Some(value.as_str().unwrap_or_else(|| panic!("{field} of {case}"))),
        }
    }

    #[test]
    fn reference_vectors() {
        let cases: Vec<Value> = serde_json::from_str(VECTORS).expect("vectors.json parses");
        assert!(cases.len() >= 30, "only {} vectors", cases.len());
        let mut seen = std::collections::BTreeSet::new();

        for case in &cases {
            let name = text(case, "name");
            let secret = text(case, "secret");
            let form = text(case, "secret_form");
            let body = text(case, "body").as_bytes();
            let now = case["now"].as_i64().expect("now is an integer");
            let expect = match text(case, "expect") {
                "missing_header" => format!("missing_header:{}", text(case, "missing_header")),
                other => other.to_owned(),
            };
            seen.insert(text(case, "expect").to_owned());

            let explicit = match form {
                "whsec" => WebhookVerifier::from_whsec(secret),
                "raw" => WebhookVerifier::from_raw_secret(secret),
                other => panic!("{name}: unknown secret_form {other}"),
            }
            .expect("explicit constructor");
            let verifiers = [
                WebhookVerifier::new(secret).expect("WebhookVerifier::new"),
                explicit,
                WebhookVerifier::from_whsec(text(case, "whsec_equivalent")).expect("whsec_equivalent"),
            ];

            let values = [
                (HEADER_ID, optional_text(case, "id")),
                (HEADER_TIMESTAMP, optional_text(case, "timestamp")),
                (HEADER_SIGNATURE, optional_text(case, "signature_header")),
            ];
            let mut header_map = http::HeaderMap::new();
            let mut title_case: Vec<(String, String)> = Vec::new();
            let mut upper_case: BTreeMap<String, String> = BTreeMap::new();
            let mut lower_case: HashMap<&str, &str> = HashMap::new();
            for (header, value) in values {
                let Some(value) = value else { continue };
                header_map.insert(header, http::HeaderValue::from_str(value).expect("header value"));
                title_case.push((title_case_name(header), value.to_owned()));
                upper_case.insert(header.to_ascii_uppercase(), value.to_owned());
                lower_case.insert(header, value);
            }

            for (index, verifier) in verifiers.iter().enumerate() {
                let results = [
                    verifier.verify_at(&header_map, body, now),
                    verifier.verify_at(&title_case, body, now),
                    verifier.verify_at(&upper_case, body, now),
                    verifier.verify_at(&lower_case, body, now),
                ];
                for result in &results {
                    assert_eq!(outcome(result), expect, "{name} (verifier #{index})");
                }
            }

            // `sign` reproduces the reference signature for canonical timestamps.
            if let (Some(id), Some(timestamp), Some(signatures)) = (values[0].1, values[1].1, values[2].1) {
                let canonical = timestamp.parse::<i64>().ok().filter(|ts| ts.to_string() == timestamp);
                if let (Some(ts), "ok") = (canonical, expect.as_str()) {
                    let ours = verifiers[0].sign(id, ts, body);
                    assert!(signatures.split(' ').any(|entry| entry == ours), "{name}: {ours} not in {signatures}");
                }
            }
        }

        for kind in [
            "ok",
            "missing_header",
            "invalid_timestamp",
            "too_old",
            "in_future",
            "invalid_signature_header",
            "no_matching_signature",
        ] {
            assert!(seen.contains(kind), "no vector expects {kind}");
        }
    }

    #[test]
    fn spec_known_answer() {
        let verifier = WebhookVerifier::new(SPEC_SECRET).expect("secret");
        assert_eq!(verifier.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), SPEC_SIGNATURE);
        let ts = SPEC_TIMESTAMP.to_string();
        let headers = headers(SPEC_ID, &ts, SPEC_SIGNATURE);
        assert_eq!(verifier.verify_at(&headers, SPEC_BODY, SPEC_TIMESTAMP), Ok(()));
    }

    #[test]
    fn secret_forms() {
        // Raw: the key is the UTF-8 bytes of the string.
        let raw = WebhookVerifier::from_raw_secret(RAW_SECRET).expect("raw");
        let bytes = WebhookVerifier::from_key_bytes(RAW_SECRET.as_bytes()).expect("bytes");
        let whsec = format!("whsec_{}", STANDARD.encode(RAW_SECRET));
        let whsec = WebhookVerifier::from_whsec(&whsec).expect("whsec");
        let bare = WebhookVerifier::from_whsec(&STANDARD.encode(RAW_SECRET)).expect("bare");
        let expected = raw.sign("id", NOW, b"{}");
        for other in [&bytes, &whsec, &bare, &verifier()] {
            assert_eq!(other.sign("id", NOW, b"{}"), expected);
        }

        // `new` picks the form by prefix.
        let key = b"0123456789abcdef0123456789abcdef";
        let from_key = WebhookVerifier::from_key_bytes(key).expect("key");
        let auto = WebhookVerifier::new(&format!("whsec_{}", STANDARD.encode(key))).expect("new");
        assert_eq!(auto.sign("id", NOW, b""), from_key.sign("id", NOW, b""));

        // A raw secret starting with `whsec_` needs the explicit constructor.
        assert!(matches!(WebhookVerifier::new("whsec_not base64!"), Err(WebhookError::InvalidSecret(_))));
        let forced = WebhookVerifier::from_raw_secret("whsec_not base64!").expect("raw");
        let by_bytes = WebhookVerifier::from_key_bytes(b"whsec_not base64!").expect("bytes");
        assert_eq!(forced.sign("id", 1, b"x"), by_bytes.sign("id", 1, b"x"));

        // A raw secret is not trimmed.
        let padded = WebhookVerifier::new("secret\n").expect("raw");
        let trimmed = WebhookVerifier::new("secret").expect("raw");
        assert_ne!(padded.sign("id", 1, b"x"), trimmed.sign("id", 1, b"x"));
    }

    #[test]
    fn invalid_secrets_are_rejected_without_echo() {
        for secret in ["", "whsec_", "whsec_====", "whsec_c2Vj$cmV0", "whsec_c2VjcmV0 ", "whsec_Zm9vYmFyX"] {
            let err = WebhookVerifier::new(secret).expect_err(secret);
            assert!(matches!(err, WebhookError::InvalidSecret(_)), "{secret}: {err:?}");
            let message = err.to_string();
            let body = secret.trim_start_matches("whsec_");
            if !body.is_empty() {
                assert!(!message.contains(body), "{message} echoes {secret}");
                assert!(!format!("{err:?}").contains(body));
            }
        }
        assert!(WebhookVerifier::from_key_bytes(&[]).is_err());
        assert!(WebhookVerifier::from_raw_secret("").is_err());
        assert!(WebhookVerifier::from_whsec("").is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let secret = "whsec_c3VwZXItc2VjcmV0LWtleQ==";
        let verifier = WebhookVerifier::new(secret).expect("secret");
        let debug = format!("{verifier:?}");
        assert_eq!(debug, "WebhookVerifier { tolerance: 300s, .. }");
        for needle in ["c3VwZXItc2VjcmV0LWtleQ", "super-secret-key", "115, 117, 112"] {
            assert!(!debug.contains(needle), "{debug}");
        }
        let raw = format!("{:?}", WebhookVerifier::new(RAW_SECRET).expect("raw"));
        assert!(!raw.contains(RAW_SECRET), "{raw}");
    }

    #[test]
    fn tolerance_is_configurable() {
        let verifier = verifier().with_tolerance(Duration::from_millis(10_900));
        assert_eq!(verifier.tolerance(), Duration::from_millis(10_900));
        let check = |ts: i64| {
            let sig = verifier.sign("id", ts, b"{}");
            let ts = ts.to_string();
            verifier.verify_at(&headers("id", &ts, &sig), b"{}", NOW)
        };
        assert_eq!(check(NOW - 10), Ok(()));
        assert_eq!(check(NOW + 10), Ok(()));
        assert_eq!(
            check(NOW - 11),
            Err(WebhookError::TimestampTooOld { timestamp: NOW - 11, now: NOW, tolerance_secs: 10 })
        );
        assert_eq!(
            check(NOW + 11),
            Err(WebhookError::TimestampInFuture { timestamp: NOW + 11, now: NOW, tolerance_secs: 10 })
        );

        let strict = verifier.with_tolerance(Duration::ZERO);
        let sig = strict.sign("id", NOW, b"{}");
        let ts = NOW.to_string();
        assert_eq!(strict.verify_at(&headers("id", &ts, &sig), b"{}", NOW), Ok(()));
        assert!(strict.verify_at(&headers("id", &ts, &sig), b"{}", NOW + 1).is_err());
        assert_eq!(WebhookVerifier::new("x").expect("raw").tolerance(), DEFAULT_TOLERANCE);
    }

    #[test]
    fn verifies_against_the_system_clock() {
        let verifier = verifier();
        let now = unix_now();
        let ts = now.to_string();
        let sig = verifier.sign("msg_1", now, b"{}");
        assert_eq!(verifier.verify(&headers("msg_1", &ts, &sig), b"{}"), Ok(()));
        let old = (now - 3600).to_string();
        let old_sig = verifier.sign("msg_1", now - 3600, b"{}");
        assert!(matches!(
            verifier.verify(&headers("msg_1", &old, &old_sig), b"{}"),
            Err(WebhookError::TimestampTooOld { .. })
        ));
    }

    #[test]
    fn signature_header_parsing() {
        let verifier = verifier();
        let ts = NOW.to_string();
        let good = verifier.sign("id", NOW, b"{}");
        let mac = good.trim_start_matches("v1,");
        let check = |signature: &str| verifier.verify_at(&headers("id", &ts, signature), b"{}", NOW);

        // Extra whitespace and malformed neighbours do not hide a valid entry.
        assert_eq!(check(&format!("  {good}\t\t{good}  ")), Ok(()));
        assert_eq!(check(&format!("garbage v1 ,, {good}")), Ok(()));
        assert_eq!(check(&format!("v2,{mac} v1,!!! v1, {good}")), Ok(()));
        // Only exactly `v1`, and only canonical padded base64 of the full MAC.
        for bad in [
            format!("V1,{mac}"),
            format!(" v1,{mac}x"),
            format!("v1,{}", mac.trim_end_matches('=')),
            format!("v1,{}", &mac[..40]),
            format!("v1,{mac}{mac}"),
            format!("v1,,{mac}"),
            format!("v1,{}", "A".repeat(10_000)),
            "v1,".to_owned(),
        ] {
            assert_eq!(check(&bad), Err(WebhookError::NoMatchingSignature), "{bad}");
        }
        for malformed in ["v1", "   ", "\t", "garbage", mac] {
            assert_eq!(check(malformed), Err(WebhookError::InvalidSignatureHeader), "{malformed:?}");
        }
        assert_eq!(check(""), Err(WebhookError::MissingHeader(HEADER_SIGNATURE)));
    }

    #[test]
    fn timestamp_parsing() {
        let verifier = verifier();
        let good = verifier.sign("id", NOW, b"{}");
        let check = |ts: &str| verifier.verify_at(&headers("id", ts, &good), b"{}", NOW);
        assert_eq!(check(&format!(" {NOW}\t")), Ok(()));
        assert_eq!(check(&format!("000{NOW}")), Ok(()));
        for bad in [
            format!("+{NOW}"),
            format!("-{NOW}"),
            format!("{NOW}.0"),
            format!("{NOW}s"),
            "1e9".to_owned(),
            " ".to_owned(),
            "9".repeat(30),
            "１７００".to_owned(),
        ] {
            assert!(matches!(check(&bad), Err(WebhookError::InvalidTimestamp(_))), "{bad:?}: {:?}", check(&bad));
        }
        assert_eq!(check(""), Err(WebhookError::MissingHeader(HEADER_TIMESTAMP)));
        // Extreme clocks and timestamps do not overflow.
        let far = i64::MAX.to_string();
        assert!(matches!(
            verifier.verify_at(&headers("id", &far, &good), b"{}", i64::MIN),
            Err(WebhookError::TimestampInFuture { .. })
        ));
        assert!(matches!(
            verifier.verify_at(&headers("id", "0", &good), b"{}", i64::MAX),
            Err(WebhookError::TimestampTooOld { .. })
        ));
    }

    #[test]
    fn invalid_timestamp_message_is_short_and_escaped() {
        let hostile = format!("\u{1b}[31m\n{}", "x".repeat(10_000));
        let err = verifier().verify_at(&headers("id", &hostile, "v1,AAAA"), b"", NOW).expect_err("invalid");
        let message = err.to_string();
        assert!(message.len() < 200, "{message}");
        assert!(!message.contains('\u{1b}') && !message.contains('\n'), "{message}");
    }

    #[test]
    fn hostile_header_bytes_do_not_panic() {
        let verifier = verifier();
        let mut map = http::HeaderMap::new();
        let opaque = http::HeaderValue::from_bytes(b"\xff\xfe\x80 v1,\xc3\x28").expect("obs-text");
        map.insert(HEADER_ID, opaque.clone());
        map.insert(HEADER_TIMESTAMP, opaque.clone());
        map.insert(HEADER_SIGNATURE, opaque.clone());
        assert!(matches!(verifier.verify_at(&map, b"\xff", NOW), Err(WebhookError::InvalidTimestamp(_))));

        // A non-UTF-8 id is signed byte for byte.
        let id = b"\xffmsg";
        let mut mac = HmacSha256::new_from_slice(RAW_SECRET.as_bytes()).expect("key");
        mac.update(id);
        mac.update(format!(".{NOW}.").as_bytes());
        mac.update(b"{}");
        let sig = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        map.insert(HEADER_ID, http::HeaderValue::from_bytes(id).expect("obs-text"));
        map.insert(HEADER_TIMESTAMP, http::HeaderValue::from(NOW));
        map.insert(HEADER_SIGNATURE, http::HeaderValue::from_str(&sig).expect("ascii"));
        assert_eq!(verifier.verify_at(&map, b"{}", NOW), Ok(()));

        // Huge signature headers: rejected, no panic.
        map.insert(HEADER_SIGNATURE, opaque);
        assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::NoMatchingSignature));
        let huge = format!("{} ", sig.replace("v1,", "v1,A")).repeat(20_000);
        map.insert(HEADER_SIGNATURE, http::HeaderValue::from_str(&huge).expect("ascii"));
        assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::NoMatchingSignature));
        map.insert(HEADER_SIGNATURE, http::HeaderValue::from_str(&"v".repeat(100_000)).expect("ascii"));
        assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::InvalidSignatureHeader));

        // Empty id.
        map.insert(HEADER_ID, http::HeaderValue::from_static(""));
        assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::MissingHeader(HEADER_ID)));
    }

    #[test]
    fn header_lookup_implementations() {
        let verifier = verifier();
        let ts = NOW.to_string();
        let sig = verifier.sign("id", NOW, b"{}");

        let slice: &[(&str, &str)] = &[
            ("Content-Type", "application/json"),
            ("WEBHOOK-ID", "id"),
            ("Webhook-Timestamp", &ts),
            ("webhook-signature", &sig),
        ];
        assert_eq!(verifier.verify_at(slice, b"{}", NOW), Ok(()));
        assert_eq!(verifier.verify_at(&slice, b"{}", NOW), Ok(()));

        let owned: Vec<(String, String)> = slice.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(verifier.verify_at(&owned, b"{}", NOW), Ok(()));

        let hash: HashMap<String, String> = owned.iter().cloned().collect();
        assert_eq!(verifier.verify_at(&hash, b"{}", NOW), Ok(()));
        let btree: BTreeMap<String, String> = owned.iter().cloned().collect();
        assert_eq!(verifier.verify_at(&btree, b"{}", NOW), Ok(()));
        let values: HashMap<&str, http::HeaderValue> =
            slice.iter().map(|(k, v)| (*k, http::HeaderValue::from_str(v).expect("ascii"))).collect();
        assert_eq!(verifier.verify_at(&values, b"{}", NOW), Ok(()));

        // Maps prefer the exactly-lowercase key.
        let mut both: BTreeMap<&str, &str> = slice.iter().copied().collect();
        both.insert("Webhook-Id", "other");
        both.insert("webhook-id", "id");
        assert_eq!(verifier.verify_at(&both, b"{}", NOW), Ok(()));
        assert_eq!(slice.header("content-type"), Some(&b"application/json"[..]));
        assert_eq!(slice.header("x-missing"), None);

        let mut map = http::HeaderMap::new();
        for (name, value) in slice {
            map.insert(
                http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                http::HeaderValue::from_str(value).expect("value"),
            );
        }
        assert_eq!(verifier.verify_at(&map, b"{}", NOW), Ok(()));
        assert_eq!(
            verifier.verify_and_decode_at::<Value>(&&map, b"{}", NOW),
            Ok(Value::Object(serde_json::Map::new()))
        );
    }

    #[test]
    fn verify_and_decode() {
        let verifier = verifier();
        let ts = NOW.to_string();
        let decode = |body: &str| -> Result<BTreeMap<String, Vec<u32>>, WebhookError> {
            let sig = verifier.sign("id", NOW, body.as_bytes());
            verifier.verify_and_decode_at(&headers("id", &ts, &sig), body.as_bytes(), NOW)
        };

        let decoded = decode(r#"{"a":[1,2],"b":[]}"#).expect("valid");
        assert_eq!(decoded["a"], vec![1, 2]);
        assert_eq!(
            decode(r#"{"a":[1,"two"]}"#),
            Err(WebhookError::Decode {
                path: "a[1]".to_owned(),
                message: "invalid type: string \"two\", expected u32 at line 1 column 13".to_owned(),
            })
        );
        assert!(matches!(
            decode(r#"{"a":[]} trailing"#),
            Err(WebhookError::Decode { ref path, .. }) if path == "."
        ));
        assert!(matches!(decode(""), Err(WebhookError::Decode { .. })));

        // The signature is checked before the body is parsed.
        let sig = verifier.sign("id", NOW, b"{}");
        let result: Result<Value, _> = verifier.verify_and_decode_at(&headers("id", &ts, &sig), b"not json", NOW);
        assert_eq!(result, Err(WebhookError::NoMatchingSignature));

        // Against the system clock.
        let now = unix_now();
        let sig = verifier.sign("id", now, br#"{"type":"order.paid"}"#);
        let now = now.to_string();
        let event: Value =
            verifier.verify_and_decode(&headers("id", &now, &sig), br#"{"type":"order.paid"}"#).expect("valid");
        assert_eq!(event["type"], "order.paid");
    }

    #[test]
    fn sign_format() {
        let signature = verifier().sign("msg", NOW, b"body");
        let mac = signature.strip_prefix("v1,").expect("v1 prefix");
        assert_eq!(mac.len(), 44);
        assert_eq!(STANDARD.decode(mac).expect("base64").len(), 32);
        assert_ne!(verifier().sign("msg", NOW + 1, b"body"), signature);
    }

    #[test]
    fn error_messages() {
        let cases = [
            (WebhookError::MissingHeader(HEADER_ID), "missing or empty `webhook-id` header"),
            (
                WebhookError::InvalidTimestamp("\"abc\"".to_owned()),
                "`webhook-timestamp` header is not a unix timestamp in seconds: \"abc\"",
            ),
            (
                WebhookError::TimestampTooOld { timestamp: 1, now: 400, tolerance_secs: 300 },
                "webhook timestamp 1 is more than 300 s before the current time 400",
            ),
            (
                WebhookError::TimestampInFuture { timestamp: 400, now: 1, tolerance_secs: 300 },
                "webhook timestamp 400 is more than 300 s after the current time 1",
            ),
            (WebhookError::InvalidSignatureHeader, "`webhook-signature` header contains no `version,signature` entry"),
            (
                WebhookError::NoMatchingSignature,
                "no v1 signature in the `webhook-signature` header matches the payload",
            ),
            (WebhookError::InvalidSecret("the key is empty".to_owned()), "invalid webhook secret: the key is empty"),
            (
                WebhookError::Decode { path: "data.id".to_owned(), message: "bad".to_owned() },
                "webhook payload could not be decoded at `data.id`: bad",
            ),
        ];
        for (err, message) in cases {
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn auto_traits() {
        fn assert_traits<T: Send + Sync + Clone + fmt::Debug + 'static>() {}
        assert_traits::<WebhookVerifier>();
        assert_traits::<WebhookError>();
        let _: &dyn std::error::Error = &WebhookError::NoMatchingSignature;
    }
}
