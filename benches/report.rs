//! `cargo bench --bench report`: the performance report (see docs/performance.md).
//!
//! Environment: `NDVIEW_SIDE` (matrix side, default 4096 = 64 MiB per f32 operand),
//! `NDVIEW_REPS` (repetitions, median reported; default 7), `NDVIEW_REPORT` (a file to write
//! the Markdown table to), `NDVIEW_PYTHON` (the interpreter with NumPy for the NumPy rows;
//! default `python3`, `none` to leave them out). Progress goes to stderr.

mod perf;

fn main() {
    // `cargo bench` passes `--bench`; any filter argument is ignored.
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let opts = perf::Options {
        side: env("NDVIEW_SIDE", 4096),
        reps: env("NDVIEW_REPS", 7),
    };
    println!(
        "ndview performance report: f32, {} MiB per operand, {} threads available, median of {}",
        (opts.side * opts.side * 4) >> 20,
        rayon::current_num_threads(),
        opts.reps
    );
    let report = perf::run(opts);
    let rows = report.rows;
    let table = perf::table(&rows);
    for t in [1, rayon::current_num_threads()] {
        let (m, s) = perf::limits(&rows, t);
        println!(
            "{t} thread(s): memcpy {m:.1} GB/s, STREAM add {s:.1} GB/s (medians over the groups)"
        );
    }
    println!("{}\n", report.numpy);
    println!("{table}");
    if let Ok(path) = std::env::var("NDVIEW_REPORT") {
        let text = format!("{}\n\n{table}", report.numpy);
        std::fs::write(&path, text).expect("write the report");
        println!("wrote {path}");
    }
}
