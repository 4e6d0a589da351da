//! Sub-pixel edge points: each pixel of a thinned edge map moved to the peak of the gradient
//! magnitude across the edge.
//!
//! Devernay's quadratic interpolation, in the form of Grompone von Gioi and Randall ("A
//! Sub-Pixel Edge Detector: an Implementation of the Canny/Devernay Algorithm", IPOL 2017):
//! the magnitude is fitted by a parabola through the pixel and its two neighbours along the
//! image axis closest to the gradient (left and right when `|dx| >= |dy|`, above and below
//! otherwise) and the point moved along that axis to the parabola's vertex. Interpolating
//! along the axis rather than along the gradient keeps the three samples on the grid; it is
//! the variant with the smaller error in their measurements and in ours (`bench/subpixel/`).
//! Non-maximum suppression also keeps maxima along the diagonals, which can sit beside the
//! peak along the axis: such an edge pixel is fitted at its neighbour along the axis, the one
//! the magnitude rises towards, and two edge pixels fitted at the same pixel give one point.
//! The move from the fitted pixel is at most half a pixel, so every point lies in a pixel of
//! its own; where the magnitude is not concave across the pixel it keeps the pixel's centre.

use rayon::prelude::*;

use super::{EdgeMaps, EdgePoint};

/// An edge point with the pixel it was found in and the gradient there (what linking needs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Located {
    /// The pixel's row.
    pub row: usize,
    /// The pixel's column.
    pub col: usize,
    /// The derivative along x at the pixel.
    pub gx: f32,
    /// The derivative along y at the pixel.
    pub gy: f32,
    /// The sub-pixel point.
    pub point: EdgePoint,
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
pub(super) fn locate(maps: &EdgeMaps<'_>) -> Vec<Located> {
    let rows = maps.edges.nrows();
    let rows: Vec<Vec<Located>> = (0..rows)
        .into_par_iter()
        .map(|row| locate_row(maps, row))
        .collect();
    let mut points = rows.concat();
    // A peak pixel beside an edge pixel may be reached from a row above or below it, and
    // twice; the points fitted at one pixel are the same point.
    points.sort_by_key(|p| (p.row, p.col));
    points.dedup_by_key(|p| (p.row, p.col));
    points
}

/// The points of one row's edge pixels, each at the pixel it is fitted at.
fn locate_row(maps: &EdgeMaps<'_>, row: usize) -> Vec<Located> {
    (0..maps.edges.ncols())
        .filter(|&col| maps.edges[[row, col]] != 0)
        .map(|col| fit_at(maps, peak_pixel(maps, row, col)))
        .collect()
}

/// The neighbours of `(row, col)` before and after it along the axis nearest the gradient
/// there (the border pixel itself beyond the image), and whether that axis is x.
fn axis_neighbours(maps: &EdgeMaps<'_>, row: usize, col: usize) -> ([(usize, usize); 2], bool) {
    let (rows, cols) = maps.edges.dim();
    if maps.dx[[row, col]].abs() >= maps.dy[[row, col]].abs() {
        let (l, r) = (col.saturating_sub(1), (col + 1).min(cols - 1));
        ([(row, l), (row, r)], true)
    } else {
        let (u, d) = (row.saturating_sub(1), (row + 1).min(rows - 1));
        ([(u, col), (d, col)], false)
    }
}

/// The pixel whose magnitude peaks along the axis: `(row, col)` itself, or its neighbour
/// along the axis when the magnitude rises towards it (non-maximum suppression also keeps
/// maxima along the diagonals, which can sit beside the peak along the axis).
fn peak_pixel(maps: &EdgeMaps<'_>, row: usize, col: usize) -> (usize, usize) {
    let m = &maps.magnitude;
    let ([before, after], _) = axis_neighbours(maps, row, col);
    let (a, b, c) = (m[before], m[[row, col]], m[after]);
    if a > b && a >= c {
        before
    } else if c > b && c > a {
        after
    } else {
        (row, col)
    }
}

/// The point fitted at pixel `(row, col)`, with the gradient there.
fn fit_at(maps: &EdgeMaps<'_>, (row, col): (usize, usize)) -> Located {
    let m = &maps.magnitude;
    let (gx, gy) = (maps.dx[[row, col]], maps.dy[[row, col]]);
    let ([before, after], along_x) = axis_neighbours(maps, row, col);
    let centre = m[[row, col]];
    let offset = peak_offset(m[before], centre, m[after]);
    let (x, y) = match along_x {
        true => (col as f32 + offset, row as f32),
        false => (col as f32, row as f32 + offset),
    };
    Located {
        row,
        col,
        gx,
        gy,
        point: EdgePoint {
            x,
            y,
            strength: centre,
            direction: gy.atan2(gx),
        },
    }
}

/// The abscissa of the vertex of the parabola through `(-1, a)`, `(0, b)`, `(1, c)`, within
/// `[-0.5, 0.5]`; 0 when the parabola is not concave (no peak) or a sample is not finite.
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
}
