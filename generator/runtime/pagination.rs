//! Turning page-numbered list operations into streams of items.

use std::future::Future;

use futures_core::Stream;

use super::error::Error;

/// The most pages [`paginate`] fetches, whatever the server says: a guard
/// against a server that never reports the last page.
pub const MAX_PAGES: u64 = 100_000;

struct State<F, T> {
    fetch: F,
    /// The next page to fetch.
    page: i64,
    /// Items of the current page not yet yielded.
    items: std::vec::IntoIter<T>,
    /// No page is fetched after the current one.
    last: bool,
    fetched: u64,
}

/// Streams every item of every page of a page-numbered list.
///
/// `fetch(page)` returns a page's items and the server's `max_page`. Pages
/// `first_page`, `first_page + 1`, ... are fetched lazily, one at a time,
/// and the stream ends:
///
/// - after the items of a page whose number is `>= max_page` (so with
///   `max_page == 0` only the first page is read);
/// - at the first empty page;
/// - right after yielding the first error;
/// - after [`MAX_PAGES`] pages in any case.
///
/// The stream is `Send` when `F`, `Fut` and `T` are. It is not `Unpin`:
/// pin it (`Box::pin` or `std::pin::pin!`) before calling
/// `futures_util::StreamExt::next`.
///
/// ```ignore
/// let client = client.clone();
/// let orders = paginate(1, move |page| {
///     let client = client.clone();
///     async move {
///         let r = client.orders_list(page).await?.into_body();
///         Ok((r.items, r.pagination.max_page))
///     }
/// });
/// ```
pub fn paginate<T, F, Fut>(first_page: i64, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, i64), Error>>,
{
    let state = State { fetch, page: first_page, items: Vec::new().into_iter(), last: false, fetched: 0 };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.items.next() {
                return Some((Ok(item), st));
            }
            if st.last || st.fetched >= MAX_PAGES {
                return None;
            }
            let page = st.page;
            st.fetched += 1;
            match (st.fetch)(page).await {
                Err(e) => {
                    st.last = true;
                    return Some((Err(e), st));
                }
                Ok((items, max_page)) => {
                    match page.checked_add(1) {
                        Some(next) if !items.is_empty() && page < max_page => st.page = next,
                        _ => st.last = true,
                    }
                    st.items = items.into_iter();
                }
            }
        }
    })
}

/// Streams every page of a page-numbered list, whole: what the `pages` method of
/// list operations returns, so that `pagination.total_count` and page
/// boundaries stay visible.
///
/// `fetch(page)` returns the page, its number of items and the server's
/// `max_page`. The pages are those [`paginate`] takes its items from: the
/// stream ends after the page whose number is `>= max_page`, after the first
/// empty page (which is yielded), right after the first error, and after
/// [`MAX_PAGES`] pages in any case.
pub fn paginate_pages<P, F, Fut>(first_page: i64, fetch: F) -> impl Stream<Item = Result<P, Error>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<(P, usize, i64), Error>>,
{
    // (fetch, next page, done, pages fetched)
    futures_util::stream::unfold((fetch, first_page, false, 0u64), |(mut fetch, page, done, fetched)| async move {
        if done || fetched >= MAX_PAGES {
            return None;
        }
        match fetch(page).await {
            Err(e) => Some((Err(e), (fetch, page, true, fetched + 1))),
            Ok((list, count, max_page)) => {
                let (next, done) = match page.checked_add(1) {
                    Some(next) if count > 0 && page < max_page => (next, false),
                    _ => (page, true),
                };
                Some((Ok(list), (fetch, next, done, fetched + 1)))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::ErrorKind;
    use super::*;
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};

    /// Drives a future to completion without a runtime (the fetches here
    /// never wait).
    fn block_on<F: Future>(fut: F) -> F::Output {
        futures_util::FutureExt::now_or_never(fut).expect("future should be ready")
    }

    /// Collects the stream and the list of pages fetched.
    fn run(first: i64, pages: Vec<Result<(Vec<i32>, i64), &'static str>>) -> (Vec<Result<i32, String>>, Vec<i64>) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&calls);
        let mut pages = pages.into_iter();
        let s = paginate(first, move |page| {
            log.lock().unwrap().push(page);
            let next = pages.next();
            async move {
                match next {
                    Some(Ok(p)) => Ok(p),
                    Some(Err(m)) => Err(Error::invalid_request("list", m)),
                    None => panic!("fetched past the end"),
                }
            }
        });
        let items = block_on(s.map(|r| r.map_err(|e| e.to_string())).collect::<Vec<_>>());
        let calls = calls.lock().unwrap().clone();
        (items, calls)
    }

    #[test]
    fn pages_are_the_pages_items_come_from() {
        let mut served = vec![(vec![1, 2], 3), (vec![3], 3), (vec![4], 3)].into_iter();
        let s = paginate_pages(1, move |page| {
            let (items, max_page) = served.next().expect("fetched past the end");
            let count = items.len();
            async move { Ok::<_, Error>(((page, items), count, max_page)) }
        });
        let pages: Vec<_> = block_on(s.map(Result::unwrap).collect::<Vec<_>>());
        assert_eq!(pages, vec![(1, vec![1, 2]), (2, vec![3]), (3, vec![4])]);
        let s = paginate_pages(1, |_| async { Ok::<_, Error>(((), 0, 5)) });
        assert_eq!(block_on(s.collect::<Vec<_>>()).len(), 1, "an empty page is yielded, then the stream ends");
        let s = paginate_pages::<(), _, _>(1, |_| async { Err(Error::invalid_request("list", "boom")) });
        assert_eq!(block_on(s.collect::<Vec<_>>()).len(), 1, "the stream ends after its first error");
    }

    #[test]
    fn max_page_zero_reads_first_page_only() {
        let (items, calls) = run(1, vec![Ok((vec![1, 2], 0))]);
        assert_eq!(items, vec![Ok(1), Ok(2)]);
        assert_eq!(calls, vec![1]);
        let (items, calls) = run(1, vec![Ok((vec![], 0))]);
        assert!(items.is_empty());
        assert_eq!(calls, vec![1]);
    }

    #[test]
    fn max_page_one() {
        let (items, calls) = run(1, vec![Ok((vec![1], 1))]);
        assert_eq!(items, vec![Ok(1)]);
        assert_eq!(calls, vec![1]);
    }

    #[test]
    fn max_page_three() {
        let (items, calls) = run(1, vec![Ok((vec![1, 2], 3)), Ok((vec![3, 4], 3)), Ok((vec![5], 3))]);
        assert_eq!(items, vec![Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
        assert_eq!(calls, vec![1, 2, 3]);
    }

    #[test]
    fn stops_on_empty_page() {
        let (items, calls) = run(1, vec![Ok((vec![1], 5)), Ok((vec![], 5))]);
        assert_eq!(items, vec![Ok(1)]);
        assert_eq!(calls, vec![1, 2]);
    }

    #[test]
    fn stops_after_first_error() {
        let (items, calls) = run(1, vec![Ok((vec![1], 5)), Err("boom")]);
        assert_eq!(items, vec![Ok(1), Err("list: invalid request: boom".to_owned())]);
        assert_eq!(calls, vec![1, 2]);
        let (items, calls) = run(1, vec![Err("first")]);
        assert_eq!(items.len(), 1);
        assert_eq!(calls, vec![1]);
    }

    #[test]
    fn page_numbers_cannot_overflow() {
        let (items, calls) = run(i64::MAX, vec![Ok((vec![1], i64::MAX))]);
        assert_eq!(items, vec![Ok(1)]);
        assert_eq!(calls, vec![i64::MAX]);
    }

    #[test]
    fn hard_guard_stops_an_endless_server() {
        let s = paginate(1, |_page| async { Ok::<_, Error>((vec![()], i64::MAX)) });
        let n = block_on(s.count());
        assert_eq!(u64::try_from(n).unwrap(), MAX_PAGES);
    }

    #[test]
    fn stream_is_send_when_parts_are() {
        fn send<S: Send>(_: &S) {}
        let s = paginate(1, |page| async move {
            if page > 1 {
                Err(Error::new("list", ErrorKind::Timeout))
            } else {
                Ok((vec![String::new()], 2))
            }
        });
        send(&s);
        let items = block_on(Box::pin(s).collect::<Vec<_>>());
        assert_eq!(items.len(), 2);
        assert!(items[1].as_ref().is_err_and(Error::is_timeout));
        // Usable with stream combinators that need Unpin once boxed.
        let mut s = Box::pin(paginate(1, |_| async { Ok::<_, Error>((Vec::<u8>::new(), 1)) }));
        assert!(block_on(s.next()).is_none());
    }
}
