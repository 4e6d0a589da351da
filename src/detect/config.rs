//! What to detect and how: [`DetectConfig`], checked by [`DetectConfig::build`] into a
//! [`Pipeline`].

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::derivatives::{Derivatives, EdgeOrderError, Operator};
use super::edges::threshold::{Exact, Threshold};
use super::pipeline::{Decision, Pipeline, Suppression};
use super::rule::{checked, EdgeRule, ThresholdError};
use super::smoothing::{GaussianKernel, SigmaError};

/// The smoothing Canny ([`EdgeRule::Canny`]) uses when no sigma is given.
pub const CANNY_SIGMA: f32 = 1.4;
/// The smoothing of the automatic threshold ([`Threshold::Auto`]) when no sigma is given.
pub const AUTO_SIGMA: f32 = 1.0;
/// The smoothing of the Laplacian of Gaussian ([`Operator::Log`]) when no sigma is given.
pub const LOG_SIGMA: f32 = 2.0;

/// What to detect and how: the options of `detect`, `batch` and `preview`.
///
/// ```
/// use edgegrad::DetectConfig;
/// use edgegrad::detect::edges::threshold::Threshold;
/// use edgegrad::detect::rule::EdgeRule;
/// let c = DetectConfig {
///     rule: EdgeRule::Threshold(Threshold::Percent(5.0)),
///     thin: true,
///     ..Default::default()
/// };
/// assert!(c.build().is_ok());
/// let bad = DetectConfig { sigma: Some(-1.0), ..Default::default() };
/// assert!(bad.build().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DetectConfig {
    /// The derivative operator.
    pub operator: Operator,
    /// Order of the one-sided differences at the image borders.
    pub edge_order: EdgeOrder,
    /// Gaussian smoothing before differentiating; `Some(0.0)` for none. `None`: none, except
    /// [`LOG_SIGMA`] with [`Operator::Log`], [`CANNY_SIGMA`] with [`EdgeRule::Canny`] and
    /// [`AUTO_SIGMA`] with [`Threshold::Auto`].
    pub sigma: Option<f32>,
    /// How edges are decided from the magnitude.
    pub rule: EdgeRule,
    /// Non-maximum suppression: one-pixel-wide edges (implied by Canny and by the automatic
    /// level). Not with [`Operator::Log`], whose zero crossings are one pixel wide already.
    pub thin: bool,
}

impl Default for DetectConfig {
    /// Central differences, first-order borders, the automatic threshold (which smooths with
    /// [`AUTO_SIGMA`] and thins).
    fn default() -> Self {
        DetectConfig {
            operator: Operator::Central,
            edge_order: EdgeOrder::First,
            sigma: None,
            rule: EdgeRule::default(),
            thin: false,
        }
    }
}

/// The order of the one-sided differences at the image borders: numpy's `edge_order`.
///
/// ```
/// use edgegrad::detect::config::EdgeOrder;
/// assert_eq!("2".parse::<EdgeOrder>(), Ok(EdgeOrder::Second));
/// assert_eq!(EdgeOrder::Second.get(), 2);
/// assert!("3".parse::<EdgeOrder>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EdgeOrder {
    /// First-order one-sided differences.
    #[default]
    First,
    /// Second-order one-sided differences.
    Second,
}

impl EdgeOrder {
    /// The order as a number, 1 or 2.
    pub fn get(self) -> usize {
        match self {
            EdgeOrder::First => 1,
            EdgeOrder::Second => 2,
        }
    }
}

/// An edge order that is not 1 or 2.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("edge order must be 1 or 2, got {0:?}")]
pub struct EdgeOrderParseError(pub String);

impl FromStr for EdgeOrder {
    type Err = EdgeOrderParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "1" => Ok(EdgeOrder::First),
            "2" => Ok(EdgeOrder::Second),
            _ => Err(EdgeOrderParseError(s.to_string())),
        }
    }
}

/// The edge order of a number: 1 or 2.
///
/// ```
/// use edgegrad::detect::config::EdgeOrder;
/// assert_eq!(EdgeOrder::try_from(1), Ok(EdgeOrder::First));
/// assert!(EdgeOrder::try_from(0).is_err());
/// ```
impl TryFrom<usize> for EdgeOrder {
    type Error = EdgeOrderParseError;

    fn try_from(n: usize) -> Result<Self, Self::Error> {
        match n {
            1 => Ok(EdgeOrder::First),
            2 => Ok(EdgeOrder::Second),
            _ => Err(EdgeOrderParseError(n.to_string())),
        }
    }
}

impl fmt::Display for EdgeOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.get())
    }
}

/// An invalid option value in a [`DetectConfig`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    /// An edge order the derivatives refuse.
    #[error(transparent)]
    EdgeOrder(#[from] EdgeOrderError),
    /// A negative, non-finite or huge sigma.
    #[error(transparent)]
    Sigma(#[from] SigmaError),
    /// A threshold value or percentage out of range.
    #[error(transparent)]
    Threshold(#[from] ThresholdError),
    /// The Laplacian of Gaussian with an option that thins its edges another way.
    #[error(
        "the log operator does not go with {0}: its edges are the zero crossings of the \
         Laplacian, one pixel wide already, not maxima of the gradient"
    )]
    LogWith(&'static str),
}

impl DetectConfig {
    /// True when the rule is the automatic single level, which smooths with [`AUTO_SIGMA`]
    /// unless a sigma is given, and thins.
    fn is_auto(&self) -> bool {
        self.rule == EdgeRule::Threshold(Threshold::Auto)
    }

    /// The smoothing applied: the given sigma, else [`LOG_SIGMA`] with the Laplacian of
    /// Gaussian, [`CANNY_SIGMA`] with Canny or [`AUTO_SIGMA`] with the automatic level, else 0
    /// (none).
    ///
    /// ```
    /// use edgegrad::DetectConfig;
    /// use edgegrad::detect::derivatives::Operator;
    /// use edgegrad::detect::edges::threshold::Threshold;
    /// use edgegrad::detect::rule::EdgeRule;
    /// assert_eq!(DetectConfig::default().effective_sigma(), 1.0);
    /// let canny = DetectConfig { rule: EdgeRule::Canny(None), ..Default::default() };
    /// assert_eq!(canny.effective_sigma(), 1.4);
    /// let otsu = DetectConfig { rule: EdgeRule::Threshold(Threshold::Otsu), ..Default::default() };
    /// assert_eq!(otsu.effective_sigma(), 0.0);
    /// let log = DetectConfig { operator: Operator::Log, ..otsu };
    /// assert_eq!(log.effective_sigma(), 2.0);
    /// ```
    pub fn effective_sigma(&self) -> f32 {
        match self.sigma {
            Some(s) => s,
            None if self.operator == Operator::Log => LOG_SIGMA,
            None if self.rule.is_canny() => CANNY_SIGMA,
            None if self.is_auto() => AUTO_SIGMA,
            None => 0.0,
        }
    }

    /// True when edges are one pixel wide: `thin`, Canny, the automatic level, or the zero
    /// crossings of the Laplacian of Gaussian.
    ///
    /// ```
    /// use edgegrad::DetectConfig;
    /// use edgegrad::detect::derivatives::Operator;
    /// use edgegrad::detect::edges::threshold::Threshold;
    /// use edgegrad::detect::rule::EdgeRule;
    /// assert!(DetectConfig::default().thins());
    /// let value = DetectConfig { rule: EdgeRule::Threshold(Threshold::Value(0.1)), ..Default::default() };
    /// assert!(!value.thins());
    /// assert!(DetectConfig { operator: Operator::Log, ..value }.thins());
    /// ```
    pub fn thins(&self) -> bool {
        self.thin || self.rule.is_canny() || self.is_auto() || self.operator == Operator::Log
    }

    /// How the edges are made one pixel wide.
    fn suppression(&self) -> Suppression {
        if self.operator == Operator::Log {
            Suppression::Crossings
        } else if self.thins() {
            Suppression::Maxima
        } else {
            Suppression::None
        }
    }

    /// Checks every value and makes the pipeline.
    ///
    /// ```
    /// use edgegrad::detect::config::{ConfigError, DetectConfig};
    /// use edgegrad::detect::derivatives::Operator;
    /// use edgegrad::detect::edges::threshold::Threshold;
    /// use edgegrad::detect::rule::{EdgeRule, ThresholdError};
    /// let c = DetectConfig { rule: EdgeRule::Threshold(Threshold::Percent(101.0)), ..Default::default() };
    /// assert_eq!(c.build(), Err(ConfigError::Threshold(ThresholdError::Percent(101.0))));
    /// let log = DetectConfig { operator: Operator::Log, thin: true, ..Default::default() };
    /// assert_eq!(log.build(), Err(ConfigError::LogWith("thin")));
    /// ```
    pub fn build(self) -> Result<Pipeline, ConfigError> {
        if self.operator == Operator::Log {
            if self.thin {
                return Err(ConfigError::LogWith("thin"));
            }
            if self.rule.is_canny() {
                return Err(ConfigError::LogWith("canny"));
            }
        }
        let sigma = self.effective_sigma();
        let smoothing = if sigma == 0.0 {
            None
        } else {
            Some(GaussianKernel::new(sigma)?)
        };
        let derivatives = Derivatives::new(self.operator, self.edge_order.get(), smoothing)?;
        let rule = match self.rule {
            EdgeRule::Threshold(t) => match checked(t)? {
                Threshold::Value(v) => Decision::Exact(Exact::Value(v)),
                Threshold::Percent(p) => Decision::Exact(Exact::Percent(p)),
                Threshold::Otsu => Decision::Exact(Exact::Otsu),
                Threshold::Auto => Decision::Auto,
            },
            EdgeRule::Hysteresis(levels) => Decision::Hysteresis(Some(levels.pair())),
            EdgeRule::Canny(levels) => Decision::Hysteresis(levels.map(|l| l.pair())),
        };
        Ok(Pipeline::new(derivatives, rule, self.suppression()))
    }
}
