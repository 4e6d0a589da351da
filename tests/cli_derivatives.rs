//! The command-line contract of `edgegrad derivative`, `laplacian` and `hessian`, and of
//! `gradient --accuracy/--boundary`, as a black box: the scipy.ndimage fixtures through the
//! binary (within 2 ulp), the output names, and every kind of bad input ending in one stderr
//! line, exit code 2, nothing written and no panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::stencils::{manifest, within_two_ulp, Case};
use edgegrad::io::npy::read_npy;
use ndarray::Dimension;
use rayon::prelude::*;
use tempfile::TempDir;

fn edgegrad(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgegrad"))
        .args(args)
        .output()
        .expect("runs")
}

/// A command line's words (the test's paths have no spaces).
fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(String::from).collect()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// The command line of a fixture case, writing under `out`; and the files it writes, in the
/// order of the case's outputs.
fn command(case: &Case, out: &Path) -> (Vec<String>, Vec<PathBuf>) {
    let input = common::fixtures().join(&case.input).display().to_string();
    let mut args = vec![case.kind.clone(), input];
    for h in &case.spacing {
        args.push(format!("--spacing={h}"));
    }
    args.push(format!("--accuracy={}", case.accuracy));
    args.push(format!("--boundary={}", case.mode));
    let files = match case.kind.as_str() {
        "derivative" => {
            args.push(format!("--axis={}", case.axis.expect("an axis")));
            args.push(format!("--order={}", case.order.expect("an order")));
            vec![out.join("d.npy")]
        }
        "laplacian" => vec![out.join("lap.npy")],
        _ => {
            let ndim = case.spacing.len();
            (0..ndim)
                .flat_map(|i| (i..ndim).map(move |j| format!("d{i}{j}.npy")))
                .map(|name| out.join("h").join(name))
                .collect()
        }
    };
    if case.kind == "hessian" {
        args.push(format!("--out-dir={}", out.join("h").display()));
    } else {
        args.push(format!("--output={}", files[0].display()));
    }
    (args, files)
}

fn check(args: &[String], files: &[PathBuf], expected: &[String]) -> Result<(), String> {
    let output = edgegrad(args);
    if !output.status.success() {
        return Err(format!(
            "failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    for (file, want) in files.iter().zip(expected) {
        let got = read_npy(file).map_err(|e| format!("{}: {e}", file.display()))?;
        within_two_ulp(&got, &common::load(want))
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

#[test]
fn commands_match_scipy_on_every_fixture() {
    let manifest = manifest();
    let failures: Vec<String> = manifest
        .cases
        .par_iter()
        .filter_map(|case| {
            let tmp = TempDir::new().unwrap();
            let (args, files) = command(case, tmp.path());
            check(&args, &files, &case.expected)
                .err()
                .map(|e| format!("{}: {e}", case.name()))
        })
        .collect();
    common::report("command", manifest.cases.len(), &failures);
}

#[test]
fn gradient_with_accuracy_and_boundary_writes_the_first_derivatives() {
    let manifest = manifest();
    let cases: Vec<&Case> = manifest
        .cases
        .iter()
        .filter(|c| c.kind == "derivative" && c.order == Some(1) && c.mode != "numpy")
        .step_by(3)
        .collect();
    assert!(cases.len() > 30);
    let failures: Vec<String> = cases
        .par_iter()
        .filter_map(|case| {
            let tmp = TempDir::new().unwrap();
            let axis = case.axis.expect("an axis");
            let args = vec![
                "gradient".to_string(),
                common::fixtures().join(&case.input).display().to_string(),
                format!("--spacing={}", case.spacing[0]),
                format!("--axis={axis}"),
                format!("--accuracy={}", case.accuracy),
                format!("--boundary={}", case.mode),
                format!("--out-dir={}", tmp.path().display()),
            ];
            let file = tmp.path().join(format!("axis{axis}.npy"));
            check(&args, &[file], &case.expected)
                .err()
                .map(|e| format!("{}: {e}", case.name()))
        })
        .collect();
    common::report("gradient", cases.len(), &failures);
}

/// Runs `args` and checks a clean failure: exit `code`, one `edgegrad: error:` line naming
/// every one of `mentions`, nothing on stdout, no panic.
fn fails_with(code: i32, args: &[String], mentions: &[&str]) {
    let output = edgegrad(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problem = if output.status.code() != Some(code) {
        Some(format!("exit code {:?}", output.status.code()))
    } else if stderr.contains("panicked") || stderr.lines().count() != 1 {
        Some("not one line".to_string())
    } else if !stderr.starts_with("edgegrad: error: ") || !output.stdout.is_empty() {
        Some("not an error line".to_string())
    } else {
        mentions
            .iter()
            .find(|m| !stderr.contains(*m))
            .map(|m| format!("no mention of {m:?}"))
    };
    if let Some(p) = problem {
        panic!("edgegrad {}: {p}; stderr: {stderr:?}", args.join(" "));
    }
}

/// A usage error: exit code 2.
fn fails(args: &[String], mentions: &[&str]) {
    fails_with(2, args, mentions)
}

/// A small float64 array of `shape` written to `dir/name`.
fn array(dir: &Path, name: &str, shape: &[usize]) -> String {
    let path = dir.join(name);
    let a = ndarray::ArrayD::from_shape_fn(shape, |i| i.slice().iter().sum::<usize>() as f64);
    edgegrad::io::npy::write_npy(&path, &a).unwrap();
    path.display().to_string()
}

#[test]
fn bad_arguments_exit_with_code_2_and_write_nothing() {
    let tmp = TempDir::new().unwrap();
    let f = array(tmp.path(), "f.npy", &[6, 7]);
    let short = array(tmp.path(), "short.npy", &[8]);
    let flat = array(tmp.path(), "flat.npy", &[]);
    let bools = tmp.path().join("bools.npy");
    edgegrad::io::npy::write_npy(&bools, &ndarray::array![true, false, true]).unwrap();
    let bools = bools.display().to_string();
    let out = tmp.path().join("out").join("o.npy").display().to_string();
    let out_dir = tmp.path().join("out").display().to_string();
    let d = |extra: &[&str]| {
        let mut v = strings(&["derivative", &f, "--axis", "1", "-o", &out]);
        v.extend(strings(extra));
        v
    };
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            d(&["--boundary", "periodic"]),
            vec!["unknown boundary mode", "periodic"],
        ),
        (
            d(&["--boundary", "constant:x"]),
            vec!["unknown boundary mode"],
        ),
        (
            d(&["--accuracy", "3"]),
            vec!["accuracy", "2, 4, 6 or 8", "3"],
        ),
        (d(&["--accuracy", "10"]), vec!["accuracy", "10"]),
        (d(&["--order", "5"]), vec!["order", "5"]),
        (d(&["--order", "0"]), vec!["order", "0"]),
        (
            d(&["--spacing", "nan"]),
            vec!["spacing", "not a finite number"],
        ),
        (d(&["--spacing", "0"]), vec!["spacing", "zero"]),
        (
            d(&["--spacing", "inf"]),
            vec!["spacing", "not a finite number"],
        ),
        (
            words(&format!("derivative {f} --axis 2 -o {out}")),
            vec!["axis 2", "out of bounds"],
        ),
        (d(&["--accuracy", "6"]), vec!["7 elements", "at least 9"]),
        (
            words(&format!(
                "derivative {short} --axis 0 --accuracy 8 -o {out}"
            )),
            vec![short.as_str(), "8 elements", "at least 12"],
        ),
        (
            words(&format!("derivative {flat} --axis 0 -o {out}")),
            vec!["0-d array"],
        ),
        (
            words(&format!(
                "laplacian {f} --spacing 1 --spacing 2 --spacing 3 -o {out}"
            )),
            vec!["spacings", "3"],
        ),
        (
            words(&format!("laplacian {f} --spacing 1 --spacing nan -o {out}")),
            vec!["axis 1", "not a finite number"],
        ),
        (
            words(&format!("hessian {f} --accuracy 8 --out-dir {out_dir}")),
            vec!["at least"],
        ),
        (
            words(&format!(
                "gradient {f} --accuracy 4 --edge-order 2 --out-dir {out_dir}"
            )),
            vec!["--edge-order", "--accuracy 4"],
        ),
        (
            words(&format!(
                "gradient {f} --boundary wrap --edge-order 1 --out-dir {out_dir}"
            )),
            vec!["--edge-order", "--boundary wrap"],
        ),
        (
            words(&format!("gradient {f} --accuracy 5 --out-dir {out_dir}")),
            vec!["accuracy", "5"],
        ),
        (
            words(&format!(
                "gradient {f} --spacing 0 --accuracy 4 --out-dir {out_dir}"
            )),
            vec!["spacing", "zero"],
        ),
        (
            words(&format!("derivative {f} --axis 0 -o {f}")),
            vec!["refusing to overwrite the input"],
        ),
    ];
    // Boolean arrays have no derivatives, as in numpy (a failed run, as for gradient).
    fails_with(
        1,
        &strings(&["laplacian", &bools, "-o", &out]),
        &["bools.npy", "boolean"],
    );
    for (args, mentions) in &cases {
        fails(args, mentions);
        assert!(
            !tmp.path().join("out").exists(),
            "edgegrad {}: wrote output",
            args.join(" ")
        );
    }
}

#[test]
fn uneven_coordinates_need_accuracy_2_and_numpys_boundary() {
    let tmp = TempDir::new().unwrap();
    let f = array(tmp.path(), "f.npy", &[5]);
    let x = tmp.path().join("x.npy");
    edgegrad::io::npy::write_npy(&x, &ndarray::array![0.0, 1.0, 3.0, 4.0, 5.0]).unwrap();
    let x = x.display().to_string();
    let out_dir = tmp.path().join("out").display().to_string();
    let run = |extra: &[&str]| {
        let mut v = strings(&["gradient", &f, "--spacing", &x, "--out-dir", &out_dir]);
        v.extend(strings(extra));
        v
    };
    fails(
        &run(&["--boundary", "reflect"]),
        &["axis 0", "not evenly spaced"],
    );
    assert!(edgegrad(&run(&[])).status.success());
    let even = tmp.path().join("even.npy");
    edgegrad::io::npy::write_npy(&even, &ndarray::array![0.0, 0.5, 1.0, 1.5, 2.0]).unwrap();
    let args = strings(&[
        "gradient",
        &f,
        "--spacing",
        &even.display().to_string(),
        "--boundary",
        "wrap",
        "--out-dir",
        &out_dir,
    ]);
    assert!(edgegrad(&args).status.success());
}

#[test]
fn hessian_names_its_files_by_axis_pair() {
    let tmp = TempDir::new().unwrap();
    let f = array(tmp.path(), "f.npy", &[4, 5, 6]);
    let out = tmp.path().join("h");
    let output = edgegrad(&strings(&[
        "hessian",
        &f,
        "--out-dir",
        &out.display().to_string(),
        "--timings",
    ]));
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .contains("\"derivative_ms\""),
        "{stderr}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["d00.npy", "d01.npy", "d02.npy", "d11.npy", "d12.npy", "d22.npy"]
    );
    // f = i + j + k: every second derivative is zero.
    for name in names {
        let edgegrad::io::npy::AnyArray::F64(d) = read_npy(&out.join(&name)).unwrap() else {
            panic!("{name} is not float64")
        };
        assert!(d.iter().all(|&v| v == 0.0), "{name}");
    }
}

#[test]
fn help_explains_the_options() {
    for (command, words) in [
        (
            "derivative",
            &[
                "--order",
                "--accuracy",
                "--boundary",
                "mirror",
                "[default: numpy]",
            ][..],
        ),
        (
            "laplacian",
            &["--spacing", "--accuracy", "constant[:VALUE]"][..],
        ),
        ("hessian", &["d{i}{j}.npy", "--out-dir"][..]),
        (
            "gradient",
            &["--accuracy", "--boundary", "--edge-order"][..],
        ),
    ] {
        let output = edgegrad(&strings(&[command, "--help"]));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success());
        for w in words {
            assert!(text.contains(w), "{command} --help lacks {w:?}");
        }
    }
}
