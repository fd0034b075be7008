//! Conversions between ndview views and ndarray's `ArrayView`/`ArrayViewMut`, without copying
//! (feature `ndarray`).
//!
//! ndarray counts strides in elements and needs aligned, native elements; ndview counts them
//! in bytes and takes anything. A view converts when its format holds `T` in native byte order,
//! its data is aligned for `T`, and every stride is a whole number of elements (negative
//! strides included); otherwise the error says which condition failed.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::format::ByteOrder;
use crate::view::{RawView, View, ViewMut};
use ndarray::{ArrayView, ArrayViewMut, Axis, IxDyn, ShapeBuilder};
use std::ptr::NonNull;

/// Element strides, the pointer to the lowest-addressed element, and which axes run backwards,
/// for a view that ndarray can take as `T`.
struct Plain {
    shape: Vec<usize>,
    strides: Vec<usize>,
    flipped: Vec<usize>,
    low: *mut u8,
}

/// Whether the view's format holds `T` in native byte order, or why not.
fn check_type<T: Element>(raw: &RawView) -> Result<()> {
    if raw.format.holds::<T>() != Some(ByteOrder::NATIVE) {
        return Err(Error::Type(format!(
            "ndarray needs {} in native byte order; the view's format is {:?}",
            std::any::type_name::<T>(),
            raw.format.as_str()
        )));
    }
    Ok(())
}

fn plain<T: Element>(raw: &RawView) -> Result<Plain> {
    check_type::<T>(raw)?;
    let size = std::mem::size_of::<T>() as isize;
    let l = &raw.layout;
    let mut strides = Vec::with_capacity(l.ndim());
    let mut flipped = Vec::new();
    let mut low = l.offset;
    for (k, (&d, &s)) in l.shape.iter().zip(&l.strides).enumerate() {
        if s % size != 0 {
            return Err(Error::Shape(format!(
                "axis {k} has a stride of {s} bytes, not a whole number of {size}-byte elements; \
                 ndarray cannot describe it"
            )));
        }
        if s < 0 && d > 0 {
            low += s * (d as isize - 1);
            flipped.push(k);
        }
        strides.push((s / size).unsigned_abs());
    }
    // SAFETY: a non-empty validated view's lowest element is in its buffer (callers take
    // empty views elsewhere).
    let low_ptr = unsafe { raw.bytes.at(low) };
    if low_ptr as usize % std::mem::align_of::<T>() != 0 {
        return Err(Error::Type(format!(
            "the data is not aligned for {}; ndarray needs aligned elements",
            std::any::type_name::<T>()
        )));
    }
    Ok(Plain {
        shape: l.shape.to_vec(),
        strides,
        flipped,
        low: low_ptr,
    })
}

#[cfg_attr(docsrs, doc(cfg(feature = "ndarray")))]
impl<'a> View<'a> {
    /// This view as an ndarray `ArrayView` of `T`, without copying.
    ///
    /// ```
    /// # #[cfg(feature = "ndarray")] {
    /// let data: Vec<f64> = (0..6).map(f64::from).collect();
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
    /// let a = v.slice_str("::-1, ::2").unwrap().to_ndarray::<f64>().unwrap();
    /// assert_eq!(a[[0, 1]], 5.0);
    /// # }
    /// ```
    pub fn to_ndarray<T: Element + bytemuck::Pod>(&self) -> Result<ArrayView<'a, T, IxDyn>> {
        if self.is_empty() {
            check_type::<T>(&self.raw)?;
            // ndarray's own empty array (its C strides, no pointer arithmetic), built safely.
            return Ok(ArrayView::from_shape(IxDyn(self.shape()), &[]).expect("no elements"));
        }
        let p = plain::<T>(&self.raw)?;
        // SAFETY: the elements are the view's (validated in bounds), aligned, native `T`s,
        // borrowed read-only for 'a; the strides (in elements, all non-negative from the
        // lowest element) describe exactly those elements.
        let mut a = unsafe {
            ArrayView::from_shape_ptr(
                IxDyn(&p.shape).strides(IxDyn(&p.strides)),
                p.low.cast::<T>(),
            )
        };
        for k in p.flipped {
            a.invert_axis(Axis(k));
        }
        Ok(a)
    }

    /// An ndarray view as an ndview view (format `T::FORMAT`, byte strides), without copying.
    pub fn from_ndarray<T: Element>(a: ArrayView<'a, T, IxDyn>) -> Result<View<'a>> {
        let size = std::mem::size_of::<T>();
        let (len, base) = extent(a.shape(), a.strides(), size, a.as_ptr().cast::<u8>());
        let strides: Vec<isize> = a.strides().iter().map(|&s| s * size as isize).collect();
        let offset = a.as_ptr() as usize - base as usize;
        let ptr = NonNull::new(base.cast_mut()).expect("ndarray pointers are non-null");
        // SAFETY: ndarray guarantees the view's elements are valid for reads for 'a; the
        // buffer given is exactly the span from the lowest to the end of the highest element.
        unsafe { View::from_raw_parts(ptr, len, &T::format(), a.shape(), &strides, offset) }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "ndarray")))]
impl<'a> ViewMut<'a> {
    /// This writable view as an ndarray `ArrayViewMut` of `T`, without copying.
    pub fn into_ndarray<T: Element + bytemuck::Pod>(self) -> Result<ArrayViewMut<'a, T, IxDyn>> {
        if self.is_empty() {
            check_type::<T>(&self.raw)?;
            // As in `View::to_ndarray`: ndarray's own empty array, built safely.
            return Ok(ArrayViewMut::from_shape(IxDyn(self.shape()), &mut []).expect("no elements"));
        }
        let p = plain::<T>(&self.raw)?;
        // SAFETY: as in `View::to_ndarray`; the view is exclusive for 'a and its elements never
        // share a byte (its invariant), so the ndarray view may write them.
        let mut a = unsafe {
            ArrayViewMut::from_shape_ptr(
                IxDyn(&p.shape).strides(IxDyn(&p.strides)),
                p.low.cast::<T>(),
            )
        };
        for k in p.flipped {
            a.invert_axis(Axis(k));
        }
        Ok(a)
    }

    /// A writable ndarray view as an ndview writable view, without copying.
    pub fn from_ndarray<T: Element + bytemuck::Pod>(
        mut a: ArrayViewMut<'a, T, IxDyn>,
    ) -> Result<ViewMut<'a>> {
        let size = std::mem::size_of::<T>();
        let (len, base) = extent(a.shape(), a.strides(), size, a.as_ptr().cast::<u8>());
        let strides: Vec<isize> = a.strides().iter().map(|&s| s * size as isize).collect();
        let offset = a.as_ptr() as usize - base as usize;
        let first = a.as_mut_ptr().cast::<u8>();
        let ptr = NonNull::new(first.wrapping_sub(offset)).expect("ndarray pointers are non-null");
        // SAFETY: ndarray guarantees the elements are valid for reads and writes for 'a and
        // that this view is their only access; the buffer is their exact span.
        unsafe { ViewMut::from_raw_parts(ptr, len, &T::format(), a.shape(), &strides, offset) }
    }
}

/// The byte length of the span of an ndarray view's elements (`strides` in elements of
/// `size` bytes) and the address of its lowest byte.
fn extent(shape: &[usize], strides: &[isize], size: usize, first: *const u8) -> (usize, *const u8) {
    if shape.contains(&0) {
        return (0, first);
    }
    let (mut lo, mut hi) = (0isize, size as isize);
    for (&d, &s) in shape.iter().zip(strides) {
        let r = s * size as isize * (d as isize - 1);
        if r < 0 {
            lo += r;
        } else {
            hi += r;
        }
    }
    ((hi - lo) as usize, first.wrapping_offset(lo))
}
