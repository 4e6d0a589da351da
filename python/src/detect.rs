//! `detect` and `read_image`: the library's pipeline on numpy arrays, and its image decoding.
//!
//! The options arrive as the pure-Python layer received them; each is turned into the library's
//! type by the library's own constructors and parsers (the ones the command line uses), so a
//! value means what it means to `edgegrad detect`, and an invalid one is the library's error as a
//! `ValueError`. The image is read in place; the results are handed to numpy without a copy.

use std::path::PathBuf;

use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::rule::checked;
use edgegrad::image::arrays::ImageArray;
use edgegrad::{
    load, DecodeLimits, DetectConfig, Detection, EdgeRule, LoadError, LoadOptions, Luma, Pipeline,
    Timings, Wanted,
};
use ndarray::ArrayViewD;
use numpy::{Element, PyArray, PyArrayDyn, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{
    PyFileNotFoundError, PyIsADirectoryError, PyMemoryError, PyOSError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::errors;
use crate::numeric::read;
use crate::threads::Runner;

/// A `ValueError` with the library error's message.
fn invalid(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The threshold: a number (the level) or text the command line takes (`auto`, `otsu`, `5%`,
/// `0.1`).
fn threshold(value: &Bound<'_, PyAny>) -> PyResult<Threshold> {
    if let Ok(text) = value.cast::<PyString>() {
        return text.to_cow()?.parse().map_err(invalid);
    }
    match value.extract::<f64>() {
        Ok(level) => checked(Threshold::Value(level as f32)).map_err(invalid),
        Err(_) => Err(PyTypeError::new_err(format!(
            "threshold must be a number or a string like 'auto', 'otsu' or '5%', not {}",
            value.get_type()
        ))),
    }
}

/// The validated pipeline of the options.
#[allow(clippy::too_many_arguments)]
fn pipeline(
    operator: &str,
    sigma: Option<f32>,
    threshold: Threshold,
    hysteresis: Option<(f32, f32)>,
    thin: bool,
    canny: bool,
    edge_order: usize,
) -> PyResult<Pipeline> {
    let hysteresis = hysteresis
        .map(|(low, high)| edgegrad::detect::HysteresisLevels::new(low, high))
        .transpose()
        .map_err(invalid)?;
    let config = DetectConfig {
        operator: operator.parse::<Operator>().map_err(invalid)?,
        edge_order: edge_order.try_into().map_err(invalid)?,
        sigma,
        rule: EdgeRule::from_options(threshold, hysteresis, canny).map_err(invalid)?,
        thin,
    };
    config.build().map_err(invalid)
}

/// `detect(image, ...)`: the outputs named in `outputs` (a dict of arrays), the threshold used
/// and the hysteresis levels used. `image` is a 2-D or 3-D numpy array of `uint8`, `uint16`,
/// `float32` or `float64`.
#[pyfunction]
#[pyo3(signature = (image, operator, sigma, threshold, hysteresis, thin, canny, edge_order, outputs))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn detect<'py>(
    image: &Bound<'py, PyUntypedArray>,
    operator: &str,
    sigma: Option<f32>,
    threshold: &Bound<'py, PyAny>,
    hysteresis: Option<(f32, f32)>,
    thin: bool,
    canny: bool,
    edge_order: usize,
    outputs: Vec<String>,
) -> PyResult<Results<'py>> {
    let pipeline = pipeline(
        operator,
        sigma,
        self::threshold(threshold)?,
        hysteresis,
        thin,
        canny,
        edge_order,
    )?;
    let wanted = Wanted::from_names(&outputs).map_err(invalid)?;
    let job = Job { pipeline, wanted };
    if let Ok(a) = image.cast::<PyArrayDyn<u8>>() {
        return job.run(a, |v| ImageArray::U8(v));
    }
    if let Ok(a) = image.cast::<PyArrayDyn<u16>>() {
        return job.run(a, |v| ImageArray::U16(v));
    }
    if let Ok(a) = image.cast::<PyArrayDyn<f32>>() {
        return job.run(a, |v| ImageArray::F32(v));
    }
    if let Ok(a) = image.cast::<PyArrayDyn<f64>>() {
        return job.run(a, |v| ImageArray::F64(v));
    }
    Err(PyTypeError::new_err(format!(
        "detect takes images of dtype uint8, uint16, float32 or float64, not {}",
        image.dtype()
    )))
}

/// What `detect` returns to the Python layer: the arrays by name, the threshold used and the
/// hysteresis levels used.
type Results<'py> = (Bound<'py, PyDict>, f32, Option<(f32, f32)>);

/// A checked pipeline and what it is to compute.
struct Job {
    pipeline: Pipeline,
    wanted: Wanted,
}

impl Job {
    /// Runs the pipeline on `image`, whose samples `wrap` tells the library the kind of.
    fn run<'py, T: Element + Sync>(
        &self,
        image: &Bound<'py, PyArrayDyn<T>>,
        wrap: fn(ArrayViewD<'_, T>) -> ImageArray<'_>,
    ) -> PyResult<Results<'py>> {
        let py = image.py();
        let input = read(image)?;
        let view = input.as_array();
        let pixels = view.shape().iter().take(2).product::<usize>();
        // The maps wanted (f32), the edge map, and one f32 grid of luma or smoothing.
        let maps = [
            self.wanted.magnitude,
            self.wanted.direction,
            self.wanted.dx,
            self.wanted.dy,
        ]
        .into_iter()
        .filter(|&w| w)
        .count();
        errors::ensure_memory(pixels.checked_mul(4 * maps + 5))?;
        let runner = Runner::for_elements(pixels)?;
        let detection = py.detach(|| {
            runner.run(|| {
                let luma = wrap(view).luma()?;
                let mut timings = Timings::new();
                Ok::<_, edgegrad::image::arrays::ImageArrayError>(self.pipeline.run(
                    luma.view(),
                    &self.wanted,
                    &mut timings,
                ))
            })
        });
        let detection = detection.map_err(invalid)?;
        results(py, detection)
    }
}

/// The results as numpy arrays, by name.
fn results(py: Python<'_>, d: Detection) -> PyResult<Results<'_>> {
    let arrays = PyDict::new(py);
    if let Some(edges) = d.edges {
        arrays.set_item("edges", PyArray::from_owned_array(py, edges))?;
    }
    for (name, map) in [
        ("magnitude", d.magnitude),
        ("direction", d.direction),
        ("dx", d.dx),
        ("dy", d.dy),
    ] {
        if let Some(map) = map {
            arrays.set_item(name, PyArray::from_owned_array(py, map))?;
        }
    }
    Ok((arrays, d.threshold, d.hysteresis))
}

/// `read_image(path, keep_orientation, max_pixels)`: the image file's luma as `edgegrad detect`
/// reads it: a 2-D `uint8` (8-bit gray), `uint16` (16-bit gray) or `float32` array (colour as
/// Rec. 601 luma, float images).
#[pyfunction]
#[pyo3(signature = (path, keep_orientation, max_pixels))]
pub(crate) fn read_image(
    py: Python<'_>,
    path: PathBuf,
    keep_orientation: bool,
    max_pixels: u64,
) -> PyResult<Bound<'_, PyAny>> {
    let options = LoadOptions {
        limits: DecodeLimits { max_pixels },
        keep_orientation,
        photo: false,
    };
    let loaded = py
        .detach(|| load(&path, &options))
        .map_err(|e| load_error(&path, e))?;
    Ok(match loaded.luma {
        Luma::U8(a) => PyArray::from_owned_array(py, a).into_any(),
        Luma::U16(a) => PyArray::from_owned_array(py, a).into_any(),
        Luma::F32(a) => PyArray::from_owned_array(py, a).into_any(),
    })
}

/// The exception Python's own file functions raise for the same cause, naming the file.
fn load_error(path: &std::path::Path, e: LoadError) -> PyErr {
    let message = format!("{}: {e}", path.display());
    match e {
        LoadError::NotFound => PyFileNotFoundError::new_err(message),
        LoadError::Directory => PyIsADirectoryError::new_err(message),
        LoadError::Io(_) => PyOSError::new_err(message),
        LoadError::OutOfMemory { .. } => PyMemoryError::new_err(message),
        _ => PyValueError::new_err(message),
    }
}
