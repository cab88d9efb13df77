//! The four operations of Polar's API reference that users start with, checked
//! on the wire against a real HTTP server (wiremock on 127.0.0.1): method,
//! path, query, headers and body are asserted exactly.

#[path = "client_support.rs"]
mod support;

use std::collections::BTreeMap;

use futures_util::StreamExt;
use polar::models::{
    AddressInput, Customer, CustomerCreate, CustomerIndividualCreate, OrganizationCreate, OrganizationSortProperty,
    UserUpdateCountry,
};
use serde_json::json;
use support::{
    assert_standard_headers, client, customer_json, organization_json, page_json, portal_organization_json, uuid,
};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The only request the server received.
async fn single_request(server: &MockServer) -> wiremock::Request {
    let mut received = server.received_requests().await.expect("recording on");
    assert_eq!(received.len(), 1, "exactly one request: {received:?}");
    received.remove(0)
}

/// A metadata map of whatever value type the generated model uses.
fn metadata<V: serde::de::DeserializeOwned>(value: serde_json::Value) -> BTreeMap<String, V> {
    serde_json::from_value(value).expect("valid metadata")
}

// ---- 1. Create Organization: POST /v1/organizations/ ------------------------

#[tokio::test]
async fn create_organization_sends_exactly_name_and_slug() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/"))
        .and(header("content-type", "application/json"))
        .and(body_string(r#"{"name":"Acme","slug":"acme"}"#))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req_1")
                .set_body_json(organization_json(1, "Acme", "acme")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let created =
        client.organizations().create(OrganizationCreate::new("Acme", "acme")).send_with_response().await.unwrap();
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(created.headers["x-request-id"], "req_1");
    let org = created.into_body();
    assert_eq!(org.id, uuid(1));
    assert_eq!(org.name, "Acme");
    assert_eq!(org.slug, "acme");

    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/v1/organizations/");
    assert_eq!(req.url.query(), None);
    assert_standard_headers(&req, true, Some("application/json"));
    assert_eq!(req.headers["content-type"], "application/json");
    // No optional field is serialized, not even as `null`.
    assert_eq!(std::str::from_utf8(&req.body).unwrap(), r#"{"name":"Acme","slug":"acme"}"#);
}

// ---- 2. List Organizations: GET /v1/organizations/ ----------------------------

#[tokio::test]
async fn list_organizations_sends_filters_as_exact_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .and(query_param("slug", "acme"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(
            vec![organization_json(1, "Acme", "acme")],
            11,
            6,
        )))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let list = client
        .organizations()
        .list()
        .slug("acme")
        .page(2)
        .limit(10)
        .sorting([OrganizationSortProperty::MinusCreatedAt, OrganizationSortProperty::Name])
        .await
        .unwrap();
    assert_eq!(list.items.len(), 1);
    assert_eq!(list.items[0].slug, "acme");
    assert_eq!(list.pagination.total_count, 11);
    assert_eq!(list.pagination.max_page, 6);

    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/v1/organizations/");
    assert_eq!(req.url.query(), Some("slug=acme&page=2&limit=10&sorting=-created_at&sorting=name"));
    assert_standard_headers(&req, true, Some("application/json"));
    assert!(req.headers.get("content-type").is_none());
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn list_organizations_without_parameters_sends_no_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![], 0, 0)))
        .expect(1)
        .mount(&server)
        .await;
    let list = client(&server).organizations().list().await.unwrap();
    assert!(list.items.is_empty());
    let req = single_request(&server).await;
    assert_eq!(req.url.query(), None);
}

#[tokio::test]
async fn list_organizations_stream_yields_every_item_of_three_pages_in_order() {
    let server = MockServer::start().await;
    let pages = [vec![(1, "a"), (2, "b")], vec![(3, "c"), (4, "d")], vec![(5, "e")]];
    for (i, orgs) in pages.iter().enumerate() {
        let page = i + 1;
        let items = orgs.iter().map(|(n, slug)| organization_json(*n, &slug.to_uppercase(), slug)).collect();
        Mock::given(method("GET"))
            .and(path("/v1/organizations/"))
            .and(query_param("page", page.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_json(items, 5, 3)))
            .expect(1)
            .mount(&server)
            .await;
    }
    // A fourth page exists on the server, but max_page = 3 says not to read it.
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .and(query_param("page", "4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![organization_json(6, "F", "f")], 6, 4)))
        .expect(0)
        .mount(&server)
        .await;

    let client = client(&server);
    let stream = client.organizations().list().limit(2).sorting([OrganizationSortProperty::Slug]).stream();
    let slugs: Vec<String> = stream.map(|org| org.expect("every page decodes").slug).collect().await;
    assert_eq!(slugs, ["a", "b", "c", "d", "e"]);

    let received = server.received_requests().await.unwrap();
    let queries: Vec<_> = received.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect();
    assert_eq!(queries, ["page=1&limit=2&sorting=slug", "page=2&limit=2&sorting=slug", "page=3&limit=2&sorting=slug",]);
    for req in &received {
        assert_eq!(req.method.as_str(), "GET");
        assert_eq!(req.url.path(), "/v1/organizations/");
        assert_standard_headers(req, true, Some("application/json"));
    }
}

#[tokio::test]
async fn list_organizations_stream_starts_at_the_given_page() {
    let server = MockServer::start().await;
    for page in 2..=3 {
        Mock::given(method("GET"))
            .and(query_param("page", page.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_json(
                vec![organization_json(page, "X", &format!("p{page}"))],
                3,
                3,
            )))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let slugs: Vec<String> =
        client.organizations().list().page(2).stream().map(|org| org.unwrap().slug).collect().await;
    assert_eq!(slugs, ["p2", "p3"]);
}

// ---- 3. Get the customer portal's organization: GET /v1/customer-portal/organizations/{slug}

#[tokio::test]
async fn get_portal_organization_by_slug() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/organizations/acme"))
        .respond_with(ResponseTemplate::new(200).set_body_json(portal_organization_json("acme")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let data = client.customer_portal().organizations().get("acme").await.unwrap();
    assert_eq!(data.organization.slug, "acme");
    assert_eq!(data.organization.name, "Acme");
    assert!(data.products.is_empty());

    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/v1/customer-portal/organizations/acme");
    assert_eq!(req.url.query(), None);
    // The spec declares no security for this public endpoint, so the client
    // does not send its access token there.
    assert_standard_headers(&req, false, Some("application/json"));
    assert!(req.body.is_empty());
}

// ---- 4. Create Customer: POST /v1/customers/ ----------------------------------

#[tokio::test]
async fn create_customer_sends_exact_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(customer_json(7, "jane@example.com")))
        .expect(1)
        .mount(&server)
        .await;

    let mut address = AddressInput::new(UserUpdateCountry::Us);
    address.line1 = Some("1 Main St".into());
    address.postal_code = Some("94105".into());
    address.city = Some("San Francisco".into());
    address.state = Some("US-CA".into());
    let mut customer = CustomerIndividualCreate::new("jane@example.com");
    customer.external_id = Some("usr_1337".into());
    customer.name = Some("Jane Doe".into());
    customer.billing_address = Some(address);
    // The metadata value union's generated name has changed between
    // regenerations (`MetadataOutputTypeValue`, `EventMetadataInputValue`):
    // build it through serde so that this test does not depend on it.
    customer.metadata = Some(metadata(json!({"plan": "pro", "seats": 5, "beta": true})));

    let client = client(&server);
    let created = client.customers().create(CustomerCreate::Individual(Box::new(customer))).await.unwrap();
    let Customer::Individual(created) = created else {
        panic!("expected an individual customer, got {created:?}");
    };
    assert_eq!(created.id, uuid(7));
    assert_eq!(created.email, "jane@example.com");
    assert_eq!(created.external_id.as_deref(), Some("usr_1337"));

    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/v1/customers/");
    assert_eq!(req.url.query(), None);
    assert_standard_headers(&req, true, Some("application/json"));
    assert_eq!(req.headers["content-type"], "application/json");
    let expected = concat!(
        r#"{"type":"individual","#,
        r#""metadata":{"beta":true,"plan":"pro","seats":5},"#,
        r#""external_id":"usr_1337","#,
        r#""name":"Jane Doe","#,
        r#""billing_address":{"line1":"1 Main St","postal_code":"94105","#,
        r#""city":"San Francisco","state":"US-CA","country":"US"},"#,
        r#""email":"jane@example.com"}"#,
    );
    assert_eq!(std::str::from_utf8(&req.body).unwrap(), expected);
    // The same, as JSON: nothing else is serialized.
    let sent: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        sent,
        json!({
            "type": "individual",
            "metadata": {"beta": true, "plan": "pro", "seats": 5},
            "external_id": "usr_1337",
            "name": "Jane Doe",
            "billing_address": {
                "line1": "1 Main St",
                "postal_code": "94105",
                "city": "San Francisco",
                "state": "US-CA",
                "country": "US"
            },
            "email": "jane@example.com"
        })
    );
}
