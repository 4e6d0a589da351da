//! Bit-for-bit parity with numpy: every case numpy computed in `tests/fixtures/manifest.json`
//! (see `generate_numpy.py`) is replayed through the library API and must give numpy's dtype,
//! shape, memory order (the very strides) and bits, or the error numpy raises.

mod common;

use common::{Boundary, DiffCase, GradientCase, SpacingArg};
use edgegrad::io::npy::{AnyArray, DType};
use edgegrad::numeric::diff::{diff, promote, DiffError, DiffOptions};
use edgegrad::numeric::gradient::{gradient, GradientError, GradientOptions, Spacing};

fn spacing(arg: &SpacingArg) -> Spacing {
    match arg {
        SpacingArg::Scalar(x) => Spacing::Scalar(x.value()),
        SpacingArg::Coordinates { coordinates } => match common::load(coordinates) {
            AnyArray::F32(x) => Spacing::Coordinates32(x.into_dimensionality().expect("1-D")),
            AnyArray::Bool(_) => panic!("{coordinates}: boolean coordinates are not a case"),
            // numpy converts integer coordinates to float64 before anything else.
            other => match other.to_dtype(DType::F64) {
                AnyArray::F64(x) => Spacing::Coordinates(x.into_dimensionality().expect("1-D")),
                _ => unreachable!(),
            },
        },
    }
}

fn gradient_error_kind(e: &GradientError) -> &'static str {
    match e {
        GradientError::SpacingCount { .. } => "spacing_count",
        GradientError::CoordinateLength { .. } => "coordinate_length",
        GradientError::AxisOutOfRange { .. } => "axis_out_of_range",
        GradientError::RepeatedAxis { .. } => "repeated_axis",
        GradientError::EdgeOrder(_) => "edge_order",
        GradientError::AxisTooShort { .. } => "axis_too_short",
        GradientError::ZeroSpacing { .. } => "zero_spacing",
        GradientError::Stencil(_) => "beyond numpy",
    }
}

fn run_gradient(
    input: &AnyArray,
    options: &GradientOptions,
) -> Result<Vec<AnyArray>, GradientError> {
    fn wrap<T>(
        r: Result<Vec<T>, GradientError>,
        f: fn(T) -> AnyArray,
    ) -> Result<Vec<AnyArray>, GradientError> {
        r.map(|v| v.into_iter().map(f).collect())
    }
    match input {
        AnyArray::F32(a) => wrap(gradient(a, options), AnyArray::F32),
        AnyArray::F64(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::I8(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::I16(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::I32(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::I64(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::U8(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::U16(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::U32(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::U64(a) => wrap(gradient(a, options), AnyArray::F64),
        AnyArray::Bool(_) => panic!("boolean gradient input is not a case"),
    }
}

fn check_gradient(case: &GradientCase) -> Result<(), String> {
    let input = common::load(&case.input);
    if !common::order_matches(common::order(&input), &case.input_order) {
        return Err(format!(
            "input read in {} order, numpy's is {}",
            common::order(&input),
            case.input_order
        ));
    }
    let options = GradientOptions {
        spacing: case.spacing.iter().map(spacing).collect(),
        axes: case.axis.clone(),
        edge_order: case.edge_order,
        ..Default::default()
    };
    match (run_gradient(&input, &options), &case.expected, &case.error) {
        (Ok(got), Some(want), None) => {
            if got.len() != want.len() {
                return Err(format!("{} outputs, numpy has {}", got.len(), want.len()));
            }
            for (k, (g, w)) in got.iter().zip(want).enumerate() {
                common::compare(g, w)
                    .and_then(|()| common::same_strides(g, w))
                    .map_err(|e| format!("output {k}: {e}"))?;
            }
            Ok(())
        }
        (Err(e), None, Some(kind)) if gradient_error_kind(&e) == kind => Ok(()),
        (Err(e), _, _) => Err(format!(
            "error {:?} ({e}), numpy: {}",
            gradient_error_kind(&e),
            case.numpy_error.as_deref().unwrap_or("no error")
        )),
        (Ok(_), _, _) => Err(format!(
            "no error, numpy raised {}",
            case.numpy_error.as_deref().unwrap_or("?")
        )),
    }
}

#[test]
fn gradient_matches_numpy_bit_for_bit() {
    let manifest = common::manifest();
    assert!(
        manifest.numpy_version.starts_with("2."),
        "fixtures from numpy {}",
        manifest.numpy_version
    );
    assert!(
        manifest.gradient.len() > 700,
        "only {} gradient cases",
        manifest.gradient.len()
    );
    let failures: Vec<String> = manifest
        .gradient
        .iter()
        .filter_map(|c| check_gradient(c).err().map(|e| format!("{}: {e}", c.name)))
        .collect();
    common::report("gradient", manifest.gradient.len(), &failures);
}

fn boundary(b: &Option<Boundary>) -> Option<AnyArray> {
    b.as_ref().map(|b| match b {
        // np.asanyarray of a Python int is an int64 array, of a Python float a float64 one.
        Boundary::Int { int } => AnyArray::I64(ndarray::arr0(*int).into_dyn()),
        Boundary::Float(x) => AnyArray::F64(ndarray::arr0(x.value()).into_dyn()),
        Boundary::Array { array } => common::load(array),
    })
}

fn diff_error_kind(e: &DiffError) -> &'static str {
    match e {
        DiffError::ZeroDimensional => "zero_dimensional",
        DiffError::AxisOutOfRange { .. } => "axis_out_of_range",
        DiffError::BoundaryShape { .. } => "boundary_shape",
    }
}

/// `np.diff` through the library: the caller joins the element types (`promote`), except for
/// `n == 0`, where numpy returns the input untouched.
fn run_diff(case: &DiffCase) -> Result<AnyArray, DiffError> {
    let input = common::load(&case.input);
    let prepend = boundary(&case.prepend);
    let append = boundary(&case.append);
    let dtype = if case.n == 0 {
        input.dtype()
    } else {
        [&prepend, &append]
            .into_iter()
            .flatten()
            .fold(input.dtype(), |t, b| promote(t, b.dtype()))
    };
    let a = input.to_dtype(dtype);
    let prepend = prepend.map(|b| b.to_dtype(dtype));
    let append = append.map(|b| b.to_dtype(dtype));
    macro_rules! typed {
        ($variant:ident, $a:expr) => {{
            let unwrap = |x: Option<AnyArray>| match x {
                Some(AnyArray::$variant(v)) => Some(v),
                None => None,
                Some(_) => unreachable!("converted above"),
            };
            let options = DiffOptions {
                n: case.n,
                axis: case.axis,
                prepend: unwrap(prepend),
                append: unwrap(append),
            };
            diff($a, &options).map(AnyArray::$variant)
        }};
    }
    match &a {
        AnyArray::Bool(a) => typed!(Bool, a),
        AnyArray::I8(a) => typed!(I8, a),
        AnyArray::I16(a) => typed!(I16, a),
        AnyArray::I32(a) => typed!(I32, a),
        AnyArray::I64(a) => typed!(I64, a),
        AnyArray::U8(a) => typed!(U8, a),
        AnyArray::U16(a) => typed!(U16, a),
        AnyArray::U32(a) => typed!(U32, a),
        AnyArray::U64(a) => typed!(U64, a),
        AnyArray::F32(a) => typed!(F32, a),
        AnyArray::F64(a) => typed!(F64, a),
    }
}

fn check_diff(case: &DiffCase) -> Result<(), String> {
    match (run_diff(case), &case.expected, &case.error) {
        (Ok(got), Some(want), None) => {
            common::compare(&got, want).and_then(|()| common::same_strides(&got, want))
        }
        (Err(e), None, Some(kind)) if diff_error_kind(&e) == kind => Ok(()),
        (Err(e), _, _) => Err(format!(
            "error {:?} ({e}), numpy: {}",
            diff_error_kind(&e),
            case.numpy_error.as_deref().unwrap_or("no error")
        )),
        (Ok(_), _, _) => Err(format!(
            "no error, numpy raised {}",
            case.numpy_error.as_deref().unwrap_or("?")
        )),
    }
}

#[test]
fn diff_matches_numpy_bit_for_bit() {
    let manifest = common::manifest();
    assert!(
        manifest.diff.len() > 400,
        "only {} diff cases",
        manifest.diff.len()
    );
    let failures: Vec<String> = manifest
        .diff
        .iter()
        .filter_map(|c| check_diff(c).err().map(|e| format!("{}: {e}", c.name)))
        .collect();
    common::report("diff", manifest.diff.len(), &failures);
}

#[test]
fn every_error_kind_numpy_raises_is_covered() {
    let manifest = common::manifest();
    for kind in [
        "spacing_count",
        "coordinate_length",
        "axis_out_of_range",
        "repeated_axis",
        "edge_order",
        "axis_too_short",
        "zero_spacing",
    ] {
        assert!(
            manifest
                .gradient
                .iter()
                .any(|c| c.error.as_deref() == Some(kind)),
            "no gradient case raises {kind}"
        );
    }
    for kind in ["zero_dimensional", "axis_out_of_range", "boundary_shape"] {
        assert!(
            manifest
                .diff
                .iter()
                .any(|c| c.error.as_deref() == Some(kind)),
            "no diff case raises {kind}"
        );
    }
}

#[test]
fn edge_order_zero_is_refused() {
    // numpy only rejects edge_order > 2 and then silently uses the second-order edges for 0;
    // edgegrad accepts exactly 1 and 2.
    let f = ndarray::array![1.0, 2.0, 4.0];
    let options = GradientOptions::new().edge_order(0);
    assert_eq!(gradient(&f, &options), Err(GradientError::EdgeOrder(0)));
}
