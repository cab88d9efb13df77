//! Testing an application that uses the client, with the test kit (`test-util` feature):
//! the example of the README's "Testing your application". Nothing here opens a socket.
//!
//! The application (module `app`) has two parts: an account page that looks the customer up
//! on Polar (and sends unknown customers to the sign-up page), and a webhook route that
//! records paid orders. The tests replace Polar with a `Mock` transport under the real
//! client, so requests are built, retried and decoded by the same code as in production,
//! and send the route deliveries signed the way Polar's server signs them.
//!
//! `cargo test -p polar-sh-sdk --features test-util --test testing_guide`

/// The application under test: what a real service would have in its own crate.
mod app {
    use std::collections::HashSet;
    use std::sync::Mutex;

    use bytes::Bytes;
    use http::StatusCode;
    use polar::models::Customer;
    use polar::webhooks::{WebhookEvent, WebhookVerifier};
    use polar::ApiErrorBody;
    use uuid::Uuid;

    /// What the account page shows.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Page {
        /// A known customer.
        Welcome { email: String },
        /// Polar does not know this customer.
        SignUp,
        /// Polar could not be reached or answered oddly.
        Unavailable,
    }

    /// The account page: looks the customer up on Polar.
    pub async fn account_page(polar: &polar::Client, customer_id: Uuid) -> Page {
        match polar.customers().get(customer_id).await {
            Ok(Customer::Individual(customer)) => Page::Welcome { email: customer.email },
            Ok(Customer::Team(team)) => Page::Welcome { email: team.email.unwrap_or_default() },
            Ok(_) => Page::Unavailable,
            Err(err) if matches!(err.api_body(), Some(ApiErrorBody::ResourceNotFound(_))) => Page::SignUp,
            Err(_) => Page::Unavailable,
        }
    }

    /// The webhook route's state: the verifier of the endpoint's secret, what was recorded.
    pub struct Webhooks {
        pub verifier: WebhookVerifier,
        pub paid_orders: Mutex<Vec<(Uuid, i64)>>,
        seen: Mutex<HashSet<String>>,
    }

    impl Webhooks {
        /// The route for the secret Polar shows for the endpoint (`whsec_...`).
        pub fn new(secret: &str) -> Self {
            let verifier = WebhookVerifier::new(secret).expect("the endpoint's secret");
            Self { verifier, paid_orders: Mutex::default(), seen: Mutex::default() }
        }

        /// `POST /webhooks/polar`: 202 for a delivery handled (once per `webhook-id`, as
        /// Polar retries), 401 for a bad signature, 400 for a body that is no event.
        pub fn handle(&self, request: &http::Request<Bytes>) -> StatusCode {
            let delivery = match self.verifier.verify_delivery::<WebhookEvent>(request.headers(), request.body()) {
                Ok(delivery) => delivery,
                Err(err) => return err.status(),
            };
            if !self.seen.lock().unwrap().insert(delivery.id) {
                return StatusCode::ACCEPTED;
            }
            if let WebhookEvent::OrderPaid(order) = delivery.payload {
                self.paid_orders.lock().unwrap().push((order.data.id, order.data.total_amount));
            }
            StatusCode::ACCEPTED
        }
    }
}

use app::{account_page, Page, Webhooks};
use polar::client::CustomersGet;
use polar::models::{Customer, ResourceNotFound};
use polar::testing::{Mock, Reply, WebhookDelivery};
use polar::webhooks::samples;
use polar::ApiErrorBody;

/// The endpoint's secret, as Polar shows it.
const SECRET: &str = "whsec_3kZpW9sQx7TcVb2LmN4rYh8JdFg6Ua1Eo5Ki0XnMzPq";

/// A client whose requests go to `mock` (a strict mock: a call no rule matches fails the test).
fn client(mock: &Mock) -> polar::Client {
    polar::Client::builder().access_token("polar_oat_test").transport(mock.transport()).build().expect("client")
}

#[tokio::test]
async fn an_unknown_customer_goes_to_the_sign_up_page() {
    let mock = Mock::new();
    // Polar's 404 body, typed: the status comes from the operation's documented errors.
    mock.on::<CustomersGet>().fails(ApiErrorBody::ResourceNotFound(ResourceNotFound::new("Not found")));
    let page = account_page(&client(&mock), uuid::Uuid::from_u128(8)).await;
    assert_eq!(page, Page::SignUp);
    assert_eq!(mock.calls()[0].attempt(), 1, "a 404 is not retried");
}

/// Rate limited once (Polar's 429: empty body, `Retry-After: 1`), then answered: the
/// client's retry makes it invisible to the page. The paused clock skips the wait.
#[tokio::test(start_paused = true)]
async fn a_rate_limited_lookup_is_retried() {
    let mock = Mock::new();
    let rule = mock.on::<CustomersGet>().reply(Reply::rate_limited(1)).then_returns(customer("grace@example.com"));
    let started = tokio::time::Instant::now();
    let page = account_page(&client(&mock), uuid::Uuid::from_u128(9)).await;
    assert_eq!(page, Page::Welcome { email: "grace@example.com".to_owned() });
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "waited for Retry-After");
    assert_eq!(rule.calls(), 2);
    let attempts: Vec<u32> = mock.calls().iter().map(|call| call.attempt()).collect();
    assert_eq!(attempts, [1, 2]);
}

/// A customer to answer with: the sample of `customer.created`, with the test's own email.
fn customer(email: &str) -> Customer {
    let mut customer = samples::customer_created().data;
    if let Customer::Individual(individual) = &mut customer {
        individual.email = email.to_owned();
    }
    customer
}

#[tokio::test]
async fn a_known_customer_is_welcomed() {
    let mock = Mock::new();
    let id = uuid::Uuid::from_u128(7);
    let rule = mock.on::<CustomersGet>().path("id", id).returns(customer("ada@example.com"));
    let page = account_page(&client(&mock), id).await;
    assert_eq!(page, Page::Welcome { email: "ada@example.com".to_owned() });
    assert_eq!(rule.calls(), 1);
    let calls = mock.calls_to::<CustomersGet>();
    assert_eq!(calls[0].header("authorization"), Some("Bearer polar_oat_test"));
    assert_eq!(calls[0].header("polar-version"), Some(polar::API_VERSION));
}

#[tokio::test(start_paused = true)]
async fn polar_being_down_shows_the_unavailable_page() {
    let mock = Mock::new();
    let answers = mock.on::<CustomersGet>().reply(Reply::status(503));
    let page = account_page(&client(&mock), uuid::Uuid::from_u128(10)).await;
    assert_eq!(page, Page::Unavailable);
    assert!(answers.calls() >= 2, "a 503 to a GET is retried until the policy gives up: {} calls", answers.calls());
}

#[test]
fn a_paid_order_is_recorded_once() {
    let route = Webhooks::new(SECRET);
    let mut paid = samples::order_paid();
    paid.data.total_amount = 4200;
    let delivery = WebhookDelivery::new(SECRET, &paid).expect("signed");
    assert_eq!(route.handle(&delivery.request("/webhooks/polar")), http::StatusCode::ACCEPTED);
    // Polar retries with the same webhook-id and a new timestamp: handled once.
    let now = delivery.timestamp() + 30;
    let retry = WebhookDelivery::at(SECRET, &paid, delivery.id(), now).expect("signed");
    assert_eq!(route.handle(&retry.request("/webhooks/polar")), http::StatusCode::ACCEPTED);
    assert_eq!(*route.paid_orders.lock().unwrap(), [(paid.data.id, 4200)]);
}

#[test]
fn other_events_are_accepted_and_forged_ones_refused() {
    let route = Webhooks::new(SECRET);
    for event in samples::all() {
        let delivery = WebhookDelivery::new(SECRET, &event).expect("signed");
        assert_eq!(
            route.handle(&delivery.request("/webhooks/polar")),
            http::StatusCode::ACCEPTED,
            "{}",
            event.event_type()
        );
    }
    assert_eq!(route.paid_orders.lock().unwrap().len(), 1, "only order.paid is recorded");
    let forged = WebhookDelivery::new("whsec_not-the-endpoints-secret", &samples::order_paid()).expect("signed");
    assert_eq!(route.handle(&forged.request("/webhooks/polar")), http::StatusCode::UNAUTHORIZED);
    let garbage = WebhookDelivery::new(SECRET, &serde_json::json!("not an event")).expect("signed");
    assert_eq!(route.handle(&garbage.request("/webhooks/polar")), http::StatusCode::BAD_REQUEST);
}

/// The README's "Testing your application" snippets are in this file (up to whitespace), so
/// the guide cannot drift from the example that runs.
#[test]
fn readme_snippets_are_here() {
    let readme = include_str!("../README.md");
    let start = readme.find("## Testing your application").expect("the README's section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
    let normalized = |text: &str| text.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let this_file = normalized(include_str!("testing_guide.rs"));
    let mut blocks = 0;
    for block in section.split("```rust,ignore\n").skip(1) {
        let code = &block[..block.find("```").expect("a closed block")];
        assert!(this_file.contains(&normalized(code)), "this README snippet is not in tests/testing_guide.rs:\n{code}");
        blocks += 1;
    }
    assert_eq!(blocks, 3);
}
