//! Shape operations: O(ndim), allocation-free for up to 6 dimensions, never copying data.
//!
//! `View` methods take `&self` and return a new view of the same lifetime; `ViewMut` methods
//! consume the view (use [`ViewMut::reborrow`] to keep it), since two writable views of the
//! same elements may not coexist.

use super::{View, ViewMut};
use crate::error::Result;
use crate::layout::{parse_index, SliceItem};

/// Generates the shape operations for one view type. `$($recv)*` is `&` for `View`
/// (borrow and clone) and empty for `ViewMut` (consume).
macro_rules! shape_ops {
    ($ty:ident; $($recv:tt)*) => {
        impl<'a> $ty<'a> {
            /// Applies a NumPy basic index given as items (see the [`s!`](crate::s) macro):
            /// integers drop an axis, slices keep it, `NewAxis` adds one, `Ellipsis` fills.
            /// The result's shape, strides and offset are NumPy's.
            ///
            /// ```
            /// use ndview::{s, View};
            /// let data: Vec<u16> = (0..12).collect();
            /// let v = View::from_slice(&data).reshape(&[3, 4]).unwrap();
            /// let w = v.slice(s![.., ..;-2]).unwrap(); // NumPy's v[:, ::-2]
            /// assert_eq!((w.shape(), w.strides()), (&[3, 2][..], &[8, -4][..]));
            /// assert_eq!(w.tolist().unwrap().to_string(), "[[3, 1], [7, 5], [11, 9]]");
            /// ```
            pub fn slice<I: AsRef<[SliceItem]>>($($recv)* self, items: I) -> Result<$ty<'a>> {
                let layout = self.raw.layout.slice(items.as_ref())?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// Applies a NumPy basic index written as in Python:
            /// `"1, ::-2, ..., None, 3:7"`. An all-integer index gives a 0-d view.
            ///
            /// ```
            /// let data: Vec<i32> = (0..24).collect();
            /// let v = ndview::View::from_slice(&data).reshape(&[2, 3, 4]).unwrap();
            /// let w = v.slice_str("-1, ::2, None, 1:3").unwrap();
            /// assert_eq!(w.shape(), &[2, 1, 2]);
            /// assert_eq!(w.tolist().unwrap().to_string(), "[[[13, 14]], [[21, 22]]]");
            /// assert!(v.slice_str("5").is_err()); // index out of range, as in NumPy
            /// ```
            pub fn slice_str($($recv)* self, index: &str) -> Result<$ty<'a>> {
                let items = parse_index(index)?;
                let layout = self.raw.layout.slice(&items)?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// Reorders the axes: axis `k` of the result is axis `perm[k]` of this view
            /// (NumPy's `transpose(axes)`: negative axes count from the end).
            ///
            /// ```
            /// let data = [0u8; 24];
            /// let v = ndview::View::from_bytes(&data).reshape(&[2, 3, 4]).unwrap();
            /// let p = v.permute(&[2, 0, 1]).unwrap();
            /// assert_eq!((p.shape(), p.strides()), (&[4, 2, 3][..], &[1, 12, 4][..]));
            /// assert_eq!(v.permute(&[-1, 0, 1]).unwrap().shape(), p.shape());
            /// ```
            pub fn permute($($recv)* self, perm: &[isize]) -> Result<$ty<'a>> {
                let layout = self.raw.layout.permute(perm)?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// Reverses the axes (NumPy's `.T`).
            ///
            /// ```
            /// let data = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0];
            /// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
            /// let t = v.transpose();
            /// assert_eq!((t.shape(), t.strides()), (&[3, 2][..], &[8, 24][..]));
            /// assert_eq!(t.get_as::<f64>(&[2, 0]).unwrap(), 3.0);
            /// ```
            pub fn transpose($($recv)* self) -> $ty<'a> {
                let layout = self.raw.layout.transpose();
                $ty::wrap(self.raw.with_layout(layout))
            }

            /// Exchanges two axes (negative axes count from the end).
            pub fn swap_axes($($recv)* self, a: isize, b: isize) -> Result<$ty<'a>> {
                let layout = self.raw.layout.swap_axes(a, b)?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// Reverses one axis, as NumPy's `flip(axis)` (the slice `::-1`).
            ///
            /// ```
            /// let data: Vec<i8> = (0..6).collect();
            /// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
            /// assert_eq!(v.flip(-1).unwrap().tolist().unwrap().to_string(), "[[2, 1, 0], [5, 4, 3]]");
            /// ```
            pub fn flip($($recv)* self, axis: isize) -> Result<$ty<'a>> {
                let layout = self.raw.layout.flip(axis)?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// Removes every axis of length 1.
            pub fn squeeze($($recv)* self) -> $ty<'a> {
                let layout = self.raw.layout.squeeze();
                $ty::wrap(self.raw.with_layout(layout))
            }

            /// Removes one axis of length 1.
            pub fn squeeze_axis($($recv)* self, axis: isize) -> Result<$ty<'a>> {
                let layout = self.raw.layout.squeeze_axis(axis)?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// Inserts an axis of length 1 that is axis `axis` of the result (NumPy's
            /// `expand_dims`: `-1` appends one).
            ///
            /// ```
            /// let v = ndview::View::from_bytes(&[0u8; 6]).reshape(&[2, 3]).unwrap();
            /// assert_eq!(v.insert_axis(0).unwrap().shape(), &[1, 2, 3]);
            /// assert_eq!(v.insert_axis(-1).unwrap().shape(), &[2, 3, 1]);
            /// ```
            pub fn insert_axis($($recv)* self, axis: isize) -> Result<$ty<'a>> {
                let layout = self.raw.layout.insert_axis(axis, self.raw.itemsize())?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// A view with a new shape, when NumPy can reshape without copying; an error when
            /// the axes do not chain. One entry may be [`INFER`](crate::INFER) (NumPy's `-1`):
            /// that axis takes the length the others leave.
            ///
            /// ```
            /// use ndview::INFER;
            /// let data: Vec<u32> = (0..12).collect();
            /// let v = ndview::View::from_slice(&data);
            /// assert_eq!(v.reshape(&[3, INFER]).unwrap().shape(), &[3, 4]);
            /// // A transposed view cannot be flattened without copying:
            /// assert!(v.reshape(&[3, 4]).unwrap().transpose().reshape(&[12]).is_err());
            /// ```
            pub fn reshape($($recv)* self, shape: &[usize]) -> Result<$ty<'a>> {
                let layout = self.raw.layout.reshape(shape, self.raw.itemsize())?;
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }

            /// NumPy's `diagonal(offset, axis1, axis2)`: the two axes become one last axis along
            /// the diagonal.
            ///
            /// ```
            /// let data: Vec<i64> = (0..9).collect();
            /// let m = ndview::View::from_slice(&data).reshape(&[3, 3]).unwrap();
            /// assert_eq!(m.diagonal(0, 0, 1).unwrap().tolist().unwrap().to_string(), "[0, 4, 8]");
            /// assert_eq!(m.diagonal(1, 0, 1).unwrap().tolist().unwrap().to_string(), "[1, 5]");
            /// ```
            pub fn diagonal($($recv)* self, offset: isize, axis1: isize, axis2: isize) -> Result<$ty<'a>> {
                let mut layout = self.raw.layout.diagonal(offset, axis1, axis2)?;
                if layout.is_empty() && layout.extent(self.raw.itemsize()).is_err() {
                    // NumPy's move to the start of an empty diagonal would leave the address
                    // space; no element is there to see, so the view stays where it was.
                    layout.offset = self.raw.layout.offset;
                }
                Ok($ty::wrap(self.raw.with_layout(layout)))
            }
        }
    };
}

shape_ops!(View; &);
shape_ops!(ViewMut;);

impl<'a> View<'a> {
    /// NumPy's `broadcast_to`: repeats axes of length 1 (and adds leading axes) with stride 0.
    /// The result is read-only, as in NumPy.
    ///
    /// ```
    /// let row = [1u8, 2, 3];
    /// let v = ndview::View::from_bytes(&row).broadcast_to(&[2, 3]).unwrap();
    /// assert_eq!(v.strides(), &[0, 1]);
    /// assert_eq!(v.tolist().unwrap().to_string(), "[[1, 2, 3], [1, 2, 3]]");
    /// ```
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<View<'a>> {
        let layout = self.raw.layout.broadcast_to(shape, self.raw.itemsize())?;
        Ok(View::wrap(self.raw.with_layout(layout)))
    }
}

/// Builds the items of a NumPy basic index for [`View::slice`], with Rust's range syntax.
///
/// | NumPy | `s!` |
/// |---|---|
/// | `a[1, -1]` | `s![1, -1]` |
/// | `a[2:5]`, `a[2:]`, `a[:5]`, `a[:]` | `s![2..5]`, `s![2..]`, `s![..5]`, `s![..]` |
/// | `a[1:7:2]`, `a[::-1]` | `s![1..7;2]`, `s![..;-1]` |
/// | `a[5:1:-1]` | `s![5..1;-1]` (Python's meaning: from 5 down to 2) |
/// | `a[1:-1]` | `s![1..-1]` (Python's meaning: all but the first and last) |
/// | `a[2:4+1]` | `s![2..=4]` |
/// | `a[..., None]` | `s![..., None]` (or `NewAxis`) |
///
/// ```
/// use ndview::{s, View};
/// let data: Vec<u16> = (0..24).collect();
/// let v = View::from_slice(&data).reshape(&[2, 3, 4]).unwrap();
/// let a = v.slice(s![1, ..;-1, ..., None, 1..3]).unwrap();
/// let b = v.slice_str("1, ::-1, ..., None, 1:3").unwrap();
/// assert_eq!((a.shape(), a.strides(), a.offset()), (b.shape(), b.strides(), b.offset()));
/// assert_eq!(a.shape(), &[3, 1, 2]);
/// ```
#[macro_export]
macro_rules! s {
    (@acc [$($out:expr,)*]) => { [$($out,)*] };
    (@acc [$($out:expr,)*] ... $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($out,)* $crate::SliceItem::Ellipsis,] $($($rest)*)?)
    };
    (@acc [$($out:expr,)*] None $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($out,)* $crate::SliceItem::NewAxis,] $($($rest)*)?)
    };
    (@acc [$($out:expr,)*] $e:expr ; $step:expr $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($out,)* $crate::SliceArg::stepped({
            // `5..1;-1` is Python's 5:1:-1, not an empty Rust range.
            #[allow(clippy::reversed_empty_ranges)]
            let range = $e;
            range
        }, $step as isize),] $($($rest)*)?)
    };
    (@acc [$($out:expr,)*] $e:expr $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($out,)* $crate::SliceItem::from({
            // `1..-1` is Python's 1:-1 (all but the ends), not an empty Rust range.
            #[allow(clippy::reversed_empty_ranges)]
            let item = $e;
            item
        }),] $($($rest)*)?)
    };
    ($($t:tt)*) => { $crate::s!(@acc [] $($t)*) };
}

/// The new-axis marker for [`s!`] (NumPy's `np.newaxis`); `None` works too.
#[derive(Clone, Copy, Debug)]
pub struct NewAxis;

impl From<NewAxis> for SliceItem {
    fn from(_: NewAxis) -> SliceItem {
        SliceItem::NewAxis
    }
}

impl From<std::ops::RangeFull> for SliceItem {
    #[inline]
    fn from(_: std::ops::RangeFull) -> SliceItem {
        SliceItem::FULL
    }
}

/// Ranges that [`s!`] accepts with a `;step`.
pub trait SliceArg {
    /// The slice with the given step (Python's `start:stop:step`).
    fn stepped(self, step: isize) -> SliceItem;
}

impl SliceArg for std::ops::RangeFull {
    #[inline]
    fn stepped(self, step: isize) -> SliceItem {
        SliceItem::range(None, None, step)
    }
}

/// The stop of `..=end` in Python terms: one past `end` in the direction of the step, or
/// open when that would wrap to the other end of the axis.
#[inline]
fn inclusive_stop(end: isize, step: isize) -> Option<isize> {
    if step >= 0 {
        (end != -1).then(|| end.saturating_add(1))
    } else {
        (end != 0).then(|| end.saturating_sub(1))
    }
}

/// An integer of any type as `isize`, saturating (an index that large is out of range
/// anyway, and a slice bound that large clamps, as in Python).
#[inline]
fn sat(x: i128) -> isize {
    x.clamp(isize::MIN as i128, isize::MAX as i128) as isize
}

macro_rules! int_slice_args {
    ($($t:ty)*) => {$(
        impl From<$t> for SliceItem {
            #[inline]
            fn from(i: $t) -> SliceItem {
                SliceItem::Index(sat(i as i128))
            }
        }
        impl From<std::ops::Range<$t>> for SliceItem {
            #[inline]
            fn from(r: std::ops::Range<$t>) -> SliceItem {
                r.stepped(1)
            }
        }
        impl From<std::ops::RangeFrom<$t>> for SliceItem {
            #[inline]
            fn from(r: std::ops::RangeFrom<$t>) -> SliceItem {
                r.stepped(1)
            }
        }
        impl From<std::ops::RangeTo<$t>> for SliceItem {
            #[inline]
            fn from(r: std::ops::RangeTo<$t>) -> SliceItem {
                r.stepped(1)
            }
        }
        impl From<std::ops::RangeInclusive<$t>> for SliceItem {
            #[inline]
            fn from(r: std::ops::RangeInclusive<$t>) -> SliceItem {
                r.stepped(1)
            }
        }
        impl From<std::ops::RangeToInclusive<$t>> for SliceItem {
            #[inline]
            fn from(r: std::ops::RangeToInclusive<$t>) -> SliceItem {
                r.stepped(1)
            }
        }
        impl SliceArg for std::ops::Range<$t> {
            #[inline]
            fn stepped(self, step: isize) -> SliceItem {
                SliceItem::range(Some(sat(self.start as i128)), Some(sat(self.end as i128)), step)
            }
        }
        impl SliceArg for std::ops::RangeFrom<$t> {
            #[inline]
            fn stepped(self, step: isize) -> SliceItem {
                SliceItem::range(Some(sat(self.start as i128)), None, step)
            }
        }
        impl SliceArg for std::ops::RangeTo<$t> {
            #[inline]
            fn stepped(self, step: isize) -> SliceItem {
                SliceItem::range(None, Some(sat(self.end as i128)), step)
            }
        }
        impl SliceArg for std::ops::RangeInclusive<$t> {
            #[inline]
            fn stepped(self, step: isize) -> SliceItem {
                let (start, end) = self.into_inner();
                SliceItem::range(Some(sat(start as i128)), inclusive_stop(sat(end as i128), step), step)
            }
        }
        impl SliceArg for std::ops::RangeToInclusive<$t> {
            #[inline]
            fn stepped(self, step: isize) -> SliceItem {
                SliceItem::range(None, inclusive_stop(sat(self.end as i128), step), step)
            }
        }
    )*};
}

int_slice_args!(i8 u8 i16 u16 i32 u32 i64 u64 isize usize);
