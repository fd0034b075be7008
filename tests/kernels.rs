//! Kernels against naive references: random shapes, strides (negative, zero by broadcasting,
//! unaligned), byte orders and broadcasting, sequential and parallel.

use approx::assert_relative_eq;
use ndview::kernels::ops;
use ndview::{s, Conversion, Format, Order, Value, View, ViewMut};
use proptest::prelude::*;

const CASES: u32 = if cfg!(miri) { 3 } else { 200 };

/// Every index of `shape` in C order.
fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
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

/// The value of element `ix` of `v` as f64.
fn f(v: &View<'_>, ix: &[usize]) -> f64 {
    match v.get(ix).unwrap() {
        Value::Float(x) => x,
        Value::Int(i) => i as f64,
        Value::Bool(b) => f64::from(u8::from(b)),
        other => panic!("not a number: {other}"),
    }
}

/// A random strided layout over a buffer: a permutation of C strides with random signs and
/// gaps, so writable views built from it never overlap themselves.
#[derive(Debug, Clone)]
struct Geo {
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    len: usize,
}

fn geo(itemsize: usize) -> impl Strategy<Value = Geo> {
    (
        prop::collection::vec(1usize..6, 0..4),
        any::<u64>(),
        0usize..3,
    )
        .prop_map(move |(shape, seed, pad)| {
            let nd = shape.len();
            let mut perm: Vec<usize> = (0..nd).collect();
            let mut s = seed;
            for k in (1..nd).rev() {
                perm.swap(k, (s % (k as u64 + 1)) as usize);
                s /= 7;
            }
            // Strides by permuted C order, with a gap of `pad` bytes after each element.
            let mut strides = vec![0isize; nd];
            let mut acc = (itemsize + pad) as isize;
            for &k in perm.iter().rev() {
                strides[k] = acc;
                acc *= shape[k] as isize;
            }
            let mut offset = 0isize;
            for k in 0..nd {
                if (s >> k) & 1 == 1 {
                    strides[k] = -strides[k];
                    offset += -strides[k] * (shape[k] as isize - 1);
                }
            }
            let extent = acc.max(itemsize as isize) + 2;
            Geo {
                shape,
                strides,
                offset: offset as usize + 1, // an odd start makes elements unaligned
                len: offset as usize + extent as usize + 1,
            }
        })
}

fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Replaces NaN/huge bit patterns of f32 elements by tame values, in place.
fn tame_f32(buf: &mut [u8], fmt: &str, g: &Geo) {
    let mut v = ViewMut::from_parts(buf, fmt, &g.shape, &g.strides, g.offset).unwrap();
    v.apply(|x: f32| {
        if x.is_finite() && x.abs() < 1e6 {
            x
        } else {
            1.5
        }
    })
    .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn map_matches_the_reference(g in geo(4), fmt in prop::sample::select(&["<f", ">f", "f"][..]), seed in any::<u64>(), par in any::<bool>()) {
        let mut buf = bytes(g.len, seed);
        tame_f32(&mut buf, fmt, &g);
        let v = View::from_parts(&buf, fmt, &g.shape, &g.strides, g.offset).unwrap();
        let h = |x: f32| x * 2.0 + 1.0;
        let out = if par { v.par_map(h).unwrap() } else { v.map(h).unwrap() };
        prop_assert_eq!(out.shape(), v.shape());
        let o = out.view();
        for ix in indices(v.shape()) {
            prop_assert_eq!(f(&o, &ix), f64::from(h(f(&v, &ix) as f32)));
        }
    }

    #[test]
    fn astype_into_matches_the_reference(g in geo(2), sfmt in prop::sample::select(&["<e", ">e", "e"][..]), dfmt in prop::sample::select(&["<f", ">f", "f", "<d"][..]), seed in any::<u64>(), transposed in any::<bool>(), par in any::<bool>(), aligned in any::<bool>()) {
        // Any f16 bit pattern (NaN and infinities included) into a C- or F-ordered
        // destination of either byte order, element by element against the value read back;
        // `aligned` starts the source one byte earlier, so that native contiguous runs take
        // half's slice converter.
        let buf = bytes(g.len, seed);
        let start = g.offset - usize::from(aligned);
        let v = View::from_parts(&buf, sfmt, &g.shape, &g.strides, start).unwrap();
        let shape: Vec<usize> = if transposed { g.shape.iter().rev().copied().collect() } else { g.shape.clone() };
        let mut out = ndview::Array::zeros(dfmt, &shape).unwrap();
        {
            let mut dst = if transposed { out.view_mut().transpose() } else { out.view_mut() };
            let r = if dfmt == "<d" {
                if par { dst.par_astype_into::<f64>(&v, Conversion::Saturating) } else { dst.astype_into::<f64>(&v, Conversion::Saturating) }
            } else if par {
                dst.par_astype_into::<f32>(&v, Conversion::Saturating)
            } else {
                dst.astype_into::<f32>(&v, Conversion::Saturating)
            };
            r.unwrap();
        }
        let o = if transposed { out.view().transpose() } else { out.view() };
        for ix in indices(v.shape()) {
            let (want, got) = (f(&v, &ix), f(&o, &ix));
            prop_assert!(want == got || (want.is_nan() && got.is_nan()), "{:?}: {} vs {}", ix, want, got);
        }
    }

    #[test]
    fn zip_map_broadcasts_like_numpy(g in geo(2), seed in any::<u64>(), drop in 0usize..3, ones in any::<u8>(), par in any::<bool>()) {
        let buf = bytes(g.len, seed);
        let a = View::from_parts(&buf, ">h", &g.shape, &g.strides, g.offset).unwrap();
        // b: a's trailing axes, some set to length 1, contiguous little-endian ints.
        let bshape: Vec<usize> = g.shape.iter().skip(drop.min(g.shape.len())).enumerate()
            .map(|(k, &d)| if (ones >> k) & 1 == 1 { 1 } else { d }).collect();
        let n: usize = bshape.iter().product();
        let bdata: Vec<i32> = (0..n as i32).map(|x| x * 3 - 7).collect();
        let b = View::from_slice(&bdata).reshape(&bshape).unwrap();
        let h = |x: i16, y: i32| i64::from(x) * 2 + i64::from(y);
        let out = if par { a.par_zip_map(&b, h).unwrap() } else { a.zip_map(&b, h).unwrap() };
        prop_assert_eq!(out.shape(), a.shape());
        let o = out.view();
        for ix in indices(a.shape()) {
            let lead = ix.len() - bshape.len();
            let bix: Vec<usize> = ix[lead..].iter().zip(&bshape).map(|(&i, &d)| if d == 1 { 0 } else { i }).collect();
            let want = h(f(&a, &ix) as i16, f(&b, &bix) as i32);
            prop_assert_eq!(f(&o, &ix), want as f64);
        }
    }

    #[test]
    fn map_into_any_layout_and_zip3(g in geo(8), seed in any::<u64>(), par in any::<bool>()) {
        let src: Vec<f64> = (0..g.shape.iter().product::<usize>()).map(|i| i as f64 * 0.5).collect();
        let s = View::from_slice(&src).reshape(&g.shape).unwrap();
        let mut buf = bytes(g.len, seed);
        let before = buf.clone();
        {
            let mut out = ViewMut::from_parts(&mut buf, "<d", &g.shape, &g.strides, g.offset).unwrap();
            if par {
                out.par_map_into(&s, |x: f64| x - 1.0).unwrap();
            } else {
                out.map_into(&s, |x: f64| x - 1.0).unwrap();
            }
        }
        let out = View::from_parts(&buf, "<d", &g.shape, &g.strides, g.offset).unwrap();
        for ix in indices(&g.shape) {
            prop_assert_eq!(f(&out, &ix), f(&s, &ix) - 1.0);
        }
        // Bytes outside the view's elements are untouched.
        let mut touched = vec![false; buf.len()];
        for ix in indices(&g.shape) {
            let off = g.offset as isize + ix.iter().zip(&g.strides).map(|(&i, &st)| i as isize * st).sum::<isize>();
            for b in 0..8 { touched[(off + b) as usize] = true; }
        }
        for (i, (&x, &y)) in buf.iter().zip(&before).enumerate() {
            if !touched[i] { prop_assert_eq!(x, y); }
        }
        let t = s.zip_map3(&s, &s, |a: f64, b: f64, c: f64| a + 2.0 * b - c).unwrap();
        for ix in indices(&g.shape) {
            prop_assert_eq!(f(&t.view(), &ix), 2.0 * f(&s, &ix));
        }
    }

    #[test]
    fn apply_and_fill_touch_exactly_the_elements(g in geo(4), seed in any::<u64>(), par in any::<bool>()) {
        let mut buf = bytes(g.len, seed);
        let orig = buf.clone();
        {
            let mut v = ViewMut::from_parts(&mut buf, ">I", &g.shape, &g.strides, g.offset).unwrap();
            if par { v.par_apply(|x: u32| x.wrapping_mul(3)).unwrap() } else { v.apply(|x: u32| x.wrapping_mul(3)).unwrap() }
        }
        let a = View::from_parts(&orig, ">I", &g.shape, &g.strides, g.offset).unwrap();
        let b = View::from_parts(&buf, ">I", &g.shape, &g.strides, g.offset).unwrap();
        for ix in indices(&g.shape) {
            prop_assert_eq!(f(&b, &ix) as u32, (f(&a, &ix) as u32).wrapping_mul(3));
        }
        {
            let mut v = ViewMut::from_parts(&mut buf, ">I", &g.shape, &g.strides, g.offset).unwrap();
            if par { v.par_fill(7u32).unwrap() } else { v.fill(7u32).unwrap() }
        }
        let b = View::from_parts(&buf, ">I", &g.shape, &g.strides, g.offset).unwrap();
        prop_assert!(indices(&g.shape).iter().all(|ix| f(&b, ix) == 7.0));
    }

    #[test]
    fn reductions_match_the_reference(g in geo(4), seed in any::<u64>()) {
        let buf = bytes(g.len, seed);
        let v = View::from_parts(&buf, "<i", &g.shape, &g.strides, g.offset).unwrap();
        let vals: Vec<i64> = indices(&g.shape).iter().map(|ix| f(&v, ix) as i64).collect();
        prop_assert_eq!(v.sum::<i32>().unwrap(), vals.iter().fold(0i64, |a, &x| a.wrapping_add(x)));
        prop_assert_eq!(v.par_sum::<i32>().unwrap(), v.sum::<i32>().unwrap());
        prop_assert_eq!(v.product::<i32>().unwrap(), vals.iter().fold(1i64, |a, &x| a.wrapping_mul(x)));
        prop_assert_eq!(v.min::<i32>().ok().map(i64::from), vals.iter().copied().min());
        prop_assert_eq!(v.max::<i32>().ok().map(i64::from), vals.iter().copied().max());
        prop_assert_eq!(v.fold(0i64, |a, x: i32| a + i64::from(x)).unwrap(), vals.iter().sum::<i64>());
        for axis in 0..g.shape.len() {
            let s = v.sum_axis::<i32>(axis as isize).unwrap();
            let mut oshape = g.shape.clone();
            oshape.remove(axis);
            prop_assert_eq!(s.shape(), &oshape[..]);
            for oix in indices(&oshape) {
                let want: i64 = (0..g.shape[axis]).map(|i| {
                    let mut ix = oix.clone();
                    ix.insert(axis, i);
                    f(&v, &ix) as i64
                }).sum();
                prop_assert_eq!(f(&s.view(), &oix) as i64, want);
            }
            let m = v.max_axis::<i32>(axis as isize).unwrap();
            for oix in indices(&oshape) {
                let want = (0..g.shape[axis]).map(|i| {
                    let mut ix = oix.clone();
                    ix.insert(axis, i);
                    f(&v, &ix) as i64
                }).max().unwrap();
                prop_assert_eq!(f(&m.view(), &oix) as i64, want);
            }
        }
    }

    #[test]
    fn copies_of_transposed_and_reversed_views_match_the_gather(rows in 1usize..if cfg!(miri) { 12 } else { 300 }, cols in 1usize..if cfg!(miri) { 12 } else { 300 }, is in prop::sample::select(&[1usize, 2, 3, 4, 8][..]), seed in any::<u64>(), par in any::<bool>()) {
        let buf = bytes(rows * cols * is, seed);
        let fmt = format!("{is}s");
        let v = View::from_parts(&buf, &fmt, &[rows, cols], &[(cols * is) as isize, is as isize], 0).unwrap();
        for w in [v.transpose(), v.slice_str("::-1, ::-1").unwrap(), v.slice_str("::2, ::-3").unwrap().transpose()] {
            let got = if par { w.par_tobytes(Order::C).unwrap() } else { w.tobytes(Order::C).unwrap() };
            let want: Vec<u8> = indices(w.shape()).iter().flat_map(|ix| {
                let off = w.offset() + ix.iter().zip(w.strides()).map(|(&i, &s)| i as isize * s).sum::<isize>();
                buf[off as usize..off as usize + is].to_vec()
            }).collect();
            prop_assert_eq!(got, want);
        }
    }

    /// Kernels whose inputs are transposed, flipped or strided against the output, large
    /// enough to be walked in tiles (and, for 4- and 8-byte inputs adjacent along the other
    /// axis, staged through the SIMD transpose): every output element is `f` of the gathered
    /// inputs, in any byte order and alignment, sequential or parallel, and nothing else of the
    /// output buffer changes.
    #[test]
    fn kernels_over_transposed_inputs_match_the_gather(rows in 1usize..if cfg!(miri) { 12 } else { 300 }, cols in 1usize..if cfg!(miri) { 12 } else { 300 }, (fa, fb) in prop::sample::select(&[("f", "f"), ("<f", ">f"), (">f", "<f"), ("d", ">d"), (">d", "<d"), ("i", "q"), (">i", "<q"), ("<h", "f"), (">h", ">f"), ("d", "f"), (">d", ">f")][..]), shift in 0usize..2, view in 0usize..4, par in any::<bool>(), seed in any::<u64>()) {
        let (ia, ib) = (Format::parse(fa).unwrap().itemsize(), Format::parse(fb).unwrap().itemsize());
        let mut abuf = bytes(rows * cols * ia + shift, seed);
        let mut bbuf = bytes(rows * cols * ib + shift, seed ^ 0x5555);
        // Tame the values so the sum is exact in f64 whatever the bit patterns were.
        for (buf, fmt, is) in [(&mut abuf, fa, ia), (&mut bbuf, fb, ib)] {
            let mut m = ViewMut::from_parts(&mut buf[..], fmt, &[rows * cols], &[is as isize], shift).unwrap();
            for k in 0..rows * cols {
                let x = (k % 251) as i128 - 100;
                m.set(&[k], &if fmt.ends_with('f') || fmt.ends_with('d') { Value::Float(x as f64) } else { Value::Int(x) }).unwrap();
            }
        }
        let a = View::from_parts(&abuf, fa, &[rows, cols], &[(cols * ia) as isize, ia as isize], shift).unwrap();
        let b = View::from_parts(&bbuf, fb, &[cols, rows], &[(rows * ib) as isize, ib as isize], shift).unwrap();
        // a: rows x cols; b.T: rows x cols, transposed in memory; then the variations.
        let (a, bt) = match view {
            0 => (a, b.transpose()),
            1 => (a.transpose(), b), // the output follows a.T, so a is the transposed one
            2 => (a.slice_str("::-1, :").unwrap(), b.transpose().slice_str(":, ::-1").unwrap()),
            _ => (a.slice_str("::2, ::3").unwrap(), b.transpose().slice_str("::2, ::3").unwrap()),
        };
        let shape = a.shape().to_vec();
        let n: usize = shape.iter().product();
        let mut out_buf = vec![0xA5u8; n * 8 + 16];
        {
            let mut out = ViewMut::from_parts(&mut out_buf, "<d", &shape, &c_strides(&shape, 8), 8).unwrap();
            macro_rules! zip {
                ($A:ty, $B:ty) => {{
                    let add = |x: $A, y: $B| x as f64 + 2.0 * y as f64;
                    if par { out.par_zip_map_into(&a, &bt, add) } else { out.zip_map_into(&a, &bt, add) }
                }};
            }
            let code = |f: &str| f.chars().last().unwrap();
            // One instantiation per pair of element types (byte orders vary at run time).
            match (code(fa), code(fb)) {
                ('f', 'f') => zip!(f32, f32),
                ('d', 'd') => zip!(f64, f64),
                ('i', 'q') => zip!(i32, i64),
                ('h', 'f') => zip!(i16, f32),
                ('d', 'f') => zip!(f64, f32),
                other => unreachable!("no case for {other:?}"),
            }
            .unwrap();
        }
        let out = View::from_parts(&out_buf, "<d", &shape, &c_strides(&shape, 8), 8).unwrap();
        for ix in indices(&shape) {
            prop_assert_eq!(f(&out, &ix), f(&a, &ix) + 2.0 * f(&bt, &ix));
        }
        prop_assert!(out_buf[..8].iter().chain(&out_buf[8 + n * 8..]).all(|&x| x == 0xA5));
    }

    /// Pixel-like layouts (a short contiguous channel axis under flipped, transposed or
    /// strided pixel axes), which the copy widens into multi-byte elements: tobytes and
    /// copy_from still move exactly the gathered bytes.
    #[test]
    fn copies_of_pixel_layouts_match_the_gather(h in 1usize..if cfg!(miri) { 6 } else { 40 }, w in 1usize..if cfg!(miri) { 6 } else { 40 }, c in 1usize..6, fmt in prop::sample::select(&["B", "<h", "f", "d"][..]), op in 0usize..5, par in any::<bool>(), seed in any::<u64>()) {
        let is = Format::parse(fmt).unwrap().itemsize();
        let buf = bytes(h * w * c * is, seed);
        let v = View::from_parts(&buf, fmt, &[h, w, c], &[(w * c * is) as isize, (c * is) as isize, is as isize], 0).unwrap();
        let v = match op {
            0 => v.slice_str(":, ::-1").unwrap(),
            1 => v.slice_str("::-1").unwrap(),
            2 => v.permute(&[1, 0, 2]).unwrap().flip(1).unwrap(),
            3 => v.slice_str("::2, 1::3").unwrap(),
            _ => v.permute(&[1, 0, 2]).unwrap(),
        };
        let want: Vec<u8> = indices(v.shape()).iter().flat_map(|ix| {
            let off = v.offset() + ix.iter().zip(v.strides()).map(|(&i, &s)| i as isize * s).sum::<isize>();
            buf[off as usize..off as usize + is].to_vec()
        }).collect();
        let got = if par { v.par_tobytes(Order::C).unwrap() } else { v.tobytes(Order::C).unwrap() };
        prop_assert_eq!(&got, &want);
        // The other direction: a strided destination, a contiguous source.
        let mut out = vec![0u8; buf.len()];
        let src = View::from_parts(&want, fmt, v.shape(), &c_strides(v.shape(), is), 0).unwrap();
        let mut dst = ViewMut::from_parts(&mut out, fmt, v.shape(), v.strides(), v.offset() as usize).unwrap();
        dst.copy_from(&src).unwrap();
        let back = View::from_parts(&out, fmt, v.shape(), v.strides(), v.offset() as usize).unwrap();
        prop_assert_eq!(back.tobytes(Order::C).unwrap(), want);
    }
}

fn c_strides(shape: &[usize], is: usize) -> Vec<isize> {
    let mut s = vec![0isize; shape.len()];
    let mut acc = is as isize;
    for k in (0..shape.len()).rev() {
        s[k] = acc;
        acc *= shape[k].max(1) as isize;
    }
    s
}

#[test]
fn overlapping_inputs_give_numpys_answer() {
    // out = a[1:] <- a[:-1] * 10 + a[1:] on one buffer, as NumPy computes it.
    let mut data: Vec<i32> = (1..=8).collect();
    let orig = data.clone();
    let ptr = std::ptr::NonNull::new(data.as_mut_ptr().cast::<u8>()).unwrap();
    let fmt = Format::parse("i").unwrap();
    // SAFETY: all views cover `data` (32 bytes), which outlives them; they are used on this
    // thread only, and the kernel detects the overlap and reads a copy.
    unsafe {
        let head = View::from_raw_parts(ptr, 32, &fmt, &[7], &[4], 0).unwrap();
        let tail = View::from_raw_parts(ptr, 32, &fmt, &[7], &[4], 4).unwrap();
        let mut out = ViewMut::from_raw_parts(ptr, 32, &fmt, &[7], &[4], 4).unwrap();
        out.zip_map_into(&head, &tail, |x: i32, y: i32| x * 10 + y)
            .unwrap();
    }
    let want: Vec<i32> = std::iter::once(orig[0])
        .chain((1..8).map(|i| orig[i - 1] * 10 + orig[i]))
        .collect();
    assert_eq!(data, want);
    // Reversal in place: a[:] = a[::-1].
    let n = if cfg!(miri) { 100 } else { 1000 };
    let mut data: Vec<f32> = (0..n).map(|x| x as f32).collect();
    let ptr = std::ptr::NonNull::new(data.as_mut_ptr().cast::<u8>()).unwrap();
    let fmt = Format::parse("f").unwrap();
    let (bytes, last) = (4 * n, 4 * n as isize - 4);
    // SAFETY: as above.
    unsafe {
        let rev = View::from_raw_parts(ptr, bytes, &fmt, &[n], &[-4], last as usize).unwrap();
        let mut out = ViewMut::from_raw_parts(ptr, bytes, &fmt, &[n], &[4], 0).unwrap();
        out.par_map_into(&rev, |x: f32| x).unwrap();
    }
    assert!(data
        .iter()
        .enumerate()
        .all(|(i, &x)| x == (n - 1 - i) as f32));
}

#[test]
fn astype_converts_every_pair_like_rust_casts() {
    let ints: Vec<i64> = vec![-300, -129, -1, 0, 1, 127, 128, 255, 256, 70000, i64::MAX];
    let v = View::from_slice(&ints);
    let to_u8 = v.astype::<u8>(Conversion::Saturating).unwrap();
    assert_eq!(
        to_u8.as_slice::<u8>().unwrap(),
        &[0, 0, 0, 0, 1, 127, 128, 255, 255, 255, 255]
    );
    let to_i8 = v.astype::<i8>(Conversion::Saturating).unwrap();
    assert_eq!(
        to_i8.as_slice::<i8>().unwrap(),
        &[-128, -128, -1, 0, 1, 127, 127, 127, 127, 127, 127]
    );
    assert!(v.astype::<u8>(Conversion::Checked).is_err());
    let small = View::from_slice(&ints[2..6]);
    assert_eq!(
        small
            .astype::<i16>(Conversion::Checked)
            .unwrap()
            .as_slice::<i16>()
            .unwrap(),
        &[-1, 0, 1, 127]
    );
    let floats = [f64::NAN, -1.5, 2.7, 1e300, f64::INFINITY];
    let fv = View::from_slice(&floats);
    assert_eq!(
        fv.astype::<i32>(Conversion::Saturating)
            .unwrap()
            .as_slice::<i32>()
            .unwrap(),
        &[0, -1, 2, i32::MAX, i32::MAX]
    );
    let f32s = fv.astype::<f32>(Conversion::Saturating).unwrap();
    assert!(f32s.as_slice::<f32>().unwrap()[3].is_infinite());
    assert!(fv
        .slice_str("1:4")
        .unwrap()
        .astype::<f32>(Conversion::Checked)
        .is_err()); // 1e300 overflows
    assert!(fv
        .slice_str("1:3")
        .unwrap()
        .astype::<f32>(Conversion::Checked)
        .is_ok());
    // f16 <-> f32 through the vectorised slice path, strided and big-endian through the rest.
    let halves: Vec<half::f16> = (0..100)
        .map(|i| half::f16::from_f32(i as f32 * 0.25))
        .collect();
    let hv = View::from_slice(&halves);
    let f = hv.astype::<f32>(Conversion::Saturating).unwrap();
    assert_eq!(f.as_slice::<f32>().unwrap()[99], 24.75);
    let strided = hv
        .slice_str("::-3")
        .unwrap()
        .astype::<f32>(Conversion::Checked)
        .unwrap();
    assert_eq!(strided.as_slice::<f32>().unwrap()[0], 24.75);
    let back = f
        .view()
        .astype::<half::f16>(Conversion::Saturating)
        .unwrap();
    assert_eq!(back.as_slice::<half::f16>().unwrap(), &halves[..]);
    let raw: Vec<u8> = halves.iter().flat_map(|h| h.to_be_bytes()).collect();
    let be = View::from_parts(&raw, ">e", &[100], &[2], 0).unwrap();
    assert_eq!(
        be.par_astype::<f64>(Conversion::Checked)
            .unwrap()
            .as_slice::<f64>()
            .unwrap()[7],
        1.75
    );
    // Complex views have no real conversion.
    let z = [0u8; 16];
    assert!(View::from_parts(&z, "Zd", &[1], &[16], 0)
        .unwrap()
        .astype::<f64>(Conversion::Saturating)
        .is_err());
}

#[test]
fn float_reductions_are_accurate_and_nan_aware() {
    let data: Vec<f32> = (0..if cfg!(miri) { 600 } else { 100_000 })
        .map(|i| 0.1 + (i % 7) as f32)
        .collect();
    let v = View::from_slice(&data);
    let exact: f64 = data.iter().map(|&x| f64::from(x)).sum();
    assert_relative_eq!(
        f64::from(v.sum::<f32>().unwrap()),
        exact,
        max_relative = 1e-6
    );
    assert_relative_eq!(
        f64::from(v.slice_str("::-3").unwrap().sum::<f32>().unwrap()),
        data.iter()
            .rev()
            .step_by(3)
            .map(|&x| f64::from(x))
            .sum::<f64>(),
        max_relative = 1e-6
    );
    let with_nan = [1.0f64, f64::NAN, -3.0];
    let n = View::from_slice(&with_nan);
    assert!(n.min::<f64>().unwrap().is_nan() && n.max::<f64>().unwrap().is_nan());
    assert!(n.sum::<f64>().unwrap().is_nan());
    assert_eq!(
        View::from_slice(&[2.0f64, -3.0]).product::<f64>().unwrap(),
        -6.0
    );
    let empty: [f32; 0] = [];
    assert_eq!(View::from_slice(&empty).sum::<f32>().unwrap(), 0.0);
    assert!(View::from_slice(&empty).min::<f32>().is_err());
    let flags = [true, false, true];
    assert_eq!(View::from_slice(&flags).sum::<bool>().unwrap(), 2);
    let halves = [half::f16::from_f32(1.5); 4];
    assert_eq!(
        View::from_slice(&halves).sum::<half::f16>().unwrap(),
        6.0f32
    );
}

#[test]
fn parallel_results_are_bit_identical_whatever_the_thread_count() {
    let n: usize = if cfg!(miri) { 2_000 } else { 1_500_000 };
    let data: Vec<f32> = (0..n)
        .map(|i| ((i * 7919) % 1000) as f32 * 1e-3 + 1e-7 * i as f32)
        .collect();
    let v = View::from_slice(&data).reshape(&[n / 500, 500]).unwrap();
    let views = [v.clone(), v.transpose(), v.slice_str("::-1, 1::2").unwrap()];
    for w in &views {
        let seq = w.sum::<f32>().unwrap();
        let seq_axis = w.sum_axis::<f32>(0).unwrap();
        let seq_fold = w
            .par_fold(0.0f64, |a, x: f32| a + f64::from(x), |a, b| a + b)
            .unwrap();
        let counts: &[usize] = if cfg!(miri) {
            &[1, 3]
        } else {
            &[1, 2, 3, 4, 7]
        };
        for &threads in counts {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                assert_eq!(
                    w.par_sum::<f32>().unwrap().to_bits(),
                    seq.to_bits(),
                    "{threads} threads"
                );
                assert_eq!(
                    w.par_sum_axis::<f32>(0).unwrap().as_bytes(),
                    seq_axis.as_bytes()
                );
                let fold = w
                    .par_fold(0.0f64, |a, x: f32| a + f64::from(x), |a, b| a + b)
                    .unwrap();
                assert_eq!(fold.to_bits(), seq_fold.to_bits());
                let m = w.par_map(|x: f32| x * 3.0).unwrap();
                assert_eq!(m.as_bytes(), w.map(|x: f32| x * 3.0).unwrap().as_bytes());
            });
        }
    }
}

#[test]
fn allclose_and_approx_traits() {
    let a = [1.0f64, 2.0, f64::INFINITY];
    let b = [1.0f32, 2.0001, f32::INFINITY];
    let (va, vb) = (View::from_slice(&a), View::from_slice(&b));
    assert!(va.allclose(&vb, 1e-3, 0.0).unwrap());
    assert!(!va.allclose(&vb, 1e-6, 0.0).unwrap());
    let row = [1.0f64];
    assert!(View::from_slice(&row)
        .broadcast_to(&[3])
        .unwrap()
        .allclose(View::from_slice(&[1.0f32; 3]), 0.0, 0.0)
        .unwrap());
    let nan = [f64::NAN];
    assert!(!View::from_slice(&nan)
        .allclose(View::from_slice(&nan), 1.0, 1.0)
        .unwrap());
    let c = [1.0f64, 2.0];
    let d = [1.0f64, f64::from_bits(2.0f64.to_bits() + 1)]; // one unit in the last place
    approx::assert_relative_eq!(View::from_slice(&c), View::from_slice(&d));
    approx::assert_abs_diff_eq!(View::from_slice(&c), View::from_slice(&d), epsilon = 1e-12);
    approx::assert_ulps_eq!(View::from_slice(&c), View::from_slice(&d), max_ulps = 8);
    approx::assert_abs_diff_ne!(View::from_slice(&c), View::from_slice(&[1.0f64, 2.1]));
    assert!(View::from_slice(&c)
        .allclose(View::from_slice(&[1.0f64; 3]), 1.0, 1.0)
        .is_err());
}

#[test]
fn arithmetic_dispatches_on_the_runtime_format() {
    let a: Vec<i16> = vec![1, 2, 3, i16::MAX];
    let b: Vec<i16> = vec![10, 20, 30, 1];
    let (va, vb) = (View::from_slice(&a), View::from_slice(&b));
    assert_eq!(
        ops::add(&va, &vb).unwrap().as_slice::<i16>().unwrap(),
        &[11, 22, 33, i16::MIN]
    );
    assert_eq!(
        ops::sub(&vb, &va).unwrap().as_slice::<i16>().unwrap(),
        &[9, 18, 27, i16::MIN + 2]
    );
    assert_eq!(
        ops::par_mul(&va, &vb).unwrap().as_slice::<i16>().unwrap(),
        &[10, 40, 90, i16::MAX]
    );
    assert_eq!(
        ops::div(&vb, &va).unwrap().as_slice::<f64>().unwrap()[0],
        10.0
    );
    assert_eq!(
        ops::mul_scalar(&va, 2.0)
            .unwrap()
            .as_slice::<i16>()
            .unwrap()[2],
        6
    );
    assert!(ops::add_scalar(&va, 0.5).is_err()); // not exactly an i16
    let big: Vec<u8> = [1u8, 0, 2, 0].to_vec();
    let be = View::from_parts(&big, ">h", &[2], &[2], 0).unwrap();
    let le = View::from_parts(&big, "<h", &[2], &[2], 0).unwrap();
    assert_eq!(
        ops::add(&be, &le).unwrap().as_slice::<i16>().unwrap(),
        &[256 + 1, 512 + 2]
    );
    let f = [1.5f32, 2.5];
    assert!(ops::add(va.slice_str(":2").unwrap(), View::from_slice(&f)).is_err()); // no promotion
    assert!(ops::sub(View::from_slice(&[true]), View::from_slice(&[false])).is_err());
    let col = [100i16, 200];
    let c = View::from_slice(&col).reshape(&[2, 1]).unwrap();
    assert_eq!(ops::add(&va, &c).unwrap().shape(), &[2, 4]);
}

/// sum_axis along the fastest axis is pairwise per lane (issue 13): NumPy's accuracy, where a
/// naive running sum of 2^24 copies of 0.1f32 drifts to 1935089.
#[test]
fn sum_axis_along_the_fastest_axis_is_pairwise() {
    let n = if cfg!(miri) { 1 << 10 } else { 1 << 24 };
    let data = vec![0.1f32; 2 * n];
    let v = View::from_slice(&data).reshape(&[2, n]).unwrap();
    let sums = v.sum_axis::<f32>(-1).unwrap();
    let exact = 0.1f64 * n as f64;
    for &s in sums.as_slice::<f32>().unwrap() {
        assert!(((s as f64 - exact) / exact).abs() < 1e-6, "{s} vs {exact}");
    }
    // The same lanes reversed, transposed or strided sum to the same totals, in parallel too.
    let t = v.transpose();
    let par = t.par_sum_axis::<f32>(0).unwrap();
    assert_eq!(
        par.as_slice::<f32>().unwrap(),
        sums.as_slice::<f32>().unwrap()
    );
}

/// Parallel and sequential axis sums are bit-identical on every layout, and equal a model
/// that sums each lane pairwise (fastest axis) or in index order (other axes) within rounding.
#[test]
fn axis_sums_are_bit_identical_in_parallel() {
    let (r, c) = if cfg!(miri) { (6, 40) } else { (96, 700) };
    let data: Vec<f32> = (0..r * c)
        .map(|i| ((i * 7919) % 1000) as f32 * 0.001 + 0.1)
        .collect();
    let v = View::from_slice(&data).reshape(&[r, c]).unwrap();
    let layouts = [
        v.clone(),
        v.transpose(),
        v.slice(s![..;-1, 1..;3]).unwrap(),
        v.slice(s![.., ..;-2]).unwrap().transpose(),
    ];
    for w in &layouts {
        for axis in [0isize, 1, -1] {
            let a = w.sum_axis::<f32>(axis).unwrap();
            let b = w.par_sum_axis::<f32>(axis).unwrap();
            let (a, b) = (a.as_slice::<f32>().unwrap(), b.as_slice::<f32>().unwrap());
            assert_eq!(a, b, "axis {axis} of {:?}", w.strides());
            // Model: f64 sums of each lane.
            let ax = if axis < 0 { 1 } else { axis as usize };
            let other = 1 - ax;
            for (k, &got) in a.iter().enumerate() {
                let want: f64 = (0..w.shape()[ax])
                    .map(|j| {
                        let mut idx = [0usize; 2];
                        idx[ax] = j;
                        idx[other] = k;
                        w.get_as::<f32>(&idx).unwrap() as f64
                    })
                    .sum();
                assert!(((got as f64 - want) / want).abs() < 1e-5, "{got} vs {want}");
            }
        }
    }
}

/// Two f32 results are the same: equal bits, except that any NaN equals any NaN (the sign and
/// payload of a NaN produced by arithmetic are not specified by IEEE 754, and Miri picks them
/// at random).
fn same_f32(a: &ndview::Array, b: &ndview::Array) {
    let (x, y) = (a.to_vec::<f32>().unwrap(), b.to_vec::<f32>().unwrap());
    assert_eq!(a.shape(), b.shape());
    for (i, (p, q)) in x.iter().zip(&y).enumerate() {
        assert!(
            p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()),
            "element {i}: {p} vs {q}"
        );
    }
}

/// Every `par_` twin added for the axis reductions, `allclose`, `fill_value` and `copy_from`
/// gives exactly the sequential result, on several layouts and thread counts (sizes past the
/// parallel threshold, NaN included so that NaN propagation is exercised).
#[test]
fn par_twins_match_sequential() {
    let (r, c) = if cfg!(miri) { (5, 24) } else { (400, 700) };
    let mut data: Vec<f32> = (0..r * c)
        .map(|i| ((i * 7919) % 1013) as f32 * 0.001 - 0.4)
        .collect();
    data[c + 3] = f32::NAN;
    let v = View::from_slice(&data).reshape(&[r, c]).unwrap();
    let layouts = [v.clone(), v.transpose(), v.slice(s![..;-1, 1..;3]).unwrap()];
    // Under Miri one pool: every parallel call wakes spinning workers, which it interprets.
    let counts: &[usize] = if cfg!(miri) { &[3] } else { &[1, 2, 5] };
    // One pool per thread count for all layouts (starting pools dominates under Miri).
    let pools: Vec<rayon::ThreadPool> = counts
        .iter()
        .map(|&threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
        })
        .collect();
    for w in &layouts {
        let near = w.map(|x: f32| x + 1e-7).unwrap();
        let far = w.map(|x: f32| if x > 0.3 { x + 1.0 } else { x }).unwrap();
        let seq = (
            [0isize, 1].map(|ax| {
                (
                    w.product_axis::<f32>(ax).unwrap(),
                    w.min_axis::<f32>(ax).unwrap(),
                    w.max_axis::<f32>(ax).unwrap(),
                )
            }),
            w.allclose(&near, 1e-5, 1e-6).unwrap(),
            w.allclose(&far, 1e-5, 1e-6).unwrap(),
        );
        for pool in &pools {
            pool.install(|| {
                for (k, ax) in [0isize, 1].into_iter().enumerate() {
                    let (p, lo, hi) = &seq.0[k];
                    same_f32(&w.par_product_axis::<f32>(ax).unwrap(), p);
                    same_f32(&w.par_min_axis::<f32>(ax).unwrap(), lo);
                    same_f32(&w.par_max_axis::<f32>(ax).unwrap(), hi);
                }
                // NaN is never close, so compare against a NaN-free pair as well.
                assert_eq!(w.par_allclose(&near, 1e-5, 1e-6).unwrap(), seq.1);
                assert_eq!(w.par_allclose(&far, 1e-5, 1e-6).unwrap(), seq.2);
                let clean = near.map(|x: f32| if x.is_nan() { 0.0 } else { x }).unwrap();
                assert!(clean.par_allclose(&clean, 0.0, 0.0).unwrap());
                assert!(!clean
                    .par_allclose(clean.map(|x: f32| x + 1.0).unwrap().view(), 1e-9, 0.0)
                    .unwrap());
                // par_copy_from and par_fill_value into a strided destination.
                let mut a = ndview::Array::zeros("f", &[c, r]).unwrap();
                let mut b = ndview::Array::zeros("f", &[c, r]).unwrap();
                let t = v.transpose();
                a.slice_mut(s![..;-1]).unwrap().par_copy_from(&t).unwrap();
                b.slice_mut(s![..;-1]).unwrap().copy_from(&t).unwrap();
                assert_eq!(a.as_bytes(), b.as_bytes());
                a.par_fill_value(&Value::Float(2.5)).unwrap();
                b.fill_value(&Value::Float(2.5)).unwrap();
                assert_eq!(a.as_bytes(), b.as_bytes());
                assert!(a.to_vec::<f32>().unwrap().iter().all(|&x| x == 2.5));
            });
        }
    }
    // An overlapping par_copy_from reads the whole source first, as copy_from does:
    // a[:] = a[::-1] on one buffer, large enough to split.
    let n = if cfg!(miri) { 64 } else { 600_000 };
    let mut buf: Vec<i32> = (0..n as i32).collect();
    let want: Vec<i32> = buf.iter().rev().copied().collect();
    let f = Format::parse("i").unwrap();
    let ptr = std::ptr::NonNull::new(buf.as_mut_ptr().cast::<u8>()).unwrap();
    let bytes = 4 * n;
    // SAFETY: both views cover `buf` (`bytes` bytes), which outlives them; par_copy_from reads
    // the whole source before any thread writes.
    unsafe {
        let src = View::from_raw_parts(ptr, bytes, &f, &[n], &[-4], bytes - 4).unwrap();
        let mut dst = ViewMut::from_raw_parts(ptr, bytes, &f, &[n], &[4], 0).unwrap();
        dst.par_copy_from(&src).unwrap();
    }
    assert_eq!(buf, want);
}

/// `astype_into` writes what `astype` returns, into any destination layout (transposed,
/// reversed, big-endian), broadcasting the source; overlapping sources are read first; checked
/// conversions fail as `astype` does; the destination's format must hold the target type.
#[test]
fn astype_into_matches_astype() {
    let (r, c) = if cfg!(miri) { (3, 5) } else { (37, 61) };
    let halves: Vec<half::f16> = (0..r * c)
        .map(|i| half::f16::from_f32((i as f32 - 300.0) * 0.37))
        .collect();
    let floats: Vec<f32> = halves.iter().map(|h| h.to_f32() * 1.7).collect();
    let ints: Vec<i32> = (0..r * c).map(|i| (i as i32 - 200) * 3).collect();
    let srcs = [
        View::from_slice(&halves).reshape(&[r, c]).unwrap(),
        View::from_slice(&floats).reshape(&[r, c]).unwrap(),
        View::from_slice(&ints).reshape(&[r, c]).unwrap(),
    ];
    fn check<U: ndview::CastFromAll + PartialEq + std::fmt::Debug>(
        src: &View<'_>,
        fmts: [&str; 2],
    ) {
        let want = src.astype::<U>(Conversion::Saturating).unwrap();
        for fmt in fmts {
            // Transposed storage, a reversed axis, and the parallel form.
            let mut store = ndview::Array::zeros(fmt, &[src.shape()[1], src.shape()[0]]).unwrap();
            let mut dst = store.view_mut().transpose();
            dst.astype_into::<U>(src, Conversion::Saturating).unwrap();
            assert_eq!(
                store.view().transpose().to_vec::<U>().unwrap(),
                want.to_vec::<U>().unwrap()
            );
            let mut rev = ndview::Array::zeros(fmt, src.shape()).unwrap();
            rev.slice_mut(s![.., ..;-1])
                .unwrap()
                .par_astype_into::<U>(&src.slice(s![.., ..;-1]).unwrap(), Conversion::Saturating)
                .unwrap();
            assert_eq!(rev.to_vec::<U>().unwrap(), want.to_vec::<U>().unwrap());
        }
        // Broadcasting one row down the destination.
        let row = src.slice(s![0..1, ..]).unwrap();
        let mut b = ndview::Array::zeros(fmts[0], src.shape()).unwrap();
        b.astype_into::<U>(&row, Conversion::Saturating).unwrap();
        let first = row
            .astype::<U>(Conversion::Saturating)
            .unwrap()
            .to_vec::<U>()
            .unwrap();
        for chunk in b.to_vec::<U>().unwrap().chunks(src.shape()[1]) {
            assert_eq!(chunk, &first[..]);
        }
    }
    for src in &srcs {
        check::<f32>(src, ["f", ">f"]);
        check::<f64>(src, ["d", ">d"]);
        check::<half::f16>(src, ["e", ">e"]);
        check::<i16>(src, ["h", ">h"]);
        check::<u8>(src, ["B", "B"]);
    }
    // The destination's format must hold the type; checked conversions report values that
    // do not fit.
    let mut wrong = ndview::Array::zeros("d", &[r, c]).unwrap();
    assert!(wrong
        .astype_into::<f32>(&srcs[0], Conversion::Saturating)
        .is_err());
    let mut small = ndview::Array::zeros("b", &[r, c]).unwrap();
    assert!(small
        .astype_into::<i8>(&srcs[2], Conversion::Checked)
        .is_err());
    // Over the same buffer: f32 -> f16 into the first half of the f32 bytes (each f16
    // written over bytes a later f32 is still to be read from), f16 -> f32 back the other
    // way, and i32 -> f32 element for element in place, reversed.
    let n = r * c;
    let mut buf: Vec<f32> = floats.clone();
    let ptr = std::ptr::NonNull::new(buf.as_mut_ptr().cast::<u8>()).unwrap();
    let (ff, fe) = (Format::parse("f").unwrap(), Format::parse("e").unwrap());
    let want_h: Vec<half::f16> = floats.iter().map(|&x| half::f16::from_f32(x)).collect();
    // SAFETY: every view covers `buf` (4n bytes), which outlives them; astype_into reads an
    // overlapping source from a private copy before writing.
    unsafe {
        let src = View::from_raw_parts(ptr, 4 * n, &ff, &[n], &[4], 0).unwrap();
        let mut dst = ViewMut::from_raw_parts(ptr, 4 * n, &fe, &[n], &[2], 0).unwrap();
        dst.astype_into::<half::f16>(&src, Conversion::Saturating)
            .unwrap();
        assert_eq!(dst.as_view().to_vec::<half::f16>().unwrap(), want_h);
        let src = View::from_raw_parts(ptr, 4 * n, &fe, &[n], &[2], 0).unwrap();
        let mut dst = ViewMut::from_raw_parts(ptr, 4 * n, &ff, &[n], &[4], 0).unwrap();
        dst.par_astype_into::<f32>(&src, Conversion::Saturating)
            .unwrap();
    }
    let back: Vec<f32> = want_h.iter().map(|h| h.to_f32()).collect();
    assert_eq!(buf, back);
    let mut ibuf = ints.clone();
    let ptr = std::ptr::NonNull::new(ibuf.as_mut_ptr().cast::<u8>()).unwrap();
    let fi = Format::parse("i").unwrap();
    // SAFETY: as above, over `ibuf`.
    unsafe {
        let src = View::from_raw_parts(ptr, 4 * n, &fi, &[n], &[-4], 4 * n - 4).unwrap();
        let mut dst = ViewMut::from_raw_parts(ptr, 4 * n, &ff, &[n], &[4], 0).unwrap();
        dst.astype_into::<f32>(&src, Conversion::Saturating)
            .unwrap();
    }
    let got: Vec<f32> = ibuf.iter().map(|&x| f32::from_bits(x as u32)).collect();
    let want: Vec<f32> = ints.iter().rev().map(|&x| x as f32).collect();
    assert_eq!(got, want);
}

/// copy_from over one buffer: a view onto itself changes nothing, interleaved views that share
/// no byte copy directly, and a reversed view of the same elements is read first.
#[test]
fn copy_from_follows_the_overlap_policy() {
    let n = if cfg!(miri) { 16 } else { 4096 };
    let f = Format::parse("i").unwrap();
    for par in [false, true] {
        let mut buf: Vec<i32> = (0..n as i32).collect();
        let ptr = std::ptr::NonNull::new(buf.as_mut_ptr().cast::<u8>()).unwrap();
        let bytes = 4 * n;
        // SAFETY: every view covers `buf`, which outlives them; copy_from classifies how the
        // source aliases the destination before writing.
        unsafe {
            let copy = |dst: &mut ViewMut<'_>, src: &View<'_>| {
                if par {
                    dst.par_copy_from(src).unwrap()
                } else {
                    dst.copy_from(src).unwrap()
                }
            };
            let same = View::from_raw_parts(ptr, bytes, &f, &[n], &[4], 0).unwrap();
            let mut dst = ViewMut::from_raw_parts(ptr, bytes, &f, &[n], &[4], 0).unwrap();
            copy(&mut dst, &same);
            let even = View::from_raw_parts(ptr, bytes, &f, &[n / 2], &[8], 0).unwrap();
            let mut odd = ViewMut::from_raw_parts(ptr, bytes, &f, &[n / 2], &[8], 4).unwrap();
            copy(&mut odd, &even);
            let rev = View::from_raw_parts(ptr, bytes, &f, &[n / 2], &[-8], bytes - 8).unwrap();
            let mut evens = ViewMut::from_raw_parts(ptr, bytes, &f, &[n / 2], &[8], 0).unwrap();
            copy(&mut evens, &rev);
        }
        // After the second copy every pair is (2k, 2k); the reversed copy then puts the
        // (old) even values back to front into the even slots.
        let want: Vec<i32> = (0..n / 2)
            .flat_map(|k| {
                let e = 2 * (n / 2 - 1 - k) as i32;
                [e, 2 * k as i32]
            })
            .collect();
        assert_eq!(buf, want, "par {par}");
    }
}

/// sum_axis over a slow axis follows NumPy's order exactly: every column adds its rows in
/// index order, from zero, as NumPy's `add.reduce` adds whole rows into the output. The
/// reference is plain scalar code, so this also holds the row loop (vectorised for AVX2
/// where the processor has it, SSE2 otherwise) to the same bits, sequential and parallel.
#[test]
fn sum_axis_over_a_slow_axis_adds_rows_in_index_order() {
    let (rows, cols) = if cfg!(miri) { (9, 5) } else { (1000, 37) };
    let data: Vec<f32> = (0..rows * cols)
        .map(|i| ((i * 7919) % 1013) as f32 * 1.37e-3 + 1e-6 * i as f32)
        .collect();
    let v = View::from_slice(&data).reshape(&[rows, cols]).unwrap();
    let mut expect = vec![0f32; cols];
    for r in 0..rows {
        for (c, e) in expect.iter_mut().enumerate() {
            *e = std::hint::black_box(*e + data[r * cols + c]);
        }
    }
    let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let got = v.sum_axis::<f32>(0).unwrap().to_vec::<f32>().unwrap();
    assert_eq!(bits(&got), bits(&expect));
    let par = v.par_sum_axis::<f32>(0).unwrap().to_vec::<f32>().unwrap();
    assert_eq!(bits(&par), bits(&expect));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 64 }))]
    /// `Conversion::Wrapping` is C's (and NumPy's astype) integer cast: Rust's `as`, which
    /// keeps the low bits; from floats it is the saturating conversion.
    #[test]
    fn wrapping_conversion_is_cs_cast(xs in proptest::collection::vec(any::<i64>(), 0..40),
                                      fs in proptest::collection::vec(any::<f64>(), 0..40)) {
        let v = View::from_slice(&xs);
        macro_rules! each {
            ($($t:ty)*) => {$(
                let got = v.astype::<$t>(Conversion::Wrapping).unwrap();
                let want: Vec<$t> = xs.iter().map(|&x| x as $t).collect();
                prop_assert_eq!(got.as_slice::<$t>().unwrap(), &want[..]);
                let narrow: Vec<$t> = want.clone();
                let back = View::from_slice(&narrow).astype::<i64>(Conversion::Wrapping).unwrap();
                let want_back: Vec<i64> = narrow.iter().map(|&x| x as i64).collect();
                prop_assert_eq!(back.as_slice::<i64>().unwrap(), &want_back[..]);
            )*};
        }
        each!(i8 u8 i16 u16 i32 u32 i64 u64);
        let f = View::from_slice(&fs);
        let wrapped = f.astype::<i16>(Conversion::Wrapping).unwrap();
        let saturated = f.astype::<i16>(Conversion::Saturating).unwrap();
        prop_assert_eq!(wrapped.as_slice::<i16>().unwrap(), saturated.as_slice::<i16>().unwrap());
    }
}
