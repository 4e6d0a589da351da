//! Sub-pixel edge points: each pixel of a thinned edge map moved to where the edge crosses it.
//!
//! After non-maximum suppression, Devernay's quadratic interpolation, in the form of Grompone
//! von Gioi and Randall ("A Sub-Pixel Edge Detector: an Implementation of the Canny/Devernay
//! Algorithm", IPOL 2017): the magnitude is fitted by a parabola through the pixel and its two
//! neighbours along the image axis closest to the gradient (left and right when
//! `|dx| >= |dy|`, above and below otherwise) and the point moved along that axis to the
//! parabola's vertex. Interpolating along the axis rather than along the gradient keeps the
//! three samples on the grid; it is the variant with the smaller error in their measurements
//! and in ours (`bench/subpixel/`). Non-maximum suppression also keeps maxima along the
//! diagonals, which can sit beside the peak along the axis: such an edge pixel is fitted at its
//! neighbour along the axis, the one the magnitude rises towards, and two edge pixels fitted at
//! the same pixel give one point. The move from the fitted pixel is at most half a pixel, so
//! every point lies in a pixel of its own; where the magnitude is not concave across the pixel
//! it keeps the pixel's centre.
//!
//! For the zero crossings of the Laplacian (`--operator log`), the Laplacian is interpolated
//! linearly between the edge pixel and the neighbour along the axis it crosses zero towards
//! ([`crate::detect::edges::crossings`]), and the point put at the zero, within half a pixel
//! of the edge pixel (towards the steeper side when it crosses both ways).
//!
//! The fits read a `Window` of rows around the edge pixel's row: the pipeline fits them in
//! its edge pass from the rows it has just computed ([`Pipeline::run`](super::Pipeline::run)
//! with [`WANTED`](super::WANTED)), [`subpixel_points`] from whole maps; both call the same
//! code, so they give the same points.

use rayon::prelude::*;

use super::{EdgeMaps, EdgePoint};
use crate::detect::edges::crossings::crosses;

/// An edge point with the pixel it was fitted at and the gradient there (what linking needs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located {
    /// The row of the pixel it was fitted at.
    pub row: usize,
    /// The column of the pixel it was fitted at.
    pub col: usize,
    /// The derivative along x at that pixel.
    pub gx: f32,
    /// The derivative along y at that pixel.
    pub gy: f32,
    /// The sub-pixel point.
    pub point: EdgePoint,
}

/// The rows of one image around row `row` that fitting the points of that row reads, each
/// row beyond the image replaced by the border row (as [`Window::of_maps`] makes them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window<'a> {
    /// The row whose edge pixels are fitted.
    pub row: usize,
    /// The magnitude of rows `row - 2 ..= row + 2`.
    pub magnitude: [&'a [f32]; 5],
    /// `dx` of rows `row - 1 ..= row + 1`.
    pub dx: [&'a [f32]; 3],
    /// `dy` of rows `row - 1 ..= row + 1`.
    pub dy: [&'a [f32]; 3],
    /// The Laplacian of rows `row - 1 ..= row + 1`, for zero crossings (empty rows otherwise).
    pub laplacian: [&'a [f32]; 3],
}

/// The fit of one edge pixel, made while the edges are decided (before hysteresis says which
/// pixels remain): the pixel it was made for (`source`), the pixel it was fitted at and the
/// point, without its direction (computed for the points kept only, by [`Fit::located`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fit {
    /// The edge pixel's `(row, column)`.
    pub source: (u32, u32),
    /// The `(row, column)` of the pixel it was fitted at.
    pub at: (u32, u32),
    /// The point's position.
    pub x: f32,
    /// The point's position.
    pub y: f32,
    /// The magnitude at the fitted pixel.
    pub strength: f32,
    /// The derivative along x at the fitted pixel.
    pub gx: f32,
    /// The derivative along y at the fitted pixel.
    pub gy: f32,
}

impl Fit {
    /// The located point, with the gradient's direction.
    #[inline]
    pub fn located(&self) -> Located {
        Located {
            row: self.at.0 as usize,
            col: self.at.1 as usize,
            gx: self.gx,
            gy: self.gy,
            point: EdgePoint {
                x: self.x,
                y: self.y,
                strength: self.strength,
                direction: self.gy.atan2(self.gx),
            },
        }
    }
}

/// The points of a set of fits: one per fitted pixel, in raster order of those pixels (two
/// edge pixels fitted at one pixel give the same point, kept once).
pub(crate) fn located(mut fits: Vec<Fit>) -> Vec<Located> {
    // Fits at one pixel are the same point: which one comes first does not matter.
    fits.par_sort_unstable_by_key(|f| f.at);
    fits.dedup_by_key(|f| f.at);
    fits.par_iter().map(Fit::located).collect()
}

impl<'a> Window<'a> {
    /// The window of row `row` of whole maps.
    pub fn of_maps(maps: &EdgeMaps<'a>, row: usize) -> Window<'a> {
        let n = maps.edges.nrows();
        let at = |r: isize| (row as isize + r).clamp(0, n as isize - 1) as usize;
        let row_of = |a: &ndarray::ArrayView2<'a, f32>, r: isize| -> &'a [f32] {
            let row = (*a).index_axis_move(ndarray::Axis(0), at(r));
            // EdgeMaps::new refuses maps whose rows are not contiguous.
            row.to_slice().expect("maps in standard layout")
        };
        Window {
            row,
            magnitude: [-2, -1, 0, 1, 2].map(|r| row_of(&maps.magnitude, r)),
            dx: [-1, 0, 1].map(|r| row_of(&maps.dx, r)),
            dy: [-1, 0, 1].map(|r| row_of(&maps.dy, r)),
            laplacian: [&[]; 3],
        }
    }

    /// Whether the gradient at `(row + dr, col)` is nearer the x axis (`|dx| >= |dy|`).
    #[inline(always)]
    fn along_x(&self, dr: isize, col: usize) -> bool {
        let r = (1 + dr) as usize;
        self.dx[r][col].abs() >= self.dy[r][col].abs()
    }

    /// The magnitude at `(row + dr, col)`.
    #[inline(always)]
    fn m(&self, dr: isize, col: usize) -> f32 {
        self.magnitude[(2 + dr) as usize][col]
    }

    /// The neighbours of `(row + dr, col)` before and after it along the axis nearest the
    /// gradient there, as `(dr, col)` (the pixel itself beyond the image), and whether that
    /// axis is x. `dr` is -1, 0 or 1.
    #[inline(always)]
    fn axis_neighbours(&self, dr: isize, col: usize) -> ([(isize, usize); 2], bool) {
        let cols = self.magnitude[2].len();
        if self.along_x(dr, col) {
            let (l, r) = (col.saturating_sub(1), (col + 1).min(cols - 1));
            ([(dr, l), (dr, r)], true)
        } else {
            // The window's rows are clamped at the image's top and bottom, so the row above
            // the first is the first itself, as the column left of the first is.
            ([(dr - 1, col), (dr + 1, col)], false)
        }
    }

    /// The fit of the maximum at `(row, col)` (after non-maximum suppression): at the pixel
    /// whose magnitude peaks along the axis, `(row, col)` itself or its neighbour along the
    /// axis when the magnitude rises towards it.
    #[inline]
    pub fn fit_maximum(&self, col: usize) -> Fit {
        let ([before, after], _) = self.axis_neighbours(0, col);
        let (a, b, c) = (
            self.m(before.0, before.1),
            self.m(0, col),
            self.m(after.0, after.1),
        );
        let (dr, col_at) = if a > b && a >= c {
            before
        } else if c > b && c > a {
            after
        } else {
            (0, col)
        };
        // A neighbour beyond the image is the pixel itself (equal magnitudes), never chosen.
        self.fit_at(dr, col_at, col)
    }

    /// The point fitted at pixel `(row + dr, col)` for the edge pixel `(row, source)`.
    #[inline(always)]
    fn fit_at(&self, dr: isize, col: usize, source: usize) -> Fit {
        let r = (1 + dr) as usize;
        let (gx, gy) = (self.dx[r][col], self.dy[r][col]);
        let ([before, after], along_x) = self.axis_neighbours(dr, col);
        let centre = self.m(dr, col);
        let offset = peak_offset(self.m(before.0, before.1), centre, self.m(after.0, after.1));
        let row = (self.row as isize + dr) as usize;
        let (x, y) = match along_x {
            true => (col as f32 + offset, row as f32),
            false => (col as f32, row as f32 + offset),
        };
        Fit {
            source: (self.row as u32, source as u32),
            at: (row as u32, col as u32),
            x,
            y,
            strength: centre,
            gx,
            gy,
        }
    }

    /// The fit of the zero crossing marked at `(row, col)`: the zero of the Laplacian
    /// interpolated linearly towards the neighbour along the axis it crosses zero towards (of
    /// two, the one with the larger difference; on a tie, the one before).
    #[inline]
    pub fn fit_crossing(&self, col: usize) -> Fit {
        let cols = self.magnitude[2].len();
        let lap = &self.laplacian;
        let p = lap[1][col];
        let along_x = self.along_x(0, col);
        let (before, after) = match along_x {
            true => (
                lap[1][col.saturating_sub(1)],
                lap[1][(col + 1).min(cols - 1)],
            ),
            false => (lap[0][col], lap[2][col]),
        };
        let (cb, ca) = (crosses(p, before), crosses(p, after));
        let towards_after = ca && (!cb || (after - p).abs() > (before - p).abs());
        let (q, sign) = if towards_after {
            (after, 1.0)
        } else {
            (before, -1.0)
        };
        let t = if cb || ca {
            let t = p / (p - q);
            if t.is_finite() {
                t.clamp(0.0, 0.5)
            } else {
                0.0
            }
        } else {
            0.0
        };
        let (gx, gy) = (self.dx[1][col], self.dy[1][col]);
        let (x, y) = match along_x {
            true => (col as f32 + sign * t, self.row as f32),
            false => (col as f32, self.row as f32 + sign * t),
        };
        Fit {
            source: (self.row as u32, col as u32),
            at: (self.row as u32, col as u32),
            x,
            y,
            strength: self.m(0, col),
            gx,
            gy,
        }
    }
}

/// The sub-pixel points of the edge pixels of `maps` (the non-zero pixels of the edge map),
/// in raster order (row by row, left to right), one per magnitude peak along the axis.
///
/// ```
/// use edgegrad::detect::geometry::{subpixel_points, EdgeMaps};
/// use ndarray::Array2;
/// // A magnitude ridge along column 2 whose samples 0.5, 1, 0.75 peak right of the centre.
/// let m = Array2::from_shape_fn((3, 5), |(_, x)| [0.0, 0.5, 1.0, 0.75, 0.0][x]);
/// let edges = Array2::from_shape_fn((3, 5), |(_, x)| if x == 2 { 255u8 } else { 0 });
/// let dx = Array2::from_elem((3, 5), 1.0f32);
/// let dy = Array2::zeros((3, 5));
/// let maps = EdgeMaps::new(edges.view(), m.view(), dx.view(), dy.view())?;
/// let points = subpixel_points(&maps);
/// assert_eq!(points.len(), 3);
/// // The parabola through (-1, 0.5), (0, 1), (1, 0.75) peaks at x = 0.125 / 0.75.
/// assert!((points[1].x - (2.0 + 0.125 / 0.75)).abs() < 1e-6 && points[1].y == 1.0);
/// # Ok::<(), edgegrad::detect::geometry::GeometryError>(())
/// ```
pub fn subpixel_points(maps: &EdgeMaps<'_>) -> Vec<EdgePoint> {
    locate(maps).into_iter().map(|l| l.point).collect()
}

/// [`subpixel_points`] with each point's pixel and gradient, in raster order of the pixels
/// they were fitted at, one point per pixel.
pub fn locate(maps: &EdgeMaps<'_>) -> Vec<Located> {
    let rows = maps.edges.nrows();
    let fits: Vec<Fit> = (0..rows)
        .into_par_iter()
        .flat_map_iter(|row| {
            let window = Window::of_maps(maps, row);
            let edges = maps.edges.row(row);
            edges
                .into_iter()
                .enumerate()
                .filter(|&(_, &e)| e != 0)
                .map(move |(col, _)| window.fit_maximum(col))
                .collect::<Vec<_>>()
        })
        .collect();
    located(fits)
}

/// The abscissa of the vertex of the parabola through `(-1, a)`, `(0, b)`, `(1, c)`, within
/// `[-0.5, 0.5]`; 0 when the parabola is not concave (no peak) or a sample is not finite.
#[inline(always)]
fn peak_offset(a: f32, b: f32, c: f32) -> f32 {
    let curvature = a - 2.0 * b + c;
    if curvature.is_nan() || curvature >= 0.0 {
        return 0.0;
    }
    let offset = 0.5 * (a - c) / curvature;
    if offset.is_finite() {
        offset.clamp(-0.5, 0.5)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vertex_of_a_parabola_is_found_exactly() {
        // y = 1 - (x - 0.3)²: samples at -1, 0, 1.
        let f = |x: f32| 1.0 - (x - 0.3) * (x - 0.3);
        assert!((peak_offset(f(-1.0), f(0.0), f(1.0)) - 0.3).abs() < 1e-6);
        let g = |x: f32| 2.0 - 3.0 * (x + 0.45) * (x + 0.45);
        assert!((peak_offset(g(-1.0), g(0.0), g(1.0)) + 0.45).abs() < 1e-6);
    }

    #[test]
    fn no_peak_means_no_move_and_moves_stay_in_the_pixel() {
        assert_eq!(peak_offset(1.0, 1.0, 1.0), 0.0);
        assert_eq!(peak_offset(0.0, 1.0, 2.0), 0.0);
        assert_eq!(peak_offset(f32::NAN, 1.0, 0.0), 0.0);
        // A peak beyond the right neighbour's side is held at the pixel's edge.
        assert_eq!(peak_offset(0.0, 1.0, 1.9), 0.5);
    }

    /// A window over one row of values (every row the same), gradient along x.
    fn row_window<'a>(m: &'a [f32], lap: &'a [f32], g: &'a [f32], zero: &'a [f32]) -> Window<'a> {
        Window {
            row: 3,
            magnitude: [m; 5],
            dx: [g; 3],
            dy: [zero; 3],
            laplacian: [lap; 3],
        }
    }

    #[test]
    fn a_zero_crossing_is_interpolated_linearly_towards_its_neighbour() {
        let m = [1.0f32; 5];
        let (g, zero) = ([1.0f32; 5], [0.0f32; 5]);
        // The Laplacian falls from 0.25 at column 2 to -0.75 at column 3: zero at 2.25.
        let lap = [1.0, 0.5, 0.25, -0.75, -1.0];
        let f = row_window(&m, &lap, &g, &zero).fit_crossing(2);
        assert_eq!((f.x, f.y, f.at, f.source), (2.25, 3.0, (3, 2), (3, 2)));
        // Rising from -0.25 at column 2 to 0.5 at column 3: zero at 2 + 1/3.
        let lap = [-1.0, -0.5, -0.25, 0.5, 1.0];
        let f = row_window(&m, &lap, &g, &zero).fit_crossing(2);
        assert!((f.x - (2.0 + 1.0 / 3.0)).abs() < 1e-6, "{}", f.x);
        // Crossing both ways: towards the steeper side, here the left.
        let lap = [0.0, 2.0, -0.5, 1.0, 0.0];
        let f = row_window(&m, &lap, &g, &zero).fit_crossing(2);
        assert!((f.x - 1.8).abs() < 1e-6, "{}", f.x);
    }
}
