//! `Array`: an owned, C-contiguous buffer with a format and a shape, as kernels return it.

mod convert;
mod delegate;

use crate::buffer::Buffer;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::Layout;
use crate::layout::{checked_count, checked_nbytes, Dims};
use crate::view::{RawView, View, ViewMut};

/// An owned, C-contiguous array: a [`Buffer`] (64-byte aligned), a [`Format`] and a shape.
///
/// ```
/// use ndview::{Array, Value};
/// let mut a = Array::zeros("<i", &[2, 3]).unwrap();
/// a.view_mut().set(&[1, 2], &Value::Int(7)).unwrap();
/// assert_eq!(a.view().tolist().unwrap().to_string(), "[[0, 0, 0], [0, 0, 7]]");
/// let b = Array::from_vec(vec![1.5f32, 2.5], &[2]).unwrap();
/// assert_eq!(b.as_slice::<f32>().unwrap(), &[1.5, 2.5]);
/// ```
pub struct Array {
    buf: Buffer,
    format: Format,
    shape: Dims,
}

impl Array {
    /// A zero-filled array of `format` elements.
    ///
    /// ```
    /// let mut a = ndview::Array::zeros("<f", &[2, 3]).unwrap();
    /// a.view_mut().slice_str("1, :").unwrap().fill(7.0f32).unwrap();
    /// assert_eq!(a.view().tolist().unwrap().to_string(), "[[0.0, 0.0, 0.0], [7.0, 7.0, 7.0]]");
    /// ```
    pub fn zeros(format: &str, shape: &[usize]) -> Result<Array> {
        Array::zeros_with(&Format::parse(format)?, shape)
    }

    /// Like [`Array::zeros`] with a parsed format.
    pub fn zeros_with(format: &Format, shape: &[usize]) -> Result<Array> {
        let bytes = checked_nbytes(shape, format.itemsize())?;
        Ok(Array {
            buf: Buffer::zeroed(bytes)?,
            format: format.clone(),
            shape: shape.into(),
        })
    }

    /// Adopts a vector without copying, with `T`'s native format and the given shape.
    ///
    /// ```
    /// let a = ndview::Array::from_vec(vec![1u16, 2, 3, 4, 5, 6], &[3, 2]).unwrap();
    /// assert_eq!(a.view().transpose().tolist().unwrap().to_string(), "[[1, 3, 5], [2, 4, 6]]");
    /// assert!(ndview::Array::from_vec(vec![1u16, 2, 3], &[2, 2]).is_err());
    /// ```
    pub fn from_vec<T: Element + bytemuck::Pod>(v: Vec<T>, shape: &[usize]) -> Result<Array> {
        checked_nbytes(shape, std::mem::size_of::<T>())?;
        let count = checked_count(shape)?;
        if count != v.len() {
            return Err(Error::Shape(format!(
                "a vector of {} elements cannot have shape {shape:?} ({count} elements)",
                v.len()
            )));
        }
        Ok(Array {
            buf: Buffer::from_vec(v),
            format: T::format(),
            shape: shape.into(),
        })
    }

    /// An array over an existing buffer, which must hold exactly `prod(shape) * itemsize`
    /// bytes.
    pub fn from_buffer(buf: Buffer, format: &Format, shape: &[usize]) -> Result<Array> {
        let bytes = checked_nbytes(shape, format.itemsize())?;
        if bytes != buf.len() {
            return Err(Error::Shape(format!(
                "shape {shape:?} of {}-byte elements needs {bytes} bytes, the buffer has {}",
                format.itemsize(),
                buf.len()
            )));
        }
        Ok(Array {
            buf,
            format: format.clone(),
            shape: shape.into(),
        })
    }

    /// A read-only view of the whole array.
    pub fn view(&self) -> View<'_> {
        View::wrap(RawView {
            bytes: self.buf.raw(),
            format: self.format.clone(),
            layout: Layout::c_contiguous(&self.shape, self.format.itemsize()),
        })
    }

    /// A writable view of the whole array.
    pub fn view_mut(&mut self) -> ViewMut<'_> {
        let layout = Layout::c_contiguous(&self.shape, self.format.itemsize());
        ViewMut::wrap(RawView {
            bytes: self.buf.raw(),
            format: self.format.clone(),
            layout,
        })
    }

    /// The element format.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The bytes, in C order.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_slice()
    }

    /// The bytes, writable.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.buf.as_mut_slice()
    }

    /// The underlying buffer.
    pub fn into_buffer(self) -> Buffer {
        self.buf
    }

    /// The elements as a slice of `T`, when the format holds `T` in native byte order (the
    /// buffer is aligned for every element type ndview allocates).
    pub fn as_slice<T: Element + bytemuck::Pod>(&self) -> Result<&[T]> {
        self.view().as_slice::<T>()
    }
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Array")
            .field("format", &self.format.as_str())
            .field("shape", &self.shape.as_slice())
            .field("buffer", &self.buf)
            .finish()
    }
}

impl std::fmt::Display for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.view(), f)
    }
}

impl<'a> View<'a> {
    /// The elements as `&[T]`, when the view is C-contiguous with positive strides, its format
    /// holds `T` in native byte order, and its data is aligned for `T`.
    pub fn as_slice<T: Element + bytemuck::Pod>(&self) -> Result<&'a [T]> {
        self.raw.typed_contiguous::<T>()?;
        // The format holds exactly a `T`, so the dense bytes are `len` `T`s back to back.
        typed_slice(self.dense_for().expect("a C-contiguous view is dense"))
    }

    /// A C-contiguous copy in a new [`Array`] (NumPy's `ascontiguousarray` / `copy()`).
    ///
    /// The only error is [`Error::Alloc`]: a broadcast view can describe far more bytes than
    /// memory holds.
    pub fn to_owned(&self) -> Result<Array> {
        let mut out = Array::zeros_with(self.format(), self.shape())?;
        self.tobytes_into(crate::Order::C, out.as_bytes_mut())?;
        Ok(out)
    }
}

impl<'a> ViewMut<'a> {
    /// The elements as `&mut [T]` (see [`View::as_slice`]).
    pub fn as_slice_mut<T: Element + bytemuck::Pod>(&mut self) -> Result<&mut [T]> {
        self.raw.typed_contiguous::<T>()?;
        typed_slice_mut(self.dense_mut().expect("a C-contiguous view is dense"))
    }
}

/// The elements' bytes as `T`s (`typed_contiguous` checked format and contiguity; the one
/// thing left is alignment).
fn typed_slice<T: bytemuck::Pod>(bytes: &[u8]) -> Result<&[T]> {
    if bytes.is_empty() {
        return Ok(&[]);
    }
    bytemuck::try_cast_slice(bytes).map_err(|_| misaligned::<T>(bytes.as_ptr()))
}

/// [`typed_slice`], writable.
fn typed_slice_mut<T: bytemuck::Pod>(bytes: &mut [u8]) -> Result<&mut [T]> {
    if bytes.is_empty() {
        return Ok(&mut []);
    }
    let ptr = bytes.as_ptr();
    bytemuck::try_cast_slice_mut(bytes).map_err(|_| misaligned::<T>(ptr))
}

fn misaligned<T>(ptr: *const u8) -> Error {
    Error::Type(format!(
        "the data is not aligned for {} (address {ptr:p})",
        std::any::type_name::<T>()
    ))
}

impl RawView {
    /// Whether the elements are a contiguous run of native `T`s, or why not.
    fn typed_contiguous<T: Element>(&self) -> Result<()> {
        let order = self.format.holds::<T>();
        if order != Some(crate::ByteOrder::NATIVE) {
            return Err(Error::Type(format!(
                "format {:?} does not hold {} in native byte order",
                self.format.as_str(),
                std::any::type_name::<T>()
            )));
        }
        let l = &self.layout;
        if !l.is_c_contiguous(self.itemsize()) {
            return Err(Error::Shape(
                "only a C-contiguous view is a slice; use to_owned() for a copy".to_owned(),
            ));
        }
        Ok(())
    }
}
