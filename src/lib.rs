//! # ndview
//!
//! Multi-dimensional strided views over byte buffers: Python's `memoryview` (the buffer
//! protocol, PEP 3118) made as expressive as NumPy's views.
//!
//! A view is a byte buffer plus a [`Format`] (struct / PEP 3118 syntax), a shape, byte strides
//! and an offset. Formats parse exactly as CPython's `struct` module parses them, and unpack to
//! [`Value`]s whose `Display` is Python's `repr()`.
//!
//! ```
//! use ndview::{Format, Value};
//!
//! let f = Format::parse("<hd").unwrap();
//! assert_eq!(f.itemsize(), 10);
//! let bytes = f.pack(&Value::Tuple(vec![Value::Int(-2), Value::Float(0.25)])).unwrap();
//! assert_eq!(f.unpack(&bytes).unwrap().to_string(), "(-2, 0.25)");
//! ```
#![deny(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod array;
pub mod buffer;
mod element;
mod engine;
mod error;
pub mod format;
#[cfg(feature = "ndarray")]
mod interop;
mod io;
pub mod kernels;
mod layout;
mod overlap;
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
pub use kernels::{CastFrom, CastFromAll, Conversion, Numeric};
pub use layout::SliceItem;
pub use overlap::{may_share_memory, shares_memory, shares_memory_bounded, Overlap};
pub use shared::SharedView;
pub use source::{AsView, AsViewMut};
pub use value::{Complex64, Value};
pub use view::{NewAxis, Order, SliceArg, View, ViewMut};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The most dimensions a view (or a sub-array) may have, as in CPython and NumPy.
pub const MAX_NDIM: usize = 64;
