//! Support for the generated models: three-state PATCH fields and the small serde
//! helpers that open enums and unions share (kept here so each generated type stays thin).
//!
//! Unions decode from `serde_json` only (a `&[u8]`/`&str`/reader deserializer or a
//! [`serde_json::Value`], with or without `serde_path_to_error` around it): those whose
//! arms are all scalars read the one JSON scalar through [`deserialize_scalar`]; the others
//! buffer their JSON as a [`RawValue`](serde_json::value::RawValue) ([`deserialize_raw`]),
//! which is specific to `serde_json`, look at the tag or the `const` properties in the raw
//! text without building a [`serde_json::Value`], and decode the chosen arm straight from
//! that text.

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

mod union;

pub use self::union::{
    decode_arm, decode_unknown, decode_unknown_tagged, deserialize_raw, deserialize_scalar, has_consts, is_literal,
    nested_error_path, probe, probe_tag, try_arm, JsonKinds, NoMatch, Scalar, MAX_UNION_DEPTH,
};

/// A field of an update (PATCH) body: leave it unchanged, clear it, or set it.
///
/// `Absent` fields are not serialized at all, so an update only touches what it names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the server keeps the current value.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent as the value.
    Value(T),
}

impl<T> Patch<T> {
    /// True when the field will not be sent (serde's `skip_serializing_if` uses this).
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some(v)` sets the value, `None` clears it.
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Null, Patch::Value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(v) => v.serialize(serializer),
            // `Absent` is skipped by the field attribute; if serialized anyway it is null.
            Patch::Absent | Patch::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A present field is `Null` or `Value`; a missing one is `Absent` via `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Patch::Null, Patch::Value))
    }
}

/// The key of a JSON object field, borrowed from the input when it can be.
///
/// Generated structs decode with a hand-written `visit_map` (much less code than
/// serde's derive, which also accepts arrays and numeric field indices JSON never
/// uses); they match each key against their field names as a `&str`.
pub struct FieldName<'de>(Cow<'de, str>);

impl FieldName<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = FieldName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<FieldName<'de>, E> {
                Ok(FieldName(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldName<'de>, E> {
                Ok(FieldName(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the value of field `name` into its empty `slot`; a field that appears twice is
/// an error, as with serde's derive.
///
/// (A separate entry point from [`set_field_with`]: passing `PhantomData` as the seed at
/// every call site makes the compiler infer each field's type through the seed's
/// associated type, which measured +12 MB of `cargo check` memory on the Polar crate.)
///
/// # Errors
///
/// The value's decode error, or a duplicate field.
pub fn set_field<'de, A, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    set_field_with(map, slot, name, std::marker::PhantomData)
}

/// [`set_field`] for a field decoded through `seed` ([`Rfc3339`] for date-times).
///
/// # Errors
///
/// The value's decode error, or a duplicate field.
pub fn set_field_with<'de, A, S>(
    map: &mut A,
    slot: &mut Option<S::Value>,
    name: &'static str,
    seed: S,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    S: DeserializeSeed<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(())
}

/// Decodes a `date-time` string into a `DateTime<Utc>`: RFC 3339 first (about five times
/// faster than chrono's own `Deserialize`, which parses leniently), then chrono's lenient
/// parser, so that exactly the same strings are accepted, with the same error messages.
#[derive(Clone, Copy, Debug)]
pub struct Rfc3339;

impl Rfc3339 {
    /// Parses one date-time.
    ///
    /// # Errors
    ///
    /// chrono's error for a string that is not a date-time.
    pub fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
        match DateTime::parse_from_rfc3339(text) {
            Ok(time) => Ok(time.with_timezone(&Utc)),
            Err(_) => text.parse(),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Rfc3339 {
    type Value = DateTime<Utc>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Rfc3339 {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Rfc3339::parse(text).map_err(E::custom)
    }
}

/// [`Rfc3339`] for a nullable date-time.
#[derive(Clone, Copy, Debug)]
pub struct OptionalRfc3339;

impl<'de> DeserializeSeed<'de> for OptionalRfc3339 {
    type Value = Option<DateTime<Utc>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalRfc3339 {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a formatted date and time string or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Rfc3339.deserialize(deserializer).map(Some)
    }
}

/// Writes one field of a struct unless an earlier one failed (see [`serde_struct!`](crate::serde_struct)).
pub fn write_field<S, T>(state: &mut S, result: &mut Result<(), S::Error>, key: &'static str, value: &T)
where
    S: SerializeStruct,
    T: Serialize + ?Sized,
{
    if result.is_ok() {
        *result = state.serialize_field(key, value);
    }
}

/// [`write_field`] for an optional field: nothing is written for `None`.
pub fn write_optional<S, T>(state: &mut S, result: &mut Result<(), S::Error>, key: &'static str, value: &Option<T>)
where
    S: SerializeStruct,
    T: Serialize,
{
    if let Some(value) = value {
        write_field(state, result, key, value);
    }
}

/// [`write_field`] for a PATCH field: nothing is written for [`Patch::Absent`].
pub fn write_patch<S, T>(state: &mut S, result: &mut Result<(), S::Error>, key: &'static str, value: &Patch<T>)
where
    S: SerializeStruct,
    T: Serialize,
{
    if !value.is_absent() {
        write_field(state, result, key, value);
    }
}

/// Skips the value of a field the struct does not know.
///
/// # Errors
///
/// Only malformed input.
pub fn skip_field<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// `From` impls that put a value into its union arm: `union_from!(Benefit { Custom(boxed
/// BenefitCustom), })` writes `impl From<BenefitCustom> for Benefit` (boxing the value), a
/// `plain` arm stores it as is, and a `text` arm (a `String`) also converts from `&str`.
/// One macro line per arm keeps the generated files short; the impls are what a hand-written
/// crate would have.
///
/// Exported (hidden) like `serde_struct!`; generated code calls it as `crate::union_from!`.
#[doc(hidden)]
#[macro_export]
macro_rules! union_from {
    ($union:ident { $($arm:ident($kind:ident $ty:ty),)* }) => {
        $($crate::union_from!(@arm $union $arm $kind $ty);)*
    };
    (@arm $union:ident $arm:ident boxed $ty:ty) => {
        impl ::core::convert::From<$ty> for $union {
            fn from(value: $ty) -> Self {
                Self::$arm(::std::boxed::Box::new(value))
            }
        }
    };
    (@arm $union:ident $arm:ident plain $ty:ty) => {
        impl ::core::convert::From<$ty> for $union {
            fn from(value: $ty) -> Self {
                Self::$arm(value)
            }
        }
    };
    (@arm $union:ident $arm:ident text $ty:ty) => {
        $crate::union_from!(@arm $union $arm plain $ty);
        impl ::core::convert::From<&str> for $union {
            fn from(value: &str) -> Self {
                Self::$arm(value.to_owned())
            }
        }
    };
}

/// `Serialize` and `Deserialize` for a generated struct without flattened fields.
///
/// Serde's derives expand to about four times this code (the `Deserialize` derive also
/// accepts sequences and numeric field indices, which JSON never uses, and compiles a
/// key enum and visitor per struct), and their `?` after every field multiplies the
/// compiler's work across hundreds of structs. Here every field is one call to a small
/// shared helper and errors are checked once, which cut the generated crate's
/// `cargo check` time and peak memory by about a third.
///
/// Each field is `rust_name: "json_name" presence`, with `presence` one of
///
/// - `required`: always written; a missing field is an error;
/// - `nullable`: an `Option` that is always written (`null` for `None`); missing is `None`;
/// - `optional`: an `Option` written only when `Some`; missing is `None`;
/// - `patch`: a [`Patch`] written unless `Absent`; missing is `Absent`;
///
/// optionally followed by `via Seed`, a `DeserializeSeed` that decodes the field
/// ([`Rfc3339`]). `Name tag "key" = "value" { ... }` writes the `key` first, as
/// `#[serde(tag = "key")]` does; on input the tag, like any unknown key, is skipped.
///
/// Exported (hidden) so that it is always "used", even in a crate without such structs;
/// generated code calls it as `crate::serde_struct!`.
#[doc(hidden)]
#[macro_export]
macro_rules! serde_struct {
    // No properties and no tag (e.g. an `allOf` of objects that declare none): an empty JSON object
    // out, any object in. Its own arm, since the general one would bind its serializer state
    // mutably for fields that are not there (`unused_mut`).
    ($name:ident {}) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                let state = ::serde::Serializer::serialize_struct(serializer, stringify!($name), 0)?;
                ::serde::ser::SerializeStruct::end(state)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<$name, A::Error> {
                        while map.next_key::<::serde::de::IgnoredAny>()?.is_some() {
                            $crate::runtime::model::skip_field(&mut map)?;
                        }
                        ::core::result::Result::Ok($name {})
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    ($name:ident $(tag $tag:literal = $tag_value:literal)? { $($field:ident: $json:literal $presence:ident $(via $seed:path)?,)* }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                let len = 0 $(+ { let _ = $tag; 1 })? $(+ $crate::serde_struct!(@len self $field $presence))*;
                let mut state = ::serde::Serializer::serialize_struct(serializer, stringify!($name), len)?;
                let mut result = ::core::result::Result::Ok(());
                $($crate::runtime::model::write_field(&mut state, &mut result, $tag, $tag_value);)?
                $($crate::serde_struct!(@write state result self $field $json $presence);)*
                result?;
                ::serde::ser::SerializeStruct::end(state)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<$name, A::Error> {
                        $(let mut $field = ::core::option::Option::None;)*
                        while let ::core::option::Option::Some(key) = map.next_key::<$crate::runtime::model::FieldName<'de>>()? {
                            match key.as_str() {
                                $($json => $crate::serde_struct!(@read map $field $json $($seed)?),)*
                                _ => $crate::runtime::model::skip_field(&mut map),
                            }?
                        }
                        ::core::result::Result::Ok($name {
                            $($field: $crate::serde_struct!(@value $presence $field $json),)*
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    (@len $this:ident $field:ident optional) => {
        usize::from($this.$field.is_some())
    };
    (@len $this:ident $field:ident patch) => {
        usize::from(!$this.$field.is_absent())
    };
    (@len $this:ident $field:ident $presence:ident) => {
        1
    };
    (@write $state:ident $result:ident $this:ident $field:ident $json:literal optional) => {
        $crate::runtime::model::write_optional(&mut $state, &mut $result, $json, &$this.$field)
    };
    (@write $state:ident $result:ident $this:ident $field:ident $json:literal patch) => {
        $crate::runtime::model::write_patch(&mut $state, &mut $result, $json, &$this.$field)
    };
    (@write $state:ident $result:ident $this:ident $field:ident $json:literal $presence:ident) => {
        $crate::runtime::model::write_field(&mut $state, &mut $result, $json, &$this.$field)
    };
    (@read $map:ident $field:ident $json:literal) => {
        $crate::runtime::model::set_field(&mut $map, &mut $field, $json)
    };
    (@read $map:ident $field:ident $json:literal $seed:path) => {
        $crate::runtime::model::set_field_with(&mut $map, &mut $field, $json, $seed)
    };
    (@value required $field:ident $json:literal) => {
        match $field {
            ::core::option::Option::Some(value) => value,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(::serde::de::Error::missing_field($json));
            }
        }
    };
    (@value patch $field:ident $json:literal) => {
        match $field {
            ::core::option::Option::Some(value) => value,
            ::core::option::Option::None => $crate::runtime::model::Patch::Absent,
        }
    };
    (@value $presence:ident $field:ident $json:literal) => {
        match $field {
            ::core::option::Option::Some(value) => value,
            ::core::option::Option::None => ::core::option::Option::None,
        }
    };
}

/// Deserializes an open enum from a string without allocating for known values
/// (the generated `From<&str>` maps unknown values to the catch-all arm).
pub fn deserialize_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct StrVisitor<T>(std::marker::PhantomData<T>);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for StrVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::Value;

    #[test]
    fn patch_serializes_three_states() {
        #[derive(Serialize)]
        struct Update {
            #[serde(default, skip_serializing_if = "Patch::is_absent")]
            name: Patch<String>,
            #[serde(default, skip_serializing_if = "Patch::is_absent")]
            email: Patch<String>,
            #[serde(default, skip_serializing_if = "Patch::is_absent")]
            note: Patch<String>,
        }
        let update = Update { name: Patch::Value("x".into()), email: Patch::Null, note: Patch::Absent };
        assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"name":"x","email":null}"#);
        let only_name = Update { name: "y".to_owned().into(), email: Patch::Absent, note: Patch::default() };
        assert_eq!(serde_json::to_string(&only_name).unwrap(), r#"{"name":"y"}"#);
    }

    #[test]
    fn patch_deserializes_null_and_value() {
        assert_eq!(serde_json::from_str::<Patch<i64>>("null").unwrap(), Patch::Null);
        assert_eq!(serde_json::from_str::<Patch<i64>>("3").unwrap(), Patch::Value(3));
    }

    #[derive(Debug, PartialEq)]
    struct Sample {
        id: u32,
        r#type: Option<String>,
        note: Patch<String>,
        tags: Option<Vec<String>>,
        gone: Option<bool>,
    }

    crate::serde_struct!(Sample tag "object" = "sample" {
        id: "id" required,
        r#type: "kind" optional,
        note: "note" patch,
        tags: "tags" optional,
        gone: "gone" nullable,
    });

    #[test]
    fn struct_macro_fills_renamed_optional_and_patch_fields() {
        let full: Sample = serde_json::from_str(
            r#"{"kind":"a","id":1,"x":{"nested":[1]},"note":null,"tags":["t"],"gone":true,"object":"sample"}"#,
        )
        .unwrap();
        assert_eq!(
            full,
            Sample {
                id: 1,
                r#type: Some("a".into()),
                note: Patch::Null,
                tags: Some(vec!["t".into()]),
                gone: Some(true)
            }
        );
        let bare: Sample = serde_json::from_str(r#"{"id":2}"#).unwrap();
        assert_eq!(bare, Sample { id: 2, r#type: None, note: Patch::Absent, tags: None, gone: None });
        // Output: the tag first, then the fields in order; optional and absent fields
        // left out, nullable ones written as null.
        assert_eq!(
            serde_json::to_string(&full).unwrap(),
            r#"{"object":"sample","id":1,"kind":"a","note":null,"tags":["t"],"gone":true}"#
        );
        assert_eq!(serde_json::to_string(&bare).unwrap(), r#"{"object":"sample","id":2,"gone":null}"#);
        assert_eq!(serde_json::to_value(&bare).unwrap().as_object().map(|o| o.len()), Some(3));
        // Keys with escapes arrive as owned strings; readers never lend their input.
        let escaped: Sample = serde_json::from_reader(&br#"{"\u0069d":3,"note":"n"}"#[..]).unwrap();
        assert_eq!((escaped.id, escaped.note), (3, Patch::Value("n".into())));
        let from_value: Sample = serde_json::from_value(serde_json::json!({"id": 4})).unwrap();
        assert_eq!(from_value.id, 4);
    }

    #[derive(Debug, PartialEq)]
    struct Stamped {
        at: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    }

    crate::serde_struct!(Stamped {
        at: "at" required via crate::runtime::model::Rfc3339,
        until: "until" optional via crate::runtime::model::OptionalRfc3339,
    });

    #[test]
    fn date_times_decode_like_chrono() {
        let chrono = |text: &str| serde_json::from_value::<DateTime<Utc>>(Value::from(text));
        for text in
            ["2025-01-02T03:04:05Z", "2025-01-02T03:04:05.123456+02:00", "2025-01-02 03:04:05Z", "2025-01-02T03:04:05"]
        {
            let ours = Rfc3339::parse(text).map_err(|e| e.to_string());
            assert_eq!(ours, chrono(text).map_err(|e| e.to_string()), "{text}");
        }
        let both: Stamped =
            serde_json::from_str(r#"{"until":"2025-01-02T00:00:00-01:00","at":"2025-01-02T03:04:05Z"}"#).unwrap();
        assert_eq!(both.at, chrono("2025-01-02T03:04:05Z").unwrap());
        assert_eq!(both.until, Some(chrono("2025-01-02T01:00:00Z").unwrap()));
        let null: Stamped =
            serde_json::from_value(serde_json::json!({"at": "2025-01-02T03:04:05Z", "until": null})).unwrap();
        assert_eq!(null.until, None);
        let absent: Stamped = serde_json::from_reader(&br#"{"at":"2025-01-02T03:04:05Z"}"#[..]).unwrap();
        assert_eq!(absent.until, None);
        let bad = serde_json::from_str::<Stamped>(r#"{"at":"yesterday"}"#).unwrap_err().to_string();
        assert_eq!(bad, format!("{} at line 1 column 17", chrono("yesterday").unwrap_err()));
        let wrong = serde_json::from_str::<Stamped>(r#"{"at":"2025-01-02T03:04:05Z","at":"2025-01-02T03:04:05Z"}"#);
        assert!(wrong.unwrap_err().to_string().starts_with("duplicate field `at`"));
        assert!(serde_json::from_str::<Stamped>(r#"{"at":5}"#)
            .unwrap_err()
            .to_string()
            .contains("expected a formatted date and time string"));
    }

    #[derive(Debug, PartialEq)]
    struct Nothing {}

    crate::serde_struct!(Nothing {});

    /// An object without properties: `{}` out, any object in (unknown keys skipped).
    #[test]
    fn struct_macro_without_fields() {
        assert_eq!(serde_json::to_string(&Nothing {}).unwrap(), "{}");
        assert_eq!(serde_json::from_str::<Nothing>(r#"{"a":[1,{"b":null}],"c":"d"}"#).unwrap(), Nothing {});
        assert_eq!(serde_json::from_value::<Nothing>(serde_json::json!({})).unwrap(), Nothing {});
        assert!(serde_json::from_str::<Nothing>("[]").unwrap_err().to_string().contains("struct Nothing"));
    }

    #[test]
    fn struct_macro_reports_missing_duplicate_and_mistyped_fields() {
        let err = |json: &str| serde_json::from_str::<Sample>(json).unwrap_err().to_string();
        assert!(err(r#"{"kind":"a"}"#).starts_with("missing field `id`"), "{}", err(r#"{"kind":"a"}"#));
        assert!(err(r#"{"id":1,"id":2}"#).starts_with("duplicate field `id`"));
        assert!(err(r#"{"id":"1"}"#).starts_with("invalid type: string \"1\", expected u32"));
        assert!(err("[1]").starts_with("invalid type: sequence, expected struct Sample"));
    }
}
