//! Choosing the magnitude level above which a pixel is an edge: a fixed value, Otsu's method on
//! the magnitude histogram ([`Threshold::Auto`]), or the strongest `p` percent.
//!
//! The histogram bins a magnitude `m` by the top 16 bits of its `f32` bit pattern: 128 bins per
//! octave (0.8 % wide), from the smallest subnormal to infinity, NaN left out. Because the bins
//! are ranges of bit patterns, every split between two bins is a level `t` (the largest `f32` in
//! the lower bin) with `m > t` exactly for the pixels in the upper bins: the level reported and the
//! pixels marked always agree. The strongest `p` percent is found exactly by a second histogram
//! of the low 16 bits inside the one bin that holds the cut ([`Refinement`]).

use ndarray::{ArrayView2, Axis};
use rayon::prelude::*;

/// How the magnitude level of the edges is chosen.
///
/// ```
/// use edgegrad::edges::threshold::Threshold;
/// assert_eq!(Threshold::default(), Threshold::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Threshold {
    /// Edges are the pixels whose magnitude is strictly greater than this value.
    Value(f32),
    /// Otsu's method on the magnitude histogram.
    #[default]
    Auto,
    /// The strongest `p` percent of the pixels (`0 <= p <= 100`): the level is the magnitude of
    /// the pixel ranked just after them, so ties at the cut are left out rather than exceed `p`.
    Percent(f32),
}

/// Bit pattern of `+inf`; anything above (NaN) or negative is not binned.
const INF_BITS: u32 = 0x7F80_0000;
/// Number of bins: every `bits >> 16` of `+0.0 ..= +inf`.
pub(crate) const BINS: usize = (INF_BITS >> 16) as usize + 1;

/// A histogram of magnitudes binned by their top 16 bits.
///
/// ```
/// use edgegrad::edges::threshold::MagnitudeHistogram;
/// let mut h = MagnitudeHistogram::new();
/// h.add(&[0.0, 0.0, 0.0, 0.5, 0.5, f32::NAN]);
/// assert_eq!(h.count(), 5);
/// let t = h.otsu();
/// assert!(0.0 <= t && t < 0.5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MagnitudeHistogram {
    counts: Vec<u64>,
}

impl Default for MagnitudeHistogram {
    fn default() -> Self {
        Self::new()
    }
}

/// The lower edge of bin `b`.
fn bin_start(b: usize) -> f32 {
    f32::from_bits((b as u32) << 16)
}

/// The largest `f32` in bin `b`.
fn bin_last(b: usize) -> f32 {
    f32::from_bits((((b as u32) + 1) << 16) - 1)
}

impl MagnitudeHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        MagnitudeHistogram {
            counts: vec![0; BINS],
        }
    }

    /// Counts `magnitudes` (NaN and negative values are left out).
    #[inline]
    pub fn add(&mut self, magnitudes: &[f32]) {
        let counts = &mut self.counts[..BINS];
        for &m in magnitudes {
            let bits = m.to_bits();
            if bits <= INF_BITS {
                counts[(bits >> 16) as usize] += 1;
            }
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(mut self, other: Self) -> Self {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self
    }

    /// The number of magnitudes counted.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Otsu's level: the split between two bins that maximises the between-class variance of the
    /// finite magnitudes (each bin weighted at its midpoint), as the largest magnitude of the
    /// lower class. Infinite magnitudes stay above every finite level. With fewer than two
    /// occupied bins there is no split: the level is the largest magnitude counted, so nothing
    /// is above it.
    pub fn otsu(&self) -> f32 {
        let finite = &self.counts[..BINS - 1];
        let Some(lo) = finite.iter().position(|&c| c > 0) else {
            return 0.0;
        };
        let hi = finite.iter().rposition(|&c| c > 0).unwrap_or(lo);
        let mid = |b: usize| 0.5 * (f64::from(bin_start(b)) + f64::from(bin_start(b + 1)));
        let (mut n, mut sum) = (0.0f64, 0.0f64);
        for (b, &c) in finite.iter().enumerate().take(hi + 1).skip(lo) {
            n += c as f64;
            sum += c as f64 * mid(b);
        }
        let (mut w0, mut s0) = (0.0f64, 0.0f64);
        let mut best = (f64::NEG_INFINITY, hi);
        for (b, &c) in finite.iter().enumerate().take(hi).skip(lo) {
            w0 += c as f64;
            s0 += c as f64 * mid(b);
            let w1 = n - w0;
            if c == 0 || w1 <= 0.0 {
                continue;
            }
            let d = s0 / w0 - (sum - s0) / w1;
            let between = w0 * w1 * d * d;
            if between > best.0 {
                best = (between, b);
            }
        }
        bin_last(best.1)
    }

    /// Where the `rank`-th largest magnitude (1-based) lies: its exact value when the histogram
    /// suffices, or the bin to refine.
    fn rank(&self, rank: u64) -> Rank {
        let mut above = 0u64;
        for b in (0..BINS).rev() {
            let c = self.counts[b];
            if above + c >= rank {
                if b == BINS - 1 {
                    return Rank::Exact(f32::INFINITY);
                }
                return Rank::Refine(Refinement {
                    bin: b as u32,
                    rank: rank - above,
                    counts: vec![0; 1 << 16],
                });
            }
            above += c;
        }
        Rank::BelowAll
    }

    /// The level for the strongest `percent` of `pixels` pixels: the magnitude ranked just after
    /// them, or what still has to be counted to find it exactly.
    pub fn percent(&self, percent: f32, pixels: u64) -> PercentLevel {
        let keep = (f64::from(percent) / 100.0 * pixels as f64).round();
        let keep = keep.clamp(0.0, pixels as f64) as u64;
        match self.rank(keep + 1) {
            Rank::Exact(t) => PercentLevel::Level(t),
            Rank::BelowAll => PercentLevel::Level(-1.0),
            Rank::Refine(r) => PercentLevel::Refine(r),
        }
    }
}

enum Rank {
    Exact(f32),
    Refine(Refinement),
    BelowAll,
}

/// The result of [`MagnitudeHistogram::percent`].
#[derive(Debug, Clone, PartialEq)]
pub enum PercentLevel {
    /// The level: edges are the magnitudes above it. `-1` when every pixel is kept.
    Level(f32),
    /// One bin holds the cut: count its magnitudes again with [`Refinement::add`], then
    /// [`Refinement::level`].
    Refine(Refinement),
}

/// A histogram of the low 16 bits of the magnitudes in one top-level bin, to find the
/// magnitude of a given rank exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Refinement {
    bin: u32,
    rank: u64,
    counts: Vec<u64>,
}

impl Refinement {
    /// Counts the magnitudes that fall in the bin being refined.
    #[inline]
    pub fn add(&mut self, magnitudes: &[f32]) {
        let counts = &mut self.counts[..1 << 16];
        for &m in magnitudes {
            let bits = m.to_bits();
            if bits >> 16 == self.bin && bits <= INF_BITS {
                counts[(bits & 0xFFFF) as usize] += 1;
            }
        }
    }

    /// Adds the counts of `other` (a refinement of the same bin).
    pub fn merge(mut self, other: Self) -> Self {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self
    }

    /// An empty copy, for counting in parallel.
    pub fn empty(&self) -> Self {
        Refinement {
            bin: self.bin,
            rank: self.rank,
            counts: vec![0; 1 << 16],
        }
    }

    /// The exact magnitude of the rank sought.
    pub fn level(&self) -> f32 {
        let mut above = 0u64;
        for low in (0..1u32 << 16).rev() {
            above += self.counts[low as usize];
            if above >= self.rank {
                return f32::from_bits((self.bin << 16) | low);
            }
        }
        bin_start(self.bin as usize)
    }
}

/// The level `threshold` chooses for a whole magnitude map.
///
/// ```
/// use edgegrad::edges::threshold::{level, Threshold};
/// let m = ndarray::array![[0.0f32, 0.1, 0.2, 0.3], [0.4, 0.5, 0.6, 0.7]];
/// assert_eq!(level(&Threshold::Value(0.25), m.view()), 0.25);
/// assert_eq!(level(&Threshold::Percent(25.0), m.view()), 0.5); // 0.6 and 0.7 are above
/// ```
pub fn level(threshold: &Threshold, magnitude: ArrayView2<'_, f32>) -> f32 {
    let pixels = magnitude.len() as u64;
    match *threshold {
        Threshold::Value(v) => v,
        Threshold::Auto => histogram(magnitude).otsu(),
        Threshold::Percent(p) => match histogram(magnitude).percent(p, pixels) {
            PercentLevel::Level(t) => t,
            PercentLevel::Refine(r) => magnitude
                .axis_iter(Axis(0))
                .into_par_iter()
                .fold(
                    || r.empty(),
                    |mut acc, row| {
                        add_row(row, |s| acc.add(s));
                        acc
                    },
                )
                .reduce(|| r.empty(), Refinement::merge)
                .level(),
        },
    }
}

/// The histogram of a whole magnitude map, in parallel over rows.
pub fn histogram(magnitude: ArrayView2<'_, f32>) -> MagnitudeHistogram {
    magnitude
        .axis_iter(Axis(0))
        .into_par_iter()
        .fold(MagnitudeHistogram::new, |mut h, row| {
            add_row(row, |s| h.add(s));
            h
        })
        .reduce(MagnitudeHistogram::new, MagnitudeHistogram::merge)
}

fn add_row(row: ndarray::ArrayView1<'_, f32>, mut add: impl FnMut(&[f32])) {
    match row.as_slice() {
        Some(s) => add(s),
        None => add(&row.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn count_above(m: &[f32], t: f32) -> usize {
        m.iter().filter(|&&v| v > t).count()
    }

    #[test]
    fn otsu_splits_a_bimodal_histogram_between_its_modes() {
        // 900 values near 0.02, 100 near 0.6: the level falls between the modes.
        let mut m: Vec<f32> = (0..900).map(|i| 0.01 + (i % 10) as f32 * 0.002).collect();
        m.extend((0..100).map(|i| 0.55 + (i % 10) as f32 * 0.01));
        let mut h = MagnitudeHistogram::new();
        h.add(&m);
        let t = h.otsu();
        assert!((0.028..0.55).contains(&t), "{t}");
        assert_eq!(count_above(&m, t), 100);
    }

    #[test]
    fn otsu_on_a_flat_image_marks_nothing() {
        let mut h = MagnitudeHistogram::new();
        h.add(&[0.0; 50]);
        assert_eq!(count_above(&[0.0; 50], h.otsu()), 0);
        let mut h = MagnitudeHistogram::new();
        h.add(&[0.25; 50]);
        assert_eq!(count_above(&[0.25; 50], h.otsu()), 0);
        assert_eq!(MagnitudeHistogram::new().otsu(), 0.0);
    }

    #[test]
    fn otsu_matches_a_brute_force_search_on_bin_midpoints() {
        let m: Vec<f32> = (0..2000)
            .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 * if i % 3 == 0 { 1.0 } else { 0.2 })
            .collect();
        let mut h = MagnitudeHistogram::new();
        h.add(&m);
        let t = h.otsu();
        // Brute force: every distinct bin boundary, class statistics from binned midpoints.
        let bin = |v: f32| (v.to_bits() >> 16) as usize;
        let mid = |b: usize| 0.5 * (bin_start(b) as f64 + bin_start(b + 1) as f64);
        let mut bins: Vec<usize> = m.iter().map(|&v| bin(v)).collect();
        bins.sort_unstable();
        bins.dedup();
        let mut best = (f64::NEG_INFINITY, 0.0f32);
        for &b in &bins[..bins.len() - 1] {
            let (lo, hi): (Vec<f64>, Vec<f64>) = (
                m.iter()
                    .filter(|&&v| bin(v) <= b)
                    .map(|&v| mid(bin(v)))
                    .collect(),
                m.iter()
                    .filter(|&&v| bin(v) > b)
                    .map(|&v| mid(bin(v)))
                    .collect(),
            );
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let between = lo.len() as f64 * hi.len() as f64 * (mean(&lo) - mean(&hi)).powi(2);
            if between > best.0 * (1.0 + 1e-12) {
                best = (between, bin_last(b));
            }
        }
        assert_eq!(t, best.1);
    }

    #[test]
    fn percent_keeps_exactly_the_strongest_pixels() {
        let m = Array2::from_shape_fn((37, 41), |(y, x)| {
            ((y * 41 + x) * 7907 % 1517) as f32 / 1517.0
        });
        let flat: Vec<f32> = m.iter().copied().collect();
        for p in [0.0f32, 0.5, 1.0, 10.0, 33.3, 50.0, 99.0, 100.0] {
            let t = level(&Threshold::Percent(p), m.view());
            let want = (p as f64 / 100.0 * flat.len() as f64).round() as usize;
            assert_eq!(count_above(&flat, t), want, "p {p}: level {t}");
        }
    }

    #[test]
    fn percent_never_exceeds_the_share_when_values_tie() {
        // Half the pixels are 0, half 0.5: the strongest 70 % cannot be told apart from the
        // rest at the cut, so only the 50 % above it are kept; 0 % and 100 % are exact.
        let m = Array2::from_shape_fn((10, 10), |(y, _)| if y < 5 { 0.0f32 } else { 0.5 });
        let flat: Vec<f32> = m.iter().copied().collect();
        assert_eq!(
            count_above(&flat, level(&Threshold::Percent(70.0), m.view())),
            50
        );
        assert_eq!(
            count_above(&flat, level(&Threshold::Percent(30.0), m.view())),
            0
        );
        assert_eq!(
            count_above(&flat, level(&Threshold::Percent(100.0), m.view())),
            100
        );
        assert_eq!(
            count_above(&flat, level(&Threshold::Percent(0.0), m.view())),
            0
        );
    }

    #[test]
    fn nan_magnitudes_are_never_binned_nor_edges() {
        let m = ndarray::array![[f32::NAN, 0.5, 0.1, f32::INFINITY]];
        let h = histogram(m.view());
        assert_eq!(h.count(), 3);
        let t = level(&Threshold::Percent(50.0), m.view());
        assert_eq!(t, 0.1);
        assert_eq!(count_above(m.as_slice().unwrap(), t), 2);
    }
}
