//! Typed operands of a kernel: checked formats, broadcasting, overlap with the output, and the
//! loops that run a closure over one run of elements.

use crate::array::Array;
use crate::element::Element;
use crate::engine::{Holds, Plan, Typed};
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
    /// Whether the run can be a `&[T]`: contiguous, native, aligned, any bit pattern valid.
    #[inline(always)]
    pub fn sliceable<T: Element>(&self) -> bool {
        T::ANY_BIT_PATTERN
            && self.stride == std::mem::size_of::<T>() as isize
            && self.order.is_native()
            && self.ptr as usize % std::mem::align_of::<T>() == 0
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

    /// Stores element `i`.
    ///
    /// # Safety
    /// Element `i` must be in bounds and writable.
    #[inline(always)]
    pub unsafe fn store<T: Element>(&self, i: usize, v: T) {
        // SAFETY: the caller's promise.
        unsafe { v.store(self.ptr.offset(i as isize * self.stride), self.order) }
    }
}

/// The executor's operand reading `raw` as `T`, broadcast to `shape`.
pub(crate) fn input<T: Element>(raw: &RawView, shape: &[usize]) -> Result<Typed> {
    let holds = Holds::of::<T>(&raw.format).ok_or_else(|| Error::wrong_type::<T>(&raw.format))?;
    Typed::input(raw, holds, shape)
}

/// The executor's operand writing `T` into `raw` (no broadcasting: it defines the shape).
pub(crate) fn output<T: Element>(raw: &RawView) -> Result<Typed> {
    let holds = Holds::of::<T>(&raw.format).ok_or_else(|| Error::wrong_type::<T>(&raw.format))?;
    Ok(Typed::output(raw, holds))
}

/// The operand reading `raw` as `T`, broadcast to `shape`, for the walks the reductions still
/// run themselves.
pub(crate) fn strided_input<T: Element>(raw: &RawView, shape: &[usize]) -> Result<Operand> {
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

/// The operand writing `T` into `raw`, for the walks the reductions still run themselves.
pub(crate) fn strided_output<T: Element>(raw: &RawView) -> Result<Operand> {
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
    let op = strided_output::<T>(&out.view_mut().raw)?;
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

/// A layout over `operand`'s strides for `shape` (for building plans).
pub(crate) fn plan_of<const N: usize>(shape: &[usize], ops: [&Operand; N]) -> Plan<N> {
    Plan::new(
        shape,
        std::array::from_fn(|k| ops[k].strides.as_slice()),
        std::array::from_fn(|k| ops[k].offset),
    )
}
