//! What keeps a [`SharedView`]'s bytes alive: an owned [`Buffer`], a file map, or a caller's
//! container; and the (unsafe) constructors of file-mapped views.

use super::Buffer;
use crate::raw::RawBytes;
use crate::shared::SharedView;
#[cfg(not(miri))]
use crate::{array::Array, error::Result, layout::Layout, shared::open_for_map};
#[cfg(not(miri))]
use std::path::Path;

/// What keeps a shared view's bytes alive, and whether they may be written.
pub(crate) enum Store {
    /// An owned buffer (from an `Array`, a `Vec`, a copy).
    Owned(#[allow(dead_code)] Buffer),
    /// A read-only file map.
    #[cfg(not(miri))]
    Map(#[allow(dead_code)] memmap2::Mmap),
    /// A read-write (shared) file map: writes reach the file.
    #[cfg(not(miri))]
    MapMut(memmap2::MmapMut),
    /// Anything else that owns the bytes (an `Arc<[T]>`, a caller's container): read-only.
    Other(#[allow(dead_code)] Owned),
}

/// A caller's container, kept on the heap behind a raw pointer rather than a `Box`: the views'
/// pointers may point inside it (an array owned inline), and moving a `Box` would assert
/// unique access to its contents, invalidating them (Stacked Borrows).
pub(crate) struct Owned(*mut (dyn std::any::Any + Send + Sync));

impl Owned {
    /// Moves `owner` to the heap and returns the owning handle with the owner's bytes, read
    /// through the heap pointer (so no later move of the handle touches them).
    fn new<O: AsRef<[u8]> + Send + Sync + 'static>(owner: O) -> (Owned, RawBytes) {
        let ptr: *mut O = Box::into_raw(Box::new(owner));
        // SAFETY: `ptr` is the live allocation just made; nothing else refers to it. The
        // bytes stay valid until `Owned` is dropped, since only a shared reference is ever
        // made from it again.
        let bytes = RawBytes::of(unsafe { (*ptr).as_ref() });
        (Owned(ptr), bytes)
    }
}

// SAFETY: the pointee is `Send + Sync` (required by `new`), and `Owned` only drops it.
unsafe impl Send for Owned {}
// SAFETY: as above; `Owned` gives no access to the pointee besides dropping it.
unsafe impl Sync for Owned {}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::into_raw` in `new` and is dropped once, here.
        drop(unsafe { Box::from_raw(self.0) });
    }
}

impl Store {
    /// The store keeping `owner` (moved to the heap) alive, and its bytes.
    pub(crate) fn other<O: AsRef<[u8]> + Send + Sync + 'static>(owner: O) -> (Store, RawBytes) {
        let (owned, bytes) = Owned::new(owner);
        (Store::Other(owned), bytes)
    }

    /// Hints that the `len` bytes at address `start` (whole pages inside this store's file
    /// map) are not needed for now; nothing for other stores.
    #[cfg(all(target_os = "linux", not(miri)))]
    pub(crate) fn drop_pages(&self, start: usize, len: usize) {
        match self {
            Store::Map(_) | Store::MapMut(_) => {
                // SAFETY: MADV_DONTNEED on a shared file mapping only drops this process's
                // page-table entries for the range; the data stays in the file (and page
                // cache) and is faulted back in on the next access, so no view observes a
                // change. The caller passes whole pages inside the mapping.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, len, libc::MADV_DONTNEED);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn writable(&self) -> bool {
        match self {
            Store::Owned(_) => true,
            #[cfg(not(miri))]
            Store::MapMut(_) => true,
            #[cfg(not(miri))]
            Store::Map(_) => false,
            Store::Other(_) => false,
        }
    }
}

impl SharedView {
    /// Maps `prod(shape) * itemsize` bytes of a file, from byte `offset`, read-only, as a
    /// C-contiguous view. One entry of `shape` may be [`INFER`](crate::INFER): the map then
    /// takes the rest of the file, as NumPy's `memmap(path, dtype, offset=...)` does without a
    /// shape (the remaining bytes must be whole elements that fill the other axes).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("ndview-doc-map-{}", std::process::id()));
    /// let path = dir.with_extension("bin");
    /// std::fs::write(&path, [0u8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0]).unwrap();
    /// // SAFETY: nothing else touches the file while it is mapped.
    /// let v = unsafe { ndview::SharedView::map_file(&path, "<h", &[ndview::INFER, 2], 0) }.unwrap();
    /// assert_eq!(v.shape(), &[3, 2]);
    /// assert_eq!(v.tolist().unwrap().to_string(), "[[0, 1], [2, 3], [4, 5]]");
    /// # drop(v); std::fs::remove_file(&path).unwrap();
    /// ```
    ///
    /// # Safety
    /// As for any memory map (`memmap2::Mmap::map`): the mapped part of the file must not be
    /// modified or truncated (by this or any other process) while views of it exist, or reads
    /// see changing bytes (undefined behaviour) or fault.
    #[cfg(not(miri))]
    pub unsafe fn map_file(
        path: impl AsRef<Path>,
        format: &str,
        shape: &[usize],
        offset: u64,
    ) -> Result<SharedView> {
        let (file, format, shape, len) = open_for_map(path.as_ref(), format, shape, offset, false)?;
        let layout = Layout::c_contiguous(&shape, format.itemsize());
        if len == 0 {
            return Ok(SharedView::from_array(Array::zeros_with(&format, &shape)?));
        }
        // SAFETY: the caller promises the mapped range is not changed while mapped; the file
        // is at least `offset + len` bytes long (checked).
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(offset)
                .len(len)
                .map(&file)?
        };
        let bytes = RawBytes::of(&map[..]);
        SharedView::new(Store::Map(map), bytes, format, layout)
    }

    /// Maps part of a file read-write (a shared mapping: writes through
    /// [`SharedView::make_mut`] reach the file; [`SharedView::flush`] makes them durable).
    ///
    /// # Safety
    /// As for [`SharedView::map_file`], and no one else may write the range either.
    #[cfg(not(miri))]
    pub unsafe fn map_file_mut(
        path: impl AsRef<Path>,
        format: &str,
        shape: &[usize],
        offset: u64,
    ) -> Result<SharedView> {
        let (file, format, shape, len) = open_for_map(path.as_ref(), format, shape, offset, true)?;
        let layout = Layout::c_contiguous(&shape, format.itemsize());
        if len == 0 {
            return Ok(SharedView::from_array(Array::zeros_with(&format, &shape)?));
        }
        // SAFETY: as above; the file was opened read-write.
        let mut map = unsafe {
            memmap2::MmapOptions::new()
                .offset(offset)
                .len(len)
                .map_mut(&file)?
        };
        let ptr = std::ptr::NonNull::new(map.as_mut_ptr()).expect("maps are non-null");
        // SAFETY: the map is `len` readable and writable bytes that live as long as the store.
        let bytes = unsafe { RawBytes::from_raw(ptr, len) };
        SharedView::new(Store::MapMut(map), bytes, format, layout)
    }
}
