//! Checking `np.gradient`'s arguments and turning them into one stencil per selected axis.
//!
//! The checks and their order are numpy's: axes, then the number of spacings and the coordinate
//! lengths, then the edge order, then each axis's length and, for `edge_order` 2, a zero scalar
//! spacing.
//!
//! Which precision a stencil is evaluated in (its working type) follows numpy's type promotion:
//! a scalar spacing is a Python float, which never widens `float32` data; `float64` coordinates
//! (and the `float64` scalar numpy makes of evenly spaced ones) widen `float32` data to `float64`
//! until the result is stored; `float32` coordinates never widen.

use super::kernel::{self, AxisJob};
use super::stencil::{self, AxisStencil};
use super::{GradientError, GradientOptions, Spacing};
use crate::numeric::derivative::{check_spacing, AxisOp, DerivativeError, Plan, ACCURACIES};
use crate::numeric::pass::{OutputPlan, Slot};
use crate::numeric::Float;

/// The stencil of one axis in the precision numpy evaluates it in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stencil<T> {
    /// Evaluated in the input type.
    Native(AxisStencil<T>),
    /// Evaluated in `f64`, rounded to the input type when stored.
    Wide(AxisStencil<f64>),
}

/// One selected axis, normalised, with its stencil.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AxisPlan<T> {
    pub axis: usize,
    pub stencil: Stencil<T>,
}

impl<T: Float> OutputPlan<T> for AxisPlan<T> {
    fn reversed(&self, ndim: usize) -> Self {
        AxisPlan {
            axis: ndim - 1 - self.axis,
            stencil: self.stencil.clone(),
        }
    }

    fn fill<O: Slot<T>>(&self, f: &[T], out: &mut [O], start: usize, shape: &[usize]) {
        let n = shape[self.axis];
        let inner = shape[self.axis + 1..].iter().product();
        match &self.stencil {
            Stencil::Native(stencil) => {
                kernel::apply_range(out, f, start, &AxisJob { n, inner, stencil })
            }
            Stencil::Wide(stencil) => {
                kernel::apply_range(out, f, start, &AxisJob { n, inner, stencil })
            }
        }
    }
}

/// numpy's `normalize_axis_tuple`: every axis in range, none repeated.
pub(crate) fn normalize_axes(
    axes: Option<&[isize]>,
    ndim: usize,
) -> Result<Vec<usize>, GradientError> {
    let Some(axes) = axes else {
        return Ok((0..ndim).collect());
    };
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let n = ndim as isize;
        if a < -n || a >= n {
            return Err(GradientError::AxisOutOfRange { axis: a, ndim });
        }
        let a = if a < 0 { (a + n) as usize } else { a as usize };
        if out.contains(&a) {
            return Err(GradientError::RepeatedAxis { axis: a });
        }
        out.push(a);
    }
    Ok(out)
}

/// Coordinate differences, or the single step when all are equal (numpy's reduction).
enum Steps<C> {
    Uniform(C),
    Varying(Vec<C>),
}

fn steps<C: Float>(x: &[C]) -> Steps<C> {
    let dx: Vec<C> = x.windows(2).map(|w| w[1] - w[0]).collect();
    if dx.iter().all(|&d| d == dx[0]) {
        Steps::Uniform(dx[0])
    } else {
        Steps::Varying(dx)
    }
}

/// The stencil for coordinates of type `C`; `wide` when `C` widens the input type `T`.
fn coordinate_stencil<T: Float, C: Float>(x: &[C], edge_order: usize) -> Stencil<T> {
    let wide = C::SIZE > T::SIZE;
    match (steps(x), wide) {
        (Steps::Uniform(h), false) => Stencil::Native(stencil::uniform(h, edge_order)),
        (Steps::Uniform(h), true) => Stencil::Wide(stencil::uniform(h, edge_order)),
        (Steps::Varying(dx), false) => Stencil::Native(stencil::nonuniform(&dx, edge_order)),
        (Steps::Varying(dx), true) => Stencil::Wide(stencil::nonuniform(&dx, edge_order)),
    }
}

/// numpy's checks of the axes, the spacings and the edge order, in numpy's order: the selected
/// axes and one spacing for each.
fn checked(
    shape: &[usize],
    options: &GradientOptions,
) -> Result<(Vec<usize>, Vec<Spacing>), GradientError> {
    let axes = normalize_axes(options.axes.as_deref(), shape.len())?;
    let given = options.spacing.len();
    let spacing: Vec<Spacing> = match &options.spacing[..] {
        [] => vec![Spacing::Scalar(1.0); axes.len()],
        [s @ Spacing::Scalar(_)] => vec![s.clone(); axes.len()],
        all if all.len() == axes.len() => all.to_vec(),
        _ => {
            return Err(GradientError::SpacingCount {
                given,
                axes: axes.len(),
            })
        }
    };
    for (&axis, s) in axes.iter().zip(&spacing) {
        if let Some(len) = s.coordinate_len() {
            if len != shape[axis] {
                return Err(GradientError::CoordinateLength {
                    axis,
                    given: len,
                    expected: shape[axis],
                });
            }
        }
    }
    if !(1..=2).contains(&options.edge_order) {
        return Err(GradientError::EdgeOrder(options.edge_order));
    }
    Ok((axes, spacing))
}

/// Checks the arguments against an array of `shape` and builds numpy's stencils (accuracy 2,
/// numpy's boundary).
pub(crate) fn plan<T: Float>(
    shape: &[usize],
    options: &GradientOptions,
) -> Result<Vec<AxisPlan<T>>, GradientError> {
    let (axes, spacing) = checked(shape, options)?;
    let edge_order = options.edge_order;
    axes.iter()
        .zip(spacing)
        .map(|(&axis, s)| {
            let len = shape[axis];
            if len < edge_order + 1 {
                return Err(GradientError::AxisTooShort {
                    axis,
                    len,
                    edge_order,
                });
            }
            let stencil = match s {
                // Python's float division raises where numpy's array division gives inf.
                Spacing::Scalar(h) if h == 0.0 && edge_order == 2 => {
                    return Err(GradientError::ZeroSpacing { axis })
                }
                Spacing::Scalar(h) => Stencil::Native(stencil::uniform(h, edge_order)),
                Spacing::Coordinates(x) => coordinate_stencil::<T, f64>(&x.to_vec(), edge_order),
                Spacing::Coordinates32(x) => coordinate_stencil::<T, f32>(&x.to_vec(), edge_order),
            };
            Ok(AxisPlan { axis, stencil })
        })
        .collect()
}

/// Checks the arguments against an array of `shape` and builds the first-derivative operators
/// of another accuracy or border rule (uniform spacing only: evenly spaced coordinates give
/// their step).
pub(crate) fn stencil_plans(
    shape: &[usize],
    options: &GradientOptions,
) -> Result<Vec<Plan>, GradientError> {
    let (axes, spacing) = checked(shape, options)?;
    if !ACCURACIES.contains(&options.accuracy) {
        return Err(DerivativeError::Accuracy(options.accuracy).into());
    }
    if options.edge_order != 1 {
        return Err(DerivativeError::EdgeOrder(options.edge_order).into());
    }
    axes.iter()
        .zip(spacing)
        .map(|(&axis, s)| {
            let h = match s {
                Spacing::Scalar(h) => h,
                Spacing::Coordinates(x) => uniform_step(axis, &x.to_vec())?,
                Spacing::Coordinates32(x) => uniform_step(axis, &x.to_vec())?,
            };
            let h = check_spacing(axis, h)?;
            let op = AxisOp::new(axis, shape[axis], 1, options.accuracy, options.boundary, h)?;
            Ok(Plan::One(op))
        })
        .collect()
}

/// The step of evenly spaced coordinates (in their own precision, as numpy reduces them).
fn uniform_step<C: Float>(axis: usize, x: &[C]) -> Result<f64, DerivativeError> {
    if x.len() < 2 {
        return Err(DerivativeError::SingleCoordinate { axis });
    }
    match steps(x) {
        Steps::Uniform(h) => Ok(h.to_f64()),
        Steps::Varying(_) => Err(DerivativeError::UnevenCoordinates { axis }),
    }
}
