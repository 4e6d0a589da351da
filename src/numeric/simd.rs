//! Running kernels with the widest vector instructions the CPU has.
//!
//! The kernels are plain Rust loops over slices, which the compiler vectorises for whatever
//! instruction set it compiles for: SSE2 on a default x86-64 build. [`widest`] runs a closure
//! compiled again with AVX2 and FMA enabled when the CPU supports them (checked at run time), so
//! one binary uses 8-lane vectors where it can and still runs everywhere. The kernels it calls
//! are `#[inline(always)]` so they are compiled into that copy. Results are the same bit for bit:
//! Rust never contracts `a * b + c` into a fused multiply-add, and vector adds, multiplies,
//! divides and square roots round exactly like scalar ones. Tests run every edge rule and the
//! full maps (`detect::simd`) and the derivative stencils (`numeric::derivative`) both ways and
//! compare the bits.

/// Runs `f`, compiled for AVX2 and FMA when the CPU has them.
#[inline(always)]
pub(crate) fn widest<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if wide_allowed()
            && std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("fma")
        {
            #[cfg(test)]
            test_switch::WIDE_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // SAFETY: `avx2_fma` only enables instructions that were just detected. The speed-up
            // is measured by the benches pipeline/fused_value and pipeline/fused_canny (edge
            // detection) and gradient/stencils_4096 (the derivative stencils).
            return unsafe { avx2_fma(f) };
        }
    }
    f()
}

/// Whether [`widest`] may take the wide path: always, except while a test compares it with the
/// narrow one.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn wide_allowed() -> bool {
    #[cfg(test)]
    return test_switch::WIDE.load(std::sync::atomic::Ordering::Relaxed);
    #[cfg(not(test))]
    true
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
pub(crate) mod test_switch {
    //! Switching the wide path off, for tests that compare it with the narrow one.

    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};

    /// Whether `widest` may take the wide path.
    pub(crate) static WIDE: AtomicBool = AtomicBool::new(true);
    /// How many times `widest` took the wide path.
    pub(crate) static WIDE_RUNS: AtomicUsize = AtomicUsize::new(0);

    /// Runs `f` with the wide path allowed or not, and says how many times it was taken. Tests
    /// that switch it take turns; other tests running meanwhile just take the narrow path too.
    pub(crate) fn with_wide<R>(wide: bool, f: impl FnOnce() -> R) -> (R, usize) {
        static TURN: Mutex<()> = Mutex::new(());
        struct Restore;
        impl Drop for Restore {
            fn drop(&mut self) {
                WIDE.store(true, Ordering::Relaxed);
            }
        }
        let _turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
        let _restore = Restore;
        WIDE.store(wide, Ordering::Relaxed);
        let before = WIDE_RUNS.load(Ordering::Relaxed);
        let r = f();
        (r, WIDE_RUNS.load(Ordering::Relaxed) - before)
    }

    /// `f()` on the narrow path, then on the wide one; checks that the wide path ran where the
    /// CPU has AVX2 and FMA (elsewhere both runs take the narrow path, and it says so).
    pub(crate) fn narrow_and_wide<R>(f: impl Fn() -> R) -> (R, R) {
        let (narrow, _) = with_wide(false, &f);
        let (wide, wide_runs) = with_wide(true, &f);
        #[cfg(target_arch = "x86_64")]
        let cpu_has_it =
            std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
        #[cfg(not(target_arch = "x86_64"))]
        let cpu_has_it = false;
        if cpu_has_it {
            assert!(wide_runs > 0, "the wide path ran");
        } else {
            eprintln!("no AVX2 and FMA here: both runs took the narrow path");
        }
        (narrow, wide)
    }

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
