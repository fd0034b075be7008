//! Values between Rust ([`ndview::Value`]) and Python objects, as `struct` and `memoryview`
//! convert them.

use crate::errors::IntoPy as _;
use ndview::{Complex64, Format, Scalar, Value, ViewMut};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyComplex, PyFloat, PyInt, PyList, PyTuple};
use pyo3::IntoPyObjectExt;

/// The Python object for a value (`bool`, `int`, `float`, `complex`, `bytes`, `tuple`, `list`).
pub fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Bool(b) => b.into_py_any(py)?,
        Value::Int(i) => i.into_py_any(py)?,
        Value::Float(f) => f.into_py_any(py)?,
        Value::Complex(c) => PyComplex::from_doubles(py, c.re, c.im).into_any().unbind(),
        Value::Bytes(b) => PyBytes::new(py, b).into_any().unbind(),
        Value::Tuple(items) => {
            let items = items
                .iter()
                .map(|x| to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, items)?.into_any().unbind()
        }
        Value::List(items) => {
            let items = items
                .iter()
                .map(|x| to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
    })
}

/// The value of a Python object, for packing into an element.
///
/// `bool`, `int` (and anything with `__index__`), `float` (and anything with `__float__`),
/// `complex`, `bytes`/`bytearray`, and tuples or lists of those.
pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return Ok(Value::Int(int_value(i)?));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(c) = obj.cast::<PyComplex>() {
        return Ok(Value::Complex(Complex64::new(c.real(), c.imag())));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Value::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Value::Bytes(b.to_vec()));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return Ok(Value::Tuple(
            t.iter().map(|x| from_py(&x)).collect::<PyResult<_>>()?,
        ));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return Ok(Value::List(
            l.iter().map(|x| from_py(&x)).collect::<PyResult<_>>()?,
        ));
    }
    // NumPy scalars and other number-likes.
    let name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    if name.starts_with("bool") {
        return Ok(Value::Bool(obj.is_truthy()?));
    }
    if obj.hasattr("__index__")? {
        let i = obj.call_method0("__index__")?;
        return Ok(Value::Int(int_value(i.cast::<PyInt>()?)?));
    }
    if obj.hasattr("__complex__")? && !obj.hasattr("__float__")? {
        let c = obj.call_method0("__complex__")?;
        let c = c.cast::<PyComplex>()?;
        return Ok(Value::Complex(Complex64::new(c.real(), c.imag())));
    }
    if obj.hasattr("__float__")? {
        if name.starts_with("complex") {
            let c = obj.call_method0("__complex__")?;
            let c = c.cast::<PyComplex>()?;
            return Ok(Value::Complex(Complex64::new(c.real(), c.imag())));
        }
        return Ok(Value::Float(obj.call_method0("__float__")?.extract()?));
    }
    Err(PyTypeError::new_err(format!(
        "memoryview: invalid type for format: {name}"
    )))
}

/// The value to store into one element of `format`, converted as memoryview's `pack_single`
/// converts it for a single-value format (any byte order): integers through `__index__`
/// (`TypeError` for anything else, `ValueError` past the range), floats through `__float__`
/// (`f` rounds to infinity past its range, as a C cast does; `e` and `d` raise `ValueError`),
/// `?` by truth value, `c` from `bytes` of length 1. Other formats take [`from_py`].
pub fn element_value(obj: &Bound<'_, PyAny>, format: &Format) -> PyResult<Value> {
    if let Some(code) = format.opaque_code() {
        // memoryview refuses the format before it looks at the value.
        return Err(ndview::Error::Undecodable { code }).py();
    }
    let text = format.as_str();
    let type_err = || PyTypeError::new_err(format!("memoryview: invalid type for format '{text}'"));
    let value_err =
        || PyValueError::new_err(format!("memoryview: invalid value for format '{text}'"));
    let py = obj.py();
    if text.trim_start_matches(['<', '>', '!', '=', '@']) == "c" {
        let b = obj.cast::<PyBytes>().map_err(|_| type_err())?;
        return match b.as_bytes() {
            [_] => Ok(Value::Bytes(b.as_bytes().to_vec())),
            _ => Err(value_err()),
        };
    }
    let Some((scalar, _)) = format.plain_scalar() else {
        return from_py(obj);
    };
    match scalar {
        Scalar::Bool => Ok(Value::Bool(obj.is_truthy()?)),
        Scalar::I8
        | Scalar::U8
        | Scalar::I16
        | Scalar::U16
        | Scalar::I32
        | Scalar::U32
        | Scalar::I64
        | Scalar::U64 => {
            // SAFETY: `obj` is a live object and we hold the GIL; the result is a new
            // reference or null with an exception set.
            let index = unsafe {
                Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyNumber_Index(obj.as_ptr()))
            }
            .map_err(|_| type_err())?;
            let i = index.cast::<PyInt>().map_err(|_| type_err())?;
            Ok(Value::Int(i.extract::<i128>().map_err(|_| value_err())?))
        }
        Scalar::F16 | Scalar::F32 | Scalar::F64 => {
            let x: f64 = match obj.extract::<f64>() {
                Ok(x) => x,
                Err(e) if e.is_instance_of::<PyOverflowError>(py) => return Err(value_err()),
                Err(e) if e.is_instance_of::<PyValueError>(py) => return Err(value_err()),
                Err(_) => return Err(type_err()),
            };
            Ok(Value::Float(if scalar == Scalar::F32 {
                f64::from(x as f32)
            } else {
                x
            }))
        }
        // Complex values, and any machine type added later.
        _ => from_py(obj),
    }
}

/// Maps an error from storing a converted value into `dst`: a value its single-value format
/// cannot hold is memoryview's `ValueError` ("invalid value for format"); others as usual.
pub fn store_error(dst: &ViewMut<'_>) -> impl FnOnce(ndview::Error) -> PyErr {
    let format = dst.format().clone();
    move |e| match (format.plain_scalar(), e.python_type()) {
        (Some(_), Some(ndview::PyErr::StructError) | Some(ndview::PyErr::OverflowError)) => {
            PyValueError::new_err(format!(
                "memoryview: invalid value for format '{}'",
                format.as_str()
            ))
        }
        _ => crate::errors::to_py(e),
    }
}

/// A Python int as `i128`, saturating beyond (so that packing reports the range error).
fn int_value(i: &Bound<'_, PyInt>) -> PyResult<i128> {
    match i.extract::<i128>() {
        Ok(v) => Ok(v),
        Err(e) if e.is_instance_of::<PyOverflowError>(i.py()) => {
            Ok(if i.lt(0)? { i128::MIN } else { i128::MAX })
        }
        Err(e) => Err(e),
    }
}
