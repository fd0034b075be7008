//! The memory a Python-side view reads and writes, and what keeps it alive.

use ndview::{Buffer, Format, View, ViewMut};
use pyo3::ffi;
use pyo3::prelude::*;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::errors::{readonly, IntoPy};

/// What owns the bytes of a [`Memory`].
pub enum Owner {
    /// A buffer obtained from a Python exporter with `PyObject_GetBuffer`; released (once,
    /// with the GIL held) when the memory is dropped.
    Python(Box<ffi::Py_buffer>),
    /// Bytes that Rust allocated (kernel results, copies).
    Rust(#[allow(dead_code)] Buffer),
    /// A DLPack tensor from `from_dlpack`; its deleter runs (once, with the GIL held) when
    /// the memory is dropped.
    DLPack(crate::dlpack::Imported),
    /// A Rust `SharedView` (an `Arc`-shared buffer, a memory-mapped file, a caller's owner):
    /// read-only from Python, since other Rust views may share the bytes.
    Shared(#[allow(dead_code)] ndview::SharedView),
}

/// A region of bytes that stays valid (and in place) for as long as this value lives.
///
/// Every view of the Python API holds an `Arc<Memory>`; the region is released when the last
/// view that uses it goes away, never while one still reads it.
pub struct Memory {
    ptr: NonNull<u8>,
    len: usize,
    writable: bool,
    owner: Owner,
    /// The exporter (memoryview's `.obj`); `None` for Rust-owned memory.
    pub obj: Option<Py<PyAny>>,
}

// SAFETY: the region is plain bytes kept alive by `owner`; the `Py_buffer` inside `Owner`
// is only touched in `Drop`, which takes the GIL first, and `obj` is a `Py` (Send + Sync).
unsafe impl Send for Memory {}
// SAFETY: shared access only reads the pointer and length; the bytes are accessed through
// `View`/`ViewMut` made under the contract of `from_raw_parts` (see `Snapshot`).
unsafe impl Sync for Memory {}

impl Memory {
    /// Memory of a held `Py_buffer`: `ptr..ptr+len` must be bytes of that buffer.
    pub fn from_python(
        buf: Box<ffi::Py_buffer>,
        ptr: NonNull<u8>,
        len: usize,
        writable: bool,
        obj: Py<PyAny>,
    ) -> Memory {
        Memory {
            ptr,
            len,
            writable,
            owner: Owner::Python(buf),
            obj: Some(obj),
        }
    }

    /// Memory that Rust owns (always writable).
    pub fn from_buffer(mut buf: Buffer) -> Memory {
        let len = buf.len();
        let ptr = NonNull::new(buf.as_mut_slice().as_mut_ptr()).unwrap_or(NonNull::dangling());
        Memory {
            ptr,
            len,
            writable: true,
            owner: Owner::Rust(buf),
            obj: None,
        }
    }

    /// Memory of an imported DLPack tensor: `ptr..ptr+len` must be bytes of that tensor.
    pub fn from_dlpack(
        owner: crate::dlpack::Imported,
        ptr: NonNull<u8>,
        len: usize,
        writable: bool,
        obj: Py<PyAny>,
    ) -> Memory {
        Memory {
            ptr,
            len,
            writable,
            owner: Owner::DLPack(owner),
            obj: Some(obj),
        }
    }

    /// Memory of a Rust `SharedView`, exactly the bytes its elements span, with the geometry
    /// of the view within them (read-only: the buffer may be shared with other Rust views).
    pub fn from_shared(shared: ndview::SharedView) -> (Memory, Geometry) {
        let v = shared.view();
        let mut geo = Geometry::of(&v);
        let (ptr, len) = if v.is_empty() {
            geo.offset = 0;
            (NonNull::dangling(), 0)
        } else {
            // The span of the elements relative to element 0: negative strides reach below.
            let (mut lo, mut hi) = (0isize, v.itemsize() as isize);
            for (&d, &s) in v.shape().iter().zip(v.strides()) {
                let reach = s * (d as isize - 1);
                if reach < 0 {
                    lo += reach;
                } else {
                    hi += reach;
                }
            }
            geo.offset = (-lo) as usize;
            let first = v.as_ptr().wrapping_offset(lo).cast_mut();
            (
                NonNull::new(first).unwrap_or(NonNull::dangling()),
                (hi - lo) as usize,
            )
        };
        drop(v);
        let memory = Memory {
            ptr,
            len,
            writable: false,
            owner: Owner::Shared(shared),
            obj: None,
        };
        (memory, geo)
    }

    /// Whether the owner allows writes.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// The first byte of the region.
    pub fn ptr(&self) -> NonNull<u8> {
        self.ptr
    }

    /// The region's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        if let Owner::Python(buf) = &mut self.owner {
            let buf: *mut ffi::Py_buffer = &mut **buf;
            Python::attach(|_py| {
                // SAFETY: the buffer was filled by a successful PyObject_GetBuffer and is
                // released exactly once, here, with the GIL held.
                unsafe { ffi::PyBuffer_Release(buf) };
            });
        }
        if let Owner::DLPack(t) = &mut self.owner {
            Python::attach(|_py| t.delete());
        }
        if let Some(obj) = self.obj.take() {
            Python::attach(|_py| drop(obj));
        }
    }
}

/// Format, shape, byte strides and byte offset of element 0 within a [`Memory`].
#[derive(Clone)]
pub struct Geometry {
    /// Element format.
    pub format: Format,
    /// Length of each axis.
    pub shape: Vec<usize>,
    /// Byte stride of each axis.
    pub strides: Vec<isize>,
    /// Byte offset of element 0 from the start of the memory.
    pub offset: usize,
}

impl Geometry {
    /// The geometry of a core view made over the same memory.
    pub fn of(v: &View<'_>) -> Geometry {
        Geometry {
            format: v.format().clone(),
            shape: v.shape().to_vec(),
            strides: v.strides().to_vec(),
            offset: usize::try_from(v.offset()).unwrap_or(0),
        }
    }

    /// C-contiguous geometry of `shape` with `format`, starting at byte 0.
    pub fn c_order(format: Format, shape: &[usize]) -> Geometry {
        let strides = contiguous_strides(shape, format.itemsize(), false);
        Geometry {
            format,
            shape: shape.to_vec(),
            strides,
            offset: 0,
        }
    }
}

/// Contiguous byte strides of `shape` (C order, or Fortran order when `fortran`).
pub fn contiguous_strides(shape: &[usize], itemsize: usize, fortran: bool) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut step = itemsize as isize;
    let axes: Vec<usize> = if fortran {
        (0..shape.len()).collect()
    } else {
        (0..shape.len()).rev().collect()
    };
    for a in axes {
        strides[a] = step;
        step = step.saturating_mul(shape[a].max(1) as isize);
    }
    strides
}

/// A memory and a geometry in it, with the right to read (and, when not read-only, write).
///
/// Kernels take a snapshot before releasing the GIL: the `Arc` keeps the memory alive for the
/// whole call, whatever other threads do to the Python objects meanwhile.
#[derive(Clone)]
pub struct Snapshot {
    /// The memory.
    pub mem: Arc<Memory>,
    /// Where the view lies in it.
    pub geo: Geometry,
    /// Whether writes are refused (the exporter's, or the view's own read-only flag).
    pub readonly: bool,
}

impl Snapshot {
    /// A read-only core view of the elements.
    pub fn view(&self) -> PyResult<View<'_>> {
        let g = &self.geo;
        // SAFETY: `self.mem` keeps `len` bytes at `ptr` alive and in place for as long as
        // `self` is borrowed (a held Py_buffer or an owned Buffer). Writes by other code to
        // those bytes during the borrow are the Python program's own race, as with NumPy:
        // ndview's Python API writes only through `view_mut` under the GIL or in a kernel
        // whose inputs were detached from its output by the core.
        unsafe {
            View::from_raw_parts(
                self.mem.ptr(),
                self.mem.len(),
                &g.format,
                &g.shape,
                &g.strides,
                g.offset,
            )
        }
        .py()
    }

    /// A writable core view of the elements; `TypeError` for a read-only view, the core's
    /// error when two elements would share a byte.
    pub fn view_mut(&self) -> PyResult<ViewMut<'_>> {
        if self.readonly || !self.mem.writable() {
            return Err(readonly());
        }
        let g = &self.geo;
        // SAFETY: as in `view`, and the memory is writable (the exporter granted a writable
        // buffer, or Rust owns it). `from_raw_parts`' contract allows aliasing `View`s of the
        // same bytes only as inputs of the one call that writes through this view; the
        // Python API makes a writable view only for one such call (an assignment under the
        // GIL, or one kernel whose inputs the core detaches from its output), and drops it
        // when the call returns. Another Python thread writing the same buffer meanwhile is
        // the program's own data race, as with NumPy.
        unsafe {
            ViewMut::from_raw_parts(
                self.mem.ptr(),
                self.mem.len(),
                &g.format,
                &g.shape,
                &g.strides,
                g.offset,
            )
        }
        .py()
    }

    /// The same memory with another geometry (derived from this one by a core operation).
    pub fn derive(&self, v: &View<'_>, readonly: bool) -> Snapshot {
        let mut geo = Geometry::of(v);
        if v.is_empty() {
            // The core may leave an empty view's offset anywhere; nothing is read, so any
            // offset inside the memory describes it (and passes re-validation).
            geo.offset = geo.offset.min(self.mem.len());
        }
        Snapshot {
            mem: self.mem.clone(),
            geo,
            readonly: self.readonly || readonly,
        }
    }

    /// A read-only snapshot of a Rust `SharedView`, which it keeps alive.
    pub fn from_shared(shared: ndview::SharedView) -> Snapshot {
        let (memory, geo) = Memory::from_shared(shared);
        Snapshot {
            mem: Arc::new(memory),
            geo,
            readonly: true,
        }
    }

    /// A snapshot of a core `Array` result, which Rust then owns.
    pub fn from_array(a: ndview::Array) -> Snapshot {
        let format = a.format().clone();
        let shape = a.shape().to_vec();
        Snapshot {
            mem: Arc::new(Memory::from_buffer(a.into_buffer())),
            geo: Geometry::c_order(format, &shape),
            readonly: false,
        }
    }
}
