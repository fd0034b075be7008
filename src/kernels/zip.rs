//! `Zip`: element-wise kernels over up to six broadcast views (ndarray's `Zip`, NumPy's
//! ufuncs with several inputs): `Zip::from(&r).and(&g).and(&b).map_collect(|r: u8, g: u8, b:
//! u8| ...)`.
//!
//! It runs on the same walk as [`View::zip_map`]: operands broadcast, overlap with the output
//! resolved as NumPy does, the engine choosing sequential or parallel runs.

use super::elementwise::elementwise;
use super::operand::{detach, input, output};
use crate::array::Array;
use crate::element::Element;
use crate::engine::{Holds, Run};
use crate::error::Result;
use crate::source::IntoView;
use crate::view::{RawView, View, ViewMut};

/// Views zipped for one element-wise kernel; `V` is a tuple of 1 to 6 views (built with
/// [`Zip::from`] and [`and`](Zip::and)). The closure's parameters name the element types,
/// which the formats must hold (any byte order and alignment).
///
/// ```
/// use ndview::{View, Zip};
/// // RGBA pixels, 2x2: grey = 0.299 r + 0.587 g + 0.114 b, scaled by alpha.
/// let px: Vec<u8> = (0..16).map(|i| (i * 16) as u8).collect();
/// let img = View::from_bytes(&px).reshape(&[2, 2, 4])?;
/// let ch = |k: isize| img.slice_str(&format!(":, :, {k}"));
/// let grey = Zip::from(&ch(0)?).and(&ch(1)?).and(&ch(2)?).and(&ch(3)?).par_map_collect(
///     |r: u8, g: u8, b: u8, a: u8| {
///         (0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b)) * f32::from(a) / 255.0
///     },
/// )?;
/// assert_eq!(grey.shape(), &[2, 2]);
/// // Broadcasting: a row of offsets against a column of scales.
/// let (col, row) = ([1.0f64, 10.0], [1.0f64, 2.0, 3.0]);
/// let col = View::from_slice(&col).reshape(&[2, 1])?;
/// let t = Zip::from(&col).and(View::from_slice(&row)).map_collect(|c: f64, r: f64| c * r)?;
/// assert_eq!(t.to_vec::<f64>()?, [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]);
/// # Ok::<(), ndview::Error>(())
/// ```
pub struct Zip<V> {
    views: V,
}

/// `out[i] = f(x0[i], x1[i], ...)` over one run of N inputs: slices (a loop the compiler
/// vectorises) where every run is one, else element by element through the lanes.
macro_rules! run_n {
    ($name:ident, $n:literal; $($T:ident $x:ident),+) => {
        /// One run of the N-input kernel (the body the executor runs).
        #[inline(always)]
        pub(super) fn $name<$($T: Element,)+ U: Element>(
            out: Run<'_>,
            [$($x),+]: [Run<'_>; $n],
            f: &mut impl FnMut($($T),+) -> U,
        ) {
            let mut out = out.lane_mut::<U>();
            $(let $x = $x.lane::<$T>();)+
            let len = out.len();
            $(assert_eq!($x.len(), len);)+
            if let (Some(o), $(Some($x)),+) = (out.as_mut_slice(), $($x.as_slice()),+) {
                // Re-sliced to `len` so that the indexing below needs no bounds checks and
                // the loop vectorises.
                let o = &mut o[..len];
                $(let $x = &$x[..len];)+
                for i in 0..len {
                    o[i] = f($($x[i]),+);
                }
            } else {
                for i in 0..len {
                    out.set(i, f($($x.get(i)),+));
                }
            }
        }
    };
}

run_n!(run_1, 1; A a);
run_n!(run_2, 2; A a, B b);
run_n!(run_3, 3; A a, B b, C c);
run_n!(run_4, 4; A a, B b, C c, D d);
run_n!(run_5, 5; A a, B b, C c, D d, E e);
run_n!(run_6, 6; A a, B b, C c, D d, E e, G g);

impl<'v> Zip<(View<'v>,)> {
    /// Starts a zip with one operand: a view, an [`Array`], a [`SharedView`](crate::SharedView),
    /// a slice or `Vec` of elements (anything [`IntoView`]).
    pub fn from(a: impl IntoView<'v>) -> Self {
        Zip {
            views: (a.into_view(),),
        }
    }
}

/// The methods of a zip of N views: `and` (up to six), and the kernels.
macro_rules! zip_impl {
    ($run:ident; $($T:ident $v:ident $k:tt),+; next $next:ident) => {
        zip_impl!($run; $($T $v $k),+);
        impl<'v> Zip<($(zip_impl!(@view $T, 'v),)+)> {
            /// Adds one more operand (broadcast with the others).
            pub fn and(self, $next: impl IntoView<'v>) -> Zip<($(zip_impl!(@view $T, 'v),)+ View<'v>)> {
                Zip { views: ($(self.views.$k,)+ $next.into_view()) }
            }
        }
    };
    ($run:ident; $($T:ident $v:ident $k:tt),+) => {
        impl<'v> Zip<($(zip_impl!(@view $T, 'v),)+)> {
            /// The broadcast shape of the views.
            pub fn shape(&self) -> Result<Vec<usize>> {
                crate::broadcast_shapes(&[$(self.views.$k.shape()),+])
            }

            /// `f` of the elements at each position, into a new C-contiguous [`Array`] of the
            /// broadcast shape.
            pub fn map_collect<$($T: Element,)+ U: Element>(self, mut f: impl FnMut($($T),+) -> U) -> Result<Array> {
                let mut out = Array::zeros_with(&U::format(), &self.shape()?)?;
                let ($($v,)+) = self.views;
                elementwise!(seq, &mut out.view_mut(), U, [$(($v.raw, $T)),+], $run, f)?;
                Ok(out)
            }

            /// [`map_collect`](Self::map_collect), split across rayon's pool for large views.
            pub fn par_map_collect<$($T: Element,)+ U: Element>(self, f: impl Fn($($T),+) -> U + Sync) -> Result<Array> {
                let mut out = Array::zeros_with(&U::format(), &self.shape()?)?;
                let ($($v,)+) = self.views;
                elementwise!(par, &mut out.view_mut(), U, [$(($v.raw, $T)),+], $run, f)?;
                Ok(out)
            }

            /// `out[i] = f(...)` into an existing view, the zipped views broadcast to its
            /// shape (NumPy's `out=`; inputs may share memory with `out`, as in NumPy).
            pub fn map_into<$($T: Element,)+ U: Element>(self, out: &mut ViewMut<'_>, mut f: impl FnMut($($T),+) -> U) -> Result<()> {
                let ($($v,)+) = self.views;
                elementwise!(seq, out, U, [$(($v.raw, $T)),+], $run, f)
            }

            /// [`map_into`](Self::map_into), split across rayon's pool for large views.
            pub fn par_map_into<$($T: Element,)+ U: Element>(self, out: &mut ViewMut<'_>, f: impl Fn($($T),+) -> U + Sync) -> Result<()> {
                let ($($v,)+) = self.views;
                elementwise!(par, out, U, [$(($v.raw, $T)),+], $run, f)
            }
        }
    };
    (@view $T:ident, $l:lifetime) => { View<$l> };
}

zip_impl!(run_1; A a 0; next b);
zip_impl!(run_2; A a 0, B b 1; next c);
zip_impl!(run_3; A a 0, B b 1, C c 2; next d);
zip_impl!(run_4; A a 0, B b 1, C c 2, D d 3; next e);
zip_impl!(run_5; A a 0, B b 1, C c 2, D d 3, E e 4; next g);
zip_impl!(run_6; A a 0, B b 1, C c 2, D d 3, E e 4, G g 5);

impl View<'_> {
    /// One value per lane along `axis`: `f` sees each lane's elements as a slice (one pixel's
    /// channels, one row's samples) and its result fills a new [`Array`] with that axis
    /// removed. Lanes are read in place when contiguous, native and aligned, else gathered.
    ///
    /// ```
    /// let rgb: Vec<u8> = vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
    /// let img = ndview::View::from_slice(&rgb).reshape(&[2, 2, 3])?;
    /// let grey = img.map_lanes(-1, |px: &[u8]| {
    ///     (0.299 * f32::from(px[0]) + 0.587 * f32::from(px[1]) + 0.114 * f32::from(px[2])) as u8
    /// })?;
    /// assert_eq!(grey.to_vec::<u8>()?, [76, 149, 29, 255]);
    /// # Ok::<(), ndview::Error>(())
    /// ```
    pub fn map_lanes<T: Element, U: Element>(
        &self,
        axis: isize,
        f: impl Fn(&[T]) -> U + Sync,
    ) -> Result<Array> {
        let ax = crate::layout::axis_index(axis, self.ndim())?;
        super::reduce::map_lanes_with(self, ax, false, || Ok(()), |xs, _| f(xs))
    }

    /// [`View::map_lanes`], split across rayon's pool for large views.
    pub fn par_map_lanes<T: Element, U: Element>(
        &self,
        axis: isize,
        f: impl Fn(&[T]) -> U + Sync,
    ) -> Result<Array> {
        let ax = crate::layout::axis_index(axis, self.ndim())?;
        super::reduce::map_lanes_with(self, ax, true, || Ok(()), |xs, _| f(xs))
    }
}
