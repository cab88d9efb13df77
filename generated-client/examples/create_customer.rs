//! Create a customer: `POST /v1/customers/`.
//!
//! ```text
//! POLAR_ACCESS_TOKEN=polar_oat_... \
//!     cargo run -p polar-sh-sdk --example create_customer -- jane@example.com
//! ```
//!
//! Reads `POLAR_ACCESS_TOKEN` (required; an organization access token with the
//! `customers:write` scope — with a personal token, also set
//! `organization_id` on the body) and `POLAR_BASE_URL` (optional; the sandbox
//! server when unset). The email is the first argument.

use std::collections::BTreeMap;

use polar::models::{AddressInput, Customer, CustomerCreate, CustomerIndividualCreate};
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
    let email = std::env::args().nth(1).unwrap_or_else(|| "jane@example.com".to_owned());

    let mut address = AddressInput::new("US".into());
    address.line1 = Some("1 Main St".to_owned());
    address.postal_code = Some("94105".to_owned());
    address.city = Some("San Francisco".to_owned());
    address.state = Some("US-CA".to_owned());

    // Metadata values are strings, integers, floats or booleans; a map of
    // `serde_json` values converts into the model's value type.
    let metadata: BTreeMap<String, _> = serde_json::from_value(serde_json::json!({
        "plan": "pro",
        "seats": 5,
        "beta": true,
    }))?;

    let mut individual = CustomerIndividualCreate::new(email);
    individual.external_id = Some("usr_1337".to_owned());
    individual.name = Some("Jane Doe".to_owned());
    individual.billing_address = Some(address);
    individual.metadata = Some(metadata);

    let body = CustomerCreate::from(individual);
    let customer = match client.customers().create(body).await {
        Ok(customer) => customer,
        Err(err) => {
            if let ErrorKind::Api { body: ApiErrorBody::HttpValidationError(validation), .. } = err.kind() {
                for detail in validation.detail.iter().flatten() {
                    eprintln!("invalid {:?}: {}", detail.loc, detail.msg);
                }
            }
            return Err(err.into());
        }
    };

    match customer {
        Customer::Individual(c) => {
            println!("created customer {}", c.id);
            println!("  email:       {}", c.email);
            println!("  name:        {}", c.name.as_deref().unwrap_or("-"));
            println!("  external id: {}", c.external_id.as_deref().unwrap_or("-"));
            println!("  metadata:    {:?}", c.metadata);
        }
        Customer::Team(c) => println!("created team customer {}", c.id),
        Customer::Unknown(json) => println!("created a customer of a newer kind: {json}"),
    }
    Ok(())
}
