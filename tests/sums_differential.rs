//! Sums against NumPy, bit for bit, replaying tests/fixtures/sums.jsonl (made by
//! tests/fixtures/generate.py's `gen_sums`): f64 and f32 data of 0 to 70 000 elements, as 1-D
//! views of any step (reversed too) and as C-contiguous 2-D and 3-D views, summed whole and
//! along the last axis. NumPy sums these pairwise in index order (8 running sums, leaves of
//! 128, halves cut at a multiple of 8); ndview must give the same bits, sequential and
//! parallel, whatever the cut of its reduction blocks.

mod common;

use common::{cases, hex, str_of, usize_of, usizes, Failures};
use ndview::{Numeric, View};
use serde_json::Value as Json;

/// `gen_sums`'s data, replayed: a 64-bit LCG, 53 random bits scaled by 2^-(53 + e) for e in
/// 0..24, with a random sign (every value exact in f64).
fn sum_data(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = (s >> 11) as f64;
            let e = ((s >> 3) % 24) as i32;
            // 2^-(53 + e) built from its bits: exact everywhere (`powi` need not be, and Miri
            // perturbs it).
            let scale = f64::from_bits(((1023 - 53 - e) as u64) << 52);
            let x = k * scale;
            if s & 1 == 1 {
                -x
            } else {
                x
            }
        })
        .collect()
}

/// The bytes of `x` as NumPy's `tobytes()` writes a little-endian scalar.
trait Le: Copy {
    fn le(self) -> Vec<u8>;
}
impl Le for f64 {
    fn le(self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
}
impl Le for f32 {
    fn le(self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
}

fn check<T>(f: &mut Failures, case: &Json, data: &[T])
where
    T: Numeric + ndview::Element,
    T::Acc: Le,
{
    let count = data.len();
    let whole = View::from_slice(data);
    let (v, what) = match case.get("step").and_then(Json::as_i64) {
        Some(step) => {
            let text = format!("::{step}");
            (whole.slice_str(&text).unwrap(), format!("[{text}]"))
        }
        None => {
            let shape = usizes(&case["shape"]);
            (whole.reshape(&shape).unwrap(), format!("{shape:?}"))
        }
    };
    let want = hex(str_of(case, "sum"));
    let seq = v.sum::<T>().unwrap();
    let par = v.par_sum::<T>().unwrap();
    f.check(seq.le() == want && par.le() == want, || {
        format!(
            "sum of {count} {} {what}: {:?} / par {:?}, NumPy {:?} ({case})",
            str_of(case, "fmt"),
            seq.le(),
            par.le(),
            want
        )
    });
    if let Some(last) = case.get("sum_last") {
        let want = hex(last.as_str().unwrap());
        for parallel in [false, true] {
            let got = if parallel {
                v.par_sum_axis::<T>(-1)
            } else {
                v.sum_axis::<T>(-1)
            }
            .unwrap()
            .tobytes(ndview::Order::C)
            .unwrap();
            f.check(got == want, || {
                format!("sum along the last axis of {what} (parallel: {parallel}) ({case})")
            });
        }
    }
}

#[test]
fn sums_are_numpys_bits() {
    let mut f = Failures::default();
    for case in cases("sums.jsonl") {
        let seed: u64 = str_of(&case, "seed").parse().unwrap();
        let count = usize_of(&case, "count").unwrap();
        if cfg!(miri) && count > 300 {
            continue;
        }
        let data = sum_data(seed, count);
        match str_of(&case, "fmt") {
            "<d" => check::<f64>(&mut f, &case, &data),
            "<f" => {
                let data: Vec<f32> = data.iter().map(|&x| x as f32).collect();
                check::<f32>(&mut f, &case, &data)
            }
            other => panic!("unexpected format {other}"),
        }
    }
    f.finish("sums_are_numpys_bits");
}

/// One case of tests/fixtures/axis_reductions.jsonl (`gen_axis_reductions`): sum, mean, var
/// and std along an axis that does not vary fastest in memory, where NumPy adds whole rows
/// into the output in index order; sequential and parallel, compared as bytes.
fn check_axis<T: ndview::Stats>(f: &mut Failures, case: &Json, data: &[T]) {
    let shape = usizes(&case["shape"]);
    let v = View::from_slice(data).reshape(&shape).unwrap();
    let axis = case["axis"].as_i64().unwrap() as isize;
    let ddof = usize_of(case, "ddof").unwrap();
    type Op<'a, T> = (
        &'a str,
        fn(&View<'_>, isize, usize, bool) -> ndview::Result<ndview::Array>,
        std::marker::PhantomData<T>,
    );
    let ops: [Op<T>; 4] = [
        (
            "sum",
            |v, a, _, p| {
                if p {
                    v.par_sum_axis::<T>(a)
                } else {
                    v.sum_axis::<T>(a)
                }
            },
            std::marker::PhantomData,
        ),
        (
            "mean",
            |v, a, _, p| {
                if p {
                    v.par_mean_axis::<T>(a)
                } else {
                    v.mean_axis::<T>(a)
                }
            },
            std::marker::PhantomData,
        ),
        (
            "var",
            |v, a, d, p| {
                if p {
                    v.par_var_axis::<T>(a, d)
                } else {
                    v.var_axis::<T>(a, d)
                }
            },
            std::marker::PhantomData,
        ),
        (
            "std",
            |v, a, d, p| {
                if p {
                    v.par_std_axis::<T>(a, d)
                } else {
                    v.std_axis::<T>(a, d)
                }
            },
            std::marker::PhantomData,
        ),
    ];
    for (name, op, _) in ops {
        let Some(want) = case.get(name) else { continue };
        let want = hex(want.as_str().unwrap());
        for parallel in [false, true] {
            let out = op(&v, axis, ddof, parallel).unwrap();
            let got = out.tobytes(ndview::Order::C).unwrap();
            f.check(same_floats(&got, &want, out.itemsize()), || {
                format!("{name} along axis {axis} of {shape:?} (parallel: {parallel}) ({case})")
            });
        }
    }
}

/// Little-endian floats of `width` bytes equal bit for bit, or both NaN (0/0 gives the
/// processor's default NaN, whose sign differs between architectures and under Miri).
fn same_floats(got: &[u8], want: &[u8], width: usize) -> bool {
    let nan = |b: &[u8]| match width {
        4 => f32::from_le_bytes(b.try_into().unwrap()).is_nan(),
        8 => f64::from_le_bytes(b.try_into().unwrap()).is_nan(),
        _ => false,
    };
    got.len() == want.len()
        && got
            .chunks(width)
            .zip(want.chunks(width))
            .all(|(g, w)| g == w || (nan(g) && nan(w)))
}

#[test]
fn axis_reductions_across_rows_are_numpys_bits() {
    let mut f = Failures::default();
    for case in cases("axis_reductions.jsonl") {
        let seed: u64 = str_of(&case, "seed").parse().unwrap();
        let count: usize = usizes(&case["shape"]).iter().product();
        if cfg!(miri) && count > 300 {
            continue;
        }
        let data = sum_data(seed, count);
        match str_of(&case, "fmt") {
            "<d" => check_axis::<f64>(&mut f, &case, &data),
            "<f" => {
                let data: Vec<f32> = data.iter().map(|&x| x as f32).collect();
                check_axis::<f32>(&mut f, &case, &data)
            }
            "<i" => {
                // `gen_axis_reductions`'s integers: the values times 2^20, truncated.
                let data: Vec<i32> = data.iter().map(|&x| (x * 1048576.0) as i32).collect();
                check_axis::<i32>(&mut f, &case, &data)
            }
            other => panic!("unexpected format {other}"),
        }
    }
    f.finish("axis_reductions_across_rows_are_numpys_bits");
}
