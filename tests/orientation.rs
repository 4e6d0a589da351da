//! EXIF orientation: the loader turns photos upright as viewers do (all eight orientations, in
//! PNG, JPEG, WebP, TIFF and float TIFF), keeps the stored order when asked, and `detect` and
//! `batch` follow it, with `--keep-orientation` for the stored order.

mod support;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use edgegrad::image::{load, luma_of, LoadOptions, Loaded, Luma};
use image::{ImageFormat, Rgb, RgbImage};
use ndarray::Array2;
use support::exif::{save_oriented, save_oriented_float_tiff, upright, upright_image};

fn load_with(path: &Path, keep_orientation: bool) -> Loaded {
    let options = LoadOptions {
        keep_orientation,
        photo: true,
        ..Default::default()
    };
    load(path, &options).unwrap()
}

/// 5 x 3, every pixel different: each orientation gives another grid.
fn small() -> RgbImage {
    RgbImage::from_fn(5, 3, |x, y| {
        Rgb([(40 * x + 7 * y) as u8, (60 * y) as u8, 9])
    })
}

/// A 48 x 32 scene whose edges differ under every orientation: an off-centre bright block,
/// a darker bar in one corner, and a ramp.
fn scene() -> RgbImage {
    RgbImage::from_fn(48, 32, |x, y| {
        let v = if (8..20).contains(&x) && (4..26).contains(&y) {
            230
        } else if x >= 36 && y < 6 {
            90
        } else {
            20 + x as u8
        };
        Rgb([v, v, v / 2])
    })
}

#[test]
fn every_orientation_is_applied_and_can_be_kept() {
    let dir = tempfile::tempdir().unwrap();
    let img = small();
    let stored = luma_of(img.clone().into()).to_grid();
    let pictures: Vec<_> = (1..=8).map(|v| upright(&stored, v)).collect();
    for (i, a) in pictures.iter().enumerate() {
        assert!(pictures[..i].iter().all(|b| a != b), "orientations alike");
    }
    for format in [ImageFormat::Png, ImageFormat::WebP, ImageFormat::Tiff] {
        for value in 1..=8 {
            let path = dir.path().join(format!("o{value}.{format:?}"));
            save_oriented(&img, &path, format, value);
            let shown = load_with(&path, false);
            let want = &pictures[usize::from(value - 1)];
            assert_eq!(&shown.luma.to_grid(), want, "{format:?} {value}");
            assert_eq!(shown.photo.unwrap(), upright_image(&img, value));
            let kept = load_with(&path, true);
            assert_eq!(kept.luma.to_grid(), stored, "{format:?} {value} kept");
            assert_eq!(kept.photo.unwrap(), img, "{format:?} {value} kept");
        }
    }
}

#[test]
fn a_jpeg_is_shown_as_its_orientation_turns_the_stored_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let img = scene();
    for value in 1..=8 {
        let path = dir.path().join(format!("o{value}.jpg"));
        save_oriented(&img, &path, ImageFormat::Jpeg, value);
        let stored = load_with(&path, true).luma.to_grid();
        assert_eq!(stored.dim(), (32, 48));
        let shown = load_with(&path, false).luma.to_grid();
        assert_eq!(shown, upright(&stored, value), "{value}");
    }
}

#[test]
fn a_float_tiff_is_turned_by_its_orientation_tag() {
    let dir = tempfile::tempdir().unwrap();
    let stored = Array2::from_shape_fn((3, 5), |(y, x)| (10 * y + x) as f32 / 64.0);
    for value in 1..=8 {
        let path = dir.path().join(format!("m{value}.tif"));
        save_oriented_float_tiff(&stored, &path, value);
        let shown = load_with(&path, false);
        let want = upright(&stored, value);
        let (h, w) = want.dim();
        assert_eq!(shown.luma, Luma::F32(want), "{value}");
        assert_eq!(shown.photo.unwrap().dimensions(), (w as u32, h as u32));
        assert_eq!(load_with(&path, true).luma, Luma::F32(stored.clone()));
    }
}

fn edgegrad() -> Command {
    Command::cargo_bin("edgegrad").unwrap()
}

/// `detect PATH -o OUT EXTRA...`: the bytes of the edge map.
fn detect(path: &Path, out: &Path, extra: &[&str]) -> Vec<u8> {
    edgegrad()
        .arg("detect")
        .arg(path)
        .arg("-o")
        .arg(out)
        .args(extra)
        .assert()
        .success();
    fs::read(out).unwrap()
}

#[test]
fn detect_finds_the_edges_of_the_upright_photo_unless_told_to_keep_the_stored_order() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let img = scene();
    img.save(p("stored.png")).unwrap();
    let stored_edges = detect(&p("stored.png"), &p("stored.edges.png"), &[]);
    for value in 1..=8 {
        let oriented = p(&format!("o{value}.png"));
        save_oriented(&img, &oriented, ImageFormat::Png, value);
        upright_image(&img, value).save(p("upright.png")).unwrap();
        let want = detect(&p("upright.png"), &p("want.png"), &[]);
        assert_eq!(detect(&oriented, &p("got.png"), &[]), want, "{value}");
        let kept = detect(&oriented, &p("kept.png"), &["--keep-orientation"]);
        assert_eq!(kept, stored_edges, "{value} kept");
    }
    // The overlay draws the upright photo.
    let overlay = p("overlay.png");
    detect(&p("o6.png"), &overlay, &["--output", "overlay"]);
    assert_eq!(image::image_dimensions(&overlay).unwrap(), (32, 48));
}

#[test]
fn batch_turns_every_photo_upright_unless_told_to_keep_the_stored_order() {
    let dir = tempfile::tempdir().unwrap();
    let (input, upright_dir, stored_dir) = (
        dir.path().join("in"),
        dir.path().join("upright"),
        dir.path().join("stored"),
    );
    for d in [&input, &upright_dir, &stored_dir] {
        fs::create_dir(d).unwrap();
    }
    let img = scene();
    for value in [3, 6, 7] {
        let name = format!("o{value}.png");
        save_oriented(&img, &input.join(&name), ImageFormat::Png, value);
        upright_image(&img, value)
            .save(upright_dir.join(&name))
            .unwrap();
        img.save(stored_dir.join(&name)).unwrap();
    }
    let run = |from: &Path, to: &Path, extra: &[&str]| {
        Command::cargo_bin("edgegrad")
            .unwrap()
            .arg("batch")
            .arg(from)
            .arg(to)
            .args(extra)
            .arg("--quiet")
            .assert()
            .success();
    };
    let out = |name: &str| dir.path().join(name);
    run(&input, &out("a"), &[]);
    run(&upright_dir, &out("b"), &[]);
    run(&input, &out("c"), &["--keep-orientation"]);
    run(&stored_dir, &out("d"), &[]);
    for value in [3, 6, 7] {
        let name = format!("o{value}.png.png");
        let read = |d: &str| fs::read(out(d).join(&name)).unwrap();
        assert_eq!(read("a"), read("b"), "{value}");
        assert_eq!(read("c"), read("d"), "{value} kept");
    }
}
