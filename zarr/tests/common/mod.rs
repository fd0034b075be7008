//! Shared helpers: destination layouts and the in-memory reference model of a region.
#![allow(dead_code)]

use ndview::{Order, View, ViewMut};

/// C-order byte strides of `shape`.
pub fn c_strides(shape: &[usize], itemsize: usize) -> Vec<isize> {
    let mut s = vec![0isize; shape.len()];
    let mut acc = itemsize as isize;
    for d in (0..shape.len()).rev() {
        s[d] = acc;
        acc *= shape[d].max(1) as isize;
    }
    s
}

/// The bytes `index` selects from a C-ordered array (`data`, `shape`): ndview's own slicing of
/// an in-memory view, the model every Zarr read is compared with.
pub fn reference(data: &[u8], format: &str, shape: &[usize], index: &str) -> Vec<u8> {
    let is = ndview::Format::parse(format).unwrap().itemsize();
    let v = View::from_parts(data, format, shape, &c_strides(shape, is), 0).unwrap();
    v.slice_str(index).unwrap().tobytes(Order::C).unwrap()
}

/// A destination layout over its own buffer: strides and offset for `shape`.
pub struct Layout {
    pub name: &'static str,
    pub buf: Vec<u8>,
    pub strides: Vec<isize>,
    pub offset: usize,
}

impl Layout {
    pub fn view(&mut self, format: &str, shape: &[usize]) -> ViewMut<'_> {
        ViewMut::from_parts(&mut self.buf, format, shape, &self.strides, self.offset).unwrap()
    }
}

/// C, Fortran, all-negative, gapped (every other element), a C block inside a padded
/// array, and Fortran with the first axis reversed.
pub fn layouts(shape: &[usize], itemsize: usize) -> Vec<Layout> {
    let n: usize = shape.iter().product();
    let nd = shape.len();
    let mut out = Vec::new();
    out.push(Layout {
        name: "C",
        buf: vec![0xAA; n * itemsize],
        strides: c_strides(shape, itemsize),
        offset: 0,
    });
    let rev: Vec<usize> = shape.iter().rev().copied().collect();
    let mut f: Vec<isize> = c_strides(&rev, itemsize);
    f.reverse();
    out.push(Layout {
        name: "F",
        buf: vec![0xAA; n * itemsize],
        strides: f.clone(),
        offset: 0,
    });
    let c = c_strides(shape, itemsize);
    let neg_off: isize = shape
        .iter()
        .zip(&c)
        .map(|(&len, &s)| (len.saturating_sub(1)) as isize * s)
        .sum();
    out.push(Layout {
        name: "negative",
        buf: vec![0xAA; n * itemsize],
        strides: c.iter().map(|s| -s).collect(),
        offset: if n == 0 { 0 } else { neg_off as usize },
    });
    let gap: Vec<isize> = c.iter().map(|s| 2 * s).collect();
    out.push(Layout {
        name: "gapped",
        buf: vec![0xAA; 2 * n * itemsize + itemsize],
        strides: gap,
        offset: 0,
    });
    let padded: Vec<usize> = shape.iter().map(|&s| s + 2).collect();
    let ps = c_strides(&padded, itemsize);
    let off: isize = ps.iter().sum();
    out.push(Layout {
        name: "padded C block",
        buf: vec![0xAA; padded.iter().product::<usize>() * itemsize],
        strides: ps,
        offset: off as usize,
    });
    if nd > 0 && n > 0 {
        let mut fr = f.clone();
        fr[0] = -fr[0];
        out.push(Layout {
            name: "F, first axis reversed",
            buf: vec![0xAA; n * itemsize],
            strides: fr,
            offset: (shape[0] - 1) * f[0] as usize,
        });
    }
    out
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
