//! Every webhook event of the spec, signed, verified and decoded into
//! `WebhookEvent`, plus the verifier's behaviour on bad deliveries.
//!
//! The payloads come from `tests/data/webhooks/payloads.json` (one per event)
//! and `tests/data/webhooks/data_variants.json` (one per branch of each union
//! used as an event's `data`: every benefit type, discount kind, ...), which
//! `scripts/webhook_payloads.py` builds from the spec's `Webhook*Payload`
//! schemas and validates against them with the `jsonschema` package; the
//! same script lists the spec's event names in `spec_events.json`. Nothing
//! here reads outside the crate directory.

use std::collections::BTreeSet;

use polar::webhooks::{WebhookError, WebhookEvent, WebhookVerifier};
use serde_json::{json, Value};

const PAYLOADS: &str = include_str!("data/webhooks/payloads.json");
/// One payload per branch of every union used as an event's `data`.
const DATA_VARIANTS: &str = include_str!("data/webhooks/data_variants.json");
/// The event names of the spec's `webhooks:` section, written by the same script.
const SPEC_EVENTS: &str = include_str!("data/webhooks/spec_events.json");

/// A raw secret, as Polar's dashboard shows it (not a real one).
const RAW_SECRET: &str = "polar_whs_TestOnlyNotARealSecret0123456789abcdef";
/// `RAW_SECRET` in the Standard Webhooks form: `"whsec_" + base64(RAW_SECRET)`.
const WHSEC_SECRET: &str = "whsec_cG9sYXJfd2hzX1Rlc3RPbmx5Tm90QVJlYWxTZWNyZXQwMTIzNDU2Nzg5YWJjZGVm";
/// The base64 text of `WHSEC_SECRET`, which must not leak either.
const WHSEC_KEY_TEXT: &str = "cG9sYXJfd2hzX1Rlc3RPbmx5Tm90QVJlYWxTZWNyZXQwMTIzNDU2Nzg5YWJjZGVm";

const MSG_ID: &str = "msg_2Ks3C8aXvQ1RfJm9TzLw0Hn7Ybe";
/// 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(RAW_SECRET).expect("raw secret")
}

/// The three Standard Webhooks headers for a body signed by `verifier`.
fn signed_headers(verifier: &WebhookVerifier, body: &[u8]) -> Vec<(String, String)> {
    vec![
        ("webhook-id".to_owned(), MSG_ID.to_owned()),
        ("webhook-timestamp".to_owned(), NOW.to_string()),
        ("webhook-signature".to_owned(), verifier.sign(MSG_ID, NOW, body)),
    ]
}

fn decode(verifier: &WebhookVerifier, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let headers = signed_headers(verifier, body);
    verifier.verify_and_decode_at(&headers, body, NOW)
}

/// `(event, payload)` pairs from the test data, in file order.
fn payloads() -> Vec<(String, Value)> {
    let entries: Vec<Value> = serde_json::from_str(PAYLOADS).expect("payloads.json is JSON");
    entries
        .into_iter()
        .map(|entry| {
            let event = entry["event"].as_str().expect("event name").to_owned();
            (event, entry["payload"].clone())
        })
        .collect()
}

fn payload_of(event: &str) -> Value {
    payloads().into_iter().find(|(name, _)| name == event).unwrap_or_else(|| panic!("no payload for {event}")).1
}

/// The event names of the spec's `webhooks:` section.
fn spec_events() -> BTreeSet<String> {
    serde_json::from_str(SPEC_EVENTS).expect("spec_events.json is a JSON list of names")
}

#[test]
fn payloads_cover_exactly_the_spec_events() {
    let payloads = payloads();
    let events: BTreeSet<String> = payloads.iter().map(|(event, _)| event.clone()).collect();
    assert_eq!(payloads.len(), 41, "one payload per event");
    assert_eq!(events.len(), 41, "41 distinct events");
    assert_eq!(events, spec_events());
    for (event, payload) in &payloads {
        assert_eq!(payload["type"], json!(event), "{event}: payload `type`");
    }
    // Sorted by event, as the generator writes them.
    let order: Vec<&String> = payloads.iter().map(|(event, _)| event).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn every_event_verifies_decodes_and_round_trips() {
    let verifier = verifier();
    let mut outcomes = Vec::new();
    let mut checked = BTreeSet::new();
    for (event, payload) in payloads() {
        let problem = check_round_trip(&verifier, &event, &payload);
        outcomes.push((event.clone(), problem));
        checked.insert(event);
    }
    assert_eq!(checked, spec_events(), "every spec event checked");
    assert_outcomes("events", &outcomes, KNOWN_EVENT_FAILURES);
}

/// Events whose payload the generated client decodes into the wrong type, with the
/// reason. Empty: every event round-trips. A generator regression that needs a
/// temporary entry here must state why; an entry that starts passing fails the test.
const KNOWN_EVENT_FAILURES: &[(&str, &str)] = &[];

/// Like `KNOWN_EVENT_FAILURES`, for `data_variants.json`.
const KNOWN_VARIANT_FAILURES: &[(&str, &str)] = &[];

/// Fails on any failure not in `known`, and on any entry of `known` that
/// now passes or no longer exists.
fn assert_outcomes(what: &str, outcomes: &[(String, Option<String>)], known: &[(&str, &str)]) {
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for (label, problem) in outcomes {
        let is_known = known.iter().any(|(name, _)| name == label);
        match (problem, is_known) {
            (Some(problem), false) => unexpected.push(format!("{label}: {problem}")),
            (Some(problem), true) => {
                println!("known generator bug, still failing: {label}: {problem}")
            }
            (None, true) => fixed.push(label.clone()),
            (None, false) => {}
        }
    }
    for (name, _) in known {
        assert!(
            outcomes.iter().any(|(label, _)| label == name),
            "known-failure entry {name:?} matches no {what} entry: remove it"
        );
    }
    assert!(
        unexpected.is_empty(),
        "{} of {} {what} failed:\n\n{}",
        unexpected.len(),
        outcomes.len(),
        unexpected.join("\n\n")
    );
    assert!(
        fixed.is_empty(),
        "these {what} now decode and round-trip correctly; remove them from the known \
         failures: {fixed:?}"
    );
}

/// Where two JSON values differ, one line per difference.
fn json_diff(expected: &Value, actual: &Value, path: &str) -> Vec<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter()
                .flat_map(|key| {
                    let path = format!("{path}.{key}");
                    match (a.get(key), b.get(key)) {
                        (Some(x), Some(y)) => json_diff(x, y, &path),
                        (Some(x), None) => vec![format!("  {path}: sent {x}, dropped")],
                        (None, Some(y)) => vec![format!("  {path}: not sent, added {y}")],
                        (None, None) => Vec::new(),
                    }
                })
                .collect()
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().flat_map(|(i, (x, y))| json_diff(x, y, &format!("{path}[{i}]"))).collect()
        }
        _ if expected == actual => Vec::new(),
        _ => vec![format!("  {path}: sent {expected}, re-serialized as {actual}")],
    }
}

/// Decodes `payload` as a signed delivery of `event` and checks that it is
/// the right variant and re-serializes to the same JSON; returns what went
/// wrong, if anything.
fn check_round_trip(verifier: &WebhookVerifier, event: &str, payload: &Value) -> Option<String> {
    let body = serde_json::to_vec(payload).expect("serialize payload");
    let decoded = match decode(verifier, &body) {
        Ok(decoded) => decoded,
        Err(err) => return Some(format!("verify_and_decode failed: {err}")),
    };
    if matches!(decoded, WebhookEvent::Unknown { .. }) {
        return Some("decoded as Unknown".to_owned());
    }
    if decoded.event_type() != event {
        return Some(format!("event_type() is {:?}", decoded.event_type()));
    }
    let reserialized = serde_json::to_value(&decoded).expect("serialize event");
    if &reserialized != payload {
        return Some(format!(
            "re-serialized JSON differs from the payload:\n{}",
            json_diff(payload, &reserialized, "$").join("\n")
        ));
    }
    let again: WebhookEvent = serde_json::from_value(reserialized).expect("decode again");
    (again != decoded).then(|| "second decode differs".to_owned())
}

#[test]
fn every_data_union_branch_decodes_as_itself() {
    let verifier = verifier();
    let variants: Vec<Value> = serde_json::from_str(DATA_VARIANTS).expect("data_variants.json is JSON");
    assert!(variants.len() >= 24, "{} variants", variants.len());
    let mut outcomes = Vec::new();
    for entry in &variants {
        let event = entry["event"].as_str().expect("event");
        let variant = entry["variant"].as_str().expect("variant");
        let payload = &entry["payload"];
        let label = format!("{event} with data {variant}");
        let mut problem = check_round_trip(&verifier, event, payload);
        if problem.is_none() {
            // The Rust struct of the branch is named after its schema.
            let body = serde_json::to_vec(payload).expect("serialize");
            let debug = format!("{:?}", decode(&verifier, &body).expect("decoded above"));
            if !debug.contains(&format!("{variant} {{")) {
                let start = debug.find("data:").unwrap_or(0);
                let shown: String = debug[start..].chars().take(120).collect();
                problem = Some(format!("decoded as another type: {shown}…"));
            }
        }
        outcomes.push((label, problem));
    }
    assert_outcomes("data variants", &outcomes, KNOWN_VARIANT_FAILURES);
}

#[test]
fn unknown_event_type_decodes_as_unknown() {
    let verifier = verifier();
    let payload = json!({
        "type": "foo.bar",
        "timestamp": "2025-06-01T12:00:00Z",
        "data": {"id": "not checked", "nested": [1, 2.5, null, {"x": true}]}
    });
    let body = serde_json::to_vec(&payload).expect("serialize");
    let event = decode(&verifier, &body).expect("a signed unknown event is not an error");
    match &event {
        WebhookEvent::Unknown { event_type, payload: kept } => {
            assert_eq!(event_type, "foo.bar");
            assert_eq!(kept, &payload);
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(event.event_type(), "foo.bar");
    assert_eq!(serde_json::to_value(&event).expect("serialize"), payload);

    // Unknown events are still verified first.
    let headers = signed_headers(&verifier, &body);
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    assert_eq!(
        verifier.verify_and_decode_at::<WebhookEvent>(&headers, &tampered, NOW),
        Err(WebhookError::NoMatchingSignature)
    );
}

#[test]
fn payload_without_a_type_or_not_an_object_is_a_decode_error() {
    // Every event Polar sends has a `type`: a payload without one is no event of any
    // version, and neither is a payload that is not an object.
    let verifier = verifier();
    for body in [&br#"{"data":{}}"#[..], b"null", b"[]", br#""order.paid""#] {
        match decode(&verifier, body) {
            Err(WebhookError::Decode { path, .. }) => assert_eq!(path, ".", "{body:?}"),
            other => panic!("{body:?}: expected a decode error, got {other:?}"),
        }
    }
    // An event type this crate does not know is kept.
    match decode(&verifier, br#"{"type":"brand_new.event","data":{}}"#).expect("decodes") {
        WebhookEvent::Unknown { event_type, .. } => assert_eq!(event_type, "brand_new.event"),
        other => panic!("expected Unknown, got {other:?}"),
    }
}

/// An explicit `null` on an optional property decodes; it re-serializes as
/// an absent property (the models skip `None`), which means the same.
#[test]
fn explicit_null_on_an_optional_property_decodes() {
    let verifier = verifier();
    let mut payload = payload_of("order.paid");
    payload["data"]["next_payment_attempt_at"] = Value::Null;
    let body = serde_json::to_vec(&payload).expect("serialize");
    let event = decode(&verifier, &body).expect("null is accepted");
    let reserialized = serde_json::to_value(&event).expect("serialize");
    assert!(reserialized["data"].get("next_payment_attempt_at").is_none());
    payload["data"].as_object_mut().expect("object").remove("next_payment_attempt_at");
    assert_eq!(reserialized, payload);
}

#[test]
fn tampered_body_is_rejected() {
    let verifier = verifier();
    let payload = payload_of("order.paid");
    let body = serde_json::to_vec(&payload).expect("serialize");
    let headers = signed_headers(&verifier, &body);

    let mut changed = payload.clone();
    changed["data"]["total_amount"] = json!(1);
    let changed = serde_json::to_vec(&changed).expect("serialize");
    assert_ne!(changed, body);
    for tampered in [changed, [body.as_slice(), b"\n"].concat(), body[..body.len() - 1].to_vec()] {
        assert_eq!(
            verifier.verify_and_decode_at::<WebhookEvent>(&headers, &tampered, NOW),
            Err(WebhookError::NoMatchingSignature)
        );
    }
    // The untouched body still verifies with the same headers.
    assert!(verifier.verify_and_decode_at::<WebhookEvent>(&headers, &body, NOW).is_ok());
}

#[test]
fn raw_and_whsec_secret_forms_are_the_same_key() {
    let raw = WebhookVerifier::new(RAW_SECRET).expect("raw form");
    // The standard scheme's key of the `whsec_` form (`new` signs with the whole secret,
    // as Polar's server does, and verifies under this key too).
    let whsec = WebhookVerifier::from_whsec(WHSEC_SECRET).expect("whsec form");
    let body = serde_json::to_vec(&payload_of("subscription.active")).expect("serialize");
    assert_eq!(raw.sign(MSG_ID, NOW, &body), whsec.sign(MSG_ID, NOW, &body));
    let either = WebhookVerifier::new(WHSEC_SECRET).expect("whsec form");
    assert!(either.verify_and_decode_at::<WebhookEvent>(&signed_headers(&raw, &body), &body, NOW).is_ok());

    // Signed with one form, accepted by the other, in both directions.
    for (signer, checker) in [(&raw, &whsec), (&whsec, &raw)] {
        let headers = signed_headers(signer, &body);
        let event: WebhookEvent =
            checker.verify_and_decode_at(&headers, &body, NOW).expect("verifies under the other form");
        assert_eq!(event.event_type(), "subscription.active");
    }

    // A different secret is not accepted.
    let other = WebhookVerifier::new("polar_whs_SomeOtherSecret").expect("raw");
    let headers = signed_headers(&other, &body);
    assert_eq!(raw.verify_and_decode_at::<WebhookEvent>(&headers, &body, NOW), Err(WebhookError::NoMatchingSignature));
}

#[test]
fn error_messages_never_contain_the_secret() {
    let verifier = verifier();
    let body = serde_json::to_vec(&payload_of("checkout.created")).expect("serialize");
    let good = signed_headers(&verifier, &body);
    let with = |name: &str, value: &str| -> Vec<(String, String)> {
        good.iter()
            .map(|(k, v)| {
                let v = if k == name { value.to_owned() } else { v.clone() };
                (k.clone(), v)
            })
            .collect()
    };

    let mut errors: Vec<WebhookError> = vec![
        verifier.verify_and_decode_at::<WebhookEvent>(&good, b"{}x", NOW).expect_err("tampered"),
        verifier.verify_and_decode_at::<WebhookEvent>(&good, &body, NOW + 3600).expect_err("too old"),
        verifier.verify_and_decode_at::<WebhookEvent>(&good, &body, NOW - 3600).expect_err("in the future"),
        verifier
            .verify_and_decode_at::<WebhookEvent>(&with("webhook-signature", "v1"), &body, NOW)
            .expect_err("malformed signature header"),
        verifier
            .verify_and_decode_at::<WebhookEvent>(&with("webhook-timestamp", "soon"), &body, NOW)
            .expect_err("invalid timestamp"),
        verifier.verify_and_decode_at::<WebhookEvent>(&with("webhook-id", ""), &body, NOW).expect_err("missing id"),
        WebhookVerifier::new("").expect_err("empty secret"),
        WebhookVerifier::from_whsec(&format!("{WHSEC_SECRET}!")).expect_err("bad base64"),
        WebhookVerifier::from_whsec("whsec_").expect_err("empty whsec key"),
    ];
    // A decode error whose data quotes nothing secret-like.
    let mut bad = payload_of("order.paid");
    bad["data"]["total_amount"] = json!("lots");
    let bad = serde_json::to_vec(&bad).expect("serialize");
    errors.push(decode(&verifier, &bad).expect_err("decode error"));

    for err in &errors {
        let display = err.to_string();
        let debug = format!("{err:?}");
        for text in [&display, &debug] {
            for secret in [RAW_SECRET, WHSEC_SECRET, WHSEC_KEY_TEXT] {
                assert!(!text.contains(secret), "{text:?} leaks the secret");
            }
            // Not even a recognisable part of it.
            assert!(!text.contains("TestOnlyNotARealSecret"), "{text:?}");
        }
    }
    // The verifier's own Debug output does not show the key either.
    for verifier in [&verifier, &WebhookVerifier::new(WHSEC_SECRET).expect("whsec")] {
        let debug = format!("{verifier:?}");
        assert!(!debug.contains("TestOnlyNotARealSecret") && !debug.contains(WHSEC_KEY_TEXT));
    }
}

/// The signature is valid but `data.total_amount` is a string where the
/// schema says integer: a `Decode` error that names the JSON path.
#[test]
fn schema_mismatch_is_a_decode_error_with_the_json_path() {
    let verifier = verifier();
    let mut payload = payload_of("order.paid");
    payload["data"]["total_amount"] = json!("lots");
    let body = serde_json::to_vec(&payload).expect("serialize");
    let err = decode(&verifier, &body).expect_err("data does not match the schema");
    let WebhookError::Decode { path, message } = &err else {
        panic!("expected Decode, got {err:?}");
    };
    let located = format!("{path} {message}");
    assert!(located.contains("data.total_amount"), "no JSON path in {err:?}");
    assert!(message.contains("invalid type"), "{message}");
    assert!(err.to_string().contains("data.total_amount"), "{err}");

    // Nested inside an array, and a missing required property.
    let mut payload = payload_of("order.paid");
    payload["data"]["items"][0]["amount"] = json!(true);
    let err = decode(&verifier, &serde_json::to_vec(&payload).expect("serialize")).expect_err("bad item");
    assert!(err.to_string().contains("data.items[0].amount"), "{err}");

    let mut payload = payload_of("subscription.canceled");
    payload["data"].as_object_mut().expect("object").remove("customer");
    let err = decode(&verifier, &serde_json::to_vec(&payload).expect("serialize")).expect_err("missing field");
    assert!(matches!(err, WebhookError::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("customer"), "{err}");

    // A malformed UUID is caught too.
    let mut payload = payload_of("refund.created");
    payload["data"]["id"] = json!("not-a-uuid");
    let err = decode(&verifier, &serde_json::to_vec(&payload).expect("serialize")).expect_err("bad uuid");
    assert!(err.to_string().contains("data.id"), "{err}");
}

/// `WebhookError::Decode::path` names the place where decoding failed, also
/// through the event enum (which decodes its arm from buffered JSON).
#[test]
fn decode_error_path_field_names_the_failing_property() {
    let verifier = verifier();
    let mut payload = payload_of("order.paid");
    payload["data"]["total_amount"] = json!("lots");
    let body = serde_json::to_vec(&payload).expect("serialize");
    match decode(&verifier, &body) {
        Err(WebhookError::Decode { path, .. }) => assert_eq!(path, "data.total_amount"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[test]
fn stale_and_future_deliveries_are_rejected() {
    let verifier = verifier();
    let body = serde_json::to_vec(&payload_of("order.created")).expect("serialize");
    let headers = signed_headers(&verifier, &body);
    assert!(matches!(
        verifier.verify_and_decode_at::<WebhookEvent>(&headers, &body, NOW + 301),
        Err(WebhookError::TimestampTooOld { .. })
    ));
    assert!(matches!(
        verifier.verify_and_decode_at::<WebhookEvent>(&headers, &body, NOW - 301),
        Err(WebhookError::TimestampInFuture { .. })
    ));
    assert!(verifier.verify_and_decode_at::<WebhookEvent>(&headers, &body, NOW + 300).is_ok());
}
