//! NumPy's pairwise summation, bit for bit (`pairwise_sum` in NumPy's `loops_utils.h.src`):
//! below 8 elements in order from zero; up to 128 (a leaf) with eight running sums, combined
//! as `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`, then the elements past the last
//! multiple of 8 in order; above, the two halves (cut at a multiple of 8, [`pairwise_cut`])
//! recursively.
//!
//! Interleaving the chains of two or four leaves (for more additions in flight) was tried
//! and measured slower on SSE2 code: the optimiser shuffles the lanes and spills them.

use crate::engine::pairwise_cut;

const LANES: usize = 8;
const LEAF: usize = 128;

/// NumPy's pairwise sum of `xs` (see the module docs), starting from `zero` below 8 elements.
pub(crate) fn pairwise<A: Copy>(xs: &[A], zero: A, add: &impl Fn(A, A) -> A) -> A {
    let n = xs.len();
    if n < LANES {
        return xs.iter().fold(zero, |s, &x| add(s, x));
    }
    if n <= LEAF {
        let mut r: [A; LANES] = std::array::from_fn(|i| xs[i]);
        let mut chunks = xs[LANES..].chunks_exact(LANES);
        for c in &mut chunks {
            for k in 0..LANES {
                r[k] = add(r[k], c[k]);
            }
        }
        let mut s = add(
            add(add(r[0], r[1]), add(r[2], r[3])),
            add(add(r[4], r[5]), add(r[6], r[7])),
        );
        for &x in chunks.remainder() {
            s = add(s, x);
        }
        return s;
    }
    let half = pairwise_cut(n);
    add(
        pairwise(&xs[..half], zero, add),
        pairwise(&xs[half..], zero, add),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// NumPy's `pairwise_sum`, written as its C is: index arithmetic, no grouping.
    fn numpy_model(a: &[f32]) -> f32 {
        let n = a.len();
        if n < 8 {
            let mut res = 0.0f32;
            for &x in a {
                res += x;
            }
            res
        } else if n <= 128 {
            let mut r = [0.0f32; 8];
            r.copy_from_slice(&a[..8]);
            let mut i = 8;
            while i < n - (n % 8) {
                for k in 0..8 {
                    r[k] += a[i + k];
                }
                i += 8;
            }
            let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            while i < n {
                res += a[i];
                i += 1;
            }
            res
        } else {
            let mut n2 = n / 2;
            n2 -= n2 % 8;
            numpy_model(&a[..n2]) + numpy_model(&a[n2..])
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
        #[test]
        fn pairwise_is_numpys_sum(
            len in 0usize..if cfg!(miri) { 600 } else { 20_000 },
            seed in any::<u64>(),
        ) {
            // Values of many magnitudes, so that the order of the additions shows in the bits.
            let mut s = seed;
            let xs: Vec<f32> = (0..len).map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let m = (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                m * 2f32.powi(((s >> 8) % 30) as i32 - 15)
            }).collect();
            let got = pairwise(&xs, 0.0, &|a, b| a + b);
            prop_assert_eq!(got.to_bits(), numpy_model(&xs).to_bits());
        }
    }
}
