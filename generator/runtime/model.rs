//! Support for the generated models: three-state PATCH fields and the small serde
//! helpers that open enums and unions share (kept here so each generated type stays thin).

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
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
