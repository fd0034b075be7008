//! Scientific arrays with views: a heat-diffusion stencil written with shifted windows, a time
//! series cut into strided windows and reduced along axes, and structured records (`T{...}`
//! with named fields) read from a binary file. Run it with
//! `cargo run --release --example science`.

mod common;

use ndview::kernels::ops;
use ndview::{s, Order, SharedView, View, ViewMut};
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    heat()?;
    series()?;
    records()?;
    Ok(())
}

/// Explicit heat diffusion on a square plate with cold edges: each step replaces every
/// interior point by itself plus `alpha` times the discrete Laplacian, read through four
/// shifted views of the same grid (no index arithmetic, no copies of the inputs).
fn heat() -> Result<()> {
    println!("== Heat diffusion: a 5-point stencil from shifted views ==");
    let n = 128;
    let alpha = 0.2f64;
    let mut u = vec![0f64; n * n];
    // A hot square in the middle.
    {
        let mut grid = ViewMut::from_slice(&mut u).reshape(&[n, n])?;
        grid.reborrow().slice(s![40..88, 40..88])?.fill(100.0f64)?;
    }
    let mut next = u.clone();
    let shape = [n, n];
    let t0 = Instant::now();
    let steps = 3000;
    for step in 0..=steps {
        let grid = View::from_slice(&u).reshape(&shape)?;
        if step % 500 == 0 {
            let inner = grid.slice(s![1..-1, 1..-1])?;
            println!(
                "step {step:>4}: total heat {:>9.1}, hottest {:>6.2}, centre {:>6.2}",
                grid.sum::<f64>()?,
                grid.max::<f64>()?,
                inner.get_as::<f64>(&[n / 2 - 1, n / 2 - 1])?
            );
        }
        if step == steps {
            break;
        }
        let up = grid.slice(s![..-2, 1..-1])?;
        let down = grid.slice(s![2.., 1..-1])?;
        let left = grid.slice(s![1..-1, ..-2])?;
        let right = grid.slice(s![1..-1, 2..])?;
        let centre = grid.slice(s![1..-1, 1..-1])?;
        let vertical = ops::par_add(&up, &down)?;
        let horizontal = ops::par_add(&left, &right)?;
        let mut out = ViewMut::from_slice(&mut next)
            .reshape(&shape)?
            .slice(s![1..-1, 1..-1])?;
        out.par_zip_map3_into(&vertical, &horizontal, &centre, |v: f64, h: f64, c: f64| {
            c + alpha * (v + h - 4.0 * c)
        })?;
        std::mem::swap(&mut u, &mut next);
    }
    println!(
        "{steps} steps on a {n}x{n} grid in {:.0} ms; heat leaves through the cold edges",
        t0.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

/// A synthetic hourly temperature series: moving averages from a sliding-window view (one
/// buffer, overlapping windows, stride tricks as in NumPy's `sliding_window_view`), daily
/// statistics from a reshape and reductions along an axis, and a downsampled copy.
fn series() -> Result<()> {
    println!("\n== Time series: sliding windows and daily reductions ==");
    let days = 365;
    let hours = days * 24;
    let temps: Vec<f32> = (0..hours)
        .map(|h| {
            let t = h as f32;
            let season = -8.0 * (2.0 * std::f32::consts::PI * t / (24.0 * 365.0)).cos();
            let daily = -4.0 * (2.0 * std::f32::consts::PI * t / 24.0).cos();
            let noise = ((h * 7919) % 101) as f32 / 50.0 - 1.0;
            12.0 + season + daily + noise
        })
        .collect();
    let bytes: &[u8] = bytemuck::cast_slice(&temps);

    // 24-hour windows that start at every hour: shape (hours - 23, 24), strides (4, 4). The
    // windows overlap, so this is a read-only view; nothing is copied.
    let w = 24;
    let windows = View::from_parts(bytes, "f", &[hours - w + 1, w], &[4, 4], 0)?;
    let moving = windows.par_sum_axis::<f32>(1)?;
    let moving = ops::div_scalar(&moving, w as f64)?;
    println!(
        "sliding windows: shape {:?} strides {:?} over {} bytes",
        windows.shape(),
        windows.strides(),
        bytes.len()
    );
    let m = moving.view();
    println!(
        "24-hour moving average: first {:.2}, coldest {:.2}, warmest {:.2}",
        m.get_as::<f32>(&[0])?,
        m.min::<f32>()?,
        m.max::<f32>()?
    );
    // Check one window against a plain loop.
    let k = 1000;
    let plain: f32 = temps[k..k + w].iter().sum::<f32>() / w as f32;
    assert!((m.get_as::<f32>(&[k])? - plain).abs() < 1e-3);

    // Days as rows: min, max and mean per day are reductions along axis 1.
    let by_day = View::from_slice(&temps).reshape(&[days, 24])?;
    let lows = by_day.min_axis::<f32>(1)?;
    let highs = by_day.max_axis::<f32>(1)?;
    let range = ops::sub(&highs, &lows)?;
    let r = range.view();
    println!(
        "daily range: mean {:.2} degrees (min {:.2}, max {:.2})",
        r.sum::<f32>()? / days as f32,
        r.min::<f32>()?,
        r.max::<f32>()?
    );
    // Every 6th hour, then every 7th day of that: strided views compose.
    let six_hourly = View::from_slice(&temps).slice(s![..;6])?;
    let weekly = by_day.slice(s![..;7, 12])?;
    println!(
        "six-hourly samples: {} (stride {} bytes); noon of every 7th day: {} (stride {} bytes)",
        six_hourly.len(),
        six_hourly.strides()[0],
        weekly.len(),
        weekly.strides()[0]
    );
    Ok(())
}

/// Weather-station records in a binary file, as a C program or NumPy's `tofile` would write
/// them, read back as structured elements; each named field is a strided view of the file's
/// bytes.
fn records() -> Result<()> {
    println!("\n== Structured records from a binary file ==");
    // id: u32, time: f64 (hours), temp: f32, pressure: f32, flags: u8, then 3 pad bytes.
    let format = "T{<I:id:<d:time:<f:temp:<f:pressure:B:flags:3x}";
    let n = 10_000usize;
    let dir = common::out_dir("science");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("stations.bin");
    {
        // Write the records with ndview too: a ViewMut over a byte buffer, field by field.
        let size = ndview::Format::parse(format)?.itemsize();
        let mut file_bytes = vec![0u8; n * size];
        let mut recs = ViewMut::from_parts(&mut file_bytes, format, &[n], &[size as isize], 0)?;
        let index = index_view(n);
        let i = index.view();
        recs.reborrow().field("id")?.map_into(&i, |i: u32| i % 16)?;
        recs.reborrow()
            .field("time")?
            .map_into(&i, |i: u32| f64::from(i) * 0.25)?;
        recs.reborrow().field("temp")?.map_into(&i, |i: u32| {
            10.0 + (i % 16) as f32 + (i as f32 * 0.01).sin()
        })?;
        recs.reborrow().field("pressure")?.map_into(&i, |i: u32| {
            1013.0 - (i % 16) as f32 * 2.0 + 5.0 * (i as f32 * 0.001).sin()
        })?;
        recs.reborrow()
            .field("flags")?
            .map_into(&i, |i: u32| u8::from(i % 97 == 0))?;
        std::fs::write(&path, &file_bytes)?;
    }

    // Map the file (no read into memory) and view it as records.
    // SAFETY: the file is ours and nothing changes it while it is mapped.
    let itemsize = ndview::Format::parse(format)?.itemsize();
    let size = std::fs::metadata(&path)?.len() as usize;
    let mapped = unsafe { SharedView::map_file(&path, format, &[size / itemsize], 0)? };
    let recs = mapped.view();
    println!(
        "{}: {} records of {} bytes, format {}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        recs.len(),
        recs.itemsize(),
        recs.format()
    );
    println!("first record: {}", recs.get(&[0])?);
    let temp = recs.field("temp")?;
    println!(
        "field 'temp': format {}, stride {} bytes, offset {} (a view into the mapped file)",
        temp.format(),
        temp.strides()[0],
        temp.offset()
    );
    println!(
        "mean temperature {:.3}, highest {:.3}",
        temp.sum::<f32>()? / recs.len() as f32,
        temp.max::<f32>()?
    );
    // Station 5 is every 16th record from index 5: a strided view of a strided view.
    let station = recs.slice(s![5..;16])?;
    let p = station.field("pressure")?;
    println!(
        "station 5: {} readings, pressure {:.1}..{:.1}",
        p.len(),
        p.min::<f32>()?,
        p.max::<f32>()?
    );
    let flagged = recs.field("flags")?.sum::<u8>()?;
    println!("flagged records: {flagged}");
    // The field's bytes, gathered in order, are exactly what a copy would produce.
    let times = recs.field("time")?.slice(s![..4])?;
    println!("first four times: {}", times.tolist()?);
    assert_eq!(times.tobytes(Order::C)?.len(), 32);
    Ok(())
}

/// 0, 1, 2, ... as an array of `u32`.
fn index_view(n: usize) -> ndview::Array {
    ndview::Array::from_vec((0..n as u32).collect::<Vec<u32>>(), &[n]).expect("n elements")
}
