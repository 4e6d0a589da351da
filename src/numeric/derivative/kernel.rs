//! Evaluating derivative operators over a C-contiguous array, one piece of consecutive elements
//! at a time, in `f64`.
//!
//! A piece lies in one line of the last axis (or, for an operator along another axis alone, in
//! one block of it), so along any axis other than the last its elements share their row, and
//! along the last axis they are consecutive columns. Rows and columns whose central stencil fits
//! run the vectorised pair form over contiguous slices ([`central`]); border rows and columns, a few per axis, go through the general
//! [`evaluate_row`]. Values are read as `f64`, combined in `f64` in scipy.ndimage's order (see
//! [`AxisOp`]) and rounded to the output type once.
//!
//! The single and summed derivatives run compiled for AVX2 where the CPU has it
//! (`numeric::simd::widest`), with the same bits.
//!
//! A laplacian sums its axes' derivatives in axis order in a scratch row of `f64`; a mixed
//! derivative evaluates the inner derivative at every row the outer stencil reads, into scratch
//! rows, then combines them as the outer stencil combines samples. Each output element is
//! written once, from the finished value.

use super::axis::{AxisOp, Combine, Row};
use crate::numeric::pass::{OutputPlan, Slot};
use crate::numeric::simd::widest;
use crate::numeric::Float;

/// The longest piece that goes through scratch rows (`f64`, per row read).
const SCRATCH: usize = 1024;

/// What one output is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Plan {
    /// One derivative along one axis.
    One(AxisOp),
    /// The sum of derivatives along several axes, added in this order.
    Sum(Vec<AxisOp>),
    /// `outer` applied to the result of `inner` (along another axis).
    Mixed { outer: AxisOp, inner: AxisOp },
}

impl<T: Float> OutputPlan<T> for Plan {
    fn reversed(&self, ndim: usize) -> Self {
        let flip = |op: &AxisOp| op.on_axis(ndim - 1 - op.axis);
        match self {
            Plan::One(op) => Plan::One(flip(op)),
            Plan::Sum(ops) => Plan::Sum(ops.iter().map(flip).collect()),
            Plan::Mixed { outer, inner } => Plan::Mixed {
                outer: flip(outer),
                inner: flip(inner),
            },
        }
    }

    fn fill<O: Slot<T>>(&self, f: &[T], out: &mut [O], start: usize, shape: &[usize]) {
        let line = shape[shape.len() - 1];
        match self {
            Plan::One(op) => widest(|| {
                let s = stride(shape, op.axis);
                let unit = if s == 1 { op.n } else { s };
                pieces(start, out.len(), unit, usize::MAX, |at, len| {
                    one(op, f, shape, start + at, &mut out[at..at + len])
                });
            }),
            Plan::Sum(ops) => widest(|| {
                let width = SCRATCH.min(out.len());
                let mut scratch = vec![0.0; 2 * width];
                pieces(start, out.len(), line, SCRATCH, |at, len| {
                    let (sum, term) = scratch.split_at_mut(width);
                    let (sum, term) = (&mut sum[..len], &mut term[..len]);
                    for (k, op) in ops.iter().enumerate() {
                        let into = if k == 0 { &mut *sum } else { &mut *term };
                        one(op, f, shape, start + at, into);
                        if k > 0 {
                            sum.iter_mut().zip(&*term).for_each(|(s, t)| *s += *t);
                        }
                    }
                    let o = &mut out[at..at + len];
                    o.iter_mut()
                        .zip(&*sum)
                        .for_each(|(o, s)| o.set(T::from_f64(*s)));
                });
            }),
            Plan::Mixed { outer, inner } => mixed(outer, inner, f, shape, start, out),
        }
    }
}

/// Elements per step along `axis` of a C-contiguous array of `shape`.
fn stride(shape: &[usize], axis: usize) -> usize {
    shape[axis + 1..].iter().product()
}

/// Calls `piece(at, len)` on consecutive pieces covering `[0, total)` (elements `start + at`
/// onwards of the array), none crossing a multiple of `unit` and none longer than `cap`.
#[inline(always)]
fn pieces(
    start: usize,
    total: usize,
    unit: usize,
    cap: usize,
    mut piece: impl FnMut(usize, usize),
) {
    let mut at = 0;
    while at < total {
        let e = start + at;
        let end = ((e / unit + 1) * unit)
            .min(start + total)
            .min(e.saturating_add(cap));
        piece(at, end - e);
        at = end - start;
    }
}

/// The derivative `op` at elements `[e, e + out.len())` of `f` (C order, `shape`): one line of
/// the last axis, or one block of `op`'s axis when that is not the last.
#[inline(always)]
pub(crate) fn one<T: Float, U: Float, O: Slot<U>>(
    op: &AxisOp,
    f: &[T],
    shape: &[usize],
    e: usize,
    out: &mut [O],
) {
    let (n, s, len) = (op.n, stride(shape, op.axis), out.len());
    if s == 1 {
        let j0 = e % n;
        let j1 = j0 + len;
        let line = &f[e - j0..e - j0 + n];
        let (a, b) = op.central_rows(j0, j1);
        if a < b {
            central(op, &mut out[a - j0..b - j0], |t| {
                &line[a.wrapping_add_signed(t)..b.wrapping_add_signed(t)]
            });
        }
        let before = j0..a.min(j1);
        let after = b.max(j0).max(a.min(j1))..j1;
        for j in before.chain(after) {
            let o = &mut out[j - j0..j - j0 + 1];
            evaluate_row(op, op.row(j), j, o, |q, _| line[q].to_f64());
        }
    } else {
        let i = (e / s) % n;
        let at = |q: usize| {
            let from = e.wrapping_add_signed((q as isize - i as isize) * s as isize);
            &f[from..from + len]
        };
        match op.row(i) {
            Row::Central => central(op, out, |t| at(i.wrapping_add_signed(t))),
            row => evaluate_row(op, row, i, out, |q, k| at(q)[k].to_f64()),
        }
    }
}

/// Elements a [`central`] run combines at a time, in a register-sized scratch of `f64`.
const CHUNK: usize = 64;

/// The central stencil of `op` over a run of elements: `at(t)` is the run's samples at offset
/// `t` along the axis.
///
/// Chunk by chunk, the pairs are added into a scratch of `f64` one pair at a time, from the
/// farthest in (each loop a plain zip of slices, which vectorises), then the chunk is rounded
/// into `out`: the same additions in the same order as [`combine_pairs`].
#[inline(always)]
fn central<'a, V: Float, U: Float, O: Slot<U>>(
    op: &AxisOp,
    out: &mut [O],
    at: impl Fn(isize) -> &'a [V],
) {
    let r = op.radius() as isize;
    let mut acc = [0.0f64; CHUNK];
    let mut done = 0;
    for o in out.chunks_mut(CHUNK) {
        let len = o.len();
        let acc = &mut acc[..len];
        let tap = |t: isize| &at(t)[done..done + len];
        if op.odd {
            let w = op.pairs[r as usize - 1];
            for ((a, &n), &p) in acc.iter_mut().zip(tap(-r)).zip(tap(r)) {
                *a = (n.to_f64() - p.to_f64()) * w;
            }
            for d in (1..r).rev() {
                let w = op.pairs[d as usize - 1];
                for ((a, &n), &p) in acc.iter_mut().zip(tap(-d)).zip(tap(d)) {
                    *a += (n.to_f64() - p.to_f64()) * w;
                }
            }
        } else {
            for (a, &m) in acc.iter_mut().zip(tap(0)) {
                *a = m.to_f64() * op.center;
            }
            for d in (1..=r).rev() {
                let w = op.pairs[d as usize - 1];
                for ((a, &n), &p) in acc.iter_mut().zip(tap(-d)).zip(tap(d)) {
                    *a += (n.to_f64() + p.to_f64()) * w;
                }
            }
        }
        o.iter_mut()
            .zip(&*acc)
            .for_each(|(o, &a)| o.set(U::from_f64(a)));
        done += len;
    }
}

/// The pair form of `op`'s central stencil over tap values `val(t, k)` (tap `t` at offset
/// `t - r`, element `k` of `out`).
pub(crate) fn combine_pairs<U: Float, O: Slot<U>>(
    op: &AxisOp,
    out: &mut [O],
    val: impl Fn(usize, usize) -> f64,
) {
    let r = op.radius();
    for (k, o) in out.iter_mut().enumerate() {
        let mut acc = (!op.odd).then(|| val(r, k) * op.center);
        for d in (1..=r).rev() {
            let (a, b) = (val(r - d, k), val(r + d, k));
            let term = if op.odd { a - b } else { a + b } * op.pairs[d - 1];
            acc = Some(acc.map_or(term, |s| s + term));
        }
        o.set(U::from_f64(acc.unwrap_or(0.0)));
    }
}

/// `w[0] val(0, k) + w[1] val(1, k) + ...`, added in that order.
fn combine_sequence<U: Float, O: Slot<U>>(
    w: &[f64],
    out: &mut [O],
    val: impl Fn(usize, usize) -> f64,
) {
    for (k, o) in out.iter_mut().enumerate() {
        let acc = (1..w.len()).fold(w[0] * val(0, k), |s, t| s + w[t] * val(t, k));
        o.set(U::from_f64(acc));
    }
}

/// Row `i` of `op` (any rule) over elements whose sample `q` along the axis is `sample(q, k)`.
fn evaluate_row<U: Float, O: Slot<U>>(
    op: &AxisOp,
    row: Row<'_>,
    i: usize,
    out: &mut [O],
    sample: impl Fn(usize, usize) -> f64,
) {
    let r = op.radius();
    match row {
        Row::Central => combine_pairs(op, out, |t, k| sample(i + t - r, k)),
        Row::Border(b) => {
            let val = |t: usize, k| b.taps[t].map_or(op.constant, |q| sample(q, k));
            match &b.combine {
                Combine::Pairs => combine_pairs(op, out, val),
                Combine::Sequence(w) => combine_sequence(w, out, val),
            }
        }
    }
}

/// `outer(inner(f))` at elements `[start, start + out.len())`: the inner derivative at every
/// sample the outer stencil reads, into scratch rows, combined by the outer stencil.
fn mixed<T: Float, O: Slot<T>>(
    outer: &AxisOp,
    inner: &AxisOp,
    f: &[T],
    shape: &[usize],
    start: usize,
    out: &mut [O],
) {
    let line = shape[shape.len() - 1];
    let s = stride(shape, outer.axis);
    let taps_at_most = (0..outer.n)
        .map(|i| match outer.row(i) {
            Row::Central => 2 * outer.radius() + 1,
            Row::Border(b) => b.taps.len(),
        })
        .max()
        .unwrap_or(0);
    let width = SCRATCH.min(out.len());
    let mut scratch = vec![0.0; taps_at_most * width];
    // Padding with a constant makes whole rows of it, whose inner derivative this is.
    let outside = inner.of_constant(outer.constant);
    // Row `i` of the outer stencil over `len` elements; `first(q)` is the first element of
    // outer sample `q`.
    let mut rows = |i: usize, len: usize, first: &dyn Fn(usize) -> usize, out: &mut [O]| {
        let row = outer.row(i);
        let r = outer.radius();
        let taps: Vec<Option<usize>> = match row {
            Row::Central => (i - r..=i + r).map(Some).collect(),
            Row::Border(b) => b.taps.clone(),
        };
        for (t, tap) in taps.iter().enumerate() {
            let buf = &mut scratch[t * len..(t + 1) * len];
            match tap {
                Some(q) => one(inner, f, shape, first(*q), buf),
                None => buf.fill(outside),
            }
        }
        let val = |t: usize, k: usize| scratch[t * len + k];
        match row {
            Row::Border(b) => match &b.combine {
                Combine::Sequence(w) => combine_sequence(w, out, val),
                Combine::Pairs => combine_pairs(outer, out, val),
            },
            Row::Central => combine_pairs(outer, out, val),
        }
    };
    if s == 1 {
        // Outer along the last axis: column by column.
        for (k, o) in out.chunks_mut(1).enumerate() {
            let e = start + k;
            let line_start = e - e % line;
            rows(e % line, 1, &|q| line_start + q, o);
        }
    } else {
        pieces(start, out.len(), line, SCRATCH, |at, len| {
            let e = start + at;
            let i = (e / s) % outer.n;
            let first = |q: usize| e.wrapping_add_signed((q as isize - i as isize) * s as isize);
            rows(i, len, &first, &mut out[at..at + len]);
        });
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array3;

    use crate::numeric::derivative::{
        derivative, laplacian, Boundary, DerivativeOptions, StencilOptions,
    };
    use crate::numeric::simd::test_switch::narrow_and_wide;

    #[test]
    fn the_wide_and_narrow_paths_give_the_same_bits() {
        let f = Array3::from_shape_fn((16, 40, 70), |(i, j, k)| {
            ((i * 31 + j * 7 + k * 13) % 101) as f32 / 7.0 - 3.0
        });
        let run = || {
            let mut out = Vec::new();
            for boundary in [Boundary::Numpy, Boundary::Mirror, Boundary::Constant(0.5)] {
                for accuracy in [2, 4, 8] {
                    for axis in 0..3 {
                        for order in 1..=4 {
                            let o = DerivativeOptions::new(axis)
                                .order(order)
                                .accuracy(accuracy)
                                .boundary(boundary);
                            out.push(derivative(&f, &o).unwrap().mapv(f32::to_bits));
                        }
                    }
                    let o = StencilOptions::new().accuracy(accuracy).boundary(boundary);
                    out.push(laplacian(&f, &o).unwrap().mapv(f32::to_bits));
                }
            }
            out
        };
        let (narrow, wide) = narrow_and_wide(run);
        assert!(narrow == wide, "the paths differ");
    }
}
