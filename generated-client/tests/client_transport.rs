//! The transport seam: every attempt goes through `runtime::Transport`, so a transport of
//! the caller's sees exactly what the client decided (headers, credentials, body, which
//! operation and attempt) and what it returns is decoded, retried and limited exactly like
//! a `reqwest` response. Layers wrap the default `reqwest` transport against wiremock on
//! 127.0.0.1.

#[path = "client_support.rs"]
mod support;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use polar::runtime::{RequestMeta, ResponseBody, Transport, TransportError, TransportErrorKind, TransportFuture};
use polar::{Client, ErrorKind};
use serde_json::json;
use support::{customer_json, fast_retry, uuid, TOKEN};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What a scripted transport answers to one attempt.
enum Answer {
    Json(u16, serde_json::Value),
    Body(u16, ResponseBody),
    Fail(TransportErrorKind),
    Never,
}

/// A transport that records each request and answers from a script, in order.
#[derive(Debug, Default, Clone)]
struct Scripted {
    seen: Arc<Mutex<Vec<http::Request<Bytes>>>>,
    answers: Arc<Mutex<VecDeque<AnswerBox>>>,
}

struct AnswerBox(Answer);

impl std::fmt::Debug for AnswerBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Answer")
    }
}

impl Scripted {
    fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
        let answers = answers.into_iter().map(AnswerBox).collect();
        Self { seen: Arc::default(), answers: Arc::new(Mutex::new(answers)) }
    }

    fn seen(&self) -> Vec<http::Request<Bytes>> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }

    fn client(&self) -> Client {
        Client::builder().access_token(TOKEN).transport(self.clone()).retry(fast_retry()).build().unwrap()
    }
}

impl Transport for Scripted {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture {
        self.seen.lock().unwrap().push(request);
        let answer = self.answers.lock().unwrap().pop_front().expect("a scripted answer per attempt").0;
        Box::pin(async move {
            let (status, body) = match answer {
                Answer::Json(status, value) => (status, ResponseBody::from(value.to_string())),
                Answer::Body(status, body) => (status, body),
                Answer::Fail(kind) => return Err(TransportError::new(kind, format!("scripted {kind:?}"))),
                Answer::Never => std::future::pending().await,
            };
            let mut response = http::Response::new(body);
            *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
            response.headers_mut().insert("content-type", "application/json".parse().unwrap());
            Ok(response)
        })
    }
}

fn id_of(customer: &polar::models::Customer) -> uuid::Uuid {
    match customer {
        polar::models::Customer::Individual(c) => c.id,
        other => panic!("an individual customer: {other:?}"),
    }
}

fn meta(request: &http::Request<Bytes>) -> RequestMeta {
    *request.extensions().get::<RequestMeta>().expect("every request carries its RequestMeta")
}

#[tokio::test]
async fn a_transport_sees_the_request_the_client_built_and_its_answer_is_decoded() {
    let id = uuid(7);
    let transport = Scripted::new([Answer::Json(200, customer_json(7, "a@example.com"))]);
    let customer = transport.client().customers().get(id).await.unwrap();
    assert_eq!(id_of(&customer), id);

    let [request] = <[_; 1]>::try_from(transport.seen()).unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(request.uri().to_string(), format!("https://api.polar.sh/v1/customers/{id}"));
    assert_eq!(request.headers()["authorization"], format!("Bearer {TOKEN}"));
    assert!(request.headers()["authorization"].is_sensitive());
    assert_eq!(request.headers()["polar-version"], "2026-10");
    assert_eq!(request.headers()["accept"], "application/json");
    assert!(request.body().is_empty());
    let seen = meta(&request);
    assert_eq!((seen.operation_id, seen.path_template, seen.attempt), ("customers:get", "/v1/customers/{id}", 1));

    // A body is handed over whole, with its content type.
    let transport = Scripted::new([Answer::Json(201, customer_json(8, "b@example.com"))]);
    let body = polar::models::CustomerIndividualCreate::new("b@example.com");
    transport.client().customers().create(body.into()).await.unwrap();
    let request = transport.seen().remove(0);
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.headers()["content-type"], "application/json");
    let sent: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(sent["email"], "b@example.com");
    assert_eq!(meta(&request).operation_id, "customers:create");
}

#[tokio::test]
async fn retries_go_through_the_transport_and_count_attempts() {
    let id = uuid(1);
    let transport = Scripted::new([
        Answer::Json(503, json!({"detail": "busy"})),
        Answer::Fail(TransportErrorKind::Connect),
        Answer::Json(200, customer_json(1, "a@example.com")),
    ]);
    transport.client().customers().get(id).await.unwrap();
    let attempts: Vec<u32> = transport.seen().iter().map(|r| meta(r).attempt).collect();
    assert_eq!(attempts, [1, 2, 3]);

    // A connection that could not be made is retried even for a POST...
    let transport =
        Scripted::new([Answer::Fail(TransportErrorKind::Connect), Answer::Json(201, customer_json(2, "c@d.e"))]);
    let body = polar::models::CustomerIndividualCreate::new("c@d.e");
    transport.client().customers().create(body.into()).await.unwrap();
    assert_eq!(transport.seen().len(), 2);
    // ...a failure after the request may have arrived is not,
    let transport = Scripted::new([Answer::Fail(TransportErrorKind::Other)]);
    let body = polar::models::CustomerIndividualCreate::new("c@d.e");
    let err = transport.client().customers().create(body.into()).await.unwrap_err();
    let ErrorKind::Transport(cause) = err.kind() else { panic!("{err:?}") };
    assert_eq!(cause.kind(), TransportErrorKind::Other);
    assert!(err.is_retryable(), "a later retry may succeed");
    assert_eq!(transport.seen().len(), 1);
    // ...and a request the transport refused is final, whatever the method.
    let transport = Scripted::new([Answer::Fail(TransportErrorKind::Request)]);
    let err = transport.client().customers().get(id).await.unwrap_err();
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(transport.seen().len(), 1);
}

#[tokio::test]
async fn transport_errors_classify_like_reqwest_ones() {
    let id = uuid(1);
    let no_retry = polar::RetryPolicy::none();
    let client = |t: &Scripted| {
        Client::builder().access_token(TOKEN).transport(t.clone()).retry(no_retry.clone()).build().unwrap()
    };
    let t = Scripted::new([Answer::Fail(TransportErrorKind::Connect)]);
    let err = client(&t).customers().get(id).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.to_string(), "customers:get: cannot connect to the server");
    assert_eq!(std::error::Error::source(&err).unwrap().to_string(), "scripted Connect");

    let t = Scripted::new([Answer::Fail(TransportErrorKind::Timeout)]);
    assert!(client(&t).customers().get(id).await.unwrap_err().is_timeout());

    let t = Scripted::new([Answer::Fail(TransportErrorKind::Redirect)]);
    let err = client(&t).customers().get(id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "customers:get: too many redirects (the request to https://api.polar.sh/v1/customers/{id} was redirected \
             in a loop or too often)"
        )
    );
    assert!(!err.is_retryable());

    // The client's own timeout bounds a transport that never answers.
    let t = Scripted::new([Answer::Never]);
    let quick = Client::builder()
        .access_token(TOKEN)
        .transport(t.clone())
        .retry(no_retry)
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    assert!(quick.customers().get(id).await.unwrap_err().is_timeout());
}

#[tokio::test]
async fn bodies_from_a_transport_obey_the_size_limit_and_stream() {
    let id = uuid(1);
    let build = |t: &Scripted| {
        Client::builder().access_token(TOKEN).transport(t.clone()).max_response_size(1024).build().unwrap()
    };
    // Whole bytes over the limit, and chunks that only add up to more than it.
    let t = Scripted::new([Answer::Body(200, ResponseBody::from(vec![b' '; 2048]))]);
    let err = build(&t).customers().get(id).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ResponseTooLarge { limit: 1024, .. }), "{err:?}");
    let chunks = (0..8).map(|_| Ok(Bytes::from(vec![b' '; 200])));
    let t = Scripted::new([Answer::Body(200, ResponseBody::from_stream(futures_util::stream::iter(chunks)))]);
    let err = build(&t).customers().get(id).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ResponseTooLarge { .. }), "{err:?}");

    // A JSON body in several chunks is gathered before decoding.
    let text = customer_json(1, "a@example.com").to_string();
    let (head, tail) = text.split_at(text.len() / 2);
    let chunks = vec![Ok(Bytes::from(head.to_owned())), Ok(Bytes::from(tail.to_owned()))];
    let t = Scripted::new([Answer::Body(200, ResponseBody::from_stream(futures_util::stream::iter(chunks)))]);
    let client = Client::builder().access_token(TOKEN).transport(t.clone()).build().unwrap();
    assert_eq!(id_of(&client.customers().get(id).await.unwrap()), id);

    // A streamed export yields the transport's chunks, then its error, unlimited by the size.
    let chunks = vec![
        Ok(Bytes::from(vec![b'a'; 2000])),
        Ok(Bytes::from_static(b"b")),
        Err(TransportError::new(TransportErrorKind::Other, "connection reset")),
    ];
    let t = Scripted::new([Answer::Body(200, ResponseBody::from_stream(futures_util::stream::iter(chunks)))]);
    let stream = build(&t).customers().export().bytes_stream().await.unwrap();
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().len(), 2000);
    assert_eq!(items[1].as_ref().unwrap().as_ref(), b"b");
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.operation(), "customers:export");
    let polar::runtime::ErrorKind::Transport(cause) = err.kind() else { panic!("{err:?}") };
    assert_eq!(cause.to_string(), "connection reset");
}

/// Counts the attempts it passes on, and tags them with its name, in order.
#[derive(Debug)]
struct Tag {
    inner: Arc<dyn Transport>,
    name: &'static str,
    count: Arc<AtomicUsize>,
}

impl Transport for Tag {
    fn send(&self, mut request: http::Request<Bytes>) -> TransportFuture {
        self.count.fetch_add(1, Ordering::SeqCst);
        request.headers_mut().append("x-layers", self.name.parse().unwrap());
        self.inner.send(request)
    }
}

#[tokio::test]
async fn layers_wrap_the_default_reqwest_transport_outermost_last() {
    let server = MockServer::start().await;
    let id = uuid(3);
    Mock::given(method("GET"))
        .and(path(format!("/v1/customers/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(3, "a@example.com")))
        .mount(&server)
        .await;
    let count = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .access_token(TOKEN)
        .base_url(server.uri())
        .layer({
            let count = count.clone();
            move |inner| Tag { inner, name: "inner", count }
        })
        .layer({
            let count = count.clone();
            move |inner| Tag { inner, name: "outer", count }
        })
        .build()
        .unwrap();
    assert_eq!(id_of(&client.customers().get(id).await.unwrap()), id);
    assert_eq!(count.load(Ordering::SeqCst), 2, "both layers saw the attempt");
    let received = server.received_requests().await.unwrap();
    let layers: Vec<_> = received[0].headers.get_all("x-layers").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(layers, ["outer", "inner"], "the last layer added runs first");
    assert!(format!("{:?}", client.runtime().transport()).contains("Tag"));
}

/// Polar's `MaxBodySizeMiddleware` answers a POST, PUT or PATCH without `Content-Length`
/// with `411 LengthRequired` before any route runs; `hyper` sends no such header for an
/// empty body, so the client must (as httpx does under Polar's Python SDK).
#[tokio::test]
async fn a_post_without_a_body_says_content_length_zero() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &wiremock::Request| match request.headers.get("content-length") {
            None => ResponseTemplate::new(411)
                .set_body_json(json!({"error": "LengthRequired", "detail": "A Content-Length header is required."})),
            Some(_) => ResponseTemplate::new(202).set_body_json(json!({})),
        })
        .mount(&server)
        .await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(411)).mount(&server).await;
    let client = support::client(&server);
    client.orders().generate_invoice(uuid(1)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers["content-length"], "0");
    assert!(received[0].body.is_empty());

    // Through a transport of the caller's, the length is in the request it is handed.
    let transport = Scripted::new([Answer::Json(200, json!({}))]);
    let _ = transport.client().webhooks().reset_webhook_endpoint_secret(uuid(2)).await;
    let request = transport.seen().remove(0);
    assert_eq!((request.method(), &request.headers()["content-length"]), (&http::Method::PATCH, &"0".parse().unwrap()));
    // A GET has none; a body's length is its own.
    let transport = Scripted::new([Answer::Json(200, customer_json(1, "a@example.com"))]);
    transport.client().customers().get(uuid(1)).await.unwrap();
    assert!(!transport.seen()[0].headers().contains_key("content-length"));
    let transport = Scripted::new([Answer::Json(201, customer_json(1, "a@example.com"))]);
    let body = polar::models::CustomerIndividualCreate::new("a@example.com");
    transport.client().customers().create(body.into()).await.unwrap();
    let request = transport.seen().remove(0);
    assert_eq!(request.headers()["content-length"], request.body().len().to_string().as_str());
}
