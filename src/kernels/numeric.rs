//! Numeric element types: how they accumulate, compare and convert.

use crate::element::Element;
use half::f16;
use num_traits::{NumCast, ToPrimitive};
// `NumCast::from` and `ToPrimitive::to_f64` are always called by their full paths: the
// element types have `From` and `Numeric::to_f64` too.

/// Real numeric element types (the integers, `bool`, `f16`, `f32`, `f64`): what reductions,
/// comparisons and conversions work on.
///
/// Sums and products accumulate in [`Numeric::Acc`], as NumPy does: integers in 64 bits
/// (wrapping on overflow, as NumPy's integer arithmetic wraps), `bool` as a count, `f16` in
/// `f32` (NumPy returns `f16`; ndview keeps the `f32`, rounded to `f16` after each row where
/// NumPy adds rows), `f32` and `f64` in themselves.
pub trait Numeric: Element + PartialOrd {
    /// The accumulator type of sums and products.
    type Acc: Element;
    /// The value as an accumulator.
    fn to_acc(self) -> Self::Acc;
    /// 0 as an accumulator.
    fn acc_zero() -> Self::Acc;
    /// 1 as an accumulator.
    fn acc_one() -> Self::Acc;
    /// Accumulator addition (wrapping for integers).
    fn acc_add(a: Self::Acc, b: Self::Acc) -> Self::Acc;
    /// Accumulator multiplication (wrapping for integers).
    fn acc_mul(a: Self::Acc, b: Self::Acc) -> Self::Acc;
    /// True for a NaN (never for integers).
    fn is_nan(self) -> bool;
    /// The value as `f64` (for comparisons with a tolerance).
    fn to_f64(self) -> f64;
    /// One addition of a sum along an axis whose rows are added in order (see
    /// [`View::sum_axis`](crate::View::sum_axis)), rounded as NumPy rounds it there: to `f16`
    /// for `f16` (NumPy's `f16` sums keep `f16` between rows; its pairwise lane sums
    /// accumulate in `f32`), [`Numeric::acc_add`] for the others.
    #[doc(hidden)]
    #[inline(always)]
    fn row_add(a: Self::Acc, b: Self::Acc) -> Self::Acc {
        Self::acc_add(a, b)
    }
    /// [`Numeric::row_add`] for products.
    #[doc(hidden)]
    #[inline(always)]
    fn row_mul(a: Self::Acc, b: Self::Acc) -> Self::Acc {
        Self::acc_mul(a, b)
    }
    /// The elements themselves as accumulators, when `Acc` is `Self` (f32, f64).
    fn as_acc_slice(xs: &[Self]) -> Option<&[Self::Acc]> {
        let _ = xs;
        None
    }
}

macro_rules! int_numeric {
    ($($t:ty => $acc:ty),*) => {$(
        impl Numeric for $t {
            type Acc = $acc;
            #[inline(always)]
            fn to_acc(self) -> $acc { self as $acc }
            fn acc_zero() -> $acc { 0 }
            fn acc_one() -> $acc { 1 }
            #[inline(always)]
            fn acc_add(a: $acc, b: $acc) -> $acc { a.wrapping_add(b) }
            #[inline(always)]
            fn acc_mul(a: $acc, b: $acc) -> $acc { a.wrapping_mul(b) }
            #[inline(always)]
            fn is_nan(self) -> bool { false }
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
        }
    )*};
}

int_numeric!(i8 => i64, i16 => i64, i32 => i64, i64 => i64, isize => i64,
             u8 => u64, u16 => u64, u32 => u64, u64 => u64, usize => u64);

impl Numeric for bool {
    type Acc = i64;
    fn to_acc(self) -> i64 {
        <i64 as From<bool>>::from(self)
    }
    fn acc_zero() -> i64 {
        0
    }
    fn acc_one() -> i64 {
        1
    }
    fn acc_add(a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
    fn acc_mul(a: i64, b: i64) -> i64 {
        a.wrapping_mul(b)
    }
    fn is_nan(self) -> bool {
        false
    }
    fn to_f64(self) -> f64 {
        if self {
            1.0
        } else {
            0.0
        }
    }
}

macro_rules! float_numeric {
    ($($t:ty => $acc:ty, $to:expr, $f64:expr, $slice:expr, $round:expr);*) => {$(
        impl Numeric for $t {
            type Acc = $acc;
            #[inline(always)]
            fn to_acc(self) -> $acc { $to(self) }
            fn acc_zero() -> $acc { 0.0 }
            fn acc_one() -> $acc { 1.0 }
            #[inline(always)]
            fn acc_add(a: $acc, b: $acc) -> $acc { a + b }
            #[inline(always)]
            fn acc_mul(a: $acc, b: $acc) -> $acc { a * b }
            #[inline(always)]
            fn is_nan(self) -> bool { self != self }
            #[inline(always)]
            fn to_f64(self) -> f64 { $f64(self) }
            #[inline(always)]
            fn as_acc_slice(xs: &[$t]) -> Option<&[$acc]> { $slice(xs) }
            #[inline(always)]
            fn row_add(a: $acc, b: $acc) -> $acc { $round(a + b) }
            #[inline(always)]
            fn row_mul(a: $acc, b: $acc) -> $acc { $round(a * b) }
        }
    )*};
}

float_numeric!(
    f16 => f32, |x: f16| x.to_f32(), |x: f16| x.to_f64(), |_: &[f16]| None,
        |x: f32| f16::from_f32(x).to_f32();
    f32 => f32, |x: f32| x, |x: f32| x as f64, Some, |x: f32| x;
    f64 => f64, |x: f64| x, |x: f64| x, Some, |x: f64| x
);

/// How [`View::astype`](crate::View::astype) treats values the target type cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conversion {
    /// Clamp to the target's range (NaN becomes 0, as Rust's `as` does for floats to
    /// integers); floats that overflow a narrower float become infinite.
    Saturating,
    /// Refuse the whole conversion if any value does not fit exactly in range (NaN into an
    /// integer, 300 into `u8`, 1e300 into `f32`); fractions truncate toward zero.
    Checked,
    /// NumPy's `astype` (C's casts): an integer into a narrower integer keeps its low bits
    /// (`-1i8` becomes `255u8`, `300` becomes `44u8`); everything else as [`Saturating`]
    /// (where NumPy's float-to-integer result out of range depends on the platform).
    ///
    /// ```
    /// use ndview::{Conversion, View};
    /// let v = View::from_slice(&[-1i16, 300, 7]);
    /// let w = v.astype::<u8>(Conversion::Wrapping).unwrap();
    /// assert_eq!(w.as_slice::<u8>().unwrap(), &[255, 44, 7]);
    /// let s = v.astype::<u8>(Conversion::Saturating).unwrap();
    /// assert_eq!(s.as_slice::<u8>().unwrap(), &[0, 255, 7]);
    /// ```
    ///
    /// [`Saturating`]: Conversion::Saturating
    Wrapping,
}

/// Conversion from `T` (every real element type implements it from every other).
pub trait CastFrom<T>: Sized {
    /// The value clamped into range.
    fn saturating_from(x: T) -> Self;
    /// The value, or `None` when it is out of range (or NaN into an integer).
    fn checked_from(x: T) -> Option<Self>;
    /// The value as C casts it ([`Conversion::Wrapping`]): the low bits of an integer into a
    /// narrower integer, otherwise [`CastFrom::saturating_from`].
    #[inline(always)]
    fn wrapping_from(x: T) -> Self {
        Self::saturating_from(x)
    }
}

/// Integer to integer: in range as is; out of range clamped (saturating) or refused.
macro_rules! int_to_int {
    ($s:ty => $($t:ty)*) => {$(
        impl CastFrom<$s> for $t {
            #[inline(always)]
            fn saturating_from(x: $s) -> $t {
                match <$t as NumCast>::from(x) {
                    Some(v) => v,
                    None if ToPrimitive::to_i64(&x).is_some_and(|v| v < 0) => <$t>::MIN,
                    None => <$t>::MAX,
                }
            }
            #[inline(always)]
            fn checked_from(x: $s) -> Option<$t> {
                <$t as NumCast>::from(x)
            }
            #[inline(always)]
            fn wrapping_from(x: $s) -> $t {
                // Two's complement truncation or extension, as C's integer casts.
                x as $t
            }
        }
    )*};
}

/// Integer to float: always in range for f32/f64 (rounded); f16 can overflow to infinity.
macro_rules! int_to_float {
    ($($s:ty)*) => {$(
        impl CastFrom<$s> for f32 {
            #[inline(always)]
            fn saturating_from(x: $s) -> f32 { x as f32 }
            fn checked_from(x: $s) -> Option<f32> { Some(x as f32) }
        }
        impl CastFrom<$s> for f64 {
            #[inline(always)]
            fn saturating_from(x: $s) -> f64 { x as f64 }
            fn checked_from(x: $s) -> Option<f64> { Some(x as f64) }
        }
        impl CastFrom<$s> for f16 {
            #[inline(always)]
            fn saturating_from(x: $s) -> f16 { f16::from_f64(x as f64) }
            fn checked_from(x: $s) -> Option<f16> {
                let y = f16::from_f64(x as f64);
                y.is_finite().then_some(y)
            }
        }
        impl CastFrom<$s> for bool {
            #[inline(always)]
            fn saturating_from(x: $s) -> bool { x != 0 }
            fn checked_from(x: $s) -> Option<bool> { Some(x != 0) }
        }
        impl CastFrom<bool> for $s {
            #[inline(always)]
            fn saturating_from(x: bool) -> $s { x as $s }
            fn checked_from(x: bool) -> Option<$s> { Some(x as $s) }
        }
    )*};
}

/// Float (f32, f64) to integer: Rust's `as` saturates and maps NaN to 0; checked refuses NaN
/// and out-of-range values, truncating fractions.
macro_rules! float_to_int {
    ($s:ty => $($t:ty)*) => {$(
        impl CastFrom<$s> for $t {
            #[inline(always)]
            fn saturating_from(x: $s) -> $t { x as $t }
            fn checked_from(x: $s) -> Option<$t> { <$t as NumCast>::from(x.trunc()) }
        }
    )*};
}

/// f16 to integer, through f32 (exact).
macro_rules! half_to_int {
    ($($t:ty)*) => {$(
        impl CastFrom<f16> for $t {
            #[inline(always)]
            fn saturating_from(x: f16) -> $t { x.to_f32() as $t }
            fn checked_from(x: f16) -> Option<$t> { <$t as NumCast>::from(x.to_f32().trunc()) }
        }
    )*};
}

/// Float to float: rounded; a finite value that overflows is refused by checked.
macro_rules! float_to_float {
    ($($s:ty => $t:ty, $conv:expr);*) => {$(
        impl CastFrom<$s> for $t {
            #[inline(always)]
            fn saturating_from(x: $s) -> $t { $conv(x) }
            fn checked_from(x: $s) -> Option<$t> {
                let y: $t = $conv(x);
                let overflow = ToPrimitive::to_f64(&x).is_some_and(f64::is_finite)
                    && !ToPrimitive::to_f64(&y).is_some_and(f64::is_finite);
                (!overflow).then_some(y)
            }
        }
    )*};
}

macro_rules! all_ints {
    ($m:ident!($($pre:tt)*)) => {
        $m!($($pre)* i8 i16 i32 i64 isize u8 u16 u32 u64 usize);
    };
}

all_ints!(int_to_int!(i8 =>));
all_ints!(int_to_int!(i16 =>));
all_ints!(int_to_int!(i32 =>));
all_ints!(int_to_int!(i64 =>));
all_ints!(int_to_int!(isize =>));
all_ints!(int_to_int!(u8 =>));
all_ints!(int_to_int!(u16 =>));
all_ints!(int_to_int!(u32 =>));
all_ints!(int_to_int!(u64 =>));
all_ints!(int_to_int!(usize =>));
all_ints!(int_to_float!());
all_ints!(float_to_int!(f32 =>));
all_ints!(float_to_int!(f64 =>));
all_ints!(half_to_int!());

float_to_float!(
    f32 => f32, |x: f32| x;
    f32 => f64, |x: f32| x as f64;
    f64 => f32, |x: f64| x as f32;
    f64 => f64, |x: f64| x;
    f16 => f32, f16::to_f32;
    f16 => f64, f16::to_f64;
    f32 => f16, f16::from_f32;
    f64 => f16, f16::from_f64;
    f16 => f16, |x: f16| x
);

impl CastFrom<bool> for bool {
    fn saturating_from(x: bool) -> bool {
        x
    }
    fn checked_from(x: bool) -> Option<bool> {
        Some(x)
    }
}

macro_rules! bool_float {
    ($($t:ty, $zero:expr, $one:expr);*) => {$(
        impl CastFrom<bool> for $t {
            fn saturating_from(x: bool) -> $t { if x { $one } else { $zero } }
            fn checked_from(x: bool) -> Option<$t> { Some(Self::saturating_from(x)) }
        }
        impl CastFrom<$t> for bool {
            fn saturating_from(x: $t) -> bool { x != $zero }
            fn checked_from(x: $t) -> Option<bool> { Some(x != $zero) }
        }
    )*};
}
bool_float!(f16, f16::ZERO, f16::ONE; f32, 0.0, 1.0; f64, 0.0, 1.0);

/// Every real element type converts from every other: the bound of
/// [`View::astype`](crate::View::astype).
pub trait CastFromAll:
    Element
    + CastFrom<i8>
    + CastFrom<i16>
    + CastFrom<i32>
    + CastFrom<i64>
    + CastFrom<u8>
    + CastFrom<u16>
    + CastFrom<u32>
    + CastFrom<u64>
    + CastFrom<isize>
    + CastFrom<usize>
    + CastFrom<bool>
    + CastFrom<f16>
    + CastFrom<f32>
    + CastFrom<f64>
{
}

impl<T> CastFromAll for T where
    T: Element
        + CastFrom<i8>
        + CastFrom<i16>
        + CastFrom<i32>
        + CastFrom<i64>
        + CastFrom<u8>
        + CastFrom<u16>
        + CastFrom<u32>
        + CastFrom<u64>
        + CastFrom<isize>
        + CastFrom<usize>
        + CastFrom<bool>
        + CastFrom<f16>
        + CastFrom<f32>
        + CastFrom<f64>
{
}
