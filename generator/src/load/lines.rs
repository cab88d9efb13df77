//! The pointer → line index: the 1-based line of the node a JSON pointer names, found by
//! scanning the original text (a small JSON scanner, and an indentation walk for
//! block-style YAML), so errors and warnings can point at the spec.

use super::{Document, Format};

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
