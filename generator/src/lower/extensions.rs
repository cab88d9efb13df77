//! Specification extensions (`x-…` keys) inside maps whose other keys name things: the
//! paths of `paths`, the events of `webhooks` (and of 3.0's `x-webhooks` convention), the
//! statuses of an operation's `responses`, the names of its `callbacks` and the expressions
//! of a callback. Such a key is not a path, event, status or expression: it is removed before
//! the 3.0 model reads the document (which would try to read its value as a path item or
//! callback, and refuse it), each removal a warning naming its pointer.

use serde_json::Value;

use super::shape::{push_token, visit, Kind};
use crate::error::Warning;
use crate::load::Document;

/// A copy of `doc` without the extension keys described above, each removal a warning;
/// `None` when there are none (the common case: no copy is made).
pub(super) fn skip_extension_keys(doc: &Document, warnings: &mut Vec<Warning>) -> Option<Document> {
    let found = extension_keys(&doc.value);
    if found.is_empty() {
        return None;
    }
    let mut value = doc.value.clone();
    for (map_pointer, key, what) in found {
        let Some(Value::Object(map)) = value.pointer_mut(&map_pointer) else { continue };
        map.shift_remove(&key);
        let mut at = map_pointer;
        at.push('/');
        push_token(&mut at, &key);
        warnings.push(Warning {
            pointer: at,
            message: format!("extension key `{key}` where a {what} is expected: skipped"),
        });
    }
    Some(Document { value, ..doc.clone() })
}

/// (pointer of the map, the key, what the map's keys name) of every such extension key.
fn extension_keys(root: &Value) -> Vec<(String, String, &'static str)> {
    // (pointer of the map, what its keys name), found first, removed after.
    let mut maps: Vec<(String, &'static str)> = vec![("/paths".to_owned(), "path")];
    for container in ["/webhooks", "/x-webhooks"] {
        maps.push((container.to_owned(), "webhook event"));
    }
    let mut operations_in = |kind: Kind, node: &Value, ptr: &str| match kind {
        Kind::Operation => {
            maps.push((format!("{ptr}/responses"), "response status"));
            maps.push((format!("{ptr}/callbacks"), "callback"));
        }
        Kind::Callback => maps.push((ptr.to_owned(), "callback expression")),
        _ => {
            let _ = node;
        }
    };
    let mut pointer = String::new();
    visit(Kind::Root, root, &mut pointer, &mut operations_in);
    // 3.0's `x-webhooks` is an extension the walk does not enter: its path items by hand.
    if let Some(Value::Object(hooks)) = root.get("x-webhooks") {
        for (event, item) in hooks {
            if event.starts_with("x-") {
                continue;
            }
            let mut ptr = "/x-webhooks/".to_owned();
            push_token(&mut ptr, event);
            visit(Kind::PathItem, item, &mut ptr, &mut operations_in);
        }
    }
    let mut found = Vec::new();
    for (map_pointer, what) in maps {
        let Some(Value::Object(map)) = root.pointer(&map_pointer) else { continue };
        for key in map.keys().filter(|k| k.starts_with("x-")) {
            found.push((map_pointer.clone(), key.clone(), what));
        }
    }
    found
}
