//! The blocking client (`--features blocking`) against a local wiremock server: several
//! operations of each kind (JSON, pages, a text body read as a stream, an empty body)
//! sent with `send_blocking` and friends from plain threads, the same retries (503, then
//! 200) and timeouts as `.await`, and the refusal inside an async runtime.
#![cfg(feature = "blocking")]

#[path = "client_support.rs"]
mod support;

use std::time::{Duration, Instant};

use polar::{ErrorKind, RetryPolicy};
use serde_json::json;
use support::{client, customer_json, fast_retry, organization_json, page_json, uuid, TOKEN};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A mock server started from a runtime that the test then leaves, so that the blocking
/// calls run on the test's own thread, with no runtime of the caller's.
struct Server {
    runtime: tokio::runtime::Runtime,
    mock: MockServer,
}

impl Server {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let mock = runtime.block_on(MockServer::start());
        Server { runtime, mock }
    }

    fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.mock));
    }

    fn received(&self) -> Vec<wiremock::Request> {
        self.runtime.block_on(self.mock.received_requests()).unwrap()
    }
}

#[test]
fn json_operations_blocking() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path(format!("/v1/organizations/{}", uuid(1))))
            .respond_with(ResponseTemplate::new(200).set_body_json(organization_json(1, "Acme", "acme"))),
    );
    server.mount(
        Mock::given(method("POST"))
            .and(path("/v1/customers/"))
            .respond_with(ResponseTemplate::new(201).set_body_json(customer_json(2, "jane@example.com"))),
    );
    server.mount(Mock::given(method("GET")).and(path(format!("/v1/customers/{}", uuid(3)))).respond_with(
        ResponseTemplate::new(404).set_body_json(json!({"error": "ResourceNotFound", "detail": "Not found"})),
    ));
    let client = client(&server.mock);
    let org = client.organizations().get(uuid(1)).send_blocking().unwrap();
    assert_eq!(org.slug, "acme");
    let body = polar::models::CustomerCreate::Individual(Box::new(polar::models::CustomerIndividualCreate::new(
        "jane@example.com",
    )));
    let created = client.customers().create(body).send_with_response_blocking().unwrap();
    assert_eq!(created.status.as_u16(), 201);
    let polar::models::Customer::Individual(jane) = created.body else { panic!("{:?}", created.body) };
    assert_eq!(jane.email, "jane@example.com");
    // The same typed errors as `.await`.
    let err = client.customers().get(uuid(3)).send_blocking().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(matches!(err.api_body(), Some(polar::ApiErrorBody::ResourceNotFound(_))), "{err:?}");
    let requests = server.received();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.headers["authorization"] == format!("Bearer {TOKEN}").as_str()));
}

#[test]
fn pages_text_streams_and_empty_bodies_blocking() {
    let server = Server::start();
    server.mount(Mock::given(path("/v1/organizations/")).and(query_param("page", "1")).respond_with(
        ResponseTemplate::new(200).set_body_json(page_json(
            vec![organization_json(1, "A", "a"), organization_json(2, "B", "b")],
            3,
            2,
        )),
    ));
    server.mount(
        Mock::given(path("/v1/organizations/")).and(query_param("page", "2")).respond_with(
            ResponseTemplate::new(200).set_body_json(page_json(vec![organization_json(3, "C", "c")], 3, 2)),
        ),
    );
    server.mount(
        Mock::given(path("/v1/customers/export"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("id,email\n1,a@example.com\n", "text/csv")),
    );
    server.mount(
        Mock::given(method("DELETE"))
            .and(path(format!("/v1/customers/{}", uuid(4))))
            .respond_with(ResponseTemplate::new(204)),
    );
    let client = client(&server.mock);
    let slugs: Vec<String> = client.organizations().list().iter_blocking().map(|org| org.unwrap().slug).collect();
    assert_eq!(slugs, ["a", "b", "c"]);
    let pages: Vec<usize> =
        client.organizations().list().pages_blocking().map(|page| page.unwrap().items.len()).collect();
    assert_eq!(pages, [2, 1]);
    let chunks = client.customers().export().bytes_stream_blocking().unwrap();
    let csv: Vec<u8> = chunks.map(|chunk| chunk.unwrap()).flat_map(|chunk| chunk.to_vec()).collect();
    assert_eq!(csv, b"id,email\n1,a@example.com\n");
    let csv = client.customers().export().send_blocking().unwrap();
    assert_eq!(csv, "id,email\n1,a@example.com\n");
    client.customers().delete(uuid(4)).send_blocking().unwrap();
    // Two pages for the items, two for the pages, two exports, one delete: nothing more.
    let sent: Vec<String> = server
        .received()
        .iter()
        .map(|r| format!("{} {}{}", r.method, r.url.path(), r.url.query().map(|q| format!("?{q}")).unwrap_or_default()))
        .collect();
    assert_eq!(
        sent,
        [
            "GET /v1/organizations/?page=1".to_owned(),
            "GET /v1/organizations/?page=2".to_owned(),
            "GET /v1/organizations/?page=1".to_owned(),
            "GET /v1/organizations/?page=2".to_owned(),
            "GET /v1/customers/export".to_owned(),
            "GET /v1/customers/export".to_owned(),
            format!("DELETE /v1/customers/{}", uuid(4)),
        ]
    );
}

#[test]
fn retries_a_503_then_succeeds_blocking() {
    let server = Server::start();
    let get = || Mock::given(method("GET")).and(path(format!("/v1/organizations/{}", uuid(1))));
    server.mount(get().respond_with(ResponseTemplate::new(503)).up_to_n_times(1).with_priority(1));
    server.mount(get().respond_with(ResponseTemplate::new(200).set_body_json(organization_json(1, "Acme", "acme"))));
    let client = client(&server.mock);
    let org = client.organizations().get(uuid(1)).send_blocking().unwrap();
    assert_eq!(org.name, "Acme");
    assert_eq!(server.received().len(), 2, "one retry");

    // A POST is retried after a 503 only with Retry-After, as with `.await`.
    server.mount(
        Mock::given(method("POST"))
            .and(path("/v1/customers/"))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
            .up_to_n_times(1)
            .with_priority(1),
    );
    server.mount(
        Mock::given(method("POST"))
            .and(path("/v1/customers/"))
            .respond_with(ResponseTemplate::new(201).set_body_json(customer_json(2, "jane@example.com"))),
    );
    let body = polar::models::CustomerCreate::Individual(Box::new(polar::models::CustomerIndividualCreate::new(
        "jane@example.com",
    )));
    client.customers().create(body).send_blocking().unwrap();
    assert_eq!(server.received().len(), 4);
}

#[test]
fn times_out_blocking() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)).set_body_json(json!({}))),
    );
    let client = polar::Client::builder()
        .access_token(TOKEN)
        .base_url(server.mock.uri())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.organizations().get(uuid(1)).send_blocking().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Timeout), "{err:?}");
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(200) && took < Duration::from_secs(2), "{took:?}");
    // With retries, the total budget bounds it, and the error says so.
    let retrying = client.organizations().get(uuid(1)).retry(fast_retry().max_elapsed(Duration::from_millis(500)));
    let start = Instant::now();
    let err = retrying.send_blocking().unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
}

#[test]
fn clients_of_several_threads_share_one_runtime() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(organization_json(1, "Acme", "acme"))),
    );
    let client = client(&server.mock);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| client.clone().organizations().get(uuid(1)).send_blocking().map(|org| org.slug)))
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap().unwrap(), "acme");
        }
    });
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn refused_inside_an_async_runtime() {
    let server = MockServer::start().await;
    let client = client(&server);
    let err = client.organizations().get(uuid(1)).send_blocking().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Blocking(_)), "{err:?}");
    assert_eq!(err.operation(), "organizations:get");
    let mut iter = client.organizations().list().iter_blocking();
    let err = iter.next().unwrap().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Blocking(_)), "{err:?}");
    assert_eq!(err.operation(), "organizations:list");
    assert!(iter.next().is_none());
    // Inside `spawn_blocking` too (the thread has entered the runtime): `.await` there.
    let client2 = client.clone();
    let err = tokio::task::spawn_blocking(move || client2.organizations().get(uuid(1)).send_blocking())
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Blocking(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}
