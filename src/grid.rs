//! Images as grids of luma: the pipeline's input.
//!
//! A decoded image is kept in its cheapest exact representation (8-bit, 16-bit or float luma);
//! the grid of DESIGN.md is that luma scaled to `[0, 1]` as `f32` (`u8 / 255`, `u16 / 65535`,
//! float as is), axis 0 = y (rows), axis 1 = x (columns). The pipeline converts rows to the grid
//! inside its bands, so the full `f32` grid of an 8- or 16-bit image is never made.

use ndarray::ArrayView2;

/// A borrowed luma plane in one of the representations a decoder produces.
///
/// ```
/// use edgegrad::grid::LumaView;
/// let pixels = ndarray::Array2::<u8>::zeros((3, 5));
/// assert_eq!(LumaView::U8(pixels.view()).dim(), (3, 5));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum LumaView<'a> {
    /// 8-bit luma: the grid value is `v / 255`.
    U8(ArrayView2<'a, u8>),
    /// 16-bit luma: the grid value is `v / 65535`.
    U16(ArrayView2<'a, u16>),
    /// Float luma: the grid value is `v` itself.
    F32(ArrayView2<'a, f32>),
}

impl LumaView<'_> {
    /// `(rows, cols)`.
    ///
    /// ```
    /// use edgegrad::grid::LumaView;
    /// let g = ndarray::Array2::<f32>::zeros((2, 7));
    /// assert_eq!(LumaView::F32(g.view()).dim(), (2, 7));
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        match self {
            LumaView::U8(a) => a.dim(),
            LumaView::U16(a) => a.dim(),
            LumaView::F32(a) => a.dim(),
        }
    }
}
