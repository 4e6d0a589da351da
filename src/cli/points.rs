//! `detect --points` and `batch --points`: the edges as sub-pixel points linked into curves,
//! written as CSV, JSON or SVG (`edgegrad::detect::geometry` computes them,
//! `edgegrad::image::curves` writes them).
//!
//! Everything is checked before the image is read: the file's extension, thinned edges (the
//! points follow one-pixel-wide edges), `--svg-background` with an SVG file only, and a
//! minimum length that is a number at least 0.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Args;
use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::geometry::{self, Curves};
use edgegrad::detect::{Detection, Picture, Pipeline};
use edgegrad::image::curves::{write_curves, CurvesExtras, CurvesFormat};
use image::{DynamicImage, RgbImage};

use super::detect::DetectOptions;
use super::UsageError;

/// The options of `detect` that write the edges as geometry.
#[derive(Debug, Clone, Args)]
pub struct PointsArgs {
    /// Also write the edges as sub-pixel points linked into curves: PATH.csv (a header, then
    /// curve,x,y,strength,direction per point, curve by curve in order along each), PATH.json
    /// (the same as arrays per curve, with the image size and the options used) or PATH.svg
    /// (the curves as polylines over the image's size). x to the right, y down, in pixels,
    /// (0, 0) the centre of the top-left pixel; strength is the gradient magnitude and
    /// direction its angle atan2(dy, dx) in radians. Each point lies on the peak of the
    /// magnitude across the edge (Devernay's sub-pixel interpolation), or with --operator log
    /// on the zero of the Laplacian (interpolated linearly). Needs one-pixel-wide edges: the
    /// default --threshold auto, --canny, --thin or --operator log.
    #[arg(long, value_name = "PATH")]
    pub points: Option<PathBuf>,

    /// With --points: leave out curves shorter than L pixels (measured along the points).
    /// [default: 0, every curve]
    #[arg(long, value_name = "L", requires = "points")]
    pub min_length: Option<f32>,

    /// With --points FILE.svg: draw the curves over the input picture, embedded in the SVG as
    /// a PNG.
    #[arg(long, requires = "points")]
    pub svg_background: bool,
}

/// The options of `batch` that write each image's edges as geometry.
#[derive(Debug, Clone, Args)]
pub struct BatchPointsArgs {
    /// Also write each image's edges as sub-pixel points linked into curves, beside its edge
    /// map: OUT_DIR/REL/NAME.csv, .json or .svg (IN_DIR/REL/NAME with the format's extension
    /// appended), as `detect --points` writes them; --skip-existing skips an image only when
    /// both files exist. Needs one-pixel-wide edges: the default --threshold auto, --canny,
    /// --thin or --operator log.
    #[arg(long, value_name = "csv|json|svg", value_parser = format_parser())]
    pub points: Option<CurvesFormat>,

    /// With --points: leave out curves shorter than L pixels (measured along the points).
    /// [default: 0, every curve]
    #[arg(long, value_name = "L", requires = "points")]
    pub min_length: Option<f32>,

    /// With --points svg: draw the curves over the input picture, embedded in the SVG as a PNG.
    #[arg(long, requires = "points")]
    pub svg_background: bool,
}

/// `--points` of `batch`: a format's name, parsed by [`CurvesFormat::from_extension`].
fn format_parser() -> impl TypedValueParser<Value = CurvesFormat> {
    PossibleValuesParser::new(["csv", "json", "svg"]).try_map(|name| {
        CurvesFormat::from_extension(&name).ok_or_else(|| format!("unknown format {name}"))
    })
}

impl BatchPointsArgs {
    /// The checked request, `None` without `--points`.
    pub fn spec(&self, pipeline: &Pipeline) -> Result<Option<PointsSpec>, UsageError> {
        let Some(format) = self.points else {
            return Ok(None);
        };
        let named = || format!("--points {}", format.extension());
        PointsSpec::new(
            format,
            self.min_length,
            self.svg_background,
            pipeline,
            named,
        )
        .map(Some)
    }
}

/// A checked `--points` request of `detect`: where, and how.
#[derive(Debug, Clone)]
pub struct PointsJob {
    /// Where to write.
    pub path: PathBuf,
    /// How.
    pub spec: PointsSpec,
}

/// What a `--points` request writes, checked: the format, the shortest curve kept and whether
/// an SVG has the picture under its curves.
#[derive(Debug, Clone)]
pub struct PointsSpec {
    format: CurvesFormat,
    min_length: f32,
    /// Whether the SVG has the picture under its curves (the photo must be loaded).
    pub background: bool,
}

impl PointsArgs {
    /// The checked request, `None` without `--points`.
    pub fn job(&self, pipeline: &Pipeline) -> Result<Option<PointsJob>, UsageError> {
        let Some(path) = &self.points else {
            return Ok(None);
        };
        let format =
            CurvesFormat::from_path(path).map_err(|e| UsageError(format!("--points {e}")))?;
        let named = || format!("{}", path.display());
        let spec = PointsSpec::new(
            format,
            self.min_length,
            self.svg_background,
            pipeline,
            named,
        )?;
        Ok(Some(PointsJob {
            path: path.clone(),
            spec,
        }))
    }
}

/// Refuses `--output contours` without one-pixel-wide edges, which have no curves to draw.
pub fn check_contours(picture: Picture, pipeline: &Pipeline) -> Result<(), UsageError> {
    if picture == Picture::Contours && !pipeline.thins() {
        return Err(UsageError(format!("--output contours {THIN_NEEDED}")));
    }
    Ok(())
}

/// Why unthinned edges have no points, and what gives them.
const THIN_NEEDED: &str = "needs thinned (one-pixel-wide) edges: add --thin, or use --canny, \
                           --threshold auto or --operator log (--threshold VALUE|otsu|P% and \
                           --hysteresis do not thin)";

impl PointsSpec {
    /// Checks the request: thinned edges, `--svg-background` with SVG only (`named` names the
    /// file or format in the message), a minimum length that is a number at least 0.
    fn new(
        format: CurvesFormat,
        min_length: Option<f32>,
        background: bool,
        pipeline: &Pipeline,
        named: impl Fn() -> String,
    ) -> Result<PointsSpec, UsageError> {
        if !pipeline.thins() {
            return Err(UsageError(format!("--points {THIN_NEEDED}")));
        }
        if background && format != CurvesFormat::Svg {
            return Err(UsageError(format!(
                "--svg-background draws under the curves of an .svg file, not {}",
                named()
            )));
        }
        let min_length = min_length.unwrap_or(0.0);
        if !min_length.is_finite() || min_length < 0.0 {
            return Err(UsageError(format!(
                "--min-length must be a number of pixels at least 0, got {min_length}"
            )));
        }
        Ok(PointsSpec {
            format,
            min_length,
            background,
        })
    }

    /// The curves of `detection` (which computed [`geometry::WANTED`]).
    pub fn curves(&self, detection: &Detection) -> Result<Curves> {
        Ok(geometry::contours(detection, self.min_length)?)
    }

    /// Writes `curves` to `path` atomically, with the options that made them (JSON) and the
    /// picture under them (`photo`, SVG with `--svg-background`); the error names the file.
    pub fn write(
        &self,
        path: &Path,
        curves: &Curves,
        detection: &Detection,
        options: &DetectOptions,
        photo: Option<&RgbImage>,
    ) -> Result<()> {
        let background = match (self.background, photo) {
            (true, Some(photo)) => Some(DynamicImage::ImageRgb8(photo.clone())),
            _ => None,
        };
        let used = self.options_used(detection, options);
        let extras = CurvesExtras {
            options: &used,
            background: background.as_ref(),
        };
        write_curves(path, self.format, curves, extras)
            .with_context(|| format!("{}: cannot write", path.display()))
    }

    /// The extension of the files written.
    pub fn extension(&self) -> &'static str {
        self.format.extension()
    }

    /// The options that made the curves, and the levels the detection used, for JSON.
    fn options_used(
        &self,
        detection: &Detection,
        options: &DetectOptions,
    ) -> Vec<(&'static str, String)> {
        let config = options.to_config();
        let subpixel = match options.operator {
            Operator::Log => "zero crossing, linear",
            _ => "devernay",
        };
        let rule = match (options.canny, options.hysteresis) {
            (true, _) => "canny".to_string(),
            (false, Some(_)) => "hysteresis".to_string(),
            (false, None) => format!("threshold {}", options.threshold),
        };
        let mut used = vec![
            ("operator", options.operator.name().to_string()),
            ("edge_order", options.edge_order.to_string()),
            ("sigma", config.effective_sigma().to_string()),
            ("rule", rule),
            ("thin", config.thins().to_string()),
            ("min_length", self.min_length.to_string()),
            ("subpixel", subpixel.to_string()),
        ];
        match detection.hysteresis {
            Some((low, high)) => used.push(("hysteresis", format!("{low},{high}"))),
            None => used.push(("threshold", detection.threshold.to_string())),
        }
        used
    }
}
