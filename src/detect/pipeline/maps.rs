//! The full-map path: dx, dy (and magnitude, direction) as whole arrays, edges computed from them.
//!
//! Used when the front-end wants a map besides the edges. The edges are made by the same row
//! kernels as the fused path, so both give the same result.

use ndarray::{Array2, Axis, Zip};

use super::{Decision, Detection, Pipeline, Wanted};
use crate::detect::edges::auto::{count_codes, LevelCodes, CODES_PER_OCTAVE};
use crate::detect::edges::hysteresis::{class, class_row, connect};
use crate::detect::edges::magnitude::{above_row, direction, magnitude};
use crate::detect::edges::nms::suppress;
use crate::detect::edges::threshold::level;
use crate::image::LumaView;
use crate::timings::Timings;

/// The level codes of an image and the counts of its magnitudes' codes.
fn code_counts(luma: &LumaView<'_>, m: &Array2<f32>) -> (LevelCodes, [u64; 256]) {
    let codes = LevelCodes::new(super::magnitude_top(luma));
    let mut counts = [0u64; 256];
    for row in m.rows() {
        count_codes(&mut counts, &codes, &row.to_vec());
    }
    (codes, counts)
}

/// `255` where the magnitude exceeds `t` (at local maxima when thinning), `0` elsewhere.
fn above(
    pipeline: &Pipeline,
    m: &Array2<f32>,
    dx: &Array2<f32>,
    dy: &Array2<f32>,
    t: f32,
) -> Array2<u8> {
    if pipeline.thin {
        return suppress(
            m.view(),
            dx.view(),
            dy.view(),
            |v| if v > t { 255 } else { 0 },
        );
    }
    let mut out = Array2::<u8>::zeros(m.raw_dim());
    Zip::from(out.axis_iter_mut(Axis(0)))
        .and(m.axis_iter(Axis(0)))
        .par_for_each(|mut o, m| {
            above_row(
                o.as_slice_mut().expect("fresh rows are contiguous"),
                m.to_slice().expect("fresh rows are contiguous"),
                t,
            )
        });
    out
}

pub(super) fn run(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    wanted: &Wanted,
    timings: &mut Timings,
) -> Detection {
    let (dx, dy) = timings.time("gradient_ms", || pipeline.derivatives.compute(luma));
    let m = (wanted.magnitude || wanted.edges)
        .then(|| timings.time("magnitude_ms", || magnitude(dx.view(), dy.view())));
    let dir = wanted
        .direction
        .then(|| timings.time("direction_ms", || direction(dx.view(), dy.view())));
    let mut threshold = f32::NAN;
    let mut levels = None;
    let edges = match (&m, wanted.edges) {
        (Some(m), true) => Some(timings.time("edges_ms", || {
            let cols = m.ncols();
            match pipeline.rule {
                Decision::Exact(t) => {
                    threshold = level(t, dx.view(), dy.view());
                    above(pipeline, m, &dx, &dy, threshold)
                }
                Decision::Auto => {
                    let (codes, counts) = code_counts(&luma, m);
                    let rule = pipeline.auto_rule().expect("automatic rules have one");
                    threshold = codes.level(rule.level_code(&codes, &counts));
                    above(pipeline, m, &dx, &dy, threshold)
                }
                Decision::Hysteresis(given) => {
                    let (low, high) = given.unwrap_or_else(|| {
                        let (codes, counts) = code_counts(&luma, m);
                        let rule = pipeline.auto_rule().expect("automatic rules have one");
                        let high = rule.level_code(&codes, &counts);
                        let low = high.saturating_sub(CODES_PER_OCTAVE);
                        (codes.level(low), codes.level(high))
                    });
                    threshold = high;
                    levels = Some((low, high));
                    let mut out = if pipeline.thin {
                        suppress(m.view(), dx.view(), dy.view(), |v| class(v, low, high))
                    } else {
                        let mut out = Array2::<u8>::zeros(m.raw_dim());
                        Zip::from(out.axis_iter_mut(Axis(0)))
                            .and(m.axis_iter(Axis(0)))
                            .par_for_each(|mut o, m| {
                                class_row(
                                    o.as_slice_mut().expect("fresh rows are contiguous"),
                                    m.to_slice().expect("fresh rows are contiguous"),
                                    low,
                                    high,
                                )
                            });
                        out
                    };
                    connect(
                        out.as_slice_mut().expect("fresh arrays are contiguous"),
                        cols.max(1),
                    );
                    out
                }
            }
        })),
        _ => None,
    };
    Detection {
        edges,
        magnitude: m.filter(|_| wanted.magnitude),
        direction: dir,
        dx: wanted.dx.then_some(dx),
        dy: wanted.dy.then_some(dy),
        threshold,
        hysteresis: levels,
    }
}
