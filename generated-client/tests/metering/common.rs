//! Helpers shared by the `metering_*` tests: a client for the fault server, events numbered
//! by `metadata.seq`, and a report collector.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use polar::metering::{BatchReport, Event, IngesterBuilder};
use polar::models::{EventCreateExternalCustomer, EventMetadataInput, MetadataValue};

use super::server::{FaultServer, TOKEN};

/// A client for `server` (its own retries are turned off per request by the ingester).
pub fn client(server: &FaultServer) -> polar::Client {
    polar::Client::builder().access_token(TOKEN).base_url(&server.url).build().expect("client")
}

/// An ingester for `server` with test-sized waits: 1-20 ms backoff, 2 s request timeout.
pub fn builder(server: &FaultServer) -> IngesterBuilder {
    polar::metering::Ingester::builder(client(server))
        .backoff(Duration::from_millis(1), Duration::from_millis(20))
        .request_timeout(Duration::from_secs(2))
        .max_batch_time(Duration::from_secs(60))
}

/// Event number `seq`, for an external customer, with `metadata.seq`.
pub fn event(seq: u64) -> Event {
    let mut event = EventCreateExternalCustomer::new("api_call", format!("user_{}", seq % 97));
    let mut metadata = EventMetadataInput::default();
    metadata.additional_properties.insert("seq".to_owned(), MetadataValue::from(i64::try_from(seq).unwrap()));
    event.metadata = Some(metadata);
    event.into()
}

/// Collects every batch report.
#[derive(Clone, Default)]
pub struct Reports(Arc<Mutex<Vec<BatchReport>>>);

impl Reports {
    pub fn sink(&self) -> impl FnMut(BatchReport) + Send + 'static {
        let reports = Arc::clone(&self.0);
        move |report| reports.lock().unwrap().push(report)
    }

    pub fn take(&self) -> Vec<BatchReport> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}
