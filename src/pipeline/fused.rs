//! The fused path for the edge map alone: bands of rows in parallel, each computing its
//! derivatives, magnitudes and edge decisions row by row from the input samples, writing only the
//! `u8` map. No full-size float plane is made.
//!
//! Passes: a histogram of the magnitude when the level is automatic (Otsu, Canny) or a
//! percentile (plus a refinement pass for the exact percentile), then the edge pass: the
//! squared magnitude against the squared level, or non-maximum suppression over a ring of three
//! magnitude rows, or the classes of hysteresis, which are then connected in place.

use rayon::prelude::*;

use super::{band_rows, Detection, EdgeRule, Pipeline};
use crate::edges::hysteresis::{auto_levels, class, class_row_squared, connect};
use crate::edges::magnitude::{magnitude_row, mask_row, squared_level};
use crate::edges::nms::suppress_row;
use crate::edges::threshold::{MagnitudeHistogram, PercentLevel, Refinement, Threshold};
use crate::grid::LumaView;
use crate::operators::{GradientRows, RowKernel};
use crate::plane::{with_plane, Plane, Sample};
use crate::timings::Timings;

pub(super) fn run(pipeline: &Pipeline, luma: LumaView<'_>, timings: &mut Timings) -> Detection {
    with_plane!(luma, |plane| run_plane(pipeline, plane, timings))
}

/// One band worker's buffers: the gradient rows and three rows of dx, dy and magnitude.
struct Worker<'k, 'p, T> {
    rows: GradientRows<'k, 'p, T>,
    dx: [Vec<f32>; 3],
    dy: [Vec<f32>; 3],
    m: [Vec<f32>; 3],
    tags: [usize; 3],
}

impl<'k, 'p, T: Sample> Worker<'k, 'p, T> {
    fn new(kernel: &'k RowKernel, plane: Plane<'p, T>) -> Self {
        let row = || vec![0.0f32; plane.cols];
        Worker {
            rows: GradientRows::new(kernel, plane),
            dx: [row(), row(), row()],
            dy: [row(), row(), row()],
            m: [row(), row(), row()],
            tags: [usize::MAX; 3],
        }
    }

    /// Row `y`'s derivatives (slot 0), without magnitude.
    fn derivatives(&mut self, y: usize) -> (&[f32], &[f32]) {
        self.tags[0] = usize::MAX;
        self.rows.compute(y, &mut self.dx[0], &mut self.dy[0]);
        (&self.dx[0], &self.dy[0])
    }

    /// Makes sure row `y`'s derivatives and magnitude are in slot `y % 3`.
    fn full_row(&mut self, y: usize) {
        let s = y % 3;
        if self.tags[s] != y {
            self.rows.compute(y, &mut self.dx[s], &mut self.dy[s]);
            magnitude_row(&mut self.m[s], &self.dx[s], &self.dy[s]);
            self.tags[s] = y;
        }
    }

    /// Non-maximum suppression of row `y` (of `n`) into `out`.
    fn suppress(&mut self, y: usize, n: usize, out: &mut [u8], classify: impl Fn(f32) -> u8) {
        let (up, down) = (y.saturating_sub(1), (y + 1).min(n - 1));
        for k in [up, y, down] {
            self.full_row(k);
        }
        let s = y % 3;
        suppress_row(
            out,
            [&self.m[up % 3], &self.m[s], &self.m[down % 3]],
            &self.dx[s],
            &self.dy[s],
            classify,
        );
    }
}

fn run_plane<T: Sample>(
    pipeline: &Pipeline,
    plane: Plane<'_, T>,
    timings: &mut Timings,
) -> Detection {
    let (rows, cols) = (plane.rows, plane.cols);
    let mut out = ndarray::Array2::<u8>::zeros((rows, cols));
    if rows == 0 || cols == 0 {
        return Detection {
            edges: Some(out),
            threshold: 0.0,
            ..Detection::default()
        };
    }
    let kernel = RowKernel::new(&pipeline.derivatives, &plane);
    let bands = Bands {
        kernel: &kernel,
        plane,
        band: band_rows(rows, cols),
    };
    let map = out.as_slice_mut().expect("fresh arrays are contiguous");
    let mut detection = Detection::default();
    match pipeline.rule {
        EdgeRule::Threshold(t) => {
            let t = timings.time("histogram_ms", || bands.level(t));
            timings.time("edges_ms", || {
                if pipeline.thin {
                    bands.for_each(map, |w, y, o| {
                        w.suppress(y, rows, o, |m| if m > t { 255 } else { 0 })
                    });
                } else {
                    let s = squared_level(t);
                    bands.for_each(map, |w, y, o| {
                        let (dx, dy) = w.derivatives(y);
                        mask_row(o, dx, dy, s);
                    });
                }
            });
            detection.threshold = t;
        }
        EdgeRule::Hysteresis(given) => {
            let (low, high) = match given {
                Some(levels) => levels,
                None => timings.time("histogram_ms", || auto_levels(&bands.histogram())),
            };
            timings.time("edges_ms", || {
                if pipeline.thin {
                    bands.for_each(map, |w, y, o| {
                        w.suppress(y, rows, o, |m| class(m, low, high))
                    });
                } else {
                    let (sl, sh) = (squared_level(low), squared_level(high));
                    bands.for_each(map, |w, y, o| {
                        let (dx, dy) = w.derivatives(y);
                        class_row_squared(o, dx, dy, sl, sh);
                    });
                }
            });
            timings.time("hysteresis_ms", || connect(map, cols));
            detection.threshold = high;
            detection.hysteresis = Some((low, high));
        }
    }
    detection.edges = Some(out);
    detection
}

/// The bands of one image.
struct Bands<'k, 'p, T> {
    kernel: &'k RowKernel,
    plane: Plane<'p, T>,
    band: usize,
}

impl<'k, 'p, T: Sample> Bands<'k, 'p, T> {
    fn count(&self) -> usize {
        self.plane.rows.div_ceil(self.band)
    }

    fn band_range(&self, b: usize) -> std::ops::Range<usize> {
        b * self.band..((b + 1) * self.band).min(self.plane.rows)
    }

    /// Calls `f(worker, y, out_row)` for every row, bands in parallel.
    fn for_each(
        &self,
        map: &mut [u8],
        f: impl Fn(&mut Worker<'k, 'p, T>, usize, &mut [u8]) + Sync,
    ) {
        let cols = self.plane.cols;
        map.par_chunks_mut(self.band * cols)
            .enumerate()
            .for_each_init(
                || Worker::new(self.kernel, self.plane),
                |w, (b, chunk)| {
                    for (i, o) in chunk.chunks_exact_mut(cols).enumerate() {
                        f(w, b * self.band + i, o);
                    }
                },
            );
    }

    /// Folds `add(acc, magnitudes)` over every row's magnitudes, bands in parallel.
    fn fold_magnitudes<A: Send>(
        &self,
        init: impl Fn() -> A + Sync + Send,
        add: impl Fn(&mut A, &[f32]) + Sync + Send,
        merge: impl Fn(A, A) -> A + Sync + Send,
    ) -> A {
        (0..self.count())
            .into_par_iter()
            .fold(
                || (Worker::new(self.kernel, self.plane), init()),
                |(mut w, mut acc), b| {
                    for y in self.band_range(b) {
                        w.full_row(y);
                        add(&mut acc, &w.m[y % 3]);
                    }
                    (w, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(&init, merge)
    }

    fn histogram(&self) -> MagnitudeHistogram {
        self.fold_magnitudes(
            MagnitudeHistogram::new,
            |h, m| h.add(m),
            MagnitudeHistogram::merge,
        )
    }

    /// The magnitude level of a threshold rule.
    fn level(&self, t: Threshold) -> f32 {
        match t {
            Threshold::Value(v) => v,
            Threshold::Auto => self.histogram().otsu(),
            Threshold::Percent(p) => {
                let pixels = (self.plane.rows * self.plane.cols) as u64;
                match self.histogram().percent(p, pixels) {
                    PercentLevel::Level(t) => t,
                    PercentLevel::Refine(r) => self
                        .fold_magnitudes(|| r.empty(), |acc, m| acc.add(m), Refinement::merge)
                        .level(),
                }
            }
        }
    }
}
