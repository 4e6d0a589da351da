//! Applying one axis's stencil to a C-contiguous array, in parallel, without temporaries.
//!
//! An axis splits the array into `(outer, n, inner)`: `outer` independent stacks of `n` blocks of
//! `inner` contiguous elements. Along the last axis (`inner == 1`) each of the `outer` lines of `n`
//! elements is a 1-D problem; along any other axis whole contiguous blocks combine
//! (`out[i] = (f[i+1] - f[i-1]) / 2h` over `inner` elements at once). Either way the inner loops
//! run over contiguous slices, which the compiler vectorises, and every output element is written
//! exactly once by the same expression whatever the thread count.

use rayon::prelude::*;

use super::stencil::{AxisStencil, Edge, Interior};
use crate::Float;

/// Work below this many elements runs on the calling thread.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;
/// Each parallel task covers about this many output elements.
const TASK_ELEMENTS: usize = 1 << 15;

/// The shape of an array seen along one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AxisShape {
    pub outer: usize,
    pub n: usize,
    pub inner: usize,
}

impl AxisShape {
    /// Splits `shape` around `axis`.
    pub fn new(shape: &[usize], axis: usize) -> Self {
        AxisShape {
            outer: shape[..axis].iter().product(),
            n: shape[axis],
            inner: shape[axis + 1..].iter().product(),
        }
    }
}

/// `out[k] = W(plus[k] - minus[k]) / divisor`, rounded to `T`.
#[inline(always)]
pub(crate) fn difference<T: Float, W: Float>(out: &mut [T], plus: &[T], minus: &[T], divisor: W) {
    for ((o, &p), &m) in out.iter_mut().zip(plus).zip(minus) {
        *o = ((p - m).cast::<W>() / divisor).cast();
    }
}

/// `out[k] = w0 x0[k] + w1 x1[k] + w2 x2[k]` in `W`, rounded to `T`.
#[inline(always)]
fn weighted<T: Float, W: Float>(out: &mut [T], x0: &[T], x1: &[T], x2: &[T], w: [W; 3]) {
    for (((o, &a), &b), &c) in out.iter_mut().zip(x0).zip(x1).zip(x2) {
        *o = (w[0] * a.cast() + w[1] * b.cast() + w[2] * c.cast()).cast();
    }
}

/// Like [`weighted`] with one weight triple per element.
#[inline(always)]
fn weighted_each<T: Float, W: Float>(out: &mut [T], x0: &[T], x1: &[T], x2: &[T], w: &[[W; 3]]) {
    for ((((o, &a), &b), &c), w) in out.iter_mut().zip(x0).zip(x1).zip(x2).zip(w) {
        *o = (w[0] * a.cast() + w[1] * b.cast() + w[2] * c.cast()).cast();
    }
}

#[inline(always)]
pub(crate) fn edge<T: Float, W: Float>(
    out: &mut [T],
    x: [&[T]; 3],
    rule: &Edge<W>,
    at_start: bool,
) {
    match *rule {
        Edge::Difference(d) if at_start => difference(out, x[1], x[0], d),
        Edge::Difference(d) => difference(out, x[2], x[1], d),
        Edge::Weighted(w) => weighted(out, x[0], x[1], x[2], w),
    }
}

/// One line of `n >= 2` contiguous elements (the last axis).
#[inline(always)]
pub(crate) fn line<T: Float, W: Float>(out: &mut [T], f: &[T], s: &AxisStencil<W>) {
    let n = f.len();
    match &s.interior {
        Interior::Difference(d) => difference(&mut out[1..n - 1], &f[2..], &f[..n - 2], *d),
        Interior::Weighted(w) => {
            weighted_each(&mut out[1..n - 1], &f[..n - 2], &f[1..n - 1], &f[2..], w)
        }
    }
    let near_start = [&f[0..1], &f[1..2], &f[2.min(n - 1)..3.min(n)]];
    edge(&mut out[0..1], near_start, &s.first, true);
    let near_end = [
        &f[n.saturating_sub(3)..n.saturating_sub(2)],
        &f[n - 2..n - 1],
        &f[n - 1..n],
    ];
    edge(&mut out[n - 1..n], near_end, &s.last, false);
}

/// Output block `i` (of `inner` elements) of one stack of `n` blocks.
fn block<T: Float, W: Float>(
    out: &mut [T],
    stack: &[T],
    i: usize,
    sh: AxisShape,
    s: &AxisStencil<W>,
) {
    let (n, len) = (sh.n, sh.inner);
    let b = |k: usize| &stack[k * len..(k + 1) * len];
    if i == 0 {
        let third = if n > 2 { b(2) } else { b(1) };
        edge(out, [b(0), b(1), third], &s.first, true);
    } else if i == n - 1 {
        let third_last = if n > 2 { b(n - 3) } else { b(0) };
        edge(out, [third_last, b(n - 2), b(n - 1)], &s.last, false);
    } else {
        match &s.interior {
            Interior::Difference(d) => difference(out, b(i + 1), b(i - 1), *d),
            Interior::Weighted(w) => weighted(out, b(i - 1), b(i), b(i + 1), w[i - 1]),
        }
    }
}

/// Writes the derivative along the axis described by `sh` of the C-contiguous `f` into `out`.
/// Requires `sh.n >= 2` (and `>= 3` for weighted edges), `f.len() == out.len()`.
pub(crate) fn apply<T: Float, W: Float>(f: &[T], out: &mut [T], sh: AxisShape, s: &AxisStencil<W>) {
    debug_assert_eq!(f.len(), out.len());
    if out.is_empty() {
        return;
    }
    // A unit is one line (last axis) or one block (other axes); tasks take whole units.
    let unit = if sh.inner == 1 { sh.n } else { sh.inner };
    let units_per_task = (TASK_ELEMENTS / unit).max(1);
    let task = |(t, chunk): (usize, &mut [T])| {
        let first_unit = t * units_per_task;
        for (k, o) in chunk.chunks_exact_mut(unit).enumerate() {
            let u = first_unit + k;
            if sh.inner == 1 {
                line(o, &f[u * unit..(u + 1) * unit], s);
            } else {
                let (stack, i) = (u / sh.n, u % sh.n);
                let stack_len = sh.n * sh.inner;
                block(o, &f[stack * stack_len..(stack + 1) * stack_len], i, sh, s);
            }
        }
    };
    if out.len() < PARALLEL_MIN_ELEMENTS {
        out.chunks_mut(unit * units_per_task)
            .enumerate()
            .for_each(task);
    } else {
        out.par_chunks_mut(unit * units_per_task)
            .enumerate()
            .for_each(task);
    }
}
