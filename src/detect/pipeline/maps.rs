//! The full-map path: dx, dy (and magnitude, direction) as whole arrays, edges computed from them.
//!
//! Used when the front-end wants a map besides the edges. The edges are decided by the same code
//! as the fused path ([`decide`]), reading its rows from the maps through [`MapRows`], so both
//! give the same result.

use ndarray::Array2;

use super::decide::{decide, map_row, Around, DerivativeRows, Levels};
use super::{magnitude_top, Detection, Pipeline, Wanted};
use crate::detect::edges::magnitude::{direction, magnitude};
use crate::detect::edges::steady::SteadyLevels;
use crate::image::bands::Bands;
use crate::image::plane::{Plane, RowSource};
use crate::image::LumaView;
use crate::timings::Timings;

pub(super) fn run(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    wanted: &Wanted,
    steady: Option<&mut SteadyLevels>,
    timings: &mut Timings,
) -> Detection {
    let (dx, dy) = timings.time("gradient_ms", || pipeline.derivatives.compute(luma));
    let m = (wanted.magnitude || wanted.edges)
        .then(|| timings.time("magnitude_ms", || magnitude(dx.view(), dy.view())));
    let dir = wanted
        .direction
        .then(|| timings.time("direction_ms", || direction(dx.view(), dy.view())));
    let (edges, levels) = match (&m, wanted.edges) {
        (Some(m), true) => {
            let (rows, cols) = m.dim();
            let mut edges = Array2::<u8>::zeros((rows, cols));
            let map = edges.as_slice_mut().expect("fresh arrays are contiguous");
            let maps = MapRows {
                dx: plane(&dx),
                dy: plane(&dy),
                magnitude: plane(m),
            };
            let bands = Bands::new(rows, cols);
            let top = || magnitude_top(&luma);
            let levels = decide(pipeline, bands, || maps, top, steady, map, timings);
            (Some(edges), levels)
        }
        _ => (
            None,
            Levels {
                threshold: f32::NAN,
                hysteresis: None,
            },
        ),
    };
    Detection {
        edges,
        magnitude: m.filter(|_| wanted.magnitude),
        direction: dir,
        dx: wanted.dx.then_some(dx),
        dy: wanted.dy.then_some(dy),
        threshold: levels.threshold,
        hysteresis: levels.hysteresis,
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
        }
    }
}
