//! Element copies between two strided operands of the same itemsize: tobytes, copy_from,
//! contiguous copies. Contiguous runs are `memcpy`, reversed runs a reversed copy the compiler
//! vectorises, transposed operands go tile by tile through SSE2 block transposes (and AVX2
//! ones, detected at run time).

use super::run::{plan_of, Typed};
use super::{walk, walk_tiles, Plan};
use crate::layout::{Dims, Strides};

/// Copies every element of `src` to the element at the same index of `dst`, over `shape`
/// (byte operands, [`Typed::layout_bytes`], of one itemsize); the destination leads the walk.
/// The engine's schedule runs the copy bodies: [`copy_run`] per run, or [`copy_tile`] per
/// tile when the operands are transposed against each other; split across rayon's pool when
/// `parallel` is set and the copy is large.
///
/// # Safety
/// Both operands' strides and offsets must be valid over `shape` for their buffers (every
/// element in bounds), `dst` must be writable through its bytes, and the destination elements
/// must not overlap the source elements (callers copy through a temporary when they might).
pub(crate) unsafe fn copy_elements(shape: &[usize], dst: &Typed, src: &Typed, parallel: bool) {
    let itemsize = dst.holds().size();
    debug_assert_eq!(itemsize, src.holds().size());
    debug_assert!(dst.writable());
    debug_assert!(
        dst.covers(shape) && src.covers(shape),
        "copy operands cover {shape:?}"
    );
    let (plan, itemsize) = match widen(shape, [dst.strides(), src.strides()], itemsize) {
        Some((shape, [d, s], wide)) => (
            Plan::new(&shape, [&d, &s], [dst.offset(), src.offset()]),
            wide,
        ),
        None => (plan_of(shape, &[dst, src]), itemsize),
    };
    if let Some(t) = plan.tiles([itemsize, itemsize]) {
        let [dp, sp] = plan.inner_strides();
        let [dq, sq] = plan.axis_strides(t.q);
        let tile = |[d, s]: [isize; 2], q_len: usize, p_len: usize| {
            // SAFETY: the plan yields tiles of elements of the two validated layouts; dst is
            // writable and disjoint from src (the caller's promise).
            unsafe {
                copy_tile(
                    dst.at(d),
                    [dp, dq],
                    src.at(s),
                    [sp, sq],
                    [p_len, q_len],
                    itemsize,
                )
            }
        };
        return walk_tiles(&plan, t, [itemsize, itemsize], parallel, tile);
    }
    let [ds, ss] = plan.inner_strides();
    walk(&plan, [itemsize, itemsize], parallel, |[d, s], len| {
        // SAFETY: each run's `len` elements belong to the validated layouts; dst is writable
        // and disjoint from src.
        unsafe { copy_run(dst.at(d), ds, src.at(s), ss, len, itemsize) }
    });
}

/// A copy moves bytes without looking at them, so an axis that is short and contiguous in
/// both operands (an RGB pixel: 3 bytes) can become part of a wider element. That turns
/// millions of 3-byte runs, each paying the walk's per-run cost, into one run of 3-byte
/// elements. Returns the shape and strides without that axis and the wider itemsize, or
/// `None` when no axis qualifies.
fn widen(
    shape: &[usize],
    [ds, ss]: [&[isize]; 2],
    itemsize: usize,
) -> Option<(Dims, [Strides; 2], usize)> {
    /// Runs longer than this are already `memcpy`s after coalescing.
    const WIDEST: usize = 32;
    if shape.len() < 2 {
        return None; // a single contiguous axis is one memcpy already
    }
    let is = itemsize as isize;
    // Elements 0..len of the axis are one block of `len * itemsize` bytes in both operands,
    // so copying the blocks copies exactly the same bytes.
    let axis = (0..shape.len())
        .find(|&k| shape[k] > 1 && ds[k] == is && ss[k] == is && shape[k] * itemsize <= WIDEST)?;
    let keep = |v: &[isize]| -> Strides {
        v.iter()
            .enumerate()
            .filter(|&(k, _)| k != axis)
            .map(|(_, &x)| x)
            .collect()
    };
    let dims: Dims = shape
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != axis)
        .map(|(_, &d)| d)
        .collect();
    Some((dims, [keep(ds), keep(ss)], itemsize * shape[axis]))
}

/// Copies one run of `len` elements.
///
/// # Safety
/// Every element of both runs is in its buffer, the destination is writable, and the runs do
/// not overlap.
#[inline]
unsafe fn copy_run(dp: *mut u8, ds: isize, sp: *const u8, ss: isize, len: usize, is: usize) {
    let n = is as isize;
    // SAFETY: (all branches) the caller's promise covers every element touched.
    unsafe {
        if ds == n && ss == n {
            std::ptr::copy_nonoverlapping(sp, dp, len * is);
        } else if ds == n && ss == -n {
            reversed(dp, sp.offset(-(n * (len as isize - 1))), len, is);
        } else {
            strided(dp, ds, sp, ss, len, is);
        }
    }
}

/// Copies `len` contiguous elements from `src` to `dst` in reverse order.
///
/// # Safety
/// `dst` and `src` each hold `len` elements of `is` bytes, `dst` writable, not overlapping.
#[inline]
unsafe fn reversed(dst: *mut u8, src: *const u8, len: usize, is: usize) {
    // Raw pointer writes only: the destination may be uninitialised memory (a fresh
    // `tobytes` vector), over which no `&mut [_]` may be formed.
    macro_rules! rev {
        ($n:literal) => {{
            let (d, s) = (dst.cast::<[u8; $n]>(), src.cast::<[u8; $n]>());
            for i in 0..len {
                // SAFETY: [u8; N] has alignment 1, so any byte address is a valid element
                // start; element i of the destination and element len-1-i of the source are
                // in their ranges (the caller's promise), which do not overlap.
                unsafe { d.add(i).write(s.add(len - 1 - i).read()) };
            }
        }};
    }
    match is {
        1 => rev!(1),
        2 => rev!(2),
        3 => rev!(3),
        4 => rev!(4),
        6 => rev!(6),
        8 => rev!(8),
        12 => rev!(12),
        16 => rev!(16),
        _ => {
            let n = is as isize;
            // SAFETY: as above, element by element.
            unsafe { strided(dst, n, src.offset(n * (len as isize - 1)), -n, len, is) }
        }
    }
}

/// Copies `len` elements between arbitrarily strided runs.
///
/// # Safety
/// Every element of both runs is in its buffer, the destination is writable, and the runs do
/// not overlap.
#[inline]
unsafe fn strided(dp: *mut u8, ds: isize, sp: *const u8, ss: isize, len: usize, is: usize) {
    macro_rules! typed {
        ($t:ty) => {
            for i in 0..len as isize {
                // SAFETY: element `i` of each run is in bounds (the caller's promise);
                // unaligned accesses are allowed by read/write_unaligned.
                unsafe {
                    let v = sp.offset(i * ss).cast::<$t>().read_unaligned();
                    dp.offset(i * ds).cast::<$t>().write_unaligned(v);
                }
            }
        };
    }
    match is {
        1 => typed!(u8),
        2 => typed!(u16),
        3 => typed!([u8; 3]),
        4 => typed!(u32),
        6 => typed!([u8; 6]),
        8 => typed!(u64),
        12 => typed!([u8; 12]),
        16 => typed!(u128),
        n => {
            for i in 0..len as isize {
                // SAFETY: as above, for `n` bytes per element.
                unsafe { std::ptr::copy_nonoverlapping(sp.offset(i * ss), dp.offset(i * ds), n) }
            }
        }
    }
}

/// Copies a tile of `p_len x q_len` elements; `[stride_p, stride_q]` per operand.
///
/// # Safety
/// Every element of the tile is in its buffer for both operands, the destination is writable,
/// and they do not overlap.
pub(super) unsafe fn copy_tile(
    dst: *mut u8,
    [dp, dq]: [isize; 2],
    src: *const u8,
    [sp, sq]: [isize; 2],
    [p_len, q_len]: [usize; 2],
    is: usize,
) {
    let n = is as isize;
    #[cfg(target_arch = "x86_64")]
    let (q, done_p) = if matches!(is, 1 | 2 | 4 | 8) && dp == n && sq == n {
        // SAFETY: the transposed case (dst rows along p, src rows along q); the caller's
        // promise covers the whole tile.
        unsafe { simd::blocks(dst, dq, src, sp, [p_len, q_len], is) }
    } else {
        (0, 0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (q, done_p) = (0usize, 0usize);
    // The rest (or everything, without SIMD): element by element along p for each q.
    for j in 0..q_len {
        let from = if j < q { done_p } else { 0 };
        if from < p_len {
            let (jd, js) = (j as isize * dq, j as isize * sq);
            // SAFETY: the remaining elements of row j are inside the tile.
            unsafe {
                strided(
                    dst.wrapping_offset(jd + from as isize * dp),
                    dp,
                    src.wrapping_offset(js + from as isize * sp),
                    sp,
                    p_len - from,
                    is,
                )
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod simd {
    use std::arch::x86_64::*;

    /// `rounds` rounds of the perfect shuffle on the array of registers `v`: row `i` is
    /// interleaved with row `i + len / 2` (`lo`/`hi` unpack their low and high halves into
    /// rows `2i` and `2i + 1`). `log2(len)` rounds swap the row index with the column index
    /// within each 128-bit lane: a transpose.
    macro_rules! interleave {
        ($v:ident, $rounds:expr, $lo:ident, $hi:ident) => {
            for _ in 0..$rounds {
                let old = $v;
                let half = old.len() / 2;
                for i in 0..half {
                    $v[2 * i] = $lo(old[i], old[i + half]);
                    $v[2 * i + 1] = $hi(old[i], old[i + half]);
                }
            }
        };
    }

    /// Transposes the part of a transposed tile (`p_len x q_len` elements of `is` bytes,
    /// destination rows along p, source rows along q, both contiguous) that whole SIMD blocks
    /// cover. Returns `(q, p)`: the first `q` rows of the destination hold their first `p`
    /// elements; the caller copies the rest. Blocks are pairs of SSE blocks in AVX2 registers
    /// (detected at run time) for 4- and 8-byte elements, SSE2 otherwise and for the rows AVX2
    /// leaves.
    ///
    /// # Safety
    /// Every element of the tile is in its buffer for both operands, the destination is
    /// writable, and they do not overlap.
    pub unsafe fn blocks(
        dst: *mut u8,
        dq: isize,
        src: *const u8,
        sp: isize,
        [p_len, q_len]: [usize; 2],
        is: usize,
    ) -> (usize, usize) {
        let b = 16 / is;
        let grid = Grid {
            dst,
            dq,
            src,
            sp,
            is,
            done_p: p_len / b * b,
        };
        let mut q = 0;
        #[cfg(ndview_avx512)]
        if is == 8 && std::is_x86_feature_detected!("avx512f") {
            // SAFETY: AVX-512F is present and `is` is 8; the caller's promise covers the tile.
            q = unsafe { avx512::blocks(&grid, q_len) };
        }
        if is >= 4 && std::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present and `is` is 4 or 8; the caller's promise covers the
            // tile.
            q = unsafe { avx2::blocks(&grid, q, q_len) };
        }
        if is == 1 && grid.done_p % 32 == 0 && std::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present, `is` is 1 and whole blocks of 32 cover `done_p`; the
            // caller's promise covers the tile.
            q = unsafe { avx2::byte_blocks(&grid, q_len) };
        }
        let q = grid.walk(q, [b, b], q_len, |d, s| {
            // SAFETY: the block's elements are inside the tile (the grid's bounds), which
            // the caller guarantees; SSE2 is part of x86_64.
            unsafe {
                match is {
                    1 => transpose16x16_bytes(d, dq, s, sp),
                    2 => transpose8x8_pairs(d, dq, s, sp),
                    4 => transpose4x4(d, dq, s, sp),
                    _ => transpose2x2(d, dq, s, sp),
                }
            }
        });
        (q, grid.done_p)
    }

    /// The blocks of a transposed tile: destination rows along p (`dq` bytes apart), source
    /// rows along q (`sp` bytes apart), `is`-byte elements, the first `done_p` elements of
    /// each row (a multiple of the block's `16 / is`).
    struct Grid {
        dst: *mut u8,
        dq: isize,
        src: *const u8,
        sp: isize,
        is: usize,
        done_p: usize,
    }

    impl Grid {
        /// Calls `f(dst, src)` with the first element of every block of `q_step` rows along
        /// q and `16 / is` elements along p, from row `q` while whole blocks fit in `q_len`
        /// rows; returns the row where it stopped.
        #[inline(always)]
        fn walk(
            &self,
            mut q: usize,
            [q_step, p_step]: [usize; 2],
            q_len: usize,
            mut f: impl FnMut(*mut u8, *const u8),
        ) -> usize {
            debug_assert_eq!(self.done_p % p_step, 0);
            while q + q_step <= q_len {
                let mut p = 0;
                while p < self.done_p {
                    f(
                        self.dst
                            .wrapping_offset(q as isize * self.dq + (p * self.is) as isize),
                        self.src
                            .wrapping_offset(p as isize * self.sp + (q * self.is) as isize),
                    );
                    p += p_step;
                }
                q += q_step;
            }
            q
        }
    }

    /// Two SSE blocks at a time with AVX2, for 4- and 8-byte elements: `b = 16 / is` source
    /// rows of 32 bytes hold two `b x b` blocks side by side, one per 128-bit lane. The
    /// unpack instructions work within each lane, so `log2(b)` rounds of the interleave that
    /// [`transpose16x16_bytes`] uses transpose both blocks at once; the low lanes are
    /// destination rows `q..q + b`, the high lanes rows `q + b..q + 2b`. This measured faster
    /// than square 8x8 and 4x4 AVX blocks. (Byte and 2-byte elements stay on SSE2: there the
    /// pairs of blocks measured slower.)
    mod avx2 {
        use std::arch::x86_64::*;

        /// Interleaves row `i` with row `i + rows / 2` for `rounds` rounds, `$lo`/`$hi`
        /// elements at a time, and stores each row's two lanes.
        macro_rules! lanes {
            ($dst:ident, $dq:ident, $src:ident, $sp:ident, $rows:literal, $rounds:literal,
             $lo:ident, $hi:ident) => {{
                let mut v: [__m256i; $rows] = std::array::from_fn(|i| {
                    _mm256_loadu_si256($src.offset(i as isize * $sp).cast())
                });
                interleave!(v, $rounds, $lo, $hi);
                for (j, row) in v.iter().enumerate() {
                    let j = j as isize;
                    _mm_storeu_si128($dst.offset(j * $dq).cast(), _mm256_castsi256_si128(*row));
                    _mm_storeu_si128(
                        $dst.offset((j + $rows) * $dq).cast(),
                        _mm256_extracti128_si256::<1>(*row),
                    );
                }
            }};
        }

        /// Byte blocks of 16 rows along q by 32 bytes along p: source rows `p..p + 16` in the
        /// low lanes and `p + 16..p + 32` in the high lanes, so that each lane holds one SSE
        /// 16x16 block and each destination row is one 32-byte store. Returns the rows of the
        /// destination it completed.
        ///
        /// # Safety
        /// As for [`super::blocks`]; AVX2 must be available, `is` 1 and the grid's `done_p` a
        /// multiple of 32.
        #[target_feature(enable = "avx2")]
        pub(super) unsafe fn byte_blocks(grid: &super::Grid, q_len: usize) -> usize {
            let (dq, sp) = (grid.dq, grid.sp);
            grid.walk(0, [16, 32], q_len, |d, s| {
                // SAFETY: the block's 16 x 32 bytes are inside the tile (the grid's bounds),
                // which the caller guarantees; unaligned loads and stores.
                unsafe {
                    let mut v: [__m256i; 16] = std::array::from_fn(|i| {
                        let i = i as isize;
                        _mm256_loadu2_m128i(s.offset((i + 16) * sp).cast(), s.offset(i * sp).cast())
                    });
                    interleave!(v, 4, _mm256_unpacklo_epi8, _mm256_unpackhi_epi8);
                    for (j, row) in v.iter().enumerate() {
                        _mm256_storeu_si256(d.offset(j as isize * dq).cast(), *row);
                    }
                }
            })
        }

        /// The AVX2 part of [`super::blocks`]: blocks of `2b` rows along q and `b` elements
        /// along p over the grid, from row `q`. Returns the rows of the destination it
        /// completed.
        ///
        /// # Safety
        /// As for [`super::blocks`]; AVX2 must be available and `is` must be 4 or 8.
        #[target_feature(enable = "avx2")]
        pub(super) unsafe fn blocks(grid: &super::Grid, q: usize, q_len: usize) -> usize {
            let (dq, sp, b) = (grid.dq, grid.sp, 16 / grid.is);
            grid.walk(q, [2 * b, b], q_len, |d, s| {
                // SAFETY: the two blocks' elements are inside the tile (the grid's bounds),
                // which the caller guarantees; unaligned loads and stores, and the shuffles
                // move bits without interpreting them.
                unsafe {
                    if b == 4 {
                        lanes!(
                            d,
                            dq,
                            s,
                            sp,
                            4,
                            2,
                            _mm256_unpacklo_epi32,
                            _mm256_unpackhi_epi32
                        )
                    } else {
                        lanes!(
                            d,
                            dq,
                            s,
                            sp,
                            2,
                            1,
                            _mm256_unpacklo_epi64,
                            _mm256_unpackhi_epi64
                        )
                    }
                }
            })
        }
    }

    /// Four SSE blocks of 8-byte elements at a time with AVX-512 (compiled where the compiler
    /// has its intrinsics, Rust 1.89 on, and chosen at run time): the scheme of [`avx2`] with
    /// rows of four 128-bit lanes. Only 8-byte elements take it: on the machine it was
    /// measured on (AMD Zen 4, which splits 512-bit operations in two), it made 8-byte
    /// transposes about 5% faster and 4-byte and byte transposes (16 x 64 byte blocks, one
    /// cache line per destination row) about 25% slower than the AVX2 blocks.
    #[cfg(ndview_avx512)]
    // build.rs sets `ndview_avx512` only for compilers (1.89 on) that have these intrinsics,
    // which clippy's check against the crate's rust-version cannot see.
    #[allow(clippy::incompatible_msrv)]
    mod avx512 {
        use std::arch::x86_64::*;

        /// Blocks of 8 rows along q and 2 elements along p: 2 source rows of 64 bytes hold
        /// four 2x2 blocks side by side, one per lane; after one interleave, lane `l` of row
        /// `j` is destination row `j + 2l`. Returns the rows of the destination it completed.
        ///
        /// # Safety
        /// As for [`super::blocks`]; AVX-512F must be available and `is` must be 8.
        #[target_feature(enable = "avx512f")]
        pub(super) unsafe fn blocks(grid: &super::Grid, q_len: usize) -> usize {
            let (dq, sp) = (grid.dq, grid.sp);
            grid.walk(0, [8, 2], q_len, |d, s| {
                // SAFETY: the four blocks' elements are inside the tile (the grid's bounds),
                // which the caller guarantees; unaligned loads and stores, and the shuffles
                // move bits without interpreting them.
                unsafe {
                    let mut v = [
                        _mm512_loadu_si512(s.cast()),
                        _mm512_loadu_si512(s.offset(sp).cast()),
                    ];
                    interleave!(v, 1, _mm512_unpacklo_epi64, _mm512_unpackhi_epi64);
                    for (j, row) in v.iter().enumerate() {
                        let d = |l: isize| d.offset((j as isize + 2 * l) * dq).cast::<__m128i>();
                        _mm_storeu_si128(d(0), _mm512_castsi512_si128(*row));
                        _mm_storeu_si128(d(1), _mm512_extracti32x4_epi32::<1>(*row));
                        _mm_storeu_si128(d(2), _mm512_extracti32x4_epi32::<2>(*row));
                        _mm_storeu_si128(d(3), _mm512_extracti32x4_epi32::<3>(*row));
                    }
                }
            })
        }
    }

    /// Transposes a 4x4 block of 4-byte elements: source rows (4 contiguous elements each)
    /// `src_row` bytes apart become destination columns, destination rows `dst_row` apart.
    ///
    /// # Safety
    /// All 16 source and destination elements must be in bounds; destination writable.
    #[inline(always)]
    pub unsafe fn transpose4x4(dst: *mut u8, dst_row: isize, src: *const u8, src_row: isize) {
        // SAFETY: the caller guarantees the 4 rows of 16 bytes on each side; unaligned
        // loads and stores are used, and the shuffles move bits without interpreting them.
        unsafe {
            let r0 = _mm_loadu_ps(src.cast());
            let r1 = _mm_loadu_ps(src.offset(src_row).cast());
            let r2 = _mm_loadu_ps(src.offset(2 * src_row).cast());
            let r3 = _mm_loadu_ps(src.offset(3 * src_row).cast());
            let t0 = _mm_unpacklo_ps(r0, r1);
            let t1 = _mm_unpacklo_ps(r2, r3);
            let t2 = _mm_unpackhi_ps(r0, r1);
            let t3 = _mm_unpackhi_ps(r2, r3);
            _mm_storeu_ps(dst.cast(), _mm_movelh_ps(t0, t1));
            _mm_storeu_ps(dst.offset(dst_row).cast(), _mm_movehl_ps(t1, t0));
            _mm_storeu_ps(dst.offset(2 * dst_row).cast(), _mm_movelh_ps(t2, t3));
            _mm_storeu_ps(dst.offset(3 * dst_row).cast(), _mm_movehl_ps(t3, t2));
        }
    }

    /// Transposes a 16x16 block of bytes: four rounds that interleave byte by byte row `i`
    /// with row `i + 8` (low halves into row `2i`, high halves into row `2i + 1`); each round
    /// is a perfect shuffle of the 256 positions' row and column bits, so four of them swap
    /// the row index with the column index.
    ///
    /// # Safety
    /// As for [`transpose4x4`], with 16 rows of 16 bytes.
    #[inline(always)]
    pub unsafe fn transpose16x16_bytes(
        dst: *mut u8,
        dst_row: isize,
        src: *const u8,
        src_row: isize,
    ) {
        // SAFETY: as above; the 16 rows of 16 bytes are in bounds on both sides.
        unsafe {
            let mut v: [__m128i; 16] =
                std::array::from_fn(|i| _mm_loadu_si128(src.offset(i as isize * src_row).cast()));
            interleave!(v, 4, _mm_unpacklo_epi8, _mm_unpackhi_epi8);
            for (j, row) in v.iter().enumerate() {
                _mm_storeu_si128(dst.offset(j as isize * dst_row).cast(), *row);
            }
        }
    }

    /// Transposes an 8x8 block of 2-byte elements: three rounds of the interleave that
    /// [`transpose16x16_bytes`] uses, two bytes at a time.
    ///
    /// # Safety
    /// As for [`transpose4x4`], with 8 rows of 16 bytes.
    #[inline(always)]
    pub unsafe fn transpose8x8_pairs(dst: *mut u8, dst_row: isize, src: *const u8, src_row: isize) {
        // SAFETY: as above; the 8 rows of 16 bytes are in bounds on both sides.
        unsafe {
            let mut v: [__m128i; 8] =
                std::array::from_fn(|i| _mm_loadu_si128(src.offset(i as isize * src_row).cast()));
            interleave!(v, 3, _mm_unpacklo_epi16, _mm_unpackhi_epi16);
            for (j, row) in v.iter().enumerate() {
                _mm_storeu_si128(dst.offset(j as isize * dst_row).cast(), *row);
            }
        }
    }

    /// Transposes a 2x2 block of 8-byte elements.
    ///
    /// # Safety
    /// As for [`transpose4x4`], with 2 rows of 16 bytes.
    #[inline(always)]
    pub unsafe fn transpose2x2(dst: *mut u8, dst_row: isize, src: *const u8, src_row: isize) {
        // SAFETY: as above.
        unsafe {
            let r0 = _mm_loadu_pd(src.cast());
            let r1 = _mm_loadu_pd(src.offset(src_row).cast());
            _mm_storeu_pd(dst.cast(), _mm_unpacklo_pd(r0, r1));
            _mm_storeu_pd(dst.offset(dst_row).cast(), _mm_unpackhi_pd(r0, r1));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Order, View};

    /// Transposed copies of 1-, 2-, 4- and 8-byte elements take the SIMD block paths (AVX2
    /// pairs of blocks too where the CPU, or Miri's build, has AVX2, and AVX-512 quadruples of
    /// 8-byte blocks where it has AVX-512F and the compiler its intrinsics); shapes that are not
    /// multiples of the block leave rows for SSE2 and edges for the scalar loop. Small enough
    /// for Miri, which then checks the SIMD loads and stores too.
    #[test]
    fn transposed_copies_through_simd_blocks_match_the_gather() {
        // Natively also shapes past one tile in both directions, with edges on both axes:
        // walks within 2 MiB take tiles of 256-byte rows, larger ones (the last shape, for
        // every element size) 1 KiB rows, up to 1024 elements along the source's rows.
        let big: &[(usize, usize)] = if cfg!(miri) {
            &[]
        } else {
            &[(300, 270), (129, 517), (1100, 1000)]
        };
        for is in [1usize, 2, 4, 8] {
            for &(rows, cols) in [(8, 8), (9, 13), (16, 10), (16, 16), (33, 18)]
                .iter()
                .chain(big)
            {
                let buf: Vec<u8> = (0..rows * cols * is).map(|i| (i * 7 + 3) as u8).collect();
                let fmt = format!("{is}s");
                let strides = [(cols * is) as isize, is as isize];
                let v = View::from_parts(&buf, &fmt, &[rows, cols], &strides, 0).unwrap();
                let t = v.transpose();
                let want: Vec<u8> = (0..cols)
                    .flat_map(|c| (0..rows).map(move |r| (r, c)))
                    .flat_map(|(r, c)| buf[(r * cols + c) * is..][..is].to_vec())
                    .collect();
                assert_eq!(
                    t.tobytes(Order::C).unwrap(),
                    want,
                    "{is}-byte {rows}x{cols}"
                );
                assert_eq!(
                    t.par_tobytes(Order::C).unwrap(),
                    want,
                    "{is}-byte {rows}x{cols}"
                );
            }
        }
    }
}
