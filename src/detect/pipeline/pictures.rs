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

use std::io;
use std::ops::Range;
use std::sync::mpsc;

use image::{DynamicImage, ExtendedColorType, GrayImage, ImageBuffer};

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
            Picture::Original | Picture::Edges | Picture::Overlay | Picture::Contours => None,
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
    match with_plane!(luma, |plane| draw_source(
        pipeline, plane, map, depth, timings, None
    )) {
        Drawn::Picture(picture) => picture,
        Drawn::Streamed(_) => None,
    }
}

/// See [`Pipeline::draw_streamed`].
pub(super) fn draw_streamed(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    picture: Picture,
    depth: Depth,
    timings: &mut Timings,
    sink: Sink<'_>,
) -> Option<io::Result<()>> {
    let map = Map::of(picture)?;
    match with_plane!(luma, |plane| draw_source(
        pipeline,
        plane,
        map,
        depth,
        timings,
        Some(&mut *sink)
    )) {
        Drawn::Streamed(result) => Some(result),
        Drawn::Picture(_) => None,
    }
}

/// The colour type of `picture`'s pixels at `depth`, for the maps [`draw`] draws.
pub(super) fn colour(picture: Picture, depth: Depth) -> Option<ExtendedColorType> {
    Some(match (Map::of(picture)?, depth) {
        (Map::Magnitude, Depth::Eight) => ExtendedColorType::L8,
        (Map::Magnitude, Depth::Sixteen) => ExtendedColorType::L16,
        _ => ExtendedColorType::Rgb8,
    })
}

/// Draws the picture of `map`: whole, or streamed to `sink` when there is one.
fn draw_source<S: RowSource>(
    pipeline: &Pipeline,
    source: S,
    map: Map,
    depth: Depth,
    timings: &mut Timings,
    sink: Option<Sink<'_>>,
) -> Drawn {
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
    let drawer = Drawer {
        bands: &bands,
        worker: &worker,
        map,
        max,
        wheel: Wheel::get(),
        colours: Diverging::get(),
    };
    let (w, h) = (cols as u32, rows as u32);
    match sink {
        Some(sink) => {
            let streamed = timings.time("encode_ms", || match (map, depth) {
                (Map::Magnitude, Depth::Eight) => stream(&drawer, sink, |p: &[u8]| p.into()),
                (Map::Magnitude, Depth::Sixteen) => stream(&drawer, sink, |p: &[u16]| {
                    p.iter()
                        .flat_map(|v| v.to_be_bytes())
                        .collect::<Vec<u8>>()
                        .into()
                }),
                _ => stream(&drawer, sink, |p: &[[u8; 3]]| p.as_flattened().into()),
            });
            Drawn::Streamed(streamed)
        }
        None => Drawn::Picture(timings.time("render_ms", || {
            let all = 0..rows;
            match (map, depth) {
                (Map::Magnitude, Depth::Eight) => {
                    let raw = drawer.rows::<u8>(all);
                    GrayImage::from_raw(w, h, raw).map(DynamicImage::ImageLuma8)
                }
                (Map::Magnitude, Depth::Sixteen) => {
                    let raw = drawer.rows::<u16>(all);
                    ImageBuffer::from_raw(w, h, raw).map(DynamicImage::ImageLuma16)
                }
                _ => Some(rgb_picture(cols, rows, drawer.rows::<[u8; 3]>(all)).into()),
            }
        })),
    }
}

/// What [`draw_source`] made: the picture, or the outcome of streaming it.
enum Drawn {
    Picture(Option<DynamicImage>),
    Streamed(io::Result<()>),
}

/// Rows of pixels handed to a sink (see [`Pipeline::draw_streamed`]).
pub(super) type Sink<'s> = &'s mut dyn FnMut(&[u8]) -> io::Result<()>;

/// Rows drawn per chunk when streaming: a few MB of pixels at 4096 columns.
const CHUNK_ROWS: usize = 256;

/// Draws the picture chunk by chunk on a producer thread (each chunk's rows in parallel) and
/// hands the chunks, as bytes, to `sink` on this thread as they come, so that the sink (the
/// PNG encoder, serial) runs while the next chunk is drawn. Two chunk buffers go round.
fn stream<S: RowSource, P: Pixel>(
    drawer: &Drawer<'_, '_, S>,
    sink: Sink<'_>,
    bytes: impl Fn(&[P]) -> std::borrow::Cow<'_, [u8]>,
) -> io::Result<()> {
    let rows = drawer.bands.rows();
    let (full, chunks) = mpsc::sync_channel::<Vec<P>>(1);
    let (spare, spares) = mpsc::sync_channel::<Vec<P>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for start in (0..rows).step_by(CHUNK_ROWS) {
                let mut chunk = spares.try_recv().unwrap_or_default();
                drawer.rows_into(start..(start + CHUNK_ROWS).min(rows), &mut chunk);
                if full.send(chunk).is_err() {
                    break;
                }
            }
        });
        for chunk in chunks {
            sink(&bytes(&chunk))?;
            // A full spare queue just drops the buffer.
            let _ = spare.try_send(chunk);
        }
        Ok(())
    })
}

/// A pixel of a map picture.
trait Pixel: Copy + Default + Send + Sync {
    /// Draws row `y` of the picture of `map` into `out`.
    fn draw<S: RowSource>(d: &Drawer<'_, '_, S>, w: &mut Worker<'_, S>, y: usize, out: &mut [Self]);
}

impl Pixel for u8 {
    #[inline(always)]
    fn draw<S: RowSource>(d: &Drawer<'_, '_, S>, w: &mut Worker<'_, S>, y: usize, out: &mut [u8]) {
        render_rows::gray8(out, w.scaled(y, d.map), d.max)
    }
}

impl Pixel for u16 {
    #[inline(always)]
    fn draw<S: RowSource>(d: &Drawer<'_, '_, S>, w: &mut Worker<'_, S>, y: usize, out: &mut [u16]) {
        render_rows::gray16(out, w.scaled(y, d.map), d.max)
    }
}

impl Pixel for [u8; 3] {
    #[inline(always)]
    fn draw<S: RowSource>(
        d: &Drawer<'_, '_, S>,
        w: &mut Worker<'_, S>,
        y: usize,
        out: &mut [[u8; 3]],
    ) {
        if d.map == Map::Direction {
            w.scaled(y, d.map);
            direction_row(&mut w.dir, &w.dx, &w.dy);
            d.wheel.row(out, &w.dir, &w.m, d.max, &mut w.index);
        } else {
            d.colours.row(out, w.scaled(y, d.map), d.max)
        }
    }
}

/// Draws rows of a map picture, once its scale is known.
struct Drawer<'a, 'k, S> {
    bands: &'a Bands,
    worker: &'a (dyn Fn() -> Worker<'k, S> + Sync),
    map: Map,
    max: f32,
    wheel: &'static Wheel,
    colours: &'static Diverging,
}

impl<S: RowSource> Drawer<'_, '_, S> {
    /// The pixels of `rows`, row-major.
    fn rows<P: Pixel>(&self, rows: Range<usize>) -> Vec<P> {
        let mut out = Vec::new();
        self.rows_into(rows, &mut out);
        out
    }

    /// Draws the pixels of `rows` into `out` (resized to them), bands of them in parallel.
    fn rows_into<P: Pixel>(&self, rows: Range<usize>, out: &mut Vec<P>) {
        let cols = self.bands.cols();
        out.clear();
        out.resize(rows.len() * cols, P::default());
        let start = rows.start;
        let bands = Bands::new(rows.len(), cols);
        bands.for_each(&mut out[..], self.worker, |w, range, part| {
            widest(
                #[inline(always)]
                || {
                    for (y, row) in range.zip(part.into_rows(cols)) {
                        P::draw(self, w, start + y, row);
                    }
                },
            )
        });
    }
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
