//! Whether two views share memory: NumPy's `may_share_memory` and `shares_memory`, over the
//! geometry solver in `overlap.rs`.

use super::View;
use crate::overlap::{byte_bounds, solve_shares, Overlap};

/// NumPy's `may_share_memory`: whether the byte ranges the two views span intersect. Cheap and
/// conservative: `true` does not prove a shared byte (see [`shares_memory`]).
///
/// ```
/// let data = [0u8; 10];
/// let v = ndview::View::from_bytes(&data);
/// let (even, odd) = (v.slice_str("::2").unwrap(), v.slice_str("1::2").unwrap());
/// assert!(ndview::may_share_memory(&even, &odd));
/// assert!(!ndview::shares_memory(&even, &odd));
/// ```
pub fn may_share_memory(a: &View<'_>, b: &View<'_>) -> bool {
    let bounds = |v: &View<'_>| {
        let (layout, itemsize, addr) = v.raw.region();
        byte_bounds(layout, itemsize, addr)
    };
    match (bounds(a), bounds(b)) {
        (Some((alo, ahi)), Some((blo, bhi))) => alo < bhi && blo < ahi,
        _ => false,
    }
}

/// NumPy's `shares_memory` with `max_work=None`: whether some byte belongs to an element of
/// both views, solved exactly.
///
/// **Cost bound.** The problem is NP-hard in general: the search visits up to the product,
/// over both views' axes, of the number of distinct positions along each axis, so two
/// 16-axis views with long axes and unrelated strides can take minutes, as NumPy's
/// `shares_memory(a, b, max_work=None)` can. Layouts met in practice (slices, transposes,
/// broadcasts of one buffer) are answered in microseconds. Where the views come from
/// untrusted input, use [`shares_memory_bounded`] with a work limit (NumPy's `max_work`),
/// which answers "too hard" instead of running long.
pub fn shares_memory(a: &View<'_>, b: &View<'_>) -> bool {
    shares_memory_bounded(a, b, u64::MAX) == Overlap::Yes
}

/// [`shares_memory`] with a budget of search steps, as NumPy's `max_work`; answers
/// [`Overlap::TooHard`] when the budget runs out.
pub fn shares_memory_bounded(a: &View<'_>, b: &View<'_>, max_work: u64) -> Overlap {
    solve_shares(a.raw.region(), b.raw.region(), max_work)
}
