//! Decoding image files into luma grids: the image side's entry point.
//!
//! [`load_luma`] reads any format the `image` crate decodes (PNG, JPEG, TIFF, BMP, WebP, GIF,
//! PNM, TGA, QOI, OpenEXR, HDR, ...), recognised by content rather than by file name, and keeps
//! the cheapest exact form of its brightness as a [`Luma`]:
//!
//! - 8-bit gray (and gray + alpha) stays `u8`, meaning `value / 255`;
//! - 16-bit gray (and gray + alpha) stays `u16`, meaning `value / 65535`;
//! - colour becomes Rec. 601 luma `0.299 R + 0.587 G + 0.114 B` in `f32`, computed on the channel
//!   values scaled to [0, 1] (`R = r / 255` or `r / 65535`; float images as they are);
//! - alpha is ignored;
//! - one-channel float TIFFs (read with the `tiff` crate, which `image` lacks) stay `f32`.
//!
//! Oversize images are refused from the header, before any pixel buffer is allocated
//! ([`DecodeLimits`]).

use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use ndarray::Array2;

use super::luma::{luma_of, to_array, Luma};

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
/// caller adds the path.
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
    Io(#[source] io::Error),
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
    #[error("unsupported {format} image: {source}")]
    Unsupported {
        /// The format recognised from the content.
        format: String,
        /// The decoder's explanation.
        #[source]
        source: ImageError,
    },
    /// The content is truncated or corrupt.
    #[error("corrupt or truncated {format} image: {source}")]
    Corrupt {
        /// The format recognised from the content.
        format: String,
        /// The decoder's explanation.
        #[source]
        source: ImageError,
    },
}

/// Decodes the image file at `path` as it is stored (colour, depth and alpha kept), refusing it
/// from its header if it has more than `limits.max_pixels` pixels. The format is recognised from
/// the content, so a JPEG named `.png` decodes as a JPEG (only TGA, which has no signature, is
/// recognised by its `.tga` extension).
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("tiny.png");
/// image::GrayImage::from_raw(2, 1, vec![0, 255]).unwrap().save(&path)?;
/// let img = edgegrad::image::decode(&path, &Default::default())?;
/// assert_eq!((img.width(), img.height()), (2, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode(path: &Path, limits: &DecodeLimits) -> Result<DynamicImage, LoadError> {
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(LoadError::Directory);
    }
    if meta.len() == 0 {
        return Err(LoadError::Empty);
    }
    let file = File::open(path).map_err(io_error)?;
    let mut reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(io_error)?;
    if reader.format().is_none() && ImageFormat::from_path(path).ok() == Some(ImageFormat::Tga) {
        // TGA files have no signature: the name is all there is to go on.
        reader.set_format(ImageFormat::Tga);
    }
    let format = match reader.format() {
        Some(f) => format!("{f:?}").to_uppercase(),
        None => return Err(LoadError::UnknownFormat),
    };
    let decode_error = |source: ImageError| match source {
        ImageError::Unsupported(_) => LoadError::Unsupported {
            format: format.clone(),
            source,
        },
        ImageError::IoError(e) if e.kind() != io::ErrorKind::UnexpectedEof => LoadError::Io(e),
        _ => LoadError::Corrupt {
            format: format.clone(),
            source,
        },
    };
    reader.limits(decoder_limits(limits));
    let decoder = reader.into_decoder().map_err(decode_error)?;
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
    DynamicImage::from_decoder(decoder).map_err(decode_error)
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

fn io_error(e: io::Error) -> LoadError {
    match e.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound,
        io::ErrorKind::IsADirectory => LoadError::Directory,
        _ => LoadError::Io(e),
    }
}

/// Decodes the image file at `path` into its [`Luma`] (see the module documentation for the
/// rules), refusing it from its header if it has more than `limits.max_pixels` pixels.
///
/// ```
/// use edgegrad::image::{load_luma, Luma};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("rgb.png");
/// image::RgbImage::from_raw(1, 1, vec![255, 0, 0]).unwrap().save(&path)?;
/// let luma = load_luma(&path, &Default::default())?;
/// assert_eq!(luma, Luma::F32(ndarray::array![[0.299f32]]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_luma(path: &Path, limits: &DecodeLimits) -> Result<Luma, LoadError> {
    load_luma_and_photo(path, limits, false).map(|(luma, _)| luma)
}

/// Like [`load_luma`], and also the photo as 8-bit RGB when `photo` is true (for overlays:
/// 16-bit and float values are scaled and clamped to 0..=255). Besides what [`decode`] reads,
/// this reads one-channel 32- and 64-bit float TIFFs (such as `--save-magnitude m.tif` writes),
/// which the `image` crate does not.
///
/// ```
/// use edgegrad::image::{load_luma_and_photo, Luma};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("gray.png");
/// image::GrayImage::from_raw(2, 1, vec![0, 200]).unwrap().save(&path)?;
/// let (luma, photo) = load_luma_and_photo(&path, &Default::default(), true)?;
/// assert_eq!(luma, Luma::U8(ndarray::array![[0u8, 200]]));
/// assert_eq!(photo.unwrap().get_pixel(1, 0).0, [200, 200, 200]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_luma_and_photo(
    path: &Path,
    limits: &DecodeLimits,
    photo: bool,
) -> Result<(Luma, Option<RgbImage>), LoadError> {
    match decode(path, limits) {
        Ok(img) => {
            let rgb = photo.then(|| img.to_rgb8());
            Ok((luma_of(img), rgb))
        }
        Err(err @ LoadError::Unsupported { .. }) => {
            let grid = float_tiff(path, limits)?.ok_or(err)?;
            let rgb = photo.then(|| {
                let (rows, cols) = grid.dim();
                let gray = grid
                    .iter()
                    .map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8);
                let raw = gray.flat_map(|g| [g, g, g]).collect();
                RgbImage::from_raw(cols as u32, rows as u32, raw).expect("size")
            });
            Ok((Luma::F32(grid), rgb))
        }
        Err(err) => Err(err),
    }
}

/// The values of a one-channel float TIFF, `None` if the file is another kind of TIFF.
fn float_tiff(path: &Path, limits: &DecodeLimits) -> Result<Option<Array2<f32>>, LoadError> {
    use tiff::decoder::{Decoder, DecodingResult};
    let corrupt = |e: tiff::TiffError| LoadError::Corrupt {
        format: "TIFF".into(),
        source: ImageError::Decoding(image::error::DecodingError::new(
            ImageFormat::Tiff.into(),
            e,
        )),
    };
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
    Ok(Some(to_array(shape, values)))
}

#[cfg(test)]
mod tests;
