//! Testing an application that uses the client, with no network and no ports (the
//! `test-util` cargo feature; nothing here is compiled without it).
//!
//! A [`Mock`] is a [`Transport`]: build the ordinary client over it
//! ([`ClientBuilder::transport`](super::ClientBuilder::transport) with
//! [`Mock::transport`]) and every request goes through the same code as in production
//! (building the request, credentials, the version header, timeouts, retries and
//! `Retry-After`, size limits, decoding into typed values and errors); only the last step,
//! moving the bytes, is the mock's. Its rules are typed by operation: the request builder
//! type of an operation (`CustomersGet`, what `client.customers().get(id)` returns) names
//! it, so what a rule answers is checked by the compiler.
//!
//! ```ignore
//! use polar::client::{CustomersCreate, CustomersGet};
//! use polar::testing::{Mock, Reply};
//!
//! let mock = Mock::new(); // strict: a call no rule matches fails the test
//! let client = polar::Client::builder().access_token("test").transport(mock.transport()).build()?;
//!
//! // Typed inputs (path parameters, query pairs, the decoded body) and typed outputs.
//! mock.on::<CustomersGet>().path("id", id).returns(customer.clone());
//! mock.on::<CustomersGet>().fails(ApiErrorBody::ResourceNotFound(not_found));
//! mock.on::<CustomersCreate>().body(|body| body.email() == "a@example.com").returns(customer);
//! // A sequence: rate limited once (Polar's 429 has an empty body), then the answer.
//! let rule = mock.on::<CustomersGet>().reply(Reply::rate_limited(1)).then_returns(customer);
//!
//! // ... run the code under test ...
//! assert_eq!(rule.calls(), 2);
//! assert_eq!(mock.calls_to::<CustomersGet>().len(), 2);
//! ```
//!
//! Rules are tried in the order they were added; the first that matches the call (and has
//! not answered its [`times`](Rule::times) yet) answers it with the next step of its
//! sequence, the last step repeating. Every attempt is a call: a retried request is
//! recorded once per attempt ([`Call::attempt`]).
//!
//! [`WebhookDelivery`] builds a signed webhook delivery the way Polar's server signs it,
//! to send to an application's webhook route; the crate's `webhooks::samples` (same
//! feature) has a sample payload of every event to sign.

mod delivery;
#[cfg(test)]
mod tests;

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::transport::{RequestMeta, ResponseBody, Transport, TransportError, TransportErrorKind, TransportFuture};
use super::{Binary, Empty, ErrorBody, ErrorDecoder, Json, Text};

pub use self::delivery::WebhookDelivery;

/// An operation a [`Mock`] can answer, with its input and output types: implemented by every
/// generated request builder (`CustomersGet`) when the `test-util` feature is on.
pub trait Operation {
    /// The OpenAPI `operationId` (`customers:get`), which the client puts in each request's
    /// [`RequestMeta`].
    const ID: &'static str;
    /// What the operation returns (`Customer`).
    type Output;
    /// Its request body (`CustomerCreate`), `()` without one: what a rule's
    /// [`body`](When::body) predicate sees, decoded from the request.
    type Body: DeserializeOwned;
    /// The error body of its API (`ApiErrorBody`).
    type ErrorBody: ErrorBody + Serialize;
    /// How the client decodes its success body ([`Json`], [`Text`], [`Binary`], [`Empty`]
    /// or `ByStatus`), and so how a mock encodes a typed answer ([`EncodeOutput`]).
    type Decoder;

    /// The documented error statuses and their decoders: where [`When::fails`] finds the
    /// status of a typed error.
    fn error_table() -> &'static [(u16, ErrorDecoder<Self::ErrorBody>)];
}

/// How a typed answer becomes a response, by the operation's decoder: JSON (status 200),
/// text, bytes, or an empty 204. Operations whose answer depends on the status (`ByStatus`)
/// have none: answer them with a [`Reply`].
pub trait EncodeOutput<T> {
    /// The response the client decodes back into `value`.
    fn encode(value: &T) -> Reply;
}

impl<T: Serialize> EncodeOutput<T> for Json {
    fn encode(value: &T) -> Reply {
        Reply::json(200, value)
    }
}

impl EncodeOutput<String> for Text {
    fn encode(value: &String) -> Reply {
        Reply::status(200).header("content-type", "text/plain; charset=utf-8").body(value.clone())
    }
}

impl EncodeOutput<Bytes> for Binary {
    fn encode(value: &Bytes) -> Reply {
        Reply::status(200).header("content-type", "application/octet-stream").body(value.clone())
    }
}

impl EncodeOutput<()> for Empty {
    fn encode(_: &()) -> Reply {
        Reply::status(204)
    }
}

/// One answer of a mock: a response (status, headers, body), or a transport failure,
/// after an optional delay.
#[derive(Clone, Debug)]
#[must_use]
pub struct Reply {
    outcome: Outcome,
    delay: Option<Duration>,
}

#[derive(Clone, Debug)]
enum Outcome {
    Response { status: StatusCode, headers: HeaderMap, body: Bytes },
    Fail(TransportErrorKind),
}

impl Reply {
    /// A response with this status, no headers and an empty body.
    ///
    /// # Panics
    ///
    /// If `status` is not between 100 and 999.
    pub fn status(status: u16) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or_else(|_| panic!("{status} is not an HTTP status"));
        Self { outcome: Outcome::Response { status, headers: HeaderMap::new(), body: Bytes::new() }, delay: None }
    }

    /// A response with this status and `value` as its JSON body.
    ///
    /// # Panics
    ///
    /// If `status` is not an HTTP status or `value` does not serialize.
    pub fn json(status: u16, value: &(impl Serialize + ?Sized)) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_else(|e| panic!("the mock's JSON answer: {e}"));
        Self::status(status).header("content-type", "application/json").body(body)
    }

    /// `429 Too Many Requests` as Polar answers it: an empty body and `Retry-After` in
    /// seconds. The client waits that long before it retries (use a paused Tokio clock,
    /// `#[tokio::test(start_paused = true)]`, to skip the wait).
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::status(429).header("retry-after", &retry_after_secs.to_string())
    }

    /// A transport failure instead of a response: [`TransportErrorKind::Connect`] (never
    /// reached the server: retried whatever the method), [`TransportErrorKind::Timeout`]...
    pub fn fail(kind: TransportErrorKind) -> Self {
        Self { outcome: Outcome::Fail(kind), delay: None }
    }

    /// Adds a response header (several values of one name are all kept).
    ///
    /// # Panics
    ///
    /// If the name or value is not valid in HTTP, or this reply is a [`fail`](Self::fail).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap_or_else(|_| panic!("invalid header name {name:?}"));
        let value = HeaderValue::from_str(value).unwrap_or_else(|_| panic!("invalid header value {value:?}"));
        match &mut self.outcome {
            Outcome::Response { headers, .. } => {
                headers.append(name, value);
            }
            Outcome::Fail(_) => panic!("a transport failure has no headers"),
        }
        self
    }

    /// Sets the response body.
    ///
    /// # Panics
    ///
    /// If this reply is a [`fail`](Self::fail).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        match &mut self.outcome {
            Outcome::Response { body: slot, .. } => *slot = body.into(),
            Outcome::Fail(_) => panic!("a transport failure has no body"),
        }
        self
    }

    /// Answers after `delay` (on Tokio's clock: a paused clock skips it), to test timeouts
    /// and slow answers.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The status, unless this reply is a transport failure.
    #[must_use]
    pub fn status_code(&self) -> Option<u16> {
        match &self.outcome {
            Outcome::Response { status, .. } => Some(status.as_u16()),
            Outcome::Fail(_) => None,
        }
    }
}

/// One request the mock received: one attempt (a retried request is several calls).
#[derive(Clone, Debug)]
pub struct Call {
    operation_id: &'static str,
    path_template: &'static str,
    attempt: u32,
    version_header: Option<&'static str>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    path_params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    rule: Option<usize>,
}

impl Call {
    fn new(request: http::Request<Bytes>) -> Self {
        let meta = request.extensions().get::<RequestMeta>().copied();
        let (parts, body) = request.into_parts();
        let (operation_id, path_template, attempt, version_header) =
            meta.map_or(("", "", 0, None), |m| (m.operation_id, m.path_template, m.attempt, m.version_header));
        let path_params = path_params(path_template, parts.uri.path()).unwrap_or_default();
        let query = parts
            .uri
            .query()
            .and_then(|query| serde_html_form::from_str::<Vec<(String, String)>>(query).ok())
            .unwrap_or_default();
        Self {
            operation_id,
            path_template,
            attempt,
            version_header,
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
            path_params,
            query,
            rule: None,
        }
    }

    /// The operation's `operationId` (`customers:get`); empty for a request sent
    /// without the client.
    #[must_use]
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The operation's path template (`/v1/customers/{id}`).
    #[must_use]
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// Which attempt of its request this call is: 1, then 2 for the first retry...
    #[must_use]
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP method.
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The whole URL, query included.
    #[must_use]
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The request headers, as the client sent them (credentials included).
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A request header as text, if present and text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The request body as sent.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// A path parameter, percent-decoded, by its name in the path template (`id`).
    #[must_use]
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// The first value of a query parameter, decoded.
    #[must_use]
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Every value of a query parameter, in order (`?id=a&id=b`).
    #[must_use]
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    /// Every query pair, decoded, in order.
    #[must_use]
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The body decoded into `T`: JSON, or a form-encoded body as an object of its fields
    /// (a repeated field as a list); an empty body as JSON `null` (so `()` or an `Option`).
    ///
    /// # Errors
    ///
    /// What does not decode, with the path where it failed.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, String> {
        decode_body(&self.headers, &self.body)
    }

    /// Whether a rule answered this call.
    #[must_use]
    pub fn matched(&self) -> bool {
        self.rule.is_some()
    }

    /// One line for messages: `customers:get GET /v1/customers/1 (attempt 1)`.
    fn describe(&self) -> String {
        let operation = if self.operation_id.is_empty() { "(no operation)" } else { self.operation_id };
        let path = self.uri.path_and_query().map_or("", |p| p.as_str());
        format!("{operation} {} {path} (attempt {})", self.method, self.attempt)
    }
}

/// A test's handle on a mock: rules, and what was called. The client holds the
/// [`MockTransport`] of the same mock ([`transport`](Self::transport)).
///
/// Strict by default ([`new`](Self::new)): a call that no rule matches is answered with a
/// transport error and makes the test fail when the last `Mock` handle is dropped (at the
/// end of the test, even when the application swallowed the error), listing the calls.
/// [`lenient`](Self::lenient) mocks only answer such calls with the error.
#[derive(Clone)]
pub struct Mock {
    inner: Arc<Inner>,
    /// Shared by the test's handles only (not the transport): the last one checks.
    _guard: Arc<StrictGuard>,
}

/// The mock as a [`Transport`], for [`ClientBuilder::transport`](super::ClientBuilder::transport):
/// answers by the rules of its [`Mock`] and records every call.
#[derive(Clone)]
pub struct MockTransport {
    inner: Arc<Inner>,
}

struct Inner {
    strict: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    rules: Vec<Arc<RuleState>>,
    calls: Vec<Call>,
}

/// A request predicate of a rule, and how it reads in messages.
struct Matcher {
    what: String,
    test: Box<dyn Fn(&Call) -> bool + Send + Sync>,
}

struct RuleState {
    operation: &'static str,
    matchers: Vec<Matcher>,
    steps: Mutex<Vec<Reply>>,
    answered: AtomicUsize,
    limit: Mutex<Option<usize>>,
}

impl RuleState {
    fn describe(&self) -> String {
        let mut text = format!("rule for {}", self.operation);
        for (i, matcher) in self.matchers.iter().enumerate() {
            text.push_str(if i == 0 { " where " } else { " and " });
            text.push_str(&matcher.what);
        }
        text
    }

    /// The next reply if this rule takes the call (counting it), else `None`.
    fn take(&self, call: &Call) -> Option<Reply> {
        if call.operation_id != self.operation || !self.matchers.iter().all(|m| (m.test)(call)) {
            return None;
        }
        let limit = *lock(&self.limit);
        let steps = lock(&self.steps);
        // Counted under the steps' lock: concurrent calls take distinct steps.
        let answered = self.answered.load(Ordering::SeqCst);
        if limit.is_some_and(|limit| answered >= limit) {
            return None;
        }
        self.answered.store(answered + 1, Ordering::SeqCst);
        steps.get(answered.min(steps.len().saturating_sub(1))).cloned()
    }
}

/// Locks, ignoring poisoning (a panicking test thread must not hide the mock's state).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct StrictGuard {
    inner: Arc<Inner>,
}

impl Drop for StrictGuard {
    fn drop(&mut self) {
        if !self.inner.strict || std::thread::panicking() {
            return;
        }
        let unmatched = self.inner.unmatched();
        if !unmatched.is_empty() {
            panic!("{}", self.inner.unmatched_message(&unmatched));
        }
    }
}

impl Default for Mock {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Mock")
            .field("strict", &self.strict)
            .field("rules", &state.rules.len())
            .field("calls", &state.calls.len())
            .finish()
    }
}

impl Inner {
    fn unmatched(&self) -> Vec<Call> {
        lock(&self.state).calls.iter().filter(|call| !call.matched()).cloned().collect()
    }

    fn unmatched_message(&self, unmatched: &[Call]) -> String {
        let state = lock(&self.state);
        let mut message = format!("the mock got {} call(s) that no rule matches:", unmatched.len());
        for call in unmatched {
            message.push_str(&format!("\n  {}", call.describe()));
            let params: Vec<String> = call.path_params.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
            if !params.is_empty() {
                message.push_str(&format!(" with {}", params.join(", ")));
            }
            for rule in state.rules.iter().filter(|rule| rule.operation == call.operation_id) {
                message.push_str(&format!("\n    not matched by the {}", rule.describe()));
            }
        }
        message
    }
}

impl Mock {
    /// A strict mock without rules: every call must match one (see [`Mock`]).
    #[must_use]
    pub fn new() -> Self {
        Self::with_strictness(true)
    }

    /// A mock that answers calls no rule matches with a transport error (not retried), and
    /// lets the test pass anyway.
    #[must_use]
    pub fn lenient() -> Self {
        Self::with_strictness(false)
    }

    fn with_strictness(strict: bool) -> Self {
        let inner = Arc::new(Inner { strict, state: Mutex::default() });
        Self { _guard: Arc::new(StrictGuard { inner: Arc::clone(&inner) }), inner }
    }

    /// The transport to build the client with:
    /// `Client::builder().access_token("test").transport(mock.transport()).build()`.
    #[must_use]
    pub fn transport(&self) -> MockTransport {
        MockTransport { inner: Arc::clone(&self.inner) }
    }

    /// Starts a rule for operation `O`, named by its request builder type
    /// (`mock.on::<CustomersGet>()`): add what the call must match, then what to answer.
    pub fn on<O: Operation>(&self) -> When<O> {
        When { inner: Arc::clone(&self.inner), matchers: Vec::new(), limit: None, operation: PhantomData }
    }

    /// Every call so far, in order (each attempt of a retried request is one).
    #[must_use]
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.inner.state).calls.clone()
    }

    /// The calls of operation `O`, in order.
    #[must_use]
    pub fn calls_to<O: Operation>(&self) -> Vec<Call> {
        lock(&self.inner.state).calls.iter().filter(|call| call.operation_id == O::ID).cloned().collect()
    }

    /// The calls no rule matched.
    #[must_use]
    pub fn unmatched(&self) -> Vec<Call> {
        self.inner.unmatched()
    }

    /// Forgets the calls so far (the rules stay, and keep their place in their sequences).
    pub fn clear_calls(&self) {
        lock(&self.inner.state).calls.clear();
    }

    /// Fails now if a call matched no rule (a strict mock also checks when dropped).
    ///
    /// # Panics
    ///
    /// If some call matched no rule, listing them.
    pub fn assert_all_matched(&self) {
        let unmatched = self.inner.unmatched();
        assert!(unmatched.is_empty(), "{}", self.inner.unmatched_message(&unmatched));
    }
}

impl Transport for MockTransport {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture {
        let mut call = Call::new(request);
        let mut answer = None;
        {
            let mut state = lock(&self.inner.state);
            for (index, rule) in state.rules.iter().enumerate() {
                if let Some(reply) = rule.take(&call) {
                    answer = Some(reply);
                    call.rule = Some(index);
                    break;
                }
            }
            state.calls.push(call.clone());
        }
        let echo = call
            .version_header
            .and_then(|name| Some((HeaderName::from_bytes(name.as_bytes()).ok()?, call.headers.get(name)?.clone())));
        Box::pin(async move {
            let Some(reply) = answer else {
                let message = format!("no mock rule matches {}", call.describe());
                return Err(TransportError::new(TransportErrorKind::Request, message));
            };
            if let Some(delay) = reply.delay {
                tokio::time::sleep(delay).await;
            }
            match reply.outcome {
                Outcome::Fail(kind) => Err(TransportError::new(kind, format!("mock {kind:?} failure"))),
                Outcome::Response { status, mut headers, body } => {
                    // As the server: every response of a version it serves echoes it.
                    if let Some((name, value)) = echo {
                        headers.entry(name).or_insert(value);
                    }
                    let mut response = http::Response::new(ResponseBody::from(body));
                    *response.status_mut() = status;
                    *response.headers_mut() = headers;
                    Ok(response)
                }
            }
        })
    }
}

/// A rule being built: what the call must match. End it with what to answer
/// ([`returns`](Self::returns), [`fails`](Self::fails), [`reply`](Self::reply)), which adds
/// the rule to the mock.
#[must_use = "a rule is added by what it answers: `.returns(...)`, `.fails(...)` or `.reply(...)`"]
pub struct When<O> {
    inner: Arc<Inner>,
    matchers: Vec<Matcher>,
    limit: Option<usize>,
    operation: PhantomData<fn() -> O>,
}

impl<O> fmt::Debug for When<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what: Vec<&str> = self.matchers.iter().map(|m| m.what.as_str()).collect();
        f.debug_struct("When").field("matching", &what).finish_non_exhaustive()
    }
}

impl<O: Operation> When<O> {
    fn matcher(mut self, what: String, test: impl Fn(&Call) -> bool + Send + Sync + 'static) -> Self {
        self.matchers.push(Matcher { what, test: Box::new(test) });
        self
    }

    /// The path parameter `name` of the template (`id` in `/v1/customers/{id}`) is `value`
    /// (compared as text: a `Uuid`, a number, a string).
    pub fn path(self, name: &'static str, value: impl fmt::Display) -> Self {
        let value = value.to_string();
        self.matcher(format!("path {name} = {value:?}"), move |call| call.path_param(name) == Some(value.as_str()))
    }

    /// The query has the pair `name=value` (among others; compared as decoded text).
    pub fn query(self, name: &'static str, value: impl fmt::Display) -> Self {
        let value = value.to_string();
        self.matcher(format!("query {name} = {value:?}"), move |call| call.query_all(name).contains(&value.as_str()))
    }

    /// The request carries header `name` with this value.
    pub fn header(self, name: &'static str, value: impl fmt::Display) -> Self {
        let value = value.to_string();
        self.matcher(format!("header {name} = {value:?}"), move |call| call.header(name) == Some(value.as_str()))
    }

    /// The request body, decoded into the operation's typed body, satisfies `predicate` (a
    /// body that does not decode does not match).
    pub fn body(self, predicate: impl Fn(&O::Body) -> bool + Send + Sync + 'static) -> Self {
        self.matcher("a body predicate".to_owned(), move |call| call.decode::<O::Body>().is_ok_and(|b| predicate(&b)))
    }

    /// The call satisfies `predicate`, which sees all of it ([`Call`]).
    pub fn matching(self, predicate: impl Fn(&Call) -> bool + Send + Sync + 'static) -> Self {
        self.matcher("a call predicate".to_owned(), predicate)
    }

    /// The rule answers at most `n` calls, then lets later rules (or none) answer.
    pub fn times(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Answers with `output`, encoded as the server sends it (JSON with status 200, text,
    /// bytes, or 204 for an operation without a body).
    pub fn returns(self, output: O::Output) -> Rule<O>
    where
        O::Decoder: EncodeOutput<O::Output>,
    {
        self.reply(O::Decoder::encode(&output))
    }

    /// Answers with a documented error, with the first status the operation documents it for
    /// (`ApiErrorBody::ResourceNotFound` → 404).
    ///
    /// # Panics
    ///
    /// If the operation documents no status with this error (see
    /// [`fails_with_status`](Self::fails_with_status)).
    pub fn fails(self, error: O::ErrorBody) -> Rule<O> {
        self.reply(error_reply::<O>(None, &error))
    }

    /// Answers with this error body and status (the status need not be documented).
    pub fn fails_with_status(self, status: u16, error: O::ErrorBody) -> Rule<O> {
        self.reply(error_reply::<O>(Some(status), &error))
    }

    /// Answers with a raw response or a transport failure.
    pub fn reply(self, reply: Reply) -> Rule<O> {
        let rule = Arc::new(RuleState {
            operation: O::ID,
            matchers: self.matchers,
            steps: Mutex::new(vec![reply]),
            answered: AtomicUsize::new(0),
            limit: Mutex::new(self.limit),
        });
        lock(&self.inner.state).rules.push(Arc::clone(&rule));
        Rule { rule, operation: PhantomData }
    }
}

/// The reply of a typed error: its JSON, under `status` or the one the operation documents.
fn error_reply<O: Operation>(status: Option<u16>, error: &O::ErrorBody) -> Reply {
    let body = serde_json::to_vec(error).unwrap_or_else(|e| panic!("the mock's error body: {e}"));
    let status = status.unwrap_or_else(|| {
        let table = O::error_table();
        let documented = |(code, decode): &&(u16, ErrorDecoder<O::ErrorBody>)| {
            decode(&body)
                .is_ok_and(|decoded| std::mem::discriminant(&decoded) == std::mem::discriminant(error))
                .then_some(*code)
        };
        // Exact statuses first, then ranges (`4XX`), then `default`.
        let exact = table.iter().filter(|(code, _)| *code >= 100).find_map(|e| documented(&e));
        let range = || table.iter().filter(|(code, _)| (1..=5).contains(code)).find_map(|e| documented(&e));
        let default = || table.iter().filter(|(code, _)| *code == 0).find_map(|e| documented(&e)).map(|_| 500);
        exact.or_else(|| range().map(|range| range * 100)).or_else(default).unwrap_or_else(|| {
            panic!("{} documents no status for this error ({error:?}): use `fails_with_status`", O::ID)
        })
    });
    Reply::status(status).header("content-type", "application/json").body(body)
}

/// A rule added to a mock: append more answers to its sequence, and ask how often it
/// answered.
pub struct Rule<O> {
    rule: Arc<RuleState>,
    operation: PhantomData<fn() -> O>,
}

impl<O> Clone for Rule<O> {
    fn clone(&self) -> Self {
        Self { rule: Arc::clone(&self.rule), operation: PhantomData }
    }
}

impl<O> fmt::Debug for Rule<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("rule", &self.rule.describe())
            .field("steps", &lock(&self.rule.steps).len())
            .field("calls", &self.rule.answered.load(Ordering::SeqCst))
            .finish()
    }
}

impl<O: Operation> Rule<O> {
    /// After the answers so far, answers with `output` (see [`When::returns`]).
    #[must_use = "the rule handle tells how often it answered"]
    pub fn then_returns(self, output: O::Output) -> Self
    where
        O::Decoder: EncodeOutput<O::Output>,
    {
        self.then_reply(O::Decoder::encode(&output))
    }

    /// After the answers so far, answers with a documented error (see [`When::fails`]).
    #[must_use = "the rule handle tells how often it answered"]
    pub fn then_fails(self, error: O::ErrorBody) -> Self {
        self.then_reply(error_reply::<O>(None, &error))
    }

    /// After the answers so far, answers with `reply`.
    #[must_use = "the rule handle tells how often it answered"]
    pub fn then_reply(self, reply: Reply) -> Self {
        lock(&self.rule.steps).push(reply);
        self
    }

    /// The rule answers at most `n` calls in all, then lets later rules (or none) answer.
    #[must_use = "the rule handle tells how often it answered"]
    pub fn times(self, n: usize) -> Self {
        *lock(&self.rule.limit) = Some(n);
        self
    }

    /// How many calls this rule answered.
    #[must_use]
    pub fn calls(&self) -> usize {
        self.rule.answered.load(Ordering::SeqCst)
    }
}

/// The parameters of `template` (`/v1/customers/{id}`) in `path`, percent-decoded, matched
/// from the end (the base URL may add segments in front).
fn path_params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let template: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let start = path.len().checked_sub(template.len())?;
    let mut params = Vec::new();
    for (pattern, segment) in template.iter().zip(&path[start..]) {
        let Some((prefix, rest)) = pattern.split_once('{') else {
            if pattern != segment {
                return None;
            }
            continue;
        };
        let (name, suffix) = rest.split_once('}')?;
        let value = segment.strip_prefix(prefix)?.strip_suffix(suffix)?;
        let value = percent_encoding::percent_decode_str(value).decode_utf8().ok()?;
        params.push((name.to_owned(), value.into_owned()));
    }
    Some(params)
}

/// A request body as `T`: JSON, form fields as an object, nothing as `null`.
fn decode_body<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, String> {
    if body.is_empty() {
        return serde_json::from_slice(b"null").map_err(|e| format!("no body: {e}"));
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(body).map_err(|e| e.to_string())?;
        let mut object = serde_json::Map::new();
        for (key, value) in pairs {
            match object.get_mut(&key) {
                Some(serde_json::Value::Array(values)) => values.push(value.into()),
                Some(first) => *first = serde_json::Value::Array(vec![first.take(), value.into()]),
                None => {
                    object.insert(key, value.into());
                }
            }
        }
        return serde_path_to_error::deserialize(serde_json::Value::Object(object))
            .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))
}
