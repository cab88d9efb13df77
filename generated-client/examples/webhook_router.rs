//! A Polar webhook endpoint with [`WebhookRouter`]: a handler per event type,
//! a fallback for the rest, deduplication by `webhook-id`, and the answers
//! Polar's delivery loop needs (see `polar::webhooks::router`).
//!
//! Listens on `127.0.0.1:$PORT` (default 3000) for `POST /webhooks/polar`,
//! verifying deliveries with `POLAR_WEBHOOK_SECRET` (the `whsec_…` secret
//! exactly as Polar shows it). It answers:
//!
//! * `200` for every verified delivery it handled or has no handler for
//!   (unknown event types included), and for retries of handled deliveries;
//! * `500` when a handler fails, so Polar retries the delivery (up to 10
//!   attempts over about an hour); here, `order.paid` for an order without a
//!   customer email fails once, to show the retry;
//! * `401` for a bad signature, `409` for a retry that arrives while the
//!   first attempt is still being handled.
//!
//! ```text
//! POLAR_WEBHOOK_SECRET=whsec_... cargo run -p polar-sh-sdk --features webhook-router,axum --example webhook_router
//! ```
//!
//! To send it Polar's test deliveries, expose the port (`polar listen` of
//! Polar's CLI, or a tunnel) and add the URL as a webhook endpoint in the
//! organization's settings.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use polar::webhooks::events::{OrderPaid, SubscriptionCanceled};
use polar::webhooks::router::Unrouted;
use polar::webhooks::{WebhookRouter, WebhookVerifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("POLAR_WEBHOOK_SECRET")
        .map_err(|_| "set POLAR_WEBHOOK_SECRET to the endpoint's webhook secret (whsec_...)")?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| format!("PORT={port:?} is not a port number"))?,
        Err(_) => 3000,
    };
    // Orders whose first delivery failed on purpose (a stand-in for a database that is
    // briefly unavailable).
    let failed_once: Arc<Mutex<HashSet<uuid::Uuid>>> = Arc::default();

    let router = WebhookRouter::new(WebhookVerifier::new(&secret)?)
        .on(OrderPaid, move |delivery| {
            let failed_once = failed_once.clone();
            async move {
                let order = delivery.payload.data;
                let Some(email) = order.customer.email else {
                    if failed_once.lock().map(|mut ids| ids.insert(order.id)).unwrap_or(false) {
                        // An error is answered 500: Polar sends the delivery again later.
                        return Err(format!("order {}: no customer email yet", order.id));
                    }
                    println!("order {} paid, still without an email: flag it for support", order.id);
                    return Ok(());
                };
                println!("order {} paid: fulfil it for {email}", order.id);
                Ok(())
            }
        })
        .on(SubscriptionCanceled, |delivery| async move {
            println!("subscription {} canceled", delivery.payload.data.id);
        })
        .fallback(|delivery| async move {
            match delivery.payload {
                Unrouted::NoHandler(event) => println!("{} ({}): no handler", event.event_type(), delivery.id),
                Unrouted::Undecodable { event_type, error, .. } => {
                    // Acknowledged (the default): an event shape this crate does not know yet.
                    println!("{event_type:?} ({}) not understood: {error}", delivery.id);
                }
                _ => {}
            }
        });

    let app = axum::Router::new().route("/webhooks/polar", router.into_axum());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!("listening on http://{}/webhooks/polar", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}
