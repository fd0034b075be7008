//! Non-temporal output: a kernel writing an output larger than the last-level cache would
//! otherwise read every output line from memory before overwriting it (write-allocate), and
//! then push the cache's useful lines out for data no one reads soon. As glibc's `memcpy` does
//! past its threshold, such outputs bypass the cache: the body writes each 1 KiB part of its
//! run into a buffer in L1, and the part goes to memory with non-temporal stores (SSE2
//! `movntdq`, part of x86_64), which need no read of the line. Measured on `c = a + b`
//! (64 MiB f32, one thread): 1.2x faster than plain stores.

use super::run::Run;
use super::{staging, Plan};

/// Bytes of output each part carries through L1.
const PART_BYTES: usize = 1024;

/// Whether a walk of `plan` (operand 0 the output; `sizes` the itemsizes, `fused`: an input
/// is the output) should write its output with non-temporal stores: an output apart from its
/// inputs, of at least [`stream_min_bytes`], no wider per element than any input, walked in
/// plain runs along the innermost axis (tiled walks hand out short rows, which stay on plain
/// stores). Widening kernels (f16 -> f32, u8 -> f32) measured 15 to 30% slower streamed
/// (their bodies cost more per part than the saved reads), same-width ones 1.15x faster.
pub(super) fn streams<const N: usize>(fused: bool, plan: &Plan<N>, sizes: [usize; N]) -> bool {
    !fused
        && sizes[1..].iter().all(|&s| sizes[0] <= s)
        && worth_streaming(plan.count() * sizes[0])
        && staging(plan, sizes).is_none()
        && plan.tiles(sizes).is_none()
}

/// Whether an output of `bytes` is worth streaming (see [`stream_min_bytes`]); small outputs
/// are turned away without reading the cache size.
#[inline(always)]
pub(super) fn worth_streaming(bytes: usize) -> bool {
    /// No last-level cache is smaller (natively).
    const FLOOR: usize = if cfg!(miri) { 0 } else { 1 << 20 };
    bytes >= FLOOR && bytes >= stream_min_bytes()
}

/// The smallest output worth streaming: three quarters of the last-level cache (glibc's
/// threshold for `memcpy`), read once (Linux sysfs); 24 MiB where unknown. Under Miri it is
/// tiny, so that its tests run this path.
fn stream_min_bytes() -> usize {
    if cfg!(miri) {
        return 2 * PART_BYTES;
    }
    static MIN: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *MIN.get_or_init(|| last_level_cache().unwrap_or(32 << 20) / 4 * 3)
}

/// The size of CPU 0's highest cache level, from Linux's sysfs.
fn last_level_cache() -> Option<usize> {
    let dir = std::fs::read_dir("/sys/devices/system/cpu/cpu0/cache").ok()?;
    let mut best: Option<(u32, usize)> = None;
    for entry in dir.flatten() {
        let read = |f: &str| std::fs::read_to_string(entry.path().join(f)).ok();
        let level = read("level").and_then(|l| l.trim().parse::<u32>().ok());
        let bytes = read("size").and_then(|s| cache_bytes(s.trim()));
        if let (Some(level), Some(bytes)) = (level, bytes) {
            if best.map_or(true, |(l, _)| level > l) {
                best = Some((level, bytes));
            }
        }
    }
    best.map(|(_, bytes)| bytes).filter(|&b| b > 0)
}

/// A sysfs cache size ("32768K", "1M" or bytes) in bytes.
fn cache_bytes(size: &str) -> Option<usize> {
    let (digits, shift) = match size.as_bytes().last()? {
        b'K' => (&size[..size.len() - 1], 10),
        b'M' => (&size[..size.len() - 1], 20),
        _ => (size, 0),
    };
    digits.parse::<usize>().ok()?.checked_mul(1 << shift)
}

/// Runs `body` over `runs` (operand 0 the output, which `body` overwrites) part by part: each
/// part's output goes to a buffer in L1 and from there to memory with non-temporal stores.
/// Runs that are not worth it (an output that is not contiguous, a run shorter than a few
/// parts, elements wider than a part) go to `body` as they are.
// Not inlined: its runs are long, and inlining the body into it a second time made the
// callers' other walks (the staged `a + b.T`) too large to inline their short-run bodies.
#[inline(never)]
pub(super) fn overwrite_streaming<const N: usize>(
    runs: [Run<'_>; N],
    body: &mut impl FnMut([Run<'_>; N]),
) {
    let size = runs[0].holds().size();
    let len = runs[0].len();
    // Short or strided output runs (and elements wider than a part) go to `body` whole, from
    // the same call site as the parts, so that the body is inlined once.
    let direct =
        size == 0 || size > PART_BYTES / 4 || !runs[0].contiguous() || len * size < 4 * PART_BYTES;
    let per_part = if direct { len } else { PART_BYTES / size };
    let mut part = [0u128; PART_BYTES / 16];
    let mut from = 0;
    while from < len {
        let n = per_part.min(len - from);
        let out = if direct {
            runs[0].part(from, n)
        } else {
            runs[0].redirected(&mut part, n)
        };
        body(parts(out, &runs, from, n));
        if !direct {
            // SAFETY: `runs[0]` is the output's contiguous run (checked above), so its
            // elements `from..from + n` are `n * size` writable bytes that no other run of
            // the step shares; `part` holds the bytes the body wrote, and is a distinct local.
            unsafe {
                store_streaming(
                    runs[0].element_ptr(from),
                    part.as_ptr().cast::<u8>(),
                    n * size,
                )
            };
        }
        from += n;
    }
    fence();
}

/// `out` as operand 0's run, and elements `from..from + n` of the other runs. (A function
/// rather than an `array::from_fn` closure in the caller, so that it is compiled once per
/// operand count, not once per kernel body.)
#[inline(always)]
fn parts<'p, const N: usize>(
    out: Run<'p>,
    runs: &[Run<'p>; N],
    from: usize,
    n: usize,
) -> [Run<'p>; N] {
    let mut out = Some(out);
    std::array::from_fn(|k| match k {
        0 => out.take().expect("operand 0 comes first"),
        _ => runs[k].part(from, n),
    })
}

/// Copies `len` bytes from `src` to `dst` with non-temporal stores for the 16-byte-aligned
/// blocks of the destination, plain copies for its ends.
///
/// # Safety
/// `src` is readable and `dst` writable for `len` bytes, and they do not overlap.
#[inline]
unsafe fn store_streaming(dst: *mut u8, src: *const u8, len: usize) {
    let head = ((16 - dst as usize % 16) % 16).min(len);
    let blocks = (len - head) / 16;
    let done = head + 16 * blocks;
    // SAFETY: (all) every byte copied is among the `len` bytes of both sides (the caller's
    // promise): `head + 16 * blocks <= len`. The ends are copied only when there are any
    // (a call to `memcpy` per part would cost as much as the part's stores).
    unsafe {
        if head > 0 {
            std::ptr::copy_nonoverlapping(src, dst, head);
        }
        for b in 0..blocks {
            let at = head + 16 * b;
            // (Miri runs no inline assembly, which `movntdq` is; it checks the plain copy.)
            #[cfg(all(target_arch = "x86_64", not(miri)))]
            {
                use std::arch::x86_64::{_mm_loadu_si128, _mm_stream_si128};
                // `dst + at` is 16-byte aligned (the head took the misaligned start), as
                // `movntdq` requires.
                _mm_stream_si128(dst.add(at).cast(), _mm_loadu_si128(src.add(at).cast()));
            }
            #[cfg(any(not(target_arch = "x86_64"), miri))]
            std::ptr::copy_nonoverlapping(src.add(at), dst.add(at), 16);
        }
        if done < len {
            std::ptr::copy_nonoverlapping(src.add(done), dst.add(done), len - done);
        }
    }
}

/// Orders the non-temporal stores before everything this thread does afterwards (they are
/// weakly ordered), so that whoever joins this thread sees them.
#[inline]
fn fence() {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    // SAFETY: `sfence` has no preconditions (SSE, part of x86_64).
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

#[cfg(test)]
mod tests {
    use crate::{View, ViewMut};

    /// Outputs large enough to stream (tiny thresholds under Miri), at every misalignment of
    /// the destination and with lengths that leave a partial last part, match the plain map;
    /// zip and fill (sequential and parallel) too.
    #[test]
    fn streamed_outputs_match_plain_stores() {
        let len = if cfg!(miri) { 1200 } else { 9 << 20 };
        let a: Vec<f32> = (0..len).map(|i| (i % 1000) as f32 * 0.5).collect();
        let b: Vec<f32> = (0..len).map(|i| (i % 77) as f32).collect();
        let want: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x * 2.0 + y).collect();
        let (va, vb) = (View::from_slice(&a), View::from_slice(&b));
        let skews: &[usize] = if cfg!(miri) {
            &[0, 1, 3]
        } else {
            &[0, 1, 2, 3]
        };
        for &skew in skews {
            for parallel in [false, true] {
                // The output starts `skew` f32s into its buffer: every 16-byte alignment.
                let mut buf = vec![0f32; len + 4];
                let mut out = ViewMut::from_slice(&mut buf[skew..skew + len]);
                if parallel {
                    out.par_zip_map_into(&va, &vb, |x: f32, y: f32| x * 2.0 + y)
                } else {
                    out.zip_map_into(&va, &vb, |x: f32, y: f32| x * 2.0 + y)
                }
                .unwrap();
                assert!(buf[skew..skew + len] == want[..], "skew {skew}, {parallel}");
                assert!(buf[..skew]
                    .iter()
                    .chain(&buf[skew + len..])
                    .all(|&x| x == 0.0));
                let mut out = ViewMut::from_slice(&mut buf[skew..skew + len - 1]);
                if parallel {
                    out.par_fill(7.5f32)
                } else {
                    out.fill(7.5f32)
                }
                .unwrap();
                assert!(buf[skew..skew + len - 1].iter().all(|&x| x == 7.5));
                assert!(buf[skew + len - 1] == want[len - 1]);
            }
        }
    }
}
