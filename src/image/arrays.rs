//! Images given as arrays instead of files (the Python package's numpy arrays): a gray grid, or
//! pixels of 1 to 4 channels, of `u8`, `u16`, `f32` or `f64`, to the [`Luma`] the pipeline
//! reads — the same numbers [`load`](super::load) gives for an image file of the same pixels.
//!
//! - a 2-D array is gray: `u8`, `u16` and `f32` are read in place (any strides), `f64` is
//!   rounded to `f32`, the precision of the pipeline and of float TIFF files;
//! - a 3-D array is `(rows, columns, channels)`: 1 channel is gray, 2 are gray + alpha (the
//!   alpha ignored), 3 and 4 are RGB and RGBA, made Rec. 601 luma exactly as
//!   [`luma_of`](super::luma_of) makes it of a decoded image (an `f64` channel is first rounded
//!   to `f32`).

use ndarray::{ArrayView2, ArrayView3, ArrayViewD, Axis, Ix2, Ix3};
use thiserror::Error;

use super::luma::{rec601, scale_u16, weighted, weighted_u8};
use super::{Luma, LumaView};

/// An image as an array of samples; see the [module documentation](self) for the shapes.
///
/// ```
/// use edgegrad::image::arrays::ImageArray;
/// use edgegrad::image::LumaView;
/// let rgb = ndarray::Array3::<u8>::from_elem((2, 3, 3), 255).into_dyn();
/// let luma = ImageArray::U8(rgb.view()).luma()?;
/// assert!(matches!(luma.view(), LumaView::F32(l) if l.iter().all(|&v| v == 1.0)));
/// # Ok::<(), edgegrad::image::arrays::ImageArrayError>(())
/// ```
#[derive(Debug, Clone)]
pub enum ImageArray<'a> {
    /// 8-bit samples: each value means `value / 255`.
    U8(ArrayViewD<'a, u8>),
    /// 16-bit samples: each value means `value / 65535`.
    U16(ArrayViewD<'a, u16>),
    /// Float samples: each value means itself.
    F32(ArrayViewD<'a, f32>),
    /// Double-precision samples, rounded to `f32`.
    F64(ArrayViewD<'a, f64>),
}

/// The luma of an [`ImageArray`]: a view of the array itself when it is a gray grid the
/// pipeline reads as it is, else a new grid.
#[derive(Debug, Clone)]
pub enum ArrayLuma<'a> {
    /// The array itself.
    View(LumaView<'a>),
    /// Luma computed from it.
    Owned(Luma),
}

impl ArrayLuma<'_> {
    /// What the pipeline reads.
    ///
    /// ```
    /// use edgegrad::image::arrays::ImageArray;
    /// let gray = ndarray::Array2::<u16>::zeros((4, 5)).into_dyn();
    /// assert_eq!(ImageArray::U16(gray.view()).luma()?.view().dim(), (4, 5));
    /// # Ok::<(), edgegrad::image::arrays::ImageArrayError>(())
    /// ```
    pub fn view(&self) -> LumaView<'_> {
        match self {
            // A view of a view: `LumaView` is invariant in its lifetime, so reborrow each kind.
            ArrayLuma::View(LumaView::U8(a)) => LumaView::U8(a.view()),
            ArrayLuma::View(LumaView::U16(a)) => LumaView::U16(a.view()),
            ArrayLuma::View(LumaView::F32(a)) => LumaView::F32(a.view()),
            ArrayLuma::Owned(l) => l.view(),
        }
    }

    /// The luma as an owned grid (a copy when it is a view).
    pub fn into_owned(self) -> Luma {
        match self {
            ArrayLuma::View(LumaView::U8(v)) => Luma::U8(v.to_owned()),
            ArrayLuma::View(LumaView::U16(v)) => Luma::U16(v.to_owned()),
            ArrayLuma::View(LumaView::F32(v)) => Luma::F32(v.to_owned()),
            ArrayLuma::Owned(l) => l,
        }
    }
}

/// An array that is not an image.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImageArrayError {
    /// Neither 2-D nor 3-D with 1 to 4 channels.
    #[error(
        "an image must be a 2-D array (gray) or a 3-D array of 1 to 4 channels \
         (gray, gray + alpha, RGB, RGBA), got an array of shape {0:?}"
    )]
    Shape(Vec<usize>),
}

/// An array's pixels: gray, or colour with R, G and B first.
enum Pixels<'a, T> {
    Gray(ArrayView2<'a, T>),
    Colour(ArrayView3<'a, T>),
}

/// Sorts an array into gray or colour pixels by its shape.
fn pixels<T>(a: ArrayViewD<'_, T>) -> Result<Pixels<'_, T>, ImageArrayError> {
    let shape = a.shape().to_vec();
    let wrong = || ImageArrayError::Shape(shape.clone());
    match a.ndim() {
        2 => Ok(Pixels::Gray(
            a.into_dimensionality::<Ix2>().map_err(|_| wrong())?,
        )),
        3 => {
            let a = a.into_dimensionality::<Ix3>().map_err(|_| wrong())?;
            match a.dim().2 {
                1 | 2 => Ok(Pixels::Gray(a.index_axis_move(Axis(2), 0))),
                3 | 4 => Ok(Pixels::Colour(a)),
                _ => Err(wrong()),
            }
        }
        _ => Err(wrong()),
    }
}

impl<'a> ImageArray<'a> {
    /// The array's shape.
    ///
    /// ```
    /// use edgegrad::image::arrays::ImageArray;
    /// let a = ndarray::Array2::<f64>::zeros((2, 3)).into_dyn();
    /// assert_eq!(ImageArray::F64(a.view()).shape(), &[2, 3]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        match self {
            ImageArray::U8(a) => a.shape(),
            ImageArray::U16(a) => a.shape(),
            ImageArray::F32(a) => a.shape(),
            ImageArray::F64(a) => a.shape(),
        }
    }

    /// The luma the pipeline reads: the gray grid itself, or Rec. 601 luma of colour.
    ///
    /// ```
    /// use edgegrad::image::arrays::{ArrayLuma, ImageArray};
    /// let gray = ndarray::Array2::<u8>::zeros((3, 3)).into_dyn();
    /// assert!(matches!(ImageArray::U8(gray.view()).luma()?, ArrayLuma::View(_)));
    /// let line = ndarray::Array1::<u8>::zeros(9).into_dyn();
    /// assert!(ImageArray::U8(line.view()).luma().is_err());
    /// # Ok::<(), edgegrad::image::arrays::ImageArrayError>(())
    /// ```
    pub fn luma(self) -> Result<ArrayLuma<'a>, ImageArrayError> {
        Ok(match self {
            ImageArray::U8(a) => match pixels(a)? {
                Pixels::Gray(g) => ArrayLuma::View(LumaView::U8(g)),
                Pixels::Colour(c) => ArrayLuma::Owned(Luma::F32(rec601(c, &weighted_u8()))),
            },
            ImageArray::U16(a) => match pixels(a)? {
                Pixels::Gray(g) => ArrayLuma::View(LumaView::U16(g)),
                Pixels::Colour(c) => ArrayLuma::Owned(Luma::F32(rec601(c, &weighted(scale_u16)))),
            },
            ImageArray::F32(a) => match pixels(a)? {
                Pixels::Gray(g) => ArrayLuma::View(LumaView::F32(g)),
                Pixels::Colour(c) => ArrayLuma::Owned(Luma::F32(rec601(c, &weighted(|v| v)))),
            },
            ImageArray::F64(a) => ArrayLuma::Owned(Luma::F32(match pixels(a)? {
                Pixels::Gray(g) => g.mapv(|v| v as f32),
                Pixels::Colour(c) => rec601(c, &weighted(|v: f64| v as f32)),
            })),
        })
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{s, Array3};

    use super::*;
    use crate::image::luma_of;

    /// An RGBA image of every kind of pixel value.
    fn rgba() -> Array3<u8> {
        Array3::from_shape_fn((5, 7, 4), |(y, x, c)| (y * 53 + x * 31 + c * 97) as u8)
    }

    #[test]
    fn colour_arrays_give_the_luma_of_the_decoded_image() {
        let a = rgba();
        let decoded = image::DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(7, 5, a.iter().copied().collect()).unwrap(),
        );
        let want = luma_of(decoded);
        let got = ImageArray::U8(a.view().into_dyn()).luma().unwrap();
        assert_eq!(got.into_owned(), want);
    }

    #[test]
    fn strided_and_reversed_colour_is_read_as_it_is_seen() {
        let a = rgba();
        // RGB of the reversed columns: neither contiguous rows nor forward strides.
        let view = a.slice(s![.., ..;-1, ..3]);
        let got = ImageArray::U8(view.into_dyn()).luma().unwrap().into_owned();
        let copy = view.to_owned();
        let want = ImageArray::U8(copy.view().into_dyn())
            .luma()
            .unwrap()
            .into_owned();
        assert_eq!(got, want);
        let reference = luma_of(image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(7, 5, copy.iter().copied().collect()).unwrap(),
        ));
        assert_eq!(got, reference);
    }

    #[test]
    fn gray_and_gray_alpha_stay_their_type() {
        let a = rgba();
        let la = a.slice(s![.., .., ..2]);
        let got = ImageArray::U8(la.into_dyn()).luma().unwrap();
        assert_eq!(got.view().dim(), (5, 7));
        assert_eq!(
            got.into_owned(),
            Luma::U8(a.slice(s![.., .., 0]).to_owned())
        );
    }

    #[test]
    fn double_precision_is_rounded_to_single() {
        let g = ndarray::array![[0.1f64, 1.0 / 3.0]];
        let got = ImageArray::F64(g.view().into_dyn()).luma().unwrap();
        assert_eq!(
            got.into_owned(),
            Luma::F32(ndarray::array![[0.1f32, 1.0 / 3.0]])
        );
    }

    #[test]
    fn other_shapes_are_refused_naming_the_shape() {
        for shape in [vec![4], vec![2, 3, 5], vec![2, 2, 2, 3], vec![]] {
            let a = ndarray::ArrayD::<f32>::zeros(shape.clone());
            let e = ImageArray::F32(a.view()).luma().unwrap_err();
            assert_eq!(e, ImageArrayError::Shape(shape.clone()));
            assert!(e.to_string().contains(&format!("{shape:?}")));
        }
    }
}
