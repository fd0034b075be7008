//! The performance report: every case side by side in one process, against `ndarray`, naive
//! loops, `memcpy` and a hand-written STREAM add, in GB/s of bytes read plus written.
//!
//! The machines are shared and their bandwidth drifts by tens of percent from one second to
//! the next, so each case runs its implementations *interleaved* (round-robin, one repetition
//! of each in turn) together with `memcpy` and the STREAM add at the same thread count, and
//! every ratio compares numbers from the same group. Medians are reported.
//!
//! NumPy joins the groups through a Python process (see [`numpy`]): it times its own calls
//! inside Python and is asked for one repetition in turn with the Rust implementations.
//!
//! Shared by `cargo bench --bench report` and `cargo run --release --example bench`.
#![allow(dead_code)]

pub mod numpy;

use half::f16;
use half::slice::HalfFloatSliceExt;
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

/// The report's rows and a line on the NumPy column (which NumPy ran, or why it is empty).
pub struct Report {
    pub rows: Vec<Row>,
    pub numpy: String,
}

/// How an implementation is timed.
enum Runner<'a> {
    /// Here, with `Instant` around the calls.
    Wall(Box<dyn FnMut() + Send + 'a>),
    /// By itself (NumPy, inside Python): given a number of calls, their total time, or `None`
    /// when it failed (its row is then left out).
    Own(Box<dyn FnMut(usize) -> Option<Duration> + Send + 'a>),
}

/// One implementation in a group: a name, the bytes it moves per call, and the call.
struct Imp<'a> {
    name: String,
    bytes: usize,
    run: Runner<'a>,
}

impl Imp<'_> {
    /// The time `calls` calls take.
    fn time(&mut self, calls: usize) -> Option<Duration> {
        match &mut self.run {
            Runner::Wall(f) => {
                let t = Instant::now();
                for _ in 0..calls {
                    f();
                }
                Some(t.elapsed())
            }
            Runner::Own(f) => f(calls),
        }
    }
}

fn imp<'a>(name: impl Into<String>, bytes: usize, run: impl FnMut() + Send + 'a) -> Imp<'a> {
    Imp {
        name: name.into(),
        bytes,
        run: Runner::Wall(Box::new(run)),
    }
}

/// NumPy's implementation `label` (the script's case `name` at `sizes`), or nothing when
/// NumPy is not running. In a multi-thread group the label says that NumPy uses one thread.
fn np_imp<'a>(
    np: &'a numpy::Numpy,
    label: &str,
    bytes: usize,
    name: &str,
    sizes: &[usize],
    par: bool,
) -> Option<Imp<'a>> {
    let mut handle = np.setup(name, sizes)?;
    // A trailing tag such as " (allocating)" takes the thread count inside its parentheses.
    let tagged = label.rfind(" (").is_some_and(|i| {
        label.ends_with(')') && !label[i + 2..label.len() - 1].contains(['(', ','])
    });
    let name = match (par, tagged) {
        (false, _) => format!("NumPy {label}"),
        (true, true) => format!("NumPy {}, 1 thread)", &label[..label.len() - 1]),
        (true, false) => format!("NumPy {label} (1 thread)"),
    };
    Some(Imp {
        name,
        bytes,
        run: Runner::Own(Box::new(move |calls| handle.run(calls))),
    })
}

/// `len` elements from `f`, in memory advised to use transparent huge pages before it is
/// first touched. NumPy does that for its arrays of 4 MiB and more (and ndview for its large
/// outputs); without it the Rust rows' inputs and buffers would pay TLB misses that NumPy's
/// do not (on machines whose huge pages are `madvise`-only).
fn big<T>(len: usize, f: impl FnMut(usize) -> T) -> Vec<T> {
    let mut v = Vec::with_capacity(len);
    advise_huge_pages(v.as_mut_ptr() as usize, len * std::mem::size_of::<T>());
    v.extend((0..len).map(f));
    v
}

/// [`big`] of zeros.
fn zeros<T: Default>(len: usize) -> Vec<T> {
    big(len, |_| T::default())
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(addr: usize, bytes: usize) {
    const HUGE: usize = 2 << 20;
    let (start, end) = (addr.next_multiple_of(HUGE), (addr + bytes) / HUGE * HUGE);
    if bytes >= 4 << 20 && end > start {
        // SAFETY: [start, end) lies inside an allocation this function's caller owns;
        // MADV_HUGEPAGE changes how the kernel backs it, not its contents. Failure is harmless.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_addr: usize, _bytes: usize) {}

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
    np: &'d numpy::Numpy,
    start: Instant,
    // Scratch for the baselines.
    a: &'d [f32],
    b: &'d [f32],
    c: Vec<f32>,
}

impl<'d> Bench<'d> {
    /// Measures `imps` interleaved with memcpy and the STREAM add, on `threads` threads.
    fn group(&mut self, case: &'static str, threads: usize, mut imps: Vec<Imp<'_>>) {
        self.progress(case, threads);
        let (a, b, reps) = (self.a, self.b, self.reps);
        let mut c = std::mem::take(&mut self.c);
        let bytes = a.len() * 4;
        let results = with_threads(threads, || {
            let c = &mut c;
            let mut base_c = zeros::<f32>(a.len());
            let mut memcpy = imp("memcpy", 2 * bytes, || base_c.copy_from_slice(black_box(a)));
            let mut times: Vec<Vec<Duration>> = vec![Vec::new(); imps.len() + 2];
            let mut failed = vec![false; imps.len()];
            for rep in 0..=reps {
                for (k, im) in imps.iter_mut().enumerate() {
                    if failed[k] {
                        continue;
                    }
                    match im.time(1) {
                        Some(d) if rep > 0 => times[k].push(d),
                        Some(_) => {}
                        None => failed[k] = true,
                    }
                }
                let d = memcpy.time(1).expect("timed here");
                if rep > 0 {
                    times[imps.len()].push(d);
                }
                let t = Instant::now();
                stream_add(a, b, c, threads > 1);
                if rep > 0 {
                    times[imps.len() + 1].push(t.elapsed());
                }
            }
            (0..times.len())
                .map(|k| (k >= failed.len() || !failed[k]).then(|| median(times[k].clone())))
                .collect::<Vec<_>>()
        });
        self.c = c;
        let gbps = |bytes: usize, d: Duration| bytes as f64 / d.as_secs_f64() / 1e9;
        let memcpy = gbps(2 * bytes, results[imps.len()].expect("memcpy"));
        let stream = gbps(3 * bytes, results[imps.len() + 1].expect("STREAM add"));
        for (im, d) in imps.iter().zip(&results) {
            let Some(d) = d else { continue };
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
        self.progress(case, 1);
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); imps.len()];
        let mut failed = vec![false; imps.len()];
        for _ in 0..self.reps {
            for (k, im) in imps.iter_mut().enumerate() {
                if failed[k] {
                    continue;
                }
                match im.time(calls) {
                    Some(d) => times[k].push(d),
                    None => failed[k] = true,
                }
            }
        }
        for ((im, t), failed) in imps.iter().zip(times).zip(failed) {
            if failed {
                continue;
            }
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

    /// A progress line on stderr (the full run takes minutes).
    fn progress(&self, case: &str, threads: usize) {
        let s = self.start.elapsed().as_secs();
        eprintln!("[{:2}:{:02}] {case}, {threads} thread(s)", s / 60, s % 60);
    }
}

/// Runs every case and returns the rows.
pub fn run(opts: Options) -> Report {
    let n = opts.side;
    let count = n * n;
    let bytes = count * 4;
    let all = rayon::current_num_threads();
    let thread_counts: Vec<usize> = if all > 1 { vec![1, all] } else { vec![1] };

    let a: Vec<f32> = big(count, |i| (i % 1000) as f32 * 0.5);
    let b: Vec<f32> = big(count, |i| (i % 777) as f32 * 0.25);
    let py = numpy::Numpy::start();
    eprintln!("{}", py.summary());
    let py = &py;
    let mut bench = Bench {
        rows: Vec::new(),
        reps: opts.reps,
        np: py,
        start: Instant::now(),
        a: &a,
        b: &b,
        c: zeros(count),
    };
    let dims = [n, n];
    let va = View::from_slice(&a).reshape(&dims).unwrap();
    let vb = View::from_slice(&b).reshape(&dims).unwrap();
    let na = ArrayView2::from_shape((n, n), &a).unwrap();
    let nb = ArrayView2::from_shape((n, n), &b).unwrap();
    let add = |x: f32, y: f32| x + y;
    let bytes_u8: Vec<u8> = big(count, |i| (i * 31 % 251) as u8);
    let bytes_u16: Vec<u16> = big(count, |i| (i * 31 % 65521) as u16);
    // The side of the cube for case 12: the largest m with m^3 <= n^2.
    let mut m = (count as f64).cbrt() as usize;
    while (m + 1).pow(3) <= count {
        m += 1;
    }
    while m.pow(3) > count {
        m -= 1;
    }

    for &t in &thread_counts {
        let par = t > 1;
        // 1. c = a + b, contiguous.
        {
            let (mut c1, mut c2) = (zeros::<f32>(count), zeros::<f32>(count));
            let (va, vb) = (&va, &vb);
            let mut imps = vec![
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
                    let mut nc = ndarray::ArrayViewMut2::from_shape((n, n), &mut c2[..]).unwrap();
                    let z = Zip::from(&mut nc).and(&na).and(&nb);
                    if par {
                        z.par_for_each(|c, &a, &b| *c = a + b)
                    } else {
                        z.for_each(|c, &a, &b| *c = a + b)
                    }
                }),
            ];
            if !par {
                let (a, b) = (&a, &b);
                let mut c = zeros::<f32>(count);
                imps.push(imp("ndarray &a + &b (allocating)", 3 * bytes, move || {
                    black_box(&na + &nb);
                }));
                imps.push(imp("naive indexed loop", 3 * bytes, move || {
                    for i in 0..count {
                        c[i] = a[i] + b[i];
                    }
                    black_box(&c);
                }));
            }
            imps.extend(np_imp(
                py,
                "np.add(a, b, out=c)",
                3 * bytes,
                "add_out",
                &[n],
                par,
            ));
            imps.extend(np_imp(
                py,
                "a + b (allocating)",
                3 * bytes,
                "add_alloc",
                &[n],
                par,
            ));
            bench.group("1 add contiguous", t, imps);
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
            let (mut c1, mut c2) = (zeros::<f32>(count), zeros::<f32>(count));
            let mut imps = vec![
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
            ];
            imps.extend(np_imp(
                py,
                "np.add(a[::2], b[::2], out=c[::2])",
                3 * bytes / 2,
                "add_step2",
                &[n],
                par,
            ));
            bench.group("2 add [::2]", t, imps);
        }

        // 3. c = a + b with b a transposed 4096x4096 view.
        {
            let (vbt, nbt) = (vb.transpose(), nb.t());
            let (va, vbt) = (&va, &vbt);
            let (mut c1, mut c2) = (zeros::<f32>(count), zeros::<f32>(count));
            let mut imps = vec![
                imp("ndview zip_map_into", 3 * bytes, move || {
                    let mut vc = ViewMut::from_slice(&mut c1[..]).reshape(&dims).unwrap();
                    if par {
                        vc.par_zip_map_into(va, vbt, add).unwrap()
                    } else {
                        vc.zip_map_into(va, vbt, add).unwrap()
                    }
                }),
                imp("ndarray Zip", 3 * bytes, move || {
                    let mut nc = ndarray::ArrayViewMut2::from_shape((n, n), &mut c2[..]).unwrap();
                    let z = Zip::from(&mut nc).and(&na).and(&nbt);
                    if par {
                        z.par_for_each(|c, &a, &b| *c = a + b)
                    } else {
                        z.for_each(|c, &a, &b| *c = a + b)
                    }
                }),
            ];
            imps.extend(np_imp(
                py,
                "np.add(a, b.T, out=c)",
                3 * bytes,
                "add_bt",
                &[n],
                par,
            ));
            bench.group("3 add b.T", t, imps);
        }

        // 4. tobytes (C order) of a transposed view and of a [::-1, ::-1] view.
        for (case, v, nv, (x, into, alloc)) in [
            (
                "4 tobytes a.T",
                va.transpose(),
                na.t(),
                ("a.T", "copy_t", "tobytes_t"),
            ),
            (
                "4 tobytes a[::-1,::-1]",
                va.slice(s![..;-1, ..;-1]).unwrap(),
                na.slice(ndarray::s![..;-1, ..;-1]),
                ("a[::-1, ::-1]", "copy_rev", "tobytes_rev"),
            ),
        ] {
            let mut out = zeros::<u8>(bytes);
            let mut dst = Array2::from_shape_vec((n, n), zeros::<f32>(count)).unwrap();
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
            let (l1, l2) = (
                format!("np.copyto(out, {x}) (preallocated)"),
                format!("{x}.tobytes() (allocating)"),
            );
            imps.extend(np_imp(py, &l1, 2 * bytes, into, &[n], par));
            imps.extend(np_imp(py, &l2, 2 * bytes, alloc, &[n], par));
            bench.group(case, t, imps);
        }

        // 5. astype f16 -> f32 and u8 -> f32 (image data).
        {
            let halves: Vec<f16> = big(count, |i| f16::from_f32(a[i]));
            let pixels: Vec<u8> = big(count, |i| (i * 31 % 251) as u8);
            let (vh, vp) = (View::from_slice(&halves), View::from_slice(&pixels));
            let (nh, np) = (
                ndarray::ArrayView1::from(&halves[..]),
                ndarray::ArrayView1::from(&pixels[..]),
            );
            for (case, bytes_moved, v, is_half) in [
                ("5 astype f16->f32", count * 6, &vh, true),
                ("5 astype u8->f32", count * 5, &vp, false),
            ] {
                // Into a preallocated f32 buffer: astype_into (half's slice converter on
                // contiguous runs of f16) and map_into with the per-element conversion.
                let mut out = zeros::<f32>(count);
                let mut out2 = zeros::<f32>(count);
                let astype_into = imp(
                    "ndview astype_into (preallocated)",
                    bytes_moved,
                    move || {
                        let mut o = ViewMut::from_slice(&mut out2[..]);
                        if par {
                            o.par_astype_into::<f32>(v, Conversion::Saturating)
                        } else {
                            o.astype_into::<f32>(v, Conversion::Saturating)
                        }
                        .unwrap()
                    },
                );
                let into = imp("ndview map_into (preallocated)", bytes_moved, move || {
                    let mut o = ViewMut::from_slice(&mut out[..]);
                    match (is_half, par) {
                        (true, false) => o.map_into(v, |x: f16| x.to_f32()),
                        (true, true) => o.par_map_into(v, |x: f16| x.to_f32()),
                        (false, false) => o.map_into(v, |x: u8| f32::from(x)),
                        (false, true) => o.par_map_into(v, |x: u8| f32::from(x)),
                    }
                    .unwrap()
                });
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
                imps.push(astype_into);
                imps.push(into);
                if !par {
                    if is_half {
                        imps.push(imp("ndarray mapv (allocating)", bytes_moved, move || {
                            black_box(nh.mapv(|x| x.to_f32()));
                        }));
                        let (halves, mut out) = (&halves, zeros::<f32>(count));
                        imps.push(imp(
                            "half convert_to_f32_slice (preallocated)",
                            bytes_moved,
                            move || halves.convert_to_f32_slice(&mut out),
                        ));
                    } else {
                        imps.push(imp("ndarray mapv (allocating)", bytes_moved, move || {
                            black_box(np.mapv(f32::from));
                        }));
                        let pixels = &pixels;
                        imps.push(imp(
                            "naive iterator collect (allocating)",
                            bytes_moved,
                            move || {
                                black_box(
                                    pixels.iter().map(|&x| f32::from(x)).collect::<Vec<f32>>(),
                                );
                            },
                        ));
                    }
                }
                let (into, alloc) = if is_half {
                    ("f16_copyto", "f16_astype")
                } else {
                    ("u8_copyto", "u8_astype")
                };
                let l1 = "np.copyto(out, a) (preallocated)";
                let l2 = "a.astype(np.float32) (allocating)";
                imps.extend(np_imp(py, l1, bytes_moved, into, &[n], par));
                imps.extend(np_imp(py, l2, bytes_moved, alloc, &[n], par));
                bench.group(case, t, imps);
            }
        }

        // 6. sum of a contiguous and of a transposed view.
        for (case, v, nv, (label, name)) in [
            ("6 sum contiguous", va.clone(), na, ("a.sum()", "sum")),
            ("6 sum a.T", va.transpose(), na.t(), ("a.T.sum()", "sum_t")),
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
            imps.extend(np_imp(py, label, bytes, name, &[n], par));
            bench.group(case, t, imps);
        }

        // 9. sum along one axis of the n x n matrix: the last (contiguous lanes, summed
        // pairwise) and the first (whole rows added into the output).
        for (case, axis) in [("9 sum_axis last", 1usize), ("9 sum_axis 0", 0)] {
            let v = &va;
            let moved = bytes + n * 4;
            let mut imps = vec![imp("ndview sum_axis", moved, move || {
                black_box(
                    if par {
                        v.par_sum_axis::<f32>(axis as isize)
                    } else {
                        v.sum_axis::<f32>(axis as isize)
                    }
                    .unwrap(),
                );
            })];
            if !par {
                imps.push(imp("ndarray sum_axis", moved, move || {
                    black_box(na.sum_axis(ndarray::Axis(axis)));
                }));
            }
            let label = format!("a.sum(axis={axis})");
            imps.extend(np_imp(
                py,
                &label,
                moved,
                &format!("sum_axis{axis}"),
                &[n],
                par,
            ));
            bench.group(case, t, imps);
        }

        // 11. Transposed copies of 1- and 2-byte elements (image planes, f16 / u16 data).
        transposed_copy(&mut bench, "11 copy u8 a.T", &bytes_u8, n, par, t, "u1");
        transposed_copy(&mut bench, "11 copy u16 a.T", &bytes_u16, n, par, t, "u2");

        // 12. A 3-D permutation [2, 0, 1] of an m^3 f32 array (m = 256 for n = 4096: the
        // same 64 MiB) copied to C order.
        {
            let moved = 2 * m * m * m * 4;
            let cube = &a[..m * m * m];
            let v = View::from_slice(cube).reshape(&[m, m, m]).unwrap();
            let v = v.permute(&[2, 0, 1]).unwrap();
            let v = &v;
            let mut out = zeros::<u8>(m * m * m * 4);
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
                let nv = ndarray::ArrayView3::from_shape((m, m, m), cube)
                    .unwrap()
                    .permuted_axes([2, 0, 1]);
                let mut dst =
                    ndarray::Array3::from_shape_vec((m, m, m), zeros::<f32>(m * m * m)).unwrap();
                imps.push(imp("ndarray assign (preallocated)", moved, move || {
                    dst.assign(&nv)
                }));
            }
            let l1 = "np.copyto(out, a.transpose(2, 0, 1)) (preallocated)";
            let l2 = "np.ascontiguousarray(a.transpose(2, 0, 1)) (allocating)";
            imps.extend(np_imp(py, l1, moved, "permute", &[m], par));
            imps.extend(np_imp(py, l2, moved, "permute_alloc", &[m], par));
            bench.group("12 permute [2,0,1]", t, imps);
        }
    }

    // 8. RGB pixels (3 bytes each): mirror and rotate copies of an n x n image, as image
    // code does them. The copy widens each pixel into one 3-byte element.
    let rgb: Vec<u8> = big(count * 3, |i| (i * 7 % 253) as u8);
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
            let mut out = zeros::<u8>(count * 3);
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
                let mut dst =
                    ndarray::Array3::from_shape_vec((n, n, 3), zeros::<u8>(count * 3)).unwrap();
                imps.push(imp("ndarray assign (preallocated)", moved, move || {
                    dst.assign(&nv)
                }));
                let mut out = zeros::<u8>(count * 3);
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
            let (label, name) = if case.ends_with("rotate") {
                (
                    "np.copyto(out, img.transpose(1, 0, 2)[:, ::-1]) (preallocated)",
                    "rgb_rotate",
                )
            } else {
                ("np.copyto(out, img[:, ::-1]) (preallocated)", "rgb_mirror")
            };
            imps.extend(np_imp(py, label, moved, name, &[n], par));
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
        ]
        .into_iter()
        .chain(np_imp(py, "a[1:50:2, ::-1, 3]", 0, "slicing", &[0], false))
        .collect(),
    );

    // 10. c = a + b on small arrays: the cost of one call, whatever its size.
    for (case, len, calls) in [
        ("10 add 16 f32", 16, 100_000),
        ("10 add 256 f32", 256, 100_000),
        ("10 add 4096 f32", 4096, 20_000),
    ] {
        let (a, b) = (&a[..len], &b[..len]);
        let (va, vb) = (View::from_slice(a), View::from_slice(b));
        let (va, vb) = (&va, &vb);
        let (na, nb) = (ndarray::ArrayView1::from(a), ndarray::ArrayView1::from(b));
        let (mut c1, mut c2, mut c3) = (vec![0f32; len], vec![0f32; len], vec![0f32; len]);
        let mut imps = vec![
            imp("ndview zip_map_into", 0, move || {
                ViewMut::from_slice(black_box(&mut c1[..]))
                    .zip_map_into(black_box(va), black_box(vb), add)
                    .unwrap()
            }),
            imp("ndarray Zip", 0, move || {
                Zip::from(black_box(&mut c2[..]))
                    .and(black_box(na))
                    .and(black_box(nb))
                    .for_each(|c, &a, &b| *c = a + b)
            }),
            imp("hand-written slice loop", 0, move || {
                stream_add(black_box(a), black_box(b), black_box(&mut c3), false)
            }),
        ];
        imps.extend(np_imp(
            py,
            "np.add(a, b, out=c)",
            0,
            "add_small",
            &[len],
            false,
        ));
        bench.calls(case, calls, imps);
    }
    Report {
        rows: bench.rows,
        numpy: py.summary(),
    }
}

/// Case 11: a transposed n x n matrix of `T` (`dtype` in NumPy's terms) copied to C order.
#[allow(clippy::too_many_arguments)]
fn transposed_copy<T>(
    bench: &mut Bench<'_>,
    case: &'static str,
    data: &[T],
    n: usize,
    par: bool,
    threads: usize,
    dtype: &str,
) where
    T: ndview::Element + bytemuck::Pod + Default + Send + Sync,
{
    let size = std::mem::size_of::<T>();
    let moved = 2 * n * n * size;
    let v = View::from_slice(data).reshape(&[n, n]).unwrap().transpose();
    let v = &v;
    let mut out = zeros::<u8>(n * n * size);
    let mut dst = zeros::<T>(n * n);
    let mut imps = vec![
        imp("ndview tobytes_into (preallocated)", moved, move || {
            if par {
                v.par_tobytes_into(Order::C, &mut out).unwrap()
            } else {
                v.tobytes_into(Order::C, &mut out).unwrap()
            }
        }),
        imp("ndview copy_from (preallocated)", moved, move || {
            let mut d = ViewMut::from_slice(&mut dst[..]).reshape(&[n, n]).unwrap();
            if par {
                d.par_copy_from(v).unwrap()
            } else {
                d.copy_from(v).unwrap()
            }
        }),
        imp("ndview tobytes (allocating)", moved, move || {
            black_box(if par {
                v.par_tobytes(Order::C).unwrap()
            } else {
                v.tobytes(Order::C).unwrap()
            });
        }),
    ];
    if !par {
        let nv = ArrayView2::from_shape((n, n), data)
            .unwrap()
            .reversed_axes();
        let mut nd = Array2::from_shape_vec((n, n), zeros::<T>(n * n)).unwrap();
        imps.push(imp("ndarray assign (preallocated)", moved, move || {
            nd.assign(&nv)
        }));
    }
    let py = bench.np;
    let l1 = "np.copyto(out, a.T) (preallocated)";
    let l2 = "np.ascontiguousarray(a.T) (allocating)";
    imps.extend(np_imp(py, l1, moved, &format!("copy_t_{dtype}"), &[n], par));
    imps.extend(np_imp(
        py,
        l2,
        moved,
        &format!("contiguous_t_{dtype}"),
        &[n],
        par,
    ));
    bench.group(case, threads, imps);
}

/// Whether a row's implementation allocates its output (its name says so).
fn allocating(what: &str) -> bool {
    what.contains("allocating")
}

/// The table, each row with its ratio to memcpy and to the STREAM add of its own group, to
/// NumPy's best row of its case and group that allocates its output as this row does (or
/// writes into a buffer as this row does), and to the best ndarray row of its case at the
/// same thread count (else at any). For nanoseconds per call the last two are ratios of times.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::new();
    s.push_str("| case | implementation | threads | result | vs memcpy | vs STREAM add | vs NumPy | vs best ndarray |\n");
    s.push_str("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for r in rows {
        let per_call = r.unit == "ns/call";
        let best = |lib: &str, same_threads: bool, same_kind: bool| {
            rows.iter()
                .filter(|x| x.case == r.case && x.what.starts_with(lib))
                .filter(|x| !same_threads || x.threads == r.threads)
                .filter(|x| !same_kind || allocating(&x.what) == allocating(&r.what))
                .map(|x| x.value)
                .fold(f64::NAN, |m, v| {
                    let better = if per_call { v < m } else { v > m };
                    if m.is_nan() || better {
                        v
                    } else {
                        m
                    }
                })
        };
        let nd = if best("ndarray", true, false).is_nan() {
            best("ndarray", false, false)
        } else {
            best("ndarray", true, false)
        };
        let py = best("NumPy", true, true);
        let ratio = |base: f64| {
            if base.is_nan() {
                String::new()
            } else {
                format!("{:.2}", r.value / base)
            }
        };
        let vs = |base: f64| {
            if per_call && !base.is_nan() {
                format!("{:.2}x time", r.value / base)
            } else {
                ratio(base)
            }
        };
        s.push_str(&format!(
            "| {} | {} | {} | {:.2} {} | {} | {} | {} | {} |\n",
            r.case,
            r.what,
            r.threads,
            r.value,
            r.unit,
            ratio(r.memcpy),
            ratio(r.stream),
            vs(py),
            vs(nd)
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
