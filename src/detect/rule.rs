//! How edges are decided from the magnitude, as one value that cannot contradict itself:
//! [`EdgeRule`] is one threshold, hysteresis with given levels, or Canny. Its parts parse from
//! the text the command line takes ([`Threshold`]: `0.1`, `auto`, `otsu`, `5%`;
//! [`HysteresisLevels`]: `LOW,HIGH`) and print back to it.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::edges::threshold::Threshold;

/// How edges are decided: one level, hysteresis with two given levels, or Canny's detector.
///
/// ```
/// use edgegrad::detect::rule::{EdgeRule, HysteresisLevels};
/// use edgegrad::detect::edges::threshold::Threshold;
/// assert_eq!(EdgeRule::default(), EdgeRule::Threshold(Threshold::Auto));
/// let levels: HysteresisLevels = "0.02,0.08".parse()?;
/// let canny = EdgeRule::Canny(Some(levels));
/// assert_eq!(canny.levels(), Some(levels));
/// # Ok::<(), edgegrad::detect::rule::HysteresisError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EdgeRule {
    /// Edges are the pixels above one level. [`Threshold::Auto`] also smooths (sigma 1 unless
    /// one is given) and thins.
    Threshold(Threshold),
    /// Edges are the pixels above the high level, plus those above the low level connected to
    /// them.
    Hysteresis(HysteresisLevels),
    /// Canny's detector: smoothing (sigma 1.4 unless one is given), thinning, and hysteresis
    /// with these levels, or with automatic ones (`None`).
    Canny(Option<HysteresisLevels>),
}

impl Default for EdgeRule {
    /// The automatic level.
    fn default() -> Self {
        EdgeRule::Threshold(Threshold::Auto)
    }
}

impl EdgeRule {
    /// The rule of a detector's separate options, as the command line and the Python package
    /// take them: Canny (with `hysteresis` levels, if given), else hysteresis, else the
    /// threshold. A threshold other than [`Threshold::Auto`] (the default) beside Canny or
    /// hysteresis is a conflict, not silently ignored.
    ///
    /// ```
    /// use edgegrad::detect::edges::threshold::Threshold;
    /// use edgegrad::detect::rule::EdgeRule;
    /// assert_eq!(EdgeRule::from_options(Threshold::Auto, None, true), Ok(EdgeRule::Canny(None)));
    /// assert_eq!(
    ///     EdgeRule::from_options(Threshold::Otsu, None, false),
    ///     Ok(EdgeRule::Threshold(Threshold::Otsu))
    /// );
    /// assert!(EdgeRule::from_options(Threshold::Value(0.1), None, true).is_err());
    /// ```
    pub fn from_options(
        threshold: Threshold,
        hysteresis: Option<HysteresisLevels>,
        canny: bool,
    ) -> Result<EdgeRule, RuleConflict> {
        let two_levels = canny || hysteresis.is_some();
        if two_levels && threshold != Threshold::Auto {
            return Err(RuleConflict {
                threshold,
                with: if canny { "canny" } else { "hysteresis" },
            });
        }
        Ok(match (canny, hysteresis) {
            (true, levels) => EdgeRule::Canny(levels),
            (false, Some(levels)) => EdgeRule::Hysteresis(levels),
            (false, None) => EdgeRule::Threshold(threshold),
        })
    }

    /// The hysteresis levels given, if the rule has any.
    ///
    /// ```
    /// use edgegrad::detect::rule::EdgeRule;
    /// assert_eq!(EdgeRule::Canny(None).levels(), None);
    /// ```
    pub fn levels(&self) -> Option<HysteresisLevels> {
        match *self {
            EdgeRule::Hysteresis(levels) => Some(levels),
            EdgeRule::Canny(levels) => levels,
            EdgeRule::Threshold(_) => None,
        }
    }

    /// True for Canny's detector.
    ///
    /// ```
    /// use edgegrad::detect::rule::EdgeRule;
    /// assert!(EdgeRule::Canny(None).is_canny());
    /// assert!(!EdgeRule::default().is_canny());
    /// ```
    pub fn is_canny(&self) -> bool {
        matches!(self, EdgeRule::Canny(_))
    }
}

/// A threshold given beside Canny or hysteresis, which decide edges with two levels.
#[derive(Debug, Clone, Copy, PartialEq, Error)]
#[error("threshold {threshold} does not go with {with}, which decides edges with two levels")]
pub struct RuleConflict {
    /// The threshold given.
    pub threshold: Threshold,
    /// The option it conflicts with: `canny` or `hysteresis`.
    pub with: &'static str,
}

/// A threshold that is not a number, `auto`, `otsu` or a percentage, or is out of range.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ThresholdError {
    /// Text that is none of the accepted forms.
    #[error("expected a number, `auto`, `otsu` or a percentage like `5%`, got {0:?}")]
    Syntax(String),
    /// A negative or non-finite level.
    #[error("threshold must be a number >= 0, got {0}")]
    Value(f32),
    /// A percentage outside `0..=100`.
    #[error("threshold percentage must be between 0 and 100, got {0}")]
    Percent(f32),
}

/// Checks that a threshold's number is in range: a finite level `>= 0`, a percentage in
/// `0..=100`.
///
/// ```
/// use edgegrad::detect::edges::threshold::Threshold;
/// use edgegrad::detect::rule::{checked, ThresholdError};
/// assert_eq!(checked(Threshold::Otsu), Ok(Threshold::Otsu));
/// assert_eq!(checked(Threshold::Value(-1.0)), Err(ThresholdError::Value(-1.0)));
/// ```
pub fn checked(threshold: Threshold) -> Result<Threshold, ThresholdError> {
    match threshold {
        Threshold::Value(v) if !(v.is_finite() && v >= 0.0) => Err(ThresholdError::Value(v)),
        Threshold::Percent(p) if !(0.0..=100.0).contains(&p) => Err(ThresholdError::Percent(p)),
        t => Ok(t),
    }
}

/// Parses a number, `auto`, `otsu` (any case) or `P%`, and checks its range.
///
/// ```
/// use edgegrad::detect::edges::threshold::Threshold;
/// assert_eq!("5%".parse::<Threshold>(), Ok(Threshold::Percent(5.0)));
/// assert_eq!("AUTO".parse::<Threshold>(), Ok(Threshold::Auto));
/// assert!("-0.5".parse::<Threshold>().is_err());
/// ```
impl FromStr for Threshold {
    type Err = ThresholdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || ThresholdError::Syntax(s.to_string());
        let t = s.trim();
        let threshold = if t.eq_ignore_ascii_case("auto") {
            Threshold::Auto
        } else if t.eq_ignore_ascii_case("otsu") {
            Threshold::Otsu
        } else if let Some(p) = t.strip_suffix('%') {
            Threshold::Percent(p.trim().parse().map_err(|_| syntax())?)
        } else {
            Threshold::Value(t.parse().map_err(|_| syntax())?)
        };
        checked(threshold)
    }
}

/// Prints the form [`FromStr`] reads: `0.1`, `auto`, `otsu`, `5%`.
///
/// ```
/// use edgegrad::detect::edges::threshold::Threshold;
/// assert_eq!(Threshold::Percent(2.5).to_string(), "2.5%");
/// assert_eq!(Threshold::Value(0.1).to_string(), "0.1");
/// ```
impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Value(v) => write!(f, "{v}"),
            Threshold::Auto => f.write_str("auto"),
            Threshold::Otsu => f.write_str("otsu"),
            Threshold::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// The two magnitude levels of hysteresis, `0 <= low <= high`, both finite.
///
/// ```
/// use edgegrad::detect::rule::HysteresisLevels;
/// let l = HysteresisLevels::new(0.05, 0.2)?;
/// assert_eq!((l.low(), l.high()), (0.05, 0.2));
/// assert_eq!(l.to_string(), "0.05,0.2");
/// assert!(HysteresisLevels::new(0.3, 0.1).is_err());
/// # Ok::<(), edgegrad::detect::rule::HysteresisError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HysteresisLevels {
    low: f32,
    high: f32,
}

/// Hysteresis levels that are not two numbers `LOW,HIGH` with `0 <= LOW <= HIGH`.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum HysteresisError {
    /// Text that is not two numbers separated by a comma.
    #[error("expected two numbers LOW,HIGH, got {0:?}")]
    Syntax(String),
    /// Levels out of order, negative or not finite.
    #[error("hysteresis levels must be numbers with 0 <= LOW <= HIGH, got {low},{high}")]
    Levels {
        /// The low level given.
        low: f32,
        /// The high level given.
        high: f32,
    },
}

impl HysteresisLevels {
    /// The levels, if `0 <= low <= high` and both are finite.
    pub fn new(low: f32, high: f32) -> Result<Self, HysteresisError> {
        if low.is_finite() && high.is_finite() && 0.0 <= low && low <= high {
            Ok(HysteresisLevels { low, high })
        } else {
            Err(HysteresisError::Levels { low, high })
        }
    }

    /// The low level: pixels above it are edges when connected to a pixel above the high one.
    pub fn low(self) -> f32 {
        self.low
    }

    /// The high level: pixels above it are edges.
    pub fn high(self) -> f32 {
        self.high
    }

    /// `(low, high)`.
    ///
    /// ```
    /// let l = edgegrad::detect::rule::HysteresisLevels::new(0.0, 1.0)?;
    /// assert_eq!(l.pair(), (0.0, 1.0));
    /// # Ok::<(), edgegrad::detect::rule::HysteresisError>(())
    /// ```
    pub fn pair(self) -> (f32, f32) {
        (self.low, self.high)
    }
}

/// Parses `LOW,HIGH` (spaces allowed around the numbers) and checks the levels.
///
/// ```
/// use edgegrad::detect::rule::HysteresisLevels;
/// let l: HysteresisLevels = " 0.1 , 0.2 ".parse()?;
/// assert_eq!(l.pair(), (0.1, 0.2));
/// assert!("0.1".parse::<HysteresisLevels>().is_err());
/// # Ok::<(), edgegrad::detect::rule::HysteresisError>(())
/// ```
impl FromStr for HysteresisLevels {
    type Err = HysteresisError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || HysteresisError::Syntax(s.to_string());
        let (low, high) = s.split_once(',').ok_or_else(syntax)?;
        let number = |v: &str| v.trim().parse::<f32>().map_err(|_| syntax());
        HysteresisLevels::new(number(low)?, number(high)?)
    }
}

impl fmt::Display for HysteresisLevels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.low, self.high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_and_print_back() {
        assert_eq!("auto".parse(), Ok(Threshold::Auto));
        assert_eq!("Otsu".parse(), Ok(Threshold::Otsu));
        assert_eq!("0.25".parse(), Ok(Threshold::Value(0.25)));
        assert_eq!(" 2.5 % ".parse(), Ok(Threshold::Percent(2.5)));
        for t in [
            Threshold::Auto,
            Threshold::Otsu,
            Threshold::Value(0.0625),
            Threshold::Percent(12.5),
        ] {
            assert_eq!(t.to_string().parse(), Ok(t));
        }
        for bad in ["", "abc", "%", "5%%", "1,2"] {
            assert_eq!(
                bad.parse::<Threshold>(),
                Err(ThresholdError::Syntax(bad.into()))
            );
        }
        assert_eq!(
            "-0.5".parse::<Threshold>(),
            Err(ThresholdError::Value(-0.5))
        );
        assert!(matches!(
            "inf".parse::<Threshold>(),
            Err(ThresholdError::Value(_))
        ));
        assert_eq!(
            "150%".parse::<Threshold>(),
            Err(ThresholdError::Percent(150.0))
        );
    }

    #[test]
    fn hysteresis_levels_parse_check_and_print_back() {
        let l: HysteresisLevels = "0.1,0.2".parse().unwrap();
        assert_eq!(l.pair(), (0.1, 0.2));
        assert_eq!(l.to_string().parse(), Ok(l));
        assert_eq!(
            "0,0".parse::<HysteresisLevels>().unwrap().pair(),
            (0.0, 0.0)
        );
        for bad in ["0.1", "0.1,", "a,b", "0.1,0.2,0.3"] {
            assert_eq!(
                bad.parse::<HysteresisLevels>(),
                Err(HysteresisError::Syntax(bad.into()))
            );
        }
        for (low, high) in [
            (0.3, 0.1),
            (-0.1, 0.2),
            (0.1, f32::INFINITY),
            (f32::NAN, 1.0),
        ] {
            assert!(HysteresisLevels::new(low, high).is_err(), "{low},{high}");
        }
        assert_eq!(
            "0.3,0.1".parse::<HysteresisLevels>(),
            Err(HysteresisError::Levels {
                low: 0.3,
                high: 0.1
            })
        );
    }
}
