//! Query-string and path encoding.
//!
//! Query parameters are collected as ordered `(name, value)` pairs of plain
//! text ([`QueryText`]: a value remembers which of its characters separate
//! items); [`encode_query`] percent-encodes them when the URL is built.
//! OpenAPI's parameter styles (path `simple`/`label`/`matrix`, query `form`,
//! delimited and `deepObject`, header `simple`, cookie `form`) are laid out by
//! [`ParamValue`] in the `style` submodule.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

mod style;

pub use self::style::{ParamStyle, ParamValue};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path parameter so that it stays a single path segment.
///
/// Every byte outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) is
/// encoded, so `/`, `?`, `#`, `%` and spaces can never change the route.
///
/// A value that is empty, `.` or `..` still cannot form a safe segment; the
/// client refuses to send such a path (see [`Request`](super::Request)).
#[must_use]
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// Encodes ordered pairs as `a=1&b=2`, percent-encoding names and values the
/// same way as [`encode_path_segment`]. Used for
/// `application/x-www-form-urlencoded` bodies; query strings are
/// [`encode_query`]'s.
pub(crate) fn encode_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, NOT_UNRESERVED));
        out.push('=');
        out.extend(utf8_percent_encode(value, NOT_UNRESERVED));
    }
    out
}

/// Encodes a query string, `a=1&b=2`: names and values percent-encoded like
/// [`encode_path_segment`] (every byte outside `A-Z a-z 0-9 - . _ ~`), except
/// the separators of a [`QueryText`] that a query may hold as they are (`,`):
/// `ids=a,b` for the items `a` and `b`, `ids=a%2Cb` for the one item `a,b`.
#[must_use]
pub fn encode_query(pairs: &[(String, QueryText)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, NOT_UNRESERVED));
        out.push('=');
        value.encode_into(&mut out);
    }
    out
}

/// Whether a query may hold `separator` as it is, between percent-encoded
/// items: RFC 3986's sub-delimiters and `:` `@` `/`, except `&`, `=` and `+`
/// (which `application/x-www-form-urlencoded` gives a meaning) and `;` (which
/// some servers still split pairs on). Space and `|`, the separators of
/// `spaceDelimited` and `pipeDelimited`, may not appear in a URI: OpenAPI's
/// examples send them as `%20` and `%7C`, like the same characters in an item.
fn raw_in_query(separator: char) -> bool {
    matches!(separator, ',' | '!' | '$' | '\'' | '(' | ')' | '*' | ':' | '@' | '/')
}

/// The plain text of one query value, and which of its characters separate
/// items (OpenAPI's `form` with `explode: false`, `spaceDelimited`,
/// `pipeDelimited`).
///
/// On the wire the text between separators is percent-encoded, and a
/// separator is written as it is when a query may hold it, so a `,` between
/// items stays a `,` (`color=blue,black,brown`, as OpenAPI's style examples
/// show) while a `,` inside an item is sent as `%2C`. Separators a query may
/// not hold (space, `|`) are percent-encoded like text: OpenAPI defines no
/// escape for items that contain them.
///
/// Compares, prints and derefs as its plain text.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct QueryText {
    text: String,
    /// Byte offsets in `text` of the separators, ascending.
    separators: Vec<usize>,
}

impl QueryText {
    /// An empty value.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends item text (percent-encoded on the wire, separators included).
    pub fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends a separator between items.
    pub fn push_separator(&mut self, separator: char) {
        self.separators.push(self.text.len());
        self.text.push(separator);
    }

    /// The plain text, separators included, not percent-encoded.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Appends the percent-encoded value to `out`.
    pub(crate) fn encode_into(&self, out: &mut String) {
        let mut start = 0;
        for &at in &self.separators {
            out.extend(utf8_percent_encode(&self.text[start..at], NOT_UNRESERVED));
            let separator = self.text[at..].chars().next().unwrap_or_default();
            let end = at + separator.len_utf8();
            if raw_in_query(separator) {
                out.push(separator);
            } else {
                out.extend(utf8_percent_encode(&self.text[at..end], NOT_UNRESERVED));
            }
            start = end;
        }
        out.extend(utf8_percent_encode(&self.text[start..], NOT_UNRESERVED));
    }
}

impl From<String> for QueryText {
    /// One item: every character is text.
    fn from(text: String) -> Self {
        Self { text, separators: Vec::new() }
    }
}

impl From<&str> for QueryText {
    /// One item: every character is text.
    fn from(text: &str) -> Self {
        Self::from(text.to_owned())
    }
}

impl std::ops::Deref for QueryText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for QueryText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for QueryText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl PartialEq<str> for QueryText {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for QueryText {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for QueryText {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

/// A value that can be sent as a query parameter (or form field).
///
/// [`write_query_text`](QueryValue::write_query_text) gives the text of one
/// scalar value; [`push_pairs`](QueryValue::push_pairs) adds the
/// `name=value` pairs for a parameter, which for lists means one pair per
/// item (OpenAPI `style: form, explode: true`, the default) and for `None`
/// means no pair at all.
///
/// Generated string enums get this trait through [`StrEnum`].
pub trait QueryValue {
    /// Appends the text of this value (not yet percent-encoded) to `out`.
    ///
    /// Lists write their items separated by commas (`explode: false`).
    fn write_query_text(&self, out: &mut String);

    /// Pushes the pairs for a parameter called `name` with this value.
    ///
    /// The default pushes exactly one pair with the text of
    /// [`write_query_text`](QueryValue::write_query_text).
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        let mut text = String::new();
        self.write_query_text(&mut text);
        out.push((name.to_owned(), text));
    }
}

/// A string enum generated from the API description.
///
/// Every type implementing it is a [`QueryValue`] whose text is
/// [`as_str`](StrEnum::as_str).
pub trait StrEnum {
    /// The wire value of this variant.
    fn as_str(&self) -> &str;
}

impl<T: StrEnum> QueryValue for T {
    fn write_query_text(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
}

/// Pushes the query pairs for parameter `name` with `value` onto `out`:
/// one pair for a scalar, one pair per item for a list
/// (`organization_id=a&organization_id=b`), none for `None`.
pub fn push_query<V: QueryValue + ?Sized>(out: &mut Vec<(String, String)>, name: &str, value: &V) {
    value.push_pairs(name, out);
}

/// Pushes a `style: deepObject` parameter: one `name[key]=value` pair per
/// entry, with list values repeating the key (`metadata[k]=a&metadata[k]=b`)
/// and `None` values omitted.
pub fn push_deep_object<'a, K, V, I>(out: &mut Vec<(String, String)>, name: &str, entries: I)
where
    K: AsRef<str> + 'a + ?Sized,
    V: QueryValue + 'a + ?Sized,
    I: IntoIterator<Item = (&'a K, &'a V)>,
{
    for (key, value) in entries {
        value.push_pairs(&deep_key(name, key.as_ref()), out);
    }
}

/// The text of a list in one query value, items joined by `separator`: OpenAPI's `form`
/// style with `explode: false` (`,`: `ids=1,2`), `spaceDelimited` (` `) and
/// `pipeDelimited` (`|`).
#[must_use]
pub fn join_query_text<T: QueryValue>(items: &[T], separator: char) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        item.write_query_text(&mut out);
    }
    out
}

fn deep_key(name: &str, key: &str) -> String {
    let mut s = String::with_capacity(name.len() + key.len() + 2);
    s.push_str(name);
    s.push('[');
    s.push_str(key);
    s.push(']');
    s
}

impl QueryValue for str {
    fn write_query_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl QueryValue for &str {
    fn write_query_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl QueryValue for String {
    fn write_query_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl QueryValue for bool {
    fn write_query_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn write_query_text(&self, out: &mut String) {
                use std::fmt::Write as _;
                // Writing to a String cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    )*};
}

display_query_value!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, uuid::Uuid);

impl QueryValue for chrono::DateTime<chrono::Utc> {
    /// RFC 3339, e.g. `2024-05-01T12:30:00Z`.
    fn write_query_text(&self, out: &mut String) {
        out.push_str(&self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    }
}

impl QueryValue for chrono::NaiveDate {
    /// ISO 8601 full date, e.g. `2024-05-01`.
    fn write_query_text(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{}", self.format("%Y-%m-%d"));
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    /// Nothing for `None`.
    fn write_query_text(&self, out: &mut String) {
        if let Some(v) = self {
            v.write_query_text(out);
        }
    }

    /// No pair for `None`.
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        if let Some(v) = self {
            v.push_pairs(name, out);
        }
    }
}

impl<T: QueryValue> QueryValue for [T] {
    /// Items separated by commas.
    fn write_query_text(&self, out: &mut String) {
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_query_text(out);
        }
    }

    /// One pair per item, repeating the name.
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        for item in self {
            item.push_pairs(name, out);
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    /// Items separated by commas.
    fn write_query_text(&self, out: &mut String) {
        self.as_slice().write_query_text(out);
    }

    /// One pair per item, repeating the name.
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        self.as_slice().push_pairs(name, out);
    }
}

impl QueryValue for serde_json::Value {
    /// Strings as is, numbers and booleans as JSON text, `null` as nothing,
    /// arrays comma-separated and objects as compact JSON.
    fn write_query_text(&self, out: &mut String) {
        use serde_json::Value;
        match self {
            Value::Null => {}
            Value::String(s) => out.push_str(s),
            Value::Bool(b) => b.write_query_text(out),
            Value::Number(n) => out.push_str(&n.to_string()),
            Value::Array(items) => items.write_query_text(out),
            Value::Object(_) => out.push_str(&self.to_string()),
        }
    }

    /// `null` pushes nothing, arrays of scalars repeat the name, objects
    /// become deep-object pairs `name[key]=value`, nested as deep as the value
    /// (`name[a][b]=value`), and arrays holding objects or arrays number their
    /// items: `filter[0][key]=a&filter[1][key]=b`.
    ///
    /// OpenAPI's styles define none of these nestings; this bracket notation
    /// is the one Stripe's API, Rails (Rack), PHP and the `qs` package parse.
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        use serde_json::Value;
        match self {
            Value::Null => {}
            Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
                for (i, item) in items.iter().enumerate() {
                    item.push_pairs(&deep_key(name, &i.to_string()), out);
                }
            }
            Value::Array(items) => items.push_pairs(name, out),
            Value::Object(map) => {
                for (key, value) in map {
                    value.push_pairs(&deep_key(name, key), out);
                }
            }
            _ => {
                let mut text = String::new();
                self.write_query_text(&mut text);
                out.push((name.to_owned(), text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn pairs_of<V: QueryValue + ?Sized>(name: &str, v: &V) -> Vec<(String, String)> {
        let mut out = Vec::new();
        push_query(&mut out, name, v);
        out
    }

    fn p(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn scalars() {
        assert_eq!(pairs_of("a", "x y"), vec![p("a", "x y")]);
        assert_eq!(pairs_of("a", &String::from("s")), vec![p("a", "s")]);
        assert_eq!(pairs_of("a", &true), vec![p("a", "true")]);
        assert_eq!(pairs_of("a", &false), vec![p("a", "false")]);
        assert_eq!(pairs_of("a", &-5i64), vec![p("a", "-5")]);
        assert_eq!(pairs_of("a", &7i32), vec![p("a", "7")]);
        assert_eq!(pairs_of("a", &u64::MAX), vec![p("a", "18446744073709551615")]);
        assert_eq!(pairs_of("a", &1.5f64), vec![p("a", "1.5")]);
        let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        assert_eq!(pairs_of("id", &id), vec![p("id", "01234567-89ab-cdef-0123-456789abcdef")]);
    }

    #[test]
    fn dates() {
        use chrono::TimeZone;
        let t = chrono::Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0).unwrap();
        assert_eq!(pairs_of("t", &t), vec![p("t", "2024-05-01T12:30:00Z")]);
        let t = t + chrono::Duration::milliseconds(250);
        assert_eq!(pairs_of("t", &t), vec![p("t", "2024-05-01T12:30:00.250Z")]);
        let d = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(pairs_of("d", &d), vec![p("d", "2024-02-29")]);
    }

    #[test]
    fn options_and_lists() {
        assert!(pairs_of("a", &None::<i64>).is_empty());
        assert_eq!(pairs_of("a", &Some(3i64)), vec![p("a", "3")]);
        assert_eq!(
            pairs_of("organization_id", &vec!["a", "b"]),
            vec![p("organization_id", "a"), p("organization_id", "b")]
        );
        assert_eq!(pairs_of("x", &[1i32, 2][..]), vec![p("x", "1"), p("x", "2")]);
        assert!(pairs_of("x", &Vec::<String>::new()).is_empty());
        assert_eq!(pairs_of("x", &Some(vec![true, false])), vec![p("x", "true"), p("x", "false")]);
        let mut text = String::new();
        vec![1i64, 2, 3].write_query_text(&mut text);
        assert_eq!(text, "1,2,3");
    }

    #[test]
    fn str_enum() {
        enum Sorting {
            CreatedAt,
            MinusCreatedAt,
        }
        impl StrEnum for Sorting {
            fn as_str(&self) -> &str {
                match self {
                    Sorting::CreatedAt => "created_at",
                    Sorting::MinusCreatedAt => "-created_at",
                }
            }
        }
        assert_eq!(
            pairs_of("sorting", &vec![Sorting::MinusCreatedAt, Sorting::CreatedAt]),
            vec![p("sorting", "-created_at"), p("sorting", "created_at")]
        );
        assert_eq!(pairs_of("s", &Some(Sorting::CreatedAt)), vec![p("s", "created_at")]);
    }

    #[test]
    fn deep_object() {
        let mut map: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        map.insert("k".into(), serde_json::json!(["a", "b"]));
        map.insert("n".into(), serde_json::json!(3));
        map.insert("t".into(), serde_json::json!(true));
        map.insert("z".into(), serde_json::Value::Null);
        let mut out = Vec::new();
        push_deep_object(&mut out, "metadata", &map);
        assert_eq!(
            out,
            vec![p("metadata[k]", "a"), p("metadata[k]", "b"), p("metadata[n]", "3"), p("metadata[t]", "true"),]
        );
        assert_eq!(encode_pairs(&out), "metadata%5Bk%5D=a&metadata%5Bk%5D=b&metadata%5Bn%5D=3&metadata%5Bt%5D=true");

        // Typed values and a plain slice of tuples work too.
        let entries: Vec<(&str, Vec<i64>)> = vec![("ids", vec![1, 2])];
        let mut out = Vec::new();
        push_deep_object(&mut out, "m", entries.iter().map(|(k, v)| (*k, v)));
        assert_eq!(out, vec![p("m[ids]", "1"), p("m[ids]", "2")]);

        // A JSON object value is itself a deep object.
        let v = serde_json::json!({"a": "x", "b": [1, 2]});
        assert_eq!(pairs_of("metadata", &v), vec![p("metadata[a]", "x"), p("metadata[b]", "1"), p("metadata[b]", "2")]);
    }

    #[test]
    fn nested_objects_use_bracket_notation() {
        // An array of objects (a form parameter OpenAPI leaves undefined): items numbered.
        let v = serde_json::json!([{"key": "a", "value": "1"}, {"key": "b"}]);
        assert_eq!(
            pairs_of("filter", &v),
            vec![p("filter[0][key]", "a"), p("filter[0][value]", "1"), p("filter[1][key]", "b")]
        );
        assert_eq!(
            encode_pairs(&pairs_of("filter", &v)),
            "filter%5B0%5D%5Bkey%5D=a&filter%5B0%5D%5Bvalue%5D=1&filter%5B1%5D%5Bkey%5D=b"
        );
        // A deepObject union: the object arm as `name[key]`, the scalar arm as `name=value`.
        assert_eq!(
            pairs_of("created", &serde_json::json!({"gt": 1, "lte": 9})),
            vec![p("created[gt]", "1"), p("created[lte]", "9")]
        );
        assert_eq!(pairs_of("created", &serde_json::json!(5)), vec![p("created", "5")]);
        // Nested objects and arrays inside objects; arrays of scalars still repeat the key.
        let v = serde_json::json!({"a": {"b": [1, 2], "c": [{"d": true}]}, "e": null});
        assert_eq!(pairs_of("m", &v), vec![p("m[a][b]", "1"), p("m[a][b]", "2"), p("m[a][c][0][d]", "true")]);
        // Arrays of arrays are numbered too.
        assert_eq!(
            pairs_of("x", &serde_json::json!([[1, 2], [3]])),
            vec![p("x[0]", "1"), p("x[0]", "2"), p("x[1]", "3")]
        );
        assert!(pairs_of("x", &serde_json::json!([])).is_empty());
    }

    #[test]
    fn delimited_lists() {
        assert_eq!(join_query_text(&[1i64, 2, 3], ','), "1,2,3");
        assert_eq!(join_query_text(&["a b", "c"], ' '), "a b c");
        assert_eq!(join_query_text(&[true, false], '|'), "true|false");
        assert_eq!(join_query_text::<i64>(&[], ','), "");
        assert_eq!(encode_pairs(&[p("ids", &join_query_text(&["a", "b"], '|'))]), "ids=a%7Cb");
    }

    fn text(items: &[&str], separator: char) -> QueryText {
        let mut value = QueryText::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                value.push_separator(separator);
            }
            value.push_str(item);
        }
        value
    }

    #[test]
    fn query_separators_stay_raw_and_items_are_encoded() {
        // OpenAPI's `form` lists without `explode`: the separator as is, a comma in an item encoded.
        let q = |pairs: &[(&str, QueryText)]| {
            encode_query(&pairs.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect::<Vec<_>>())
        };
        assert_eq!(q(&[("color", text(&["blue", "black", "brown"], ','))]), "color=blue,black,brown");
        assert_eq!(q(&[("ids", text(&["a,b", "c"], ','))]), "ids=a%2Cb,c");
        assert_eq!(q(&[("ids", text(&["a b", "é", "&=+", "%2C"], ','))]), "ids=a%20b,%C3%A9,%26%3D%2B,%252C");
        // Separators a URI may not hold are encoded, like the same characters in an item.
        assert_eq!(q(&[("c", text(&["blue", "black"], ' '))]), "c=blue%20black");
        assert_eq!(q(&[("c", text(&["blue", "a|b"], '|'))]), "c=blue%7Ca%7Cb");
        // Form-urlencoded's own delimiters and `;` are never raw, even as separators.
        for (separator, encoded) in [('&', "%26"), ('=', "%3D"), ('+', "%2B"), (';', "%3B")] {
            assert_eq!(q(&[("c", text(&["a", "b"], separator))]), format!("c=a{encoded}b"));
        }
        // A non-ASCII separator, and empty items.
        assert_eq!(q(&[("c", text(&["a", "b"], '→'))]), "c=a%E2%86%92b");
        assert_eq!(q(&[("c", text(&["", "", ""], ','))]), "c=,,");
        // Plain pairs encode every separator-like character.
        assert_eq!(q(&[("q", QueryText::from("a,b c")), ("x[y]", QueryText::from(""))]), "q=a%2Cb%20c&x%5By%5D=");
        assert_eq!(q(&[]), "");
    }

    #[test]
    fn query_text_compares_and_prints_as_its_text() {
        let value = text(&["a", "b,c"], ',');
        assert_eq!(value, "a,b,c");
        assert_eq!(value.as_str(), "a,b,c");
        assert_eq!(value.to_string(), "a,b,c");
        assert_eq!(format!("{value:?}"), "\"a,b,c\"");
        assert!(value.starts_with("a,"));
        // Same text, other separators: another value on the wire.
        assert_ne!(value, QueryText::from("a,b,c"));
        assert_eq!(QueryText::from("x"), String::from("x"));
    }

    #[test]
    fn pairs_are_percent_encoded() {
        let pairs = vec![p("q", "a b&c=d/é"), p("e", ""), p("x~y", "1.5_-")];
        assert_eq!(encode_pairs(&pairs), "q=a%20b%26c%3Dd%2F%C3%A9&e=&x~y=1.5_-");
        assert_eq!(encode_pairs(&[]), "");
    }

    #[test]
    fn path_segments_cannot_change_the_route() {
        assert_eq!(encode_path_segment("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(encode_path_segment("plain-id_1.2~x"), "plain-id_1.2~x");
        assert_eq!(encode_path_segment("..%2F"), "..%252F");
        assert_eq!(encode_path_segment("ü+;=&@:"), "%C3%BC%2B%3B%3D%26%40%3A");
        assert_eq!(encode_path_segment(""), "");
        assert_eq!(encode_path_segment("\\"), "%5C");
    }
}
