//! YAML → JSON: reading a YAML document with serde_yaml (integers beyond 64 bits as f64,
//! duplicate keys refused and placed on their second occurrence, merge keys applied, tags
//! dropped) and converting it to a JSON value, refusing what JSON cannot represent.

use serde_json::{Map, Number, Value};

use super::{nearest_line, Document, Format};
use crate::error::SpecError;

/// The line of the second `key:` for serde_yaml's "duplicate entry with key" errors.
fn duplicate_key_line(text: &str, message: &str) -> Option<usize> {
    let key = message.split("duplicate entry with key \"").nth(1)?.split('"').next()?;
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let unquoted = trimmed.strip_prefix(key).or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")));
        if unquoted.is_some_and(|rest| rest.trim_start().starts_with(':')) {
            seen += 1;
            if seen == 2 {
                return Some(i + 1);
            }
        }
    }
    None
}

pub(super) fn parse_yaml(file: &str, text: &str) -> Result<Value, SpecError> {
    let yaml_error = |e: serde_yaml::Error| {
        let message = e.to_string();
        // serde_yaml places a duplicate key at the start of its mapping; point at the
        // second occurrence of the key instead.
        let line = duplicate_key_line(text, &message).or_else(|| e.location().map(|l| l.line()));
        SpecError::new(file, "", format!("malformed YAML: {message}"))
            .with_line(line)
            .with_hint("fix the YAML syntax (check indentation, quoting and unclosed brackets)")
    };
    let YamlValue(mut yaml) = serde_yaml::from_str(text).map_err(yaml_error)?;
    yaml.apply_merge().map_err(yaml_error)?;
    let mut pointer = String::new();
    yaml_to_json(yaml, &mut pointer).map_err(|(pointer, message)| {
        let err = SpecError::new(file, pointer, message).with_hint("OpenAPI documents must be representable as JSON");
        let line = {
            let probe = Document {
                file: file.to_string(),
                format: Format::Yaml,
                text: text.to_string(),
                value: Value::Null,
                sha256: String::new(),
            };
            nearest_line(&probe, &err.pointer)
        };
        err.with_line(line)
    })
}

/// A YAML document as `serde_yaml::Value`, read with a visitor of our own: serde_yaml hands
/// integers outside i64/u64 (`minimum: -9223372036854776000`, i64::MIN printed as a double)
/// to `visit_i128`/`visit_u128`, which its own `Value` refuses; here they become f64, as
/// JSON parsers read them. Tags are dropped (JSON has none); duplicate keys are refused
/// with serde_yaml's wording (see [`duplicate_key_line`]).
struct YamlValue(serde_yaml::Value);

impl<'de> serde::Deserialize<'de> for YamlValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(YamlValue)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(i.into()))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(u.into()))
    }
    fn visit_i128<E>(self, i: i128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((i as f64).into()))
    }
    fn visit_u128<E>(self, u: u128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((u as f64).into()))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(f.into()))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(YamlVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_yaml::Value::Sequence(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error as _;
        use serde_yaml::Value as Y;
        let mut mapping = serde_yaml::Mapping::new();
        while let Some(YamlValue(key)) = map.next_key()? {
            if mapping.contains_key(&key) {
                let which = match &key {
                    Y::Null => "with null key".to_owned(),
                    Y::Bool(b) => format!("with key `{b}`"),
                    Y::Number(n) => format!("with key {n}"),
                    Y::String(s) => format!("with key {s:?}"),
                    Y::Sequence(_) | Y::Mapping(_) | Y::Tagged(_) => "in YAML map".to_owned(),
                };
                return Err(A::Error::custom(format!("duplicate entry {which}")));
            }
            let YamlValue(value) = map.next_value()?;
            mapping.insert(key, value);
        }
        Ok(Y::Mapping(mapping))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess as _;
        // `!tag value`: the value.
        let (_tag, contents): (String, _) = data.variant()?;
        contents.newtype_variant::<YamlValue>().map(|v| v.0)
    }
}

/// Converts a YAML value into JSON. Errors carry the pointer of the offending node.
fn yaml_to_json(value: serde_yaml::Value, pointer: &mut String) -> Result<Value, (String, String)> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => {
                        return Err((
                            pointer.clone(),
                            format!("the number `{f}` (NaN or infinity) cannot be represented in JSON"),
                        ))
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                out.push(yaml_to_json(item, pointer)?);
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = Map::with_capacity(mapping.len());
            for (k, v) in mapping {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    Y::Tagged(t) => match t.value {
                        Y::String(s) => s,
                        Y::Number(n) => n.to_string(),
                        Y::Bool(b) => b.to_string(),
                        _ => return Err((pointer.clone(), "a mapping key is not a scalar".to_string())),
                    },
                    Y::Sequence(_) | Y::Mapping(_) => {
                        return Err((
                            pointer.clone(),
                            "a mapping key is a sequence or mapping, which JSON cannot represent".to_string(),
                        ))
                    }
                };
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::error::escape_pointer_token(&key));
                let v = yaml_to_json(v, pointer)?;
                pointer.truncate(len);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}
