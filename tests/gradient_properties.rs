//! Properties of `gradient` on random input: the result never depends on the number of threads,
//! and it equals a plain loop over numpy's formulas exactly.

use edgegrad::numeric::diff::{diff, DiffOptions};
use edgegrad::numeric::gradient::{gradient, GradientOptions, Spacing};
use ndarray::{ArrayD, Axis, IxDyn, ShapeBuilder, Slice};
use proptest::prelude::*;

/// A small deterministic generator (splitmix64), so that big arrays cost no shrinking.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Mostly ordinary numbers, sometimes extremes, zeros, infinities and NaN.
    fn value(&mut self) -> f64 {
        match self.below(40) {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => f64::NEG_INFINITY,
            3 => -0.0,
            4 => 1e300 * (self.unit() - 0.5),
            5 => 1e-310 * self.unit(),
            _ => (self.unit() - 0.5) * 10f64.powi(self.below(8) as i32 - 2),
        }
    }

    fn array(&mut self, shape: &[usize], fortran: bool) -> ArrayD<f64> {
        let n = shape.iter().product();
        let data = (0..n).map(|_| self.value()).collect();
        ArrayD::from_shape_vec(IxDyn(shape).set_f(fortran), data).expect("shape matches")
    }

    /// Increasing coordinates: evenly spaced (numpy reduces them to a scalar), random steps,
    /// or random steps with some repeated coordinates (zero steps).
    fn coordinates(&mut self, n: usize) -> Vec<f64> {
        let start = (self.unit() - 0.5) * 10.0;
        match self.below(4) {
            0 => {
                let h = [0.5, 0.25, 2.0, 0.1, 3.0][self.below(5) as usize];
                (0..n).map(|i| start + h * i as f64).collect()
            }
            1 => {
                let mut x = start;
                (0..n)
                    .map(|_| {
                        x += if self.below(4) == 0 { 0.0 } else { self.unit() };
                        x
                    })
                    .collect()
            }
            _ => {
                let mut x = start;
                (0..n)
                    .map(|_| {
                        x += self.unit() + 1e-3;
                        x
                    })
                    .collect()
            }
        }
    }
}

/// One random call of `gradient`.
#[derive(Debug, Clone)]
struct Case {
    shape: Vec<usize>,
    fortran: bool,
    /// Take every second element along the first axis (a non-contiguous view).
    strided: bool,
    axes: Option<Vec<isize>>,
    spacing: SpacingKind,
    edge_order: usize,
    seed: u64,
}

#[derive(Debug, Clone, Copy)]
enum SpacingKind {
    None,
    Scalar(f64),
    PerAxis,
}

impl Case {
    /// The selected axes, normalised.
    fn selected(&self) -> Vec<usize> {
        let n = self.shape.len() as isize;
        match &self.axes {
            None => (0..self.shape.len()).collect(),
            Some(a) => a.iter().map(|&a| ((a + n) % n) as usize).collect(),
        }
    }

    /// The input (as a view of the layout the case asks for) and the options.
    fn build(&self) -> (ArrayD<f64>, GradientOptions) {
        let mut rng = Rng(self.seed);
        let mut shape = self.shape.clone();
        if self.strided {
            shape[0] = (2 * shape[0]).saturating_sub(1);
        }
        let mut f = rng.array(&shape, self.fortran);
        if self.strided {
            f.slice_axis_inplace(Axis(0), Slice::new(0, None, 2));
        }
        assert_eq!(f.shape(), &self.shape[..]);
        let spacing = match self.spacing {
            SpacingKind::None => vec![],
            SpacingKind::Scalar(h) => vec![Spacing::Scalar(h)],
            SpacingKind::PerAxis => self
                .selected()
                .iter()
                .map(|&a| match rng.below(3) {
                    0 => Spacing::Scalar([0.5, -2.0, 0.3, 7.0][rng.below(4) as usize]),
                    1 => Spacing::Coordinates(rng.coordinates(self.shape[a]).into()),
                    _ => Spacing::Coordinates32(
                        rng.coordinates(self.shape[a])
                            .iter()
                            .map(|&x| x as f32)
                            .collect(),
                    ),
                })
                .collect(),
        };
        let options = GradientOptions {
            spacing,
            axes: self.axes.clone(),
            edge_order: self.edge_order,
            ..Default::default()
        };
        (f, options)
    }
}

/// Random shapes (1-D to 4-D) whose selected axes are long enough for the edge order, and
/// whose other axes may be 0 or 1 long; `min_len` makes arrays at least that big.
fn cases(max_axis: usize, min_len: usize) -> impl Strategy<Value = Case> {
    (1usize..=4, 1usize..=2, any::<u64>()).prop_flat_map(move |(ndim, edge_order, seed)| {
        let shape = proptest::collection::vec(edge_order + 1..=max_axis, ndim);
        let axes = proptest::option::of(any::<u64>().prop_map(move |seed| {
            let mut r = Rng(seed);
            let mut all: Vec<isize> = (0..ndim as isize).collect();
            for i in (1..all.len()).rev() {
                all.swap(i, r.below(i as u64 + 1) as usize);
            }
            all.truncate(1 + r.below(ndim as u64) as usize);
            all.iter()
                .map(|&a| {
                    if r.below(2) == 0 {
                        a - ndim as isize
                    } else {
                        a
                    }
                })
                .collect::<Vec<_>>()
        }));
        let spacing = prop_oneof![
            Just(SpacingKind::None),
            prop::sample::select(vec![0.5, -2.0, 0.1, 3.0, 1e-3, 1e5])
                .prop_map(SpacingKind::Scalar),
            Just(SpacingKind::PerAxis),
        ];
        (
            shape,
            any::<bool>(),
            any::<bool>(),
            axes,
            spacing,
            0usize..8,
        )
            .prop_map(
                move |(mut shape, fortran, strided, axes, spacing, squash)| {
                    let mut case = Case {
                        shape: shape.clone(),
                        fortran,
                        strided,
                        axes,
                        spacing,
                        edge_order,
                        seed,
                    };
                    let selected = case.selected();
                    // Sometimes an unselected axis of length 0 or 1.
                    if let Some(other) = (0..ndim).find(|a| !selected.contains(a)) {
                        if squash < 2 {
                            shape[other] = squash;
                        }
                    }
                    // Grow the first selected axis until the array is big enough.
                    let rest: usize = shape.iter().product::<usize>() / shape[selected[0]];
                    if rest > 0 && shape.iter().product::<usize>() < min_len {
                        shape[selected[0]] = min_len.div_ceil(rest);
                    }
                    case.shape = shape;
                    case
                },
            )
    })
}

/// Bit-for-bit equality of the outputs; with `any_nan`, any NaN matches any NaN (NaN payloads
/// and signs are not part of numpy's contract: the compiler may swap the operands of `+`).
fn same_bits(a: &[ArrayD<f64>], b: &[ArrayD<f64>], any_nan: bool) -> Result<(), String> {
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        if x.shape() != y.shape() {
            return Err(format!(
                "output {k}: shapes {:?} and {:?}",
                x.shape(),
                y.shape()
            ));
        }
        let same =
            |p: f64, q: f64| p.to_bits() == q.to_bits() || (any_nan && p.is_nan() && q.is_nan());
        if let Some((i, (p, q))) = x
            .iter()
            .zip(y.iter())
            .enumerate()
            .find(|(_, (&p, &q))| !same(p, q))
        {
            return Err(format!(
                "output {k}, element {i} (logical order): {p:?} vs {q:?}"
            ));
        }
    }
    Ok(())
}

fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
        .install(f)
}

/// numpy's coordinate differences, or the single step when all are equal, in the
/// coordinates' own type `C`.
enum Steps<C> {
    Uniform(C),
    Varying(Vec<C>),
}

fn steps<C: num_traits::Float>(x: &[C]) -> Steps<C> {
    let dx: Vec<C> = x.windows(2).map(|w| w[1] - w[0]).collect();
    if dx.iter().all(|&d| d == dx[0]) {
        Steps::Uniform(dx[0])
    } else {
        Steps::Varying(dx)
    }
}

/// numpy's formulas (`numpy/lib/_function_base_impl.py`), one output element at a time, as
/// numpy evaluates them for float64 data: the coefficients in the spacing's type `C`, then
/// widened to float64 to multiply or divide the data.
fn reference_line<C: num_traits::Float>(
    f: &[f64],
    steps: &Steps<C>,
    edge_order: usize,
) -> Vec<f64> {
    let k = |v: f64| C::from(v).expect("a small constant");
    let w = |c: C| c.to_f64().expect("f32 and f64 widen");
    let n = f.len();
    let mut out = vec![0.0; n];
    match steps {
        Steps::Uniform(h) => {
            let h = *h;
            for i in 1..n - 1 {
                out[i] = (f[i + 1] - f[i - 1]) / w(k(2.0) * h);
            }
            if edge_order == 1 {
                out[0] = (f[1] - f[0]) / w(h);
                out[n - 1] = (f[n - 1] - f[n - 2]) / w(h);
            } else {
                let (a, b, c) = (k(-1.5) / h, k(2.0) / h, k(-0.5) / h);
                out[0] = w(a) * f[0] + w(b) * f[1] + w(c) * f[2];
                let (a, b, c) = (k(0.5) / h, k(-2.0) / h, k(1.5) / h);
                out[n - 1] = w(a) * f[n - 3] + w(b) * f[n - 2] + w(c) * f[n - 1];
            }
        }
        Steps::Varying(dx) => {
            for i in 1..n - 1 {
                let (dx1, dx2) = (dx[i - 1], dx[i]);
                let a = -dx2 / (dx1 * (dx1 + dx2));
                let b = (dx2 - dx1) / (dx1 * dx2);
                let c = dx1 / (dx2 * (dx1 + dx2));
                out[i] = w(a) * f[i - 1] + w(b) * f[i] + w(c) * f[i + 1];
            }
            if edge_order == 1 {
                out[0] = (f[1] - f[0]) / w(dx[0]);
                out[n - 1] = (f[n - 1] - f[n - 2]) / w(dx[n - 2]);
            } else {
                let (dx1, dx2) = (dx[0], dx[1]);
                let a = -(k(2.0) * dx1 + dx2) / (dx1 * (dx1 + dx2));
                let b = (dx1 + dx2) / (dx1 * dx2);
                let c = -dx1 / (dx2 * (dx1 + dx2));
                out[0] = w(a) * f[0] + w(b) * f[1] + w(c) * f[2];
                let (dx1, dx2) = (dx[n - 3], dx[n - 2]);
                let a = dx2 / (dx1 * (dx1 + dx2));
                let b = -(dx2 + dx1) / (dx1 * dx2);
                let c = (k(2.0) * dx2 + dx1) / (dx2 * (dx1 + dx2));
                out[n - 1] = w(a) * f[n - 3] + w(b) * f[n - 2] + w(c) * f[n - 1];
            }
        }
    }
    out
}

/// The reference for float64 input: each selected axis, line by line.
fn reference(f: &ArrayD<f64>, options: &GradientOptions, axes: &[usize]) -> Vec<ArrayD<f64>> {
    axes.iter()
        .enumerate()
        .map(|(k, &axis)| {
            let spacing = match options.spacing.len() {
                0 => Spacing::Scalar(1.0),
                1 if axes.len() != 1 => options.spacing[0].clone(),
                _ => options.spacing[k].clone(),
            };
            let line = |values: Vec<f64>| match &spacing {
                Spacing::Scalar(h) => {
                    reference_line(&values, &Steps::Uniform(*h), options.edge_order)
                }
                Spacing::Coordinates(x) => {
                    reference_line(&values, &steps(&x.to_vec()), options.edge_order)
                }
                Spacing::Coordinates32(x) => {
                    reference_line(&values, &steps(&x.to_vec()), options.edge_order)
                }
            };
            let mut out = ArrayD::<f64>::zeros(f.raw_dim());
            for (src, mut dst) in f
                .lanes(Axis(axis))
                .into_iter()
                .zip(out.lanes_mut(Axis(axis)))
            {
                for (d, v) in dst.iter_mut().zip(line(src.to_vec())) {
                    *d = v;
                }
            }
            out
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn gradient_equals_numpys_formulas_exactly(case in cases(7, 0)) {
        let (f, options) = case.build();
        let got = gradient(&f, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want = reference(&f, &options, &case.selected());
        prop_assert_eq!(got.len(), want.len());
        same_bits(&got, &want, true).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn small_gradients_do_not_depend_on_the_thread_count(case in cases(9, 0), threads in 2usize..5) {
        let (f, options) = case.build();
        let one = with_threads(1, || gradient(&f, &options)).expect("valid case");
        let many = with_threads(threads, || gradient(&f, &options)).expect("valid case");
        same_bits(&one, &many, false).map_err(TestCaseError::fail)?;
    }
}

// Well past the kernel's parallel threshold (65536 elements per output), so that the work is
// split into many tasks.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn large_gradients_do_not_depend_on_the_thread_count(case in cases(40, 200_000), threads in 2usize..5) {
        let (f, options) = case.build();
        prop_assume!(f.len() >= 200_000);
        let one = with_threads(1, || gradient(&f, &options)).expect("valid case");
        let many = with_threads(threads, || gradient(&f, &options)).expect("valid case");
        same_bits(&one, &many, false).map_err(TestCaseError::fail)?;
        let f32_input = f.mapv(|x| x as f32);
        let one = with_threads(1, || gradient(&f32_input, &options)).expect("valid case");
        let many = with_threads(threads, || gradient(&f32_input, &options)).expect("valid case");
        let widen = |v: Vec<ArrayD<f32>>| v.into_iter().map(|a| a.mapv(f64::from)).collect::<Vec<_>>();
        same_bits(&widen(one), &widen(many), false).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn large_diffs_do_not_depend_on_the_thread_count(seed in any::<u64>(), rows in 2usize..400, n in 1usize..4, axis in 0isize..2, threads in 2usize..5) {
        let mut rng = Rng(seed);
        let cols = 200_000usize.div_ceil(rows);
        let a = ArrayD::from_shape_fn(IxDyn(&[rows, cols]), |_| rng.next() as i64);
        let options = DiffOptions { n, axis, ..Default::default() };
        let one = with_threads(1, || diff(&a, &options)).expect("valid case");
        let many = with_threads(threads, || diff(&a, &options)).expect("valid case");
        prop_assert_eq!(one, many);
    }
}

#[test]
fn the_reference_gives_numpys_documented_example() {
    // np.gradient([1, 2, 4, 7, 11, 16], [0., 1., 1.5, 3.5, 4., 6.]) in numpy's docstring is
    // [1., 3., 3.5, 6.7, 6.9, 2.5] (printed rounded).
    let f = ndarray::array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0].into_dyn();
    let x = ndarray::array![0.0, 1.0, 1.5, 3.5, 4.0, 6.0];
    let options = GradientOptions::new().spacing(vec![Spacing::Coordinates(x)]);
    let got = &reference(&f, &options, &[0])[0];
    for (g, w) in got.iter().zip([1.0, 3.0, 3.5, 6.7, 6.9, 2.5]) {
        assert!((g - w).abs() < 1e-12, "{got}");
    }
}
