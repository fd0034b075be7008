//! Criterion benchmarks of the kernels at a size that fits the statistics (1 MiB per
//! operand); `cargo bench --bench report` measures the 64 MiB cases side by side.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndview::{s, Conversion, Order, View, ViewMut};
use std::hint::black_box;

fn kernels(c: &mut Criterion) {
    let n = 512;
    let a: Vec<f32> = (0..n * n).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..n * n).map(|i| (i % 7) as f32).collect();
    let mut out = vec![0f32; n * n];
    let va = View::from_slice(&a).reshape(&[n, n]).unwrap();
    let vb = View::from_slice(&b).reshape(&[n, n]).unwrap();
    let bytes = (n * n * 4) as u64;

    let mut g = c.benchmark_group("elementwise");
    g.throughput(Throughput::Bytes(3 * bytes));
    g.bench_function("add contiguous", |bench| {
        bench.iter(|| {
            let mut o = ViewMut::from_slice(&mut out).reshape(&[n, n]).unwrap();
            o.zip_map_into(&va, &vb, |x: f32, y: f32| x + y).unwrap();
        })
    });
    g.bench_function("add b.T", |bench| {
        let bt = vb.transpose();
        bench.iter(|| {
            let mut o = ViewMut::from_slice(&mut out).reshape(&[n, n]).unwrap();
            o.zip_map_into(&va, &bt, |x: f32, y: f32| x + y).unwrap();
        })
    });
    g.finish();

    let mut g = c.benchmark_group("copy");
    g.throughput(Throughput::Bytes(2 * bytes));
    let mut buf = vec![0u8; n * n * 4];
    g.bench_function("tobytes transposed", |bench| {
        let t = va.transpose();
        bench.iter(|| t.tobytes_into(Order::C, &mut buf).unwrap())
    });
    g.bench_function("tobytes reversed", |bench| {
        let r = va.slice(s![..;-1, ..;-1]).unwrap();
        bench.iter(|| r.tobytes_into(Order::C, &mut buf).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("reduce");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("sum", |bench| {
        bench.iter(|| black_box(va.sum::<f32>().unwrap()))
    });
    g.bench_function("sum transposed", |bench| {
        let t = va.transpose();
        bench.iter(|| black_box(t.sum::<f32>().unwrap()))
    });
    g.finish();

    let pixels: Vec<u8> = (0..n * n).map(|i| i as u8).collect();
    let vp = View::from_slice(&pixels);
    let mut g = c.benchmark_group("convert");
    g.throughput(Throughput::Bytes(5 * (n * n) as u64));
    g.bench_function("astype u8->f32", |bench| {
        bench.iter(|| black_box(vp.astype::<f32>(Conversion::Saturating).unwrap()))
    });
    g.finish();

    let v3 = View::from_slice(&a).reshape(&[64, 64, 64]).unwrap();
    let mut g = c.benchmark_group("slicing");
    g.bench_function("s! on a 3-D view", |bench| {
        bench.iter(|| black_box(v3.slice(s![1..50;2, ..;-1, 3]).unwrap()))
    });
    g.bench_function("slice_str on a 3-D view", |bench| {
        bench.iter(|| black_box(v3.slice_str(black_box("1:50:2, ::-1, 3")).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, kernels);
criterion_main!(benches);
