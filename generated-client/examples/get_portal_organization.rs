//! Get the customer portal's organization by slug:
//! `GET /v1/customer-portal/organizations/{slug}`.
//!
//! ```text
//! POLAR_ACCESS_TOKEN=polar_pat_... cargo run -p polar-sh-sdk --example get_portal_organization -- acme
//! ```
//!
//! Reads `POLAR_ACCESS_TOKEN` (required, like the other examples) and
//! `POLAR_BASE_URL` (optional; the sandbox server when unset). The slug is the
//! first argument (default `acme`).
//!
//! This endpoint is public: the API description declares no security for it,
//! so the client does not send the token with this request.

use polar::{ApiErrorBody, Client, ErrorKind, Server};

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
    let slug = std::env::args().nth(1).unwrap_or_else(|| "acme".to_owned());

    // The slug is percent-encoded into a single path segment, whatever it holds.
    let data = match client.customer_portal().organizations().get(&slug).await {
        Ok(data) => data,
        Err(err) => {
            if let ErrorKind::Api { body: ApiErrorBody::ResourceNotFound(not_found), .. } = err.kind() {
                eprintln!("no organization `{slug}`: {}", not_found.detail);
            }
            return Err(err.into());
        }
    };

    let org = &data.organization;
    println!("{} ({})", org.name, org.slug);
    println!("  id:                     {}", org.id);
    println!("  customers may update:   {}", org.allow_customer_updates);
    println!("  products:               {}", data.products.len());
    for product in &data.products {
        let kind = if product.is_recurring { "subscription" } else { "one-time" };
        println!("    - {} ({kind})", product.name);
    }
    Ok(())
}
