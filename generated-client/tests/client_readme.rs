//! The code snippets of `README.md`, compiled and run against wiremock, so
//! that the README stays true to the generated API. Keep them in sync.

#[path = "client_support.rs"]
mod support;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use polar::models::{
    AddressInput, CustomerCreate, CustomerIndividualCreate, CustomerUpdate, OrganizationCreate,
    OrganizationSortProperty,
};
use polar::{ApiErrorBody, Client, ErrorKind, Patch, RequestOptions, RetryPolicy};
use serde_json::json;
use support::{client, customer_json, organization_json, page_json, portal_organization_json, uuid, TOKEN};
use wiremock::matchers::{body_string, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// "The four operations in code".
async fn four_operations(client: &Client) -> Result {
    // Create an organization: the body is exactly {"name":"Acme","slug":"acme"}.
    let org = client.organizations().create(OrganizationCreate::new("Acme", "acme")).await?;
    assert_eq!(org.slug, "acme");

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

    // The customer portal's view of an organization.
    let portal = client.customer_portal().organizations().get("acme").await?;
    println!("{} sells {} products", portal.organization.name, portal.products.len());

    // Create a customer.
    let mut jane = CustomerIndividualCreate::new("jane@example.com");
    jane.external_id = Some("usr_1337".into());
    jane.name = Some("Jane Doe".into());
    jane.billing_address = Some(AddressInput::new("US".into()));
    jane.metadata = Some(serde_json::from_value(serde_json::json!({"plan": "pro", "seats": 5}))?);
    let _customer = client.customers().create(CustomerCreate::Individual(Box::new(jane))).await?;
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
    assert_eq!(
        std::str::from_utf8(&requests[4].body).unwrap(),
        concat!(
            r#"{"type":"individual","metadata":{"plan":"pro","seats":5},"#,
            r#""external_id":"usr_1337","name":"Jane Doe","#,
            r#""billing_address":{"country":"US"},"email":"jane@example.com"}"#
        )
    );
}

/// "Errors".
async fn handle_errors(client: &Client, update: CustomerUpdate) -> Vec<String> {
    let customer_id = uuid(1);
    let mut out = Vec::new();
    // `customers:update` documents 404 (ResourceNotFound) and 422 (HttpValidationError).
    match client.customers().update(customer_id, update).await {
        Ok(customer) => out.push(format!("{customer:?}")),
        Err(err) => match err.kind() {
            ErrorKind::Api { body: ApiErrorBody::HttpValidationError(v), .. } => {
                for d in v.detail.iter().flatten() {
                    out.push(format!("{:?}: {}", d.loc, d.msg));
                }
            }
            ErrorKind::Api { body: ApiErrorBody::ResourceNotFound(nf), .. } => out.push(nf.detail.clone()),
            ErrorKind::Timeout | ErrorKind::Connect(_) => out.push(format!("network trouble: {err}")),
            _ => out.push(format!("{err}")),
        },
    }
    out
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
    let shown = handle_errors(&client, CustomerUpdate::default()).await;
    assert_eq!(shown.len(), 1);
    assert!(shown[0].ends_with(": bad email"), "{shown:?}");
    assert_eq!(handle_errors(&client, CustomerUpdate::default()).await, ["Customer not found."]);
    assert_eq!(
        handle_errors(&client, CustomerUpdate::default()).await,
        ["customers:update: HTTP 418 I'm a teapot (undocumented status)"]
    );
}

/// "Status and headers", "Timeouts and retries", "Pagination", "Query
/// parameters".
async fn options_and_streams(server_uri: &str) -> Result {
    let token = TOKEN;
    let id = uuid(1);
    let org_id = uuid(2);
    let body = OrganizationCreate::new("Acme", "acme");

    let client = Client::builder()
        .access_token(token)
        .base_url(server_uri)
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::default().max_retries(5).max_elapsed(Duration::from_secs(60)))
        .build()?;

    let response = client.organizations().get(id).send_with_response().await?;
    println!("{} {:?}", response.status, response.headers.get("x-request-id"));
    let _org = response.into_body();

    let _page = client.organizations().list().timeout(Duration::from_secs(30)).await?;
    let _org = client.organizations().create(body).retry(RetryPolicy::default().retry_non_idempotent(true)).await?;
    let _quick = client
        .organizations()
        .get(id)
        .options(RequestOptions::new().timeout(Duration::from_secs(1)).retry(RetryPolicy::none()))
        .await?;

    let mut customers = std::pin::pin!(client.customers().list().limit(100).stream());
    while let Some(customer) = customers.next().await {
        let _customer = customer?;
    }
    let orgs: Vec<_> = client.organizations().list().stream().try_collect().await?;
    assert_eq!(orgs.len(), 1);

    let metadata = serde_json::from_value(serde_json::json!({"plan": "pro", "tier": ["gold", "silver"]}))?;
    let _page = client.customers().list().organization_id([org_id]).metadata(metadata).await?;
    Ok(())
}

#[tokio::test]
async fn readme_options_and_streams_run() {
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
    Mock::given(method("POST"))
        .and(path("/v1/organizations/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(organization_json(1, "A", "a")))
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
    options_and_streams(&server.uri()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let last = requests.last().unwrap();
    assert_eq!(
        last.url.query(),
        Some(
            "organization_id=00000000-0000-4000-8000-000000000002\
             &metadata%5Bplan%5D=pro&metadata%5Btier%5D=gold&metadata%5Btier%5D=silver"
        )
    );
}

/// "Updates (PATCH) and `polar::Patch`".
#[tokio::test]
async fn readme_patch_sends_only_what_it_names() {
    let server = MockServer::start().await;
    let customer_id = uuid(7);
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/customers/{customer_id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(7, "j@example.com")))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);

    let update = CustomerUpdate { name: Patch::Value("Jane Q. Doe".into()), tax_id: Patch::Null, ..Default::default() };
    client.customers().update(customer_id, update).await.unwrap();

    // The `From` conversions give the same states.
    let update = CustomerUpdate {
        name: "Jane Q. Doe".to_owned().into(),
        tax_id: Patch::from(None::<String>),
        ..Default::default()
    };
    client.customers().update(customer_id, update).await.unwrap();

    // Nothing set: an empty object.
    client.customers().update(customer_id, CustomerUpdate::default()).await.unwrap();

    let bodies: Vec<String> =
        server.received_requests().await.unwrap().iter().map(|r| String::from_utf8(r.body.clone()).unwrap()).collect();
    assert_eq!(bodies, [r#"{"name":"Jane Q. Doe","tax_id":null}"#, r#"{"name":"Jane Q. Doe","tax_id":null}"#, "{}",]);
    assert!(Patch::<String>::default().is_absent());
    assert_eq!(Patch::from(Some(1)).as_value(), Some(&1));
}

/// "Webhooks" (compile-only: the signature flow is tested in
/// `webhooks_events.rs`).
#[allow(dead_code)]
fn readme_webhooks(secret: String, headers: http::HeaderMap, body_bytes: bytes::Bytes) -> Result {
    use polar::webhooks::{WebhookEvent, WebhookVerifier};

    let verifier = WebhookVerifier::new(&secret)?;
    let event: WebhookEvent = verifier.verify_and_decode(&headers, &body_bytes)?;
    println!("{}", event.event_type());
    Ok(())
}

/// "Status and headers": the receipt enum. Returns what the snippet printed.
async fn readme_receipt(client: &Client, order_id: uuid::Uuid) -> Result<String> {
    use polar::client::OrdersReceiptResponse;

    let printed = match client.orders().receipt(order_id).await? {
        OrdersReceiptResponse::Ok(receipt) => format!("download {}", receipt.url),
        OrdersReceiptResponse::Accepted => "not ready yet, ask again later".to_owned(),
    };
    Ok(printed)
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
    assert_eq!(readme_receipt(&client, uuid(1)).await.unwrap(), "not ready yet, ask again later");
    assert_eq!(readme_receipt(&client, uuid(2)).await.unwrap(), "download https://r/1.pdf");
}
