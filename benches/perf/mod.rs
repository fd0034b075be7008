//! The performance report: every case side by side in one process, against `ndarray`, naive
//! loops, `memcpy` and a hand-written STREAM add, in GB/s of bytes read plus written.
//!
//! The machines are shared and their bandwidth drifts by tens of percent from one second to
//! the next, so each case runs its implementations *interleaved* (round-robin, one repetition
//! of each in turn) together with `memcpy` and the STREAM add at the same thread count, and
//! every ratio compares numbers from the same group. Medians are reported.
//!
//! Shared by `cargo bench --bench report` and `cargo run --release --example bench`.
#![allow(dead_code)]

use half::f16;
use ndarray::{Array2, ArrayView2, Zip};
use ndview::{s, Conversion, Order, View, ViewMut};
use rayon::prelude::*;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One measured row of the report.
#[derive(Clone, Debug)]
pub struct Row {
    pub case: &'static str,
    pub what: String,
    pub threads: usize,
    /// GB/s of bytes read plus written (or, for slicing, nanoseconds per call).
    pub value: f64,
    pub unit: &'static str,
    /// memcpy and the STREAM add measured in the same group (GB/s).
    pub memcpy: f64,
    pub stream: f64,
}

/// Options: how big and how many repetitions.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Elements per side of the square f32 matrices (4096: 64 MiB per operand).
    pub side: usize,
    /// Repetitions per measurement; the median is reported.
    pub reps: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            side: 4096,
            reps: 7,
        }
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// One implementation in a group: a name, the bytes it moves per call, and the call.
struct Imp<'a> {
    name: String,
    bytes: usize,
    run: Box<dyn FnMut() + Send + 'a>,
}

fn imp<'a>(name: impl Into<String>, bytes: usize, run: impl FnMut() + Send + 'a) -> Imp<'a> {
    Imp {
        name: name.into(),
        bytes,
        run: Box::new(run),
    }
}

/// Runs `f` on a pool of exactly `threads` threads.
fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

/// A hand-written STREAM add on the current pool.
fn stream_add(a: &[f32], b: &[f32], c: &mut [f32], parallel: bool) {
    if parallel {
        let len = a
            .len()
            .div_ceil(rayon::current_num_threads().max(1) * 4)
            .max(1);
        c.par_chunks_mut(len)
            .zip(a.par_chunks(len))
            .zip(b.par_chunks(len))
            .for_each(|((c, a), b)| {
                for ((c, &a), &b) in c.iter_mut().zip(a).zip(b) {
                    *c = a + b;
                }
            });
    } else {
        for ((c, &a), &b) in c.iter_mut().zip(a).zip(b) {
            *c = a + b;
        }
    }
}

struct Bench<'d> {
    rows: Vec<Row>,
    reps: usize,
    // Scratch for the baselines.
    a: &'d [f32],
    b: &'d [f32],
    c: Vec<f32>,
}

impl<'d> Bench<'d> {
    /// Measures `imps` interleaved with memcpy and the STREAM add, on `threads` threads.
    fn group(&mut self, case: &'static str, threads: usize, mut imps: Vec<Imp<'_>>) {
        let (a, b, reps) = (self.a, self.b, self.reps);
        let mut c = std::mem::take(&mut self.c);
        let bytes = a.len() * 4;
        let results = with_threads(threads, || {
            let c = &mut c;
            let mut base_c = vec![0f32; a.len()];
            let mut memcpy = imp("memcpy", 2 * bytes, || base_c.copy_from_slice(black_box(a)));
            let mut times: Vec<Vec<Duration>> = vec![Vec::new(); imps.len() + 2];
            for rep in 0..=reps {
                for (k, im) in imps.iter_mut().enumerate() {
                    let t = Instant::now();
                    (im.run)();
                    if rep > 0 {
                        times[k].push(t.elapsed());
                    }
                }
                let t = Instant::now();
                (memcpy.run)();
                if rep > 0 {
                    times[imps.len()].push(t.elapsed());
                }
                let t = Instant::now();
                stream_add(a, b, c, threads > 1);
                if rep > 0 {
                    times[imps.len() + 1].push(t.elapsed());
                }
            }
            times.into_iter().map(median).collect::<Vec<_>>()
        });
        self.c = c;
        let gbps = |bytes: usize, d: Duration| bytes as f64 / d.as_secs_f64() / 1e9;
        let memcpy = gbps(2 * bytes, results[imps.len()]);
        let stream = gbps(3 * bytes, results[imps.len() + 1]);
        for (im, d) in imps.iter().zip(&results) {
            self.rows.push(Row {
                case,
                what: im.name.clone(),
                threads,
                value: gbps(im.bytes, *d),
                unit: "GB/s",
                memcpy,
                stream,
            });
        }
    }

    /// Nanoseconds per call of each implementation, interleaved.
    fn calls(&mut self, case: &'static str, calls: usize, mut imps: Vec<Imp<'_>>) {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); imps.len()];
        for _ in 0..self.reps {
            for (k, im) in imps.iter_mut().enumerate() {
                let t = Instant::now();
                for _ in 0..calls {
                    (im.run)();
                }
                times[k].push(t.elapsed());
            }
        }
        for (im, t) in imps.iter().zip(times) {
            self.rows.push(Row {
                case,
                what: im.name.clone(),
                threads: 1,
                value: median(t).as_secs_f64() * 1e9 / calls as f64,
                unit: "ns/call",
                memcpy: f64::NAN,
                stream: f64::NAN,
            });
        }
    }
}

/// Runs every case and returns the rows.
pub fn run(opts: Options) -> Vec<Row> {
    let n = opts.side;
    let count = n * n;
    let bytes = count * 4;
    let all = rayon::current_num_threads();
    let thread_counts: Vec<usize> = if all > 1 { vec![1, all] } else { vec![1] };

    let a: Vec<f32> = (0..count).map(|i| (i % 1000) as f32 * 0.5).collect();
    let b: Vec<f32> = (0..count).map(|i| (i % 777) as f32 * 0.25).collect();
    let mut bench = Bench {
        rows: Vec::new(),
        reps: opts.reps,
        a: &a,
        b: &b,
        c: vec![0f32; count],
    };
    let dims = [n, n];
    let va = View::from_slice(&a).reshape(&dims).unwrap();
    let vb = View::from_slice(&b).reshape(&dims).unwrap();
    let na = ArrayView2::from_shape((n, n), &a).unwrap();
    let nb = ArrayView2::from_shape((n, n), &b).unwrap();
    let add = |x: f32, y: f32| x + y;

    for &t in &thread_counts {
        let par = t > 1;
        // 1. c = a + b, contiguous.
        {
            let (mut c1, mut c2) = (vec![0f32; count], vec![0f32; count]);
            let (va, vb) = (&va, &vb);
            bench.group(
                "1 add contiguous",
                t,
                vec![
                    imp("ndview zip_map_into", 3 * bytes, move || {
                        let mut vc = ViewMut::from_slice(&mut c1[..]).reshape(&dims).unwrap();
                        if par {
                            vc.par_zip_map_into(va, vb, add).unwrap()
                        } else {
                            vc.zip_map_into(va, vb, add).unwrap()
                        }
                    }),
                    imp("ndview zip_map (allocating)", 3 * bytes, move || {
                        black_box(
                            if par {
                                va.par_zip_map(vb, add)
                            } else {
                                va.zip_map(vb, add)
                            }
                            .unwrap(),
                        );
                    }),
                    imp("ndarray Zip", 3 * bytes, move || {
                        let mut nc =
                            ndarray::ArrayViewMut2::from_shape((n, n), &mut c2[..]).unwrap();
                        let z = Zip::from(&mut nc).and(&na).and(&nb);
                        if par {
                            z.par_for_each(|c, &a, &b| *c = a + b)
                        } else {
                            z.for_each(|c, &a, &b| *c = a + b)
                        }
                    }),
                ],
            );
        }
        if !par {
            let (a, b) = (&a, &b);
            let mut c = vec![0f32; count];
            bench.group(
                "1 add contiguous",
                1,
                vec![
                    imp("ndarray &a + &b (allocating)", 3 * bytes, move || {
                        black_box(&na + &nb);
                    }),
                    imp("naive indexed loop", 3 * bytes, move || {
                        for i in 0..count {
                            c[i] = a[i] + b[i];
                        }
                        black_box(&c);
                    }),
                ],
            );
        }

        // 2. The same on [::2] strided views (bytes counted are the elements touched).
        {
            let (va1, vb1) = (View::from_slice(&a), View::from_slice(&b));
            let (sa, sb) = (va1.slice(s![..;2]).unwrap(), vb1.slice(s![..;2]).unwrap());
            let (na1, nb1) = (
                ndarray::ArrayView1::from(&a[..]),
                ndarray::ArrayView1::from(&b[..]),
            );
            let (sa, sb) = (&sa, &sb);
            let (mut c1, mut c2) = (vec![0f32; count], vec![0f32; count]);
            bench.group(
                "2 add [::2]",
                t,
                vec![
                    imp("ndview zip_map_into", 3 * bytes / 2, move || {
                        let mut vc = ViewMut::from_slice(&mut c1[..]).slice(s![..;2]).unwrap();
                        if par {
                            vc.par_zip_map_into(sa, sb, add).unwrap()
                        } else {
                            vc.zip_map_into(sa, sb, add).unwrap()
                        }
                    }),
                    imp("ndarray Zip", 3 * bytes / 2, move || {
                        let mut nc = ndarray::ArrayViewMut1::from(&mut c2[..]);
                        let mut nc = nc.slice_mut(ndarray::s![..;2]);
                        let z = Zip::from(&mut nc)
                            .and(na1.slice(ndarray::s![..;2]))
                            .and(nb1.slice(ndarray::s![..;2]));
                        if par {
                            z.par_for_each(|c, &a, &b| *c = a + b)
                        } else {
                            z.for_each(|c, &a, &b| *c = a + b)
                        }
                    }),
                ],
            );
        }

        // 3. c = a + b with b a transposed 4096x4096 view.
        {
            let (vbt, nbt) = (vb.transpose(), nb.t());
            let (va, vbt) = (&va, &vbt);
            let (mut c1, mut c2) = (vec![0f32; count], vec![0f32; count]);
            bench.group(
                "3 add b.T",
                t,
                vec![
                    imp("ndview zip_map_into", 3 * bytes, move || {
                        let mut vc = ViewMut::from_slice(&mut c1[..]).reshape(&dims).unwrap();
                        if par {
                            vc.par_zip_map_into(va, vbt, add).unwrap()
                        } else {
                            vc.zip_map_into(va, vbt, add).unwrap()
                        }
                    }),
                    imp("ndarray Zip", 3 * bytes, move || {
                        let mut nc =
                            ndarray::ArrayViewMut2::from_shape((n, n), &mut c2[..]).unwrap();
                        let z = Zip::from(&mut nc).and(&na).and(&nbt);
                        if par {
                            z.par_for_each(|c, &a, &b| *c = a + b)
                        } else {
                            z.for_each(|c, &a, &b| *c = a + b)
                        }
                    }),
                ],
            );
        }

        // 4. tobytes (C order) of a transposed view and of a [::-1, ::-1] view.
        for (case, v, nv) in [
            ("4 tobytes a.T", va.transpose(), na.t()),
            (
                "4 tobytes a[::-1,::-1]",
                va.slice(s![..;-1, ..;-1]).unwrap(),
                na.slice(ndarray::s![..;-1, ..;-1]),
            ),
        ] {
            let mut out = vec![0u8; bytes];
            let mut dst = Array2::<f32>::zeros((n, n));
            let v = &v;
            let mut imps = vec![
                imp("ndview tobytes_into (preallocated)", 2 * bytes, move || {
                    if par {
                        v.par_tobytes_into(Order::C, &mut out).unwrap()
                    } else {
                        v.tobytes_into(Order::C, &mut out).unwrap()
                    }
                }),
                imp("ndview tobytes (allocating)", 2 * bytes, move || {
                    black_box(if par {
                        v.par_tobytes(Order::C).unwrap()
                    } else {
                        v.tobytes(Order::C).unwrap()
                    });
                }),
            ];
            if !par {
                imps.push(imp("ndarray assign (preallocated)", 2 * bytes, move || {
                    dst.assign(&nv)
                }));
                imps.push(imp(
                    "ndarray as_standard_layout (allocating)",
                    2 * bytes,
                    move || {
                        black_box(nv.as_standard_layout());
                    },
                ));
            }
            bench.group(case, t, imps);
        }

        // 5. astype f16 -> f32 and u8 -> f32 (image data).
        {
            let halves: Vec<f16> = a.iter().map(|&x| f16::from_f32(x)).collect();
            let pixels: Vec<u8> = (0..count).map(|i| (i * 31 % 251) as u8).collect();
            let (vh, vp) = (View::from_slice(&halves), View::from_slice(&pixels));
            let (nh, np) = (
                ndarray::ArrayView1::from(&halves[..]),
                ndarray::ArrayView1::from(&pixels[..]),
            );
            for (case, bytes_moved, v, is_half) in [
                ("5 astype f16->f32", count * 6, &vh, true),
                ("5 astype u8->f32", count * 5, &vp, false),
            ] {
                let mut imps = vec![imp("ndview astype (allocating)", bytes_moved, move || {
                    black_box(
                        if par {
                            v.par_astype::<f32>(Conversion::Saturating)
                        } else {
                            v.astype::<f32>(Conversion::Saturating)
                        }
                        .unwrap(),
                    );
                })];
                if !par {
                    if is_half {
                        imps.push(imp("ndarray mapv (allocating)", bytes_moved, move || {
                            black_box(nh.mapv(|x| x.to_f32()));
                        }));
                    } else {
                        imps.push(imp("ndarray mapv (allocating)", bytes_moved, move || {
                            black_box(np.mapv(f32::from));
                        }));
                        let pixels = &pixels;
                        imps.push(imp("naive iterator collect", bytes_moved, move || {
                            black_box(pixels.iter().map(|&x| f32::from(x)).collect::<Vec<f32>>());
                        }));
                    }
                }
                bench.group(case, t, imps);
            }
        }

        // 6. sum of a contiguous and of a transposed view.
        for (case, v, nv) in [
            ("6 sum contiguous", va.clone(), na),
            ("6 sum a.T", va.transpose(), na.t()),
        ] {
            let v = &v;
            let mut imps = vec![imp("ndview sum (pairwise)", bytes, move || {
                black_box(
                    if par {
                        v.par_sum::<f32>()
                    } else {
                        v.sum::<f32>()
                    }
                    .unwrap(),
                );
            })];
            if !par {
                imps.push(imp("ndarray sum", bytes, move || {
                    black_box(nv.sum());
                }));
            }
            bench.group(case, t, imps);
        }
    }

    // 8. RGB pixels (3 bytes each): mirror and rotate copies of an n x n image, as image
    // code does them. The copy widens each pixel into one 3-byte element.
    let rgb: Vec<u8> = (0..count * 3).map(|i| (i * 7 % 253) as u8).collect();
    let img = View::from_slice(&rgb).reshape(&[n, n, 3]).unwrap();
    let nimg = ndarray::ArrayView3::from_shape((n, n, 3), &rgb).unwrap();
    for &t in &thread_counts {
        let par = t > 1;
        for (case, v, nv) in [
            (
                "8 RGB mirror",
                img.flip(1).unwrap(),
                nimg.slice(ndarray::s![.., ..;-1, ..]),
            ),
            (
                "8 RGB rotate",
                img.permute(&[1, 0, 2]).unwrap().flip(1).unwrap(),
                nimg.permuted_axes([1, 0, 2])
                    .slice_move(ndarray::s![.., ..;-1, ..]),
            ),
        ] {
            let moved = 2 * count * 3;
            let mut out = vec![0u8; count * 3];
            let v = &v;
            let mut imps = vec![imp(
                "ndview tobytes_into (preallocated)",
                moved,
                move || {
                    if par {
                        v.par_tobytes_into(Order::C, &mut out).unwrap()
                    } else {
                        v.tobytes_into(Order::C, &mut out).unwrap()
                    }
                },
            )];
            if !par {
                let mut dst = ndarray::Array3::<u8>::zeros((n, n, 3));
                imps.push(imp("ndarray assign (preallocated)", moved, move || {
                    dst.assign(&nv)
                }));
                let mut out = vec![0u8; count * 3];
                let (rgb, rotate) = (&rgb, case.ends_with("rotate"));
                imps.push(imp("naive pixel loop (preallocated)", moved, move || {
                    for y in 0..n {
                        for x in 0..n {
                            let (sy, sx) = if rotate {
                                (n - 1 - x, y)
                            } else {
                                (y, n - 1 - x)
                            };
                            let s = (sy * n + sx) * 3;
                            let d = (y * n + x) * 3;
                            out[d..d + 3].copy_from_slice(&rgb[s..s + 3]);
                        }
                    }
                    black_box(&out);
                }));
            }
            bench.group(case, t, imps);
        }
    }

    // 7. Slicing and cast: nanoseconds per call on a 3-D view.
    let small: Vec<f32> = (0..60 * 70 * 80).map(|x| x as f32).collect();
    let v3 = View::from_slice(&small).reshape(&[60, 70, 80]).unwrap();
    let n3 = ndarray::ArrayView3::from_shape((60, 70, 80), &small).unwrap();
    let bytes3 = v3.cast("B", None).unwrap();
    bench.calls(
        "7 slicing",
        100_000,
        vec![
            imp("ndview s![1..50;2, ..;-1, 3]", 0, || {
                black_box(v3.slice(s![1..50;2, ..;-1, 3]).unwrap());
            }),
            imp("ndview slice_str(\"1:50:2, ::-1, 3\")", 0, || {
                black_box(v3.slice_str(black_box("1:50:2, ::-1, 3")).unwrap());
            }),
            imp("ndarray s![1..50;2, ..;-1, 3]", 0, || {
                black_box(n3.slice(ndarray::s![1..50;2, ..;-1, 3]));
            }),
            imp("ndview cast('f', [60, 70, 80])", 0, || {
                black_box(bytes3.cast(black_box("f"), Some(&[60, 70, 80])).unwrap());
            }),
        ],
    );
    bench.rows
}

/// The table, each row with its ratio to memcpy and to the STREAM add of its own group, and
/// to the best ndarray row of its case at the same thread count (else at any).
pub fn table(rows: &[Row]) -> String {
    let mut s = String::new();
    s.push_str("| case | implementation | threads | result | vs memcpy | vs STREAM add | vs best ndarray |\n");
    s.push_str("|---|---|---:|---:|---:|---:|---:|\n");
    for r in rows {
        let best = |same: bool| {
            rows.iter()
                .filter(|x| x.case == r.case && x.what.starts_with("ndarray"))
                .filter(|x| !same || x.threads == r.threads)
                .map(|x| x.value)
                .fold(f64::NAN, |m, v| {
                    let better = if r.unit == "ns/call" { v < m } else { v > m };
                    if m.is_nan() || better {
                        v
                    } else {
                        m
                    }
                })
        };
        let nd = if best(true).is_nan() {
            best(false)
        } else {
            best(true)
        };
        let ratio = |base: f64| {
            if base.is_nan() {
                String::new()
            } else {
                format!("{:.2}", r.value / base)
            }
        };
        let vs_nd = if r.unit == "ns/call" {
            if nd.is_nan() {
                String::new()
            } else {
                format!("{:.2}x time", r.value / nd)
            }
        } else {
            ratio(nd)
        };
        s.push_str(&format!(
            "| {} | {} | {} | {:.2} {} | {} | {} | {} |\n",
            r.case,
            r.what,
            r.threads,
            r.value,
            r.unit,
            ratio(r.memcpy),
            ratio(r.stream),
            vs_nd
        ));
    }
    s
}

/// The memcpy and STREAM add figures, as measured across the groups (medians of the groups).
pub fn limits(rows: &[Row], threads: usize) -> (f64, f64) {
    let mut m: Vec<f64> = rows
        .iter()
        .filter(|r| r.threads == threads && r.memcpy.is_finite())
        .map(|r| r.memcpy)
        .collect();
    let mut st: Vec<f64> = rows
        .iter()
        .filter(|r| r.threads == threads && r.stream.is_finite())
        .map(|r| r.stream)
        .collect();
    let med = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    (med(&mut m), med(&mut st))
}
