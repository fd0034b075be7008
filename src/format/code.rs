//! The format codes of the struct module and PEP 3118, with their sizes and alignments.
//!
//! The enums and their per-variant matches are generated from the tables in `table.rs`; what
//! is written here by hand works on every code or scalar alike.

use super::table::{code_table, scalar_table};
use std::mem::{align_of, size_of};

/// What kind of number a [`Scalar`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarKind {
    /// `bool`.
    Bool,
    /// A signed integer.
    Signed,
    /// An unsigned integer.
    Unsigned,
    /// A real floating-point number.
    Float,
    /// A complex number of two floats.
    Complex,
}

/// What one element of a code holds, which decides how it unpacks and packs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holds {
    /// No value (`x`).
    Pad,
    /// A one-byte `bytes` value (`c`).
    Char,
    /// A byte string as long as the count (`s`).
    Bytes,
    /// A Pascal string as long as the count (`p`).
    Pascal,
    /// A nested structure (`T{...}`).
    Struct,
    /// A signed integer, the machine type of the size in force.
    Signed,
    /// An unsigned integer, the machine type of the size in force.
    Unsigned,
    /// A pointer-sized integer that packs from a signed or unsigned value (`P`).
    Pointer,
    /// One value of a fixed machine type.
    Scalar(Scalar),
    /// Bytes whose values ndview does not decode (`g`, `Zg`, `u`, `w`).
    Opaque,
}

/// Which format dialect reads a code: struct's, NumPy's PEP 3118 importer's, or both. A
/// format string may not mix codes of the first two (see the parser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Both read it.
    Both,
    /// CPython's struct reads it; NumPy's importer does not (`n N P p`).
    Struct,
    /// A PEP 3118 extension that struct (3.11) refuses (`Zf Zd T{...}`).
    Pep3118,
}

/// Sizes and alignment of a code in one of the two size modes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeInfo {
    pub size: usize,
    pub align: usize,
}

/// Generates [`Scalar`] and its per-variant matches from `scalar_table!`.
macro_rules! define_scalars {
    ([] $($v:ident, $t:ty, $fmt:literal, $kind:ident, $doc:literal;)*) => {
        /// The machine type of one numeric value: what a typed kernel loads and stores.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Scalar {
            $(#[doc = $doc] $v,)*
        }

        impl Scalar {
            /// Every machine type, in declaration order.
            pub const ALL: &'static [Scalar] = &[$(Scalar::$v),*];

            /// Size in bytes of one value.
            pub const fn size(self) -> usize {
                match self {
                    $(Scalar::$v => size_of::<$t>(),)*
                }
            }

            /// The native format that holds this type (`"f"` for `F32`, `"Zf"` for `C64`, ...).
            pub const fn native_format(self) -> &'static str {
                match self {
                    $(Scalar::$v => $fmt,)*
                }
            }

            /// What kind of number this is.
            pub(crate) const fn kind(self) -> ScalarKind {
                match self {
                    $(Scalar::$v => ScalarKind::$kind,)*
                }
            }
        }
    };
}
scalar_table!([define_scalars]);

/// The standard size of a row of `code_table!`.
macro_rules! standard_size {
    (native_only) => {
        None
    };
    ($n:literal) => {
        Some($n)
    };
}

/// Generates [`Code`] and its per-variant matches from `code_table!`.
macro_rules! define_codes {
    ([] $($v:ident, $text:literal, $std:tt, $native:ty, $holds:ident $(($hs:ident))?,
          $dialect:ident, $doc:literal;)*) => {
        /// One format code: what a single character (or `Zf`, `Zd`, `T{...}`) of a format
        /// string means.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $doc] $v,)*
            /// `T{...}`: a nested structure (PEP 3118).
            Struct,
        }

        impl Code {
            /// Every code, in declaration order (`Struct` last).
            pub const ALL: &'static [Code] = &[$(Code::$v,)* Code::Struct];

            /// Every code of the table (all but `Struct`), in declaration order.
            pub(crate) const TABLE: &'static [Code] = &[$(Code::$v),*];

            /// The code as written in a format string (`"T{}"` for a structure).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$v => $text,)*
                    Code::Struct => "T{}",
                }
            }

            /// What one element of this code holds.
            pub(crate) const fn holds(self) -> Holds {
                match self {
                    $(Code::$v => Holds::$holds $((Scalar::$hs))?,)*
                    Code::Struct => Holds::Struct,
                }
            }

            /// Which format dialect reads this code.
            pub(crate) const fn dialect(self) -> Dialect {
                match self {
                    $(Code::$v => Dialect::$dialect,)*
                    Code::Struct => Dialect::Pep3118,
                }
            }

            /// Size after `= < > !`; `None` for native-only codes and structures.
            const fn standard_size(self) -> Option<usize> {
                match self {
                    $(Code::$v => standard_size!($std),)*
                    Code::Struct => None,
                }
            }

            /// Size and alignment in the native modes; `None` for structures.
            const fn native_info(self) -> Option<CodeInfo> {
                match self {
                    $(Code::$v => Some(CodeInfo {
                        size: size_of::<$native>(),
                        align: align_of::<$native>(),
                    }),)*
                    Code::Struct => None,
                }
            }
        }

        /// The parser's list of the codes it reads, for its error messages.
        pub(crate) const CODES_HELP: &str =
            concat!("expected a format code (", $($text, " ",)* "or T{...})");
    };
}
code_table!([define_codes]);

impl Scalar {
    /// The integer scalar of the given signedness and size, if there is one.
    pub(crate) const fn int(signed: bool, size: usize) -> Option<Scalar> {
        let want = if signed {
            ScalarKind::Signed
        } else {
            ScalarKind::Unsigned
        };
        let mut i = 0;
        while i < Scalar::ALL.len() {
            let s = Scalar::ALL[i];
            if s.kind() as u8 == want as u8 && s.size() == size {
                return Some(s);
            }
            i += 1;
        }
        None
    }

    /// True for the floating-point and complex scalars.
    pub const fn is_float(self) -> bool {
        matches!(self.kind(), ScalarKind::Float | ScalarKind::Complex)
    }

    /// True for the complex scalars (`C64`, `C128`).
    pub const fn is_complex(self) -> bool {
        matches!(self.kind(), ScalarKind::Complex)
    }
}

impl Code {
    /// The code that `text` starts with (the longest one), if any. `T{` is the parser's.
    pub(crate) fn lookup(text: &[u8]) -> Option<Code> {
        Code::TABLE
            .iter()
            .copied()
            .filter(|c| text.starts_with(c.as_str().as_bytes()))
            .max_by_key(|c| c.as_str().len())
    }

    /// True for codes that exist only with native sizes (`n`, `N`, `P`).
    pub(crate) const fn native_only(self) -> bool {
        self.standard_size().is_none() && !matches!(self, Code::Struct)
    }

    /// True when the count is a length in bytes rather than a repeat (`s`, `p`, `x`).
    pub const fn count_is_length(self) -> bool {
        matches!(self.holds(), Holds::Bytes | Holds::Pascal | Holds::Pad)
    }

    /// Size and alignment of one element of this code. `native` selects native sizes (the
    /// `@` and `^` modes); alignment is what native alignment would pad to. `None` for
    /// structures (their sizes come from their members) and for native-only codes in the
    /// standard modes.
    pub(crate) const fn info(self, native: bool) -> Option<CodeInfo> {
        let Some(native_info) = self.native_info() else {
            return None;
        };
        if native {
            return Some(native_info);
        }
        match self.standard_size() {
            Some(size) => Some(CodeInfo {
                size,
                align: if native_info.align < size {
                    native_info.align
                } else {
                    size
                },
            }),
            None => None,
        }
    }

    /// The machine type of one value of this code at the given element size, if numeric.
    pub(crate) const fn scalar(self, size: usize) -> Option<Scalar> {
        match self.holds() {
            Holds::Signed => Scalar::int(true, size),
            Holds::Unsigned | Holds::Pointer => Scalar::int(false, size),
            Holds::Scalar(s) => Some(s),
            Holds::Pad
            | Holds::Char
            | Holds::Bytes
            | Holds::Pascal
            | Holds::Struct
            | Holds::Opaque => None,
        }
    }

    /// True for codes whose elements are numbers.
    pub(crate) const fn is_numeric(self) -> bool {
        match self.holds() {
            Holds::Signed | Holds::Unsigned | Holds::Pointer | Holds::Scalar(_) => true,
            Holds::Pad
            | Holds::Char
            | Holds::Bytes
            | Holds::Pascal
            | Holds::Struct
            | Holds::Opaque => false,
        }
    }
}

/// Checks a numeric code's size against the machine type it holds at that size.
const fn check_size(code: Code, info: Option<CodeInfo>) {
    let Some(info) = info else {
        panic!("a numeric code has no size in the code table");
    };
    match code.scalar(info.size) {
        Some(s) => assert!(
            s.size() == info.size,
            "a code's size differs from its machine type's in the code table"
        ),
        None => panic!("no machine type in the scalar table has a numeric code's size"),
    }
}

// The table is complete: every numeric code has, at each size it can take, a machine type of
// exactly that size. A row that breaks this fails to compile here.
const _: () = {
    let mut i = 0;
    while i < Code::TABLE.len() {
        let code = Code::TABLE[i];
        if code.is_numeric() {
            check_size(code, code.info(true));
            if !code.native_only() {
                check_size(code, code.info(false));
            }
        }
        i += 1;
    }
};
