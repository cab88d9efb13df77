//! Turning names from a spec (hostile input) into valid, distinct, deterministic Rust names.
//!
//! Every function here is total: any string, including empty, symbol-only, digit-led or
//! keyword-like input, yields a valid identifier.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words that cannot be identifiers even as raw identifiers (`r#self` is invalid).
const NON_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Strict and reserved keywords of Rust 2021 (usable as `r#kw`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Type names the generated code uses unqualified; a spec type may not shadow them.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "BTreeMap",
    "Value",
    "Uuid",
    "DateTime",
    "Utc",
    "NaiveDate",
    "Patch",
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
    "Default",
    "Debug",
    "Clone",
    "PartialEq",
    "Eq",
    "Hash",
    "Error",
    "Client",
    "Request",
    "Response",
    "Self",
    "Bytes",
    "ApiErrorBody",
    "Server",
    "ClientBuilder",
    "RequestOptions",
    "RetryPolicy",
    "Stream",
    "Cow",
    "Map",
    "Vec",
    "Future",
    "IntoFuture",
    "Pin",
    "Send",
    "Sync",
    "Sized",
    "Copy",
    "Into",
    "From",
    "Iterator",
    "ToString",
    "Display",
    "FromStr",
    "AsRef",
    "Ord",
    "PartialOrd",
];

/// Replaces everything but ASCII alphanumerics with word breaks, so heck sees words.
/// Leading `-`/`+` become words (`-created_at` sorts descending in Polar: keep it distinct).
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 4);
    for (i, c) in raw.chars().enumerate() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '-' if i == 0 => out.push_str("minus "),
            '+' if i == 0 => out.push_str("plus "),
            _ => out.push(' '),
        }
    }
    out
}

/// `UpperCamelCase` type or variant name. Never empty, never digit-led, never a keyword.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if name == "Self" {
        name.push_str("Type");
    }
    name
}

/// `snake_case` field, method or module name. Never empty or digit-led. Keywords are
/// returned as-is: emit them with [`ident`], which makes raw identifiers where it can.
pub fn snake_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if NON_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Module (file) names: snake case; keywords get a trailing underscore since `mod r#type`
/// would need a file named `r#type.rs`.
pub fn module_name(raw: &str) -> String {
    let name = snake_name(raw);
    if is_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// An identifier token for `name`, as a raw identifier when `name` is a keyword.
pub fn ident(name: &str) -> proc_macro2::Ident {
    if is_keyword(name) {
        proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// Hands out names that are unique within one scope, deterministically: the first
/// claimant gets the plain name, later ones `Name2`, `Name3`, ... (or `name_2` for snake).
#[derive(Debug, Default, Clone)]
pub struct NameScope {
    taken: BTreeSet<String>,
}

impl NameScope {
    pub fn new() -> Self {
        NameScope::default()
    }

    pub fn with_reserved(reserved: &[&str]) -> Self {
        NameScope { taken: reserved.iter().map(|s| (*s).to_owned()).collect() }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `name` or the first free numbered variant of it.
    pub fn claim(&mut self, name: &str) -> String {
        let snake = name.starts_with(|c: char| c.is_ascii_lowercase());
        let mut candidate = name.to_owned();
        let stem = name.trim_end_matches('_');
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = if snake { format!("{stem}_{n}") } else { format!("{stem}{n}") };
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_valid_for_hostile_input() {
        assert_eq!(type_name("ListResource_Organization_"), "ListResourceOrganization");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(type_name("%%%"), "Unnamed");
        assert_eq!(type_name("2fa"), "N2fa");
        assert_eq!(type_name("self"), "SelfType");
        assert_eq!(type_name("-created_at"), "MinusCreatedAt");
        assert_eq!(type_name("Response 403 Organizations:Update"), "Response403OrganizationsUpdate");
    }

    #[test]
    fn snake_names_handle_keywords_and_digits() {
        assert_eq!(snake_name("type"), "type");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("Self"), "self_");
        assert_eq!(snake_name("3d_secure"), "n3d_secure");
        assert_eq!(snake_name("@@"), "unnamed");
        assert_eq!(snake_name("fooBar"), "foo_bar");
        assert_eq!(module_name("type"), "type_");
    }

    #[test]
    fn scopes_number_collisions_deterministically() {
        let mut scope = NameScope::with_reserved(&["Option"]);
        assert_eq!(scope.claim("Option"), "Option2");
        assert_eq!(scope.claim("Foo"), "Foo");
        assert_eq!(scope.claim("Foo"), "Foo2");
        assert_eq!(scope.claim("foo_bar"), "foo_bar");
        assert_eq!(scope.claim("foo_bar"), "foo_bar_2");
        assert_eq!(scope.claim("self_"), "self_");
        assert_eq!(scope.claim("self_"), "self_2");
    }
}
