//! The streamed path: the edge map of an image read a chunk of rows at a time, in memory that
//! depends on the image's width, not its height — the very edges [`Pipeline::run`] gives, bit
//! for bit, for every edge rule.
//!
//! Each pass slides a [`Window`] down the image: for every chunk of output rows it holds those
//! rows plus a halo of rows above and below (what smoothing, the derivatives at the borders and
//! non-maximum suppression read), and runs the fused path's row code over the chunk in bands in
//! parallel, as if the whole image were there ([`ChunkRows`], made once for every pass). Otsu's
//! level and percentiles count the magnitudes of the whole image in a pass before the edge pass
//! (an exact percentile may take a second counting pass), reading the file again for each pass
//! rather than holding it.
//!
//! The automatic levels (`auto`, and Canny's) take one pass over the image, as in memory: the
//! candidates' codes go to an anonymous temporary file, one byte a pixel ([`Spill`]), while all
//! codes are counted (a float image, such as the luma of colour, takes one more pass first, for
//! the range of its values). The level chosen, the file is read back: for `auto`, the codes
//! above it are the edges.
//!
//! Hysteresis connects edges over the whole image, so it cannot decide a row before the last
//! one is seen; it is done exactly, in bounded memory, by the row-wise union-find of
//! `detect::edges::hysteresis::rows` over the pixels' classes: given levels classify the pixels
//! in the image's pass, into the temporary file, while the union-find takes the rows; Canny's
//! automatic levels classify the codes read back from the file. The union-find's records (a few
//! bytes a component of each row) are resolved last row first, then the file is read once more
//! into the edge rows. Memory: the window, a chunk of the map and two rows of labels; disk: one
//! byte a pixel and the records.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;

use thiserror::Error;

use super::decide::{above, add_counts, classes, level_codes, low_code, Levels, Rows};
use super::fused::{ImageRows, Keep};
use super::{Decision, Pipeline};
use crate::detect::derivatives::RowKernel;
use crate::detect::edges::auto::LevelCodes;
use crate::detect::edges::hysteresis::rows::Linker;
use crate::detect::edges::hysteresis::{STRONG, WEAK};
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
    /// The magnitude level edges are above (with hysteresis, the high level).
    pub threshold: f32,
    /// The `(low, high)` hysteresis levels, with hysteresis and Canny.
    pub hysteresis: Option<(f32, f32)>,
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
    /// The rows of a chunk do not fit in memory.
    #[error("the image is {cols} pixels wide, too wide to stream here ({bytes} bytes a chunk)")]
    TooWide {
        /// The image's width.
        cols: usize,
        /// The memory a chunk needs.
        bytes: usize,
    },
    /// A temporary file (the automatic levels' codes, hysteresis's classes and records) failed.
    #[error("cannot use a temporary file: {0}")]
    Spill(io::Error),
    /// A pass read a different image than the first.
    #[error("the file changed while it was read")]
    Changed,
}

impl Pipeline {
    /// Streams the edge map of the image `open` opens (once per pass: each call must open the
    /// same file anew) to `write`, which receives whole rows (`u8`, 255 at edges), top to
    /// bottom, a chunk at a time. The edges are [`Pipeline::run`]'s, bit for bit, for every
    /// rule (hysteresis and Canny use temporary files of about a byte a pixel).
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
    let first = open()?;
    let size = first.size();
    let levels = match first {
        RowStream::U8(r) => Streamed::new(pipeline, open, r, as_u8, chunk).run(write, timings)?,
        RowStream::U16(r) => Streamed::new(pipeline, open, r, as_u16, chunk).run(write, timings)?,
        RowStream::F32(r) => Streamed::new(pipeline, open, r, as_f32, chunk).run(write, timings)?,
    };
    Ok(StreamedEdges {
        threshold: levels.threshold,
        hysteresis: levels.hysteresis,
        size,
    })
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

    /// One pass of the derivatives' rows: `f(rows, out)` for each chunk of rows `out`, `rows`
    /// computing them from the window in bands in parallel, as the fused path does.
    fn chunks(
        &self,
        mut f: impl FnMut(&ChunkRows<'_, T>, Range<usize>) -> Result<(), StreamError>,
    ) -> Result<(), StreamError> {
        let cols = self.size.1;
        self.pass(None, |window, out| {
            let kernel = RowKernel::new(&self.pipeline.derivatives, window);
            let keep = Keep::of(self.pipeline, false);
            let workers = || ImageRows::new(&kernel, window, keep);
            let rows: ChunkRows<'_, T> = Rows {
                bands: Bands::over(out.clone(), cols),
                workers: &workers,
            };
            f(&rows, out)
        })
    }

    /// Bytes of a chunk of whole rows.
    fn chunk_bytes(&self) -> usize {
        self.chunk_rows().saturating_mul(self.size.1).max(1)
    }

    /// The levels, then the edges, every row written in order.
    fn run(
        &self,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        timings: &mut Timings,
    ) -> Result<Levels, StreamError> {
        let (thin, cols) = (self.pipeline.suppression, self.size.1);
        let mut map = Vec::new();
        match self.pipeline.rule {
            Decision::Exact(exact) => {
                let counts = Counts {
                    stream: self,
                    error: RefCell::new(None),
                };
                let level = timings.time("levels_ms", || exact_level(exact, &counts));
                if let Some(e) = counts.error.into_inner() {
                    return Err(e);
                }
                timings.time("edges_ms", || {
                    self.chunks(|rows, out| {
                        map.resize(out.len() * cols, 0);
                        above(rows, thin, level, &mut map, false);
                        write(&map).map_err(StreamError::Write)
                    })
                })?;
                Ok(Levels {
                    threshold: level,
                    hysteresis: None,
                    points: None,
                })
            }
            Decision::Auto => {
                let (codes, high, mut spill) = self.spill_codes(&mut map, timings)?;
                timings.time("threshold_ms", || {
                    spill.read(self.chunk_bytes(), &mut map, |part| {
                        for c in part.iter_mut() {
                            *c = if *c > high { 255 } else { 0 };
                        }
                        write(part).map_err(StreamError::Write)
                    })
                })?;
                Ok(Levels {
                    threshold: codes.level(high),
                    hysteresis: None,
                    points: None,
                })
            }
            Decision::Hysteresis(Some((low, high))) => {
                let mut spill = Spill::new()?;
                let mut linker =
                    Linker::new(cols, WEAK - 1, STRONG - 1).map_err(StreamError::Spill)?;
                timings.time("edges_ms", || {
                    self.chunks(|rows, out| {
                        map.resize(out.len() * cols, 0);
                        classes(rows, thin, (low, high), &mut map, false);
                        linker.rows(&map).map_err(StreamError::Spill)?;
                        spill.write(&map)
                    })
                })?;
                timings.time("hysteresis_ms", || {
                    self.connect(linker, spill, &mut map, write)
                })?;
                Ok(Levels {
                    threshold: high,
                    hysteresis: Some((low, high)),
                    points: None,
                })
            }
            Decision::Hysteresis(None) => {
                let (codes, high, mut spill) = self.spill_codes(&mut map, timings)?;
                let low = low_code(high);
                timings.time("hysteresis_ms", || {
                    let mut linker = Linker::new(cols, low, high).map_err(StreamError::Spill)?;
                    spill.read(self.chunk_bytes(), &mut map, |part| {
                        linker.rows(part).map_err(StreamError::Spill)
                    })?;
                    self.connect(linker, spill, &mut map, write)
                })?;
                Ok(Levels {
                    threshold: codes.level(high),
                    hysteresis: Some((codes.level(low), codes.level(high))),
                    points: None,
                })
            }
        }
    }

    /// The automatic rules' pass, as the in-memory path does it: the codes of the candidate
    /// pixels go to an anonymous temporary file (one byte a pixel) while the codes of all pixels
    /// are counted. Returns the codes, the level's code chosen from the counts and the file.
    fn spill_codes(
        &self,
        map: &mut Vec<u8>,
        timings: &mut Timings,
    ) -> Result<(LevelCodes, u8, Spill), StreamError> {
        let codes = timings.time("levels_ms", || self.top().map(LevelCodes::new))?;
        let (thin, cols) = (self.pipeline.suppression, self.size.1);
        let mut spill = Spill::new()?;
        let mut total = [0u64; 256];
        timings.time("edges_ms", || {
            self.chunks(|rows, out| {
                map.resize(out.len() * cols, 0);
                total = add_counts(total, level_codes(rows, thin, &codes, map));
                spill.write(map)
            })
        })?;
        let rule = self
            .pipeline
            .auto_rule()
            .expect("the automatic rules have one");
        let high = rule.level_code(&codes, &total);
        Ok((codes, high, spill))
    }

    /// Hysteresis's last passes, once `linker` has had every row of the codes in `spill`: which
    /// components hold a strong pixel, then the spill read again into edge rows, written.
    fn connect(
        &self,
        linker: Linker,
        mut spill: Spill,
        map: &mut Vec<u8>,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> Result<(), StreamError> {
        let mut edges = linker.finish().map_err(StreamError::Spill)?;
        spill.read(self.chunk_bytes(), map, |part| {
            edges.rows(part).map_err(StreamError::Spill)?;
            write(part).map_err(StreamError::Write)
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
}

/// The rows of a chunk: the bands of its rows and the maker of their workers, which compute the
/// derivatives from the window.
type ChunkRows<'c, T> = Rows<'c, dyn Fn() -> ImageRows<'c, &'c Window<T>> + Sync + Send + 'c>;

/// An anonymous temporary file of one byte a pixel, written a chunk of rows at a time, then
/// read back from its start as often as needed.
struct Spill {
    file: BufWriter<File>,
    len: u64,
}

impl Spill {
    fn new() -> Result<Self, StreamError> {
        let file = tempfile::tempfile().map_err(StreamError::Spill)?;
        Ok(Spill {
            file: BufWriter::new(file),
            len: 0,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), StreamError> {
        self.len += bytes.len() as u64;
        self.file.write_all(bytes).map_err(StreamError::Spill)
    }

    /// Reads the whole file from its start into `buf`, `chunk` bytes at a time (the last part
    /// may be shorter), calling `f` on each part.
    fn read(
        &mut self,
        chunk: usize,
        buf: &mut Vec<u8>,
        mut f: impl FnMut(&mut [u8]) -> Result<(), StreamError>,
    ) -> Result<(), StreamError> {
        self.file.flush().map_err(StreamError::Spill)?;
        let mut file = self.file.get_ref();
        file.seek(SeekFrom::Start(0)).map_err(StreamError::Spill)?;
        let mut left = self.len;
        while left > 0 {
            let n = left.min(chunk as u64) as usize;
            buf.resize(n, 0);
            file.read_exact(buf).map_err(StreamError::Spill)?;
            f(buf)?;
            left -= n as u64;
        }
        Ok(())
    }
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
        let mut total = Some(init());
        let result = self.stream.chunks(|rows, _| {
            let counted = rows.count(&init);
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
