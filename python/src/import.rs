//! The consumer side: taking a buffer from any Python exporter without copying.

use ndview::{Format, MAX_NDIM};
use pyo3::exceptions::{PyBufferError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use std::ffi::CStr;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::errors::IntoPy;
use crate::memory::{contiguous_strides, Geometry, Memory, Snapshot};
use crate::pyview::PyView;

/// Asks `obj` for a buffer with `flags`; `Err` with the exporter's exception on refusal.
fn get_buffer(obj: &Bound<'_, PyAny>, flags: i32) -> PyResult<Box<ffi::Py_buffer>> {
    // SAFETY: Py_buffer is a plain C struct for which all-zero is a valid "empty" value.
    let mut buf: Box<ffi::Py_buffer> = Box::new(unsafe { std::mem::zeroed() });
    // SAFETY: `obj` is a live object (we hold the GIL through `Bound`) and `buf` points at a
    // writable Py_buffer; on success the exporter fills it and we own one release.
    let rc = unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut *buf, flags) };
    if rc != 0 {
        return Err(PyErr::fetch(obj.py()));
    }
    Ok(buf)
}

/// Releases a buffer that we are not going to keep.
fn release(buf: &mut ffi::Py_buffer) {
    // SAFETY: `buf` came from a successful PyObject_GetBuffer and is released once, with the
    // GIL held (our callers hold a `Python` token).
    unsafe { ffi::PyBuffer_Release(buf) };
}

/// The exporter's buffer, writable if the exporter allows it, read-only otherwise.
fn acquire(obj: &Bound<'_, PyAny>) -> PyResult<(Box<ffi::Py_buffer>, bool)> {
    match get_buffer(obj, ffi::PyBUF_RECORDS) {
        Ok(b) => Ok((b, true)),
        Err(_) => Ok((get_buffer(obj, ffi::PyBUF_RECORDS_RO)?, false)),
    }
}

/// Format, shape and strides as the exporter describes them, checked before they are read.
struct Described {
    format: Format,
    shape: Vec<usize>,
    strides: Vec<isize>,
}

fn describe(buf: &ffi::Py_buffer) -> PyResult<Described> {
    let itemsize = usize::try_from(buf.itemsize)
        .map_err(|_| PyBufferError::new_err("exporter gave a negative itemsize"))?;
    let text = if buf.format.is_null() {
        "B".to_owned()
    } else {
        // SAFETY: a non-NULL format is a NUL-terminated string owned by the exporter for as
        // long as the buffer is held.
        unsafe { CStr::from_ptr(buf.format) }
            .to_str()
            .map_err(|_| PyBufferError::new_err("exporter's format is not UTF-8"))?
            .to_owned()
    };
    let format = Format::parse_with_itemsize(&text, itemsize).py()?;
    let ndim = usize::try_from(buf.ndim)
        .ok()
        .filter(|&n| n <= MAX_NDIM)
        .ok_or_else(|| PyBufferError::new_err(format!("exporter gave ndim {}", buf.ndim)))?;
    if !buf.suboffsets.is_null() {
        return Err(PyBufferError::new_err(
            "ndview cannot view PIL-style buffers (suboffsets)",
        ));
    }
    let shape: Vec<usize> = if ndim == 0 {
        Vec::new()
    } else if buf.shape.is_null() {
        if ndim > 1 {
            return Err(PyBufferError::new_err(
                "exporter gave ndim > 1 without a shape",
            ));
        }
        let n = usize::try_from(buf.len).unwrap_or(0);
        vec![n.checked_div(itemsize).unwrap_or(0)]
    } else {
        // SAFETY: a non-NULL shape has `ndim` entries owned by the exporter.
        let s = unsafe { std::slice::from_raw_parts(buf.shape, ndim) };
        s.iter()
            .map(|&d| usize::try_from(d))
            .collect::<Result<_, _>>()
            .map_err(|_| PyBufferError::new_err("exporter gave a negative dimension"))?
    };
    let ndim = shape.len();
    let strides = if buf.strides.is_null() {
        contiguous_strides(&shape, itemsize, false)
    } else {
        // SAFETY: a non-NULL strides array has `ndim` entries owned by the exporter.
        unsafe { std::slice::from_raw_parts(buf.strides, ndim) }.to_vec()
    };
    Ok(Described {
        format,
        shape,
        strides,
    })
}

/// The byte range `[lo, hi)` relative to element 0 that a geometry touches (empty: `(0, 0)`).
pub fn extent(shape: &[usize], strides: &[isize], itemsize: usize) -> PyResult<(i128, i128)> {
    if shape.contains(&0) {
        return Ok((0, 0));
    }
    let (mut lo, mut hi) = (0i128, itemsize as i128);
    for (&d, &s) in shape.iter().zip(strides) {
        let reach = (d as i128 - 1) * s as i128;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    if hi - lo > isize::MAX as i128 {
        return Err(PyValueError::new_err("buffer extent exceeds isize::MAX"));
    }
    Ok((lo, hi))
}

/// A snapshot of everything `obj` exports (NumPy's `np.asarray(obj)` without a copy).
pub fn import(obj: &Bound<'_, PyAny>) -> PyResult<Snapshot> {
    import_with(obj, true)
}

/// [`import`]; `fields`: the exporter's format will be read (so a ctypes format that leaves
/// out padding is refused), rather than replaced by an explicit one.
fn import_with(obj: &Bound<'_, PyAny>, fields: bool) -> PyResult<Snapshot> {
    if let Ok(v) = obj.cast::<PyView>() {
        return v.get().snapshot();
    }
    let (mut buf, writable) = acquire(obj)?;
    let held = import_held(&buf).and_then(|held| match fields {
        true => refuse_ctypes_padding(obj, &held.2).map(|_| held),
        false => Ok(held),
    });
    match held {
        Ok((ptr, len, geo)) => {
            let mem = Memory::from_python(buf, ptr, len, writable, obj.clone().unbind());
            Ok(Snapshot {
                mem: Arc::new(mem),
                geo,
                readonly: !writable,
            })
        }
        Err(e) => {
            release(&mut buf);
            Err(e)
        }
    }
}

/// ctypes describes a structure with padding wrongly: `struct {int a; double b;}` exports
/// `T{<i:a:<d:b:}` (12 bytes, no gap) with itemsize 16, so the fields would be read at the
/// wrong offsets. NumPy notices the itemsize mismatch and asks ctypes for the real layout;
/// ndview refuses, and says how to give the format itself.
fn refuse_ctypes_padding(obj: &Bound<'_, PyAny>, geo: &Geometry) -> PyResult<()> {
    let f = &geo.format;
    if f.plain_scalar().is_some() || f.natural_size() >= f.itemsize() {
        return Ok(());
    }
    let ctypes = obj.py().import("ctypes")?;
    let mut from_ctypes = false;
    for kind in ["Structure", "Union", "Array"] {
        from_ctypes |= obj.is_instance(&ctypes.getattr(kind)?)?;
    }
    if !from_ctypes {
        return Ok(());
    }
    Err(pyo3::exceptions::PyNotImplementedError::new_err(format!(
        "ctypes exports the format {:?} ({} bytes) for elements of {} bytes: its format leaves \
         out the structure's padding, so the fields' offsets are unknown; view it with the \
         layout written out, e.g. ndview.view(obj, \"T{{<i:a:4x<d:b:}}\", shape)",
        f.as_str(),
        f.natural_size(),
        f.itemsize()
    )))
}

fn import_held(buf: &ffi::Py_buffer) -> PyResult<(NonNull<u8>, usize, Geometry)> {
    let d = describe(buf)?;
    let (lo, hi) = extent(&d.shape, &d.strides, d.format.itemsize())?;
    let len = (hi - lo) as usize;
    let base = buf.buf.cast::<u8>();
    let ptr = if len == 0 {
        // Nothing is read; keep the exporter's address so re-exports report it.
        NonNull::new(base).unwrap_or(NonNull::dangling())
    } else {
        // SAFETY: the exporter's geometry says bytes buf+lo .. buf+hi are its elements' bytes,
        // so buf+lo is inside (or at the start of) the exporter's allocation.
        let p = unsafe { base.offset(lo as isize) };
        NonNull::new(p).ok_or_else(|| PyBufferError::new_err("exporter gave a NULL buffer"))?
    };
    let geo = Geometry {
        format: d.format,
        shape: d.shape,
        strides: d.strides,
        offset: (-lo) as usize,
    };
    Ok((ptr, len, geo))
}

/// The contiguous bytes of an exporter: a window `[start, start + len)` of a memory.
pub struct Flat {
    /// The memory that holds the window.
    pub mem: Arc<Memory>,
    /// First byte of the window within the memory.
    pub start: usize,
    /// Length of the window in bytes.
    pub len: usize,
    /// Whether writes are refused.
    pub readonly: bool,
}

/// The exporter's bytes as one flat region (it must be C- or F-contiguous, as NumPy's
/// `frombuffer` requires), for `frombuffer` and explicit geometries.
pub fn import_flat(obj: &Bound<'_, PyAny>) -> PyResult<Flat> {
    let s = import_with(obj, false)?;
    let view = s.view()?;
    if !view.is_contiguous() {
        return Err(PyBufferError::new_err(
            "the buffer must be C- or F-contiguous to take an explicit geometry",
        ));
    }
    let len = view.nbytes();
    drop(view);
    let (lo, _) = extent(&s.geo.shape, &s.geo.strides, s.geo.format.itemsize())?;
    let start = if len == 0 {
        0
    } else {
        (s.geo.offset as i128 + lo) as usize
    };
    Ok(Flat {
        mem: s.mem,
        start,
        len,
        readonly: s.readonly,
    })
}
