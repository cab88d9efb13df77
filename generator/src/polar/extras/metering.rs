//! Usage metering: an ingester that batches [`events().ingest()`](crate::client::Events::ingest)
//! calls for an application's hot paths (cargo feature `metering`).
//!
//! ```no_run
//! use polar::metering::Ingester;
//! use polar::models::EventCreateExternalCustomer;
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = polar::Client::from_env()?;
//! let ingester = Ingester::builder(client)
//!     .queue_capacity(50_000)
//!     .batch_size(1_000)
//!     .flush_interval(Duration::from_secs(1))
//!     .start(|report| {
//!         // Called once per batch: what Polar stored, and the events that finally failed.
//!         for failed in report.failed {
//!             eprintln!("not stored: {:?}: {}", failed.external_id(), failed.reason);
//!             // ...persist `failed.event` somewhere, resend it later, or alert.
//!         }
//!     });
//!
//! // On a hot path: never waits; a full queue hands the event back.
//! let mut call = EventCreateExternalCustomer::new("api_call", "user_42");
//! call.metadata = Some(serde_json::from_value(serde_json::json!({"endpoint": "/search", "ms": 87}))?);
//! if let Err(refused) = ingester.track(call) {
//!     eprintln!("metering queue full: {refused}"); // refused.into_event() gives the event back
//! }
//!
//! // When the application stops: send what is queued, for at most 10 seconds.
//! let report = ingester.shutdown(Duration::from_secs(10)).await;
//! println!("{:?}; {} events not sent in time", report.stats, report.unsent.len());
//! # Ok(())
//! # }
//! ```
//!
//! # How it works
//!
//! [`Ingester::track`] puts the event on a bounded queue and returns; a background task on the
//! tokio runtime takes events off the queue into a batch and sends the batch with
//! `client.events().ingest(..)` when it holds [`batch_size`](IngesterBuilder::batch_size) events
//! or [`max_batch_bytes`](IngesterBuilder::max_batch_bytes) of JSON, or when its first event
//! has waited [`flush_interval`](IngesterBuilder::flush_interval). While a batch is in flight
//! the next one fills; at most [`max_in_flight`](IngesterBuilder::max_in_flight) batches (default
//! 1) are sent at a time.
//!
//! - **Bounded memory.** The queue holds at most
//!   [`queue_capacity`](IngesterBuilder::queue_capacity) events; beyond it `track` hands the
//!   event back ([`TrackError::Full`]) and [`track_wait`](Ingester::track_wait) waits for room:
//!   the application chooses, per call, between an error back and waiting. Memory is the queue
//!   plus the batch being filled plus the batches in flight (each at most `batch_size` events
//!   and `max_batch_bytes` of JSON; during a request, also the copy of its events the request
//!   body is made of, and that body), whatever Polar does. When Polar is slow or down, the queue
//!   fills and `track` says so instead of buffering without end.
//! - **Exactly-once storage through `external_id`.** Every event gets an `external_id` when it
//!   is tracked, unless it has one (yours is kept): a random 128-bit prefix per ingester (from
//!   the operating system's randomness, through `std`'s `RandomState`) and a counter. Polar
//!   stores at most one event per `(organization, external_id)` (`ON CONFLICT DO NOTHING`) and
//!   counts the others as `duplicates`, so when a request fails after Polar committed it (a
//!   timeout, or the connection dying before the answer), the retry carries the same ids and
//!   comes back as duplicates: nothing is stored twice. An event handed back to you keeps its
//!   id too, so sending it again later, by any path, is just as safe.
//! - **Timestamps at capture.** An event without a `timestamp` gets the current time when it
//!   is tracked (Polar would otherwise stamp it when the batch arrives, seconds or, after
//!   retries, minutes later). Polar refuses timestamps in the future by its own clock, so a
//!   machine whose clock runs ahead of Polar's could see fresh events refused (HTTP 422,
//!   handed back as [`FailureReason::Invalid`]); keep the clock synchronized, or turn this off
//!   with [`stamp_timestamps(false)`](IngesterBuilder::stamp_timestamps).
//! - **Retries.** The ingester retries a batch itself and turns the client's own retries off
//!   for these requests (`RetryPolicy::none()`), so the two never multiply: the client would not
//!   retry a `POST` after a timeout (it cannot know the request is safe to repeat), and the
//!   ingester knows it is, thanks to the ids. Retried: 408, 425, 429, every 5xx, timeouts,
//!   connection and transport failures, and a 2xx whose body does not decode. The wait is
//!   exponential backoff with full jitter
//!   ([`backoff`](IngesterBuilder::backoff)), or exactly the server's `Retry-After` (Polar sends
//!   it with every 429); a `Retry-After` pauses every batch of the ingester, not only the one
//!   that got it. A batch gives up after [`max_attempts`](IngesterBuilder::max_attempts) failed
//!   attempts or when the next wait would end after
//!   [`max_batch_time`](IngesterBuilder::max_batch_time), and its events are handed back
//!   ([`FailureReason::GaveUp`]).
//! - **Invalid events.** Polar validates every event of a batch before storing any, and answers
//!   one 422 for the whole batch, naming each invalid event by its index
//!   (`loc: ["body", "events", i, ...]`). The ingester hands exactly those events back
//!   ([`FailureReason::Invalid`], with Polar's messages) and sends the rest again at once. A 422
//!   that names no event, and statuses retrying cannot fix (400, 401, 403, 404...), hand the
//!   batch back ([`FailureReason::Refused`]). A 413 (Polar's 10 MiB request limit) splits the
//!   batch in halves; an event that alone exceeds `max_batch_bytes` is handed back unsent
//!   ([`FailureReason::TooLarge`]).
//! - **Reports.** The function given to [`start`](IngesterBuilder::start) is called once per
//!   batch with a [`BatchReport`]: events, `inserted` and `duplicates` as Polar counted them,
//!   requests and retries, and the [`FailedEvent`]s, each with its event and the reason, owned by
//!   you. [`Ingester::stats`] gives the totals at any time. Nothing is dropped silently: after
//!   [`shutdown`](Ingester::shutdown), `tracked == inserted + duplicates + failed + unsent`.
//! - **Flush and shutdown.** [`flush`](Ingester::flush) sends everything tracked before it and
//!   waits for the outcome. [`shutdown`](Ingester::shutdown) stops taking events, sends what is
//!   queued, and returns at the deadline at the latest with the events it could not send
//!   ([`ShutdownReport::unsent`]). A batch cut off at the deadline may have been stored already:
//!   its events keep their ids, so sending them again is safe. Dropping every handle without
//!   `shutdown` also sends what is queued (with the usual retry bounds, reporting as usual), as
//!   long as the runtime keeps running.
//!
//! The ingester sends through the crate root's [`Client`](crate::Client), the newest API
//! version's (the `metering` feature turns that version on); an application written against
//! an older version converts its client, sharing the connection pool:
//! `Ingester::builder(polar::Client::from(v2026_04_client))`.
//!
//! The queue lives in memory: events queued when the process dies are lost. An application
//! that must not lose them persists them before tracking (and tracks them with their own
//! `external_id`, so a replay after a crash is deduplicated).
//!
//! `track` costs a `Utc::now()`, formatting the id and a push on tokio's bounded channel
//! (atomic operations on its fast path); `scripts/bench_metering.sh` measures it (see
//! `BENCHMARKS.md`). The report function runs on the ingester's task: keep it short (forward
//! the report to a channel for slow work); a panic in it is caught, and the failed events of
//! that report are then lost to the application (they are still counted as failed).

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::mpsc::error::{TryRecvError, TrySendError};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep_until, Instant, Sleep};

use crate::models::{EventsIngest, EventsIngestEventsItem};

/// An event to ingest: [`EventCreateCustomer`](crate::models::EventCreateCustomer) or
/// [`EventCreateExternalCustomer`](crate::models::EventCreateExternalCustomer) (both convert
/// into it with `From`/`into()`).
pub type Event = EventsIngestEventsItem;

/// Polar's limit on a request body (`API_MAX_REQUEST_BODY_SIZE`, 10 MiB): larger requests are
/// refused with 413.
pub const POLAR_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// `{"events":[` and `]}` around a batch's events.
const BODY_FRAME_BYTES: usize = 13;

// ---------------------------------------------------------------------------------------
// Configuration

/// Configures an [`Ingester`]: [`Ingester::builder`], then [`start`](Self::start).
#[derive(Clone, Debug)]
pub struct IngesterBuilder {
    client: crate::Client,
    config: Config,
}

#[derive(Clone, Debug)]
struct Config {
    queue_capacity: usize,
    batch_size: usize,
    max_batch_bytes: usize,
    flush_interval: Duration,
    max_in_flight: usize,
    request_timeout: Duration,
    max_attempts: u32,
    /// Only its backoff is used (`jittered_backoff`): the ingester counts attempts itself.
    backoff: crate::runtime::RetryPolicy,
    max_batch_time: Duration,
    stamp_timestamps: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            queue_capacity: 10_000,
            batch_size: 1_000,
            max_batch_bytes: 5 * 1024 * 1024,
            flush_interval: Duration::from_secs(1),
            max_in_flight: 1,
            request_timeout: Duration::from_secs(20),
            max_attempts: 8,
            backoff: crate::runtime::RetryPolicy::default()
                .initial_backoff(Duration::from_millis(250))
                .max_backoff(Duration::from_secs(30)),
            max_batch_time: Duration::from_secs(300),
            stamp_timestamps: true,
        }
    }
}

impl IngesterBuilder {
    /// How many events the queue holds (default 10,000; at least 1). Beyond it
    /// [`Ingester::track`] hands events back and [`Ingester::track_wait`] waits.
    #[must_use]
    pub fn queue_capacity(mut self, events: usize) -> Self {
        self.config.queue_capacity = events.max(1);
        self
    }

    /// The most events in one request (default 1,000; at least 1). A batch is sent when it is
    /// full, or when its first event has waited [`flush_interval`](Self::flush_interval).
    #[must_use]
    pub fn batch_size(mut self, events: usize) -> Self {
        self.config.batch_size = events.max(1);
        self
    }

    /// The most bytes of JSON in one request body (default 5 MiB; at most Polar's limit,
    /// [`POLAR_MAX_BODY_BYTES`]). An event that alone does not fit is handed back unsent
    /// ([`FailureReason::TooLarge`]).
    #[must_use]
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.config.max_batch_bytes = bytes.clamp(BODY_FRAME_BYTES + 2, POLAR_MAX_BODY_BYTES);
        self
    }

    /// How long the first event of a batch waits for more before the batch is sent anyway
    /// (default 1 s).
    #[must_use]
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.config.flush_interval = interval;
        self
    }

    /// How many batches may be in flight at once (default 1; at least 1). More raises the
    /// throughput over a slow link, at the cost of one batch of memory each.
    #[must_use]
    pub fn max_in_flight(mut self, batches: usize) -> Self {
        self.config.max_in_flight = batches.max(1);
        self
    }

    /// The timeout of each request, from sending it to the end of the answer (default 20 s).
    /// A request that times out is retried with the same event ids.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_timeout = timeout;
        self
    }

    /// How many failed attempts a batch may make before its events are handed back
    /// (default 8; at least 1). A 422 that names invalid events does not count: the rest is
    /// resent at once.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.config.max_attempts = attempts.max(1);
        self
    }

    /// The backoff between attempts of a batch: before retry `n` (from 0) the ingester waits
    /// a random time between zero and `min(max, initial * 2^n)` (default 250 ms and 30 s),
    /// unless the server sent `Retry-After`, which is waited exactly.
    #[must_use]
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.config.backoff =
            crate::runtime::RetryPolicy::default().initial_backoff(initial).max_backoff(max.max(initial));
        self
    }

    /// The time budget of one batch, from its first attempt (default 5 minutes): no retry
    /// starts whose wait would end after it; the batch's events are handed back instead.
    #[must_use]
    pub fn max_batch_time(mut self, budget: Duration) -> Self {
        self.config.max_batch_time = budget;
        self
    }

    /// Whether [`Ingester::track`] sets the `timestamp` of events that have none to the time
    /// of the call (default `true`; otherwise Polar stamps them when the batch arrives). See
    /// the [module docs](self) about clock skew.
    #[must_use]
    pub fn stamp_timestamps(mut self, stamp: bool) -> Self {
        self.config.stamp_timestamps = stamp;
        self
    }

    /// Starts the ingester's task on the current tokio runtime. `on_report` is called from
    /// that task once per batch with its [`BatchReport`] (keep it short: forward the report
    /// to a channel for slow work).
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (like `tokio::spawn`).
    pub fn start(self, on_report: impl FnMut(BatchReport) + Send + 'static) -> Ingester {
        self.start_boxed(Box::new(on_report))
    }

    fn start_boxed(self, on_report: Box<dyn FnMut(BatchReport) + Send>) -> Ingester {
        let runtime = tokio::runtime::Handle::try_current()
            .unwrap_or_else(|_| panic!("polar::metering::Ingester must be started within a tokio runtime"));
        let config = Arc::new(self.config);
        let (events_tx, events_rx) = mpsc::channel(config.queue_capacity);
        let (control_tx, control_rx) = mpsc::unbounded_channel();
        let (deadline_tx, deadline_rx) = watch::channel(None);
        let shared = Arc::new(Shared {
            id_prefix: random_prefix(),
            next_id: AtomicU64::new(0),
            stamp_timestamps: config.stamp_timestamps,
            counters: Counters::default(),
        });
        let sender = Arc::new(Sender {
            client: self.client,
            config: Arc::clone(&config),
            deadline: deadline_rx,
            pause_until: Mutex::new(None),
        });
        let worker = Worker {
            config: Arc::clone(&config),
            shared: Arc::clone(&shared),
            sender,
            events: events_rx,
            control: control_rx,
            on_report,
            batch: Vec::new(),
            batch_bytes: 0,
            carry: None,
            received: 0,
            scratch: Vec::new(),
            interval: Box::pin(tokio::time::sleep(Duration::ZERO)),
            interval_armed: false,
            interval_due: false,
            deadline: None,
            expired: false,
            events_done: false,
            control_done: false,
            closing: false,
            inflight: FuturesUnordered::new(),
            inflight_first: BTreeSet::new(),
            next_seq: 0,
            flushes: Vec::new(),
            shutdowns: Vec::new(),
            unsent: Vec::new(),
        };
        runtime.spawn(worker.run());
        Ingester {
            events: events_tx,
            control: control_tx,
            deadline: Arc::new(deadline_tx),
            shared,
            capacity: config.queue_capacity,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The handle

/// Sends usage events to Polar in batches, from a background task (see the
/// [module docs](self)). Cheap to clone: clones share the queue and the task.
#[derive(Clone)]
pub struct Ingester {
    events: mpsc::Sender<Event>,
    control: mpsc::UnboundedSender<Control>,
    deadline: Arc<watch::Sender<Option<Instant>>>,
    shared: Arc<Shared>,
    capacity: usize,
}

impl fmt::Debug for Ingester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ingester").field("capacity", &self.capacity).field("stats", &self.stats()).finish()
    }
}

impl Ingester {
    /// Configures an ingester that sends through `client` (its base URL, token and headers;
    /// the ingester sets each request's timeout and retries itself).
    #[must_use]
    pub fn builder(client: crate::Client) -> IngesterBuilder {
        IngesterBuilder { client, config: Config::default() }
    }

    /// Queues `event` without waiting: for hot paths. The event gets an `external_id` (unless
    /// it has one) and, if it has none, a `timestamp`, before it is queued.
    ///
    /// # Errors
    ///
    /// [`TrackError::Full`] when the queue is full, [`TrackError::Closed`] after
    /// [`shutdown`](Self::shutdown); both hand the event back (with its id, so tracking it
    /// again later is deduplicated like a retry).
    pub fn track(&self, event: impl Into<Event>) -> Result<(), TrackError> {
        let event = self.shared.prepare(event.into());
        match self.events.try_send(event) {
            Ok(()) => {
                self.shared.counters.tracked.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(TrySendError::Full(event)) => {
                self.shared.counters.refused.fetch_add(1, Ordering::Relaxed);
                Err(TrackError::Full(event))
            }
            Err(TrySendError::Closed(event)) => Err(TrackError::Closed(event)),
        }
    }

    /// Queues `event`, waiting for room while the queue is full: for callers that would
    /// rather slow down than get the event back.
    ///
    /// # Errors
    ///
    /// [`TrackError::Closed`] after [`shutdown`](Self::shutdown), with the event.
    pub async fn track_wait(&self, event: impl Into<Event>) -> Result<(), TrackError> {
        let event = self.shared.prepare(event.into());
        match self.events.send(event).await {
            Ok(()) => {
                self.shared.counters.tracked.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(mpsc::error::SendError(event)) => Err(TrackError::Closed(event)),
        }
    }

    /// Sends every event tracked before this call without waiting for the flush interval,
    /// and returns when each of them is stored or handed back (reported). Returns at once
    /// after shutdown.
    pub async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.control.send(Control::Flush(reply)).is_ok() {
            let _ = done.await;
        }
    }

    /// The totals so far (see [`Stats`]).
    #[must_use]
    pub fn stats(&self) -> Stats {
        let mut stats = self.shared.counters.snapshot();
        stats.queued = (self.capacity - self.events.capacity()) as u64;
        stats
    }

    /// Stops taking events (later [`track`](Self::track) calls, through any clone, get
    /// [`TrackError::Closed`]), sends everything queued, and returns when it is all stored or
    /// reported, or at `deadline` from now at the latest, with the events that could not be
    /// sent by then. Requests still running at the deadline are abandoned: their events are
    /// among [`ShutdownReport::unsent`] (Polar may have stored some of them; their ids make
    /// sending them again safe). Await it to the end: dropping the future loses that list
    /// (the events are still counted in [`Stats::unsent`]).
    pub async fn shutdown(self, deadline: Duration) -> ShutdownReport {
        let at = later(deadline);
        self.deadline.send_modify(|current| {
            if current.is_none_or(|current| at < current) {
                *current = Some(at);
            }
        });
        let (reply, report) = oneshot::channel();
        if self.control.send(Control::Shutdown { deadline: at, reply }).is_ok() {
            if let Ok(report) = report.await {
                return report;
            }
        }
        // The task has ended already (another handle shut it down).
        ShutdownReport { stats: self.stats(), unsent: Vec::new(), deadline_reached: false }
    }
}

/// Why [`Ingester::track`] handed an event back.
#[derive(Debug)]
pub enum TrackError {
    /// The queue is full (Polar is slower than the events arrive, or unreachable).
    Full(Event),
    /// The ingester is shut down.
    Closed(Event),
}

impl TrackError {
    /// The event, with the `external_id` and `timestamp` it was given.
    #[must_use]
    pub fn into_event(self) -> Event {
        match self {
            Self::Full(event) | Self::Closed(event) => event,
        }
    }
}

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("the metering queue is full"),
            Self::Closed(_) => f.write_str("the metering ingester is shut down"),
        }
    }
}

impl std::error::Error for TrackError {}

// ---------------------------------------------------------------------------------------
// Reports

/// What happened to one batch: given to the report function of
/// [`IngesterBuilder::start`].
#[derive(Debug)]
#[non_exhaustive]
pub struct BatchReport {
    /// Events in the batch.
    pub events: usize,
    /// Events Polar stored (its `inserted`).
    pub inserted: u64,
    /// Events Polar already had (its `duplicates`): sent before, by a request whose answer
    /// was lost, or another event with the same `external_id`.
    pub duplicates: u64,
    /// Events that were not stored, with the reason: yours to keep, resend or report.
    pub failed: Vec<FailedEvent>,
    /// Events of this batch returned by [`Ingester::shutdown`] instead (its deadline cut the
    /// batch off).
    pub unsent: usize,
    /// HTTP requests made for the batch.
    pub requests: u32,
    /// Of those, retries after a failure (not counting resends without the invalid events of
    /// a 422, or the halves of a 413).
    pub retries: u32,
    /// From the batch's first request to its outcome.
    pub elapsed: Duration,
}

/// An event that was not stored, handed back in a [`BatchReport`].
#[derive(Debug, Clone)]
pub struct FailedEvent {
    /// The event as it was sent (with its `external_id` and `timestamp`).
    pub event: Event,
    /// Why it was not stored.
    pub reason: FailureReason,
}

impl FailedEvent {
    /// The event's `external_id`.
    #[must_use]
    pub fn external_id(&self) -> Option<&str> {
        external_id(&self.event)
    }
}

/// Why an event was not stored.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FailureReason {
    /// Polar refused this event (HTTP 422): its messages about it, as `field: message`
    /// (e.g. `customer_id: Customer not found.`). Sending it again unchanged would fail the
    /// same way.
    Invalid(Vec<String>),
    /// Polar refused the whole batch for a reason retrying does not fix: 400, 401, 403, 404,
    /// or a 422 that names no event.
    Refused(Arc<crate::Error>),
    /// The batch failed `attempts` times (timeouts, 429, 5xx, connection failures) or ran out
    /// of [`max_batch_time`](IngesterBuilder::max_batch_time); `error` is the last failure.
    /// Polar may have stored the event in an attempt whose answer was lost: sending it again
    /// is safe (same `external_id`).
    GaveUp {
        /// Failed attempts.
        attempts: u32,
        /// The last failure.
        error: Arc<crate::Error>,
    },
    /// The event's JSON alone (`bytes`) exceeds
    /// [`max_batch_bytes`](IngesterBuilder::max_batch_bytes), or Polar answered 413 to it alone.
    TooLarge {
        /// The size of the event's JSON.
        bytes: usize,
    },
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(messages) => write!(f, "invalid: {}", messages.join("; ")),
            Self::Refused(error) => write!(f, "refused: {error}"),
            Self::GaveUp { attempts, error } => write!(f, "gave up after {attempts} failed attempts: {error}"),
            Self::TooLarge { bytes } => write!(f, "too large: {bytes} bytes of JSON"),
        }
    }
}

/// Totals of an [`Ingester`] since it started: [`Ingester::stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Events accepted by `track`/`track_wait`.
    pub tracked: u64,
    /// `track` calls answered [`TrackError::Full`].
    pub refused: u64,
    /// Events Polar stored.
    pub inserted: u64,
    /// Events Polar already had.
    pub duplicates: u64,
    /// Events handed back in reports ([`BatchReport::failed`]).
    pub failed: u64,
    /// Events returned by [`Ingester::shutdown`] unsent.
    pub unsent: u64,
    /// Batches finished.
    pub batches: u64,
    /// HTTP requests made.
    pub requests: u64,
    /// Of those, retries after a failure.
    pub retries: u64,
    /// Events waiting in the queue now (only in [`Ingester::stats`]).
    pub queued: u64,
}

/// What [`Ingester::shutdown`] returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// The totals. Once shut down, `tracked == inserted + duplicates + failed + unsent` (with
    /// no `track` call racing the shutdown, and as long as Polar's counts add up to the
    /// events sent).
    pub stats: Stats,
    /// Events not sent, or whose request was abandoned, by the deadline. Each keeps its
    /// `external_id`: sending them again is deduplicated.
    pub unsent: Vec<Event>,
    /// Whether the deadline cut the shutdown short.
    pub deadline_reached: bool,
}

/// The `external_id` of an event, if it has one.
#[must_use]
pub fn external_id(event: &Event) -> Option<&str> {
    match event {
        Event::EventCreateCustomer(e) => e.external_id.as_deref(),
        Event::EventCreateExternalCustomer(e) => e.external_id.as_deref(),
        Event::Unknown(value) => value.get("external_id").and_then(serde_json::Value::as_str),
    }
}

// ---------------------------------------------------------------------------------------
// State shared by the handles and the task

struct Shared {
    /// 32 hex digits, then `-`.
    id_prefix: String,
    next_id: AtomicU64,
    stamp_timestamps: bool,
    counters: Counters,
}

#[derive(Default)]
struct Counters {
    tracked: AtomicU64,
    refused: AtomicU64,
    inserted: AtomicU64,
    duplicates: AtomicU64,
    failed: AtomicU64,
    unsent: AtomicU64,
    batches: AtomicU64,
    requests: AtomicU64,
    retries: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> Stats {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            tracked: get(&self.tracked),
            refused: get(&self.refused),
            inserted: get(&self.inserted),
            duplicates: get(&self.duplicates),
            failed: get(&self.failed),
            unsent: get(&self.unsent),
            batches: get(&self.batches),
            requests: get(&self.requests),
            retries: get(&self.retries),
            queued: 0,
        }
    }

    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

impl Shared {
    /// Gives `event` an `external_id` and a `timestamp` where it has none.
    fn prepare(&self, mut event: Event) -> Event {
        let stamp = self.stamp_timestamps;
        match &mut event {
            Event::EventCreateCustomer(e) => {
                self.fill(&mut e.external_id, &mut e.timestamp, stamp);
            }
            Event::EventCreateExternalCustomer(e) => {
                self.fill(&mut e.external_id, &mut e.timestamp, stamp);
            }
            Event::Unknown(serde_json::Value::Object(object)) => {
                let missing =
                    |object: &serde_json::Map<_, _>, key| object.get(key).is_none_or(serde_json::Value::is_null);
                if missing(object, "external_id") {
                    object.insert("external_id".to_owned(), self.new_id().into());
                }
                if stamp && missing(object, "timestamp") {
                    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
                    object.insert("timestamp".to_owned(), now.into());
                }
            }
            Event::Unknown(_) => {}
        }
        event
    }

    fn fill(&self, id: &mut Option<String>, timestamp: &mut Option<chrono::DateTime<chrono::Utc>>, stamp: bool) {
        if id.is_none() {
            *id = Some(self.new_id());
        }
        if stamp && timestamp.is_none() {
            *timestamp = Some(chrono::Utc::now());
        }
    }

    fn new_id(&self) -> String {
        use fmt::Write as _;
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut id = String::with_capacity(self.id_prefix.len() + 20);
        id.push_str(&self.id_prefix);
        let _ = write!(id, "{n}");
        id
    }
}

/// 128 random bits as 32 hex digits and `-`: `std`'s `RandomState` keys come from the
/// operating system's randomness (per thread, then incremented), and SipHash of distinct
/// inputs under them is unpredictable; the time and process id are mixed in as well.
fn random_prefix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let mut bits = 0u128;
    for half in 0..2u8 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u8(half);
        hasher.write_u128(nanos);
        hasher.write_u32(std::process::id());
        bits = (bits << 64) | u128::from(hasher.finish());
    }
    format!("{bits:032x}-")
}

// ---------------------------------------------------------------------------------------
// The task

enum Control {
    Flush(oneshot::Sender<()>),
    Shutdown { deadline: Instant, reply: oneshot::Sender<ShutdownReport> },
}

/// An event taken off the queue: its position in the queue's order and its JSON size.
struct Pending {
    event: Event,
    index: u64,
    bytes: usize,
}

/// What one batch's delivery returns to the task.
struct Delivered {
    seq: u64,
    first: u64,
    report: BatchReport,
    unsent: Vec<Event>,
}

type Delivery = Pin<Box<dyn Future<Output = Delivered> + Send>>;

/// A [`flush`](Ingester::flush) waiting for every event before `until` (in queue order) to
/// be delivered.
struct FlushWaiter {
    until: u64,
    reply: oneshot::Sender<()>,
}

struct Worker {
    config: Arc<Config>,
    shared: Arc<Shared>,
    sender: Arc<Sender>,
    events: mpsc::Receiver<Event>,
    control: mpsc::UnboundedReceiver<Control>,
    on_report: Box<dyn FnMut(BatchReport) + Send>,
    /// The batch being filled, and its JSON size (events and commas).
    batch: Vec<Pending>,
    batch_bytes: usize,
    /// An event taken off the queue that did not fit the batch's byte limit: it starts the
    /// next batch.
    carry: Option<Pending>,
    /// Events taken off the queue so far.
    received: u64,
    /// Where each event's JSON is written to measure it.
    scratch: Vec<u8>,
    /// The flush interval of the batch being filled, from its first event.
    interval: Pin<Box<Sleep>>,
    interval_armed: bool,
    interval_due: bool,
    /// The shutdown deadline, once shutdown was asked for, and whether it has passed.
    deadline: Option<Pin<Box<Sleep>>>,
    expired: bool,
    /// The queue is closed and empty; the control channel is closed.
    events_done: bool,
    control_done: bool,
    /// Shutdown was asked for (the queue is closed to new events).
    closing: bool,
    inflight: FuturesUnordered<Delivery>,
    /// `(first event index, seq)` of each batch in flight.
    inflight_first: BTreeSet<(u64, u64)>,
    next_seq: u64,
    flushes: Vec<FlushWaiter>,
    shutdowns: Vec<oneshot::Sender<ShutdownReport>>,
    unsent: Vec<Event>,
}

enum Wake {
    Delivered(Delivered),
    Control(Control),
    ControlClosed,
    Event(Event),
    EventsClosed,
    Interval,
    Deadline,
}

impl Worker {
    async fn run(mut self) {
        loop {
            self.dispatch_ready();
            self.answer_flushes();
            if self.finished() {
                break;
            }
            let wake = std::future::poll_fn(|cx| self.poll_wake(cx)).await;
            match wake {
                Wake::Delivered(delivered) => self.delivered(delivered),
                Wake::Control(Control::Flush(reply)) => {
                    let until = self.received + self.events.len() as u64;
                    self.flushes.push(FlushWaiter { until, reply });
                }
                Wake::Control(Control::Shutdown { deadline, reply }) => self.shutdown(deadline, reply),
                Wake::ControlClosed => self.control_done = true,
                Wake::Event(event) => {
                    self.take(event);
                    // Take what else is queued without a wake-up per event.
                    while self.can_take() {
                        match self.events.try_recv() {
                            Ok(event) => self.take(event),
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Disconnected) => {
                                self.events_done = true;
                                break;
                            }
                        }
                    }
                }
                Wake::EventsClosed => self.events_done = true,
                Wake::Interval => {
                    self.interval_armed = false;
                    self.interval_due = true;
                }
                Wake::Deadline => self.expire(),
            }
        }
        let stats = self.shared.counters.snapshot();
        let mut unsent = std::mem::take(&mut self.unsent);
        for reply in self.shutdowns.drain(..) {
            let report = ShutdownReport { stats, unsent: std::mem::take(&mut unsent), deadline_reached: self.expired };
            let _ = reply.send(report);
        }
        // No shutdown asked for (every handle was dropped): nobody can take unsent events,
        // and there are none, since no deadline applies then.
        debug_assert!(unsent.is_empty());
    }

    fn poll_wake(&mut self, cx: &mut Context<'_>) -> Poll<Wake> {
        if !self.expired {
            if let Some(deadline) = &mut self.deadline {
                if deadline.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Wake::Deadline);
                }
            }
        }
        if !self.inflight.is_empty() {
            if let Poll::Ready(Some(delivered)) = self.inflight.poll_next_unpin(cx) {
                return Poll::Ready(Wake::Delivered(delivered));
            }
        }
        if !self.control_done {
            match self.control.poll_recv(cx) {
                Poll::Ready(Some(control)) => return Poll::Ready(Wake::Control(control)),
                Poll::Ready(None) => return Poll::Ready(Wake::ControlClosed),
                Poll::Pending => {}
            }
        }
        if self.can_take() {
            match self.events.poll_recv(cx) {
                Poll::Ready(Some(event)) => return Poll::Ready(Wake::Event(event)),
                Poll::Ready(None) => return Poll::Ready(Wake::EventsClosed),
                Poll::Pending => {}
            }
        }
        if self.interval_armed && self.interval.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Wake::Interval);
        }
        Poll::Pending
    }

    /// Whether the task takes more events off the queue now: not while the batch is full
    /// (that is the backpressure: the queue fills, and `track` says so).
    fn can_take(&self) -> bool {
        !self.events_done && !self.expired && self.carry.is_none() && self.batch.len() < self.config.batch_size
    }

    fn finished(&self) -> bool {
        (self.events_done || self.expired)
            && self.batch.is_empty()
            && self.carry.is_none()
            && self.inflight.is_empty()
            && self.flushes.is_empty()
    }

    fn take(&mut self, event: Event) {
        let index = self.received;
        self.received += 1;
        let bytes = json_len(&event, &mut self.scratch);
        if BODY_FRAME_BYTES + bytes > self.config.max_batch_bytes {
            // Alone over the limit: handed back unsent, in a report of its own.
            let report = BatchReport {
                events: 1,
                failed: vec![FailedEvent { event, reason: FailureReason::TooLarge { bytes } }],
                ..BatchReport::empty(0)
            };
            self.report(report, Vec::new());
            return;
        }
        let pending = Pending { event, index, bytes };
        if !self.batch.is_empty() && BODY_FRAME_BYTES + self.batch_bytes + 1 + bytes > self.config.max_batch_bytes {
            self.carry = Some(pending);
        } else {
            self.push(pending);
        }
    }

    fn push(&mut self, pending: Pending) {
        if self.batch.is_empty() {
            self.interval.as_mut().reset(later(self.config.flush_interval));
            self.interval_armed = true;
            self.batch_bytes = pending.bytes;
        } else {
            self.batch_bytes += 1 + pending.bytes;
        }
        self.batch.push(pending);
    }

    /// Sends the batch being filled while it is ready and a slot is free.
    fn dispatch_ready(&mut self) {
        if !self.expired && self.deadline.as_ref().is_some_and(|deadline| deadline.deadline() <= Instant::now()) {
            self.expire();
        }
        loop {
            if self.batch.is_empty() {
                match self.carry.take() {
                    Some(pending) => self.push(pending),
                    None => return,
                }
            }
            if self.expired || self.inflight.len() >= self.config.max_in_flight {
                return;
            }
            let full = self.carry.is_some() || self.batch.len() >= self.config.batch_size;
            // A flush waits for events up to `until`: once they are all taken, send.
            let flushing = self.flushes.iter().any(|f| self.batch[0].index < f.until && self.received >= f.until);
            if !(full || flushing || self.interval_due || self.events_done) {
                return;
            }
            self.interval_armed = false;
            self.interval_due = false;
            let batch = std::mem::take(&mut self.batch);
            self.batch_bytes = 0;
            let seq = self.next_seq;
            self.next_seq += 1;
            let first = batch[0].index;
            self.inflight_first.insert((first, seq));
            let sender = Arc::clone(&self.sender);
            let events = batch.into_iter().map(|p| p.event).collect();
            self.inflight.push(Box::pin(async move {
                let (report, unsent) = sender.deliver(events).await;
                Delivered { seq, first, report, unsent }
            }));
        }
    }

    fn delivered(&mut self, delivered: Delivered) {
        self.inflight_first.remove(&(delivered.first, delivered.seq));
        self.report(delivered.report, delivered.unsent);
    }

    fn report(&mut self, report: BatchReport, unsent: Vec<Event>) {
        let counters = &self.shared.counters;
        Counters::add(&counters.inserted, report.inserted);
        Counters::add(&counters.duplicates, report.duplicates);
        Counters::add(&counters.failed, report.failed.len() as u64);
        Counters::add(&counters.unsent, unsent.len() as u64);
        Counters::add(&counters.batches, 1);
        Counters::add(&counters.requests, u64::from(report.requests));
        Counters::add(&counters.retries, u64::from(report.retries));
        self.unsent.extend(unsent);
        let on_report = &mut self.on_report;
        // A panic in the application's function must not end the task (and lose the queue).
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| on_report(report)));
    }

    /// Answers each flush whose events have all been delivered (or cut off).
    fn answer_flushes(&mut self) {
        if self.flushes.is_empty() {
            return;
        }
        let pending_from = [
            self.batch.first().map(|p| p.index),
            self.carry.as_ref().map(|p| p.index),
            self.inflight_first.first().map(|(first, _)| *first),
        ]
        .into_iter()
        .flatten()
        .min();
        let mut i = 0;
        while i < self.flushes.len() {
            let until = self.flushes[i].until;
            let done = if self.expired {
                self.inflight.is_empty()
            } else {
                self.received >= until && pending_from.is_none_or(|first| first >= until)
            };
            if done {
                let _ = self.flushes.swap_remove(i).reply.send(());
            } else {
                i += 1;
            }
        }
    }

    fn shutdown(&mut self, deadline: Instant, reply: oneshot::Sender<ShutdownReport>) {
        self.shutdowns.push(reply);
        if !self.closing {
            self.closing = true;
            self.events.close();
        }
        match &mut self.deadline {
            Some(current) if current.deadline() <= deadline => {}
            Some(current) => current.as_mut().reset(deadline),
            None => self.deadline = Some(Box::pin(sleep_until(deadline))),
        }
    }

    /// The shutdown deadline passed: nothing more is sent; what is left is unsent (the
    /// deliveries in flight see the same deadline and return their events).
    fn expire(&mut self) {
        self.expired = true;
        self.events.close();
        let mut unsent: Vec<Event> = self.batch.drain(..).map(|p| p.event).collect();
        unsent.extend(self.carry.take().map(|p| p.event));
        while let Ok(event) = self.events.try_recv() {
            unsent.push(event);
        }
        self.events_done = true;
        self.interval_armed = false;
        Counters::add(&self.shared.counters.unsent, unsent.len() as u64);
        self.unsent.extend(unsent);
    }
}

impl BatchReport {
    fn empty(events: usize) -> Self {
        Self {
            events,
            inserted: 0,
            duplicates: 0,
            failed: Vec::new(),
            unsent: 0,
            requests: 0,
            retries: 0,
            elapsed: Duration::ZERO,
        }
    }
}

/// `duration` from now, or a century from now if that overflows.
fn later(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration).unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

/// The size of an event's JSON, written into `scratch` (cleared first). Into a `Vec<u8>`, as
/// the request body is: the same serializer, compiled once (a counting writer would compile
/// every event model's serialization a second time, for about a second of build).
fn json_len(event: &Event, scratch: &mut Vec<u8>) -> usize {
    scratch.clear();
    // Serializing generated models does not fail; a failure would surface when sending.
    let _ = serde_json::to_writer(&mut *scratch, event);
    let len = scratch.len();
    if scratch.capacity() > 64 * 1024 {
        // Not kept after a large event.
        *scratch = Vec::new();
    }
    len
}

// ---------------------------------------------------------------------------------------
// Delivery of one batch

/// What every delivery shares: the client, the settings, the shutdown deadline and the
/// pause a `Retry-After` imposes on every batch.
struct Sender {
    client: crate::Client,
    config: Arc<Config>,
    deadline: watch::Receiver<Option<Instant>>,
    pause_until: Mutex<Option<Instant>>,
}

/// How a failed request is handled.
enum Verdict {
    /// Try again, after the server's `Retry-After` if it sent one.
    Retry(Option<Duration>),
    /// A 422 naming invalid events: `(index, messages)`.
    Invalid(Vec<(usize, Vec<String>)>),
    /// 413: the body is over the server's limit.
    TooLarge,
    /// Retrying cannot help.
    Refused,
}

impl Sender {
    /// Sends `events` until each is stored or handed back; returns the report and the
    /// events cut off by the shutdown deadline.
    async fn deliver(&self, events: Vec<Event>) -> (BatchReport, Vec<Event>) {
        let started = Instant::now();
        let mut deadline = self.deadline.clone();
        let mut report = BatchReport::empty(events.len());
        let mut parts = vec![events];
        let mut failures = 0u32;
        while let Some(mut events) = parts.pop() {
            loop {
                let pause = *self.pause_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Some(until) = pause.filter(|until| *until > Instant::now()) {
                    if before_deadline(sleep_until(until), &mut deadline).await.is_none() {
                        return cut_off(report, started, events, parts);
                    }
                }
                report.requests += 1;
                let request = self
                    .client
                    .events()
                    .ingest(EventsIngest::new(events.clone()))
                    .timeout(self.config.request_timeout)
                    .retry(crate::RetryPolicy::none());
                let Some(result) = before_deadline(std::future::IntoFuture::into_future(request), &mut deadline).await
                else {
                    return cut_off(report, started, events, parts);
                };
                let error = match result {
                    Ok(stored) => {
                        report.inserted += u64::try_from(stored.inserted).unwrap_or(0);
                        report.duplicates += u64::try_from(stored.duplicates.unwrap_or(0)).unwrap_or(0);
                        break;
                    }
                    Err(error) => error,
                };
                match classify(&error, events.len()) {
                    Verdict::Invalid(invalid) => {
                        // Polar stored none of the batch: hand back the invalid events, send
                        // the others again at once.
                        for (index, messages) in invalid.into_iter().rev() {
                            let event = events.remove(index);
                            report.failed.push(FailedEvent { event, reason: FailureReason::Invalid(messages) });
                        }
                        if events.is_empty() {
                            break;
                        }
                    }
                    Verdict::TooLarge if events.len() > 1 => {
                        let second = events.split_off(events.len() / 2);
                        parts.push(second);
                        parts.push(events);
                        break;
                    }
                    Verdict::TooLarge => {
                        let bytes = events.first().map_or(0, |event| json_len(event, &mut Vec::new()));
                        report.failed.extend(
                            events
                                .drain(..)
                                .map(|event| FailedEvent { event, reason: FailureReason::TooLarge { bytes } }),
                        );
                        break;
                    }
                    Verdict::Refused => {
                        let error = Arc::new(error);
                        let reason = FailureReason::Refused(error);
                        report
                            .failed
                            .extend(events.drain(..).map(|event| FailedEvent { event, reason: reason.clone() }));
                        break;
                    }
                    Verdict::Retry(retry_after) => {
                        failures += 1;
                        let wait = retry_after.unwrap_or_else(|| self.backoff(failures - 1));
                        if let Some(wait) = retry_after {
                            let until = later(wait);
                            let mut pause = self.pause_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                            if pause.is_none_or(|current| current < until) {
                                *pause = Some(until);
                            }
                        }
                        let ends = started.elapsed().checked_add(wait);
                        if failures >= self.config.max_attempts
                            || ends.is_none_or(|ends| ends > self.config.max_batch_time)
                        {
                            let reason = FailureReason::GaveUp { attempts: failures, error: Arc::new(error) };
                            report
                                .failed
                                .extend(events.drain(..).map(|event| FailedEvent { event, reason: reason.clone() }));
                            break;
                        }
                        report.retries += 1;
                        if before_deadline(tokio::time::sleep(wait), &mut deadline).await.is_none() {
                            return cut_off(report, started, events, parts);
                        }
                    }
                }
            }
        }
        report.elapsed = started.elapsed();
        (report, Vec::new())
    }

    /// Full jitter, as the client's retries: a random wait in `[0, min(max, initial * 2^retry)]`.
    fn backoff(&self, retry: u32) -> Duration {
        self.config.backoff.jittered_backoff(retry)
    }
}

/// The report of a delivery cut off by the deadline, and its events not yet stored.
fn cut_off(
    mut report: BatchReport,
    started: Instant,
    events: Vec<Event>,
    parts: Vec<Vec<Event>>,
) -> (BatchReport, Vec<Event>) {
    let mut unsent = events;
    unsent.extend(parts.into_iter().flatten());
    report.unsent = unsent.len();
    report.elapsed = started.elapsed();
    (report, unsent)
}

/// `future`'s output, or `None` if the shutdown deadline passes first.
async fn before_deadline<F: Future>(future: F, deadline: &mut watch::Receiver<Option<Instant>>) -> Option<F::Output> {
    let expiry = async {
        loop {
            let at = *deadline.borrow_and_update();
            match at {
                Some(at) => {
                    // A later shutdown call may bring the deadline forward.
                    match select(std::pin::pin!(sleep_until(at)), std::pin::pin!(deadline.changed())).await {
                        Either::Left(_) => return,
                        Either::Right((Ok(()), _)) => {}
                        Either::Right((Err(_), _)) => {
                            sleep_until(at).await;
                            return;
                        }
                    }
                }
                None => {
                    if deadline.changed().await.is_err() {
                        // Every handle is gone without a shutdown: no deadline will come.
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    };
    // The deadline first: once it has passed, `future` is not even started.
    match select(std::pin::pin!(expiry), std::pin::pin!(future)).await {
        Either::Left(_) => None,
        Either::Right((output, _)) => Some(output),
    }
}

/// How the ingester handles a failed request of `len` events.
fn classify(error: &crate::Error, len: usize) -> Verdict {
    let Some(status) = error.status() else {
        // Timeouts, connection and transport failures; not an invalid request.
        return if error.is_retryable() { Verdict::Retry(None) } else { Verdict::Refused };
    };
    match status.as_u16() {
        // A 2xx whose body did not decode (or was too large to read): Polar may have stored
        // the batch; a resend is deduplicated.
        200..=299 => Verdict::Retry(None),
        408 | 425 | 429 | 500..=599 => Verdict::Retry(error.retry_after()),
        413 => Verdict::TooLarge,
        422 => match error.raw_body().and_then(|body| invalid_events(body, len)) {
            Some(invalid) => Verdict::Invalid(invalid),
            None => Verdict::Refused,
        },
        _ => Verdict::Refused,
    }
}

/// The events a 422 body names (`detail[].loc == ["body", "events", index, ...]`), each with
/// its messages (`field: msg`), in index order; `None` if an entry names no event of the
/// batch (then nothing can be resent safely).
fn invalid_events(body: &[u8], len: usize) -> Option<Vec<(usize, Vec<String>)>> {
    use serde_json::Value;
    let body: Value = serde_json::from_slice(body).ok()?;
    let detail = body.get("detail")?.as_array()?;
    let mut invalid: std::collections::BTreeMap<usize, Vec<String>> = std::collections::BTreeMap::new();
    for entry in detail {
        let loc = entry.get("loc")?.as_array()?;
        if loc.first()?.as_str()? != "body" || loc.get(1)?.as_str()? != "events" {
            return None;
        }
        let index = usize::try_from(loc.get(2)?.as_u64()?).ok().filter(|index| *index < len)?;
        let field: Vec<String> =
            loc[3..].iter().map(|part| part.as_str().map_or_else(|| part.to_string(), str::to_owned)).collect();
        let msg = entry.get("msg").and_then(Value::as_str).unwrap_or("invalid");
        let message = if field.is_empty() { msg.to_owned() } else { format!("{}: {msg}", field.join(".")) };
        invalid.entry(index).or_default().push(message);
    }
    (!invalid.is_empty()).then(|| invalid.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{EventCreateCustomer, EventCreateExternalCustomer};

    fn shared() -> Shared {
        Shared {
            id_prefix: random_prefix(),
            next_id: AtomicU64::new(0),
            stamp_timestamps: true,
            counters: Counters::default(),
        }
    }

    #[test]
    fn ids_are_assigned_unless_set_and_distinct() {
        let shared = shared();
        let a = shared.prepare(EventCreateExternalCustomer::new("call", "u1").into());
        let b = shared.prepare(EventCreateExternalCustomer::new("call", "u1").into());
        let (a, b) = (external_id(&a).unwrap().to_owned(), external_id(&b).unwrap().to_owned());
        assert_ne!(a, b);
        assert_eq!(a.len(), 34, "{a}");
        assert!(a.starts_with(&shared.id_prefix) && a.ends_with("-0") && b.ends_with("-1"));
        assert_ne!(random_prefix(), random_prefix());

        let mut own = EventCreateCustomer::new("call", uuid::Uuid::nil());
        own.external_id = Some("mine".to_owned());
        let own = shared.prepare(own.into());
        assert_eq!(external_id(&own), Some("mine"));
        let Event::EventCreateCustomer(own) = own else { unreachable!() };
        assert!(own.timestamp.is_some());

        let raw = shared.prepare(Event::Unknown(serde_json::json!({"name": "x", "external_id": null})));
        assert!(external_id(&raw).unwrap().starts_with(&shared.id_prefix));
        assert!(serde_json::to_value(&raw).unwrap()["timestamp"].is_string());
    }

    #[test]
    fn handles_and_their_futures_are_send() {
        fn handle<T: Send + Sync + Clone + 'static>() {}
        fn future<T: std::future::Future + Send>(_: &T) {}
        handle::<Ingester>();
        // Compiled, never called: the futures of every async method are `Send`.
        let _ = |ingester: Ingester, event: Event| {
            future(&ingester.track_wait(event));
            future(&ingester.flush());
            future(&ingester.shutdown(Duration::ZERO));
        };
        fn report<T: Send + 'static>() {}
        report::<BatchReport>();
        report::<ShutdownReport>();
        report::<TrackError>();
    }

    #[test]
    fn json_len_is_the_serialized_size() {
        let event: Event = EventCreateExternalCustomer::new("call", "u1").into();
        let mut scratch = Vec::new();
        assert_eq!(json_len(&event, &mut scratch), serde_json::to_vec(&event).unwrap().len());
        assert_eq!(json_len(&event, &mut scratch), serde_json::to_vec(&event).unwrap().len());
    }

    #[test]
    fn invalid_events_are_read_from_polar_422_bodies() {
        let body = br#"{"error":"PolarRequestValidationError","detail":[
            {"type":"customer_id","loc":["body","events",3,"customer_id"],"msg":"Customer not found.","input":"x"},
            {"type":"string_too_long","loc":["body","events",0,"EventCreateExternalCustomer","name"],"msg":"too long"},
            {"type":"x","loc":["body","events",3,"member_id"],"msg":"Member not found."}]}"#;
        let invalid = invalid_events(body, 5).unwrap();
        assert_eq!(
            invalid,
            vec![
                (0, vec!["EventCreateExternalCustomer.name: too long".to_owned()]),
                (3, vec!["customer_id: Customer not found.".to_owned(), "member_id: Member not found.".to_owned()]),
            ]
        );
        // An index outside the batch, or an entry about something else: nothing to split on.
        assert!(invalid_events(body, 3).is_none());
        assert!(invalid_events(br#"{"detail":[{"loc":["body"],"msg":"bad"}]}"#, 3).is_none());
        assert!(invalid_events(br#"{"detail":[]}"#, 3).is_none());
        assert!(invalid_events(b"not json", 3).is_none());
    }
}
