//! Arithmetic conveniences: `add`, `sub`, `mul`, `div` of two views and with a scalar,
//! dispatching on the runtime format once per call (not per element).
//!
//! Both views must hold the same real type (any byte order); there is no type promotion:
//! `astype` first to mix types. Integers wrap on overflow, as NumPy's do; `div` is true
//! division (`np.divide`), so integer views give `f64`.
//!
//! ## Operators
//!
//! `&a + &b`, `&a * 2.0`, ... on views and arrays: NumPy's operators, each a new [`Array`]
//! (computed in parallel where large). They return `Result<Array>` because mismatched shapes
//! or types are an error, not a panic: write `(&a + &b)?`. A chain such as `&a * &b + 1`
//! makes a temporary per operator, one more pass over memory each; the fused
//! [`View::zip_map`] does it in one pass.
//!
//! ```
//! use ndview::{Array, View};
//! let a = Array::from(vec![1.0f32, 2.0, 3.0]);
//! let b = Array::from(vec![10.0f32, 20.0, 30.0]);
//! let c = (&a + &b)?;
//! assert_eq!(c.to_vec::<f32>()?, [11.0, 22.0, 33.0]);
//! let d = (&c * 2.0)?;
//! assert_eq!(d.to_vec::<f32>()?, [22.0, 44.0, 66.0]);
//! // The fused form of a * b + 1: one pass, no temporaries.
//! let fused = a.zip_map(&b, |x: f32, y: f32| x * y + 1.0)?;
//! assert_eq!(fused.to_vec::<f32>()?, [11.0, 41.0, 91.0]);
//! # Ok::<(), ndview::Error>(())
//! ```

use super::convert::{not_real, real_scalar, with_real_scalar};
use super::numeric::{CastFrom, Numeric};
use crate::array::Array;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::format::Scalar;
use crate::source::IntoView;
use crate::view::{View, ViewMut};

/// Arithmetic on one element type.
pub trait Arith: Numeric {
    /// The type of a true division.
    type Quot: Element;
    /// `a + b` (wrapping for integers, `or` for bool).
    fn add(self, b: Self) -> Self;
    /// `a - b` (wrapping for integers).
    fn sub(self, b: Self) -> Self;
    /// `a * b` (wrapping for integers, `and` for bool).
    fn mul(self, b: Self) -> Self;
    /// True division.
    fn true_div(self, b: Self) -> Self::Quot;
}

macro_rules! int_arith {
    ($($t:ty)*) => {$(
        impl Arith for $t {
            type Quot = f64;
            #[inline(always)]
            fn add(self, b: $t) -> $t { self.wrapping_add(b) }
            #[inline(always)]
            fn sub(self, b: $t) -> $t { self.wrapping_sub(b) }
            #[inline(always)]
            fn mul(self, b: $t) -> $t { self.wrapping_mul(b) }
            #[inline(always)]
            fn true_div(self, b: $t) -> f64 { self as f64 / b as f64 }
        }
    )*};
}
int_arith!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

macro_rules! float_arith {
    ($($t:ty)*) => {$(
        impl Arith for $t {
            type Quot = $t;
            #[inline(always)]
            fn add(self, b: $t) -> $t { self + b }
            #[inline(always)]
            fn sub(self, b: $t) -> $t { self - b }
            #[inline(always)]
            fn mul(self, b: $t) -> $t { self * b }
            #[inline(always)]
            fn true_div(self, b: $t) -> $t { self / b }
        }
    )*};
}
float_arith!(half::f16 f32 f64);

impl Arith for bool {
    type Quot = f64;
    fn add(self, b: bool) -> bool {
        self | b
    }
    fn sub(self, b: bool) -> bool {
        self ^ b
    }
    fn mul(self, b: bool) -> bool {
        self & b
    }
    fn true_div(self, b: bool) -> f64 {
        f64::from(u8::from(self)) / f64::from(u8::from(b))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

fn same_scalar(a: &View<'_>, b: &View<'_>) -> Result<Scalar> {
    let (sa, sb) = (real_scalar(a, "arithmetic")?, real_scalar(b, "arithmetic")?);
    if sa != sb {
        return Err(Error::Type(format!(
            "arithmetic needs both views to hold the same type, not {:?} and {:?}; astype one \
             of them first",
            a.format().as_str(),
            b.format().as_str()
        )));
    }
    Ok(sa)
}

fn check_op(s: Scalar, op: Op) -> Result<()> {
    if s == Scalar::Bool && op == Op::Sub {
        return Err(Error::Type(
            "numpy boolean subtract is not supported; use logical xor".to_owned(),
        ));
    }
    Ok(())
}

fn binary(a: &View<'_>, b: &View<'_>, op: Op, par: bool) -> Result<Array> {
    let s = same_scalar(a, b)?;
    check_op(s, op)?;
    with_real_scalar!(s, T => match op {
        Op::Add => a.zip_map_if(b, add_elements::<T>, par),
        Op::Sub => a.zip_map_if(b, sub_elements::<T>, par),
        Op::Mul => a.zip_map_if(b, mul_elements::<T>, par),
        Op::Div => a.zip_map_if(b, div_elements::<T>, par),
    }, Err(not_real(s, "arithmetic")))
}

// The four operations as functions rather than closures: each is then one type, so
// `binary` (sequential or parallel) and `binary_into` share one compiled kernel per type.
#[inline(always)]
fn add_elements<T: Arith>(x: T, y: T) -> T {
    x.add(y)
}
#[inline(always)]
fn sub_elements<T: Arith>(x: T, y: T) -> T {
    x.sub(y)
}
#[inline(always)]
fn mul_elements<T: Arith>(x: T, y: T) -> T {
    x.mul(y)
}
#[inline(always)]
fn div_elements<T: Arith>(x: T, y: T) -> T::Quot {
    x.true_div(y)
}

/// `x` as a `T`, refused unless exact.
fn exact<T: Numeric + CastFrom<f64>>(x: f64) -> Result<T> {
    match T::checked_from(x) {
        Some(v) if v.to_f64() == x || x.is_nan() && v.is_nan() => Ok(v),
        _ => Err(Error::Type(format!(
            "the scalar {x} is not exactly a {}; astype the view first",
            std::any::type_name::<T>()
        ))),
    }
}

fn scalar(a: &View<'_>, x: f64, op: Op, par: bool) -> Result<Array> {
    let s = real_scalar(a, "arithmetic")?;
    check_op(s, op)?;
    with_real_scalar!(s, T => {
        let c: T = exact(x)?;
        match op {
            Op::Add => a.map_if(move |v: T| v.add(c), par),
            Op::Sub => a.map_if(move |v: T| v.sub(c), par),
            Op::Mul => a.map_if(move |v: T| v.mul(c), par),
            Op::Div => a.map_if(move |v: T| v.true_div(c), par),
        }
    }, Err(not_real(s, "arithmetic")))
}

fn binary_into(out: &mut ViewMut<'_>, a: &View<'_>, b: &View<'_>, op: Op) -> Result<()> {
    let s = same_scalar(a, b)?;
    check_op(s, op)?;
    with_real_scalar!(s, T => match op {
        Op::Add => out.zip_map_into_if(a, b, add_elements::<T>, true),
        Op::Sub => out.zip_map_into_if(a, b, sub_elements::<T>, true),
        Op::Mul => out.zip_map_into_if(a, b, mul_elements::<T>, true),
        Op::Div => out.zip_map_into_if(a, b, div_elements::<T>, true),
    }, Err(not_real(s, "arithmetic")))
}

macro_rules! ops {
    ($($name:ident, $par_name:ident, $sname:ident, $par_sname:ident, $into:ident, $op:ident, $doc:literal;)*) => {$(
        #[doc = concat!("`a ", $doc, " b` element by element, broadcasting, into a new array.")]
        pub fn $name<'v>(a: impl IntoView<'v>, b: impl IntoView<'v>) -> Result<Array> {
            let a = a.view_cow();
            let b = b.view_cow();
            binary(&a, &b, Op::$op, false)
        }
        #[doc = concat!("[`", stringify!($name), "`] split across rayon's pool.")]
        pub fn $par_name<'v>(a: impl IntoView<'v>, b: impl IntoView<'v>) -> Result<Array> {
            let a = a.view_cow();
            let b = b.view_cow();
            binary(&a, &b, Op::$op, true)
        }
        #[doc = concat!("`a ", $doc, " x` for every element; `x` must convert exactly to the view's type.")]
        pub fn $sname<'v>(a: impl IntoView<'v>, x: f64) -> Result<Array> {
            let a = a.view_cow();
            scalar(&a, x, Op::$op, false)
        }
        #[doc = concat!("[`", stringify!($sname), "`] split across rayon's pool.")]
        pub fn $par_sname<'v>(a: impl IntoView<'v>, x: f64) -> Result<Array> {
            let a = a.view_cow();
            scalar(&a, x, Op::$op, true)
        }
        #[doc = concat!("`out = a ", $doc, " b` into an existing view (NumPy's `out=`), broadcasting `a` and `b` to `out`'s shape; `out` holds the result type (the operands' type, `f64` for integer division), in parallel where large.")]
        pub fn $into<'v>(out: &mut ViewMut<'_>, a: impl IntoView<'v>, b: impl IntoView<'v>) -> Result<()> {
            let a = a.view_cow();
            let b = b.view_cow();
            binary_into(out, &a, &b, Op::$op)
        }
    )*};
}

ops! {
    add, par_add, add_scalar, par_add_scalar, add_into, Add, "+";
    sub, par_sub, sub_scalar, par_sub_scalar, sub_into, Sub, "-";
    mul, par_mul, mul_scalar, par_mul_scalar, mul_into, Mul, "*";
    div, par_div, div_scalar, par_div_scalar, div_into, Div, "/";
}

macro_rules! operator {
    ($trait:ident, $method:ident, $par:ident, $par_s:ident) => {
        impl std::ops::$trait<&View<'_>> for &View<'_> {
            type Output = Result<Array>;
            fn $method(self, b: &View<'_>) -> Result<Array> {
                $par(self, b)
            }
        }
        impl std::ops::$trait<&Array> for &Array {
            type Output = Result<Array>;
            fn $method(self, b: &Array) -> Result<Array> {
                $par(&self.view(), &b.view())
            }
        }
        impl std::ops::$trait<&View<'_>> for &Array {
            type Output = Result<Array>;
            fn $method(self, b: &View<'_>) -> Result<Array> {
                $par(&self.view(), b)
            }
        }
        impl std::ops::$trait<&Array> for &View<'_> {
            type Output = Result<Array>;
            fn $method(self, b: &Array) -> Result<Array> {
                $par(self, &b.view())
            }
        }
        impl std::ops::$trait<f64> for &View<'_> {
            type Output = Result<Array>;
            fn $method(self, x: f64) -> Result<Array> {
                $par_s(self, x)
            }
        }
        impl std::ops::$trait<f64> for &Array {
            type Output = Result<Array>;
            fn $method(self, x: f64) -> Result<Array> {
                $par_s(&self.view(), x)
            }
        }
    };
}

/// The scalar operators for `i32` besides `f64`: `&v + 1` works as `&v + 1.0` does (the value
/// must convert exactly to the view's type). One integer type and one float type, so that a
/// literal of either needs no annotation; other numbers go through `as f64` (integers exact
/// up to 2^53).
macro_rules! scalar_operator {
    ($trait:ident, $method:ident, $par_s:ident; $($t:ty),*) => {$(
        impl std::ops::$trait<$t> for &View<'_> {
            type Output = Result<Array>;
            fn $method(self, x: $t) -> Result<Array> {
                $par_s(self, f64::from(x))
            }
        }
        impl std::ops::$trait<$t> for &Array {
            type Output = Result<Array>;
            fn $method(self, x: $t) -> Result<Array> {
                $par_s(&self.view(), f64::from(x))
            }
        }
    )*};
}

operator!(Add, add, par_add, par_add_scalar);
scalar_operator!(Add, add, par_add_scalar; i32);
scalar_operator!(Sub, sub, par_sub_scalar; i32);
scalar_operator!(Mul, mul, par_mul_scalar; i32);
scalar_operator!(Div, div, par_div_scalar; i32);
operator!(Sub, sub, par_sub, par_sub_scalar);
operator!(Mul, mul, par_mul, par_mul_scalar);
operator!(Div, div, par_div, par_div_scalar);
