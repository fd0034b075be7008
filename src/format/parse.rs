//! The format-string parser: CPython's struct grammar plus the PEP 3118 extensions.
//!
//! Grammar (one pass, left to right):
//!
//! ```text
//! format := ws* (prefix ws*)? (item ws*)*
//! item   := ('(' dims ')')? prefix? count? code (':' name ':')?
//! code   := a code of the table (format/table.rs): one of "xcbB?hHiIlLqQnNefdFDspP",
//!           'Zf', 'Zd'; or 'T{' format-body '}'
//! ```
//!
//! The prefix is sticky: it stays in force until the next prefix, across `T{...}` boundaries,
//! exactly as NumPy's PEP 3118 importer reads it. Placement follows `struct.calcsize` at the top
//! level (native alignment pads before an item, never at the end) and C struct layout inside a
//! `T{...}` that ends in native mode (trailing padding to the struct's alignment).

use super::code::{Code, Dialect, CODES_HELP};
use super::item::{Item, Mode};
use crate::error::{Error, Result};

/// The parsed layout of a format string.
pub(crate) struct Parsed {
    pub items: Vec<Item>,
    pub size: usize,
    pub align: usize,
}

/// Python's `isspace` for ASCII, which struct skips between items.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

const SHAPE_FIRST: &str = "a sub-array shape must come before the byte-order prefix, as in (2,3)<h";

struct Parser<'s> {
    text: &'s str,
    bytes: &'s [u8],
    pos: usize,
    mode: Mode,
    /// Where whitespace between items was first seen (struct syntax).
    space_at: Option<usize>,
    /// Where a PEP 3118 extension was first used.
    extension_at: Option<usize>,
    /// Where a code that only struct knows (`n N P p`) was first used.
    struct_only_at: Option<usize>,
    /// Exporter layout (see [`parse`]).
    exported: bool,
    /// How many `T{` are open around the current position.
    depth: usize,
}

/// The most `T{...}` structures that may nest inside one another. CPython's struct has no
/// nesting; NumPy's importer recurses once per level (Python's recursion limit, about 1000,
/// bounds it). ndview stops at a fixed depth so that parsing, unpacking and printing, which
/// recurse per level, stay within any thread's stack.
pub const MAX_NESTING: usize = 64;

/// Parses a whole format string.
///
/// `exported` selects the layout of strings that come with an exporter's itemsize (a
/// `Py_buffer`): exporters such as NumPy write every gap as `x`, never write trailing padding,
/// and mark an item `@` only where its offset from the start of the element is aligned. So in
/// that layout a `T{...}` adds no padding of its own, and native-mode items are aligned
/// relative to the element's start rather than to their structure's. Without nested
/// structures the two layouts are the same (struct's).
pub(crate) fn parse(text: &str, exported: bool) -> Result<Parsed> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        mode: Mode::Native,
        space_at: None,
        extension_at: None,
        struct_only_at: None,
        exported,
        depth: 0,
    };
    if let Some(nul) = p.bytes.iter().position(|&b| b == 0) {
        return Err(p.error_at(nul, "embedded null character; a format is NUL-free text"));
    }
    // struct's leading prefix: may stand alone ("<" is a valid, empty format).
    if let Some(mode) = p.bytes.first().and_then(|&c| Mode::from_char(c)) {
        p.mode = mode;
        p.pos = 1;
        if mode == Mode::NativeUnaligned {
            // '^' is PEP 3118's, and NumPy wants an item after it.
            p.extension_at = Some(0);
            if p.peek().is_none() {
                return Err(p.error("a byte-order prefix must be followed by an item"));
            }
        }
        p.skip_space();
        match p.peek() {
            Some(c) if Mode::from_char(c).is_some() => {
                return Err(p.error("a second byte-order prefix; give one prefix per item"))
            }
            Some(b'(') => return Err(p.error(SHAPE_FIRST)),
            _ => {}
        }
    }
    let parsed = p.sequence(None, 0)?;
    // A format is struct's or NumPy's PEP 3118 importer's: whitespace and the codes `n N P p`
    // are struct's alone, the extensions NumPy's alone.
    if let (Some(code), Some(ext)) = (p.struct_only_at, p.extension_at) {
        return Err(p.error_at(
            code,
            format!(
                "'{}' is a struct code that PEP 3118 importers (NumPy) do not read, so it \
                 cannot be mixed with PEP 3118 extensions (one at position {}); use q, Q or s",
                p.text[code..].chars().next().unwrap_or('?'),
                p.char_pos(ext)
            ),
        ));
    }
    if let (Some(space), Some(ext)) = (p.space_at, p.extension_at) {
        return Err(p.error_at(
            space,
            format!(
                "whitespace (struct syntax) cannot be mixed with PEP 3118 extensions (one at \
                 position {}); remove the whitespace",
                p.char_pos(ext)
            ),
        ));
    }
    Ok(parsed)
}

impl<'s> Parser<'s> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips whitespace between items, remembering that the string used it.
    fn skip_space(&mut self) {
        if self.peek().is_some_and(is_space) {
            self.space_at.get_or_insert(self.pos);
        }
        self.skip_space_in_shape();
    }

    /// Skips whitespace inside a sub-array shape, which NumPy's importer allows.
    fn skip_space_in_shape(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    fn extension(&mut self, at: usize) {
        self.extension_at.get_or_insert(at);
    }

    /// An error at the current position.
    fn error(&self, reason: impl Into<String>) -> Error {
        self.error_at(self.pos, reason)
    }

    /// An error at byte `at`, reported as a character position.
    fn error_at(&self, at: usize, reason: impl Into<String>) -> Error {
        Error::format(self.text, self.char_pos(at), reason)
    }

    /// The character position of byte `at`.
    fn char_pos(&self, at: usize) -> usize {
        self.text
            .char_indices()
            .take_while(|&(i, _)| i < at)
            .count()
    }

    fn describe_current(&self) -> String {
        match self.text[self.pos..].chars().next() {
            Some(c) => format!("bad char {c:?} in struct format"),
            None => "unexpected end of format".to_owned(),
        }
    }

    /// Parses items until the end (top level) or the closing `}` of the struct opened at
    /// `open` (a byte position). `base` is the structure's offset in the element, used by the
    /// exporter layout.
    fn sequence(&mut self, open: Option<usize>, base: usize) -> Result<Parsed> {
        let mut items: Vec<Item> = Vec::new();
        let mut names: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut offset = 0usize;
        let mut align = 1usize;
        loop {
            self.skip_space();
            match self.peek() {
                None => {
                    if let Some(open) = open {
                        return Err(self.error_at(open, "'T{' is never closed; expected '}'"));
                    }
                    break;
                }
                Some(b'}') => {
                    if open.is_none() {
                        return Err(self.error("'}' without a matching 'T{'"));
                    }
                    self.pos += 1;
                    break;
                }
                Some(_) => {}
            }
            let start = self.pos;
            let mut item = self.item(base + offset)?;
            if let Some(name) = &item.name {
                if !names.insert(name.clone()) {
                    return Err(
                        self.error_at(start, format!("duplicate field name {name:?} in structure"))
                    );
                }
            }
            // Placement, decided in the mode in force after the item (NumPy's order).
            if self.mode.aligned() {
                let too_long = || self.error_at(start, "total struct size too long");
                if !self.exported {
                    offset = round_up(offset, item.align).ok_or_else(too_long)?;
                } else if item.code != Code::Struct {
                    offset = round_up(base + offset, item.align).ok_or_else(too_long)? - base;
                }
                align = align.max(item.align);
            }
            item.offset = offset;
            offset = offset
                .checked_add(item.size)
                .filter(|&o| o <= isize::MAX as usize)
                .ok_or_else(|| self.error_at(start, "total struct size too long"))?;
            items.push(item);
        }
        let size = if open.is_some() && self.mode.aligned() && !self.exported {
            round_up(offset, align).ok_or_else(|| self.error("total struct size too long"))?
        } else {
            offset
        };
        Ok(Parsed { items, size, align })
    }

    /// Parses one item; its offset is filled in by the caller. `at` is where the item would
    /// start in the element without alignment padding (exporter layout only).
    fn item(&mut self, at: usize) -> Result<Item> {
        let start = self.pos;
        let shape = if self.peek() == Some(b'(') {
            self.extension(start);
            Some(self.dims()?)
        } else {
            None
        };
        if let Some(mode) = self.peek().and_then(Mode::from_char) {
            self.extension(self.pos);
            self.mode = mode;
            self.pos += 1;
            match self.peek() {
                None | Some(b'}') => {
                    return Err(self.error("a byte-order prefix must be followed by an item"))
                }
                Some(c) if Mode::from_char(c).is_some() => {
                    return Err(self.error("a second byte-order prefix; give one prefix per item"))
                }
                Some(b'(') => return Err(self.error(SHAPE_FIRST)),
                Some(_) => {}
            }
        }
        let count_at = self.pos;
        let count = self.count()?;
        let code_at = self.pos;
        let (code, fields, struct_info) = match self.peek() {
            None => {
                return Err(self.error_at(count_at, "repeat count given without format specifier"))
            }
            Some(b'T') if self.bytes.get(self.pos + 1) == Some(&b'{') => {
                self.extension(code_at);
                if self.depth == MAX_NESTING {
                    return Err(self.error(format!(
                        "structures nest at most {MAX_NESTING} deep; flatten the format"
                    )));
                }
                self.pos += 2;
                self.depth += 1;
                let inner = self.sequence(Some(code_at), at);
                self.depth -= 1;
                let inner = inner?;
                (Code::Struct, inner.items, Some((inner.size, inner.align)))
            }
            Some(c) => match Code::lookup(&self.bytes[self.pos..]) {
                Some(code) if code.native_only() && !self.mode.native_sizes() => {
                    return Err(self.error(format!(
                        "'{}' is only available with native sizes ('@', '^' or no prefix), \
                         not after '{}'",
                        code.as_str(),
                        self.mode.as_char()
                    )))
                }
                Some(code) => {
                    match code.dialect() {
                        Dialect::Both => {}
                        Dialect::Struct => {
                            self.struct_only_at.get_or_insert(code_at);
                        }
                        Dialect::Pep3118 => self.extension(code_at),
                    }
                    self.pos += code.as_str().len();
                    (code, Vec::new(), None)
                }
                None if c == b'Z' => {
                    return Err(
                        self.error("'Z' must be followed by 'f', 'd' or 'g' (complex float, double or long double)")
                    )
                }
                None => {
                    return Err(self.error(format!("{}; {CODES_HELP}", self.describe_current())))
                }
            },
        };
        let name = self.name()?;
        let count = count.unwrap_or(1);
        let (elem_size, align) = match (code, struct_info) {
            (_, Some((size, align))) => (size, align),
            (c, None) if c.count_is_length() => (count, 1),
            (c, None) => {
                let info = c.info(self.mode.native_sizes()).ok_or_else(|| {
                    self.error_at(code_at, format!("'{}' has no size here", c.as_str()))
                })?;
                (info.size, info.align)
            }
        };
        let too_long = || self.error_at(start, "total struct size too long");
        let reps = if code.count_is_length() { 1 } else { count };
        let mut size = elem_size.checked_mul(reps).ok_or_else(too_long)?;
        for &d in shape.iter().flatten() {
            size = size.checked_mul(d).ok_or_else(too_long)?;
        }
        if size > isize::MAX as usize {
            return Err(too_long());
        }
        let struct_values = fields.iter().map(Item::values).sum();
        Ok(Item {
            code,
            mode: self.mode,
            count,
            shape,
            offset: 0,
            elem_size,
            align,
            size,
            name,
            fields,
            struct_values,
        })
    }

    /// An optional decimal repeat count.
    fn count(&mut self) -> Result<Option<usize>> {
        let start = self.pos;
        let mut n: usize = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(usize::from(c - b'0')))
                .filter(|&n| n <= isize::MAX as usize)
                .ok_or_else(|| self.error_at(start, "total struct size too long"))?;
            self.pos += 1;
        }
        Ok((self.pos > start).then_some(n))
    }

    /// A sub-array shape `(d1,d2,...)`; the current position is at `(`.
    fn dims(&mut self) -> Result<Vec<usize>> {
        let open = self.pos;
        self.pos += 1;
        let mut dims = Vec::new();
        loop {
            self.skip_space_in_shape();
            let d = self.count()?.ok_or_else(|| {
                self.error(format!(
                    "{} in a sub-array shape; expected a dimension like (2,3)",
                    self.describe_current()
                ))
            })?;
            dims.push(d);
            self.skip_space_in_shape();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                None => return Err(self.error_at(open, "'(' is never closed; expected ')'")),
                Some(_) => {
                    return Err(self.error(format!(
                        "{} in a sub-array shape; expected ',' or ')'",
                        self.describe_current()
                    )))
                }
            }
        }
        if dims.len() > crate::MAX_NDIM {
            return Err(self.error_at(
                open,
                format!("a sub-array has at most {} dimensions", crate::MAX_NDIM),
            ));
        }
        Ok(dims)
    }

    /// An optional field name `:name:`.
    fn name(&mut self) -> Result<Option<String>> {
        if self.peek() != Some(b':') {
            return Ok(None);
        }
        let open = self.pos;
        self.extension(open);
        let rest = &self.text[self.pos + 1..];
        let len = rest
            .find(':')
            .ok_or_else(|| self.error_at(open, "field name is never closed; expected ':name:'"))?;
        self.pos += len + 2;
        Ok(Some(rest[..len].to_owned()))
    }
}

/// Rounds `offset` up to a multiple of `align` (a power of two or 1), `None` on overflow.
fn round_up(offset: usize, align: usize) -> Option<usize> {
    let extra = (align - offset % align) % align;
    offset.checked_add(extra)
}
