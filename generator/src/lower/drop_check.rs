//! The drop check without building the round trip: a serializer that walks the model's
//! output alongside the lowered JSON and records which keys the model wrote.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::ser::{self, Serialize};
use serde_json::{Map, Value};

use super::shape::push_token;
use crate::error::Warning;

fn is_default(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

#[derive(Debug)]
pub struct Never(String);

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Never(msg.to_string())
    }
}

pub struct Ctx<'b> {
    pub pointer: &'b mut String,
    pub out: &'b mut BTreeSet<Warning>,
}

/// Serializes `model` and reports every key of `lowered` it does not write.
pub fn check<T: Serialize + ?Sized>(
    model: &T,
    lowered: &Value,
    pointer: &mut String,
    out: &mut BTreeSet<Warning>,
) -> Result<(), Never> {
    let mut ctx = Ctx { pointer, out };
    model.serialize(Node { expected: lowered, ctx: &mut ctx })
}

/// The serializer for one node whose lowered counterpart is `expected`.
pub struct Node<'a, 'c, 'b> {
    expected: &'a Value,
    ctx: &'c mut Ctx<'b>,
}

pub struct Object<'a, 'c, 'b> {
    expected: Option<&'a Map<String, Value>>,
    seen: Vec<&'a str>,
    /// The lowered key/value of the map entry whose key was just serialized.
    pending: Option<(&'a str, &'a Value)>,
    ctx: &'c mut Ctx<'b>,
}

impl<'a, 'c, 'b> Object<'a, 'c, 'b> {
    fn new(expected: &'a Value, ctx: &'c mut Ctx<'b>) -> Self {
        Object { expected: expected.as_object(), seen: Vec::new(), pending: None, ctx }
    }

    fn lookup(&self, key: &str) -> Option<(&'a str, &'a Value)> {
        let map = self.expected?;
        if let Some((k, v)) = map.get_key_value(key) {
            return Some((k.as_str(), v));
        }
        // Status-code ranges come back upper-cased (`2xx` → `2XX`).
        if key.len() == 3 {
            return map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(k, v)| (k.as_str(), v));
        }
        None
    }

    fn entry<T: Serialize + ?Sized>(&mut self, found: Option<(&'a str, &'a Value)>, value: &T) -> Result<(), Never> {
        let Some((key, expected)) = found else { return Ok(()) };
        self.seen.push(key);
        if expected.is_object() || expected.is_array() {
            let len = self.ctx.pointer.len();
            self.ctx.pointer.push('/');
            push_token(self.ctx.pointer, key);
            let r = value.serialize(Node { expected, ctx: self.ctx });
            self.ctx.pointer.truncate(len);
            r?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), Never> {
        let Some(map) = self.expected else { return Ok(()) };
        if self.seen.len() >= map.len() {
            return Ok(());
        }
        let seen: std::collections::HashSet<&str> = self.seen.iter().copied().collect();
        for (k, v) in map {
            if seen.contains(k.as_str()) || is_default(v) {
                continue;
            }
            let len = self.ctx.pointer.len();
            self.ctx.pointer.push('/');
            push_token(self.ctx.pointer, k);
            self.ctx.out.insert(Warning {
                pointer: self.ctx.pointer.clone(),
                message: format!("dropped: the OpenAPI 3.0 model has no place for `{k}`"),
            });
            self.ctx.pointer.truncate(len);
        }
        Ok(())
    }
}

pub struct Seq<'a, 'c, 'b> {
    expected: Option<&'a Vec<Value>>,
    index: usize,
    ctx: &'c mut Ctx<'b>,
}

impl<'a, 'c, 'b> Seq<'a, 'c, 'b> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        let i = self.index;
        self.index += 1;
        let Some(expected) = self.expected.and_then(|items| items.get(i)) else { return Ok(()) };
        if expected.is_object() || expected.is_array() {
            let len = self.ctx.pointer.len();
            let _ = write!(self.ctx.pointer, "/{i}");
            let r = value.serialize(Node { expected, ctx: self.ctx });
            self.ctx.pointer.truncate(len);
            r?;
        }
        Ok(())
    }
}

/// Captures a map key as the lowered key it corresponds to.
struct KeyLookup<'o, 'a, 'c, 'b>(&'o Object<'a, 'c, 'b>);

macro_rules! key_via_string {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<Self::Ok, Never> {
            Ok(self.0.lookup(&v.to_string()))
        })*
    };
}

impl<'o, 'a, 'c, 'b> ser::Serializer for KeyLookup<'o, 'a, 'c, 'b> {
    type Ok = Option<(&'a str, &'a Value)>;
    type Error = Never;
    type SerializeSeq = ser::Impossible<Self::Ok, Never>;
    type SerializeTuple = ser::Impossible<Self::Ok, Never>;
    type SerializeTupleStruct = ser::Impossible<Self::Ok, Never>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, Never>;
    type SerializeMap = ser::Impossible<Self::Ok, Never>;
    type SerializeStruct = ser::Impossible<Self::Ok, Never>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, Never>;

    fn serialize_str(self, v: &str) -> Result<Self::Ok, Never> {
        Ok(self.0.lookup(v))
    }
    key_via_string!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_f32: f32, serialize_f64: f64, serialize_char: char);
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Never> {
        Ok(None)
    }
    fn serialize_none(self) -> Result<Self::Ok, Never> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Self::Ok, Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Never> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Never> {
        Ok(None)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Self::Ok, Never> {
        Ok(self.0.lookup(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<Self::Ok, Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Never> {
        Ok(None)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Never> {
        Err(Never("map key is a sequence".into()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Never> {
        Err(Never("map key is a tuple".into()))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Never> {
        Err(Never("map key is a tuple".into()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Never> {
        Err(Never("map key is a tuple".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
        Err(Never("map key is a map".into()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Never> {
        Err(Never("map key is a struct".into()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Never> {
        Err(Never("map key is a struct".into()))
    }
}

impl<'a, 'c, 'b> ser::Serializer for Node<'a, 'c, 'b> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Seq<'a, 'c, 'b>;
    type SerializeTuple = Seq<'a, 'c, 'b>;
    type SerializeTupleStruct = Seq<'a, 'c, 'b>;
    type SerializeTupleVariant = Seq<'a, 'c, 'b>;
    type SerializeMap = Object<'a, 'c, 'b>;
    type SerializeStruct = Object<'a, 'c, 'b>;
    type SerializeStructVariant = Object<'a, 'c, 'b>;

    fn serialize_bool(self, _: bool) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        // `{variant: value}`, as serde_json writes it.
        let mut object = Object::new(self.expected, self.ctx);
        let found = object.lookup(variant);
        object.entry(found, v)?;
        object.finish()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Never> {
        Ok(Seq { expected: self.expected.as_array(), index: 0, ctx: self.ctx })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Never> {
        let expected = self.expected.get(variant).and_then(Value::as_array);
        Ok(Seq { expected, index: 0, ctx: self.ctx })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
        Ok(Object::new(self.expected, self.ctx))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Never> {
        Ok(Object::new(self.expected, self.ctx))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Never> {
        // Only compared one level down; openapiv3 has no such variants outside
        // flattened positions.
        let expected = self.expected.get(variant).unwrap_or(&Value::Null);
        Ok(Object::new(expected, self.ctx))
    }
}

impl ser::SerializeSeq for Seq<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
        self.element(v)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeTuple for Seq<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
        self.element(v)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Seq<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
        self.element(v)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Seq<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
        self.element(v)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        // `None` for a key the lowered JSON lacks (a default the model adds).
        self.pending = key.serialize(KeyLookup(self))?;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        let found = self.pending.take();
        self.entry(found, value)
    }
    fn end(self) -> Result<(), Never> {
        self.finish()
    }
}

impl ser::SerializeStruct for Object<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
        let found = self.lookup(key);
        self.entry(found, value)
    }
    fn end(self) -> Result<(), Never> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Object<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
        let found = self.lookup(key);
        self.entry(found, value)
    }
    fn end(self) -> Result<(), Never> {
        self.finish()
    }
}
