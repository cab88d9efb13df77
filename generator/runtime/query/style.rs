//! OpenAPI's parameter styles: a parameter's value read once ([`ParamValue`]:
//! a scalar's text, a list's items or an object's properties in order) and
//! laid out as the specification's style table says, for a path segment, the
//! query, a header or a cookie.
//!
//! `simple`, `label`, `matrix` and `form` are RFC 6570 expansions; a value
//! with no items (an empty list or object) is written as the table's
//! "undefined" column shows it (`;color`, `.`, nothing, `color=`), except in
//! the query, where it sends no pair at all.

use percent_encoding::utf8_percent_encode;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{deep_key, QueryText, QueryValue, NOT_UNRESERVED};

/// OpenAPI's `style` of a parameter. With `explode`, it decides how a list or
/// an object is laid out (see [`ParamValue`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamStyle {
    /// Comma-separated (`blue,black,brown`): path and header parameters.
    Simple,
    /// Dot-prefixed (`.blue.black.brown`): path parameters.
    Label,
    /// Semicolon-prefixed, named (`;color=blue`): path parameters.
    Matrix,
    /// `color=blue`: query and cookie parameters.
    Form,
    /// Items joined by spaces in one query pair.
    SpaceDelimited,
    /// Items joined by `|` in one query pair.
    PipeDelimited,
    /// `color[R]=100` per property: query parameters.
    DeepObject,
}

/// A parameter's value as the style table sees it: a scalar, a list or an
/// object. Built once from a typed value, then laid out for its location
/// with [`path`](Self::path), [`header`](Self::header),
/// [`cookie`](Self::cookie) or [`push_query`](Self::push_query).
///
/// Scalars have the text of their [`QueryValue`] (RFC 3339 date-times,
/// string enums' wire values). Objects come from the value's serialization,
/// their properties in its order (a struct's declaration order, whatever
/// features `serde_json` is built with) and `null` properties left out; a
/// property that is itself a list or an object (which no style defines) is
/// written as its text: list items comma-separated, an object as its JSON.
#[derive(Clone, Debug)]
pub struct ParamValue(Shape);

#[derive(Clone, Debug)]
enum Shape {
    /// A scalar's text.
    Text(String),
    /// The items' texts.
    List(Vec<String>),
    /// An object's properties as compact JSON, in order, without `null` ones.
    Object(Vec<(String, Box<RawValue>)>),
    /// A list holding objects or lists: its items as compact JSON.
    Nested(Vec<Box<RawValue>>),
    /// `null`: RFC 6570's undefined.
    Undefined,
}

/// How one RFC 6570 operator writes a variable.
struct Operator {
    /// Before the expansion.
    first: &'static str,
    /// Between exploded items.
    separator: &'static str,
    /// Whether items are `name=value`.
    named: bool,
    /// After the name of an empty value.
    if_empty: &'static str,
}

impl ParamStyle {
    fn operator(self) -> Operator {
        match self {
            ParamStyle::Label => Operator { first: ".", separator: ".", named: false, if_empty: "" },
            ParamStyle::Matrix => Operator { first: ";", separator: ";", named: true, if_empty: "" },
            // Cookies: pairs are `; `-separated in a `Cookie` header (RFC 6265), where a
            // query would use `&`.
            ParamStyle::Form | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited | ParamStyle::DeepObject => {
                Operator { first: "", separator: "; ", named: true, if_empty: "=" }
            }
            ParamStyle::Simple => Operator { first: "", separator: ",", named: false, if_empty: "" },
        }
    }

    /// The separator of a query style that sends one pair for a list or an
    /// object: `form` not exploded, `spaceDelimited` and `pipeDelimited`
    /// (exploded or not: OpenAPI defines only `explode: false` for them).
    fn delimiter(self, explode: bool) -> Option<char> {
        match self {
            ParamStyle::Form if !explode => Some(','),
            ParamStyle::SpaceDelimited => Some(' '),
            ParamStyle::PipeDelimited => Some('|'),
            _ => None,
        }
    }
}

/// Where an expansion is written: item text (names, keys and values) is
/// escaped as the location needs, separators are written as they are.
trait Sink {
    fn text(&mut self, text: &str);
    fn raw(&mut self, separator: &str);
}

/// A path segment: text percent-encoded like [`super::encode_path_segment`];
/// the separators (`,` `.` `;` `=`) are allowed in a segment.
struct PathSink(String);

impl Sink for PathSink {
    fn text(&mut self, text: &str) {
        self.0.extend(utf8_percent_encode(text, NOT_UNRESERVED));
    }
    fn raw(&mut self, separator: &str) {
        self.0.push_str(separator);
    }
}

/// A header value: the text as it is (OpenAPI's Appendix D: percent-encoding
/// is not the header's syntax); the client refuses values HTTP does not allow.
struct HeaderSink(String);

impl Sink for HeaderSink {
    fn text(&mut self, text: &str) {
        self.0.push_str(text);
    }
    fn raw(&mut self, separator: &str) {
        self.0.push_str(separator);
    }
}

/// One query pair holding every item, `separator` between them; none when
/// there are no items.
fn delimited<'a>(name: &str, separator: char, items: impl Iterator<Item = &'a str>) -> Option<(String, QueryText)> {
    let mut value = QueryText::new();
    let mut any = false;
    for (i, item) in items.enumerate() {
        if i > 0 {
            value.push_separator(separator);
        }
        value.push_str(item);
        any = true;
    }
    any.then(|| (name.to_owned(), value))
}

/// The text of compact JSON inside a styled value: strings as they are,
/// numbers and booleans as JSON, `null` as nothing, lists' items
/// comma-separated, objects as their JSON (in their own order).
fn json_text(json: &RawValue) -> String {
    fn write(json: &str, out: &mut String) {
        match json.as_bytes().first() {
            Some(b'"') => out.push_str(&serde_json::from_str::<String>(json).unwrap_or_default()),
            Some(b'[') => {
                let items: Vec<Box<RawValue>> = serde_json::from_str(json).unwrap_or_default();
                for (i, item) in items.iter().filter(|item| item.get() != "null").enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item.get(), out);
                }
            }
            Some(b'n') => {}
            _ => out.push_str(json),
        }
    }
    let mut out = String::new();
    write(json.get(), &mut out);
    out
}

/// Compact JSON as a `serde_json::Value`, for bracket notation.
fn json_value(json: &RawValue) -> Value {
    serde_json::from_str(json.get()).unwrap_or(Value::Null)
}

/// Whether compact JSON is an object or a list.
fn is_nested(json: &RawValue) -> bool {
    matches!(json.get().as_bytes().first(), Some(b'{' | b'['))
}

impl ParamValue {
    /// A scalar (or string enum): one item, its [`QueryValue`] text.
    #[must_use]
    pub fn text<V: QueryValue + ?Sized>(value: &V) -> Self {
        let mut text = String::new();
        value.write_query_text(&mut text);
        Self(Shape::Text(text))
    }

    /// A list of scalars: one item each.
    #[must_use]
    pub fn list<T: QueryValue>(items: &[T]) -> Self {
        Self(Shape::List(
            items
                .iter()
                .map(|item| {
                    let mut text = String::new();
                    item.write_query_text(&mut text);
                    text
                })
                .collect(),
        ))
    }

    /// Any value, through its JSON: an object's properties in the order it
    /// serializes them (a struct's declaration order), a list's items, a
    /// scalar's text (a union takes the shape of its arm).
    ///
    /// # Errors
    ///
    /// When `value` cannot be serialized (e.g. a map with non-string keys).
    pub fn serialize<V: Serialize + ?Sized>(value: &V) -> Result<Self, serde_json::Error> {
        let json = serde_json::to_string(value)?;
        Ok(Self(match json.as_bytes().first() {
            Some(b'{') => {
                let Ordered(properties) = serde_json::from_str(&json)?;
                Shape::Object(properties.into_iter().filter(|(_, v)| v.get() != "null").collect())
            }
            Some(b'[') => {
                let items: Vec<Box<RawValue>> = serde_json::from_str(&json)?;
                if items.iter().any(|item| is_nested(item)) {
                    Shape::Nested(items)
                } else {
                    Shape::List(items.iter().filter(|item| item.get() != "null").map(|item| json_text(item)).collect())
                }
            }
            Some(b'n') => Shape::Undefined,
            _ => Shape::Text(json_text(&serde_json::from_str::<Box<RawValue>>(&json)?)),
        }))
    }

    /// A `content: application/json` parameter: its JSON text, as one item.
    ///
    /// # Errors
    ///
    /// When `value` cannot be serialized.
    pub fn json<V: Serialize + ?Sized>(value: &V) -> Result<Self, serde_json::Error> {
        Ok(Self(Shape::Text(serde_json::to_string(value)?)))
    }

    /// The value as a path segment in `style` (`simple`, `label` or
    /// `matrix`), percent-encoded: `blue,black,brown`, `.blue.black.brown`,
    /// `;color=blue;color=black;color=brown`. Text is encoded like
    /// [`encode_path_segment`](super::encode_path_segment), so a value can
    /// never add a segment; the separators are not.
    ///
    /// `.` is not percent-encoded (RFC 3986 unreserved), so `label` cannot
    /// tell a `.` inside an item from the separator; neither can the server.
    #[must_use]
    pub fn path(&self, name: &str, style: ParamStyle, explode: bool) -> String {
        let mut sink = PathSink(String::new());
        self.expand(name, style, explode, &mut sink);
        sink.0
    }

    /// The value of a header (`simple` style): `blue,black,brown`,
    /// `R,100,G,200,B,150` or, exploded, `R=100,G=200,B=150`. Not
    /// percent-encoded.
    #[must_use]
    pub fn header(&self, explode: bool) -> String {
        let mut sink = HeaderSink(String::new());
        self.expand("", ParamStyle::Simple, explode, &mut sink);
        sink.0
    }

    /// The `name=value` pairs of a cookie parameter (`form` style) for a
    /// `Cookie` header: `color=blue,black,brown`, and exploded
    /// `color=blue; color=black; color=brown` or `R=100; G=200; B=150`
    /// (OpenAPI's examples joined by `; `, the cookie pair separator, not `&`).
    /// Names and items are percent-encoded, so no value can end a cookie.
    #[must_use]
    pub fn cookie(&self, name: &str, explode: bool) -> String {
        let mut sink = PathSink(String::new());
        self.expand(name, ParamStyle::Form, explode, &mut sink);
        sink.0
    }

    /// Pushes the query pairs of parameter `name` in `style`:
    ///
    /// - `form`, exploded: `color=blue&color=black&color=brown`, an object's
    ///   properties as pairs (`R=100&G=200&B=150`);
    /// - `form` not exploded, `spaceDelimited`, `pipeDelimited`: one pair,
    ///   items (an object's names and values) joined by `,`, ` ` or `|`
    ///   (`color=blue,black,brown`, `color=R%20100%20G%20200%20B%20150`);
    /// - `deepObject`: `color[R]=100` per property.
    ///
    /// No pair for an empty list or object, or `null`. Beyond what OpenAPI
    /// defines, as the rest of the runtime does (see [`QueryValue`] for
    /// `serde_json::Value`): nested objects in bracket notation
    /// (`color[a][b]=1`), lists holding objects numbered (`color[0][a]=1`).
    pub fn push_query(&self, name: &str, style: ParamStyle, explode: bool, out: &mut Vec<(String, QueryText)>) {
        let mut pairs = Vec::new();
        match (&self.0, style.delimiter(explode)) {
            (Shape::Undefined, _) => {}
            (Shape::Text(text), _) => pairs.push((name.to_owned(), text.clone())),
            (Shape::Nested(items), _) => {
                Value::Array(items.iter().map(|item| json_value(item)).collect()).push_pairs(name, &mut pairs)
            }
            (Shape::List(items), Some(separator)) => {
                out.extend(delimited(name, separator, items.iter().map(String::as_str)));
            }
            (Shape::Object(properties), Some(separator)) => {
                let texts: Vec<String> = properties.iter().map(|(_, value)| json_text(value)).collect();
                let items = properties.iter().zip(&texts).flat_map(|((key, _), text)| [key.as_str(), text.as_str()]);
                out.extend(delimited(name, separator, items));
            }
            // Exploded `form`, and `deepObject`'s lists of scalars: the name repeated.
            (Shape::List(items), _) => pairs.extend(items.iter().map(|item| (name.to_owned(), item.clone()))),
            (Shape::Object(properties), _) if style == ParamStyle::DeepObject => {
                for (key, value) in properties {
                    json_value(value).push_pairs(&deep_key(name, key), &mut pairs);
                }
            }
            (Shape::Object(properties), _) => {
                for (key, value) in properties {
                    json_value(value).push_pairs(key, &mut pairs);
                }
            }
        }
        out.extend(pairs.into_iter().map(|(name, value)| (name, QueryText::from(value))));
    }

    /// RFC 6570 expansion of one variable with `style`'s operator.
    fn expand(&self, name: &str, style: ParamStyle, explode: bool, out: &mut impl Sink) {
        let op = style.operator();
        out.raw(op.first);
        let texts: Vec<String>;
        let items = match &self.0 {
            Shape::Text(text) if op.named => return op.write_named(out, name, text),
            Shape::Text(text) => return out.text(text),
            Shape::Object(properties) if !properties.is_empty() => {
                for (i, (key, value)) in properties.iter().enumerate() {
                    let value = json_text(value);
                    if explode {
                        // `key=value` pairs, in every style.
                        if i > 0 {
                            out.raw(op.separator);
                        }
                        if op.named {
                            op.write_named(out, key, &value);
                        } else {
                            out.text(key);
                            out.raw("=");
                            out.text(&value);
                        }
                    } else {
                        // Names and values alternating, comma-separated.
                        if i > 0 {
                            out.raw(",");
                        } else if op.named {
                            out.text(name);
                            out.raw("=");
                        }
                        out.text(key);
                        out.raw(",");
                        out.text(&value);
                    }
                }
                return;
            }
            Shape::List(items) if !items.is_empty() => items.as_slice(),
            Shape::Nested(values) if !values.is_empty() => {
                texts = values.iter().map(|value| json_text(value)).collect();
                texts.as_slice()
            }
            // No items: the table's "undefined" column (`;color`, `.`, nothing, `color=`).
            _ if op.named => return op.write_named(out, name, ""),
            _ => return,
        };
        for (i, item) in items.iter().enumerate() {
            if explode {
                if i > 0 {
                    out.raw(op.separator);
                }
                if op.named {
                    op.write_named(out, name, item);
                } else {
                    out.text(item);
                }
            } else {
                if i > 0 {
                    out.raw(",");
                } else if op.named {
                    out.text(name);
                    out.raw("=");
                }
                out.text(item);
            }
        }
    }
}

impl Operator {
    /// `name=value`, or the name and `if_empty` for an empty value.
    fn write_named(&self, out: &mut impl Sink, name: &str, value: &str) {
        out.text(name);
        if value.is_empty() {
            out.raw(self.if_empty);
        } else {
            out.raw("=");
            out.text(value);
        }
    }
}

/// A JSON object's properties in the order of its text, each as its JSON.
struct Ordered(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut properties = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    properties.push(entry);
                }
                Ok(Ordered(properties))
            }
        }
        deserializer.deserialize_map(OrderedVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::encode_query;
    use super::*;

    /// The values of OpenAPI's style examples.
    fn string() -> ParamValue {
        ParamValue::text("blue")
    }
    fn array() -> ParamValue {
        ParamValue::list(&["blue", "black", "brown"])
    }
    fn object() -> ParamValue {
        #[derive(Serialize)]
        struct Color {
            #[serde(rename = "R")]
            r: i64,
            #[serde(rename = "G")]
            g: i64,
            #[serde(rename = "B")]
            b: i64,
        }
        ParamValue::serialize(&Color { r: 100, g: 200, b: 150 }).unwrap()
    }

    fn query(value: &ParamValue, style: ParamStyle, explode: bool) -> String {
        let mut pairs = Vec::new();
        value.push_query("color", style, explode, &mut pairs);
        encode_query(&pairs)
    }

    /// <https://spec.openapis.org/oas/v3.1.1#style-examples>, row by row (the
    /// query rows without their leading `?`).
    #[test]
    fn the_specifications_style_examples() {
        use ParamStyle::{DeepObject, Form, Label, Matrix, PipeDelimited, Simple, SpaceDelimited};
        let path = |value: ParamValue, style, explode| value.path("color", style, explode);
        let empty = || ParamValue::text("");
        let none = || ParamValue::list::<String>(&[]);
        let rows = [
            (Matrix, false, [";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"]),
            (Matrix, true, [";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"]),
            (Label, false, [".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"]),
            (Label, true, [".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"]),
            (Simple, false, ["", "blue", "blue,black,brown", "R,100,G,200,B,150"]),
            (Simple, true, ["", "blue", "blue,black,brown", "R=100,G=200,B=150"]),
        ];
        for (style, explode, [undefined, s, a, o]) in rows {
            assert_eq!(path(none(), style, explode), undefined, "{style:?} {explode} undefined");
            assert_eq!(path(empty(), style, explode), undefined, "{style:?} {explode} empty string");
            assert_eq!(path(string(), style, explode), s, "{style:?} {explode} string");
            assert_eq!(path(array(), style, explode), a, "{style:?} {explode} array");
            assert_eq!(path(object(), style, explode), o, "{style:?} {explode} object");
        }
        // Headers are `simple`.
        assert_eq!(array().header(false), "blue,black,brown");
        assert_eq!(object().header(false), "R,100,G,200,B,150");
        assert_eq!(object().header(true), "R=100,G=200,B=150");

        let rows = [
            (Form, false, ["color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"]),
            (Form, true, ["color=", "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"]),
        ];
        for (style, explode, [undefined, s, a, o]) in rows {
            assert_eq!(query(&empty(), style, explode), undefined, "{style:?} {explode} empty string");
            assert_eq!(query(&string(), style, explode), s, "{style:?} {explode} string");
            assert_eq!(query(&array(), style, explode), a, "{style:?} {explode} array");
            assert_eq!(query(&object(), style, explode), o, "{style:?} {explode} object");
        }
        assert_eq!(query(&array(), SpaceDelimited, false), "color=blue%20black%20brown");
        assert_eq!(query(&object(), SpaceDelimited, false), "color=R%20100%20G%20200%20B%20150");
        assert_eq!(query(&array(), PipeDelimited, false), "color=blue%7Cblack%7Cbrown");
        assert_eq!(query(&object(), PipeDelimited, false), "color=R%7C100%7CG%7C200%7CB%7C150");
        assert_eq!(query(&object(), DeepObject, true), "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150");
        // An empty list sends no pair in the query (the runtime's `form` lists never did).
        assert_eq!(query(&none(), Form, false), "");
        assert_eq!(query(&none(), Form, true), "");
    }

    /// Cookies are `form`: OpenAPI's examples, exploded pairs joined by `; ` (a
    /// cookie's separator) instead of `&`.
    #[test]
    fn cookies_are_form_style() {
        assert_eq!(string().cookie("color", false), "color=blue");
        assert_eq!(array().cookie("color", false), "color=blue,black,brown");
        assert_eq!(object().cookie("color", false), "color=R,100,G,200,B,150");
        assert_eq!(string().cookie("color", true), "color=blue");
        assert_eq!(array().cookie("color", true), "color=blue; color=black; color=brown");
        assert_eq!(object().cookie("color", true), "R=100; G=200; B=150");
        // Nothing a value holds can end the cookie or start another.
        let odd = ParamValue::list(&["a;b", "c=d", "é f", "g,h"]);
        assert_eq!(odd.cookie("c", false), "c=a%3Bb,c%3Dd,%C3%A9%20f,g%2Ch");
        assert_eq!(odd.cookie("c", true), "c=a%3Bb; c=c%3Dd; c=%C3%A9%20f; c=g%2Ch");
    }

    /// Separators inside items are percent-encoded; the style's own are not.
    #[test]
    fn items_holding_separators_stay_items() {
        let odd = ParamValue::list(&["a,b", "c;d=e", "f/g", "h.i", "é ü"]);
        assert_eq!(odd.path("x", ParamStyle::Simple, false), "a%2Cb,c%3Bd%3De,f%2Fg,h.i,%C3%A9%20%C3%BC");
        assert_eq!(odd.path("x", ParamStyle::Matrix, true), ";x=a%2Cb;x=c%3Bd%3De;x=f%2Fg;x=h.i;x=%C3%A9%20%C3%BC");
        // `.` is unreserved: RFC 6570 leaves it alone, so `label` cannot tell it apart.
        assert_eq!(odd.path("x", ParamStyle::Label, true), ".a%2Cb.c%3Bd%3De.f%2Fg.h.i.%C3%A9%20%C3%BC");
        assert_eq!(query(&odd, ParamStyle::Form, false), "color=a%2Cb,c%3Bd%3De,f%2Fg,h.i,%C3%A9%20%C3%BC");
        assert_eq!(
            query(&odd, ParamStyle::Form, true),
            "color=a%2Cb&color=c%3Bd%3De&color=f%2Fg&color=h.i&color=%C3%A9%20%C3%BC"
        );
        // Headers are not percent-encoded.
        assert_eq!(odd.header(false), "a,b,c;d=e,f/g,h.i,é ü");
        // Names are text too.
        assert_eq!(string().path("a b", ParamStyle::Matrix, false), ";a%20b=blue");
        // A path value never adds a segment or a dot segment of its own.
        assert_eq!(ParamValue::text("../x").path("x", ParamStyle::Label, false), "...%2Fx");
    }

    #[test]
    fn typed_scalars_and_lists_use_their_query_text() {
        use chrono::TimeZone;
        let t = chrono::Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0).unwrap();
        assert_eq!(ParamValue::text(&t).path("t", ParamStyle::Simple, false), "2024-05-01T12%3A30%3A00Z");
        assert_eq!(ParamValue::list(&[1i64, 2, 3]).path("ids", ParamStyle::Label, true), ".1.2.3");
        assert_eq!(ParamValue::list(&[true, false]).header(false), "true,false");
        assert_eq!(ParamValue::text(&1.5f64).cookie("n", true), "n=1.5");
    }

    #[test]
    fn objects_keep_their_order_and_leave_out_null_properties() {
        #[derive(Serialize)]
        struct Tint<'a> {
            name: &'a str,
            alpha: Option<f64>,
            zeta: u8,
        }
        let tint = ParamValue::serialize(&Tint { name: "sky blue", alpha: None, zeta: 1 }).unwrap();
        assert_eq!(tint.header(true), "name=sky blue,zeta=1");
        assert_eq!(query(&tint, ParamStyle::Form, false), "color=name,sky%20blue,zeta,1");
        assert_eq!(query(&tint, ParamStyle::Form, true), "name=sky%20blue&zeta=1");
        assert_eq!(query(&tint, ParamStyle::DeepObject, true), "color%5Bname%5D=sky%20blue&color%5Bzeta%5D=1");
        // A map keeps its own order.
        let map: std::collections::BTreeMap<&str, i64> = [("b", 2), ("a", 1)].into_iter().collect();
        assert_eq!(ParamValue::serialize(&map).unwrap().path("m", ParamStyle::Matrix, true), ";a=1;b=2");
        // An empty object: the "undefined" column.
        let empty = ParamValue::serialize(&serde_json::json!({})).unwrap();
        assert_eq!(empty.path("m", ParamStyle::Matrix, false), ";m");
        assert_eq!(query(&empty, ParamStyle::Form, true), "");
        assert_eq!(query(&empty, ParamStyle::Form, false), "");
    }

    /// Unions take the shape of their arm; nested values (which no style defines) are
    /// their text in RFC 6570 styles and bracket notation in the query.
    #[test]
    fn serialized_values_of_any_shape() {
        let scalar = ParamValue::serialize(&serde_json::json!("x y")).unwrap();
        assert_eq!(scalar.path("v", ParamStyle::Matrix, true), ";v=x%20y");
        assert_eq!(query(&scalar, ParamStyle::DeepObject, true), "color=x%20y");
        let list = ParamValue::serialize(&serde_json::json!([1, null, "a"])).unwrap();
        assert_eq!(list.path("v", ParamStyle::Simple, false), "1,a");
        assert_eq!(query(&list, ParamStyle::Form, true), "color=1&color=a");
        assert_eq!(ParamValue::serialize(&serde_json::Value::Null).unwrap().header(false), "");
        assert_eq!(query(&ParamValue::serialize(&()).unwrap(), ParamStyle::Form, true), "");

        #[derive(Serialize)]
        struct Rgb {
            #[serde(rename = "R")]
            r: u8,
            #[serde(rename = "G")]
            g: u8,
        }
        #[derive(Serialize)]
        struct Nested {
            tags: Vec<Option<&'static str>>,
            rgb: Rgb,
            deep: serde_json::Value,
        }
        let value = Nested {
            tags: vec![Some("a"), None, Some("b")],
            rgb: Rgb { r: 1, g: 2 },
            deep: serde_json::json!([1, [2, 3]]),
        };
        let nested = ParamValue::serialize(&value).unwrap();
        // Objects inside as their JSON, in declaration order whatever serde_json's features.
        assert_eq!(nested.header(true), r#"tags=a,b,rgb={"R":1,"G":2},deep=1,2,3"#);
        let nested = ParamValue::serialize(&serde_json::json!({"rgb": {"R": 1}, "tags": ["a", "b"]})).unwrap();
        assert_eq!(
            query(&nested, ParamStyle::DeepObject, true),
            "color%5Brgb%5D%5BR%5D=1&color%5Btags%5D=a&color%5Btags%5D=b"
        );
        let objects = ParamValue::serialize(&serde_json::json!([{"k": "a"}, {"k": "b"}])).unwrap();
        assert_eq!(query(&objects, ParamStyle::DeepObject, true), "color%5B0%5D%5Bk%5D=a&color%5B1%5D%5Bk%5D=b");
        assert_eq!(objects.header(false), r#"{"k":"a"},{"k":"b"}"#);

        let err = ParamValue::serialize(&std::collections::HashMap::from([((1, 2), 3)]));
        assert!(err.is_err());
    }

    #[test]
    fn json_content_is_one_item() {
        #[derive(Serialize)]
        struct Filter {
            #[serde(rename = "R")]
            r: u8,
            #[serde(rename = "G")]
            g: Vec<u8>,
        }
        let value = ParamValue::json(&Filter { r: 100, g: vec![1, 2] }).unwrap();
        assert_eq!(value.header(false), r#"{"R":100,"G":[1,2]}"#);
        assert_eq!(query(&value, ParamStyle::Form, true), "color=%7B%22R%22%3A100%2C%22G%22%3A%5B1%2C2%5D%7D");
        assert_eq!(value.path("c", ParamStyle::Simple, false), "%7B%22R%22%3A100%2C%22G%22%3A%5B1%2C2%5D%7D");
    }
}
