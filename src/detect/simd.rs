//! Running the banded kernels with the widest vector instructions the CPU has.
//!
//! The kernels are plain Rust loops over slices, which the compiler vectorises for whatever
//! instruction set it compiles for: SSE2 on a default x86-64 build. [`widest`] runs a closure
//! compiled again with AVX2 and FMA enabled when the CPU supports them (checked at run time), so
//! one binary uses 8-lane vectors where it can and still runs everywhere. The kernels it calls
//! are `#[inline(always)]` so they are compiled into that copy. Results are the same bit for bit:
//! Rust never contracts `a * b + c` into a fused multiply-add, and vector adds, multiplies,
//! divides and square roots round exactly like scalar ones. A test runs every edge rule and the
//! full maps both ways and compares the bits.

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
            tests::WIDE_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // SAFETY: `avx2_fma` only enables instructions that were just detected. The speed-up
            // is measured by the benches pipeline/fused_value and pipeline/fused_canny.
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
    return tests::WIDE.load(std::sync::atomic::Ordering::Relaxed);
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
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};

    use ndarray::Array2;

    use crate::detect::derivatives::{Derivatives, Operator};
    use crate::detect::edges::threshold::Exact;
    use crate::detect::pipeline::{Decision, Detection, Pipeline, Suppression, Wanted};
    use crate::detect::smoothing::GaussianKernel;
    use crate::image::LumaView;
    use crate::timings::Timings;

    /// Whether `widest` may take the wide path.
    pub(super) static WIDE: AtomicBool = AtomicBool::new(true);
    /// How many times `widest` took the wide path.
    pub(super) static WIDE_RUNS: AtomicUsize = AtomicUsize::new(0);

    /// Runs `f` with the wide path allowed or not, and says how many times it was taken. Tests
    /// that switch it take turns; other tests running meanwhile just take the narrow path too.
    fn with_wide<R>(wide: bool, f: impl FnOnce() -> R) -> (R, usize) {
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

    #[test]
    fn runs_the_closure_once_and_returns_its_value() {
        let mut calls = 0;
        let v = super::widest(|| {
            calls += 1;
            (0..100).map(|i| i as f32 * 0.5).sum::<f32>()
        });
        assert_eq!((v, calls), (2475.0, 1));
    }

    /// Blocks of three levels with noise, as 8-bit, 16-bit and float images (the float one with
    /// a NaN and an infinity when it is large enough).
    fn images(rows: usize, cols: usize) -> (Array2<u8>, Array2<u16>, Array2<f32>) {
        let mut state = (rows * 1000 + cols) as u64;
        let img = Array2::from_shape_fn((rows, cols), |(y, x)| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = (state >> 59) as i32 - 16;
            ((((x / 5 + y / 4) % 3) as i32 * 90 + 15 + noise).clamp(0, 255)) as u8
        });
        let wide = img.mapv(|v| u16::from(v) * 257 + u16::from(v % 5));
        let mut float = img.mapv(|v| f32::from(v) / 255.0 * 1.5 - 0.2);
        if rows * cols > 200 {
            float[[rows / 2, cols / 3]] = f32::NAN;
            float[[rows / 3, cols / 2]] = f32::INFINITY;
        }
        (img, wide, float)
    }

    fn pipelines() -> Vec<Pipeline> {
        let derivatives = [
            Derivatives::new(Operator::Central, 1, None),
            Derivatives::new(Operator::Sobel, 2, Some(GaussianKernel::new(1.4).unwrap())),
            Derivatives::new(
                Operator::Central,
                2,
                Some(GaussianKernel::new(0.8).unwrap()),
            ),
        ];
        let rules = [
            Decision::Exact(Exact::Value(0.05)),
            Decision::Exact(Exact::Otsu),
            Decision::Exact(Exact::Percent(10.0)),
            Decision::Auto,
            Decision::Hysteresis(None),
            Decision::Hysteresis(Some((0.03, 0.08))),
        ];
        let mut all = Vec::new();
        for d in derivatives {
            for rule in &rules {
                for thin in [
                    Suppression::None,
                    Suppression::Maxima,
                    Suppression::Crossings,
                ] {
                    all.push(Pipeline::new(d.clone().unwrap(), rule.clone(), thin));
                }
            }
        }
        all
    }

    /// Every output of a detection, floats as bits.
    fn bits(d: &Detection) -> impl PartialEq + std::fmt::Debug {
        let map = |m: &Option<Array2<f32>>| m.as_ref().map(|m| m.mapv(f32::to_bits));
        let points = d.points.as_ref().map(|points| {
            let point = |p: &crate::detect::geometry::Located| {
                let q = p.point;
                let floats = [p.gx, p.gy, q.x, q.y, q.strength, q.direction];
                (p.row, p.col, floats.map(f32::to_bits))
            };
            points.iter().map(point).collect::<Vec<_>>()
        });
        (
            d.edges.clone(),
            [&d.dx, &d.dy, &d.magnitude, &d.direction].map(map),
            d.threshold.to_bits(),
            d.hysteresis.map(|(l, h)| (l.to_bits(), h.to_bits())),
            points,
        )
    }

    #[test]
    fn the_wide_and_narrow_paths_give_the_same_bits() {
        let sizes = [
            (1, 1),
            (1, 9),
            (2, 3),
            (3, 3),
            (4, 17),
            (7, 8),
            (13, 31),
            (33, 45),
            (70, 67),
        ];
        let pipelines = pipelines();
        let run_all = || {
            let mut out = Vec::new();
            for &(rows, cols) in &sizes {
                let (a, b, c) = images(rows, cols);
                for (depth, luma) in [
                    ("u8", LumaView::U8(a.view())),
                    ("u16", LumaView::U16(b.view())),
                    ("f32", LumaView::F32(c.view())),
                ] {
                    for p in &pipelines {
                        let points = Wanted {
                            points: true,
                            ..Wanted::edges()
                        };
                        for wanted in [Wanted::edges(), Wanted::all(), points] {
                            let d = p.run(luma, &wanted, &mut Timings::new());
                            out.push((format!("{rows}x{cols} {depth} {p:?} {wanted:?}"), bits(&d)));
                        }
                    }
                }
            }
            out
        };
        let (narrow, _) = with_wide(false, run_all);
        let (wide, wide_runs) = with_wide(true, run_all);
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
        assert_eq!(narrow.len(), wide.len());
        for ((case, n), (_, w)) in narrow.iter().zip(&wide) {
            assert_eq!(n, w, "{case}");
        }
    }
}
