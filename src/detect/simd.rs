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
//!
//! The switch itself is the numeric core's (`numeric::simd`), which its stencil kernels use too.

pub(crate) use crate::numeric::simd::widest;

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use crate::detect::derivatives::{Derivatives, Operator};
    use crate::detect::edges::threshold::Exact;
    use crate::detect::pipeline::{Decision, Detection, Pipeline, Suppression, Wanted};
    use crate::detect::smoothing::GaussianKernel;
    use crate::image::LumaView;
    use crate::numeric::simd::test_switch::narrow_and_wide;
    use crate::timings::Timings;

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
        let (narrow, wide) = narrow_and_wide(run_all);
        assert_eq!(narrow.len(), wide.len());
        for ((case, n), (_, w)) in narrow.iter().zip(&wide) {
            assert_eq!(n, w, "{case}");
        }
    }
}
