//! Element-wise kernels: map, zip_map (2 and 3 inputs, broadcasting), apply, fill.
//!
//! Closures take and return values, so any byte order and alignment works (the operands load
//! and store through [`Element::load`]/[`Element::store`]); runs that are contiguous, native,
//! aligned and disjoint become slices, a loop the compiler vectorises.

use super::operand::{detach, fresh, input, output};
use super::zip::{run_1, run_2, run_3};
use crate::array::Array;
use crate::element::Element;
use crate::engine::{Holds, Run, Typed};
use crate::error::Result;
use crate::source::IntoView;
use crate::view::{RawView, View, ViewMut};

/// The output followed by the inputs, as the walks take their operands. (A function rather
/// than an `array::from_fn` closure in the macro, so that it is compiled once per operand
/// count, not once per kernel.)
pub(crate) fn with_output<'t, const M: usize, const N: usize>(
    out: &'t Typed,
    ins: &'t [Typed; M],
) -> [&'t Typed; N] {
    assert_eq!(N, M + 1, "one output and M inputs");
    std::array::from_fn(|i| if i == 0 { out } else { &ins[i - 1] })
}

/// The shared body of the element-wise kernels (1 to 6 inputs): the formats checked, overlap
/// with the output resolved as NumPy does, then the engine's executor runs `$run` over one run
/// per operand, sequentially or in parallel.
macro_rules! elementwise {
    ($par:tt, $out:expr, $U:ty, [$(($raw:expr, $T:ty)),+], $run:ident, $f:ident) => {{
        let out_view: &mut ViewMut<'_> = $out;
        let out_holds = Holds::of::<$U>(&out_view.raw.format);
        let flat = crate::engine::flat(
            &*out_view,
            [(&out_view.raw, out_holds) $(, (&$raw, Holds::of::<$T>(&$raw.format)))+],
            elementwise!(@parallel $par),
            |[o, ins @ ..]| $run(o, ins, elementwise!(@f $par, $f)),
        );
        if flat {
            Ok::<(), crate::Error>(())
        } else {
            // The planned path out of line, so the flat path's frame stays small.
            crate::kernels::out_of_line(|| {
            let out_raw: &RawView = &out_view.raw;
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
            let out = output::<$U>(out_view)?;
            let all = $crate::kernels::elementwise::with_output(&out, &ops);
            // Inlined into every walk that runs it: a run is often a short row of a tile.
            elementwise!(@walk $par, &shape, all, fused, #[inline(always)] |[o, ins @ ..]: [Run<'_>; { [$(stringify!($T)),+].len() + 1 }]| {
                $run(o, ins, elementwise!(@f $par, $f))
            });
            drop(keep);
            Ok::<(), crate::Error>(())
            })
        }
    }};
    (@parallel seq) => { false };
    (@parallel par) => { true };
    (@parallel (flag $p:expr)) => { $p };
    (@walk seq, $shape:expr, $ops:ident, $fused:ident, $body:expr) => {
        crate::engine::runs_seq($shape, $ops, $fused, $body)
    };
    (@walk par, $shape:expr, $ops:ident, $fused:ident, $body:expr) => {
        crate::engine::runs_par($shape, $ops, $fused, true, $body)
    };
    (@walk (flag $p:expr), $shape:expr, $ops:ident, $fused:ident, $body:expr) => {
        crate::engine::runs_par($shape, $ops, $fused, $p, $body)
    };
    (@f seq, $f:ident) => { &mut $f };
    (@f par, $f:ident) => { &mut &$f };
    (@f (flag $p:expr), $f:ident) => { &mut &$f };
}
pub(super) use elementwise;

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
        elementwise!(seq, &mut out.view_mut(), U, [(self.raw, T)], run_1, f)?;
        Ok(out)
    }

    /// [`View::map`], split across rayon's pool for large views.
    pub fn par_map<T: Element, U: Element>(&self, f: impl Fn(T) -> U + Sync) -> Result<Array> {
        self.map_if(f, true)
    }

    /// `f` applied to pairs of elements, broadcasting the two operands against each other as
    /// NumPy does, into a new [`Array`]. The other operand is anything
    /// [`Zip`](crate::Zip) takes ([`IntoView`]): a `&View`, `&Array`, `&ViewMut`, slice, ...
    ///
    /// ```
    /// let a = [1i32, 2, 3];
    /// let b = [10i32, 20];
    /// let col = ndview::View::from_slice(&b).reshape(&[2, 1]).unwrap();
    /// let sums = ndview::View::from_slice(&a).zip_map(&col, |x: i32, y: i32| x + y).unwrap();
    /// assert_eq!(sums.tolist().unwrap().to_string(), "[[11, 12, 13], [21, 22, 23]]");
    /// let twice = sums.zip_map(&sums, |x: i32, y: i32| x + y).unwrap(); // two arrays
    /// assert_eq!(twice.get_as::<i32>(&[1, 2]).unwrap(), 46);
    /// ```
    pub fn zip_map<'v, A: Element, B: Element, U: Element>(
        &self,
        other: impl IntoView<'v>,
        mut f: impl FnMut(A, B) -> U,
    ) -> Result<Array> {
        let other = other.view_cow();
        let shape = crate::layout::broadcast_shapes(&[self.shape(), other.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        elementwise!(
            seq,
            &mut out.view_mut(),
            U,
            [(self.raw, A), (other.raw, B)],
            run_2,
            f
        )?;
        Ok(out)
    }

    /// [`View::zip_map`], split across rayon's pool for large views.
    pub fn par_zip_map<'v, A: Element, B: Element, U: Element>(
        &self,
        other: impl IntoView<'v>,
        f: impl Fn(A, B) -> U + Sync,
    ) -> Result<Array> {
        let other = other.view_cow();
        self.zip_map_if(&other, f, true)
    }

    /// `f` applied to triples of elements of three broadcast views, into a new [`Array`].
    pub fn zip_map3<'v, A: Element, B: Element, C: Element, U: Element>(
        &self,
        b: impl IntoView<'v>,
        c: impl IntoView<'v>,
        mut f: impl FnMut(A, B, C) -> U,
    ) -> Result<Array> {
        let b = b.view_cow();
        let c = c.view_cow();
        let shape = crate::layout::broadcast_shapes(&[self.shape(), b.shape(), c.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        let ins = [
            (self.raw.clone(), 0),
            (b.raw.clone(), 1),
            (c.raw.clone(), 2),
        ];
        elementwise!(
            seq,
            &mut out.view_mut(),
            U,
            [(ins[0].0, A), (ins[1].0, B), (ins[2].0, C)],
            run_3,
            f
        )?;
        Ok(out)
    }

    /// [`View::zip_map3`], split across rayon's pool for large views.
    pub fn par_zip_map3<'v, A: Element, B: Element, C: Element, U: Element>(
        &self,
        b: impl IntoView<'v>,
        c: impl IntoView<'v>,
        f: impl Fn(A, B, C) -> U + Sync,
    ) -> Result<Array> {
        let b = b.view_cow();
        let c = c.view_cow();
        let shape = crate::layout::broadcast_shapes(&[self.shape(), b.shape(), c.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        let ins = [
            (self.raw.clone(), 0),
            (b.raw.clone(), 1),
            (c.raw.clone(), 2),
        ];
        elementwise!(
            par,
            &mut out.view_mut(),
            U,
            [(ins[0].0, A), (ins[1].0, B), (ins[2].0, C)],
            run_3,
            f
        )?;
        Ok(out)
    }
}

/// Element-wise calls sequential or parallel by a flag, for the crate's own kernels
/// (arithmetic, conversions) and the public `par_` forms: one compiled body per operation
/// serves both forms, and the forms that allocate their output.
impl ViewMut<'_> {
    /// [`ViewMut::par_map_into`] when `parallel`, else [`ViewMut::map_into`].
    pub(crate) fn map_into_if<T: Element, U: Element>(
        &mut self,
        src: &View<'_>,
        f: impl Fn(T) -> U + Sync,
        parallel: bool,
    ) -> Result<()> {
        elementwise!((flag parallel), self, U, [(src.raw, T)], run_1, f)
    }

    /// [`ViewMut::par_zip_map_into`] when `parallel`, else [`ViewMut::zip_map_into`].
    pub(crate) fn zip_map_into_if<A: Element, B: Element, U: Element>(
        &mut self,
        a: &View<'_>,
        b: &View<'_>,
        f: impl Fn(A, B) -> U + Sync,
        parallel: bool,
    ) -> Result<()> {
        elementwise!((flag parallel), self, U, [(a.raw, A), (b.raw, B)], run_2, f)
    }
}

impl<'a> View<'a> {
    /// [`View::par_map`] when `parallel`, else [`View::map`].
    pub(crate) fn map_if<T: Element, U: Element>(
        &self,
        f: impl Fn(T) -> U + Sync,
        parallel: bool,
    ) -> Result<Array> {
        let (mut out, _) = fresh::<U>(self.shape())?;
        out.view_mut().map_into_if(self, f, parallel)?;
        Ok(out)
    }

    /// [`View::par_zip_map`] when `parallel`, else [`View::zip_map`].
    pub(crate) fn zip_map_if<A: Element, B: Element, U: Element>(
        &self,
        other: &View<'_>,
        f: impl Fn(A, B) -> U + Sync,
        parallel: bool,
    ) -> Result<Array> {
        let shape = crate::layout::broadcast_shapes(&[self.shape(), other.shape()])?;
        let (mut out, _) = fresh::<U>(&shape)?;
        out.view_mut().zip_map_into_if(self, other, f, parallel)?;
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
    pub fn map_into<'v, T: Element, U: Element>(
        &mut self,
        src: impl IntoView<'v>,
        mut f: impl FnMut(T) -> U,
    ) -> Result<()> {
        let src = src.view_cow();
        elementwise!(seq, self, U, [(src.raw, T)], run_1, f)
    }

    /// [`ViewMut::map_into`], split across rayon's pool for large views.
    pub fn par_map_into<'v, T: Element, U: Element>(
        &mut self,
        src: impl IntoView<'v>,
        f: impl Fn(T) -> U + Sync,
    ) -> Result<()> {
        let src = src.view_cow();
        self.map_into_if(&src, f, true)
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
    pub fn zip_map_into<'v, A: Element, B: Element, U: Element>(
        &mut self,
        a: impl IntoView<'v>,
        b: impl IntoView<'v>,
        mut f: impl FnMut(A, B) -> U,
    ) -> Result<()> {
        let a = a.view_cow();
        let b = b.view_cow();
        elementwise!(seq, self, U, [(a.raw, A), (b.raw, B)], run_2, f)
    }

    /// [`ViewMut::zip_map_into`], split across rayon's pool for large views.
    pub fn par_zip_map_into<'v, A: Element, B: Element, U: Element>(
        &mut self,
        a: impl IntoView<'v>,
        b: impl IntoView<'v>,
        f: impl Fn(A, B) -> U + Sync,
    ) -> Result<()> {
        let a = a.view_cow();
        let b = b.view_cow();
        self.zip_map_into_if(&a, &b, f, true)
    }

    /// `self[i] = f(a[i], b[i], c[i])`, broadcasting the inputs to this view's shape.
    pub fn zip_map3_into<'v, A: Element, B: Element, C: Element, U: Element>(
        &mut self,
        a: impl IntoView<'v>,
        b: impl IntoView<'v>,
        c: impl IntoView<'v>,
        mut f: impl FnMut(A, B, C) -> U,
    ) -> Result<()> {
        let a = a.view_cow();
        let b = b.view_cow();
        let c = c.view_cow();
        elementwise!(seq, self, U, [(a.raw, A), (b.raw, B), (c.raw, C)], run_3, f)
    }

    /// [`ViewMut::zip_map3_into`], split across rayon's pool for large views.
    pub fn par_zip_map3_into<'v, A: Element, B: Element, C: Element, U: Element>(
        &mut self,
        a: impl IntoView<'v>,
        b: impl IntoView<'v>,
        c: impl IntoView<'v>,
        f: impl Fn(A, B, C) -> U + Sync,
    ) -> Result<()> {
        let a = a.view_cow();
        let b = b.view_cow();
        let c = c.view_cow();
        elementwise!(par, self, U, [(a.raw, A), (b.raw, B), (c.raw, C)], run_3, f)
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
        elementwise!(seq, self, T, [(me, T)], run_1, f)
    }

    /// [`ViewMut::apply`], split across rayon's pool for large views.
    pub fn par_apply<T: Element>(&mut self, f: impl Fn(T) -> T + Sync) -> Result<()> {
        let me = self.raw.clone();
        elementwise!(par, self, T, [(me, T)], run_1, f)
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
        let out = output::<T>(self)?;
        let body = |[o]: [Run<'_>; 1]| {
            let mut o = o.lane_mut::<T>();
            match o.as_mut_slice() {
                Some(s) => s.fill(value),
                None => (0..o.len()).for_each(|i| o.set(i, value)),
            }
        };
        let shape = &self.raw.layout.shape;
        crate::engine::runs_par(shape, [&out], false, parallel, body);
        Ok(())
    }
}
