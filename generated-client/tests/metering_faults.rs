//! The ingester against a local stand-in for Polar's ingest endpoint that injects every fault
//! it knows (`tests/metering/server.rs`), at CI size: 30,000 events from four producers, a
//! quarter of the requests failing. Every event must be stored exactly once, nothing lost,
//! and the ingester's counts must match the server's. The one-million-event run with the same
//! server is `scripts/bench_metering.sh`. Needs `--features metering`.
#![cfg(feature = "metering")]

#[path = "metering/common.rs"]
mod common;
#[path = "metering/server.rs"]
mod server;

use std::time::Duration;

use common::{builder, event, Reports};
use server::{Config, Fault, FaultServer, Faults};

const EVENTS: u64 = 30_000;
const PRODUCERS: u64 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_is_stored_exactly_once_despite_faults() {
    let faults = Faults {
        seed: 24,
        rate_limited: 0.04,
        retry_after_secs: 0,
        server_error: 0.04,
        unavailable: 0.04,
        slow: 0.03,
        slow_delay: Duration::from_millis(400),
        drop_before: 0.04,
        commit_then_drop: 0.06,
    };
    let server = FaultServer::start(Config { faults, ..Config::default() }).await;
    let reports = Reports::default();
    let ingester = builder(&server)
        .queue_capacity(2_000)
        .batch_size(250)
        .max_in_flight(2)
        .flush_interval(Duration::from_millis(50))
        .request_timeout(Duration::from_millis(250))
        .max_attempts(20)
        .start(reports.sink());

    let started = std::time::Instant::now();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let ingester = ingester.clone();
            tokio::spawn(async move {
                let mut refused = 0u64;
                for seq in (p..EVENTS).step_by(PRODUCERS as usize) {
                    // The hot-path call first; when the queue is full, wait for room.
                    if let Err(full) = ingester.track(event(seq)) {
                        refused += 1;
                        ingester.track_wait(full.into_event()).await.expect("not shut down");
                    }
                }
                refused
            })
        })
        .collect();
    let mut refused = 0;
    for producer in producers {
        refused += producer.await.unwrap();
    }
    let report = ingester.shutdown(Duration::from_secs(60)).await;
    let elapsed = started.elapsed();
    // Slow answers store their batch 400 ms after the request, whoever is still listening.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let stats = report.stats;
    let counts = server.counts();
    let verdict = server.verify(EVENTS);
    let reports = reports.take();
    println!("{EVENTS} events in {elapsed:?}; ingester {stats:?}; server {counts:?}; {verdict:?}");

    assert!(verdict.exactly_once(), "{verdict:?}");
    assert!(report.unsent.is_empty() && !report.deadline_reached);
    assert_eq!(stats.tracked, EVENTS);
    assert_eq!(stats.refused, refused);
    assert_eq!((stats.failed, stats.unsent), (0, 0), "nothing handed back");
    assert_eq!(stats.inserted + stats.duplicates, EVENTS);
    // What the ingester was told was inserted is what the server inserted in answered requests;
    // the rest (stored, then the answer lost) came back as duplicates of the retries.
    assert_eq!(stats.inserted, counts.inserted - counts.inserted_unanswered);
    assert!(stats.duplicates > 0 && stats.duplicates <= counts.duplicates);
    assert_eq!(counts.inserted, EVENTS);
    assert_eq!(counts.without_version, 0, "every request carries Polar-Version");
    for fault in Fault::ALL {
        assert!(
            counts.faults.get(fault.name()).copied().unwrap_or(0) > 0,
            "{} never injected: {counts:?}",
            fault.name()
        );
    }
    let injected: u64 = counts.faults.values().sum();
    // Every fault fails a request, which is retried (a request slowed down by the machine
    // may time out and be retried too).
    assert!(stats.retries >= injected, "{stats:?}");
    // Reports: one per batch, adding up to the totals.
    assert_eq!(reports.len() as u64, stats.batches);
    assert_eq!(reports.iter().map(|r| r.events as u64).sum::<u64>(), EVENTS);
    assert_eq!(reports.iter().map(|r| r.inserted).sum::<u64>(), stats.inserted);
    assert!(reports.iter().all(|r| r.events <= 250 && r.failed.is_empty()));
}
