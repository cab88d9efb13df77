//! Routing verified deliveries to a handler per event type (cargo feature
//! `webhook-router`): [`WebhookRouter`].
//!
//! A router verifies each delivery (as [`WebhookVerifier`] does), skips deliveries it has
//! already handled ([`Deduplicate`], by `webhook-id`), decodes the body into the API's
//! event enum `E` once, calls the handler registered for its event type (or the
//! fallback) and answers the way the sender's delivery loop needs.
//!
//! # What Polar does with the answer
//!
//! Checked against Polar's server (`server/polar/webhook/tasks.py`, `service.py`):
//!
//! * Each attempt is a `POST` that Polar waits 10 seconds for. Any answer other than a 2xx
//!   (a 3xx, 4xx or 5xx, or no answer in time) is a failed attempt.
//! * A failed event is retried with the same `webhook-id` (a fresh timestamp and
//!   signature each time), at most 10 attempts in all, after about 2 s × 2ⁿ × (1 to 2)
//!   capped at 20 minutes: the last attempt comes roughly 35 to 70 minutes after the
//!   first. Then the event has failed for good.
//! * Polar disables the endpoint when the 10 most recent completed events sent to it all
//!   failed for good (one success among them resets the count); the events still pending
//!   are then skipped, and re-enabling the endpoint does not resend them.
//!
//! So a delivery the application cannot use must not be answered with an error out of
//! habit: ten of them in a row switch the endpoint off. The router answers:
//!
//! | delivery | answer | handler called |
//! |---|---|---|
//! | bad signature, stale timestamp, missing header | `401` ([`WebhookError::status`]) | none |
//! | handled by its handler | `200` | the event's |
//! | an event type without a handler, or unknown to this crate | `200` | the fallback, if any |
//! | already handled (a retry after a lost answer, a redelivery) | `200` | none |
//! | the same `webhook-id` still being handled (a retry after a timeout) | `409` (Polar retries later) | none |
//! | the handler (or fallback) returned an error or panicked | `500` (Polar retries) | |
//! | signed, but the body does not decode into `E` | `200` and the fallback ([`OnUndecodable::Acknowledge`], the default), or `500` ([`OnUndecodable::Retry`]) | the fallback |
//! | the deduplication store failed | `503` (Polar retries) | none |
//! | not a `POST` | `405` | none |
//!
//! A body that does not decode is signed by the sender, so it is not an attack: it is an
//! event shape this version of the crate does not know (a new field or enum value that
//! the spec did not announce). Retrying cannot fix that before the crate is updated, and
//! failing every such event risks the endpoint being disabled, so by default it is
//! acknowledged, handed to the fallback with its raw body ([`Unrouted::Undecodable`]) and
//! logged (with the `tracing` feature); choose [`OnUndecodable::Retry`] to have the sender
//! retry it instead (within its 10 attempts, until the crate is updated).
//!
//! ```ignore
//! use polar::webhooks::events::{OrderPaid, SubscriptionActive};
//! use polar::webhooks::{WebhookRouter, WebhookVerifier};
//!
//! let router = WebhookRouter::new(WebhookVerifier::new(&secret)?)
//!     .on(OrderPaid, |delivery| async move { fulfil(&delivery.payload.data).await })
//!     .on(SubscriptionActive, |delivery| async move { grant(&delivery.payload.data).await })
//!     .fallback(|delivery| async move { tracing::info!(id = %delivery.id, "not handled") });
//! // axum (features `webhook-router` and `axum`):
//! let app = axum::Router::new().route("/webhooks/polar", router.into_axum());
//! // Any other framework: an `http::Request<Bytes>` in, an `http::Response<Bytes>` out.
//! let response = router.handle(request).await;
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use futures_util::FutureExt as _;
use serde::de::DeserializeOwned;

use super::{VerifiedWebhook, WebhookError, WebhookVerifier};

/// An error of a handler or of a [`Deduplicate`] store.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The event enum of an API (the generated `WebhookEvent`), as the router needs it.
pub trait RoutableEvent: DeserializeOwned + Send + 'static {
    /// The payload property that names the event type (`type`), if payloads have one:
    /// read from a body that does not decode, for [`Unrouted::Undecodable`].
    const TYPE_PROPERTY: Option<&'static str>;

    /// The event type (`order.paid`).
    fn event_type(&self) -> &str;
}

/// One event type of the enum `E`: the generated markers of `webhooks::events`
/// (`OrderPaid`), passed to [`WebhookRouter::on`].
pub trait EventKind<E>: Copy + Send + Sync + 'static {
    /// The payload a handler of this event receives.
    type Payload: Send + 'static;

    /// The event type (`order.paid`).
    const EVENT_TYPE: &'static str;

    /// The payload of `event` if it is of this type, else `event` back.
    ///
    /// # Errors
    ///
    /// `event`, when it is of another type.
    fn payload(event: E) -> Result<Self::Payload, E>;
}

/// What a handler may return: `()`, or `Result<(), E>` with any error convertible to
/// [`BoxError`] (`std` errors, `anyhow::Error`, `String`); an `Err` is answered `500`.
pub trait HandlerResult {
    /// The outcome as a `Result`.
    ///
    /// # Errors
    ///
    /// The handler's error.
    fn into_result(self) -> Result<(), BoxError>;
}

impl HandlerResult for () {
    fn into_result(self) -> Result<(), BoxError> {
        Ok(())
    }
}

impl<Er: Into<BoxError>> HandlerResult for Result<(), Er> {
    fn into_result(self) -> Result<(), BoxError> {
        self.map_err(Into::into)
    }
}

/// What the fallback receives: a verified delivery no handler took.
#[derive(Debug)]
#[non_exhaustive]
pub enum Unrouted<E> {
    /// An event without a handler: a known type nobody registered for, or a type this
    /// crate does not know (the enum's `Unknown` variant).
    NoHandler(E),
    /// The signature is valid but the body does not decode into `E` (and the router
    /// acknowledges such deliveries, [`OnUndecodable::Acknowledge`]).
    Undecodable {
        /// The event type, if the body names one.
        event_type: Option<String>,
        /// Where and why decoding failed ([`WebhookError::Decode`]).
        error: WebhookError,
        /// The body, as received.
        body: Bytes,
    },
}

/// What the router does with a signed body that does not decode into the event enum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnUndecodable {
    /// Answer `200`, hand it to the fallback ([`Unrouted::Undecodable`]) and log it: the
    /// event is not retried, and the endpoint is not at risk of being disabled.
    #[default]
    Acknowledge,
    /// Answer `500`: the sender retries it (Polar: within its 10 attempts), and a run of
    /// such events counts towards disabling the endpoint.
    Retry,
}

/// The future a [`Deduplicate`] store returns.
pub type DedupFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send + 'a>>;

/// Where a delivery stands, by its `webhook-id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// Not seen (or its handling failed): handle it now.
    Fresh,
    /// Already handled: answer `200` without handling it again.
    Handled,
    /// Being handled by another request right now (the sender retried after a
    /// timeout): answer `409`, so that it retries later.
    InProgress,
}

/// Remembers which deliveries were handled, by `webhook-id`, so that the sender's
/// retries and redeliveries of a handled event are not handled twice.
///
/// The default, [`RecentDeliveries`], is in memory: it forgets on restart and is not
/// shared between processes. An application with several instances, or that must
/// never handle an event twice, implements it over its database (a table keyed by
/// `webhook-id`, with a state column written in the same transaction as the event's
/// effects where it can).
pub trait Deduplicate: Send + Sync + 'static {
    /// Claims `webhook_id` for handling: [`Claim::Fresh`] marks it in progress.
    fn begin<'a>(&'a self, webhook_id: &'a str) -> DedupFuture<'a, Claim>;

    /// Records the end of handling a claimed delivery: `handled` remembers it; otherwise
    /// it is released, so that the sender's retry is handled.
    fn finish<'a>(&'a self, webhook_id: &'a str, handled: bool) -> DedupFuture<'a, ()>;
}

/// The in-memory [`Deduplicate`]: the last `capacity` `webhook-id`s, oldest forgotten
/// first, so memory stays bounded (about 100 bytes an id).
///
/// Polar retries an event for about an hour, so the default capacity (10 000) covers
/// every retry of a busy endpoint; a manual redelivery days later may be handled again.
pub struct RecentDeliveries {
    capacity: usize,
    state: Mutex<Recent>,
}

/// The ids, each with whether it was handled and the generation of its entry in
/// `order` (entries of ids released or claimed again since are stale).
#[derive(Default)]
struct Recent {
    entries: HashMap<String, (bool, u64)>,
    order: VecDeque<(String, u64)>,
    next: u64,
}

impl RecentDeliveries {
    /// Remembers the last `capacity` ids.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self { capacity, state: Mutex::new(Recent::default()) }
    }

    /// How many ids it holds (handled or in progress).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether it holds no id.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recent> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records `id` as `handled` (or in progress), as the newest entry.
    fn insert(&self, recent: &mut Recent, id: &str, handled: bool) {
        let generation = recent.next;
        recent.next += 1;
        recent.entries.insert(id.to_owned(), (handled, generation));
        recent.order.push_back((id.to_owned(), generation));
        while recent.order.len() > self.capacity {
            let Some((old, generation)) = recent.order.pop_front() else { break };
            if recent.entries.get(&old).is_some_and(|(_, current)| *current == generation) {
                recent.entries.remove(&old);
            }
        }
    }
}

impl Default for RecentDeliveries {
    fn default() -> Self {
        Self::new(10_000)
    }
}

impl fmt::Debug for RecentDeliveries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecentDeliveries").field("capacity", &self.capacity).field("len", &self.len()).finish()
    }
}

impl Deduplicate for RecentDeliveries {
    fn begin<'a>(&'a self, webhook_id: &'a str) -> DedupFuture<'a, Claim> {
        let mut recent = self.lock();
        let claim = match recent.entries.get(webhook_id) {
            Some((true, _)) => Claim::Handled,
            Some((false, _)) => Claim::InProgress,
            None => {
                self.insert(&mut recent, webhook_id, false);
                Claim::Fresh
            }
        };
        Box::pin(std::future::ready(Ok(claim)))
    }

    fn finish<'a>(&'a self, webhook_id: &'a str, handled: bool) -> DedupFuture<'a, ()> {
        let mut recent = self.lock();
        match (handled, recent.entries.get_mut(webhook_id)) {
            (true, Some(entry)) => entry.0 = true,
            (true, None) => self.insert(&mut recent, webhook_id, true),
            (false, _) => {
                recent.entries.remove(webhook_id);
            }
        }
        Box::pin(std::future::ready(Ok(())))
    }
}

type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>;
type Handler<E> = Arc<dyn Fn(VerifiedWebhook<E>) -> HandlerFuture + Send + Sync>;
type Fallback<E> = Arc<dyn Fn(VerifiedWebhook<Unrouted<E>>) -> HandlerFuture + Send + Sync>;

/// Routes verified webhook deliveries to a handler per event type; see the
/// [module docs](self) for what it answers and why.
///
/// Built once, then cloned cheaply (clones share everything). Handlers run on the task
/// that answers the request and the sender waits for them (Polar: 10 seconds), so a slow
/// job belongs in a queue the handler only fills.
pub struct WebhookRouter<E> {
    inner: Arc<Inner<E>>,
}

struct Inner<E> {
    verifier: WebhookVerifier,
    handlers: BTreeMap<&'static str, Handler<E>>,
    fallback: Option<Fallback<E>>,
    dedup: Option<Arc<dyn Deduplicate>>,
    on_undecodable: OnUndecodable,
    event: PhantomData<fn() -> E>,
}

impl<E> Clone for WebhookRouter<E> {
    fn clone(&self) -> Self {
        Self { inner: Arc::clone(&self.inner) }
    }
}

impl<E> Clone for Inner<E> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            handlers: self.handlers.clone(),
            fallback: self.fallback.clone(),
            dedup: self.dedup.clone(),
            on_undecodable: self.on_undecodable,
            event: PhantomData,
        }
    }
}

impl<E> fmt::Debug for WebhookRouter<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("WebhookRouter")
            .field("verifier", &inner.verifier)
            .field("handlers", &inner.handlers.keys().collect::<Vec<_>>())
            .field("fallback", &inner.fallback.is_some())
            .field("dedup", &inner.dedup.is_some())
            .field("on_undecodable", &inner.on_undecodable)
            .finish()
    }
}

impl<E: RoutableEvent> WebhookRouter<E> {
    /// A router that verifies deliveries with `verifier`, remembers the last 10 000
    /// handled ids ([`RecentDeliveries`]) and acknowledges bodies it cannot decode.
    #[must_use]
    pub fn new(verifier: WebhookVerifier) -> Self {
        let inner = Inner {
            verifier,
            handlers: BTreeMap::new(),
            fallback: None,
            dedup: Some(Arc::new(RecentDeliveries::default())),
            on_undecodable: OnUndecodable::default(),
            event: PhantomData,
        };
        Self { inner: Arc::new(inner) }
    }

    fn inner_mut(&mut self) -> &mut Inner<E> {
        Arc::make_mut(&mut self.inner)
    }

    /// Calls `handler` for every delivery of the event type `kind` (a marker of
    /// `webhooks::events`, such as `OrderPaid`), with its typed payload. Registering a
    /// type again replaces its handler.
    #[must_use]
    pub fn on<K, F, Fut>(mut self, _kind: K, handler: F) -> Self
    where
        K: EventKind<E>,
        F: Fn(VerifiedWebhook<K::Payload>) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: HandlerResult,
    {
        let handler: Handler<E> = Arc::new(move |delivery: VerifiedWebhook<E>| {
            let VerifiedWebhook { id, timestamp, payload } = delivery;
            match K::payload(payload) {
                Ok(payload) => {
                    let future = handler(VerifiedWebhook { id, timestamp, payload });
                    Box::pin(async move { future.await.into_result() }) as HandlerFuture
                }
                Err(event) => {
                    let message = format!("`{}` routed to the handler of `{}`", event.event_type(), K::EVENT_TYPE);
                    Box::pin(std::future::ready(Err(message.into()))) as HandlerFuture
                }
            }
        });
        self.inner_mut().handlers.insert(K::EVENT_TYPE, handler);
        self
    }

    /// Calls `handler` for every verified delivery no handler takes ([`Unrouted`]).
    /// Without a fallback those are acknowledged (and logged with the `tracing`
    /// feature).
    #[must_use]
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(VerifiedWebhook<Unrouted<E>>) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: HandlerResult,
    {
        self.inner_mut().fallback = Some(Arc::new(move |delivery| {
            let future = handler(delivery);
            Box::pin(async move { future.await.into_result() }) as HandlerFuture
        }));
        self
    }

    /// Remembers handled deliveries in `store` instead of in memory.
    #[must_use]
    pub fn dedup(mut self, store: impl Deduplicate) -> Self {
        self.inner_mut().dedup = Some(Arc::new(store));
        self
    }

    /// Handles every delivery, retries and redeliveries of handled events included.
    #[must_use]
    pub fn without_dedup(mut self) -> Self {
        self.inner_mut().dedup = None;
        self
    }

    /// What to do with a signed body that does not decode (default:
    /// [`OnUndecodable::Acknowledge`]).
    #[must_use]
    pub fn on_undecodable(mut self, policy: OnUndecodable) -> Self {
        self.inner_mut().on_undecodable = policy;
        self
    }

    /// Verifies, deduplicates and routes one delivery; the [`Outcome`] says what
    /// happened and what to answer. [`handle`](Self::handle) also logs it and builds the
    /// response.
    pub async fn dispatch(&self, request: http::Request<Bytes>) -> Outcome {
        let (parts, body) = request.into_parts();
        if parts.method != http::Method::POST {
            return Outcome::new(OutcomeKind::MethodNotAllowed);
        }
        let inner = &*self.inner;
        let (id, timestamp) = match inner.verifier.check(&parts.headers, &body, super::unix_now()) {
            Ok((id, timestamp)) => (String::from_utf8_lossy(id).into_owned(), timestamp),
            Err(error) => return Outcome::new(OutcomeKind::Rejected).with_error(error),
        };
        let Some(dedup) = &inner.dedup else {
            return self.route(id, timestamp, body).await;
        };
        match dedup.begin(&id).await {
            Err(error) => Outcome::new(OutcomeKind::DedupFailed).with_id(id).with_error(error),
            Ok(Claim::Handled) => Outcome::new(OutcomeKind::Duplicate).with_id(id),
            Ok(Claim::InProgress) => Outcome::new(OutcomeKind::InProgress).with_id(id),
            Ok(Claim::Fresh) => {
                let outcome = self.route(id.clone(), timestamp, body).await;
                let handled = outcome.status().is_success();
                match dedup.finish(&id, handled).await {
                    Err(error) if outcome.error.is_none() => outcome.with_error(error),
                    _ => outcome,
                }
            }
        }
    }

    /// Decodes the body and calls its handler, or the fallback.
    async fn route(&self, id: String, timestamp: i64, body: Bytes) -> Outcome {
        let inner = &*self.inner;
        match super::decode_json::<E>(&body) {
            Ok(event) => {
                let event_type = event.event_type().to_owned();
                if let Some(handler) = inner.handlers.get(event_type.as_str()) {
                    let result = run(handler, VerifiedWebhook { id: id.clone(), timestamp, payload: event }).await;
                    return Outcome::finished(OutcomeKind::Handled, result).with_id(id).with_event_type(event_type);
                }
                let unrouted = Unrouted::NoHandler(event);
                let result = match &inner.fallback {
                    Some(fallback) => {
                        run(fallback, VerifiedWebhook { id: id.clone(), timestamp, payload: unrouted }).await
                    }
                    None => Ok(()),
                };
                Outcome::finished(OutcomeKind::Unrouted, result).with_id(id).with_event_type(event_type)
            }
            Err(error) => {
                let event_type = E::TYPE_PROPERTY.and_then(|property| {
                    let raw: &serde_json::value::RawValue = serde_json::from_slice(&body).ok()?;
                    super::super::model::probe_tag(raw, property).map(std::borrow::Cow::into_owned)
                });
                let outcome = Outcome::new(OutcomeKind::Undecodable).with_id(id.clone());
                let outcome = match &event_type {
                    Some(event_type) => outcome.with_event_type(event_type.clone()),
                    None => outcome,
                };
                if inner.on_undecodable == OnUndecodable::Retry {
                    return outcome.with_status(http::StatusCode::INTERNAL_SERVER_ERROR).with_error(error);
                }
                let result = match &inner.fallback {
                    Some(fallback) => {
                        let payload = Unrouted::Undecodable { event_type, error: error.clone(), body };
                        run(fallback, VerifiedWebhook { id, timestamp, payload }).await
                    }
                    None => Ok(()),
                };
                match result {
                    Ok(()) => outcome.with_error(error),
                    Err(failure) => {
                        Outcome { error: Some(failure), ..outcome.with_status(http::StatusCode::INTERNAL_SERVER_ERROR) }
                    }
                }
            }
        }
    }

    /// Dispatches one delivery, logs its outcome (with the `tracing` feature) and builds
    /// the response: a status and a short plain-text reason (the sender keeps it with the
    /// delivery; it never contains the secret or a handler's error).
    pub async fn handle(&self, request: http::Request<Bytes>) -> http::Response<Bytes> {
        let outcome = self.dispatch(request).await;
        #[cfg(feature = "tracing")]
        outcome.log();
        outcome.into_response()
    }
}

/// Runs a handler, turning a panic into an error.
async fn run<P>(
    handler: &Arc<dyn Fn(VerifiedWebhook<P>) -> HandlerFuture + Send + Sync>,
    delivery: VerifiedWebhook<P>,
) -> Result<(), BoxError> {
    let future = std::panic::catch_unwind(AssertUnwindSafe(|| handler(delivery))).map_err(panic_error)?;
    AssertUnwindSafe(future).catch_unwind().await.map_err(panic_error)?
}

fn panic_error(panic: Box<dyn std::any::Any + Send>) -> BoxError {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic".to_owned());
    format!("the handler panicked: {message}").into()
}

/// What happened to a delivery ([`Outcome::kind`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutcomeKind {
    /// Its handler ran (`200`, or `500` if it failed).
    Handled,
    /// No handler took it; the fallback ran, if any (`200`, or `500` if it failed).
    Unrouted,
    /// Signed, but the body does not decode into the event enum (see [`OnUndecodable`]).
    Undecodable,
    /// Already handled (`200`).
    Duplicate,
    /// Being handled by another request (`409`).
    InProgress,
    /// Refused: not signed with the secret, a stale timestamp, a missing header (`401`),
    /// or a verifier without a usable secret (`500`).
    Rejected,
    /// The deduplication store failed (`503`).
    DedupFailed,
    /// Not a `POST` (`405`).
    MethodNotAllowed,
}

/// What the router did with a delivery and what it answers ([`WebhookRouter::dispatch`]).
#[derive(Debug)]
pub struct Outcome {
    kind: OutcomeKind,
    status: http::StatusCode,
    id: Option<String>,
    event_type: Option<String>,
    error: Option<BoxError>,
}

impl Outcome {
    fn new(kind: OutcomeKind) -> Self {
        let status = match kind {
            OutcomeKind::Handled | OutcomeKind::Unrouted | OutcomeKind::Undecodable | OutcomeKind::Duplicate => {
                http::StatusCode::OK
            }
            OutcomeKind::InProgress => http::StatusCode::CONFLICT,
            OutcomeKind::Rejected => http::StatusCode::UNAUTHORIZED,
            OutcomeKind::DedupFailed => http::StatusCode::SERVICE_UNAVAILABLE,
            OutcomeKind::MethodNotAllowed => http::StatusCode::METHOD_NOT_ALLOWED,
        };
        Self { kind, status, id: None, event_type: None, error: None }
    }

    /// `kind`, answered `500` if `result` is an error.
    fn finished(kind: OutcomeKind, result: Result<(), BoxError>) -> Self {
        let outcome = Self::new(kind);
        match result {
            Ok(()) => outcome,
            Err(error) => Self { error: Some(error), ..outcome.with_status(http::StatusCode::INTERNAL_SERVER_ERROR) },
        }
    }

    fn with_status(self, status: http::StatusCode) -> Self {
        Self { status, ..self }
    }

    fn with_id(self, id: String) -> Self {
        Self { id: Some(id), ..self }
    }

    fn with_event_type(self, event_type: String) -> Self {
        Self { event_type: Some(event_type), ..self }
    }

    fn with_error(self, error: impl Into<BoxError>) -> Self {
        let error = error.into();
        let status = match error.downcast_ref::<WebhookError>() {
            Some(rejection) if self.kind == OutcomeKind::Rejected => rejection.status(),
            _ => self.status,
        };
        Self { error: Some(error), status, ..self }
    }

    /// What happened.
    #[must_use]
    pub fn kind(&self) -> OutcomeKind {
        self.kind
    }

    /// The status to answer with.
    #[must_use]
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The delivery's `webhook-id`, once its signature is verified.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The event type, once decoded (or read from a body that did not decode).
    #[must_use]
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// The error behind the outcome: the handler's (or a panic's), the verifier's
    /// [`WebhookError`], the decoding error of an acknowledged body, or the
    /// deduplication store's.
    #[must_use]
    pub fn error(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.error.as_deref()
    }

    /// The response: the status and a one-line plain-text reason.
    #[must_use]
    pub fn into_response(self) -> http::Response<Bytes> {
        let event = self.event_type.as_deref().unwrap_or("event");
        let reason = match (self.kind, self.status.is_success()) {
            (OutcomeKind::Handled, true) => format!("handled {event}"),
            (OutcomeKind::Unrouted, true) => format!("acknowledged {event} (no handler)"),
            (OutcomeKind::Undecodable, true) => format!("acknowledged {event} (payload not understood)"),
            (OutcomeKind::Duplicate, _) => "already handled".to_owned(),
            (OutcomeKind::InProgress, _) => "being handled by another request; retry later".to_owned(),
            (OutcomeKind::Rejected, _) => self.error.as_ref().map_or_else(|| "refused".to_owned(), ToString::to_string),
            (OutcomeKind::DedupFailed, _) => "temporarily unavailable".to_owned(),
            (OutcomeKind::MethodNotAllowed, _) => "webhook deliveries are POST requests".to_owned(),
            (OutcomeKind::Undecodable, false) => format!("{event}: payload not understood; retry later"),
            (_, false) => format!("{event}: handler failed"),
        };
        let mut response = http::Response::new(Bytes::from(format!("{reason}\n")));
        *response.status_mut() = self.status;
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
        if self.kind == OutcomeKind::MethodNotAllowed {
            response.headers_mut().insert(http::header::ALLOW, http::HeaderValue::from_static("POST"));
        }
        response
    }

    /// Logs the outcome: failures and acknowledged bodies that did not decode as
    /// warnings, the rest at debug level.
    #[cfg(feature = "tracing")]
    pub fn log(&self) {
        let (id, event_type) = (self.id.as_deref().unwrap_or(""), self.event_type.as_deref().unwrap_or(""));
        let error = self.error.as_ref().map(ToString::to_string);
        let error = error.as_deref();
        if self.status.is_success() && self.kind != OutcomeKind::Undecodable {
            tracing::debug!(kind = ?self.kind, status = self.status.as_u16(), id, event_type, "webhook delivery");
        } else {
            tracing::warn!(kind = ?self.kind, status = self.status.as_u16(), id, event_type, error, "webhook delivery");
        }
    }
}

#[cfg(feature = "axum")]
impl<E: RoutableEvent> WebhookRouter<E> {
    /// The router as an axum `POST` route (feature `axum`):
    /// `Router::new().route("/webhooks/polar", router.into_axum())`. The body is read
    /// within axum's body limit (`DefaultBodyLimit`, 2 MB unless changed); other methods
    /// get axum's `405`.
    pub fn into_axum<S: Clone + Send + Sync + 'static>(self) -> axum::routing::MethodRouter<S> {
        axum::routing::post(move |parts: http::request::Parts, body: Bytes| {
            let router = self.clone();
            async move {
                let response = router.handle(http::Request::from_parts(parts, body)).await;
                axum::response::IntoResponse::into_response(response.map(axum::body::Body::from))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(store: &RecentDeliveries, id: &str) -> Claim {
        futures_util::FutureExt::now_or_never(store.begin(id)).expect("ready").expect("in memory")
    }

    fn finish(store: &RecentDeliveries, id: &str, handled: bool) {
        futures_util::FutureExt::now_or_never(store.finish(id, handled)).expect("ready").expect("in memory");
    }

    #[test]
    fn recent_deliveries_claim_release_and_forget_the_oldest() {
        let store = RecentDeliveries::new(3);
        assert_eq!(claim(&store, "a"), Claim::Fresh);
        assert_eq!(claim(&store, "a"), Claim::InProgress);
        finish(&store, "a", true);
        assert_eq!(claim(&store, "a"), Claim::Handled);
        // A failed handling is released: the retry is handled.
        assert_eq!(claim(&store, "b"), Claim::Fresh);
        finish(&store, "b", false);
        assert_eq!(claim(&store, "b"), Claim::Fresh);
        finish(&store, "b", true);
        // Bounded: the oldest ids go first, whatever their state.
        for id in ["c", "d", "e"] {
            assert_eq!(claim(&store, id), Claim::Fresh);
        }
        assert_eq!(store.len(), 3);
        assert_eq!(claim(&store, "a"), Claim::Fresh, "forgotten");
        // Many releases leave no garbage beyond the capacity.
        for n in 0..1000 {
            let id = format!("x{n}");
            assert_eq!(claim(&store, &id), Claim::Fresh);
            finish(&store, &id, false);
        }
        let recent = store.lock();
        assert!(
            recent.order.len() <= 3 && recent.entries.len() <= 3,
            "{} {}",
            recent.order.len(),
            recent.entries.len()
        );
    }

    #[test]
    fn a_release_does_not_forget_a_newer_claim_of_the_same_id() {
        let store = RecentDeliveries::new(2);
        assert_eq!(claim(&store, "a"), Claim::Fresh);
        finish(&store, "a", false);
        assert_eq!(claim(&store, "a"), Claim::Fresh);
        finish(&store, "a", true);
        // The stale first entry of "a" is trimmed; the newer one stays.
        assert_eq!(claim(&store, "b"), Claim::Fresh);
        assert_eq!(claim(&store, "a"), Claim::Handled);
    }

    #[test]
    fn outcomes_answer_as_documented() {
        let cases = [
            (OutcomeKind::Handled, 200),
            (OutcomeKind::Unrouted, 200),
            (OutcomeKind::Undecodable, 200),
            (OutcomeKind::Duplicate, 200),
            (OutcomeKind::InProgress, 409),
            (OutcomeKind::Rejected, 401),
            (OutcomeKind::DedupFailed, 503),
            (OutcomeKind::MethodNotAllowed, 405),
        ];
        for (kind, status) in cases {
            let response = Outcome::new(kind).into_response();
            assert_eq!(response.status().as_u16(), status, "{kind:?}");
            assert_eq!(response.headers()[http::header::CONTENT_TYPE], "text/plain; charset=utf-8");
        }
        let failed = Outcome::finished(OutcomeKind::Handled, Err("database down: password=hunter2".into()))
            .with_event_type("order.paid".to_owned());
        let response = failed.into_response();
        assert_eq!(response.status().as_u16(), 500);
        assert_eq!(response.body().as_ref(), b"order.paid: handler failed\n", "no handler error in the answer");
        let rejected = Outcome::new(OutcomeKind::Rejected).with_error(WebhookError::InvalidSecret("empty".to_owned()));
        assert_eq!(rejected.status().as_u16(), 500, "the verifier's own status");
    }

    #[test]
    fn panics_become_errors() {
        let handler: Arc<dyn Fn(VerifiedWebhook<u8>) -> HandlerFuture + Send + Sync> =
            Arc::new(|delivery: VerifiedWebhook<u8>| match delivery.payload {
                0 => panic!("sync {}", delivery.id),
                1 => Box::pin(async { panic!("async") }),
                _ => Box::pin(async { Ok(()) }),
            });
        let delivery = |payload| VerifiedWebhook { id: "msg_1".to_owned(), timestamp: 0, payload };
        let outcome = |payload| futures_util::FutureExt::now_or_never(run(&handler, delivery(payload))).expect("ready");
        assert_eq!(outcome(0).unwrap_err().to_string(), "the handler panicked: sync msg_1");
        assert_eq!(outcome(1).unwrap_err().to_string(), "the handler panicked: async");
        assert!(outcome(2).is_ok());
    }
}
