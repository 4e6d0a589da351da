//! Pictures of detection results: the edge mask, the normalised magnitude, the direction as a
//! colour wheel, the signed derivatives on a diverging colour map, and edges over the photo.
//!
//! Every function takes the arrays of a detection (axis 0 = y, axis 1 = x) and returns an
//! `image` buffer of the same size; writing files is [`crate::image::encode`]'s job. Non-finite values
//! never panic: NaN draws as zero, infinities as the extreme colour of their sign.

use colorous::Gradient;
use image::{GrayImage, ImageBuffer, Luma, RgbImage};
use ndarray::{Array2, ArrayView2, Zip};
use rayon::prelude::*;

/// The bit depth of a gray picture.
///
/// ```
/// assert_eq!(edgegrad::image::render::Depth::default(), edgegrad::image::render::Depth::Eight);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    /// 0..=255.
    #[default]
    Eight,
    /// 0..=65535.
    Sixteen,
}

impl Depth {
    /// Bits per sample: 8 or 16.
    ///
    /// ```
    /// assert_eq!(edgegrad::image::render::Depth::Sixteen.bits(), 16);
    /// ```
    pub fn bits(self) -> u8 {
        match self {
            Depth::Eight => 8,
            Depth::Sixteen => 16,
        }
    }
}

/// A bit depth other than 8 or 16.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bit depth must be 8 or 16, got {0:?}")]
pub struct DepthParseError(pub String);

/// Parses `8` or `16`.
///
/// ```
/// use edgegrad::image::render::Depth;
/// assert_eq!("16".parse::<Depth>(), Ok(Depth::Sixteen));
/// assert!("12".parse::<Depth>().is_err());
/// ```
impl std::str::FromStr for Depth {
    type Err = DepthParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "8" => Ok(Depth::Eight),
            "16" => Ok(Depth::Sixteen),
            _ => Err(DepthParseError(s.to_string())),
        }
    }
}

impl std::fmt::Display for Depth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.bits())
    }
}

/// A gray picture of either depth.
#[derive(Debug, Clone, PartialEq)]
pub enum GrayPicture {
    /// 8-bit.
    Eight(GrayImage),
    /// 16-bit.
    Sixteen(ImageBuffer<Luma<u16>, Vec<u16>>),
}

/// The colour of edge pixels in [`overlay`]: a saturated yellow that stands out on dimmed photos.
pub const OVERLAY_EDGE_COLOUR: [u8; 3] = [255, 220, 0];

/// How much of the photo's brightness [`overlay`] keeps under non-edge pixels.
pub const OVERLAY_DIMMING: f32 = 0.45;

/// The edge mask (255 edge / 0 background) as an 8-bit gray picture, reusing its buffer when
/// the array is in standard (row-major) layout.
///
/// ```
/// let pic = edgegrad::image::render::edges(ndarray::array![[0u8, 255], [255, 0]]);
/// assert_eq!(pic.as_raw(), &vec![0, 255, 255, 0]);
/// ```
pub fn edges(mask: Array2<u8>) -> GrayImage {
    let (rows, cols) = mask.dim();
    let raw = if mask.is_standard_layout() {
        let (raw, offset) = mask.into_raw_vec_and_offset();
        debug_assert_eq!(offset.unwrap_or(0), 0);
        raw
    } else {
        mask.iter().copied().collect()
    };
    GrayImage::from_raw(cols as u32, rows as u32, raw).expect("buffer matches dimensions")
}

/// The largest finite absolute value of `a`, or `None` if it is not above zero.
fn finite_abs_max(a: ArrayView2<'_, f32>) -> Option<f32> {
    let fold = |m: f32, &v: &f32| {
        let v = v.abs();
        if v.is_finite() && v > m {
            v
        } else {
            m
        }
    };
    let max = match a.as_slice() {
        Some(s) => s
            .par_chunks(1 << 16)
            .map(|c| c.iter().fold(0.0, fold))
            .reduce(|| 0.0, f32::max),
        None => a.iter().fold(0.0, fold),
    };
    (max > 0.0).then_some(max)
}

/// `x >= 0` rounded to the nearest integer, halves up (then saturated by the `as` cast):
/// `f32::round` is a library call on baseline x86-64, this is two instructions.
fn round_up(x: f32) -> f32 {
    x + 0.5
}

/// `v / max` clamped to [0, 1]; NaN gives 0.
fn unit(v: f32, max: f32) -> f32 {
    let u = (v / max).clamp(0.0, 1.0);
    if u.is_nan() {
        0.0
    } else {
        u
    }
}

/// Applies `f` to every element of `a` in parallel, giving a row-major `Vec` of `channels`
/// values per element.
fn map_pixels<T, const C: usize>(a: ArrayView2<'_, T>, f: impl Fn(&T) -> [u8; C] + Sync) -> Vec<u8>
where
    T: Sync,
{
    let (rows, cols) = a.dim();
    let mut out = vec![0u8; rows * cols * C];
    if cols == 0 {
        return out;
    }
    out.par_chunks_mut(cols * C)
        .zip(a.outer_iter().into_par_iter())
        .for_each(|(dst, row)| {
            for (d, v) in dst.chunks_exact_mut(C).zip(row.iter()) {
                d.copy_from_slice(&f(v));
            }
        });
    out
}

/// The gradient magnitude as gray, normalised so that the largest finite value is white and
/// zero is black (all black when the magnitude is zero everywhere).
///
/// ```
/// use edgegrad::image::render::{magnitude, Depth, GrayPicture};
/// let m = ndarray::array![[0.0f32, 0.25, 0.5]];
/// let GrayPicture::Eight(pic) = magnitude(m.view(), Depth::Eight) else { unreachable!() };
/// assert_eq!(pic.as_raw(), &vec![0, 128, 255]);
/// ```
pub fn magnitude(m: ArrayView2<'_, f32>, depth: Depth) -> GrayPicture {
    let (rows, cols) = m.dim();
    let max = finite_abs_max(m).unwrap_or(1.0);
    match depth {
        Depth::Eight => {
            let raw = map_pixels(m, |&v| [round_up(unit(v, max) * 255.0) as u8]);
            GrayPicture::Eight(GrayImage::from_raw(cols as u32, rows as u32, raw).expect("size"))
        }
        Depth::Sixteen => {
            let mut raw = vec![0u16; rows * cols];
            Zip::from(ndarray::ArrayViewMut2::from_shape((rows, cols), &mut raw).expect("size"))
                .and(m)
                .par_for_each(|d, &v| *d = round_up(unit(v, max) * 65535.0) as u16);
            GrayPicture::Sixteen(
                ImageBuffer::from_raw(cols as u32, rows as u32, raw).expect("size"),
            )
        }
    }
}

/// A table of `n` colours sampled evenly from `gradient` over [0, 1].
fn table(gradient: Gradient, n: usize) -> Vec<[u8; 3]> {
    (0..n)
        .map(|i| {
            let c = gradient.eval_continuous(i as f64 / (n - 1) as f64);
            [c.r, c.g, c.b]
        })
        .collect()
}

/// The gradient direction as hue (colorous' cyclic Sinebow map, angle -pi..pi once round the
/// wheel; angles outside are clamped, NaN is black) and the magnitude as brightness (normalised like [`magnitude`]): strong edges are
/// vivid, flat regions black.
///
/// ```
/// use std::f32::consts::PI;
/// let dir = ndarray::array![[0.0f32, PI / 2.0, 0.0]];
/// let mag = ndarray::array![[1.0f32, 1.0, 0.0]];
/// let pic = edgegrad::image::render::direction(dir.view(), mag.view());
/// assert_ne!(pic.get_pixel(0, 0), pic.get_pixel(1, 0)); // other angle, other hue
/// assert_eq!(pic.get_pixel(2, 0).0, [0, 0, 0]);         // no magnitude, black
/// ```
pub fn direction(dir: ArrayView2<'_, f32>, mag: ArrayView2<'_, f32>) -> RgbImage {
    assert_eq!(
        dir.dim(),
        mag.dim(),
        "direction and magnitude have the same size"
    );
    const HUES: usize = 1024;
    let wheel = table(colorous::SINEBOW, HUES);
    let max = finite_abs_max(mag).unwrap_or(1.0);
    let (rows, cols) = dir.dim();
    let mut raw = vec![0u8; rows * cols * 3];
    if cols > 0 {
        raw.par_chunks_mut(cols * 3)
            .zip(dir.outer_iter().into_par_iter())
            .zip(mag.outer_iter().into_par_iter())
            .for_each(|((dst, d_row), m_row)| {
                for ((px, &d), &m) in dst.chunks_exact_mut(3).zip(d_row).zip(m_row) {
                    if !d.is_nan() {
                        let turn = (d / std::f32::consts::TAU + 0.5).clamp(0.0, 1.0);
                        let hue = wheel[round_up(turn * (HUES - 1) as f32) as usize];
                        let b = unit(m, max);
                        px.copy_from_slice(&hue.map(|c| round_up(f32::from(c) * b) as u8));
                    }
                }
            });
    }
    RgbImage::from_raw(cols as u32, rows as u32, raw).expect("size")
}

/// A signed derivative (dx or dy) on colorous' red-blue diverging map centred on zero: zero is
/// near white, positive values go to red and negative values to blue, the largest absolute
/// finite value reaching the ends.
///
/// ```
/// let d = ndarray::array![[-1.0f32, 0.0, 1.0]];
/// let pic = edgegrad::image::render::signed(d.view());
/// let [neg, zero, pos] = [0, 1, 2].map(|x| pic.get_pixel(x, 0).0);
/// assert!(pos[0] > pos[2] && neg[2] > neg[0]);   // red for +, blue for -
/// assert!(zero.iter().all(|&c| c > 230));         // near white for 0
/// ```
pub fn signed(d: ArrayView2<'_, f32>) -> RgbImage {
    const LEVELS: usize = 511;
    let map = table(colorous::RED_BLUE, LEVELS);
    let max = finite_abs_max(d).unwrap_or(1.0);
    let (rows, cols) = d.dim();
    let raw = map_pixels(d, |&v| {
        let t = if v.is_nan() {
            0.5
        } else {
            0.5 - 0.5 * (v / max).clamp(-1.0, 1.0)
        };
        map[round_up(t * (LEVELS - 1) as f32) as usize]
    });
    RgbImage::from_raw(cols as u32, rows as u32, raw).expect("size")
}

/// Edges in [`OVERLAY_EDGE_COLOUR`] over the photo dimmed to [`OVERLAY_DIMMING`] of its
/// brightness, at the photo's size. The mask is laid over the photo from the top-left corner;
/// photo pixels it does not cover (if it is smaller) count as non-edges.
///
/// ```
/// let photo = image::RgbImage::from_pixel(2, 1, image::Rgb([200, 100, 0]));
/// let pic = edgegrad::image::render::overlay(&photo, ndarray::array![[255u8, 0]].view());
/// assert_eq!(pic.get_pixel(0, 0).0, edgegrad::image::render::OVERLAY_EDGE_COLOUR);
/// assert_eq!(pic.get_pixel(1, 0).0, [90, 45, 0]);
/// ```
pub fn overlay(photo: &RgbImage, mask: ArrayView2<'_, u8>) -> RgbImage {
    let mut out = photo.clone();
    let cols = photo.width() as usize;
    if cols == 0 {
        return out;
    }
    out.par_chunks_mut(cols * 3)
        .enumerate()
        .for_each(|(y, dst)| {
            let edges = (y < mask.nrows()).then(|| mask.row(y));
            for (x, px) in dst.chunks_exact_mut(3).enumerate() {
                let edge = edges.and_then(|row| row.get(x).copied()).unwrap_or(0) != 0;
                if edge {
                    px.copy_from_slice(&OVERLAY_EDGE_COLOUR);
                } else {
                    px.iter_mut()
                        .for_each(|c| *c = round_up(f32::from(*c) * OVERLAY_DIMMING) as u8);
                }
            }
        });
    out
}

#[cfg(test)]
mod tests;
