//! Choosing the magnitude level above which a pixel is an edge: a fixed value, Otsu's method on
//! the magnitude histogram ([`Threshold::Auto`]), or the strongest `p` percent.
//!
//! The histogram counts squared magnitudes `q = dx² + dy²` (no square root needed), binned by
//! the top 16 bits of their `f32` bit pattern: 128 bins per octave of `q`, 256 per octave of the
//! magnitude (0.3 % wide), from the smallest subnormal to infinity, NaN left out. Since the
//! magnitude is `sqrt(q)` and the square root is monotonic, the order of the pixels is the same:
//! Otsu's split between two bins gives the level `t = sqrt(largest q of the lower bin)`, and the
//! strongest `p` percent are found exactly by a second histogram of the low 16 bits inside the one
//! bin that holds the cut ([`Refinement`]). Either way the level reported is the level applied:
//! the edges are exactly the pixels with magnitude `> t`.

/// How the magnitude level of the edges is chosen.
///
/// ```
/// use edgegrad::detect::edges::threshold::Threshold;
/// assert_eq!(Threshold::default(), Threshold::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Threshold {
    /// Edges are the pixels whose magnitude is strictly greater than this value.
    Value(f32),
    /// A level scaled to the image's noise, with non-maximum suppression and (unless a sigma is
    /// given) smoothing with sigma 1: see [`auto`](super::auto).
    #[default]
    Auto,
    /// Otsu's method on the magnitude histogram.
    Otsu,
    /// The strongest `p` percent of the pixels (`0 <= p <= 100`): the level is the magnitude of
    /// the pixel ranked just after them, so ties at the cut are left out rather than exceed `p`.
    Percent(f32),
}

/// The thresholds computed exactly from the magnitude histogram (everything but
/// [`Threshold::Auto`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Exact {
    Value(f32),
    Otsu,
    Percent(f32),
}

/// Bit pattern of `+inf`; anything above (NaN) or negative is not binned.
const INF_BITS: u32 = 0x7F80_0000;
/// Number of bins: every `bits >> 16` of `+0.0 ..= +inf`.
pub(crate) const BINS: usize = (INF_BITS >> 16) as usize + 1;

/// A histogram of squared magnitudes binned by their top 16 bits.
///
/// ```
/// use edgegrad::detect::edges::threshold::MagnitudeHistogram;
/// let mut h = MagnitudeHistogram::new();
/// h.add(&[0.0, 0.0, 0.0, 0.3, 0.5, f32::NAN], &[0.0, 0.0, 0.0, 0.4, 0.0, 0.0]);
/// assert_eq!(h.count(), 5);
/// let t = h.otsu();
/// assert!(0.0 <= t && t < 0.5);
/// ```
#[derive(Debug, Clone)]
pub struct MagnitudeHistogram {
    counts: Vec<u64>,
    /// The bins `lo..hi` that may hold counts (all others are 0): merging, counting and the
    /// levels read these only, so a small image's histogram costs little more than its pixels
    /// (the whole table is 512 KiB, most of it never touched).
    lo: usize,
    hi: usize,
}

impl PartialEq for MagnitudeHistogram {
    fn eq(&self, other: &Self) -> bool {
        self.counts == other.counts
    }
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
            lo: BINS,
            hi: 0,
        }
    }

    /// Counts the squared magnitudes `dx² + dy²` of one row (NaN left out).
    #[inline(always)]
    pub fn add(&mut self, dx: &[f32], dy: &[f32]) {
        let (least, most) = add_squared(&mut self.counts[..BINS], dx, dy, |bits| {
            (bits <= INF_BITS).then_some((bits >> 16) as usize)
        });
        if least <= most {
            self.lo = self.lo.min((least >> 16) as usize);
            self.hi = self.hi.max(((most >> 16) as usize + 1).min(BINS));
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(mut self, other: Self) -> Self {
        let used = other.lo..other.hi.max(other.lo);
        for (a, b) in self.counts[used.clone()]
            .iter_mut()
            .zip(&other.counts[used])
        {
            *a += b;
        }
        self.lo = self.lo.min(other.lo);
        self.hi = self.hi.max(other.hi);
        self
    }

    /// The counts of the bins that may hold any, from bin `lo` on.
    fn used(&self) -> (usize, &[u64]) {
        (self.lo, &self.counts[self.lo..self.hi.max(self.lo)])
    }

    /// The number of magnitudes counted.
    pub fn count(&self) -> u64 {
        self.used().1.iter().sum()
    }

    /// Otsu's level: the split between two bins that maximises the between-class variance of the
    /// finite magnitudes (each bin weighted at the magnitude of its midpoint), as the largest
    /// magnitude of the lower class. Infinite magnitudes stay above every finite level. With
    /// fewer than two occupied bins there is no split: the level is the largest magnitude
    /// counted, so nothing is above it.
    pub fn otsu(&self) -> f32 {
        let finite = &self.counts[..self.hi.min(BINS - 1)];
        let Some(lo) = finite
            .iter()
            .skip(self.lo)
            .position(|&c| c > 0)
            .map(|i| i + self.lo)
        else {
            return 0.0;
        };
        let hi = finite.iter().rposition(|&c| c > 0).unwrap_or(lo);
        let mid = |b: usize| (0.5 * (f64::from(bin_start(b)) + f64::from(bin_start(b + 1)))).sqrt();
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
        bin_last(best.1).sqrt()
    }

    /// Where the `rank`-th largest squared magnitude (1-based) lies: its exact value when the
    /// histogram suffices, or the bin to refine.
    fn rank(&self, rank: u64) -> Rank {
        let mut above = 0u64;
        let (lo, used) = self.used();
        for (b, &c) in used.iter().enumerate().rev() {
            let b = lo + b;
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
            Rank::Exact(q) => PercentLevel::Level(q.sqrt()),
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

/// A histogram of the low 16 bits of the squared magnitudes in one top-level bin, to find the
/// magnitude of a given rank exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Refinement {
    bin: u32,
    rank: u64,
    counts: Vec<u64>,
}

impl Refinement {
    /// Counts the squared magnitudes of one row that fall in the bin being refined.
    #[inline(always)]
    pub fn add(&mut self, dx: &[f32], dy: &[f32]) {
        let bin = self.bin;
        add_squared(&mut self.counts[..1 << 16], dx, dy, |bits| {
            (bits >> 16 == bin && bits <= INF_BITS).then_some((bits & 0xFFFF) as usize)
        });
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
                return f32::from_bits((self.bin << 16) | low).sqrt();
            }
        }
        bin_start(self.bin as usize).sqrt()
    }
}

/// Counts the squared magnitudes of a row into `counts[index(bits)]`, skipping `None`; returns
/// the least and the most bit patterns of the squares (`(u32::MAX, 0)` for an empty row).
#[inline(always)]
fn add_squared(
    counts: &mut [u64],
    dx: &[f32],
    dy: &[f32],
    index: impl Fn(u32) -> Option<usize>,
) -> (u32, u32) {
    const CHUNK: usize = 64;
    let mut bits = [0u32; CHUNK];
    let (mut least, mut most) = (u32::MAX, 0u32);
    for (x, y) in dx.chunks(CHUNK).zip(dy.chunks(CHUNK)) {
        // Squares in a vectorised loop, then the scattered increments.
        let n = x.len().min(y.len());
        for ((b, &x), &y) in bits.iter_mut().zip(x).zip(y) {
            *b = (x * x + y * y).to_bits();
        }
        let chunk = &bits[..n];
        least = chunk.iter().fold(least, |l, &b| l.min(b));
        most = chunk.iter().fold(most, |m, &b| m.max(b));
        for &b in chunk {
            if let Some(i) = index(b) {
                counts[i] += 1;
            }
        }
    }
    (least, most)
}

/// A count of the squared magnitudes of derivative rows, made in parallel parts and merged:
/// a [`MagnitudeHistogram`] or a [`Refinement`].
pub(crate) trait RowCounter: Send {
    /// Counts the squared magnitudes `dx² + dy²` of one row.
    fn add(&mut self, dx: &[f32], dy: &[f32]);

    /// Adds the counts of `other`.
    fn merge(self, other: Self) -> Self;
}

impl RowCounter for MagnitudeHistogram {
    #[inline(always)]
    fn add(&mut self, dx: &[f32], dy: &[f32]) {
        MagnitudeHistogram::add(self, dx, dy);
    }

    fn merge(self, other: Self) -> Self {
        MagnitudeHistogram::merge(self, other)
    }
}

impl RowCounter for Refinement {
    #[inline(always)]
    fn add(&mut self, dx: &[f32], dy: &[f32]) {
        Refinement::add(self, dx, dy);
    }

    fn merge(self, other: Self) -> Self {
        Refinement::merge(self, other)
    }
}

/// Derivative rows that can be counted: an image's, computed band by band, or those of full maps.
pub(crate) trait CountRows {
    /// The number of pixels.
    fn pixels(&self) -> u64;

    /// Every row counted into counters made by `init`, merged into one.
    fn count<C: RowCounter>(&self, init: impl Fn() -> C + Sync + Send) -> C;
}

/// The level an exact threshold chooses for the magnitude of `rows`: one counting pass for Otsu
/// and percentiles, a second one when the cut of a percentile has to be refined.
pub(crate) fn exact_level(threshold: Exact, rows: &impl CountRows) -> f32 {
    match threshold {
        Exact::Value(v) => v,
        Exact::Otsu => rows.count(MagnitudeHistogram::new).otsu(),
        Exact::Percent(p) => match rows
            .count(MagnitudeHistogram::new)
            .percent(p, rows.pixels())
        {
            PercentLevel::Level(t) => t,
            PercentLevel::Refine(r) => rows.count(|| r.empty()).level(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, ArrayView2};

    /// Whole derivative maps, counted row by row, each row in a counter of its own.
    struct Maps<'a>(ArrayView2<'a, f32>, ArrayView2<'a, f32>);

    impl CountRows for Maps<'_> {
        fn pixels(&self) -> u64 {
            self.0.len() as u64
        }

        fn count<C: RowCounter>(&self, init: impl Fn() -> C + Sync + Send) -> C {
            self.0
                .rows()
                .into_iter()
                .zip(self.1.rows())
                .fold(init(), |acc, (x, y)| {
                    let mut row = init();
                    row.add(&x.to_vec(), &y.to_vec());
                    acc.merge(row)
                })
        }
    }

    fn level(threshold: Exact, dx: ArrayView2<'_, f32>, dy: ArrayView2<'_, f32>) -> f32 {
        exact_level(threshold, &Maps(dx, dy))
    }

    fn histogram(dx: ArrayView2<'_, f32>, dy: ArrayView2<'_, f32>) -> MagnitudeHistogram {
        Maps(dx, dy).count(MagnitudeHistogram::new)
    }

    fn zeros(m: &Array2<f32>) -> Array2<f32> {
        Array2::zeros(m.raw_dim())
    }

    fn count_above(m: &[f32], t: f32) -> usize {
        m.iter().filter(|&&v| v > t).count()
    }

    #[test]
    fn otsu_splits_a_bimodal_histogram_between_its_modes() {
        // 900 values near 0.02, 100 near 0.6: the level falls between the modes.
        let mut m: Vec<f32> = (0..900).map(|i| 0.01 + (i % 10) as f32 * 0.002).collect();
        m.extend((0..100).map(|i| 0.55 + (i % 10) as f32 * 0.01));
        let mut h = MagnitudeHistogram::new();
        h.add(&m, &vec![0.0; m.len()]);
        let t = h.otsu();
        assert!((0.028..0.55).contains(&t), "{t}");
        assert_eq!(count_above(&m, t), 100);
    }

    #[test]
    fn parts_counted_apart_and_merged_are_the_whole_in_any_order() {
        // Rows of far-apart ranges (and NaN, infinity, zero), so that each part's bins in use
        // are disjoint from the others'.
        let rows: [&[f32]; 5] = [
            &[1e-20, 2e-20, 0.0],
            &[0.5, 0.75, f32::NAN],
            &[],
            &[1e30, f32::INFINITY, 3.0],
            &[0.001, 0.5, 0.6],
        ];
        let mut whole = MagnitudeHistogram::new();
        for r in rows {
            whole.add(r, &vec![0.0; r.len()]);
        }
        let part = |r: &[f32]| {
            let mut h = MagnitudeHistogram::new();
            h.add(r, &vec![0.0; r.len()]);
            h
        };
        let forward = rows
            .iter()
            .fold(MagnitudeHistogram::new(), |h, r| h.merge(part(r)));
        let backward = rows
            .iter()
            .rev()
            .fold(MagnitudeHistogram::new(), |h, r| h.merge(part(r)));
        for merged in [forward, backward] {
            assert_eq!(merged, whole);
            assert_eq!(merged.count(), 11, "NaN is not counted");
            assert_eq!(merged.otsu(), whole.otsu());
            for p in [0.0, 10.0, 50.0, 100.0] {
                assert_eq!(merged.percent(p, 14), whole.percent(p, 14), "{p}");
            }
        }
    }

    #[test]
    fn otsu_on_a_flat_image_marks_nothing() {
        let mut h = MagnitudeHistogram::new();
        h.add(&[0.0; 50], &[0.0; 50]);
        assert_eq!(count_above(&[0.0; 50], h.otsu()), 0);
        let mut h = MagnitudeHistogram::new();
        h.add(&[0.25; 50], &[0.0; 50]);
        assert_eq!(count_above(&[0.25; 50], h.otsu()), 0);
        assert_eq!(MagnitudeHistogram::new().otsu(), 0.0);
    }

    #[test]
    fn otsu_matches_a_brute_force_search_on_bin_midpoints() {
        let m: Vec<f32> = (0..2000)
            .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 * if i % 3 == 0 { 1.0 } else { 0.2 })
            .collect();
        let mut h = MagnitudeHistogram::new();
        h.add(&m, &vec![0.0; m.len()]);
        let t = h.otsu();
        // Brute force: every distinct bin boundary, class statistics from binned midpoints.
        let bin = |v: f32| ((v * v).to_bits() >> 16) as usize;
        let mid = |b: usize| (0.5 * (bin_start(b) as f64 + bin_start(b + 1) as f64)).sqrt();
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
                best = (between, bin_last(b).sqrt());
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
            let t = level(Exact::Percent(p), m.view(), zeros(&m).view());
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
            count_above(
                &flat,
                level(Exact::Percent(70.0), m.view(), zeros(&m).view())
            ),
            50
        );
        assert_eq!(
            count_above(
                &flat,
                level(Exact::Percent(30.0), m.view(), zeros(&m).view())
            ),
            0
        );
        assert_eq!(
            count_above(
                &flat,
                level(Exact::Percent(100.0), m.view(), zeros(&m).view())
            ),
            100
        );
        assert_eq!(
            count_above(
                &flat,
                level(Exact::Percent(0.0), m.view(), zeros(&m).view())
            ),
            0
        );
    }

    #[test]
    fn nan_magnitudes_are_never_binned_nor_edges() {
        let m = ndarray::array![[f32::NAN, 0.5, 0.1, f32::INFINITY]];
        let h = histogram(m.view(), zeros(&m).view());
        assert_eq!(h.count(), 3);
        let t = level(Exact::Percent(50.0), m.view(), zeros(&m).view());
        assert_eq!(t, 0.1);
        assert_eq!(count_above(m.as_slice().unwrap(), t), 2);
    }
}
