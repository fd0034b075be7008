//! One timed operation on a float32 Zarr store of `SIZE_MIB` MiB (1024 columns, chunks of
//! 256 x 1024 = 1 MiB), for zarr/bench.py, which alternates it with zarr-python:
//!
//!     zarr_bench write DIR SIZE_MIB zstd|none     # create, then write the whole array
//!     zarr_bench read  DIR SIZE_MIB               # read the whole array into memory
//!
//! Prints `seconds=<s> checksum=<sum of every 4099th element>`; the data and the checksum are
//! the ones bench.py makes with NumPy (element i is (i % 1000) * 0.5).

use std::time::Instant;

use ndview_zarr::{Compression, Region, ZarrArray};

const COLS: u64 = 1024;

fn checksum(v: &[f32]) -> f64 {
    v.iter().step_by(4099).map(|&x| f64::from(x)).sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: zarr_bench write|read DIR SIZE_MIB [zstd|none]";
    let (op, dir, mib) = match args.as_slice() {
        [_, op, dir, mib, ..] => (op.as_str(), dir.as_str(), mib.parse::<u64>()?),
        _ => return Err(usage.into()),
    };
    let rows = mib * 1024 * 1024 / 4 / COLS;
    match op {
        "write" => {
            let compression = match args.get(4).map(String::as_str) {
                Some("none") => Compression::None,
                _ => Compression::Zstd { level: 1 },
            };
            let data: Vec<f32> = (0..rows * COLS).map(|i| (i % 1000) as f32 * 0.5).collect();
            let src = ndview::View::from_slice(&data).reshape(&[rows as _, COLS as _])?;
            let t = Instant::now();
            let z = ZarrArray::create(dir, "/", "<f", &[rows, COLS], &[256, COLS], compression)?;
            z.write(&Region::all(z.shape()), &src)?;
            println!(
                "seconds={} checksum={}",
                t.elapsed().as_secs_f64(),
                checksum(&data)
            );
        }
        "read" => {
            let t = Instant::now();
            let z = ZarrArray::open(dir, "/")?;
            let a = z.read(&Region::all(z.shape()))?;
            let secs = t.elapsed().as_secs_f64();
            println!("seconds={secs} checksum={}", checksum(a.as_slice::<f32>()?));
        }
        _ => return Err(usage.into()),
    }
    Ok(())
}
