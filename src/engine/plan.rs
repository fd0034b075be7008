//! The walk plan: the simplest loop nest that visits every element of 1 to 5 operands.

use crate::layout::{Dims, Strides};
use smallvec::SmallVec;
use std::ops::Range;

/// A loop nest over `N` operands that share one shape.
///
/// Made from the operands' shape, byte strides and element-0 offsets, it drops axes of
/// length 1, reverses axes that every operand walks backwards, orders the axes by operand 0's
/// strides (largest outermost, so operand 0 is walked as close to memory order as it allows)
/// and merges neighbouring axes whose strides chain for every operand. What is left is walked
/// as runs along the innermost axis.
///
/// Operand 0 decides the order, so an operation whose result depends on order (a copy into a
/// C-ordered buffer, a list built in index order) puts that buffer or index first.
#[derive(Clone, Debug)]
pub(crate) struct Plan<const N: usize> {
    /// Remaining axes, outermost first. Empty for a single element.
    pub(super) dims: Dims,
    /// Per operand, the byte stride of each remaining axis.
    pub(super) strides: [Strides; N],
    /// Per operand, the byte offset of the first element visited.
    pub(super) offsets: [isize; N],
    /// Total number of elements.
    pub(super) count: usize,
}

impl<const N: usize> Plan<N> {
    /// Plans a walk over `shape` for operands with the given strides and offsets.
    ///
    /// Every operand must have `shape.len()` strides, and the offsets and strides must keep
    /// every visited element inside that operand's buffer (the views' validated geometry).
    pub fn new(shape: &[usize], strides: [&[isize]; N], offsets: [isize; N]) -> Plan<N> {
        Plan::with_order(shape, strides, offsets, true)
    }

    /// [`Plan::new`]; with `flip` false, an axis whose strides are all negative is walked
    /// in index order rather than memory order (for reductions whose result depends on the
    /// order, as NumPy's reductions keep it).
    pub fn with_order(
        shape: &[usize],
        strides: [&[isize]; N],
        offsets: [isize; N],
        flip: bool,
    ) -> Plan<N> {
        debug_assert!(strides.iter().all(|s| s.len() == shape.len()));
        let count = shape.iter().product();
        let mut offsets = offsets;
        let mut axes: SmallVec<[(usize, [isize; N]); 6]> = SmallVec::new();
        if count > 0 {
            for (k, &d) in shape.iter().enumerate() {
                if d == 1 {
                    continue;
                }
                let mut s: [isize; N] = std::array::from_fn(|op| strides[op][k]);
                if flip && s.iter().all(|&x| x < 0) {
                    for op in 0..N {
                        offsets[op] += s[op] * (d as isize - 1);
                        s[op] = -s[op];
                    }
                }
                axes.push((d, s));
            }
        }
        // Largest stride of operand 0 outermost; ties broken by the next operands.
        axes.sort_by(|a, b| {
            let key = |x: &[isize; N]| x.map(|s| s.unsigned_abs());
            key(&b.1).cmp(&key(&a.1))
        });
        let mut dims = Dims::new();
        let mut out: [Strides; N] = std::array::from_fn(|_| Strides::new());
        for (d, s) in axes {
            let chains = match dims.last() {
                Some(_) => (0..N).all(|op| out[op].last() == Some(&(s[op] * d as isize))),
                None => false,
            };
            if chains {
                *dims.last_mut().expect("checked") *= d;
                for op in 0..N {
                    *out[op].last_mut().expect("checked") = s[op];
                }
            } else {
                dims.push(d);
                for op in 0..N {
                    out[op].push(s[op]);
                }
            }
        }
        Plan {
            dims,
            strides: out,
            offsets,
            count,
        }
    }

    /// Total number of elements.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Length of the innermost axis (1 for a single element).
    pub fn inner_len(&self) -> usize {
        self.dims.last().copied().unwrap_or(1)
    }

    /// Each operand's byte stride along the innermost axis.
    pub fn inner_strides(&self) -> [isize; N] {
        std::array::from_fn(|op| self.strides[op].last().copied().unwrap_or(0))
    }

    /// The odometer over the outer axes at row `row`, and the offsets of the row's first
    /// element (not generic over the body, so compiled once per operand count).
    #[inline(never)]
    fn row_start(&self, mut row: usize) -> (SmallVec<[usize; 6]>, [isize; N]) {
        let outer = self.dims.len().saturating_sub(1);
        let mut idx: SmallVec<[usize; 6]> = smallvec::smallvec![0; outer];
        let mut offs = self.offsets;
        for k in (0..outer).rev() {
            idx[k] = row % self.dims[k];
            row /= self.dims[k];
            for (op, o) in offs.iter_mut().enumerate() {
                *o += idx[k] as isize * self.strides[op][k];
            }
        }
        (idx, offs)
    }

    /// Calls `f(offsets, len)` for each run of consecutive elements along the innermost axis
    /// that together cover elements `range` of the walk (in walk order); `offsets` are the
    /// operands' byte offsets of the run's first element, and the run continues with
    /// [`Plan::inner_strides`].
    pub fn for_each_run(&self, range: Range<usize>, mut f: impl FnMut([isize; N], usize)) {
        let end = range.end.min(self.count);
        let mut pos = range.start;
        if pos >= end {
            return;
        }
        let inner = self.inner_len();
        let inner_s = self.inner_strides();
        let outer = self.dims.len().saturating_sub(1);
        let (mut idx, mut offs) = self.row_start(pos / inner);
        let mut col = pos % inner;
        loop {
            let len = (inner - col).min(end - pos);
            f(shifted(offs, col as isize, inner_s), len);
            pos += len;
            if pos >= end {
                return;
            }
            col = 0;
            // Next row: advance the odometer.
            for k in (0..outer).rev() {
                idx[k] += 1;
                for (op, o) in offs.iter_mut().enumerate() {
                    *o += self.strides[op][k];
                }
                if idx[k] < self.dims[k] {
                    break;
                }
                for (op, o) in offs.iter_mut().enumerate() {
                    *o -= self.strides[op][k] * self.dims[k] as isize;
                }
                idx[k] = 0;
            }
        }
    }
}

/// `offs[k] + by * strides[k]` for each operand: where a walk moves `by` steps along an axis.
///
/// A plain function, not an `array::from_fn` closure inside the walks: those are compiled
/// again for every kernel body.
#[inline(always)]
pub(crate) fn shifted<const N: usize>(
    offs: [isize; N],
    by: isize,
    strides: [isize; N],
) -> [isize; N] {
    let mut out = offs;
    for (o, s) in out.iter_mut().zip(strides) {
        *o += by * s;
    }
    out
}
