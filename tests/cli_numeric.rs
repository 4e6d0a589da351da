//! The command-line contract of `edgegrad gradient` and `edgegrad diff`, tested as a black box:
//! every numpy fixture through the binary, the spellings of the flags, `--timings`, and every
//! kind of bad input ending in one stderr line, the right exit code, nothing written and no
//! panic.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;
use common::{Boundary, DiffCase, GradientCase, SpacingArg};
use edgegrad::io::npy::read_npy;
use predicates::prelude::*;
use rayon::prelude::*;
use tempfile::TempDir;

fn edgegrad() -> assert_cmd::Command {
    cargo_bin_cmd!("edgegrad")
}

fn fixture(relative: &str) -> PathBuf {
    common::fixtures().join(relative)
}

fn gradient_case(name: &str) -> GradientCase {
    common::manifest()
        .gradient
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no gradient fixture {name}"))
}

/// Checks a failed run: exit `code`, exactly one stderr line, starting `edgegrad: error:` and
/// containing every one of `mentions`, nothing on stdout, no panic.
fn check_failure(output: &Output, code: i32, mentions: &[&str]) -> Result<(), String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problem = if output.status.code() != Some(code) {
        Some(format!(
            "exit code {:?}, expected {code}",
            output.status.code()
        ))
    } else if stderr.contains("panicked") {
        Some("panicked".to_string())
    } else if stderr.lines().count() != 1 || !stderr.starts_with("edgegrad: error: ") {
        Some("not one `edgegrad: error:` line".to_string())
    } else if let Some(m) = mentions.iter().find(|m| !stderr.contains(*m)) {
        Some(format!("the message does not mention {m:?}"))
    } else if !output.stdout.is_empty() {
        Some("output on stdout".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => Err(format!("{p}; stderr: {stderr:?}")),
        None => Ok(()),
    }
}

/// Runs `edgegrad` with `args` and asserts a clean failure (see [`check_failure`]).
fn fails(args: &[&str], code: i32, mentions: &[&str]) {
    let output = edgegrad().args(args).output().expect("runs");
    if let Err(e) = check_failure(&output, code, mentions) {
        panic!("edgegrad {}: {e}", args.join(" "));
    }
}

/// The names of the entries of `dir` (sorted), to see that nothing was left behind.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn gradient_args(case: &GradientCase, out_dir: &Path) -> Vec<String> {
    let mut args = vec![
        "gradient".to_string(),
        fixture(&case.input).display().to_string(),
    ];
    for s in &case.spacing {
        args.push(match s {
            SpacingArg::Scalar(x) => format!("--spacing={}", x.scalar),
            SpacingArg::Coordinates { coordinates } => {
                format!("--spacing={}", fixture(coordinates).display())
            }
        });
    }
    if let Some(axes) = &case.axis {
        let axes: Vec<String> = axes.iter().map(|a| a.to_string()).collect();
        args.push(format!("--axis={}", axes.join(",")));
    }
    args.push(format!("--edge-order={}", case.edge_order));
    args.push(format!("--out-dir={}", out_dir.display()));
    args
}

fn check_gradient_case(case: &GradientCase, out_dir: &Path) -> Result<(), String> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_edgegrad"))
        .args(gradient_args(case, out_dir))
        .output()
        .map_err(|e| e.to_string())?;
    let Some(expected) = &case.expected else {
        check_failure(&output, 2, &[])?;
        return match out_dir.exists() {
            true => Err("the output folder was created".into()),
            false => Ok(()),
        };
    };
    if !output.status.success() {
        return Err(format!(
            "failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let ndim = common::load(&case.input).shape().len() as isize;
    let axes: Vec<usize> = match &case.axis {
        None => (0..ndim as usize).collect(),
        Some(a) => a.iter().map(|&a| ((a + ndim) % ndim) as usize).collect(),
    };
    let mut names: Vec<String> = axes.iter().map(|a| format!("axis{a}.npy")).collect();
    for (name, want) in names.iter().zip(expected) {
        let got = read_npy(&out_dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
        common::compare(&got, want).map_err(|e| format!("{name}: {e}"))?;
    }
    names.sort();
    if entries(out_dir) != names {
        return Err(format!("the folder holds {:?}", entries(out_dir)));
    }
    Ok(())
}

#[test]
fn gradient_command_matches_numpy_on_every_fixture() {
    let manifest = common::manifest();
    let tmp = TempDir::new().expect("temp dir");
    // An empty axis list (numpy's `axis=()`) cannot be written on the command line.
    let cases: Vec<&GradientCase> = manifest
        .gradient
        .iter()
        .filter(|c| c.axis.as_ref().is_none_or(|a| !a.is_empty()))
        .collect();
    assert!(cases.len() + 1 >= manifest.gradient.len());
    let failures: Vec<String> = cases
        .par_iter()
        .enumerate()
        .filter_map(|(k, c)| {
            let out_dir = tmp.path().join(format!("case{k}")).join("out");
            check_gradient_case(c, &out_dir)
                .err()
                .map(|e| format!("{}: {e}", c.name))
        })
        .collect();
    common::report("edgegrad gradient", cases.len(), &failures);
}

fn boundary_arg(flag: &str, b: &Boundary) -> String {
    match b {
        Boundary::Int { int } => format!("{flag}={int}"),
        Boundary::Float(x) => format!("{flag}={}", x.scalar),
        Boundary::Array { array } => format!("{flag}={}", fixture(array).display()),
    }
}

fn check_diff_case(case: &DiffCase, out: &Path) -> Result<(), String> {
    let mut args = vec![
        "diff".to_string(),
        fixture(&case.input).display().to_string(),
        format!("--n={}", case.n),
        format!("--axis={}", case.axis),
        "-o".to_string(),
        out.display().to_string(),
    ];
    if let Some(b) = &case.prepend {
        args.push(boundary_arg("--prepend", b));
    }
    if let Some(b) = &case.append {
        args.push(boundary_arg("--append", b));
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_edgegrad"))
        .args(&args)
        .output()
        .map_err(|e| e.to_string())?;
    let Some(expected) = &case.expected else {
        check_failure(&output, 2, &[])?;
        return match out.parent().is_some_and(Path::exists) {
            true => Err("something was written".into()),
            false => Ok(()),
        };
    };
    if !output.status.success() {
        return Err(format!(
            "failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let got = read_npy(out).map_err(|e| e.to_string())?;
    common::compare(&got, expected)?;
    let dir = out.parent().expect("a folder");
    match entries(dir).len() {
        1 => Ok(()),
        _ => Err(format!("the folder holds {:?}", entries(dir))),
    }
}

#[test]
fn diff_command_matches_numpy_on_every_fixture() {
    let manifest = common::manifest();
    let tmp = TempDir::new().expect("temp dir");
    let failures: Vec<String> = manifest
        .diff
        .par_iter()
        .enumerate()
        .filter_map(|(k, c)| {
            let out = tmp.path().join(format!("case{k}")).join("out.npy");
            check_diff_case(c, &out)
                .err()
                .map(|e| format!("{}: {e}", c.name))
        })
        .collect();
    common::report("edgegrad diff", manifest.diff.len(), &failures);
}

#[test]
fn gradient_creates_nested_folders_and_names_files_by_normalised_axis() {
    let case = gradient_case("special/5d_fortran_f32");
    assert_eq!(case.axis, Some(vec![0, 2, -2, 4]));
    let tmp = TempDir::new().unwrap();
    let out_dir = tmp.path().join("a").join("b").join("c");
    edgegrad()
        .args(gradient_args(&case, &out_dir))
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(
        entries(&out_dir),
        ["axis0.npy", "axis2.npy", "axis3.npy", "axis4.npy"]
    );
    for (name, want) in ["axis0", "axis2", "axis3", "axis4"]
        .iter()
        .zip(case.expected.as_ref().unwrap())
    {
        let got = read_npy(&out_dir.join(format!("{name}.npy"))).unwrap();
        assert_eq!(want.dtype, "float32");
        assert_eq!(want.order, "F");
        common::compare(&got, want).unwrap();
    }
}

#[test]
fn negative_values_work_with_and_without_equals_sign() {
    let tmp = TempDir::new().unwrap();
    // --axis -1 and --axis=-1
    let case = gradient_case("numpy/specific_axes_minus1");
    let input = fixture(&case.input);
    let want = &case.expected.as_ref().unwrap()[0];
    for (k, flags) in [["--axis", "-1"].as_slice(), &["--axis=-1"]]
        .iter()
        .enumerate()
    {
        let dir = tmp.path().join(format!("axis{k}"));
        edgegrad()
            .arg("gradient")
            .arg(&input)
            .args(*flags)
            .arg("--out-dir")
            .arg(&dir)
            .assert()
            .success();
        assert_eq!(entries(&dir), ["axis1.npy"]);
        common::compare(&read_npy(&dir.join("axis1.npy")).unwrap(), want).unwrap();
    }
    // --spacing -0.5 and --spacing=-0.5
    let case = gradient_case("special/negative_spacing_float64_e1");
    let input = fixture(&case.input);
    let want = &case.expected.as_ref().unwrap()[0];
    for (k, flags) in [["--spacing", "-0.5"].as_slice(), &["--spacing=-0.5"]]
        .iter()
        .enumerate()
    {
        let dir = tmp.path().join(format!("spacing{k}"));
        edgegrad()
            .arg("gradient")
            .arg(&input)
            .args(*flags)
            .args(["--out-dir", dir.to_str().unwrap()])
            .assert()
            .success();
        common::compare(&read_npy(&dir.join("axis0.npy")).unwrap(), want).unwrap();
    }
    // --axis -2,-1 with two spacings, the first negative
    let case = gradient_case("numpy/specific_axes_vararg_order");
    let want = case.expected.as_ref().unwrap();
    let dir = tmp.path().join("both");
    edgegrad()
        .arg("gradient")
        .arg(fixture(&case.input))
        .args(["--axis", "-1,-2", "--spacing", "2", "--spacing", "3"])
        .arg("--out-dir")
        .arg(&dir)
        .assert()
        .success();
    common::compare(&read_npy(&dir.join("axis1.npy")).unwrap(), &want[0]).unwrap();
    common::compare(&read_npy(&dir.join("axis0.npy")).unwrap(), &want[1]).unwrap();
    // diff --axis -1 --prepend -3
    let case = common::manifest()
        .diff
        .into_iter()
        .find(|c| c.name == "special/int8_prepend_int8")
        .unwrap();
    let out = tmp.path().join("d.npy");
    edgegrad()
        .arg("diff")
        .arg(fixture(&case.input))
        .args(["--axis", "-1", "--prepend"])
        .arg(fixture(match &case.prepend {
            Some(Boundary::Array { array }) => array,
            other => panic!("{other:?}"),
        }))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    common::compare(&read_npy(&out).unwrap(), case.expected.as_ref().unwrap()).unwrap();
}

#[test]
fn timings_are_the_last_stderr_line() {
    let case = gradient_case("special/parallel_f32_coords");
    let tmp = TempDir::new().unwrap();
    let mut args = gradient_args(&case, &tmp.path().join("out"));
    args.push("--timings".into());
    let output = edgegrad().args(&args).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let last = stderr.lines().last().expect("a stderr line");
    let json: serde_json::Value = serde_json::from_str(last).expect("JSON");
    let object = json.as_object().expect("an object");
    let total = object["total_ms"].as_f64().expect("total_ms is a number");
    for key in ["load_ms", "gradient_ms", "save_ms"] {
        let ms = object[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} missing"));
        assert!((0.0..=total).contains(&ms), "{key} = {ms}, total {total}");
    }
    // Without --timings, nothing on stderr.
    let output = edgegrad().args(&args[..args.len() - 1]).output().unwrap();
    assert!(output.status.success());
    assert!(output.stderr.is_empty());
}

#[test]
fn unsupported_dtypes_are_refused() {
    let manifest = common::manifest();
    let tmp = TempDir::new().unwrap();
    let out_dir = tmp.path().join("out");
    let out = tmp.path().join("out.npy");
    for (name, dtype) in &manifest.unsupported {
        if name.starts_with("coords_") || name.starts_with("bool_") {
            continue;
        }
        let path = fixture(&format!("unsupported/{name}"));
        let path = path.to_str().unwrap();
        fails(
            &["gradient", path, "--out-dir", out_dir.to_str().unwrap()],
            1,
            &[name, "unsupported dtype"],
        );
        fails(
            &["diff", path, "-o", out.to_str().unwrap()],
            1,
            &[name, "unsupported dtype"],
        );
        assert!(
            !out_dir.exists() && !out.exists(),
            "{name} ({dtype}) wrote output"
        );
    }
    // Boolean arrays can be differenced but have no gradient, as in numpy.
    let bool_input = fixture("unsupported/bool_coords.npy");
    fails(
        &[
            "gradient",
            bool_input.to_str().unwrap(),
            "--out-dir",
            out_dir.to_str().unwrap(),
        ],
        1,
        &["bool_coords.npy", "boolean"],
    );
    assert!(entries(tmp.path()).is_empty());
}

/// A `.npy` header (format 1.0) for `descr` and `shape`, padded as numpy pads it.
fn npy_header(descr: &str, fortran: bool, shape: &str) -> Vec<u8> {
    let dict = format!(
        "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape}, }}",
        if fortran { "True" } else { "False" }
    );
    let mut len = dict.len() + 1;
    len += (64 - (10 + len) % 64) % 64;
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(len as u16).to_le_bytes());
    bytes.extend_from_slice(dict.as_bytes());
    bytes.resize(10 + len - 1, b' ');
    bytes.push(b'\n');
    bytes
}

#[test]
fn npy_header_helper_writes_files_edgegrad_reads() {
    let tmp = TempDir::new().unwrap();
    let path = tmp.path().join("ok.npy");
    let mut bytes = npy_header("<f8", false, "(2,)");
    bytes.extend_from_slice(&1.5f64.to_le_bytes());
    bytes.extend_from_slice(&(-2.0f64).to_le_bytes());
    fs::write(&path, bytes).unwrap();
    let a = read_npy(&path).unwrap();
    assert_eq!(
        a,
        edgegrad::io::npy::AnyArray::F64(ndarray::array![1.5, -2.0].into_dyn())
    );
}

#[test]
fn damaged_files_are_refused_without_allocating() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let good = fs::read(fixture(&gradient_case("numpy/doc_1d_float_input").input)).unwrap();
    let mut files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.npy", vec![], "not a valid .npy file"),
        ("text.npy", b"x,y\n1,2\n".to_vec(), "not a valid .npy file"),
        (
            "random.npy",
            (0..200u8).map(|i| i.wrapping_mul(37)).collect(),
            "not a valid .npy file",
        ),
        (
            "magic_only.npy",
            b"\x93NUMPY\x01\x00".to_vec(),
            "not a valid .npy file",
        ),
        (
            "cut_in_header.npy",
            good[..40].to_vec(),
            "not a valid .npy file",
        ),
        (
            "cut_in_data.npy",
            good[..good.len() - 5].to_vec(),
            "header promises",
        ),
        (
            "extra_bytes.npy",
            [&good[..], b"junk"].concat(),
            "header promises",
        ),
    ];
    let mut huge = npy_header("<f8", false, "(1099511627776, 1099511627776)");
    huge.extend_from_slice(&[0; 64]);
    files.push(("huge_shape.npy", huge, "header promises"));
    let mut short = npy_header("<u2", true, "(1000, 1000)");
    short.extend_from_slice(&[0; 2000]);
    files.push(("short_data.npy", short, "header promises"));
    let mut garbled = npy_header("<f8", false, "(2,)");
    garbled[20] = b'#';
    files.push(("garbled_header.npy", garbled, "not a valid .npy file"));
    let mut bad_shape = npy_header("<f8", false, "(-2,)");
    bad_shape.extend_from_slice(&[0; 16]);
    files.push(("negative_shape.npy", bad_shape, "not a valid .npy file"));
    fs::write(dir.join("picture.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    for (name, bytes, _) in &files {
        fs::write(dir.join(name), bytes).unwrap();
    }
    let before = entries(dir);
    let out_dir = dir.join("out");
    let out = dir.join("out.npy");
    let mut cases: Vec<(String, &str)> = files
        .iter()
        .map(|(name, _, cause)| (name.to_string(), *cause))
        .collect();
    cases.push(("picture.png".into(), "not a valid .npy file"));
    cases.push(("missing.npy".into(), "No such file"));
    for (name, cause) in &cases {
        let path = dir.join(name);
        let path = path.to_str().unwrap();
        fails(
            &["gradient", path, "--out-dir", out_dir.to_str().unwrap()],
            1,
            &[name, cause],
        );
        fails(
            &["diff", path, "-o", out.to_str().unwrap()],
            1,
            &[name, cause],
        );
        // As coordinates, the same files fail the same way.
        let good_input = fixture(&gradient_case("numpy/doc_1d_float_input").input);
        fails(
            &[
                "gradient",
                good_input.to_str().unwrap(),
                "--spacing",
                path,
                "--out-dir",
                out_dir.to_str().unwrap(),
            ],
            if *name == "missing.npy" { 2 } else { 1 },
            &[name],
        );
    }
    let folder = dir.to_str().unwrap();
    fails(
        &["gradient", folder, "--out-dir", out_dir.to_str().unwrap()],
        1,
        &[folder],
    );
    fails(&["diff", folder, "-o", out.to_str().unwrap()], 1, &[folder]);
    assert_eq!(entries(dir), before, "something was written");
}

#[test]
fn bad_arguments_exit_with_code_2() {
    let tmp = TempDir::new().unwrap();
    let out_dir = tmp.path().join("out");
    let out_dir = out_dir.to_str().unwrap();
    let out = tmp.path().join("out.npy");
    let out = out.to_str().unwrap();
    let f2d = fixture(&gradient_case("numpy/args_2d_uneven").input);
    let f2d = f2d.to_str().unwrap();
    let coords_2d = fixture("unsupported/coords_2d.npy");
    let bool_coords = fixture("unsupported/bool_coords.npy");
    let five = fixture(&gradient_case("numpy/doc_1d_coordinates").input); // 6 values
    let g = |extra: &[&str]| -> Vec<String> {
        let mut v = vec!["gradient", f2d, "--out-dir", out_dir];
        v.extend_from_slice(extra);
        v.into_iter().map(String::from).collect()
    };
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (g(&["--edge-order", "3"]), vec!["edge_order"]),
        (g(&["--edge-order", "0"]), vec!["edge_order"]),
        (g(&["--edge-order", "x"]), vec!["--edge-order"]),
        (g(&["--edge-order=-1"]), vec!["--edge-order"]),
        (g(&["--axis", "2"]), vec!["axis 2", "out of bounds"]),
        (g(&["--axis=-3"]), vec!["axis -3", "out of bounds"]),
        (g(&["--axis", "0,-2"]), vec!["repeated axis"]),
        (g(&["--axis", "1,x"]), vec!["--axis"]),
        (g(&["--spacing", "abc"]), vec!["--spacing abc"]),
        (
            g(&["--spacing", "1", "--spacing", "2", "--spacing", "3"]),
            vec!["spacings"],
        ),
        (g(&["--spacing", five.to_str().unwrap()]), vec!["spacings"]),
        (
            g(&["--spacing", five.to_str().unwrap(), "--spacing", "1"]),
            vec!["coordinates for axis 0", "6 values"],
        ),
        (
            g(&["--spacing", coords_2d.to_str().unwrap(), "--axis", "0"]),
            vec!["coords_2d.npy", "1-D"],
        ),
        (
            g(&["--spacing", bool_coords.to_str().unwrap(), "--axis", "0"]),
            vec!["bool_coords.npy", "boolean"],
        ),
        (g(&["--spacing", "0", "--edge-order", "2"]), vec!["zero"]),
        (g(&["--bogus"]), vec!["--bogus"]),
        (vec!["gradient".into(), f2d.into()], vec!["--out-dir"]),
        (vec!["nonsense".into()], vec!["nonsense"]),
    ];
    let d = |extra: &[&str]| -> Vec<String> {
        let mut v = vec!["diff", f2d, "-o", out];
        v.extend_from_slice(extra);
        v.into_iter().map(String::from).collect()
    };
    let diff_cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (d(&["--n", "-1"]), vec!["--n", "-1"]),
        (d(&["--n", "two"]), vec!["--n"]),
        (d(&["--axis", "2"]), vec!["axis 2", "out of bounds"]),
        (d(&["--axis=-3"]), vec!["axis -3", "out of bounds"]),
        (d(&["--prepend", "abc"]), vec!["--prepend abc"]),
        (d(&["--append", "1e"]), vec!["--append 1e"]),
        (
            d(&["--prepend", coords_2d.to_str().unwrap()]),
            vec!["prepend", "[2, 3]"],
        ),
        (vec!["diff".into(), f2d.into()], vec!["--output"]),
    ];
    for (args, mentions) in cases.iter().chain(&diff_cases) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&args, 2, mentions);
    }
    assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
}

#[test]
fn outputs_never_replace_the_input() {
    let tmp = TempDir::new().unwrap();
    let case = gradient_case("numpy/doc_2d");
    let original = fs::read(fixture(&case.input)).unwrap();
    let input = tmp.path().join("axis1.npy");
    fs::write(&input, &original).unwrap();
    let dir = tmp.path().to_str().unwrap();
    let input_str = input.to_str().unwrap();
    fails(
        &["gradient", input_str, "--out-dir", dir],
        2,
        &["axis1.npy", "overwrite the input"],
    );
    let dotted = tmp.path().join(".").to_str().unwrap().to_string();
    fails(
        &["gradient", input_str, "--axis=-1", "--out-dir", &dotted],
        2,
        &["overwrite the input"],
    );
    fails(
        &["diff", input_str, "-o", input_str],
        2,
        &["overwrite the input"],
    );
    let link = tmp.path().join("link.npy");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    fails(
        &["diff", input_str, "-o", link.to_str().unwrap()],
        2,
        &["overwrite the input"],
    );
    assert_eq!(fs::read(&input).unwrap(), original);
    assert_eq!(entries(tmp.path()), ["axis1.npy", "link.npy"]);
    // Axis 0 alone does not touch axis1.npy.
    edgegrad()
        .args(["gradient", input_str, "--axis", "0", "--out-dir", dir])
        .assert()
        .success();
    common::compare(
        &read_npy(&tmp.path().join("axis0.npy")).unwrap(),
        &case.expected.as_ref().unwrap()[0],
    )
    .unwrap();
    assert_eq!(fs::read(&input).unwrap(), original);
}

#[test]
fn unwritable_outputs_fail_cleanly() {
    let tmp = TempDir::new().unwrap();
    let input = fixture(&gradient_case("numpy/doc_2d").input);
    let input = input.to_str().unwrap();
    let file = tmp.path().join("file");
    fs::write(&file, b"x").unwrap();
    let file = file.to_str().unwrap();
    fails(&["gradient", input, "--out-dir", file], 1, &[file]);
    let below_file = format!("{file}/out.npy");
    fails(&["diff", input, "-o", &below_file], 1, &[file]);
    let dir = tmp.path().join("dir.npy");
    fs::create_dir(&dir).unwrap();
    fails(
        &["diff", input, "-o", dir.to_str().unwrap()],
        1,
        &["dir.npy"],
    );
    assert_eq!(entries(tmp.path()), ["dir.npy", "file"]);
    assert!(entries(&dir).is_empty());
}

#[test]
fn help_and_version_print_normally() {
    edgegrad()
        .args(["gradient", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--out-dir"));
    edgegrad()
        .args(["diff", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--prepend"));
    edgegrad()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("edgegrad "));
}
