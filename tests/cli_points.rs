//! Black-box tests of `edgegrad detect --points`: CSV, JSON and SVG files parsed back and
//! checked against the geometry drawn (a disc of known centre and radius), and every bad
//! input (exit code 2 or 1, one-line message naming the cause, no panic).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The disc drawn by [`disc_png`]: centre x, centre y, radius.
const DISC: (f64, f64, f64) = (20.37, 18.81, 11.23);
/// Its image's width and height.
const SIZE: (u32, u32) = (40, 36);

fn edgegrad() -> Command {
    Command::cargo_bin("edgegrad").unwrap()
}

/// A 16-bit PNG of a bright disc on black, anti-aliased (16 x 16 samples per pixel).
fn disc_png(dir: &TempDir) -> PathBuf {
    let (cx, cy, r) = DISC;
    let img = image::ImageBuffer::from_fn(SIZE.0, SIZE.1, |c, row| {
        let mut n = 0u32;
        for i in 0..16 {
            for j in 0..16 {
                let x = c as f64 - 0.5 + (j as f64 + 0.5) / 16.0;
                let y = row as f64 - 0.5 + (i as f64 + 0.5) / 16.0;
                n += u32::from((x - cx).hypot(y - cy) < r);
            }
        }
        image::Luma([(n * 65535 / 256) as u16])
    });
    let path = dir.path().join("disc.png");
    img.save(&path).unwrap();
    path
}

/// A flat gray PNG: no edges at all.
fn flat_png(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("flat.png");
    image::GrayImage::from_pixel(9, 7, image::Luma([100]))
        .save(&path)
        .unwrap();
    path
}

/// The distance from `(x, y)` to the disc's circle.
fn off_circle(x: f64, y: f64) -> f64 {
    let (cx, cy, r) = DISC;
    ((x - cx).hypot(y - cy) - r).abs()
}

/// Runs detect with `args` and expects a usage error (exit 2) of one line containing `words`.
fn refused(args: &[&str], words: &str) {
    let out = edgegrad().arg("detect").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(words), "{args:?}: {err}");
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn csv_points_lie_on_the_disc_in_one_numbered_curve() {
    let dir = TempDir::new().unwrap();
    let input = disc_png(&dir);
    let csv = dir.path().join("p.csv");
    edgegrad()
        .args(["detect", path_str(&input), "--points", path_str(&csv)])
        .assert()
        .success();
    let text = fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("curve,x,y,strength,direction"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse::<f64>().unwrap()).collect())
        .collect();
    assert!(rows.iter().all(|r| r.len() == 5));
    // One curve (id 0) round the disc: about one point per pixel of its perimeter.
    assert!(rows.iter().all(|r| r[0] == 0.0));
    let perimeter = 2.0 * std::f64::consts::PI * DISC.2;
    assert!(rows.len() as f64 > 0.8 * perimeter, "{} points", rows.len());
    let mean = rows.iter().map(|r| off_circle(r[1], r[2])).sum::<f64>() / rows.len() as f64;
    // Smoothing moves the peak on a curved edge inwards by about V / 2R (V, about 1.4 px², the
    // variance of smoothing, derivative and pixel): 0.06 px at this radius.
    assert!(mean < 0.1, "mean distance {mean}");
    // The gradient points into the bright disc: towards the centre, within 10°.
    for r in &rows {
        let inwards = (DISC.1 - r[2]).atan2(DISC.0 - r[1]);
        let diff = (r[4] - inwards).sin().abs();
        assert!(diff < 0.18 && (r[4] - inwards).cos() > 0.0, "{r:?}");
        assert!(r[3] > 0.0);
    }
}

#[test]
fn json_has_the_size_the_options_and_one_closed_curve() {
    let dir = TempDir::new().unwrap();
    let input = disc_png(&dir);
    let json = dir.path().join("p.json");
    edgegrad()
        .args([
            "detect",
            path_str(&input),
            "--canny",
            "--points",
            path_str(&json),
        ])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["width"], SIZE.0);
    assert_eq!(v["height"], SIZE.1);
    assert_eq!(v["options"]["rule"], "canny");
    assert_eq!(v["options"]["sigma"], "1.4");
    let curves = v["curves"].as_array().unwrap();
    assert_eq!(curves.len(), 1);
    let disc = &curves[0];
    assert_eq!(disc["closed"], true);
    let xs = disc["x"].as_array().unwrap();
    let ys = disc["y"].as_array().unwrap();
    assert_eq!(xs.len(), ys.len());
    assert_eq!(disc["strength"].as_array().unwrap().len(), xs.len());
    assert_eq!(disc["direction"].as_array().unwrap().len(), xs.len());
    assert_eq!(v["point_count"], xs.len());
    // In order along the curve: consecutive points at most two pixels apart, none repeated.
    let p: Vec<(f64, f64)> = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (x.as_f64().unwrap(), y.as_f64().unwrap()))
        .collect();
    for (a, b) in p.iter().zip(p.iter().cycle().skip(1)) {
        let step = (a.0 - b.0).hypot(a.1 - b.1);
        assert!(step > 0.0 && step <= 2.0 * 2f64.sqrt(), "{a:?} {b:?}");
    }
    assert!(p.iter().all(|&(x, y)| off_circle(x, y) < 0.15));
}

/// Standard base64 decoded (RFC 4648).
fn unbase64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &v)| n | (u32::from(v) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn svg_is_valid_xml_with_pixel_centres_in_place_and_the_picture_under_it() {
    let dir = TempDir::new().unwrap();
    let input = disc_png(&dir);
    let svg = dir.path().join("p.svg");
    edgegrad()
        .args([
            "detect",
            path_str(&input),
            "--points",
            path_str(&svg),
            "--svg-background",
        ])
        .assert()
        .success();
    let text = fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("40"));
    assert_eq!(root.attribute("height"), Some("36"));
    // Pixel (0, 0) covers -0.5..0.5: its centre is the origin.
    assert_eq!(root.attribute("viewBox"), Some("-0.5 -0.5 40 36"));
    let image = root
        .descendants()
        .find(|n| n.has_tag_name("image"))
        .expect("the background picture");
    assert_eq!(image.attribute("x"), Some("-0.5"));
    assert_eq!(image.attribute("width"), Some("40"));
    let href = image.attribute("href").unwrap();
    let png = unbase64(href.strip_prefix("data:image/png;base64,").unwrap());
    let picture = image::load_from_memory(&png).unwrap();
    assert_eq!((picture.width(), picture.height()), SIZE);
    let polygons: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .collect();
    assert_eq!(polygons.len(), 1, "the disc is one closed curve");
    assert_eq!(
        root.descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .count(),
        0
    );
    let points: Vec<(f64, f64)> = polygons[0]
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(|xy| {
            let (x, y) = xy.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    let mean = points.iter().map(|&(x, y)| off_circle(x, y)).sum::<f64>() / points.len() as f64;
    assert!(mean < 0.1, "mean distance {mean}");
}

#[test]
fn min_length_drops_short_curves() {
    let dir = TempDir::new().unwrap();
    // A big square (perimeter about 80 px) and a small one (about 12 px).
    let img = image::GrayImage::from_fn(48, 40, |x, y| {
        let big = (6..26).contains(&x) && (6..26).contains(&y);
        let small = (34..38).contains(&x) && (10..14).contains(&y);
        image::Luma([if big || small { 220 } else { 20 }])
    });
    let input = dir.path().join("squares.png");
    img.save(&input).unwrap();
    let count = |min: &str| {
        let json = dir.path().join(format!("s{min}.json"));
        let mut cmd = edgegrad();
        cmd.args(["detect", path_str(&input), "--points", path_str(&json)]);
        if !min.is_empty() {
            cmd.args(["--min-length", min]);
        }
        cmd.assert().success();
        let v: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
        v["curves"].as_array().unwrap().len()
    };
    assert_eq!(count(""), 2);
    assert_eq!(count("30"), 1);
    assert_eq!(count("200"), 0);
}

#[test]
fn an_image_without_edges_gives_valid_empty_files() {
    let dir = TempDir::new().unwrap();
    let input = flat_png(&dir);
    for name in ["e.csv", "e.json", "e.svg"] {
        let out = dir.path().join(name);
        edgegrad()
            .args(["detect", path_str(&input), "--points", path_str(&out)])
            .assert()
            .success();
        let text = fs::read_to_string(&out).unwrap();
        match name {
            "e.csv" => assert_eq!(text, "curve,x,y,strength,direction\n"),
            "e.json" => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["curves"].as_array().unwrap().len(), 0);
                assert_eq!(
                    (v["width"].as_u64(), v["height"].as_u64()),
                    (Some(9), Some(7))
                );
            }
            _ => {
                let doc = roxmltree::Document::parse(&text).unwrap();
                assert_eq!(
                    doc.root_element().attribute("viewBox"),
                    Some("-0.5 -0.5 9 7")
                );
            }
        }
    }
}

#[test]
fn bad_points_requests_are_refused_in_one_line() {
    let dir = TempDir::new().unwrap();
    let input = flat_png(&dir);
    let i = path_str(&input);
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    refused(&[i, "--points", &out("p.txt")], ".csv, .json or .svg");
    refused(&[i, "--points", &out("p")], ".csv, .json or .svg");
    refused(
        &[i, "--threshold", "0.1", "--points", &out("p.csv")],
        "--thin",
    );
    refused(
        &[i, "--hysteresis", "0.1,0.2", "--points", &out("p.csv")],
        "--thin",
    );
    refused(
        &[i, "--points", &out("p.csv"), "--svg-background"],
        "--svg-background",
    );
    refused(&[i, "--min-length", "3"], "--points");
    refused(
        &[i, "--points", &out("p.csv"), "--min-length", "-1"],
        "--min-length",
    );
    refused(
        &[i, "--points", &out("p.csv"), "--min-length", "nan"],
        "--min-length",
    );
    refused(
        &[i, "--points", &out("p.csv"), "--stream", "always"],
        "--points",
    );
    // A PNG named .csv (images are recognised by content) is never written over.
    let named_csv = dir.path().join("flat.csv");
    fs::copy(&input, &named_csv).unwrap();
    let c = path_str(&named_csv);
    refused(
        &[c, "--points", c],
        "refusing to write over the input image",
    );
    // Nothing was written.
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2);
}

#[test]
fn explicit_thresholds_work_with_thin() {
    let dir = TempDir::new().unwrap();
    let input = disc_png(&dir);
    let csv = dir.path().join("p.csv");
    edgegrad()
        .args([
            "detect",
            path_str(&input),
            "--threshold",
            "0.05",
            "--thin",
            "--points",
            path_str(&csv),
        ])
        .assert()
        .success();
    assert!(fs::read_to_string(&csv).unwrap().lines().count() > 40);
}

#[test]
fn an_empty_image_is_a_one_line_error_or_an_empty_file() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("empty.pgm");
    fs::write(&input, b"P5\n0 0\n255\n").unwrap();
    let csv = dir.path().join("p.csv");
    let out = edgegrad()
        .args(["detect", path_str(&input), "--points", path_str(&csv)])
        .output()
        .unwrap();
    match out.status.code() {
        Some(0) => assert_eq!(
            fs::read_to_string(&csv).unwrap(),
            "curve,x,y,strength,direction\n"
        ),
        Some(1) => {
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(err.trim_end().lines().count(), 1, "{err}");
            assert!(err.contains("empty"), "{err}");
            assert!(!csv.exists());
        }
        other => panic!("exit {other:?}: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

#[test]
fn log_zero_crossings_give_points_on_the_disc() {
    let dir = TempDir::new().unwrap();
    let input = disc_png(&dir);
    let json = dir.path().join("p.json");
    edgegrad()
        .args(["detect", path_str(&input), "--operator", "log"])
        .args(["--points", path_str(&json)])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["options"]["operator"], "log");
    assert_eq!(v["options"]["sigma"], "2");
    assert_eq!(v["options"]["subpixel"], "zero crossing, linear");
    let curves = v["curves"].as_array().unwrap();
    let longest = curves
        .iter()
        .max_by_key(|c| c["x"].as_array().unwrap().len())
        .unwrap();
    assert_eq!(longest["closed"], true);
    let xs = longest["x"].as_array().unwrap();
    let ys = longest["y"].as_array().unwrap();
    let perimeter = 2.0 * std::f64::consts::PI * DISC.2;
    assert!(xs.len() as f64 > 0.8 * perimeter, "{} points", xs.len());
    let off: Vec<f64> = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| off_circle(x.as_f64().unwrap(), y.as_f64().unwrap()))
        .collect();
    // The zero crossing of a disc's LoG lies off its circle by about sigma² / 2R (0.18 px).
    let mean = off.iter().sum::<f64>() / off.len() as f64;
    assert!(mean < 0.3, "mean distance {mean}");
    assert!(off.iter().all(|&d| d < 0.5), "{off:?}");
}

#[test]
fn log_with_thinning_options_is_refused_naming_both() {
    let dir = TempDir::new().unwrap();
    let input = flat_png(&dir);
    let i = path_str(&input);
    for (flag, both) in [("--thin", "'--thin'"), ("--canny", "'--canny'")] {
        refused(&[i, "--operator", "log", flag], both);
        refused(&[i, "--operator", "log", flag], "'--operator log'");
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_contours_picture_draws_the_curves_over_the_photo() {
    let dir = TempDir::new().unwrap();
    let input = disc_png(&dir);
    let out = dir.path().join("c.png");
    edgegrad()
        .args(["detect", path_str(&input), "--output", "contours", "-o"])
        .arg(&out)
        .assert()
        .success();
    let picture = image::open(&out).unwrap().to_rgb8();
    assert_eq!(picture.dimensions(), SIZE);
    // The one curve in the first colour (Tableau 10's blue), on the circle.
    let on: Vec<(u32, u32)> = picture
        .enumerate_pixels()
        .filter(|(_, _, p)| p.0 == [78, 121, 167])
        .map(|(x, y, _)| (x, y))
        .collect();
    assert!(on.len() as f64 > 0.8 * 2.0 * std::f64::consts::PI * DISC.2);
    assert!(on
        .iter()
        .all(|&(x, y)| off_circle(x as f64, y as f64) < 1.0));
    // Unthinned edges have no curves to draw.
    let d = dir.path().join("d.png");
    let d = path_str(&d);
    refused(
        &[
            path_str(&input),
            "--output",
            "contours",
            "--threshold",
            "0.1",
            "-o",
            d,
        ],
        "--output contours needs thinned",
    );
}
