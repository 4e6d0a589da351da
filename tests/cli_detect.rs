//! Black-box tests of `edgegrad detect`: the numpy contract, defaults, every option and output,
//! and every kind of bad input (exit code, one-line message, nothing left behind).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use edgegrad::io::npy::{read_npy, AnyArray};
use ndarray::{ArrayD, Zip};
use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/detect")
        .join(name)
}

fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name)
}

fn edgegrad() -> Command {
    Command::cargo_bin("edgegrad").unwrap()
}

fn read_f32(path: &Path) -> ArrayD<f32> {
    match read_npy(path).unwrap() {
        AnyArray::F32(a) => a,
        other => panic!(
            "{}: float32 expected, got {:?}",
            path.display(),
            other.dtype()
        ),
    }
}

/// The largest absolute difference, with its index, failing on any NaN mismatch.
fn max_diff(got: &ArrayD<f32>, want: &ArrayD<f32>) -> (f32, String) {
    assert_eq!(got.shape(), want.shape());
    let mut worst = (0.0f32, String::new());
    for ((i, &g), &w) in got.indexed_iter().zip(want.iter()) {
        let d = (g - w).abs();
        assert_eq!(g.is_nan(), w.is_nan(), "NaN mismatch at {i:?}");
        if d > worst.0 {
            worst = (d, format!("{i:?}"));
        }
    }
    worst
}

fn gray8(path: &Path) -> image::GrayImage {
    match image::open(path).unwrap() {
        image::DynamicImage::ImageLuma8(i) => i,
        other => panic!(
            "{}: 8-bit gray expected, got {:?}",
            path.display(),
            other.color()
        ),
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A colour JPEG's luma is its Y plane: the central derivatives are np.gradient of Y / 255, bit
/// for bit (the fixture's Y is libjpeg's, which equals ours on this block-constant quality-100
/// file).
#[test]
fn a_colour_jpeg_is_np_gradient_of_its_y_plane_bit_for_bit() {
    let dir = TempDir::new().unwrap();
    let p = |f: &str| dir.path().join(f);
    edgegrad()
        .arg("detect")
        .arg(fixture("ycbcr8.jpg"))
        .arg("-o")
        .arg(p("E.png"))
        .args(["--threshold", "0.05"])
        .arg("--save-dx")
        .arg(p("DX.npy"))
        .arg("--save-dy")
        .arg(p("DY.npy"))
        .assert()
        .success();
    for (ours, numpy) in [("DX", "dx"), ("DY", "dy")] {
        let got = read_f32(&p(&format!("{ours}.npy")));
        let want = read_f32(&fixture(&format!("ycbcr8.{numpy}.npy")));
        assert_eq!(got.shape(), want.shape());
        let first = got
            .iter()
            .zip(&want)
            .position(|(a, b)| a.to_bits() != b.to_bits());
        assert_eq!(first, None, "{ours}: the first differing value");
    }
}

#[test]
fn central_derivatives_equal_numpy_and_edges_are_above_the_threshold() {
    for name in ["gray8", "rgb8", "rgba8", "gray16"] {
        for t in ["0.02", "0.1"] {
            let dir = TempDir::new().unwrap();
            let p = |f: &str| dir.path().join(f);
            edgegrad()
                .arg("detect")
                .arg(fixture(&format!("{name}.png")))
                .arg("-o")
                .arg(p("E.png"))
                .args(["--operator", "central", "--threshold", t])
                .arg("--save-dx")
                .arg(p("DX.npy"))
                .arg("--save-dy")
                .arg(p("DY.npy"))
                .arg("--save-magnitude")
                .arg(p("M.npy"))
                .assert()
                .success();
            for (ours, numpy) in [("DX", "dx"), ("DY", "dy"), ("M", "magnitude")] {
                let got = read_f32(&p(&format!("{ours}.npy")));
                let want = read_f32(&fixture(&format!("{name}.{numpy}.npy")));
                let (d, at) = max_diff(&got, &want);
                assert!(d <= 2e-6, "{name} {ours}: differs by {d} at {at}");
            }
            let (dx, dy, m) = (
                read_f32(&p("DX.npy")),
                read_f32(&p("DY.npy")),
                read_f32(&p("M.npy")),
            );
            Zip::from(&m).and(&dx).and(&dy).for_each(|&m, &dx, &dy| {
                assert!((m - dx.hypot(dy)).abs() <= 2e-6 * m.max(1.0));
            });
            let edges = gray8(&p("E.png"));
            let m = m.into_dimensionality::<ndarray::Ix2>().unwrap();
            assert_eq!((edges.height() as usize, edges.width() as usize), m.dim());
            let t: f32 = t.parse().unwrap();
            let mut count = 0;
            for ((y, x), &v) in m.indexed_iter() {
                let want = if v > t { 255 } else { 0 };
                assert_eq!(
                    edges.get_pixel(x as u32, y as u32).0[0],
                    want,
                    "{name} T={t} at ({y},{x}), M={v}"
                );
                count += usize::from(want == 255);
            }
            assert!(count > 0 && count < m.len(), "{name} T={t}: {count} edges");
        }
    }
}

#[test]
fn no_options_write_name_edges_png_beside_the_input() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("photo.png");
    fs::copy(asset("chelsea.png"), &input).unwrap();
    edgegrad()
        .arg("detect")
        .arg(&input)
        .assert()
        .success()
        .stdout("");
    assert_eq!(names_in(dir.path()), ["photo.edges.png", "photo.png"]);
    let edges = gray8(&dir.path().join("photo.edges.png"));
    assert_eq!(edges.dimensions(), (451, 300));
    assert!(edges.pixels().all(|p| p.0[0] == 0 || p.0[0] == 255));
    let on = edges.pixels().filter(|p| p.0[0] == 255).count();
    assert!(on > 1000 && on < 451 * 300 / 3, "{on} edge pixels");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("photo.edges.png"))
            .unwrap()
            .permissions()
            .mode();
        assert_ne!(mode & 0o777, 0o600, "outputs get the usual permissions");
    }
}

#[test]
fn each_output_kind_has_its_default_name_and_colour_type() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("cam.png");
    fs::copy(asset("coins.png"), &input).unwrap();
    for (kind, colour) in [
        ("edges", image::ColorType::L8),
        ("magnitude", image::ColorType::L8),
        ("direction", image::ColorType::Rgb8),
        ("dx", image::ColorType::Rgb8),
        ("dy", image::ColorType::Rgb8),
        ("overlay", image::ColorType::Rgb8),
    ] {
        edgegrad()
            .arg("detect")
            .arg(&input)
            .args(["--output", kind])
            .assert()
            .success();
        let img = image::open(dir.path().join(format!("cam.{kind}.png"))).unwrap();
        assert_eq!(img.color(), colour, "{kind}");
        assert_eq!((img.width(), img.height()), (384, 303), "{kind}");
    }
    let out = dir.path().join("m16.png");
    edgegrad()
        .arg("detect")
        .arg(&input)
        .args(["--output", "magnitude", "--depth", "16", "-o"])
        .arg(&out)
        .assert()
        .success();
    let img = image::open(&out).unwrap().into_luma16();
    assert_eq!(img.pixels().map(|p| p.0[0]).max(), Some(65535));
}

#[test]
fn magnitude_picture_is_the_saved_magnitude_normalised() {
    let dir = TempDir::new().unwrap();
    let p = |f: &str| dir.path().join(f);
    edgegrad()
        .arg("detect")
        .arg(fixture("gray8.png"))
        .args(["--output", "magnitude", "-o"])
        .arg(p("m.png"))
        .arg("--save-magnitude")
        .arg(p("m.npy"))
        .assert()
        .success();
    let m = read_f32(&p("m.npy"));
    let max = m.iter().copied().fold(0.0f32, f32::max);
    let pic = gray8(&p("m.png"));
    for (v, px) in m.iter().zip(pic.pixels()) {
        assert!((f32::from(px.0[0]) - v / max * 255.0).abs() <= 0.5 + 1e-3);
    }
}

#[test]
fn save_options_write_npy_tiff_and_png() {
    let dir = TempDir::new().unwrap();
    let p = |f: &str| dir.path().join(f);
    edgegrad()
        .arg("detect")
        .arg(fixture("rgb8.png"))
        .arg("-o")
        .arg(p("e.png"))
        .args(["--threshold", "otsu"])
        .arg("--save-direction")
        .arg(p("dir.npy"))
        .arg("--save-magnitude")
        .arg(p("m.tif"))
        .arg("--save-dx")
        .arg(p("dx.png"))
        .arg("--save-dy")
        .arg(p("dy.TIFF"))
        // The automatic threshold smooths (sigma 1) unless told not to; the fixtures are
        // np.gradient of the unsmoothed grid.
        .args(["--sigma", "0"])
        .assert()
        .success();
    let dx = read_f32(&fixture("rgb8.dx.npy"));
    let dy = read_f32(&fixture("rgb8.dy.npy"));
    let dir_a = read_f32(&p("dir.npy"));
    Zip::from(&dir_a).and(&dx).and(&dy).for_each(|&a, &x, &y| {
        assert!((a - y.atan2(x)).abs() < 1e-5 || (a.abs() - std::f32::consts::PI).abs() < 1e-5);
    });
    let tiff_values = |path: &Path| {
        let mut d = tiff::decoder::Decoder::new(fs::File::open(path).unwrap()).unwrap();
        assert_eq!(d.dimensions().unwrap(), (64, 48));
        match d.read_image().unwrap() {
            tiff::decoder::DecodingResult::F32(v) => v,
            _ => panic!("{}: 32-bit float expected", path.display()),
        }
    };
    let m = read_f32(&fixture("rgb8.magnitude.npy"));
    for (a, b) in tiff_values(&p("m.tif")).iter().zip(m.iter()) {
        assert!((a - b).abs() <= 2e-6);
    }
    for (a, b) in tiff_values(&p("dy.TIFF")).iter().zip(dy.iter()) {
        assert!((a - b).abs() <= 2e-6);
    }
    assert_eq!(
        image::open(p("dx.png")).unwrap().color(),
        image::ColorType::Rgb8
    );
}

#[test]
fn timings_are_the_last_stderr_line() {
    let dir = TempDir::new().unwrap();
    let out = edgegrad()
        .arg("detect")
        .arg(asset("camera.png"))
        .arg("-o")
        .arg(dir.path().join("e.png"))
        .arg("--timings")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let last = stderr.lines().last().unwrap();
    let json: serde_json::Value = serde_json::from_str(last).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys.first(), Some(&"decode_ms"), "{last}");
    assert_eq!(keys.last(), Some(&"total_ms"), "{last}");
    assert!(keys.contains(&"encode_ms") && keys.len() >= 4, "{last}");
    assert!(keys.iter().all(|k| k.ends_with("_ms")), "{last}");
    let total = json["total_ms"].as_f64().unwrap();
    let parts: f64 = keys[..keys.len() - 1]
        .iter()
        .map(|k| json[k].as_f64().unwrap())
        .sum();
    assert!(parts <= total + 0.01, "{last}");
}

#[test]
fn detection_options_change_the_edges_as_they_should() {
    let dir = TempDir::new().unwrap();
    let run = |args: &[&str]| {
        let out = dir.path().join("e.png");
        edgegrad()
            .arg("detect")
            .arg(asset("camera.png"))
            .arg("-o")
            .arg(&out)
            .args(args)
            .assert()
            .success();
        gray8(&out).pixels().filter(|p| p.0[0] == 255).count()
    };
    let n = 512 * 512;
    // The default (automatic level, smoothed and thinned) finds thin edges.
    let auto = run(&[]);
    assert!(auto > n / 100 && auto < n / 5, "auto: {auto}");
    let otsu = run(&["--threshold", "otsu"]);
    assert!(otsu > 0 && otsu != auto, "otsu {otsu} vs auto {auto}");
    let thin = run(&["--threshold", "otsu", "--thin"]);
    assert!(thin > 0 && thin < otsu, "thin {thin} vs {otsu}");
    // auto smooths with sigma 1 unless told otherwise.
    assert_ne!(run(&["--sigma", "0"]), auto);
    assert_eq!(run(&["--sigma", "1"]), auto);
    let five = run(&["--threshold", "5%"]);
    assert!(five > n / 100 && five <= n / 20, "5%: {five}");
    let low = run(&["--threshold", "0.01"]);
    let high = run(&["--threshold", "0.2"]);
    assert!(high < low, "{high} vs {low}");
    assert_eq!(run(&["--threshold", "1000"]), 0);
    // Canny's thin edges, with hysteresis: no more than the automatic single level's.
    let canny = run(&["--canny"]);
    assert!(
        canny > n / 100 && canny < n / 5 && canny != auto,
        "canny {canny}"
    );
    let hyst = run(&["--hysteresis", "0.02,0.08"]);
    let above_high = run(&["--threshold", "0.08"]);
    let above_low = run(&["--threshold", "0.02"]);
    assert!(
        above_high <= hyst && hyst <= above_low,
        "{above_high} {hyst} {above_low}"
    );
    for op in ["sobel", "scharr", "prewitt"] {
        let k = run(&["--operator", op, "--threshold", "0.05"]);
        assert!(k > 0 && k < n / 2, "{op}: {k}");
    }
    let smooth = run(&["--sigma", "2", "--threshold", "0.05"]);
    let sharp = run(&["--threshold", "0.05"]);
    assert_ne!(smooth, sharp);
    assert!(run(&["--edge-order", "2", "--threshold", "0.05"]) > 0);
}

#[test]
fn other_picture_formats_follow_the_extension() {
    let dir = TempDir::new().unwrap();
    for (name, format) in [
        ("e.tif", image::ImageFormat::Tiff),
        ("e.bmp", image::ImageFormat::Bmp),
        ("e.jpg", image::ImageFormat::Jpeg),
        ("e.pgm", image::ImageFormat::Pnm),
    ] {
        let out = dir.path().join(name);
        edgegrad()
            .arg("detect")
            .arg(asset("coins.png"))
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let bytes = fs::read(&out).unwrap();
        assert_eq!(image::guess_format(&bytes).unwrap(), format, "{name}");
    }
}

#[test]
fn netpbm_extensions_write_their_own_kind_of_file() {
    let dir = TempDir::new().unwrap();
    for (name, output, magic) in [
        ("e.pgm", "edges", "P5"),
        ("e.pnm", "edges", "P5"),
        ("o.ppm", "overlay", "P6"),
        ("o.pnm", "overlay", "P6"),
        ("e.pam", "edges", "P7"),
    ] {
        let out = dir.path().join(name);
        edgegrad()
            .arg("detect")
            .arg(asset("coins.png"))
            .args(["--output", output, "-o"])
            .arg(&out)
            .assert()
            .success();
        let bytes = fs::read(&out).unwrap();
        assert_eq!(&bytes[..2], magic.as_bytes(), "{name}");
        let back = image::load_from_memory(&bytes).unwrap();
        assert_eq!((back.width(), back.height()), (384, 303), "{name}");
    }
    // An 8-bit gray PGM holds the edge map itself: header, then one byte a pixel.
    let pgm = fs::read(dir.path().join("e.pgm")).unwrap();
    assert!(pgm.starts_with(b"P5\n384 303 255\n"));
    let png = dir.path().join("e.png");
    edgegrad()
        .arg("detect")
        .arg(asset("coins.png"))
        .arg("-o")
        .arg(&png)
        .assert()
        .success();
    assert_eq!(
        &pgm[pgm.len() - 384 * 303..],
        gray8(&png).as_raw().as_slice()
    );
    // PBM's 1-bit pixels hold no gray picture.
    edgegrad()
        .arg("detect")
        .arg(asset("coins.png"))
        .arg("-o")
        .arg(dir.path().join("e.pbm"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("e.pbm"));
    assert!(!dir.path().join("e.pbm").exists());
}

#[test]
fn a_jpeg_named_png_is_decoded_by_content() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("photo.png");
    image::open(asset("chelsea.png"))
        .unwrap()
        .save_with_format(&input, image::ImageFormat::Jpeg)
        .unwrap();
    edgegrad().arg("detect").arg(&input).assert().success();
    assert_eq!(
        gray8(&dir.path().join("photo.edges.png")).dimensions(),
        (451, 300)
    );
}

/// A PNG whose header claims `w` x `h` pixels of `depth` bits and PNG colour type `colour`
/// (0 gray, 6 RGBA), with a tiny valid IDAT and IEND.
fn png_claiming(w: u32, h: u32, depth: u8, colour: u8) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour, 0, 0, 0]); // deflate, no filter, no interlace
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn crafted_png_header_is_valid_when_small() {
    // The crafted file is a well-formed PNG up to its pixel data, so the 200000x200000 case
    // below is refused by the pixel limit, not by a parse error.
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("one.png");
    fs::write(&p, png_claiming(1, 1, 8, 0)).unwrap();
    let r = image::ImageReader::open(&p)
        .unwrap()
        .into_dimensions()
        .unwrap();
    assert_eq!(r, (1, 1));
}

/// Runs detect expecting failure with `code`; checks the one-line message contains every
/// `needle`, and that the folder holds only what it held before.
fn fails(dir: &Path, args: &[&std::ffi::OsStr], code: i32, needles: &[&str]) {
    let before = names_in(dir);
    let out = edgegrad()
        .arg("detect")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.starts_with("edgegrad: error: "), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {stderr:?} lacks {n:?}");
    }
    assert_eq!(names_in(dir), before, "{args:?} left files behind");
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

#[test]
fn an_output_in_a_missing_folder_fails_before_anything_is_written() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::copy(asset("coins.png"), d.join("ok.png")).unwrap();
    let cases: [&[&str]; 3] = [
        &["ok.png", "-o", "missing/edges.png"],
        &["ok.png", "--save-magnitude", "missing/m.npy"],
        &["ok.png", "--thin", "--points", "missing/p.csv"],
    ];
    for args in cases {
        let args: Vec<_> = args.iter().map(|a| os(a)).collect();
        fails(d, &args, 1, &["missing", "no such folder"]);
        let out = edgegrad()
            .arg("detect")
            .args(&args)
            .current_dir(d)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.matches("no such folder").count(), 1, "{stderr}");
    }
}

#[test]
fn broken_inputs_fail_with_one_line_naming_the_file() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let good = fs::read(asset("coins.png")).unwrap();
    fs::write(d.join("empty.png"), b"").unwrap();
    fs::write(d.join("text.png"), b"just some text\n").unwrap();
    fs::write(d.join("truncated.png"), &good[..good.len() / 3]).unwrap();
    let mut corrupt = good.clone();
    for b in &mut corrupt[1000..1100] {
        *b = !*b;
    }
    fs::write(d.join("corrupt.png"), &corrupt).unwrap();
    fs::write(d.join("huge.png"), png_claiming(200_000, 200_000, 8, 0)).unwrap();
    fs::create_dir(d.join("folder.png")).unwrap();
    fs::write(d.join("ok.png"), &good).unwrap();

    fails(d, &[os("missing.png")], 1, &["missing.png", "no such file"]);
    fails(d, &[os("empty.png")], 1, &["empty.png", "empty"]);
    fails(d, &[os("text.png")], 1, &["text.png", "not an image"]);
    fails(
        d,
        &[os("truncated.png")],
        1,
        &["truncated.png", "corrupt or truncated PNG"],
    );
    fails(d, &[os("corrupt.png")], 1, &["corrupt.png", "PNG"]);
    fails(d, &[os("folder.png")], 1, &["folder.png", "directory"]);
    // Loaded whole, the header's size is refused; streamed (an image this size streams by
    // default), the missing rows are.
    fails(
        d,
        &[os("huge.png"), os("--stream"), os("never")],
        1,
        &["huge.png", "200000x200000", "--max-pixels"],
    );
    fails(
        d,
        &[os("huge.png")],
        1,
        &["huge.png", "corrupt or truncated PNG"],
    );
    for name in ["truncated.png", "corrupt.png"] {
        fails(
            d,
            &[
                os(name),
                os("--stream"),
                os("always"),
                os("--threshold"),
                os("otsu"),
            ],
            1,
            &[name, "PNG"],
        );
    }
    fails(
        d,
        &[os("ok.png"), os("--max-pixels"), os("1000")],
        1,
        &["ok.png", "384x303"],
    );
    // With the limit raised, a 34 GB claim fails cleanly (not enough memory, or no pixel data),
    // never with an abort.
    let rgba16 = png_claiming(65535, 65535, 16, 6);
    fs::write(d.join("rgba16.png"), &rgba16).unwrap();
    fails(
        d,
        &[
            os("rgba16.png"),
            os("--max-pixels"),
            os("5000000000"),
            os("--stream"),
            os("never"),
        ],
        1,
        &["rgba16.png", "65535x65535"],
    );
    // Streamed, it needs a few chunks of rows, and fails on the missing data.
    fails(
        d,
        &[os("rgba16.png")],
        1,
        &["rgba16.png", "corrupt or truncated PNG"],
    );
}

#[test]
fn bad_usage_exits_2_before_reading_anything() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::copy(asset("coins.png"), d.join("in.png")).unwrap();
    let input_bytes = fs::read(d.join("in.png")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--sigma", "-1"], "sigma"),
        (&["--sigma", "abc"], "--sigma"),
        (&["--threshold", "abc"], "--threshold"),
        (&["--threshold", "-0.5"], "threshold"),
        (&["--threshold", "150%"], "percentage"),
        (&["--hysteresis", "0.3,0.1"], "hysteresis"),
        (&["--hysteresis", "0.3"], "--hysteresis"),
        (&["--edge-order", "3"], "edge"),
        (&["--operator", "roberts"], "roberts"),
        (&["--output", "gradient"], "gradient"),
        (&["--depth", "12"], "--depth"),
        (&["-o", "in.png"], "input"),
        (&["-o", "./in.png"], "input"),
        (&["-o", "e.xyz"], "e.xyz"),
        (
            &["--output", "magnitude", "--depth", "16", "-o", "m.jpg"],
            "16-bit",
        ),
        (&["--save-dx", "dx.csv"], "dx.csv"),
        (&["--save-dy", "in.png"], "input"),
        (&["--save-dx", "a.npy", "--save-dy", "a.npy"], "a.npy"),
        (&["--bogus"], "--bogus"),
    ];
    for (extra, needle) in cases {
        let mut args = vec![os("in.png")];
        args.extend(extra.iter().map(|s| os(s)));
        fails(d, &args, 2, &[needle]);
        assert_eq!(fs::read(d.join("in.png")).unwrap(), input_bytes);
    }
    // Usage errors win even when the input is also missing.
    fails(
        d,
        &[os("missing.png"), os("--threshold"), os("x")],
        2,
        &["--threshold"],
    );
}

#[test]
fn help_explains_every_option_with_its_default() {
    let out = edgegrad().args(["detect", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for opt in [
        "-o <PATH>",
        "--output",
        "--depth",
        "--operator",
        "--edge-order",
        "--sigma",
        "--threshold",
        "--hysteresis",
        "--thin",
        "--canny",
        "--save-dx",
        "--save-dy",
        "--save-magnitude",
        "--save-direction",
        "--max-pixels",
        "--timings",
        ".edges.png",
    ] {
        assert!(help.contains(opt), "--help lacks {opt}");
    }
    for default in [
        "[default: auto]",
        "[default: central]",
        "[default: edges]",
        "[default: 8]",
        "[default: 1]",
        "[default: 268435456]",
    ] {
        assert!(help.contains(default), "--help lacks {default}");
    }
}

#[test]
fn a_saved_float_tiff_is_an_input_too() {
    let dir = TempDir::new().unwrap();
    let p = |f: &str| dir.path().join(f);
    edgegrad()
        .arg("detect")
        .arg(fixture("gray8.png"))
        .arg("-o")
        .arg(p("e.png"))
        .args(["--threshold", "5%"])
        .arg("--save-magnitude")
        .arg(p("m.tif"))
        .assert()
        .success();
    edgegrad()
        .arg("detect")
        .arg(p("m.tif"))
        .args(["--operator", "central", "--threshold", "0.01", "--save-dx"])
        .arg(p("mdx.npy"))
        .assert()
        .success();
    // The magnitude's own gradient, as numpy would take it of the float32 values.
    let m = read_f32(&fixture("gray8.magnitude.npy"));
    let dx = read_f32(&p("mdx.npy"));
    let (r, c) = (m.shape()[0], m.shape()[1]);
    for y in 0..r {
        for x in 1..c - 1 {
            let want = (m[[y, x + 1]] - m[[y, x - 1]]) / 2.0;
            assert!((dx[[y, x]] - want).abs() <= 2e-6, "({y},{x})");
        }
    }
    assert_eq!(gray8(&p("m.edges.png")).dimensions(), (64, 48));
}

#[test]
fn contradicting_options_are_usage_errors_naming_both() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::copy(asset("coins.png"), d.join("in.png")).unwrap();
    let threshold = "--threshold <VALUE|auto|otsu|P%>";
    let cases: &[(&[&str], [&str; 2])] = &[
        (&["--canny", "--threshold", "otsu"], ["--canny", threshold]),
        (&["--canny", "--threshold", "0.1"], ["--canny", threshold]),
        (&["--threshold", "5%", "--canny"], ["--canny", threshold]),
        (&["--canny", "--threshold", "auto"], ["--canny", threshold]),
        (
            &["--threshold", "0.1", "--hysteresis", "0.02,0.08"],
            [threshold, "--hysteresis <LOW,HIGH>"],
        ),
        (
            &["--hysteresis", "0.02,0.08", "--threshold", "otsu"],
            [threshold, "--hysteresis <LOW,HIGH>"],
        ),
        (&["--depth", "16"], ["--depth 16", "--output edges"]),
        (
            &["--depth", "16", "--output", "overlay"],
            ["--depth 16", "--output overlay"],
        ),
        (
            &["--depth", "16", "--save-magnitude", "m.npy"],
            ["--depth 16", "--output edges"],
        ),
    ];
    for (extra, both) in cases {
        let mut args = vec![os("in.png")];
        args.extend(extra.iter().map(|s| os(s)));
        fails(d, &args, 2, &[both[0], both[1], "(see --help)"]);
    }
    // Options that agree still run: Canny with its levels given, 16 bits for a magnitude
    // picture.
    for extra in [
        &["--canny", "--hysteresis", "0.02,0.08"][..],
        &["--depth", "16", "--output", "magnitude"],
        &["--depth", "16", "--save-magnitude", "m16.png"],
    ] {
        edgegrad()
            .current_dir(d)
            .args(["detect", "in.png", "-o", "ok.png"])
            .args(extra)
            .assert()
            .success();
    }
    let m16 = image::open(d.join("m16.png")).unwrap();
    assert_eq!(m16.color(), image::ColorType::L16);
}

#[test]
fn streamed_edges_are_the_loaded_images_edges_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    for (input, options) in [
        ("coins.png", vec![]),
        ("chelsea.png", vec!["--threshold", "otsu"]),
        (
            "camera.png",
            vec!["--threshold", "4%", "--operator", "scharr"],
        ),
        (
            "coins.png",
            vec!["--threshold", "0.05", "--thin", "--edge-order", "2"],
        ),
        ("coins.png", vec!["--canny"]),
        ("chelsea.png", vec!["--canny", "--hysteresis", "0.02,0.08"]),
        ("camera.png", vec!["--hysteresis", "0.03,0.1", "--thin"]),
        (
            "coins.png",
            vec!["--hysteresis", "0.05,0.2", "--operator", "sobel"],
        ),
    ] {
        for (mode, out) in [("never", "whole.pgm"), ("always", "streamed.pgm")] {
            edgegrad()
                .arg("detect")
                .arg(asset(input))
                .args(["--stream", mode, "-o"])
                .arg(d.join(out))
                .args(&options)
                .assert()
                .success();
        }
        let whole = fs::read(d.join("whole.pgm")).unwrap();
        assert_eq!(
            whole,
            fs::read(d.join("streamed.pgm")).unwrap(),
            "{input} {options:?}"
        );
        assert!(
            whole.iter().skip(20).any(|&v| v == 255),
            "{input}: some edges"
        );
    }
}

#[test]
fn stream_always_says_why_it_cannot() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::copy(asset("coins.png"), d.join("in.png")).unwrap();
    for (args, words) in [
        (vec!["--save-dx", "dx.npy"], "--save-dx"),
        (vec!["--output", "magnitude"], "--output edges"),
        (vec!["-o", "e.jpg"], ".tif, .tiff or .npy"),
    ] {
        let mut all = vec!["in.png", "--stream", "always"];
        all.extend(&args);
        let os_args: Vec<&std::ffi::OsStr> = all.iter().map(|a| os(a)).collect();
        fails(d, &os_args, 2, &["--stream always", words]);
    }
    image::open(asset("coins.png"))
        .unwrap()
        .save(d.join("in.jpg"))
        .unwrap();
    fails(
        d,
        &[os("in.jpg"), os("--stream"), os("always")],
        1,
        &["in.jpg", "not an image that streams"],
    );
}

/// Writes `img`'s gray (16-bit: `v * 257`) or RGB pixels as a TIFF in strips of `strip` rows,
/// compressed.
fn tiff_of(path: &Path, img: &image::DynamicImage, sixteen: bool, strip: u32) {
    use tiff::encoder::{colortype, Compression, TiffEncoder};
    let file = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let (w, h) = (img.width(), img.height());
    let mut tiff = TiffEncoder::new(file).unwrap();
    if sixteen {
        let px: Vec<u16> = img.to_luma8().iter().map(|&v| u16::from(v) * 257).collect();
        tiff = tiff.with_compression(Compression::Deflate(Default::default()));
        let mut image = tiff.new_image::<colortype::Gray16>(w, h).unwrap();
        image.rows_per_strip(strip).unwrap();
        image.write_data(&px).unwrap();
    } else {
        tiff = tiff.with_compression(Compression::Lzw);
        let mut image = tiff.new_image::<colortype::RGB8>(w, h).unwrap();
        image.rows_per_strip(strip).unwrap();
        image.write_data(img.to_rgb8().as_raw()).unwrap();
    }
}

#[test]
fn tiff_and_pnm_inputs_stream_to_every_format_as_loaded_whole() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let coins = image::open(asset("coins.png")).unwrap();
    let chelsea = image::open(asset("chelsea.png")).unwrap();
    tiff_of(&d.join("coins16.tif"), &coins, true, 1);
    tiff_of(&d.join("chelsea.tif"), &chelsea, false, 7);
    coins.to_luma8().save(d.join("coins.pgm")).unwrap();
    chelsea.to_rgb8().save(d.join("chelsea.ppm")).unwrap();
    for (input, options) in [
        ("coins16.tif", vec![]),
        ("chelsea.tif", vec!["--threshold", "otsu"]),
        ("coins.pgm", vec!["--thin"]),
        ("chelsea.ppm", vec!["--threshold", "5%"]),
    ] {
        for ext in ["png", "pgm", "tif"] {
            for (mode, out) in [("never", "whole"), ("always", "streamed")] {
                edgegrad()
                    .arg("detect")
                    .arg(d.join(input))
                    .args(["--stream", mode, "-o"])
                    .arg(d.join(format!("{out}.{ext}")))
                    .args(&options)
                    .assert()
                    .success();
            }
            let whole = fs::read(d.join(format!("whole.{ext}"))).unwrap();
            assert!(
                whole == fs::read(d.join(format!("streamed.{ext}"))).unwrap(),
                "{input} {options:?} .{ext}"
            );
        }
        // .npy edges are streamed only: the whole PNG's pixels as uint8.
        edgegrad()
            .arg("detect")
            .arg(d.join(input))
            .arg("-o")
            .arg(d.join("e.npy"))
            .args(&options)
            .assert()
            .success();
        let want = gray8(&d.join("whole.png"));
        let AnyArray::U8(got) = read_npy(&d.join("e.npy")).unwrap() else {
            panic!("{input}: uint8 edges")
        };
        assert_eq!(got.shape(), [want.height() as usize, want.width() as usize]);
        assert!(got.iter().eq(want.iter()), "{input} {options:?} .npy");
        assert!(want.contains(&255), "{input}: some edges");
    }
    fails(
        d,
        &[
            os("coins.pgm"),
            os("--stream"),
            os("never"),
            os("-o"),
            os("e.npy"),
        ],
        2,
        &["e.npy", "only when streamed"],
    );
}

#[test]
fn broken_tiff_and_pnm_fail_streamed_naming_the_file_and_leave_nothing() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let coins = image::open(asset("coins.png")).unwrap();
    tiff_of(&d.join("ok.tif"), &coins, true, 16);
    let bytes = fs::read(d.join("ok.tif")).unwrap();
    fs::write(d.join("cut.tif"), &bytes[..bytes.len() / 2]).unwrap();
    // Each strip's zlib header made invalid.
    let mut bad = bytes.clone();
    let strips = tiff::decoder::Decoder::new(std::io::Cursor::new(&bytes))
        .unwrap()
        .get_tag_u32_vec(tiff::tags::Tag::StripOffsets)
        .unwrap();
    for at in strips {
        bad[at as usize] ^= 0xff;
    }
    fs::write(d.join("bad.tif"), &bad).unwrap();
    coins.to_luma8().save(d.join("ok.pgm")).unwrap();
    let bytes = fs::read(d.join("ok.pgm")).unwrap();
    fs::write(d.join("cut.pgm"), &bytes[..bytes.len() / 2]).unwrap();
    for (name, format) in [("cut.tif", "TIFF"), ("bad.tif", "TIFF"), ("cut.pgm", "PNM")] {
        for out in ["e.png", "e.tif", "e.npy"] {
            fails(
                d,
                &[os(name), os("--stream"), os("always"), os("-o"), os(out)],
                1,
                &[name, format],
            );
        }
    }
}

#[test]
fn stream_always_names_the_reason_a_tiff_or_pnm_is_read_whole() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::write(d.join("ascii.pgm"), b"P2\n2 2\n255\n0 255\n255 0\n").unwrap();
    fails(
        d,
        &[os("ascii.pgm"), os("--stream"), os("always")],
        1,
        &["ascii.pgm", "not an image that streams", "ASCII"],
    );
    let coins = image::open(asset("coins.png")).unwrap();
    let gray = coins.to_luma8();
    let mut file = fs::File::create(d.join("turned.tif")).unwrap();
    let mut encoder = tiff::encoder::TiffEncoder::new(&mut file).unwrap();
    let mut image = encoder
        .new_image::<tiff::encoder::colortype::Gray8>(gray.width(), gray.height())
        .unwrap();
    image
        .encoder()
        .write_tag(tiff::tags::Tag::Orientation, 3u16)
        .unwrap();
    image.write_data(gray.as_raw()).unwrap();
    fails(
        d,
        &[os("turned.tif"), os("--stream"), os("always")],
        1,
        &["turned.tif", "orientation"],
    );
    // Kept as stored, it streams.
    edgegrad()
        .current_dir(d)
        .args([
            "detect",
            "turned.tif",
            "--stream",
            "always",
            "--keep-orientation",
        ])
        .assert()
        .success();
}
