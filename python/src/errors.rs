//! The library's errors as the exceptions numpy raises for the same arguments.
//!
//! numpy raises `numpy.exceptions.AxisError` (a `ValueError` and an `IndexError`) for an axis out
//! of range, `TypeError` for a wrong number of spacings, `ZeroDivisionError` where Python's float
//! division by a zero spacing does, and `ValueError` for everything else. The messages are the
//! library's, which say the same as numpy's and name the values.

use edgegrad::numeric::derivative::DerivativeError;
use edgegrad::{DiffError, GradientError};
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError, PyZeroDivisionError};
use pyo3::prelude::*;

/// numpy's `AxisError(axis, ndim)`, whose message is numpy's own; a `ValueError` if numpy
/// cannot be imported.
fn axis_error(py: Python<'_>, axis: isize, ndim: usize) -> PyErr {
    py.import("numpy.exceptions")
        .and_then(|m| m.getattr("AxisError"))
        .and_then(|cls| cls.call1((axis, ndim)))
        .map(PyErr::from_value)
        .unwrap_or_else(|_| {
            PyValueError::new_err(format!(
                "axis {axis} is out of bounds for array of dimension {ndim}"
            ))
        })
}

/// The exception `np.gradient` raises for the same arguments.
pub(crate) fn gradient(py: Python<'_>, e: GradientError) -> PyErr {
    let message = e.to_string();
    match e {
        GradientError::AxisOutOfRange { axis, ndim } => axis_error(py, axis, ndim),
        GradientError::SpacingCount { .. } => PyTypeError::new_err(message),
        GradientError::ZeroSpacing { .. } => PyZeroDivisionError::new_err(message),
        GradientError::Stencil(e) => derivative(py, e),
        GradientError::CoordinateLength { .. }
        | GradientError::RepeatedAxis { .. }
        | GradientError::EdgeOrder(_)
        | GradientError::AxisTooShort { .. } => PyValueError::new_err(message),
    }
}

/// The derivatives beyond numpy's: numpy's `AxisError` for an axis out of range, `ValueError`
/// for everything else.
pub(crate) fn derivative(py: Python<'_>, e: DerivativeError) -> PyErr {
    match e {
        DerivativeError::AxisOutOfRange { axis, ndim } => axis_error(py, axis, ndim),
        e => PyValueError::new_err(e.to_string()),
    }
}

/// The exception `np.diff` raises for the same arguments.
pub(crate) fn diff(py: Python<'_>, e: DiffError) -> PyErr {
    match e {
        DiffError::AxisOutOfRange { axis, ndim } => axis_error(py, axis, ndim),
        DiffError::ZeroDimensional | DiffError::BoundaryShape { .. } => {
            PyValueError::new_err(e.to_string())
        }
    }
}

/// `MemoryError` unless `bytes` can be allocated now: the library's allocations cannot fail
/// softly (a failed one aborts the process), so a call whose results cannot fit is refused
/// before it starts, as numpy refuses it with the same exception.
pub(crate) fn ensure_memory(bytes: Option<usize>) -> PyResult<()> {
    let fits = bytes.is_some_and(|b| Vec::<u8>::new().try_reserve_exact(b).is_ok());
    if fits {
        Ok(())
    } else {
        Err(PyMemoryError::new_err(match bytes {
            Some(b) => format!("unable to allocate {b} bytes for the results"),
            None => "the results would not fit in memory".to_string(),
        }))
    }
}
