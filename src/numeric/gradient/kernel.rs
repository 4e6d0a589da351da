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

use rayon::prelude::*;

use super::stencil::{AxisStencil, Edge, Interior};
use crate::numeric::Float;

/// Work below this many elements runs on the calling thread.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;
/// Each parallel task covers this many consecutive elements of every output.
const TASK_ELEMENTS: usize = 1 << 15;

/// One selected axis: its length, its block size and its stencil in working type `W`.
pub(crate) struct AxisJob<'s, W> {
    /// Samples along the axis.
    pub n: usize,
    /// Elements per step along the axis (the product of the later axes' lengths).
    pub inner: usize,
    pub stencil: &'s AxisStencil<W>,
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

/// An edge value from the three samples nearest the edge, in increasing index order.
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

/// Elements `[start, start + out.len())` of the derivative along the last axis, all in one
/// row of `n` samples.
#[inline(always)]
fn along_row<T: Float, W: Float>(
    out: &mut [T],
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
pub(crate) fn line<T: Float, W: Float>(out: &mut [T], f: &[T], s: &AxisStencil<W>) {
    along_row(out, f, 0, f.len(), s);
}

/// Elements `[start, start + out.len())` of the derivative along an axis with blocks of
/// `inner > 1` elements, all in one block.
fn along_blocks<T: Float, W: Float>(out: &mut [T], f: &[T], start: usize, job: &AxisJob<W>) {
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

/// Elements `[start, start + out.len())` of one axis's derivative.
pub(crate) fn apply_range<T: Float, W: Float>(
    out: &mut [T],
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

/// Computes every output from the C-contiguous `f`: `fill(k, out_range, start)` writes
/// output `k`'s elements `[start, start + out_range.len())`. Runs in parallel for large arrays.
pub(crate) fn for_each_range<T, F>(f_len: usize, outs: Vec<&mut [T]>, fill: F)
where
    T: Float,
    F: Fn(usize, &mut [T], usize) + Sync,
{
    if f_len == 0 {
        return;
    }
    let task = if f_len < PARALLEL_MIN_ELEMENTS {
        f_len
    } else {
        TASK_ELEMENTS
    };
    let mut per_output: Vec<_> = outs.into_iter().map(|o| o.chunks_mut(task)).collect();
    let tasks: Vec<Vec<&mut [T]>> = (0..f_len.div_ceil(task))
        .map(|_| {
            per_output
                .iter_mut()
                .filter_map(|chunks| chunks.next())
                .collect()
        })
        .collect();
    let run = |(t, chunks): (usize, Vec<&mut [T]>)| {
        for (k, chunk) in chunks.into_iter().enumerate() {
            fill(k, chunk, t * task);
        }
    };
    if tasks.len() == 1 {
        tasks.into_iter().enumerate().for_each(run);
    } else {
        tasks.into_par_iter().enumerate().for_each(run);
    }
}
