//! Unit tests of the pictures on tiny hand-made arrays.

use super::*;
use ndarray::array;
use std::f32::consts::PI;

fn rgb(c: colorous::Color) -> [u8; 3] {
    [c.r, c.g, c.b]
}

fn close(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tol)
}

#[test]
fn edges_keep_rows_and_columns() {
    let pic = edges(array![[0u8, 255, 0], [255, 0, 0]]);
    assert_eq!((pic.width(), pic.height()), (3, 2));
    assert_eq!(pic.as_raw(), &vec![0, 255, 0, 255, 0, 0]);
    // A transposed (non-standard layout) mask is copied in row-major order.
    let t = array![[0u8, 255], [0, 0], [255, 0]].reversed_axes();
    let pic = edges(t);
    assert_eq!((pic.width(), pic.height()), (3, 2));
    assert_eq!(pic.as_raw(), &vec![0, 0, 255, 255, 0, 0]);
}

#[test]
fn magnitude_is_normalised_to_its_maximum() {
    let m = array![[0.0f32, 0.1, 0.2], [0.3, 0.4, 0.05]];
    let GrayPicture::Eight(p) = magnitude(m.view(), Depth::Eight) else {
        panic!()
    };
    assert_eq!(p.as_raw(), &vec![0, 64, 128, 191, 255, 32]);
    let GrayPicture::Sixteen(p) = magnitude(m.view(), Depth::Sixteen) else {
        panic!()
    };
    assert_eq!(p.as_raw(), &vec![0, 16384, 32768, 49151, 65535, 8192]);
}

#[test]
fn magnitude_survives_zero_and_non_finite_values() {
    let GrayPicture::Eight(p) = magnitude(array![[0.0f32, 0.0]].view(), Depth::Eight) else {
        panic!()
    };
    assert_eq!(p.as_raw(), &vec![0, 0]);
    let m = array![[f32::NAN, f32::INFINITY, 0.5, 1.0]];
    let GrayPicture::Eight(p) = magnitude(m.view(), Depth::Eight) else {
        panic!()
    };
    assert_eq!(p.as_raw(), &vec![0, 255, 128, 255]);
    let GrayPicture::Eight(p) = magnitude(Array2::zeros((0, 3)).view(), Depth::Eight) else {
        panic!()
    };
    assert_eq!((p.width(), p.height()), (3, 0));
}

#[test]
fn direction_hue_follows_the_angle_and_brightness_the_magnitude() {
    let dir = array![[-PI + 1e-6, 0.0, 0.0, PI / 2.0, f32::NAN]];
    let mag = array![[2.0f32, 2.0, 1.0, 2.0, 2.0]];
    let p = direction(dir.view(), mag.view());
    let px = |x: u32| p.get_pixel(x, 0).0;
    assert!(close(px(0), rgb(colorous::SINEBOW.eval_continuous(0.0)), 1));
    assert!(close(px(1), rgb(colorous::SINEBOW.eval_continuous(0.5)), 1));
    let half = rgb(colorous::SINEBOW.eval_continuous(0.5)).map(|c| (c as f32 / 2.0).round() as u8);
    assert!(close(px(2), half, 1), "{:?} vs {half:?}", px(2));
    assert!(close(
        px(3),
        rgb(colorous::SINEBOW.eval_continuous(0.75)),
        1
    ));
    assert_eq!(px(4), [0, 0, 0]);
}

#[test]
fn signed_maps_zero_to_the_centre_and_extremes_to_the_ends() {
    let d = array![[0.0f32, 4.0, -4.0, 2.0, f32::NAN, f32::NEG_INFINITY]];
    let p = signed(d.view());
    let px = |x: u32| p.get_pixel(x, 0).0;
    assert!(close(
        px(0),
        rgb(colorous::RED_BLUE.eval_continuous(0.5)),
        1
    ));
    assert!(close(
        px(1),
        rgb(colorous::RED_BLUE.eval_continuous(0.0)),
        1
    ));
    assert!(close(
        px(2),
        rgb(colorous::RED_BLUE.eval_continuous(1.0)),
        1
    ));
    assert!(close(
        px(3),
        rgb(colorous::RED_BLUE.eval_continuous(0.25)),
        1
    ));
    assert_eq!(px(4), px(0));
    assert_eq!(px(5), px(2));
}

#[test]
fn signed_is_symmetric_about_zero() {
    let d = array![[0.5f32, -0.5]];
    let p = signed(d.view());
    let (pos, neg) = (p.get_pixel(0, 0).0, p.get_pixel(1, 0).0);
    // RdBu is symmetric in lightness: the red and blue at equal distance differ in hue only.
    assert!(pos[0] > pos[2] && neg[2] > neg[0], "{pos:?} {neg:?}");
}

#[test]
fn overlay_colours_edges_and_dims_the_rest() {
    let photo = RgbImage::from_fn(3, 2, |x, y| image::Rgb([100 * x as u8, 50 * y as u8, 200]));
    let mask = array![[0u8, 255, 0], [0, 0, 255]];
    let p = overlay(&photo, mask.view());
    assert_eq!(p.get_pixel(1, 0).0, OVERLAY_EDGE_COLOUR);
    assert_eq!(p.get_pixel(2, 1).0, OVERLAY_EDGE_COLOUR);
    assert_eq!(p.get_pixel(0, 0).0, [0, 0, 90]);
    assert_eq!(p.get_pixel(2, 0).0, [90, 0, 90]);
    assert_eq!(p.get_pixel(1, 1).0, [45, 23, 90]);
}

#[test]
fn overlay_of_mismatched_sizes_keeps_the_photo_size_and_never_panics() {
    let photo = RgbImage::from_pixel(3, 2, image::Rgb([100, 100, 100]));
    let small = array![[255u8]];
    let p = overlay(&photo, small.view());
    assert_eq!(p.dimensions(), (3, 2));
    assert_eq!(p.get_pixel(0, 0).0, OVERLAY_EDGE_COLOUR);
    assert_eq!(p.get_pixel(2, 1).0, [45, 45, 45]);
    let large = ndarray::Array2::from_elem((5, 7), 255u8);
    let p = overlay(&photo, large.view());
    assert!(p.pixels().all(|px| px.0 == OVERLAY_EDGE_COLOUR));
    let empty = RgbImage::new(0, 0);
    assert_eq!(overlay(&empty, large.view()).dimensions(), (0, 0));
}

#[test]
fn contours_draw_each_point_in_the_pixel_it_lies_in() {
    use crate::image::curves::{Curve, EdgePoint};
    let p = |x, y| EdgePoint {
        x,
        y,
        strength: 1.0,
        direction: 0.0,
    };
    // A steep segment from (4.7, 0.6) to (5.4, 4.4): pixels (5, 1) to (5, 4), all in column 5
    // (truncated, the first would be drawn in column 4 and row 0).
    let curve = Curve {
        points: vec![p(4.7, 0.6), p(5.4, 4.4)],
        closed: false,
    };
    let lone = Curve {
        points: vec![p(1.6, 5.5)],
        closed: false,
    };
    let curves = Curves {
        width: 8,
        height: 7,
        curves: vec![curve, lone],
    };
    let photo = RgbImage::new(8, 7);
    let pic = contours(&photo, &curves);
    let drawn = |i: usize| -> Vec<(u32, u32)> {
        pic.enumerate_pixels()
            .filter(|(_, _, px)| px.0 == curve_colour(i))
            .map(|(x, y, _)| (x, y))
            .collect()
    };
    assert_eq!(drawn(0), vec![(5, 1), (5, 2), (5, 3), (5, 4)]);
    assert_eq!(drawn(1), vec![(2, 6)]);
}
