//! Black-box tests of `edgegrad video` on raw frame pipes (no FFmpeg needed): the contract
//! with `edgegrad detect` frame by frame, 16-bit and RGB frames, streaming, frames cut short,
//! bad sizes, and the steadiness of the automatic levels on a still, noisy scene.

mod support;

use std::path::Path;

use support::run::{edgegrad, stdout_of};
use tempfile::TempDir;

/// A small deterministic random number generator (xorshift), for noise.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Roughly normal noise of standard deviation `sd` (a sum of four uniforms).
    fn normal(&mut self, sd: f64) -> f64 {
        let u: f64 = (0..4)
            .map(|_| (self.next() >> 11) as f64 / (1u64 << 53) as f64)
            .sum();
        (u - 2.0) * sd * 3f64.sqrt()
    }
}

/// A still scene (a bright disc and a darker square on gray) with fresh noise of `sd` in each of
/// `frames` frames, 8-bit.
fn noisy_scene(w: usize, h: usize, frames: usize, sd: f64, seed: u64) -> Vec<u8> {
    let mut noise = Noise(seed);
    let mut out = Vec::with_capacity(w * h * frames);
    for _ in 0..frames {
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f64 - w as f64 * 0.35, y as f64 - h as f64 * 0.5);
                let base = if dx * dx + dy * dy < (h as f64 * 0.3).powi(2) {
                    190.0
                } else if x > w * 6 / 10 && x < w * 9 / 10 && y > h / 5 && y < h * 4 / 5 {
                    90.0
                } else {
                    128.0
                };
                out.push((base + noise.normal(sd)).round().clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}

/// Runs `edgegrad video - --raw SPEC -o - ARGS` on `input`, returning stdout.
fn video_raw(spec: &str, input: &[u8], args: &[&str]) -> Vec<u8> {
    stdout_of(
        edgegrad()
            .args(["video", "-", "--raw", spec, "-o", "-"])
            .args(args)
            .write_stdin(input.to_vec()),
    )
}

/// What `edgegrad detect IMAGE -o OUT.pgm|ppm ARGS` writes after the header.
fn detect_payload(dir: &Path, image: &Path, ext: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.join(format!("detected.{ext}"));
    edgegrad()
        .arg("detect")
        .arg(image)
        .arg("-o")
        .arg(&out)
        .args(args)
        .assert()
        .success();
    pnm_payload(&std::fs::read(out).unwrap())
}

/// The pixels of a binary PNM file: after `ENDHDR` for a PAM (`.pam`), else (P5 `.pgm`, P6
/// `.ppm`) after the three header fields and one whitespace byte.
fn pnm_payload(file: &[u8]) -> Vec<u8> {
    if file.starts_with(b"P7") {
        let end = file.windows(7).position(|w| w == b"ENDHDR\n").unwrap();
        return file[end + 7..].to_vec();
    }
    let mut fields = 0;
    let mut i = 2;
    while fields < 3 {
        while file[i].is_ascii_whitespace() {
            i += 1;
        }
        while !file[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    file[i + 1..].to_vec()
}

/// Frame `i` of 8-bit gray frames as a PGM file in `dir`.
fn write_pgm(dir: &Path, w: usize, h: usize, pixels: &[u8]) -> std::path::PathBuf {
    let path = dir.join("frame.pgm");
    let mut file = format!("P5\n{w} {h}\n255\n").into_bytes();
    file.extend_from_slice(pixels);
    std::fs::write(&path, file).unwrap();
    path
}

#[test]
fn each_output_frame_is_what_detect_writes_for_that_frame() {
    let dir = TempDir::new().unwrap();
    let (w, h, n) = (48, 36, 3);
    let frames = noisy_scene(w, h, n, 12.0, 7);
    for args in [
        &["--per-frame"][..],
        &["--per-frame", "--canny"],
        &["--threshold", "0.05"],
        &["--output", "magnitude", "--operator", "sobel"],
        &["--per-frame", "--hysteresis", "0.02,0.06", "--thin"],
    ] {
        let out = video_raw(&format!("{w}x{h}"), &frames, args);
        assert_eq!(out.len(), w * h * n, "{args:?}");
        for i in 0..n {
            let frame = &frames[i * w * h..(i + 1) * w * h];
            let pgm = write_pgm(dir.path(), w, h, frame);
            let want = detect_payload(
                dir.path(),
                &pgm,
                "pgm",
                args.iter()
                    .filter(|a| **a != "--per-frame")
                    .copied()
                    .collect::<Vec<_>>()
                    .as_slice(),
            );
            assert!(
                out[i * w * h..(i + 1) * w * h] == want[..],
                "frame {i} differs with {args:?}"
            );
        }
    }
}

#[test]
fn rgb_and_16_bit_frames_match_detect_on_ppm_and_16_bit_pgm() {
    let dir = TempDir::new().unwrap();
    let (w, h) = (20, 14);
    let gray = noisy_scene(w, h, 2, 20.0, 3);
    // rgb24: each pixel's channels differ; output dx is an RGB picture.
    let rgb: Vec<u8> = gray.iter().flat_map(|&v| [v, v / 2, 255 - v]).collect();
    let out = video_raw(
        &format!("{w}x{h}:rgb24"),
        &rgb,
        &["--per-frame", "--output", "dx"],
    );
    assert_eq!(out.len(), 2 * w * h * 3);
    let ppm = dir.path().join("frame.ppm");
    let mut file = format!("P6\n{w} {h}\n255\n").into_bytes();
    file.extend_from_slice(&rgb[w * h * 3..]);
    std::fs::write(&ppm, file).unwrap();
    let want = detect_payload(dir.path(), &ppm, "ppm", &["--output", "dx"]);
    assert!(out[w * h * 3..] == want[..], "second rgb frame differs");
    // gray16, little-endian on the pipe; a PGM holds it big-endian.
    let wide: Vec<u16> = gray.iter().map(|&v| u16::from(v) * 257 + 3).collect();
    let le: Vec<u8> = wide.iter().flat_map(|v| v.to_le_bytes()).collect();
    let out = video_raw(&format!("{w}x{h}:gray16"), &le, &["--per-frame"]);
    let pgm = dir.path().join("frame16.pgm");
    let mut file = format!("P5\n{w} {h}\n65535\n").into_bytes();
    file.extend(wide[..w * h].iter().flat_map(|v| v.to_be_bytes()));
    std::fs::write(&pgm, file).unwrap();
    let want = detect_payload(dir.path(), &pgm, "pgm", &[]);
    assert!(out[..w * h] == want[..], "first 16-bit frame differs");
}

#[test]
fn a_frame_cut_short_is_an_error_naming_it_after_every_whole_frame_is_written() {
    let (w, h) = (16, 8);
    let mut input = noisy_scene(w, h, 3, 10.0, 1);
    input.truncate(2 * w * h + 5);
    let out = edgegrad()
        .args(["video", "-", "--raw", "16x8", "-o", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout.len(), 2 * w * h);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("frame 3 is cut short: 5 of its 128 bytes"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_raw_sizes_and_inputs_are_usage_errors_on_one_line() {
    for (spec, words) in [
        ("640", "WIDTHxHEIGHT"),
        ("0x480", "at least 1x1"),
        ("64x48:yuv420", "unknown pixel format"),
        ("99999x99999:rgb24", "at most"),
    ] {
        let out = edgegrad()
            .args(["video", "-", "--raw", spec, "-o", "-"])
            .write_stdin(vec![0u8; 10])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(words), "{spec}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = edgegrad()
        .args(["video", "camera", "--raw", "8x8", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = edgegrad()
        .args(["video", "-", "--raw", "8x8", "-o", "edges.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("edges.txt") && err.contains(".mkv"), "{err}");
}

#[test]
fn a_raw_file_input_is_read_like_standard_input_and_an_empty_input_gives_nothing() {
    let dir = TempDir::new().unwrap();
    let frames = noisy_scene(24, 16, 4, 8.0, 11);
    let file = dir.path().join("frames.gray");
    std::fs::write(&file, &frames).unwrap();
    let from_file =
        stdout_of(edgegrad().args(["video", file.to_str().unwrap(), "--raw", "24x16", "-o", "-"]));
    assert_eq!(from_file, video_raw("24x16", &frames, &[]));
    assert!(video_raw("24x16", &[], &[]).is_empty());
}

#[test]
fn frames_stops_early_and_a_closed_output_pipe_ends_cleanly() {
    let frames = noisy_scene(16, 16, 10, 8.0, 5);
    let out = video_raw("16x16", &frames, &["--frames", "3"]);
    assert_eq!(out.len(), 3 * 256);
    // A reader that takes one frame and goes away: no error, no panic.
    let script = format!(
        "{} video - --raw 16x16 -o - | head -c 256 > /dev/null; echo ${{PIPESTATUS[0]}}",
        assert_cmd::cargo::cargo_bin("edgegrad").display()
    );
    let big: Vec<u8> = frames.iter().cycle().take(256 * 2000).copied().collect();
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            // The writer may see its reader go away: that is the point.
            let _ = stdin.write_all(&big);
            drop(stdin);
            child.wait_with_output()
        })
        .unwrap();
    let code = String::from_utf8_lossy(&out.stdout);
    assert_eq!(code.trim(), "0", "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fraction of edge pixels that change between consecutive frames: pixels that toggle,
/// over the mean number of edge pixels.
fn flicker(frames: &[u8], frame_len: usize) -> f64 {
    let frames: Vec<&[u8]> = frames.chunks_exact(frame_len).collect();
    let toggles: usize = frames
        .windows(2)
        .map(|p| p[0].iter().zip(p[1]).filter(|(a, b)| a != b).count())
        .sum();
    let edges: usize = frames
        .iter()
        .map(|f| f.iter().filter(|&&v| v != 0).count())
        .sum();
    let mean_edges = edges as f64 / frames.len() as f64;
    toggles as f64 / (frames.len() - 1) as f64 / mean_edges
}

#[test]
fn steady_levels_flicker_less_than_per_frame_levels_on_a_still_noisy_scene() {
    let (w, h, n) = (64, 48, 40);
    let frames = noisy_scene(w, h, n, 10.0, 99);
    let steady = video_raw(&format!("{w}x{h}"), &frames, &[]);
    let per_frame = video_raw(&format!("{w}x{h}"), &frames, &["--per-frame"]);
    let (s, p) = (flicker(&steady, w * h), flicker(&per_frame, w * h));
    assert!(s < p, "steady {s:.4} vs per-frame {p:.4}");
}

#[test]
fn steady_levels_vary_less_than_per_frame_levels_on_a_still_noisy_scene() {
    use edgegrad::detect::edges::steady::SteadyLevels;
    use edgegrad::detect::rule::EdgeRule;
    use edgegrad::{DetectConfig, LumaView, Timings, Wanted};
    let (w, h, n) = (64, 48, 40);
    let frames = noisy_scene(w, h, n, 10.0, 99);
    for rule in [EdgeRule::default(), EdgeRule::Canny(None)] {
        let pipeline = DetectConfig {
            rule,
            ..Default::default()
        }
        .build()
        .unwrap();
        let mut steady = SteadyLevels::new();
        let (mut steady_levels, mut own_levels) = (Vec::new(), Vec::new());
        for frame in frames.chunks_exact(w * h) {
            let view = ndarray::ArrayView2::from_shape((h, w), frame).unwrap();
            let wanted = Wanted::edges();
            let d = pipeline.run_steady(
                LumaView::U8(view),
                &wanted,
                &mut steady,
                &mut Timings::new(),
            );
            steady_levels.push(d.threshold);
            let d = pipeline.run(LumaView::U8(view), &wanted, &mut Timings::new());
            own_levels.push(d.threshold);
        }
        let changes = |levels: &[f32]| levels.windows(2).filter(|p| p[0] != p[1]).count();
        let spread = |levels: &[f32]| {
            let late = &levels[10..];
            late.iter().copied().fold(0.0f32, f32::max)
                / late.iter().copied().fold(f32::MAX, f32::min)
        };
        assert!(
            changes(&own_levels) > 0,
            "{rule:?}: the per-frame level never moved"
        );
        assert!(
            changes(&steady_levels) < changes(&own_levels)
                && spread(&steady_levels) < spread(&own_levels),
            "{rule:?}: steady {steady_levels:?} per-frame {own_levels:?}"
        );
    }
}
