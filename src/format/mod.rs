//! Format strings: the struct module's grammar and the PEP 3118 extensions.
//!
//! A [`Format`] is the single source of truth for an element's size, alignment, byte order and
//! value decoding. See `docs/formats.md` for the grammar and every point where ndview differs
//! from CPython's `struct` or NumPy.

mod code;
mod codec;
mod item;
mod parse;
pub(crate) mod table;
pub use parse::MAX_NESTING;
pub(crate) use table::with_real_scalar;

pub use code::{Code, Scalar};
pub(crate) use codec::nest;
pub use item::{ByteOrder, Item, Mode};

use crate::error::{Error, Result};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// A parsed format string. Cheap to clone (reference counted).
///
/// ```
/// use ndview::Format;
/// let f = Format::parse("<hd").unwrap();
/// assert_eq!((f.itemsize(), f.alignment()), (10, 1));
/// assert_eq!(f.as_str(), "<hd");
/// let native = Format::parse("hd").unwrap(); // native alignment pads before 'd'
/// assert_eq!((native.itemsize(), native.alignment()), (16, 8));
/// let rec = Format::parse("T{i:a:=d:b:}").unwrap(); // a NumPy record
/// assert_eq!(rec.itemsize(), 12);
/// ```
#[derive(Clone)]
pub struct Format(Repr);

/// Formats parsed once for the whole program (the native single characters) are static, so
/// cloning and dropping them is a pointer copy; others are reference counted.
#[derive(Clone)]
enum Repr {
    Static(&'static Inner),
    Shared(Arc<Inner>),
}

impl std::ops::Deref for Repr {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        match self {
            Repr::Static(i) => i,
            Repr::Shared(a) => a,
        }
    }
}

#[derive(Clone)]
struct Inner {
    text: Box<str>,
    items: Vec<Item>,
    itemsize: usize,
    natural_size: usize,
    alignment: usize,
    values: usize,
    /// The one scalar this format holds, when it is exactly one numeric value at offset 0.
    scalar: Option<(Scalar, ByteOrder)>,
    /// The same, only when that value is a top-level item (not inside a `T{...}`, whose
    /// element decodes as a tuple).
    plain_scalar: Option<(Scalar, ByteOrder)>,
    /// memoryview's native single-character format (`'B'` for "B" and "@B"), if it is one.
    native_char: Option<u8>,
    /// The first code, nested structures included, whose values are not decoded (`g`, `w`).
    opaque: Option<Code>,
}

impl Format {
    /// Parses a format string (struct syntax with PEP 3118 extensions).
    ///
    /// Errors name the character position and say what would be accepted.
    ///
    /// ```
    /// let err = ndview::Format::parse("3 i").unwrap_err();
    /// assert!(err.to_string().contains("position 1"));
    /// ```
    pub fn parse(text: &str) -> Result<Format> {
        if let Some(f) = cached_native(text) {
            return Ok(f);
        }
        let parsed = parse::parse(text, false)?;
        Ok(Format::build(
            text,
            parsed.items,
            parsed.size,
            parsed.size,
            parsed.align,
        ))
    }

    /// Parses a format and gives it an explicit itemsize, as a `Py_buffer` carries one.
    ///
    /// The string cannot always carry an exporter's trailing padding (NumPy writes the same
    /// string for some packed and padded records), so the itemsize may exceed the size of the
    /// items; it may not be smaller than the items without trailing padding.
    ///
    /// A string that comes with an itemsize is read as exporters write it: a nested `T{...}`
    /// adds no padding of its own (the exporter wrote every gap as `x`), and native-mode items
    /// are aligned relative to the start of the element. This is how NumPy's exporter lays
    /// out nested records; without nested structures it is struct's layout.
    ///
    /// ```
    /// let f = ndview::Format::parse_with_itemsize("T{B:a:xxxxxxxi:b:}", 16).unwrap();
    /// assert_eq!(f.itemsize(), 16);
    /// assert!(ndview::Format::parse_with_itemsize("i", 3).is_err());
    /// ```
    pub fn parse_with_itemsize(text: &str, itemsize: usize) -> Result<Format> {
        Format::parse(text)?.with_itemsize(itemsize)
    }

    /// The same format with an explicit itemsize (see [`Format::parse_with_itemsize`]).
    ///
    /// The string is read in the exporter layout when its items fit in `itemsize`, else in
    /// struct's layout (the one [`Format::parse`] uses) when those fit: so a format always
    /// accepts its own itemsize, with its own layout (`x2T{q}` is 24 bytes either way). A
    /// repeated `T{...}` in the exporter layout repeats the first repetition's layout, as
    /// NumPy's exporter writes it (an `@` item may then be unaligned in later repetitions;
    /// ndview reads unaligned items as well as aligned ones).
    pub fn with_itemsize(&self, itemsize: usize) -> Result<Format> {
        let exported = parse::parse(self.as_str(), true)?;
        let parsed = if exported.size <= itemsize {
            exported
        } else {
            let plain = parse::parse(self.as_str(), false)?;
            if plain.size <= itemsize {
                plain
            } else {
                let least = plain.size.min(exported.size);
                return Err(Error::format(
                    self.as_str(),
                    0,
                    format!(
                        "itemsize {itemsize} is smaller than the {least} bytes of its items; \
                         give at least {least}"
                    ),
                ));
            }
        };
        if itemsize > isize::MAX as usize {
            return Err(Error::format(
                self.as_str(),
                0,
                format!("itemsize {itemsize} exceeds isize::MAX"),
            ));
        }
        let natural = parsed.size;
        Ok(Format::build(
            self.as_str(),
            parsed.items,
            itemsize,
            natural,
            parsed.align,
        ))
    }

    fn build(
        text: &str,
        items: Vec<Item>,
        itemsize: usize,
        natural_size: usize,
        alignment: usize,
    ) -> Format {
        let values = items.iter().map(Item::values).sum();
        let scalar = single_scalar(&items, true);
        let plain_scalar = single_scalar(&items, false);
        Format(Repr::Shared(Arc::new(Inner {
            text: text.into(),
            scalar,
            plain_scalar,
            native_char: native_char(text),
            opaque: first_opaque(&items),
            items,
            itemsize,
            natural_size,
            alignment,
            values,
        })))
    }

    /// This format as one that lives for the rest of the program (for the few formats that
    /// are parsed once and shared: cloning them then costs no reference counting).
    pub(crate) fn into_static(self) -> Format {
        match self.0 {
            Repr::Static(_) => self,
            Repr::Shared(arc) => {
                let inner: Inner = Arc::try_unwrap(arc).unwrap_or_else(|a| (*a).clone());
                Format(Repr::Static(Box::leak(Box::new(inner))))
            }
        }
    }

    /// The format string exactly as given (memoryview keeps it verbatim).
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// The code whose values this format cannot decode or encode, if it has one: `g`, `Zg`
    /// (C's `long double`), `u`, `w` (UCS characters), as memoryview cannot. Their bytes are
    /// still viewed, sliced, copied and written out; values give [`Error::Undecodable`], and
    /// views of such formats are never `==` (memoryview's rule).
    ///
    /// ```
    /// let f = ndview::Format::parse("2w").unwrap(); // NumPy's <U2
    /// assert_eq!(f.opaque_code(), Some(ndview::Code::Ucs4));
    /// assert!(f.unpack(&[0; 8]).is_err());
    /// ```
    pub fn opaque_code(&self) -> Option<Code> {
        self.0.opaque
    }

    /// Bytes per element (`struct.calcsize`, or the explicit itemsize).
    #[inline]
    pub fn itemsize(&self) -> usize {
        self.0.itemsize
    }

    /// Bytes the items need without any explicit trailing padding.
    pub fn natural_size(&self) -> usize {
        self.0.natural_size
    }

    /// The alignment native placement needs: the largest alignment of any item placed in
    /// native (`@`) mode, 1 when there is none.
    pub fn alignment(&self) -> usize {
        self.0.alignment
    }

    /// The top-level items.
    pub fn items(&self) -> &[Item] {
        &self.0.items
    }

    /// How many values [`Format::unpack`] returns in its tuple.
    pub fn value_count(&self) -> usize {
        self.0.values
    }

    /// When the format is exactly one numeric value at offset 0 (`"f"`, `"<i"`, `"T{d}"`,
    /// `"i4x"`), that value's type and byte order.
    pub fn scalar(&self) -> Option<(Scalar, ByteOrder)> {
        self.0.scalar
    }

    /// Like [`Format::scalar`], but only for a value outside any `T{...}` (whose element
    /// unpacks as a tuple): the formats whose elements are plain numbers.
    ///
    /// ```
    /// use ndview::{Format, Scalar};
    /// assert_eq!(Format::parse("<i").unwrap().plain_scalar().map(|s| s.0), Some(Scalar::I32));
    /// assert!(Format::parse("T{d}").unwrap().plain_scalar().is_none());
    /// assert!(Format::parse("T{d}").unwrap().scalar().is_some());
    /// ```
    pub fn plain_scalar(&self) -> Option<(Scalar, ByteOrder)> {
        self.0.plain_scalar
    }

    /// memoryview's notion of a native single-character format (`"B"`, `"@d"`): the character.
    pub fn native_char(&self) -> Option<char> {
        self.0.native_char.map(char::from)
    }

    /// True for memoryview's byte formats `B`, `b`, `c` (with an optional `@`).
    pub fn is_byte_format(&self) -> bool {
        matches!(self.0.native_char, Some(b'B' | b'b' | b'c'))
    }

    /// True when both formats are the same parsed object or spell the same string.
    pub(crate) fn same(&self, other: &Format) -> bool {
        std::ptr::eq::<Inner>(&*self.0, &*other.0)
            || (self.0.text == other.0.text && self.0.itemsize == other.0.itemsize)
    }
}

/// The first code among `items` (depth first) whose values ndview does not decode.
fn first_opaque(items: &[Item]) -> Option<Code> {
    items.iter().find_map(|i| {
        if i.code.holds() == code::Holds::Opaque {
            Some(i.code)
        } else {
            first_opaque(&i.fields)
        }
    })
}

/// The one numeric value at offset 0 that `items` hold, looking through single-member structs
/// when `through` is set.
fn single_scalar(items: &[Item], through: bool) -> Option<(Scalar, ByteOrder)> {
    // Typed access (`through`) ignores items without bytes; decoding (`!through`) must not
    // drop an item that still unpacks to a value, such as the empty list of `(0)B`.
    let mut values = items.iter().filter(|i| {
        i.code != Code::Pad
            && if through {
                i.elements() > 0
            } else {
                i.values() > 0
            }
    });
    let one = values.next()?;
    if values.next().is_some() || one.offset != 0 || one.shape.is_some() || one.count != 1 {
        return None;
    }
    match one.code {
        Code::Struct if through => single_scalar(&one.fields, true),
        Code::Struct => None,
        _ => one.scalar().map(|s| (s, one.byte_order())),
    }
}

/// memoryview's `get_native_fmtchar`: an optional `@` and one character that memoryview
/// unpacks natively.
fn native_char(text: &str) -> Option<u8> {
    let b = text.strip_prefix('@').unwrap_or(text).as_bytes();
    match b {
        [c] if b"cbB?hHiIlLqQnNefdP".contains(c) => Some(*c),
        _ => None,
    }
}

/// Parsed formats for the native single-character strings (with and without `@`), shared so
/// that views of primitive types and casts never parse or allocate.
fn cached_native(text: &str) -> Option<Format> {
    const CHARS: &[u8] = b"cbB?hHiIlLqQnNefdP";
    static CACHE: OnceLock<Vec<Format>> = OnceLock::new();
    let at = text.starts_with('@');
    let c = native_char(text)?;
    let idx = CHARS.iter().position(|&x| x == c)? * 2 + usize::from(at);
    let cache = CACHE.get_or_init(|| {
        let mut v = Vec::with_capacity(CHARS.len() * 2);
        for &c in CHARS {
            for prefix in ["", "@"] {
                let text = format!("{prefix}{}", c as char);
                let parsed =
                    parse::parse(&text, false).expect("native single-character formats parse");
                let f = Format::build(&text, parsed.items, parsed.size, parsed.size, parsed.align);
                v.push(f.into_static());
            }
        }
        v
    });
    Some(cache[idx].clone())
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Format({:?}, itemsize={})",
            self.as_str(),
            self.itemsize()
        )
    }
}

impl PartialEq for Format {
    /// Formats are equal when they spell the same string and have the same itemsize.
    fn eq(&self, other: &Format) -> bool {
        self.same(other)
    }
}

impl Eq for Format {}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        Format::parse(s)
    }
}
