//! A file larger than memory, mapped and reduced chunk by chunk in parallel, with resident
//! memory far below its size. `cargo run --release --example mmap -- [GiB]` (default 0.25; give
//! more than the machine's memory, for example `-- 32`, to see a file larger than RAM).
//!
//! Writes a file of f32 values to the temporary directory, maps it read-only, sums it 64 MiB
//! at a time (each chunk on all cores), and releases each chunk's pages after use. Prints the
//! sum, the time, and the peak resident memory (VmHWM) next to the file's size.

use ndview::SharedView;
use std::io::Write;
use std::time::Instant;

fn status(field: &str) -> Option<usize> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    Some(line.split_whitespace().nth(1)?.parse::<usize>().ok()? << 10)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gib: f64 = std::env::args().nth(1).map_or(Ok(0.25), |a| a.parse())?;
    let n = (gib * (1u64 << 30) as f64 / 4.0) as usize / (1 << 16) * (1 << 16);
    let path = std::env::temp_dir().join("ndview-mmap-example.bin");
    println!(
        "writing {:.2} GiB of f32 to {} ...",
        (n * 4) as f64 / (1u64 << 30) as f64,
        path.display()
    );
    let t = Instant::now();
    {
        let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        let block: Vec<f32> = (0..1 << 16).map(|i| (i % 1000) as f32 * 0.5).collect();
        for _ in 0..n >> 16 {
            f.write_all(bytemuck::cast_slice(&block))?;
        }
        f.flush()?;
    }
    println!("written in {:.1} s", t.elapsed().as_secs_f64());
    let rss_before = status("VmRSS:").unwrap_or(0);

    // SAFETY: this program is the only one touching the file while it is mapped.
    let file = unsafe { SharedView::map_file(&path, "f", &[n], 0)? };
    let t = Instant::now();
    let mut total = 0f64;
    let chunk = 16 << 20; // 16 Mi elements = 64 MiB
    for piece in file.chunks(chunk)? {
        total += f64::from(piece.view().par_sum::<f32>()?);
        piece.release(); // this chunk's pages leave resident memory
    }
    let secs = t.elapsed().as_secs_f64();
    let per_block: f64 = (0..1 << 16).map(|i| (i % 1000) as f64 * 0.5).sum();
    let expected = per_block * (n >> 16) as f64;
    let peak = status("VmHWM:").unwrap_or(0);
    println!(
        "sum {total:.6e} (exact {expected:.6e}) in {secs:.2} s, {:.2} GB/s on {} threads",
        (n * 4) as f64 / secs / 1e9,
        rayon::current_num_threads()
    );
    println!(
        "peak resident memory {} MiB for a {} MiB file ({} MiB before mapping)",
        peak >> 20,
        (n * 4) >> 20,
        rss_before >> 20
    );
    drop(file);
    std::fs::remove_file(&path)?;
    Ok(())
}
