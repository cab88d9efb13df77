//! One GET through the generated client next to the same GET made with plain `reqwest`
//! (the client's own reqwest version and features) plus `serde_json::from_slice` into the
//! same model. Target: the client within 5% of plain reqwest.
//!
//! The server is axum on 127.0.0.1 (an ephemeral port, in a thread of this process), serving
//! canned bodies from the decode benchmark's pages: one customer (≈0.6 KB) and a 100-order
//! page (≈330 KB). Both sides use one current-thread tokio runtime and keep-alive connections.
//! Run with `cargo bench -p polar-sh-sdk --bench request`. Figures and targets: BENCHMARKS.md.

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;
use divan::{black_box, Bencher};
use polar::models::{Customer, ListResourceOrder};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::LazyLock;
use std::time::Duration;
use uuid::Uuid;

static ORDERS: &[u8] = include_bytes!("data/orders_page.json");
static CUSTOMERS: &[u8] = include_bytes!("data/customers_page.json");
const TOKEN: &str = "polar_oat_bench";
const CUSTOMER_ID: Uuid = Uuid::from_u128(0x992f_ae2a_2a17_4b7a_8d9e_e287_cf90_131b);

struct Fixture {
    rt: tokio::runtime::Runtime,
    client: polar::Client,
    http: reqwest::Client,
    base: String,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let customer: serde_json::Value =
        serde_json::from_slice::<serde_json::Value>(CUSTOMERS).unwrap()["items"][0].clone();
    let customer = serde_json::to_vec(&customer).unwrap();
    let json = |body: Vec<u8>| move || async move { ([(CONTENT_TYPE, "application/json")], body) };
    let app =
        Router::new().route("/v1/customers/{id}", get(json(customer))).route("/v1/orders/", get(json(ORDERS.to_vec())));
    let listener = std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = polar::Client::builder().access_token(TOKEN).base_url(&base).build().unwrap();
    let http =
        reqwest::Client::builder().user_agent("polar-sh-sdk-bench").timeout(Duration::from_secs(5)).build().unwrap();
    Fixture { rt, client, http, base }
});

fn main() {
    // Warm up the server and both connection pools, and check both paths agree.
    let f = &*FIXTURE;
    let via_client = f.rt.block_on(f.client.customers().get(CUSTOMER_ID).send()).unwrap();
    let plain: Customer = f.rt.block_on(plain_get(&format!("/v1/customers/{CUSTOMER_ID}")));
    assert_eq!(via_client, plain);
    let page = f.rt.block_on(f.client.orders().list().send()).unwrap();
    assert_eq!(page.items.len(), 100);
    divan::main();
}

/// What an application would write with reqwest alone: same headers, same decode target.
async fn plain_get<T: serde::de::DeserializeOwned>(path: &str) -> T {
    let f = &*FIXTURE;
    let response = f
        .http
        .get(format!("{}{path}", f.base))
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .header("Polar-Version", polar::API_VERSION)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let body = response.bytes().await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

mod get_customer {
    use super::*;

    #[divan::bench]
    fn client(bencher: Bencher) {
        let f = &*FIXTURE;
        bencher.bench(|| f.rt.block_on(f.client.customers().get(black_box(CUSTOMER_ID)).send()).unwrap());
    }

    #[divan::bench]
    fn reqwest(bencher: Bencher) {
        let f = &*FIXTURE;
        let path = format!("/v1/customers/{CUSTOMER_ID}");
        bencher.bench(|| f.rt.block_on(plain_get::<Customer>(black_box(&path))));
    }
}

mod list_orders {
    use super::*;

    #[divan::bench]
    fn client(bencher: Bencher) {
        let f = &*FIXTURE;
        bencher.bench(|| f.rt.block_on(f.client.orders().list().send()).unwrap());
    }

    #[divan::bench]
    fn reqwest(bencher: Bencher) {
        let f = &*FIXTURE;
        bencher.bench(|| f.rt.block_on(plain_get::<ListResourceOrder>(black_box("/v1/orders/"))));
    }
}
