//! Every Rust snippet of `README.md`, verbatim, compiled here (and run against
//! wiremock where it needs no network): `readme_snippets_are_all_here` fails when a
//! snippet of the README is not in this file (up to whitespace), so the README cannot drift
//! from the generated API. Snippets use `client`, `customer_id`... as the README's
//! prose introduces them: here they are the parameters of the function around each.

#[path = "client_support.rs"]
mod support;

use polar::models::{CustomerUpdate, OrganizationCreate};
use polar::Client;
use serde_json::json;
use support::{client, customer_json, organization_json, page_json, portal_organization_json, uuid};
use wiremock::matchers::{body_string, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// The README's Rust code blocks.
fn readme_blocks() -> Vec<String> {
    let readme = include_str!("../README.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim()) {
            (None, "```rust") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// `text` without whitespace and trailing commas, so that a snippet still matches this
/// file after rustfmt rewraps it (`cargo xtask fmt`).
fn normalized(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.replace(",)", ")").replace(",]", "]").replace(",}", "}")
}

#[test]
fn readme_snippets_are_all_here() {
    let this_file = normalized(include_str!("client_readme.rs"));
    let blocks = readme_blocks();
    assert_eq!(blocks.len(), 20, "a snippet was added or removed: give it a function here");
    for block in &blocks {
        assert!(
            this_file.contains(&normalized(block)),
            "this README snippet is not in tests/client_readme.rs (up to whitespace):\n{block}"
        );
    }
}

/// "API versions": two handles, each sending its version, converting into each other
/// (needs the `v2026-04` feature, which `cargo test --workspace` turns on through
/// contract-tests).
#[cfg(feature = "v2026-04")]
#[tokio::test]
async fn readme_api_versions_runs() -> Result {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/"))
        .and(wiremock::matchers::header("polar-version", "2026-04"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![customer_json(1, "a@b.c")], 1, 1)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/"))
        .and(wiremock::matchers::header("polar-version", "2026-10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![], 0, 0)))
        .mount(&server)
        .await;
    std::env::set_var("POLAR_ACCESS_TOKEN", "polar_oat_readme");
    let base_url = server.uri();
    api_versions(&base_url).await?;
    let sent: Vec<String> = server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(sent, ["/v1/customers/", "/v1/orders/"], "each request matched its version");
    Ok(())
}

#[cfg(feature = "v2026-04")]
async fn api_versions(base_url: &str) -> Result {
    // (The README's snippet, with the mock's base URL.)
    let current = polar::v2026_04::Client::builder()
        .access_token(std::env::var("POLAR_ACCESS_TOKEN")?)
        .base_url(base_url)
        .build()?;
    let customers = current.customers().list().await?; // sent with Polar-Version: 2026-04
    let next = polar::v2026_10::Client::from(current.clone()); // same pool and token
    let orders = next.orders().list().await?; // sent with Polar-Version: 2026-10
    println!("{} customers, {} orders", customers.pagination.total_count, orders.pagination.total_count);
    Ok(())
}

/// The README's "API versions" snippet as written (compiled).
#[cfg(feature = "v2026-04")]
async fn readme_api_versions_as_written() -> Result {
    // Cargo.toml: polar-sh-sdk = { version = "0.1", features = ["v2026-04"] } (next to the default)
    let current = polar::v2026_04::Client::builder().access_token(std::env::var("POLAR_ACCESS_TOKEN")?).build()?;
    let customers = current.customers().list().await?; // sent with Polar-Version: 2026-04

    // One call site moves to the next version; the rest stays on 2026-04.
    let next = polar::v2026_10::Client::from(current.clone()); // same pool and token
    let orders = next.orders().list().await?; // sent with Polar-Version: 2026-10
    println!("{} customers, {} orders", customers.pagination.total_count, orders.pagination.total_count);
    Ok(())
}

#[cfg(feature = "v2026-04")]
#[test]
fn readme_api_versions_compiles() {
    let _ = readme_api_versions_as_written;
}

/// "Quick start" (compiled; running it needs a sandbox token).
mod quick_start {
    use polar::models::OrganizationCreate;
    use polar::{Client, Server};

    #[tokio::main]
    async fn main() -> Result<(), Box<dyn std::error::Error>> {
        let client = Client::builder()
            .access_token(std::env::var("POLAR_ACCESS_TOKEN")?)
            .server(Server::Sandbox) // default: Server::Production (https://api.polar.sh)
            .build()?;

        let org = client.organizations().create(OrganizationCreate::new("Acme", "acme")).await?;
        println!("created {} ({})", org.name, org.id);
        Ok(())
    }

    #[test]
    fn readme_quick_start_compiles() {
        let _main: fn() -> super::Result = main;
    }
}

/// "Quick start": configuration from the environment.
fn from_env() -> Result<(Client, Client)> {
    let client = polar::Client::from_env()?;
    let sandbox = polar::Client::builder().with_env()?.server(polar::Server::Sandbox).build()?;
    Ok((client, sandbox))
}

#[test]
fn readme_from_env_runs() {
    // The only test of this binary that touches the environment.
    std::env::set_var("POLAR_ACCESS_TOKEN", "polar_oat_README");
    let built = from_env();
    std::env::remove_var("POLAR_ACCESS_TOKEN");
    let (client, sandbox) = built.unwrap();
    assert_eq!(client.base_url(), "https://api.polar.sh");
    assert_eq!(sandbox.base_url(), "https://sandbox-api.polar.sh");
}

/// "The four operations in code".
async fn four_operations(client: &Client) -> Result {
    use futures_util::StreamExt;
    use polar::models::{
        AddressInput, CustomerCreate, CustomerIndividualCreate, OrganizationCreate, OrganizationSortProperty,
    };

    // Create an organization: the body is exactly {"name":"Acme","slug":"acme"}.
    let org = client.organizations().create(OrganizationCreate::new("Acme", "acme")).await?;
    println!("created {}", org.slug);

    // List organizations: one page...
    let page = client
        .organizations()
        .list()
        .slug("acme")
        .page(1)
        .limit(10)
        .sorting([OrganizationSortProperty::MinusCreatedAt]) // sorting=-created_at
        .await?;
    println!("{} organizations, {} pages", page.pagination.total_count, page.pagination.max_page);

    // ...or every organization of every page.
    let mut all = std::pin::pin!(client.organizations().list().limit(100).stream());
    while let Some(org) = all.next().await {
        println!("{}", org?.slug);
    }

    // The customer portal's view of an organization (a public endpoint: no token is sent).
    let portal = client.customer_portal().organizations().get("acme").await?;
    println!("{} sells {} products", portal.organization.name, portal.products.len());

    // Create a customer. `CustomerCreate` is a union: `Individual` or `Team` (each arm's
    // type converts into it with `From`/`into()`, as metadata values do from `&str`, `i64` ...).
    let mut jane = CustomerIndividualCreate::new("jane@example.com");
    jane.external_id = Some("usr_1337".into());
    jane.name = Some("Jane Doe".into());
    jane.billing_address = Some(AddressInput::new("US".into()));
    jane.metadata = Some(serde_json::from_value(serde_json::json!({"plan": "pro", "seats": 5}))?);
    let customer = client.customers().create(CustomerCreate::from(jane)).await?;
    println!("{customer:?}");
    Ok(())
}

#[tokio::test]
async fn readme_four_operations_run() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/"))
        .and(body_string(r#"{"name":"Acme","slug":"acme"}"#))
        .respond_with(ResponseTemplate::new(201).set_body_json(organization_json(1, "Acme", "acme")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(
            vec![organization_json(1, "Acme", "acme")],
            1,
            1,
        )))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/organizations/acme"))
        .respond_with(ResponseTemplate::new(200).set_body_json(portal_organization_json("acme")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(customer_json(1, "jane@example.com")))
        .expect(1)
        .mount(&server)
        .await;
    four_operations(&client(&server)).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[1].url.query(), Some("slug=acme&page=1&limit=10&sorting=-created_at"));
    // The portal endpoint is public: no token is sent.
    assert!(!requests[3].headers.contains_key("authorization"));
    assert_eq!(
        std::str::from_utf8(&requests[4].body).unwrap(),
        concat!(
            r#"{"type":"individual","metadata":{"plan":"pro","seats":5},"#,
            r#""external_id":"usr_1337","name":"Jane Doe","#,
            r#""billing_address":{"country":"US"},"email":"jane@example.com"}"#
        )
    );
}

/// "Customer portal: customer and member session tokens" (compiled; the tokens'
/// behaviour is tested in `client_integration.rs`).
async fn customer_portal(client: &Client, customer_id: uuid::Uuid) -> Result {
    use polar::models::{CustomerSessionCustomerIdCreate, CustomerSessionsCreateBody};

    // With the organization token: a session for one customer.
    let for_customer = CustomerSessionCustomerIdCreate::new(customer_id);
    let session = client.customer_sessions().create(CustomerSessionsCreateBody::from(for_customer)).await?;

    // Then, as that customer: one request...
    let me = client.customer_portal().customers().get().access_token(session.token.clone()).await?;
    // ...or a client of its own (cheap: same connection pool and settings).
    let as_customer = client.with_access_token(session.token)?;
    let orders = as_customer.customer_portal().orders().list().await?;
    println!("{:?} has {} orders", me.email, orders.pagination.total_count);
    Ok(())
}

#[test]
fn readme_customer_portal_compiles() {
    let _ = customer_portal;
}

/// "Errors".
async fn handle_errors(client: &Client, customer_id: uuid::Uuid, update: CustomerUpdate) {
    use polar::{ApiErrorBody, ErrorKind};

    // `customers:update` documents 404 (ResourceNotFound) and 422 (HttpValidationError).
    match client.customers().update(customer_id, update).await {
        Ok(customer) => println!("{customer:?}"),
        Err(err) => match err.kind() {
            ErrorKind::Api { body: ApiErrorBody::HttpValidationError(v), .. } => {
                for d in v.detail.iter().flatten() {
                    eprintln!("{:?}: {}", d.loc, d.msg);
                }
            }
            ErrorKind::Api { body: ApiErrorBody::ResourceNotFound(nf), .. } => eprintln!("{}", nf.detail),
            ErrorKind::Timeout | ErrorKind::Connect(_) => eprintln!("network trouble: {err}"),
            _ => eprintln!("{err}"), // e.g. "customers:update: HTTP 418 I'm a teapot (undocumented status)"
        },
    }
}

#[tokio::test]
async fn readme_error_handling_runs() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": [
            {"loc": ["body", "email"], "msg": "bad email", "type": "value_error"}
        ]})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "ResourceNotFound", "detail": "Customer not found."})),
        )
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(418)).mount(&server).await;
    let client = client(&server);
    for _ in 0..3 {
        handle_errors(&client, uuid(1), CustomerUpdate::default()).await;
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

/// "Status and headers".
async fn status_and_headers(client: &Client, id: uuid::Uuid) -> Result {
    let response = client.organizations().get(id).send_with_response().await?;
    println!("{} {:?}", response.status, response.headers.get("content-type"));
    let org = response.into_body();
    assert_eq!(org.slug, "a");
    Ok(())
}

/// "Large responses" (compiled: it writes `customers.csv`; streaming is tested in
/// `client_integration.rs`).
async fn large_responses(client: &Client) -> Result {
    use futures_util::TryStreamExt;
    use tokio::io::AsyncWriteExt;

    let mut csv = client.customers().export().bytes_stream().await?;
    let mut file = tokio::fs::File::create("customers.csv").await?;
    while let Some(chunk) = csv.try_next().await? {
        file.write_all(&chunk).await?;
    }
    Ok(())
}

#[test]
fn readme_large_responses_compiles() {
    let _ = large_responses;
}

/// "Status and headers": the receipt enum.
async fn receipt(client: &Client, order_id: uuid::Uuid) -> Result {
    use polar::client::OrdersReceiptResponse;

    match client.orders().receipt(order_id).await? {
        OrdersReceiptResponse::Ok(receipt) => println!("download {}", receipt.url),
        OrdersReceiptResponse::Accepted => println!("not ready yet, ask again later"),
    }
    Ok(())
}

#[tokio::test]
async fn readme_receipt_runs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{}/receipt", uuid(1))))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{}/receipt", uuid(2))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": "https://r/1.pdf"})))
        .mount(&server)
        .await;
    let client = client(&server);
    receipt(&client, uuid(1)).await.unwrap();
    receipt(&client, uuid(2)).await.unwrap();
    assert!(receipt(&client, uuid(3)).await.is_err());
}

/// "Timeouts and retries" (compiled: its client has no mock base URL; retries and
/// timeouts are tested in `client_behaviour.rs` and `client_integration.rs`).
async fn timeouts_and_retries(token: &str, id: uuid::Uuid, body: OrganizationCreate) -> Result {
    use polar::{Client, RequestOptions, RetryPolicy};
    use std::time::Duration;

    let client = Client::builder()
        .access_token(token)
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::default().max_retries(5).max_elapsed(Duration::from_secs(60)))
        .build()?;

    // Per request: override the timeout, the policy, or both (and add headers).
    let page = client.organizations().list().timeout(Duration::from_secs(30)).await?;
    let org = client
        .organizations()
        .create(body)
        .retry(RetryPolicy::default().retry_non_idempotent(true)) // opt in: only if safe to repeat
        .await?;
    let quick = client
        .organizations()
        .get(id)
        .options(RequestOptions::new().timeout(Duration::from_secs(1)).retry(RetryPolicy::none()))
        .await?;
    println!("{} {} {}", page.items.len(), org.slug, quick.slug);
    Ok(())
}

#[test]
fn readme_timeouts_and_retries_compiles() {
    let _ = timeouts_and_retries;
}

/// "Pagination".
async fn pagination(client: &Client) -> Result {
    use futures_util::{StreamExt, TryStreamExt};

    let mut customers = std::pin::pin!(client.customers().list().limit(100).stream());
    while let Some(customer) = customers.next().await {
        let customer = customer?;
        println!("{customer:?}");
    }

    // Or collect everything, stopping at the first error:
    let orgs: Vec<_> = client.organizations().list().stream().try_collect().await?;

    // Or page by page, to see `total_count` and where pages end:
    let mut pages = client.customers().list().limit(100).pages();
    while let Some(page) = pages.try_next().await? {
        println!("{} of {} customers", page.items.len(), page.pagination.total_count);
    }
    assert_eq!(orgs.len(), 1);
    Ok(())
}

/// "Query parameters".
async fn query_parameters(client: &Client, org_id: uuid::Uuid) -> Result {
    let metadata = serde_json::from_value(serde_json::json!({"plan": "pro", "tier": ["gold", "silver"]}))?;
    let page = client.customers().list().organization_id([org_id]).metadata(metadata).await?;
    assert_eq!(page.items.len(), 1);
    Ok(())
}

/// "Updates (PATCH) and `polar::Patch`".
async fn patch(client: &Client, customer_id: uuid::Uuid) -> Result {
    use polar::models::CustomerUpdate;
    use polar::Patch;

    let update = CustomerUpdate {
        name: Patch::Value("Jane Q. Doe".into()), // or "Jane Q. Doe".to_owned().into()
        tax_id: Patch::Null,                      // or Patch::from(None::<String>)
        ..Default::default()                      // everything else: Absent, not sent
    };
    client.customers().update(customer_id, update).await?; // body: {"name":"Jane Q. Doe","tax_id":null}
    Ok(())
}

/// "Webhooks" (compiled: the signature flow is tested in `webhooks_events.rs`).
fn webhooks(headers: http::HeaderMap, body: bytes::Bytes) -> Result {
    use polar::webhooks::{WebhookEvent, WebhookVerifier};

    // Once at start-up: the endpoint's secret exactly as Polar shows it (`whsec_…`).
    let verifier = WebhookVerifier::new(&std::env::var("POLAR_WEBHOOK_SECRET")?)?;
    // Per request: the headers and the raw body bytes exactly as received.
    match verifier.verify_and_decode::<WebhookEvent>(&headers, &body)? {
        WebhookEvent::OrderPaid(payload) => println!("order {} paid", payload.data.id),
        WebhookEvent::Unknown { event_type, .. } => println!("ignoring {event_type}"),
        other => println!("received {}", other.event_type()),
    }
    Ok(())
}

#[test]
fn readme_webhooks_compiles() {
    let _ = webhooks;
}

/// "Webhooks" with axum (compiled with `--features axum`; the extractor is tested in
/// `webhooks_axum.rs`).
#[cfg(feature = "axum")]
fn webhooks_axum(secret: String) -> Result<axum::Router> {
    use axum::http::StatusCode;
    use axum::routing::post;
    use axum::Router;
    use polar::webhooks::{VerifiedWebhook, WebhookEvent, WebhookVerifier};

    let app = Router::new().route("/webhooks", post(receive)).with_state(WebhookVerifier::new(&secret)?);

    async fn receive(delivery: VerifiedWebhook<WebhookEvent>) -> StatusCode {
        println!("{} ({})", delivery.payload.event_type(), delivery.id);
        StatusCode::ACCEPTED
    }
    Ok(app)
}

#[cfg(feature = "axum")]
#[test]
fn readme_webhooks_axum_builds_a_router() {
    let secret = format!("whsec_{}", "a".repeat(43));
    assert!(webhooks_axum(secret).is_ok());
    assert!(webhooks_axum(String::new()).is_err(), "an empty secret is refused");
}

/// "Usage metering" (run against wiremock with `--features metering`; the ingester is
/// tested against a fault-injecting server in `metering_faults.rs` and `metering_behaviour.rs`).
#[cfg(feature = "metering")]
async fn metering(client: &Client) -> Result {
    use polar::metering::Ingester;
    use polar::models::EventCreateExternalCustomer;
    use std::time::Duration;

    // Once, at start-up. The function is called once per batch, on the ingester's task.
    let ingester = Ingester::builder(client.clone())
        .queue_capacity(50_000) // events; beyond it `track` hands the event back
        .batch_size(1_000)
        .flush_interval(Duration::from_secs(1))
        .start(|report| {
            for failed in report.failed {
                // Not stored, and why: yours to persist, resend (same external_id) or alert on.
                eprintln!("{:?}: {}", failed.external_id(), failed.reason);
            }
        });

    // In a request handler: never waits on Polar.
    if let Err(full) = ingester.track(EventCreateExternalCustomer::new("api_call", "user_42")) {
        // The queue is full (Polar slow or unreachable): drop it knowingly, or wait for room.
        ingester.track_wait(full.into_event()).await?;
    }

    // When the application stops: send what is queued, for 10 seconds at most.
    let report = ingester.shutdown(Duration::from_secs(10)).await;
    println!("{} inserted, {} not sent in time", report.stats.inserted, report.unsent.len());
    Ok(())
}

#[cfg(feature = "metering")]
#[tokio::test]
async fn readme_metering_runs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/events/ingest"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"inserted": 1, "duplicates": 0})))
        .expect(1)
        .mount(&server)
        .await;
    metering(&client(&server)).await.unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    let event = &sent["events"][0];
    assert_eq!((event["name"].as_str(), event["external_customer_id"].as_str()), (Some("api_call"), Some("user_42")));
    assert!(event["external_id"].is_string() && event["timestamp"].is_string(), "{sent}");
}

#[tokio::test]
async fn readme_headers_pagination_query_and_patch_run() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/organizations/{}", uuid(1))))
        .respond_with(ResponseTemplate::new(200).set_body_json(organization_json(1, "A", "a")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![organization_json(1, "A", "a")], 1, 1)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(
            vec![customer_json(1, "a@example.com")],
            1,
            1,
        )))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/customers/{}", uuid(7))))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(7, "j@example.com")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    status_and_headers(&client, uuid(1)).await.unwrap();
    pagination(&client).await.unwrap();
    query_parameters(&client, uuid(2)).await.unwrap();
    patch(&client, uuid(7)).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let query = requests.iter().rev().find(|r| r.url.path() == "/v1/customers/").unwrap();
    assert_eq!(
        query.url.query(),
        Some(
            "organization_id=00000000-0000-4000-8000-000000000002\
             &metadata%5Bplan%5D=pro&metadata%5Btier%5D=gold&metadata%5Btier%5D=silver"
        )
    );
    let patch = requests.last().unwrap();
    assert_eq!(std::str::from_utf8(&patch.body).unwrap(), r#"{"name":"Jane Q. Doe","tax_id":null}"#);
}

/// "Routing events" (features `webhook-router` and `axum`): the snippet compiles; the router
/// itself is tested over HTTP in `tests/webhook_router.rs`.
#[cfg(all(feature = "webhook-router", feature = "axum"))]
mod webhook_router {
    async fn fulfil(_order: &polar::models::Order) -> Result<(), std::io::Error> {
        Ok(())
    }

    async fn grant(_subscription: &polar::models::Subscription) -> Result<(), std::io::Error> {
        Ok(())
    }

    fn readme_router(secret: String) -> super::Result<axum::Router> {
        use polar::webhooks::events::{OrderPaid, SubscriptionActive};
        use polar::webhooks::{WebhookRouter, WebhookVerifier};

        let router = WebhookRouter::new(WebhookVerifier::new(&secret)?)
            // `delivery.payload` is a `WebhookOrderPaidPayload`; `delivery.id` the `webhook-id`.
            .on(OrderPaid, |delivery| async move { fulfil(&delivery.payload.data).await })
            .on(SubscriptionActive, |delivery| async move { grant(&delivery.payload.data).await })
            // Everything else: other and unknown event types, and bodies that do not decode.
            .fallback(|delivery| async move { println!("{}: not handled", delivery.id) });

        let app = axum::Router::new().route("/webhooks/polar", router.into_axum());
        Ok(app)
    }

    #[test]
    fn readme_router_builds() {
        assert!(readme_router("whsec_test".to_owned()).is_ok());
        assert!(readme_router(String::new()).is_err(), "an empty secret is refused");
    }
}

/// "Blocking client" (compiled; needs `--features blocking`).
#[cfg(feature = "blocking")]
fn readme_blocking(organization_id: uuid::Uuid) -> Result {
    let client = polar::Client::from_env()?;
    let org = client.organizations().get(organization_id).send_blocking()?;
    for customer in client.customers().list().limit(100).iter_blocking() {
        println!("{}: {:?}", org.name, customer?);
    }
    Ok(())
}

/// "Licence keys" (compiled; needs `--features blocking`; `tests/licensing.rs` runs the
/// same flow against a simulation of Polar's server).
#[cfg(feature = "blocking")]
fn readme_licence_keys(organization_id: uuid::Uuid, key: String) -> Result {
    use polar::licensing::{LicenseError, LicenseKeys};

    let keys = LicenseKeys::builder(organization_id).server(polar::Server::Sandbox).build()?;
    // Once per device, just after the purchase: a key Polar has not created yet is retried.
    let activation = keys.activate(&key, "Jane's laptop").retry_not_found(Duration::from_secs(60)).send_blocking()?;
    // ... store `activation.id` with the key; then at every start-up:
    match keys.validate(&key).activation_id(activation.id).send_blocking() {
        Ok(validated) => println!("licensed until {:?}", validated.expires_at),
        Err(LicenseError::NoLongerActive(_) | LicenseError::Expired(_)) => println!("licence ended: see the portal"),
        Err(e) if e.is_unreachable() => println!("offline: using the last good validation"),
        Err(e) => return Err(e.into()),
    }
    keys.deactivate(&key, activation.id).send_blocking()?; // frees the activation
                                                           // Not in the README's snippet (which reads as if `Duration` were in scope): items of a
                                                           // block are visible in all of it.
    use std::time::Duration;
    Ok(())
}

#[cfg(feature = "blocking")]
#[test]
fn readme_blocking_snippets_compile() {
    let _ = (readme_blocking, readme_licence_keys);
}

/// The user a session middleware puts in the request's extensions (README, "Checkout and
/// customer portal").
#[cfg(feature = "axum")]
#[derive(Clone)]
struct SignedIn {
    id: String,
}

/// "Checkout and customer portal (axum)" (compiled; needs `--features axum`;
/// `tests/handlers_axum.rs` runs the handlers against a stand-in for Polar).
#[cfg(feature = "axum")]
fn readme_handlers() -> Result<axum::Router> {
    use axum::routing::get;
    use axum::Router;
    use polar::handlers::{Checkout, CustomerPortal, PortalCustomer};

    let client = polar::Client::from_env()?; // an organization token: checkouts:write, customer_sessions:write
    let checkout = Checkout::new(client.clone()).success_url("https://example.com/thanks");
    let portal = CustomerPortal::new(client).return_url("https://example.com/account");
    let app: Router = Router::new()
        // GET /checkout?products=<id>&customerExternalId=... → 307 to Polar's checkout page
        .route("/checkout", get(checkout.handler()))
        // GET /portal → 307 to the signed-in customer's portal (None → 401)
        .route(
            "/portal",
            get(portal.handler(|request| {
                let user = request.extensions.get::<SignedIn>()?; // put there by your session middleware
                Some(PortalCustomer::External(user.id.clone()))
            })),
        );
    Ok(app)
}

#[cfg(feature = "axum")]
#[test]
fn readme_handlers_snippet_compiles() {
    let _ = readme_handlers;
}
