//! End-to-end tests of the runtime's HTTP path against wiremock on 127.0.0.1.
//!
//! They drive `polar::runtime` directly with hand-built [`Request`]s, so they pin the runtime's
//! behaviour independently of any generated operation. The crate-specific
//! glue decodes 404 bodies into the real `ApiErrorBody::ResourceNotFound`.

use std::time::{Duration, Instant, SystemTime};

use polar::models::ResourceNotFound;
use polar::runtime::{
    encode_path_segment, paginate, ApiHandle, ApiInfo, Client, ClientBuilder, ErrorDecoder, ErrorKind, HeaderName,
    HeaderValue, Method, Request, RequestOptions, RetryPolicy, SecurityScheme,
};
use polar::ApiErrorBody;
use serde::Deserialize;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---- crate-specific glue ---------------------------------------------------

fn decode_not_found(body: &[u8]) -> Result<ApiErrorBody, (String, serde_json::Error)> {
    polar::runtime::decode_slice::<ResourceNotFound>(body).map(ApiErrorBody::ResourceNotFound)
}

fn is_not_found(body: &ApiErrorBody) -> bool {
    matches!(body, ApiErrorBody::ResourceNotFound(nf) if nf.detail == "no such thing")
}

// ---- helpers ---------------------------------------------------------------

static INFO: ApiInfo = ApiInfo {
    user_agent: "runtime-tests/0.1",
    default_base_url: "https://api.invalid",
    version_header: Some("X-Api-Version"),
    versions: &["2026-10"],
    version_echoed: false,
    organization_header: None,
    env_prefix: "RUNTIME_TESTS",
    servers: &[],
};

static BEARER: &[SecurityScheme] = &[SecurityScheme::Bearer];
static ERRORS: &[(u16, ErrorDecoder<ApiErrorBody>)] = &[(404, decode_not_found)];
static NO_ERRORS: &[(u16, ErrorDecoder<ApiErrorBody>)] = &[];

/// A client handle that sends version `2026-10`, as a generated one does.
#[derive(Debug)]
struct V2026_10(Client);

impl ApiHandle for V2026_10 {
    const API_VERSION: Option<&'static str> = Some("2026-10");

    fn from_client(client: Client) -> Self {
        Self(client)
    }
}

impl std::ops::Deref for V2026_10 {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.0
    }
}

/// Fast retries so that tests do not wait on backoff.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(20))
}

fn client(server: &MockServer) -> ClientBuilder<V2026_10> {
    ClientBuilder::new(&INFO).base_url(server.uri()).access_token("tok_123").retry(fast_retry())
}

fn get(path: &'static str) -> Request {
    Request::new("things:get", Method::GET, path, path).accept("application/json").security(BEARER)
}

fn post(path: &'static str) -> Request {
    Request::new("things:create", Method::POST, path, path).accept("application/json").security(BEARER)
}

/// A port on 127.0.0.1 that refuses connections (nothing listens on it).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
struct Thing {
    id: String,
    count: i64,
}

// ---- headers and encoding --------------------------------------------------

#[tokio::test]
async fn sends_auth_version_user_agent_accept_and_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/things/"))
        .and(header("authorization", "Bearer tok_123"))
        .and(header("x-api-version", "2026-10"))
        .and(header("user-agent", "runtime-tests/0.1"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_string(r#"{"name":"a b"}"#))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "r1")
                .set_body_json(serde_json::json!({"id": "t1", "count": 2})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let req = post("/v1/things/").json_body(&serde_json::json!({"name": "a b"})).unwrap();
    let resp = client(&server).build().unwrap().send_json::<Thing, _>(req, ERRORS).await.unwrap();
    assert_eq!(resp.status.as_u16(), 201);
    assert_eq!(resp.headers["x-request-id"], "r1");
    assert_eq!(resp.into_body(), Thing { id: "t1".into(), count: 2 });
}

#[tokio::test]
async fn no_security_sends_no_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    let req = Request::new("public:get", Method::GET, "/v1/public", "/v1/public");
    client(&server).build().unwrap().send_empty(req, NO_ERRORS).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn basic_auth_and_api_key_schemes() {
    static BASIC: &[SecurityScheme] = &[SecurityScheme::Bearer, SecurityScheme::Basic];
    static KEYS: &[SecurityScheme] =
        &[SecurityScheme::ApiKeyHeader("X-Api-Key"), SecurityScheme::ApiKeyQuery("api_key")];
    static QUERY_KEY: &[SecurityScheme] = &[SecurityScheme::ApiKeyQuery("api_key")];
    static COOKIE_KEY: &[SecurityScheme] = &[SecurityScheme::ApiKeyCookie("session")];

    let server = MockServer::start().await;
    Mock::given(path("/basic"))
        .and(header("authorization", "Basic dXNlcjpwIHc="))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/header"))
        .and(header("x-api-key", "k&1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/query"))
        .and(query_param("api_key", "k&1"))
        .and(|r: &wiremock::Request| r.url.query() == Some("a=1&api_key=k%261"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/cookie"))
        .and(header("cookie", "session=k&1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let basic = ClientBuilder::<Client>::new(&INFO).base_url(server.uri()).basic_auth("user", "p w").build().unwrap();
    let req = Request::new("op", Method::GET, "/basic", "/basic").security(BASIC);
    basic.send_empty(req, NO_ERRORS).await.unwrap();

    let keyed = ClientBuilder::<Client>::new(&INFO).base_url(server.uri()).api_key("k&1").build().unwrap();
    let req = Request::new("op", Method::GET, "/header", "/header").security(KEYS);
    keyed.send_empty(req, NO_ERRORS).await.unwrap();
    let req = Request::new("op", Method::GET, "/query", "/query").query("a", &1i64).security(QUERY_KEY);
    keyed.send_empty(req, NO_ERRORS).await.unwrap();
    let req = Request::new("op", Method::GET, "/cookie", "/cookie").security(COOKIE_KEY);
    keyed.send_empty(req, NO_ERRORS).await.unwrap();
}

#[tokio::test]
async fn default_and_per_request_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-default", "d"))
        .and(header("x-per-request", "p"))
        .and(header("authorization", "Bearer override"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).header("X-Default", "d").build().unwrap();
    let req = get("/v1/h").options(
        RequestOptions::new()
            .header(HeaderName::from_static("x-per-request"), HeaderValue::from_static("p"))
            .header(reqwest::header::AUTHORIZATION, HeaderValue::from_static("Bearer override")),
    );
    client.send_empty(req, NO_ERRORS).await.unwrap();
}

#[tokio::test]
async fn query_and_path_encoding_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(|r: &wiremock::Request| {
            r.url.path() == "/v1/things/a%2Fb%3Fc%23d%25e%20f"
                && r.url.query()
                    == Some(
                        "organization_id=a&organization_id=b&metadata%5Bk%5D=x&metadata%5Bk%5D=y\
                         &is_active=true&q=a%20b%26c",
                    )
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let metadata = serde_json::json!({"k": ["x", "y"]});
    let req = Request::new(
        "things:get",
        Method::GET,
        "/v1/things/{id}",
        format!("/v1/things/{}", encode_path_segment("a/b?c#d%e f")),
    )
    .query("organization_id", &vec!["a", "b"])
    .query("metadata", &metadata)
    .query("is_active", &Some(true))
    .query("missing", &None::<i64>)
    .query("q", "a b&c");
    client(&server).build().unwrap().send_json::<Vec<Thing>, _>(req, NO_ERRORS).await.unwrap();
}

/// OpenAPI's parameter styles as the server receives them: a style's separators raw, a
/// separator inside an item percent-encoded, cookie parameters after the API key cookie.
#[tokio::test]
async fn parameter_styles_on_the_wire() {
    use polar::runtime::{ParamStyle, ParamValue};
    static COOKIE_KEY: &[SecurityScheme] = &[SecurityScheme::ApiKeyCookie("session")];
    let server = MockServer::start().await;
    // Raw header bytes: wiremock's `header` matcher splits values at commas.
    let raw = |r: &wiremock::Request, name: &str| r.headers.get(name).map(|v| v.as_bytes().to_vec());
    Mock::given(method("GET"))
        .and(move |r: &wiremock::Request| {
            r.url.path() == "/v1/colors/;color=blue;color=a%2Cb"
                && r.url.query() == Some("color=blue,black,a%2Cb&pipes=x%7Cy&id=k%2C1")
                && raw(r, "x-color").as_deref() == Some(&b"G=200,R=100"[..])
                && raw(r, "cookie").as_deref() == Some(&b"session=k1; jar=blue,a%3Bb; n=1"[..])
        })
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let colors = ParamValue::list(&["blue", "a,b"]);
    let rgb = ParamValue::serialize(&serde_json::json!({"G": 200, "R": 100})).unwrap();
    let req = Request::new(
        "colors:get",
        Method::GET,
        "/v1/colors/{color}",
        format!("/v1/colors/{}", colors.path("color", ParamStyle::Matrix, true)),
    )
    .query_param("color", &ParamValue::list(&["blue", "black", "a,b"]), ParamStyle::Form, false)
    .query_param("pipes", &ParamValue::list(&["x", "y"]), ParamStyle::PipeDelimited, false)
    .query("id", "k,1")
    .header_param("X-Color", &rgb.header(true))
    .unwrap()
    .cookie_param("jar", &ParamValue::list(&["blue", "a;b"]), false)
    .cookie_param("n", &ParamValue::text(&1i64), true)
    .security(COOKIE_KEY);
    let client = client(&server).api_key("k1").build().unwrap();
    client.send_empty(req, NO_ERRORS).await.unwrap();
}

#[tokio::test]
async fn dot_path_parameter_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server).build().unwrap();
    let req =
        Request::new("things:get", Method::GET, "/v1/things/{id}", format!("/v1/things/{}", encode_path_segment("..")));
    let err = client.send_empty(req, NO_ERRORS).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---- retries ---------------------------------------------------------------

#[tokio::test]
async fn retries_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "x", "count": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let thing =
        client(&server).build().unwrap().send_json::<Thing, _>(get("/v1/things/x"), ERRORS).await.unwrap().into_body();
    assert_eq!(thing.id, "x");
}

#[tokio::test]
async fn gives_up_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&server)
        .retry(fast_retry().max_retries(2))
        .build()
        .unwrap()
        .send_json::<Thing, _>(get("/v1/things/x"), ERRORS)
        .await
        .unwrap_err();
    match err.kind() {
        ErrorKind::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(&body[..], b"bad gateway");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.operation(), "things:get");
    assert_eq!(err.to_string(), "things:get: HTTP 502 Bad Gateway (undocumented status)");
}

#[tokio::test]
async fn honours_retry_after_seconds_even_for_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    let start = Instant::now();
    client(&server).build().unwrap().send_empty(post("/v1/things/"), NO_ERRORS).await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(1), "{:?}", start.elapsed());
}

#[tokio::test]
async fn honours_retry_after_http_date() {
    let server = MockServer::start().await;
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", at.as_str()))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    let start = Instant::now();
    client(&server).build().unwrap().send_empty(get("/v1/things/x"), NO_ERRORS).await.unwrap();
    // The date has one-second resolution: at least one second, at most two.
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}

#[tokio::test]
async fn retry_after_beyond_budget_returns_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let start = Instant::now();
    let err = client(&server).build().unwrap().send_empty(get("/v1/things/x"), NO_ERRORS).await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.headers().unwrap()["retry-after"], "120");
}

#[tokio::test]
async fn post_is_not_retried_after_it_was_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let err = client(&server).build().unwrap().send_empty(post("/v1/things/"), NO_ERRORS).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn post_is_retried_when_opted_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(502)).expect(4).mount(&server).await;
    let req = post("/v1/things/").options(RequestOptions::new().retry(fast_retry().retry_non_idempotent(true)));
    let err = client(&server).build().unwrap().send_empty(req, NO_ERRORS).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn non_retryable_status_is_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).expect(1).mount(&server).await;
    let err = client(&server).build().unwrap().send_empty(get("/v1/x"), NO_ERRORS).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

// ---- timeouts and connection errors ------------------------------------------

#[tokio::test]
async fn timeout_is_reported_and_post_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_millis(500)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).timeout(Duration::from_millis(100)).build().unwrap();
    let err = client.send_empty(post("/v1/things/"), NO_ERRORS).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Timeout), "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(err.to_string(), "things:create: request timed out");
}

#[tokio::test]
async fn get_timeout_is_retried_and_per_request_timeout_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_millis(400)))
        .expect(2)
        .mount(&server)
        .await;
    // The client's timeout is long; the request's short one applies.
    let client = client(&server).timeout(Duration::from_secs(30)).build().unwrap();
    let req = get("/v1/x")
        .options(RequestOptions::new().timeout(Duration::from_millis(100)).retry(fast_retry().max_retries(1)));
    let start = Instant::now();
    let err = client.send_empty(req, NO_ERRORS).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn connection_refused_is_retried_and_reported() {
    let port = closed_port();
    let client = ClientBuilder::<Client>::new(&INFO)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast_retry().max_retries(2))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.send_empty(post("/v1/things/"), NO_ERRORS).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connect(_)), "{err:?}");
    assert!(err.is_connect());
    assert!(std::error::Error::source(&err).is_some());
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// A POST whose first attempts hit a closed port succeeds once a server
/// starts listening: connection failures are retried even for POST.
#[tokio::test]
async fn connection_refused_post_is_retried_until_server_is_up() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let port = closed_port();
    let client = ClientBuilder::<Client>::new(&INFO)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(
            RetryPolicy::default()
                .max_retries(100)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_millis(50))
                .max_elapsed(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    let server = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "client closed early");
            request.extend_from_slice(&buf[..n]);
        }
        socket.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").await.unwrap();
        String::from_utf8_lossy(&request).into_owned()
    };
    let (result, request) = tokio::join!(client.send_empty(post("/v1/things/"), NO_ERRORS), server);
    assert_eq!(result.unwrap().status.as_u16(), 204);
    assert!(request.starts_with("POST /v1/things/ HTTP/1.1"), "{request}");
}

#[tokio::test]
async fn query_api_key_never_appears_in_errors() {
    use std::fmt::Write as _;
    static QUERY_KEY: &[SecurityScheme] = &[SecurityScheme::ApiKeyQuery("api_key")];
    let client = ClientBuilder::<Client>::new(&INFO)
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .api_key("SECRET_KEY")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let req = Request::new("op", Method::GET, "/x", "/x").security(QUERY_KEY);
    let err = client.send_empty(req, NO_ERRORS).await.unwrap_err();
    let mut shown = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        write!(shown, " {s} {s:?}").unwrap();
        source = s.source();
    }
    assert!(!shown.contains("SECRET_KEY"), "{shown}");
}

// ---- redirects ---------------------------------------------------------------

#[tokio::test]
async fn redirects_stay_on_the_same_origin() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/new"))
        .mount(&api)
        .await;
    Mock::given(path("/new"))
        .and(header("authorization", "Bearer tok_123"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(path("/away"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", format!("{}/stolen", elsewhere.uri()).as_str()),
        )
        .mount(&api)
        .await;
    Mock::given(path("/stolen")).respond_with(ResponseTemplate::new(204)).expect(0).mount(&elsewhere).await;

    let client = client(&api).build().unwrap();
    client.send_empty(get("/old"), NO_ERRORS).await.unwrap();
    let err = client.send_empty(get("/away"), NO_ERRORS).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
}

// ---- decoding --------------------------------------------------------------

#[tokio::test]
async fn documented_error_is_decoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"error": "ResourceNotFound", "detail": "no such thing"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).build().unwrap().send_json::<Thing, _>(get("/v1/things/x"), ERRORS).await.unwrap_err();
    match err.kind() {
        ErrorKind::Api { status, body, raw, .. } => {
            assert_eq!(status.as_u16(), 404);
            assert!(is_not_found(body));
            assert!(raw.starts_with(b"{"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.api_body().is_some());
    assert_eq!(err.to_string(), "things:get: HTTP 404 Not Found: no such thing");
}

#[tokio::test]
async fn documented_error_with_wrong_body_names_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": "ResourceNotFound", "detail": 5})),
        )
        .mount(&server)
        .await;
    let err = client(&server).build().unwrap().send_json::<Thing, _>(get("/v1/things/x"), ERRORS).await.unwrap_err();
    // Still the server's documented error status: an API error, not a decode error.
    match err.kind() {
        ErrorKind::Api { status, body: ApiErrorBody::Unrecognized { path, .. }, raw, .. } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(path, "detail");
            assert_eq!(raw.len(), br#"{"detail":5,"error":"ResourceNotFound"}"#.len());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_status_keeps_everything() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(418).insert_header("x-why", "teapot").set_body_string("short and stout"))
        .mount(&server)
        .await;
    let err = client(&server).build().unwrap().send_json::<Thing, _>(get("/v1/things/x"), ERRORS).await.unwrap_err();
    match err.kind() {
        ErrorKind::UnexpectedStatus { status, headers, body } => {
            assert_eq!(status.as_u16(), 418);
            assert_eq!(headers["x-why"], "teapot");
            assert_eq!(&body[..], b"short and stout");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn success_decode_failure_names_the_json_path() {
    #[derive(Debug, Deserialize)]
    struct Page {
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    struct Item {
        customer: Customer,
    }
    #[derive(Debug, Deserialize)]
    struct Customer {
        email: String,
    }
    let server = MockServer::start().await;
    let body = serde_json::json!({"items": [
        {"customer": {"email": "a@x"}},
        {"customer": {"email": "b@x"}},
        {"customer": {"email": "c@x"}},
        {"customer": {"email": null}},
    ]});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let err = client(&server).build().unwrap().send_json::<Page, _>(get("/v1/orders/"), ERRORS).await.unwrap_err();
    match err.kind() {
        ErrorKind::Decode { status, path, message, raw } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(path, "items[3].customer.email");
            assert!(message.contains("invalid type: null"), "{message}");
            assert!(!raw.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with("things:get: cannot decode HTTP 200 OK response body at `items[3].customer.email`"));
    // A well-formed page decodes.
    let ok: Result<Page, _> = serde_json::from_str(r#"{"items":[{"customer":{"email":"a"}}]}"#);
    assert_eq!(ok.unwrap().items[0].customer.email, "a");
}

#[tokio::test]
async fn no_content_and_text_and_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/export"))
        .and(header("accept", "text/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server).build().unwrap();

    let req = Request::new("things:delete", Method::DELETE, "/v1/things/{id}", "/v1/things/x").security(BEARER);
    let resp = client.send_empty(req, ERRORS).await.unwrap();
    assert_eq!(resp.status.as_u16(), 204);

    let export = || Request::new("export", Method::GET, "/export", "/export").accept("text/csv");
    let text = client.send_text(export(), NO_ERRORS).await.unwrap();
    assert_eq!(text.headers["content-type"], "text/csv");
    assert_eq!(text.into_body(), "a,b\n1,2\n");
    let bytes = client.send_bytes(export(), NO_ERRORS).await.unwrap();
    assert_eq!(&bytes.body[..], b"a,b\n1,2\n");
}

#[tokio::test]
async fn form_and_text_bodies_have_their_content_types() {
    #[derive(serde::Serialize)]
    struct Token<'a> {
        grant_type: &'a str,
        client_secret: &'a str,
        scope: Option<&'a str>,
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(|r: &wiremock::Request| {
            // Field order follows serde_json's map order: compare sorted.
            let mut pairs: Vec<&[u8]> = r.body.split(|b| *b == b'&').collect();
            pairs.sort_unstable();
            pairs == [&b"client_secret=s%26t"[..], b"grant_type=client_credentials"]
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "t", "count": 0})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/text"))
        .and(header("content-type", "text/plain; charset=utf-8"))
        .and(body_string("hello"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).build().unwrap();
    let req = Request::new("oauth2:token", Method::POST, "/token", "/token")
        .form_body(&Token { grant_type: "client_credentials", client_secret: "s&t", scope: None })
        .unwrap();
    client.send_json::<Thing, _>(req, NO_ERRORS).await.unwrap();
    let req = Request::new("text", Method::POST, "/text", "/text").text_body("hello");
    client.send_empty(req, NO_ERRORS).await.unwrap();
}

// ---- pagination --------------------------------------------------------------

#[tokio::test]
async fn paginates_over_http() {
    use futures_util::StreamExt;

    #[derive(Deserialize)]
    struct ListResource {
        items: Vec<Thing>,
        pagination: Pagination,
    }
    #[derive(Deserialize)]
    struct Pagination {
        max_page: i64,
        total_count: i64,
    }

    let server = MockServer::start().await;
    for page in 1..=3 {
        Mock::given(method("GET"))
            .and(path("/v1/things/"))
            .and(query_param("page", page.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "items": [{"id": format!("t{page}"), "count": page}],
                "pagination": {"total_count": 3, "max_page": 3},
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server).build().unwrap().0;
    let fetch = move |page: i64| {
        let client: Client = client.clone();
        async move {
            let req = get("/v1/things/").query("page", &page).query("limit", &1i64);
            let list = client.send_json::<ListResource, _>(req, ERRORS).await?.into_body();
            Ok(polar::runtime::Page {
                operation: "things:list",
                page: (),
                items: list.items,
                last_page: list.pagination.max_page,
                total: Some(list.pagination.total_count),
            })
        }
    };
    let items: Vec<Result<Thing, polar::Error>> = paginate(1, fetch).collect().await;
    let ids: Vec<_> = items.into_iter().map(|r| r.unwrap().id).collect();
    assert_eq!(ids, ["t1", "t2", "t3"]);
}

#[tokio::test]
async fn futures_are_send() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = client(&server).build().unwrap();
    let handle = tokio::spawn(async move { client.send_empty(get("/x"), NO_ERRORS).await });
    assert_eq!(handle.await.unwrap().unwrap().status.as_u16(), 204);
}
