//! ndarray interop (feature `ndarray`): both directions without copying, negative strides
//! both ways, and clear errors for what ndarray cannot describe.
#![cfg(feature = "ndarray")]

use ndarray::{s as nd_s, Array2, IxDyn};
use ndview::{s, View, ViewMut};

#[test]
fn views_become_ndarray_views_without_copying() {
    let data: Vec<f32> = (0..12).map(|x| x as f32).collect();
    let v = View::from_slice(&data).reshape(&[3, 4]).unwrap();
    let a = v.to_ndarray::<f32>().unwrap();
    assert_eq!(a.shape(), &[3, 4]);
    assert!(std::ptr::eq(a.as_ptr(), data.as_ptr()));
    // Negative strides: ndview's [::-1, ::2] equals ndarray's own slice of the same data.
    let flipped = v
        .slice(s![..;-1, ..;2])
        .unwrap()
        .to_ndarray::<f32>()
        .unwrap();
    let nd = Array2::from_shape_vec((3, 4), data.clone()).unwrap();
    assert_eq!(flipped, nd.slice(nd_s![..;-1, ..;2]).into_dyn());
    assert_eq!(flipped[[0, 1]], 10.0);
}

#[test]
fn ndarray_views_become_views_without_copying() {
    let nd = Array2::from_shape_vec((3, 4), (0..12).collect::<Vec<i64>>()).unwrap();
    let rev = nd.slice(nd_s![..;-1, 1..;2]).into_dyn();
    let v = View::from_ndarray(rev.view()).unwrap();
    assert_eq!(v.format().as_str(), "q");
    assert_eq!(v.strides(), &[-32, 16]);
    assert_eq!(v.tolist().unwrap().to_string(), "[[9, 11], [5, 7], [1, 3]]");
    // And back again.
    let back = v.to_ndarray::<i64>().unwrap();
    assert_eq!(back, rev);
}

#[test]
fn writable_views_go_both_ways() {
    let mut data = vec![0u16; 6];
    {
        let vm = ViewMut::from_slice(&mut data)
            .reshape(&[2, 3])
            .unwrap()
            .flip(1)
            .unwrap();
        let mut a = vm.into_ndarray::<u16>().unwrap();
        a[[0, 0]] = 7; // the last element of row 0
        a[[1, 2]] = 9; // the first element of row 1
    }
    assert_eq!(data, [0, 0, 7, 9, 0, 0]);
    let mut nd = Array2::<f64>::zeros((2, 2));
    {
        let mut vm = ViewMut::from_ndarray(nd.view_mut().into_dyn()).unwrap();
        vm.fill(1.5f64).unwrap();
    }
    assert_eq!(nd.sum(), 6.0);
    let mut col = Array2::<f64>::zeros((3, 3));
    {
        let sub = col.slice_mut(nd_s![..;-1, 1]).into_dyn();
        let mut vm = ViewMut::from_ndarray(sub).unwrap();
        vm.set_as(&[0], 4.0f64).unwrap();
    }
    assert_eq!(col[[2, 1]], 4.0);
}

#[test]
fn what_ndarray_cannot_describe_is_an_error() {
    let bytes = [0u8; 16];
    let be = View::from_parts(&bytes, ">i", &[4], &[4], 0).unwrap();
    assert!(be.to_ndarray::<i32>().is_err()); // not native byte order
    let odd = View::from_parts(&bytes, "i", &[3], &[5], 0).unwrap();
    assert!(odd
        .to_ndarray::<i32>()
        .unwrap_err()
        .to_string()
        .contains("whole number"));
    let unaligned = View::from_parts(&bytes, "i", &[3], &[4], 1).unwrap();
    let err = unaligned.to_ndarray::<i32>();
    assert!(err.is_err() || (bytes.as_ptr() as usize + 1) % 4 == 0);
    assert!(View::from_slice(&[1u8]).to_ndarray::<i16>().is_err()); // wrong type
    let empty: Vec<f32> = vec![];
    let e = View::from_slice(&empty).to_ndarray::<f32>().unwrap();
    assert_eq!(e.shape(), &[0]);
    let _: ndarray::ArrayView<'_, f32, IxDyn> = e;
}

// Regressions (issue 15, items 1 and 2): these were undefined behaviour under Miri.

/// A `bool` view over the byte 2 cannot become an ndarray of Rust `bool`s (which must be 0 or
/// 1): the conversions take only types valid for every bit pattern, so the nearest legal
/// request is `u8`, which sees the byte as it is.
#[test]
fn bool_views_go_to_ndarray_as_bytes() {
    let bytes = [2u8, 0, 1];
    let v = View::from_parts(&bytes, "?", &[3], &[1], 0).unwrap();
    assert_eq!(v.tolist().unwrap().to_string(), "[True, False, True]");
    let as_u8 = v.view_as("B").unwrap().to_ndarray::<u8>().unwrap();
    assert_eq!(as_u8.as_slice().unwrap(), &[2, 0, 1]);
    // `to_ndarray::<bool>` does not compile (bool is not Pod); u8 of a '?' view is a type
    // mismatch, not a reinterpretation.
    assert!(v.to_ndarray::<u8>().is_err());
}

/// Empty views of every layout (non-zero and negative strides, a zero-length axis in any
/// place) go to ndarray and can be flipped and indexed there without pointer arithmetic from
/// a dangling pointer.
#[test]
fn empty_views_go_to_ndarray_safely() {
    let mut buf = [0u8; 8];
    let layouts: [(&[usize], &[isize], usize); 4] = [
        (&[2, 0], &[0, 1], 0),
        (&[0, 3], &[-3, 1], 7),
        (&[3, 0, 2], &[2, -5, 1], 4),
        (&[0], &[1], 8),
    ];
    for (shape, strides, offset) in layouts {
        let v = View::from_parts(&buf, "B", shape, strides, offset).unwrap();
        let mut a = v.to_ndarray::<u8>().unwrap();
        assert_eq!(a.shape(), shape);
        assert_eq!(a.len(), 0);
        for k in 0..shape.len() {
            a.invert_axis(ndarray::Axis(k));
        }
        if shape[0] > 0 {
            assert_eq!(a.index_axis(ndarray::Axis(0), shape[0] - 1).len(), 0);
        }
        let m = ViewMut::from_parts(&mut buf, "B", shape, strides, offset).unwrap();
        let mut am = m.into_ndarray::<u8>().unwrap();
        am.fill(9);
        assert_eq!(am.len(), 0);
        for k in 0..shape.len() {
            am.invert_axis(ndarray::Axis(k));
        }
    }
    assert_eq!(buf, [0; 8]);
}
