//! Gradient magnitude `sqrt(dx² + dy²)`, direction `atan2(dy, dx)` (through
//! [`atan2`](super::atan2)), and the magnitude test
//! `magnitude > level` done on squared magnitudes.
//!
//! The magnitude is `f32` `sqrt(dx*dx + dy*dy)`: within one unit in the last place of
//! `hypot(dx, dy)` and much faster. The fused pipeline never takes the square root to threshold:
//! [`squared_level`] finds the level `s` with `sqrt(q) > t` exactly when `q > s`, so comparing
//! squared magnitudes gives the same edges as comparing magnitudes.

use ndarray::{Array2, ArrayView2, Zip};

/// Magnitudes of one row.
#[inline(always)]
pub(crate) fn magnitude_row(out: &mut [f32], dx: &[f32], dy: &[f32]) {
    for ((o, &x), &y) in out.iter_mut().zip(dx).zip(dy) {
        *o = (x * x + y * y).sqrt();
    }
}

/// The squared-magnitude level equivalent to the magnitude level `t`: for every `f32` `q >= 0`
/// (and NaN), `q.sqrt() > t` exactly when `q > squared_level(t)`.
///
/// ```
/// use edgegrad::detect::edges::magnitude::squared_level;
/// let t = 0.3f32;
/// let s = squared_level(t);
/// assert!(s.sqrt() <= t && f32::from_bits(s.to_bits() + 1).sqrt() > t);
/// ```
pub fn squared_level(t: f32) -> f32 {
    if t.is_nan() || t == f32::INFINITY {
        return t;
    }
    if t < 0.0 {
        return -1.0;
    }
    // The largest q with sqrt(q) <= t; sqrt is monotonic, so a few steps from t*t find it.
    let mut q = t * t;
    while q > 0.0 && q.sqrt() > t {
        q = step(q, -1);
    }
    while q < f32::INFINITY && step(q, 1).sqrt() <= t {
        q = step(q, 1);
    }
    q
}

/// The neighbouring `f32` of a non-negative `q` (`by` = 1 up, -1 down).
fn step(q: f32, by: i32) -> f32 {
    f32::from_bits(q.to_bits().wrapping_add_signed(by))
}

/// The magnitude `sqrt(dx² + dy²)` of whole maps.
///
/// ```
/// use edgegrad::detect::edges::magnitude::magnitude;
/// let m = magnitude(ndarray::array![[3.0f32]].view(), ndarray::array![[4.0f32]].view());
/// assert_eq!(m[[0, 0]], 5.0);
/// ```
pub fn magnitude(dx: ArrayView2<'_, f32>, dy: ArrayView2<'_, f32>) -> Array2<f32> {
    let mut out = Array2::zeros(dx.raw_dim());
    Zip::from(out.rows_mut())
        .and(dx.rows())
        .and(dy.rows())
        .par_for_each(|mut o, x, y| {
            for ((o, &x), &y) in o.iter_mut().zip(x).zip(y) {
                *o = (x * x + y * y).sqrt();
            }
        });
    out
}

/// The direction `atan2(dy, dx)` in radians, in `[-π, π]` (with `y` pointing down the image),
/// computed by [`atan2`](super::atan2::atan2): within 2e-6 rad of the exact angle.
///
/// ```
/// use edgegrad::detect::edges::magnitude::direction;
/// let a = direction(ndarray::array![[0.0f32]].view(), ndarray::array![[1.0f32]].view());
/// assert_eq!(a[[0, 0]], std::f32::consts::FRAC_PI_2);
/// ```
pub fn direction(dx: ArrayView2<'_, f32>, dy: ArrayView2<'_, f32>) -> Array2<f32> {
    let mut out = Array2::zeros(dx.raw_dim());
    Zip::from(&mut out)
        .and(&dx)
        .and(&dy)
        .par_for_each(|o, &x, &y| *o = super::atan2::atan2(y, x));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squared_levels_split_exactly_where_magnitudes_do() {
        let levels = [0.0f32, 1e-30, 0.08, 0.1, 0.3, 0.5, 0.7, 1.0, 1.5, 3e19];
        for &t in &levels {
            let s = squared_level(t);
            // Every q near the boundary (and a spread of others) agrees.
            let mut q = s;
            for _ in 0..64 {
                q = if q > 0.0 { step(q, -1) } else { q };
            }
            for _ in 0..128 {
                assert_eq!(q.sqrt() > t, q > s, "t {t}, q {q}");
                q = step(q, 1);
            }
        }
        assert_eq!(squared_level(-0.5), -1.0);
        assert!(0.0f32 > squared_level(-0.5));
        assert!(squared_level(f32::NAN).is_nan());
    }

    #[test]
    fn squared_levels_agree_with_magnitudes_row_by_row() {
        let dx: Vec<f32> = (0..500).map(|i| (i as f32 * 0.37).sin() * 0.5).collect();
        let dy: Vec<f32> = (0..500).map(|i| (i as f32 * 0.11).cos() * 0.5).collect();
        let mut m = vec![0.0; 500];
        magnitude_row(&mut m, &dx, &dy);
        for t in [0.0f32, 0.1, 0.25, 0.5, 0.7] {
            let s = squared_level(t);
            let a: Vec<bool> = dx.iter().zip(&dy).map(|(x, y)| x * x + y * y > s).collect();
            let b: Vec<bool> = m.iter().map(|&m| m > t).collect();
            assert_eq!(a, b, "t {t}");
        }
    }

    #[test]
    fn direction_follows_the_image_axes() {
        let dx = ndarray::array![[1.0f32, 0.0, -1.0]];
        let dy = ndarray::array![[0.0f32, -1.0, 0.0]];
        let a = direction(dx.view(), dy.view());
        assert_eq!(
            a.row(0).to_vec(),
            vec![0.0, -std::f32::consts::FRAC_PI_2, std::f32::consts::PI]
        );
    }
}
