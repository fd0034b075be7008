//! `unpack` and `pack`: values in and out of bytes, exactly as `struct` does it.

use super::code::{Code, Scalar};
use super::item::{ByteOrder, Item, Mode};
use super::Format;
use crate::error::{Error, PyErr, Result};
use crate::value::{Complex64, Value};
use half::f16;

/// Reads `N` bytes at `at` as a native-order array, swapping if `order` is not native.
fn read<const N: usize>(bytes: &[u8], at: usize, order: ByteOrder) -> [u8; N] {
    let mut a: [u8; N] = bytes[at..at + N]
        .try_into()
        .expect("caller checked the length");
    if !order.is_native() {
        a.reverse();
    }
    a
}

fn write<const N: usize>(out: &mut [u8], at: usize, order: ByteOrder, mut a: [u8; N]) {
    if !order.is_native() {
        a.reverse();
    }
    out[at..at + N].copy_from_slice(&a);
}

/// Decodes one numeric value of type `s` stored at `at`.
pub(crate) fn decode_scalar(bytes: &[u8], at: usize, s: Scalar, order: ByteOrder) -> Value {
    match s {
        Scalar::Bool => Value::Bool(bytes[at] != 0),
        Scalar::I8 => Value::Int(i128::from(bytes[at] as i8)),
        Scalar::U8 => Value::Int(i128::from(bytes[at])),
        Scalar::I16 => Value::Int(i16::from_ne_bytes(read(bytes, at, order)).into()),
        Scalar::U16 => Value::Int(u16::from_ne_bytes(read(bytes, at, order)).into()),
        Scalar::I32 => Value::Int(i32::from_ne_bytes(read(bytes, at, order)).into()),
        Scalar::U32 => Value::Int(u32::from_ne_bytes(read(bytes, at, order)).into()),
        Scalar::I64 => Value::Int(i64::from_ne_bytes(read(bytes, at, order)).into()),
        Scalar::U64 => Value::Int(u64::from_ne_bytes(read(bytes, at, order)).into()),
        Scalar::F16 => Value::Float(f16::from_ne_bytes(read(bytes, at, order)).to_f64()),
        Scalar::F32 => Value::Float(f32::from_ne_bytes(read(bytes, at, order)).into()),
        Scalar::F64 => Value::Float(f64::from_ne_bytes(read(bytes, at, order))),
        Scalar::C64 => Value::Complex(Complex64::new(
            f32::from_ne_bytes(read(bytes, at, order)).into(),
            f32::from_ne_bytes(read(bytes, at + 4, order)).into(),
        )),
        Scalar::C128 => Value::Complex(Complex64::new(
            f64::from_ne_bytes(read(bytes, at, order)),
            f64::from_ne_bytes(read(bytes, at + 8, order)),
        )),
    }
}

/// Decodes one element of `item` (one repetition, one sub-array cell) stored at `at`.
fn decode_element(item: &Item, bytes: &[u8], at: usize) -> Result<Value> {
    Ok(match item.code {
        Code::Char => Value::Bytes(vec![bytes[at]]),
        Code::Bytes => Value::Bytes(bytes[at..at + item.elem_size].to_vec()),
        Code::Pascal => {
            // CPython cannot unpack `0p` (SystemError); ndview gives b''.
            let len = item.elem_size;
            let n = if len == 0 {
                0
            } else {
                usize::from(bytes[at]).min(len - 1)
            };
            Value::Bytes(bytes.get(at + 1..at + 1 + n).unwrap_or(&[]).to_vec())
        }
        Code::Struct => Value::Tuple(decode_items(&item.fields, bytes, at)?),
        code => {
            let s = code
                .scalar(item.elem_size)
                .expect("every other code is numeric");
            decode_scalar(bytes, at, s, item.byte_order())
        }
    })
}

/// Decodes a sequence of items starting at `base`, flattening counts as struct does.
///
/// The number of values comes from the format (a count of `4294967296T{}` is 2^32 values of
/// zero bytes each), so every list is reserved fallibly: too many is [`Error::Alloc`].
fn decode_items(items: &[Item], bytes: &[u8], base: usize) -> Result<Vec<Value>> {
    let n = items
        .iter()
        .map(Item::values)
        .fold(0usize, usize::saturating_add);
    let mut out = crate::error::try_vec(n, "unpacked values")?;
    for item in items {
        let at = base + item.offset;
        match &item.shape {
            _ if item.code == Code::Pad => {}
            None if item.code.count_is_length() => out.push(decode_element(item, bytes, at)?),
            None => {
                for k in 0..item.count {
                    out.push(decode_element(item, bytes, at + k * item.elem_size)?);
                }
            }
            Some(shape) => {
                let mut dims = shape.clone();
                if !item.code.count_is_length() && item.count != 1 {
                    dims.push(item.count);
                }
                let mut next = at;
                out.push(nest(&dims, &mut || {
                    let v = decode_element(item, bytes, next);
                    next += item.elem_size;
                    v
                })?);
            }
        }
    }
    Ok(out)
}

/// Builds nested lists of the given dimensions from values taken in C order; each list is
/// reserved fallibly (the dimensions come from the caller).
pub(crate) fn nest(dims: &[usize], next: &mut dyn FnMut() -> Result<Value>) -> Result<Value> {
    match dims {
        [] => next(),
        [n, rest @ ..] => {
            let mut list = crate::error::try_vec(*n, "nested lists")?;
            for _ in 0..*n {
                list.push(nest(rest, next)?);
            }
            Ok(Value::List(list))
        }
    }
}

impl Format {
    /// Unpacks one element, like `struct.unpack`: always a tuple of the format's values.
    ///
    /// `bytes` must be exactly [`Format::itemsize`] long.
    ///
    /// ```
    /// let f = ndview::Format::parse("<h2s?").unwrap();
    /// let v = f.unpack(&[0xff, 0xff, b'h', b'i', 2]).unwrap();
    /// assert_eq!(v.to_string(), "(-1, b'hi', True)");
    /// ```
    pub fn unpack(&self, bytes: &[u8]) -> Result<Value> {
        if bytes.len() != self.itemsize() {
            return Err(Error::Unpack(format!(
                "unpack requires a buffer of {} bytes for format {:?}, got {}",
                self.itemsize(),
                self.as_str(),
                bytes.len()
            )));
        }
        Ok(Value::Tuple(decode_items(self.items(), bytes, 0)?))
    }

    /// Decodes one element (`bytes` holds at least `itemsize` bytes) as `tolist` shows it.
    pub(crate) fn decode_value(&self, bytes: &[u8]) -> Result<Value> {
        if let Some((s, order)) = self.plain_scalar() {
            return Ok(decode_scalar(bytes, 0, s, order));
        }
        let mut values = decode_items(self.items(), &bytes[..self.itemsize()], 0)?;
        Ok(if values.len() == 1 {
            values.pop().expect("one value")
        } else {
            Value::Tuple(values)
        })
    }

    /// Unpacks one element as `tolist` shows it: the value itself when the format holds one
    /// value, else the tuple of its values.
    ///
    /// ```
    /// let f = ndview::Format::parse("<h").unwrap();
    /// assert_eq!(f.unpack_value(&[1, 0]).unwrap().to_string(), "1");
    /// let g = ndview::Format::parse("<hh").unwrap();
    /// assert_eq!(g.unpack_value(&[1, 0, 2, 0]).unwrap().to_string(), "(1, 2)");
    /// ```
    pub fn unpack_value(&self, bytes: &[u8]) -> Result<Value> {
        match self.unpack(bytes)? {
            Value::Tuple(mut values) if values.len() == 1 => Ok(values.pop().expect("one value")),
            tuple => Ok(tuple),
        }
    }

    /// Packs values like `struct.pack`: a tuple with one value per item (a bare value when the
    /// format has exactly one). Ranges are checked as struct checks them.
    ///
    /// ```
    /// use ndview::{Format, Value};
    /// let f = Format::parse(">hd").unwrap();
    /// let b = f.pack(&Value::Tuple(vec![Value::Int(1), Value::Float(0.5)])).unwrap();
    /// assert_eq!(b, [0, 1, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]);
    /// assert!(Format::parse("b").unwrap().pack(&Value::Int(128)).is_err());
    /// ```
    pub fn pack(&self, value: &Value) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        out.try_reserve_exact(self.itemsize()).map_err(|_| {
            Error::pack(
                PyErr::StructError,
                format!("cannot allocate {} bytes to pack into", self.itemsize()),
            )
        })?;
        out.resize(self.itemsize(), 0);
        self.pack_into(value, &mut out)?;
        Ok(out)
    }

    /// Packs into `out` (exactly [`Format::itemsize`] bytes); padding bytes are zeroed.
    pub fn pack_into(&self, value: &Value, out: &mut [u8]) -> Result<()> {
        if out.len() != self.itemsize() {
            return Err(Error::pack(
                PyErr::StructError,
                format!(
                    "pack_into requires a buffer of {} bytes, got {}",
                    self.itemsize(),
                    out.len()
                ),
            ));
        }
        let values = args(value, self.value_count())?;
        out.fill(0);
        encode_items(self.items(), values, out, 0)
    }
}

/// The argument list a value stands for, given how many values are expected.
fn args(value: &Value, expected: usize) -> Result<&[Value]> {
    match value {
        Value::Tuple(v) if v.len() == expected => Ok(v),
        v if expected == 1 => Ok(std::slice::from_ref(v)),
        Value::Tuple(v) => Err(Error::pack(
            PyErr::StructError,
            format!(
                "pack expected {expected} items for packing (got {})",
                v.len()
            ),
        )),
        v => Err(Error::pack(
            PyErr::StructError,
            format!(
                "pack expected {expected} items for packing (got one {})",
                v.type_name()
            ),
        )),
    }
}

/// CPython turns an overflow caused by an int argument into `struct.error`
/// ("int too large to convert"); a float argument keeps its `OverflowError`.
fn encode_checked(item: &Item, v: &Value, out: &mut [u8], at: usize) -> Result<()> {
    encode_element(item, v, out, at).map_err(|e| match e {
        Error::Pack {
            reason,
            python: PyErr::OverflowError,
        } if v.as_int().is_some() => Error::pack(PyErr::StructError, reason),
        e => e,
    })
}

fn encode_items(items: &[Item], values: &[Value], out: &mut [u8], base: usize) -> Result<()> {
    let mut values = values.iter();
    for item in items {
        let at = base + item.offset;
        match &item.shape {
            _ if item.code == Code::Pad => {}
            None if item.code.count_is_length() => {
                encode_checked(item, values.next().expect("counted"), out, at)?
            }
            None => {
                for k in 0..item.count {
                    let v = values.next().expect("counted");
                    encode_checked(item, v, out, at + k * item.elem_size)?;
                }
            }
            Some(shape) => {
                let mut dims = shape.clone();
                if !item.code.count_is_length() && item.count != 1 {
                    dims.push(item.count);
                }
                let mut next = at;
                unnest(&dims, values.next().expect("counted"), &mut |v| {
                    encode_checked(item, v, out, next)?;
                    next += item.elem_size;
                    Ok(())
                })?;
            }
        }
    }
    Ok(())
}

/// Walks nested lists (or tuples) of the given dimensions in C order.
fn unnest(dims: &[usize], v: &Value, f: &mut dyn FnMut(&Value) -> Result<()>) -> Result<()> {
    match dims {
        [] => f(v),
        [n, rest @ ..] => match v.as_slice() {
            Some(items) if items.len() == *n => items.iter().try_for_each(|i| unnest(rest, i, f)),
            _ => Err(Error::pack(
                PyErr::StructError,
                format!("a sub-array needs a list of {n} items, got {v}"),
            )),
        },
    }
}

fn not_int(v: &Value) -> Error {
    Error::pack(
        PyErr::StructError,
        format!(
            "required argument is not an integer (got {})",
            v.type_name()
        ),
    )
}

fn not_float(v: &Value) -> Error {
    Error::pack(
        PyErr::StructError,
        format!("required argument is not a float (got {})", v.type_name()),
    )
}

fn encode_element(item: &Item, v: &Value, out: &mut [u8], at: usize) -> Result<()> {
    let order = item.byte_order();
    let bytes_arg = |what: &str| match v {
        Value::Bytes(b) => Ok(b.as_slice()),
        _ => Err(Error::pack(
            PyErr::StructError,
            format!(
                "argument for {what} must be a bytes object (got {})",
                v.type_name()
            ),
        )),
    };
    match item.code {
        Code::Pad => {}
        Code::Char => match v {
            Value::Bytes(b) if b.len() == 1 => out[at] = b[0],
            _ => {
                return Err(Error::pack(
                    PyErr::StructError,
                    "char format requires a bytes object of length 1",
                ))
            }
        },
        Code::Bytes => {
            let b = bytes_arg("'s'")?;
            let n = b.len().min(item.elem_size);
            out[at..at + n].copy_from_slice(&b[..n]);
        }
        Code::Pascal => {
            let b = bytes_arg("'p'")?;
            if item.elem_size > 0 {
                let n = b.len().min(item.elem_size - 1);
                out[at + 1..at + 1 + n].copy_from_slice(&b[..n]);
                out[at] = n.min(255) as u8;
            }
        }
        Code::Struct => {
            let values = args(v, item.struct_values)?;
            encode_items(&item.fields, values, out, at)?;
        }
        Code::Bool => out[at] = u8::from(v.truthy()),
        Code::Half => {
            let x = v.as_f64().ok_or_else(|| not_float(v))?;
            let h = if x.is_nan() {
                // CPython packs every NaN as the quiet NaN with the sign kept.
                f16::from_bits(if x.is_sign_negative() { 0xfe00 } else { 0x7e00 })
            } else {
                f16::from_f64(x)
            };
            if h.is_infinite() && x.is_finite() {
                return Err(Error::pack(
                    PyErr::OverflowError,
                    "float too large to pack with e format",
                ));
            }
            write(out, at, order, h.to_ne_bytes());
        }
        Code::Float => {
            let x = v.as_f64().ok_or_else(|| not_float(v))?;
            let y = x as f32;
            // Only the standard modes check; native 'f' is a C cast (1e300 -> inf).
            if item.mode != Mode::Native
                && item.mode != Mode::NativeUnaligned
                && y.is_infinite()
                && x.is_finite()
            {
                return Err(Error::pack(
                    PyErr::OverflowError,
                    "float too large to pack with f format",
                ));
            }
            write(out, at, order, y.to_ne_bytes());
        }
        Code::Double => {
            let x = v.as_f64().ok_or_else(|| not_float(v))?;
            write(out, at, order, x.to_ne_bytes());
        }
        Code::ComplexFloat | Code::ComplexDouble => {
            let c = v.as_complex().ok_or_else(|| {
                Error::pack(
                    PyErr::TypeError,
                    format!("a complex item needs a number, got {}", v.type_name()),
                )
            })?;
            if item.code == Code::ComplexFloat {
                write(out, at, order, (c.re as f32).to_ne_bytes());
                write(out, at + 4, order, (c.im as f32).to_ne_bytes());
            } else {
                write(out, at, order, c.re.to_ne_bytes());
                write(out, at + 8, order, c.im.to_ne_bytes());
            }
        }
        code => {
            let i = v.as_int().ok_or_else(|| not_int(v))?;
            let size = item.elem_size;
            let signed = code
                .scalar(size)
                .is_some_and(|s| matches!(s, Scalar::I8 | Scalar::I16 | Scalar::I32 | Scalar::I64));
            let bits = 8 * size as u32;
            // `P` takes any value a signed or unsigned pointer-sized integer holds.
            let (lo, hi) = if code == Code::Pointer {
                (-(1i128 << (bits - 1)), (1i128 << bits) - 1)
            } else if signed {
                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
            } else {
                (0, (1i128 << bits) - 1)
            };
            if i < lo || i > hi {
                let python = if code == Code::Pointer {
                    PyErr::OverflowError
                } else {
                    PyErr::StructError
                };
                return Err(Error::pack(
                    python,
                    format!(
                        "'{}' format requires {lo} <= number <= {hi} (got {i})",
                        code.as_str()
                    ),
                ));
            }
            let le = (i as u128).to_le_bytes();
            let mut b = [0u8; 8];
            b[..size].copy_from_slice(&le[..size]);
            if order == ByteOrder::Big {
                b[..size].reverse();
            }
            out[at..at + size].copy_from_slice(&b[..size]);
        }
    }
    Ok(())
}
