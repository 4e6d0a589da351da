//! The preview window under a virtual X server (Xvfb): it opens on an image, the picture
//! changes with the view and threshold keys, `S` saves, and `Q` closes it; `8` shows the
//! contours coloured by curve.
//!
//! Needs `Xvfb`, `xdotool`, `xwd` and ImageMagick's `convert` (`.ci/run` installs them). The
//! test is skipped, saying so, only when Xvfb cannot be started at all.
#![cfg(feature = "preview")]

mod support;

use std::fs;
use std::path::Path;
use std::thread::sleep;
use std::time::{Duration, Instant};

use image::{GrayImage, Luma, RgbImage};
use support::xvfb::{
    differs, launch, press, start_xvfb, title, tool, wait_for_exit, wait_for_screen, wait_for_title,
};

/// A 320x240 gray scene: a strong square and a faint disc on a mid-gray background.
fn scene(path: &Path) {
    GrayImage::from_fn(320, 240, |x, y| {
        let square = (40..140).contains(&x) && (60..180).contains(&y);
        let (dx, dy) = (x as f32 - 230.0, y as f32 - 120.0);
        let disc = dx * dx + dy * dy < 60.0 * 60.0;
        Luma([if square {
            250
        } else if disc {
            140
        } else {
            120
        }])
    })
    .save(path)
    .unwrap();
}

/// Waits (10 s at most) for the file `path` to appear.
fn wait_for_file(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "nothing saved");
        sleep(Duration::from_millis(50));
    }
}

/// The threshold a title shows: `threshold 0.0264` or `threshold auto = 0.0033`.
fn threshold_in(title: &str) -> f64 {
    let (_, rest) = title
        .split_once("threshold ")
        .expect("a threshold in the title");
    let rest = rest.trim_start_matches("auto = ");
    let number = rest.split_whitespace().next().unwrap_or_default();
    number
        .parse()
        .unwrap_or_else(|e| panic!("{number:?} in {title:?}: {e}"))
}

fn white(s: &RgbImage) -> usize {
    s.pixels().filter(|p| p.0 == [255, 255, 255]).count()
}

#[test]
fn preview_opens_follows_keys_saves_and_quits() {
    let Some((_xvfb, display)) = start_xvfb("preview smoke test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("scene.png");
    scene(&input);
    let (mut preview, window) = launch(
        &display,
        dir.path(),
        &[input.to_str().unwrap(), "--timings"],
    );
    let t = wait_for_title(&display, &window, "threshold auto =");
    assert!(t.contains("scene.png"), "{t}");
    assert!(t.contains("| 2 edges |"), "{t}");
    tool(
        &display,
        "xdotool",
        &["mousemove", "--window", &window, "20", "20"],
    );

    // Edges: white outlines on black.
    let edges = wait_for_screen(&display, dir.path(), "the edges", |s| white(s) > 100);

    // 1: the original photo; 2: the same edges again.
    press(&display, &window, "1");
    let original = wait_for_screen(&display, dir.path(), "the original", |s| {
        differs(s, &edges) > 1000
    });
    wait_for_title(&display, &window, "| 1 original |");
    assert!(original.pixels().any(|p| p.0 == [120, 120, 120]));
    press(&display, &window, "2");
    wait_for_screen(&display, dir.path(), "the edges again", |s| {
        differs(s, &edges) == 0
    });

    // Raising the threshold well above the faint disc's contrast (eight times the automatic
    // level, twelve steps of 2^(1/4)) removes its outline. Under load a press now and then falls
    // between two frames and is not seen, so it presses until the title shows the level.
    let target = 7.9 * threshold_in(&title(&display, &window));
    let mut presses = 0;
    let t = loop {
        let t = title(&display, &window);
        if t.contains("| threshold 0.") && threshold_in(&t) >= target {
            break t;
        }
        assert!(
            presses < 24,
            "{presses} presses of Up did not raise the level: {t}"
        );
        press(&display, &window, "Up");
        presses += 1;
    };
    let higher = wait_for_screen(&display, dir.path(), "fewer edges", |s| {
        differs(s, &edges) > 100
    });
    assert!(
        white(&higher) < white(&edges),
        "{} >= {} white pixels after Up: {t}",
        white(&higher),
        white(&edges)
    );

    // S saves the view beside the image and prints where.
    press(&display, &window, "s");
    let saved = dir.path().join("scene.edges.png");
    wait_for_file(&saved);

    // Q closes the window and ends the process successfully.
    press(&display, &window, "q");
    let status = wait_for_exit(&mut preview);
    let stderr = fs::read_to_string(dir.path().join("stderr.txt")).unwrap();
    assert!(status.success(), "exit {status}: {stderr}");
    let stdout = fs::read_to_string(dir.path().join("stdout.txt")).unwrap();
    assert!(
        stdout.contains(&format!("saved {}", saved.display())),
        "{stdout}"
    );
    assert_eq!(
        image::open(&saved).unwrap().to_luma8().dimensions(),
        (320, 240)
    );
    // --timings printed one JSON line per new picture, with the pipeline runs among them.
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert!(lines.iter().any(|v| v["work"] == "pipeline"), "{stderr}");
    assert!(lines.iter().all(|v| v["total_ms"].as_f64().is_some()));
}

/// The first colours the contours view gives curves in turn (Tableau 10 as colorous has it:
/// 4e79a7, f28e2c, e15759, 76b7b2).
const CURVE_COLOURS: [[u8; 3]; 4] = [
    [78, 121, 167],
    [242, 142, 44],
    [225, 87, 89],
    [118, 183, 178],
];

/// How many pixels of `s` have each of [`CURVE_COLOURS`].
fn curve_pixels(s: &RgbImage) -> [usize; 4] {
    CURVE_COLOURS.map(|c| s.pixels().filter(|p| p.0 == c).count())
}

#[test]
fn preview_shows_the_contours_coloured_by_curve() {
    let Some((_xvfb, display)) = start_xvfb("preview contours test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("scene.png");
    scene(&input);
    let (mut preview, window) = launch(&display, dir.path(), &[input.to_str().unwrap()]);
    wait_for_title(&display, &window, "threshold auto =");
    tool(
        &display,
        "xdotool",
        &["mousemove", "--window", &window, "20", "20"],
    );
    let edges = wait_for_screen(&display, dir.path(), "the edges", |s| white(s) > 100);
    // 8: the curves over the dimmed photo, the square's and the disc's in colours of their own.
    press(&display, &window, "8");
    wait_for_title(&display, &window, "| 8 contours |");
    let contours = wait_for_screen(&display, dir.path(), "the contours", |s| {
        differs(s, &edges) > 1000 && curve_pixels(s).iter().filter(|&&n| n > 50).count() >= 2
    });
    assert_eq!(white(&contours), 0);
    // The dimmed background: 120 * 0.45 rounded up.
    assert!(contours.pixels().any(|p| p.0 == [54, 54, 54]));
    press(&display, &window, "s");
    let saved = dir.path().join("scene.contours.png");
    wait_for_file(&saved);
    press(&display, &window, "q");
    let status = wait_for_exit(&mut preview);
    assert!(status.success(), "exit {status}");
    let picture = image::open(&saved).unwrap().to_rgb8();
    assert_eq!(picture.dimensions(), (320, 240));
    assert!(curve_pixels(&picture).iter().filter(|&&n| n > 50).count() >= 2);
}

#[test]
fn preview_steps_through_a_folder_and_reloads_a_watched_file() {
    let Some((_xvfb, display)) = start_xvfb("preview smoke test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("images");
    fs::create_dir(&images).unwrap();
    scene(&images.join("a.png"));
    // b.png: the same scene mirrored.
    let flipped = |path: &Path| {
        let mut img = image::open(images.join("a.png")).unwrap().to_luma8();
        image::imageops::flip_horizontal_in_place(&mut img);
        img.save(path).unwrap();
    };
    flipped(&images.join("b.png"));
    let (mut preview, window) = launch(
        &display,
        dir.path(),
        &[images.to_str().unwrap(), "--watch", "--output", "overlay"],
    );
    wait_for_title(&display, &window, "a.png (1/2) | 7 overlay |");
    let first = wait_for_screen(&display, dir.path(), "the overlay", |s| {
        s.pixels().any(|p| p.0 == [255, 220, 0])
    });

    // Right: the next image, mirrored.
    press(&display, &window, "Right");
    wait_for_title(&display, &window, "b.png (2/2)");
    let second = wait_for_screen(&display, dir.path(), "the second image", |s| {
        differs(s, &first) > 1000
    });

    // Rewriting the file shown (written aside, renamed over it) reloads it: it is now the
    // same as the first image.
    let aside = dir.path().join("aside.png");
    scene(&aside);
    fs::rename(&aside, images.join("b.png")).unwrap();
    wait_for_screen(&display, dir.path(), "the rewritten image", |s| {
        differs(s, &second) > 1000 && differs(s, &first) < 100
    });
    assert!(title(&display, &window).contains("b.png (2/2)"));

    // PageDown wraps round to the first image; Escape closes.
    press(&display, &window, "Next");
    wait_for_title(&display, &window, "a.png (1/2)");
    press(&display, &window, "Escape");
    let status = wait_for_exit(&mut preview);
    let stderr = fs::read_to_string(dir.path().join("stderr.txt")).unwrap();
    assert!(status.success(), "exit {status}: {stderr}");
    assert_eq!(stderr, "", "no errors expected");
}
