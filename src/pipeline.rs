//! The detection pipeline: a validated configuration ([`DetectConfig::build`] → [`Pipeline`])
//! and [`Pipeline::run`], which turns an image's luma into the outputs a front-end wants.
//!
//! `detect`, `batch` and `preview` all call [`Pipeline::run`]. When only the edge map is wanted
//! it runs the fused path: bands of rows in parallel, each converting, smoothing and
//! differentiating only its own rows plus a few halo rows, and writing only the `u8` edge map; an
//! automatic or percentile threshold adds one histogram pass before it (two for an exact
//! percentile). When a map (magnitude, direction, dx, dy) is wanted too, the maps are made in
//! full and the edges computed from them with the same row kernels, so the two paths give the
//! same edges bit for bit.
//!
//! ```
//! use edgegrad::{grid::LumaView, pipeline::{DetectConfig, Wanted}, timings::Timings};
//! let img = ndarray::Array2::from_shape_fn((8, 8), |(_, x)| if x < 4 { 0u8 } else { 255 });
//! let pipeline = DetectConfig::default().build().unwrap();
//! let d = pipeline.run(LumaView::U8(img.view()), &Wanted::edges(), &mut Timings::new());
//! let edges = d.edges.unwrap();
//! // Smoothed (sigma 1) and thinned: one pixel on the step.
//! assert_eq!(edges.row(0).to_vec(), vec![0, 0, 0, 255, 0, 0, 0, 0]);
//! assert!(0.0 < d.threshold && d.threshold < 0.3);
//! ```

mod fused;
mod maps;

use ndarray::Array2;
use thiserror::Error;

use crate::edges::auto::AutoRule;
use crate::edges::threshold::{Exact, Threshold};
use crate::grid::LumaView;
use crate::operators::{Derivatives, EdgeOrderError, Operator};
use crate::smooth::{GaussianKernel, SigmaError};
use crate::timings::Timings;

/// The smoothing `--canny` uses when no sigma is given.
pub const CANNY_SIGMA: f32 = 1.4;
/// The smoothing of the automatic threshold ([`Threshold::Auto`]) when no sigma is given.
pub const AUTO_SIGMA: f32 = 1.0;

/// What to detect and how: the options of `detect`, `batch` and `preview`.
///
/// ```
/// use edgegrad::pipeline::DetectConfig;
/// use edgegrad::edges::threshold::Threshold;
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

/// How edges are decided from the magnitude.
#[derive(Debug, Clone, PartialEq)]
enum EdgeRule {
    /// Magnitude above a level computed exactly (value, Otsu, percentile).
    Exact(Exact),
    /// Magnitude above the automatic level ([`AutoRule::single`]).
    Auto,
    /// Hysteresis with given levels, or the automatic ones (`None`, [`AutoRule::canny`]).
    Hysteresis(Option<(f32, f32)>),
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
    /// use edgegrad::pipeline::DetectConfig;
    /// use edgegrad::edges::threshold::Threshold;
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
    /// use edgegrad::pipeline::DetectConfig;
    /// use edgegrad::edges::threshold::Threshold;
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
            (Some(levels), _, _) => EdgeRule::Hysteresis(Some(levels)),
            (None, true, _) => EdgeRule::Hysteresis(None),
            (None, false, Some(exact)) => EdgeRule::Exact(exact),
            (None, false, None) => EdgeRule::Auto,
        };
        let step = derivatives.step_response();
        Ok(Pipeline {
            derivatives,
            rule,
            thin: self.thins(),
            step,
        })
    }
}

/// A validated configuration, ready to run on any number of images.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    derivatives: Derivatives,
    rule: EdgeRule,
    thin: bool,
    /// The peak magnitude the derivatives give a sharp black-to-white step.
    step: f32,
}

/// The outputs a front-end wants from [`Pipeline::run`].
///
/// ```
/// use edgegrad::pipeline::Wanted;
/// let w = Wanted { dx: true, ..Wanted::edges() };
/// assert!(w.edges && w.dx && !w.magnitude);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wanted {
    /// The edge map.
    pub edges: bool,
    /// The gradient magnitude.
    pub magnitude: bool,
    /// The gradient direction.
    pub direction: bool,
    /// The derivative along x (axis 1).
    pub dx: bool,
    /// The derivative along y (axis 0).
    pub dy: bool,
}

impl Wanted {
    /// The edge map only (the fused path).
    pub fn edges() -> Self {
        Wanted {
            edges: true,
            ..Wanted::default()
        }
    }

    /// Everything.
    pub fn all() -> Self {
        Wanted {
            edges: true,
            magnitude: true,
            direction: true,
            dx: true,
            dy: true,
        }
    }

    fn any_map(&self) -> bool {
        self.magnitude || self.direction || self.dx || self.dy
    }
}

/// What [`Pipeline::run`] computed: the wanted outputs, each the input's size.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detection {
    /// `255` at edge pixels, `0` elsewhere.
    pub edges: Option<Array2<u8>>,
    /// `sqrt(dx² + dy²)`.
    pub magnitude: Option<Array2<f32>>,
    /// `atan2(dy, dx)` in radians (`y` pointing down).
    pub direction: Option<Array2<f32>>,
    /// `d/dx` (along axis 1).
    pub dx: Option<Array2<f32>>,
    /// `d/dy` (along axis 0).
    pub dy: Option<Array2<f32>>,
    /// The magnitude level used: edges are above it (with hysteresis: the high level). NaN when
    /// edges were not wanted.
    pub threshold: f32,
    /// The `(low, high)` hysteresis levels used, when hysteresis was used.
    pub hysteresis: Option<(f32, f32)>,
}

impl Pipeline {
    /// Everything `wanted`, computed with the fewest passes: edges only runs the fused banded
    /// path, without any full-size float plane.
    pub fn run(&self, luma: LumaView<'_>, wanted: &Wanted, timings: &mut Timings) -> Detection {
        if wanted.any_map() {
            maps::run(self, luma, wanted, timings)
        } else if wanted.edges {
            fused::run(self, luma, timings)
        } else {
            Detection {
                threshold: f32::NAN,
                ..Detection::default()
            }
        }
    }

    /// The derivative operator with its smoothing.
    pub fn derivatives(&self) -> &Derivatives {
        &self.derivatives
    }

    /// The automatic rule of this pipeline's edge rule, if it has one.
    fn auto_rule(&self) -> Option<AutoRule> {
        match self.rule {
            EdgeRule::Auto => Some(AutoRule::single(self.step)),
            EdgeRule::Hysteresis(None) => Some(AutoRule::canny(self.step)),
            _ => None,
        }
    }
}

/// The top of the magnitude range of an image, for [`LevelCodes`](crate::edges::hysteresis::LevelCodes):
/// 4 for 8- and 16-bit images (magnitudes are below `2 √2`), `8 max|v|` for float images.
pub(crate) fn magnitude_top(luma: &LumaView<'_>) -> f32 {
    use ndarray::parallel::prelude::*;
    match luma {
        LumaView::F32(a) => {
            let max = a
                .axis_iter(ndarray::Axis(0))
                .into_par_iter()
                .map(|row| {
                    row.iter()
                        .filter(|v| v.is_finite())
                        .fold(0.0f32, |m, v| m.max(v.abs()))
                })
                .reduce(|| 0.0, f32::max);
            (8.0 * max).max(4.0)
        }
        _ => 4.0,
    }
}

/// Rows per band: enough bands to keep every thread busy, few enough that halos stay cheap.
/// Results do not depend on it.
pub(crate) fn band_rows(rows: usize, _cols: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    rows.div_ceil(threads * 8).clamp(8, 64)
}
