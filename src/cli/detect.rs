//! `edgegrad detect`: one image in, its edge map (and any other picture or raw array) out.
//!
//! Everything that can be wrong with the arguments is checked before the image is read (exit
//! code 2): values by clap with the library's own parsers (`FromStr` of `Threshold`,
//! `HysteresisLevels`, `EdgeOrder`, `Depth`, `Picture`), contradictions by clap's conflicts
//! and by [`DetectJob::new`]. Then the image is loaded, the pipeline runs once for everything
//! wanted, and each output is written atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::Args;
use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::geometry;
use edgegrad::detect::pipeline::StreamError;
use edgegrad::detect::{
    DetectConfig, Detection, EdgeOrder, EdgeRule, HysteresisLevels, Picture, Pipeline, Wanted,
};
use edgegrad::image::encode::{
    encode_png_rows, write_picture, write_raw, PictureFormat, RawFormat,
};
use edgegrad::image::render::Depth;
use edgegrad::image::stream::encode_rows::{write_rows, RowFormat};
use edgegrad::image::stream::{open_rows, open_stream};
use edgegrad::image::{load, DecodeLimits, LoadError, LoadOptions, Loaded};
use edgegrad::io::atomic::{folder_of, same_file, write_atomically};
use edgegrad::timings::Timings;
use ndarray::{Array2, ArrayView2};

use super::points::{check_contours, PointsArgs, PointsJob};
use super::UsageError;

/// Find the edges of an image.
///
/// Reads any image the image crate decodes (PNG, JPEG, TIFF, BMP, WebP, GIF, PNM, TGA, QOI,
/// OpenEXR, HDR), recognised by content, and one-channel float TIFFs; a photo with an EXIF
/// orientation is turned upright first (see --keep-orientation). The image becomes a grid of
/// luma in [0, 1] (8-bit / 255, 16-bit / 65535, colour to Rec. 601 luma 0.299 R + 0.587 G +
/// 0.114 B, a colour JPEG's stored Y plane / 255, alpha ignored); the operator estimates its derivatives dx (along x, axis 1) and dy
/// (along y, axis 0); an edge is a pixel whose gradient magnitude hypot(dx, dy) is above the
/// threshold. A black-to-white step over one pixel has magnitude 0.5.
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

    /// Bits per sample of the magnitude pictures (--output magnitude, --save-magnitude
    /// FILE.png): 8 or 16. Other pictures are 8-bit, so 16 without a magnitude picture is an
    /// error.
    #[arg(long, value_name = "8|16", default_value = "8")]
    depth: Depth,

    /// Print the time of each stage as one JSON object, the last line on stderr.
    #[arg(long)]
    timings: bool,

    /// Read the image a chunk of rows at a time instead of whole, in memory that depends on its
    /// width only (the edges are the same bit for bit). Streams: non-interlaced PNG, TIFF or
    /// BigTIFF in strips or tiles (gray, gray + alpha, RGB, RGBA; 8-, 16-bit or float), binary
    /// PNM (P5, P6, PAM), when the image needs no turning upright; edges written to .png, .pgm,
    /// .pnm, .tif, .tiff (BigTIFF past 4 GiB) or .npy (uint8, streamed only); any rule
    /// (--hysteresis and --canny, and the automatic level, use temporary files of about a byte a
    /// pixel); no other output. auto: stream images above 64 megapixels that
    /// can be streamed (they are then not limited by --max-pixels), and .npy edges; always:
    /// stream, or fail saying why; never.
    #[arg(long, value_name = "auto|always|never", default_value = "auto")]
    stream: StreamMode,

    #[command(flatten)]
    options: DetectOptions,

    #[command(flatten)]
    geometry: PointsArgs,
}

/// When `detect` streams the image (`--stream`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StreamMode {
    /// Stream images above 64 megapixels that can be streamed.
    Auto,
    /// Stream every image, or fail saying why not.
    Always,
    /// Load every image whole.
    Never,
}

/// `--stream auto` streams images with more pixels than this (8192 x 8192, 64 megapixels).
const AUTO_STREAM_PIXELS: usize = 1 << 26;

/// The options of a detection, shared by `detect`, `batch` and `preview`.
#[derive(Debug, Clone, Args)]
pub struct DetectOptions {
    /// The derivative operator. central: np.gradient of the grid, exactly; sobel, scharr,
    /// prewitt: central differences smoothed across ([1 2 1]/4, [3 10 3]/16, [1 1 1]/3). All
    /// estimate the same derivative, so a threshold means the same with each. log:
    /// Marr-Hildreth, the Laplacian of Gaussian (--sigma, 2 unless given): edges are its zero
    /// crossings whose gradient magnitude (central differences of the smoothed image) passes
    /// the threshold; they are one pixel wide, so not with --thin or --canny.
    #[arg(long, value_name = "OPERATOR", default_value = "central", value_parser = operator_parser())]
    pub operator: Operator,

    /// The accuracy order of the one-sided differences at the image borders: 1 or 2.
    #[arg(long, value_name = "1|2", default_value = "1")]
    pub edge_order: EdgeOrder,

    /// Smooth with a Gaussian of this standard deviation (pixels) first; 0 for none.
    /// [default: none; 1 with --threshold auto, 1.4 with --canny, 2 with --operator log]
    #[arg(long, value_name = "S")]
    pub sigma: Option<f32>,

    /// The edge level on the gradient magnitude: a number (edges are above it), `auto`, `otsu`
    /// (Otsu's method on the magnitudes) or `P%` (the strongest P percent of the pixels). `auto`
    /// is a level scaled to the image's noise (3.5 times the noise level estimated from the
    /// median magnitude), with --thin and, unless --sigma is given, smoothing with sigma 1: the
    /// derivatives it saves are then those of the smoothed image. Not with --hysteresis or
    /// --canny, which decide edges with two levels.
    #[arg(long, value_name = "VALUE|auto|otsu|P%", default_value = "auto")]
    pub threshold: Threshold,

    /// Hysteresis instead of one threshold: edges are pixels above HIGH, plus pixels above LOW
    /// connected to them. [default: none; automatic levels with --canny]
    #[arg(long, value_name = "LOW,HIGH", conflicts_with = "threshold")]
    pub hysteresis: Option<HysteresisLevels>,

    /// Thin the edges to one pixel (non-maximum suppression along the gradient); implied by
    /// --threshold auto and --canny. Not with --operator log, whose zero crossings are one
    /// pixel wide already.
    #[arg(long)]
    pub thin: bool,

    /// Canny's detector: smoothing (--sigma, 1.4 unless given), --thin, and hysteresis (with
    /// automatic levels unless --hysteresis gives them). Not with --threshold or --operator
    /// log.
    #[arg(long, conflicts_with = "threshold")]
    pub canny: bool,

    /// The picture to write (preview: to show first): edges (white on black, 8-bit), magnitude
    /// (normalised gray), direction (hue = angle, brightness = magnitude), dx or dy (red
    /// positive, blue negative, white zero) or overlay (edges in yellow over the dimmed photo).
    #[arg(long, value_name = "PICTURE", default_value = "edges", value_parser = picture_parser())]
    pub output: Picture,

    /// Refuse images with more pixels than this (width x height), from their header, before
    /// decoding.
    #[arg(long, value_name = "N", default_value_t = DecodeLimits::DEFAULT_MAX_PIXELS)]
    pub max_pixels: u64,

    /// Keep the pixels in the order they are stored. By default a photo whose EXIF orientation
    /// says it is stored sideways or mirrored (JPEG, TIFF, WebP, PNG) is turned upright first,
    /// as image viewers do; the results, np.gradient's included, are those of the upright
    /// image.
    #[arg(long)]
    pub keep_orientation: bool,
}

/// `--operator`: parsed by [`Operator`]'s `FromStr`, each described by
/// [`Operator::description`].
fn operator_parser() -> impl TypedValueParser<Value = Operator> {
    let values = Operator::ALL
        .into_iter()
        .map(|op| PossibleValue::new(op.name()).help(op.description()));
    PossibleValuesParser::new(values).try_map(|name| name.parse::<Operator>())
}

/// `--output`: every picture but the photo itself, parsed by [`Picture`]'s `FromStr` and
/// described by [`Picture::description`].
fn picture_parser() -> impl TypedValueParser<Value = Picture> {
    let values = Picture::ALL
        .into_iter()
        .filter(|&p| p != Picture::Original)
        .map(|p| PossibleValue::new(p.name()).help(p.description()));
    PossibleValuesParser::new(values).try_map(|name| name.parse::<Picture>())
}

impl DetectOptions {
    /// How edges are decided: Canny, hysteresis or one threshold (clap lets no two through).
    pub fn rule(&self) -> EdgeRule {
        match (self.canny, self.hysteresis) {
            (true, levels) => EdgeRule::Canny(levels),
            (false, Some(levels)) => EdgeRule::Hysteresis(levels),
            (false, None) => EdgeRule::Threshold(self.threshold),
        }
    }

    /// The pipeline configuration these options describe (not yet validated: see
    /// [`DetectOptions::pipeline`]).
    pub fn to_config(&self) -> DetectConfig {
        DetectConfig {
            operator: self.operator,
            edge_order: self.edge_order,
            sigma: self.sigma,
            rule: self.rule(),
            thin: self.thin,
        }
    }

    /// The validated pipeline; every invalid value is a [`UsageError`], and options that
    /// contradict `--operator log` one naming both.
    pub fn pipeline(&self) -> Result<Pipeline, UsageError> {
        if self.operator == Operator::Log {
            let with = [(self.thin, "--thin"), (self.canny, "--canny")];
            if let Some((_, flag)) = with.into_iter().find(|&(on, _)| on) {
                return Err(UsageError(format!(
                    "the argument '--operator log' cannot be used with '{flag}': the Laplacian \
                     of Gaussian's edges are its zero crossings, one pixel wide already"
                )));
            }
        }
        self.to_config()
            .build()
            .map_err(|e| UsageError(e.to_string()))
    }

    /// How to load images, with the photo or without.
    pub fn load_options(&self, photo: bool) -> LoadOptions {
        LoadOptions {
            limits: DecodeLimits {
                max_pixels: self.max_pixels,
            },
            keep_orientation: self.keep_orientation,
            photo,
        }
    }
}

/// A load error's message, with the way out for oversize images.
pub fn load_error_message(e: &LoadError) -> String {
    match e {
        LoadError::TooLarge { .. } => format!("{e} (raise --max-pixels to allow it)"),
        e => e.to_string(),
    }
}

/// `--depth 16` without a magnitude picture: the pair of flags that contradict.
pub fn depth_conflict(output: Picture, also: &str) -> UsageError {
    UsageError(format!(
        "the argument '--depth 16' cannot be used with '--output {output}': only magnitude \
         pictures (--output magnitude{also}) have 16 bits (see --help)"
    ))
}

/// A raw array to save: which one and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Array {
    Dx,
    Dy,
    Magnitude,
    Direction,
}

impl Array {
    /// The picture of the array, as `--save-X FILE.png` writes it.
    fn picture(self) -> Picture {
        match self {
            Array::Dx => Picture::Dx,
            Array::Dy => Picture::Dy,
            Array::Magnitude => Picture::Magnitude,
            Array::Direction => Picture::Direction,
        }
    }
}

/// Everything `detect` will do, checked before the image is read.
struct DetectJob {
    pipeline: Pipeline,
    load: LoadOptions,
    kind: Picture,
    depth: Depth,
    out: PathBuf,
    /// `None` for a format only the streamed path writes (`.npy` edges).
    out_format: Option<PictureFormat>,
    saves: Vec<(Array, PathBuf, RawFormat)>,
    wanted: Wanted,
    points: Option<PointsJob>,
}

/// The default picture path: INPUT with its extension replaced by `.KIND.png`.
fn default_output(input: &Path, kind: Picture) -> PathBuf {
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
        let depth = args.depth;
        let kind = opts.output;
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| default_output(&args.input, kind));
        let out_depth = if kind == Picture::Magnitude {
            depth
        } else {
            Depth::Eight
        };
        let out_format = match PictureFormat::from_path(&out, out_depth) {
            Ok(format) => Some(format),
            Err(_) if RowFormat::from_path(&out) == Some(RowFormat::Npy) => None,
            Err(e) => return Err(UsageError(format!("-o {}: {e}", out.display())).into()),
        };
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
        let points = args.geometry.job(&pipeline)?;
        check_contours(kind, &pipeline)?;
        let outputs: Vec<&PathBuf> = std::iter::once(&out)
            .chain(saves.iter().map(|s| &s.1))
            .chain(points.as_ref().map(|p| &p.path))
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
            // Before any work, so that no output is written when another cannot be.
            let folder = folder_of(p);
            if !folder.is_dir() {
                bail!(
                    "{}: cannot write: cannot create a file in {}: no such folder",
                    p.display(),
                    folder.display()
                );
            }
        }
        let magnitude_png = saves
            .iter()
            .any(|s| s.0 == Array::Magnitude && s.2 == RawFormat::Png);
        if depth == Depth::Sixteen && kind != Picture::Magnitude && !magnitude_png {
            return Err(depth_conflict(kind, ", --save-magnitude FILE.png").into());
        }
        let wanted = saves
            .iter()
            .map(|&(array, _, format)| match format {
                RawFormat::Png => array.picture().wanted(),
                RawFormat::Npy | RawFormat::Tiff => array_wanted(array),
            })
            .fold(kind.wanted(), Wanted::union);
        let wanted = match points {
            Some(_) => wanted.union(geometry::WANTED),
            None => wanted,
        };
        let background = points.as_ref().is_some_and(|p| p.spec.background);
        Ok(DetectJob {
            pipeline,
            load: opts.load_options(kind.needs_photo() || background),
            kind,
            depth,
            out,
            out_format,
            saves,
            wanted,
            points,
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

/// What the pipeline computes for the raw array `array`.
fn array_wanted(array: Array) -> Wanted {
    let none = Wanted::default();
    match array {
        Array::Dx => Wanted { dx: true, ..none },
        Array::Dy => Wanted { dy: true, ..none },
        Array::Magnitude => Wanted {
            magnitude: true,
            ..none
        },
        Array::Direction => Wanted {
            direction: true,
            ..none
        },
    }
}

/// Loads the image at `path`; the error names the file.
fn load_image(path: &Path, options: &LoadOptions) -> Result<Loaded> {
    load(path, options).map_err(|e| anyhow!("{}: {}", path.display(), load_error_message(&e)))
}

/// The format the edges would be streamed in, or why the options rule out streaming.
fn stream_format(plan: &DetectJob) -> Result<RowFormat, &'static str> {
    if plan.kind != Picture::Edges {
        Err("only the edges picture is streamed (--output edges)")
    } else if !plan.saves.is_empty() {
        Err("--save-dx, --save-dy, --save-magnitude and --save-direction need the whole image")
    } else if plan.points.is_some() {
        Err("--points needs the whole image")
    } else {
        RowFormat::from_path(&plan.out)
            .ok_or("edges are streamed to .png, .pgm, .pnm, .tif, .tiff or .npy files only")
    }
}

/// Streams the edges of the input when `--stream` says so and it can be (always for `.npy`
/// edges, which only the streamed path writes): `Ok(false)` when the image is to be loaded
/// whole instead.
fn stream(args: &DetectArgs, plan: &DetectJob, timings: &mut Timings) -> Result<bool> {
    let input = &args.input;
    let (mode, asked) = match (plan.out_format, args.stream) {
        (None, StreamMode::Never) => {
            return Err(UsageError(format!(
                "-o {}: .npy edges are written only when streamed, not with --stream never",
                plan.out.display()
            ))
            .into())
        }
        (None, _) => (
            StreamMode::Always,
            format!(
                "-o {}: .npy edges are written only when streamed",
                plan.out.display()
            ),
        ),
        (Some(_), mode) => (mode, "--stream always".to_string()),
    };
    let format = match (mode, stream_format(plan)) {
        (StreamMode::Never, _) | (StreamMode::Auto, Err(_)) => return Ok(false),
        (StreamMode::Always, Err(why)) => return Err(UsageError(format!("{asked}: {why}")).into()),
        (_, Ok(format)) => format,
    };
    let named = |e: &LoadError| anyhow!("{}: {}", input.display(), load_error_message(e));
    let open = || open_rows(input, &plan.load)?.ok_or(LoadError::UnknownFormat);
    let size = match open_stream(input, &plan.load).map_err(|e| named(&e))? {
        Ok(rows) => rows.size(),
        Err(why) if mode == StreamMode::Always => {
            return Err(anyhow!(
                "{}: {asked}: not an image that streams: {why}",
                input.display()
            ))
        }
        Err(_) => return Ok(false),
    };
    if mode == StreamMode::Auto && size.0.saturating_mul(size.1) <= AUTO_STREAM_PIXELS {
        return Ok(false);
    }
    let streamed = write_rows(
        &plan.out,
        format,
        size,
        |write| plan.pipeline.stream_edges(&open, write, timings),
        StreamError::Write,
    );
    match streamed {
        Ok(_) => Ok(true),
        Err(StreamError::Load(e)) => Err(named(&e)),
        Err(StreamError::Write(e)) => Err(anyhow!("{}: cannot write: {e}", plan.out.display())),
        Err(e) => Err(anyhow!("{}: {e}", input.display())),
    }
}

/// Runs `edgegrad detect`.
pub fn detect(args: DetectArgs) -> Result<ExitCode> {
    let mut timings = Timings::new();
    let plan = DetectJob::new(&args)?;
    if stream(&args, &plan, &mut timings)? {
        if args.timings {
            eprintln!("{}", super::timings_json(&timings));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let out_format = plan.out_format.ok_or_else(|| {
        anyhow!(
            "{}: .npy edges are written only when streamed",
            plan.out.display()
        )
    })?;
    let Loaded { luma, photo } =
        timings.time("decode_ms", || load_image(&args.input, &plan.load))?;
    // A map picture alone is drawn band by band, without the float maps; into a PNG, streamed
    // to the file as it is drawn.
    let alone = plan.saves.is_empty() && plan.points.is_none();
    let colour = plan.pipeline.picture_colour(plan.kind, plan.depth);
    if let (true, true, Some(colour)) = (alone, out_format.is_png(), colour) {
        let (rows, cols) = luma.dim();
        write_atomically(&plan.out, |w| {
            encode_png_rows(w, cols as u32, rows as u32, colour, |sink| {
                let drawn = plan.pipeline.draw_streamed(
                    luma.view(),
                    plan.kind,
                    plan.depth,
                    &mut timings,
                    sink,
                );
                drawn.unwrap_or_else(|| Err(std::io::Error::other("not a map picture")))
            })
        })
        .with_context(|| plan.out.display().to_string())?;
        if args.timings {
            eprintln!("{}", super::timings_json(&timings));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let banded = match alone {
        true => plan
            .pipeline
            .draw(luma.view(), plan.kind, plan.depth, &mut timings),
        false => None,
    };
    let mut curves = None;
    let (picture, detection) = match banded {
        Some(picture) => (picture, Detection::default()),
        None => {
            let mut detection = plan.pipeline.run(luma.view(), &plan.wanted, &mut timings);
            curves = match &plan.points {
                Some(job) => Some(timings.time("link_ms", || job.spec.curves(&detection))?),
                None => None,
            };
            let picture = timings.time("render_ms", || {
                plan.kind
                    .draw_taking(&mut detection, photo.as_ref(), plan.depth)
            })?;
            (picture, detection)
        }
    };
    drop(luma);

    timings.time("encode_ms", || -> Result<()> {
        write_picture(&plan.out, &picture, out_format)
            .with_context(|| plan.out.display().to_string())?;
        for (array, path, format) in &plan.saves {
            let written = match format {
                RawFormat::Png => {
                    let pic = array.picture().draw(&detection, None, plan.depth)?;
                    PictureFormat::from_path(path, plan.depth)
                        .and_then(|f| write_picture(path, &pic, f))
                }
                RawFormat::Npy | RawFormat::Tiff => write_raw(path, array_of(&detection, *array)),
            };
            written.with_context(|| path.display().to_string())?;
        }
        if let (Some(job), Some(curves)) = (&plan.points, &curves) {
            let photo = photo.as_ref();
            job.spec
                .write(&job.path, curves, &detection, &args.options, photo)?;
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
    fn default_outputs_sit_beside_the_input() {
        let p = default_output(Path::new("dir/photo.jpg"), Picture::Edges);
        assert_eq!(p, Path::new("dir/photo.edges.png"));
        let p = default_output(Path::new("photo"), Picture::Overlay);
        assert_eq!(p, Path::new("photo.overlay.png"));
        let p = default_output(Path::new("a.b.tif"), Picture::Dx);
        assert_eq!(p, Path::new("a.b.dx.png"));
    }
}
