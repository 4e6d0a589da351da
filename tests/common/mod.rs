//! The numpy fixtures of `tests/fixtures/` (written by `generate_numpy.py`): the manifest's
//! cases, and bit-for-bit comparison of arrays against numpy's.

#![allow(dead_code)] // each test crate uses part of this module

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use edgegrad::io::npy::{read_npy, AnyArray};
use ndarray::{ArrayD, Dimension};
use serde::Deserialize;

/// The folder of the fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads a fixture array by its path relative to the fixture folder.
pub fn load(relative: &str) -> AnyArray {
    let path = fixtures().join(relative);
    read_npy(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Everything `generate_numpy.py` recorded.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub numpy_version: String,
    pub gradient: Vec<GradientCase>,
    pub diff: Vec<DiffCase>,
    /// File name in `unsupported/` -> numpy's dtype.
    pub unsupported: std::collections::BTreeMap<String, String>,
}

/// Reads `tests/fixtures/manifest.json`.
pub fn manifest() -> Manifest {
    let text = std::fs::read_to_string(fixtures().join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest.json parses")
}

/// A Python float exactly: its repr (for the command line) and the bits of its float64.
#[derive(Debug, Clone, Deserialize)]
pub struct PyFloat {
    pub scalar: String,
    pub bits: String,
}

impl PyFloat {
    pub fn value(&self) -> f64 {
        let v = f64::from_bits(u64::from_str_radix(&self.bits, 16).expect("hex bits"));
        let parsed: f64 = self.scalar.parse().expect("repr parses");
        assert!(
            parsed.to_bits() == v.to_bits() || (v.is_nan() && parsed.is_nan()),
            "repr {} does not give the recorded bits {}",
            self.scalar,
            self.bits
        );
        v
    }
}

/// One spacing argument: a Python float or a coordinate file.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SpacingArg {
    Scalar(PyFloat),
    Coordinates { coordinates: String },
}

/// One output numpy produced.
#[derive(Debug, Clone, Deserialize)]
pub struct Expected {
    pub file: String,
    pub dtype: String,
    /// "F" when the array is Fortran-contiguous only, "C" when C-contiguous only, else "any".
    pub order: String,
    /// numpy's strides in elements.
    pub strides: Vec<isize>,
}

/// `np.gradient(input, *spacing, axis=axis, edge_order=edge_order)`.
#[derive(Debug, Clone, Deserialize)]
pub struct GradientCase {
    pub name: String,
    pub input: String,
    pub input_order: String,
    pub spacing: Vec<SpacingArg>,
    pub axis: Option<Vec<isize>>,
    pub edge_order: usize,
    pub expected: Option<Vec<Expected>>,
    pub error: Option<String>,
    pub numpy_error: Option<String>,
}

/// A `prepend`/`append` argument of `np.diff`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Boundary {
    Int { int: i64 },
    Float(PyFloat),
    Array { array: String },
}

/// `np.diff(input, n=n, axis=axis, prepend=prepend, append=append)`.
#[derive(Debug, Clone, Deserialize)]
pub struct DiffCase {
    pub name: String,
    pub input: String,
    pub n: usize,
    pub axis: isize,
    pub prepend: Option<Boundary>,
    pub append: Option<Boundary>,
    pub expected: Option<Expected>,
    pub error: Option<String>,
    pub numpy_error: Option<String>,
}

/// Element types compared bit for bit: floats by `to_bits` (any NaN matches any NaN).
pub trait Bits: Copy + Debug {
    fn same(self, other: Self) -> bool;
}

macro_rules! exact_bits {
    ($($t:ty),*) => {$(
        impl Bits for $t {
            fn same(self, other: Self) -> bool {
                self == other
            }
        }
    )*};
}
exact_bits!(bool, i8, i16, i32, i64, u8, u16, u32, u64);

impl Bits for f32 {
    fn same(self, other: Self) -> bool {
        self.to_bits() == other.to_bits() || (self.is_nan() && other.is_nan())
    }
}

impl Bits for f64 {
    fn same(self, other: Self) -> bool {
        self.to_bits() == other.to_bits() || (self.is_nan() && other.is_nan())
    }
}

fn first_difference<T: Bits>(got: &ArrayD<T>, want: &ArrayD<T>) -> Result<(), String> {
    if got.shape() != want.shape() {
        return Err(format!(
            "shape {:?}, numpy's is {:?}",
            got.shape(),
            want.shape()
        ));
    }
    for ((index, &g), &w) in got.indexed_iter().zip(want.iter()) {
        if !g.same(w) {
            return Err(format!(
                "first difference at index {:?}: got {g:?}, numpy has {w:?}",
                index.slice()
            ));
        }
    }
    Ok(())
}

/// "F" when `a` is laid out in Fortran order only, "C" in C order only, else "any".
pub fn order(a: &AnyArray) -> &'static str {
    let (c, f) = edgegrad::any_array!(a, x => {
        let v = x.view();
        (v.is_standard_layout(), v.t().is_standard_layout())
    });
    match (c, f) {
        (true, false) => "C",
        (false, true) => "F",
        _ => "any",
    }
}

/// Whether `got` is laid out in memory exactly as numpy's output: the same strides along every
/// axis longer than 1 (a file can hold only C or Fortran order: this is for arrays the library
/// returned).
pub fn same_strides(got: &AnyArray, want: &Expected) -> Result<(), String> {
    let (shape, strides) =
        edgegrad::any_array!(got, x => (x.shape().to_vec(), x.strides().to_vec()));
    let agree = shape.contains(&0)
        || (want.strides.len() == shape.len()
            && shape
                .iter()
                .zip(&strides)
                .zip(&want.strides)
                .all(|((&n, s), w)| n <= 1 || s == w));
    if agree {
        Ok(())
    } else {
        Err(format!(
            "strides {strides:?}, numpy's are {:?} (shape {shape:?})",
            want.strides
        ))
    }
}

/// Whether an array laid out as `got` (see [`order`]) has numpy's memory order `want`.
pub fn order_matches(got: &str, want: &str) -> bool {
    want == "any" || got == want || got == "any"
}

/// Compares `got` with numpy's output: dtype, shape, memory order (where numpy's is C or
/// Fortran order only) and every element's bits.
pub fn compare(got: &AnyArray, want: &Expected) -> Result<(), String> {
    let expected = load(&want.file);
    if got.dtype().name() != want.dtype || expected.dtype().name() != want.dtype {
        return Err(format!(
            "dtype {}, numpy's is {} (file {})",
            got.dtype(),
            want.dtype,
            want.file
        ));
    }
    if !order_matches(order(got), &want.order) || !order_matches(order(&expected), &want.order) {
        return Err(format!(
            "memory order {}, numpy's is {} (file read as {})",
            order(got),
            want.order,
            order(&expected)
        ));
    }
    compare_values(got, &expected).map_err(|e| format!("{e} (file {})", want.file))
}

/// Compares element types, shapes and every element's bits (not the memory order).
pub fn compare_values(got: &AnyArray, want: &AnyArray) -> Result<(), String> {
    use AnyArray::*;
    match (got, want) {
        (Bool(g), Bool(w)) => first_difference(g, w),
        (I8(g), I8(w)) => first_difference(g, w),
        (I16(g), I16(w)) => first_difference(g, w),
        (I32(g), I32(w)) => first_difference(g, w),
        (I64(g), I64(w)) => first_difference(g, w),
        (U8(g), U8(w)) => first_difference(g, w),
        (U16(g), U16(w)) => first_difference(g, w),
        (U32(g), U32(w)) => first_difference(g, w),
        (U64(g), U64(w)) => first_difference(g, w),
        (F32(g), F32(w)) => first_difference(g, w),
        (F64(g), F64(w)) => first_difference(g, w),
        (g, w) => Err(format!("dtype {}, numpy's is {}", g.dtype(), w.dtype())),
    }
}

/// Panics with every failure (up to 25 in full) if there are any.
pub fn report(what: &str, total: usize, failures: &[String]) {
    if failures.is_empty() {
        return;
    }
    let shown: Vec<&str> = failures.iter().take(25).map(String::as_str).collect();
    panic!(
        "{} of {total} {what} cases differ from numpy:\n{}",
        failures.len(),
        shown.join("\n")
    );
}

pub mod stencils;
