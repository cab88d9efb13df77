//! The metering benchmark: one process runs the fault-injecting stand-in for Polar's ingest
//! endpoint (`tests/metering/server.rs`), another runs producers tracking events through a
//! `polar::metering::Ingester`, so that the second's peak RSS is the ingester's alone.
//! `scripts/bench_metering.sh` runs both (and GNU time) and prints the figures; see
//! BENCHMARKS.md.
//!
//! ```text
//! metering server [--faults] [--seed N] [--retry-after SECS]      prints its URL, serves until killed
//! metering client --url URL [--events N] [--producers P] [--batch-size B] [--queue Q] [--in-flight K]
//! ```
//!
//! The client prints events/s, the `track` latency distribution, the ingester's totals, the
//! server's counts and faults, and the verdict: every `metadata.seq` of `0..N` stored exactly
//! once. It exits with status 1 if anything was lost or stored twice.

#[path = "../tests/metering/server.rs"]
mod server;

use std::time::{Duration, Instant};

use polar::metering::Ingester;
use polar::models::{EventCreateExternalCustomer, EventMetadataInput, MetadataValue};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let value = |name: &str, default: &str| -> String {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_owned())
    };
    let number = |name: &str, default: u64| -> u64 { value(name, &default.to_string()).parse().expect(name) };
    match args.first().map(String::as_str) {
        Some("server") => {
            let faults = if flag("--faults") {
                server::Faults {
                    seed: number("--seed", 24),
                    rate_limited: 0.02,
                    retry_after_secs: number("--retry-after", 1),
                    server_error: 0.02,
                    unavailable: 0.02,
                    slow: 0.01,
                    slow_delay: Duration::from_secs(3),
                    drop_before: 0.02,
                    commit_then_drop: 0.03,
                }
            } else {
                server::Faults::default()
            };
            serve(server::Config { faults, ..server::Config::default() });
        }
        // cargo bench runs every bench target with `--bench`: nothing to do without a mode.
        Some("--bench") | None => println!("metering: run scripts/bench_metering.sh (see BENCHMARKS.md)"),
        Some("client") => client(Settings {
            url: value("--url", "http://127.0.0.1:8024"),
            events: number("--events", 1_000_000),
            producers: number("--producers", 2),
            batch_size: number("--batch-size", 1_000) as usize,
            queue: number("--queue", 50_000) as usize,
            in_flight: number("--in-flight", 2) as usize,
        }),
        Some(other) => panic!("unknown mode {other}: server or client"),
    }
}

fn serve(config: server::Config) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let server = server::FaultServer::start(config).await;
        println!("{}", server.url);
        std::future::pending::<()>().await;
    });
}

struct Settings {
    url: String,
    events: u64,
    producers: u64,
    batch_size: usize,
    queue: usize,
    in_flight: usize,
}

fn event(seq: u64) -> polar::metering::Event {
    let mut event = EventCreateExternalCustomer::new("api_call", format!("user_{}", seq % 1_000));
    let mut metadata = EventMetadataInput::default();
    metadata.additional_properties.insert("seq".to_owned(), MetadataValue::from(seq as i64));
    metadata.additional_properties.insert("endpoint".to_owned(), MetadataValue::from("/v1/search"));
    event.metadata = Some(metadata);
    event.into()
}

fn client(settings: Settings) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async move {
        let client =
            polar::Client::builder().access_token(server::TOKEN).base_url(&settings.url).build().expect("client");
        let ingester = Ingester::builder(client)
            .queue_capacity(settings.queue)
            .batch_size(settings.batch_size)
            .max_in_flight(settings.in_flight)
            .flush_interval(Duration::from_millis(100))
            .request_timeout(Duration::from_secs(2))
            .backoff(Duration::from_millis(50), Duration::from_secs(2))
            .max_attempts(30)
            .start(|report| {
                for failed in &report.failed {
                    eprintln!("failed: {:?}: {}", failed.external_id(), failed.reason);
                }
            });
        let started = Instant::now();
        let producers: Vec<_> = (0..settings.producers)
            .map(|p| {
                let ingester = ingester.clone();
                let (events, producers) = (settings.events, settings.producers);
                tokio::spawn(async move {
                    let mut latency = Histogram::default();
                    let mut full = 0u64;
                    for seq in (p..events).step_by(producers as usize) {
                        let event = event(seq);
                        let t0 = Instant::now();
                        let tracked = ingester.track(event);
                        latency.record(t0.elapsed());
                        if let Err(refused) = tracked {
                            full += 1;
                            ingester.track_wait(refused.into_event()).await.expect("open");
                        }
                    }
                    (latency, full)
                })
            })
            .collect();
        let mut latency = Histogram::default();
        let mut full = 0;
        for producer in producers {
            let (h, f) = producer.await.unwrap();
            latency.merge(&h);
            full += f;
        }
        let tracked_in = started.elapsed();
        let report = ingester.shutdown(Duration::from_secs(120)).await;
        let elapsed = started.elapsed();
        let stats = report.stats;

        let http = reqwest::Client::new();
        let counts: serde_json::Value =
            serde_json::from_slice(&http.get(format!("{}/_counts", settings.url)).send().await.unwrap().bytes().await.unwrap())
                .unwrap();
        let verdict: serde_json::Value = serde_json::from_slice(
            &http.get(format!("{}/_verify/{}", settings.url, settings.events)).send().await.unwrap().bytes().await.unwrap(),
        )
        .unwrap();
        let rate = settings.events as f64 / elapsed.as_secs_f64();
        println!("events            {}", settings.events);
        println!("producers         {} (tracking took {:.2} s)", settings.producers, tracked_in.as_secs_f64());
        println!("elapsed           {:.2} s (first track to the end of shutdown)", elapsed.as_secs_f64());
        println!("events/s          {rate:.0}");
        println!(
            "track latency     p50 {} p90 {} p99 {} p99.9 {} max {} ({} calls; {} answered Full, then track_wait)",
            fmt_ns(latency.quantile(0.5)),
            fmt_ns(latency.quantile(0.9)),
            fmt_ns(latency.quantile(0.99)),
            fmt_ns(latency.quantile(0.999)),
            fmt_ns(latency.max),
            latency.count,
            full
        );
        println!(
            "ingester          tracked {} inserted {} duplicates {} failed {} unsent {} batches {} requests {} retries {}",
            stats.tracked,
            stats.inserted,
            stats.duplicates,
            stats.failed,
            stats.unsent,
            stats.batches,
            stats.requests,
            stats.retries
        );
        println!("server counts     {counts}");
        let faults: u64 = counts["faults"].as_object().map_or(0, |f| f.values().filter_map(|v| v.as_u64()).sum());
        println!("faults injected   {faults}");
        let stored = verdict["stored"].as_u64().unwrap_or(0);
        let lost = verdict["missing"].as_u64().unwrap_or(u64::MAX);
        let twice = verdict["stored_twice"].as_u64().unwrap_or(u64::MAX);
        println!("stored            {stored} (missing {lost}, stored twice {twice}, unexpected {})", verdict["unexpected"]);
        println!("lost              {lost}");
        if lost != 0 || twice != 0 || stored != settings.events {
            eprintln!("NOT exactly once: {verdict}");
            std::process::exit(1);
        }
    });
}

fn fmt_ns(ns: u64) -> String {
    if ns < 10_000 {
        format!("{ns} ns")
    } else if ns < 10_000_000 {
        format!("{:.1} µs", ns as f64 / 1e3)
    } else {
        format!("{:.1} ms", ns as f64 / 1e6)
    }
}

/// Latencies in log-linear buckets (8 per power of two: within 12.5 %), in nanoseconds.
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self { buckets: vec![0; 64 * 8], count: 0, max: 0 }
    }
}

impl Histogram {
    fn index(ns: u64) -> usize {
        if ns < 8 {
            return ns as usize;
        }
        let power = 63 - ns.leading_zeros() as usize;
        let sub = ((ns >> (power - 3)) & 7) as usize;
        power * 8 + sub
    }

    /// The upper bound of bucket `index`.
    fn upper(index: usize) -> u64 {
        if index < 8 {
            return index as u64;
        }
        let (power, sub) = (index / 8, (index % 8) as u64);
        ((8 + sub + 1) << (power - 3)) - 1
    }

    fn record(&mut self, elapsed: Duration) {
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.buckets[Self::index(ns)] += 1;
        self.count += 1;
        self.max = self.max.max(ns);
    }

    fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a += b;
        }
        self.count += other.count;
        self.max = self.max.max(other.max);
    }

    fn quantile(&self, q: f64) -> u64 {
        let target = ((self.count as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (index, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= target {
                return Self::upper(index).min(self.max);
            }
        }
        self.max
    }
}
