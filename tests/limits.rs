//! The edges of the geometry: the dimension limit, sizes that overflow, strides near
//! `isize::MAX`, offsets past the end, zero-size buffers, empty views, and `ViewMut` splits at
//! every index. Each request is either refused with an error or gives the right result; none
//! may panic.

mod model;

use model::Model;
use ndview::{Array, Format, Order, SliceItem, Value, View, ViewMut, MAX_NDIM};

fn ones(n: usize) -> Vec<usize> {
    vec![1; n]
}

#[test]
fn sixty_four_dimensions_are_the_limit_everywhere() {
    let buf = [7u8; 4];
    let ok = View::from_parts(&buf, "B", &ones(MAX_NDIM), &vec![0; MAX_NDIM], 0).unwrap();
    assert_eq!(ok.ndim(), 64);
    assert_eq!(ok.tobytes(Order::C).unwrap(), [7]);
    assert_eq!(ok.get(&vec![0; 64]).unwrap(), Value::Int(7));
    assert!(View::from_parts(&buf, "B", &ones(65), &vec![0; 65], 0).is_err());
    // Every operation that adds an axis stops at 64.
    assert!(ok.insert_axis(0).is_err());
    assert!(ok.slice([SliceItem::NewAxis]).is_err());
    assert!(ok.broadcast_to(&ones(65)).is_err());
    assert!(ok.reshape(&vec![1; 65]).is_err());
    assert!(View::from_bytes(&buf).cast("B", Some(&ones(65))).is_err());
    assert!(Array::zeros("B", &ones(65)).is_err());
    // Indexing with 64 integers or 64 full slices is fine; a 65th item is too many indices.
    let flat = View::from_bytes(&buf).reshape(&[4]).unwrap();
    let deep = flat.slice(vec![SliceItem::NewAxis; 63]).unwrap();
    assert_eq!(deep.ndim(), 64);
    assert_eq!(deep.tobytes(Order::C).unwrap(), buf);
    assert!(deep.slice(vec![SliceItem::Index(0); 65]).is_err());
    assert!(deep.slice(vec![SliceItem::NewAxis]).is_err());
    // Sub-array formats obey the same limit.
    let dims64 = vec!["1"; 64].join(",");
    let dims65 = vec!["1"; 65].join(",");
    assert_eq!(
        Format::parse(&format!("({dims64})B")).unwrap().itemsize(),
        1
    );
    assert!(Format::parse(&format!("({dims65})B")).is_err());
}

#[test]
fn sizes_that_overflow_are_refused() {
    let buf = [0u8; 16];
    let big = 1usize << 32;
    let bad_shapes: &[&[usize]] = &[
        &[big, big, 2],
        &[usize::MAX, 2],
        &[isize::MAX as usize, 2],
        // NumPy's rule: the non-zero lengths count even when another length is 0.
        &[0, big, big],
        &[usize::MAX, 0],
    ];
    for &shape in bad_shapes {
        let zeros = vec![0isize; shape.len()];
        assert!(
            View::from_parts(&buf, "B", shape, &zeros, 0).is_err(),
            "{shape:?}"
        );
        assert!(
            View::from_bytes(&buf[..1]).broadcast_to(shape).is_err(),
            "{shape:?}"
        );
        assert!(Array::zeros("B", shape).is_err(), "{shape:?}");
        // (usize::MAX is ndview::INFER, the unknown axis, which an empty view resolves to 0.)
        if !shape.contains(&ndview::INFER) {
            assert!(View::from_bytes(&[]).reshape(shape).is_err(), "{shape:?}");
        }
    }
    // The itemsize counts: 2^62 one-byte elements fit in isize, 2^62 four-byte ones do not.
    let fits = View::from_bytes(&buf[..1])
        .broadcast_to(&[1 << 62])
        .unwrap();
    assert_eq!(fits.len(), 1 << 62);
    assert_eq!(fits.strides(), &[0]);
    let word = View::from_parts(&buf, "i", &[], &[], 0).unwrap();
    assert!(word.broadcast_to(&[1 << 62]).is_err());
    assert!(word.broadcast_to(&[0, 1 << 62]).is_err());
    // An empty view reshaped into huge non-zero lengths would need strides that overflow.
    let empty = View::from_bytes(&[]);
    assert!(empty.reshape(&[0, 1 << 40, 1 << 40]).is_err());
    assert_eq!(
        empty.reshape(&[0, 1 << 20, 1 << 20]).unwrap().shape(),
        &[0, 1 << 20, 1 << 20]
    );
    // Converting to a wider type checks the size of the result.
    let wide = View::from_bytes(&buf[..1])
        .broadcast_to(&[0, 1 << 61, 2])
        .unwrap();
    assert!(wide.astype::<f32>(ndview::Conversion::Saturating).is_err());
    assert_eq!(
        wide.astype::<u8>(ndview::Conversion::Saturating)
            .unwrap()
            .view()
            .shape(),
        wide.shape()
    );
    // A cast whose shape multiplies past the address space.
    assert!(View::from_bytes(&buf)
        .cast("B", Some(&[usize::MAX, 2]))
        .is_err());
    assert!(View::from_bytes(&buf)
        .cast("B", Some(&[0, usize::MAX]))
        .is_err());
}

#[test]
fn strides_near_isize_max_are_checked_not_wrapped() {
    let buf: Vec<u8> = (0..64).collect();
    for &s in &[
        isize::MAX,
        isize::MIN,
        isize::MAX - 1,
        isize::MIN + 1,
        isize::MAX / 2 + 1,
    ] {
        // Two elements a huge stride apart cannot fit in 64 bytes.
        assert!(View::from_parts(&buf, "B", &[2], &[s], 0).is_err(), "{s}");
        assert!(View::from_parts(&buf, "B", &[2], &[s], 63).is_err(), "{s}");
        // With one element the stride is never used; every operation stays on that element.
        let one = View::from_parts(&buf, "B", &[1, 3], &[s, 1], 5).unwrap();
        assert_eq!(one.tobytes(Order::C).unwrap(), [5, 6, 7]);
        let sl = |start, stop, step| SliceItem::Slice { start, stop, step };
        for item in [
            sl(None, None, Some(-1)),
            sl(None, None, Some(2)),
            sl(None, None, Some(-3)),
            sl(Some(1), None, None),
            sl(Some(-1), None, None),
            SliceItem::Index(-1),
        ] {
            let w = one.slice([item]).unwrap();
            let m = Model::new(one.shape(), one.strides(), one.offset());
            let want = m.slice(&[item]).unwrap();
            assert_eq!(w.shape(), &want.shape[..]);
            assert_eq!(
                w.tobytes(Order::C).unwrap(),
                want.gather(&buf, 1),
                "{s} {item:?}"
            );
        }
        assert!(one.slice_str("::isize").is_err());
        assert_eq!(one.flip(0).unwrap().tobytes(Order::C).unwrap(), [5, 6, 7]);
        assert_eq!(one.transpose().tobytes(Order::C).unwrap(), [5, 6, 7]);
        assert_eq!(one.get(&[0, 2]).unwrap(), Value::Int(7));
        assert!(one.get(&[1, 0]).is_err());
        assert_eq!(one.sum::<u8>().unwrap(), 18);
        // Empty along that axis: any stride, nothing is read.
        let none = View::from_parts(&buf, "B", &[0, 3], &[s, 1], 0).unwrap();
        assert!(none.tobytes(Order::C).unwrap().is_empty());
        assert_eq!(none.tolist().unwrap().to_string(), "[]");
    }
    // A stride whose reach overflows isize is refused even when the shape is small.
    assert!(View::from_parts(&buf, "B", &[3], &[isize::MAX], 0).is_err());
    assert!(View::from_parts(&buf, "B", &[0, 3], &[1, isize::MAX], 0).is_err());
    // Writable views check the same way.
    let mut data = buf.clone();
    assert!(ViewMut::from_parts(&mut data, "B", &[2], &[isize::MIN], 63).is_err());
    // Index arithmetic on a big but valid view: stride 2^40 over an empty first axis.
    let v = View::from_parts(&buf, "B", &[0, 2], &[1 << 40, 1], 0).unwrap();
    assert!(v.get(&[0, 0]).is_err());
    assert!(v.slice_str("::-1, 1").unwrap().is_empty());
}

#[test]
fn offsets_past_the_end_are_refused() {
    let buf = [1u8, 2, 3, 4];
    assert!(View::from_parts(&buf, "B", &[], &[], 4).is_err());
    assert!(View::from_parts(&buf, "B", &[1], &[1], 4).is_err());
    assert!(View::from_parts(&buf, "<h", &[], &[], 3).is_err());
    assert_eq!(
        View::from_parts(&buf, "<h", &[], &[], 2)
            .unwrap()
            .get(&[])
            .unwrap(),
        Value::Int(0x0403)
    );
    // NumPy allows an empty array at the very end of its buffer, not past it.
    assert!(View::from_parts(&buf, "B", &[0], &[1], 4)
        .unwrap()
        .is_empty());
    assert!(View::from_parts(&buf, "B", &[0], &[1], 5).is_err());
    assert!(View::from_parts(&buf, "B", &[0], &[1], usize::MAX).is_err());
    let mut data = buf;
    assert!(ViewMut::from_parts(&mut data, "B", &[2], &[1], 3).is_err());
    assert!(ViewMut::from_parts(&mut data, "B", &[0], &[1], usize::MAX).is_err());
    // A negative stride must not reach before the start.
    assert!(View::from_parts(&buf, "B", &[2], &[-1], 0).is_err());
    assert_eq!(
        View::from_parts(&buf, "B", &[2], &[-1], 1)
            .unwrap()
            .tobytes(Order::C)
            .unwrap(),
        [2, 1]
    );
}

#[test]
fn zero_size_buffers_and_empty_views_behave() {
    let empty: [u8; 0] = [];
    let v = View::from_bytes(&empty);
    assert_eq!((v.shape(), v.len(), v.nbytes()), (&[0usize][..], 0, 0));
    assert!(v.tobytes(Order::C).unwrap().is_empty());
    assert_eq!(v.tolist().unwrap().to_string(), "[]");
    assert_eq!(v.hex().unwrap(), "");
    assert_eq!(format!("{v}"), "[]");
    assert!(v.is_c_contiguous() && v.is_f_contiguous());
    assert_eq!(v.sum::<u8>().unwrap(), 0);
    assert_eq!(v.product::<u8>().unwrap(), 1);
    // Like NumPy, a minimum of nothing is an error.
    assert!(v.min::<u8>().is_err());
    assert!(v.max::<u8>().is_err());
    assert!(v.get(&[0]).is_err());
    assert_eq!(v.cast("i", None).unwrap().shape(), &[0]);
    assert_eq!(v.view_as("d").unwrap().shape(), &[0]);
    assert!(v.slice_str("5:1:-1").unwrap().is_empty());
    assert_eq!(v, View::from_bytes(&[]).reshape(&[0]).unwrap());
    // A scalar needs its bytes; an empty shape of any format does not.
    assert!(View::from_parts(&empty, "i", &[], &[], 0).is_err());
    let e = View::from_parts(&empty, "i", &[3, 0, 2], &[0, 0, 0], 0).unwrap();
    assert_eq!(e.tolist().unwrap().to_string(), "[[], [], []]");
    assert!(e.map(|x: i32| x + 1).unwrap().view().is_empty());
    assert_eq!(
        e.sum_axis::<i32>(1)
            .unwrap()
            .view()
            .tolist()
            .unwrap()
            .to_string(),
        "[[0, 0], [0, 0], [0, 0]]"
    );
    assert!(e.min_axis::<i32>(1).is_err());
    assert_eq!(e.min_axis::<i32>(0).unwrap().view().shape(), &[0, 2]);
    // Writable empties: fill, copy and split do nothing, without error.
    let mut none: [u8; 0] = [];
    let mut w = ViewMut::from_bytes(&mut none);
    w.fill_value(&Value::Int(3)).unwrap();
    w.copy_from(View::from_bytes(&[])).unwrap();
    let (a, b) = w.split_at(0, 0).unwrap();
    assert!(a.is_empty() && b.is_empty());
    // Zero-size elements (NumPy's `V0`, struct's `0x`): three of them fit in no bytes, and
    // a writable view of them does not overlap itself.
    let z = View::from_parts(&empty, "0x", &[3], &[0], 0).unwrap();
    assert_eq!((z.len(), z.nbytes(), z.itemsize()), (3, 0, 0));
    assert!(z.tobytes(Order::C).unwrap().is_empty());
    assert_eq!(z.tolist().unwrap().to_string(), "[(), (), ()]");
    assert!(ViewMut::from_parts(&mut none, "0x", &[3], &[0], 0).is_ok());
}

/// Writes `k` through `part` into every element of a split piece, one byte per element.
fn mark(part: &mut ViewMut<'_>, k: u8) {
    part.fill_value(&Value::Int(k.into())).unwrap();
}

#[test]
fn view_mut_splits_at_every_index_partition_the_elements() {
    // Layouts: C order, a transpose, reversed axes, a strided slice.
    let cases: &[(&[usize], &[isize], usize)] = &[
        (&[3, 4], &[4, 1], 0),
        (&[3, 4], &[1, 3], 0),
        (&[3, 4], &[-4, -1], 11),
        (&[2, 3], &[12, 2], 1),
        (&[5], &[-2], 8),
        (&[2, 0, 3], &[3, 3, 1], 0),
    ];
    for &(shape, strides, offset) in cases {
        let m = Model::new(shape, strides, offset as isize);
        for axis in 0..shape.len() {
            for index in 0..=shape[axis] {
                let mut buf = vec![0u8; 24];
                let v = ViewMut::from_parts(&mut buf, "B", shape, strides, offset).unwrap();
                // Every other split names the axis from the end, as NumPy allows.
                let signed = axis as isize
                    - if index % 2 == 1 {
                        shape.len() as isize
                    } else {
                        0
                    };
                let (mut a, mut b) = v.split_at(signed, index).unwrap();
                let (mut sa, mut sb) = (shape.to_vec(), shape.to_vec());
                sa[axis] = index;
                sb[axis] = shape[axis] - index;
                assert_eq!((a.shape(), b.shape()), (&sa[..], &sb[..]));
                // Write from two threads at once: the halves must be disjoint (Miri checks).
                std::thread::scope(|s| {
                    s.spawn(|| mark(&mut a, 1));
                    s.spawn(|| mark(&mut b, 2));
                });
                // Every element is written exactly once, by the half its index falls in.
                let mut want = vec![0u8; 24];
                for (ix, &o) in model::indices(shape).iter().zip(&m.offsets) {
                    want[o as usize] = if ix[axis] < index { 1 } else { 2 };
                }
                assert_eq!(buf, want, "{shape:?} {strides:?} axis {axis} at {index}");
            }
            let mut buf = vec![0u8; 24];
            let v = ViewMut::from_parts(&mut buf, "B", shape, strides, offset).unwrap();
            assert!(v.split_at(axis as isize, shape[axis] + 1).is_err());
        }
        let mut buf = vec![0u8; 24];
        let v = ViewMut::from_parts(&mut buf, "B", shape, strides, offset).unwrap();
        assert!(v.split_at(shape.len() as isize, 0).is_err());
        let mut buf = vec![0u8; 24];
        let v = ViewMut::from_parts(&mut buf, "B", shape, strides, offset).unwrap();
        assert!(v.split_at(-(shape.len() as isize) - 1, 0).is_err());
    }
}

#[test]
fn writable_views_refuse_elements_that_overlap() {
    let mut buf = [0u8; 16];
    // Stride 0 with more than one element, or strides that revisit an element.
    assert!(ViewMut::from_parts(&mut buf, "B", &[2], &[0], 0).is_err());
    assert!(ViewMut::from_parts(&mut buf, "B", &[2, 2], &[1, 1], 0).is_err());
    assert!(ViewMut::from_parts(&mut buf, "<i", &[2], &[2], 0).is_err());
    // Stride 0 on an axis of length 1 (or 0) writes nothing twice.
    assert!(ViewMut::from_parts(&mut buf, "B", &[1, 4], &[0, 1], 0).is_ok());
    assert!(ViewMut::from_parts(&mut buf, "B", &[0, 4], &[0, 0], 0).is_ok());
    // Interleaved but disjoint: two axes that never meet.
    assert!(ViewMut::from_parts(&mut buf, "B", &[2, 4], &[1, 4], 0).is_ok());
}

/// Found by the sequence fuzzer: an empty broadcast whose other lengths multiply past
/// `isize::MAX`, then a reshape (`insert_axis`), made contiguous strides that overflow. NumPy
/// refuses such shapes outright ("array is too big"); so does ndview, at every step.
#[test]
fn regression_empty_broadcast_then_insert_axis() {
    let buf = [0u8, 255, 108];
    let v = View::from_parts(&buf, "B", &[], &[], 0).unwrap();
    let mut shape = vec![2, 3, 4, 0];
    shape.extend(std::iter::repeat(4).take(52));
    shape.extend([2, 3, 3, 3, 3]);
    assert!(v.broadcast_to(&shape).is_err());
    // Within the limit the same steps work and keep every stride's reach in range.
    let small = v.broadcast_to(&[2, 3, 0, 4]).unwrap();
    let w = small.insert_axis(0).unwrap();
    assert_eq!(w.shape(), &[1, 2, 3, 0, 4]);
    let flipped = w.slice_str("::-1, ::-1, ::-2").unwrap();
    assert!(flipped.is_empty());
}

/// Found by the sequence fuzzer: `view_as` to a wider type on an empty view whose other
/// lengths multiply close to `isize::MAX` made a layout past the size rule.
#[test]
fn regression_view_as_wider_on_a_huge_empty_view() {
    let buf = [0u8];
    let mut shape = vec![3, 3, 3, 3];
    shape.extend(std::iter::repeat(2).take(54));
    shape.extend([3, 1, 2, 0]);
    // 81 * 2^54 * 6 one-byte elements: within isize::MAX bytes.
    let v = View::from_bytes(&buf)
        .reshape(&[])
        .unwrap()
        .broadcast_to(&shape)
        .unwrap();
    let flipped = v.flip(-1).unwrap();
    // Two-byte elements would not be.
    assert!(flipped.view_as(">H").is_err());
    assert!(flipped.view_as("2B").is_err());
    // Same width is fine, and so is a smaller example.
    assert_eq!(flipped.view_as("b").unwrap().shape(), &shape[..]);
    let small = View::from_bytes(&buf)
        .reshape(&[])
        .unwrap()
        .broadcast_to(&[3, 0])
        .unwrap();
    assert_eq!(small.view_as("<h").unwrap().shape(), &[3, 0]);
}
