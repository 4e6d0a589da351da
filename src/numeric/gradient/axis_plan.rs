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

use super::kernel::{self, AxisJob, Slot};
use super::stencil::{self, AxisStencil};
use super::{GradientError, GradientOptions, Spacing};
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

impl<T: Float> AxisPlan<T> {
    /// The same stencil along another axis (for the same memory seen with axes reversed).
    pub fn on_axis(&self, axis: usize) -> Self {
        AxisPlan {
            axis,
            stencil: self.stencil.clone(),
        }
    }

    /// Writes elements `[start, start + out.len())` of the derivative of the C-contiguous `f`
    /// of the given shape, every one of them.
    pub fn apply_range<O: Slot<T>>(&self, f: &[T], out: &mut [O], start: usize, shape: &[usize]) {
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

/// Checks the arguments against an array of `shape` and builds the stencils.
pub(crate) fn plan<T: Float>(
    shape: &[usize],
    options: &GradientOptions,
) -> Result<Vec<AxisPlan<T>>, GradientError> {
    let axes = normalize_axes(options.axes.as_deref(), shape.len())?;
    let given = options.spacing.len();
    let one = Spacing::Scalar(1.0);
    let spacing: Vec<&Spacing> = match &options.spacing[..] {
        [] => vec![&one; axes.len()],
        [s @ Spacing::Scalar(_)] => vec![s; axes.len()],
        all if all.len() == axes.len() => all.iter().collect(),
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
    let edge_order = options.edge_order;
    if !(1..=2).contains(&edge_order) {
        return Err(GradientError::EdgeOrder(edge_order));
    }
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
                Spacing::Scalar(h) if *h == 0.0 && edge_order == 2 => {
                    return Err(GradientError::ZeroSpacing { axis })
                }
                Spacing::Scalar(h) => Stencil::Native(stencil::uniform(*h, edge_order)),
                Spacing::Coordinates(x) => coordinate_stencil::<T, f64>(&x.to_vec(), edge_order),
                Spacing::Coordinates32(x) => coordinate_stencil::<T, f32>(&x.to_vec(), edge_order),
            };
            Ok(AxisPlan { axis, stencil })
        })
        .collect()
}
