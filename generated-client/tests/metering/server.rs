//! A local stand-in for Polar's `POST /v1/events/ingest` that injects faults, for the metering
//! tests (`tests/metering_*.rs`) and the benchmark (`benches/metering.rs`,
//! `scripts/bench_metering.sh`). axum on 127.0.0.1.
//!
//! What it copies from Polar's server (see `/work/notes/polar-facts.md`, section A, checked
//! against `server/polar/event/`):
//! - `Content-Length` required (411 `LengthRequired`), body at most 10 MiB (413
//!   `RequestBodyTooLarge`), before anything else; then the bearer token (401, authlib's body).
//! - Validation of the whole batch before anything is stored: schema errors first (pydantic:
//!   `name` at most 128 characters, `timestamp` aware and not in the future, `customer_id` a
//!   UUID4, metadata values text of 1-500 characters / integer / number / boolean, no NUL in
//!   any string, an object per event with `customer_id` or `external_customer_id`); if none,
//!   the service checks (`organization_id` refused with an organization token, `customer_id`
//!   must be a customer of the organization), accumulated over every event. Any error: 422
//!   for the whole batch, nothing stored, `{"error": ..., "detail": [{"type", "loc": ["body",
//!   "events", i, ...], "msg", "input"}]}`.
//! - Storage: one row per `(organization, external_id)`, `ON CONFLICT DO NOTHING` (a repeated
//!   id, in the batch or from before, counts as a duplicate); events without `external_id`
//!   are always stored. Answer `{"inserted": n, "duplicates": d}`.
//! - 429 with an empty body and `retry-after: <seconds>`; `Polar-Version` echoed on every
//!   answer.
//!
//! Faults (random per request from a seeded generator, or scripted for the next requests):
//! 429, 500 (plain-text body), 503 (a proxy's HTML page), a slow answer (the batch is stored
//! after `slow_delay`, in a task of its own, so it is stored even when the client has given up,
//! and answered after that), the connection reset before anything is processed, and the nasty
//! one: the batch is stored, then the connection is reset before any byte of the answer.
//!
//! Events' `metadata.seq` (an integer), when present, lets [`FaultServer::verify`] check that
//! each of `0..n` is stored exactly once.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

/// Polar's request body limit.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// Fault probabilities, per request (their sum at most 1).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub seed: u64,
    pub rate_limited: f64,
    /// The `retry-after` of 429s, in seconds (Polar sends the rate limit's whole window).
    pub retry_after_secs: u64,
    pub server_error: f64,
    pub unavailable: f64,
    pub slow: f64,
    pub slow_delay: Duration,
    pub drop_before: f64,
    pub commit_then_drop: f64,
}

/// A fault injected into one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    RateLimited,
    ServerError,
    Unavailable,
    Slow,
    DropBefore,
    CommitThenDrop,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::RateLimited,
        Fault::ServerError,
        Fault::Unavailable,
        Fault::Slow,
        Fault::DropBefore,
        Fault::CommitThenDrop,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::RateLimited => "429 rate limited",
            Fault::ServerError => "500 internal error",
            Fault::Unavailable => "503 unavailable",
            Fault::Slow => "slow answer (timeout)",
            Fault::DropBefore => "connection reset before processing",
            Fault::CommitThenDrop => "stored, then connection reset before the answer",
        }
    }
}

/// How the server is set up.
#[derive(Clone, Debug)]
pub struct Config {
    pub token: String,
    pub organization: uuid::Uuid,
    /// The organization's customers (`customer_id` must be one of them).
    pub customers: Vec<uuid::Uuid>,
    pub max_body: usize,
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            token: TOKEN.to_owned(),
            organization: uuid::Uuid::from_u128(0x0a11_ce00_0000_4000_8000_0000_0000_0001),
            customers: vec![CUSTOMER],
            max_body: MAX_BODY,
            faults: Faults::default(),
        }
    }
}

pub const TOKEN: &str = "polar_oat_metering_test";
/// The one customer of the default organization.
pub const CUSTOMER: uuid::Uuid = uuid::Uuid::from_u128(0x992f_ae2a_2a17_4b7a_8d9e_e287_cf90_131b);

/// What the server has seen and stored.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub requests: u64,
    pub answered_200: u64,
    pub answered_422: u64,
    pub other_status: u64,
    /// Per fault name.
    pub faults: std::collections::BTreeMap<String, u64>,
    /// Events stored by requests whose answer was then lost (slow answers and resets after
    /// storing): the client can only learn of them as duplicates of a retry.
    pub inserted_unanswered: u64,
    /// Requests without `Polar-Version` (the client always sends it).
    pub without_version: u64,
    pub inserted: u64,
    pub duplicates: u64,
    pub stored: u64,
}

/// The outcome of [`FaultServer::verify`].
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    pub expected: u64,
    pub stored: u64,
    /// `seq` values of `0..expected` with no stored row.
    pub missing: u64,
    /// `seq` values stored more than once (with different ids: a retry that changed ids).
    pub stored_twice: u64,
    /// Rows whose `seq` is absent or outside `0..expected`.
    pub unexpected: u64,
}

impl Verdict {
    pub fn exactly_once(&self) -> bool {
        self.stored == self.expected && self.missing == 0 && self.stored_twice == 0 && self.unexpected == 0
    }
}

struct Store {
    /// `external_id` → the event's `metadata.seq` (`i64::MIN` if none).
    by_id: HashMap<String, i64>,
    /// Events stored without `external_id`.
    anonymous: Vec<i64>,
}

struct Shared {
    config: Config,
    rng: Mutex<fastrand::Rng>,
    script: Mutex<VecDeque<Option<Fault>>>,
    store: Mutex<Store>,
    counts: Mutex<Counts>,
    /// Requests wait while this is `true`.
    paused: tokio::sync::watch::Sender<bool>,
    /// `(time since start, status or fault)` of each request.
    log: Mutex<Vec<(Duration, String)>>,
    started: std::time::Instant,
    bodies_seen: AtomicU64,
}

/// The server; stops when dropped.
pub struct FaultServer {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    /// Starts a server on an ephemeral port of 127.0.0.1.
    pub async fn start(config: Config) -> FaultServer {
        Self::start_on(config, 0).await
    }

    pub async fn start_on(config: Config, port: u16) -> FaultServer {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seed = config.faults.seed;
        let shared = Arc::new(Shared {
            config,
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
            script: Mutex::new(VecDeque::new()),
            store: Mutex::new(Store { by_id: HashMap::new(), anonymous: Vec::new() }),
            counts: Mutex::new(Counts::default()),
            paused: tokio::sync::watch::channel(false).0,
            log: Mutex::new(Vec::new()),
            started: std::time::Instant::now(),
            bodies_seen: AtomicU64::new(0),
        });
        let app = Router::new()
            .route("/v1/events/ingest", post(ingest))
            .route("/_counts", get(counts))
            .route("/_verify/{n}", get(verify))
            .layer(DefaultBodyLimit::disable())
            .with_state(Arc::clone(&shared));
        let listener = KillableListener(listener);
        let task = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<Conn>()).await.expect("serve");
        });
        FaultServer { url, shared, task }
    }

    /// The next requests get these faults (`None`: no fault), before any random one.
    pub fn script(&self, faults: impl IntoIterator<Item = Option<Fault>>) {
        self.shared.script.lock().unwrap().extend(faults);
    }

    /// Holds every request (before it is processed) until [`resume`](Self::resume).
    pub fn pause(&self) {
        self.shared.paused.send_replace(true);
    }

    pub fn resume(&self) {
        self.shared.paused.send_replace(false);
    }

    pub fn counts(&self) -> Counts {
        let mut counts = self.shared.counts.lock().unwrap().clone();
        let store = self.shared.store.lock().unwrap();
        counts.stored = (store.by_id.len() + store.anonymous.len()) as u64;
        counts
    }

    /// `(time since start, what happened)` per request.
    pub fn log(&self) -> Vec<(Duration, String)> {
        self.shared.log.lock().unwrap().clone()
    }

    /// The stored `external_id`s.
    pub fn stored_ids(&self) -> Vec<String> {
        self.shared.store.lock().unwrap().by_id.keys().cloned().collect()
    }

    /// Whether every `seq` of `0..expected` is stored exactly once, and nothing else.
    pub fn verify(&self, expected: u64) -> Verdict {
        verdict(&self.shared, expected)
    }
}

fn verdict(shared: &Shared, expected: u64) -> Verdict {
    let store = shared.store.lock().unwrap();
    let mut seen = vec![0u8; usize::try_from(expected).unwrap()];
    let mut unexpected = 0;
    for seq in store.by_id.values().chain(&store.anonymous) {
        match usize::try_from(*seq).ok().filter(|s| (*s as u64) < expected) {
            Some(s) => seen[s] = seen[s].saturating_add(1),
            None => unexpected += 1,
        }
    }
    Verdict {
        expected,
        stored: (store.by_id.len() + store.anonymous.len()) as u64,
        missing: seen.iter().filter(|n| **n == 0).count() as u64,
        stored_twice: seen.iter().filter(|n| **n > 1).count() as u64,
        unexpected,
    }
}

async fn counts(State(shared): State<Arc<Shared>>) -> Response {
    let mut counts = shared.counts.lock().unwrap().clone();
    let store = shared.store.lock().unwrap();
    counts.stored = (store.by_id.len() + store.anonymous.len()) as u64;
    json_response(StatusCode::OK, &counts)
}

async fn verify(State(shared): State<Arc<Shared>>, axum::extract::Path(n): axum::extract::Path<u64>) -> Response {
    json_response(StatusCode::OK, &verdict(&shared, n))
}

fn log(shared: &Shared, what: impl Into<String>) {
    shared.log.lock().unwrap().push((shared.started.elapsed(), what.into()));
}

fn count_status(shared: &Shared, status: StatusCode) {
    let mut counts = shared.counts.lock().unwrap();
    match status.as_u16() {
        200 => counts.answered_200 += 1,
        422 => counts.answered_422 += 1,
        _ => counts.other_status += 1,
    }
    drop(counts);
    log(shared, status.as_u16().to_string());
}

/// A JSON answer (axum's `json` feature is not among the dev-dependency's features).
fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let body = serde_json::to_vec(value).expect("JSON");
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn polar_error(status: StatusCode, error: &str, detail: &str) -> Response {
    json_response(status, &json!({"error": error, "detail": detail}))
}

async fn ingest(State(shared): State<Arc<Shared>>, ConnectInfo(conn): ConnectInfo<Conn>, request: Request) -> Response {
    shared.counts.lock().unwrap().requests += 1;
    // Polar's APIVersionMiddleware echoes the version on every response of a version it serves.
    let version = request.headers().get("polar-version").cloned();
    let mut response = handle(&shared, request).await;
    if let Some(response) = &mut response {
        count_status(&shared, response.status());
        if let Some(version) = version {
            response.headers_mut().insert("polar-version", version);
        }
    }
    response.unwrap_or_else(|| {
        // The connection is reset when hyper writes this.
        conn.kill();
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// The answer, or `None` when the connection is to die without one.
async fn handle(shared: &Arc<Shared>, request: Request) -> Option<Response> {
    let (parts, body) = request.into_parts();
    if !parts.headers.contains_key("polar-version") {
        shared.counts.lock().unwrap().without_version += 1;
    }
    // MaxBodySizeMiddleware: before anything else.
    let Some(length) = parts.headers.get(header::CONTENT_LENGTH) else {
        return Some(polar_error(
            StatusCode::LENGTH_REQUIRED,
            "LengthRequired",
            "A Content-Length header is required.",
        ));
    };
    let length: usize = length.to_str().ok().and_then(|l| l.parse().ok()).unwrap_or(usize::MAX);
    if length > shared.config.max_body {
        let detail = format!("Request body exceeded the maximum allowed size of {} bytes.", shared.config.max_body);
        return Some(polar_error(StatusCode::PAYLOAD_TOO_LARGE, "RequestBodyTooLarge", &detail));
    }
    let mut paused = shared.paused.subscribe();
    let _ = paused.wait_for(|paused| !paused).await;

    let fault = pick_fault(shared);
    if let Some(fault) = fault {
        *shared.counts.lock().unwrap().faults.entry(fault.name().to_owned()).or_default() += 1;
        log(shared, fault.name());
    }
    match fault {
        Some(Fault::RateLimited) => {
            let retry_after = shared.config.faults.retry_after_secs.to_string();
            return Some(
                (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, retry_after)], Body::empty()).into_response(),
            );
        }
        Some(Fault::ServerError) => {
            return Some(
                (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain")], "Internal Server Error")
                    .into_response(),
            );
        }
        Some(Fault::Unavailable) => {
            return Some(
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html>503 Service Unavailable</html>",
                )
                    .into_response(),
            );
        }
        Some(Fault::DropBefore) => return None,
        _ => {}
    }
    let body = axum::body::to_bytes(body, shared.config.max_body).await.ok()?;
    shared.bodies_seen.fetch_add(1, Ordering::Relaxed);
    if !authorized(&parts.headers, &shared.config.token) {
        let body = json!({"error": "invalid_token", "error_description": "The access token provided is expired, revoked, malformed, or invalid for other reasons."});
        return Some(json_response(StatusCode::UNAUTHORIZED, &body));
    }
    // Processed in a task of its own: a client that gives up does not stop the commit.
    let worker = Arc::clone(shared);
    let slow = fault == Some(Fault::Slow);
    let processed = tokio::spawn(async move {
        if slow {
            tokio::time::sleep(worker.config.faults.slow_delay).await;
        }
        let (answer, inserted) = process(&worker, &body);
        if slow || fault == Some(Fault::CommitThenDrop) {
            worker.counts.lock().unwrap().inserted_unanswered += inserted.unwrap_or(0);
        }
        answer
    });
    let answer = processed.await.expect("processing task");
    (fault != Some(Fault::CommitThenDrop)).then_some(answer)
}

fn pick_fault(shared: &Shared) -> Option<Fault> {
    if let Some(scripted) = shared.script.lock().unwrap().pop_front() {
        return scripted;
    }
    let f = &shared.config.faults;
    let roll = shared.rng.lock().unwrap().f64();
    let table = [
        (f.rate_limited, Fault::RateLimited),
        (f.server_error, Fault::ServerError),
        (f.unavailable, Fault::Unavailable),
        (f.slow, Fault::Slow),
        (f.drop_before, Fault::DropBefore),
        (f.commit_then_drop, Fault::CommitThenDrop),
    ];
    let mut acc = 0.0;
    for (p, fault) in table {
        acc += p;
        if roll < acc {
            return Some(fault);
        }
    }
    None
}

fn authorized(headers: &HeaderMap, token: &str) -> bool {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {token}"))
}

/// Validates and stores a body: the answer and, when stored, how many events were inserted.
fn process(shared: &Shared, body: &Bytes) -> (Response, Option<u64>) {
    let invalid = |error: &str, detail: Vec<Value>| {
        (json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({"error": error, "detail": detail})), None)
    };
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            let detail = vec![
                json!({"type": "json_invalid", "loc": ["body", e.column()], "msg": "JSON decode error", "input": {}}),
            ];
            return invalid("RequestValidationError", detail);
        }
    };
    let Some(events) = parsed.get("events").and_then(Value::as_array) else {
        let detail =
            vec![json!({"type": "missing", "loc": ["body", "events"], "msg": "Field required", "input": parsed})];
        return invalid("RequestValidationError", detail);
    };
    // Schema (pydantic) errors over the whole batch first...
    let mut errors = Vec::new();
    for (i, event) in events.iter().enumerate() {
        schema_errors(i, event, &mut errors);
    }
    if !errors.is_empty() {
        return invalid("RequestValidationError", errors);
    }
    // ...then the service's checks, accumulated over every event.
    for (i, event) in events.iter().enumerate() {
        if event.get("organization_id").is_some_and(|o| !o.is_null()) {
            errors.push(json!({"type": "organization_token", "loc": ["body", "events", i, "organization_id"],
                "msg": "Setting organization_id is disallowed when using an organization token.", "input": event["organization_id"]}));
        }
        if let Some(customer) = event.get("customer_id").and_then(Value::as_str) {
            let known = uuid::Uuid::parse_str(customer).is_ok_and(|c| shared.config.customers.contains(&c));
            if !known {
                errors.push(json!({"type": "customer_id", "loc": ["body", "events", i, "customer_id"],
                    "msg": "Customer not found.", "input": customer}));
            }
        }
    }
    if !errors.is_empty() {
        return invalid("PolarRequestValidationError", errors);
    }
    // insert ... ON CONFLICT (organization_id, external_id) DO NOTHING
    let mut store = shared.store.lock().unwrap();
    let mut inserted = 0u64;
    for event in events {
        let seq = event.get("metadata").and_then(|m| m.get("seq")).and_then(Value::as_i64).unwrap_or(i64::MIN);
        match event.get("external_id").and_then(Value::as_str) {
            Some(id) => {
                if !store.by_id.contains_key(id) {
                    store.by_id.insert(id.to_owned(), seq);
                    inserted += 1;
                }
            }
            None => {
                store.anonymous.push(seq);
                inserted += 1;
            }
        }
    }
    drop(store);
    let duplicates = events.len() as u64 - inserted;
    let mut counts = shared.counts.lock().unwrap();
    counts.inserted += inserted;
    counts.duplicates += duplicates;
    drop(counts);
    (json_response(StatusCode::OK, &json!({"inserted": inserted, "duplicates": duplicates})), Some(inserted))
}

/// pydantic's errors for one event of `EventCreateCustomer | EventCreateExternalCustomer`.
fn schema_errors(i: usize, event: &Value, errors: &mut Vec<Value>) {
    let Some(object) = event.as_object() else {
        for arm in ["EventCreateCustomer", "EventCreateExternalCustomer"] {
            errors.push(json!({"type": "model_attributes_type", "loc": ["body", "events", i, arm],
                "msg": "Input should be a valid dictionary or object to extract fields from", "input": event}));
        }
        return;
    };
    let arm = if object.contains_key("customer_id") {
        "EventCreateCustomer"
    } else if object.contains_key("external_customer_id") {
        "EventCreateExternalCustomer"
    } else {
        for (arm, field) in
            [("EventCreateCustomer", "customer_id"), ("EventCreateExternalCustomer", "external_customer_id")]
        {
            errors.push(json!({"type": "missing", "loc": ["body", "events", i, arm, field], "msg": "Field required", "input": event}));
        }
        return;
    };
    let mut error = |kind: &str, field: &str, msg: &str, input: &Value| {
        errors.push(json!({"type": kind, "loc": ["body", "events", i, arm, field], "msg": msg, "input": input}));
    };
    if has_nul(event) {
        error("string_type", "name", "String should not contain NUL characters", event);
    }
    match object.get("name") {
        Some(Value::String(name)) if name.chars().count() > 128 => {
            error("string_too_long", "name", "String should have at most 128 characters", &object["name"]);
        }
        Some(Value::String(_)) => {}
        Some(other) => error("string_type", "name", "Input should be a valid string", other),
        None => error("missing", "name", "Field required", event),
    }
    if let Some(timestamp) = object.get("timestamp").filter(|t| !t.is_null()) {
        match timestamp.as_str().map(chrono::DateTime::parse_from_rfc3339) {
            Some(Ok(at)) if at > chrono::Utc::now() => {
                error("value_error", "timestamp", "Value error, Timestamp must be in the past.", timestamp);
            }
            Some(Ok(_)) => {}
            _ => error("datetime_from_date_parsing", "timestamp", "Input should be a valid datetime", timestamp),
        }
    }
    if arm == "EventCreateCustomer" {
        let uuid4 = object["customer_id"]
            .as_str()
            .and_then(|c| uuid::Uuid::parse_str(c).ok())
            .is_some_and(|c| c.get_version_num() == 4);
        if !uuid4 {
            error("uuid_version", "customer_id", "UUID version 4 expected", &object["customer_id"]);
        }
    } else if !object["external_customer_id"].is_string() {
        error("string_type", "external_customer_id", "Input should be a valid string", &object["external_customer_id"]);
    }
    for field in ["external_id", "parent_id"] {
        if let Some(value) = object.get(field).filter(|v| !v.is_null() && !v.is_string()) {
            error("string_type", field, "Input should be a valid string", value);
        }
    }
    if let Some(metadata) = object.get("metadata").filter(|m| !m.is_null()) {
        match metadata.as_object() {
            None => error("dict_type", "metadata", "Input should be a valid dictionary", metadata),
            Some(metadata) => {
                for (key, value) in metadata {
                    let ok = match value {
                        _ if key == "_cost" || key == "_llm" => value.is_object(),
                        Value::String(text) => (1..=500).contains(&text.chars().count()),
                        Value::Number(_) | Value::Bool(_) => true,
                        _ => false,
                    };
                    if !ok {
                        error(
                            "metadata_value",
                            "metadata",
                            "Metadata value must be a string of 1 to 500 characters, an integer, a number or a boolean",
                            value,
                        );
                    }
                }
            }
        }
    }
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Connections that a handler can reset

/// A connection's kill switch, given to handlers as its `ConnectInfo`.
#[derive(Clone, Debug)]
pub struct Conn(Arc<AtomicBool>);

impl Conn {
    fn kill(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct KillableListener(tokio::net::TcpListener);

impl axum::serve::Listener for KillableListener {
    type Io = KillableIo;
    type Addr = Conn;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if let Ok((stream, _)) = self.0.accept().await {
                let _ = stream.set_nodelay(true);
                let conn = Conn(Arc::new(AtomicBool::new(false)));
                return (KillableIo { stream, killed: conn.clone() }, conn);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(Conn(Arc::new(AtomicBool::new(false))))
    }
}

impl Connected<axum::serve::IncomingStream<'_, KillableListener>> for Conn {
    fn connect_info(stream: axum::serve::IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that fails every write once its connection is killed, after arranging for
/// the socket to be reset (`SO_LINGER` 0) when hyper drops it: the client sees the
/// connection die before any byte of the answer.
struct KillableIo {
    stream: tokio::net::TcpStream,
    killed: Conn,
}

impl KillableIo {
    fn dead(&self) -> Option<std::io::Error> {
        if self.killed.0.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
            Some(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "killed by the fault server"))
        } else {
            None
        }
    }
}

impl tokio::io::AsyncRead for KillableIo {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for KillableIo {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if let Some(e) = self.dead() {
            return std::task::Poll::Ready(Err(e));
        }
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if let Some(e) = self.dead() {
            return std::task::Poll::Ready(Err(e));
        }
        std::pin::Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if let Some(e) = self.dead() {
            return std::task::Poll::Ready(Err(e));
        }
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if let Some(e) = self.dead() {
            return std::task::Poll::Ready(Err(e));
        }
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
