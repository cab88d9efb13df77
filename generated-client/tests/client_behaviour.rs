//! How the generated client behaves on the wire: every error kind, retries,
//! timeouts, pagination edge cases, parameter encoding, non-JSON bodies and
//! credential redaction. Everything runs against wiremock on 127.0.0.1 with
//! millisecond backoffs.

#[path = "client_support.rs"]
mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use polar::client::OrdersReceiptResponse;
use polar::models::{
    AuthorizationCodeTokenRequest, CustomerCreate, CustomerIndividualCreate, IntrospectTokenRequest, Oauth2TokenBody,
    OrderExportColumn, OrderStatus, OrganizationCreate, RevokeTokenRequest,
};
use polar::runtime::{HeaderName, HeaderValue};
use polar::{ApiErrorBody, Client, ErrorKind, RequestOptions, RetryPolicy, Server};
use serde_json::json;
use support::{
    client, closed_port, customer_json, fast_retry, organization_json, page_json, portal_organization_json, uuid, TOKEN,
};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording on")
}

// ---- documented and undocumented error statuses -------------------------------

#[tokio::test]
async fn status_422_is_a_typed_http_validation_error() {
    let server = MockServer::start().await;
    let body = json!({"detail": [{
        "loc": ["body", "email", 0],
        "msg": "value is not a valid email address",
        "type": "value_error",
        "input": "nope"
    }]});
    Mock::given(method("POST"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(422).insert_header("x-request-id", "req_422").set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .customers()
        .create(CustomerCreate::Individual(Box::new(CustomerIndividualCreate::new("nope"))))
        .await
        .unwrap_err();
    assert_eq!(err.operation(), "customers:create");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    // The server's message follows the status.
    assert_eq!(
        err.to_string(),
        "customers:create: HTTP 422 Unprocessable Entity: body.email.0: value is not a valid email address"
    );
    match err.kind() {
        ErrorKind::Api { status, headers, body: ApiErrorBody::HttpValidationError(validation), raw } => {
            assert_eq!(status.as_u16(), 422);
            assert_eq!(headers["x-request-id"], "req_422");
            let details = validation.detail.as_ref().expect("details");
            assert_eq!(details.len(), 1);
            assert_eq!(details[0].msg, "value is not a valid email address");
            assert_eq!(details[0].r#type, "value_error");
            assert_eq!(details[0].input, Some(json!("nope")));
            assert_eq!(serde_json::to_value(&details[0].loc).unwrap(), json!(["body", "email", 0]));
            assert_eq!(serde_json::from_slice::<serde_json::Value>(raw).unwrap(), body);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn status_404_is_resource_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "ResourceNotFound", "detail": "Organization not found."})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).customer_portal().organizations().get("missing").await.unwrap_err();
    assert_eq!(err.operation(), "customer_portal:organizations:get");
    match err.api_body() {
        Some(ApiErrorBody::ResourceNotFound(nf)) => {
            assert_eq!(nf.detail, "Organization not found.")
        }
        other => panic!("expected ResourceNotFound, got {other:?} ({err:?})"),
    }
    // A 404 is final: not retried.
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn status_403_is_not_permitted_where_documented_and_unexpected_elsewhere() {
    let server = MockServer::start().await;
    let forbidden = json!({"error": "NotPermitted", "detail": "You cannot delete this file."});
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/files/{}", uuid(3))))
        .respond_with(ResponseTemplate::new(403).set_body_json(&forbidden))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/customers/{}", uuid(3))))
        .respond_with(ResponseTemplate::new(403).set_body_json(&forbidden))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    // `files:delete` documents 403 → NotPermitted.
    let err = client.files().delete(uuid(3)).await.unwrap_err();
    match err.kind() {
        ErrorKind::Api { status, body: ApiErrorBody::NotPermitted(np), .. } => {
            assert_eq!(status.as_u16(), 403);
            assert_eq!(np.detail, "You cannot delete this file.");
        }
        other => panic!("expected NotPermitted, got {other:?}"),
    }

    // `customers:get` documents no 403: the same body stays raw.
    let err = client.customers().get(uuid(3)).await.unwrap_err();
    match err.kind() {
        ErrorKind::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 403);
            assert_eq!(serde_json::from_slice::<serde_json::Value>(body).unwrap(), forbidden);
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_status_418_keeps_status_headers_and_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(418).insert_header("x-why", "teapot").set_body_raw("short and stout", "text/plain"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).organizations().get(uuid(1)).await.unwrap_err();
    assert_eq!(err.operation(), "organizations:get");
    assert_eq!(err.to_string(), "organizations:get: HTTP 418 I'm a teapot (undocumented status)");
    match err.kind() {
        ErrorKind::UnexpectedStatus { status, headers, body } => {
            assert_eq!(status.as_u16(), 418);
            assert_eq!(headers["x-why"], "teapot");
            assert_eq!(headers["content-type"], "text/plain");
            assert_eq!(&body[..], b"short and stout");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_eq!(err.headers().unwrap()["x-why"], "teapot");
    assert_eq!(err.raw_body().map(|b| &b[..]), Some(&b"short and stout"[..]));
    assert!(err.api_body().is_none());
}

#[tokio::test]
async fn documented_status_with_a_malformed_body_is_still_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "ResourceNotFound", "detail": 42})))
        .mount(&server)
        .await;
    let err = client(&server).customers().get(uuid(1)).await.unwrap_err();
    match err.kind() {
        ErrorKind::Api { status, body: ApiErrorBody::Unrecognized { path, .. }, .. } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(path, "detail");
        }
        other => panic!("expected Api with an unrecognized body, got {other:?}"),
    }
    assert_eq!(err.raw_body().map(|b| b.len()), Some(br#"{"detail":42,"error":"ResourceNotFound"}"#.len()));
}

// ---- decoding of success bodies ---------------------------------------------------

#[tokio::test]
async fn malformed_success_body_names_the_json_path_and_keeps_raw_bytes() {
    let server = MockServer::start().await;
    let mut bad = organization_json(2, "B", "b");
    bad["id"] = json!("not-a-uuid");
    let body = serde_json::to_vec(&page_json(vec![organization_json(1, "A", "a"), bad], 2, 1)).unwrap();
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).organizations().list().await.unwrap_err();
    assert_eq!(err.operation(), "organizations:list");
    match err.kind() {
        ErrorKind::Decode { status, path, message, raw } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(path, "items[1].id");
            assert!(message.contains("UUID"), "{message}");
            assert_eq!(&raw[..], &body[..]);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with("organizations:list: cannot decode HTTP 200 OK response body at `items[1].id`: "));
}

/// Inside a union (`Customer` is `individual` | `team`) the path still names
/// the exact field, through the union.
#[tokio::test]
async fn malformed_union_item_names_the_full_json_path() {
    let server = MockServer::start().await;
    let mut bad = customer_json(2, "b@example.com");
    bad["email_verified"] = json!("yes");
    Mock::given(method("GET"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(
            vec![customer_json(1, "a@example.com"), bad],
            2,
            1,
        )))
        .mount(&server)
        .await;
    let err = client(&server).customers().list().await.unwrap_err();
    match err.kind() {
        ErrorKind::Decode { path, message, .. } => {
            assert_eq!(path, "items[1].email_verified", "{message}");
            assert!(message.starts_with("invalid type: string \"yes\", expected a boolean"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn non_json_success_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>oops</html>", "text/html"))
        .mount(&server)
        .await;
    let err = client(&server).organizations().get(uuid(1)).await.unwrap_err();
    match err.kind() {
        ErrorKind::Decode { status, raw, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(&raw[..], b"<html>oops</html>");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

// ---- operations whose success responses differ (200 with a body, 202 without) ----

#[tokio::test]
async fn receipt_decodes_by_status_200_body_202_pending_other_2xx_unexpected() {
    let server = MockServer::start().await;
    let receipt_path = format!("/v1/orders/{}/receipt", uuid(1));
    Mock::given(method("GET"))
        .and(path(receipt_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": "https://files.example/r.pdf"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{}/receipt", uuid(2)).as_str()))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{}/receipt", uuid(3)).as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"url": "x"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{}/receipt", uuid(4)).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"link": "x"})))
        .mount(&server)
        .await;
    let client = client(&server);

    let ready = client.orders().receipt(uuid(1)).await.expect("200 decodes");
    match ready {
        OrdersReceiptResponse::Ok(receipt) => assert_eq!(receipt.url, "https://files.example/r.pdf"),
        other => panic!("expected Ok, got {other:?}"),
    }
    let pending = client.orders().receipt(uuid(2)).send_with_response().await.expect("202 decodes");
    assert_eq!(pending.status.as_u16(), 202);
    assert_eq!(pending.body, OrdersReceiptResponse::Accepted);

    // 201 is not documented for this operation: reported with its status and body.
    let err = client.orders().receipt(uuid(3)).await.unwrap_err();
    assert_eq!(err.operation(), "orders:receipt");
    match err.kind() {
        ErrorKind::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 201);
            assert_eq!(&body[..], br#"{"url":"x"}"#);
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    // A documented status whose body does not fit its variant is a decode error.
    let err = client.orders().receipt(uuid(4)).await.unwrap_err();
    match err.kind() {
        ErrorKind::Decode { status, message, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert!(message.contains("missing field `url`"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    let requests = received(&server).await;
    assert!(requests.iter().all(|r| r.headers.get("accept").is_some_and(|v| v == "application/json")));
}

// ---- timeouts and connection errors ------------------------------------------

#[tokio::test]
async fn timeout_is_reported_and_a_post_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(organization_json(1, "Acme", "acme"))
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .access_token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .retry(fast_retry())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.organizations().create(OrganizationCreate::new("Acme", "acme")).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Timeout), "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(err.to_string(), "organizations:create: request timed out");
    assert!(start.elapsed() < Duration::from_millis(450), "{:?}", start.elapsed());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn timeout_of_a_get_is_retried_within_bounds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let err = client(&server)
        .organizations()
        .get(uuid(1))
        .timeout(Duration::from_millis(50))
        .retry(fast_retry().max_retries(2))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let client = Client::builder()
        .access_token(TOKEN)
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .retry(fast_retry().max_retries(2))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.organizations().create(OrganizationCreate::new("Acme", "acme")).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connect(_)), "{err:?}");
    assert!(err.is_connect());
    assert_eq!(err.status(), None);
    assert_eq!(err.to_string(), "organizations:create: cannot connect to the server");
    assert!(std::error::Error::source(&err).is_some());
    assert!(start.elapsed() < Duration::from_secs(2));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(organization_json(1, "Acme", "acme"))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(&server)
        .await;
    let builder = || Client::builder().access_token(TOKEN).base_url(server.uri()).retry(RetryPolicy::none());

    // Long client timeout, short request timeout: the request's applies.
    let patient = builder().timeout(Duration::from_secs(10)).build().unwrap();
    let err = patient.organizations().get(uuid(1)).timeout(Duration::from_millis(50)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // Without the override the client's timeout is used: it succeeds.
    patient.organizations().get(uuid(1)).await.unwrap();

    // Short client timeout, long request timeout (through RequestOptions).
    let hasty = builder().timeout(Duration::from_millis(50)).build().unwrap();
    let err = hasty.organizations().get(uuid(1)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let org = hasty
        .organizations()
        .get(uuid(1))
        .options(RequestOptions::new().timeout(Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(org.slug, "acme");
}

// ---- retries -----------------------------------------------------------------

/// Mounts `first` for the first `times` requests, then `then` forever.
async fn respond_then(server: &MockServer, first: ResponseTemplate, times: u64, then: ResponseTemplate) {
    Mock::given(wiremock::matchers::any())
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(wiremock::matchers::any()).respond_with(then).mount(server).await;
}

#[tokio::test]
async fn get_is_retried_on_503_without_retry_after() {
    let server = MockServer::start().await;
    respond_then(
        &server,
        ResponseTemplate::new(503),
        2,
        ResponseTemplate::new(200).set_body_json(page_json(vec![], 0, 0)),
    )
    .await;
    let list = client(&server).organizations().list().await.unwrap();
    assert!(list.items.is_empty());
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn retry_after_seconds_is_honoured_even_for_a_post() {
    let server = MockServer::start().await;
    respond_then(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
        ResponseTemplate::new(201).set_body_json(organization_json(1, "Acme", "acme")),
    )
    .await;
    let start = Instant::now();
    let org = client(&server).organizations().create(OrganizationCreate::new("Acme", "acme")).await.unwrap();
    let waited = start.elapsed();
    assert_eq!(org.slug, "acme");
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    // The retry is the same request.
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[0].headers["authorization"], requests[1].headers["authorization"]);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    respond_then(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", at.as_str()),
        1,
        ResponseTemplate::new(200).set_body_json(organization_json(1, "Acme", "acme")),
    )
    .await;
    let start = Instant::now();
    client(&server).organizations().get(uuid(1)).await.unwrap();
    // HTTP dates have one-second resolution: between one and two seconds.
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retries_give_up_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;
    let err = client(&server).organizations().get(uuid(1)).retry(fast_retry().max_retries(2)).await.unwrap_err();
    match err.kind() {
        ErrorKind::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(&body[..], b"bad gateway");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 3, "1 attempt + 2 retries");
}

#[tokio::test]
async fn default_policy_makes_at_most_four_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let err = client(&server).organizations().get(uuid(1)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_returns_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let start = Instant::now();
    let err = client(&server).organizations().get(uuid(1)).await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.headers().unwrap()["retry-after"], "120");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn post_is_not_retried_on_503_without_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let err = client(&server).organizations().create(OrganizationCreate::new("Acme", "acme")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(matches!(err.kind(), ErrorKind::UnexpectedStatus { .. }));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn post_retry_is_opt_in_per_request() {
    let server = MockServer::start().await;
    respond_then(
        &server,
        ResponseTemplate::new(503),
        2,
        ResponseTemplate::new(201).set_body_json(organization_json(1, "Acme", "acme")),
    )
    .await;
    let org = client(&server)
        .organizations()
        .create(OrganizationCreate::new("Acme", "acme"))
        .retry(fast_retry().retry_non_idempotent(true))
        .await
        .unwrap();
    assert_eq!(org.slug, "acme");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn client_wide_opt_in_retries_posts_too() {
    let server = MockServer::start().await;
    respond_then(
        &server,
        ResponseTemplate::new(502),
        1,
        ResponseTemplate::new(201).set_body_json(organization_json(1, "Acme", "acme")),
    )
    .await;
    let client = Client::builder()
        .access_token(TOKEN)
        .base_url(server.uri())
        .retry(fast_retry().retry_non_idempotent(true))
        .build()
        .unwrap();
    client.organizations().create(OrganizationCreate::new("Acme", "acme")).await.unwrap();
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_none_makes_exactly_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let err = client(&server).organizations().list().retry(RetryPolicy::none()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 1);
}

// ---- pagination edge cases -----------------------------------------------------

#[tokio::test]
async fn stream_with_max_page_zero_reads_only_the_first_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(
            vec![organization_json(1, "A", "a"), organization_json(2, "B", "b")],
            2,
            0,
        )))
        .mount(&server)
        .await;
    let client = client(&server);
    let slugs: Vec<String> = client.organizations().list().stream().map(|org| org.unwrap().slug).collect().await;
    assert_eq!(slugs, ["a", "b"]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1, "no second request");
    assert_eq!(requests[0].url.query(), Some("page=1"));
}

#[tokio::test]
async fn stream_ends_after_yielding_the_first_error() {
    let server = MockServer::start().await;
    Mock::given(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![organization_json(1, "A", "a")], 3, 3)))
        .mount(&server)
        .await;
    Mock::given(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<_> = client.organizations().list().stream().collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().slug, "a");
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(received(&server).await.len(), 2, "page 3 is never requested");
}

#[tokio::test]
async fn stream_stops_at_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(
            vec![customer_json(1, "a@example.com")],
            9,
            9,
        )))
        .mount(&server)
        .await;
    Mock::given(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![], 9, 9)))
        .mount(&server)
        .await;
    let client = client(&server);
    let n = client.customers().list().stream().count().await;
    assert_eq!(n, 1);
    assert_eq!(received(&server).await.len(), 2);
}

// ---- parameter encoding -----------------------------------------------------------

#[tokio::test]
async fn path_parameter_is_escaped_into_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(portal_organization_json("x")))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).customer_portal().organizations().get("a/b?c#d%e f").await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/v1/customer-portal/organizations/a%2Fb%3Fc%23d%25e%20f");
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(requests[0].url.fragment(), None);
}

#[tokio::test]
async fn unsafe_path_parameters_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    for slug in ["", ".", ".."] {
        let err = client.customer_portal().organizations().get(slug).await.unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{slug:?}: {err:?}");
        assert_eq!(err.operation(), "customer_portal:organizations:get");
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn deep_object_and_array_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(vec![], 0, 0)))
        .expect(1)
        .mount(&server)
        .await;
    let metadata: BTreeMap<String, _> = serde_json::from_value(json!({
        "plan": "pro & more",
        "seats": 5,
        "tier": ["gold", "silver"],
    }))
    .unwrap();
    client(&server)
        .customers()
        .list()
        .organization_id([uuid(1), uuid(2)])
        .active(true)
        .metadata(metadata)
        .await
        .unwrap();
    let requests = received(&server).await;
    let url = &requests[0].url;
    assert_eq!(
        url.query(),
        Some(concat!(
            "organization_id=00000000-0000-4000-8000-000000000001",
            "&organization_id=00000000-0000-4000-8000-000000000002",
            "&active=true",
            "&metadata%5Bplan%5D=pro%20%26%20more",
            "&metadata%5Bseats%5D=5",
            "&metadata%5Btier%5D=gold",
            "&metadata%5Btier%5D=silver",
        ))
    );
    // As the server decodes it: `metadata[key]=value`, list values repeat the key.
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        pairs[3..],
        [
            pair("metadata[plan]", "pro & more"),
            pair("metadata[seats]", "5"),
            pair("metadata[tier]", "gold"),
            pair("metadata[tier]", "silver"),
        ]
    );
}

#[tokio::test]
async fn csv_export_returns_text_with_array_and_date_filters() {
    let server = MockServer::start().await;
    let csv = "email,created_at,status\r\na@example.com,2025-01-01,paid\r\n";
    Mock::given(method("GET"))
        .and(path("/v1/orders/export"))
        .and(header("accept", "text/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv, "text/csv; charset=utf-8"))
        .expect(1)
        .mount(&server)
        .await;
    let after = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let response = client(&server)
        .orders()
        .export()
        .organization_id([uuid(1), uuid(2)])
        .status([OrderStatus::Paid, OrderStatus::Refunded])
        .created_after(after)
        .columns([OrderExportColumn::Email, OrderExportColumn::CreatedAt, OrderExportColumn::Status])
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(response.body, csv);
    let requests = received(&server).await;
    assert_eq!(
        requests[0].url.query(),
        Some(concat!(
            "organization_id=00000000-0000-4000-8000-000000000001",
            "&organization_id=00000000-0000-4000-8000-000000000002",
            "&status=paid&status=refunded",
            "&created_after=2025-01-01T00%3A00%3A00Z",
            "&columns=email&columns=created_at&columns=status",
        ))
    );
    assert_eq!(requests[0].headers["authorization"], format!("Bearer {TOKEN}").as_str());
}

#[tokio::test]
async fn customers_csv_export() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/export"))
        .and(query_param("organization_id", uuid(1).to_string().as_str()))
        .and(header("accept", "text/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("id,email\n", "text/csv"))
        .expect(1)
        .mount(&server)
        .await;
    let csv: String = client(&server).customers().export().organization_id([uuid(1)]).await.unwrap();
    assert_eq!(csv, "id,email\n");
}

// ---- empty and form bodies ------------------------------------------------------------

#[tokio::test]
async fn no_content_204_returns_unit() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/customers/{}", uuid(5))))
        .respond_with(ResponseTemplate::new(204).insert_header("x-request-id", "del_1"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let unit: () = client.customers().delete(uuid(5)).await.unwrap();
    assert_eq!(unit, ());
    let response = client.customers().delete(uuid(5)).anonymize(true).send_with_response().await.unwrap();
    assert_eq!(response.status.as_u16(), 204);
    assert_eq!(response.headers["x-request-id"], "del_1");
    let requests = received(&server).await;
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(requests[1].url.query(), Some("anonymize=true"));
    // No `Accept` from the operation (there is no response body); reqwest's
    // default `*/*` goes out.
    assert_eq!(requests[0].headers["accept"], "*/*");
    assert!(requests[0].body.is_empty());
}

#[tokio::test]
async fn oauth2_token_revoke_and_introspect_send_form_bodies() {
    let server = MockServer::start().await;
    let form = "application/x-www-form-urlencoded";
    Mock::given(method("POST"))
        .and(path("/v1/oauth2/token"))
        .and(header("content-type", form))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "polar_at_new",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "polar_rt_new",
            "scope": "openid customers:read",
            "id_token": "ey.x.y"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/oauth2/revoke"))
        .and(header("content-type", form))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/oauth2/introspect"))
        .and(header("content-type", form))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "active": true,
            "client_id": "polar_ci_1",
            "token_type": "access_token",
            "scope": "openid",
            "sub_type": "user",
            "sub": "u1",
            "organizations": [],
            "aud": "polar_ci_1",
            "iss": "https://polar.sh",
            "exp": 1_700_000_000,
            "iat": 1_600_000_000
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let token = client
        .oauth2()
        .token(Oauth2TokenBody::AuthorizationCode(AuthorizationCodeTokenRequest::new(
            "polar_ci_1",
            "s3cr&t=",
            "code 1",
            "https://app.example/cb?x=1",
        )))
        .await
        .unwrap();
    assert_eq!(token.access_token, "polar_at_new");
    assert_eq!(token.refresh_token.as_deref(), Some("polar_rt_new"));

    let revoked = client.oauth2().revoke(RevokeTokenRequest::new("polar_at_old", "polar_ci_1", "sec")).await.unwrap();
    assert!(revoked.is_empty());

    let info =
        client.oauth2().introspect(IntrospectTokenRequest::new("polar_at_new", "polar_ci_1", "sec")).await.unwrap();
    assert!(info.active);
    assert_eq!(info.sub, "u1");

    let requests = received(&server).await;
    let bodies: Vec<&str> = requests.iter().map(|r| std::str::from_utf8(&r.body).unwrap()).collect();
    // Fields are sent in declaration order (the `grant_type` tag first).
    assert_eq!(
        bodies,
        [
            "grant_type=authorization_code&client_id=polar_ci_1&client_secret=s3cr%26t%3D\
             &code=code+1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1",
            "token=polar_at_old&client_id=polar_ci_1&client_secret=sec",
            "token=polar_at_new&client_id=polar_ci_1&client_secret=sec",
        ]
    );
    for req in &requests {
        assert_eq!(req.method.as_str(), "POST");
        assert_eq!(req.headers["content-type"], form);
        assert_eq!(req.headers["accept"], "application/json");
        // These endpoints authenticate with the client credentials in the
        // body, never with the client's access token.
        assert!(req.headers.get("authorization").is_none());
    }
}

// ---- responses, options, configuration ------------------------------------------------

#[tokio::test]
async fn send_with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_42")
                .insert_header("x-ratelimit-remaining", "99")
                .set_body_json(organization_json(1, "Acme", "acme")),
        )
        .mount(&server)
        .await;
    let response = client(&server).organizations().get(uuid(1)).send_with_response().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers["x-request-id"], "req_42");
    assert_eq!(response.headers["x-ratelimit-remaining"], "99");
    assert_eq!(response.body.slug, "acme");
    let mapped = response.map(|org| org.name);
    assert_eq!(mapped.into_body(), "Acme");
}

#[tokio::test]
async fn request_options_add_headers_and_default_headers_apply() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-default", "d"))
        .and(header("x-per-request", "p"))
        .respond_with(ResponseTemplate::new(200).set_body_json(organization_json(1, "A", "a")))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().access_token(TOKEN).base_url(server.uri()).header("X-Default", "d").build().unwrap();
    client
        .organizations()
        .get(uuid(1))
        .options(RequestOptions::new().header(HeaderName::from_static("x-per-request"), HeaderValue::from_static("p")))
        .await
        .unwrap();
}

#[tokio::test]
async fn debug_output_never_shows_the_token() {
    let builder = Client::builder().access_token(TOKEN).server(Server::Sandbox);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(!shown.contains("TEST_SECRET"), "{shown}");
    assert!(shown.contains("bearer"), "{shown}");

    // Nor do errors of requests that carried it.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("unauthorized"))
        .mount(&server)
        .await;
    let err = support::client(&server).organizations().get(uuid(1)).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[test]
fn servers_and_base_urls() {
    assert_eq!(Server::Sandbox.url(), "https://sandbox-api.polar.sh");
    assert_eq!(Server::Production.url(), "https://api.polar.sh");
    assert_eq!(Server::default(), Server::Production);
    let default = polar::Polar::builder().build().unwrap();
    assert_eq!(default.base_url(), "https://api.polar.sh");
    let sandbox = Client::builder().server(Server::Sandbox).build().unwrap();
    assert_eq!(sandbox.base_url(), "https://sandbox-api.polar.sh");
    let custom = Client::builder().base_url("http://127.0.0.1:8080/").build().unwrap();
    assert_eq!(custom.base_url(), "http://127.0.0.1:8080");
    let err = Client::builder().base_url("sandbox-api.polar.sh").build().unwrap_err();
    assert!(matches!(err, polar::BuildError::InvalidBaseUrl(_)), "{err:?}");
    assert_eq!(polar::API_VERSION, "2026-10");
}

#[test]
fn futures_and_streams_are_send() {
    fn send<T: Send>(_: &T) {}
    let client = Client::builder().build().unwrap();
    send(&client.organizations().get(uuid(1)).send());
    send(&client.organizations().list().stream());
    send(&std::future::IntoFuture::into_future(client.customers().export()));
}

// ---- the futures operations return ---------------------------------------------

/// Every operation's future is one concrete runtime type that is `Send` (spawnable on
/// a multi-threaded runtime) and `Unpin` (pollable in `select!` without pinning); its
/// status and headers are kept by `send_with_response`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_futures_are_send_and_unpin() {
    fn send_unpin<F: std::future::Future + Send + Unpin>(future: F) -> F {
        future
    }
    let server = MockServer::start().await;
    let id = uuid(7);
    Mock::given(method("GET"))
        .and(path(format!("/v1/customers/{id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "r-1")
                .set_body_json(customer_json(7, "s@example.com")),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let spawned = tokio::spawn({
        let client = client.clone();
        async move { send_unpin(std::future::IntoFuture::into_future(client.customers().get(id))).await }
    });
    let customer = spawned.await.expect("task ran").expect("decoded");
    assert_eq!(serde_json::to_value(&customer).unwrap()["email"], "s@example.com");
    let response = send_unpin(client.customers().get(id).send_with_response()).await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers["x-request-id"], "r-1");
    assert_eq!(response.body, customer);
}
