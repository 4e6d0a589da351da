//! Our derivative operators against imageproc's, the reference implementation of the textbook
//! 3x3 kernels.
//!
//! imageproc convolves 8-bit images with the integer Sobel, Scharr and Prewitt kernels, padding
//! by replicating the border. Ours are the same kernels scaled to estimate the derivative in grid
//! units (values / 255) per pixel: inside the image, ours is imageproc's divided by
//! `255 * (2 * sum of the across weights)` (8 for Sobel, 32 for Scharr, 6 for Prewitt). Across the
//! derivative both replicate the border; along it, ours takes numpy's one-sided first-order
//! difference at the first and last sample, which is exactly twice the replicated central
//! difference imageproc computes there: so at those columns (for dx) and rows (for dy) ours is
//! imageproc's divided by half as much.

use edgegrad::detect::derivatives::{Derivatives, Operator};
use edgegrad::LumaView;
use image::GrayImage;
use imageproc::definitions::Image;
use imageproc::gradients::{
    horizontal_prewitt, horizontal_scharr, horizontal_sobel, vertical_prewitt, vertical_scharr,
    vertical_sobel,
};
use ndarray::Array2;

type Reference = fn(&GrayImage) -> Image<image::Luma<i16>>;

/// Each operator with imageproc's horizontal and vertical kernels and the sum of their
/// non-zero column's absolute weights.
const OPERATORS: [(Operator, Reference, Reference, f64); 3] = [
    (Operator::Sobel, horizontal_sobel, vertical_sobel, 4.0),
    (Operator::Scharr, horizontal_scharr, vertical_scharr, 16.0),
    (Operator::Prewitt, horizontal_prewitt, vertical_prewitt, 3.0),
];

/// Compares `ours` (an f32 derivative along `axis`) with imageproc's integer response.
fn assert_matches(
    name: &str,
    ours: &Array2<f32>,
    theirs: &Image<image::Luma<i16>>,
    axis: usize,
    weights: f64,
) {
    let (rows, cols) = ours.dim();
    let n = [rows, cols][axis];
    for ((y, x), &v) in ours.indexed_iter() {
        let k = f64::from(theirs.get_pixel(x as u32, y as u32)[0]);
        let along = [y, x][axis];
        let border = n > 1 && (along == 0 || along == n - 1);
        let scale = 255.0 * 2.0 * weights / if border { 2.0 } else { 1.0 };
        let want = k / scale;
        assert!(
            (f64::from(v) - want).abs() < 2e-6,
            "{name} at ({y}, {x}) of {rows}x{cols}: ours {v}, imageproc {k} / {scale} = {want}"
        );
    }
}

fn check(img: &GrayImage) {
    let (w, h) = img.dimensions();
    let luma = Array2::from_shape_vec((h as usize, w as usize), img.as_raw().clone()).unwrap();
    for (op, horizontal, vertical, weights) in OPERATORS {
        let d = Derivatives::new(op, 1, None).unwrap();
        let (dx, dy) = d.compute(LumaView::U8(luma.view()));
        assert_matches(&format!("{op:?} dx"), &dx, &horizontal(img), 1, weights);
        assert_matches(&format!("{op:?} dy"), &dy, &vertical(img), 0, weights);
    }
}

#[test]
fn sobel_scharr_and_prewitt_match_imageproc_on_a_photo() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/coins.png");
    check(&image::open(path).unwrap().to_luma8());
}

#[test]
fn sobel_scharr_and_prewitt_match_imageproc_on_small_odd_images() {
    for (w, h) in [(3, 3), (5, 4), (17, 9), (2, 7), (31, 2)] {
        let img = GrayImage::from_fn(w, h, |x, y| {
            image::Luma([((x * 97 + y * 41 + x * y * 13) % 256) as u8])
        });
        check(&img);
    }
}
