//! `ndview.view` and `ndview.frombuffer`: views of any exporter, with the exporter's own
//! geometry or a validated explicit one.

use ndview::{Format, View};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::ptr::NonNull;

use crate::errors::IntoPy;
use crate::import::{import, import_flat, Flat};
use crate::memory::{contiguous_strides, Geometry, Snapshot};
use crate::pyview::PyView;

/// Checks `format`/`shape`/`strides`/`offset` against the window of `flat` and returns the
/// geometry relative to the whole memory.
fn place(
    flat: &Flat,
    format: Format,
    shape: &[usize],
    strides: &[isize],
    offset: usize,
) -> PyResult<Geometry> {
    let start = if flat.len == 0 {
        flat.mem.ptr()
    } else {
        // SAFETY: `start < mem.len()` (the window lies inside the memory), so the pointer stays
        // within the memory's allocation.
        unsafe { NonNull::new_unchecked(flat.mem.ptr().as_ptr().add(flat.start)) }
    };
    // SAFETY: the window `[start, start + len)` is readable for as long as `flat.mem` lives,
    // which outlives this temporary view (used only to validate the geometry).
    let v =
        unsafe { View::from_raw_parts(start, flat.len, &format, shape, strides, offset) }.py()?;
    let offset = usize::try_from(v.offset()).unwrap_or(0) + flat.start;
    drop(v);
    Ok(Geometry {
        format,
        shape: shape.to_vec(),
        strides: strides.to_vec(),
        offset,
    })
}

/// A view of any buffer exporter, without copying.
///
/// With only `obj`, the view has the exporter's format, shape and strides (NumPy's
/// `np.asarray(obj)` without a copy) and is writable exactly when the exporter allows. With a
/// `format` (and optionally `shape`, byte `strides`, byte `offset` of element 0), the
/// exporter's bytes (which must be contiguous) are viewed with that geometry, like NumPy's
/// `as_strided`; a geometry that leaves the buffer is a `ValueError`, never a crash.
#[pyfunction]
#[pyo3(signature = (obj, format = None, shape = None, strides = None, offset = 0))]
pub fn view(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    format: Option<&str>,
    shape: Option<Vec<isize>>,
    strides: Option<Vec<isize>>,
    offset: isize,
) -> PyResult<Py<PyView>> {
    if format.is_none() && shape.is_none() && strides.is_none() && offset == 0 {
        return Py::new(py, PyView::new(import(obj)?)?);
    }
    let Ok(offset) = usize::try_from(offset) else {
        return Err(PyValueError::new_err(format!(
            "offset must be non-negative, got {offset}"
        )));
    };
    let flat = import_flat(obj)?;
    let format = Format::parse(format.unwrap_or("B")).py()?;
    let itemsize = format.itemsize();
    let shape = match shape {
        Some(s) => s
            .iter()
            .map(|&d| {
                usize::try_from(d).map_err(|_| {
                    PyValueError::new_err(format!(
                        "negative dimensions are not allowed, got shape {s:?}"
                    ))
                })
            })
            .collect::<PyResult<Vec<usize>>>()?,
        None => {
            if itemsize == 0 {
                return Err(PyValueError::new_err("a zero-size format needs a shape"));
            }
            let Some(bytes) = flat.len.checked_sub(offset) else {
                return Err(PyValueError::new_err(format!(
                    "offset must be no greater than the buffer's length ({}), got {offset}",
                    flat.len
                )));
            };
            // As NumPy's frombuffer: every byte after the offset belongs to an element.
            if bytes % itemsize != 0 {
                return Err(PyValueError::new_err(format!(
                    "buffer size must be a multiple of element size: {bytes} bytes after the \
                     offset, elements of {itemsize} bytes (give a shape to view fewer)"
                )));
            }
            vec![bytes / itemsize]
        }
    };
    let strides = match strides {
        Some(s) => s,
        None => contiguous_strides(&shape, itemsize, false),
    };
    if strides.len() != shape.len() {
        return Err(PyValueError::new_err(format!(
            "strides has {} entries but shape has {}",
            strides.len(),
            shape.len()
        )));
    }
    let geo = place(&flat, format, &shape, &strides, offset)?;
    Py::new(
        py,
        PyView::new(Snapshot {
            mem: flat.mem,
            geo,
            readonly: flat.readonly,
        })?,
    )
}

/// NumPy's `frombuffer`: a 1-D view of `count` elements of `format` (all that fit when -1)
/// starting `offset` bytes into the exporter's (contiguous) bytes.
#[pyfunction]
#[pyo3(signature = (obj, format = "B", count = -1, offset = 0))]
pub fn frombuffer(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    format: &str,
    count: isize,
    offset: isize,
) -> PyResult<Py<PyView>> {
    let flat = import_flat(obj)?;
    let format = Format::parse(format).py()?;
    let itemsize = format.itemsize();
    if itemsize == 0 {
        return Err(PyValueError::new_err("itemsize cannot be zero in type"));
    }
    let len = flat.len;
    let offset = usize::try_from(offset)
        .ok()
        .filter(|&o| o <= len)
        .ok_or_else(|| {
            PyValueError::new_err("offset must be non-negative and no greater than buffer length")
        })?;
    let avail = len - offset;
    let n = if count < 0 {
        if avail % itemsize != 0 {
            return Err(PyValueError::new_err(
                "buffer size must be a multiple of element size",
            ));
        }
        avail / itemsize
    } else {
        let n = count as usize;
        if n.checked_mul(itemsize).is_none_or(|b| b > avail) {
            return Err(PyValueError::new_err(
                "buffer is smaller than requested size",
            ));
        }
        n
    };
    let geo = place(&flat, format, &[n], &[itemsize as isize], offset)?;
    Py::new(
        py,
        PyView::new(Snapshot {
            mem: flat.mem,
            geo,
            readonly: flat.readonly,
        })?,
    )
}

/// A read-only view of part of a file, memory-mapped (NumPy's `memmap(mode="r")`): the
/// `prod(shape) * itemsize` bytes from byte `offset`, C-contiguous, through the core's
/// `SharedView::map_file`. Pages are read from the file as they are touched, so the file may
/// be larger than memory.
///
/// As with `numpy.memmap` and Python's `mmap`, the mapped part of the file must not be
/// truncated or rewritten by anyone while views of it exist.
#[pyfunction]
#[pyo3(signature = (path, format, shape, offset = 0))]
pub fn map_file(
    py: Python<'_>,
    path: std::path::PathBuf,
    format: &str,
    shape: Vec<usize>,
    offset: u64,
) -> PyResult<Py<PyView>> {
    // SAFETY: the documented contract above (the file is not changed while mapped) is passed
    // on to the Python caller, as numpy.memmap does.
    let shared = unsafe { ndview::SharedView::map_file(&path, format, &shape, offset) }.map_err(
        |e| match e {
            // The OSError subclass for the errno (FileNotFoundError, IsADirectoryError, ...),
            // with `errno`, `strerror` and `filename` set, as `open()` raises it.
            ndview::Error::Io(io) => match io.raw_os_error() {
                Some(errno) => {
                    let text = io.to_string();
                    let strerror = match text.rsplit_once(" (os error") {
                        Some((message, _)) => message.to_owned(),
                        None => text,
                    };
                    let filename = path.to_string_lossy().into_owned();
                    pyo3::exceptions::PyOSError::new_err((errno, strerror, filename))
                }
                None => PyErr::from(io),
            },
            e => crate::errors::to_py(e),
        },
    )?;
    Py::new(py, PyView::new(Snapshot::from_shared(shared))?)
}
