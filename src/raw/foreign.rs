//! Views of memory given by a raw pointer: the `unsafe` constructors of the public API, whose
//! callers promise what a slice's borrow would otherwise prove (see their `# Safety`).

use super::{RawBytes, RawView};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::view::{View, ViewMut};
use std::ptr::NonNull;

impl<'a> View<'a> {
    /// A view of memory given by a raw pointer, for buffers that no Rust slice describes
    /// (memory shared with C, or several views of one buffer that alias, as NumPy allows).
    ///
    /// # Safety
    /// The rules of a `&'a [u8]` of `len` bytes at `ptr`, with one exception:
    /// - `ptr` must be valid for reads of `len` bytes for all of `'a`;
    /// - for all of `'a`, nothing may write those bytes (through any pointer, view or
    ///   thread), **except** an ndview call that is given this view (or one derived from
    ///   it) as an input and a [`ViewMut::from_raw_parts`] view of the same bytes as its
    ///   output, such as `zip_map_into(out, a, b)` with `a` aliasing `out`: the call itself
    ///   detects the overlap and reads before it writes (NumPy's aliasing rules).
    ///
    /// Slices handed out by the view ([`View::as_slice`], [`View::contiguous_bytes`]) are
    /// shared borrows for `'a`: no such write may happen while one of them is alive, not even
    /// the excepted call.
    pub unsafe fn from_raw_parts(
        ptr: NonNull<u8>,
        len: usize,
        format: &Format,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<View<'a>> {
        check_len(len)?;
        // SAFETY: the caller's promise covers `len` readable bytes for 'a.
        let bytes = unsafe { RawBytes::from_raw(ptr, len) };
        let raw = RawView::from_parts(bytes, format.clone(), shape, strides, offset)?;
        Ok(View::wrap(raw))
    }
}

impl<'a> ViewMut<'a> {
    /// A writable view of memory given by a raw pointer.
    ///
    /// # Safety
    /// The rules of a `&'a mut [u8]` of `len` bytes at `ptr`, with one exception:
    /// - `ptr` must be valid for reads and writes of `len` bytes for all of `'a`;
    /// - for all of `'a`, the bytes are accessed only through this view and views derived
    ///   from it, **except** by [`View::from_raw_parts`] views of the same bytes that are
    ///   passed together with this one, as inputs, to a single ndview call (which detects
    ///   the overlap and copies or reads first, as NumPy does for `out=` aliasing).
    ///
    /// In particular a closure given to a kernel writing into this view must not touch the
    /// bytes through any other view or pointer, and no other thread may touch them at all.
    pub unsafe fn from_raw_parts(
        ptr: NonNull<u8>,
        len: usize,
        format: &Format,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<ViewMut<'a>> {
        check_len(len)?;
        // SAFETY: the caller's promise covers `len` readable and writable bytes for 'a.
        let bytes = unsafe { RawBytes::from_raw(ptr, len) };
        ViewMut::checked(RawView::from_parts(
            bytes,
            format.clone(),
            shape,
            strides,
            offset,
        )?)
    }
}

pub(crate) fn check_len(len: usize) -> Result<()> {
    if len > isize::MAX as usize {
        return Err(Error::Geometry(format!(
            "a buffer of {len} bytes exceeds isize::MAX"
        )));
    }
    Ok(())
}
