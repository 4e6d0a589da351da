//! Hysteresis (`--hysteresis LOW,HIGH`, and `--canny`): strong pixels (magnitude above `HIGH`) are
//! edges, and so are weak pixels (above `LOW`) connected to a strong one through weak pixels
//! (8-connectivity).
//!
//! Pixels are first classified (0, weak, strong) into the output map itself; then each band of
//! rows grows its strong pixels through its own weak ones in parallel, and one serial pass
//! continues across band boundaries. The result is the set of connected components that contain
//! a strong pixel, whatever the bands or the thread count.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

/// Class of a pixel above the low level only.
pub(crate) const WEAK: u8 = 1;
/// Class of a pixel above the high level (or connected to one, once grown).
pub(crate) const STRONG: u8 = 2;

/// Rows per band of the parallel growing.
const BAND_ROWS: usize = 64;

/// The class of a magnitude.
#[inline(always)]
pub(crate) fn class(m: f32, low: f32, high: f32) -> u8 {
    if m > high {
        STRONG
    } else if m > low {
        WEAK
    } else {
        0
    }
}

/// Classes of one row from squared magnitudes, with levels from
/// [`squared_level`](super::magnitude::squared_level).
#[inline]
pub(crate) fn class_row_squared(out: &mut [u8], dx: &[f32], dy: &[f32], low: f32, high: f32) {
    for ((o, &x), &y) in out.iter_mut().zip(dx).zip(dy) {
        *o = class(x * x + y * y, low, high);
    }
}

/// Classes of one row of magnitudes.
#[inline]
pub(crate) fn class_row(out: &mut [u8], magnitude: &[f32], low: f32, high: f32) {
    for (o, &m) in out.iter_mut().zip(magnitude) {
        *o = class(m, low, high);
    }
}

/// Marks as strong every weak pixel 8-connected to a pixel on `stack` (which are strong),
/// within `map` (`cols` wide).
fn grow(map: &mut [u8], cols: usize, stack: &mut Vec<usize>) {
    let rows = map.len() / cols;
    while let Some(p) = stack.pop() {
        let (y, x) = (p / cols, p % cols);
        let (y0, y1) = (y.saturating_sub(1), (y + 1).min(rows - 1));
        let (x0, x1) = (x.saturating_sub(1), (x + 1).min(cols - 1));
        for yy in y0..=y1 {
            for xx in x0..=x1 {
                let q = yy * cols + xx;
                if map[q] == WEAK {
                    map[q] = STRONG;
                    stack.push(q);
                }
            }
        }
    }
}

/// Pushes the index of every strong pixel of `map`, skipping eight pixels at a time where there
/// is none (strong pixels are few; bench pipeline/fused_canny).
fn push_strong(map: &[u8], stack: &mut Vec<usize>) {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let chunks = map.chunks_exact(8);
    let tail = chunks.remainder();
    for (c, chunk) in chunks.enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
        // A byte of `x` is zero only if the classic has-zero-byte test sees it (it may also flag
        // a byte after a zero one, so every flagged word is checked byte by byte).
        let x = word ^ (ONES * u64::from(STRONG));
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            for (i, &v) in chunk.iter().enumerate() {
                if v == STRONG {
                    stack.push(c * 8 + i);
                }
            }
        }
    }
    let start = map.len() - tail.len();
    for (i, &v) in tail.iter().enumerate() {
        if v == STRONG {
            stack.push(start + i);
        }
    }
}

/// Turns a map of classes into the edge map (`255` for strong pixels and the weak pixels
/// connected to them, `0` elsewhere), in place.
pub(crate) fn connect(map: &mut [u8], cols: usize) {
    connect_classified(map, cols, |c| c);
}

/// Like [`connect`] on a map of values whose class is `classify(value)`.
pub(crate) fn connect_classified(map: &mut [u8], cols: usize, classify: impl Fn(u8) -> u8 + Sync) {
    if map.is_empty() {
        return;
    }
    let band = BAND_ROWS * cols;
    map.par_chunks_mut(band)
        .for_each_init(Vec::new, |stack, part| {
            for v in part.iter_mut() {
                *v = classify(*v);
            }
            push_strong(part, stack);
            grow(part, cols, stack);
        });
    // Across band boundaries: weak pixels next to a strong pixel of the other band.
    let rows = map.len() / cols;
    let mut stack = Vec::new();
    for b in (BAND_ROWS..rows).step_by(BAND_ROWS) {
        for (y, other) in [(b - 1, b), (b, b - 1)] {
            for x in 0..cols {
                if map[y * cols + x] != STRONG {
                    continue;
                }
                for xx in x.saturating_sub(1)..=(x + 1).min(cols - 1) {
                    let q = other * cols + xx;
                    if map[q] == WEAK {
                        map[q] = STRONG;
                        stack.push(q);
                    }
                }
            }
        }
    }
    grow(map, cols, &mut stack);
    map.par_chunks_mut(band).for_each(|part| {
        for v in part {
            *v = if *v == STRONG { 255 } else { 0 };
        }
    });
}

/// Hysteresis on a whole magnitude map: `255` for pixels above `high` and pixels above `low`
/// connected to them, `0` elsewhere.
///
/// ```
/// use edgegrad::edges::hysteresis::hysteresis;
/// let m = ndarray::array![[0.9f32, 0.3, 0.3, 0.0, 0.3]];
/// let e = hysteresis(m.view(), 0.2, 0.5);
/// assert_eq!(e.row(0).to_vec(), vec![255, 255, 255, 0, 0]);
/// ```
pub fn hysteresis(magnitude: ArrayView2<'_, f32>, low: f32, high: f32) -> Array2<u8> {
    let mut out = magnitude.mapv(|m| class(m, low, high));
    let cols = out.ncols();
    connect(
        out.as_slice_mut().expect("fresh arrays are contiguous"),
        cols,
    );
    out
}

/// Magnitudes coded in one byte, for `--canny`'s automatic levels in a single pass.
///
/// The code of a magnitude `m` is `1..=255`, from the top 13 bits of its `f32` bit pattern: 16
/// codes per octave (4.4 % wide) over the sixteen octaves below `top` (`2^-14 .. 4` for 8- and
/// 16-bit images, whose magnitudes are below `2 √2`); smaller magnitudes get code 1 and larger
/// ones 255. Code `k`'s upper boundary is exactly twice code `k - 16`'s, and
/// `m > level(k)` exactly when `code(m) > k`: the fused pipeline writes the codes of the local
/// maxima into the edge map, counts the codes of all pixels, chooses the levels from those counts,
/// and then classifies the codes, with the same result as classifying magnitudes.
///
/// ```
/// use edgegrad::edges::hysteresis::LevelCodes;
/// let codes = LevelCodes::new(4.0);
/// let (m, k) = (0.3f32, 200u8);
/// assert_eq!(m > codes.level(k), codes.code(m) > k);
/// let boundary = |k: u8| f32::from_bits(codes.level(k).to_bits() + 1);
/// assert_eq!(boundary(k - 16) * 2.0, boundary(k));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelCodes {
    /// `bits >> 19` of the smallest magnitude with code 2, minus one.
    base: u32,
}

/// Bit shift from an `f32` bit pattern to its code bin.
const CODE_SHIFT: u32 = 19;
/// Codes per octave.
const CODES_PER_OCTAVE: u8 = 16;

impl LevelCodes {
    /// Codes for magnitudes below `top` (a positive power of two, or rounded up to one).
    pub fn new(top: f32) -> Self {
        let top = if top.is_finite() && top > 0.0 {
            top
        } else {
            4.0
        };
        // The bin of `top` rounded up to a power of two is code 256 (one past the last).
        let exponent_bits = top.to_bits() >> 23;
        let exponent_bits = if top.to_bits() & 0x7F_FFFF != 0 {
            exponent_bits + 1
        } else {
            exponent_bits
        };
        let top_bin = exponent_bits << (23 - CODE_SHIFT);
        LevelCodes {
            base: top_bin.saturating_sub(256),
        }
    }

    /// The code `1..=255` of a magnitude (NaN gets 255: it is never a local maximum).
    #[inline(always)]
    pub fn code(&self, m: f32) -> u8 {
        // In i32 (the bin is below 2^13), so that rows of codes vectorise.
        let bin = (m.to_bits() >> CODE_SHIFT) as i32 - self.base as i32;
        bin.clamp(1, 255) as u8
    }

    /// The largest magnitude whose code is at most `k` (`0.0` for `k = 0`, infinity for 255).
    pub fn level(&self, k: u8) -> f32 {
        match k {
            0 => 0.0,
            255 => f32::INFINITY,
            k => f32::from_bits(((self.base + u32::from(k) + 1) << CODE_SHIFT) - 1),
        }
    }

    /// The magnitude in the middle of code `k`'s range.
    fn middle(&self, k: usize) -> f64 {
        let start = |k: usize| f64::from(f32::from_bits((self.base + k as u32) << CODE_SHIFT));
        0.5 * (start(k) + start(k + 1))
    }

    /// `--canny`'s automatic levels from the counts of the codes of all pixels: `HIGH` is Otsu's
    /// split of the code histogram, `LOW` half of it; returned as codes `(low, high)`.
    pub fn auto_levels(&self, counts: &[u64; 256]) -> (u8, u8) {
        let (mut n, mut sum) = (0.0f64, 0.0f64);
        for (k, &c) in counts.iter().enumerate().skip(1) {
            n += c as f64;
            sum += c as f64 * self.middle(k);
        }
        let (mut w0, mut s0) = (0.0f64, 0.0f64);
        let mut best = (f64::NEG_INFINITY, 255u8);
        for (k, &c) in counts.iter().enumerate().take(255).skip(1) {
            w0 += c as f64;
            s0 += c as f64 * self.middle(k);
            let w1 = n - w0;
            if c == 0 || w1 <= 0.0 {
                continue;
            }
            let d = s0 / w0 - (sum - s0) / w1;
            let between = w0 * w1 * d * d;
            if between > best.0 {
                best = (between, k as u8);
            }
        }
        let high = best.1;
        (high.saturating_sub(CODES_PER_OCTAVE), high)
    }
}

/// The counts of the codes of a row of magnitudes, added to `counts`.
#[inline]
pub(crate) fn count_codes(counts: &mut [u64; 256], codes: &LevelCodes, magnitude: &[f32]) {
    const CHUNK: usize = 64;
    let mut buf = [0u8; CHUNK];
    for chunk in magnitude.chunks(CHUNK) {
        // Codes in a vectorised loop, then the scattered increments.
        for (b, &m) in buf.iter_mut().zip(chunk) {
            *b = codes.code(m);
        }
        for &b in &buf[..chunk.len()] {
            counts[usize::from(b)] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_pixels_connected_to_strong_ones_are_kept_and_isolated_ones_dropped() {
        let m = ndarray::array![
            [0.0f32, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.9, 0.3, 0.0, 0.0, 0.3],
            [0.0, 0.0, 0.0, 0.3, 0.0, 0.3],
            [0.3, 0.0, 0.0, 0.0, 0.3, 0.0],
        ];
        let e = hysteresis(m.view(), 0.2, 0.5);
        let want = ndarray::array![
            [0u8, 0, 0, 0, 0, 0],
            [0, 255, 255, 0, 0, 255],
            [0, 0, 0, 255, 0, 255],
            [0, 0, 0, 0, 255, 0],
        ];
        assert_eq!(e, want);
    }

    #[test]
    fn codes_and_levels_agree_for_every_magnitude() {
        for top in [4.0f32, 8.0, 1000.0, 0.5] {
            let codes = LevelCodes::new(top);
            let mut m = 1e-9f32;
            while m < 4.0 * top {
                for k in 0..=255u8 {
                    assert_eq!(
                        m > codes.level(k),
                        codes.code(m) > k,
                        "top {top} m {m} k {k}"
                    );
                }
                m *= 1.013;
            }
            for k in 17..255u8 {
                let boundary = |k: u8| f32::from_bits(codes.level(k).to_bits() + 1);
                assert_eq!(boundary(k - 16) * 2.0, boundary(k));
            }
        }
    }

    #[test]
    fn auto_levels_split_a_bimodal_code_histogram() {
        let codes = LevelCodes::new(4.0);
        let mut counts = [0u64; 256];
        let noise: Vec<f32> = (0..900).map(|i| 0.01 + (i % 10) as f32 * 0.001).collect();
        let edges: Vec<f32> = (0..100).map(|i| 0.3 + (i % 10) as f32 * 0.01).collect();
        count_codes(&mut counts, &codes, &noise);
        count_codes(&mut counts, &codes, &edges);
        let (kl, kh) = codes.auto_levels(&counts);
        let (low, high) = (codes.level(kl), codes.level(kh));
        assert!(noise.iter().all(|&m| m <= high) && edges.iter().all(|&m| m > high));
        assert_eq!(kh - kl, 16);
        assert!((f64::from(low) - f64::from(high) / 2.0).abs() < 1e-6);
    }

    #[test]
    fn levels_are_strict() {
        let m = ndarray::array![[0.5f32, 0.2, 0.6, 0.2]];
        assert_eq!(
            hysteresis(m.view(), 0.2, 0.5).row(0).to_vec(),
            vec![0, 0, 255, 0]
        );
    }

    #[test]
    fn growing_crosses_band_boundaries_both_ways() {
        // A weak serpentine 200 rows long, strong only at its lower end: it must be kept whole,
        // up through three band boundaries and back down.
        let (rows, cols) = (200, 7);
        let mut m = Array2::<f32>::zeros((rows, cols));
        for y in 0..rows {
            m[[y, 1]] = 0.3;
            m[[y, 5]] = 0.3;
        }
        for x in 1..=5 {
            m[[0, x]] = 0.3;
        }
        m[[rows - 1, 5]] = 0.9;
        m[[150, 3]] = 0.3; // isolated weak pixel
        let e = hysteresis(m.view(), 0.2, 0.5);
        let kept = e.iter().filter(|&&v| v == 255).count();
        assert_eq!(kept, 2 * rows + 3);
        assert_eq!(e[[150, 3]], 0);
        assert_eq!(e[[0, 1]], 255);
    }
}
