//! The one parallel pass every stencil computation runs: outputs allocated uninitialised, each
//! written once, task by task over ranges of consecutive elements, in the input's memory order.
//!
//! A computation is a list of [`OutputPlan`]s, one per output array. [`run`] lays a C-order
//! input out as it is, reads a Fortran-order input as the C-order array of its reversed axes
//! (the plans reversed to match, the outputs handed back in Fortran order) and copies any other
//! layout to C order first. The flat array is cut into tasks of consecutive elements; every task
//! computes its range of every output, so each input element is read from memory once while it
//! is in cache, whatever the number of outputs.

use std::mem::MaybeUninit;

use ndarray::{Array, ArrayView, Dimension};
use rayon::prelude::*;

use crate::numeric::Float;

/// Work below this many elements runs on the calling thread.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;
/// Each parallel task covers this many consecutive elements of every output.
const TASK_ELEMENTS: usize = 1 << 15;

/// An element a kernel writes one value into: an initialised `T`, or a `MaybeUninit<T>` of an
/// output allocated without zeroing.
pub(crate) trait Slot<T>: Send {
    /// Stores `v`.
    fn set(&mut self, v: T);
}

impl<T: Float> Slot<T> for T {
    #[inline(always)]
    fn set(&mut self, v: T) {
        *self = v;
    }
}

impl<T: Float> Slot<T> for MaybeUninit<T> {
    #[inline(always)]
    fn set(&mut self, v: T) {
        self.write(v);
    }
}

/// How one output is computed from a C-contiguous input.
pub(crate) trait OutputPlan<T>: Sync {
    /// The same computation on the same memory seen with its axes reversed (`ndim` of them).
    fn reversed(&self, ndim: usize) -> Self;

    /// Writes elements `[start, start + out.len())` of the output, every one of them, from the
    /// C-contiguous `f` of the given shape.
    fn fill<O: Slot<T>>(&self, f: &[T], out: &mut [O], start: usize, shape: &[usize]);
}

/// Computes every planned output of a float array, in whatever memory order it has.
pub(crate) fn run<T: Float, D: Dimension, P: OutputPlan<T>>(
    f: ArrayView<T, D>,
    plans: &[P],
) -> Vec<Array<T, D>> {
    if f.is_standard_layout() {
        return run_standard(&f, plans);
    }
    let reversed = f.view().reversed_axes();
    if reversed.is_standard_layout() {
        // Fortran order: the same memory read as a C-order array with the axes reversed; the
        // results come back in Fortran order, as numpy's `empty_like` makes them.
        let plans: Vec<P> = plans.iter().map(|p| p.reversed(f.ndim())).collect();
        return run_standard(&reversed, &plans)
            .into_iter()
            .map(|a| a.reversed_axes())
            .collect();
    }
    run_standard(&f.as_standard_layout().view(), plans)
}

/// All planned outputs of a C-contiguous array in one pass over it.
///
/// The outputs are allocated without zeroing (zeroing them cost as much as the kernel: see the
/// `gradient_4096` benchmark in benches/gradient.rs and python/bench/bench.py) and written once.
fn run_standard<T: Float, D: Dimension, P: OutputPlan<T>>(
    f: &ArrayView<T, D>,
    plans: &[P],
) -> Vec<Array<T, D>> {
    let mut outs: Vec<Array<MaybeUninit<T>, D>> =
        plans.iter().map(|_| Array::uninit(f.raw_dim())).collect();
    let input = f.as_slice().expect("standard layout");
    let slices = outs
        .iter_mut()
        .map(|o| o.as_slice_mut().expect("fresh arrays are standard layout"))
        .collect();
    let shape = f.shape();
    for_each_range(input.len(), slices, |k, out, start| {
        plans[k].fill(input, out, start, shape)
    });
    outs.into_iter()
        // SAFETY: every element of every output has been written. `for_each_range` calls the
        // closure on every chunk of every output (each has `input.len()` elements), and every
        // `OutputPlan::fill` writes every element of the range it is given:
        // - the gradient's `AxisPlan` covers the range with consecutive pieces, each written
        //   whole by `along_blocks` (one stencil row over the piece) or `along_row` (interior,
        //   first and last columns; `plan` has refused any axis shorter than 2 before anything
        //   was allocated), whose loops run over the output slice itself with the inputs
        //   resliced to its length (a shorter input would panic, never leave an element
        //   unwritten), for every stencil (edge orders 1 and 2, scalar and coordinate spacings,
        //   native or widened precision);
        // - the derivative `Plan` covers the range with consecutive pieces (`pieces` advances
        //   to the end of each one it hands out); in each, `one` writes the central columns
        //   `[a, b)` and every other column of the piece (the two ranges before `a` and from
        //   `max(b, a)` together cover the rest exactly once), or the whole piece from one row
        //   rule; the laplacian writes every element of the piece from its sum, the mixed
        //   derivative every column (outer axis last) or the whole piece (`combine_pairs` and
        //   `combine_sequence` loop over their output).
        // A zero-length array has nothing to write.
        .map(|o| unsafe { o.assume_init() })
        .collect()
}

/// Computes every output from the C-contiguous `f`: `fill(k, out_range, start)` writes
/// output `k`'s elements `[start, start + out_range.len())`. Every output has `f_len` elements,
/// so its chunks and the tasks correspond one to one, and `fill` is called once on each chunk
/// of each output. Runs in parallel for large arrays.
pub(crate) fn for_each_range<O, F>(f_len: usize, outs: Vec<&mut [O]>, fill: F)
where
    O: Send,
    F: Fn(usize, &mut [O], usize) + Sync,
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
    let tasks: Vec<Vec<&mut [O]>> = (0..f_len.div_ceil(task))
        .map(|_| {
            per_output
                .iter_mut()
                .filter_map(|chunks| chunks.next())
                .collect()
        })
        .collect();
    let run = |(t, chunks): (usize, Vec<&mut [O]>)| {
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
