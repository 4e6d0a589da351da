//! Edges as geometry: the thinned edges of a detection as sub-pixel points ([`points`]) linked
//! into ordered curves ([`mod@contours`]).
//!
//! Both need edges one pixel wide: thinned by non-maximum suppression (`--thin`, Canny or the
//! automatic level) or the zero crossings of the Laplacian (`--operator log`). The pipeline
//! fits the points in its edge pass, from the rows it has just computed, when asked for them
//! ([`WANTED`]); [`contours()`] links them. [`trace`] does both and refuses a pipeline that does
//! not thin. [`subpixel_points`] and [`link`] do the same from whole maps ([`EdgeMaps`]).
//! Coordinates are pixels, x to the right, y down, `(0, 0)` the centre of the top-left pixel.
//! The data types ([`EdgePoint`], [`Curve`], [`Curves`]) and their files live in
//! [`crate::image::curves`].
//!
//! ```
//! use edgegrad::detect::geometry::trace;
//! use edgegrad::{DetectConfig, LumaView, Timings};
//! // A bright square: one closed curve around it.
//! let img = ndarray::Array2::from_shape_fn((24, 24), |(y, x)| {
//!     if (6..18).contains(&y) && (6..18).contains(&x) { 255u8 } else { 0 }
//! });
//! let pipeline = DetectConfig::default().build().unwrap();
//! let curves = trace(&pipeline, LumaView::U8(img.view()), 0.0, &mut Timings::new())?;
//! assert_eq!(curves.curves.len(), 1);
//! assert!(curves.curves[0].closed);
//! # Ok::<(), edgegrad::detect::geometry::GeometryError>(())
//! ```

pub mod contours;
pub mod points;

use ndarray::ArrayView2;
use thiserror::Error;

pub use self::contours::{link, link_located};
pub use self::points::{locate, subpixel_points, Located};
pub use crate::image::curves::{Curve, Curves, EdgePoint};

use super::pipeline::{Detection, Pipeline, Wanted};
use crate::image::LumaView;
use crate::timings::Timings;

/// What [`Pipeline::run`] must compute for the geometry: the edge map and its sub-pixel
/// points.
pub const WANTED: Wanted = Wanted {
    edges: true,
    magnitude: false,
    direction: false,
    dx: false,
    dy: false,
    points: true,
};

/// Why edge geometry could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeometryError {
    /// The pipeline does not thin its edges, so they have no one-pixel line to follow.
    #[error("edge points need thinned edges: add --thin (or use --canny or --threshold auto)")]
    NotThinned,
    /// A map the geometry needs was not computed.
    #[error("edge points need {0}, which was not computed")]
    Missing(&'static str),
    /// Maps of different sizes.
    #[error("the edge map and the gradient maps differ in size")]
    Shape,
    /// Maps whose rows are not contiguous in memory (a transposed or strided view).
    #[error("the maps must be in standard (row-major, contiguous) layout")]
    Layout,
    /// A minimum length that is negative or not a number.
    #[error("the minimum curve length must be a number at least 0, got {0}")]
    MinLength(f32),
    /// More edge points than the linking can index (2³² − 1).
    #[error("too many edge points to link ({0})")]
    TooManyPoints(usize),
}

/// The maps sub-pixel points are computed from, all of one size.
#[derive(Debug, Clone, Copy)]
pub struct EdgeMaps<'a> {
    /// Thinned edges: non-zero at edge pixels.
    pub edges: ArrayView2<'a, u8>,
    /// The gradient magnitude.
    pub magnitude: ArrayView2<'a, f32>,
    /// The derivative along x (axis 1).
    pub dx: ArrayView2<'a, f32>,
    /// The derivative along y (axis 0).
    pub dy: ArrayView2<'a, f32>,
}

impl<'a> EdgeMaps<'a> {
    /// The maps, checked to be of one size and in standard layout (rows contiguous).
    ///
    /// ```
    /// use edgegrad::detect::geometry::{EdgeMaps, GeometryError};
    /// let e = ndarray::Array2::<u8>::zeros((2, 3));
    /// let f = ndarray::Array2::<f32>::zeros((2, 3));
    /// let g = ndarray::Array2::<f32>::zeros((3, 2));
    /// assert!(EdgeMaps::new(e.view(), f.view(), f.view(), f.view()).is_ok());
    /// let bad = EdgeMaps::new(e.view(), f.view(), g.view(), f.view());
    /// assert_eq!(bad.unwrap_err(), GeometryError::Shape);
    /// ```
    pub fn new(
        edges: ArrayView2<'a, u8>,
        magnitude: ArrayView2<'a, f32>,
        dx: ArrayView2<'a, f32>,
        dy: ArrayView2<'a, f32>,
    ) -> Result<Self, GeometryError> {
        let dim = edges.dim();
        if [magnitude.dim(), dx.dim(), dy.dim()]
            .iter()
            .any(|&d| d != dim)
        {
            return Err(GeometryError::Shape);
        }
        let standard = [magnitude, dx, dy].iter().all(|m| m.is_standard_layout());
        if !(standard && edges.is_standard_layout()) {
            return Err(GeometryError::Layout);
        }
        Ok(EdgeMaps {
            edges,
            magnitude,
            dx,
            dy,
        })
    }

    /// The maps of a detection that computed [`WANTED`].
    ///
    /// ```
    /// use edgegrad::detect::geometry::{EdgeMaps, GeometryError};
    /// let none = edgegrad::Detection::default();
    /// assert_eq!(EdgeMaps::of(&none).unwrap_err(), GeometryError::Missing("the edge map"));
    /// ```
    pub fn of(detection: &'a Detection) -> Result<Self, GeometryError> {
        let edges = detection.edges.as_ref();
        let edges = edges.ok_or(GeometryError::Missing("the edge map"))?;
        let map = |m: &'a Option<ndarray::Array2<f32>>, name| {
            m.as_ref()
                .map(|a| a.view())
                .ok_or(GeometryError::Missing(name))
        };
        EdgeMaps::new(
            edges.view(),
            map(&detection.magnitude, "the gradient magnitude")?,
            map(&detection.dx, "the derivative along x")?,
            map(&detection.dy, "the derivative along y")?,
        )
    }
}

/// The linked sub-pixel edges of `luma` found by `pipeline`, curves shorter than
/// `min_length` pixels dropped. Refuses a pipeline that does not thin its edges.
///
/// To draw a picture from the same run, run the pipeline with [`WANTED`] added to the
/// picture's needs and call [`contours()`] on the [`Detection`] instead.
pub fn trace(
    pipeline: &Pipeline,
    luma: LumaView<'_>,
    min_length: f32,
    timings: &mut Timings,
) -> Result<Curves, GeometryError> {
    if !pipeline.thins() {
        return Err(GeometryError::NotThinned);
    }
    let detection = pipeline.run(luma, &WANTED, timings);
    timings.time("link_ms", || contours(&detection, min_length))
}

/// The linked sub-pixel edges of a detection that computed [`WANTED`] with thinned edges,
/// curves shorter than `min_length` pixels dropped. A detection without points (not asked
/// for, or edges not thinned) is an error naming what is missing.
///
/// ```
/// use edgegrad::detect::geometry::{contours, WANTED};
/// use edgegrad::{DetectConfig, LumaView, Timings};
/// // A vertical step between columns 4 and 5 (x = 4.5): one straight curve down it.
/// let img = ndarray::Array2::from_shape_fn((12, 10), |(_, x)| if x < 5 { 0u8 } else { 255 });
/// let pipeline = DetectConfig::default().build().unwrap();
/// let detection = pipeline.run(LumaView::U8(img.view()), &WANTED, &mut Timings::new());
/// let curves = contours(&detection, 0.0)?;
/// assert_eq!(curves.curves.len(), 1);
/// assert_eq!(curves.curves[0].points.len(), 12);
/// assert!(curves.curves[0].points.iter().all(|p| (p.x - 4.5).abs() < 1e-3));
/// # Ok::<(), edgegrad::detect::geometry::GeometryError>(())
/// ```
pub fn contours(detection: &Detection, min_length: f32) -> Result<Curves, GeometryError> {
    let points = detection.points.as_ref();
    let points = points.ok_or(GeometryError::Missing("the edge points (thinned edges)"))?;
    let (height, width) = detection.edges.as_ref().map_or((0, 0), |e| e.dim());
    link_located(points, height, width, min_length)
}

#[cfg(test)]
mod tests;
