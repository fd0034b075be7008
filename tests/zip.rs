//! `Zip` over 1 to 6 broadcast views and `map_lanes`, against naive models built from the
//! definitions (each output element from the inputs' elements at the broadcast index).

mod model;

use model::indices;
use ndview::{Array, View, ViewMut, Zip};
use proptest::prelude::*;

const CASES: u32 = if cfg!(miri) { 3 } else { 150 };

/// A view of i32 values with `shape` in one of three layouts chosen by the seed: C order,
/// the first axis flipped, or F order (a transposed view of the reversed shape).
fn operand<'a>(data: &'a [i32], shape: &[usize], seed: u64) -> View<'a> {
    let full: usize = shape.iter().product();
    let base = View::from_slice(&data[..full]);
    match seed % 3 {
        1 if !shape.is_empty() => base.reshape(shape).unwrap().flip(0).unwrap(),
        2 => {
            let reversed: Vec<usize> = shape.iter().rev().copied().collect();
            base.reshape(&reversed).unwrap().transpose()
        }
        _ => base.reshape(shape).unwrap(),
    }
}

/// The value at a broadcast index: trailing axes aligned, length-1 axes at 0.
fn at(v: &View<'_>, ix: &[usize]) -> i32 {
    let lead = ix.len() - v.ndim();
    let own: Vec<usize> = ix[lead..]
        .iter()
        .zip(v.shape())
        .map(|(&i, &d)| if d == 1 { 0 } else { i })
        .collect();
    v.get_as::<i32>(&own).unwrap()
}

fn shapes() -> impl Strategy<Value = (Vec<usize>, Vec<u8>)> {
    // A full shape, and for each of six operands a mask of which trailing axes to keep and
    // which to set to 1.
    (
        prop::collection::vec(1usize..4, 0..4),
        prop::collection::vec(any::<u8>(), 6),
    )
}

fn operand_shape(full: &[usize], mask: u8) -> Vec<usize> {
    let drop = (mask as usize % (full.len() + 1)).min(full.len());
    full[drop..]
        .iter()
        .enumerate()
        .map(|(k, &d)| if (mask >> (k + 2)) & 1 == 1 { 1 } else { d })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn zips_of_four_and_six_broadcast_like_numpy((full, masks) in shapes(), par in any::<bool>(), seed in any::<u64>()) {
        let data: Vec<Vec<i32>> = (0..6).map(|k| (0..64).map(|i| i * (k + 2) - 7 * k).collect()).collect();
        let shp: Vec<Vec<usize>> = masks.iter().map(|&m| operand_shape(&full, m)).collect();
        let v: Vec<View<'_>> = (0..6).map(|k| operand(&data[k], &shp[k], seed >> (2 * k))).collect();
        let want_shape = ndview::broadcast_shapes(&shp.iter().map(|s| &s[..]).collect::<Vec<_>>()).unwrap();
        let f4 = |a: i32, b: i32, c: i32, d: i32| a - 2 * b + 3 * c - d;
        let z4 = Zip::from(&v[0]).and(&v[1]).and(&v[2]).and(&v[3]);
        let got4 = if par { z4.par_map_collect(f4) } else { z4.map_collect(f4) }.unwrap();
        let f6 = |a: i32, b: i32, c: i32, d: i32, e: i32, g: i16| i64::from(a) * i64::from(b) + i64::from(c) - i64::from(d) * i64::from(e) + i64::from(g);
        let v5 = v[5].astype::<i16>(ndview::Conversion::Saturating).unwrap();
        let z6 = Zip::from(&v[0]).and(&v[1]).and(&v[2]).and(&v[3]).and(&v[4]).and(v5.view());
        let got6 = if par { z6.par_map_collect(f6) } else { z6.map_collect(f6) }.unwrap();
        let want4 = ndview::broadcast_shapes(&shp[..4].iter().map(|s| &s[..]).collect::<Vec<_>>()).unwrap();
        prop_assert_eq!(got4.shape(), &want4[..]);
        prop_assert_eq!(got6.shape(), &want_shape[..]);
        for ix in indices(&want_shape) {
            let x: Vec<i32> = v.iter().map(|w| at(w, &ix)).collect();
            prop_assert_eq!(got6.get_as::<i64>(&ix).unwrap(), f6(x[0], x[1], x[2], x[3], x[4], x[5] as i16));
        }
        for ix in indices(&want4) {
            let x: Vec<i32> = v[..4].iter().map(|w| at(w, &ix)).collect();
            prop_assert_eq!(got4.get_as::<i32>(&ix).unwrap(), f4(x[0], x[1], x[2], x[3]));
        }
    }

    /// map_lanes: one value per lane, any axis and layout, against the lane read by index.
    #[test]
    fn map_lanes_sees_each_lane_in_order(full in prop::collection::vec(1usize..5, 1..4), axis in 0usize..3, flip in any::<bool>(), par in any::<bool>()) {
        let axis = axis % full.len();
        let n: usize = full.iter().product();
        let data: Vec<u16> = (0..n as u16).map(|i| i.wrapping_mul(37)).collect();
        let mut v = View::from_slice(&data).reshape(&full).unwrap();
        if flip {
            v = v.flip(axis as isize).unwrap().transpose();
        }
        let axis_now = if flip { v.ndim() - 1 - axis } else { axis };
        let f = |xs: &[u16]| xs.iter().enumerate().map(|(j, &x)| (j as u64 + 1) * u64::from(x)).sum::<u64>();
        let got = if par { v.par_map_lanes(axis_now as isize, f) } else { v.map_lanes(axis_now as isize, f) }.unwrap();
        let mut out_shape = v.shape().to_vec();
        let d = out_shape.remove(axis_now);
        prop_assert_eq!(got.shape(), &out_shape[..]);
        for ix in indices(&out_shape) {
            let lane: Vec<u16> = (0..d).map(|j| {
                let mut full_ix = ix.clone();
                full_ix.insert(axis_now, j);
                v.get_as::<u16>(&full_ix).unwrap()
            }).collect();
            prop_assert_eq!(got.get_as::<u64>(&ix).unwrap(), f(&lane));
        }
    }
}

#[test]
fn zip_into_a_view_that_is_also_an_input_reads_first() {
    // NumPy's out= aliasing: out = a + b + c with out the same memory as a, reversed.
    let mut data: Vec<i32> = (0..8).collect();
    let b = [100i32; 8];
    let c: Vec<i32> = (0..8).map(|i| i * 1000).collect();
    let before = data.clone();
    let reversed: Vec<i32> = before.iter().rev().copied().collect();
    // SAFETY: the only writes go through `out`, in the one call that is given both (the
    // documented exception of from_raw_parts).
    unsafe {
        let ptr = std::ptr::NonNull::new(data.as_mut_ptr().cast::<u8>()).unwrap();
        let f = ndview::Format::parse("i").unwrap();
        let a = View::from_raw_parts(ptr, 32, &f, &[8], &[-4], 28).unwrap();
        let mut out = ViewMut::from_raw_parts(ptr, 32, &f, &[8], &[4], 0).unwrap();
        Zip::from(&a)
            .and(View::from_slice(&b))
            .and(View::from_slice(&c))
            .map_into(&mut out, |x: i32, y: i32, z: i32| x + y + z)
            .unwrap();
    }
    let want: Vec<i32> = (0..8).map(|i| reversed[i] + 100 + c[i]).collect();
    assert_eq!(data, want);
}

#[test]
fn zip_errors_are_errors() {
    let (a, b) = ([1u8, 2, 3], [1u8, 2]);
    let z = Zip::from(View::from_bytes(&a)).and(View::from_bytes(&b));
    assert!(matches!(
        z.map_collect(|x: u8, y: u8| x + y),
        Err(ndview::Error::Broadcast { .. })
    ));
    let z = Zip::from(View::from_bytes(&a)).and(View::from_bytes(&a));
    assert!(matches!(
        z.map_collect(|x: u16, y: u8| x + u16::from(y)),
        Err(ndview::Error::WrongType { .. })
    ));
    let arr = Array::from([1u8, 2, 3]);
    assert!(
        arr.map_lanes(1, |xs: &[u8]| xs[0]).is_err(),
        "axis out of range"
    );
}
