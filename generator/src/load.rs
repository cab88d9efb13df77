//! Stage 1: turn the bytes of a spec file into a JSON value.
//!
//! [`parse`] accepts JSON or YAML, checks that the text is an OpenAPI 3.0.x or 3.1.x
//! document and keeps the original text around so that later stages can point at a line
//! ([`line_of`]) when they refuse something.

use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};

use crate::error::SpecError;

/// The syntax a spec was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Yaml,
}

/// A parsed spec file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The display name the caller gave (used in every error and warning).
    pub file: String,
    pub format: Format,
    /// The text of the file (a leading byte-order mark removed).
    pub text: String,
    /// The document as JSON. YAML is converted: non-string keys become strings, merge
    /// keys (`<<`) are applied, tags are dropped.
    pub value: Value,
    /// Lowercase hex SHA-256 of the raw bytes.
    pub sha256: String,
}

impl Document {
    /// The `openapi` version string (present and supported, or `parse` would have failed).
    pub fn openapi_version(&self) -> &str {
        self.value.get("openapi").and_then(Value::as_str).unwrap_or("")
    }

    /// True for a 3.1.x document.
    pub fn is_3_1(&self) -> bool {
        self.openapi_version().starts_with("3.1")
    }
}

const SWAGGER_HINT: &str = "convert it to OpenAPI 3 first, e.g. `npx swagger2openapi spec.json -o openapi.json`";

/// Parses bytes as JSON or YAML (by extension .json/.yaml/.yml, else sniff: first
/// non-space char '{' => JSON).
///
/// Refuses non-UTF-8, empty input, malformed JSON/YAML (with the line the parser
/// reported), a root that is not an object, Swagger 2.0, a missing `openapi` field and
/// versions other than 3.0.x / 3.1.x.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Document, SpecError> {
    let sha256 = hex(&Sha256::digest(bytes));

    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(SpecError::new(file, "", format!("the file is not valid UTF-8 (invalid byte at offset {at})"))
                .with_line(Some(line))
                .with_hint("OpenAPI documents must be UTF-8 encoded; re-save the file as UTF-8"));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    if text.trim().is_empty() {
        return Err(SpecError::new(file, "", "the file is empty")
            .with_hint("pass an OpenAPI 3.0 or 3.1 document (JSON or YAML)"));
    }

    let format = detect_format(file, text);
    let value = match format {
        Format::Json => parse_json(file, text)?,
        Format::Yaml => parse_yaml(file, text)?,
    };

    let doc = Document { file: file.to_string(), format, text: text.to_string(), value, sha256 };
    check_header(&doc)?;
    Ok(doc)
}

fn detect_format(file: &str, text: &str) -> Format {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".json") {
        Format::Json
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Format::Yaml
    } else if text.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    }
}

fn parse_json(file: &str, text: &str) -> Result<Value, SpecError> {
    serde_json::from_str::<Value>(text).map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; the line goes into its own field.
        let message = match full.rfind(" at line ") {
            Some(i) if e.line() > 0 => full[..i].to_string(),
            _ => full,
        };
        let line = if e.line() > 0 { Some(e.line()) } else { None };
        let column = if e.line() > 0 { format!(" (column {})", e.column()) } else { String::new() };
        SpecError::new(file, "", format!("malformed JSON: {message}{column}"))
            .with_line(line)
            .with_hint("fix the JSON syntax; a validator such as `jq . file.json` shows the same position")
    })
}

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

fn parse_yaml(file: &str, text: &str) -> Result<Value, SpecError> {
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

fn check_header(doc: &Document) -> Result<(), SpecError> {
    let err = |pointer: &str, message: String, hint: &str| {
        SpecError::new(&doc.file, pointer, message).with_hint(hint).with_line(nearest_line(doc, pointer))
    };
    let root = match &doc.value {
        Value::Object(map) => map,
        other => {
            return Err(err(
                "",
                format!("the document root is {}, not an object", json_kind(other)),
                "an OpenAPI document is an object starting with e.g. `openapi: 3.1.0`",
            ))
        }
    };
    if let Some(swagger) = root.get("swagger") {
        let version = swagger.as_str().map(str::to_string).unwrap_or_else(|| swagger.to_string());
        return Err(err(
            "/swagger",
            format!("this is a Swagger {version} document; only OpenAPI 3.0.x and 3.1.x are supported"),
            SWAGGER_HINT,
        ));
    }
    let Some(version) = root.get("openapi") else {
        return Err(err(
            "",
            "the `openapi` field is missing, so this is not an OpenAPI document".to_string(),
            "an OpenAPI 3 document starts with e.g. `openapi: 3.1.0`",
        ));
    };
    let Some(version) = version.as_str() else {
        return Err(err(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.1.0\", found {}", json_kind(version)),
            "quote the version: `openapi: \"3.1.0\"` (in YAML an unquoted 3.1 is a number)",
        ));
    };
    if !is_supported_version(version) {
        return Err(err(
            "/openapi",
            format!("unsupported OpenAPI version `{version}`; only 3.0.x and 3.1.x are supported"),
            if version.starts_with('2') { SWAGGER_HINT } else { "use an OpenAPI 3.0.x or 3.1.x document" },
        ));
    }
    Ok(())
}

/// `3.0.N` or `3.1.N`, optionally followed by a pre-release/build suffix (`3.0.0-rc2`).
fn is_supported_version(version: &str) -> bool {
    let rest = match version.strip_prefix("3.0.").or_else(|| version.strip_prefix("3.1.")) {
        Some(rest) => rest,
        None => return false,
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(rest.as_bytes().get(digits), None | Some(b'-') | Some(b'+'))
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Splits an RFC 6901 pointer into unescaped tokens. `None` if it is not a pointer.
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// Best-effort 1-based line of the node at `pointer` in the document's text (for an
/// object member, the line of its key; for an array item, the line where it starts).
/// `None` if not found. Never panics.
pub fn line_of(doc: &Document, pointer: &str) -> Option<usize> {
    let tokens = pointer_tokens(pointer)?;
    let text = doc.text.as_str();
    if doc.format == Format::Json || text.trim_start().starts_with('{') || text.trim_start().starts_with('[') {
        json::line_of(text, &tokens).or_else(|| match doc.format {
            Format::Yaml => yaml::line_of(text, &tokens),
            Format::Json => None,
        })
    } else {
        yaml::line_of(text, &tokens)
    }
}

/// Like [`line_of`], but falls back to the nearest ancestor that can be found.
pub fn nearest_line(doc: &Document, pointer: &str) -> Option<usize> {
    let mut p = pointer;
    loop {
        if let Some(line) = line_of(doc, p) {
            return Some(line);
        }
        if p.is_empty() {
            return None;
        }
        p = match p.rfind('/') {
            Some(i) => &p[..i],
            None => "",
        };
    }
}

mod json {
    //! A tiny JSON scanner that follows a pointer through the text, counting lines.

    struct Scanner<'a> {
        b: &'a [u8],
        i: usize,
        line: usize,
    }

    impl<'a> Scanner<'a> {
        fn peek(&self) -> Option<u8> {
            self.b.get(self.i).copied()
        }

        fn skip_ws(&mut self) {
            while let Some(c) = self.peek() {
                match c {
                    b'\n' => self.line += 1,
                    b' ' | b'\t' | b'\r' => {}
                    _ => return,
                }
                self.i += 1;
            }
        }

        /// Reads a string starting at `"`, returning its decoded contents.
        fn read_string(&mut self) -> Option<String> {
            if self.peek() != Some(b'"') {
                return None;
            }
            self.i += 1;
            let mut out: Vec<u8> = Vec::new();
            loop {
                let c = self.peek()?;
                self.i += 1;
                match c {
                    b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                    b'\n' => {
                        self.line += 1;
                        out.push(c);
                    }
                    b'\\' => {
                        let e = self.peek()?;
                        self.i += 1;
                        match e {
                            b'n' => out.push(b'\n'),
                            b't' => out.push(b'\t'),
                            b'r' => out.push(b'\r'),
                            b'b' => out.push(8),
                            b'f' => out.push(12),
                            b'u' => {
                                let mut cp = self.hex4()?;
                                if (0xD800..0xDC00).contains(&cp)
                                    && self.b.get(self.i) == Some(&b'\\')
                                    && self.b.get(self.i + 1) == Some(&b'u')
                                {
                                    let save = self.i;
                                    self.i += 2;
                                    match self.hex4() {
                                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                        }
                                        _ => self.i = save,
                                    }
                                }
                                let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                                let mut buf = [0u8; 4];
                                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            }
                            other => out.push(other),
                        }
                    }
                    _ => out.push(c),
                }
            }
        }

        fn hex4(&mut self) -> Option<u32> {
            let digits = self.b.get(self.i..self.i + 4)?;
            let s = std::str::from_utf8(digits).ok()?;
            let v = u32::from_str_radix(s, 16).ok()?;
            self.i += 4;
            Some(v)
        }

        /// Skips one value (iteratively, so deep nesting cannot overflow the stack).
        fn skip_value(&mut self) -> Option<()> {
            let mut depth: usize = 0;
            loop {
                self.skip_ws();
                match self.peek()? {
                    b'"' => {
                        self.skip_string()?;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        self.i += 1;
                        continue;
                    }
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        self.i += 1;
                    }
                    b',' | b':' if depth > 0 => {
                        self.i += 1;
                        continue;
                    }
                    _ => {
                        let start = self.i;
                        while let Some(c) = self.peek() {
                            if matches!(c, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\r' | b'\n') {
                                break;
                            }
                            self.i += 1;
                        }
                        if self.i == start {
                            return None;
                        }
                    }
                }
                if depth == 0 {
                    return Some(());
                }
            }
        }

        fn skip_string(&mut self) -> Option<()> {
            self.i += 1; // opening quote
            loop {
                match self.peek()? {
                    b'"' => {
                        self.i += 1;
                        return Some(());
                    }
                    b'\\' => self.i += 2,
                    b'\n' => {
                        self.line += 1;
                        self.i += 1;
                    }
                    _ => self.i += 1,
                }
            }
        }
    }

    pub(super) fn line_of(text: &str, tokens: &[String]) -> Option<usize> {
        let mut s = Scanner { b: text.as_bytes(), i: 0, line: 1 };
        s.skip_ws();
        s.peek()?;
        let mut line = s.line;
        for token in tokens {
            s.skip_ws();
            match s.peek()? {
                b'{' => {
                    s.i += 1;
                    loop {
                        s.skip_ws();
                        if s.peek()? == b'}' {
                            return None;
                        }
                        let key_line = s.line;
                        let key = s.read_string()?;
                        s.skip_ws();
                        if s.peek()? != b':' {
                            return None;
                        }
                        s.i += 1;
                        s.skip_ws();
                        if &key == token {
                            line = key_line;
                            break;
                        }
                        s.skip_value()?;
                        s.skip_ws();
                        if s.peek()? != b',' {
                            return None;
                        }
                        s.i += 1;
                    }
                }
                b'[' => {
                    let index: usize = token.parse().ok()?;
                    s.i += 1;
                    let mut n = 0;
                    loop {
                        s.skip_ws();
                        if s.peek()? == b']' {
                            return None;
                        }
                        if n == index {
                            line = s.line;
                            break;
                        }
                        s.skip_value()?;
                        s.skip_ws();
                        if s.peek()? != b',' {
                            return None;
                        }
                        s.i += 1;
                        n += 1;
                    }
                }
                _ => return None,
            }
        }
        Some(line)
    }
}

mod yaml {
    //! Follows a pointer through block-style YAML by indentation. Flow collections
    //! (`{...}`, `[...]`) are not entered.

    struct Line<'a> {
        /// 1-based line number.
        no: usize,
        indent: usize,
        text: &'a str,
    }

    /// Where a node's content starts: line index and byte column.
    #[derive(Clone, Copy)]
    struct Cursor {
        idx: usize,
        col: usize,
    }

    fn significant_lines(text: &str) -> Vec<Line<'_>> {
        let mut out = Vec::new();
        for (i, raw) in text.split('\n').enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let indent = raw.bytes().take_while(|&b| b == b' ').count();
            let rest = &raw[indent..];
            if rest.trim().is_empty() || rest.starts_with('#') {
                continue;
            }
            if indent == 0
                && (rest == "---"
                    || rest.starts_with("--- ")
                    || rest == "..."
                    || rest.starts_with("... ")
                    || rest.starts_with('%'))
            {
                continue;
            }
            out.push(Line { no: i + 1, indent, text: raw });
        }
        out
    }

    /// The text of a node from its cursor column, with a trailing comment removed.
    fn segment<'a>(lines: &'a [Line<'a>], c: Cursor) -> &'a str {
        lines.get(c.idx).and_then(|l| l.text.get(c.col..)).unwrap_or("")
    }

    fn strip_comment(s: &str) -> &str {
        // A `#` starts a comment when preceded by whitespace (quotes are not tracked;
        // good enough for deciding whether a value is present).
        let b = s.as_bytes();
        for i in 0..b.len() {
            if b[i] == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t') {
                return s[..i].trim_end();
            }
        }
        s.trim_end()
    }

    fn is_seq_item(seg: &str) -> bool {
        seg == "-" || seg.starts_with("- ") || seg.starts_with("-\t")
    }

    /// Parses a mapping key at the start of `seg`; returns the key and the byte offset
    /// just past the `:`.
    fn parse_key(seg: &str) -> Option<(String, usize)> {
        let b = seg.as_bytes();
        match b.first()? {
            b'"' => {
                let mut key = String::new();
                let mut chars = seg.char_indices().skip(1);
                while let Some((i, c)) = chars.next() {
                    match c {
                        '"' => {
                            let rest = &seg[i + 1..];
                            let ws = rest.len() - rest.trim_start().len();
                            return rest.trim_start().starts_with(':').then(|| (key, i + 1 + ws + 1));
                        }
                        '\\' => match chars.next()?.1 {
                            'n' => key.push('\n'),
                            't' => key.push('\t'),
                            '/' => key.push('/'),
                            other => key.push(other),
                        },
                        c => key.push(c),
                    }
                }
                None
            }
            b'\'' => {
                let mut key = String::new();
                let mut i = 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            key.push('\'');
                            i += 2;
                            continue;
                        }
                        let rest = seg.get(i + 1..)?;
                        let ws = rest.len() - rest.trim_start().len();
                        return rest.trim_start().starts_with(':').then(|| (key, i + 1 + ws + 1));
                    }
                    let ch = seg.get(i..)?.chars().next()?;
                    key.push(ch);
                    i += ch.len_utf8();
                }
                None
            }
            b'{' | b'[' | b'?' => None,
            _ if is_seq_item(seg) => None,
            _ => {
                // Plain key: up to the first ": " (or a ':' ending the line).
                let mut i = 0;
                while i < b.len() {
                    if b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' ' || b[i + 1] == b'\t') {
                        return Some((seg[..i].trim_end().to_string(), i + 1));
                    }
                    if b[i] == b' ' && b.get(i + 1) == Some(&b'#') {
                        return None;
                    }
                    i += 1;
                }
                None
            }
        }
    }

    /// Where the value of an entry starts, given the line index and the byte offset in
    /// that line just past the `:` (or `-`). `owner_col` is the column of the key/dash.
    fn value_cursor(
        lines: &[Line],
        idx: usize,
        after: usize,
        owner_col: usize,
        allow_seq_at_same: bool,
    ) -> Option<Cursor> {
        let line = lines.get(idx)?;
        let rest = line.text.get(after..).unwrap_or("");
        let value = strip_comment(rest);
        let trimmed = value.trim_start();
        // Skip anchors and tags that precede the value.
        let mut v = trimmed;
        while v.starts_with('&') || v.starts_with('!') {
            match v.find(' ') {
                Some(i) => v = v[i..].trim_start(),
                None => {
                    v = "";
                    break;
                }
            }
        }
        if !v.is_empty() && !v.starts_with('|') && !v.starts_with('>') {
            let col = after + value.len() - v.len();
            return Some(Cursor { idx, col });
        }
        let next = lines.get(idx + 1)?;
        if next.indent > owner_col
            || (allow_seq_at_same && next.indent == owner_col && is_seq_item(&next.text[next.indent..]))
        {
            Some(Cursor { idx: idx + 1, col: next.indent })
        } else {
            None
        }
    }

    /// Finds `key` in the mapping whose content starts at `at`; returns the key's line
    /// index and the cursor of its value (if any).
    fn find_key(lines: &[Line], at: Cursor, key: &str) -> Option<(usize, Option<Cursor>)> {
        let mut idx = at.idx;
        let mut first = true;
        while idx < lines.len() {
            let seg = if first {
                segment(lines, at)
            } else {
                let line = &lines[idx];
                if line.indent < at.col {
                    return None;
                }
                if line.indent > at.col {
                    idx += 1;
                    continue;
                }
                &line.text[line.indent..]
            };
            first = false;
            if let Some((k, after)) = parse_key(seg) {
                if k == key {
                    let line_text = lines[idx].text;
                    let offset = line_text.len() - seg.len();
                    let value = value_cursor(lines, idx, offset + after, offset, true);
                    return Some((idx, value));
                }
            }
            idx += 1;
        }
        None
    }

    /// Finds item `index` of the block sequence whose first dash is at `at`.
    fn find_item(lines: &[Line], at: Cursor, index: usize) -> Option<(usize, Option<Cursor>)> {
        let mut idx = at.idx;
        let mut n = 0;
        let mut first = true;
        while idx < lines.len() {
            let seg = if first {
                segment(lines, at)
            } else {
                let line = &lines[idx];
                if line.indent < at.col {
                    return None;
                }
                if line.indent > at.col {
                    idx += 1;
                    continue;
                }
                &line.text[line.indent..]
            };
            first = false;
            if !is_seq_item(seg) {
                return None;
            }
            if n == index {
                let offset = lines[idx].text.len() - seg.len();
                let value = value_cursor(lines, idx, offset + 1, offset, false);
                return Some((idx, value));
            }
            n += 1;
            idx += 1;
        }
        None
    }

    pub(super) fn line_of(text: &str, tokens: &[String]) -> Option<usize> {
        let lines = significant_lines(text);
        let first = lines.first()?;
        let mut cursor = Some(Cursor { idx: 0, col: first.indent });
        let mut line_no = first.no;
        for token in tokens {
            let at = cursor?;
            let seg = segment(&lines, at);
            let (idx, next) = if is_seq_item(seg) {
                find_item(&lines, at, token.parse().ok()?)?
            } else {
                find_key(&lines, at, token)?
            };
            line_no = lines.get(idx)?.no;
            cursor = next;
        }
        Some(line_no)
    }
}
