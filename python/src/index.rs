//! NumPy basic indexing from Python keys: integers, slices, `...`, `None` and tuples of them.

use ndview::SliceItem;
use pyo3::exceptions::{PyIndexError, PyOverflowError};
use pyo3::prelude::*;
use pyo3::types::{PyEllipsis, PyInt, PySlice, PyTuple};

/// A parsed key: the slice items, and whether it is only integers (then a full index selects
/// one element, which Python receives as a value rather than a 0-d view).
pub struct Key {
    /// The items in order.
    pub items: Vec<SliceItem>,
    /// True when every item is an integer (`v[1, 2]`, `v[()]`).
    pub all_ints: bool,
}

/// Parses a `__getitem__` / `__setitem__` key.
pub fn parse(key: &Bound<'_, PyAny>) -> PyResult<Key> {
    let mut items = Vec::new();
    if let Ok(t) = key.cast::<PyTuple>() {
        for k in t.iter() {
            items.push(item(&k)?);
        }
    } else {
        items.push(item(key)?);
    }
    let all_ints = items.iter().all(|i| matches!(i, SliceItem::Index(_)));
    Ok(Key { items, all_ints })
}

fn item(k: &Bound<'_, PyAny>) -> PyResult<SliceItem> {
    if k.is_none() {
        return Ok(SliceItem::NewAxis);
    }
    if k.is_instance_of::<PyEllipsis>() {
        return Ok(SliceItem::Ellipsis);
    }
    if let Ok(s) = k.cast::<PySlice>() {
        let part = |name: &str| -> PyResult<Option<isize>> {
            let v = s.getattr(name)?;
            if v.is_none() {
                Ok(None)
            } else {
                Ok(Some(clamped(&index_of(&v)?)?))
            }
        };
        return Ok(SliceItem::Slice {
            start: part("start")?,
            stop: part("stop")?,
            step: part("step")?,
        });
    }
    if k.is_instance_of::<pyo3::types::PyBool>() || k.hasattr("__index__")? {
        // An object whose `__index__` fails (a NumPy array of more than one element, an
        // array of floats) is not an index, as for any other unsupported key.
        let Ok(i) = index_of(k) else {
            return Err(not_an_index());
        };
        return match i.extract::<isize>() {
            Ok(v) => Ok(SliceItem::Index(v)),
            Err(_) => Err(PyIndexError::new_err(format!(
                "index {i} is out of bounds (does not fit in a C ssize_t)"
            ))),
        };
    }
    Err(not_an_index())
}

/// NumPy's `IndexError` for a key that is not an index, saying what ndview accepts (basic
/// indexing only: no integer or boolean arrays).
fn not_an_index() -> PyErr {
    PyIndexError::new_err(
        "only integers, slices (`:`), ellipsis (`...`) and numpy.newaxis (`None`) are valid \
         indices (ndview has no advanced indexing with integer or boolean arrays)",
    )
}

fn index_of<'py>(v: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyInt>> {
    if let Ok(i) = v.cast::<PyInt>() {
        return Ok(i.clone());
    }
    let i = v.call_method0("__index__").map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "slice indices must be integers or None or have an __index__ method",
        )
    })?;
    Ok(i.cast_into::<PyInt>()?)
}

/// A slice bound as `isize`, clamped (Python clamps slice bounds to the length anyway).
fn clamped(i: &Bound<'_, PyInt>) -> PyResult<isize> {
    match i.extract::<isize>() {
        Ok(v) => Ok(v),
        Err(e) if e.is_instance_of::<PyOverflowError>(i.py()) => {
            Ok(if i.lt(0)? { isize::MIN + 1 } else { isize::MAX })
        }
        Err(e) => Err(e),
    }
}
