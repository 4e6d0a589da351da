//! Loading image files: [`load`] is the image side's one entry point, used by every
//! front-end.
//!
//! It reads any format the `image` crate decodes (PNG, JPEG, TIFF, BMP, WebP, GIF, PNM, TGA,
//! QOI, OpenEXR, HDR, ...), recognised by content rather than by file name, plus one-channel
//! 32- and 64-bit float TIFFs (read with the `tiff` crate, which `image` lacks; such as
//! `detect --save-magnitude m.tif` writes), and keeps the cheapest exact form of the image's
//! brightness as a [`Luma`]:
//!
//! - 8-bit gray (and gray + alpha) stays `u8`, meaning `value / 255`;
//! - 16-bit gray (and gray + alpha) stays `u16`, meaning `value / 65535`;
//! - colour becomes Rec. 601 luma `0.299 R + 0.587 G + 0.114 B` in `f32`, computed on the channel
//!   values scaled to [0, 1] (`R = r / 255` or `r / 65535`; float images as they are);
//! - alpha is ignored;
//! - float TIFFs stay `f32`.
//!
//! The image is turned upright as its EXIF orientation says (JPEG, TIFF, WebP and PNG carry
//! one; the TIFF Orientation tag of float TIFFs too), as image viewers and OpenCV's `imread` do,
//! unless [`LoadOptions::keep_orientation`] asks for the stored pixel order. An orientation that
//! cannot be read counts as none.
//!
//! YCbCr and grayscale JPEGs are the exception to the colour rule: their luma is the Y plane
//! the file stores, 8-bit, decoded without the chroma work (`decode/jpeg.rs`). Their photo,
//! when asked for, still comes from `image`'s RGB decode.
//!
//! Oversize images are refused from the header, before any pixel buffer is allocated
//! ([`DecodeLimits`]).

mod jpeg;
pub(crate) mod png_palette;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use ndarray::{s, Array2};

use super::luma::{luma_of, to_array, Luma};
use crate::io::message::one_line;

/// Limits checked from an image file's header before its pixels are decoded.
///
/// ```
/// let limits = edgegrad::image::DecodeLimits::default();
/// assert_eq!(limits.max_pixels, edgegrad::image::DecodeLimits::DEFAULT_MAX_PIXELS);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// The largest width x height accepted.
    pub max_pixels: u64,
}

impl DecodeLimits {
    /// The default pixel limit: 2^28 = 268 435 456 pixels (16384 x 16384), 256 MiB as 8-bit
    /// gray, 1 GiB as RGBA.
    pub const DEFAULT_MAX_PIXELS: u64 = 1 << 28;
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_pixels: Self::DEFAULT_MAX_PIXELS,
        }
    }
}

/// Why an image file could not be loaded. The messages name the cause, not the file: the
/// caller adds the path. Each message says its whole cause, and no variant has a separate
/// [`source`](std::error::Error::source), so a chain printed with `{:#}` says it once.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file does not exist.
    #[error("no such file")]
    NotFound,
    /// The path is a directory.
    #[error("is a directory, not an image file")]
    Directory,
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(io::Error),
    /// The content is not in a format this program decodes.
    #[error("not an image in a known format (PNG, JPEG, TIFF, BMP, WebP, GIF, PNM, TGA, QOI, OpenEXR, HDR, ...)")]
    UnknownFormat,
    /// The header announces more pixels than [`DecodeLimits::max_pixels`].
    #[error("the image is {width}x{height} pixels, more than the limit of {max_pixels} pixels")]
    TooLarge {
        /// The width announced by the header.
        width: u32,
        /// The height announced by the header.
        height: u32,
        /// The limit it exceeds.
        max_pixels: u64,
    },
    /// The decoded image would not fit in memory.
    #[error("the image is {width}x{height} pixels, too large to decode here ({bytes} bytes)")]
    OutOfMemory {
        /// The width announced by the header.
        width: u32,
        /// The height announced by the header.
        height: u32,
        /// The size of the decoded pixels.
        bytes: u64,
    },
    /// The image uses a variant of its format (colour type, compression, ...) that the decoder
    /// does not support.
    #[error("unsupported {format} image: {}", one_line(.cause))]
    Unsupported {
        /// The format recognised from the content.
        format: String,
        /// The decoder's explanation (part of the message, so not a separate source).
        cause: ImageError,
    },
    /// The content is truncated or corrupt.
    #[error("corrupt or truncated {format} image: {}", one_line(.cause))]
    Corrupt {
        /// The format recognised from the content.
        format: String,
        /// The decoder's explanation (part of the message, so not a separate source).
        cause: ImageError,
    },
}

/// How [`load`] reads an image.
///
/// ```
/// let options = edgegrad::image::LoadOptions::default();
/// assert!(!options.keep_orientation && !options.photo);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadOptions {
    /// Refuse images larger than this, from their header.
    pub limits: DecodeLimits,
    /// Keep the stored pixel order instead of applying the EXIF orientation.
    pub keep_orientation: bool,
    /// Also make the photo as 8-bit RGB (for the original and overlay pictures).
    pub photo: bool,
}

/// A loaded image: its luma, and its photo when asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The brightness the pipeline reads.
    pub luma: Luma,
    /// The colours as 8-bit RGB (16-bit and float values scaled and clamped to 0..=255), when
    /// [`LoadOptions::photo`] asked for them.
    pub photo: Option<RgbImage>,
}

/// Buffers that [`load_reusing`] keeps from one image to the next: the bytes of a JPEG file and
/// the plane its luma is decoded into. A front-end loading many images (`batch`) keeps one per
/// worker and gives each luma back with [`LoadBuffers::recycle`] when done with it.
///
/// ```
/// use edgegrad::image::{load_reusing, LoadBuffers, LoadOptions};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("a.jpg");
/// image::RgbImage::from_pixel(16, 8, image::Rgb([200, 100, 50])).save(&path)?;
/// let mut buffers = LoadBuffers::default();
/// for _ in 0..2 {
///     let loaded = load_reusing(&path, &LoadOptions::default(), &mut buffers)?;
///     assert_eq!(loaded.luma.dim(), (8, 16));
///     buffers.recycle(loaded.luma);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct LoadBuffers {
    /// The bytes of the last JPEG file read.
    file: Vec<u8>,
    /// A plane for the next 8-bit luma.
    plane: Vec<u8>,
}

impl LoadBuffers {
    /// Keeps the allocation of `luma` for the next image, if it is an 8-bit plane (the kind a
    /// JPEG's luma is decoded into) larger than the one kept.
    pub fn recycle(&mut self, luma: Luma) {
        if let Luma::U8(grid) = luma {
            if grid.is_standard_layout() {
                let (plane, offset) = grid.into_raw_vec_and_offset();
                if offset.unwrap_or(0) == 0 && plane.capacity() > self.plane.capacity() {
                    self.plane = plane;
                }
            }
        }
    }
}

/// Loads the image file at `path` into its [`Luma`] (see the module documentation for the
/// rules), upright unless `options.keep_orientation`, and its photo when `options.photo`.
/// Refuses it from its header if it has more than `options.limits.max_pixels` pixels. The
/// format is recognised from the content, so a JPEG named `.png` decodes as a JPEG (only TGA,
/// which has no signature, is recognised by its `.tga` extension).
///
/// ```
/// use edgegrad::image::{load, LoadOptions, Luma};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("rgb.png");
/// image::RgbImage::from_raw(2, 1, vec![255, 0, 0, 0, 0, 0]).unwrap().save(&path)?;
/// let loaded = load(&path, &LoadOptions { photo: true, ..Default::default() })?;
/// assert_eq!(loaded.luma, Luma::F32(ndarray::array![[0.299f32, 0.0]]));
/// assert_eq!(loaded.photo.unwrap().get_pixel(0, 0).0, [255, 0, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    load_reusing(path, options, &mut LoadBuffers::default())
}

/// [`load`], reusing `buffers`' allocations (see [`LoadBuffers`]).
pub fn load_reusing(
    path: &Path,
    options: &LoadOptions,
    buffers: &mut LoadBuffers,
) -> Result<Loaded, LoadError> {
    if let Some(luma) = jpeg_luma(path, options, buffers)? {
        let photo = match options.photo {
            true => Some(decode(path, options)?.to_rgb8()),
            false => None,
        };
        return Ok(Loaded { luma, photo });
    }
    match decode(path, options) {
        Ok(img) => {
            let photo = options.photo.then(|| img.to_rgb8());
            Ok(Loaded {
                luma: luma_of(img),
                photo,
            })
        }
        Err(err @ LoadError::Unsupported { .. }) => {
            let grid = float_tiff(path, options)?.ok_or(err)?;
            let photo = options.photo.then(|| gray_photo(&grid));
            Ok(Loaded {
                luma: Luma::F32(grid),
                photo,
            })
        }
        Err(err) => Err(err),
    }
}

/// The Y plane of the file at `path` if it is a YCbCr or grayscale JPEG ([`jpeg::luma`]);
/// `None` for every other file, and for files that cannot be read (the general path then says
/// why).
fn jpeg_luma(
    path: &Path,
    options: &LoadOptions,
    buffers: &mut LoadBuffers,
) -> Result<Option<Luma>, LoadError> {
    let Ok(mut file) = File::open(path) else {
        return Ok(None);
    };
    let bytes = &mut buffers.file;
    bytes.clear();
    let mut start = [0u8; 3];
    if file.read_exact(&mut start).is_err() || !jpeg::is_jpeg(&start) {
        return Ok(None);
    }
    bytes.extend_from_slice(&start);
    if file.read_to_end(bytes).is_err() {
        return Ok(None);
    }
    jpeg::luma(bytes, options, std::mem::take(&mut buffers.plane))
}

/// Decodes the image file at `path` with `image`, upright unless `options.keep_orientation`.
fn decode(path: &Path, options: &LoadOptions) -> Result<DynamicImage, LoadError> {
    let limits = &options.limits;
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(LoadError::Directory);
    }
    if meta.len() == 0 {
        return Err(LoadError::Empty);
    }
    let file = File::open(path).map_err(io_error)?;
    let mut file = BufReader::new(file);
    let bigtiff = is_bigtiff(file.fill_buf().map_err(io_error)?);
    let mut reader = ImageReader::new(file)
        .with_guessed_format()
        .map_err(io_error)?;
    if reader.format().is_none() && ImageFormat::from_path(path).ok() == Some(ImageFormat::Tga) {
        // TGA files have no signature: the name is all there is to go on.
        reader.set_format(ImageFormat::Tga);
    }
    if reader.format().is_none() && bigtiff {
        // `image` guesses classic TIFF only; its TIFF decoder (the `tiff` crate) reads both.
        reader.set_format(ImageFormat::Tiff);
    }
    let format = match reader.format() {
        Some(f) => format!("{f:?}").to_uppercase(),
        None => return Err(LoadError::UnknownFormat),
    };
    let decode_error = |cause: ImageError| decode_error(&format, cause);
    if reader.format() == Some(ImageFormat::Png) {
        png_palette::check_file(path)?;
    }
    reader.limits(decoder_limits(limits));
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(LoadError::TooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    // The decoder allocates its buffer infallibly: make sure such a buffer can be had at all,
    // so that a huge image allowed by a raised limit fails with a message, not an abort.
    let bytes = decoder.total_bytes();
    let mut probe: Vec<u8> = Vec::new();
    usize::try_from(bytes)
        .ok()
        .and_then(|n| probe.try_reserve_exact(n).ok())
        .ok_or(LoadError::OutOfMemory {
            width,
            height,
            bytes,
        })?;
    drop(probe);
    let orientation = if options.keep_orientation {
        Orientation::NoTransforms
    } else {
        decoder.orientation().unwrap_or(Orientation::NoTransforms)
    };
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// The decoder's own limits: no dimension limit (ours is checked on the header), and an
/// allocation budget large enough for `max_pixels` RGBA float pixels, which bounds what a
/// hostile file can make the decoder allocate besides the image.
fn decoder_limits(limits: &DecodeLimits) -> Limits {
    let mut l = Limits::default();
    l.max_image_width = None;
    l.max_image_height = None;
    l.max_alloc = Some(limits.max_pixels.saturating_mul(16).max(64 << 20));
    l
}

/// A decoder's error for a file of `format` (`"PNG"`, `"TIFF"`, ...) as [`load`] reports it.
pub(crate) fn decode_error(format: &str, cause: ImageError) -> LoadError {
    match cause {
        ImageError::Unsupported(_) => LoadError::Unsupported {
            format: format.into(),
            cause,
        },
        // Data that runs out or does not decode (flate2's "corrupt deflate stream" is
        // `InvalidInput`) is the file's fault.
        ImageError::IoError(e)
            if !matches!(
                e.kind(),
                io::ErrorKind::UnexpectedEof
                    | io::ErrorKind::InvalidData
                    | io::ErrorKind::InvalidInput
            ) =>
        {
            LoadError::Io(e)
        }
        _ => LoadError::Corrupt {
            format: format.into(),
            cause,
        },
    }
}

/// A `tiff` decoder's error as [`load`] reports it: truncated or corrupt, unsupported, or the
/// file unreadable.
pub(crate) fn tiff_error(e: tiff::TiffError) -> LoadError {
    let cause = match e {
        tiff::TiffError::IoError(e) => ImageError::IoError(e),
        tiff::TiffError::UnsupportedError(e) => {
            ImageError::Unsupported(image::error::UnsupportedError::from_format_and_kind(
                ImageFormat::Tiff.into(),
                image::error::UnsupportedErrorKind::GenericFeature(e.to_string()),
            ))
        }
        other => ImageError::Decoding(image::error::DecodingError::new(
            ImageFormat::Tiff.into(),
            other,
        )),
    };
    decode_error("TIFF", cause)
}

/// True when `start`, a file's first bytes, is a BigTIFF's signature (either byte order).
pub(crate) fn is_bigtiff(start: &[u8]) -> bool {
    start.starts_with(b"II+\0") || start.starts_with(b"MM\0+")
}

pub(crate) fn io_error(e: io::Error) -> LoadError {
    match e.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound,
        io::ErrorKind::IsADirectory => LoadError::Directory,
        _ => LoadError::Io(e),
    }
}

/// A gray grid as an 8-bit RGB photo: values in [0, 1] scaled to 0..=255, clamped.
fn gray_photo(grid: &Array2<f32>) -> RgbImage {
    let (rows, cols) = grid.dim();
    RgbImage::from_fn(cols as u32, rows as u32, |x, y| {
        let g = (grid[[y as usize, x as usize]].clamp(0.0, 1.0) * 255.0).round() as u8;
        image::Rgb([g, g, g])
    })
}

/// The values of a one-channel float TIFF, upright unless `options.keep_orientation`; `None`
/// if the file is another kind of TIFF.
fn float_tiff(path: &Path, options: &LoadOptions) -> Result<Option<Array2<f32>>, LoadError> {
    use tiff::decoder::{Decoder, DecodingResult};
    let limits = &options.limits;
    let corrupt = tiff_error;
    let file = File::open(path).map_err(io_error)?;
    let Ok(mut decoder) = Decoder::new(BufReader::new(file)) else {
        return Ok(None);
    };
    let (width, height) = decoder.dimensions().map_err(corrupt)?;
    if !matches!(decoder.colortype(), Ok(tiff::ColorType::Gray(32 | 64))) {
        return Ok(None);
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(LoadError::TooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    let orientation = if options.keep_orientation {
        Orientation::NoTransforms
    } else {
        decoder
            .find_tag(tiff::tags::Tag::Orientation)
            .ok()
            .flatten()
            .and_then(|v| v.into_u16().ok())
            .and_then(|v| Orientation::from_exif(v.min(255) as u8))
            .unwrap_or(Orientation::NoTransforms)
    };
    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size =
        usize::try_from(limits.max_pixels.saturating_mul(8)).unwrap_or(usize::MAX);
    let mut decoder = decoder.with_limits(tiff_limits);
    let values: Vec<f32> = match decoder.read_image().map_err(corrupt)? {
        DecodingResult::F32(v) => v,
        DecodingResult::F64(v) => v.into_iter().map(|x| x as f32).collect(),
        _ => return Ok(None),
    };
    let shape = (height as usize, width as usize);
    if values.len() != shape.0 * shape.1 {
        return Ok(None);
    }
    Ok(Some(orient(to_array(shape, values), orientation)))
}

/// `grid` turned as `orientation` says, the way [`DynamicImage::apply_orientation`] turns
/// images (axis 0 is y, axis 1 is x).
fn orient<T: Clone>(grid: Array2<T>, orientation: Orientation) -> Array2<T> {
    let turned = match orientation {
        Orientation::NoTransforms => return grid,
        Orientation::Rotate90 => grid.t().slice_move(s![.., ..;-1]),
        Orientation::Rotate180 => grid.slice(s![..;-1, ..;-1]),
        Orientation::Rotate270 => grid.t().slice_move(s![..;-1, ..]),
        Orientation::FlipHorizontal => grid.slice(s![.., ..;-1]),
        Orientation::FlipVertical => grid.slice(s![..;-1, ..]),
        Orientation::Rotate90FlipH => grid.t(),
        Orientation::Rotate270FlipH => grid.t().slice_move(s![..;-1, ..;-1]),
    };
    turned.as_standard_layout().into_owned()
}

#[cfg(test)]
mod tests;
