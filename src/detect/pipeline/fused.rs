//! The fused path for the edge map alone: bands of rows in parallel, each computing its
//! derivatives, magnitudes and edge decisions row by row from the input samples, writing only the
//! `u8` map. No full-size float plane is made.
//!
//! The rows come from [`ImageRows`], one per band worker: a [`GradientRows`] over the image's
//! rows and a cache of the last three rows of `dx`, `dy` and magnitude (and the Laplacian, for
//! zero crossings), which non-maximum suppression reads around each row; five rows when the
//! sub-pixel points are fitted in the same pass. The edge rule itself is [`decide`]'s.
//! [`edges_of`] takes any [`RowSource`].

use ndarray::Array2;

use super::decide::{decide, map_row, Around, DerivativeRows, Fitting, Levels};
use super::{magnitude_top, Detection, Pipeline, Suppression};
use crate::detect::derivatives::{GradientRows, RowKernel};
use crate::detect::edges::steady::SteadyLevels;
use crate::detect::geometry::points::Window;
use crate::image::bands::Bands;
use crate::image::plane::{with_plane, RowSource};
use crate::image::row_cache::RowCache;
use crate::image::LumaView;
use crate::timings::Timings;

/// The edge map of `luma`, in `reuse`'s memory when it holds enough (every pixel is written),
/// and with `points` its sub-pixel points.
pub(super) fn run(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    steady: Option<&mut SteadyLevels>,
    points: bool,
    mut reuse: Vec<u8>,
    timings: &mut Timings,
) -> Detection {
    let (rows, cols) = luma.dim();
    let map = if reuse.capacity() >= rows * cols {
        reuse.resize(rows * cols, 0);
        reuse
    } else {
        vec![0; rows * cols]
    };
    let mut edges = Array2::from_shape_vec((rows, cols), map).expect("rows x cols values");
    let map = edges.as_slice_mut().expect("fresh arrays are contiguous");
    let top = || magnitude_top(&luma);
    let levels = with_plane!(luma, |plane| edges_of(
        pipeline, plane, top, steady, points, map, timings
    ));
    Detection {
        edges: Some(edges),
        threshold: levels.threshold,
        hysteresis: levels.hysteresis,
        points: levels.points,
        ..Detection::default()
    }
}

/// Writes the edge map of `source` into `map` (row-major, the source's size); `top` is the top
/// of its magnitude range ([`magnitude_top`]), asked for by the automatic rules only, and
/// `steady` the running noise estimate of a sequence, if `source` is one of its frames; with
/// `points`, the sub-pixel points too.
fn edges_of<S: RowSource + Copy>(
    pipeline: &Pipeline,
    source: S,
    top: impl FnOnce() -> f32,
    steady: Option<&mut SteadyLevels>,
    points: bool,
    map: &mut [u8],
    timings: &mut Timings,
) -> Levels {
    let kernel = RowKernel::new(&pipeline.derivatives, &source);
    let bands = Bands::new(source.rows(), source.cols());
    let keep = Keep::of(pipeline, points);
    decide(
        pipeline,
        bands,
        || ImageRows::new(&kernel, source, keep),
        top,
        steady,
        Fitting::of(points, false),
        map,
        timings,
    )
}

/// What an [`ImageRows`] keeps of each row it computes, and how many rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Keep {
    /// The Laplacian too (for zero crossings).
    pub laplacian: bool,
    /// The five rows a points [`Window`] reads, not only the three suppression reads.
    pub window: bool,
}

impl Keep {
    /// What `pipeline`'s edge pass reads, with the sub-pixel points or without.
    pub(super) fn of(pipeline: &Pipeline, points: bool) -> Keep {
        Keep {
            laplacian: pipeline.suppression == Suppression::Crossings,
            window: points && pipeline.thins(),
        }
    }
}

/// One band worker's derivative rows, computed from the image.
pub(super) struct ImageRows<'k, S> {
    rows: GradientRows<'k, S>,
    /// `dx`, `dy`, the magnitude (and the Laplacian) of recent rows, side by side in one slot.
    full: RowCache,
    /// Whether the slots hold the Laplacian.
    laplacian: bool,
    /// `dx` and `dy` of the last row asked for without its magnitude.
    dx: Vec<f32>,
    dy: Vec<f32>,
    /// Rows of the image.
    n: usize,
}

impl<'k, S: RowSource> ImageRows<'k, S> {
    pub(super) fn new(kernel: &'k RowKernel, source: S, keep: Keep) -> Self {
        let (n, cols) = (source.rows(), source.cols());
        let parts = if keep.laplacian { 4 } else { 3 };
        let slots = if keep.window { 5 } else { 3 };
        ImageRows {
            rows: GradientRows::new(kernel, source),
            full: RowCache::new(slots, parts * cols),
            laplacian: keep.laplacian,
            dx: vec![0.0; cols],
            dy: vec![0.0; cols],
            n,
        }
    }

    /// Makes sure row `y`'s `dx`, `dy` and magnitude (and Laplacian) are in the cache.
    #[inline(always)]
    fn full_row(&mut self, y: usize) {
        if !self.full.has(y) {
            let cols = self.dx.len();
            let (dx, rest) = self.full.slot(y).split_at_mut(cols);
            let (dy, rest) = rest.split_at_mut(cols);
            let (m, lap) = rest.split_at_mut(cols);
            self.rows.compute_with_magnitude(y, dx, dy, m);
            if self.laplacian {
                self.rows.laplacian(y, lap);
            }
        }
    }

    /// `dx`, `dy`, the magnitude and the Laplacian (empty without it) of a cached row.
    #[inline(always)]
    fn cached(&self, y: usize) -> [&[f32]; 4] {
        let cols = self.dx.len();
        let (dx, rest) = self.full.row(y).split_at(cols);
        let (dy, rest) = rest.split_at(cols);
        let (m, lap) = rest.split_at(cols);
        [dx, dy, m, lap]
    }

    /// Row `y + r` clamped to the image.
    #[inline(always)]
    fn clamped(&self, y: usize, r: isize) -> usize {
        (y as isize + r).clamp(0, self.n as isize - 1) as usize
    }
}

impl<S: RowSource> DerivativeRows for ImageRows<'_, S> {
    #[inline(always)]
    fn map<O: Copy>(&mut self, y: usize, out: &mut [O], op: impl Fn(f32, f32) -> O) {
        if !self.rows.map_central(y, out, &op) {
            let (dx, dy) = self.derivatives(y);
            map_row(out, dx, dy, op);
        }
    }

    #[inline(always)]
    fn derivatives(&mut self, y: usize) -> (&[f32], &[f32]) {
        self.rows.compute(y, &mut self.dx, &mut self.dy);
        (&self.dx, &self.dy)
    }

    #[inline(always)]
    fn magnitude(&mut self, y: usize) -> &[f32] {
        self.full_row(y);
        self.cached(y)[2]
    }

    #[inline(always)]
    fn around(&mut self, y: usize) -> Around<'_> {
        let (up, down) = (y.saturating_sub(1), (y + 1).min(self.n - 1));
        for k in [up, y, down] {
            self.full_row(k);
        }
        let [dx, dy, m, lap] = self.cached(y);
        let ([_, _, mu, lu], [_, _, md, ld]) = (self.cached(up), self.cached(down));
        Around {
            magnitude: [mu, m, md],
            dx,
            dy,
            laplacian: [lu, lap, ld],
        }
    }

    #[inline(always)]
    fn window(&mut self, y: usize) -> Window<'_> {
        let rows = [-2, -1, 0, 1, 2].map(|r| self.clamped(y, r));
        for k in rows {
            self.full_row(k);
        }
        let [a, b, c, d, e] = rows.map(|k| self.cached(k));
        Window {
            row: y,
            magnitude: [a[2], b[2], c[2], d[2], e[2]],
            dx: [b[0], c[0], d[0]],
            dy: [b[1], c[1], d[1]],
            laplacian: [b[3], c[3], d[3]],
        }
    }
}
