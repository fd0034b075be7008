//! `ndview` for Python: the buffer protocol both ways, zero-copy with NumPy, NumPy's indexing
//! and shape operations on memoryview's API, and kernels that release the GIL.
//!
//! The extension module is `ndview._ndview`; the pure-Python package `ndview` re-exports it.
#![warn(clippy::undocumented_unsafe_blocks)]

mod convert;
mod dispatch;
mod dlpack;
mod errors;
mod export;
mod import;
mod index;
mod kernels;
mod memory;
mod module_fns;
mod pyview;

use pyo3::prelude::*;

/// A Python `ndview.View` that owns a Rust [`ndview::Array`] (for other Rust crates that
/// hand arrays to Python: NumPy takes the result without copying).
pub fn array_to_python(py: Python<'_>, array: ndview::Array) -> PyResult<Py<PyAny>> {
    let view = pyview::PyView::new(memory::Snapshot::from_array(array))?;
    Ok(Py::new(py, view)?.into_any())
}

/// A read-only Python `ndview.View` of a Rust [`ndview::SharedView`] (a shared buffer, a
/// memory-mapped file, a caller's container), without copying; the view keeps the shared
/// buffer alive for as long as Python (or a NumPy array made from it) uses it.
pub fn shared_to_python(py: Python<'_>, shared: ndview::SharedView) -> PyResult<Py<PyAny>> {
    let view = pyview::PyView::new(memory::Snapshot::from_shared(shared))?;
    Ok(Py::new(py, view)?.into_any())
}

/// The extension module.
#[pymodule]
fn _ndview(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<pyview::PyView>()?;
    m.add_class::<pyview::ViewIter>()?;
    m.add_function(wrap_pyfunction!(module_fns::view, m)?)?;
    m.add_function(wrap_pyfunction!(module_fns::frombuffer, m)?)?;
    m.add_function(wrap_pyfunction!(module_fns::map_file, m)?)?;
    m.add_function(wrap_pyfunction!(dlpack::from_dlpack, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::add, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::subtract, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::multiply, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::divide, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::copy, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::astype, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::sum, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::min, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::max, m)?)?;
    m.add_function(wrap_pyfunction!(kernels::fill_fn, m)?)?;
    Ok(())
}
