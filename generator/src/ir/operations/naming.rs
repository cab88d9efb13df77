//! Where an operation sits in the client: its group path (`x-speakeasy-group` or the first
//! tag) and its method name on that group, shortened when it repeats the group's name.

use crate::names;
use openapiv3::Operation as SpecOperation;
use serde_json::Value;

pub(super) fn group_path(op: &SpecOperation) -> Vec<String> {
    let raw = op
        .extensions
        .get("x-speakeasy-group")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| op.tags.first().cloned())
        .unwrap_or_else(|| "default".to_owned());
    let mut path: Vec<String> = raw.split('.').filter(|s| !s.is_empty()).map(names::snake_name).collect();
    if path.is_empty() {
        path.push("default".to_owned());
    }
    // Accessors are methods: a keyword or a name `Client`/handles already use gets a suffix.
    for (i, segment) in path.iter_mut().enumerate() {
        if names::is_keyword(segment) || (i == 0 && names::client_reserved().contains(segment)) || segment == "new" {
            segment.push_str("_ops");
        }
    }
    path
}

/// The method name of an operation, and a shorter one without the group's name
/// (`client.api_keys().api_keys_list()` reads better as `client.api_keys().list()`,
/// `organizations().list_organizations()` as `organizations().list()`).
pub(super) fn method_name(op: &SpecOperation, method: &str, path: &str, group: &[String]) -> (String, Option<String>) {
    let name = match (op.extensions.get("x-speakeasy-name-override").and_then(Value::as_str), &op.operation_id) {
        (Some(name), _) => names::snake_name(name),
        (None, Some(id)) => names::snake_name(id),
        // A name made from method and path spells the whole path; keep all of it.
        (None, None) => return (names::snake_name(&format!("{method} {path}")), None),
    };
    let Some(group) = group.last() else { return (name, None) };
    let short = name
        .strip_prefix(&format!("{group}_"))
        .or_else(|| name.strip_suffix(&format!("_{group}")))
        .filter(|rest| !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()) && !names::is_keyword(rest))
        .map(str::to_owned);
    (name, short)
}
