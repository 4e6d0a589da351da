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
//! - alpha is ignored.
//!
//! Oversize images are refused from the header, before any pixel buffer is allocated
//! ([`DecodeLimits`]).

use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

/// A decoded image's luma, in the cheapest exact representation: values are `u8 / 255`,
/// `u16 / 65535`, or `f32` as they are. Axis 0 is y (rows), axis 1 is x (columns).
///
/// ```
/// use edgegrad::grid::Luma;
/// let luma = Luma::U8(ndarray::array![[0u8, 255], [51, 102]]);
/// assert_eq!(luma.dim(), (2, 2));
/// assert_eq!(luma.to_grid(), ndarray::array![[0.0f32, 1.0], [0.2, 0.4]]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Luma {
    /// 8-bit gray: each value means `value / 255`.
    U8(Array2<u8>),
    /// 16-bit gray: each value means `value / 65535`.
    U16(Array2<u16>),
    /// Luma computed from colour, or a float image: each value means itself.
    F32(Array2<f32>),
}

/// A borrowed [`Luma`]: what the pipeline reads.
///
/// ```
/// use edgegrad::grid::{Luma, LumaView};
/// let luma = Luma::U16(ndarray::Array2::zeros((3, 5)));
/// assert!(matches!(luma.view(), LumaView::U16(_)));
/// assert_eq!(luma.view().dim(), (3, 5));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum LumaView<'a> {
    /// 8-bit gray: each value means `value / 255`.
    U8(ArrayView2<'a, u8>),
    /// 16-bit gray: each value means `value / 65535`.
    U16(ArrayView2<'a, u16>),
    /// Float luma: each value means itself.
    F32(ArrayView2<'a, f32>),
}

impl LumaView<'_> {
    /// The size as (rows, columns).
    ///
    /// ```
    /// let a = ndarray::Array2::<u8>::zeros((4, 6));
    /// assert_eq!(edgegrad::grid::LumaView::U8(a.view()).dim(), (4, 6));
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        match self {
            LumaView::U8(a) => a.dim(),
            LumaView::U16(a) => a.dim(),
            LumaView::F32(a) => a.dim(),
        }
    }
}

impl Luma {
    /// A borrowed view, what the pipeline reads.
    ///
    /// ```
    /// let luma = edgegrad::grid::Luma::F32(ndarray::array![[0.5f32]]);
    /// assert_eq!(luma.view().dim(), (1, 1));
    /// ```
    pub fn view(&self) -> LumaView<'_> {
        match self {
            Luma::U8(a) => LumaView::U8(a.view()),
            Luma::U16(a) => LumaView::U16(a.view()),
            Luma::F32(a) => LumaView::F32(a.view()),
        }
    }

    /// The grid of values in [0, 1] (`f32`): `u8 / 255`, `u16 / 65535` (divisions in `f32`,
    /// as numpy's `a.astype(np.float32) / 255` computes them), float values as they are.
    ///
    /// ```
    /// let luma = edgegrad::grid::Luma::U16(ndarray::array![[0u16, 65535]]);
    /// assert_eq!(luma.to_grid(), ndarray::array![[0.0f32, 1.0]]);
    /// ```
    pub fn to_grid(&self) -> Array2<f32> {
        match self {
            Luma::U8(a) => a.mapv(|v| f32::from(v) / 255.0),
            Luma::U16(a) => a.mapv(|v| f32::from(v) / 65535.0),
            Luma::F32(a) => a.clone(),
        }
    }

    /// The size as (rows, columns).
    ///
    /// ```
    /// let luma = edgegrad::grid::Luma::U8(ndarray::Array2::zeros((2, 7)));
    /// assert_eq!(luma.dim(), (2, 7));
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        self.view().dim()
    }
}

/// Limits checked from an image file's header before its pixels are decoded.
///
/// ```
/// let limits = edgegrad::grid::DecodeLimits::default();
/// assert_eq!(limits.max_pixels, edgegrad::grid::DecodeLimits::DEFAULT_MAX_PIXELS);
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
/// let img = edgegrad::grid::decode(&path, &Default::default())?;
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
/// use edgegrad::grid::{load_luma, Luma};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("rgb.png");
/// image::RgbImage::from_raw(1, 1, vec![255, 0, 0]).unwrap().save(&path)?;
/// let luma = load_luma(&path, &Default::default())?;
/// assert_eq!(luma, Luma::F32(ndarray::array![[0.299f32]]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_luma(path: &Path, limits: &DecodeLimits) -> Result<Luma, LoadError> {
    decode(path, limits).map(luma_of)
}

/// The [`Luma`] of a decoded image. Gray images keep their buffer (no copy); gray + alpha drops
/// the alpha; colour becomes Rec. 601 luma in `f32`.
///
/// ```
/// use edgegrad::grid::{luma_of, Luma};
/// let img = image::DynamicImage::ImageLumaA8(
///     image::GrayAlphaImage::from_raw(2, 1, vec![10, 0, 20, 255]).unwrap(),
/// );
/// assert_eq!(luma_of(img), Luma::U8(ndarray::array![[10u8, 20]]));
/// ```
pub fn luma_of(img: DynamicImage) -> Luma {
    let shape = (img.height() as usize, img.width() as usize);
    match img {
        DynamicImage::ImageLuma8(i) => Luma::U8(to_array(shape, i.into_raw())),
        DynamicImage::ImageLuma16(i) => Luma::U16(to_array(shape, i.into_raw())),
        DynamicImage::ImageLumaA8(i) => Luma::U8(to_array(shape, first_of(i.as_raw(), 2))),
        DynamicImage::ImageLumaA16(i) => Luma::U16(to_array(shape, first_of(i.as_raw(), 2))),
        DynamicImage::ImageRgb8(i) => Luma::F32(rec601(i.as_raw(), 3, shape, scale_u8())),
        DynamicImage::ImageRgba8(i) => Luma::F32(rec601(i.as_raw(), 4, shape, scale_u8())),
        DynamicImage::ImageRgb16(i) => Luma::F32(rec601(i.as_raw(), 3, shape, scale_u16)),
        DynamicImage::ImageRgba16(i) => Luma::F32(rec601(i.as_raw(), 4, shape, scale_u16)),
        DynamicImage::ImageRgb32F(i) => Luma::F32(rec601(i.as_raw(), 3, shape, |v: f32| v)),
        DynamicImage::ImageRgba32F(i) => Luma::F32(rec601(i.as_raw(), 4, shape, |v: f32| v)),
        other => Luma::F32(rec601(other.to_rgba32f().as_raw(), 4, shape, |v: f32| v)),
    }
}

/// A row-major buffer of `rows x cols` values as an array, without copying.
fn to_array<T>(shape: (usize, usize), v: Vec<T>) -> Array2<T> {
    Array2::from_shape_vec(shape, v).expect("the decoder's buffer matches its dimensions")
}

/// Every `step`-th value starting at the first: the gray channel of gray + alpha pixels.
fn first_of<T: Copy>(raw: &[T], step: usize) -> Vec<T> {
    raw.iter().step_by(step).copied().collect()
}

/// `u8 / 255` in `f32`, through a table (the same values as the division).
fn scale_u8() -> impl Fn(u8) -> f32 + Sync {
    let table: Vec<f32> = (0..=255u8).map(|v| f32::from(v) / 255.0).collect();
    move |v: u8| table[usize::from(v)]
}

fn scale_u16(v: u16) -> f32 {
    f32::from(v) / 65535.0
}

/// Rec. 601 luma of interleaved pixels with `channels` channels (R, G, B first), each channel
/// value first scaled by `scale`: `(0.299 R + 0.587 G) + 0.114 B`, in `f32`, rows in parallel.
fn rec601<T: Copy + Sync>(
    raw: &[T],
    channels: usize,
    (rows, cols): (usize, usize),
    scale: impl Fn(T) -> f32 + Sync,
) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((rows, cols));
    if rows == 0 || cols == 0 {
        return out;
    }
    let dst = out.as_slice_mut().expect("fresh arrays are contiguous");
    dst.par_chunks_mut(cols)
        .zip(raw.par_chunks(cols * channels))
        .for_each(|(d, s)| {
            for (y, px) in d.iter_mut().zip(s.chunks_exact(channels)) {
                *y = 0.299 * scale(px[0]) + 0.587 * scale(px[1]) + 0.114 * scale(px[2]);
            }
        });
    out
}

#[cfg(test)]
mod tests;
