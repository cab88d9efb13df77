//! Union decoding: scalar unions read through [`Scalar`], the others buffered as a
//! [`RawValue`], probed for their tag or `const` properties and decoded arm by arm.

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// Joins the paths that union arms put in front of their messages (`` at `a.b`: ... ``,
/// see [`decode_arm`]) to the path where decoding stopped outside the union, giving the
/// full path of what failed and the bare message.
pub fn nested_error_path(outer: &str, message: &str) -> (String, String) {
    let mut path = if outer == "." { String::new() } else { outer.to_owned() };
    let mut rest = message;
    while let Some(after) = rest.strip_prefix("at `") {
        let Some(end) = after.find("`: ") else { break };
        let inner = &after[..end];
        if !path.is_empty() && !inner.starts_with('[') {
            path.push('.');
        }
        path.push_str(inner);
        rest = &after[end + 3..];
    }
    if path.is_empty() {
        path.push('.');
    }
    // serde_json appends where the outer document stopped, which is not where the
    // failing field is once the path points inside a union: drop it.
    let message = match (path != outer, rest.rfind(" at line ")) {
        (true, Some(at)) if rest[at..].contains(" column ") => &rest[..at],
        _ => rest,
    };
    (path, message.to_owned())
}

/// One JSON scalar as the arms of a scalar union see it (see [`deserialize_scalar`]).
///
/// It is a [`Deserializer`] whose errors carry no message, so trying an arm that does
/// not match costs no formatting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// A string.
    Str(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// A negative integer.
    I64(i64),
    /// A non-negative integer.
    U64(u64),
    /// A number with a fraction or an exponent.
    F64(f64),
}

impl<'a> Scalar<'a> {
    /// Whether this is the string `literal` (a literal arm).
    pub fn is_str(self, literal: &str) -> bool {
        matches!(self, Scalar::Str(s) if s == literal)
    }

    /// The scalar as `T`, if `T` accepts it (an arm of the union).
    pub fn to<T: Deserialize<'a>>(self) -> Option<T> {
        T::deserialize(self).ok()
    }

    fn into_value(self) -> Value {
        match self {
            Scalar::Str(s) => Value::String(s.to_owned()),
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::I64(n) => Value::from(n),
            Scalar::U64(n) => Value::from(n),
            Scalar::F64(n) => Value::from(n),
        }
    }
}

/// The error of a [`Scalar`] an arm does not accept: no message is kept.
#[derive(Debug)]
pub struct NoMatch;

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no match")
    }
}

impl std::error::Error for NoMatch {}

impl de::Error for NoMatch {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        NoMatch
    }
}

impl<'de> Deserializer<'de> for Scalar<'de> {
    type Error = NoMatch;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NoMatch> {
        match self {
            Scalar::Str(s) => visitor.visit_borrowed_str(s),
            Scalar::Bool(b) => visitor.visit_bool(b),
            Scalar::I64(n) => visitor.visit_i64(n),
            Scalar::U64(n) => visitor.visit_u64(n),
            Scalar::F64(n) => visitor.visit_f64(n),
        }
    }

    /// Like `serde_json::Value`: a scalar is never `null`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NoMatch> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, NoMatch> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A set of JSON value kinds: those a union's arms can hold, whose values its catch-all
/// arm keeps when no arm takes them. A value of another kind is a decode error: a union
/// of objects does not take `null`, a number, or the text of a gateway's error page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonKinds(u8);

impl JsonKinds {
    /// JSON objects.
    pub const OBJECT: Self = Self(1);
    /// JSON arrays.
    pub const ARRAY: Self = Self(2);
    /// JSON strings.
    pub const STRING: Self = Self(4);
    /// JSON numbers.
    pub const NUMBER: Self = Self(8);
    /// `true` and `false`.
    pub const BOOLEAN: Self = Self(16);
    /// `null`.
    pub const NULL: Self = Self(32);
    /// Every kind of JSON value.
    pub const ANY: Self = Self(63);

    const NAMES: [(Self, &'static str); 6] = [
        (Self::OBJECT, "object"),
        (Self::ARRAY, "array"),
        (Self::STRING, "string"),
        (Self::NUMBER, "number"),
        (Self::BOOLEAN, "boolean"),
        (Self::NULL, "null"),
    ];

    /// Both sets.
    #[must_use]
    pub const fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether `kind` is in the set.
    #[must_use]
    pub const fn contains(self, kind: Self) -> bool {
        self.0 & kind.0 == kind.0
    }

    /// The kind of the JSON text `raw` (a valid JSON value).
    fn of(raw: &str) -> Self {
        match raw.trim_start().as_bytes().first() {
            Some(b'{') => Self::OBJECT,
            Some(b'[') => Self::ARRAY,
            Some(b'"') => Self::STRING,
            Some(b't' | b'f') => Self::BOOLEAN,
            Some(b'n') => Self::NULL,
            _ => Self::NUMBER,
        }
    }
}

impl de::Expected for JsonKinds {
    /// `a JSON object or array`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::ANY {
            return f.write_str("any JSON value");
        }
        let names: Vec<&str> =
            Self::NAMES.iter().filter(|(kind, _)| self.contains(*kind)).map(|(_, name)| *name).collect();
        match names.split_last() {
            None => f.write_str("nothing"),
            Some((last, [])) => write!(f, "a JSON {last}"),
            Some((last, rest)) => write!(f, "a JSON {} or {last}", rest.join(", ")),
        }
    }
}

/// The error for a value of a kind the union does not hold: `invalid type: string "Service
/// Unavailable", expected a JSON object`.
fn wrong_kind<E: de::Error>(raw: &str, expected: &dyn de::Expected) -> E {
    let value: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
    let unexpected = match &value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => de::Unexpected::Unsigned(u),
            (_, Some(i), _) => de::Unexpected::Signed(i),
            (_, _, Some(x)) => de::Unexpected::Float(x),
            _ => de::Unexpected::Other("number"),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    };
    E::invalid_type(unexpected, expected)
}

/// Decodes a union whose arms are all scalars from the one JSON value, without buffering:
/// `pick` tries the arms in order (the generated code), and a value no arm takes is kept as
/// a [`Value`] by `unknown` if its kind is one of `accepts` (an unexpected string of a
/// union of strings), and is an error otherwise (`null`, an array or an object).
pub fn deserialize_scalar<'de, D, T>(
    deserializer: D,
    pick: fn(Scalar<'_>) -> Option<T>,
    unknown: fn(Value) -> T,
    accepts: JsonKinds,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(ScalarVisitor { pick, unknown, accepts })
}

struct ScalarVisitor<T> {
    pick: fn(Scalar<'_>) -> Option<T>,
    unknown: fn(Value) -> T,
    accepts: JsonKinds,
}

impl<T> ScalarVisitor<T> {
    fn scalar<E: de::Error>(self, scalar: Scalar<'_>) -> Result<T, E> {
        if let Some(value) = (self.pick)(scalar) {
            return Ok(value);
        }
        let (kind, unexpected) = match scalar {
            Scalar::Str(s) => (JsonKinds::STRING, de::Unexpected::Str(s)),
            Scalar::Bool(b) => (JsonKinds::BOOLEAN, de::Unexpected::Bool(b)),
            Scalar::I64(n) => (JsonKinds::NUMBER, de::Unexpected::Signed(n)),
            Scalar::U64(n) => (JsonKinds::NUMBER, de::Unexpected::Unsigned(n)),
            Scalar::F64(n) => (JsonKinds::NUMBER, de::Unexpected::Float(n)),
        };
        if self.accepts.contains(kind) {
            Ok((self.unknown)(scalar.into_value()))
        } else {
            Err(E::invalid_type(unexpected, &self.accepts))
        }
    }

    /// A `null`, array or object: kept if the union holds that kind.
    fn other<E: de::Error>(
        self,
        kind: JsonKinds,
        value: impl FnOnce() -> Result<Value, E>,
        unexpected: de::Unexpected<'_>,
    ) -> Result<T, E> {
        if self.accepts.contains(kind) {
            value().map(self.unknown)
        } else {
            Err(E::invalid_type(unexpected, &self.accepts))
        }
    }
}

impl<'de, T> Visitor<'de> for ScalarVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        de::Expected::fmt(&self.accepts, f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.scalar(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.scalar(Scalar::I64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.scalar(Scalar::U64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.scalar(Scalar::F64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        self.scalar(Scalar::Str(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        match (self.pick)(Scalar::Str(&v)) {
            Some(value) => Ok(value),
            None if self.accepts.contains(JsonKinds::STRING) => Ok((self.unknown)(Value::String(v))),
            None => Err(E::invalid_type(de::Unexpected::Str(&v), &self.accepts)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.other(JsonKinds::NULL, || Ok(Value::Null), de::Unexpected::Unit)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.other(JsonKinds::NULL, || Ok(Value::Null), de::Unexpected::Unit)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        self.other(JsonKinds::ARRAY, || Value::deserialize(SeqAccessDeserializer::new(seq)), de::Unexpected::Seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        self.other(JsonKinds::OBJECT, || Value::deserialize(MapAccessDeserializer::new(map)), de::Unexpected::Map)
    }
}

/// Decodes a union that is not all scalars: buffers its JSON as raw text (no
/// [`Value`] is built) and hands it to `decode`, the generated dispatch that
/// probes the tag or the `const` guards and decodes the chosen arm from the text.
///
/// `decode` is not generic, so each union's dispatch is compiled once whatever the
/// deserializer. Needs a `serde_json` deserializer (see the module docs).
///
/// Each arm is decoded by a `serde_json` deserializer of its own, whose recursion limit
/// starts afresh, so nested unions are counted here (per thread) and refused past
/// [`MAX_UNION_DEPTH`]: a hostile document nesting a recursive union (`Filter` in
/// `FilterClausesItem` in `Filter` ...) gets an error, not a stack overflow.
pub fn deserialize_raw<'de, D, T>(
    deserializer: D,
    decode: fn(&RawValue) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let Some(_depth) = UnionDepth::enter() else {
        return Err(de::Error::custom("recursion limit exceeded"));
    };
    decode(&raw).map_err(de::Error::custom)
}

/// How many buffered unions may nest (the same bound as `serde_json`'s recursion limit).
pub const MAX_UNION_DEPTH: u32 = 128;

std::thread_local! {
    static UNION_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One level of union nesting, given back when dropped.
struct UnionDepth;

impl UnionDepth {
    fn enter() -> Option<UnionDepth> {
        UNION_DEPTH.with(|depth| {
            let level = depth.get();
            (level < MAX_UNION_DEPTH).then(|| {
                depth.set(level + 1);
                UnionDepth
            })
        })
    }
}

impl Drop for UnionDepth {
    fn drop(&mut self) {
        UNION_DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// The string at `path` in the raw JSON (keys of nested objects), if there is one: the
/// tag of a tagged union or a `const` an untagged arm fixes. Reads the text once and
/// skips everything off the path without building it; an empty path reads the JSON as
/// a string (a literal arm).
pub fn probe<'r>(raw: &'r RawValue, path: &[&str]) -> Option<Cow<'r, str>> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    Probe(path).deserialize(&mut de).ok().flatten()
}

/// The string value of `tag` in a raw JSON object, if any (tagged unions dispatch on it).
pub fn probe_tag<'r>(raw: &'r RawValue, tag: &str) -> Option<Cow<'r, str>> {
    probe(raw, &[tag])
}

/// Whether the raw JSON is the string `literal` (a literal arm of an untagged union).
pub fn is_literal(raw: &RawValue, literal: &str) -> bool {
    probe(raw, &[]).as_deref() == Some(literal)
}

/// Whether the raw JSON holds every `(path, string)` pair: untagged unions check the
/// `const` properties an arm fixes (serde's struct `tag` is written but not checked on
/// input) before trying the arm, so a grant of one benefit type never decodes as another.
pub fn has_consts(raw: &RawValue, consts: &[(&[&str], &str)]) -> bool {
    consts.iter().all(|(path, expected)| probe(raw, path).as_deref() == Some(*expected))
}

/// Reads the string at a path of keys; the value is `None` when the path or the string
/// is missing. Duplicate keys: the last one counts, as in a `Value`.
struct Probe<'p>(&'p [&'p str]);

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(self.0.is_empty().then_some(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.is_empty().then(|| Cow::Owned(v.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some((first, rest)) = self.0.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(None);
        };
        let mut found = None;
        while let Some(on_path) = map.next_key_seed(KeyIs(first))? {
            if on_path {
                found = map.next_value_seed(Probe(rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Reads a map key and tells whether it is the given one (no allocation).
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

/// Decodes the arm a union chose from its raw JSON. On failure, the path tracked by
/// [`decode_slice`](super::super::decode_slice) goes in front of the message (`` at `a.b`: ... ``,
/// which [`nested_error_path`] joins to the outer path).
pub fn decode_arm<T: DeserializeOwned>(raw: &RawValue) -> Result<T, serde_json::Error> {
    super::super::decode_slice(raw.get().as_bytes()).map_err(|(path, e)| arm_error(&path, &e))
}

/// The error of a failed arm: its path inside the union, then the message without the
/// position in the union's own text (the outer deserializer adds where the union is).
fn arm_error(path: &str, err: &serde_json::Error) -> serde_json::Error {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = match text.strip_suffix(&suffix) {
        Some(message) if err.line() != 0 => message,
        _ => &text,
    };
    if path == "." {
        de::Error::custom(message)
    } else {
        de::Error::custom(format_args!("at `{path}`: {message}"))
    }
}

/// Tries one arm of an untagged union against its raw JSON.
pub fn try_arm<T: DeserializeOwned>(raw: &RawValue) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
}

/// The raw JSON no arm of an untagged union takes, kept as a [`Value`] if its kind is one
/// of `accepts` (the kinds the union's arms hold), an error otherwise.
pub fn decode_unknown(raw: &RawValue, accepts: JsonKinds) -> Result<Value, serde_json::Error> {
    if !accepts.contains(JsonKinds::of(raw.get())) {
        return Err(wrong_kind(raw.get(), &accepts));
    }
    serde_json::from_str(raw.get())
}

/// The raw JSON of a tagged union whose tag no arm lists, kept as a [`Value`] when it is
/// an object with a string `tag` (a variant of a newer version of the API); anything
/// else, an object without the tag included, is no variant of any version: an error.
pub fn decode_unknown_tagged(raw: &RawValue, tag: &str) -> Result<Value, serde_json::Error> {
    struct ObjectWithTag<'t>(&'t str);
    impl de::Expected for ObjectWithTag<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a JSON object with a string `{}`", self.0)
        }
    }
    if JsonKinds::of(raw.get()) != JsonKinds::OBJECT {
        return Err(wrong_kind(raw.get(), &ObjectWithTag(tag)));
    }
    if probe_tag(raw, tag).is_none() {
        return Err(de::Error::custom(format_args!(
            "the object has no string `{tag}`, which tells the variant (missing field `{tag}`)"
        )));
    }
    serde_json::from_str(raw.get())
}
#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn consts_are_checked_along_paths() {
        let grant = raw(r#"{"benefit": {"id": [1, {"type": "x"}], "type": "custom"}, "kind": "grant"}"#);
        assert!(has_consts(&grant, &[(&["benefit", "type"], "custom"), (&["kind"], "grant")]));
        assert!(!has_consts(&grant, &[(&["benefit", "type"], "discord")]));
        assert!(!has_consts(&grant, &[(&["missing"], "x")]));
        assert!(!has_consts(&grant, &[(&["kind", "type"], "grant")]));
        assert!(has_consts(&grant, &[]));
    }

    #[test]
    fn tags_are_probed_from_raw_text() {
        // Found after values of every kind, which are skipped.
        let text = r#"{"a": {"type": "inner", "b": [1, 2.5, null, {"c": "d"}]}, "n": -3, "t": true, "type": "team", "z": "q"}"#;
        assert_eq!(probe_tag(&raw(text), "type").as_deref(), Some("team"));
        assert!(matches!(probe_tag(&raw(text), "type"), Some(Cow::Borrowed(_))));
        // Missing, not a string, not an object.
        assert_eq!(probe_tag(&raw(r#"{"kind": "team"}"#), "type"), None);
        assert_eq!(probe_tag(&raw(r#"{"type": 3}"#), "type"), None);
        assert_eq!(probe_tag(&raw(r#"{"type": {"type": "x"}}"#), "type"), None);
        assert_eq!(probe_tag(&raw(r#"{"type": null}"#), "type"), None);
        assert_eq!(probe_tag(&raw(r#"["type", "team"]"#), "type"), None);
        assert_eq!(probe_tag(&raw(r#""team""#), "type"), None);
        assert_eq!(probe_tag(&raw("null"), "type"), None);
        // Escapes in keys and values; the last of duplicate keys counts, as in a `Value`.
        assert_eq!(probe_tag(&raw(r#"{"ty\u0070e": "te\"am"}"#), "type").as_deref(), Some("te\"am"));
        assert_eq!(probe_tag(&raw(r#"{"type": "a", "type": "b"}"#), "type").as_deref(), Some("b"));
        // Nested paths.
        let nested = raw(r#"{"benefit": {"properties": {}, "type": "discord"}, "type": "grant"}"#);
        assert_eq!(probe(&nested, &["benefit", "type"]).as_deref(), Some("discord"));
        assert_eq!(probe(&nested, &["benefit", "properties"]), None);
        assert_eq!(probe(&nested, &["type", "x"]), None);
        // An empty path reads the value itself (literal arms).
        assert!(is_literal(&raw(r#""now""#), "now"));
        assert!(!is_literal(&raw(r#""now ""#), "now"));
        assert!(!is_literal(&raw(r#"{"now": "now"}"#), "now"));
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        count: i64,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Outer {
        name: String,
        items: Vec<Inner>,
    }

    #[test]
    fn arms_decode_from_raw_text_with_error_paths() {
        let ok = raw(r#"{"name": "x", "items": [{"count": 1}]}"#);
        assert_eq!(decode_arm::<Outer>(&ok).unwrap(), Outer { name: "x".into(), items: vec![Inner { count: 1 }] });
        assert!(try_arm::<Outer>(&ok).is_some());
        assert!(try_arm::<Inner>(&ok).is_none());
        let bad = raw(r#"{"name": "x",
            "items": [{"count": 1}, {"count": "two"}]}"#);
        let err = decode_arm::<Outer>(&bad).unwrap_err();
        // The position inside the union's text is dropped (the outer decoder adds its own).
        assert_eq!(err.to_string(), r#"at `items[1].count`: invalid type: string "two", expected i64"#);
        let (path, message) = nested_error_path("data[3]", &err.to_string());
        assert_eq!(
            (path.as_str(), message.as_str()),
            ("data[3].items[1].count", r#"invalid type: string "two", expected i64"#)
        );
        let missing = decode_arm::<Outer>(&raw(r#"{"items": []}"#)).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `name`");
        assert_eq!(decode_unknown(&bad, JsonKinds::OBJECT).unwrap()["items"][1]["count"], "two");
    }

    /// A union shaped like the generated ones, decoded through the raw path.
    #[derive(Debug, PartialEq)]
    enum Tagged {
        Outer(Outer),
        Unknown(Value),
    }

    impl<'de> Deserialize<'de> for Tagged {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            fn decode(raw: &RawValue) -> Result<Tagged, serde_json::Error> {
                match probe_tag(raw, "kind").as_deref() {
                    Some("outer") => decode_arm(raw).map(Tagged::Outer),
                    _ => decode_unknown_tagged(raw, "kind").map(Tagged::Unknown),
                }
            }
            deserialize_raw(deserializer, decode)
        }
    }

    #[test]
    fn raw_unions_decode_from_every_serde_json_entry_point() {
        let text = r#"[{"kind": "outer", "name": "x", "items": []}, {"kind": "new", "a": [1]}]"#;
        let expected = vec![
            Tagged::Outer(Outer { name: "x".into(), items: Vec::new() }),
            Tagged::Unknown(serde_json::json!({"kind": "new", "a": [1]})),
        ];
        assert_eq!(serde_json::from_str::<Vec<Tagged>>(text).unwrap(), expected);
        assert_eq!(serde_json::from_slice::<Vec<Tagged>>(text.as_bytes()).unwrap(), expected);
        assert_eq!(serde_json::from_reader::<_, Vec<Tagged>>(text.as_bytes()).unwrap(), expected);
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::from_value::<Vec<Tagged>>(value.clone()).unwrap(), expected);
        assert_eq!(Vec::<Tagged>::deserialize(&value).unwrap(), expected);
        let through_path: Vec<Tagged> = crate::runtime::decode_slice(text.as_bytes()).unwrap();
        assert_eq!(through_path, expected);
        // Errors keep the path inside the union, after the outer one.
        let bad = r#"[{"kind": "outer", "name": "x", "items": [{"count": true}]}]"#;
        let (outer, err) = crate::runtime::decode_slice::<Vec<Tagged>>(bad.as_bytes()).unwrap_err();
        assert_eq!(outer, "[0]");
        let (path, message) = nested_error_path(&outer, &err.to_string());
        assert_eq!(
            (path.as_str(), message.as_str()),
            ("[0].items[0].count", "invalid type: boolean `true`, expected i64")
        );
        let err = serde_json::from_value::<Vec<Tagged>>(serde_json::from_str(bad).unwrap()).unwrap_err();
        assert_eq!(err.to_string(), "at `items[0].count`: invalid type: boolean `true`, expected i64");
    }

    /// A recursive untagged union, like `FilterClausesItem`/`Filter` or a JSON-like tree.
    #[derive(Debug, PartialEq)]
    enum Nest {
        List(Vec<Nest>),
        Unknown(Value),
    }

    impl<'de> Deserialize<'de> for Nest {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            fn decode(raw: &RawValue) -> Result<Nest, serde_json::Error> {
                if let Some(v) = try_arm(raw) {
                    return Ok(Nest::List(v));
                }
                decode_unknown(raw, JsonKinds::ARRAY).map(Nest::Unknown)
            }
            deserialize_raw(deserializer, decode)
        }
    }

    #[test]
    fn deeply_nested_unions_are_refused_not_overflowing() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let mut shallow = serde_json::from_str::<Nest>(&nested(3)).unwrap();
        for _ in 0..2 {
            let Nest::List(mut items) = shallow else { panic!("not a list: {shallow:?}") };
            shallow = items.pop().unwrap();
        }
        assert_eq!(shallow, Nest::List(Vec::new()));
        assert!(serde_json::from_str::<Nest>(&nested(100)).is_ok());
        // Runs on a thread with a small stack, as a hostile response would be decoded.
        let deep = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || serde_json::from_str::<Nest>(&nested(200_000)).map(|_| ()).map_err(|e| e.to_string()))
            .unwrap()
            .join()
            .unwrap();
        assert!(deep.unwrap_err().contains("recursion limit exceeded"));
        UNION_DEPTH.with(|depth| assert_eq!(depth.get(), 0));
    }

    /// A scalar union shaped like the generated ones: a literal, then integer, number,
    /// boolean, date-time and string arms, tried in that order.
    #[derive(Debug, PartialEq)]
    enum Flexible {
        Now,
        Integer(i64),
        Number(f64),
        Boolean(bool),
        DateTime(chrono::DateTime<chrono::Utc>),
        String(String),
        Unknown(Value),
    }

    impl<'de> Deserialize<'de> for Flexible {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            fn pick(s: Scalar<'_>) -> Option<Flexible> {
                if s.is_str("now") {
                    return Some(Flexible::Now);
                }
                if let Some(v) = s.to() {
                    return Some(Flexible::Integer(v));
                }
                if let Some(v) = s.to() {
                    return Some(Flexible::Number(v));
                }
                if let Some(v) = s.to() {
                    return Some(Flexible::Boolean(v));
                }
                if let Some(v) = s.to() {
                    return Some(Flexible::DateTime(v));
                }
                if let Some(v) = s.to() {
                    return Some(Flexible::String(v));
                }
                None
            }
            let accepts = JsonKinds::STRING.with(JsonKinds::NUMBER).with(JsonKinds::BOOLEAN);
            deserialize_scalar(deserializer, pick, Self::Unknown, accepts)
        }
    }

    #[test]
    fn scalar_unions_pick_arms_in_order() {
        let date = "2025-01-02T03:04:05Z".parse().unwrap();
        let cases = [
            (r#""now""#, Flexible::Now),
            ("3", Flexible::Integer(3)),
            ("-3", Flexible::Integer(-3)),
            ("3.5", Flexible::Number(3.5)),
            ("3.0", Flexible::Number(3.0)),
            // Past i64: the number arm, as from a `Value`.
            ("18446744073709551615", Flexible::Number(18446744073709551615.0)),
            ("true", Flexible::Boolean(true)),
            (r#""2025-01-02T03:04:05Z""#, Flexible::DateTime(date)),
            (r#""2025-01-02""#, Flexible::String("2025-01-02".into())),
            (r#""caf\u00e9 \"x\"""#, Flexible::String("café \"x\"".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(serde_json::from_str::<Flexible>(text).unwrap(), expected, "{text}");
            assert_eq!(serde_json::from_reader::<_, Flexible>(text.as_bytes()).unwrap(), expected, "{text}");
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::from_value::<Flexible>(value.clone()).unwrap(), expected, "{text}");
            assert_eq!(Flexible::deserialize(&value).unwrap(), expected, "{text}");
            assert_eq!(crate::runtime::decode_slice::<Flexible>(text.as_bytes()).unwrap(), expected, "{text}");
        }
        // Inside options and maps (`#[serde(flatten)]` buffers through serde's own content).
        assert_eq!(serde_json::from_str::<Option<Flexible>>("null").unwrap(), None);
        assert_eq!(serde_json::from_str::<Option<Flexible>>("7").unwrap(), Some(Flexible::Integer(7)));
        #[derive(Debug, Deserialize)]
        struct Flat {
            #[serde(flatten)]
            rest: std::collections::BTreeMap<String, Flexible>,
        }
        let flat: Flat = serde_json::from_str(r#"{"a": 1, "b": "now"}"#).unwrap();
        assert_eq!(flat.rest["a"], Flexible::Integer(1));
        assert_eq!(flat.rest["b"], Flexible::Now);
        assert!(serde_json::from_str::<Flat>(r#"{"c": [true]}"#).is_err());
    }

    #[test]
    fn values_of_a_kind_no_arm_holds_are_errors() {
        // A union of scalars takes no null, array or object.
        for (text, found) in [("null", "null"), ("[1]", "sequence"), (r#"{"a": 1}"#, "map")] {
            let err = serde_json::from_str::<Flexible>(text).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("invalid type: {found}, expected a JSON string, number or boolean")),
                "{text}: {err}"
            );
            let value: Value = serde_json::from_str(text).unwrap();
            assert!(serde_json::from_value::<Flexible>(value).is_err(), "{text}");
        }
        // A tagged union takes objects with a string tag only; an unknown tag is kept.
        for (text, message) in [
            ("null", "invalid type: null, expected a JSON object with a string `kind`"),
            ("[]", "invalid type: sequence, expected a JSON object with a string `kind`"),
            ("42", "invalid type: integer `42`, expected a JSON object with a string `kind`"),
            (
                r#""Service temporarily unavailable""#,
                r#"invalid type: string "Service temporarily unavailable", expected a JSON object with a string `kind`"#,
            ),
            (r#"{"name": "x"}"#, "the object has no string `kind`, which tells the variant (missing field `kind`)"),
            (r#"{"kind": 7}"#, "the object has no string `kind`, which tells the variant (missing field `kind`)"),
        ] {
            let err = serde_json::from_str::<Tagged>(text).unwrap_err().to_string();
            assert!(err.starts_with(message), "{text}: {err}");
        }
        let newer = serde_json::from_str::<Tagged>(r#"{"kind": "newer", "x": 1}"#).unwrap();
        assert_eq!(newer, Tagged::Unknown(serde_json::json!({"kind": "newer", "x": 1})));
        // An untagged union takes the kinds of its arms.
        assert!(serde_json::from_str::<Nest>(r#"{"a": 1}"#).is_err());
        assert!(serde_json::from_str::<Nest>("[[], [[]]]").is_ok());
        let kinds = JsonKinds::OBJECT.with(JsonKinds::ARRAY).with(JsonKinds::NULL);
        assert_eq!(format!("{}", &kinds as &dyn de::Expected), "a JSON object, array or null");
        assert_eq!(format!("{}", &JsonKinds::ANY as &dyn de::Expected), "any JSON value");
        let raw = raw("  \n[1]");
        assert_eq!(decode_unknown(&raw, JsonKinds::ANY).unwrap(), serde_json::json!([1]));
        assert!(decode_unknown(&raw, JsonKinds::OBJECT).is_err());
    }

    #[test]
    fn scalars_deserialize_like_values() {
        assert_eq!(Scalar::U64(7).to::<i64>(), Some(7));
        assert_eq!(Scalar::U64(u64::MAX).to::<i64>(), None);
        assert_eq!(Scalar::F64(1.0).to::<i64>(), None);
        assert_eq!(Scalar::I64(-1).to::<f64>(), Some(-1.0));
        assert_eq!(Scalar::Str("x").to::<String>(), Some("x".to_owned()));
        assert_eq!(Scalar::Str("x").to::<bool>(), None);
        assert_eq!(Scalar::Bool(true).to::<String>(), None);
        assert_eq!(Scalar::Str("x").to::<Option<String>>(), Some(Some("x".to_owned())));
        assert!(Scalar::Str("now").is_str("now"));
        assert!(!Scalar::U64(1).is_str("1"));
    }

    #[test]
    fn nested_paths_are_joined() {
        assert_eq!(nested_error_path(".", "at `data.total`: invalid"), ("data.total".into(), "invalid".into()));
        assert_eq!(nested_error_path("items[2]", "at `a`: at `[0].b`: bad"), ("items[2].a[0].b".into(), "bad".into()));
        assert_eq!(nested_error_path("x", "plain"), ("x".into(), "plain".into()));
        assert_eq!(nested_error_path("a", "at `b`: bad at line 1 column 9"), ("a.b".into(), "bad".into()));
        assert_eq!(nested_error_path(".", "plain"), (".".into(), "plain".into()));
    }
}
