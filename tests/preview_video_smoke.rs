//! The preview playing a video under a virtual X server (Xvfb): frames advance, Space pauses
//! (the screen stops changing), `.` steps one frame, a view key changes the picture while
//! paused, the title shows the frame rate and the pipeline's time, and `q` quits.
//!
//! Needs `Xvfb`, `xdotool`, `xwd`, ImageMagick's `convert` and `ffmpeg` (`.ci/run` installs
//! them). Skipped, saying so, only when Xvfb cannot be started at all.
#![cfg(feature = "preview")]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use image::RgbImage;

/// A child process killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The X server, stopped with SIGTERM so that it removes its lock file and socket.
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

/// Starts `Xvfb` on a display number it picks itself (`-displayfd`); `None` when it cannot.
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
            println!("SKIPPED video preview smoke test: cannot run Xvfb: {e}");
            return None;
        }
    };
    let mut line = String::new();
    let _ = BufReader::new(server.0.stdout.take()?).read_line(&mut line);
    match line.trim().parse::<u32>() {
        Ok(n) => Some((server, format!(":{n}"))),
        Err(_) => {
            println!("SKIPPED video preview smoke test: Xvfb printed no display number");
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

/// Holds `key` down long enough for a frame to see it.
fn press(display: &str, window: &str, key: &str) {
    tool(display, "xdotool", &["windowfocus", "--sync", window]);
    tool(display, "xdotool", &["keydown", key]);
    sleep(Duration::from_millis(120));
    tool(display, "xdotool", &["keyup", key]);
}

fn wait_for_title(display: &str, window: &str, part: &str) -> String {
    let start = Instant::now();
    loop {
        let t = tool(display, "xdotool", &["getwindowname", window]);
        if t.contains(part) {
            return t;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the title never contained {part:?}: {t}"
        );
        sleep(Duration::from_millis(50));
    }
}

fn differs(a: &RgbImage, b: &RgbImage) -> usize {
    if a.dimensions() != b.dimensions() {
        return usize::MAX;
    }
    a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count()
}

#[test]
fn a_video_plays_pauses_steps_changes_view_and_quits() {
    let Some((_xvfb, display)) = start_xvfb() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.mp4");
    let made = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25",
        ])
        .args(["-t", "60", "-pix_fmt", "yuv420p"])
        .arg(&clip)
        .status()
        .expect("ffmpeg is installed (.ci/run installs it)");
    assert!(made.success());
    let child = Command::new(env!("CARGO_BIN_EXE_edgegrad"))
        .arg("preview")
        .arg(&clip)
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(fs::File::create(dir.path().join("stderr.txt")).unwrap())
        .spawn()
        .expect("edgegrad runs");
    let mut preview = Killed(child);
    let start = Instant::now();
    let window = loop {
        // xdotool fails while no window matches.
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "edgegrad preview"])
            .env("DISPLAY", &display)
            .output()
            .expect("xdotool runs (install it; .ci/run does)");
        if let Some(id) = String::from_utf8_lossy(&out.stdout).lines().next() {
            break id.trim().to_owned();
        }
        assert!(
            preview.0.try_wait().unwrap().is_none(),
            "preview exited: {}",
            fs::read_to_string(dir.path().join("stderr.txt")).unwrap_or_default()
        );
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no preview window"
        );
        sleep(Duration::from_millis(100));
    };
    // Playing: the title reports the rate, and the picture moves.
    let t = wait_for_title(&display, &window, " fps | pipeline ");
    assert!(t.contains("clip.mp4") && !t.contains("paused"), "{t}");
    let a = screenshot(&display, dir.path());
    sleep(Duration::from_millis(400));
    let b = screenshot(&display, dir.path());
    assert!(differs(&a, &b) > 0, "the frames do not advance");
    // Paused: the picture holds still.
    press(&display, &window, "space");
    wait_for_title(&display, &window, "| paused");
    sleep(Duration::from_millis(300));
    let c = screenshot(&display, dir.path());
    sleep(Duration::from_millis(500));
    let d = screenshot(&display, dir.path());
    assert_eq!(differs(&c, &d), 0, "the picture changes while paused");
    // One frame forward.
    press(&display, &window, "period");
    sleep(Duration::from_millis(700));
    let e = screenshot(&display, dir.path());
    assert!(differs(&d, &e) > 0, "stepping shows no new frame");
    // Another view of the same frame.
    press(&display, &window, "1");
    wait_for_title(&display, &window, "| 1 original |");
    sleep(Duration::from_millis(500));
    let f = screenshot(&display, dir.path());
    assert!(
        differs(&e, &f) > 1000,
        "the original view looks like the edges"
    );
    // Quit.
    press(&display, &window, "q");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = preview.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "preview did not exit"
        );
        sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}
