//! `==` with memoryview's value semantics.

use super::access::equiv_shape;
use super::{RawView, View, ViewMut};
use crate::engine::{all_runs, Typed};

impl RawView {
    /// memoryview's `==`: shapes equal up to the first zero-length axis, then every pair of
    /// elements equal as Python values (so NaN != NaN, `'B'` 255 != `'b'` -1, and `'i'` 1 ==
    /// `'d'` 1.0).
    pub(crate) fn equals(&self, other: &RawView) -> bool {
        // Values ndview cannot decode are never equal, empty views included, as memoryview
        // has it (a `long double`'s padding bytes and signed zeros rule out comparing bytes).
        if self.format.opaque_code().is_some() || other.format.opaque_code().is_some() {
            return false;
        }
        if !equiv_shape(&self.layout.shape, &other.layout.shape) {
            return false;
        }
        if self.layout.is_empty() {
            return true;
        }
        let (a, b) = (Typed::bytes(self), Typed::bytes(other));
        all_runs(&self.layout.shape, [&a, &b], false, |[ra, rb]| {
            let (mut ba, mut bb) = (vec![0u8; self.itemsize()], vec![0u8; other.itemsize()]);
            (0..ra.len()).all(|i| {
                ra.read_bytes(i, 0, &mut ba);
                rb.read_bytes(i, 0, &mut bb);
                match (
                    self.format.decode_value(&ba),
                    other.format.decode_value(&bb),
                ) {
                    (Ok(x), Ok(y)) => x == y,
                    // Values too many to build (zero-size repetitions by the billion): equal
                    // when the formats and the bytes are.
                    _ => self.format.as_str() == other.format.as_str() && ba == bb,
                }
            })
        })
    }
}

impl PartialEq<View<'_>> for View<'_> {
    /// memoryview's `==` (see [`View`]): value comparison element by element, after the
    /// shapes match up to the first zero-length axis. memoryview treats formats that `struct`
    /// cannot parse (`T{...}`, `Zd`) as never equal, even to themselves; ndview compares their
    /// values like any other. Formats whose values ndview does not decode either
    /// ([`Format::opaque_code`](crate::Format::opaque_code): `g`, `Zg`, `u`, `w`) are never
    /// equal, as in memoryview.
    fn eq(&self, other: &View<'_>) -> bool {
        self.raw.equals(&other.raw)
    }
}

impl PartialEq<ViewMut<'_>> for View<'_> {
    fn eq(&self, other: &ViewMut<'_>) -> bool {
        self.raw.equals(&other.raw)
    }
}

impl PartialEq<View<'_>> for ViewMut<'_> {
    fn eq(&self, other: &View<'_>) -> bool {
        self.raw.equals(&other.raw)
    }
}

impl PartialEq<ViewMut<'_>> for ViewMut<'_> {
    fn eq(&self, other: &ViewMut<'_>) -> bool {
        self.raw.equals(&other.raw)
    }
}
