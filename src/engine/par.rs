//! Splitting a walk for rayon: by size, never for small work, in chunks large enough to pay
//! for the scheduling.

use super::tile::Tiles;
use super::Plan;
use std::ops::Range;

/// Below this many bytes touched (all operands), a walk runs on the calling thread. Under Miri
/// the thresholds are tiny, so that its small tests still run (and race-check) the parallel
/// paths.
pub(crate) const PAR_MIN_BYTES: usize = if cfg!(miri) { 256 } else { 1 << 20 };
/// A parallel chunk touches at least this many bytes.
const CHUNK_MIN_BYTES: usize = if cfg!(miri) { 64 } else { 256 << 10 };

/// Whether a walk of `count` elements touching `bytes_per_element` bytes each (all operands
/// together) is worth splitting.
pub(crate) fn worth_splitting(count: usize, bytes_per_element: usize) -> bool {
    rayon::current_num_threads() > 1
        && count.saturating_mul(bytes_per_element.max(1)) >= PAR_MIN_BYTES
}

/// Number of chunks to split `work` units of `unit_bytes` bytes into: enough for every thread
/// to take several (load balance), none smaller than `CHUNK_MIN_BYTES`.
pub(crate) fn chunks(work: usize, unit_bytes: usize) -> usize {
    let by_size = work.saturating_mul(unit_bytes.max(1)) / CHUNK_MIN_BYTES;
    let by_threads = rayon::current_num_threads() * 4;
    by_size.min(by_threads).clamp(1, work.max(1))
}

/// The one place a walk is split: runs `f` over `0..units` (each unit touching about
/// `unit_bytes` bytes, all operands together) on the calling thread, or, when `parallel` is set
/// and the work is large enough to pay for it, over chunks of it across rayon's pool.
pub(crate) fn schedule(
    units: usize,
    unit_bytes: usize,
    parallel: bool,
    f: impl Fn(Range<usize>) + Sync,
) {
    if parallel && worth_splitting(units, unit_bytes) {
        for_chunks(units, chunks(units, unit_bytes), f);
    } else {
        f(0..units);
    }
}

/// Bytes one of `units` tiles touches: the plan's elements spread over the tiles.
pub(super) fn tile_bytes<const N: usize>(
    plan: &Plan<N>,
    units: usize,
    per_element: usize,
) -> usize {
    plan.count() / units.max(1) * per_element
}

/// Runs `run(offsets, len)` over every run of `plan`, tiled when the plan asks for it, split by
/// [`schedule`].
pub(crate) fn walk<const N: usize>(
    plan: &Plan<N>,
    itemsizes: [usize; N],
    parallel: bool,
    run: impl Fn([isize; N], usize) + Sync,
) {
    let per_element: usize = itemsizes.iter().sum();
    match plan.tiles(itemsizes) {
        Some(t) => {
            let units = plan.tile_units(t);
            schedule(units, tile_bytes(plan, units, per_element), parallel, |r| {
                plan.for_each_tiled_run(t, r, inlined2(&run))
            });
        }
        None => schedule(plan.count(), per_element, parallel, |r| {
            plan.for_each_run(r, inlined2(&run))
        }),
    }
}

/// Runs `tile(offsets, q_len, p_len)` over every tile of `t` (bodies that work a whole tile at
/// once, as the SIMD transposes do), split by [`schedule`].
pub(crate) fn walk_tiles<const N: usize>(
    plan: &Plan<N>,
    t: Tiles,
    itemsizes: [usize; N],
    parallel: bool,
    tile: impl Fn([isize; N], usize, usize) + Sync,
) {
    let units = plan.tile_units(t);
    let per_unit = tile_bytes(plan, units, itemsizes.iter().sum());
    schedule(units, per_unit, parallel, |r| {
        plan.for_each_tile(t, r, inlined3(&tile))
    });
}

/// Splits `0..work` into `n` nearly equal ranges and runs `f` on each in parallel.
///
/// `f` is called once per chunk (at least 256 KiB of work), so it goes through a `dyn`
/// reference: rayon's job machinery is then compiled once, not once per kernel body (it was
/// a third of the crate's LLVM IR).
pub(super) fn for_chunks(work: usize, n: usize, f: impl Fn(Range<usize>) + Sync) {
    for_chunks_dyn(work, n, &f)
}

fn for_chunks_dyn(work: usize, n: usize, f: &(dyn Fn(Range<usize>) + Sync)) {
    use rayon::prelude::*;
    let n = n.clamp(1, work.max(1));
    (0..n).into_par_iter().for_each(|c| {
        let (a, b) = (work * c / n, work * (c + 1) / n);
        if a < b {
            f(a..b);
        }
    });
}

/// `f` as an `FnMut` that is inlined where it is called. Passing `&f` instead goes through
/// the standard library's `FnMut for &F` forwarding, which the optimiser may leave as a call
/// per run, and then the kernel body is not inlined into the walk's loop either.
#[inline(always)]
pub(super) fn inlined2<A, B, F: Fn(A, B) + ?Sized>(f: &F) -> impl FnMut(A, B) + '_ {
    #[inline(always)]
    move |a, b| f(a, b)
}

/// [`inlined2`] for three arguments.
#[inline(always)]
fn inlined3<A, B, C, F: Fn(A, B, C) + ?Sized>(f: &F) -> impl FnMut(A, B, C) + '_ {
    #[inline(always)]
    move |a, b, c| f(a, b, c)
}
