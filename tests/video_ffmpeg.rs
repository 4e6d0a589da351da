//! Black-box tests of `edgegrad video` through FFmpeg (installed by `.ci/run`): clips made at
//! test time from FFmpeg's `testsrc2` and `mandelbrot` sources, frame counts, sizes and rates
//! kept, lossless output equal to the raw pipe's, standard input and output (raw frames or a
//! video of a --format), Ctrl-C, and bad inputs (no FFmpeg, a missing file, a non-video file,
//! a camera that does not exist, formats that make no sense).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use support::run::{edgegrad, stdout_of};
use tempfile::TempDir;

/// Runs ffmpeg quietly with `args`, failing the test with its message.
fn ffmpeg(args: &[&str]) -> Vec<u8> {
    let out = Process::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg is installed (.ci/run installs it: apt-get install ffmpeg)");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A clip of `source` (a lavfi source such as `testsrc2`) of `size`, `rate` and `seconds`.
fn clip(dir: &Path, name: &str, source: &str, size: &str, rate: &str, seconds: &str) -> PathBuf {
    let path = dir.join(name);
    let src = format!("{source}=size={size}:rate={rate}");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &src,
        "-t",
        seconds,
        "-pix_fmt",
        "yuv420p",
        path.to_str().unwrap(),
    ]);
    path
}

/// (frames, width, height, rate) of a video's first stream, counted by decoding it.
fn probe(path: &Path) -> (u64, u32, u32, String) {
    let out = Process::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=nb_read_frames,width,height,r_frame_rate",
        ])
        .args(["-of", "default=noprint_wrappers=1"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_string()
    };
    (
        field("nb_read_frames").parse().unwrap(),
        field("width").parse().unwrap(),
        field("height").parse().unwrap(),
        field("r_frame_rate"),
    )
}

/// The name of the codec of a video's first stream (an MPEG-TS lists it again in its program).
fn codec(path: &Path) -> String {
    let out = Process::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=codec_name", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}

/// The gray frames of a video, as FFmpeg decodes them.
fn gray_frames(path: &Path) -> Vec<u8> {
    ffmpeg(&[
        "-i",
        path.to_str().unwrap(),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-",
    ])
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn frame_counts_sizes_and_rates_are_kept_in_every_container() {
    let dir = TempDir::new().unwrap();
    let input = clip(dir.path(), "in.mp4", "testsrc2", "160x120", "25", "2");
    for (name, extra) in [
        ("out.mkv", &[][..]),
        ("out.mp4", &["--canny"]),
        ("out.webm", &["--output", "magnitude"]),
        ("out.mov", &["--output", "overlay"]),
    ] {
        let out = dir.path().join(name);
        edgegrad()
            .args([
                "video",
                input.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .args(extra)
            .assert()
            .success();
        assert_eq!(probe(&out), (50, 160, 120, "25/1".into()), "{name}");
    }
    // An NTSC rate stays exact.
    let ntsc = clip(
        dir.path(),
        "ntsc.mkv",
        "mandelbrot",
        "96x64",
        "30000/1001",
        "1",
    );
    let out = dir.path().join("ntsc.edges.mkv");
    edgegrad()
        .args(["video", ntsc.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .success();
    let (frames, w, h, rate) = probe(&out);
    assert_eq!(
        (frames, w, h, rate.as_str()),
        (probe(&ntsc).0, 96, 64, "30000/1001")
    );
}

#[test]
fn lossless_output_is_the_raw_pipe_output_which_is_the_edges_of_the_luma_frames() {
    let dir = TempDir::new().unwrap();
    let input = clip(dir.path(), "in.mp4", "testsrc2", "128x96", "25", "1");
    // Through FFmpeg, out to raw frames on stdout.
    let raw_out = stdout_of(edgegrad().args(["video", input.to_str().unwrap(), "-o", "-"]));
    assert_eq!(raw_out.len(), 25 * 128 * 96);
    // The same frames, decoded to gray (the Y plane) by FFmpeg and given as --raw.
    let by_pipe = stdout_of(
        edgegrad()
            .args(["video", "-", "--raw", "128x96", "-o", "-"])
            .write_stdin(gray_frames(&input)),
    );
    assert_eq!(raw_out, by_pipe);
    // Through FFmpeg into lossless FFV1, and back.
    let mkv = dir.path().join("edges.mkv");
    edgegrad()
        .args([
            "video",
            input.to_str().unwrap(),
            "-o",
            mkv.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert_eq!(gray_frames(&mkv), raw_out);
    // Edges are edges: only 0 and 255, and some of each.
    assert!(raw_out.iter().all(|&v| v == 0 || v == 255));
    assert!(raw_out.contains(&255) && raw_out.contains(&0));
}

#[test]
fn a_video_streams_from_stdin_to_stdout() {
    let dir = TempDir::new().unwrap();
    let input = clip(dir.path(), "in.mkv", "mandelbrot", "64x48", "25", "1");
    let bytes = std::fs::read(&input).unwrap();
    let out = stdout_of(
        edgegrad()
            .args(["video", "-", "-o", "-", "--canny"])
            .write_stdin(bytes),
    );
    assert_eq!(out.len(), 25 * 64 * 48);
    // And from raw frames on stdin into a video file at a given rate.
    let mp4 = dir.path().join("from_raw.mp4");
    edgegrad()
        .args([
            "video",
            "-",
            "--raw",
            "64x48",
            "--rate",
            "12",
            "-o",
            mp4.to_str().unwrap(),
        ])
        .write_stdin(gray_frames(&input))
        .assert()
        .success();
    assert_eq!(probe(&mp4), (25, 64, 48, "12/1".into()));
}

#[test]
fn format_writes_an_encoded_video_to_stdout_and_raw_frames_are_the_default() {
    let dir = TempDir::new().unwrap();
    let input = clip(dir.path(), "in.mp4", "testsrc2", "64x48", "25", "1");
    let video = |extra: &[&str]| {
        stdout_of(
            edgegrad()
                .args(["video", input.to_str().unwrap(), "-o", "-", "--quiet"])
                .args(extra),
        )
    };
    let raw = video(&[]);
    assert_eq!(raw.len(), 25 * 64 * 48);
    assert_eq!(video(&["--format", "raw"]), raw);
    for (format, codec_name) in [
        ("matroska", "ffv1"),
        ("nut", "ffv1"),
        ("mpegts", "h264"),
        ("mp4", "h264"),
        ("webm", "vp9"),
    ] {
        let piped = dir.path().join(format!("piped-{format}"));
        std::fs::write(&piped, video(&["--format", format])).unwrap();
        let (frames, width, height, _) = probe(&piped);
        assert_eq!((frames, width, height), (25, 64, 48), "{format}");
        assert_eq!(codec(&piped), codec_name, "{format}");
        if codec_name == "ffv1" {
            // Lossless: the very frames of the raw output.
            assert_eq!(gray_frames(&piped), raw, "{format}");
        }
    }
    // A reader that goes away early ends the run cleanly, as with raw frames.
    let long = clip(dir.path(), "long.mp4", "testsrc2", "64x48", "25", "20");
    let script = format!(
        "{} video {} -o - --format nut --quiet | head -c 2000 > /dev/null; echo ${{PIPESTATUS[0]}}",
        assert_cmd::cargo::cargo_bin("edgegrad").display(),
        long.display()
    );
    let out = Process::new("bash").args(["-c", &script]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0", "{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn timings_are_the_last_line_of_stderr_with_frames_and_fps() {
    let dir = TempDir::new().unwrap();
    let input = clip(dir.path(), "in.mp4", "testsrc2", "64x48", "25", "1");
    let out = edgegrad()
        .args([
            "video",
            input.to_str().unwrap(),
            "-o",
            "-",
            "--timings",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap();
    let json: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(json["frames"], 25);
    assert!(json["fps"].as_f64().unwrap() > 0.0);
    for key in ["decode_ms", "encode_ms", "total_ms"] {
        assert!(json[key].as_f64().unwrap() >= 0.0, "{key}: {last}");
    }
}

/// Runs `edgegrad video ARGS` expecting a one-line error with exit code `code` that contains
/// every one of `words`, and no file but `keep` left in `dir`.
fn fails(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    code: i32,
    words: &[&str],
    keep: &[&str],
) {
    let mut cmd = edgegrad();
    cmd.current_dir(dir).arg("video").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for w in words {
        assert!(err.contains(w), "{args:?}: {w:?} not in {err}");
    }
    assert_eq!(names(dir), keep, "{args:?}");
}

#[test]
fn bad_inputs_are_one_line_errors_and_leave_nothing_behind() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    clip(d, "in.mp4", "testsrc2", "64x48", "25", "1");
    std::fs::write(d.join("notes.txt"), "not a video\n").unwrap();
    let keep = ["in.mp4", "notes.txt"];
    fails(
        d,
        &["in.mp4", "-o", "out.mkv"],
        &[("EDGEGRAD_FFMPEG", "/nonexistent/ffmpeg")],
        1,
        &["FFmpeg is needed", "apt-get install ffmpeg"],
        &keep,
    );
    fails(
        d,
        &["missing.mp4", "-o", "out.mkv"],
        &[],
        1,
        &["missing.mp4", "No such file"],
        &keep,
    );
    fails(
        d,
        &["notes.txt", "-o", "out.mkv"],
        &[],
        1,
        &["notes.txt", "Invalid data"],
        &keep,
    );
    fails(
        d,
        &["camera:97", "-o", "out.mkv"],
        &[],
        1,
        &["camera", "97"],
        &keep,
    );
    fails(
        d,
        &["in.mp4", "-o", "in.mp4"],
        &[],
        2,
        &["refusing to write over the input"],
        &keep,
    );
    fails(
        d,
        &["in.mp4", "-o", "out.png"],
        &[],
        2,
        &["out.png", "extension"],
        &keep,
    );
    // --format is for standard output, and names a video format.
    fails(
        d,
        &["in.mp4", "-o", "out.mkv", "--format", "nut"],
        &[],
        2,
        &["--format", "-o -", "out.mkv"],
        &keep,
    );
    fails(
        d,
        &["in.mp4", "-o", "-", "--format", "png"],
        &[],
        2,
        &["png", "not a video format", "matroska"],
        &keep,
    );
    // An encoder that fails (odd sizes cannot be yuv420p H.264): nothing half-written.
    std::fs::write(d.join("odd.gray"), vec![0u8; 3 * 5 * 2]).unwrap();
    fails(
        d,
        &["odd.gray", "--raw", "5x3", "-o", "out.mp4"],
        &[],
        1,
        &["out.mp4", "cannot encode"],
        &["in.mp4", "notes.txt", "odd.gray"],
    );
}

#[test]
fn ctrl_c_finishes_the_output_with_the_frames_read_so_far() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out.mkv");
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("edgegrad"))
        .args(["video", "-", "--raw", "32x24", "--rate", "10", "-o"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    use std::io::Write;
    let frame = vec![128u8; 32 * 24];
    for _ in 0..5 {
        stdin.write_all(&frame).unwrap();
    }
    stdin.flush().unwrap();
    // Let the five frames through, then Ctrl-C, then one more frame wakes the reader.
    std::thread::sleep(std::time::Duration::from_millis(800));
    let kill = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    std::thread::sleep(std::time::Duration::from_millis(200));
    let _ = stdin.write_all(&frame);
    drop(stdin);
    let result = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{err}");
    assert!(err.contains("stopped after"), "{err}");
    let (frames, w, h, _) = probe(&out);
    assert!((5..=6).contains(&frames), "{frames}");
    assert_eq!((w, h), (32, 24));
    assert_eq!(names(dir.path()), ["out.mkv"]);
}
