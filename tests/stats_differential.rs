//! mean, var, std, argmin, argmax, any, all and cumsum (whole-view and along an axis) against
//! NumPy, replaying tests/fixtures/stats.jsonl (made by tests/fixtures/generate.py's
//! `gen_stats`: random dtypes, shapes including empty and 0-d, sliced and transposed strides,
//! both byte orders, NaNs and infinities).
//!
//! Exact: result dtypes and shapes, errors (by Python exception class), argmin, argmax, any,
//! all and cumsum (integers and floats: both add in order). Float mean, var and std follow
//! NumPy's orders (pairwise along the fastest axis, rows in order along the others, `f16`
//! variances rounded per row as NumPy rounds them), and every one of this fixture's is NumPy's
//! bits, which the test requires outside Miri. The comparison itself has a tolerance, kept
//! for what the fixture does not pin: NumPy groups the terms of non-contiguous and
//! byte-swapped views by its iterator's 8192-element buffers, so longer such views can
//! round differently. Per lane of `n` values whose largest
//! finite magnitude is `M`, with `eps` the machine epsilon of the result type and
//! `k = 4 + 2 log2(n + 1)`:
//! mean: `k eps M`; var: `k eps |var| + 4 n (k eps M)^2 / max(n - ddof, 1)` (the second term
//! bounds the effect of a mean that differs in its last bit); std: the square root of var's
//! tolerance plus `4 eps |std|`. Non-finite results must agree exactly (NaN, or the same
//! infinity). Every `par_` form must equal its sequential form bit for bit.

mod common;

use common::{cases, hex, isizes, str_of, usizes, Failures};
use ndview::{Array, Format, Numeric, Result, Stats, Value, View};
use serde_json::Value as Json;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Float mean/var/std checks, and those of them that matched within the tolerance but not
/// bit for bit (reported by the test).
static FLOAT_CHECKS: AtomicUsize = AtomicUsize::new(0);
static TOLERATED: AtomicUsize = AtomicUsize::new(0);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Num {
    F(f64),
    I(i128),
    B(bool),
}

/// A result: NumPy's dtype letter and size (`f8`, `i8`, `b1`, ...), shape and values.
#[derive(Debug)]
struct Res {
    dtype: String,
    shape: Vec<usize>,
    vals: Vec<Num>,
}

/// NumPy's result as recorded: `{dtype, shape, hex}`.
fn numpy_res(j: &Json) -> Res {
    let dt = str_of(j, "dtype");
    let big = dt.starts_with('>');
    let kind = &dt[1..];
    let bytes = hex(str_of(j, "hex"));
    let size: usize = kind[1..].parse().unwrap();
    let vals = bytes
        .chunks(size)
        .map(|c| {
            let mut b = c.to_vec();
            if !big {
                b.reverse();
            }
            let mut w = [0u8; 8];
            w[8 - size..].copy_from_slice(&b);
            let u = u64::from_be_bytes(w);
            match kind {
                "f8" => Num::F(f64::from_bits(u)),
                "f4" => Num::F(f32::from_bits(u as u32) as f64),
                "f2" => Num::F(half::f16::from_bits(u as u16).to_f64()),
                "i8" => Num::I(u as i64 as i128),
                "u8" => Num::I(u as i128),
                "b1" => Num::B(u != 0),
                other => panic!("unexpected NumPy dtype {other}"),
            }
        })
        .collect();
    Res {
        dtype: kind.to_owned(),
        shape: usizes(&j["shape"]),
        vals,
    }
}

fn num(v: &Value) -> Num {
    match v {
        Value::Float(f) => Num::F(*f),
        Value::Int(i) => Num::I(*i),
        Value::Bool(b) => Num::B(*b),
        other => panic!("unexpected value {other:?}"),
    }
}

fn flatten(v: &Value, out: &mut Vec<Num>) {
    match v {
        Value::List(items) => items.iter().for_each(|x| flatten(x, out)),
        x => out.push(num(x)),
    }
}

/// NumPy's dtype name of an ndview format (native order).
fn dtype_of(format: &Format) -> String {
    match format.as_str().trim_start_matches(['<', '=', '@']) {
        "d" => "f8",
        "f" => "f4",
        "e" => "f2",
        "q" | "l" => "i8",
        "Q" | "L" => "u8",
        "?" => "b1",
        other => panic!("unexpected result format {other}"),
    }
    .to_owned()
}

fn of_array(a: &Array) -> Res {
    let mut vals = Vec::new();
    flatten(&a.tolist().unwrap(), &mut vals);
    Res {
        dtype: dtype_of(a.format()),
        shape: a.shape().to_vec(),
        vals,
    }
}

fn of_scalar<E: ndview::Element>(x: E) -> Res {
    Res {
        dtype: dtype_of(&E::format()),
        shape: vec![],
        vals: vec![num(&x.to_value())],
    }
}

fn of_index(i: usize) -> Res {
    Res {
        dtype: "i8".into(),
        shape: vec![],
        vals: vec![Num::I(i as i128)],
    }
}

/// Bitwise equality of results (NaNs equal whatever their payload).
fn same(a: &Res, b: &Res) -> bool {
    a.dtype == b.dtype
        && a.shape == b.shape
        && a.vals.len() == b.vals.len()
        && a.vals.iter().zip(&b.vals).all(|(x, y)| match (x, y) {
            (Num::F(x), Num::F(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            _ => x == y,
        })
}

/// What a lane's tolerance depends on: its length and largest finite magnitude.
#[derive(Clone, Copy)]
struct Lane {
    n: usize,
    max_abs: f64,
}

/// The lanes of a reduction over the C-order values `xs` of `shape` (one lane for the whole
/// view), in the output's C order.
fn lanes(xs: &[f64], shape: &[usize], axis: Option<usize>) -> Vec<Lane> {
    let lane = |it: &mut dyn Iterator<Item = f64>| {
        let (mut n, mut m) = (0, 0.0f64);
        for x in it {
            n += 1;
            if x.is_finite() {
                m = m.max(x.abs());
            }
        }
        Lane { n, max_abs: m }
    };
    match axis {
        None => vec![lane(&mut xs.iter().copied())],
        Some(k) => {
            let outer: usize = shape[..k].iter().product();
            let d = shape[k];
            let inner: usize = shape[k + 1..].iter().product();
            let mut out = Vec::new();
            for o in 0..outer {
                for i in 0..inner {
                    out.push(lane(&mut (0..d).map(|j| xs[(o * d + j) * inner + i])));
                }
            }
            out
        }
    }
}

fn eps(dtype: &str) -> f64 {
    match dtype {
        "f2" => 2f64.powi(-10),
        "f4" => 2f64.powi(-23),
        _ => 2f64.powi(-52),
    }
}

/// Float results within the documented tolerance (see the module docs).
fn close(op: &str, got: &Res, want: &Res, lanes: &[Lane], ddof: usize) -> bool {
    if got.dtype != want.dtype || got.shape != want.shape || got.vals.len() != want.vals.len() {
        return false;
    }
    let e = eps(&want.dtype);
    got.vals
        .iter()
        .zip(&want.vals)
        .enumerate()
        .all(|(i, (g, w))| {
            let (Num::F(g), Num::F(w)) = (*g, *w) else {
                return false;
            };
            if !w.is_finite() || !g.is_finite() {
                return g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan());
            }
            let Lane { n, max_abs: m } = lanes[i];
            let k = 4.0 + 2.0 * ((n + 1) as f64).log2();
            let dof = n.saturating_sub(ddof).max(1) as f64;
            let var_tol = |v: f64| k * e * v.abs() + 4.0 * n as f64 * (k * e * m).powi(2) / dof;
            let tol = match op {
                "mean" => k * e * m,
                "var" => var_tol(w),
                _ => var_tol(w * w).sqrt() + 4.0 * e * w.abs(),
            };
            (g - w).abs() <= tol
        })
}

/// The exception class NumPy raised, against ours.
fn same_error(numpy: &str, ours: &ndview::Error) -> bool {
    let py = ours.python_type().map(|p| p.to_string());
    match numpy {
        // AxisError is both a ValueError and an IndexError.
        "AxisError" => matches!(py.as_deref(), Some("IndexError" | "ValueError")),
        other => py.as_deref() == Some(other),
    }
}

struct Ctx<'c> {
    what: String,
    xs: Vec<f64>,
    shape: Vec<usize>,
    ddof: usize,
    case: &'c Json,
}

/// Compares one operation's sequential and parallel results with NumPy's.
fn check(
    f: &mut Failures,
    cx: &Ctx<'_>,
    op: &str,
    axis: Option<(usize, &str)>,
    got: [Result<Res>; 2],
) {
    let want = match axis {
        None => &cx.case["whole"][op],
        Some((_, key)) => &cx.case["axes"][key][op],
    };
    let what = format!("{} {op} axis {:?}", cx.what, axis.map(|a| a.1));
    let [seq, par] = got;
    match (&seq, &par) {
        (Ok(s), Ok(p)) => f.check(same(s, p), || format!("{what}: par {p:?} != seq {s:?}")),
        (Err(_), Err(_)) => {}
        _ => f.check(false, || format!("{what}: par and seq disagree on failing")),
    }
    match (seq, want.get("error")) {
        (Ok(g), None) => {
            let w = numpy_res(want);
            let ok = if matches!(op, "mean" | "var" | "std") && w.dtype.starts_with('f') {
                let ls = lanes(&cx.xs, &cx.shape, axis.map(|a| a.0));
                let exact = same(&g, &w);
                TOLERATED.fetch_add(usize::from(!exact), Ordering::Relaxed);
                FLOAT_CHECKS.fetch_add(1, Ordering::Relaxed);
                exact || close(op, &g, &w, &ls, cx.ddof)
            } else {
                same(&g, &w)
            };
            f.check(ok, || format!("{what}: got {g:?}, NumPy {w:?}"));
        }
        (Ok(g), Some(e)) => f.check(false, || format!("{what}: NumPy raises {e}, we give {g:?}")),
        (Err(e), None) => f.check(false, || {
            format!("{what}: NumPy gives {want}, we fail: {e}")
        }),
        (Err(e), Some(w)) => f.check(same_error(w.as_str().unwrap(), &e), || {
            format!("{what}: NumPy raises {w}, we: {e}")
        }),
    }
}

fn run<T: Stats>(f: &mut Failures, v: &View<'_>, case: &Json) {
    let ddof = case["ddof"].as_u64().unwrap() as usize;
    let xs = v
        .astype::<f64>(ndview::Conversion::Saturating)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    let mut cx = Ctx {
        what: format!(
            "{} {:?} strides {:?} ddof {ddof}",
            str_of(case, "fmt"),
            v.shape(),
            v.strides()
        ),
        xs,
        shape: v.shape().to_vec(),
        ddof,
        case,
    };
    let w = None;
    check(
        f,
        &cx,
        "mean",
        w,
        [
            v.mean::<T>().map(of_scalar),
            v.par_mean::<T>().map(of_scalar),
        ],
    );
    check(
        f,
        &cx,
        "var",
        w,
        [
            v.var::<T>(ddof).map(of_scalar),
            v.par_var::<T>(ddof).map(of_scalar),
        ],
    );
    check(
        f,
        &cx,
        "std",
        w,
        [
            v.std::<T>(ddof).map(of_scalar),
            v.par_std::<T>(ddof).map(of_scalar),
        ],
    );
    check(
        f,
        &cx,
        "argmin",
        w,
        [
            v.argmin::<T>().map(of_index),
            v.par_argmin::<T>().map(of_index),
        ],
    );
    check(
        f,
        &cx,
        "argmax",
        w,
        [
            v.argmax::<T>().map(of_index),
            v.par_argmax::<T>().map(of_index),
        ],
    );
    check(
        f,
        &cx,
        "any",
        w,
        [v.any::<T>().map(of_scalar), v.par_any::<T>().map(of_scalar)],
    );
    check(
        f,
        &cx,
        "all",
        w,
        [v.all::<T>().map(of_scalar), v.par_all::<T>().map(of_scalar)],
    );
    let a = |r: Result<Array>| r.map(|a| of_array(&a));
    check(
        f,
        &cx,
        "cumsum",
        w,
        [a(v.cumsum::<T>()), a(v.par_cumsum::<T>())],
    );
    for (key, _) in case["axes"].as_object().unwrap() {
        let ax: isize = key.parse().unwrap();
        // The lanes of a 0-d view taken along axis 0 are its one element.
        let resolved = if v.ndim() == 0 {
            cx.shape = vec![1];
            0
        } else {
            ax.rem_euclid(v.ndim() as isize) as usize
        };
        let w = Some((resolved, key.as_str()));
        check(
            f,
            &cx,
            "mean",
            w,
            [a(v.mean_axis::<T>(ax)), a(v.par_mean_axis::<T>(ax))],
        );
        check(
            f,
            &cx,
            "var",
            w,
            [
                a(v.var_axis::<T>(ax, ddof)),
                a(v.par_var_axis::<T>(ax, ddof)),
            ],
        );
        check(
            f,
            &cx,
            "std",
            w,
            [
                a(v.std_axis::<T>(ax, ddof)),
                a(v.par_std_axis::<T>(ax, ddof)),
            ],
        );
        check(
            f,
            &cx,
            "argmin",
            w,
            [a(v.argmin_axis::<T>(ax)), a(v.par_argmin_axis::<T>(ax))],
        );
        check(
            f,
            &cx,
            "argmax",
            w,
            [a(v.argmax_axis::<T>(ax)), a(v.par_argmax_axis::<T>(ax))],
        );
        check(
            f,
            &cx,
            "any",
            w,
            [a(v.any_axis::<T>(ax)), a(v.par_any_axis::<T>(ax))],
        );
        check(
            f,
            &cx,
            "all",
            w,
            [a(v.all_axis::<T>(ax)), a(v.par_all_axis::<T>(ax))],
        );
        check(
            f,
            &cx,
            "cumsum",
            w,
            [a(v.cumsum_axis::<T>(ax)), a(v.par_cumsum_axis::<T>(ax))],
        );
    }
}

fn dispatch(f: &mut Failures, v: &View<'_>, case: &Json) {
    let code = str_of(case, "fmt").trim_start_matches(['<', '>']);
    match code {
        "?" => run::<bool>(f, v, case),
        "b" => run::<i8>(f, v, case),
        "B" => run::<u8>(f, v, case),
        "h" => run::<i16>(f, v, case),
        "H" => run::<u16>(f, v, case),
        "i" => run::<i32>(f, v, case),
        "I" => run::<u32>(f, v, case),
        "q" => run::<i64>(f, v, case),
        "Q" => run::<u64>(f, v, case),
        "e" => run::<half::f16>(f, v, case),
        "f" => run::<f32>(f, v, case),
        "d" => run::<f64>(f, v, case),
        other => panic!("unexpected format {other}"),
    }
}

#[test]
fn stats_agree_with_numpy() {
    let mut f = Failures::default();
    let all = cases("stats.jsonl");
    for case in &all {
        let buf = hex(str_of(case, "buf"));
        let v = View::with_format(
            &buf,
            &Format::parse(str_of(case, "fmt")).unwrap(),
            &usizes(&case["shape"]),
            &isizes(&case["strides"]),
            case["offset"].as_u64().unwrap() as usize,
        )
        .unwrap_or_else(|e| panic!("{case}: {e}"));
        dispatch(&mut f, &v, case);
    }
    assert!(cfg!(miri) || all.len() >= 1000, "{} cases", all.len());
    eprintln!(
        "stats: {} cases, {} checks; {} of {} float mean/var/std results not bit-identical \
         to NumPy (within the tolerance)",
        all.len(),
        f.checked,
        TOLERATED.load(Ordering::Relaxed),
        FLOAT_CHECKS.load(Ordering::Relaxed)
    );
    // Miri perturbs some float operations by design; natively every result is NumPy's.
    assert!(
        cfg!(miri) || TOLERATED.load(Ordering::Relaxed) == 0,
        "float results only close to NumPy's, not its bits"
    );
    f.finish("stats");
}

/// The parallel forms on views large enough to split (several blocks, many lanes) give the
/// same bits as the sequential ones, in a pool of several threads.
#[test]
fn parallel_forms_are_bit_identical() {
    let n = if cfg!(miri) { 320 } else { 1 << 18 };
    let data: Vec<f32> = (0..n)
        .map(|i| ((i as f32) * 0.618_034).sin() * 1e3 + if i % 977 == 0 { 1e7 } else { 0.0 })
        .collect();
    let ints: Vec<i32> = (0..n)
        .map(|i| (i as i32).wrapping_mul(2_654_435_761u32 as i32))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    pool.install(|| {
        let v = View::from_slice(&data);
        let m = v.reshape(&[n / 64, 64]).unwrap();
        let t = m.transpose();
        assert_eq!(
            v.mean::<f32>().unwrap().to_bits(),
            v.par_mean::<f32>().unwrap().to_bits()
        );
        assert_eq!(
            v.var::<f32>(1).unwrap().to_bits(),
            v.par_var::<f32>(1).unwrap().to_bits()
        );
        assert_eq!(t.argmax::<f32>().unwrap(), t.par_argmax::<f32>().unwrap());
        for ax in [0, 1] {
            assert_eq!(
                t.std_axis::<f32>(ax, 0).unwrap().as_bytes(),
                t.par_std_axis::<f32>(ax, 0).unwrap().as_bytes()
            );
            assert_eq!(
                m.cumsum_axis::<f32>(ax).unwrap().as_bytes(),
                m.par_cumsum_axis::<f32>(ax).unwrap().as_bytes()
            );
        }
        let iv = View::from_slice(&ints)
            .reshape(&[n / 64, 64])
            .unwrap()
            .transpose();
        assert_eq!(
            iv.cumsum::<i32>().unwrap().as_bytes(),
            iv.par_cumsum::<i32>().unwrap().as_bytes()
        );
        assert_eq!(
            iv.mean::<i32>().unwrap().to_bits(),
            iv.par_mean::<i32>().unwrap().to_bits()
        );
        assert_eq!(iv.argmin::<i32>().unwrap(), iv.par_argmin::<i32>().unwrap());
        assert_eq!(iv.all::<i32>().unwrap(), iv.par_all::<i32>().unwrap());
    });
}

/// clip and where_ on a few hand-checked cases (NumPy's answers in the comments).
#[test]
fn clip_and_where() {
    let x = [1.0f64, f64::NAN, 5.0, -2.0];
    let v = View::from_slice(&x);
    // np.clip([1, nan, 5, -2], 0, 3) -> [1, nan, 3, 0]
    let c = v.clip(0.0f64, 3.0).unwrap().to_vec::<f64>().unwrap();
    assert_eq!(c[0], 1.0);
    assert!(c[1].is_nan());
    assert_eq!(&c[2..], &[3.0, 0.0]);
    // np.clip([1, 5], 4, 2) -> [2, 2]
    let ints = [1i32, 5];
    let c = View::from_slice(&ints).par_clip(4i32, 2).unwrap();
    assert_eq!(c.as_slice::<i32>().unwrap(), &[2, 2]);
    // np.where([[1], [0]], [1, 2, 3], -1): broadcast to (2, 3), the condition an integer.
    let cond = [1u8, 0];
    let cond = View::from_slice(&cond).reshape(&[2, 1]).unwrap();
    let a = [1i64, 2, 3];
    let minus = [-1i64];
    let r = ndview::where_::<i64>(&cond, &View::from_slice(&a), &View::from_slice(&minus)).unwrap();
    assert_eq!(r.shape(), &[2, 3]);
    assert_eq!(r.as_slice::<i64>().unwrap(), &[1, 2, 3, -1, -1, -1]);
    // A NaN condition is true; a condition that is not a real number is an error.
    let nan = [f32::NAN];
    let r = ndview::where_::<i64>(
        &View::from_slice(&nan),
        &View::from_slice(&a),
        &View::from_slice(&minus),
    );
    assert_eq!(r.unwrap().as_slice::<i64>().unwrap(), &[1, 2, 3]);
    // Mismatched shapes: NumPy's ValueError.
    let two = [0i64, 0];
    let e = ndview::where_::<i64>(
        &View::from_slice(&nan),
        &View::from_slice(&a),
        &View::from_slice(&two),
    );
    assert_eq!(
        e.unwrap_err().python_type(),
        Some(ndview::PyErr::ValueError)
    );
    let _ = Numeric::is_nan(1.0f32);
}
