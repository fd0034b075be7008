//! Typed element-wise kernels, conversions, reductions and comparisons over views.
//!
//! Every kernel is a body that the engine runs (`engine::runs_seq`/`runs_par` for element-wise
//! kernels, `engine::Walk` for blocks, chunks and lanes, `engine::reduce_into` and
//! `reduce_blocks` for axis reductions): the engine plans the walk (broadcasting, merged axes,
//! contiguous fast paths, tiles and staging for transposed operands, rayon chunks in the
//! `par_` forms) and hands the body typed runs. Nothing here forms a pointer: this module has
//! no `unsafe` code.

mod compare;
mod convert;
mod elementwise;
mod numeric;
mod operand;
pub mod ops;
mod pairwise;
mod reduce;
mod stats;
mod zip;

/// Calls `f` from a frame of its own: the planned paths of the element-wise kernels, kept out
/// of the small-call fast path they follow.
#[inline(never)]
pub(crate) fn out_of_line<R>(f: impl FnOnce() -> R) -> R {
    f()
}

pub use numeric::{CastFrom, CastFromAll, Conversion, Numeric};
pub use ops::Arith;
pub use stats::{par_where, where_, Stats};
pub use zip::Zip;
