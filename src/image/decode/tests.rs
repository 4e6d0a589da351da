//! Unit tests of luma conversion and loading: exact values for every pixel type, every
//! readable format, and every kind of broken file. (EXIF orientations: tests/orientation.rs.)

use super::*;
use image::{
    GrayAlphaImage, GrayImage, ImageBuffer, ImageFormat, LumaA, Rgb, Rgb32FImage, RgbImage, Rgba,
    RgbaImage,
};
use ndarray::array;

/// [`load`]'s luma with `limits`, upright.
fn load_luma(path: &Path, limits: &DecodeLimits) -> Result<Luma, LoadError> {
    let options = LoadOptions {
        limits: *limits,
        ..Default::default()
    };
    load(path, &options).map(|l| l.luma)
}

/// Rec. 601 luma computed independently in f64, for comparison with a tolerance.
fn rec601_f64(r: f64, g: f64, b: f64) -> f64 {
    0.299 * r + 0.587 * g + 0.114 * b
}

#[test]
fn gray8_keeps_its_values() {
    let img =
        DynamicImage::ImageLuma8(GrayImage::from_raw(3, 2, vec![0, 1, 2, 253, 254, 255]).unwrap());
    assert_eq!(luma_of(img), Luma::U8(array![[0, 1, 2], [253, 254, 255]]));
}

#[test]
fn gray16_keeps_its_values() {
    let img = DynamicImage::ImageLuma16(
        ImageBuffer::from_raw(2, 2, vec![0u16, 1, 65534, 65535]).unwrap(),
    );
    assert_eq!(luma_of(img), Luma::U16(array![[0, 1], [65534, 65535]]));
}

#[test]
fn gray_alpha_drops_the_alpha() {
    let img8 = GrayAlphaImage::from_fn(2, 1, |x, _| LumaA([x as u8 * 100 + 7, 255 - x as u8]));
    assert_eq!(luma_of(img8.into()), Luma::U8(array![[7, 107]]));
    let img16: ImageBuffer<LumaA<u16>, Vec<u16>> =
        ImageBuffer::from_raw(2, 1, vec![1000, 0, 60000, 65535]).unwrap();
    assert_eq!(luma_of(img16.into()), Luma::U16(array![[1000, 60000]]));
}

#[test]
fn primaries_give_the_rec601_weights_exactly() {
    let img = RgbImage::from_raw(4, 1, vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0]).unwrap();
    assert_eq!(
        luma_of(img.into()),
        Luma::F32(array![[0.299f32, 0.587, 0.114, 0.0]])
    );
    let img16: ImageBuffer<Rgb<u16>, Vec<u16>> =
        ImageBuffer::from_raw(3, 1, vec![65535, 0, 0, 0, 65535, 0, 0, 0, 65535]).unwrap();
    assert_eq!(
        luma_of(img16.into()),
        Luma::F32(array![[0.299f32, 0.587, 0.114]])
    );
}

#[test]
fn rgb8_matches_the_formula_on_scaled_channels() {
    let pixels = [[10u8, 200, 30], [255, 255, 255], [1, 2, 3], [128, 64, 250]];
    let img = RgbImage::from_fn(4, 1, |x, _| Rgb(pixels[x as usize]));
    let Luma::F32(l) = luma_of(img.into()) else {
        panic!("colour gives f32")
    };
    for (x, p) in pixels.iter().enumerate() {
        let want = rec601_f64(
            p[0] as f64 / 255.0,
            p[1] as f64 / 255.0,
            p[2] as f64 / 255.0,
        );
        assert!(
            (l[[0, x]] as f64 - want).abs() < 2e-7,
            "pixel {x}: {} vs {want}",
            l[[0, x]]
        );
    }
    // numpy's float32 expression, step by step: np.float32(0.299) * (r / np.float32(255)) + ...
    let (r, g, b) = (10f32 / 255.0, 200f32 / 255.0, 30f32 / 255.0);
    assert_eq!(
        l[[0, 0]].to_bits(),
        (0.299f32 * r + 0.587f32 * g + 0.114f32 * b).to_bits()
    );
}

#[test]
fn rgb16_is_scaled_by_65535() {
    let img: ImageBuffer<Rgb<u16>, Vec<u16>> =
        ImageBuffer::from_raw(1, 1, vec![1000, 30000, 65000]).unwrap();
    let Luma::F32(l) = luma_of(img.into()) else {
        panic!("colour gives f32")
    };
    let want = rec601_f64(1000.0 / 65535.0, 30000.0 / 65535.0, 65000.0 / 65535.0);
    assert!((l[[0, 0]] as f64 - want).abs() < 2e-7);
}

#[test]
fn rgba_ignores_alpha() {
    let opaque = RgbaImage::from_pixel(2, 2, Rgba([10, 20, 30, 255]));
    let clear = RgbaImage::from_pixel(2, 2, Rgba([10, 20, 30, 0]));
    let rgb = RgbImage::from_pixel(2, 2, Rgb([10, 20, 30]));
    assert_eq!(luma_of(opaque.into()), luma_of(rgb.clone().into()));
    assert_eq!(luma_of(clear.into()), luma_of(rgb.into()));
}

#[test]
fn float_colour_is_taken_as_it_is() {
    let img = Rgb32FImage::from_raw(2, 1, vec![2.0, 0.0, 0.0, -1.0, 0.5, 0.25]).unwrap();
    let Luma::F32(l) = luma_of(img.into()) else {
        panic!("colour gives f32")
    };
    assert_eq!(l[[0, 0]], 0.598);
    assert!((l[[0, 1]] as f64 - rec601_f64(-1.0, 0.5, 0.25)).abs() < 1e-7);
}

#[test]
fn rows_and_columns_are_y_and_x() {
    let img = GrayImage::from_fn(3, 2, |x, y| image::Luma([(10 * y + x) as u8]));
    let luma = luma_of(img.into());
    assert_eq!(luma.dim(), (2, 3));
    assert_eq!(luma, Luma::U8(array![[0, 1, 2], [10, 11, 12]]));
    let rgb = RgbImage::from_fn(3, 2, |x, y| Rgb([(10 * y + x) as u8; 3]));
    assert_eq!(luma_of(rgb.into()).dim(), (2, 3));
}

#[test]
fn to_grid_divides_in_f32() {
    let g = Luma::U8(array![[0, 1, 128, 255]]).to_grid();
    assert_eq!(g, array![[0.0f32, 1.0 / 255.0, 128.0 / 255.0, 1.0]]);
    let g = Luma::U16(array![[0, 1, 32768, 65535]]).to_grid();
    assert_eq!(g, array![[0.0f32, 1.0 / 65535.0, 32768.0 / 65535.0, 1.0]]);
}

/// A gradient-rich 8-bit RGB test picture.
fn sample_rgb(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb([
            (x * 37 % 256) as u8,
            (y * 53 % 256) as u8,
            ((x + y) * 11 % 256) as u8,
        ])
    })
}

#[test]
fn every_lossless_format_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let gray = GrayImage::from_fn(7, 5, |x, y| image::Luma([(x * 31 + y * 7) as u8]));
    let rgb = sample_rgb(7, 5);
    let want_gray = luma_of(gray.clone().into());
    let want_rgb = luma_of(rgb.clone().into());
    for (ext, format) in [
        ("png", ImageFormat::Png),
        ("tif", ImageFormat::Tiff),
        ("bmp", ImageFormat::Bmp),
        ("pgm", ImageFormat::Pnm),
        ("tga", ImageFormat::Tga),
        ("webp", ImageFormat::WebP),
        ("qoi", ImageFormat::Qoi),
    ] {
        let p = dir.path().join(format!("rgb.{ext}"));
        rgb.save_with_format(&p, format).unwrap();
        assert_eq!(
            load_luma(&p, &DecodeLimits::default()).unwrap(),
            want_rgb,
            "{ext} rgb"
        );
        if !matches!(format, ImageFormat::WebP | ImageFormat::Qoi) {
            let p = dir.path().join(format!("gray.{ext}"));
            gray.save_with_format(&p, format).unwrap();
            let got = load_luma(&p, &DecodeLimits::default()).unwrap();
            if format == ImageFormat::Bmp {
                // BMP stores gray as a palette, which decodes as RGB with R = G = B: the
                // colour rule applies, and (0.299 + 0.587 + 0.114) v is v up to rounding.
                assert!(matches!(got, Luma::F32(_)));
                let diff = (&got.to_grid() - &want_gray.to_grid()).mapv(f32::abs);
                assert!(diff.iter().all(|&d| d < 2e-7), "bmp gray: {diff}");
            } else {
                assert_eq!(got, want_gray, "{ext} gray");
            }
        }
    }
}

#[test]
fn sixteen_bit_png_and_tiff_keep_16_bits() {
    let dir = tempfile::tempdir().unwrap();
    let img: ImageBuffer<image::Luma<u16>, Vec<u16>> =
        ImageBuffer::from_fn(4, 3, |x, y| image::Luma([(x * 16001 + y * 7) as u16]));
    let want = luma_of(img.clone().into());
    assert!(matches!(want, Luma::U16(_)));
    for ext in ["png", "tiff"] {
        let p = dir.path().join(format!("g16.{ext}"));
        img.save(&p).unwrap();
        assert_eq!(
            load_luma(&p, &DecodeLimits::default()).unwrap(),
            want,
            "{ext}"
        );
    }
}

#[test]
fn jpeg_and_gif_decode() {
    let dir = tempfile::tempdir().unwrap();
    let flat = RgbImage::from_pixel(16, 16, Rgb([200, 100, 50]));
    for ext in ["jpg", "gif"] {
        let p = dir.path().join(format!("flat.{ext}"));
        flat.save(&p).unwrap();
        // A colour JPEG's luma is its Y plane, 8-bit; a GIF's is Rec. 601 of its colours.
        let l = match (ext, load_luma(&p, &DecodeLimits::default()).unwrap()) {
            ("jpg", Luma::U8(y)) => y.mapv(|v| f32::from(v) / 255.0),
            ("gif", Luma::F32(l)) => l,
            (_, other) => panic!("{ext}: {other:?}"),
        };
        let want = rec601_f64(200.0 / 255.0, 100.0 / 255.0, 50.0 / 255.0) as f32;
        // Lossy or palette formats: close to the colour, not exact.
        assert!(
            l.iter().all(|v| (v - want).abs() < 0.02),
            "{ext}: {}",
            l[[8, 8]]
        );
    }
}

#[test]
fn a_jpeg_named_png_decodes_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("photo.png");
    sample_rgb(16, 8)
        .save_with_format(&p, ImageFormat::Jpeg)
        .unwrap();
    assert_eq!(
        load_luma(&p, &DecodeLimits::default()).unwrap().dim(),
        (8, 16)
    );
}

fn load_err(bytes: &[u8], name: &str) -> LoadError {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    load_luma(&p, &DecodeLimits::default()).unwrap_err()
}

fn png_bytes() -> Vec<u8> {
    let mut v = Vec::new();
    sample_rgb(64, 64)
        .write_to(&mut io::Cursor::new(&mut v), ImageFormat::Png)
        .unwrap();
    v
}

#[test]
fn broken_files_give_their_cause() {
    let dir = tempfile::tempdir().unwrap();
    let missing = load_luma(&dir.path().join("nope.png"), &DecodeLimits::default());
    assert!(matches!(missing, Err(LoadError::NotFound)), "{missing:?}");
    let is_dir = load_luma(dir.path(), &DecodeLimits::default());
    assert!(matches!(is_dir, Err(LoadError::Directory)), "{is_dir:?}");
    assert!(matches!(load_err(b"", "empty.png"), LoadError::Empty));
    assert!(matches!(
        load_err(b"hello, world\n", "text.png"),
        LoadError::UnknownFormat
    ));
    let png = png_bytes();
    let truncated = load_err(&png[..png.len() / 2], "half.png");
    assert!(
        matches!(truncated, LoadError::Corrupt { .. }),
        "{truncated:?}"
    );
    assert!(
        truncated
            .to_string()
            .starts_with("corrupt or truncated PNG image"),
        "{truncated}"
    );
    let mut corrupt = png.clone();
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 16] {
        *b ^= 0x5a;
    }
    let corrupt = load_err(&corrupt, "corrupt.png");
    assert!(matches!(corrupt, LoadError::Corrupt { .. }), "{corrupt:?}");
    let header_only = load_err(&png[..8], "sig.png");
    assert!(
        matches!(header_only, LoadError::Corrupt { .. }),
        "{header_only:?}"
    );
}

#[test]
fn the_pixel_limit_is_checked_from_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("10x10.png");
    GrayImage::new(10, 10).save(&p).unwrap();
    let err = load_luma(&p, &DecodeLimits { max_pixels: 99 }).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::TooLarge {
                width: 10,
                height: 10,
                max_pixels: 99
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the image is 10x10 pixels, more than the limit of 99 pixels"
    );
    assert!(load_luma(&p, &DecodeLimits { max_pixels: 100 }).is_ok());
}

#[test]
fn gray_float_tiff_is_read_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.tif");
    let a = array![[0.0f32, -1.5, 2.25], [1e-7, 0.5, f32::MAX]];
    crate::image::encode::write_raw(&p, a.view()).unwrap();
    let with_photo = LoadOptions {
        photo: true,
        ..Default::default()
    };
    let Loaded { luma, photo } = load(&p, &with_photo).unwrap();
    assert_eq!(luma, Luma::F32(a));
    assert_eq!(
        photo.unwrap().as_raw()[..9],
        [0, 0, 0, 0, 0, 0, 255, 255, 255]
    );
    let err = load_luma(&p, &DecodeLimits { max_pixels: 5 }).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::TooLarge {
                width: 3,
                height: 2,
                ..
            }
        ),
        "{err:?}"
    );
}

/// A one-channel 32-bit unsigned integer TIFF: neither image nor the float reader take it.
fn u32_tiff() -> Vec<u8> {
    let mut bytes = io::Cursor::new(Vec::new());
    tiff::encoder::TiffEncoder::new(&mut bytes)
        .unwrap()
        .write_image::<tiff::encoder::colortype::Gray32>(2, 1, &[1u32, 2])
        .unwrap();
    bytes.into_inner()
}

#[test]
fn other_unsupported_tiffs_keep_the_decoders_error() {
    let err = load_err(&u32_tiff(), "u32.tif");
    assert!(matches!(err, LoadError::Unsupported { .. }), "{err:?}");
}

#[test]
fn load_errors_say_their_cause_once() {
    let png = png_bytes();
    let truncated = load_err(&png[..png.len() / 2], "half.png");
    let unsupported = load_err(&u32_tiff(), "u32.tif");
    for err in [truncated, unsupported] {
        let err: &dyn std::error::Error = &err;
        assert!(err.source().is_none(), "{err}");
    }
}
