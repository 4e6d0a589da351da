//! Writing results to files, chosen by extension, always atomically (a temporary file in the
//! target folder renamed over the target when complete, see [`crate::io::atomic::write_atomically`]).
//!
//! - Pictures ([`write_picture`]): `.png` with a fast encoder (the usual case), or any other
//!   format the `image` crate writes (`.tif`, `.bmp`, `.jpg`, `.webp`, `.pgm`, ...).
//! - Raw float arrays ([`write_raw`]): `.npy` as float32, `.tif`/`.tiff` as 32-bit float gray.

use std::io::{self, Cursor, Write};
use std::path::Path;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::pnm::{PnmEncoder, PnmSubtype, SampleEncoding};
use image::{DynamicImage, ExtendedColorType, ImageError, ImageFormat};
use ndarray::ArrayView2;

use crate::image::render::{Depth, GrayPicture};
use crate::io::atomic::write_atomically;
use crate::io::npy::{write_npy, NpyError};

/// Why a result could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The extension names no format a picture can be written in.
    #[error("cannot tell the picture format from the extension of {0:?} (use .png, .tif, .bmp, .jpg, .webp, .pgm, ...)")]
    PictureExtension(String),
    /// The format cannot hold 16-bit gray.
    #[error("{0} cannot hold 16-bit gray: use .png or .tif for --depth 16")]
    NoSixteenBit(String),
    /// The extension names no raw array format.
    #[error(
        "cannot tell the array format from the extension of {0:?} (use .npy, .tif, .tiff or .png)"
    )]
    RawExtension(String),
    /// Encoding or writing failed.
    #[error("cannot write: {0}")]
    Io(#[from] io::Error),
    /// Writing the .npy file failed.
    #[error(transparent)]
    Npy(#[from] NpyError),
}

/// The file format of a picture, from its path's extension (case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PictureFormat(ImageFormat, Option<Netpbm>);

/// Which Netpbm file a `.pgm`, `.ppm`, `.pam` or `.pnm` path asks for (the `image` crate would
/// write PAM for all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Netpbm {
    /// `.pgm`: binary graymap (P5).
    Graymap,
    /// `.ppm`: binary pixmap (P6).
    Pixmap,
    /// `.pam`: PAM (P7).
    Arbitrary,
    /// `.pnm`: P5 for gray pictures, P6 for colour ones.
    Any,
}

impl Netpbm {
    /// The Netpbm kind of a lower-case extension; `None` for `.pbm`, whose 1-bit pixels hold
    /// no gray picture.
    fn of_extension(extension: &str) -> Option<Netpbm> {
        match extension {
            "pgm" => Some(Netpbm::Graymap),
            "ppm" => Some(Netpbm::Pixmap),
            "pam" => Some(Netpbm::Arbitrary),
            "pnm" => Some(Netpbm::Any),
            _ => None,
        }
    }

    /// The encoder's subtype for `img`.
    fn subtype(self, img: &DynamicImage) -> PnmSubtype {
        let gray = matches!(
            img,
            DynamicImage::ImageLuma8(_) | DynamicImage::ImageLuma16(_)
        );
        match self {
            Netpbm::Graymap => PnmSubtype::Graymap(SampleEncoding::Binary),
            Netpbm::Pixmap => PnmSubtype::Pixmap(SampleEncoding::Binary),
            Netpbm::Arbitrary => PnmSubtype::ArbitraryMap,
            Netpbm::Any if gray => PnmSubtype::Graymap(SampleEncoding::Binary),
            Netpbm::Any => PnmSubtype::Pixmap(SampleEncoding::Binary),
        }
    }
}

impl PictureFormat {
    /// The format for `path`, checked to be writable and, for `Depth::Sixteen`, to hold 16-bit
    /// gray (PNG, TIFF, PNM).
    ///
    /// ```
    /// use edgegrad::image::encode::PictureFormat;
    /// use edgegrad::image::render::Depth;
    /// use std::path::Path;
    /// assert!(PictureFormat::from_path(Path::new("e.PNG"), Depth::Sixteen).is_ok());
    /// assert!(PictureFormat::from_path(Path::new("e.jpg"), Depth::Eight).is_ok());
    /// assert!(PictureFormat::from_path(Path::new("e.jpg"), Depth::Sixteen).is_err());
    /// assert!(PictureFormat::from_path(Path::new("e.npy"), Depth::Eight).is_err());
    /// assert!(PictureFormat::from_path(Path::new("e.pgm"), Depth::Sixteen).is_ok());
    /// // PBM's pixels are 1-bit: no gray picture fits.
    /// assert!(PictureFormat::from_path(Path::new("e.pbm"), Depth::Eight).is_err());
    /// ```
    pub fn from_path(path: &Path, depth: Depth) -> Result<Self, OutputError> {
        let format = ImageFormat::from_path(path)
            .ok()
            .filter(|f| f.writing_enabled())
            .ok_or_else(|| OutputError::PictureExtension(path.display().to_string()))?;
        let netpbm = match format {
            ImageFormat::Pnm => {
                let extension = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                Some(
                    Netpbm::of_extension(&extension)
                        .ok_or_else(|| OutputError::PictureExtension(path.display().to_string()))?,
                )
            }
            _ => None,
        };
        let sixteen = matches!(
            format,
            ImageFormat::Png | ImageFormat::Tiff | ImageFormat::Pnm
        );
        if depth == Depth::Sixteen && !sixteen {
            return Err(OutputError::NoSixteenBit(
                format!("{format:?}").to_uppercase(),
            ));
        }
        Ok(PictureFormat(format, netpbm))
    }
}

impl PictureFormat {
    /// Whether pictures in this format are PNG files.
    ///
    /// ```
    /// use edgegrad::image::encode::PictureFormat;
    /// use std::path::Path;
    /// assert!(PictureFormat::from_path(Path::new("e.png"), Default::default())?.is_png());
    /// assert!(!PictureFormat::from_path(Path::new("e.tif"), Default::default())?.is_png());
    /// # Ok::<(), edgegrad::image::encode::OutputError>(())
    /// ```
    pub fn is_png(&self) -> bool {
        self.0 == ImageFormat::Png
    }
}

impl From<GrayPicture> for DynamicImage {
    fn from(p: GrayPicture) -> Self {
        match p {
            GrayPicture::Eight(i) => DynamicImage::ImageLuma8(i),
            GrayPicture::Sixteen(i) => DynamicImage::ImageLuma16(i),
        }
    }
}

/// PNG compression for pictures: fdeflate's fast mode. On edge masks (benches/encode.rs) it is
/// about 10x quicker than the default level, for files 3-6x larger.
const PNG_COMPRESSION: CompressionType = CompressionType::Fast;
/// The PNG row filter: `Up` was the quickest or close to it at 1920x1080 and 4096x4096 on edge
/// masks (20-25 % quicker than `Adaptive` in the last runs, for files 2 % larger; `NoFilter`
/// was as quick or quicker at 4096x4096 but made files 10 % larger).
const PNG_FILTER: FilterType = FilterType::Up;

/// The size of the IDAT chunks [`encode_png`] streams.
const PNG_CHUNK: usize = 1 << 20;

/// Encodes `img` as PNG into `w` with the fast settings used for every PNG written.
///
/// 8-bit gray, 16-bit gray, RGB and RGBA pictures (every picture this program draws) are
/// streamed: the compressed rows go to `w` in IDAT chunks of 1 MiB as they are made, without
/// holding the whole compressed image (at 4096² a growing buffer of tens of MB, copied as it
/// grows). Other colour types go through `image`'s encoder with the same settings.
///
/// ```
/// let img = image::DynamicImage::ImageLuma16(image::ImageBuffer::from_raw(2, 1, vec![1, 65535]).unwrap());
/// let mut bytes = Vec::new();
/// edgegrad::image::encode::encode_png(&img, &mut bytes)?;
/// assert_eq!(&bytes[1..4], b"PNG");
/// assert_eq!(image::load_from_memory(&bytes)?, img);
/// # Ok::<(), image::ImageError>(())
/// ```
pub fn encode_png(img: &DynamicImage, w: &mut dyn Write) -> Result<(), ImageError> {
    let colour = match img {
        DynamicImage::ImageLuma8(_) => ExtendedColorType::L8,
        DynamicImage::ImageLuma16(_) => ExtendedColorType::L16,
        DynamicImage::ImageRgb8(_) => ExtendedColorType::Rgb8,
        DynamicImage::ImageRgba8(_) => ExtendedColorType::Rgba8,
        _ => {
            return img.write_with_encoder(PngEncoder::new_with_quality(
                w,
                PNG_COMPRESSION,
                PNG_FILTER,
            ))
        }
    };
    let bytes: std::borrow::Cow<'_, [u8]> = match img {
        DynamicImage::ImageLuma16(i) => i
            .as_raw()
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect::<Vec<u8>>()
            .into(),
        other => other.as_bytes().into(),
    };
    encode_png_rows(w, img.width(), img.height(), colour, |sink| sink(&bytes))
        .map_err(ImageError::IoError)
}

/// Encodes rows of pixels as a PNG into `w`, with [`encode_png`]'s settings: `rows` is called
/// with a sink that takes the rows' bytes in order (any split), as a PNG stores them (8-bit
/// samples; 16-bit ones big-endian), `width x height` pixels of `colour` in all (8-bit or
/// 16-bit gray, RGB or RGBA). An error if `rows` gives more or fewer bytes.
///
/// ```
/// use image::ExtendedColorType;
/// let mut bytes = Vec::new();
/// edgegrad::image::encode::encode_png_rows(&mut bytes, 2, 2, ExtendedColorType::L8, |sink| {
///     sink(&[0, 255])?;
///     sink(&[255, 0])
/// })?;
/// let img = image::load_from_memory(&bytes).unwrap();
/// assert_eq!(img.as_bytes(), &[0, 255, 255, 0]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn encode_png_rows(
    w: &mut dyn Write,
    width: u32,
    height: u32,
    colour: ExtendedColorType,
    rows: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    let (colour, depth) = match colour {
        ExtendedColorType::L8 => (png::ColorType::Grayscale, png::BitDepth::Eight),
        ExtendedColorType::L16 => (png::ColorType::Grayscale, png::BitDepth::Sixteen),
        ExtendedColorType::Rgb8 => (png::ColorType::Rgb, png::BitDepth::Eight),
        ExtendedColorType::Rgba8 => (png::ColorType::Rgba, png::BitDepth::Eight),
        other => {
            return Err(io::Error::other(format!(
                "cannot stream {other:?} pixels as PNG"
            )))
        }
    };
    let mut encoder = png::Encoder::new(w, width, height);
    encoder.set_color(colour);
    encoder.set_depth(depth);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header().map_err(png_error)?;
    let mut stream = writer
        .stream_writer_with_size(PNG_CHUNK)
        .map_err(png_error)?;
    rows(&mut |bytes| stream.write_all(bytes))?;
    stream.finish().map_err(png_error)?;
    writer.finish().map_err(png_error)
}

/// A PNG encoder's error as an I/O error.
fn png_error(e: png::EncodingError) -> io::Error {
    match e {
        png::EncodingError::IoError(e) => e,
        other => io::Error::other(other),
    }
}

/// Writes `img` to `path` atomically in `format`.
///
/// ```
/// use edgegrad::image::encode::{write_picture, PictureFormat};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("e.png");
/// let img = image::DynamicImage::ImageLuma8(image::GrayImage::new(3, 2));
/// write_picture(&path, &img, PictureFormat::from_path(&path, Default::default())?)?;
/// assert_eq!(image::open(&path)?.width(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_picture(
    path: &Path,
    img: &DynamicImage,
    format: PictureFormat,
) -> Result<(), OutputError> {
    if format.0 == ImageFormat::Png {
        write_atomically(path, |w| encode_png(img, w).map_err(io::Error::other))?;
    } else if let Some(netpbm) = format.1 {
        let mut bytes = Vec::new();
        img.write_with_encoder(PnmEncoder::new(&mut bytes).with_subtype(netpbm.subtype(img)))
            .map_err(io::Error::other)?;
        write_atomically(path, |w| w.write_all(&bytes))?;
    } else {
        let mut bytes = Cursor::new(Vec::new());
        img.write_to(&mut bytes, format.0)
            .map_err(io::Error::other)?;
        write_atomically(path, |w| w.write_all(bytes.get_ref()))?;
    }
    Ok(())
}

/// The file format of a raw array (`--save-*`), from its path's extension (case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFormat {
    /// `.npy`: float32, C order.
    Npy,
    /// `.tif` / `.tiff`: one 32-bit float gray channel.
    Tiff,
    /// `.png`: not raw values but the picture of the array.
    Png,
}

impl RawFormat {
    /// The format for `path`.
    ///
    /// ```
    /// use edgegrad::image::encode::RawFormat;
    /// use std::path::Path;
    /// assert_eq!(RawFormat::from_path(Path::new("dx.npy")).unwrap(), RawFormat::Npy);
    /// assert_eq!(RawFormat::from_path(Path::new("dx.TIFF")).unwrap(), RawFormat::Tiff);
    /// assert!(RawFormat::from_path(Path::new("dx.csv")).is_err());
    /// ```
    pub fn from_path(path: &Path) -> Result<Self, OutputError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("npy") => Ok(RawFormat::Npy),
            Some("tif" | "tiff") => Ok(RawFormat::Tiff),
            Some("png") => Ok(RawFormat::Png),
            _ => Err(OutputError::RawExtension(path.display().to_string())),
        }
    }
}

/// Writes the values of `a` to `path` atomically as float32 `.npy` or 32-bit float gray TIFF,
/// by `path`'s extension. (`.png` is a picture: render it and use [`write_picture`].)
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("m.npy");
/// let a = ndarray::array![[0.5f32, 1.5]];
/// edgegrad::image::encode::write_raw(&path, a.view())?;
/// let back = edgegrad::io::npy::read_npy(&path)?;
/// assert_eq!(back.shape(), &[1, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_raw(path: &Path, a: ArrayView2<'_, f32>) -> Result<(), OutputError> {
    match RawFormat::from_path(path)? {
        RawFormat::Npy => write_npy(path, &a)?,
        RawFormat::Tiff => {
            let bytes = float_tiff(a)?;
            write_atomically(path, |w| w.write_all(&bytes))?;
        }
        RawFormat::Png => return Err(OutputError::RawExtension(path.display().to_string())),
    }
    Ok(())
}

/// `a` as an uncompressed 32-bit float gray TIFF in memory (the encoder needs to seek).
fn float_tiff(a: ArrayView2<'_, f32>) -> io::Result<Vec<u8>> {
    let (rows, cols) = a.dim();
    let too_big = || io::Error::other("the array is too large for a TIFF image");
    let (w, h) = (
        u32::try_from(cols).map_err(|_| too_big())?,
        u32::try_from(rows).map_err(|_| too_big())?,
    );
    let data = a.as_standard_layout();
    let mut bytes = Cursor::new(Vec::with_capacity(rows * cols * 4 + 1024));
    tiff::encoder::TiffEncoder::new(&mut bytes)
        .and_then(|mut enc| {
            enc.write_image::<tiff::encoder::colortype::Gray32Float>(
                w,
                h,
                data.as_slice().expect("standard layout"),
            )
        })
        .map_err(io::Error::other)?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests;
