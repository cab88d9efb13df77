//! Lists the first page of orders of the organization behind `POLAR_ACCESS_TOKEN`
//! (sandbox unless `POLAR_SERVER=production`). Built, never run, by `cargo xtask bench app`.

mod edit;

use polar::{Client, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("POLAR_ACCESS_TOKEN").map_err(|_| "set POLAR_ACCESS_TOKEN")?;
    let server = match std::env::var("POLAR_SERVER").as_deref() {
        Ok("production") => Server::Production,
        _ => Server::Sandbox,
    };
    let client = Client::builder().access_token(token).server(server).build()?;
    let page = client.orders().list().limit(10).send().await?;
    println!("{} of {} orders (edit {}):", page.items.len(), page.pagination.total_count, edit::EDIT);
    for order in &page.items {
        println!("  {} {} {} {}", order.id, order.status, order.total_amount, order.currency);
    }
    Ok(())
}
