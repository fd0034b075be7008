//! Property tests: views against a naive reference model that gathers every element by its
//! index, and bad input (any strides, offsets, index strings) that must give errors, never
//! panics.

use ndview::{Format, Order, SliceItem, Value, View, ViewMut};
use proptest::prelude::*;

mod model;

const CASES: u32 = if cfg!(miri) { 3 } else { 600 };

/// The byte offset of each element, in C order (the reference model's).
fn offsets(shape: &[usize], strides: &[isize], offset: isize) -> Vec<isize> {
    model::Model::new(shape, strides, offset).offsets
}

fn gather(buf: &[u8], offs: &[isize], itemsize: usize) -> Vec<u8> {
    offs.iter()
        .flat_map(|&o| buf[o as usize..o as usize + itemsize].to_vec())
        .collect()
}

#[derive(Debug, Clone)]
struct Spec {
    fmt: &'static str,
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    buf: Vec<u8>,
}

fn spec() -> impl Strategy<Value = Spec> {
    let fmts = prop::sample::select(&["B", "b", "<h", ">H", "i", ">f", "3s", "<hb", "d", "?"][..]);
    let dim = prop_oneof![1 => Just(0usize), 8 => 1usize..5];
    (fmts, prop::collection::vec(dim, 0..=4))
        .prop_flat_map(|(fmt, shape)| {
            let is = Format::parse(fmt).unwrap().itemsize() as isize;
            let ndim = shape.len();
            (
                Just(fmt),
                Just(shape),
                prop::collection::vec(-3 * is - 3..=3 * is + 3, ndim),
                -4isize..4,
                -3isize..24,
                prop::collection::vec(any::<u8>(), 512),
            )
        })
        .prop_map(|(fmt, shape, strides, shift, slack, bytes)| {
            // Place the elements mostly inside the buffer, sometimes a little outside.
            let is = Format::parse(fmt).unwrap().itemsize() as isize;
            let (mut lo, mut hi) = (0isize, is);
            for (&d, &st) in shape.iter().zip(&strides) {
                let reach = st * (d.max(1) as isize - 1);
                if reach < 0 {
                    lo += reach
                } else {
                    hi += reach
                }
            }
            let offset = (-lo + shift).max(0) as usize;
            let len = (offset as isize + hi - lo.min(0) + slack).clamp(0, 512) as usize;
            Spec {
                fmt,
                shape,
                strides,
                offset,
                buf: bytes[..len].to_vec(),
            }
        })
}

/// Whether the spec describes elements that all lie in the buffer (what validation must
/// accept), and whether any two share a byte (what writable views must refuse).
fn reference_geometry(s: &Spec) -> (bool, bool) {
    let is = Format::parse(s.fmt).unwrap().itemsize();
    let offs = offsets(&s.shape, &s.strides, s.offset as isize);
    let inside = s.offset <= s.buf.len()
        && offs
            .iter()
            .all(|&o| o >= 0 && o as usize + is <= s.buf.len());
    let mut bytes: Vec<isize> = offs
        .iter()
        .flat_map(|&o| (0..is as isize).map(move |u| o + u))
        .collect();
    let n = bytes.len();
    bytes.sort_unstable();
    bytes.dedup();
    (inside, bytes.len() != n)
}

/// NumPy's basic indexing, written from Python's rules independently of the library.
fn reference_slice(
    shape: &[usize],
    strides: &[isize],
    offset: isize,
    items: &[SliceItem],
) -> Option<(Vec<usize>, Vec<Vec<isize>>, isize)> {
    let consumed = items
        .iter()
        .filter(|i| matches!(i, SliceItem::Index(_) | SliceItem::Slice { .. }))
        .count();
    let ellipses = items
        .iter()
        .filter(|i| matches!(i, SliceItem::Ellipsis))
        .count();
    if consumed > shape.len() || ellipses > 1 {
        return None;
    }
    // Each output axis as the list of byte offsets it steps through.
    let mut axes: Vec<Vec<isize>> = Vec::new();
    let mut base = offset;
    let mut k = 0;
    let positions =
        |k: usize| -> Vec<isize> { (0..shape[k]).map(|i| i as isize * strides[k]).collect() };
    for item in items {
        match *item {
            SliceItem::Index(i) => {
                let n = shape[k] as isize;
                let j = if i < 0 { i + n } else { i };
                if j < 0 || j >= n {
                    return None;
                }
                base += positions(k)[j as usize];
                k += 1;
            }
            SliceItem::Slice { start, stop, step } => {
                let step = step.unwrap_or(1);
                if step == 0 {
                    return None;
                }
                let n = shape[k] as isize;
                let pos = positions(k);
                let mut picked = Vec::new();
                if step > 0 {
                    let fix = |v: isize| if v < 0 { (v + n).max(0) } else { v.min(n) };
                    let (mut i, end) = (start.map_or(0, fix), stop.map_or(n, fix));
                    while i < end {
                        picked.push(pos[i as usize]);
                        i += step;
                    }
                } else {
                    let fix = |v: isize| if v < 0 { (v + n).max(-1) } else { v.min(n - 1) };
                    let (mut i, end) = (start.map_or(n - 1, fix), stop.map_or(-1, fix));
                    while i > end {
                        picked.push(pos[i as usize]);
                        i += step;
                    }
                }
                axes.push(picked);
                k += 1;
            }
            SliceItem::NewAxis => axes.push(vec![0]),
            SliceItem::Ellipsis => {
                for _ in 0..shape.len() - consumed {
                    axes.push(positions(k));
                    k += 1;
                }
            }
        }
    }
    while k < shape.len() {
        axes.push(positions(k));
        k += 1;
    }
    let out_shape = axes.iter().map(Vec::len).collect();
    Some((out_shape, axes, base))
}

fn item() -> impl Strategy<Value = SliceItem> {
    let b = prop::option::of(-6isize..6);
    prop_oneof![
        (-5isize..5).prop_map(SliceItem::Index),
        (
            b.clone(),
            b,
            prop::option::of(prop::sample::select(&[-3isize, -2, -1, 1, 2, 3, 0][..]))
        )
            .prop_map(|(start, stop, step)| SliceItem::Slice { start, stop, step }),
        Just(SliceItem::NewAxis),
        Just(SliceItem::Ellipsis),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// Validation accepts exactly the specs whose every byte is in the buffer; writable views
    /// additionally refuse exactly those whose elements share a byte.
    #[test]
    fn validation_is_exact(s in spec()) {
        let (inside, overlapping) = reference_geometry(&s);
        let v = View::from_parts(&s.buf, s.fmt, &s.shape, &s.strides, s.offset);
        prop_assert_eq!(v.is_ok(), inside, "{:?}", v.err());
        let mut buf = s.buf.clone();
        let m = ViewMut::from_parts(&mut buf, s.fmt, &s.shape, &s.strides, s.offset);
        prop_assert_eq!(m.is_ok(), inside && !overlapping);
    }

    /// tobytes in both orders and tolist equal the gathered elements.
    #[test]
    fn tobytes_and_tolist_match_the_gather(s in spec()) {
        let Ok(v) = View::from_parts(&s.buf, s.fmt, &s.shape, &s.strides, s.offset) else {
            return Ok(());
        };
        let is = v.itemsize();
        let offs = offsets(&s.shape, &s.strides, s.offset as isize);
        prop_assert_eq!(v.tobytes(Order::C).unwrap(), gather(&s.buf, &offs, is));
        let f_offs = offsets(
            &s.shape.iter().rev().copied().collect::<Vec<_>>(),
            &s.strides.iter().rev().copied().collect::<Vec<_>>(),
            s.offset as isize,
        );
        prop_assert_eq!(v.tobytes(Order::F).unwrap(), gather(&s.buf, &f_offs, is));
        // tolist: the values of the gathered elements, nested in C order.
        let mut values = offs
            .iter()
            .map(|&o| v.format().unpack_value(&s.buf[o as usize..o as usize + is]).unwrap());
        fn nest(shape: &[usize], it: &mut dyn Iterator<Item = Value>) -> Value {
            match shape {
                [] => it.next().unwrap(),
                [n, rest @ ..] => Value::List((0..*n).map(|_| nest(rest, it)).collect()),
            }
        }
        let want = nest(&s.shape, &mut values);
        prop_assert_eq!(v.tolist().unwrap().to_string(), want.to_string());
    }

    /// Slicing selects exactly the elements Python's rules select.
    #[test]
    fn slicing_matches_the_reference(s in spec(), items in prop::collection::vec(item(), 0..5)) {
        let Ok(v) = View::from_parts(&s.buf, s.fmt, &s.shape, &s.strides, s.offset) else {
            return Ok(());
        };
        let got = v.slice(&items);
        match reference_slice(&s.shape, &s.strides, s.offset as isize, &items) {
            None => prop_assert!(got.is_err()),
            Some((shape, axes, base)) => {
                let got = got.unwrap();
                prop_assert_eq!(got.shape(), &shape[..]);
                let mut offs = vec![base];
                for axis in &axes {
                    offs = offs.iter().flat_map(|&o| axis.iter().map(move |&p| o + p)).collect();
                }
                prop_assert_eq!(got.tobytes(Order::C).unwrap(), gather(&s.buf, &offs, v.itemsize()));
            }
        }
    }

    /// Any index text gives a view or an error, never a panic; ranges of plain numbers parse
    /// to the same view as the items they spell. Not under Miri: index parsing is safe code
    /// (fuzzed by the index_parse target), and generating the text from its regex costs a
    /// minute of interpretation per three cases.
    #[test]
    #[cfg_attr(miri, ignore = "safe parsing code; runs natively and in the index_parse fuzz target")]
    fn any_index_text_is_an_error_or_a_view(s in spec(), text in "[-0-9:, .Nonewaxis]{0,16}") {
        if let Ok(v) = View::from_parts(&s.buf, s.fmt, &s.shape, &s.strides, s.offset) {
            if let Ok(w) = v.slice_str(&text) {
                let _ = w.tobytes(Order::C).unwrap();
            }
        }
    }

    /// Shape operations on random views keep every element in bounds (their tobytes matches
    /// a gather through the reported geometry).
    #[test]
    fn shape_operations_stay_in_bounds(s in spec(), a in -5isize..5, b in -5isize..5, shape in prop::collection::vec(-1isize..5, 0..4)) {
        let Ok(v) = View::from_parts(&s.buf, s.fmt, &s.shape, &s.strides, s.offset) else {
            return Ok(());
        };
        let results = [
            v.flip(a), v.swap_axes(a, b), v.squeeze_axis(a), Ok(v.squeeze()), Ok(v.transpose()),
            v.reshape(&shape.iter().map(|&d| usize::try_from(d).unwrap_or(ndview::INFER)).collect::<Vec<_>>()),
            v.insert_axis(a), v.diagonal(a, b, a + 1),
            v.broadcast_to(&shape.iter().map(|&d| d.unsigned_abs()).collect::<Vec<_>>()),
            v.view_as("B"), v.view_as("<h"), v.cast("B", None), v.cast("B", Some(&[v.nbytes()])),
        ];
        for w in results.into_iter().flatten() {
            let offs = offsets(w.shape(), w.strides(), w.offset());
            let want = if w.is_empty() { vec![] } else { gather(&s.buf, &offs, w.itemsize()) };
            prop_assert_eq!(w.tobytes(Order::C).unwrap(), want);
        }
    }
}
