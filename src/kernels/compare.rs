//! Comparisons with a tolerance: NumPy's `allclose`, and `approx`'s traits for views.

use super::convert::{real_scalar, with_real_scalar};
use super::numeric::Numeric;
use super::operand::input;
use crate::engine::{Run, Typed};
use crate::error::Result;
use crate::format::Scalar;
use crate::layout::broadcast_shapes;
use crate::source::IntoView;
use crate::view::View;

/// Loads elements `start..start + out.len()` of a run of real scalar type `s` as `f64`;
/// `false` for a complex type (which `all_pairs` refuses before walking).
fn load_f64s(run: &Run<'_>, s: Scalar, start: usize, out: &mut [f64]) -> bool {
    with_real_scalar!(
        s,
        T => {
            let lane = run.lane::<T>();
            for (k, o) in out.iter_mut().enumerate() {
                *o = lane.get(start + k).to_f64();
            }
            true
        },
        false
    )
}

/// Whether every pair of elements (broadcast together) satisfies `close(a, b)`, with both
/// loaded as `f64`. Views that do not hold real numbers are never close.
fn all_pairs(
    a: &View<'_>,
    b: &View<'_>,
    broadcast: bool,
    parallel: bool,
    close: impl Fn(f64, f64) -> bool + Sync,
) -> bool {
    let (Ok(sa), Ok(sb)) = (real_scalar(a, "comparison"), real_scalar(b, "comparison")) else {
        return false;
    };
    let shape = if broadcast {
        match broadcast_shapes(&[a.shape(), b.shape()]) {
            Ok(s) => s,
            Err(_) => return false,
        }
    } else if a.shape() == b.shape() {
        a.shape().into()
    } else {
        return false;
    };
    let ops = (input_any(a, sa, &shape), input_any(b, sb, &shape));
    let (Some(oa), Some(ob)) = ops else {
        return false;
    };
    // Each run is loaded as f64 a block at a time (one dispatch per operand and block, not
    // one body per pair of types).
    const BLOCK: usize = 256;
    crate::engine::all_runs(&shape, [&oa, &ob], parallel, |[ra, rb]| {
        let (mut xs, mut ys) = ([0.0; BLOCK], [0.0; BLOCK]);
        let len = ra.len();
        (0..len).step_by(BLOCK).all(|start| {
            let n = BLOCK.min(len - start);
            load_f64s(&ra, sa, start, &mut xs[..n])
                && load_f64s(&rb, sb, start, &mut ys[..n])
                && xs[..n].iter().zip(&ys[..n]).all(|(&x, &y)| close(x, y))
        })
    })
}

/// The operand of `v` broadcast to `shape`, typed by its own scalar.
fn input_any(v: &View<'_>, s: Scalar, shape: &[usize]) -> Option<Typed> {
    with_real_scalar!(s, T => input::<T>(&v.raw, shape).ok(), None)
}

impl<'a> View<'a> {
    /// NumPy's `allclose(a, b, rtol, atol)`: the views broadcast together and every pair
    /// satisfies `|a - b| <= atol + rtol * |b|` (infinities must be equal; NaN is never close).
    /// Any real element types, compared as `f64`.
    ///
    /// ```
    /// let a = [1.0f64, 2.0, 3.0];
    /// let b = [1.0f32, 2.000001, 3.0];
    /// let (va, vb) = (ndview::View::from_slice(&a), ndview::View::from_slice(&b));
    /// assert!(va.allclose(&vb, 1e-5, 1e-8).unwrap());
    /// assert!(!va.allclose(&vb, 0.0, 0.0).unwrap());
    /// ```
    pub fn allclose<'v>(&self, other: impl IntoView<'v>, rtol: f64, atol: f64) -> Result<bool> {
        let other = other.view_cow();
        allclose(self, &other, rtol, atol, false)
    }

    /// [`View::allclose`] split across rayon's pool for large views (the same answer; it
    /// stops early once any pair is not close).
    pub fn par_allclose<'v>(&self, other: impl IntoView<'v>, rtol: f64, atol: f64) -> Result<bool> {
        let other = other.view_cow();
        allclose(self, &other, rtol, atol, true)
    }
}

/// NumPy's `allclose`, sequential or parallel.
fn allclose(a: &View<'_>, b: &View<'_>, rtol: f64, atol: f64, parallel: bool) -> Result<bool> {
    real_scalar(a, "allclose")?;
    real_scalar(b, "allclose")?;
    broadcast_shapes(&[a.shape(), b.shape()])?;
    Ok(all_pairs(a, b, true, parallel, |x, y| {
        isclose(x, y, rtol, atol)
    }))
}

/// NumPy's `isclose` for one pair (equal_nan = False).
pub(crate) fn isclose(a: f64, b: f64, rtol: f64, atol: f64) -> bool {
    if a.is_finite() && b.is_finite() {
        (a - b).abs() <= atol + rtol * b.abs()
    } else {
        a == b
    }
}

impl approx::AbsDiffEq for View<'_> {
    type Epsilon = f64;

    fn default_epsilon() -> f64 {
        f64::EPSILON
    }

    /// Same shape, and every pair within `epsilon` of each other (as `f64`).
    fn abs_diff_eq(&self, other: &Self, epsilon: f64) -> bool {
        all_pairs(self, other, false, false, |a, b| a.abs_diff_eq(&b, epsilon))
    }
}

impl approx::RelativeEq for View<'_> {
    fn default_max_relative() -> f64 {
        f64::EPSILON
    }

    /// Same shape, and every pair relatively equal as `f64`s are.
    fn relative_eq(&self, other: &Self, epsilon: f64, max_relative: f64) -> bool {
        all_pairs(self, other, false, false, |a, b| {
            approx::RelativeEq::relative_eq(&a, &b, epsilon, max_relative)
        })
    }
}

impl approx::UlpsEq for View<'_> {
    fn default_max_ulps() -> u32 {
        4
    }

    /// Same shape, and every pair within `max_ulps` units in the last place (as `f64`s).
    fn ulps_eq(&self, other: &Self, epsilon: f64, max_ulps: u32) -> bool {
        all_pairs(self, other, false, false, |a, b| {
            approx::UlpsEq::ulps_eq(&a, &b, epsilon, max_ulps)
        })
    }
}
