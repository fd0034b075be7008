//! NumPy basic indexing: integers, `start:stop:step`, `...` and `None`, applied to a layout.

use super::{Dims, Layout, Strides};
use crate::error::{Error, PyErr, Result};
use smallvec::SmallVec;

/// One item of a NumPy basic index, as in `a[1, ::-2, ..., None, 3:7]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceItem {
    /// An integer: selects one position and removes the axis; negative counts from the end.
    Index(isize),
    /// `start:stop:step`; `None` for an omitted part. Python's clamping and defaults apply
    /// (with a negative step the start defaults to the last element, the stop to "before 0").
    Slice {
        /// First position (omitted: 0, or the last position when stepping backwards).
        start: Option<isize>,
        /// One past the last position (omitted: the end, or before 0 stepping backwards).
        stop: Option<isize>,
        /// Step; zero is an error (omitted: 1).
        step: Option<isize>,
    },
    /// `None` (`np.newaxis`): inserts an axis of length 1 with stride 0.
    NewAxis,
    /// `...`: as many full slices as the other items leave axes.
    Ellipsis,
}

impl SliceItem {
    /// The full slice `:`.
    pub const FULL: SliceItem = SliceItem::Slice {
        start: None,
        stop: None,
        step: None,
    };

    /// `start:stop:step` from plain numbers.
    #[inline]
    pub fn range(start: Option<isize>, stop: Option<isize>, step: isize) -> SliceItem {
        SliceItem::Slice {
            start,
            stop,
            step: Some(step),
        }
    }
}

/// The error for a zero slice step.
fn zero_step() -> Error {
    Error::index(
        PyErr::ValueError,
        "slice step cannot be zero; use a positive or negative step",
    )
}

/// Python's `slice.indices(n)` followed by NumPy's normalisation of empty slices: returns
/// `(start, step, length)`, or `None` for a zero step.
#[inline(always)]
pub(crate) fn slice_indices(
    start: Option<isize>,
    stop: Option<isize>,
    step: Option<isize>,
    n: usize,
) -> Option<(isize, isize, usize)> {
    let step = match step {
        None => 1,
        Some(0) => return None,
        // CPython replaces -PY_SSIZE_T_MAX-1 so that negating it cannot overflow.
        Some(s) => s.max(-isize::MAX),
    };
    let n = n as isize;
    let adjust = |v: isize| -> isize {
        if v < 0 {
            let v = v + n;
            if v < 0 {
                if step < 0 {
                    -1
                } else {
                    0
                }
            } else {
                v
            }
        } else if v >= n {
            if step < 0 {
                n - 1
            } else {
                n
            }
        } else {
            v
        }
    };
    let start = adjust(start.unwrap_or(if step < 0 { isize::MAX } else { 0 }));
    let stop = adjust(stop.unwrap_or(if step < 0 { isize::MIN } else { isize::MAX }));
    let len = if step < 0 {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    if len <= 0 {
        // NumPy: an empty slice always points at the start with step 1.
        return Some((0, 1, 0));
    }
    Some((start, step, len as usize))
}

impl Layout {
    /// Applies a NumPy basic index. The result's shape, strides and offset are NumPy's.
    pub fn slice(&self, items: &[SliceItem]) -> Result<Layout> {
        let ndim = self.ndim();
        let (mut consumed, mut ellipses, mut ints) = (0usize, 0usize, 0usize);
        for item in items {
            match item {
                SliceItem::Index(_) => {
                    consumed += 1;
                    ints += 1;
                }
                SliceItem::Slice { .. } => consumed += 1,
                SliceItem::Ellipsis => ellipses += 1,
                SliceItem::NewAxis => {}
            }
        }
        if ellipses > 1 {
            return Err(Error::index(
                PyErr::IndexError,
                "an index can only have a single ellipsis ('...')",
            ));
        }
        if consumed > ndim {
            return Err(Error::index(
                PyErr::IndexError,
                format!(
                    "too many indices for array: array is {ndim}-dimensional, but {consumed} \
                     were indexed"
                ),
            ));
        }
        let out_nd = ndim - ints + (items.len() - consumed - ellipses);
        if out_nd > crate::MAX_NDIM {
            return Err(Error::index(
                PyErr::IndexError,
                format!(
                    "the index makes {out_nd} dimensions; at most {} are allowed",
                    crate::MAX_NDIM
                ),
            ));
        }
        // Up to six axes are written into plain arrays and moved into the inline vectors
        // once; more go through pushes.
        if out_nd <= 6 {
            let mut sink = Inline {
                shape: [0; 6],
                strides: [0; 6],
                k: 0,
            };
            let offset = self.walk_items(items, consumed, &mut sink)?;
            Ok(Layout {
                shape: Dims::from_buf_and_len(sink.shape, out_nd),
                strides: Strides::from_buf_and_len(sink.strides, out_nd),
                offset,
            })
        } else {
            let mut sink = (Dims::new(), Strides::new());
            let offset = self.walk_items(items, consumed, &mut sink)?;
            Ok(Layout {
                shape: sink.0,
                strides: sink.1,
                offset,
            })
        }
    }

    /// Walks the index items, putting each output axis into `sink`; returns the offset.
    #[inline(always)]
    fn walk_items(
        &self,
        items: &[SliceItem],
        consumed: usize,
        sink: &mut impl Sink,
    ) -> Result<isize> {
        let ndim = self.ndim();
        let mut offset = self.offset;
        let mut axis = 0;
        for item in items {
            match *item {
                SliceItem::Index(i) => {
                    let d = self.shape[axis] as isize;
                    if i < -d || i >= d {
                        return Err(Error::index(
                            PyErr::IndexError,
                            format!("index {i} is out of bounds for axis {axis} with size {d}"),
                        ));
                    }
                    let i = if i < 0 { i + d } else { i };
                    offset += i * self.strides[axis];
                    axis += 1;
                }
                SliceItem::Slice { start, stop, step } => {
                    let (start, step, len) =
                        slice_indices(start, stop, step, self.shape[axis]).ok_or_else(zero_step)?;
                    let s = self.strides[axis];
                    offset += start * s;
                    // A stride only matters when the axis has two or more elements, and then
                    // the product fits; for length 1 it wraps as NumPy's C arithmetic does.
                    sink.put(len, s.wrapping_mul(step));
                    axis += 1;
                }
                SliceItem::NewAxis => sink.put(1, 0),
                SliceItem::Ellipsis => {
                    for _ in 0..ndim - consumed {
                        sink.put(self.shape[axis], self.strides[axis]);
                        axis += 1;
                    }
                }
            }
        }
        while axis < ndim {
            sink.put(self.shape[axis], self.strides[axis]);
            axis += 1;
        }
        Ok(offset)
    }
}

/// Where [`Layout::walk_items`] puts the output axes.
trait Sink {
    fn put(&mut self, len: usize, stride: isize);
}

/// Up to six axes in plain arrays.
struct Inline {
    shape: [usize; 6],
    strides: [isize; 6],
    k: usize,
}

impl Sink for Inline {
    #[inline(always)]
    fn put(&mut self, len: usize, stride: isize) {
        // The caller sized the result to at most six axes.
        self.shape[self.k] = len;
        self.strides[self.k] = stride;
        self.k += 1;
    }
}

impl Sink for (Dims, Strides) {
    #[inline(always)]
    fn put(&mut self, len: usize, stride: isize) {
        self.0.push(len);
        self.1.push(stride);
    }
}

/// Up to 8 items stay inline when parsing an index string.
pub(crate) type Items = SmallVec<[SliceItem; 8]>;

/// Parses NumPy basic-index syntax: `"1, ::-2, ..., None, 3:7"`.
pub(crate) fn parse_index(expr: &str) -> Result<Items> {
    let mut p = IndexParser {
        expr,
        b: expr.as_bytes(),
        pos: 0,
    };
    let mut items = Items::new();
    p.skip_space();
    if p.pos == p.b.len() {
        return Ok(items);
    }
    loop {
        items.push(p.item()?);
        p.skip_space();
        match p.peek() {
            None => break,
            Some(b',') => {
                p.pos += 1;
                p.skip_space();
                if p.peek().is_none() {
                    break; // a trailing comma, as in a[1,]
                }
            }
            Some(_) => return Err(p.error("expected ',' between index items")),
        }
    }
    Ok(items)
}

struct IndexParser<'s> {
    expr: &'s str,
    b: &'s [u8],
    pos: usize,
}

impl IndexParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn error(&self, reason: &str) -> Error {
        let position = self
            .expr
            .char_indices()
            .take_while(|&(i, _)| i < self.pos)
            .count();
        let found = match self.expr[self.pos.min(self.expr.len())..].chars().next() {
            Some(c) => format!("found {c:?}"),
            None => "found the end".to_owned(),
        };
        Error::IndexSyntax {
            expr: self.expr.to_owned(),
            position,
            reason: format!(
                "{reason}, {found}; an index is integers, start:stop:step slices, '...' and \
                 'None' separated by commas"
            ),
        }
    }

    fn item(&mut self) -> Result<SliceItem> {
        let rest = &self.b[self.pos..];
        for (word, item) in [
            (&b"..."[..], SliceItem::Ellipsis),
            (b"np.newaxis", SliceItem::NewAxis),
            (b"newaxis", SliceItem::NewAxis),
            (b"None", SliceItem::NewAxis),
        ] {
            if rest.starts_with(word)
                && !rest
                    .get(word.len())
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                self.pos += word.len();
                return Ok(item);
            }
        }
        let start = self.int()?;
        self.skip_space();
        if self.peek() != Some(b':') {
            return match start {
                Some(Int::Fits(i)) => Ok(SliceItem::Index(i)),
                Some(Int::Huge(_)) => Err(Error::index(
                    PyErr::IndexError,
                    "cannot fit 'int' into an index-sized integer",
                )),
                None => Err(self.error("expected an index item")),
            };
        }
        self.pos += 1;
        self.skip_space();
        let stop = self.int()?;
        self.skip_space();
        let mut step = None;
        if self.peek() == Some(b':') {
            self.pos += 1;
            self.skip_space();
            step = self.int()?;
        }
        Ok(SliceItem::Slice {
            start: start.map(Int::clamped),
            stop: stop.map(Int::clamped),
            step: step.map(Int::clamped),
        })
    }

    /// An optional Python integer; values beyond `isize` are remembered as such, since slice
    /// bounds clamp them (as CPython does) while plain indices refuse them.
    fn int(&mut self) -> Result<Option<Int>> {
        let start = self.pos;
        let neg = match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                true
            }
            Some(b'+') => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        let digits_at = self.pos;
        let mut value: i128 = 0;
        let mut huge = false;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            match value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(c - b'0')))
            {
                Some(v) => value = v,
                None => huge = true,
            }
            self.pos += 1;
        }
        if self.pos == digits_at {
            if self.pos > start {
                return Err(self.error("expected digits after the sign"));
            }
            return Ok(None);
        }
        let value = if neg { -value } else { value };
        Ok(Some(match isize::try_from(value) {
            Ok(v) if !huge => Int::Fits(v),
            _ => Int::Huge(neg),
        }))
    }
}

/// A parsed Python integer.
enum Int {
    Fits(isize),
    /// Beyond `isize`; `true` when negative.
    Huge(bool),
}

impl Int {
    fn clamped(self) -> isize {
        match self {
            Int::Fits(v) => v,
            Int::Huge(true) => isize::MIN,
            Int::Huge(false) => isize::MAX,
        }
    }
}
