//! `Array` as a value: `Clone`, `==`, conversions from Rust collections and back to `Vec`.

use super::Array;
use crate::element::Element;
use crate::error::Result;
use crate::view::{View, ViewMut};

impl Array {
    /// A copy of the array; [`Error::Alloc`](crate::Error::Alloc) when memory runs out (`clone` aborts there, as
    /// `Vec::clone` does).
    pub fn try_clone(&self) -> Result<Array> {
        self.view().to_owned()
    }

    /// The elements as a `Vec<T>` in C order: the vector [`Array::from_vec`] adopted comes
    /// back without a copy; any other array is copied once. The format must hold `T` in
    /// native byte order.
    ///
    /// ```
    /// let a = ndview::Array::from(vec![1.5f32, 2.5, 3.5]);
    /// let ptr = a.as_slice::<f32>().unwrap().as_ptr();
    /// let v = a.into_vec::<f32>().unwrap();
    /// assert_eq!((v.as_ptr(), v), (ptr, vec![1.5, 2.5, 3.5]));
    /// ```
    pub fn into_vec<T: Element + bytemuck::Pod>(self) -> Result<Vec<T>> {
        // Check the type first, so an adopted Vec<T> is only returned for T's own format.
        self.as_slice::<T>()?;
        let Array { buf, format, shape } = self;
        match buf.into_vec::<T>() {
            Ok(v) => Ok(v),
            Err(buf) => Array { buf, format, shape }.view().to_vec::<T>(),
        }
    }
}

impl Clone for Array {
    /// A copy of the buffer; aborts like `Vec::clone` when memory runs out (see
    /// [`Array::try_clone`]).
    fn clone(&self) -> Array {
        match self.try_clone() {
            Ok(a) => a,
            Err(_) => std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(self.nbytes().max(1), crate::buffer::ALIGN)
                    .unwrap_or(std::alloc::Layout::new::<u8>()),
            ),
        }
    }
}

impl PartialEq for Array {
    /// memoryview's `==`, as for views: the same shape and equal values (NaN != NaN).
    fn eq(&self, other: &Array) -> bool {
        self.view() == other.view()
    }
}

impl PartialEq<View<'_>> for Array {
    fn eq(&self, other: &View<'_>) -> bool {
        self.view() == *other
    }
}

impl PartialEq<Array> for View<'_> {
    fn eq(&self, other: &Array) -> bool {
        *self == other.view()
    }
}

/// Builds an array from its C-order elements. Only fails for a shape whose size overflows,
/// which the conversions below cannot make.
fn adopt<T: Element + bytemuck::Pod>(v: Vec<T>, shape: &[usize]) -> Array {
    Array::from_vec(v, shape).expect("the shape is the vector's own")
}

impl<T: Element + bytemuck::Pod> From<Vec<T>> for Array {
    /// A 1-D array adopting the vector (no copy).
    fn from(v: Vec<T>) -> Array {
        let n = v.len();
        adopt(v, &[n])
    }
}

impl<T: Element + bytemuck::Pod> From<&[T]> for Array {
    /// A 1-D copy of the slice.
    fn from(v: &[T]) -> Array {
        Array::from(v.to_vec())
    }
}

impl<T: Element + bytemuck::Pod, const N: usize> From<[T; N]> for Array {
    /// A 1-D array of the elements.
    ///
    /// ```
    /// let a = ndview::Array::from([1u8, 2, 3]);
    /// assert_eq!(a.shape(), &[3]);
    /// ```
    fn from(v: [T; N]) -> Array {
        Array::from(v.to_vec())
    }
}

impl<T: Element + bytemuck::Pod, const N: usize> From<Vec<[T; N]>> for Array {
    /// A 2-D array, one row per entry (ndarray's `Array2::from(Vec<[T; N]>)`).
    fn from(rows: Vec<[T; N]>) -> Array {
        let m = rows.len();
        adopt(rows.into_iter().flatten().collect(), &[m, N])
    }
}

impl<T: Element + bytemuck::Pod, const N: usize, const M: usize> From<[[T; N]; M]> for Array {
    /// A 2-D array, as ndarray's `arr2`.
    ///
    /// ```
    /// let a = ndview::Array::from([[1i32, 2, 3], [4, 5, 6]]);
    /// assert_eq!(a.shape(), &[2, 3]);
    /// assert_eq!(a.get_as::<i32>(&[1, 0]).unwrap(), 4);
    /// ```
    fn from(rows: [[T; N]; M]) -> Array {
        adopt(rows.into_iter().flatten().collect(), &[M, N])
    }
}

impl<'a, T: Element> From<&'a [T]> for View<'a> {
    /// A 1-D view of the slice ([`View::from_slice`]).
    fn from(v: &'a [T]) -> View<'a> {
        View::from_slice(v)
    }
}

impl<'a, T: Element + bytemuck::Pod> From<&'a mut [T]> for ViewMut<'a> {
    /// A 1-D writable view of the slice ([`ViewMut::from_slice`]).
    fn from(v: &'a mut [T]) -> ViewMut<'a> {
        ViewMut::from_slice(v)
    }
}

impl<'a> From<&'a Array> for View<'a> {
    fn from(a: &'a Array) -> View<'a> {
        a.view()
    }
}

impl<'a> From<&'a mut Array> for ViewMut<'a> {
    fn from(a: &'a mut Array) -> ViewMut<'a> {
        a.view_mut()
    }
}
