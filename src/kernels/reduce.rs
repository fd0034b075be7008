//! Reductions: sum, product, min, max, fold, whole-view and along an axis.
//!
//! Whole-view reductions cut the walk into blocks of at most [`BLOCK`] elements and combine
//! the blocks' results in order. Sums are NumPy's pairwise summation, cut into blocks where
//! its recursion cuts the halves, walked in index order along reversed axes as NumPy's
//! reductions are (products use the same pairwise order, where NumPy multiplies in
//! sequence); the other reductions take fixed blocks in memory order. The
//! blocks do not depend on the number of threads, so the sequential and parallel forms give
//! bit-identical results.

use super::numeric::Numeric;
use super::operand::{fresh, input};
use crate::array::Array;
use crate::element::Element;
use crate::engine::{block_slots, reduce_blocks, reduce_into, runs_seq, Run, Typed, Walk};
use crate::error::{Error, Result};
use crate::layout::axis_index;
use crate::view::View;
use std::mem::size_of;

pub(crate) use super::pairwise::pairwise;
pub(crate) use crate::engine::BLOCK;

/// Reduces every block of the walk over `a` with `block`, in parallel when asked, and returns
/// the block results in order. `block` gets the block as a slice when it is one contiguous,
/// aligned, native run, and always a visitor of its elements in walk order.
///
/// With `pairwise`, the blocks are the leaves of NumPy's pairwise recursion
/// ([`Walk::pairwise_blocks`]), for [`combine_pairwise`]; otherwise blocks of [`BLOCK`].
pub(super) fn blocks<T: Element, R: Send>(
    walk: &Walk<1>,
    parallel: bool,
    pairwise: bool,
    block: impl Fn(&mut dyn FnMut(&mut dyn FnMut(T)), Option<&[T]>) -> R + Sync,
) -> Result<Vec<R>> {
    let one = |part: crate::engine::Part<'_, 1>| {
        let visit = |sink: &mut dyn FnMut(T)| {
            part.for_each_run(|[r]| {
                let xs = r.lane::<T>();
                for i in 0..xs.len() {
                    sink(xs.get(i));
                }
            })
        };
        let want = part.range().len();
        let mut result = None;
        part.for_each_run(|[r]| {
            if r.len() == want {
                if let Some(xs) = r.lane::<T>().as_slice() {
                    result = Some(block(&mut { visit }, Some(xs)));
                }
            }
        });
        result.unwrap_or_else(|| block(&mut { visit }, None))
    };
    if pairwise {
        walk.pairwise_blocks(parallel, one)
    } else {
        walk.blocks(parallel, one)
    }
}

/// The walk of a whole-view reduction over `T` (memory order where the layout allows).
pub(super) fn reduction<T: Element>(v: &View<'_>) -> Result<Walk<1>> {
    Ok(Walk::read(v.shape(), [input::<T>(&v.raw, v.shape())?]))
}

/// The walk of a whole-view sum: as [`reduction`], but in index order along axes of negative
/// stride, as NumPy's reductions walk (a sum's last bits depend on the order).
pub(super) fn sum_walk<T: Element>(v: &View<'_>) -> Result<Walk<1>> {
    Ok(Walk::read_in_index_order(
        v.shape(),
        [input::<T>(&v.raw, v.shape())?],
    ))
}

/// `zero + ` the pairwise combination of the leaf sums (NumPy adds the reduction to its
/// identity), or `zero` for an empty walk.
pub(super) fn finish_pairwise<A: Copy>(
    walk: &Walk<1>,
    leaves: Vec<A>,
    zero: A,
    add: &impl Fn(A, A) -> A,
) -> A {
    crate::engine::combine_pairwise(walk.count(), leaves, add).map_or(zero, |s| add(zero, s))
}

/// Sum or product over the whole view: NumPy's pairwise summation over the walk, cut into
/// blocks at the recursion's own cuts.
fn accumulate<T: Numeric>(
    v: &View<'_>,
    parallel: bool,
    zero: T::Acc,
    add: impl Fn(T::Acc, T::Acc) -> T::Acc + Sync,
) -> Result<T::Acc> {
    let walk = sum_walk::<T>(v)?;
    let partial = blocks::<T, T::Acc>(&walk, parallel, true, |visit, direct| {
        if let Some(acc) = direct.and_then(T::as_acc_slice) {
            return pairwise(acc, zero, &add);
        }
        let mut buf: Vec<T::Acc> = Vec::with_capacity(BLOCK);
        visit(&mut |x: T| buf.push(x.to_acc()));
        pairwise(&buf, zero, &add)
    })?;
    Ok(finish_pairwise(&walk, partial, zero, &add))
}

/// Minimum or maximum (NaN wins, as in NumPy) over the whole view.
fn extreme<T: Numeric>(v: &View<'_>, parallel: bool, min: bool, name: &'static str) -> Result<T> {
    if v.is_empty() {
        return Err(Error::EmptyReduction { op: name });
    }
    let pick = move |a: T, b: T| -> T {
        if a.is_nan() {
            a
        } else if b.is_nan() || (if min { b < a } else { b > a }) {
            b
        } else {
            a
        }
    };
    let walk = reduction::<T>(v)?;
    let partial = blocks::<T, Option<T>>(&walk, parallel, false, |visit, direct| {
        if let Some(xs) = direct {
            return xs.iter().copied().reduce(pick);
        }
        let mut best: Option<T> = None;
        visit(&mut |x: T| best = Some(best.map_or(x, |b| pick(b, x))));
        best
    })?;
    Ok(partial
        .into_iter()
        .flatten()
        .reduce(pick)
        .expect("a non-empty view has a first element"))
}

impl<'a> View<'a> {
    /// The sum of all elements, accumulated in [`Numeric::Acc`] (64-bit integers wrapping, or
    /// the float type), pairwise for accuracy. 0 for an empty view.
    ///
    /// Floats are summed with NumPy's pairwise summation in index order, so a native,
    /// aligned 1-D view (any step) or C-contiguous view sums to `np.sum`'s bits (tested
    /// against NumPy on f32 and f64 of up to 70 000 elements). Other layouts are summed in
    /// memory order, and NumPy sums byte-swapped or unaligned views through buffers of 8192
    /// elements: the last bits can differ there.
    ///
    /// ```
    /// let data: Vec<f32> = (1..=100).map(|x| x as f32).collect();
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!(v.sum::<f32>().unwrap(), 5050.0);
    /// assert_eq!(v.par_sum::<f32>().unwrap(), v.sum::<f32>().unwrap());
    /// ```
    pub fn sum<T: Numeric>(&self) -> Result<T::Acc> {
        accumulate::<T>(self, false, T::acc_zero(), T::acc_add)
    }

    /// [`View::sum`] split across rayon's pool; bit-identical to the sequential result.
    pub fn par_sum<T: Numeric>(&self) -> Result<T::Acc> {
        accumulate::<T>(self, true, T::acc_zero(), T::acc_add)
    }

    /// The product of all elements (1 for an empty view).
    pub fn product<T: Numeric>(&self) -> Result<T::Acc> {
        accumulate::<T>(self, false, T::acc_one(), T::acc_mul)
    }

    /// [`View::product`] split across rayon's pool; bit-identical to the sequential result.
    pub fn par_product<T: Numeric>(&self) -> Result<T::Acc> {
        accumulate::<T>(self, true, T::acc_one(), T::acc_mul)
    }

    /// The smallest element (NaN if any is NaN); an error for an empty view, as in NumPy.
    ///
    /// ```
    /// let data = [3i16, -7, 12];
    /// let v = ndview::View::from_slice(&data);
    /// assert_eq!((v.min::<i16>().unwrap(), v.max::<i16>().unwrap()), (-7, 12));
    /// let empty: [f32; 0] = [];
    /// assert!(ndview::View::from_slice(&empty).min::<f32>().is_err());
    /// ```
    pub fn min<T: Numeric>(&self) -> Result<T> {
        extreme(self, false, true, "minimum")
    }

    /// [`View::min`] split across rayon's pool.
    pub fn par_min<T: Numeric>(&self) -> Result<T> {
        extreme(self, true, true, "minimum")
    }

    /// The largest element (NaN if any is NaN); an error for an empty view, as in NumPy.
    pub fn max<T: Numeric>(&self) -> Result<T> {
        extreme(self, false, false, "maximum")
    }

    /// [`View::max`] split across rayon's pool.
    pub fn par_max<T: Numeric>(&self) -> Result<T> {
        extreme(self, true, false, "maximum")
    }

    /// Folds every element into an accumulator, in the engine's walk order (memory order
    /// where the layout allows; deterministic for a given layout).
    ///
    /// ```
    /// let data = [1u8, 200, 3];
    /// let v = ndview::View::from_slice(&data);
    /// let bigger = v.fold(0usize, |n, x: u8| n + usize::from(x > 2)).unwrap();
    /// assert_eq!(bigger, 2);
    /// ```
    pub fn fold<T: Element, A>(&self, init: A, mut f: impl FnMut(A, T) -> A) -> Result<A> {
        let walk = reduction::<T>(self)?;
        let mut acc = Some(init);
        walk.whole().for_each_run(|[r]| {
            let xs = r.lane::<T>();
            for i in 0..xs.len() {
                acc = Some(f(acc.take().expect("always refilled"), xs.get(i)));
            }
        });
        Ok(acc.expect("always refilled"))
    }

    /// A parallel fold: each fixed block of elements folds from a clone of `init`, and the
    /// block results are combined in order with `combine`. Deterministic whatever the number
    /// of threads.
    pub fn par_fold<T: Element, A: Clone + Send + Sync>(
        &self,
        init: A,
        f: impl Fn(A, T) -> A + Sync,
        combine: impl Fn(A, A) -> A,
    ) -> Result<A> {
        let walk = reduction::<T>(self)?;
        let partial = blocks::<T, A>(&walk, true, false, |visit, _| {
            let mut acc = Some(init.clone());
            visit(&mut |x: T| acc = Some(f(acc.take().expect("refilled"), x)));
            acc.expect("refilled")
        })?;
        Ok(partial.into_iter().fold(init, combine))
    }

    /// Sums along `axis` (negative counts from the end) into a new [`Array`] of
    /// [`Numeric::Acc`] without that axis.
    ///
    /// ```
    /// let data: Vec<i16> = (0..6).collect();
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
    /// assert_eq!(v.sum_axis::<i16>(0).unwrap().as_slice::<i64>().unwrap(), &[3, 5, 7]);
    /// assert_eq!(v.sum_axis::<i16>(-1).unwrap().as_slice::<i64>().unwrap(), &[3, 12]);
    /// ```
    ///
    /// When the summed axis is the one NumPy's iterator loops over innermost (the smallest
    /// nonzero stride among the axes longer than 1, ties and broadcast axes keeping C
    /// order), each output element sums its lane pairwise, as NumPy does (2^24 copies of
    /// `0.1f32` sum to NumPy's 1677721.9, not to a drifted naive total). Along any other
    /// axis whole rows are added into the output in index order, from zero, as NumPy's
    /// `add.reduce` adds them (`f16` rounded after each row, as NumPy keeps `f16` there):
    /// float sums are NumPy's bits both ways (tested against NumPy on C-contiguous,
    /// transposed, flipped, stepped and broadcast views). Integer sums, exact in any order,
    /// are cut into blocks of 128 rows that threads share.
    pub fn sum_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        sum_along::<T>(self, axis, false)
    }

    /// [`View::sum_axis`] split across rayon's pool (bit-identical for any thread count:
    /// threads take whole lanes, or bands of output elements that each add their rows in
    /// order, or for integers blocks of 128 rows combined in order).
    pub fn par_sum_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        sum_along::<T>(self, axis, true)
    }

    /// Products along `axis`, in index order per output element, as NumPy's
    /// `multiply.reduce` (integers across memory in blocks of 128 rows, exact either way).
    pub fn product_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        product_along::<T>(self, axis, false)
    }

    /// [`View::product_axis`] split across rayon's pool (bit-identical for any thread
    /// count).
    pub fn par_product_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        product_along::<T>(self, axis, true)
    }

    /// Minima along `axis` (NaN wins); an error when the axis is empty.
    ///
    /// ```
    /// let data = [3.0f32, -1.0, 2.0, 8.0];
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 2]).unwrap();
    /// assert_eq!(v.min_axis::<f32>(1).unwrap().as_slice::<f32>().unwrap(), &[-1.0, 2.0]);
    /// assert_eq!(v.par_max_axis::<f32>(0).unwrap(), v.max_axis::<f32>(0).unwrap());
    /// ```
    pub fn min_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        extreme_along::<T>(self, axis, false, true)
    }

    /// [`View::min_axis`] split across rayon's pool.
    pub fn par_min_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        extreme_along::<T>(self, axis, true, true)
    }

    /// Maxima along `axis` (NaN wins); an error when the axis is empty.
    pub fn max_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        extreme_along::<T>(self, axis, false, false)
    }

    /// [`View::max_axis`] split across rayon's pool.
    pub fn par_max_axis<T: Numeric>(&self, axis: isize) -> Result<Array> {
        extreme_along::<T>(self, axis, true, false)
    }
}

/// Products along `axis`.
fn product_along<T: Numeric>(v: &View<'_>, axis: isize, parallel: bool) -> Result<Array> {
    along_axis::<T, T::Acc>(
        v,
        axis,
        parallel,
        T::SCALAR.is_float(),
        Start::Value(T::acc_one()),
        |a, x| T::row_mul(a, x.to_acc()),
        |a, b| T::acc_mul(a, b),
    )
}

/// Minima (`min`) or maxima along `axis`; NaN wins, as in NumPy.
fn extreme_along<T: Numeric>(
    v: &View<'_>,
    axis: isize,
    parallel: bool,
    min: bool,
) -> Result<Array> {
    let name = if min { "minimum" } else { "maximum" };
    let pick = move |a: T, x: T| {
        let keep = if min { a <= x } else { a >= x };
        if a.is_nan() || (!x.is_nan() && keep) {
            a
        } else {
            x
        }
    };
    along_axis::<T, T>(
        v,
        axis,
        parallel,
        false,
        Start::First(name, |x| x),
        pick,
        pick,
    )
}

/// Sums along `axis`: pairwise per lane when the axis varies fastest in memory, else rows
/// added into the output in index order (NumPy's two inner loops of `add.reduce`, so float
/// sums are NumPy's bits either way).
fn sum_along<T: Numeric>(v: &View<'_>, axis: isize, parallel: bool) -> Result<Array> {
    if !zero_d_compat(v, axis) {
        let ax = axis_index(axis, v.ndim())?;
        if v.shape()[ax] > 1 && varies_fastest(v, ax) {
            return sum_lanes::<T>(v, ax, parallel);
        }
    }
    along_axis::<T, T::Acc>(
        v,
        axis,
        parallel,
        T::SCALAR.is_float(),
        Start::Value(T::acc_zero()),
        |a, x| T::row_add(a, x.to_acc()),
        |a, b| T::acc_add(a, b),
    )
}

/// One pairwise sum per output element over its lane along `ax`.
fn sum_lanes<T: Numeric>(v: &View<'_>, ax: usize, parallel: bool) -> Result<Array> {
    let d = v.shape()[ax];
    let add = |x: T::Acc, y: T::Acc| T::acc_add(x, y);
    map_lanes_with::<T, T::Acc, Vec<T::Acc>>(
        v,
        ax,
        parallel,
        || crate::error::try_vec::<T::Acc>(d, "a reduction lane"),
        |xs, acc| match T::as_acc_slice(xs) {
            // NumPy adds each lane's pairwise sum to the identity.
            Some(direct) => add(T::acc_zero(), pairwise(direct, T::acc_zero(), &add)),
            None => {
                acc.clear();
                acc.extend(xs.iter().map(|&x| x.to_acc()));
                add(T::acc_zero(), pairwise(acc, T::acc_zero(), &add))
            }
        },
    )
}

/// One output element per lane along `ax` (the output has that axis removed): `body` gets
/// the lane as a slice (directly when it is contiguous, native and aligned, else gathered
/// into a buffer) and a scratch value made once per chunk of lanes.
pub(crate) fn map_lanes_with<T: Element, U: Element, S>(
    v: &View<'_>,
    ax: usize,
    parallel: bool,
    scratch: impl Fn() -> Result<S> + Sync,
    body: impl Fn(&[T], &mut S) -> U + Sync,
) -> Result<Array> {
    let mut out_shape: smallvec::SmallVec<[usize; 6]> = v.shape().into();
    let d = out_shape.remove(ax);
    let (out, o) = fresh::<U>(&out_shape)?;
    let a = input::<T>(&v.raw, v.shape())?;
    let walk = Walk::lanes(v.shape(), ax, [o, a], [false, true]);
    let state =
        || -> Result<(Vec<T>, S)> { Ok((crate::error::try_vec::<T>(d, "a lane")?, scratch()?)) };
    let failed = std::sync::Mutex::new(None);
    walk.chunks(parallel, v.len() * size_of::<T>(), |part| match state() {
        Ok((mut buf, mut extra)) => part.for_each_lane(|[ro, ra]| {
            let lane = ra.lane::<T>();
            let xs: &[T] = match lane.as_slice() {
                Some(xs) => xs,
                None => {
                    buf.clear();
                    buf.extend((0..lane.len()).map(|j| lane.get(j)));
                    &buf
                }
            };
            let y = body(xs, &mut extra);
            ro.lane_mut::<U>().set(0, y);
        }),
        Err(e) => *failed.lock().expect("no panics while holding the lock") = Some(e),
    });
    if let Some(e) = failed
        .into_inner()
        .expect("no panics while holding the lock")
    {
        return Err(e);
    }
    Ok(out)
}

/// NumPy's compatibility rule for reductions (`ufunc.reduce`): a 0-d view accepts `axis=0`
/// and `axis=-1` and is reduced over no axis, giving its element (`np.sum(np.float64(5),
/// axis=0)` is 5.0). Other axes are an [`Error::Axis`].
pub(crate) fn zero_d_compat(v: &View<'_>, axis: isize) -> bool {
    v.ndim() == 0 && (axis == 0 || axis == -1)
}

/// Where an axis reduction starts.
#[derive(Clone, Copy)]
pub(super) enum Start<T, A> {
    /// From this value (sums, products).
    Value(A),
    /// From the first element along the axis, converted (min, max); the name is for the
    /// error on an empty axis.
    First(&'static str, fn(T) -> A),
}

/// Indices along the reduced axis per block of an axis reduction across memory (small under
/// Miri, so that its small tests combine several blocks).
const AXIS_BLOCK: usize = if cfg!(miri) { 4 } else { 128 };

/// Whether axis `ax` is the innermost loop of NumPy's iterator over `v` for a reduction
/// along it: then NumPy sums each lane pairwise, else it adds whole rows in index order.
///
/// NumPy orders the axes by an insertion sort that starts from C order, innermost first
/// (`npyiter_find_best_axis_ordering`): an axis moves inside another only when both strides
/// are nonzero and its own is the smaller in magnitude; a zero stride (a broadcast axis)
/// never decides, so such comparisons keep looking further out. Only the input decides (the
/// result is allocated after the order is chosen), and axes of length 1 do not count.
pub(super) fn varies_fastest(v: &View<'_>, ax: usize) -> bool {
    let (shape, strides) = (v.shape(), v.strides());
    let mut order: smallvec::SmallVec<[usize; 8]> =
        (0..v.ndim()).rev().filter(|&k| shape[k] > 1).collect();
    for i0 in 1..order.len() {
        let axis = order[i0];
        let s0 = strides[axis].unsigned_abs();
        let mut pos = i0;
        for i1 in (0..i0).rev() {
            let s1 = strides[order[i1]].unsigned_abs();
            if s0 != 0 && s1 != 0 {
                if s1 <= s0 {
                    break;
                }
                pos = i1;
            }
        }
        order.remove(i0);
        order.insert(pos, axis);
    }
    order.first() == Some(&ax)
}

/// Reduces along one axis into a new array. With `ordered` (float sums and products, whose
/// bits depend on the order), every output element folds its inputs in index order, as
/// NumPy's `add.reduce` adds rows into the output. Otherwise, along an axis that does not
/// vary fastest in memory and has more than [`AXIS_BLOCK`] indices, the axis is cut into
/// fixed blocks of
/// that many indices: each block is reduced in index order (see [`along_axis_in_order`]),
/// the engine schedules the blocks (each one streams a contiguous stretch of memory when the
/// view is contiguous, where splitting the kept axes would hand each thread narrow column
/// bands), and the blocks' results are combined with `combine` in block order. The blocks
/// do not depend on the thread count, so neither do the results.
fn along_axis<T: Element, A: Element>(
    v: &View<'_>,
    axis: isize,
    parallel: bool,
    ordered: bool,
    start: Start<T, A>,
    step: impl Fn(A, T) -> A + Sync,
    combine: impl Fn(A, A) -> A + Sync,
) -> Result<Array> {
    if zero_d_compat(v, axis) {
        // Reduced over no axis: the element itself, through the reduction's first step.
        return match start {
            Start::Value(init) => v.map(|x: T| step(init, x)),
            Start::First(_, conv) => v.map(|x: T| conv(x)),
        };
    }
    let ax = axis_index(axis, v.ndim())?;
    let d = v.shape()[ax];
    if ordered || d <= AXIS_BLOCK || v.is_empty() || varies_fastest(v, ax) {
        return along_axis_in_order(v, ax, parallel, start, &step);
    }
    let mut out_shape: smallvec::SmallVec<[usize; 6]> = v.shape().into();
    out_shape.remove(ax);
    let (out, o) = fresh::<A>(&out_shape)?;
    let a = input::<T>(&v.raw, v.shape())?;
    let mut scratch_shape = out_shape.clone();
    scratch_shape.insert(0, block_slots(&a, v.shape(), ax, AXIS_BLOCK, parallel));
    let (_scratch, s) = fresh::<A>(&scratch_shape)?;
    // Each block starts from its first index, through the reduction's first step.
    let first = |[ra, ro]: [Run<'_>; 2]| match start {
        Start::Value(init) => step_rows(ra, ro, &|_: A, x: T| step(init, x)),
        Start::First(_, conv) => step_rows(ra, ro, &|_: A, x: T| conv(x)),
    };
    reduce_blocks(
        &o,
        &s,
        &a,
        v.shape(),
        ax,
        AXIS_BLOCK,
        parallel,
        &first,
        |[ra, ro]| step_rows(ra, ro, &step),
        |[rp, ro]| step_rows(rp, ro, &combine),
    );
    Ok(out)
}

/// `y = f(y, x)` for the elements of an output run and an input run of the same length: as
/// slices when both allow it (a row added into the output vectorises), else element by
/// element.
fn step_rows<X: Element, A: Element>(xs: Run<'_>, ys: Run<'_>, f: &impl Fn(A, X) -> A) {
    let (xs, mut ys) = (xs.lane::<X>(), ys.lane_mut::<A>());
    if let (Some(xs), Some(ys)) = (xs.as_slice(), ys.as_mut_slice()) {
        // Each output element's operations are the same at any vector width.
        crate::engine::with_avx2(|| {
            for (y, &x) in ys.iter_mut().zip(xs) {
                *y = f(*y, x);
            }
        });
        return;
    }
    assert_eq!(xs.len(), ys.len());
    for i in 0..ys.len() {
        ys.set(i, f(ys.get(i), xs.get(i)));
    }
}

/// Reduces along axis `ax` into a new array: the walk follows the input's memory order
/// (operand 0), the output has stride 0 along the reduced axis, and each output element
/// accumulates its inputs in increasing index order.
pub(super) fn along_axis_in_order<T: Element, A: Element>(
    v: &View<'_>,
    ax: usize,
    parallel: bool,
    start: Start<T, A>,
    step: &(impl Fn(A, T) -> A + Sync),
) -> Result<Array> {
    let mut out_shape: smallvec::SmallVec<[usize; 6]> = v.shape().into();
    let d = out_shape.remove(ax);
    let (out, o) = fresh::<A>(&out_shape)?;
    let mut input_view = v.clone();
    match start {
        Start::Value(init) => fill_fresh(&o, &out_shape, init),
        Start::First(name, conv) => {
            if d == 0 {
                return Err(Error::EmptyReduction { op: name });
            }
            // Start from index 0 along the axis, then reduce the rest.
            let first = v
                .raw
                .layout
                .slice(&axis_items(ax, crate::SliceItem::Index(0)))?;
            copy_typed::<T, A>(&o, &View::wrap(v.raw.with_layout(first)), conv)?;
            let rest = v
                .raw
                .layout
                .slice(&axis_items(ax, crate::SliceItem::range(Some(1), None, 1)))?;
            input_view = View::wrap(v.raw.with_layout(rest));
        }
    }
    let a = input::<T>(&input_view.raw, input_view.shape())?;
    let shape = input_view.shape().to_vec();
    let work = v.len() * size_of::<T>();
    reduce_into(&o, &a, &shape, ax, parallel, work, |[ra, ro]| {
        step_rows(ra, ro, step)
    });
    Ok(out)
}

/// Index items selecting `item` along `axis` and everything along the other axes.
fn axis_items(axis: usize, item: crate::SliceItem) -> smallvec::SmallVec<[crate::SliceItem; 8]> {
    let mut items: smallvec::SmallVec<[crate::SliceItem; 8]> =
        smallvec::smallvec![crate::SliceItem::FULL; axis];
    items.push(item);
    items
}

/// Writes `value` into every element of a fresh output.
fn fill_fresh<A: Element>(o: &Typed, shape: &[usize], value: A) {
    runs_seq(shape, [o], false, |[r]| {
        let mut ys = r.lane_mut::<A>();
        for i in 0..ys.len() {
            ys.set(i, value);
        }
    });
}

/// Writes `conv(x)` for every element `x` of `src` into the fresh output `o` (same shape).
fn copy_typed<T: Element, A: Element>(
    o: &Typed,
    src: &View<'_>,
    conv: impl Fn(T) -> A,
) -> Result<()> {
    let a = input::<T>(&src.raw, src.shape())?;
    runs_seq(src.shape(), [o, &a], false, |[ro, ra]| {
        let (mut ys, xs) = (ro.lane_mut::<A>(), ra.lane::<T>());
        assert_eq!(xs.len(), ys.len());
        for i in 0..ys.len() {
            ys.set(i, conv(xs.get(i)));
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{varies_fastest, AXIS_BLOCK};
    use crate::View;

    /// Which axis NumPy's iterator loops over innermost in a reduction, so that it sums that
    /// axis's lanes pairwise: checked against NumPy 2.4 (`np.sum` against both orders) on
    /// broadcast, transposed and tied strides.
    #[test]
    fn the_inner_axis_is_numpys() {
        let buf = [0u8; 8192];
        let cases: &[(&[usize], &[isize], usize, bool)] = &[
            (&[500], &[0], 0, true),
            (&[500, 3], &[0, 4], 0, false),
            (&[300, 40], &[4, 0], 0, false),
            (&[3, 500, 4], &[0, 16, 4], 1, false),
            (&[300, 3], &[0, 0], 0, false),
            (&[4, 300], &[0, 4], 1, true),
            (&[300, 4], &[16, 4], 0, false),
            (&[300, 4], &[4, 1200], 0, true),
            (&[3, 4], &[4, 4], 0, false),
            (&[3, 1, 4], &[16, 4, 4], 2, true),
        ];
        for &(shape, strides, ax, inner) in cases {
            let v = View::from_parts(&buf, "f", shape, strides, 0).unwrap();
            assert_eq!(
                varies_fastest(&v, ax),
                inner,
                "{shape:?} {strides:?} axis {ax}"
            );
        }
    }

    /// The NaN-first minimum (`min`) or maximum of two values, as the kernels pick them.
    fn pick(min: bool) -> impl Fn(f32, f32) -> f32 {
        move |a, x| {
            let keep = if min { a <= x } else { a >= x };
            if a.is_nan() || (!x.is_nan() && keep) {
                a
            } else {
                x
            }
        }
    }

    /// The bits of `x`, with every NaN as the one quiet NaN: arithmetic on a NaN may give any
    /// NaN (Miri picks the sign and payload at random).
    fn bits_of(x: f32) -> u32 {
        if x.is_nan() {
            f32::NAN.to_bits()
        } else {
            x.to_bits()
        }
    }

    /// Reductions along an axis that does not vary fastest in memory and is longer than a
    /// block: float sums and products fold in index order from the identity (NumPy's bits),
    /// minima and maxima equal the plain index-order fold (NaN first wins), integer sums take
    /// the blocks and wrap to the same value, and the parallel forms give the same bits in a
    /// pool of several threads. Along axis 1 of `[2, d, 3]` as well as axis 0 of `[d, 5]`.
    #[test]
    fn axis_reductions_across_memory_fold_in_order_or_in_blocks() {
        let d = 2 * AXIS_BLOCK + 3;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        for (shape, ax) in [([1, d, 5], 1), ([2, d, 3], 1)] {
            let n: usize = shape.iter().product();
            let mut data: Vec<f32> = (0..n)
                .map(|i| {
                    let spike = if i % 37 == 0 { 1e7 } else { 0.0 };
                    ((i as f32) * 0.618).sin() * 1e3 + spike
                })
                .collect();
            data[(AXIS_BLOCK + 1) * shape[2] + 1] = f32::NAN;
            let v = View::from_slice(&data).reshape(&shape).unwrap();
            // axis 0 of [d, w] for the first shape, axis 1 of [2, d, 3] for the second
            let (v, ax) = if shape[0] == 1 {
                (v.squeeze_axis(0).unwrap(), ax - 1)
            } else {
                (v, ax)
            };
            let lane = |o: usize| -> Vec<f32> {
                let (outer, inner) = (o / shape[2], o % shape[2]);
                (0..d)
                    .map(|r| data[(outer * d + r) * shape[2] + inner])
                    .collect()
            };
            // Float sums and products fold in index order from the identity (NumPy's rows
            // added into the output); integer ones take the blocks (the same wrapped value).
            let in_order = |xs: &[f32], init: f32, f: &dyn Fn(f32, f32) -> f32| {
                xs.iter().fold(init, |a, &x| f(a, x))
            };
            let outs = n / d;
            let want = |f: &dyn Fn(&[f32]) -> f32| -> Vec<u32> {
                (0..outs).map(|o| bits_of(f(&lane(o)))).collect()
            };
            let bits = |a: crate::Array| -> Vec<u32> {
                a.view()
                    .to_vec::<f32>()
                    .unwrap()
                    .iter()
                    .map(|&x| bits_of(x))
                    .collect()
            };
            let add = |a: f32, b: f32| a + b;
            let mul = |a: f32, b: f32| a * b;
            let sum = want(&|xs| in_order(xs, 0.0, &add));
            let product = want(&|xs| in_order(xs, 1.0, &mul));
            let min = want(&|xs| xs[1..].iter().fold(xs[0], |a, &x| pick(true)(a, x)));
            let max = want(&|xs| xs[1..].iter().fold(xs[0], |a, &x| pick(false)(a, x)));
            let ax = ax as isize;
            for par in [false, true] {
                pool.install(|| {
                    let run = |seq: fn(&View<'_>, isize) -> crate::Result<crate::Array>,
                               par_f: fn(&View<'_>, isize) -> crate::Result<crate::Array>| {
                        bits(if par { par_f(&v, ax) } else { seq(&v, ax) }.unwrap())
                    };
                    assert_eq!(
                        run(|v, a| v.sum_axis::<f32>(a), |v, a| v.par_sum_axis::<f32>(a)),
                        sum
                    );
                    assert_eq!(
                        run(
                            |v, a| v.product_axis::<f32>(a),
                            |v, a| v.par_product_axis::<f32>(a)
                        ),
                        product
                    );
                    assert_eq!(
                        run(|v, a| v.min_axis::<f32>(a), |v, a| v.par_min_axis::<f32>(a)),
                        min
                    );
                    // Integers through the blocks: the wrapped sum of each lane.
                    let ints: Vec<i32> = data
                        .iter()
                        .map(|&x| (x as i32).wrapping_mul(40_000))
                        .collect();
                    let w = View::from_slice(&ints).reshape(v.shape()).unwrap();
                    let sums = if par {
                        w.par_sum_axis::<i32>(ax)
                    } else {
                        w.sum_axis::<i32>(ax)
                    };
                    let want_ints: Vec<i64> = (0..outs)
                        .map(|o| {
                            lane(o).iter().fold(0i64, |a, &x| {
                                a.wrapping_add(i64::from((x as i32).wrapping_mul(40_000)))
                            })
                        })
                        .collect();
                    assert_eq!(sums.unwrap().to_vec::<i64>().unwrap(), want_ints);
                    assert_eq!(
                        run(|v, a| v.max_axis::<f32>(a), |v, a| v.par_max_axis::<f32>(a)),
                        max
                    );
                });
            }
        }
    }
}
