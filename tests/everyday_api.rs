//! The everyday API against the reference model: typed iteration and indexing, `to_vec`,
//! `Array` as a value (`Clone`, `==`, `into_vec`, `From`), the forwarded view methods, the
//! operators, and `map_file` with an inferred length.

mod model;

use model::{indices, Model};
use ndview::kernels::ops;
use ndview::{s, Array, Error, View, ViewMut, INFER};
use proptest::prelude::*;

const CASES: u32 = if cfg!(miri) { 4 } else { 300 };

/// A random layout over a buffer of little-endian u32 values: shape, strides that are
/// multiples of 4 (some negative, some zero), and an offset that keeps every element inside.
fn layout() -> impl Strategy<Value = (Vec<usize>, Vec<isize>, usize, usize)> {
    prop::collection::vec((0usize..4, -3isize..4), 0..4).prop_map(|axes| {
        let shape: Vec<usize> = axes.iter().map(|a| a.0).collect();
        let strides: Vec<isize> = axes.iter().map(|a| a.1 * 4).collect();
        let low: isize = axes
            .iter()
            .map(|&(d, s)| {
                if d == 0 {
                    0
                } else {
                    (s * 4).min(0) * (d as isize - 1)
                }
            })
            .sum();
        let high: isize = axes
            .iter()
            .map(|&(d, s)| {
                if d == 0 {
                    0
                } else {
                    (s * 4).max(0) * (d as isize - 1)
                }
            })
            .sum();
        let offset = (-low) as usize;
        let len = offset + high as usize + 4;
        (shape, strides, offset, len)
    })
}

fn buffer(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

/// The model's values, read from the definition: u32 little-endian at each offset.
fn model_values(m: &Model, buf: &[u8]) -> Vec<u32> {
    m.offsets
        .iter()
        .map(|&o| u32::from_le_bytes(buf[o as usize..o as usize + 4].try_into().unwrap()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn iter_as_to_vec_and_indexing_follow_the_model((shape, strides, offset, len) in layout()) {
        let buf = buffer(len);
        let m = Model::new(&shape, &strides, offset as isize);
        let want = model_values(&m, &buf);
        let v = View::from_parts(&buf, "<I", &shape, &strides, offset).unwrap();
        prop_assert_eq!(v.iter_as::<u32>().unwrap().len(), want.len());
        prop_assert_eq!(v.iter_as::<u32>().unwrap().collect::<Vec<_>>(), want.clone());
        prop_assert_eq!(v.to_vec::<u32>().unwrap(), want.clone());
        // `flat`: the same values decoded, from both ends.
        let values: Vec<ndview::Value> = want.iter().map(|&x| ndview::Value::Int(x.into())).collect();
        prop_assert_eq!(v.flat().collect::<Result<Vec<_>, _>>().unwrap(), values.clone());
        let mut back = v.flat().rev().collect::<Result<Vec<_>, _>>().unwrap();
        back.reverse();
        prop_assert_eq!(back, values);
        for (k, ix) in indices(&shape).iter().enumerate() {
            prop_assert_eq!(v.get_as::<u32>(ix).unwrap(), want[k]);
        }
        // Out of range on any axis is an IndexError, never a wrap.
        for axis in 0..shape.len() {
            let mut ix = vec![0; shape.len()];
            ix[axis] = shape[axis];
            prop_assert!(v.get_as::<u32>(&ix).is_err());
        }
        // References need native, aligned elements; copy into aligned memory where the test
        // buffer (a Vec<u8>) may not be aligned for u32.
        let mut aligned = vec![0u32; len.div_ceil(4)];
        bytemuck::cast_slice_mut::<u32, u8>(&mut aligned)[..len].copy_from_slice(&buf);
        let bytes = &bytemuck::cast_slice::<u32, u8>(&aligned)[..len];
        let w = View::from_parts(bytes, "=I", &shape, &strides, offset).unwrap();
        if cfg!(target_endian = "little") {
            let t = w.typed::<u32>().unwrap();
            let refs: Vec<u32> = t.iter().copied().collect();
            prop_assert_eq!(&refs, &want);
            for (k, ix) in indices(&shape).iter().enumerate() {
                prop_assert_eq!(t[&ix[..]], want[k]);
                prop_assert_eq!(t.get(ix), Some(&want[k]));
            }
            match shape.len() {
                0 => check_fixed::<0>(&w, &want)?,
                1 => check_fixed::<1>(&w, &want)?,
                2 => check_fixed::<2>(&w, &want)?,
                _ => check_fixed::<3>(&w, &want)?,
            }
        }
    }

    #[test]
    fn operators_equal_the_fused_kernels(n in 0usize..40, x in -4i32..5) {
        let a: Vec<i32> = (0..n as i32).map(|i| i * 3 - 11).collect();
        let b: Vec<i32> = (0..n as i32).map(|i| 7 - i).collect();
        let (va, vb) = (View::from_slice(&a), View::from_slice(&b));
        let sum = (&va + &vb).unwrap();
        prop_assert_eq!(sum.to_vec::<i32>().unwrap(), a.iter().zip(&b).map(|(p, q)| p.wrapping_add(*q)).collect::<Vec<_>>());
        let diff = (&Array::from(a.clone()) - &vb).unwrap();
        prop_assert_eq!(diff.to_vec::<i32>().unwrap(), a.iter().zip(&b).map(|(p, q)| p.wrapping_sub(*q)).collect::<Vec<_>>());
        let prod = (&va * f64::from(x)).unwrap();
        prop_assert_eq!(prod.to_vec::<i32>().unwrap(), a.iter().map(|p| p.wrapping_mul(x)).collect::<Vec<_>>());
        let quot = (&va / &Array::from(b.clone())).unwrap();
        prop_assert_eq!(quot.to_vec::<f64>().unwrap(), a.iter().zip(&b).map(|(p, q)| f64::from(*p) / f64::from(*q)).collect::<Vec<_>>());
        let mut out = vec![0i32; n];
        ops::mul_into(&mut ViewMut::from_slice(&mut out), &va, &vb).unwrap();
        prop_assert_eq!(out, a.iter().zip(&b).map(|(p, q)| p.wrapping_mul(*q)).collect::<Vec<_>>());
    }
}

/// A `FixedView` of `w` (rank `N`) reads the model's values by index, in C order from both
/// ends, and through copies moved into two threads; out-of-range indices give `None`.
fn check_fixed<const N: usize>(w: &View, want: &[u32]) -> Result<(), TestCaseError> {
    let f = w.fixed::<u32, N>().unwrap();
    let shape = w.shape();
    prop_assert_eq!(&f.shape()[..], shape);
    prop_assert_eq!(&f.strides()[..], w.strides());
    prop_assert_eq!(f.len(), want.len());
    prop_assert_eq!(f.iter().copied().collect::<Vec<_>>(), want.to_vec());
    prop_assert_eq!(
        f.iter().rev().copied().collect::<Vec<_>>(),
        want.iter().rev().copied().collect::<Vec<_>>()
    );
    for (k, ix) in indices(shape).iter().enumerate() {
        let ix: [usize; N] = ix[..].try_into().unwrap();
        prop_assert_eq!(f[ix], want[k]);
        prop_assert_eq!(f.get(ix), Some(&want[k]));
    }
    for axis in 0..N {
        let mut ix = [0; N];
        ix[axis] = shape[axis];
        prop_assert_eq!(f.get(ix), None);
    }
    // The dynamic view comes back unchanged; the transpose is View's.
    prop_assert_eq!(f.view().to_vec::<u32>().unwrap(), want.to_vec());
    prop_assert_eq!(
        f.transpose().iter().copied().collect::<Vec<_>>(),
        w.transpose().to_vec::<u32>().unwrap()
    );
    // Copies move into threads (the reason it is `Copy`); each half of a split is View's.
    if N > 0 {
        let cut = shape[0] / 2;
        let (halves, whole) = std::thread::scope(|s| {
            let h = s.spawn(move || {
                let (a, b) = f.split_at(0, cut).unwrap();
                (
                    a.iter().copied().collect::<Vec<_>>(),
                    b.iter().copied().collect::<Vec<_>>(),
                )
            });
            let w2 = s.spawn(move || f.iter().copied().collect::<Vec<_>>());
            (h.join().unwrap(), w2.join().unwrap())
        });
        let (a, b) = w.split_at(0, cut).unwrap();
        prop_assert_eq!(
            halves,
            (a.to_vec::<u32>().unwrap(), b.to_vec::<u32>().unwrap())
        );
        prop_assert_eq!(whole, want.to_vec());
        prop_assert!(f.split_at(N as isize, 0).is_err());
        prop_assert_eq!(
            f.split_at(-1, 0).unwrap().1.shape(),
            f.split_at(N as isize - 1, 0).unwrap().1.shape()
        );
        prop_assert!(f.split_at(0, shape[0] + 1).is_err());
    }
    Ok(())
}

#[test]
fn fixed_views_check_rank_type_and_layout() {
    let data = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0];
    let v = View::from_slice(&data).reshape(&[2, 3]).unwrap();
    assert!(matches!(v.fixed::<f64, 3>(), Err(Error::Shape(_))));
    assert!(matches!(v.fixed::<f32, 2>(), Err(Error::WrongType { .. })));
    let f = v.fixed::<f64, 2>().unwrap();
    assert_eq!((f.sum().unwrap(), f.mean().unwrap()), (21.0, 3.5));
    assert_eq!((f.min().unwrap(), f.max().unwrap()), (1.0, 6.0));
    assert_eq!(f.par_sum().unwrap(), 21.0);
    // Big-endian or unaligned elements have no references.
    let words = [0f64; 3];
    let bytes: &[u8] = bytemuck::cast_slice(&words);
    let be = View::from_parts(bytes, ">d", &[2], &[8], 0).unwrap();
    assert!(matches!(be.fixed::<f64, 1>(), Err(Error::Type(_))));
    let odd = View::from_parts(bytes, "=d", &[2], &[8], 1).unwrap();
    assert!(matches!(odd.fixed::<f64, 1>(), Err(Error::Type(_))));
    // A FixedView is an operand of Zip and converts back to a View.
    let sum = ndview::Zip::from(f)
        .and(f)
        .map_collect(|x: f64, y: f64| x + y)
        .unwrap();
    assert_eq!(
        sum.to_vec::<f64>().unwrap(),
        [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
    );
    assert_eq!(View::from(f).shape(), &[2, 3]);
}

#[test]
fn two_input_kernels_take_any_operand_without_view() {
    let a = Array::from(vec![1.0f32, 2.0, 3.0]);
    let b = vec![10.0f32, 20.0, 30.0];
    let want = [11.0f32, 22.0, 33.0];
    assert_eq!(
        a.zip_map(&b, |x: f32, y: f32| x + y)
            .unwrap()
            .to_vec::<f32>()
            .unwrap(),
        want
    );
    assert_eq!(ops::add(&a, &b).unwrap().to_vec::<f32>().unwrap(), want);
    let sum = ops::add(&a, &b).unwrap();
    assert!(sum.allclose(&want, 0.0, 0.0).unwrap());
    let mut out = Array::zeros("f", &[3]).unwrap();
    out.copy_from(&sum).unwrap();
    assert_eq!(out, sum);
    let mut m = vec![0.0f32; 3];
    let mut vm = ViewMut::from_slice(&mut m);
    vm.zip_map_into(&a, &b, |x: f32, y: f32| y - x).unwrap();
    assert!(vm.allclose(&[9.0f32, 18.0, 27.0], 0.0, 0.0).unwrap());
    let picked = ndview::where_::<f32>(&[true, false, true], &a, &b).unwrap();
    assert_eq!(picked.to_vec::<f32>().unwrap(), [1.0, 20.0, 3.0]);
}

#[test]
#[should_panic(expected = "out of bounds for shape [2, 3]")]
fn fixed_view_index_panics_out_of_bounds() {
    let data = [0u8; 6];
    let v = View::from_slice(&data).reshape(&[2, 3]).unwrap();
    let _ = v.fixed::<u8, 2>().unwrap()[[0, 3]];
}

#[test]
fn operators_refuse_what_numpy_refuses() {
    let a = Array::from(vec![1.0f32, 2.0, 3.0]);
    let b = Array::from(vec![1.0f32, 2.0]);
    assert!(
        matches!(&a + &b, Err(Error::Broadcast { ref shapes }) if shapes == &[vec![3], vec![2]]),
        "shapes that do not broadcast"
    );
    let c = Array::from(vec![1i32, 2, 3]);
    assert!(matches!(&a * &c, Err(Error::Type(_))), "no type promotion");
    assert!(matches!(&c + 0.5, Err(Error::Type(_))), "0.5 is not an i32");
    // Broadcasting as NumPy: a column plus a row.
    let col = Array::from(vec![[10i32], [20]]);
    let row = Array::from([1i32, 2, 3]);
    let grid = (&col + &row).unwrap();
    assert_eq!(
        grid.tolist().unwrap().to_string(),
        "[[11, 12, 13], [21, 22, 23]]"
    );
}

#[test]
fn arrays_are_values() {
    let a = Array::from([[1u16, 2, 3], [4, 5, 6]]);
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a.as_bytes().as_ptr(), b.as_bytes().as_ptr(), "clone copies");
    let mut c = b.try_clone().unwrap();
    c.set_as(&[1, 2], 60u16).unwrap();
    assert_ne!(a, c);
    assert_eq!(a.view(), a);
    // memoryview's ==: values, not formats.
    let wide = a.astype::<u32>(ndview::Conversion::Checked).unwrap();
    assert_eq!(wide, a);
    // NaN is never equal to itself.
    let nan = Array::from(vec![f64::NAN]);
    assert_ne!(nan, nan.clone());
    // into_vec gives an adopted vector back without copying, and copies anything else.
    let v = vec![1.5f64, 2.5];
    let ptr = v.as_ptr();
    let back = Array::from_vec(v, &[2]).unwrap().into_vec::<f64>().unwrap();
    assert_eq!(back.as_ptr(), ptr);
    let zeros = Array::zeros("d", &[3]).unwrap().into_vec::<f64>().unwrap();
    assert_eq!(zeros, [0.0; 3]);
    assert!(matches!(
        Array::from([1u8]).into_vec::<i8>(),
        Err(Error::Type(_))
    ));
    // From conversions.
    assert_eq!(Array::from(&[1i8, 2][..]).shape(), &[2]);
    assert_eq!(Array::from(vec![[0.5f32; 4]; 3]).shape(), &[3, 4]);
    let data = [1u32, 2, 3];
    assert_eq!(View::from(&data[..]).shape(), &[3]);
}

#[test]
fn arrays_carry_the_view_methods() {
    let mut a = Array::from((0..12).map(|x| x as f32).collect::<Vec<_>>());
    let m = a.reshape(&[3, INFER]).unwrap().to_owned().unwrap();
    assert_eq!(m.shape(), &[3, 4]);
    assert_eq!(m.transpose().shape(), &[4, 3]);
    assert_eq!(m.sum::<f32>().unwrap(), 66.0);
    assert_eq!(
        m.sum_axis::<f32>(0).unwrap().to_vec::<f32>().unwrap(),
        [12.0, 15.0, 18.0, 21.0]
    );
    assert_eq!(
        m.slice(s![1, ..;2]).unwrap().to_vec::<f32>().unwrap(),
        [4.0, 6.0]
    );
    assert_eq!(m.iter().count(), 3);
    assert_eq!(m.get_as::<f32>(&[2, 3]).unwrap(), 11.0);
    a.slice_mut(s![..;3]).unwrap().fill(-1.0f32).unwrap();
    a.par_apply(|x: f32| x * 2.0).unwrap();
    assert_eq!(a.to_vec::<f32>().unwrap()[..4], [-2.0, 2.0, 4.0, -2.0]);
    assert_eq!(m.typed::<f32>().unwrap()[[1, 2]], 6.0);
    let (top, bottom) = m.split_at(0, 1).unwrap();
    assert_eq!((top.shape(), bottom.shape()), (&[1, 4][..], &[2, 4][..]));
    assert!(!m.ravel().unwrap().is_owned() && m.is_c_contiguous() && m.offset() == 0);
    assert_eq!(m.as_ptr(), m.view().as_ptr());
    assert_eq!(m.insert_axis(0).unwrap().squeeze().shape(), &[3, 4]);
    assert_eq!(m.exact_chunks(&[1, 2]).unwrap().shape(), &[3, 2, 1, 2]);
    let shared = ndview::SharedView::from_array(m);
    assert_eq!(shared.max::<f32>().unwrap(), 11.0);
    assert_eq!(shared.strides(), &[16, 4]);
}

/// Every shape operation of a `SharedView` gives a `SharedView` of the same buffer whose
/// elements are those of the same operation on its `View`.
#[test]
fn shared_views_carry_the_shape_operations() {
    let data: Vec<i16> = (0..24).collect();
    let sv = ndview::SharedView::from_vec(data, &[2, 3, 4]).unwrap();
    let v = sv.view();
    type Op = fn(&ndview::SharedView) -> ndview::Result<ndview::SharedView>;
    type VOp = for<'a> fn(&View<'a>) -> ndview::Result<View<'a>>;
    let cases: Vec<(&str, Op, VOp)> = vec![
        ("transpose", |s| Ok(s.transpose()), |v| Ok(v.transpose())),
        (
            "permute",
            |s| s.permute(&[1, 0, 2]),
            |v| v.permute(&[1, 0, 2]),
        ),
        ("swap_axes", |s| s.swap_axes(0, -1), |v| v.swap_axes(0, -1)),
        ("flip", |s| s.flip(1), |v| v.flip(1)),
        (
            "reshape",
            |s| s.reshape(&[6, INFER]),
            |v| v.reshape(&[6, INFER]),
        ),
        (
            "broadcast_to",
            |s| s.broadcast_to(&[2, 2, 3, 4]),
            |v| v.broadcast_to(&[2, 2, 3, 4]),
        ),
        ("diagonal", |s| s.diagonal(0, 1, 2), |v| v.diagonal(0, 1, 2)),
        ("moveaxis", |s| s.moveaxis(0, -1), |v| v.moveaxis(0, -1)),
        ("rot90", |s| s.rot90(1, [1, 2]), |v| v.rot90(1, [1, 2])),
        ("insert_axis", |s| s.insert_axis(1), |v| v.insert_axis(1)),
        (
            "windows",
            |s| s.windows(&[1, 2, 2]),
            |v| v.windows(&[1, 2, 2]),
        ),
        (
            "exact_chunks",
            |s| s.exact_chunks(&[1, 3, 2]),
            |v| v.exact_chunks(&[1, 3, 2]),
        ),
        ("view_as", |s| s.view_as("<H"), |v| v.view_as("<H")),
        ("cast", |s| s.cast("B", None), |v| v.cast("B", None)),
    ];
    for (name, op, vop) in cases {
        let got = op(&sv).unwrap();
        assert!(!got.is_unique(), "{name} shares the buffer");
        let want = vop(&v).unwrap();
        assert_eq!(got.shape(), want.shape(), "{name}");
        assert_eq!(got.strides(), want.strides(), "{name}");
        assert_eq!(got.tolist().unwrap(), want.tolist().unwrap(), "{name}");
    }
    assert!(sv.flip(3).is_err() && sv.reshape(&[5, INFER]).is_err());
    let one = sv
        .slice_str("0:1")
        .unwrap()
        .squeeze_axis(0)
        .unwrap()
        .squeeze();
    assert_eq!(one.shape(), &[3, 4]);
    assert_eq!(sv.iter().count(), 2);
    assert_eq!(sv.typed::<i16>().unwrap()[[1, 2, 3]], 23);
}

/// A writable view reads, reduces and iterates without `as_view()` first.
#[test]
fn writable_views_carry_the_kernels() {
    let mut data: Vec<f32> = (0..12).map(|x| x as f32).collect();
    let mut vm = ViewMut::from_slice(&mut data).reshape(&[3, 4]).unwrap();
    assert_eq!(vm.sum::<f32>().unwrap(), 66.0);
    assert_eq!(vm.iter().count(), 3);
    assert_eq!(vm.lanes(-1).unwrap().count(), 3);
    assert_eq!(vm.argmax::<f32>().unwrap(), 11);
    let rows = vm.map_lanes(-1, |r: &[f32]| r[0]).unwrap();
    assert_eq!(rows.to_vec::<f32>().unwrap(), [0.0, 4.0, 8.0]);
    assert_eq!(vm.typed::<f32>().unwrap()[[2, 1]], 9.0);
    vm.fill(1.0f32).unwrap();
    assert_eq!(vm.mean::<f32>().unwrap(), 1.0);
}

#[test]
fn reshape_infers_one_axis_as_numpy() {
    let data = [0u8; 24];
    let v = View::from_bytes(&data);
    assert_eq!(v.reshape(&[2, INFER, 4]).unwrap().shape(), &[2, 3, 4]);
    assert_eq!(v.reshape(&[INFER]).unwrap().shape(), &[24]);
    assert!(matches!(v.reshape(&[INFER, INFER]), Err(Error::Shape(_))));
    assert!(matches!(v.reshape(&[5, INFER]), Err(Error::Shape(_))));
    let empty = View::from_bytes(&[]);
    assert!(
        empty.reshape(&[0, INFER]).is_err(),
        "NumPy cannot infer next to a 0"
    );
    assert_eq!(empty.reshape(&[3, INFER]).unwrap().shape(), &[3, 0]);
}

#[cfg(not(miri))]
#[test]
fn map_file_infers_the_length_as_numpy_memmap() {
    let dir = std::env::temp_dir().join(format!("ndview-everyday-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("records.bin");
    let values: Vec<i32> = (0..30).collect();
    let mut bytes = vec![9u8; 8]; // an 8-byte header
    bytes.extend(values.iter().flat_map(|v| v.to_le_bytes()));
    std::fs::write(&path, &bytes).unwrap();
    // SAFETY: this test alone touches the file.
    unsafe {
        let all = ndview::SharedView::map_file(&path, "<i", &[INFER], 8).unwrap();
        assert_eq!(all.view().to_vec::<i32>().unwrap(), values);
        let rows = ndview::SharedView::map_file(&path, "<i", &[INFER, 5], 8).unwrap();
        assert_eq!(rows.shape(), &[6, 5]);
        // 30 elements do not fill rows of 7; 34 bytes after offset 6 are not whole ints.
        assert!(matches!(
            ndview::SharedView::map_file(&path, "<i", &[INFER, 7], 8),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            ndview::SharedView::map_file(&path, "<i", &[INFER], 6),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            ndview::SharedView::map_file(&path, "<i", &[INFER], 1000),
            Err(Error::Geometry(_))
        ));
        let mut w = ndview::SharedView::map_file_mut(&path, "<i", &[INFER], 8).unwrap();
        w.make_mut().unwrap().set_as(&[29], 290i32).unwrap();
        w.flush().unwrap();
    }
    let after = std::fs::read(&path).unwrap();
    assert_eq!(after[after.len() - 4..], 290i32.to_le_bytes());
    std::fs::remove_dir_all(&dir).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// ravel copies exactly when NumPy's does (the view is not C-contiguous), always gives the
    /// C-order elements contiguously; as_standard_layout copies exactly when the view is not
    /// C-contiguous.
    #[test]
    fn ravel_copies_only_when_it_must((shape, strides, offset, len) in layout()) {
        let buf = buffer(len);
        let m = Model::new(&shape, &strides, offset as isize);
        let want = model_values(&m, &buf);
        let v = View::from_parts(&buf, "<I", &shape, &strides, offset).unwrap();
        let r = v.ravel().unwrap();
        let flat = r.view();
        prop_assert_eq!(flat.shape(), &[want.len()]);
        prop_assert_eq!(flat.to_vec::<u32>().unwrap(), want.clone());
        prop_assert_eq!(r.is_owned(), !v.is_c_contiguous());
        prop_assert!(flat.is_c_contiguous());
        if let ndview::CowArray::View(flat) = &r {
            prop_assert_eq!(flat.as_ptr(), v.as_ptr(), "a view of the same elements");
        }
        let c = v.as_standard_layout().unwrap();
        prop_assert_eq!(c.is_owned(), !v.is_c_contiguous());
        prop_assert_eq!(c.view().to_vec::<u32>().unwrap(), want);
    }

    /// Typed iteration runs from both ends: reversed it is the C-order walk reversed, and
    /// taking from both ends alternately yields every element once.
    #[test]
    fn iter_as_is_double_ended((shape, strides, offset, len) in layout(), front in 0usize..8) {
        let buf = buffer(len);
        let m = Model::new(&shape, &strides, offset as isize);
        let want = model_values(&m, &buf);
        let v = View::from_parts(&buf, "<I", &shape, &strides, offset).unwrap();
        let back: Vec<u32> = v.iter_as::<u32>().unwrap().rev().collect();
        prop_assert_eq!(back.iter().rev().copied().collect::<Vec<_>>(), want.clone());
        let mut it = v.iter_as::<u32>().unwrap();
        let (mut head, mut tail) = (Vec::new(), Vec::new());
        for k in 0.. {
            let next = if k % (front + 1) == 0 { it.next_back().map(|x| (false, x)) } else { it.next().map(|x| (true, x)) };
            match next {
                Some((true, x)) => head.push(x),
                Some((false, x)) => tail.push(x),
                None => break,
            }
            prop_assert_eq!(it.len(), want.len() - head.len() - tail.len());
        }
        head.extend(tail.into_iter().rev());
        prop_assert_eq!(head, want);
    }

    /// frombuffer's element count and errors, from NumPy's rules.
    #[test]
    fn frombuffer_follows_numpy(len in 0usize..40, itemsize in prop::sample::select(vec![1usize, 2, 4, 8]), count in prop::option::of(0usize..20), offset in 0usize..45) {
        let buf = buffer(len);
        let format = match itemsize { 1 => "B", 2 => "<H", 4 => "<I", _ => "<Q" };
        let got = View::frombuffer(&buf, format, count, offset);
        let want = if offset > len {
            None
        } else {
            match count {
                None if (len - offset) % itemsize != 0 => None,
                None => Some((len - offset) / itemsize),
                Some(n) if n * itemsize > len - offset => None,
                Some(n) => Some(n),
            }
        };
        match (got, want) {
            (Ok(v), Some(n)) => {
                prop_assert_eq!(v.shape(), &[n]);
                prop_assert_eq!(v.tobytes(ndview::Order::C).unwrap(), buf[offset..offset + n * itemsize].to_vec());
            }
            (Err(_), None) => {}
            (got, want) => prop_assert!(false, "{:?} vs {:?}", got.map(|v| v.len()), want),
        }
    }
}

#[test]
fn broadcast_arrays_share_one_shape() {
    let (a, b, c) = ([1u8, 2, 3], [4u8, 5], [6u8]);
    let a = View::from_bytes(&a);
    let b = View::from_bytes(&b).reshape(&[2, 1]).unwrap();
    let c = View::from_bytes(&c).reshape(&[1, 1, 1]).unwrap();
    let all = ndview::broadcast_arrays(&[a, b.clone(), c]).unwrap();
    for v in &all {
        assert_eq!(v.shape(), &[1, 2, 3]);
    }
    assert_eq!(
        all[1].tolist().unwrap().to_string(),
        "[[[4, 4, 4], [5, 5, 5]]]"
    );
    assert_eq!(
        ndview::broadcast_shapes(&[&[2, 1], &[1, 3], &[]]).unwrap(),
        [2, 3]
    );
    let d = [0u8; 4];
    let tall = View::from_bytes(&d).reshape(&[4, 1]).unwrap();
    let err = ndview::broadcast_arrays(&[b, tall]).unwrap_err();
    assert!(
        matches!(&err, Error::Broadcast { shapes } if shapes == &[vec![2, 1], vec![4, 1]]),
        "{err}"
    );
}

/// One error variant per kind of mistake, with payloads a caller can match.
#[test]
fn errors_carry_matchable_payloads() {
    let data: Vec<f32> = (0..6).map(|x| x as f32).collect();
    let v = View::from_slice(&data).reshape(&[2, 3]).unwrap();
    // An out-of-range axis is the same variant whichever operation finds it.
    for err in [
        v.sum_axis::<f32>(2).unwrap_err(),
        v.flip(-3).unwrap_err(),
        v.swap_axes(0, 5).unwrap_err(),
        v.permute(&[0, 2]).unwrap_err(),
        v.insert_axis(4).unwrap_err(),
        v.axis_iter(9).err().unwrap(),
        v.map_lanes(7, |xs: &[f32]| xs[0]).unwrap_err(),
    ] {
        assert!(matches!(err, Error::Axis { ndim: 2 | 3, .. }), "{err}");
        assert_eq!(err.python_type(), Some(ndview::PyErr::IndexError));
    }
    // The 64-dimension limit: one variant, one message.
    let ones = [1usize; 65];
    for err in [
        View::from_bytes(&[0]).reshape(&ones).unwrap_err(),
        Array::zeros("B", &ones).unwrap_err(),
        View::from_bytes(&[0]).broadcast_to(&ones).unwrap_err(),
    ] {
        assert!(matches!(err, Error::TooManyDims { ndim: 65 }), "{err}");
    }
    // Empty reductions name the operation; they are not cast errors.
    let empty = View::from_slice(&data[..0]);
    assert!(matches!(
        empty.min::<f32>(),
        Err(Error::EmptyReduction { op: "minimum" })
    ));
    assert!(matches!(
        empty.argmax::<f32>(),
        Err(Error::EmptyReduction { op: "argmax" })
    ));
    // The wrong element type names the format and the type asked for.
    match v.sum::<i32>() {
        Err(Error::WrongType { format, wanted, .. }) => {
            assert_eq!((format.as_str(), wanted), ("f", "i"))
        }
        other => panic!("{other:?}"),
    }
    // No double prefixes.
    let msg = v.transpose().cast("B", None).unwrap_err().to_string();
    assert_eq!(
        msg.matches("cast").count(),
        msg.matches("casts").count() + 1,
        "{msg}"
    );
}

/// NumPy's compatibility rule: a 0-d view reduces and squeezes over axis 0 or -1.
#[test]
fn zero_d_views_accept_axis_0_and_minus_1_as_numpy() {
    let x = [5i16];
    let s = View::from_slice(&x).reshape(&[]).unwrap();
    for axis in [0, -1] {
        assert_eq!(
            s.sum_axis::<i16>(axis).unwrap().get_as::<i64>(&[]).unwrap(),
            5
        );
        assert_eq!(
            s.max_axis::<i16>(axis).unwrap().get_as::<i16>(&[]).unwrap(),
            5
        );
        assert_eq!(
            s.product_axis::<i16>(axis).unwrap().shape(),
            &[] as &[usize]
        );
        assert_eq!(s.squeeze_axis(axis).unwrap().shape(), &[] as &[usize]);
    }
    assert!(matches!(
        s.sum_axis::<i16>(1),
        Err(Error::Axis { axis: 1, ndim: 0 })
    ));
}

/// Integers past isize in index text and past a format's range in values: clear errors (or
/// CPython's clamping for slice bounds), never a wrap.
#[test]
fn huge_integers_clamp_or_are_refused_as_cpython() {
    let data: Vec<u8> = (0..5).collect();
    let v = View::from_bytes(&data);
    let r = v.slice_str("::-99999999999999999999999").unwrap();
    assert_eq!(r.to_vec::<u8>().unwrap(), [4]); // Python: list(range(5))[::-10**23] == [4]
    assert_eq!(v.slice_str("2:99999999999999999999999").unwrap().len(), 3);
    let err = v.slice_str("99999999999999999999999").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Index {
                python: ndview::PyErr::IndexError,
                ..
            }
        ),
        "{err}"
    );
    let err = ndview::Format::parse("q")
        .unwrap()
        .pack(&ndview::Value::Int(i128::MAX))
        .unwrap_err();
    assert!(matches!(err, Error::Pack { .. }), "{err}");
}

/// Scalar operators take integer and float literals without annotations; the value must
/// convert exactly to the view's type.
#[test]
fn scalar_operators_take_rust_numbers() {
    let data = [1i32, 2, 3];
    let v = View::from_slice(&data);
    assert_eq!((&v + 1).unwrap().to_vec::<i32>().unwrap(), [2, 3, 4]);
    assert_eq!((&v * 2).unwrap().to_vec::<i32>().unwrap(), [2, 4, 6]);
    assert_eq!((&v - 1).unwrap().to_vec::<i32>().unwrap(), [0, 1, 2]);
    let f = [1.5f32, 2.5];
    let fv = View::from_slice(&f);
    assert_eq!((&fv * 2.0).unwrap().to_vec::<f32>().unwrap(), [3.0, 5.0]);
    let a = Array::from(vec![4.0f64, 8.0]);
    assert_eq!((&a / 4).unwrap().to_vec::<f64>().unwrap(), [1.0, 2.0]);
    let e = (&View::from_slice(&[0u8]) + 300).unwrap_err(); // 300 is no u8
    assert!(matches!(e, Error::Type(_)), "{e:?}");
}
