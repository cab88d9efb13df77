//! Shared helpers for the `client_*` integration tests.
//!
//! Included by the other test files with `#[path = "client_support.rs"] mod
//! support;`. Cargo also builds it as a test target of its own, which holds
//! no tests (hence `allow(dead_code)`).
#![allow(dead_code)]

use std::time::Duration;

use polar::{Client, RetryPolicy};
use serde_json::{json, Value};
use wiremock::MockServer;

/// The access token every test client is built with.
pub const TOKEN: &str = "polar_oat_TEST_SECRET_token";

/// The `User-Agent` the crate sends: `polar-sh-sdk/<crate version>`.
pub const USER_AGENT: &str = concat!("polar-sh-sdk/", env!("CARGO_PKG_VERSION"));

/// Retries with tiny backoffs so that no test waits on the default 500 ms.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(5)).max_backoff(Duration::from_millis(20))
}

/// A client for `server` with [`TOKEN`] and [`fast_retry`].
pub fn client(server: &MockServer) -> Client {
    Client::builder().access_token(TOKEN).base_url(server.uri()).retry(fast_retry()).build().expect("client builds")
}

/// A port on 127.0.0.1 that refuses connections (nothing listens on it).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A UUID whose last group is `n`, e.g. `uuid(3)` = `…-000000000003`.
pub fn uuid(n: u64) -> uuid::Uuid {
    uuid::Uuid::parse_str(&format!("00000000-0000-4000-8000-{n:012}")).unwrap()
}

/// An `Organization` as the API returns it (every required field set).
pub fn organization_json(n: u64, name: &str, slug: &str) -> Value {
    json!({
        "created_at": "2025-01-01T00:00:00Z",
        "modified_at": null,
        "id": uuid(n),
        "name": name,
        "slug": slug,
        "avatar_url": null,
        "proration_behavior": "invoice",
        "allow_customer_updates": true,
        "email": null,
        "website": null,
        "socials": [],
        "status": "created",
        "details_submitted_at": null,
        "onboarding_resubmission_requested_at": null,
        "sso_enforced": false,
        "default_presentment_currency": "usd",
        "default_tax_behavior": "location",
        "feature_settings": null,
        "subscription_settings": {
            "allow_multiple_subscriptions": false,
            "proration_behavior": "invoice",
            "benefit_revocation_grace_period": 0,
            "prevent_trial_abuse": false,
            "allow_customer_updates": true
        },
        "customer_email_settings": {
            "order_confirmation": true,
            "payment_method_expiration_reminder": true,
            "subscription_cancellation": true,
            "subscription_confirmation": true,
            "subscription_cycled": true,
            "subscription_cycled_after_trial": true,
            "subscription_past_due": true,
            "subscription_paused": true,
            "subscription_resumed": true,
            "subscription_renewal_reminder": true,
            "subscription_revoked": true,
            "subscription_trial_conversion_reminder": true,
            "subscription_uncanceled": true,
            "subscription_updated": true
        },
        "customer_portal_settings": {
            "usage": {"show": true},
            "subscription": {"update_seats": true, "update_plan": true}
        },
        "dispute_settings": {"auto_accept_below_amount": null},
        "embed_hosts": [],
        "embed_hosts_enforced": false,
        "account_id": null,
        "payout_account_id": null,
        "capabilities": {
            "checkout_payments": true,
            "subscription_renewals": true,
            "payouts": false,
            "refunds": true,
            "api_access": true,
            "dashboard_access": true
        }
    })
}

/// An individual `Customer` as the API returns it.
pub fn customer_json(n: u64, email: &str) -> Value {
    json!({
        "id": uuid(n),
        "created_at": "2025-01-01T00:00:00Z",
        "modified_at": null,
        "metadata": {"plan": "pro"},
        "external_id": "usr_1337",
        "email": email,
        "email_verified": false,
        "type": "individual",
        "name": "Jane Doe",
        "billing_name": null,
        "billing_address": null,
        "tax_id": null,
        "organization_id": uuid(99),
        "deleted_at": null,
        "first_user_event_at": null,
        "avatar_url": null
    })
}

/// `CustomerOrganizationData`: what the customer portal returns for a slug.
pub fn portal_organization_json(slug: &str) -> Value {
    json!({
        "organization": {
            "created_at": "2025-01-01T00:00:00Z",
            "modified_at": null,
            "id": uuid(1),
            "name": "Acme",
            "slug": slug,
            "avatar_url": null,
            "proration_behavior": "invoice",
            "allow_customer_updates": true,
            "customer_portal_settings": {
                "usage": {"show": true},
                "subscription": {"update_seats": false, "update_plan": true}
            }
        },
        "products": []
    })
}

/// A `ListResource[...]` page.
pub fn page_json(items: Vec<Value>, total_count: i64, max_page: i64) -> Value {
    json!({
        "items": items,
        "pagination": {"total_count": total_count, "max_page": max_page}
    })
}

/// Asserts the headers every request carries: the bearer token (when the
/// operation is authenticated), `Polar-Version`, `User-Agent` and, when
/// `accept` is given, `Accept`.
pub fn assert_standard_headers(req: &wiremock::Request, authenticated: bool, accept: Option<&str>) {
    let header = |name: &str| req.headers.get(name).map(|v| v.to_str().expect("ASCII header").to_owned());
    if authenticated {
        assert_eq!(header("authorization").as_deref(), Some(format!("Bearer {TOKEN}").as_str()), "authorization");
    } else {
        assert_eq!(header("authorization"), None, "no authorization expected");
    }
    assert_eq!(header("polar-version").as_deref(), Some("2026-10"));
    assert_eq!(header("user-agent").as_deref(), Some(USER_AGENT));
    assert_eq!(header("accept").as_deref(), accept, "accept");
    assert_eq!(
        req.headers.get_all("authorization").iter().count(),
        usize::from(authenticated),
        "exactly one authorization header"
    );
}
