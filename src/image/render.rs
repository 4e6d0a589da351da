//! Pictures of detection results: the edge mask, the normalised magnitude, the direction as a
//! colour wheel, the signed derivatives on a diverging colour map, edges over the photo, and
//! linked curves over it, coloured curve by curve.
//!
//! Every function takes the arrays of a detection (axis 0 = y, axis 1 = x) and returns an
//! `image` buffer of the same size; writing files is [`crate::image::encode`]'s job. Non-finite values
//! never panic: NaN draws as zero, infinities as the extreme colour of their sign.

pub(crate) mod rows;

use image::{GrayImage, ImageBuffer, Luma, RgbImage};
use imageproc::drawing::draw_line_segment_mut;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use rows::{round_up, Diverging, Wheel};

use super::curves::{Curves, EdgePoint};

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

/// The largest finite absolute value of `a`, or 1 if it is not above zero ([`rows::scale`]).
fn picture_scale(a: ArrayView2<'_, f32>) -> f32 {
    let max = match a.as_slice() {
        Some(s) => s
            .par_chunks(1 << 16)
            .map(|c| rows::finite_abs_max(0.0, c))
            .reduce(|| 0.0, f32::max),
        None => a
            .outer_iter()
            .fold(0.0, |m, row| rows::finite_abs_max(m, &row.to_vec())),
    };
    rows::scale(max)
}

/// Calls `f(out_row, rows)` for every row of the `(rows, cols)` arrays `a` in parallel, with
/// `out_row` the row's `cols` pixels of `out` and `rows` its rows of `a` as slices (copied
/// when not contiguous).
fn draw_rows<P: Send, const N: usize>(
    out: &mut [P],
    a: [ArrayView2<'_, f32>; N],
    f: impl Fn(&mut [P], [&[f32]; N]) + Sync,
) {
    let cols = a.first().map_or(0, |a| a.ncols());
    if cols == 0 {
        return;
    }
    out.par_chunks_mut(cols).enumerate().for_each(|(y, dst)| {
        let owned = a.map(|a| {
            let row = a.row(y);
            match row.as_slice() {
                Some(_) => None,
                None => Some(row.to_vec()),
            }
        });
        let slices: [&[f32]; N] = std::array::from_fn(|k| match &owned[k] {
            Some(v) => v.as_slice(),
            None => a[k].row(y).to_slice().unwrap_or(&[]),
        });
        f(dst, slices);
    });
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
    let max = picture_scale(m);
    match depth {
        Depth::Eight => {
            let mut raw = vec![0u8; rows * cols];
            draw_rows(&mut raw, [m], |out, [m]| rows::gray8(out, m, max));
            GrayPicture::Eight(GrayImage::from_raw(cols as u32, rows as u32, raw).expect("size"))
        }
        Depth::Sixteen => {
            let mut raw = vec![0u16; rows * cols];
            draw_rows(&mut raw, [m], |out, [m]| rows::gray16(out, m, max));
            GrayPicture::Sixteen(
                ImageBuffer::from_raw(cols as u32, rows as u32, raw).expect("size"),
            )
        }
    }
}

/// Pixels of three channels as an RGB picture of `cols x rows`.
pub(crate) fn rgb_picture(cols: usize, rows: usize, pixels: Vec<[u8; 3]>) -> RgbImage {
    RgbImage::from_raw(cols as u32, rows as u32, pixels.into_flattened()).expect("size")
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
    let wheel = Wheel::get();
    let max = picture_scale(mag);
    let (rows, cols) = dir.dim();
    let mut pixels = vec![[0u8; 3]; rows * cols];
    draw_rows(&mut pixels, [dir, mag], |out, [d, m]| {
        wheel.row(out, d, m, max, &mut Vec::with_capacity(cols))
    });
    rgb_picture(cols, rows, pixels)
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
    let map = Diverging::get();
    let max = picture_scale(d);
    let (rows, cols) = d.dim();
    let mut pixels = vec![[0u8; 3]; rows * cols];
    draw_rows(&mut pixels, [d], |out, [d]| map.row(out, d, max));
    rgb_picture(cols, rows, pixels)
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

/// The colours [`contours`] gives the curves in turn (colorous's Tableau 10, bright enough to
/// stand out on a dimmed photo).
fn curve_colour(i: usize) -> [u8; 3] {
    let c = colorous::TABLEAU10[i % colorous::TABLEAU10.len()];
    [c.r, c.g, c.b]
}

/// The curves over the dimmed photo (dimmed as [`overlay`] does), each drawn as the polyline
/// through its points in a colour of its own (ten colours in turn), a closed curve with its
/// closing segment. Each point is drawn in the pixel it lies in (its position rounded to the
/// nearest pixel centre; the line between two of them is Bresenham's between those pixels).
///
/// ```
/// use edgegrad::image::curves::{Curve, Curves, EdgePoint};
/// let p = |x, y| EdgePoint { x, y, strength: 1.0, direction: 0.0 };
/// let line = Curve { points: vec![p(0.0, 1.0), p(3.0, 1.0)], closed: false };
/// let curves = Curves { width: 4, height: 3, curves: vec![line] };
/// let photo = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 100, 0]));
/// let pic = edgegrad::image::render::contours(&photo, &curves);
/// assert_eq!(pic.get_pixel(0, 0).0, [90, 45, 0]);
/// assert_ne!(pic.get_pixel(2, 1).0, [90, 45, 0]);
/// ```
pub fn contours(photo: &RgbImage, curves: &Curves) -> RgbImage {
    let mut out = overlay(
        photo,
        ArrayView2::from_shape((0, 0), &[]).expect("an empty view"),
    );
    // imageproc's line starts at the pixel its end points truncate to (with (0, 0) the centre
    // of the top-left pixel, a point at x = 4.7 would be drawn in column 4, not 5), so the end
    // points are given rounded.
    let pixel = |p: &EdgePoint| (p.x.round(), p.y.round());
    for (i, curve) in curves.curves.iter().enumerate() {
        let colour = image::Rgb(curve_colour(i));
        let points = &curve.points;
        let closing = curve.closed && points.len() > 2;
        let segments = points.windows(2).map(|w| (&w[0], &w[1]));
        let last = closing.then(|| (&points[points.len() - 1], &points[0]));
        for (a, b) in segments.chain(last) {
            draw_line_segment_mut(&mut out, pixel(a), pixel(b), colour);
        }
        if let [only] = points.as_slice() {
            draw_line_segment_mut(&mut out, pixel(only), pixel(only), colour);
        }
    }
    out
}

#[cfg(test)]
mod tests;
