//! `edgegrad detect`: one image in, its edge map (and any other picture or raw array) out.
//!
//! Everything that can be wrong with the arguments is checked before the image is read (exit
//! code 2); then the image is decoded, the pipeline runs once for everything wanted, and each
//! output is written atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::{DetectConfig, Detection, Pipeline, Wanted};
use edgegrad::image::encode::{write_picture, write_raw, PictureFormat, RawFormat};
use edgegrad::image::render::{self, Depth};
use edgegrad::image::{load_luma_and_photo, DecodeLimits, LoadError, Luma};
use edgegrad::io::atomic::same_file;
use edgegrad::timings::Timings;
use image::{DynamicImage, RgbImage};
use ndarray::{Array2, ArrayView2};

use super::UsageError;

/// Find the edges of an image.
///
/// Reads any image the image crate decodes (PNG, JPEG, TIFF, BMP, WebP, GIF, PNM, TGA, QOI,
/// OpenEXR, HDR), recognised by content. The image becomes a grid of luma in [0, 1] (8-bit / 255,
/// 16-bit / 65535, colour to Rec. 601 luma 0.299 R + 0.587 G + 0.114 B, alpha ignored); the
/// operator estimates its derivatives dx (along x, axis 1) and dy (along y, axis 0); an edge is a
/// pixel whose gradient magnitude hypot(dx, dy) is above the threshold. A black-to-white step over
/// one pixel has magnitude 0.5.
///
/// Without -o the picture is written beside the input as NAME.OUTPUT.png, e.g.
/// `edgegrad detect photo.jpg` writes photo.edges.png.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct DetectArgs {
    /// The image to read.
    input: PathBuf,

    /// Where to write the picture chosen by --output; the format follows the extension (.png,
    /// .tif, .bmp, .jpg, .webp, .pgm, ...). [default: INPUT's folder and name,
    /// with .OUTPUT.png for its extension]
    #[arg(short = 'o', value_name = "PATH")]
    out: Option<PathBuf>,

    /// Also write the derivative along x (axis 1): .npy (float32), .tif/.tiff (32-bit float) or
    /// .png (the --output dx picture).
    #[arg(long, value_name = "PATH")]
    save_dx: Option<PathBuf>,

    /// Also write the derivative along y (axis 0), like --save-dx.
    #[arg(long, value_name = "PATH")]
    save_dy: Option<PathBuf>,

    /// Also write the gradient magnitude hypot(dx, dy), like --save-dx.
    #[arg(long, value_name = "PATH")]
    save_magnitude: Option<PathBuf>,

    /// Also write the gradient direction atan2(dy, dx) in radians (y pointing down), like
    /// --save-dx.
    #[arg(long, value_name = "PATH")]
    save_direction: Option<PathBuf>,

    /// Print the time of each stage as one JSON object, the last line on stderr.
    #[arg(long)]
    timings: bool,

    #[command(flatten)]
    options: DetectOptions,
}

/// The options of a detection, shared by `detect`, `batch` and `preview`.
#[derive(Debug, Clone, Args)]
pub struct DetectOptions {
    /// The derivative operator. central: np.gradient of the grid, exactly; sobel, scharr,
    /// prewitt: central differences smoothed across ([1 2 1]/4, [3 10 3]/16, [1 1 1]/3). All
    /// estimate the same derivative, so a threshold means the same with each.
    #[arg(long, value_enum, default_value_t = OperatorArg::Central)]
    pub operator: OperatorArg,

    /// The accuracy order of the one-sided differences at the image borders: 1 or 2.
    #[arg(long, value_name = "1|2", default_value_t = 1)]
    pub edge_order: usize,

    /// Smooth with a Gaussian of this standard deviation (pixels) first; 0 for none.
    /// [default: none; 1 with --threshold auto, 1.4 with --canny]
    #[arg(long, value_name = "S")]
    pub sigma: Option<f32>,

    /// The edge level on the gradient magnitude: a number (edges are above it), `auto`, `otsu`
    /// (Otsu's method on the magnitudes) or `P%` (the strongest P percent of the pixels). `auto`
    /// is a level scaled to the image's noise (3.5 times the noise level estimated from the
    /// median magnitude), with --thin and, unless --sigma is given, smoothing with sigma 1: the
    /// derivatives it saves are then those of the smoothed image.
    #[arg(long, value_name = "VALUE|auto|otsu|P%", default_value = "auto")]
    pub threshold: String,

    /// Hysteresis instead of one threshold: edges are pixels above HIGH, plus pixels above LOW
    /// connected to them. [default: none; automatic levels with --canny]
    #[arg(long, value_name = "LOW,HIGH")]
    pub hysteresis: Option<String>,

    /// Thin the edges to one pixel (non-maximum suppression along the gradient).
    #[arg(long)]
    pub thin: bool,

    /// Canny's detector: smoothing (--sigma, 1.4 unless given), --thin, and hysteresis (with
    /// automatic levels unless --hysteresis gives them).
    #[arg(long)]
    pub canny: bool,

    /// The picture to write: edges (white on black, 8-bit), magnitude (normalised gray),
    /// direction (hue = angle, brightness = magnitude), dx or dy (red positive, blue negative,
    /// white zero) or overlay (edges in yellow over the dimmed photo).
    #[arg(long, value_enum, default_value_t = OutputKind::Edges)]
    pub output: OutputKind,

    /// Bits per sample of magnitude pictures (-o and --save-magnitude .png): 8 or 16. Other
    /// pictures are 8-bit.
    #[arg(long, value_name = "8|16", default_value_t = 8)]
    pub depth: u8,

    /// Refuse images with more pixels than this (width x height), from their header, before
    /// decoding.
    #[arg(long, value_name = "N", default_value_t = DecodeLimits::DEFAULT_MAX_PIXELS)]
    pub max_pixels: u64,
}

/// `--operator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OperatorArg {
    /// np.gradient: (f[i+1] - f[i-1]) / 2.
    Central,
    /// Sobel, scaled to estimate the derivative.
    Sobel,
    /// Scharr, scaled to estimate the derivative.
    Scharr,
    /// Prewitt, scaled to estimate the derivative.
    Prewitt,
}

/// `--output`: which picture `-o` receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputKind {
    /// The edge map: 255 at edges, 0 elsewhere.
    Edges,
    /// The gradient magnitude, normalised to its maximum.
    Magnitude,
    /// The gradient direction as hue, the magnitude as brightness.
    Direction,
    /// The derivative along x on a diverging colour map.
    Dx,
    /// The derivative along y on a diverging colour map.
    Dy,
    /// Edges over the dimmed photo.
    Overlay,
}

impl OutputKind {
    /// The name used in default output paths (NAME.edges.png, ...).
    pub fn name(self) -> &'static str {
        match self {
            OutputKind::Edges => "edges",
            OutputKind::Magnitude => "magnitude",
            OutputKind::Direction => "direction",
            OutputKind::Dx => "dx",
            OutputKind::Dy => "dy",
            OutputKind::Overlay => "overlay",
        }
    }
}

/// Parses `--threshold`: a number, `auto`, `otsu` or `P%`.
fn parse_threshold(s: &str) -> Result<Threshold, UsageError> {
    let bad = || {
        UsageError(format!(
            "--threshold {s:?}: expected a number, `auto`, `otsu` or a percentage like `5%`"
        ))
    };
    let t = s.trim();
    if t.eq_ignore_ascii_case("auto") {
        Ok(Threshold::Auto)
    } else if t.eq_ignore_ascii_case("otsu") {
        Ok(Threshold::Otsu)
    } else if let Some(p) = t.strip_suffix('%') {
        p.trim().parse().map(Threshold::Percent).map_err(|_| bad())
    } else {
        t.parse().map(Threshold::Value).map_err(|_| bad())
    }
}

/// Parses `--hysteresis LOW,HIGH`.
fn parse_hysteresis(s: &str) -> Result<(f32, f32), UsageError> {
    let bad = || UsageError(format!("--hysteresis {s:?}: expected two numbers LOW,HIGH"));
    let (low, high) = s.split_once(',').ok_or_else(bad)?;
    Ok((
        low.trim().parse().map_err(|_| bad())?,
        high.trim().parse().map_err(|_| bad())?,
    ))
}

impl DetectOptions {
    /// The pipeline configuration these options describe (not yet validated: see
    /// [`DetectOptions::pipeline`]).
    pub fn to_config(&self) -> Result<DetectConfig, UsageError> {
        Ok(DetectConfig {
            operator: match self.operator {
                OperatorArg::Central => Operator::Central,
                OperatorArg::Sobel => Operator::Sobel,
                OperatorArg::Scharr => Operator::Scharr,
                OperatorArg::Prewitt => Operator::Prewitt,
            },
            edge_order: self.edge_order,
            sigma: self.sigma,
            threshold: parse_threshold(&self.threshold)?,
            hysteresis: self
                .hysteresis
                .as_deref()
                .map(parse_hysteresis)
                .transpose()?,
            thin: self.thin,
            canny: self.canny,
        })
    }

    /// The validated pipeline; every invalid value is a [`UsageError`].
    pub fn pipeline(&self) -> Result<Pipeline, UsageError> {
        self.to_config()?
            .build()
            .map_err(|e| UsageError(e.to_string()))
    }

    /// The decoding limits.
    pub fn limits(&self) -> DecodeLimits {
        DecodeLimits {
            max_pixels: self.max_pixels,
        }
    }

    /// The bit depth of magnitude pictures.
    pub fn depth(&self) -> Result<Depth, UsageError> {
        match self.depth {
            8 => Ok(Depth::Eight),
            16 => Ok(Depth::Sixteen),
            d => Err(UsageError(format!("--depth {d}: expected 8 or 16"))),
        }
    }
}

/// Reads an image into its luma, and the photo when an overlay needs it; the error names the
/// file.
pub fn load(
    path: &Path,
    limits: &DecodeLimits,
    with_photo: bool,
) -> Result<(Luma, Option<RgbImage>)> {
    load_luma_and_photo(path, limits, with_photo).map_err(|e| {
        let hint = matches!(e, LoadError::TooLarge { .. })
            .then_some(" (raise --max-pixels to allow it)")
            .unwrap_or_default();
        anyhow::anyhow!("{}: {e}{hint}", path.display())
    })
}

/// A raw array to save: which one and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Array {
    Dx,
    Dy,
    Magnitude,
    Direction,
}

/// Everything `detect` will do, checked before the image is read.
struct DetectJob {
    pipeline: Pipeline,
    limits: DecodeLimits,
    kind: OutputKind,
    depth: Depth,
    out: PathBuf,
    out_format: PictureFormat,
    saves: Vec<(Array, PathBuf, RawFormat)>,
    wanted: Wanted,
}

/// The default picture path: INPUT with its extension replaced by `.KIND.png`.
fn default_output(input: &Path, kind: OutputKind) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into());
    input.with_file_name(format!("{stem}.{}.png", kind.name()))
}

impl DetectJob {
    fn new(args: &DetectArgs) -> Result<DetectJob> {
        let opts = &args.options;
        let pipeline = opts.pipeline()?;
        let depth = opts.depth()?;
        let kind = opts.output;
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| default_output(&args.input, kind));
        let out_depth = if kind == OutputKind::Magnitude {
            depth
        } else {
            Depth::Eight
        };
        let out_format = PictureFormat::from_path(&out, out_depth)
            .map_err(|e| UsageError(format!("-o {}: {e}", out.display())))?;
        let mut saves = Vec::new();
        for (array, path, flag) in [
            (Array::Dx, &args.save_dx, "--save-dx"),
            (Array::Dy, &args.save_dy, "--save-dy"),
            (Array::Magnitude, &args.save_magnitude, "--save-magnitude"),
            (Array::Direction, &args.save_direction, "--save-direction"),
        ] {
            if let Some(path) = path {
                let format =
                    RawFormat::from_path(path).map_err(|e| UsageError(format!("{flag}: {e}")))?;
                if format == RawFormat::Png && array == Array::Magnitude {
                    PictureFormat::from_path(path, depth)
                        .map_err(|e| UsageError(format!("{flag}: {e}")))?;
                }
                saves.push((array, path.clone(), format));
            }
        }
        let outputs: Vec<&PathBuf> = std::iter::once(&out)
            .chain(saves.iter().map(|s| &s.1))
            .collect();
        for (i, p) in outputs.iter().enumerate() {
            if p.as_path() == args.input || same_file(p, &args.input) {
                return Err(UsageError(format!(
                    "{}: refusing to write over the input image",
                    p.display()
                ))
                .into());
            }
            if outputs[..i].iter().any(|q| q == p || same_file(q, p)) {
                return Err(UsageError(format!("{}: named for two outputs", p.display())).into());
            }
        }
        let saved = |a: Array| saves.iter().any(|s| s.0 == a);
        let direction = kind == OutputKind::Direction || saved(Array::Direction);
        let direction_picture = kind == OutputKind::Direction
            || saves
                .iter()
                .any(|s| s.0 == Array::Direction && s.2 == RawFormat::Png);
        let wanted = Wanted {
            edges: matches!(kind, OutputKind::Edges | OutputKind::Overlay),
            magnitude: kind == OutputKind::Magnitude
                || direction_picture
                || saved(Array::Magnitude),
            direction,
            dx: kind == OutputKind::Dx || saved(Array::Dx),
            dy: kind == OutputKind::Dy || saved(Array::Dy),
        };
        Ok(DetectJob {
            pipeline,
            limits: opts.limits(),
            kind,
            depth,
            out,
            out_format,
            saves,
            wanted,
        })
    }
}

/// The array of `detection` that `array` names (computed: the plan asked for it).
fn array_of(detection: &Detection, array: Array) -> ArrayView2<'_, f32> {
    let a: &Option<Array2<f32>> = match array {
        Array::Dx => &detection.dx,
        Array::Dy => &detection.dy,
        Array::Magnitude => &detection.magnitude,
        Array::Direction => &detection.direction,
    };
    a.as_ref()
        .expect("the plan wants every array it saves")
        .view()
}

/// The `--output` picture of `detection` (taking its edge map for `edges`); `None` when the
/// pipeline was not asked for what the picture needs (or, for `overlay`, there is no photo).
pub fn output_picture(
    kind: OutputKind,
    detection: &mut Detection,
    photo: Option<&RgbImage>,
    depth: Depth,
) -> Option<DynamicImage> {
    Some(match kind {
        OutputKind::Edges => render::edges(detection.edges.take()?).into(),
        OutputKind::Overlay => render::overlay(photo?, detection.edges.as_ref()?.view()).into(),
        OutputKind::Magnitude => {
            render::magnitude(detection.magnitude.as_ref()?.view(), depth).into()
        }
        OutputKind::Direction => render::direction(
            detection.direction.as_ref()?.view(),
            detection.magnitude.as_ref()?.view(),
        )
        .into(),
        OutputKind::Dx => render::signed(detection.dx.as_ref()?.view()).into(),
        OutputKind::Dy => render::signed(detection.dy.as_ref()?.view()).into(),
    })
}

/// The picture of one array, as `--save-X file.png` and `--output X` draw it.
fn picture_of(detection: &Detection, array: Array, depth: Depth) -> DynamicImage {
    match array {
        Array::Magnitude => render::magnitude(array_of(detection, array), depth).into(),
        Array::Direction => render::direction(
            array_of(detection, Array::Direction),
            array_of(detection, Array::Magnitude),
        )
        .into(),
        Array::Dx | Array::Dy => render::signed(array_of(detection, array)).into(),
    }
}

/// Runs `edgegrad detect`.
pub fn detect(args: DetectArgs) -> Result<ExitCode> {
    let mut timings = Timings::new();
    let plan = DetectJob::new(&args)?;
    let overlay = plan.kind == OutputKind::Overlay;
    let (luma, photo) = timings.time("decode_ms", || load(&args.input, &plan.limits, overlay))?;
    let mut detection = plan.pipeline.run(luma.view(), &plan.wanted, &mut timings);
    drop(luma);

    let picture = timings.time("render_ms", || {
        output_picture(plan.kind, &mut detection, photo.as_ref(), plan.depth)
            .expect("the plan wants what its picture needs")
    });
    timings.time("encode_ms", || -> Result<()> {
        write_picture(&plan.out, &picture, plan.out_format)
            .with_context(|| plan.out.display().to_string())?;
        for (array, path, format) in &plan.saves {
            let written = match format {
                RawFormat::Png => {
                    let pic = picture_of(&detection, *array, plan.depth);
                    PictureFormat::from_path(path, plan.depth)
                        .and_then(|f| write_picture(path, &pic, f))
                }
                RawFormat::Npy | RawFormat::Tiff => write_raw(path, array_of(&detection, *array)),
            };
            written.with_context(|| path.display().to_string())?;
        }
        Ok(())
    })?;
    if args.timings {
        eprintln!("{}", super::timings_json(&timings));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse() {
        assert_eq!(parse_threshold("auto").unwrap(), Threshold::Auto);
        assert_eq!(parse_threshold("AUTO").unwrap(), Threshold::Auto);
        assert_eq!(parse_threshold("otsu").unwrap(), Threshold::Otsu);
        assert_eq!(parse_threshold("0.25").unwrap(), Threshold::Value(0.25));
        assert_eq!(parse_threshold("5%").unwrap(), Threshold::Percent(5.0));
        assert_eq!(parse_threshold(" 2.5 % ").unwrap(), Threshold::Percent(2.5));
        for bad in ["", "abc", "%", "5%%", "1,2"] {
            assert!(parse_threshold(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hysteresis_parses() {
        assert_eq!(parse_hysteresis("0.1,0.2").unwrap(), (0.1, 0.2));
        assert_eq!(parse_hysteresis(" 0.1 , 0.2 ").unwrap(), (0.1, 0.2));
        for bad in ["0.1", "0.1,", "a,b", "0.1,0.2,0.3"] {
            assert!(parse_hysteresis(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn default_outputs_sit_beside_the_input() {
        let p = default_output(Path::new("dir/photo.jpg"), OutputKind::Edges);
        assert_eq!(p, Path::new("dir/photo.edges.png"));
        let p = default_output(Path::new("photo"), OutputKind::Overlay);
        assert_eq!(p, Path::new("photo.overlay.png"));
        let p = default_output(Path::new("a.b.tif"), OutputKind::Dx);
        assert_eq!(p, Path::new("a.b.dx.png"));
    }
}
