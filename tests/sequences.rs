//! Random sequences of operations on random views, checked step by step against the reference
//! model (tests/model): every result's bytes must equal the model's gather, every refusal must
//! be the model's refusal (or a documented one: reshapes that need a copy), and nothing may
//! panic. The fuzzer in fuzz/ drives the same model with coverage guidance.

mod model;

use model::Model;
use ndview::{Order, SliceItem, View, ViewMut};
use proptest::prelude::*;

const CASES: u32 = if cfg!(miri) { 6 } else { 3000 };

#[derive(Debug, Clone)]
enum Op {
    Slice(Vec<SliceItem>),
    /// A permutation drawn from this seed for the current number of axes (sometimes invalid).
    Permute(u64),
    Flip(isize),
    Squeeze,
    InsertAxis(isize),
    /// A new shape drawn from this seed for the current number of elements (sometimes wrong).
    Reshape(u64),
    Broadcast(Vec<usize>),
    Diagonal(isize, isize, isize),
    CastBytes,
    ViewAs(&'static str),
}

fn item() -> impl Strategy<Value = SliceItem> {
    let b = prop::option::of(-5isize..5);
    prop_oneof![
        (-4isize..4).prop_map(SliceItem::Index),
        (
            b.clone(),
            b,
            prop::option::of(prop::sample::select(&[-2isize, -1, 1, 2, 3][..]))
        )
            .prop_map(|(start, stop, step)| SliceItem::Slice { start, stop, step }),
        Just(SliceItem::NewAxis),
        Just(SliceItem::Ellipsis),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop::collection::vec(item(), 0..4).prop_map(Op::Slice),
        1 => any::<u64>().prop_map(Op::Permute),
        1 => (-4isize..4).prop_map(Op::Flip),
        1 => Just(Op::Squeeze),
        1 => (-5isize..5).prop_map(Op::InsertAxis),
        2 => any::<u64>().prop_map(Op::Reshape),
        1 => prop::collection::vec(0usize..4, 0..5).prop_map(Op::Broadcast),
        1 => (-2isize..3, -3isize..3, -3isize..3).prop_map(|(a, b, c)| Op::Diagonal(a, b, c)),
        1 => Just(Op::CastBytes),
        1 => prop::sample::select(&["B", "<h", ">i", "2B", "3x"][..]).prop_map(Op::ViewAs),
    ]
}

/// The axes as the `isize` entries `permute` takes.
fn signed(p: &[usize]) -> Vec<isize> {
    p.iter().map(|&a| a as isize).collect()
}

/// A shuffle of `0..n` from `seed`; one seed in five gives a broken one.
fn permutation(mut seed: u64, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for k in (1..n).rev() {
        p.swap(k, (seed % (k as u64 + 1)) as usize);
        seed /= 7;
    }
    if seed % 5 == 0 && n > 0 {
        p[0] = (p[0] + 1) % (n + 1);
    }
    p
}

/// A shape with `count` elements drawn from `seed` (with a -1 sometimes); one seed in six
/// gives a wrong count.
fn new_shape(mut seed: u64, count: usize) -> Vec<usize> {
    let mut dims = Vec::new();
    let mut left = count;
    for p in [2usize, 3, 2, 5] {
        if left % p == 0 && seed % 2 == 0 && left > 0 {
            dims.push(p);
            left /= p;
        }
        seed /= 3;
    }
    dims.push(left);
    if seed % 4 == 0 {
        dims.insert((seed % (dims.len() as u64 + 1)) as usize, 1);
    }
    if seed % 3 == 0 {
        let k = (seed / 3) as usize % dims.len();
        dims[k] = ndview::INFER;
    }
    if seed % 6 == 1 {
        dims.push(2);
    }
    dims
}

/// Applies one operation to the view and the model and checks they agree.
fn step<'a>(
    v: &View<'a>,
    m: &Model,
    op: &Op,
    buf: &[u8],
) -> Result<Option<(View<'a>, Model)>, TestCaseError> {
    let is = v.itemsize();
    // Ops whose validity the model decides.
    let (got, want) = match op {
        Op::Slice(items) => (v.slice(items), m.slice(items)),
        Op::Permute(seed) => {
            let p = permutation(*seed, m.shape.len());
            // NumPy's negative axes: every other entry counted from the end.
            let signed: Vec<isize> = p
                .iter()
                .enumerate()
                .map(|(k, &a)| {
                    let from_end = (seed >> k) & 1 == 1 && a < p.len();
                    a as isize - if from_end { p.len() as isize } else { 0 }
                })
                .collect();
            (v.permute(&signed), m.permute(&p))
        }
        Op::Flip(a) => (v.flip(*a), m.flip(*a)),
        Op::Squeeze => (
            Ok(v.squeeze()),
            m.relabel(m.shape.iter().copied().filter(|&d| d != 1).collect()),
        ),
        Op::InsertAxis(k) => {
            // NumPy's expand_dims: the axis counts in the result's dimensions.
            let mut s = m.shape.clone();
            let at = if *k < 0 {
                *k + s.len() as isize + 1
            } else {
                *k
            };
            let ok = (0..=s.len() as isize).contains(&at);
            if ok {
                s.insert(at as usize, 1);
            }
            (v.insert_axis(*k), ok.then(|| m.relabel(s)).flatten())
        }
        Op::Broadcast(shape) => (v.broadcast_to(shape), m.broadcast_to(shape, v.itemsize())),
        Op::Diagonal(o, a, b) => (v.diagonal(*o, *a, *b), m.diagonal(*o, *a, *b)),
        Op::Reshape(seed) => {
            // A reshape may need a copy (then ndview refuses); when it succeeds, the C order of
            // the elements is unchanged.
            let shape = &new_shape(*seed, m.shape.iter().product());
            let got = v.reshape(shape);
            let n: usize = m.shape.iter().product();
            let known: Option<usize> = shape
                .iter()
                .filter(|&&d| d != ndview::INFER)
                .try_fold(1usize, |p, &d| p.checked_mul(d));
            let unknowns = shape.iter().filter(|&&d| d == ndview::INFER).count();
            let fits = match (known, unknowns) {
                (Some(k), 0) => k == n,
                (Some(k), 1) => k > 0 && n % k == 0,
                _ => false,
            };
            if !fits {
                prop_assert!(got.is_err(), "reshape {shape:?} of {} elements accepted", n);
                return Ok(None);
            }
            match got {
                Err(_) => return Ok(None), // needs a copy
                Ok(w) => {
                    let relabeled = m.relabel(w.shape().to_vec());
                    (Ok(w), relabeled)
                }
            }
        }
        Op::CastBytes | Op::ViewAs(_) => {
            // Byte reinterpretations keep the C-order bytes (and the model of the new
            // elements follows from the result's own geometry, checked against the bytes).
            let got = match op {
                Op::CastBytes => v.cast("B", None),
                Op::ViewAs(f) => v.view_as(f),
                _ => unreachable!(),
            };
            if let Ok(w) = &got {
                prop_assert_eq!(w.tobytes(Order::C).unwrap(), m.gather(buf, is));
                let wm = Model::new(w.shape(), w.strides(), w.offset());
                return Ok(Some((w.clone(), wm)));
            }
            return Ok(None);
        }
    };
    match (got, want) {
        (Ok(w), Some(wm)) => {
            prop_assert_eq!(w.shape(), &wm.shape[..], "{:?}", op);
            if !w.is_empty() {
                prop_assert_eq!(
                    w.tobytes(Order::C).unwrap(),
                    wm.gather(buf, w.itemsize()),
                    "{:?}",
                    op
                );
            }
            Ok(Some((w, wm)))
        }
        (Err(_), None) => Ok(None),
        (Ok(w), None) => Err(TestCaseError::fail(format!(
            "{op:?} accepted ({:?}), the model refuses",
            w.shape()
        ))),
        (Err(e), Some(_)) => Err(TestCaseError::fail(format!(
            "{op:?} refused ({e}), the model accepts"
        ))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn operation_sequences_agree_with_the_model(
        shape in prop::collection::vec(1usize..5, 0..4),
        signs in any::<u8>(),
        fmt in prop::sample::select(&["B", "<h", ">i", "d", "2h"][..]),
        ops in prop::collection::vec(op(), 1..8),
        seed in any::<u64>(),
    ) {
        let is = ndview::Format::parse(fmt).unwrap().itemsize();
        // A C layout with some axes reversed.
        let (strides, offset, len) = reversed_c_layout(&shape, is, 0, signs);
        let buf: Vec<u8> = (0..len).map(|i| (seed.rotate_left(i as u32 % 64) as u8) ^ i as u8).collect();
        let mut v = View::from_parts(&buf, fmt, &shape, &strides, offset as usize).unwrap();
        let mut m = Model::new(&shape, &strides, offset);
        for op in &ops {
            let r = step(&v, &m, op, &buf)?;
            if let Some((w, wm)) = r {
                // Every view that comes out decodes and compares without panicking.
                let _ = w.tolist();
                prop_assert!(w.format().as_str().contains('d') || w == w.clone());
                v = w;
                m = wm;
            }
        }
    }
}

/// The elements of a layout (given by the model's offsets) never share a byte.
fn disjoint(m: &Model, itemsize: usize) -> bool {
    let mut starts = m.offsets.clone();
    starts.sort_unstable();
    itemsize == 0 || starts.windows(2).all(|w| w[1] - w[0] >= itemsize as isize)
}

/// One operation on a writable view (consumed, as the writable operations take `self`).
fn step_mut<'b>(
    v: ViewMut<'b>,
    op: &Op,
    ndim: usize,
    count: usize,
) -> Option<ndview::Result<ViewMut<'b>>> {
    Some(match op {
        Op::Slice(items) => v.slice(items),
        Op::Permute(seed) => v.permute(&signed(&permutation(*seed, ndim))),
        Op::Flip(a) => v.flip(*a),
        Op::Squeeze => Ok(v.squeeze()),
        Op::InsertAxis(k) => v.insert_axis(*k),
        Op::Reshape(seed) => v.reshape(&new_shape(*seed, count)),
        // Writable views cannot broadcast (that would repeat elements).
        Op::Broadcast(_) => return None,
        Op::Diagonal(o, a, b) => v.diagonal(*o, *a, *b),
        Op::CastBytes => v.cast("B", None),
        Op::ViewAs(f) => v.view_as(f),
    })
}

/// The same operation on a read-only view.
fn step_ref<'b>(v: &View<'b>, op: &Op, ndim: usize, count: usize) -> ndview::Result<View<'b>> {
    match op {
        Op::Slice(items) => v.slice(items),
        Op::Permute(seed) => v.permute(&signed(&permutation(*seed, ndim))),
        Op::Flip(a) => v.flip(*a),
        Op::Squeeze => Ok(v.squeeze()),
        Op::InsertAxis(k) => v.insert_axis(*k),
        Op::Reshape(seed) => v.reshape(&new_shape(*seed, count)),
        Op::Broadcast(shape) => v.broadcast_to(shape),
        Op::Diagonal(o, a, b) => v.diagonal(*o, *a, *b),
        Op::CastBytes => v.cast("B", None),
        Op::ViewAs(f) => v.view_as(f),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// Every writable view that a sequence of operations produces keeps its elements
    /// disjoint and inside the buffer (the invariant that makes `ViewMut` writes and splits
    /// race-free), has the geometry the same operation gives a read-only view, and writes
    /// exactly its elements' bytes.
    #[test]
    fn writable_views_stay_disjoint(
        shape in prop::collection::vec(1usize..5, 0..4),
        signs in any::<u8>(),
        gap in 0usize..3,
        fmt in prop::sample::select(&["B", "<h", ">i", "2h"][..]),
        ops in prop::collection::vec(op(), 1..8),
    ) {
        let is = ndview::Format::parse(fmt).unwrap().itemsize();
        // A C layout with `gap` spare elements between neighbours of the last axis, some
        // axes reversed.
        let (strides, offset, len) = reversed_c_layout(&shape, is, gap, signs);
        let layout_buf = vec![0u8; len];
        let mut buf = vec![0u8; len];
        // `r` tracks the current layout; each step makes a writable view of it afresh.
        let mut r = View::from_parts(&layout_buf, fmt, &shape, &strides, offset as usize).unwrap();
        for op in &ops {
            let (ndim, count) = (r.ndim(), r.len());
            // An empty view's offset may lie outside the buffer (as NumPy's may), where
            // `from_parts` cannot place it; nothing is left to write anyway.
            if r.is_empty() {
                break;
            }
            let v = ViewMut::from_parts(&mut buf, r.format().as_str(), r.shape(), r.strides(), r.offset() as usize).unwrap();
            let Some(got) = step_mut(v, op, ndim, count) else { continue };
            let want = step_ref(&r, op, ndim, count);
            let mut w = match (got, want) {
                (Ok(w), Ok(rv)) => {
                    prop_assert_eq!((rv.shape(), rv.strides(), rv.offset()), (w.shape(), w.strides(), w.offset()));
                    r = rv;
                    w
                }
                (Err(_), Err(_)) => continue,
                (got, want) => return Err(TestCaseError::fail(format!("{op:?}: writable {got:?}, read-only {want:?}"))),
            };
            let wm = Model::new(w.shape(), w.strides(), w.offset());
            let wis = w.itemsize();
            prop_assert!(disjoint(&wm, wis), "{:?} made overlapping elements: {:?}", op, w);
            prop_assert!(wm.offsets.iter().all(|&o| o >= 0 && o as usize + wis <= len));
            // Writing the elements writes exactly their bytes.
            let pattern = vec![0xA5u8; wis];
            let src = View::from_parts(&pattern, w.format().as_str(), &[], &[], 0).unwrap().broadcast_to(w.shape()).unwrap();
            w.copy_from(&src).unwrap();
            drop(w);
            let mut expected = vec![0u8; len];
            for &o in &wm.offsets {
                expected[o as usize..o as usize + wis].fill(0xA5);
            }
            prop_assert_eq!(&buf, &expected, "{:?}", op);
            buf.fill(0);
        }
    }
}

/// A C layout of `itemsize`-byte elements with `gap` spare elements between neighbours of the
/// last axis, and the axes whose bit is set in `signs` reversed: strides, the offset of
/// element 0, and the buffer length it needs.
fn reversed_c_layout(
    shape: &[usize],
    itemsize: usize,
    gap: usize,
    signs: u8,
) -> (Vec<isize>, isize, usize) {
    let mut strides = vec![0isize; shape.len()];
    let mut acc = (itemsize * (gap + 1)) as isize;
    for k in (0..shape.len()).rev() {
        strides[k] = acc;
        acc *= shape[k] as isize;
    }
    let mut offset = 0isize;
    for k in 0..shape.len() {
        if (signs >> k) & 1 == 1 {
            offset += strides[k] * (shape[k] as isize - 1);
            strides[k] = -strides[k];
        }
    }
    (strides, offset, acc.max(itemsize as isize) as usize)
}
