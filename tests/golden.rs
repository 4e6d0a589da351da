//! Golden pictures: detection on the sample assets compared with the committed results, byte
//! for byte.
//!
//! They are exact on every platform: the kernels use only IEEE additions, multiplications,
//! divisions and square roots (never fused multiply-adds, see `detect::simd`), which round the
//! same everywhere. The one platform function involved is `f64::exp` in the Gaussian weights;
//! a libm that rounded it differently could flip an edge pixel sitting exactly on the threshold,
//! which would show here first.
//!
//! After an intended change of results, regenerate and review the pictures:
//! `REGENERATE=1 cargo test --release --test golden`.

use std::path::{Path, PathBuf};

use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::{DetectConfig, EdgeRule, Wanted};
use edgegrad::image::encode::{write_picture, PictureFormat};
use edgegrad::image::load;
use edgegrad::image::render::{self, Depth};
use edgegrad::timings::Timings;
use image::DynamicImage;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `got` with tests/golden/`name` (or writes it with REGENERATE=1): the same size,
/// colour type and bytes.
fn check(name: &str, got: DynamicImage) {
    let path: PathBuf = root().join("tests/golden").join(name);
    if std::env::var_os("REGENERATE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let format = PictureFormat::from_path(&path, Depth::Eight).unwrap();
        write_picture(&path, &got, format).unwrap();
        return;
    }
    let want = image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (REGENERATE=1 creates it)", path.display()));
    assert_eq!(got.color(), want.color(), "{name}");
    assert_eq!(
        (got.width(), got.height()),
        (want.width(), want.height()),
        "{name}"
    );
    let (g, w) = (got.as_bytes(), want.as_bytes());
    let changed = g.iter().zip(w).filter(|(a, b)| a != b).count();
    if let Some(first) = g.iter().zip(w).position(|(a, b)| a != b) {
        let pixel = first / usize::from(got.color().bytes_per_pixel());
        let (x, y) = (pixel % got.width() as usize, pixel / got.width() as usize);
        panic!(
            "{name}: {changed} samples differ, the first at pixel ({x}, {y}): {} instead of {}",
            g[first], w[first]
        );
    }
}

fn detect(
    asset: &str,
    config: DetectConfig,
    wanted: Wanted,
) -> edgegrad::detect::pipeline::Detection {
    let luma = load(&root().join("assets").join(asset), &Default::default())
        .unwrap()
        .luma;
    let pipeline = config.build().unwrap();
    pipeline.run(luma.view(), &wanted, &mut Timings::new())
}

/// Edge maps.
fn check_edges(name: &str, asset: &str, config: DetectConfig) {
    let d = detect(asset, config, Wanted::edges());
    check(name, render::edges(d.edges.unwrap()).into());
}

#[test]
fn camera_default_edges() {
    check_edges("camera.edges.png", "camera.png", DetectConfig::default());
}

#[test]
fn camera_canny() {
    check_edges(
        "camera.canny.png",
        "camera.png",
        DetectConfig {
            rule: EdgeRule::Canny(None),
            ..Default::default()
        },
    );
}

#[test]
fn chelsea_default_edges() {
    check_edges("chelsea.edges.png", "chelsea.png", DetectConfig::default());
}

#[test]
fn coins_sobel_thin() {
    check_edges(
        "coins.sobel-thin.png",
        "coins.png",
        DetectConfig {
            operator: Operator::Sobel,
            rule: EdgeRule::Threshold(Threshold::Value(0.05)),
            thin: true,
            ..Default::default()
        },
    );
}

#[test]
fn coins_magnitude() {
    let d = detect(
        "coins.png",
        DetectConfig::default(),
        Wanted {
            magnitude: true,
            ..Default::default()
        },
    );
    let pic = render::magnitude(d.magnitude.unwrap().view(), Depth::Eight);
    check("coins.magnitude.png", pic.into());
}

#[test]
fn coins_dy() {
    let d = detect(
        "coins.png",
        DetectConfig::default(),
        Wanted {
            dy: true,
            ..Default::default()
        },
    );
    check("coins.dy.png", render::signed(d.dy.unwrap().view()).into());
}
