//! Kernels over any exporters, with the GIL released while Rust works on memory that the
//! call's snapshots keep alive.

use ndview::kernels::ops;
use ndview::{Array, Buffer, Conversion, Format, Order, View};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use std::sync::Arc;

use crate::convert;
use crate::dispatch::{real_scalar, with_real, IntoValue};
use crate::errors::IntoPy;
use crate::import::import;
use crate::memory::{contiguous_strides, Geometry, Memory, Snapshot};
use crate::pyview::{has_buffer, PyView};

/// A Python view of a kernel's fresh result.
fn result(py: Python<'_>, a: Array) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PyView::new(Snapshot::from_array(a))?)?.into_any())
}

/// The `out=` operand of a kernel: imported, and writable (NumPy's `ValueError` otherwise).
fn output<'o, 'py>(
    out: Option<&'o Bound<'py, PyAny>>,
) -> PyResult<Option<(Snapshot, &'o Bound<'py, PyAny>)>> {
    match out {
        Some(o) if !o.is_none() => {
            let s = import(o)?;
            if s.readonly || !s.mem.writable() {
                return Err(PyValueError::new_err("output array is read-only"));
            }
            Ok(Some((s, o)))
        }
        _ => Ok(None),
    }
}

/// Copies a result into `out` (same format, same shape after broadcasting).
fn store(out: &Snapshot, res: &View<'_>) -> PyResult<()> {
    let mut dst = out.view_mut()?;
    if dst.shape() != res.shape() {
        return Err(PyValueError::new_err(format!(
            "non-broadcastable output operand with shape {:?} doesn't match the broadcast \
             shape {:?}",
            dst.shape(),
            res.shape()
        )));
    }
    dst.copy_from(res).py()
}

/// What a kernel returns: its fresh result, or `out` after the result went into it.
fn finish(
    py: Python<'_>,
    res: Array,
    out: Option<(Snapshot, &Bound<'_, PyAny>)>,
) -> PyResult<Py<PyAny>> {
    match out {
        None => result(py, res),
        Some((o, obj)) => {
            py.detach(|| store(&o, &res.view()))?;
            Ok(obj.clone().unbind())
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

fn binary(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyAny>>,
    op: Op,
) -> PyResult<Py<PyAny>> {
    let out = output(out)?;
    let a_buf = a.is_instance_of::<PyView>() || has_buffer(a);
    let b_buf = b.is_instance_of::<PyView>() || has_buffer(b);
    let res = match (a_buf, b_buf) {
        (true, true) => {
            let (sa, sb) = (import(a)?, import(b)?);
            py.detach(move || -> PyResult<Array> {
                let (va, vb) = (sa.view()?, sb.view()?);
                match op {
                    Op::Add => ops::par_add(&va, &vb),
                    Op::Sub => ops::par_sub(&va, &vb),
                    Op::Mul => ops::par_mul(&va, &vb),
                    Op::Div => ops::par_div(&va, &vb),
                }
                .py()
            })?
        }
        (true, false) | (false, true) => {
            let (arr, x_obj, left) = if a_buf { (a, b, false) } else { (b, a, true) };
            if left && matches!(op, Op::Sub | Op::Div) {
                return Err(PyTypeError::new_err(
                    "a scalar on the left of subtract/divide is not supported; pass a view",
                ));
            }
            let s = import(arr)?;
            let promote = weak_scalar_promotion(&s.geo.format, x_obj, op == Op::Div)?;
            let working = match promote {
                Some(Promote::ToInt64) => ndview::Scalar::I64,
                Some(Promote::ToFloat64) => ndview::Scalar::F64,
                None => real_scalar(&s.geo.format, "arithmetic")?,
            };
            // The scalar as a 0-d array of the working type, converted as NumPy converts a
            // weak Python scalar: integers exactly (their range is checked above), floats
            // rounded to the type.
            let x = scalar_array(x_obj, working)?;
            py.detach(move || -> PyResult<Array> {
                let v = s.view()?;
                let promoted = match promote {
                    Some(Promote::ToInt64) => Some(v.par_astype::<i64>(Conversion::Wrapping).py()?),
                    Some(Promote::ToFloat64) => {
                        Some(v.par_astype::<f64>(Conversion::Wrapping).py()?)
                    }
                    None => None,
                };
                let promoted_view = promoted.as_ref().map(Array::view);
                let v = promoted_view.as_ref().unwrap_or(&v);
                let x = x.view();
                match op {
                    Op::Add => ops::par_add(v, &x),
                    Op::Sub => ops::par_sub(v, &x),
                    Op::Mul => ops::par_mul(v, &x),
                    Op::Div => ops::par_div(v, &x),
                }
                .py()
            })?
        }
        (false, false) => {
            return Err(PyTypeError::new_err(
                "at least one operand must be a buffer",
            ));
        }
    };
    finish(py, res, out)
}

/// Where a Python scalar (a "weak" type, NumPy 2's NEP 50) lifts the array's type first.
#[derive(Clone, Copy)]
enum Promote {
    /// A Python `int` with a `bool` array: NumPy's default integer.
    ToInt64,
    /// A Python `float` with a `bool` or integer array: NumPy's default float.
    ToFloat64,
}

/// A Python number as a 0-d array of `working`: a Python `int` exactly (a `float` type
/// rounds it, one past `f64` is `OverflowError`), a `float` rounded to the type (past its
/// range to an infinity, as NumPy's cast), a `bool` as it is.
fn scalar_array(x: &Bound<'_, PyAny>, working: ndview::Scalar) -> PyResult<Array> {
    use ndview::{Scalar, Value};
    let float = |x: &Bound<'_, PyAny>| -> PyResult<f64> {
        x.extract::<f64>().map_err(|e| {
            if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(x.py()) {
                e
            } else {
                PyTypeError::new_err("operands must be buffers or real numbers")
            }
        })
    };
    let value = match working {
        Scalar::F16 => Value::Float(half::f16::from_f64(float(x)?).to_f64()),
        Scalar::F32 => Value::Float(f64::from(float(x)? as f32)),
        Scalar::F64 => Value::Float(float(x)?),
        Scalar::Bool => Value::Bool(x.is_truthy()?),
        _ => match x.extract::<i128>() {
            Ok(i) => Value::Int(i),
            // Not an int (a float beside an integer array was promoted to `d` above).
            Err(_) => {
                return Err(PyTypeError::new_err(
                    "operands must be buffers or real numbers",
                ))
            }
        },
    };
    let mut a = Array::zeros(working.native_format(), &[]).py()?;
    a.set(&[], &value).py()?;
    Ok(a)
}

/// NumPy 2's rule for a Python scalar beside an array (NEP 50): the scalar takes the array's
/// type when it is of the same kind or a lower one (`int` with an integer or float array,
/// `float` with a float array); a Python `int` that the array's integer type cannot hold is
/// NumPy's `OverflowError`; a higher kind lifts the array to NumPy's default type of that kind.
/// NumPy scalars and arrays have strong types and are operands like any buffer. `divide`
/// (NumPy's `true_divide`) works in floats: a `bool` or integer array is lifted to `d` first,
/// whatever the scalar.
fn weak_scalar_promotion(
    format: &Format,
    x: &Bound<'_, PyAny>,
    divide: bool,
) -> PyResult<Option<Promote>> {
    use ndview::Scalar;
    let Some((scalar, _)) = format.plain_scalar() else {
        return Ok(None);
    };
    let is_bool = x.is_instance_of::<pyo3::types::PyBool>();
    let is_int = !is_bool && x.is_instance_of::<pyo3::types::PyInt>();
    let is_float = x.is_instance_of::<pyo3::types::PyFloat>();
    let bounds = match scalar {
        Scalar::I8 => Some((i8::MIN as i128, i8::MAX as i128)),
        Scalar::U8 => Some((0, u8::MAX as i128)),
        Scalar::I16 => Some((i16::MIN as i128, i16::MAX as i128)),
        Scalar::U16 => Some((0, u16::MAX as i128)),
        Scalar::I32 => Some((i32::MIN as i128, i32::MAX as i128)),
        Scalar::U32 => Some((0, u32::MAX as i128)),
        Scalar::I64 => Some((i64::MIN as i128, i64::MAX as i128)),
        Scalar::U64 => Some((0, u64::MAX as i128)),
        _ => None,
    };
    let integral = bounds.is_some() || scalar == Scalar::Bool;
    if divide && integral {
        return Ok(Some(Promote::ToFloat64));
    }
    let out_of_bounds = |name: &str| {
        pyo3::exceptions::PyOverflowError::new_err(format!(
            "Python integer {x} out of bounds for {name}"
        ))
    };
    Ok(match scalar {
        Scalar::Bool if is_int => {
            if x.extract::<i64>().is_err() {
                return Err(out_of_bounds("q"));
            }
            Some(Promote::ToInt64)
        }
        Scalar::Bool if is_float => Some(Promote::ToFloat64),
        _ if bounds.is_some() && is_float => Some(Promote::ToFloat64),
        _ => {
            if let (Some((lo, hi)), true) = (bounds, is_int) {
                let fits = x.extract::<i128>().is_ok_and(|i| lo <= i && i <= hi);
                if !fits {
                    return Err(out_of_bounds(format.as_str()));
                }
            }
            None
        }
    })
}

/// `a + b` element by element with broadcasting (both of one real type), into a new view
/// or into `out`.
#[pyfunction]
#[pyo3(signature = (a, b, out = None))]
pub fn add(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    binary(py, a, b, out, Op::Add)
}

/// `a - b` element by element with broadcasting.
#[pyfunction]
#[pyo3(signature = (a, b, out = None))]
pub fn subtract(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    binary(py, a, b, out, Op::Sub)
}

/// `a * b` element by element with broadcasting.
#[pyfunction]
#[pyo3(signature = (a, b, out = None))]
pub fn multiply(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    binary(py, a, b, out, Op::Mul)
}

/// True division `a / b` with broadcasting (integers give `d`).
#[pyfunction]
#[pyo3(signature = (a, b, out = None))]
pub fn divide(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    binary(py, a, b, out, Op::Div)
}

/// A contiguous copy in order `'C'`, `'F'` or `'A'` (F when `a` is F- but not C-contiguous);
/// the transposed case uses ndview's tiled copy.
#[pyfunction]
#[pyo3(signature = (a, order = "C"))]
pub fn copy(py: Python<'_>, a: &Bound<'_, PyAny>, order: &str) -> PyResult<Py<PyAny>> {
    let s = import(a)?;
    let order = match order {
        "C" => Order::C,
        "F" => Order::F,
        "A" | "K" => Order::A,
        _ => {
            return Err(PyValueError::new_err(
                "order must be one of 'C', 'F', 'A', 'K'",
            ))
        }
    };
    let snap = copy_snapshot(py, s, order)?;
    Ok(Py::new(py, PyView::new(snap)?)?.into_any())
}

/// A contiguous copy of a snapshot (see [`copy`]), made without the GIL.
pub fn copy_snapshot(py: Python<'_>, s: Snapshot, order: Order) -> PyResult<Snapshot> {
    py.detach(move || -> PyResult<Snapshot> {
        let v = s.view()?;
        let fortran = match order {
            Order::F => true,
            Order::A => v.is_f_contiguous() && !v.is_c_contiguous(),
            Order::C => false,
        };
        let mut buf = Buffer::zeroed(v.nbytes()).py()?;
        let o = if fortran { Order::F } else { Order::C };
        v.par_tobytes_into(o, buf.as_mut_slice()).py()?;
        let geo = Geometry {
            format: v.format().clone(),
            shape: v.shape().to_vec(),
            strides: contiguous_strides(v.shape(), v.itemsize(), fortran),
            offset: 0,
        };
        Ok(Snapshot {
            mem: Arc::new(Memory::from_buffer(buf)),
            geo,
            readonly: false,
        })
    })
}

/// The elements converted to `format` (a real scalar type), NumPy's `astype`: integers into
/// narrower integers keep their low bits, as NumPy's casts; floats out of an integer's range
/// saturate (NumPy's result there depends on the platform).
#[pyfunction]
#[pyo3(signature = (a, format, out = None))]
pub fn astype(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    format: &str,
    out: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let target = Format::parse(format).py()?;
    let ts = real_scalar(&target, "astype")?;
    let out = output(out)?;
    let s = import(a)?;
    let native = target.as_str() == ts.native_format();
    if let Some((o, obj)) = out {
        // Converted straight into `out`, in its byte order, broadcasting as NumPy's copyto.
        py.detach(move || -> PyResult<()> {
            let v = s.view()?;
            let mut dst = o.view_mut()?;
            with_real!(ts, U => dst.par_astype_into::<U>(&v, Conversion::Wrapping).py(),
                Err(PyTypeError::new_err("astype needs a real target format")))
        })?;
        return Ok(obj.clone().unbind());
    }
    let res = py.detach(move || -> PyResult<Array> {
        let v = s.view()?;
        if native {
            return with_real!(ts, U => v.par_astype::<U>(Conversion::Wrapping).py(),
                Err(PyTypeError::new_err("astype needs a real target format")));
        }
        // A target in another byte order (`'>d'`): NumPy keeps it.
        let mut arr = Array::zeros_with(&target, v.shape()).py()?;
        with_real!(ts, U => arr.view_mut().par_astype_into::<U>(&v, Conversion::Wrapping).py(),
            Err(PyTypeError::new_err("astype needs a real target format")))?;
        Ok(arr)
    })?;
    result(py, res)
}

#[derive(Clone, Copy)]
enum Red {
    Sum,
    Min,
    Max,
}

fn reduce(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    axis: Option<isize>,
    red: Red,
) -> PyResult<Py<PyAny>> {
    let s = import(a)?;
    let sc = real_scalar(&s.geo.format, "a reduction")?;
    match axis {
        None => {
            let value = py.detach(move || -> PyResult<ndview::Value> {
                let v = s.view()?;
                with_real!(sc, T => Ok(match red {
                    Red::Sum => v.par_sum::<T>().py()?.into_value(),
                    Red::Min => v.par_min::<T>().map_err(empty_reduction("minimum"))?.into_value(),
                    Red::Max => v.par_max::<T>().map_err(empty_reduction("maximum"))?.into_value(),
                }), Err(PyTypeError::new_err("a real format is needed")))
            })?;
            // NumPy sums float16 in float32 and returns float16: round the same way.
            let value = match (sc, value) {
                (ndview::Scalar::F16, ndview::Value::Float(x)) => {
                    ndview::Value::Float(half::f16::from_f64(x).to_f64())
                }
                (_, value) => value,
            };
            convert::to_py(py, &value)
        }
        Some(axis) => {
            let arr = py.detach(move || -> PyResult<Array> {
                let v = s.view()?;
                let arr = with_real!(sc, T => match red {
                    Red::Sum => v.par_sum_axis::<T>(axis).py(),
                    Red::Min => v.min_axis::<T>(axis).py(),
                    Red::Max => v.max_axis::<T>(axis).py(),
                }, Err(PyTypeError::new_err("a real format is needed")))?;
                if matches!((sc, red), (ndview::Scalar::F16, Red::Sum)) {
                    // As NumPy: accumulated in float32, returned as float16.
                    return arr.view().astype::<half::f16>(Conversion::Saturating).py();
                }
                Ok(arr)
            })?;
            result(py, arr)
        }
    }
}

/// NumPy's error for min/max of an empty view; other errors as usual.
fn empty_reduction(name: &'static str) -> impl Fn(ndview::Error) -> PyErr {
    move |e| {
        if matches!(e, ndview::Error::Shape(_)) || e.to_string().contains("empty") {
            PyValueError::new_err(format!(
                "zero-size array to reduction operation {name} which has no identity"
            ))
        } else {
            crate::errors::to_py(e)
        }
    }
}

/// The sum of all elements (`axis=None`, a Python number) or along one axis (a view).
/// Integers sum in 64 bits as NumPy's do; `e` sums in `f` and returns `e`, as NumPy does.
#[pyfunction]
#[pyo3(signature = (a, axis = None))]
pub fn sum(py: Python<'_>, a: &Bound<'_, PyAny>, axis: Option<isize>) -> PyResult<Py<PyAny>> {
    reduce(py, a, axis, Red::Sum)
}

/// The minimum (NaN wins), of all elements or along one axis.
#[pyfunction]
#[pyo3(signature = (a, axis = None))]
pub fn min(py: Python<'_>, a: &Bound<'_, PyAny>, axis: Option<isize>) -> PyResult<Py<PyAny>> {
    reduce(py, a, axis, Red::Min)
}

/// The maximum (NaN wins), of all elements or along one axis.
#[pyfunction]
#[pyo3(signature = (a, axis = None))]
pub fn max(py: Python<'_>, a: &Bound<'_, PyAny>, axis: Option<isize>) -> PyResult<Py<PyAny>> {
    reduce(py, a, axis, Red::Max)
}

/// Packs `value` once and writes it into every element of a snapshot, without the GIL.
pub fn fill(py: Python<'_>, s: &Snapshot, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let value = convert::from_py(value)?;
    let s = s.clone();
    py.detach(move || -> PyResult<()> { s.view_mut()?.fill_value(&value).py() })
}

/// Writes `value` into every element of a writable exporter.
#[pyfunction(name = "fill")]
pub fn fill_fn(py: Python<'_>, a: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let s = import(a)?;
    fill(py, &s, value)
}
