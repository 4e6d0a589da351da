//! Finite-difference weights, computed exactly and rounded to `f64` once.
//!
//! The weight of sample `x_j` in the `m`-th derivative at 0 is the `m`-th derivative at 0 of the
//! Lagrange basis polynomial `L_j(x) = prod_{k != j} (x - x_k) / (x_j - x_k)`: `m!` times the
//! coefficient of `x^m` in the product `prod_{k != j} (x - x_k)`, over the integer
//! `prod_{k != j} (x_j - x_k)`. With integer offsets both are integers; for every stencil of
//! [`Stencil`] (at most 12 points, offsets within ±11) both stay below 2^53, so each is exact as
//! an `f64` and their quotient is the weight correctly rounded (IEEE division rounds once). The
//! weights are thus the exact rational coefficients of the tables (Fornberg 1988), to the last
//! bit.

use std::fmt;

/// Which samples a stencil uses, relative to the point where the derivative is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Offsets `-r..=r`, as few as the order of accuracy needs.
    Central,
    /// Offsets `0..points`: the point and the ones after it (a first border).
    Forward,
    /// Offsets `-(points - 1)..=0`: the point and the ones before it (a last border).
    Backward,
}

/// A finite-difference stencil: the `order`-th derivative with error `O(h^accuracy)`, on
/// unit spacing.
///
/// The point counts are findiff's: a central stencil has `2 floor((order + 1) / 2) - 1 +
/// accuracy` points; a one-sided one has `order + accuracy`.
///
/// ```
/// use edgegrad::numeric::derivative::{Side, Stencil};
///
/// let d1 = Stencil::new(1, 4, Side::Central).unwrap();
/// assert_eq!(d1.offsets(), vec![-2, -1, 0, 1, 2]);
/// assert_eq!(d1.weights(), vec![1.0 / 12.0, -2.0 / 3.0, 0.0, 2.0 / 3.0, -1.0 / 12.0]);
///
/// let d2 = Stencil::new(2, 2, Side::Forward).unwrap();
/// assert_eq!(d2.weights(), vec![2.0, -5.0, 4.0, -1.0]);
/// assert!(Stencil::new(5, 2, Side::Central).is_none()); // orders 1 to 4
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stencil {
    order: usize,
    accuracy: usize,
    side: Side,
}

/// The derivative orders stencils are made for.
pub const ORDERS: std::ops::RangeInclusive<usize> = 1..=4;
/// The orders of accuracy stencils are made for.
pub const ACCURACIES: [usize; 4] = [2, 4, 6, 8];

impl Stencil {
    /// The stencil, or `None` unless `order` is 1 to 4 and `accuracy` 2, 4, 6 or 8.
    pub fn new(order: usize, accuracy: usize, side: Side) -> Option<Stencil> {
        (ORDERS.contains(&order) && ACCURACIES.contains(&accuracy)).then_some(Stencil {
            order,
            accuracy,
            side,
        })
    }

    /// The derivative order.
    pub fn order(&self) -> usize {
        self.order
    }

    /// How far a central stencil reaches on each side: `points / 2`.
    pub fn radius(&self) -> usize {
        central_points(self.order, self.accuracy) / 2
    }

    /// How many samples the stencil uses.
    pub fn points(&self) -> usize {
        match self.side {
            Side::Central => central_points(self.order, self.accuracy),
            Side::Forward | Side::Backward => self.order + self.accuracy,
        }
    }

    /// The offsets of the samples, in increasing order.
    pub fn offsets(&self) -> Vec<i64> {
        let p = self.points() as i64;
        let first = match self.side {
            Side::Central => -(p / 2),
            Side::Forward => 0,
            Side::Backward => 1 - p,
        };
        (first..first + p).collect()
    }

    /// The weight of each sample (in the order of [`Stencil::offsets`]) for unit spacing, each
    /// the exact rational weight rounded to `f64` once.
    pub fn weights(&self) -> Vec<f64> {
        let offsets = self.offsets();
        (0..offsets.len())
            .map(|j| {
                let (numerator, denominator) = exact_weight(&offsets, j, self.order);
                numerator as f64 / denominator as f64
            })
            .collect()
    }
}

impl fmt::Display for Stencil {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = match self.side {
            Side::Central => "central",
            Side::Forward => "forward",
            Side::Backward => "backward",
        };
        write!(
            f,
            "{side} stencil of {} points (derivative order {}, accuracy {})",
            self.points(),
            self.order,
            self.accuracy
        )
    }
}

fn central_points(order: usize, accuracy: usize) -> usize {
    2 * order.div_ceil(2) - 1 + accuracy
}

/// The weight of sample `j` in the `order`-th derivative at 0 as `numerator / denominator`,
/// both integers below 2^53 (see the module notes).
fn exact_weight(offsets: &[i64], j: usize, order: usize) -> (i128, i128) {
    // The coefficients of prod_{k != j} (x - x_k), lowest power first.
    let mut poly: Vec<i128> = vec![1];
    let mut denominator: i128 = 1;
    for (k, &xk) in offsets.iter().enumerate() {
        if k == j {
            continue;
        }
        let mut next = vec![0i128; poly.len() + 1];
        for (p, &c) in poly.iter().enumerate() {
            next[p + 1] += c;
            next[p] -= c * xk as i128;
        }
        poly = next;
        denominator *= (offsets[j] - xk) as i128;
    }
    let factorial: i128 = (1..=order as i128).product();
    let numerator = factorial * poly.get(order).copied().unwrap_or(0);
    (numerator, denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> impl Iterator<Item = Stencil> {
        ORDERS.flat_map(|m| {
            ACCURACIES.into_iter().flat_map(move |n| {
                [Side::Central, Side::Forward, Side::Backward]
                    .map(|s| Stencil::new(m, n, s).unwrap())
            })
        })
    }

    /// Weights as exact fractions `(numerator, denominator)` from the published tables.
    fn check(stencil: Stencil, table: &[(i64, i64)]) {
        let want: Vec<f64> = table.iter().map(|&(p, q)| p as f64 / q as f64).collect();
        assert_eq!(stencil.weights(), want, "{stencil}");
    }

    #[test]
    fn central_weights_are_the_published_tables() {
        // Fornberg (1988), Table 1; the same numbers as the finite-difference coefficient tables.
        let central = |m, n| Stencil::new(m, n, Side::Central).unwrap();
        check(central(1, 2), &[(-1, 2), (0, 1), (1, 2)]);
        check(central(1, 4), &[(1, 12), (-2, 3), (0, 1), (2, 3), (-1, 12)]);
        check(
            central(1, 6),
            &[
                (-1, 60),
                (3, 20),
                (-3, 4),
                (0, 1),
                (3, 4),
                (-3, 20),
                (1, 60),
            ],
        );
        check(
            central(1, 8),
            &[
                (1, 280),
                (-4, 105),
                (1, 5),
                (-4, 5),
                (0, 1),
                (4, 5),
                (-1, 5),
                (4, 105),
                (-1, 280),
            ],
        );
        check(central(2, 2), &[(1, 1), (-2, 1), (1, 1)]);
        check(
            central(2, 4),
            &[(-1, 12), (4, 3), (-5, 2), (4, 3), (-1, 12)],
        );
        check(
            central(2, 6),
            &[
                (1, 90),
                (-3, 20),
                (3, 2),
                (-49, 18),
                (3, 2),
                (-3, 20),
                (1, 90),
            ],
        );
        check(
            central(2, 8),
            &[
                (-1, 560),
                (8, 315),
                (-1, 5),
                (8, 5),
                (-205, 72),
                (8, 5),
                (-1, 5),
                (8, 315),
                (-1, 560),
            ],
        );
        check(central(3, 2), &[(-1, 2), (1, 1), (0, 1), (-1, 1), (1, 2)]);
        check(
            central(3, 4),
            &[(1, 8), (-1, 1), (13, 8), (0, 1), (-13, 8), (1, 1), (-1, 8)],
        );
        check(central(4, 2), &[(1, 1), (-4, 1), (6, 1), (-4, 1), (1, 1)]);
        check(
            central(4, 4),
            &[
                (-1, 6),
                (2, 1),
                (-13, 2),
                (28, 3),
                (-13, 2),
                (2, 1),
                (-1, 6),
            ],
        );
    }

    #[test]
    fn one_sided_weights_are_the_published_tables() {
        let forward = |m, n| Stencil::new(m, n, Side::Forward).unwrap();
        // numpy's edge_order=2 weights.
        check(forward(1, 2), &[(-3, 2), (2, 1), (-1, 2)]);
        check(
            forward(1, 4),
            &[(-25, 12), (4, 1), (-3, 1), (4, 3), (-1, 4)],
        );
        check(
            forward(1, 6),
            &[
                (-49, 20),
                (6, 1),
                (-15, 2),
                (20, 3),
                (-15, 4),
                (6, 5),
                (-1, 6),
            ],
        );
        check(forward(2, 2), &[(2, 1), (-5, 1), (4, 1), (-1, 1)]);
        check(
            forward(2, 4),
            &[(15, 4), (-77, 6), (107, 6), (-13, 1), (61, 12), (-5, 6)],
        );
        check(forward(3, 2), &[(-5, 2), (9, 1), (-12, 1), (7, 1), (-3, 2)]);
        check(
            forward(4, 2),
            &[(3, 1), (-14, 1), (26, 1), (-24, 1), (11, 1), (-2, 1)],
        );
        // Backward weights are the forward ones mirrored, negated for odd orders.
        check(
            Stencil::new(1, 2, Side::Backward).unwrap(),
            &[(1, 2), (-2, 1), (3, 2)],
        );
    }

    #[test]
    fn every_stencil_is_exact_on_polynomials_up_to_its_degree() {
        // sum_j w_j x_j^k = k! [k == m] for k below the point count, checked in exact integers.
        for s in all() {
            let offsets = s.offsets();
            for k in 0..offsets.len() as u32 {
                let mut sum = (0i128, 1i128); // a fraction
                for j in 0..offsets.len() {
                    let (p, q) = exact_weight(&offsets, j, s.order());
                    let term = (p * (offsets[j] as i128).pow(k), q);
                    sum = (sum.0 * term.1 + term.0 * sum.1, sum.1 * term.1);
                }
                let want: i128 = if k as usize == s.order() {
                    (1..=k as i128).product()
                } else {
                    0
                };
                assert_eq!(sum.0, want * sum.1, "{s}, x^{k}");
            }
        }
    }

    #[test]
    fn numerators_and_denominators_are_exact_in_f64() {
        for s in all() {
            let offsets = s.offsets();
            for j in 0..offsets.len() {
                let (p, q) = exact_weight(&offsets, j, s.order());
                assert!(
                    p.abs() < 1 << 53 && q.abs() < 1 << 53 && q != 0,
                    "{s}: {p}/{q}"
                );
            }
        }
    }

    #[test]
    fn point_counts_are_findiffs() {
        let points = |m, n, s| Stencil::new(m, n, s).unwrap().points();
        assert_eq!(points(1, 2, Side::Central), 3);
        assert_eq!(points(2, 8, Side::Central), 9);
        assert_eq!(points(3, 2, Side::Central), 5);
        assert_eq!(points(4, 8, Side::Central), 11);
        assert_eq!(points(1, 8, Side::Forward), 9);
        assert_eq!(points(4, 8, Side::Backward), 12);
        assert_eq!(Stencil::new(3, 4, Side::Central).unwrap().radius(), 3);
    }
}
