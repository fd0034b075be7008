//! `SharedView`: a `'static`, reference-counted view that keeps its buffer alive, like a
//! memoryview keeps its exporter alive; copy-on-write for a writable one; memory-mapped files.

use crate::array::Array;
use crate::buffer::Store;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::Layout;
use crate::raw::RawBytes;
use crate::view::{RawView, View, ViewMut};
#[cfg(not(miri))]
use std::path::Path;
use std::sync::Arc;

/// A view that owns a reference to its buffer: `'static`, `Send + Sync`, cheap to clone and
/// slice. The buffer is freed with the last view that refers to it.
///
/// ```
/// use ndview::SharedView;
/// let sv = SharedView::from_vec(vec![1u32, 2, 3, 4], &[2, 2]).unwrap();
/// let col = sv.slice_str(":, 1").unwrap();               // shares the buffer
/// let handle = std::thread::spawn(move || col.view().sum::<u32>().unwrap());
/// assert_eq!(handle.join().unwrap(), 6);
/// ```
#[derive(Clone)]
pub struct SharedView {
    store: Arc<Store>,
    raw: RawView,
}

/// An `Arc<[T]>` as an owner of bytes (its data never moves).
struct ArcBytes<T: Element>(Arc<[T]>);

impl<T: Element> AsRef<[u8]> for ArcBytes<T> {
    fn as_ref(&self) -> &[u8] {
        bytemuck::cast_slice(&self.0)
    }
}

impl SharedView {
    pub(crate) fn new(
        store: Store,
        bytes: RawBytes,
        format: Format,
        layout: Layout,
    ) -> Result<SharedView> {
        layout.validate(bytes.len(), format.itemsize())?;
        Ok(SharedView {
            store: Arc::new(store),
            raw: RawView {
                bytes,
                format,
                layout,
            },
        })
    }

    /// Takes ownership of an array.
    pub fn from_array(a: Array) -> SharedView {
        let format = a.format().clone();
        let layout = Layout::c_contiguous(a.shape(), format.itemsize());
        let buf = a.into_buffer();
        let bytes = buf.raw();
        SharedView::new(Store::Owned(buf), bytes, format, layout)
            .expect("an array's own layout fits its buffer")
    }

    /// Takes ownership of a vector (without copying) as an array of the given shape.
    ///
    /// ```
    /// let shared = ndview::SharedView::from_vec(vec![1.0f64; 1000], &[10, 100]).unwrap();
    /// let row = shared.slice_str("3, ::10").unwrap(); // 'static: can move to another thread
    /// let sum = std::thread::spawn(move || row.view().sum::<f64>().unwrap()).join().unwrap();
    /// assert_eq!(sum, 10.0);
    /// ```
    pub fn from_vec<T: Element + bytemuck::Pod>(v: Vec<T>, shape: &[usize]) -> Result<SharedView> {
        Ok(SharedView::from_array(Array::from_vec(v, shape)?))
    }

    /// Shares an `Arc<[T]>` (read-only: [`SharedView::make_mut`] copies).
    pub fn from_arc<T: Element>(data: Arc<[T]>) -> SharedView {
        // The slice's bytes, as a view of it records them (the Arc's data never moves).
        let layout = Layout::c_contiguous(&[data.len()], std::mem::size_of::<T>());
        let (owned, bytes) = Store::other(ArcBytes(data));
        SharedView::new(owned, bytes, T::format(), layout).expect("a slice's own layout fits it")
    }

    /// Shares any container of bytes (read-only) with a format and layout, like a memoryview of
    /// an arbitrary exporter. The container is dropped with the last view.
    ///
    /// ```
    /// let sv = ndview::SharedView::from_owner(b"\x01\x00\x02\x00".to_vec(), "<h", &[2], &[2], 0).unwrap();
    /// assert_eq!(sv.view().tolist().unwrap().to_string(), "[1, 2]");
    /// ```
    pub fn from_owner<O: AsRef<[u8]> + Send + Sync + 'static>(
        owner: O,
        format: &str,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<SharedView> {
        let format = Format::parse(format)?;
        // The bytes live inside the heap copy of the owner (or in its own heap data), which
        // the store keeps in place until the last view is gone.
        let (owned, bytes) = Store::other(owner);
        let layout = layout_from(shape, strides, offset, bytes.len())?;
        SharedView::new(owned, bytes, format, layout)
    }

    /// The format of the elements.
    pub fn format(&self) -> &Format {
        &self.raw.format
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.raw.layout.shape
    }

    /// The byte strides.
    pub fn strides(&self) -> &[isize] {
        &self.raw.layout.strides
    }

    /// A read-only view borrowing this one.
    pub fn view(&self) -> View<'_> {
        View::wrap(self.raw.clone())
    }

    /// A new shared view of the same buffer, made by any shape operation on [`View`]:
    /// `sv.derive(|v| v.slice_str("::2, 1"))`.
    pub fn derive(
        &self,
        f: impl for<'v> FnOnce(View<'v>) -> Result<View<'v>>,
    ) -> Result<SharedView> {
        let derived = f(self.view())?;
        if derived.raw.bytes.addr() != self.raw.bytes.addr()
            || derived.raw.bytes.len() != self.raw.bytes.len()
        {
            return Err(Error::Shape(
                "derive must return a view of the same buffer (a shape operation on its argument)"
                    .to_owned(),
            ));
        }
        Ok(SharedView {
            store: Arc::clone(&self.store),
            raw: derived.raw,
        })
    }

    /// One field of a record view (NumPy's `arr["name"]`, see [`View::field`]), sharing the
    /// buffer.
    pub fn field(&self, name: &str) -> Result<SharedView> {
        self.derive(|v| v.field(name))
    }

    /// NumPy basic indexing (see [`View::slice_str`]), sharing the buffer.
    pub fn slice_str(&self, index: &str) -> Result<SharedView> {
        self.derive(|v| v.slice_str(index))
    }

    /// NumPy basic indexing with [`s!`](crate::s) items, sharing the buffer.
    pub fn slice<I: AsRef<[crate::SliceItem]>>(&self, items: I) -> Result<SharedView> {
        self.derive(|v| v.slice(items))
    }

    /// Pieces of `n` positions along the first axis (the last one shorter), sharing the
    /// buffer: for a byte view, chunks of `n` bytes. The iterator does not borrow `self`.
    pub fn chunks(&self, n: usize) -> Result<impl Iterator<Item = SharedView>> {
        let pieces = crate::io::chunk_ranges(&self.raw.layout, n)?;
        let whole = self.clone();
        Ok(pieces.map(move |(start, stop)| {
            whole
                .derive(|v| v.slice([crate::SliceItem::range(Some(start), Some(stop), 1)]))
                .expect("chunks of the first axis are in range")
        }))
    }

    /// Whether this is the only view of its buffer.
    pub fn is_unique(&self) -> bool {
        Arc::strong_count(&self.store) == 1
    }

    /// A writable view, copy-on-write: when this is the only view of a writable buffer, the
    /// elements are written in place (in a read-write file map, into the file); otherwise
    /// (shared, read-only, or a layout whose elements overlap) they are first copied into a
    /// new C-contiguous buffer that this view then owns.
    ///
    /// ```
    /// let mut a = ndview::SharedView::from_vec(vec![1i32, 2, 3], &[3]).unwrap();
    /// let b = a.clone();
    /// a.make_mut().unwrap().set_as(&[0], 10i32).unwrap(); // copies: b still shares the old buffer
    /// assert_eq!(a.view().tolist().unwrap().to_string(), "[10, 2, 3]");
    /// assert_eq!(b.view().tolist().unwrap().to_string(), "[1, 2, 3]");
    /// ```
    pub fn make_mut(&mut self) -> Result<ViewMut<'_>> {
        let in_place = Arc::get_mut(&mut self.store).is_some_and(|s| s.writable())
            && crate::overlap::check_no_internal_overlap(&self.raw.layout, self.raw.itemsize())
                .is_ok();
        if !in_place {
            *self = SharedView::from_array(self.view().to_owned()?);
        }
        // Unique and writable: no other view of these bytes exists, and the `&mut self`
        // borrow keeps it so for as long as the writable view lives.
        Ok(ViewMut::wrap(self.raw.clone()))
    }

    /// Writes a read-write file map's changes in this view's range to the file.
    pub fn flush(&self) -> Result<()> {
        #[cfg(not(miri))]
        if let Store::MapMut(map) = &*self.store {
            if let Some((start, len)) = self.byte_range() {
                map.flush_range(start, len)?;
            }
        }
        Ok(())
    }

    /// Hints that this view's pages of a file map are not needed for now, so they leave
    /// resident memory (they are read from the file again if touched). For chunk-by-chunk
    /// processing of files larger than memory. A no-op for other buffers.
    pub fn release(&self) {
        #[cfg(all(target_os = "linux", not(miri)))]
        if let Some((start, len)) = self.byte_range() {
            let base = self.raw.bytes.addr();
            let page = 4096;
            let lo = (base + start).div_ceil(page) * page;
            let hi = (base + start + len) / page * page;
            if hi > lo {
                self.store.drop_pages(lo, hi - lo);
            }
        }
    }

    /// The byte range this view's elements span within its buffer.
    #[cfg_attr(miri, allow(dead_code))]
    fn byte_range(&self) -> Option<(usize, usize)> {
        let (lo, hi) = crate::overlap::byte_bounds(&self.raw.layout, self.raw.itemsize(), 0)?;
        Some((lo as usize, (hi - lo) as usize))
    }
}

impl std::fmt::Debug for SharedView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shared{:?}", self.view())
    }
}

#[cfg(not(miri))]
/// Opens `path` for a map of `shape` (one entry may be [`INFER`](crate::INFER): the rest of
/// the file from `offset`, as NumPy's `memmap` with no shape) and checks the file is long
/// enough. Returns the file, the format, the resolved shape and the byte length.
pub(crate) fn open_for_map(
    path: &Path,
    format: &str,
    shape: &[usize],
    offset: u64,
    write: bool,
) -> Result<(std::fs::File, Format, crate::layout::Dims, usize)> {
    let format = Format::parse(format)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(write)
        .open(path)?;
    let size = file.metadata()?.len();
    let shape = if shape.contains(&crate::INFER) {
        let available = size.checked_sub(offset).ok_or_else(|| {
            Error::Geometry(format!(
                "offset {offset} is past the end of {} ({size} bytes)",
                path.display()
            ))
        })?;
        let itemsize = format.itemsize() as u64;
        if itemsize == 0 || available % itemsize != 0 {
            return Err(Error::Shape(format!(
                "the {available} bytes of {} after offset {offset} are not a whole number of \
                 {itemsize}-byte elements; give the shape, or an offset that leaves whole \
                 elements",
                path.display()
            )));
        }
        let count = usize::try_from(available / itemsize)
            .map_err(|_| Error::Geometry(format!("{} is too large to map", path.display())))?;
        crate::layout::resolve_shape(shape, count)?
    } else {
        shape.into()
    };
    let len = crate::layout::checked_nbytes(&shape, format.itemsize())?;
    if offset.saturating_add(len as u64) > size {
        return Err(Error::Geometry(format!(
            "mapping {len} bytes from offset {offset} needs a file of at least {} bytes; {} has \
             {size}",
            u128::from(offset) + len as u128,
            path.display()
        )));
    }
    Ok((file, format, shape, len))
}

fn layout_from(shape: &[usize], strides: &[isize], offset: usize, len: usize) -> Result<Layout> {
    if offset > len {
        return Err(Error::Geometry(format!(
            "offset {offset} is past the end of the {len}-byte buffer"
        )));
    }
    Ok(Layout {
        shape: shape.into(),
        strides: strides.into(),
        offset: offset as isize,
    })
}
