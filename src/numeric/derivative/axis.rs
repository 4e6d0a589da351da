//! One derivative along one axis of a given length: the central stencil, scaled by the
//! spacing, and the rule of each border row.
//!
//! Rows whose central stencil fits inside the axis use it ([`Row::Central`]). With
//! [`Boundary::Numpy`] the first `r` rows use the forward stencil anchored at the row and the
//! last `r` the backward one (so the axis needs `points + r - 1` samples), `r` being the central stencil's radius (findiff's rule; at accuracy
//! 2 this is numpy's `edge_order=2`). With a padding mode the border rows use the central stencil
//! over the padded samples: each tap names the sample it reads, or the constant.

use super::coefficients::{Side, Stencil, ACCURACIES};
use super::{Boundary, DerivativeError};

/// How the values of a border row are combined.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Combine {
    /// The central stencil's pair form (see [`AxisOp`]), over taps at offsets `-r..=r`.
    Pairs,
    /// `w[0] x[0] + w[1] x[1] + ...` in that order, over consecutive samples.
    Sequence(Vec<f64>),
}

/// A border row: the sample each tap reads (`None`: the constant), and how they combine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BorderRow {
    pub taps: Vec<Option<usize>>,
    pub combine: Combine,
}

/// How one row (index along the axis) is computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Row<'a> {
    /// The central stencil over samples `i - r..=i + r`, all inside the axis.
    Central,
    /// A border row.
    Border(&'a BorderRow),
}

/// The derivative of one order along one axis.
///
/// The central stencil is kept in scipy.ndimage's pair form, which is how it is evaluated:
/// with `w_k` the weight at offset `-k`, an odd derivative (antisymmetric weights) is
/// `sum_{k = r..1} (x[-k] - x[k]) w_k` and an even one (symmetric weights)
/// `x[0] w_0 + sum_{k = r..1} (x[-k] + x[k]) w_k`, added from the farthest pair in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AxisOp {
    /// The axis, counted in the array's memory order (C order).
    pub axis: usize,
    /// The samples along it.
    pub n: usize,
    /// The weight at offset 0 (zero for odd orders).
    pub center: f64,
    /// `pairs[k - 1]` is the weight at offset `-k`, `k = 1..=r`.
    pub pairs: Vec<f64>,
    /// Whether the weights are antisymmetric (odd derivative orders).
    pub odd: bool,
    /// The value outside the axis for [`Boundary::Constant`].
    pub constant: f64,
    /// The first `lead` rows and the last `borders.len() - lead` use `borders`.
    lead: usize,
    borders: Vec<BorderRow>,
}

/// The stencil, or why there is none.
fn stencil(order: usize, accuracy: usize, side: Side) -> Result<Stencil, DerivativeError> {
    if !ACCURACIES.contains(&accuracy) {
        return Err(DerivativeError::Accuracy(accuracy));
    }
    Stencil::new(order, accuracy, side).ok_or(DerivativeError::Order(order))
}

/// `h^m` by repeated multiplication, left to right.
fn power(h: f64, m: usize) -> f64 {
    (1..m).fold(h, |p, _| p * h)
}

impl AxisOp {
    /// The `order`-th derivative with error `O(h^accuracy)` along `axis` of length `n`, with
    /// spacing `h` (checked by the caller: finite, non-zero) and the given border rule.
    pub fn new(
        axis: usize,
        n: usize,
        order: usize,
        accuracy: usize,
        boundary: Boundary,
        h: f64,
    ) -> Result<AxisOp, DerivativeError> {
        let central = stencil(order, accuracy, Side::Central)?;
        let scale = power(h, order);
        let weights: Vec<f64> = central.weights().iter().map(|w| w / scale).collect();
        let r = central.radius();
        let mut op = AxisOp {
            axis,
            n,
            center: weights[r],
            pairs: (1..=r).map(|k| weights[r - k]).collect(),
            odd: order % 2 == 1,
            constant: match boundary {
                Boundary::Constant(k) => k,
                _ => 0.0,
            },
            lead: 0,
            borders: Vec::new(),
        };
        if boundary.pads() {
            op.lead = r.min(n);
            let trail_start = n.saturating_sub(r).max(op.lead);
            let padded = |i: usize| BorderRow {
                taps: (-(r as i64)..=r as i64)
                    .map(|t| boundary.sample(i as i64 + t, n))
                    .collect(),
                combine: Combine::Pairs,
            };
            op.borders = (0..op.lead).chain(trail_start..n).map(padded).collect();
        } else {
            let forward = stencil(order, accuracy, Side::Forward)?;
            let points = forward.points();
            // The forward stencil of row r - 1 reaches sample r - 1 + points - 1.
            let needed = points + r - 1;
            if n < needed {
                return Err(DerivativeError::AxisTooShort {
                    axis,
                    len: n,
                    order,
                    accuracy,
                    needed,
                });
            }
            let scaled =
                |s: Stencil| -> Vec<f64> { s.weights().iter().map(|w| w / scale).collect() };
            let ahead = scaled(forward);
            let behind = scaled(stencil(order, accuracy, Side::Backward)?);
            let one_sided = |first: usize, weights: &Vec<f64>| BorderRow {
                taps: (first..first + points).map(Some).collect(),
                combine: Combine::Sequence(weights.clone()),
            };
            op.lead = r;
            op.borders = (0..r)
                .map(|i| one_sided(i, &ahead))
                .chain((n - r..n).map(|i| one_sided(i + 1 - points, &behind)))
                .collect();
        }
        Ok(op)
    }

    /// The central stencil's radius.
    pub fn radius(&self) -> usize {
        self.pairs.len()
    }

    /// The rule of row `i < n`.
    pub fn row(&self, i: usize) -> Row<'_> {
        let trail = self.borders.len() - self.lead;
        if i < self.lead {
            Row::Border(&self.borders[i])
        } else if i >= self.n - trail {
            Row::Border(&self.borders[self.lead + i - (self.n - trail)])
        } else {
            Row::Central
        }
    }

    /// The rows `[a, b)` of `[j0, j1)` that use the central stencil.
    pub fn central_rows(&self, j0: usize, j1: usize) -> (usize, usize) {
        let trail = self.borders.len() - self.lead;
        (j0.max(self.lead), j1.min(self.n - trail))
    }

    /// The same operator along another axis (for the same memory seen with axes reversed).
    pub fn on_axis(&self, axis: usize) -> AxisOp {
        AxisOp {
            axis,
            ..self.clone()
        }
    }

    /// The derivative of a constant `c` (the value a padded row of constants gives), evaluated
    /// as a row is.
    pub fn of_constant(&self, c: f64) -> f64 {
        let mut v = [0.0];
        super::kernel::combine_pairs(self, &mut v, |_, _| c);
        v[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_borders_are_one_sided_and_anchored_at_each_row() {
        let op = AxisOp::new(0, 7, 1, 4, Boundary::Numpy, 1.0).unwrap();
        assert_eq!(op.radius(), 2);
        assert_eq!(op.pairs, vec![-2.0 / 3.0, 1.0 / 12.0]);
        let Row::Border(row) = op.row(1) else {
            panic!("row 1 is a border row")
        };
        assert_eq!(row.taps, (1..6).map(Some).collect::<Vec<_>>());
        let Row::Border(row) = op.row(5) else {
            panic!("row 5 is a border row")
        };
        assert_eq!(row.taps, (1..6).map(Some).collect::<Vec<_>>());
        assert_eq!(op.row(2), Row::Central);
        assert_eq!(op.row(4), Row::Central);
        assert_eq!(op.central_rows(0, 7), (2, 5));
    }

    #[test]
    fn padded_rows_read_the_padding() {
        let op = AxisOp::new(0, 3, 2, 4, Boundary::Wrap, 0.5).unwrap();
        assert_eq!(op.center, -2.5 / 0.25);
        // Every row of an axis shorter than the stencil is a border row.
        for i in 0..3 {
            let Row::Border(row) = op.row(i) else {
                panic!("row {i}")
            };
            let want: Vec<_> = (0..5).map(|t| Some((i + 3 + t - 2) % 3)).collect();
            assert_eq!(row.taps, want);
        }
        let op = AxisOp::new(0, 5, 1, 2, Boundary::Constant(1.0), 1.0).unwrap();
        let Row::Border(row) = op.row(4) else {
            panic!("row 4")
        };
        assert_eq!(row.taps, vec![Some(3), Some(4), None]);
        assert_eq!(op.of_constant(7.0), 0.0);
    }

    #[test]
    fn short_axes_say_how_many_points_are_needed() {
        assert_eq!(
            AxisOp::new(1, 6, 2, 4, Boundary::Numpy, 1.0),
            Err(DerivativeError::AxisTooShort {
                axis: 1,
                len: 6,
                order: 2,
                accuracy: 4,
                needed: 7
            })
        );
        assert!(AxisOp::new(1, 1, 2, 8, Boundary::Mirror, 1.0).is_ok());
        assert_eq!(
            AxisOp::new(0, 9, 1, 3, Boundary::Numpy, 1.0),
            Err(DerivativeError::Accuracy(3))
        );
        assert_eq!(
            AxisOp::new(0, 9, 5, 2, Boundary::Numpy, 1.0),
            Err(DerivativeError::Order(5))
        );
    }
}
