//! Applying the stencils of all selected axes to a C-contiguous array in one parallel pass,
//! without temporaries.
//!
//! The flat array is cut into tasks of consecutive elements; every task computes its range of
//! every output, so each input element is read from memory once while it is in cache, whatever
//! the number of axes. Along axis `k` the array is `(outer, n, inner)` blocks: along the last
//! axis (`inner == 1`) a task's range splits into pieces of rows, each a 1-D problem; along any
//! other axis it splits into runs of one block, combining whole contiguous blocks
//! (`out[i] = (f[i+1] - f[i-1]) / 2h` over many elements at once). Either way the inner loops run
//! over contiguous slices, which the compiler vectorises, and every output element is written
//! exactly once by the same expression whatever the thread count.
//!
//! Outputs are [`Slot`]s: initialised elements, or `MaybeUninit` ones for outputs allocated
//! without zeroing. Every function here writes every element of its `out` (its loops run over
//! `out` itself, the inputs resliced to its length), which is what lets
//! [`super::gradient`] hand out such outputs as initialised arrays.

use super::stencil::{AxisStencil, Edge, Interior};
use crate::numeric::pass::Slot;
use crate::numeric::Float;

/// One selected axis: its length, its block size and its stencil in working type `W`.
pub(crate) struct AxisJob<'s, W> {
    /// Samples along the axis.
    pub n: usize,
    /// Elements per step along the axis (the product of the later axes' lengths).
    pub inner: usize,
    pub stencil: &'s AxisStencil<W>,
}

/// `out[k] = W(plus[k] - minus[k]) / divisor`, rounded to `T`, for every `k` of `out`.
#[inline(always)]
pub(crate) fn difference<T: Float, W: Float, O: Slot<T>>(
    out: &mut [O],
    plus: &[T],
    minus: &[T],
    divisor: W,
) {
    let (plus, minus) = (&plus[..out.len()], &minus[..out.len()]);
    for ((o, &p), &m) in out.iter_mut().zip(plus).zip(minus) {
        o.set(((p - m).cast::<W>() / divisor).cast());
    }
}

/// `out[k] = w0 x0[k] + w1 x1[k] + w2 x2[k]` in `W`, rounded to `T`, for every `k` of `out`.
#[inline(always)]
fn weighted<T: Float, W: Float, O: Slot<T>>(
    out: &mut [O],
    x0: &[T],
    x1: &[T],
    x2: &[T],
    w: [W; 3],
) {
    let len = out.len();
    let (x0, x1, x2) = (&x0[..len], &x1[..len], &x2[..len]);
    for (((o, &a), &b), &c) in out.iter_mut().zip(x0).zip(x1).zip(x2) {
        o.set((w[0] * a.cast() + w[1] * b.cast() + w[2] * c.cast()).cast());
    }
}

/// Like [`weighted`] with one weight triple per element.
#[inline(always)]
fn weighted_each<T: Float, W: Float, O: Slot<T>>(
    out: &mut [O],
    x0: &[T],
    x1: &[T],
    x2: &[T],
    w: &[[W; 3]],
) {
    let len = out.len();
    let (x0, x1, x2, w) = (&x0[..len], &x1[..len], &x2[..len], &w[..len]);
    for ((((o, &a), &b), &c), w) in out.iter_mut().zip(x0).zip(x1).zip(x2).zip(w) {
        o.set((w[0] * a.cast() + w[1] * b.cast() + w[2] * c.cast()).cast());
    }
}

/// An edge value from the three samples nearest the edge, in increasing index order.
#[inline(always)]
pub(crate) fn edge<T: Float, W: Float, O: Slot<T>>(
    out: &mut [O],
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

/// Elements `[start, start + out.len())` of the derivative along the last axis, all in one
/// row of `n >= 2` samples: the interior `[max(j0, 1), min(j1, n - 1))` of the row's columns
/// `[j0, j1)`, column 0 when `j0 == 0` and column `n - 1` when `j1 == n`, which is all of them.
#[inline(always)]
fn along_row<T: Float, W: Float, O: Slot<T>>(
    out: &mut [O],
    f: &[T],
    start: usize,
    n: usize,
    s: &AxisStencil<W>,
) {
    let j0 = start % n;
    let j1 = j0 + out.len();
    let row = &f[start - j0..start - j0 + n];
    let (a, b) = (j0.max(1), j1.min(n - 1));
    if a < b {
        let o = &mut out[a - j0..b - j0];
        let (minus, mid, plus) = (&row[a - 1..b - 1], &row[a..b], &row[a + 1..b + 1]);
        match &s.interior {
            Interior::Difference(d) => difference(o, plus, minus, *d),
            Interior::Weighted(w) => weighted_each(o, minus, mid, plus, &w[a - 1..b - 1]),
        }
    }
    let third = 2.min(n - 1);
    if j0 == 0 {
        let x = [&row[0..1], &row[1..2], &row[third..third + 1]];
        edge(&mut out[0..1], x, &s.first, true);
    }
    if j1 == n {
        let x = [
            &row[n - 1 - third..n - third],
            &row[n - 2..n - 1],
            &row[n - 1..n],
        ];
        edge(&mut out[n - 1 - j0..n - j0], x, &s.last, false);
    }
}

/// One whole line of `n >= 2` contiguous elements (the last axis).
#[inline(always)]
pub(crate) fn line<T: Float, W: Float, O: Slot<T>>(out: &mut [O], f: &[T], s: &AxisStencil<W>) {
    along_row(out, f, 0, f.len(), s);
}

/// Elements `[start, start + out.len())` of the derivative along an axis with blocks of
/// `inner > 1` elements, all in one block: one stencil row, written over all of `out`.
fn along_blocks<T: Float, W: Float, O: Slot<T>>(
    out: &mut [O],
    f: &[T],
    start: usize,
    job: &AxisJob<W>,
) {
    let (n, d, len) = (job.n, job.inner, out.len());
    let i = (start / d) % n;
    // The same elements `k` blocks further along the axis (k may be negative).
    let at = |k: isize| {
        let s = start.wrapping_add_signed(k * d as isize);
        &f[s..s + len]
    };
    let s = job.stencil;
    let two = if n > 2 { 2 } else { 1 };
    if i == 0 {
        edge(out, [at(0), at(1), at(two)], &s.first, true);
    } else if i == n - 1 {
        edge(out, [at(-two), at(-1), at(0)], &s.last, false);
    } else {
        match &s.interior {
            Interior::Difference(dv) => difference(out, at(1), at(-1), *dv),
            Interior::Weighted(w) => weighted(out, at(-1), at(0), at(1), w[i - 1]),
        }
    }
}

/// Elements `[start, start + out.len())` of one axis's derivative: pieces from `start` to the
/// end of `out`, one after the other.
pub(crate) fn apply_range<T: Float, W: Float, O: Slot<T>>(
    out: &mut [O],
    f: &[T],
    start: usize,
    job: &AxisJob<W>,
) {
    // Pieces never cross a row (last axis) or a block (other axes).
    let piece = if job.inner == 1 { job.n } else { job.inner };
    let mut done = 0;
    while done < out.len() {
        let e = start + done;
        let end = ((e / piece + 1) * piece).min(start + out.len());
        let o = &mut out[done..end - start];
        if job.inner == 1 {
            along_row(o, f, e, job.n, job.stencil);
        } else {
            along_blocks(o, f, e, job);
        }
        done = end - start;
    }
}
