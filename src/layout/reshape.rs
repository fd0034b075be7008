//! NumPy's reshape without copying (`_attempt_nocopy_reshape`, C order).

use super::{c_strides, checked_count, Dims, Layout, Strides};
use crate::error::{Error, Result};

/// Resolves the one [`INFER`](crate::INFER) entry of a requested shape, as NumPy's
/// `_fix_unknown_dimension` resolves its negative entry.
pub(crate) fn resolve_shape(requested: &[usize], count: usize) -> Result<Dims> {
    let show = || {
        let parts: Vec<String> = requested
            .iter()
            .map(|&d| {
                if d == crate::INFER {
                    "-1".to_owned()
                } else {
                    d.to_string()
                }
            })
            .collect();
        format!("({})", parts.join(", "))
    };
    let mismatch = || {
        Error::Shape(format!(
            "cannot reshape array of size {count} into shape {}",
            show()
        ))
    };
    Error::check_ndim(requested.len())?;
    let mut unknown = None;
    let mut known: usize = 1;
    for (k, &d) in requested.iter().enumerate() {
        if d == crate::INFER {
            if unknown.replace(k).is_some() {
                return Err(Error::Shape(
                    "can only specify one unknown dimension (ndview::INFER, NumPy's -1)".to_owned(),
                ));
            }
        } else {
            known = known
                .checked_mul(d)
                .ok_or_else(|| Error::Shape(format!("dimensions {} are too large", show())))?;
        }
    }
    let mut dims: Dims = requested.into();
    match unknown {
        Some(k) => {
            if known == 0 || count % known != 0 {
                return Err(mismatch());
            }
            dims[k] = count / known;
        }
        None if known != count => return Err(mismatch()),
        None => {}
    }
    Ok(dims)
}

impl Layout {
    /// A view of the same elements in C order with a new shape, when NumPy can make one
    /// without copying; an error when the axes do not chain.
    pub fn reshape(&self, requested: &[usize], itemsize: usize) -> Result<Layout> {
        let count = checked_count(&self.shape)?;
        let shape = resolve_shape(requested, count)?;
        super::check_size(&shape, itemsize)?;
        // NumPy returns the view unchanged when the requested shape (before resolving -1)
        // is the current one.
        let same = requested == self.shape.as_slice();
        let strides = if same {
            self.strides.clone()
        } else if self.is_c_contiguous(itemsize) {
            c_strides(&shape, itemsize)
        } else {
            nocopy_strides(&self.shape, &self.strides, &shape, itemsize).ok_or_else(|| {
                Error::Shape(format!(
                    "reshaping {:?} with strides {:?} into {:?} would need a copy (the merged \
                     axes do not chain); copy the view first",
                    self.shape.as_slice(),
                    self.strides.as_slice(),
                    shape.as_slice()
                ))
            })?
        };
        let out = Layout {
            shape,
            strides,
            offset: self.offset,
        };
        // An empty view may take a shape whose contiguous strides reach past the address
        // space from its offset (I4); refuse that rather than make a view later arithmetic
        // cannot trust.
        out.extent(itemsize)?;
        Ok(out)
    }

    /// Inserts an axis of length 1 so that it is axis `axis` of the result (NumPy's
    /// `expand_dims`, a reshape; negative axes count from the end of the result).
    pub fn insert_axis(&self, axis: isize, itemsize: usize) -> Result<Layout> {
        // NumPy's expand_dims checks the axis against the result's dimensions.
        let axis = super::axis_index(axis, self.ndim() + 1)?;
        let mut shape = self.shape.clone();
        shape.insert(axis, 1);
        self.reshape(&shape, itemsize)
    }
}

/// NumPy's `_attempt_nocopy_reshape` for C order: drop length-1 axes, then match runs of old
/// and new axes with equal products; each old run must chain (`s[k] == d[k+1] * s[k+1]`).
fn nocopy_strides(
    old_shape: &[usize],
    old_strides: &[isize],
    new_shape: &[usize],
    itemsize: usize,
) -> Option<Strides> {
    let (od, os): (Dims, Strides) = old_shape
        .iter()
        .zip(old_strides)
        .filter(|(&d, _)| d != 1)
        .map(|(&d, &s)| (d, s))
        .unzip();
    let (oldnd, newnd) = (od.len(), new_shape.len());
    let mut ns: Strides = smallvec::smallvec![0; newnd];
    let (mut oi, mut oj, mut ni, mut nj) = (0, 1, 0, 1);
    while ni < newnd && oi < oldnd {
        let mut np = new_shape[ni];
        let mut op = od[oi];
        while np != op {
            if np < op {
                np *= *new_shape.get(nj)?;
                nj += 1;
            } else {
                op *= *od.get(oj)?;
                oj += 1;
            }
        }
        for ok in oi..oj - 1 {
            if os[ok] != od[ok + 1] as isize * os[ok + 1] {
                return None;
            }
        }
        ns[nj - 1] = os[oj - 1];
        for nk in (ni + 1..nj).rev() {
            ns[nk - 1] = ns[nk] * new_shape[nk] as isize;
        }
        ni = nj;
        nj += 1;
        oi = oj;
        oj += 1;
    }
    let last = if ni >= 1 {
        ns[ni - 1]
    } else {
        itemsize as isize
    };
    for s in ns.iter_mut().skip(ni) {
        *s = last;
    }
    Some(ns)
}
