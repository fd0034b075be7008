//! Typed operands of a kernel: checked formats, broadcasting, overlap with the output, and the
//! loops that run a closure over one run of elements.

use crate::array::Array;
use crate::element::Element;
use crate::engine::{self, Plan, RunPtr};
use crate::error::{Error, Result};
use crate::format::ByteOrder;
use crate::layout::Strides;
use crate::raw::RawBytes;
use crate::view::RawView;

/// One operand of a walk: where its elements are and in which byte order.
#[derive(Clone)]
pub(crate) struct Operand {
    pub bytes: RawBytes,
    pub strides: Strides,
    pub offset: isize,
    pub order: ByteOrder,
}

impl Operand {
    /// Pointer, stride and order of the run starting at byte offset `off`.
    ///
    /// # Safety
    /// `off` must be an element offset of this operand's validated layout.
    #[inline(always)]
    pub unsafe fn run(&self, off: isize, stride: isize) -> Run {
        Run {
            // SAFETY: the caller's promise.
            ptr: unsafe { self.bytes.at(off) },
            stride,
            order: self.order,
        }
    }
}

/// The start of a run of elements: pointer, byte stride, byte order.
#[derive(Clone, Copy)]
pub(crate) struct Run {
    pub ptr: *mut u8,
    pub stride: isize,
    pub order: ByteOrder,
}

impl Run {
    /// A run at `at` of elements in byte order `order`.
    #[inline(always)]
    pub fn from_ptr(at: RunPtr, order: ByteOrder) -> Run {
        Run {
            ptr: at.ptr,
            stride: at.stride,
            order,
        }
    }

    /// Whether the run can be a `&[T]`: contiguous, native, aligned, any bit pattern valid.
    #[inline(always)]
    pub fn sliceable<T: Element>(&self) -> bool {
        T::ANY_BIT_PATTERN
            && self.stride == std::mem::size_of::<T>() as isize
            && self.order.is_native()
            && self.ptr as usize % std::mem::align_of::<T>() == 0
    }

    /// Whether the elements are adjacent (any order, any alignment).
    #[inline(always)]
    pub fn contiguous<T>(&self) -> bool {
        self.stride == std::mem::size_of::<T>() as isize
    }

    /// Loads element `i`.
    ///
    /// # Safety
    /// Element `i` of the run must be in bounds and hold a `T`.
    #[inline(always)]
    pub unsafe fn load<T: Element>(&self, i: usize) -> T {
        // SAFETY: the caller's promise.
        unsafe { T::load(self.ptr.offset(i as isize * self.stride), self.order) }
    }

    /// Loads element `i` of a contiguous run (the stride is the size of `T`).
    ///
    /// # Safety
    /// As for [`Run::load`].
    #[inline(always)]
    pub unsafe fn load_adjacent<T: Element>(&self, i: usize) -> T {
        // SAFETY: the caller's promise.
        unsafe { T::load(self.ptr.add(i * std::mem::size_of::<T>()), self.order) }
    }

    /// Stores element `i`.
    ///
    /// # Safety
    /// Element `i` must be in bounds and writable.
    #[inline(always)]
    pub unsafe fn store<T: Element>(&self, i: usize, v: T) {
        // SAFETY: the caller's promise.
        unsafe { v.store(self.ptr.offset(i as isize * self.stride), self.order) }
    }

    /// Stores element `i` of a contiguous run.
    ///
    /// # Safety
    /// As for [`Run::store`].
    #[inline(always)]
    pub unsafe fn store_adjacent<T: Element>(&self, i: usize, v: T) {
        // SAFETY: the caller's promise.
        unsafe { v.store(self.ptr.add(i * std::mem::size_of::<T>()), self.order) }
    }
}

/// The operand reading `raw` as `T`, broadcast to `shape`.
pub(crate) fn input<T: Element>(raw: &RawView, shape: &[usize]) -> Result<Operand> {
    let order = raw
        .format
        .holds::<T>()
        .ok_or_else(|| Error::wrong_type::<T>(&raw.format))?;
    let layout = raw.layout.broadcast_to(shape, raw.itemsize())?;
    Ok(Operand {
        bytes: raw.bytes,
        strides: layout.strides,
        offset: layout.offset,
        order,
    })
}

/// The operand writing `T` into `raw` (no broadcasting: it defines the shape).
pub(crate) fn output<T: Element>(raw: &RawView) -> Result<Operand> {
    let order = raw
        .format
        .holds::<T>()
        .ok_or_else(|| Error::wrong_type::<T>(&raw.format))?;
    Ok(Operand {
        bytes: raw.bytes,
        strides: raw.layout.strides.clone(),
        offset: raw.layout.offset,
        order,
    })
}

/// A fresh C-contiguous output array of `T` and the operand that writes it.
pub(crate) fn fresh<T: Element>(shape: &[usize]) -> Result<(Array, Operand)> {
    let mut out = Array::zeros_with(&T::format(), shape)?;
    let op = output::<T>(&out.view_mut().raw)?;
    Ok((out, op))
}

/// Makes `input` safe to read while `out` is written: a private C-contiguous copy when they
/// share bytes other than element for element. Returns the view to read (the copy lives in
/// `keep`) and whether it is the output itself (so no slices may be formed over it).
pub(crate) fn detach(
    out: &RawView,
    input: &RawView,
    keep: &mut Vec<Array>,
) -> Result<(RawView, bool)> {
    use crate::overlap::{aliasing, Aliasing};
    Ok(match aliasing(out.region(), input.region()) {
        Aliasing::Apart => (input.clone(), false),
        Aliasing::Same => (input.clone(), true),
        Aliasing::MustCopy => {
            let copy = crate::view::View::wrap(input.clone()).to_owned()?;
            let raw = copy.view().raw.clone();
            keep.push(copy);
            (raw, false)
        }
    })
}

/// The one run that covers a kernel's output and all its inputs when every one is
/// C-contiguous over the output's shape (no broadcasting) and holds its type: such a walk
/// needs no plan, and small calls skip its setup. `orders` are the byte orders the formats
/// hold the types in (`None` where they do not: the general path reports the error). Returns
/// the runs, their length and whether an input is the output element for element; `None`
/// when the general path is needed (another layout, an input sharing other bytes with the
/// output, an empty walk, or a parallel walk large enough to split).
pub(crate) fn flat_runs<const N: usize>(
    out: (&RawView, Option<ByteOrder>),
    ins: [(&RawView, Option<ByteOrder>); N],
    parallel: bool,
) -> Option<(Run, [Run; N], usize, bool)> {
    let (o, o_order) = out;
    let len = o.layout.len();
    let is = o.itemsize();
    if len == 0 || !o.layout.is_c_contiguous(is) {
        return None;
    }
    let span = |r: &RawView| {
        let start = r.bytes.addr() as isize + r.layout.offset;
        (start, start + (len * r.itemsize()) as isize)
    };
    let (o_start, o_end) = span(o);
    let mut fused = false;
    let mut touched = len * is;
    for (r, order) in &ins {
        order.as_ref()?;
        // Element by element (not `!=`, which calls memcmp for a few words).
        let same_shape = r.layout.shape.len() == o.layout.shape.len()
            && r.layout
                .shape
                .iter()
                .zip(&o.layout.shape)
                .all(|(a, b)| a == b);
        if !same_shape || !r.layout.is_c_contiguous(r.itemsize()) {
            return None;
        }
        let (start, end) = span(r);
        if start == o_start && r.itemsize() == is {
            fused = true;
        } else if start < o_end && o_start < end {
            return None;
        }
        touched += len * r.itemsize();
    }
    if parallel && engine::worth_splitting(len, touched / len) {
        return None;
    }
    let run = |r: &RawView, order: ByteOrder| Run {
        // SAFETY: the layout is valid and not empty, so its offset is element 0's.
        ptr: unsafe { r.bytes.at(r.layout.offset) },
        stride: r.itemsize() as isize,
        order,
    };
    Some((
        run(o, o_order?),
        ins.map(|(r, order)| run(r, order.expect("checked above"))),
        len,
        fused,
    ))
}

/// Walks a plan, sequentially, calling `run(offsets, len)` per run (tiled when operands are
/// transposed).
pub(crate) fn walk_seq<const N: usize>(
    plan: &Plan<N>,
    itemsizes: [usize; N],
    mut run: impl FnMut([isize; N], usize),
) {
    match plan.tiles(itemsizes) {
        Some(t) => plan.for_each_tiled_run(t, 0..plan.tile_units(t), &mut run),
        None => plan.for_each_run(0..plan.count(), &mut run),
    }
}

/// Walks a plan, split across rayon's pool when large.
pub(crate) fn walk_par<const N: usize>(
    plan: &Plan<N>,
    itemsizes: [usize; N],
    run: impl Fn([isize; N], usize) + Sync,
) {
    engine::walk(plan, itemsizes, true, run)
}

/// A layout over `operand`'s strides for `shape` (for building plans).
pub(crate) fn plan_of<const N: usize>(shape: &[usize], ops: [&Operand; N]) -> Plan<N> {
    Plan::new(
        shape,
        std::array::from_fn(|k| ops[k].strides.as_slice()),
        std::array::from_fn(|k| ops[k].offset),
    )
}
