//! The client in a real integration, against local HTTP servers (wiremock, or a raw
//! TCP server for what wiremock cannot do: never answering, chunked bodies):
//! customer-portal tokens, errors a person can act on, bounded memory, the total
//! time budget, page streams and configuration from the environment.

#[path = "client_support.rs"]
mod support;

use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use polar::{ApiErrorBody, Client, ErrorKind, RetryPolicy};
use serde_json::json;
use support::{client, organization_json, page_json, uuid, TOKEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MIB: usize = 1024 * 1024;

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("request recording is on")
}

fn authorization(req: &wiremock::Request) -> Option<String> {
    req.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned())
}

/// A raw HTTP server on 127.0.0.1 that reads each request and answers with `response`
/// (or never answers when `None`); returns its URL.
async fn raw_server(response: Option<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                match response {
                    Some(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    url
}

// ---- 1. customer-portal tokens ---------------------------------------------------

#[tokio::test]
async fn access_token_per_request_replaces_the_organization_token_and_keeps_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/customers/me"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = Client::builder().access_token(TOKEN).base_url(server.uri()).build().unwrap();
    let start = Instant::now();
    let err = client
        .customer_portal()
        .customers()
        .get()
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .access_token("polar_cst_CUSTOMER")
        .await
        .unwrap_err();
    // The timeout set before the token still applies (a raw `Authorization` header
    // through `.options(..)` used to reset it).
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(authorization(&requests[0]).as_deref(), Some("Bearer polar_cst_CUSTOMER"));
}

#[tokio::test]
async fn with_access_token_clients_answer_customers_concurrently() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/customers/me"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "ResourceNotFound", "detail": "x"})))
        .mount(&server)
        .await;
    let org = client(&server);
    let alice = org.with_access_token("polar_cst_ALICE").unwrap();
    let bob = org.with_access_token("polar_cst_BOB").unwrap();
    let (a, b, o) = tokio::join!(
        alice.customer_portal().customers().get().send(),
        bob.customer_portal().customers().get().send(),
        org.customer_portal().customers().get().send(),
    );
    assert!(a.is_err() && b.is_err() && o.is_err());
    let mut tokens: Vec<String> = received(&server).await.iter().filter_map(authorization).collect();
    tokens.sort();
    assert_eq!(tokens, ["Bearer polar_cst_ALICE", "Bearer polar_cst_BOB", &format!("Bearer {TOKEN}")]);
    // Same pool and configuration: the customer clients still point at the server.
    assert_eq!(alice.base_url(), org.base_url());
    assert!(!format!("{alice:?}").contains("ALICE"));
}

#[tokio::test]
async fn access_token_is_never_sent_to_a_public_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/organizations/acme"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "ResourceNotFound", "detail": "x"})))
        .mount(&server)
        .await;
    let _ = client(&server).customer_portal().organizations().get("acme").access_token("polar_cst_X").await;
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(authorization(&requests[0]), None);
}

#[tokio::test]
async fn an_invalid_per_request_token_fails_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server).customer_portal().customers().get().access_token("a\nb").await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{err:?}");
    assert!(!err.to_string().contains("a\nb"));
    assert!(received(&server).await.is_empty());
}

// ---- 2. configuration from the environment -------------------------------------------

#[tokio::test]
async fn from_env_reads_the_token_base_url_and_organization() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "ResourceNotFound", "detail": "x"})))
        .mount(&server)
        .await;
    // The only test of this binary that touches these variables.
    std::env::set_var("POLAR_ACCESS_TOKEN", "polar_oat_FROM_ENV");
    std::env::set_var("POLAR_SERVER", "sandbox");
    std::env::set_var("POLAR_BASE_URL", server.uri());
    std::env::set_var("POLAR_ORGANIZATION_ID", "1dbfc517-0bbf-4301-9ba8-555ca42b9737");
    let client = Client::from_env();
    for name in ["POLAR_ACCESS_TOKEN", "POLAR_SERVER", "POLAR_BASE_URL", "POLAR_ORGANIZATION_ID"] {
        std::env::remove_var(name);
    }
    let client = client.unwrap();
    assert_eq!(client.base_url(), server.uri());
    let _ = client.customers().get(uuid(1)).await;
    let requests = received(&server).await;
    assert_eq!(authorization(&requests[0]).as_deref(), Some("Bearer polar_oat_FROM_ENV"));
    assert_eq!(requests[0].headers["polar-organization"], "1dbfc517-0bbf-4301-9ba8-555ca42b9737");
    let err = Client::builder().organization_id("bad\nid").build().unwrap_err();
    assert!(matches!(err, polar::BuildError::InvalidHeader(ref name) if name == "Polar-Organization"), "{err:?}");
}

// ---- 3. errors a person can act on ---------------------------------------------------

#[tokio::test]
async fn documented_401_with_an_oauth_body_is_an_api_error_that_says_what_to_check() {
    let server = MockServer::start().await;
    let body = json!({
        "error": "invalid_token",
        "error_description": "The access token provided is expired, revoked, malformed, or invalid for other reasons."
    });
    Mock::given(method("GET"))
        .and(path(format!("/v1/license-keys/{}", uuid(1))))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", "Bearer error=\"invalid_token\"")
                .set_body_json(&body),
        )
        .mount(&server)
        .await;
    let err = client(&server).license_keys().get(uuid(1)).await.unwrap_err();
    match err.kind() {
        ErrorKind::Api { status, headers, body: ApiErrorBody::Unrecognized { .. }, raw } => {
            assert_eq!(status.as_u16(), 401);
            assert!(headers.contains_key("www-authenticate"));
            assert_eq!(serde_json::from_slice::<serde_json::Value>(raw).unwrap(), body);
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "license_keys:get: HTTP 401 Unauthorized: invalid_token: The access token provided is expired, revoked"
        ),
        "{shown}"
    );
    assert!(shown.contains("sandbox and production"), "{shown}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn debug_of_a_huge_html_error_is_clipped() {
    let server = MockServer::start().await;
    let html = format!("<html>{}</html>", "x".repeat(5 * MIB));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(html.clone(), "text/html"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).retry(RetryPolicy::none()).build().unwrap();
    let err = client.organizations().get(uuid(1)).await.unwrap_err();
    let debug = format!("{err:?}");
    assert!(debug.len() < 4096, "Debug is {} chars", debug.len());
    assert!(debug.contains(&format!("{} of {} bytes not shown", html.len() - 512, html.len())), "{debug}");
    assert_eq!(err.raw_body().map(|b| b.len()), Some(html.len()), "the bytes stay available");
    assert_eq!(err.to_string(), "organizations:get: HTTP 500 Internal Server Error (undocumented status)");
}

#[tokio::test]
async fn retryable_errors_say_when_to_try_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).retry(RetryPolicy::none()).build().unwrap();
    let err = client.organizations().get(uuid(1)).await.unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
}

// ---- 4. bounded memory ---------------------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_a_clear_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/export"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b'a'; 2 * MIB], "text/csv"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).max_response_size(MIB).build().unwrap();
    assert_eq!(Client::builder().build().unwrap().max_response_size(), polar::runtime::DEFAULT_MAX_RESPONSE_SIZE);
    let err = client.customers().export().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ResponseTooLarge { limit, .. } if *limit == MIB), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.to_string().contains("larger than the limit of 1048576 bytes"), "{err}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_while_reading() {
    // No Content-Length: the limit is found while reading.
    let mut response = b"HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..48 {
        response.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        response.extend_from_slice(&chunk);
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"0\r\n\r\n");
    let url = raw_server(Some(response)).await;
    let client = Client::builder().base_url(&url).max_response_size(MIB).build().unwrap();
    let err = client.customers().export().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ResponseTooLarge { .. }), "{err:?}");
    // Under the limit, the same body is read whole.
    let client = Client::builder().base_url(&url).max_response_size(4 * MIB).build().unwrap();
    assert_eq!(client.customers().export().await.unwrap().len(), 48 * 64 * 1024);
}

#[tokio::test]
async fn csv_export_streams_its_body_whatever_the_limit() {
    let server = MockServer::start().await;
    let csv: Vec<u8> = (0..3 * MIB).map(|i| b"abc,\n"[i % 5]).collect();
    Mock::given(method("GET"))
        .and(path("/v1/orders/export"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv.clone(), "text/csv"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).max_response_size(MIB).build().unwrap();
    let stream = client.orders().export().bytes_stream().await.unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(stream.headers()["content-type"], "text/csv");
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
    assert!(chunks.len() > 1, "read in chunks");
    assert_eq!(chunks.concat(), csv);
}

#[tokio::test]
async fn csv_export_stream_reports_error_statuses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(418).set_body_json(json!({"detail": "short and stout"})))
        .mount(&server)
        .await;
    let err = client(&server).customers().export().bytes_stream().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert!(err.to_string().ends_with(": short and stout"), "{err}");
}

// ---- 5. total time budget ---------------------------------------------------------------

#[tokio::test]
async fn max_elapsed_bounds_the_whole_request_against_a_server_that_never_answers() {
    let url = raw_server(None).await;
    let retry = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(10))
        .max_elapsed(Duration::from_millis(450));
    let client = Client::builder().base_url(&url).timeout(Duration::from_millis(300)).retry(retry).build().unwrap();
    let start = Instant::now();
    let err = client.organizations().get(uuid(1)).await.unwrap_err();
    let elapsed = start.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    // Two attempts of 300 ms each would take 600 ms; the second is cut to what remains.
    assert!(elapsed >= Duration::from_millis(440), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(580), "{elapsed:?}");
}

#[tokio::test]
async fn a_budget_shorter_than_the_timeout_cuts_the_first_attempt() {
    let url = raw_server(None).await;
    let retry = RetryPolicy::default().max_elapsed(Duration::from_millis(200));
    let client = Client::builder().base_url(&url).timeout(Duration::from_secs(5)).retry(retry).build().unwrap();
    let start = Instant::now();
    let err = client.organizations().get(uuid(1)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() < Duration::from_millis(1000), "{:?}", start.elapsed());
}

// ---- 7. page streams --------------------------------------------------------------------

#[tokio::test]
async fn pages_show_total_count_and_page_boundaries() {
    let server = MockServer::start().await;
    for (page, items) in [
        (1, vec![organization_json(1, "A", "a"), organization_json(2, "B", "b")]),
        (2, vec![organization_json(3, "C", "c")]),
    ] {
        Mock::given(method("GET"))
            .and(path("/v1/organizations/"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_json(items, 3, 2)))
            .mount(&server)
            .await;
    }
    let pages: Vec<_> = client(&server).organizations().list().limit(2).pages().try_collect().await.unwrap();
    let shape: Vec<(usize, i64)> = pages.iter().map(|p| (p.items.len(), p.pagination.total_count)).collect();
    assert_eq!(shape, [(2, 3), (1, 3)]);
    let first: Vec<_> = client(&server).organizations().list().pages().take(1).try_collect().await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(received(&server).await.len(), 3);
}

// ---- 6. big bodies without ceremony -------------------------------------------------------

#[tokio::test]
async fn union_arms_and_metadata_values_convert_with_into() {
    use polar::models::{BenefitCreate, BenefitCustomCreate, BenefitCustomCreateProperties, MetadataValue};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/benefits/"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let mut custom = BenefitCustomCreate::new("Discord role", BenefitCustomCreateProperties::default());
    custom.metadata = Some(
        [
            ("plan", MetadataValue::from("pro")),
            ("owner", String::from("ops").into()),
            ("seats", 5_i64.into()),
            ("ratio", 0.5.into()),
            ("beta", true.into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    );
    // No `Box::new`: the arm's payload converts into the union.
    let body: BenefitCreate = custom.into();
    assert!(matches!(&body, BenefitCreate::Custom(_)));
    let _ = client(&server).benefits().create(body).send().await;
    let requests = received(&server).await;
    let sent: serde_json::Value = serde_json::from_slice(&requests.last().expect("one request").body).unwrap();
    assert_eq!(sent["type"], "custom");
    assert_eq!(sent["metadata"], json!({"beta": true, "owner": "ops", "plan": "pro", "ratio": 0.5, "seats": 5}));
}
