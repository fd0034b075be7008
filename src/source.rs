//! Producers: anything that exposes its bytes with a format and a shape, like the exporters of
//! Python's buffer protocol.

use crate::array::Array;
use crate::element::Element;
use crate::view::{View, ViewMut};
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
