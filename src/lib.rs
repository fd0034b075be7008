//! # ndview
//!
//! Multi-dimensional strided views over byte buffers: Python's `memoryview` (the buffer
//! protocol, PEP 3118) made as expressive as NumPy's views, with parallel element-wise kernels.
//!
//! A view is a byte buffer plus a [`Format`] (struct / PEP 3118 syntax), a shape, byte strides
//! (negative and zero allowed) and an offset. Formats parse exactly as CPython's `struct` module
//! parses them, slicing follows NumPy, and values print as Python's `repr()`.
//!
//! ## Quick start
//!
//! ```
//! use ndview::{s, Order, View, ViewMut};
//!
//! let data: Vec<f32> = (0..12).map(|x| x as f32).collect();
//! let v = View::from_slice(&data).reshape(&[3, 4])?;     // a 3x4 view of f32, no copy
//! let t = v.slice(s![.., ..;-2])?;                       // NumPy's v[:, ::-2]: strides only
//! assert_eq!(t.tolist()?.to_string(), "[[3.0, 1.0], [7.0, 5.0], [11.0, 9.0]]");
//! assert_eq!(v.slice_str("1, 1:3")?.tolist()?.to_string(), "[5.0, 6.0]");
//!
//! let doubled = v.transpose().par_map(|x: f32| x * 2.0)?; // kernels take any layout
//! assert_eq!(doubled.view().shape(), &[4, 3]);
//! assert_eq!(v.sum::<f32>()?, 66.0);
//!
//! let bytes = [0u8, 1, 0, 2, 0, 3];                        // any bytes, any format
//! let be = View::from_parts(&bytes, ">h", &[3], &[2], 0)?; // big-endian shorts
//! assert_eq!(be.tolist()?.to_string(), "[1, 2, 3]");
//!
//! let mut buf = [0u8; 4];                                 // writing: ViewMut
//! ViewMut::from_bytes(&mut buf).slice(s![1..;2])?.fill(7u8)?;
//! assert_eq!(buf, [0, 7, 0, 7]);
//! assert_eq!(v.transpose().tobytes(Order::C).unwrap().len(), 48);  // copies in any order
//! # Ok::<(), ndview::Error>(())
//! ```
//!
//! The book in the repository's `docs/` folder starts with `getting-started.md`, then has a
//! chapter each for readers coming from memoryview, NumPy and ndarray; the examples run with
//! `cargo run --release --example tour` (and `image`, `science`, `bench`, ...).
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---------|---------|--------------|
//! | `ndarray` | no | `View::to_ndarray`, `from_ndarray` and their `ViewMut` twins: views to and from ndarray's `ArrayView`/`ArrayViewMut` without copying |
//! | `bytes` | no | `AsView`/`AsViewMut` for `bytes::Bytes` and `BytesMut` |
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]
// `unsafe` lives in four modules only (docs/safety.md): the raw buffer and its views, the
// element codec, owned buffers and stores, and the engine. The compiler holds the rest to it.
#![deny(unsafe_code)]

mod array;
#[allow(unsafe_code)]
pub mod buffer;
#[allow(unsafe_code)]
mod element;
#[allow(unsafe_code)]
mod engine;
mod error;
pub mod format;
mod io;
pub mod kernels;
mod layout;
mod overlap;
#[allow(unsafe_code)]
mod raw;
mod shared;
mod source;
mod value;
mod view;

pub use array::Array;
pub use buffer::Buffer;
pub use element::Element;
pub use error::{Error, PyErr, Result};
pub use format::{ByteOrder, Code, Format, Item, Mode, Scalar};
pub use kernels::{par_where, where_, Stats};
pub use kernels::{CastFrom, CastFromAll, Conversion, Numeric, Zip};
pub use layout::SliceItem;
pub use overlap::Overlap;
pub use shared::SharedView;
pub use source::{AsView, AsViewMut, IntoView};
pub use value::{Complex64, Value};
pub use view::{
    broadcast_arrays, broadcast_shapes, may_share_memory, shares_memory, shares_memory_bounded,
    AxisIter, CowArray, FixedView, IterAs, Lanes, NewAxis, Order, SliceArg, Typed, View, ViewMut,
};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The code blocks of the book in docs/ run as doc tests too.
#[cfg(doctest)]
mod book {
    #[doc = include_str!("../docs/getting-started.md")]
    struct GettingStarted;
    #[doc = include_str!("../docs/from-numpy.md")]
    struct FromNumpy;
    #[doc = include_str!("../docs/from-ndarray.md")]
    struct FromNdarray;
    #[doc = include_str!("../docs/from-memoryview.md")]
    struct FromMemoryview;
    #[doc = include_str!("../docs/buffers.md")]
    struct Buffers;
}

/// The axis length that [`View::reshape`] works out from the others: NumPy's `-1`.
///
/// ```
/// let data = [0u8; 12];
/// let v = ndview::View::from_bytes(&data).reshape(&[2, ndview::INFER, 3]).unwrap();
/// assert_eq!(v.shape(), &[2, 2, 3]);
/// ```
pub const INFER: usize = usize::MAX;

/// The most dimensions a view (or a sub-array) may have, as in CPython and NumPy.
pub const MAX_NDIM: usize = 64;
