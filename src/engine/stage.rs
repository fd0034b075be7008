//! Staged tiles: an element-wise kernel whose input is transposed against the output
//! (`a + b.T`) reads that input one element per cache line even when tiled. Copying each
//! tile of it first, through the copy kernel's SIMD transpose, into a contiguous buffer (a
//! tile: up to 256 KiB, in L2) turns the kernel's loop over the tile into a contiguous one,
//! which the compiler vectorises.

use super::copy::copy_tile;
use super::par::{inlined2, schedule, tile_bytes};
use super::tile::Tiles;
use super::Plan;
use crate::raw::RawBytes;
use std::ops::Range;

/// Where one run of one operand starts, and its byte stride.
#[derive(Clone, Copy)]
pub(crate) struct RunPtr {
    /// The run's first element.
    pub ptr: *mut u8,
    /// Bytes from one element of the run to the next.
    pub stride: isize,
}

/// Which inputs of a plan to stage, if any: the plan must be tiled, and an input is staged
/// when its elements are 4 or 8 bytes (the sizes the SIMD transpose handles), adjacent along
/// the tile's `q` axis and far apart along the innermost axis. Operand 0 (the output) is never
/// staged.
pub(crate) fn staging<const N: usize>(
    plan: &Plan<N>,
    itemsizes: [usize; N],
) -> Option<(Tiles, [bool; N])> {
    if !cfg!(target_arch = "x86_64") {
        return None;
    }
    let t = plan.tiles(itemsizes)?;
    let p = plan.dims.len() - 1;
    let stage: [bool; N] = std::array::from_fn(|op| {
        let size = itemsizes[op];
        op > 0
            && (size == 4 || size == 8)
            && plan.strides[op][t.q] == size as isize
            && plan.strides[op][p].unsigned_abs() > 2 * size
    });
    stage.iter().any(|&s| s).then_some((t, stage))
}

/// Scratch space for one staged tile of every staged operand, 8-byte aligned (enough for
/// every element type) so that the kernels can form slices over it.
fn scratch<const N: usize>(t: Tiles, itemsizes: [usize; N], stage: [bool; N]) -> Vec<u64> {
    let per_op = |op: usize| {
        if stage[op] {
            t.tp * t.tq * itemsizes[op]
        } else {
            0
        }
    };
    let bytes: usize = (0..N).map(per_op).sum();
    vec![0u64; bytes.div_ceil(8)]
}

/// Walks the tiles of `units`, staging the operands marked in `stage` into `buf`, and calls
/// `run(ptrs, len)` for every row of each tile.
///
/// # Safety
/// `bytes` are the operands' buffers and the plan's offsets and strides keep every element it
/// visits inside them (validated layouts); the staged operands are only read, and `buf` is at
/// least [`scratch`]'s size.
unsafe fn staged_units<const N: usize>(
    plan: &Plan<N>,
    (t, stage): (Tiles, [bool; N]),
    bytes: [RawBytes; N],
    itemsizes: [usize; N],
    units: Range<usize>,
    buf: &mut [u64],
    run: &mut impl FnMut([RunPtr; N], usize),
) {
    let tiles = StagedTiles::new(plan, (t, stage), bytes, itemsizes, buf);
    plan.for_each_tile(t, units, |offs, q_len, p_len| {
        // SAFETY: `offs`, `q_len` and `p_len` are a tile of the plan (this function's
        // contract covers its elements and `buf`).
        unsafe { tiles.fill(offs, q_len, p_len) };
        for j in 0..q_len {
            // SAFETY: row `j < q_len` of the tile just staged.
            run(unsafe { tiles.row(offs, j, p_len) }, p_len);
        }
    });
}

/// Where [`staged_units`] stages each operand's tile, and how it finds a tile's rows. Its
/// methods are not generic over the body, so they are compiled once per operand count.
struct StagedTiles<const N: usize> {
    base: *mut u8,
    slot: [usize; N],
    stage: [bool; N],
    bytes: [RawBytes; N],
    itemsizes: [usize; N],
    sp: [isize; N],
    sq: [isize; N],
}

impl<const N: usize> StagedTiles<N> {
    /// Lays out one slot per staged operand in `buf`: `tq` rows of `tp` elements.
    fn new(
        plan: &Plan<N>,
        (t, stage): (Tiles, [bool; N]),
        bytes: [RawBytes; N],
        itemsizes: [usize; N],
        buf: &mut [u64],
    ) -> Self {
        let p = plan.dims.len() - 1;
        let base = buf.as_mut_ptr().cast::<u8>();
        let mut slot = [0usize; N];
        let mut at = 0;
        for op in 0..N {
            if stage[op] {
                slot[op] = at;
                at += t.tp * t.tq * itemsizes[op];
            }
        }
        StagedTiles {
            base,
            slot,
            stage,
            bytes,
            itemsizes,
            sp: plan.axis_strides(p),
            sq: plan.axis_strides(t.q),
        }
    }

    /// Copies the staged operands' elements of the tile at `offs` into their slots.
    ///
    /// # Safety
    /// As for [`staged_units`]; `offs`, `q_len` and `p_len` are a tile of its plan.
    #[inline(never)]
    unsafe fn fill(&self, offs: [isize; N], q_len: usize, p_len: usize) {
        for (op, &off) in offs.iter().enumerate() {
            if self.stage[op] {
                let is = self.itemsizes[op];
                // SAFETY: the tile's `q_len x p_len` elements of operand `op` are elements of
                // its validated layout; the destination is `q_len` rows of `p_len` elements
                // inside this operand's slot of `buf` (q_len <= tq, p_len <= tp), which no
                // operand's buffer overlaps.
                unsafe {
                    copy_tile(
                        self.base.add(self.slot[op]),
                        [is as isize, (p_len * is) as isize],
                        self.bytes[op].at(off),
                        [self.sp[op], self.sq[op]],
                        [p_len, q_len],
                        is,
                    )
                }
            }
        }
    }

    /// The runs of row `j` of the tile at `offs`: staged operands from their slot, the others
    /// in place.
    ///
    /// # Safety
    /// As for [`staged_units`]; `offs` is a tile of its plan and `j` one of its rows.
    #[inline(always)]
    unsafe fn row(&self, offs: [isize; N], j: usize, p_len: usize) -> [RunPtr; N] {
        std::array::from_fn(|op| {
            if self.stage[op] {
                RunPtr {
                    // SAFETY: row j of the staged tile is inside the slot (j < q_len).
                    ptr: unsafe {
                        self.base
                            .add(self.slot[op] + j * p_len * self.itemsizes[op])
                    },
                    stride: self.itemsizes[op] as isize,
                }
            } else {
                RunPtr {
                    // SAFETY: the first element of row j of the tile is an element of the
                    // operand's validated layout.
                    ptr: unsafe { self.bytes[op].at(offs[op] + j as isize * self.sq[op]) },
                    stride: self.sp[op],
                }
            }
        })
    }
}

/// Walks a staged plan (see [`staging`]) on the calling thread.
///
/// # Safety
/// As for [`staged_units`]: `bytes` are the buffers of the operands the plan was made for.
pub(crate) unsafe fn walk_staged_seq<const N: usize>(
    plan: &Plan<N>,
    staged: (Tiles, [bool; N]),
    bytes: [RawBytes; N],
    itemsizes: [usize; N],
    mut run: impl FnMut([RunPtr; N], usize),
) {
    let mut buf = scratch(staged.0, itemsizes, staged.1);
    let units = plan.tile_units(staged.0);
    // SAFETY: forwarded; `buf` has the scratch size.
    unsafe { staged_units(plan, staged, bytes, itemsizes, 0..units, &mut buf, &mut run) }
}

/// Walks a staged plan split across rayon's pool when large; each chunk stages into its own
/// scratch buffer.
///
/// # Safety
/// As for [`walk_staged_seq`]; in addition `run` must be safe to call from several threads at
/// once on the runs of disjoint tiles.
pub(crate) unsafe fn walk_staged_par<const N: usize>(
    plan: &Plan<N>,
    staged: (Tiles, [bool; N]),
    bytes: [RawBytes; N],
    itemsizes: [usize; N],
    parallel: bool,
    run: impl Fn([RunPtr; N], usize) + Sync,
) {
    let units = plan.tile_units(staged.0);
    let per_unit = tile_bytes(plan, units, itemsizes.iter().sum());
    // Not split (not asked, or not worth it): one call over every tile, one scratch buffer.
    schedule(units, per_unit, parallel, |r| {
        let mut buf = scratch(staged.0, itemsizes, staged.1);
        // SAFETY: forwarded; chunks are disjoint ranges of tiles.
        unsafe {
            staged_units(
                plan,
                staged,
                bytes,
                itemsizes,
                r,
                &mut buf,
                &mut inlined2(&run),
            )
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::{View, ViewMut};

    /// `a` as `rows x cols`, and `b` (`cols x rows`) transposed to the same shape.
    fn a_and_b_transposed<'a, T: crate::Element>(
        a: &'a [T],
        b: &'a [T],
        rows: usize,
        cols: usize,
    ) -> (View<'a>, View<'a>) {
        let av = View::from_slice(a).reshape(&[rows, cols]).unwrap();
        let bt = View::from_slice(b).reshape(&[cols, rows]).unwrap();
        (av, bt.transpose())
    }

    /// `a + b.T` for 4- and 8-byte elements stages `b.T` tile by tile (edges included, as the
    /// shapes are not multiples of the SIMD block), sequentially and in parallel. The small
    /// shape is for Miri, which then checks the staging copies and the slices over the scratch
    /// buffer; natively also one past a tile in both directions (a walk of more than 2 MiB,
    /// so tiles of 1 KiB rows: 128 to 256 elements a side here), whose parallel walk cuts its
    /// bands into pieces.
    #[test]
    fn staged_kernels_match_the_naive_sum() {
        let shapes: &[(usize, usize)] = if cfg!(miri) {
            &[(13, 10)]
        } else {
            &[(13, 10), (300, 600)]
        };
        for &(rows, cols) in shapes {
            staged_sums(rows, cols);
        }
    }

    /// [`staged_kernels_match_the_naive_sum`] for one shape.
    fn staged_sums(rows: usize, cols: usize) {
        let a: Vec<f64> = (0..rows * cols).map(|i| i as f64).collect();
        // Exact in f32 too (below 2^24), and scrambled so that a misplaced tile shows.
        let b: Vec<f64> = (0..rows * cols)
            .map(|i| (i * 7919 % 100_000 * 10) as f64)
            .collect();
        let want: Vec<f64> = (0..rows * cols)
            .map(|k| a[k] + b[(k % cols) * rows + k / cols])
            .collect();
        let (av, bt) = a_and_b_transposed(&a, &b, rows, cols);
        let plan = crate::engine::Plan::new(&[rows, cols], [&[80, 8], bt.strides()], [0, 0]);
        assert!(
            super::staging(&plan, [8, 8]).is_some(),
            "the case must stage"
        );
        for par in [false, true] {
            let mut out = vec![0.0f64; rows * cols];
            let mut o = ViewMut::from_slice(&mut out)
                .reshape(&[rows, cols])
                .unwrap();
            if par {
                o.par_zip_map_into(&av, &bt, |x: f64, y: f64| x + y)
                    .unwrap();
            } else {
                o.zip_map_into(&av, &bt, |x: f64, y: f64| x + y).unwrap();
            }
            assert_eq!(out, want, "f64, parallel: {par}");
            let a32: Vec<f32> = a.iter().map(|&x| x as f32).collect();
            let b32: Vec<f32> = b.iter().map(|&x| x as f32).collect();
            let c = View::from_slice(&a32)
                .reshape(&[rows, cols])
                .unwrap()
                .zip_map(
                    View::from_slice(&b32)
                        .reshape(&[cols, rows])
                        .unwrap()
                        .transpose(),
                    |x: f32, y: f32| f64::from(x + y),
                )
                .unwrap();
            assert_eq!(c.as_slice::<f64>().unwrap(), &want[..], "f32");
        }
    }

    /// One-byte outputs take the longest tiles along the output's rows (256 elements):
    /// `a + b.T` of bytes past one tile in both directions, edges included, against the
    /// naive sum.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "large; the f64/f32 case above covers the same code under Miri"
    )]
    fn staged_byte_kernels_past_one_tile_match_the_naive_sum() {
        let (rows, cols) = (1100, 270);
        let a: Vec<u8> = (0..rows * cols).map(|i| (i * 7) as u8).collect();
        let b: Vec<u8> = (0..rows * cols).map(|i| (i * 13 + 5) as u8).collect();
        let want: Vec<u8> = (0..rows * cols)
            .map(|k| a[k].wrapping_add(b[(k % cols) * rows + k / cols]))
            .collect();
        let (av, bt) = a_and_b_transposed(&a, &b, rows, cols);
        for par in [false, true] {
            let add = |x: u8, y: u8| x.wrapping_add(y);
            let c = if par {
                av.par_zip_map(&bt, add)
            } else {
                av.zip_map(&bt, add)
            };
            assert_eq!(
                c.unwrap().as_slice::<u8>().unwrap(),
                &want[..],
                "parallel: {par}"
            );
        }
    }
}
