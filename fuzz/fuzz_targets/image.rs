//! Image files from strangers through everything `detect` does with them: `load` (any format,
//! recognised by content; the photo too when asked; orientation applied or kept) gives a
//! one-line error or a luma within the pixel limit and a photo of its size; the pipeline with
//! fuzzed options (operator, edge order, sigma, threshold, hysteresis, thin, Canny, outputs)
//! refuses the options in one line or gives exactly the wanted outputs at the input's size; the
//! picture asked for is drawn at the input's size; and with thinned edges, the sub-pixel points
//! lie inside the image and the CSV, JSON and SVG files written of them read back to the same
//! curves.
//!
//! Input: the options ([`Case`], the first 64 bytes), then the file's bytes. Run with `-rss_limit_mb` and
//! `-timeout=1` (`scripts/fuzz.sh`): no file may take more memory or time.
#![no_main]

use arbitrary::Arbitrary;
use edgegrad::detect::geometry::{contours, WANTED};
use edgegrad::detect::Picture;
use edgegrad::image::curves::{csv, json, svg, Curves};
use edgegrad::image::{load, DecodeLimits, LoadOptions};
use edgegrad::Timings;
use edgegrad_fuzz::{check_detection, one_line, scratch_file, split, Options};
use libfuzzer_sys::fuzz_target;

/// The most pixels an image may have here: enough for every decoder's paths, small enough that
/// every file is done well within the time limit.
const MAX_PIXELS: u64 = 1 << 16;

#[derive(Arbitrary, Debug)]
struct Case {
    options: Options,
    keep_orientation: bool,
    photo: bool,
    /// Names the file `.tga` (TGA has no signature; only its name makes it one).
    tga: bool,
    /// The value of an option written to the JSON file (any characters).
    note: [char; 3],
}

fuzz_target!(|data: &[u8]| {
    let Ok((case, file)) = split::<Case>(data) else {
        return;
    };
    let name = if case.tga { "in.tga" } else { "in.img" };
    let path = scratch_file(name, file);
    let load_options = LoadOptions {
        limits: DecodeLimits {
            max_pixels: MAX_PIXELS,
        },
        keep_orientation: case.keep_orientation,
        photo: case.photo,
    };
    let loaded = match load(&path, &load_options) {
        Ok(l) => l,
        Err(e) => {
            one_line(&e);
            return;
        }
    };
    let (rows, cols) = loaded.luma.dim();
    assert!(
        (rows * cols) as u64 <= MAX_PIXELS,
        "{rows}x{cols} is over the limit"
    );
    match &loaded.photo {
        Some(photo) => assert_eq!(photo.dimensions(), (cols as u32, rows as u32)),
        None => assert!(!case.photo, "the photo was asked for"),
    }
    let config = match case.options.config() {
        Ok(c) => c,
        Err(_) => return,
    };
    let pipeline = match config.clone().build() {
        Ok(p) => p,
        Err(e) => {
            one_line(&e);
            return;
        }
    };
    let picture = case.options.picture();
    let mut wanted = case.options.wanted().union(picture.wanted());
    let points = pipeline.thins();
    if points {
        wanted = wanted.union(WANTED);
    }
    let t = &mut Timings::new();
    let detection = pipeline.run(loaded.luma.view(), &wanted, t);
    check_detection(&detection, &wanted, (rows, cols), &config);
    let depth = case.options.depth();
    match picture.draw(&detection, loaded.photo.as_ref(), depth) {
        Ok(img) => assert_eq!((img.width(), img.height()), (cols as u32, rows as u32)),
        Err(e) => {
            // The photo was not loaded, or the contours of unthinned edges (which have none).
            let no_photo = picture.needs_photo() && loaded.photo.is_none();
            assert!(no_photo || (picture == Picture::Contours && !points), "{e}");
            one_line(&e);
        }
    }
    if points {
        let note: String = case.note.iter().collect();
        check_points(
            &detection,
            case.options.min_length.get(),
            (rows, cols),
            &note,
        );
    }
});

/// The curves of a thinned detection: inside the image, and their files read back to them.
fn check_points(
    d: &edgegrad::Detection,
    min_length: f32,
    (rows, cols): (usize, usize),
    note: &str,
) {
    let curves = match contours(d, min_length) {
        Ok(c) => c,
        Err(e) => {
            assert!(
                min_length.is_nan() || min_length < 0.0,
                "refused min length {min_length}: {e}"
            );
            one_line(&e);
            return;
        }
    };
    assert_eq!((curves.width, curves.height), (cols, rows));
    for p in curves.curves.iter().flat_map(|c| &c.points) {
        let inside = |v: f32, n: usize| -0.5 <= v && v <= n as f32 - 0.5;
        assert!(
            inside(p.x, cols) && inside(p.y, rows),
            "point {p:?} outside {cols}x{rows}"
        );
    }
    check_csv(&curves);
    check_json(&curves, note);
    check_svg(&curves);
}

fn check_csv(curves: &Curves) {
    let mut out = Vec::new();
    csv::write(&mut out, curves).expect("writing to memory");
    let text = String::from_utf8(out).expect("CSV is UTF-8");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(csv::HEADER));
    let points = curves
        .curves
        .iter()
        .enumerate()
        .flat_map(|(id, c)| c.points.iter().map(move |p| (id, p)));
    for ((id, p), line) in points.zip(lines.by_ref()) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 5, "{line}");
        assert_eq!(fields[0].parse::<usize>().ok(), Some(id));
        let values: Vec<u32> = fields[1..]
            .iter()
            .map(|f| f.parse::<f32>().expect("a number").to_bits())
            .collect();
        let wrote = [p.x, p.y, p.strength, p.direction].map(f32::to_bits);
        assert_eq!(values, wrote, "{line}");
    }
    assert_eq!(lines.next(), None, "more rows than points");
}

fn check_json(curves: &Curves, note: &str) {
    let mut out = Vec::new();
    let options = [("note", note.to_string())];
    json::write(&mut out, curves, &options).expect("writing to memory");
    let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(v["width"], curves.width);
    assert_eq!(v["height"], curves.height);
    assert_eq!(v["options"]["note"].as_str(), Some(note));
    assert_eq!(v["point_count"], curves.point_count());
    let read = v["curves"].as_array().expect("curves");
    assert_eq!(read.len(), curves.curves.len());
    for (r, c) in read.iter().zip(&curves.curves) {
        assert_eq!(r["closed"], c.closed);
        let xs = r["x"].as_array().expect("x");
        assert_eq!(xs.len(), c.points.len());
        for (x, p) in xs.iter().zip(&c.points) {
            match x.as_f64() {
                Some(x) => assert_eq!(x as f32, p.x),
                None => assert!(!p.x.is_finite()),
            }
        }
    }
}

fn check_svg(curves: &Curves) {
    let mut out = Vec::new();
    svg::write(&mut out, curves, None).expect("writing to memory");
    let text = String::from_utf8(out).expect("SVG is UTF-8");
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let shapes: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("polygon"))
        .collect();
    assert_eq!(shapes.len(), curves.curves.len());
    for (s, c) in shapes.iter().zip(&curves.curves) {
        assert_eq!(s.has_tag_name("polygon"), c.closed);
        let points = s.attribute("points").expect("points");
        let pairs: Vec<&str> = points.split(' ').filter(|p| !p.is_empty()).collect();
        assert_eq!(pairs.len(), c.points.len());
        for (pair, p) in pairs.iter().zip(&c.points) {
            let (x, y) = pair.split_once(',').expect("x,y");
            assert_eq!(x.parse::<f32>().ok(), Some(p.x));
            assert_eq!(y.parse::<f32>().ok(), Some(p.y));
        }
    }
}
