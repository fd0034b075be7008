//! One item of a parsed format: a code with its count, shape, offset, byte order and name.

use super::code::{Code, Scalar};

/// Byte order of a value in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

impl ByteOrder {
    /// The byte order of the machine ndview was compiled for.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "little") {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };

    /// True when this is the machine's own byte order.
    pub fn is_native(self) -> bool {
        self == ByteOrder::NATIVE
    }
}

/// The byte-order/size/alignment mode set by a prefix character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `@` (or no prefix): native order, native sizes, native alignment.
    Native,
    /// `^`: native order and sizes, no alignment (PEP 3118).
    NativeUnaligned,
    /// `=`: native order, standard sizes, no alignment.
    Standard,
    /// `<`: little-endian, standard sizes, no alignment.
    Little,
    /// `>`: big-endian, standard sizes, no alignment.
    Big,
    /// `!`: network order (big-endian), standard sizes, no alignment.
    Network,
}

impl Mode {
    pub(crate) fn from_char(c: u8) -> Option<Mode> {
        Some(match c {
            b'@' => Mode::Native,
            b'^' => Mode::NativeUnaligned,
            b'=' => Mode::Standard,
            b'<' => Mode::Little,
            b'>' => Mode::Big,
            b'!' => Mode::Network,
            _ => return None,
        })
    }

    /// The prefix character of this mode.
    pub fn as_char(self) -> char {
        match self {
            Mode::Native => '@',
            Mode::NativeUnaligned => '^',
            Mode::Standard => '=',
            Mode::Little => '<',
            Mode::Big => '>',
            Mode::Network => '!',
        }
    }

    /// True when items use native sizes (`@`, `^`).
    pub fn native_sizes(self) -> bool {
        matches!(self, Mode::Native | Mode::NativeUnaligned)
    }

    /// True when items are padded to their native alignment (`@` only).
    pub fn aligned(self) -> bool {
        self == Mode::Native
    }

    /// The byte order this mode reads and writes.
    pub fn byte_order(self) -> ByteOrder {
        match self {
            Mode::Native | Mode::NativeUnaligned | Mode::Standard => ByteOrder::NATIVE,
            Mode::Little => ByteOrder::Little,
            Mode::Big | Mode::Network => ByteOrder::Big,
        }
    }
}

/// One item of a format: `[(shape)][prefix][count]code[:name:]`.
///
/// ```
/// let f = ndview::Format::parse("<2h:xy:3s").unwrap();
/// let items = f.items();
/// assert_eq!(items[0].code(), ndview::Code::Short);
/// assert_eq!((items[0].count(), items[0].offset(), items[0].name()), (2, 0, Some("xy")));
/// assert_eq!((items[1].count(), items[1].offset(), items[1].size()), (3, 4, 3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub(crate) code: Code,
    pub(crate) mode: Mode,
    pub(crate) count: usize,
    pub(crate) shape: Option<Vec<usize>>,
    pub(crate) offset: usize,
    /// Size of one element: the code's size, the struct's size, or the length for `s p x`.
    pub(crate) elem_size: usize,
    /// Alignment used when this item was placed in native mode.
    pub(crate) align: usize,
    /// Total bytes the item spans.
    pub(crate) size: usize,
    pub(crate) name: Option<String>,
    /// Members of a `T{...}` item; empty otherwise.
    pub(crate) fields: Vec<Item>,
    /// Number of values one repetition of this item unpacks to (for structs: its members').
    pub(crate) struct_values: usize,
}

impl Item {
    /// The code of this item.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The repeat count (for `s`, `p`, `x`: the length in bytes). 1 when none was written.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The PEP 3118 sub-array shape `(d1,d2,...)`, if one was written.
    pub fn shape(&self) -> Option<&[usize]> {
        self.shape.as_deref()
    }

    /// Byte offset of the item from the start of its enclosing structure.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Total bytes the item spans (all repetitions and sub-array elements).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Size in bytes of one element (for `s`/`p`/`x`: the whole string).
    pub fn element_size(&self) -> usize {
        self.elem_size
    }

    /// The byte order the item's values are stored in.
    pub fn byte_order(&self) -> ByteOrder {
        self.mode.byte_order()
    }

    /// The mode (prefix) in force for this item.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The field name given with `:name:`, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The members of a `T{...}` item (empty for other codes).
    pub fn fields(&self) -> &[Item] {
        &self.fields
    }

    /// The machine type of this item's values, for numeric codes.
    pub fn scalar(&self) -> Option<Scalar> {
        self.code.scalar(self.elem_size)
    }

    /// Number of elements: `count` repetitions (1 for `s p x`) times the sub-array size.
    pub(crate) fn elements(&self) -> usize {
        let reps = if self.code.count_is_length() {
            1
        } else {
            self.count
        };
        reps * self.shape.as_ref().map_or(1, |s| s.iter().product())
    }

    /// Number of values this item contributes to an unpacked tuple.
    pub(crate) fn values(&self) -> usize {
        match (self.code, &self.shape) {
            (Code::Pad, _) => 0,
            (_, Some(_)) => 1,
            (c, None) if c.count_is_length() => 1,
            (_, None) => self.count,
        }
    }
}
