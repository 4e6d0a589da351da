//! The preview window under a virtual X server (Xvfb), for the smoke tests of `preview`
//! (tests/preview_smoke.rs, tests/preview_video_smoke.rs): the server, the X tools that press
//! keys, read titles and take screenshots, and the preview process itself.
//!
//! Needs `Xvfb`, `xdotool`, `xwd` and ImageMagick's `convert` (`.ci/run` installs them).

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use image::RgbImage;

/// A child process killed when the test ends, however it ends.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The X server, stopped with SIGTERM when the test ends so that it removes its lock file and
/// socket (SIGKILL would leave them, and the display number could not be used again).
pub struct Server(Child);

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
/// once it listens, so parallel tests and other servers never race for one); `None`, having
/// printed that `test` is skipped, when it cannot be started.
///
/// `-noreset`: by default the server resets when its last client disconnects, and a client
/// connecting during the reset is dropped before it is accepted (`XOpenDisplay failed`). The
/// tests poll with `xdotool`, each run a client that connects and leaves, while the preview
/// connects: without the flag the preview now and then failed to open its window under load.
pub fn start_xvfb(test: &str) -> Option<(Server, String)> {
    let child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut server = match child {
        Ok(c) => Server(c),
        Err(e) => {
            println!("SKIPPED {test}: cannot run Xvfb: {e}");
            return None;
        }
    };
    let mut line = String::new();
    let stdout = server.0.stdout.take()?;
    let _ = BufReader::new(stdout).read_line(&mut line);
    match line.trim().parse::<u32>() {
        Ok(n) => Some((server, format!(":{n}"))),
        Err(_) => {
            println!("SKIPPED {test}: Xvfb did not start (it printed no display number)");
            None
        }
    }
}

/// Runs a tool on `display`, failing the test if it is missing or fails.
pub fn tool(display: &str, program: &str, args: &[&str]) -> String {
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
pub fn screenshot(display: &str, dir: &Path) -> RgbImage {
    let xwd = dir.join("shot.xwd");
    let png = dir.join("shot.png");
    let xwd_arg = xwd.to_str().unwrap();
    tool(display, "xwd", &["-root", "-silent", "-out", xwd_arg]);
    let (from, to) = (format!("xwd:{xwd_arg}"), format!("png:{}", png.display()));
    tool(display, "convert", &[&from, &to]);
    image::open(&png).expect("a screenshot").to_rgb8()
}

/// Takes screenshots until one is `done`, for at most ten seconds.
pub fn wait_for_screen(
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

/// The number of pixels that differ between two screenshots (all of them if the sizes do).
pub fn differs(a: &RgbImage, b: &RgbImage) -> usize {
    if a.dimensions() != b.dimensions() {
        return usize::MAX;
    }
    a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count()
}

/// Holds `key` down long enough for a frame to see it (minifb samples keys once a frame).
pub fn press(display: &str, window: &str, key: &str) {
    tool(display, "xdotool", &["windowfocus", "--sync", window]);
    tool(display, "xdotool", &["keydown", key]);
    sleep(Duration::from_millis(120));
    tool(display, "xdotool", &["keyup", key]);
}

/// The window's title.
pub fn title(display: &str, window: &str) -> String {
    tool(display, "xdotool", &["getwindowname", window])
}

/// Reads the window's title until it contains `part`, for at most fifteen seconds.
pub fn wait_for_title(display: &str, window: &str, part: &str) -> String {
    let start = Instant::now();
    loop {
        let t = title(display, window);
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

/// Starts `edgegrad preview ARGS` on `display` (stdout and stderr to `stdout.txt` and
/// `stderr.txt` in `dir`), waits for its window and moves the pointer into it; returns the
/// process and the window id.
pub fn launch(display: &str, dir: &Path, args: &[&str]) -> (Killed, String) {
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
        // xdotool fails while no window matches.
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
pub fn wait_for_exit(preview: &mut Killed) -> ExitStatus {
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
