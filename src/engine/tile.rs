//! Cache-blocked walking when operands disagree on their fastest axis (a transposed copy).
//!
//! Walked row by row, a transposed operand touches a new cache line (and often a new page) for
//! every element, and has left it by the time the next row needs the neighbouring bytes. Walked
//! in tiles of `TQ x TP` elements, the lines it touches in one tile stay in L1 for the whole
//! tile.

use super::plan::shifted;
use super::Plan;
use std::ops::Range;

/// Elements per tile along the axis operand 0 walks fastest.
const TP: usize = 64;
/// Bytes per tile row of operand 0 (at least `TP` elements): narrow elements take longer rows.
const TP_BYTES: usize = 256;
/// Bytes per tile row of the transposed operand: enough rows that each cache line it loads is
/// used up before the tile ends.
const TQ_BYTES: usize = 256;

/// Two axes of a plan to walk in tiles: `p` is the innermost (operand 0's fastest), `q` the one
/// another operand walks fastest.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tiles {
    pub q: usize,
    pub tp: usize,
    pub tq: usize,
}

impl<const N: usize> Plan<N> {
    /// The tiling this plan should use, if some operand walks another axis much faster than the
    /// innermost one. `itemsizes` are the operands' element sizes.
    pub fn tiles(&self, itemsizes: [usize; N]) -> Option<Tiles> {
        let nd = self.dims.len();
        if nd < 2 || self.dims[nd - 1] < 8 {
            return None;
        }
        let p = nd - 1;
        for (op, &size) in itemsizes.iter().enumerate().skip(1) {
            let stride_p = self.strides[op][p].unsigned_abs();
            if stride_p <= 2 * size {
                continue; // already walks the innermost axis near memory order
            }
            // The axis this operand walks fastest.
            let q = (0..p)
                .filter(|&k| self.strides[op][k] != 0 && self.dims[k] > 1)
                .min_by_key(|&k| self.strides[op][k].unsigned_abs())?;
            if self.strides[op][q].unsigned_abs() >= stride_p {
                continue;
            }
            // No longer than the axes: the same tiles, and a small array's staging scratch
            // (zeroed on every call) only as large as the array.
            let tq = (TQ_BYTES / size.max(1)).clamp(16, 128).min(self.dims[q]);
            let tp = (TP_BYTES / itemsizes[0].max(1))
                .clamp(TP, 4 * TP)
                .min(self.dims[p]);
            return Some(Tiles { q, tp, tq });
        }
        None
    }

    /// Number of independent units of a tiled walk: one per band of `tq` positions along `q`
    /// for every position of the other outer axes.
    pub fn tile_units(&self, t: Tiles) -> usize {
        let bands = self.dims[t.q].div_ceil(t.tq);
        let others: usize = (0..self.dims.len() - 1)
            .filter(|&k| k != t.q)
            .map(|k| self.dims[k])
            .product();
        bands * others
    }

    /// Calls `f(offsets, q_len, p_len)` for every tile of the units in `units`, where
    /// `offsets` are each operand's byte offset of the tile's first element; the tile spans
    /// `q_len` positions along axis `t.q` and `p_len` along the innermost axis (use
    /// [`Plan::axis_strides`] for both axes' strides).
    pub fn for_each_tile(
        &self,
        t: Tiles,
        units: Range<usize>,
        mut f: impl FnMut([isize; N], usize, usize),
    ) {
        let p = self.dims.len() - 1;
        let (dp, dq) = (self.dims[p], self.dims[t.q]);
        let bands = dq.div_ceil(t.tq);
        let others = other_axes(p, t.q);
        let sp = self.axis_strides(p);
        for unit in units {
            let (offs, q_len) = self.band_start(t, unit, bands, &others);
            let mut p0 = 0;
            while p0 < dp {
                let p_len = t.tp.min(dp - p0);
                f(shifted(offs, p0 as isize, sp), q_len, p_len);
                p0 += p_len;
            }
        }
    }

    /// The offsets where tile unit `unit` starts and its band's length along `t.q` (not
    /// generic over the body, so compiled once per operand count; called once per band).
    #[inline(never)]
    fn band_start(
        &self,
        t: Tiles,
        unit: usize,
        bands: usize,
        others: &[usize],
    ) -> ([isize; N], usize) {
        // Unravel: the band is the fastest-varying part of the unit index.
        let band = unit % bands;
        let mut rest = unit / bands;
        let mut offs = self.offsets;
        for &k in others.iter().rev() {
            let i = rest % self.dims[k];
            rest /= self.dims[k];
            offs = shifted(offs, i as isize, self.axis_strides(k));
        }
        let q0 = band * t.tq;
        let q_len = t.tq.min(self.dims[t.q] - q0);
        (shifted(offs, q0 as isize, self.axis_strides(t.q)), q_len)
    }

    /// Each operand's stride along `axis`.
    pub fn axis_strides(&self, axis: usize) -> [isize; N] {
        std::array::from_fn(|op| self.strides[op][axis])
    }

    /// Turns the tiles of `units` into runs along the innermost axis, for kernels that work
    /// run by run.
    pub fn for_each_tiled_run(
        &self,
        t: Tiles,
        units: Range<usize>,
        mut f: impl FnMut([isize; N], usize),
    ) {
        let sq = self.axis_strides(t.q);
        self.for_each_tile(t, units, |offs, q_len, p_len| {
            for j in 0..q_len as isize {
                f(shifted(offs, j, sq), p_len);
            }
        });
    }
}

/// The axes before `p` other than `q`: those a tile unit unravels (a plain function, so that
/// it is compiled once rather than in every kernel's tile walk).
#[inline(never)]
fn other_axes(p: usize, q: usize) -> smallvec::SmallVec<[usize; 6]> {
    (0..p).filter(|&k| k != q).collect()
}
