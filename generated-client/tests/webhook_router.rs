//! `WebhookRouter` behind a real axum server on 127.0.0.1, fed the way Polar's delivery
//! loop feeds an endpoint (`server/polar/webhook/tasks.py`): a `POST` per attempt, the
//! same `webhook-id` on every attempt with a fresh timestamp and signature, any answer
//! but a 2xx counted as a failure and retried. Deliveries are signed here, independently
//! of the crate's verifier, with both of Polar's schemes (the HMAC key is the UTF-8 bytes
//! of the whole `whsec_` secret for endpoints created before 2026-09-08, the base64-decoded
//! part after `whsec_` after it); the payloads are the real ones of
//! `tests/data/webhooks/payloads.json`. Needs `--features webhook-router,axum`.
#![cfg(all(feature = "webhook-router", feature = "axum"))]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use polar::webhooks::events::{OrderPaid, SubscriptionActive};
use polar::webhooks::router::{Claim, DedupFuture, Deduplicate, OnUndecodable, OutcomeKind, Unrouted};
use polar::webhooks::{WebhookEvent, WebhookRouter, WebhookVerifier};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::Notify;

/// One payload per event, valid against the spec (`scripts/webhook_payloads.py`).
const PAYLOADS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/webhooks/payloads.json"));
/// A secret as Polar generates them before 2026-09-08 (`generate_token(prefix="whsec_")`):
/// not base64 after the prefix, so only the UTF-8 key applies.
const LEGACY_SECRET: &str = "whsec_Jx3kQ9vL2mN8pR5tW7yZ1aB4cD6eF0gH2iKx7Yq";
/// A secret as Polar generates them from 2026-09-08: `whsec_` and base64 of 32 bytes.
const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4z5XY0ETLbA=";

fn payload(event: &str) -> Value {
    let payloads: Vec<Value> = serde_json::from_str(PAYLOADS).expect("payloads.json");
    payloads
        .into_iter()
        .find(|entry| entry["event"] == event)
        .map(|entry| entry["payload"].clone())
        .unwrap_or_else(|| panic!("no {event} payload"))
}

fn unix_now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    i64::try_from(now).expect("i64")
}

/// The signature header Polar sends: `v1,` and base64 of HMAC-SHA256 over
/// `{id}.{timestamp}.{body}`; `key` is the secret's UTF-8 bytes or its decoded part.
fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

fn legacy_key() -> Vec<u8> {
    LEGACY_SECRET.as_bytes().to_vec()
}

fn standard_key() -> Vec<u8> {
    let encoded = STANDARD_SECRET.strip_prefix("whsec_").expect("prefix");
    base64::engine::general_purpose::STANDARD.decode(encoded).expect("base64")
}

/// A running axum app with the router mounted at `/webhooks/polar`.
struct Endpoint {
    url: String,
    http: reqwest::Client,
}

impl Endpoint {
    async fn start(router: WebhookRouter) -> Self {
        let app = axum::Router::new().route("/webhooks/polar", router.into_axum());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/webhooks/polar", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Self { url, http: reqwest::Client::new() }
    }

    /// One attempt, signed with `key` now: (status, body).
    async fn attempt(&self, key: &[u8], id: &str, body: &[u8]) -> (u16, String) {
        let timestamp = unix_now();
        let response = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(key, id, timestamp, body))
            .body(body.to_vec())
            .send()
            .await
            .expect("send");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Polar's loop without its backoff: attempts until a 2xx, at most 10; the statuses.
    async fn deliver(&self, key: &[u8], id: &str, body: &[u8]) -> Vec<u16> {
        let mut statuses = Vec::new();
        for _ in 0..10 {
            let (status, _) = self.attempt(key, id, body).await;
            statuses.push(status);
            if (200..300).contains(&status) {
                break;
            }
        }
        statuses
    }
}

fn json(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("json")
}

type Seen = Arc<Mutex<Vec<String>>>;

fn seen() -> Seen {
    Arc::new(Mutex::new(Vec::new()))
}

fn record(seen: &Seen, entry: String) {
    seen.lock().expect("lock").push(entry);
}

fn entries(seen: &Seen) -> Vec<String> {
    seen.lock().expect("lock").clone()
}

#[tokio::test]
async fn every_real_event_is_acknowledged_and_typed_handlers_get_typed_payloads() {
    let paid = seen();
    let other = seen();
    let router = WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret"))
        .on(OrderPaid, {
            let paid = paid.clone();
            move |delivery| {
                let paid = paid.clone();
                async move { record(&paid, format!("{} {}", delivery.id, delivery.payload.data.id)) }
            }
        })
        .fallback({
            let other = other.clone();
            move |delivery| {
                let other = other.clone();
                async move {
                    match delivery.payload {
                        Unrouted::NoHandler(event) => record(&other, event.event_type().to_owned()),
                        Unrouted::Undecodable { event_type, error, .. } => {
                            panic!("{event_type:?} did not decode: {error}")
                        }
                        _ => panic!("an unrouted delivery of another kind"),
                    }
                }
            }
        });
    let endpoint = Endpoint::start(router).await;
    let payloads: Vec<Value> = serde_json::from_str(PAYLOADS).expect("payloads.json");
    assert_eq!(payloads.len(), 41);
    for (index, entry) in payloads.iter().enumerate() {
        let id = format!("msg_{index}");
        let (status, body) = endpoint.attempt(&legacy_key(), &id, &json(&entry["payload"])).await;
        assert_eq!(status, 200, "{}: {body}", entry["event"]);
    }
    let order_paid = payload("order.paid");
    let order_index = payloads.iter().position(|entry| entry["event"] == "order.paid").expect("order.paid");
    assert_eq!(entries(&paid), [format!("msg_{order_index} {}", order_paid["data"]["id"].as_str().expect("id"))]);
    let mut expected: Vec<String> = payloads
        .iter()
        .map(|entry| entry["event"].as_str().expect("event").to_owned())
        .filter(|event| event != "order.paid")
        .collect();
    let mut routed = entries(&other);
    expected.sort();
    routed.sort();
    assert_eq!(routed, expected, "every other event reaches the fallback once");
}

#[tokio::test]
async fn both_of_polars_signing_schemes_are_accepted_and_a_bad_signature_is_401() {
    let handled = seen();
    let handler = |handled: Seen| {
        move |delivery: polar::webhooks::VerifiedWebhook<polar::models::WebhookOrderPaidPayload>| {
            let handled = handled.clone();
            async move { record(&handled, delivery.id) }
        }
    };
    let legacy = Endpoint::start(
        WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret"))
            .on(OrderPaid, handler(handled.clone())),
    )
    .await;
    let standard = Endpoint::start(
        WebhookRouter::new(WebhookVerifier::new(STANDARD_SECRET).expect("secret"))
            .on(OrderPaid, handler(handled.clone())),
    )
    .await;
    let body = json(&payload("order.paid"));
    assert_eq!(legacy.attempt(&legacy_key(), "msg_legacy", &body).await.0, 200);
    assert_eq!(standard.attempt(&standard_key(), "msg_standard", &body).await.0, 200);
    // Signed with another endpoint's secret, or with a body changed in transit.
    let (status, text) = legacy.attempt(&standard_key(), "msg_forged", &body).await;
    assert_eq!(status, 401, "{text}");
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let timestamp = unix_now();
    let response = legacy
        .http
        .post(&legacy.url)
        .header("webhook-id", "msg_tampered")
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature(&legacy_key(), "msg_tampered", timestamp, &body))
        .body(tampered)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 401);
    // A timestamp from ten minutes ago (the tolerance is five).
    let old = unix_now() - 600;
    let response = legacy
        .http
        .post(&legacy.url)
        .header("webhook-id", "msg_old")
        .header("webhook-timestamp", old.to_string())
        .header("webhook-signature", signature(&legacy_key(), "msg_old", old, &body))
        .body(body.clone())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 401);
    // Not a POST.
    let response = legacy.http.get(&legacy.url).send().await.expect("send");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(entries(&handled), ["msg_legacy", "msg_standard"]);
}

#[tokio::test]
async fn unknown_event_types_are_acknowledged_and_reach_the_fallback() {
    let other = seen();
    let router = WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret")).fallback({
        let other = other.clone();
        move |delivery| {
            let other = other.clone();
            async move {
                if let Unrouted::NoHandler(WebhookEvent::Unknown { event_type, .. }) = delivery.payload {
                    record(&other, event_type);
                }
            }
        }
    });
    let endpoint = Endpoint::start(router).await;
    let event =
        serde_json::json!({"type": "invoice.teleported", "timestamp": "2026-12-01T00:00:00Z", "data": {"id": "x"}});
    assert_eq!(endpoint.attempt(&legacy_key(), "msg_new", &json(&event)).await.0, 200);
    assert_eq!(entries(&other), ["invoice.teleported"]);
    // Without a fallback: acknowledged all the same.
    let bare = Endpoint::start(WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret"))).await;
    let (status, text) = bare.attempt(&legacy_key(), "msg_new", &json(&event)).await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn a_body_that_does_not_decode_is_acknowledged_by_default_or_retried_when_asked() {
    // A known event type whose data lost a required field: signed, so not an attack.
    let mut broken = payload("order.paid");
    broken["data"].as_object_mut().expect("data").remove("id");
    let body = json(&broken);

    let undecodable = seen();
    let paid = seen();
    let router = WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret"))
        .on(OrderPaid, {
            let paid = paid.clone();
            move |delivery| {
                let paid = paid.clone();
                async move { record(&paid, delivery.id) }
            }
        })
        .fallback({
            let undecodable = undecodable.clone();
            move |delivery| {
                let undecodable = undecodable.clone();
                async move {
                    if let Unrouted::Undecodable { event_type, error, body } = delivery.payload {
                        let parsed: Value = serde_json::from_slice(&body).expect("raw body kept");
                        assert!(error.to_string().contains("id"), "{error}");
                        record(&undecodable, format!("{event_type:?} {}", parsed["type"]));
                    }
                }
            }
        });
    let endpoint = Endpoint::start(router.clone()).await;
    assert_eq!(endpoint.deliver(&legacy_key(), "msg_broken", &body).await, [200]);
    assert_eq!(entries(&undecodable), [r#"Some("order.paid") "order.paid""#]);
    assert!(entries(&paid).is_empty());

    let retrying = Endpoint::start(router.on_undecodable(OnUndecodable::Retry)).await;
    let (status, text) = retrying.attempt(&legacy_key(), "msg_broken_2", &body).await;
    assert_eq!(status, 500, "{text}");
    assert_eq!(entries(&undecodable).len(), 1, "the fallback is not called under Retry");
}

#[tokio::test]
async fn a_failing_or_panicking_handler_is_answered_500_and_its_retry_is_handled() {
    let attempts = Arc::new(Mutex::new(0_u32));
    let router = WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret"))
        .on(OrderPaid, {
            let attempts = attempts.clone();
            move |_delivery| {
                let attempts = attempts.clone();
                async move {
                    let attempt = {
                        let mut attempts = attempts.lock().expect("lock");
                        *attempts += 1;
                        *attempts
                    };
                    match attempt {
                        1 => Err("database unavailable: password=hunter2"),
                        2 => panic!("unexpected state"),
                        _ => Ok(()),
                    }
                }
            }
        })
        // A handler that panics before it returns its future.
        .on(SubscriptionActive, |_delivery| -> std::future::Ready<()> { panic!("before any future") });
    let endpoint = Endpoint::start(router).await;
    let body = json(&payload("order.paid"));
    let (status, text) = endpoint.attempt(&legacy_key(), "msg_retry", &body).await;
    assert_eq!(status, 500);
    assert!(!text.contains("hunter2"), "a handler's error is never sent back: {text}");
    // Polar's next attempts: the panic is a 500 too, then the third attempt is handled
    // (the failed attempts did not mark the id as handled).
    assert_eq!(endpoint.deliver(&legacy_key(), "msg_retry", &body).await, [500, 200]);
    assert_eq!(*attempts.lock().expect("lock"), 3);
    // And a later redelivery of the handled event is acknowledged without a call.
    assert_eq!(endpoint.deliver(&legacy_key(), "msg_retry", &body).await, [200]);
    assert_eq!(*attempts.lock().expect("lock"), 3);

    let active = json(&payload("subscription.active"));
    assert_eq!(endpoint.attempt(&legacy_key(), "msg_panic", &active).await.0, 500);
}

#[tokio::test]
async fn retries_of_a_delivery_being_handled_get_409_and_handled_ones_200_without_a_call() {
    let release = Arc::new(Notify::new());
    let calls = Arc::new(Mutex::new(0_u32));
    let router = WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret")).on(OrderPaid, {
        let release = release.clone();
        let calls = calls.clone();
        move |_delivery| {
            let release = release.clone();
            let calls = calls.clone();
            async move {
                *calls.lock().expect("lock") += 1;
                release.notified().await;
            }
        }
    });
    let endpoint = Arc::new(Endpoint::start(router).await);
    let body = json(&payload("order.paid"));
    let first = tokio::spawn({
        let endpoint = endpoint.clone();
        let body = body.clone();
        async move { endpoint.attempt(&legacy_key(), "msg_slow", &body).await }
    });
    // Wait until the handler runs, then Polar's retry of the same id arrives.
    while *calls.lock().expect("lock") == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (status, text) = endpoint.attempt(&legacy_key(), "msg_slow", &body).await;
    assert_eq!(status, 409, "{text}");
    release.notify_one();
    assert_eq!(first.await.expect("join").0, 200);
    let (status, text) = endpoint.attempt(&legacy_key(), "msg_slow", &body).await;
    assert_eq!((status, text.as_str()), (200, "already handled\n"));
    assert_eq!(*calls.lock().expect("lock"), 1);
}

/// A store that fails, as a database may: the delivery is answered 503 so Polar retries.
struct Unavailable;

impl Deduplicate for Unavailable {
    fn begin<'a>(&'a self, _webhook_id: &'a str) -> DedupFuture<'a, Claim> {
        Box::pin(async { Err("connection refused".into()) })
    }

    fn finish<'a>(&'a self, _webhook_id: &'a str, _handled: bool) -> DedupFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test]
async fn a_failing_dedup_store_is_503_and_without_dedup_every_attempt_is_handled() {
    let calls = Arc::new(Mutex::new(0_u32));
    let handler = |calls: Arc<Mutex<u32>>| {
        move |_delivery| {
            let calls = calls.clone();
            async move { *calls.lock().expect("lock") += 1 }
        }
    };
    let router =
        WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret")).on(OrderPaid, handler(calls.clone()));
    let body = json(&payload("order.paid"));
    let failing = Endpoint::start(router.clone().dedup(Unavailable)).await;
    assert_eq!(failing.attempt(&legacy_key(), "msg_a", &body).await.0, 503);
    assert_eq!(*calls.lock().expect("lock"), 0);
    let every = Endpoint::start(router.without_dedup()).await;
    assert_eq!(every.deliver(&legacy_key(), "msg_a", &body).await, [200]);
    assert_eq!(every.deliver(&legacy_key(), "msg_a", &body).await, [200]);
    assert_eq!(*calls.lock().expect("lock"), 2);
}

#[tokio::test]
async fn handle_works_without_a_framework() {
    let router = WebhookRouter::new(WebhookVerifier::new(LEGACY_SECRET).expect("secret")).on(OrderPaid, |_| async {});
    let body = json(&payload("order.paid"));
    let timestamp = unix_now();
    let request = |id: &str| {
        http::Request::post("/hooks")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(&legacy_key(), id, timestamp, &body))
            .body(Bytes::from(body.clone()))
            .expect("request")
    };
    let response = router.handle(request("msg_h")).await;
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
    let outcome = router.dispatch(request("msg_h")).await;
    assert_eq!((outcome.kind(), outcome.id()), (OutcomeKind::Duplicate, Some("msg_h")));
    let outcome = router.dispatch(request("msg_other")).await;
    assert_eq!((outcome.kind(), outcome.event_type()), (OutcomeKind::Handled, Some("order.paid")));
}
