//! HTTP runtime shared by every operation of this client.
//!
//! This module is copied verbatim into each generated crate. It knows nothing
//! about a particular API: base URLs, the user agent, the version header and
//! the typed error bodies (an `ErrorBody` type) are supplied by generated
//! code.
//!
//! The pieces fit together like this:
//!
//! 1. A [`Client`] is built once with a [`ClientBuilder`] from the API's
//!    static [`ApiInfo`] and the caller's credentials, wrapped in the client
//!    handle of one API version ([`ApiHandle`]: it sends that version).
//! 2. Each generated operation builds a [`Request`] (path already encoded
//!    with [`encode_path_segment`], query pairs pushed with [`QueryValue`];
//!    values in OpenAPI's other parameter styles laid out by [`ParamValue`]),
//!    and returns a [`ResponseFuture`] (or, when the builder itself is
//!    awaited, a [`BodyFuture`]): one type for every operation, whose boxed
//!    network part is shared and whose decoding into the body type (via
//!    [`DecodeBody`]: [`Json`], [`Text`], [`Binary`] or [`Empty`]) is compiled
//!    only where it is awaited.
//! 3. The shared, non-generic [`Client::execute`] applies authentication,
//!    default headers, the per-attempt timeout and the [`RetryPolicy`], and
//!    sends each attempt through the client's [`Transport`] (`reqwest` by
//!    default; a mock in tests; layers of the caller's around either).
//! 4. Non-2xx statuses are decoded through the operation's error table into
//!    an [`ErrorKind::Api`], or reported as [`ErrorKind::UnexpectedStatus`].
//!
//! Paginated list operations can be turned into a stream of items with
//! [`paginate`].
//!
//! With the cargo feature `blocking`, every builder can also be sent without an
//! async runtime (`send_blocking`): `Client::block_on` waits for the same future
//! on the calling thread (see `blocking.rs`).
//! With the `test-util` cargo feature, `testing` holds a mock transport with typed rules per
//! operation and signed webhook deliveries, for testing applications without a network.

#[cfg(feature = "blocking")]
mod blocking;
mod builder;
mod client;
mod error;
pub mod model;
mod pagination;
mod query;
mod request;
mod response;
mod retry;
#[cfg(feature = "test-util")]
pub mod testing;
mod tls;
mod transport;
pub mod webhooks;

#[cfg(feature = "blocking")]
pub use self::blocking::BlockingIter;
pub use self::client::{
    ApiHandle, ApiInfo, ApiServer, BuildError, Client, ClientBuilder, SecretString, SecurityScheme,
    DEFAULT_MAX_RESPONSE_SIZE,
};
pub use self::error::{Error, ErrorBody, ErrorKind, NoBody, DEBUG_BODY_LIMIT};
pub use self::pagination::{paginate, paginate_pages, Page, MAX_PAGES};
pub use self::query::{
    encode_path_segment, encode_query, join_query_text, push_deep_object, push_query, ParamStyle, ParamValue,
    QueryText, QueryValue, StrEnum,
};
pub use self::request::{Body, Request, RequestOptions};
pub use self::response::{
    decode_slice, Binary, BodyFuture, ByStatus, ByteStream, DecodeBody, Empty, ErrorDecoder, ErrorTable, FromStatus,
    Json, RawResponse, Response, ResponseFuture, StreamFuture, Text,
};
pub use self::retry::RetryPolicy;
pub use self::transport::{
    RequestMeta, ReqwestTransport, ResponseBody, Transport, TransportError, TransportErrorKind, TransportFuture,
};

/// Re-exported HTTP types used in this module's public API.
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
/// Re-exported HTTP types used in this module's public API.
pub use reqwest::{Method, StatusCode};
