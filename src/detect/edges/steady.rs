//! Automatic levels that hold still over a sequence of frames.
//!
//! The automatic rules ([`auto`](super::auto)) scale their level to the noise estimate `s` of
//! one image. On video, `s` of consecutive frames of the same scene differs a little (noise,
//! small motion, the median falling on either side of a code boundary), and a level that jumps
//! with it makes the weak edges near the level blink on and off. [`SteadyLevels`] follows the
//! scene instead: the level is computed from a running average of `s` over recent frames (on
//! a log scale, each new frame weighing [`WEIGHT`] once [`WARM_UP`] frames are in), and starts
//! again from the frame's own estimate when it moves by more than a factor of [`CUT`] (a cut to
//! another scene), so the level follows a new scene at once.

/// The weight of a new frame's estimate in the running average once it is warm: the average
/// reaches half way to a new steady value in about 5 frames.
pub const WEIGHT: f64 = 1.0 / 8.0;

/// The frames averaged with equal weights first (`1/n` for the `n`-th), before [`WEIGHT`].
pub const WARM_UP: u32 = 8;

/// A frame whose estimate differs from the average by more than this factor (up or down)
/// starts the average again: another scene.
pub const CUT: f64 = 2.0;

/// The noise estimate of a sequence of frames, averaged over recent frames.
///
/// ```
/// use edgegrad::detect::edges::steady::SteadyLevels;
/// let mut steady = SteadyLevels::new();
/// assert_eq!(steady.follow(0.010), 0.010);
/// let s = steady.follow(0.011);
/// assert!(0.010 < s && s < 0.011);
/// // A cut to another scene: the new estimate is taken as it is.
/// assert_eq!(steady.follow(0.05), 0.05);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SteadyLevels {
    /// The natural log of the average, and the frames averaged since the last cut.
    average: Option<(f64, u32)>,
}

impl SteadyLevels {
    /// No frame seen yet.
    pub fn new() -> Self {
        SteadyLevels::default()
    }

    /// Takes the next frame's noise estimate `s` (`>= 0`) and returns the estimate to use for
    /// its level.
    ///
    /// ```
    /// use edgegrad::detect::edges::steady::SteadyLevels;
    /// let mut steady = SteadyLevels::new();
    /// let used: Vec<f64> = [0.02, 0.0, 0.0].iter().map(|&s| steady.follow(s)).collect();
    /// // A flat frame (s = 0) is a new scene too.
    /// assert_eq!(used, vec![0.02, 0.0, 0.0]);
    /// ```
    pub fn follow(&mut self, s: f64) -> f64 {
        if !(s.is_finite() && s > 0.0) {
            self.average = None;
            return s.max(0.0);
        }
        let log = s.ln();
        match self.average {
            Some((mean, n)) if (log - mean).abs() <= CUT.ln() => {
                let n = n.saturating_add(1);
                let w = if n <= WARM_UP {
                    1.0 / f64::from(n)
                } else {
                    WEIGHT
                };
                let mean = mean + w * (log - mean);
                self.average = Some((mean, n));
                mean.exp()
            }
            // A first frame, or a cut: the frame's own estimate, exactly.
            _ => {
                self.average = Some((log, 1));
                s
            }
        }
    }

    /// The current average estimate, if a frame with some noise has been seen since the last
    /// cut.
    ///
    /// ```
    /// let mut steady = edgegrad::detect::edges::steady::SteadyLevels::new();
    /// assert_eq!(steady.noise(), None);
    /// steady.follow(0.5);
    /// assert!((steady.noise().unwrap() - 0.5).abs() < 1e-12);
    /// ```
    pub fn noise(&self) -> Option<f64> {
        self.average.map(|(mean, _)| mean.exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_that_alternate_give_a_level_in_between_that_holds_still() {
        let mut steady = SteadyLevels::new();
        let used: Vec<f64> = (0..200)
            .map(|i| steady.follow(if i % 2 == 0 { 0.0100 } else { 0.0105 }))
            .collect();
        let late = &used[100..];
        let (lo, hi) = late
            .iter()
            .fold((f64::MAX, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(lo > 0.0100 && hi < 0.0105, "{lo} {hi}");
        assert!(hi / lo < 1.004, "{lo} {hi}");
    }

    #[test]
    fn the_first_frames_are_averaged_with_equal_weights() {
        let mut steady = SteadyLevels::new();
        steady.follow(1.0);
        let s = steady.follow(1.5);
        assert!((s - 1.5f64.sqrt()).abs() < 1e-12, "{s}");
    }

    #[test]
    fn a_slow_change_is_followed_and_a_cut_is_taken_at_once() {
        let mut steady = SteadyLevels::new();
        for _ in 0..50 {
            steady.follow(0.01);
        }
        let mut s = 0.0;
        for _ in 0..50 {
            s = steady.follow(0.015);
        }
        assert!((s / 0.015 - 1.0).abs() < 0.01, "{s}");
        assert_eq!(steady.follow(0.04), 0.04);
        assert_eq!(steady.follow(0.009), 0.009);
    }

    #[test]
    fn nonsense_estimates_reset_and_give_zero() {
        let mut steady = SteadyLevels::new();
        steady.follow(0.3);
        assert_eq!(steady.follow(f64::NAN), 0.0);
        assert_eq!(steady.noise(), None);
        assert_eq!(steady.follow(-1.0), 0.0);
        assert_eq!(steady.follow(0.2), 0.2);
    }
}
