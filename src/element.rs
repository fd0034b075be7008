//! The typed bridge: Rust types that a format can hold.

use crate::format::{ByteOrder, Format, Scalar};
use crate::value::Value;
use half::f16;
use num_complex::{Complex32, Complex64};
use std::sync::OnceLock;

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that views can hold: the integers, `bool`, `f16`/`f32`/`f64` and complex.
///
/// Each type names its native format (`f32` is `"f"`, `i64` is `"q"`) and loads and stores
/// itself from bytes in either byte order, aligned or not.
///
/// ```
/// use ndview::{Element, Format};
/// assert_eq!(f32::FORMAT, "f");
/// assert_eq!(Format::parse(">f").unwrap().holds::<f32>(), Some(ndview::ByteOrder::Big));
/// assert_eq!(Format::parse("l").unwrap().holds::<i64>(), Some(ndview::ByteOrder::NATIVE));
/// assert_eq!(Format::parse("i").unwrap().holds::<f32>(), None);
/// ```
pub trait Element:
    Copy + Send + Sync + PartialEq + std::fmt::Debug + Default + 'static + sealed::Sealed
{
    /// The machine type.
    const SCALAR: Scalar;
    /// The native format string (`"f"`, `"q"`, `"Zd"`, ...).
    const FORMAT: &'static str;
    /// True when every bit pattern is a valid value (all types but `bool`).
    const ANY_BIT_PATTERN: bool = true;

    /// The shared parsed [`Format`] of [`Element::FORMAT`].
    fn format() -> Format {
        match Self::FORMAT.len() {
            // Single characters come from the parser's shared cache.
            1 => Format::parse(Self::FORMAT).expect("native formats parse"),
            _ => Self::SCALAR.format(),
        }
    }

    /// The value as a dynamic [`Value`].
    fn to_value(self) -> Value;

    /// Converts a value the way `struct.pack` would for this type's format; `None` when
    /// struct would refuse it (wrong type or out of range).
    fn from_value(v: &Value) -> Option<Self>;

    /// The value with its bytes reversed (each half for complex numbers).
    fn swap_bytes(self) -> Self;

    /// Reads a value from possibly unaligned memory in the given byte order.
    ///
    /// # Safety
    /// `ptr` must be valid for reading `size_of::<Self>()` bytes.
    #[inline(always)]
    unsafe fn load(ptr: *const u8, order: ByteOrder) -> Self {
        // SAFETY: the caller guarantees `size_of::<Self>()` readable bytes; every bit pattern
        // is valid for the types that keep this default (bool overrides it).
        let v = unsafe { std::ptr::read_unaligned(ptr.cast::<Self>()) };
        if order.is_native() {
            v
        } else {
            v.swap_bytes()
        }
    }

    /// Writes the value to possibly unaligned memory in the given byte order.
    ///
    /// # Safety
    /// `ptr` must be valid for writing `size_of::<Self>()` bytes.
    #[inline(always)]
    unsafe fn store(self, ptr: *mut u8, order: ByteOrder) {
        let v = if order.is_native() {
            self
        } else {
            self.swap_bytes()
        };
        // SAFETY: the caller guarantees `size_of::<Self>()` writable bytes.
        unsafe { std::ptr::write_unaligned(ptr.cast::<Self>(), v) }
    }
}

impl Scalar {
    /// The shared parsed native [`Format`] of this scalar.
    pub fn format(self) -> Format {
        const ALL: [Scalar; 14] = [
            Scalar::Bool,
            Scalar::I8,
            Scalar::U8,
            Scalar::I16,
            Scalar::U16,
            Scalar::I32,
            Scalar::U32,
            Scalar::I64,
            Scalar::U64,
            Scalar::F16,
            Scalar::F32,
            Scalar::F64,
            Scalar::C64,
            Scalar::C128,
        ];
        static CACHE: OnceLock<Vec<Format>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| {
            ALL.iter()
                .map(|s| {
                    Format::parse(s.native_format())
                        .expect("native formats parse")
                        .into_static()
                })
                .collect()
        });
        let idx = ALL
            .iter()
            .position(|&s| s == self)
            .expect("ALL lists every scalar");
        cache[idx].clone()
    }
}

impl Format {
    /// When this format holds exactly one `T` (one numeric value of `T`'s machine type, and an
    /// itemsize of `T`'s size), the byte order it is stored in.
    pub fn holds<T: Element>(&self) -> Option<ByteOrder> {
        match self.scalar() {
            Some((s, order)) if s == T::SCALAR && self.itemsize() == std::mem::size_of::<T>() => {
                Some(order)
            }
            _ => None,
        }
    }
}

macro_rules! int_element {
    ($($t:ty, $s:ident, $f:literal;)*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const SCALAR: Scalar = Scalar::$s;
            const FORMAT: &'static str = $f;
            fn to_value(self) -> Value {
                Value::Int(self as i128)
            }
            fn from_value(v: &Value) -> Option<Self> {
                v.as_int().and_then(|i| <$t>::try_from(i).ok())
            }
            #[inline(always)]
            fn swap_bytes(self) -> Self {
                <$t>::swap_bytes(self)
            }
        }
    )*};
}

int_element! {
    u8, U8, "B";
    i8, I8, "b";
    u16, U16, "H";
    i16, I16, "h";
    u32, U32, "I";
    i32, I32, "i";
    u64, U64, "Q";
    i64, I64, "q";
}

#[cfg(target_pointer_width = "64")]
int_element! {
    usize, U64, "N";
    isize, I64, "n";
}

#[cfg(target_pointer_width = "32")]
int_element! {
    usize, U32, "N";
    isize, I32, "n";
}

macro_rules! float_element {
    ($($t:ty, $s:ident, $f:literal, $from:expr;)*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const SCALAR: Scalar = Scalar::$s;
            const FORMAT: &'static str = $f;
            fn to_value(self) -> Value {
                Value::from(self)
            }
            fn from_value(v: &Value) -> Option<Self> {
                v.as_f64().map($from)
            }
            #[inline(always)]
            fn swap_bytes(self) -> Self {
                <$t>::from_bits(self.to_bits().swap_bytes())
            }
        }
    )*};
}

float_element! {
    f16, F16, "e", f16::from_f64;
    f32, F32, "f", |x: f64| x as f32;
    f64, F64, "d", |x: f64| x;
}

impl sealed::Sealed for bool {}
impl Element for bool {
    const SCALAR: Scalar = Scalar::Bool;
    const FORMAT: &'static str = "?";
    const ANY_BIT_PATTERN: bool = false;
    fn to_value(self) -> Value {
        Value::Bool(self)
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(v.truthy())
    }
    fn swap_bytes(self) -> Self {
        self
    }
    #[inline(always)]
    unsafe fn load(ptr: *const u8, _order: ByteOrder) -> Self {
        // SAFETY: the caller guarantees one readable byte; reading it as u8 is valid for any
        // value, and struct's rule makes every nonzero byte true.
        unsafe { ptr.read() != 0 }
    }
    #[inline(always)]
    unsafe fn store(self, ptr: *mut u8, _order: ByteOrder) {
        // SAFETY: the caller guarantees one writable byte.
        unsafe { ptr.write(u8::from(self)) }
    }
}

macro_rules! complex_element {
    ($($t:ty, $s:ident, $f:literal, $part:ty;)*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const SCALAR: Scalar = Scalar::$s;
            const FORMAT: &'static str = $f;
            fn to_value(self) -> Value {
                Value::from(self)
            }
            fn from_value(v: &Value) -> Option<Self> {
                v.as_complex().map(|c| <$t>::new(c.re as $part, c.im as $part))
            }
            #[inline(always)]
            fn swap_bytes(self) -> Self {
                <$t>::new(
                    <$part>::from_bits(self.re.to_bits().swap_bytes()),
                    <$part>::from_bits(self.im.to_bits().swap_bytes()),
                )
            }
        }
    )*};
}

complex_element! {
    Complex32, C64, "Zf", f32;
    Complex64, C128, "Zd", f64;
}
