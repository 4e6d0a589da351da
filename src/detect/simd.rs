//! Running the banded kernels with the widest vector instructions the CPU has.
//!
//! The kernels are plain Rust loops over slices, which the compiler vectorises for whatever
//! instruction set it compiles for: SSE2 on a default x86-64 build. [`widest`] runs a closure
//! compiled again with AVX2 and FMA enabled when the CPU supports them (checked at run time), so
//! one binary uses 8-lane vectors where it can and still runs everywhere. The kernels it calls
//! are `#[inline(always)]` so they are compiled into that copy. Results are the same bit for bit:
//! Rust never contracts `a * b + c` into a fused multiply-add, and vector adds, multiplies,
//! divides and square roots round exactly like scalar ones.

/// Runs `f`, compiled for AVX2 and FMA when the CPU has them.
#[inline(always)]
pub(crate) fn widest<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: `avx2_fma` only enables instructions that were just detected. The speed-up
            // is measured by the benches pipeline/fused_value and pipeline/fused_canny.
            return unsafe { avx2_fma(f) };
        }
    }
    f()
}

/// `f()`, with AVX2 and FMA enabled for everything inlined into it.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_fma<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs_the_closure_once_and_returns_its_value() {
        let mut calls = 0;
        let v = super::widest(|| {
            calls += 1;
            (0..100).map(|i| i as f32 * 0.5).sum::<f32>()
        });
        assert_eq!((v, calls), (2475.0, 1));
    }
}
