//! The fused path for the edge map alone: bands of rows in parallel, each computing its
//! derivatives, magnitudes and edge decisions row by row from the input samples, writing only the
//! `u8` map. No full-size float plane is made.
//!
//! Passes: a histogram of the magnitude when the level is automatic (Otsu, Canny) or a
//! percentile (plus a refinement pass for the exact percentile), then the edge pass: the
//! squared magnitude against the squared level, or non-maximum suppression over a ring of three
//! magnitude rows, or the classes of hysteresis, which are then connected in place.

use rayon::prelude::*;

use super::{band_rows, Decision, Detection, Pipeline};
use crate::detect::derivatives::{GradientRows, RowKernel};
use crate::detect::edges::auto::{count_codes, LevelCodes, CODES_PER_OCTAVE};
use crate::detect::edges::hysteresis::{class, class_row_squared, connect, connect_above};
use crate::detect::edges::magnitude::{mask_row, squared_level};
use crate::detect::edges::nms::suppress_row;
use crate::detect::edges::threshold::{Exact, MagnitudeHistogram, PercentLevel, Refinement};
use crate::detect::simd::widest;
use crate::image::plane::{with_plane, Plane, Sample};
use crate::image::LumaView;
use crate::timings::Timings;

pub(super) fn run(pipeline: &Pipeline, luma: LumaView<'_>, timings: &mut Timings) -> Detection {
    let codes = LevelCodes::new(super::magnitude_top(&luma));
    with_plane!(luma, |plane| run_plane(pipeline, plane, codes, timings))
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
    #[inline(always)]
    fn derivatives(&mut self, y: usize) -> (&[f32], &[f32]) {
        self.tags[0] = usize::MAX;
        self.rows.compute(y, &mut self.dx[0], &mut self.dy[0]);
        (&self.dx[0], &self.dy[0])
    }

    /// Makes sure row `y`'s derivatives and magnitude are in slot `y % 3`.
    #[inline(always)]
    fn full_row(&mut self, y: usize) {
        let s = y % 3;
        if self.tags[s] != y {
            self.rows
                .compute_with_magnitude(y, &mut self.dx[s], &mut self.dy[s], &mut self.m[s]);
            self.tags[s] = y;
        }
    }

    /// Non-maximum suppression of row `y` (of `n`) into `out`.
    #[inline(always)]
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
    codes: LevelCodes,
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
        Decision::Exact(t) => {
            let t = timings.time("histogram_ms", || bands.level(t));
            timings.time("edges_ms", || {
                if pipeline.thin {
                    bands.for_each(
                        map,
                        #[inline(always)]
                        |w, y, o| w.suppress(y, rows, o, |m| if m > t { 255 } else { 0 }),
                    );
                } else {
                    let s = squared_level(t);
                    let op = |x: f32, y: f32| if x * x + y * y > s { 255 } else { 0 };
                    bands.for_each(
                        map,
                        #[inline(always)]
                        |w, y, o| {
                            if !w.rows.map_central(y, o, op) {
                                let (dx, dy) = w.derivatives(y);
                                mask_row(o, dx, dy, s);
                            }
                        },
                    );
                }
            });
            detection.threshold = t;
        }
        Decision::Hysteresis(Some((low, high))) => {
            timings.time("edges_ms", || {
                if pipeline.thin {
                    bands.for_each(
                        map,
                        #[inline(always)]
                        |w, y, o| w.suppress(y, rows, o, |m| class(m, low, high)),
                    );
                } else {
                    let (sl, sh) = (squared_level(low), squared_level(high));
                    bands.for_each(
                        map,
                        #[inline(always)]
                        |w, y, o| {
                            if !w
                                .rows
                                .map_central(y, o, |x, y| class(x * x + y * y, sl, sh))
                            {
                                let (dx, dy) = w.derivatives(y);
                                class_row_squared(o, dx, dy, sl, sh);
                            }
                        },
                    );
                }
            });
            timings.time("hysteresis_ms", || connect(map, cols));
            detection.threshold = high;
            detection.hysteresis = Some((low, high));
        }
        Decision::Auto | Decision::Hysteresis(None) => {
            // One pass: the codes of the candidate pixels go into the map, the codes of all
            // pixels into the counts that choose the levels; then the codes are classified.
            let counts = timings.time("edges_ms", || {
                bands.fold_rows(
                    map,
                    || [0u64; 256],
                    #[inline(always)]
                    |w, counts, y, o| {
                        if pipeline.thin {
                            w.suppress(y, rows, o, |m| codes.code(m));
                        } else {
                            w.full_row(y);
                            for (o, &m) in o.iter_mut().zip(&w.m[y % 3]) {
                                *o = codes.code(m);
                            }
                        }
                        count_codes(counts, &codes, &w.m[y % 3]);
                    },
                    |mut a, b| {
                        a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
                        a
                    },
                )
            });
            let rule = pipeline.auto_rule().expect("automatic rules have one");
            let high = rule.level_code(&codes, &counts);
            if pipeline.rule == Decision::Auto {
                timings.time("threshold_ms", || {
                    map.par_chunks_mut(1 << 16).for_each(|part| {
                        for c in part {
                            *c = if *c > high { 255 } else { 0 };
                        }
                    })
                });
                detection.threshold = codes.level(high);
            } else {
                let low = high.saturating_sub(CODES_PER_OCTAVE);
                timings.time("hysteresis_ms", || connect_above(map, cols, low, high));
                detection.threshold = codes.level(high);
                detection.hysteresis = Some((codes.level(low), codes.level(high)));
            }
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
                    widest(
                        #[inline(always)]
                        || {
                            for (i, o) in chunk.chunks_exact_mut(cols).enumerate() {
                                f(w, b * self.band + i, o);
                            }
                        },
                    )
                },
            );
    }

    /// Like [`Bands::for_each`], also folding an accumulator `f` adds to, then merging them.
    fn fold_rows<A: Send>(
        &self,
        map: &mut [u8],
        init: impl Fn() -> A + Sync + Send,
        f: impl Fn(&mut Worker<'k, 'p, T>, &mut A, usize, &mut [u8]) + Sync + Send,
        merge: impl Fn(A, A) -> A + Sync + Send,
    ) -> A {
        let cols = self.plane.cols;
        map.par_chunks_mut(self.band * cols)
            .enumerate()
            .fold(
                || (Worker::new(self.kernel, self.plane), init()),
                |(mut w, mut acc), (b, chunk)| {
                    widest(
                        #[inline(always)]
                        || {
                            for (i, o) in chunk.chunks_exact_mut(cols).enumerate() {
                                f(&mut w, &mut acc, b * self.band + i, o);
                            }
                        },
                    );
                    (w, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(&init, merge)
    }

    /// Folds `add(acc, dx, dy)` over every row's derivatives, bands in parallel.
    fn fold_derivatives<A: Send>(
        &self,
        init: impl Fn() -> A + Sync + Send,
        add: impl Fn(&mut A, &[f32], &[f32]) + Sync + Send,
        merge: impl Fn(A, A) -> A + Sync + Send,
    ) -> A {
        (0..self.count())
            .into_par_iter()
            .fold(
                || (Worker::new(self.kernel, self.plane), init()),
                |(mut w, mut acc), b| {
                    widest(
                        #[inline(always)]
                        || {
                            for y in self.band_range(b) {
                                let (dx, dy) = w.derivatives(y);
                                add(&mut acc, dx, dy);
                            }
                        },
                    );
                    (w, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(&init, merge)
    }

    fn histogram(&self) -> MagnitudeHistogram {
        self.fold_derivatives(
            MagnitudeHistogram::new,
            #[inline(always)]
            |h, x, y| h.add(x, y),
            MagnitudeHistogram::merge,
        )
    }

    /// The magnitude level of a threshold rule.
    fn level(&self, t: Exact) -> f32 {
        match t {
            Exact::Value(v) => v,
            Exact::Otsu => self.histogram().otsu(),
            Exact::Percent(p) => {
                let pixels = (self.plane.rows * self.plane.cols) as u64;
                match self.histogram().percent(p, pixels) {
                    PercentLevel::Level(t) => t,
                    PercentLevel::Refine(r) => self
                        .fold_derivatives(
                            || r.empty(),
                            #[inline(always)]
                            |acc, x, y| acc.add(x, y),
                            Refinement::merge,
                        )
                        .level(),
                }
            }
        }
    }
}
