//! Gaussian smoothing (`--sigma`): separable, row by row, so bands can smooth only what they need.
//!
//! The kernel is the normalised Gaussian `exp(-k² / 2σ²)` for `|k| <= radius`, with
//! `radius = max(1, round(3σ))` (OpenCV's choice for 8-bit images); pixels outside the image take
//! the value of the nearest border pixel (replicate). Each smoothed row is made from the input
//! rows around it: first the vertical pass (reading the 8-/16-bit samples directly, the scaling to
//! `[0, 1]` folded into the weights), then the horizontal pass. The full-image [`smooth`] and the
//! fused pipeline call the same row function, so they agree bit for bit.

use ndarray::Array2;
use thiserror::Error;

use crate::image::bands::{BandOutput, Bands};
use crate::image::plane::{with_plane, RowSource, Sample};
use crate::image::row_cache::RowCache;
use crate::image::LumaView;

/// The largest accepted sigma (a kernel of 601 taps).
pub const MAX_SIGMA: f32 = 100.0;

/// Why a Gaussian kernel could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Error)]
#[error("sigma must be a number greater than 0 and at most {MAX_SIGMA}, got {0}")]
pub struct SigmaError(pub f32);

/// A normalised, symmetric Gaussian kernel.
///
/// ```
/// use edgegrad::detect::smoothing::GaussianKernel;
/// let k = GaussianKernel::new(1.4).unwrap();
/// assert_eq!(k.radius(), 4);
/// let w = k.weights();
/// assert_eq!(w.len(), 9);
/// assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// assert!(GaussianKernel::new(-1.0).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianKernel {
    sigma: f32,
    /// `half[k]` is the weight at offsets `±k`.
    half: Vec<f64>,
}

impl GaussianKernel {
    /// The kernel for `sigma`, with radius `max(1, round(3 sigma))`.
    pub fn new(sigma: f32) -> Result<Self, SigmaError> {
        if !(sigma > 0.0 && sigma <= MAX_SIGMA) {
            return Err(SigmaError(sigma));
        }
        let radius = ((3.0 * sigma).round() as usize).max(1);
        Ok(Self::with_radius(sigma, radius))
    }

    /// The kernel for a valid `sigma` truncated at `radius` (at least 1).
    ///
    /// ```
    /// use edgegrad::detect::smoothing::GaussianKernel;
    /// assert_eq!(GaussianKernel::with_radius(2.0, 4).radius(), 4);
    /// ```
    pub fn with_radius(sigma: f32, radius: usize) -> Self {
        let radius = radius.max(1);
        let s = f64::from(sigma);
        let raw: Vec<f64> = (0..=radius)
            .map(|k| (-((k * k) as f64) / (2.0 * s * s)).exp())
            .collect();
        let sum = raw[0] + 2.0 * raw[1..].iter().sum::<f64>();
        GaussianKernel {
            sigma,
            half: raw.iter().map(|w| w / sum).collect(),
        }
    }

    /// The standard deviation.
    pub fn sigma(&self) -> f32 {
        self.sigma
    }

    /// Taps on each side of the centre.
    pub fn radius(&self) -> usize {
        self.half.len() - 1
    }

    /// All `2 radius + 1` weights, left to right (they sum to 1).
    pub fn weights(&self) -> Vec<f64> {
        let r = self.radius();
        (0..=2 * r).map(|i| self.half[i.abs_diff(r)]).collect()
    }

    /// The half weights as `f32` for a sample type whose full intensity is `scale`.
    pub(crate) fn row_weights(&self, scale: f32) -> RowWeights {
        let cast = |d: f64| self.half.iter().map(|&w| (w / d) as f32).collect();
        RowWeights {
            vertical: cast(f64::from(scale)),
            horizontal: cast(1.0),
        }
    }
}

/// The half weights of a kernel as used on one sample type: the vertical pass reads raw samples,
/// so its weights include the division by the full-intensity value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowWeights {
    vertical: Vec<f32>,
    horizontal: Vec<f32>,
}

impl RowWeights {
    /// Taps on each side of the centre.
    pub fn radius(&self) -> usize {
        self.horizontal.len() - 1
    }
}

/// Smooths rows of one source, keeping the raw input rows it has converted to `f32` in a cache
/// of `2 radius + 1` rows, so each input row is converted once however many output rows use it
/// (rows in increasing order are cheapest; bench stage/smooth_1.4).
pub(crate) struct Smoother {
    raw: RowCache,
    pad: Vec<f32>,
}

impl Smoother {
    /// Buffers for rows of `cols` samples and weights of `radius`.
    pub fn new(cols: usize, radius: usize) -> Self {
        Smoother {
            raw: RowCache::new(2 * radius + 1, cols),
            pad: vec![0.0; cols + 2 * radius],
        }
    }

    /// Makes sure input row `k` is in the cache, as raw `f32` values.
    #[inline(always)]
    fn load<S: RowSource>(&mut self, source: &S, k: usize) {
        if !self.raw.has(k) {
            for (o, &v) in self.raw.slot(k).iter_mut().zip(source.row(k)) {
                *o = v.raw();
            }
        }
    }

    /// Writes row `y` of the smoothed grid of `source` into `out` (`cols` long), with the
    /// weights for the source's sample type (whose radius must be the one given to
    /// [`Smoother::new`]).
    #[inline(always)]
    pub fn row<S: RowSource>(&mut self, source: &S, w: &RowWeights, y: usize, out: &mut [f32]) {
        let (n, cols) = (source.rows(), source.cols());
        let r = w.radius();
        for k in y.saturating_sub(r)..=(y + r).min(n - 1) {
            self.load(source, k);
        }
        let raw = &self.raw;
        let mut pad = std::mem::take(&mut self.pad);
        {
            let v = &w.vertical;
            let acc = &mut pad[r..r + cols];
            for (a, &s) in acc.iter_mut().zip(raw.row(y)) {
                *a = v[0] * s;
            }
            // Two taps per pass over the row: half the loads and stores of the sums.
            let mut k = 1;
            while k < r {
                let (u1, d1) = (raw.row(y.saturating_sub(k)), raw.row((y + k).min(n - 1)));
                let (u2, d2) = (
                    raw.row(y.saturating_sub(k + 1)),
                    raw.row((y + k + 1).min(n - 1)),
                );
                let (w1, w2) = (v[k], v[k + 1]);
                for ((((a, &u1), &d1), &u2), &d2) in acc.iter_mut().zip(u1).zip(d1).zip(u2).zip(d2)
                {
                    *a += w1 * (u1 + d1) + w2 * (u2 + d2);
                }
                k += 2;
            }
            if k == r {
                let (u, d) = (raw.row(y.saturating_sub(k)), raw.row((y + k).min(n - 1)));
                for ((a, &u), &d) in acc.iter_mut().zip(u).zip(d) {
                    *a += v[k] * (u + d);
                }
            }
        }
        let (first, last) = (pad[r], pad[r + cols - 1]);
        pad[..r].fill(first);
        pad[r + cols..].fill(last);
        let h = &w.horizontal;
        for (o, &c) in out.iter_mut().zip(&pad[r..r + cols]) {
            *o = h[0] * c;
        }
        let mut k = 1;
        while k < r {
            let (l1, r1) = (&pad[r - k..r - k + cols], &pad[r + k..r + k + cols]);
            let (l2, r2) = (
                &pad[r - k - 1..r - k - 1 + cols],
                &pad[r + k + 1..r + k + 1 + cols],
            );
            let (w1, w2) = (h[k], h[k + 1]);
            for ((((o, &a1), &b1), &a2), &b2) in out.iter_mut().zip(l1).zip(r1).zip(l2).zip(r2) {
                *o += w1 * (a1 + b1) + w2 * (a2 + b2);
            }
            k += 2;
        }
        if k == r {
            let (a, b) = (&pad[r - k..r - k + cols], &pad[r + k..r + k + cols]);
            for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
                *o += h[k] * (a + b);
            }
        }
        self.pad = pad;
    }
}

/// The grid of `luma` smoothed with `kernel`, in parallel over bands of rows.
///
/// ```
/// use edgegrad::{image::LumaView, detect::smoothing::{smooth, GaussianKernel}};
/// let img = ndarray::Array2::from_elem((4, 6), 255u8);
/// let s = smooth(LumaView::U8(img.view()), &GaussianKernel::new(1.0).unwrap());
/// assert!(s.iter().all(|&v| (v - 1.0).abs() < 1e-6));
/// ```
pub fn smooth(luma: LumaView<'_>, kernel: &GaussianKernel) -> Array2<f32> {
    let (rows, cols) = luma.dim();
    let mut out = Array2::<f32>::zeros((rows, cols));
    let data = out.as_slice_mut().expect("fresh arrays are contiguous");
    with_plane!(luma, |plane| smooth_source(&plane, kernel, data));
    out
}

/// Writes the smoothed grid of `source` into `out` (row-major, the source's size).
fn smooth_source<S: RowSource>(source: &S, kernel: &GaussianKernel, out: &mut [f32]) {
    let w = kernel.row_weights(S::Sample::SCALE);
    let bands = Bands::new(source.rows(), source.cols());
    bands.for_each(
        out,
        || Smoother::new(bands.cols(), kernel.radius()),
        |smoother, rows, part| {
            for (y, row) in rows.zip(part.into_rows(bands.cols())) {
                smoother.row(source, &w, y, row);
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Direct 2-D convolution in f64 with replicated borders.
    fn reference(grid: &Array2<f64>, kernel: &GaussianKernel) -> Array2<f64> {
        let (rows, cols) = grid.dim();
        let w = kernel.weights();
        let r = kernel.radius() as isize;
        Array2::from_shape_fn((rows, cols), |(y, x)| {
            let mut s = 0.0;
            for dy in -r..=r {
                for dx in -r..=r {
                    let yy = (y as isize + dy).clamp(0, rows as isize - 1) as usize;
                    let xx = (x as isize + dx).clamp(0, cols as isize - 1) as usize;
                    s += w[(dy + r) as usize] * w[(dx + r) as usize] * grid[[yy, xx]];
                }
            }
            s
        })
    }

    fn test_image(rows: usize, cols: usize) -> Array2<u8> {
        Array2::from_shape_fn((rows, cols), |(y, x)| {
            ((x * 37 + y * 91 + (x * y) % 13 * 17) % 256) as u8
        })
    }

    #[test]
    fn matches_a_direct_convolution() {
        for &(rows, cols, sigma) in &[(9, 13, 1.4f32), (3, 2, 2.0), (1, 7, 0.8), (20, 5, 3.0)] {
            let img = test_image(rows, cols);
            let kernel = GaussianKernel::new(sigma).unwrap();
            let ours = smooth(LumaView::U8(img.view()), &kernel);
            let want = reference(&img.mapv(|v| f64::from(v) / 255.0), &kernel);
            for ((y, x), &v) in ours.indexed_iter() {
                assert!(
                    (f64::from(v) - want[[y, x]]).abs() < 2e-6,
                    "{rows}x{cols} sigma {sigma} at ({y},{x}): {v} vs {}",
                    want[[y, x]]
                );
            }
        }
    }

    #[test]
    fn matches_imageproc_with_its_kernel_radius() {
        let img = test_image(31, 40);
        let sigma = 1.7f32;
        let grid = img.mapv(|v| f32::from(v) / 255.0);
        let buf = image::ImageBuffer::<image::Luma<f32>, Vec<f32>>::from_raw(
            40,
            31,
            grid.iter().copied().collect(),
        )
        .unwrap();
        let theirs = imageproc::filter::gaussian_blur_f32(&buf, sigma);
        let kernel = GaussianKernel::with_radius(sigma, (2.0 * sigma).ceil() as usize);
        let ours = smooth(LumaView::F32(grid.view()), &kernel);
        for ((y, x), &v) in ours.indexed_iter() {
            let t = theirs.get_pixel(x as u32, y as u32)[0];
            assert!((v - t).abs() < 1e-5, "({y},{x}): {v} vs {t}");
        }
    }

    #[test]
    fn sixteen_bit_and_float_inputs_smooth_the_same_grid() {
        let img = test_image(6, 9);
        let k = GaussianKernel::new(1.0).unwrap();
        let a = smooth(LumaView::U8(img.view()), &k);
        let wide = img.mapv(|v| u16::from(v) * 257);
        let b = smooth(LumaView::U16(wide.view()), &k);
        let grid = img.mapv(|v| f32::from(v) / 255.0);
        let c = smooth(LumaView::F32(grid.view()), &k);
        for ((&a, &b), &c) in a.iter().zip(&b).zip(&c) {
            assert!((a - b).abs() < 1e-6 && (a - c).abs() < 1e-6);
        }
    }

    #[test]
    fn refuses_bad_sigmas() {
        for s in [0.0, -1.0, f32::NAN, f32::INFINITY, 1000.0] {
            assert!(GaussianKernel::new(s).is_err(), "{s}");
        }
    }
}
