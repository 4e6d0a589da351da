//! Pictures stored with an EXIF orientation, and what a viewer shows of them, for the tests of
//! the loader's orientation (tests/orientation.rs).

use std::path::Path;

use image::codecs::{jpeg::JpegEncoder, png::PngEncoder, webp::WebPEncoder};
use image::{ExtendedColorType, ImageEncoder, ImageFormat, RgbImage};
use ndarray::Array2;

/// An EXIF block (a little-endian TIFF header and one IFD) holding only `Orientation = value`.
pub fn exif_orientation(value: u16) -> Vec<u8> {
    let mut e = b"II".to_vec();
    e.extend_from_slice(&42u16.to_le_bytes());
    e.extend_from_slice(&8u32.to_le_bytes()); // the IFD follows the header
    e.extend_from_slice(&1u16.to_le_bytes()); // one entry
    e.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    e.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    e.extend_from_slice(&1u32.to_le_bytes()); // one value
    e.extend_from_slice(&value.to_le_bytes());
    e.extend_from_slice(&[0, 0]); // padding of the value field
    e.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    e
}

/// The stored pixel `(sx, sy)` a viewer shows at `(x, y)` of a picture stored `w` wide and `h`
/// high with EXIF orientation `value`, from the EXIF definitions.
fn stored_pixel(value: u16, (w, h): (usize, usize), (x, y): (usize, usize)) -> (usize, usize) {
    match value {
        1 => (x, y),
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        5 => (y, x),
        6 => (y, h - 1 - x),
        7 => (w - 1 - y, h - 1 - x),
        8 => (w - 1 - y, x),
        _ => panic!("EXIF orientations are 1 to 8, not {value}"),
    }
}

/// What a viewer shows of the grid `s` (axis 0 = y) stored with orientation `value`.
pub fn upright<T: Copy>(s: &Array2<T>, value: u16) -> Array2<T> {
    let (h, w) = s.dim();
    let shape = if value >= 5 { (w, h) } else { (h, w) };
    Array2::from_shape_fn(shape, |(y, x)| {
        let (sx, sy) = stored_pixel(value, (w, h), (x, y));
        s[[sy, sx]]
    })
}

/// What a viewer shows of the picture `img` stored with orientation `value`.
pub fn upright_image(img: &RgbImage, value: u16) -> RgbImage {
    let (w, h) = img.dimensions();
    let (ow, oh) = if value >= 5 { (h, w) } else { (w, h) };
    RgbImage::from_fn(ow, oh, |x, y| {
        let (sx, sy) = stored_pixel(value, (w as usize, h as usize), (x as usize, y as usize));
        *img.get_pixel(sx as u32, sy as u32)
    })
}

/// Writes `img` to `path` as `format` (PNG, JPEG, lossless WebP or TIFF) with the EXIF
/// orientation `value` (for TIFF, the Orientation tag).
pub fn save_oriented(img: &RgbImage, path: &Path, format: ImageFormat, value: u16) {
    let file = std::fs::File::create(path).unwrap();
    let (w, h) = img.dimensions();
    let (raw, colour) = (img.as_raw(), ExtendedColorType::Rgb8);
    let exif = exif_orientation(value);
    match format {
        ImageFormat::Png => {
            let mut e = PngEncoder::new(file);
            e.set_exif_metadata(exif).unwrap();
            e.write_image(raw, w, h, colour).unwrap();
        }
        ImageFormat::Jpeg => {
            let mut e = JpegEncoder::new_with_quality(file, 95);
            e.set_exif_metadata(exif).unwrap();
            e.write_image(raw, w, h, colour).unwrap();
        }
        ImageFormat::WebP => {
            let mut e = WebPEncoder::new_lossless(file);
            e.set_exif_metadata(exif).unwrap();
            e.write_image(raw, w, h, colour).unwrap();
        }
        ImageFormat::Tiff => {
            let mut t = tiff::encoder::TiffEncoder::new(file).unwrap();
            let mut i = t.new_image::<tiff::encoder::colortype::RGB8>(w, h).unwrap();
            i.encoder()
                .write_tag(tiff::tags::Tag::Orientation, value)
                .unwrap();
            i.write_data(raw).unwrap();
        }
        other => panic!("no orientation written for {other:?}"),
    }
}

/// Writes the float grid `grid` as a one-channel 32-bit float TIFF with the Orientation tag
/// `value`.
pub fn save_oriented_float_tiff(grid: &Array2<f32>, path: &Path, value: u16) {
    let (h, w) = grid.dim();
    let file = std::fs::File::create(path).unwrap();
    let mut t = tiff::encoder::TiffEncoder::new(file).unwrap();
    let mut i = t
        .new_image::<tiff::encoder::colortype::Gray32Float>(w as u32, h as u32)
        .unwrap();
    i.encoder()
        .write_tag(tiff::tags::Tag::Orientation, value)
        .unwrap();
    let values: Vec<f32> = grid.iter().copied().collect();
    i.write_data(&values).unwrap();
}
