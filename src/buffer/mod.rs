//! Owned byte buffers: 64-byte aligned, zero-initialised, large ones straight from the OS with
//! huge pages; or an existing `Vec` adopted without copying. What keeps a shared view's bytes
//! alive (`store`: owned buffers, file maps, callers' containers).

use crate::error::{Error, Result};
use std::alloc::Layout;
use std::any::Any;
use std::ptr::NonNull;

mod store;

pub(crate) use store::Store;

/// Alignment of buffers ndview allocates: a cache line, enough for every element type and
/// for SIMD loads.
pub const ALIGN: usize = 64;

/// A type with [`ALIGN`]'s alignment, for the dangling pointer of an empty buffer.
#[repr(C, align(64))]
struct CacheLine([u8; ALIGN]);

/// From this size on, buffers come from an anonymous memory map (zero pages from the OS, no
/// `memset`) advised to use transparent huge pages, as NumPy does for large arrays.
#[cfg_attr(miri, allow(dead_code))]
pub(crate) const LARGE: usize = 4 << 20;

/// An owned, contiguous byte buffer.
///
/// ```
/// let mut b = ndview::Buffer::zeroed(100).unwrap();
/// assert_eq!(b.as_ptr() as usize % ndview::buffer::ALIGN, 0);
/// b.as_mut_slice()[3] = 7;
/// let v = ndview::Buffer::from_vec(vec![1u16, 2, 3]);
/// assert_eq!(v.as_slice(), &[1, 0, 2, 0, 3, 0]);
/// ```
pub struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    owner: Owner,
}

enum Owner {
    /// Nothing allocated (length 0).
    Empty,
    /// From the global allocator with this layout.
    Heap(Layout),
    /// An anonymous memory map; the buffer starts `ptr` inside it.
    #[cfg(not(miri))]
    Map(#[allow(dead_code)] memmap2::MmapMut),
    /// Something else that owns the bytes (an adopted `Vec`, a file map, ...).
    Keep(#[allow(dead_code)] Box<dyn Any + Send + Sync>),
}

// SAFETY: a `Buffer` owns its bytes exclusively (like `Vec<u8>`); the owner it keeps is
// itself `Send + Sync` or is plain memory from the allocator or the OS.
unsafe impl Send for Buffer {}
// SAFETY: shared access only hands out `&[u8]`.
unsafe impl Sync for Buffer {}

impl Buffer {
    /// A zero-filled buffer of `len` bytes, 64-byte aligned (an empty one too: its pointer is
    /// a dangling, 64-byte aligned address). Large buffers are committed lazily: pages are
    /// zero pages from the OS until first written, so `zeros` of 1 GiB costs no memory until
    /// used. A size the machine cannot provide is [`Error::Alloc`], never an abort.
    pub fn zeroed(len: usize) -> Result<Buffer> {
        if len == 0 {
            return Ok(Buffer {
                ptr: NonNull::<CacheLine>::dangling().cast(),
                len: 0,
                owner: Owner::Empty,
            });
        }
        let too_big = || Error::Alloc {
            bytes: len as u128,
            what: "a zeroed buffer",
        };
        if len > isize::MAX as usize - ALIGN {
            return Err(too_big());
        }
        #[cfg(not(miri))]
        if len >= LARGE {
            return Buffer::mapped(len).map_err(|_| too_big());
        }
        let layout = Layout::from_size_align(len, ALIGN).map_err(|_| too_big())?;
        // SAFETY: the layout has a nonzero size.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        let ptr = NonNull::new(ptr).ok_or_else(too_big)?;
        Ok(Buffer {
            ptr,
            len,
            owner: Owner::Heap(layout),
        })
    }

    /// A large zeroed buffer from an anonymous map, starting on a 2 MiB boundary and advised
    /// to use huge pages, so that first writes fault in 2 MiB at a time.
    #[cfg(not(miri))]
    fn mapped(len: usize) -> Result<Buffer> {
        const HUGE: usize = 2 << 20;
        let total = len.checked_add(HUGE).ok_or(Error::Alloc {
            bytes: len as u128,
            what: "a zeroed buffer",
        })?;
        let mut map = memmap2::MmapOptions::new().len(total).map_anon()?;
        let base = map.as_ptr() as usize;
        let start = (HUGE - base % HUGE) % HUGE;
        // Advice only: failure (no THP support) leaves ordinary pages.
        #[cfg(target_os = "linux")]
        let _ = map.advise_range(memmap2::Advice::HugePage, start, len);
        let ptr = NonNull::new(map.as_mut_ptr().wrapping_add(start))
            .expect("a mapping is never at address 0");
        Ok(Buffer {
            ptr,
            len,
            owner: Owner::Map(map),
        })
    }

    /// Adopts a vector's memory without copying (its alignment is `T`'s).
    pub fn from_vec<T: bytemuck::Pod + Send + Sync>(v: Vec<T>) -> Buffer {
        let len = std::mem::size_of_val(v.as_slice());
        let mut boxed: Box<Vec<T>> = Box::new(v);
        // Moving the Box (or the Vec inside) never moves the vector's heap data.
        let ptr = NonNull::new(boxed.as_mut_ptr().cast::<u8>()).expect("Vec pointers are non-null");
        Buffer {
            ptr,
            len,
            owner: Owner::Keep(boxed),
        }
    }

    /// The vector [`Buffer::from_vec`] adopted, given back without copying when it was a
    /// `Vec<T>`; otherwise the buffer itself, unchanged.
    ///
    /// ```
    /// let b = ndview::Buffer::from_vec(vec![1u32, 2]);
    /// assert_eq!(b.into_vec::<u32>().unwrap(), [1, 2]);
    /// assert!(ndview::Buffer::zeroed(8).unwrap().into_vec::<u32>().is_err());
    /// ```
    pub fn into_vec<T: bytemuck::Pod + Send + Sync>(
        mut self,
    ) -> std::result::Result<Vec<T>, Buffer> {
        match std::mem::replace(&mut self.owner, Owner::Empty) {
            Owner::Keep(kept) => match kept.downcast::<Vec<T>>() {
                // `self` now owns nothing (Empty), so dropping it frees nothing.
                Ok(v) => Ok(*v),
                Err(kept) => {
                    self.owner = Owner::Keep(kept);
                    Err(self)
                }
            },
            other => {
                self.owner = other;
                Err(self)
            }
        }
    }

    /// The bytes as a raw buffer for views, derived from the buffer's own pointer (no
    /// reference in between, so views made one after another never invalidate each other).
    pub(crate) fn raw(&self) -> crate::raw::RawBytes {
        // SAFETY: `ptr` is valid for `len` bytes for as long as this buffer lives; the views
        // made from it carry lifetimes that borrow the buffer (shared for reads, exclusive for
        // writes).
        unsafe { crate::raw::RawBytes::from_raw(self.ptr, self.len) }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a buffer of no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Address of the first byte.
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` is valid for `len` initialised bytes (zeroed or adopted), owned by
        // this buffer, and only shared access is handed out here.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The bytes, writable.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as above, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if let Owner::Heap(layout) = self.owner {
            // SAFETY: allocated by `alloc_zeroed` with exactly this layout.
            unsafe { std::alloc::dealloc(self.ptr.as_ptr(), layout) }
        }
        // Maps and kept owners free themselves when dropped.
    }
}

impl std::fmt::Debug for Buffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.owner {
            Owner::Empty => "empty",
            Owner::Heap(_) => "heap",
            #[cfg(not(miri))]
            Owner::Map(_) => "anonymous map",
            Owner::Keep(_) => "adopted",
        };
        write!(f, "Buffer({} bytes, {kind})", self.len)
    }
}

/// A `Vec<u8>` of `len` bytes whose spare capacity the caller will fully overwrite, advised to
/// use huge pages when large (the memory is fresh from the OS then, so the advice takes effect
/// on first touch). A size that cannot be allocated is [`Error::Alloc`].
///
/// The pages are not populated ahead (`MADV_POPULATE_WRITE`): measured on `tobytes` and
/// `zip_map` of 64 MiB, populating in one system call tied on one thread and cost about 25%
/// on two, where the writing threads fault their own pages in parallel. More threads were not
/// measured.
pub(crate) fn vec_for_overwrite(len: usize, what: &'static str) -> Result<Vec<u8>> {
    let v: Vec<u8> = crate::error::try_vec(len, what)?;
    #[cfg(all(target_os = "linux", not(miri)))]
    if len >= LARGE {
        const HUGE: usize = 2 << 20;
        let base = v.as_ptr() as usize;
        let start = base.div_ceil(HUGE) * HUGE;
        let end = (base + len) / HUGE * HUGE;
        if end > start {
            // SAFETY: madvise only advises the kernel about pages of memory this vector owns
            // (the range lies inside its allocation); it changes no contents and failure is
            // harmless.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
    Ok(v)
}
