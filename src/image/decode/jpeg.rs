//! JPEG straight to luma: a YCbCr or grayscale JPEG's luma is its decoded Y plane, 8-bit.
//!
//! A YCbCr JPEG stores luma as its own channel, Y = 0.299 R + 0.587 G + 0.114 B (JFIF, the
//! Rec. 601 weights) before rounding and compression. zune-jpeg (the decoder `image` uses) can
//! output that channel alone: it still reads the chroma from the entropy-coded stream, but skips
//! their inverse DCT, upsampling and the colour conversion, which is most of a colour decode.
//! The result is a [`Luma::U8`], `Y / 255`: the plane as the file stores it, not rounded twice
//! (Rec. 601 of the decoded RGB would be computed on R, G, B that were themselves rounded from
//! Y, Cb, Cr). The README measures the difference on the sample photos.
//!
//! Other JPEGs (CMYK, YCCK, Adobe RGB-transform files) return `None` here and take `image`'s
//! RGB path. So does any file zune-jpeg refuses: the RGB path then reports the error with the
//! messages of every other format.

use image::metadata::Orientation;
use ndarray::Array2;
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use super::{orient, LoadError, LoadOptions};
use crate::image::luma::{to_array, Luma};

/// The start of every JPEG file: the SOI marker and the first byte of the next marker.
const SIGNATURE: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// Whether `bytes` start like a JPEG file.
pub(super) fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

/// The Y plane of the JPEG in `bytes`, upright unless `options.keep_orientation`, decoded into
/// `plane` (whose allocation is reused: see [`LoadBuffers`](super::LoadBuffers)). `Ok(None)`
/// when the file is not a YCbCr or grayscale JPEG that zune-jpeg decodes: the caller then takes
/// the RGB path. Refuses images above `options.limits` from the header.
pub(super) fn luma(
    bytes: &[u8],
    options: &LoadOptions,
    mut plane: Vec<u8>,
) -> Result<Option<Luma>, LoadError> {
    let settings = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), settings);
    if decoder.decode_headers().is_err() {
        return Ok(None);
    }
    let (Some((width, height)), Some(colour)) = (decoder.dimensions(), decoder.input_colorspace())
    else {
        return Ok(None);
    };
    if !matches!(colour, ColorSpace::YCbCr | ColorSpace::Luma) {
        return Ok(None);
    }
    let pixels = (width as u64) * (height as u64);
    if pixels > options.limits.max_pixels {
        return Err(LoadError::TooLarge {
            width: width as u32,
            height: height as u32,
            max_pixels: options.limits.max_pixels,
        });
    }
    decoder.set_options(settings.jpeg_set_out_colorspace(ColorSpace::Luma));
    let n = width * height;
    plane.clear();
    if plane.try_reserve_exact(n).is_err() {
        return Err(LoadError::OutOfMemory {
            width: width as u32,
            height: height as u32,
            bytes: pixels,
        });
    }
    plane.resize(n, 0);
    if decoder.decode_into(&mut plane).is_err() {
        return Ok(None);
    }
    let orientation = if options.keep_orientation {
        Orientation::NoTransforms
    } else {
        decoder
            .exif()
            .and_then(|exif| Orientation::from_exif_chunk(exif))
            .unwrap_or(Orientation::NoTransforms)
    };
    let grid: Array2<u8> = to_array((height, width), plane);
    Ok(Some(Luma::U8(orient(grid, orientation))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, GrayImage, ImageFormat, Rgb, RgbImage};
    use std::io::Cursor;

    fn encoded(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Cursor::new(Vec::new());
        img.write_to(&mut bytes, format).unwrap();
        bytes.into_inner()
    }

    /// Colours well inside the gamut, so that the decoder's RGB is not clamped.
    fn colour() -> RgbImage {
        RgbImage::from_fn(37, 21, |x, y| {
            Rgb([(60 + 3 * x) as u8, (70 + 4 * y) as u8, (90 + x + y) as u8])
        })
    }

    #[test]
    fn a_colour_jpeg_gives_its_y_plane_within_rounding_of_rec601() {
        let bytes = encoded(colour().into(), ImageFormat::Jpeg);
        assert!(is_jpeg(&bytes));
        let Some(Luma::U8(y)) = luma(&bytes, &LoadOptions::default(), Vec::new()).unwrap() else {
            panic!("a YCbCr JPEG gives its Y plane")
        };
        assert_eq!(y.dim(), (21, 37));
        let rgb = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let mut sum = 0.0;
        for (&v, p) in y.iter().zip(rgb.pixels()) {
            let [r, g, b] = p.0.map(f64::from);
            let rec601 = 0.299 * r + 0.587 * g + 0.114 * b;
            // The decoder's YCbCr -> RGB conversion rounds each channel.
            let d = (f64::from(v) - rec601).abs();
            assert!(d <= 2.0, "{v} vs {rec601}");
            sum += d;
        }
        assert!(
            sum / (y.len() as f64) < 0.75,
            "mean difference {}",
            sum / y.len() as f64
        );
    }

    #[test]
    fn a_gray_jpeg_gives_what_the_rgb_path_gives() {
        let gray = GrayImage::from_fn(19, 9, |x, y| [(13 * x + 5 * y) as u8].into());
        let bytes = encoded(gray.into(), ImageFormat::Jpeg);
        let Some(Luma::U8(y)) = luma(&bytes, &LoadOptions::default(), Vec::new()).unwrap() else {
            panic!("a grayscale JPEG gives its plane")
        };
        let decoded = image::load_from_memory(&bytes).unwrap().to_luma8();
        assert_eq!(y.as_slice().unwrap(), decoded.as_raw().as_slice());
    }

    #[test]
    fn other_files_and_broken_jpegs_go_to_the_rgb_path() {
        let png = encoded(colour().into(), ImageFormat::Png);
        assert!(!is_jpeg(&png));
        assert_eq!(
            luma(&png, &LoadOptions::default(), Vec::new()).unwrap(),
            None
        );
        let jpeg = encoded(colour().into(), ImageFormat::Jpeg);
        for cut in [3, 20, 200] {
            let r = luma(&jpeg[..cut], &LoadOptions::default(), Vec::new());
            assert!(
                matches!(r, Ok(None) | Ok(Some(_))),
                "cut {cut}: no error of its own"
            );
        }
    }

    #[test]
    fn oversize_images_are_refused_from_the_header() {
        let bytes = encoded(colour().into(), ImageFormat::Jpeg);
        let options = LoadOptions {
            limits: crate::image::DecodeLimits { max_pixels: 100 },
            ..Default::default()
        };
        assert!(matches!(
            luma(&bytes, &options, Vec::new()),
            Err(LoadError::TooLarge {
                width: 37,
                height: 21,
                ..
            })
        ));
    }

    #[test]
    fn the_buffer_given_is_the_one_returned() {
        let bytes = encoded(colour().into(), ImageFormat::Jpeg);
        let buffer = Vec::with_capacity(4096);
        let at = buffer.as_ptr();
        let Some(Luma::U8(y)) = luma(&bytes, &LoadOptions::default(), buffer).unwrap() else {
            panic!("a YCbCr JPEG gives its Y plane")
        };
        assert_eq!(y.as_ptr(), at);
    }
}
