//! Producers: anything that exposes its bytes with a format and a shape, like the exporters of
//! Python's buffer protocol.

use crate::array::Array;
use crate::element::Element;
use crate::view::{View, ViewMut};
use std::borrow::Cow;
use std::sync::Arc;

/// A producer of read-only views: `memoryview(obj)` for Rust containers.
///
/// ```
/// use ndview::AsView;
/// let v: Vec<u16> = vec![1, 2, 3];
/// assert_eq!(v.as_view().format().as_str(), "H");
/// let a = [1.5f32; 4];
/// assert_eq!(a.as_view().shape(), &[4]);
/// let shared: std::sync::Arc<[i8]> = vec![-1i8, 2].into();
/// assert_eq!(shared.as_view().tolist().unwrap().to_string(), "[-1, 2]");
/// ```
pub trait AsView {
    /// The contents as a view.
    fn as_view(&self) -> View<'_>;
}

/// A producer of writable views.
///
/// ```
/// use ndview::{AsViewMut, Value};
/// let mut v = vec![0u8; 3];
/// v.as_view_mut().set(&[1], &Value::Int(9)).unwrap();
/// assert_eq!(v, [0, 9, 0]);
/// ```
pub trait AsViewMut: AsView {
    /// The contents as a writable view.
    fn as_view_mut(&mut self) -> ViewMut<'_>;
}

/// What an operand argument accepts (as [`Zip::from`](crate::Zip::from) does): a view by
/// reference or by value (keeping its own lifetime), or a borrowed array, shared view, slice or
/// vector of elements.
///
/// ```
/// use ndview::{Array, View, Zip};
/// let a = Array::from(vec![1u8, 2, 3]);
/// let b = vec![10u8, 20, 30];
/// let c = View::from_bytes(&[100, 100, 100]);
/// let sum = Zip::from(&a).and(&b).and(&c).map_collect(|x: u8, y: u8, z: u8| x + y + z)?;
/// assert_eq!(sum.to_vec::<u8>()?, [111, 122, 133]);
/// # Ok::<(), ndview::Error>(())
/// ```
pub trait IntoView<'v> {
    /// The operand as a read-only view.
    fn into_view(self) -> View<'v>;

    /// The operand as a view, borrowed where it already is one (a `&View` is not cloned:
    /// the kernels' small calls would pay for the copy of its shape and strides).
    #[doc(hidden)]
    fn view_cow<'r>(self) -> Cow<'r, View<'v>>
    where
        Self: Sized + 'r,
    {
        Cow::Owned(self.into_view())
    }
}

impl<'v> IntoView<'v> for View<'v> {
    fn into_view(self) -> View<'v> {
        self
    }
}

impl<'v> IntoView<'v> for &View<'v> {
    fn into_view(self) -> View<'v> {
        self.clone()
    }

    fn view_cow<'r>(self) -> Cow<'r, View<'v>>
    where
        Self: 'r,
    {
        Cow::Borrowed(self)
    }
}

impl<'v> IntoView<'v> for &'v ViewMut<'_> {
    fn into_view(self) -> View<'v> {
        self.as_view()
    }
}

impl<'v> IntoView<'v> for &'v Array {
    fn into_view(self) -> View<'v> {
        self.view()
    }
}

impl<'v> IntoView<'v> for &'v crate::SharedView {
    fn into_view(self) -> View<'v> {
        self.view()
    }
}

impl<'v, T: Element> IntoView<'v> for &'v [T] {
    fn into_view(self) -> View<'v> {
        View::from_slice(self)
    }
}

impl<'v, T: Element> IntoView<'v> for &'v Vec<T> {
    fn into_view(self) -> View<'v> {
        View::from_slice(self)
    }
}

impl<'v, T: Element, const N: usize> IntoView<'v> for &'v [T; N] {
    fn into_view(self) -> View<'v> {
        View::from_slice(self)
    }
}

impl<T: Element> AsView for [T] {
    fn as_view(&self) -> View<'_> {
        View::from_slice(self)
    }
}

impl<T: Element + bytemuck::Pod> AsViewMut for [T] {
    fn as_view_mut(&mut self) -> ViewMut<'_> {
        ViewMut::from_slice(self)
    }
}

impl<T: Element, const N: usize> AsView for [T; N] {
    fn as_view(&self) -> View<'_> {
        View::from_slice(self)
    }
}

impl<T: Element + bytemuck::Pod, const N: usize> AsViewMut for [T; N] {
    fn as_view_mut(&mut self) -> ViewMut<'_> {
        ViewMut::from_slice(self)
    }
}

impl<T: Element> AsView for Vec<T> {
    fn as_view(&self) -> View<'_> {
        View::from_slice(self)
    }
}

impl<T: Element + bytemuck::Pod> AsViewMut for Vec<T> {
    fn as_view_mut(&mut self) -> ViewMut<'_> {
        ViewMut::from_slice(self)
    }
}

impl<T: Element> AsView for Box<[T]> {
    fn as_view(&self) -> View<'_> {
        View::from_slice(self)
    }
}

impl<T: Element + bytemuck::Pod> AsViewMut for Box<[T]> {
    fn as_view_mut(&mut self) -> ViewMut<'_> {
        ViewMut::from_slice(self)
    }
}

impl<T: Element> AsView for Arc<[T]> {
    fn as_view(&self) -> View<'_> {
        View::from_slice(self)
    }
}

impl AsView for Array {
    fn as_view(&self) -> View<'_> {
        self.view()
    }
}

impl AsViewMut for Array {
    fn as_view_mut(&mut self) -> ViewMut<'_> {
        self.view_mut()
    }
}

impl AsView for View<'_> {
    fn as_view(&self) -> View<'_> {
        self.clone()
    }
}

impl AsView for ViewMut<'_> {
    fn as_view(&self) -> View<'_> {
        ViewMut::as_view(self)
    }
}

impl AsViewMut for ViewMut<'_> {
    fn as_view_mut(&mut self) -> ViewMut<'_> {
        self.reborrow()
    }
}

#[cfg(feature = "bytes")]
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl AsView for bytes::Bytes {
    fn as_view(&self) -> View<'_> {
        View::from_bytes(self)
    }
}

#[cfg(feature = "bytes")]
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl AsView for bytes::BytesMut {
    fn as_view(&self) -> View<'_> {
        View::from_bytes(self)
    }
}

#[cfg(feature = "bytes")]
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl AsViewMut for bytes::BytesMut {
    fn as_view_mut(&mut self) -> ViewMut<'_> {
        ViewMut::from_bytes(self)
    }
}
