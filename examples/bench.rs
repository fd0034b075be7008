//! Runs the performance report (the same code as `cargo bench --bench report`), writes the
//! table to `performance.md` and draws `performance.svg` (each case's best ndview, ndarray and
//! NumPy implementation as a fraction of `memcpy` measured in the same group; a hatched mark
//! where ndarray has no parallel form) into `target/ndview-examples/bench/` (under
//! `$CARGO_TARGET_DIR` when set). Run it with `cargo run --release --example bench`.
//!
//! `cargo run --release --example bench -- --docs` updates the tracked docs/performance.md
//! (between its report markers) and docs/performance.svg instead: do that on a quiet machine.
//!
//! Environment: `NDVIEW_SIDE` (matrix side, default 4096 = 64 MiB per f32 operand),
//! `NDVIEW_REPS` (repetitions, median reported; default 7), `NDVIEW_PYTHON` (the interpreter
//! with NumPy for the NumPy rows; default `python3`, `none` to leave them out).

mod common;
#[path = "../benches/perf/mod.rs"]
mod perf;

use plotters::prelude::*;
use std::path::PathBuf;

const START: &str = "<!-- report:start -->";
const END: &str = "<!-- report:end -->";

fn main() -> Result<(), Box<dyn std::error::Error>> {
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
    let threads = rayon::current_num_threads();
    let heading = format!(
        "One run ({threads} threads available, f32, {} MiB per operand, median of {})",
        (opts.side * opts.side * 4) >> 20,
        opts.reps
    );
    println!("{heading}; this takes a minute or two");
    let report = perf::run(opts);
    let rows = report.rows;
    let table = perf::table(&rows);
    println!("{}\n\n{table}", report.numpy);

    let into_docs = std::env::args().any(|a| a == "--docs");
    let dir = if into_docs {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs")
    } else {
        common::out_dir("bench")
    };
    std::fs::create_dir_all(&dir)?;
    let svg = dir.join("performance.svg");
    chart(&rows, &svg)?;
    println!("wrote {}", svg.display());

    let md = dir.join("performance.md");
    let block = format!(
        "{START}\n## {heading}\n\n![ndview, ndarray and NumPy against memcpy](performance.svg)\n\n{}\n\n{table}\n{END}",
        report.numpy
    );
    let updated = if into_docs {
        let text = std::fs::read_to_string(&md)?;
        let (Some(a), Some(b)) = (text.find(START), text.find(END)) else {
            return Err(format!("{} has no {START} ... {END} markers", md.display()).into());
        };
        format!("{}{block}{}", &text[..a], &text[b + END.len()..])
    } else {
        format!("# ndview performance report\n\n{block}\n")
    };
    std::fs::write(&md, updated)?;
    println!("wrote {}", md.display());
    Ok(())
}

/// The best row of `case` at `threads` whose implementation starts with `lib`, as a fraction
/// of its group's memcpy.
fn best(rows: &[perf::Row], case: &str, threads: usize, lib: &str) -> Option<f64> {
    rows.iter()
        .filter(|r| r.case == case && r.threads == threads && r.what.starts_with(lib))
        .filter(|r| r.unit == "GB/s" && r.memcpy.is_finite())
        .map(|r| r.value / r.memcpy)
        .max_by(|x, y| x.total_cmp(y))
}

/// Bars per case: ndview's, ndarray's and NumPy's best, relative to memcpy; one panel per
/// thread count (NumPy's bar is its one-thread figure measured in that panel's groups).
fn chart(rows: &[perf::Row], path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut cases: Vec<&str> = Vec::new();
    for r in rows.iter().filter(|r| r.unit == "GB/s") {
        if !cases.contains(&r.case) {
            cases.push(r.case);
        }
    }
    let mut counts: Vec<usize> = rows.iter().map(|r| r.threads).collect();
    counts.sort_unstable();
    counts.dedup();
    let root = SVGBackend::new(path, (1100, 420 * counts.len() as u32)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((counts.len(), 1));
    for (panel, &threads) in panels.iter().zip(&counts) {
        let bars: Vec<(usize, [Option<f64>; 3])> = cases
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let best = |lib| best(rows, c, threads, lib);
                (k, [best("ndview"), best("ndarray"), best("NumPy")])
            })
            .collect();
        let top = bars
            .iter()
            .flat_map(|(_, v)| *v)
            .flatten()
            .fold(1.0f64, f64::max)
            * 1.15;
        let mut ch = ChartBuilder::on(panel)
            .caption(
                format!(
                    "{threads} thread(s): throughput as a fraction of memcpy (higher is better)"
                ),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(70)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..cases.len() as f64, 0f64..top)?;
        let names = cases.clone();
        ch.configure_mesh()
            .disable_x_mesh()
            .x_labels(cases.len() * 2 + 1)
            .x_label_formatter(&|x| {
                let k = x.floor() as usize;
                if (x - k as f64 - 0.5).abs() < 0.26 {
                    names.get(k).map(|s| s.to_string()).unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc("x memcpy")
            .draw()?;
        let blue = RGBColor(44, 110, 180);
        let grey = RGBColor(170, 170, 170);
        let orange = RGBColor(230, 140, 40);
        // Three bars per case, 0.25 wide: ndview, ndarray, NumPy.
        let x0 = |k: usize, pick: usize| k as f64 + 0.12 + 0.26 * pick as f64;
        for (colour, name, pick) in [
            (blue, "ndview", 0usize),
            (grey, "ndarray", 1),
            (orange, "NumPy (1 thread)", 2),
        ] {
            ch.draw_series(bars.iter().filter_map(|(k, v)| {
                let (v, x0) = (v[pick]?, x0(*k, pick));
                Some(Rectangle::new([(x0, 0.0), (x0 + 0.25, v)], colour.filled()))
            }))?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
        }
        // Where ndarray has no implementation at this thread count (no parallel form), an
        // outlined empty bar with a cross says so instead of a missing bar.
        let missing: Vec<usize> = bars
            .iter()
            .filter(|(_, v)| v[0].is_some() && v[1].is_none())
            .map(|&(k, _)| k)
            .collect();
        let h = top * 0.12;
        ch.draw_series(missing.iter().map(|&k| {
            let x0 = x0(k, 1);
            Rectangle::new([(x0, 0.0), (x0 + 0.25, h)], grey.stroke_width(1))
        }))?
        .label("ndarray: no parallel form")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], grey.stroke_width(1)));
        ch.draw_series(missing.iter().map(|&k| {
            let x0 = x0(k, 1);
            PathElement::new(vec![(x0, 0.0), (x0 + 0.25, h)], grey.stroke_width(1))
        }))?;
        ch.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 1.0), (cases.len() as f64, 1.0)],
            BLACK.stroke_width(1),
        )))?;
        ch.configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
