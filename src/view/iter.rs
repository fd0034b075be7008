//! Sub-views without copying: iteration along an axis, lanes, sliding windows, splits, and
//! the shape helpers NumPy users reach for (`moveaxis`, `rot90`).
//!
//! The iterators own what they need (a copy of the view's geometry), so they do not borrow the
//! view they came from, and their items are plain `View<'a>`s: walking positions of a valid
//! view cannot fail.

use super::{RawView, View};
use crate::error::{Error, Result};
use crate::layout::axis_index;
use crate::value::Value;
use std::marker::PhantomData;
use std::ops::Range;

/// The views at each position along one axis (that axis removed), like iterating a NumPy
/// array (`for row in a`) or ndarray's `axis_iter`.
#[derive(Clone)]
pub struct AxisIter<'a> {
    raw: RawView,
    axis: usize,
    positions: Range<usize>,
    _borrow: PhantomData<&'a [u8]>,
}

impl<'a> AxisIter<'a> {
    fn at(&self, i: usize) -> View<'a> {
        View::wrap(
            self.raw
                .with_layout(self.raw.layout.index_axis(self.axis, i)),
        )
    }
}

impl<'a> Iterator for AxisIter<'a> {
    type Item = View<'a>;

    fn next(&mut self) -> Option<View<'a>> {
        let i = self.positions.next()?;
        Some(self.at(i))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.positions.size_hint()
    }
}

impl DoubleEndedIterator for AxisIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let i = self.positions.next_back()?;
        Some(self.at(i))
    }
}

impl ExactSizeIterator for AxisIter<'_> {}

/// The 1-D views along one axis, one for every position of the other axes in C order (NumPy's
/// `np.moveaxis(a, axis, -1).reshape(-1, n)` rows, without the copy; ndarray's `lanes`).
#[derive(Clone)]
pub struct Lanes<'a> {
    /// The view with the lane axis moved last.
    raw: RawView,
    /// Positions over the other axes, counted in C order.
    positions: Range<usize>,
    _borrow: PhantomData<&'a [u8]>,
}

impl<'a> Lanes<'a> {
    fn at(&self, mut i: usize) -> View<'a> {
        let mut layout = self.raw.layout.clone();
        let outer = layout.ndim() - 1;
        for k in (0..outer).rev() {
            let d = layout.shape[k];
            layout.offset += (i % d) as isize * layout.strides[k];
            i /= d;
        }
        layout.shape.drain(..outer);
        layout.strides.drain(..outer);
        View::wrap(self.raw.with_layout(layout))
    }
}

impl<'a> Iterator for Lanes<'a> {
    type Item = View<'a>;

    fn next(&mut self) -> Option<View<'a>> {
        let i = self.positions.next()?;
        Some(self.at(i))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.positions.size_hint()
    }
}

impl ExactSizeIterator for Lanes<'_> {}

impl<'a> View<'a> {
    /// Each element's value in C order, decoded as [`View::tolist`] decodes one (NumPy's
    /// `a.flat`, memoryview's iteration of a 1-D view): a pull walk that stops where the caller
    /// stops, so a search needs no list of every element. An element that does not decode
    /// (an opaque format's, [`Error::Undecodable`]) gives its error.
    ///
    /// ```
    /// let data = [3u16, 1, 4, 1, 5, 9];
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 3])?;
    /// let found = v.transpose().flat().position(|x| x.is_ok_and(|x| x == ndview::Value::Int(5)));
    /// assert_eq!(found, Some(3)); // C order of the transpose: 3 1 1 5 4 9
    /// # Ok::<(), ndview::Error>(())
    /// ```
    pub fn flat(&self) -> impl DoubleEndedIterator<Item = Result<Value>> + ExactSizeIterator + 'a {
        let format = self.format().clone();
        self.elements_for()
            .map(move |bytes| format.decode_value(bytes))
    }

    /// The views along the first axis, as NumPy's `for row in arr` gives them (for a 1-D
    /// view, 0-d views: read each with `get(&[])`). A 0-d view has no axis and yields nothing
    /// (memoryview and NumPy raise `TypeError` there). The iterator does not borrow `self`.
    ///
    /// ```
    /// let data: Vec<u8> = (0..6).collect();
    /// let v = ndview::View::from_bytes(&data).reshape(&[2, 3]).unwrap();
    /// let rows: Vec<String> = v.iter().map(|r| r.tolist().unwrap().to_string()).collect();
    /// assert_eq!(rows, ["[0, 1, 2]", "[3, 4, 5]"]);
    /// let items: Vec<String> = v.iter().next().unwrap().iter().map(|x| x.get(&[]).unwrap().to_string()).collect();
    /// assert_eq!(items, ["0", "1", "2"]);
    /// ```
    pub fn iter(&self) -> AxisIter<'a> {
        let n = self.shape().first().copied().unwrap_or(0);
        AxisIter {
            raw: self.raw.clone(),
            axis: 0,
            positions: 0..n,
            _borrow: PhantomData,
        }
    }

    /// The views at each position along `axis` (negative counts from the end).
    ///
    /// ```
    /// let data: Vec<u8> = (0..6).collect();
    /// let v = ndview::View::from_bytes(&data).reshape(&[2, 3]).unwrap();
    /// let cols: Vec<_> = v.axis_iter(-1).unwrap().map(|c| c.sum::<u8>().unwrap()).collect();
    /// assert_eq!(cols, [3, 5, 7]);
    /// ```
    pub fn axis_iter(&self, axis: isize) -> Result<AxisIter<'a>> {
        let axis = axis_index(axis, self.ndim())?;
        Ok(AxisIter {
            raw: self.raw.clone(),
            axis,
            positions: 0..self.shape()[axis],
            _borrow: PhantomData,
        })
    }

    /// The 1-D lanes along `axis`: for an RGB image `[h, w, 3]`, `lanes(-1)` yields each
    /// pixel's three channels.
    ///
    /// ```
    /// let data: Vec<u8> = (0..12).collect();
    /// let img = ndview::View::from_bytes(&data).reshape(&[2, 2, 3]).unwrap();
    /// let px: Vec<String> = img.lanes(-1).unwrap().map(|p| p.tolist().unwrap().to_string()).collect();
    /// assert_eq!(px[3], "[9, 10, 11]");
    /// ```
    pub fn lanes(&self, axis: isize) -> Result<Lanes<'a>> {
        let ndim = self.ndim();
        let axis = axis_index(axis, ndim)?;
        let mut perm: Vec<usize> = (0..ndim).filter(|&k| k != axis).collect();
        perm.push(axis);
        let layout = self.raw.layout.permute_axes(&perm)?;
        let count = layout.shape[..ndim - 1].iter().product();
        Ok(Lanes {
            raw: self.raw.with_layout(layout),
            positions: 0..count,
            _borrow: PhantomData,
        })
    }

    /// NumPy's `sliding_window_view(v, window)`: a view of every window, without copying; the
    /// leading axes count the window positions, the trailing ones are the window.
    ///
    /// ```
    /// let data: Vec<i32> = (0..5).collect();
    /// let v = ndview::View::from_slice(&data);
    /// let w = v.windows(&[3]).unwrap();
    /// assert_eq!(w.tolist().unwrap().to_string(), "[[0, 1, 2], [1, 2, 3], [2, 3, 4]]");
    /// ```
    pub fn windows(&self, window: &[usize]) -> Result<View<'a>> {
        let layout = self.raw.layout.windows(window)?;
        layout.validate(self.raw.bytes.len(), self.itemsize())?;
        Ok(View::wrap(self.raw.with_layout(layout)))
    }

    /// Non-overlapping windows of `chunk`'s shape that fit whole (ndarray's `exact_chunks`):
    /// a view whose leading axes count the chunks and trailing axes are a chunk; a remainder
    /// that does not fill a chunk is left out.
    ///
    /// ```
    /// let data: Vec<u8> = (0..7).collect();
    /// let c = ndview::View::from_bytes(&data).exact_chunks(&[3]).unwrap();
    /// assert_eq!(c.tolist().unwrap().to_string(), "[[0, 1, 2], [3, 4, 5]]");
    /// ```
    pub fn exact_chunks(&self, chunk: &[usize]) -> Result<View<'a>> {
        if chunk.contains(&0) {
            return Err(Error::Shape(
                "a chunk needs at least one position along every axis".to_owned(),
            ));
        }
        let windows = self.windows(chunk)?;
        let mut layout = windows.raw.layout.clone();
        for (k, &c) in chunk.iter().enumerate() {
            layout.shape[k] = self.shape()[k] / c;
            layout.strides[k] = layout.strides[k].wrapping_mul(c as isize);
            if layout.shape[k] <= 1 {
                // A stride of an axis with at most one position is never used; keep the
                // original so nothing can overflow.
                layout.strides[k] = self.strides()[k];
            }
        }
        layout.validate(self.raw.bytes.len(), self.itemsize())?;
        Ok(View::wrap(self.raw.with_layout(layout)))
    }

    /// The two views `[..index]` and `[index..]` along `axis` (as [`ViewMut::split_at`](crate::ViewMut::split_at)).
    pub fn split_at(&self, axis: isize, index: usize) -> Result<(View<'a>, View<'a>)> {
        let (a, b) = self.raw.layout.split_at(axis, index)?;
        Ok((
            View::wrap(self.raw.with_layout(a)),
            View::wrap(self.raw.with_layout(b)),
        ))
    }

    /// NumPy's `moveaxis(v, source, destination)`: one axis moved, the others in order.
    ///
    /// ```
    /// let data = [0u8; 24];
    /// let v = ndview::View::from_bytes(&data).reshape(&[2, 3, 4]).unwrap();
    /// assert_eq!(v.moveaxis(0, -1).unwrap().shape(), &[3, 4, 2]);
    /// ```
    pub fn moveaxis(&self, source: isize, destination: isize) -> Result<View<'a>> {
        let ndim = self.ndim();
        let (s, d) = (axis_index(source, ndim)?, axis_index(destination, ndim)?);
        let mut perm: Vec<usize> = (0..ndim).filter(|&k| k != s).collect();
        perm.insert(d, s);
        let layout = self.raw.layout.permute_axes(&perm)?;
        Ok(View::wrap(self.raw.with_layout(layout)))
    }

    /// NumPy's `rot90(v, k, axes)`: rotated by 90 degrees `k` times from the first axis of
    /// `axes` towards the second, without copying.
    ///
    /// ```
    /// let data: Vec<u8> = (0..6).collect();
    /// let v = ndview::View::from_bytes(&data).reshape(&[2, 3]).unwrap();
    /// assert_eq!(v.rot90(1, [0, 1]).unwrap().tolist().unwrap().to_string(), "[[2, 5], [1, 4], [0, 3]]");
    /// ```
    pub fn rot90(&self, k: isize, axes: [isize; 2]) -> Result<View<'a>> {
        let ndim = self.ndim();
        if ndim < 2 {
            return Err(Error::Shape(
                "rot90 needs at least two axes (NumPy: Axes must be different)".to_owned(),
            ));
        }
        let (a, b) = (axis_index(axes[0], ndim)?, axis_index(axes[1], ndim)?);
        if a == b {
            return Err(Error::Shape(
                "rot90's two axes must be different (NumPy: Axes must be different)".to_owned(),
            ));
        }
        let (a, b) = (a as isize, b as isize);
        match k.rem_euclid(4) {
            0 => Ok(self.clone()),
            2 => self.flip(a)?.flip(b),
            // NumPy: k = 1 is flip(axes[1]) then swap; k = 3 is swap then flip(axes[1]).
            1 => self.flip(b)?.swap_axes(a, b),
            _ => self.swap_axes(a, b)?.flip(b),
        }
    }
}
