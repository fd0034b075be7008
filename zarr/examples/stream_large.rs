//! Streams a Zarr store whose logical size can exceed RAM, and reports the process's peak
//! resident memory for each phase (docs/zarr.md, "Peak memory, measured").
//!
//!     cargo run --release -p ndview-zarr --example stream_large -- DIR SIZE_GIB
//!
//! DIR must not exist: the example creates it, writes a float32 store of SIZE_GIB GiB
//! (8192 columns, chunks of 512 x 2048 = 4 MiB, zstd level 1), reads it back three ways, checks
//! the sums, and removes DIR again (`--keep` keeps it).
//!
//! Every element of chunk `n` (C order of the grid) at column `c` is `(13 n + c) % 251`: each
//! chunk differs from the others and from the fill value (0), but its rows repeat, so zstd
//! shrinks it to a few kilobytes. The disk holds a few megabytes per GiB and writing is fast;
//! the process still encodes, decodes and sums every element of the logical size.
//!
//! Phases, each with its own peak (the peak is reset between phases through
//! `/proc/self/clear_refs`; Linux only):
//! 1. write: `par_update_chunks` on the empty array fills and stores every chunk;
//! 2. `chunks()`: one decoded chunk at a time, summed on this thread;
//! 3. `par_for_each_chunk`: one decoded chunk per rayon thread;
//! 4. `read_into` of bands of 512 rows (4 chunks, 16 MiB) into one reused buffer.

use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use ndview::ViewMut;
use ndview_zarr::{Compression, Region, ZarrArray};

const COLS: u64 = 8192;
const CHUNK: [u64; 2] = [512, 2048];
const PERIOD: u64 = 251;

/// The value of every element of chunk `n` at column `c`.
fn value(n: u64, c: u64) -> f32 {
    ((13 * n + c) % PERIOD) as f32
}

/// The exact sum of a chunk's elements (integers well below 2^53, so f64 is exact).
fn expected_chunk_sum(n: u64, region: &[Range<u64>]) -> f64 {
    let row: f64 = region[1].clone().map(|c| f64::from(value(n, c))).sum();
    row * (region[0].end - region[0].start) as f64
}

/// Sums float32 elements in f64, eight lanes at a time; exact for these integer values.
fn sum(v: &[f32]) -> f64 {
    let mut acc = [0f64; 8];
    let mut it = v.chunks_exact(8);
    for c in &mut it {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += f64::from(x);
        }
    }
    acc.iter().sum::<f64>() + it.remainder().iter().map(|&x| f64::from(x)).sum::<f64>()
}

/// A field of /proc/self/status in KiB (VmHWM: peak resident memory, VmRSS: current).
fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets VmHWM to the current resident size (Linux 4.0 and later).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

/// Bytes the store's files occupy on disk (allocated blocks) and their total length.
fn disk_usage(dir: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let (mut blocks, mut len) = (0, 0);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() {
            let (b, l) = disk_usage(&entry.path())?;
            blocks += b;
            len += l;
        } else {
            blocks += meta.blocks() * 512;
            len += meta.len();
        }
    }
    Ok((blocks, len))
}

/// Runs one phase, prints its time, throughput and peak resident memory, returns its result.
fn phase<T>(
    name: &str,
    bytes: u64,
    f: impl FnOnce() -> Result<T, Box<dyn std::error::Error>>,
) -> Result<T, Box<dyn std::error::Error>> {
    let reset = reset_peak();
    let before = status_kib("VmRSS:");
    let t = Instant::now();
    let out = f()?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{name:<22} {secs:7.1} s {:6.2} GB/s   RSS before {:>10}   peak {:>10}{}",
        bytes as f64 / secs / 1e9,
        mib(before),
        mib(status_kib("VmHWM:")),
        if reset {
            ""
        } else {
            " (process-wide: reset failed)"
        },
    );
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let keep = args.iter().any(|a| a == "--keep");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [dir, gib] = pos.as_slice() else {
        return Err("usage: stream_large DIR SIZE_GIB [--keep]".into());
    };
    let gib: f64 = gib.parse()?;
    let dir = Path::new(dir.as_str());
    if dir.exists() {
        return Err(format!("{} exists; give a path that does not", dir.display()).into());
    }
    let row_bytes = COLS * 4;
    // Whole bands of chunk rows.
    let rows =
        ((gib * (1u64 << 30) as f64) / row_bytes as f64 / CHUNK[0] as f64).ceil() as u64 * CHUNK[0];
    if rows == 0 {
        return Err("SIZE_GIB must be positive".into());
    }
    let logical = rows * row_bytes;
    let threads = rayon::current_num_threads();
    std::fs::create_dir(dir)?;
    let z = ZarrArray::create(
        dir,
        "/",
        "<f",
        &[rows, COLS],
        &CHUNK,
        Compression::Zstd { level: 1 },
    )?;
    println!(
        "store {}: {rows} x {COLS} float32 = {:.2} GiB logical, {} chunks of {} x {} ({} MiB), zstd 1; \
         {threads} rayon threads; RAM {}",
        dir.display(),
        logical as f64 / (1u64 << 30) as f64,
        z.chunk_count(),
        CHUNK[0],
        CHUNK[1],
        (CHUNK[0] * CHUNK[1] * 4) >> 20,
        mib(std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|s| s.lines().next()?.split_whitespace().nth(1)?.parse().ok())),
    );
    let grid_cols = z.chunk_grid_shape()[1];
    let chunk_number = |idx: &[u64]| idx[0] * grid_cols + idx[1];

    // 1. Write every chunk: decode (the fill value: the chunk is missing), fill, encode, store.
    let expected = Mutex::new(0f64);
    phase("write (par_update)", logical, || {
        z.par_update_chunks(|idx, region, mut v| {
            let n = chunk_number(idx);
            let width = (region[1].end - region[1].start) as usize;
            let row: Vec<f32> = region[1].clone().map(|c| value(n, c)).collect();
            for r in v.as_slice_mut::<f32>()?.chunks_exact_mut(width) {
                r.copy_from_slice(&row);
            }
            if let Ok(mut e) = expected.lock() {
                *e += expected_chunk_sum(n, region);
            }
            Ok(())
        })?;
        Ok(())
    })?;
    let expected = expected.into_inner().map_err(|_| "poisoned")?;
    let (blocks, len) = disk_usage(dir)?;
    println!(
        "on disk: {:.1} MiB allocated ({:.1} MiB of file contents) for {:.2} GiB logical",
        blocks as f64 / (1u64 << 20) as f64,
        len as f64 / (1u64 << 20) as f64,
        logical as f64 / (1u64 << 30) as f64
    );

    // 2. One chunk at a time, in order.
    let got = phase("chunks()", logical, || {
        let mut s = 0f64;
        for chunk in z.chunks() {
            s += sum(chunk?.data.as_slice::<f32>()?);
        }
        Ok(s)
    })?;
    check("chunks()", got, expected)?;

    // 3. One chunk per rayon thread.
    let got = phase("par_for_each_chunk", logical, || {
        let total = Mutex::new(0f64);
        z.par_for_each_chunk(|chunk| {
            let s = sum(chunk.data.as_slice::<f32>()?);
            if let Ok(mut t) = total.lock() {
                *t += s;
            }
            Ok(())
        })?;
        Ok(total.into_inner().map_err(|_| "poisoned")?)
    })?;
    check("par_for_each_chunk", got, expected)?;

    // 4. Bands of rows, read into one buffer allocated once (zarrs decodes the band's chunks
    //    in parallel straight into it).
    let got = phase("read_into (bands)", logical, || {
        let mut buf = vec![0f32; (CHUNK[0] * COLS) as usize];
        let mut s = 0f64;
        for lo in (0..rows).step_by(CHUNK[0] as usize) {
            let hi = (lo + CHUNK[0]).min(rows);
            let region = Region::ranges(z.shape(), &[lo..hi, 0..COLS])?;
            let part = &mut buf[..((hi - lo) * COLS) as usize];
            let mut dest =
                ViewMut::from_slice(part).reshape(&[(hi - lo) as usize, COLS as usize])?;
            z.read_into(&region, &mut dest)?;
            s += sum(part);
        }
        Ok(s)
    })?;
    check("read_into", got, expected)?;

    if keep {
        println!("kept {}", dir.display());
    } else {
        std::fs::remove_dir_all(dir)?;
    }
    Ok(())
}

fn check(what: &str, got: f64, expected: f64) -> Result<(), Box<dyn std::error::Error>> {
    if got != expected {
        return Err(format!("{what}: sum {got} differs from the expected {expected}").into());
    }
    println!("{what}: sum {got} = expected");
    Ok(())
}
