//! `np.diff`: the n-th discrete difference along an axis, with numpy's `prepend` and `append`.
//!
//! Integers wrap on overflow as numpy's do, booleans compare with `!=` as numpy's do, floats
//! subtract. Mixing element types (numpy's promotion of `prepend`/`append` with the array) is
//! the caller's business: [`promote`] gives numpy's result type, to which the caller converts
//! its arrays (the `.npy` reader's `AnyArray::to_dtype` does).
//!
//! ```
//! use edgegrad::numeric::diff::{diff, DiffOptions};
//! use ndarray::array;
//!
//! let a = array![1u8, 3, 2, 10];
//! assert_eq!(diff(&a, &DiffOptions::default())?, array![2u8, 255, 8].into_dyn());
//! let o = DiffOptions { n: 2, prepend: Some(ndarray::arr0(0u8).into_dyn()), ..Default::default() };
//! assert_eq!(diff(&a, &o)?, array![1u8, 253, 9].into_dyn()); // as numpy: [0, 1, 3, 2, 10] twice
//! # Ok::<(), edgegrad::numeric::diff::DiffError>(())
//! ```

use ndarray::{ArrayBase, ArrayD, ArrayView, Axis, Data, Dimension, IxDyn, ShapeBuilder, Zip};
use thiserror::Error;

use crate::numeric::dtype::DType;

/// Elements [`diff`] can difference: `a[i+1] - a[i]` (wrapping for integers), `!=` for bool.
pub trait DiffElement: Clone + Send + Sync {
    /// The difference of `hi` and `lo` as numpy computes it.
    fn difference(hi: Self, lo: Self) -> Self;
}

impl DiffElement for bool {
    fn difference(hi: bool, lo: bool) -> bool {
        hi != lo
    }
}

macro_rules! wrapping_difference {
    ($($t:ty),*) => {$(
        impl DiffElement for $t {
            fn difference(hi: $t, lo: $t) -> $t {
                hi.wrapping_sub(lo)
            }
        }
    )*};
}
wrapping_difference!(i8, i16, i32, i64, u8, u16, u32, u64);

impl DiffElement for f32 {
    fn difference(hi: f32, lo: f32) -> f32 {
        hi - lo
    }
}

impl DiffElement for f64 {
    fn difference(hi: f64, lo: f64) -> f64 {
        hi - lo
    }
}

/// numpy's `n`, `axis`, `prepend` and `append`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffOptions<A> {
    /// How many times to difference (0 returns the input).
    pub n: usize,
    /// The axis; negative counts from the end.
    pub axis: isize,
    /// Values put before the array along `axis`: a 0-d array is repeated across the other axes,
    /// otherwise its shape must match the array's except along `axis`.
    pub prepend: Option<ArrayD<A>>,
    /// Values put after the array along `axis`, like `prepend`.
    pub append: Option<ArrayD<A>>,
}

impl<A> Default for DiffOptions<A> {
    fn default() -> Self {
        DiffOptions {
            n: 1,
            axis: -1,
            prepend: None,
            append: None,
        }
    }
}

/// Why [`diff`] refused its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[allow(missing_docs)] // the fields are what the messages name
pub enum DiffError {
    /// A 0-d array has no axis to difference along.
    #[error("diff requires input that is at least one dimensional")]
    ZeroDimensional,
    /// An axis outside `-ndim..ndim`.
    #[error("axis {axis} is out of bounds for an array of dimension {ndim}")]
    AxisOutOfRange { axis: isize, ndim: usize },
    /// A `prepend`/`append` array whose shape does not fit the array.
    #[error("{which} has shape {given:?}, which does not fit an array of shape {shape:?} along axis {axis}: all dimensions except the axis must match")]
    BoundaryShape {
        which: &'static str,
        given: Vec<usize>,
        shape: Vec<usize>,
        axis: usize,
    },
}

/// numpy's result type for combining two dtypes (`np.result_type`), as `diff` uses it to join
/// `prepend`, the array and `append`.
///
/// ```
/// use edgegrad::numeric::{diff::promote, dtype::DType};
/// assert_eq!(promote(DType::U8, DType::I8), DType::I16);
/// assert_eq!(promote(DType::U64, DType::I64), DType::F64);
/// assert_eq!(promote(DType::I16, DType::F32), DType::F32);
/// assert_eq!(promote(DType::I32, DType::F32), DType::F64);
/// ```
pub fn promote(a: DType, b: DType) -> DType {
    use DType::*;
    fn signed_of(bytes: usize) -> DType {
        match bytes {
            1 => I8,
            2 => I16,
            4 => I32,
            _ => I64,
        }
    }
    let is_float = |t: DType| matches!(t, F32 | F64);
    let is_unsigned = |t: DType| matches!(t, U8 | U16 | U32 | U64);
    match (a, b) {
        _ if a == b => a,
        (Bool, t) | (t, Bool) => t,
        (F64, _) | (_, F64) => F64,
        (F32, t) | (t, F32) if t.size() <= 2 || is_float(t) => F32,
        (F32, _) | (_, F32) => F64,
        (x, y) if is_unsigned(x) == is_unsigned(y) => {
            if x.size() >= y.size() {
                x
            } else {
                y
            }
        }
        (x, y) => {
            let (u, i) = if is_unsigned(x) { (x, y) } else { (y, x) };
            if i.size() > u.size() {
                i
            } else if u.size() < 8 {
                signed_of(u.size() * 2)
            } else {
                F64
            }
        }
    }
}

fn normalize_axis(axis: isize, ndim: usize) -> Result<usize, DiffError> {
    let n = ndim as isize;
    if axis < -n || axis >= n {
        return Err(DiffError::AxisOutOfRange { axis, ndim });
    }
    Ok(if axis < 0 {
        (axis + n) as usize
    } else {
        axis as usize
    })
}

fn boundary<'a, A: Clone>(
    which: &'static str,
    b: &'a ArrayD<A>,
    shape: &[usize],
    axis: usize,
) -> Result<ArrayView<'a, A, IxDyn>, DiffError> {
    if b.ndim() == 0 {
        let mut s = shape.to_vec();
        s[axis] = 1;
        return Ok(b.broadcast(s).expect("a 0-d array broadcasts to any shape"));
    }
    let fits = b.ndim() == shape.len()
        && b.shape()
            .iter()
            .zip(shape)
            .enumerate()
            .all(|(k, (g, w))| k == axis || g == w);
    if !fits {
        return Err(DiffError::BoundaryShape {
            which,
            given: b.shape().to_vec(),
            shape: shape.to_vec(),
            axis,
        });
    }
    Ok(b.view())
}

/// True when `a` is laid out in Fortran order and not also in C order.
fn fortran_only<A>(a: &ArrayView<A, IxDyn>) -> bool {
    !a.is_standard_layout() && a.t().is_standard_layout()
}

/// numpy's memory order for joining `parts` (`np.concatenate` keeps the inputs' order): Fortran
/// when one part is Fortran-only and every other is Fortran-contiguous too (broadcast scalars
/// go with either), C otherwise.
fn join_in_fortran_order<A>(parts: &[ArrayView<A, IxDyn>]) -> bool {
    let arrays = || {
        parts
            .iter()
            .filter(|p| !p.strides().contains(&0) || p.len() <= 1)
    };
    arrays().any(fortran_only) && arrays().all(|p| p.t().is_standard_layout())
}

/// An array of `shape` in Fortran or C order, every element from `fill`.
fn filled<A: Clone>(shape: IxDyn, fortran: bool, fill: Option<&A>) -> ArrayD<A> {
    match fill {
        Some(x) => ArrayD::from_elem(shape.set_f(fortran), x.clone()),
        None => ArrayD::from_shape_vec(shape.set_f(fortran), Vec::new())
            .expect("no fill value only for empty arrays"),
    }
}

/// `parts` joined along `axis`, in Fortran or C order.
fn join<A: Clone>(parts: &[ArrayView<A, IxDyn>], axis: usize, fortran: bool) -> ArrayD<A> {
    let mut shape = parts[0].raw_dim();
    shape[axis] = parts.iter().map(|p| p.len_of(Axis(axis))).sum();
    let mut out = filled(shape, fortran, parts.iter().find_map(|p| p.first()));
    let mut start = 0;
    for p in parts {
        let len = p.len_of(Axis(axis));
        out.slice_axis_mut(Axis(axis), (start..start + len).into())
            .assign(p);
        start += len;
    }
    out
}

/// One difference along `axis`: `out[i] = a[i+1] - a[i]`, in Fortran or C order.
fn diff_once<A: DiffElement>(a: &ArrayD<A>, axis: usize, fortran: bool) -> ArrayD<A> {
    let len = a.len_of(Axis(axis));
    let hi = a.slice_axis(Axis(axis), (1..len.max(1)).into());
    let lo = a.slice_axis(Axis(axis), (0..len.saturating_sub(1)).into());
    let mut out = filled(hi.raw_dim(), fortran, hi.first());
    let zip = Zip::from(&mut out).and(&hi).and(&lo);
    let difference = |o: &mut A, h: &A, l: &A| *o = A::difference(h.clone(), l.clone());
    if a.len() >= 1 << 16 {
        zip.par_for_each(difference);
    } else {
        zip.for_each(difference);
    }
    out
}

/// The `n`-th difference of `a` along `options.axis`, like `np.diff(a, n, axis, prepend, append)`.
/// The result has the input's element type; along the axis it is `n` shorter (never below 0)
/// than the input with its `prepend`/`append`; its memory order is numpy's (Fortran for
/// Fortran-order input). As in numpy, `n == 0` returns a copy of `a` itself, without looking at
/// `axis`, `prepend` or `append`.
///
/// ```
/// use edgegrad::numeric::diff::{diff, DiffOptions};
/// use ndarray::{arr0, array};
///
/// let a = array![[1i32, 4, 9], [2, 2, 2]];
/// let rows = DiffOptions { axis: 0, ..Default::default() };
/// assert_eq!(diff(&a, &rows)?, array![[1, -2, -7]].into_dyn());
/// let untouched = DiffOptions { n: 0, axis: 5, prepend: Some(arr0(1).into_dyn()), ..Default::default() };
/// assert_eq!(diff(&a, &untouched)?, a.clone().into_dyn());
/// # Ok::<(), edgegrad::numeric::diff::DiffError>(())
/// ```
pub fn diff<A, S, D>(a: &ArrayBase<S, D>, options: &DiffOptions<A>) -> Result<ArrayD<A>, DiffError>
where
    A: DiffElement,
    S: Data<Elem = A>,
    D: Dimension,
{
    if options.n == 0 {
        return Ok(a.view().into_dyn().to_owned());
    }
    if a.ndim() == 0 {
        return Err(DiffError::ZeroDimensional);
    }
    let axis = normalize_axis(options.axis, a.ndim())?;
    let a = a.view().into_dyn();
    let mut parts = Vec::with_capacity(3);
    if let Some(p) = &options.prepend {
        parts.push(boundary("prepend", p, a.shape(), axis)?);
    }
    parts.push(a.view());
    if let Some(p) = &options.append {
        parts.push(boundary("append", p, a.shape(), axis)?);
    }
    let fortran = join_in_fortran_order(&parts);
    let mut out = join(&parts, axis, fortran);
    for _ in 0..options.n {
        if out.len_of(Axis(axis)) == 0 {
            break;
        }
        out = diff_once(&out, axis, fortran);
    }
    Ok(out)
}
