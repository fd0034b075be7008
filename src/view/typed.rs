//! Typed access: elements by value in any layout ([`View::iter_as`], [`View::to_vec`]), and
//! by reference where the layout allows it ([`View::typed`]: `Index` by `[usize; N]`).

use super::View;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::format::ByteOrder;
use crate::raw::Elements;
use std::marker::PhantomData;

/// The elements of a view as values of `T`, in C order, whatever the strides and byte order
/// (from [`View::iter_as`]). It does not borrow the view.
#[derive(Clone)]
pub struct IterAs<'a, T> {
    elements: Elements<'a>,
    order: ByteOrder,
    _item: PhantomData<T>,
}

impl<T: Element> Iterator for IterAs<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        // The format holds exactly a `T`.
        let bytes = self.elements.next()?;
        Some(crate::element::load_from(bytes, self.order))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.elements.size_hint()
    }
}

impl<T: Element> DoubleEndedIterator for IterAs<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        let bytes = self.elements.next_back()?;
        Some(crate::element::load_from(bytes, self.order))
    }
}

impl<T: Element> ExactSizeIterator for IterAs<'_, T> {}

/// A view whose elements are references to `T` (from [`View::typed`]): index it with
/// `[usize; N]` or `&[usize]` as ndarray's arrays are indexed.
///
/// ```
/// let data: Vec<f32> = (0..6).map(|x| x as f32).collect();
/// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
/// let t = v.transpose().typed::<f32>().unwrap();
/// assert_eq!(t[[2, 1]], 5.0);
/// assert_eq!(t.get(&[3, 0]), None);
/// let sum: f32 = t.iter().sum();
/// assert_eq!(sum, 15.0);
/// assert_eq!(t.iter().rev().next(), Some(&5.0)); // C order of the transpose: 0 3 1 4 2 5
/// ```
#[derive(Clone)]
pub struct Typed<'a, T> {
    view: View<'a>,
    _item: PhantomData<&'a T>,
}

impl<'a, T: Element + bytemuck::Pod> Typed<'a, T> {
    /// The reference to the element at `index`, or `None` out of bounds.
    #[inline]
    pub fn get(&self, index: &[usize]) -> Option<&'a T> {
        Some(as_ref(self.view.element_for(index).ok()?))
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        self.view.shape()
    }

    /// The untyped view.
    pub fn view(&self) -> &View<'a> {
        &self.view
    }

    /// References to the elements in C order, from either end (the iterator does not borrow
    /// `self`).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a T> + ExactSizeIterator {
        self.view.elements_for().map(as_ref)
    }
}

/// An element's bytes as a `&T`: [`View::typed`] checked that the format holds exactly a
/// native `T` and that every element is aligned for `T` (so the cast cannot fail); `T: Pod`,
/// so any bytes are a valid `T`.
#[inline]
pub(super) fn as_ref<T: bytemuck::Pod>(bytes: &[u8]) -> &T {
    bytemuck::from_bytes(bytes)
}

impl<'a, T: Element + bytemuck::Pod> std::ops::Index<&[usize]> for Typed<'a, T> {
    type Output = T;

    /// Panics when the index is out of bounds or has the wrong length, as slices and ndarray
    /// do; [`Typed::get`] returns `None` instead.
    fn index(&self, index: &[usize]) -> &T {
        match self.view.element_for(index) {
            Ok(bytes) => as_ref(bytes),
            Err(e) => panic!("{e}"),
        }
    }
}

impl<'a, T: Element + bytemuck::Pod, const N: usize> std::ops::Index<[usize; N]> for Typed<'a, T> {
    type Output = T;

    /// Panics out of bounds (see the `&[usize]` form).
    fn index(&self, index: [usize; N]) -> &T {
        &self[&index[..]]
    }
}

impl<'a> View<'a> {
    /// The elements as values of `T` in C order, any layout and byte order (the format must
    /// hold exactly a `T`). The iterator does not borrow `self`.
    ///
    /// ```
    /// let data = [1u8, 0, 2, 0, 3, 0];
    /// let v = ndview::View::from_parts(&data, "<h", &[3], &[2], 0).unwrap();
    /// let back: Vec<i16> = v.flip(0).unwrap().iter_as().unwrap().collect();
    /// assert_eq!(back, [3, 2, 1]);
    /// ```
    pub fn iter_as<T: Element>(&self) -> Result<IterAs<'a, T>> {
        let order = self.raw.typed::<T>()?;
        Ok(IterAs {
            elements: self.elements_for(),
            order,
            _item: PhantomData,
        })
    }

    /// The elements as a `Vec<T>` in C order (NumPy's `a.ravel().tolist()` with native values).
    /// [`Error::Alloc`] when the vector cannot be allocated.
    ///
    /// ```
    /// let data: Vec<u32> = (0..6).collect();
    /// let v = ndview::View::from_slice(&data).reshape(&[2, 3]).unwrap();
    /// assert_eq!(v.transpose().to_vec::<u32>().unwrap(), [0, 3, 1, 4, 2, 5]);
    /// ```
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        let items = self.iter_as::<T>()?;
        let mut out = crate::error::try_vec::<T>(items.len(), "the elements")?;
        out.extend(items);
        Ok(out)
    }

    /// The view with references to its elements as `T`: `Index` by `[usize; N]` / `&[usize]`
    /// and [`Typed::iter`]. The format must hold `T` in native byte order and every element
    /// must be aligned for `T` (else an error saying which; [`View::iter_as`] reads any
    /// layout by value).
    pub fn typed<T: Element + bytemuck::Pod>(&self) -> Result<Typed<'a, T>> {
        let order = self.raw.typed::<T>()?;
        if order != ByteOrder::NATIVE {
            return Err(Error::Type(format!(
                "format {:?} is not in native byte order; references need native elements \
                 (iter_as reads any byte order)",
                self.format().as_str()
            )));
        }
        let align = std::mem::align_of::<T>();
        let aligned = self.is_empty()
            || (self.as_ptr() as usize % align == 0
                && self
                    .strides()
                    .iter()
                    .zip(self.shape())
                    .all(|(&s, &d)| d <= 1 || s.rem_euclid(align as isize) == 0));
        if !aligned {
            return Err(Error::Type(format!(
                "the elements are not all aligned to {align} bytes for {}; references need \
                 aligned elements (iter_as reads unaligned ones)",
                std::any::type_name::<T>()
            )));
        }
        Ok(Typed {
            view: self.clone(),
            _item: PhantomData,
        })
    }
}
