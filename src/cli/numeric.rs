//! `edgegrad gradient` and `edgegrad diff`: numpy's functions on `.npy` files, and what the
//! derivative commands share with them (loading, the float results of any input dtype, saving).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use edgegrad::io::npy::{read_npy, AnyArray, DType};
use edgegrad::numeric::derivative::Boundary;
use edgegrad::numeric::diff::{diff as np_diff, promote, DiffOptions};
use edgegrad::numeric::gradient::{
    gradient as np_gradient, selected_axes, GradientOptions, Spacing,
};
use edgegrad::timings::Timings;
use ndarray::ArrayD;
use rayon::prelude::*;

use super::UsageError;

/// np.gradient of a .npy array: writes DIR/axis{A}.npy for each selected axis A.
///
/// Central differences in the interior, one-sided differences at the edges, bit for bit as
/// numpy computes them. float32 input gives float32 results; float64 and integer input give
/// float64.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct GradientArgs {
    /// The input array: a .npy file of float32, float64 or any integer type, C or Fortran order.
    input: PathBuf,

    /// The sample spacing: a number, or a .npy file of 1-D coordinates (any numeric dtype).
    /// Give it once for every axis, or once per selected axis in the order of --axis.
    /// [default: 1 along every axis]
    #[arg(long, value_name = "V")]
    spacing: Vec<String>,

    /// The axes to differentiate along, comma-separated; negative counts from the end.
    /// [default: all axes]
    #[arg(
        long,
        value_name = "A[,B...]",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    axis: Option<Vec<isize>>,

    /// The accuracy order of numpy's one-sided differences at the edges: 1 or 2, with
    /// --accuracy 2 and --boundary numpy only. [default: 1]
    #[arg(long, value_name = "1|2")]
    edge_order: Option<usize>,

    /// The order of accuracy of the stencils: 2 (numpy's central differences), 4, 6 or 8
    /// (wider central stencils; at --boundary numpy one-sided stencils of the same order at the
    /// borders). Above 2, coordinates must be evenly spaced.
    #[arg(long, value_name = "2|4|6|8", default_value_t = 2)]
    accuracy: usize,

    /// The rule at the borders: numpy (one-sided differences, numpy's rule), or a padding mode
    /// of scipy.ndimage with the central stencil everywhere: wrap (periodic), reflect
    /// (d c b a | a b c d | d c b a), mirror (d c b | a b c d | c b a), nearest
    /// (a a | a b c d | d d), constant[:VALUE] (VALUE outside, default 0).
    #[arg(long, value_name = "MODE", default_value = "numpy")]
    boundary: Boundary,

    /// The folder for the results (created if needed): one axis{A}.npy per selected axis.
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,

    /// Print the time of each stage as one JSON object, the last line on stderr.
    #[arg(long)]
    timings: bool,
}

/// np.diff of a .npy array: the n-th discrete difference along an axis.
///
/// Integers wrap around as numpy's do; the result's dtype is numpy's, including the promotion
/// of --prepend/--append values with the array's dtype.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct DiffArgs {
    /// The input array: a .npy file of bool, any integer type, float32 or float64.
    input: PathBuf,

    /// How many times to take the difference.
    #[arg(long, value_name = "N", default_value_t = 1)]
    n: i64,

    /// The axis to take the difference along; negative counts from the end.
    #[arg(long, value_name = "A", default_value_t = -1)]
    axis: isize,

    /// Values to put before the array along the axis: a number (repeated across the other
    /// axes) or a .npy file. An integer is numpy's int64, a decimal its float64.
    #[arg(long, value_name = "V")]
    prepend: Option<String>,

    /// Values to put after the array along the axis, like --prepend.
    #[arg(long, value_name = "V")]
    append: Option<String>,

    /// The output .npy file.
    #[arg(short, long, value_name = "OUT.npy")]
    output: PathBuf,

    /// Print the time of each stage as one JSON object, the last line on stderr.
    #[arg(long)]
    timings: bool,
}

pub(super) fn load(path: &Path) -> Result<AnyArray> {
    read_npy(path).with_context(|| path.display().to_string())
}

/// A `--spacing` value: a number, or the path of a 1-D coordinate array.
fn parse_spacing(value: &str) -> Result<Spacing> {
    if let Ok(h) = value.parse::<f64>() {
        return Ok(Spacing::Scalar(h));
    }
    let path = Path::new(value);
    if !path.exists() {
        return Err(UsageError(format!(
            "--spacing {value}: neither a number nor an existing .npy file"
        ))
        .into());
    }
    let coords = load(path)?;
    if coords.shape().len() != 1 {
        return Err(UsageError(format!(
            "--spacing {value}: coordinates must be 1-D, this array has shape {:?}",
            coords.shape()
        ))
        .into());
    }
    Ok(match coords {
        AnyArray::F32(x) => Spacing::Coordinates32(x.into_dimensionality().expect("checked 1-D")),
        AnyArray::Bool(_) => {
            return Err(UsageError(format!(
                "--spacing {value}: boolean coordinates are not numbers"
            ))
            .into())
        }
        other => match other.to_dtype(DType::F64) {
            AnyArray::F64(x) => Spacing::Coordinates(x.into_dimensionality().expect("checked 1-D")),
            _ => unreachable!("to_dtype(F64) gives F64"),
        },
    })
}

/// Derivatives of an array, in their element type: float32 for float32 input, float64 for
/// everything else.
pub(super) enum Derivatives {
    F32(Vec<ArrayD<f32>>),
    F64(Vec<ArrayD<f64>>),
}

/// `Derivatives` from `$call`, a library call generic in the input array `$a` that returns a
/// `Result` of a `Vec` of arrays; a boolean input is refused (numpy cannot subtract booleans).
macro_rules! derivatives_of {
    ($input:expr, |$a:ident| $call:expr) => {{
        use super::numeric::Derivatives;
        use edgegrad::io::npy::AnyArray;
        match $input {
            AnyArray::F32($a) => Derivatives::F32($call?),
            AnyArray::F64($a) => Derivatives::F64($call?),
            AnyArray::I8($a) => Derivatives::F64($call?),
            AnyArray::I16($a) => Derivatives::F64($call?),
            AnyArray::I32($a) => Derivatives::F64($call?),
            AnyArray::I64($a) => Derivatives::F64($call?),
            AnyArray::U8($a) => Derivatives::F64($call?),
            AnyArray::U16($a) => Derivatives::F64($call?),
            AnyArray::U32($a) => Derivatives::F64($call?),
            AnyArray::U64($a) => Derivatives::F64($call?),
            AnyArray::Bool(_) => anyhow::bail!(
                "derivatives are not defined for boolean arrays (numpy cannot subtract booleans)"
            ),
        }
    }};
}
pub(super) use derivatives_of;

/// Refuses outputs that would replace the input file.
pub(super) fn refuse_overwriting_input(outputs: &[PathBuf], input: &Path) -> Result<()> {
    match outputs
        .iter()
        .find(|o| edgegrad::io::atomic::same_file(o, input))
    {
        Some(clash) => Err(UsageError(format!(
            "{}: refusing to overwrite the input file",
            clash.display()
        ))
        .into()),
        None => Ok(()),
    }
}

/// Writes `derivatives[k]` to `outputs[k]`, creating their folder if needed, in parallel.
pub(super) fn save(outputs: &[PathBuf], derivatives: &Derivatives) -> Result<()> {
    for dir in outputs.iter().filter_map(|o| o.parent()) {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
        }
    }
    let save = |(path, result): (&PathBuf, Result<(), edgegrad::io::npy::NpyError>)| {
        result.with_context(|| path.display().to_string())
    };
    match derivatives {
        Derivatives::F32(d) => outputs
            .par_iter()
            .zip(d)
            .map(|(p, a)| save((p, edgegrad::io::npy::write_npy(p, a))))
            .collect(),
        Derivatives::F64(d) => outputs
            .par_iter()
            .zip(d)
            .map(|(p, a)| save((p, edgegrad::io::npy::write_npy(p, a))))
            .collect(),
    }
}

pub fn gradient(args: GradientArgs) -> Result<ExitCode> {
    let mut timings = Timings::new();
    let spacing = args
        .spacing
        .iter()
        .map(|v| parse_spacing(v))
        .collect::<Result<Vec<_>>>()?;
    if let Some(order) = args.edge_order {
        if args.accuracy != 2 || args.boundary != Boundary::Numpy {
            return Err(UsageError(format!(
                "--edge-order {order} is numpy's border rule, with --accuracy 2 and --boundary numpy only: --accuracy {} --boundary {} sets the borders itself",
                args.accuracy, args.boundary
            ))
            .into());
        }
    }
    let input = timings.time("load_ms", || load(&args.input))?;
    let options = GradientOptions {
        spacing,
        axes: args.axis.clone(),
        edge_order: args.edge_order.unwrap_or(1),
        accuracy: args.accuracy,
        boundary: args.boundary,
    };
    let axes = selected_axes(input.shape().len(), options.axes.as_deref())?;
    let outputs: Vec<PathBuf> = axes
        .iter()
        .map(|a| args.out_dir.join(format!("axis{a}.npy")))
        .collect();
    refuse_overwriting_input(&outputs, &args.input)?;
    let derivatives = timings
        .time("gradient_ms", || -> Result<Derivatives> {
            Ok(derivatives_of!(&input, |a| np_gradient(a, &options)))
        })
        .with_context(|| args.input.display().to_string())?;
    drop(input);
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("{}: cannot create the folder", args.out_dir.display()))?;
    timings.time("save_ms", || save(&outputs, &derivatives))?;
    if args.timings {
        eprintln!("{}", super::timings_json(&timings));
    }
    Ok(ExitCode::SUCCESS)
}

/// A `--prepend`/`--append` value: an integer (numpy's int64), a decimal number (float64), or
/// the path of a .npy file.
fn parse_boundary(flag: &str, value: &str) -> Result<AnyArray> {
    if let Ok(i) = value.parse::<i64>() {
        return Ok(AnyArray::I64(ndarray::arr0(i).into_dyn()));
    }
    if let Ok(x) = value.parse::<f64>() {
        return Ok(AnyArray::F64(ndarray::arr0(x).into_dyn()));
    }
    if !Path::new(value).exists() {
        return Err(UsageError(format!(
            "{flag} {value}: neither a number nor an existing .npy file"
        ))
        .into());
    }
    load(Path::new(value))
}

/// Runs `np.diff` on arrays already converted to one element type.
macro_rules! diff_typed {
    ($variant:ident, $a:expr, $pre:expr, $app:expr, $n:expr, $axis:expr) => {{
        let unwrap = |x: Option<AnyArray>| match x {
            Some(AnyArray::$variant(v)) => Some(v),
            _ => None,
        };
        let options = DiffOptions {
            n: $n,
            axis: $axis,
            prepend: unwrap($pre),
            append: unwrap($app),
        };
        AnyArray::$variant(np_diff($a, &options)?)
    }};
}

pub fn diff(args: DiffArgs) -> Result<ExitCode> {
    let mut timings = Timings::new();
    let n = usize::try_from(args.n).map_err(|_| {
        UsageError(format!(
            "--n: order must be non-negative but got {}",
            args.n
        ))
    })?;
    let prepend = args
        .prepend
        .as_deref()
        .map(|v| parse_boundary("--prepend", v))
        .transpose()?;
    let append = args
        .append
        .as_deref()
        .map(|v| parse_boundary("--append", v))
        .transpose()?;
    if edgegrad::io::atomic::same_file(&args.output, &args.input) {
        return Err(UsageError(format!(
            "{}: refusing to overwrite the input file",
            args.output.display()
        ))
        .into());
    }
    let input = timings.time("load_ms", || load(&args.input))?;
    let result = timings
        .time("diff_ms", || -> Result<AnyArray> {
            // numpy returns the input itself for n = 0, before joining prepend/append.
            let joined = [&prepend, &append].into_iter().flatten().filter(|_| n > 0);
            let dtype = joined.fold(input.dtype(), |t, b| promote(t, b.dtype()));
            let a = input.to_dtype(dtype);
            let pre = prepend.map(|p| p.to_dtype(dtype));
            let app = append.map(|p| p.to_dtype(dtype));
            let axis = args.axis;
            Ok(match &a {
                AnyArray::Bool(a) => diff_typed!(Bool, a, pre, app, n, axis),
                AnyArray::I8(a) => diff_typed!(I8, a, pre, app, n, axis),
                AnyArray::I16(a) => diff_typed!(I16, a, pre, app, n, axis),
                AnyArray::I32(a) => diff_typed!(I32, a, pre, app, n, axis),
                AnyArray::I64(a) => diff_typed!(I64, a, pre, app, n, axis),
                AnyArray::U8(a) => diff_typed!(U8, a, pre, app, n, axis),
                AnyArray::U16(a) => diff_typed!(U16, a, pre, app, n, axis),
                AnyArray::U32(a) => diff_typed!(U32, a, pre, app, n, axis),
                AnyArray::U64(a) => diff_typed!(U64, a, pre, app, n, axis),
                AnyArray::F32(a) => diff_typed!(F32, a, pre, app, n, axis),
                AnyArray::F64(a) => diff_typed!(F64, a, pre, app, n, axis),
            })
        })
        .with_context(|| args.input.display().to_string())?;
    if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    }
    timings
        .time("save_ms", || result.write(&args.output))
        .with_context(|| args.output.display().to_string())?;
    if args.timings {
        eprintln!("{}", super::timings_json(&timings));
    }
    Ok(ExitCode::SUCCESS)
}
