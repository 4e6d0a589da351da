//! `edgegrad derivative`, `edgegrad laplacian` and `edgegrad hessian`: the derivatives beyond
//! np.gradient on `.npy` files (`edgegrad::numeric::derivative`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use edgegrad::numeric::derivative::{
    derivative as derivative_of, hessian as hessian_of, laplacian as laplacian_of, Boundary,
    DerivativeOptions, StencilOptions,
};
use edgegrad::timings::Timings;

use super::numeric::{derivatives_of, load, refuse_overwriting_input, save, Derivatives};

/// The options every derivative command shares.
#[derive(Debug, Args)]
struct Stencils {
    /// The order of accuracy of the stencils: 2, 4, 6 or 8.
    #[arg(long, value_name = "2|4|6|8", default_value_t = 2)]
    accuracy: usize,

    /// The rule at the borders: numpy (central stencils where they fit, one-sided stencils of
    /// the same accuracy at the borders), or a padding mode of scipy.ndimage with the central
    /// stencil everywhere: wrap (periodic), reflect (d c b a | a b c d | d c b a), mirror
    /// (d c b | a b c d | c b a), nearest (a a | a b c d | d d), constant[:VALUE] (VALUE
    /// outside, default 0).
    #[arg(long, value_name = "MODE", default_value = "numpy")]
    boundary: Boundary,

    /// Print the time of each stage as one JSON object, the last line on stderr.
    #[arg(long)]
    timings: bool,
}

/// The derivative of a given order along one axis of a .npy array, with a proper stencil of
/// that order (not chained first differences).
///
/// float32 input gives float32 results, float64 and integer input float64; values are combined
/// in float64 and rounded once. The first derivative at --accuracy 2 with --boundary numpy is
/// np.gradient(f, V, axis=A, edge_order=2), bit for bit.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct DerivativeArgs {
    /// The input array: a .npy file of float32, float64 or any integer type, C or Fortran order.
    input: PathBuf,

    /// The axis to differentiate along; negative counts from the end.
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    axis: isize,

    /// The derivative order: 1, 2, 3 or 4.
    #[arg(long, value_name = "1|2|3|4", default_value_t = 1)]
    order: usize,

    /// The distance between samples along the axis: a finite, non-zero number.
    #[arg(long, value_name = "V", default_value_t = 1.0)]
    spacing: f64,

    #[command(flatten)]
    stencils: Stencils,

    /// The output .npy file.
    #[arg(short, long, value_name = "OUT.npy")]
    output: PathBuf,
}

/// The laplacian of a .npy array: the sum of the second derivatives along every axis.
///
/// Types as `derivative`; at --accuracy 2 with a padding --boundary it is
/// scipy.ndimage.laplace's stencil.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct LaplacianArgs {
    /// The input array: a .npy file of float32, float64 or any integer type, C or Fortran order.
    input: PathBuf,

    /// The distance between samples: once for every axis, or once per axis in axis order.
    /// [default: 1 along every axis]
    #[arg(long, value_name = "V")]
    spacing: Vec<f64>,

    #[command(flatten)]
    stencils: Stencils,

    /// The output .npy file.
    #[arg(short, long, value_name = "OUT.npy")]
    output: PathBuf,
}

/// The hessian of a .npy array: writes DIR/d{i}{j}.npy, the second derivative along axes i
/// and j, for every i <= j.
///
/// The diagonal uses the second-derivative stencil, the mixed derivatives the first-derivative
/// stencil along j and then along i. Types as `derivative`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct HessianArgs {
    /// The input array: a .npy file of float32, float64 or any integer type, C or Fortran order.
    input: PathBuf,

    /// The distance between samples: once for every axis, or once per axis in axis order.
    /// [default: 1 along every axis]
    #[arg(long, value_name = "V")]
    spacing: Vec<f64>,

    #[command(flatten)]
    stencils: Stencils,

    /// The folder for the results (created if needed): one d{i}{j}.npy for every i <= j.
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
}

impl Stencils {
    fn options(&self, spacing: &[f64]) -> StencilOptions {
        StencilOptions::new()
            .spacing(spacing.to_vec())
            .accuracy(self.accuracy)
            .boundary(self.boundary)
    }
}

/// Loads `input`, computes, and saves the results to `outputs` (named once the input's number
/// of axes is known), timing each stage.
fn run(
    input: &Path,
    stencils: &Stencils,
    outputs: impl FnOnce(usize) -> Vec<PathBuf>,
    compute: impl FnOnce(&edgegrad::io::npy::AnyArray) -> Result<Derivatives>,
) -> Result<ExitCode> {
    let mut timings = Timings::new();
    let array = timings.time("load_ms", || load(input))?;
    let outputs = outputs(array.shape().len());
    refuse_overwriting_input(&outputs, input)?;
    let derivatives = timings
        .time("derivative_ms", || compute(&array))
        .with_context(|| input.display().to_string())?;
    drop(array);
    timings.time("save_ms", || save(&outputs, &derivatives))?;
    if stencils.timings {
        eprintln!("{}", super::timings_json(&timings));
    }
    Ok(ExitCode::SUCCESS)
}

/// One result as the list of results [`run`] saves.
fn alone<D, E>(result: std::result::Result<D, E>) -> std::result::Result<Vec<D>, E> {
    result.map(|d| vec![d])
}

pub fn derivative(args: DerivativeArgs) -> Result<ExitCode> {
    let options = DerivativeOptions::new(args.axis)
        .order(args.order)
        .accuracy(args.stencils.accuracy)
        .spacing(args.spacing)
        .boundary(args.stencils.boundary);
    run(
        &args.input,
        &args.stencils,
        |_| vec![args.output.clone()],
        |array| {
            Ok(derivatives_of!(array, |a| alone(derivative_of(
                a, &options
            ))))
        },
    )
}

pub fn laplacian(args: LaplacianArgs) -> Result<ExitCode> {
    let options = args.stencils.options(&args.spacing);
    run(
        &args.input,
        &args.stencils,
        |_| vec![args.output.clone()],
        |array| Ok(derivatives_of!(array, |a| alone(laplacian_of(a, &options)))),
    )
}

pub fn hessian(args: HessianArgs) -> Result<ExitCode> {
    let options = args.stencils.options(&args.spacing);
    let names = |ndim: usize| {
        (0..ndim)
            .flat_map(|i| (i..ndim).map(move |j| (i, j)))
            .map(|(i, j)| args.out_dir.join(format!("d{i}{j}.npy")))
            .collect()
    };
    run(&args.input, &args.stencils, names, |array| {
        Ok(derivatives_of!(array, |a| hessian_of(a, &options).map(
            |h| h.into_iter().map(|(_, d)| d).collect::<Vec<_>>()
        )))
    })
}
