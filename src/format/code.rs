//! The format codes of the struct module and PEP 3118, with their sizes and alignments.

use std::ffi::{c_int, c_long, c_longlong, c_short};
use std::mem::{align_of, size_of};

/// One format code: what a single character (or `Zf`, `Zd`, `T{...}`) of a format string means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `x`: a pad byte, no value.
    Pad,
    /// `c`: a one-byte `bytes` value.
    Char,
    /// `b`: `signed char`.
    I8,
    /// `B`: `unsigned char`.
    U8,
    /// `?`: `_Bool`; any nonzero byte unpacks as `True`.
    Bool,
    /// `h`: `short`.
    Short,
    /// `H`: `unsigned short`.
    UShort,
    /// `i`: `int`.
    Int,
    /// `I`: `unsigned int`.
    UInt,
    /// `l`: `long` (8 bytes native on LP64 targets, 4 standard).
    Long,
    /// `L`: `unsigned long`.
    ULong,
    /// `q`: `long long`.
    LongLong,
    /// `Q`: `unsigned long long`.
    ULongLong,
    /// `n`: `ssize_t`, native modes only.
    SSize,
    /// `N`: `size_t`, native modes only.
    Size,
    /// `e`: IEEE 754 binary16 half float.
    Half,
    /// `f`: `float`.
    Float,
    /// `d`: `double`.
    Double,
    /// `Zf`: complex of two `float` (PEP 3118).
    ComplexFloat,
    /// `Zd`: complex of two `double` (PEP 3118).
    ComplexDouble,
    /// `s`: a byte string; the count is its length.
    Bytes,
    /// `p`: a Pascal string; the count is its length including the length byte.
    Pascal,
    /// `P`: `void *`, native modes only.
    Pointer,
    /// `T{...}`: a nested structure (PEP 3118).
    Struct,
}

/// The machine type of one numeric value: what a typed kernel loads and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scalar {
    /// `bool` (one byte, nonzero is true).
    Bool,
    /// `i8`.
    I8,
    /// `u8`.
    U8,
    /// `i16`.
    I16,
    /// `u16`.
    U16,
    /// `i32`.
    I32,
    /// `u32`.
    U32,
    /// `i64`.
    I64,
    /// `u64`.
    U64,
    /// `half::f16`.
    F16,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// complex64: two `f32` (`Zf`).
    C64,
    /// complex128: two `f64` (`Zd`).
    C128,
}

impl Scalar {
    /// Size in bytes of one value.
    pub const fn size(self) -> usize {
        match self {
            Scalar::Bool | Scalar::I8 | Scalar::U8 => 1,
            Scalar::I16 | Scalar::U16 | Scalar::F16 => 2,
            Scalar::I32 | Scalar::U32 | Scalar::F32 => 4,
            Scalar::I64 | Scalar::U64 | Scalar::F64 | Scalar::C64 => 8,
            Scalar::C128 => 16,
        }
    }

    /// The native format character that holds this type (`'f'` for `F32`, ...).
    pub const fn native_format(self) -> &'static str {
        match self {
            Scalar::Bool => "?",
            Scalar::I8 => "b",
            Scalar::U8 => "B",
            Scalar::I16 => "h",
            Scalar::U16 => "H",
            Scalar::I32 => "i",
            Scalar::U32 => "I",
            Scalar::I64 => "q",
            Scalar::U64 => "Q",
            Scalar::F16 => "e",
            Scalar::F32 => "f",
            Scalar::F64 => "d",
            Scalar::C64 => "Zf",
            Scalar::C128 => "Zd",
        }
    }

    /// The integer scalar of the given signedness and size, if there is one.
    pub(crate) const fn int(signed: bool, size: usize) -> Option<Scalar> {
        Some(match (signed, size) {
            (true, 1) => Scalar::I8,
            (false, 1) => Scalar::U8,
            (true, 2) => Scalar::I16,
            (false, 2) => Scalar::U16,
            (true, 4) => Scalar::I32,
            (false, 4) => Scalar::U32,
            (true, 8) => Scalar::I64,
            (false, 8) => Scalar::U64,
            _ => return None,
        })
    }

    /// True for the floating-point and complex scalars.
    pub const fn is_float(self) -> bool {
        matches!(
            self,
            Scalar::F16 | Scalar::F32 | Scalar::F64 | Scalar::C64 | Scalar::C128
        )
    }
}

/// Sizes and alignment of a code in one of the two size modes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeInfo {
    pub size: usize,
    pub align: usize,
}

impl Code {
    /// Looks up a one-character code. `Z` and `T` need a second character and are handled by
    /// the parser.
    pub(crate) fn from_char(c: u8) -> Option<Code> {
        Some(match c {
            b'x' => Code::Pad,
            b'c' => Code::Char,
            b'b' => Code::I8,
            b'B' => Code::U8,
            b'?' => Code::Bool,
            b'h' => Code::Short,
            b'H' => Code::UShort,
            b'i' => Code::Int,
            b'I' => Code::UInt,
            b'l' => Code::Long,
            b'L' => Code::ULong,
            b'q' => Code::LongLong,
            b'Q' => Code::ULongLong,
            b'n' => Code::SSize,
            b'N' => Code::Size,
            b'e' => Code::Half,
            b'f' => Code::Float,
            b'd' => Code::Double,
            b's' => Code::Bytes,
            b'p' => Code::Pascal,
            b'P' => Code::Pointer,
            _ => return None,
        })
    }

    /// The code as written in a format string.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Pad => "x",
            Code::Char => "c",
            Code::I8 => "b",
            Code::U8 => "B",
            Code::Bool => "?",
            Code::Short => "h",
            Code::UShort => "H",
            Code::Int => "i",
            Code::UInt => "I",
            Code::Long => "l",
            Code::ULong => "L",
            Code::LongLong => "q",
            Code::ULongLong => "Q",
            Code::SSize => "n",
            Code::Size => "N",
            Code::Half => "e",
            Code::Float => "f",
            Code::Double => "d",
            Code::ComplexFloat => "Zf",
            Code::ComplexDouble => "Zd",
            Code::Bytes => "s",
            Code::Pascal => "p",
            Code::Pointer => "P",
            Code::Struct => "T{}",
        }
    }

    /// True for codes that exist only with native sizes (`n`, `N`, `P`).
    pub(crate) fn native_only(self) -> bool {
        matches!(self, Code::SSize | Code::Size | Code::Pointer)
    }

    /// True when the count is a length in bytes rather than a repeat (`s`, `p`, `x`).
    pub fn count_is_length(self) -> bool {
        matches!(self, Code::Bytes | Code::Pascal | Code::Pad)
    }

    /// Size and alignment of one element of this code. `native` selects native sizes (the
    /// `@` and `^` modes); alignment is what native alignment would pad to.
    /// `Struct` has no fixed size and must not be asked.
    pub(crate) fn info(self, native: bool) -> CodeInfo {
        fn c<T>() -> CodeInfo {
            CodeInfo {
                size: size_of::<T>(),
                align: align_of::<T>(),
            }
        }
        fn fixed(size: usize) -> CodeInfo {
            CodeInfo { size, align: size }
        }
        let one = CodeInfo { size: 1, align: 1 };
        match self {
            Code::Pad | Code::Char | Code::I8 | Code::U8 | Code::Bytes | Code::Pascal => one,
            Code::Bool => c::<bool>(),
            Code::Short | Code::UShort | Code::Half if native => c::<c_short>(),
            Code::Int | Code::UInt if native => c::<c_int>(),
            Code::Long | Code::ULong if native => c::<c_long>(),
            Code::LongLong | Code::ULongLong if native => c::<c_longlong>(),
            Code::Float if native => c::<f32>(),
            Code::Double if native => c::<f64>(),
            Code::SSize => c::<isize>(),
            Code::Size => c::<usize>(),
            Code::Pointer => c::<*const u8>(),
            Code::ComplexFloat => CodeInfo {
                size: 2 * size_of::<f32>(),
                align: align_of::<f32>(),
            },
            Code::ComplexDouble => CodeInfo {
                size: 2 * size_of::<f64>(),
                align: align_of::<f64>(),
            },
            Code::Short | Code::UShort | Code::Half => fixed(2),
            Code::Int | Code::UInt | Code::Long | Code::ULong | Code::Float => fixed(4),
            Code::LongLong | Code::ULongLong | Code::Double => fixed(8),
            Code::Struct => unreachable!("struct sizes come from their members"),
        }
    }

    /// The machine type of one value of this code at the given element size, if numeric.
    pub(crate) fn scalar(self, size: usize) -> Option<Scalar> {
        match self {
            Code::Bool => Some(Scalar::Bool),
            Code::I8 | Code::Short | Code::Int | Code::Long | Code::LongLong | Code::SSize => {
                Scalar::int(true, size)
            }
            Code::U8
            | Code::UShort
            | Code::UInt
            | Code::ULong
            | Code::ULongLong
            | Code::Size
            | Code::Pointer => Scalar::int(false, size),
            Code::Half => Some(Scalar::F16),
            Code::Float => Some(Scalar::F32),
            Code::Double => Some(Scalar::F64),
            Code::ComplexFloat => Some(Scalar::C64),
            Code::ComplexDouble => Some(Scalar::C128),
            Code::Pad | Code::Char | Code::Bytes | Code::Pascal | Code::Struct => None,
        }
    }
}
