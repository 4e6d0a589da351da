//! The detection pipeline: a validated configuration ([`DetectConfig::build`](super::DetectConfig::build) → [`Pipeline`])
//! and [`Pipeline::run`], which turns an image's luma into the outputs a front-end wants.
//!
//! `detect`, `batch` and `preview` all call [`Pipeline::run`]. When only the edge map is wanted
//! it runs the fused path: bands of rows in parallel, each converting, smoothing and
//! differentiating only its own rows plus a few halo rows, and writing only the `u8` edge map; an
//! Otsu or percentile threshold adds one histogram pass before it (two for an exact
//! percentile). When a map (magnitude, direction, dx, dy) is wanted too, the maps are made in
//! full and the edges decided from their rows by the same code (one dispatch on the edge rule,
//! generic over where the derivative rows come from), so the two paths give the same edges bit
//! for bit.
//!
//! ```
//! use edgegrad::{DetectConfig, LumaView, Timings, Wanted};
//! let img = ndarray::Array2::from_shape_fn((8, 8), |(_, x)| if x < 4 { 0u8 } else { 255 });
//! let pipeline = DetectConfig::default().build().unwrap();
//! let d = pipeline.run(LumaView::U8(img.view()), &Wanted::edges(), &mut Timings::new());
//! let edges = d.edges.unwrap();
//! // Smoothed (sigma 1) and thinned: one pixel on the step.
//! assert_eq!(edges.row(0).to_vec(), vec![0, 0, 0, 255, 0, 0, 0, 0]);
//! assert!(0.0 < d.threshold && d.threshold < 0.3);
//! ```

mod decide;
mod fused;
mod maps;
mod pictures;
mod streamed;

use ndarray::Array2;

pub use streamed::{StreamError, StreamedEdges, CHUNK_BUDGET_BYTES};

use super::derivatives::Derivatives;
use super::edges::auto::AutoRule;
use super::edges::steady::SteadyLevels;
use super::edges::threshold::Exact;
use super::geometry::Located;
use super::picture::Picture;
use crate::image::render::Depth;
use crate::image::LumaView;
use crate::timings::Timings;

/// How edges are decided from the magnitude.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decision {
    /// Magnitude above a level computed exactly (value, Otsu, percentile).
    Exact(Exact),
    /// Magnitude above the automatic level ([`AutoRule::single`]).
    Auto,
    /// Hysteresis with given levels, or the automatic ones (`None`, [`AutoRule::canny`]).
    Hysteresis(Option<(f32, f32)>),
}

/// How edges are made one pixel wide, if they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Suppression {
    /// Not thinned: every pixel the rule passes is an edge.
    None,
    /// Non-maximum suppression along the gradient (`thin`, Canny, the automatic level).
    Maxima,
    /// The zero crossings of the Laplacian ([`Operator::Log`](super::derivatives::Operator::Log)).
    Crossings,
}

/// A validated configuration, ready to run on any number of images.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    derivatives: Derivatives,
    rule: Decision,
    suppression: Suppression,
    /// The peak magnitude the derivatives give a sharp black-to-white step.
    step: f32,
}

/// The outputs a front-end wants from [`Pipeline::run`].
///
/// ```
/// use edgegrad::detect::pipeline::Wanted;
/// let w = Wanted { dx: true, ..Wanted::edges() };
/// assert!(w.edges && w.dx && !w.magnitude);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wanted {
    /// The edge map.
    pub edges: bool,
    /// The gradient magnitude.
    pub magnitude: bool,
    /// The gradient direction.
    pub direction: bool,
    /// The derivative along x (axis 1).
    pub dx: bool,
    /// The derivative along y (axis 0).
    pub dy: bool,
    /// The sub-pixel points of the edges ([`Detection::points`]); computed with the edge map,
    /// when the edges are one pixel wide ([`Pipeline::thins`]).
    pub points: bool,
}

impl Wanted {
    /// The edge map only (the fused path).
    pub fn edges() -> Self {
        Wanted {
            edges: true,
            ..Wanted::default()
        }
    }

    /// Every map and the edge map (not the points).
    pub fn all() -> Self {
        Wanted {
            edges: true,
            magnitude: true,
            direction: true,
            dx: true,
            dy: true,
            points: false,
        }
    }

    /// Everything `self` or `other` wants.
    ///
    /// ```
    /// use edgegrad::Wanted;
    /// let both = Wanted::edges().union(Wanted { dx: true, ..Wanted::default() });
    /// assert!(both.edges && both.dx && !both.dy);
    /// ```
    pub fn union(self, other: Wanted) -> Wanted {
        Wanted {
            edges: self.edges || other.edges,
            magnitude: self.magnitude || other.magnitude,
            direction: self.direction || other.direction,
            dx: self.dx || other.dx,
            dy: self.dy || other.dy,
            points: self.points || other.points,
        }
    }

    /// The names of the array outputs, in the order of [`Wanted`]'s fields.
    pub const NAMES: [&'static str; 5] = ["edges", "magnitude", "direction", "dx", "dy"];

    /// The outputs named (each one of [`Wanted::NAMES`]); at least one.
    ///
    /// ```
    /// use edgegrad::Wanted;
    /// let w = Wanted::from_names(["edges", "dy"])?;
    /// assert!(w.edges && w.dy && !w.dx);
    /// assert!(Wanted::from_names(["edge"]).is_err());
    /// assert!(Wanted::from_names::<[&str; 0], _>([]).is_err());
    /// # Ok::<(), edgegrad::detect::pipeline::OutputNameError>(())
    /// ```
    pub fn from_names<I, S>(names: I) -> Result<Wanted, OutputNameError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut wanted = Wanted::default();
        for name in names {
            let flag = match name.as_ref() {
                "edges" => &mut wanted.edges,
                "magnitude" => &mut wanted.magnitude,
                "direction" => &mut wanted.direction,
                "dx" => &mut wanted.dx,
                "dy" => &mut wanted.dy,
                other => return Err(OutputNameError::Unknown(other.to_string())),
            };
            *flag = true;
        }
        if wanted == Wanted::default() {
            return Err(OutputNameError::None);
        }
        Ok(wanted)
    }

    fn any_map(&self) -> bool {
        self.magnitude || self.direction || self.dx || self.dy
    }
}

/// Output names that are not a set of [`Wanted::NAMES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputNameError {
    /// A name that is none of the outputs.
    #[error("unknown output {0:?}: expected edges, magnitude, direction, dx or dy")]
    Unknown(String),
    /// No name at all.
    #[error("no output asked for: name at least one of edges, magnitude, direction, dx, dy")]
    None,
}

/// What [`Pipeline::run`] computed: the wanted outputs, each the input's size.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detection {
    /// `255` at edge pixels, `0` elsewhere.
    pub edges: Option<Array2<u8>>,
    /// `sqrt(dx² + dy²)`.
    pub magnitude: Option<Array2<f32>>,
    /// `atan2(dy, dx)` in radians (`y` pointing down).
    pub direction: Option<Array2<f32>>,
    /// `d/dx` (along axis 1).
    pub dx: Option<Array2<f32>>,
    /// `d/dy` (along axis 0).
    pub dy: Option<Array2<f32>>,
    /// The magnitude level used: edges are above it (with hysteresis: the high level). NaN when
    /// edges were not wanted.
    pub threshold: f32,
    /// The `(low, high)` hysteresis levels used, when hysteresis was used.
    pub hysteresis: Option<(f32, f32)>,
    /// The sub-pixel points of the edges, one per pixel they were fitted at, in raster order
    /// of those pixels ([`geometry`](super::geometry) links them into curves): when wanted
    /// and the edges are one pixel wide.
    pub points: Option<Vec<Located>>,
}

impl Pipeline {
    /// A pipeline of checked parts.
    pub(super) fn new(derivatives: Derivatives, rule: Decision, suppression: Suppression) -> Self {
        let step = derivatives.step_response();
        Pipeline {
            derivatives,
            rule,
            suppression,
            step,
        }
    }

    /// Everything `wanted`, computed with the fewest passes: edges only runs the fused banded
    /// path, without any full-size float plane.
    pub fn run(&self, luma: LumaView<'_>, wanted: &Wanted, timings: &mut Timings) -> Detection {
        self.run_reusing(luma, wanted, None, Vec::new(), timings)
    }

    /// [`Pipeline::run`] on one frame of a sequence: the automatic levels (the default
    /// threshold, Canny's automatic hysteresis) come from the noise estimate averaged over the
    /// recent frames by `steady` ([`SteadyLevels`]), so that they hold still while the scene
    /// does. Other rules are decided as by [`Pipeline::run`].
    ///
    /// ```
    /// use edgegrad::detect::edges::steady::SteadyLevels;
    /// use edgegrad::{DetectConfig, LumaView, Timings, Wanted};
    /// let pipeline = DetectConfig::default().build().unwrap();
    /// let mut steady = SteadyLevels::new();
    /// let frame = ndarray::Array2::from_shape_fn((16, 16), |(y, x)| ((x * 7 + y * 13) % 32) as u8);
    /// let first = pipeline.run_steady(LumaView::U8(frame.view()), &Wanted::edges(), &mut steady, &mut Timings::new());
    /// // The first frame of a sequence has the level of the frame alone.
    /// let alone = pipeline.run(LumaView::U8(frame.view()), &Wanted::edges(), &mut Timings::new());
    /// assert_eq!(first, alone);
    /// assert!(steady.noise().is_some());
    /// ```
    pub fn run_steady(
        &self,
        luma: LumaView<'_>,
        wanted: &Wanted,
        steady: &mut SteadyLevels,
        timings: &mut Timings,
    ) -> Detection {
        self.run_reusing(luma, wanted, Some(steady), Vec::new(), timings)
    }

    /// [`Pipeline::run_steady`] with `steady`, [`Pipeline::run`] without, the edge map of the
    /// fused path (the edges alone wanted) written into `map`'s memory when it holds enough:
    /// frame after frame, one buffer instead of a fresh allocation each time (its contents do
    /// not matter, every pixel is written).
    ///
    /// ```
    /// use edgegrad::{DetectConfig, LumaView, Timings, Wanted};
    /// let pipeline = DetectConfig::default().build().unwrap();
    /// let frame = ndarray::Array2::from_shape_fn((16, 16), |(y, x)| ((x * 7 + y * 13) % 32) as u8);
    /// let luma = LumaView::U8(frame.view());
    /// let t = &mut Timings::new();
    /// let buffer = vec![7u8; 16 * 16];
    /// let at = buffer.as_ptr();
    /// let d = pipeline.run_reusing(luma, &Wanted::edges(), None, buffer, t);
    /// assert_eq!(d.edges.as_ref().unwrap().as_ptr(), at);
    /// assert_eq!(d, pipeline.run(luma, &Wanted::edges(), t));
    /// ```
    pub fn run_reusing(
        &self,
        luma: LumaView<'_>,
        wanted: &Wanted,
        steady: Option<&mut SteadyLevels>,
        map: Vec<u8>,
        timings: &mut Timings,
    ) -> Detection {
        if wanted.any_map() {
            maps::run(self, luma, wanted, steady, timings)
        } else if wanted.edges || wanted.points {
            fused::run(self, luma, steady, wanted.points, map, timings)
        } else {
            Detection {
                threshold: f32::NAN,
                ..Detection::default()
            }
        }
    }

    /// The map picture `picture` (magnitude, direction, dx or dy; `depth` is the magnitude
    /// picture's) drawn straight from the image band by band, without making the float maps:
    /// the same pixels as [`Picture::draw`] gives from [`Pipeline::run`]'s maps, in two passes
    /// over the image (the picture's scale, then its rows). `None` for the pictures that are
    /// not maps (edges, overlay, original).
    ///
    /// ```
    /// use edgegrad::detect::{DetectConfig, Picture};
    /// use edgegrad::image::render::Depth;
    /// use edgegrad::{LumaView, Timings};
    /// let img = ndarray::Array2::from_shape_fn((5, 8), |(_, x)| if x < 4 { 0u8 } else { 255 });
    /// let luma = LumaView::U8(img.view());
    /// let pipeline = DetectConfig::default().build().unwrap();
    /// let t = &mut Timings::new();
    /// let banded = pipeline.draw(luma, Picture::Direction, Depth::Eight, t).unwrap();
    /// let maps = pipeline.run(luma, &Picture::Direction.wanted(), t);
    /// assert_eq!(banded, Picture::Direction.draw(&maps, None, Depth::Eight)?);
    /// assert!(pipeline.draw(luma, Picture::Edges, Depth::Eight, t).is_none());
    /// # Ok::<(), edgegrad::detect::picture::MissingResult>(())
    /// ```
    pub fn draw(
        &self,
        luma: LumaView<'_>,
        picture: Picture,
        depth: Depth,
        timings: &mut Timings,
    ) -> Option<image::DynamicImage> {
        pictures::draw(self, luma, picture, depth, timings)
    }

    /// [`Pipeline::draw`], streamed: the picture's rows of pixels go to `sink` in order, as
    /// the bytes a PNG stores (8-bit samples; 16-bit ones big-endian), a chunk of rows at a
    /// time. Each chunk is drawn in parallel while `sink` takes the one before, so that a
    /// serial encoder runs alongside the drawing, and the whole picture is never held. The
    /// pixels are those of [`Pipeline::draw`] ([`Pipeline::picture_colour`] says their
    /// type). The streamed drawing is timed as `encode_ms`. `None` for the pictures that are
    /// not maps; otherwise the first error of `sink`, which stops the drawing.
    ///
    /// ```
    /// use edgegrad::detect::{DetectConfig, Picture};
    /// use edgegrad::image::render::Depth;
    /// use edgegrad::{LumaView, Timings};
    /// let img = ndarray::Array2::from_shape_fn((5, 8), |(y, x)| (x * 30 + y) as u8);
    /// let luma = LumaView::U8(img.view());
    /// let pipeline = DetectConfig::default().build().unwrap();
    /// let t = &mut Timings::new();
    /// let mut bytes = Vec::new();
    /// let mut sink = |rows: &[u8]| {
    ///     bytes.extend_from_slice(rows);
    ///     Ok(())
    /// };
    /// pipeline.draw_streamed(luma, Picture::Dx, Depth::Eight, t, &mut sink).unwrap()?;
    /// let whole = pipeline.draw(luma, Picture::Dx, Depth::Eight, t).unwrap();
    /// assert_eq!(bytes, whole.as_bytes());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn draw_streamed(
        &self,
        luma: LumaView<'_>,
        picture: Picture,
        depth: Depth,
        timings: &mut Timings,
        sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Option<std::io::Result<()>> {
        pictures::draw_streamed(self, luma, picture, depth, timings, sink)
    }

    /// The colour type of the map picture `picture` that [`Pipeline::draw`] and
    /// [`Pipeline::draw_streamed`] draw (8- or 16-bit gray, or RGB); `None` for the others.
    ///
    /// ```
    /// use edgegrad::detect::{DetectConfig, Picture};
    /// use edgegrad::image::render::Depth;
    /// use image::ExtendedColorType;
    /// let p = DetectConfig::default().build().unwrap();
    /// assert_eq!(p.picture_colour(Picture::Magnitude, Depth::Sixteen), Some(ExtendedColorType::L16));
    /// assert_eq!(p.picture_colour(Picture::Direction, Depth::Eight), Some(ExtendedColorType::Rgb8));
    /// assert_eq!(p.picture_colour(Picture::Overlay, Depth::Eight), None);
    /// ```
    pub fn picture_colour(
        &self,
        picture: Picture,
        depth: Depth,
    ) -> Option<image::ExtendedColorType> {
        pictures::colour(picture, depth)
    }

    /// Whether the edges are one pixel wide (non-maximum suppression: `thin`, Canny or the
    /// automatic level; or the zero crossings of the Laplacian), as
    /// [`geometry`](super::geometry) needs them.
    ///
    /// ```
    /// assert!(edgegrad::DetectConfig::default().build().unwrap().thins());
    /// ```
    pub fn thins(&self) -> bool {
        self.suppression != Suppression::None
    }

    /// The derivative operator with its smoothing.
    pub fn derivatives(&self) -> &Derivatives {
        &self.derivatives
    }

    /// The automatic rule of this pipeline's edge rule, if it has one.
    fn auto_rule(&self) -> Option<AutoRule> {
        match self.rule {
            Decision::Auto => Some(AutoRule::single(self.step)),
            Decision::Hysteresis(None) => Some(AutoRule::canny(self.step)),
            _ => None,
        }
    }
}

/// The top of the magnitude range of an image, for [`LevelCodes`](crate::detect::edges::hysteresis::LevelCodes):
/// 4 for 8- and 16-bit images (magnitudes are below `2 √2`), `8 max|v|` for float images.
pub(crate) fn magnitude_top(luma: &LumaView<'_>) -> f32 {
    use ndarray::parallel::prelude::*;
    match luma {
        LumaView::F32(a) => {
            let max = a
                .axis_iter(ndarray::Axis(0))
                .into_par_iter()
                .map(|row| {
                    row.iter()
                        .filter(|v| v.is_finite())
                        .fold(0.0f32, |m, v| m.max(v.abs()))
                })
                .reduce(|| 0.0, f32::max);
            (8.0 * max).max(4.0)
        }
        _ => 4.0,
    }
}
