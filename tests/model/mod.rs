//! The reference model of a view: the byte offset of every element, in C order, with a shape.
//!
//! Everything here is written from the definitions (Python's slicing rules, "reverse an axis",
//! "repeat along new axes"), independently of the library, so that the library's geometry can
//! be checked against it: after every operation the view's bytes must equal the model's gather.
//! Used by the property tests (tests/sequences.rs) and the sequence fuzzer (fuzz/).
#![allow(dead_code)]

use ndview::SliceItem;

/// The most dimensions a view may have (NumPy's limit).
pub const MAX_NDIM: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub shape: Vec<usize>,
    /// Byte offset of each element, in C order of `shape`.
    pub offsets: Vec<isize>,
}

/// C-contiguous byte strides of `shape` (saturating, for shapes a fuzzer makes up; lengths of
/// 0 count as 1, as NumPy's contiguous strides do).
pub fn c_strides(shape: &[usize], itemsize: usize) -> Vec<isize> {
    let mut s = vec![0isize; shape.len()];
    let mut acc = itemsize as isize;
    for k in (0..shape.len()).rev() {
        s[k] = acc;
        acc = acc.saturating_mul(shape[k].max(1) as isize);
    }
    s
}

/// Every index of `shape` in C order.
pub fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    if shape.contains(&0) {
        return Vec::new();
    }
    let mut out = vec![vec![]];
    for &d in shape {
        out = out
            .into_iter()
            .flat_map(|p| {
                (0..d).map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    out
}

/// Python's positions selected by `start:stop:step` on a length `n`, from the definition.
pub fn python_slice(
    start: Option<isize>,
    stop: Option<isize>,
    step: Option<isize>,
    n: usize,
) -> Option<Vec<usize>> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return None;
    }
    let n = n as isize;
    let mut out = Vec::new();
    if step > 0 {
        let fix = |v: isize| if v < 0 { (v + n).max(0) } else { v.min(n) };
        let (mut i, end) = (start.map_or(0, fix), stop.map_or(n, fix));
        while i < end {
            out.push(i as usize);
            i += step;
        }
    } else {
        let fix = |v: isize| if v < 0 { (v + n).max(-1) } else { v.min(n - 1) };
        let (mut i, end) = (start.map_or(n - 1, fix), stop.map_or(-1, fix));
        while i > end {
            out.push(i as usize);
            i += step;
        }
    }
    Some(out)
}

impl Model {
    /// The model of a view made from parts.
    pub fn new(shape: &[usize], strides: &[isize], offset: isize) -> Model {
        let offsets = indices(shape)
            .iter()
            .map(|ix| {
                offset
                    + ix.iter()
                        .zip(strides)
                        .map(|(&i, &s)| i as isize * s)
                        .sum::<isize>()
            })
            .collect();
        Model {
            shape: shape.to_vec(),
            offsets,
        }
    }

    fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// C position of an index.
    fn pos(&self, ix: &[usize]) -> usize {
        ix.iter().zip(&self.shape).fold(0, |p, (&i, &d)| p * d + i)
    }

    /// A new model whose element at index `ix` is this model's element at `map(ix)`.
    fn remap(&self, shape: Vec<usize>, map: impl Fn(&[usize]) -> Vec<usize>) -> Model {
        let offsets = indices(&shape)
            .iter()
            .map(|ix| self.offsets[self.pos(&map(ix))])
            .collect();
        Model { shape, offsets }
    }

    /// The bytes of every element, gathered in C order.
    pub fn gather(&self, buf: &[u8], itemsize: usize) -> Vec<u8> {
        self.offsets
            .iter()
            .flat_map(|&o| buf[o as usize..o as usize + itemsize].to_vec())
            .collect()
    }

    /// NumPy basic indexing; `None` where NumPy raises.
    pub fn slice(&self, items: &[SliceItem]) -> Option<Model> {
        let consumed = items
            .iter()
            .filter(|i| matches!(i, SliceItem::Index(_) | SliceItem::Slice { .. }))
            .count();
        if consumed > self.shape.len()
            || items
                .iter()
                .filter(|i| matches!(i, SliceItem::Ellipsis))
                .count()
                > 1
        {
            return None;
        }
        // Per output axis: which source axis it reads and which positions (None: a new axis).
        enum Ax {
            Pick(usize, Vec<usize>),
            New,
        }
        let mut fixed: Vec<(usize, usize)> = Vec::new(); // (source axis, position) of integers
        let mut axes: Vec<Ax> = Vec::new();
        let mut k = 0;
        for item in items {
            match *item {
                SliceItem::Index(i) => {
                    let n = self.shape[k] as isize;
                    let j = if i < 0 { i + n } else { i };
                    if j < 0 || j >= n {
                        return None;
                    }
                    fixed.push((k, j as usize));
                    k += 1;
                }
                SliceItem::Slice { start, stop, step } => {
                    axes.push(Ax::Pick(k, python_slice(start, stop, step, self.shape[k])?));
                    k += 1;
                }
                SliceItem::NewAxis => axes.push(Ax::New),
                SliceItem::Ellipsis => {
                    for _ in 0..self.shape.len() - consumed {
                        axes.push(Ax::Pick(k, (0..self.shape[k]).collect()));
                        k += 1;
                    }
                }
            }
        }
        while k < self.shape.len() {
            axes.push(Ax::Pick(k, (0..self.shape[k]).collect()));
            k += 1;
        }
        let shape: Vec<usize> = axes
            .iter()
            .map(|a| match a {
                Ax::Pick(_, p) => p.len(),
                Ax::New => 1,
            })
            .collect();
        if shape.len() > MAX_NDIM {
            return None;
        }
        Some(self.remap(shape, |ix| {
            let mut src = vec![0; self.shape.len()];
            for &(a, p) in &fixed {
                src[a] = p;
            }
            for (a, &i) in axes.iter().zip(ix) {
                if let Ax::Pick(s, p) = a {
                    src[*s] = p[i];
                }
            }
            src
        }))
    }

    pub fn permute(&self, perm: &[usize]) -> Option<Model> {
        let nd = self.shape.len();
        let mut seen = vec![false; nd];
        if perm.len() != nd
            || perm
                .iter()
                .any(|&p| p >= nd || std::mem::replace(&mut seen[p], true))
        {
            return None;
        }
        let shape = perm.iter().map(|&p| self.shape[p]).collect();
        Some(self.remap(shape, |ix| {
            let mut src = vec![0; nd];
            for (k, &p) in perm.iter().enumerate() {
                src[p] = ix[k];
            }
            src
        }))
    }

    fn axis(&self, axis: isize) -> Option<usize> {
        let nd = self.shape.len() as isize;
        (axis >= -nd && axis < nd).then(|| if axis < 0 { axis + nd } else { axis } as usize)
    }

    pub fn flip(&self, axis: isize) -> Option<Model> {
        let a = self.axis(axis)?;
        let d = self.shape[a];
        Some(self.remap(self.shape.clone(), |ix| {
            let mut src = ix.to_vec();
            src[a] = d - 1 - ix[a];
            src
        }))
    }

    /// Same elements in the same C order, another shape (squeeze, insert_axis, reshape).
    pub fn relabel(&self, shape: Vec<usize>) -> Option<Model> {
        (shape.len() <= MAX_NDIM && shape.iter().product::<usize>() == self.len()).then(|| Model {
            shape,
            offsets: self.offsets.clone(),
        })
    }

    /// NumPy's `broadcast_to`; it also refuses shapes whose non-zero lengths multiply (with
    /// the itemsize) past `isize::MAX` ("array is too big"), empty or not.
    pub fn broadcast_to(&self, shape: &[usize], itemsize: usize) -> Option<Model> {
        let bytes = shape
            .iter()
            .filter(|&&d| d != 0)
            .try_fold(itemsize as u128, |n, &d| n.checked_mul(d as u128));
        if shape.len() > MAX_NDIM || bytes.map_or(true, |b| b > isize::MAX as u128) {
            return None;
        }
        let lead = shape.len().checked_sub(self.shape.len())?;
        for (k, &d) in self.shape.iter().enumerate() {
            if d != 1 && d != shape[lead + k] {
                return None;
            }
        }
        Some(self.remap(shape.to_vec(), |ix| {
            ix[lead..]
                .iter()
                .zip(&self.shape)
                .map(|(&i, &d)| if d == 1 { 0 } else { i })
                .collect()
        }))
    }

    pub fn diagonal(&self, offset: isize, a1: isize, a2: isize) -> Option<Model> {
        if self.shape.len() < 2 {
            return None;
        }
        let (a1, a2) = (self.axis(a1)?, self.axis(a2)?);
        if a1 == a2 {
            return None;
        }
        let (d1, d2) = (self.shape[a1] as isize, self.shape[a2] as isize);
        let len = if offset >= 0 {
            d1.min(d2 - offset)
        } else {
            (d1 + offset).min(d2)
        }
        .max(0) as usize;
        let others: Vec<usize> = (0..self.shape.len())
            .filter(|&k| k != a1 && k != a2)
            .collect();
        let mut shape: Vec<usize> = others.iter().map(|&k| self.shape[k]).collect();
        shape.push(len);
        Some(self.remap(shape, |ix| {
            let mut src = vec![0; self.shape.len()];
            for (j, &k) in others.iter().enumerate() {
                src[k] = ix[j];
            }
            let t = ix[others.len()] as isize;
            let (i1, i2) = if offset >= 0 {
                (t, t + offset)
            } else {
                (t - offset, t)
            };
            src[a1] = i1 as usize;
            src[a2] = i2 as usize;
            src
        }))
    }
}
