//! `edgegrad preview` without a usable display, and with bad arguments: one-line errors, the
//! documented exit codes, no panic. (The window itself is tested in preview_smoke.rs.)
#![cfg(feature = "preview")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn image(dir: &Path) -> PathBuf {
    let path = dir.join("small.png");
    image::GrayImage::from_fn(16, 8, |x, _| image::Luma([(x * 16) as u8]))
        .save(&path)
        .unwrap();
    path
}

fn preview() -> Command {
    let mut c = Command::cargo_bin("edgegrad").unwrap();
    c.arg("preview").env_remove("WAYLAND_DISPLAY");
    c
}

/// Exactly one line on stderr, containing every one of `parts`.
fn one_line_with(parts: &'static [&'static str]) -> impl Predicate<str> {
    predicate::function(move |s: &str| {
        s.lines().count() == 1 && parts.iter().all(|p| s.contains(p)) && !s.contains("panick")
    })
}

#[test]
fn without_a_display_it_says_so_and_suggests_detect() {
    let dir = tempfile::tempdir().unwrap();
    preview()
        .arg(image(dir.path()))
        .env_remove("DISPLAY")
        .assert()
        .code(1)
        .stdout("")
        .stderr(one_line_with(&[
            "no display",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "edgegrad detect",
        ]));
}

#[test]
fn an_empty_display_variable_is_no_display() {
    let dir = tempfile::tempdir().unwrap();
    preview()
        .arg(image(dir.path()))
        .env("DISPLAY", "")
        .env("WAYLAND_DISPLAY", "")
        .assert()
        .code(1)
        .stderr(one_line_with(&["no display", "edgegrad detect"]));
}

#[test]
fn a_display_that_cannot_be_reached_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    preview()
        .arg(image(dir.path()))
        .env("DISPLAY", ":4711")
        .env("XDG_RUNTIME_DIR", dir.path())
        .assert()
        .code(1)
        .stderr(one_line_with(&[
            "cannot open the preview window",
            "edgegrad detect",
        ]));
}

#[test]
fn an_unreadable_image_is_named_before_any_window_opens() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\ntruncated").unwrap();
    preview()
        .arg(&bad)
        .env("DISPLAY", ":4711")
        .assert()
        .code(1)
        .stderr(one_line_with(&["bad.png"]))
        .stderr(predicate::str::contains("window").not());
}

#[test]
fn a_missing_path_or_an_empty_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    preview()
        .arg(dir.path().join("nothing.png"))
        .env("DISPLAY", ":4711")
        .assert()
        .code(1)
        .stderr(one_line_with(&["nothing.png"]));
    preview()
        .arg(dir.path())
        .env("DISPLAY", ":4711")
        .assert()
        .code(1)
        .stderr(one_line_with(&["no image files"]));
}

/// `preview IMAGE ARGS...` with a display that cannot be reached, expecting a usage error.
fn usage_error(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    preview()
        .arg(image(dir))
        .args(args)
        .env("DISPLAY", ":4711")
        .assert()
        .code(2)
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--sigma", "-1"][..],
        &["--threshold", "many"],
        &["--edge-order", "3"],
        &["--hysteresis", "0.5,0.1"],
    ] {
        usage_error(dir.path(), args).stderr(predicate::function(|s: &str| s.lines().count() == 1));
    }
}

#[test]
fn help_lists_the_keys_and_the_detect_options() {
    preview()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("--watch"))
        .stdout(predicate::str::contains("--threshold"))
        .stdout(predicate::str::contains("Up/Down"));
}

#[test]
fn contradicting_options_are_usage_errors_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &'static [&'static str]); 3] = [
        (
            &["--canny", "--threshold", "otsu"],
            &["--canny", "--threshold"],
        ),
        (
            &["--threshold", "0.1", "--hysteresis", "0.02,0.08"],
            &["--threshold", "--hysteresis"],
        ),
        // The preview shows and saves 8-bit pictures: it has no --depth.
        (&["--depth", "16"], &["--depth"]),
    ];
    for (args, both) in cases {
        usage_error(dir.path(), args).stderr(one_line_with(both));
    }
}
