//! Blocking calls (cargo feature `blocking`), as `reqwest::blocking` offers them: every
//! request builder's `send_blocking` (and `send_with_response_blocking`, `iter_blocking`,
//! `pages_blocking`, `bytes_stream_blocking`) waits on the calling thread for what `.await`
//! would give, with the same retries, timeouts and errors.
//!
//! One mechanism serves every operation: [`Client::block_on`] runs the request's future (the
//! very future `.await` polls) on the calling thread, while the client's own runtime, one
//! background thread running a single-threaded tokio runtime, drives its I/O, its timers and
//! the HTTP connections' tasks. The thread starts at the client's first blocking call and
//! stops when the last clone of the client is dropped. Nothing here is generic over an
//! operation, so the feature adds only the builders' small `#[inline]` methods, compiled
//! where they are called.
//!
//! A blocking call made on a thread that runs (or has entered) an async runtime is refused
//! with [`ErrorKind::Blocking`] before anything is sent: blocking there would stall that
//! runtime's other tasks, and `.await` is the right call.

use std::fmt;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, JoinHandle, Thread};

use super::client::Client;
use super::error::{Error, ErrorKind};

/// The runtime of a client's blocking calls: a thread that runs a single-threaded tokio
/// runtime until the client is dropped. Futures are polled on the calling thread, inside
/// this runtime's context, so their sockets and timers register with it and its thread
/// drives them.
pub(crate) struct BlockingRuntime {
    handle: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BlockingRuntime {
    /// Starts the runtime's thread.
    pub(crate) fn start() -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot create the client's runtime: {e}"))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name("http-client-blocking".to_owned())
            .spawn(move || {
                // Drives I/O, timers and spawned connection tasks until the client goes;
                // the runtime is dropped here, on its own thread.
                runtime.block_on(async move {
                    let _ = stopped.await;
                });
            })
            .map_err(|e| format!("cannot start the client's runtime thread: {e}"))?;
        Ok(Self { handle, stop: Some(stop), thread: Some(thread) })
    }

    /// The name of the runtime's thread (tests).
    #[cfg(test)]
    pub(crate) fn thread_name(&self) -> Option<String> {
        self.thread.as_ref()?.thread().name().map(str::to_owned)
    }

    /// Polls `future` on this thread until it is ready, parking in between.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _entered = self.handle.enter();
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            // A wake-up that came before parking makes `park` return at once.
            thread::park();
        }
    }
}

impl Drop for BlockingRuntime {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            if thread.thread().id() != thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

impl fmt::Debug for BlockingRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingRuntime").finish_non_exhaustive()
    }
}

/// Wakes the thread that waits in [`BlockingRuntime::block_on`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Why a blocking call is refused on this thread, if it is.
pub(crate) fn refusal() -> Option<&'static str> {
    tokio::runtime::Handle::try_current().is_ok().then_some(
        "called on a thread that runs an async runtime (or has entered one, as `spawn_blocking` threads \
         have): `.await` the request there instead, or call from a thread of your own",
    )
}

/// The items of a stream, each waited for on the calling thread (cargo feature
/// `blocking`): what the `iter_blocking`, `pages_blocking` and `bytes_stream_blocking`
/// methods of request builders return. Fetches happen as the iterator is advanced; it ends
/// after the stream's end or its first error.
///
/// ```ignore
/// for order in client.orders().list().limit(100).iter_blocking() {
///     println!("{}", order?.id);
/// }
/// ```
#[must_use = "iterators do nothing unless advanced"]
pub struct BlockingIter<'a, S> {
    client: &'a Client,
    operation: &'static str,
    stream: Option<S>,
}

impl<'a, S> BlockingIter<'a, S> {
    /// Iterates over `stream`, whose futures `client`'s runtime drives; `operation` names
    /// the operation in a refusal ([`ErrorKind::Blocking`]).
    pub fn new(client: &'a Client, operation: &'static str, stream: S) -> Self {
        Self { client, operation, stream: Some(stream) }
    }
}

impl<S, T, E> Iterator for BlockingIter<'_, S>
where
    S: futures_core::Stream<Item = Result<T, E>> + Unpin,
    E: From<Error>,
{
    type Item = Result<T, E>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.stream.as_mut()?;
        let next = std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx));
        match self.client.block_on(self.operation, next) {
            Ok(Some(Ok(item))) => Some(Ok(item)),
            Ok(Some(Err(e))) => {
                self.stream = None;
                Some(Err(e))
            }
            Ok(None) => {
                self.stream = None;
                None
            }
            Err(e) => {
                self.stream = None;
                Some(Err(E::from(e)))
            }
        }
    }
}

impl<S> fmt::Debug for BlockingIter<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingIter")
            .field("operation", &self.operation)
            .field("done", &self.stream.is_none())
            .finish_non_exhaustive()
    }
}

/// The error of a refused blocking call.
pub(crate) fn refused(operation: &'static str, reason: impl Into<String>) -> Error {
    Error::new(operation, ErrorKind::Blocking(reason.into()))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::runtime::{ApiInfo, ClientBuilder};

    static INFO: ApiInfo = ApiInfo {
        user_agent: "test-sdk/1.0",
        default_base_url: "http://127.0.0.1:9",
        version_header: None,
        versions: &[],
        version_echoed: false,
        organization_header: None,
        env_prefix: "TEST_API",
        servers: &[],
    };

    fn client() -> Client {
        ClientBuilder::<Client>::new(&INFO).build().unwrap()
    }

    #[test]
    fn timers_run_on_the_clients_runtime() {
        let client = client();
        let start = Instant::now();
        let slept = client.block_on("op", async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            7
        });
        assert_eq!(slept.unwrap(), 7);
        assert!(start.elapsed() >= Duration::from_millis(30));
        // A timeout shorter than the sleep fires: the runtime thread drives the timers.
        let timed_out = client.block_on("op", async {
            tokio::time::timeout(Duration::from_millis(10), tokio::time::sleep(Duration::from_secs(5))).await
        });
        assert!(timed_out.unwrap().is_err());
        // Clones share the runtime; a task spawned by one call is run by its thread.
        let clone = client.clone();
        let spawned = clone.block_on("op", async { tokio::spawn(async { 1 + 1 }).await.unwrap() });
        assert_eq!(spawned.unwrap(), 2);
    }

    #[test]
    fn refused_inside_an_async_runtime() {
        let client = client();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let err = runtime.block_on(async { client.block_on("orders:list", async { 1 }) }).unwrap_err();
        assert!(matches!(err.kind(), crate::runtime::ErrorKind::Blocking(_)), "{err:?}");
        assert_eq!(err.operation(), "orders:list");
        assert!(err.to_string().starts_with("orders:list: blocking call refused: called on a thread"), "{err}");
        // Outside it again, the same client blocks fine.
        assert_eq!(client.block_on("op", async { 3 }).unwrap(), 3);
    }

    #[test]
    fn dropping_the_client_stops_its_thread() {
        /// Sets its flag when the runtime drops the task that holds it.
        struct SetOnDrop(Arc<AtomicBool>);
        impl Drop for SetOnDrop {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let client = client();
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(Arc::clone(&dropped));
        client
            .block_on("op", async move {
                tokio::spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                });
            })
            .unwrap();
        let runtime = client.inner_blocking_thread_name();
        assert_eq!(runtime.as_deref(), Some("http-client-blocking"));
        assert!(!dropped.load(Ordering::SeqCst));
        // The last clone goes: the runtime stops on its thread (dropping its tasks), which
        // is joined before `drop` returns.
        let clone = client.clone();
        drop(client);
        assert!(!dropped.load(Ordering::SeqCst), "a clone still holds the runtime");
        drop(clone);
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[test]
    fn iterators_end_after_the_first_error() {
        let client = client();
        let items: Vec<Result<u8, Error>> = vec![Ok(1), Err(Error::invalid_request("op", "bad")), Ok(3)];
        let stream = futures_util::stream::iter(items);
        let mut iter = BlockingIter::new(&client, "op", stream);
        assert_eq!(iter.next().unwrap().unwrap(), 1);
        assert!(iter.next().unwrap().is_err());
        assert!(iter.next().is_none());
        assert!(format!("{iter:?}").contains("done: true"));
    }
}
