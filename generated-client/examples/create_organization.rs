//! Create an organization: `POST /v1/organizations/`.
//!
//! ```text
//! POLAR_ACCESS_TOKEN=polar_pat_... \
//!     cargo run -p polar-sh-sdk --example create_organization -- "Acme Inc" acme-inc
//! ```
//!
//! Reads `POLAR_ACCESS_TOKEN` (required; a personal access token with the
//! `organizations:write` scope) and `POLAR_BASE_URL` (optional; the sandbox
//! server `https://sandbox-api.polar.sh` when unset). The organization's name
//! and slug are the two arguments (default `Acme` and `acme`).

use polar::models::OrganizationCreate;
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
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "Acme".to_owned());
    let slug = args.next().unwrap_or_else(|| "acme".to_owned());

    // Only `name` and `slug` are required; every other field is optional and
    // is not sent unless set.
    let body = OrganizationCreate::new(name, slug);
    let org = match client.organizations().create(body).await {
        Ok(org) => org,
        Err(err) => {
            // Documented error bodies are typed: show what the API objected to.
            if let ErrorKind::Api { body: ApiErrorBody::HttpValidationError(validation), .. } = err.kind() {
                for detail in validation.detail.iter().flatten() {
                    eprintln!("invalid {:?}: {}", detail.loc, detail.msg);
                }
            }
            return Err(err.into());
        }
    };

    println!("created organization {}", org.id);
    println!("  name:   {}", org.name);
    println!("  slug:   {}", org.slug);
    println!("  status: {:?}", org.status);
    Ok(())
}
