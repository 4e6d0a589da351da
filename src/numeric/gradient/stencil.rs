//! The coefficients of numpy's gradient stencils for one axis, computed exactly as
//! `np.gradient` computes them, in the precision numpy uses for them.
//!
//! numpy's formulas, for spacing `h` (uniform) or coordinate differences `dx` (non-uniform):
//! - interior, uniform: `(f[i+1] - f[i-1]) / (2 h)`;
//!   non-uniform: `a f[i-1] + b f[i] + c f[i+1]` with `a = -dx2 / (dx1 (dx1 + dx2))`,
//!   `b = (dx2 - dx1) / (dx1 dx2)`, `c = dx1 / (dx2 (dx1 + dx2))`;
//! - edges, first order: `(f[1] - f[0]) / dx[0]` and `(f[n-1] - f[n-2]) / dx[n-2]`;
//! - edges, second order: three-point one-sided weights.
//!
//! The coefficients are computed in the spacing's own type `C` and then converted to the working
//! type `W` in which the stencil is evaluated (see [`super::plan`] for which is which).

use crate::numeric::Float;

/// How one output value at an edge is computed from three or two neighbours.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Edge<W> {
    /// `(f[far] - f[near]) / divisor`, the difference taken in the input type.
    Difference(W),
    /// `w0 f[k] + w1 f[k+1] + w2 f[k+2]` over the three points nearest the edge.
    Weighted([W; 3]),
}

/// How the interior values (all but the first and last) are computed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Interior<W> {
    /// `(f[i+1] - f[i-1]) / divisor`, the difference taken in the input type.
    Difference(W),
    /// `w0 f[i-1] + w1 f[i] + w2 f[i+1]`, one weight triple per interior index `i = 1..n-1`.
    Weighted(Vec<[W; 3]>),
}

/// The complete stencil of one axis, evaluated in the working type `W`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AxisStencil<W> {
    pub interior: Interior<W>,
    pub first: Edge<W>,
    pub last: Edge<W>,
}

fn c<C: Float>(v: f64) -> C {
    C::from_f64(v)
}

fn cast3<C: Float, W: Float>(w: [C; 3]) -> [W; 3] {
    w.map(|x| x.cast())
}

/// The stencil for uniform spacing `h`, coefficients computed in `C`.
pub(crate) fn uniform<C: Float, W: Float>(h: C, edge_order: usize) -> AxisStencil<W> {
    let interior = Interior::Difference((c::<C>(2.0) * h).cast());
    let (first, last) = if edge_order == 1 {
        (Edge::Difference(h.cast()), Edge::Difference(h.cast()))
    } else {
        (
            Edge::Weighted(cast3([c::<C>(-1.5) / h, c::<C>(2.0) / h, c::<C>(-0.5) / h])),
            Edge::Weighted(cast3([c::<C>(0.5) / h, c::<C>(-2.0) / h, c::<C>(1.5) / h])),
        )
    };
    AxisStencil {
        interior,
        first,
        last,
    }
}

/// The stencil for non-uniform coordinate differences `dx` (length `n - 1 >= edge_order`),
/// coefficients computed in `C`.
pub(crate) fn nonuniform<C: Float, W: Float>(dx: &[C], edge_order: usize) -> AxisStencil<W> {
    let weights = dx
        .windows(2)
        .map(|w| {
            let (dx1, dx2) = (w[0], w[1]);
            cast3([
                -dx2 / (dx1 * (dx1 + dx2)),
                (dx2 - dx1) / (dx1 * dx2),
                dx1 / (dx2 * (dx1 + dx2)),
            ])
        })
        .collect();
    let n1 = dx.len();
    let (first, last) = if edge_order == 1 {
        (
            Edge::Difference(dx[0].cast()),
            Edge::Difference(dx[n1 - 1].cast()),
        )
    } else {
        let two = c::<C>(2.0);
        let (dx1, dx2) = (dx[0], dx[1]);
        let first = cast3([
            -(two * dx1 + dx2) / (dx1 * (dx1 + dx2)),
            (dx1 + dx2) / (dx1 * dx2),
            -dx1 / (dx2 * (dx1 + dx2)),
        ]);
        let (dx1, dx2) = (dx[n1 - 2], dx[n1 - 1]);
        let last = cast3([
            dx2 / (dx1 * (dx1 + dx2)),
            -(dx2 + dx1) / (dx1 * dx2),
            (two * dx2 + dx1) / (dx2 * (dx1 + dx2)),
        ]);
        (Edge::Weighted(first), Edge::Weighted(last))
    };
    AxisStencil {
        interior: Interior::Weighted(weights),
        first,
        last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_unit_spacing_is_the_textbook_stencil() {
        let s: AxisStencil<f64> = uniform(1.0f64, 2);
        assert_eq!(s.interior, Interior::Difference(2.0));
        assert_eq!(s.first, Edge::Weighted([-1.5, 2.0, -0.5]));
        assert_eq!(s.last, Edge::Weighted([0.5, -2.0, 1.5]));
    }

    #[test]
    fn equal_coordinate_steps_give_the_central_weights() {
        let s: AxisStencil<f64> = nonuniform(&[2.0f64, 2.0, 2.0], 1);
        assert_eq!(s.interior, Interior::Weighted(vec![[-0.25, 0.0, 0.25]; 2]));
        assert_eq!(s.first, Edge::Difference(2.0));
    }

    #[test]
    fn coefficients_are_rounded_once_from_their_own_precision() {
        // -1.5 / 0.1 in f64 is -15.000000000000002; numpy rounds that to f32 once.
        let s: AxisStencil<f32> = uniform(0.1f64, 2);
        assert_eq!(s.first, Edge::Weighted([-15.0, 20.0, -5.0]));
    }
}
