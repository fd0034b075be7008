//! Memory overlap over geometry (layouts, itemsizes, addresses): between two regions (what
//! NumPy's `may_share_memory` and `shares_memory` answer, and how a kernel's input relates to
//! its output) and within one layout (two elements sharing a byte). The public functions on
//! views are in `view/sharing.rs`.
//!
//! Exact answers come from the bounded linear Diophantine problem NumPy poses
//! (numpy/_core/src/common/mem_overlap.c): do integers `0 <= x_i <= ub_i` exist with
//! `sum a_i x_i = b`? It is NP-hard in general; this solver searches depth first, largest
//! coefficient first, stepping each variable only through the values its congruence allows
//! (`a_i x_i = b (mod gcd of the remaining a_j)`), and gives up after a work budget.

use crate::error::{Error, Result};
use crate::layout::Layout;

/// One term `a * x` with `0 <= x <= ub`.
#[derive(Clone, Copy, Debug)]
struct Term {
    a: u128,
    ub: u128,
}

/// The result of a bounded search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// The memory regions share at least one byte.
    Yes,
    /// They share none.
    No,
    /// The search gave up within its work budget.
    TooHard,
}

/// The lowest byte address and one past the highest byte of a layout's elements, relative to
/// the buffer's address `base`; `None` when the view has no bytes.
pub(crate) fn byte_bounds(layout: &Layout, itemsize: usize, base: usize) -> Option<(i128, i128)> {
    if layout.is_empty() || itemsize == 0 {
        return None;
    }
    let (lo, hi) = layout.extent(itemsize).ok()?;
    Some((base as i128 + lo, base as i128 + hi))
}

/// The terms of one view's byte addresses above its lowest byte: each axis contributes
/// `|stride| * x` with `x < len`, and the byte within the element `1 * u` with `u < itemsize`.
fn address_terms(layout: &Layout, itemsize: usize, terms: &mut Vec<Term>) {
    for (&d, &s) in layout.shape.iter().zip(&layout.strides) {
        if d > 1 && s != 0 {
            terms.push(Term {
                a: s.unsigned_abs() as u128,
                ub: d as u128 - 1,
            });
        }
    }
    if itemsize > 1 {
        terms.push(Term {
            a: 1,
            ub: itemsize as u128 - 1,
        });
    }
}

/// Exact overlap of two views' bytes, given each view's buffer address.
pub(crate) fn solve_shares(
    a: (&Layout, usize, usize),
    b: (&Layout, usize, usize),
    max_work: u64,
) -> Overlap {
    let (Some((alo, ahi)), Some((blo, bhi))) =
        (byte_bounds(a.0, a.1, a.2), byte_bounds(b.0, b.1, b.2))
    else {
        return Overlap::No;
    };
    if ahi <= blo || bhi <= alo {
        return Overlap::No;
    }
    // alo + sum(A) = blo + sum(B)  <=>  sum(A) + sum(B') = blo - alo + sum(B ub), where B'
    // replaces each y by ub - y so that every coefficient is positive.
    let mut terms = Vec::new();
    address_terms(a.0, a.1, &mut terms);
    let first_b = terms.len();
    address_terms(b.0, b.1, &mut terms);
    let b_reach: i128 = terms[first_b..].iter().map(|t| (t.a * t.ub) as i128).sum();
    let rhs = blo - alo + b_reach;
    if rhs < 0 {
        return Overlap::No;
    }
    let mut search = Search::new(terms, max_work);
    match search.solve(rhs as u128, None) {
        Some(true) => Overlap::Yes,
        Some(false) => Overlap::No,
        None => Overlap::TooHard,
    }
}

/// Whether two distinct elements of one view share a byte.
pub(crate) fn solve_internal(layout: &Layout, itemsize: usize, max_work: u64) -> Overlap {
    if layout.is_empty() || itemsize == 0 {
        return Overlap::No;
    }
    if nested_strides(layout, itemsize) {
        return Overlap::No;
    }
    if layout
        .shape
        .iter()
        .zip(&layout.strides)
        .any(|(&d, &s)| d > 1 && s == 0)
    {
        return Overlap::Yes;
    }
    // Two index vectors x != y with sum a (x - y) + (u - v) = 0. With z = x - y + ub, each
    // z in [0, 2 ub], that is sum a z = sum a ub, with a solution other than z = ub. The
    // byte-within-element term is shared by both elements, which is the same problem with
    // one extra term (a = 1); a solution that differs only there is the same element.
    let mut terms = Vec::new();
    address_terms(layout, itemsize, &mut terms);
    let element_terms = terms.len() - usize::from(itemsize > 1);
    let rhs: u128 = terms.iter().map(|t| t.a * t.ub).sum();
    let trivial: Vec<u128> = terms.iter().map(|t| t.ub).collect();
    for t in &mut terms {
        t.ub *= 2;
    }
    let mut search = Search::new(terms, max_work);
    match search.solve(rhs, Some((&trivial, element_terms))) {
        Some(true) => Overlap::Yes,
        Some(false) => Overlap::No,
        None => Overlap::TooHard,
    }
}

/// The quick sufficient test for no internal overlap: sorted by stride, each axis steps past
/// everything the faster axes (and the element itself) cover.
fn nested_strides(layout: &Layout, itemsize: usize) -> bool {
    let mut axes: smallvec::SmallVec<[(u128, u128); 6]> = layout
        .shape
        .iter()
        .zip(&layout.strides)
        .filter(|(&d, _)| d > 1)
        .map(|(&d, &s)| (s.unsigned_abs() as u128, d as u128))
        .collect();
    axes.sort_unstable();
    let mut covered = itemsize as u128;
    for (s, d) in axes {
        if s < covered {
            return false;
        }
        covered += s * (d - 1);
    }
    true
}

/// The memory a view's elements cover: its layout, its itemsize and its buffer's address.
pub(crate) type Region<'a> = (&'a Layout, usize, usize);

/// How an input relates to the output it is written into: the one overlap policy that
/// kernels and copies follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aliasing {
    /// No shared byte: read it as it is.
    Apart,
    /// Exactly the output's elements (same start, shape, strides and itemsize): reading
    /// element i before writing element i is safe, and a copy onto itself changes nothing.
    Same,
    /// Shares bytes otherwise (or the search gave up): read it from a private copy first.
    MustCopy,
}

/// Classifies `input` against `out` by geometry alone: disjoint byte ranges first (cheap),
/// then the same elements, then NumPy's bounded search for a shared byte.
pub(crate) fn aliasing(out: Region<'_>, input: Region<'_>) -> Aliasing {
    let ((ol, oi, oa), (il, ii, ia)) = (out, input);
    match (byte_bounds(ol, oi, oa), byte_bounds(il, ii, ia)) {
        (Some((a, b)), Some((c, d))) if a < d && c < b => {}
        _ => return Aliasing::Apart,
    }
    let same_start = oa as isize + ol.offset == ia as isize + il.offset;
    if same_start && ol.shape == il.shape && ol.strides == il.strides && oi == ii {
        return Aliasing::Same;
    }
    match solve_shares(out, input, 1 << 16) {
        Overlap::No => Aliasing::Apart,
        Overlap::Yes | Overlap::TooHard => Aliasing::MustCopy,
    }
}

/// Refuses a writable layout whose distinct elements share a byte.
pub(crate) fn check_no_internal_overlap(layout: &Layout, itemsize: usize) -> Result<()> {
    match solve_internal(layout, itemsize, 1 << 20) {
        Overlap::No => Ok(()),
        Overlap::Yes => Err(Error::Geometry(format!(
            "a writable view's elements may not share bytes, but shape {:?} with strides {:?} \
             and itemsize {itemsize} makes two elements overlap; use a read-only View for \
             overlapping (e.g. broadcast) layouts",
            layout.shape.as_slice(),
            layout.strides.as_slice()
        ))),
        Overlap::TooHard => Err(Error::Geometry(format!(
            "could not prove within the work budget that shape {:?} with strides {:?} keeps \
             elements apart; a writable view needs that proof",
            layout.shape.as_slice(),
            layout.strides.as_slice()
        ))),
    }
}

/// Depth-first search for `sum a_i x_i = b`, `0 <= x_i <= ub_i`.
struct Search {
    terms: Vec<Term>,
    /// For each position in search order, the term's index before sorting.
    order: Vec<usize>,
    /// gcd of the coefficients from position i on.
    suffix_gcd: Vec<u128>,
    /// sum of a * ub from position i on.
    suffix_max: Vec<u128>,
    work: u64,
    max_work: u64,
}

impl Search {
    fn new(terms: Vec<Term>, max_work: u64) -> Search {
        let mut order: Vec<usize> = (0..terms.len()).filter(|&i| terms[i].ub > 0).collect();
        order.sort_by(|&x, &y| terms[y].a.cmp(&terms[x].a));
        let n = order.len();
        let mut suffix_gcd = vec![0; n + 1];
        let mut suffix_max = vec![0; n + 1];
        for p in (0..n).rev() {
            let t = terms[order[p]];
            suffix_gcd[p] = gcd(t.a, suffix_gcd[p + 1]);
            suffix_max[p] = suffix_max[p + 1] + t.a * t.ub;
        }
        Search {
            terms,
            order,
            suffix_gcd,
            suffix_max,
            work: 0,
            max_work,
        }
    }

    /// `Some(found)`, or `None` when the budget ran out. With `avoid = Some((x, k))`, a
    /// solution only counts if it differs from `x` in one of the terms before `k` (in the
    /// original numbering).
    fn solve(&mut self, b: u128, avoid: Option<(&[u128], usize)>) -> Option<bool> {
        // Terms with ub == 0 are fixed at 0 and left out of the order; for `avoid` they
        // equal their trivial value only if that is 0, which it is (trivial = ub / 2 = 0).
        self.dfs(0, b, avoid, true)
    }

    fn dfs(
        &mut self,
        p: usize,
        b: u128,
        avoid: Option<(&[u128], usize)>,
        same: bool,
    ) -> Option<bool> {
        let n = self.order.len();
        if p == n {
            return Some(b == 0 && !(avoid.is_some() && same));
        }
        if b > self.suffix_max[p] || b % self.suffix_gcd[p] != 0 {
            return Some(false);
        }
        self.work += 1;
        if self.work > self.max_work {
            return None;
        }
        let idx = self.order[p];
        let t = self.terms[idx];
        let counts = |x: u128| match avoid {
            Some((triv, k)) => same && (idx >= k || x == triv[idx]),
            None => false,
        };
        // x must leave a remainder the later terms can make: b - a x in [0, rest] and
        // divisible by their gcd g, so a x = b (mod g): x = x0 (mod g / gcd(a, g)).
        let rest = self.suffix_max[p + 1];
        let g = self.suffix_gcd[p + 1];
        let hi = t.ub.min(b / t.a);
        let lo = if b > rest {
            (b - rest).div_ceil(t.a)
        } else {
            0
        };
        if lo > hi {
            return Some(false);
        }
        if g == 0 {
            // Last term: x is determined.
            if b % t.a != 0 {
                return Some(false);
            }
            let x = b / t.a;
            return self.dfs(p + 1, 0, avoid, counts(x));
        }
        let d = gcd(t.a % g, g);
        let step = g / d;
        let x0 = match solve_congruence(t.a % g, b % g, g) {
            Some(x0) => x0,
            None => return Some(false),
        };
        // The largest candidate <= hi with x = x0 (mod step).
        let below = (hi % step + step - x0 % step) % step;
        if below > hi {
            return Some(false);
        }
        let mut x = hi - below;
        loop {
            if x < lo {
                return Some(false);
            }
            if self.dfs(p + 1, b - t.a * x, avoid, counts(x))? {
                return Some(true);
            }
            if x < step {
                return Some(false);
            }
            x -= step;
            self.work += 1;
            if self.work > self.max_work {
                return None;
            }
        }
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Some x in `[0, m / gcd(a, m))` with `a x = r (mod m)`, if one exists.
fn solve_congruence(a: u128, r: u128, m: u128) -> Option<u128> {
    let d = gcd(a, m);
    if r % d != 0 {
        return None;
    }
    let (a, r, m) = (a / d, r / d, m / d);
    if m == 1 {
        return Some(0);
    }
    let inv = mod_inverse(a % m, m)?;
    Some(mul_mod(inv, r % m, m))
}

/// Inverse of `a` modulo `m` (coprime), by the extended Euclidean algorithm.
fn mod_inverse(a: u128, m: u128) -> Option<u128> {
    let (mut old_r, mut r) = (a as i128, m as i128);
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    if old_r != 1 {
        return None;
    }
    Some(old_s.rem_euclid(m as i128) as u128)
}

/// `a * b mod m` without overflow for values below 2**127.
fn mul_mod(a: u128, b: u128, m: u128) -> u128 {
    let (mut a, mut b, mut out) = (a % m, b, 0u128);
    while b > 0 {
        if b & 1 == 1 {
            out = (out + a) % m;
        }
        a = (a << 1) % m;
        b >>= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Layout;

    fn layout(shape: &[usize], strides: &[isize], offset: isize) -> Layout {
        Layout {
            shape: shape.into(),
            strides: strides.into(),
            offset,
        }
    }

    /// A small xorshift generator: `next(n)` is uniform-ish in `0..n`.
    fn rng(mut state: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        }
    }

    /// The reference: every byte of every element, compared as sets.
    fn brute_bytes(l: &Layout, itemsize: usize) -> Vec<i128> {
        // Each element's offset, by counting through every multi-index (no engine walk).
        let mut offsets = vec![l.offset as i128];
        if l.is_empty() {
            offsets.clear();
        }
        for (&d, &s) in l.shape.iter().zip(&l.strides) {
            offsets = offsets
                .iter()
                .flat_map(|&o| (0..d as i128).map(move |i| o + i * s as i128))
                .collect();
        }
        offsets
            .into_iter()
            .flat_map(|off| (0..itemsize as i128).map(move |u| off + u))
            .collect()
    }

    fn brute_internal(l: &Layout, itemsize: usize) -> bool {
        let mut bytes = brute_bytes(l, itemsize);
        let n = bytes.len();
        bytes.sort_unstable();
        bytes.dedup();
        bytes.len() != n
    }

    #[test]
    fn internal_overlap_matches_brute_force() {
        let mut next = rng(0x2545f4914f6cdd1d);
        for _ in 0..if cfg!(miri) { 30 } else { 4000 } {
            let ndim = next(4) as usize + 1;
            let shape: Vec<usize> = (0..ndim).map(|_| next(4) as usize + 1).collect();
            let strides: Vec<isize> = (0..ndim).map(|_| next(25) as isize - 12).collect();
            let itemsize = next(4) as usize + 1;
            let l = layout(&shape, &strides, 200);
            let want = brute_internal(&l, itemsize);
            let got = solve_internal(&l, itemsize, 1 << 30);
            assert_eq!(
                got == Overlap::Yes,
                want,
                "{shape:?} {strides:?} {itemsize}"
            );
        }
    }

    #[test]
    fn shared_memory_matches_brute_force() {
        let mut next = rng(0x9e3779b97f4a7c15);
        for _ in 0..if cfg!(miri) { 30 } else { 4000 } {
            let mut make = || {
                let ndim = next(3) as usize + 1;
                let shape: Vec<usize> = (0..ndim).map(|_| next(4) as usize + 1).collect();
                let strides: Vec<isize> = (0..ndim).map(|_| next(31) as isize - 15).collect();
                (
                    layout(&shape, &strides, 100 + next(40) as isize),
                    next(5) as usize,
                )
            };
            let (la, ia) = make();
            let (lb, ib) = make();
            let (ba, bb) = (brute_bytes(&la, ia), brute_bytes(&lb, ib));
            let want = ba.iter().any(|x| bb.contains(x));
            let got = solve_shares((&la, ia, 0), (&lb, ib, 0), 1 << 30);
            assert_eq!(got == Overlap::Yes, want, "{la:?} {ia} / {lb:?} {ib}");
        }
    }
}
