//! A small storefront on axum: checkout, customer portal and webhooks wired together
//! (`polar::handlers` and `polar::webhooks::WebhookRouter`).
//!
//! - `GET /checkout?products=<PRODUCT_ID>`: creates a checkout for the signed-in user
//!   (their id as the customer's `external_customer_id`) and redirects to Polar's page;
//!   Polar sends the buyer back to `/thanks?checkoutId=...`.
//! - `GET /portal`: redirects the signed-in user to their customer portal.
//! - `GET /`: whether the signed-in user has paid.
//! - `POST /webhooks`: Polar's deliveries, verified and deduplicated by the router;
//!   `order.paid` grants access to the order's customer (their `external_id`: the user id the
//!   checkout was created with).
//!
//! "Signed in" is a stand-in here: the `x-user` request header (or `?user=` for a
//! browser) names the user. A real app uses its session cookie.
//!
//! ```text
//! POLAR_ACCESS_TOKEN=polar_oat_... POLAR_SERVER=sandbox POLAR_WEBHOOK_SECRET=whsec_... \
//!     cargo run -p polar-sh-sdk --features axum,webhook-router --example checkout_app
//! open 'http://127.0.0.1:3000/checkout?products=<PRODUCT_ID>&user=user-42'
//! ```

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use polar::handlers::{Checkout, CustomerPortal, PortalCustomer};
use polar::webhooks::events::OrderPaid;
use polar::webhooks::{WebhookRouter, WebhookVerifier};

#[derive(Clone)]
struct AppState {
    checkout: Checkout,
    /// The users who paid. In a real application: a table, not memory.
    paid: Arc<Mutex<HashSet<String>>>,
}

/// The signed-in user (a stand-in for a session: the `x-user` header or `?user=`).
#[derive(Clone, Debug)]
struct User(String);

impl User {
    fn from_parts(parts: &Parts) -> Option<User> {
        if let Some(user) = parts.headers.get("x-user").and_then(|v| v.to_str().ok()) {
            return Some(User(user.to_owned()));
        }
        let query = parts.uri.query()?;
        query.split('&').find_map(|pair| pair.strip_prefix("user=")).map(|user| User(user.to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        User::from_parts(parts).ok_or((StatusCode::UNAUTHORIZED, "sign in first\n"))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // POLAR_ACCESS_TOKEN (an organization token: checkouts:write, customer_sessions:write)
    // and POLAR_SERVER (sandbox or production).
    let client = polar::Client::from_env()?;
    let secret = std::env::var("POLAR_WEBHOOK_SECRET")
        .map_err(|_| "set POLAR_WEBHOOK_SECRET to the endpoint's webhook secret (whsec_...)")?;
    let verifier = WebhookVerifier::new(&secret)?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| format!("PORT={port:?} is not a port number"))?,
        Err(_) => 3000,
    };
    let base = format!("http://127.0.0.1:{port}");

    let checkout = Checkout::new(client.clone()).success_url(format!("{base}/thanks"));
    let portal = CustomerPortal::new(client).return_url(format!("{base}/"));
    let state = AppState { checkout, paid: Arc::default() };
    // Verifies each delivery, answers a repeated `webhook-id` without running the handler
    // again, and answers Polar as its delivery loop expects.
    let paid = state.paid.clone();
    let webhooks = WebhookRouter::new(verifier).on(OrderPaid, move |delivery| {
        let paid = paid.clone();
        async move {
            let order = delivery.payload.data;
            match order.customer.external_id {
                Some(user) => {
                    println!("order {} paid: access for {user}", order.id);
                    paid.lock().map_err(|_| "state poisoned")?.insert(user);
                }
                None => println!("order {} paid by a customer without an external id", order.id),
            }
            Ok::<(), &'static str>(())
        }
    });
    let app = Router::new()
        .route("/checkout", get(checkout_for_user))
        // The portal handler as it is: the customer comes from the request's head.
        .route(
            "/portal",
            get(portal.handler(|parts| User::from_parts(parts).map(|user| PortalCustomer::External(user.0)))),
        )
        .route("/", get(home))
        .route("/thanks", get(|| async { "thank you: your access starts when Polar confirms the payment\n" }))
        .route("/webhooks", webhooks.into_axum())
        .with_state(state);

    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!("listening on {base} (/checkout, /portal, /webhooks)");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}

/// `GET /`: whether the signed-in user has paid (an `order.paid` delivery named them).
async fn home(State(state): State<AppState>, user: User) -> String {
    let paid = state.paid.lock().map(|paid| paid.contains(&user.0)).unwrap_or(false);
    if paid {
        format!("{}: paid; /portal manages the subscription\n", user.0)
    } else {
        format!("{}: not paid yet; /checkout?products=<PRODUCT_ID> buys\n", user.0)
    }
}

/// `GET /checkout`: the query as `@polar-sh/nextjs` reads it, but the customer is always
/// the signed-in user, whatever the query says.
async fn checkout_for_user(State(state): State<AppState>, user: User, request: Request) -> Response {
    let mut body = match state.checkout.body_from_query(request.uri().query().unwrap_or("")) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    body.customer_id = None;
    body.external_customer_id = Some(user.0);
    state.checkout.redirect(body).await
}
