//! Loops compiled for a wider instruction set than the crate's baseline, chosen at run time.

/// Runs `f` compiled with AVX2 enabled when the processor has it (the crate is built for
/// baseline x86-64, whose vectors are SSE2's 16 bytes), else as it is. For element-wise loops
/// over slices: the compiler vectorises the body inlined here twice as wide. Each element's
/// operations and their order stay the same, so the results are bit-identical either way.
#[inline(always)]
pub(crate) fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        /// `f`, with AVX2 enabled for the code inlined into it.
        ///
        /// # Safety
        /// The processor supports AVX2.
        #[target_feature(enable = "avx2")]
        unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2 (checked just above).
            return unsafe { avx2(f) };
        }
    }
    f()
}
