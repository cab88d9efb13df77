//! A minimal Polar webhook endpoint, with the `axum` extractor.
//!
//! Listens on `127.0.0.1:$PORT` (default 3000) for `POST /webhooks`. The
//! [`VerifiedWebhook`] extractor takes the [`WebhookVerifier`] from the
//! application state, checks the Standard Webhooks signature with the secret
//! in `POLAR_WEBHOOK_SECRET` (the `whsec_…` secret exactly as Polar shows it;
//! deliveries signed with either of Polar's schemes verify) and decodes the
//! body into [`WebhookEvent`].
//!
//! Answers:
//!
//! * `202 Accepted` for a verified event, including event types this crate
//!   does not know yet (they decode as [`WebhookEvent::Unknown`]), so that
//!   Polar does not retry them, and for a `webhook-id` seen before (Polar
//!   retries a delivery it got no 2xx answer for within 10 seconds);
//! * `401 Unauthorized` (from the extractor) when a webhook header is missing
//!   or malformed, the signature does not match, or the timestamp is outside
//!   the tolerance (five minutes);
//! * `400 Bad Request` (from the extractor) when the signed body does not
//!   decode.
//!
//! The reason sent back is short and never includes the secret.
//!
//! ```text
//! POLAR_WEBHOOK_SECRET=whsec_... cargo run -p polar-sh-sdk --features axum --example webhook_server
//! ```

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use polar::webhooks::{VerifiedWebhook, WebhookEvent, WebhookVerifier};

/// Application state: the verifier (which the extractor finds through
/// `FromRef`) and the ids of the deliveries already handled.
#[derive(Clone)]
struct AppState {
    verifier: WebhookVerifier,
    /// In a real application: a table with a unique key, not memory.
    seen: Arc<Mutex<HashSet<String>>>,
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("POLAR_WEBHOOK_SECRET")
        .map_err(|_| "set POLAR_WEBHOOK_SECRET to the endpoint's webhook secret (whsec_...)")?;
    // Built once: an empty or mangled secret stops the server here.
    let verifier = WebhookVerifier::new(&secret)?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| format!("PORT={port:?} is not a port number"))?,
        Err(_) => 3000,
    };

    let state = AppState { verifier, seen: Arc::default() };
    let app = Router::new().route("/webhooks", post(receive)).with_state(state);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!("listening on http://{}/webhooks", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            // If the signal handler cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}

/// `POST /webhooks`: the extractor has verified and decoded the delivery (or
/// answered 401/400 already); acknowledge it quickly, once per `webhook-id`.
async fn receive(State(state): State<AppState>, delivery: VerifiedWebhook<WebhookEvent>) -> (StatusCode, &'static str) {
    let first_time = state.seen.lock().map(|mut seen| seen.insert(delivery.id.clone())).unwrap_or(true);
    if !first_time {
        println!("webhook-id {} again: a retry, already handled", delivery.id);
        return (StatusCode::ACCEPTED, "already handled\n");
    }
    match &delivery.payload {
        WebhookEvent::Unknown { event_type, .. } => {
            println!("received unknown event type {event_type:?} (webhook-id {}); ignored", delivery.id);
        }
        known => {
            let data_id = serde_json::to_value(known)
                .ok()
                .and_then(|value| value["data"]["id"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "-".to_owned());
            println!("received {} (webhook-id {}, data.id {data_id})", known.event_type(), delivery.id);
        }
    }
    // Hand slow work to a queue or a task, so that Polar gets its answer
    // within its 10-second timeout, for example:
    // if let WebhookEvent::OrderPaid(payload) = delivery.payload { tokio::spawn(fulfil(payload)); }
    (StatusCode::ACCEPTED, "accepted\n")
}
