//! Measures the client's resource use against a local HTTP server it starts itself (no
//! network, no token): peak memory for a large response body, the size of an error's
//! `Debug` output for a large error body, and the time a request to a server that never
//! answers takes within a total time budget. Run by `scripts/measure_client.sh`, which
//! prints the figures quoted in `BENCHMARKS.md`.
//!
//! ```sh
//! cargo run -p polar-sh-sdk --example measure_client -- export 200      # buffered CSV export of 200 MiB
//! cargo run -p polar-sh-sdk --example measure_client -- export-raised 200  # limit raised to 201 MiB
//! cargo run -p polar-sh-sdk --example measure_client -- export-stream 200
//! cargo run -p polar-sh-sdk --example measure_client -- debug-len 5      # Debug of a 5 MiB HTML 500
//! cargo run -p polar-sh-sdk --example measure_client -- budget           # timeout 1.5 s, max_elapsed 2 s
//! ```
//!
//! Each mode prints one `key=value` line; `peak_rss_mib` is the process's peak resident
//! set size (`VmHWM` of `/proc/self/status`, Linux only).

use std::time::{Duration, Instant};

use polar::{Client, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MIB: usize = 1024 * 1024;

/// What the local server answers to every request.
#[derive(Clone, Copy)]
enum Answer {
    /// `200 text/csv` with this many bytes.
    Csv(usize),
    /// `500 text/html` with this many bytes.
    Html(usize),
    /// Reads the request and never answers.
    Never,
}

/// Starts a server on 127.0.0.1 answering every connection with `answer`; returns its URL.
async fn serve(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let (status, content_type, len) = match answer {
                    Answer::Csv(len) => ("200 OK", "text/csv", len),
                    Answer::Html(len) => ("500 Internal Server Error", "text/html", len),
                    Answer::Never => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                };
                let head =
                    format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len}\r\n\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                // The body is written in 64 KiB chunks: the server itself holds no copy.
                let chunk = vec![b'x'; 64 * 1024];
                let mut left = len;
                while left > 0 {
                    let n = left.min(chunk.len());
                    if socket.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    left -= n;
                }
            });
        }
    });
    url
}

/// Peak resident set size of this process, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}

fn client(url: &str, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::builder().access_token("polar_oat_measure").base_url(url).timeout(timeout).retry(retry).build().unwrap()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map_or("export", String::as_str);
    let size_mib: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    match mode {
        "export" => {
            let url = serve(Answer::Csv(size_mib * MIB)).await;
            let client = client(&url, Duration::from_secs(120), RetryPolicy::none());
            let outcome = match client.customers().export().await {
                Ok(csv) => format!("ok bytes={}", csv.len()),
                Err(e) => format!("error={e}"),
            };
            println!("mode=export body_mib={size_mib} {outcome} peak_rss_mib={:.1}", peak_rss_mib());
        }
        "export-raised" => {
            // The limit raised above the body: what reading it whole costs.
            let url = serve(Answer::Csv(size_mib * MIB)).await;
            let client = Client::builder()
                .base_url(&url)
                .timeout(Duration::from_secs(120))
                .retry(RetryPolicy::none())
                .max_response_size((size_mib + 1) * MIB)
                .build()
                .unwrap();
            let csv = client.customers().export().await.expect("under the raised limit");
            println!(
                "mode=export-raised body_mib={size_mib} ok bytes={} peak_rss_mib={:.1}",
                csv.len(),
                peak_rss_mib()
            );
        }
        "export-stream" => {
            use futures_util::StreamExt as _;
            let url = serve(Answer::Csv(size_mib * MIB)).await;
            let client = client(&url, Duration::from_secs(120), RetryPolicy::none());
            let mut body = client.customers().export().bytes_stream().await.expect("export starts");
            let mut total = 0usize;
            while let Some(chunk) = body.next().await {
                total += chunk.expect("export chunk").len();
            }
            println!("mode=export-stream body_mib={size_mib} ok bytes={total} peak_rss_mib={:.1}", peak_rss_mib());
        }
        "debug-len" => {
            let url = serve(Answer::Html(size_mib * MIB)).await;
            let client = client(&url, Duration::from_secs(60), RetryPolicy::none());
            let err = client.organizations().get(uuid::Uuid::nil()).await.expect_err("a 500 is an error");
            let debug = format!("{err:?}");
            println!(
                "mode=debug-len body_mib={size_mib} debug_chars={} display={:?}",
                debug.chars().count(),
                err.to_string()
            );
        }
        "budget" => {
            let url = serve(Answer::Never).await;
            let retry = RetryPolicy::default().max_elapsed(Duration::from_secs(2));
            let client = client(&url, Duration::from_millis(1500), retry);
            let start = Instant::now();
            let err = client.organizations().get(uuid::Uuid::nil()).await.expect_err("the server never answers");
            println!(
                "mode=budget timeout_ms=1500 max_elapsed_ms=2000 elapsed_ms={} error={:?}",
                start.elapsed().as_millis(),
                err.to_string()
            );
        }
        other => {
            eprintln!("unknown mode `{other}`: export, export-raised, export-stream, debug-len or budget");
            std::process::exit(2);
        }
    }
}
