//! The streamed path: the edge map of an image read a chunk of rows at a time, in memory that
//! depends on the image's width, not its height — the very edges [`Pipeline::run`] gives, bit
//! for bit.
//!
//! Each pass slides a [`Window`] down the image: for every chunk of output rows it holds those
//! rows plus a halo of rows above and below (what smoothing, the derivatives at the borders and
//! non-maximum suppression read), and runs the fused path's row code over the chunk in bands in
//! parallel, as if the whole image were there. Otsu's level and percentiles count the
//! magnitudes of the whole image in a pass before the edge pass (an exact percentile may take a
//! second counting pass), reading the file again for each pass rather than holding it. The
//! automatic level takes one pass, as in memory: the candidates' codes go to an anonymous
//! temporary file, one byte a pixel, while all codes are counted; the level chosen, the codes
//! are read back as edges (a float image, such as the luma of colour, takes one more pass
//! first, for the range of its values). Hysteresis and Canny connect edges over the whole image and are not streamed
//! ([`Pipeline::streams`]).

use std::cell::RefCell;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;

use thiserror::Error;

use super::decide::{suppress, DerivativeRows as _, Rows};
use super::fused::ImageRows;
use super::{Decision, Pipeline};
use crate::detect::derivatives::RowKernel;
use crate::detect::edges::auto::{count_codes, LevelCodes};
use crate::detect::edges::magnitude::squared_level;
use crate::detect::edges::nms::suppress_row;
use crate::detect::edges::threshold::{exact_level, CountRows, RowCounter};
use crate::image::bands::Bands;
use crate::image::decode::LoadError;
use crate::image::plane::Sample;
use crate::image::stream::window::{chunks, Window};
use crate::image::stream::{RowReader, RowStream};
use crate::timings::Timings;

/// The memory a streamed pass aims to use for its rows (the window of input samples and the
/// chunk of edge rows), which sets the rows per chunk: 1024 rows up to 48 000 columns of 8-bit
/// samples, fewer for wider images (at least 16).
pub const CHUNK_BUDGET_BYTES: usize = 96 << 20;
const MAX_CHUNK_ROWS: usize = 1024;
const MIN_CHUNK_ROWS: usize = 16;

/// What a streamed run wrote, besides the rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamedEdges {
    /// The magnitude level edges are above.
    pub threshold: f32,
    /// The image's size as (rows, columns).
    pub size: (usize, usize),
}

/// Why a streamed run failed.
#[derive(Debug, Error)]
pub enum StreamError {
    /// Reading the image failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Writing the edge rows failed.
    #[error("cannot write: {0}")]
    Write(io::Error),
    /// The rule connects edges over the whole image (hysteresis, Canny).
    #[error("hysteresis and Canny connect edges across the whole image and are not streamed")]
    NotStreamed,
    /// The rows of a chunk do not fit in memory.
    #[error("the image is {cols} pixels wide, too wide to stream here ({bytes} bytes a chunk)")]
    TooWide {
        /// The image's width.
        cols: usize,
        /// The memory a chunk needs.
        bytes: usize,
    },
    /// The temporary file of the automatic level's codes failed.
    #[error("cannot use a temporary file: {0}")]
    Spill(io::Error),
    /// A pass read a different image than the first.
    #[error("the file changed while it was read")]
    Changed,
}

impl Pipeline {
    /// True when the edges can be streamed: every rule but hysteresis and Canny.
    ///
    /// ```
    /// use edgegrad::DetectConfig;
    /// use edgegrad::detect::rule::EdgeRule;
    /// assert!(DetectConfig::default().build()?.streams());
    /// let canny = DetectConfig { rule: EdgeRule::Canny(None), ..Default::default() };
    /// assert!(!canny.build()?.streams());
    /// # Ok::<(), edgegrad::detect::ConfigError>(())
    /// ```
    pub fn streams(&self) -> bool {
        !matches!(self.rule, Decision::Hysteresis(_))
    }

    /// Streams the edge map of the image `open` opens (once per pass: each call must open the
    /// same file anew) to `write`, which receives whole rows (`u8`, 255 at edges), top to
    /// bottom, a chunk at a time. The edges are [`Pipeline::run`]'s, bit for bit.
    ///
    /// ```
    /// use edgegrad::image::stream::open_rows;
    /// use edgegrad::image::{load, LoadOptions, LumaView};
    /// use edgegrad::{DetectConfig, Timings, Wanted};
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("step.png");
    /// image::GrayImage::from_fn(40, 30, |x, _| image::Luma([if x < 20 { 0 } else { 255 }]))
    ///     .save(&path)?;
    /// let pipeline = DetectConfig::default().build()?;
    /// let options = LoadOptions::default();
    /// let open = || Ok(open_rows(&path, &options)?.expect("a PNG streams"));
    /// let mut rows = Vec::new();
    /// pipeline.stream_edges(&open, &mut |r| Ok(rows.extend_from_slice(r)), &mut Timings::new())?;
    /// let whole = load(&path, &options)?;
    /// let d = pipeline.run(whole.luma.view(), &Wanted::edges(), &mut Timings::new());
    /// assert_eq!(rows, d.edges.unwrap().into_raw_vec_and_offset().0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stream_edges(
        &self,
        open: &dyn Fn() -> Result<RowStream, LoadError>,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        timings: &mut Timings,
    ) -> Result<StreamedEdges, StreamError> {
        stream_edges(self, open, write, None, timings)
    }
}

/// [`Pipeline::stream_edges`] with `chunk` rows per chunk (else from the budget).
pub(crate) fn stream_edges(
    pipeline: &Pipeline,
    open: &dyn Fn() -> Result<RowStream, LoadError>,
    write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    chunk: Option<usize>,
    timings: &mut Timings,
) -> Result<StreamedEdges, StreamError> {
    if !pipeline.streams() {
        return Err(StreamError::NotStreamed);
    }
    let first = open()?;
    let size = first.size();
    let threshold = match first {
        RowStream::U8(r) => Streamed::new(pipeline, open, r, as_u8, chunk).run(write, timings)?,
        RowStream::U16(r) => Streamed::new(pipeline, open, r, as_u16, chunk).run(write, timings)?,
        RowStream::F32(r) => Streamed::new(pipeline, open, r, as_f32, chunk).run(write, timings)?,
    };
    Ok(StreamedEdges { threshold, size })
}

fn as_u8(s: RowStream) -> Option<Box<dyn RowReader<u8>>> {
    match s {
        RowStream::U8(r) => Some(r),
        _ => None,
    }
}

fn as_u16(s: RowStream) -> Option<Box<dyn RowReader<u16>>> {
    match s {
        RowStream::U16(r) => Some(r),
        _ => None,
    }
}

fn as_f32(s: RowStream) -> Option<Box<dyn RowReader<f32>>> {
    match s {
        RowStream::F32(r) => Some(r),
        _ => None,
    }
}

/// One streamed image of samples `T`.
struct Streamed<'a, T> {
    pipeline: &'a Pipeline,
    open: &'a dyn Fn() -> Result<RowStream, LoadError>,
    /// The reader of `T` rows of a stream.
    take: fn(RowStream) -> Option<Box<dyn RowReader<T>>>,
    size: (usize, usize),
    chunk: Option<usize>,
    /// The reader opened first, for the first pass.
    first: RefCell<Option<Box<dyn RowReader<T>>>>,
}

impl<'a, T: Sample + Default> Streamed<'a, T> {
    /// The stream of `reader`, opened first by `open`, whose readers `take` gets.
    fn new(
        pipeline: &'a Pipeline,
        open: &'a dyn Fn() -> Result<RowStream, LoadError>,
        reader: Box<dyn RowReader<T>>,
        take: fn(RowStream) -> Option<Box<dyn RowReader<T>>>,
        chunk: Option<usize>,
    ) -> Self {
        Streamed {
            pipeline,
            open,
            take,
            size: reader.size(),
            chunk,
            first: RefCell::new(Some(reader)),
        }
    }

    /// Rows per chunk.
    fn chunk_rows(&self) -> usize {
        self.chunk.unwrap_or_else(|| {
            let per_row = self
                .size
                .1
                .saturating_mul(std::mem::size_of::<T>() + 1)
                .max(1);
            (CHUNK_BUDGET_BYTES / per_row).clamp(MIN_CHUNK_ROWS, MAX_CHUNK_ROWS)
        })
    }

    /// The rows read above and below a chunk: what its derivatives read, plus one row for
    /// non-maximum suppression.
    fn halo(&self) -> usize {
        let (rows, cols) = self.size;
        RowKernel::for_size::<T>(&self.pipeline.derivatives, rows, cols).reach() + 1
    }

    /// One pass down the image: `f(window, rows)` for each chunk of rows, with the window
    /// holding them and `halo` rows around them (`None`: the derivatives' halo).
    fn pass(
        &self,
        halo: Option<usize>,
        mut f: impl FnMut(&Window<T>, Range<usize>) -> Result<(), StreamError>,
    ) -> Result<(), StreamError> {
        let mut reader = match self.first.borrow_mut().take() {
            Some(r) => r,
            None => (self.take)((self.open)()?).ok_or(StreamError::Changed)?,
        };
        if reader.size() != self.size {
            return Err(StreamError::Changed);
        }
        let (rows, cols) = self.size;
        let chunk = self.chunk_rows();
        let halo = halo.unwrap_or_else(|| self.halo());
        let capacity = chunk + 2 * halo;
        let mut window = Window::new(rows, cols, capacity).ok_or(StreamError::TooWide {
            cols,
            bytes: capacity
                .saturating_mul(cols)
                .saturating_mul(std::mem::size_of::<T>()),
        })?;
        for (out, read) in chunks(rows, chunk, halo) {
            window.slide(read, &mut *reader)?;
            f(&window, out)?;
        }
        Ok(())
    }

    /// The level, then the edges, every row written in order.
    fn run(
        &self,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        timings: &mut Timings,
    ) -> Result<f32, StreamError> {
        let exact = match self.pipeline.rule {
            Decision::Exact(t) => t,
            Decision::Auto => return self.run_auto(write, timings),
            Decision::Hysteresis(_) => return Err(StreamError::NotStreamed),
        };
        let counts = Counts {
            stream: self,
            error: RefCell::new(None),
        };
        let level = timings.time("levels_ms", || exact_level(exact, &counts));
        if let Some(e) = counts.error.into_inner() {
            return Err(e);
        }
        timings.time("edges_ms", || self.edges(level, write))?;
        Ok(level)
    }

    /// The automatic level in one pass over the image, as the in-memory path does it: the codes
    /// of the candidate pixels go to an anonymous temporary file (one byte a pixel) while the
    /// codes of all pixels are counted; then the level is chosen and the codes above it become
    /// the edge rows.
    fn run_auto(
        &self,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        timings: &mut Timings,
    ) -> Result<f32, StreamError> {
        let codes = timings.time("levels_ms", || self.top().map(LevelCodes::new))?;
        let (thin, cols) = (self.pipeline.thin, self.size.1);
        let file = tempfile::tempfile().map_err(StreamError::Spill)?;
        let mut spill = BufWriter::new(file);
        let mut map = Vec::new();
        let mut total = [0u64; 256];
        timings.time("edges_ms", || {
            self.pass(None, |window, out| {
                let kernel = RowKernel::new(&self.pipeline.derivatives, window);
                let workers = || ImageRows::new(&kernel, window);
                map.resize(out.len() * cols, 0u8);
                let rows = Rows {
                    bands: Bands::over(out, cols),
                    workers: &workers,
                };
                let counts = rows.fold(
                    &mut map[..],
                    || [0u64; 256],
                    |w, counts, y, o| {
                        if thin {
                            let a = w.around(y);
                            suppress_row(o, a.magnitude, a.dx, a.dy, |m| codes.code(m));
                            count_codes(counts, &codes, a.magnitude[1]);
                        } else {
                            let m = w.magnitude(y);
                            for (o, &m) in o.iter_mut().zip(m) {
                                *o = codes.code(m);
                            }
                            count_codes(counts, &codes, m);
                        }
                    },
                    add_counts,
                );
                total = add_counts(total, counts);
                spill.write_all(&map).map_err(StreamError::Spill)
            })
        })?;
        let rule = self
            .pipeline
            .auto_rule()
            .expect("the automatic rule has one");
        let high = rule.level_code(&codes, &total);
        timings.time("threshold_ms", || {
            let mut file = spill
                .into_inner()
                .map_err(|e| StreamError::Spill(e.into_error()))?;
            file.seek(SeekFrom::Start(0)).map_err(StreamError::Spill)?;
            let mut file = BufReader::new(file);
            let chunk = self.chunk_rows() * cols;
            let mut left = self.size.0 * cols;
            while left > 0 {
                let n = chunk.min(left);
                map.resize(n, 0);
                file.read_exact(&mut map).map_err(StreamError::Spill)?;
                for c in map.iter_mut() {
                    *c = if *c > high { 255 } else { 0 };
                }
                write(&map).map_err(StreamError::Write)?;
                left -= n;
            }
            Ok(codes.level(high))
        })
    }

    /// The top of the magnitude range ([`magnitude_top`](super::magnitude_top)): a pass over a
    /// float image's samples, 4 for 8- and 16-bit ones.
    fn top(&self) -> Result<f32, StreamError> {
        if !T::FLOAT {
            return Ok(4.0);
        }
        let mut max = 0.0f32;
        self.pass(Some(0), |window, _| {
            let (_, samples) = window.held();
            max = samples
                .iter()
                .map(|v| v.raw())
                .filter(|v| v.is_finite())
                .fold(max, |m, v| m.max(v.abs()));
            Ok(())
        })?;
        Ok((8.0 * max).max(4.0))
    }

    /// The edge pass of a known level: each chunk's edge rows, written in order.
    fn edges(
        &self,
        level: f32,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> Result<(), StreamError> {
        let (thin, cols) = (self.pipeline.thin, self.size.1);
        let mut map = Vec::new();
        self.pass(None, |window, out| {
            let kernel = RowKernel::new(&self.pipeline.derivatives, window);
            let workers = || ImageRows::new(&kernel, window);
            map.resize(out.len() * cols, 0u8);
            let rows = Rows {
                bands: Bands::over(out, cols),
                workers: &workers,
            };
            if thin {
                rows.for_each(&mut map, |w, y, o| {
                    suppress(w, y, o, |m| if m > level { 255 } else { 0 })
                });
            } else {
                let s = squared_level(level);
                let op = |x: f32, y: f32| if x * x + y * y > s { 255 } else { 0 };
                rows.for_each(&mut map, |w, y, o| w.map(y, o, op));
            }
            write(&map).map_err(StreamError::Write)
        })
    }
}

fn add_counts(mut a: [u64; 256], b: [u64; 256]) -> [u64; 256] {
    a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
    a
}

/// The magnitudes of a streamed image, counted a pass at a time for an exact level; the first
/// failure of a pass is kept for the caller (the counting interface has no errors).
struct Counts<'s, 'a, T> {
    stream: &'s Streamed<'a, T>,
    error: RefCell<Option<StreamError>>,
}

impl<T: Sample + Default> CountRows for Counts<'_, '_, T> {
    fn pixels(&self) -> u64 {
        (self.stream.size.0 * self.stream.size.1) as u64
    }

    fn count<C: RowCounter>(&self, init: impl Fn() -> C + Sync + Send) -> C {
        let s = self.stream;
        let cols = s.size.1;
        let mut total = Some(init());
        let result = s.pass(None, |window, out| {
            let kernel = RowKernel::new(&s.pipeline.derivatives, window);
            let workers = || ImageRows::new(&kernel, window);
            let rows = Rows {
                bands: Bands::over(out, cols),
                workers: &workers,
            };
            let counted = rows.fold(
                (),
                &init,
                |w, counter, y, ()| {
                    let (dx, dy) = w.derivatives(y);
                    counter.add(dx, dy);
                },
                C::merge,
            );
            total = total.take().map(|t| t.merge(counted));
            Ok(())
        });
        if let Err(e) = result {
            self.error.borrow_mut().get_or_insert(e);
        }
        total.unwrap_or_else(init)
    }
}

#[cfg(test)]
mod tests;
