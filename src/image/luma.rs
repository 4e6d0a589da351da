//! Luma grids: a decoded image's brightness in the cheapest exact form.
//!
//! - 8-bit gray (and gray + alpha) stays `u8`, meaning `value / 255`;
//! - 16-bit gray (and gray + alpha) stays `u16`, meaning `value / 65535`;
//! - colour becomes Rec. 601 luma `0.299 R + 0.587 G + 0.114 B` in `f32`, computed on the channel
//!   values scaled to [0, 1] (`R = r / 255` or `r / 65535`; float images as they are);
//! - alpha is ignored.

use image::DynamicImage;
use ndarray::parallel::prelude::*;
use ndarray::{Array2, ArrayView2, ArrayView3, Axis};

/// A decoded image's luma, in the cheapest exact representation: values are `u8 / 255`,
/// `u16 / 65535`, or `f32` as they are. Axis 0 is y (rows), axis 1 is x (columns).
///
/// ```
/// use edgegrad::image::Luma;
/// let luma = Luma::U8(ndarray::array![[0u8, 255], [51, 102]]);
/// assert_eq!(luma.dim(), (2, 2));
/// assert_eq!(luma.to_grid(), ndarray::array![[0.0f32, 1.0], [0.2, 0.4]]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Luma {
    /// 8-bit gray: each value means `value / 255`.
    U8(Array2<u8>),
    /// 16-bit gray: each value means `value / 65535`.
    U16(Array2<u16>),
    /// Luma computed from colour, or a float image: each value means itself.
    F32(Array2<f32>),
}

/// A borrowed [`Luma`]: what the pipeline reads.
///
/// ```
/// use edgegrad::image::{Luma, LumaView};
/// let luma = Luma::U16(ndarray::Array2::zeros((3, 5)));
/// assert!(matches!(luma.view(), LumaView::U16(_)));
/// assert_eq!(luma.view().dim(), (3, 5));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum LumaView<'a> {
    /// 8-bit gray: each value means `value / 255`.
    U8(ArrayView2<'a, u8>),
    /// 16-bit gray: each value means `value / 65535`.
    U16(ArrayView2<'a, u16>),
    /// Float luma: each value means itself.
    F32(ArrayView2<'a, f32>),
}

impl LumaView<'_> {
    /// The size as (rows, columns).
    ///
    /// ```
    /// let a = ndarray::Array2::<u8>::zeros((4, 6));
    /// assert_eq!(edgegrad::image::LumaView::U8(a.view()).dim(), (4, 6));
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        match self {
            LumaView::U8(a) => a.dim(),
            LumaView::U16(a) => a.dim(),
            LumaView::F32(a) => a.dim(),
        }
    }
}

impl Luma {
    /// A borrowed view, what the pipeline reads.
    ///
    /// ```
    /// let luma = edgegrad::image::Luma::F32(ndarray::array![[0.5f32]]);
    /// assert_eq!(luma.view().dim(), (1, 1));
    /// ```
    pub fn view(&self) -> LumaView<'_> {
        match self {
            Luma::U8(a) => LumaView::U8(a.view()),
            Luma::U16(a) => LumaView::U16(a.view()),
            Luma::F32(a) => LumaView::F32(a.view()),
        }
    }

    /// The grid of values in [0, 1] (`f32`): `u8 / 255`, `u16 / 65535` (divisions in `f32`,
    /// as numpy's `a.astype(np.float32) / 255` computes them), float values as they are.
    ///
    /// ```
    /// let luma = edgegrad::image::Luma::U16(ndarray::array![[0u16, 65535]]);
    /// assert_eq!(luma.to_grid(), ndarray::array![[0.0f32, 1.0]]);
    /// ```
    pub fn to_grid(&self) -> Array2<f32> {
        match self {
            Luma::U8(a) => a.mapv(|v| f32::from(v) / 255.0),
            Luma::U16(a) => a.mapv(|v| f32::from(v) / 65535.0),
            Luma::F32(a) => a.clone(),
        }
    }

    /// The size as (rows, columns).
    ///
    /// ```
    /// let luma = edgegrad::image::Luma::U8(ndarray::Array2::zeros((2, 7)));
    /// assert_eq!(luma.dim(), (2, 7));
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        self.view().dim()
    }
}

/// The [`Luma`] of a decoded image. Gray images keep their buffer (no copy); gray + alpha drops
/// the alpha; colour becomes Rec. 601 luma in `f32`.
///
/// ```
/// use edgegrad::image::{luma_of, Luma};
/// let img = image::DynamicImage::ImageLumaA8(
///     image::GrayAlphaImage::from_raw(2, 1, vec![10, 0, 20, 255]).unwrap(),
/// );
/// assert_eq!(luma_of(img), Luma::U8(ndarray::array![[10u8, 20]]));
/// ```
pub fn luma_of(img: DynamicImage) -> Luma {
    let shape = (img.height() as usize, img.width() as usize);
    match img {
        DynamicImage::ImageLuma8(i) => Luma::U8(to_array(shape, i.into_raw())),
        DynamicImage::ImageLuma16(i) => Luma::U16(to_array(shape, i.into_raw())),
        DynamicImage::ImageLumaA8(i) => Luma::U8(to_array(shape, first_of(i.as_raw(), 2))),
        DynamicImage::ImageLumaA16(i) => Luma::U16(to_array(shape, first_of(i.as_raw(), 2))),
        DynamicImage::ImageRgb8(i) => {
            Luma::F32(rec601(interleaved(i.as_raw(), 3, shape), &weighted_u8()))
        }
        DynamicImage::ImageRgba8(i) => {
            Luma::F32(rec601(interleaved(i.as_raw(), 4, shape), &weighted_u8()))
        }
        DynamicImage::ImageRgb16(i) => Luma::F32(rec601(
            interleaved(i.as_raw(), 3, shape),
            &weighted(scale_u16),
        )),
        DynamicImage::ImageRgba16(i) => Luma::F32(rec601(
            interleaved(i.as_raw(), 4, shape),
            &weighted(scale_u16),
        )),
        DynamicImage::ImageRgb32F(i) => {
            Luma::F32(rec601(interleaved(i.as_raw(), 3, shape), &weighted(|v| v)))
        }
        DynamicImage::ImageRgba32F(i) => {
            Luma::F32(rec601(interleaved(i.as_raw(), 4, shape), &weighted(|v| v)))
        }
        other => Luma::F32(rec601(
            interleaved(other.to_rgba32f().as_raw(), 4, shape),
            &weighted(|v| v),
        )),
    }
}

/// A row-major buffer of `rows x cols` values as an array, without copying.
pub(crate) fn to_array<T>(shape: (usize, usize), v: Vec<T>) -> Array2<T> {
    Array2::from_shape_vec(shape, v).expect("the decoder's buffer matches its dimensions")
}

/// Every `step`-th value starting at the first: the gray channel of gray + alpha pixels.
fn first_of<T: Copy>(raw: &[T], step: usize) -> Vec<T> {
    raw.iter().step_by(step).copied().collect()
}

/// The Rec. 601 weights of R, G and B.
const REC601: [f32; 3] = [0.299, 0.587, 0.114];

/// The weighted channel values `w_c * scale(v)` for channel `c`.
pub(crate) fn weighted<T>(scale: impl Fn(T) -> f32 + Sync) -> impl Fn(usize, T) -> f32 + Sync {
    move |c, v| REC601[c] * scale(v)
}

/// [`weighted`] for 8-bit channels through three tables of `w_c * (v / 255)`: the same values
/// as computing them, three lookups instead of three divisions and multiplications.
pub(crate) fn weighted_u8() -> impl Fn(usize, u8) -> f32 + Sync {
    let tables: Vec<[f32; 256]> = REC601
        .iter()
        .map(|w| std::array::from_fn(|v| w * (v as f32 / 255.0)))
        .collect();
    move |c, v| tables[c][usize::from(v)]
}

pub(crate) fn scale_u16(v: u16) -> f32 {
    f32::from(v) / 65535.0
}

/// Rec. 601 luma of an image of shape `(rows, columns, channels)` with R, G and B its first
/// three channels: with `w(c, v)` the weighted value of channel `c`, `(w(0, R) + w(1, G)) +
/// w(2, B)` in `f32`, rows in parallel. Any strides; rows stored contiguously (every decoded
/// image) take the fast path.
pub(super) fn rec601<T: Copy + Sync>(
    pixels: ArrayView3<'_, T>,
    w: &(impl Fn(usize, T) -> f32 + Sync),
) -> Array2<f32> {
    let (rows, cols, channels) = pixels.dim();
    let mut out = Array2::<f32>::zeros((rows, cols));
    if rows == 0 || cols == 0 {
        return out;
    }
    out.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(pixels.axis_iter(Axis(0)))
        .for_each(|(mut d, s)| match (s.as_slice(), d.as_slice_mut()) {
            (Some(s), Some(d)) => rec601_row(s, channels, w, d),
            _ => {
                for (y, px) in d.iter_mut().zip(s.outer_iter()) {
                    *y = w(0, px[0]) + w(1, px[1]) + w(2, px[2]);
                }
            }
        });
    out
}

/// Rec. 601 luma of one row of interleaved pixels of `channels` channels into `out`, as
/// [`rec601`] computes it.
#[inline]
pub(crate) fn rec601_row<T: Copy>(
    pixels: &[T],
    channels: usize,
    w: &impl Fn(usize, T) -> f32,
    out: &mut [f32],
) {
    for (y, px) in out.iter_mut().zip(pixels.chunks_exact(channels)) {
        *y = w(0, px[0]) + w(1, px[1]) + w(2, px[2]);
    }
}

/// Interleaved pixels of `channels` channels as an array of shape `(rows, columns, channels)`.
fn interleaved<T>(raw: &[T], channels: usize, (rows, cols): (usize, usize)) -> ArrayView3<'_, T> {
    ArrayView3::from_shape((rows, cols, channels), raw)
        .expect("the decoder's buffer matches its dimensions")
}
