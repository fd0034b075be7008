//! Shape operations that only rearrange axes: permute, swap, flip, squeeze, broadcast, diagonal.

use super::{Dims, Layout, SliceItem, Strides};
use crate::error::{Error, PyErr, Result};

/// Normalises a possibly negative axis against `ndim` (NumPy's AxisError as an index error).
pub(crate) fn axis_index(axis: isize, ndim: usize) -> Result<usize> {
    let n = ndim as isize;
    if axis < -n || axis >= n {
        return Err(Error::Axis { axis, ndim });
    }
    Ok(if axis < 0 { axis + n } else { axis } as usize)
}

/// NumPy's error for a permutation of the wrong length.
fn wrong_axis_count(given: usize, ndim: usize) -> Error {
    Error::Shape(format!(
        "axes don't match array: {given} axes given for {ndim} dimensions"
    ))
}

impl Layout {
    /// Reorders the axes: axis `k` of the result is axis `perm[k]` of `self` (negative
    /// entries count from the end, as NumPy's `transpose` takes them).
    pub fn permute(&self, perm: &[isize]) -> Result<Layout> {
        let ndim = self.ndim();
        if perm.len() != ndim {
            // NumPy checks the count before the axes.
            return Err(wrong_axis_count(perm.len(), ndim));
        }
        let order = perm
            .iter()
            .map(|&axis| axis_index(axis, ndim))
            .collect::<Result<Dims>>()?;
        self.permute_axes(&order)
    }

    /// [`Layout::permute`] with the axes already as indices (each below `ndim`, else an
    /// error).
    pub fn permute_axes(&self, perm: &[usize]) -> Result<Layout> {
        let ndim = self.ndim();
        if perm.len() != ndim {
            return Err(wrong_axis_count(perm.len(), ndim));
        }
        let mut seen = [false; crate::MAX_NDIM];
        for &p in perm {
            if p >= ndim {
                return Err(Error::axis_usize(p, ndim));
            }
            if std::mem::replace(&mut seen[p], true) {
                return Err(Error::Shape(format!("repeated axis {p} in permutation")));
            }
        }
        Ok(Layout {
            shape: perm.iter().map(|&p| self.shape[p]).collect(),
            strides: perm.iter().map(|&p| self.strides[p]).collect(),
            offset: self.offset,
        })
    }

    /// Reverses the order of the axes.
    pub fn transpose(&self) -> Layout {
        Layout {
            shape: self.shape.iter().rev().copied().collect(),
            strides: self.strides.iter().rev().copied().collect(),
            offset: self.offset,
        }
    }

    /// Exchanges two axes (negative axes count from the end).
    pub fn swap_axes(&self, a: isize, b: isize) -> Result<Layout> {
        let (a, b) = (axis_index(a, self.ndim())?, axis_index(b, self.ndim())?);
        let mut out = self.clone();
        out.shape.swap(a, b);
        out.strides.swap(a, b);
        Ok(out)
    }

    /// The two layouts `[..index]` and `[index..]` along `axis` (disjoint index ranges).
    pub fn split_at(&self, axis: isize, index: usize) -> Result<(Layout, Layout)> {
        let axis = axis_index(axis, self.ndim())?;
        let d = self.shape[axis];
        if index > d {
            return Err(Error::index(
                PyErr::IndexError,
                format!("split index {index} is past the end of axis {axis} with size {d}"),
            ));
        }
        let mut first = self.clone();
        first.shape[axis] = index;
        let mut second = self.clone();
        second.shape[axis] = d - index;
        if index < d {
            second.offset += index as isize * self.strides[axis];
        }
        Ok((first, second))
    }

    /// The layout of position `index` along `axis`, that axis removed (`index < shape[axis]`).
    pub fn index_axis(&self, axis: usize, index: usize) -> Layout {
        debug_assert!(index < self.shape[axis]);
        let mut out = self.clone();
        out.offset += index as isize * out.strides[axis];
        out.shape.remove(axis);
        out.strides.remove(axis);
        out
    }

    /// NumPy's `sliding_window_view(x, window)`: every window of `window`'s shape, as the
    /// leading axes (one position per window start) followed by the window's own axes.
    pub fn windows(&self, window: &[usize]) -> Result<Layout> {
        let ndim = self.ndim();
        if window.len() != ndim {
            return Err(Error::Shape(format!(
                "a window needs one length per axis: {} given for {ndim} axes",
                window.len()
            )));
        }
        if let Some(k) = (0..ndim).find(|&k| window[k] > self.shape[k]) {
            return Err(Error::Shape(format!(
                "window shape cannot be larger than input array shape: axis {k} has {} \
                 positions, the window {}",
                self.shape[k], window[k]
            )));
        }
        Error::check_ndim(2 * ndim)?;
        let mut out = self.clone();
        for (d, &w) in out.shape.iter_mut().zip(window) {
            *d = *d - w + 1;
        }
        out.shape.extend_from_slice(window);
        out.strides.extend_from_slice(&self.strides);
        Ok(out)
    }

    /// Reverses one axis, exactly as the slice `::-1` does in NumPy.
    pub fn flip(&self, axis: isize) -> Result<Layout> {
        let axis = axis_index(axis, self.ndim())?;
        let mut items = [SliceItem::FULL; crate::MAX_NDIM];
        items[axis] = SliceItem::range(None, None, -1);
        self.slice(&items[..=axis])
    }

    /// Removes every axis of length 1.
    pub fn squeeze(&self) -> Layout {
        let (shape, strides) = self
            .shape
            .iter()
            .zip(&self.strides)
            .filter(|(&d, _)| d != 1)
            .map(|(&d, &s)| (d, s))
            .unzip();
        Layout {
            shape,
            strides,
            offset: self.offset,
        }
    }

    /// Removes one axis, which must have length 1.
    pub fn squeeze_axis(&self, axis: isize) -> Result<Layout> {
        if self.ndim() == 0 && (axis == 0 || axis == -1) {
            // NumPy's compatibility rule: a 0-d array squeezes axis 0 or -1 into itself.
            return Ok(self.clone());
        }
        let axis = axis_index(axis, self.ndim())?;
        if self.shape[axis] != 1 {
            return Err(Error::Shape(format!(
                "cannot select an axis to squeeze out which has size not equal to one \
                 (axis {axis} has length {})",
                self.shape[axis]
            )));
        }
        let mut out = self.clone();
        out.shape.remove(axis);
        out.strides.remove(axis);
        Ok(out)
    }

    /// NumPy's `broadcast_to`: axes are matched from the right; an axis of length 1 (or a
    /// missing leading axis) repeats with stride 0.
    pub fn broadcast_to(&self, shape: &[usize], itemsize: usize) -> Result<Layout> {
        let (old, new) = (self.ndim(), shape.len());
        let mismatch = || Error::Broadcast {
            shapes: vec![self.shape.to_vec(), shape.to_vec()],
        };
        if new < old {
            return Err(Error::Shape(format!(
                "input operand has more dimensions than allowed by the axis remapping \
                 ({old} > {new})"
            )));
        }
        Error::check_ndim(new)?;
        super::check_size(shape, itemsize)?;
        let lead = new - old;
        let mut strides: Strides = smallvec::smallvec![0; new];
        for k in 0..old {
            let (d, want) = (self.shape[k], shape[lead + k]);
            // NumPy gives every axis of length 1 stride 0, broadcast or not.
            strides[lead + k] = if d == 1 {
                0
            } else if d == want {
                self.strides[k]
            } else {
                return Err(mismatch());
            };
        }
        Ok(Layout {
            shape: shape.into(),
            strides,
            offset: self.offset,
        })
    }

    /// NumPy's `diagonal(offset, axis1, axis2)`: the two axes are replaced by one last axis
    /// running along the diagonal (above it for `offset > 0`, below for `offset < 0`).
    pub fn diagonal(&self, offset: isize, axis1: isize, axis2: isize) -> Result<Layout> {
        let ndim = self.ndim();
        if ndim < 2 {
            return Err(Error::Shape(
                "diag requires an array of at least two dimensions".to_owned(),
            ));
        }
        let (a1, a2) = (axis_index(axis1, ndim)?, axis_index(axis2, ndim)?);
        if a1 == a2 {
            return Err(Error::Shape(
                "axis1 and axis2 cannot be the same".to_owned(),
            ));
        }
        // i128: an offset of isize::MIN has no isize negation.
        let (d1, d2) = (self.shape[a1] as i128, self.shape[a2] as i128);
        let (s1, s2) = (self.strides[a1], self.strides[a2]);
        let offset = offset as i128;
        let (len, shift, shift_stride) = if offset >= 0 {
            (d1.min(d2 - offset), offset, s2)
        } else {
            ((d1 + offset).min(d2), -offset, s1)
        };
        // NumPy moves to the diagonal's start whenever it is not past both ends, even when
        // the diagonal turns out empty; past them the view stays where it was.
        let mut start = self.offset;
        let len = if len < 0 {
            0
        } else {
            start = isize::try_from(self.offset as i128 + shift * shift_stride as i128)
                .map_err(|_| Error::Shape("diagonal offset overflows".to_owned()))?;
            len as usize
        };
        let mut shape: Dims = Dims::new();
        let mut strides: Strides = Strides::new();
        for k in (0..ndim).filter(|&k| k != a1 && k != a2) {
            shape.push(self.shape[k]);
            strides.push(self.strides[k]);
        }
        shape.push(len);
        strides.push(s1.wrapping_add(s2));
        Ok(Layout {
            shape,
            strides,
            offset: start,
        })
    }
}

/// NumPy's broadcast of several shapes: aligned from the right, each axis equal or 1.
pub(crate) fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Dims> {
    let nd = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    Error::check_ndim(nd)?;
    let mut out: Dims = smallvec::smallvec![1; nd];
    for s in shapes {
        for (k, &d) in s.iter().enumerate() {
            let slot = &mut out[nd - s.len() + k];
            if *slot == 1 {
                *slot = d;
            } else if d != 1 && d != *slot {
                return Err(Error::Broadcast {
                    shapes: shapes.iter().map(|s| s.to_vec()).collect(),
                });
            }
        }
    }
    Ok(out)
}
