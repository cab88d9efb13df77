//! The client against servers that misbehave the way gateways, proxies and buggy
//! deployments do: huge error messages, success statuses with bodies of the wrong kind,
//! pages that repeat, slow 503s that exhaust the time budget, redirect loops. Each test
//! checks that the caller gets an honest, bounded error. Everything runs against
//! wiremock on 127.0.0.1.

#[path = "client_support.rs"]
mod support;

use std::time::Duration;

use futures_util::StreamExt;
use polar::models::Customer;
use polar::{ApiErrorBody, Client, ErrorKind, RetryPolicy};
use serde_json::json;
use support::{client, customer_json, fast_retry, organization_json, page_json, uuid};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// No rendering of an error may grow with the response: a log line stays a log line.
const RENDERING_LIMIT: usize = 4096;

#[tokio::test]
async fn a_documented_error_with_a_megabyte_of_text_renders_clipped() {
    let server = MockServer::start().await;
    let huge = "x".repeat(1 << 20);
    let id = uuid(1);
    Mock::given(path(format!("/v1/customers/{id}")))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"error": "ResourceNotFound", "detail": huge.clone()})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "detail": [{"type": "value_error", "loc": ["body", "email"], "msg": huge.clone(), "input": huge.clone()}]
        })))
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client.customers().get(id).await.unwrap_err();
    // The body did decode: the typed detail holds the whole megabyte...
    let Some(ApiErrorBody::ResourceNotFound(not_found)) = err.api_body() else { panic!("{err}") };
    assert_eq!(not_found.detail.len(), 1 << 20);
    // ...and no rendering shows more than a few hundred bytes of it.
    for shown in [format!("{err:?}"), format!("{err:#?}"), format!("{:?}", err.kind()), err.to_string()] {
        assert!(shown.len() < RENDERING_LIMIT, "{} bytes: {}…", shown.len(), &shown[..300]);
    }
    assert!(format!("{err:?}").contains("clipped at 512 bytes"), "{err:?}");

    let body = polar::models::CustomerIndividualCreate::new("a@example.com");
    let err = client.customers().create(body.into()).await.unwrap_err();
    assert!(matches!(err.api_body(), Some(ApiErrorBody::HttpValidationError(_))), "{err}");
    for shown in [format!("{err:?}"), err.to_string()] {
        assert!(shown.len() < RENDERING_LIMIT, "{} bytes", shown.len());
    }
}

#[tokio::test]
async fn a_success_whose_body_is_not_an_object_is_a_decode_error() {
    let id = uuid(1);
    for body in ["null", "[]", "42", r#""Service temporarily unavailable""#, r#"{"detail": "no tag here"}"#] {
        let server = MockServer::start().await;
        Mock::given(path(format!("/v1/customers/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        let err = client(&server).customers().get(id).await.expect_err(body);
        assert_eq!(err.operation(), "customers:get", "{body}");
        let ErrorKind::Decode { status, path, .. } = err.kind() else { panic!("{body}: {err:?}") };
        assert_eq!((status.as_u16(), path.as_str()), (200, "."), "{body}: {err}");
        assert!(err.to_string().starts_with("customers:get: cannot decode HTTP 200 OK response body"), "{err}");
    }
    // An object with a tag this crate does not know is a newer kind of customer: kept.
    let server = MockServer::start().await;
    let mut newer = customer_json(1, "a@example.com");
    newer["type"] = json!("robot");
    Mock::given(path(format!("/v1/customers/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(newer.clone()))
        .mount(&server)
        .await;
    let customer = client(&server).customers().get(id).await.unwrap();
    assert_eq!(customer, Customer::Unknown(newer));
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number_stops_the_stream() {
    let server = MockServer::start().await;
    // The same two organizations for every page, and a last page far away.
    let same = page_json(vec![organization_json(1, "A", "a"), organization_json(2, "B", "b")], 200_000, 100_000);
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(same))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).organizations().list().stream().collect().await;
    assert_eq!(items.len(), 3, "two items, then the error");
    let err = items[2].as_ref().unwrap_err();
    let ErrorKind::Pagination { page, .. } = err.kind() else { panic!("{err:?}") };
    assert_eq!(*page, 2);
    assert_eq!(
        err.to_string(),
        "organizations:list: pagination stopped at page 2: the server sent the same 2 items as for page 1; it \
         seems to ignore the page number"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    // `pages()` stops the same way.
    let pages: Vec<_> = client(&server).organizations().list().pages().collect().await;
    assert_eq!(pages.len(), 2);
    assert!(matches!(pages[1].as_ref().unwrap_err().kind(), ErrorKind::Pagination { page: 2, .. }));
}

#[tokio::test]
async fn more_items_than_the_total_count_stops_the_stream() {
    let server = MockServer::start().await;
    // Every page is new, but the server says there are 3 customers in all.
    for page in 1..=5_u64 {
        let items = vec![customer_json(2 * page, "a@example.com"), customer_json(2 * page + 1, "b@example.com")];
        Mock::given(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_json(items, 3, 1000)))
            .mount(&server)
            .await;
    }
    let items: Vec<_> = client(&server).customers().list().stream().collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    let err = items[2].as_ref().unwrap_err();
    assert!(
        err.to_string().ends_with("4 items received, more than the 3 the server reports in all (its pages overlap)"),
        "{err}"
    );
}

#[tokio::test]
async fn a_budget_that_runs_out_during_slow_503s_keeps_the_last_status() {
    let server = MockServer::start().await;
    let id = uuid(1);
    Mock::given(path(format!("/v1/customers/{id}")))
        .respond_with(
            ResponseTemplate::new(503).insert_header("retry-after", "0").set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let policy = fast_retry().max_retries(20).max_elapsed(Duration::from_secs(1));
    let err = client(&server).customers().get(id).retry(policy).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.last_status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert_eq!(
        err.to_string(),
        "customers:get: request timed out (the time budget of 1s ran out; the last response was HTTP 503 Service \
         Unavailable, Retry-After: 0)"
    );
    // A timeout without any answer before says only that.
    let silent = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&silent)
        .await;
    let policy = RetryPolicy::none().max_elapsed(Duration::from_millis(300));
    let err = client(&silent).customers().get(id).retry(policy).await.unwrap_err();
    assert_eq!(err.last_status(), None);
    assert_eq!(err.to_string(), "customers:get: request timed out (the time budget of 300ms ran out)");
}

#[tokio::test]
async fn an_invalid_header_name_is_escaped_in_the_error() {
    let server = MockServer::start().await;
    let err = Client::builder().base_url(server.uri()).header("x-a\r\nx-injected: 1", "v").build().unwrap_err();
    let shown = err.to_string();
    assert_eq!(shown, r"invalid default header `x-a\r\nx-injected: 1`");
    assert!(!shown.contains(['\r', '\n']));
}

#[tokio::test]
async fn a_redirect_loop_says_so() {
    let server = MockServer::start().await;
    let id = uuid(1);
    let start = format!("/v1/customers/{id}");
    Mock::given(path(start.clone()))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/elsewhere"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/elsewhere"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", start.as_str()))
        .mount(&server)
        .await;
    let err = client(&server).customers().get(id).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Transport(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "customers:get: too many redirects (the request to {}{start} was redirected in a loop or too often)",
            server.uri()
        )
    );
}

#[test]
fn a_whsec_secret_that_is_not_base64_is_accepted_with_its_raw_key() {
    // The simulated Polar deliveries for such secrets are posted through a real server
    // by `webhooks_axum.rs`; here, the constructor alone.
    for secret in ["whsec_my-endpoint-secret", "whsec_c2Vj$cmV0", "whsec_"] {
        let verifier = polar::webhooks::WebhookVerifier::new(secret).expect(secret);
        let raw = polar::webhooks::WebhookVerifier::from_raw_secret(secret).unwrap();
        assert_eq!(verifier.sign("msg_1", 1, b"{}"), raw.sign("msg_1", 1, b"{}"), "{secret}");
    }
}
