//! Automatic levels: the default single threshold (`--threshold auto`) and `--canny`'s
//! hysteresis levels, scaled to the noise of the image.
//!
//! Edges are a minority of pixels, so the median magnitude `med` measures what the non-edge
//! pixels do (noise and fine texture): if the two derivative components were normal with
//! standard deviation `s`, the magnitude would be Rayleigh-distributed with median
//! `s sqrt(2 ln 2)`. The levels are multiples of `s = med / sqrt(2 ln 2)`, with a floor of 1 % of
//! the magnitude the pipeline gives a sharp black-to-white step (`g`, which depends on the
//! smoothing), for flat images whose median is 0:
//! - single level: `T = max(3.5 s, 0.01 g)`, applied with non-maximum suppression;
//! - Canny: `HIGH = max(4.5 s, 0.01 g)`, `LOW = HIGH / 2`.
//!
//! These rules were chosen by measuring precision and recall against known edges on synthetic
//! scenes (clean, textured, noisy, blurred, low-contrast, fine detail), where they beat Otsu's
//! method on the magnitude by far and come close to OpenCV's and scikit-image's Canny tuned per
//! image.
//!
//! To find them in a single pass, magnitudes are coded in one byte ([`LevelCodes`]): the pass
//! writes the codes of the candidate pixels into the edge map and counts the codes of every
//! fourth pixel of every row;
//! the median and the levels come from the counts, rounded up to a code boundary, and the map is
//! then classified by code, which gives exactly the pixels whose magnitude exceeds the level.

/// Magnitudes coded in one byte.
///
/// The code of a magnitude `m` is `1..=255`, from the top 13 bits of its `f32` bit pattern: 16
/// codes per octave (4.4 % wide) over the sixteen octaves below `top` (`2^-14 .. 4` for 8- and
/// 16-bit images, whose magnitudes are below `2 √2`); smaller magnitudes get code 1 and larger
/// ones 255. Code `k`'s upper boundary is exactly twice code `k - 16`'s, and `m > level(k)`
/// exactly when `code(m) > k`.
///
/// ```
/// use edgegrad::detect::edges::auto::LevelCodes;
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
pub(crate) const CODES_PER_OCTAVE: u8 = 16;

impl LevelCodes {
    /// Codes for magnitudes below `top` (rounded up to a power of two; 4 if not positive).
    pub fn new(top: f32) -> Self {
        let top = if top.is_finite() && top > 0.0 {
            top
        } else {
            4.0
        };
        let exponent_bits = top.to_bits() >> 23;
        let exponent_bits = if top.to_bits() & 0x7F_FFFF != 0 {
            exponent_bits + 1
        } else {
            exponent_bits
        };
        // The bin of `top` rounded up to a power of two is code 256 (one past the last).
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

    /// The lower boundary of code `k`'s range (`k >= 1`).
    fn start(&self, k: usize) -> f64 {
        f64::from(f32::from_bits((self.base + k as u32) << CODE_SHIFT))
    }

    /// The median magnitude of the pixels counted in `counts` (indexed by code), as the middle
    /// of the code that holds it.
    pub fn median(&self, counts: &[u64; 256]) -> f64 {
        let total: u64 = counts.iter().sum();
        let mut below = 0u64;
        for (k, &c) in counts.iter().enumerate().skip(1) {
            below += c;
            if 2 * below >= total && c > 0 {
                return if k == 1 {
                    0.0
                } else {
                    0.5 * (self.start(k) + self.start(k + 1))
                };
            }
        }
        0.0
    }

    /// The smallest code whose level is at least `t`.
    pub fn code_at_least(&self, t: f64) -> u8 {
        (1..=255u8)
            .find(|&k| f64::from(self.level(k)) >= t)
            .unwrap_or(255)
    }
}

/// Every how many pixels of a row [`count_codes`] counts: a quarter of the pixels pin the median
/// down far finer than a code is wide, at a quarter of the cost (bench pipeline/fused_canny).
pub(crate) const COUNT_STRIDE: usize = 4;

/// The counts of the codes of every [`COUNT_STRIDE`]-th magnitude of a row (from the first),
/// added to `counts`.
#[inline(always)]
pub(crate) fn count_codes(counts: &mut [u64; 256], codes: &LevelCodes, magnitude: &[f32]) {
    for &m in magnitude.iter().step_by(COUNT_STRIDE) {
        counts[usize::from(codes.code(m))] += 1;
    }
}

/// `sqrt(2 ln 2)`: the median of a Rayleigh variable of scale 1.
const RAYLEIGH_MEDIAN: f64 = 1.177_410_022_515_474_6;

/// One of the automatic rules: a level `max(k s, floor)`.
///
/// ```
/// use edgegrad::detect::edges::auto::{AutoRule, LevelCodes};
/// let rule = AutoRule::single(0.5);
/// let codes = LevelCodes::new(4.0);
/// let mut counts = [0u64; 256];
/// counts[1] = 1000; // a flat image: the floor decides
/// let k = rule.level_code(&codes, &counts);
/// assert!(codes.level(k) >= 0.005 && codes.level(k) < 0.0053);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoRule {
    /// Multiple of the noise estimate `s`.
    pub noise_factor: f64,
    /// The lowest level: 1 % of the step response.
    pub floor: f64,
}

impl AutoRule {
    /// The single-level rule, `max(3.5 s, 0.01 step)`, for a pipeline whose response to a sharp
    /// unit step is `step`.
    pub fn single(step: f32) -> Self {
        AutoRule {
            noise_factor: 3.5,
            floor: 0.01 * f64::from(step),
        }
    }

    /// Canny's high level, `max(4.5 s, 0.01 step)` (the low level is half of it).
    pub fn canny(step: f32) -> Self {
        AutoRule {
            noise_factor: 4.5,
            floor: 0.01 * f64::from(step),
        }
    }

    /// The level for these code counts, rounded up to a code boundary, as a code.
    pub fn level_code(&self, codes: &LevelCodes, counts: &[u64; 256]) -> u8 {
        self.level_code_for(codes, noise(codes, counts))
    }

    /// The level for the noise estimate `s` (see [`noise`]), rounded up to a code boundary, as
    /// a code.
    ///
    /// ```
    /// use edgegrad::detect::edges::auto::{AutoRule, LevelCodes};
    /// let codes = LevelCodes::new(4.0);
    /// let k = AutoRule::single(0.5).level_code_for(&codes, 0.02);
    /// assert!(codes.level(k) >= 0.07 && codes.level(k) < 0.074);
    /// ```
    pub fn level_code_for(&self, codes: &LevelCodes, s: f64) -> u8 {
        codes.code_at_least((self.noise_factor * s).max(self.floor))
    }
}

/// The noise estimate `s` of an image from the counts of its magnitude codes: the median
/// magnitude over the median of a Rayleigh variable of scale 1.
///
/// ```
/// use edgegrad::detect::edges::auto::{noise, LevelCodes};
/// let mut counts = [0u64; 256];
/// counts[1] = 10; // a flat image
/// assert_eq!(noise(&LevelCodes::new(4.0), &counts), 0.0);
/// ```
pub fn noise(codes: &LevelCodes, counts: &[u64; 256]) -> f64 {
    codes.median(counts) / RAYLEIGH_MEDIAN
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_median_is_found_within_its_code() {
        let codes = LevelCodes::new(4.0);
        let mut counts = [0u64; 256];
        let values: Vec<f32> = (0..1001)
            .map(|i| 0.001 * (1.0 + i as f32 / 100.0))
            .collect();
        count_codes(&mut counts, &codes, &values);
        let median = codes.median(&counts);
        let exact = f64::from(values[500]);
        assert!((median / exact - 1.0).abs() < 0.045, "{median} vs {exact}");
    }

    #[test]
    fn the_noise_rule_scales_with_the_median_and_has_a_floor() {
        let codes = LevelCodes::new(4.0);
        let rule = AutoRule::single(0.5);
        // Rayleigh-like noise of scale 0.02: median 0.02 * 1.1774.
        let mut counts = [0u64; 256];
        let noise: Vec<f32> = (0..8000)
            .map(|i| {
                let u = ((i * 7919) % 8000) as f64 / 8000.0 + 0.5 / 8000.0;
                (0.02 * (-2.0 * (1.0 - u).ln()).sqrt()) as f32
            })
            .collect();
        count_codes(&mut counts, &codes, &noise);
        let t = f64::from(codes.level(rule.level_code(&codes, &counts)));
        assert!((3.5 * 0.02 * 0.95..=3.5 * 0.02 * 1.1).contains(&t), "{t}");
        // Few pixels are above 3.5 s in Rayleigh noise (exp(-3.5^2 / 2) = 0.2 %).
        let above = noise.iter().filter(|&&m| f64::from(m) > t).count();
        assert!(above <= 40, "{above}");
        let flat = {
            let mut c = [0u64; 256];
            c[1] = 100;
            c
        };
        let t = codes.level(rule.level_code(&codes, &flat));
        assert!((0.005..0.0053).contains(&t), "{t}");
    }
}
