//! List organizations: `GET /v1/organizations/`, one page at a time and as a
//! stream of every organization.
//!
//! ```text
//! POLAR_ACCESS_TOKEN=polar_pat_... cargo run -p polar-sh-sdk --example list_organizations
//! POLAR_ACCESS_TOKEN=polar_pat_... cargo run -p polar-sh-sdk --example list_organizations -- acme
//! ```
//!
//! Reads `POLAR_ACCESS_TOKEN` (required; a token with the `organizations:read`
//! scope) and `POLAR_BASE_URL` (optional; the sandbox server when unset). An
//! optional argument filters by slug.

use futures_util::StreamExt;
use polar::models::OrganizationSortProperty;
use polar::{Client, Server};

/// A client for the server in `POLAR_BASE_URL` (default: sandbox), with the
/// token in `POLAR_ACCESS_TOKEN`.
fn client_from_env() -> Result<Client, Box<dyn std::error::Error>> {
    let token = std::env::var("POLAR_ACCESS_TOKEN").map_err(|_| {
        "POLAR_ACCESS_TOKEN is not set: create an access token in Polar's settings \
         (use the sandbox, https://sandbox.polar.sh, to experiment) and export it"
    })?;
    let builder = Client::builder().access_token(token);
    let builder = match std::env::var("POLAR_BASE_URL") {
        Ok(url) => builder.base_url(url),
        Err(_) => builder.server(Server::Sandbox),
    };
    Ok(builder.build()?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client_from_env()?;
    let slug = std::env::args().nth(1);

    // One page: the builder takes the optional query parameters, then is awaited.
    let mut first_page =
        client.organizations().list().page(1).limit(10).sorting([OrganizationSortProperty::MinusCreatedAt]);
    if let Some(slug) = &slug {
        first_page = first_page.slug(slug.as_str());
    }
    let page = first_page.await?;
    println!(
        "page 1 of {}: {} of {} organizations",
        page.pagination.max_page,
        page.items.len(),
        page.pagination.total_count
    );
    for org in &page.items {
        println!("  {}  {:<24} {}", org.id, org.slug, org.name);
    }

    // Every organization: `.stream()` fetches page after page as it is polled
    // and ends after the last one (`pagination.max_page`). The stream must be
    // pinned before `next()` is called on it.
    let mut list = client.organizations().list().limit(100).sorting([OrganizationSortProperty::Slug]);
    if let Some(slug) = &slug {
        list = list.slug(slug.as_str());
    }
    let mut every = std::pin::pin!(list.stream());
    let mut count = 0;
    println!("all organizations:");
    while let Some(org) = every.next().await {
        let org = org?;
        count += 1;
        println!("  {count:>4}. {} ({})", org.name, org.slug);
    }
    println!("{count} organizations in total");
    Ok(())
}
