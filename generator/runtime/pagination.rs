//! Turning page-numbered list operations into streams of items.

use std::future::Future;

use futures_core::Stream;

use super::error::{Error, ErrorKind};

/// The most pages [`paginate`] fetches, whatever the server says: a guard
/// against a server that never reports the last page.
pub const MAX_PAGES: u64 = 100_000;

/// One page of a page-numbered list, as a stream needs it: what the `fetch`
/// function of [`paginate`] and [`paginate_pages`] returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<P, T> {
    /// The operation that fetched the page (its `operationId`), for errors.
    pub operation: &'static str,
    /// The page as the operation returns it ([`paginate_pages`] yields it;
    /// `()` for [`paginate`]).
    pub page: P,
    /// The page's items ([`paginate`] yields them).
    pub items: Vec<T>,
    /// The number of the last page, as the server reports it (`0` for an
    /// empty list).
    pub last_page: i64,
    /// How many items the whole list has, if the server says.
    pub total: Option<i64>,
}

/// Refuses the pages of a server whose pages are inconsistent, before their
/// items are yielded: a page equal to the one before (the server ignores the
/// page number, and would serve the same items until [`MAX_PAGES`]), or more
/// items than the server's own total.
struct Consistency<T> {
    /// The items of the page before.
    previous: Option<Vec<T>>,
    /// Items received so far, this page included.
    seen: u64,
}

impl<T: PartialEq + Clone> Consistency<T> {
    fn new() -> Self {
        Self { previous: None, seen: 0 }
    }

    fn check(&mut self, number: i64, operation: &'static str, items: &[T], total: Option<i64>) -> Result<(), Error> {
        let refuse = |reason: String| Error::new(operation, ErrorKind::Pagination { page: number, reason });
        if !items.is_empty() && self.previous.as_deref() == Some(items) {
            return Err(refuse(format!(
                "the server sent the same {} items as for page {}; it seems to ignore the page number",
                items.len(),
                number.saturating_sub(1)
            )));
        }
        self.seen += items.len() as u64;
        if let Some(total) = total.filter(|&total| self.seen > u64::try_from(total).unwrap_or(0)) {
            return Err(refuse(format!(
                "{} items received, more than the {total} the server reports in all (its pages overlap)",
                self.seen
            )));
        }
        self.previous = Some(items.to_vec());
        Ok(())
    }
}

/// Where a page stream stands between pages.
struct Cursor<F, T> {
    fetch: F,
    /// The next page to fetch.
    page: i64,
    /// No page is fetched after the current one.
    last: bool,
    fetched: u64,
    consistency: Consistency<T>,
}

impl<F, T: PartialEq + Clone> Cursor<F, T> {
    fn new(fetch: F, first_page: i64) -> Self {
        Self { fetch, page: first_page, last: false, fetched: 0, consistency: Consistency::new() }
    }

    /// Fetches the next page, if any: `None` when the stream is over.
    async fn next_page<P, E, Fut>(&mut self) -> Option<Result<Page<P, T>, E>>
    where
        F: FnMut(i64) -> Fut,
        Fut: Future<Output = Result<Page<P, T>, E>>,
        E: From<Error>,
    {
        if self.last || self.fetched >= MAX_PAGES {
            return None;
        }
        let number = self.page;
        self.fetched += 1;
        let outcome = (self.fetch)(number).await.and_then(|page| {
            self.consistency.check(number, page.operation, &page.items, page.total).map_err(E::from)?;
            Ok(page)
        });
        match &outcome {
            Ok(page) => match number.checked_add(1) {
                Some(next) if !page.items.is_empty() && number < page.last_page => self.page = next,
                _ => self.last = true,
            },
            Err(_) => self.last = true,
        }
        Some(outcome)
    }
}

/// Streams every item of every page of a page-numbered list.
///
/// `fetch(page)` returns that page ([`Page`]). Pages `first_page`,
/// `first_page + 1`, ... are fetched lazily, one at a time, and the stream
/// ends:
///
/// - after the items of a page whose number is `>= last_page` (so with
///   `last_page == 0` only the first page is read);
/// - at the first empty page;
/// - right after yielding the first error;
/// - with an [`ErrorKind::Pagination`] error, instead of a page's items, when
///   the page repeats the one before it or the items received exceed the
///   page's `total` (a server that ignores the page number would otherwise
///   serve the same items until [`MAX_PAGES`]);
/// - after [`MAX_PAGES`] pages in any case.
///
/// The stream is `Send` when `F`, `Fut` and `T` are. It is not `Unpin`:
/// pin it (`Box::pin` or `std::pin::pin!`) before calling
/// `futures_util::StreamExt::next`. Its error type is the fetch's, an API's
/// `Error` (into which the pagination errors convert).
pub fn paginate<T, E, F, Fut>(first_page: i64, fetch: F) -> impl Stream<Item = Result<T, E>>
where
    T: PartialEq + Clone,
    E: From<Error>,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<(), T>, E>>,
{
    let state = (Cursor::new(fetch, first_page), Vec::new().into_iter());
    futures_util::stream::unfold(state, |(mut cursor, mut items)| async move {
        loop {
            if let Some(item) = items.next() {
                return Some((Ok(item), (cursor, items)));
            }
            match cursor.next_page().await? {
                Ok(page) => items = page.items.into_iter(),
                Err(e) => return Some((Err(e), (cursor, items))),
            }
        }
    })
}

/// Streams every page of a page-numbered list, whole: what the `pages` method of
/// list operations returns, so that `pagination.total_count` and page
/// boundaries stay visible.
///
/// `fetch(page)` returns that page ([`Page`], the whole page in `page`). The
/// pages are those [`paginate`] takes its items from, checked the same way:
/// the stream ends after the page whose number is `>= last_page`, after the
/// first empty page (which is yielded), right after the first error (an
/// inconsistent page included), and after [`MAX_PAGES`] pages in any case.
pub fn paginate_pages<P, T, E, F, Fut>(first_page: i64, fetch: F) -> impl Stream<Item = Result<P, E>>
where
    T: PartialEq + Clone,
    E: From<Error>,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<P, T>, E>>,
{
    futures_util::stream::unfold(Cursor::new(fetch, first_page), |mut cursor| async move {
        let page = cursor.next_page().await?;
        Some((page.map(|page| page.page), cursor))
    })
}

#[cfg(test)]
mod tests {
    use super::super::NoBody;
    use super::*;
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};

    /// Drives a future to completion without a runtime (the fetches here
    /// never wait).
    fn block_on<F: Future>(fut: F) -> F::Output {
        futures_util::FutureExt::now_or_never(fut).expect("future should be ready")
    }

    /// A page of `items` out of `last_page` pages, without a total.
    fn page<T>(items: Vec<T>, last_page: i64) -> Page<(), T> {
        Page { operation: "list", page: (), items, last_page, total: None }
    }

    /// Collects the stream and the list of pages fetched.
    fn run(first: i64, pages: Vec<Result<(Vec<i32>, i64), &'static str>>) -> (Vec<Result<i32, String>>, Vec<i64>) {
        let pages = pages.into_iter().map(|p| p.map(|(items, last)| page(items, last))).collect();
        run_pages(first, pages)
    }

    fn run_pages(first: i64, pages: Vec<Result<Page<(), i32>, &'static str>>) -> (Vec<Result<i32, String>>, Vec<i64>) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&calls);
        let mut pages = pages.into_iter();
        let s = paginate(first, move |number| {
            log.lock().unwrap().push(number);
            let next = pages.next();
            async move {
                match next {
                    Some(Ok(p)) => Ok(p),
                    Some(Err(m)) => Err(Error::<NoBody>::invalid_request("list", m)),
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
        let s = paginate_pages(1, move |number| {
            let (items, last_page) = served.next().expect("fetched past the end");
            let whole = (number, items.clone());
            async move { Ok::<_, Error>(Page { operation: "list", page: whole, items, last_page, total: None }) }
        });
        let pages: Vec<_> = block_on(s.map(Result::unwrap).collect::<Vec<_>>());
        assert_eq!(pages, vec![(1, vec![1, 2]), (2, vec![3]), (3, vec![4])]);
        let s = paginate_pages(1, |_| async { Ok::<_, Error>(page(Vec::<u8>::new(), 5)) });
        assert_eq!(block_on(s.collect::<Vec<_>>()).len(), 1, "an empty page is yielded, then the stream ends");
        let s =
            paginate_pages(1, |_| async { Err::<Page<(), u8>, _>(Error::<NoBody>::invalid_request("list", "boom")) });
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
    fn a_repeated_page_stops_the_stream_with_an_error() {
        // A server that ignores `page`: the same two items, and a last page far away.
        let (items, calls) = run(1, vec![Ok((vec![1, 2], 1000)), Ok((vec![1, 2], 1000))]);
        assert_eq!(items[..2], [Ok(1), Ok(2)]);
        assert_eq!(items.len(), 3, "{items:?}");
        let message = items[2].as_ref().unwrap_err();
        assert_eq!(
            message,
            "list: pagination stopped at page 2: the server sent the same 2 items as for page 1; it seems to \
             ignore the page number"
        );
        assert_eq!(calls, vec![1, 2]);
        // Pages that share items but are not equal are fine.
        let (items, _) = run(1, vec![Ok((vec![1, 2], 2)), Ok((vec![2, 3], 2))]);
        assert_eq!(items, vec![Ok(1), Ok(2), Ok(2), Ok(3)]);
    }

    #[test]
    fn more_items_than_the_total_stops_the_stream_with_an_error() {
        let with_total = |items: Vec<i32>, total| Ok(Page { total: Some(total), ..page(items, 1000) });
        let (items, calls) = run_pages(1, vec![with_total(vec![1, 2], 3), with_total(vec![3, 4], 3)]);
        assert_eq!(items[..2], [Ok(1), Ok(2)]);
        assert_eq!(
            items[2],
            Err("list: pagination stopped at page 2: 4 items received, more than the 3 the server reports in all \
                 (its pages overlap)"
                .to_owned())
        );
        assert_eq!(calls, vec![1, 2]);
        // The total of the latest page counts (the list may grow while it is read).
        let (items, _) =
            run_pages(1, vec![with_total(vec![1, 2], 3), Ok(Page { total: Some(4), ..page(vec![3, 4], 2) })]);
        assert_eq!(items, vec![Ok(1), Ok(2), Ok(3), Ok(4)]);
        let error = block_on(
            Box::pin(paginate(1, |_| async { Ok::<_, Error>(Page { total: Some(0), ..page(vec![1], 2) }) })).next(),
        );
        assert!(
            matches!(error.unwrap().unwrap_err().kind(), ErrorKind::Pagination { page: 1, .. }),
            "a total of 0 with items"
        );
    }

    #[test]
    fn page_numbers_cannot_overflow() {
        let (items, calls) = run(i64::MAX, vec![Ok((vec![1], i64::MAX))]);
        assert_eq!(items, vec![Ok(1)]);
        assert_eq!(calls, vec![i64::MAX]);
    }

    #[test]
    fn hard_guard_stops_an_endless_server() {
        // Every page different, none last, no total: only the guard ends it.
        let s = paginate(1, |number| async move { Ok::<_, Error>(page(vec![number], i64::MAX)) });
        let n = block_on(s.count());
        assert_eq!(u64::try_from(n).unwrap(), MAX_PAGES);
    }

    #[test]
    fn stream_is_send_when_parts_are() {
        fn send<S: Send>(_: &S) {}
        let s = paginate(1, |number| async move {
            if number > 1 {
                Err(Error::<NoBody>::new("list", ErrorKind::Timeout))
            } else {
                Ok(page(vec![String::new()], 2))
            }
        });
        send(&s);
        let items = block_on(Box::pin(s).collect::<Vec<_>>());
        assert_eq!(items.len(), 2);
        assert!(items[1].as_ref().is_err_and(Error::is_timeout));
        // Usable with stream combinators that need Unpin once boxed.
        let mut s = Box::pin(paginate(1, |_| async { Ok::<_, Error>(page(Vec::<u8>::new(), 1)) }));
        assert!(block_on(s.next()).is_none());
    }
}
