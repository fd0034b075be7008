//! Cache-blocked walking when operands disagree on their fastest axis (a transposed copy).
//!
//! Walked row by row, a transposed operand touches a new cache line (and often a new page) for
//! every element, and has left it by the time the next row needs the neighbouring bytes. Walked
//! in tiles of about 1 KiB by 1 KiB, each line it touches is used up within the tile (in L1 or
//! L2), and its rows within a tile are long enough for the hardware prefetchers to follow.
//! (Tiles of 256 bytes a side, which fit L1, measured 10 to 30% slower on 4096 x 4096
//! transposes and a 256^3 permutation, on 4 KiB and huge pages alike; on walks that fit in
//! the caches they are about 10% faster, so those keep them.)

use super::plan::shifted;
use super::Plan;
use std::ops::Range;

/// Elements per tile along the axis operand 0 walks fastest.
const TP: usize = 64;
/// Bytes per tile row, of operand 0 (`TP` to `4 TP` elements: narrow elements take longer
/// rows) and of the transposed operand (16 to 1024 elements), for walks whose operands come
/// from memory: enough that each cache line is used up within the tile, and long enough
/// that the hardware prefetchers follow the rows.
const TILE_ROW_BYTES: usize = 1024;
/// The same for walks that touch at most [`IN_CACHE`] bytes (16 to 128 elements along the
/// transposed operand): their lines come from the caches, where tiles that fit L1 do better
/// (larger ones measured about 10% slower on 256 x 256 f32 and 512 x 512 u8 transposed
/// copies).
const CACHED_TILE_ROW_BYTES: usize = 256;
/// Bytes a walk may touch, all operands together, and still count as in cache.
const IN_CACHE: usize = 2 << 20;
/// The fewest units a large tiled walk is cut into, so that a parallel walk has work to share:
/// when the bands of `tq` along `q` (times the positions of the other outer axes) are fewer,
/// each band's innermost axis is cut into pieces of whole tiles as well.
const MIN_UNITS: usize = 64;

/// Two axes of a plan to walk in tiles: `p` is the innermost (operand 0's fastest), `q` the one
/// another operand walks fastest.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tiles {
    pub q: usize,
    pub tp: usize,
    pub tq: usize,
    /// The pieces (of whole tiles) each band's innermost axis is cut into, each a unit.
    pub pieces: usize,
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
            let walk_bytes = self.count.saturating_mul(itemsizes.iter().sum());
            let (row_bytes, max_tq) = if walk_bytes <= IN_CACHE {
                (CACHED_TILE_ROW_BYTES, 128)
            } else {
                (TILE_ROW_BYTES, 1024)
            };
            let tq = (row_bytes / size.max(1))
                .clamp(16, max_tq)
                .min(self.dims[q]);
            let tp = (row_bytes / itemsizes[0].max(1))
                .clamp(TP, 4 * TP)
                .min(self.dims[p]);
            let bands = self.dims[q].div_ceil(tq) * self.others(p, q);
            let pieces = MIN_UNITS
                .div_ceil(bands)
                .min(self.dims[p].div_ceil(tp))
                .max(1);
            return Some(Tiles { q, tp, tq, pieces });
        }
        None
    }

    /// Number of independent units of a tiled walk: one per piece of the innermost axis, per
    /// band of `tq` positions along `q`, per position of the other outer axes.
    pub fn tile_units(&self, t: Tiles) -> usize {
        let bands = self.dims[t.q].div_ceil(t.tq);
        bands * self.others(self.dims.len() - 1, t.q) * t.pieces
    }

    /// The positions of the outer axes other than `q` (those a unit unravels).
    fn others(&self, p: usize, q: usize) -> usize {
        other_axes(p, q).iter().map(|&k| self.dims[k]).product()
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
        // Whole tiles per piece; the piece is the fastest-varying part of the unit index, so
        // a sequential walk visits the tiles in the same order for any number of pieces.
        let per_piece = dp.div_ceil(t.tp).div_ceil(t.pieces) * t.tp;
        for unit in units {
            let (offs, q_len) = self.band_start(t, unit / t.pieces, bands, &others);
            let mut p0 = unit % t.pieces * per_piece;
            let end = dp.min(p0 + per_piece);
            while p0 < end {
                let p_len = t.tp.min(end - p0);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The element offsets a tiled walk visits, tile by tile (C order within each tile).
    fn visits(plan: &Plan<2>, t: Tiles) -> Vec<[isize; 2]> {
        let ([sp, sq], mut seen) = (
            [
                plan.axis_strides(plan.dims.len() - 1),
                plan.axis_strides(t.q),
            ],
            Vec::new(),
        );
        plan.for_each_tile(t, 0..plan.tile_units(t), |offs, q_len, p_len| {
            for j in 0..q_len as isize {
                for i in 0..p_len as isize {
                    seen.push(shifted(shifted(offs, j, sq), i, sp));
                }
            }
        });
        seen
    }

    /// Cutting the bands' innermost axis into pieces (so that a parallel walk has units) only
    /// cuts the walk: every element once, in the same order as whole bands, for any number of
    /// pieces, including more than the axis has tiles. Small tiles (and shapes, under Miri)
    /// give many tiles per band; natively the plan's own tiles too.
    #[test]
    fn pieces_cut_the_bands_without_changing_the_walk() {
        // A transposed copy (2-D) and a permutation (3-D) of 4-byte elements.
        let cases: &[(&[usize], &[isize])] = if cfg!(miri) {
            &[(&[12, 50], &[4, 48]), (&[3, 6, 20], &[4, 240, 12])]
        } else {
            &[(&[70, 300], &[4, 280]), (&[5, 20, 90], &[4, 1800, 20])]
        };
        for &(shape, src) in cases {
            let dst: Vec<isize> = {
                let mut s = vec![4isize; shape.len()];
                for k in (0..shape.len() - 1).rev() {
                    s[k] = s[k + 1] * shape[k + 1] as isize;
                }
                s
            };
            let plan = Plan::new(shape, [&dst, src], [0, 0]);
            let own = plan.tiles([4, 4]).expect("a transposed operand is tiled");
            let small = Tiles {
                tp: 16,
                tq: 8,
                ..own
            };
            let tilings: &[Tiles] = if cfg!(miri) { &[small] } else { &[small, own] };
            for &t in tilings {
                let whole = visits(&plan, Tiles { pieces: 1, ..t });
                let mut sorted = whole.clone();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(sorted.len(), shape.iter().product::<usize>(), "{shape:?}");
                for pieces in [2, 3, 7, 40] {
                    let cut = Tiles { pieces, ..t };
                    assert!(plan.tile_units(cut) >= plan.tile_units(Tiles { pieces: 1, ..t }));
                    assert_eq!(visits(&plan, cut), whole, "{shape:?} in {pieces} pieces");
                }
            }
        }
    }
}
