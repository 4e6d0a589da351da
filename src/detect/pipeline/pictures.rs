//! Map pictures (magnitude, direction, dx, dy) drawn straight from the image, band by band,
//! without any full-size float map.
//!
//! A picture is scaled by the largest finite value of its map, so it takes two banded passes
//! over the image: the first computes the map's rows and keeps only their largest finite
//! absolute value, the second computes them again and draws each into its row of pixels with
//! [`render`](crate::image::render)'s row kernels. The rows are those of the full-map path
//! ([`GradientRows`], [`direction_row`]) and the kernels those of the whole-array pictures, so
//! the pixels are the same as drawing [`Pipeline::run`]'s maps; recomputing the derivatives
//! costs less than writing and reading back a float map (at 4096², 64 MiB of fresh memory per
//! map).

use image::{DynamicImage, GrayImage, ImageBuffer};

use super::Pipeline;
use crate::detect::derivatives::{GradientRows, RowKernel};
use crate::detect::edges::atan2::direction_row;
use crate::detect::picture::Picture;
use crate::detect::simd::widest;
use crate::image::bands::{BandOutput, Bands};
use crate::image::plane::{with_plane, RowSource};
use crate::image::render::rows::{self as render_rows, Diverging, Wheel};
use crate::image::render::{rgb_picture, Depth};
use crate::image::LumaView;
use crate::timings::Timings;

/// The map a picture draws.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Map {
    Magnitude,
    Direction,
    Dx,
    Dy,
}

impl Map {
    fn of(picture: Picture) -> Option<Map> {
        match picture {
            Picture::Magnitude => Some(Map::Magnitude),
            Picture::Direction => Some(Map::Direction),
            Picture::Dx => Some(Map::Dx),
            Picture::Dy => Some(Map::Dy),
            Picture::Original | Picture::Edges | Picture::Overlay => None,
        }
    }
}

/// See [`Pipeline::draw`].
pub(super) fn draw(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    picture: Picture,
    depth: Depth,
    timings: &mut Timings,
) -> Option<DynamicImage> {
    let map = Map::of(picture)?;
    Some(with_plane!(luma, |plane| draw_source(
        pipeline, plane, map, depth, timings
    )))
}

fn draw_source<S: RowSource>(
    pipeline: &Pipeline,
    source: S,
    map: Map,
    depth: Depth,
    timings: &mut Timings,
) -> DynamicImage {
    let (rows, cols) = (source.rows(), source.cols());
    let kernel = RowKernel::new(&pipeline.derivatives, &source);
    let bands = Bands::new(rows, cols);
    let worker = || Worker {
        rows: GradientRows::new(&kernel, &source),
        dx: vec![0.0; cols],
        dy: vec![0.0; cols],
        m: vec![0.0; cols],
        dir: vec![0.0; cols],
        index: Vec::with_capacity(cols),
    };
    let max = timings.time("scale_ms", || {
        let max = bands.fold(
            (),
            worker,
            || 0.0f32,
            |w, acc, range, ()| {
                widest(
                    #[inline(always)]
                    || {
                        for y in range {
                            *acc = render_rows::finite_abs_max(*acc, w.scaled(y, map));
                        }
                    },
                )
            },
            f32::max,
        );
        render_rows::scale(max)
    });
    timings.time("render_ms", || {
        let (w, h) = (cols as u32, rows as u32);
        match (map, depth) {
            (Map::Magnitude, Depth::Eight) => {
                let mut raw = vec![0u8; rows * cols];
                draw_rows(
                    &bands,
                    &mut raw,
                    &worker,
                    #[inline(always)]
                    |w, y, out| render_rows::gray8(out, w.scaled(y, map), max),
                );
                GrayImage::from_raw(w, h, raw).map(DynamicImage::ImageLuma8)
            }
            (Map::Magnitude, Depth::Sixteen) => {
                let mut raw = vec![0u16; rows * cols];
                draw_rows(
                    &bands,
                    &mut raw,
                    &worker,
                    #[inline(always)]
                    |w, y, out| render_rows::gray16(out, w.scaled(y, map), max),
                );
                ImageBuffer::from_raw(w, h, raw).map(DynamicImage::ImageLuma16)
            }
            (Map::Direction, _) => {
                let wheel = Wheel::new();
                let mut pixels = vec![[0u8; 3]; rows * cols];
                draw_rows(
                    &bands,
                    &mut pixels,
                    &worker,
                    #[inline(always)]
                    |w, y, out| {
                        w.scaled(y, map);
                        direction_row(&mut w.dir, &w.dx, &w.dy);
                        wheel.row(out, &w.dir, &w.m, max, &mut w.index);
                    },
                );
                Some(rgb_picture(cols, rows, pixels).into())
            }
            (Map::Dx | Map::Dy, _) => {
                let colours = Diverging::new();
                let mut pixels = vec![[0u8; 3]; rows * cols];
                draw_rows(
                    &bands,
                    &mut pixels,
                    &worker,
                    #[inline(always)]
                    |w, y, out| colours.row(out, w.scaled(y, map), max),
                );
                Some(rgb_picture(cols, rows, pixels).into())
            }
        }
        .expect("a buffer of rows x cols pixels")
    })
}

/// Draws every row of `out` (row-major pixels, the image's size) with `f(worker, y, row)`,
/// bands in parallel.
fn draw_rows<P: Send, W>(
    bands: &Bands,
    out: &mut [P],
    worker: &(impl Fn() -> W + Sync + Send),
    f: impl Fn(&mut W, usize, &mut [P]) + Sync + Send,
) {
    let cols = bands.cols();
    bands.for_each(out, worker, |w, range, part| {
        widest(
            #[inline(always)]
            || {
                for (y, row) in range.zip(part.into_rows(cols)) {
                    f(w, y, row);
                }
            },
        )
    });
}

/// One band worker's rows of the maps.
struct Worker<'k, S> {
    rows: GradientRows<'k, S>,
    dx: Vec<f32>,
    dy: Vec<f32>,
    m: Vec<f32>,
    dir: Vec<f32>,
    index: Vec<u32>,
}

impl<S: RowSource> Worker<'_, S> {
    /// Computes row `y` of what `map`'s picture needs and returns the row its scale is taken
    /// from: the magnitude (for the magnitude and direction pictures, `dx` and `dy` are then in
    /// place too for the direction), or `dx` or `dy`.
    #[inline(always)]
    fn scaled(&mut self, y: usize, map: Map) -> &[f32] {
        let op = |x: f32, y: f32| (x * x + y * y).sqrt();
        match map {
            Map::Magnitude => {
                if !self.rows.map_central(y, &mut self.m, op) {
                    self.rows
                        .compute_with_magnitude(y, &mut self.dx, &mut self.dy, &mut self.m);
                }
                &self.m
            }
            Map::Direction => {
                self.rows
                    .compute_with_magnitude(y, &mut self.dx, &mut self.dy, &mut self.m);
                &self.m
            }
            Map::Dx | Map::Dy => {
                self.rows.compute(y, &mut self.dx, &mut self.dy);
                if map == Map::Dx {
                    &self.dx
                } else {
                    &self.dy
                }
            }
        }
    }
}
