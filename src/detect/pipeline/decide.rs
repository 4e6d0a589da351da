//! The one edge-rule dispatch: from rows of derivatives to the edge map, whoever provides the rows.
//!
//! [`decide`] applies a pipeline's [`Decision`] (thinned or not) to the rows of a
//! [`DerivativeRows`] provider, bands in parallel with the widest vectors the CPU has. The fused
//! path computes the rows from the image band by band; the full-map path reads them from the
//! `dx`, `dy` and magnitude maps it made. Both run this code, so they give the same edges bit for
//! bit.
//!
//! Passes: a histogram of the magnitude when the level is Otsu's or a percentile (plus a
//! refinement pass for the exact percentile), then the edge pass: the squared magnitude against
//! the squared level, or non-maximum suppression over the magnitude rows around each row (or
//! the zero crossings of the Laplacian), or the classes of hysteresis, which are then connected
//! in place. The automatic rules do it in one pass: the codes of the candidate pixels go into
//! the map and the codes of all pixels into the counts that choose the levels; then the codes
//! are classified.
//!
//! Sub-pixel points ([`geometry`](crate::detect::geometry)) are fitted from a five-row window
//! of derivative rows ([`DerivativeRows::window`]), how depending on where the rows come from
//! ([`Fitting`]): rows computed from the image are gone after the edge pass, so the pass fits
//! every pixel the rule may keep (an exact level's edges, hysteresis's weak and strong pixels)
//! and those hysteresis drops are dropped once the map is final; rows read from whole maps are
//! there to read again, so the final edges are fitted after the decision. The automatic levels
//! are known only after the pass, so from image rows the pixels to fit are chosen by a level
//! guessed from a sample of rows, half an octave low (Canny's automatic low level keeps about
//! 2.5 times as many maxima as end up edges, every maximum many times more); in the rare image
//! where the level found is lower still, the edges are fitted again in a pass of their own
//! (the same points, more slowly).

use std::collections::LinkedList;

use rayon::prelude::*;

use super::{Decision, Pipeline, Suppression};
use crate::detect::edges::auto::{count_codes, noise, AutoRule, LevelCodes, CODES_PER_OCTAVE};
use crate::detect::edges::crossings::crossing_row;
use crate::detect::edges::hysteresis::{class, connect, connect_above};
use crate::detect::edges::magnitude::squared_level;
use crate::detect::edges::nms::suppress_row;
use crate::detect::edges::steady::SteadyLevels;
use crate::detect::edges::threshold::{exact_level, CountRows, RowCounter};
use crate::detect::geometry::points::{located, Fit, Window};
use crate::detect::geometry::Located;
use crate::detect::simd::widest;
use crate::image::bands::{BandOutput, Bands};
use crate::timings::Timings;

/// One band worker's access to the rows of `dx`, `dy` and the magnitude of an image, by row
/// index (rows in increasing order are cheapest).
pub(super) trait DerivativeRows: Send {
    /// Writes `out[x] = op(dx[x], dy[x])` for row `y`.
    fn map<O: Copy>(&mut self, y: usize, out: &mut [O], op: impl Fn(f32, f32) -> O);

    /// `dx` and `dy` of row `y`.
    fn derivatives(&mut self, y: usize) -> (&[f32], &[f32]);

    /// The magnitude of row `y`.
    fn magnitude(&mut self, y: usize) -> &[f32];

    /// What non-maximum suppression (or the zero crossings) of row `y` reads.
    fn around(&mut self, y: usize) -> Around<'_>;

    /// What fitting the sub-pixel points of row `y` reads (and what [`DerivativeRows::around`]
    /// gives, within it).
    fn window(&mut self, y: usize) -> Window<'_>;
}

/// The magnitude rows above, at and below a row (the row itself past the image's top and
/// bottom), the row's `dx` and `dy`, and for zero crossings the Laplacian rows.
pub(super) struct Around<'a> {
    /// The magnitude rows `y - 1`, `y`, `y + 1`.
    pub magnitude: [&'a [f32]; 3],
    /// `dx` of row `y`.
    pub dx: &'a [f32],
    /// `dy` of row `y`.
    pub dy: &'a [f32],
    /// The Laplacian rows `y - 1`, `y`, `y + 1` (empty rows unless the edges are zero
    /// crossings).
    pub laplacian: [&'a [f32]; 3],
}

impl<'a> Around<'a> {
    /// The part of a points window that suppression reads.
    #[inline(always)]
    pub(super) fn of_window(w: &Window<'a>) -> Around<'a> {
        let m = &w.magnitude;
        Around {
            magnitude: [m[1], m[2], m[3]],
            dx: w.dx[1],
            dy: w.dy[1],
            laplacian: w.laplacian,
        }
    }
}

/// `out[x] = op(dx[x], dy[x])`.
#[inline(always)]
pub(super) fn map_row<O>(out: &mut [O], dx: &[f32], dy: &[f32], op: impl Fn(f32, f32) -> O) {
    for ((o, &x), &y) in out.iter_mut().zip(dx).zip(dy) {
        *o = op(x, y);
    }
}

/// The levels a decision used: the threshold (with hysteresis, the high level) and the
/// hysteresis levels.
pub(super) struct Levels {
    /// The level edges are above (with hysteresis, the high level).
    pub threshold: f32,
    /// The `(low, high)` hysteresis levels, with hysteresis.
    pub hysteresis: Option<(f32, f32)>,
    /// The sub-pixel points of the edges, when asked for and the edges are one pixel wide.
    pub points: Option<Vec<Located>>,
}

/// The edge map of `pipeline`'s rule into `map` (row-major, `bands`' size), from the rows of
/// the workers `workers` makes (one per rayon job). `top` gives the top of the magnitude range
/// ([`magnitude_top`](super::magnitude_top)), asked for by the automatic rules only, whose
/// noise estimate goes through `steady` when given (a frame of a sequence). With `fitting`, the
/// sub-pixel points of the edges too, when they are one pixel wide.
#[allow(clippy::too_many_arguments)]
pub(super) fn decide<P: DerivativeRows>(
    pipeline: &Pipeline,
    bands: Bands,
    workers: impl Fn() -> P + Sync + Send,
    top: impl FnOnce() -> f32,
    steady: Option<&mut SteadyLevels>,
    fitting: Fitting,
    map: &mut [u8],
    timings: &mut Timings,
) -> Levels {
    let rows = Rows {
        bands,
        workers: &workers,
    };
    let cols = bands.cols();
    let thin = pipeline.suppression;
    let fitting = match thin {
        Suppression::None => Fitting::No,
        _ => fitting,
    };
    let in_pass = fitting == Fitting::InPass;
    let mut levels = match pipeline.rule {
        Decision::Exact(t) => {
            let t = timings.time("histogram_ms", || exact_level(t, &rows));
            let fits = timings.time("edges_ms", || above(&rows, thin, t, map, in_pass));
            Levels {
                threshold: t,
                hysteresis: None,
                points: fits.map(|fits| timings.time("points_ms", || located(fits.all()))),
            }
        }
        Decision::Hysteresis(Some((low, high))) => {
            let fits = timings.time("edges_ms", || {
                classes(&rows, thin, (low, high), map, in_pass)
            });
            timings.time("hysteresis_ms", || connect(map, cols));
            Levels {
                threshold: high,
                hysteresis: Some((low, high)),
                points: fits.map(|fits| timings.time("points_ms", || kept(fits, map, cols))),
            }
        }
        Decision::Auto | Decision::Hysteresis(None) => {
            let codes = LevelCodes::new(top());
            let rule = pipeline.auto_rule().expect("automatic rules have one");
            let single = pipeline.rule == Decision::Auto;
            let floor = in_pass
                .then(|| timings.time("points_ms", || guess_floor(&rows, &codes, rule, single)));
            let (counts, fits) = timings.time("edges_ms", || match floor {
                None => (level_codes(&rows, thin, &codes, map), None),
                Some(floor) => {
                    let (counts, fits) = level_codes_fitting(&rows, thin, &codes, floor, map);
                    (counts, Some(fits))
                }
            });
            let s = noise(&codes, &counts);
            let s = steady.map_or(s, |steady| steady.follow(s));
            let high = rule.level_code_for(&codes, s);
            let threshold = codes.level(high);
            let (needed, levels) = if single {
                timings.time("threshold_ms", || {
                    bands.for_each(
                        &mut *map,
                        || (),
                        |_, _, part| {
                            for c in part {
                                *c = if *c > high { 255 } else { 0 };
                            }
                        },
                    )
                });
                (high, None)
            } else {
                let low = low_code(high);
                timings.time("hysteresis_ms", || connect_above(map, cols, low, high));
                (low, Some((codes.level(low), threshold)))
            };
            // Every edge has a code above `needed`: all fitted if the floor is not above it.
            let fitted = fits.zip(floor).filter(|&(_, floor)| floor <= needed);
            Levels {
                threshold,
                hysteresis: levels,
                points: fitted.map(|(fits, _)| timings.time("points_ms", || kept(fits, map, cols))),
            }
        }
    };
    // Fitted after the decision: from maps; from image rows, when the guessed floor was above
    // the automatic level found (a second pass over the image).
    if fitting != Fitting::No && levels.points.is_none() {
        let stage = match fitting {
            Fitting::InPass => "refit_ms",
            _ => "points_ms",
        };
        levels.points = Some(timings.time(stage, || fit_edges(&rows, thin, map)));
    }
    levels
}

/// Rows sampled to guess the automatic level before the edge pass (at most).
const GUESS_ROWS: usize = 64;

/// How far below the guessed level pixels are fitted: a quarter of an octave of codes (on
/// the sample photos the guess was within two codes, an eighth of an octave, of the level).
const GUESS_MARGIN: u8 = CODES_PER_OCTAVE / 4;

/// The code above which the automatic rules' edge pass fits points: the level the edges need
/// (the single level, or Canny's low level), guessed from the magnitudes of a sample of rows
/// spread over the image, less [`GUESS_MARGIN`].
fn guess_floor<F, P>(rows: &Rows<'_, F>, codes: &LevelCodes, rule: AutoRule, single: bool) -> u8
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    let n = rows.bands.rows();
    let k = (n / 32).clamp(n.min(8), GUESS_ROWS.min(n.max(1)));
    let counts = (0..k)
        .into_par_iter()
        .map_init(rows.workers, |w, i| {
            let mut counts = [0u64; 256];
            count_codes(&mut counts, codes, w.magnitude((2 * i + 1) * n / (2 * k)));
            counts
        })
        .reduce(|| [0u64; 256], add_counts);
    let high = rule.level_code_for(codes, noise(codes, &counts));
    let needed = if single { high } else { low_code(high) };
    needed.saturating_sub(GUESS_MARGIN)
}

/// How the sub-pixel points of the edges are fitted, if they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fitting {
    /// Not at all.
    No,
    /// In the edge pass, every pixel an exact level or hysteresis's levels may keep, and for
    /// the automatic levels the candidates above a guessed level (rows computed from the
    /// image, gone after the pass).
    InPass,
    /// After the decision, the final edges only (rows read from maps, there to read again).
    AfterPass,
}

impl Fitting {
    /// `InPass` or `AfterPass` (as `after` says) when `points` are wanted, else `No`.
    pub(super) fn of(points: bool, after: bool) -> Fitting {
        match (points, after) {
            (false, _) => Fitting::No,
            (true, false) => Fitting::InPass,
            (true, true) => Fitting::AfterPass,
        }
    }
}

/// The points of the fits whose edge pixel is an edge of the final `map`.
fn kept(fits: Fits, map: &[u8], cols: usize) -> Vec<Located> {
    let edge = |f: &&Fit| map[f.source.0 as usize * cols + f.source.1 as usize] == 255;
    let parts: Vec<Vec<Fit>> = fits.0.into_iter().collect();
    located(
        parts
            .par_iter()
            .flat_map_iter(|part| part.iter().filter(edge).copied())
            .collect(),
    )
}

/// The points of the edges of the final `map`, fitted in a pass of their own.
fn fit_edges<F, P>(rows: &Rows<'_, F>, thin: Suppression, map: &mut [u8]) -> Vec<Located>
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    let fits = rows.fold(
        map,
        Fits::default,
        |w, fits, y, o| {
            if o.iter().any(|&v| v != 0) {
                fit_row(&w.window(y), thin, o, 0, fits.room_for(o.len()));
            }
        },
        Fits::join,
    );
    located(fits.all())
}

/// The fits the bands make, in order: a list of chunks of fixed capacity, joined without
/// copying. A chunk is never grown: when the next row might not fit, a new one is started, so
/// no fit is moved and only the memory written is touched (growing one list per job moved
/// every fit about once more and zeroed pages for the copies: half the time of the pass).
#[derive(Debug, Default)]
pub(super) struct Fits(LinkedList<Vec<Fit>>);

/// The capacity of a chunk of [`Fits`], in fits (at least a row's worth is added).
const CHUNK_FITS: usize = 1 << 15;

impl Fits {
    /// The chunk the fits of the next row go to, with room for `row` more fits.
    #[inline(always)]
    fn room_for(&mut self, row: usize) -> &mut Vec<Fit> {
        match self.0.back() {
            Some(chunk) if chunk.capacity() - chunk.len() >= row => {}
            _ => self.0.push_back(Vec::with_capacity(CHUNK_FITS.max(row))),
        }
        self.0.back_mut().expect("a chunk was just made")
    }

    /// The fits of `self` then those of `other`.
    fn join(mut self, mut other: Fits) -> Fits {
        self.0.append(&mut other.0);
        self
    }

    /// All the fits, in order.
    fn all(self) -> Vec<Fit> {
        let mut all = Vec::with_capacity(self.0.iter().map(Vec::len).sum());
        for part in self.0 {
            all.extend_from_slice(&part);
        }
        all
    }
}

/// Fits the pixels of row `out` (of the window's row) whose value is above `floor`.
#[inline(always)]
fn fit_row(w: &Window<'_>, thin: Suppression, out: &[u8], floor: u8, fits: &mut Vec<Fit>) {
    for (x, &v) in out.iter().enumerate() {
        if v > floor {
            fits.push(match thin {
                Suppression::Crossings => w.fit_crossing(x),
                _ => w.fit_maximum(x),
            });
        }
    }
}

/// The edge map of a known level into `map`: 255 where the magnitude (thinned or not) is above
/// `level`, 0 elsewhere; with `fitting`, the fits of the edge pixels.
pub(super) fn above<F, P>(
    rows: &Rows<'_, F>,
    thin: Suppression,
    level: f32,
    map: &mut [u8],
    fitting: bool,
) -> Option<Fits>
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    let s = squared_level(level);
    classify(
        rows,
        thin,
        map,
        #[inline(always)]
        move |m| edge(m, level),
        #[inline(always)]
        move |q| edge(q, s),
        fitting,
    )
}

/// The hysteresis classes ([`class`]) of the magnitude (thinned or not) into `map`, for the
/// levels `(low, high)`; with `fitting`, the fits of the weak and strong pixels.
pub(super) fn classes<F, P>(
    rows: &Rows<'_, F>,
    thin: Suppression,
    (low, high): (f32, f32),
    map: &mut [u8],
    fitting: bool,
) -> Option<Fits>
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    let (sl, sh) = (squared_level(low), squared_level(high));
    classify(
        rows,
        thin,
        map,
        #[inline(always)]
        move |m| class(m, low, high),
        #[inline(always)]
        move |q| class(q, sl, sh),
        fitting,
    )
}

/// 255 where `m` is above `level`, else 0.
#[inline(always)]
fn edge(m: f32, level: f32) -> u8 {
    if m > level {
        255
    } else {
        0
    }
}

/// Each pixel's magnitude through `of` into `map`: thinned, the maxima's (or zero crossings')
/// magnitude (the others are 0), else the squared magnitude through `of_squared`. With
/// `fitting` (thinned edges only), the fits of the pixels given a value other than 0.
#[inline(always)]
fn classify<F, P>(
    rows: &Rows<'_, F>,
    thin: Suppression,
    map: &mut [u8],
    of: impl Fn(f32) -> u8 + Sync + Send,
    of_squared: impl Fn(f32) -> u8 + Sync + Send,
    fitting: bool,
) -> Option<Fits>
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    match (thin, fitting) {
        (Suppression::None, _) => {
            rows.for_each(
                map,
                #[inline(always)]
                |w, y, o| {
                    w.map(
                        y,
                        o,
                        #[inline(always)]
                        |x: f32, y: f32| of_squared(x * x + y * y),
                    )
                },
            );
            None
        }
        (_, false) => {
            rows.for_each(
                map,
                #[inline(always)]
                |w, y, o| suppress(&w.around(y), thin, o, &of),
            );
            None
        }
        (_, true) => Some(rows.fold(
            map,
            Fits::default,
            #[inline(always)]
            |w, fits, y, o| {
                let window = w.window(y);
                suppress(&Around::of_window(&window), thin, o, &of);
                fit_row(&window, thin, o, 0, fits.room_for(o.len()));
            },
            Fits::join,
        )),
    }
}

/// The automatic rules' pass: the codes of the candidate pixels (the maxima or zero crossings
/// when thinned, else all) into `map`, and the counts of the codes of all pixels' magnitudes,
/// returned.
pub(super) fn level_codes<F, P>(
    rows: &Rows<'_, F>,
    thin: Suppression,
    codes: &LevelCodes,
    map: &mut [u8],
) -> [u64; 256]
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    // One fold per case, each closure small and copying what it reads, so that all of it
    // inlines into the AVX2 copy of the band loop (bench pipeline/fused_canny).
    let codes = *codes;
    if thin == Suppression::None {
        rows.fold(
            map,
            || [0u64; 256],
            #[inline(always)]
            move |w, counts, y, o| {
                let m = w.magnitude(y);
                for (o, &m) in o.iter_mut().zip(m) {
                    *o = codes.code(m);
                }
                count_codes(counts, &codes, m);
            },
            add_counts,
        )
    } else {
        rows.fold(
            map,
            || [0u64; 256],
            #[inline(always)]
            move |w, counts, y, o| {
                let a = w.around(y);
                suppress(
                    &a,
                    thin,
                    o,
                    #[inline(always)]
                    move |m| codes.code(m),
                );
                count_codes(counts, &codes, a.magnitude[1]);
            },
            add_counts,
        )
    }
}

/// [`level_codes`] of thinned edges that also fits the candidates whose code is above `floor`.
fn level_codes_fitting<F, P>(
    rows: &Rows<'_, F>,
    thin: Suppression,
    codes: &LevelCodes,
    floor: u8,
    map: &mut [u8],
) -> ([u64; 256], Fits)
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    // Small copying closures, as in `level_codes`, so that the suppression stays vectorised.
    let codes = *codes;
    rows.fold(
        map,
        || ([0u64; 256], Fits::default()),
        #[inline(always)]
        move |w, (counts, fits), y, o| {
            let window = w.window(y);
            let a = Around::of_window(&window);
            suppress(
                &a,
                thin,
                o,
                #[inline(always)]
                move |m| codes.code(m),
            );
            count_codes(counts, &codes, a.magnitude[1]);
            fit_row(&window, thin, o, floor, fits.room_for(o.len()));
        },
        |(a, fa), (b, fb)| (add_counts(a, b), fa.join(fb)),
    )
}

/// Canny's low level, as a code, for its high level `high`: an octave below.
pub(super) fn low_code(high: u8) -> u8 {
    high.saturating_sub(CODES_PER_OCTAVE)
}

/// The sum of two counts of codes.
pub(super) fn add_counts(mut a: [u64; 256], b: [u64; 256]) -> [u64; 256] {
    a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
    a
}

/// Thinning of a row into `out`, `classify`ing the pixels kept: the maxima of non-maximum
/// suppression, or the zero crossings of the Laplacian.
#[inline(always)]
pub(super) fn suppress(
    a: &Around<'_>,
    thin: Suppression,
    out: &mut [u8],
    classify: impl Fn(f32) -> u8,
) {
    match thin {
        Suppression::Crossings => {
            crossing_row(out, a.laplacian, a.dx, a.dy, a.magnitude[1], classify)
        }
        _ => suppress_row(out, a.magnitude, a.dx, a.dy, classify),
    }
}

/// The bands of one image with the maker of their workers.
pub(super) struct Rows<'a, F: ?Sized> {
    pub(super) bands: Bands,
    pub(super) workers: &'a F,
}

impl<F, P> Rows<'_, F>
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    /// Calls `f(worker, y, out_row)` for every row, bands in parallel.
    pub(super) fn for_each(
        &self,
        map: &mut [u8],
        f: impl Fn(&mut P, usize, &mut [u8]) + Sync + Send,
    ) {
        let cols = self.bands.cols();
        self.bands.for_each(map, self.workers, |w, rows, part| {
            widest(
                #[inline(always)]
                || {
                    for (y, o) in rows.zip(part.into_rows(cols)) {
                        f(w, y, o);
                    }
                },
            )
        });
    }

    /// Like [`Rows::for_each`] over any output, also folding an accumulator `f` adds to, then
    /// merging them.
    pub(super) fn fold<O: BandOutput, A: Send>(
        &self,
        out: O,
        zero: impl Fn() -> A + Sync + Send,
        f: impl Fn(&mut P, &mut A, usize, O) + Sync + Send,
        merge: impl Fn(A, A) -> A + Sync + Send,
    ) -> A {
        let cols = self.bands.cols();
        self.bands.fold(
            out,
            self.workers,
            zero,
            |w, acc, rows, part| {
                widest(
                    #[inline(always)]
                    || {
                        for (y, o) in rows.zip(part.into_rows(cols)) {
                            f(w, acc, y, o);
                        }
                    },
                )
            },
            merge,
        )
    }
}

impl<F, P> CountRows for Rows<'_, F>
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    fn pixels(&self) -> u64 {
        (self.bands.rows() * self.bands.cols()) as u64
    }

    fn count<C: RowCounter>(&self, init: impl Fn() -> C + Sync + Send) -> C {
        self.fold(
            (),
            init,
            #[inline(always)]
            |w, counter, y, ()| {
                let (dx, dy) = w.derivatives(y);
                counter.add(dx, dy);
            },
            C::merge,
        )
    }
}
