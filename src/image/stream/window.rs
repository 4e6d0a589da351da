//! The rows of a streamed image that a pass over it can read now: a [`Window`] slides down the
//! image, keeping the rows it still needs and reading the next ones from a [`RowReader`], and
//! is the [`RowSource`] the banded kernels read, exactly as they read a whole image in memory.

use std::ops::Range;

use super::RowReader;
use crate::image::decode::LoadError;
use crate::image::plane::{RowSource, Sample};

/// Consecutive rows `first..first + held` of a `rows x cols` image.
pub(crate) struct Window<T> {
    data: Vec<T>,
    first: usize,
    held: usize,
    rows: usize,
    cols: usize,
}

impl<T: Sample + Default> Window<T> {
    /// An empty window on a `rows x cols` image, with room for `capacity` rows; `None` when that
    /// memory cannot be had.
    pub fn new(rows: usize, cols: usize, capacity: usize) -> Option<Self> {
        let len = capacity.checked_mul(cols)?;
        let mut data = Vec::new();
        data.try_reserve_exact(len).ok()?;
        data.resize(len, T::default());
        Some(Window {
            data,
            first: 0,
            held: 0,
            rows,
            cols,
        })
    }

    /// Makes the window hold exactly the rows `want`, reading the rows it does not hold yet from
    /// `reader` (which has given every row before `first + held`). `want` moves only down the
    /// image and fits the window's capacity.
    pub fn slide(
        &mut self,
        want: Range<usize>,
        reader: &mut dyn RowReader<T>,
    ) -> Result<(), LoadError> {
        let cols = self.cols;
        let end = self.first + self.held;
        debug_assert!(want.start >= self.first && want.end >= end && want.end <= self.rows);
        let keep = end.saturating_sub(want.start);
        if keep > 0 {
            let from = (want.start - self.first) * cols;
            self.data.copy_within(from..from + keep * cols, 0);
        }
        let new = want.end - want.start - keep;
        reader.read_rows(&mut self.data[keep * cols..(keep + new) * cols])?;
        self.first = want.start;
        self.held = want.len();
        Ok(())
    }

    /// The rows held, all at once (row-major).
    pub fn held(&self) -> (Range<usize>, &[T]) {
        let range = self.first..self.first + self.held;
        (range, &self.data[..self.held * self.cols])
    }
}

impl<T: Sample> RowSource for Window<T> {
    type Sample = T;

    #[inline(always)]
    fn rows(&self) -> usize {
        self.rows
    }

    #[inline(always)]
    fn cols(&self) -> usize {
        self.cols
    }

    /// Row `y` of the image, which must be one the window holds.
    #[inline(always)]
    fn row(&self, y: usize) -> &[T] {
        let start = (y - self.first) * self.cols;
        &self.data[start..start + self.cols]
    }
}

/// The consecutive chunks of `chunk` rows (the last may be shorter) of an image of `rows` rows,
/// with the rows a pass over each reads: `halo` more on each side, within the image.
pub(crate) fn chunks(
    rows: usize,
    chunk: usize,
    halo: usize,
) -> impl Iterator<Item = (Range<usize>, Range<usize>)> {
    let chunk = chunk.max(1);
    (0..rows.div_ceil(chunk)).map(move |c| {
        let out = c * chunk..((c + 1) * chunk).min(rows);
        let read = out.start.saturating_sub(halo)..(out.end + halo).min(rows);
        (out, read)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows numbered by their index: row `y` is `[y, y, ...]`.
    struct Counting {
        next: usize,
        rows: usize,
        cols: usize,
    }

    impl RowReader<u16> for Counting {
        fn size(&self) -> (usize, usize) {
            (self.rows, self.cols)
        }

        fn read_rows(&mut self, out: &mut [u16]) -> Result<(), LoadError> {
            for row in out.chunks_exact_mut(self.cols) {
                row.fill(self.next as u16);
                self.next += 1;
            }
            Ok(())
        }
    }

    #[test]
    fn sliding_keeps_the_rows_still_needed_and_reads_each_row_once() {
        let (rows, cols) = (23, 3);
        for (chunk, halo) in [(1, 0), (1, 3), (4, 2), (5, 7), (23, 4), (40, 1)] {
            let mut reader = Counting {
                next: 0,
                rows,
                cols,
            };
            let mut w = Window::<u16>::new(rows, cols, chunk + 2 * halo).unwrap();
            let mut covered = Vec::new();
            for (out, read) in chunks(rows, chunk, halo) {
                w.slide(read.clone(), &mut reader).unwrap();
                for y in read.clone() {
                    assert_eq!(
                        w.row(y),
                        [y as u16; 3],
                        "chunk {chunk}, halo {halo}, row {y}"
                    );
                }
                assert_eq!(w.held().0, read);
                covered.extend(out);
            }
            assert_eq!(covered, (0..rows).collect::<Vec<_>>());
            assert_eq!(reader.next, rows, "every row read once");
        }
    }

    #[test]
    fn a_window_too_large_for_memory_is_refused() {
        assert!(Window::<f32>::new(10, usize::MAX / 2, 4).is_none());
    }
}
