//! Element copies between two strided operands of the same itemsize.

use super::{Operand, Plan};

/// Copies every element of `src` to the element at the same index of `dst`. Both layouts
/// have the same shape and elements of `itemsize` bytes; operand order (destination first)
/// decides the walk order.
///
/// # Safety
/// Both layouts must be valid for their buffers (every element in bounds), `dst` must be
/// writable through its `RawBytes`, and the destination elements must not overlap the source
/// elements (callers copy through a temporary when they might).
pub(crate) unsafe fn copy_elements(dst: Operand<'_>, src: Operand<'_>, itemsize: usize) {
    debug_assert_eq!(dst.layout.shape, src.layout.shape);
    let plan = Plan::new(
        &dst.layout.shape,
        [&dst.layout.strides, &src.layout.strides],
        [dst.layout.offset, src.layout.offset],
    );
    let [ds, ss] = plan.inner_strides();
    let contiguous = ds == itemsize as isize && ss == itemsize as isize;
    plan.for_each_run(0..plan.count(), |[d, s], len| {
        // SAFETY: the plan only produces offsets of elements of the two validated layouts, so
        // each run's `len` elements lie in their buffers; dst is writable and does not overlap
        // src (the caller's promise).
        unsafe {
            let (dp, sp) = (dst.bytes.at(d), src.bytes.at(s));
            if contiguous {
                std::ptr::copy_nonoverlapping(sp, dp, len * itemsize);
            } else {
                copy_strided(dp, ds, sp, ss, len, itemsize);
            }
        }
    });
}

/// Copies `len` elements of `itemsize` bytes between strided runs.
///
/// # Safety
/// Every element of both runs is in its buffer, the destination is writable, and the runs do
/// not overlap.
#[inline]
unsafe fn copy_strided(
    dp: *mut u8,
    ds: isize,
    sp: *const u8,
    ss: isize,
    len: usize,
    itemsize: usize,
) {
    macro_rules! typed {
        ($t:ty) => {
            for i in 0..len as isize {
                // SAFETY: element `i` of each run is in bounds (the caller's promise);
                // unaligned accesses are allowed by read/write_unaligned.
                unsafe {
                    let v = sp.offset(i * ss).cast::<$t>().read_unaligned();
                    dp.offset(i * ds).cast::<$t>().write_unaligned(v);
                }
            }
        };
    }
    match itemsize {
        1 => typed!(u8),
        2 => typed!(u16),
        4 => typed!(u32),
        8 => typed!(u64),
        16 => typed!(u128),
        n => {
            for i in 0..len as isize {
                // SAFETY: as above, for `n` bytes per element.
                unsafe { std::ptr::copy_nonoverlapping(sp.offset(i * ss), dp.offset(i * ds), n) }
            }
        }
    }
}
