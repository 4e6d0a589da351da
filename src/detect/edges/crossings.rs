//! Zero crossings of the Laplacian (`--operator log`, Marr–Hildreth): the edges of the Laplacian
//! of Gaussian detector, one pixel wide, in place of non-maximum suppression.
//!
//! Each pixel is compared with its two neighbours along the image axis nearest its gradient
//! (left and right when `|dx| >= |dy|`, above and below otherwise: the axis the sub-pixel
//! points are interpolated along). The Laplacian crosses zero between the pixel and a
//! neighbour when one of the two is negative and the other is not; of the two pixels of a
//! crossing only the one nearer to zero is marked (the non-negative one on a tie), so a
//! crossing gives one pixel and the zero lies within half a pixel of it. A pixel is an edge
//! when it is marked and its gradient magnitude passes the edge rule, as a maximum does after
//! non-maximum suppression. NaN crosses nothing. Outside the image the Laplacian continues as
//! at the border (a border pixel is its own neighbour), so the border makes no crossing.

use super::nms::borders;

/// Whether a pixel whose Laplacian is `p` marks the zero crossing towards a neighbour whose
/// Laplacian is `q`: the two lie on either side of zero (negative, and zero or positive), and
/// `p` is the nearer to zero (on a tie, the one that is not negative).
#[inline(always)]
pub(crate) fn crosses(p: f32, q: f32) -> bool {
    let (ap, aq) = (p.abs(), q.abs());
    ((p >= 0.0) != (q >= 0.0)) & ((ap < aq) | ((ap == aq) & (p >= 0.0)))
}

/// Writes `classify(m)` where the pixel of `cur` (magnitude `m`) marks a zero crossing of the
/// Laplacian towards one of its neighbours along its axis, `0` elsewhere. `prev` and `next`
/// are the Laplacian rows above and below (`cur` itself at the top and bottom of the image);
/// `dx`, `dy` and `magnitude` are those of row `cur`. Branch-free, so the row loop
/// vectorises.
#[inline(always)]
pub(crate) fn crossing_row(
    out: &mut [u8],
    [prev, cur, next]: [&[f32]; 3],
    dx: &[f32],
    dy: &[f32],
    magnitude: &[f32],
    classify: impl Fn(f32) -> u8,
) {
    let n = cur.len();
    let at = |x: usize| {
        let (l, r) = (x.saturating_sub(1), (x + 1).min(n - 1));
        let marked = marks(cur[x], dx[x], dy[x], [cur[l], cur[r]], [prev[x], next[x]]);
        if marked {
            classify(magnitude[x])
        } else {
            0
        }
    };
    if !borders(out, at) {
        return;
    }
    // Equal-length slices: no bounds checks, vectorised.
    let k = n - 2;
    let (o, c, gx, gy, m) = (
        &mut out[1..n - 1],
        &cur[1..n - 1],
        &dx[1..n - 1],
        &dy[1..n - 1],
        &magnitude[1..n - 1],
    );
    let (l, r, u, d) = (&cur[..k], &cur[2..k + 2], &prev[1..k + 1], &next[1..k + 1]);
    for i in 0..k {
        let marked = marks(c[i], gx[i], gy[i], [l[i], r[i]], [u[i], d[i]]);
        let class = classify(m[i]);
        o[i] = if marked { class } else { 0 };
    }
}

/// Whether the pixel of Laplacian `p` and gradient `(gx, gy)` marks a crossing towards one of
/// its neighbours along its axis: `[left, right]` or `[up, down]`.
#[inline(always)]
fn marks(p: f32, gx: f32, gy: f32, [l, r]: [f32; 2], [u, d]: [f32; 2]) -> bool {
    let horizontal = gx.abs() >= gy.abs();
    (horizontal & (crosses(p, l) | crosses(p, r))) | (!horizontal & (crosses(p, u) | crosses(p, d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pixel_nearer_zero_marks_a_crossing_once() {
        assert!(crosses(0.25, -1.0) && !crosses(-1.0, 0.25));
        assert!(crosses(-0.25, 1.0) && !crosses(1.0, -0.25));
        // A tie goes to the side that is not negative; zero is on that side.
        assert!(crosses(0.5, -0.5) && !crosses(-0.5, 0.5));
        assert!(crosses(0.0, -0.5) && !crosses(0.0, 0.5));
        assert!(!crosses(0.5, 0.25) && !crosses(-0.5, -0.25));
        assert!(!crosses(f32::NAN, 1.0) && !crosses(1.0, f32::NAN));
        assert!(!crosses(f32::NAN, -1.0) && !crosses(-1.0, f32::NAN));
    }

    #[test]
    fn a_row_marks_the_crossing_along_the_gradient_axis_only() {
        // Laplacian of a step between columns 2 and 3: positive then negative.
        let cur = [0.0, 0.5, 0.25, -0.75, -0.5, -0.25];
        let flat = [0.0; 6];
        let m = [0.1, 0.2, 0.4, 0.4, 0.2, 0.1];
        let mut out = [9u8; 6];
        let horizontal = [1.0f32; 6];
        crossing_row(&mut out, [&cur, &cur, &cur], &horizontal, &flat, &m, |_| 7);
        assert_eq!(out, [0, 0, 7, 0, 0, 0]);
        // The same values with a vertical gradient: no crossing above or below.
        crossing_row(&mut out, [&cur, &cur, &cur], &flat, &horizontal, &m, |_| 7);
        assert_eq!(out, [0; 6]);
        // Vertically, a crossing with the row below.
        let below = [-1.0f32; 6];
        crossing_row(
            &mut out,
            [&cur, &cur, &below],
            &flat,
            &horizontal,
            &m,
            |_| 7,
        );
        assert_eq!(out, [7, 7, 7, 0, 0, 0]);
    }
}
