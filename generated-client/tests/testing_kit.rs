//! The test kit's webhook samples (`webhooks::samples`, the `test-util` feature), per API
//! version: one for each of the spec's events (`tests/data/webhooks/spec_events.json`,
//! listed by `scripts/webhook_payloads.py` from the spec, not by the generator), each
//! decoding into its own typed `WebhookEvent` variant with every property kept, and each
//! sent as a signed delivery that Polar's verifier accepts.
//! `cargo test -p polar-sh-sdk --features test-util,v2026-04 --test testing_kit`.
#![cfg(all(feature = "test-util", feature = "webhook-events"))]

use std::collections::BTreeSet;

use polar::testing::WebhookDelivery;
use serde_json::Value;

/// The spec's event names.
const SPEC_EVENTS: &str = include_str!("data/webhooks/spec_events.json");
/// A secret shaped like Polar's (`whsec_` and 43 letters and digits).
const SECRET: &str = "whsec_3kZpW9sQx7TcVb2LmN4rYh8JdFg6Ua1Eo5Ki0XnMzPq";

fn spec_events() -> BTreeSet<String> {
    let events: BTreeSet<String> = serde_json::from_str(SPEC_EVENTS).expect("spec_events.json is a list of names");
    assert_eq!(events.len(), 41, "the spec's events");
    events
}

/// The checks of one version's samples module (`$version::webhooks`).
macro_rules! check_samples {
    ($webhooks:path) => {{
        use $webhooks::{samples, WebhookEvent, WebhookVerifier};
        let events = spec_events();
        // Every sample decodes (all failures at once, before `all()` would stop at the first).
        let failures: Vec<String> = events
            .iter()
            .filter_map(|event| {
                let json = samples::json(event)?;
                serde_json::from_str::<WebhookEvent>(json).err().map(|e| format!("{event}: {e}"))
            })
            .collect();
        assert!(failures.is_empty(), "samples that do not decode:\n{}", failures.join("\n"));
        let all = samples::all();
        let names: Vec<&str> = all.iter().map(WebhookEvent::event_type).collect();
        assert_eq!(names.len(), 41, "one sample per event");
        assert_eq!(names.iter().map(|name| (*name).to_owned()).collect::<BTreeSet<_>>(), events);
        let verifier = WebhookVerifier::new(SECRET).expect("a Polar-shaped secret");
        for event in &events {
            let sample = all.iter().find(|sample| sample.event_type() == event).expect("a sample of every event");
            let json = samples::json(event).unwrap_or_else(|| panic!("no JSON sample of {event}"));
            let decoded: WebhookEvent = serde_json::from_str(json).unwrap_or_else(|e| panic!("{event}: {e}"));
            assert!(!matches!(decoded, WebhookEvent::Unknown { .. }), "{event} decodes as its own variant");
            assert_eq!(decoded.event_type(), event);
            assert_eq!(&decoded, sample, "{event}: `all()` holds the decoded sample");
            // Every property of the sample is kept by the typed payload: none is unknown
            // to the model or dropped by it.
            let original: Value = serde_json::from_str(json).expect("the sample is JSON");
            assert_eq!(serde_json::to_value(&decoded).expect("serializes"), original, "{event} round trip");
            assert!(original["data"].as_object().is_some_and(|data| data.len() >= 3), "{event} has realistic data");
            // A signed delivery of it is accepted and decodes back.
            let delivery = WebhookDelivery::new(SECRET, sample).expect("signs");
            let received: WebhookEvent = verifier
                .verify_and_decode(&delivery.headers(), delivery.body())
                .unwrap_or_else(|e| panic!("{event}: {e}"));
            assert_eq!(&received, sample);
        }
        assert_eq!(samples::json("no.such_event"), None);
    }};
}

#[cfg(feature = "v2026-10")]
#[test]
fn every_event_of_v2026_10_has_a_sample_that_decodes_into_its_variant() {
    check_samples!(polar::v2026_10::webhooks);
    // The functions return the event's payload type, ready to change.
    let mut paid = polar::webhooks::samples::order_paid();
    paid.data.total_amount = 4200;
    let delivery = WebhookDelivery::new(SECRET, &paid).expect("signs");
    let event: polar::webhooks::WebhookEvent = serde_json::from_slice(delivery.body()).expect("decodes");
    let polar::webhooks::WebhookEvent::OrderPaid(received) = event else { panic!("{event:?}") };
    assert_eq!(received.data.total_amount, 4200);
}

#[cfg(feature = "v2026-04")]
#[test]
fn every_event_of_v2026_04_has_a_sample_that_decodes_into_its_variant() {
    check_samples!(polar::v2026_04::webhooks);
}

/// The samples are the same on every call, and differ between events only where the
/// events differ (no shared counter leaks from one sample into another).
#[cfg(feature = "v2026-10")]
#[test]
fn samples_are_deterministic() {
    use polar::webhooks::samples;
    assert_eq!(samples::all(), samples::all());
    let created: Value = serde_json::from_str(samples::json("order.created").expect("a sample")).expect("JSON");
    let paid: Value = serde_json::from_str(samples::json("order.paid").expect("a sample")).expect("JSON");
    assert_eq!(created["data"]["id"], paid["data"]["id"], "each sample numbers its own identifiers");
    assert_eq!(created["data"]["id"], "00000000-0000-4000-8000-000000000001");
}
