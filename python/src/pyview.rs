//! `ndview.View`: memoryview's API with NumPy's indexing and shape operations, over memory
//! that the object keeps alive.

use ndview::{Order, View};
use pyo3::exceptions::{PyBufferError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use std::ffi::CString;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::convert;
use crate::errors::{released, IntoPy};
use crate::index;
use crate::memory::{Geometry, Memory, Snapshot};

/// The C-side copies of the geometry that exported `Py_buffer`s point into.
pub struct FfiParts {
    /// NUL-terminated format string.
    pub format: CString,
    /// Shape as `Py_ssize_t`.
    pub shape: Vec<isize>,
    /// Byte strides as `Py_ssize_t`.
    pub strides: Vec<isize>,
}

/// A strided view of memory that Python code can index, slice, reshape, cast and hand to
/// NumPy without copying: `memoryview`'s names and semantics, with NumPy's indexing on every
/// dimension.
///
/// Make one with `ndview.view(obj)` (any buffer exporter), `ndview.frombuffer`, or from a
/// kernel (`ndview.add`, `ndview.copy`, ...). `np.asarray(v)` and `memoryview(v)` share its
/// memory.
#[pyclass(name = "View", module = "ndview", frozen, weakref)]
pub struct PyView {
    /// The memory; `None` once released.
    mem: Mutex<Option<Arc<Memory>>>,
    geo: Geometry,
    readonly: bool,
    ffi: FfiParts,
    exports: AtomicUsize,
    /// The hash once computed (memoryview keeps it, and answers it after `release()`).
    hash: std::sync::OnceLock<isize>,
}

impl PyView {
    /// A Python view of a snapshot's elements.
    pub fn new(s: Snapshot) -> PyResult<PyView> {
        let format = CString::new(s.geo.format.as_str())
            .map_err(|_| PyValueError::new_err("format strings may not contain NUL"))?;
        let ffi = FfiParts {
            format,
            shape: s.geo.shape.iter().map(|&d| d as isize).collect(),
            strides: s.geo.strides.clone(),
        };
        let readonly = s.readonly || !s.mem.writable();
        Ok(PyView {
            mem: Mutex::new(Some(s.mem)),
            geo: s.geo,
            readonly,
            ffi,
            exports: AtomicUsize::new(0),
            hash: std::sync::OnceLock::new(),
        })
    }

    /// The memory and geometry, or memoryview's `ValueError` after `release()`.
    pub fn snapshot(&self) -> PyResult<Snapshot> {
        let guard = self.mem.lock().unwrap_or_else(|e| e.into_inner());
        match &*guard {
            Some(mem) => Ok(Snapshot {
                mem: mem.clone(),
                geo: self.geo.clone(),
                readonly: self.readonly,
            }),
            None => Err(released()),
        }
    }

    /// The geometry in the form exported buffers point at.
    pub fn ffi_parts(&self) -> &FfiParts {
        &self.ffi
    }

    /// Counts one more live export.
    pub fn add_export(&self) {
        self.exports.fetch_add(1, Ordering::SeqCst);
    }

    /// A new view of the same memory made by a core operation on this one.
    fn derive(
        &self,
        readonly: bool,
        f: impl for<'b> FnOnce(&View<'b>) -> ndview::Result<View<'b>>,
    ) -> PyResult<PyView> {
        let s = self.snapshot()?;
        let v = s.view()?;
        let d = f(&v).py()?;
        PyView::new(s.derive(&d, readonly))
    }

    fn ndim(&self) -> usize {
        self.geo.shape.len()
    }

    /// NumPy's `normalize_axis_tuple`: one axis or several, each in range, none twice
    /// (`ValueError(repeated)` otherwise, with NumPy's message for the function).
    fn unique_axes(&self, axis: &Bound<'_, PyAny>, repeated: &str) -> PyResult<Vec<usize>> {
        let n = self.ndim();
        let mut seen = vec![false; n];
        let mut out = Vec::new();
        for a in ints(axis)? {
            let a = self.normalize_axis(a, n)?;
            if std::mem::replace(&mut seen[a], true) {
                return Err(PyValueError::new_err(repeated.to_owned()));
            }
            out.push(a);
        }
        Ok(out)
    }

    fn normalize_axis(&self, axis: isize, ndim: usize) -> PyResult<usize> {
        let n = ndim as isize;
        if axis < -n || axis >= n {
            return Err(crate::errors::to_py(ndview::Error::Axis { axis, ndim }));
        }
        Ok(if axis < 0 { axis + n } else { axis } as usize)
    }
}

/// One int or a sequence of ints (NumPy's axis / shape arguments).
fn ints(obj: &Bound<'_, PyAny>) -> PyResult<Vec<isize>> {
    if let Ok(i) = obj.extract::<isize>() {
        return Ok(vec![i]);
    }
    obj.extract::<Vec<isize>>()
}

/// `*args` that may also be given as one sequence: `reshape(2, 3)` or `reshape((2, 3))`.
fn varargs(args: &Bound<'_, PyTuple>) -> PyResult<Vec<isize>> {
    if args.len() == 1 {
        return ints(&args.get_item(0)?);
    }
    args.iter().map(|a| a.extract::<isize>()).collect()
}

fn order_of(order: Option<&str>) -> PyResult<Order> {
    match order {
        None | Some("C") => Ok(Order::C),
        Some("F") => Ok(Order::F),
        Some("A") => Ok(Order::A),
        _ => Err(PyValueError::new_err("order must be 'C', 'F' or 'A'")),
    }
}

#[pymethods]
impl PyView {
    /// `ndview.View(obj)`: a view of any buffer exporter, like `memoryview(obj)`.
    /// `View(object)`: the exporter's buffer, as `memoryview(object)` (the keyword is
    /// memoryview's too).
    #[new]
    fn py_new(object: &Bound<'_, PyAny>) -> PyResult<PyView> {
        PyView::new(crate::import::import(object)?)
    }

    /// `x in v`: whether any element equals `x` (NumPy's `(a == x).any()`; for a 1-D view,
    /// what memoryview's iteration gives).
    fn __contains__(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<bool> {
        let s = self.snapshot()?;
        let v = s.view()?;
        // memoryview refuses some opaque formats before it looks at any element.
        v.format().check_listable().py()?;
        /// Whether `value` or, for a sub-array element (a list), any of its items equals `x`:
        /// NumPy makes sub-arrays axes of the array.
        fn any_equal(
            py: Python<'_>,
            value: &ndview::Value,
            x: &Bound<'_, PyAny>,
        ) -> PyResult<bool> {
            match value {
                ndview::Value::List(items) => {
                    for item in items {
                        if any_equal(py, item, x)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
                other => convert::to_py(py, other)?.bind(py).eq(x),
            }
        }
        // One element at a time, stopping at the first match: no list of every element (a
        // broadcast view may have 2^40), and Ctrl-C interrupts a long search.
        for (k, value) in v.flat().enumerate() {
            if k % (1 << 20) == (1 << 20) - 1 {
                py.check_signals()?;
            }
            if any_equal(py, &value.py()?, x)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The element format (struct / PEP 3118 syntax), exactly as the exporter gave it.
    #[getter]
    fn format(&self) -> PyResult<String> {
        self.snapshot()?;
        Ok(self.geo.format.as_str().to_owned())
    }

    /// Bytes per element.
    #[getter]
    fn itemsize(&self) -> PyResult<usize> {
        self.snapshot()?;
        Ok(self.geo.format.itemsize())
    }

    /// Number of dimensions.
    #[getter(ndim)]
    fn py_ndim(&self) -> PyResult<usize> {
        self.snapshot()?;
        Ok(self.ndim())
    }

    /// Length of each dimension.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.snapshot()?;
        PyTuple::new(py, &self.geo.shape)
    }

    /// Byte stride of each dimension (negative and zero strides allowed).
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.snapshot()?;
        PyTuple::new(py, &self.geo.strides)
    }

    /// Always `()`: ndview never uses PIL-style suboffsets.
    #[getter]
    fn suboffsets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.snapshot()?;
        Ok(PyTuple::empty(py))
    }

    /// `prod(shape) * itemsize`.
    #[getter]
    fn nbytes(&self) -> PyResult<usize> {
        Ok(self.snapshot()?.view()?.nbytes())
    }

    /// True when writes are refused.
    #[getter]
    fn readonly(&self) -> PyResult<bool> {
        self.snapshot()?;
        Ok(self.readonly)
    }

    /// The exporter this view's memory comes from (`None` for memory ndview allocated).
    #[getter]
    fn obj(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let s = self.snapshot()?;
        Ok(match &s.mem.obj {
            Some(o) => o.clone_ref(py),
            None => py.None(),
        })
    }

    /// C-contiguous (NumPy's definition).
    #[getter]
    fn c_contiguous(&self) -> PyResult<bool> {
        Ok(self.snapshot()?.view()?.is_c_contiguous())
    }

    /// Fortran-contiguous.
    #[getter]
    fn f_contiguous(&self) -> PyResult<bool> {
        Ok(self.snapshot()?.view()?.is_f_contiguous())
    }

    /// C- or Fortran-contiguous.
    #[getter]
    fn contiguous(&self) -> PyResult<bool> {
        Ok(self.snapshot()?.view()?.is_contiguous())
    }

    /// The transpose (all axes reversed), a view.
    #[getter(T)]
    fn t(&self) -> PyResult<PyView> {
        self.derive(false, |v| Ok(v.transpose()))
    }

    /// The elements as nested lists (a 0-d view gives its element). Every format decodes.
    fn tolist(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let s = self.snapshot()?;
        let v = s.view()?;
        let value = v.tolist().py()?;
        convert::to_py(py, &value)
    }

    /// The elements' bytes in order `'C'` (default), `'F'` or `'A'`.
    #[pyo3(signature = (order = None))]
    fn tobytes<'py>(&self, py: Python<'py>, order: Option<&str>) -> PyResult<Bound<'py, PyBytes>> {
        let order = order_of(order)?;
        let s = self.snapshot()?;
        let v = s.view()?;
        let n = v.nbytes();
        PyBytes::new_with(py, n, |out| v.par_tobytes_into(order, out).py())
    }

    /// The C-order bytes as hex digits, with an optional separator every `bytes_per_sep`
    /// bytes (from the right when positive, from the left when negative).
    #[pyo3(signature = (sep = None, bytes_per_sep = 1))]
    fn hex(&self, sep: Option<&Bound<'_, PyAny>>, bytes_per_sep: isize) -> PyResult<String> {
        let s = self.snapshot()?;
        let v = s.view()?;
        let Some(sep) = sep else {
            return v.hex().py();
        };
        let text: String = if let Ok(b) = sep.cast::<PyBytes>() {
            String::from_utf8_lossy(b.as_bytes()).into_owned()
        } else if let Ok(st) = sep.cast::<PyString>() {
            st.to_str()?.to_owned()
        } else {
            return Err(PyTypeError::new_err("sep must be str or bytes."));
        };
        let mut chars = text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(PyValueError::new_err("sep must be length 1."));
        };
        if !c.is_ascii() {
            return Err(PyValueError::new_err("sep must be ASCII."));
        }
        v.hex_with(c, bytes_per_sep).py()
    }

    /// memoryview's `cast(format, shape)`: C-contiguous views only, byte format on one side.
    #[pyo3(signature = (format, shape = None))]
    fn cast(&self, format: &str, shape: Option<&Bound<'_, PyAny>>) -> PyResult<PyView> {
        let shape: Option<Vec<usize>> = match shape {
            None => None,
            Some(s) => {
                if !(s.is_instance_of::<PyList>() || s.is_instance_of::<PyTuple>()) {
                    return Err(PyTypeError::new_err("shape must be a list or a tuple"));
                }
                match cast_shape(s) {
                    Ok(shape) => Some(shape),
                    Err(e) => {
                        // memoryview checks the view before the shape's entries.
                        let v = self.snapshot()?;
                        let v = v.view()?;
                        if !v.is_c_contiguous() {
                            return Err(PyTypeError::new_err(
                                "memoryview: casts are restricted to C-contiguous views",
                            ));
                        }
                        if v.shape().contains(&0) {
                            return Err(PyTypeError::new_err(
                                "memoryview: cannot cast view with zeros in shape or strides",
                            ));
                        }
                        return Err(e);
                    }
                }
            }
        };
        self.derive(false, |v| v.cast(format, shape.as_deref()))
    }

    /// Releases the memory now (the exporter's buffer goes back when no other view uses it).
    /// `BufferError` while buffers exported from this view are alive.
    fn release(&self) -> PyResult<()> {
        let n = self.exports.load(Ordering::SeqCst);
        if n > 0 {
            return Err(PyBufferError::new_err(format!(
                "memoryview has {n} exported buffer{}",
                if n == 1 { "" } else { "s" }
            )));
        }
        let old = self.mem.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(old);
        Ok(())
    }

    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        slf.get().snapshot()?;
        Ok(slf)
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.release()?;
        Ok(false)
    }

    fn __len__(&self) -> PyResult<usize> {
        self.snapshot()?;
        match self.geo.shape.first() {
            Some(&n) => Ok(n),
            None => Err(PyTypeError::new_err("0-dim memory has no length")),
        }
    }

    /// `memoryview.toreadonly()`: a read-only view of the same memory.
    fn toreadonly(&self) -> PyResult<PyView> {
        self.derive(true, |v| Ok(v.clone()))
    }

    /// Iterates over the first axis from the end, as `reversed(memoryview)` does.
    fn __reversed__(&self, py: Python<'_>) -> PyResult<ViewIter> {
        if self.ndim() == 0 {
            return Err(PyTypeError::new_err("iteration over a 0-d view"));
        }
        let flipped = Py::new(py, self.derive(false, |v| v.flip(0))?)?;
        let len = self.geo.shape[0];
        Ok(ViewIter {
            view: flipped,
            next: 0,
            len,
        })
    }

    fn __iter__(slf: Bound<'_, Self>) -> PyResult<ViewIter> {
        let this = slf.get();
        this.snapshot()?;
        if this.ndim() == 0 {
            return Err(PyTypeError::new_err("iteration over a 0-d view"));
        }
        Ok(ViewIter {
            view: slf.clone().unbind(),
            next: 0,
            len: this.geo.shape[0],
        })
    }

    /// NumPy basic indexing: integers, slices with any step, `...`, `None`, tuples. A full
    /// integer index gives the element as a Python value; anything else gives a view.
    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let key = index::parse(key)?;
        let s = self.snapshot()?;
        let v = s.view()?;
        let sub = v.slice(&key.items).py()?;
        if key.all_ints && sub.ndim() == 0 {
            let value = sub.get(&[]).py()?;
            return convert::to_py(py, &value);
        }
        let d = s.derive(&sub, false);
        Ok(Py::new(py, PyView::new(d)?)?.into_any())
    }

    /// Element assignment packs a Python value; slice assignment copies from any exporter
    /// of the same format (broadcast to the target's shape) or fills with one value.
    fn __setitem__(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let key = index::parse(key)?;
        let s = self.snapshot()?;
        if s.readonly || !s.mem.writable() {
            return Err(crate::errors::readonly());
        }
        let target = {
            let v = s.view()?;
            let sub = v.slice(&key.items).py()?;
            s.derive(&sub, false)
        };
        if key.all_ints && target.geo.shape.is_empty() {
            let value = convert::element_value(value, &target.geo.format)?;
            let mut dst = target.view_mut()?;
            return dst.set(&[], &value).map_err(convert::store_error(&dst));
        }
        let is_buffer = value.is_instance_of::<PyView>() || has_buffer(value);
        let src = match is_buffer {
            true => Some(crate::import::import(value)?),
            false => None,
        };
        // One value for every element: a Python scalar, or a 0-d exporter of another format
        // (a NumPy scalar such as `np.int64(5)`, a 0-d view), converted as one element would
        // be (its value read as a Python object first).
        let bare = |f: &str| f.strip_prefix('@').unwrap_or(f).to_owned();
        let value = match &src {
            None => Some(value.clone()),
            Some(s)
                if s.geo.shape.is_empty()
                    && bare(s.geo.format.as_str()) != bare(target.geo.format.as_str()) =>
            {
                let v = s.view()?.get(&[]).py()?;
                Some(convert::to_py(value.py(), &v)?.into_bound(value.py()))
            }
            Some(_) => None,
        };
        if let Some(value) = value {
            let value = convert::element_value(&value, &target.geo.format)?;
            let mut dst = target.view_mut()?;
            return dst.fill_value(&value).map_err(convert::store_error(&dst));
        }
        let src = src.expect("an exporter");
        let sv = src.view()?;
        let mut dst = target.view_mut()?;
        let shape = dst.shape().to_vec();
        let sb = if sv.shape() == shape.as_slice() {
            sv
        } else {
            sv.broadcast_to(&shape).py()?
        };
        dst.copy_from(&sb).py()
    }

    fn __delitem__(&self, _key: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyTypeError::new_err("cannot delete memory"))
    }

    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let eq = match op {
            CompareOp::Eq => true,
            CompareOp::Ne => false,
            _ => return Ok(py.NotImplemented()),
        };
        let (Ok(a), true) = (
            self.snapshot(),
            other.is_instance_of::<PyView>() || has_buffer(other),
        ) else {
            let same = other
                .cast::<PyView>()
                .map(|o| std::ptr::eq(o.get(), self))
                .unwrap_or(false);
            return pyo3::IntoPyObjectExt::into_py_any(same == eq, py);
        };
        let b = match crate::import::import(other) {
            Ok(b) => b,
            Err(_) => return Ok(py.NotImplemented()),
        };
        let equal = a.view()? == b.view()?;
        pyo3::IntoPyObjectExt::into_py_any(equal == eq, py)
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        if let Some(&h) = self.hash.get() {
            return Ok(h);
        }
        let s = self.snapshot()?;
        if !self.readonly {
            return Err(PyValueError::new_err(
                "cannot hash writable memoryview object",
            ));
        }
        let v = s.view()?;
        if !v.format().is_byte_format() {
            return Err(PyValueError::new_err(
                "memoryview: hashing is restricted to formats 'B', 'b' or 'c'",
            ));
        }
        // As memoryview: an exporter that cannot be hashed (a NumPy array, a bytearray) makes
        // the view unhashable, with the exporter's own error.
        if let Some(obj) = &s.mem.obj {
            obj.bind(py).hash()?;
        }
        // Through Python's allocator: a view too large to copy is a `MemoryError`.
        let n = v.nbytes();
        let h = PyBytes::new_with(py, n, |out| v.par_tobytes_into(Order::C, out).py())?.hash()?;
        Ok(*self.hash.get_or_init(|| h))
    }

    fn __repr__(&self) -> String {
        match self.snapshot() {
            Ok(s) => format!(
                "<ndview.View format={:?} shape={:?} strides={:?} readonly={}>",
                s.geo.format.as_str(),
                s.geo.shape,
                s.geo.strides,
                if self.readonly { "True" } else { "False" }
            ),
            Err(_) => "<released ndview.View>".to_owned(),
        }
    }

    /// A view with a new shape (one entry may be negative: NumPy's unknown axis); an error
    /// when the layout cannot be expressed with strides.
    #[pyo3(signature = (*shape))]
    fn reshape(&self, shape: &Bound<'_, PyTuple>) -> PyResult<PyView> {
        // NumPy takes any negative entry as the unknown axis (`reshape(-2, 3)` works too).
        let shape: Vec<usize> = varargs(shape)?
            .into_iter()
            .map(|d: isize| usize::try_from(d).unwrap_or(ndview::INFER))
            .collect();
        self.derive(false, |v| v.reshape(&shape))
    }

    /// NumPy's `transpose(*axes)`: reversed axes, or the given permutation.
    #[pyo3(signature = (*axes))]
    fn transpose(&self, axes: &Bound<'_, PyTuple>) -> PyResult<PyView> {
        if axes.is_empty() || (axes.len() == 1 && axes.get_item(0)?.is_none()) {
            return self.derive(false, |v| Ok(v.transpose()));
        }
        let axes = varargs(axes)?;
        let n = self.ndim();
        if axes.len() != n {
            return Err(PyValueError::new_err("axes don't match array"));
        }
        let perm = axes
            .iter()
            .map(|&a| Ok(self.normalize_axis(a, n)? as isize))
            .collect::<PyResult<Vec<_>>>()?;
        self.derive(false, |v| v.permute(&perm))
    }

    /// Swaps two axes.
    fn swapaxes(&self, axis1: isize, axis2: isize) -> PyResult<PyView> {
        self.derive(false, |v| v.swap_axes(axis1, axis2))
    }

    /// Reverses the order of elements along `axis` (an int, a tuple, or all axes).
    #[pyo3(signature = (axis = None))]
    fn flip(&self, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyView> {
        let axes: Vec<usize> = match axis {
            None => (0..self.ndim()).collect(),
            Some(a) => self.unique_axes(a, "repeated axis")?,
        };
        self.derive(false, |v| {
            let mut out = v.clone();
            for &a in &axes {
                out = out.flip(a as isize)?;
            }
            Ok(out)
        })
    }

    /// Removes axes of length one (all of them, or those named).
    #[pyo3(signature = (axis = None))]
    fn squeeze(&self, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyView> {
        let Some(axis) = axis else {
            return self.derive(false, |v| Ok(v.squeeze()));
        };
        if self.ndim() == 0 {
            // NumPy's compatibility rule for 0-d arrays: axis 0 or -1 squeezes nothing.
            let axes = ints(axis)?;
            if axes.iter().all(|&a| a == 0 || a == -1) {
                return self.derive(false, |v| Ok(v.clone()));
            }
        }
        let mut axes = self.unique_axes(axis, "duplicate value in 'axis'")?;
        axes.sort_unstable();
        self.derive(false, |v| {
            let mut out = v.clone();
            for &a in axes.iter().rev() {
                out = out.squeeze_axis(a as isize)?;
            }
            Ok(out)
        })
    }

    /// Inserts axes of length one at the given positions (NumPy's `expand_dims`).
    fn expand_dims(&self, axis: &Bound<'_, PyAny>) -> PyResult<PyView> {
        let axes = ints(axis)?;
        let out_ndim = self.ndim() + axes.len();
        let mut pos = axes
            .iter()
            .map(|&a| self.normalize_axis(a, out_ndim))
            .collect::<PyResult<Vec<_>>>()?;
        pos.sort_unstable();
        if pos.windows(2).any(|w| w[0] == w[1]) {
            return Err(PyValueError::new_err("repeated axis"));
        }
        self.derive(false, |v| {
            let mut out = v.clone();
            for &p in &pos {
                out = out.insert_axis(p as isize)?;
            }
            Ok(out)
        })
    }

    /// A read-only view broadcast to `shape` (stride 0 on the new or stretched axes).
    #[pyo3(signature = (*shape))]
    fn broadcast_to(&self, shape: &Bound<'_, PyTuple>) -> PyResult<PyView> {
        let shape = varargs(shape)?;
        let shape = shape
            .into_iter()
            .map(|d| {
                usize::try_from(d).map_err(|_| {
                    PyValueError::new_err("all elements of broadcast shape must be non-negative")
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        self.derive(true, |v| v.broadcast_to(&shape))
    }

    /// The diagonal of two axes as a view (NumPy's `diagonal`).
    #[pyo3(signature = (offset = 0, axis1 = 0, axis2 = 1))]
    fn diagonal(&self, offset: isize, axis1: isize, axis2: isize) -> PyResult<PyView> {
        self.derive(false, |v| v.diagonal(offset, axis1, axis2))
    }

    /// NumPy's `view(dtype)` with a format: the same bytes as elements of another format.
    fn view(&self, format: &str) -> PyResult<PyView> {
        self.derive(false, |v| v.view_as(format))
    }

    /// The named field of a record format (`T{<i:a:<d:b:}`), as a view.
    fn field(&self, name: &str) -> PyResult<PyView> {
        self.derive(false, |v| v.field(name))
    }

    /// Fills every element with one value.
    fn fill(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        crate::kernels::fill(py, &self.snapshot()?, value)
    }

    /// Buffer protocol export (see the module docs for the flag rules).
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        // SAFETY: CPython passes a writable Py_buffer (or NULL, which get_buffer refuses).
        unsafe { crate::export::get_buffer(&slf, view, flags) }
    }

    unsafe fn __releasebuffer__(&self, _view: *mut ffi::Py_buffer) {
        // The Py_buffer's pointers point into `self`; nothing to free, one export less.
        let _ = self
            .exports
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    }

    /// DLPack export: a capsule for `np.from_dlpack(v)` and other consumers (versioned 1.x
    /// when `max_version >= (1, 0)`, with the read-only flag; strides in elements).
    #[pyo3(signature = (*, stream = None, max_version = None, dl_device = None, copy = None))]
    fn __dlpack__(
        &self,
        py: Python<'_>,
        stream: Option<&Bound<'_, PyAny>>,
        max_version: Option<(u32, u32)>,
        dl_device: Option<(i32, i32)>,
        copy: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        if stream.is_some_and(|s| !s.is_none()) {
            return Err(PyBufferError::new_err(
                "ndview views are on the CPU: stream must be None",
            ));
        }
        crate::dlpack::export(py, self, max_version, dl_device, copy)
    }

    /// `(1, 0)`: the CPU.
    fn __dlpack_device__(&self) -> (i32, i32) {
        (1, 0)
    }

    /// Pickle support: `(ndview._rebuild, (data, format, shape, order))`.
    fn __reduce_ex__(slf: Bound<'_, Self>, protocol: i32) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let module = py.import("ndview._pickle")?;
        module
            .getattr("reduce_view")?
            .call1((slf, protocol))
            .map(|r| r.unbind())
    }
}

/// The entries of `memoryview.cast`'s shape: integers (else `TypeError`) fitting
/// `Py_ssize_t` (else `OverflowError`). An entry below 1 becomes 0, which the core's cast
/// refuses with memoryview's `ValueError` at the point where memoryview checks it.
fn cast_shape(shape: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    let mut out = Vec::new();
    for item in shape.try_iter()? {
        let item = item?;
        let Ok(i) = item.cast::<pyo3::types::PyInt>() else {
            return Err(PyTypeError::new_err(
                "memoryview.cast(): elements of shape must be integers",
            ));
        };
        let n: isize = i.extract()?;
        out.push(n.max(0) as usize);
    }
    Ok(out)
}

/// True when `obj` supports the buffer protocol.
pub fn has_buffer(obj: &Bound<'_, PyAny>) -> bool {
    // SAFETY: `obj` is a live object and we hold the GIL.
    unsafe { ffi::PyObject_CheckBuffer(obj.as_ptr()) != 0 }
}

/// Iterates over the first axis: elements of a 1-D view, sub-views otherwise.
#[pyclass(module = "ndview")]
pub struct ViewIter {
    view: Py<PyView>,
    next: usize,
    len: usize,
}

#[pymethods]
impl ViewIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if self.next >= self.len {
            return Ok(None);
        }
        let i = self.next;
        self.next += 1;
        let key = (i as isize).into_pyobject(py)?;
        self.view.get().__getitem__(py, key.as_any()).map(Some)
    }
}
