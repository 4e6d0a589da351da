//! Orders of accuracy, measured: on the smooth `sin(kx + φ) cos(ly)` the error of the first and
//! second derivatives at accuracy N falls as `h^N` inside and at numpy's one-sided borders (the
//! slope of a log-log fit over several grids within ±0.3 of N), and periodic data with `wrap`
//! is as accurate at the borders as inside (and its error falls as `h^N` everywhere).

use edgegrad::numeric::derivative::{derivative, Boundary, DerivativeOptions};
use ndarray::{s, Array2};

const K: f64 = 8.2;
const L: f64 = 3.1;
const PHASE: f64 = 0.3;

/// `f(y, x) = sin(kx + φ) cos(ly)` on `[0, 1]²` sampled `n × n` (x along axis 1), and its exact
/// first or second derivative along x.
fn sampled(n: usize, order: usize) -> (Array2<f64>, Array2<f64>, f64) {
    let h = 1.0 / (n - 1) as f64;
    let f = Array2::from_shape_fn((n, n), |(i, j)| {
        (K * j as f64 * h + PHASE).sin() * (L * i as f64 * h).cos()
    });
    let exact = Array2::from_shape_fn((n, n), |(i, j)| {
        let (x, y) = (j as f64 * h, i as f64 * h);
        let along = match order {
            1 => K * (K * x + PHASE).cos(),
            _ => -K * K * (K * x + PHASE).sin(),
        };
        along * (L * y).cos()
    });
    (f, exact, h)
}

/// The largest error inside (columns whose central stencil fits) and at the borders.
fn errors(order: usize, accuracy: usize, n: usize) -> (f64, f64) {
    let (f, exact, h) = sampled(n, order);
    let options = DerivativeOptions::new(1)
        .order(order)
        .accuracy(accuracy)
        .spacing(h);
    let d = derivative(&f, &options).expect("a long enough axis");
    let error = (&d - &exact).mapv(f64::abs);
    let r = accuracy / 2; // the central radius of first and second derivatives
    let max = |a: ndarray::ArrayView2<f64>| a.iter().cloned().fold(0.0, f64::max);
    let inside = max(error.slice(s![.., r..n - r]));
    let borders = max(error.slice(s![.., ..r])).max(max(error.slice(s![.., n - r..])));
    (inside, borders)
}

/// The least-squares slope of `log(error)` against `log(h)`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let logs: Vec<(f64, f64)> = points.iter().map(|&(h, e)| (h.ln(), e.ln())).collect();
    let n = logs.len() as f64;
    let (mx, my) = logs
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / n, b + y / n));
    let sxy: f64 = logs.iter().map(|&(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = logs.iter().map(|&(x, _)| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

#[test]
fn errors_fall_with_the_order_of_accuracy_inside_and_at_the_borders() {
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for order in [1, 2] {
        for accuracy in [2, 4, 6, 8] {
            // Grids where the error is past its first terms and still far above rounding.
            let sizes = if accuracy <= 4 {
                [41, 57, 81, 113, 161]
            } else {
                [21, 29, 41, 57, 81]
            };
            let measured: Vec<(f64, (f64, f64))> = sizes
                .iter()
                .map(|&n| (1.0 / (n - 1) as f64, errors(order, accuracy, n)))
                .collect();
            let inside: Vec<_> = measured.iter().map(|&(h, (e, _))| (h, e)).collect();
            let borders: Vec<_> = measured.iter().map(|&(h, (_, e))| (h, e)).collect();
            for (place, points) in [("inside", inside), ("borders", borders)] {
                let p = slope(&points);
                let line = format!(
                    "order {order} accuracy {accuracy} {place}: slope {p:.2}, errors {:?}",
                    points
                        .iter()
                        .map(|&(_, e)| format!("{e:.1e}"))
                        .collect::<Vec<_>>()
                );
                if (p - accuracy as f64).abs() > 0.3 {
                    wrong.push(line.clone());
                }
                report.push(line);
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        wrong.is_empty(),
        "slopes off by more than 0.3:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn wrap_on_one_period_is_as_accurate_at_the_borders_as_inside() {
    for order in [1, 2] {
        for accuracy in [2, 4, 6, 8] {
            let mut points = Vec::new();
            for n in [16, 24, 32, 48] {
                // Exactly one period, the endpoint left out: x_j = j / n.
                let h = 1.0 / n as f64;
                let w = std::f64::consts::TAU;
                let x = |j: usize| w * j as f64 * h + PHASE;
                let f = Array2::from_shape_fn((3, n), |(i, j)| x(j).sin() + i as f64);
                let exact = Array2::from_shape_fn((3, n), |(_, j)| match order {
                    1 => w * x(j).cos(),
                    _ => -w * w * x(j).sin(),
                });
                let options = DerivativeOptions::new(-1)
                    .order(order)
                    .accuracy(accuracy)
                    .spacing(h)
                    .boundary(Boundary::Wrap);
                let error = (&derivative(&f, &options).unwrap() - &exact).mapv(f64::abs);
                let r = accuracy / 2;
                let max = |a: ndarray::ArrayView2<f64>| a.iter().cloned().fold(0.0, f64::max);
                let inside = max(error.slice(s![.., r..n - r]));
                let borders = max(error.slice(s![.., ..r])).max(max(error.slice(s![.., n - r..])));
                assert!(
                    borders <= inside * 1.01,
                    "order {order} accuracy {accuracy} n {n}: borders {borders:e}, inside {inside:e}"
                );
                points.push((h, borders.max(inside)));
            }
            let p = slope(&points);
            assert!(
                (p - accuracy as f64).abs() <= 0.3,
                "order {order} accuracy {accuracy}: slope {p:.2}"
            );
        }
    }
}
