//! The full-map path: the maps a front-end asked for (dx, dy, magnitude, direction) as whole
//! arrays, and the edges computed from them.
//!
//! Used when the front-end wants a map besides the edges. The maps are made in one banded pass
//! ([`fill`]): each band worker computes a row's derivatives from the image
//! ([`GradientRows`]), and from them its magnitude and direction, writing only the arrays that
//! are wanted; a map that is not wanted is a scratch row. The magnitude alone comes straight
//! from the image rows without storing `dx` and `dy` ([`GradientRows::map_central`]), the
//! direction from [`atan2`](crate::detect::edges::atan2), vectorised. Every array is the
//! same bits as the whole-image derivatives ([`Derivatives::compute`]) and their magnitude (a
//! NaN magnitude is always the positive quiet NaN: see [`canonical_nan`]).
//!
//! The edges (and their sub-pixel points) are decided by the same code as the fused path
//! ([`decide`]), reading its rows from the maps through [`MapRows`], so both give the same
//! result. Zero crossings also read the Laplacian, made in the same pass as a map of its own
//! (never an output).
//!
//! [`Derivatives::compute`]: crate::detect::derivatives::Derivatives::compute

use ndarray::Array2;

use super::decide::{decide, map_row, Around, DerivativeRows, Fitting, Levels};
use super::{magnitude_top, Detection, Pipeline, Suppression, Wanted};
use crate::detect::derivatives::{GradientRows, RowKernel};
use crate::detect::edges::atan2::direction_row;
use crate::detect::edges::steady::SteadyLevels;
use crate::detect::geometry::points::Window;
use crate::detect::simd::widest;
use crate::image::bands::{BandOutput, Bands};
use crate::image::plane::{with_plane, Plane, RowSource};
use crate::image::LumaView;
use crate::timings::Timings;

pub(super) fn run(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    wanted: &Wanted,
    steady: Option<&mut SteadyLevels>,
    timings: &mut Timings,
) -> Detection {
    let (rows, cols) = luma.dim();
    let edges_wanted = wanted.edges || wanted.points;
    // Edges are decided from dx, dy and the magnitude (thinning reads all three), zero
    // crossings from the Laplacian too.
    let make = |on: bool| on.then(|| Array2::<f32>::zeros((rows, cols)));
    let mut dx = make(wanted.dx || edges_wanted);
    let mut dy = make(wanted.dy || edges_wanted);
    let mut m = make(wanted.magnitude || edges_wanted);
    let mut dir = make(wanted.direction);
    let mut lap = make(edges_wanted && pipeline.suppression == Suppression::Crossings);
    timings.time("maps_ms", || {
        let outputs = [&mut dx, &mut dy, &mut m, &mut dir, &mut lap].map(|a| {
            a.as_mut()
                .map(|a| a.as_slice_mut().expect("fresh arrays are contiguous"))
        });
        with_plane!(luma, |plane| fill(pipeline, plane, outputs))
    });
    let (edges, levels) = match (&dx, &dy, &m, edges_wanted) {
        (Some(dx), Some(dy), Some(m), true) => {
            let mut edges = Array2::<u8>::zeros((rows, cols));
            let map = edges.as_slice_mut().expect("fresh arrays are contiguous");
            let maps = MapRows {
                dx: plane(dx),
                dy: plane(dy),
                magnitude: plane(m),
                laplacian: lap.as_ref().map(plane),
            };
            let bands = Bands::new(rows, cols);
            let top = || magnitude_top(&luma);
            let levels = decide(
                pipeline,
                bands,
                || maps,
                top,
                steady,
                Fitting::of(wanted.points, true),
                map,
                timings,
            );
            (Some(edges), levels)
        }
        _ => (
            None,
            Levels {
                threshold: f32::NAN,
                hysteresis: None,
                points: None,
            },
        ),
    };
    Detection {
        edges,
        magnitude: m.filter(|_| wanted.magnitude),
        direction: dir,
        dx: dx.filter(|_| wanted.dx),
        dy: dy.filter(|_| wanted.dy),
        threshold: levels.threshold,
        hysteresis: levels.hysteresis,
        points: levels.points,
    }
}

/// One band worker's rows: the derivative rows and scratch rows for `dx` and `dy` when they
/// are not wanted.
struct MapWorker<'k, S> {
    rows: GradientRows<'k, S>,
    dx: Vec<f32>,
    dy: Vec<f32>,
}

/// Writes the maps of `source` into the outputs present among `[dx, dy, magnitude, direction,
/// laplacian]` (each row-major, the source's size), bands in parallel.
fn fill<S: RowSource>(pipeline: &Pipeline, source: S, outputs: [Option<&mut [f32]>; 5]) {
    let [dx, dy, m, dir, lap] = outputs;
    let kernel = RowKernel::new(&pipeline.derivatives, &source);
    let cols = source.cols();
    let bands = Bands::new(source.rows(), cols);
    bands.for_each(
        (((dx, dy), (m, dir)), lap),
        || MapWorker {
            rows: GradientRows::new(&kernel, &source),
            dx: vec![0.0; cols],
            dy: vec![0.0; cols],
        },
        |w, range, part| {
            widest(
                #[inline(always)]
                || {
                    for (y, (((dx, dy), (m, dir)), lap)) in range.zip(part.into_rows(cols)) {
                        maps_row(w, y, [dx, dy, m, dir]);
                        if let Some(lap) = lap {
                            w.rows.laplacian(y, lap);
                        }
                    }
                },
            )
        },
    );
}

/// Row `y` of the maps present among `[dx, dy, magnitude, direction]`.
#[inline(always)]
fn maps_row<S: RowSource>(w: &mut MapWorker<'_, S>, y: usize, rows: [Option<&mut [f32]>; 4]) {
    let [dx, dy, m, dir] = rows;
    let magnitude_only = dx.is_none() && dy.is_none() && dir.is_none();
    let g = &mut w.rows;
    let (dx, dy) = (dx.unwrap_or(&mut w.dx), dy.unwrap_or(&mut w.dy));
    match m {
        Some(m) => {
            if !(magnitude_only && g.map_central(y, m, |x, y| (x * x + y * y).sqrt())) {
                g.compute_with_magnitude(y, dx, dy, m);
            }
            canonical_nan(m);
        }
        None => g.compute(y, dx, dy),
    }
    if let Some(dir) = dir {
        direction_row(dir, dx, dy);
    }
}

/// Makes every NaN of `row` the positive quiet NaN. Which of two NaN operands an addition
/// passes on depends on the order the compiler gives them, which differs between the AVX2 and
/// baseline builds; the magnitude `sqrt(dx² + dy²)` of a NaN derivative is so made the same
/// bits in both.
#[inline(always)]
fn canonical_nan(row: &mut [f32]) {
    for v in row {
        if v.is_nan() {
            *v = f32::NAN;
        }
    }
}

/// The plane of a fresh map.
fn plane(a: &Array2<f32>) -> Plane<'_, f32> {
    let (rows, cols) = a.dim();
    let data = a.as_slice().expect("fresh arrays are contiguous");
    Plane::new(data, rows, cols).expect("an array holds rows x cols values")
}

/// Derivative rows read from full maps.
#[derive(Clone, Copy)]
struct MapRows<'a> {
    dx: Plane<'a, f32>,
    dy: Plane<'a, f32>,
    magnitude: Plane<'a, f32>,
    laplacian: Option<Plane<'a, f32>>,
}

impl MapRows<'_> {
    /// Row `y + r`, clamped to the image, of `plane`.
    #[inline(always)]
    fn at<'s>(plane: &'s Plane<'_, f32>, y: usize, r: isize) -> &'s [f32] {
        let k = (y as isize + r).clamp(0, plane.rows() as isize - 1) as usize;
        plane.row(k)
    }

    /// Rows `y - 1 ..= y + 1` of the Laplacian, empty without it.
    #[inline(always)]
    fn laplacian(&self, y: usize) -> [&[f32]; 3] {
        match &self.laplacian {
            Some(l) => [-1, 0, 1].map(|r| Self::at(l, y, r)),
            None => [&[]; 3],
        }
    }
}

impl DerivativeRows for MapRows<'_> {
    #[inline(always)]
    fn map<O: Copy>(&mut self, y: usize, out: &mut [O], op: impl Fn(f32, f32) -> O) {
        map_row(out, self.dx.row(y), self.dy.row(y), op);
    }

    #[inline(always)]
    fn derivatives(&mut self, y: usize) -> (&[f32], &[f32]) {
        (self.dx.row(y), self.dy.row(y))
    }

    #[inline(always)]
    fn magnitude(&mut self, y: usize) -> &[f32] {
        self.magnitude.row(y)
    }

    #[inline(always)]
    fn around(&mut self, y: usize) -> Around<'_> {
        let m = &self.magnitude;
        let (up, down) = (y.saturating_sub(1), (y + 1).min(m.rows() - 1));
        Around {
            magnitude: [m.row(up), m.row(y), m.row(down)],
            dx: self.dx.row(y),
            dy: self.dy.row(y),
            laplacian: self.laplacian(y),
        }
    }

    #[inline(always)]
    fn window(&mut self, y: usize) -> Window<'_> {
        Window {
            row: y,
            magnitude: [-2, -1, 0, 1, 2].map(|r| Self::at(&self.magnitude, y, r)),
            dx: [-1, 0, 1].map(|r| Self::at(&self.dx, y, r)),
            dy: [-1, 0, 1].map(|r| Self::at(&self.dy, y, r)),
            laplacian: self.laplacian(y),
        }
    }
}
