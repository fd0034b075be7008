//! Hand-written view cases: writable views, typed access, errors, display, and the points where
//! ndview deliberately differs from memoryview (each documented in docs/views.md).

use ndview::{s, Error, Format, NewAxis, Order, PyErr, SliceItem, Value, View, ViewMut};

fn ints(n: i32) -> Vec<i32> {
    (0..n).collect()
}

#[test]
fn from_bytes_and_from_slice_are_memoryviews() {
    let b = *b"abcd";
    let v = View::from_bytes(&b);
    assert_eq!(
        (v.format().as_str(), v.shape(), v.strides()),
        ("B", &[4usize][..], &[1isize][..])
    );
    assert!(v.readonly() && v.is_c_contiguous() && v.is_f_contiguous());
    let data = [1.5f64, -2.0];
    let v = View::from_slice(&data);
    assert_eq!(
        (v.format().as_str(), v.itemsize(), v.nbytes()),
        ("d", 8, 16)
    );
    assert_eq!(v.tolist().unwrap().to_string(), "[1.5, -2.0]");
    let flags = [true, false];
    assert_eq!(
        View::from_slice(&flags).tolist().unwrap().to_string(),
        "[True, False]"
    );
}

#[test]
fn geometry_errors_name_the_axis_and_the_reach() {
    let buf = [0u8; 16];
    let err = View::from_parts(&buf, "i", &[2, 3], &[8, 4], 4)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("axis 0") && err.contains("axis 1") && err.contains("8 bytes past the end"),
        "{err}"
    );
    let err = View::from_parts(&buf, "i", &[2, 1], &[16, 4], 0)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("axis 0 (length 2, stride 16") && !err.contains("axis 1"),
        "{err}"
    );
    let err = View::from_parts(&buf, "i", &[3], &[-4], 4)
        .unwrap_err()
        .to_string();
    assert!(err.contains("before the start"), "{err}");
    assert!(View::from_parts(&buf, "B", &[2], &[isize::MAX], 0).is_err()); // reach overflows
    assert!(View::from_parts(&buf, "B", &[usize::MAX, 2], &[1, 1], 0).is_err()); // count
    assert!(View::from_parts(&buf, "B", &[2], &[1, 1], 0).is_err()); // one stride per axis
    assert!(View::from_parts(&buf, "B", &[0], &[1], 17).is_err()); // offset past the end
    assert!(View::from_parts(&buf, "B", &vec![1; 65], &vec![0; 65], 0).is_err()); // 65 dims
    assert!(View::from_parts(&buf, "B", &vec![1; 64], &vec![0; 64], 0).is_ok());
    // Empty views reach nothing, but their strides must still not overflow.
    assert!(View::from_parts(&buf, "B", &[0, 3], &[1, 1000], 16).is_ok());
    assert!(View::from_parts(&buf, "B", &[0, 3], &[1, isize::MAX], 16).is_err());
}

#[test]
fn integer_indexing_gives_a_0d_view_and_errors_are_numpys() {
    let data = ints(6);
    let v = View::from_slice(&data).reshape(&[2, 3]).unwrap();
    let e = v.slice_str("1, -1").unwrap();
    assert_eq!(
        (e.ndim(), e.tolist().unwrap().to_string()),
        (0, "5".to_owned())
    );
    let err = v.slice_str("2").unwrap_err();
    assert_eq!(err.python_type(), Some(PyErr::IndexError));
    assert_eq!(
        err.to_string(),
        "index 2 is out of bounds for axis 0 with size 2"
    );
    assert_eq!(
        v.slice_str("::0").unwrap_err().python_type(),
        Some(PyErr::ValueError)
    );
    assert!(v.slice_str("..., ...").is_err());
    assert!(v.slice_str("0, 0, 0").is_err());
    assert!(matches!(
        v.slice_str("1 2"),
        Err(Error::IndexSyntax { position: 2, .. })
    ));
    assert!(matches!(
        v.slice_str("1, x"),
        Err(Error::IndexSyntax { position: 3, .. })
    ));
    assert_eq!(v.slice_str("").unwrap().shape(), &[2, 3]); // a[()]
    assert_eq!(v.slice_str("0,").unwrap().shape(), &[3]); // a[0,]
                                                          // Huge slice bounds clamp as in Python; a huge integer index is an IndexError.
    assert_eq!(
        v.slice_str(":, -99999999999999999999999:99999999999999999999")
            .unwrap()
            .shape(),
        &[2, 3]
    );
    assert_eq!(
        v.slice_str("99999999999999999999999")
            .unwrap_err()
            .python_type(),
        Some(PyErr::IndexError)
    );
}

#[test]
fn the_s_macro_speaks_numpy() {
    let data = ints(60);
    let v = View::from_slice(&data).reshape(&[3, 4, 5]).unwrap();
    let pairs: [(&str, Vec<SliceItem>); 9] = [
        (
            "1, ::-1, ..., None, 1:3",
            s![1, ..;-1, ..., None, 1..3].to_vec(),
        ),
        ("::2", s![..;2].to_vec()),
        ("-1", s![-1].to_vec()),
        ("1:", s![1..].to_vec()),
        (":2", s![..2].to_vec()),
        ("0:3:2, 1:=2", s![0..3;2, 1..=2].to_vec()),
        ("2:0:-1", s![2..0;-1].to_vec()),
        ("..., None", s![..., NewAxis].to_vec()),
        ("2::-1, :, ::-2", s![2..;-1, .., ..;-2].to_vec()),
    ];
    for (text, items) in pairs {
        let text = text.replace(":=2", ":3"); // Python has no inclusive stop
        let a = v.slice(&items).unwrap();
        let b = v.slice_str(&text).unwrap();
        assert_eq!(
            (a.shape(), a.strides(), a.offset()),
            (b.shape(), b.strides(), b.offset()),
            "{text}"
        );
    }
    // Inclusive ranges stepping backwards stop after the end they name.
    let w = View::from_slice(&data[..5]);
    assert_eq!(
        w.slice(s![3..=0;-1]).unwrap().tolist().unwrap().to_string(),
        "[3, 2, 1, 0]"
    );
    assert_eq!(w.slice(s![..=-1]).unwrap().len(), 5);
}

#[test]
fn writes_land_in_the_buffer_and_views_see_them() {
    let mut buf = [0u8; 6];
    {
        let mut v = ViewMut::from_bytes(&mut buf);
        v.set(&[1], &Value::Int(5)).unwrap();
        // The view starting at 1 sees it at index 0.
        let tail = v.reborrow().slice_str("1:").unwrap();
        assert_eq!(tail.get(&[0]).unwrap().to_string(), "5");
        assert!(v.set(&[9], &Value::Int(1)).is_err());
        assert!(v.set(&[0], &Value::Int(256)).is_err());
    }
    assert_eq!(buf, [0, 5, 0, 0, 0, 0]);
}

#[test]
fn typed_access_handles_byte_order_and_alignment() {
    let mut buf = [0u8; 9];
    let mut v = ViewMut::from_parts(&mut buf, ">i", &[2], &[4], 1).unwrap(); // unaligned
    v.set_as::<i32>(&[1], -2).unwrap();
    assert_eq!(v.get_as::<i32>(&[1]).unwrap(), -2);
    assert_eq!(v.get(&[1]).unwrap().to_string(), "-2");
    let err = v.get_as::<f32>(&[0]).unwrap_err();
    assert!(matches!(err, Error::WrongType { .. }), "{err}");
    assert_eq!(&buf[5..9], &(-2i32).to_be_bytes());
}

#[test]
fn copy_from_checks_structure_and_handles_any_layouts() {
    let src_data = ints(12);
    let src = View::from_slice(&src_data)
        .reshape(&[3, 4])
        .unwrap()
        .transpose();
    let mut out = vec![0i32; 12];
    let mut dst = ViewMut::from_slice(&mut out).reshape(&[4, 3]).unwrap();
    dst.copy_from(&src).unwrap();
    assert_eq!(out, [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    let mut other = vec![0f32; 12];
    let mut wrong = ViewMut::from_slice(&mut other).reshape(&[4, 3]).unwrap();
    let err = wrong.copy_from(&src).unwrap_err();
    assert_eq!(err.python_type(), Some(PyErr::ValueError));
    // '@i' and 'i' are the same structure (memoryview strips the '@').
    let data = ints(3);
    let at = View::from_slice(&data)
        .cast("B", None)
        .unwrap()
        .cast("@i", None)
        .unwrap();
    let mut back = vec![0i32; 3];
    ViewMut::from_slice(&mut back).copy_from(&at).unwrap();
    assert_eq!(back, [0, 1, 2]);
}

#[test]
fn copy_from_an_overlapping_view_reads_before_writing() {
    // a[1:] = a[:-1] on one buffer: NumPy's answer shifts every element by one.
    let mut data: Vec<i32> = ints(8);
    let n = data.len() * 4;
    let ptr = std::ptr::NonNull::new(data.as_mut_ptr().cast::<u8>()).unwrap();
    let f = Format::parse("i").unwrap();
    // SAFETY: both views cover `data` (n bytes), which outlives them; they are used on this
    // thread only, and copy_from reads the whole source before writing.
    unsafe {
        let src = View::from_raw_parts(ptr, n, &f, &[7], &[4], 0).unwrap();
        let mut dst = ViewMut::from_raw_parts(ptr, n, &f, &[7], &[4], 4).unwrap();
        dst.copy_from(&src).unwrap();
    }
    assert_eq!(data, [0, 0, 1, 2, 3, 4, 5, 6]);
    // And reversed onto itself: a[:] = a[::-1].
    let mut data: Vec<i32> = ints(5);
    let ptr = std::ptr::NonNull::new(data.as_mut_ptr().cast::<u8>()).unwrap();
    // SAFETY: as above.
    unsafe {
        let src = View::from_raw_parts(ptr, 20, &f, &[5], &[-4], 16).unwrap();
        let mut dst = ViewMut::from_raw_parts(ptr, 20, &f, &[5], &[4], 0).unwrap();
        dst.copy_from(&src).unwrap();
    }
    assert_eq!(data, [4, 3, 2, 1, 0]);
}

#[test]
fn writable_views_may_not_overlap_themselves() {
    let mut buf = [0u8; 16];
    assert!(ViewMut::from_parts(&mut buf, "B", &[4, 4], &[4, 1], 0).is_ok());
    assert!(ViewMut::from_parts(&mut buf, "B", &[4, 4], &[0, 1], 0).is_err()); // stride 0
    assert!(ViewMut::from_parts(&mut buf, "i", &[3], &[2], 0).is_err()); // 4-byte items, stride 2
    assert!(ViewMut::from_parts(&mut buf, "B", &[3, 3], &[3, 2], 0).is_ok()); // interleaved but disjoint
    assert!(ViewMut::from_parts(&mut buf, "B", &[3, 4], &[3, 1], 0).is_err()); // 3 and 1*3 collide
                                                                               // Read-only views may overlap, as NumPy's broadcast views do.
    assert!(View::from_parts(&buf, "B", &[4, 4], &[0, 1], 0).is_ok());
}

#[test]
fn split_at_every_index_gives_disjoint_parts() {
    for axis in 0..2 {
        for index in 0..=[3, 4][axis] {
            let mut data = vec![0u16; 12];
            let v = ViewMut::from_slice(&mut data).reshape(&[3, 4]).unwrap();
            let (mut a, mut b) = v.split_at(axis as isize, index).unwrap();
            a.fill_value(&Value::Int(1)).unwrap();
            b.fill_value(&Value::Int(2)).unwrap();
            let ones = data.iter().filter(|&&x| x == 1).count();
            assert_eq!(ones, index * [4, 3][axis], "axis {axis} index {index}");
            assert!(data.iter().all(|&x| x == 1 || x == 2));
        }
    }
    let mut data = vec![0u8; 4];
    assert!(ViewMut::from_slice(&mut data).split_at(0, 5).is_err());
    assert!(ViewMut::from_slice(&mut data).split_at(1, 0).is_err());
}

#[test]
fn cast_allows_half_floats_as_cpython_3_12_does() {
    let data = [0x00u8, 0x3c, 0x00, 0xc0];
    let v = View::from_bytes(&data).cast("e", None).unwrap();
    assert_eq!(v.tolist().unwrap().to_string(), "[1.0, -2.0]");
    assert_eq!(v.cast("B", Some(&[2, 2])).unwrap().shape(), &[2, 2]);
    let kept = View::from_bytes(&data).cast("@H", None).unwrap();
    assert_eq!(kept.format().as_str(), "@H");
    let zero_d = View::from_bytes(&data).cast("i", Some(&[])).unwrap();
    assert_eq!((zero_d.ndim(), zero_d.shape()), (0, &[][..]));
}

#[test]
fn cast_refusals_come_in_cpythons_order() {
    let data = ints(6);
    let v = View::from_slice(&data).cast("B", None).unwrap();
    let t = View::from_slice(&data)
        .reshape(&[2, 3])
        .unwrap()
        .transpose();
    let err = |r: ndview::Result<View<'_>>| r.unwrap_err().python_type().unwrap();
    assert_eq!(err(t.cast("B", None)), PyErr::TypeError); // not C-contiguous comes first
    assert_eq!(err(v.cast("<i", None)), PyErr::ValueError); // not a native character
    assert_eq!(err(v.cast("i", Some(&[5]))), PyErr::TypeError); // size mismatch
    assert_eq!(err(v.cast("i", Some(&[0, 6]))), PyErr::ValueError); // zeros in the new shape
    let i = v.cast("i", None).unwrap();
    assert_eq!(err(i.cast("f", None)), PyErr::TypeError); // two non-byte formats
    assert_eq!(err(i.cast("i", None)), PyErr::TypeError); // even when they are equal
    assert!(v.cast("B", None).is_ok()); // a byte format on one side is enough
}

#[test]
fn bool_equality_compares_values_not_bytes() {
    // memoryview compares '?' items as raw C _Bool bytes (so 1 != 2); ndview compares the
    // values struct unpacks, both True.
    let (a, b) = ([1u8], [2u8]);
    let va = View::from_bytes(&a).cast("?", None).unwrap();
    let vb = View::from_bytes(&b).cast("?", None).unwrap();
    assert!(va == vb);
    // Formats struct cannot parse compare by value too (memoryview says never equal).
    let z = [0u8; 16];
    let c = View::from_parts(&z, "Zd", &[1], &[16], 0).unwrap();
    assert!(c == c.clone());
    let nan = [f64::NAN];
    assert!(View::from_slice(&nan) != View::from_slice(&nan));
}

#[test]
fn display_and_debug() {
    let data = ints(24);
    let v = View::from_slice(&data).reshape(&[2, 3, 4]).unwrap();
    assert_eq!(
        v.slice_str(":, :2, :2").unwrap().to_string(),
        "[[[ 0,  1],\n  [ 4,  5]],\n\n [[12, 13],\n  [16, 17]]]"
    );
    let big: Vec<u8> = (0..=255).cycle().take(2000).collect();
    let text = View::from_bytes(&big).to_string();
    assert!(
        text.starts_with("[  0,   1,   2, ...,") && text.ends_with("205, 206, 207]"),
        "{text}"
    );
    let dbg = format!("{:?}", v.transpose());
    assert!(
        dbg.contains("shape: [4, 3, 2]") && dbg.contains("strides: [4, 16, 48]"),
        "{dbg}"
    );
    let one = [7i8];
    assert_eq!(
        View::from_slice(&one).slice_str("0").unwrap().to_string(),
        "7"
    );
    // float32 elements print their own shortest digits, as NumPy prints them.
    let floats = [0.1f32, 2.5, 1e-5];
    assert_eq!(
        View::from_slice(&floats).to_string(),
        "[  0.1,   2.5, 1e-05]"
    );
}

#[test]
fn tobytes_into_reuses_a_buffer_and_checks_its_length() {
    let data = ints(6);
    let v = View::from_slice(&data)
        .reshape(&[2, 3])
        .unwrap()
        .transpose();
    let mut out = vec![0u8; 24];
    v.tobytes_into(Order::C, &mut out).unwrap();
    assert_eq!(out, v.tobytes(Order::C).unwrap());
    assert!(v.tobytes_into(Order::C, &mut out[..20]).is_err());
    assert_eq!(
        v.tobytes(Order::F).unwrap(),
        View::from_slice(&data).tobytes(Order::C).unwrap()
    );
}
