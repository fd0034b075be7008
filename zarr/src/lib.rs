//! # ndview-zarr
//!
//! Zarr v3 arrays read into and written from [`ndview`] views, through the
//! [`zarrs`](https://docs.rs/zarrs) crate (which does the storage and the codecs: zstd, blosc,
//! gzip, crc32c, sharding and transpose are enabled here, the codecs zarr-python 3 writes).
//!
//! - [`ZarrArray::open`] opens an array on a filesystem store and maps its data type to an
//!   ndview format ([`format_of`]); other data types are [`ZarrError::UnsupportedDataType`].
//! - [`ZarrArray::read_into`] reads a [`Region`] (ranges, or NumPy basic indexing as in
//!   ndview's `s!` and index strings) into any [`ViewMut`], whatever its strides.
//! - [`ZarrArray::write`] writes any [`View`] (any layout) into a region, chunk by chunk.
//! - [`ZarrArray::chunks`], [`ZarrArray::par_for_each_chunk`] and
//!   [`ZarrArray::par_update_chunks`] walk the chunk grid.
//!
//! Work is split at chunk boundaries and the pieces run on rayon. Memory is bounded: a region
//! streams chunk by chunk, so besides the destination a read holds at most one decoded chunk
//! (clipped to the region) per rayon thread; see the crate's `docs/zarr.md`.
//!
//! ```
//! use ndview::{s, Array, ViewMut};
//! use ndview_zarr::{Compression, Region, ZarrArray};
//!
//! let dir = std::env::temp_dir().join(format!("ndview-zarr-doc-{}", std::process::id()));
//! let z = ZarrArray::create(&dir, "/a", "<i", &[4, 5], &[3, 2], Compression::Zstd { level: 3 })?;
//! let data: Vec<i32> = (0..20).collect();
//! let src = ndview::View::from_slice(&data).reshape(&[5, 4])?.transpose(); // any layout
//! z.write(&Region::all(z.shape()), &src)?;
//!
//! // Read z[1:, ::-2] into a Fortran-ordered destination.
//! let region = Region::parse(z.shape(), "1:, ::-2")?;
//! assert_eq!(region.shape(), vec![3, 3]);
//! let mut out = vec![0i32; 9];
//! let mut dest = ViewMut::from_slice(&mut out).reshape(&[3, 3])?.transpose();
//! z.read_into(&region, &mut dest)?;
//! assert_eq!(dest.tolist()?.to_string(), "[[17, 9, 1], [18, 10, 2], [19, 11, 3]]");
//!
//! let whole: Array = z.read(&Region::items(z.shape(), &s![.., 0])?)?;
//! assert_eq!(whole.view().tolist()?.to_string(), "[0, 1, 2, 3]");
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), ndview_zarr::ZarrError>(())
//! ```
#![deny(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod region;

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use ndview::{Order, SliceItem, View, ViewMut};
use zarrs::array::{
    Array as ZArray, ArrayBytes, ArrayBytesDecodeIntoTarget, ArrayBytesFixedDisjointView,
    ArraySubset, DataType,
};
use zarrs::filesystem::FilesystemStore;
use zarrs::plugin::{ExtensionName, ZarrVersion};
use zarrs::storage::{ReadableStorageTraits, ReadableWritableStorageTraits};

pub use region::Region;
pub use zarrs;

/// The code blocks of docs/zarr.md run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/zarr.md")]
struct ZarrBook;

/// What can go wrong; bad input is always one of these, never a panic.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZarrError {
    /// The array's data type has no ndview format.
    #[error(
        "Zarr data type {0:?} is not supported by ndview-zarr (supported: bool, int8-64, \
         uint8-64, float16/32/64, complex64/128)"
    )]
    UnsupportedDataType(String),
    /// An ndview format with no Zarr data type (for [`ZarrArray::create`]).
    #[error("ndview format {0:?} has no Zarr data type (use one of {1})")]
    UnsupportedFormat(String, String),
    /// A destination or source that does not fit the region or the array.
    #[error("{0}")]
    Mismatch(String),
    /// An invalid region (out of bounds, wrong number of axes, bad index string).
    #[error("invalid region: {0}")]
    Region(String),
    /// Invalid array metadata.
    #[error("invalid Zarr array metadata: {0}")]
    Metadata(String),
    /// Opening or creating the array failed.
    #[error(transparent)]
    Create(#[from] zarrs::array::ArrayCreateError),
    /// Reading, decoding, encoding or writing failed.
    #[error(transparent)]
    Array(#[from] zarrs::array::ArrayError),
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] zarrs::storage::StorageError),
    /// Opening the filesystem store failed.
    #[error(transparent)]
    Filesystem(#[from] zarrs::filesystem::FilesystemStoreCreateError),
    /// Creating the store's directory failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// An ndview error (slicing, copying, allocating).
    #[error(transparent)]
    View(#[from] ndview::Error),
}

/// This crate's result type.
pub type Result<T, E = ZarrError> = std::result::Result<T, E>;

/// The byte-order prefix of decoded data: zarrs hands out elements in native byte order.
const NATIVE: &str = if cfg!(target_endian = "little") {
    "<"
} else {
    ">"
};

/// (Zarr v3 data type name, ndview format without byte order, JSON fill value zero).
const TYPES: &[(&str, &str)] = &[
    ("bool", "?"),
    ("int8", "b"),
    ("int16", "h"),
    ("int32", "i"),
    ("int64", "q"),
    ("uint8", "B"),
    ("uint16", "H"),
    ("uint32", "I"),
    ("uint64", "Q"),
    ("float16", "e"),
    ("float32", "f"),
    ("float64", "d"),
    ("complex64", "Zf"),
    ("complex128", "Zd"),
];

/// The ndview format of a Zarr data type: `"?"` for bool, `"<i"` for int32, `"<Zd"` for
/// complex128 and so on (`<` on little-endian machines, `>` on big-endian ones: decoded
/// elements are in native byte order).
///
/// ```
/// use ndview_zarr::zarrs::array::data_type;
/// assert_eq!(ndview_zarr::format_of(&data_type::float16()).unwrap(), "<e");
/// assert!(ndview_zarr::format_of(&data_type::bfloat16()).is_err());
/// ```
pub fn format_of(data_type: &DataType) -> Result<String> {
    let name = data_type.name(ZarrVersion::V3);
    let found = name
        .as_deref()
        .and_then(|n| TYPES.iter().find(|(z, _)| *z == n));
    match found {
        Some(("bool", f)) => Ok((*f).to_owned()),
        Some((_, f)) => Ok(format!("{NATIVE}{f}")),
        None => Err(ZarrError::UnsupportedDataType(data_type.to_string())),
    }
}

/// The Zarr v3 data type name of an ndview format (`"<i"`, `"i"`, `"=i"` all give `int32`).
fn zarr_type_of(format: &str) -> Result<&'static str> {
    let bare = format.trim_start_matches(['@', '=', '<', '>', '!']);
    let order_ok = !(format.starts_with('>') || format.starts_with('!')) || NATIVE == ">";
    TYPES
        .iter()
        .find(|(_, f)| *f == bare && order_ok)
        .map(|(z, _)| *z)
        .ok_or_else(|| {
            let all: Vec<String> = TYPES.iter().map(|(_, f)| format!("{NATIVE}{f}")).collect();
            ZarrError::UnsupportedFormat(format.to_owned(), all.join(", "))
        })
}

/// How [`ZarrArray::create`] compresses chunks (after the `bytes` codec, little-endian).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// No compression.
    None,
    /// zstd at the given level (zarr-python's default compressor, level 0 there).
    Zstd {
        /// Compression level (1 to 22; 0 is zstd's default).
        level: i32,
    },
    /// gzip at the given level (0 to 9).
    Gzip {
        /// Compression level.
        level: u32,
    },
}

/// One chunk of the grid: its grid position, its region of the array (clipped to the array's
/// bounds) and its decoded elements as an owned C-contiguous [`ndview::Array`].
#[derive(Debug)]
pub struct Chunk {
    /// The chunk's indices in the chunk grid.
    pub indices: Vec<u64>,
    /// The elements it covers, per axis.
    pub region: Vec<Range<u64>>,
    /// The decoded elements, shaped as `region`.
    pub data: ndview::Array,
}

/// A Zarr v3 array opened for ndview views. `S` is the zarrs store: a filesystem store by
/// default; [`ZarrArray::from_zarrs`] takes an array on any synchronous zarrs store.
pub struct ZarrArray<S: ?Sized = FilesystemStore> {
    inner: ZArray<S>,
    format: String,
    itemsize: usize,
}

impl<S: ?Sized> std::fmt::Debug for ZarrArray<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZarrArray")
            .field("format", &self.format)
            .field("shape", &self.inner.shape())
            .field("chunk_grid_shape", &self.inner.chunk_grid_shape())
            .finish()
    }
}

impl ZarrArray<FilesystemStore> {
    /// Opens the array at `array_path` (such as `"/"` or `"/group/a"`) of the filesystem store
    /// rooted at `dir`.
    pub fn open(dir: impl AsRef<Path>, array_path: &str) -> Result<Self> {
        let store = Arc::new(FilesystemStore::new(dir)?);
        ZarrArray::from_zarrs(ZArray::open(store, array_path)?)
    }

    /// Creates an array (writing its `zarr.json`) in the filesystem store rooted at `dir`:
    /// elements of ndview format `format`, a regular chunk grid, fill value 0, the `bytes`
    /// codec (little-endian) and then `compression`.
    pub fn create(
        dir: impl AsRef<Path>,
        array_path: &str,
        format: &str,
        shape: &[u64],
        chunk_shape: &[u64],
        compression: Compression,
    ) -> Result<Self> {
        let data_type = zarr_type_of(format)?;
        if shape.len() != chunk_shape.len() || chunk_shape.contains(&0) {
            return Err(ZarrError::Metadata(format!(
                "chunk shape {chunk_shape:?} does not fit shape {shape:?} (one positive \
                 length per axis)"
            )));
        }
        let fill = match data_type {
            "bool" => serde_json::json!(false),
            "float16" | "float32" | "float64" => serde_json::json!(0.0),
            "complex64" | "complex128" => serde_json::json!([0.0, 0.0]),
            _ => serde_json::json!(0),
        };
        let mut codecs = vec![serde_json::json!({
            "name": "bytes", "configuration": {"endian": "little"}
        })];
        match compression {
            Compression::None => {}
            Compression::Zstd { level } => codecs.push(serde_json::json!({
                "name": "zstd", "configuration": {"level": level, "checksum": false}
            })),
            Compression::Gzip { level } => codecs.push(serde_json::json!({
                "name": "gzip", "configuration": {"level": level}
            })),
        }
        let metadata = serde_json::json!({
            "zarr_format": 3,
            "node_type": "array",
            "shape": shape,
            "data_type": data_type,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunk_shape}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": fill,
            "codecs": codecs,
        });
        ZarrArray::create_with_metadata(dir, array_path, &metadata.to_string())
    }

    /// Creates an array from a Zarr v3 `zarr.json` document (any chunk grid and codecs zarrs
    /// supports: sharding, transpose, blosc, crc32c, ...) and writes that metadata.
    pub fn create_with_metadata(
        dir: impl AsRef<Path>,
        array_path: &str,
        metadata_json: &str,
    ) -> Result<Self> {
        std::fs::create_dir_all(dir.as_ref())?;
        let store = Arc::new(FilesystemStore::new(dir)?);
        let metadata: zarrs::metadata::ArrayMetadata =
            serde_json::from_str(metadata_json).map_err(|e| ZarrError::Metadata(e.to_string()))?;
        let array = ZArray::new_with_metadata(store, array_path, metadata)?;
        let z = ZarrArray::from_zarrs(array)?;
        z.inner.store_metadata()?;
        Ok(z)
    }
}

impl<S: ?Sized> ZarrArray<S> {
    /// Wraps a zarrs array on any store (an object store through `zarrs_object_store`, a
    /// memory store, ...); fails for data types without an ndview format.
    pub fn from_zarrs(inner: ZArray<S>) -> Result<Self> {
        let format = format_of(inner.data_type())?;
        let itemsize = inner
            .data_type()
            .fixed_size()
            .ok_or_else(|| ZarrError::UnsupportedDataType(inner.data_type().to_string()))?;
        Ok(ZarrArray {
            inner,
            format,
            itemsize,
        })
    }

    /// The zarrs array underneath (metadata, attributes, zarrs' own API).
    pub fn zarrs(&self) -> &ZArray<S> {
        &self.inner
    }

    /// The ndview format of the elements (see [`format_of`]).
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Bytes per element.
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// The array's shape.
    pub fn shape(&self) -> &[u64] {
        self.inner.shape()
    }

    /// The number of chunks along each axis.
    pub fn chunk_grid_shape(&self) -> &[u64] {
        self.inner.chunk_grid_shape()
    }

    /// Accepts formats that mean the array's elements: `"<i"`, `"=i"`, `"@i"` and `"i"` are
    /// all int32 on a little-endian machine.
    fn check_format(&self, what: &str, format: &str, itemsize: usize) -> Result<()> {
        let bare = |f: &str| {
            let order: &[char] = if NATIVE == "<" {
                &['@', '=', '<']
            } else {
                &['@', '=', '>', '!']
            };
            f.strip_prefix(order).unwrap_or(f).to_owned()
        };
        if bare(format) != bare(&self.format) || itemsize != self.itemsize {
            return Err(ZarrError::Mismatch(format!(
                "the {what} has format {format:?}, the Zarr array {:?}",
                self.format
            )));
        }
        Ok(())
    }
}

/// One array axis of a normalised (ascending) selection: positions `lo + k * step`, `k < len`.
#[derive(Clone, Copy, Debug)]
struct Axis {
    lo: u64,
    step: u64,
    len: u64,
}

impl Axis {
    fn last(&self) -> u64 {
        self.lo + (self.len - 1) * self.step
    }
}

fn bounding_ranges(sel: &[Axis]) -> Vec<Range<u64>> {
    sel.iter().map(|a| a.lo..a.last() + 1).collect()
}

fn to_usize(n: u64) -> Result<usize> {
    usize::try_from(n).map_err(|_| ZarrError::Region(format!("{n} elements do not fit usize")))
}

fn unit_steps(sel: &[Axis]) -> bool {
    sel.iter().all(|a| a.step == 1 || a.len == 1)
}

fn step_items(sel: &[Axis]) -> Result<Vec<SliceItem>> {
    sel.iter()
        .map(|a| {
            let step = isize::try_from(a.step)
                .map_err(|_| ZarrError::Region(format!("step {} is too large", a.step)))?;
            Ok(SliceItem::range(None, None, step))
        })
        .collect()
}

impl<S: ?Sized + ReadableStorageTraits + 'static> ZarrArray<S> {
    /// Decodes `ranges` of the array, C order, straight into `out` (exactly its size).
    fn decode_into(&self, ranges: &[Range<u64>], out: &mut [u8]) -> Result<()> {
        if out.is_empty() {
            return Ok(());
        }
        let shape: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
        let cells = unsafe_cell_slice::UnsafeCellSlice::new(out);
        // SAFETY: `cells` comes from a `&mut [u8]` borrowed exclusively for this call, and the
        // single disjoint view made here covers all of it: no other writer can alias it.
        let mut view = unsafe {
            ArrayBytesFixedDisjointView::new(
                cells,
                self.itemsize,
                &shape,
                ArraySubset::new_with_shape(shape.clone()),
            )
        }
        .map_err(|e| ZarrError::Mismatch(e.to_string()))?;
        self.inner.retrieve_array_subset_into(
            &ArraySubset::new_with_ranges(ranges),
            ArrayBytesDecodeIntoTarget::Fixed(&mut view),
        )?;
        Ok(())
    }

    /// Reads `region` into `dest`, which must have the region's shape and the array's format
    /// (any strides, including negative ones).
    ///
    /// A C-contiguous destination read with unit steps is decoded straight into its memory
    /// (zarrs decodes the chunks in parallel); otherwise the region is split at chunk
    /// boundaries, the pieces run on rayon, and each chunk piece is decoded straight into the
    /// destination when that piece is a C block of it, else into a buffer of that piece's size
    /// and scattered by ndview's copy engine.
    pub fn read_into(&self, region: &Region, dest: &mut ViewMut<'_>) -> Result<()> {
        self.check_format("destination", dest.format().as_str(), dest.itemsize())?;
        let sel = region.normalised(self.shape())?;
        let mut dest = region.full_view_mut(dest.reborrow())?;
        if sel.iter().any(|a| a.len == 0) {
            return Ok(());
        }
        if unit_steps(&sel) {
            if let Some(bytes) = dest.contiguous_bytes_mut() {
                return self.decode_into(&bounding_ranges(&sel), bytes);
            }
        }
        self.read_split(&sel, dest)
    }

    /// Reads `region` into a new C-contiguous [`ndview::Array`].
    pub fn read(&self, region: &Region) -> Result<ndview::Array> {
        let mut out = ndview::Array::zeros(&self.format, &region.shape())?;
        self.read_into(region, &mut out.view_mut())?;
        Ok(out)
    }

    /// Splits the selection at a chunk boundary along the axis it spans most chunks of.
    fn split_point(&self, sel: &[Axis]) -> Result<Option<(usize, u64)>> {
        let grid = self.inner.chunk_grid();
        let first: Vec<u64> = sel.iter().map(|a| a.lo).collect();
        let last: Vec<u64> = sel.iter().map(Axis::last).collect();
        let lookup = |p: &[u64]| -> Result<Vec<u64>> {
            grid.chunk_indices(p)
                .map_err(|e| ZarrError::Region(e.to_string()))?
                .map(|c| c.to_vec())
                .ok_or_else(|| ZarrError::Region(format!("position {p:?} has no chunk")))
        };
        let (cf, cl) = (lookup(&first)?, lookup(&last)?);
        let Some((axis, _)) = cf
            .iter()
            .zip(&cl)
            .enumerate()
            .map(|(d, (a, b))| (d, b - a))
            .filter(|&(_, span)| span > 0)
            .max_by_key(|&(_, span)| span)
        else {
            return Ok(None);
        };
        let mut mid = cf.clone();
        mid[axis] = (cf[axis] + cl[axis]).div_ceil(2);
        let origin = self.inner.chunk_origin(&mid)?;
        let a = sel[axis];
        // Positions before the boundary go left: k = ceil((boundary - lo) / step), in 1..len.
        let k = (origin[axis] - a.lo).div_ceil(a.step).clamp(1, a.len - 1);
        Ok(Some((axis, k)))
    }

    fn read_split(&self, sel: &[Axis], mut dest: ViewMut<'_>) -> Result<()> {
        let Some((axis, k)) = self.split_point(sel)? else {
            return self.read_chunk_piece(sel, dest);
        };
        let (mut left, mut right) = (sel.to_vec(), sel.to_vec());
        left[axis].len = k;
        right[axis].lo += k * sel[axis].step;
        right[axis].len -= k;
        let (a, b) = dest.reborrow().split_at(axis as isize, to_usize(k)?)?;
        let (ra, rb) = rayon::join(|| self.read_split(&left, a), || self.read_split(&right, b));
        ra.and(rb)
    }

    /// One chunk's part of a read.
    fn read_chunk_piece(&self, sel: &[Axis], mut dest: ViewMut<'_>) -> Result<()> {
        let ranges = bounding_ranges(sel);
        if unit_steps(sel) {
            if let Some(bytes) = dest.contiguous_bytes_mut() {
                return self.decode_into(&ranges, bytes);
            }
        }
        let shape = ranges
            .iter()
            .map(|r| to_usize(r.end - r.start))
            .collect::<Result<Vec<_>>>()?;
        // The buffer takes the destination's spelling of the format, for the copy engine.
        let mut tmp = ndview::Array::zeros(dest.format().as_str(), &shape)?;
        self.decode_into(&ranges, tmp.as_bytes_mut())?;
        let view = tmp.view();
        let picked = view.slice(step_items(sel)?)?;
        dest.copy_from(&picked)?;
        Ok(())
    }

    /// Decodes the chunk at `indices` (clipped to the array's bounds).
    pub fn read_chunk(&self, indices: &[u64]) -> Result<Chunk> {
        let region = self.inner.chunk_subset_bounded(indices)?.to_ranges();
        let shape = region
            .iter()
            .map(|r| to_usize(r.end - r.start))
            .collect::<Result<Vec<_>>>()?;
        let mut data = ndview::Array::zeros(&self.format, &shape)?;
        self.decode_into(&region, data.as_bytes_mut())?;
        Ok(Chunk {
            indices: indices.to_vec(),
            region,
            data,
        })
    }

    /// The number of chunks in the grid.
    pub fn chunk_count(&self) -> u64 {
        self.chunk_grid_shape().iter().product()
    }

    /// The grid indices of chunk number `n` in C order.
    fn chunk_at(&self, mut n: u64) -> Vec<u64> {
        let grid = self.chunk_grid_shape();
        let mut idx = vec![0; grid.len()];
        for d in (0..grid.len()).rev() {
            idx[d] = n % grid[d].max(1);
            n /= grid[d].max(1);
        }
        idx
    }

    /// The chunks in C order of their grid indices, decoded one at a time.
    pub fn chunks(&self) -> impl Iterator<Item = Result<Chunk>> + '_ {
        (0..self.chunk_count()).map(move |n| self.read_chunk(&self.chunk_at(n)))
    }

    /// Decodes every chunk on rayon's pool and hands each to `f` (in no particular order);
    /// at most one decoded chunk per thread is alive. Stops at the first error.
    pub fn par_for_each_chunk<F>(&self, f: F) -> Result<()>
    where
        F: Fn(Chunk) -> Result<()> + Sync + Send,
        S: Send + Sync,
    {
        use rayon::prelude::*;
        (0..self.chunk_count())
            .into_par_iter()
            .try_for_each(|n| f(self.read_chunk(&self.chunk_at(n))?))
    }
}

impl<S: ?Sized + ReadableWritableStorageTraits + 'static> ZarrArray<S> {
    /// Writes `src` (the region's shape, the array's format, any layout) into `region`.
    ///
    /// A C-contiguous source written with unit steps goes to zarrs in one call (encoded in
    /// parallel, no copy); otherwise the region is split at chunk boundaries and each piece is
    /// gathered into one chunk-sized buffer (chunks on rayon's pool) and stored, reading the
    /// chunk first where the piece does not cover it.
    pub fn write(&self, region: &Region, src: &View<'_>) -> Result<()> {
        self.check_format("source", src.format().as_str(), src.itemsize())?;
        let sel = region.normalised(self.shape())?;
        let src = region.full_view(src)?;
        if sel.iter().any(|a| a.len == 0) {
            return Ok(());
        }
        if unit_steps(&sel) {
            if let Some(bytes) = src.contiguous_bytes() {
                let subset = ArraySubset::new_with_ranges(&bounding_ranges(&sel));
                self.inner
                    .store_array_subset(&subset, ArrayBytes::new_flen(bytes))?;
                return Ok(());
            }
        }
        self.write_split(&sel, src)
    }

    fn write_split(&self, sel: &[Axis], src: View<'_>) -> Result<()> {
        let Some((axis, k)) = self.split_point(sel)? else {
            return self.write_chunk_piece(sel, &src);
        };
        let (mut left, mut right) = (sel.to_vec(), sel.to_vec());
        left[axis].len = k;
        right[axis].lo += k * sel[axis].step;
        right[axis].len -= k;
        let (a, b) = src.split_at(axis as isize, to_usize(k)?)?;
        let (ra, rb) = rayon::join(
            || self.write_split(&left, a),
            || self.write_split(&right, b),
        );
        ra.and(rb)
    }

    fn write_chunk_piece(&self, sel: &[Axis], src: &View<'_>) -> Result<()> {
        let ranges = bounding_ranges(sel);
        let subset = ArraySubset::new_with_ranges(&ranges);
        if unit_steps(sel) {
            let bytes: Cow<'_, [u8]> = match src.contiguous_bytes() {
                Some(b) => Cow::Borrowed(b),
                None => Cow::Owned(src.tobytes(Order::C)?),
            };
            self.inner
                .store_array_subset(&subset, ArrayBytes::new_flen(bytes))?;
            return Ok(());
        }
        // Strided positions: read the bounding box, overwrite the picked elements, store it.
        let shape = ranges
            .iter()
            .map(|r| to_usize(r.end - r.start))
            .collect::<Result<Vec<_>>>()?;
        let mut tmp = ndview::Array::zeros(src.format().as_str(), &shape)?;
        self.decode_into(&ranges, tmp.as_bytes_mut())?;
        tmp.view_mut().slice(step_items(sel)?)?.copy_from(src)?;
        self.inner
            .store_array_subset(&subset, ArrayBytes::new_flen(tmp.as_bytes()))?;
        Ok(())
    }

    /// Decodes each chunk, lets `f` change it in place, and encodes and stores it again, on
    /// rayon's pool (one decoded chunk per thread at a time). `f` gets the chunk's grid
    /// indices, its region and a writable C-contiguous view of its elements.
    pub fn par_update_chunks<F>(&self, f: F) -> Result<()>
    where
        F: Fn(&[u64], &[Range<u64>], ViewMut<'_>) -> Result<()> + Sync + Send,
        S: Send + Sync,
    {
        use rayon::prelude::*;
        (0..self.chunk_count()).into_par_iter().try_for_each(|n| {
            let mut chunk = self.read_chunk(&self.chunk_at(n))?;
            f(&chunk.indices, &chunk.region, chunk.data.view_mut())?;
            let subset = ArraySubset::new_with_ranges(&chunk.region);
            self.inner
                .store_array_subset(&subset, ArrayBytes::new_flen(chunk.data.as_bytes()))?;
            Ok(())
        })
    }
}
