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

use std::mem::MaybeUninit;

use ndarray::{Array, ArrayBase, ArrayD, ArrayView, Axis, Data, Dimension, IxDyn, Zip};
use rayon::prelude::*;
use thiserror::Error;

use crate::numeric::dtype::DType;

/// Work below this many elements runs on the calling thread.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;
/// Parallel tasks difference this many consecutive elements each.
const TASK_ELEMENTS: usize = 1 << 15;

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

/// numpy's order for the axes of a new array made from `parts`, outermost first: the axes sorted
/// by decreasing stride, by numpy's stable insertion sort (`PyArray_CreateMultiSortedStridePerm`
/// for `np.concatenate`, the ufunc iterator's for the differences). Two axes are compared only
/// in the parts where neither has length 1, and, for a ufunc (`zero_strides_ambiguous`), neither
/// has stride 0; a part that keeps them in order outvotes one that would swap them.
///
/// C-order parts give C order, Fortran-order parts Fortran order, a Fortran-order array joined
/// with a broadcast scalar in 3-D and up neither (the scalar keeps the axes other than `axis` in
/// C order).
fn axis_order<A>(parts: &[ArrayView<A, IxDyn>], zero_strides_ambiguous: bool) -> Vec<usize> {
    let ndim = parts.first().map_or(0, |p| p.ndim());
    let mut order: Vec<usize> = (0..ndim).collect();
    for i in 1..ndim {
        let axis = order[i];
        let mut position = i;
        for j in (0..i).rev() {
            let other = order[j];
            let (mut ambiguous, mut swap) = (true, false);
            for p in parts {
                let (shape, strides) = (p.shape(), p.strides());
                if shape[axis] == 1 || shape[other] == 1 {
                    continue;
                }
                if zero_strides_ambiguous && (strides[axis] == 0 || strides[other] == 0) {
                    continue;
                }
                if strides[axis].unsigned_abs() <= strides[other].unsigned_abs() {
                    swap = false;
                } else if ambiguous {
                    swap = true;
                }
                ambiguous = false;
            }
            if !ambiguous {
                if !swap {
                    break;
                }
                position = j;
            }
        }
        order[position..=i].rotate_right(1);
    }
    order
}

/// A new array of `shape`, contiguous with its axes laid out in `order` (outermost first), its
/// elements not yet written.
fn uninit_in_order<A>(shape: &[usize], order: &[usize]) -> Array<MaybeUninit<A>, IxDyn> {
    let laid_out: Vec<usize> = order.iter().map(|&k| shape[k]).collect();
    let mut back = vec![0; order.len()];
    for (position, &axis) in order.iter().enumerate() {
        back[axis] = position;
    }
    Array::uninit(IxDyn(&laid_out)).permuted_axes(IxDyn(&back))
}

/// `parts` joined along `axis` (numpy's `np.concatenate`), laid out in `order`.
fn join<A: Clone>(parts: &[ArrayView<A, IxDyn>], axis: usize, order: &[usize]) -> ArrayD<A> {
    let mut shape = parts[0].shape().to_vec();
    shape[axis] = parts.iter().map(|p| p.len_of(Axis(axis))).sum();
    let mut out = uninit_in_order(&shape, order);
    let mut start = 0;
    for p in parts {
        let len = p.len_of(Axis(axis));
        p.assign_to(out.slice_axis_mut(Axis(axis), (start..start + len).into()));
        start += len;
    }
    // SAFETY: the parts' lengths along `axis` add up to the result's, and each part is assigned
    // to its own range of it, every element (`assign_to` zips the part with the range, which
    // have the same shape: `boundary` checked the parts' other axes).
    unsafe { out.assume_init() }
}

/// `out[k] = hi[k] - lo[k]` as numpy computes it, for every `k` of `out`.
#[inline(always)]
fn subtract<A: DiffElement>(out: &mut [MaybeUninit<A>], hi: &[A], lo: &[A]) {
    let (hi, lo) = (&hi[..out.len()], &lo[..out.len()]);
    for ((o, h), l) in out.iter_mut().zip(hi).zip(lo) {
        o.write(A::difference(h.clone(), l.clone()));
    }
}

/// The difference along the middle axis of `a`, contiguous blocks of `len >= 1` steps of
/// `inner` elements, into `out` (the same blocks, one step shorter): within a block,
/// `out[j] = a[j + inner] - a[j]`, which is one contiguous loop whatever the axis. Writes every
/// element of `out`; in parallel over blocks and parts of blocks for large arrays.
fn contiguous_difference<A: DiffElement>(
    out: &mut [MaybeUninit<A>],
    a: &[A],
    len: usize,
    inner: usize,
) {
    let (block, out_block) = (len * inner, (len - 1) * inner);
    if out.is_empty() {
        return;
    }
    let one =
        |o: &mut [MaybeUninit<A>], a: &[A], at: usize| subtract(o, &a[at + inner..], &a[at..]);
    if a.len() < PARALLEL_MIN_ELEMENTS {
        for (o, a) in out.chunks_mut(out_block).zip(a.chunks(block)) {
            one(o, a, 0);
        }
        return;
    }
    out.par_chunks_mut(out_block)
        .zip(a.par_chunks(block))
        .for_each(|(o, a)| {
            o.par_chunks_mut(TASK_ELEMENTS)
                .enumerate()
                .for_each(|(t, o)| one(o, a, t * TASK_ELEMENTS));
        });
}

/// One difference of `a` along `axis` (of length at least 1), `a[1:] - a[:-1]`, laid out in
/// `order`.
fn difference<A: DiffElement>(a: ArrayView<A, IxDyn>, axis: usize, order: &[usize]) -> ArrayD<A> {
    let len = a.len_of(Axis(axis));
    let hi = a.slice_axis(Axis(axis), (1..len).into());
    let lo = a.slice_axis(Axis(axis), (0..len - 1).into());
    let mut out = uninit_in_order(hi.shape(), order);
    let laid_out = a.view().permuted_axes(IxDyn(order));
    let mut out_laid_out = out.view_mut().permuted_axes(IxDyn(order));
    let k = order
        .iter()
        .position(|&o| o == axis)
        .expect("order has every axis");
    match (laid_out.as_slice(), out_laid_out.as_slice_mut()) {
        (Some(a), Some(out)) => {
            let inner = laid_out.shape()[k + 1..].iter().product();
            contiguous_difference(out, a, len, inner);
        }
        _ => {
            let zip = Zip::from(&mut out).and(&hi).and(&lo);
            let difference = |o: &mut MaybeUninit<A>, h: &A, l: &A| {
                o.write(A::difference(h.clone(), l.clone()));
            };
            if a.len() >= PARALLEL_MIN_ELEMENTS {
                zip.par_for_each(difference);
            } else {
                zip.for_each(difference);
            }
        }
    }
    // SAFETY: every element of `out` is written. When `a` and `out` are both contiguous in
    // `order`, `contiguous_difference` writes each of `out`'s blocks (the same count as `a`'s,
    // one step shorter) whole; otherwise the zip visits every element of `out` once.
    unsafe { out.assume_init() }
}

/// The `n`-th difference of `a` along `options.axis`, like `np.diff(a, n, axis, prepend, append)`.
/// The result has the input's element type; along the axis it is `n` shorter (never below 0)
/// than the input with its `prepend`/`append`; its memory order is numpy's for any strides (C for
/// C-order input, Fortran for Fortran-order input, the axes of any other input, or of the joined
/// input and boundaries, laid out as numpy's ufuncs and `np.concatenate` lay them out). Without
/// `prepend`/`append` the first difference is taken straight from `a`. As in numpy, `n == 0` returns a copy of `a` itself, without looking at
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
    // numpy's differences are laid out as the ufunc lays out `a[1:] - a[:-1]`: after the input's
    // strides, or after the joined array's, which `np.concatenate` lays out after its parts'.
    let (order, mut out, done) = if parts.len() > 1 {
        let order = axis_order(&parts, false);
        let joined = join(&parts, axis, &order);
        (order, joined, 0)
    } else if a.len_of(Axis(axis)) == 0 {
        return Ok(a.to_owned());
    } else {
        let order = axis_order(&[a.slice_axis(Axis(axis), (1..).into())], true);
        let first = difference(a.view(), axis, &order);
        (order, first, 1)
    };
    for _ in done..options.n {
        if out.len_of(Axis(axis)) == 0 {
            break;
        }
        out = difference(out.view(), axis, &order);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr0, Array3, ShapeBuilder};

    /// A 2x3x4 `float64` array in Fortran order.
    fn fortran() -> Array3<f64> {
        Array3::from_shape_fn((2, 3, 4).f(), |(i, j, k)| (i * 12 + j * 4 + k * k) as f64)
    }

    fn with_scalar(prepend: bool, axis: isize) -> DiffOptions<f64> {
        let b = Some(arr0(0.0).into_dyn());
        DiffOptions {
            axis,
            prepend: if prepend { b.clone() } else { None },
            append: if prepend { None } else { b },
            ..Default::default()
        }
    }

    #[test]
    fn fortran_input_joined_with_a_scalar_is_laid_out_as_numpy_concatenates_it() {
        // numpy 2.4: np.diff(np.asfortranarray(np.zeros((2, 3, 4))), prepend=0).strides // 8
        // is (3, 1, 6), with axis=0 (1, 8, 2), with axis=1 and append=0 (4, 8, 1).
        let a = fortran();
        let cases = [
            (true, -1, [3, 1, 6]),
            (true, 0, [1, 8, 2]),
            (false, 1, [4, 8, 1]),
        ];
        for (prepend, axis, strides) in cases {
            let d = diff(&a, &with_scalar(prepend, axis)).unwrap();
            assert_eq!(d.strides(), strides, "axis {axis}");
        }
    }

    #[test]
    fn differences_without_a_join_keep_the_input_layout_for_any_strides() {
        let a = fortran();
        let d = diff(&a, &DiffOptions::default()).unwrap();
        assert!(d.t().is_standard_layout());
        // Axes (1, 0, 2) in memory, as numpy lays out np.diff(a.transpose(1, 0, 2)).
        let c = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k * k) as i32);
        let t = c.view().permuted_axes([1, 0, 2]);
        let d = diff(&t, &DiffOptions::default()).unwrap();
        assert_eq!(d.strides(), [3, 9, 1]);
        assert_eq!(
            d,
            (t.slice(ndarray::s![.., .., 1..]).to_owned() - t.slice(ndarray::s![.., .., ..-1]))
                .into_dyn()
        );
        // Reversed axes: positive strides, the values of the reversed view.
        let r = c.slice(ndarray::s![..;-1, .., ..]);
        let d = diff(
            &r,
            &DiffOptions {
                axis: 0,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(d.is_standard_layout());
        assert_eq!(
            d,
            (&r.slice(ndarray::s![1.., .., ..]) - &r.slice(ndarray::s![..-1, .., ..])).into_dyn()
        );
    }

    #[test]
    fn large_arrays_in_parallel_equal_the_elementwise_difference() {
        let a = ndarray::Array2::from_shape_fn((300, 500), |(i, j)| (i * 7919 + j * j) as u16);
        let mut f = ndarray::Array2::zeros(a.raw_dim().f());
        f.assign(&a);
        for axis in [0, 1] {
            let (n, k) = (a.len_of(Axis(axis)), Axis(axis));
            let (hi, lo) = (
                a.slice_axis(k, (1..n).into()),
                a.slice_axis(k, (0..n - 1).into()),
            );
            let want = Zip::from(&hi)
                .and(&lo)
                .map_collect(|&h, &l| h.wrapping_sub(l));
            let options = DiffOptions {
                axis: axis as isize,
                ..Default::default()
            };
            let d = diff(&a, &options).unwrap();
            assert!(d.is_standard_layout());
            assert_eq!(d, want.clone().into_dyn(), "axis {axis}");
            let d = diff(&f, &options).unwrap();
            assert!(d.t().is_standard_layout());
            assert_eq!(d, want.into_dyn(), "axis {axis}, Fortran order");
        }
    }
}
