//! The `axum` extractor behind a real axum server on 127.0.0.1: every
//! simulated Polar delivery of the runtime's vectors (`scripts/webhook_vectors.py`,
//! both signature schemes, and secrets that are not base64 after `whsec_`) is posted
//! over HTTP and answered 202, and the
//! signature refusals 401 (their bodies are not Polar's schemas, so they are decoded
//! as JSON), and real event payloads decode into `WebhookEvent`. Needs `--features axum`.
#![cfg(feature = "axum")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use polar::webhooks::{VerifiedWebhook, WebhookEvent, WebhookVerifier};
use serde_json::Value;

const VECTORS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/runtime/testdata/webhooks/vectors.json"));
/// One payload per event, valid against the spec (`scripts/webhook_payloads.py`).
const PAYLOADS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/webhooks/payloads.json"));

#[derive(Clone)]
struct AppState {
    verifier: WebhookVerifier,
    received: Arc<Mutex<Vec<(String, String)>>>,
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

async fn receive_event(State(state): State<AppState>, delivery: VerifiedWebhook<WebhookEvent>) -> StatusCode {
    let event_type = delivery.payload.event_type().to_owned();
    state.received.lock().expect("lock").push((delivery.id, event_type));
    StatusCode::ACCEPTED
}

async fn receive_json(State(state): State<AppState>, delivery: VerifiedWebhook<Value>) -> StatusCode {
    let event_type = delivery.payload["type"].as_str().unwrap_or_default().to_owned();
    state.received.lock().expect("lock").push((delivery.id, event_type));
    StatusCode::ACCEPTED
}

fn unix_now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    i64::try_from(now).expect("i64")
}

/// Serves the webhook route for `secret` on an ephemeral port.
async fn serve(secret: &str) -> (String, AppState) {
    // The vectors are signed for a fixed past clock; the tolerance covers it here
    // (timestamp checks are the runtime's unit tests' business).
    let verifier =
        WebhookVerifier::new(secret).expect("secret").with_tolerance(Duration::from_secs(100 * 365 * 86_400));
    let state = AppState { verifier, received: Arc::default() };
    let app = Router::new()
        .route("/webhooks", post(receive_event))
        .route("/json", post(receive_json))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/webhooks", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (url, state)
}

/// A plain reqwest client to post deliveries with.
fn http_client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn polar_deliveries_through_an_axum_server() {
    let cases: Vec<Value> = serde_json::from_str(VECTORS).expect("vectors");
    let http = http_client();
    let (mut accepted, mut refused) = (0, 0);
    // Polar's simulated deliveries, and those under `whsec_` secrets that are not base64
    // after the prefix (set through an endpoint's deprecated `secret` field).
    let simulated = |case: &&Value| {
        case["scheme"].is_string() || case["name"].as_str().is_some_and(|name| name.starts_with("non_base64_whsec"))
    };
    for case in cases.iter().filter(simulated) {
        let expect = case["expect_new"].as_str().expect("expect_new");
        // Signature outcomes only; timestamps are out of the tolerance used here.
        let status = match expect {
            "ok" => StatusCode::ACCEPTED,
            "no_matching_signature" | "missing_header" => StatusCode::UNAUTHORIZED,
            _ => continue,
        };
        let name = case["name"].as_str().expect("name");
        let (url, state) = serve(case["secret"].as_str().expect("secret")).await;
        let mut request = http.post(url.replace("/webhooks", "/json")).header("content-type", "application/json");
        for (header, field) in
            [("webhook-id", "id"), ("webhook-timestamp", "timestamp"), ("webhook-signature", "signature_header")]
        {
            if let Some(value) = case[field].as_str() {
                request = request.header(header, value);
            }
        }
        let body = case["body"].as_str().expect("body").to_owned();
        let response = request.body(body.clone()).send().await.expect("send");
        assert_eq!(response.status().as_u16(), status.as_u16(), "{name}");
        let received = state.received.lock().expect("lock").clone();
        if status == StatusCode::ACCEPTED {
            accepted += 1;
            let event_type = serde_json::from_str::<Value>(&body).expect("json")["type"].as_str().map(str::to_owned);
            assert_eq!(
                received,
                vec![(case["id"].as_str().expect("id").to_owned(), event_type.expect("type"))],
                "{name}"
            );
        } else {
            refused += 1;
            assert!(received.is_empty(), "{name}: handler ran for a refused delivery");
            let text = response.text().await.expect("text");
            assert!(!text.contains(&case["secret"].as_str().expect("secret")[6..]), "{name}: {text}");
        }
    }
    assert!(accepted >= 200 && refused >= 50, "{accepted} accepted, {refused} refused");
}

#[tokio::test]
async fn undecodable_payload_is_400() {
    let secret = "whsec_OgY4gRWvK1nJaVm2s3TtQ9pXcE7bLzH5fUk0W2levgp";
    let (url, state) = serve(secret).await;
    let body = r#"{"type":"order.paid","data":"not an order"}"#;
    let now = unix_now();
    let signature = state.verifier.sign("msg_1", now, body.as_bytes());
    let response = http_client()
        .post(&url)
        .header("webhook-id", "msg_1")
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 400);
    let text = response.text().await.expect("text");
    assert!(text.starts_with("webhook payload could not be decoded at `"), "{text}");
    assert!(state.received.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn every_event_payload_decodes_through_the_extractor() {
    let secret = "whsec_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dK1RwTnv";
    let (url, state) = serve(secret).await;
    // Signed like Polar's server signs for this secret's endpoints (original scheme).
    let polar = WebhookVerifier::from_raw_secret(secret).expect("secret");
    let payloads: Vec<Value> = serde_json::from_str(PAYLOADS).expect("payloads");
    let http = http_client();
    for (index, case) in payloads.iter().enumerate() {
        let event = case["event"].as_str().expect("event");
        let body = serde_json::to_string(&case["payload"]).expect("body");
        let id = format!("msg_{index}");
        let now = unix_now();
        let response = http
            .post(&url)
            .header("webhook-id", &id)
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", polar.sign(&id, now, body.as_bytes()))
            .body(body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status().as_u16(), 202, "{event}: {}", response.text().await.unwrap_or_default());
        assert_eq!(state.received.lock().expect("lock").last(), Some(&(id, event.to_owned())));
    }
    assert!(payloads.len() >= 41, "{} payloads", payloads.len());
}
