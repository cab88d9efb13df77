//! Security requirements that name a scheme `components/securitySchemes` does not declare
//! (a real mistake of real specs): refused with the requirement's pointer, or in lenient
//! mode dropped (the whole requirement: its schemes are required together), each a warning.

use serde_json::Value;

use super::shape::{push_token, visit, Kind};
use crate::error::{SpecError, Warning};
use crate::load::{nearest_line, Document};

/// Every requirement naming an undeclared scheme: (pointer of the `security` list, index of
/// the requirement, the undeclared name), in document order.
fn undeclared(root: &Value) -> Vec<(String, usize, String)> {
    let declared = |name: &str| root.pointer("/components/securitySchemes").and_then(|s| s.get(name)).is_some();
    let mut lists: Vec<String> = vec!["/security".to_owned()];
    let mut pointer = String::new();
    let mut operations = |kind: Kind, _: &Value, ptr: &str| {
        if kind == Kind::Operation {
            lists.push(format!("{ptr}/security"));
        }
    };
    visit(Kind::Root, root, &mut pointer, &mut operations);
    if let Some(Value::Object(hooks)) = root.get("x-webhooks") {
        for (event, item) in hooks {
            let mut ptr = "/x-webhooks/".to_owned();
            push_token(&mut ptr, event);
            visit(Kind::PathItem, item, &mut ptr, &mut operations);
        }
    }
    let mut found = Vec::new();
    for list in lists {
        let Some(Value::Array(requirements)) = root.pointer(&list) else { continue };
        for (i, requirement) in requirements.iter().enumerate() {
            let Value::Object(names) = requirement else { continue };
            if let Some(name) = names.keys().find(|name| !declared(name)) {
                found.push((list.clone(), i, name.clone()));
            }
        }
    }
    found
}

/// Strict: the first requirement naming an undeclared scheme is an error. Lenient: a copy
/// of `doc` without such requirements (`None` when there are none), each a warning.
pub(super) fn check_security(
    doc: &Document,
    lenient: bool,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Document>, SpecError> {
    let found = undeclared(&doc.value);
    let Some((list, i, name)) = found.first() else { return Ok(None) };
    if !lenient {
        let mut at = format!("{list}/{i}/");
        push_token(&mut at, name);
        let line = nearest_line(doc, &at);
        return Err(SpecError::new(
            &doc.file,
            at,
            format!("security requirement names `{name}`, which `components/securitySchemes` does not declare"),
        )
        .with_hint(
            "declare the scheme under `components/securitySchemes` or fix the name; `--lenient` drops the requirement",
        )
        .with_line(line));
    }
    let mut value = doc.value.clone();
    // Last first, so earlier indices stay valid.
    for (list, i, name) in found.into_iter().rev() {
        if let Some(Value::Array(requirements)) = value.pointer_mut(&list) {
            requirements.remove(i);
        }
        warnings.push(Warning {
            pointer: format!("{list}/{i}"),
            message: format!(
                "lenient: security requirement names `{name}`, which `components/securitySchemes` does not declare: \
                 requirement dropped"
            ),
        });
    }
    Ok(Some(Document { value, ..doc.clone() }))
}
