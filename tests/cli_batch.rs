//! Black-box tests of `edgegrad batch`: folder trees with good, broken and other files, the
//! report, exit codes, resuming, shards, Slurm arrays, and a run killed with SIGKILL.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use image::{GrayImage, ImageFormat, Luma, RgbImage};
use predicates::prelude::*;
use serde_json::Value;

const SLURM_VARS: [&str; 5] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_JOB_ID",
];

/// `edgegrad batch` with no Slurm variables inherited from the environment.
fn batch() -> Command {
    let mut cmd = Command::cargo_bin("edgegrad").unwrap();
    cmd.arg("batch");
    for v in SLURM_VARS {
        cmd.env_remove(v);
    }
    cmd
}

/// A `w` x `h` gray picture, black left of column `step` and white from it on: central
/// differences give a magnitude of 0.5 in columns `step - 1` and `step`, 0 elsewhere.
fn step_image(w: u32, h: u32, step: u32) -> GrayImage {
    GrayImage::from_fn(w, h, |x, _| Luma([if x < step { 0 } else { 255 }]))
}

fn write_image(path: &Path, w: u32, h: u32, step: u32) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let img = step_image(w, h, step);
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg") | Some("jpeg") => {
            let rgb = RgbImage::from_fn(w, h, |x, y| {
                let v = img.get_pixel(x, y)[0];
                image::Rgb([v, v, v])
            });
            rgb.save_with_format(path, ImageFormat::Jpeg).unwrap()
        }
        _ => img.save_with_format(path, ImageFormat::Png).unwrap(),
    }
}

fn write_bytes(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// The report's files as (input, status) pairs.
fn statuses(report: &Value) -> Vec<(String, String)> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["input"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every regular file under `dir`, relative, with `/` separators (none if `dir` is missing).
fn files_under(dir: &Path) -> BTreeSet<String> {
    if !dir.exists() {
        return BTreeSet::new();
    }
    walkdir::WalkDir::new(dir)
        .into_iter()
        // A file renamed by a running batch between listing and reading is no error here.
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

/// A tree with good images (PNG and JPEG, nested, clashing names), broken ones and other files.
fn mixed_tree(root: &Path) -> PathBuf {
    let input = root.join("in");
    write_image(&input.join("a.png"), 64, 48, 32);
    write_image(&input.join("a.jpg"), 64, 48, 32);
    write_image(&input.join("sub/deep/b.png"), 40, 30, 10);
    write_image(&input.join("sub/C.JPG"), 64, 48, 16);
    write_bytes(
        &input.join("broken.png"),
        b"\x89PNG\r\n\x1a\nthis is not a png",
    );
    let jpeg = fs::read(input.join("a.jpg")).unwrap();
    write_bytes(&input.join("sub/truncated.jpeg"), &jpeg[..jpeg.len() / 3]);
    write_bytes(&input.join("empty.png"), b"");
    write_bytes(&input.join("notes.txt"), b"not an image");
    write_bytes(&input.join("sub/deep/data.csv"), b"1,2,3");
    input
}

#[test]
fn processes_a_mixed_tree_reports_every_image_and_exits_1_for_broken_files() {
    let root = tempfile::tempdir().unwrap();
    let input = mixed_tree(root.path());
    let out = root.path().join("out");
    let report = root.path().join("report.json");
    batch()
        .arg(&input)
        .arg(&out)
        .args(["--threshold", "0.1", "--report"])
        .arg(&report)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("broken.png"))
        .stderr(predicate::str::contains("truncated.jpeg"))
        .stderr(predicate::str::contains("4 done, 0 skipped, 3 failed"));

    assert_eq!(
        files_under(&out),
        [
            "a.jpg.png",
            "a.png.png",
            "sub/C.JPG.png",
            "sub/deep/b.png.png"
        ]
        .map(String::from)
        .into()
    );
    // The step edge is found exactly where central differences put it.
    let edges = image::open(out.join("a.png.png")).unwrap();
    assert_eq!(edges.color(), image::ColorType::L8);
    let edges = edges.to_luma8();
    assert_eq!(edges.dimensions(), (64, 48));
    for (x, _, p) in edges.enumerate_pixels() {
        let want = if x == 31 || x == 32 { 255 } else { 0 };
        assert_eq!(p[0], want, "column {x}");
    }
    let deep = image::open(out.join("sub/deep/b.png.png"))
        .unwrap()
        .to_luma8();
    assert_eq!(deep.dimensions(), (40, 30));
    assert_eq!(deep.get_pixel(9, 0)[0], 255);
    assert_eq!(deep.get_pixel(20, 0)[0], 0);

    let json = read_json(&report);
    assert_eq!(
        statuses(&json),
        [
            ("a.jpg", "ok"),
            ("a.png", "ok"),
            ("broken.png", "failed"),
            ("empty.png", "failed"),
            ("sub/C.JPG", "ok"),
            ("sub/deep/b.png", "ok"),
            ("sub/truncated.jpeg", "failed"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let files = json["files"].as_array().unwrap();
    let a = &files[1];
    assert_eq!(a["output"], "a.png.png");
    assert_eq!(a["width"], 64);
    assert_eq!(a["height"], 48);
    assert_eq!(a["edge_fraction"].as_f64().unwrap(), 2.0 / 64.0);
    assert!(a["milliseconds"].as_f64().unwrap() >= 0.0);
    assert!(a["timings"]["decode_ms"].as_f64().is_some(), "{a}");
    assert!(a["timings"]["encode_ms"].as_f64().is_some(), "{a}");
    assert!(a.get("error").is_none());
    for broken in [&files[2], &files[3], &files[6]] {
        assert_eq!(broken["output"], Value::Null);
        assert!(!broken["error"].as_str().unwrap().is_empty(), "{broken}");
    }
    assert_eq!(json["totals"]["files"], 7);
    assert_eq!(json["totals"]["ok"], 4);
    assert_eq!(json["totals"]["failed"], 3);
    assert_eq!(json["totals"]["skipped"], 0);
    assert!(json["totals"]["timings"]["decode_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(json["shard"], Value::Null);
    assert!(json["options"].is_object());
}

#[test]
fn a_clean_run_exits_0_and_quiet_prints_nothing() {
    let root = tempfile::tempdir().unwrap();
    write_image(&root.path().join("in/x.png"), 32, 32, 8);
    write_image(&root.path().join("in/y/z.jpeg"), 32, 32, 8);
    batch()
        .arg(root.path().join("in"))
        .arg(root.path().join("out"))
        .assert()
        .success()
        .stderr(predicate::str::contains("2 done, 0 skipped, 0 failed"));
    batch()
        .arg(root.path().join("in"))
        .arg(root.path().join("out2"))
        .args(["--quiet", "--jobs", "1"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert!(root.path().join("out2/y/z.jpeg.png").is_file());
}

#[test]
fn an_empty_input_folder_is_a_clean_run() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir(root.path().join("in")).unwrap();
    batch()
        .arg(root.path().join("in"))
        .arg(root.path().join("out"))
        .assert()
        .success()
        .stderr(predicate::str::contains("0 done, 0 skipped, 0 failed"));
}

#[test]
fn skip_existing_resumes_without_redoing_finished_files_and_removes_stale_temporaries() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("in");
    for i in 0..6 {
        write_image(&input.join(format!("d{}/img{i}.png", i % 2)), 48, 32, 20);
    }
    let out = root.path().join("out");
    batch()
        .arg(&input)
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();

    // A finished output (marked so that redoing it would show), a missing one, and the
    // temporary file a killed write leaves.
    fs::write(out.join("d0/img0.png.png"), b"finished earlier").unwrap();
    fs::remove_file(out.join("d1/img1.png.png")).unwrap();
    let stale = out.join("d1/.img1.png.png.k3J9aQ.tmp");
    fs::write(&stale, b"half a png").unwrap();
    let unrelated = out.join("d1/keep-me.tmp");
    fs::write(&unrelated, b"not ours").unwrap();

    let report = root.path().join("resume.json");
    batch()
        .arg(&input)
        .arg(&out)
        .args(["--skip-existing", "--report"])
        .arg(&report)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 done, 5 skipped, 0 failed"));
    assert_eq!(
        fs::read(out.join("d0/img0.png.png")).unwrap(),
        b"finished earlier"
    );
    assert_eq!(
        image::open(out.join("d1/img1.png.png")).unwrap().width(),
        48
    );
    assert!(!stale.exists());
    assert!(unrelated.exists());
    let json = read_json(&report);
    let st = statuses(&json);
    assert_eq!(st.len(), 6);
    for (input, status) in st {
        let want = if input == "d1/img1.png" {
            "ok"
        } else {
            "skipped"
        };
        assert_eq!(status, want, "{input}");
    }
    assert_eq!(json["totals"]["removed_temporaries"], 1);
}

fn shard_tree(root: &Path, n: usize) -> PathBuf {
    let input = root.join("in");
    for i in 0..n {
        write_image(
            &input.join(format!("g{}/s{}/p{i:03}.png", i % 3, i % 4)),
            16,
            12,
            5,
        );
    }
    input
}

fn inputs_of(report: &Value) -> BTreeSet<String> {
    statuses(report)
        .into_iter()
        .map(|(input, _)| input)
        .collect()
}

#[test]
fn shards_are_pairwise_disjoint_and_together_complete() {
    let root = tempfile::tempdir().unwrap();
    let input = shard_tree(root.path(), 40);
    let out = root.path().join("out");
    let full = root.path().join("full.json");
    batch()
        .arg(&input)
        .arg(root.path().join("out-all"))
        .arg("--quiet")
        .arg("--report")
        .arg(&full)
        .assert()
        .success();
    let all = inputs_of(&read_json(&full));
    assert_eq!(all.len(), 40);

    let n = 3;
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for k in 0..n {
        let report = root.path().join(format!("shard{k}.json"));
        batch()
            .arg(&input)
            .arg(&out)
            .args(["--quiet", "--shard", &format!("{k}/{n}"), "--report"])
            .arg(&report)
            .assert()
            .success();
        let json = read_json(&report);
        assert_eq!(json["shard"]["index"], k);
        assert_eq!(json["shard"]["count"], n);
        let mine = inputs_of(&json);
        assert!(!mine.is_empty(), "shard {k} is empty");
        assert!(
            seen.is_disjoint(&mine),
            "shard {k} overlaps: {:?}",
            seen.intersection(&mine)
        );
        total += mine.len();
        seen.extend(mine);
    }
    assert_eq!(total, 40);
    assert_eq!(seen, all);
    assert_eq!(files_under(&out), files_under(&root.path().join("out-all")));
}

#[test]
fn shard_auto_under_a_slurm_array_equals_the_explicit_shard() {
    let root = tempfile::tempdir().unwrap();
    let input = shard_tree(root.path(), 30);
    let explicit = root.path().join("explicit.json");
    batch()
        .arg(&input)
        .arg(root.path().join("o1"))
        .args(["--quiet", "--shard", "1/3", "--report"])
        .arg(&explicit)
        .assert()
        .success();
    let auto = root.path().join("auto.json");
    batch()
        .arg(&input)
        .arg(root.path().join("o2"))
        .args(["--quiet", "--shard", "auto", "--report"])
        .arg(&auto)
        .env("SLURM_ARRAY_JOB_ID", "4242")
        .env("SLURM_ARRAY_TASK_ID", "6")
        .env("SLURM_ARRAY_TASK_MIN", "5")
        .env("SLURM_ARRAY_TASK_MAX", "7")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .assert()
        .success();
    let (explicit, auto) = (read_json(&explicit), read_json(&auto));
    assert_eq!(inputs_of(&explicit), inputs_of(&auto));
    assert!(!inputs_of(&auto).is_empty());
    assert_eq!(auto["shard"], explicit["shard"]);
    assert_eq!(
        files_under(&root.path().join("o1")),
        files_under(&root.path().join("o2"))
    );
}

#[test]
fn shard_auto_outside_slurm_or_with_a_stepped_array_is_a_usage_error() {
    let root = tempfile::tempdir().unwrap();
    let input = shard_tree(root.path(), 2);
    batch()
        .arg(&input)
        .arg(root.path().join("out"))
        .args(["--shard", "auto"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SLURM_ARRAY_TASK_ID"));
    batch()
        .arg(&input)
        .arg(root.path().join("out"))
        .args(["--shard", "auto"])
        .env("SLURM_ARRAY_TASK_ID", "10")
        .env("SLURM_ARRAY_TASK_MIN", "0")
        .env("SLURM_ARRAY_TASK_MAX", "10")
        .env("SLURM_ARRAY_TASK_COUNT", "6")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--shard K/N"));
    assert!(files_under(&root.path().join("out")).is_empty());
}

#[test]
fn bad_usage_exits_2_with_one_line() {
    let root = tempfile::tempdir().unwrap();
    let input = shard_tree(root.path(), 2);
    let out = root.path().join("out");
    let cases: &[&[&str]] = &[
        &["--shard", "3/3"],
        &["--shard", "1-3"],
        &["--jobs", "0"],
        &["--threshold", "abc"],
        &["--sigma", "-1"],
    ];
    for args in cases {
        batch()
            .arg(&input)
            .arg(&out)
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::function(|s: &str| {
                s.trim_end().lines().count() <= 3
            }));
    }
    batch()
        .arg(root.path().join("missing"))
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing"));
    batch()
        .arg(&input)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("contains the input folder"));
    batch()
        .arg(&input)
        .arg(&out)
        .arg("--report")
        .arg(root.path().join("no/such/folder/r.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    let an_input = input.join("g0/s0/p000.png");
    let before = fs::read(&an_input).unwrap();
    batch()
        .arg(&input)
        .arg(&out)
        .arg("--report")
        .arg(&an_input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("input image"));
    assert_eq!(fs::read(&an_input).unwrap(), before);
    assert!(files_under(&out).is_empty());
    assert_eq!(files_under(&input).len(), 2, "an input was touched");
}

#[test]
fn an_output_folder_inside_the_input_folder_never_feeds_back() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("in");
    write_image(&input.join("a.png"), 20, 20, 10);
    write_image(&input.join("sub/b.jpg"), 20, 20, 10);
    let out = input.join("edges");
    for _ in 0..2 {
        let report = root.path().join("r.json");
        batch()
            .arg(&input)
            .arg(&out)
            .arg("--quiet")
            .arg("--report")
            .arg(&report)
            .assert()
            .success();
        let names = inputs_of(&read_json(&report));
        assert_eq!(names, ["a.png", "sub/b.jpg"].map(String::from).into());
    }
    assert_eq!(
        files_under(&out),
        ["a.png.png", "sub/b.jpg.png"].map(String::from).into()
    );
}

#[test]
fn killed_with_sigkill_then_resumed_leaves_only_complete_pngs() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("in");
    let n = 160;
    for i in 0..n {
        write_image(
            &input.join(format!("f{}/img{i:03}.png", i % 4)),
            640,
            480,
            7 + i % 600,
        );
    }
    let out = root.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("edgegrad");
    let mut child = StdCommand::new(&bin)
        .arg("batch")
        .arg(&input)
        .arg(&out)
        .args(["--quiet", "--jobs", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while files_under(&out)
        .iter()
        .filter(|f| f.ends_with(".png"))
        .count()
        < 4
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no output appeared"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = files_under(&out);
    let finished = after_kill
        .iter()
        .filter(|f| f.ends_with(".png.png"))
        .count();
    assert!(
        finished < n as usize,
        "the run finished before it was killed: make it longer"
    );

    batch()
        .arg(&input)
        .arg(&out)
        .args(["--quiet", "--skip-existing"])
        .assert()
        .success();
    let files = files_under(&out);
    assert_eq!(
        files.len(),
        n as usize,
        "{:?}",
        files
            .iter()
            .filter(|f| !f.ends_with(".png.png"))
            .collect::<Vec<_>>()
    );
    for i in 0..n {
        let name = format!("f{}/img{i:03}.png.png", i % 4);
        assert!(files.contains(&name), "{name} missing");
        let img = image::open(out.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((img.width(), img.height()), (640, 480), "{name}");
    }
}

#[test]
fn contradicting_options_are_usage_errors_naming_both() {
    let root = tempfile::tempdir().unwrap();
    let input = shard_tree(root.path(), 2);
    let out = root.path().join("out");
    for (args, both) in [
        (
            &["--canny", "--threshold", "otsu"][..],
            ["--canny", "--threshold"],
        ),
        (
            &["--threshold", "0.1", "--hysteresis", "0.02,0.08"],
            ["--threshold", "--hysteresis"],
        ),
        (&["--depth", "16"], ["--depth 16", "--output edges"]),
        (
            &["--depth", "16", "--output", "dx"],
            ["--depth 16", "--output dx"],
        ),
        (
            &["--operator", "log", "--thin"],
            ["--operator log", "--thin"],
        ),
        (
            &["--operator", "log", "--canny"],
            ["--operator log", "--canny"],
        ),
        (
            &["--threshold", "0.1", "--points", "csv"],
            ["--points", "--thin"],
        ),
        (
            &["--points", "csv", "--svg-background"],
            ["--svg-background", "csv"],
        ),
    ] {
        batch()
            .arg(&input)
            .arg(&out)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::function(move |s: &str| {
                s.lines().count() == 1
                    && s.starts_with("edgegrad: error: ")
                    && both.iter().all(|b| s.contains(b))
            }));
    }
    assert!(!out.exists(), "a refused run wrote something");
}

/// The rows of a points CSV after its header, as numbers.
fn csv_rows(path: &Path) -> Vec<Vec<f64>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("curve,x,y,strength,direction"));
    lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect()
}

#[test]
fn points_are_written_beside_each_edge_map_and_resumed_with_them() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("in");
    write_image(&input.join("a.png"), 24, 16, 12);
    write_image(&input.join("sub/b.jpg"), 20, 12, 7);
    let out = root.path().join("out");
    let report = root.path().join("r.json");
    let run = |extra: &[&str]| {
        batch()
            .arg(&input)
            .arg(&out)
            .args(["--quiet", "--points", "csv", "--report"])
            .arg(&report)
            .args(extra)
            .assert()
            .success();
        read_json(&report)
    };
    let r = run(&[]);
    let expected: BTreeSet<String> = ["a.png.png", "a.png.csv", "sub/b.jpg.png", "sub/b.jpg.csv"]
        .map(String::from)
        .into();
    assert_eq!(files_under(&out), expected);
    // The step between columns 11 and 12: every point at x = 11.5, on every row.
    let rows = csv_rows(&out.join("a.png.csv"));
    assert_eq!(rows.len(), 16);
    assert!(rows.iter().all(|r| (r[1] - 11.5).abs() < 1e-3), "{rows:?}");
    let files = r["files"].as_array().unwrap();
    assert_eq!(files[0]["points"], "a.png.csv");
    assert_eq!(files[0]["point_count"], 16);
    assert_eq!(files[0]["curve_count"], 1);
    assert_eq!(files[1]["points"], "sub/b.jpg.csv");
    assert_eq!(r["options"]["points"], "csv");
    // Resuming redoes an image whose points are missing, and only that one.
    fs::remove_file(out.join("a.png.csv")).unwrap();
    let r = run(&["--skip-existing"]);
    assert_eq!(
        statuses(&r),
        vec![
            ("a.png".to_string(), "ok".to_string()),
            ("sub/b.jpg".to_string(), "skipped".to_string())
        ]
    );
    assert_eq!(files_under(&out), expected);
    assert_eq!(csv_rows(&out.join("a.png.csv")), rows);
}

#[test]
fn points_in_json_and_svg_parse_back() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("in");
    write_image(&input.join("a.png"), 24, 16, 12);
    for format in ["json", "svg"] {
        let out = root.path().join(format);
        batch()
            .arg(&input)
            .arg(&out)
            .args(["--quiet", "--canny", "--points", format])
            .assert()
            .success();
        let text = fs::read_to_string(out.join(format!("a.png.{format}"))).unwrap();
        match format {
            "json" => {
                let v: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(
                    (v["width"].as_u64(), v["height"].as_u64()),
                    (Some(24), Some(16))
                );
                assert_eq!(v["point_count"], 16);
                assert_eq!(v["options"]["rule"], "canny");
            }
            _ => {
                let doc = roxmltree::Document::parse(&text).unwrap();
                assert_eq!(doc.root_element().attribute("width"), Some("24"));
                assert_eq!(
                    doc.descendants()
                        .filter(|n| n.has_tag_name("polyline"))
                        .count(),
                    1
                );
            }
        }
    }
}

/// `detect ARGS`, expected to succeed.
fn detect(args: &[&std::ffi::OsStr]) {
    Command::cargo_bin("edgegrad")
        .unwrap()
        .arg("detect")
        .args(args)
        .assert()
        .success();
}

#[test]
fn a_float_tiff_saved_by_detect_is_an_input_as_for_detect() {
    let root = tempfile::tempdir().unwrap();
    let p = |name: &str| root.path().join(name);
    let input = p("in");
    fs::create_dir(&input).unwrap();
    write_image(&p("step.png"), 40, 30, 12);
    let m = input.join("m.tif");
    detect(&[
        p("step.png").as_os_str(),
        "-o".as_ref(),
        p("e.png").as_os_str(),
        "--save-magnitude".as_ref(),
        m.as_os_str(),
    ]);
    for output in ["edges", "overlay", "magnitude"] {
        let out = p(&format!("out-{output}"));
        batch()
            .arg(&input)
            .arg(&out)
            .args(["--output", output, "--threshold", "0.1", "--quiet"])
            .assert()
            .success();
        let alone = p(&format!("{output}.png"));
        detect(&[
            m.as_os_str(),
            "-o".as_ref(),
            alone.as_os_str(),
            "--output".as_ref(),
            output.as_ref(),
            "--threshold".as_ref(),
            "0.1".as_ref(),
        ]);
        assert_eq!(
            fs::read(out.join("m.tif.png")).unwrap(),
            fs::read(&alone).unwrap(),
            "{output}"
        );
    }
}

#[test]
fn a_file_that_fails_says_its_cause_once_as_detect_does() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("in");
    fs::create_dir(&input).unwrap();
    // A one-channel 32-bit unsigned integer TIFF, which no decoder here takes, and a
    // truncated PNG.
    let mut u32_tiff = std::io::Cursor::new(Vec::new());
    tiff::encoder::TiffEncoder::new(&mut u32_tiff)
        .unwrap()
        .write_image::<tiff::encoder::colortype::Gray32>(2, 1, &[1u32, 2])
        .unwrap();
    write_bytes(&input.join("u32.tif"), u32_tiff.get_ref());
    write_image(&root.path().join("whole.png"), 64, 48, 20);
    let png = fs::read(root.path().join("whole.png")).unwrap();
    write_bytes(&input.join("half.png"), &png[..png.len() / 2]);
    let report = root.path().join("r.json");
    let out = batch()
        .arg(&input)
        .arg(root.path().join("out"))
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let json = read_json(&report);
    for (i, name) in ["half.png", "u32.tif"].into_iter().enumerate() {
        let path = input.join(name);
        let alone = Command::cargo_bin("edgegrad")
            .unwrap()
            .arg("detect")
            .arg(&path)
            .output()
            .unwrap();
        let detect_line = String::from_utf8(alone.stderr).unwrap();
        let cause = detect_line
            .trim_end()
            .strip_prefix(&format!("edgegrad: error: {}: ", path.display()))
            .unwrap_or_else(|| panic!("{detect_line}"));
        // Said once: not "KIND: X: X", as when the decoder's error was also printed as the
        // cause of the message that already held it.
        let repeated = cause
            .match_indices(": ")
            .any(|(i, _)| cause[..i].ends_with(&cause[i + 2..]));
        assert!(!repeated, "{cause}");
        let line = format!("edgegrad: error: {name}: {cause}");
        assert!(stderr.lines().any(|l| l == line), "{stderr} lacks {line}");
        assert_eq!(json["files"][i]["error"], cause);
    }
}
