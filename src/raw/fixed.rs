//! The storage of a fixed-rank view ([`FixedView`](crate::FixedView)): a validated view's
//! buffer, offset, shape and strides, the last two in arrays, so that it is `Copy`.

use super::view::shared;
use super::{RawBytes, RawView};
use crate::format::Format;
use crate::layout::Layout;
use crate::view::View;
use std::marker::PhantomData;

/// A `View<'a>` of rank `N` with its geometry inline. Made only from a view, so the layout
/// is one that was validated against the buffer, and the borrow is the view's.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FixedRaw<'a, const N: usize> {
    bytes: RawBytes,
    offset: isize,
    shape: [usize; N],
    strides: [isize; N],
    itemsize: usize,
    _borrow: PhantomData<&'a [u8]>,
}

impl<'a, const N: usize> FixedRaw<'a, N> {
    /// The geometry of `view`, or `None` when its rank is not `N`.
    pub fn of(view: &View<'a>) -> Option<FixedRaw<'a, N>> {
        Some(FixedRaw {
            bytes: view.raw.bytes,
            offset: view.raw.layout.offset,
            shape: view.shape().try_into().ok()?,
            strides: view.strides().try_into().ok()?,
            itemsize: view.itemsize(),
            _borrow: PhantomData,
        })
    }

    /// Elements per axis.
    #[inline]
    pub fn shape(&self) -> [usize; N] {
        self.shape
    }

    /// Byte strides.
    #[inline]
    pub fn strides(&self) -> [isize; N] {
        self.strides
    }

    /// The bytes of the element at `index`, or `None` out of bounds.
    #[inline]
    pub fn element(&self, index: [usize; N]) -> Option<&'a [u8]> {
        let mut off = self.offset;
        for ((&i, &d), &s) in index.iter().zip(&self.shape).zip(&self.strides) {
            if i >= d {
                return None;
            }
            // i < d, and the validated layout keeps every element's offset in range.
            off += i as isize * s;
        }
        // SAFETY: the element at an in-bounds index of the layout of the `View<'a>` this was
        // made from; a `View<'a>` grants shared access to its elements for `'a` (I1).
        Some(unsafe { shared(self.bytes, off, self.itemsize) })
    }

    /// The dynamic-rank view again, with `format` (which holds `itemsize` bytes).
    pub fn view(&self, format: Format) -> View<'a> {
        debug_assert_eq!(format.itemsize(), self.itemsize);
        View::wrap(RawView {
            bytes: self.bytes,
            format,
            layout: Layout {
                shape: self.shape[..].into(),
                strides: self.strides[..].into(),
                offset: self.offset,
            },
        })
    }

    /// The axes in reverse order (a transpose; the same elements).
    pub fn reversed_axes(mut self) -> FixedRaw<'a, N> {
        self.shape.reverse();
        self.strides.reverse();
        self
    }
}
