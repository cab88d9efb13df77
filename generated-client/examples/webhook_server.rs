//! A minimal Polar webhook endpoint.
//!
//! Listens on `127.0.0.1:$PORT` (default 3000) for `POST /webhooks`, checks
//! the Standard Webhooks signature with the secret in `POLAR_WEBHOOK_SECRET`
//! (the raw secret from Polar's dashboard, or its `whsec_` form), decodes the
//! body into [`WebhookEvent`] and prints what arrived.
//!
//! Answers:
//!
//! * `202 Accepted` for a verified event, including event types this crate
//!   does not know yet (they decode as [`WebhookEvent::Unknown`]), so that
//!   Polar does not retry them;
//! * `401 Unauthorized` when the signature does not match or the timestamp is
//!   outside the tolerance (five minutes);
//! * `400 Bad Request` when a webhook header is missing or malformed, or the
//!   signed body does not decode.
//!
//! The reason sent back is short and never includes the secret.
//!
//! ```text
//! POLAR_WEBHOOK_SECRET=polar_whs_... cargo run -p polar-sh-sdk --example webhook_server
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use polar::webhooks::{WebhookError, WebhookEvent, WebhookVerifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("POLAR_WEBHOOK_SECRET")
        .map_err(|_| "set POLAR_WEBHOOK_SECRET to the endpoint's webhook secret")?;
    // Built once: an empty or malformed secret stops the server here.
    let verifier = Arc::new(WebhookVerifier::new(&secret)?);
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| format!("PORT={port:?} is not a port number"))?,
        Err(_) => 3000,
    };

    let app = Router::new().route("/webhooks", post(receive)).with_state(verifier);
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

/// `POST /webhooks`: verify, decode, acknowledge.
async fn receive(
    State(verifier): State<Arc<WebhookVerifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    // Verify against the raw body bytes exactly as received.
    let event: WebhookEvent = match verifier.verify_and_decode(&headers, &body) {
        Ok(event) => event,
        Err(err) => {
            let (status, reason) = rejection(&err);
            eprintln!("rejected webhook ({}): {err}", status.as_u16());
            return (status, format!("{reason}\n"));
        }
    };

    let webhook_id = headers.get("webhook-id").and_then(|value| value.to_str().ok()).unwrap_or("?");
    match &event {
        WebhookEvent::Unknown { event_type, .. } => {
            println!("received unknown event type {event_type:?} (webhook-id {webhook_id}); ignored");
        }
        known => {
            let data_id = serde_json::to_value(known)
                .ok()
                .and_then(|value| value["data"]["id"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "-".to_owned());
            println!("received {} (webhook-id {webhook_id}, data.id {data_id})", known.event_type());
        }
    }
    // Handle the event here, for example:
    // if let WebhookEvent::OrderPaid(payload) = &event { fulfil(&payload.data).await; }
    (StatusCode::ACCEPTED, "accepted\n".to_owned())
}

/// Status and short public reason for a rejected delivery. The full error
/// (which never contains the secret either) is only logged.
fn rejection(err: &WebhookError) -> (StatusCode, String) {
    match err {
        WebhookError::NoMatchingSignature => (StatusCode::UNAUTHORIZED, "invalid signature".to_owned()),
        WebhookError::TimestampTooOld { .. } | WebhookError::TimestampInFuture { .. } => {
            (StatusCode::UNAUTHORIZED, "timestamp outside the tolerance".to_owned())
        }
        WebhookError::MissingHeader(name) => (StatusCode::BAD_REQUEST, format!("missing `{name}` header")),
        WebhookError::InvalidTimestamp(_) => {
            (StatusCode::BAD_REQUEST, "malformed `webhook-timestamp` header".to_owned())
        }
        WebhookError::InvalidSignatureHeader => {
            (StatusCode::BAD_REQUEST, "malformed `webhook-signature` header".to_owned())
        }
        WebhookError::Decode { .. } => {
            (StatusCode::BAD_REQUEST, "payload does not match the expected schema".to_owned())
        }
        // `InvalidSecret` cannot happen here (the verifier was built at
        // start-up), and `WebhookError` may gain variants.
        _ => (StatusCode::BAD_REQUEST, "invalid webhook".to_owned()),
    }
}
