//! The table of scalar codes: every numeric machine type and every format code, listed once.
//!
//! Two tables, each a `macro_rules!` macro that hands its rows to a callback macro:
//!
//! - [`scalar_table!`]: the machine types a typed kernel loads and stores (the [`Scalar`]
//!   enum): variant, Rust type, native format, kind (`Bool`, `Signed`, `Unsigned`, `Float`,
//!   `Complex`), doc comment.
//! - [`code_table!`]: the format codes (the [`Code`] enum, less `T{...}`, which is structural):
//!   variant, text, standard size (`native_only` for `n N P`), the native C type whose size and
//!   alignment native mode uses, what one element holds ([`Holds`]), the dialect that reads it
//!   ([`Dialect`]), doc comment.
//!
//! Generated from them: the two enums and their exhaustive matches (`code.rs`), the parser's
//! code lookup and error text, the [`Element`](crate::Element) impls (`element.rs`), the type
//! dispatch ([`with_scalar!`], [`with_real_scalar!`]) and hence the decoders and encoders.
//! A new code is one row of [`code_table!`]; `code.rs` checks at compile time that every
//! numeric code's sizes have a machine type of that size.
//!
//! [`Scalar`]: super::Scalar
//! [`Code`]: super::Code
//! [`Holds`]: super::code::Holds
//! [`Dialect`]: super::code::Dialect

/// The numeric machine types, one row each:
/// `Variant, RustType, "native format", Kind, "doc";`.
///
/// Invoked as `scalar_table!([callback] args...)`: expands to
/// `callback! { [args...] rows... }`. Types are written with absolute paths so that the rows
/// mean the same wherever a callback expands.
macro_rules! scalar_table {
    ([$($cb:tt)*] $($args:tt)*) => {
        $($cb)*! { [$($args)*]
            Bool, bool, "?", Bool, "`bool` (one byte, nonzero is true).";
            I8, i8, "b", Signed, "`i8`.";
            U8, u8, "B", Unsigned, "`u8`.";
            I16, i16, "h", Signed, "`i16`.";
            U16, u16, "H", Unsigned, "`u16`.";
            I32, i32, "i", Signed, "`i32`.";
            U32, u32, "I", Unsigned, "`u32`.";
            I64, i64, "q", Signed, "`i64`.";
            U64, u64, "Q", Unsigned, "`u64`.";
            F16, ::half::f16, "e", Float, "`half::f16`.";
            F32, f32, "f", Float, "`f32`.";
            F64, f64, "d", Float, "`f64`.";
            C64, ::num_complex::Complex32, "Zf", Complex,
                "complex64: two `f32` (the codes `Zf` and `F`).";
            C128, ::num_complex::Complex64, "Zd", Complex,
                "complex128: two `f64` (the codes `Zd` and `D`).";
        }
    };
}
pub(crate) use scalar_table;

/// The format codes, one row each:
/// `Variant, "text", standard size, NativeCType, holds, dialect, "doc";`.
///
/// The standard size applies after `= < > !`; `native_only` marks codes those prefixes
/// refuse. The native C type gives the size and alignment in the `@` and `^` modes. `holds`
/// names a [`Holds`](super::code::Holds) variant: integers take the machine type of their
/// size in the mode in force. Invoked like [`scalar_table!`].
macro_rules! code_table {
    ([$($cb:tt)*] $($args:tt)*) => {
        $($cb)*! { [$($args)*]
            Pad, "x", 1, u8, Pad, Both, "`x`: a pad byte, no value.";
            Char, "c", 1, u8, Char, Both, "`c`: a one-byte `bytes` value.";
            I8, "b", 1, ::std::ffi::c_schar, Signed, Both, "`b`: `signed char`.";
            U8, "B", 1, ::std::ffi::c_uchar, Unsigned, Both, "`B`: `unsigned char`.";
            Bool, "?", 1, bool, Scalar(Bool), Both,
                "`?`: `_Bool`; any nonzero byte unpacks as `True`.";
            Short, "h", 2, ::std::ffi::c_short, Signed, Both, "`h`: `short`.";
            UShort, "H", 2, ::std::ffi::c_ushort, Unsigned, Both, "`H`: `unsigned short`.";
            Int, "i", 4, ::std::ffi::c_int, Signed, Both, "`i`: `int`.";
            UInt, "I", 4, ::std::ffi::c_uint, Unsigned, Both, "`I`: `unsigned int`.";
            Long, "l", 4, ::std::ffi::c_long, Signed, Both,
                "`l`: `long` (8 bytes native on LP64 targets, 4 standard).";
            ULong, "L", 4, ::std::ffi::c_ulong, Unsigned, Both, "`L`: `unsigned long`.";
            LongLong, "q", 8, ::std::ffi::c_longlong, Signed, Both, "`q`: `long long`.";
            ULongLong, "Q", 8, ::std::ffi::c_ulonglong, Unsigned, Both,
                "`Q`: `unsigned long long`.";
            SSize, "n", native_only, isize, Signed, Struct, "`n`: `ssize_t`, native modes only.";
            Size, "N", native_only, usize, Unsigned, Struct, "`N`: `size_t`, native modes only.";
            // CPython sizes and aligns `e` as a `short` in native mode.
            Half, "e", 2, ::std::ffi::c_short, Scalar(F16), Both,
                "`e`: IEEE 754 binary16 half float.";
            Float, "f", 4, ::std::ffi::c_float, Scalar(F32), Both, "`f`: `float`.";
            Double, "d", 8, ::std::ffi::c_double, Scalar(F64), Both, "`d`: `double`.";
            ComplexFloat, "Zf", 8, [::std::ffi::c_float; 2], Scalar(C64), Pep3118,
                "`Zf`: complex of two `float` (PEP 3118).";
            ComplexDouble, "Zd", 16, [::std::ffi::c_double; 2], Scalar(C128), Pep3118,
                "`Zd`: complex of two `double` (PEP 3118).";
            FloatComplex, "F", 8, [::std::ffi::c_float; 2], Scalar(C64), Both,
                "`F`: C `float complex` (struct, CPython 3.14). The same as \
                 [`Code::ComplexFloat`] (`Zf`) in every respect but its spelling: size, \
                 alignment, byte order (each half swapped on its own), values and packing.";
            DoubleComplex, "D", 16, [::std::ffi::c_double; 2], Scalar(C128), Both,
                "`D`: C `double complex` (struct, CPython 3.14). The same as \
                 [`Code::ComplexDouble`] (`Zd`) in every respect but its spelling.";
            LongDouble, "g", native_only, crate::format::table::CLongDouble, Opaque, Pep3118,
                "`g`: C `long double` (PEP 3118; NumPy's `longdouble`), native modes only. \
                 Opaque: its bytes are viewed, sliced and copied, its values never decoded \
                 ([`Error::Undecodable`](crate::Error::Undecodable)), as memoryview does.";
            ComplexLongDouble, "Zg", native_only, [crate::format::table::CLongDouble; 2],
                Opaque, Pep3118,
                "`Zg`: complex of two `long double` (PEP 3118; NumPy's `clongdouble`), native \
                 modes only. Opaque, as [`Code::LongDouble`].";
            Ucs2, "u", 2, u16, Opaque, Pep3118,
                "`u`: a UCS-2 character (PEP 3118; `array('u')` where `wchar_t` has 2 bytes). \
                 Opaque, as [`Code::LongDouble`].";
            Ucs4, "w", 4, u32, Opaque, Pep3118,
                "`w`: a UCS-4 character (PEP 3118; NumPy's `U` strings export `Nw`, and \
                 `array('u')` where `wchar_t` has 4 bytes). Opaque, as [`Code::LongDouble`].";
            Bytes, "s", 1, u8, Bytes, Both, "`s`: a byte string; the count is its length.";
            Pascal, "p", 1, u8, Pascal, Struct,
                "`p`: a Pascal string; the count is its length including the length byte.";
            Pointer, "P", native_only, *const ::std::ffi::c_void, Pointer, Struct,
                "`P`: `void *`, native modes only.";
        }
    };
}
pub(crate) use code_table;

/// C's `long double`, for its native size and alignment in the code table (never read as a
/// value), as the C compilers lay it out: 16 bytes aligned to 16 on x86-64 (x87 extended
/// precision; MinGW too, not MSVC), 64-bit Arm outside Apple and Windows, RISC-V 64,
/// LoongArch 64 and 64-bit POWER (IEEE quad or double-double); 16 bytes aligned to 8 on
/// s390x; 12 bytes aligned to 4 on 32-bit x86 outside Windows; a `double` elsewhere (MSVC,
/// Apple Arm, 32-bit Arm).
#[cfg(any(
    all(target_arch = "x86_64", not(target_env = "msvc")),
    all(target_arch = "aarch64", not(target_vendor = "apple"), not(windows)),
    target_arch = "riscv64",
    target_arch = "loongarch64",
    target_arch = "powerpc64"
))]
#[repr(C, align(16))]
pub(crate) struct CLongDouble([u8; 16]);
/// See the other `CLongDouble`.
#[cfg(target_arch = "s390x")]
#[repr(C, align(8))]
pub(crate) struct CLongDouble([u8; 16]);
/// See the other `CLongDouble`.
#[cfg(all(target_arch = "x86", not(windows)))]
#[repr(C, align(4))]
pub(crate) struct CLongDouble([u8; 12]);
/// See the other `CLongDouble`.
#[cfg(not(any(
    all(target_arch = "x86_64", not(target_env = "msvc")),
    all(target_arch = "aarch64", not(target_vendor = "apple"), not(windows)),
    target_arch = "riscv64",
    target_arch = "loongarch64",
    target_arch = "powerpc64",
    target_arch = "s390x",
    all(target_arch = "x86", not(windows))
)))]
pub(crate) type CLongDouble = f64;

/// `with_scalar!(s, T => expr)`: evaluates `expr` with the type `T` bound to the Rust type of
/// the machine type `s` (a [`Scalar`](super::Scalar)); one arm per row of [`scalar_table!`].
macro_rules! with_scalar {
    ($s:expr, $T:ident => $body:expr) => {
        $crate::format::table::scalar_table!(
            [$crate::format::table::dispatch_arms] all ($s) $T ($body) (())
        )
    };
}
pub(crate) use with_scalar;

/// `with_real_scalar!(s, T => expr, other)`: like [`with_scalar!`] for the real machine types;
/// evaluates `other` for the complex ones.
macro_rules! with_real_scalar {
    ($s:expr, $T:ident => $body:expr, $other:expr) => {
        $crate::format::table::scalar_table!(
            [$crate::format::table::dispatch_arms] real ($s) $T ($body) ($other)
        )
    };
}
pub(crate) use with_real_scalar;

/// The `match` behind [`with_scalar!`] and [`with_real_scalar!`] (a [`scalar_table!`]
/// callback).
macro_rules! dispatch_arms {
    ([$mode:ident ($s:expr) $T:ident ($body:expr) ($other:expr)]
     $($v:ident, $t:ty, $fmt:literal, $kind:ident, $doc:literal;)*) => {
        match $s {
            $($crate::format::Scalar::$v => {
                $crate::format::table::dispatch_arm!($mode $kind ($T $t) ($body) ($other))
            })*
        }
    };
}
pub(crate) use dispatch_arms;

/// One arm of [`dispatch_arms!`]: `other` for complex types in `real` mode, else `body` with
/// `T` bound.
macro_rules! dispatch_arm {
    (real Complex ($T:ident $t:ty) ($body:expr) ($other:expr)) => {
        $other
    };
    ($mode:ident $kind:ident ($T:ident $t:ty) ($body:expr) ($other:expr)) => {{
        type $T = $t;
        $body
    }};
}
pub(crate) use dispatch_arm;
