//! Inputs the fuzzer (`fuzz/`, `scripts/fuzz.sh`) found breaking a promise, kept as tests: each
//! file under `tests/fixtures/fuzz/` is the input it found, cut to the file the target wrote.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use edgegrad::image::curves::CurvesFormat;
use edgegrad::image::stream::{open_stream, RowStream};
use edgegrad::image::{load, LoadOptions};
use edgegrad::io::npy::read_npy;
use edgegrad::video::ffmpeg::Container;
use edgegrad::video::FrameRate;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name)
}

/// The message, checked to be one non-empty line.
fn one_line(message: String) -> String {
    assert!(!message.trim().is_empty(), "an empty message");
    assert!(!message.contains('\n'), "several lines: {message:?}");
    message
}

/// A `.npy` header that the header parser rejects with a message of several lines (a caret
/// under the place, as pest draws it).
#[test]
fn a_bad_npy_header_is_reported_on_one_line() {
    let e = read_npy(&fixture("header-with-trailing-garbage.npy")).expect_err("a bad header");
    let message = one_line(e.to_string());
    assert!(message.starts_with("not a valid .npy file"), "{message}");
}

/// A JPEG cut short, whose decoder's message ended in a line break.
#[test]
fn a_truncated_jpeg_is_reported_on_one_line() {
    let e = load(&fixture("truncated.jpg"), &LoadOptions::default()).expect_err("truncated");
    let message = one_line(e.to_string());
    assert!(message.contains("JPEG"), "{message}");
    assert_eq!(message, message.trim());
}

/// A points file named with a line break in it: the name is quoted on one line.
#[test]
fn a_points_name_with_a_line_break_is_reported_on_one_line() {
    let e = CurvesFormat::from_path(Path::new("curves\nof the\n  photo.mkv")).expect_err("mkv");
    let message = one_line(e.to_string());
    assert!(
        message.starts_with("curves of the photo.mkv: unknown points format"),
        "{message}"
    );
}

/// A video named with line breaks in it (and an extension no container has).
#[test]
fn a_video_name_with_line_breaks_is_reported_on_one_line() {
    let e = Container::from_path(Path::new("clip\n  Duration: 00:01:03.50\nr.sv")).expect_err("sv");
    let message = one_line(e.to_string());
    assert!(
        message.starts_with("clip Duration: 00:01:03.50 r.sv: cannot tell the video format"),
        "{message}"
    );
}

/// A `.npy` header whose length field claims 3 GB: refused before anything that size is
/// allocated (the fuzzer ran out of memory on it).
/// Found by the `parsers` target: `310004040/01` is 310004040 frames per second, printed as
/// `310004040`, which did not parse back (read as a decimal, in thousandths that overflow).
#[test]
fn a_large_whole_frame_rate_reads_back_as_it_prints() {
    let rate: FrameRate = "310004040/01".parse().unwrap();
    assert_eq!(rate.to_string(), "310004040");
    assert_eq!(rate.to_string().parse::<FrameRate>(), Ok(rate));
    assert_eq!(
        "4294967295".parse::<FrameRate>().unwrap().fps(),
        4294967295.0
    );
    assert!("4294967296".parse::<FrameRate>().is_err());
}

#[test]
fn a_npy_header_claiming_gigabytes_is_refused_without_allocating_them() {
    let e = read_npy(&fixture("header-claiming-3-gb.npy")).expect_err("a bad header");
    let message = one_line(e.to_string());
    assert!(message.contains("at most 10000"), "{message}");
}

/// Found by the `stream_rows` target: an indexed PNG whose palette chunk is 686 bytes (not a
/// whole number of three-byte entries) made the `png` crate panic on the first row, in `load`
/// and in the row stream alike (the found input with its chunks' CRCs repaired).
#[test]
fn a_palette_of_broken_entries_is_refused_loaded_and_streamed() {
    let path = fixture("palette-not-whole-entries.png");
    let e = load(&path, &LoadOptions::default()).expect_err("a corrupt PNG");
    let message = one_line(e.to_string());
    assert!(
        message.contains("palette (PLTE) has 686 bytes"),
        "{message}"
    );
    let Err(e) = open_stream(&path, &LoadOptions::default()) else {
        panic!("the stream refuses it too");
    };
    assert_eq!(one_line(e.to_string()), message);
}

/// A PNG whose pixels are whole but whose chunks after them are cut: `load` refused it and the
/// row stream used to read it, so `detect` answered differently by image size.
#[test]
fn a_png_cut_after_its_pixels_is_refused_streamed_as_loaded() {
    let path = fixture("cut-after-the-pixels.png");
    assert!(
        load(&path, &LoadOptions::default()).is_err(),
        "load refuses it"
    );
    let Ok(Ok(RowStream::U8(mut rows))) = open_stream(&path, &LoadOptions::default()) else {
        panic!("an 8-bit gray PNG streams");
    };
    let (height, width) = rows.size();
    let mut out = vec![0u8; height * width];
    let e = rows.read_rows(&mut out).expect_err("the cut is found");
    one_line(e.to_string());
}

/// A PNG with a damaged chunk after its pixels: `load` does not read that far, and the row
/// stream (which once read to the end) must not either.
#[test]
fn a_png_damaged_after_its_pixels_streams_as_it_loads() {
    let path = fixture("damaged-after-the-pixels.png");
    let loaded = load(&path, &LoadOptions::default()).expect("load reads it");
    let Ok(Ok(RowStream::U8(mut rows))) = open_stream(&path, &LoadOptions::default()) else {
        panic!("an 8-bit gray PNG streams");
    };
    let (height, width) = rows.size();
    let mut out = vec![0u8; height * width];
    rows.read_rows(&mut out).expect("the rows stream");
    assert_eq!(loaded.luma.dim(), (height, width));
}

/// The command line on the same files: one line naming the file, exit 1, nothing written.
#[test]
fn detect_reports_each_found_file_on_one_line() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let cases = [
        ("truncated.jpg", "auto"),
        ("cut-after-the-pixels.png", "auto"),
        ("palette-not-whole-entries.png", "never"),
        ("palette-not-whole-entries.png", "always"),
    ];
    for (name, stream) in cases {
        let target = out.path().join("e.png");
        let assert = Command::cargo_bin("edgegrad")
            .expect("the binary")
            .args(["detect", "--stream", stream])
            .arg(fixture(name))
            .arg("-o")
            .arg(&target)
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(name), "{stderr}");
        assert!(!target.exists(), "{name}: nothing written");
    }
}
