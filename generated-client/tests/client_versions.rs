//! API versions on the wire: each client handle sends its own `Polar-Version`, and a
//! version the server no longer serves is reported as such, never mistaken for a real 404.
//! Polar's `APIVersionMiddleware` (server/polar/kit/versioning.py) answers a version it does
//! not serve with `404 {"detail": "Not Found"}` and no `Polar-Version` header, and echoes
//! `Polar-Version` on every response of a version it serves. Against wiremock on 127.0.0.1.

#[path = "client_support.rs"]
mod support;

use polar::{ApiErrorBody, ErrorKind};
use serde_json::json;
use support::{client, uuid};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_404_without_the_version_header_is_a_retired_version() {
    let server = MockServer::start().await;
    let id = uuid(1);
    Mock::given(path(format!("/v1/customers/{id}")))
        .and(header("polar-version", polar::API_VERSION))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not Found"})))
        .mount(&server)
        .await;
    let err = client(&server).customers().get(id).await.unwrap_err();
    let ErrorKind::VersionNotServed { version, newer, .. } = err.kind() else { panic!("{err:?}") };
    assert_eq!(version, polar::API_VERSION);
    assert!(newer.iter().all(|v| *v > polar::API_VERSION), "{newer:?}");
    assert!(err.to_string().starts_with(&format!(
        "customers:get: API version {} is not served by this server (it answered 404 without echoing the version)",
        polar::API_VERSION
    )));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_real_404_echoes_the_version_and_stays_a_documented_error() {
    let server = MockServer::start().await;
    let id = uuid(2);
    Mock::given(path(format!("/v1/customers/{id}")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("polar-version", polar::API_VERSION)
                .set_body_json(json!({"error": "ResourceNotFound", "detail": "Not found"})),
        )
        .mount(&server)
        .await;
    // A served version's route-level 404 has the same body as a refused version, but the
    // version header is there.
    Mock::given(path("/v1/customers/"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("polar-version", polar::API_VERSION)
                .set_body_json(json!({"detail": "Not Found"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).customers().get(id).await.unwrap_err();
    assert!(matches!(err.api_body(), Some(ApiErrorBody::ResourceNotFound(_))), "{err:?}");
    let err = client(&server).customers().list().await.unwrap_err();
    assert!(!matches!(err.kind(), ErrorKind::VersionNotServed { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    // A 404 from something else (a proxy's page) is not about the version either.
    let proxy = MockServer::start().await;
    Mock::given(path(format!("/v1/customers/{id}")))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .mount(&proxy)
        .await;
    let err = client(&proxy).customers().get(id).await.unwrap_err();
    assert!(!matches!(err.kind(), ErrorKind::VersionNotServed { .. }), "{err:?}");
}
