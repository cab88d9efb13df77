//! Support for the generated models: three-state PATCH fields and the small serde
//! helpers that open enums and unions share (kept here so each generated type stays thin).

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

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

/// Reads the value of field `name` into its empty `slot`; a field that appears twice
/// is an error, as with serde's derive.
///
/// # Errors
///
/// The value's decode error, or a duplicate field.
pub fn set_field<'de, A, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a field the struct does not know.
///
/// # Errors
///
/// Only malformed input.
pub fn skip_field<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// The value of a required field, or the "missing field" error.
///
/// # Errors
///
/// When the field was not in the input.
pub fn required_field<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// `Deserialize` for a generated struct without flattened fields: one `visit_map`
/// that matches keys by name, skips unknown ones and fills the fields, about a quarter
/// of what serde's derive expands to (the derive also accepts sequences and numeric
/// field indices, which JSON never uses, and compiles a key enum per struct).
///
/// Each field is `rust_name: "json_name" required` or `... optional`; an optional
/// field that is missing gets its type's default (`None`, `Patch::Absent`). A
/// struct's `tag` key is skipped like any unknown key, as with the derive.
///
/// Exported (hidden) so that it is always "used", even in a crate without such structs;
/// generated code calls it as `crate::deserialize_struct!`.
#[doc(hidden)]
#[macro_export]
macro_rules! deserialize_struct {
    ($name:ident { $($field:ident: $json:literal $presence:ident,)* }) => {
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
                                $($json => $crate::runtime::model::set_field(&mut map, &mut $field, $json)?,)*
                                _ => $crate::runtime::model::skip_field(&mut map)?,
                            }
                        }
                        ::core::result::Result::Ok($name {
                            $($field: $crate::deserialize_struct!(@value $presence $field $json),)*
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    (@value required $field:ident $json:literal) => {
        $crate::runtime::model::required_field($field, $json)?
    };
    (@value optional $field:ident $json:literal) => {
        $field.unwrap_or_default()
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

/// The string value of `tag` in a JSON object, if any (unions dispatch on it).
pub fn tag_of<'v>(value: &'v serde_json::Value, tag: &str) -> Option<&'v str> {
    value.get(tag)?.as_str()
}

/// Decodes one arm of a union from buffered JSON, keeping the path of what failed.
pub fn from_value<T: DeserializeOwned, E: de::Error>(value: serde_json::Value) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            E::custom(e.into_inner())
        } else {
            E::custom(format_args!("at `{path}`: {}", e.into_inner()))
        }
    })
}

/// Tries one arm of an untagged union against buffered JSON.
pub fn try_from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Whether `value` holds every `(path, string)` pair: untagged unions check the `const`
/// properties an arm fixes (serde's struct `tag` is written but not checked on input)
/// before trying the arm, so a grant of one benefit type never decodes as another.
pub fn has_consts(value: &serde_json::Value, consts: &[(&[&str], &str)]) -> bool {
    consts.iter().all(|(path, expected)| {
        let mut node = value;
        for key in *path {
            match node.get(key) {
                Some(next) => node = next,
                None => return false,
            }
        }
        node.as_str() == Some(*expected)
    })
}

/// Joins the paths that union arms put in front of their messages (`` at `a.b`: ... ``,
/// see [`from_value`]) to the path where decoding stopped outside the union, giving the
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

#[cfg(test)]
mod tests {
    use super::*;

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
        tags: Vec<String>,
    }

    crate::deserialize_struct!(Sample {
        id: "id" required,
        r#type: "kind" optional,
        note: "note" optional,
        tags: "tags" optional,
    });

    #[test]
    fn struct_macro_fills_renamed_optional_and_patch_fields() {
        let full: Sample = serde_json::from_str(r#"{"kind":"a","id":1,"x":{"nested":[1]},"note":null,"tags":["t"]}"#).unwrap();
        assert_eq!(
            full,
            Sample { id: 1, r#type: Some("a".into()), note: Patch::Null, tags: vec!["t".into()] }
        );
        let bare: Sample = serde_json::from_str(r#"{"id":2}"#).unwrap();
        assert_eq!(bare, Sample { id: 2, r#type: None, note: Patch::Absent, tags: Vec::new() });
        // Keys with escapes arrive as owned strings; readers never lend their input.
        let escaped: Sample = serde_json::from_reader(&br#"{"\u0069d":3,"note":"n"}"#[..]).unwrap();
        assert_eq!((escaped.id, escaped.note), (3, Patch::Value("n".into())));
        let from_value: Sample = serde_json::from_value(serde_json::json!({"id": 4})).unwrap();
        assert_eq!(from_value.id, 4);
    }

    #[test]
    fn struct_macro_reports_missing_duplicate_and_mistyped_fields() {
        let err = |json: &str| serde_json::from_str::<Sample>(json).unwrap_err().to_string();
        assert!(err(r#"{"kind":"a"}"#).starts_with("missing field `id`"), "{}", err(r#"{"kind":"a"}"#));
        assert!(err(r#"{"id":1,"id":2}"#).starts_with("duplicate field `id`"));
        assert!(err(r#"{"id":"1"}"#).starts_with("invalid type: string \"1\", expected u32"));
        assert!(err("[1]").starts_with("invalid type: sequence, expected struct Sample"));
    }

    #[test]
    fn consts_are_checked_along_paths() {
        let grant = serde_json::json!({"benefit": {"type": "custom"}, "kind": "grant"});
        assert!(has_consts(&grant, &[(&["benefit", "type"], "custom"), (&["kind"], "grant")]));
        assert!(!has_consts(&grant, &[(&["benefit", "type"], "discord")]));
        assert!(!has_consts(&grant, &[(&["missing"], "x")]));
        assert!(has_consts(&grant, &[]));
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
