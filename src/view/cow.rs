//! NumPy's helpers that make views of several arrays or copy only when they must:
//! `frombuffer`, `broadcast_shapes`, `broadcast_arrays`, `ravel` / `ascontiguousarray`.

use super::{RawView, View, ViewMut};
use crate::array::Array;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::raw::RawBytes;

/// A view that borrows its elements, or an array that owns a copy of them: what
/// [`View::ravel`] and [`View::as_standard_layout`] return (ndarray's `CowArray`).
#[derive(Debug)]
pub enum CowArray<'a> {
    /// No copy was needed.
    View(View<'a>),
    /// A C-contiguous copy.
    Owned(Array),
}

impl CowArray<'_> {
    /// The elements as a view, borrowed either way.
    pub fn view(&self) -> View<'_> {
        match self {
            CowArray::View(v) => v.clone(),
            CowArray::Owned(a) => a.view(),
        }
    }

    /// True when the elements were copied.
    pub fn is_owned(&self) -> bool {
        matches!(self, CowArray::Owned(_))
    }
}

/// NumPy's `broadcast_shapes`: the shape that all of `shapes` broadcast to (aligned from
/// the right, each axis equal or 1), or [`Error::Shape`] naming them.
///
/// ```
/// assert_eq!(ndview::broadcast_shapes(&[&[3, 1], &[4]]).unwrap(), [3, 4]);
/// assert!(ndview::broadcast_shapes(&[&[3], &[4]]).is_err());
/// ```
pub fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Vec<usize>> {
    Ok(crate::layout::broadcast_shapes(shapes)?.to_vec())
}

/// NumPy's `broadcast_arrays`: every view broadcast to the common shape (read-only views
/// with zero strides where an axis repeats).
///
/// ```
/// let (col, row) = ([1u8, 2], [10u8, 20, 30]);
/// let col = ndview::View::from_bytes(&col).reshape(&[2, 1]).unwrap();
/// let both = ndview::broadcast_arrays(&[col, ndview::View::from_bytes(&row)]).unwrap();
/// assert_eq!(both[0].shape(), &[2, 3]);
/// assert_eq!(both[1].strides(), &[0, 1]);
/// ```
pub fn broadcast_arrays<'a>(views: &[View<'a>]) -> Result<Vec<View<'a>>> {
    let shapes: Vec<&[usize]> = views.iter().map(|v| v.shape()).collect();
    let shape = crate::layout::broadcast_shapes(&shapes)?;
    views.iter().map(|v| v.broadcast_to(&shape)).collect()
}

/// Checks NumPy's `frombuffer` arguments and returns the 1-D layout's element count.
fn frombuffer_count(
    len: usize,
    format: &Format,
    count: Option<usize>,
    offset: usize,
) -> Result<usize> {
    if offset > len {
        return Err(Error::Geometry(format!(
            "offset must be non-negative and no greater than buffer length ({len}), not {offset}"
        )));
    }
    let itemsize = format.itemsize();
    let available = len - offset;
    match count {
        None if itemsize == 0 => Err(Error::Shape(
            "a format of itemsize 0 needs an explicit count".to_owned(),
        )),
        None if available % itemsize != 0 => Err(Error::Shape(format!(
            "buffer size must be a multiple of element size: {available} bytes after offset \
             {offset} are not whole {itemsize}-byte elements; give a count"
        ))),
        None => Ok(available / itemsize),
        Some(n) => match n.checked_mul(itemsize) {
            Some(bytes) if bytes <= available => Ok(n),
            _ => Err(Error::Geometry(format!(
                "buffer is smaller than requested size: {n} elements of {itemsize} bytes after \
                 offset {offset}, {available} bytes there"
            ))),
        },
    }
}

fn frombuffer_raw(
    bytes: RawBytes,
    format: &str,
    count: Option<usize>,
    offset: usize,
) -> Result<RawView> {
    let format = Format::parse(format)?;
    let n = frombuffer_count(bytes.len(), &format, count, offset)?;
    let stride = format.itemsize() as isize;
    RawView::from_parts(bytes, format, &[n], &[stride], offset)
}

impl<'a> View<'a> {
    /// NumPy's `frombuffer(buffer, dtype, count, offset)`: a 1-D view of `count` elements
    /// of `format` from byte `offset` (`None`: as many as the rest of the buffer holds, which
    /// must then be whole elements).
    ///
    /// ```
    /// let bytes = [0xffu8, 1, 0, 2, 0, 3, 0];
    /// let v = ndview::View::frombuffer(&bytes, "<h", None, 1).unwrap();
    /// assert_eq!(v.to_vec::<i16>().unwrap(), [1, 2, 3]);
    /// assert!(ndview::View::frombuffer(&bytes, "<h", None, 0).is_err()); // 7 bytes
    /// assert_eq!(ndview::View::frombuffer(&bytes, "<h", Some(2), 1).unwrap().len(), 2);
    /// ```
    pub fn frombuffer(
        bytes: &'a [u8],
        format: &str,
        count: Option<usize>,
        offset: usize,
    ) -> Result<View<'a>> {
        Ok(View::wrap(frombuffer_raw(
            RawBytes::of(bytes),
            format,
            count,
            offset,
        )?))
    }

    /// NumPy's `ravel()`: the elements in C order as a 1-D view of the same memory when the
    /// view is C-contiguous, else a C-contiguous copy (as NumPy, which copies a strided 1-D
    /// view too: the result is always contiguous; `reshape(&[INFER])` keeps any strides).
    ///
    /// ```
    /// let data: Vec<u16> = (0..6).collect();
    /// let m = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
    /// assert!(!m.ravel().unwrap().is_owned());
    /// let t = m.transpose().ravel().unwrap();
    /// assert!(t.is_owned());
    /// assert_eq!(t.view().to_vec::<u16>().unwrap(), [0, 3, 1, 4, 2, 5]);
    /// let stepped = ndview::View::from_slice(&data).slice_str("::2").unwrap().ravel().unwrap();
    /// assert!(stepped.is_owned() && stepped.view().as_slice::<u16>().is_ok());
    /// ```
    pub fn ravel(&self) -> Result<CowArray<'a>> {
        match self.reshape(&[self.len()]) {
            Ok(flat) if self.is_c_contiguous() => Ok(CowArray::View(flat)),
            _ => {
                let copy = self.to_owned()?;
                let n = copy.len();
                let format = copy.format().clone();
                Ok(CowArray::Owned(Array::from_buffer(
                    copy.into_buffer(),
                    &format,
                    &[n],
                )?))
            }
        }
    }

    /// NumPy's `ascontiguousarray` / ndarray's `as_standard_layout`: the view itself when it
    /// is C-contiguous, else a C-contiguous copy.
    pub fn as_standard_layout(&self) -> Result<CowArray<'a>> {
        if self.is_c_contiguous() {
            Ok(CowArray::View(self.clone()))
        } else {
            Ok(CowArray::Owned(self.to_owned()?))
        }
    }
}

impl<'a> ViewMut<'a> {
    /// [`View::frombuffer`] over writable bytes (NumPy gives a writable array for a writable
    /// buffer).
    pub fn frombuffer(
        bytes: &'a mut [u8],
        format: &str,
        count: Option<usize>,
        offset: usize,
    ) -> Result<ViewMut<'a>> {
        Ok(ViewMut::wrap(frombuffer_raw(
            RawBytes::of_mut(bytes),
            format,
            count,
            offset,
        )?))
    }
}
