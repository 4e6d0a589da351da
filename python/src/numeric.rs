//! `gradient` and `diff` on numpy arrays: the library's `np.gradient` and `np.diff`, and the
//! derivatives beyond them (`derivative`, `laplacian`, `hessian`, and `gradient`'s accuracy and
//! boundary).
//!
//! Arrays are read in place, whatever their strides (the library copies an input only when it is
//! neither C- nor Fortran-contiguous); results are handed to numpy without a copy, in the memory
//! order the library gives them (the input's, for C and Fortran order). The pure-Python layer
//! sends only what the library computes exactly as numpy does: the element types below, native
//! byte order, aligned data, and spacings already sorted into Python floats (a scalar spacing) and
//! 1-D `float64` / `float32` arrays (coordinates).

use edgegrad::numeric::derivative::{Boundary, DerivativeOptions, StencilOptions};
use edgegrad::numeric::diff::DiffElement;
use edgegrad::numeric::gradient::GradientInput;
use edgegrad::{DiffOptions, GradientOptions, Spacing};
use ndarray::ArrayD;
use numpy::{
    Element, PyArray, PyArray1, PyArrayDyn, PyArrayMethods, PyReadonlyArray, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
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

/// A boundary name as the command line spells it (`ValueError` for an unknown one).
fn boundary_named(name: &str) -> PyResult<Boundary> {
    name.parse()
        .map_err(|e: edgegrad::numeric::derivative::UnknownBoundary| {
            PyValueError::new_err(e.to_string())
        })
}

/// `np.gradient(f, *spacing, axis=axes, edge_order=edge_order)` as a list of arrays, one per
/// selected axis: `f` is a numpy array of a float or integer type. `accuracy` and `boundary`
/// beyond numpy's (2 and "numpy") switch to the library's wider stencils and padding modes.
#[pyfunction]
#[pyo3(signature = (f, spacing, axes, edge_order, accuracy=2, boundary="numpy"))]
pub(crate) fn gradient<'py>(
    f: &Bound<'py, PyUntypedArray>,
    spacing: Vec<Bound<'py, PyAny>>,
    axes: Option<Vec<isize>>,
    edge_order: usize,
    accuracy: usize,
    boundary: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let options = GradientOptions {
        spacing: spacing.iter().map(self::spacing).collect::<PyResult<_>>()?,
        axes,
        edge_order,
        accuracy,
        boundary: boundary_named(boundary)?,
    };
    let outputs = options.axes.as_ref().map_or(f.ndim(), Vec::len);
    by_element_type!(
        f,
        |typed| compute(
            typed,
            outputs,
            |a| edgegrad::gradient(a, &options),
            errors::gradient
        ),
        [f64, f32, i64, i32, i16, i8, u64, u32, u16, u8]
    );
    Err(unsupported(f, "gradient"))
}

/// The `order`-th derivative of `f` along `axis` (see `edgegrad::numeric::derivative`).
#[pyfunction]
#[pyo3(signature = (f, axis, order, accuracy, spacing, boundary))]
pub(crate) fn derivative<'py>(
    f: &Bound<'py, PyUntypedArray>,
    axis: isize,
    order: usize,
    accuracy: usize,
    spacing: f64,
    boundary: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let options = DerivativeOptions::new(axis)
        .order(order)
        .accuracy(accuracy)
        .spacing(spacing)
        .boundary(boundary_named(boundary)?);
    by_element_type!(
        f,
        |typed| first(compute(
            typed,
            1,
            |a| edgegrad::numeric::derivative::derivative(a, &options).map(|d| vec![d]),
            errors::derivative
        )),
        [f64, f32, i64, i32, i16, i8, u64, u32, u16, u8]
    );
    Err(unsupported(f, "derivative"))
}

/// The laplacian of `f`: spacings none, one, or one per axis.
#[pyfunction]
#[pyo3(signature = (f, spacing, accuracy, boundary))]
pub(crate) fn laplacian<'py>(
    f: &Bound<'py, PyUntypedArray>,
    spacing: Vec<f64>,
    accuracy: usize,
    boundary: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let options = stencil_options(spacing, accuracy, boundary)?;
    by_element_type!(
        f,
        |typed| first(compute(
            typed,
            1,
            |a| edgegrad::numeric::derivative::laplacian(a, &options).map(|d| vec![d]),
            errors::derivative
        )),
        [f64, f32, i64, i32, i16, i8, u64, u32, u16, u8]
    );
    Err(unsupported(f, "laplacian"))
}

/// The hessian of `f`: `d2f/dxi dxj` for `i <= j`, in that order.
#[pyfunction]
#[pyo3(signature = (f, spacing, accuracy, boundary))]
pub(crate) fn hessian<'py>(
    f: &Bound<'py, PyUntypedArray>,
    spacing: Vec<f64>,
    accuracy: usize,
    boundary: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let options = stencil_options(spacing, accuracy, boundary)?;
    let ndim = f.ndim();
    by_element_type!(
        f,
        |typed| compute(
            typed,
            ndim * (ndim + 1) / 2,
            |a| edgegrad::numeric::derivative::hessian(a, &options)
                .map(|h| h.into_iter().map(|(_, d)| d).collect()),
            errors::derivative
        ),
        [f64, f32, i64, i32, i16, i8, u64, u32, u16, u8]
    );
    Err(unsupported(f, "hessian"))
}

fn stencil_options(spacing: Vec<f64>, accuracy: usize, boundary: &str) -> PyResult<StencilOptions> {
    Ok(StencilOptions::new()
        .spacing(spacing)
        .accuracy(accuracy)
        .boundary(boundary_named(boundary)?))
}

/// The only array of a one-array result.
fn first(arrays: PyResult<Vec<Bound<'_, PyAny>>>) -> PyResult<Bound<'_, PyAny>> {
    arrays?
        .pop()
        .ok_or_else(|| PyRuntimeError::new_err("the library returned no array"))
}

/// Runs `call` on `f`'s data (read in place) without the GIL, on edgegrad's pool, after
/// checking that `outputs` result arrays (and one float copy of the input) fit in memory; its
/// error becomes the exception `error` makes of it.
fn compute<'py, A, E: Send>(
    f: &Bound<'py, PyArrayDyn<A>>,
    outputs: usize,
    call: impl FnOnce(&ndarray::ArrayViewD<'_, A>) -> Result<Vec<ArrayD<A::Output>>, E> + Send,
    error: impl FnOnce(Python<'py>, E) -> PyErr,
) -> PyResult<Vec<Bound<'py, PyAny>>>
where
    A: GradientInput + Element,
    A::Output: Element,
{
    let py = f.py();
    let input = read(f)?;
    let view = input.as_array();
    errors::ensure_memory(bytes_of::<A::Output>(outputs + 1, view.len()))?;
    let runner = Runner::for_elements(view.len())?;
    let results = py
        .detach(|| runner.run(|| call(&view)))
        .map_err(|e| error(py, e))?;
    Ok(results
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
