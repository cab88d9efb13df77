//! `polar::handlers` behind a real axum server on 127.0.0.1, with a wiremock server on
//! 127.0.0.1 standing in for Polar: the exact JSON bodies the handlers send to
//! `POST /v1/checkouts/` and `POST /v1/customer-sessions/`, the redirects' status and
//! `Location`, and the answers to bad queries and to Polar's refusals. Needs
//! `--features axum` (with the default `checkouts` and `customer-sessions`).

use std::time::Duration;

use axum::routing::get;
use axum::Router;
use polar::handlers::{Checkout, CustomerPortal, PortalCustomer, RedirectStatus};
use polar::RetryPolicy;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One payload per event, valid against the spec (`scripts/webhook_payloads.py`): the
/// `Checkout` and `Customer` objects Polar answers with come from there.
const PAYLOADS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/webhooks/payloads.json"));

const TOKEN: &str = "polar_oat_test_token";
const CHECKOUT_URL: &str = "https://sandbox.polar.sh/checkout/polar_c_abc";
const PORTAL_URL: &str = "https://sandbox.polar.sh/acme/portal?customer_session_token=polar_cst_xyz";
const PRODUCT_A: &str = "11111111-1111-4111-8111-111111111111";
const PRODUCT_B: &str = "22222222-2222-4222-8222-222222222222";

/// The `data` of the first payload of `event`.
fn event_data(event: &str) -> Value {
    let payloads: Vec<Value> = serde_json::from_str(PAYLOADS).expect("payloads");
    let found = payloads.into_iter().find(|p| p["event"] == event).expect("event in payloads");
    found["payload"]["data"].clone()
}

/// A `Checkout` as Polar answers `POST /v1/checkouts/`, at [`CHECKOUT_URL`].
fn checkout_response() -> Value {
    let mut checkout = event_data("checkout.created");
    checkout["url"] = json!(CHECKOUT_URL);
    checkout
}

/// A `CustomerSession` as Polar answers `POST /v1/customer-sessions/`.
fn session_response() -> Value {
    let customer = event_data("customer.created");
    json!({
        "created_at": "2026-11-01T10:00:00Z",
        "modified_at": null,
        "id": "33333333-3333-4333-8333-333333333333",
        "token": "polar_cst_xyz",
        "expires_at": "2026-11-01T11:00:00Z",
        "return_url": "https://app.test/account",
        "customer_portal_url": PORTAL_URL,
        "customer_id": customer["id"],
        "customer": customer,
    })
}

/// Polar's stand-in, and a client of it that does not retry (so refusals answer at once).
async fn polar() -> (MockServer, polar::Client) {
    let server = MockServer::start().await;
    let client = polar::Client::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    (server, client)
}

/// Serves `app` on an ephemeral port; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{address}")
}

/// A browser that does not follow redirects (so the test sees them).
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("browser")
}

/// The JSON body of an answer (reqwest's `json` feature is off in this crate).
async fn json_of(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

/// The JSON bodies Polar's stand-in received on `path`.
async fn bodies(server: &MockServer, on: &str) -> Vec<Value> {
    let requests = server.received_requests().await.expect("recording");
    requests.iter().filter(|r| r.url.path() == on).map(|r| r.body_json().expect("a JSON body")).collect()
}

async fn checkout_app(server: &MockServer, client: polar::Client, status: u16, answer: Value) -> String {
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(status).set_body_json(answer))
        .mount(server)
        .await;
    let checkout = Checkout::new(client)
        .success_url("https://app.test/thanks?plan=pro")
        .return_url("https://app.test/pricing")
        .theme("dark");
    serve(Router::new().route("/checkout", get(checkout.handler()))).await
}

#[tokio::test]
async fn checkout_sends_the_query_to_polar_and_redirects() {
    let (server, client) = polar().await;
    let app = checkout_app(&server, client, 201, checkout_response()).await;
    let query = format!(
        "products={PRODUCT_A}&products={PRODUCT_B}&customerExternalId=user-42&customerEmail=jane%40example.com\
         &customerName=Jane+Doe&metadata=%7B%22source%22%3A%22pricing%22%2C%22count%22%3A3%7D\
         &customerMetadata=%7B%22vip%22%3Atrue%7D&allowDiscountCodes=true&seats=5\
         &customerBillingAddress=%7B%22country%22%3A%22FR%22%2C%22city%22%3A%22Paris%22%7D&unknown=ignored"
    );
    let response = browser().get(format!("{app}/checkout?{query}")).send().await.expect("answer");
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], format!("{CHECKOUT_URL}?theme=dark").as_str());
    assert_eq!(
        bodies(&server, "/v1/checkouts/").await,
        vec![json!({
            "products": [PRODUCT_A, PRODUCT_B],
            "external_customer_id": "user-42",
            "customer_email": "jane@example.com",
            "customer_name": "Jane Doe",
            "metadata": {"count": 3, "source": "pricing"},
            "customer_metadata": {"vip": true},
            "allow_discount_codes": true,
            "seats": 5,
            "customer_billing_address": {"country": "FR", "city": "Paris"},
            "success_url": "https://app.test/thanks?plan=pro&checkoutId={CHECKOUT_ID}",
            "return_url": "https://app.test/pricing",
        })]
    );
}

#[tokio::test]
async fn checkout_with_a_customer_id_and_a_discount() {
    let (server, client) = polar().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(checkout_response()))
        .mount(&server)
        .await;
    // No success URL of its own, no theme, a 303.
    let checkout = Checkout::new(client).redirect_status(RedirectStatus::SeeOther);
    let app = serve(Router::new().route("/buy", get(checkout.handler()))).await;
    let customer = "44444444-4444-4444-8444-444444444444";
    let discount = "55555555-5555-4555-8555-555555555555";
    let url =
        format!("{app}/buy?products={PRODUCT_A}&customerId={customer}&discountId={discount}&allowDiscountCodes=no");
    let response = browser().get(url).send().await.expect("answer");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], CHECKOUT_URL);
    assert_eq!(
        bodies(&server, "/v1/checkouts/").await,
        vec![json!({
            "products": [PRODUCT_A],
            "customer_id": customer,
            "discount_id": discount,
            "allow_discount_codes": false,
        })]
    );
}

#[tokio::test]
async fn bad_checkout_queries_are_400_and_reach_no_polar() {
    let (server, client) = polar().await;
    let app = checkout_app(&server, client, 201, checkout_response()).await;
    let cases = [
        ("customerEmail=a%40b.c".to_owned(), "Missing products in query params"),
        (String::new(), "Missing products in query params"),
        ("products=not-an-id".to_owned(), "invalid query parameter products: \"not-an-id\" is not an id"),
        (format!("products={PRODUCT_A}&metadata=%7Bnope"), "invalid query parameter metadata: "),
        (format!("products={PRODUCT_A}&seats=five"), "invalid query parameter seats: \"five\" is not an integer"),
        (format!("products={PRODUCT_A}&customerId=7"), "invalid query parameter customerId: \"7\" is not an id"),
        (format!("products={PRODUCT_A}&metadata=%5B1%5D"), "invalid query parameter metadata: "),
    ];
    for (query, error) in cases {
        let response = browser().get(format!("{app}/checkout?{query}")).send().await.expect("answer");
        assert_eq!(response.status(), 400, "{query}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = json_of(response).await;
        let message = body["error"].as_str().expect("error text");
        assert!(message.starts_with(error), "{query}: {message}");
    }
    assert!(server.received_requests().await.expect("recording").is_empty());
}

#[tokio::test]
async fn polar_refusals_are_clear_answers() {
    // A validation error: 400 with Polar's detail (which names the field).
    let (server, client) = polar().await;
    let detail = json!([{"loc": ["body", "products", 0], "msg": "Product does not exist.", "type": "value_error"}]);
    let app =
        checkout_app(&server, client, 422, json!({"error": "PolarRequestValidationError", "detail": detail})).await;
    let response = browser().get(format!("{app}/checkout?products={PRODUCT_A}")).send().await.expect("answer");
    assert_eq!(response.status(), 400);
    let body = json_of(response).await;
    assert_eq!(body, json!({"error": "Polar refused the request (422 Unprocessable Entity)", "detail": detail}));

    // A rejected token: the server's problem, 502, with nothing of Polar's body.
    let (server, client) = polar().await;
    let secret = json!({"error": "Unauthorized", "detail": "token polar_oat_test_token is invalid"});
    let app = checkout_app(&server, client, 401, secret).await;
    let response = browser().get(format!("{app}/checkout?products={PRODUCT_A}")).send().await.expect("answer");
    assert_eq!(response.status(), 502);
    let text = response.text().await.expect("text");
    assert_eq!(text, r#"{"error":"Polar refused the request (401 Unauthorized)"}"#);

    // Rate limited: 503 with Polar's Retry-After.
    let (server, client) = polar().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-sessions/"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "7").set_body_json(json!({"detail": "slow"})),
        )
        .mount(&server)
        .await;
    let portal = CustomerPortal::new(client);
    let app = serve(
        Router::new().route("/portal", get(portal.handler(|_| Some(PortalCustomer::External("user-42".to_owned()))))),
    )
    .await;
    let response = browser().get(format!("{app}/portal")).send().await.expect("answer");
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "7");

    // Polar unreachable: 502.
    let unreachable = polar::Client::builder()
        .base_url("http://127.0.0.1:9")
        .access_token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let app = serve(Router::new().route("/checkout", get(Checkout::new(unreachable).handler()))).await;
    let response = browser().get(format!("{app}/checkout?products={PRODUCT_A}")).send().await.expect("answer");
    assert_eq!(response.status(), 502);
    let body = json_of(response).await;
    assert_eq!(body, json!({"error": "Polar could not be reached"}));
}

#[tokio::test]
async fn undecodable_answers_and_timeouts() {
    // Polar answers 201 with a body that is no checkout: 502, said as such.
    let (server, client) = polar().await;
    let app = checkout_app(&server, client, 201, json!({"id": "not a checkout"})).await;
    let response = browser().get(format!("{app}/checkout?products={PRODUCT_A}")).send().await.expect("answer");
    assert_eq!(response.status(), 502);
    assert_eq!(json_of(response).await, json!({"error": "Polar's answer could not be read"}));

    // Polar answers after the client's timeout: 504.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-sessions/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(session_response()).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let slow = polar::Client::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let portal = CustomerPortal::new(slow);
    let app = serve(
        Router::new().route("/portal", get(portal.handler(|_| Some(PortalCustomer::External("user-42".to_owned()))))),
    )
    .await;
    let response = browser().get(format!("{app}/portal")).send().await.expect("answer");
    assert_eq!(response.status(), 504);
    assert_eq!(json_of(response).await, json!({"error": "Polar did not answer in time"}));
}

/// The signed-in user, as an app's session middleware would store it.
#[derive(Clone)]
struct SignedIn(String);

#[tokio::test]
async fn portal_opens_the_signed_in_customers_portal() {
    let (server, client) = polar().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-sessions/"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(session_response()))
        .mount(&server)
        .await;
    let portal =
        CustomerPortal::new(client).return_url("https://app.test/account").redirect_status(RedirectStatus::Found);
    let by_external = portal.clone().handler(|request| {
        let user = request.extensions.get::<SignedIn>()?;
        Some(PortalCustomer::External(user.0.clone()))
    });
    let customer: uuid::Uuid = "66666666-6666-4666-8666-666666666666".parse().expect("uuid");
    let by_id = portal.handler(move |_| Some(PortalCustomer::Id(customer)));
    // Stands in for a session middleware: `x-user` is the signed-in user.
    let sign_in =
        axum::middleware::from_fn(|mut request: axum::extract::Request, next: axum::middleware::Next| async move {
            if let Some(user) = request.headers().get("x-user").and_then(|v| v.to_str().ok()) {
                let user = SignedIn(user.to_owned());
                request.extensions_mut().insert(user);
            }
            next.run(request).await
        });
    let app =
        serve(Router::new().route("/portal", get(by_external)).route("/portal/id", get(by_id)).layer(sign_in)).await;

    let response = browser().get(format!("{app}/portal")).header("x-user", "user-42").send().await.expect("answer");
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], PORTAL_URL);

    // Nobody signed in: 401, and nothing asked of Polar.
    let response = browser().get(format!("{app}/portal")).send().await.expect("answer");
    assert_eq!(response.status(), 401);
    let body = json_of(response).await;
    assert_eq!(body, json!({"error": "no customer for this request"}));

    let response = browser().get(format!("{app}/portal/id")).send().await.expect("answer");
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], PORTAL_URL);

    assert_eq!(
        bodies(&server, "/v1/customer-sessions/").await,
        vec![
            json!({"external_customer_id": "user-42", "return_url": "https://app.test/account"}),
            json!({"customer_id": customer.to_string(), "return_url": "https://app.test/account"}),
        ]
    );
}

#[tokio::test]
async fn portal_url_and_body_from_query_for_apps_that_answer_themselves() {
    let (server, client) = polar().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-sessions/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(session_response()))
        .mount(&server)
        .await;
    let portal = CustomerPortal::new(client.clone());
    let url = portal.portal_url(PortalCustomer::External("user-7".to_owned())).await.expect("url");
    assert_eq!(url, PORTAL_URL);
    assert_eq!(bodies(&server, "/v1/customer-sessions/").await, vec![json!({"external_customer_id": "user-7"})]);

    // A success URL that already holds {CHECKOUT_ID} is kept; the query's external id can
    // be replaced by the signed-in user's before sending.
    let checkout = Checkout::new(client).success_url("https://app.test/done/{CHECKOUT_ID}");
    let mut body = checkout.body_from_query(&format!("products={PRODUCT_A}&customerExternalId=forged")).expect("body");
    body.external_customer_id = Some("user-7".to_owned());
    assert_eq!(
        serde_json::to_value(&body).expect("JSON"),
        json!({"products": [PRODUCT_A], "external_customer_id": "user-7", "success_url": "https://app.test/done/{CHECKOUT_ID}"})
    );
    let off = Checkout::new(polar().await.1).success_url("https://app.test/done").include_checkout_id(false);
    let body = off.body_from_query(&format!("products={PRODUCT_A}")).expect("body");
    assert_eq!(body.success_url.as_deref(), Some("https://app.test/done"));
}
