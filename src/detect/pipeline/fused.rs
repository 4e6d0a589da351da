//! The fused path for the edge map alone: bands of rows in parallel, each computing its
//! derivatives, magnitudes and edge decisions row by row from the input samples, writing only the
//! `u8` map. No full-size float plane is made.
//!
//! The rows come from [`ImageRows`], one per band worker: a [`GradientRows`] over the image's
//! rows and a cache of the last three rows of `dx`, `dy` and magnitude, which non-maximum
//! suppression reads around each row. The edge rule itself is [`decide`]'s. [`edges_of`] takes
//! any [`RowSource`]: an in-memory plane today, a streaming one later.

use ndarray::Array2;

use super::decide::{decide, map_row, Around, DerivativeRows, Levels};
use super::{magnitude_top, Detection, Pipeline};
use crate::detect::derivatives::{GradientRows, RowKernel};
use crate::detect::edges::steady::SteadyLevels;
use crate::image::bands::Bands;
use crate::image::plane::{with_plane, RowSource};
use crate::image::row_cache::RowCache;
use crate::image::LumaView;
use crate::timings::Timings;

/// The edge map of `luma`, in `reuse`'s memory when it holds enough (every pixel is written).
pub(super) fn run(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    steady: Option<&mut SteadyLevels>,
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
        pipeline, plane, top, steady, map, timings
    ));
    Detection {
        edges: Some(edges),
        threshold: levels.threshold,
        hysteresis: levels.hysteresis,
        ..Detection::default()
    }
}

/// Writes the edge map of `source` into `map` (row-major, the source's size); `top` is the top
/// of its magnitude range ([`magnitude_top`]), asked for by the automatic rules only, and
/// `steady` the running noise estimate of a sequence, if `source` is one of its frames.
fn edges_of<S: RowSource + Copy>(
    pipeline: &Pipeline,
    source: S,
    top: impl FnOnce() -> f32,
    steady: Option<&mut SteadyLevels>,
    map: &mut [u8],
    timings: &mut Timings,
) -> Levels {
    let kernel = RowKernel::new(&pipeline.derivatives, &source);
    let bands = Bands::new(source.rows(), source.cols());
    decide(
        pipeline,
        bands,
        || ImageRows::new(&kernel, source),
        top,
        steady,
        map,
        timings,
    )
}

/// Rows of [`ImageRows`]' cache: the three that non-maximum suppression reads.
const CACHED_ROWS: usize = 3;

/// One band worker's derivative rows, computed from the image.
pub(super) struct ImageRows<'k, S> {
    rows: GradientRows<'k, S>,
    /// `dx`, `dy` and the magnitude of recent rows, side by side in one slot.
    full: RowCache,
    /// `dx` and `dy` of the last row asked for without its magnitude.
    dx: Vec<f32>,
    dy: Vec<f32>,
    /// Rows of the image.
    n: usize,
}

impl<'k, S: RowSource> ImageRows<'k, S> {
    pub(super) fn new(kernel: &'k RowKernel, source: S) -> Self {
        let (n, cols) = (source.rows(), source.cols());
        ImageRows {
            rows: GradientRows::new(kernel, source),
            full: RowCache::new(CACHED_ROWS, 3 * cols),
            dx: vec![0.0; cols],
            dy: vec![0.0; cols],
            n,
        }
    }

    /// Makes sure row `y`'s `dx`, `dy` and magnitude are in the cache.
    #[inline(always)]
    fn full_row(&mut self, y: usize) {
        if !self.full.has(y) {
            let cols = self.dx.len();
            let (dx, rest) = self.full.slot(y).split_at_mut(cols);
            let (dy, m) = rest.split_at_mut(cols);
            self.rows.compute_with_magnitude(y, dx, dy, m);
        }
    }

    /// `dx`, `dy` and the magnitude of a cached row.
    #[inline(always)]
    fn cached(&self, y: usize) -> [&[f32]; 3] {
        let cols = self.dx.len();
        let (dx, rest) = self.full.row(y).split_at(cols);
        let (dy, m) = rest.split_at(cols);
        [dx, dy, m]
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
        let [dx, dy, m] = self.cached(y);
        Around {
            magnitude: [self.cached(up)[2], m, self.cached(down)[2]],
            dx,
            dy,
        }
    }
}
