//! The view methods on [`Array`], [`SharedView`] and [`ViewMut`] themselves, so owned arrays
//! and writable views need no `.view()` first (as ndarray's owned arrays and views share their
//! methods).

use super::Array;
use crate::element::Element;
use crate::error::Result;
use crate::kernels::{CastFromAll, Conversion, Numeric, Stats};
use crate::layout::SliceItem;
use crate::shared::SharedView;
use crate::source::IntoView;
use crate::value::Value;
use crate::view::{AxisIter, CowArray, FixedView, Lanes, Order, Typed, View, ViewMut};

/// Forwards each listed method to the view that `$via` makes (`view` or `view_mut`).
macro_rules! forward {
    ($via:ident, $recv:ty; $( fn $name:ident [$($gen:tt)*] [$($param:ident),*] ($($arg:ident : $ty:ty),*) -> $ret:ty; )*) => {
        $(
            #[doc = concat!("[`", stringify!($recv), "::", stringify!($name), "`] on all the elements.")]
            #[inline]
            pub fn $name<$($gen)*>(self: forward!(@self $via), $($arg: $ty),*) -> $ret {
                self.$via().$name::<$($param),*>($($arg),*)
            }
        )*
    };
    (@self view) => { &Self };
    (@self as_view) => { &Self };
    (@self view_mut) => { &mut Self };
}

/// The methods both owners forward to [`View`]: reads, kernels and reductions.
macro_rules! value_methods {
    () => {
        forward! { view, View;
            fn ndim[] []() -> usize;
            fn len[] []() -> usize;
            fn is_empty[] []() -> bool;
            fn nbytes[] []() -> usize;
            fn itemsize[] []() -> usize;
            fn tobytes[] [](order: Order) -> Result<Vec<u8>>;
            fn tolist[] []() -> Result<Value>;
            fn hex[] []() -> Result<String>;
            fn get[] [](index: &[usize]) -> Result<Value>;
            fn get_as[T: Element] [T](index: &[usize]) -> Result<T>;
            fn offset[] []() -> isize;
            fn as_ptr[] []() -> *const u8;
            fn is_c_contiguous[] []() -> bool;
            fn is_f_contiguous[] []() -> bool;
            fn split_at[] [](axis: isize, index: usize) -> Result<(View<'_>, View<'_>)>;
        }
        kernel_methods!(view);
    };
}

/// The kernels, reductions and iterators of [`View`], forwarded through `$via` (`view` for
/// the owners, `as_view` for [`ViewMut`]).
macro_rules! kernel_methods {
    ($via:ident) => {
        forward! { $via, View;
            fn iter_as[T: Element] [T]() -> Result<crate::view::IterAs<'_, T>>;
            fn to_vec[T: Element] [T]() -> Result<Vec<T>>;
            fn map[T: Element, U: Element] [T, U](f: impl FnMut(T) -> U) -> Result<Array>;
            fn par_map[T: Element, U: Element] [T, U](f: impl Fn(T) -> U + Sync) -> Result<Array>;
            fn zip_map['v, A: Element, B: Element, U: Element] [A, B, U](other: impl IntoView<'v>, f: impl FnMut(A, B) -> U) -> Result<Array>;
            fn par_zip_map['v, A: Element, B: Element, U: Element] [A, B, U](other: impl IntoView<'v>, f: impl Fn(A, B) -> U + Sync) -> Result<Array>;
            fn astype[U: CastFromAll] [U](mode: Conversion) -> Result<Array>;
            fn par_astype[U: CastFromAll] [U](mode: Conversion) -> Result<Array>;
            fn sum[T: Numeric] [T]() -> Result<T::Acc>;
            fn par_sum[T: Numeric] [T]() -> Result<T::Acc>;
            fn product[T: Numeric] [T]() -> Result<T::Acc>;
            fn par_product[T: Numeric] [T]() -> Result<T::Acc>;
            fn min[T: Numeric] [T]() -> Result<T>;
            fn par_min[T: Numeric] [T]() -> Result<T>;
            fn max[T: Numeric] [T]() -> Result<T>;
            fn par_max[T: Numeric] [T]() -> Result<T>;
            fn sum_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_sum_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn product_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_product_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn min_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_min_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn max_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_max_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn mean[T: Stats] [T]() -> Result<T::Mean>;
            fn par_mean[T: Stats] [T]() -> Result<T::Mean>;
            fn mean_axis[T: Stats] [T](axis: isize) -> Result<Array>;
            fn par_mean_axis[T: Stats] [T](axis: isize) -> Result<Array>;
            fn var[T: Stats] [T](ddof: usize) -> Result<T::Mean>;
            fn par_var[T: Stats] [T](ddof: usize) -> Result<T::Mean>;
            fn var_axis[T: Stats] [T](axis: isize, ddof: usize) -> Result<Array>;
            fn par_var_axis[T: Stats] [T](axis: isize, ddof: usize) -> Result<Array>;
            fn std[T: Stats] [T](ddof: usize) -> Result<T::Mean>;
            fn par_std[T: Stats] [T](ddof: usize) -> Result<T::Mean>;
            fn std_axis[T: Stats] [T](axis: isize, ddof: usize) -> Result<Array>;
            fn par_std_axis[T: Stats] [T](axis: isize, ddof: usize) -> Result<Array>;
            fn argmin[T: Numeric] [T]() -> Result<usize>;
            fn par_argmin[T: Numeric] [T]() -> Result<usize>;
            fn argmin_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_argmin_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn argmax[T: Numeric] [T]() -> Result<usize>;
            fn par_argmax[T: Numeric] [T]() -> Result<usize>;
            fn argmax_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_argmax_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn any[T: Numeric] [T]() -> Result<bool>;
            fn par_any[T: Numeric] [T]() -> Result<bool>;
            fn any_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_any_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn all[T: Numeric] [T]() -> Result<bool>;
            fn par_all[T: Numeric] [T]() -> Result<bool>;
            fn all_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn par_all_axis[T: Numeric] [T](axis: isize) -> Result<Array>;
            fn cumsum[T: Stats] [T]() -> Result<Array>;
            fn par_cumsum[T: Stats] [T]() -> Result<Array>;
            fn cumsum_axis[T: Stats] [T](axis: isize) -> Result<Array>;
            fn par_cumsum_axis[T: Stats] [T](axis: isize) -> Result<Array>;
            fn clip[T: Numeric] [T](min: T, max: T) -> Result<Array>;
            fn par_clip[T: Numeric] [T](min: T, max: T) -> Result<Array>;
            fn allclose['v] [](other: impl IntoView<'v>, rtol: f64, atol: f64) -> Result<bool>;
            fn par_allclose['v] [](other: impl IntoView<'v>, rtol: f64, atol: f64) -> Result<bool>;
            fn map_lanes[T: Element, U: Element] [T, U](axis: isize, f: impl Fn(&[T]) -> U + Sync) -> Result<Array>;
            fn par_map_lanes[T: Element, U: Element] [T, U](axis: isize, f: impl Fn(&[T]) -> U + Sync) -> Result<Array>;
            fn zip_map3['v, A: Element, B: Element, C: Element, U: Element] [A, B, C, U](b: impl IntoView<'v>, c: impl IntoView<'v>, f: impl FnMut(A, B, C) -> U) -> Result<Array>;
            fn iter[] []() -> AxisIter<'_>;
            fn flat[] []() -> impl DoubleEndedIterator<Item = Result<Value>> + ExactSizeIterator + '_;
            fn axis_iter[] [](axis: isize) -> Result<AxisIter<'_>>;
            fn lanes[] [](axis: isize) -> Result<Lanes<'_>>;
            fn typed[T: Element + bytemuck::Pod] [T]() -> Result<Typed<'_, T>>;
            fn fixed[T: Element + bytemuck::Pod, const N: usize] [T, N]() -> Result<FixedView<'_, T, N>>;
            fn ravel[] []() -> Result<CowArray<'_>>;
            fn as_standard_layout[] []() -> Result<CowArray<'_>>;
        }
    };
}

impl Array {
    value_methods!();

    forward! { view, View;
        fn transpose[] []() -> View<'_>;
        fn permute[] [](perm: &[isize]) -> Result<View<'_>>;
        fn swap_axes[] [](a: isize, b: isize) -> Result<View<'_>>;
        fn flip[] [](axis: isize) -> Result<View<'_>>;
        fn reshape[] [](shape: &[usize]) -> Result<View<'_>>;
        fn broadcast_to[] [](shape: &[usize]) -> Result<View<'_>>;
        fn diagonal[] [](offset: isize, axis1: isize, axis2: isize) -> Result<View<'_>>;
        fn moveaxis[] [](source: isize, destination: isize) -> Result<View<'_>>;
        fn rot90[] [](k: isize, axes: [isize; 2]) -> Result<View<'_>>;
        fn squeeze[] []() -> View<'_>;
        fn squeeze_axis[] [](axis: isize) -> Result<View<'_>>;
        fn insert_axis[] [](axis: isize) -> Result<View<'_>>;
        fn exact_chunks[] [](chunk: &[usize]) -> Result<View<'_>>;
        fn windows[] [](window: &[usize]) -> Result<View<'_>>;
        fn field[] [](name: &str) -> Result<View<'_>>;
        fn view_as[] [](format: &str) -> Result<View<'_>>;
        fn cast[] [](format: &str, shape: Option<&[usize]>) -> Result<View<'_>>;
    }

    /// The part of the array that NumPy's basic index selects, read-only (see
    /// [`View::slice`]).
    pub fn slice<I: AsRef<[SliceItem]>>(&self, items: I) -> Result<View<'_>> {
        self.view().slice(items)
    }

    /// [`View::slice_str`] on the whole array.
    pub fn slice_str(&self, index: &str) -> Result<View<'_>> {
        self.view().slice_str(index)
    }

    /// The part of the array that NumPy's basic index selects, writable (ndarray's
    /// `slice_mut`).
    ///
    /// ```
    /// use ndview::{s, Array};
    /// let mut a = Array::zeros("<i", &[2, 3]).unwrap();
    /// a.slice_mut(s![.., 1]).unwrap().fill(5i32).unwrap();
    /// assert_eq!(a.tolist().unwrap().to_string(), "[[0, 5, 0], [0, 5, 0]]");
    /// ```
    pub fn slice_mut<I: AsRef<[SliceItem]>>(&mut self, items: I) -> Result<ViewMut<'_>> {
        self.view_mut().slice(items)
    }

    /// [`ViewMut::slice_str`] on the whole array.
    pub fn slice_str_mut(&mut self, index: &str) -> Result<ViewMut<'_>> {
        self.view_mut().slice_str(index)
    }

    forward! { view_mut, ViewMut;
        fn set[] [](index: &[usize], value: &Value) -> Result<()>;
        fn set_as[T: Element] [T](index: &[usize], value: T) -> Result<()>;
        fn fill[T: Element] [T](value: T) -> Result<()>;
        fn par_fill[T: Element] [T](value: T) -> Result<()>;
        fn fill_value[] [](value: &Value) -> Result<()>;
        fn par_fill_value[] [](value: &Value) -> Result<()>;
        fn apply[T: Element] [T](f: impl FnMut(T) -> T) -> Result<()>;
        fn par_apply[T: Element] [T](f: impl Fn(T) -> T + Sync) -> Result<()>;
        fn copy_from['v] [](src: impl IntoView<'v>) -> Result<()>;
        fn par_copy_from['v] [](src: impl IntoView<'v>) -> Result<()>;
        fn map_into['v, T: Element, U: Element] [T, U](src: impl IntoView<'v>, f: impl FnMut(T) -> U) -> Result<()>;
        fn par_map_into['v, T: Element, U: Element] [T, U](src: impl IntoView<'v>, f: impl Fn(T) -> U + Sync) -> Result<()>;
        fn astype_into['v, U: CastFromAll] [U](src: impl IntoView<'v>, mode: Conversion) -> Result<()>;
        fn par_astype_into['v, U: CastFromAll] [U](src: impl IntoView<'v>, mode: Conversion) -> Result<()>;
    }
}

/// Shape operations on a [`SharedView`] that give another `SharedView` of the same buffer
/// (as ndarray's `ArcArray` methods give `ArcArray`s), through [`SharedView::derive`].
macro_rules! shared_shape_ops {
    ($( fn $name:ident ($($arg:ident : $ty:ty),*); )*) => {$(
        #[doc = concat!("[`View::", stringify!($name), "`], sharing the buffer.")]
        pub fn $name(&self, $($arg: $ty),*) -> Result<SharedView> {
            self.derive(|v| v.$name($($arg),*))
        }
    )*};
}

impl ViewMut<'_> {
    kernel_methods!(as_view);
}

impl SharedView {
    value_methods!();

    /// [`View::transpose`], sharing the buffer.
    pub fn transpose(&self) -> SharedView {
        self.derive(|v| Ok(v.transpose()))
            .expect("a transpose is a view of the same buffer")
    }

    /// [`View::squeeze`], sharing the buffer.
    pub fn squeeze(&self) -> SharedView {
        self.derive(|v| Ok(v.squeeze()))
            .expect("a squeeze is a view of the same buffer")
    }

    shared_shape_ops! {
        fn permute(perm: &[isize]);
        fn swap_axes(a: isize, b: isize);
        fn flip(axis: isize);
        fn reshape(shape: &[usize]);
        fn broadcast_to(shape: &[usize]);
        fn diagonal(offset: isize, axis1: isize, axis2: isize);
        fn moveaxis(source: isize, destination: isize);
        fn rot90(k: isize, axes: [isize; 2]);
        fn squeeze_axis(axis: isize);
        fn insert_axis(axis: isize);
        fn windows(window: &[usize]);
        fn exact_chunks(chunk: &[usize]);
        fn view_as(format: &str);
        fn cast(format: &str, shape: Option<&[usize]>);
    }
}
