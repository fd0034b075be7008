//! The raw byte buffer behind a view: an address and a length, without a lifetime; the
//! validated [`RawView`] over it and its element accessors (`view`); views of memory given
//! by a raw pointer (`foreign`) or by ndarray (`ndarray`, zero-copy conversions both ways);
//! the inline geometry of fixed-rank views (`fixed`).
//!
//! Views pair a `RawBytes` with a lifetime marker (`PhantomData<&'a [u8]>` or
//! `PhantomData<&'a mut [u8]>`) and a layout that was validated against `len` when the view
//! was made. Outside the engine, views become memory only through the accessors of `view`,
//! which derive each range from the layout and check it against `len`; inside it, through
//! [`RawBytes::at`], whose callers argue that the offset is in bounds from that validation.

use std::ptr::NonNull;

mod fixed;
mod foreign;
#[cfg(feature = "ndarray")]
mod ndarray;
mod view;

pub(crate) use fixed::FixedRaw;
pub(crate) use view::{Elements, RawView};

/// Address and length of a byte buffer that some view borrows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawBytes {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: `RawBytes` is an address and a length; sending or sharing it between threads does
// not by itself touch memory. The views that hold one carry the borrow (shared or exclusive)
// that makes their accesses sound, and are `Send`/`Sync` exactly as `&[u8]`/`&mut [u8]` are.
unsafe impl Send for RawBytes {}
// SAFETY: as above.
unsafe impl Sync for RawBytes {}

impl RawBytes {
    /// The buffer of a shared slice: readable only (its provenance permits no writes).
    #[inline]
    pub fn of(bytes: &[u8]) -> RawBytes {
        RawBytes {
            ptr: NonNull::from(bytes).cast(),
            len: bytes.len(),
        }
    }

    /// The buffer of an exclusive slice: readable and writable.
    #[inline]
    pub fn of_mut(bytes: &mut [u8]) -> RawBytes {
        let len = bytes.len();
        RawBytes {
            ptr: NonNull::from(bytes).cast(),
            len,
        }
    }

    /// A buffer from a raw pointer.
    ///
    /// # Safety
    /// `ptr` must be valid for reads (and for writes, if any view made from it writes) of
    /// `len` bytes for as long as views of it exist; `len <= isize::MAX`.
    pub unsafe fn from_raw(ptr: NonNull<u8>, len: usize) -> RawBytes {
        RawBytes { ptr, len }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(self) -> usize {
        self.len
    }

    /// Pointer to byte 0 (not dereferenced here).
    pub fn base(self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Address of byte 0 (for overlap checks; never dereferenced as a number).
    pub fn addr(self) -> usize {
        self.ptr.as_ptr() as usize
    }

    /// `offset` as an index when the `n` bytes from it lie in the buffer.
    ///
    /// # Panics
    /// When they do not: the callers pass ranges of validated layouts, so this is a bug.
    #[inline]
    pub fn checked_start(self, offset: isize, n: usize) -> usize {
        match usize::try_from(offset) {
            Ok(start) if n <= self.len && start <= self.len - n => start,
            _ => panic!(
                "bytes {offset}..+{n} are outside the {}-byte buffer",
                self.len
            ),
        }
    }

    /// Pointer to byte `offset`.
    ///
    /// # Safety
    /// `0 <= offset <= len`. Reading or writing through the pointer needs, in addition, the
    /// bytes to lie in the buffer and the access to be permitted by the borrow the calling view
    /// holds.
    #[inline(always)]
    pub unsafe fn at(self, offset: isize) -> *mut u8 {
        debug_assert!(
            offset >= 0 && offset as usize <= self.len,
            "offset {offset} out of bounds"
        );
        // SAFETY: the caller keeps `offset` within the allocation (or one past its end).
        unsafe { self.ptr.as_ptr().offset(offset) }
    }

    /// Copies `src` to the bytes starting at `offset`.
    ///
    /// # Safety
    /// `offset >= 0` and `offset + src.len() <= len`, and the view may write them (it was made
    /// by [`RawBytes::of_mut`] or from a writable raw pointer, and holds them exclusively).
    #[inline]
    pub unsafe fn write_from(self, offset: isize, src: &[u8]) {
        // SAFETY: in bounds and writable by the caller's promise; `src` is not in the buffer's
        // exclusively borrowed region, so the ranges do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), self.at(offset), src.len()) }
    }
}
