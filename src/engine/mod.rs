//! The one loop engine: every operation that walks elements goes through a [`Plan`].
//!
//! The plan simplifies the loop nest (drops length-1 axes, orders axes by stride, reverses
//! axes every operand walks backwards, merges axes whose strides chain) and hands out runs along
//! the innermost axis. On top of it:
//!
//! - `run.rs`, the executor of element-wise kernels: typed operands in, one typed [`Run`] per
//!   operand and step out to the kernel's body; it alone chooses the flat run, the plan, tiles,
//!   staged tiles and the parallel split;
//! - `walk.rs`, walks that reductions and scans drive in parts the engine chooses (fixed
//!   blocks, chunks, lanes along an axis) and reductions into an output lacking an axis,
//!   whole or in fixed blocks along the axis;
//! - `stream.rs`, non-temporal stores for outputs past the last-level cache (the bodies
//!   overwrite their output runs: parts written in L1, then streamed to memory);
//! - `views.rs`, the copies whose operands are views (`tobytes`, `copy_from` with NumPy's overlap
//!   rule, fill), safe to call because they take views, not offsets;
//! - `copy.rs`, the byte-copy bodies (memcpy runs, reversed runs, SIMD tile transposes) over
//!   byte operands ([`Typed::layout_bytes`]);
//! - `wide.rs`, loops compiled for AVX2 when the processor has it (the row loop of axis
//!   reductions);
//! - `par.rs`, the schedule: the one place that decides whether and how a walk is split across
//!   rayon's pool (`schedule`), for runs, tiles, staged tiles, chunks and reduction blocks.

mod copy;
mod par;
mod plan;
mod run;
mod stage;
mod stream;
mod tile;
mod views;
mod walk;
mod wide;

use copy::copy_elements;
use par::walk_tiles;
pub(crate) use par::{schedule, walk, worth_splitting};
pub(crate) use plan::Plan;
pub(crate) use run::{all_runs, flat, runs_par, runs_seq, Holds, Run, Typed};
use stage::{staging, walk_staged_par, walk_staged_seq, RunPtr};
pub(crate) use views::{copy_view, fill, gather, gather_into};
pub(crate) use walk::{
    block_slots, combine_pairwise, pairwise_cut, reduce_blocks, reduce_into, Part, Walk, BLOCK,
};
pub(crate) use wide::with_avx2;
