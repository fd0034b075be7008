//! The typed bridge: Rust types that a format can hold.

use crate::format::table::scalar_table;
use crate::format::{ByteOrder, Format, Scalar};
use crate::value::Value;
use half::f16;
use std::mem::size_of;
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
    Copy
    + Send
    + Sync
    + PartialEq
    + std::fmt::Debug
    + Default
    + 'static
    + bytemuck::NoUninit
    + sealed::Sealed
{
    /// The machine type.
    const SCALAR: Scalar;
    /// The native format string (`"f"`, `"q"`, `"Zd"`, ...).
    const FORMAT: &'static str;
    /// True when every bit pattern is a valid value (all types but `bool`).
    const ANY_BIT_PATTERN: bool = true;

    /// The shared parsed [`Format`] of [`Element::FORMAT`].
    fn format() -> Format {
        if const { same_str(Self::FORMAT, Self::SCALAR.native_format()) } {
            // The scalar's shared format, found by index (views are made on every call).
            Self::SCALAR.format()
        } else {
            // `usize` ("N") and `isize` ("n") share their scalar with u64/i64.
            Format::parse(Self::FORMAT).expect("native formats parse")
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

/// String equality usable in constants.
const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl Scalar {
    /// The shared parsed native [`Format`] of this scalar.
    pub fn format(self) -> Format {
        static CACHE: OnceLock<Vec<Format>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| {
            Scalar::ALL
                .iter()
                .map(|s| {
                    Format::parse(s.native_format())
                        .expect("native formats parse")
                        .into_static()
                })
                .collect()
        });
        // `ALL` lists the variants in declaration order, so a variant's index is its
        // discriminant.
        cache[self as usize].clone()
    }
}

/// Loads a `T` from the first `size_of::<T>()` bytes of `bytes` (panics if there are fewer).
#[inline(always)]
pub(crate) fn load_from<T: Element>(bytes: &[u8], order: ByteOrder) -> T {
    let b = &bytes[..size_of::<T>()];
    // SAFETY: `b` is `size_of::<T>()` readable bytes.
    unsafe { T::load(b.as_ptr(), order) }
}

/// Stores `value` into the first `size_of::<T>()` bytes of `bytes` (panics if there are fewer).
#[inline(always)]
pub(crate) fn store_to<T: Element>(value: T, bytes: &mut [u8], order: ByteOrder) {
    let b = &mut bytes[..size_of::<T>()];
    // SAFETY: `b` is `size_of::<T>()` writable bytes.
    unsafe { value.store(b.as_mut_ptr(), order) }
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

/// Conversion from `f64` as `struct.pack` does it for a float code (a C cast).
trait FromF64 {
    fn from_f64(x: f64) -> Self;
}

impl FromF64 for f16 {
    fn from_f64(x: f64) -> Self {
        f16::from_f64(x)
    }
}

impl FromF64 for f32 {
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

impl FromF64 for f64 {
    fn from_f64(x: f64) -> Self {
        x
    }
}

/// The `Element` impl of one machine type, by kind.
macro_rules! element_impl {
    (Bool, $t:ty, $s:expr, $f:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const SCALAR: Scalar = $s;
            const FORMAT: &'static str = $f;
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
                // SAFETY: the caller guarantees one readable byte; reading it as u8 is valid
                // for any value, and struct's rule makes every nonzero byte true.
                unsafe { ptr.read() != 0 }
            }
            #[inline(always)]
            unsafe fn store(self, ptr: *mut u8, _order: ByteOrder) {
                // SAFETY: the caller guarantees one writable byte.
                unsafe { ptr.write(u8::from(self)) }
            }
        }
    };
    (Signed, $t:ty, $s:expr, $f:expr) => {
        element_impl!(Int, $t, $s, $f);
    };
    (Unsigned, $t:ty, $s:expr, $f:expr) => {
        element_impl!(Int, $t, $s, $f);
    };
    (Int, $t:ty, $s:expr, $f:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const SCALAR: Scalar = $s;
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
    };
    (Float, $t:ty, $s:expr, $f:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const SCALAR: Scalar = $s;
            const FORMAT: &'static str = $f;
            fn to_value(self) -> Value {
                Value::from(self)
            }
            fn from_value(v: &Value) -> Option<Self> {
                v.as_f64().map(FromF64::from_f64)
            }
            #[inline(always)]
            fn swap_bytes(self) -> Self {
                <$t>::from_bits(self.to_bits().swap_bytes())
            }
        }
    };
    (Complex, $t:ty, $s:expr, $f:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const SCALAR: Scalar = $s;
            const FORMAT: &'static str = $f;
            fn to_value(self) -> Value {
                Value::from(self)
            }
            fn from_value(v: &Value) -> Option<Self> {
                v.as_complex()
                    .map(|c| <$t>::new(FromF64::from_f64(c.re), FromF64::from_f64(c.im)))
            }
            #[inline(always)]
            fn swap_bytes(self) -> Self {
                <$t>::new(Element::swap_bytes(self.re), Element::swap_bytes(self.im))
            }
        }
    };
}

/// The `Element` impls of every machine type (a `scalar_table!` callback).
macro_rules! element_impls {
    ([] $($v:ident, $t:ty, $fmt:literal, $kind:ident, $doc:literal;)*) => {
        $(element_impl!($kind, $t, Scalar::$v, $fmt);)*
    };
}
scalar_table!([element_impls]);

/// The integer machine type of `size` bytes; a compile error where there is none.
const fn int_scalar(signed: bool, size: usize) -> Scalar {
    match Scalar::int(signed, size) {
        Some(s) => s,
        None => panic!("no integer machine type of this size"),
    }
}

element_impl!(Unsigned, usize, int_scalar(false, size_of::<usize>()), "N");
element_impl!(Signed, isize, int_scalar(true, size_of::<isize>()), "n");
