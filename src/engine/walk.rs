//! Walks that kernels drive part by part: fixed blocks for deterministic reductions, lanes
//! along one axis, and reductions into an output that lacks the reduced axis.
//!
//! The engine still forms every run and decides every split; a kernel body only sees the
//! [`Run`]s of the part it was handed. Parts are disjoint ranges of one walk, so a walk that
//! writes its operand 0 (an output whose distinct elements are distinct bytes) is written by
//! each part in its own elements.

use super::par::{chunks, for_chunks};
use super::run::{plan_in, plan_of, run_ptrs, runs_of, Run, Typed};
use super::{schedule, worth_splitting, Plan, RunPtr};
use std::ops::Range;

/// Elements per block of a whole-view reduction (small under Miri, so that its small tests
/// reduce several blocks in parallel).
pub(crate) const BLOCK: usize = if cfg!(miri) { 64 } else { 8192 };

/// A planned walk over `N` typed operands. Operand 0 decides the order (an index operand
/// first walks in its order); at most one operand, an output, is written.
pub(crate) struct Walk<const N: usize> {
    plan: Plan<N>,
    ops: [Typed; N],
    inner: [isize; N],
    /// Per operand: the length and stride of the lane each position stands for (`(1, 0)`:
    /// the element itself).
    lanes: [(usize, isize); N],
    /// The operand written, if any.
    write: Option<usize>,
}

impl<const N: usize> Walk<N> {
    /// A read-only walk of `ops` over `shape`.
    pub fn read(shape: &[usize], ops: [Typed; N]) -> Walk<N> {
        Walk::make(shape, ops, [(1, 0); N], None, true)
    }

    /// A read-only walk that keeps index order along axes of negative stride (memory order
    /// otherwise), as NumPy's reductions walk: for sums whose last bits depend on the order.
    pub fn read_in_index_order(shape: &[usize], ops: [Typed; N]) -> Walk<N> {
        Walk::make(shape, ops, [(1, 0); N], None, false)
    }

    /// A walk that writes operand 0 (an output made by `output`: no two positions share an
    /// element) while reading the others, over `shape`.
    pub fn write(shape: &[usize], ops: [Typed; N]) -> Walk<N> {
        Walk::make(shape, ops, [(1, 0); N], Some(0), true)
    }

    /// A walk that writes operand `k` (an output) while operand 0 leads the order.
    pub fn write_operand(shape: &[usize], ops: [Typed; N], k: usize) -> Walk<N> {
        Walk::make(shape, ops, [(1, 0); N], Some(k), true)
    }

    /// A walk over the positions of `shape` without axis `ax`: each step is one lane along
    /// `ax` per operand (operands in `along` span the axis; the others, like an output with
    /// the axis removed, are one element per lane). Operand 0 is written. `shape` is the
    /// full shape; operands spanning the axis have a stride for it, the others do not.
    pub fn lanes(shape: &[usize], ax: usize, ops: [Typed; N], along: [bool; N]) -> Walk<N> {
        let d = shape[ax];
        let mut outer: smallvec::SmallVec<[usize; 6]> = shape.into();
        outer.remove(ax);
        let mut lanes = [(1, 0); N];
        let ops = std::array::from_fn(|k| {
            if along[k] {
                let (op, s) = ops[k].without_axis(ax);
                lanes[k] = (d, s);
                op
            } else {
                ops[k].clone()
            }
        });
        Walk::make(&outer, ops, lanes, Some(0), true)
    }

    fn make(
        shape: &[usize],
        ops: [Typed; N],
        lanes: [(usize, isize); N],
        write: Option<usize>,
        flip: bool,
    ) -> Self {
        let plan = plan_in(shape, &std::array::from_fn(|k| &ops[k]), flip);
        let inner = plan.inner_strides();
        Walk {
            plan,
            ops,
            inner,
            lanes,
            write,
        }
    }

    /// Whether operand `k`'s runs are written: operand 0 of a writing walk, when it is an
    /// output.
    fn writes(&self, k: usize) -> bool {
        self.write == Some(k) && self.ops[k].writable()
    }

    /// The whole of a read-only walk as one part (sequential folds).
    pub fn whole(&self) -> Part<'_, N> {
        self.part(0..self.count())
    }

    /// Positions `range` of a read-only walk as one part.
    pub fn part(&self, range: Range<usize>) -> Part<'_, N> {
        assert!(
            self.write.is_none(),
            "a writing walk is split by the engine only"
        );
        let n = self.count();
        Part {
            walk: self,
            range: range.start.min(n)..range.end.min(n),
        }
    }

    /// Positions `range` of a writing walk as one part, on the calling thread (the borrow
    /// keeps it the only part while it lives).
    pub fn part_mut(&mut self, range: Range<usize>) -> Part<'_, N> {
        let n = self.count();
        Part {
            walk: self,
            range: range.start.min(n)..range.end.min(n),
        }
    }

    /// The number of positions.
    pub fn count(&self) -> usize {
        self.plan.count()
    }

    /// The runs of positions `range`, one call of `body` per run of the plan.
    fn runs(&self, range: Range<usize>, body: &mut impl FnMut([Run<'_>; N])) {
        self.plan.for_each_run(range, |offs, len| {
            // SAFETY: a run of this walk's plan.
            body(unsafe { self.runs_at(offs, len) })
        });
    }

    /// The runs of one step of the plan. (Here rather than in the walks' closures, so that
    /// it is compiled once per operand count, not once per kernel body.)
    ///
    /// # Safety
    /// `offs` and `len` are a run of `self.plan`, within one part of the walk.
    #[inline(always)]
    unsafe fn runs_at(&self, offs: [isize; N], len: usize) -> [Run<'_>; N] {
        let ops: [&Typed; N] = std::array::from_fn(|k| &self.ops[k]);
        let written = self.write.filter(|&k| self.writes(k));
        // SAFETY: the plan yields element offsets of the operands' validated layouts (a
        // C-index operand forms no pointer). The run's `len` elements are elements of each
        // operand's layout holding its type; only operand 0 of a writing walk is written, and
        // the parts of one walk are disjoint ranges of positions, hence of its elements; the
        // inputs are apart from it (fresh outputs, or detached by the kernel).
        let runs = unsafe { runs_of(&ops, run_ptrs(&ops, self.inner, offs), len, written, true) };
        // Each run also carries its plan offset (an index operand's flat C index).
        let mut offs = offs.into_iter();
        runs.map(|r| r.at(offs.next().expect("one offset per operand")))
    }

    /// The lanes of positions `range`, one call of `body` per position.
    fn lane_steps(&self, range: Range<usize>, body: &mut impl FnMut([Run<'_>; N])) {
        self.plan.for_each_run(range, |offs, len| {
            for i in 0..len as isize {
                // SAFETY: position `i < len` of a run of this walk's plan.
                body(unsafe { self.lanes_at(offs, i) });
            }
        });
    }

    /// The lanes of position `i` of the run at `offs` (compiled once per operand count).
    ///
    /// # Safety
    /// `offs` is a run of `self.plan` (within one part of the walk) and `i` a position in it.
    #[inline(always)]
    unsafe fn lanes_at(&self, offs: [isize; N], i: isize) -> [Run<'_>; N] {
        std::array::from_fn(|k| {
            let off = offs[k] + i * self.inner[k];
            let (d, s) = self.lanes[k];
            let ptr = RunPtr {
                // An empty lane (never read) forms no pointer into the buffer.
                ptr: if d == 0 {
                    std::ptr::NonNull::dangling().as_ptr()
                } else {
                    // SAFETY: `off` is the offset of element 0 of a lane of operand k
                    // (its offset plus kept indices times their strides).
                    unsafe { self.ops[k].at(off) }
                },
                stride: s,
            };
            // SAFETY: element j < d of the lane is `off + j * s`, an element of the
            // validated layout; each position's lanes belong to one part only.
            unsafe { Run::new(ptr, d, self.ops[k].holds(), self.writes(k), true) }.at(off)
        })
    }

    /// Cuts the walk into [`BLOCK`] positions and runs `block` on each (in parallel when
    /// asked and worth it), returning the results in block order: the blocks do not depend
    /// on the number of threads, so neither does a result combined from them.
    pub fn blocks<R: Send>(
        &self,
        parallel: bool,
        block: impl Fn(Part<'_, N>) -> R + Sync,
    ) -> crate::Result<Vec<R>> {
        let count = self.count();
        self.blocks_at(
            count.div_ceil(BLOCK),
            parallel,
            |b| b * BLOCK..((b + 1) * BLOCK).min(count),
            block,
        )
    }

    /// Cuts the walk as NumPy's pairwise summation cuts its input ([`pairwise_leaves`]: the
    /// two halves, cut at a multiple of 8, until at most [`BLOCK`] positions (and never fewer
    /// than 128) are left) and
    /// runs `block` on each leaf, returning the results in order, for [`combine_pairwise`].
    /// Summing each leaf pairwise and combining the leaves so gives NumPy's pairwise sum of
    /// the whole walk, bit for bit, whatever the number of threads.
    pub fn pairwise_blocks<R: Send>(
        &self,
        parallel: bool,
        block: impl Fn(Part<'_, N>) -> R + Sync,
    ) -> crate::Result<Vec<R>> {
        let n = self.count();
        if n <= PAIRWISE_BLOCK {
            // One leaf (or none): no list of leaves, no schedule.
            let mut out = crate::error::try_vec(usize::from(n > 0), "reduction blocks")?;
            if n > 0 {
                out.push(block(Part {
                    walk: self,
                    range: 0..n,
                }));
            }
            return Ok(out);
        }
        let leaves = pairwise_leaves(n)?;
        self.blocks_at(leaves.len(), parallel, |b| leaves[b].clone(), block)
    }

    /// Runs `block` on the parts `range_of(b)` for `b < nblocks`, in parallel when asked and
    /// worth it, and returns the results in order.
    fn blocks_at<R: Send>(
        &self,
        nblocks: usize,
        parallel: bool,
        range_of: impl Fn(usize) -> Range<usize> + Sync,
        block: impl Fn(Part<'_, N>) -> R + Sync,
    ) -> crate::Result<Vec<R>> {
        let elem_bytes = self.elem_bytes();
        let one = |b: usize| {
            block(Part {
                walk: self,
                range: range_of(b),
            })
        };
        // One partial result per block: a huge broadcast view has more blocks than memory
        // holds.
        let mut out: Vec<Option<R>> = crate::error::try_vec(nblocks, "reduction blocks")?;
        out.resize_with(nblocks, || None);
        let slots = std::sync::Mutex::new(&mut out);
        schedule(nblocks, BLOCK * elem_bytes, parallel, |r| {
            for b in r {
                let v = one(b);
                slots.lock().expect("no panics while holding the lock")[b] = Some(v);
            }
        });
        Ok(out
            .into_iter()
            .map(|r| r.expect("every block ran"))
            .collect())
    }

    /// Runs `part` over the whole walk, or over disjoint chunks of it across rayon's pool
    /// when asked and worth it (`work_bytes`: the bytes the whole walk touches).
    pub fn chunks(&self, parallel: bool, work_bytes: usize, part: impl Fn(Part<'_, N>) + Sync) {
        let count = self.count();
        schedule(count, work_bytes / count.max(1), parallel, |range| {
            part(Part { walk: self, range })
        });
    }

    /// Bytes one position touches, over all operands and their lanes.
    fn elem_bytes(&self) -> usize {
        (0..N)
            .map(|k| self.ops[k].holds().size() * self.lanes[k].0)
            .sum()
    }
}

/// One part of a [`Walk`]: a range of its positions that the engine handed to one body.
pub(crate) struct Part<'w, const N: usize> {
    walk: &'w Walk<N>,
    range: Range<usize>,
}

impl<const N: usize> Part<'_, N> {
    /// The positions of the walk this part covers.
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// Calls `body` with the runs of this part, in walk order.
    pub fn for_each_run(&self, mut body: impl FnMut([Run<'_>; N])) {
        self.walk.runs(self.range.clone(), &mut body)
    }

    /// Calls `body` with each position's lanes (a walk made by [`Walk::lanes`]).
    pub fn for_each_lane(&self, mut body: impl FnMut([Run<'_>; N])) {
        self.walk.lane_steps(self.range.clone(), &mut body)
    }
}

/// Where NumPy's pairwise summation of `n` elements cuts them in two: half, rounded down to
/// a multiple of its 8-way unrolling (`n2 = n / 2; n2 -= n2 % 8`).
#[inline]
pub(crate) fn pairwise_cut(n: usize) -> usize {
    let half = n / 2;
    half - half % 8
}

/// Where the pairwise blocks stop cutting: [`BLOCK`] positions, but never below NumPy's
/// own leaf of 128 (under Miri `BLOCK` is 64, and a cut inside a leaf would change the sum).
const PAIRWISE_BLOCK: usize = if BLOCK > 128 { BLOCK } else { 128 };

/// The leaves of NumPy's pairwise recursion over `n` positions, stopped at
/// [`PAIRWISE_BLOCK`] positions (each between `PAIRWISE_BLOCK / 2 - 8` and `PAIRWISE_BLOCK`
/// long), in order.
pub(crate) fn pairwise_leaves(n: usize) -> crate::Result<Vec<Range<usize>>> {
    fn cut(range: Range<usize>, out: &mut Vec<Range<usize>>) {
        let n = range.len();
        if n <= PAIRWISE_BLOCK {
            out.push(range);
            return;
        }
        let mid = range.start + pairwise_cut(n);
        cut(range.start..mid, out);
        cut(mid..range.end, out);
    }
    // Every leaf of a cut range holds more than PAIRWISE_BLOCK / 2 - 8 positions.
    let bound = n / (PAIRWISE_BLOCK / 2 - 8) + 1;
    let mut out = crate::error::try_vec(bound, "reduction blocks")?;
    if n > 0 {
        cut(0..n, &mut out);
    }
    Ok(out)
}

/// Combines the leaf results of [`Walk::pairwise_blocks`] over `n` positions as NumPy's
/// pairwise recursion combines its halves. `None` when there are none.
pub(crate) fn combine_pairwise<R>(
    n: usize,
    leaves: impl IntoIterator<Item = R>,
    add: impl Fn(R, R) -> R,
) -> Option<R> {
    fn go<R>(n: usize, it: &mut impl Iterator<Item = R>, add: &impl Fn(R, R) -> R) -> Option<R> {
        if n <= PAIRWISE_BLOCK {
            return it.next();
        }
        let left = go(pairwise_cut(n), it, add)?;
        let right = go(n - pairwise_cut(n), it, add)?;
        Some(add(left, right))
    }
    if n == 0 {
        return None;
    }
    go(n, &mut leaves.into_iter(), &add)
}

/// Reduces `a` (over its own shape) into `out` (that shape without axis `ax`): `body` gets
/// one run of the input and the matching run of the output, whose elements repeat along the
/// reduced axis (stride 0 there), and accumulates into it. The walk follows the input's
/// memory order; in parallel it splits the output's outermost kept axis, so no two threads
/// share an output element (one wide band per thread when that axis is the innermost).
pub(crate) fn reduce_into(
    out: &Typed,
    a: &Typed,
    shape: &[usize],
    ax: usize,
    parallel: bool,
    work_bytes: usize,
    body: impl Fn([Run<'_>; 2]) + Sync,
) {
    let o = out.with_zero_axis(ax);
    let run_all = |shape: &[usize], a: &Typed, o: &Typed| accumulate(shape, a, o, &body);
    let kept = (0..shape.len()).find(|&k| k != ax);
    match kept {
        Some(k) if parallel && worth_splitting(work_bytes, 1) => {
            let dk = shape[k];
            let mut pieces = chunks(dk, work_bytes / dk.max(1));
            if k + 1 == shape.len() {
                // Splitting the last axis shortens every run (rows of an axis-0 sum become
                // narrow column bands, walked with a stride of a whole row): one wide band
                // per thread streams best, and a band narrower than MIN_BAND_BYTES per row
                // is slower than one thread walking whole rows (measured on 1M x 4 and
                // 16384 x 64 f32 sums: half the one-thread speed), so narrow rows stay whole.
                let row_bytes = dk.saturating_mul(a.holds().size());
                pieces = pieces
                    .min(rayon::current_num_threads())
                    .min(row_bytes / MIN_BAND_BYTES)
                    .max(1);
            }
            for_chunks(dk, pieces, |r| {
                let mut sh = shape.to_vec();
                sh[k] = r.len();
                run_all(&sh, &a.starting_at(k, r.start), &o.starting_at(k, r.start));
            });
        }
        _ => run_all(shape, a, &o),
    }
}

/// The narrowest band of a row that [`reduce_into`] hands to one thread.
const MIN_BAND_BYTES: usize = 4096;

/// A body over the runs of an input and an output, called through a reference.
type RunBody<'b> = dyn Fn([Run<'_>; 2]) + Sync + 'b;

/// Walks `a` over `shape` in its memory order, handing `body` each run of the input and the
/// matching run of the output `o` (operand 1), which it accumulates into.
fn accumulate(shape: &[usize], a: &Typed, o: &Typed, body: &(impl Fn([Run<'_>; 2]) + Sync)) {
    let plan = plan_of(shape, &[a, o]);
    let inner = plan.inner_strides();
    plan.for_each_run(0..plan.count(), |offs, len| {
        let ops = [a, o];
        // SAFETY: the plan was made over `ops`.
        let ptrs = unsafe { run_ptrs(&ops, inner, offs) };
        let written = if o.writable() { Some(1) } else { None };
        // SAFETY: operand 1, a fresh output (or one block's slot), is written; this walk
        // alone touches its elements (the callers split only into disjoint bands or slots,
        // and fold slots in on one thread); the input is apart from it.
        body(unsafe { runs_of(&ops, ptrs, len, written, true) })
    });
}

/// Bytes of the input in one block of [`reduce_blocks`].
fn block_bytes(a: &Typed, shape: &[usize], ax: usize, block: usize) -> usize {
    let row = shape
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != ax)
        .fold(a.holds().size(), |n, (_, &len)| n.saturating_mul(len));
    row.saturating_mul(block)
}

/// Whether [`reduce_blocks`] spreads the blocks over rayon's pool.
fn block_split(a: &Typed, shape: &[usize], ax: usize, block: usize, parallel: bool) -> bool {
    let blocks = shape[ax].div_ceil(block.max(1));
    parallel && blocks > 1 && worth_splitting(blocks, block_bytes(a, shape, ax, block))
}

/// How many slots the scratch of [`reduce_blocks`] needs: one per block after the first when
/// the blocks are spread over threads, one (reused) when they run on one thread.
pub(crate) fn block_slots(
    a: &Typed,
    shape: &[usize],
    ax: usize,
    block: usize,
    parallel: bool,
) -> usize {
    let blocks = shape[ax].div_ceil(block.max(1));
    if blocks < 2 {
        0
    } else if block_split(a, shape, ax, block, parallel) {
        blocks - 1
    } else {
        1
    }
}

/// Reduces `a` (over its own `shape`) along `ax` in fixed blocks of `block` indices, so that
/// the split does not depend on the thread count: block 0 into `out` (that shape without
/// `ax`), the others into slots of `scratch` (shape `[block_slots(..)]` followed by `out`'s;
/// both fresh outputs). Each block sets its slot from its first index with `first`
/// (`[input run, slot run]`) and adds the rest in order with `body` (the same runs); then
/// `combine` (`[slot run, out run]`) folds blocks 1, 2, ... into `out` in order. The engine
/// schedules the blocks, each a contiguous stretch of a C-contiguous input, block `j` into
/// slot `j - 1`; when it runs them on one thread, every block reuses slot 0 and is folded in
/// as soon as it is done (the same operations in the same order, one slot instead of all).
///
/// # Panics
/// When an operand does not cover the shape it is walked over (a scratch with too few slots):
/// the engine checks rather than trusts the caller's sizes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reduce_blocks(
    out: &Typed,
    scratch: &Typed,
    a: &Typed,
    shape: &[usize],
    ax: usize,
    block: usize,
    parallel: bool,
    first: &RunBody<'_>,
    body: impl Fn([Run<'_>; 2]) + Sync,
    combine: impl Fn([Run<'_>; 2]) + Sync,
) {
    let d = shape[ax];
    let blocks = d.div_ceil(block.max(1));
    let mut out_shape = shape.to_vec();
    out_shape.remove(ax);
    let mut scratch_shape = out_shape.clone();
    scratch_shape.insert(0, block_slots(a, shape, ax, block, parallel));
    assert!(
        a.covers(shape) && out.covers(&out_shape) && scratch.covers(&scratch_shape),
        "reduce_blocks: an operand does not cover its shape (scratch needs {scratch_shape:?})"
    );
    let slot = |j: usize| {
        if j == 0 {
            out.clone()
        } else {
            scratch.starting_at(0, j - 1).without_axis(0).0
        }
    };
    let reduce_block = |j: usize, into: &Typed| {
        let (lo, hi) = (j * block, ((j + 1) * block).min(d));
        let o = into.with_zero_axis(ax);
        let mut sh = shape.to_vec();
        sh[ax] = 1;
        accumulate(&sh, &a.starting_at(ax, lo), &o, &first);
        sh[ax] = hi - lo - 1;
        accumulate(&sh, &a.starting_at(ax, lo + 1), &o, &body);
    };
    // The slot read, `out` written: distinct fresh buffers, walked by one thread after the
    // blocks folded in are done.
    let fold_in = |part: &Typed| accumulate(&out_shape, part, out, &combine);
    if !block_split(a, shape, ax, block, parallel) {
        // All on this thread: one slot, each block folded in when done.
        reduce_block(0, out);
        for j in 1..blocks {
            let part = slot(1);
            reduce_block(j, &part);
            fold_in(&part);
        }
        return;
    }
    schedule(
        blocks,
        block_bytes(a, shape, ax, block),
        parallel,
        |range| {
            for j in range {
                reduce_block(j, &slot(j));
            }
        },
    );
    for j in 1..blocks {
        fold_in(&slot(j));
    }
}

#[cfg(test)]
mod tests {
    use super::{block_slots, reduce_blocks, Typed};
    use crate::engine::{Holds, Run};
    use crate::{Array, Element};

    fn operand(a: &mut Array) -> Typed {
        Typed::output(&mut a.view_mut(), Holds::of::<f64>(&f64::format()).unwrap())
    }

    /// A scratch with one slot too few is refused before anything is written (the engine
    /// checks the sizes a kernel computed instead of trusting them); the right size works.
    #[test]
    fn reduce_blocks_checks_its_scratch() {
        let (rows, cols, block) = (10, 3, 2);
        let mut a = Array::zeros("d", &[rows, cols]).unwrap();
        let mut out = Array::zeros("d", &[cols]).unwrap();
        let (ta, to) = (operand(&mut a), operand(&mut out));
        let slots = block_slots(&ta, &[rows, cols], 0, block, true);
        assert!(slots >= 1);
        let noop = |_: [Run<'_>; 2]| {};
        for (n, ok) in [(slots - 1, false), (slots, true)] {
            let mut scratch = Array::zeros("d", &[n, cols]).unwrap();
            let ts = operand(&mut scratch);
            let run = || {
                reduce_blocks(
                    &to,
                    &ts,
                    &ta,
                    &[rows, cols],
                    0,
                    block,
                    true,
                    &noop,
                    noop,
                    noop,
                )
            };
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
            assert_eq!(result.is_ok(), ok, "{n} slots of {slots}");
        }
    }
}
