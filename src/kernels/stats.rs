//! NumPy's statistics and scans: `mean`, `var`, `std`, `argmin`, `argmax`, `any`, `all`,
//! `cumsum` (whole-view and along an axis), `clip` and `where`.
//!
//! Whole-view reductions run on the engine's block split ([`blocks`]): the sums of `mean` and
//! `var` on NumPy's pairwise summation, cut where its recursion cuts
//! (`engine::Walk::pairwise_blocks`), the others on fixed blocks (`engine::Walk::blocks`), so
//! the `par_` forms give the same bits as the sequential ones for any number of threads.
//! Axis reductions follow NumPy's two orders: along the axis that varies fastest in memory
//! each lane goes to one closure ([`map_lanes_with`]) and is summed pairwise; along any other
//! axis whole rows are added into the output in index order (`mean` and `var` as NumPy's
//! `add.reduce` computes them, one temporary of squared deviations for `var`). Either way
//! every output element is computed by one thread, in one order.
//!
//! Accumulators and NaN rules are NumPy's: means of integers and `bool` in `f64`, of `f16` in
//! `f32` (returned as `f16`), of `f32`/`f64` in themselves; `var` in two passes (mean, then the
//! sum of squared deviations, divided by `n - ddof`); `argmin`/`argmax` the first occurrence,
//! a NaN winning; `cumsum` of integers in `i64`/`u64` (wrapping), of floats in their own type.

use super::convert::{not_real, real_scalar, with_real_scalar};
use super::numeric::Numeric;
use super::operand::{fresh, input, output};
use super::reduce::{
    along_axis_in_order, blocks, finish_pairwise, map_lanes_with, pairwise, reduction, sum_walk,
    varies_fastest, Start, BLOCK,
};
use crate::array::Array;
use crate::element::Element;
use crate::engine::{Part, Typed, Walk};
use crate::error::{Error, Result};
use crate::layout::axis_index;
use crate::source::IntoView;
use crate::view::{View, ViewMut};
use half::f16;
use std::mem::size_of;

mod sealed {
    /// The float accumulators of means and variances (`f32`, `f64`).
    pub trait Real:
        crate::element::Element
        + PartialOrd
        + std::ops::Add<Output = Self>
        + std::ops::Sub<Output = Self>
        + std::ops::Mul<Output = Self>
    {
        /// 0.
        const ZERO: Self;
        /// The value as `f64` (exact).
        fn wide(self) -> f64;
    }
    impl Real for f32 {
        const ZERO: f32 = 0.0;
        fn wide(self) -> f64 {
            self as f64
        }
    }
    impl Real for f64 {
        const ZERO: f64 = 0.0;
        fn wide(self) -> f64 {
            self
        }
    }
}
use sealed::Real;

/// Element types with NumPy's statistics: what `mean`, `var`, `std` and `cumsum` return and
/// how they accumulate. Implemented for `bool`, the integers, `f16`, `f32` and `f64`.
///
/// | input | `mean`/`var`/`std` | accumulated in | `cumsum` |
/// |---|---|---|---|
/// | `bool`, signed integers | `f64` | `f64` | `i64` (wrapping) |
/// | unsigned integers | `f64` | `f64` | `u64` (wrapping) |
/// | `f16` | `f16` | `f32` (`var`: NumPy's `f16` steps) | `f16` |
/// | `f32`, `f64` | itself | itself | itself |
pub trait Stats: Numeric {
    /// The type of `mean`, `var` and `std`.
    type Mean: Element;
    /// The type of `cumsum`.
    type Cum: Element;
    #[doc(hidden)]
    type Sum: Real;
    #[doc(hidden)]
    const EXACT_CUM: bool;
    #[doc(hidden)]
    fn to_sum(self) -> Self::Sum;
    #[doc(hidden)]
    fn mean_of(sum: Self::Sum, n: usize) -> Self::Mean;
    /// The mean that `var` subtracts (NumPy's, rounded as NumPy rounds it).
    #[doc(hidden)]
    fn center(sum: Self::Sum, n: usize) -> Self::Sum;
    #[doc(hidden)]
    fn sq_dev(self, center: Self::Sum) -> Self::Sum;
    #[doc(hidden)]
    fn var_of(sum_sq: Self::Sum, dof: usize) -> Self::Mean;
    /// One addition of `var`'s row-by-row sums (along an axis that does not vary fastest),
    /// rounded as NumPy rounds it there: in the element type for `f16`, whose `var` NumPy
    /// sums without a wider dtype (its pairwise lane sums accumulate in `f32` instead).
    #[doc(hidden)]
    #[inline(always)]
    fn var_row_add(a: Self::Sum, b: Self::Sum) -> Self::Sum {
        a + b
    }
    #[doc(hidden)]
    fn sqrt(var: Self::Mean) -> Self::Mean;
    #[doc(hidden)]
    fn to_cum(self) -> Self::Cum;
    #[doc(hidden)]
    fn cum_zero() -> Self::Cum;
    #[doc(hidden)]
    fn cum_add(a: Self::Cum, b: Self::Cum) -> Self::Cum;
}

macro_rules! int_stats {
    ($($t:ty => $cum:ty),*) => {$(
        impl Stats for $t {
            type Mean = f64;
            type Cum = $cum;
            type Sum = f64;
            const EXACT_CUM: bool = true;
            #[inline(always)]
            fn to_sum(self) -> f64 { self as f64 }
            fn mean_of(sum: f64, n: usize) -> f64 { sum / n as f64 }
            fn center(sum: f64, n: usize) -> f64 { sum / n as f64 }
            #[inline(always)]
            fn sq_dev(self, c: f64) -> f64 { let d = self as f64 - c; d * d }
            fn var_of(s: f64, dof: usize) -> f64 { s / dof as f64 }
            fn sqrt(v: f64) -> f64 { v.sqrt() }
            #[inline(always)]
            fn to_cum(self) -> $cum { self as $cum }
            fn cum_zero() -> $cum { 0 }
            #[inline(always)]
            fn cum_add(a: $cum, b: $cum) -> $cum { a.wrapping_add(b) }
        }
    )*};
}

int_stats!(i8 => i64, i16 => i64, i32 => i64, i64 => i64, isize => i64,
           u8 => u64, u16 => u64, u32 => u64, u64 => u64, usize => u64);

impl Stats for bool {
    type Mean = f64;
    type Cum = i64;
    type Sum = f64;
    const EXACT_CUM: bool = true;
    fn to_sum(self) -> f64 {
        f64::from(u8::from(self))
    }
    fn mean_of(sum: f64, n: usize) -> f64 {
        sum / n as f64
    }
    fn center(sum: f64, n: usize) -> f64 {
        sum / n as f64
    }
    fn sq_dev(self, c: f64) -> f64 {
        let d = self.to_sum() - c;
        d * d
    }
    fn var_of(s: f64, dof: usize) -> f64 {
        s / dof as f64
    }
    fn sqrt(v: f64) -> f64 {
        v.sqrt()
    }
    fn to_cum(self) -> i64 {
        i64::from(self)
    }
    fn cum_zero() -> i64 {
        0
    }
    fn cum_add(a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
}

/// `f32` and `f64`: everything in the type itself; divisions by the count done in `f64` and
/// rounded once, as NumPy divides by its `intp` count.
macro_rules! float_stats {
    ($($t:ty),*) => {$(
        impl Stats for $t {
            type Mean = $t;
            type Cum = $t;
            type Sum = $t;
            const EXACT_CUM: bool = false;
            #[inline(always)]
            fn to_sum(self) -> $t { self }
            fn mean_of(sum: $t, n: usize) -> $t { (sum as f64 / n as f64) as $t }
            fn center(sum: $t, n: usize) -> $t { (sum as f64 / n as f64) as $t }
            #[inline(always)]
            fn sq_dev(self, c: $t) -> $t { let d = self - c; d * d }
            fn var_of(s: $t, dof: usize) -> $t { (s as f64 / dof as f64) as $t }
            fn sqrt(v: $t) -> $t { v.sqrt() }
            #[inline(always)]
            fn to_cum(self) -> $t { self }
            fn cum_zero() -> $t { 0.0 }
            #[inline(always)]
            fn cum_add(a: $t, b: $t) -> $t { a + b }
        }
    )*};
}

float_stats!(f32, f64);

/// `f16` as NumPy: `mean` sums in `f32` and rounds the quotient to `f16`; `var` takes NumPy's
/// `f16` steps (the sum rounded to `f16` before the division, deviations and squares rounded
/// to `f16`, their sum accumulated in `f32` and rounded to `f16`).
impl Stats for f16 {
    type Mean = f16;
    type Cum = f16;
    type Sum = f32;
    const EXACT_CUM: bool = false;
    #[inline(always)]
    fn to_sum(self) -> f32 {
        self.to_f32()
    }
    fn mean_of(sum: f32, n: usize) -> f16 {
        f16::from_f64(sum as f64 / n as f64)
    }
    fn center(sum: f32, n: usize) -> f32 {
        f16::from_f64(f16::from_f32(sum).to_f64() / n as f64).to_f32()
    }
    #[inline(always)]
    fn sq_dev(self, c: f32) -> f32 {
        let d = f16::from_f32(self.to_f32() - c).to_f32();
        f16::from_f32(d * d).to_f32()
    }
    fn var_of(s: f32, dof: usize) -> f16 {
        f16::from_f64(f16::from_f32(s).to_f64() / dof as f64)
    }
    #[inline(always)]
    fn var_row_add(a: f32, b: f32) -> f32 {
        f16::from_f32(a + b).to_f32()
    }
    fn sqrt(v: f16) -> f16 {
        f16::from_f32(v.to_f32().sqrt())
    }
    #[inline(always)]
    fn to_cum(self) -> f16 {
        self
    }
    fn cum_zero() -> f16 {
        f16::ZERO
    }
    #[inline(always)]
    fn cum_add(a: f16, b: f16) -> f16 {
        f16::from_f32(a.to_f32() + b.to_f32())
    }
}

/// The error of an argmin/argmax over nothing (NumPy's `ValueError`).
fn empty(name: &'static str) -> Error {
    Error::EmptyReduction { op: name }
}

/// The result of a reduction along an empty axis `ax`: `value` everywhere (the lanes hold no
/// element to visit).
fn along_empty<U: Element>(v: &View<'_>, ax: usize, value: U) -> Result<Array> {
    let mut shape: smallvec::SmallVec<[usize; 6]> = v.shape().into();
    shape.remove(ax);
    let mut out = Array::zeros_with(&U::format(), &shape)?;
    out.view_mut().fill(value)?;
    Ok(out)
}

/// Whether `x` counts as true (nonzero; NaN is true).
#[inline(always)]
fn truthy<T: Numeric>(x: T) -> bool {
    x.to_f64() != 0.0
}

/// Whether `(x, at)` beats the best so far, scanning in index order: the first NaN wins,
/// otherwise the first strictly smaller (larger) value.
#[inline(always)]
fn beats<T: Numeric>(best: T, x: T, max: bool) -> bool {
    !best.is_nan() && (x.is_nan() || if max { x > best } else { x < best })
}

/// The pairwise sum of `term(x)` over the whole view, in the blocks of `reduce.rs`.
fn sum_terms<T: Stats>(
    v: &View<'_>,
    parallel: bool,
    term: impl Fn(T) -> T::Sum + Sync,
) -> Result<T::Sum> {
    let walk = sum_walk::<T>(v)?;
    let add = |x: T::Sum, y: T::Sum| x + y;
    let partial = blocks::<T, T::Sum>(&walk, parallel, true, |visit, direct| {
        let mut buf: Vec<T::Sum> = Vec::with_capacity(BLOCK);
        match direct {
            Some(xs) => buf.extend(xs.iter().map(|&x| term(x))),
            None => visit(&mut |x: T| buf.push(term(x))),
        }
        pairwise(&buf, T::Sum::ZERO, &add)
    })?;
    Ok(finish_pairwise(&walk, partial, T::Sum::ZERO, &add))
}

fn mean_whole<T: Stats>(v: &View<'_>, parallel: bool) -> Result<T::Mean> {
    let s = sum_terms::<T>(v, parallel, T::to_sum)?;
    Ok(T::mean_of(s, v.len()))
}

fn var_whole<T: Stats>(v: &View<'_>, ddof: usize, parallel: bool) -> Result<T::Mean> {
    let n = v.len();
    let c = T::center(sum_terms::<T>(v, parallel, T::to_sum)?, n);
    let ss = sum_terms::<T>(v, parallel, |x| x.sq_dev(c))?;
    Ok(T::var_of(ss, n.saturating_sub(ddof)))
}

/// One value per lane along `axis`, computed from the lane's elements converted to `T::Sum`.
fn lanes_of_sums<T: Stats, U: Element>(
    v: &View<'_>,
    axis: isize,
    parallel: bool,
    body: impl Fn(&[T], &mut Vec<T::Sum>) -> U + Sync,
) -> Result<Array> {
    let ax = axis_index(axis, v.ndim())?;
    let d = v.shape()[ax];
    if d == 0 {
        return along_empty(v, ax, body(&[], &mut Vec::new()));
    }
    map_lanes_with::<T, U, Vec<T::Sum>>(
        v,
        ax,
        parallel,
        || crate::error::try_vec(d, "a reduction lane"),
        body,
    )
}

/// Pairwise sum of `term(x)` over a lane, in the scratch buffer.
fn lane_sum<T: Stats>(xs: &[T], buf: &mut Vec<T::Sum>, term: impl Fn(T) -> T::Sum) -> T::Sum {
    buf.clear();
    buf.extend(xs.iter().map(|&x| term(x)));
    // NumPy adds the lane's pairwise sum to the identity.
    T::Sum::ZERO + pairwise(buf, T::Sum::ZERO, &|x, y| x + y)
}

/// The axis when NumPy reduces along it row by row: it has more than one index and does not
/// vary fastest in memory. NumPy's `add.reduce` then adds whole rows into the output in index
/// order; along the fastest axis it sums each lane pairwise ([`lane_sum`]).
fn across_rows(v: &View<'_>, axis: isize) -> Result<Option<usize>> {
    if v.ndim() == 0 || v.is_empty() {
        return Ok(None);
    }
    let ax = axis_index(axis, v.ndim())?;
    Ok((v.shape()[ax] > 1 && !varies_fastest(v, ax)).then_some(ax))
}

/// The sums of `term(x)` along `ax`, each output element adding its inputs in index order
/// (NumPy's row by row `add.reduce`, from the identity).
fn row_sums<T: Element, S: Real>(
    v: &View<'_>,
    ax: usize,
    parallel: bool,
    term: impl Fn(T) -> S + Sync,
    add: impl Fn(S, S) -> S + Sync,
) -> Result<Array> {
    let step = move |a: S, x: T| add(a, term(x));
    along_axis_in_order::<T, S>(v, ax, parallel, Start::Value(S::ZERO), &step)
}

fn mean_along<T: Stats>(v: &View<'_>, axis: isize, parallel: bool) -> Result<Array> {
    if let Some(ax) = across_rows(v, axis)? {
        let n = v.shape()[ax];
        let sums = row_sums(v, ax, parallel, T::to_sum, |a, b| a + b)?;
        return sums.view().map_if(|s: T::Sum| T::mean_of(s, n), parallel);
    }
    lanes_of_sums::<T, T::Mean>(v, axis, parallel, |xs, buf| {
        T::mean_of(lane_sum(xs, buf, T::to_sum), xs.len())
    })
}

fn var_along<T: Stats>(
    v: &View<'_>,
    axis: isize,
    ddof: usize,
    sqrt: bool,
    parallel: bool,
) -> Result<Array> {
    let finish = move |var: T::Mean| if sqrt { T::sqrt(var) } else { var };
    if let Some(ax) = across_rows(v, axis)? {
        // NumPy's two passes, row by row: the means, the squared deviations from them (one
        // temporary as large as the view, as NumPy's `x = arr - arrmean`), their sums.
        let n = v.shape()[ax];
        let sums = row_sums(v, ax, parallel, T::to_sum, T::var_row_add)?;
        let centers = sums.view().map_if(|s: T::Sum| T::center(s, n), parallel)?;
        let deviations = v.zip_map_if(
            &centers.insert_axis(ax as isize)?,
            |x: T, c: T::Sum| x.sq_dev(c),
            parallel,
        )?;
        let squares = row_sums(&deviations.view(), ax, parallel, |y| y, T::var_row_add)?;
        let dof = n.saturating_sub(ddof);
        return squares
            .view()
            .map_if(|s: T::Sum| finish(T::var_of(s, dof)), parallel);
    }
    lanes_of_sums::<T, T::Mean>(v, axis, parallel, |xs, buf| {
        let n = xs.len();
        let c = T::center(lane_sum(xs, buf, T::to_sum), n);
        finish(T::var_of(
            lane_sum(xs, buf, |x| x.sq_dev(c)),
            n.saturating_sub(ddof),
        ))
    })
}

/// The C-order index of the first extreme element (a NaN winning), over blocks of a walk in
/// C order (the index is operand 0 of the plan, so the walk follows it).
fn arg_whole<T: Numeric>(v: &View<'_>, max: bool, parallel: bool) -> Result<usize> {
    let name = if max { "argmax" } else { "argmin" };
    if v.is_empty() {
        return Err(empty(name));
    }
    let a = input::<T>(&v.raw, v.shape())?;
    // The C index first: the walk goes in C order and hands out each run's indices.
    let walk = Walk::read(v.shape(), [Typed::c_index(v.shape()), a]);
    let partial = walk.blocks(parallel, |part| {
        let mut best: Option<(T, usize)> = None;
        part.for_each_run(|[ri, ra]| {
            let (i0, si) = ri.index().expect("operand 0 is the C index");
            let xs = ra.lane::<T>();
            for k in 0..xs.len() {
                let x = xs.get(k);
                if best.map_or(true, |(b, _)| beats(b, x, max)) {
                    best = Some((x, (i0 as isize + k as isize * si) as usize));
                }
            }
        });
        best
    })?;
    let mut best: Option<(T, usize)> = None;
    for (x, i) in partial.into_iter().flatten() {
        if best.map_or(true, |(b, _)| beats(b, x, max)) {
            best = Some((x, i));
        }
    }
    Ok(best.expect("a non-empty view has a first element").1)
}

/// Runs `f` on the view, or, for a 0-d view and axis 0 or -1, on it as one element along
/// axis 0 (NumPy's compatibility rule for `argmin`, `argmax`, `any`, `all`, `cumsum`).
fn zero_d_compat(
    v: &View<'_>,
    axis: isize,
    f: impl FnOnce(&View<'_>, isize) -> Result<Array>,
) -> Result<Array> {
    if v.ndim() == 0 && (axis == 0 || axis == -1) {
        let one = v.reshape(&[1])?;
        return f(&one, 0);
    }
    f(v, axis)
}

fn arg_along<T: Numeric>(v: &View<'_>, axis: isize, max: bool, parallel: bool) -> Result<Array> {
    zero_d_compat(v, axis, |v, axis| {
        let ax = axis_index(axis, v.ndim())?;
        if v.shape()[ax] == 0 {
            return Err(empty(if max { "argmax" } else { "argmin" }));
        }
        map_lanes_with::<T, i64, ()>(
            v,
            ax,
            parallel,
            || Ok(()),
            |xs, _| {
                let mut at = 0;
                for (i, &x) in xs.iter().enumerate().skip(1) {
                    if beats(xs[at], x, max) {
                        at = i;
                    }
                }
                at as i64
            },
        )
    })
}

/// `any` (`all` when `all` is set) over the whole view, in blocks.
fn truth_whole<T: Numeric>(v: &View<'_>, all: bool, parallel: bool) -> Result<bool> {
    let walk = reduction::<T>(v)?;
    // `any`: is some element true; `all`: is some element false.
    let hit = move |x: T| truthy(x) != all;
    let partial = blocks::<T, bool>(&walk, parallel, false, |visit, direct| match direct {
        Some(xs) => xs.iter().any(|&x| hit(x)),
        None => {
            let mut found = false;
            visit(&mut |x: T| found |= hit(x));
            found
        }
    })?;
    Ok(partial.into_iter().any(|h| h) != all)
}

fn truth_along<T: Numeric>(v: &View<'_>, axis: isize, all: bool, parallel: bool) -> Result<Array> {
    zero_d_compat(v, axis, |v, axis| {
        let ax = axis_index(axis, v.ndim())?;
        if v.shape()[ax] == 0 {
            return along_empty(v, ax, all);
        }
        map_lanes_with::<T, bool, ()>(
            v,
            ax,
            parallel,
            || Ok(()),
            |xs, _| xs.iter().any(|&x| truthy(x) != all) != all,
        )
    })
}

/// The cumulative sum in C order into a fresh 1-D array. The walk is planned with the output
/// first (C-contiguous), so it visits the input in C order. Integer sums wrap, so blocks can
/// be summed apart and offset (two passes, in parallel when asked); float sums run in order.
fn cumsum_whole<T: Stats>(v: &View<'_>, parallel: bool) -> Result<Array> {
    let n = v.len();
    let mut out = Array::zeros_with(&T::Cum::format(), &[n])?;
    // The output, C-contiguous, seen in the input's shape and walked first: C order.
    let o = output::<T::Cum>(&mut out.view_mut().reshape(v.shape())?)?;
    let a = input::<T>(&v.raw, v.shape())?;
    let walk = Walk::write(v.shape(), [o, a]);
    // Writes the running sums of a part's elements starting from `carry`.
    let scan = |part: Part<'_, 2>, mut carry: Option<T::Cum>| {
        part.for_each_run(|[ro, ra]| {
            let (mut ys, xs) = (ro.lane_mut::<T::Cum>(), ra.lane::<T>());
            assert_eq!(xs.len(), ys.len());
            for k in 0..ys.len() {
                let x = xs.get(k).to_cum();
                let s = carry.map_or(x, |c| T::cum_add(c, x));
                ys.set(k, s);
                carry = Some(s);
            }
        });
    };
    if T::EXACT_CUM && parallel && crate::engine::worth_splitting(n, size_of::<T>()) {
        // Block totals, their exclusive prefix sums, then each block from its offset.
        let totals = walk.blocks(true, |part| {
            let mut t = T::cum_zero();
            part.for_each_run(|[_, ra]| {
                let xs = ra.lane::<T>();
                for k in 0..xs.len() {
                    t = T::cum_add(t, xs.get(k).to_cum());
                }
            });
            t
        })?;
        let mut starts = crate::error::try_vec(totals.len(), "cumsum blocks")?;
        let mut acc = T::cum_zero();
        for t in totals {
            starts.push(acc);
            acc = T::cum_add(acc, t);
        }
        walk.blocks(true, |part| {
            let start = starts[part.range().start / BLOCK];
            scan(part, Some(start));
        })?;
    } else {
        walk.chunks(false, 0, |part| scan(part, None));
    }
    Ok(out)
}

/// The cumulative sums along `axis`: each lane scanned in index order by one thread.
fn cumsum_along<T: Stats>(v: &View<'_>, axis: isize, parallel: bool) -> Result<Array> {
    zero_d_compat(v, axis, |v, axis| {
        let ax = axis_index(axis, v.ndim())?;
        let shape = v.shape();
        let (out, o) = fresh::<T::Cum>(shape)?;
        let a = input::<T>(&v.raw, shape)?;
        let d = shape[ax];
        if d == 0 {
            return Ok(out);
        }
        let walk = Walk::lanes(shape, ax, [o, a], [true, true]);
        walk.chunks(parallel, v.len() * size_of::<T>(), |part| {
            part.for_each_lane(|[ro, ra]| {
                let (mut ys, xs) = (ro.lane_mut::<T::Cum>(), ra.lane::<T>());
                assert_eq!(xs.len(), ys.len());
                let mut carry: Option<T::Cum> = None;
                for k in 0..ys.len() {
                    let x = xs.get(k).to_cum();
                    let s = carry.map_or(x, |c| T::cum_add(c, x));
                    ys.set(k, s);
                    carry = Some(s);
                }
            })
        });
        Ok(out)
    })
}

/// NumPy's `clip`: `minimum(maximum(x, min), max)`, a NaN anywhere propagating.
#[inline(always)]
fn clip1<T: Numeric>(x: T, min: T, max: T) -> T {
    let m = if x.is_nan() || min.is_nan() {
        if x.is_nan() {
            x
        } else {
            min
        }
    } else if x < min {
        min
    } else {
        x
    };
    if m.is_nan() || max.is_nan() {
        if m.is_nan() {
            m
        } else {
            max
        }
    } else if max < m {
        max
    } else {
        m
    }
}

impl<'a> View<'a> {
    /// The arithmetic mean of all elements, accumulated as NumPy does (see [`Stats`]); NaN
    /// for an empty view.
    ///
    /// ```
    /// let data: Vec<i32> = (1..=6).collect();
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!(v.mean::<i32>().unwrap(), 3.5);
    /// assert_eq!(v.par_mean::<i32>().unwrap(), 3.5);
    /// let m = v.reshape(&[2, 3]).unwrap().mean_axis::<i32>(-1).unwrap();
    /// assert_eq!(m.as_slice::<f64>().unwrap(), &[2.0, 5.0]);
    /// ```
    pub fn mean<T: Stats>(&self) -> Result<T::Mean> {
        mean_whole::<T>(self, false)
    }

    /// [`View::mean`] split across rayon's pool; bit-identical to the sequential result.
    pub fn par_mean<T: Stats>(&self) -> Result<T::Mean> {
        mean_whole::<T>(self, true)
    }

    /// Means along `axis` (negative counts from the end) into a new [`Array`] of
    /// [`Stats::Mean`]; each lane is summed pairwise. NaN for an empty lane.
    pub fn mean_axis<T: Stats>(&self, axis: isize) -> Result<Array> {
        mean_along::<T>(self, axis, false)
    }

    /// [`View::mean_axis`] split across rayon's pool; bit-identical.
    pub fn par_mean_axis<T: Stats>(&self, axis: isize) -> Result<Array> {
        mean_along::<T>(self, axis, true)
    }

    /// The variance, as NumPy computes it: the mean, then the sum of squared deviations from
    /// it divided by `n - ddof`. When `n - ddof <= 0` the division is by 0, as in NumPy
    /// (which also warns): NaN when the deviations sum to 0 (or the view is empty), else
    /// infinity.
    ///
    /// ```
    /// let data = [1.0f64, 2.0, 3.0, 4.0];
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!(v.var::<f64>(0).unwrap(), 1.25);
    /// assert_eq!(v.var::<f64>(1).unwrap(), 5.0 / 3.0);
    /// assert_eq!(v.par_std::<f64>(0).unwrap(), 1.25f64.sqrt());
    /// let cols = v.reshape(&[2, 2]).unwrap().var_axis::<f64>(0, 0).unwrap();
    /// assert_eq!(cols.as_slice::<f64>().unwrap(), &[1.0, 1.0]);
    /// ```
    pub fn var<T: Stats>(&self, ddof: usize) -> Result<T::Mean> {
        var_whole::<T>(self, ddof, false)
    }

    /// [`View::var`] split across rayon's pool; bit-identical.
    pub fn par_var<T: Stats>(&self, ddof: usize) -> Result<T::Mean> {
        var_whole::<T>(self, ddof, true)
    }

    /// Variances along `axis` into a new [`Array`] of [`Stats::Mean`], in NumPy's order:
    /// each lane in two pairwise passes along the axis that varies fastest in memory; along
    /// any other axis, as NumPy does, through a temporary of the squared deviations as large
    /// as the view (of the sum type: 8 bytes per element for integers), so a huge broadcast
    /// view can give [`Error::Alloc`] there.
    pub fn var_axis<T: Stats>(&self, axis: isize, ddof: usize) -> Result<Array> {
        var_along::<T>(self, axis, ddof, false, false)
    }

    /// [`View::var_axis`] split across rayon's pool; bit-identical.
    pub fn par_var_axis<T: Stats>(&self, axis: isize, ddof: usize) -> Result<Array> {
        var_along::<T>(self, axis, ddof, false, true)
    }

    /// The standard deviation: the square root of [`View::var`] (rounded to the result type).
    ///
    /// ```
    /// let data = [2u8, 4, 4, 4, 5, 5, 7, 9];
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!(v.std::<u8>(0).unwrap(), 2.0);
    /// let s = v.reshape(&[2, 4]).unwrap().std_axis::<u8>(1, 0).unwrap();
    /// assert_eq!(s.as_slice::<f64>().unwrap(), &[0.8660254037844386, 1.6583123951777]);
    /// ```
    pub fn std<T: Stats>(&self, ddof: usize) -> Result<T::Mean> {
        Ok(T::sqrt(var_whole::<T>(self, ddof, false)?))
    }

    /// [`View::std`] split across rayon's pool; bit-identical.
    pub fn par_std<T: Stats>(&self, ddof: usize) -> Result<T::Mean> {
        Ok(T::sqrt(var_whole::<T>(self, ddof, true)?))
    }

    /// Standard deviations along `axis`.
    pub fn std_axis<T: Stats>(&self, axis: isize, ddof: usize) -> Result<Array> {
        var_along::<T>(self, axis, ddof, true, false)
    }

    /// [`View::std_axis`] split across rayon's pool; bit-identical.
    pub fn par_std_axis<T: Stats>(&self, axis: isize, ddof: usize) -> Result<Array> {
        var_along::<T>(self, axis, ddof, true, true)
    }

    /// The C-order (flat) index of the first smallest element; the first NaN if any, as in
    /// NumPy. An [`Error::EmptyReduction`] for an empty view (NumPy's `ValueError`).
    ///
    /// ```
    /// let data = [3.0f32, 1.0, 1.0, f32::NAN, 0.0, f32::NAN];
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!(v.argmin::<f32>().unwrap(), 3);
    /// assert_eq!(v.slice_str(":3").unwrap().par_argmin::<f32>().unwrap(), 1);
    /// let m = v.reshape(&[2, 3]).unwrap().argmin_axis::<f32>(1).unwrap();
    /// assert_eq!(m.as_slice::<i64>().unwrap(), &[1, 0]);
    /// ```
    pub fn argmin<T: Numeric>(&self) -> Result<usize> {
        arg_whole::<T>(self, false, false)
    }

    /// [`View::argmin`] split across rayon's pool.
    pub fn par_argmin<T: Numeric>(&self) -> Result<usize> {
        arg_whole::<T>(self, false, true)
    }

    /// Indices (`i64`, NumPy's `intp`) of the first smallest element along `axis`; an error
    /// when the axis is empty. A 0-d view takes axis 0 or -1, as in NumPy.
    pub fn argmin_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        arg_along::<T>(self, axis, false, false)
    }

    /// [`View::argmin_axis`] split across rayon's pool.
    pub fn par_argmin_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        arg_along::<T>(self, axis, false, true)
    }

    /// The C-order index of the first largest element (the first NaN if any); an error for
    /// an empty view.
    ///
    /// ```
    /// let data = [1i8, 9, 9, -4];
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!(v.argmax::<i8>().unwrap(), 1);
    /// assert_eq!(v.par_argmax::<i8>().unwrap(), 1);
    /// let m = v.reshape(&[2, 2]).unwrap().argmax_axis::<i8>(0).unwrap();
    /// assert_eq!(m.as_slice::<i64>().unwrap(), &[1, 0]);
    /// ```
    pub fn argmax<T: Numeric>(&self) -> Result<usize> {
        arg_whole::<T>(self, true, false)
    }

    /// [`View::argmax`] split across rayon's pool.
    pub fn par_argmax<T: Numeric>(&self) -> Result<usize> {
        arg_whole::<T>(self, true, true)
    }

    /// Indices of the first largest element along `axis` (see [`View::argmin_axis`]).
    pub fn argmax_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        arg_along::<T>(self, axis, true, false)
    }

    /// [`View::argmax_axis`] split across rayon's pool.
    pub fn par_argmax_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        arg_along::<T>(self, axis, true, true)
    }

    /// Whether any element is nonzero (NaN counts as nonzero); `false` for an empty view.
    ///
    /// ```
    /// let data = [0.0f64, f64::NAN, 0.0, 0.0];
    /// let v = ndview::View::from_slice(&data);
    /// assert!(v.any::<f64>().unwrap() && !v.all::<f64>().unwrap());
    /// assert!(v.par_any::<f64>().unwrap());
    /// let rows = v.reshape(&[2, 2]).unwrap().any_axis::<f64>(1).unwrap();
    /// assert_eq!(rows.to_vec::<bool>().unwrap(), [true, false]);
    /// ```
    pub fn any<T: Numeric>(&self) -> Result<bool> {
        truth_whole::<T>(self, false, false)
    }

    /// [`View::any`] split across rayon's pool.
    pub fn par_any<T: Numeric>(&self) -> Result<bool> {
        truth_whole::<T>(self, false, true)
    }

    /// [`View::any`] along `axis` into a new [`Array`] of `bool` (a 0-d view takes axis 0
    /// or -1).
    pub fn any_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        truth_along::<T>(self, axis, false, false)
    }

    /// [`View::any_axis`] split across rayon's pool.
    pub fn par_any_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        truth_along::<T>(self, axis, false, true)
    }

    /// Whether every element is nonzero (NaN counts as nonzero); `true` for an empty view.
    ///
    /// ```
    /// let data = [true, true, false, true];
    /// let v = ndview::View::from_slice(&data);
    /// assert!(!v.all::<bool>().unwrap() && !v.par_all::<bool>().unwrap());
    /// let cols = v.reshape(&[2, 2]).unwrap().all_axis::<bool>(0).unwrap();
    /// assert_eq!(cols.to_vec::<bool>().unwrap(), [false, true]);
    /// ```
    pub fn all<T: Numeric>(&self) -> Result<bool> {
        truth_whole::<T>(self, true, false)
    }

    /// [`View::all`] split across rayon's pool.
    pub fn par_all<T: Numeric>(&self) -> Result<bool> {
        truth_whole::<T>(self, true, true)
    }

    /// [`View::all`] along `axis` into a new [`Array`] of `bool`.
    pub fn all_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        truth_along::<T>(self, axis, true, false)
    }

    /// [`View::all_axis`] split across rayon's pool.
    pub fn par_all_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        truth_along::<T>(self, axis, true, true)
    }

    /// The running sums of the elements in C order, as a new 1-D [`Array`] of
    /// [`Stats::Cum`] (NumPy's `cumsum()` without an axis): integers in 64 bits, wrapping;
    /// floats in their own type, added in order.
    ///
    /// ```
    /// let data = [1u8, 2, 3, 4, 5, 6];
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
    /// let c = v.transpose().cumsum::<u8>().unwrap();
    /// assert_eq!(c.as_slice::<u64>().unwrap(), &[1, 5, 7, 12, 15, 21]);
    /// assert_eq!(v.par_cumsum::<u8>().unwrap().as_slice::<u64>().unwrap(), &[1, 3, 6, 10, 15, 21]);
    /// let rows = v.cumsum_axis::<u8>(-1).unwrap();
    /// assert_eq!(rows.as_slice::<u64>().unwrap(), &[1, 3, 6, 4, 9, 15]);
    /// ```
    pub fn cumsum<T: Stats>(&self) -> Result<Array> {
        cumsum_whole::<T>(self, false)
    }

    /// [`View::cumsum`] split across rayon's pool for integers (two passes over fixed
    /// blocks; exact, so bit-identical); float sums depend on their order and run in order.
    pub fn par_cumsum<T: Stats>(&self) -> Result<Array> {
        cumsum_whole::<T>(self, true)
    }

    /// The running sums along `axis`, into a new [`Array`] of the view's shape (a 0-d view
    /// takes axis 0 or -1 and gives one element, as in NumPy).
    pub fn cumsum_axis<T: Stats>(&self, axis: isize) -> Result<Array> {
        cumsum_along::<T>(self, axis, false)
    }

    /// [`View::cumsum_axis`] split across rayon's pool (each lane summed by one thread).
    pub fn par_cumsum_axis<T: Stats>(&self, axis: isize) -> Result<Array> {
        cumsum_along::<T>(self, axis, true)
    }

    /// The elements limited to `[min, max]` into a new [`Array`], as NumPy's `clip`
    /// (`minimum(maximum(x, min), max)`: a NaN element or bound gives NaN; `min > max`
    /// gives `max` everywhere).
    ///
    /// ```
    /// let data = [-5i16, 0, 7, 300];
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!(v.clip(0i16, 255).unwrap().as_slice::<i16>().unwrap(), &[0, 0, 7, 255]);
    /// assert_eq!(v.par_clip(1i16, 2).unwrap().as_slice::<i16>().unwrap(), &[1, 1, 2, 2]);
    /// ```
    pub fn clip<T: Numeric>(&self, min: T, max: T) -> Result<Array> {
        self.map(move |x: T| clip1(x, min, max))
    }

    /// [`View::clip`] split across rayon's pool.
    pub fn par_clip<T: Numeric>(&self, min: T, max: T) -> Result<Array> {
        self.par_map(move |x: T| clip1(x, min, max))
    }
}

impl<'a> ViewMut<'a> {
    /// [`View::clip`] in place (NumPy's `np.clip(a, min, max, out=a)`).
    ///
    /// ```
    /// let mut data = [0.5f32, -1.0, 2.0];
    /// let mut v = ndview::ViewMut::from_slice(&mut data);
    /// v.clip_inplace(0.0f32, 1.0).unwrap();
    /// assert_eq!(data, [0.5, 0.0, 1.0]);
    /// ```
    pub fn clip_inplace<T: Numeric>(&mut self, min: T, max: T) -> Result<()> {
        self.apply(move |x: T| clip1(x, min, max))
    }

    /// [`ViewMut::clip_inplace`] split across rayon's pool.
    pub fn par_clip_inplace<T: Numeric>(&mut self, min: T, max: T) -> Result<()> {
        self.par_apply(move |x: T| clip1(x, min, max))
    }
}

fn select<T: Element>(cond: &View<'_>, x: &View<'_>, y: &View<'_>, par: bool) -> Result<Array> {
    let s = real_scalar(cond, "where_'s condition")?;
    with_real_scalar!(
        s,
        C => {
            let pick = |c: C, a: T, b: T| if truthy(c) { a } else { b };
            if par {
                cond.par_zip_map3::<C, T, T, T>(x, y, pick)
            } else {
                cond.zip_map3::<C, T, T, T>(x, y, pick)
            }
        },
        Err(not_real(s, "where_'s condition"))
    )
}

/// NumPy's `np.where(cond, x, y)`: `x` where `cond` is true (nonzero; any real element type),
/// else `y`, the three views broadcast against each other, into a new [`Array`] of `T` (the
/// format of `x` and `y`, which must both hold `T`).
///
/// ```
/// let cond = [true, false, true];
/// let x = [1.0f32, 2.0, 3.0];
/// let r = ndview::where_::<f32>(&cond, &x, &[0.0f32])?;
/// assert_eq!(r.as_slice::<f32>()?, &[1.0, 0.0, 3.0]);
/// let big = ndview::View::from_slice(&x).map(|v: f32| v > 1.5)?;
/// let r = ndview::par_where::<f32>(&big, &x, &[0.0f32])?;
/// assert_eq!(r.as_slice::<f32>()?, &[0.0, 2.0, 3.0]);
/// # Ok::<(), ndview::Error>(())
/// ```
pub fn where_<'v, T: Element>(
    cond: impl IntoView<'v>,
    x: impl IntoView<'v>,
    y: impl IntoView<'v>,
) -> Result<Array> {
    select::<T>(&cond.view_cow(), &x.view_cow(), &y.view_cow(), false)
}

/// [`where_`] split across rayon's pool.
pub fn par_where<'v, T: Element>(
    cond: impl IntoView<'v>,
    x: impl IntoView<'v>,
    y: impl IntoView<'v>,
) -> Result<Array> {
    select::<T>(&cond.view_cow(), &x.view_cow(), &y.view_cow(), true)
}
