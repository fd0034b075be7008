//! The one place where ndview's Rust errors become Python exceptions.

use pyo3::exceptions::{
    PyBufferError, PyIndexError, PyMemoryError, PyNotImplementedError, PyOSError, PyOverflowError,
    PyTypeError, PyValueError,
};
use pyo3::prelude::*;

/// Converts an [`ndview::Error`] into the exception CPython or NumPy raises for the same
/// mistake ([`ndview::Error::python_type`]), keeping ndview's message.
pub fn to_py(err: ndview::Error) -> PyErr {
    let msg = err.to_string();
    if let ndview::Error::Axis { .. } = err {
        return axis_error(msg);
    }
    match err.python_type() {
        Some(ndview::PyErr::StructError) => struct_error(msg),
        Some(ndview::PyErr::TypeError) => PyTypeError::new_err(msg),
        Some(ndview::PyErr::IndexError) => PyIndexError::new_err(msg),
        Some(ndview::PyErr::OverflowError) => PyOverflowError::new_err(msg),
        Some(ndview::PyErr::NotImplementedError) => PyNotImplementedError::new_err(msg),
        Some(ndview::PyErr::BufferError) => PyBufferError::new_err(msg),
        Some(ndview::PyErr::ValueError) => PyValueError::new_err(msg),
        Some(ndview::PyErr::MemoryError) => PyMemoryError::new_err(msg),
        _ => match err {
            ndview::Error::Type(_) => PyTypeError::new_err(msg),
            ndview::Error::Io(_) => PyOSError::new_err(msg),
            _ => PyValueError::new_err(msg),
        },
    }
}

/// `ndview.AxisError(msg)` (a `ValueError` and an `IndexError`, as NumPy's `AxisError`), or an
/// `IndexError` if the package cannot be imported.
pub fn axis_error(msg: String) -> PyErr {
    Python::attach(|py| {
        match py
            .import("ndview")
            .and_then(|m| m.getattr("AxisError"))
            .and_then(|cls| cls.call1((msg.clone(),)))
        {
            Ok(exc) => PyErr::from_value(exc),
            Err(_) => PyIndexError::new_err(msg),
        }
    })
}

/// `struct.error(msg)`, or a `ValueError` if the `struct` module cannot be imported.
fn struct_error(msg: String) -> PyErr {
    Python::attach(|py| {
        match py
            .import("struct")
            .and_then(|m| m.getattr("error"))
            .and_then(|cls| cls.call1((msg.clone(),)))
        {
            Ok(exc) => PyErr::from_value(exc),
            Err(_) => PyValueError::new_err(msg),
        }
    })
}

/// Extension to turn `ndview::Result` into `PyResult` with `.py()?`.
pub trait IntoPy<T> {
    /// The result with the error mapped by [`to_py`].
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for ndview::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// The error memoryview raises for any operation on a released view.
pub fn released() -> PyErr {
    PyValueError::new_err("operation forbidden on released memoryview object")
}

/// The error memoryview raises for a write through a read-only view.
pub fn readonly() -> PyErr {
    PyTypeError::new_err("cannot modify read-only memory")
}
