//! Geometry of a view: shape, byte strides and the byte offset of element 0.
//!
//! Everything here is plain arithmetic on numbers, with no memory access: validation against a
//! buffer (checked arithmetic, done once when a view is made), contiguity flags, and the shape
//! operations (slicing, permuting, reshaping, broadcasting, ...), each O(ndim).

mod ops;
mod reshape;
mod slicing;

pub(crate) use ops::{axis_index, broadcast_shapes};
#[cfg(not(miri))] // only file maps use it, and Miri builds have none
pub(crate) use reshape::resolve_shape;
pub(crate) use slicing::parse_index;
pub use slicing::SliceItem;

use crate::error::{Error, Result};
use smallvec::SmallVec;

/// Inline storage for up to 6 dimensions; more spill to the heap.
pub(crate) type Dims = SmallVec<[usize; 6]>;
/// Byte strides, one per dimension.
pub(crate) type Strides = SmallVec<[isize; 6]>;

/// Shape, strides and offset of a view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub shape: Dims,
    pub strides: Strides,
    /// Byte offset of element 0 from the start of the buffer. In range for every view with
    /// elements; an empty view may carry any offset (NumPy keeps whatever its index gave).
    pub offset: isize,
}

impl Layout {
    /// A C-contiguous layout of `shape` for elements of `itemsize` bytes at offset 0.
    #[inline]
    pub fn c_contiguous(shape: &[usize], itemsize: usize) -> Layout {
        Layout {
            shape: shape.into(),
            strides: c_strides(shape, itemsize),
            offset: 0,
        }
    }

    #[inline]
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements. Validation guarantees the product fits.
    #[inline]
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.shape.contains(&0)
    }

    /// NumPy's C-contiguity: axes of length 1 place no constraint, an empty view is contiguous.
    #[inline]
    pub fn is_c_contiguous(&self, itemsize: usize) -> bool {
        contiguous(self.shape.iter().zip(&self.strides).rev(), itemsize)
    }

    /// The number of elements when the view is C-contiguous (NumPy's rule) and not empty, in
    /// one pass over the axes (small kernel calls ask this of every operand).
    #[inline]
    pub fn c_dense_len(&self, itemsize: usize) -> Option<usize> {
        let (shape, strides) = (&self.shape[..], &self.strides[..]);
        if let ([n], [s]) = (shape, strides) {
            return (*n > 1 && *s == itemsize as isize || *n == 1).then_some(*n);
        }
        let mut expect = itemsize as isize;
        let mut len = 1usize;
        for (&d, &s) in shape.iter().zip(strides).rev() {
            if d != 1 && s != expect {
                // An empty axis makes any strides contiguous, but the walk is empty anyway.
                return None;
            }
            expect = expect.wrapping_mul(d as isize);
            len = len.wrapping_mul(d);
        }
        (len > 0).then_some(len)
    }

    /// NumPy's Fortran-contiguity.
    pub fn is_f_contiguous(&self, itemsize: usize) -> bool {
        contiguous(self.shape.iter().zip(&self.strides), itemsize)
    }

    /// CPython's C-contiguity (memoryview's flag), which differs from NumPy's for 1-D views:
    /// there a view is contiguous iff its length is 1 or its stride is the itemsize, so an
    /// empty 1-D view with another stride is not.
    pub fn is_c_contiguous_cpython(&self, itemsize: usize) -> bool {
        match self.ndim() {
            1 => self.shape[0] == 1 || self.strides[0] == itemsize as isize,
            _ => self.is_c_contiguous(itemsize),
        }
    }

    /// Checks that every byte of every element lies in a buffer of `len` bytes, and that no
    /// product or reach overflows. Errors say which axis reaches out and by how much.
    pub fn validate(&self, len: usize, itemsize: usize) -> Result<()> {
        if self.shape.len() != self.strides.len() {
            return Err(Error::Geometry(format!(
                "shape has {} dimensions but strides has {}; give one stride per dimension",
                self.shape.len(),
                self.strides.len()
            )));
        }
        Error::check_ndim(self.ndim())?;
        check_size(&self.shape, itemsize)?;
        let count = checked_count(&self.shape)?;
        // Even an empty view keeps its reach within isize, so that every index, slice and
        // flip of it computes offsets without overflow.
        let (lo, hi) = self.extent(itemsize)?;
        if count > 0 && (lo < 0 || hi > len as i128) {
            return Err(self.reach_error(len, itemsize, lo, hi));
        }
        Ok(())
    }

    /// The byte range `[lo, hi)` the positions span (axes of length 0 counted as if they had
    /// one element), computed in i128; `stride * (len - 1)` and the whole range must fit in
    /// `isize`.
    pub fn extent(&self, itemsize: usize) -> Result<(i128, i128)> {
        let mut lo = self.offset as i128;
        let mut hi = self.offset as i128 + itemsize as i128;
        for (axis, (&d, &s)) in self.shape.iter().zip(&self.strides).enumerate() {
            let reach = s as i128 * (d.max(1) as i128 - 1);
            // Symmetric bound: a flip negates the stride and the reach, and isize::MIN has
            // no negation (found by the garbage-input test: an empty view with stride
            // isize::MIN could not be flipped).
            if reach > isize::MAX as i128 || reach < -(isize::MAX as i128) {
                return Err(Error::Geometry(format!(
                    "axis {axis}: stride {s} * (length {d} - 1) overflows"
                )));
            }
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        if lo < isize::MIN as i128 || hi > isize::MAX as i128 {
            return Err(Error::Geometry(format!(
                "offset {} with these strides reaches beyond the address space",
                self.offset
            )));
        }
        Ok((lo, hi))
    }

    fn reach_error(&self, len: usize, itemsize: usize, lo: i128, hi: i128) -> Error {
        // Name every axis that reaches in the direction that went out, largest reach first.
        let before = lo < 0;
        let mut axes: Vec<(i128, usize)> = (0..self.ndim())
            .map(|k| (self.strides[k] as i128 * (self.shape[k] as i128 - 1), k))
            .filter(|&(reach, _)| if before { reach < 0 } else { reach > 0 })
            .map(|(reach, k)| (reach.abs(), k))
            .collect();
        axes.sort_by_key(|&(reach, _)| std::cmp::Reverse(reach));
        let what = if axes.is_empty() {
            "the element".to_owned()
        } else {
            let named: Vec<String> = axes
                .iter()
                .map(|&(reach, k)| {
                    format!(
                        "axis {k} (length {}, stride {}: {reach} bytes)",
                        self.shape[k], self.strides[k]
                    )
                })
                .collect();
            named.join(" and ")
        };
        if before {
            Error::Geometry(format!(
                "from offset {}, {what} reach {} bytes before the start of the buffer; the \
                 lowest element must be at offset >= 0",
                self.offset, -lo
            ))
        } else {
            Error::Geometry(format!(
                "from offset {} with itemsize {itemsize}, {what} reach {} bytes past the end of \
                 the {len}-byte buffer; the highest element must end by byte {len}",
                self.offset,
                hi - len as i128
            ))
        }
    }
}

/// Contiguity walking axes from the fastest: lengths 0 make anything contiguous, lengths 1
/// place no constraint, every other stride must be the product of the faster extents.
#[inline]
fn contiguous<'s>(axes: impl Iterator<Item = (&'s usize, &'s isize)>, itemsize: usize) -> bool {
    // One pass (kernels ask this on every call): an empty axis makes any strides contiguous.
    let mut expect = itemsize as isize;
    let mut ok = true;
    for (&d, &s) in axes {
        match d {
            0 => return true,
            1 => {}
            _ => {
                ok &= s == expect;
                expect = expect.wrapping_mul(d as isize);
            }
        }
    }
    ok
}

/// Whether two shapes are equal, compared element by element: `==` on slices calls `memcmp`,
/// which costs more than the comparison itself for the few axes a shape has (small kernel calls
/// ask this every time).
#[inline]
pub(crate) fn same_shape(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// C-order strides for `shape` (saturating: only reached for valid, fitting shapes).
#[inline]
pub(crate) fn c_strides(shape: &[usize], itemsize: usize) -> Strides {
    let mut strides: Strides = smallvec::smallvec![0; shape.len()];
    let mut s = itemsize as isize;
    for (k, &d) in shape.iter().enumerate().rev() {
        strides[k] = s;
        s = s.saturating_mul(d.max(1) as isize);
    }
    strides
}

/// Fortran-order strides for `shape`.
pub(crate) fn f_strides(shape: &[usize], itemsize: usize) -> Strides {
    let mut strides: Strides = smallvec::smallvec![0; shape.len()];
    let mut s = itemsize as isize;
    for (k, &d) in shape.iter().enumerate() {
        strides[k] = s;
        s = s.saturating_mul(d.max(1) as isize);
    }
    strides
}

/// The product of a shape, or an error when it overflows.
pub(crate) fn checked_count(shape: &[usize]) -> Result<usize> {
    if shape.contains(&0) {
        return Ok(0);
    }
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| {
            Error::Geometry(format!(
                "shape {shape:?} has more elements than fit in memory"
            ))
        })
}

/// The bytes an array of `shape` needs, under NumPy's limits (at most `MAX_NDIM` axes, the
/// size rule of [`check_size`]).
pub(crate) fn checked_nbytes(shape: &[usize], itemsize: usize) -> Result<usize> {
    Error::check_ndim(shape.len())?;
    check_size(shape, itemsize)?;
    // The size rule bounds the product of the non-zero lengths, so this cannot overflow.
    Ok(checked_count(shape)? * itemsize)
}

/// NumPy's size rule (`PyArray_NewFromDescr`): the product of the *non-zero* lengths times
/// the itemsize must fit in `isize`, even when some length is 0. It keeps contiguous strides
/// of every shape a view can take (by reshape or broadcast) free of overflow.
pub(crate) fn check_size(shape: &[usize], itemsize: usize) -> Result<()> {
    shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(itemsize.max(1), |n, &d| n.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize)
        .map(|_| ())
        .ok_or_else(|| {
            if shape.contains(&crate::INFER) {
                return Error::Geometry(format!(
                    "shape {shape:?} has a length of INFER (usize::MAX, NumPy's -1), which \
                     only reshape, frombuffer and map_file infer; give every length here"
                ));
            }
            Error::Geometry(format!(
                "array is too big: shape {shape:?} of {itemsize}-byte elements (zero lengths \
                 left out, as NumPy does) exceeds isize::MAX bytes"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Few cases under Miri, which interprets proptest's machinery too.
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 16 } else { 256 }))]

        /// The one-pass `c_dense_len` agrees with NumPy's contiguity flag and the element
        /// count on any geometry, contiguous or not.
        #[test]
        fn c_dense_len_is_contiguity_and_count(
            axes in proptest::collection::vec((0usize..4, -3isize..25), 0..5),
            itemsize in 1usize..5,
        ) {
            let layout = Layout {
                shape: axes.iter().map(|a| a.0).collect(),
                strides: axes.iter().map(|a| a.1).collect(),
                offset: 0,
            };
            let want = (layout.is_c_contiguous(itemsize) && !layout.is_empty())
                .then(|| layout.len());
            prop_assert_eq!(layout.c_dense_len(itemsize), want);
            // C-order strides are contiguous by construction.
            let dense = Layout::c_contiguous(&layout.shape, itemsize);
            prop_assert_eq!(dense.c_dense_len(itemsize), (!dense.is_empty()).then(|| dense.len()));
        }
    }
}
