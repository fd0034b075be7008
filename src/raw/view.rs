//! `RawView` and the only places outside the engine where a view becomes memory: one
//! element's bytes by index, a contiguous view's bytes, and each element's bytes in C order;
//! read-only for any view and writable through a `ViewMut`.
//!
//! Callers name elements, never offsets: every byte range handed out is this view's own
//! elements, derived here from the validated layout, so none can reach the other part of a
//! [`ViewMut::split_at`]. The buffer bounds are checked once more on each access. The one
//! other user of the shared-slice accessor is `raw/fixed.rs`, whose fixed-rank copy of a
//! `View<'a>`'s layout checks each index against the shape before it forms the offset.

use super::RawBytes;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::{Layout, Strides};
use crate::view::{View, ViewMut};
use std::marker::PhantomData;

/// What every view type holds: the buffer, the element format and the layout, validated
/// against the buffer when it was made (I2–I5 of docs/safety.md).
///
/// **Liveness (the crate invariant this module relies on):** a `RawView` is used only while
/// the borrow or owner its buffer came from is alive, and only with the access that borrow
/// grants. The types that hold one carry that borrow: `View<'a>` (shared, `'a`), `ViewMut<'a>`
/// (exclusive, `'a`), `SharedView` and `Array` (owners); crate code that clones a `RawView`
/// out of one of them uses the clone within that borrow. Writes go only through a
/// `ViewMut`'s [`ViewMut::element_mut`] / [`ViewMut::dense_mut`] or the engine's output operands, which need `&mut ViewMut`.
#[derive(Clone)]
pub(crate) struct RawView {
    pub bytes: RawBytes,
    pub format: Format,
    pub layout: Layout,
}

impl RawView {
    /// Validates `layout` against the buffer (checked arithmetic, once) and builds the view.
    pub fn new(bytes: RawBytes, format: Format, layout: Layout) -> Result<RawView> {
        layout.validate(bytes.len(), format.itemsize())?;
        Ok(RawView {
            bytes,
            format,
            layout,
        })
    }

    pub fn from_parts(
        bytes: RawBytes,
        format: Format,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<RawView> {
        if offset > bytes.len() {
            return Err(Error::Geometry(format!(
                "offset {offset} is past the end of the {}-byte buffer",
                bytes.len()
            )));
        }
        let offset = offset as isize; // <= len <= isize::MAX
        let layout = Layout {
            shape: shape.into(),
            strides: Strides::from_slice(strides),
            offset,
        };
        RawView::new(bytes, format, layout)
    }

    /// A 1-D contiguous view of `len` elements of `format`.
    #[inline]
    pub fn contiguous_1d(bytes: RawBytes, format: Format) -> RawView {
        let itemsize = format.itemsize();
        let layout = Layout {
            shape: smallvec::smallvec![bytes.len() / itemsize.max(1)],
            strides: smallvec::smallvec![itemsize as isize],
            offset: 0,
        };
        RawView {
            bytes,
            format,
            layout,
        }
    }

    /// The same buffer and format with another layout, which the caller derived from this
    /// view's layout by a shape operation (so it stays within the buffer).
    #[inline]
    pub fn with_layout(&self, layout: Layout) -> RawView {
        debug_assert!(layout
            .validate(self.bytes.len(), self.format.itemsize())
            .is_ok());
        RawView {
            bytes: self.bytes,
            format: self.format.clone(),
            layout,
        }
    }

    /// The memory this view's elements cover, for the overlap solver.
    pub(crate) fn region(&self) -> crate::overlap::Region<'_> {
        (&self.layout, self.format.itemsize(), self.bytes.addr())
    }

    #[inline]
    pub fn itemsize(&self) -> usize {
        self.format.itemsize()
    }

    /// Byte offset of the element at `index` (one entry per axis).
    pub fn element_offset(&self, index: &[usize]) -> Result<isize> {
        let l = &self.layout;
        if index.len() != l.ndim() {
            return Err(Error::index(
                crate::PyErr::IndexError,
                format!(
                    "an element needs {} indices (one per dimension), got {}; use slice for \
                     sub-views",
                    l.ndim(),
                    index.len()
                ),
            ));
        }
        let mut off = l.offset;
        for (axis, (&i, (&d, &s))) in index.iter().zip(l.shape.iter().zip(&l.strides)).enumerate() {
            if i >= d {
                return Err(Error::index(
                    crate::PyErr::IndexError,
                    format!(
                        "index {i} is out of bounds for axis {axis} with size {d}; negative \
                         indices from the end go through slice_str or s!"
                    ),
                ));
            }
            // i < d <= isize::MAX, and the validated layout keeps every element's offset in
            // range.
            off += i as isize * s;
        }
        Ok(off)
    }
}

/// The `n` bytes from byte `offset` of `bytes`, borrowed for a lifetime the caller picks.
///
/// # Safety
/// The bytes are elements of a view whose borrow grants shared access to them for `'b`: a
/// `View<'b>`'s, or any view's for the length of a borrow of it. (Bounds are checked here.)
#[inline]
pub(super) unsafe fn shared<'b>(bytes: RawBytes, offset: isize, n: usize) -> &'b [u8] {
    if n == 0 {
        return &[];
    }
    let start = bytes.checked_start(offset, n);
    // SAFETY: `start..start + n` lies in the buffer (checked above); the caller's borrow
    // grants shared access to these bytes for `'b`.
    unsafe { std::slice::from_raw_parts(bytes.base().add(start), n) }
}

impl RawView {
    /// The bytes of the element at `index` (one entry per axis), or the index error.
    #[inline]
    pub fn element(&self, index: &[usize]) -> Result<&[u8]> {
        let off = self.element_offset(index)?;
        // SAFETY: `off` is the offset of one of this view's elements (from its validated
        // layout); the borrow of `self` bounds the slice, and within it the view may read its
        // elements (the liveness invariant above): no writer touches them while a read-only
        // view of them is alive (I1), and a `ViewMut` writes only through `&mut` of itself.
        Ok(unsafe { shared(self.bytes, off, self.itemsize()) })
    }

    /// The offset and length of a C- or F-contiguous view's bytes (its elements tile them
    /// exactly, from its lowest address), or `None` for any other layout.
    fn dense_range(&self) -> Option<(isize, usize)> {
        let l = &self.layout;
        let itemsize = self.itemsize();
        if !(l.is_c_contiguous(itemsize) || l.is_f_contiguous(itemsize)) {
            return None;
        }
        // A contiguous view's strides are positive (or on axes of length 1, where they are
        // never applied), so element 0 is its lowest byte and its `len * itemsize` bytes from
        // there are its elements.
        Some((l.offset, l.len() * itemsize))
    }

    /// Each element's bytes, in C order, borrowed for as long as `self` is.
    pub fn elements(&self) -> Elements<'_> {
        Elements::new(self.clone())
    }
}

impl<'a> View<'a> {
    /// [`RawView::element`], borrowed for the view's whole `'a`.
    #[inline]
    pub(crate) fn element_for(&self, index: &[usize]) -> Result<&'a [u8]> {
        let off = self.raw.element_offset(index)?;
        // SAFETY: one of this view's elements; a `View<'a>` borrows its buffer read-only for
        // `'a` (I1), so a shared slice of it may live that long.
        Ok(unsafe { shared(self.raw.bytes, off, self.itemsize()) })
    }

    /// The bytes of a C- or F-contiguous view (its elements, from its lowest address), or
    /// `None` for any other layout; borrowed for the view's whole `'a`.
    #[inline]
    pub(crate) fn dense_for(&self) -> Option<&'a [u8]> {
        let (offset, n) = self.raw.dense_range()?;
        // SAFETY: exactly this view's elements; as in `element_for`.
        Some(unsafe { shared(self.raw.bytes, offset, n) })
    }

    /// [`RawView::elements`], borrowed for the view's whole `'a`.
    pub(crate) fn elements_for(&self) -> Elements<'a> {
        Elements::new(self.raw.clone())
    }
}

impl ViewMut<'_> {
    /// The writable bytes of the element at `index`, or the index error.
    #[inline]
    pub(crate) fn element_mut(&mut self, index: &[usize]) -> Result<&mut [u8]> {
        let off = self.raw.element_offset(index)?;
        let n = self.itemsize();
        // SAFETY: as `exclusive` needs: one of this view's own elements.
        Ok(unsafe { exclusive(&mut self.raw, off, n) })
    }

    /// The writable bytes of a C- or F-contiguous view (see [`View::dense_for`]).
    #[inline]
    pub(crate) fn dense_mut(&mut self) -> Option<&mut [u8]> {
        let (offset, n) = self.raw.dense_range()?;
        // SAFETY: as `exclusive` needs: exactly this view's own elements.
        Some(unsafe { exclusive(&mut self.raw, offset, n) })
    }
}

/// The `n` bytes from byte `offset` of a `ViewMut`'s buffer, writable while `raw` is borrowed.
///
/// # Safety
/// `raw` is a `ViewMut`'s, and the bytes are that view's own elements: a view split by
/// [`ViewMut::split_at`] shares its buffer with the other part, which another thread may be
/// writing. (Bounds are checked here.)
#[inline]
unsafe fn exclusive(raw: &mut RawView, offset: isize, n: usize) -> &mut [u8] {
    if n == 0 {
        return &mut [];
    }
    let start = raw.bytes.checked_start(offset, n);
    // SAFETY: in bounds (checked); a `ViewMut` holds its elements exclusively and writable
    // (I1, I6), the bytes are its own elements (the caller's promise), and the `&mut` borrow
    // makes the slice their only access while it lives.
    unsafe { std::slice::from_raw_parts_mut(raw.bytes.base().add(start), n) }
}

/// Each element's bytes of a view, in C order (the pull-based twin of the engine's walks,
/// for iterators); made only from a view, whose borrow `'a` bounds the slices.
#[derive(Clone)]
pub(crate) struct Elements<'a> {
    raw: RawView,
    /// The multi-index of the next element from the front and its byte offset.
    index: smallvec::SmallVec<[usize; 6]>,
    offset: isize,
    /// The same for the next element from the back (the last one not yet taken).
    back: smallvec::SmallVec<[usize; 6]>,
    back_offset: isize,
    /// Elements not yet taken from either end.
    left: usize,
    _bytes: PhantomData<&'a [u8]>,
}

impl Elements<'_> {
    fn new(raw: RawView) -> Self {
        let l = &raw.layout;
        let left = l.len();
        let (back, back_offset) = if left == 0 {
            (smallvec::smallvec![0; l.ndim()], l.offset)
        } else {
            // The last element: every axis at its last index, an offset the validated
            // layout holds.
            let back: smallvec::SmallVec<[usize; 6]> = l.shape.iter().map(|&d| d - 1).collect();
            let reach: isize = back
                .iter()
                .zip(&l.strides)
                .map(|(&i, &s)| i as isize * s)
                .sum();
            (back, l.offset + reach)
        };
        Elements {
            index: smallvec::smallvec![0; l.ndim()],
            offset: l.offset,
            back,
            back_offset,
            left,
            raw,
            _bytes: PhantomData,
        }
    }
}

impl<'a> Elements<'a> {
    /// The element at the front (`front`) or the back cursor, that cursor moved one element
    /// inwards in C order.
    #[inline]
    fn take(&mut self, front: bool) -> Option<&'a [u8]> {
        if self.left == 0 {
            return None;
        }
        let (index, offset) = if front {
            (&mut self.index, &mut self.offset)
        } else {
            (&mut self.back, &mut self.back_offset)
        };
        let here = *offset;
        self.left -= 1;
        if self.left > 0 {
            let l = &self.raw.layout;
            for k in (0..l.ndim()).rev() {
                let (last, stride) = (l.shape[k] - 1, l.strides[k]);
                // Never one step past an axis's end: with a length-1 axis its stride may be
                // anything, and the sum could overflow.
                if front && index[k] < last {
                    index[k] += 1;
                    *offset += stride;
                    break;
                }
                if !front && index[k] > 0 {
                    index[k] -= 1;
                    *offset -= stride;
                    break;
                }
                // To the axis's other end: the distance between an axis's first and last
                // elements is within the validated layout.
                let to = if front { 0 } else { last };
                *offset += stride * (to as isize - index[k] as isize);
                index[k] = to;
            }
        }
        // SAFETY: `here` is the offset of the element at the cursor's in-range multi-index of
        // the private, unchanged layout, not yet taken from the other end (`left` counts
        // both ends): one of the view's elements, which the `View<'a>` or the borrow `'a` of
        // the `RawView` it was made from lets us read for `'a`.
        Some(unsafe { shared(self.raw.bytes, here, self.raw.itemsize()) })
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        self.take(true)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'a> DoubleEndedIterator for Elements<'a> {
    #[inline]
    fn next_back(&mut self) -> Option<&'a [u8]> {
        self.take(false)
    }
}

impl ExactSizeIterator for Elements<'_> {}
