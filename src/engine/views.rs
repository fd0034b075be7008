//! The copies whose operands are views: a view's bytes in C or F order (`tobytes`), one view
//! into another (`copy_from`, with NumPy's overlap rule), and a fill with one packed element.
//! Their callers pass views, never offsets or pointers, so these are safe to call; the
//! geometry handed to [`copy_elements`] comes from the views' validated layouts.

use super::{copy_elements, walk, Plan, Typed};
use crate::error::{Error, Result};
use crate::layout::{c_strides, f_strides, Layout};
use crate::raw::{RawBytes, RawView};
use crate::view::{Order, ViewMut};

/// Writes the elements of `src` in `order` to `out`, which must hold exactly their bytes.
pub(crate) fn gather_into(
    src: &RawView,
    order: Order,
    out: &mut [u8],
    parallel: bool,
) -> Result<()> {
    let n = src.layout.len() * src.itemsize();
    if out.len() != n {
        return Err(Error::Shape(format!(
            "tobytes_into needs a buffer of exactly {n} bytes, got {}",
            out.len()
        )));
    }
    // SAFETY: `out` is an exclusive slice of exactly n bytes, so it is writable and cannot
    // overlap the view's buffer, which is borrowed shared while `src` is used.
    unsafe { gather_raw(src, order, RawBytes::of_mut(out), parallel) };
    Ok(())
}

/// The elements of `src` in `order`, as a new vector (fallibly allocated).
pub(crate) fn gather(src: &RawView, order: Order, parallel: bool) -> Result<Vec<u8>> {
    let n = src.layout.len() * src.itemsize();
    let mut out = crate::buffer::vec_for_overwrite(n, "tobytes")?;
    if n > 0 {
        let ptr = std::ptr::NonNull::new(out.as_mut_ptr()).expect("allocated");
        // SAFETY: the vector's capacity is n writable bytes, fresh from the allocator, so
        // they cannot overlap the view's buffer; `gather_raw` writes every one of them, so
        // they are initialised when the length is set.
        unsafe {
            gather_raw(src, order, RawBytes::from_raw(ptr, n), parallel);
            out.set_len(n);
        }
    }
    Ok(out)
}

/// Writes the elements' bytes in `order` to the first `n` bytes of `out` (n: the view's
/// byte count), every one of them.
///
/// # Safety
/// `out` must be writable for `n` bytes (initialised or not) and not overlap the view's
/// buffer.
unsafe fn gather_raw(src: &RawView, order: Order, out: RawBytes, parallel: bool) {
    let n = src.layout.len() * src.itemsize();
    if n == 0 {
        return;
    }
    let (is, l) = (src.itemsize(), &src.layout);
    let physical = match order {
        Order::C => l.is_c_contiguous(is),
        Order::F => l.is_f_contiguous(is),
        Order::A => l.is_c_contiguous(is) || l.is_f_contiguous(is),
    };
    let (src_layout, dst_layout, item) = if physical {
        // Contiguous with non-negative strides: the elements are the n bytes from element 0
        // on, already in the requested order; copy them as one run of bytes.
        let mut from = Layout::c_contiguous(&[n], 1);
        from.offset = l.offset;
        (from, Layout::c_contiguous(&[n], 1), 1)
    } else {
        let strides = match order {
            Order::F => f_strides(&l.shape, is),
            Order::C | Order::A => c_strides(&l.shape, is),
        };
        let to = Layout {
            shape: l.shape.clone(),
            strides,
            offset: 0,
        };
        (l.clone(), to, is)
    };
    let dst = Typed::layout_bytes(out, &dst_layout, item, true);
    let from = Typed::layout_bytes(src.bytes, &src_layout, item, false);
    // SAFETY: both layouts are valid for their buffers (dst is contiguous over exactly n
    // writable bytes; from describes the view's elements, or in the physical case the n bytes
    // they occupy), and the caller keeps them apart.
    unsafe { copy_elements(&dst_layout.shape, &dst, &from, parallel) };
}

/// Copies every element of `src` to the element at the same index of `dst` (same shape and
/// itemsize, else an error; an empty destination copies nothing). When the two share memory, NumPy's rule: the same elements are
/// left alone, any other overlap goes through a private copy of `src` read first.
pub(crate) fn copy_view(dst: &mut ViewMut<'_>, src: &RawView, parallel: bool) -> Result<()> {
    let d = &dst.raw;
    if d.layout.is_empty() {
        return Ok(());
    }
    if d.layout.shape != src.layout.shape || d.itemsize() != src.itemsize() {
        return Err(Error::Shape(format!(
            "a copy needs equal shapes and itemsizes, got {:?} ({} bytes) and {:?} ({} bytes)",
            d.layout.shape.as_slice(),
            d.itemsize(),
            src.layout.shape.as_slice(),
            src.itemsize()
        )));
    }
    use crate::overlap::{aliasing, Aliasing};
    let to = Typed::bytes_output(dst);
    let (shape, is) = (dst.raw.layout.shape.as_slice(), dst.raw.itemsize());
    match aliasing(dst.raw.region(), src.region()) {
        // The same elements: the copy would write every byte with itself.
        Aliasing::Same => {}
        Aliasing::MustCopy => {
            let tmp = gather(src, Order::C, parallel)?;
            let tmp_layout = Layout::c_contiguous(&src.layout.shape, is);
            let from = Typed::layout_bytes(RawBytes::of(&tmp), &tmp_layout, is, false);
            // SAFETY: the destination layout is valid and writable (a `ViewMut`); the
            // temporary is a separate allocation holding a C-contiguous layout of the shape.
            unsafe { copy_elements(shape, &to, &from, parallel) };
        }
        Aliasing::Apart => {
            let from = Typed::bytes(src);
            // SAFETY: both layouts are valid for their buffers (validated views of one
            // shape), the destination is writable, and their bytes do not intersect.
            unsafe { copy_elements(shape, &to, &from, parallel) };
        }
    }
    Ok(())
}

/// Writes `pattern` (one packed element, of the view's itemsize) into every element of `dst`.
pub(crate) fn fill(dst: &mut ViewMut<'_>, pattern: &[u8], parallel: bool) {
    let l = &dst.raw.layout;
    assert_eq!(pattern.len(), dst.raw.itemsize(), "one element's bytes");
    let plan = Plan::new(&l.shape, [&l.strides], [l.offset]);
    let bytes = dst.raw.bytes;
    let [step] = plan.inner_strides();
    walk(&plan, [pattern.len()], parallel, |[off], len| {
        for i in 0..len as isize {
            // SAFETY: each offset is an element of the validated layout of a `ViewMut`
            // (writable, held exclusively through `&mut dst`), and the walk hands every
            // element to exactly one run, so parallel runs write disjoint bytes.
            unsafe { bytes.write_from(off + i * step, pattern) }
        }
    });
}
