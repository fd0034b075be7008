//! `Debug` (format, shape, strides) and `Display` (the values, laid out like NumPy's repr).

use super::{RawView, View};
use crate::layout::SliceItem;
use std::fmt;

/// Views with more elements than this are summarised with `...`, as NumPy does.
const THRESHOLD: usize = 1000;
/// Elements shown at each end of a summarised axis.
const EDGE: usize = 3;

pub(crate) fn debug(raw: &RawView, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct(name)
        .field("format", &raw.format.as_str())
        .field("itemsize", &raw.itemsize())
        .field("shape", &raw.layout.shape.as_slice())
        .field("strides", &raw.layout.strides.as_slice())
        .field("offset", &raw.layout.offset)
        .finish()
}

/// The values to print: only those shown, so a huge view prints in time proportional to
/// what appears on screen.
enum Shown {
    Leaf(String),
    /// An axis: its shown entries, `None` marking the `...` gap.
    Axis(Vec<Option<Shown>>),
}

/// Prints the values nested in brackets, one row per line, padded to a common width, and
/// summarised with `...` beyond 1000 elements (NumPy's `repr` without the `array(...)`).
///
/// NumPy shows the first and last three entries of every long axis; with many short axes that
/// still leaves too much (50 axes of length 2 would print 2^50 values, and NumPy's repr does
/// not finish). ndview then shows only the first entry of the outermost axes, one more axis
/// at a time, until at most 1000 values remain.
pub(crate) fn show(raw: &RawView, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if raw.layout.is_empty() && raw.layout.ndim() > 0 {
        // NumPy's str of any empty array.
        return f.write_str("[]");
    }
    let shown = if raw.layout.len() > THRESHOLD {
        summary(&raw.layout.shape)
    } else {
        raw.layout.shape.iter().map(|&n| (n, 0)).collect()
    };
    let tree = collect(raw, &shown);
    let width = max_width(&tree);
    write_tree(&tree, width, 1, f)
}

/// For each axis, how many leading and trailing entries a summary shows.
fn summary(shape: &[usize]) -> Vec<(usize, usize)> {
    let mut shown: Vec<(usize, usize)> = shape
        .iter()
        .map(|&n| if n > 2 * EDGE { (EDGE, EDGE) } else { (n, 0) })
        .collect();
    let total = |s: &[(usize, usize)]| {
        s.iter()
            .fold(1usize, |p, &(h, t)| p.saturating_mul((h + t).max(1)))
    };
    for k in 0..shown.len() {
        if total(&shown) <= THRESHOLD {
            break;
        }
        shown[k] = (shape[k].min(1), 0);
    }
    shown
}

fn collect(raw: &RawView, shown: &[(usize, usize)]) -> Shown {
    if raw.layout.ndim() == 0 {
        let v = View::wrap(raw.clone());
        if let Some((crate::Scalar::F32, _)) = raw.format.plain_scalar() {
            // As NumPy prints a float32: its own shortest digits, not the widened double's.
            if let Ok(x) = v.get_as::<f32>(&[]) {
                let mut text = String::new();
                crate::value::write_float32(&mut text, x).expect("writing to a String");
                return Shown::Leaf(text);
            }
        }
        let text = v
            .tolist()
            .map_or_else(|e| format!("<{e}>"), |v| v.to_string());
        return Shown::Leaf(text);
    }
    let n = raw.layout.shape[0];
    let (head, tail) = shown[0];
    let mut picks: Vec<Option<usize>> = (0..head).map(Some).collect();
    if head + tail < n {
        picks.push(None);
    }
    picks.extend((n - tail..n).map(Some));
    Shown::Axis(
        picks
            .into_iter()
            .map(|i| {
                i.map(|i| {
                    let item = [SliceItem::Index(i as isize)];
                    let layout = raw.layout.slice(&item).expect("in range by construction");
                    collect(&raw.with_layout(layout), &shown[1..])
                })
            })
            .collect(),
    )
}

fn max_width(t: &Shown) -> usize {
    match t {
        Shown::Leaf(s) => s.chars().count(),
        Shown::Axis(items) => items.iter().flatten().map(max_width).max().unwrap_or(0),
    }
}

/// How many axes a shown value has below it.
fn depth(t: &Shown) -> usize {
    match t {
        Shown::Leaf(_) => 0,
        Shown::Axis(items) => 1 + items.iter().flatten().next().map_or(0, depth),
    }
}

fn write_tree(t: &Shown, width: usize, indent: usize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let items = match t {
        Shown::Leaf(s) => return write!(f, "{s:>width$}"),
        Shown::Axis(items) => items,
    };
    // Rows of deeper levels are separated by as many newlines as they have axes (NumPy's
    // blank lines between blocks), elements of the last axis by ", ".
    let below = items.iter().flatten().next().map_or(0, depth);
    f.write_str("[")?;
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            if below > 0 {
                f.write_str(",")?;
                for _ in 0..below {
                    f.write_str("\n")?;
                }
                write!(f, "{:indent$}", "")?;
            } else {
                f.write_str(", ")?;
            }
        }
        match item {
            Some(t) => write_tree(t, width, indent + 1, f)?,
            None => f.write_str("...")?,
        }
    }
    f.write_str("]")
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug(&self.raw, "View", f)
    }
}

impl fmt::Display for View<'_> {
    /// The values, like NumPy's array repr:
    ///
    /// ```
    /// let data: Vec<i16> = (0..6).collect();
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
    /// assert_eq!(v.to_string(), "[[0, 1, 2],\n [3, 4, 5]]");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        show(&self.raw, f)
    }
}
