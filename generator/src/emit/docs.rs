//! Spec descriptions → rustdoc that renders well and never turns into a doctest or a lint.

use crate::ir::{Api, Field, Operation, TypeDef};
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes (printed as `///` lines) for a description.
pub fn doc_attrs(doc: Option<&str>) -> TokenStream {
    doc_lines(doc, false)
}

/// `#![doc = "..."]` attributes (printed as `//!` lines) for a module's description.
pub fn inner_doc_attrs(doc: Option<&str>) -> TokenStream {
    doc_lines(doc, true)
}

/// The rustdoc of a type: the spec's description, else what `ir::docs::plan` decided.
pub fn type_doc_attrs(api: &Api, def: &TypeDef) -> TokenStream {
    match def.doc.as_deref() {
        Some(doc) => doc_attrs(Some(doc)),
        None => planned_lines(api.docs.types.get(&def.name).map(String::as_str)),
    }
}

/// The rustdoc of a struct field: the spec's description, else the planned one; a
/// deprecated field says so first.
pub fn field_doc_attrs(api: &Api, def: &TypeDef, field: &Field) -> TokenStream {
    let deprecated = field.deprecated.then(|| quote! { #[doc = " **Deprecated.**"] #[doc = ""] });
    let doc = match field.doc.as_deref() {
        Some(doc) => doc_attrs(Some(doc)),
        None => planned_lines(api.docs.fields.get(&(def.name.clone(), field.name.clone())).map(String::as_str)),
    };
    quote! { #deprecated #doc }
}

/// An operation's rustdoc: summary, description (unless it only repeats the summary),
/// method and path, scopes, deprecation, then its code sample when the crate's docs
/// carry samples ([`crate::Options::samples_compiled_in`]).
pub fn operation_doc_attrs(api: &Api, op: &Operation) -> TokenStream {
    let spec_part = doc_attrs(Some(&operation_doc(api, op)));
    let Some(code) = api.docs.samples.get(&op.operation_id) else {
        return spec_part;
    };
    let mut sample = String::from("\n# Example\n\n");
    if let Some(place) = &api.docs.samples_compiled_in {
        sample.push_str(&format!(
            "`client` is a [`Client`]({root}::Client) (see the [crate docs](crate)). This sample is compiled by `{place}`, not as a doctest.\n\n",
            root = api.crate_path()
        ));
    }
    sample.push_str(&format!("```rust,ignore\n{}\n```", code.trim_end()));
    let sample = planned_lines(Some(&sample));
    quote! { #spec_part #sample }
}

/// The spec's part of an operation's docs (Markdown, sanitized by the caller).
fn operation_doc(api: &Api, op: &Operation) -> String {
    let mut doc = String::new();
    let summary = op.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(summary) = summary {
        doc.push_str(summary.trim_end_matches('.'));
        doc.push_str(".\n\n");
    }
    if let Some(description) = &op.description {
        let description = description.trim();
        if !description.is_empty() && !same_sentence(description, summary.unwrap_or_default()) {
            doc.push_str(description);
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&format!("`{} {}` (operation `{}`)", op.method, op.path, op.operation_id));
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
        doc.push_str(&format!("\n\nScopes: {}", scopes.join(", ")));
    }
    if let Some(credentials) = credentials_doc(api, op) {
        doc.push_str("\n\n");
        doc.push_str(&credentials);
    }
    if op.deprecated {
        doc.push_str("\n\n**Deprecated.**");
    }
    doc
}

/// For an operation that needs a token another operation issues (Polar's customer
/// portal: a customer or member session token): which token, and how to get and send it.
fn credentials_doc(api: &Api, op: &Operation) -> Option<String> {
    let issuer = op.credentials.iter().find_map(|c| c.issued_by.as_ref())?;
    let tokens: Vec<String> =
        op.credentials.iter().map(|c| format!("a {} token", c.scheme.replace('_', " "))).collect();
    let schemes: Vec<String> = op.credentials.iter().map(|c| format!("`{}`", c.scheme)).collect();
    let call = format!("client.{}().{}(..)", issuer.group.join("().").replace('-', "_"), issuer.name);
    Some(format!(
        "**Token:** {} (security {}), not the organization token: get one from `{call}` (operation \
         `{}`) and send it with the request builder's `.access_token(token)` or a \
         [`Client::with_access_token`]({root}::Client::with_access_token) client.",
        tokens.join(" or "),
        schemes.join(", "),
        issuer.operation_id,
        root = api.crate_path()
    ))
}

/// "List Organizations." and "List organizations" say the same: case, surrounding
/// space and a final period aside.
fn same_sentence(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('.').trim().to_lowercase();
    norm(a) == norm(b)
}

/// `#![doc]` lines of rustdoc written as such (the profile's crate docs): no sanitizing.
pub fn inner_planned_lines(doc: Option<&str>) -> TokenStream {
    let doc = doc.map(|d| format!("\n{}", d.trim_end()));
    let lines = doc.iter().flat_map(|d| d.lines()).map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #![doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Planned docs are rustdoc already (their links are resolved): no sanitizing.
fn planned_lines(doc: Option<&str>) -> TokenStream {
    let lines = doc.into_iter().flat_map(str::lines).map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

fn doc_lines(doc: Option<&str>, inner: bool) -> TokenStream {
    let Some(doc) = doc.map(sanitize_doc).filter(|d| !d.is_empty()) else {
        return TokenStream::new();
    };
    let lines = doc.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        if inner {
            quote! { #![doc = #line] }
        } else {
            quote! { #[doc = #line] }
        }
    });
    quote! { #(#lines)* }
}

/// Makes Markdown from a spec safe as rustdoc:
/// - fenced code blocks become `text` blocks (an unlabelled fence would be compiled as a doctest);
/// - indentation outside fences is capped at 3 spaces (4 would start an indented code block);
/// - lines that continue a list item are indented under it (clippy's `doc_lazy_continuation`);
/// - bare URLs get angle brackets and stray `[x]` brackets are escaped (rustdoc link lints);
/// - trailing whitespace and surrounding blank lines are dropped.
pub fn sanitize_doc(doc: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_list = false;
    for raw in doc.trim().lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                let lang = trimmed.trim_start_matches('`').trim();
                let lang = if lang.is_empty() || lang == "rust" { "text" } else { lang };
                out.push(format!("```{lang}"));
            }
            in_fence = !in_fence;
            in_list = false;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        if trimmed.is_empty() {
            in_list = false;
            out.push(String::new());
            continue;
        }
        let indent = (line.len() - trimmed.len()).min(3);
        let is_item = is_list_item(trimmed);
        let text = escape_inline(trimmed);
        if is_item {
            in_list = true;
            out.push(format!("{}{text}", " ".repeat(indent)));
        } else if in_list {
            out.push(format!("  {text}"));
        } else {
            out.push(format!("{}{text}", " ".repeat(indent)));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

fn is_list_item(line: &str) -> bool {
    if line.starts_with("* ") || line.starts_with("- ") || line.starts_with("+ ") {
        return true;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") "))
}

/// Escapes what rustdoc would read as an intra-doc link and wraps bare URLs.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            // A Markdown link `[text](url)` stays; anything else is escaped.
            if let Some(close) = chars[i..].iter().position(|&c| c == ']').map(|p| p + i) {
                if chars.get(close + 1) == Some(&'(') {
                    let label: String = chars[i..=close].iter().collect();
                    out.push_str(&label);
                    i = close + 1;
                    // Copy the `(url)` part untouched.
                    if let Some(end) = chars[i..].iter().position(|&c| c == ')').map(|p| p + i) {
                        out.extend(&chars[i..=end]);
                        i = end + 1;
                    }
                    continue;
                }
            }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        // `<key>` would be read as an unclosed HTML tag; `<https://..>` is an autolink.
        if c == '<' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') {
            let rest: String = chars[i + 1..chars.len().min(i + 6)].iter().collect();
            if !rest.starts_with("http") {
                out.push_str("\\<");
                i += 1;
                continue;
            }
        }
        let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
        let after_bracket = i > 0 && matches!(chars[i - 1], '<' | '(' | '"');
        if !after_bracket && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = chars[i..].iter().position(|c| c.is_whitespace()).map_or(chars.len(), |p| p + i);
            let mut url: String = chars[i..end].iter().collect();
            let mut trailing = String::new();
            while url.ends_with(['.', ',', ')', ';', ':']) {
                trailing.insert(0, url.pop().unwrap_or_default());
            }
            out.push('<');
            out.push_str(&url);
            out.push('>');
            out.push_str(&trailing);
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{same_sentence, sanitize_doc};

    #[test]
    fn a_description_repeating_the_summary_is_left_out() {
        assert!(same_sentence("List organizations.", "List Organizations"));
        assert!(same_sentence(" Get a customer. ", "Get a Customer."));
        assert!(!same_sentence("List organizations you belong to.", "List Organizations"));
    }

    #[test]
    fn fences_become_text_and_indentation_is_capped() {
        let doc = "Example:\n\n```\nlet x = 1;\n```\n\n        indented";
        assert_eq!(sanitize_doc(doc), "Example:\n\n```text\nlet x = 1;\n```\n\n   indented");
    }

    #[test]
    fn list_continuations_are_indented() {
        assert_eq!(sanitize_doc("* one\ntwo\n\nthree"), "* one\n  two\n\nthree");
    }

    #[test]
    fn brackets_and_urls_are_made_safe() {
        assert_eq!(
            sanitize_doc("see [docs](https://x.y) or [x] at https://a.b/c."),
            "see [docs](https://x.y) or \\[x\\] at <https://a.b/c>."
        );
        assert_eq!(sanitize_doc("`[not a link]`"), "`[not a link]`");
        assert_eq!(sanitize_doc("use {metadata.<key>} or <https://x.y>"), "use {metadata.\\<key>} or <https://x.y>");
    }
}
