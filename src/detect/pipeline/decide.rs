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
//! the squared level, or non-maximum suppression over the magnitude rows around each row, or the
//! classes of hysteresis, which are then connected in place. The automatic rules do it in one
//! pass: the codes of the candidate pixels go into the map and the codes of all pixels into the
//! counts that choose the levels; then the codes are classified.

use super::{Decision, Pipeline};
use crate::detect::edges::auto::{count_codes, noise, LevelCodes, CODES_PER_OCTAVE};
use crate::detect::edges::hysteresis::{class, connect, connect_above};
use crate::detect::edges::magnitude::squared_level;
use crate::detect::edges::nms::suppress_row;
use crate::detect::edges::steady::SteadyLevels;
use crate::detect::edges::threshold::{exact_level, CountRows, RowCounter};
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

    /// What non-maximum suppression of row `y` reads.
    fn around(&mut self, y: usize) -> Around<'_>;
}

/// The magnitude rows above, at and below a row (the row itself past the image's top and
/// bottom), and the row's `dx` and `dy`.
pub(super) struct Around<'a> {
    /// The magnitude rows `y - 1`, `y`, `y + 1`.
    pub magnitude: [&'a [f32]; 3],
    /// `dx` of row `y`.
    pub dx: &'a [f32],
    /// `dy` of row `y`.
    pub dy: &'a [f32],
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
}

/// The edge map of `pipeline`'s rule into `map` (row-major, `bands`' size), from the rows of
/// the workers `workers` makes (one per rayon job). `top` gives the top of the magnitude range
/// ([`magnitude_top`](super::magnitude_top)), asked for by the automatic rules only, whose
/// noise estimate goes through `steady` when given (a frame of a sequence).
pub(super) fn decide<P: DerivativeRows>(
    pipeline: &Pipeline,
    bands: Bands,
    workers: impl Fn() -> P + Sync + Send,
    top: impl FnOnce() -> f32,
    steady: Option<&mut SteadyLevels>,
    map: &mut [u8],
    timings: &mut Timings,
) -> Levels {
    let rows = Rows {
        bands,
        workers: &workers,
    };
    let cols = bands.cols();
    let thin = pipeline.thin;
    match pipeline.rule {
        Decision::Exact(t) => {
            let t = timings.time("histogram_ms", || exact_level(t, &rows));
            timings.time("edges_ms", || above(&rows, thin, t, map));
            Levels {
                threshold: t,
                hysteresis: None,
            }
        }
        Decision::Hysteresis(Some((low, high))) => {
            timings.time("edges_ms", || classes(&rows, thin, (low, high), map));
            timings.time("hysteresis_ms", || connect(map, cols));
            Levels {
                threshold: high,
                hysteresis: Some((low, high)),
            }
        }
        Decision::Auto | Decision::Hysteresis(None) => {
            let codes = LevelCodes::new(top());
            let counts = timings.time("edges_ms", || level_codes(&rows, thin, &codes, map));
            let rule = pipeline.auto_rule().expect("automatic rules have one");
            let s = noise(&codes, &counts);
            let s = steady.map_or(s, |steady| steady.follow(s));
            let high = rule.level_code_for(&codes, s);
            let threshold = codes.level(high);
            if pipeline.rule == Decision::Auto {
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
                Levels {
                    threshold,
                    hysteresis: None,
                }
            } else {
                let low = low_code(high);
                timings.time("hysteresis_ms", || connect_above(map, cols, low, high));
                Levels {
                    threshold,
                    hysteresis: Some((codes.level(low), threshold)),
                }
            }
        }
    }
}

/// The edge map of a known level into `map`: 255 where the magnitude (thinned or not) is above
/// `level`, 0 elsewhere.
pub(super) fn above<F, P>(rows: &Rows<'_, F>, thin: bool, level: f32, map: &mut [u8])
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
    );
}

/// The hysteresis classes ([`class`]) of the magnitude (thinned or not) into `map`, for the
/// levels `(low, high)`.
pub(super) fn classes<F, P>(rows: &Rows<'_, F>, thin: bool, (low, high): (f32, f32), map: &mut [u8])
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
    );
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

/// Each pixel's magnitude through `of` into `map`: thinned, the maxima's magnitude (the others
/// are 0), else the squared magnitude through `of_squared`.
#[inline(always)]
fn classify<F, P>(
    rows: &Rows<'_, F>,
    thin: bool,
    map: &mut [u8],
    of: impl Fn(f32) -> u8 + Sync + Send,
    of_squared: impl Fn(f32) -> u8 + Sync + Send,
) where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    if thin {
        rows.for_each(
            map,
            #[inline(always)]
            |w, y, o| suppress(w, y, o, &of),
        );
    } else {
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
    }
}

/// The automatic rules' pass: the codes of the candidate pixels (the maxima when thinned, else
/// all) into `map`, and the counts of the codes of all pixels' magnitudes, returned.
pub(super) fn level_codes<F, P>(
    rows: &Rows<'_, F>,
    thin: bool,
    codes: &LevelCodes,
    map: &mut [u8],
) -> [u64; 256]
where
    F: Fn() -> P + Sync + Send + ?Sized,
    P: DerivativeRows,
{
    rows.fold(
        map,
        || [0u64; 256],
        #[inline(always)]
        |w, counts, y, o| {
            if thin {
                let a = w.around(y);
                suppress_row(o, a.magnitude, a.dx, a.dy, |m| codes.code(m));
                count_codes(counts, codes, a.magnitude[1]);
            } else {
                let m = w.magnitude(y);
                for (o, &m) in o.iter_mut().zip(m) {
                    *o = codes.code(m);
                }
                count_codes(counts, codes, m);
            }
        },
        add_counts,
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

/// Non-maximum suppression of row `y` into `out`, `classify`ing the maxima.
#[inline(always)]
pub(super) fn suppress<P: DerivativeRows>(
    w: &mut P,
    y: usize,
    out: &mut [u8],
    classify: impl Fn(f32) -> u8,
) {
    let a = w.around(y);
    suppress_row(out, a.magnitude, a.dx, a.dy, classify);
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
