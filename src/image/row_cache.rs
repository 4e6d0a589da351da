//! A cache of the last few rows a band worker computed, tagged by row index.
//!
//! Banded kernels read each row several times (a derivative row reads the grid rows above and
//! below it, a smoothed row the input rows around it, non-maximum suppression the magnitude rows
//! around it) and walk down their band. A [`RowCache`] of `N` slots keeps row `k` in slot
//! `k % N`, so any `N` consecutive rows fit, and each row is computed once per band.

/// `N` rows of `width` values, each slot tagged with the row index it holds.
#[derive(Debug, Clone)]
pub(crate) struct RowCache<V = f32> {
    data: Vec<V>,
    tags: Vec<usize>,
    width: usize,
}

impl<V: Copy + Default> RowCache<V> {
    /// A cache of `slots` rows of `width` values, holding no row.
    pub fn new(slots: usize, width: usize) -> Self {
        RowCache {
            data: vec![V::default(); slots * width],
            tags: vec![usize::MAX; slots],
            width,
        }
    }

    /// Whether row `k` is in the cache.
    #[inline(always)]
    pub fn has(&self, k: usize) -> bool {
        self.tags[k % self.tags.len()] == k
    }

    /// Row `k`, which must be in the cache.
    #[inline(always)]
    pub fn row(&self, k: usize) -> &[V] {
        debug_assert!(self.has(k));
        let s = k % self.tags.len();
        &self.data[s * self.width..(s + 1) * self.width]
    }

    /// The slot for row `k`, marked as holding it (the caller fills it).
    #[inline(always)]
    pub fn slot(&mut self, k: usize) -> &mut [V] {
        let s = k % self.tags.len();
        self.tags[s] = k;
        &mut self.data[s * self.width..(s + 1) * self.width]
    }
}

#[cfg(test)]
mod tests {
    use super::RowCache;

    #[test]
    fn any_run_of_consecutive_rows_fits() {
        let mut c = RowCache::<u32>::new(3, 2);
        assert!(!c.has(0));
        for k in 5..8 {
            c.slot(k).fill(k as u32);
        }
        assert!((5..8).all(|k| c.has(k) && c.row(k) == [k as u32; 2]));
        c.slot(8).fill(8);
        assert!(!c.has(5) && c.has(6) && c.row(8) == [8, 8]);
    }
}
