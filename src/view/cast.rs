//! `cast` (exactly `memoryview.cast`) and `view_as` (NumPy's `ndarray.view(dtype)`).

use super::{RawView, View, ViewMut};
use crate::error::{Error, PyErr, Result};
use crate::format::Format;
use crate::layout::Layout;

impl RawView {
    /// memoryview.cast, with CPython's checks in CPython's order
    /// (Objects/memoryobject.c: `memory_cast`, `cast_to_1D`, `cast_to_ND`).
    fn cast(&self, format: &str, shape: Option<&[usize]>) -> Result<RawView> {
        let l = &self.layout;
        let itemsize = self.itemsize();
        let type_err = |msg: &str| Error::cast(PyErr::TypeError, msg);
        let value_err = |msg: &str| Error::cast(PyErr::ValueError, msg);
        if !l.is_c_contiguous_cpython(itemsize) {
            return Err(type_err("casts are restricted to C-contiguous views"));
        }
        if (shape.is_some() || l.ndim() != 1) && l.shape.contains(&0) {
            return Err(type_err("cannot cast view with zeros in shape or strides"));
        }
        if let Some(s) = shape {
            Error::check_ndim(s.len())?;
            if l.ndim() != 1 && s.len() != 1 {
                return Err(type_err("cast must be 1D -> ND or ND -> 1D"));
            }
        }
        // cast_to_1D
        let dest = Format::parse(format)
            .ok()
            .filter(|f| f.native_char().is_some())
            .ok_or_else(|| {
                value_err(
                    "destination format must be a native single character format \
                     prefixed with an optional '@'",
                )
            })?;
        if !self.format.is_byte_format() && !dest.is_byte_format() {
            return Err(type_err(
                "cannot cast between two non-byte formats (one side must be \
                 'B', 'b' or 'c')",
            ));
        }
        let nbytes = l.len() * itemsize;
        let new_size = dest.itemsize();
        if nbytes % new_size != 0 {
            return Err(type_err("length is not a multiple of itemsize"));
        }
        // cast_to_ND
        let new_shape: &[usize] = match shape {
            None => &[nbytes / new_size],
            Some(s) => {
                let mut len = new_size;
                for &x in s {
                    if x == 0 {
                        return Err(value_err(
                            "memoryview.cast(): elements of shape must be integers > 0",
                        ));
                    }
                    len = len
                        .checked_mul(x)
                        .filter(|&n| n <= isize::MAX as usize)
                        .ok_or_else(|| {
                            value_err("memoryview.cast(): product(shape) > SSIZE_MAX")
                        })?;
                }
                if len != nbytes {
                    return Err(type_err("product(shape) * itemsize != buffer size"));
                }
                s
            }
        };
        let mut layout = Layout::c_contiguous(new_shape, new_size);
        layout.offset = l.offset;
        RawView::new(self.bytes, dest, layout)
    }

    /// NumPy's `ndarray.view(dtype)` (numpy/_core/src/multiarray/getset.c, `array_descr_set`).
    fn view_as(&self, format: &Format) -> Result<RawView> {
        let l = &self.layout;
        let (old, new) = (self.itemsize(), format.itemsize());
        let mut layout = l.clone();
        if new != old {
            let value_err = |msg: &str| Error::cast(PyErr::ValueError, msg);
            let Some(axis) = l.ndim().checked_sub(1) else {
                return Err(value_err(
                    "Changing the dtype of a 0d array is only supported if the itemsize is \
                     unchanged",
                ));
            };
            if l.shape[axis] != 1 && !l.is_empty() && l.strides[axis] != old as isize {
                return Err(value_err(
                    "To change to a dtype of a different size, the last axis must be contiguous",
                ));
            }
            if new < old {
                if new == 0 || old % new != 0 {
                    return Err(value_err(
                        "When changing to a smaller dtype, its size must be a divisor of the \
                         size of original dtype",
                    ));
                }
                layout.shape[axis] *= old / new;
            } else {
                let bytes = l.shape[axis] * old;
                if bytes % new != 0 {
                    return Err(value_err(
                        "When changing to a larger dtype, its size must be a divisor of the \
                         total size in bytes of the last axis of the array.",
                    ));
                }
                layout.shape[axis] = bytes / new;
            }
            layout.strides[axis] = new as isize;
        }
        // A wider element can push an empty view's other lengths past NumPy's size rule
        // ("array is too big"); checking the whole layout also covers any other reach.
        RawView::new(self.bytes, format.clone(), layout)
    }
}

macro_rules! cast_ops {
    ($ty:ident; $($recv:tt)*) => {
        impl<'a> $ty<'a> {
            /// Exactly `memoryview.cast(format, shape)`: the view must be C-contiguous, the cast
            /// goes 1-D to N-D or N-D to 1-D, the destination is a native single-character
            /// format (an optional `@` is kept verbatim), one side must be a byte format
            /// (`B`, `b`, `c`), and the bytes must divide evenly. `Some(&[])` gives a 0-d view.
            /// Each refusal is CPython's, in CPython's order, with its exception type.
            ///
            /// ```
            /// let data = [1u8, 0, 0, 0, 2, 0, 0, 0];
            /// let v = ndview::View::from_bytes(&data);
            /// let ints = v.cast("<i".trim_start_matches('<'), Some(&[2])).unwrap();
            /// assert_eq!(ints.tolist().unwrap().to_string(), "[1, 2]");
            /// assert!(ints.cast("f", None).is_err()); // two non-byte formats
            /// ```
            pub fn cast($($recv)* self, format: &str, shape: Option<&[usize]>) -> Result<$ty<'a>> {
                let raw = self.raw.cast(format, shape)?;
                Ok($ty::wrap(raw))
            }

            /// NumPy's `ndarray.view(dtype)` with a format: the same bytes as elements of
            /// another format. When the itemsize changes, the last axis must be contiguous (or
            /// have length 0 or 1) and is rescaled; a 0-d view cannot change its itemsize.
            /// Works on non-contiguous views otherwise.
            pub fn view_as($($recv)* self, format: &str) -> Result<$ty<'a>> {
                let raw = self.raw.view_as(&Format::parse(format)?)?;
                Ok($ty::wrap(raw))
            }

            /// Like [`Self::view_as`] with a parsed [`Format`] (which may carry an itemsize).
            pub fn view_as_format($($recv)* self, format: &Format) -> Result<$ty<'a>> {
                let raw = self.raw.view_as(format)?;
                Ok($ty::wrap(raw))
            }
        }
    };
}

cast_ops!(View; &);
cast_ops!(ViewMut;);
