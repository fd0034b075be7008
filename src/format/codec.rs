//! `unpack` and `pack`: values in and out of bytes, exactly as `struct` does it.

use super::code::{Code, Holds, Scalar, ScalarKind};
use super::item::{ByteOrder, Item};
use super::table::with_scalar;
use super::Format;
use crate::element::{load_from, store_to, Element};
use crate::error::{Error, PyErr, Result};
use crate::value::Value;
use half::f16;

/// Decodes one numeric value of type `s` stored at `at`.
pub(crate) fn decode_scalar(bytes: &[u8], at: usize, s: Scalar, order: ByteOrder) -> Value {
    with_scalar!(s, T => load_from::<T>(&bytes[at..], order).to_value())
}

/// Decodes one element of `item` (one repetition, one sub-array cell) stored at `at`.
fn decode_element(item: &Item, bytes: &[u8], at: usize) -> Result<Value> {
    Ok(match item.code.holds() {
        Holds::Pad => return Err(Error::Unpack("pad bytes ('x') have no value".to_owned())),
        Holds::Opaque => return Err(Error::Undecodable { code: item.code }),
        Holds::Char => Value::Bytes(vec![bytes[at]]),
        Holds::Bytes => Value::Bytes(bytes[at..at + item.elem_size].to_vec()),
        Holds::Pascal => {
            // CPython cannot unpack `0p` (SystemError); ndview gives b''.
            let len = item.elem_size;
            let n = if len == 0 {
                0
            } else {
                usize::from(bytes[at]).min(len - 1)
            };
            Value::Bytes(bytes.get(at + 1..at + 1 + n).unwrap_or(&[]).to_vec())
        }
        Holds::Struct => Value::Tuple(decode_items(&item.fields, bytes, at)?),
        Holds::Signed | Holds::Unsigned | Holds::Pointer | Holds::Scalar(_) => {
            // The code table is checked at compile time to have a machine type for every
            // size a numeric code takes, so this is always `Some`.
            let Some(s) = item.scalar() else {
                return Err(Error::Unpack(format!(
                    "no machine type holds a {}-byte '{}'",
                    item.elem_size,
                    item.code.as_str()
                )));
            };
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
        self.decodable()?;
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
        self.decodable()?;
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
        self.decodable()?;
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

impl Format {
    /// [`Error::Undecodable`] where memoryview refuses a format before it looks at any
    /// element (`tolist`, `in`): an opaque code ([`Format::opaque_code`]) in a format that is
    /// not one native character (`2w`, `Zg`). A single `g`, `u` or `w` fails only on an
    /// element, so an empty view of one still lists as `[]`.
    ///
    /// ```
    /// use ndview::Format;
    /// assert!(Format::parse("2w").unwrap().check_listable().is_err());
    /// assert!(Format::parse("w").unwrap().check_listable().is_ok());
    /// ```
    pub fn check_listable(&self) -> Result<()> {
        let text = self.as_str();
        let one_char = text.strip_prefix('@').unwrap_or(text).len() == 1;
        match self.opaque_code() {
            Some(code) if !one_char => Err(Error::Undecodable { code }),
            _ => Ok(()),
        }
    }

    /// [`Error::Undecodable`] for a format with an opaque code, checked before any other
    /// rule, as memoryview refuses such formats before it looks at values.
    fn decodable(&self) -> Result<()> {
        match self.opaque_code() {
            Some(code) => Err(Error::Undecodable { code }),
            None => Ok(()),
        }
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
    match item.code.holds() {
        Holds::Pad => {}
        Holds::Opaque => return Err(Error::Undecodable { code: item.code }),
        Holds::Char => match v {
            Value::Bytes(b) if b.len() == 1 => out[at] = b[0],
            _ => {
                return Err(Error::pack(
                    PyErr::StructError,
                    "char format requires a bytes object of length 1",
                ))
            }
        },
        Holds::Bytes => {
            let b = bytes_arg("'s'")?;
            let n = b.len().min(item.elem_size);
            out[at..at + n].copy_from_slice(&b[..n]);
        }
        Holds::Pascal => {
            let b = bytes_arg("'p'")?;
            if item.elem_size > 0 {
                let n = b.len().min(item.elem_size - 1);
                out[at + 1..at + 1 + n].copy_from_slice(&b[..n]);
                out[at] = n.min(255) as u8;
            }
        }
        Holds::Struct => {
            let values = args(v, item.struct_values)?;
            encode_items(&item.fields, values, out, at)?;
        }
        Holds::Signed => encode_int(item, v, out, at, Range::Signed)?,
        Holds::Unsigned => encode_int(item, v, out, at, Range::Unsigned)?,
        Holds::Pointer => encode_int(item, v, out, at, Range::Either)?,
        Holds::Scalar(s) => encode_scalar(item, s, v, out, at)?,
    }
    Ok(())
}

/// The values an integer code packs.
#[derive(Clone, Copy, PartialEq)]
enum Range {
    Signed,
    Unsigned,
    /// Anything a signed or an unsigned integer of the size holds (`P`).
    Either,
}

fn encode_int(item: &Item, v: &Value, out: &mut [u8], at: usize, range: Range) -> Result<()> {
    let i = v.as_int().ok_or_else(|| not_int(v))?;
    let size = item.elem_size;
    let bits = 8 * size as u32;
    let (lo, hi) = match range {
        Range::Either => (-(1i128 << (bits - 1)), (1i128 << bits) - 1),
        Range::Signed => (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1),
        Range::Unsigned => (0, (1i128 << bits) - 1),
    };
    if i < lo || i > hi {
        let python = if range == Range::Either {
            PyErr::OverflowError
        } else {
            PyErr::StructError
        };
        return Err(Error::pack(
            python,
            format!(
                "'{}' format requires {lo} <= number <= {hi} (got {i})",
                item.code.as_str()
            ),
        ));
    }
    let le = (i as u128).to_le_bytes();
    let mut b = [0u8; 16];
    b[..size].copy_from_slice(&le[..size]);
    if item.byte_order() == ByteOrder::Big {
        b[..size].reverse();
    }
    out[at..at + size].copy_from_slice(&b[..size]);
    Ok(())
}

/// Packs one value of a code that holds a fixed machine type.
fn encode_scalar(item: &Item, s: Scalar, v: &Value, out: &mut [u8], at: usize) -> Result<()> {
    let order = item.byte_order();
    let out = &mut out[at..];
    match s.kind() {
        ScalarKind::Bool => out[0] = u8::from(v.truthy()),
        ScalarKind::Signed => encode_int(item, v, out, 0, Range::Signed)?,
        ScalarKind::Unsigned => encode_int(item, v, out, 0, Range::Unsigned)?,
        ScalarKind::Float => {
            let x = v.as_f64().ok_or_else(|| not_float(v))?;
            if s == Scalar::F16 && x.is_nan() {
                // CPython packs every NaN as the quiet NaN with the sign kept.
                let h = f16::from_bits(if x.is_sign_negative() { 0xfe00 } else { 0x7e00 });
                store_to(h, out, order);
                return Ok(());
            }
            // Half floats always check for overflow; other floats only in the standard
            // modes (native 'f' is a C cast: 1e300 gives inf, as in CPython).
            let checked = s == Scalar::F16 || !item.mode.native_sizes();
            with_scalar!(s, T => {
                let y = T::from_value(&Value::Float(x)).ok_or_else(|| not_float(v))?;
                let inf = y.to_value().as_f64().is_some_and(f64::is_infinite);
                if checked && inf && x.is_finite() {
                    return Err(Error::pack(
                        PyErr::OverflowError,
                        format!("float too large to pack with {} format", item.code.as_str()),
                    ));
                }
                store_to(y, out, order)
            })
        }
        ScalarKind::Complex => with_scalar!(s, T => {
            let c = T::from_value(v).ok_or_else(|| {
                Error::pack(
                    PyErr::TypeError,
                    format!("a complex item needs a number, got {}", v.type_name()),
                )
            })?;
            // In the standard modes each part of a single-precision complex is packed as
            // standard 'f' is (CPython 3.14's `F`/`Zf` call PyFloat_Pack4 twice): a finite part
            // that becomes infinite is an OverflowError with Pack4's message. Native mode is
            // a C cast, as for 'f'.
            if s == Scalar::C64 && !item.mode.native_sizes() {
                let (want, got) = (v.as_complex(), c.to_value().as_complex());
                if let (Some(w), Some(g)) = (want, got) {
                    let grew = |x: f64, y: f64| x.is_finite() && y.is_infinite();
                    if grew(w.re, g.re) || grew(w.im, g.im) {
                        return Err(Error::pack(
                            PyErr::OverflowError,
                            "float too large to pack with f format".to_string(),
                        ));
                    }
                }
            }
            store_to(c, out, order)
        }),
    }
    Ok(())
}
