//! The ingester's rules one at a time, against the fault-injecting stand-in for Polar's
//! ingest endpoint (`tests/metering/server.rs`): ids, 422 splitting, full queue, shutdown
//! deadline, events handed back, Retry-After, size limits, flush and batching.
//! Needs `--features metering`.
#![cfg(feature = "metering")]

#[path = "metering/common.rs"]
mod common;
#[path = "metering/server.rs"]
mod server;

use std::time::{Duration, Instant};

use common::{builder, event, Reports};
use polar::metering::{external_id, Event, FailureReason, TrackError};
use polar::models::{EventCreateCustomer, EventCreateExternalCustomer, EventMetadataInput, MetadataValue};
use server::{Config, Fault, FaultServer, Faults, CUSTOMER};

async fn server() -> FaultServer {
    FaultServer::start(Config::default()).await
}

/// Waits up to 5 s for `condition`.
async fn eventually(mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn ids_are_assigned_at_capture_kept_when_set_and_reused_by_the_retry_after_a_lost_answer() {
    let server = server().await;
    // The nasty one: the batch is stored, then the connection dies before the answer.
    server.script([Some(Fault::CommitThenDrop)]);
    let reports = Reports::default();
    let ingester = builder(&server).start(reports.sink());
    let mut own = EventCreateExternalCustomer::new("api_call", "user_1");
    own.external_id = Some("order-1-usage".to_owned());
    ingester.track(own).unwrap();
    ingester.track(event(1)).unwrap();
    ingester.track(event(2)).unwrap();
    ingester.flush().await;

    let mut stored = server.stored_ids();
    stored.sort();
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert!(stored.contains(&"order-1-usage".to_owned()));
    let generated: Vec<_> = stored.iter().filter(|id| *id != "order-1-usage").collect();
    // One random prefix per ingester, then a counter.
    let prefix = |id: &str| id.split_once('-').unwrap().0.to_owned();
    assert_eq!(prefix(generated[0]), prefix(generated[1]));
    assert_eq!(prefix(generated[0]).len(), 32);

    let reports = reports.take();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    // The first request stored all three; its retry came back as three duplicates.
    assert_eq!((report.events, report.inserted, report.duplicates, report.requests, report.retries), (3, 0, 3, 2, 1));
    let counts = server.counts();
    assert_eq!((counts.requests, counts.inserted, counts.duplicates, counts.stored), (2, 3, 3, 3));
    let stats = ingester.stats();
    assert_eq!((stats.tracked, stats.inserted, stats.duplicates, stats.failed), (3, 0, 3, 0));
}

#[tokio::test]
async fn a_lost_answer_surfaces_as_a_transport_error_and_exhausted_batches_are_handed_back() {
    let server = server().await;
    server.script([Some(Fault::CommitThenDrop), Some(Fault::DropBefore), Some(Fault::CommitThenDrop)]);
    let reports = Reports::default();
    let ingester = builder(&server).max_attempts(3).start(reports.sink());
    for seq in 0..4 {
        ingester.track(event(seq)).unwrap();
    }
    ingester.flush().await;
    let report = reports.take().pop().unwrap();
    assert_eq!(report.failed.len(), 4);
    assert_eq!(report.requests, 3);
    for failed in &report.failed {
        let FailureReason::GaveUp { attempts, error } = &failed.reason else { panic!("{:?}", failed.reason) };
        assert_eq!(*attempts, 3);
        // No status, no timeout: the connection died before any byte of the answer.
        assert!(error.status().is_none() && !error.is_timeout() && !error.is_connect(), "{error:?}");
        assert!(error.is_retryable());
        assert!(failed.external_id().is_some());
    }
    // Stored anyway (by the first attempt): handing them back is honest about not knowing,
    // and resending them is deduplicated.
    assert_eq!(server.counts().stored, 4);
    let again = builder(&server).start(|_| {});
    for failed in report.failed {
        again.track(failed.event).unwrap();
    }
    let done = again.shutdown(Duration::from_secs(5)).await;
    assert_eq!((done.stats.inserted, done.stats.duplicates), (0, 4));
    assert_eq!(server.verify(4).stored, 4);
    assert!(server.verify(4).exactly_once());
}

#[tokio::test]
async fn invalid_events_are_handed_back_by_index_and_the_rest_is_stored() {
    let server = server().await;
    let reports = Reports::default();
    let ingester = builder(&server).start(reports.sink());
    let mut events: Vec<Event> = (0..10).map(event).collect();
    // Index 2: a customer Polar does not know (a service check, reported after the schema).
    events.insert(2, EventCreateCustomer::new("api_call", uuid::Uuid::from_u128(0x4000_8000_0000_0000_0001)).into());
    // Index 5: a name over 128 characters (schema).
    events.insert(5, EventCreateExternalCustomer::new("x".repeat(129), "user_1").into());
    // Index 7: a timestamp in the future (schema).
    let mut future = EventCreateExternalCustomer::new("api_call", "user_1");
    future.timestamp = Some(chrono::Utc::now() + chrono::Duration::hours(1));
    events.insert(7, future.into());
    // And one for a known customer, which is fine.
    events.push(EventCreateCustomer::new("api_call", CUSTOMER).into());
    let ids: Vec<String> = events.iter().map(|e| external_id(e).unwrap_or("").to_owned()).collect();
    assert!(ids.iter().all(String::is_empty), "no ids before tracking");
    for event in events {
        ingester.track(event).unwrap();
    }
    ingester.flush().await;

    let report = reports.take().pop().unwrap();
    assert_eq!(report.events, 14);
    // 422 for 5 and 7 (schema), then 422 for the unknown customer, then the rest stored.
    assert_eq!(report.requests, 3);
    assert_eq!(report.retries, 0);
    assert_eq!(report.inserted, 11);
    let mut failed: Vec<(String, String)> = report
        .failed
        .iter()
        .map(|f| {
            let FailureReason::Invalid(messages) = &f.reason else { panic!("{:?}", f.reason) };
            let name = match &f.event {
                Event::EventCreateCustomer(e) => e.name.clone(),
                Event::EventCreateExternalCustomer(e) => e.name.chars().take(10).collect(),
                Event::Unknown(_) => unreachable!(),
            };
            (name, messages.join("; "))
        })
        .collect();
    failed.sort();
    assert_eq!(
        failed,
        [
            (
                "api_call".to_owned(),
                "EventCreateExternalCustomer.timestamp: Value error, Timestamp must be in the past.".to_owned()
            ),
            ("api_call".to_owned(), "customer_id: Customer not found.".to_owned()),
            (
                "xxxxxxxxxx".to_owned(),
                "EventCreateExternalCustomer.name: String should have at most 128 characters".to_owned()
            ),
        ]
    );
    let counts = server.counts();
    assert_eq!((counts.answered_422, counts.stored), (2, 11));
    assert!(server.verify(10).missing == 0);
    let stats = ingester.stats();
    assert_eq!((stats.tracked, stats.inserted, stats.failed), (14, 11, 3));
}

#[tokio::test]
async fn a_full_queue_hands_events_back_or_waits_for_room() {
    let server = server().await;
    server.pause();
    let ingester = builder(&server).queue_capacity(5).batch_size(2).flush_interval(Duration::ZERO).start(|_| {});
    // One batch in flight (held by the server), one filled, five queued: then full.
    let mut tracked = 0u64;
    let refused = loop {
        match ingester.track(event(tracked)) {
            Ok(()) => tracked += 1,
            Err(refused) => break refused,
        }
        assert!(tracked <= 9, "the queue is bounded");
        tokio::task::yield_now().await;
    };
    assert!((5..=9).contains(&tracked), "{tracked}");
    assert!(matches!(refused, TrackError::Full(_)));
    assert_eq!(refused.to_string(), "the metering queue is full");
    let refused = refused.into_event();
    assert!(external_id(&refused).is_some(), "handed back with its id");
    assert_eq!(ingester.stats().refused, 1);
    assert_eq!(ingester.stats().queued, 5);

    // Waiting for room: blocked while the server holds the batch...
    let waiting = {
        let ingester = ingester.clone();
        tokio::spawn(async move { ingester.track_wait(refused).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiting.is_finished());
    // ...and through once it answers.
    server.resume();
    waiting.await.unwrap().unwrap();
    let done = ingester.shutdown(Duration::from_secs(5)).await;
    assert_eq!(done.stats.tracked, tracked + 1);
    assert!(server.verify(tracked + 1).exactly_once(), "{:?}", server.verify(tracked + 1));
}

#[tokio::test]
async fn shutdown_returns_what_it_could_not_send_by_the_deadline() {
    let faults = Faults { unavailable: 1.0, ..Faults::default() };
    let server = FaultServer::start(Config { faults, ..Config::default() }).await;
    let reports = Reports::default();
    let ingester = builder(&server)
        .backoff(Duration::from_millis(20), Duration::from_millis(50))
        .max_attempts(1_000)
        .batch_size(8)
        .start(reports.sink());
    for seq in 0..20 {
        ingester.track(event(seq)).unwrap();
    }
    let other = ingester.clone();
    let started = Instant::now();
    let report = ingester.shutdown(Duration::from_millis(300)).await;
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(290) && took < Duration::from_secs(2), "{took:?}");
    assert!(report.deadline_reached);
    assert_eq!(report.unsent.len(), 20);
    assert!(report.unsent.iter().all(|e| external_id(e).is_some()));
    let stats = report.stats;
    assert_eq!((stats.tracked, stats.unsent, stats.inserted, stats.failed), (20, 20, 0, 0));
    // The batch cut off in flight is reported, with its events counted as unsent.
    let reports = reports.take();
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].events, reports[0].unsent), (8, 8));
    assert!(reports[0].requests > 1);
    // Closed for every clone.
    assert!(matches!(other.track(event(99)), Err(TrackError::Closed(_))));
    assert_eq!(server.counts().stored, 0);
}

#[tokio::test]
async fn shutdown_sends_everything_queued_when_it_can() {
    let server = server().await;
    let ingester = builder(&server).batch_size(7).flush_interval(Duration::from_secs(3600)).start(|_| {});
    for seq in 0..50 {
        ingester.track(event(seq)).unwrap();
    }
    let report = ingester.shutdown(Duration::from_secs(10)).await;
    assert!(!report.deadline_reached && report.unsent.is_empty());
    assert_eq!(report.stats.inserted, 50);
    assert_eq!(report.stats.batches, 8);
    assert!(server.verify(50).exactly_once());
}

#[tokio::test]
async fn batches_that_cannot_succeed_are_handed_back_with_the_reason() {
    // A token the server does not accept: 401, not retried.
    let server = FaultServer::start(Config { token: "polar_oat_other".to_owned(), ..Config::default() }).await;
    let reports = Reports::default();
    let ingester = builder(&server).start(reports.sink());
    ingester.track(event(0)).unwrap();
    ingester.track(event(1)).unwrap();
    ingester.flush().await;
    let report = reports.take().pop().unwrap();
    assert_eq!((report.requests, report.failed.len()), (1, 2));
    let FailureReason::Refused(error) = &report.failed[0].reason else { panic!("{:?}", report.failed[0].reason) };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(
        report.failed[0].reason.to_string().starts_with("refused: events:ingest: HTTP 401"),
        "{}",
        report.failed[0].reason
    );

    // 500s until the attempts run out.
    let faults = Faults { server_error: 1.0, ..Faults::default() };
    let server = FaultServer::start(Config { faults, ..Config::default() }).await;
    let reports = Reports::default();
    let ingester = builder(&server).max_attempts(3).start(reports.sink());
    ingester.track(event(0)).unwrap();
    ingester.flush().await;
    let report = reports.take().pop().unwrap();
    assert_eq!((report.requests, report.retries), (3, 2));
    let FailureReason::GaveUp { attempts: 3, error } = &report.failed[0].reason else {
        panic!("{:?}", report.failed[0].reason)
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(ingester.stats().failed, 1);
    assert_eq!(server.counts().requests, 3);
}

#[tokio::test]
async fn retry_after_is_waited_exactly_and_pauses_the_ingester() {
    let faults = Faults { retry_after_secs: 1, ..Faults::default() };
    let server = FaultServer::start(Config { faults, ..Config::default() }).await;
    server.script([Some(Fault::RateLimited)]);
    let reports = Reports::default();
    let ingester = builder(&server).start(reports.sink());
    ingester.track(event(0)).unwrap();
    ingester.flush().await;
    let log = server.log();
    assert_eq!(log.len(), 3, "{log:?}"); // the fault, its 429, then 200
    assert_eq!((log[1].1.as_str(), log[2].1.as_str()), ("429", "200"));
    let waited = log[2].0 - log[1].0;
    assert!(waited >= Duration::from_secs(1) && waited < Duration::from_millis(1500), "{waited:?}");
    let report = reports.take().pop().unwrap();
    assert_eq!((report.inserted, report.retries), (1, 1));
}

#[tokio::test]
async fn oversized_events_are_handed_back_and_a_413_splits_the_batch() {
    let server = FaultServer::start(Config { max_body: 3_000, ..Config::default() }).await;
    let reports = Reports::default();
    let ingester = builder(&server).max_batch_bytes(4_000).start(reports.sink());
    // One event over the ingester's byte limit: handed back without a request.
    let mut big = EventCreateExternalCustomer::new("api_call", "user_1");
    let mut metadata = EventMetadataInput::default();
    for key in ["a", "b", "c", "d", "e", "f", "g", "h", "i"] {
        metadata.additional_properties.insert(key.to_owned(), MetadataValue::from("x".repeat(500).as_str()));
    }
    big.metadata = Some(metadata);
    ingester.track(big).unwrap();
    // Forty small ones (≈ 140 bytes each): under the ingester's limit, over the server's.
    for seq in 0..40 {
        ingester.track(event(seq)).unwrap();
    }
    ingester.flush().await;
    let reports = reports.take();
    let too_large: Vec<_> = reports.iter().flat_map(|r| &r.failed).collect();
    assert_eq!(too_large.len(), 1);
    assert!(matches!(too_large[0].reason, FailureReason::TooLarge { bytes } if bytes > 4_000));
    assert!(server.verify(40).exactly_once(), "{:?}", server.verify(40));
    let counts = server.counts();
    assert!(counts.other_status >= 1, "a 413 first: {counts:?}");
    let stats = ingester.stats();
    assert_eq!((stats.tracked, stats.inserted, stats.failed), (41, 40, 1));
}

#[tokio::test]
async fn batches_are_cut_by_size_and_by_interval_and_flush_does_not_wait() {
    let server = server().await;
    let reports = Reports::default();
    let ingester = builder(&server).batch_size(10).flush_interval(Duration::from_millis(200)).start(reports.sink());
    for seq in 0..25 {
        ingester.track(event(seq)).unwrap();
    }
    eventually(|| reports.len() == 2).await;
    assert_eq!(server.counts().stored, 20, "two full batches at once; the last five wait");
    let started = Instant::now();
    eventually(|| reports.len() == 3).await;
    assert!(started.elapsed() >= Duration::from_millis(100));
    let sizes: Vec<usize> = reports.take().iter().map(|r| r.events).collect();
    assert_eq!(sizes, [10, 10, 5]);

    // flush() sends now, whatever the interval.
    let slow = builder(&server).flush_interval(Duration::from_secs(3600)).start(|_| {});
    slow.track(event(25)).unwrap();
    let started = Instant::now();
    slow.flush().await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(server.verify(26).exactly_once());
}

#[tokio::test]
async fn a_timed_out_request_is_retried_and_deduplicated() {
    let faults = Faults { slow_delay: Duration::from_millis(300), ..Faults::default() };
    let server = FaultServer::start(Config { faults, ..Config::default() }).await;
    server.script([Some(Fault::Slow)]);
    let reports = Reports::default();
    let ingester = builder(&server).request_timeout(Duration::from_millis(100)).start(reports.sink());
    for seq in 0..5 {
        ingester.track(event(seq)).unwrap();
    }
    ingester.flush().await;
    let report = reports.take().pop().unwrap();
    assert_eq!((report.inserted + report.duplicates, report.retries), (5, 1));
    // The slow request stores its batch later, as a duplicate of the retry.
    eventually(|| server.counts().duplicates == 5).await;
    assert!(server.verify(5).exactly_once());
}

#[tokio::test]
async fn dropping_every_handle_still_sends_what_is_queued() {
    let server = server().await;
    let reports = Reports::default();
    let ingester = builder(&server).flush_interval(Duration::from_secs(3600)).start(reports.sink());
    for seq in 0..7 {
        ingester.track(event(seq)).unwrap();
    }
    drop(ingester);
    eventually(|| reports.len() == 1).await;
    assert!(server.verify(7).exactly_once());
}

#[tokio::test]
async fn a_panicking_report_function_does_not_stop_the_ingester() {
    let server = server().await;
    let ingester = builder(&server).batch_size(1).start(|report| {
        assert!(report.events > 1, "a panic in the application's report function");
    });
    ingester.track(event(0)).unwrap();
    ingester.flush().await;
    ingester.track(event(1)).unwrap();
    let done = ingester.shutdown(Duration::from_secs(5)).await;
    assert_eq!(done.stats.inserted, 2);
    assert!(server.verify(2).exactly_once());
}
