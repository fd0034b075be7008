//! A view built from arbitrary bytes, format, shape, strides and offset, then arbitrary
//! operations. Invalid requests must be errors (never panics); valid ones must agree with the
//! reference model (tests/model): the gather of every element by its index.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ndview::{Conversion, Order, SliceItem, View, ViewMut};

#[path = "../../tests/model/mod.rs"]
mod model;
use model::{c_strides, Model};

#[derive(Arbitrary, Debug)]
enum Item {
    Index(i8),
    Slice(Option<i8>, Option<i8>, Option<i8>),
    NewAxis,
    Ellipsis,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Slice(Vec<Item>),
    Permute(Vec<u8>),
    Flip(i8),
    Squeeze,
    SqueezeAxis(i8),
    InsertAxis(u8),
    SwapAxes(i8, i8),
    Reshape(Vec<i8>),
    Broadcast(Vec<u8>),
    Diagonal(i8, i8, i8),
    Cast(u8, Option<Vec<u8>>),
    ViewAs(u8),
    Field(u8),
    Kernels,
}

#[derive(Arbitrary, Debug)]
struct Case {
    buf: Vec<u8>,
    fmt: u8,
    shape: Vec<u8>,
    strides: Vec<i16>,
    offset: u16,
    ops: Vec<Op>,
}

const FORMATS: &[&str] = &[
    "B",
    "b",
    "<h",
    ">H",
    "i",
    ">f",
    "d",
    "?",
    "c",
    "3s",
    "<hb",
    "T{<h:a:B:b:}",
    "2B",
    "e",
];

fn items(v: &[Item]) -> Vec<SliceItem> {
    v.iter()
        .map(|i| match *i {
            Item::Index(x) => SliceItem::Index(x.into()),
            Item::Slice(a, b, c) => SliceItem::Slice {
                start: a.map(isize::from),
                stop: b.map(isize::from),
                step: c.map(isize::from),
            },
            Item::NewAxis => SliceItem::NewAxis,
            Item::Ellipsis => SliceItem::Ellipsis,
        })
        .collect()
}

fn check(w: &View<'_>, m: &Model, buf: &[u8], what: &dyn std::fmt::Debug) {
    assert_eq!(w.shape(), &m.shape[..], "{what:?}");
    if !w.is_empty() {
        assert_eq!(
            w.tobytes(Order::C).unwrap(),
            m.gather(buf, w.itemsize()),
            "{what:?}"
        );
    }
}

fuzz_target!(|case: Case| {
    if case.shape.len() > 5 || case.ops.len() > 12 {
        return;
    }
    let fmt = FORMATS[usize::from(case.fmt) % FORMATS.len()];
    let shape: Vec<usize> = case.shape.iter().map(|&d| usize::from(d % 6)).collect();
    let strides: Vec<isize> = case.strides.iter().map(|&s| isize::from(s)).collect();
    let buf = &case.buf;
    let Ok(mut v) = View::from_parts(buf, fmt, &shape, &strides, usize::from(case.offset)) else {
        return;
    };
    let mut m = Model::new(&shape, &strides, case.offset as isize);
    check(&v, &m, buf, &"from_parts");
    writable_iff_disjoint(&v, &m, buf);
    for op in &case.ops {
        let is = v.itemsize();
        let (got, want) = match op {
            Op::Slice(it) => {
                let it = items(it);
                (v.slice(&it), m.slice(&it))
            }
            Op::Permute(raw) => {
                let p: Vec<usize> = raw.iter().map(|&x| usize::from(x % 6)).collect();
                // A high bit names an in-range axis from the end, as NumPy allows.
                let n = p.len();
                let axes: Vec<isize> = p
                    .iter()
                    .zip(raw.iter())
                    .map(|(&a, &x)| a as isize - if x >= 128 && a < n { n as isize } else { 0 })
                    .collect();
                (v.permute(&axes), m.permute(&p))
            }
            Op::Flip(a) => (v.flip((*a).into()), m.flip((*a).into())),
            Op::Squeeze => (
                Ok(v.squeeze()),
                m.relabel(m.shape.iter().copied().filter(|&d| d != 1).collect()),
            ),
            Op::SqueezeAxis(a) => {
                let got = v.squeeze_axis((*a).into());
                let want = got
                    .as_ref()
                    .ok()
                    .and_then(|w| m.relabel(w.shape().to_vec()));
                (got, want)
            }
            Op::InsertAxis(k) => {
                // The byte as a signed axis: negative ones count from the end of the result.
                let got = v.insert_axis(isize::from(*k as i8));
                let want = got
                    .as_ref()
                    .ok()
                    .and_then(|w| m.relabel(w.shape().to_vec()));
                (got, want)
            }
            Op::SwapAxes(a, b) => {
                let nd = m.shape.len() as isize;
                let norm = |x: isize| if x < 0 { x + nd } else { x };
                let (a, b) = (isize::from(*a), isize::from(*b));
                let want = if a < -nd || a >= nd || b < -nd || b >= nd {
                    None
                } else {
                    let mut p: Vec<usize> = (0..nd as usize).collect();
                    p.swap(norm(a) as usize, norm(b) as usize);
                    m.permute(&p)
                };
                (v.swap_axes(a, b), want)
            }
            Op::Reshape(s) => {
                // Negative entries stand for the unknown axis, as NumPy takes them.
                let s: Vec<usize> = s
                    .iter()
                    .map(|&x| usize::try_from(x).unwrap_or(ndview::INFER))
                    .collect();
                let got = v.reshape(&s);
                let want = got
                    .as_ref()
                    .ok()
                    .and_then(|w| m.relabel(w.shape().to_vec()));
                (got, want)
            }
            Op::Broadcast(s) => {
                let s: Vec<usize> = s.iter().map(|&x| usize::from(x % 5)).collect();
                // The model enumerates every element: keep it small (the library's broadcast
                // is O(ndim) whatever the size).
                if s.iter()
                    .try_fold(1usize, |a, &d| a.checked_mul(d))
                    .is_none_or(|n| n > 4096)
                {
                    continue;
                }
                (v.broadcast_to(&s), m.broadcast_to(&s, v.itemsize()))
            }
            Op::Diagonal(o, a, b) => (
                v.diagonal((*o).into(), (*a).into(), (*b).into()),
                m.diagonal((*o).into(), (*a).into(), (*b).into()),
            ),
            Op::Cast(f, shape) => {
                let dest = FORMATS[usize::from(*f) % FORMATS.len()];
                let shape: Option<Vec<usize>> = shape
                    .as_ref()
                    .map(|s| s.iter().map(|&x| usize::from(x)).collect());
                if let Ok(w) = v.cast(dest, shape.as_deref()) {
                    assert_eq!(
                        w.tobytes(Order::C).unwrap(),
                        m.gather(buf, is),
                        "cast keeps the bytes"
                    );
                    m = Model::new(w.shape(), w.strides(), w.offset());
                    v = w;
                }
                continue;
            }
            Op::ViewAs(f) => {
                let dest = FORMATS[usize::from(*f) % FORMATS.len()];
                if let Ok(w) = v.view_as(dest) {
                    assert_eq!(
                        w.tobytes(Order::C).unwrap(),
                        m.gather(buf, is),
                        "view_as keeps the bytes"
                    );
                    m = Model::new(w.shape(), w.strides(), w.offset());
                    v = w;
                }
                continue;
            }
            Op::Field(k) => {
                let name = ["a", "b", "zz"][usize::from(*k) % 3];
                // Where the field sits in the record, from the format's own items (the
                // placement itself is checked against NumPy by the differential tests).
                let members: Vec<(String, usize, usize)> = v
                    .format()
                    .items()
                    .iter()
                    .flat_map(|i| {
                        if i.fields().is_empty() {
                            std::slice::from_ref(i)
                        } else {
                            i.fields()
                        }
                    })
                    .filter_map(|i| Some((i.name()?.to_owned(), i.offset(), i.size())))
                    .collect();
                let want = members.iter().find(|(n, _, _)| n == name);
                match (v.field(name), want) {
                    (Ok(w), Some(&(_, at, size))) => {
                        assert_eq!((w.shape(), w.itemsize()), (&m.shape[..], size));
                        let wm = Model {
                            shape: m.shape.clone(),
                            offsets: m.offsets.iter().map(|o| o + at as isize).collect(),
                        };
                        check(&w, &wm, buf, op);
                        writable_iff_disjoint(&w, &wm, buf);
                        v = w;
                        m = wm;
                    }
                    (Err(_), None) => {}
                    (got, want) => panic!(
                        "field {name}: {:?} but the format says {want:?}",
                        got.map(|w| w.shape().to_vec())
                    ),
                }
                continue;
            }
            Op::Kernels => {
                kernels(&v, &m, buf);
                continue;
            }
        };
        match (got, want) {
            (Ok(w), Some(wm)) => {
                check(&w, &wm, buf, op);
                writable_iff_disjoint(&w, &wm, buf);
                v = w;
                m = wm;
            }
            (Err(_), None) => {}
            (Ok(w), None) => panic!("{op:?} accepted {:?}; the model refuses", w.shape()),
            (Err(e), Some(_)) => panic!("{op:?} refused ({e}); the model accepts"),
        }
    }
});

/// A writable view of a layout can be made exactly when its elements share no byte (the
/// overlap solver against the model's enumeration); writing through it touches exactly them.
fn writable_iff_disjoint(v: &View<'_>, m: &Model, buf: &[u8]) {
    let Ok(offset) = usize::try_from(v.offset()) else {
        return;
    };
    if v.is_empty() {
        return;
    }
    let is = v.itemsize();
    let mut starts = m.offsets.clone();
    starts.sort_unstable();
    let disjoint = is == 0 || starts.windows(2).all(|w| w[1] - w[0] >= is as isize);
    let mut copy = vec![0u8; buf.len()];
    match ViewMut::from_parts(
        &mut copy,
        v.format().as_str(),
        v.shape(),
        v.strides(),
        offset,
    ) {
        Ok(mut w) => {
            assert!(disjoint, "writable view of overlapping elements: {v:?}");
            let pattern = vec![0xA5u8; is];
            let src = View::from_parts(&pattern, v.format().as_str(), &[], &[], 0)
                .and_then(|p| p.broadcast_to(v.shape()))
                .expect("a broadcast scalar");
            w.copy_from(&src).expect("same structure");
            let mut want = vec![0u8; buf.len()];
            for &o in &m.offsets {
                want[o as usize..o as usize + is].fill(0xA5);
            }
            assert_eq!(copy, want);
        }
        Err(e) => assert!(!disjoint, "refused a disjoint writable view ({e}): {v:?}"),
    }
}

/// Kernels on the current view agree with the model's bytes.
fn kernels(v: &View<'_>, m: &Model, buf: &[u8]) {
    // tolist of an empty view still builds every enclosing list (as NumPy's does): skip shapes
    // that would make millions of them.
    let lists = v
        .shape()
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d.max(1)));
    if lists.is_some_and(|n| n <= 1 << 16) {
        let _ = v.tolist();
    }
    let _ = v.hex_with(':', -3);
    let _ = format!("{v} {v:?}");
    // Without floats (which may hold NaN) a view equals itself.
    if !v.format().as_str().contains(['e', 'f', 'd', 'Z']) {
        assert!(*v == v.clone());
    }
    let bytes = m.gather(buf, v.itemsize());
    // A copy into a fresh contiguous buffer has the same bytes.
    let mut out = vec![0u8; bytes.len()];
    if let Ok(mut dst) = ViewMut::from_parts(
        &mut out,
        v.format().as_str(),
        v.shape(),
        &c_strides(v.shape(), v.itemsize()),
        0,
    ) {
        dst.copy_from(v).expect("same structure");
        assert_eq!(out, bytes);
    }
    if v.format().as_str() == "B" {
        let want: u64 = bytes.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(v.sum::<u8>().unwrap(), want);
        assert_eq!(v.par_sum::<u8>().unwrap(), want);
        let mapped = v.map(|x: u8| x.wrapping_add(1)).unwrap();
        let want: Vec<u8> = bytes.iter().map(|b| b.wrapping_add(1)).collect();
        assert_eq!(mapped.as_bytes(), &want[..]);
        // A 4-byte copy of the shape may be "too big" (NumPy's rule counts the non-zero
        // lengths even of an empty array); otherwise it must succeed.
        let nonzero = v
            .shape()
            .iter()
            .filter(|&&d| d != 0)
            .try_fold(4usize, |n, &d| n.checked_mul(d));
        match v.astype::<f32>(Conversion::Saturating) {
            Ok(f) => {
                // Small integers: the f32 sum is exact.
                let exact: u64 = bytes.iter().map(|&b| u64::from(b)).sum();
                if exact < 1 << 24 {
                    assert_eq!(f.view().sum::<f32>().unwrap(), exact as f32);
                }
            }
            Err(e) => assert!(nonzero.is_none_or(|n| n > isize::MAX as usize), "{e}"),
        }
    }
}
