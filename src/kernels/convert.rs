//! `astype`: value conversion between element types, saturating or checked.

use super::numeric::{CastFrom, CastFromAll, Conversion, Numeric};
use super::operand::{detach, input, output};
use crate::array::Array;
use crate::element::Element;
use crate::engine::Run;
use crate::error::{Error, Result};
use crate::format::Scalar;
use crate::source::IntoView;
use crate::view::{View, ViewMut};
use half::f16;
use std::any::TypeId;
use std::sync::atomic::{AtomicBool, Ordering};

/// The type dispatch generated from the scalar table (format/table.rs): `$body` with `$T`
/// bound to the Rust type of a real scalar, `$other` for complex scalars.
pub(crate) use crate::format::with_real_scalar;

/// The real scalar type a view holds, or an error saying what it holds instead. A record of
/// one field (`T{d:x:}`) is not a number here, as NumPy's ufuncs have no loop for it (select
/// the field first).
pub(crate) fn real_scalar(v: &View<'_>, what: &str) -> Result<Scalar> {
    match v.format().plain_scalar() {
        Some((s, _)) if v.itemsize() == s.size() && !s.is_complex() => Ok(s),
        _ => Err(Error::Type(format!(
            "{what} needs a view of one real number per element; format {:?} is not one",
            v.format().as_str()
        ))),
    }
}

/// The error for a complex scalar type where a real one is needed: the arm of a real-type
/// dispatch that [`real_scalar`] keeps from being taken, returned rather than panicking.
pub(crate) fn not_real(s: Scalar, what: &str) -> Error {
    Error::Type(format!(
        "{what} needs real numbers; {s:?} holds complex ones"
    ))
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
        let out = with_real_scalar!(
            s,
            T => convert::<T, U>(self, mode, parallel, Target::Fresh),
            complex_error(self).map(Some)
        )?;
        Ok(out.expect("a fresh conversion returns its array"))
    }
}

impl ViewMut<'_> {
    /// Writes the elements of `src`, converted to `U`, into this view (NumPy's
    /// `np.copyto(dst, src, casting="unsafe")`), broadcasting `src` to this view's shape; this
    /// view's format must hold `U`. `mode` says what happens to values `U` cannot hold; with
    /// [`Conversion::Checked`] an error leaves this view partly written. `src` may share memory
    /// with this view: it is then read from a private copy first, as in [`ViewMut::map_into`].
    ///
    /// ```
    /// use half::f16;
    /// use ndview::{Conversion, View, ViewMut};
    /// let halves = [f16::from_f32(1.5), f16::from_f32(-2.0), f16::from_f32(65504.0)];
    /// let mut out = [0.0f32; 3];
    /// ViewMut::from_slice(&mut out)
    ///     .astype_into::<f32>(&View::from_slice(&halves), Conversion::Saturating)
    ///     .unwrap();
    /// assert_eq!(out, [1.5, -2.0, 65504.0]);
    /// ```
    pub fn astype_into<'v, U: CastFromAll>(
        &mut self,
        src: impl IntoView<'v>,
        mode: Conversion,
    ) -> Result<()> {
        let src = src.view_cow();
        self.astype_into_impl::<U>(&src, mode, false)
    }

    /// [`ViewMut::astype_into`], split across rayon's pool for large views.
    pub fn par_astype_into<'v, U: CastFromAll>(
        &mut self,
        src: impl IntoView<'v>,
        mode: Conversion,
    ) -> Result<()> {
        let src = src.view_cow();
        self.astype_into_impl::<U>(&src, mode, true)
    }

    fn astype_into_impl<U: CastFromAll>(
        &mut self,
        src: &View<'_>,
        mode: Conversion,
        parallel: bool,
    ) -> Result<()> {
        let s = real_scalar(src, "astype_into")?;
        with_real_scalar!(
            s,
            T => convert::<T, U>(src, mode, parallel, Target::Into(self)),
            complex_error(src).map(Some)
        )?;
        Ok(())
    }
}

/// Where a conversion writes: a fresh array (returned) or an existing view.
enum Target<'o, 'b> {
    Fresh,
    Into(&'o mut ViewMut<'b>),
}

fn convert<T: Numeric, U: Element + CastFrom<T>>(
    v: &View<'_>,
    mode: Conversion,
    parallel: bool,
    mut target: Target<'_, '_>,
) -> Result<Option<Array>> {
    // Half-float slices convert 8 at a time with F16C where the CPU has it.
    if TypeId::of::<T>() == TypeId::of::<f16>() && TypeId::of::<U>() == TypeId::of::<f32>() {
        return half_slices(v, parallel, target, |s: &[f16], d: &mut [f32]| {
            half::slice::HalfFloatSliceExt::convert_to_f32_slice(s, d)
        });
    }
    if TypeId::of::<T>() == TypeId::of::<f32>()
        && TypeId::of::<U>() == TypeId::of::<f16>()
        && mode != Conversion::Checked
    {
        return half_slices(v, parallel, target, |s: &[f32], d: &mut [f16]| {
            half::slice::HalfFloatSliceExt::convert_from_f32_slice(d, s)
        });
    }
    match mode {
        Conversion::Saturating => map_to(v, &mut target, parallel, |x: T| U::saturating_from(x)),
        Conversion::Wrapping => map_to(v, &mut target, parallel, |x: T| U::wrapping_from(x)),
        Conversion::Checked => {
            let failed = AtomicBool::new(false);
            let out = map_to(v, &mut target, parallel, |x: T| {
                U::checked_from(x).unwrap_or_else(|| {
                    failed.store(true, Ordering::Relaxed);
                    U::default()
                })
            })?;
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

/// `f` over every element of `v`, into the target.
fn map_to<T: Element, U: Element>(
    v: &View<'_>,
    target: &mut Target<'_, '_>,
    parallel: bool,
    f: impl Fn(T) -> U + Sync,
) -> Result<Option<Array>> {
    match target {
        Target::Fresh => v.map_if(f, parallel).map(Some),
        Target::Into(dst) => dst.map_into_if(v, f, parallel).map(|()| None),
    }
}

/// Converts run by run with a slice function where runs are contiguous, native and aligned,
/// and element by element (through `CastFrom`) elsewhere. Into an existing view, an input
/// sharing other bytes with it is read from a private copy; one that is the output element for
/// element (same bytes, same layout) cannot be sliced beside it and takes the element path.
fn half_slices<T: Numeric, U: Element + CastFrom<T>>(
    v: &View<'_>,
    parallel: bool,
    target: Target<'_, '_>,
    slices: impl Fn(&[T], &mut [U]) + Sync,
) -> Result<Option<Array>> {
    let mut keep = Vec::new();
    let (fresh_out, o, shape, src, same) = match target {
        Target::Fresh => {
            let mut out = Array::zeros_with(&U::format(), v.shape())?;
            let o = output::<U>(&mut out.view_mut())?;
            (Some(out), o, v.shape().to_vec(), v.raw.clone(), false)
        }
        Target::Into(dst) => {
            let o = output::<U>(dst)?;
            let (src, same) = detach(&dst.raw, &v.raw, &mut keep)?;
            (None, o, dst.raw.layout.shape.to_vec(), src, same)
        }
    };
    let a = input::<T>(&src, &shape)?;
    let body = |[ro, ra]: [Run<'_>; 2]| {
        let (mut ro, ra) = (ro.lane_mut::<U>(), ra.lane::<T>());
        if let (Some(o), Some(a)) = (ro.as_mut_slice(), ra.as_slice()) {
            slices(a, o);
        } else {
            assert_eq!(ra.len(), ro.len());
            for i in 0..ro.len() {
                ro.set(i, U::saturating_from(ra.get(i)));
            }
        }
    };
    crate::engine::runs_par(&shape, [&o, &a], same, parallel, body);
    Ok(fresh_out)
}
