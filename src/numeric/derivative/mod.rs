//! Beyond `np.gradient`: derivatives of any order from 1 to 4 with stencils of accuracy 2, 4, 6
//! or 8, numpy's one-sided borders or scipy.ndimage's padding modes, the laplacian and the
//! hessian, on N-D arrays.
//!
//! Each derivative uses a proper stencil of its order (`[1 -2 1] / h²` for the second
//! derivative at accuracy 2), not chained first differences. Stencil weights are exact
//! ([`Stencil`]). With [`Boundary::Numpy`] the central stencil is used where it fits and
//! one-sided stencils of the same accuracy at the borders (findiff's rule); with a padding mode
//! the central stencil everywhere, over the padded data, as `scipy.ndimage.correlate1d` with the
//! same weights and `mode` computes it.
//!
//! Precision: values are combined in `f64` and rounded to the output type once. `f32` input
//! gives `f32` output, `f64` gives `f64`, integers give `f64`. The first derivative at accuracy 2
//! with numpy's boundary is exactly `np.gradient(f, h, axis=axis, edge_order=2)`, bit for bit.
//!
//! Everything runs in one parallel pass over the input per call, without temporaries, each
//! output element written once.
//!
//! ```
//! use edgegrad::numeric::derivative::{derivative, laplacian, Boundary, DerivativeOptions, StencilOptions};
//! use ndarray::Array1;
//!
//! // x³ sampled at 0..8: the second derivative 6x, exact for a cubic at accuracy 2 inside.
//! let f = Array1::from_shape_fn(8, |i| (i as f64).powi(3));
//! let d2 = derivative(&f, &DerivativeOptions::new(0).order(2)).unwrap();
//! assert_eq!(d2[3], 18.0);
//!
//! // A periodic signal with `wrap`: the borders are as good as the interior.
//! let lap = laplacian(&Array1::from(vec![0.0, 1.0, 0.0, -1.0]), &StencilOptions::new().boundary(Boundary::Wrap)).unwrap();
//! assert_eq!(lap.to_vec(), vec![0.0, -2.0, 0.0, 2.0]);
//! ```

mod axis;
mod boundary;
mod coefficients;
mod kernel;

use ndarray::{Array, ArrayBase, Data, Dimension};
use thiserror::Error;

pub(crate) use axis::AxisOp;
pub use boundary::{Boundary, UnknownBoundary};
pub use coefficients::{Side, Stencil, ACCURACIES, ORDERS};
pub(crate) use kernel::Plan;

use crate::numeric::gradient::GradientInput;
use crate::numeric::pass;

/// Why a derivative could not be computed from its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[allow(missing_docs)] // the fields are what the messages name
pub enum DerivativeError {
    /// An order of accuracy other than 2, 4, 6 or 8.
    #[error("accuracy must be 2, 4, 6 or 8, got {0}")]
    Accuracy(usize),
    /// A derivative order other than 1 to 4.
    #[error("the derivative order must be 1, 2, 3 or 4, got {0}")]
    Order(usize),
    /// An axis too short for numpy's boundary: the one-sided stencils need `needed` samples.
    #[error("axis {axis} has {len} elements: too few for derivative order {order} with accuracy {accuracy} at numpy's boundary, whose one-sided stencils need at least {needed} elements (a padding boundary mode takes any length)")]
    AxisTooShort {
        axis: usize,
        len: usize,
        order: usize,
        accuracy: usize,
        needed: usize,
    },
    /// A spacing of zero.
    #[error("spacing along axis {axis} is zero: the stencils divide by it")]
    ZeroSpacing { axis: usize },
    /// A spacing that is NaN or infinite.
    #[error("spacing along axis {axis} is not a finite number")]
    NonFiniteSpacing { axis: usize },
    /// An axis outside `-ndim..ndim`.
    #[error("axis {axis} is out of bounds for an array of dimension {ndim}")]
    AxisOutOfRange { axis: isize, ndim: usize },
    /// Neither one spacing for every axis nor one per axis.
    #[error("invalid number of spacings: got {given}, expected none, one for every axis, or one per axis ({axes})")]
    SpacingCount { given: usize, axes: usize },
    /// A 0-d array, which has no axis.
    #[error("a 0-d array has no axis to differentiate along")]
    ZeroDimensional,
    /// Coordinates with unequal steps where only uniform spacing is implemented.
    #[error("coordinates along axis {axis} are not evenly spaced: accuracy above 2 and the padding boundary modes need uniform spacing")]
    UnevenCoordinates { axis: usize },
    /// Coordinates of an axis of one sample, which give no spacing.
    #[error("axis {axis} has a single coordinate: there is no spacing to differentiate with")]
    SingleCoordinate { axis: usize },
    /// `edge_order` 2 with stencils that set the borders themselves.
    #[error("edge_order {0} is numpy's border rule at accuracy 2 with numpy's boundary; other accuracies and the padding modes set the borders themselves (leave edge_order at 1)")]
    EdgeOrder(usize),
}

/// Checks a spacing: finite and non-zero.
pub(crate) fn check_spacing(axis: usize, h: f64) -> Result<f64, DerivativeError> {
    if h == 0.0 {
        Err(DerivativeError::ZeroSpacing { axis })
    } else if !h.is_finite() {
        Err(DerivativeError::NonFiniteSpacing { axis })
    } else {
        Ok(h)
    }
}

/// An axis in `-ndim..ndim`, normalised.
fn normalize_axis(axis: isize, ndim: usize) -> Result<usize, DerivativeError> {
    let n = ndim as isize;
    if (-n..n).contains(&axis) {
        Ok(axis.rem_euclid(n) as usize)
    } else {
        Err(DerivativeError::AxisOutOfRange { axis, ndim })
    }
}

/// What [`derivative`] computes.
///
/// ```
/// use edgegrad::numeric::derivative::{Boundary, DerivativeOptions};
/// let o = DerivativeOptions::new(-1).order(2).accuracy(4).spacing(0.5).boundary(Boundary::Wrap);
/// assert_eq!((o.axis, o.order, o.accuracy, o.spacing), (-1, 2, 4, 0.5));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DerivativeOptions {
    /// The axis to differentiate along; negative counts from the end.
    pub axis: isize,
    /// The derivative order, 1 to 4.
    pub order: usize,
    /// The order of accuracy of the stencils: 2, 4, 6 or 8.
    pub accuracy: usize,
    /// The distance between samples: finite, non-zero.
    pub spacing: f64,
    /// The rule at the borders.
    pub boundary: Boundary,
}

impl DerivativeOptions {
    /// The first derivative along `axis`, accuracy 2, unit spacing, numpy's boundary.
    pub fn new(axis: isize) -> Self {
        DerivativeOptions {
            axis,
            order: 1,
            accuracy: 2,
            spacing: 1.0,
            boundary: Boundary::Numpy,
        }
    }

    /// Sets the derivative order.
    pub fn order(mut self, order: usize) -> Self {
        self.order = order;
        self
    }

    /// Sets the order of accuracy.
    pub fn accuracy(mut self, accuracy: usize) -> Self {
        self.accuracy = accuracy;
        self
    }

    /// Sets the spacing.
    pub fn spacing(mut self, spacing: f64) -> Self {
        self.spacing = spacing;
        self
    }

    /// Sets the border rule.
    pub fn boundary(mut self, boundary: Boundary) -> Self {
        self.boundary = boundary;
        self
    }
}

/// What [`laplacian`] and [`hessian`] compute: spacings, accuracy and border rule.
///
/// ```
/// use edgegrad::numeric::derivative::{Boundary, StencilOptions};
/// let o = StencilOptions::new().spacing(vec![0.5, 2.0]).accuracy(6).boundary(Boundary::Constant(1.0));
/// assert_eq!(o.accuracy, 6);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StencilOptions {
    /// None (1 everywhere), one for every axis, or one per axis.
    pub spacing: Vec<f64>,
    /// The order of accuracy of the stencils: 2, 4, 6 or 8.
    pub accuracy: usize,
    /// The rule at the borders.
    pub boundary: Boundary,
}

impl Default for StencilOptions {
    fn default() -> Self {
        StencilOptions {
            spacing: Vec::new(),
            accuracy: 2,
            boundary: Boundary::Numpy,
        }
    }
}

impl StencilOptions {
    /// Unit spacing, accuracy 2, numpy's boundary.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the spacings.
    pub fn spacing(mut self, spacing: Vec<f64>) -> Self {
        self.spacing = spacing;
        self
    }

    /// Sets the order of accuracy.
    pub fn accuracy(mut self, accuracy: usize) -> Self {
        self.accuracy = accuracy;
        self
    }

    /// Sets the border rule.
    pub fn boundary(mut self, boundary: Boundary) -> Self {
        self.boundary = boundary;
        self
    }

    /// One checked spacing per axis of an array of `ndim` axes.
    fn spacings(&self, ndim: usize) -> Result<Vec<f64>, DerivativeError> {
        let all = match self.spacing[..] {
            [] => vec![1.0; ndim],
            [h] => vec![h; ndim],
            _ if self.spacing.len() == ndim => self.spacing.clone(),
            _ => {
                return Err(DerivativeError::SpacingCount {
                    given: self.spacing.len(),
                    axes: ndim,
                })
            }
        };
        all.into_iter()
            .enumerate()
            .map(|(axis, h)| check_spacing(axis, h))
            .collect()
    }

    /// The operator of the given order along every axis of `shape`.
    fn operators(&self, shape: &[usize], order: usize) -> Result<Vec<AxisOp>, DerivativeError> {
        if shape.is_empty() {
            return Err(DerivativeError::ZeroDimensional);
        }
        let spacing = self.spacings(shape.len())?;
        (0..shape.len())
            .map(|a| AxisOp::new(a, shape[a], order, self.accuracy, self.boundary, spacing[a]))
            .collect()
    }
}

/// The `order`-th derivative of `f` along one axis, the shape (and memory order) of `f`.
///
/// ```
/// use edgegrad::numeric::derivative::{derivative, Boundary, DerivativeError, DerivativeOptions};
/// use ndarray::array;
///
/// let f = array![0.0, 1.0, 4.0, 9.0, 16.0, 25.0]; // x²
/// let d = derivative(&f, &DerivativeOptions::new(0).order(2))?;
/// assert_eq!(d.to_vec(), vec![2.0; 6]); // exact, the borders too
///
/// let g = derivative(&array![1u8, 2, 4], &DerivativeOptions::new(0).boundary(Boundary::Nearest))?;
/// assert_eq!(g.to_vec(), vec![0.5, 1.5, 1.0]);
///
/// assert_eq!(
///     derivative(&f, &DerivativeOptions::new(0).accuracy(6)),
///     Err(DerivativeError::AxisTooShort { axis: 0, len: 6, order: 1, accuracy: 6, needed: 9 })
/// );
/// # Ok::<(), DerivativeError>(())
/// ```
pub fn derivative<A, S, D>(
    f: &ArrayBase<S, D>,
    options: &DerivativeOptions,
) -> Result<Array<A::Output, D>, DerivativeError>
where
    A: GradientInput,
    S: Data<Elem = A>,
    D: Dimension,
{
    if f.ndim() == 0 {
        return Err(DerivativeError::ZeroDimensional);
    }
    let axis = normalize_axis(options.axis, f.ndim())?;
    let h = check_spacing(axis, options.spacing)?;
    let op = AxisOp::new(
        axis,
        f.shape()[axis],
        options.order,
        options.accuracy,
        options.boundary,
        h,
    )?;
    if options.order == 1 && options.accuracy == 2 && options.boundary == Boundary::Numpy {
        // numpy's own stencils: np.gradient(f, h, axis=axis, edge_order=2), bit for bit.
        let numpy = crate::numeric::gradient::GradientOptions::new()
            .spacing(vec![h.into()])
            .axes(vec![axis as isize])
            .edge_order(2);
        let mut d = crate::numeric::gradient::gradient(f, &numpy)
            .expect("the arguments np.gradient checks were checked above");
        return Ok(d.remove(0));
    }
    let floats = A::to_float(f);
    Ok(pass::run(floats.view(), &[Plan::One(op)]).remove(0))
}

/// The laplacian of `f`: the sum of the second derivatives along every axis, added in axis
/// order, in one pass.
///
/// ```
/// use edgegrad::numeric::derivative::{laplacian, Boundary, StencilOptions};
/// use ndarray::Array2;
///
/// let f = Array2::from_shape_fn((5, 6), |(y, x)| (x * x + 2 * y * y) as f32); // Δf = 2 + 4
/// let lap = laplacian(&f, &StencilOptions::new())?;
/// assert!(lap.iter().all(|&v| v == 6.0));
/// let reflect = laplacian(&f, &StencilOptions::new().boundary(Boundary::Reflect))?;
/// assert_eq!(reflect[[2, 3]], 6.0); // the interior is the same
/// # Ok::<(), edgegrad::numeric::derivative::DerivativeError>(())
/// ```
pub fn laplacian<A, S, D>(
    f: &ArrayBase<S, D>,
    options: &StencilOptions,
) -> Result<Array<A::Output, D>, DerivativeError>
where
    A: GradientInput,
    S: Data<Elem = A>,
    D: Dimension,
{
    let ops = options.operators(f.shape(), 2)?;
    let floats = A::to_float(f);
    Ok(pass::run(floats.view(), &[Plan::Sum(ops)]).remove(0))
}

/// The hessian of `f`: `∂²f/∂xᵢ∂xⱼ` for every `i <= j`, in that order (`(0, 0), (0, 1), ...,
/// (1, 1), ...`), each the shape of `f`, all in one pass.
///
/// The diagonal uses the second-derivative stencil; the mixed derivatives apply the
/// first-derivative stencil along `j`, then along `i` (central differences inside, the chosen
/// border rule at the borders), without storing the intermediate.
///
/// ```
/// use edgegrad::numeric::derivative::{hessian, StencilOptions};
/// use ndarray::Array2;
///
/// let f = Array2::from_shape_fn((4, 5), |(y, x)| (3 * x * y + y * y) as f64);
/// let h = hessian(&f, &StencilOptions::new())?;
/// let pairs: Vec<_> = h.iter().map(|(ij, _)| *ij).collect();
/// assert_eq!(pairs, vec![(0, 0), (0, 1), (1, 1)]);
/// assert!(h[0].1.iter().all(|&v| v == 2.0) && h[1].1.iter().all(|&v| v == 3.0));
/// # Ok::<(), edgegrad::numeric::derivative::DerivativeError>(())
/// ```
#[allow(clippy::type_complexity)]
pub fn hessian<A, S, D>(
    f: &ArrayBase<S, D>,
    options: &StencilOptions,
) -> Result<Vec<((usize, usize), Array<A::Output, D>)>, DerivativeError>
where
    A: GradientInput,
    S: Data<Elem = A>,
    D: Dimension,
{
    let second = options.operators(f.shape(), 2)?;
    let first = options.operators(f.shape(), 1)?;
    let ndim = f.ndim();
    let pairs: Vec<(usize, usize)> = (0..ndim)
        .flat_map(|i| (i..ndim).map(move |j| (i, j)))
        .collect();
    let plans: Vec<Plan> = pairs
        .iter()
        .map(|&(i, j)| {
            if i == j {
                Plan::One(second[i].clone())
            } else {
                Plan::Mixed {
                    outer: first[i].clone(),
                    inner: first[j].clone(),
                }
            }
        })
        .collect();
    let floats = A::to_float(f);
    Ok(pairs
        .into_iter()
        .zip(pass::run(floats.view(), &plans))
        .collect())
}
