//! Decoding realistic 100-item list pages into the typed models, next to decoding the same
//! bytes into an untyped `serde_json::Value` (the target: typed ≤ `Value`).
//!
//! The pages are synthesized from the spec's schemas by `scripts/bench_pages.py` (every
//! optional field filled in half the items). Run with `cargo bench -p polar-sh-sdk --bench decode`;
//! `-- --test` decodes each page once (a quick check that the pages still match the models).
//! Figures and targets: BENCHMARKS.md.

use bytes::Bytes;
use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use polar::models::{ListResourceCustomer, ListResourceOrder};
use polar::runtime::{DecodeBody, HeaderMap, Json, RawResponse, StatusCode};
use serde::de::DeserializeOwned;

static ORDERS: &[u8] = include_bytes!("data/orders_page.json");
static CUSTOMERS: &[u8] = include_bytes!("data/customers_page.json");

fn main() {
    // Fail loudly (not with a benchmark of an error path) if a page no longer decodes.
    assert_eq!(decode::<ListResourceOrder>(ORDERS).items.len(), 100);
    assert_eq!(decode::<ListResourceCustomer>(CUSTOMERS).items.len(), 100);
    divan::main();
}

fn decode<T: DeserializeOwned>(bytes: &'static [u8]) -> T {
    match <Json as DecodeBody<T>>::decode("bench", raw(bytes)) {
        Ok(response) => response.body,
        Err(e) => panic!("benchmark page does not decode: {e}"),
    }
}

fn raw(bytes: &'static [u8]) -> RawResponse {
    RawResponse { status: StatusCode::OK, headers: HeaderMap::new(), body: Bytes::from_static(bytes) }
}

/// `serde_json::from_slice::<Value>`: the baseline the typed decode is held to.
fn untyped(bencher: Bencher, bytes: &'static [u8]) {
    bencher
        .counter(BytesCount::of_slice(bytes))
        .bench(|| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap());
}

/// `serde_json::from_slice::<T>`: the typed models alone.
fn typed<T: DeserializeOwned>(bencher: Bencher, bytes: &'static [u8]) {
    bencher.counter(BytesCount::of_slice(bytes)).bench(|| serde_json::from_slice::<T>(black_box(bytes)).unwrap());
}

/// What `send()` does with a 2xx body once it has arrived: the runtime's `Json` decoder
/// (runtime/response.rs), which also builds the `Response`.
fn client_path<T: DeserializeOwned>(bencher: Bencher, bytes: &'static [u8]) {
    bencher
        .counter(BytesCount::of_slice(bytes))
        .bench(|| <Json as DecodeBody<T>>::decode("bench", raw(black_box(bytes))).unwrap());
}

mod orders {
    use super::*;

    #[divan::bench]
    fn value(bencher: Bencher) {
        untyped(bencher, ORDERS);
    }

    #[divan::bench]
    fn typed(bencher: Bencher) {
        super::typed::<ListResourceOrder>(bencher, ORDERS);
    }

    #[divan::bench]
    fn typed_client_path(bencher: Bencher) {
        client_path::<ListResourceOrder>(bencher, ORDERS);
    }
}

mod customers {
    use super::*;

    #[divan::bench]
    fn value(bencher: Bencher) {
        untyped(bencher, CUSTOMERS);
    }

    #[divan::bench]
    fn typed(bencher: Bencher) {
        super::typed::<ListResourceCustomer>(bencher, CUSTOMERS);
    }

    #[divan::bench]
    fn typed_client_path(bencher: Bencher) {
        client_path::<ListResourceCustomer>(bencher, CUSTOMERS);
    }
}
