//! `gradient` and `diff` on numpy arrays: the library's `np.gradient` and `np.diff`.
//!
//! Arrays are read in place, whatever their strides (the library copies an input only when it is
//! neither C- nor Fortran-contiguous); results are handed to numpy without a copy, in the memory
//! order the library gives them (the input's, for C and Fortran order). The pure-Python layer
//! sends only what the library computes exactly as numpy does: the element types below, native
//! byte order, aligned data, and spacings already sorted into Python floats (a scalar spacing) and
//! 1-D `float64` / `float32` arrays (coordinates).

use edgegrad::numeric::diff::DiffElement;
use edgegrad::numeric::gradient::GradientInput;
use edgegrad::{DiffOptions, GradientOptions, Spacing};
use ndarray::ArrayD;
use numpy::{
    Element, PyArray, PyArray1, PyArrayDyn, PyArrayMethods, PyReadonlyArray, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyFloat;

use crate::errors;
use crate::threads::Runner;

/// Returns `$body` with `$typed` bound to `$array` cast to `PyArrayDyn<T>`, for the first `T` of
/// the list that is its element type; falls through when none is.
macro_rules! by_element_type {
    ($array:expr, |$typed:ident| $body:expr, [$($t:ty),*]) => {
        $(
            if let Ok($typed) = $array.cast::<PyArrayDyn<$t>>() {
                return $body;
            }
        )*
    };
}

/// The `TypeError` for an array the module does not compute on.
fn unsupported(array: &Bound<'_, PyUntypedArray>, what: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "edgegrad's native {what} does not take arrays of dtype {}",
        array.dtype()
    ))
}

/// Reads `array` in place: numpy's data, borrowed for as long as the view lives. An error (not a
/// panic) when Rust code elsewhere is writing to it.
pub(crate) fn read<'py, T: Element, D: ndarray::Dimension>(
    array: &Bound<'py, PyArray<T, D>>,
) -> PyResult<PyReadonlyArray<'py, T, D>> {
    array
        .try_readonly()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot read the array: {e}")))
}

/// Bytes for `count` arrays of `elements` elements of type `T` (`None` on overflow).
fn bytes_of<T>(count: usize, elements: usize) -> Option<usize> {
    count
        .checked_mul(elements)?
        .checked_mul(std::mem::size_of::<T>())
}

/// One spacing: a Python float (a scalar spacing) or a 1-D `float64`/`float32` coordinate array.
fn spacing(item: &Bound<'_, PyAny>) -> PyResult<Spacing> {
    if let Ok(h) = item.cast::<PyFloat>() {
        return Ok(Spacing::Scalar(h.value()));
    }
    if let Ok(x) = item.cast::<PyArray1<f64>>() {
        return Ok(Spacing::Coordinates(read(x)?.as_array().to_owned()));
    }
    if let Ok(x) = item.cast::<PyArray1<f32>>() {
        return Ok(Spacing::Coordinates32(read(x)?.as_array().to_owned()));
    }
    Err(PyTypeError::new_err(format!(
        "a spacing must be a float or a 1-D float64 or float32 array, not {}",
        item.get_type()
    )))
}

/// `np.gradient(f, *spacing, axis=axes, edge_order=edge_order)` as a list of arrays, one per
/// selected axis: `f` is a numpy array of a float or integer type.
#[pyfunction]
#[pyo3(signature = (f, spacing, axes, edge_order))]
pub(crate) fn gradient<'py>(
    f: &Bound<'py, PyUntypedArray>,
    spacing: Vec<Bound<'py, PyAny>>,
    axes: Option<Vec<isize>>,
    edge_order: usize,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let options = GradientOptions {
        spacing: spacing.iter().map(self::spacing).collect::<PyResult<_>>()?,
        axes,
        edge_order,
        ..GradientOptions::default()
    };
    by_element_type!(
        f,
        |typed| gradient_of(typed, &options),
        [f64, f32, i64, i32, i16, i8, u64, u32, u16, u8]
    );
    Err(unsupported(f, "gradient"))
}

/// [`gradient`] for arrays of element type `A`.
fn gradient_of<'py, A>(
    f: &Bound<'py, PyArrayDyn<A>>,
    options: &GradientOptions,
) -> PyResult<Vec<Bound<'py, PyAny>>>
where
    A: GradientInput + Element,
    A::Output: Element,
{
    let py = f.py();
    let input = read(f)?;
    let view = input.as_array();
    // The results, and one float copy of the input when it must be converted or rearranged.
    let outputs = options.axes.as_ref().map_or(view.ndim(), Vec::len);
    errors::ensure_memory(bytes_of::<A::Output>(outputs + 1, view.len()))?;
    let runner = Runner::for_elements(view.len())?;
    let derivatives = py
        .detach(|| runner.run(|| edgegrad::gradient(&view, options)))
        .map_err(|e| errors::gradient(py, e))?;
    Ok(derivatives
        .into_iter()
        .map(|d| PyArray::from_owned_array(py, d).into_any())
        .collect())
}

/// `np.diff(a, n, axis, prepend, append)` for `n >= 1`: `a`, `prepend` and `append` are numpy
/// arrays of one element type (bool, an integer type or a float type); a 0-d `prepend` or
/// `append` stands for its value repeated across the other axes.
#[pyfunction]
#[pyo3(signature = (a, n, axis, prepend=None, append=None))]
pub(crate) fn diff<'py>(
    a: &Bound<'py, PyUntypedArray>,
    n: usize,
    axis: isize,
    prepend: Option<Bound<'py, PyUntypedArray>>,
    append: Option<Bound<'py, PyUntypedArray>>,
) -> PyResult<Bound<'py, PyAny>> {
    let boundaries = (prepend.as_ref(), append.as_ref());
    by_element_type!(
        a,
        |typed| diff_of(typed, n, axis, boundaries),
        [f64, f32, i64, i32, i16, i8, u64, u32, u16, u8, bool]
    );
    Err(unsupported(a, "diff"))
}

/// A `prepend`/`append` array as an owned array of the element type of the array it joins.
fn boundary<A: Element + Clone>(
    b: Option<&Bound<'_, PyUntypedArray>>,
) -> PyResult<Option<ArrayD<A>>> {
    b.map(|b| {
        let typed = b.cast::<PyArrayDyn<A>>().map_err(|_| {
            PyTypeError::new_err(format!(
                "prepend and append must have the array's dtype, not {}",
                b.dtype()
            ))
        })?;
        Ok(read(typed)?.as_array().to_owned())
    })
    .transpose()
}

/// `prepend` and `append`, either of which may be absent.
type Boundaries<'a, 'py> = (
    Option<&'a Bound<'py, PyUntypedArray>>,
    Option<&'a Bound<'py, PyUntypedArray>>,
);

/// [`diff`] for arrays of element type `A`.
fn diff_of<'py, A>(
    a: &Bound<'py, PyArrayDyn<A>>,
    n: usize,
    axis: isize,
    (prepend, append): Boundaries<'_, 'py>,
) -> PyResult<Bound<'py, PyAny>>
where
    A: DiffElement + Element + Clone,
{
    let py = a.py();
    let options = DiffOptions {
        n,
        axis,
        prepend: boundary(prepend)?,
        append: boundary(append)?,
    };
    let input = read(a)?;
    let view = input.as_array();
    // A 0-d boundary is repeated across the other axes: at most the array's size.
    let boundary_len = |b: &Option<ArrayD<A>>| match b {
        Some(b) if b.ndim() == 0 => view.len(),
        Some(b) => b.len(),
        None => 0,
    };
    let joined = view.len() + boundary_len(&options.prepend) + boundary_len(&options.append);
    // The joined array and one difference of it are alive at once.
    errors::ensure_memory(bytes_of::<A>(2, joined))?;
    let runner = Runner::for_elements(joined)?;
    let difference = py
        .detach(|| runner.run(|| edgegrad::diff(&view, &options)))
        .map_err(|e| errors::diff(py, e))?;
    Ok(PyArray::from_owned_array(py, difference).into_any())
}
