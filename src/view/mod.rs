//! `View` and `ViewMut`: a byte buffer, a [`Format`], a shape, byte strides and an offset.

mod access;
mod cast;
mod compare;
mod cow;
mod display;
mod field;
mod fixed;
mod iter;
mod shape;
mod sharing;
mod typed;

pub use cow::{broadcast_arrays, broadcast_shapes, CowArray};
pub use fixed::FixedView;
pub use iter::{AxisIter, Lanes};
pub use shape::{NewAxis, SliceArg};
pub use sharing::{may_share_memory, shares_memory, shares_memory_bounded};
pub use typed::{IterAs, Typed};

use crate::element::Element;
use crate::error::Result;
use crate::format::Format;
use crate::raw::RawBytes;
pub(crate) use crate::raw::RawView;
use std::marker::PhantomData;

/// The order of bytes that [`View::tobytes`] writes, as `memoryview.tobytes(order)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Order {
    /// Row-major: the last index varies fastest.
    #[default]
    C,
    /// Column-major: the first index varies fastest.
    F,
    /// The physical order when the view is C- or F-contiguous, else C.
    A,
}

/// A read-only strided view of a byte buffer: the Rust twin of a read-only `memoryview`,
/// with NumPy's slicing. Cheap to clone, `Send + Sync`.
///
/// ```
/// use ndview::{View, Order};
/// let data: Vec<i32> = (0..12).collect();
/// let v = View::from_slice(&data).reshape(&[3, 4]).unwrap();
/// let t = v.slice_str("::-1, 1::2").unwrap();           // NumPy's a[::-1, 1::2]
/// assert_eq!(t.shape(), &[3, 2]);
/// assert_eq!(t.strides(), &[-16, 8]);
/// assert_eq!(t.tolist().unwrap().to_string(), "[[9, 11], [5, 7], [1, 3]]");
/// assert_eq!(t.tobytes(Order::C).unwrap().len(), 24);
/// ```
#[derive(Clone)]
pub struct View<'a> {
    pub(crate) raw: RawView,
    _borrow: PhantomData<&'a [u8]>,
}

/// A writable, exclusive strided view: the Rust twin of a writable `memoryview`.
///
/// Distinct elements of a `ViewMut` never share a byte (checked when it is made), so it can be
/// split into disjoint parts that are written in parallel.
///
/// ```
/// use ndview::ViewMut;
/// let mut data = [0u8; 6];
/// let mut v = ViewMut::from_bytes(&mut data).reshape(&[2, 3]).unwrap();
/// v.set(&[1, 2], &ndview::Value::Int(7)).unwrap();
/// assert_eq!(data, [0, 0, 0, 0, 0, 7]);
/// ```
pub struct ViewMut<'a> {
    pub(crate) raw: RawView,
    _borrow: PhantomData<&'a mut [u8]>,
}

impl<'a> View<'a> {
    #[inline]
    pub(crate) fn wrap(raw: RawView) -> View<'a> {
        View {
            raw,
            _borrow: PhantomData,
        }
    }

    /// A 1-D view of bytes with format `"B"`, like `memoryview(b)`.
    pub fn from_bytes(bytes: &'a [u8]) -> View<'a> {
        let format = u8::format();
        View::wrap(RawView::contiguous_1d(RawBytes::of(bytes), format))
    }

    /// A 1-D view of a slice with `T`'s native format, like `memoryview(array)`.
    pub fn from_slice<T: Element>(data: &'a [T]) -> View<'a> {
        let bytes: &[u8] = bytemuck::cast_slice(data);
        View::wrap(RawView::contiguous_1d(RawBytes::of(bytes), T::format()))
    }

    /// A view with the given format, shape, byte strides and byte offset of element 0.
    ///
    /// Strides may be negative, zero and not multiples of the itemsize, as NumPy allows. Every
    /// byte of every element must lie in `bytes`; errors say which axis reaches out.
    ///
    /// ```
    /// let buf = [1u8, 2, 3, 4, 5, 6];
    /// let v = ndview::View::from_parts(&buf, "<h", &[3], &[-2], 4).unwrap();
    /// assert_eq!(v.tolist().unwrap().to_string(), "[1541, 1027, 513]");
    /// assert!(ndview::View::from_parts(&buf, "<h", &[4], &[2], 0).is_err());
    /// ```
    pub fn from_parts(
        bytes: &'a [u8],
        format: &str,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<View<'a>> {
        View::with_format(bytes, &Format::parse(format)?, shape, strides, offset)
    }

    /// Like [`View::from_parts`] with a parsed [`Format`], which may carry an explicit
    /// itemsize ([`Format::parse_with_itemsize`]), as a `Py_buffer` does.
    pub fn with_format(
        bytes: &'a [u8],
        format: &Format,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<View<'a>> {
        let raw = RawView::from_parts(RawBytes::of(bytes), format.clone(), shape, strides, offset)?;
        Ok(View::wrap(raw))
    }

    /// `memoryview.readonly`: always true for a `View`.
    pub fn readonly(&self) -> bool {
        true
    }
}

impl<'a> ViewMut<'a> {
    /// Wraps a layout that keeps distinct elements disjoint (checked by the caller or
    /// preserved by the shape operation that made it).
    #[inline]
    pub(crate) fn wrap(raw: RawView) -> ViewMut<'a> {
        ViewMut {
            raw,
            _borrow: PhantomData,
        }
    }

    pub(crate) fn checked(raw: RawView) -> Result<ViewMut<'a>> {
        crate::overlap::check_no_internal_overlap(&raw.layout, raw.itemsize())?;
        Ok(ViewMut::wrap(raw))
    }

    /// A writable 1-D view of bytes with format `"B"`.
    pub fn from_bytes(bytes: &'a mut [u8]) -> ViewMut<'a> {
        let format = u8::format();
        ViewMut::wrap(RawView::contiguous_1d(RawBytes::of_mut(bytes), format))
    }

    /// A writable 1-D view of a slice with `T`'s native format.
    ///
    /// `T` must accept every bit pattern (`bytemuck::Pod`): through a view any bytes can be
    /// written, so `bool` slices, whose bytes must stay 0 or 1, can only be viewed read-only.
    pub fn from_slice<T: Element + bytemuck::Pod>(data: &'a mut [T]) -> ViewMut<'a> {
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(data);
        ViewMut::wrap(RawView::contiguous_1d(RawBytes::of_mut(bytes), T::format()))
    }

    /// A writable view with the given format, shape, byte strides and offset (see
    /// [`View::from_parts`]). Writable views may not overlap themselves: two elements that
    /// share a byte are an error (NumPy allows them; for ndview they would be a data race
    /// waiting to happen in parallel kernels).
    pub fn from_parts(
        bytes: &'a mut [u8],
        format: &str,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<ViewMut<'a>> {
        ViewMut::with_format(bytes, &Format::parse(format)?, shape, strides, offset)
    }

    /// Like [`ViewMut::from_parts`] with a parsed [`Format`].
    pub fn with_format(
        bytes: &'a mut [u8],
        format: &Format,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<ViewMut<'a>> {
        let bytes = RawBytes::of_mut(bytes);
        ViewMut::checked(RawView::from_parts(
            bytes,
            format.clone(),
            shape,
            strides,
            offset,
        )?)
    }

    /// `memoryview.readonly`: always false for a `ViewMut`.
    pub fn readonly(&self) -> bool {
        false
    }

    /// A read-only view of the same elements, borrowing this one.
    pub fn as_view(&self) -> View<'_> {
        View::wrap(self.raw.clone())
    }

    /// Turns this view into a read-only one for the rest of the borrow.
    pub fn into_view(self) -> View<'a> {
        View::wrap(self.raw)
    }

    /// A shorter-lived writable view of the same elements (so that consuming operations such
    /// as [`ViewMut::slice`] can be used without giving this one up).
    pub fn reborrow(&mut self) -> ViewMut<'_> {
        ViewMut::wrap(self.raw.clone())
    }

    /// Splits into the elements before `index` along `axis` and those from `index` on; the
    /// two parts are disjoint, so they can be written from different threads.
    ///
    /// ```
    /// let mut data = [0u32; 8];
    /// let v = ndview::ViewMut::from_slice(&mut data);
    /// let (mut a, mut b) = v.split_at(0, 3).unwrap();
    /// std::thread::scope(|s| {
    ///     s.spawn(move || a.fill_value(&ndview::Value::Int(1)).unwrap());
    ///     s.spawn(move || b.fill_value(&ndview::Value::Int(2)).unwrap());
    /// });
    /// assert_eq!(data, [1, 1, 1, 2, 2, 2, 2, 2]);
    /// ```
    pub fn split_at(self, axis: isize, index: usize) -> Result<(ViewMut<'a>, ViewMut<'a>)> {
        let (first, second) = self.raw.layout.split_at(axis, index)?;
        let a = self.raw.with_layout(first);
        let b = self.raw.with_layout(second);
        Ok((ViewMut::wrap(a), ViewMut::wrap(b)))
    }
}

impl std::fmt::Debug for ViewMut<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        display::debug(&self.raw, "ViewMut", f)
    }
}

impl std::fmt::Display for ViewMut<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        display::show(&self.raw, f)
    }
}

/// The accessors both view types share.
macro_rules! common_accessors {
    ($ty:ident) => {
        impl<'a> $ty<'a> {
            /// The element format.
            #[inline]
            pub fn format(&self) -> &Format {
                &self.raw.format
            }

            /// Bytes per element.
            #[inline]
            pub fn itemsize(&self) -> usize {
                self.raw.format.itemsize()
            }

            /// Number of dimensions (0 for a single element).
            #[inline]
            pub fn ndim(&self) -> usize {
                self.raw.layout.ndim()
            }

            /// Length of each dimension.
            #[inline]
            pub fn shape(&self) -> &[usize] {
                &self.raw.layout.shape
            }

            /// Byte stride of each dimension.
            #[inline]
            pub fn strides(&self) -> &[isize] {
                &self.raw.layout.strides
            }

            /// Byte offset of element 0 from the start of the buffer.
            #[inline]
            pub fn offset(&self) -> isize {
                self.raw.layout.offset
            }

            /// Number of elements (`prod(shape)`).
            #[inline]
            pub fn len(&self) -> usize {
                self.raw.layout.len()
            }

            /// True when the view has no elements.
            #[inline]
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// A raw pointer to element 0 (NumPy's `ctypes.data`, memoryview's `buf`), for FFI:
            /// elements are at this pointer plus their byte offsets from [`Self::strides`].
            /// Dereferencing it is the caller's business (`unsafe`); for an empty view it may
            /// point one past the buffer and must not be read.
            ///
            /// ```
            /// let data = [1u16, 2, 3];
            /// let v = ndview::View::from_slice(&data).slice_str("::-1").unwrap();
            /// assert_eq!(v.as_ptr(), data[2..].as_ptr().cast::<u8>());
            /// ```
            pub fn as_ptr(&self) -> *const u8 {
                self.raw
                    .bytes
                    .base()
                    .wrapping_offset(self.raw.layout.offset)
            }

            /// `memoryview.nbytes`: `prod(shape) * itemsize`.
            pub fn nbytes(&self) -> usize {
                self.len() * self.itemsize()
            }

            /// C-contiguity as NumPy defines it (axes of length 0 or 1 ignore their strides;
            /// an empty view is contiguous; a 0-d view is both C- and F-contiguous).
            pub fn is_c_contiguous(&self) -> bool {
                self.raw.layout.is_c_contiguous(self.itemsize())
            }

            /// Fortran-contiguity as NumPy defines it.
            pub fn is_f_contiguous(&self) -> bool {
                self.raw.layout.is_f_contiguous(self.itemsize())
            }

            /// `memoryview.contiguous`: C- or F-contiguous.
            pub fn is_contiguous(&self) -> bool {
                self.is_c_contiguous() || self.is_f_contiguous()
            }
        }
    };
}

common_accessors!(View);
common_accessors!(ViewMut);
