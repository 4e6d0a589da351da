//! Edges as geometry, as data and as files: [`EdgePoint`] (a sub-pixel edge point), [`Curve`]
//! (points linked in order, open or closed) and [`Curves`] (all of an image's curves with its
//! size), and their writers: CSV ([`csv`]), JSON ([`json`]) and SVG ([`svg`]), chosen by
//! [`CurvesFormat`] from a file's extension and written atomically by [`write_curves`].
//!
//! Coordinates are in pixels: x to the right, y down, `(0, 0)` the centre of the top-left
//! pixel (so the image spans `-0.5 ..= width - 0.5` across). The points are computed by the
//! detection layer (`detect::geometry`); this module only holds and serialises them.

pub mod csv;
pub mod json;
pub mod svg;

use std::io::{self, Write};
use std::path::Path;

use image::DynamicImage;
use rayon::prelude::*;
use thiserror::Error;

use crate::io::atomic::write_atomically;
use crate::io::message::one_line;

/// One sub-pixel edge point.
///
/// ```
/// use edgegrad::image::curves::EdgePoint;
/// let p = EdgePoint { x: 3.25, y: 1.0, strength: 0.5, direction: 0.0 };
/// assert_eq!(p.distance(&EdgePoint { x: 0.25, y: 5.0, ..p }), 5.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgePoint {
    /// Position across, in pixels (0 = the centre of the first column).
    pub x: f32,
    /// Position down, in pixels (0 = the centre of the first row).
    pub y: f32,
    /// The gradient magnitude at the edge pixel.
    pub strength: f32,
    /// The gradient direction `atan2(dy, dx)` in radians, y pointing down.
    pub direction: f32,
}

impl EdgePoint {
    /// The Euclidean distance between two points' positions.
    pub fn distance(&self, other: &EdgePoint) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// Edge points linked in order along an edge.
///
/// ```
/// use edgegrad::image::curves::{Curve, EdgePoint};
/// let p = |x| EdgePoint { x, y: 0.0, strength: 1.0, direction: 0.0 };
/// let open = Curve { points: vec![p(0.0), p(1.0), p(3.0)], closed: false };
/// assert_eq!(open.length(), 3.0);
/// let closed = Curve { closed: true, ..open };
/// assert_eq!(closed.length(), 6.0);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Curve {
    /// The points in order along the curve.
    pub points: Vec<EdgePoint>,
    /// Whether the last point joins the first.
    pub closed: bool,
}

impl Curve {
    /// The length of the polyline through the points, with the closing segment when closed.
    pub fn length(&self) -> f32 {
        let open: f32 = self.points.windows(2).map(|w| w[0].distance(&w[1])).sum();
        match (self.closed, self.points.first(), self.points.last()) {
            (true, Some(first), Some(last)) => open + last.distance(first),
            _ => open,
        }
    }
}

/// All the curves found in an image, with the image's size.
///
/// ```
/// use edgegrad::image::curves::Curves;
/// let c = Curves { width: 4, height: 3, curves: vec![] };
/// assert_eq!(c.point_count(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Curves {
    /// The image's width in pixels.
    pub width: usize,
    /// The image's height in pixels.
    pub height: usize,
    /// The curves, each with its points in order.
    pub curves: Vec<Curve>,
}

impl Curves {
    /// The number of points of all curves.
    pub fn point_count(&self) -> usize {
        self.curves.iter().map(|c| c.points.len()).sum()
    }
}

/// The file formats curves are written in.
///
/// ```
/// use edgegrad::image::curves::CurvesFormat;
/// use std::path::Path;
/// assert_eq!(CurvesFormat::from_path(Path::new("a.CSV")), Ok(CurvesFormat::Csv));
/// assert_eq!(CurvesFormat::from_path(Path::new("a.svg")), Ok(CurvesFormat::Svg));
/// assert!(CurvesFormat::from_path(Path::new("a.txt")).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurvesFormat {
    /// `curve,x,y,strength,direction`, a row per point ([`csv`]).
    Csv,
    /// Arrays per curve, the image size and the options used ([`json`]).
    Json,
    /// Polylines over the image's size ([`svg`]).
    Svg,
}

/// A curves file whose extension is not `.csv`, `.json` or `.svg`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}: unknown points format (expected a .csv, .json or .svg file)")]
pub struct UnknownCurvesFormat(pub String);

impl CurvesFormat {
    /// The format named by `path`'s extension (any case).
    pub fn from_path(path: &Path) -> Result<CurvesFormat, UnknownCurvesFormat> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(CurvesFormat::from_extension)
            .ok_or_else(|| UnknownCurvesFormat(one_line(path.display())))
    }

    /// The format of an extension (without the dot, any case).
    ///
    /// ```
    /// use edgegrad::image::curves::CurvesFormat;
    /// assert_eq!(CurvesFormat::from_extension("Json"), Some(CurvesFormat::Json));
    /// assert_eq!(CurvesFormat::from_extension("txt"), None);
    /// ```
    pub fn from_extension(extension: &str) -> Option<CurvesFormat> {
        match extension.to_ascii_lowercase().as_str() {
            "csv" => Some(CurvesFormat::Csv),
            "json" => Some(CurvesFormat::Json),
            "svg" => Some(CurvesFormat::Svg),
            _ => None,
        }
    }

    /// The format's extension, lowercase, without the dot.
    ///
    /// ```
    /// use edgegrad::image::curves::CurvesFormat;
    /// assert_eq!(CurvesFormat::Svg.extension(), "svg");
    /// ```
    pub fn extension(self) -> &'static str {
        match self {
            CurvesFormat::Csv => "csv",
            CurvesFormat::Json => "json",
            CurvesFormat::Svg => "svg",
        }
    }
}

/// What goes into a curves file besides the curves: the options that made them (written to
/// JSON) and the picture under the SVG's curves.
#[derive(Debug, Clone, Copy, Default)]
pub struct CurvesExtras<'a> {
    /// `(name, value)` pairs, written to JSON as strings under `"options"`.
    pub options: &'a [(&'a str, String)],
    /// The picture drawn under the curves in SVG (embedded as a PNG), if any.
    pub background: Option<&'a DynamicImage>,
}

/// Curves written by one task of [`write_each`]: enough to share the work, few enough to keep
/// its text small.
const CURVES_PER_TASK: usize = 256;
/// Tasks of [`write_each`] whose text is held at once.
const TASKS_AT_ONCE: usize = 64;

/// Writes the text `text(id, curve, out)` makes for every curve, in order: tasks of
/// [`CURVES_PER_TASK`] curves format their text in parallel (numbers to text is most of a
/// writer's work), a bounded number at a time, and the texts are written one after the other.
fn write_each(
    w: &mut dyn Write,
    curves: &[Curve],
    text: impl Fn(usize, &Curve, &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    let group = CURVES_PER_TASK * TASKS_AT_ONCE;
    for (g, curves) in curves.chunks(group).enumerate() {
        let texts: Vec<io::Result<Vec<u8>>> = curves
            .par_chunks(CURVES_PER_TASK)
            .enumerate()
            .map(|(t, task)| {
                let mut out = Vec::new();
                for (i, curve) in task.iter().enumerate() {
                    text(g * group + t * CURVES_PER_TASK + i, curve, &mut out)?;
                }
                Ok(out)
            })
            .collect();
        for t in texts {
            w.write_all(&t?)?;
        }
    }
    Ok(())
}

/// Writes `curves` to `path` in `format`, atomically (a temporary file renamed when complete).
///
/// ```
/// use edgegrad::image::curves::{write_curves, Curves, CurvesExtras, CurvesFormat};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("none.csv");
/// let empty = Curves { width: 2, height: 2, curves: vec![] };
/// write_curves(&path, CurvesFormat::Csv, &empty, CurvesExtras::default())?;
/// assert_eq!(std::fs::read_to_string(&path)?, "curve,x,y,strength,direction\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_curves(
    path: &Path,
    format: CurvesFormat,
    curves: &Curves,
    extras: CurvesExtras<'_>,
) -> io::Result<()> {
    write_atomically(path, |w| match format {
        CurvesFormat::Csv => csv::write(w, curves),
        CurvesFormat::Json => json::write(w, curves, extras.options),
        CurvesFormat::Svg => svg::write(w, curves, extras.background),
    })
}
