//! Retry policy: which failures are retried, and how long to wait.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often a request is retried.
///
/// Attempts are spaced by exponential backoff with full jitter: before retry
/// `n` (0-based) the client sleeps a random duration between zero and
/// `min(max_backoff, initial_backoff * 2^n)`, or exactly the server's
/// `Retry-After` (seconds or HTTP date) when the response carries one.
/// `max_elapsed` (counted from the start of the first attempt) bounds the
/// whole request: no retry is started if its wait would end after it (the
/// last response or error is returned instead), and the timeout of every
/// attempt is cut to what remains of it, so a request never takes longer
/// than `max_elapsed` in total, even against a server that never answers.
///
/// # Which failures are retried
///
/// | failure | GET, HEAD, PUT, DELETE, OPTIONS, TRACE | POST, PATCH, others |
/// |---|---|---|
/// | connection failure (DNS, TCP connect, TLS): the request never reached the server | retried | retried |
/// | `429` or `503` **with** a valid `Retry-After` | retried | retried |
/// | `429`, `502`, `503`, `504` (no `Retry-After`) | retried | only with `retry_non_idempotent` |
/// | timeout or transport error after the request was sent | retried | only with `retry_non_idempotent` |
///
/// A `429`/`503` with `Retry-After` is the server stating that it did not
/// process the request and when to try again, so it is safe to repeat even
/// a `POST`. Every other status is returned as it is.
///
/// The default is 3 retries (4 attempts), 500 ms initial backoff, 10 s
/// maximum backoff, 30 s total budget, no blind retries of non-idempotent
/// methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

/// Why an attempt may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The request never reached the server.
    Connect,
    /// Timeout or transport error after the request may have been sent.
    AfterSend,
    /// The server answered with this status.
    Status(StatusCode),
}

impl RetryPolicy {
    /// A policy that never retries: exactly one attempt.
    #[must_use]
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Sets how many times a request may be retried after its first attempt
    /// (default 3, i.e. up to 4 attempts).
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the backoff cap of the first retry (default 500 ms); it doubles
    /// for each further retry.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the largest backoff cap (default 10 s). `Retry-After` is not
    /// limited by it, only by [`max_elapsed`](Self::max_elapsed).
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the total time budget from the start of the first attempt
    /// (default 30 s): no retry is started whose wait would end after it,
    /// and each attempt's timeout is cut to what remains of it.
    #[must_use]
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// The total time budget (see [`max_elapsed`](Self::max_elapsed)).
    pub(crate) fn budget(&self) -> Duration {
        self.max_elapsed
    }

    /// Also retries non-idempotent requests (`POST`, `PATCH`) after failures
    /// where the server may already have acted on them (default `false`).
    /// Only enable this for operations that are safe to repeat.
    #[must_use]
    pub fn retry_non_idempotent(mut self, enabled: bool) -> Self {
        self.retry_non_idempotent = enabled;
        self
    }

    /// The wait before retry number `retry` (0-based), if the rules above
    /// allow it; `None` means give up.
    ///
    /// `elapsed` is the time since the first attempt started.
    pub(crate) fn retry_delay(
        &self,
        method: &Method,
        failure: Failure,
        headers: Option<&HeaderMap>,
        retry: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let retry_after = headers.and_then(|h| retry_after(h, SystemTime::now()));
        let repeatable = is_idempotent(method) || self.retry_non_idempotent;
        let allowed = match failure {
            Failure::Connect => true,
            Failure::AfterSend => repeatable,
            Failure::Status(status) => match status.as_u16() {
                429 | 503 => repeatable || retry_after.is_some(),
                502 | 504 => repeatable,
                _ => false,
            },
        };
        if !allowed {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| self.jittered_backoff(retry));
        match elapsed.checked_add(delay) {
            Some(end) if end <= self.max_elapsed => Some(delay),
            _ => None,
        }
    }

    /// The backoff cap for retry `retry`: `min(max_backoff, initial * 2^retry)`.
    fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        self.initial_backoff.checked_mul(factor).unwrap_or(Duration::MAX).min(self.max_backoff)
    }

    /// A uniformly random duration in `[0, backoff_cap(retry)]` (also the usage
    /// ingester's backoff between attempts of a batch).
    pub(crate) fn jittered_backoff(&self, retry: u32) -> Duration {
        let cap = u64::try_from(self.backoff_cap(retry).as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=cap))
    }
}

/// Whether `method` is idempotent (RFC 9110 §9.2.2).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// The wait a `Retry-After` header asks for, relative to `now`.
///
/// Accepts delay-seconds (`120`) and HTTP dates
/// (`Wed, 21 Oct 2015 07:28:00 GMT`); a date in the past means no wait.
/// Returns `None` when the header is absent or unparseable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long numbers saturate rather than fail.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers_with_retry_after(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::now();
        assert_eq!(retry_after(&headers_with_retry_after("120"), now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(&headers_with_retry_after(" 0 "), now), Some(Duration::ZERO));
        assert_eq!(
            retry_after(&headers_with_retry_after("99999999999999999999999"), now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(retry_after(&headers_with_retry_after("-1"), now), None);
        assert_eq!(retry_after(&headers_with_retry_after("1.5"), now), None);
        assert_eq!(retry_after(&headers_with_retry_after("soon"), now), None);
        assert_eq!(retry_after(&headers_with_retry_after(""), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let h = headers_with_retry_after("Wed, 21 Oct 2015 07:28:10 GMT");
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(10)));
        // Obsolete RFC 850 and asctime forms are accepted too.
        let h = headers_with_retry_after("Wednesday, 21-Oct-15 07:28:05 GMT");
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(5)));
        let h = headers_with_retry_after("Wed Oct 21 07:28:01 2015");
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(1)));
        // A date in the past means "now".
        let h = headers_with_retry_after("Wed, 21 Oct 2015 07:00:00 GMT");
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
    }

    #[test]
    fn backoff_caps_grow_and_saturate() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_cap(0), Duration::from_millis(500));
        assert_eq!(p.backoff_cap(1), Duration::from_secs(1));
        assert_eq!(p.backoff_cap(2), Duration::from_secs(2));
        assert_eq!(p.backoff_cap(4), Duration::from_secs(8));
        assert_eq!(p.backoff_cap(5), Duration::from_secs(10));
        assert_eq!(p.backoff_cap(40), Duration::from_secs(10));
        assert_eq!(p.backoff_cap(u32::MAX), Duration::from_secs(10));
        let huge = RetryPolicy::default().initial_backoff(Duration::MAX).max_backoff(Duration::MAX);
        assert_eq!(huge.backoff_cap(3), Duration::MAX);
    }

    #[test]
    fn jittered_backoff_stays_within_bounds() {
        let p = RetryPolicy::default();
        for retry in 0..8 {
            let cap = p.backoff_cap(retry);
            for _ in 0..200 {
                assert!(p.jittered_backoff(retry) <= cap);
            }
        }
        // Full jitter actually spreads the waits.
        let samples: Vec<_> = (0..50).map(|_| p.jittered_backoff(3)).collect();
        assert!(samples.iter().any(|d| *d != samples[0]));
        let zero = RetryPolicy::default().initial_backoff(Duration::ZERO);
        assert_eq!(zero.jittered_backoff(5), Duration::ZERO);
    }

    fn delay(p: &RetryPolicy, method: Method, failure: Failure, headers: Option<&HeaderMap>) -> Option<Duration> {
        p.retry_delay(&method, failure, headers, 0, Duration::ZERO)
    }

    #[test]
    fn retry_rules() {
        let p = RetryPolicy::default();
        let s = |c: u16| Failure::Status(StatusCode::from_u16(c).unwrap());
        for status in [429, 502, 503, 504] {
            assert!(delay(&p, Method::GET, s(status), None).is_some(), "{status}");
            assert!(delay(&p, Method::DELETE, s(status), None).is_some(), "{status}");
            assert!(delay(&p, Method::POST, s(status), None).is_none(), "{status}");
            assert!(delay(&p, Method::PATCH, s(status), None).is_none(), "{status}");
        }
        for status in [400, 401, 404, 409, 422, 500, 501] {
            assert!(delay(&p, Method::GET, s(status), None).is_none(), "{status}");
        }
        assert!(delay(&p, Method::POST, Failure::Connect, None).is_some());
        assert!(delay(&p, Method::POST, Failure::AfterSend, None).is_none());
        assert!(delay(&p, Method::PUT, Failure::AfterSend, None).is_some());

        // Retry-After on 429/503 makes even POST retryable, at exactly that delay.
        let ra = headers_with_retry_after("2");
        assert_eq!(delay(&p, Method::POST, s(429), Some(&ra)), Some(Duration::from_secs(2)));
        assert_eq!(delay(&p, Method::POST, s(503), Some(&ra)), Some(Duration::from_secs(2)));
        assert!(delay(&p, Method::POST, s(502), Some(&ra)).is_none());
        assert_eq!(delay(&p, Method::GET, s(502), Some(&ra)), Some(Duration::from_secs(2)));

        let opted_in = RetryPolicy::default().retry_non_idempotent(true);
        assert!(delay(&opted_in, Method::POST, s(502), None).is_some());
        assert!(delay(&opted_in, Method::POST, Failure::AfterSend, None).is_some());
        assert!(delay(&opted_in, Method::POST, s(500), None).is_none());
    }

    #[test]
    fn retry_count_and_budget() {
        let p = RetryPolicy::default().max_retries(2);
        let f = Failure::Status(StatusCode::SERVICE_UNAVAILABLE);
        assert!(p.retry_delay(&Method::GET, f, None, 1, Duration::ZERO).is_some());
        assert!(p.retry_delay(&Method::GET, f, None, 2, Duration::ZERO).is_none());
        assert!(RetryPolicy::none().retry_delay(&Method::GET, Failure::Connect, None, 0, Duration::ZERO).is_none());

        // Retry-After past the budget: give up instead of sleeping.
        let ra = headers_with_retry_after("31");
        assert!(p.retry_delay(&Method::GET, f, Some(&ra), 0, Duration::ZERO).is_none());
        let ra = headers_with_retry_after("10");
        assert!(p.retry_delay(&Method::GET, f, Some(&ra), 0, Duration::from_secs(21)).is_none());
        assert_eq!(
            p.retry_delay(&Method::GET, f, Some(&ra), 0, Duration::from_secs(20)),
            Some(Duration::from_secs(10))
        );
        // Backoff never ends past the budget either.
        let tight =
            RetryPolicy::default().initial_backoff(Duration::from_secs(10)).max_elapsed(Duration::from_secs(10));
        for _ in 0..50 {
            if let Some(d) = tight.retry_delay(&Method::GET, f, None, 0, Duration::from_secs(5)) {
                assert!(d <= Duration::from_secs(5));
            }
        }
        // Saturating Retry-After does not overflow.
        let ra = headers_with_retry_after("99999999999999999999999");
        assert!(p.retry_delay(&Method::GET, f, Some(&ra), 0, Duration::from_secs(1)).is_none());
    }
}
