//! Luma planes, their sample types, and the [`RowSource`] seam through which the banded kernels
//! read an image.
//!
//! The kernels (derivatives, smoothing, the fused edge path) never see a whole array: they ask a
//! [`RowSource`] for one row of samples at a time. A [`Plane`] is the in-memory source, a
//! row-major slice of 8-bit, 16-bit or float samples with a row stride. Kernels are generic over
//! the [`Sample`] type, so an 8-bit image is read as bytes and each row is converted to the `f32`
//! grid only inside the band that needs it.

use ndarray::{ArrayView2, CowArray, Ix2};

/// A sample type of a luma plane and how it maps to the `[0, 1]` grid.
pub(crate) trait Sample: Copy + Send + Sync + 'static {
    /// The raw value that means full intensity: the grid value is `raw / SCALE`.
    const SCALE: f32;

    /// True for float samples, whose range is not fixed.
    const FLOAT: bool = false;

    /// The raw value as `f32` (exact for `u8` and `u16`).
    fn raw(self) -> f32;

    /// The grid value, `raw / SCALE` in `f32` (numpy's `img.astype(float32) / 255`).
    #[inline(always)]
    fn unit(self) -> f32 {
        self.raw() / Self::SCALE
    }
}

impl Sample for u8 {
    const SCALE: f32 = 255.0;
    #[inline(always)]
    fn raw(self) -> f32 {
        self as f32
    }
}

impl Sample for u16 {
    const SCALE: f32 = 65535.0;
    #[inline(always)]
    fn raw(self) -> f32 {
        self as f32
    }
}

impl Sample for f32 {
    const SCALE: f32 = 1.0;
    const FLOAT: bool = true;
    #[inline(always)]
    fn raw(self) -> f32 {
        self
    }
    #[inline(always)]
    fn unit(self) -> f32 {
        self
    }
}

/// Rows of samples read by index: what the banded kernels read an image through.
///
/// The kernels run over [`Bands`](super::bands::Bands) of rows and read, for a band, its own
/// rows in increasing order plus a halo of a few rows above and below it (two for the
/// derivatives, one more for non-maximum suppression, plus the smoothing radius). A source
/// only has to serve those: a whole in-memory [`Plane`] is one; a streaming decoder holding a
/// band and its halo, a video frame or a numpy array with a row stride can be others, feeding
/// the same kernels.
pub(crate) trait RowSource: Send + Sync {
    /// The sample type of the rows.
    type Sample: Sample;

    /// Number of rows (axis 0).
    fn rows(&self) -> usize;

    /// Number of samples in a row (axis 1).
    fn cols(&self) -> usize;

    /// Row `y` (`< rows`), `cols` samples long.
    fn row(&self, y: usize) -> &[Self::Sample];
}

impl<S: RowSource> RowSource for &S {
    type Sample = S::Sample;
    #[inline(always)]
    fn rows(&self) -> usize {
        (**self).rows()
    }
    #[inline(always)]
    fn cols(&self) -> usize {
        (**self).cols()
    }
    #[inline(always)]
    fn row(&self, y: usize) -> &[S::Sample] {
        (**self).row(y)
    }
}

/// An in-memory plane of `rows x cols` samples, row `y` starting at sample `y * stride`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plane<'a, T> {
    data: &'a [T],
    rows: usize,
    cols: usize,
    stride: usize,
}

impl<'a, T: Sample> Plane<'a, T> {
    /// The plane of a buffer whose rows are `stride` samples apart (`stride >= cols`), as a video
    /// frame with padded lines or a numpy array with a row stride is: read in place, no copy.
    /// `None` when the stride is shorter than a row or `data` too short for the last row.
    pub fn with_stride(data: &'a [T], rows: usize, cols: usize, stride: usize) -> Option<Self> {
        let needed = match rows {
            0 => 0,
            _ => (rows - 1).checked_mul(stride)?.checked_add(cols)?,
        };
        (stride >= cols && data.len() >= needed).then_some(Plane {
            data,
            rows,
            cols,
            stride,
        })
    }

    /// The plane of a contiguous row-major buffer of `rows * cols` samples (`None` if shorter).
    pub fn new(data: &'a [T], rows: usize, cols: usize) -> Option<Self> {
        Self::with_stride(data, rows, cols, cols)
    }

    /// The plane of a standard-layout array.
    pub fn of(a: &'a CowArray<'_, T, Ix2>) -> Self {
        let (rows, cols) = a.dim();
        let data = a
            .as_slice()
            .expect("as_standard_layout gives a contiguous array");
        Self::new(data, rows, cols).expect("an array holds rows x cols samples")
    }
}

impl<T: Sample> RowSource for Plane<'_, T> {
    type Sample = T;
    #[inline(always)]
    fn rows(&self) -> usize {
        self.rows
    }
    #[inline(always)]
    fn cols(&self) -> usize {
        self.cols
    }
    #[inline(always)]
    fn row(&self, y: usize) -> &[T] {
        let start = y * self.stride;
        &self.data[start..start + self.cols]
    }
}

/// A standard-layout (row-major) version of an array view: borrowed when it already is.
pub(crate) fn standard<T: Clone>(a: ArrayView2<'_, T>) -> CowArray<'_, T, Ix2> {
    if a.is_standard_layout() {
        CowArray::from(a)
    } else {
        CowArray::from(a.as_standard_layout().into_owned())
    }
}

/// Evaluates `$body` with `$plane` bound to a [`Plane`] of the luma's own sample type.
macro_rules! with_plane {
    ($luma:expr, |$plane:ident| $body:expr) => {
        match $luma {
            $crate::image::LumaView::U8(a) => {
                let owned = $crate::image::plane::standard(a);
                let $plane = $crate::image::plane::Plane::<u8>::of(&owned);
                $body
            }
            $crate::image::LumaView::U16(a) => {
                let owned = $crate::image::plane::standard(a);
                let $plane = $crate::image::plane::Plane::<u16>::of(&owned);
                $body
            }
            $crate::image::LumaView::F32(a) => {
                let owned = $crate::image::plane::standard(a);
                let $plane = $crate::image::plane::Plane::<f32>::of(&owned);
                $body
            }
        }
    };
}
pub(crate) use with_plane;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_padded_buffer_is_read_in_place_row_by_row() {
        // Three rows of two samples, each row padded to four.
        let data = [1u8, 2, 0, 0, 3, 4, 0, 0, 5, 6];
        let p = Plane::with_stride(&data, 3, 2, 4).unwrap();
        assert_eq!((p.rows(), p.cols()), (3, 2));
        assert_eq!([p.row(0), p.row(1), p.row(2)], [[1, 2], [3, 4], [5, 6]]);
    }

    #[test]
    fn strides_shorter_than_a_row_and_short_buffers_are_refused() {
        let data = [0u16; 10];
        assert!(Plane::with_stride(&data, 3, 2, 1).is_none());
        assert!(Plane::with_stride(&data, 3, 2, 5).is_none());
        assert!(Plane::with_stride(&data, 3, 2, 4).is_some());
        assert!(Plane::with_stride(&data, usize::MAX, 2, 4).is_none());
        assert!(Plane::new(&data, 5, 2).is_some() && Plane::new(&data, 4, 3).is_none());
        assert!(Plane::<u8>::new(&[], 0, 7).is_some());
    }

    #[test]
    fn arrays_become_contiguous_planes() {
        let a = ndarray::array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let t = a.t();
        let owned = standard(t);
        let p = Plane::of(&owned);
        assert_eq!((p.rows(), p.cols()), (3, 2));
        assert_eq!(p.row(1), [2.0, 5.0]);
    }
}
