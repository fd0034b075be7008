//! Fixed-rank typed views ([`View::fixed`]): the element type and the number of axes in the
//! type, the geometry inline, so the view is `Copy` as ndarray's `ArrayView2` is.

use super::typed::as_ref;
use super::{Typed, View};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::kernels::{Numeric, Stats};
use crate::raw::FixedRaw;
use crate::source::IntoView;
use std::marker::PhantomData;

/// A read-only view of `N` axes whose elements are references to `T` (from [`View::fixed`]).
///
/// It is `Copy`, like ndarray's fixed-rank `ArrayView1`, `ArrayView2`, ...: one view moves into
/// any number of closures and threads. [`View`] has a dynamic rank, like ndarray's
/// `ArrayViewD`, and is only `Clone`. Index it with `[usize; N]`; [`FixedView::view`] gives the
/// dynamic view back for every other operation.
///
/// ```
/// let data: Vec<f32> = (0..6).map(|x| x as f32).collect();
/// let v = ndview::View::from_slice(&data).reshape(&[2, 3])?;
/// let img = v.fixed::<f32, 2>()?;
/// let (top, bottom) = std::thread::scope(|s| {
///     let top = s.spawn(move || img.split_at(0, 1).map(|(t, _)| t.iter().sum::<f32>()));
///     let bottom = s.spawn(move || img.split_at(0, 1).map(|(_, b)| b.iter().sum::<f32>()));
///     (top.join().unwrap(), bottom.join().unwrap())
/// });
/// assert_eq!((top?, bottom?), (3.0, 12.0));
/// assert_eq!(img[[1, 2]], 5.0);
/// assert_eq!(img.transpose().shape(), [3, 2]);
/// assert_eq!(img.sum()?, 15.0);
/// # Ok::<(), ndview::Error>(())
/// ```
pub struct FixedView<'a, T, const N: usize> {
    raw: FixedRaw<'a, N>,
    _item: PhantomData<&'a T>,
}

impl<T, const N: usize> Clone for FixedView<'_, T, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, const N: usize> Copy for FixedView<'_, T, N> {}

impl<T, const N: usize> std::fmt::Debug for FixedView<'_, T, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixedView")
            .field("element", &std::any::type_name::<T>())
            .field("shape", &self.raw.shape())
            .field("strides", &self.raw.strides())
            .finish()
    }
}

impl<'a, T: Element + bytemuck::Pod, const N: usize> FixedView<'a, T, N> {
    /// Elements per axis.
    #[inline]
    pub fn shape(&self) -> [usize; N] {
        self.raw.shape()
    }

    /// Byte strides, one per axis (as [`View::strides`]).
    #[inline]
    pub fn strides(&self) -> [isize; N] {
        self.raw.strides()
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape().iter().product()
    }

    /// Whether some axis has length 0.
    pub fn is_empty(&self) -> bool {
        self.shape().contains(&0)
    }

    /// The reference to the element at `index`, or `None` out of bounds.
    #[inline]
    pub fn get(&self, index: [usize; N]) -> Option<&'a T> {
        self.raw.element(index).map(as_ref)
    }

    /// References to the elements in C order, from either end.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a T> + ExactSizeIterator {
        self.view().elements_for().map(as_ref)
    }

    /// The same elements as a dynamic-rank [`View`], for every other operation.
    pub fn view(&self) -> View<'a> {
        self.raw.view(T::format())
    }

    /// The axes in reverse order (NumPy's `a.T`).
    pub fn transpose(&self) -> FixedView<'a, T, N> {
        FixedView {
            raw: self.raw.reversed_axes(),
            _item: PhantomData,
        }
    }

    /// The two views `[..index]` and `[index..]` along `axis` (as [`View::split_at`]), to
    /// hand parts of one view to different threads.
    pub fn split_at(
        &self,
        axis: isize,
        index: usize,
    ) -> Result<(FixedView<'a, T, N>, FixedView<'a, T, N>)> {
        let (a, b) = self.view().split_at(axis, index)?;
        Ok((fixed_of(&a), fixed_of(&b)))
    }
}

/// The fixed view of a view already checked for `T` and of rank `N`.
fn fixed_of<'a, T, const N: usize>(view: &View<'a>) -> FixedView<'a, T, N> {
    FixedView {
        raw: FixedRaw::of(view).expect("a part keeps the rank"),
        _item: PhantomData,
    }
}

impl<'a, T: Numeric + bytemuck::Pod, const N: usize> FixedView<'a, T, N> {
    /// [`View::sum`], the element type known.
    pub fn sum(&self) -> Result<T::Acc> {
        self.view().sum::<T>()
    }

    /// [`View::par_sum`], the element type known.
    pub fn par_sum(&self) -> Result<T::Acc> {
        self.view().par_sum::<T>()
    }

    /// [`View::min`], the element type known.
    pub fn min(&self) -> Result<T> {
        self.view().min::<T>()
    }

    /// [`View::max`], the element type known.
    pub fn max(&self) -> Result<T> {
        self.view().max::<T>()
    }
}

impl<'a, T: Stats + bytemuck::Pod, const N: usize> FixedView<'a, T, N> {
    /// [`View::mean`], the element type known.
    pub fn mean(&self) -> Result<T::Mean> {
        self.view().mean::<T>()
    }
}

impl<T: Element + bytemuck::Pod, const N: usize> std::ops::Index<[usize; N]>
    for FixedView<'_, T, N>
{
    type Output = T;

    /// Panics when the index is out of bounds, as slices and ndarray do; [`FixedView::get`]
    /// returns `None` instead.
    fn index(&self, index: [usize; N]) -> &T {
        match self.get(index) {
            Some(x) => x,
            None => panic!(
                "index {index:?} is out of bounds for shape {:?}",
                self.shape()
            ),
        }
    }
}

impl<'a, T: Element + bytemuck::Pod, const N: usize> From<FixedView<'a, T, N>> for View<'a> {
    fn from(v: FixedView<'a, T, N>) -> View<'a> {
        v.view()
    }
}

impl<'a, T: Element + bytemuck::Pod, const N: usize> IntoView<'a> for FixedView<'a, T, N> {
    fn into_view(self) -> View<'a> {
        self.view()
    }
}

impl<'a, T: Element + bytemuck::Pod, const N: usize> IntoView<'a> for &FixedView<'a, T, N> {
    fn into_view(self) -> View<'a> {
        self.view()
    }
}

impl<'a> View<'a> {
    /// The view as a `Copy` view of `N` axes of `T` references ([`FixedView`]): the checks of
    /// [`View::typed`] (native byte order, aligned elements), and the rank must be `N`.
    ///
    /// ```
    /// let data = [1u16, 2, 3, 4];
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 2]).unwrap();
    /// assert_eq!(v.fixed::<u16, 2>().unwrap()[[1, 0]], 3);
    /// assert!(v.fixed::<u16, 3>().is_err()); // the rank is 2
    /// assert!(v.fixed::<i32, 2>().is_err()); // the elements are u16
    /// ```
    pub fn fixed<T: Element + bytemuck::Pod, const N: usize>(&self) -> Result<FixedView<'a, T, N>> {
        self.typed::<T>()?.fixed::<N>()
    }
}

impl<'a, T: Element + bytemuck::Pod> Typed<'a, T> {
    /// The typed view with its rank in the type, `Copy` ([`FixedView`]); an error when the
    /// rank is not `N`.
    pub fn fixed<const N: usize>(&self) -> Result<FixedView<'a, T, N>> {
        let view = self.view();
        match FixedRaw::of(view) {
            Some(raw) => Ok(FixedView {
                raw,
                _item: PhantomData,
            }),
            None => Err(Error::Shape(format!(
                "a FixedView of {N} axes needs a view of {N} dimensions, got {}; reshape, \
                 index or insert axes first",
                view.ndim()
            ))),
        }
    }
}
