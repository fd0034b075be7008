//! Values between Rust ([`ndview::Value`]) and Python objects, as `struct` and `memoryview`
//! convert them.

use ndview::{Complex64, Value};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
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
