//! Spec descriptions → rustdoc that renders well and never turns into a doctest or a lint.

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
    use super::sanitize_doc;

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
