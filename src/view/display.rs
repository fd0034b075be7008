//! `Debug` (format, shape, strides) and `Display` (the values, laid out like NumPy's repr).

use super::{RawView, View};
use crate::value::Value;
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

/// Prints the values nested in brackets, one row per line, padded to a common width, and
/// summarised with `...` beyond 1000 elements (NumPy's `repr` without the `array(...)`).
pub(crate) fn show(raw: &RawView, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let list = raw_list(raw);
    let summarise = raw.layout.len() > THRESHOLD;
    let mut texts = Vec::new();
    collect(&list, summarise, &mut texts);
    let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let mut texts = texts.into_iter();
    write_nested(&list, summarise, width, 1, &mut texts, f)
}

fn raw_list(raw: &RawView) -> Value {
    View::wrap(raw.clone())
        .tolist()
        .expect("tolist cannot fail for a valid view")
}

/// The indices shown along an axis of length `n`: all, or the edges with a gap marker.
fn shown(n: usize, summarise: bool) -> Vec<Option<usize>> {
    if summarise && n > 2 * EDGE {
        (0..EDGE)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((n - EDGE..n).map(Some))
            .collect()
    } else {
        (0..n).map(Some).collect()
    }
}

fn collect(v: &Value, summarise: bool, out: &mut Vec<String>) {
    match v {
        Value::List(items) => {
            for i in shown(items.len(), summarise).into_iter().flatten() {
                collect(&items[i], summarise, out);
            }
        }
        leaf => out.push(leaf.to_string()),
    }
}

fn write_nested(
    v: &Value,
    summarise: bool,
    width: usize,
    depth: usize,
    texts: &mut impl Iterator<Item = String>,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let Value::List(items) = v else {
        let t = texts.next().unwrap_or_default();
        return write!(f, "{t:>width$}");
    };
    let inner_is_list = matches!(items.first(), Some(Value::List(_)));
    f.write_str("[")?;
    for (k, i) in shown(items.len(), summarise).into_iter().enumerate() {
        if k > 0 {
            if inner_is_list {
                // Rows of deeper levels are separated by as many blank lines as NumPy uses.
                let blank = nested_depth(&items[0]);
                f.write_str(",")?;
                for _ in 0..blank {
                    f.write_str("\n")?;
                }
                write!(f, "{:depth$}", "")?;
            } else {
                f.write_str(", ")?;
            }
        }
        match i {
            Some(i) => write_nested(&items[i], summarise, width, depth + 1, texts, f)?,
            None => f.write_str("...")?,
        }
    }
    f.write_str("]")
}

/// How many list levels a value has.
fn nested_depth(v: &Value) -> usize {
    match v {
        Value::List(items) => 1 + items.first().map_or(0, nested_depth),
        _ => 0,
    }
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
