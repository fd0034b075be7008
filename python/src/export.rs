//! The producer side: filling a `Py_buffer` for a consumer, honouring its request flags the
//! way CPython's memoryview does (`memory_getbuf` in Objects/memoryobject.c).

use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;
use std::os::raw::c_int;

use crate::pyview::PyView;

fn wants(flags: c_int, bits: c_int) -> bool {
    flags & bits == bits
}

/// Fills `view` with the elements of `slf` for a request with `flags`, or raises
/// `BufferError` when the request cannot be met.
///
/// # Safety
/// `view` must be NULL or point at a writable `Py_buffer`, as CPython passes to `bf_getbuffer`.
pub unsafe fn get_buffer(
    slf: &Bound<'_, PyView>,
    view: *mut ffi::Py_buffer,
    flags: c_int,
) -> PyResult<()> {
    if view.is_null() {
        return Err(PyBufferError::new_err(
            "ndview: the Py_buffer pointer is NULL",
        ));
    }
    let this = slf.get();
    let snap = this.snapshot()?;
    let core = snap.view()?;
    let readonly = snap.readonly || !snap.mem.writable();
    let c_contig = core.is_c_contiguous();
    let f_contig = core.is_f_contiguous();

    if wants(flags, ffi::PyBUF_WRITABLE) && readonly {
        return Err(PyBufferError::new_err(
            "memoryview: underlying buffer is not writable",
        ));
    }
    let with_format = wants(flags, ffi::PyBUF_FORMAT);
    if wants(flags, ffi::PyBUF_C_CONTIGUOUS) && !c_contig {
        return Err(PyBufferError::new_err(
            "memoryview: underlying buffer is not C-contiguous",
        ));
    }
    if wants(flags, ffi::PyBUF_F_CONTIGUOUS) && !f_contig {
        return Err(PyBufferError::new_err(
            "memoryview: underlying buffer is not Fortran contiguous",
        ));
    }
    if wants(flags, ffi::PyBUF_ANY_CONTIGUOUS) && !c_contig && !f_contig {
        return Err(PyBufferError::new_err(
            "memoryview: underlying buffer is not contiguous",
        ));
    }
    let with_strides = wants(flags, ffi::PyBUF_STRIDES);
    if !with_strides && !c_contig {
        return Err(PyBufferError::new_err(
            "memoryview: underlying buffer is not C-contiguous",
        ));
    }
    let with_shape = wants(flags, ffi::PyBUF_ND);
    if !with_shape && with_format {
        return Err(PyBufferError::new_err(
            "memoryview: cannot cast to unsigned bytes if the format flag is present",
        ));
    }

    let ffi_parts = this.ffi_parts();
    // SAFETY: `view` is non-NULL and writable (caller's contract). The pointers stored in it
    // (format, shape, strides) point into `this`, which the strong reference in `view.obj`
    // keeps alive until the consumer releases the buffer; `buf` points at element 0 inside
    // the memory, which `this` keeps alive (release() is refused while exports live).
    unsafe {
        let v = &mut *view;
        v.buf = snap.mem.ptr().as_ptr().wrapping_add(snap.geo.offset).cast();
        v.len = core.nbytes() as isize;
        v.readonly = c_int::from(readonly);
        v.itemsize = core.itemsize() as isize;
        v.format = if with_format {
            ffi_parts.format.as_ptr().cast_mut()
        } else {
            std::ptr::null_mut()
        };
        if with_shape {
            v.ndim = core.ndim() as c_int;
            // A 0-d view exports NULL shape and strides, as memoryview does.
            v.shape = if core.ndim() == 0 {
                std::ptr::null_mut()
            } else {
                ffi_parts.shape.as_ptr().cast_mut()
            };
        } else {
            v.ndim = 1;
            v.shape = std::ptr::null_mut();
        }
        v.strides = if with_strides && core.ndim() > 0 {
            ffi_parts.strides.as_ptr().cast_mut()
        } else {
            std::ptr::null_mut()
        };
        v.suboffsets = std::ptr::null_mut();
        v.internal = std::ptr::null_mut();
        v.obj = slf.clone().into_any().into_ptr();
    }
    this.add_export();
    Ok(())
}
