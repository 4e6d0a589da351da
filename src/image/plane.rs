//! Contiguous luma planes and their sample types: how the banded kernels read an image.
//!
//! A [`Plane`] is a row-major slice of 8-bit, 16-bit or float samples. Kernels are generic over
//! the [`Sample`] type, so an 8-bit image is read as bytes and each row is converted to the
//! `f32` grid only inside the band that needs it.

use ndarray::{ArrayView2, CowArray, Ix2};

/// A sample type of a luma plane and how it maps to the `[0, 1]` grid.
pub(crate) trait Sample: Copy + Send + Sync + 'static {
    /// The raw value that means full intensity: the grid value is `raw / SCALE`.
    const SCALE: f32;

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
    #[inline(always)]
    fn raw(self) -> f32 {
        self
    }
    #[inline(always)]
    fn unit(self) -> f32 {
        self
    }
}

/// A row-major plane of `rows x cols` samples.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plane<'a, T> {
    data: &'a [T],
    /// Number of rows (axis 0).
    pub rows: usize,
    /// Number of columns (axis 1).
    pub cols: usize,
}

impl<'a, T: Sample> Plane<'a, T> {
    /// The plane of a standard-layout array.
    pub fn new(a: &'a CowArray<'_, T, Ix2>) -> Self {
        let (rows, cols) = a.dim();
        let data = a
            .as_slice()
            .expect("as_standard_layout gives a contiguous array");
        Plane { data, rows, cols }
    }

    /// Row `y` (which must be `< rows`).
    #[inline]
    pub fn row(&self, y: usize) -> &'a [T] {
        &self.data[y * self.cols..(y + 1) * self.cols]
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
                let $plane = $crate::image::plane::Plane::<u8>::new(&owned);
                $body
            }
            $crate::image::LumaView::U16(a) => {
                let owned = $crate::image::plane::standard(a);
                let $plane = $crate::image::plane::Plane::<u16>::new(&owned);
                $body
            }
            $crate::image::LumaView::F32(a) => {
                let owned = $crate::image::plane::standard(a);
                let $plane = $crate::image::plane::Plane::<f32>::new(&owned);
                $body
            }
        }
    };
}
pub(crate) use with_plane;
