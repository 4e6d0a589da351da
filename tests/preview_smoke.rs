//! The preview window under a virtual X server (Xvfb): it opens on an image, the picture
//! changes with the view and threshold keys, `S` saves, and `Q` closes it.
//!
//! Needs `Xvfb`, `xdotool`, `xwd` and ImageMagick's `convert` (`.ci/run` installs them). The
//! test is skipped, saying so, only when Xvfb cannot be started at all.
#![cfg(feature = "preview")]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use image::{GrayImage, Luma, RgbImage};

/// A child process killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The X server, stopped with SIGTERM when the test ends so that it removes its lock file and
/// socket (SIGKILL would leave them, and the display number could not be used again).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `Xvfb` on a display number it finds free itself (`-displayfd`: it writes the number
/// once it listens, so parallel tests and other servers never race for one); `None` when it
/// cannot be started.
fn start_xvfb() -> Option<(Server, String)> {
    let child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut server = match child {
        Ok(c) => Server(c),
        Err(e) => {
            println!("SKIPPED preview smoke test: cannot run Xvfb: {e}");
            return None;
        }
    };
    let mut line = String::new();
    let stdout = server.0.stdout.take()?;
    let _ = BufReader::new(stdout).read_line(&mut line);
    match line.trim().parse::<u32>() {
        Ok(n) => Some((server, format!(":{n}"))),
        Err(_) => {
            println!(
                "SKIPPED preview smoke test: Xvfb did not start (it printed no display number)"
            );
            None
        }
    }
}

/// Runs a tool on `display`, failing the test if it is missing or fails.
fn tool(display: &str, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("DISPLAY", display)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (install it; .ci/run does): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The whole screen as RGB.
fn screenshot(display: &str, dir: &Path) -> RgbImage {
    let xwd = dir.join("shot.xwd");
    let png = dir.join("shot.png");
    let xwd_arg = xwd.to_str().unwrap();
    tool(display, "xwd", &["-root", "-silent", "-out", xwd_arg]);
    let (from, to) = (format!("xwd:{xwd_arg}"), format!("png:{}", png.display()));
    tool(display, "convert", &[&from, &to]);
    image::open(&png).expect("a screenshot").to_rgb8()
}

/// Holds `key` down long enough for a frame to see it (minifb samples keys once a frame).
fn press(display: &str, window: &str, key: &str) {
    tool(display, "xdotool", &["windowfocus", "--sync", window]);
    tool(display, "xdotool", &["keydown", key]);
    sleep(Duration::from_millis(120));
    tool(display, "xdotool", &["keyup", key]);
}

/// Takes screenshots until one is `done`, for at most ten seconds.
fn wait_for_screen(
    display: &str,
    dir: &Path,
    what: &str,
    done: impl Fn(&RgbImage) -> bool,
) -> RgbImage {
    let start = Instant::now();
    loop {
        let shot = screenshot(display, dir);
        if done(&shot) {
            return shot;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the screen never showed {what}"
        );
        sleep(Duration::from_millis(100));
    }
}

fn title(display: &str, window: &str) -> String {
    tool(display, "xdotool", &["getwindowname", window])
}

fn wait_for_title(display: &str, window: &str, part: &str) -> String {
    let start = Instant::now();
    loop {
        let t = title(display, window);
        if t.contains(part) {
            return t;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the title never contained {part:?}: {t}"
        );
        sleep(Duration::from_millis(50));
    }
}

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

fn differs(a: &RgbImage, b: &RgbImage) -> usize {
    if a.dimensions() != b.dimensions() {
        return usize::MAX;
    }
    a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count()
}

fn white(s: &RgbImage) -> usize {
    s.pixels().filter(|p| p.0 == [255, 255, 255]).count()
}

/// Starts `edgegrad preview ARGS` on `display` (stdout and stderr to files in `dir`) and
/// waits for its window; returns the process and the window id.
fn launch(display: &str, dir: &Path, args: &[&str]) -> (Killed, String) {
    let stderr_path = dir.join("stderr.txt");
    let child = Command::new(env!("CARGO_BIN_EXE_edgegrad"))
        .arg("preview")
        .args(args)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(fs::File::create(dir.join("stdout.txt")).unwrap())
        .stderr(fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("edgegrad runs");
    let mut preview = Killed(child);
    let start = Instant::now();
    loop {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "edgegrad preview"])
            .env("DISPLAY", display)
            .output()
            .expect("xdotool runs (install it; .ci/run does)");
        if let Some(id) = String::from_utf8_lossy(&out.stdout).lines().next() {
            let window = id.trim().to_owned();
            tool(
                display,
                "xdotool",
                &["mousemove", "--window", &window, "20", "20"],
            );
            return (preview, window);
        }
        if let Ok(Some(status)) = preview.0.try_wait() {
            panic!(
                "preview exited with {status} before its window appeared: {}",
                fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no preview window appeared"
        );
        sleep(Duration::from_millis(100));
    }
}

/// Waits for the process to end by itself, for at most ten seconds.
fn wait_for_exit(preview: &mut Killed) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = preview.0.try_wait().unwrap() {
            return status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "preview did not exit"
        );
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn preview_opens_follows_keys_saves_and_quits() {
    let Some((_xvfb, display)) = start_xvfb() else {
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

    // Raising the threshold well above the faint disc's contrast removes its outline.
    for _ in 0..12 {
        press(&display, &window, "Up");
    }
    let t = wait_for_title(&display, &window, "| threshold 0.");
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
    let start = Instant::now();
    while !saved.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "nothing saved");
        sleep(Duration::from_millis(50));
    }

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

#[test]
fn preview_steps_through_a_folder_and_reloads_a_watched_file() {
    let Some((_xvfb, display)) = start_xvfb() else {
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
