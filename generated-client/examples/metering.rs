//! Usage metering: track events from a (simulated) request handler through
//! `polar::metering::Ingester`, which sends them to `POST /v1/events/ingest` in batches.
//!
//! ```text
//! POLAR_ACCESS_TOKEN=polar_oat_... \
//!     cargo run -p polar-sh-sdk --features metering --example metering -- user_42 250
//! ```
//!
//! Reads `POLAR_ACCESS_TOKEN` (required; an organization access token with the
//! `events:write` scope) and `POLAR_BASE_URL` (optional; the sandbox server when unset).
//! Arguments: the customer's id in your system (`external_customer_id`; Polar accepts events
//! for customers it does not know yet) and how many events to track. Each batch's outcome is
//! printed as it arrives; events Polar refuses are printed with the reason.
//!
//! Without a Polar account, run it against the local fault-injecting server of the
//! benchmark, which answers like Polar's endpoint:
//!
//! ```text
//! cargo bench -p polar-sh-sdk --features metering --bench metering --no-run
//! target/release/deps/metering-* server --faults &      # prints its URL
//! POLAR_BASE_URL=http://127.0.0.1:PORT POLAR_ACCESS_TOKEN=polar_oat_metering_test \
//!     cargo run -p polar-sh-sdk --features metering --example metering -- user_42 5000
//! ```

use std::time::{Duration, Instant};

use polar::metering::{FailureReason, Ingester};
use polar::models::{EventCreateExternalCustomer, EventMetadataInput, MetadataValue};
use polar::{Client, Server};

/// A client for the server in `POLAR_BASE_URL` (default: sandbox), with the
/// token in `POLAR_ACCESS_TOKEN`.
fn client_from_env() -> Result<Client, Box<dyn std::error::Error>> {
    let token = std::env::var("POLAR_ACCESS_TOKEN").map_err(|_| {
        "POLAR_ACCESS_TOKEN is not set: create an access token with the events:write scope in \
         Polar's settings (use the sandbox, https://sandbox.polar.sh, to experiment) and export it"
    })?;
    let builder = Client::builder().access_token(token);
    let builder = match std::env::var("POLAR_BASE_URL") {
        Ok(url) => builder.base_url(url),
        Err(_) => builder.server(Server::Sandbox),
    };
    Ok(builder.build()?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client_from_env()?;
    let customer = std::env::args().nth(1).unwrap_or_else(|| "user_42".to_owned());
    let count: u32 = std::env::args().nth(2).map_or(Ok(250), |n| n.parse())?;

    // Started once, at start-up; clones share the queue (one per handler is fine).
    let ingester = Ingester::builder(client)
        .queue_capacity(10_000)
        .batch_size(100)
        .flush_interval(Duration::from_millis(500))
        .start(|report| {
            // Runs on the ingester's task for every batch: keep it short.
            println!(
                "batch of {}: {} inserted, {} duplicates, {} failed ({} requests, {:?})",
                report.events,
                report.inserted,
                report.duplicates,
                report.failed.len(),
                report.requests,
                report.elapsed
            );
            for failed in report.failed {
                match &failed.reason {
                    FailureReason::Invalid(messages) => eprintln!("  refused {:?}: {messages:?}", failed.external_id()),
                    other => eprintln!("  not stored {:?}: {other}", failed.external_id()),
                }
                // A real application would persist `failed.event` (its external_id makes a
                // later resend safe) or alert someone.
            }
        });

    // The "request handler": one event per call, never waiting on Polar.
    let mut slowest = Duration::ZERO;
    for n in 0..count {
        let mut event = EventCreateExternalCustomer::new("api_call", customer.as_str());
        let mut metadata = EventMetadataInput::default();
        metadata.additional_properties.insert("endpoint".to_owned(), MetadataValue::from("/v1/search"));
        metadata.additional_properties.insert("tokens".to_owned(), MetadataValue::from(i64::from(n % 7 + 1) * 100));
        event.metadata = Some(metadata);

        let started = Instant::now();
        if let Err(refused) = ingester.track(event) {
            // The queue is full (Polar slow or unreachable): this handler chooses to wait.
            ingester.track_wait(refused.into_event()).await?;
        }
        slowest = slowest.max(started.elapsed());
        if n % 50 == 49 {
            tokio::time::sleep(Duration::from_millis(100)).await; // traffic comes in bursts
        }
    }
    println!("tracked {count} events; the slowest track() took {slowest:?}");

    // At shutdown: send what is queued, for at most 10 seconds.
    let report = ingester.shutdown(Duration::from_secs(10)).await;
    let stats = report.stats;
    println!(
        "done: {} tracked, {} inserted, {} duplicates, {} failed, {} unsent ({} requests, {} retries)",
        stats.tracked, stats.inserted, stats.duplicates, stats.failed, stats.unsent, stats.requests, stats.retries
    );
    for event in &report.unsent {
        eprintln!("not sent in time: {:?}", polar::metering::external_id(event));
    }
    Ok(())
}
