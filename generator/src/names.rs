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

/// Rust's prelude (2021 edition) and the derives the generated code writes: names every
/// generated file uses unqualified. This list is the language's, not the generator's.
const PRELUDE: &[&str] = &[
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "drop",
    "Box",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Default",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "ToString",
    "Vec",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Debug",
    "Hash",
    "Self",
];

/// Names a generated file may use unqualified besides the prelude, the runtime's exports and
/// the crate root's items: the generic parameters of generated impls, and names kept reserved
/// so that models of existing specs keep their names (`Bytes`, `Map`, `Cow`, ...).
const GENERATED_CODE: &[&str] = &[
    "S",
    "D",
    "E",
    "T",
    "V",
    "Raw",
    "DeserializeOwned",
    "Bytes",
    "Cow",
    "Map",
    "Future",
    "IntoFuture",
    "Pin",
    "Stream",
    "Display",
    "FromStr",
];

/// Type names a spec's types may not take, sorted: Rust's prelude and derives, what the
/// emitter imports (`crate::emit::IMPORTED_NAMES`: serde's traits, `BTreeMap`, chrono,
/// `Uuid`, `Value`), every item the runtime exports (read from the embedded
/// `runtime/mod.rs`, so a new runtime export is reserved the day it is added), the crate
/// root's own items (`crate::emit::CRATE_ROOT_ITEMS`) and the generic parameters of
/// generated code. `tests/generality.rs` checks that every name a generated file uses
/// unqualified is either defined by the crate or in this list.
pub fn reserved_type_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut all: BTreeSet<String> = PRELUDE.iter().chain(GENERATED_CODE).map(|s| (*s).to_owned()).collect();
        all.extend(crate::emit::IMPORTED_NAMES.iter().map(|s| (*s).to_owned()));
        all.extend(crate::emit::CRATE_ROOT_ITEMS.iter().map(|s| (*s).to_owned()));
        all.extend(runtime_exports());
        all.into_iter().collect()
    })
}

/// Whether a type may not be named `name` (see [`reserved_type_names`]).
pub fn is_reserved_type_name(name: &str) -> bool {
    reserved_type_names().binary_search_by(|n| n.as_str().cmp(name)).is_ok()
}

/// The embedded text of a runtime file.
fn runtime_file(name: &str) -> &'static str {
    crate::write::RUNTIME_FILES
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("runtime file {name} is embedded"))
}

/// Every name `runtime/mod.rs` re-exports with `pub use` (what `crate::runtime::*` offers),
/// and the public items of `runtime/webhooks.rs` (which the generated `webhooks` module
/// re-exports).
pub fn runtime_exports() -> Vec<String> {
    fn leaves(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => leaves(&p.tree, out),
            syn::UseTree::Name(n) => out.push(n.ident.to_string()),
            syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = Vec::new();
    for name in ["mod.rs", "webhooks.rs"] {
        let file = syn::parse_file(runtime_file(name)).unwrap_or_else(|e| panic!("runtime/{name}: {e}"));
        for item in &file.items {
            let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
            match item {
                syn::Item::Use(u) if public(&u.vis) => leaves(&u.tree, &mut out),
                syn::Item::Struct(i) if public(&i.vis) => out.push(i.ident.to_string()),
                syn::Item::Enum(i) if public(&i.vis) => out.push(i.ident.to_string()),
                syn::Item::Trait(i) if public(&i.vis) => out.push(i.ident.to_string()),
                syn::Item::Type(i) if public(&i.vis) => out.push(i.ident.to_string()),
                _ => {}
            }
        }
    }
    out
}

/// The methods and fields a request builder has whatever its parameters: every `fn` the
/// runtime's `request_builder!` macro (`runtime/builder.rs`) defines and every method or
/// field it uses on `self` (`send`, `into_request`, `clone`, `client`, `options`, ...), plus
/// the `body` the emitter adds. Parameter setters must not take these names. `page`, which
/// the macro calls on paginated builders, is the page parameter's own setter and so not
/// reserved. Sorted.
pub fn builder_reserved() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let text = runtime_file("builder.rs");
        let text = &text[text.find("macro_rules! request_builder").expect("request_builder! in builder.rs")..];
        let mut all: BTreeSet<String> = BTreeSet::new();
        for marker in ["fn ", "self."] {
            for (at, _) in text.match_indices(marker) {
                let rest = &text[at + marker.len()..];
                let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                let word = &rest[..end];
                // `self.` also precedes `$`-metavariables and `self,` parameters.
                if !word.is_empty() && word.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
                    all.insert(word.to_owned());
                }
            }
        }
        all.remove("page");
        all.insert("body".to_owned());
        all.into_iter().collect()
    })
}

/// The client's own methods, which root group accessors (`client.orders()`) must not take:
/// the `pub fn`s of the runtime's `impl Client` blocks (`runtime/client.rs`), the
/// constructors the crate root adds (`builder`, `from_env`) and the derived `clone`/`fmt`.
pub fn client_reserved() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let file = syn::parse_file(runtime_file("client.rs")).expect("runtime/client.rs parses");
        let mut all: BTreeSet<String> =
            ["builder", "from_env", "clone", "fmt", "new"].iter().map(|s| (*s).to_owned()).collect();
        for item in &file.items {
            let syn::Item::Impl(imp) = item else { continue };
            let syn::Type::Path(ty) = &*imp.self_ty else { continue };
            if imp.trait_.is_some() || !ty.path.is_ident("Client") {
                continue;
            }
            for item in &imp.items {
                if let syn::ImplItem::Fn(f) = item {
                    if matches!(f.vis, syn::Visibility::Public(_)) {
                        all.insert(f.sig.ident.to_string());
                    }
                }
            }
        }
        all.into_iter().collect()
    })
}

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

    pub fn with_reserved<S: AsRef<str>>(reserved: &[S]) -> Self {
        NameScope { taken: reserved.iter().map(|s| s.as_ref().to_owned()).collect() }
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

    /// The reserved names are read from the runtime: the request builder's methods from
    /// `request_builder!`, the client's from `impl Client`, the type names from the runtime's
    /// exports. (If one of these fails, the runtime changed: check the generated names.)
    #[test]
    fn reserved_names_come_from_the_runtime() {
        let builder: Vec<&str> = builder_reserved().iter().map(String::as_str).collect();
        for name in [
            "access_token",
            "body",
            "bytes_stream",
            "client",
            "clone",
            "into_future",
            "into_request",
            "options",
            "pages",
            "retry",
            "send",
            "send_with_response",
            "stream",
            "timeout",
        ] {
            assert!(builder.contains(&name), "{name} not in {builder:?}");
        }
        assert!(!builder.contains(&"page"), "`page` is the page parameter's setter");
        let client: Vec<&str> = client_reserved().iter().map(String::as_str).collect();
        for name in ["builder", "from_env", "base_url", "execute", "with_access_token", "transport", "clone"] {
            assert!(client.contains(&name), "{name} not in {client:?}");
        }
        for name in [
            "Option",
            "Client",
            "Error",
            "Request",
            "Method",
            "HeaderName",
            "SecurityScheme",
            "ErrorDecoder",
            "Patch",
            "Server",
            "Serialize",
            "BTreeMap",
            "WebhookVerifier",
            "Raw",
        ] {
            assert!(is_reserved_type_name(name), "{name}");
        }
        assert!(!is_reserved_type_name("Order"));
        let sorted = reserved_type_names().windows(2).all(|w| w[0] < w[1]);
        assert!(sorted, "binary search needs a sorted list");
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
