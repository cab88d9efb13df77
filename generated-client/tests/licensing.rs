//! `polar::licensing` against a local HTTP server (wiremock on 127.0.0.1) that simulates
//! Polar's licence-key endpoints as its server implements them
//! (`server/polar/customer_portal/endpoints/license_keys.py`, `license_key/service.py`):
//! lookups by organization and key, statuses, expiry, activation limits and conditions,
//! usage limits, the `{"error", "detail"}` bodies and statuses of each refusal, the
//! `Polar-Version` echo, and the 401 its auth middleware answers to any bearer token it
//! does not know. Every test runs with `POLAR_ACCESS_TOKEN` set in the environment.
//! The blocking tests need `--features blocking`.

use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use polar::licensing::{LicenseError, LicenseKeys};
use polar::models::{LicenseKeyStatus, MetadataValue};
use polar::runtime::{HeaderName, HeaderValue};
use polar::{RequestOptions, RetryPolicy};
use serde_json::{json, Value};
use uuid::Uuid;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The seller's organization in every test.
const ORG: Uuid = Uuid::from_u128(0x1dbf_c517_0bbf_4301_9ba8_555c_a42b_9737);
/// What every test puts in the environment: `LicenseKeys` must never send it.
const ENV_TOKEN: &str = "polar_oat_ENV_SECRET";

/// Sets `POLAR_ACCESS_TOKEN` once, before any test of this binary builds a client (each
/// test calls it first; the `Once` makes the others wait, so no thread reads the
/// environment while it is written).
fn token_in_env() {
    static SET: Once = Once::new();
    SET.call_once(|| std::env::set_var("POLAR_ACCESS_TOKEN", ENV_TOKEN));
}

/// One licence key of the simulated server.
#[derive(Clone, Debug)]
struct Key {
    id: Uuid,
    key: String,
    status: &'static str,
    expires_at: Option<&'static str>,
    limit_activations: Option<usize>,
    limit_usage: Option<i64>,
    usage: i64,
    validations: i64,
    benefit_id: Uuid,
    customer_id: Uuid,
    /// Lookups answered `404` before the key exists (Polar's grant job not run yet).
    hidden_for: usize,
    activations: Vec<Activation>,
}

#[derive(Clone, Debug)]
struct Activation {
    id: Uuid,
    label: String,
    conditions: Value,
    meta: Value,
    deleted: bool,
}

impl Key {
    fn new(n: u128, key: &str) -> Self {
        Key {
            id: Uuid::from_u128(n),
            key: key.to_owned(),
            status: "granted",
            expires_at: None,
            limit_activations: Some(2),
            limit_usage: None,
            usage: 0,
            validations: 0,
            benefit_id: Uuid::from_u128(0xbe),
            customer_id: Uuid::from_u128(0xc0),
            hidden_for: 0,
            activations: Vec::new(),
        }
    }

    fn read_json(&self) -> Value {
        json!({
            "id": self.id,
            "created_at": "2026-01-01T00:00:00Z",
            "modified_at": null,
            "organization_id": ORG,
            "customer_id": self.customer_id,
            "customer": customer_json(self.customer_id),
            "benefit_id": self.benefit_id,
            "key": self.key,
            "display_key": format!("****-{}", &self.key[self.key.len() - 4..]),
            "status": self.status,
            "limit_activations": self.limit_activations,
            "usage": self.usage,
            "limit_usage": self.limit_usage,
            "validations": self.validations,
            "last_validated_at": if self.validations > 0 { json!("2026-01-02T00:00:00Z") } else { Value::Null },
            "expires_at": self.expires_at,
        })
    }

    fn expired(&self) -> bool {
        // The simulated clock: the past expiry is 2020, the future one 2100.
        self.expires_at.is_some_and(|at| at < "2026")
    }
}

fn customer_json(id: Uuid) -> Value {
    json!({
        "id": id, "created_at": "2025-01-01T00:00:00Z", "modified_at": null, "metadata": {},
        "external_id": null, "email": "jane@example.com", "email_verified": true, "type": "individual",
        "name": "Jane", "billing_name": null, "billing_address": null, "tax_id": null,
        "organization_id": ORG, "deleted_at": null, "first_user_event_at": null, "avatar_url": null
    })
}

fn activation_json(key: &Key, activation: &Activation) -> Value {
    json!({
        "id": activation.id,
        "license_key_id": key.id,
        "label": activation.label,
        "meta": activation.meta,
        "created_at": "2026-01-03T00:00:00Z",
        "modified_at": null,
    })
}

#[derive(Default)]
struct State {
    keys: Vec<Key>,
    /// The `Authorization` header of every request (or its absence), in order.
    authorization: Vec<Option<String>>,
    next_activation: u128,
}

/// The simulated server: wiremock hands every request to `respond`.
#[derive(Clone, Default)]
struct Polar(Arc<Mutex<State>>);

/// Polar's error body (`exception_handlers.py`).
fn refusal(status: u16, error: &str, detail: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": error, "detail": detail}))
}

fn not_found(detail: &str) -> ResponseTemplate {
    refusal(404, "ResourceNotFound", detail)
}

fn not_permitted(detail: &str) -> ResponseTemplate {
    refusal(403, "NotPermitted", detail)
}

impl Respond for Polar {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let version = request.headers.get("polar-version").and_then(|v| v.to_str().ok()).unwrap_or("2026-04");
        let version = version.to_owned();
        self.answer(request).insert_header("polar-version", version.as_str())
    }
}

impl Polar {
    fn with_keys(keys: Vec<Key>) -> Self {
        Polar(Arc::new(Mutex::new(State { keys, ..State::default() })))
    }

    fn key(&self, key: &str) -> Key {
        self.0.lock().unwrap().keys.iter().find(|k| k.key == key).cloned().expect("a simulated key")
    }

    fn authorization(&self) -> Vec<Option<String>> {
        self.0.lock().unwrap().authorization.clone()
    }

    fn answer(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        let authorization = request.headers.get("authorization").map(|v| v.to_str().unwrap_or("?").to_owned());
        state.authorization.push(authorization.clone());
        if authorization.is_some() {
            // `AuthSubjectMiddleware`: a token it does not know is refused before routing.
            return ResponseTemplate::new(401).set_body_json(json!({
                "error": "invalid_token",
                "error_description": "The access token provided is expired, revoked, malformed, or invalid for other reasons."
            }));
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(422).set_body_json(json!({"error": "RequestValidationError", "detail": []}));
        };
        let (Some(key), Some(org)) = (body["key"].as_str(), body["organization_id"].as_str()) else {
            return ResponseTemplate::new(422).set_body_json(json!({"error": "RequestValidationError", "detail": [
                {"type": "missing", "loc": ["body", "key"], "msg": "Field required", "input": body}
            ]}));
        };
        // `get_or_raise_by_key`: WHERE organization_id = ? AND key = ?
        let found = state.keys.iter_mut().find(|k| k.key == key && org == ORG.to_string());
        let Some(lk) = found else { return not_found("Not found") };
        if lk.hidden_for > 0 {
            lk.hidden_for -= 1;
            return not_found("Not found");
        }
        match request.url.path() {
            "/v1/customer-portal/license-keys/validate" => Self::validate(lk, &body),
            "/v1/customer-portal/license-keys/activate" => {
                state.next_activation += 1;
                let id = Uuid::from_u128(0xac71_0000 + state.next_activation);
                let lk = state.keys.iter_mut().find(|k| k.key == key).expect("found above");
                Self::activate(lk, &body, id)
            }
            "/v1/customer-portal/license-keys/deactivate" => Self::deactivate(lk, &body),
            _ => ResponseTemplate::new(404).set_body_json(json!({"detail": "Not Found"})),
        }
    }

    /// `LicenseKeyService.validate`, in its order.
    fn validate(lk: &mut Key, body: &Value) -> ResponseTemplate {
        if lk.status != "granted" {
            return not_found("License key is no longer active.");
        }
        if lk.expired() {
            return not_found("License key has expired.");
        }
        let mut activation = None;
        if let Some(id) = body["activation_id"].as_str() {
            let Some(found) = lk.activations.iter().find(|a| a.id.to_string() == id && !a.deleted) else {
                return not_found("Not found");
            };
            let given = body.get("conditions").cloned().unwrap_or(json!({}));
            if found.conditions != json!({}) && given != found.conditions {
                return not_found("License key does not match required conditions");
            }
            activation = Some(found.clone());
        }
        if body["benefit_id"].as_str().is_some_and(|b| b != lk.benefit_id.to_string()) {
            return not_found("License key does not match given benefit.");
        }
        if body["customer_id"].as_str().is_some_and(|c| c != lk.customer_id.to_string()) {
            return not_found("License key does not match given user.");
        }
        let increment = body["increment_usage"].as_i64().unwrap_or(0);
        if let (true, Some(limit)) = (increment > 0, lk.limit_usage) {
            let remaining = limit - lk.usage;
            if increment > remaining {
                return refusal(400, "BadRequest", &format!("License key only has {remaining} more usages."));
            }
        }
        lk.validations += 1;
        lk.usage += increment;
        let mut out = lk.read_json();
        if let Some(activation) = activation {
            out["activation"] = activation_json(lk, &activation);
        }
        ResponseTemplate::new(200).set_body_json(out)
    }

    /// `LicenseKeyService.activate`, in its order.
    fn activate(lk: &mut Key, body: &Value, id: Uuid) -> ResponseTemplate {
        if lk.status != "granted" {
            return not_permitted("License key is no longer active. This license key can not be activated.");
        }
        if lk.expired() {
            return not_permitted("License key has expired.");
        }
        let Some(limit) = lk.limit_activations else {
            return not_permitted(
                "This license key does not support activations. Use the /validate endpoint instead to check license \
                 validity.",
            );
        };
        if lk.activations.iter().filter(|a| !a.deleted).count() >= limit {
            return not_permitted("License key activation limit already reached");
        }
        let activation = Activation {
            id,
            label: body["label"].as_str().unwrap_or_default().to_owned(),
            conditions: body.get("conditions").cloned().unwrap_or(json!({})),
            meta: body.get("meta").cloned().unwrap_or(json!({})),
            deleted: false,
        };
        let mut out = activation_json(lk, &activation);
        out["license_key"] = lk.read_json();
        lk.activations.push(activation);
        ResponseTemplate::new(200).set_body_json(out)
    }

    /// `LicenseKeyService.deactivate`: 204, or 404 for an unknown or deactivated activation.
    fn deactivate(lk: &mut Key, body: &Value) -> ResponseTemplate {
        let id = body["activation_id"].as_str().unwrap_or_default();
        match lk.activations.iter_mut().find(|a| a.id.to_string() == id && !a.deleted) {
            Some(activation) => {
                activation.deleted = true;
                ResponseTemplate::new(204)
            }
            None => not_found("Not found"),
        }
    }
}

/// The simulated server with `keys`, and a `LicenseKeys` for it.
async fn polar(keys: Vec<Key>) -> (MockServer, Polar, LicenseKeys) {
    token_in_env();
    let server = MockServer::start().await;
    let polar = Polar::with_keys(keys);
    Mock::given(any()).respond_with(polar.clone()).mount(&server).await;
    let keys = LicenseKeys::builder(ORG)
        .base_url(server.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    (server, polar, keys)
}

fn machine(id: &str) -> MetadataValue {
    MetadataValue::String(id.to_owned())
}

#[tokio::test]
async fn activate_validate_deactivate() {
    let (server, polar, keys) = polar(vec![Key::new(1, "POLAR-AAAA-1111")]).await;
    let activation = keys
        .activate("POLAR-AAAA-1111", "Jane's laptop")
        .condition("machine", machine("m-1"))
        .meta("os", machine("linux"))
        .await
        .unwrap();
    assert_eq!(activation.label, "Jane's laptop");
    assert_eq!(activation.license_key.status, LicenseKeyStatus::Granted);
    assert_eq!(activation.meta["os"], machine("linux"));

    // Start-up: the stored activation id and the same conditions.
    let key = keys
        .validate("POLAR-AAAA-1111")
        .activation_id(activation.id)
        .condition("machine", machine("m-1"))
        .await
        .unwrap();
    assert_eq!(key.activation.as_ref().map(|a| a.id), Some(activation.id));
    assert_eq!(key.validations, 1);
    assert_eq!(key.status, LicenseKeyStatus::Granted);

    keys.deactivate("POLAR-AAAA-1111", activation.id).await.unwrap();
    assert!(polar.key("POLAR-AAAA-1111").activations[0].deleted);
    // The deactivated activation no longer validates, and cannot be deactivated twice.
    let err = keys.validate("POLAR-AAAA-1111").activation_id(activation.id).await.unwrap_err();
    assert!(matches!(err, LicenseError::NotFound(_)), "{err:?}");
    let err = keys.deactivate("POLAR-AAAA-1111", activation.id).await.unwrap_err();
    assert!(matches!(err, LicenseError::NotFound(_)), "{err:?}");

    // What went over the wire: the organization in every body, the newest version, never a token.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 5);
    for request in &requests {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["organization_id"], json!(ORG), "{}", request.url);
        assert_eq!(request.headers["polar-version"], polar::API_VERSION);
        assert!(!request.headers.contains_key("authorization"));
    }
    let activate: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(activate["conditions"], json!({"machine": "m-1"}));
    assert_eq!(activate["label"], "Jane's laptop");
}

#[tokio::test]
async fn no_authorization_header_even_with_a_token_in_the_environment() {
    let (_server, polar, keys) = polar(vec![Key::new(1, "POLAR-AAAA-1111")]).await;
    assert_eq!(std::env::var("POLAR_ACCESS_TOKEN").as_deref(), Ok(ENV_TOKEN));
    // The ordinary client does read it: the environment really holds a token.
    let org_client = polar::Client::from_env().unwrap();
    assert!(format!("{org_client:?}").contains("bearer"), "{org_client:?}");

    let activation = keys.activate("POLAR-AAAA-1111", "pc").await.unwrap();
    keys.validate("POLAR-AAAA-1111").activation_id(activation.id).await.unwrap();
    keys.deactivate("POLAR-AAAA-1111", activation.id).await.unwrap();
    let _ = keys.validate("POLAR-WRONG-0000").await.unwrap_err();
    let seen = polar.authorization();
    assert_eq!(seen.len(), 4);
    assert!(seen.iter().all(Option::is_none), "{seen:?}");
    assert!(!format!("{keys:?}").contains(ENV_TOKEN));
}

#[tokio::test]
async fn the_simulator_refuses_a_token_it_does_not_know() {
    // The other side of the test above: had a token been sent, Polar would answer 401.
    let (server, _polar, _keys) = polar(vec![Key::new(1, "POLAR-AAAA-1111")]).await;
    let client = polar::Client::builder().access_token("polar_oat_x").base_url(server.uri()).build().unwrap();
    let body = polar::models::LicenseKeyValidate::new("POLAR-AAAA-1111", ORG);
    // The customer-portal operation sends no token even from a client that has one, nor a
    // per-request one: it has no security requirement.
    client.customer_portal().license_keys().validate(body.clone()).await.unwrap();
    client.customer_portal().license_keys().validate(body.clone()).access_token("polar_oat_x").await.unwrap();
    let header = RequestOptions::new()
        .header(HeaderName::from_static("authorization"), HeaderValue::from_static("Bearer polar_oat_x"));
    let err = client.customer_portal().license_keys().validate(body).options(header).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
    assert!(err.to_string().contains("invalid_token"), "{err}");
}

#[tokio::test]
async fn wrong_key_wrong_organization_and_errors_keep_the_underlying_error() {
    let (server, _polar, keys) = polar(vec![Key::new(1, "POLAR-AAAA-1111")]).await;
    let err = keys.activate("POLAR-TYPO-1111", "pc").await.unwrap_err();
    let LicenseError::NotFound(inner) = &err else { panic!("{err:?}") };
    assert_eq!(inner.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(inner.operation(), "customer_portal:license_keys:activate");
    assert_eq!(
        err.to_string(),
        "license key not found: customer_portal:license_keys:activate: HTTP 404 Not Found: Not found"
    );
    // Another organization's client does not find the key either.
    let other = LicenseKeys::builder(Uuid::from_u128(7)).base_url(server.uri()).build().unwrap();
    let err = other.validate("POLAR-AAAA-1111").await.unwrap_err();
    assert!(matches!(err, LicenseError::NotFound(_)), "{err:?}");
    assert_eq!(err.into_error().status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn activation_limit_reached() {
    let mut key = Key::new(1, "POLAR-AAAA-1111");
    key.limit_activations = Some(1);
    let (_server, _polar, keys) = polar(vec![key]).await;
    let first = keys.activate("POLAR-AAAA-1111", "laptop").await.unwrap();
    let err = keys.activate("POLAR-AAAA-1111", "desktop").await.unwrap_err();
    assert!(matches!(err, LicenseError::ActivationLimitReached(_)), "{err:?}");
    assert_eq!(err.error().status().map(|s| s.as_u16()), Some(403));
    assert!(!err.is_unreachable());
    // Deactivating the first frees its place.
    keys.deactivate("POLAR-AAAA-1111", first.id).await.unwrap();
    keys.activate("POLAR-AAAA-1111", "desktop").await.unwrap();
}

#[tokio::test]
async fn revoked_disabled_and_expired_keys() {
    let mut revoked = Key::new(1, "POLAR-REVO-1111");
    revoked.status = "revoked";
    let mut disabled = Key::new(2, "POLAR-DISA-2222");
    disabled.status = "disabled";
    let mut expired = Key::new(3, "POLAR-EXPI-3333");
    expired.expires_at = Some("2020-01-01T00:00:00Z");
    let mut valid_until = Key::new(4, "POLAR-LATE-4444");
    valid_until.expires_at = Some("2100-01-01T00:00:00Z");
    let (_server, _polar, keys) = polar(vec![revoked, disabled, expired, valid_until]).await;
    for key in ["POLAR-REVO-1111", "POLAR-DISA-2222"] {
        // 404 on validate, 403 on activate: the same variant.
        let err = keys.validate(key).await.unwrap_err();
        assert!(matches!(err, LicenseError::NoLongerActive(_)), "{key}: {err:?}");
        assert_eq!(err.error().status().map(|s| s.as_u16()), Some(404));
        let err = keys.activate(key, "pc").await.unwrap_err();
        assert!(matches!(err, LicenseError::NoLongerActive(_)), "{key}: {err:?}");
        assert_eq!(err.error().status().map(|s| s.as_u16()), Some(403));
    }
    let err = keys.validate("POLAR-EXPI-3333").await.unwrap_err();
    assert!(matches!(err, LicenseError::Expired(_)), "{err:?}");
    let err = keys.activate("POLAR-EXPI-3333", "pc").await.unwrap_err();
    assert!(matches!(err, LicenseError::Expired(_)), "{err:?}");
    assert!(err.to_string().starts_with("license key expired: "), "{err}");
    let key = keys.validate("POLAR-LATE-4444").await.unwrap();
    assert_eq!(key.expires_at.map(|at| at.to_rfc3339()).as_deref(), Some("2100-01-01T00:00:00+00:00"));
}

#[tokio::test]
async fn usage_limit_conditions_benefit_and_customer() {
    let mut metered = Key::new(1, "POLAR-USES-1111");
    metered.limit_usage = Some(10);
    metered.usage = 8;
    let mut no_activations = Key::new(2, "POLAR-NOAC-2222");
    no_activations.limit_activations = None;
    let (_server, polar, keys) = polar(vec![metered, no_activations]).await;

    let key = keys.validate("POLAR-USES-1111").increment_usage(1).await.unwrap();
    assert_eq!(key.usage, 9);
    let err = keys.validate("POLAR-USES-1111").increment_usage(5).await.unwrap_err();
    let LicenseError::UsageLimitReached { remaining, error } = &err else { panic!("{err:?}") };
    assert_eq!(*remaining, Some(1));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(polar.key("POLAR-USES-1111").usage, 9, "a refused validation counts nothing");

    let err = keys.activate("POLAR-NOAC-2222", "pc").await.unwrap_err();
    assert!(matches!(err, LicenseError::ActivationsNotSupported(_)), "{err:?}");
    keys.validate("POLAR-NOAC-2222").await.unwrap();

    let activation = keys.activate("POLAR-USES-1111", "pc").condition("machine", machine("m-1")).await.unwrap();
    let err = keys
        .validate("POLAR-USES-1111")
        .activation_id(activation.id)
        .condition("machine", machine("m-2"))
        .await
        .unwrap_err();
    assert!(matches!(err, LicenseError::ConditionsMismatch(_)), "{err:?}");
    let err = keys.validate("POLAR-USES-1111").benefit_id(Uuid::from_u128(1)).await.unwrap_err();
    assert!(matches!(err, LicenseError::BenefitMismatch(_)), "{err:?}");
    let err = keys.validate("POLAR-USES-1111").customer_id(Uuid::from_u128(1)).await.unwrap_err();
    assert!(matches!(err, LicenseError::CustomerMismatch(_)), "{err:?}");
}

#[tokio::test]
async fn a_key_not_granted_yet_is_found_by_retry_not_found() {
    let mut fresh = Key::new(1, "POLAR-NEW0-1111");
    fresh.hidden_for = 1;
    let (server, _polar, keys) = polar(vec![fresh]).await;
    // Without the option, the first 404 is the answer.
    let err = keys.activate("POLAR-NEW0-1111", "pc").await.unwrap_err();
    assert!(matches!(err, LicenseError::NotFound(_)), "{err:?}");

    let mut later = Key::new(2, "POLAR-NEW0-2222");
    later.hidden_for = 2;
    let (server2, _polar2, keys2) = polar(vec![later]).await;
    let start = Instant::now();
    let activation = keys2.activate("POLAR-NEW0-2222", "pc").retry_not_found(Duration::from_secs(10)).await.unwrap();
    // Waited 1 s, then 2 s.
    let waited = start.elapsed();
    assert!(waited >= Duration::from_secs(3) && waited < Duration::from_secs(6), "{waited:?}");
    assert_eq!(server2.received_requests().await.unwrap().len(), 3);
    assert_eq!(activation.label, "pc");

    // A window too short for the next wait reports the 404 without waiting.
    let start = Instant::now();
    let err = keys.validate("POLAR-TYPO-1111").retry_not_found(Duration::from_millis(500)).await.unwrap_err();
    assert!(matches!(err, LicenseError::NotFound(_)), "{err:?}");
    assert!(start.elapsed() < Duration::from_millis(500));
    // Other refusals are never retried.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn unreachable_and_rate_limited() {
    token_in_env();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let keys = LicenseKeys::builder(ORG)
        .base_url(format!("http://127.0.0.1:{closed}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = keys.validate("POLAR-AAAA-1111").await.unwrap_err();
    assert!(matches!(err, LicenseError::Unreachable(_)), "{err:?}");
    assert!(err.is_unreachable());
    assert!(std::error::Error::source(&err).is_some(), "the transport error is the source");

    // Polar's rate limiter: 429, `retry-after: 60`, empty body.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(429).insert_header("retry-after", "60")).mount(&server).await;
    let keys = LicenseKeys::builder(ORG).base_url(server.uri()).build().unwrap();
    let start = Instant::now();
    let err = keys.activate("POLAR-AAAA-1111", "pc").await.unwrap_err();
    assert!(matches!(err, LicenseError::RateLimited(_)), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    assert!(start.elapsed() < Duration::from_secs(5), "a 60 s wait is beyond the retry budget");

    // A router's 404 (a wrong base URL) is not a missing key.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("polar-version", "2026-10")
                .set_body_json(json!({"detail": "Not Found"})),
        )
        .mount(&server)
        .await;
    let keys = LicenseKeys::builder(ORG).base_url(format!("{}/wrong", server.uri())).build().unwrap();
    let err = keys.validate("POLAR-AAAA-1111").await.unwrap_err();
    assert!(matches!(err, LicenseError::Other(_)), "{err:?}");
}

#[test]
fn builder_defaults_and_debug() {
    token_in_env();
    let keys = LicenseKeys::new(ORG).unwrap();
    assert_eq!(keys.base_url(), "https://api.polar.sh");
    assert_eq!(keys.organization_id(), ORG);
    let sandbox = LicenseKeys::builder(ORG).server(polar::Server::Sandbox).build().unwrap();
    assert_eq!(sandbox.base_url(), "https://sandbox-api.polar.sh");
    let request = keys.validate("POLAR-SECRET-KEY");
    assert!(!format!("{request:?}").contains("SECRET"), "{request:?}");
    assert!(!format!("{:?}", LicenseKeys::builder(ORG)).contains(ENV_TOKEN));
    let err = LicenseKeys::builder(ORG).base_url("not a url").build().unwrap_err();
    assert!(matches!(err, polar::BuildError::InvalidBaseUrl(_)), "{err:?}");
}

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;

    /// The simulated server, started from a runtime that the test then leaves: the
    /// blocking calls run on a plain thread, as in a CLI.
    fn polar_blocking(keys: Vec<Key>) -> (tokio::runtime::Runtime, MockServer, Polar, LicenseKeys) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (server, polar, keys) = runtime.block_on(polar(keys));
        (runtime, server, polar, keys)
    }

    #[test]
    fn the_flow_blocking() {
        let mut key = Key::new(1, "POLAR-AAAA-1111");
        key.limit_activations = Some(1);
        let (_runtime, _server, polar, keys) = polar_blocking(vec![key]);
        let activation = keys.activate("POLAR-AAAA-1111", "cli").send_blocking().unwrap();
        let err = keys.activate("POLAR-AAAA-1111", "cli 2").send_blocking().unwrap_err();
        assert!(matches!(err, LicenseError::ActivationLimitReached(_)), "{err:?}");
        let key = keys.validate("POLAR-AAAA-1111").activation_id(activation.id).send_blocking().unwrap();
        assert_eq!(key.validations, 1);
        keys.deactivate("POLAR-AAAA-1111", activation.id).send_blocking().unwrap();
        let err = keys.validate("POLAR-AAAA-1111").activation_id(activation.id).send_blocking().unwrap_err();
        assert!(matches!(err, LicenseError::NotFound(_)), "{err:?}");
        assert!(polar.authorization().iter().all(Option::is_none));
    }

    #[test]
    fn retry_not_found_blocking() {
        let mut fresh = Key::new(1, "POLAR-NEW0-1111");
        fresh.hidden_for = 1;
        let (_runtime, _server, _polar, keys) = polar_blocking(vec![fresh]);
        let start = Instant::now();
        keys.validate("POLAR-NEW0-1111").retry_not_found(Duration::from_secs(5)).send_blocking().unwrap();
        assert!(start.elapsed() >= Duration::from_secs(1));
    }

    #[tokio::test]
    async fn refused_inside_an_async_runtime() {
        let (_server, polar, keys) = polar(vec![Key::new(1, "POLAR-AAAA-1111")]).await;
        let err = keys.validate("POLAR-AAAA-1111").send_blocking().unwrap_err();
        let LicenseError::Other(inner) = &err else { panic!("{err:?}") };
        assert!(matches!(inner.kind(), polar::ErrorKind::Blocking(_)), "{inner:?}");
        assert_eq!(inner.operation(), "customer_portal:license_keys:validate");
        assert!(polar.authorization().is_empty(), "nothing was sent");
        // `.await` works there.
        keys.validate("POLAR-AAAA-1111").await.unwrap();
    }
}
