//! Runtime dispatch from a format's scalar type to the Rust element type of a kernel.

use ndview::{Format, Scalar, Value};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// Runs `$body` with `$T` bound to the Rust type of the real scalar `$s`, or `$other`.
macro_rules! with_real {
    ($s:expr, $T:ident => $body:expr, $other:expr) => {
        match $s {
            ndview::Scalar::Bool => {
                type $T = bool;
                $body
            }
            ndview::Scalar::I8 => {
                type $T = i8;
                $body
            }
            ndview::Scalar::U8 => {
                type $T = u8;
                $body
            }
            ndview::Scalar::I16 => {
                type $T = i16;
                $body
            }
            ndview::Scalar::U16 => {
                type $T = u16;
                $body
            }
            ndview::Scalar::I32 => {
                type $T = i32;
                $body
            }
            ndview::Scalar::U32 => {
                type $T = u32;
                $body
            }
            ndview::Scalar::I64 => {
                type $T = i64;
                $body
            }
            ndview::Scalar::U64 => {
                type $T = u64;
                $body
            }
            ndview::Scalar::F16 => {
                type $T = half::f16;
                $body
            }
            ndview::Scalar::F32 => {
                type $T = f32;
                $body
            }
            ndview::Scalar::F64 => {
                type $T = f64;
                $body
            }
            _ => $other,
        }
    };
}
pub(crate) use with_real;

/// The real scalar type that every element of `format` is, or a `TypeError` naming `what`.
pub fn real_scalar(format: &Format, what: &str) -> PyResult<Scalar> {
    // A record of one field (`T{d:x:}`) is not a number: NumPy's ufuncs have no loop for it.
    match format.plain_scalar() {
        Some((s, _))
            if format.itemsize() == s.size() && !matches!(s, Scalar::C64 | Scalar::C128) =>
        {
            Ok(s)
        }
        _ => Err(PyTypeError::new_err(format!(
            "{what} needs one real number per element; format {:?} is not one",
            format.as_str()
        ))),
    }
}

/// Element values as [`Value`]s (what reductions return to Python).
pub trait IntoValue {
    /// The value.
    fn into_value(self) -> Value;
}

macro_rules! int_value {
    ($($t:ty)*) => {$(
        impl IntoValue for $t {
            fn into_value(self) -> Value { Value::Int(self as i128) }
        }
    )*};
}
int_value!(i8 u8 i16 u16 i32 u32 i64 u64 isize usize);

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}
impl IntoValue for half::f16 {
    fn into_value(self) -> Value {
        Value::Float(self.to_f64())
    }
}
impl IntoValue for f32 {
    fn into_value(self) -> Value {
        Value::Float(f64::from(self))
    }
}
impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::Float(self)
    }
}
