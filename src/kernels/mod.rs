//! Typed element-wise kernels, conversions, reductions and comparisons over views.
//!
//! Every kernel walks its operands through the one loop engine (`engine::Plan`): broadcasting
//! (stride 0), merged axes, axes ordered by the output's strides, contiguous fast paths, tiles
//! for transposed operands, and rayon chunks in the `par_` forms.

mod compare;
mod convert;
mod elementwise;
mod numeric;
mod operand;
pub mod ops;
mod reduce;
mod stats;
mod zip;

pub use numeric::{CastFrom, CastFromAll, Conversion, Numeric};
pub use ops::Arith;
pub use stats::{par_where, where_, Stats};
pub use zip::Zip;
