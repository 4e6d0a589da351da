//! The fixtures of the derivatives beyond np.gradient (`tests/fixtures/stencils.json`, written
//! by `generate_stencils.py` with scipy.ndimage), and comparison within a few ulp.

use edgegrad::io::npy::AnyArray;
use ndarray::{ArrayD, Dimension};
use serde::Deserialize;

use super::fixtures;

/// Everything `generate_stencils.py` recorded.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub numpy_version: String,
    pub scipy_version: String,
    pub cases: Vec<Case>,
}

/// One computation: `derivative`, `laplacian` or `hessian` of `input`.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub kind: String,
    /// The boundary, as the command line spells it.
    pub mode: String,
    pub input: String,
    pub axis: Option<usize>,
    pub order: Option<usize>,
    pub accuracy: usize,
    /// Python float reprs: one (derivative) or one per axis.
    pub spacing: Vec<String>,
    pub expected: Vec<String>,
}

impl Case {
    /// The spacings as numbers.
    pub fn spacings(&self) -> Vec<f64> {
        self.spacing
            .iter()
            .map(|s| s.parse().expect("a float repr"))
            .collect()
    }

    /// A short name for messages.
    pub fn name(&self) -> String {
        format!(
            "{} {} axis {:?} order {:?} accuracy {} spacing {:?} of {}",
            self.kind, self.mode, self.axis, self.order, self.accuracy, self.spacing, self.input
        )
    }
}

/// Reads `tests/fixtures/stencils.json`.
pub fn manifest() -> Manifest {
    let text = std::fs::read_to_string(fixtures().join("stencils.json")).expect("stencils.json");
    serde_json::from_str(&text).expect("stencils.json parses")
}

/// The distance in units in the last place between two floats of one type, with `-0 == +0`;
/// NaN only matches NaN.
pub trait Ulps: Copy + std::fmt::Debug {
    fn ulps(self, other: Self) -> u64;
}

impl Ulps for f64 {
    fn ulps(self, other: Self) -> u64 {
        if self.is_nan() || other.is_nan() {
            return if self.is_nan() && other.is_nan() {
                0
            } else {
                u64::MAX
            };
        }
        let key = |x: f64| {
            let i = x.to_bits() as i64;
            if i < 0 {
                i64::MIN.wrapping_sub(i) as i128
            } else {
                i as i128
            }
        };
        (key(self) - key(other)).unsigned_abs() as u64
    }
}

impl Ulps for f32 {
    fn ulps(self, other: Self) -> u64 {
        if self.is_nan() || other.is_nan() {
            return if self.is_nan() && other.is_nan() {
                0
            } else {
                u64::MAX
            };
        }
        let key = |x: f32| {
            let i = x.to_bits() as i32;
            if i < 0 {
                i32::MIN.wrapping_sub(i) as i64
            } else {
                i as i64
            }
        };
        (key(self) - key(other)).unsigned_abs()
    }
}

fn largest<T: Ulps>(got: &ArrayD<T>, want: &ArrayD<T>) -> Result<u64, String> {
    if got.shape() != want.shape() {
        return Err(format!(
            "shape {:?}, expected {:?}",
            got.shape(),
            want.shape()
        ));
    }
    let mut worst = (0, Vec::new(), None);
    for ((index, &g), &w) in got.indexed_iter().zip(want.iter()) {
        let d = g.ulps(w);
        if d > worst.0 {
            worst = (d, index.slice().to_vec(), Some((g, w)));
        }
    }
    match worst {
        (d, index, Some((g, w))) if d > 2 => Err(format!(
            "{d} ulp at index {index:?}: got {g:?}, expected {w:?}"
        )),
        (d, _, _) => Ok(d),
    }
}

/// The largest distance in ulp between `got` and `want` (same dtype and shape), or what is
/// wrong when that is more than 2.
pub fn within_two_ulp(got: &AnyArray, want: &AnyArray) -> Result<u64, String> {
    match (got, want) {
        (AnyArray::F32(g), AnyArray::F32(w)) => largest(g, w),
        (AnyArray::F64(g), AnyArray::F64(w)) => largest(g, w),
        (g, w) => Err(format!("dtype {}, expected {}", g.dtype(), w.dtype())),
    }
}
