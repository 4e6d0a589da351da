//! The derivatives beyond np.gradient against scipy.ndimage: every case of
//! `tests/fixtures/stencils.json` (see `generate_stencils.py`: `correlate1d` with the same
//! weights and mode, findiff's one-sided borders for numpy's boundary, np.gradient for the first
//! derivative at accuracy 2) replayed through the library, within 2 ulp; the first-derivative
//! cases also through `gradient` with the same accuracy and boundary.

mod common;

use common::stencils::{manifest, within_two_ulp, Case};
use edgegrad::io::npy::AnyArray;
use edgegrad::numeric::derivative::{
    derivative, hessian, laplacian, Boundary, DerivativeError, DerivativeOptions, StencilOptions,
};
use edgegrad::numeric::gradient::{gradient, GradientError, GradientOptions, Spacing};

/// Runs `$call` (a generic function of the input array `$a`) on every element type, wrapping
/// results of `f32` input as `F32` and all others as `F64`.
macro_rules! on_input {
    ($input:expr, |$a:ident| $call:expr) => {
        match $input {
            AnyArray::F32($a) => $call.map(|v| v.into_iter().map(AnyArray::F32).collect()),
            AnyArray::F64($a) => $call.map(|v| v.into_iter().map(AnyArray::F64).collect()),
            AnyArray::U8($a) => $call.map(|v| v.into_iter().map(AnyArray::F64).collect()),
            AnyArray::I16($a) => $call.map(|v| v.into_iter().map(AnyArray::F64).collect()),
            other => panic!("no fixture has dtype {}", other.dtype()),
        }
    };
}

fn run(case: &Case) -> Result<Vec<AnyArray>, DerivativeError> {
    let input = common::load(&case.input);
    let boundary: Boundary = case.mode.parse().expect("a boundary name");
    let spacing = case.spacings();
    let stencil = StencilOptions::new()
        .spacing(spacing.clone())
        .accuracy(case.accuracy)
        .boundary(boundary);
    match case.kind.as_str() {
        "derivative" => {
            let options = DerivativeOptions::new(case.axis.expect("an axis") as isize)
                .order(case.order.expect("an order"))
                .accuracy(case.accuracy)
                .spacing(spacing[0])
                .boundary(boundary);
            on_input!(&input, |a| derivative(a, &options).map(|d| vec![d]))
        }
        "laplacian" => on_input!(&input, |a| laplacian(a, &stencil).map(|d| vec![d])),
        "hessian" => on_input!(&input, |a| hessian(a, &stencil)
            .map(|h| h.into_iter().map(|(_, d)| d).collect::<Vec<_>>())),
        other => panic!("unknown kind {other}"),
    }
}

fn gradient_of(case: &Case) -> Result<Vec<AnyArray>, GradientError> {
    let input = common::load(&case.input);
    let numpy = case.mode == "numpy" && case.accuracy == 2;
    let options = GradientOptions::new()
        .spacing(vec![Spacing::Scalar(case.spacings()[0])])
        .axes(vec![case.axis.expect("an axis") as isize])
        .accuracy(case.accuracy)
        .boundary(case.mode.parse().expect("a boundary name"))
        .edge_order(if numpy { 2 } else { 1 });
    on_input!(&input, |a| gradient(a, &options))
}

fn compare(got: Vec<AnyArray>, case: &Case) -> Result<u64, String> {
    if got.len() != case.expected.len() {
        return Err(format!(
            "{} outputs, expected {}",
            got.len(),
            case.expected.len()
        ));
    }
    let mut worst = 0;
    for (k, (g, w)) in got.iter().zip(&case.expected).enumerate() {
        let d = within_two_ulp(g, &common::load(w)).map_err(|e| format!("output {k}: {e}"))?;
        worst = worst.max(d);
    }
    Ok(worst)
}

#[test]
fn every_fixture_is_within_two_ulp() {
    let manifest = manifest();
    assert!(manifest.scipy_version.starts_with("1.") && manifest.numpy_version.starts_with("2."));
    for (kind, least) in [("derivative", 900), ("laplacian", 70), ("hessian", 70)] {
        let n = manifest.cases.iter().filter(|c| c.kind == kind).count();
        assert!(n >= least, "only {n} {kind} cases");
    }
    let mut failures = Vec::new();
    let mut worst = 0;
    for case in &manifest.cases {
        match run(case)
            .map_err(|e| e.to_string())
            .and_then(|got| compare(got, case))
        {
            Ok(d) => worst = worst.max(d),
            Err(e) => failures.push(format!("{}: {e}", case.name())),
        }
    }
    common::report("stencil", manifest.cases.len(), &failures);
    println!(
        "largest difference over {} cases: {worst} ulp",
        manifest.cases.len()
    );
}

#[test]
fn gradient_with_accuracy_and_boundary_is_the_first_derivative() {
    let manifest = manifest();
    let cases: Vec<&Case> = manifest
        .cases
        .iter()
        .filter(|c| c.kind == "derivative" && c.order == Some(1))
        .collect();
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            gradient_of(case)
                .map_err(|e| e.to_string())
                .and_then(|got| compare(got, case))
                .err()
                .map(|e| format!("{}: {e}", case.name()))
        })
        .collect();
    common::report("gradient", cases.len(), &failures);
}
