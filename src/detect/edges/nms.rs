//! Non-maximum suppression (`--thin`): keep a pixel only where its magnitude is a maximum along
//! the gradient direction, so edges are one pixel wide.
//!
//! The direction is rounded to one of four (horizontal, vertical, two diagonals) with the usual
//! `tan 22.5°` and `tan 67.5°` bounds, and the pixel is compared with its two neighbours that
//! way. It is kept when it is strictly greater than the neighbour behind it (left, above, or the
//! upper one of a diagonal) and at least as great as the one ahead: a ridge two pixels wide with
//! equal magnitudes (a sharp step seen by central differences) keeps exactly one of them.
//! Outside the image the magnitude continues as at the border (replicate), so a gradient that
//! runs off the image does not make a border line.

/// `tan(22.5°)`.
const TAN_22_5: f32 = 0.414_213_57;
/// `tan(67.5°)`.
const TAN_67_5: f32 = 2.414_213_6;

/// Whether the pixel of magnitude `m` is a maximum along its gradient `(gx, gy)`, given its
/// eight neighbours' magnitudes (`p*` the row above, `n*` below; `l`, `c`, `r` = left, centre,
/// right). Branch-free, so the row loop vectorises.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn is_max(
    m: f32,
    gx: f32,
    gy: f32,
    [pl, pc, pr]: [f32; 3],
    [cl, cr]: [f32; 2],
    [nl, nc, nr]: [f32; 3],
) -> bool {
    let (ax, ay) = (gx.abs(), gy.abs());
    let horizontal = ay <= ax * TAN_22_5;
    let vertical = ay > ax * TAN_67_5;
    let diagonal = !horizontal & !vertical;
    let same_sign = (gx > 0.0) == (gy > 0.0);
    // Every comparison is made and the one of the pixel's direction selected with masks:
    // selecting the neighbours instead makes the compiler pick addresses, which does not
    // vectorise (bench stage/nms).
    (horizontal & (m > cl) & (m >= cr))
        | (vertical & (m > pc) & (m >= nc))
        | (diagonal & same_sign & (m > pl) & (m >= nr))
        | (diagonal & !same_sign & (m > pr) & (m >= nl))
}

/// Writes `classify(m)` where the pixel of magnitude `m` in `cur` is a local maximum, `0`
/// elsewhere. `prev` and `next` are the magnitude rows above and below (`cur` itself at the top
/// and bottom of the image); `dx`, `dy` are the derivatives of row `cur`.
#[inline(always)]
pub(crate) fn suppress_row(
    out: &mut [u8],
    [prev, cur, next]: [&[f32]; 3],
    dx: &[f32],
    dy: &[f32],
    classify: impl Fn(f32) -> u8,
) {
    let n = cur.len();
    let at = |x: usize| {
        let (l, r) = (x.saturating_sub(1), (x + 1).min(n - 1));
        let max = is_max(
            cur[x],
            dx[x],
            dy[x],
            [prev[l], prev[x], prev[r]],
            [cur[l], cur[r]],
            [next[l], next[x], next[r]],
        );
        if max {
            classify(cur[x])
        } else {
            0
        }
    };
    if !borders(out, at) {
        return;
    }
    // The interior, over equal-length shifted slices (no bounds checks, vectorised).
    let k = n - 2;
    let (o, m, gx, gy) = (
        &mut out[1..n - 1],
        &cur[1..n - 1],
        &dx[1..n - 1],
        &dy[1..n - 1],
    );
    let (pl, pc, pr) = (&prev[..k], &prev[1..k + 1], &prev[2..k + 2]);
    let (cl, cr) = (&cur[..k], &cur[2..k + 2]);
    let (nl, nc, nr) = (&next[..k], &next[1..k + 1], &next[2..k + 2]);
    for i in 0..k {
        let max = is_max(
            m[i],
            gx[i],
            gy[i],
            [pl[i], pc[i], pr[i]],
            [cl[i], cr[i]],
            [nl[i], nc[i], nr[i]],
        );
        let c = classify(m[i]);
        o[i] = if max { c } else { 0 };
    }
}

/// Writes `at(x)` at the first and last pixels of a row (at every pixel of a row shorter than
/// three); whether the row has an interior, `out[1..n - 1]`, left to the caller's vectorised
/// loop (which slices it itself, so that the compiler sees the lengths).
#[inline(always)]
pub(crate) fn borders(out: &mut [u8], at: impl Fn(usize) -> u8) -> bool {
    let n = out.len();
    if n < 3 {
        for (x, o) in out.iter_mut().enumerate() {
            *o = at(x);
        }
        return false;
    }
    out[0] = at(0);
    out[n - 1] = at(n - 1);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::derivatives::{Derivatives, Operator};
    use crate::detect::edges::magnitude::magnitude;
    use crate::detect::smoothing::GaussianKernel;
    use crate::image::LumaView;
    use ndarray::{Array2, ArrayView2};

    /// [`suppress_row`] over whole maps, row by row.
    fn suppress(
        magnitude: ArrayView2<'_, f32>,
        dx: ArrayView2<'_, f32>,
        dy: ArrayView2<'_, f32>,
        classify: impl Fn(f32) -> u8,
    ) -> Array2<u8> {
        let (rows, cols) = magnitude.dim();
        let row = |a: &ArrayView2<'_, f32>, y: usize| a.row(y).to_vec();
        let mut out = Array2::<u8>::zeros((rows, cols));
        for y in 0..rows {
            let m = [y.saturating_sub(1), y, (y + 1).min(rows - 1)].map(|k| row(&magnitude, k));
            let mut o = vec![0u8; cols];
            suppress_row(
                &mut o,
                [&m[0], &m[1], &m[2]],
                &row(&dx, y),
                &row(&dy, y),
                &classify,
            );
            out.row_mut(y).assign(&ndarray::Array1::from(o));
        }
        out
    }

    fn thin_of(img: &Array2<f32>, op: Operator, sigma: Option<f32>) -> Array2<u8> {
        let d = Derivatives::new(op, 1, sigma.map(|s| GaussianKernel::new(s).unwrap())).unwrap();
        let (dx, dy) = d.compute(LumaView::F32(img.view()));
        let m = magnitude(dx.view(), dy.view());
        // Only maxima with a real gradient count (flat areas have none).
        suppress(m.view(), dx.view(), dy.view(), |m| {
            if m > 1e-3 {
                255
            } else {
                0
            }
        })
    }

    #[test]
    fn a_blurred_vertical_step_thins_to_one_pixel_per_row() {
        let img = Array2::from_shape_fn((12, 20), |(_, x)| if x < 10 { 0.2f32 } else { 0.8 });
        for op in [
            Operator::Central,
            Operator::Sobel,
            Operator::Scharr,
            Operator::Prewitt,
        ] {
            for sigma in [None, Some(1.0), Some(2.5)] {
                let t = thin_of(&img, op, sigma);
                for (y, row) in t.rows().into_iter().enumerate() {
                    let on: Vec<usize> = (0..20).filter(|&x| row[x] == 255).collect();
                    assert_eq!(on.len(), 1, "{op:?} {sigma:?} row {y}: {on:?}");
                    assert!(
                        on[0] == 9 || on[0] == 10,
                        "{op:?} {sigma:?} row {y}: {on:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_blurred_horizontal_step_thins_to_one_pixel_per_column() {
        let img = Array2::from_shape_fn((20, 9), |(y, _)| if y < 7 { 0.9f32 } else { 0.1 });
        let t = thin_of(&img, Operator::Sobel, Some(1.4));
        for x in 0..9 {
            let on: Vec<usize> = (0..20).filter(|&y| t[[y, x]] == 255).collect();
            assert_eq!(on.len(), 1, "column {x}: {on:?}");
        }
    }

    #[test]
    fn a_diagonal_edge_thins_to_a_staircase() {
        // A 45° step lies between two diagonals of pixels of equal magnitude: both are maxima
        // along the gradient, making a 4-connected staircase, at most two adjacent pixels a row.
        let img = Array2::from_shape_fn((24, 24), |(y, x)| if x + 2 > y { 1.0f32 } else { 0.0 });
        let t = thin_of(&img, Operator::Central, Some(1.4));
        for y in 4..20 {
            let on: Vec<usize> = (0..24).filter(|&x| t[[y, x]] == 255).collect();
            assert!(!on.is_empty() && on.len() <= 2, "row {y}: {on:?}");
            assert!(on.iter().all(|&x| x + 3 >= y && x <= y), "row {y}: {on:?}");
            assert_eq!(on[on.len() - 1] - on[0], on.len() - 1, "row {y}: {on:?}");
        }
    }

    #[test]
    fn a_ramp_running_off_the_image_leaves_no_border_line() {
        // Equal magnitudes everywhere: nothing is strictly above the pixel behind it.
        let img = Array2::from_shape_fn((6, 8), |(_, x)| x as f32 * 0.125);
        let t = thin_of(&img, Operator::Central, None);
        assert!(t.iter().all(|&v| v == 0), "{t:?}");
    }
}
