//! Checkout and customer-portal handlers for axum, as Polar's framework adapters
//! (`@polar-sh/nextjs`'s `Checkout` and `CustomerPortal`) offer them (cargo feature `axum`,
//! with `checkouts` for [`Checkout`] and `customer-sessions` for [`CustomerPortal`]).
//!
//! - [`Checkout::handler`]: `GET /checkout?products=<id>&customerExternalId=...` creates a
//!   checkout (`POST /v1/checkouts/`) and redirects the browser to its URL.
//! - [`CustomerPortal::handler`]: `GET /portal` finds the signed-in customer with a function
//!   of yours, creates a customer session (`POST /v1/customer-sessions/`) and redirects the
//!   browser to the customer portal.
//!
//! Both use a [`Client`] built with an organization access token; they run
//! on the server, never in a shipped app.
//!
//! ```no_run
//! use axum::routing::get;
//! use axum::Router;
//! use polar::handlers::{Checkout, CustomerPortal, PortalCustomer};
//!
//! /// Put in the request's extensions by the app's session middleware.
//! #[derive(Clone)]
//! struct SignedIn { user_id: String }
//!
//! # fn app() -> Result<Router, polar::BuildError> {
//! let client = polar::Client::from_env()?; // POLAR_ACCESS_TOKEN, POLAR_SERVER
//! let checkout = Checkout::new(client.clone()).success_url("https://example.com/thanks");
//! let portal = CustomerPortal::new(client).return_url("https://example.com/account");
//! let app = Router::new()
//!     .route("/checkout", get(checkout.handler()))
//!     .route("/portal", get(portal.handler(|request| {
//!         let user = request.extensions.get::<SignedIn>()?;
//!         Some(PortalCustomer::External(user.user_id.clone()))
//!     })));
//! # Ok(app) }
//! ```
//!
//! # The checkout's query
//!
//! The parameters of `@polar-sh/nextjs`'s `Checkout`, with the same names:
//!
//! | query parameter | checkout field | read as |
//! |---|---|---|
//! | `products` (repeat it for several; required) | `products` | product ids |
//! | `customerId` | `customer_id` | a Polar customer id |
//! | `customerExternalId` | `external_customer_id` | text (your user id) |
//! | `customerEmail`, `customerName`, `customerTaxId`, `customerIpAddress` | `customer_email`, `customer_name`, `customer_tax_id`, `customer_ip_address` | text |
//! | `customerBillingAddress` | `customer_billing_address` | JSON object |
//! | `customerMetadata`, `metadata` | `customer_metadata`, `metadata` | JSON object of strings, numbers, booleans |
//! | `allowDiscountCodes` | `allow_discount_codes` | `true` is true, anything else false |
//! | `discountId` | `discount_id` | a discount id |
//! | `seats` | `seats` | an integer |
//!
//! Other parameters are ignored. [`success_url`](Checkout::success_url) and
//! [`return_url`](Checkout::return_url) come from the handler's configuration, never from
//! the query. Anyone who can open the URL chooses these values: to tie a checkout to the
//! signed-in user, build the body yourself ([`Checkout::body_from_query`], then set
//! `external_customer_id`) and answer with [`Checkout::redirect`].
//!
//! # Answers
//!
//! | case | status | body |
//! |---|---|---|
//! | created | `307 Temporary Redirect` (as `@polar-sh/nextjs`; see [`RedirectStatus`]) to the checkout or portal URL | empty |
//! | no `products`, a malformed parameter | `400 Bad Request` | `{"error": "..."}` |
//! | no customer for the portal (your function returned `None`) | `401 Unauthorized` | `{"error": "..."}` |
//! | Polar refused the values (`400`, `422`: an unknown product or customer, an invalid e-mail...) | `400 Bad Request` | `{"error": "...", "detail": <Polar's detail>}` |
//! | Polar rate-limited the server (`429`) | `503 Service Unavailable`, with Polar's `Retry-After` | `{"error": "..."}` |
//! | Polar timed out | `504 Gateway Timeout` | `{"error": "..."}` |
//! | anything else (Polar unreachable, `5xx`, a rejected access token) | `502 Bad Gateway` | `{"error": "..."}` |
//!
//! The bodies never hold the access token. [`HandlerError`] is the error of the functions
//! behind the handlers, for apps that answer differently.

#[cfg(feature = "checkouts")]
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Body;
#[cfg(feature = "customer-sessions")]
use axum::extract::Request;
#[cfg(feature = "checkouts")]
use axum::http::Uri;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
#[cfg(feature = "checkouts")]
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::{Client, Error, ErrorKind};

/// The future of a handler: the answer, never an error (errors are answers too).
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send + 'static>>;

/// The status of the handlers' redirects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectStatus {
    /// `302 Found` (what Express's and Hono's `redirect` send).
    Found,
    /// `303 See Other`.
    SeeOther,
    /// `307 Temporary Redirect` (what `@polar-sh/nextjs` sends); the default.
    #[default]
    Temporary,
}

impl RedirectStatus {
    /// The HTTP status.
    #[must_use]
    pub fn status(self) -> StatusCode {
        match self {
            RedirectStatus::Found => StatusCode::FOUND,
            RedirectStatus::SeeOther => StatusCode::SEE_OTHER,
            RedirectStatus::Temporary => StatusCode::TEMPORARY_REDIRECT,
        }
    }
}

/// Why a handler could not redirect; answered with [`status`](Self::status) and a JSON body
/// `{"error": "..."}` (see the [module docs](self)).
#[derive(Debug)]
#[non_exhaustive]
pub enum HandlerError {
    /// The checkout's query has no `products`.
    MissingProducts,
    /// A query parameter could not be read.
    InvalidParameter {
        /// The parameter's name in the query.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The customer portal found no customer for the request.
    NoCustomer,
    /// The request to Polar failed.
    Polar(Error),
}

impl HandlerError {
    /// The status the handlers answer with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            HandlerError::MissingProducts | HandlerError::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            HandlerError::NoCustomer => StatusCode::UNAUTHORIZED,
            HandlerError::Polar(error) => match (error.status().map(|s| s.as_u16()), error.kind()) {
                (Some(400 | 422), _) => StatusCode::BAD_REQUEST,
                (Some(429), _) => StatusCode::SERVICE_UNAVAILABLE,
                (None, ErrorKind::Timeout) => StatusCode::GATEWAY_TIMEOUT,
                _ => StatusCode::BAD_GATEWAY,
            },
        }
    }

    /// Polar's `detail` for a refusal of the values sent (`400`, `422`), which says which
    /// value; `None` otherwise.
    fn polar_detail(&self) -> Option<serde_json::Value> {
        let HandlerError::Polar(error) = self else { return None };
        if !matches!(error.status().map(|s| s.as_u16()), Some(400 | 422)) {
            return None;
        }
        let body: serde_json::Value = serde_json::from_slice(error.raw_body()?).ok()?;
        body.get("detail").cloned()
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `@polar-sh/nextjs`'s message.
            HandlerError::MissingProducts => f.write_str("Missing products in query params"),
            HandlerError::InvalidParameter { name, reason } => write!(f, "invalid query parameter {name}: {reason}"),
            HandlerError::NoCustomer => f.write_str("no customer for this request"),
            HandlerError::Polar(error) => match error.kind() {
                ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status, .. } => {
                    write!(f, "Polar refused the request ({status})")
                }
                ErrorKind::Decode { .. } => f.write_str("Polar's answer could not be read"),
                ErrorKind::Timeout => f.write_str("Polar did not answer in time"),
                ErrorKind::Connect(_) | ErrorKind::Transport(_) => f.write_str("Polar could not be reached"),
                _ => f.write_str("the request to Polar failed"),
            },
        }
    }
}

impl std::error::Error for HandlerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HandlerError::Polar(error) => Some(error),
            _ => None,
        }
    }
}

impl From<Error> for HandlerError {
    fn from(error: Error) -> Self {
        HandlerError::Polar(error)
    }
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.to_string() });
        if let Some(detail) = self.polar_detail() {
            body["detail"] = detail;
        }
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let HandlerError::Polar(error) = &self {
            if error.status() == Some(StatusCode::TOO_MANY_REQUESTS) {
                if let Some(wait) = error.retry_after() {
                    headers.insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
                }
            }
        }
        response
    }
}

/// A redirect to `url`, or a 502 if Polar's URL is not a valid header value.
fn redirect(status: RedirectStatus, url: &str) -> Response {
    match HeaderValue::from_str(url) {
        Ok(location) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = status.status();
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Err(_) => {
            let body = serde_json::json!({ "error": "Polar answered a URL that cannot be redirected to" });
            let mut response = Response::new(Body::from(body.to_string()));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
    }
}

#[cfg(feature = "checkouts")]
/// `url` with the query parameter `name=value` added, as written (no encoding).
fn with_param(url: &str, name: &str, value: &str) -> String {
    let (base, fragment) = url.split_once('#').map_or((url, None), |(base, fragment)| (base, Some(fragment)));
    let separator = match base.find('?') {
        None => "?",
        Some(at) if at + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}{name}={value}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// The checkout handler (cargo features `axum` and `checkouts`): a checkout from the
/// query, then a redirect to it. Cheap to clone.
#[cfg(feature = "checkouts")]
#[derive(Clone, Debug)]
pub struct Checkout {
    client: Client,
    success_url: Option<String>,
    return_url: Option<String>,
    theme: Option<String>,
    include_checkout_id: bool,
    redirect_status: RedirectStatus,
}

#[cfg(feature = "checkouts")]
impl Checkout {
    /// A handler creating checkouts with `client` (an organization access token with the
    /// `checkouts:write` scope).
    #[must_use]
    pub fn new(client: Client) -> Self {
        Checkout {
            client,
            success_url: None,
            return_url: None,
            theme: None,
            include_checkout_id: true,
            redirect_status: RedirectStatus::default(),
        }
    }

    /// Where Polar sends the customer after payment. Unless
    /// [`include_checkout_id`](Self::include_checkout_id) is off, `checkoutId={CHECKOUT_ID}`
    /// is added to its query (Polar puts the checkout's id there), as `@polar-sh/nextjs` does.
    #[must_use]
    pub fn success_url(mut self, url: impl Into<String>) -> Self {
        self.success_url = Some(url.into());
        self
    }

    /// Where the checkout's back button leads.
    #[must_use]
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// The checkout page's theme (`light` or `dark`), added to its URL as `theme=`.
    #[must_use]
    pub fn theme(mut self, theme: impl Into<String>) -> Self {
        self.theme = Some(theme.into());
        self
    }

    /// Whether the success URL gets `checkoutId={CHECKOUT_ID}` (default true). A success URL
    /// that already holds `{CHECKOUT_ID}` is left as it is either way.
    #[must_use]
    pub fn include_checkout_id(mut self, include: bool) -> Self {
        self.include_checkout_id = include;
        self
    }

    /// The redirect's status (default [`RedirectStatus::Temporary`]).
    #[must_use]
    pub fn redirect_status(mut self, status: RedirectStatus) -> Self {
        self.redirect_status = status;
        self
    }

    /// The axum handler: `GET` with the query of the [module docs](self), answering a
    /// redirect to the new checkout or an error (see [`HandlerError`]).
    pub fn handler(self) -> impl Fn(Uri) -> HandlerFuture + Clone + Send + Sync + 'static {
        let this = Arc::new(self);
        move |uri: Uri| {
            let this = Arc::clone(&this);
            Box::pin(async move {
                let body = match this.body_from_query(uri.query().unwrap_or("")) {
                    Ok(body) => body,
                    Err(error) => return error.into_response(),
                };
                this.redirect(body).await
            })
        }
    }

    /// The checkout the handler would create for `query` (the part of the URL after `?`):
    /// the query's values, then the handler's success and return URLs.
    ///
    /// # Errors
    ///
    /// [`HandlerError::MissingProducts`] or [`HandlerError::InvalidParameter`].
    pub fn body_from_query(&self, query: &str) -> Result<crate::models::CheckoutCreate, HandlerError> {
        let pairs: Vec<(String, String)> = serde_html_form::from_str(query)
            .map_err(|e| HandlerError::InvalidParameter { name: "query", reason: e.to_string() })?;
        let mut products = Vec::new();
        for (_, value) in pairs.iter().filter(|(name, _)| name == "products") {
            products.push(uuid("products", value)?);
        }
        if products.is_empty() {
            return Err(HandlerError::MissingProducts);
        }
        let mut body = crate::models::CheckoutCreate::new(products);
        for (name, value) in &pairs {
            match name.as_str() {
                "customerId" => body.customer_id = Some(uuid("customerId", value)?),
                "customerExternalId" => body.external_customer_id = Some(value.clone()),
                "customerEmail" => body.customer_email = Some(value.clone()),
                "customerName" => body.customer_name = Some(value.clone()),
                "customerTaxId" => body.customer_tax_id = Some(value.clone()),
                "customerIpAddress" => body.customer_ip_address = Some(value.clone()),
                "customerBillingAddress" => {
                    body.customer_billing_address = Some(json("customerBillingAddress", value)?)
                }
                "customerMetadata" => body.customer_metadata = Some(metadata("customerMetadata", value)?),
                "metadata" => body.metadata = Some(metadata("metadata", value)?),
                "allowDiscountCodes" => body.allow_discount_codes = Some(value == "true"),
                "discountId" => body.discount_id = Some(uuid("discountId", value)?),
                "seats" => {
                    let seats = value.parse().map_err(|_| HandlerError::InvalidParameter {
                        name: "seats",
                        reason: format!("{value:?} is not an integer"),
                    })?;
                    body.seats = Some(seats);
                }
                _ => {}
            }
        }
        body.success_url = self.success_url.as_deref().map(|url| {
            if self.include_checkout_id && !url.contains("{CHECKOUT_ID}") {
                with_param(url, "checkoutId", "{CHECKOUT_ID}")
            } else {
                url.to_owned()
            }
        });
        body.return_url = self.return_url.clone();
        Ok(body)
    }

    /// Creates the checkout `body` and answers a redirect to it (with the theme), or the
    /// error's answer: what [`handler`](Self::handler) does after reading the query.
    pub async fn redirect(&self, body: crate::models::CheckoutCreate) -> Response {
        match self.client.checkouts().create(body).send().await {
            Ok(checkout) => {
                let url = match &self.theme {
                    Some(theme) => with_param(&checkout.url, "theme", theme),
                    None => checkout.url,
                };
                redirect(self.redirect_status, &url)
            }
            Err(error) => HandlerError::Polar(error).into_response(),
        }
    }
}

/// Reads a UUID parameter.
#[cfg(feature = "checkouts")]
fn uuid(name: &'static str, value: &str) -> Result<Uuid, HandlerError> {
    value.parse().map_err(|_| HandlerError::InvalidParameter { name, reason: format!("{value:?} is not an id") })
}

/// Reads a JSON parameter.
#[cfg(feature = "checkouts")]
fn json<T: DeserializeOwned>(name: &'static str, value: &str) -> Result<T, HandlerError> {
    serde_json::from_str(value).map_err(|e| HandlerError::InvalidParameter { name, reason: e.to_string() })
}

/// Reads a metadata parameter: a JSON object of strings, numbers and booleans.
#[cfg(feature = "checkouts")]
fn metadata(name: &'static str, value: &str) -> Result<BTreeMap<String, crate::models::MetadataValue>, HandlerError> {
    json(name, value)
}

/// Whose customer portal to open: a Polar customer id or your own id of the customer
/// (Polar's `external_id`).
#[cfg(feature = "customer-sessions")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortalCustomer {
    /// A Polar customer id.
    Id(Uuid),
    /// The customer's id in your app (`external_customer_id`).
    External(String),
}

/// The customer-portal handler (cargo features `axum` and `customer-sessions`): a customer
/// session for the signed-in customer, then a redirect to the portal. Cheap to clone.
#[cfg(feature = "customer-sessions")]
#[derive(Clone, Debug)]
pub struct CustomerPortal {
    client: Client,
    return_url: Option<String>,
    redirect_status: RedirectStatus,
}

#[cfg(feature = "customer-sessions")]
impl CustomerPortal {
    /// A handler creating customer sessions with `client` (an organization access token with
    /// the `customer_sessions:write` scope).
    #[must_use]
    pub fn new(client: Client) -> Self {
        CustomerPortal { client, return_url: None, redirect_status: RedirectStatus::default() }
    }

    /// Where the portal's back link leads.
    #[must_use]
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// The redirect's status (default [`RedirectStatus::Temporary`]).
    #[must_use]
    pub fn redirect_status(mut self, status: RedirectStatus) -> Self {
        self.redirect_status = status;
        self
    }

    /// The axum handler: `customer` finds whose portal to open from the request's head
    /// (a session your middleware put in its extensions, say); `None` answers
    /// `401 Unauthorized`. Never take the customer from the query: anyone could open
    /// anyone's portal.
    pub fn handler<F>(self, customer: F) -> impl Fn(Request) -> HandlerFuture + Clone + Send + Sync + 'static
    where
        F: Fn(&axum::http::request::Parts) -> Option<PortalCustomer> + Send + Sync + 'static,
    {
        let this = Arc::new((self, customer));
        move |request: Request| {
            let this = Arc::clone(&this);
            Box::pin(async move {
                let (parts, _) = request.into_parts();
                let (portal, customer) = &*this;
                match customer(&parts) {
                    Some(customer) => portal.redirect(customer).await,
                    None => HandlerError::NoCustomer.into_response(),
                }
            })
        }
    }

    /// Creates a customer session for `customer` and answers a redirect to its portal, or
    /// the error's answer: for apps whose extractor finds the customer asynchronously.
    pub async fn redirect(&self, customer: PortalCustomer) -> Response {
        match self.portal_url(customer).await {
            Ok(url) => redirect(self.redirect_status, &url),
            Err(error) => error.into_response(),
        }
    }

    /// Creates a customer session for `customer` and returns its portal URL.
    ///
    /// # Errors
    ///
    /// [`HandlerError::Polar`] when the request fails.
    pub async fn portal_url(&self, customer: PortalCustomer) -> Result<String, HandlerError> {
        use crate::models::{
            CustomerSessionCustomerExternalIdCreate, CustomerSessionCustomerIdCreate, CustomerSessionsCreateBody,
        };
        let body = match customer {
            PortalCustomer::Id(id) => {
                let mut body = CustomerSessionCustomerIdCreate::new(id);
                body.return_url = self.return_url.clone();
                CustomerSessionsCreateBody::CustomerSessionCustomerIdCreate(Box::new(body))
            }
            PortalCustomer::External(id) => {
                let mut body = CustomerSessionCustomerExternalIdCreate::new(id);
                body.return_url = self.return_url.clone();
                CustomerSessionsCreateBody::CustomerSessionCustomerExternalIdCreate(Box::new(body))
            }
        };
        let session = self.client.customer_sessions().create(body).send().await?;
        Ok(session.customer_portal_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "checkouts")]
    #[test]
    fn params_are_added_where_they_belong() {
        assert_eq!(with_param("https://a.test/ok", "k", "{V}"), "https://a.test/ok?k={V}");
        assert_eq!(with_param("https://a.test/ok?x=1", "k", "v"), "https://a.test/ok?x=1&k=v");
        assert_eq!(with_param("https://a.test/ok?", "k", "v"), "https://a.test/ok?k=v");
        assert_eq!(with_param("https://a.test/ok?x=1#top", "k", "v"), "https://a.test/ok?x=1&k=v#top");
    }

    #[test]
    fn redirects_refuse_urls_that_are_not_header_values() {
        let ok = redirect(RedirectStatus::SeeOther, "https://polar.sh/checkout/x");
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(ok.headers()[header::LOCATION], "https://polar.sh/checkout/x");
        let bad = redirect(RedirectStatus::Found, "https://polar.sh/\ncheckout");
        assert_eq!(bad.status(), StatusCode::BAD_GATEWAY);
        assert!(bad.headers().get(header::LOCATION).is_none());
    }
}
