//! The methods every request builder shares, written once as [`request_builder!`](crate::request_builder).
//!
//! A generated builder is a struct (`client`, one field per parameter, `options`) with its
//! parameter setters, its error table `ERRORS` and its `into_request`; those differ per
//! operation and stay in the generated file. What is the same for every operation (the
//! per-request option setters, `send`, `send_with_response`, `IntoFuture`, and the
//! pagination and byte-stream methods) is one macro line per operation, which keeps the
//! client files short; the expanded methods, docs included, are what a hand-written crate
//! would have.

/// The shared methods of a request builder:
///
/// ```text
/// crate::request_builder!(OrdersList("orders:list") -> ListResourceOrder, ApiErrorBody;
///     pages(Order, page, items, pagination.max_page, pagination.total_count));
/// crate::request_builder!(OrdersExport("orders:export") -> String, ApiErrorBody, Text; bytes_stream);
/// crate::request_builder!(CustomersCreate("customers:create", CustomerCreate) -> Customer, ApiErrorBody);
/// ```
///
/// `Builder("operation:id"[, RequestBody]) -> Output, Body` writes the `timeout`, `retry`, `access_token` and `options`
/// setters, `send`, `send_with_response` (a `ResponseFuture<'a, Body, Output>`) and the
/// `IntoFuture` impl, with `Body` the API's error body type (its `ApiErrorBody`), and,
/// with the `test-util` feature, the builder's [`testing::Operation`](crate::runtime::testing::Operation)
/// impl (the operation id, the request body type, `()` without one, and the output);
/// `Builder -> Output, Body, Decoder` names a [`DecodeBody`](crate::runtime::DecodeBody) of
/// this module other than the default `Json` (`Text`, `Binary`, `Empty`, `ByStatus`).
/// Optionally followed by `; pages(Item, page, items, last_page[, total])`, a paginated list
/// whose pages hold `Item`s, with the page shape the generator decided: the builder's page
/// number field and setter (`page`), the field of the output holding the items (`items`),
/// the path to the number of the last page (`pagination.max_page`) and, if the API reports
/// one, to the number of items in all (`pagination.total_count`): `stream` and `pages`,
/// built on [`paginate`](crate::runtime::paginate). Or by `; bytes_stream` (a text or binary
/// body: `bytes_stream`). With the cargo feature `blocking`, each async method has a
/// blocking twin (`send_blocking`, `send_with_response_blocking`, `iter_blocking`,
/// `pages_blocking`, `bytes_stream_blocking`), `#[inline]` so that, like decoding, it is
/// compiled only where it is called. The builder must have a `client: &'a Client` and an
/// `options: RequestOptions` field, an `ERRORS: &'static [(u16, ErrorDecoder<Body>)]`
/// constant and an `into_request(self)` method returning `Result<Request, Error<Body>>`.
///
/// Exported (hidden) like `serde_struct!`, so that it is always "used", even in a crate
/// without operations; generated code calls it as `crate::request_builder!`.
#[doc(hidden)]
#[macro_export]
macro_rules! request_builder {
    ($builder:ident($id:literal $(, $request:ty)?) -> $output:ty, $body:ty $(, $decoder:ident)?) => {
        $crate::request_builder!(@common $builder($id $(, $request)?) $output, $body $(, $decoder)?);
    };
    (
        $builder:ident($id:literal $(, $request:ty)?) -> $output:ty, $body:ty $(, $decoder:ident)?;
        pages($item:ty, $page:ident, $($items:ident).+, $($last:ident).+ $(, $($total:ident).+)?)
    ) => {
        $crate::request_builder!(@common $builder($id $(, $request)?) $output, $body $(, $decoder)?);

        impl<'a> $builder<'a> {
            /// Every item of every page, fetching pages as the stream is polled (from
            /// the page number set, default 1, until the last page). The stream ends with
            /// an [`ErrorKind::Pagination`](crate::runtime::ErrorKind::Pagination) error if
            /// the server's pages are inconsistent (a page repeats the one before it, or
            /// more items arrive than the list has in all).
            pub fn stream(
                self,
            ) -> impl ::futures_core::Stream<
                Item = ::core::result::Result<$item, $crate::runtime::Error<$body>>,
            > + Send
                   + Unpin
                   + 'a {
                let first = self.$page.unwrap_or(1);
                ::std::boxed::Box::pin($crate::runtime::paginate(first, move |page| {
                    let list = self.clone().$page(page).fetch_list();
                    async move {
                        let (operation, list) = list.await?;
                        Ok($crate::runtime::Page {
                            operation,
                            last_page: list.$($last).+,
                            total: $crate::request_builder!(@total list $($($total).+)?),
                            items: list.$($items).+,
                            page: (),
                        })
                    }
                }))
            }

            /// Every page, whole, fetched as the stream is polled: the pages
            /// [`stream`](Self::stream) takes its items from, ending at the same page (an
            /// empty page is yielded, then the stream ends) or with the same error.
            pub fn pages(
                self,
            ) -> impl ::futures_core::Stream<
                Item = ::core::result::Result<$output, $crate::runtime::Error<$body>>,
            > + Send
                   + Unpin
                   + 'a {
                let first = self.$page.unwrap_or(1);
                ::std::boxed::Box::pin($crate::runtime::paginate_pages(first, move |page| {
                    let list = self.clone().$page(page).fetch_list();
                    async move {
                        let (operation, list) = list.await?;
                        Ok($crate::runtime::Page {
                            operation,
                            last_page: list.$($last).+,
                            total: $crate::request_builder!(@total list $($($total).+)?),
                            items: list.$($items).+.clone(),
                            page: list,
                        })
                    }
                }))
            }

            /// Every item of every page, like [`stream`](Self::stream), as an iterator
            /// that waits for each page on the calling thread (cargo feature `blocking`;
            /// see [`send_blocking`](Self::send_blocking)).
            #[cfg(feature = "blocking")]
            #[inline]
            pub fn iter_blocking(
                self,
            ) -> $crate::runtime::BlockingIter<
                'a,
                impl ::futures_core::Stream<
                    Item = ::core::result::Result<$item, $crate::runtime::Error<$body>>,
                > + Send
                       + Unpin
                       + 'a,
            > {
                let client = self.client;
                let operation = $id;
                $crate::runtime::BlockingIter::new(client, operation, self.stream())
            }

            /// Every page, whole, like [`pages`](Self::pages), as an iterator that waits
            /// for each page on the calling thread (cargo feature `blocking`).
            #[cfg(feature = "blocking")]
            #[inline]
            pub fn pages_blocking(
                self,
            ) -> $crate::runtime::BlockingIter<
                'a,
                impl ::futures_core::Stream<
                    Item = ::core::result::Result<$output, $crate::runtime::Error<$body>>,
                > + Send
                       + Unpin
                       + 'a,
            > {
                let client = self.client;
                let operation = $id;
                $crate::runtime::BlockingIter::new(client, operation, self.pages())
            }

            /// Sends the request for one page: the operation's id (for errors) and the page.
            fn fetch_list(
                self,
            ) -> impl ::std::future::Future<
                Output = ::core::result::Result<(&'static str, $output), $crate::runtime::Error<$body>>,
            > + Send
                   + 'a {
                let client = self.client;
                let request = self.into_request();
                let operation = request.as_ref().map_or("", |request| request.operation_id);
                let list = $crate::runtime::ResponseFuture::<$body, $output $(, $crate::runtime::$decoder)?>::new(
                    client,
                    request,
                    Self::ERRORS,
                );
                async move { Ok((operation, list.into_body().await?)) }
            }
        }
    };
    ($builder:ident($id:literal $(, $request:ty)?) -> $output:ty, $body:ty $(, $decoder:ident)?; bytes_stream) => {
        $crate::request_builder!(@common $builder($id $(, $request)?) $output, $body $(, $decoder)?);

        impl<'a> $builder<'a> {
            /// Sends the request and returns the body as a stream of chunks
            /// ([`ByteStream`](crate::runtime::ByteStream)), read as it is polled: memory stays
            /// flat however large the body, and no response size limit applies.
            pub fn bytes_stream(self) -> $crate::runtime::StreamFuture<'a, $body> {
                let client = self.client;
                client.send_streaming(self.into_request(), Self::ERRORS)
            }

            /// Sends the request and returns the body as an iterator of chunks, each
            /// read on the calling thread (cargo feature `blocking`; see
            /// [`bytes_stream`](Self::bytes_stream) and [`send_blocking`](Self::send_blocking)).
            ///
            /// # Errors
            ///
            /// Those of [`send_blocking`](Self::send_blocking) until the status is known.
            #[cfg(feature = "blocking")]
            #[inline]
            pub fn bytes_stream_blocking(
                self,
            ) -> ::core::result::Result<
                $crate::runtime::BlockingIter<'a, $crate::runtime::ByteStream>,
                $crate::runtime::Error<$body>,
            > {
                let client = self.client;
                let request = self.into_request();
                let operation = request.as_ref().map_or("", |request| request.operation_id);
                let stream = client.block_on(operation, client.send_streaming(request, Self::ERRORS))??;
                Ok($crate::runtime::BlockingIter::new(client, operation, stream))
            }
        }
    };
    (@total $list:ident) => {
        ::core::option::Option::None
    };
    (@total $list:ident $($total:ident).+) => {
        ::core::option::Option::Some($list.$($total).+)
    };
    (@request) => { () };
    (@request $request:ty) => { $request };
    (@decoder) => { $crate::runtime::Json };
    (@decoder $decoder:ident) => { $crate::runtime::$decoder };
    (@common $builder:ident($id:literal $(, $request:ty)?) $output:ty, $body:ty $(, $decoder:ident)?) => {
        #[cfg(feature = "test-util")]
        impl<'a> $crate::runtime::testing::Operation for $builder<'a> {
            const ID: &'static str = $id;
            type Output = $output;
            type Body = $crate::request_builder!(@request $($request)?);
            type ErrorBody = $body;
            type Decoder = $crate::request_builder!(@decoder $($decoder)?);

            fn error_table() -> &'static [(u16, $crate::runtime::ErrorDecoder<$body>)] {
                Self::ERRORS
            }
        }

        impl<'a> $builder<'a> {
            /// Overrides the client's timeout for this request.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options = self.options.timeout(timeout);
                self
            }

            /// Overrides the client's retry policy for this request.
            pub fn retry(mut self, policy: $crate::runtime::RetryPolicy) -> Self {
                self.options = self.options.retry(policy);
                self
            }

            /// Sends this bearer access token instead of the client's (e.g. a customer
            /// session token); see [`RequestOptions::access_token`](crate::runtime::RequestOptions::access_token).
            pub fn access_token(mut self, token: impl Into<String>) -> Self {
                self.options = self.options.access_token(token);
                self
            }

            /// Replaces all per-request options (including an access token set before).
            pub fn options(mut self, options: $crate::runtime::RequestOptions) -> Self {
                self.options = options;
                self
            }

            /// Sends the request and decodes the response.
            pub fn send(self) -> $crate::runtime::BodyFuture<'a, $body, $output $(, $crate::runtime::$decoder)?> {
                self.send_with_response().into_body()
            }

            /// Sends the request; the result also carries the response's status and headers.
            pub fn send_with_response(
                self,
            ) -> $crate::runtime::ResponseFuture<'a, $body, $output $(, $crate::runtime::$decoder)?> {
                let client = self.client;
                $crate::runtime::ResponseFuture::new(client, self.into_request(), Self::ERRORS)
            }
        }

        #[cfg(feature = "blocking")]
        impl<'a> $builder<'a> {
            /// Sends the request and decodes the response like `.await` (the same
            /// retries, timeouts and errors), blocking the calling thread: no async
            /// runtime needed (cargo feature `blocking`; the client runs its own, see
            /// [`runtime::Client::block_on`](crate::runtime::Client::block_on)).
            ///
            /// # Errors
            ///
            /// Those of `.await`, and [`ErrorKind::Blocking`](crate::runtime::ErrorKind::Blocking),
            /// with nothing sent, on a thread that runs an async runtime.
            #[inline]
            pub fn send_blocking(self) -> ::core::result::Result<$output, $crate::runtime::Error<$body>> {
                self.send_with_response_blocking().map($crate::runtime::Response::into_body)
            }

            /// [`send_blocking`](Self::send_blocking) whose result also carries the
            /// response's status and headers.
            ///
            /// # Errors
            ///
            /// Those of [`send_blocking`](Self::send_blocking).
            #[inline]
            pub fn send_with_response_blocking(
                self,
            ) -> ::core::result::Result<$crate::runtime::Response<$output>, $crate::runtime::Error<$body>> {
                let client = self.client;
                let request = self.into_request()?;
                let operation = request.operation_id;
                client.block_on(
                    operation,
                    $crate::runtime::ResponseFuture::<$body, $output $(, $crate::runtime::$decoder)?>::new(
                        client,
                        Ok(request),
                        Self::ERRORS,
                    ),
                )?
            }
        }

        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = ::core::result::Result<$output, $crate::runtime::Error<$body>>;
            type IntoFuture = $crate::runtime::BodyFuture<'a, $body, $output $(, $crate::runtime::$decoder)?>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}
