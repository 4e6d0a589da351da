//! Bands of rows: the one way banded work runs over an image in parallel.
//!
//! Every banded kernel (derivatives, smoothing, the fused edge passes, the edge decisions over
//! full maps, hysteresis) splits the image into horizontal [`Bands`] of rows and runs one rayon
//! task per band. Each task gets its band's row range, its own part of every row-major output
//! ([`BandOutput`]: a slice, a pair of outputs, or none), and a worker state made once per rayon
//! job and reused for the bands it runs (row caches, scratch rows). What a band reads beyond its
//! own rows (its halo) is the kernel's business: it reads them from its
//! [`RowSource`](super::plane::RowSource).
//!
//! Results never depend on the band size: kernels compute each row the same way wherever it
//! falls, and reductions ([`Bands::fold`]) merge counts that do not depend on their order.

use std::ops::Range;

use rayon::iter::Either;
use rayon::prelude::*;

/// The split of `rows` rows of a `cols`-wide image, from row `first` on (the whole image, or a
/// chunk of a streamed one), into bands of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bands {
    first: usize,
    rows: usize,
    cols: usize,
    band: usize,
}

impl Bands {
    /// Bands sized for this machine: enough to keep every thread busy, few enough that halos
    /// stay cheap (8 to 64 rows).
    pub fn new(rows: usize, cols: usize) -> Self {
        let threads = rayon::current_num_threads().max(1);
        Self::with_band_rows(rows, cols, rows.div_ceil(threads * 8).clamp(8, 64))
    }

    /// Bands of `band` rows (at least 1); the last one may be shorter.
    pub fn with_band_rows(rows: usize, cols: usize, band: usize) -> Self {
        Bands {
            first: 0,
            rows,
            cols,
            band: band.max(1),
        }
    }

    /// [`Bands::new`] over the rows `rows` of a larger image: band `b`'s range is in the
    /// image's row numbers, its output part in the chunk's.
    pub fn over(rows: Range<usize>, cols: usize) -> Self {
        let bands = Self::new(rows.len(), cols);
        Bands {
            first: rows.start,
            ..bands
        }
    }

    /// Number of rows split into bands.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns of the image.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of bands (0 for an empty image).
    pub fn count(&self) -> usize {
        if self.cols == 0 {
            0
        } else {
            self.rows.div_ceil(self.band)
        }
    }

    /// The rows of band `b`.
    pub fn range(&self, b: usize) -> Range<usize> {
        self.first + b * self.band..self.first + ((b + 1) * self.band).min(self.rows)
    }

    /// Calls `f(worker, rows, out)` for every band in parallel, with `out` the band's part of
    /// `out` and `worker` a state made by `init` once per rayon job.
    pub fn for_each<O: BandOutput, W>(
        &self,
        out: O,
        init: impl Fn() -> W + Sync + Send,
        f: impl Fn(&mut W, Range<usize>, O) + Sync + Send,
    ) {
        if self.count() == 0 {
            return;
        }
        out.into_bands(self)
            .enumerate()
            .for_each_init(init, |w, (b, part)| f(w, self.range(b), part));
    }

    /// Like [`Bands::for_each`], also folding an accumulator (made by `zero`) that `f` adds to;
    /// the accumulators of all jobs are then merged.
    pub fn fold<O: BandOutput, W: Send, A: Send>(
        &self,
        out: O,
        init: impl Fn() -> W + Sync + Send,
        zero: impl Fn() -> A + Sync + Send,
        f: impl Fn(&mut W, &mut A, Range<usize>, O) + Sync + Send,
        merge: impl Fn(A, A) -> A + Sync + Send,
    ) -> A {
        if self.count() == 0 {
            return zero();
        }
        out.into_bands(self)
            .enumerate()
            .fold(
                || (init(), zero()),
                |(mut w, mut acc), (b, part)| {
                    f(&mut w, &mut acc, self.range(b), part);
                    (w, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(&zero, merge)
    }
}

/// Row-major outputs of an image's size, split into the parts of each band and of each row:
/// `&mut [T]`, a pair of outputs (written together), an output that may be absent
/// (`Option`: `None` in every part), or `()` for none.
pub(crate) trait BandOutput: Sized + Send {
    /// The parts of `bands`' bands, in order (`self` holds `rows * cols` values).
    fn into_bands(self, bands: &Bands) -> impl IndexedParallelIterator<Item = Self>;

    /// The rows of one band's part, in order.
    fn into_rows(self, cols: usize) -> impl Iterator<Item = Self>;
}

impl<T: Send> BandOutput for &mut [T] {
    fn into_bands(self, bands: &Bands) -> impl IndexedParallelIterator<Item = Self> {
        assert_eq!(
            self.len(),
            bands.rows * bands.cols,
            "an output of the image's size"
        );
        self.par_chunks_mut(bands.band * bands.cols)
    }

    #[inline(always)]
    fn into_rows(self, cols: usize) -> impl Iterator<Item = Self> {
        self.chunks_exact_mut(cols)
    }
}

impl<A: BandOutput, B: BandOutput> BandOutput for (A, B) {
    fn into_bands(self, bands: &Bands) -> impl IndexedParallelIterator<Item = Self> {
        self.0.into_bands(bands).zip(self.1.into_bands(bands))
    }

    #[inline(always)]
    fn into_rows(self, cols: usize) -> impl Iterator<Item = Self> {
        self.0.into_rows(cols).zip(self.1.into_rows(cols))
    }
}

impl<A: BandOutput> BandOutput for Option<A> {
    fn into_bands(self, bands: &Bands) -> impl IndexedParallelIterator<Item = Self> {
        match self {
            Some(a) => Either::Left(a.into_bands(bands).map(Some)),
            None => Either::Right((0..bands.count()).into_par_iter().map(|_| None)),
        }
    }

    #[inline(always)]
    fn into_rows(self, cols: usize) -> impl Iterator<Item = Self> {
        match self {
            Some(a) => Either::Left(a.into_rows(cols).map(Some)),
            None => Either::Right(std::iter::repeat_with(|| None)),
        }
    }
}

impl BandOutput for () {
    fn into_bands(self, bands: &Bands) -> impl IndexedParallelIterator<Item = Self> {
        rayon::iter::repeat_n((), bands.count())
    }

    #[inline(always)]
    fn into_rows(self, _cols: usize) -> impl Iterator<Item = Self> {
        std::iter::repeat(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_every_row_once_in_order() {
        for (rows, band) in [(0, 4), (1, 4), (7, 3), (9, 3), (100, 64)] {
            let b = Bands::with_band_rows(rows, 5, band);
            let all: Vec<usize> = (0..b.count()).flat_map(|i| b.range(i)).collect();
            assert_eq!(all, (0..rows).collect::<Vec<_>>(), "{rows} rows by {band}");
        }
        assert_eq!(Bands::with_band_rows(10, 0, 4).count(), 0);
        assert_eq!(Bands::with_band_rows(10, 3, 0).count(), 10);
        let auto = Bands::new(1000, 3);
        assert!((8..=64).contains(&auto.range(0).len()));
    }

    #[test]
    fn each_band_writes_its_own_rows_of_every_output() {
        let (rows, cols) = (11, 3);
        let b = Bands::with_band_rows(rows, cols, 4);
        let (mut ys, mut xs) = (vec![0usize; rows * cols], vec![0u8; rows * cols]);
        b.for_each(
            (&mut ys[..], &mut xs[..]),
            || (),
            |_, range, (y_part, x_part)| {
                assert_eq!(y_part.len(), range.len() * cols);
                for (y, (ys, xs)) in range.zip((y_part, x_part).into_rows(cols)) {
                    ys.fill(y);
                    for (x, v) in xs.iter_mut().enumerate() {
                        *v = x as u8;
                    }
                }
            },
        );
        assert_eq!(ys, (0..rows * cols).map(|i| i / cols).collect::<Vec<_>>());
        assert_eq!(
            xs,
            (0..rows * cols)
                .map(|i| (i % cols) as u8)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn absent_outputs_are_none_in_every_part() {
        let (rows, cols) = (7, 2);
        let b = Bands::with_band_rows(rows, cols, 3);
        let mut present = vec![0u8; rows * cols];
        b.for_each(
            (Some(&mut present[..]), None::<&mut [u8]>),
            || (),
            |_, range, (some, none)| {
                assert!(none.is_none());
                for (y, (row, absent)) in range.zip((some, none).into_rows(cols)) {
                    assert!(absent.is_none());
                    row.expect("present").fill(y as u8);
                }
            },
        );
        assert_eq!(
            present,
            (0..rows * cols)
                .map(|i| (i / cols) as u8)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn folds_see_every_row_once_and_keep_their_workers() {
        let b = Bands::with_band_rows(1000, 2, 8);
        let (rows, bands) = b.fold(
            (),
            || 0usize,
            || (0usize, 0usize),
            |seen, acc, range, ()| {
                *seen += 1;
                acc.0 += range.clone().zip(().into_rows(2)).count();
                acc.1 += 1;
                assert!(*seen >= 1);
            },
            |a, b| (a.0 + b.0, a.1 + b.1),
        );
        assert_eq!((rows, bands), (1000, 125));
        let empty =
            Bands::with_band_rows(0, 2, 8).fold((), || (), || 7, |_, _, _, ()| (), |a, _| a);
        assert_eq!(empty, 7);
    }
}
