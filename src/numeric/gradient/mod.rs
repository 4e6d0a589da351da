//! `np.gradient` for ndarray arrays of any dimension, bit-identical to numpy.
//!
//! Central differences in the interior and first- or second-order one-sided differences at the
//! edges, with uniform or coordinate spacing per axis, exactly as numpy computes them: the same
//! formulas, the same order of operations and the same precision for every intermediate value.
//!
//! numpy's precision rules, which [`gradient`] follows:
//! - `float64` input computes in `float64`; integer input becomes `float64` first.
//! - `float32` input with a scalar spacing ([`Spacing::Scalar`], a Python float to numpy)
//!   computes in `float32`, with the coefficients (`2h`, `-1.5/h`, ...) worked out in `float64`
//!   and rounded to `float32` once.
//! - `float32` input with `float64` coordinates ([`Spacing::Coordinates`]) computes in `float64`
//!   and rounds the result to `float32`; so do coordinates whose steps are all equal, which numpy
//!   reduces to a `float64` scalar. `float32` coordinates ([`Spacing::Coordinates32`]) compute in
//!   `float32`.
//!
//! Beyond numpy, [`GradientOptions::accuracy`] (4, 6 or 8) and [`GradientOptions::boundary`]
//! (scipy.ndimage's padding modes) switch to the stencils of [`crate::numeric::derivative`]:
//! central stencils of that accuracy, with one-sided ones of the same accuracy at numpy's
//! boundary or the central stencil over the padded data, combined in `f64` and rounded once.
//! With the defaults (accuracy 2, numpy's boundary) nothing changes.
//!
//! ```
//! use edgegrad::numeric::gradient::{gradient, GradientOptions, Spacing};
//! use ndarray::array;
//!
//! let f = array![[1.0, 2.0, 6.0], [3.0, 4.0, 5.0]];
//! let d = gradient(&f, &GradientOptions::default()).unwrap();
//! assert_eq!(d[0], array![[2.0, 2.0, -1.0], [2.0, 2.0, -1.0]]); // along axis 0 (rows)
//! assert_eq!(d[1], array![[1.0, 2.5, 4.0], [1.0, 1.0, 1.0]]); // along axis 1 (columns)
//!
//! // Coordinates along axis 1, second-order edges, that axis only:
//! let x = array![0.0, 1.0, 1.5];
//! let options = GradientOptions::new().spacing(vec![Spacing::from(x)]).axes(vec![-1]).edge_order(2);
//! let dx = gradient(&f, &options).unwrap();
//! assert_eq!(dx.len(), 1);
//!
//! // Periodic data, wrapped around at the borders:
//! use edgegrad::numeric::derivative::Boundary;
//! let periodic = GradientOptions::new().boundary(Boundary::Wrap);
//! assert_eq!(gradient(&array![0.0, 1.0, 0.0, -1.0], &periodic).unwrap()[0], array![1.0, 0.0, -1.0, 0.0]);
//! ```

mod axis_plan;
mod kernel;
mod stencil;

use ndarray::{Array, Array1, ArrayBase, CowArray, Data, Dimension};
use thiserror::Error;

use crate::numeric::derivative::{Boundary, DerivativeError};
use crate::numeric::{pass, Float};
pub(crate) use kernel::{difference, edge, line};
#[cfg(test)]
pub(crate) use stencil::Interior;
pub(crate) use stencil::{uniform, AxisStencil};

/// The spacing of the samples along one axis (numpy's `*varargs`).
#[derive(Debug, Clone, PartialEq)]
pub enum Spacing {
    /// The same distance between all samples (a Python scalar to numpy).
    Scalar(f64),
    /// The coordinate of every sample along the axis, as `float64` (integer coordinates are
    /// converted to `float64` first, as numpy does).
    Coordinates(Array1<f64>),
    /// The coordinate of every sample along the axis, as `float32`: numpy then computes the
    /// coefficients in `float32`.
    Coordinates32(Array1<f32>),
}

impl From<f64> for Spacing {
    fn from(h: f64) -> Self {
        Spacing::Scalar(h)
    }
}

impl From<Array1<f64>> for Spacing {
    fn from(x: Array1<f64>) -> Self {
        Spacing::Coordinates(x)
    }
}

impl From<Array1<f32>> for Spacing {
    fn from(x: Array1<f32>) -> Self {
        Spacing::Coordinates32(x)
    }
}

impl Spacing {
    fn coordinate_len(&self) -> Option<usize> {
        match self {
            Spacing::Scalar(_) => None,
            Spacing::Coordinates(x) => Some(x.len()),
            Spacing::Coordinates32(x) => Some(x.len()),
        }
    }
}

/// What [`gradient`] computes: numpy's `*varargs`, `axis` and `edge_order`, and the accuracy
/// and border rule beyond numpy's.
///
/// ```
/// use edgegrad::numeric::gradient::{GradientOptions, Spacing};
/// let o = GradientOptions::new().spacing(vec![Spacing::Scalar(0.5)]).axes(vec![0, -1]).edge_order(2);
/// assert_eq!(o.edge_order, 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GradientOptions {
    /// None (1 everywhere), one scalar for every axis, or one entry per selected axis.
    pub spacing: Vec<Spacing>,
    /// The axes to differentiate along, in output order; negative counts from the end;
    /// `None` means all.
    pub axes: Option<Vec<isize>>,
    /// The accuracy order of the one-sided differences at the edges: 1 or 2 (numpy's rule, at
    /// accuracy 2 with numpy's boundary; leave it at 1 otherwise).
    pub edge_order: usize,
    /// The order of accuracy of the stencils: 2 (numpy's), 4, 6 or 8. Above 2, coordinates
    /// must be evenly spaced.
    pub accuracy: usize,
    /// The rule at the borders: numpy's one-sided differences, or a padding mode (then
    /// coordinates must be evenly spaced).
    pub boundary: Boundary,
}

impl Default for GradientOptions {
    fn default() -> Self {
        GradientOptions {
            spacing: Vec::new(),
            axes: None,
            edge_order: 1,
            accuracy: 2,
            boundary: Boundary::Numpy,
        }
    }
}

impl GradientOptions {
    /// Unit spacing, all axes, first-order edges (numpy's defaults).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the spacing (numpy's `*varargs`).
    pub fn spacing(mut self, spacing: Vec<Spacing>) -> Self {
        self.spacing = spacing;
        self
    }

    /// Sets the axes (numpy's `axis`).
    pub fn axes(mut self, axes: Vec<isize>) -> Self {
        self.axes = Some(axes);
        self
    }

    /// Sets the edge order (numpy's `edge_order`).
    pub fn edge_order(mut self, edge_order: usize) -> Self {
        self.edge_order = edge_order;
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

    /// Whether these are numpy's stencils (accuracy 2, numpy's boundary).
    fn is_numpy(&self) -> bool {
        self.accuracy == 2 && self.boundary == Boundary::Numpy
    }
}

/// Why [`gradient`] refused its arguments: every case where `np.gradient` raises.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[allow(missing_docs)] // the fields are what the messages name
pub enum GradientError {
    /// The number of spacings is neither 0, 1 (a scalar), nor one per selected axis.
    #[error("invalid number of spacings: got {given}, expected none, one scalar, or one per selected axis ({axes})")]
    SpacingCount { given: usize, axes: usize },
    /// Coordinates whose length differs from their axis.
    #[error("coordinates for axis {axis} have {given} values but the axis has length {expected}: 1-D spacing must match the length of its dimension")]
    CoordinateLength {
        axis: usize,
        given: usize,
        expected: usize,
    },
    /// An axis outside `-ndim..ndim`.
    #[error("axis {axis} is out of bounds for an array of dimension {ndim}")]
    AxisOutOfRange { axis: isize, ndim: usize },
    /// The same axis selected twice.
    #[error("repeated axis {axis} in the axis list")]
    RepeatedAxis { axis: usize },
    /// An edge order other than 1 or 2.
    #[error("edge_order must be 1 or 2, got {0}")]
    EdgeOrder(usize),
    /// An axis with fewer than `edge_order + 1` samples.
    #[error("axis {axis} has {len} elements: too small to calculate a numerical gradient, at least edge_order + 1 = {} elements are required", edge_order + 1)]
    AxisTooShort {
        axis: usize,
        len: usize,
        edge_order: usize,
    },
    /// A scalar spacing of zero with `edge_order` 2: numpy's `-1.5 / dx` raises
    /// `ZeroDivisionError` for a Python float (a zero spacing with `edge_order` 1, or zero
    /// steps between coordinates, give infinities and NaNs as in numpy).
    #[error("spacing along axis {axis} is zero: edge_order 2 divides by the spacing")]
    ZeroSpacing { axis: usize },
    /// An accuracy or border rule beyond numpy's that cannot be applied (see
    /// [`DerivativeError`]).
    #[error(transparent)]
    Stencil(#[from] DerivativeError),
}

/// Element types [`gradient`] accepts, and the floating type it returns for each: floats keep
/// their type; integers become `f64`, as in numpy.
pub trait GradientInput: Clone + Send + Sync + Sized {
    /// The element type of the result.
    type Output: Float;
    /// The array as floats: borrowed when it already is, converted otherwise.
    fn to_float<S: Data<Elem = Self>, D: Dimension>(
        a: &ArrayBase<S, D>,
    ) -> CowArray<'_, Self::Output, D>;
}

macro_rules! float_input {
    ($($t:ty),*) => {$(
        impl GradientInput for $t {
            type Output = $t;
            fn to_float<S: Data<Elem = Self>, D: Dimension>(
                a: &ArrayBase<S, D>,
            ) -> CowArray<'_, $t, D> {
                CowArray::from(a.view())
            }
        }
    )*};
}
float_input!(f32, f64);

macro_rules! integer_input {
    ($($t:ty),*) => {$(
        impl GradientInput for $t {
            type Output = f64;
            fn to_float<S: Data<Elem = Self>, D: Dimension>(
                a: &ArrayBase<S, D>,
            ) -> CowArray<'_, f64, D> {
                CowArray::from(a.mapv(|x| x as f64))
            }
        }
    )*};
}
integer_input!(i8, i16, i32, i64, u8, u16, u32, u64);

/// The selected axes normalised to `0..ndim`, in order (numpy's `normalize_axis_tuple`): all
/// axes when `axes` is `None`.
///
/// ```
/// use edgegrad::numeric::gradient::{selected_axes, GradientError};
/// assert_eq!(selected_axes(3, Some(&[-1, 0])), Ok(vec![2, 0]));
/// assert_eq!(selected_axes(2, None), Ok(vec![0, 1]));
/// assert_eq!(selected_axes(2, Some(&[1, -1])), Err(GradientError::RepeatedAxis { axis: 1 }));
/// ```
pub fn selected_axes(ndim: usize, axes: Option<&[isize]>) -> Result<Vec<usize>, GradientError> {
    axis_plan::normalize_axes(axes, ndim)
}

/// The gradient of `f` along each selected axis, like `np.gradient(f, *spacing, axis=axes,
/// edge_order=edge_order)`: one array per selected axis, in the order selected, each the shape
/// (and memory order) of `f`.
///
/// ```
/// use edgegrad::numeric::gradient::{gradient, GradientOptions, GradientError};
/// use ndarray::array;
///
/// let f = array![1u8, 2, 4, 7, 11];
/// assert_eq!(gradient(&f, &GradientOptions::new())?[0], array![1.0, 1.5, 2.5, 3.5, 4.0]);
/// assert_eq!(
///     gradient(&array![1.0, 2.0], &GradientOptions::new().edge_order(2)),
///     Err(GradientError::AxisTooShort { axis: 0, len: 2, edge_order: 2 })
/// );
/// # Ok::<(), GradientError>(())
/// ```
pub fn gradient<A, S, D>(
    f: &ArrayBase<S, D>,
    options: &GradientOptions,
) -> Result<Vec<Array<A::Output, D>>, GradientError>
where
    A: GradientInput,
    S: Data<Elem = A>,
    D: Dimension,
{
    if !options.is_numpy() {
        let plans = axis_plan::stencil_plans(f.shape(), options)?;
        return Ok(pass::run(A::to_float(f).view(), &plans));
    }
    let plans = axis_plan::plan::<A::Output>(f.shape(), options)?;
    let floats = A::to_float(f);
    Ok(pass::run(floats.view(), &plans))
}
