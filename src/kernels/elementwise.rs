//! Element-wise kernels: map, zip_map (2 and 3 inputs, broadcasting), apply, fill.
//!
//! Closures take and return values, so any byte order and alignment works (the operands load
//! and store through [`Element::load`]/[`Element::store`]); runs that are contiguous, native,
//! aligned and disjoint become slices, a loop the compiler vectorises.

use super::operand::{detach, flat_runs, fresh, input, output, plan_of, walk_par, walk_seq, Run};
use super::zip::run_3;
use crate::array::Array;
use crate::element::Element;
use crate::engine::{staging, walk_staged_par, walk_staged_seq, RunPtr};
use crate::error::Result;
use crate::format::ByteOrder;
use crate::view::{RawView, View, ViewMut};
use std::mem::size_of;

const NATIVE: ByteOrder = ByteOrder::NATIVE;

/// `out[i] = f(a[i])` over one run.
///
/// # Safety
/// Both runs hold `len` in-bounds elements of their types; `out` is writable; if `fused` is
/// false the runs do not overlap (`fused`: `a` is `out` itself, element for element).
#[inline(always)]
unsafe fn run1<A: Element, U: Element>(
    out: Run,
    a: Run,
    len: usize,
    fused: bool,
    f: &mut impl FnMut(A) -> U,
) {
    // SAFETY: (all branches) the caller's promise; slices are formed only over disjoint,
    // aligned, native runs of types for which every bit pattern is valid.
    unsafe {
        if !fused && out.sliceable::<U>() && a.sliceable::<A>() {
            let o = std::slice::from_raw_parts_mut(out.ptr.cast::<U>(), len);
            let a = std::slice::from_raw_parts(a.ptr.cast::<A>(), len);
            for (o, &a) in o.iter_mut().zip(a) {
                *o = f(a);
            }
        } else if out.contiguous::<U>() && a.contiguous::<A>() {
            for i in 0..len {
                out.store_adjacent(i, f(a.load_adjacent(i)));
            }
        } else if out.order.is_native() && a.order.is_native() {
            let (mut po, mut pa) = (out.ptr, a.ptr);
            for _ in 0..len {
                f(A::load(pa, NATIVE)).store(po, NATIVE);
                (po, pa) = (po.wrapping_offset(out.stride), pa.wrapping_offset(a.stride));
            }
        } else {
            for i in 0..len {
                out.store(i, f(a.load(i)));
            }
        }
    }
}

/// `out[i] = f(a[i], b[i])` over one run.
///
/// # Safety
/// As for [`run1`], for every input.
#[inline(always)]
unsafe fn run2<A: Element, B: Element, U: Element>(
    out: Run,
    [a, b]: [Run; 2],
    len: usize,
    fused: bool,
    f: &mut impl FnMut(A, B) -> U,
) {
    // SAFETY: as in `run1`.
    unsafe {
        if !fused && out.sliceable::<U>() && a.sliceable::<A>() && b.sliceable::<B>() {
            let o = std::slice::from_raw_parts_mut(out.ptr.cast::<U>(), len);
            let a = std::slice::from_raw_parts(a.ptr.cast::<A>(), len);
            let b = std::slice::from_raw_parts(b.ptr.cast::<B>(), len);
            for ((o, &a), &b) in o.iter_mut().zip(a).zip(b) {
                *o = f(a, b);
            }
        } else if out.contiguous::<U>() && a.contiguous::<A>() && b.contiguous::<B>() {
            for i in 0..len {
                out.store_adjacent(i, f(a.load_adjacent(i), b.load_adjacent(i)));
            }
        } else if out.order.is_native() && a.order.is_native() && b.order.is_native() {
            let (mut po, mut pa, mut pb) = (out.ptr, a.ptr, b.ptr);
            for _ in 0..len {
                f(A::load(pa, NATIVE), B::load(pb, NATIVE)).store(po, NATIVE);
                po = po.wrapping_offset(out.stride);
                pa = pa.wrapping_offset(a.stride);
                pb = pb.wrapping_offset(b.stride);
            }
        } else {
            for i in 0..len {
                out.store(i, f(a.load(i), b.load(i)));
            }
        }
    }
}

/// The shared body of the 1-, 2- and 3-input kernels: builds the operands, resolves overlap
/// with the output, plans the walk and runs `$run` sequentially or in parallel.
macro_rules! elementwise {
    ($par:ident, $out_raw:expr, $U:ty, [$(($raw:expr, $T:ty)),+], $run:ident, $f:ident) => {{
        let out_raw: &RawView = $out_raw;
        let flat = flat_runs(
            (out_raw, out_raw.format.holds::<$U>()),
            [$((&$raw, $raw.format.holds::<$T>())),+],
            elementwise!(@parallel $par),
        );
        if let Some((o, ins, len, fused)) = flat {
            // SAFETY: one run over every element of C-contiguous layouts of the same shape
            // holding their types; inputs are apart from the output or it element for
            // element (`fused`, which forbids slices).
            unsafe { $run(o, ins, len, fused, elementwise!(@f $par, $f)) }
            Ok::<(), crate::Error>(())
        } else {
        let shape = out_raw.layout.shape.clone();
        let mut keep: Vec<Array> = Vec::new();
        let mut fused = false;
        let ins = [$({
            let (r, same) = detach(out_raw, &$raw, &mut keep)?;
            fused |= same;
            r
        }),+];
        let mut k = 0;
        let ops = [$({
            let op = input::<$T>(&ins[k], &shape)?;
            k += 1;
            op
        }),+];
        let _ = k;
        let out = output::<$U>(out_raw)?;
        let sizes = [size_of::<$U>() $(, size_of::<$T>())+];
        let plan = plan_of(&shape, std::array::from_fn(|i| if i == 0 { &out } else { &ops[i - 1] }));
        let inner = plan.inner_strides();
        let runs = |offs: &[isize]| -> ([Run; { [$(stringify!($T)),+].len() }], Run) {
            // SAFETY: offsets come from the plan, which only yields element offsets of the
            // validated (broadcast) layouts.
            unsafe {
                (
                    std::array::from_fn(|i| ops[i].run(offs[i + 1], inner[i + 1])),
                    out.run(offs[0], inner[0]),
                )
            }
        };
        match staging(&plan, sizes) {
            Some(staged) => {
                let bytes = std::array::from_fn(|i| if i == 0 { out.bytes } else { ops[i - 1].bytes });
                let body = |ptrs: [RunPtr; { [$(stringify!($T)),+].len() + 1 }], len: usize| {
                    let o = Run::from_ptr(ptrs[0], out.order);
                    let ins = std::array::from_fn(|i| Run::from_ptr(ptrs[i + 1], ops[i].order));
                    // SAFETY: as below; staged inputs are read from a private copy of the
                    // tile, with their byte order.
                    unsafe { $run(o, ins, len, fused, elementwise!(@f $par, $f)) }
                };
                // SAFETY: `bytes` are the buffers of the operands the plan was made from, in
                // the same order; inputs are only read; the parallel body writes the output
                // elements of its own tiles only.
                unsafe { elementwise!(@staged $par, plan, staged, bytes, sizes, body) }
            }
            None => elementwise!(@walk $par, plan, sizes, |offs, len| {
                let (ins, o) = runs(&offs);
                // SAFETY: the runs hold `len` elements each; the output is writable; inputs
                // overlapping it were detached (copied), except one that is the output element
                // for element (`fused`), which forbids slices.
                unsafe { $run(o, ins, len, fused, elementwise!(@f $par, $f)) }
            }),
        }
        drop(keep);
        Ok::<(), crate::Error>(())
        }
    }};
    (@parallel seq) => { false };
    (@parallel par) => { true };
    (@walk seq, $plan:ident, $sizes:ident, $body:expr) => { walk_seq(&$plan, $sizes, $body) };
    (@staged seq, $plan:ident, $st:ident, $bytes:ident, $sizes:ident, $body:ident) => {
        walk_staged_seq(&$plan, $st, $bytes, $sizes, $body)
    };
    (@staged par, $plan:ident, $st:ident, $bytes:ident, $sizes:ident, $body:ident) => {
        walk_staged_par(&$plan, $st, $bytes, $sizes, $body)
    };
    (@walk par, $plan:ident, $sizes:ident, $body:expr) => { walk_par(&$plan, $sizes, $body) };
    (@f seq, $f:ident) => { &mut $f };
    (@f par, $f:ident) => { &mut &$f };
}
pub(super) use elementwise;

/// Adapts `run1` to the array-of-inputs shape the macro uses.
///
/// # Safety
/// As for [`run1`].
#[inline(always)]
unsafe fn run1a<A: Element, U: Element>(
    out: Run,
    [a]: [Run; 1],
    len: usize,
    fused: bool,
    f: &mut impl FnMut(A) -> U,
) {
    // SAFETY: forwarded.
    unsafe { run1(out, a, len, fused, f) }
}

impl<'a> View<'a> {
    /// `f` applied to every element, into a new C-contiguous [`Array`] of `U`. The view's
    /// format must hold `T` (any byte order, aligned or not).
    ///
    /// ```
    /// let data = [1.0f32, 2.0, 3.0, 4.0];
    /// let v = ndview::View::from_slice(&data);
    /// let doubled = v.slice_str("::-1").unwrap().map(|x: f32| x * 2.0).unwrap();
    /// assert_eq!(doubled.as_slice::<f32>().unwrap(), &[8.0, 6.0, 4.0, 2.0]);
    /// ```
    pub fn map<T: Element, U: Element>(&self, mut f: impl FnMut(T) -> U) -> Result<Array> {
        let (mut out, _) = fresh::<U>(self.shape())?;
        elementwise!(seq, &out.view_mut().raw, U, [(self.raw, T)], run1a, f)?;
        Ok(out)
    }

    /// [`View::map`], split across rayon's pool for large views.
    pub fn par_map<T: Element, U: Element>(&self, f: impl Fn(T) -> U + Sync) -> Result<Array> {
        let (mut out, _) = fresh::<U>(self.shape())?;
        elementwise!(par, &out.view_mut().raw, U, [(self.raw, T)], run1a, f)?;
        Ok(out)
    }

    /// `f` applied to pairs of elements, broadcasting the two views against each other as
    /// NumPy does, into a new [`Array`].
    ///
    /// ```
    /// let a = [1i32, 2, 3];
    /// let b = [10i32, 20];
    /// let col = ndview::View::from_slice(&b).reshape(&[2, 1]).unwrap();
    /// let sums = ndview::View::from_slice(&a).zip_map(&col, |x: i32, y: i32| x + y).unwrap();
    /// assert_eq!(sums.view().tolist().unwrap().to_string(), "[[11, 12, 13], [21, 22, 23]]");
    /// ```
    pub fn zip_map<A: Element, B: Element, U: Element>(
        &self,
        other: &View<'_>,
        mut f: impl FnMut(A, B) -> U,
    ) -> Result<Array> {
        let shape = crate::layout::broadcast_shapes(&[self.shape(), other.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        elementwise!(
            seq,
            &out.view_mut().raw,
            U,
            [(self.raw, A), (other.raw, B)],
            run2,
            f
        )?;
        Ok(out)
    }

    /// [`View::zip_map`], split across rayon's pool for large views.
    pub fn par_zip_map<A: Element, B: Element, U: Element>(
        &self,
        other: &View<'_>,
        f: impl Fn(A, B) -> U + Sync,
    ) -> Result<Array> {
        let shape = crate::layout::broadcast_shapes(&[self.shape(), other.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        elementwise!(
            par,
            &out.view_mut().raw,
            U,
            [(self.raw, A), (other.raw, B)],
            run2,
            f
        )?;
        Ok(out)
    }

    /// `f` applied to triples of elements of three broadcast views, into a new [`Array`].
    pub fn zip_map3<A: Element, B: Element, C: Element, U: Element>(
        &self,
        b: &View<'_>,
        c: &View<'_>,
        mut f: impl FnMut(A, B, C) -> U,
    ) -> Result<Array> {
        let shape = crate::layout::broadcast_shapes(&[self.shape(), b.shape(), c.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        let ins = [
            (self.raw.clone(), 0),
            (b.raw.clone(), 1),
            (c.raw.clone(), 2),
        ];
        elementwise!(
            seq,
            &out.view_mut().raw,
            U,
            [(ins[0].0, A), (ins[1].0, B), (ins[2].0, C)],
            run_3,
            f
        )?;
        Ok(out)
    }

    /// [`View::zip_map3`], split across rayon's pool for large views.
    pub fn par_zip_map3<A: Element, B: Element, C: Element, U: Element>(
        &self,
        b: &View<'_>,
        c: &View<'_>,
        f: impl Fn(A, B, C) -> U + Sync,
    ) -> Result<Array> {
        let shape = crate::layout::broadcast_shapes(&[self.shape(), b.shape(), c.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        let ins = [
            (self.raw.clone(), 0),
            (b.raw.clone(), 1),
            (c.raw.clone(), 2),
        ];
        elementwise!(
            par,
            &out.view_mut().raw,
            U,
            [(ins[0].0, A), (ins[1].0, B), (ins[2].0, C)],
            run_3,
            f
        )?;
        Ok(out)
    }
}

impl<'a> ViewMut<'a> {
    /// `self[i] = f(src[i])`, with `src` broadcast to this view's shape (NumPy's `out=`).
    /// When `src` shares memory with this view, the answer is NumPy's: as if `src` were read
    /// completely first.
    ///
    /// ```
    /// let mut data = [1i32, 2, 3, 4];
    /// let v = ndview::ViewMut::from_slice(&mut data);
    /// let (mut head, tail) = v.split_at(0, 2).unwrap();
    /// head.map_into(&tail.as_view(), |x: i32| x * 10).unwrap();
    /// assert_eq!(data, [30, 40, 3, 4]);
    /// ```
    pub fn map_into<T: Element, U: Element>(
        &mut self,
        src: &View<'_>,
        mut f: impl FnMut(T) -> U,
    ) -> Result<()> {
        elementwise!(seq, &self.raw, U, [(src.raw, T)], run1a, f)
    }

    /// [`ViewMut::map_into`], split across rayon's pool for large views.
    pub fn par_map_into<T: Element, U: Element>(
        &mut self,
        src: &View<'_>,
        f: impl Fn(T) -> U + Sync,
    ) -> Result<()> {
        elementwise!(par, &self.raw, U, [(src.raw, T)], run1a, f)
    }

    /// `self[i] = f(a[i], b[i])`, broadcasting the inputs to this view's shape.
    ///
    /// ```
    /// use ndview::{View, ViewMut};
    /// let (a, b) = ([1.0f32, 2.0, 3.0, 4.0], [10.0f32, 20.0]);
    /// let a = View::from_slice(&a).reshape(&[2, 2]).unwrap();
    /// let b = View::from_slice(&b).reshape(&[2, 1]).unwrap(); // broadcast along rows
    /// let mut out = [0.0f32; 4];
    /// let mut o = ViewMut::from_slice(&mut out).reshape(&[2, 2]).unwrap();
    /// o.zip_map_into(&a.transpose(), &b, |x: f32, y: f32| x + y).unwrap();
    /// assert_eq!(out, [11.0, 13.0, 22.0, 24.0]);
    /// ```
    pub fn zip_map_into<A: Element, B: Element, U: Element>(
        &mut self,
        a: &View<'_>,
        b: &View<'_>,
        mut f: impl FnMut(A, B) -> U,
    ) -> Result<()> {
        elementwise!(seq, &self.raw, U, [(a.raw, A), (b.raw, B)], run2, f)
    }

    /// [`ViewMut::zip_map_into`], split across rayon's pool for large views.
    pub fn par_zip_map_into<A: Element, B: Element, U: Element>(
        &mut self,
        a: &View<'_>,
        b: &View<'_>,
        f: impl Fn(A, B) -> U + Sync,
    ) -> Result<()> {
        elementwise!(par, &self.raw, U, [(a.raw, A), (b.raw, B)], run2, f)
    }

    /// `self[i] = f(a[i], b[i], c[i])`, broadcasting the inputs to this view's shape.
    pub fn zip_map3_into<A: Element, B: Element, C: Element, U: Element>(
        &mut self,
        a: &View<'_>,
        b: &View<'_>,
        c: &View<'_>,
        mut f: impl FnMut(A, B, C) -> U,
    ) -> Result<()> {
        elementwise!(
            seq,
            &self.raw,
            U,
            [(a.raw, A), (b.raw, B), (c.raw, C)],
            run_3,
            f
        )
    }

    /// [`ViewMut::zip_map3_into`], split across rayon's pool for large views.
    pub fn par_zip_map3_into<A: Element, B: Element, C: Element, U: Element>(
        &mut self,
        a: &View<'_>,
        b: &View<'_>,
        c: &View<'_>,
        f: impl Fn(A, B, C) -> U + Sync,
    ) -> Result<()> {
        elementwise!(
            par,
            &self.raw,
            U,
            [(a.raw, A), (b.raw, B), (c.raw, C)],
            run_3,
            f
        )
    }

    /// `self[i] = f(self[i])`, in place.
    ///
    /// ```
    /// let mut data = [1u16, 2, 3, 4];
    /// let mut v = ndview::ViewMut::from_slice(&mut data);
    /// v.reborrow().slice_str("::2").unwrap().apply(|x: u16| x * 10).unwrap();
    /// assert_eq!(data, [10, 2, 30, 4]);
    /// ```
    pub fn apply<T: Element>(&mut self, mut f: impl FnMut(T) -> T) -> Result<()> {
        let me = self.raw.clone();
        elementwise!(seq, &self.raw, T, [(me, T)], run1a, f)
    }

    /// [`ViewMut::apply`], split across rayon's pool for large views.
    pub fn par_apply<T: Element>(&mut self, f: impl Fn(T) -> T + Sync) -> Result<()> {
        let me = self.raw.clone();
        elementwise!(par, &self.raw, T, [(me, T)], run1a, f)
    }

    /// Writes `value` into every element; the format must hold `T`.
    pub fn fill<T: Element>(&mut self, value: T) -> Result<()> {
        self.fill_impl(value, false)
    }

    /// [`ViewMut::fill`], split across rayon's pool for large views.
    pub fn par_fill<T: Element>(&mut self, value: T) -> Result<()> {
        self.fill_impl(value, true)
    }

    fn fill_impl<T: Element>(&mut self, value: T, parallel: bool) -> Result<()> {
        let out = output::<T>(&self.raw)?;
        let shape = self.raw.layout.shape.clone();
        let plan = plan_of(&shape, [&out]);
        let [s] = plan.inner_strides();
        let run = |[o]: [isize; 1], len: usize| {
            // SAFETY: the plan yields element offsets of the validated, writable layout.
            let r = unsafe { out.run(o, s) };
            // SAFETY: the run holds `len` writable elements; a slice is formed only over an
            // aligned native run of a type valid for every bit pattern.
            unsafe {
                if r.sliceable::<T>() {
                    std::slice::from_raw_parts_mut(r.ptr.cast::<T>(), len).fill(value);
                } else {
                    for i in 0..len {
                        r.store(i, value);
                    }
                }
            }
        };
        if parallel {
            walk_par(&plan, [size_of::<T>()], run);
        } else {
            walk_seq(&plan, [size_of::<T>()], run);
        }
        Ok(())
    }
}
