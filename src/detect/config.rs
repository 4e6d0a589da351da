//! What to detect and how: [`DetectConfig`], checked by [`DetectConfig::build`] into a
//! [`Pipeline`].

use thiserror::Error;

use super::derivatives::{Derivatives, EdgeOrderError, Operator};
use super::edges::threshold::{Exact, Threshold};
use super::pipeline::{Decision, Pipeline};
use super::smoothing::{GaussianKernel, SigmaError};

/// The smoothing `--canny` uses when no sigma is given.
pub const CANNY_SIGMA: f32 = 1.4;
/// The smoothing of the automatic threshold ([`Threshold::Auto`]) when no sigma is given.
pub const AUTO_SIGMA: f32 = 1.0;

/// What to detect and how: the options of `detect`, `batch` and `preview`.
///
/// ```
/// use edgegrad::DetectConfig;
/// use edgegrad::detect::edges::threshold::Threshold;
/// let c = DetectConfig { threshold: Threshold::Percent(5.0), thin: true, ..Default::default() };
/// assert!(c.build().is_ok());
/// let bad = DetectConfig { sigma: Some(-1.0), ..Default::default() };
/// assert!(bad.build().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DetectConfig {
    /// The derivative operator.
    pub operator: Operator,
    /// Order of the one-sided differences at the image borders: 1 or 2.
    pub edge_order: usize,
    /// Gaussian smoothing before differentiating; `Some(0.0)` for none. `None`: none, except
    /// [`CANNY_SIGMA`] with `canny` and [`AUTO_SIGMA`] with [`Threshold::Auto`].
    pub sigma: Option<f32>,
    /// The magnitude level of the edges, unless hysteresis is used. [`Threshold::Auto`] implies
    /// `thin`.
    pub threshold: Threshold,
    /// `Some((low, high))`: hysteresis with these magnitude levels (replaces `threshold`).
    pub hysteresis: Option<(f32, f32)>,
    /// Non-maximum suppression: one-pixel-wide edges.
    pub thin: bool,
    /// Canny: smoothing ([`CANNY_SIGMA`] unless `sigma` is given), thinning, and hysteresis with
    /// automatic levels unless `hysteresis` is given.
    pub canny: bool,
}

impl Default for DetectConfig {
    /// Central differences, first-order borders, the automatic threshold (which smooths with
    /// [`AUTO_SIGMA`] and thins).
    fn default() -> Self {
        DetectConfig {
            operator: Operator::Central,
            edge_order: 1,
            sigma: None,
            threshold: Threshold::Auto,
            hysteresis: None,
            thin: false,
            canny: false,
        }
    }
}

/// An invalid option value in a [`DetectConfig`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    /// An edge order other than 1 or 2.
    #[error(transparent)]
    EdgeOrder(#[from] EdgeOrderError),
    /// A negative, non-finite or huge sigma.
    #[error(transparent)]
    Sigma(#[from] SigmaError),
    /// A negative or non-finite threshold value.
    #[error("threshold must be a number >= 0, got {0}")]
    Threshold(f32),
    /// A percentage outside `0..=100`.
    #[error("threshold percentage must be between 0 and 100, got {0}")]
    Percent(f32),
    /// Hysteresis levels that are not `0 <= low <= high` finite numbers.
    #[error("hysteresis levels must be numbers with 0 <= LOW <= HIGH, got {low},{high}")]
    Hysteresis {
        /// The low level given.
        low: f32,
        /// The high level given.
        high: f32,
    },
}

impl DetectConfig {
    /// True when the level is the automatic single level (`Auto` without hysteresis or Canny),
    /// which smooths with [`AUTO_SIGMA`] unless a sigma is given, and thins.
    fn is_auto(&self) -> bool {
        self.threshold == Threshold::Auto && self.hysteresis.is_none() && !self.canny
    }

    /// The smoothing applied: the given sigma, else [`CANNY_SIGMA`] with Canny or
    /// [`AUTO_SIGMA`] with the automatic level, else 0 (none).
    ///
    /// ```
    /// use edgegrad::DetectConfig;
    /// use edgegrad::detect::edges::threshold::Threshold;
    /// assert_eq!(DetectConfig::default().effective_sigma(), 1.0);
    /// assert_eq!(DetectConfig { canny: true, ..Default::default() }.effective_sigma(), 1.4);
    /// assert_eq!(DetectConfig { threshold: Threshold::Otsu, ..Default::default() }.effective_sigma(), 0.0);
    /// ```
    pub fn effective_sigma(&self) -> f32 {
        match self.sigma {
            Some(s) => s,
            None if self.canny => CANNY_SIGMA,
            None if self.is_auto() => AUTO_SIGMA,
            None => 0.0,
        }
    }

    /// True when edges are thinned: `thin`, Canny, or the automatic level.
    ///
    /// ```
    /// use edgegrad::DetectConfig;
    /// use edgegrad::detect::edges::threshold::Threshold;
    /// assert!(DetectConfig::default().thins());
    /// assert!(!DetectConfig { threshold: Threshold::Value(0.1), ..Default::default() }.thins());
    /// ```
    pub fn thins(&self) -> bool {
        self.thin || self.canny || self.is_auto()
    }

    /// Checks every value and makes the pipeline.
    pub fn build(self) -> Result<Pipeline, ConfigError> {
        let sigma = Some(self.effective_sigma());
        let smoothing = match sigma {
            Some(0.0) => None,
            Some(s) => Some(GaussianKernel::new(s)?),
            None => None,
        };
        let derivatives = Derivatives::new(self.operator, self.edge_order, smoothing)?;
        let exact = match self.threshold {
            Threshold::Value(v) if !(v.is_finite() && v >= 0.0) => {
                return Err(ConfigError::Threshold(v))
            }
            Threshold::Percent(p) if !(0.0..=100.0).contains(&p) => {
                return Err(ConfigError::Percent(p))
            }
            Threshold::Value(v) => Some(Exact::Value(v)),
            Threshold::Percent(p) => Some(Exact::Percent(p)),
            Threshold::Otsu => Some(Exact::Otsu),
            Threshold::Auto => None,
        };
        if let Some((low, high)) = self.hysteresis {
            if !(low.is_finite() && high.is_finite() && 0.0 <= low && low <= high) {
                return Err(ConfigError::Hysteresis { low, high });
            }
        }
        let rule = match (self.hysteresis, self.canny, exact) {
            (Some(levels), _, _) => Decision::Hysteresis(Some(levels)),
            (None, true, _) => Decision::Hysteresis(None),
            (None, false, Some(exact)) => Decision::Exact(exact),
            (None, false, None) => Decision::Auto,
        };
        Ok(Pipeline::new(derivatives, rule, self.thins()))
    }
}
