//! Dynamic values: what unpacking a format yields and what packing takes.

mod repr;

pub(crate) use repr::write_float32;

pub use num_complex::Complex64;

/// A dynamically typed value, the Rust twin of the Python objects `struct` and `tolist` give.
///
/// `Display` is exactly Python's `repr()` of the same object, and `==` follows Python's
/// equality: numbers compare by value across types (`1 == 1.0 == True`), NaN is unequal to
/// everything, bytes compare as bytes, tuples and lists element by element.
///
/// ```
/// use ndview::Value;
/// let v = Value::Tuple(vec![Value::Int(1), Value::Float(2.5), Value::Bytes(b"a\0".to_vec())]);
/// assert_eq!(v.to_string(), r"(1, 2.5, b'a\x00')");
/// assert_eq!(Value::Float(1e-5).to_string(), "1e-05");
/// assert_eq!(Value::Int(1), Value::Float(1.0));
/// assert_ne!(Value::Float(f64::NAN), Value::Float(f64::NAN));
/// ```
#[derive(Debug, Clone)]
pub enum Value {
    /// `bool`.
    Bool(bool),
    /// `int`: holds every `i64` and every `u64`.
    Int(i128),
    /// `float`.
    Float(f64),
    /// `complex`.
    Complex(Complex64),
    /// `bytes` (from `c`, `s`, `p`).
    Bytes(Vec<u8>),
    /// `tuple`: an unpacked format, a structure, an element with several items.
    Tuple(Vec<Value>),
    /// `list`: the nesting of `tolist`, a sub-array.
    List(Vec<Value>),
}

impl Value {
    /// Python's truth value (`bool(x)`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Complex(c) => c.re != 0.0 || c.im != 0.0,
            Value::Bytes(b) => !b.is_empty(),
            Value::Tuple(v) | Value::List(v) => !v.is_empty(),
        }
    }

    /// The integer this value is, for `int` and `bool` (Python's `__index__`).
    pub fn as_int(&self) -> Option<i128> {
        match *self {
            Value::Bool(b) => Some(i128::from(b)),
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The float this value converts to, for `int`, `bool` and `float` (Python's
    /// `__float__`).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Bool(b) => Some(f64::from(u8::from(b))),
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The complex this value converts to, for every number.
    pub fn as_complex(&self) -> Option<Complex64> {
        match *self {
            Value::Complex(c) => Some(c),
            _ => self.as_f64().map(|re| Complex64::new(re, 0.0)),
        }
    }

    /// The items of a tuple or list.
    pub fn as_slice(&self) -> Option<&[Value]> {
        match self {
            Value::Tuple(v) | Value::List(v) => Some(v),
            _ => None,
        }
    }

    /// A short name of the Python type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Complex(_) => "complex",
            Value::Bytes(_) => "bytes",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
        }
    }
}

/// Exact comparison of an integer with a float, as Python does (no rounding of the int).
fn int_eq_float(i: i128, f: f64) -> bool {
    // Every i128 is below 2**127 in magnitude; a float of that size or more cannot be equal.
    f.is_finite() && f.fract() == 0.0 && f.abs() < 1.7014118346046923e38 && f as i128 == i
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Bytes(a), Bytes(b)) => a == b,
            (Tuple(a), Tuple(b)) | (List(a), List(b)) => a == b,
            (Complex(a), Complex(b)) => a == b,
            (Complex(c), b) | (b, Complex(c)) => c.im == 0.0 && Float(c.re) == *b,
            (Float(a), Float(b)) => a == b,
            (Float(f), b) | (b, Float(f)) => b.as_int().is_some_and(|i| int_eq_float(i, *f)),
            (a, b) => match (a.as_int(), b.as_int()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }
}

macro_rules! from_int {
    ($($t:ty)*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(v as i128)
            }
        }
    )*};
}
from_int!(i8 u8 i16 u16 i32 u32 i64 u64 isize usize);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Value {
        Value::Float(f64::from(v))
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

impl From<half::f16> for Value {
    fn from(v: half::f16) -> Value {
        Value::Float(v.to_f64())
    }
}

impl From<Complex64> for Value {
    fn from(v: Complex64) -> Value {
        Value::Complex(v)
    }
}

impl From<num_complex::Complex32> for Value {
    fn from(v: num_complex::Complex32) -> Value {
        Value::Complex(Complex64::new(f64::from(v.re), f64::from(v.im)))
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

impl From<Vec<Value>> for Value {
    /// A `Vec` becomes a tuple, as `struct.pack`'s argument list.
    fn from(v: Vec<Value>) -> Value {
        Value::Tuple(v)
    }
}
