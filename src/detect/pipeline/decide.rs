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
//! Sub-pixel points ([`geometry`](crate::detect::geometry)) are fitted in the edge pass, from
//! the rows around each row that the pass has just computed ([`DerivativeRows::window`]), for
//! every candidate pixel the rule may keep; those hysteresis or the automatic level drops are
//! dropped once the map is final. The automatic levels are known only after the pass, so the
//! pixels to fit are chosen by a level guessed from a sample of rows, half an octave low; in
//! the rare image where the level found is lower still, the points are fitted again in a pass
//! of their own (the same points, more slowly).

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
/// noise estimate goes through `steady` when given (a frame of a sequence). With `points`, the
/// sub-pixel points of the edges too, when they are one pixel wide.
#[allow(clippy::too_many_arguments)]
pub(super) fn decide<P: DerivativeRows>(
    pipeline: &Pipeline,
    bands: Bands,
    workers: impl Fn() -> P + Sync + Send,
    top: impl FnOnce() -> f32,
    steady: Option<&mut SteadyLevels>,
    points: bool,
    map: &mut [u8],
    timings: &mut Timings,
) -> Levels {
    let rows = Rows {
        bands,
        workers: &workers,
    };
    let cols = bands.cols();
    let thin = pipeline.suppression;
    let fitting = points && thin != Suppression::None;
    match pipeline.rule {
        Decision::Exact(t) => {
            let t = timings.time("histogram_ms", || exact_level(t, &rows));
            let fits = timings.time("edges_ms", || above(&rows, thin, t, map, fitting));
            Levels {
                threshold: t,
                hysteresis: None,
                points: fits.map(|fits| timings.time("points_ms", || located(fits.all()))),
            }
        }
        Decision::Hysteresis(Some((low, high))) => {
            let fits = timings.time("edges_ms", || {
                classes(&rows, thin, (low, high), map, fitting)
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
            let floor = fitting
                .then(|| timings.time("points_ms", || guess_floor(&rows, &codes, rule, single)));
            let (counts, fits) =
                timings.time("edges_ms", || level_codes(&rows, thin, &codes, map, floor));
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
            let points = fits.zip(floor).map(|(fits, floor)| {
                // Every edge has a code above `needed`: fitted if the floor is not above it.
                if floor <= needed {
                    timings.time("points_ms", || kept(fits, map, cols))
                } else {
                    timings.time("refit_ms", || refit(&rows, thin, map))
                }
            });
            Levels {
                threshold,
                hysteresis: levels,
                points,
            }
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
fn refit<F, P>(rows: &Rows<'_, F>, thin: Suppression, map: &mut [u8]) -> Vec<Located>
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    let fits = rows.fold(
        map,
        Fits::default,
        |w, fits, y, o| {
            if o.iter().any(|&v| v != 0) {
                fit_row(&w.window(y), thin, o, 0, fits.last());
            }
        },
        Fits::join,
    );
    located(fits.all())
}

/// Rows sampled to guess the automatic level before the edge pass (at most).
const GUESS_ROWS: usize = 64;

/// How far below the guessed level pixels are fitted: half an octave of codes.
const GUESS_MARGIN: u8 = CODES_PER_OCTAVE / 2;

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

/// The fits the bands make, in order: a list of the parts the rayon jobs made, joined without
/// copying (a part per job, each grown by its rows).
#[derive(Debug, Default)]
pub(super) struct Fits(LinkedList<Vec<Fit>>);

impl Fits {
    /// The part the fits of the next row go to.
    #[inline(always)]
    fn last(&mut self) -> &mut Vec<Fit> {
        if self.0.is_empty() {
            self.0.push_back(Vec::new());
        }
        self.0.back_mut().expect("a part was just added")
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
    let edge = |m: f32, level: f32| if m > level { 255 } else { 0 };
    classify(rows, thin, map, |m| edge(m, level), |q| edge(q, s), fitting)
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
        |m| class(m, low, high),
        |q| class(q, sl, sh),
        fitting,
    )
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
            let op = |x: f32, y: f32| of_squared(x * x + y * y);
            rows.for_each(
                map,
                #[inline(always)]
                |w, y, o| w.map(y, o, op),
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
                fit_row(&window, thin, o, 0, fits.last());
            },
            Fits::join,
        )),
    }
}

/// The automatic rules' pass: the codes of the candidate pixels (the maxima or zero crossings
/// when thinned, else all) into `map`, and the counts of the codes of all pixels' magnitudes,
/// returned; with a `floor` (thinned edges only), the fits of the candidates whose code is
/// above it.
pub(super) fn level_codes<F, P>(
    rows: &Rows<'_, F>,
    thin: Suppression,
    codes: &LevelCodes,
    map: &mut [u8],
    floor: Option<u8>,
) -> ([u64; 256], Option<Fits>)
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    let code = |m| codes.code(m);
    match (thin, floor) {
        (Suppression::None, _) => {
            let counts = rows.fold(
                map,
                || [0u64; 256],
                #[inline(always)]
                |w, counts, y, o| {
                    let m = w.magnitude(y);
                    for (o, &m) in o.iter_mut().zip(m) {
                        *o = codes.code(m);
                    }
                    count_codes(counts, codes, m);
                },
                add_counts,
            );
            (counts, None)
        }
        (_, None) => {
            let counts = rows.fold(
                map,
                || [0u64; 256],
                #[inline(always)]
                |w, counts, y, o| {
                    let a = w.around(y);
                    suppress(&a, thin, o, code);
                    count_codes(counts, codes, a.magnitude[1]);
                },
                add_counts,
            );
            (counts, None)
        }
        (_, Some(floor)) => {
            let (counts, fits) = rows.fold(
                map,
                || ([0u64; 256], Fits::default()),
                #[inline(always)]
                |w, (counts, fits), y, o| {
                    let window = w.window(y);
                    suppress(&Around::of_window(&window), thin, o, code);
                    count_codes(counts, codes, window.magnitude[2]);
                    fit_row(&window, thin, o, floor, fits.last());
                },
                |(a, fa), (b, fb)| (add_counts(a, b), fa.join(fb)),
            );
            (counts, Some(fits))
        }
    }
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
