//! DLPack 1.x both ways: `View.__dlpack__` / `__dlpack_device__` (versioned capsules with the
//! read-only flag, legacy capsules for old consumers) and `ndview.from_dlpack`.
//!
//! DLPack describes a tensor by a type code and a bit width, in native byte order, with
//! strides counted in elements: views with records, other byte orders or strides that are not
//! whole elements cannot be described and raise `BufferError` saying why.

use ndview::{Format, Scalar};
use pyo3::exceptions::{PyBufferError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::ffi::{c_void, CStr};
use std::ptr::NonNull;
use std::sync::Arc;

use crate::memory::{contiguous_strides, Geometry, Memory, Snapshot};
use crate::pyview::PyView;

#[repr(C)]
#[derive(Clone, Copy)]
struct DLDevice {
    device_type: i32,
    device_id: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct DLDataType {
    code: u8,
    bits: u8,
    lanes: u16,
}

#[repr(C)]
struct DLTensor {
    data: *mut c_void,
    device: DLDevice,
    ndim: i32,
    dtype: DLDataType,
    shape: *mut i64,
    strides: *mut i64,
    byte_offset: u64,
}

#[repr(C)]
struct DLPackVersion {
    major: u32,
    minor: u32,
}

#[repr(C)]
struct ManagedVersioned {
    version: DLPackVersion,
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut ManagedVersioned)>,
    flags: u64,
    dl_tensor: DLTensor,
}

#[repr(C)]
struct ManagedLegacy {
    dl_tensor: DLTensor,
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut ManagedLegacy)>,
}

const CPU: i32 = 1;
const CUDA_HOST: i32 = 3;
const READ_ONLY: u64 = 1;
const VERSIONED: &CStr = c"dltensor_versioned";
const USED_VERSIONED: &CStr = c"used_dltensor_versioned";
const LEGACY: &CStr = c"dltensor";
const USED_LEGACY: &CStr = c"used_dltensor";

/// What an exported tensor keeps alive: the memory and the shape/strides arrays.
struct Ctx {
    _snap: Snapshot,
    shape: Vec<i64>,
    strides: Vec<i64>,
}

fn dtype_of(format: &Format) -> PyResult<DLDataType> {
    let why = |reason: &str| {
        PyBufferError::new_err(format!(
            "DLPack cannot describe format {:?}: {reason}",
            format.as_str()
        ))
    };
    let Some((s, order)) = format.scalar() else {
        return Err(why(
            "DLPack holds one bool, integer, float or complex per element (no records, strings \
             or long doubles)",
        ));
    };
    if format.itemsize() != s.size() {
        return Err(why("the element has padding"));
    }
    if !order.is_native() {
        return Err(why("DLPack has native byte order only"));
    }
    let code = match s {
        Scalar::Bool => 6,
        Scalar::I8 | Scalar::I16 | Scalar::I32 | Scalar::I64 => 0,
        Scalar::U8 | Scalar::U16 | Scalar::U32 | Scalar::U64 => 1,
        Scalar::F16 | Scalar::F32 | Scalar::F64 => 2,
        Scalar::C64 | Scalar::C128 => 5,
        _ => return Err(why("no DLPack type")),
    };
    Ok(DLDataType {
        code,
        bits: (s.size() * 8) as u8,
        lanes: 1,
    })
}

fn format_of(dt: DLDataType) -> PyResult<&'static str> {
    if dt.lanes != 1 {
        return Err(PyBufferError::new_err(
            "DLPack vector lanes are not supported",
        ));
    }
    Ok(match (dt.code, dt.bits) {
        (0, 8) => "b",
        (0, 16) => "h",
        (0, 32) => "i",
        (0, 64) => "q",
        (1, 8) => "B",
        (1, 16) => "H",
        (1, 32) => "I",
        (1, 64) => "Q",
        (2, 16) => "e",
        (2, 32) => "f",
        (2, 64) => "d",
        (5, 64) => "Zf",
        (5, 128) => "Zd",
        (6, 8) => "?",
        (c, b) => {
            return Err(PyBufferError::new_err(format!(
                "DLPack type code {c} with {b} bits has no ndview format"
            )))
        }
    })
}

unsafe extern "C" fn delete_versioned(m: *mut ManagedVersioned) {
    if m.is_null() {
        return;
    }
    // SAFETY: `m` and its manager_ctx were made by `Box::into_raw` in `export`, and DLPack
    // calls the deleter exactly once.
    unsafe {
        let m = Box::from_raw(m);
        drop(Box::from_raw(m.manager_ctx.cast::<Ctx>()));
    }
}

unsafe extern "C" fn delete_legacy(m: *mut ManagedLegacy) {
    if m.is_null() {
        return;
    }
    // SAFETY: as in `delete_versioned`.
    unsafe {
        let m = Box::from_raw(m);
        drop(Box::from_raw(m.manager_ctx.cast::<Ctx>()));
    }
}

unsafe extern "C" fn capsule_destructor(capsule: *mut ffi::PyObject) {
    // SAFETY: CPython calls this with the GIL held on a live capsule. A capsule still named
    // "dltensor[_versioned]" was never consumed, so we own the tensor and delete it; a
    // consumer renames it to "used_..." and takes over the deleter.
    unsafe {
        if ffi::PyCapsule_IsValid(capsule, VERSIONED.as_ptr()) == 1 {
            let m =
                ffi::PyCapsule_GetPointer(capsule, VERSIONED.as_ptr()).cast::<ManagedVersioned>();
            if let Some(d) = (*m).deleter {
                d(m);
            }
        } else if ffi::PyCapsule_IsValid(capsule, LEGACY.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(capsule, LEGACY.as_ptr()).cast::<ManagedLegacy>();
            if let Some(d) = (*m).deleter {
                d(m);
            }
        }
    }
}

/// `View.__dlpack__`: a capsule of a versioned (1.x) tensor when the consumer asks for
/// `max_version >= (1, 0)`, else a legacy one (refused for read-only views, which legacy
/// DLPack cannot mark).
pub fn export(
    py: Python<'_>,
    view: &PyView,
    max_version: Option<(u32, u32)>,
    dl_device: Option<(i32, i32)>,
    copy: Option<bool>,
) -> PyResult<Py<PyAny>> {
    if let Some((t, id)) = dl_device {
        if t != CPU || id != 0 {
            return Err(PyBufferError::new_err(
                "ndview views live on the CPU (device (1, 0))",
            ));
        }
    }
    let mut snap = view.snapshot()?;
    if copy == Some(true) {
        let c = crate::kernels::copy_snapshot(py, snap, ndview::Order::C)?;
        snap = c;
    }
    let v = snap.view()?;
    let dtype = dtype_of(v.format())?;
    let itemsize = v.itemsize() as isize;
    let mut strides = Vec::with_capacity(v.ndim());
    for (&s, &d) in v.strides().iter().zip(v.shape()) {
        if s % itemsize != 0 && d > 1 {
            return Err(PyBufferError::new_err(format!(
                "DLPack counts strides in elements; stride {s} is not a multiple of the \
                 itemsize {itemsize}"
            )));
        }
        strides.push((s / itemsize) as i64);
    }
    let shape: Vec<i64> = v.shape().iter().map(|&d| d as i64).collect();
    let ndim = v.ndim() as i32;
    let readonly = snap.readonly || !snap.mem.writable();
    let data = snap
        .mem
        .ptr()
        .as_ptr()
        .wrapping_add(snap.geo.offset)
        .cast::<c_void>();
    drop(v);
    let versioned = max_version.is_some_and(|(major, _)| major >= 1);
    if !versioned && readonly {
        return Err(PyBufferError::new_err(
            "Cannot export a read-only view through legacy DLPack, which cannot mark it \
             read-only; pass max_version=(1, 0)",
        ));
    }
    let mut ctx = Box::new(Ctx {
        _snap: snap,
        shape,
        strides,
    });
    let tensor = DLTensor {
        data,
        device: DLDevice {
            device_type: CPU,
            device_id: 0,
        },
        ndim,
        dtype,
        shape: ctx.shape.as_mut_ptr(),
        strides: ctx.strides.as_mut_ptr(),
        byte_offset: 0,
    };
    let ctx = Box::into_raw(ctx).cast::<c_void>();
    let (ptr, name): (*mut c_void, &CStr) = if versioned {
        let m = Box::new(ManagedVersioned {
            version: DLPackVersion { major: 1, minor: 1 },
            manager_ctx: ctx,
            deleter: Some(delete_versioned),
            flags: if readonly { READ_ONLY } else { 0 },
            dl_tensor: tensor,
        });
        (Box::into_raw(m).cast(), VERSIONED)
    } else {
        let m = Box::new(ManagedLegacy {
            dl_tensor: tensor,
            manager_ctx: ctx,
            deleter: Some(delete_legacy),
        });
        (Box::into_raw(m).cast(), LEGACY)
    };
    // SAFETY: `ptr` is a live managed tensor; the capsule's destructor deletes it unless a
    // consumer renamed the capsule (then the consumer calls the deleter).
    let cap = unsafe { ffi::PyCapsule_New(ptr, name.as_ptr(), Some(capsule_destructor)) };
    if cap.is_null() {
        // SAFETY: the capsule was not made, so we still own the tensor and delete it once.
        unsafe {
            if versioned {
                delete_versioned(ptr.cast());
            } else {
                delete_legacy(ptr.cast());
            }
        }
        return Err(PyErr::fetch(py));
    }
    // SAFETY: `cap` is a new reference we own.
    Ok(unsafe { Bound::from_owned_ptr(py, cap) }.unbind())
}

/// A consumed DLPack tensor, deleted when the memory that views it is dropped.
pub struct Imported {
    managed: *mut c_void,
    versioned: bool,
}

impl Imported {
    /// Calls the producer's deleter (once).
    pub fn delete(&mut self) {
        let m = std::mem::replace(&mut self.managed, std::ptr::null_mut());
        if m.is_null() {
            return;
        }
        // SAFETY: `m` is the tensor taken from a capsule we renamed to "used_...", so the
        // deleter is ours to call, and `managed` is nulled so it runs only once.
        unsafe {
            if self.versioned {
                let m = m.cast::<ManagedVersioned>();
                if let Some(d) = (*m).deleter {
                    d(m);
                }
            } else {
                let m = m.cast::<ManagedLegacy>();
                if let Some(d) = (*m).deleter {
                    d(m);
                }
            }
        }
    }
}

/// `ndview.from_dlpack(x)`: a view of any DLPack producer's CPU tensor, without copying;
/// read-only when the producer marks it so.
#[pyfunction]
pub fn from_dlpack(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyView>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("max_version", (1u32, 1u32))?;
    let cap = match x.call_method("__dlpack__", (), Some(&kwargs)) {
        Ok(c) => c,
        Err(e) if e.is_instance_of::<PyTypeError>(py) => x.call_method0("__dlpack__")?,
        Err(e) => return Err(e),
    };
    let capp = cap.as_ptr();
    // SAFETY: `capp` is a live object; PyCapsule_IsValid only inspects it.
    let versioned = unsafe { ffi::PyCapsule_IsValid(capp, VERSIONED.as_ptr()) } == 1;
    // SAFETY: as above.
    let legacy = unsafe { ffi::PyCapsule_IsValid(capp, LEGACY.as_ptr()) } == 1;
    if !versioned && !legacy {
        return Err(PyTypeError::new_err(
            "__dlpack__ did not return an unconsumed DLPack capsule",
        ));
    }
    let name = if versioned { VERSIONED } else { LEGACY };
    // SAFETY: the capsule is valid with this name (checked above).
    let managed = unsafe { ffi::PyCapsule_GetPointer(capp, name.as_ptr()) };
    let (tensor, readonly): (*const DLTensor, bool) = if versioned {
        let m = managed.cast::<ManagedVersioned>();
        // SAFETY: a valid versioned capsule holds a live ManagedVersioned.
        unsafe {
            if (*m).version.major != 1 {
                return Err(PyBufferError::new_err(format!(
                    "DLPack version {}.{} is not supported (1.x is)",
                    (*m).version.major,
                    (*m).version.minor
                )));
            }
            (&raw const (*m).dl_tensor, (*m).flags & READ_ONLY != 0)
        }
    } else {
        // SAFETY: a valid legacy capsule holds a live ManagedLegacy.
        (
            unsafe { &raw const (*managed.cast::<ManagedLegacy>()).dl_tensor },
            false,
        )
    };
    // SAFETY: the tensor lives until its deleter runs, which we own after renaming below.
    let t = unsafe { &*tensor };
    if t.device.device_type != CPU && t.device.device_type != CUDA_HOST {
        return Err(PyBufferError::new_err(format!(
            "ndview reads CPU memory only; the tensor is on device type {}",
            t.device.device_type
        )));
    }
    let format = Format::parse(format_of(t.dtype)?).map_err(crate::errors::to_py)?;
    let itemsize = format.itemsize();
    let ndim = usize::try_from(t.ndim)
        .ok()
        .filter(|&n| n <= ndview::MAX_NDIM)
        .ok_or_else(|| PyBufferError::new_err("bad DLPack ndim"))?;
    let shape: Vec<usize> = if ndim == 0 {
        Vec::new()
    } else {
        // SAFETY: DLPack's shape has `ndim` entries.
        unsafe { std::slice::from_raw_parts(t.shape, ndim) }
            .iter()
            .map(|&d| usize::try_from(d))
            .collect::<Result<_, _>>()
            .map_err(|_| PyBufferError::new_err("negative DLPack dimension"))?
    };
    let strides: Vec<isize> = if t.strides.is_null() || ndim == 0 {
        contiguous_strides(&shape, itemsize, false)
    } else {
        // SAFETY: non-NULL DLPack strides have `ndim` entries (counted in elements).
        unsafe { std::slice::from_raw_parts(t.strides, ndim) }
            .iter()
            .map(|&s| (s as isize).checked_mul(itemsize as isize))
            .collect::<Option<_>>()
            .ok_or_else(|| PyBufferError::new_err("DLPack stride overflows"))?
    };
    let (lo, hi) = crate::import::extent(&shape, &strides, itemsize)?;
    let base = (t.data.cast::<u8>()).wrapping_add(t.byte_offset as usize);
    let len = (hi - lo) as usize;
    let ptr = if len == 0 {
        NonNull::dangling()
    } else {
        NonNull::new(base.wrapping_offset(lo as isize))
            .ok_or_else(|| PyBufferError::new_err("DLPack data pointer is NULL"))?
    };
    let used = if versioned {
        USED_VERSIONED
    } else {
        USED_LEGACY
    };
    // SAFETY: renaming marks the capsule consumed: from here on we own the deleter call.
    if unsafe { ffi::PyCapsule_SetName(capp, used.as_ptr()) } != 0 {
        return Err(PyErr::fetch(py));
    }
    let owner = Imported { managed, versioned };
    let mem = Memory::from_dlpack(owner, ptr, len, !readonly, x.clone().unbind());
    let geo = Geometry {
        format,
        shape,
        strides,
        offset: (-lo) as usize,
    };
    Py::new(
        py,
        PyView::new(Snapshot {
            mem: Arc::new(mem),
            geo,
            readonly,
        })?,
    )
}
