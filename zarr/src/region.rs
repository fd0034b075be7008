//! Regions of a Zarr array: ranges, or NumPy basic indexing as ndview spells it.

use std::ops::Range;

use ndview::{SliceItem, View, ViewMut};

use crate::{Axis, Result, ZarrError};

/// The positions one array axis contributes: `start + k * step` for `k < len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pick {
    start: u64,
    step: i64,
    len: u64,
    /// False for an axis taken by an integer index (it leaves the result's shape).
    kept: bool,
}

/// Where an axis of the result comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Out {
    Axis(usize),
    New,
}

/// A region of an array of a given shape: per axis a range, a stepped slice (negative steps
/// too) or one index, plus new length-1 axes; the same selections as NumPy's basic indexing
/// and ndview's [`View::slice`] / [`View::slice_str`], which validate them.
///
/// ```
/// use ndview::s;
/// use ndview_zarr::Region;
/// let r = Region::items(&[10, 20], &s![2..8;3, -1, None])?;
/// assert_eq!(r.shape(), vec![2, 1]);
/// assert_eq!(r.bounds(), vec![2..6, 19..20]);
/// assert_eq!(Region::parse(&[10, 20], "2:8:3, -1, None")?, r);
/// assert!(Region::parse(&[10, 20], "10").is_err()); // out of range, as in NumPy
/// # Ok::<(), ndview_zarr::ZarrError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    array_shape: Vec<u64>,
    picks: Vec<Pick>,
    out: Vec<Out>,
}

fn region_err(e: impl std::fmt::Display) -> ZarrError {
    ZarrError::Region(e.to_string())
}

/// Python's `slice(start, stop, step).indices(n)` and the resulting length.
fn normalise(start: Option<isize>, stop: Option<isize>, step: isize, n: u64) -> (u64, i64, u64) {
    let n = i128::from(n);
    let st = step as i128;
    let clamp = |v: Option<isize>, default: i128, lo: i128, hi: i128| match v {
        None => default,
        Some(v) if v < 0 => (v as i128 + n).max(lo),
        Some(v) => (v as i128).min(hi),
    };
    let (s, len) = if st > 0 {
        let s = clamp(start, 0, 0, n);
        let e = clamp(stop, n, 0, n);
        (s, if e > s { (e - s + st - 1) / st } else { 0 })
    } else {
        let s = clamp(start, n - 1, -1, n - 1);
        let e = clamp(stop, -1, -1, n - 1);
        (s, if s > e { (s - e - st - 1) / -st } else { 0 })
    };
    if len == 0 {
        (0, 1, 0)
    } else {
        (s as u64, step as i64, len as u64)
    }
}

/// Undoes a region's new axes, integer indices and negative steps on a view of its result
/// (`View` or `ViewMut`: the same shape methods, no shared trait).
macro_rules! one_axis_per_array_axis {
    ($region:expr, $view:expr) => {{
        let mut v = $view;
        for (j, o) in $region.out.iter().enumerate().rev() {
            if *o == Out::New {
                v = v.squeeze_axis(j as isize)?;
            }
        }
        for (d, p) in $region.picks.iter().enumerate() {
            if !p.kept {
                v = v.insert_axis(d as isize)?;
            }
            if p.step < 0 && p.len > 1 {
                v = v.flip(d as isize)?;
            }
        }
        Ok(v)
    }};
}

impl Region {
    /// The whole array.
    pub fn all(shape: &[u64]) -> Region {
        Region {
            array_shape: shape.to_vec(),
            picks: shape
                .iter()
                .map(|&n| Pick {
                    start: 0,
                    step: 1,
                    len: n,
                    kept: true,
                })
                .collect(),
            out: (0..shape.len()).map(Out::Axis).collect(),
        }
    }

    /// One range per axis, within the shape.
    pub fn ranges(shape: &[u64], ranges: &[Range<u64>]) -> Result<Region> {
        if ranges.len() != shape.len() {
            return Err(ZarrError::Region(format!(
                "{} ranges for an array of {} axes",
                ranges.len(),
                shape.len()
            )));
        }
        let mut r = Region::all(shape);
        for (d, (range, &n)) in ranges.iter().zip(shape).enumerate() {
            if range.start > range.end || range.end > n {
                return Err(ZarrError::Region(format!(
                    "range {range:?} of axis {d} is outside 0..{n}"
                )));
            }
            r.picks[d].start = range.start;
            r.picks[d].len = range.end - range.start;
        }
        Ok(r)
    }

    /// A NumPy basic index as items (ndview's [`s!`](ndview::s) macro).
    pub fn items(shape: &[u64], items: &[SliceItem]) -> Result<Region> {
        let expected = Region::proxy(shape, |v| v.slice(items))?;
        Region::from_valid_items(shape, items, &expected)
    }

    /// A NumPy basic index written as in Python, as ndview's [`View::slice_str`] reads it:
    /// `"1, ::-2, ..., None, 3:7"`.
    pub fn parse(shape: &[u64], index: &str) -> Result<Region> {
        let expected = Region::proxy(shape, |v| v.slice_str(index))?;
        let items = parse_items(index)?;
        Region::from_valid_items(shape, &items, &expected)
    }

    /// Applies an index to a stand-in view of the array's shape (one byte, zero strides), so
    /// that ndview validates it and gives the resulting shape.
    fn proxy(
        shape: &[u64],
        index: impl for<'b> FnOnce(&View<'b>) -> ndview::Result<View<'b>>,
    ) -> Result<Vec<usize>> {
        let dims = shape
            .iter()
            .map(|&n| usize::try_from(n).map_err(region_err))
            .collect::<Result<Vec<_>>>()?;
        let byte = [0u8];
        let stand_in = View::from_parts(&byte, "B", &dims, &vec![0; dims.len()], 0)?;
        Ok(index(&stand_in).map_err(region_err)?.shape().to_vec())
    }

    fn from_valid_items(shape: &[u64], items: &[SliceItem], expected: &[usize]) -> Result<Region> {
        let consuming = items
            .iter()
            .filter(|i| matches!(i, SliceItem::Index(_) | SliceItem::Slice { .. }))
            .count();
        let mut r = Region::all(shape);
        r.out.clear();
        let mut d = 0;
        let full = |r: &mut Region, d: &mut usize| {
            r.out.push(Out::Axis(*d));
            *d += 1;
        };
        for item in items {
            match *item {
                SliceItem::Index(i) => {
                    let n = shape
                        .get(d)
                        .copied()
                        .ok_or_else(|| region_err("too many indices"))?;
                    let p = if i < 0 {
                        i as i128 + i128::from(n)
                    } else {
                        i as i128
                    };
                    if p < 0 || p >= i128::from(n) {
                        return Err(region_err(format!(
                            "index {i} is out of range for axis {d}"
                        )));
                    }
                    r.picks[d] = Pick {
                        start: p as u64,
                        step: 1,
                        len: 1,
                        kept: false,
                    };
                    d += 1;
                }
                SliceItem::Slice { start, stop, step } => {
                    let n = shape
                        .get(d)
                        .copied()
                        .ok_or_else(|| region_err("too many indices"))?;
                    let step = step.unwrap_or(1);
                    if step == 0 {
                        return Err(region_err("slice step cannot be zero"));
                    }
                    let (start, step, len) = normalise(start, stop, step, n);
                    r.picks[d] = Pick {
                        start,
                        step,
                        len,
                        kept: true,
                    };
                    full(&mut r, &mut d);
                }
                SliceItem::NewAxis => r.out.push(Out::New),
                SliceItem::Ellipsis => {
                    for _ in 0..shape.len().saturating_sub(consuming) {
                        full(&mut r, &mut d);
                    }
                }
            }
        }
        while d < shape.len() {
            full(&mut r, &mut d);
        }
        if r.shape() != expected {
            return Err(region_err(format!(
                "internal: index gives shape {:?}, ndview says {expected:?}",
                r.shape()
            )));
        }
        Ok(r)
    }

    /// The shape of the selection (what a destination view must have).
    pub fn shape(&self) -> Vec<usize> {
        self.out
            .iter()
            .map(|o| match o {
                Out::Axis(d) => self.picks[*d].len as usize,
                Out::New => 1,
            })
            .collect()
    }

    /// The bounding box of the selected elements in array coordinates (empty ranges for an
    /// empty selection).
    pub fn bounds(&self) -> Vec<Range<u64>> {
        self.axes()
            .iter()
            .map(|a| {
                if a.len == 0 {
                    a.lo..a.lo
                } else {
                    a.lo..a.last() + 1
                }
            })
            .collect()
    }

    /// The selection per array axis, ascending.
    fn axes(&self) -> Vec<Axis> {
        self.picks
            .iter()
            .map(|p| {
                if p.len == 0 {
                    Axis {
                        lo: 0,
                        step: 1,
                        len: 0,
                    }
                } else if p.step < 0 {
                    let step = p.step.unsigned_abs();
                    Axis {
                        lo: p.start - (p.len - 1) * step,
                        step,
                        len: p.len,
                    }
                } else {
                    Axis {
                        lo: p.start,
                        step: p.step as u64,
                        len: p.len,
                    }
                }
            })
            .collect()
    }

    /// The ascending selection, checked against the array's shape.
    pub(crate) fn normalised(&self, array_shape: &[u64]) -> Result<Vec<Axis>> {
        if self.array_shape != array_shape {
            return Err(ZarrError::Region(format!(
                "the region was made for shape {:?}, the array has shape {array_shape:?}",
                self.array_shape
            )));
        }
        Ok(self.axes())
    }

    fn check_shape(&self, what: &str, shape: &[usize]) -> Result<()> {
        if shape != self.shape() {
            return Err(ZarrError::Mismatch(format!(
                "the {what} has shape {shape:?}, the region {:?}",
                self.shape()
            )));
        }
        Ok(())
    }

    /// The destination with one axis per array axis, each ascending.
    pub(crate) fn full_view_mut<'v>(&self, v: ViewMut<'v>) -> Result<ViewMut<'v>> {
        self.check_shape("destination", v.shape())?;
        one_axis_per_array_axis!(self, v)
    }

    /// The source with one axis per array axis, each ascending.
    pub(crate) fn full_view<'v>(&self, src: &View<'v>) -> Result<View<'v>> {
        self.check_shape("source", src.shape())?;
        one_axis_per_array_axis!(self, src.clone())
    }
}

/// Splits an index string that ndview has already accepted into items.
fn parse_items(index: &str) -> Result<Vec<SliceItem>> {
    let num = |t: &str| -> Result<Option<isize>> {
        let t = t.trim();
        if t.is_empty() || t == "None" {
            Ok(None)
        } else {
            t.parse::<isize>().map(Some).map_err(region_err)
        }
    };
    let mut items = Vec::new();
    let parts: Vec<&str> = index.split(',').map(str::trim).collect();
    for (k, part) in parts.iter().enumerate() {
        if part.is_empty() {
            if k + 1 == parts.len() && k > 0 {
                continue; // a trailing comma, as in "1,"
            }
            if parts.len() == 1 {
                continue; // the empty index selects everything
            }
            return Err(region_err(format!("empty item in index {index:?}")));
        }
        let item = match *part {
            "..." | "Ellipsis" => SliceItem::Ellipsis,
            "None" | "np.newaxis" | "newaxis" => SliceItem::NewAxis,
            p if p.contains(':') => {
                let f: Vec<&str> = p.split(':').collect();
                if f.len() > 3 {
                    return Err(region_err(format!("bad slice {p:?}")));
                }
                SliceItem::Slice {
                    start: num(f[0])?,
                    stop: num(f[1])?,
                    step: if f.len() == 3 { num(f[2])? } else { None },
                }
            }
            p => SliceItem::Index(num(p)?.ok_or_else(|| region_err(format!("bad index {p:?}")))?),
        };
        items.push(item);
    }
    Ok(items)
}
