//! A CLI that licenses itself with a Polar licence key, without an async runtime and
//! without an access token (`polar::licensing` with the blocking client):
//!
//! ```text
//! cargo run --example license_cli --features blocking -- --org <ORGANIZATION_ID> --sandbox activate <KEY>
//! cargo run --example license_cli --features blocking -- --org <ORGANIZATION_ID> --sandbox check
//! cargo run --example license_cli --features blocking -- --org <ORGANIZATION_ID> --sandbox deactivate
//! ```
//!
//! `activate` reserves one of the key's activations for this machine and stores the key
//! and the activation id in a small JSON file (`--state`, default
//! `license_cli_state.json`); `check` is what the app runs at start-up: it validates the
//! stored activation and falls back to the last good validation for seven days when Polar
//! cannot be reached; `deactivate` frees the activation for another machine.
//!
//! A shipped app compiles its organization id and server in (no flags, no environment
//! variables): here they are flags so that the example runs against any organization, or
//! against a local server with `--base-url`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use polar::licensing::{LicenseError, LicenseKeys};
use polar::models::MetadataValue;
use polar::Server;
use serde_json::{json, Value};
use uuid::Uuid;

/// How long the app keeps working on its last good validation while Polar is unreachable.
const OFFLINE_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);

/// After a purchase, how long a key Polar does not know yet is retried (see the
/// `polar::licensing` docs, "Just after a purchase").
const NEW_KEY_WINDOW: Duration = Duration::from_secs(60);

struct Args {
    organization_id: Uuid,
    server: Server,
    base_url: Option<String>,
    state: PathBuf,
    command: Vec<String>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1).collect()) {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let mut builder = LicenseKeys::builder(args.organization_id).server(args.server).timeout(Duration::from_secs(10));
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url);
    }
    let keys = match builder.build() {
        Ok(keys) => keys,
        Err(e) => {
            eprintln!("cannot create the licence client: {e}");
            return ExitCode::FAILURE;
        }
    };
    let command: Vec<&str> = args.command.iter().map(String::as_str).collect();
    let outcome = match command[..] {
        ["activate", key] => activate(&keys, &args.state, key),
        ["check"] => check(&keys, &args.state),
        ["deactivate"] => deactivate(&keys, &args.state),
        _ => Err(format!("unknown command {:?}\n{}", args.command, USAGE)),
    };
    match outcome {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: license_cli --org <ORGANIZATION_ID> [--sandbox] [--base-url URL] [--state FILE] \
                     (activate <KEY> | check | deactivate)";

fn parse_args(raw: Vec<String>) -> Result<Args, String> {
    let mut organization_id = None;
    let mut server = Server::Production;
    let mut base_url = None;
    let mut state = PathBuf::from("license_cli_state.json");
    let mut command = Vec::new();
    let mut raw = raw.into_iter();
    while let Some(arg) = raw.next() {
        match arg.as_str() {
            "--org" => organization_id = raw.next().and_then(|id| id.parse().ok()),
            "--sandbox" => server = Server::Sandbox,
            "--base-url" => base_url = raw.next(),
            "--state" => state = raw.next().map(PathBuf::from).ok_or(USAGE)?,
            _ => command.push(arg),
        }
    }
    let organization_id = organization_id.ok_or_else(|| format!("--org <ORGANIZATION_ID> is required\n{USAGE}"))?;
    Ok(Args { organization_id, server, base_url, state, command })
}

/// Ties an activation to this machine: Polar then refuses to validate it elsewhere.
fn machine_id() -> Option<MetadataValue> {
    let id = std::fs::read_to_string("/etc/machine-id").ok()?;
    Some(MetadataValue::String(id.trim().to_owned()))
}

fn activate(keys: &LicenseKeys, state: &Path, key: &str) -> Result<String, String> {
    let label = std::env::var("HOSTNAME").unwrap_or_else(|_| "license_cli".to_owned());
    let mut request = keys.activate(key, label).retry_not_found(NEW_KEY_WINDOW);
    if let Some(machine) = machine_id() {
        request = request.condition("machine", machine);
    }
    let activation = request.send_blocking().map_err(|e| explain(&e))?;
    save(state, &json!({"key": key, "activation_id": activation.id, "validated_at": now()}))?;
    Ok(format!("activated on this machine (activation {})", activation.id))
}

fn check(keys: &LicenseKeys, state: &Path) -> Result<String, String> {
    let mut stored = load(state)?;
    let (key, activation_id) = stored_activation(&stored)?;
    let mut request = keys.validate(key).activation_id(activation_id);
    if let Some(machine) = machine_id() {
        request = request.condition("machine", machine);
    }
    match request.send_blocking() {
        Ok(validated) => {
            stored["validated_at"] = json!(now());
            save(state, &stored)?;
            Ok(match validated.expires_at {
                Some(at) => format!("licensed until {at}"),
                None => "licensed".to_owned(),
            })
        }
        // Offline: keep working on the last good validation for a while.
        Err(e) if e.is_unreachable() => {
            let since = now().saturating_sub(stored["validated_at"].as_u64().unwrap_or(0));
            if since <= OFFLINE_GRACE.as_secs() {
                Ok(format!("licensed (offline; last validated {} h ago): {e}", since / 3600))
            } else {
                Err(format!("cannot validate the licence for too long: {e}"))
            }
        }
        Err(e) => Err(explain(&e)),
    }
}

fn deactivate(keys: &LicenseKeys, state: &Path) -> Result<String, String> {
    let stored = load(state)?;
    let (key, activation_id) = stored_activation(&stored)?;
    match keys.deactivate(key, activation_id).send_blocking() {
        // Already deactivated (in the customer portal, say): nothing left to free.
        Ok(()) | Err(LicenseError::NotFound(_)) => {}
        Err(e) => return Err(explain(&e)),
    }
    std::fs::remove_file(state).map_err(|e| format!("{}: {e}", state.display()))?;
    Ok("deactivated: this machine's activation is free for another one".to_owned())
}

/// What to tell the user for each error they can act on.
fn explain(error: &LicenseError) -> String {
    match error {
        LicenseError::NotFound(_) => {
            "licence key not found: check the key (and that it is not a sandbox key), or activate again".to_owned()
        }
        LicenseError::NoLongerActive(_) => "this licence was revoked or disabled: see the customer portal".to_owned(),
        LicenseError::Expired(_) => "this licence has expired: renew it".to_owned(),
        LicenseError::ActivationLimitReached(_) => {
            "every activation of this key is in use: deactivate another machine first".to_owned()
        }
        LicenseError::ConditionsMismatch(_) => "this activation belongs to another machine: activate again".to_owned(),
        LicenseError::RateLimited(_) => match error.retry_after() {
            Some(wait) => format!("too many attempts: try again in {} s", wait.as_secs()),
            None => "too many attempts: try again later".to_owned(),
        },
        LicenseError::Unreachable(_) => format!("cannot reach the licence server: {error}"),
        other => format!("licence check failed: {other}"),
    }
}

fn stored_activation(stored: &Value) -> Result<(&str, Uuid), String> {
    let key = stored["key"].as_str();
    let activation = stored["activation_id"].as_str().and_then(|id| id.parse().ok());
    key.zip(activation).ok_or_else(|| "no activation stored: run `activate <KEY>` first".to_owned())
}

fn load(state: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(state).map_err(|_| "not activated: run `activate <KEY>` first".to_owned())?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", state.display()))
}

fn save(state: &Path, value: &Value) -> Result<(), String> {
    std::fs::write(state, value.to_string()).map_err(|e| format!("{}: {e}", state.display()))
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
