//! `RawView` and the only places where a view's byte offsets become memory: bounds-checked
//! spans of the buffer, read-only for any view and writable through a `ViewMut`.
//!
//! Everything above this module reads and writes elements through [`RawView::span`],
//! [`View::span_for`] and [`ViewMut::span_mut`], which check the range against the buffer
//! (one comparison) and so are safe to call with any offset; the offsets callers pass are
//! those of the validated layout, so the check never fails in a correct program.

use super::RawBytes;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::{Layout, Strides};
use crate::view::{View, ViewMut};

/// What every view type holds: the buffer, the element format and the layout, validated
/// against the buffer when it was made (I2–I5 of docs/safety.md).
///
/// **Liveness (the crate invariant this module relies on):** a `RawView` is used only while
/// the borrow or owner its buffer came from is alive, and only with the access that borrow
/// grants. The types that hold one carry that borrow: `View<'a>` (shared, `'a`), `ViewMut<'a>`
/// (exclusive, `'a`), `SharedView` and `Array` (owners); crate code that clones a `RawView`
/// out of one of them uses the clone within that borrow. Writes go only through a
/// `ViewMut`'s [`ViewMut::span_mut`] or the engine's output operands, which need `&mut ViewMut`.
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

impl RawView {
    /// The `n` bytes of the buffer from byte `offset`, read-only.
    ///
    /// # Panics
    /// If they are not all in the buffer: a bug in the caller, which passes offsets of this
    /// view's validated layout.
    #[inline]
    pub fn span(&self, offset: isize, n: usize) -> &[u8] {
        if n == 0 {
            return &[];
        }
        let start = self.bytes.checked_start(offset, n);
        // SAFETY: `start..start + n` lies in the buffer (checked above), which the view may
        // read for as long as the `RawView` is used (the liveness invariant above); the
        // returned borrow cannot outlive `self`. The bytes are an element's or a contiguous
        // run of this view's elements: no writer touches them while a read-only view of them
        // is alive (I1), and a `ViewMut` writes only through `&mut` of itself.
        unsafe { std::slice::from_raw_parts(self.bytes.base().add(start), n) }
    }
}

impl<'a> View<'a> {
    /// The `n` bytes from byte `offset` of the buffer, borrowed for the view's whole `'a`.
    ///
    /// # Panics
    /// As [`RawView::span`].
    #[inline]
    pub(crate) fn span_for(&self, offset: isize, n: usize) -> &'a [u8] {
        if n == 0 {
            return &[];
        }
        let start = self.raw.bytes.checked_start(offset, n);
        // SAFETY: in bounds (checked); a `View<'a>` borrows its buffer read-only for `'a`
        // (I1), so a shared slice of it may live that long.
        unsafe { std::slice::from_raw_parts(self.raw.bytes.base().add(start), n) }
    }
}

impl ViewMut<'_> {
    /// The `n` bytes from byte `offset` of the buffer, writable while `self` is borrowed.
    ///
    /// Callers pass a range of this view's own elements (one element, or all of them when
    /// the view is contiguous): a view split by [`ViewMut::split_at`] shares its buffer with
    /// the other part, whose elements it must not cover.
    ///
    /// # Panics
    /// As [`RawView::span`].
    #[inline]
    pub(crate) fn span_mut(&mut self, offset: isize, n: usize) -> &mut [u8] {
        if n == 0 {
            return &mut [];
        }
        let start = self.raw.bytes.checked_start(offset, n);
        // SAFETY: in bounds (checked); a `ViewMut` holds its elements exclusively and
        // writable (I1, I6), the bytes are its own elements (the caller's range), and the
        // `&mut self` borrow makes the slice their only access while it lives.
        unsafe { std::slice::from_raw_parts_mut(self.raw.bytes.base().add(start), n) }
    }
}
