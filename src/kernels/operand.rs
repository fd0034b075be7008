//! A kernel's operands before the engine walks them: formats checked against the element
//! types, inputs broadcast, fresh outputs, and inputs detached from an output they overlap.

use crate::array::Array;
use crate::element::Element;
use crate::engine::{Holds, Typed};
use crate::error::{Error, Result};
use crate::view::{RawView, ViewMut};

/// The operand reading `raw` as `T`, broadcast to `shape`.
pub(crate) fn input<T: Element>(raw: &RawView, shape: &[usize]) -> Result<Typed> {
    let holds = Holds::of::<T>(&raw.format).ok_or_else(|| Error::wrong_type::<T>(&raw.format))?;
    Typed::input(raw, holds, shape)
}

/// The operand writing `T` into `out` (no broadcasting: it defines the shape).
pub(crate) fn output<T: Element>(out: &mut ViewMut<'_>) -> Result<Typed> {
    let format = &out.raw.format;
    let holds = Holds::of::<T>(format).ok_or_else(|| Error::wrong_type::<T>(format))?;
    Ok(Typed::output(out, holds))
}

/// A fresh C-contiguous output array of `T` and the operand that writes it.
pub(crate) fn fresh<T: Element>(shape: &[usize]) -> Result<(Array, Typed)> {
    let mut out = Array::zeros_with(&T::format(), shape)?;
    let op = output::<T>(&mut out.view_mut())?;
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
