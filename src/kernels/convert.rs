//! `astype`: value conversion between element types, saturating or checked.

use super::numeric::{CastFrom, CastFromAll, Conversion, Numeric};
use super::operand::{fresh, input, plan_of, walk_par, walk_seq, Run};
use crate::array::Array;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::format::Scalar;
use crate::view::View;
use half::f16;
use std::any::TypeId;
use std::mem::size_of;
use std::sync::atomic::{AtomicBool, Ordering};

/// The type dispatch generated from the scalar table (format/table.rs): `$body` with `$T`
/// bound to the Rust type of a real scalar, `$other` for complex scalars.
pub(crate) use crate::format::with_real_scalar;

/// The real scalar type a view holds, or an error saying what it holds instead.
pub(crate) fn real_scalar(v: &View<'_>, what: &str) -> Result<Scalar> {
    match v.format().scalar() {
        Some((s, _)) if v.itemsize() == s.size() && !s.is_complex() => Ok(s),
        _ => Err(Error::Type(format!(
            "{what} needs a view of one real number per element; format {:?} is not one",
            v.format().as_str()
        ))),
    }
}

/// The error for a complex view where a real one is needed (`real_scalar` refuses those first).
fn complex_error(v: &View<'_>) -> Result<Array> {
    Err(Error::Type(format!(
        "astype converts real numbers; format {:?} holds complex ones",
        v.format().as_str()
    )))
}

impl<'a> View<'a> {
    /// The elements converted to `U` in a new [`Array`] (NumPy's `astype`), whatever real
    /// type the view holds; `mode` says what happens to values `U` cannot hold.
    ///
    /// ```
    /// use ndview::{Conversion, View};
    /// let data = [-1.5f32, 300.0, f32::NAN];
    /// let v = View::from_slice(&data);
    /// let bytes = v.astype::<u8>(Conversion::Saturating).unwrap();
    /// assert_eq!(bytes.as_slice::<u8>().unwrap(), &[0, 255, 0]);
    /// assert!(v.astype::<u8>(Conversion::Checked).is_err());
    /// ```
    pub fn astype<U: CastFromAll>(&self, mode: Conversion) -> Result<Array> {
        self.astype_impl::<U>(mode, false)
    }

    /// [`View::astype`], split across rayon's pool for large views.
    pub fn par_astype<U: CastFromAll>(&self, mode: Conversion) -> Result<Array> {
        self.astype_impl::<U>(mode, true)
    }

    fn astype_impl<U: CastFromAll>(&self, mode: Conversion, parallel: bool) -> Result<Array> {
        let s = real_scalar(self, "astype")?;
        with_real_scalar!(s, T => convert::<T, U>(self, mode, parallel), complex_error(self))
    }
}

fn convert<T: Numeric, U: Element + CastFrom<T>>(
    v: &View<'_>,
    mode: Conversion,
    parallel: bool,
) -> Result<Array> {
    // Half-float slices convert 8 at a time with F16C where the CPU has it.
    if TypeId::of::<T>() == TypeId::of::<f16>() && TypeId::of::<U>() == TypeId::of::<f32>() {
        return half_slices(v, parallel, |s: &[f16], d: &mut [f32]| {
            half::slice::HalfFloatSliceExt::convert_to_f32_slice(s, d)
        });
    }
    if TypeId::of::<T>() == TypeId::of::<f32>()
        && TypeId::of::<U>() == TypeId::of::<f16>()
        && mode == Conversion::Saturating
    {
        return half_slices(v, parallel, |s: &[f32], d: &mut [f16]| {
            half::slice::HalfFloatSliceExt::convert_from_f32_slice(d, s)
        });
    }
    match mode {
        Conversion::Saturating => {
            if parallel {
                v.par_map(|x: T| U::saturating_from(x))
            } else {
                v.map(|x: T| U::saturating_from(x))
            }
        }
        Conversion::Checked => {
            let failed = AtomicBool::new(false);
            let conv = |x: T| {
                U::checked_from(x).unwrap_or_else(|| {
                    failed.store(true, Ordering::Relaxed);
                    U::default()
                })
            };
            let out = if parallel {
                v.par_map(conv)?
            } else {
                v.map(conv)?
            };
            if failed.load(Ordering::Relaxed) {
                return Err(Error::Type(format!(
                    "a value of the view does not fit in {} exactly (use Conversion::Saturating \
                     to clamp)",
                    std::any::type_name::<U>()
                )));
            }
            Ok(out)
        }
    }
}

/// Converts run by run with a slice function where runs are contiguous, native and aligned,
/// and element by element (through `CastFrom`) elsewhere.
fn half_slices<T: Numeric, U: Element + CastFrom<T>>(
    v: &View<'_>,
    parallel: bool,
    slices: impl Fn(&[T], &mut [U]) + Sync,
) -> Result<Array> {
    let shape = v.shape().to_vec();
    let (out, o) = fresh::<U>(&shape)?;
    let a = input::<T>(&v.raw, &shape)?;
    let plan = plan_of(&shape, [&o, &a]);
    let [so, sa] = plan.inner_strides();
    let run = |[po, pa]: [isize; 2], len: usize| {
        // SAFETY: the plan yields element offsets of the two validated layouts; the output is
        // a fresh array, disjoint from the input.
        let (ro, ra): (Run, Run) = unsafe { (o.run(po, so), a.run(pa, sa)) };
        // SAFETY: each run holds `len` elements; slices only over aligned native runs.
        unsafe {
            if ro.sliceable::<U>() && ra.sliceable::<T>() {
                slices(
                    std::slice::from_raw_parts(ra.ptr.cast::<T>(), len),
                    std::slice::from_raw_parts_mut(ro.ptr.cast::<U>(), len),
                );
            } else {
                for i in 0..len {
                    ro.store(i, U::saturating_from(ra.load::<T>(i)));
                }
            }
        }
    };
    let sizes = [size_of::<U>(), size_of::<T>()];
    if parallel {
        walk_par(&plan, sizes, run);
    } else {
        walk_seq(&plan, sizes, run);
    }
    Ok(out)
}
