//! Splitting a walk for rayon: by size, never for small work, in chunks large enough to pay
//! for the scheduling.

use super::Plan;

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

/// Runs `run(offsets, len)` over every run of `plan`, tiled when the plan asks for it and split
/// across rayon's current pool when `parallel` is set and the work is large enough.
pub(crate) fn walk<const N: usize>(
    plan: &Plan<N>,
    itemsizes: [usize; N],
    parallel: bool,
    run: impl Fn([isize; N], usize) + Sync,
) {
    let per_element: usize = itemsizes.iter().sum();
    let split = parallel && worth_splitting(plan.count(), per_element);
    match plan.tiles(itemsizes) {
        Some(t) => {
            let units = plan.tile_units(t);
            if split {
                let per_unit = plan.count() / units.max(1) * per_element;
                for_chunks(units, chunks(units, per_unit), |r| {
                    plan.for_each_tiled_run(t, r, &run)
                });
            } else {
                plan.for_each_tiled_run(t, 0..units, &run);
            }
        }
        None => {
            let count = plan.count();
            if split {
                for_chunks(count, chunks(count, per_element), |r| {
                    plan.for_each_run(r, &run)
                });
            } else {
                plan.for_each_run(0..count, &run);
            }
        }
    }
}

/// Splits `0..work` into `n` nearly equal ranges and runs `f` on each in parallel.
pub(crate) fn for_chunks(work: usize, n: usize, f: impl Fn(std::ops::Range<usize>) + Sync) {
    use rayon::prelude::*;
    let n = n.clamp(1, work.max(1));
    (0..n).into_par_iter().for_each(|c| {
        let (a, b) = (work * c / n, work * (c + 1) / n);
        if a < b {
            f(a..b);
        }
    });
}
